//! The auction's transcript (*acta de la subasta*), made when the clock closes it: every
//! lance in order with all its receipt's fields and signature, every move of the close and
//! why, and the final ranking with the companies (the auction is over: the award names them
//! anyway). Its canonical JSON is signed with the server's Ed25519 key under
//! `licita-auction-transcript-v1`, so anyone can check the whole and, from it, each lance's
//! own receipt.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::lances::LanceReceipt;
use super::rules::Auction;
use super::store::Stored;
use crate::{
    audit::canonical_json,
    bids::receipts::receipt_time,
    db::DbConnection,
    domain::BidId,
    error::AppError,
    keys::ReceiptKeys,
    schema::{auction_lances, auctions, tenders},
};

/// What the transcript's signature covers, before its canonical JSON.
pub const TRANSCRIPT_CONTEXT: &str = "licita-auction-transcript-v1\n";

/// One place of the final ranking.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FinalPlace {
    /// 1 for the first. Any whole number from 1 is read (one beyond `usize` as the
    /// largest), so a copy with an absurd rank is answered "signature not valid", not
    /// refused as unreadable.
    #[schema(minimum = 1)]
    #[serde(deserialize_with = "rank_number")]
    pub rank: usize,
    /// The anonymous name it bid under.
    pub seat: String,
    /// The sealed bid.
    pub bid_id: BidId,
    /// The company's RUC.
    pub supplier_ruc: String,
    /// The company.
    pub supplier_name: String,
    /// Its sealed price.
    pub opening_price: String,
    /// Its price at the close.
    pub final_price: String,
}

/// A rank as any JSON whole number from 1 (`3`, `3.0`, `2e26`); zero, negatives and
/// fractions are refused.
fn rank_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<usize, D::Error> {
    let number = serde_json::Number::deserialize(deserializer)?;
    if let Some(n) = number.as_u64() {
        return match usize::try_from(n) {
            Ok(0) => Err(serde::de::Error::custom("a rank starts at 1")),
            Ok(n) => Ok(n),
            Err(_) => Ok(usize::MAX),
        };
    }
    match number.as_f64() {
        Some(f) if f >= 1.0 && f.fract() == 0.0 => Ok(if f >= usize::MAX as f64 {
            usize::MAX
        } else {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "checked to be whole, positive and below usize::MAX"
            )]
            let n = f as usize;
            n
        }),
        _ => Err(serde::de::Error::custom("a rank is a whole number from 1")),
    }
}

/// The transcript.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuctionTranscript {
    /// The auction.
    pub auction_id: i64,
    /// The tender's ocid.
    pub ocid: String,
    /// The lot.
    pub lot: i32,
    /// ISO 4217.
    pub currency: String,
    /// When lances started (UTC).
    pub opens_at: String,
    /// When it closed (UTC).
    pub closed_at: String,
    /// The minimal step.
    pub minimal_step: String,
    /// How many times lances moved the close (at most the rules' 10 by default).
    pub extensions: i32,
    /// Every accepted lance, in order, as its receipt (each verifiable on its own).
    pub lances: Vec<LanceReceipt>,
    /// Every move of the close.
    pub moves: Vec<super::view::MoveView>,
    /// The final ranking.
    pub ranking: Vec<FinalPlace>,
}

/// A signed transcript as published.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignedAuctionTranscript {
    /// The transcript.
    pub transcript: AuctionTranscript,
    /// The server's Ed25519 public key (hex).
    pub public_key: String,
    /// Ed25519 signature (base64) over `licita-auction-transcript-v1\n` and the canonical
    /// JSON of `transcript`.
    pub signature: String,
}

/// The canonical JSON a transcript's signature covers.
pub fn transcript_message(t: &AuctionTranscript) -> Result<String, AppError> {
    let value = serde_json::to_value(t).map_err(AppError::internal)?;
    Ok(canonical_json(&value))
}

