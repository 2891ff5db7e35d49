//! The documents of opened bids (ofertas), as the opening decrypted and stored them, for the
//! buyer's officers, auditors and the bidder; and the audit log's bid events with who bid
//! withheld until the opening, so the envelopes' secret holds in the record too.

use crate::domain::{BidId, BuyerId, SupplierId, TenderId};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::{
    app::AppState,
    auth::CurrentUser,
    db::DbConnection,
    error::AppError,
    schema::{bid_documents, bids, tender_seals, tenders},
    tenders as tender_rules,
};

/// A document of an opened bid, by its position.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BidDocument {
    /// Position (download by it).
    pub position: i32,
    /// File name.
    pub filename: String,
    /// SHA-256 of the content.
    pub sha256: String,
}

/// Audit events of bids whose tender is not opened yet, with who bid left out: the acting
/// user and the payload (tender, company, envelope hash) are withheld until the opening, for
/// every reader of the log (auditors and admins included); the chain, the order, the action,
/// the time and the hashes stay, so the record is still seen to be whole.
pub fn withhold_bidders(
    conn: &mut DbConnection,
    events: Vec<crate::audit::AuditEvent>,
) -> Result<Vec<crate::audit::AuditEvent>, AppError> {
    let bid_of = |e: &crate::audit::AuditEvent| {
        e.chain
            .strip_prefix("bid:")
            .and_then(|id| id.parse::<i64>().ok())
    };
    let mut events = withhold_quoters(conn, events)?;
    let mut ids: Vec<i64> = events.iter().filter_map(bid_of).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(events);
    }
    let opened: std::collections::HashMap<i64, bool> = bids::table
        .left_join(tender_seals::table.on(tender_seals::tender_id.eq(bids::tender_id)))
        .filter(bids::id.eq_any(&ids))
        .select((bids::id, tender_seals::opened_at.nullable()))
        .load::<(i64, Option<NaiveDateTime>)>(conn)?
        .into_iter()
        .map(|(id, at)| (id, at.is_some()))
        .collect();
    for event in &mut events {
        if let Some(id) = bid_of(event)
            && !opened.get(&id).copied().unwrap_or(false)
        {
            event.actor_id = None;
            event.payload = r#"{"withheld_until":"opening"}"#.to_owned();
        }
    }
    Ok(events)
}

/// The same for a catalogue order's quote request: while it is open, who quoted is sealed
/// (the price never enters the log), so each `catalogue.order.quoted` event is shown without
/// its actor and payload until the close.
fn withhold_quoters(
    conn: &mut DbConnection,
    mut events: Vec<crate::audit::AuditEvent>,
) -> Result<Vec<crate::audit::AuditEvent>, AppError> {
    use crate::schema::catalogue_orders;
    let order_of = |e: &crate::audit::AuditEvent| {
        (e.action == "catalogue.order.quoted")
            .then(|| e.chain.strip_prefix("catalogue_order:"))
            .flatten()
            .and_then(|id| id.parse::<i64>().ok())
    };
    let mut ids: Vec<i64> = events.iter().filter_map(order_of).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(events);
    }
    let open: std::collections::HashSet<i64> = catalogue_orders::table
        .filter(catalogue_orders::id.eq_any(&ids))
        .filter(catalogue_orders::status.eq("quoting"))
        .select(catalogue_orders::id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    for event in &mut events {
        if order_of(event).is_some_and(|id| open.contains(&id)) {
            event.actor_id = None;
            event.payload = r#"{"withheld_until":"quotes_close"}"#.to_owned();
        }
    }
    Ok(events)
}

/// Have the bids of `tender_id` been opened?
pub fn is_opened(conn: &mut DbConnection, tender_id: TenderId) -> Result<bool, AppError> {
    Ok(tender_seals::table
        .find(tender_id)
        .select(tender_seals::opened_at)
        .first::<Option<NaiveDateTime>>(conn)
        .optional()?
        .flatten()
        .is_some())
}

/// May `user` read the opened documents of a bid on a tender of `buyer_id` by `supplier_id`:
/// the buyer's officers (who evaluate them), auditors, and the bidder itself.
fn may_read_bid(user: &CurrentUser, buyer_id: BuyerId, supplier_id: SupplierId) -> bool {
    tender_rules::is_buyer_staff(Some(user), buyer_id)
        || user.role == crate::domain::Role::Auditor
        || user.supplier_id == Some(supplier_id)
}

/// The documents of an opened bid, for the buyer's officers, auditors and the bidder
/// ([`bid_documents_in`]).
pub async fn bid_documents(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
    bid_id: BidId,
) -> Result<Vec<BidDocument>, AppError> {
    let user = user.clone();
    app.db
        .run(move |conn| bid_documents_in(conn, &user, tender_id, bid_id))
        .await
}

/// Document `position` of an opened bid, for download by the same readers (never cached).
pub async fn bid_document(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
    bid_id: BidId,
    position: i32,
) -> Result<crate::blobs::Download, AppError> {
    let doc = bid_documents(app, user, tender_id, bid_id)
        .await?
        .into_iter()
        .find(|d| d.position == position)
        .ok_or(AppError::NotFound)?;
    crate::blobs::download(
        &app.db,
        &app.settings.data_dir,
        doc.sha256,
        doc.filename,
        false,
    )
    .await
}

/// The documents of an opened bid of tender `tender_id` (what the opening decrypted and
/// stored), for those who may read them; before the opening there are none to list.
pub fn bid_documents_in(
    conn: &mut DbConnection,
    user: &CurrentUser,
    tender_id: TenderId,
    bid_id: BidId,
) -> Result<Vec<BidDocument>, AppError> {
    let (supplier_id, buyer_id): (SupplierId, BuyerId) = bids::table
        .inner_join(tenders::table)
        .filter(bids::id.eq(bid_id))
        .filter(bids::tender_id.eq(tender_id))
        .select((bids::supplier_id, tenders::buyer_id))
        .first(conn)?;
    let own = user.role == crate::domain::Role::Supplier && user.supplier_id == Some(supplier_id);
    // Before the opening, whether a bid exists is the bidder's secret: everyone else gets the
    // answer a bid that does not exist gets.
    if !own && !is_opened(conn, tender_id)? {
        return Err(AppError::NotFound);
    }
    if !may_read_bid(user, buyer_id, supplier_id) {
        return Err(AppError::Forbidden);
    }
    Ok(bid_documents::table
        .filter(bid_documents::bid_id.eq(bid_id))
        .order(bid_documents::position)
        .select((
            bid_documents::position,
            bid_documents::filename,
            bid_documents::sha256,
        ))
        .load::<(i32, String, String)>(conn)?
        .into_iter()
        .map(|(position, filename, sha256)| BidDocument {
            position,
            filename,
            sha256,
        })
        .collect())
}
