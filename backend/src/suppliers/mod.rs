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

mod membership;
mod review;

pub use membership::{
    AcceptInvitation, accept_invitation, invitation_details, invite, remove_member,
    transfer_ownership,
};
pub use review::{
    Decision, DecisionInput, change_identity, decide, decide_at, decide_in, end_of_day_in_lima,
    set_registry_officer, set_registry_officer_in, today,
};

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use unicode_normalization::UnicodeNormalization;

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

/// A phone number: 6 to 20 characters of digits, spaces, `+`, `-`, `(`, `)`, with at least six
/// digits.
pub fn parse_phone(input: &str, field: &str) -> Result<String, FieldError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    let allowed = text
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()".contains(c));
    let digits = text.chars().filter(char::is_ascii_digit).count();
    if !allowed || digits < 6 || text.chars().count() > 20 {
        return Err(FieldError::new(field, "invalid_phone"));
    }
    Ok(text.to_owned())
}

/// Lower-case, accents removed: what searches compare, the same on both databases.
pub fn fold_for_search(text: &str) -> String {
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}

/// Contact and address data an owner may edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    /// Trade name, if any.
    pub trade_name: Option<String>,
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
}

/// Raw profile input (forms and JSON).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ProfileInput {
    /// Trade name (optional).
    pub trade_name: String,
    /// Department, as listed in the catalogue.
    #[schema(required = true, min_length = 1)]
    pub department: String,
    /// Province.
    #[schema(required = true, min_length = 1)]
    pub province: String,
    /// District.
    #[schema(required = true, min_length = 1)]
    pub district: String,
    /// Street address.
    #[schema(required = true, min_length = 1)]
    pub address: String,
    /// Contact email.
    #[schema(required = true, min_length = 1)]
    pub contact_email: String,
    /// Contact phone.
    #[schema(required = true, min_length = 1)]
    pub contact_phone: String,
    /// UNSPSC segment codes (two digits), 1 to 20.
    #[schema(required = true)]
    pub categories: Vec<String>,
}

impl ProfileInput {
    fn parse_into(&self, v: &mut Validator) -> Option<Profile> {
        let trade_name = v.check(TradeName::parse_name(&self.trade_name, "trade_name"));
        let department = v.check(catalogue::parse_department(&self.department, "department"));
        let province = v.check(PlaceName::parse(&self.province, "province"));
        let district = v.check(PlaceName::parse(&self.district, "district"));
        let address = v.check(StreetAddress::parse(&self.address, "address"));
        let contact_email = v.check(EmailAddress::parse(&self.contact_email, "contact_email"));
        let contact_phone = v.check(parse_phone(&self.contact_phone, "contact_phone"));
        let categories = v.check(catalogue::parse_segments(&self.categories, "categories"));
        Some(Profile {
            trade_name: Some(trade_name?.into_inner()).filter(|t| !t.is_empty()),
            department: department?,
            province: province?.into_inner(),
            district: district?.into_inner(),
            address: address?.into_inner(),
            contact_email: contact_email?.as_str().to_owned(),
            contact_phone: contact_phone?,
            categories: categories?,
        })
    }

    /// Parses, reporting every wrong field.
    pub fn parse(&self) -> Result<Profile, AppError> {
        let mut v = Validator::new();
        let profile = self.parse_into(&mut v);
        v.finish()?;
        profile.ok_or_else(|| AppError::internal("validator passed with missing values"))
    }
}

/// Raw registration input: the company and its first user, the owner. Flat (no
/// `#[serde(flatten)]`) so the same struct reads a JSON body and a page form whose category
/// checkboxes repeat the `categories` key.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RegistrationInput {
    /// Legal name (razón social).
    #[schema(required = true, min_length = 1)]
    pub legal_name: String,
    /// RUC.
    #[schema(required = true, min_length = 1)]
    pub ruc: String,
    /// Legal form code (see `GET /api/v1/catalogue`).
    #[schema(required = true, min_length = 1)]
    pub legal_form: String,
    /// Trade name (optional).
    pub trade_name: String,
    /// Department, as listed in the catalogue.
    #[schema(required = true, min_length = 1)]
    pub department: String,
    /// Province.
    #[schema(required = true, min_length = 1)]
    pub province: String,
    /// District.
    #[schema(required = true, min_length = 1)]
    pub district: String,
    /// Street address.
    #[schema(required = true, min_length = 1)]
    pub address: String,
    /// Contact email.
    #[schema(required = true, min_length = 1)]
    pub contact_email: String,
    /// Contact phone.
    #[schema(required = true, min_length = 1)]
    pub contact_phone: String,
    /// UNSPSC segment codes (two digits), 1 to 20.
    #[schema(required = true)]
    pub categories: Vec<String>,
    /// The owner's name.
    #[schema(required = true, min_length = 1)]
    pub owner_name: String,
    /// The owner's email (their login; must be verified before review).
    #[schema(required = true, min_length = 1)]
    pub owner_email: String,
    /// The owner's password.
    #[schema(required = true, min_length = 10, max_length = 128)]
    pub owner_password: String,
    /// The owner's language, `es` or `en`.
    pub locale: Option<String>,
}

