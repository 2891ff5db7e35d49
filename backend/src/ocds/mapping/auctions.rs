//! The electronic auctions of a release (Techniques extension and Licita's local one): each
//! lot of a procedure that runs auctions says so (`techniques.hasElectronicAuction`), with the
//! public page and the rules in words once its auction is scheduled; a closed auction's
//! signed transcript is among the tender's documents, and its bids carry their final price,
//! opening price and rank. Before the close the companies' sealed prices are withheld
//! ([`crate::auction::disclosure`]).

use std::collections::{BTreeMap, BTreeSet};

use diesel::prelude::*;
use serde_json::{Value, json};

use crate::{
    auction::{AuctionTranscript, store::load},
    db::DbConnection,
    domain::{BidId, TenderId, utc},
    error::AppError,
    i18n::{Lang, t_args},
    schema::auctions,
};

/// Each admitted bid's (rank, opening, final) price in minor units.
type Places = BTreeMap<BidId, (usize, i64, i64)>;

/// A lot's auction as the open data shows it.
pub(super) struct LotAuction {
    /// Its row.
    pub id: i64,
    /// The rules in words (Spanish, as the rest of the release).
    pub description: String,
    /// When it closed, and each admitted bid's (rank, opening, final) price in minor units.
    pub closed: Option<(chrono::NaiveDateTime, Places)>,
}

/// What the release needs of a tender's auctions.
pub(super) struct Auctions {
    /// Does the tender's procedure run auctions?
    pub runs: bool,
    /// The lots whose companies' sealed prices are still withheld.
    pub withheld: BTreeSet<i32>,
    /// Scheduled auctions by lot.
    pub by_lot: BTreeMap<i32, LotAuction>,
}

impl Auctions {
    /// The tender's auctions.
    pub fn of(conn: &mut DbConnection, tender_id: TenderId) -> Result<Auctions, AppError> {
        let st = crate::tenders::state(conn, tender_id)?;
        let rows: Vec<(i64, i32, Option<String>)> = auctions::table
            .filter(auctions::tender_id.eq(tender_id))
            .select((auctions::id, auctions::lot_number, auctions::transcript))
            .load(conn)?;
        let mut by_lot = BTreeMap::new();
        for (id, lot, transcript) in rows {
            let stored = load(conn, id)?;
            let rules = &stored.state.rules;
            let description = t_args(
                Lang::Es,
                "ocds-auction-rules",
                &[
                    ("step", stored.amount_text(rules.minimal_step)),
                    ("currency", stored.currency.code().to_owned()),
                    ("window", rules.window.num_minutes().to_string()),
                    ("extension", rules.extension.num_minutes().to_string()),
                    ("times", rules.max_extensions.to_string()),
                    ("gap", rules.outage_gap.num_seconds().to_string()),
                ],
            );
            let closed = match (stored.closed_at, transcript) {
                (Some(at), Some(text)) => {
                    let t: AuctionTranscript =
                        serde_json::from_str(&text).map_err(AppError::internal)?;
                    let places = t
                        .ranking
                        .iter()
                        .filter_map(|p| {
                            let seat = stored.seats.iter().find(|s| s.bid_id == p.bid_id)?;
                            let last = stored.state.prices.get(usize::from(seat.seat.0))?;
                            Some((p.bid_id, (p.rank, seat.opening_price, last.amount)))
                        })
                        .collect();
                    Some((at, places))
                }
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
            runs: crate::procedure::of(st.method).runs_auctions(),
            withheld: crate::auction::withheld_lots(conn, tender_id)?,
            by_lot,
        })
    }

    /// Lot `lot`'s `techniques`, when it has or may have an auction.
    pub fn techniques(&self, lot: i32) -> Option<Value> {
        match self.by_lot.get(&lot) {
            Some(a) => Some(json!({
                "hasElectronicAuction": true,
                "electronicAuction": {"url": format!("/subastas/{}", a.id), "description": a.description},
            })),
            None if self.runs => Some(json!({"hasElectronicAuction": true})),
            None => None,
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
