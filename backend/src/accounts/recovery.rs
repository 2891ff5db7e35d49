//! Getting back into an account whose password was forgotten: a reset link by email.
//!
//! - **Asking** ([`request_reset`]) answers the same whether the address belongs to an account
//!   or not, so the form cannot be used to learn who has an account. It is throttled per typed
//!   address and per client address before anything is looked up, so the counters say nothing
//!   either. For an active account it stores the SHA-256 of a fresh random token (never the
//!   token), retires any earlier unused link of the account, records `user.password_reset_requested`
//!   and queues the mail in the account's language, all in one transaction.
//! - **Using** the link ([`reset_password`]) checks the new password first, then, in one
//!   transaction, takes the token only if it is unused and unexpired ([`RESET_LINK_MINUTES`]),
//!   writes the new hash and `password_changed_at` (every session issued before stops working,
//!   see [`crate::auth`]), clears the account's login locks, and records `user.password_reset`.
//!   A second use, an expired link or a made-up token get one answer: `invalid_reset_token`.
//! - The officer's **opening passphrase** is not touched: it protects the officer's share of
//!   sealed bids' keys (`crate::keys::custody`) and is a different secret from the password.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use crate::{
    app::App,
    audit::{self, Actor, NewEvent},
    db::write_transaction,
    domain::{NewPassword, Role, UserId, Validator},
    error::{AppError, FieldError},
    i18n::{Lang, t_args},
    mail::{self, OutgoingMail},
    schema::{password_resets, users},
    throttle::{Beyond, Rule},
};

/// How long a reset link works, in minutes.
pub const RESET_LINK_MINUTES: i64 = 60;

/// Reset requests allowed per typed address within the login window before it is locked.
const REQUESTS_PER_ADDRESS: i32 = 3;

/// The throttle rules of a reset request for `email` from `client`: three links per address a
/// window (a mailbox is not flooded), and the login limit per client address, slowed.
fn request_rules(app: &App, email: &str, client: &str) -> Vec<Rule> {
    let window = app.settings.login_lockout;
    vec![
        Rule {
            key: format!("reset-account:{email}"),
            limit: REQUESTS_PER_ADDRESS,
            window,
            beyond: Beyond::Lock,
        },
        Rule {
            key: format!("reset-address:{client}"),
            limit: app.settings.login_max_failures_per_address,
            window,
            beyond: Beyond::Slow(Duration::seconds(crate::throttle::SLOW_INTERVAL_SECS)),
        },
    ]
}

/// Mails a reset link to `email` if it names an active account; answers `Ok` either way
/// (`429` beyond the throttle, for any address alike). `lang` only shapes errors: the mail is
/// written in the account's own language.
pub async fn request_reset(
    app: &crate::app::AppState,
    email: &str,
    client: &str,
) -> Result<(), AppError> {
    let email = crate::domain::EmailAddress::parse(email, "email")
        .map(|e| e.as_str().to_owned())
        .unwrap_or_else(|_| email.trim().to_lowercase());
    if email.is_empty() {
        return Err(AppError::field("email", "required"));
    }
    // No address is longer (RFC 5321); nothing longer is looked up or counted.
    if email.chars().count() > 254 {
        return Err(AppError::Validation(vec![
            FieldError::new("email", "too_long").arg("max", 254),
        ]));
    }
    let rules = request_rules(app, &email, client);
    let now = app.clock.now_db();
    let public_url = app.settings.public_url.clone();
    let token = crate::keys::random_token();
    app.db
        .run(move |conn| crate::throttle::reserve(conn, &rules, now))
        .await?;
    // The lookup, the link and the mail happen after the answer, so its time says nothing
    // about whether the address has an account.
    let state = app.clone();
    tokio::spawn(async move {
        let made = state
            .db
            .run(move |conn| {
                write_transaction(conn, |conn| {
                    let account: Option<(UserId, String, String)> = users::table
                        .filter(users::email.eq(&email))
                        .filter(users::active.eq(true))
                        .select((users::id, users::display_name, users::locale))
                        .first(conn)
                        .optional()?;
                    let Some((user_id, name, locale)) = account else {
                        tracing::info!("password reset asked for an address with no account");
                        return Ok(());
                    };
                    // Only the newest link works.
                    diesel::update(
                        password_resets::table
                            .filter(password_resets::user_id.eq(user_id))
                            .filter(password_resets::used_at.is_null()),
                    )
                    .set(password_resets::used_at.eq(Some(now)))
                    .execute(conn)?;
                    diesel::insert_into(password_resets::table)
                        .values((
                            password_resets::token_hash.eq(crate::keys::token_digest(&token)),
                            password_resets::user_id.eq(user_id),
                            password_resets::created_at.eq(now),
                            password_resets::expires_at
                                .eq(now + Duration::minutes(RESET_LINK_MINUTES)),
                        ))
                        .execute(conn)?;
                    audit::record(
                        conn,
                        now,
                        // Nobody is signed in: the system acts on an anonymous request.
                        &Actor::system(),
                        NewEvent::on("user", user_id, "user.password_reset_requested", json!({})),
                    )?;
                    let lang = Lang::from_code(&locale).unwrap_or_default();
                    let args = [
                        ("name", name),
                        (
                            "link",
                            format!("{public_url}/cuenta/restablecer?token={token}"),
                        ),
                        ("minutes", RESET_LINK_MINUTES.to_string()),
                    ];
                    mail::queue(
                        conn,
                        now,
                        &OutgoingMail {
                            to: email.clone(),
                            subject: t_args(lang, "email-reset-subject", &args),
                            body: t_args(lang, "email-reset-body", &args),
                        },
                    )?;
                    Ok(())
                })
            })
            .await;
        match made {
            Ok(()) => state.wake_outbox(),
            Err(e) => tracing::warn!(error = %e, "password reset link not made"),
        }
    });
    Ok(())
}

