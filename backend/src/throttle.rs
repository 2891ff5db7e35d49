//! Throttling of secret guesses: logins, re-authentication with the current password, and
//! opening passphrases.
//!
//! ## Reserve, then check
//! An attempt is counted **before** the secret is checked, in one write transaction that reads
//! the counter under a row lock (PostgreSQL `FOR UPDATE`; SQLite's single writer) and refuses
//! beyond the limit; a success clears the counter. Counting after the check let 40 parallel
//! guesses all be evaluated before the first failure was recorded; reserving first lets at
//! most the limit through, however many arrive at once.
//!
//! ## Who is throttled, and how
//! Following OWASP's authentication guidance, no counter can be turned against a named user
//! for everyone, and many people behind one address (a telecentre's NAT) are not one person:
//! - **an account from one address** (`login:{email}|{address}`): after
//!   `LICITA_LOGIN_MAX_FAILURES` attempts within `LICITA_LOGIN_LOCKOUT_MINUTES` that pair is
//!   locked for that time. The same account from another address is not;
//! - **an account from anywhere** (`login-account:{email}`): after four times that limit the
//!   account is **slowed**, one attempt every few seconds, never locked — a guesser spread over
//!   many addresses gets a trickle, the owner at worst a short wait;
//! - **an address** (`login-address:{address}`): after `LICITA_LOGIN_MAX_FAILURES_PER_ADDRESS`
//!   attempts it is slowed the same way, so spraying many accounts from one place is slow while
//!   the other people at that telecentre still sign in;
//! - **re-authentication** with a stolen session (`reauth:{user}` for the current password,
//!   `passphrase:{user}` for the opening passphrase): locked per user after the login limit.

use crate::domain::UserId;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::{
    db::{DbConnection, write_transaction},
    error::AppError,
    schema::login_throttle,
};

/// What happens once a counter reaches its limit within its window.
#[derive(Debug, Clone, Copy)]
pub enum Beyond {
    /// No attempt until the window ends.
    Lock,
    /// One attempt per this interval until the window ends.
    Slow(Duration),
}

/// One counter: its key, its limit within `window`, and what happens beyond it.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The key (`login:…`, `reauth:…`).
    pub key: String,
    /// Attempts allowed within the window.
    pub limit: i32,
    /// The window.
    pub window: Duration,
    /// Beyond the limit.
    pub beyond: Beyond,
}

/// How long slowed counters make attempts wait.
pub const SLOW_INTERVAL_SECS: i64 = 3;

