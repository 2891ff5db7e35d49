//! Sealing: each committee member's personal opening key, and each tender's sealing key.
//!
//! - A member (officer or auditor) sets an opening passphrase once. An age X25519 key pair is
//!   made; its identity is stored only encrypted with that passphrase (age's scrypt recipient,
//!   work factor `LICITA_OPENING_KEY_WORK_FACTOR`). Changing the passphrase needs the current
//!   one and re-wraps the same identity, so shares already dealt stay usable.
//! - At publication [`seal_tender`] makes the tender's X25519 key pair, splits the identity
//!   k-of-n among the committee's members with Shamir's scheme over GF(256), encrypts each
//!   share to its member's personal recipient and forgets the identity. Only the recipient
//!   (public) is stored.
//! - The splitting is `blahaj`, the maintained fork of `sharks` that fixes RUSTSEC-2024-0398
//!   (biased polynomial coefficients). Shares keep the same format (x, then one y per secret
//!   byte), so tenders whose shares were dealt by `sharks` 0.5 still open: a test rebuilds a
//!   key from such shares.

use crate::domain::{TenderId, UserId};
use age::secrecy::{ExposeSecret, SecretString};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use crate::{
    app::App,
    audit::{self, Actor, NewEvent},
    auth::CurrentUser,
    db::{DbConnection, write_transaction},
    domain::Role,
    error::{AppError, FieldError},
    schema::{opening_keys, tender_committee, tender_key_shares, tender_seals, users},
};

/// Shortest opening passphrase.
pub const MIN_PASSPHRASE: usize = 12;
/// Longest opening passphrase.
pub const MAX_PASSPHRASE: usize = 200;

/// Who may hold an opening key: officers and auditors.
pub fn may_hold_key(user: &CurrentUser) -> bool {
    matches!(user.role, Role::Officer | Role::Auditor)
}

/// Does `user` have an opening key ([`has_opening_key_in`])? Only those who
/// [`may_hold_key`] are answered.
pub async fn has_opening_key(
    app: &crate::app::AppState,
    user: &CurrentUser,
) -> Result<bool, AppError> {
    if !may_hold_key(user) {
        return Err(AppError::Forbidden);
    }
    let user_id = user.id;
    app.db
        .run(move |conn| has_opening_key_in(conn, user_id))
        .await
}

