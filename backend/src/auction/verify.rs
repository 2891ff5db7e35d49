//! Anyone checks what an auction handed out, with the same verifier as a bid's receipt
//! (`POST /api/v1/receipts/verify`, `/recibos/verificar`): a lance's receipt (this server's
//! signature over its fields, and the lance on record with that signature) or the signed
//! transcript (its signature, the one on record, and every lance's receipt in it).

use diesel::prelude::*;

use super::lances::{LANCE_CONTEXT, LanceReceipt, lance_message};
use super::transcript::{SignedAuctionTranscript, TRANSCRIPT_CONTEXT, transcript_message};
use crate::{
    bids::ReceiptCheck,
    db::DbConnection,
    error::AppError,
    keys::ReceiptKeys,
    schema::{auction_lances, auctions},
};

/// Is `receipt` signed by this server's key (whatever key it names)?
fn lance_signed(keys: &ReceiptKeys, receipt: &LanceReceipt) -> bool {
    ReceiptKeys::verify_with_context(
        &keys.public_hex(),
        LANCE_CONTEXT,
        &lance_message(receipt),
        &receipt.signature,
    )
}

/// Checks a lance's receipt: the signature, and the lance on record with that signature.
pub fn check_lance(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    receipt: &LanceReceipt,
) -> Result<ReceiptCheck, AppError> {
    let signature_valid = lance_signed(keys, receipt);
    let stored: Option<String> = auction_lances::table
        .filter(auction_lances::auction_id.eq(receipt.auction_id))
        .filter(auction_lances::number.eq(receipt.number))
        .select(auction_lances::signature)
        .first(conn)
        .optional()?;
    Ok(ReceiptCheck {
        signature_valid,
        on_record: signature_valid && stored.as_deref() == Some(receipt.signature.as_str()),
        status: None,
    })
}

/// What a transcript's check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TranscriptCheck {
    /// Signed by this server, over exactly this transcript.
    pub signature_valid: bool,
    /// The transcript on record for its auction has this signature.
    pub on_record: bool,
    /// Lances in it.
    pub lances: usize,
    /// Of which this server signed, as listed.
    pub lances_valid: usize,
}

/// Checks a signed transcript and each lance's receipt in it.
pub fn check_transcript(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    signed: &SignedAuctionTranscript,
) -> Result<TranscriptCheck, AppError> {
    let signature_valid = transcript_message(&signed.transcript).is_ok_and(|message| {
        ReceiptKeys::verify_with_context(
            &keys.public_hex(),
            TRANSCRIPT_CONTEXT,
            &message,
            &signed.signature,
        )
    });
    let stored: Option<Option<String>> = auctions::table
        .find(signed.transcript.auction_id)
        .select(auctions::transcript_signature)
        .first(conn)
        .optional()?;
    let lances = &signed.transcript.lances;
    Ok(TranscriptCheck {
        signature_valid,
        on_record: signature_valid
            && stored.flatten().as_deref() == Some(signed.signature.as_str()),
        lances: lances.len(),
        lances_valid: lances.iter().filter(|l| lance_signed(keys, l)).count(),
    })
}
