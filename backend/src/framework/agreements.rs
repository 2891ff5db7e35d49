//! A framework agreement as anyone reads it and its central purchasing body manages it: its
//! term, its product sheets and orders counted, its parties (the admitted suppliers) and
//! their suspensions.
//!
//! **Suspension.** The central body's officers may suspend a party from the agreement — a
//! dated sanction with its reason, public, like the registry's: from the moment it is
//! recorded until the end of the Lima day it names (at most the agreement's end), the
//! party's offers show `suspended_from_agreement` and cannot be ordered ([`suspended`] is
//! what every reader of offers asks); the orders awaiting its acceptance pass on at once and
//! it may not quote. One suspension at a time per party; it may be lifted
//! early with a reason. Each is an event on the agreement's chain and a release of its open
//! data.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashSet;

use crate::{
    app::{App, AppState},
    audit::{self, Actor, NewEvent},
    auth::CurrentUser,
    db::{DbConnection, write_transaction},
    domain::{AgreementId, BoundedText, BuyerId, Role, SupplierId, Validator, utc},
    error::{AppError, FieldError},
    schema::{
        buyers, catalogue_categories, catalogue_offers, catalogue_orders, catalogue_products,
        framework_agreements, framework_parties, framework_suspensions, suppliers,
    },
    suppliers::end_of_day_in_lima,
    tenders::search::parse_date,
};

/// The longest reason, in characters.
pub const MAX_REASON: usize = 2000;

/// The parties of `pairs` suspended at `now` (one query).
pub fn suspended(
    conn: &mut DbConnection,
    pairs: &[(AgreementId, SupplierId)],
    now: NaiveDateTime,
) -> Result<HashSet<(AgreementId, SupplierId)>, AppError> {
    if pairs.is_empty() {
        return Ok(HashSet::new());
    }
    let agreements: Vec<AgreementId> = pairs.iter().map(|p| p.0).collect();
    let suppliers: Vec<SupplierId> = pairs.iter().map(|p| p.1).collect();
    Ok(framework_suspensions::table
        .filter(framework_suspensions::starts_at.le(now))
        .filter(framework_suspensions::ends_at.gt(now))
        .filter(framework_suspensions::lifted_at.is_null())
        .filter(framework_suspensions::agreement_id.eq_any(agreements))
        .filter(framework_suspensions::supplier_id.eq_any(suppliers))
        .select((
            framework_suspensions::agreement_id,
            framework_suspensions::supplier_id,
        ))
        .load::<(AgreementId, SupplierId)>(conn)?
        .into_iter()
        .filter(|pair| pairs.contains(pair))
        .collect())
}

/// A suspension as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SuspensionView {
    /// Its id.
    pub id: i64,
    /// From (UTC).
    #[serde(with = "crate::domain::utc")]
    pub starts_at: NaiveDateTime,
    /// Until (UTC, exclusive: the end of the Lima day named).
    #[serde(with = "crate::domain::utc")]
    pub ends_at: NaiveDateTime,
    /// Why (public).
    pub reason: String,
    /// Lifted early (UTC), and why.
    #[serde(with = "crate::domain::utc::option")]
    pub lifted_at: Option<NaiveDateTime>,
    /// Why it was lifted.
    pub lifted_reason: Option<String>,
    /// In force now?
    pub in_force: bool,
}

/// A party to the agreement.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PartyView {
    /// The supplier.
    pub supplier_id: SupplierId,
    /// Its legal name.
    pub supplier_name: String,
    /// Its RUC.
    pub supplier_ruc: String,
    /// When it was admitted (UTC).
    #[serde(with = "crate::domain::utc")]
    pub admitted_at: NaiveDateTime,
    /// Its offers in the catalogue.
    pub offers: i64,
    /// Its suspensions, the newest first.
    pub suspensions: Vec<SuspensionView>,
}

/// An agreement as anyone reads it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AgreementView {
    /// Its id.
    pub id: AgreementId,
    /// Its ocid (its open data).
    pub ocid: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// The central purchasing body.
    pub buyer_id: BuyerId,
    /// Its name.
    pub buyer_name: String,
    /// ISO 4217 code of its prices.
    pub currency: String,
    /// In force from (UTC).
    #[serde(with = "crate::domain::utc")]
    pub starts_at: NaiveDateTime,
    /// In force until (UTC, exclusive).
    #[serde(with = "crate::domain::utc")]
    pub ends_at: NaiveDateTime,
    /// In force now?
    pub in_force: bool,
    /// Fewest parties.
    pub min_participants: i32,
    /// Most parties.
    pub max_participants: i32,
    /// Product sheets in its catalogue.
    pub products: i64,
    /// Orders placed under it.
    pub orders: i64,
    /// The parties, by name.
    pub parties: Vec<PartyView>,
}