/// Reserves one attempt under every rule at `now`, or refuses with `429` and the seconds to
/// wait when any rule is exhausted (then nothing is counted). All or nothing, in one
/// transaction.
pub fn reserve(
    conn: &mut DbConnection,
    rules: &[Rule],
    now: NaiveDateTime,
) -> Result<(), AppError> {
    write_transaction(conn, |conn| {
        let mut updates = Vec::with_capacity(rules.len());
        for rule in rules {
            ensure_row(conn, &rule.key, now)?;
            let (count, started, until) = locked_row(conn, &rule.key)?;
            let fresh = now - started >= rule.window;
            let (count, started, until) = if fresh {
                (0, now, None)
            } else {
                (count, started, until)
            };
            if let Some(until) = until.filter(|u| *u > now) {
                return Err(AppError::TooManyRequests {
                    retry_after_secs: (until - now).num_seconds().max(1),
                });
            }
            let count = count + 1;
            let until = if count > rule.limit {
                match rule.beyond {
                    Beyond::Lock => {
                        return Err(AppError::TooManyRequests {
                            retry_after_secs: (started + rule.window - now).num_seconds().max(1),
                        });
                    }
                    // This attempt goes through; the next waits.
                    Beyond::Slow(interval) => Some(now + interval),
                }
            } else if count == rule.limit && matches!(rule.beyond, Beyond::Lock) {
                // The last allowed attempt: the lock starts with it.
                Some(started + rule.window)
            } else {
                None
            };
            updates.push((rule.key.clone(), count, started, until));
        }
        for (key, count, started, until) in updates {
            diesel::update(login_throttle::table.filter(login_throttle::throttle_key.eq(&key)))
                .set((
                    login_throttle::failures.eq(count),
                    login_throttle::window_started_at.eq(started),
                    login_throttle::locked_until.eq(until),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// Forgets the counters of `keys` (after a success).
pub fn clear(conn: &mut DbConnection, keys: &[String]) -> Result<(), AppError> {
    diesel::delete(login_throttle::table.filter(login_throttle::throttle_key.eq_any(keys)))
        .execute(conn)?;
    Ok(())
}

/// Forgets every login counter of the account `email` (from any address): its owner proved the
/// mailbox with a reset link, so a lock a guesser caused no longer applies.
pub fn clear_account_logins(conn: &mut DbConnection, email: &str) -> Result<(), AppError> {
    // The address is matched literally: `_` and `%` in it are not wildcards.
    let literal: String = email
        .chars()
        .flat_map(|c| match c {
            '\\' | '%' | '_' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    diesel::delete(
        login_throttle::table.filter(
            login_throttle::throttle_key
                .eq(format!("login-account:{email}"))
                .or(login_throttle::throttle_key
                    .like(format!("login:{literal}|%"))
                    .escape('\\')),
        ),
    )
    .execute(conn)?;
    Ok(())
}

/// The row of `key`, created empty if missing (a concurrent creator wins harmlessly).
fn ensure_row(conn: &mut DbConnection, key: &str, now: NaiveDateTime) -> Result<(), AppError> {
    let insert = diesel::insert_into(login_throttle::table)
        .values((
            login_throttle::throttle_key.eq(key),
            login_throttle::failures.eq(0),
            login_throttle::window_started_at.eq(now),
            login_throttle::locked_until.eq(None::<NaiveDateTime>),
        ))
        .on_conflict(login_throttle::throttle_key)
        .do_nothing();
    match conn {
        DbConnection::Postgresql(pg) => insert.execute(pg)?,
        DbConnection::Sqlite(lite) => insert.execute(lite)?,
    };
    Ok(())
}

/// The counter of `key`, locked until the transaction ends.
fn locked_row(
    conn: &mut DbConnection,
    key: &str,
) -> Result<(i32, NaiveDateTime, Option<NaiveDateTime>), AppError> {
    let query = login_throttle::table
        .filter(login_throttle::throttle_key.eq(key))
        .select((
            login_throttle::failures,
            login_throttle::window_started_at,
            login_throttle::locked_until,
        ));
    Ok(match conn {
        DbConnection::Postgresql(pg) => query.for_update().first(pg)?,
        // BEGIN IMMEDIATE already made this the only writer.
        DbConnection::Sqlite(lite) => query.first(lite)?,
    })
}

/// The rules of a login of `email` from `address`.
pub fn login_rules(
    email: &str,
    address: &str,
    per_account: i32,
    per_address: i32,
    window: Duration,
) -> Vec<Rule> {
    let slow = Beyond::Slow(Duration::seconds(SLOW_INTERVAL_SECS));
    vec![
        Rule {
            key: format!("login:{email}|{address}"),
            limit: per_account,
            window,
            beyond: Beyond::Lock,
        },
        Rule {
            key: format!("login-account:{email}"),
            limit: per_account.saturating_mul(4),
            window,
            beyond: slow,
        },
        Rule {
            key: format!("login-address:{address}"),
            limit: per_address,
            window,
            beyond: slow,
        },
    ]
}

/// The rule of a re-authentication (`what` is `reauth` or `passphrase`) by `user_id`.
pub fn reauth_rule(what: &str, user_id: UserId, limit: i32, window: Duration) -> Rule {
    Rule {
        key: format!("{what}:{user_id}"),
        limit,
        window,
        beyond: Beyond::Lock,
    }
}
