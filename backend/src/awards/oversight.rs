//! What the public and the auditors see of awards: each tender's awards with their ranking,
//! red flags, complaints and contract; the auditors' list of awards with filters and its
//! CSV export; a tender's timeline from the audit log with each chain's verification; and
//! auditors' findings.
//!
//! Auditors read everything here and change no procurement data: a finding is their own
//! record (an audit event on the tender's chain), never an edit of the award.

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
    pub id: i64,
    /// Tender id.
    pub tender_id: i64,
    /// Tender ocid.
    pub ocid: String,
    /// Tender title.
    pub title: String,
    /// Buyer entity.
    pub buyer_name: String,
    /// Buyer entity id.
    pub buyer_id: i64,
    /// Procurement method code.
    pub method: String,
    /// Lot number.
    pub lot_number: i32,
    /// Lot title.
    pub lot_title: String,
    /// pending (standstill), final, cancelled or unsuccessful — as of now.
    pub status: String,
    /// Winner's RUC.
    pub winner_ruc: Option<String>,
    /// Winner's legal name.
    pub winner_name: Option<String>,
    /// Winning bid.
    pub bid_id: Option<i64>,
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
    pub awarded_by_id: i64,
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
        i64,
        i64,
        i32,
        Option<i64>,
        String,
        Option<i64>,
        String,
        String,
    ),
    (
        String,
        i64,
        NaiveDateTime,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
    ),
    (String, Option<String>, String, String, i64),
);

