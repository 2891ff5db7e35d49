//! The audit log: append-only, hash-chained events written in the same transaction as the
//! change they record.
//!
//! ## Why many chains, not one
//! A single global chain needs one global "last hash", so every write in the system would queue
//! behind one lock — during a deadline rush on one tender, a supplier updating its profile or an
//! officer answering a question on another tender would wait for the rush. Instead each event
//! belongs to a **chain** named after the aggregate it changes (`tender:42`, `user:7`,
//! `buyer:3`). Appending takes a lock on that chain only:
//! - PostgreSQL: `pg_advisory_xact_lock(hashtextextended(chain, 0))`, released at commit, so
//!   appends to `tender:42` queue among themselves while `tender:43` proceeds in parallel;
//!   `UNIQUE (chain, seq)` is the backstop should two writers ever race.
//! - SQLite allows one writer at a time anyway (our write transactions begin `IMMEDIATE`);
//!   there the per-chain design costs nothing and keeps the format identical.
//!
//! Each event's `hash` is SHA-256 over a canonical JSON array of its chain, sequence number,
//! the previous event's hash, time, actor, role, action, entity and payload (object keys
//! sorted). [`verify`] recomputes every chain and names the first event that does not match,
//! which catches an edited field, a re-hashed row that no longer links, and a removed event in
//! the middle of a chain (a gap in `seq`).
//!
//! Database triggers also refuse `UPDATE`/`DELETE` on `audit_events`; the chain is what catches
//! someone who bypasses them with direct database access.
//!
//! ## The end of a chain, and signed checkpoints
//! A chain alone cannot show that its last events were removed, or that its tail was replaced
//! by events with freshly recomputed hashes: what is left is still a valid chain. So at least
//! every `LICITA_CHECKPOINT_MINUTES` (when events were recorded), and at once after each
//! freeze, opening and award, the server folds every chain's head (chain, last sequence, last
//! hash) into a Merkle tree and signs its root ([`checkpoints`]). Checkpoints are published
//! (`GET /api/v1/audit/checkpoints`, the page `/puntos-de-control`) for anyone to keep.
//!
//! What [`checkpoints::verify`] (`licita audit verify`, and `--against FILE` with a
//! checkpoint a witness saved) detects and names, on events up to the checkpoint checked:
//! - the last event of a chain deleted, or a whole chain deleted: a head the checkpoint
//!   recorded is gone (`head_missing`, naming chain and sequence);
//! - a tail rewritten with recomputed hashes: the recorded head's hash differs
//!   (`head_rewritten`);
//! - the stored heads or checkpoints rewritten to match: the roots recomputed from the heads
//!   no longer match the signatures, or the witness's checkpoint (`root_mismatch`,
//!   `heads_missing`, `checkpoint_differs`, `checkpoint_missing`);
//! - and, as always, any change in the middle of a chain ([`verify`]);
//! - a checkpoint signed by any key but the deployment's (`foreign_key`), a gap in their
//!   numbers (`checkpoint_gap`), one that does not name the one before it (`chain_broken`);
//! - the checkpoint this server signed last (kept in its data directory, out of a DBA's
//!   reach) missing or different on record (`signed_checkpoint_missing`/`_differs`);
//! - events that no checkpoint covers while the log goes on more than two checkpoint
//!   intervals after them (`events_uncovered`): checkpoints deleted, or never made.
//!
//! A server signs only a consistent extension of what it signed before
//! ([`checkpoints::sign`]), and refuses loudly otherwise, so a restart after tampering does
//! not bless the tampered log. The latest checkpoint travels in every monthly open-data ZIP
//! (`punto-de-control.json`) and is published at `/puntos-de-control`: every downloader is a
//! witness.
//!
//! What it does **not** detect, honestly: someone with the database **and** a server's data
//! directory (its signing key and its witness file) can rewrite anything and sign it anew; only
//! a witness outside — a downloaded ZIP, a saved checkpoint, `--against` — shows it then. With
//! the database alone, the events after the newest checkpoint, within two checkpoint intervals
//! of the newest event, can be cut or rewritten at the tail of their chains unseen until the
//! next checkpoint is made — the server would then sign over the rewritten tail; a freeze, an
//! opening and an award are checkpointed at once, so that window never spans one of them once
//! its checkpoint is signed (a few seconds).

