//! Review by registry officers: verify, reject, suspend, reinstate, debar, and the identity
//! fields (RUC, legal name) only they may change. Admins grant the registry permission.
//!
//! Each decision names its officer and reason in the audit log and is emailed to the owner,
//! in the same transaction. A registry officer cannot review a company they belong to (they
//! cannot belong to one: officers are not supplier users, and we check anyway).

use crate::domain::{RegistrationStatus, SupplierId, SupplierStanding, UserId};
use chrono::{Duration, NaiveDateTime, NaiveTime, TimeZone};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::{
    LegalName, Reason, Supplier, active_sanctions, email_owner, find, lima_date, lima_today,
};
use crate::{
    app::{App, AppState},
    audit::{self, Actor, NewEvent},
    auth::CurrentUser,
    db::{DbConnection, write_transaction},
    domain::{Role, Ruc, Validator},
    error::{AppError, FieldError, is_unique_violation},
    schema::{supplier_members, supplier_sanctions, suppliers, users},
};

/// What a registry officer decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Pending → verified (the owner must have verified their email).
    Verify,
    /// Pending → rejected, with a reason.
    Reject(String),
    /// Verified → suspended until reinstated, with a reason.
    Suspend(String),
    /// Suspended → verified again, with a reason.
    Reinstate(String),
    /// Debarred through a date (Lima), with its legal ground.
    Debar {
        /// Last day of the debarment (inclusive, Lima time).
        through: chrono::NaiveDate,
        /// Legal ground.
        ground: String,
    },
}

/// Raw decision input.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DecisionInput {
    /// `verify`, `reject`, `suspend`, `reinstate` or `debar`.
    pub decision: String,
    /// Reason or legal ground (required except for `verify`).
    pub reason: String,
    /// For `debar`: the last day of the debarment, `YYYY-MM-DD` (Lima), after today.
    pub until: String,
}

impl DecisionInput {
    /// Parses, naming every wrong field. `today` is the current date in Lima.
    pub fn parse(&self, today: chrono::NaiveDate) -> Result<Decision, AppError> {
        let mut v = Validator::new();
        let kind = self.decision.trim();
        if !["verify", "reject", "suspend", "reinstate", "debar"].contains(&kind) {
            v.push(FieldError::new("decision", "invalid_decision"));
        }
        let reason = if kind == "verify" {
            None
        } else {
            v.check(Reason::parse_lines(&self.reason, "reason"))
        };
        let until = if kind == "debar" {
            let text = self.until.trim();
            match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(date) if date > today => Some(date),
                Ok(_) => {
                    v.push(FieldError::new("until", "date_not_future"));
                    None
                }
                Err(_) => {
                    v.push(FieldError::new(
                        "until",
                        if text.is_empty() {
                            "required"
                        } else {
                            "invalid_date"
                        },
                    ));
                    None
                }
            }
        } else {
            None
        };
        v.finish()?;
        let reason = || reason.clone().map(|r| r.into_inner()).unwrap_or_default();
        Ok(match kind {
            "verify" => Decision::Verify,
            "reject" => Decision::Reject(reason()),
            "suspend" => Decision::Suspend(reason()),
            "reinstate" => Decision::Reinstate(reason()),
            _ => Decision::Debar {
                through: until
                    .ok_or_else(|| AppError::internal("validator passed without date"))?,
                ground: reason(),
            },
        })
    }
}

/// What a decision records: the audit action, its payload, and the email (template key and
/// arguments) the owner receives.
type Outcome<'a> = (
    &'static str,
    serde_json::Value,
    (&'a str, Vec<(&'a str, String)>),
);

