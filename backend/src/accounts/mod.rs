//! Accounts service: buyer entities, user accounts, email verification, password change, and
//! the reset of a forgotten password ([`recovery`]).
//!
//! The JSON API, the pages and the command line all call these functions, so the rules are
//! the same whichever door a request comes through. Every change writes its audit event and
//! queues its email inside the same write transaction.

pub mod recovery;

use crate::domain::{BuyerId, UserId};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::{
    app::{App, AppState},
    audit::{self, Actor, NewEvent},
    auth::CurrentUser,
    db::{DbConnection, write_transaction},
    domain::{BoundedText, EmailAddress, NewPassword, Role, Ruc, Validator},
    error::{AppError, FieldError, is_unique_violation},
    i18n::{Lang, t_args},
    mail::{self, OutgoingMail},
    schema::{buyers, email_verifications, users},
};

/// Name of a buyer entity: 3 to 200 characters.
pub type BuyerName = BoundedText<3, 200>;
/// Name shown for a person: 2 to 120 characters.
pub type DisplayName = BoundedText<2, 120>;

/// A buyer entity (government organization) as shown to clients.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Buyer {
    /// Id.
    pub id: BuyerId,
    /// Official name.
    pub name: String,
    /// RUC.
    pub ruc: String,
    /// When it was created (UTC).
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
}

impl From<BuyerRow> for Buyer {
    fn from(row: BuyerRow) -> Self {
        Self {
            id: row.id,
            name: row.name,
            ruc: row.ruc,
            created_at: row.created_at,
        }
    }
}

/// A buyer entity as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = buyers)]
pub(crate) struct BuyerRow {
    pub id: BuyerId,
    pub name: String,
    pub ruc: String,
    pub created_at: NaiveDateTime,
}

/// A user account as shown to an administrator (never the password hash).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Account {
    /// Id.
    pub id: UserId,
    /// Email address.
    pub email: String,
    /// Name.
    pub display_name: String,
    /// Role name.
    pub role: String,
    /// Buyer entity (officers).
    pub buyer_id: Option<BuyerId>,
    /// Preferred language.
    pub locale: String,
    /// When the address was verified.
    #[serde(with = "crate::domain::utc::option")]
    pub email_verified_at: Option<NaiveDateTime>,
    /// Can sign in?
    pub active: bool,
    /// Created (UTC).
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
    /// Officers only: may review suppliers.
    pub registry_officer: bool,
}

impl From<AccountRow> for Account {
    fn from(row: AccountRow) -> Self {
        Self {
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            role: row.role,
            buyer_id: row.buyer_id,
            locale: row.locale,
            email_verified_at: row.email_verified_at,
            active: row.active,
            created_at: row.created_at,
            registry_officer: row.registry_officer,
        }
    }
}

/// An account as stored (its password hash left out).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub(crate) struct AccountRow {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub buyer_id: Option<BuyerId>,
    pub locale: String,
    pub email_verified_at: Option<NaiveDateTime>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub registry_officer: bool,
}

/// A buyer entity's procurement office, as published with its open data (OCDS `address`
/// and `contactPoint`): every part optional, none longer than 200 characters.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct BuyerContact {
    /// Street and number (`Jr. de la Unión 300`).
    pub address: String,
    /// District (`Cercado de Lima`).
    pub district: String,
    /// Department (`Lima`).
    pub department: String,
    /// The procurement office's email.
    pub email: String,
    /// The procurement office's telephone.
    pub telephone: String,
}

impl BuyerContact {
    /// Trimmed, each part checked (the email is an address when given).
    fn parse(&self, v: &mut Validator) -> Self {
        let mut part = |value: &str, field: &'static str| {
            let value = value.trim();
            if value.chars().count() > 200 {
                v.push(FieldError::new(field, "too_long").arg("max", 200));
            }
            value.to_owned()
        };
        let contact = Self {
            address: part(&self.address, "contact_address"),
            district: part(&self.district, "contact_district"),
            department: part(&self.department, "contact_department"),
            email: part(&self.email, "contact_email"),
            telephone: part(&self.telephone, "contact_telephone"),
        };
        if !contact.email.is_empty() {
            v.check(EmailAddress::parse(&contact.email, "contact_email"));
        }
        contact
    }
}

