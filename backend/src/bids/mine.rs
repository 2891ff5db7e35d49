//! The company's own bids: the list with receipts and outcomes, withdrawal and re-confirmation before the deadline.

use super::*;
use crate::domain::{AwardStatus, BidId, BidStatus, SupplierId, TenderId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = bids)]
pub(super) struct BidRow {
    pub(super) id: BidId,
    pub(super) tender_id: TenderId,
    pub(super) status: BidStatus,
    pub(super) envelope_sha256: String,
    pub(super) submitted_at: NaiveDateTime,
    pub(super) confirmed_at: NaiveDateTime,
    pub(super) receipt_signature: String,
    pub(super) withdrawn_at: Option<NaiveDateTime>,
    pub(super) opening_result: Option<String>,
    pub(super) sealed_manifest: Option<Vec<u8>>,
}

pub(super) fn receipt_from(keys: &ReceiptKeys, row: &BidRow, ocid: &str, ruc: &str) -> Receipt {
    keys.restore(
        ocid,
        row.id,
        ruc,
        row.submitted_at,
        &row.envelope_sha256,
        &row.receipt_signature,
    )
}

pub(super) fn by_idempotency_key(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    supplier_id: SupplierId,
    key: &str,
) -> Result<Option<(TenderId, Receipt, Option<String>)>, AppError> {
    let found: Option<(BidRow, Option<String>, String, Option<String>)> = bids::table
        .inner_join(tenders::table)
        .inner_join(suppliers::table)
        .filter(bids::supplier_id.eq(supplier_id))
        .filter(bids::idempotency_key.eq(key))
        .select((
            BidRow::as_select(),
            tenders::ocid,
            suppliers::ruc,
            bids::idempotency_fingerprint,
        ))
        .first(conn)
        .optional()?;
    Ok(found.map(|(row, ocid, ruc, fingerprint)| {
        (
            row.tender_id,
            receipt_from(keys, &row, &ocid.unwrap_or_default(), &ruc),
            fingerprint,
        )
    }))
}

/// A bid as its company sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyBid {
    /// Bid id.
    pub id: BidId,
    /// Tender id.
    pub tender_id: TenderId,
    /// Tender title.
    pub tender_title: String,
    /// submitted, superseded or withdrawn.
    pub status: BidStatus,
    /// Must the company confirm it again (the tender was materially amended after it)?
    pub needs_confirmation: bool,
    /// Is the tender still taking bids?
    pub tender_open: bool,
    /// When withdrawn.
    #[serde(with = "crate::domain::utc::option")]
    pub withdrawn_at: Option<NaiveDateTime>,
    /// Result of the opening: opened, tampered, unconfirmed, invalid.
    pub opening_result: Option<String>,
    /// The documents it carries, kept and new (none known when its client sealed it).
    pub documents: Option<Vec<ManifestDocument>>,
    /// Where the bid stands for its company: `open` (the tender still takes bids),
    /// `withdrawn`, `superseded`, `awaiting_opening`, `not_admitted` (opened but tampered,
    /// unconfirmed or invalid), `in_evaluation`, `won` (see `won_lots`), `not_won` or
    /// `unsuccessful` (every lot declared void).
    pub outcome: String,
    /// The lots this bid was awarded (a pending or final award).
    pub won_lots: Vec<i32>,
    /// The electronic auctions this bid has a seat in: its lot and the auction's id (its
    /// page is `/subastas/{id}`).
    pub auctions: Vec<MyAuction>,
    /// The signed receipt.
    pub receipt: Receipt,
}

/// An auction a bid takes part in.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyAuction {
    /// The lot.
    pub lot: i32,
    /// The auction's id.
    pub auction_id: i64,
}

/// Where a bid stands: see [`MyBid::outcome`]. `awards` are the tender's live awards (lot,
/// winning bid, status) and `lots` how many lots it has.
pub(super) fn bid_outcome(
    row: &BidRow,
    open: bool,
    awards: &[(i32, Option<BidId>, AwardStatus)],
    lots: i64,
) -> (&'static str, Vec<i32>) {
    let won: Vec<i32> = awards
        .iter()
        .filter(|(_, bid, _)| *bid == Some(row.id))
        .map(|(lot, _, _)| *lot)
        .collect();
    let outcome = match (row.status, row.opening_result.as_deref()) {
        (BidStatus::Withdrawn, _) => "withdrawn",
        (BidStatus::Superseded, _) => "superseded",
        _ if open => "open",
        (_, None) => "awaiting_opening",
        (_, Some(result)) if result != "opened" => "not_admitted",
        _ if !won.is_empty() => "won",
        _ if awards.is_empty() || (awards.len() as i64) < lots => "in_evaluation",
        _ if awards
            .iter()
            .all(|(_, _, status)| *status == AwardStatus::Unsuccessful) =>
        {
            "unsuccessful"
        }
        _ => "not_won",
    };
    (outcome, won)
}

