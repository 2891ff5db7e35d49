//! Each role's next work, for its panel: an officer's questions to answer, openings to give a
//! share to, evaluations and awards to make and appeals to decide; a company's tenders that
//! match its alerts (its bids and their outcomes come from [`crate::bids::my_bids`]); an
//! auditor's newest red flags. Each item names its tender and how many things wait there.

use crate::domain::{AwardStatus, BuyerId, ComplaintStatus, TenderId, TenderStatus, UserId};
use crate::procedure::{self, Action, PHASE_COLUMNS, PhaseRow};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

use crate::{
    app::AppState,
    auth::CurrentUser,
    db::DbConnection,
    domain::Role,
    error::AppError,
    schema::{
        award_flags, awards, complaints, tender_enquiries, tender_key_shares, tender_lots,
        tender_seals, tenders,
    },
};

/// How many items of each kind a panel lists.
const PER_KIND: i64 = 10;

/// One piece of waiting work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkItem {
    /// `questions`, `opening`, `evaluation`, `complaints`, `matching` or `flags`.
    pub kind: &'static str,
    /// The tender it is on.
    pub tender_id: TenderId,
    /// The tender's title.
    pub title: String,
    /// How many (questions unanswered, appeals filed, flags raised…); 1 for an opening.
    pub count: i64,
}

/// The signed-in user's next work ([`next_work_in`]).
pub async fn next_work(app: &AppState, user: &CurrentUser) -> Result<Vec<WorkItem>, AppError> {
    let (user, now) = (user.clone(), app.clock.now_db());
    app.db.run(move |conn| next_work_in(conn, &user, now)).await
}

/// The signed-in user's next work, by role (registry officers and admins: none here; their
/// queues have their own pages).
pub fn next_work_in(
    conn: &mut DbConnection,
    user: &CurrentUser,
    now: NaiveDateTime,
) -> Result<Vec<WorkItem>, AppError> {
    match user.role {
        Role::Officer => match user.buyer_id {
            Some(buyer) if !user.registry_officer => officer_work(conn, user.id, buyer, now),
            _ => Ok(Vec::new()),
        },
        Role::Supplier => matching_tenders(conn, user, now),
        Role::Auditor => newest_flags(conn),
        Role::Admin => Ok(Vec::new()),
    }
}

fn counted(kind: &'static str, rows: Vec<(TenderId, String)>) -> Vec<WorkItem> {
    let mut by_tender: BTreeMap<TenderId, WorkItem> = BTreeMap::new();
    for (tender_id, title) in rows {
        by_tender
            .entry(tender_id)
            .or_insert(WorkItem {
                kind,
                tender_id,
                title,
                count: 0,
            })
            .count += 1;
    }
    by_tender.into_values().collect()
}

/// The stored statuses in which any procedure allows `action` (a query's first cut).
fn statuses_allowing(action: Action) -> Vec<TenderStatus> {
    let mut statuses: Vec<TenderStatus> = procedure::PROCEDURES
        .iter()
        .flat_map(|p| p.statuses_allowing(action))
        .collect();
    statuses.sort();
    statuses.dedup();
    statuses
}

/// May `action` happen now on the tender of `row` (read before its opening)?
fn may(id: TenderId, row: &PhaseRow, action: Action, now: NaiveDateTime) -> bool {
    procedure::Facts::from_row(id, *row, false).may(action, now)
}