/// Parsed input for a new buyer entity.
#[derive(Debug, Clone)]
pub struct NewBuyer {
    /// Name.
    pub name: BuyerName,
    /// RUC.
    pub ruc: Ruc,
    /// Its procurement office's address and contact.
    pub contact: BuyerContact,
}

impl NewBuyer {
    /// Parses raw input, reporting every wrong field.
    pub fn parse(name: &str, ruc: &str, contact: &BuyerContact) -> Result<Self, AppError> {
        let mut v = Validator::new();
        let name = v.check(BuyerName::parse_name(name, "name"));
        let ruc = v.check(Ruc::parse(ruc, "ruc"));
        let contact = contact.parse(&mut v);
        v.finish()?;
        match (name, ruc) {
            (Some(name), Some(ruc)) => Ok(Self { name, ruc, contact }),
            _ => Err(AppError::internal("validator passed with missing values")),
        }
    }
}

/// Parsed input for a new account.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Email.
    pub email: EmailAddress,
    /// Name.
    pub display_name: DisplayName,
    /// Initial password.
    pub password: NewPassword,
    /// Role.
    pub role: Role,
    /// Buyer entity (officers only, required for them).
    pub buyer_id: Option<BuyerId>,
    /// Language for emails and pages.
    pub locale: Lang,
}

/// Raw account input as it arrives from a form, JSON or the command line.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewAccountInput {
    /// Email address.
    #[schema(required = true, min_length = 1)]
    pub email: String,
    /// Name.
    #[schema(required = true, min_length = 1)]
    pub display_name: String,
    /// Initial password (10 to 128 characters).
    #[schema(required = true, min_length = 10, max_length = 128)]
    pub password: String,
    /// `supplier`, `officer`, `auditor` or `admin`.
    #[schema(required = true, min_length = 1)]
    pub role: String,
    /// Buyer entity id, required for officers.
    pub buyer_id: Option<String>,
    /// `es` (default) or `en`.
    pub locale: Option<String>,
}

impl NewAccountInput {
    /// Parses, reporting every wrong field at once.
    pub fn parse(&self) -> Result<NewAccount, AppError> {
        let mut v = Validator::new();
        let email = v.check(EmailAddress::parse(&self.email, "email"));
        let display_name = v.check(DisplayName::parse_name(&self.display_name, "display_name"));
        let password = v.check(NewPassword::parse(&self.password, "password"));
        let role = v.check(Role::parse(&self.role, "role"));
        let buyer_text = self
            .buyer_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let buyer_id = match buyer_text {
            None => None,
            Some(text) => v.check(
                text.parse::<BuyerId>()
                    .map_err(|_| FieldError::new("buyer_id", "invalid_buyer")),
            ),
        };
        match (role, buyer_id) {
            (Some(Role::Officer), None) if buyer_text.is_none() => {
                v.push(FieldError::new("buyer_id", "buyer_required"))
            }
            (Some(r), Some(_)) if r != Role::Officer => {
                v.push(FieldError::new("buyer_id", "buyer_only_for_officers"))
            }
            _ => {}
        }
        let locale = v.check(crate::domain::parse_locale(
            self.locale.as_deref(),
            "locale",
        ));
        v.finish()?;
        match (email, display_name, password, role, locale) {
            (Some(email), Some(display_name), Some(password), Some(role), Some(locale)) => {
                Ok(NewAccount {
                    email,
                    display_name,
                    password,
                    role,
                    buyer_id,
                    locale,
                })
            }
            _ => Err(AppError::internal("validator passed with missing values")),
        }
    }
}