use crate::domain::UserId;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

use crate::{db::DbConnection, domain::Role, error::AppError, schema::audit_events};

pub mod checkpoints;

/// The hash a chain's first event links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who caused an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The user, or `None` for the system (CLI, seed, background jobs).
    pub user_id: Option<UserId>,
    /// The role the actor acted in (`system` for the system).
    pub role: String,
}

impl Actor {
    /// The system itself (command line, demo seed, scheduled jobs).
    pub fn system() -> Self {
        Self {
            user_id: None,
            role: "system".into(),
        }
    }

    /// A signed-in user acting in `role`.
    pub fn user(user_id: UserId, role: Role) -> Self {
        Self {
            user_id: Some(user_id),
            role: role.as_str().into(),
        }
    }
}

/// An event to append.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Chain key, e.g. `tender:42`. Use [`NewEvent::on`] to derive it from the entity.
    pub chain: String,
    /// What happened, e.g. `user.created`.
    pub action: &'static str,
    /// Kind of the entity changed, e.g. `user`.
    pub entity_type: &'static str,
    /// Its id.
    pub entity_id: String,
    /// Details (before/after values); never secrets.
    pub payload: Value,
}

impl NewEvent {
    /// An event on `entity_type:entity_id`, chained on that entity.
    pub fn on(
        entity_type: &'static str,
        entity_id: impl ToString,
        action: &'static str,
        payload: Value,
    ) -> Self {
        let entity_id = entity_id.to_string();
        Self {
            chain: format!("{entity_type}:{entity_id}"),
            action,
            entity_type,
            entity_id,
            payload,
        }
    }
}

/// A stored event.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEvent {
    /// Insertion order.
    pub id: i64,
    /// Chain key.
    pub chain: String,
    /// Position in the chain, from 1.
    pub seq: i64,
    /// Hash of the previous event in the chain ([`GENESIS`] for the first).
    pub prev_hash: String,
    /// This event's hash.
    pub hash: String,
    /// User who acted, if any.
    pub actor_id: Option<UserId>,
    /// Role acted in.
    pub actor_role: String,
    /// What happened.
    pub action: String,
    /// Kind of entity.
    pub entity_type: String,
    /// Entity id.
    pub entity_id: String,
    /// When (UTC).
    #[serde(with = "crate::domain::utc")]
    pub occurred_at: NaiveDateTime,
    /// Canonical JSON payload.
    pub payload: String,
}

impl From<AuditEventRow> for AuditEvent {
    fn from(row: AuditEventRow) -> Self {
        Self {
            id: row.id,
            chain: row.chain,
            seq: row.seq,
            prev_hash: row.prev_hash,
            hash: row.hash,
            actor_id: row.actor_id,
            actor_role: row.actor_role,
            action: row.action,
            entity_type: row.entity_type,
            entity_id: row.entity_id,
            occurred_at: row.occurred_at,
            payload: row.payload,
        }
    }
}

/// An audit event as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub(crate) struct AuditEventRow {
    pub id: i64,
    pub chain: String,
    pub seq: i64,
    pub prev_hash: String,
    pub hash: String,
    pub actor_id: Option<UserId>,
    pub actor_role: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub occurred_at: NaiveDateTime,
    pub payload: String,
}

#[derive(Insertable)]
#[diesel(table_name = audit_events)]
struct InsertEvent<'a> {
    chain: &'a str,
    seq: i64,
    prev_hash: &'a str,
    hash: &'a str,
    actor_id: Option<UserId>,
    actor_role: &'a str,
    action: &'a str,
    entity_type: &'a str,
    entity_id: &'a str,
    occurred_at: NaiveDateTime,
    payload: &'a str,
}

