//! The supplier registry (Peru's RNP): companies register, registry officers review and
//! sanction them, owners keep their profile and members, and anyone can search the directory
//! and the list of current sanctions. [`can_bid`] is the one answer to "may this supplier bid
//! now?" that the bids module asks.
//!
//! A supplier's registration `status` is `pending`, `verified` or `rejected`; suspensions and
//! debarments are rows of `supplier_sanctions` with a start, an optional end and an optional
//! lift, so history is kept and "sanctioned at instant t" is a query, not a flag someone must
//! remember to clear when a debarment runs out.
//!
//! Every change writes its audit event (chain `supplier:<id>`) and queues its emails in the
//! same write transaction.

use crate::domain::{RegistrationStatus, SupplierId, SupplierStanding, UserId};
mod directory;
mod eligibility;
mod input;
mod registration;
pub use directory::*;
pub use eligibility::*;
pub use input::*;
pub use registration::*;
mod membership;
mod review;

pub use membership::{
    AcceptInvitation, accept_invitation, invitation_details, invitation_details_in, invite,
    remove_member, transfer_ownership,
};
pub use review::{
    Decision, DecisionInput, change_identity, decide, decide_at, decide_in, end_of_day_in_lima,
    set_registry_officer, set_registry_officer_in, today,
};

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::{
    accounts::{DisplayName, Verification},
    app::{App, AppState},
    audit::{self, Actor, NewEvent},
    auth::CurrentUser,
    catalogue,
    db::{DbConnection, write_transaction},
    domain::{BoundedText, EmailAddress, NewPassword, Role, Ruc, Validator},
    error::{AppError, FieldError, is_unique_violation},
    i18n::{Lang, t_args},
    mail::{self, OutgoingMail},
    schema::{supplier_categories, supplier_members, supplier_sanctions, suppliers, users},
};

/// Legal name: 3 to 200 characters.
pub type LegalName = BoundedText<3, 200>;
/// Trade name: up to 200 characters (optional).
pub type TradeName = BoundedText<0, 200>;
/// Province or district: 2 to 80 characters.
pub type PlaceName = BoundedText<2, 80>;
/// Street address: 5 to 200 characters.
pub type StreetAddress = BoundedText<5, 200>;
/// Reason or legal ground of a decision: 5 to 1000 characters.
pub type Reason = BoundedText<5, 1000>;

/// A supplier as shown to clients.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Supplier {
    /// Id.
    pub id: SupplierId,
    /// RUC.
    pub ruc: String,
    /// Legal name.
    pub legal_name: String,
    /// Trade name.
    pub trade_name: Option<String>,
    /// Legal form code.
    pub legal_form: String,
    /// Department.
    pub department: String,
    /// Province.
    pub province: String,
    /// District.
    pub district: String,
    /// Street address.
    pub address: String,
    /// Contact email.
    pub contact_email: String,
    /// Contact phone.
    pub contact_phone: String,
    /// UNSPSC segment codes.
    pub categories: Vec<String>,
    /// `pending`, `verified`, `rejected`, `suspended` or `debarred` (now).
    pub status: SupplierStanding,
    /// Reason of the last review decision (rejection), if any.
    pub status_reason: Option<String>,
    /// The current sanction, if any.
    pub sanction: Option<Sanction>,
    /// Registered (UTC).
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = suppliers)]
struct SupplierRow {
    id: SupplierId,
    ruc: String,
    legal_name: String,
    trade_name: Option<String>,
    legal_form: String,
    department: String,
    province: String,
    district: String,
    address: String,
    contact_email: String,
    contact_phone: String,
    status: RegistrationStatus,
    status_reason: Option<String>,
    created_at: NaiveDateTime,
}

/// A suspension or debarment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Sanction {
    /// Id.
    pub id: i64,
    /// Supplier.
    pub supplier_id: SupplierId,
    /// `suspension` or `debarment`.
    pub kind: String,
    /// Legal ground or reason.
    pub ground: String,
    /// In force from (UTC).
    #[serde(with = "crate::domain::utc")]
    pub starts_at: NaiveDateTime,
    /// In force until (UTC, exclusive); none for a suspension until reinstated.
    #[serde(with = "crate::domain::utc::option")]
    pub ends_at: Option<NaiveDateTime>,
}

impl From<SanctionRow> for Sanction {
    fn from(row: SanctionRow) -> Self {
        Self {
            id: row.id,
            supplier_id: row.supplier_id,
            kind: row.kind,
            ground: row.ground,
            starts_at: row.starts_at,
            ends_at: row.ends_at,
        }
    }
}

/// A sanction as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = supplier_sanctions)]
pub(crate) struct SanctionRow {
    pub id: i64,
    pub supplier_id: SupplierId,
    pub kind: String,
    pub ground: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: Option<NaiveDateTime>,
}

