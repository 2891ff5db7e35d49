//! What the public and the auditors see of awards: each tender's awards with their ranking,
//! red flags, complaints and contract; the auditors' list of awards with filters and its
//! CSV export; a tender's timeline from the audit log with each chain's verification; and
//! auditors' findings.
//!
//! Auditors read everything here and change no procurement data: a finding is their own
//! record (an audit event on the tender's chain), never an edit of the award.

use crate::domain::{
    AwardId, AwardStatus, BidId, BuyerId, ComplaintStatus, FindingStatus, TenderId, TenderStatus,
    UserId,
};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{
    FLAGS, FlagView, RankedBid, check_text,
    complaints::{self, ComplaintView},
    contracts::{self, ContractView},
    effective_award_status, minor_text, tender_event,
};
use crate::{
    app::AppState,
    audit::{self, AuditEvent, Mismatch},
    auth::CurrentUser,
    db::{DbConnection, write_transaction},
    domain::Role,
    error::{AppError, FieldError},
    schema::{audit_findings, award_flags, awards, bids, buyers, tender_lots, tenders, users},
    suppliers::end_of_day_in_lima,
    tenders::{
        Method,
        search::{parse_date, present},
    },
};

/// An award (or a lot declared unsuccessful) as the public and auditors see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AwardView {
    /// Id.
    pub id: AwardId,
    /// Tender id.
    pub tender_id: TenderId,
    /// Tender ocid.
    pub ocid: String,
    /// Tender title.
    pub title: String,
    /// Buyer entity.
    pub buyer_name: String,
    /// Buyer entity id.
    pub buyer_id: BuyerId,
    /// Procurement method code.
    pub method: String,
    /// Lot number.
    pub lot_number: i32,
    /// Lot title.
    pub lot_title: String,
    /// pending (standstill), final, cancelled or unsuccessful — as of now.
    pub status: AwardStatus,
    /// Winner's RUC.
    pub winner_ruc: Option<String>,
    /// Winner's legal name.
    pub winner_name: Option<String>,
    /// Winning bid.
    pub bid_id: Option<BidId>,
    /// Awarded amount.
    pub amount: Option<String>,
    /// Currency.
    pub currency: String,
    /// Estimated value of the lot.
    pub estimated_value: String,
    /// The officer's justification.
    pub justification: String,
    /// Who awarded.
    pub awarded_by: String,
    /// Who awarded, by user id (pages offer the complaint decision to the other officers).
    #[serde(skip)]
    pub awarded_by_id: UserId,
    /// When (UTC).
    #[serde(with = "crate::domain::utc")]
    pub awarded_at: NaiveDateTime,
    /// End of the standstill (UTC).
    #[serde(with = "crate::domain::utc::option")]
    pub standstill_ends_at: Option<NaiveDateTime>,
    /// Became final (UTC).
    #[serde(with = "crate::domain::utc::option")]
    pub final_at: Option<NaiveDateTime>,
    /// Cancelled (UTC).
    #[serde(with = "crate::domain::utc::option")]
    pub cancelled_at: Option<NaiveDateTime>,
    /// Red flags with their justifications.
    pub flags: Vec<FlagView>,
    /// The ranking at the time of the award.
    pub ranking: Vec<RankedBid>,
    /// Complaints and decisions.
    pub complaints: Vec<ComplaintView>,
    /// The contract, once signed.
    pub contract: Option<ContractView>,
    /// Auditors' findings on the tender still open.
    pub open_findings: i64,
}

type AwardRow = (
    (
        AwardId,
        TenderId,
        i32,
        Option<BidId>,
        AwardStatus,
        Option<i64>,
        String,
        String,
    ),
    (
        String,
        UserId,
        NaiveDateTime,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
    ),
    (String, Option<String>, String, String, BuyerId),
);

