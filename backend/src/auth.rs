//! Who is calling: passwords, session tokens and CSRF tokens; logins are throttled by
//! [`crate::throttle`].
//!
//! - Passwords are hashed with argon2id on the [`crate::passwords`] pool.
//! - A login yields a JWT (HS256 only; any other `alg`, including `none`, is refused because
//!   the validation names exactly one algorithm). API clients send it as
//!   `Authorization: Bearer`; browsers keep it in the HttpOnly, SameSite=Lax cookie
//!   [`SESSION_COOKIE`].
//! - Each token carries a random `csrf` value. A cookie-authenticated request that changes
//!   state must echo it (form field `csrf_token` or header `X-CSRF-Token`): a third-party site
//!   can make the browser send the cookie but cannot read the value. Anonymous forms (login)
//!   use a double-submit cookie ([`CSRF_COOKIE`]).
//! - Expiry is checked against the injectable clock, not the system time. A token dies early on
//!   logout (its `jti` is revoked) and when the password changes (tokens issued before are
//!   refused), and when the account is deactivated.
//! - Failed logins are counted per account and per client address in the database, so every
//!   server behind a load balancer sees the same counts.

use crate::domain::{BuyerId, SupplierId, UserId};
use axum::http::{HeaderMap, header};
use chrono::{NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;
use serde::Serialize;

use crate::{
    app::App,
    db::DbConnection,
    domain::Role,
    error::AppError,
    keys::{Claims, random_token},
    schema::{buyers, revoked_tokens, supplier_members, users},
};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "licita_session";
/// Name of the anonymous double-submit CSRF cookie.
pub const CSRF_COOKIE: &str = "licita_csrf";
/// Header carrying the CSRF token for cookie-authenticated API calls.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The signed-in user of a request, as the database says now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CurrentUser {
    /// User id.
    pub id: UserId,
    /// Email address.
    pub email: String,
    /// Name shown in the interface.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Buyer entity (officers).
    pub buyer_id: Option<BuyerId>,
    /// Buyer entity name (officers).
    pub buyer_name: Option<String>,
    /// Preferred language code.
    pub locale: String,
    /// Has the email address been verified?
    pub email_verified: bool,
    /// The company a supplier user belongs to.
    pub supplier_id: Option<SupplierId>,
    /// Does the user own that company?
    pub supplier_owner: bool,
    /// Officers with the registry permission review suppliers.
    pub registry_officer: bool,
    /// The session's CSRF token.
    #[serde(skip)]
    pub csrf: String,
    /// The session's token id.
    #[serde(skip)]
    pub jti: String,
    /// Token expiry (Unix seconds).
    #[serde(skip)]
    pub exp: i64,
    /// Did the token come from the cookie (true) or an `Authorization` header (false)?
    #[serde(skip)]
    pub via_cookie: bool,
}

impl CurrentUser {
    /// `Forbidden` unless the user holds one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// Issues a session token for a user.
pub fn issue_token(app: &App, user_id: UserId, role: Role) -> Result<(String, Claims), AppError> {
    let instant = app.clock.now();
    let now = instant.timestamp();
    let claims = Claims {
        sub: user_id.to_string(),
        role,
        iat: now,
        iat_ms: Some(instant.timestamp_millis()),
        exp: now + app.settings.session_lifetime.as_secs() as i64,
        jti: random_token(),
        csrf: random_token(),
    };
    Ok((app.jwt.encode(&claims)?, claims))
}

/// Finds the session token in a request: `Authorization: Bearer` first, then the cookie.
pub fn token_from_headers(headers: &HeaderMap) -> Option<(String, bool)> {
    if let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        // The scheme is case-insensitive (RFC 9110 §11.1).
        let token = match value.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
            _ => "",
        };
        return Some((token.to_owned(), false));
    }
    crate::http::cookie_value(headers, SESSION_COOKIE).map(|t| (t, true))
}

