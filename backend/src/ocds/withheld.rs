//! What the public may not know yet of a reverse auction's sealed prices. A company's sealed
//! price is its opening price in the auction: published next to its name before the close,
//! it would tell every bidder which anonymous "Postor" is which company. So, on a lot with an
//! electronic auction, the companies' sealed prices stay with the buyer's officers,
//! the auditors and each company's own bid until the lot's auction closes (or the lot is
//! decided without one, or the tender is cancelled); the opening transcript, its page and the
//! open data show them from then on. Read from the tables alone, so the open data and the
//! opening share one answer.

use std::collections::BTreeSet;

use diesel::prelude::*;

use crate::{
    auth::CurrentUser,
    db::DbConnection,
    domain::{BuyerId, Role, TenderId, TenderStatus},
    error::AppError,
    schema::{auctions, awards, tender_lots, tenders},
};

/// The lots of `tender_id` whose companies' sealed prices are withheld from the public now.
pub fn withheld_lots(
    conn: &mut DbConnection,
    tender_id: TenderId,
) -> Result<BTreeSet<i32>, AppError> {
    let (auctioned, status): (bool, TenderStatus) = tenders::table
        .find(tender_id)
        .select((tenders::electronic_auction, tenders::status))
        .first(conn)?;
    if !auctioned || status == TenderStatus::Cancelled {
        return Ok(BTreeSet::new());
    }
    let decided: BTreeSet<i32> = awards::table
        .filter(awards::tender_id.eq(tender_id))
        .select(awards::lot_number)
        .load::<i32>(conn)?
        .into_iter()
        .chain(
            auctions::table
                .filter(auctions::tender_id.eq(tender_id))
                .filter(auctions::closed_at.is_not_null())
                .select(auctions::lot_number)
                .load::<i32>(conn)?,
        )
        .collect();
    Ok(tender_lots::table
        .filter(tender_lots::tender_id.eq(tender_id))
        .filter(tender_lots::electronic_auction.eq(true))
        .select(tender_lots::number)
        .load::<i32>(conn)?
        .into_iter()
        .filter(|lot| !decided.contains(lot))
        .collect())
}

/// Does `viewer` see every company's sealed prices of a tender of `buyer_id` at once (the
/// buyer's officers and the auditors)?
pub fn sees_sealed_prices(viewer: Option<&CurrentUser>, buyer_id: BuyerId) -> bool {
    viewer.is_some_and(|u| {
        u.role == Role::Auditor || (u.role == Role::Officer && u.buyer_id == Some(buyer_id))
    })
}