/// The agreements, the newest first (each without its parties' detail).
pub async fn list(app: &AppState) -> Result<Vec<AgreementView>, AppError> {
    let now = app.clock.now_db();
    app.db
        .run(move |conn| {
            let ids: Vec<AgreementId> = framework_agreements::table
                .order(framework_agreements::starts_at.desc())
                .select(framework_agreements::id)
                .load(conn)?;
            ids.into_iter().map(|id| view_in(conn, id, now)).collect()
        })
        .await
}

/// Agreement `id` at `now`.
pub async fn view(app: &AppState, id: AgreementId) -> Result<AgreementView, AppError> {
    let now = app.clock.now_db();
    app.db.run(move |conn| view_in(conn, id, now)).await
}

/// Agreement `id` at `now`.
pub fn view_in(
    conn: &mut DbConnection,
    id: AgreementId,
    now: NaiveDateTime,
) -> Result<AgreementView, AppError> {
    type Row = (
        String,
        String,
        String,
        BuyerId,
        String,
        String,
        NaiveDateTime,
        NaiveDateTime,
        i32,
        i32,
    );
    let (ocid, title, description, buyer_id, buyer_name, currency, starts, ends, min, max): Row =
        framework_agreements::table
            .inner_join(buyers::table)
            .filter(framework_agreements::id.eq(id))
            .select((
                framework_agreements::ocid,
                framework_agreements::title,
                framework_agreements::description,
                framework_agreements::buyer_id,
                buyers::name,
                framework_agreements::currency,
                framework_agreements::starts_at,
                framework_agreements::ends_at,
                framework_agreements::min_participants,
                framework_agreements::max_participants,
            ))
            .first(conn)
            .optional()?
            .ok_or(AppError::NotFound)?;
    let products: i64 = catalogue_products::table
        .inner_join(catalogue_categories::table)
        .filter(catalogue_categories::agreement_id.eq(id))
        .count()
        .get_result(conn)?;
    let orders: i64 = catalogue_orders::table
        .filter(catalogue_orders::agreement_id.eq(id))
        .count()
        .get_result(conn)?;
    let rows = parties_of(conn, id)?;
    let offers: Vec<(SupplierId, i64)> = catalogue_offers::table
        .filter(catalogue_offers::agreement_id.eq(id))
        .group_by(catalogue_offers::supplier_id)
        .select((catalogue_offers::supplier_id, diesel::dsl::count_star()))
        .load(conn)?;
    type SuspensionRow = (
        i64,
        SupplierId,
        NaiveDateTime,
        NaiveDateTime,
        String,
        Option<NaiveDateTime>,
        Option<String>,
    );
    let suspensions: Vec<SuspensionRow> = framework_suspensions::table
        .filter(framework_suspensions::agreement_id.eq(id))
        .order(framework_suspensions::id.desc())
        .select((
            framework_suspensions::id,
            framework_suspensions::supplier_id,
            framework_suspensions::starts_at,
            framework_suspensions::ends_at,
            framework_suspensions::reason,
            framework_suspensions::lifted_at,
            framework_suspensions::lifted_reason,
        ))
        .load(conn)?;
    let parties = rows
        .into_iter()
        .map(
            |(supplier_id, supplier_name, supplier_ruc, admitted_at)| PartyView {
                offers: offers
                    .iter()
                    .find(|o| o.0 == supplier_id)
                    .map_or(0, |o| o.1),
                suspensions: suspensions
                    .iter()
                    .filter(|s| s.1 == supplier_id)
                    .map(|s| SuspensionView {
                        id: s.0,
                        starts_at: s.2,
                        ends_at: s.3,
                        reason: s.4.clone(),
                        lifted_at: s.5,
                        lifted_reason: s.6.clone(),
                        in_force: s.2 <= now && now < s.3 && s.5.is_none(),
                    })
                    .collect(),
                supplier_id,
                supplier_name,
                supplier_ruc,
                admitted_at,
            },
        )
        .collect();
    Ok(AgreementView {
        id,
        ocid,
        title,
        description,
        buyer_id,
        buyer_name,
        currency,
        starts_at: starts,
        ends_at: ends,
        in_force: starts <= now && now < ends,
        min_participants: min,
        max_participants: max,
        products,
        orders,
        parties,
    })
}

/// The parties of `agreement` by name: supplier, legal name, RUC, admitted at.
pub(super) fn parties_of(
    conn: &mut DbConnection,
    agreement: AgreementId,
) -> Result<Vec<(SupplierId, String, String, NaiveDateTime)>, AppError> {
    Ok(framework_parties::table
        .inner_join(suppliers::table)
        .filter(framework_parties::agreement_id.eq(agreement))
        .order(suppliers::legal_name.asc())
        .select((
            framework_parties::supplier_id,
            suppliers::legal_name,
            suppliers::ruc,
            framework_parties::admitted_at,
        ))
        .load(conn)?)
}

