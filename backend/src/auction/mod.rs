//! The electronic reverse auction (*subasta inversa electrónica*): after the sealed offers
//! are opened and admitted, the admitted bidders of a lot bid its price down in a window
//! the server's clock keeps. Its rules are a pure state machine ([`rules`]): the record
//! keeps what happened, and any server rebuilds the state from it.

pub mod lances;
pub mod live;
pub mod record;
pub mod rules;
pub mod store;
pub mod transcript;
pub mod verify;
pub mod view;

pub use lances::{LANCE_CONTEXT, LanceReceipt, lance_message, place, place_in};
pub use live::{Announced, Hub, LiveEvent};
pub use record::{
    Outcome, ScheduleInput, of_lot, of_tender, outcome, schedule, schedule_in, tick_due,
    transcript, view,
};
pub use rules::{Auction, Happening, Position, Refusal, Rules, Seat, Standing};
pub use transcript::{AuctionTranscript, SignedAuctionTranscript, TRANSCRIPT_CONTEXT};
pub use view::{AuctionView, view_in};

/// What the receipt verifier takes: a bid's receipt (with its proof, or the bidder's copy),
/// a lance's receipt, or an auction's signed transcript.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum AnyReceipt {
    /// An auction's signed transcript.
    AuctionTranscript(SignedAuctionTranscript),
    /// A lance's receipt.
    Lance(LanceReceipt),
    /// A bid's receipt.
    Bid(crate::bids::VerifyRequest),
}

/// Checks any of them ([`AnyReceipt`]).
pub async fn verify_any(
    app: &crate::app::AppState,
    request: AnyReceipt,
) -> Result<crate::bids::VerifyAnswer, crate::AppError> {
    let keys = app.receipts.clone();
    match request {
        AnyReceipt::Bid(request) => crate::bids::verify(app, request).await,
        AnyReceipt::Lance(receipt) => {
            app.db
                .run(move |conn| {
                    Ok(crate::bids::VerifyAnswer {
                        check: verify::check_lance(conn, &keys, &receipt)?,
                        included: None,
                        lances: None,
                        lances_valid: None,
                    })
                })
                .await
        }
        AnyReceipt::AuctionTranscript(signed) => {
            app.db
                .run(move |conn| {
                    let c = verify::check_transcript(conn, &keys, &signed)?;
                    Ok(crate::bids::VerifyAnswer {
                        check: crate::bids::ReceiptCheck {
                            signature_valid: c.signature_valid,
                            on_record: c.on_record,
                            status: None,
                        },
                        included: None,
                        lances: Some(c.lances),
                        lances_valid: Some(c.lances_valid),
                    })
                })
                .await
        }
    }
}