fn officer_work(
    conn: &mut DbConnection,
    user_id: UserId,
    buyer: BuyerId,
    now: NaiveDateTime,
) -> Result<Vec<WorkItem>, AppError> {
    let mut work = Vec::new();
    // Questions waiting for an answer, on tenders where the procedure lets one be given now
    // (the stored statuses its table allows, then its rule on each tender's facts).
    let questions: Vec<(TenderId, String)> = tender_enquiries::table
        .inner_join(tenders::table)
        .filter(tenders::buyer_id.eq(buyer))
        .filter(tenders::status.eq_any(statuses_allowing(Action::Answer)))
        .filter(tender_enquiries::answer.is_null())
        .select((tenders::id, tenders::title, PHASE_COLUMNS))
        .limit(500)
        .load::<(TenderId, String, PhaseRow)>(conn)?
        .into_iter()
        .filter(|(id, _, row)| may(*id, row, Action::Answer, now))
        .map(|(id, title, _)| (id, title))
        .collect();
    work.extend(counted("questions", questions));
    // Openings due where this officer has not given a share, with envelopes to open.
    let openings: Vec<(TenderId, String)> = tender_key_shares::table
        .inner_join(tenders::table.on(tenders::id.eq(tender_key_shares::tender_id)))
        .inner_join(tender_seals::table.on(tender_seals::tender_id.eq(tenders::id)))
        .filter(tender_key_shares::user_id.eq(user_id))
        .filter(tender_key_shares::contributed_at.is_null())
        .filter(tenders::buyer_id.eq(buyer))
        .filter(tenders::status.ne(TenderStatus::Cancelled))
        .filter(tenders::opening_at.le(now))
        .filter(tender_seals::opened_at.is_null())
        .filter(
            tender_seals::leaf_count
                .is_null()
                .or(tender_seals::leaf_count.gt(0)),
        )
        .select((tenders::id, tenders::title))
        .limit(PER_KIND)
        .load(conn)?;
    work.extend(counted("opening", openings));
    // Opened (or frozen empty) tenders with lots still without a live award.
    let decided: Vec<(TenderId, String, i32)> = tenders::table
        .inner_join(tender_seals::table.on(tender_seals::tender_id.eq(tenders::id)))
        .inner_join(tender_lots::table.on(tender_lots::tender_id.eq(tenders::id)))
        .filter(tenders::buyer_id.eq(buyer))
        .filter(tenders::status.ne(TenderStatus::Cancelled))
        .filter(
            tender_seals::opened_at
                .is_not_null()
                .or(tender_seals::frozen_at
                    .is_not_null()
                    .and(tender_seals::leaf_count.eq(0))),
        )
        .select((tenders::id, tenders::title, tender_lots::number))
        .limit(2000)
        .load(conn)?;
    let ids: Vec<TenderId> = decided.iter().map(|(id, _, _)| *id).collect();
    let live: std::collections::BTreeSet<(TenderId, i32)> = awards::table
        .filter(awards::tender_id.eq_any(&ids))
        .filter(awards::status.ne(AwardStatus::Cancelled))
        .select((awards::tender_id, awards::lot_number))
        .load::<(TenderId, i32)>(conn)?
        .into_iter()
        .collect();
    let waiting: Vec<(TenderId, String)> = decided
        .into_iter()
        .filter(|(id, _, lot)| !live.contains(&(*id, *lot)))
        .map(|(id, title, _)| (id, title))
        .collect();
    work.extend(counted("evaluation", waiting));
    // Appeals filed and not yet decided.
    let appeals: Vec<(TenderId, String)> = complaints::table
        .inner_join(awards::table.on(awards::id.eq(complaints::award_id)))
        .inner_join(tenders::table.on(tenders::id.eq(awards::tender_id)))
        .filter(tenders::buyer_id.eq(buyer))
        .filter(complaints::status.eq(ComplaintStatus::Filed))
        .select((tenders::id, tenders::title))
        .limit(500)
        .load(conn)?;
    work.extend(counted("complaints", appeals));
    Ok(work)
}

/// Open tenders matching the company user's alerts (UNSPSC segments and buyers), closing
/// soonest first; until alerts are chosen, the segments the company registered in.
fn matching_tenders(
    conn: &mut DbConnection,
    user: &CurrentUser,
    now: NaiveDateTime,
) -> Result<Vec<WorkItem>, AppError> {
    let mut alerts = crate::tenders::alert_subscriptions_in(conn, user.id)?;
    if alerts.segments.is_empty()
        && alerts.buyers.is_empty()
        && let Some(supplier) = user.supplier_id
    {
        alerts.segments = crate::schema::supplier_categories::table
            .filter(crate::schema::supplier_categories::supplier_id.eq(supplier))
            .select(crate::schema::supplier_categories::segment)
            .load(conn)?;
    }
    if alerts.segments.is_empty() && alerts.buyers.is_empty() {
        return Ok(Vec::new());
    }
    let open: Vec<(TenderId, String, String, i64)> = tenders::table
        .filter(tenders::status.eq_any(statuses_allowing(Action::Bid)))
        .filter(tenders::submission_deadline.gt(now))
        .order((tenders::submission_deadline.asc(), tenders::id.asc()))
        .select((
            tenders::id,
            tenders::title,
            tenders::classification,
            tenders::buyer_id,
            PHASE_COLUMNS,
        ))
        .limit(1000)
        .load::<(TenderId, String, String, i64, PhaseRow)>(conn)?
        .into_iter()
        .filter(|(id, _, _, _, row)| may(*id, row, Action::Bid, now))
        .map(|(id, title, code, buyer, _)| (id, title, code, buyer))
        .collect();
    Ok(open
        .into_iter()
        .filter(|(_, _, code, buyer)| {
            alerts.buyers.contains(buyer) || alerts.segments.iter().any(|s| code.starts_with(s))
        })
        .take(usize::try_from(PER_KIND).unwrap_or(10))
        .map(|(tender_id, title, _, _)| WorkItem {
            kind: "matching",
            tender_id,
            title,
            count: 1,
        })
        .collect())
}

/// The newest awards with red flags.
fn newest_flags(conn: &mut DbConnection) -> Result<Vec<WorkItem>, AppError> {
    let rows: Vec<(TenderId, String, i64)> = award_flags::table
        .inner_join(awards::table.on(awards::id.eq(award_flags::award_id)))
        .inner_join(tenders::table.on(tenders::id.eq(awards::tender_id)))
        .order((awards::awarded_at.desc(), awards::id.desc()))
        .select((tenders::id, tenders::title, awards::id))
        .limit(200)
        .load(conn)?;
    let mut items: Vec<WorkItem> = Vec::new();
    let room = usize::try_from(PER_KIND).unwrap_or(10);
    for (tender_id, title, _) in rows {
        if let Some(item) = items.iter_mut().find(|i| i.tender_id == tender_id) {
            item.count += 1;
        } else if items.len() < room {
            items.push(WorkItem {
                kind: "flags",
                tender_id,
                title,
                count: 1,
            });
        }
    }
    Ok(items)
}
