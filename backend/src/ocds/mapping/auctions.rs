//! The electronic auctions of a release (Techniques extension and Licita's local one): each
//! lot with an auction (every lot of a subasta, the lots an officer chose on another method) says so (`techniques.hasElectronicAuction`), with the
//! public page and the rules in words once its auction is scheduled; a closed auction's
//! signed transcript is among the tender's documents, and its bids carry their final price,
//! opening price and rank. Before the close the companies' sealed prices are withheld
//! ([`crate::ocds::withheld`]). Read from the tables, as the rest of the release.

use std::collections::{BTreeMap, BTreeSet};

use diesel::prelude::*;
use serde_json::{Value, json};

use crate::{
    db::DbConnection,
    domain::{BidId, Currency, Money, TenderId, utc},
    error::AppError,
    i18n::{Lang, t_args},
    schema::{auction_seats, auctions, tender_lots},
};

/// Each admitted bid's (rank, opening, final) price in minor units.
type Places = BTreeMap<BidId, (usize, i64, i64)>;

/// A lot's auction as the open data shows it.
pub(super) struct LotAuction {
    /// Its row.
    pub id: i64,
    /// The rules in words (Spanish, as the rest of the release).
    pub description: String,
    /// When it closed, and each admitted bid's place.
    pub closed: Option<(chrono::NaiveDateTime, Places)>,
}

/// What the release needs of a tender's auctions.
pub(super) struct Auctions {
    /// The lots that have an electronic auction.
    pub runs: BTreeSet<i32>,
    /// The lots whose companies' sealed prices are still withheld.
    pub withheld: BTreeSet<i32>,
    /// Scheduled auctions by lot.
    pub by_lot: BTreeMap<i32, LotAuction>,
}

type AuctionRow = (
    (i64, i32, String, i64),
    (i32, i32, i32, i32),
    Option<chrono::NaiveDateTime>,
    Option<String>,
);

impl Auctions {
    /// The tender's auctions.
    pub fn of(conn: &mut DbConnection, tender_id: TenderId) -> Result<Auctions, AppError> {
        let runs: BTreeSet<i32> = tender_lots::table
            .filter(tender_lots::tender_id.eq(tender_id))
            .filter(tender_lots::electronic_auction.eq(true))
            .select(tender_lots::number)
            .load::<i32>(conn)?
            .into_iter()
            .collect();
        let rows: Vec<AuctionRow> = auctions::table
            .filter(auctions::tender_id.eq(tender_id))
            .select((
                (
                    auctions::id,
                    auctions::lot_number,
                    auctions::currency,
                    auctions::minimal_step,
                ),
                (
                    auctions::window_seconds,
                    auctions::extension_seconds,
                    auctions::max_extensions,
                    auctions::outage_gap_seconds,
                ),
                auctions::closed_at,
                auctions::transcript,
            ))
            .load(conn)?;
        let mut by_lot = BTreeMap::new();
        for ((id, lot, currency, step), (window, extension, times, gap), closed_at, transcript) in
            rows
        {
            let amount = Currency::from_code(&currency)
                .and_then(|c| Money::from_minor(step, c).ok())
                .map_or_else(|| step.to_string(), |m| m.amount().to_string());
            let description = t_args(
                Lang::Es,
                "ocds-auction-rules",
                &[
                    ("step", amount),
                    ("currency", currency),
                    ("window", (window / 60).to_string()),
                    ("extension", (extension / 60).to_string()),
                    ("times", times.to_string()),
                    ("gap", gap.to_string()),
                ],
            );
            let closed = match (closed_at, transcript) {
                (Some(at), Some(text)) => Some((at, places(conn, id, &text)?)),
                _ => None,
            };
            by_lot.insert(
                lot,
                LotAuction {
                    id,
                    description,
                    closed,
                },
            );
        }
        Ok(Auctions {
            runs,
            withheld: crate::ocds::withheld_lots(conn, tender_id)?,
            by_lot,
        })
    }

    /// Lot `lot`'s `techniques`: whether it has an auction, said either way (an amendment may
    /// take a lot's auction away, and a merged record keeps a field no later release sets).
    pub fn techniques(&self, lot: i32) -> Value {
        match self.by_lot.get(&lot) {
            Some(a) => json!({
                "hasElectronicAuction": true,
                "electronicAuction": {"url": format!("/subastas/{}", a.id), "description": a.description},
            }),
            None => json!({"hasElectronicAuction": self.runs.contains(&lot)}),
        }
    }

    /// The signed transcripts of the closed auctions, as tender documents.
    pub fn documents(&self) -> Vec<Value> {
        self.by_lot
            .iter()
            .filter_map(|(lot, a)| {
                let (at, _) = a.closed.as_ref()?;
                Some(json!({
                    "id": format!("auction-{}-transcript", a.id),
                    "documentType": "evaluationReports",
                    "title": format!("Acta de la subasta electrónica, lote {lot}"),
                    "description": "Cada lance con su recibo firmado (Ed25519), cada extensión del cierre y su motivo, y el orden final; firmada por el servidor.",
                    "url": format!("/api/v1/auctions/{}/transcript", a.id),
                    "datePublished": utc::format(*at),
                    "format": "application/json",
                    "language": "es",
                    "relatedLots": [format!("lot-{lot}")],
                }))
            })
            .collect()
    }

    /// Bid `bid`'s (rank, opening, final) price on lot `lot`, once its auction closed.
    pub fn closed_place(&self, lot: i32, bid: BidId) -> Option<(usize, i64, i64)> {
        self.by_lot.get(&lot)?.closed.as_ref()?.1.get(&bid).copied()
    }
}

/// Each seat's (rank, opening, final) price of closed auction `id`: the prices from its seats,
/// the ranks from its signed transcript's final ranking.
fn places(conn: &mut DbConnection, id: i64, transcript: &str) -> Result<Places, AppError> {
    let transcript: Value = serde_json::from_str(transcript).map_err(AppError::internal)?;
    let ranks: BTreeMap<i64, usize> = transcript["ranking"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| {
            Some((
                p["bid_id"].as_i64()?,
                usize::try_from(p["rank"].as_u64()?).ok()?,
            ))
        })
        .collect();
    Ok(auction_seats::table
        .filter(auction_seats::auction_id.eq(id))
        .select((
            auction_seats::bid_id,
            auction_seats::opening_price,
            auction_seats::price,
        ))
        .load::<(BidId, i64, i64)>(conn)?
        .into_iter()
        .filter_map(|(bid, opening, last)| Some((bid, (*ranks.get(&bid.get())?, opening, last))))
        .collect())
}