fn award_views(
    conn: &mut DbConnection,
    rows: Vec<AwardRow>,
    now: NaiveDateTime,
) -> Result<Vec<AwardView>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.0.0).collect();
    let flags: Vec<(i64, String, String, NaiveDateTime)> = award_flags::table
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
    let officers: Vec<i64> = rows.iter().map(|r| r.1.1).collect();
    let names = crate::bids::user_names(conn, &officers)?;
    let tender_ids: Vec<i64> = rows.iter().map(|r| r.0.1).collect();
    let lots: Vec<(i64, i32, String, i64)> = tender_lots::table
        .filter(tender_lots::tender_id.eq_any(&tender_ids))
        .select((
            tender_lots::tender_id,
            tender_lots::number,
            tender_lots::title,
            tender_lots::estimated_value,
        ))
        .load(conn)?;
    let findings: Vec<i64> = audit_findings::table
        .filter(audit_findings::tender_id.eq_any(&tender_ids))
        .filter(audit_findings::status.ne("closed"))
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
                .filter(|c| c.status == "filed")
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
                status: effective_award_status(&status, ends, open, now).to_owned(),
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
pub fn tender_awards(
    conn: &mut DbConnection,
    tender_id: i64,
    now: NaiveDateTime,
) -> Result<Vec<AwardView>, AppError> {
    let status: String = tenders::table
        .find(tender_id)
        .select(tenders::status)
        .first(conn)?;
    if status == "draft" {
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

/// One award (anyone; its tender is published).
pub fn award(
    conn: &mut DbConnection,
    award_id: i64,
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
pub fn award_for_staff(
    conn: &mut DbConnection,
    user: &CurrentUser,
    award_id: i64,
    now: NaiveDateTime,
) -> Result<AwardView, AppError> {
    let view = award(conn, award_id, now)?;
    let facts = super::tender_facts(conn, view.tender_id)?;
    crate::tenders::require_staff_of(user, facts.buyer_id, &facts.status)?;
    Ok(view)
}

/// Filters of the auditors' award list (all optional).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct AwardFilter {
    /// Buyer entity id (empty: every buyer, as the page's "all" choice sends it).
    pub buyer: Option<String>,
    /// Procurement method code.
    pub method: Option<String>,
    /// Red flag code; `any` for awards with at least one flag.
    pub flag: Option<String>,
    /// Awarded on or after (YYYY-MM-DD, Lima).
    pub from: Option<String>,
    /// Awarded on or before (YYYY-MM-DD, Lima).
    pub to: Option<String>,
    /// Amount at least.
    pub min_value: Option<String>,
    /// Amount at most.
    pub max_value: Option<String>,
}

fn require_auditor(user: &CurrentUser) -> Result<(), AppError> {
    if matches!(user.role, Role::Auditor | Role::Admin) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The awards matching `filter`, newest first, at most 1,000 (auditors and admins).
pub fn award_list(
    conn: &mut DbConnection,
    user: &CurrentUser,
    filter: &AwardFilter,
    now: NaiveDateTime,
) -> Result<Vec<AwardView>, AppError> {
    require_auditor(user)?;
    // The same parsing as the tender search: dates are Lima days, amounts in soles.
    let mut v = crate::domain::Validator::new();
    let amount = |v: &mut crate::domain::Validator, text: &Option<String>, field: &str| {
        present(text).and_then(|t| {
            v.check(crate::domain::Money::parse(
                t,
                crate::domain::Currency::Pen,
                field,
            ))
            .map(|m| m.minor())
        })
    };
    let min = amount(&mut v, &filter.min_value, "min_value");
    let max = amount(&mut v, &filter.max_value, "max_value");
    let from = present(&filter.from)
        .and_then(|d| v.check(parse_date(d, "from")))
        .map(|d| end_of_day_in_lima(d - chrono::Duration::days(1)));
    let to = present(&filter.to)
        .and_then(|d| v.check(parse_date(d, "to")))
        .map(end_of_day_in_lima);
    let method = present(&filter.method).and_then(|m| v.check(Method::parse(m, "method")));
    let buyer = present(&filter.buyer).and_then(|b| {
        v.check(
            b.trim()
                .parse::<i64>()
                .map_err(|_| FieldError::new("buyer", "invalid_choice")),
        )
    });
    let flag = present(&filter.flag).and_then(|f| {
        v.check(if f == "any" || FLAGS.contains(&f) {
            Ok(f.to_owned())
        } else {
            Err(FieldError::new("flag", "invalid_choice"))
        })
    });
    v.finish()?;
    let mut q = awards::table
        .inner_join(tenders::table.inner_join(buyers::table))
        .into_boxed();
    if let Some(b) = buyer {
        q = q.filter(tenders::buyer_id.eq(b));
    }
    if let Some(m) = method {
        q = q.filter(tenders::method.eq(m.code()));
    }
    match flag.as_deref() {
        None => {}
        Some("any") => {
            q = q.filter(diesel::dsl::exists(
                award_flags::table.filter(award_flags::award_id.eq(awards::id)),
            ));
        }
        Some(code) => {
            q = q.filter(diesel::dsl::exists(
                award_flags::table
                    .filter(award_flags::award_id.eq(awards::id))
                    .filter(award_flags::code.eq(code.to_owned())),
            ));
        }
    }
    if let Some(from) = from {
        q = q.filter(awards::awarded_at.ge(from));
    }
    if let Some(to) = to {
        q = q.filter(awards::awarded_at.lt(to));
    }
    if let Some(min) = min {
        q = q.filter(awards::amount.ge(min));
    }
    if let Some(max) = max {
        q = q.filter(awards::amount.le(max));
    }
    let rows: Vec<AwardRow> = q
        .order((awards::awarded_at.desc(), awards::id.desc()))
        .limit(1000)
        .select(award_select!())
        .load(conn)?;
    award_views(conn, rows, now)
}

/// The auditors' award list as CSV ([`awards_csv_in`]).
pub async fn awards_csv(
    app: &AppState,
    user: &CurrentUser,
    filter: AwardFilter,
) -> Result<String, AppError> {
    let (user, now) = (user.clone(), app.clock.now_db());
    app.db
        .run(move |conn| awards_csv_in(conn, &user, &filter, now))
        .await
}

/// The award list as CSV, one row per award, with its flags and justifications and the
/// tender's findings (auditors and admins).
pub fn awards_csv_in(
    conn: &mut DbConnection,
    user: &CurrentUser,
    filter: &AwardFilter,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    let awards = award_list(conn, user, filter, now)?;
    let tender_ids: Vec<i64> = awards.iter().map(|a| a.tender_id).collect();
    let findings = findings_of(conn, &tender_ids)?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "award_id",
        "ocid",
        "title",
        "buyer",
        "method",
        "lot",
        "status",
        "winner_ruc",
        "winner",
        "amount",
        "currency",
        "estimated_value",
        "awarded_at_utc",
        "justification",
        "flags",
        "flag_justifications",
        "complaints",
        "contract_value",
        "contract_change_percent",
        "findings",
    ];
    out.write_record(header).map_err(AppError::internal)?;
    for a in &awards {
        let own: Vec<&FindingView> = findings
            .iter()
            .filter(|f| f.tender_id == a.tender_id)
            .collect();
        let record = [
            a.id.to_string(),
            a.ocid.clone(),
            a.title.clone(),
            a.buyer_name.clone(),
            a.method.clone(),
            a.lot_number.to_string(),
            a.status.clone(),
            a.winner_ruc.clone().unwrap_or_default(),
            a.winner_name.clone().unwrap_or_default(),
            a.amount.clone().unwrap_or_default(),
            a.currency.clone(),
            a.estimated_value.clone(),
            a.awarded_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            a.justification.clone(),
            a.flags
                .iter()
                .map(|f| f.code.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            a.flags
                .iter()
                .map(|f| format!("{}: {}", f.code, f.justification))
                .collect::<Vec<_>>()
                .join(" | "),
            a.complaints
                .iter()
                .map(|c| format!("{} {}", c.supplier_ruc, c.status))
                .collect::<Vec<_>>()
                .join("; "),
            a.contract
                .as_ref()
                .map(|c| c.value.clone())
                .unwrap_or_default(),
            a.contract
                .as_ref()
                .map(|c| c.cumulative_percent.clone())
                .unwrap_or_default(),
            own.iter()
                .map(|f| format!("[{}/{}] {}", f.severity, f.status, f.note))
                .collect::<Vec<_>>()
                .join(" | "),
        ];
        // A cell a spreadsheet would run as a formula is quoted as text.
        out.write_record(record.iter().map(|c| spreadsheet_safe(c)))
            .map_err(AppError::internal)?;
    }
    String::from_utf8(out.into_inner().map_err(AppError::internal)?).map_err(AppError::internal)
}

/// Prefixes a cell starting with `=`, `+`, `-`, `@`, tab or carriage return with `'`, so a
/// spreadsheet shows it instead of evaluating it (CSV injection). Signed numbers keep their
/// sign: they start with a digit after it.
fn spreadsheet_safe(cell: &str) -> String {
    let risky = cell.starts_with(['=', '+', '@', '\t', '\r'])
        || (cell.starts_with('-') && !cell[1..].starts_with(|c: char| c.is_ascii_digit()));
    if risky {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// One event of a tender's timeline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TimelineEvent {
    /// Event id.
    pub id: i64,
    /// When (UTC).
    #[serde(with = "crate::domain::utc")]
    pub occurred_at: NaiveDateTime,
    /// Chain and position.
    pub chain: String,
    /// Position in the chain.
    pub seq: i64,
    /// Who (name), none for the system.
    pub actor: Option<String>,
    /// Role acted in.
    pub role: String,
    /// What happened.
    pub action: String,
    /// Entity kind and id.
    pub entity: String,
    /// Details.
    pub payload: serde_json::Value,
    /// The company whose bid the event concerns (its own chain, or the bid a payload
    /// names), once the bids are opened; none before, as for everyone but the bidder.
    pub bidder: Option<String>,
    /// The lot the event concerns (named in its fields, or its award's lot).
    pub lot: Option<i32>,
}

/// The verification of one chain.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChainStatus {
    /// Chain key.
    pub chain: String,
    /// Events in it.
    pub events: usize,
    /// Does every event match?
    pub ok: bool,
    /// The first event that does not.
    pub first_mismatch: Option<Mismatch>,
}

/// A tender's whole life from the audit log.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Timeline {
    /// Tender id.
    pub tender_id: i64,
    /// Title.
    pub title: String,
    /// ocid.
    pub ocid: Option<String>,
    /// The tender's currency (ISO 4217), the currency of the amounts in its events.
    pub currency: String,
    /// Every event of the tender's chain and of its bids' chains, in time order.
    pub events: Vec<TimelineEvent>,
    /// Each chain's verification.
    pub chains: Vec<ChainStatus>,
    /// Are all of them intact?
    pub intact: bool,
    /// Auditors' findings on the tender.
    pub findings: Vec<FindingView>,
}

/// A tender's timeline (auditors and admins).
pub fn timeline(
    conn: &mut DbConnection,
    user: &CurrentUser,
    tender_id: i64,
) -> Result<Timeline, AppError> {
    require_auditor(user)?;
    let (title, ocid, currency): (String, Option<String>, String) = tenders::table
        .find(tender_id)
        .select((tenders::title, tenders::ocid, tenders::currency))
        .first(conn)?;
    let bid_rows: Vec<(i64, String)> = bids::table
        .inner_join(crate::schema::suppliers::table)
        .filter(bids::tender_id.eq(tender_id))
        .order(bids::id)
        .select((bids::id, crate::schema::suppliers::legal_name))
        .load(conn)?;
    let bid_ids: Vec<i64> = bid_rows.iter().map(|(id, _)| *id).collect();
    let bidders: std::collections::BTreeMap<i64, String> =
        if crate::bids::opening::is_opened(conn, tender_id)? {
            bid_rows.into_iter().collect()
        } else {
            Default::default()
        };
    let chain_keys: Vec<String> = std::iter::once(format!("tender:{tender_id}"))
        .chain(bid_ids.iter().map(|b| format!("bid:{b}")))
        .collect();
    let mut events: Vec<AuditEvent> = Vec::new();
    let mut chains = Vec::new();
    for key in &chain_keys {
        let chain = audit::chain_events(conn, key)?;
        let mismatch = audit::check_chain(&chain);
        let chain = crate::bids::opening::withhold_bidders(conn, chain)?;
        chains.push(ChainStatus {
            chain: key.clone(),
            events: chain.len(),
            ok: mismatch.is_none(),
            first_mismatch: mismatch,
        });
        events.extend(chain);
    }
    events.sort_by_key(|e| (e.occurred_at, e.id));
    // An award's events name neither lot nor bid in their fields: its row does.
    let award_rows: std::collections::BTreeMap<String, (i32, Option<i64>)> =
        crate::schema::awards::table
            .filter(crate::schema::awards::tender_id.eq(tender_id))
            .select((
                crate::schema::awards::id,
                crate::schema::awards::lot_number,
                crate::schema::awards::bid_id,
            ))
            .load::<(i64, i32, Option<i64>)>(conn)?
            .into_iter()
            .map(|(id, lot, bid)| (id.to_string(), (lot, bid)))
            .collect();
    let actors: Vec<i64> = events.iter().filter_map(|e| e.actor_id).collect();
    let names = crate::bids::user_names(conn, &actors)?;
    Ok(Timeline {
        tender_id,
        title,
        ocid,
        currency,
        intact: chains.iter().all(|c| c.ok),
        chains,
        events: events
            .into_iter()
            .map(|e| {
                let payload: serde_json::Value =
                    serde_json::from_str(&e.payload).unwrap_or(serde_json::Value::Null);
                let award = (e.entity_type == "award")
                    .then(|| award_rows.get(&e.entity_id))
                    .flatten();
                let bid = e
                    .chain
                    .strip_prefix("bid:")
                    .or((e.entity_type == "bid").then_some(e.entity_id.as_str()))
                    .and_then(|b| b.parse::<i64>().ok())
                    .or_else(|| payload.get("bid").and_then(serde_json::Value::as_i64))
                    .or_else(|| award.and_then(|(_, bid)| *bid));
                let lot = payload
                    .get("lot")
                    .and_then(serde_json::Value::as_i64)
                    .and_then(|l| i32::try_from(l).ok())
                    .or_else(|| award.map(|(lot, _)| *lot));
                TimelineEvent {
                    id: e.id,
                    occurred_at: e.occurred_at,
                    chain: e.chain,
                    seq: e.seq,
                    actor: e.actor_id.and_then(|a| names.get(&a).cloned()),
                    role: e.actor_role,
                    action: e.action,
                    entity: format!("{}:{}", e.entity_type, e.entity_id),
                    bidder: bid.and_then(|b| bidders.get(&b).cloned()),
                    lot,
                    payload,
                }
            })
            .collect(),
        findings: findings_of(conn, &[tender_id])?,
    })
}

/// Severities of a finding.
pub const SEVERITIES: [&str; 3] = ["low", "medium", "high"];
/// Statuses of a finding.
pub const FINDING_STATUSES: [&str; 3] = ["open", "addressed", "closed"];

/// An auditor's finding.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FindingView {
    /// Id.
    pub id: i64,
    /// Tender.
    pub tender_id: i64,
    /// Auditor's name.
    pub auditor: String,
    /// The note.
    pub note: String,
    /// low, medium or high.
    pub severity: String,
    /// open, addressed or closed.
    pub status: String,
    /// Recorded (UTC).
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
    /// Last changed (UTC).
    #[serde(with = "crate::domain::utc")]
    pub updated_at: NaiveDateTime,
}

/// A finding to record, or a change to one (status, and optionally a new note).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct FindingInput {
    /// The note (required when recording).
    #[schema(required = true, min_length = 1)]
    #[serde(default)]
    pub note: String,
    /// low, medium or high (recording).
    #[schema(required = true, min_length = 1)]
    #[serde(default)]
    pub severity: String,
    /// open, addressed or closed (changing).
    #[serde(default)]
    pub status: String,
}