/// A parsed registration.
#[derive(Debug, Clone)]
pub struct Registration {
    legal_name: LegalName,
    ruc: Ruc,
    legal_form: String,
    profile: Profile,
    owner: crate::accounts::NewAccount,
}

impl RegistrationInput {
    /// The contact, address and category part.
    pub fn profile(&self) -> ProfileInput {
        ProfileInput {
            trade_name: self.trade_name.clone(),
            department: self.department.clone(),
            province: self.province.clone(),
            district: self.district.clone(),
            address: self.address.clone(),
            contact_email: self.contact_email.clone(),
            contact_phone: self.contact_phone.clone(),
            categories: self.categories.clone(),
        }
    }

    /// Parses, reporting every wrong field at once.
    pub fn parse(&self) -> Result<Registration, AppError> {
        let mut v = Validator::new();
        let legal_name = v.check(LegalName::parse_name(&self.legal_name, "legal_name"));
        let ruc = v.check(Ruc::parse(&self.ruc, "ruc"));
        let legal_form = v.check(
            catalogue::legal_form(self.legal_form.trim())
                .map(|f| f.code.clone())
                .ok_or_else(|| {
                    FieldError::new(
                        "legal_form",
                        if self.legal_form.trim().is_empty() {
                            "required"
                        } else {
                            "unknown_legal_form"
                        },
                    )
                }),
        );
        if let (Some(ruc), Some(form)) = (&ruc, &legal_form) {
            let person = ["10", "15", "17"].contains(&&ruc.as_str()[..2]);
            let mismatch = match form.as_str() {
                "natural_person" => !person,
                "other" => false,
                _ => person,
            };
            if mismatch {
                v.push(FieldError::new("legal_form", "legal_form_ruc_mismatch"));
            }
        }
        let profile = self.profile().parse_into(&mut v);
        let owner_name = v.check(DisplayName::parse_name(&self.owner_name, "owner_name"));
        let owner_email = v.check(EmailAddress::parse(&self.owner_email, "owner_email"));
        let owner_password = v.check(NewPassword::parse(&self.owner_password, "owner_password"));
        let locale = v.check(crate::domain::parse_locale(
            self.locale.as_deref(),
            "locale",
        ));
        v.finish()?;
        let missing = || AppError::internal("validator passed with missing values");
        Ok(Registration {
            legal_name: legal_name.ok_or_else(missing)?,
            ruc: ruc.ok_or_else(missing)?,
            legal_form: legal_form.ok_or_else(missing)?,
            profile: profile.ok_or_else(missing)?,
            owner: crate::accounts::NewAccount {
                email: owner_email.ok_or_else(missing)?,
                display_name: owner_name.ok_or_else(missing)?,
                password: owner_password.ok_or_else(missing)?,
                role: Role::Supplier,
                buyer_id: None,
                locale: locale.ok_or_else(missing)?,
            },
        })
    }
}

/// A supplier as shown to clients.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Supplier {
    /// Id.
    pub id: i64,
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
    pub status: String,
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
    id: i64,
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
    status: String,
    status_reason: Option<String>,
    created_at: NaiveDateTime,
}

/// A suspension or debarment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Sanction {
    /// Id.
    pub id: i64,
    /// Supplier.
    pub supplier_id: i64,
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
    pub supplier_id: i64,
    pub kind: String,
    pub ground: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: Option<NaiveDateTime>,
}