/// Appends `event` to its chain. Call it inside the write transaction of the change it records.
pub fn record(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    event: NewEvent,
) -> Result<(), AppError> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind::<diesel::sql_types::Text, _>(&event.chain)
            .execute(pg)?;
    }
    let last: Option<(i64, String, NaiveDateTime)> = audit_events::table
        .filter(audit_events::chain.eq(&event.chain))
        .order(audit_events::seq.desc())
        .select((
            audit_events::seq,
            audit_events::hash,
            audit_events::occurred_at,
        ))
        .first(conn)
        .optional()?;
    let (seq, prev_hash, at) = match last {
        // An entry reads its time before it waits for the pool and the chain's lock; an
        // event that waited behind a later-read one is dated when its turn came, so a
        // chain's times never go back (its order is the order of commits).
        Some((seq, hash, previous_at)) => (seq + 1, hash, now.max(previous_at)),
        None => (1, GENESIS.to_owned(), now),
    };
    append(conn, at, actor, event, seq, &prev_hash)
}

/// Starts the chain of an entity created in the current transaction with `event`: nobody
/// else can know the entity yet, so its chain is empty and needs neither the chain's lock nor
/// a look at its head (two statements fewer on the hot path of a deadline rush). Calling it
/// for an entity that may already have events would fork its chain: the unique (chain, seq)
/// index refuses that.
pub fn record_first(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    event: NewEvent,
) -> Result<(), AppError> {
    append(conn, now, actor, event, 1, GENESIS)
}

fn append(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    event: NewEvent,
    seq: i64,
    prev_hash: &str,
) -> Result<(), AppError> {
    let payload = canonical_json(&event.payload);
    let fields = HashedFields {
        chain: &event.chain,
        seq,
        prev_hash,
        occurred_at: now,
        actor_id: actor.user_id,
        actor_role: &actor.role,
        action: event.action,
        entity_type: event.entity_type,
        entity_id: &event.entity_id,
        payload: &payload,
    };
    let hash = fields.hash();
    diesel::insert_into(audit_events::table)
        .values(InsertEvent {
            chain: &event.chain,
            seq,
            prev_hash,
            hash: &hash,
            actor_id: actor.user_id,
            actor_role: &actor.role,
            action: event.action,
            entity_type: event.entity_type,
            entity_id: &event.entity_id,
            occurred_at: now,
            payload: &payload,
        })
        .execute(conn)?;
    Ok(())
}

struct HashedFields<'a> {
    chain: &'a str,
    seq: i64,
    prev_hash: &'a str,
    occurred_at: NaiveDateTime,
    actor_id: Option<UserId>,
    actor_role: &'a str,
    action: &'a str,
    entity_type: &'a str,
    entity_id: &'a str,
    payload: &'a str,
}

impl HashedFields<'_> {
    fn hash(&self) -> String {
        let canonical = serde_json::json!([
            self.chain,
            self.seq,
            self.prev_hash,
            self.occurred_at
                .format("%Y-%m-%dT%H:%M:%S%.6fZ")
                .to_string(),
            self.actor_id,
            self.actor_role,
            self.action,
            self.entity_type,
            self.entity_id,
            self.payload,
        ]);
        hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
    }
}

impl AuditEvent {
    fn recomputed_hash(&self) -> String {
        HashedFields {
            chain: &self.chain,
            seq: self.seq,
            prev_hash: &self.prev_hash,
            occurred_at: self.occurred_at,
            actor_id: self.actor_id,
            actor_role: &self.actor_role,
            action: &self.action,
            entity_type: &self.entity_type,
            entity_id: &self.entity_id,
            payload: &self.payload,
        }
        .hash()
    }
}

/// JSON with object keys sorted at every level and no insignificant white space, so the same
/// payload always hashes the same whatever map type produced it.
pub fn canonical_json(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.clone(), sorted(v)))
                        .collect(),
                )
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(value).to_string()
}

/// The result of recomputing every chain.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Verification {
    /// True when every event matches.
    pub ok: bool,
    /// Events checked.
    pub events_checked: u64,
    /// Chains seen.
    pub chains: u64,
    /// The first event that does not match, if any.
    pub first_mismatch: Option<Mismatch>,
    /// The check against the latest signed checkpoint (or a witness's), set by [`verify`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<checkpoints::CheckpointCheck>,
}

/// An event that does not match its chain.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Mismatch {
    /// Event id.
    pub id: i64,
    /// Its chain.
    pub chain: String,
    /// Its sequence number.
    pub seq: i64,
    /// What is wrong: `hash` (content changed), `link` (previous hash differs) or `sequence`
    /// (an event is missing before it).
    pub reason: &'static str,
}