fn award_views(
    conn: &mut DbConnection,
    rows: Vec<AwardRow>,
    now: NaiveDateTime,
) -> Result<Vec<AwardView>, AppError> {
    let ids: Vec<AwardId> = rows.iter().map(|r| r.0.0).collect();
    let flags: Vec<(AwardId, String, String, NaiveDateTime)> = award_flags::table
        .filter(award_flags::award_id.eq_any(&ids))
        .select((
            award_flags::award_id,
            award_flags::code,
            award_flags::justification,
            award_flags::raised_at,
        ))
        .load(conn)?;
    let complaints = complaints::for_awards(conn, &ids)?;
    let contracts = contracts::for_awards(conn, &ids)?;
    let officers: Vec<UserId> = rows.iter().map(|r| r.1.1).collect();
    let names = crate::bids::user_names(conn, &officers)?;
    let tender_ids: Vec<TenderId> = rows.iter().map(|r| r.0.1).collect();
    let lots: Vec<(TenderId, i32, String, i64)> = tender_lots::table
        .filter(tender_lots::tender_id.eq_any(&tender_ids))
        .select((
            tender_lots::tender_id,
            tender_lots::number,
            tender_lots::title,
            tender_lots::estimated_value,
        ))
        .load(conn)?;
    let findings: Vec<TenderId> = audit_findings::table
        .filter(audit_findings::tender_id.eq_any(&tender_ids))
        .filter(audit_findings::status.ne(FindingStatus::Closed))
        .select(audit_findings::tender_id)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(a, b, t)| {
            let (id, tender_id, lot_number, bid_id, status, amount, currency, ranking) = a;
            let (justification, awarded_by, awarded_at, ends, final_at, cancelled_at) = b;
            let (title, ocid, method, buyer_name, buyer_id) = t;
            let ranking: Vec<RankedBid> = serde_json::from_str(&ranking).unwrap_or_default();
            let winner = ranking.iter().find(|r| Some(r.bid_id) == bid_id);
            let own_complaints: Vec<ComplaintView> = complaints
                .iter()
                .filter(|c| c.award_id == id)
                .cloned()
                .collect();
            let open = own_complaints
                .iter()
                .filter(|c| c.status == ComplaintStatus::Filed)
                .count();
            let lot = lots.iter().find(|l| l.0 == tender_id && l.1 == lot_number);
            let mut own_flags: Vec<FlagView> = flags
                .iter()
                .filter(|f| f.0 == id)
                .map(|f| FlagView {
                    code: f.1.clone(),
                    justification: f.2.clone(),
                    raised_at: f.3,
                })
                .collect();
            own_flags.sort_by_key(|f| FLAGS.iter().position(|c| *c == f.code));
            AwardView {
                id,
                tender_id,
                ocid: ocid.unwrap_or_default(),
                title,
                buyer_name,
                buyer_id,
                method,
                lot_number,
                lot_title: lot.map(|l| l.2.clone()).unwrap_or_default(),
                status: effective_award_status(status, ends, open, now),
                winner_ruc: winner.map(|w| w.supplier_ruc.clone()),
                winner_name: winner.map(|w| w.supplier_name.clone()),
                bid_id,
                amount: amount.map(minor_text),
                currency,
                estimated_value: lot.map(|l| minor_text(l.3)).unwrap_or_default(),
                justification,
                awarded_by: names.get(&awarded_by).cloned().unwrap_or_default(),
                awarded_by_id: awarded_by,
                awarded_at,
                standstill_ends_at: ends,
                final_at,
                cancelled_at,
                flags: own_flags,
                ranking,
                complaints: own_complaints,
                contract: contracts.iter().find(|c| c.award_id == id).cloned(),
                open_findings: i64::try_from(findings.iter().filter(|t| **t == tender_id).count())
                    .unwrap_or(0),
            }
        })
        .collect())
}