/// A suspension as an officer asks for it (every field text, as a form sends it).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SuspensionInput {
    /// The party's supplier id.
    pub supplier: String,
    /// The last Lima day of the suspension (YYYY-MM-DD), not after the agreement's end.
    pub suspended_until: String,
    /// Why (required; published).
    pub reason: String,
}

/// Why a suspension is lifted early.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LiftInput {
    /// Why (required; published).
    pub reason: String,
}

/// The agreement's central body and end, when `user` is one of that body's officers;
/// `NotFound` for an agreement that does not exist, `Forbidden` for anyone else.
fn managed_by(
    conn: &mut DbConnection,
    user: &CurrentUser,
    agreement: AgreementId,
) -> Result<NaiveDateTime, AppError> {
    let (buyer, ends): (BuyerId, NaiveDateTime) = framework_agreements::table
        .find(agreement)
        .select((
            framework_agreements::buyer_id,
            framework_agreements::ends_at,
        ))
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    if user.role != Role::Officer || user.buyer_id != Some(buyer) {
        return Err(AppError::Forbidden);
    }
    Ok(ends)
}

fn reason_of(v: &mut Validator, text: &str) -> String {
    // As the registry's sanctions: no control or invisible character in a public reason.
    v.check(BoundedText::<1, MAX_REASON>::parse_lines(text, "reason"))
        .map(|r| r.as_str().to_owned())
        .unwrap_or_default()
}

/// Suspends a party (see the module); returns the suspension's id.
pub async fn suspend(
    app: &AppState,
    user: &CurrentUser,
    agreement: AgreementId,
    input: SuspensionInput,
) -> Result<i64, AppError> {
    let (state, user, now) = (app.clone(), user.clone(), app.clock.now_db());
    app.db
        .run(move |conn| suspend_in(&state, conn, &user, agreement, &input, now))
        .await
}

/// Suspends a party at `now`.
pub fn suspend_in(
    app: &App,
    conn: &mut DbConnection,
    user: &CurrentUser,
    agreement: AgreementId,
    input: &SuspensionInput,
    now: NaiveDateTime,
) -> Result<i64, AppError> {
    write_transaction(conn, |conn| {
        let agreement_ends = managed_by(conn, user, agreement)?;
        let mut v = Validator::new();
        let supplier = match input.supplier.trim() {
            "" => {
                v.push(FieldError::new("supplier", "required"));
                None
            }
            text => match text.parse::<SupplierId>() {
                Ok(id) => Some(id),
                Err(_) => {
                    v.push(FieldError::new("supplier", "not_a_party"));
                    None
                }
            },
        };
        let party = match supplier {
            Some(id) => {
                let is_party = diesel::select(diesel::dsl::exists(
                    framework_parties::table
                        .filter(framework_parties::agreement_id.eq(agreement))
                        .filter(framework_parties::supplier_id.eq(id)),
                ))
                .get_result::<bool>(conn)?;
                if !is_party {
                    v.push(FieldError::new("supplier", "not_a_party"));
                }
                is_party.then_some(id)
            }
            None => None,
        };
        let until = match input.suspended_until.trim() {
            "" => {
                v.push(FieldError::new("suspended_until", "required"));
                None
            }
            text => v.check(parse_date(text, "suspended_until")),
        };
        let ends_at = until.map(end_of_day_in_lima);
        if let Some(ends_at) = ends_at {
            if ends_at <= now {
                v.push(FieldError::new("suspended_until", "in_the_past"));
            } else if ends_at > agreement_ends {
                v.push(
                    FieldError::new("suspended_until", "after_agreement_end").arg(
                        "end",
                        crate::domain::procurement::lima_date(
                            agreement_ends - chrono::Duration::seconds(1),
                        )
                        .to_string(),
                    ),
                );
            }
        }
        let reason = reason_of(&mut v, &input.reason);
        if let Some(id) = party {
            // Two officers suspending the same party at once: the party's row is written
            // first (a row lock on PostgreSQL until the commit; SQLite has one writer), so
            // the second one's check sees the first one's suspension.
            diesel::update(
                framework_parties::table
                    .filter(framework_parties::agreement_id.eq(agreement))
                    .filter(framework_parties::supplier_id.eq(id)),
            )
            .set(framework_parties::admitted_at.eq(framework_parties::admitted_at))
            .execute(conn)?;
            let already = suspended(conn, &[(agreement, id)], now)?.contains(&(agreement, id));
            if already {
                v.push(FieldError::new("supplier", "party_already_suspended"));
            }
        }
        v.finish()?;
        let (Some(supplier), Some(ends_at)) = (party, ends_at) else {
            return Err(AppError::internal("checked above"));
        };
        let id: i64 = diesel::insert_into(framework_suspensions::table)
            .values((
                framework_suspensions::agreement_id.eq(agreement),
                framework_suspensions::supplier_id.eq(supplier),
                framework_suspensions::starts_at.eq(now),
                framework_suspensions::ends_at.eq(ends_at),
                framework_suspensions::reason.eq(&reason),
                framework_suspensions::decided_by.eq(user.id),
            ))
            .returning(framework_suspensions::id)
            .get_result(conn)?;
        audit::record(
            conn,
            now,
            &Actor::user(user.id, user.role),
            NewEvent::on(
                "framework_agreement",
                agreement,
                "framework.party.suspended",
                json!({
                    "suspension_id": id,
                    "supplier_id": supplier,
                    "starts_at": utc::format(now),
                    "ends_at": utc::format(ends_at),
                    "reason": reason,
                }),
            ),
        )?;
        // Its orders waiting for its acceptance pass on now, not when their time runs out.
        super::orders::pass_over_suspended(
            app,
            conn,
            &Actor::user(user.id, user.role),
            agreement,
            supplier,
            now,
        )?;
        super::open_data::publish_agreement(conn, agreement, &["awardUpdate"], now)?;
        let (title, link) = mail_facts(app, conn, agreement)?;
        super::notices::to_members(
            conn,
            supplier,
            "email-catalogue-suspended",
            &[
                ("agreement", title),
                ("link", link),
                (
                    "until",
                    crate::domain::procurement::lima_date(ends_at - chrono::Duration::seconds(1))
                        .to_string(),
                ),
                ("reason", reason.clone()),
            ],
            now,
        )?;
        Ok(id)
    })
}