fn require_registry_officer(user: &CurrentUser, supplier_id: SupplierId) -> Result<(), AppError> {
    if user.role != Role::Officer || !user.registry_officer {
        return Err(AppError::Forbidden);
    }
    if user.supplier_id == Some(supplier_id) {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// The instant a debarment "through `date`" ends: the start of the next day in Lima.
pub fn end_of_day_in_lima(date: chrono::NaiveDate) -> NaiveDateTime {
    let next = date + Duration::days(1);
    chrono_tz::America::Lima
        .from_local_datetime(&next.and_time(NaiveTime::MIN))
        .single()
        .map(|t| t.naive_utc())
        // Lima has no daylight saving: every local midnight exists exactly once.
        .unwrap_or_else(|| next.and_time(NaiveTime::MIN))
}

/// A registry officer verifies or rejects a registration ([`decide_in`]).
#[tracing::instrument(skip(app, officer, decision), fields(user = officer.id.get()))]
pub async fn decide(
    app: &AppState,
    officer: &CurrentUser,
    supplier_id: SupplierId,
    decision: Decision,
) -> Result<Supplier, AppError> {
    let (state, officer) = (app.clone(), officer.clone());
    app.db
        .run(move |conn| decide_in(&state, conn, &officer, supplier_id, &decision))
        .await
}

/// Applies a registry officer's decision.
pub fn decide_in(
    app: &App,
    conn: &mut DbConnection,
    officer: &CurrentUser,
    supplier_id: SupplierId,
    decision: &Decision,
) -> Result<Supplier, AppError> {
    decide_at(
        app,
        conn,
        officer,
        supplier_id,
        decision,
        app.clock.now_db(),
    )
}

/// [`decide`] at `now` (the demo data, which tells a past that could have happened).
pub fn decide_at(
    app: &App,
    conn: &mut DbConnection,
    officer: &CurrentUser,
    supplier_id: SupplierId,
    decision: &Decision,
    now: NaiveDateTime,
) -> Result<Supplier, AppError> {
    require_registry_officer(officer, supplier_id)?;
    let actor = Actor::user(officer.id, officer.role);
    let supplier = write_transaction(conn, |conn| {
        let current = find(conn, supplier_id, now)?;
        let sanctions = active_sanctions(conn, &[supplier_id], now)?;
        let conflict = |code: &'static str| {
            AppError::Conflict(FieldError::new("decision", code).arg("status", current.status))
        };
        let (action, payload, email): Outcome = match decision {
            Decision::Verify => {
                if current.status != SupplierStanding::Pending {
                    return Err(conflict("decision_not_allowed"));
                }
                if super::can_bid(conn, supplier_id, now)?
                    .missing
                    .contains(&super::Missing::OwnerEmailUnverified)
                {
                    return Err(AppError::Conflict(FieldError::new(
                        "decision",
                        "owner_email_unverified",
                    )));
                }
                set_status(conn, supplier_id, RegistrationStatus::Verified, None, now)?;
                (
                    "supplier.verified",
                    json!({}),
                    ("supplier-verified", vec![]),
                )
            }
            Decision::Reject(reason) => {
                if current.status != SupplierStanding::Pending {
                    return Err(conflict("decision_not_allowed"));
                }
                set_status(
                    conn,
                    supplier_id,
                    RegistrationStatus::Rejected,
                    Some(reason),
                    now,
                )?;
                (
                    "supplier.rejected",
                    json!({"reason": reason}),
                    ("supplier-rejected", vec![("reason", reason.clone())]),
                )
            }
            Decision::Suspend(reason) => {
                if current.status != SupplierStanding::Verified {
                    return Err(conflict("decision_not_allowed"));
                }
                insert_sanction(
                    conn,
                    supplier_id,
                    "suspension",
                    reason,
                    now,
                    None,
                    officer.id,
                )?;
                (
                    "supplier.suspended",
                    json!({"reason": reason}),
                    ("supplier-suspended", vec![("reason", reason.clone())]),
                )
            }
            Decision::Reinstate(reason) => {
                let Some(suspension) = sanctions.iter().find(|s| s.kind == "suspension") else {
                    return Err(conflict("decision_not_allowed"));
                };
                diesel::update(supplier_sanctions::table.find(suspension.id))
                    .set((
                        supplier_sanctions::lifted_at.eq(Some(now)),
                        supplier_sanctions::lifted_reason.eq(Some(reason)),
                        supplier_sanctions::lifted_by.eq(Some(officer.id)),
                    ))
                    .execute(conn)?;
                (
                    "supplier.reinstated",
                    json!({"reason": reason, "sanction_id": suspension.id}),
                    ("supplier-reinstated", vec![("reason", reason.clone())]),
                )
            }
            Decision::Debar { through, ground } => {
                if !matches!(
                    current.status,
                    SupplierStanding::Verified
                        | SupplierStanding::Suspended
                        | SupplierStanding::Debarred
                ) {
                    return Err(conflict("decision_not_allowed"));
                }
                let ends = end_of_day_in_lima(*through);
                insert_sanction(
                    conn,
                    supplier_id,
                    "debarment",
                    ground,
                    now,
                    Some(ends),
                    officer.id,
                )?;
                (
                    "supplier.debarred",
                    json!({"ground": ground, "through": through.to_string(), "ends_at": crate::domain::utc::format(ends)}),
                    (
                        "supplier-debarred",
                        vec![
                            ("reason", ground.clone()),
                            ("until", lima_date(ends - Duration::seconds(1))),
                        ],
                    ),
                )
            }
        };
        audit::record(
            conn,
            now,
            &actor,
            NewEvent::on("supplier", supplier_id, action, payload),
        )?;
        email_owner(conn, now, supplier_id, email.0, &email.1)?;
        find(conn, supplier_id, now)
    })?;
    app.wake_outbox();
    Ok(supplier)
}

fn set_status(
    conn: &mut DbConnection,
    supplier_id: SupplierId,
    status: RegistrationStatus,
    reason: Option<&String>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::update(suppliers::table.find(supplier_id))
        .set((
            suppliers::status.eq(status),
            suppliers::status_reason.eq(reason),
            suppliers::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

fn insert_sanction(
    conn: &mut DbConnection,
    supplier_id: SupplierId,
    kind: &str,
    ground: &str,
    starts: NaiveDateTime,
    ends: Option<NaiveDateTime>,
    officer: UserId,
) -> Result<(), AppError> {
    diesel::insert_into(supplier_sanctions::table)
        .values((
            supplier_sanctions::supplier_id.eq(supplier_id),
            supplier_sanctions::kind.eq(kind),
            supplier_sanctions::ground.eq(ground),
            supplier_sanctions::starts_at.eq(starts),
            supplier_sanctions::ends_at.eq(ends),
            supplier_sanctions::decided_by.eq(officer),
            supplier_sanctions::created_at.eq(starts),
        ))
        .execute(conn)?;
    Ok(())
}

/// A registry officer corrects a company's legal name or RUC, with a reason
/// ([`change_identity_in`]).
#[tracing::instrument(skip(app, officer, legal_name, ruc, reason), fields(user = officer.id.get()))]
pub async fn change_identity(
    app: &AppState,
    officer: &CurrentUser,
    supplier_id: SupplierId,
    legal_name: String,
    ruc: String,
    reason: String,
) -> Result<Supplier, AppError> {
    let (state, officer) = (app.clone(), officer.clone());
    app.db
        .run(move |conn| {
            change_identity_in(
                &state,
                conn,
                &officer,
                supplier_id,
                &legal_name,
                &ruc,
                &reason,
            )
        })
        .await
}

/// A registry officer corrects the RUC or legal name, with a reason; before and after are
/// audited.
pub fn change_identity_in(
    app: &App,
    conn: &mut DbConnection,
    officer: &CurrentUser,
    supplier_id: SupplierId,
    legal_name: &str,
    ruc: &str,
    reason: &str,
) -> Result<Supplier, AppError> {
    require_registry_officer(officer, supplier_id)?;
    let mut v = Validator::new();
    let legal_name = v.check(LegalName::parse_name(legal_name, "legal_name"));
    let ruc = v.check(Ruc::parse(ruc, "ruc"));
    let reason = v.check(Reason::parse_lines(reason, "reason"));
    v.finish()?;
    let (Some(legal_name), Some(ruc), Some(reason)) = (legal_name, ruc, reason) else {
        return Err(AppError::internal("validator passed with missing values"));
    };
    let now = app.clock.now_db();
    write_transaction(conn, |conn| {
        let before = find(conn, supplier_id, now)?;
        diesel::update(suppliers::table.find(supplier_id))
            .set((
                suppliers::legal_name.eq(legal_name.as_str()),
                suppliers::ruc.eq(ruc.as_str()),
                suppliers::search_text.eq(super::search_text(
                    legal_name.as_str(),
                    before.trade_name.as_deref(),
                    ruc.as_str(),
                )),
                suppliers::updated_at.eq(now),
            ))
            .execute(conn)
            .map_err(|e| {
                if is_unique_violation(&e) {
                    AppError::Conflict(FieldError::new("ruc", "supplier_ruc_taken"))
                } else {
                    e.into()
                }
            })?;
        audit::record(
            conn,
            now,
            &Actor::user(officer.id, officer.role),
            NewEvent::on(
                "supplier",
                supplier_id,
                "supplier.identity_changed",
                json!({"reason": reason.as_str(), "before": {"legal_name": before.legal_name, "ruc": before.ruc}, "after": {"legal_name": legal_name.as_str(), "ruc": ruc.as_str()}}),
            ),
        )?;
        find(conn, supplier_id, now)
    })
}

/// An administrator grants or withdraws the registry officer permission
/// ([`set_registry_officer_in`]).
#[tracing::instrument(skip(app, actor))]
pub async fn set_registry_officer(
    app: &AppState,
    actor: &Actor,
    user_id: UserId,
    granted: bool,
) -> Result<(), AppError> {
    let (state, actor) = (app.clone(), actor.clone());
    app.db
        .run(move |conn| set_registry_officer_in(&state, conn, &actor, user_id, granted))
        .await
}

/// Grants or withdraws the registry permission of an officer (admins, through the API and
/// pages; the system, for demo data).
pub fn set_registry_officer_in(
    app: &App,
    conn: &mut DbConnection,
    actor: &Actor,
    user_id: UserId,
    granted: bool,
) -> Result<(), AppError> {
    let now = app.clock.now_db();
    write_transaction(conn, |conn| {
        let (role, before): (String, bool) = users::table
            .find(user_id)
            .select((users::role, users::registry_officer))
            .first(conn)?;
        if role != Role::Officer.as_str() {
            return Err(AppError::field("user_id", "not_an_officer"));
        }
        let member: bool =
            diesel::select(diesel::dsl::exists(supplier_members::table.find(user_id)))
                .get_result(conn)?;
        if member {
            return Err(AppError::field("user_id", "not_an_officer"));
        }
        if before == granted {
            return Ok(());
        }
        diesel::update(users::table.find(user_id))
            .set(users::registry_officer.eq(granted))
            .execute(conn)?;
        audit::record(
            conn,
            now,
            actor,
            NewEvent::on(
                "user",
                user_id,
                "user.registry_permission_changed",
                json!({"before": before, "after": granted}),
            ),
        )
    })
}

/// Today in Lima for parsing decisions.
pub fn today(app: &App) -> chrono::NaiveDate {
    lima_today(app.clock.now())
}