pub(crate) fn active_sanctions(
    conn: &mut DbConnection,
    supplier_ids: &[SupplierId],
    now: NaiveDateTime,
) -> Result<Vec<Sanction>, AppError> {
    Ok(supplier_sanctions::table
        .filter(supplier_sanctions::supplier_id.eq_any(supplier_ids))
        .filter(supplier_sanctions::starts_at.le(now))
        .filter(supplier_sanctions::lifted_at.is_null())
        .filter(
            supplier_sanctions::ends_at
                .is_null()
                .or(supplier_sanctions::ends_at.gt(now)),
        )
        .order((
            supplier_sanctions::supplier_id,
            supplier_sanctions::id.desc(),
        ))
        .select(SanctionRow::as_select())
        .load::<SanctionRow>(conn)?
        .into_iter()
        .map(Sanction::from)
        .collect())
}

/// The sanction in force for one supplier at `now`; a debarment wins over a suspension.
fn current_sanction(all: &[Sanction], supplier_id: SupplierId) -> Option<Sanction> {
    let mut mine: Vec<&Sanction> = all
        .iter()
        .filter(|s| s.supplier_id == supplier_id)
        .collect();
    mine.sort_by_key(|s| (s.kind != "debarment", std::cmp::Reverse(s.ends_at)));
    mine.first().map(|s| (*s).clone())
}

fn assemble(
    conn: &mut DbConnection,
    rows: Vec<SupplierRow>,
    now: NaiveDateTime,
) -> Result<Vec<Supplier>, AppError> {
    let ids: Vec<SupplierId> = rows.iter().map(|r| r.id).collect();
    let categories: Vec<(SupplierId, String)> = supplier_categories::table
        .filter(supplier_categories::supplier_id.eq_any(&ids))
        .order((
            supplier_categories::supplier_id,
            supplier_categories::segment,
        ))
        .select((
            supplier_categories::supplier_id,
            supplier_categories::segment,
        ))
        .load(conn)?;
    let sanctions = active_sanctions(conn, &ids, now)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let sanction = current_sanction(&sanctions, r.id);
            let status = match (&sanction, r.status) {
                (Some(s), RegistrationStatus::Verified) if s.kind == "debarment" => {
                    SupplierStanding::Debarred
                }
                (Some(_), RegistrationStatus::Verified) => SupplierStanding::Suspended,
                (_, RegistrationStatus::Verified) => SupplierStanding::Verified,
                (_, RegistrationStatus::Pending) => SupplierStanding::Pending,
                (_, RegistrationStatus::Rejected) => SupplierStanding::Rejected,
            };
            Supplier {
                categories: categories
                    .iter()
                    .filter(|(id, _)| *id == r.id)
                    .map(|(_, c)| c.clone())
                    .collect(),
                id: r.id,
                ruc: r.ruc,
                legal_name: r.legal_name,
                trade_name: r.trade_name,
                legal_form: r.legal_form,
                department: r.department,
                province: r.province,
                district: r.district,
                address: r.address,
                contact_email: r.contact_email,
                contact_phone: r.contact_phone,
                status,
                status_reason: r.status_reason,
                sanction,
                created_at: r.created_at,
            }
        })
        .collect())
}

/// A supplier as `viewer` may see it: a verified one for anybody, any other for its members,
/// registry officers and auditors ([`visible_to`]); 404 otherwise.
pub async fn view(
    app: &AppState,
    viewer: Option<&CurrentUser>,
    supplier_id: SupplierId,
) -> Result<Supplier, AppError> {
    let now = app.clock.now_db();
    let supplier = app.db.run(move |conn| find(conn, supplier_id, now)).await?;
    if visible_to(&supplier, viewer) {
        Ok(supplier)
    } else {
        Err(AppError::NotFound)
    }
}

/// One supplier (any status), or 404.
pub fn find(
    conn: &mut DbConnection,
    id: SupplierId,
    now: NaiveDateTime,
) -> Result<Supplier, AppError> {
    let row = suppliers::table
        .find(id)
        .select(SupplierRow::as_select())
        .first(conn)?;
    assemble(conn, vec![row], now)?
        .pop()
        .ok_or(AppError::NotFound)
}

/// May `viewer` see supplier `id` even when it is not verified? Its members, registry
/// officers and auditors may; everybody may see a verified one.
pub fn visible_to(supplier: &Supplier, viewer: Option<&CurrentUser>) -> bool {
    !matches!(
        supplier.status,
        SupplierStanding::Pending | SupplierStanding::Rejected
    ) || viewer.is_some_and(|u| {
        u.supplier_id == Some(supplier.id) || u.registry_officer || u.role == Role::Auditor
    })
}

/// A member of a supplier.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Member {
    /// User id.
    pub user_id: UserId,
    /// Name.
    pub display_name: String,
    /// Email.
    pub email: String,
    /// `owner` or `member`.
    pub member_role: String,
    /// Since (UTC).
    #[serde(with = "crate::domain::utc")]
    pub joined_at: NaiveDateTime,
}