/// Resolves the caller: `Ok(None)` without a token, `Err(Unauthenticated)` with a token that is
/// invalid, expired, revoked, older than the last password change, or of an inactive account.
pub async fn authenticate(app: &App, headers: &HeaderMap) -> Result<Option<CurrentUser>, AppError> {
    let Some((token, via_cookie)) = token_from_headers(headers) else {
        return Ok(None);
    };
    let claims = app.jwt.decode(&token, app.clock.now().timestamp())?;
    let user_id: UserId = claims.sub.parse().map_err(|_| AppError::Unauthenticated)?;
    let user = app
        .db
        .run(move |conn| load_session_user(conn, user_id, &claims, via_cookie))
        .await?;
    Ok(Some(user))
}

fn load_session_user(
    conn: &mut DbConnection,
    user_id: UserId,
    claims: &Claims,
    via_cookie: bool,
) -> Result<CurrentUser, AppError> {
    let Some((mut user, active, changed, revoked)) = load_user_row(conn, user_id, &claims.jti)?
    else {
        return Err(AppError::Unauthenticated);
    };
    // Issued before the password last changed (to the millisecond): the session is over.
    let issued_ms = claims.iat_ms.unwrap_or(claims.iat.saturating_mul(1000));
    if !active || revoked || issued_ms < changed.and_utc().timestamp_millis() {
        return Err(AppError::Unauthenticated);
    }
    user.csrf = claims.csrf.clone();
    user.jti = claims.jti.clone();
    user.exp = claims.exp;
    user.via_cookie = via_cookie;
    Ok(user)
}

/// A user as the services see them, without a session (command line, demo data). 404 when
/// absent.
pub fn load_user(conn: &mut DbConnection, user_id: UserId) -> Result<CurrentUser, AppError> {
    // No session here: the empty jti matches no revoked token.
    load_user_row(conn, user_id, "")?
        .map(|(user, _, _, _)| user)
        .ok_or(AppError::NotFound)
}

/// The user, whether the account is active, when its password last changed, and whether the
/// session `jti` is revoked: one statement, as every authenticated request runs it.
fn load_user_row(
    conn: &mut DbConnection,
    user_id: UserId,
    jti: &str,
) -> Result<Option<(CurrentUser, bool, NaiveDateTime, bool)>, AppError> {
    type Row = (
        (UserId, String, String, String, Option<BuyerId>, String),
        (Option<NaiveDateTime>, NaiveDateTime, bool, bool),
        (Option<String>, Option<SupplierId>, Option<String>),
        bool,
    );
    let row: Option<Row> = users::table
        .left_join(buyers::table)
        .left_join(supplier_members::table)
        .filter(users::id.eq(user_id))
        .select((
            (
                users::id,
                users::email,
                users::display_name,
                users::role,
                users::buyer_id,
                users::locale,
            ),
            (
                users::email_verified_at,
                users::password_changed_at,
                users::active,
                users::registry_officer,
            ),
            (
                buyers::name.nullable(),
                supplier_members::supplier_id.nullable(),
                supplier_members::member_role.nullable(),
            ),
            diesel::dsl::exists(revoked_tokens::table.filter(revoked_tokens::jti.eq(jti))),
        ))
        .first(conn)
        .optional()?;
    let Some((
        (id, email, display_name, role, buyer_id, locale),
        (verified, changed, active, registry_officer),
        (buyer_name, supplier_id, member_role),
        revoked,
    )) = row
    else {
        return Ok(None);
    };
    let user = CurrentUser {
        id,
        email,
        display_name,
        role: Role::parse(&role, "role")
            .map_err(|_| AppError::internal(format!("unknown role {role} for user {id}")))?,
        buyer_id,
        buyer_name,
        locale,
        email_verified: verified.is_some(),
        supplier_id,
        supplier_owner: member_role.as_deref() == Some("owner"),
        registry_officer,
        csrf: String::new(),
        jti: String::new(),
        exp: 0,
        via_cookie: false,
    };
    Ok(Some((user, active, changed, revoked)))
}

