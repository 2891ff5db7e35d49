//! What the public may know of an auction's sealed prices, and when. A company's sealed
//! price is its opening price in the auction: published next to its name before the close,
//! it would tell every bidder which anonymous "Postor" is which company. So, on a lot whose
//! procedure runs auctions, the companies' sealed prices stay with the buyer's officers, the
//! auditors and each company's own bid until the lot's auction closes (or the lot is decided
//! without one, or the tender is cancelled); the opening transcript, its page and the open
//! data show them from then on.

use std::collections::BTreeSet;

use diesel::prelude::*;

use super::record::{Outcome, outcome};
use crate::{
    auth::CurrentUser,
    db::DbConnection,
    domain::{Role, TenderId, TenderStatus},
    error::AppError,
    schema::{awards, tender_lots},
};

/// The lots of `tender_id` whose companies' sealed prices are withheld from the public now.
pub fn withheld_lots(
    conn: &mut DbConnection,
    tender_id: TenderId,
) -> Result<BTreeSet<i32>, AppError> {
    let st = crate::tenders::state(conn, tender_id)?;
    if !crate::procedure::of(st.method).runs_auctions() || st.status == TenderStatus::Cancelled {
        return Ok(BTreeSet::new());
    }
    let lots: Vec<i32> = tender_lots::table
        .filter(tender_lots::tender_id.eq(tender_id))
        .select(tender_lots::number)
        .load(conn)?;
    let decided: BTreeSet<i32> = awards::table
        .filter(awards::tender_id.eq(tender_id))
        .select(awards::lot_number)
        .load::<i32>(conn)?
        .into_iter()
        .collect();
    let mut withheld = BTreeSet::new();
    for lot in lots {
        if decided.contains(&lot) {
            continue;
        }
        if !matches!(outcome(conn, tender_id, lot)?, Outcome::Closed(_)) {
            withheld.insert(lot);
        }
    }
    Ok(withheld)
}

/// Does `viewer` see every company's sealed prices of a tender of `buyer_id` at once (the
/// buyer's officers and the auditors)?
pub fn sees_sealed_prices(viewer: Option<&CurrentUser>, buyer_id: crate::domain::BuyerId) -> bool {
    viewer.is_some_and(|u| {
        u.role == Role::Auditor || crate::tenders::is_buyer_staff(Some(u), buyer_id)
    })
}