/// Builds, signs and stores the transcript of auction `stored`, closed in state `after` at
/// `closed_at`.
pub(super) fn make(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    stored: &Stored,
    after: &Auction,
    closed_at: NaiveDateTime,
) -> Result<(), AppError> {
    let money = |minor: i64| stored.amount_text(minor);
    let ocid: Option<String> = tenders::table
        .find(stored.tender_id)
        .select(tenders::ocid)
        .first(conn)?;
    let ocid = ocid.unwrap_or_default();
    let ids: Vec<_> = stored.seats.iter().map(|s| s.supplier_id).collect();
    let companies = crate::bids::supplier_names(conn, &ids)?;
    let company = |seat: i32| {
        stored
            .seats
            .get(usize::try_from(seat).unwrap_or(usize::MAX))
            .and_then(|s| companies.get(&s.supplier_id))
            .cloned()
            .unwrap_or_default()
    };
    let lances = auction_lances::table
        .filter(auction_lances::auction_id.eq(stored.id))
        .order(auction_lances::number)
        .select((
            auction_lances::number,
            auction_lances::seat,
            auction_lances::price,
            auction_lances::placed_at,
            auction_lances::closes_at,
            (auction_lances::signature, auction_lances::supplier_ruc),
        ))
        .load::<(
            i64,
            i32,
            i64,
            NaiveDateTime,
            NaiveDateTime,
            (String, String),
        )>(conn)?
        .into_iter()
        .map(
            |(number, seat, price, at, closes, (signature, ruc))| LanceReceipt {
                auction_id: stored.id,
                number,
                ocid: ocid.clone(),
                lot: stored.lot_number,
                // The RUC the receipt was signed with (lances from before the column: the
                // company's RUC now).
                supplier_ruc: if ruc.is_empty() { company(seat).0 } else { ruc },
                price: money(price),
                currency: stored.currency.code().to_owned(),
                server_time: receipt_time(at),
                closes_at: receipt_time(closes),
                public_key: keys.public_hex(),
                signature,
            },
        )
        .collect();
    let moves = super::view::moves(conn, stored.id)?;
    let ranking = after
        .ranking()
        .into_iter()
        .enumerate()
        .map(|(i, (seat, price))| {
            let row = &stored.seats[usize::from(seat.0)];
            let (ruc, name) = company(i32::from(seat.0));
            FinalPlace {
                rank: i + 1,
                seat: seat.letters(),
                bid_id: row.bid_id,
                supplier_ruc: ruc,
                supplier_name: name,
                opening_price: money(row.opening_price),
                final_price: money(price.amount),
            }
        })
        .collect();
    let transcript = AuctionTranscript {
        auction_id: stored.id,
        ocid,
        lot: stored.lot_number,
        currency: stored.currency.code().to_owned(),
        opens_at: receipt_time(after.opens_at),
        closed_at: receipt_time(closed_at),
        minimal_step: money(after.rules.minimal_step),
        extensions: i32::try_from(after.extensions).unwrap_or(i32::MAX),
        lances,
        moves,
        ranking,
    };
    let message = transcript_message(&transcript)?;
    let signature = keys.sign_with_context(TRANSCRIPT_CONTEXT, &message);
    diesel::update(auctions::table.find(stored.id))
        .set((
            auctions::transcript.eq(message),
            auctions::transcript_signature.eq(signature),
        ))
        .execute(conn)?;
    Ok(())
}

/// The signed transcript of auction `id` (404 until it has closed).
pub fn read(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    id: i64,
) -> Result<SignedAuctionTranscript, AppError> {
    let row: Option<(Option<String>, Option<String>)> = auctions::table
        .find(id)
        .select((auctions::transcript, auctions::transcript_signature))
        .first(conn)
        .optional()?;
    let Some((Some(text), Some(signature))) = row else {
        return Err(AppError::NotFound);
    };
    Ok(SignedAuctionTranscript {
        transcript: serde_json::from_str(&text).map_err(AppError::internal)?,
        public_key: keys.public_hex(),
        signature,
    })
}