/// Would the link's `token` still reset a password (unused, unexpired, the newest of an
/// active account)? Spends nothing: the link's page asks before showing its form.
pub async fn reset_link_valid(app: &App, token: &str) -> Result<bool, AppError> {
    let now = app.clock.now_db();
    let digest = crate::keys::token_digest(token.trim());
    app.db
        .run(move |conn| {
            let found: Option<(NaiveDateTime, bool)> = password_resets::table
                .inner_join(users::table)
                .filter(password_resets::token_hash.eq(&digest))
                .filter(password_resets::used_at.is_null())
                .select((password_resets::expires_at, users::active))
                .first(conn)
                .optional()?;
            Ok(found.is_some_and(|(expires, active)| active && expires > now))
        })
        .await
}

/// Sets a new password with the token of a reset link. Every session of the account issued
/// before ends; the account's login locks are lifted.
pub async fn reset_password(app: &App, token: &str, new_password: &str) -> Result<(), AppError> {
    let mut v = Validator::new();
    if token.trim().is_empty() {
        v.push(FieldError::new("token", "invalid_reset_token"));
    }
    let new = v.check(NewPassword::parse(new_password, "new_password"));
    v.finish()?;
    let Some(new) = new else {
        return Err(AppError::internal("validator passed without value"));
    };
    // A made-up token costs a lookup, never an argon2 hash on the shared hashing pool.
    if !reset_link_valid(app, token).await? {
        return Err(AppError::field("token", "invalid_reset_token"));
    }
    let hash = app.passwords.hash(new.expose()).await?;
    let now = app.clock.now_db();
    let changed_at = now;
    let digest = crate::keys::token_digest(token.trim());
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let found: Option<(UserId, NaiveDateTime)> = password_resets::table
                    .filter(password_resets::token_hash.eq(&digest))
                    .filter(password_resets::used_at.is_null())
                    .select((password_resets::user_id, password_resets::expires_at))
                    .first(conn)
                    .optional()?;
                let user_id = match found {
                    Some((user_id, expires)) if expires > now => user_id,
                    _ => return Err(AppError::field("token", "invalid_reset_token")),
                };
                // Taken under the write lock: a second use in a race changes no row.
                let taken = diesel::update(
                    password_resets::table
                        .filter(password_resets::token_hash.eq(&digest))
                        .filter(password_resets::used_at.is_null()),
                )
                .set(password_resets::used_at.eq(Some(now)))
                .execute(conn)?;
                if taken != 1 {
                    return Err(AppError::field("token", "invalid_reset_token"));
                }
                let (email, role, active): (String, String, bool) = users::table
                    .find(user_id)
                    .select((users::email, users::role, users::active))
                    .first(conn)?;
                if !active {
                    return Err(AppError::field("token", "invalid_reset_token"));
                }
                diesel::update(users::table.find(user_id))
                    .set((
                        users::password_hash.eq(&hash),
                        users::password_changed_at.eq(changed_at),
                    ))
                    .execute(conn)?;
                // The owner proved the mailbox: a lock a guesser caused no longer applies.
                crate::throttle::clear_account_logins(conn, &email)?;
                let role = Role::parse(&role, "role")
                    .map_err(|_| AppError::internal(format!("bad role {role}")))?;
                audit::record(
                    conn,
                    now,
                    &Actor::user(user_id, role),
                    NewEvent::on("user", user_id, "user.password_reset", json!({})),
                )
            })
        })
        .await
}