fn findings_of(conn: &mut DbConnection, tender_ids: &[i64]) -> Result<Vec<FindingView>, AppError> {
    #[expect(clippy::type_complexity, reason = "one row of a multi-column select")]
    let rows: Vec<(
        i64,
        i64,
        String,
        String,
        String,
        String,
        NaiveDateTime,
        NaiveDateTime,
    )> = audit_findings::table
        .inner_join(users::table.on(users::id.eq(audit_findings::auditor_id)))
        .filter(audit_findings::tender_id.eq_any(tender_ids))
        .order(audit_findings::id)
        .select((
            audit_findings::id,
            audit_findings::tender_id,
            users::display_name,
            audit_findings::note,
            audit_findings::severity,
            audit_findings::status,
            audit_findings::created_at,
            audit_findings::updated_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| FindingView {
            id: r.0,
            tender_id: r.1,
            auditor: r.2,
            note: r.3,
            severity: r.4,
            status: r.5,
            created_at: r.6,
            updated_at: r.7,
        })
        .collect())
}

/// Records a finding on a published tender (auditors).
pub fn record_finding(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    user: &CurrentUser,
    tender_id: i64,
    input: &FindingInput,
) -> Result<i64, AppError> {
    if user.role != Role::Auditor {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let note = check_text(&input.note, "note", &mut errors);
    if !SEVERITIES.contains(&input.severity.as_str()) {
        errors.push(FieldError::new(
            "severity",
            if input.severity.is_empty() {
                "required"
            } else {
                "invalid_choice"
            },
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    write_transaction(conn, |conn| {
        let status: String = tenders::table
            .find(tender_id)
            .select(tenders::status)
            .first(conn)?;
        if status == "draft" {
            return Err(AppError::NotFound);
        }
        let id: i64 = diesel::insert_into(audit_findings::table)
            .values((
                audit_findings::tender_id.eq(tender_id),
                audit_findings::auditor_id.eq(user.id),
                audit_findings::note.eq(&note),
                audit_findings::severity.eq(&input.severity),
                audit_findings::status.eq("open"),
                audit_findings::created_at.eq(now),
                audit_findings::updated_at.eq(now),
            ))
            .returning(audit_findings::id)
            .get_result(conn)?;
        tender_event(
            conn,
            now,
            Some(user),
            tender_id,
            "finding",
            id,
            "finding.recorded",
            json!({"note": note, "severity": input.severity}),
        )?;
        Ok(id)
    })
}

/// Moves a finding to another status, optionally with a new note (auditors).
pub fn update_finding(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    user: &CurrentUser,
    finding_id: i64,
    input: &FindingInput,
) -> Result<i64, AppError> {
    if user.role != Role::Auditor {
        return Err(AppError::Forbidden);
    }
    if !FINDING_STATUSES.contains(&input.status.as_str()) {
        return Err(AppError::field(
            "status",
            if input.status.is_empty() {
                "required"
            } else {
                "invalid_choice"
            },
        ));
    }
    let note = input.note.trim();
    if note.chars().count() > super::MAX_TEXT {
        return Err(AppError::Validation(vec![
            FieldError::new("note", "too_long").arg("max", super::MAX_TEXT),
        ]));
    }
    write_transaction(conn, |conn| {
        let (tender_id, before): (i64, String) = audit_findings::table
            .find(finding_id)
            .select((audit_findings::tender_id, audit_findings::status))
            .first(conn)?;
        diesel::update(audit_findings::table.find(finding_id))
            .set((
                audit_findings::status.eq(&input.status),
                audit_findings::updated_at.eq(now),
            ))
            .execute(conn)?;
        if !note.is_empty() {
            diesel::update(audit_findings::table.find(finding_id))
                .set(audit_findings::note.eq(note))
                .execute(conn)?;
        }
        tender_event(
            conn,
            now,
            Some(user),
            tender_id,
            "finding",
            finding_id,
            "finding.updated",
            json!({"from": before, "to": input.status, "note": (!note.is_empty()).then_some(note)}),
        )?;
        Ok(tender_id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_signed_numbers_kept() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("-2500.00"), "-2500.00");
        assert_eq!(spreadsheet_safe("-cmd"), "'-cmd");
        assert_eq!(spreadsheet_safe("Andina"), "Andina");
    }
}