fn active_sanctions(
    conn: &mut DbConnection,
    supplier_ids: &[i64],
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
fn current_sanction(all: &[Sanction], supplier_id: i64) -> Option<Sanction> {
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
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let categories: Vec<(i64, String)> = supplier_categories::table
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
            let status = match (&sanction, r.status.as_str()) {
                (Some(s), "verified") if s.kind == "debarment" => "debarred".to_owned(),
                (Some(_), "verified") => "suspended".to_owned(),
                _ => r.status.clone(),
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

/// One supplier (any status), or 404.
pub fn find(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> Result<Supplier, AppError> {
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
    supplier.status != "pending" && supplier.status != "rejected"
        || viewer.is_some_and(|u| {
            u.supplier_id == Some(supplier.id) || u.registry_officer || u.role == Role::Auditor
        })
}

/// Registers a company and its owner: the supplier (pending), the owner's account, the
/// membership, their audit events and the owner's verify-your-address email, in one
/// transaction. A RUC already registered is a 409 naming the field (checked first, whoever
/// the owner is); two concurrent registrations of one RUC leave exactly one.
///
/// An owner email that already has an account is **not** revealed: nothing is created, the
/// existing account's owner is emailed that someone tried to register with their address
/// (at most three such emails an hour), and the answer is `None` where a new registration's
/// is `Some` — callers answer both alike (the page and the API say "check your email").
/// The password is hashed in both cases, so neither answers sooner. Registrations are
/// throttled per client address.
pub async fn register(
    app: &App,
    input: Registration,
    verification: Verification,
    client_address: &str,
) -> Result<Option<(Supplier, i64)>, AppError> {
    register_at(app, input, verification, client_address, app.clock.now_db()).await
}

/// [`register`] at `now` (the demo data, which tells a past that could have happened).
pub async fn register_at(
    app: &App,
    input: Registration,
    verification: Verification,
    client_address: &str,
    now: NaiveDateTime,
) -> Result<Option<(Supplier, i64)>, AppError> {
    let window = chrono::Duration::hours(1);
    // Twenty registrations an hour from one address, whatever their emails: enough for a
    // telecentre, too few to use the form to probe or to flood owners with mail.
    let rule = crate::throttle::Rule {
        key: format!("register-address:{client_address}"),
        limit: 20,
        window,
        beyond: crate::throttle::Beyond::Lock,
    };
    app.db
        .run(move |conn| crate::throttle::reserve(conn, &[rule], now))
        .await?;
    let password_hash = app.passwords.hash(input.owner.password.expose()).await?;
    let public_url = app.settings.public_url.clone();
    let result = app
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let ruc_taken: bool = diesel::select(diesel::dsl::exists(
                    suppliers::table.filter(suppliers::ruc.eq(input.ruc.as_str())),
                ))
                .get_result(conn)?;
                if ruc_taken {
                    return Err(AppError::Conflict(FieldError::new("ruc", "supplier_ruc_taken")));
                }
                let existing: Option<(i64, String, String)> = users::table
                    .filter(users::email.eq(input.owner.email.as_str()))
                    .select((users::id, users::display_name, users::locale))
                    .first(conn)
                    .optional()?;
                if let Some((user_id, name, locale)) = existing {
                    let rule = crate::throttle::Rule {
                        key: format!("register-email:{user_id}"),
                        limit: 3,
                        window,
                        beyond: crate::throttle::Beyond::Lock,
                    };
                    // Beyond three an hour the owner is not emailed again; the answer stays.
                    if crate::throttle::reserve(conn, &[rule], now).is_ok() {
                        let lang = Lang::from_code(&locale).unwrap_or_default();
                        let args = [
                            ("name", name),
                            ("legal_name", input.legal_name.as_str().to_owned()),
                            ("ruc", input.ruc.as_str().to_owned()),
                            ("link", format!("{public_url}/ingresar")),
                        ];
                        mail::queue(
                            conn,
                            now,
                            &OutgoingMail {
                                to: input.owner.email.as_str().to_owned(),
                                subject: t_args(lang, "email-registration-attempt-subject", &args),
                                body: t_args(lang, "email-registration-attempt-body", &args),
                            },
                        )?;
                    }
                    return Ok(None);
                }
                let owner = crate::accounts::insert_account(conn, now, &public_url, &Actor::system(), &input.owner, &password_hash, verification)?;
                let actor = Actor::user(owner.id, Role::Supplier);
                let p = &input.profile;
                let supplier_id: i64 = diesel::insert_into(suppliers::table)
                    .values((
                        suppliers::ruc.eq(input.ruc.as_str()),
                        suppliers::legal_name.eq(input.legal_name.as_str()),
                        suppliers::trade_name.eq(&p.trade_name),
                        suppliers::legal_form.eq(&input.legal_form),
                        suppliers::department.eq(&p.department),
                        suppliers::province.eq(&p.province),
                        suppliers::district.eq(&p.district),
                        suppliers::address.eq(&p.address),
                        suppliers::contact_email.eq(&p.contact_email),
                        suppliers::contact_phone.eq(&p.contact_phone),
                        suppliers::status.eq("pending"),
                        suppliers::search_text.eq(search_text(input.legal_name.as_str(), p.trade_name.as_deref(), input.ruc.as_str())),
                        suppliers::created_at.eq(now),
                        suppliers::updated_at.eq(now),
                    ))
                    .returning(suppliers::id)
                    .get_result(conn)
                    .map_err(|e| {
                        if is_unique_violation(&e) {
                            AppError::Conflict(FieldError::new("ruc", "supplier_ruc_taken"))
                        } else {
                            e.into()
                        }
                    })?;
                replace_categories(conn, supplier_id, &p.categories)?;
                diesel::insert_into(supplier_members::table)
                    .values((
                        supplier_members::user_id.eq(owner.id),
                        supplier_members::supplier_id.eq(supplier_id),
                        supplier_members::member_role.eq("owner"),
                        supplier_members::joined_at.eq(now),
                    ))
                    .execute(conn)?;
                audit::record(
                    conn,
                    now,
                    &actor,
                    NewEvent::on(
                        "supplier",
                        supplier_id,
                        "supplier.registered",
                        json!({"ruc": input.ruc.as_str(), "legal_name": input.legal_name.as_str(), "legal_form": input.legal_form, "profile": p, "owner_user_id": owner.id}),
                    ),
                )?;
                Ok(Some((find(conn, supplier_id, now)?, owner.id)))
            })
        })
        .await
        .map_err(|e| match e {
            // An account created between the check and the insert: answered as a new one
            // would be, without creating anything.
            AppError::Conflict(f) if f.field == "email" => AppError::Conflict(FieldError::new("owner_email", "email_taken")),
            other => other,
        });
    app.wake_outbox();
    match result {
        Err(AppError::Conflict(f)) if f.field == "owner_email" => Ok(None),
        other => other,
    }
}