/// Lifts suspension `suspension` of the agreement early.
pub async fn lift(
    app: &AppState,
    user: &CurrentUser,
    agreement: AgreementId,
    suspension: i64,
    input: LiftInput,
) -> Result<(), AppError> {
    let (state, user, now) = (app.clone(), user.clone(), app.clock.now_db());
    app.db
        .run(move |conn| lift_in(&state, conn, &user, agreement, suspension, &input, now))
        .await
}

/// Lifts a suspension at `now`.
pub fn lift_in(
    app: &App,
    conn: &mut DbConnection,
    user: &CurrentUser,
    agreement: AgreementId,
    suspension: i64,
    input: &LiftInput,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    write_transaction(conn, |conn| {
        managed_by(conn, user, agreement)?;
        let supplier: SupplierId = framework_suspensions::table
            .filter(framework_suspensions::id.eq(suspension))
            .filter(framework_suspensions::agreement_id.eq(agreement))
            .select(framework_suspensions::supplier_id)
            .first(conn)
            .optional()?
            .ok_or(AppError::NotFound)?;
        let mut v = Validator::new();
        let reason = reason_of(&mut v, &input.reason);
        v.finish()?;
        let written = diesel::update(
            framework_suspensions::table
                .filter(framework_suspensions::id.eq(suspension))
                .filter(framework_suspensions::lifted_at.is_null())
                .filter(framework_suspensions::ends_at.gt(now)),
        )
        .set((
            framework_suspensions::lifted_at.eq(Some(now)),
            framework_suspensions::lifted_by.eq(Some(user.id)),
            framework_suspensions::lifted_reason.eq(Some(&reason)),
        ))
        .execute(conn)?;
        if written != 1 {
            return Err(AppError::Conflict(FieldError::new(
                "suspension",
                "suspension_not_in_force",
            )));
        }
        audit::record(
            conn,
            now,
            &Actor::user(user.id, user.role),
            NewEvent::on(
                "framework_agreement",
                agreement,
                "framework.party.reinstated",
                json!({"suspension_id": suspension, "supplier_id": supplier, "reason": reason}),
            ),
        )?;
        super::open_data::publish_agreement(conn, agreement, &["awardUpdate"], now)?;
        let (title, link) = mail_facts(app, conn, agreement)?;
        super::notices::to_members(
            conn,
            supplier,
            "email-catalogue-reinstated",
            &[
                ("agreement", title),
                ("link", link),
                ("reason", reason.clone()),
            ],
            now,
        )
    })
}

/// The agreement's title and the address of its page, for a mail.
fn mail_facts(
    app: &App,
    conn: &mut DbConnection,
    agreement: AgreementId,
) -> Result<(String, String), AppError> {
    let title: String = framework_agreements::table
        .find(agreement)
        .select(framework_agreements::title)
        .first(conn)?;
    let link = format!(
        "{}/catalogo/acuerdos/{agreement}",
        app.settings.public_url.trim_end_matches('/')
    );
    Ok((title, link))
}