/// The members of a supplier, owner first.
pub fn members_in(
    conn: &mut DbConnection,
    supplier_id: SupplierId,
) -> Result<Vec<Member>, AppError> {
    let rows: Vec<(UserId, String, String, String, NaiveDateTime)> = supplier_members::table
        .inner_join(users::table)
        .filter(supplier_members::supplier_id.eq(supplier_id))
        .order((
            supplier_members::member_role.desc(),
            users::display_name.asc(),
        ))
        .select((
            users::id,
            users::display_name,
            users::email,
            supplier_members::member_role,
            supplier_members::joined_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(user_id, display_name, email, member_role, joined_at)| Member {
                user_id,
                display_name,
                email,
                member_role,
                joined_at,
            },
        )
        .collect())
}

/// Who reads the registry's queue and its reviewed companies: registry officers and
/// auditors.
pub fn may_read_registry(user: &CurrentUser) -> bool {
    user.registry_officer || user.role == Role::Auditor
}

/// The members of supplier `supplier_id` ([`members_in`]), for its members, registry
/// officers and auditors.
pub async fn members(
    app: &AppState,
    user: &CurrentUser,
    supplier_id: SupplierId,
) -> Result<Vec<Member>, AppError> {
    if !(user.supplier_id == Some(supplier_id) || may_read_registry(user)) {
        return Err(AppError::Forbidden);
    }
    app.db.run(move |conn| members_in(conn, supplier_id)).await
}

/// The registrations waiting for review ([`review_queue_in`]), for [`may_read_registry`].
pub async fn review_queue(
    app: &AppState,
    user: &CurrentUser,
) -> Result<Vec<(Supplier, bool)>, AppError> {
    if !may_read_registry(user) {
        return Err(AppError::Forbidden);
    }
    let now = app.clock.now_db();
    app.db.run(move |conn| review_queue_in(conn, now)).await
}

/// The companies already reviewed ([`reviewed_in`]), for [`may_read_registry`].
pub async fn reviewed(app: &AppState, user: &CurrentUser) -> Result<Vec<Supplier>, AppError> {
    if !may_read_registry(user) {
        return Err(AppError::Forbidden);
    }
    let now = app.clock.now_db();
    app.db.run(move |conn| reviewed_in(conn, now)).await
}

/// Registrations waiting for review, oldest first, with whether the owner verified their email.
pub fn review_queue_in(
    conn: &mut DbConnection,
    now: NaiveDateTime,
) -> Result<Vec<(Supplier, bool)>, AppError> {
    let rows: Vec<SupplierRow> = suppliers::table
        .filter(suppliers::status.eq(RegistrationStatus::Pending))
        .order(suppliers::created_at.asc())
        .select(SupplierRow::as_select())
        .load(conn)?;
    let list = assemble(conn, rows, now)?;
    let mut out = Vec::with_capacity(list.len());
    for supplier in list {
        let ready = !can_bid(conn, supplier.id, now)?
            .missing
            .contains(&Missing::OwnerEmailUnverified);
        out.push((supplier, ready));
    }
    Ok(out)
}

/// Every supplier that is not pending (verified, rejected, sanctioned), by name, for officers.
pub fn reviewed_in(conn: &mut DbConnection, now: NaiveDateTime) -> Result<Vec<Supplier>, AppError> {
    let rows: Vec<SupplierRow> = suppliers::table
        .filter(suppliers::status.ne(RegistrationStatus::Pending))
        .order((suppliers::legal_name.asc(), suppliers::id.asc()))
        .select(SupplierRow::as_select())
        .load(conn)?;
    assemble(conn, rows, now)
}

/// Queues an email to the supplier's owner in their language; `key` names the subject and
/// body (`email-<key>-subject`, `email-<key>-body`).
fn email_owner(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    supplier_id: SupplierId,
    key: &str,
    args: &[(&str, String)],
) -> Result<(), AppError> {
    let (email, locale, name): (String, String, String) = supplier_members::table
        .inner_join(users::table)
        .filter(supplier_members::supplier_id.eq(supplier_id))
        .filter(supplier_members::member_role.eq("owner"))
        .select((users::email, users::locale, users::display_name))
        .first(conn)?;
    let legal_name: String = suppliers::table
        .find(supplier_id)
        .select(suppliers::legal_name)
        .first(conn)?;
    let lang = Lang::from_code(&locale).unwrap_or_default();
    let mut all: Vec<(&str, String)> = vec![("name", name), ("legal_name", legal_name)];
    all.extend(args.iter().cloned());
    mail::queue(
        conn,
        now,
        &OutgoingMail {
            to: email,
            subject: t_args(lang, &format!("email-{key}-subject"), &all),
            body: t_args(lang, &format!("email-{key}-body"), &all),
        },
    )
}

/// Formats a UTC instant as a Lima date for emails.
fn lima_date(at: NaiveDateTime) -> String {
    at.and_utc()
        .with_timezone(&chrono_tz::America::Lima)
        .format("%Y-%m-%d")
        .to_string()
}

/// Today in Lima.
pub fn lima_today(now: chrono::DateTime<Utc>) -> chrono::NaiveDate {
    now.with_timezone(&chrono_tz::America::Lima).date_naive()
}
