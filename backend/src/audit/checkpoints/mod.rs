//! Signed checkpoints of the audit log: the heads of every chain folded into one Merkle tree
//! whose root the server signs and publishes, as Certificate Transparency publishes signed
//! tree heads. What they protect, and what they do not, is explained in [`super`].
//!
//! ## The tree
//! A leaf is one chain head, the canonical JSON `["tender:42", 7, "<hash of event 7>"]`.
//! Each checkpoint appends, in chain order, the head of every chain that gained events since
//! the checkpoint before it; the tree only grows, so any two checkpoints are related by an
//! RFC 6962 consistency proof, and any head by an inclusion proof. The latest head of a chain
//! as of checkpoint `k` is its last leaf among the first `tree_size(k)` leaves. The stored
//! frontier ([`crate::merkle::Frontier`]) makes the next root cost only the new heads.
//!
//! ## Which events a checkpoint covers
//! A checkpoint covers the events up to a **watermark** id. Event ids are drawn inside write
//! transactions, so on PostgreSQL an id may commit after a higher one: every write
//! transaction holds a shared advisory lock ([`crate::db::WRITES_LOCK`], taken by
//! [`crate::db::write_transaction`]) and the watermark is read under the exclusive one, when
//! no transaction is in flight; below it, every event that will ever exist is committed. The
//! watermark only tries the lock (for up to two seconds), so a checkpoint never makes writers
//! queue behind it. SQLite has one writer at a time: the highest committed id is a watermark.
//!
//! ## The signature, and the chain of checkpoints
//! `licita-checkpoint-v2\n` followed by the canonical JSON of `{checkpoint, created_at,
//! last_event, previous, root, tree_size}`, signed with the server's Ed25519 key (the one bid
//! receipts are signed with, published at `/api/v1/receipts/key` and with every checkpoint), so
//! a witness who saved a checkpoint can prove what the server said. `previous` is the SHA-256
//! of the checkpoint before it as signed ([`Checkpoint::digest`]; empty for the first), so the
//! checkpoints form a chain of their own, and `last_event` the newest event id it covers.
//! Checkpoints of the first format (`licita-checkpoint-v1\n`, without those two fields) still
//! verify; none may follow one of the second.
//!
//! ## Who may sign, and when a server refuses
//! [`verify`] checks every checkpoint against **the one key of the deployment** (the server's
//! configured key), never against the key a row names: a checkpoint signed by any other key is
//! `foreign_key`. [`sign`] — what the server, the demo seed and `licita audit checkpoint` call —
//! signs only a consistent extension of what is on record: the latest checkpoint signed by
//! this key with its stored frontier giving its root, every chain that moved still holding the
//! head the tree recorded for it and linking on from it, and the checkpoint this server signed
//! last (kept in its data directory, [`LOCAL_WITNESS`]) still on record unchanged. Otherwise it
//! refuses and says why, and the log says it loudly.
//!
//! ## Where it is
//! This file holds the checkpoint itself (its format, signed message and digest) and reading
//! the record; `signing` makes and signs the next one, `proofs` proves a head or a tree
//! against one, and `verify` checks the whole log against them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::canonical_json;
use crate::{
    db::DbConnection,
    domain::utc,
    error::AppError,
    keys::ReceiptKeys,
    schema::{audit_checkpoint_heads, audit_checkpoints},
};

mod proofs;
mod signing;
mod verify;
pub use proofs::*;
pub use signing::*;
pub use verify::*;

/// What a first-format checkpoint's signature is over, before its canonical JSON.
pub const CONTEXT_V1: &str = "licita-checkpoint-v1\n";

/// What a checkpoint's signature is over, before its canonical JSON.
pub const CONTEXT: &str = "licita-checkpoint-v2\n";

/// The file in the data directory where a server keeps the last checkpoint it signed: its own
/// witness, which a database administrator cannot reach.
pub const LOCAL_WITNESS: &str = "audit-checkpoint.json";

/// A signed checkpoint, as published and as a witness keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Checkpoint {
    /// Sequence number, from 1.
    pub id: i64,
    /// When it was made (UTC).
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
    /// Why: scheduled, start, freeze, opening, award or operator.
    pub reason: String,
    /// Leaves (chain heads) in the tree.
    pub tree_size: i64,
    /// Merkle root (RFC 6962, hex).
    pub root: String,
    /// The server's Ed25519 public key (hex).
    pub public_key: String,
    /// Ed25519 signature (base64) of [`CONTEXT`] and [`Checkpoint::message`].
    pub signature: String,
    /// The [`Checkpoint::digest`] of the checkpoint before it (empty for the first); absent
    /// from checkpoints of the first format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// The newest audit event id it covers (every event up to it); signed from the second
    /// format on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_event_id: Option<i64>,
}

impl Checkpoint {
    /// Is it of the second format (names the checkpoint before it and its last event)?
    fn chained(&self) -> bool {
        self.previous.is_some()
    }

