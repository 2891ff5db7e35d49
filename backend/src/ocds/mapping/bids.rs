//! The bids of a release, published after the opening: one entry per live bid and lot it
//! prices with that lot's evaluation, the statistics per lot, and the tenderers.

use std::collections::BTreeMap;

use diesel::prelude::*;
use serde_json::{Value, json};

use super::{parties::party_id, value};
use crate::{
    db::DbConnection,
    domain::{BidId, BidStatus, SupplierId, TenderId, utc},
    error::AppError,
    schema::{bid_evaluations, bid_prices, bids, suppliers},
};

type BidRow = (
    i64,
    SupplierId,
    BidStatus,
    chrono::NaiveDateTime,
    Option<String>,
    String,
    String,
);

pub(super) type Tenderers = BTreeMap<SupplierId, (String, String)>;

/// The OCDS id of bid `bid`'s entry for lot `lot` in `bids.details`.
pub fn bid_lot_id(bid: i64, lot: i32) -> String {
    format!("bid-{bid}-lot-{lot}")
}

/// The opened bids: details (one entry per live bid and lot it prices, with that lot's price
/// and evaluation; one per withdrawn bid), statistics per lot, and the tenderers (companies
/// with a live bid).
pub(super) fn bids_section(
    conn: &mut DbConnection,
    tender_id: TenderId,
    currency: &str,
    auctions: &super::auctions::Auctions,
    bid_of_supplier: &mut BTreeMap<i64, (String, String)>,
) -> Result<(Vec<Value>, Vec<Value>, Tenderers), AppError> {
    let rows: Vec<BidRow> = bids::table
        .inner_join(suppliers::table)
        .filter(bids::tender_id.eq(tender_id))
        .filter(bids::status.ne(BidStatus::Superseded))
        .order(bids::id)
        .select((
            bids::id,
            bids::supplier_id,
            bids::status,
            bids::submitted_at,
            bids::opening_result,
            suppliers::ruc,
            suppliers::legal_name,
        ))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let prices: Vec<(i64, i32, i64, String)> = bid_prices::table
        .filter(bid_prices::bid_id.eq_any(&ids))
        .order((bid_prices::bid_id, bid_prices::lot_number))
        .select((
            bid_prices::bid_id,
            bid_prices::lot_number,
            bid_prices::amount,
            bid_prices::currency,
        ))
        .load(conn)?;
    let evaluations: Vec<(i64, i32, bool)> = bid_evaluations::table
        .filter(bid_evaluations::bid_id.eq_any(&ids))
        .select((
            bid_evaluations::bid_id,
            bid_evaluations::lot_number,
            bid_evaluations::admissible,
        ))
        .load(conn)?;
    let mut tenderers = Tenderers::new();
    let mut details = Vec::new();
    let mut per_lot: BTreeMap<i32, (i64, i64)> = BTreeMap::new();
    for (id, supplier, status, submitted, result, ruc, name) in rows {
        bid_of_supplier.insert(id, (ruc.clone(), name.clone()));
        let tenderer = json!([{"id": party_id(&ruc), "name": name}]);
        if status == BidStatus::Withdrawn {
            details.push(json!({
                "id": format!("bid-{id}"),
                "date": utc::format(submitted),
                "status": "withdrawn",
                "tenderers": tenderer,
            }));
            continue;
        }
        tenderers.insert(supplier, (ruc.clone(), name.clone()));
        // One entry per lot the bid prices: each lot is evaluated on its own, so a bid may
        // be disqualified on one lot and win another.
        let opened = result.as_deref() == Some("opened");
        for (_, lot, amount, lot_currency) in prices.iter().filter(|p| p.0 == id) {
            let verdict = evaluations
                .iter()
                .find(|e| e.0 == id && e.1 == *lot)
                .map(|e| e.2);
            let lot_status = match (opened, verdict) {
                (false, _) | (true, Some(false)) => "disqualified",
                (true, Some(true)) => "valid",
                (true, None) => "pending",
            };
            let entry = per_lot.entry(*lot).or_default();
            entry.0 += 1;
            if lot_status != "disqualified" {
                entry.1 += 1;
            }
            let lot_currency = if lot_currency.is_empty() {
                currency
            } else {
                lot_currency
            };
            let mut detail = json!({
                "id": bid_lot_id(id, *lot),
                "date": utc::format(submitted),
                "status": lot_status,
                "tenderers": tenderer,
                "relatedLots": [format!("lot-{lot}")],
            });
            // After its auction, a bid's value is its final price; before, its sealed price
            // would tell which anonymous bidder the company is.
            if let Some((rank, opening, last)) = auctions.closed_place(*lot, BidId(id)) {
                detail["value"] = value(last, lot_currency);
                detail["electronicAuction"] =
                    json!({"rank": rank, "openingValue": value(opening, lot_currency)});
            } else if !auctions.withheld.contains(lot) {
                detail["value"] = value(*amount, lot_currency);
            }
            details.push(detail);
        }
    }
    let mut statistics = Vec::new();
    for (lot, (received, not_disqualified)) in per_lot {
        statistics.push(json!({
            "id": format!("lot-{lot}-bids"),
            "measure": "bids",
            "value": received,
            "relatedLot": format!("lot-{lot}"),
        }));
        statistics.push(json!({
            "id": format!("lot-{lot}-validBids"),
            "measure": "validBids",
            "value": not_disqualified,
            "relatedLot": format!("lot-{lot}"),
        }));
    }
    Ok((details, statistics, tenderers))
}