/// An administrator creates a buyer entity ([`create_buyer_in`]).
#[tracing::instrument(skip(app, actor, input))]
pub async fn create_buyer(
    app: &AppState,
    actor: &Actor,
    input: NewBuyer,
) -> Result<Buyer, AppError> {
    let (state, actor) = (app.clone(), actor.clone());
    app.db
        .run(move |conn| create_buyer_in(&state, conn, &actor, &input))
        .await
}

/// Creates a buyer entity. A RUC already registered is a 409 naming the field.
pub fn create_buyer_in(
    app: &App,
    conn: &mut DbConnection,
    actor: &Actor,
    input: &NewBuyer,
) -> Result<Buyer, AppError> {
    let now = app.clock.now_db();
    write_transaction(conn, |conn| {
        let buyer: Buyer = diesel::insert_into(buyers::table)
            .values((
                buyers::name.eq(input.name.as_str()),
                buyers::ruc.eq(input.ruc.as_str()),
                buyers::created_at.eq(now),
                buyers::address.eq(&input.contact.address),
                buyers::district.eq(&input.contact.district),
                buyers::department.eq(&input.contact.department),
                buyers::contact_email.eq(&input.contact.email),
                buyers::contact_phone.eq(&input.contact.telephone),
            ))
            .returning((buyers::id, buyers::name, buyers::ruc, buyers::created_at))
            .get_result::<BuyerRow>(conn)
            .map(Buyer::from)
            .map_err(|e| {
                if is_unique_violation(&e) {
                    AppError::Conflict(FieldError::new("ruc", "ruc_taken"))
                } else {
                    e.into()
                }
            })?;
        audit::record(
            conn,
            now,
            actor,
            NewEvent::on(
                "buyer",
                buyer.id,
                "buyer.created",
                json!({"name": buyer.name, "ruc": buyer.ruc}),
            ),
        )?;
        Ok(buyer)
    })
}

/// Every buyer entity, by name ([`list_buyers_in`]): public, as every tender names its buyer.
pub async fn list_buyers(app: &AppState) -> Result<Vec<Buyer>, AppError> {
    app.db.run(list_buyers_in).await
}

/// Every buyer entity, by name.
pub fn list_buyers_in(conn: &mut DbConnection) -> Result<Vec<Buyer>, AppError> {
    Ok(buyers::table
        .order(buyers::name.asc())
        .select(BuyerRow::as_select())
        .load::<BuyerRow>(conn)?
        .into_iter()
        .map(Buyer::from)
        .collect())
}

/// The buyers that have published a tender, by name (the tender search offers only those:
/// a filter that can only find nothing helps nobody).
pub async fn list_publishing_buyers(app: &AppState) -> Result<Vec<Buyer>, AppError> {
    app.db
        .run(|conn| {
            use crate::schema::tenders;
            Ok(buyers::table
                .filter(diesel::dsl::exists(
                    tenders::table
                        .filter(tenders::buyer_id.eq(buyers::id))
                        .filter(tenders::published_at.is_not_null()),
                ))
                .order(buyers::name.asc())
                .select(BuyerRow::as_select())
                .load::<BuyerRow>(conn)?
                .into_iter()
                .map(Buyer::from)
                .collect())
        })
        .await
}

/// One account by id (404 when absent).
pub fn find_account(conn: &mut DbConnection, id: UserId) -> Result<Account, AppError> {
    Ok(users::table
        .find(id)
        .select(AccountRow::as_select())
        .first::<AccountRow>(conn)?
        .into())
}

/// Every account, newest first ([`list_accounts_in`]): administrators only.
pub async fn list_accounts(app: &AppState, user: &CurrentUser) -> Result<Vec<Account>, AppError> {
    user.require(&[Role::Admin])?;
    app.db.run(list_accounts_in).await
}

/// Every account, newest first.
pub fn list_accounts_in(conn: &mut DbConnection) -> Result<Vec<Account>, AppError> {
    Ok(users::table
        .order(users::id.desc())
        .select(AccountRow::as_select())
        .load::<AccountRow>(conn)?
        .into_iter()
        .map(Account::from)
        .collect())
}