    /// The context its signature is over.
    fn context(&self) -> &'static str {
        if self.chained() { CONTEXT } else { CONTEXT_V1 }
    }

    /// The signed message.
    pub fn message(&self) -> String {
        match &self.previous {
            Some(previous) => canonical_json(&json!({
                "checkpoint": self.id,
                "created_at": utc::format(self.created_at),
                "last_event": self.last_event_id.unwrap_or(0),
                "previous": previous,
                "root": self.root,
                "tree_size": self.tree_size,
            })),
            None => canonical_json(&json!({
                "checkpoint": self.id,
                "created_at": utc::format(self.created_at),
                "root": self.root,
                "tree_size": self.tree_size,
            })),
        }
    }

    /// SHA-256 (hex) of what was signed and its signature: how the next checkpoint names it.
    pub fn digest(&self) -> String {
        use sha2::Digest as _;
        hex::encode(sha2::Sha256::digest(
            format!("{}{}\n{}", self.context(), self.message(), self.signature).as_bytes(),
        ))
    }

    /// Does the signature match, under the key the checkpoint names? (What a witness checks
    /// once it has compared that key with the published one.)
    pub fn signature_valid(&self) -> bool {
        self.signature_valid_under(&self.public_key)
    }

    /// Does the signature match under `public_hex` (the deployment's key)?
    pub fn signature_valid_under(&self, public_hex: &str) -> bool {
        ReceiptKeys::verify_with_context(
            public_hex,
            self.context(),
            &self.message(),
            &self.signature,
        )
    }
}

/// A leaf: one chain head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChainHead {
    /// Position of the leaf in the tree.
    pub position: i64,
    /// The checkpoint that appended it.
    pub checkpoint_id: i64,
    /// Chain key.
    pub chain: String,
    /// Sequence number of the chain's last event then.
    pub seq: i64,
    /// That event's hash.
    pub hash: String,
}

/// The bytes of a leaf.
pub fn leaf(chain: &str, seq: i64, hash: &str) -> Vec<u8> {
    serde_json::json!([chain, seq, hash])
        .to_string()
        .into_bytes()
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = audit_checkpoints)]
struct CheckpointRow {
    id: i64,
    created_at: NaiveDateTime,
    reason: String,
    tree_size: i64,
    root: String,
    last_event_id: i64,
    frontier: String,
    public_key: String,
    signature: String,
    previous: Option<String>,
}

/// A stored checkpoint, its watermark and its frontier.
fn from_row(r: CheckpointRow) -> (Checkpoint, i64, String) {
    (
        Checkpoint {
            id: r.id,
            created_at: r.created_at,
            reason: r.reason,
            tree_size: r.tree_size,
            root: r.root,
            public_key: r.public_key,
            signature: r.signature,
            last_event_id: r.previous.is_some().then_some(r.last_event_id),
            previous: r.previous,
        },
        r.last_event_id,
        r.frontier,
    )
}

/// The latest checkpoint with its watermark, if any.
fn latest_row(conn: &mut DbConnection) -> Result<Option<(Checkpoint, i64, String)>, AppError> {
    Ok(audit_checkpoints::table
        .order(audit_checkpoints::id.desc())
        .select(CheckpointRow::as_select())
        .first(conn)
        .optional()?
        .map(from_row))
}

/// The latest checkpoint.
pub fn latest(conn: &mut DbConnection) -> Result<Option<Checkpoint>, AppError> {
    Ok(latest_row(conn)?.map(|(c, _, _)| c))
}

/// The latest checkpoint and `limit` before id `before` ([`history_in`]): public, so anyone
/// may keep one as a witness.
pub async fn history(
    app: &crate::app::AppState,
    before: Option<i64>,
    limit: i64,
) -> Result<(Option<Checkpoint>, Vec<Checkpoint>), AppError> {
    if !(1..=200).contains(&limit) {
        return Err(AppError::Validation(vec![
            crate::error::FieldError::new("limit", "out_of_range")
                .arg("min", 1)
                .arg("max", 200),
        ]));
    }
    app.db
        .run(move |conn| Ok((latest(conn)?, history_in(conn, before, limit)?)))
        .await
}

/// One checkpoint ([`find_in`]): public.
pub async fn find(app: &crate::app::AppState, id: i64) -> Result<Checkpoint, AppError> {
    app.db.run(move |conn| find_in(conn, id)).await
}

/// One checkpoint.
pub fn find_in(conn: &mut DbConnection, id: i64) -> Result<Checkpoint, AppError> {
    Ok(from_row(
        audit_checkpoints::table
            .find(id)
            .select(CheckpointRow::as_select())
            .first(conn)?,
    )
    .0)
}

/// Checkpoints newest first, `limit` of them before id `before` (exclusive).
pub fn history_in(
    conn: &mut DbConnection,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Checkpoint>, AppError> {
    let mut query = audit_checkpoints::table
        .order(audit_checkpoints::id.desc())
        .limit(limit)
        .select(CheckpointRow::as_select())
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(audit_checkpoints::id.lt(before));
    }
    Ok(query
        .load(conn)?
        .into_iter()
        .map(|r| from_row(r).0)
        .collect())
}

/// Every leaf among the first `size`, in order (for proofs and verification).
fn heads_upto(conn: &mut DbConnection, size: i64) -> Result<Vec<ChainHead>, AppError> {
    Ok(audit_checkpoint_heads::table
        .filter(audit_checkpoint_heads::position.lt(size))
        .order(audit_checkpoint_heads::position.asc())
        .select((
            audit_checkpoint_heads::position,
            audit_checkpoint_heads::checkpoint_id,
            audit_checkpoint_heads::chain,
            audit_checkpoint_heads::seq,
            audit_checkpoint_heads::hash,
        ))
        .load::<(i64, i64, String, i64, String)>(conn)?
        .into_iter()
        .map(|(position, checkpoint_id, chain, seq, hash)| ChainHead {
            position,
            checkpoint_id,
            chain,
            seq,
            hash,
        })
        .collect())
}