/// Checks the whole record: every chain recomputed ([`verify_in`]) and the chains against
/// `against` (a witness's saved checkpoint) or the latest on record
/// ([`checkpoints::verify`]), reported in [`Verification::checkpoint`].
pub async fn verify(
    app: &crate::app::AppState,
    against: Option<checkpoints::Checkpoint>,
) -> Result<Verification, AppError> {
    let anchors = checkpoints::Anchors::of(app);
    app.db
        .run(move |conn| {
            let mut result = verify_in(conn)?;
            result.checkpoint = Some(checkpoints::verify(conn, against.as_ref(), &anchors)?);
            Ok(result)
        })
        .await
}

/// Recomputes every chain, in insertion order, in pages so memory stays flat.
pub fn verify_in(conn: &mut DbConnection) -> Result<Verification, AppError> {
    const PAGE: i64 = 2000;
    let mut heads: HashMap<String, (i64, String)> = HashMap::new();
    let mut checked = 0u64;
    let mut after_id = 0i64;
    loop {
        let page: Vec<AuditEvent> = audit_events::table
            .filter(audit_events::id.gt(after_id))
            .order(audit_events::id.asc())
            .limit(PAGE)
            .select(AuditEventRow::as_select())
            .load::<AuditEventRow>(conn)?
            .into_iter()
            .map(AuditEvent::from)
            .collect();
        let Some(last) = page.last() else { break };
        after_id = last.id;
        for event in page {
            checked += 1;
            let head = heads
                .get(&event.chain)
                .map(|(seq, hash)| (*seq, hash.as_str()));
            if let Some(reason) = mismatch(head, &event) {
                return Ok(Verification {
                    ok: false,
                    events_checked: checked,
                    chains: heads.len() as u64,
                    first_mismatch: Some(Mismatch {
                        id: event.id,
                        chain: event.chain,
                        seq: event.seq,
                        reason,
                    }),
                    checkpoint: None,
                });
            }
            heads.insert(event.chain, (event.seq, event.hash));
        }
    }
    Ok(Verification {
        ok: true,
        events_checked: checked,
        chains: heads.len() as u64,
        first_mismatch: None,
        checkpoint: None,
    })
}

/// What is wrong with `event` after the chain's `head` (sequence number and hash of the
/// previous event, none at the start), if anything.
fn mismatch(head: Option<(i64, &str)>, event: &AuditEvent) -> Option<&'static str> {
    let (expected_seq, expected_prev) = head.map_or((1, GENESIS), |(seq, hash)| (seq + 1, hash));
    if event.seq != expected_seq {
        Some("sequence")
    } else if event.prev_hash != expected_prev {
        Some("link")
    } else if event.recomputed_hash() != event.hash {
        Some("hash")
    } else {
        None
    }
}

/// Checks one chain's events (oldest first, as [`chain_events`] returns them): the first
/// event that does not match, if any.
pub fn check_chain(events: &[AuditEvent]) -> Option<Mismatch> {
    let mut head: Option<(i64, &str)> = None;
    for event in events {
        if let Some(reason) = mismatch(head, event) {
            return Some(Mismatch {
                id: event.id,
                chain: event.chain.clone(),
                seq: event.seq,
                reason,
            });
        }
        head = Some((event.seq, event.hash.as_str()));
    }
    None
}

/// The events of one chain, oldest first (for timelines).
pub fn chain_events(conn: &mut DbConnection, chain: &str) -> Result<Vec<AuditEvent>, AppError> {
    Ok(audit_events::table
        .filter(audit_events::chain.eq(chain))
        .order(audit_events::seq.asc())
        .select(AuditEventRow::as_select())
        .load::<AuditEventRow>(conn)?
        .into_iter()
        .map(AuditEvent::from)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let a = serde_json::json!({"b": 1, "a": {"d": [1, {"z": 0, "y": 1}], "c": "ñ"}});
        assert_eq!(
            canonical_json(&a),
            r#"{"a":{"c":"ñ","d":[1,{"y":1,"z":0}]},"b":1}"#
        );
    }
}