/// How a new account's email address is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    /// Send the welcome / verify-your-address email.
    SendEmail,
    /// Mark the address verified now (demo data, `licita user create --verified`).
    AlreadyVerified,
}

/// Creates an account, writes its audit event and queues the welcome email with a
/// verification link, all in one transaction. The password is hashed first, on the hashing
/// pool, so neither a connection nor the write lock is held during the hash.
pub async fn create_account(
    app: &App,
    actor: Actor,
    input: NewAccount,
    verification: Verification,
) -> Result<Account, AppError> {
    create_account_at(app, actor, input, verification, app.clock.now_db()).await
}

/// [`create_account`] at `now` (the demo data, which tells a past that could have happened).
pub async fn create_account_at(
    app: &App,
    actor: Actor,
    input: NewAccount,
    verification: Verification,
    now: NaiveDateTime,
) -> Result<Account, AppError> {
    let password_hash = app.passwords.hash(input.password.expose()).await?;
    let public_url = app.settings.public_url.clone();
    let account = app
        .db
        .run(move |conn| {
            insert_account(
                conn,
                now,
                &public_url,
                &actor,
                &input,
                &password_hash,
                verification,
            )
        })
        .await?;
    app.wake_outbox();
    Ok(account)
}

/// Inserts an account inside the caller's write transaction: the row, its audit event and,
/// unless already verified, the verification token and welcome email.
pub fn insert_account(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    public_url: &str,
    actor: &Actor,
    input: &NewAccount,
    password_hash: &str,
    verification: Verification,
) -> Result<Account, AppError> {
    let token = crate::keys::random_token();
    write_transaction(conn, |conn| {
        if let Some(buyer_id) = input.buyer_id {
            let exists: bool = diesel::select(diesel::dsl::exists(buyers::table.find(buyer_id)))
                .get_result(conn)?;
            if !exists {
                return Err(AppError::field("buyer_id", "invalid_buyer"));
            }
        }
        let verified_at = (verification == Verification::AlreadyVerified).then_some(now);
        let account_id: UserId = diesel::insert_into(users::table)
            .values((
                users::email.eq(input.email.as_str()),
                users::display_name.eq(input.display_name.as_str()),
                users::password_hash.eq(password_hash),
                users::role.eq(input.role.as_str()),
                users::buyer_id.eq(input.buyer_id),
                users::locale.eq(input.locale.code()),
                users::email_verified_at.eq(verified_at),
                users::password_changed_at.eq(now),
                users::active.eq(true),
                users::created_at.eq(now),
            ))
            .returning(users::id)
            .get_result(conn)
            .map_err(|e| {
                if is_unique_violation(&e) {
                    AppError::Conflict(FieldError::new("email", "email_taken"))
                } else {
                    e.into()
                }
            })?;
        let account = find_account(conn, account_id)?;
        audit::record(
            conn,
            now,
            actor,
            NewEvent::on(
                "user",
                account.id,
                "user.created",
                json!({"email": account.email, "display_name": account.display_name, "role": account.role, "buyer_id": account.buyer_id}),
            ),
        )?;
        if verification == Verification::SendEmail {
            diesel::insert_into(email_verifications::table)
                .values((
                    email_verifications::token_hash.eq(crate::keys::token_digest(&token)),
                    email_verifications::user_id.eq(account.id),
                    email_verifications::expires_at.eq(now + chrono::Duration::days(7)),
                ))
                .execute(conn)?;
            let link = format!("{public_url}/verificar-correo?token={token}");
            let lang = input.locale;
            let args = [
                ("name", account.display_name.clone()),
                ("link", link),
                (
                    "role",
                    crate::i18n::t(lang, &format!("role-{}", account.role)),
                ),
            ];
            mail::queue(
                conn,
                now,
                &OutgoingMail {
                    to: account.email.clone(),
                    subject: t_args(lang, "email-welcome-subject", &args),
                    body: t_args(lang, "email-welcome-body", &args),
                },
            )?;
        }
        Ok(account)
    })
}