/// The caller's company's bids, newest first (optionally on one tender), with receipts.
pub async fn my_bids(
    app: &AppState,
    user: &CurrentUser,
    tender_id: Option<TenderId>,
) -> Result<Vec<MyBid>, AppError> {
    let (keys, user, now) = (app.receipts.clone(), user.clone(), app.clock.now_db());
    app.db
        .run(move |conn| my_bids_in(conn, &keys, &user, tender_id, now))
        .await
}

/// The caller's company's bids, newest first (optionally on one tender).
pub fn my_bids_in(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    user: &CurrentUser,
    tender_id: Option<TenderId>,
    now: NaiveDateTime,
) -> Result<Vec<MyBid>, AppError> {
    let Some(supplier_id) = user.supplier_id.filter(|_| user.role == Role::Supplier) else {
        return Err(AppError::Forbidden);
    };
    let mut query = bids::table
        .inner_join(tenders::table)
        .inner_join(suppliers::table)
        .filter(bids::supplier_id.eq(supplier_id))
        .select((
            BidRow::as_select(),
            tenders::ocid,
            suppliers::ruc,
            tenders::title,
        ))
        .order(bids::id.desc())
        .limit(500)
        .into_boxed();
    if let Some(t) = tender_id {
        query = query.filter(bids::tender_id.eq(t));
    }
    let rows: Vec<(BidRow, Option<String>, String, String)> = query.load(conn)?;
    // The auctions the listed bids have seats in, in one query.
    let ids: Vec<BidId> = rows.iter().map(|r| r.0.id).collect();
    let mut seats: std::collections::HashMap<BidId, Vec<MyAuction>> =
        std::collections::HashMap::new();
    for (bid, lot, auction_id) in crate::schema::auction_seats::table
        .inner_join(crate::schema::auctions::table)
        .filter(crate::schema::auction_seats::bid_id.eq_any(&ids))
        .order(crate::schema::auctions::lot_number)
        .select((
            crate::schema::auction_seats::bid_id,
            crate::schema::auctions::lot_number,
            crate::schema::auctions::id,
        ))
        .load::<(BidId, i32, i64)>(conn)?
    {
        seats
            .entry(bid)
            .or_default()
            .push(MyAuction { lot, auction_id });
    }
    let mut out = Vec::with_capacity(rows.len());
    // Per tender once: its latest material amendment and whether it still takes bids.
    let mut tender_facts = std::collections::HashMap::new();
    for (row, ocid, ruc, title) in rows {
        let (material, open, awards, lots) = match tender_facts.get(&row.tender_id) {
            Some(facts) => facts,
            None => {
                let material = tender_rules::latest_material_amendment(conn, row.tender_id)?;
                let st = tender_rules::state(conn, row.tender_id)?;
                let open = st.facts.may(crate::procedure::Action::Withdraw, now);
                let awards: Vec<(i32, Option<BidId>, AwardStatus)> = crate::schema::awards::table
                    .filter(crate::schema::awards::tender_id.eq(row.tender_id))
                    .filter(crate::schema::awards::status.ne(AwardStatus::Cancelled))
                    .select((
                        crate::schema::awards::lot_number,
                        crate::schema::awards::bid_id,
                        crate::schema::awards::status,
                    ))
                    .load(conn)?;
                let lots: i64 = crate::schema::tender_lots::table
                    .filter(crate::schema::tender_lots::tender_id.eq(row.tender_id))
                    .count()
                    .get_result(conn)?;
                tender_facts
                    .entry(row.tender_id)
                    .or_insert((material, open, awards, lots))
            }
        };
        let (material, open) = (*material, *open);
        let (outcome, won_lots) = bid_outcome(&row, open, awards, *lots);
        let auctions = seats.remove(&row.id).unwrap_or_default();
        out.push(MyBid {
            id: row.id,
            tender_id: row.tender_id,
            tender_title: title,
            needs_confirmation: row.status == BidStatus::Submitted
                && material.is_some_and(|m| row.confirmed_at < m),
            tender_open: open,
            status: row.status,
            withdrawn_at: row.withdrawn_at,
            opening_result: row.opening_result.clone(),
            documents: row.sealed_manifest.as_ref().and_then(|sealed| {
                keys.custody()
                    .open(&manifest_context(row.tender_id, supplier_id), sealed)
                    .and_then(|plain| serde_json::from_slice(&plain).ok())
            }),
            outcome: outcome.to_owned(),
            won_lots,
            auctions,
            receipt: receipt_from(keys, &row, &ocid.unwrap_or_default(), &ruc),
        });
    }
    Ok(out)
}