/// Signs the caller out: their session token is revoked until it would have expired.
pub async fn sign_out(app: &App, user: &CurrentUser) -> Result<(), AppError> {
    let (jti, exp, now) = (user.jti.clone(), user.exp, app.clock.now_db());
    app.db.run(move |conn| revoke(conn, &jti, exp, now)).await
}

/// Revokes a session token (logout) until it would have expired anyway.
pub fn revoke(
    conn: &mut DbConnection,
    jti: &str,
    exp: i64,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let expires_at = Utc
        .timestamp_opt(exp, 0)
        .single()
        .map(|t| t.naive_utc())
        .unwrap_or(now);
    let inserted = diesel::insert_into(revoked_tokens::table)
        .values((
            revoked_tokens::jti.eq(jti),
            revoked_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn);
    match inserted {
        // Logging out twice with one token is fine: it is revoked either way.
        Err(e) if crate::error::is_unique_violation(&e) => {}
        other => {
            other?;
        }
    }
    // Housekeeping: forget revocations of tokens that have expired by themselves.
    diesel::delete(revoked_tokens::table.filter(revoked_tokens::expires_at.lt(now)))
        .execute(conn)?;
    Ok(())
}

/// The user a login resolved to.
#[derive(Debug, Clone)]
pub struct LoginOutcome {
    /// User id.
    pub user_id: UserId,
    /// Role.
    pub role: Role,
    /// Preferred language.
    pub locale: String,
}

/// Checks email and password, throttled per account and address pair, per account and per
/// address ([`crate::throttle`]): the attempt is counted before the password is checked, so
/// concurrent guesses cannot pass the limit. The password check runs on the hashing pool,
/// with no database connection held.
pub async fn login(
    app: &App,
    email: &str,
    password: &str,
    client_address: &str,
) -> Result<LoginOutcome, AppError> {
    let mut v = crate::domain::Validator::new();
    if email.trim().is_empty() {
        v.push(crate::error::FieldError::new("email", "required"));
    }
    if password.is_empty() {
        v.push(crate::error::FieldError::new("password", "required"));
    }
    v.finish()?;
    let now = app.clock.now_db();
    // As accounts store it (NFKC, lower case, a punycode domain in Unicode); what is no address
    // at all is looked up as typed, and matches nothing.
    let email = crate::domain::EmailAddress::parse(email, "email")
        .map(|e| e.as_str().to_owned())
        .unwrap_or_else(|_| email.trim().to_lowercase());
    let s = &app.settings;
    let rules = crate::throttle::login_rules(
        &email,
        client_address,
        s.login_max_failures,
        s.login_max_failures_per_address,
        s.login_lockout,
    );
    let clear_on_success: Vec<String> = rules[..2].iter().map(|r| r.key.clone()).collect();
    let row: Option<(UserId, String, String, bool, String)> = app
        .db
        .run(move |conn| {
            crate::throttle::reserve(conn, &rules, now)?;
            Ok(users::table
                .filter(users::email.eq(&email))
                .select((
                    users::id,
                    users::password_hash,
                    users::role,
                    users::active,
                    users::locale,
                ))
                .first(conn)
                .optional()?)
        })
        .await?;
    let matched = app
        .passwords
        .verify(password, row.as_ref().map(|r| r.1.clone()))
        .await?;
    match row {
        Some((user_id, _, role, true, locale)) if matched => {
            app.db
                .run(move |conn| crate::throttle::clear(conn, &clear_on_success))
                .await?;
            Ok(LoginOutcome {
                user_id,
                role: Role::parse(&role, "role")
                    .map_err(|_| AppError::internal(format!("bad role {role}")))?,
                locale,
            })
        }
        _ => {
            tracing::info!(address = %client_address, "failed login");
            Err(AppError::InvalidCredentials)
        }
    }
}