pub(crate) fn search_text(legal_name: &str, trade_name: Option<&str>, ruc: &str) -> String {
    fold_for_search(&format!("{legal_name} {} {ruc}", trade_name.unwrap_or("")))
}

fn replace_categories(
    conn: &mut DbConnection,
    supplier_id: i64,
    categories: &[String],
) -> Result<(), AppError> {
    diesel::delete(
        supplier_categories::table.filter(supplier_categories::supplier_id.eq(supplier_id)),
    )
    .execute(conn)?;
    for segment in categories {
        diesel::insert_into(supplier_categories::table)
            .values((
                supplier_categories::supplier_id.eq(supplier_id),
                supplier_categories::segment.eq(segment),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The company's owner (or a registry officer) updates its profile ([`update_profile_in`]).
#[tracing::instrument(skip(app, actor, profile), fields(user = actor.id))]
pub async fn update_profile(
    app: &AppState,
    actor: &CurrentUser,
    supplier_id: i64,
    profile: Profile,
) -> Result<Supplier, AppError> {
    let (state, actor) = (app.clone(), actor.clone());
    app.db
        .run(move |conn| update_profile_in(&state, conn, &actor, supplier_id, &profile))
        .await
}

/// The owner edits contact data, address and categories; the audit event keeps before and
/// after. RUC and legal name change only through a registry officer ([`change_identity`]).
pub fn update_profile_in(
    app: &App,
    conn: &mut DbConnection,
    actor: &CurrentUser,
    supplier_id: i64,
    profile: &Profile,
) -> Result<Supplier, AppError> {
    require_owner(actor, supplier_id)?;
    let now = app.clock.now_db();
    write_transaction(conn, |conn| {
        let before = find(conn, supplier_id, now)?;
        let before_profile = profile_of(&before);
        diesel::update(suppliers::table.find(supplier_id))
            .set((
                suppliers::trade_name.eq(&profile.trade_name),
                suppliers::department.eq(&profile.department),
                suppliers::province.eq(&profile.province),
                suppliers::district.eq(&profile.district),
                suppliers::address.eq(&profile.address),
                suppliers::contact_email.eq(&profile.contact_email),
                suppliers::contact_phone.eq(&profile.contact_phone),
                suppliers::search_text.eq(search_text(
                    &before.legal_name,
                    profile.trade_name.as_deref(),
                    &before.ruc,
                )),
                suppliers::updated_at.eq(now),
            ))
            .execute(conn)?;
        replace_categories(conn, supplier_id, &profile.categories)?;
        audit::record(
            conn,
            now,
            &Actor::user(actor.id, actor.role),
            NewEvent::on(
                "supplier",
                supplier_id,
                "supplier.profile_updated",
                json!({"before": before_profile, "after": profile}),
            ),
        )?;
        find(conn, supplier_id, now)
    })
}

/// The editable part of a supplier.
pub fn profile_of(s: &Supplier) -> Profile {
    Profile {
        trade_name: s.trade_name.clone(),
        department: s.department.clone(),
        province: s.province.clone(),
        district: s.district.clone(),
        address: s.address.clone(),
        contact_email: s.contact_email.clone(),
        contact_phone: s.contact_phone.clone(),
        categories: s.categories.clone(),
    }
}

/// Fails unless `user` owns supplier `supplier_id`.
pub fn require_owner(user: &CurrentUser, supplier_id: i64) -> Result<(), AppError> {
    if user.supplier_id == Some(supplier_id) && user.supplier_owner {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Directory query.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct DirectoryQuery {
    /// Words of the name or digits of the RUC (accents and case ignored).
    pub q: Option<String>,
    /// UNSPSC segment code.
    pub category: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 10000)]
    pub page: Option<u32>,
    /// Results per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// A page of results.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DirectoryPage {
    /// Matching suppliers on this page.
    pub suppliers: Vec<Supplier>,
    /// All matches.
    pub total: i64,
    /// This page.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
}

/// Verified suppliers (also while sanctioned, which their status shows), by legal name, with
/// stable pagination (name, then id).
pub fn directory(
    conn: &mut DbConnection,
    query: &DirectoryQuery,
    now: NaiveDateTime,
) -> Result<DirectoryPage, AppError> {
    let per_page = query.per_page.unwrap_or(20);
    if !(1..=100).contains(&per_page) {
        return Err(AppError::field("per_page", "out_of_range"));
    }
    let page = query.page.unwrap_or(1);
    if !(1..=10_000).contains(&page) {
        return Err(AppError::Validation(vec![
            FieldError::new("page", "out_of_range")
                .arg("min", 1)
                .arg("max", 10_000),
        ]));
    }
    let category = query
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if let Some(code) = category
        && catalogue::segment(code).is_none()
    {
        return Err(AppError::Validation(vec![
            FieldError::new("category", "unknown_category").arg("code", code),
        ]));
    }
    let text = query
        .q
        .as_deref()
        .map(fold_for_search)
        .map(|q| q.trim().to_owned())
        .filter(|q| !q.is_empty());
    if text.as_ref().is_some_and(|t| t.chars().count() > 100) {
        return Err(AppError::Validation(vec![
            FieldError::new("q", "too_long").arg("max", 100),
        ]));
    }
    let filtered = || {
        let mut q = suppliers::table
            .filter(suppliers::status.eq("verified"))
            .into_boxed();
        if let Some(text) = &text {
            let escaped = text
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            q = q.filter(
                suppliers::search_text
                    .like(format!("%{escaped}%"))
                    .escape('\\'),
            );
        }
        if let Some(code) = category {
            q = q.filter(
                suppliers::id.eq_any(
                    supplier_categories::table
                        .filter(supplier_categories::segment.eq(code.to_owned()))
                        .select(supplier_categories::supplier_id),
                ),
            );
        }
        q
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let rows: Vec<SupplierRow> = filtered()
        .order((suppliers::legal_name.asc(), suppliers::id.asc()))
        .limit(i64::from(per_page))
        .offset(i64::from(page - 1) * i64::from(per_page))
        .select(SupplierRow::as_select())
        .load(conn)?;
    Ok(DirectoryPage {
        suppliers: assemble(conn, rows, now)?,
        total,
        page,
        per_page,
    })
}

/// A sanction in force, with the supplier it applies to (the public sanctions list).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicSanction {
    /// Supplier id.
    pub supplier_id: i64,
    /// RUC.
    pub ruc: String,
    /// Legal name.
    pub legal_name: String,
    /// `suspension` or `debarment`.
    pub kind: String,
    /// Legal ground.
    pub ground: String,
    /// From (UTC).
    #[serde(with = "crate::domain::utc")]
    pub starts_at: NaiveDateTime,
    /// Until (UTC, exclusive); none for a suspension until reinstated.
    #[serde(with = "crate::domain::utc::option")]
    pub ends_at: Option<NaiveDateTime>,
}

/// Every sanction in force at `now`.
pub fn sanctions_in_force(
    conn: &mut DbConnection,
    now: NaiveDateTime,
) -> Result<Vec<PublicSanction>, AppError> {
    let rows: Vec<(SanctionRow, String, String)> = supplier_sanctions::table
        .inner_join(suppliers::table)
        .filter(supplier_sanctions::starts_at.le(now))
        .filter(supplier_sanctions::lifted_at.is_null())
        .filter(
            supplier_sanctions::ends_at
                .is_null()
                .or(supplier_sanctions::ends_at.gt(now)),
        )
        .order((suppliers::legal_name.asc(), supplier_sanctions::id.asc()))
        .select((
            SanctionRow::as_select(),
            suppliers::ruc,
            suppliers::legal_name,
        ))
        .load::<(SanctionRow, String, String)>(conn)?;
    Ok(rows
        .into_iter()
        .map(|(s, ruc, legal_name)| PublicSanction {
            supplier_id: s.supplier_id,
            ruc,
            legal_name,
            kind: s.kind,
            ground: s.ground,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
        })
        .collect())
}

/// What still stands between a supplier and bidding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Missing {
    /// The owner has not verified their email address.
    OwnerEmailUnverified,
    /// A registry officer has not reviewed the registration yet.
    PendingReview,
    /// The registration was rejected.
    Rejected,
    /// Suspended until reinstated.
    Suspended,
    /// Debarred until the given instant (UTC).
    Debarred {
        /// End of the debarment.
        #[serde(with = "crate::domain::utc::option")]
        until: Option<NaiveDateTime>,
    },
}

/// Whether a supplier may bid, and if not, why.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Eligibility {
    /// May it bid at the instant asked?
    pub can_bid: bool,
    /// What is missing (empty when it may bid).
    pub missing: Vec<Missing>,
}

/// May supplier `supplier_id` bid at `at`? Verified, owner's email verified, not suspended,
/// not debarred at that instant. The bids module asks exactly this.
pub fn can_bid(
    conn: &mut DbConnection,
    supplier_id: i64,
    at: NaiveDateTime,
) -> Result<Eligibility, AppError> {
    let status: String = suppliers::table
        .find(supplier_id)
        .select(suppliers::status)
        .first(conn)?;
    let owner_verified: Option<Option<NaiveDateTime>> = supplier_members::table
        .inner_join(users::table)
        .filter(supplier_members::supplier_id.eq(supplier_id))
        .filter(supplier_members::member_role.eq("owner"))
        .select(users::email_verified_at)
        .first(conn)
        .optional()?;
    let mut missing = Vec::new();
    if owner_verified.flatten().is_none() {
        missing.push(Missing::OwnerEmailUnverified);
    }
    match status.as_str() {
        "pending" => missing.push(Missing::PendingReview),
        "rejected" => missing.push(Missing::Rejected),
        _ => {}
    }
    for sanction in active_sanctions(conn, &[supplier_id], at)? {
        missing.push(match sanction.kind.as_str() {
            "debarment" => Missing::Debarred {
                until: sanction.ends_at,
            },
            _ => Missing::Suspended,
        });
    }
    Ok(Eligibility {
        can_bid: missing.is_empty(),
        missing,
    })
}

/// A member of a supplier.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Member {
    /// User id.
    pub user_id: i64,
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
pub fn members(conn: &mut DbConnection, supplier_id: i64) -> Result<Vec<Member>, AppError> {
    let rows: Vec<(i64, String, String, String, NaiveDateTime)> = supplier_members::table
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

/// Registrations waiting for review, oldest first, with whether the owner verified their email.
pub fn review_queue(
    conn: &mut DbConnection,
    now: NaiveDateTime,
) -> Result<Vec<(Supplier, bool)>, AppError> {
    let rows: Vec<SupplierRow> = suppliers::table
        .filter(suppliers::status.eq("pending"))
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
pub fn reviewed(conn: &mut DbConnection, now: NaiveDateTime) -> Result<Vec<Supplier>, AppError> {
    let rows: Vec<SupplierRow> = suppliers::table
        .filter(suppliers::status.ne("pending"))
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
    supplier_id: i64,
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