/// The caller's company's live bid `bid_id` on `tender_id`, for a change before the deadline.
pub(super) fn live_bid_for_change(
    conn: &mut DbConnection,
    user: &CurrentUser,
    tender_id: TenderId,
    bid_id: BidId,
    now: NaiveDateTime,
) -> Result<BidRow, AppError> {
    let Some(supplier_id) = user.supplier_id.filter(|_| user.role == Role::Supplier) else {
        return Err(forbidden_or_hidden(conn, tender_id)?);
    };
    let row: BidRow = bids::table
        .filter(bids::id.eq(bid_id))
        .filter(bids::tender_id.eq(tender_id))
        .filter(bids::supplier_id.eq(supplier_id))
        .select(BidRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    if row.status != BidStatus::Submitted {
        return Err(AppError::Validation(vec![
            FieldError::new("bid", "bid_not_live").arg("status", row.status),
        ]));
    }
    let st = tender_rules::state(conn, tender_id)?;
    taking_bids(&st.facts, crate::procedure::Action::Withdraw, now)?;
    Ok(row)
}

/// Withdraws the company's live bid before the deadline ([`withdraw_in`]).
#[tracing::instrument(skip(app, user), fields(user = user.id.get()))]
pub async fn withdraw(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
    bid_id: BidId,
) -> Result<(), AppError> {
    on_live_bid(app, user, tender_id, bid_id, withdraw_in).await
}

/// A change to the caller's live bid: `(conn, clock, user, tender, bid)`.
pub(super) type LiveBidStep =
    fn(&mut DbConnection, &dyn Clock, &CurrentUser, TenderId, BidId) -> Result<(), AppError>;

/// Runs `step` (a change to the caller's live bid before the deadline) on the pool.
pub(super) async fn on_live_bid(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
    bid_id: BidId,
    step: LiveBidStep,
) -> Result<(), AppError> {
    let (clock, user) = (app.clock.clone(), user.clone());
    app.db
        .run(move |conn| step(conn, clock.as_ref(), &user, tender_id, bid_id))
        .await
}

/// Withdraws the company's live bid before the deadline (an audit event; the envelope is
/// kept, and never opened).
pub fn withdraw_in(
    conn: &mut DbConnection,
    clock: &dyn Clock,
    user: &CurrentUser,
    tender_id: TenderId,
    bid_id: BidId,
) -> Result<(), AppError> {
    write_transaction(conn, |conn| {
        share_deadline_lock(conn, tender_id)?;
        let now = clock.now_db();
        live_bid_for_change(conn, user, tender_id, bid_id, now)?;
        diesel::update(bids::table.find(bid_id))
            .set((
                bids::status.eq(BidStatus::Withdrawn),
                bids::withdrawn_at.eq(now),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            now,
            &Actor::user(user.id, user.role),
            NewEvent::on(
                "bid",
                bid_id,
                "bid.withdrawn",
                json!({"tender_id": tender_id}),
            ),
        )
    })
}

/// Confirms a live bid again after a material amendment, before the deadline
/// ([`confirm_in`]).
#[tracing::instrument(skip(app, user), fields(user = user.id.get()))]
pub async fn confirm(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
    bid_id: BidId,
) -> Result<(), AppError> {
    on_live_bid(app, user, tender_id, bid_id, confirm_in).await
}

/// Confirms a live bid again after a material amendment, before the deadline.
pub fn confirm_in(
    conn: &mut DbConnection,
    clock: &dyn Clock,
    user: &CurrentUser,
    tender_id: TenderId,
    bid_id: BidId,
) -> Result<(), AppError> {
    write_transaction(conn, |conn| {
        share_deadline_lock(conn, tender_id)?;
        let now = clock.now_db();
        live_bid_for_change(conn, user, tender_id, bid_id, now)?;
        diesel::update(bids::table.find(bid_id))
            .set(bids::confirmed_at.eq(now))
            .execute(conn)?;
        audit::record(
            conn,
            now,
            &Actor::user(user.id, user.role),
            NewEvent::on(
                "bid",
                bid_id,
                "bid.confirmed",
                json!({"tender_id": tender_id}),
            ),
        )
    })
}