macro_rules! award_select {
    () => {
        (
            (
                awards::id,
                awards::tender_id,
                awards::lot_number,
                awards::bid_id,
                awards::status,
                awards::amount,
                awards::currency,
                awards::ranking,
            ),
            (
                awards::justification,
                awards::awarded_by,
                awards::awarded_at,
                awards::standstill_ends_at,
                awards::final_at,
                awards::cancelled_at,
            ),
            (
                tenders::title,
                tenders::ocid,
                tenders::method,
                buyers::name,
                tenders::buyer_id,
            ),
        )
    };
}

/// A published tender's awards, every lot, cancelled ones included (anyone).
pub async fn tender_awards(
    app: &AppState,
    tender_id: TenderId,
) -> Result<Vec<AwardView>, AppError> {
    let now = app.clock.now_db();
    app.db
        .run(move |conn| tender_awards_in(conn, tender_id, now))
        .await
}

/// The step of [`tender_awards`], in the caller's connection.
pub fn tender_awards_in(
    conn: &mut DbConnection,
    tender_id: TenderId,
    now: NaiveDateTime,
) -> Result<Vec<AwardView>, AppError> {
    let status: TenderStatus = tenders::table
        .find(tender_id)
        .select(tenders::status)
        .first(conn)?;
    if status == TenderStatus::Draft {
        return Err(AppError::NotFound);
    }
    let rows: Vec<AwardRow> = awards::table
        .inner_join(tenders::table.inner_join(buyers::table))
        .filter(awards::tender_id.eq(tender_id))
        .order((awards::lot_number, awards::id))
        .select(award_select!())
        .load(conn)?;
    award_views(conn, rows, now)
}

/// One award ([`award_in`]): anyone, its tender is published.
pub async fn award(app: &AppState, award_id: AwardId) -> Result<AwardView, AppError> {
    let now = app.clock.now_db();
    app.db.run(move |conn| award_in(conn, award_id, now)).await
}

/// One award, for an officer of its buyer about to act on it ([`award_for_staff_in`]).
pub async fn award_for_staff(
    app: &AppState,
    user: &CurrentUser,
    award_id: AwardId,
) -> Result<AwardView, AppError> {
    let (user, now) = (user.clone(), app.clock.now_db());
    app.db
        .run(move |conn| award_for_staff_in(conn, &user, award_id, now))
        .await
}

/// One award for a company about to complain against it: only one that
/// [`complaints::may_complain`]; others are refused before the form.
pub async fn award_for_complainant(
    app: &AppState,
    user: &CurrentUser,
    award_id: AwardId,
) -> Result<AwardView, AppError> {
    let award = award(app, award_id).await?;
    if complaints::may_complain(user, &award.ranking, award.bid_id) {
        Ok(award)
    } else {
        Err(AppError::Forbidden)
    }
}

/// One award (anyone; its tender is published).
pub fn award_in(
    conn: &mut DbConnection,
    award_id: AwardId,
    now: NaiveDateTime,
) -> Result<AwardView, AppError> {
    let rows: Vec<AwardRow> = awards::table
        .inner_join(tenders::table.inner_join(buyers::table))
        .filter(awards::id.eq(award_id))
        .select(award_select!())
        .load(conn)?;
    award_views(conn, rows, now)?
        .pop()
        .ok_or(AppError::NotFound)
}

/// One award, for an officer of its buyer about to act on it (decide a complaint, record the
/// contract or a modification): anyone else is refused before seeing the form.
pub fn award_for_staff_in(
    conn: &mut DbConnection,
    user: &CurrentUser,
    award_id: AwardId,
    now: NaiveDateTime,
) -> Result<AwardView, AppError> {
    let view = award_in(conn, award_id, now)?;
    let facts = super::tender_facts(conn, view.tender_id)?;
    crate::tenders::require_staff_of(user, facts.buyer_id, facts.status)?;
    Ok(view)
}

// Declared after `award_select!`, which `listing` uses.
mod findings;
mod listing;
mod record;
mod timeline;
pub use findings::*;
pub use listing::*;
pub use record::*;
pub use timeline::*;