/// Does the user have an opening key?
pub fn has_opening_key_in(conn: &mut DbConnection, user_id: UserId) -> Result<bool, AppError> {
    Ok(opening_keys::table
        .find(user_id)
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

fn check_passphrase(passphrase: &str, field: &str) -> Result<(), FieldError> {
    let n = passphrase.chars().count();
    if n < MIN_PASSPHRASE {
        Err(FieldError::new(field, "too_short").arg("min", MIN_PASSPHRASE))
    } else if n > MAX_PASSPHRASE {
        Err(FieldError::new(field, "too_long").arg("max", MAX_PASSPHRASE))
    } else {
        Ok(())
    }
}

fn wrap(identity: &str, passphrase: &str, work_factor: u8) -> Result<Vec<u8>, AppError> {
    let mut recipient = age::scrypt::Recipient::new(SecretString::from(passphrase.to_owned()));
    recipient.set_work_factor(work_factor);
    age::encrypt(&recipient, identity.as_bytes()).map_err(AppError::internal)
}

/// The member's identity, or `None` when the passphrase is wrong.
fn unwrap(wrapped: &[u8], passphrase: &str) -> Option<age::x25519::Identity> {
    let mut identity = age::scrypt::Identity::new(SecretString::from(passphrase.to_owned()));
    identity.set_max_work_factor(22);
    let plain = age::decrypt(&identity, wrapped).ok()?;
    std::str::from_utf8(&plain).ok()?.parse().ok()
}

/// Sets (first time) or changes (with the current passphrase) the caller's opening
/// passphrase. The slow key stretching runs off the async runtime and outside any
/// transaction.
pub async fn set_opening_passphrase(
    app: &App,
    user: &CurrentUser,
    passphrase: &str,
    current: Option<&str>,
) -> Result<(), AppError> {
    if !may_hold_key(user) {
        return Err(AppError::Forbidden);
    }
    check_passphrase(passphrase, "passphrase").map_err(|e| AppError::Validation(vec![e]))?;
    let user_id = user.id;
    let rule = passphrase_rule(app, user_id);
    let key = rule.key.clone();
    let now = app.clock.now_db();
    let existing: Option<Vec<u8>> = app
        .db
        .run(move |conn| {
            let existing = opening_keys::table
                .find(user_id)
                .select(opening_keys::wrapped_identity)
                .first(conn)
                .optional()?;
            // Changing the passphrase checks the current one: counted before the check.
            if existing.is_some() {
                crate::throttle::reserve(conn, &[rule], now)?;
            }
            Ok(existing)
        })
        .await?;
    let work_factor = app.settings.opening_key_work_factor;
    let (passphrase, current) = (passphrase.to_owned(), current.map(str::to_owned));
    let changing = existing.is_some();
    let (recipient, wrapped) = tokio::task::spawn_blocking(move || {
        let identity = match existing {
            None => age::x25519::Identity::generate(),
            Some(wrapped) => {
                let current = current.unwrap_or_default();
                if current.is_empty() {
                    return Err(AppError::field("current_passphrase", "required"));
                }
                unwrap(&wrapped, &current)
                    .ok_or_else(|| AppError::field("current_passphrase", "passphrase_wrong"))?
            }
        };
        let secret = identity.to_string();
        let wrapped = wrap(secret.expose_secret(), &passphrase, work_factor)?;
        Ok::<_, AppError>((identity.to_public().to_string(), wrapped))
    })
    .await
    .map_err(AppError::internal)??;
    let actor = Actor::user(user.id, user.role);
    app.db
        .run(move |conn| {
            crate::throttle::clear(conn, &[key])?;
            store_key(conn, &actor, user_id, &recipient, &wrapped, changing, now)
        })
        .await
}

/// The throttle of a member's opening passphrase: guessed with a stolen session, it would
/// open tenders; counted before each check, locked after the login limit.
pub(crate) fn passphrase_rule(app: &App, user_id: UserId) -> crate::throttle::Rule {
    crate::throttle::reauth_rule(
        "passphrase",
        user_id,
        app.settings.login_max_failures,
        app.settings.login_lockout,
    )
}

/// Stores a member's wrapped key (first time) or its re-wrapped identity (changed
/// passphrase), with its audit event. A concurrent first setting loses on the primary key.
fn store_key(
    conn: &mut DbConnection,
    actor: &Actor,
    user_id: UserId,
    recipient: &str,
    wrapped: &[u8],
    changing: bool,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    write_transaction(conn, |conn| {
        if changing {
            diesel::update(opening_keys::table.find(user_id))
                .set(opening_keys::wrapped_identity.eq(wrapped))
                .execute(conn)?;
        } else {
            diesel::insert_into(opening_keys::table)
                .values((
                    opening_keys::user_id.eq(user_id),
                    opening_keys::recipient.eq(recipient),
                    opening_keys::wrapped_identity.eq(wrapped),
                    opening_keys::created_at.eq(now),
                ))
                .execute(conn)?;
        }
        audit::record(
            conn,
            now,
            actor,
            NewEvent::on(
                "user",
                user_id,
                if changing {
                    "user.opening_passphrase_changed"
                } else {
                    "user.opening_key_created"
                },
                json!({"recipient": recipient}),
            ),
        )
    })
}

/// Makes the tender's sealing key at publication and deals its shares to the committee's
/// members. Fails naming the members who have no opening key yet.
pub(crate) fn seal_tender(
    conn: &mut DbConnection,
    tender_id: TenderId,
    threshold: i32,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    let members: Vec<(i64, String, Option<String>)> = tender_committee::table
        .inner_join(users::table)
        .left_join(opening_keys::table.on(opening_keys::user_id.eq(tender_committee::user_id)))
        .filter(tender_committee::tender_id.eq(tender_id))
        .filter(tender_committee::committee_role.eq("member"))
        .order(tender_committee::user_id)
        .select((
            tender_committee::user_id,
            users::display_name,
            opening_keys::recipient.nullable(),
        ))
        .load(conn)?;
    let without: Vec<&str> = members
        .iter()
        .filter(|(_, _, r)| r.is_none())
        .map(|(_, name, _)| name.as_str())
        .collect();
    if !without.is_empty() {
        return Err(AppError::Validation(vec![
            FieldError::new("committee", "member_without_opening_key")
                .arg("names", without.join(", ")),
        ]));
    }
    let k = u8::try_from(threshold).map_err(|_| AppError::internal("threshold"))?;
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let secret = identity.to_string();
    let dealer = blahaj::Sharks(k).dealer(secret.expose_secret().as_bytes());
    for ((user_id, _, member_recipient), share) in members.iter().zip(dealer) {
        let member: age::x25519::Recipient = member_recipient
            .as_deref()
            .unwrap_or_default()
            .parse()
            .map_err(|e| AppError::internal(format!("stored recipient: {e}")))?;
        let sealed = age::encrypt(&member, &Vec::from(&share)).map_err(AppError::internal)?;
        diesel::insert_into(tender_key_shares::table)
            .values((
                tender_key_shares::tender_id.eq(tender_id),
                tender_key_shares::user_id.eq(user_id),
                tender_key_shares::sealed_share.eq(&sealed),
            ))
            .execute(conn)?;
    }
    diesel::insert_into(tender_seals::table)
        .values((
            tender_seals::tender_id.eq(tender_id),
            tender_seals::recipient.eq(&recipient),
            tender_seals::threshold.eq(threshold),
            tender_seals::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(recipient)
}

/// A member's share of a tender's key, decrypted with the member's passphrase: `Err` with a
/// `passphrase` field error when the passphrase is wrong (nothing else is said).
pub(crate) fn open_share(
    wrapped_identity: &[u8],
    sealed_share: &[u8],
    passphrase: &str,
) -> Result<Vec<u8>, AppError> {
    let identity = unwrap(wrapped_identity, passphrase)
        .ok_or_else(|| AppError::field("passphrase", "passphrase_wrong"))?;
    age::decrypt(&identity, sealed_share)
        .map_err(|e| AppError::internal(format!("share does not open with its member's key: {e}")))
}

/// Rebuilds a tender's identity from k shares and checks it against the published recipient.
pub(crate) fn rebuild_identity(
    shares: &[Vec<u8>],
    threshold: i32,
    recipient: &str,
) -> Result<age::x25519::Identity, String> {
    let k = u8::try_from(threshold).map_err(|_| "threshold".to_owned())?;
    let shares: Vec<blahaj::Share> = shares
        .iter()
        .map(|s| blahaj::Share::try_from(s.as_slice()).map_err(str::to_owned))
        .collect::<Result<_, _>>()?;
    let secret = blahaj::Sharks(k)
        .recover(shares.as_slice())
        .map_err(str::to_owned)?;
    let identity: age::x25519::Identity = std::str::from_utf8(&secret)
        .map_err(|_| "the shares do not rebuild a key".to_owned())?
        .parse()
        .map_err(|_| "the shares do not rebuild a key".to_owned())?;
    if identity.to_public().to_string() != recipient {
        return Err("the rebuilt key does not match the tender's published recipient".into());
    }
    Ok(identity)
}

/// Demo and test support: gives `user_id` an opening key with `passphrase` unless it has one.
pub fn ensure_opening_key(
    conn: &mut DbConnection,
    user_id: UserId,
    passphrase: &str,
    work_factor: u8,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    if has_opening_key_in(conn, user_id)? {
        return Ok(false);
    }
    let identity = age::x25519::Identity::generate();
    let wrapped = wrap(
        identity.to_string().expose_secret(),
        passphrase,
        work_factor,
    )?;
    let role: String = users::table.find(user_id).select(users::role).first(conn)?;
    let role = Role::parse(&role, "role").map_err(|_| AppError::internal("stored role"))?;
    let recipient = identity.to_public().to_string();
    store_key(
        conn,
        &Actor::user(user_id, role),
        user_id,
        &recipient,
        &wrapped,
        false,
        now,
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_k_of_n_shares_rebuild_the_key_and_fewer_do_not() {
        let identity = age::x25519::Identity::generate();
        let recipient = identity.to_public().to_string();
        let secret = identity.to_string();
        let shares: Vec<Vec<u8>> = blahaj::Sharks(3)
            .dealer(secret.expose_secret().as_bytes())
            .take(5)
            .map(|s| Vec::from(&s))
            .collect();
        for mask in 0u32..32 {
            let chosen: Vec<Vec<u8>> = (0..5)
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| shares[i].clone())
                .collect();
            let rebuilt = rebuild_identity(&chosen, 3, &recipient);
            assert_eq!(
                rebuilt.is_ok(),
                chosen.len() >= 3,
                "{} shares",
                chosen.len()
            );
        }
        let mut corrupt = shares[..3].to_vec();
        corrupt[0][5] ^= 1;
        assert!(rebuild_identity(&corrupt, 3, &recipient).is_err());
    }

    /// Shares dealt by `sharks` 0.5 (the crate used before RUSTSEC-2024-0398) for a throwaway
    /// key: tenders sealed then must still open.
    #[test]
    fn shares_dealt_by_the_old_crate_still_rebuild_the_key() {
        #[derive(serde::Deserialize)]
        struct Old {
            threshold: i32,
            recipient: String,
            shares: Vec<String>,
        }
        let old: Old =
            serde_json::from_str(include_str!("fixtures/sharks-0.5-shares.json")).expect("fixture");
        let shares: Vec<Vec<u8>> = old
            .shares
            .iter()
            .map(|s| hex::decode(s).expect("hex"))
            .collect();
        for pair in [[0, 1], [0, 2], [1, 2]] {
            let chosen = vec![shares[pair[0]].clone(), shares[pair[1]].clone()];
            let identity =
                rebuild_identity(&chosen, old.threshold, &old.recipient).expect("old shares open");
            assert_eq!(identity.to_public().to_string(), old.recipient);
        }
        assert!(rebuild_identity(&shares[..1], old.threshold, &old.recipient).is_err());
    }

    #[test]
    fn a_member_key_opens_only_with_its_passphrase() {
        let identity = age::x25519::Identity::generate();
        let wrapped = wrap(
            identity.to_string().expose_secret(),
            "frase de apertura larga",
            10,
        )
        .expect("wrap");
        let share = age::encrypt(&identity.to_public(), b"share").expect("encrypt");
        assert_eq!(
            open_share(&wrapped, &share, "frase de apertura larga").expect("opens"),
            b"share"
        );
        let wrong = open_share(&wrapped, &share, "frase de apertura LARGA").expect_err("wrong");
        assert_eq!(wrong.field_errors()[0].code, "passphrase_wrong");
        let stored = String::from_utf8_lossy(&wrapped);
        assert!(
            !stored.contains("AGE-SECRET-KEY"),
            "the identity is not stored in clear"
        );
    }
}