/// Confirms an email address with the token mailed to it ([`verify_email_in`]).
pub async fn verify_email(app: &AppState, token: String) -> Result<Account, AppError> {
    let state = app.clone();
    app.db
        .run(move |conn| verify_email_in(&state, conn, &token))
        .await
}

/// Marks an email address verified from the token in the emailed link.
pub fn verify_email_in(
    app: &App,
    conn: &mut DbConnection,
    token: &str,
) -> Result<Account, AppError> {
    let now = app.clock.now_db();
    let digest = crate::keys::token_digest(token.trim());
    write_transaction(conn, |conn| {
        let found: Option<(UserId, NaiveDateTime, Option<NaiveDateTime>)> =
            email_verifications::table
                .filter(email_verifications::token_hash.eq(&digest))
                .select((
                    email_verifications::user_id,
                    email_verifications::expires_at,
                    email_verifications::used_at,
                ))
                .first(conn)
                .optional()?;
        let user_id = match found {
            Some((user_id, expires, None)) if expires > now => user_id,
            _ => return Err(AppError::field("token", "invalid_token")),
        };
        diesel::update(
            email_verifications::table.filter(email_verifications::token_hash.eq(&digest)),
        )
        .set(email_verifications::used_at.eq(Some(now)))
        .execute(conn)?;
        diesel::update(users::table.find(user_id))
            .set(users::email_verified_at.eq(Some(now)))
            .execute(conn)?;
        let account = find_account(conn, user_id)?;
        audit::record(
            conn,
            now,
            &Actor {
                user_id: Some(user_id),
                role: account.role.clone(),
            },
            NewEvent::on(
                "user",
                user_id,
                "user.email_verified",
                json!({"email": account.email}),
            ),
        )?;
        Ok(account)
    })
}

/// Changes a user's password after checking the current one. Every session issued before
/// the change stops working. Checks and the new hash run on the hashing pool.
pub async fn change_password(
    app: &App,
    user_id: UserId,
    role: Role,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let mut v = Validator::new();
    if current.is_empty() {
        v.push(FieldError::new("current_password", "required"));
    }
    let new = v.check(NewPassword::parse(new, "new_password"));
    v.finish()?;
    let Some(new) = new else {
        return Err(AppError::internal("validator passed without value"));
    };
    // A stolen session must not make the current password guessable: the attempt is
    // counted before the check (crate::throttle).
    let rule = crate::throttle::reauth_rule(
        "reauth",
        user_id,
        app.settings.login_max_failures,
        app.settings.login_lockout,
    );
    let now = app.clock.now_db();
    let key = rule.key.clone();
    let stored: String = app
        .db
        .run(move |conn| {
            crate::throttle::reserve(conn, &[rule], now)?;
            Ok(users::table
                .find(user_id)
                .select(users::password_hash)
                .first(conn)?)
        })
        .await?;
    if !app.passwords.verify(current, Some(stored.clone())).await? {
        return Err(AppError::field("current_password", "wrong_password"));
    }
    app.db
        .run(move |conn| crate::throttle::clear(conn, &[key]))
        .await?;
    if app.passwords.verify(new.expose(), Some(stored)).await? {
        return Err(AppError::field("new_password", "password_unchanged"));
    }
    let hash = app.passwords.hash(new.expose()).await?;
    // To the millisecond: sessions issued before end, the one issued right after lives.
    let now = app.clock.now_db();
    let changed_at = now;
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                diesel::update(users::table.find(user_id))
                    .set((
                        users::password_hash.eq(&hash),
                        users::password_changed_at.eq(changed_at),
                    ))
                    .execute(conn)?;
                audit::record(
                    conn,
                    now,
                    &Actor::user(user_id, role),
                    NewEvent::on("user", user_id, "user.password_changed", json!({})),
                )
            })
        })
        .await
}
