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
//! transaction holds a shared advisory lock ([`WRITES_LOCK`], taken by
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

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::canonical_json;
use crate::{
    db::{DbConnection, WRITES_LOCK, write_transaction},
    domain::utc,
    error::AppError,
    keys::ReceiptKeys,
    merkle::{self, Frontier, Hash},
    schema::{audit_checkpoint_heads, audit_checkpoints, audit_events},
};

/// What a first-format checkpoint's signature is over, before its canonical JSON.
pub const CONTEXT_V1: &str = "licita-checkpoint-v1\n";

/// What a checkpoint's signature is over, before its canonical JSON.
pub const CONTEXT: &str = "licita-checkpoint-v2\n";

/// The file in the data directory where a server keeps the last checkpoint it signed: its own
/// witness, which a database administrator cannot reach.
pub const LOCAL_WITNESS: &str = "audit-checkpoint.json";

/// Advisory-lock key that makes checkpoint writers (several servers) take turns.
const CREATE_LOCK: i64 = 0x4c49_4349_5443; // "LICITC"

/// Actions after which a checkpoint is made at once (and the reason it gives).
pub const TRIGGERS: [(&str, &str); 3] = [
    ("tender.bids_frozen", "freeze"),
    ("tender.bids_opened", "opening"),
    ("award.made", "award"),
];

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

/// The consistency proof between two checkpoints ([`consistency_in`]): public.
pub async fn consistency(
    app: &crate::app::AppState,
    from: i64,
    to: i64,
) -> Result<ConsistencyProof, AppError> {
    app.db.run(move |conn| consistency_in(conn, from, to)).await
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

/// The highest event id below which every event is committed (see the module's
/// documentation); `None` when PostgreSQL's writers kept the lock for two seconds.
fn watermark(conn: &mut DbConnection) -> Result<Option<i64>, AppError> {
    let max_id = |conn: &mut DbConnection| -> Result<i64, AppError> {
        Ok(audit_events::table
            .select(diesel::dsl::max(audit_events::id))
            .first::<Option<i64>>(conn)?
            .unwrap_or(0))
    };
    match conn {
        DbConnection::Sqlite(_) => max_id(conn).map(Some),
        DbConnection::Postgresql(_) => {
            for _ in 0..40 {
                let got = conn.transaction::<_, AppError, _>(|conn| {
                    #[derive(QueryableByName)]
                    struct Got {
                        #[diesel(sql_type = diesel::sql_types::Bool)]
                        locked: bool,
                    }
                    let DbConnection::Postgresql(pg) = conn else {
                        return Ok(None);
                    };
                    let got: Got = diesel::sql_query(format!(
                        "SELECT pg_try_advisory_xact_lock({WRITES_LOCK}) AS locked"
                    ))
                    .get_result(pg)?;
                    if got.locked {
                        max_id(conn).map(Some)
                    } else {
                        Ok(None)
                    }
                })?;
                if got.is_some() {
                    return Ok(got);
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Ok(None)
        }
    }
}

/// Makes a checkpoint of every chain head that changed since the last one, signs it with
/// `keys` and stores it, checking nothing of what is on record: the primitive under [`sign`],
/// which is what every caller should use. `None` when no event was recorded since (or
/// PostgreSQL's writers held their lock throughout; the next attempt makes it).
pub fn create(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    now: NaiveDateTime,
    reason: &str,
) -> Result<Option<Checkpoint>, AppError> {
    create_checked(conn, keys, now, reason, |_, _, _| Ok(()))
}

/// [`create`], with `check` run inside its transaction on the latest checkpoint on record
/// and the new heads before anything is signed; an error from `check` refuses the signature.
fn create_checked<F>(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    now: NaiveDateTime,
    reason: &str,
    check: F,
) -> Result<Option<Checkpoint>, AppError>
where
    F: FnOnce(
        &mut DbConnection,
        Option<&(Checkpoint, i64, String)>,
        &BTreeMap<String, (i64, String)>,
    ) -> Result<(), AppError>,
{
    let Some(watermark) = watermark(conn)? else {
        return Ok(None);
    };
    write_transaction(conn, |conn| {
        if let DbConnection::Postgresql(pg) = conn {
            diesel::sql_query(format!("SELECT pg_advisory_xact_lock({CREATE_LOCK})"))
                .execute(pg)?;
        }
        let latest = latest_row(conn)?;
        let previous_digest = latest
            .as_ref()
            .map_or_else(String::new, |(c, _, _)| c.digest());
        let (previous, covered, mut frontier) = match &latest {
            Some((c, last_event, frontier)) => (
                c.id,
                *last_event,
                Frontier::from_text(frontier)
                    .ok_or_else(|| AppError::internal("stored checkpoint frontier"))?,
            ),
            None => (0, 0, Frontier::default()),
        };
        // The newest head of each chain that moved, in pages so a long backlog stays small.
        let mut heads: BTreeMap<String, (i64, String)> = BTreeMap::new();
        let mut after = covered;
        loop {
            let page: Vec<(i64, String, i64, String)> = audit_events::table
                .filter(audit_events::id.gt(after))
                .filter(audit_events::id.le(watermark))
                .order(audit_events::id.asc())
                .limit(10_000)
                .select((
                    audit_events::id,
                    audit_events::chain,
                    audit_events::seq,
                    audit_events::hash,
                ))
                .load(conn)?;
            let Some(last) = page.last() else { break };
            after = last.0;
            for (_, chain, seq, hash) in page {
                match heads.get(&chain) {
                    Some((known, _)) if *known >= seq => {}
                    _ => {
                        heads.insert(chain, (seq, hash));
                    }
                }
            }
        }
        // Checked even when there is nothing new: a record that is not ours is said at once.
        check(conn, latest.as_ref(), &heads)?;
        if watermark <= covered {
            return Ok(None);
        }
        let id = previous + 1;
        let first_position = i64::try_from(frontier.size()).map_err(AppError::internal)?;
        let rows: Vec<ChainHead> = heads
            .into_iter()
            .enumerate()
            .map(|(i, (chain, (seq, hash)))| ChainHead {
                position: first_position + i as i64,
                checkpoint_id: id,
                chain,
                seq,
                hash,
            })
            .collect();
        for h in &rows {
            frontier.push(&leaf(&h.chain, h.seq, &h.hash));
        }
        let mut checkpoint = Checkpoint {
            id,
            created_at: now,
            reason: reason.to_owned(),
            tree_size: i64::try_from(frontier.size()).map_err(AppError::internal)?,
            root: hex::encode(frontier.root()),
            public_key: keys.public_hex(),
            signature: String::new(),
            previous: Some(previous_digest),
            last_event_id: Some(watermark),
        };
        checkpoint.signature = keys.sign_with_context(CONTEXT, &checkpoint.message());
        diesel::insert_into(audit_checkpoints::table)
            .values((
                audit_checkpoints::id.eq(checkpoint.id),
                audit_checkpoints::created_at.eq(checkpoint.created_at),
                audit_checkpoints::reason.eq(&checkpoint.reason),
                audit_checkpoints::tree_size.eq(checkpoint.tree_size),
                audit_checkpoints::root.eq(&checkpoint.root),
                audit_checkpoints::last_event_id.eq(watermark),
                audit_checkpoints::frontier.eq(frontier.to_text()),
                audit_checkpoints::public_key.eq(&checkpoint.public_key),
                audit_checkpoints::signature.eq(&checkpoint.signature),
                audit_checkpoints::previous.eq(&checkpoint.previous),
            ))
            .execute(conn)?;
        for chunk in rows.chunks(1000) {
            let values: Vec<_> = chunk
                .iter()
                .map(|h| {
                    (
                        audit_checkpoint_heads::position.eq(h.position),
                        audit_checkpoint_heads::checkpoint_id.eq(h.checkpoint_id),
                        audit_checkpoint_heads::chain.eq(&h.chain),
                        audit_checkpoint_heads::seq.eq(h.seq),
                        audit_checkpoint_heads::hash.eq(&h.hash),
                    )
                })
                .collect();
            // Multi-row inserts are engine-specific in diesel; one statement per 1,000 heads.
            let insert = diesel::insert_into(audit_checkpoint_heads::table).values(values);
            match conn {
                DbConnection::Postgresql(pg) => insert.execute(pg)?,
                DbConnection::Sqlite(lite) => insert.execute(lite)?,
            };
        }
        Ok(Some(checkpoint))
    })
}

/// Why the server refused to sign a checkpoint: the record is not a consistent extension of
/// what it signed before.
fn refusal(why: String) -> AppError {
    tracing::error!(%why, "REFUSING to sign an audit checkpoint: run `licita audit verify`");
    AppError::internal(format!("refusing to sign an audit checkpoint: {why}"))
}

/// The last checkpoint this server signed, from its data directory (`None` before the first,
/// or when the file is unreadable: then it is logged and the database's record is trusted).
pub fn local_witness(data_dir: &std::path::Path) -> Option<Checkpoint> {
    let path = data_dir.join(LOCAL_WITNESS);
    let text = std::fs::read_to_string(&path).ok()?;
    match serde_json::from_str(&text) {
        Ok(c) => Some(c),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "unreadable local audit witness");
            None
        }
    }
}

/// Keeps `checkpoint` as this server's witness (written whole, then renamed into place).
fn keep_local_witness(data_dir: &std::path::Path, checkpoint: &Checkpoint) -> std::io::Result<()> {
    std::fs::create_dir_all(data_dir)?;
    let path = data_dir.join(LOCAL_WITNESS);
    let partial = data_dir.join(format!("{LOCAL_WITNESS}.partial"));
    std::fs::write(&partial, serde_json::to_vec_pretty(checkpoint)?)?;
    std::fs::rename(partial, path)
}

/// Signs the next checkpoint ([`create`]) only if what is on record is a consistent extension
/// of what this deployment signed before (see the module's documentation); otherwise refuses
/// with the reason. The checkpoint signed becomes this server's local witness.
pub fn sign(
    conn: &mut DbConnection,
    app: &crate::app::App,
    now: NaiveDateTime,
    reason: &str,
) -> Result<Option<Checkpoint>, AppError> {
    let key = app.receipts.public_hex();
    let witness = local_witness(&app.settings.data_dir);
    let made = create_checked(conn, &app.receipts, now, reason, |conn, latest, heads| {
        if let Some(w) = &witness {
            let on_record = audit_checkpoints::table
                .find(w.id)
                .select(CheckpointRow::as_select())
                .first(conn)
                .optional()?
                .map(|r| from_row(r).0);
            match on_record {
                None => {
                    return Err(refusal(format!(
                        "checkpoint #{}, which this server signed, is no longer on record",
                        w.id
                    )));
                }
                Some(c) if &c != w => {
                    return Err(refusal(format!(
                        "checkpoint #{} on record is not the one this server signed",
                        w.id
                    )));
                }
                Some(_) => {}
            }
        }
        let Some((last, _, frontier)) = latest else {
            return Ok(());
        };
        if last.public_key != key || !last.signature_valid_under(&key) {
            return Err(refusal(format!(
                "the latest checkpoint #{} is not signed by this deployment's key",
                last.id
            )));
        }
        let stored_root = Frontier::from_text(frontier).map(|f| hex::encode(f.root()));
        if stored_root.as_deref() != Some(last.root.as_str()) {
            return Err(refusal(format!(
                "the stored tree of checkpoint #{} no longer gives its signed root",
                last.id
            )));
        }
        for (chain, (seq, _)) in heads {
            consistent_chain(conn, chain, *seq).map_err(|e| match e {
                Inconsistent::Record(e) => e,
                Inconsistent::Chain(why) => refusal(why),
            })?;
        }
        Ok(())
    })?;
    if let Some(c) = &made
        && let Err(e) = keep_local_witness(&app.settings.data_dir, c)
    {
        tracing::warn!(error = %e, checkpoint = c.id, "could not keep the local audit witness");
    }
    Ok(made)
}

enum Inconsistent {
    Record(AppError),
    Chain(String),
}

impl From<diesel::result::Error> for Inconsistent {
    fn from(e: diesel::result::Error) -> Self {
        Self::Record(e.into())
    }
}

/// Does `chain`, now at `seq`, still hold the head the tree last recorded for it, and do its
/// events go on from that head?
fn consistent_chain(conn: &mut DbConnection, chain: &str, seq: i64) -> Result<(), Inconsistent> {
    let recorded: Option<(i64, String)> = audit_checkpoint_heads::table
        .filter(audit_checkpoint_heads::chain.eq(chain))
        .order(audit_checkpoint_heads::position.desc())
        .select((audit_checkpoint_heads::seq, audit_checkpoint_heads::hash))
        .first(conn)
        .optional()?;
    let Some((head_seq, head_hash)) = recorded else {
        return Ok(());
    };
    if seq < head_seq {
        return Err(Inconsistent::Chain(format!(
            "chain {chain} ends at event {seq}, before the event {head_seq} a checkpoint recorded"
        )));
    }
    let found: Option<String> = audit_events::table
        .filter(audit_events::chain.eq(chain))
        .filter(audit_events::seq.eq(head_seq))
        .select(audit_events::hash)
        .first(conn)
        .optional()?;
    if found.as_deref() != Some(head_hash.as_str()) {
        return Err(Inconsistent::Chain(format!(
            "chain {chain}: event {head_seq}, recorded by a checkpoint, is missing or rewritten"
        )));
    }
    let next: Option<String> = audit_events::table
        .filter(audit_events::chain.eq(chain))
        .filter(audit_events::seq.eq(head_seq + 1))
        .select(audit_events::prev_hash)
        .first(conn)
        .optional()?;
    if next.as_ref().is_some_and(|prev| *prev != head_hash) {
        return Err(Inconsistent::Chain(format!(
            "chain {chain}: event {} does not link to the head a checkpoint recorded",
            head_seq + 1
        )));
    }
    Ok(())
}

/// Why a checkpoint is due now, if one is: an event that must be covered at once (freeze,
/// opening, award), the first events ever, or events older than `interval` since the last.
pub fn due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    interval: chrono::Duration,
) -> Result<Option<&'static str>, AppError> {
    let last = latest_row(conn)?;
    let covered = last.as_ref().map_or(0, |(_, e, _)| *e);
    let newest: Option<i64> = audit_events::table
        .select(diesel::dsl::max(audit_events::id))
        .first(conn)?;
    if newest.is_none_or(|n| n <= covered) {
        return Ok(None);
    }
    let trigger: Option<String> = audit_events::table
        .filter(audit_events::id.gt(covered))
        .filter(audit_events::action.eq_any(TRIGGERS.map(|(a, _)| a)))
        .select(audit_events::action)
        .first(conn)
        .optional()?;
    if let Some(action) = trigger {
        return Ok(TRIGGERS
            .iter()
            .find(|(a, _)| *a == action)
            .map(|(_, reason)| *reason));
    }
    Ok(match last {
        None => Some("start"),
        Some((c, _, _)) if now - c.created_at >= interval => Some("scheduled"),
        Some(_) => None,
    })
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

fn leaf_hashes(heads: &[ChainHead]) -> Vec<Hash> {
    heads
        .iter()
        .map(|h| merkle::leaf_hash(&leaf(&h.chain, h.seq, &h.hash)))
        .collect()
}

/// The proof that a chain's head is in a checkpoint.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HeadProof {
    /// The checkpoint.
    pub checkpoint: Checkpoint,
    /// The chain's latest head in it.
    pub head: ChainHead,
    /// Audit path (hex), from the leaf's sibling upwards.
    pub audit_path: Vec<String>,
}

impl HeadProof {
    /// Does the path lead from the head to the checkpoint's root?
    pub fn verifies(&self) -> bool {
        let (Ok(root), Ok(path)) = (
            decode_hash(&self.checkpoint.root),
            self.audit_path
                .iter()
                .map(|h| decode_hash(h))
                .collect::<Result<Vec<_>, _>>(),
        ) else {
            return false;
        };
        merkle::verify_inclusion(
            &leaf(&self.head.chain, self.head.seq, &self.head.hash),
            u64::try_from(self.head.position).unwrap_or(u64::MAX),
            u64::try_from(self.checkpoint.tree_size).unwrap_or(0),
            &path,
            &root,
        )
    }
}

fn decode_hash(text: &str) -> Result<Hash, ()> {
    hex::decode(text)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
        .ok_or(())
}

/// The inclusion proof of `chain`'s latest head in checkpoint `id` (404 when the chain has
/// no head in it).
pub fn head_proof(conn: &mut DbConnection, id: i64, chain: &str) -> Result<HeadProof, AppError> {
    let checkpoint = find_in(conn, id)?;
    let heads = heads_upto(conn, checkpoint.tree_size)?;
    let head = heads
        .iter()
        .rev()
        .find(|h| h.chain == chain)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let index = usize::try_from(head.position).map_err(AppError::internal)?;
    let path = merkle::inclusion_proof_of(&leaf_hashes(&heads), index)
        .ok_or_else(|| AppError::internal("head position beyond the tree"))?;
    Ok(HeadProof {
        checkpoint,
        head,
        audit_path: path.iter().map(hex::encode).collect(),
    })
}

/// The consistency proof between two checkpoints.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ConsistencyProof {
    /// The earlier checkpoint.
    pub from: Checkpoint,
    /// The later one.
    pub to: Checkpoint,
    /// RFC 6962 consistency proof (hex).
    pub proof: Vec<String>,
}

impl ConsistencyProof {
    /// Is the earlier tree the start of the later one?
    pub fn verifies(&self) -> bool {
        let (Ok(a), Ok(b), Ok(proof)) = (
            decode_hash(&self.from.root),
            decode_hash(&self.to.root),
            self.proof
                .iter()
                .map(|h| decode_hash(h))
                .collect::<Result<Vec<_>, _>>(),
        ) else {
            return false;
        };
        merkle::verify_consistency(
            u64::try_from(self.from.tree_size).unwrap_or(0),
            u64::try_from(self.to.tree_size).unwrap_or(0),
            &a,
            &b,
            &proof,
        )
    }
}

/// The consistency proof from checkpoint `from` to checkpoint `to` (`from` ≤ `to`).
pub fn consistency_in(
    conn: &mut DbConnection,
    from: i64,
    to: i64,
) -> Result<ConsistencyProof, AppError> {
    if from > to {
        return Err(AppError::field("from", "checkpoint_order"));
    }
    let (a, b) = (find_in(conn, from)?, find_in(conn, to)?);
    let heads = heads_upto(conn, b.tree_size)?;
    let m = usize::try_from(a.tree_size).map_err(AppError::internal)?;
    let proof = if m == 0 {
        Vec::new()
    } else {
        merkle::consistency_proof_of(&leaf_hashes(&heads), m)
            .ok_or_else(|| AppError::internal("checkpoint beyond the tree"))?
    };
    Ok(ConsistencyProof {
        from: a,
        to: b,
        proof: proof.iter().map(hex::encode).collect(),
    })
}

/// Something a checkpoint shows was changed after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CheckpointProblem {
    /// `head_missing` (a chain was cut or deleted), `head_rewritten` (its events were
    /// replaced), `root_mismatch` (the heads on record no longer give the signed root),
    /// `heads_missing` (fewer heads than the checkpoint covered), `signature_invalid`,
    /// `checkpoint_differs` (the stored checkpoint is not the one a witness saved),
    /// `checkpoint_missing` (a witness's checkpoint is not on record), the same two for the
    /// checkpoint this server signed last (`signed_checkpoint_…`), `foreign_key` (signed by
    /// another key than the deployment's), `checkpoint_gap`, `chain_broken` (it does not name
    /// the checkpoint before it) or `events_uncovered` (events no checkpoint covers while the
    /// log goes on well after them).
    pub kind: &'static str,
    /// The checkpoint that shows it.
    pub checkpoint_id: i64,
    /// The chain, for head problems.
    pub chain: Option<String>,
    /// The event's sequence number, for head problems.
    pub seq: Option<i64>,
    /// The hash the checkpoint recorded.
    pub expected_hash: Option<String>,
    /// The hash on record now (none when the event is gone); for `events_uncovered`, how long
    /// the log goes on after the first uncovered event.
    pub found_hash: Option<String>,
}

impl CheckpointProblem {
    fn of(kind: &'static str, checkpoint_id: i64) -> Self {
        Self {
            kind,
            checkpoint_id,
            chain: None,
            seq: None,
            expected_hash: None,
            found_hash: None,
        }
    }

    /// One line in English for the command line.
    pub fn describe(&self) -> String {
        let chain = self.chain.as_deref().unwrap_or("?");
        let seq = self.seq.unwrap_or(0);
        let short = |h: &Option<String>| {
            h.as_deref()
                .map(|h| h.chars().take(12).collect::<String>())
                .unwrap_or_default()
        };
        match self.kind {
            "head_missing" => format!(
                "chain {chain}: event {seq} (hash {}…), covered by checkpoint #{}, is missing: the chain was cut or deleted",
                short(&self.expected_hash),
                self.checkpoint_id
            ),
            "head_rewritten" => format!(
                "chain {chain}: event {seq} differs from checkpoint #{} (hash {}… then, {}… now): the chain was rewritten",
                self.checkpoint_id,
                short(&self.expected_hash),
                short(&self.found_hash)
            ),
            "root_mismatch" => format!(
                "the chain heads on record no longer give the signed root of checkpoint #{}: the record of heads was rewritten",
                self.checkpoint_id
            ),
            "heads_missing" => format!(
                "fewer chain heads are on record than checkpoint #{} covered: the record was cut",
                self.checkpoint_id
            ),
            "signature_invalid" => format!(
                "checkpoint #{}'s signature does not verify",
                self.checkpoint_id
            ),
            "checkpoint_differs" => format!(
                "checkpoint #{} on record is not the one the witness saved",
                self.checkpoint_id
            ),
            "checkpoint_missing" => format!(
                "checkpoint #{}, which the witness saved, is not on record",
                self.checkpoint_id
            ),
            "signed_checkpoint_missing" => format!(
                "checkpoint #{}, which this server signed (its data directory keeps it), is not on record: checkpoints were deleted",
                self.checkpoint_id
            ),
            "signed_checkpoint_differs" => format!(
                "checkpoint #{} on record is not the one this server signed",
                self.checkpoint_id
            ),
            "foreign_key" => format!(
                "checkpoint #{} is signed by a key that is not this deployment's: it was made elsewhere",
                self.checkpoint_id
            ),
            "checkpoint_gap" => format!(
                "checkpoint #{} is missing from the sequence of checkpoints",
                self.checkpoint_id
            ),
            "chain_broken" => format!(
                "checkpoint #{} does not name the checkpoint before it: checkpoints were removed or replaced",
                self.checkpoint_id
            ),
            "events_uncovered" => format!(
                "chain {chain}: event {seq} is covered by no checkpoint, though the log goes on {} after it (checkpoints come every few minutes): checkpoints were deleted or never made",
                self.found_hash.as_deref().unwrap_or("?")
            ),
            other => format!("checkpoint #{}: {other}", self.checkpoint_id),
        }
    }
}

/// The result of checking the log against a checkpoint.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckpointCheck {
    /// The checkpoint checked against (the latest on record, or a witness's).
    pub checkpoint: Option<Checkpoint>,
    /// Checkpoints on record whose signature and root were recomputed.
    pub checkpoints_checked: u64,
    /// Chain heads compared with the chains.
    pub heads_checked: u64,
    /// What does not match (empty when everything does), first ones first.
    pub problems: Vec<CheckpointProblem>,
}

/// What a verification trusts that the database cannot change.
#[derive(Debug, Clone)]
pub struct Anchors {
    /// The deployment's one public key (hex): every checkpoint must be signed by it.
    pub key: String,
    /// The last checkpoint this server signed, from its data directory ([`local_witness`]).
    pub local: Option<Checkpoint>,
    /// `LICITA_CHECKPOINT_MINUTES`: events are covered by a checkpoint within it.
    pub interval: chrono::Duration,
}

impl Anchors {
    /// The anchors of the server `app` (its key, its local witness, its interval).
    pub fn of(app: &crate::app::App) -> Self {
        Self {
            key: app.receipts.public_hex(),
            local: local_witness(&app.settings.data_dir),
            interval: app.settings.checkpoint_interval,
        }
    }
}

/// Checks the stored checkpoints and the chains against the latest checkpoint known — on
/// record, `against` (a witness's) or the server's own local witness:
/// - every checkpoint is signed by the deployment's key (`foreign_key`, `signature_invalid`),
///   numbered without gaps (`checkpoint_gap`) and names the one before it (`chain_broken`);
/// - the roots recomputed from the stored heads match (`root_mismatch`, `heads_missing`);
/// - a witness's checkpoint, and the one this server signed last, are on record unchanged
///   (`checkpoint_missing`, `checkpoint_differs`, `signed_checkpoint_missing`,
///   `signed_checkpoint_differs`);
/// - every head it covers is still its chain's event with the same hash (`head_missing`,
///   `head_rewritten`);
/// - no event is left uncovered while the log goes on more than two checkpoint intervals
///   after it (`events_uncovered`): checkpoints were deleted, or never made.
pub fn verify(
    conn: &mut DbConnection,
    against: Option<&Checkpoint>,
    anchors: &Anchors,
) -> Result<CheckpointCheck, AppError> {
    const LIMIT: usize = 20;
    let rows: Vec<(Checkpoint, i64, String)> = audit_checkpoints::table
        .order(audit_checkpoints::id.asc())
        .select(CheckpointRow::as_select())
        .load(conn)?
        .into_iter()
        .map(from_row)
        .collect();
    let covered = rows.last().map_or(0, |(_, last_event, _)| *last_event);
    let stored: Vec<Checkpoint> = rows.into_iter().map(|(c, _, _)| c).collect();
    let mut problems = Vec::new();
    // Signed by the deployment's key, numbered from 1 without gaps, each naming the one before.
    let outside = [against, anchors.local.as_ref()];
    for c in stored.iter().chain(outside.into_iter().flatten()) {
        if c.public_key != anchors.key {
            problems.push(CheckpointProblem::of("foreign_key", c.id));
        } else if !c.signature_valid_under(&anchors.key) {
            problems.push(CheckpointProblem::of("signature_invalid", c.id));
        }
    }
    let mut before: Option<&Checkpoint> = None;
    for (n, c) in (1..).zip(&stored) {
        if c.id != n {
            problems.push(CheckpointProblem::of("checkpoint_gap", n));
            break;
        }
        let links = match (&c.previous, before) {
            (None, None) => true,
            (None, Some(b)) => !b.chained(),
            (Some(p), None) => p.is_empty(),
            (Some(p), Some(b)) => *p == b.digest(),
        };
        if !links {
            problems.push(CheckpointProblem::of("chain_broken", c.id));
        }
        before = Some(c);
    }
    for (witness, missing, differs) in [
        (against, "checkpoint_missing", "checkpoint_differs"),
        (
            anchors.local.as_ref(),
            "signed_checkpoint_missing",
            "signed_checkpoint_differs",
        ),
    ] {
        let Some(w) = witness else { continue };
        match stored.iter().find(|c| c.id == w.id) {
            None => problems.push(CheckpointProblem::of(missing, w.id)),
            Some(c) if c != w => problems.push(CheckpointProblem::of(differs, w.id)),
            Some(_) => {}
        }
    }
    problems.extend(uncovered(conn, covered, stored.last(), anchors.interval)?);
    // The latest checkpoint known: the largest tree on record or held outside.
    let target = stored
        .last()
        .into_iter()
        .chain(outside.into_iter().flatten())
        .max_by_key(|c| c.tree_size)
        .cloned();
    let Some(target) = target else {
        problems.truncate(LIMIT);
        return Ok(CheckpointCheck {
            checkpoint: None,
            checkpoints_checked: 0,
            heads_checked: 0,
            problems,
        });
    };
    // Recompute every stored root, and the witnesses', from the stored heads.
    let upto = stored
        .iter()
        .map(|c| c.tree_size)
        .chain([target.tree_size])
        .max()
        .unwrap_or(0);
    let heads = heads_upto(conn, upto)?;
    let mut frontier = Frontier::default();
    let mut roots: BTreeMap<i64, String> = BTreeMap::new();
    roots.insert(0, hex::encode(frontier.root()));
    for h in &heads {
        if h.position != i64::try_from(frontier.size()).unwrap_or(-1) {
            break;
        }
        frontier.push(&leaf(&h.chain, h.seq, &h.hash));
        roots.insert(
            i64::try_from(frontier.size()).unwrap_or(i64::MAX),
            hex::encode(frontier.root()),
        );
    }
    for c in stored.iter().chain(outside.into_iter().flatten()) {
        match roots.get(&c.tree_size) {
            None => problems.push(CheckpointProblem::of("heads_missing", c.id)),
            Some(root) if *root != c.root => {
                problems.push(CheckpointProblem::of("root_mismatch", c.id))
            }
            Some(_) => {}
        }
    }
    problems.dedup();
    // Every head the target covers is still on its chain, with the same hash.
    let mismatched = mismatched_heads(conn, target.tree_size, LIMIT)?;
    for (head, found) in mismatched {
        problems.push(CheckpointProblem {
            kind: if found.is_some() {
                "head_rewritten"
            } else {
                "head_missing"
            },
            checkpoint_id: head.checkpoint_id,
            chain: Some(head.chain),
            seq: Some(head.seq),
            expected_hash: Some(head.hash),
            found_hash: found,
        });
    }
    problems.truncate(LIMIT);
    Ok(CheckpointCheck {
        checkpoint: Some(target.clone()),
        checkpoints_checked: stored.len() as u64,
        heads_checked: u64::try_from(target.tree_size.min(heads.len() as i64)).unwrap_or(0),
        problems,
    })
}

/// The oldest event after `covered` (the newest event id a checkpoint covers), when the log
/// goes on more than two `interval`s after it: a running server covers every event within
/// one, so its checkpoints were deleted or never made. Judged by the events' own times, not
/// the clock of whoever verifies.
fn uncovered(
    conn: &mut DbConnection,
    covered: i64,
    latest: Option<&Checkpoint>,
    interval: chrono::Duration,
) -> Result<Option<CheckpointProblem>, AppError> {
    // The oldest uncovered event by its time (the demo's story records some after others).
    let oldest: Option<NaiveDateTime> = audit_events::table
        .filter(audit_events::id.gt(covered))
        .select(diesel::dsl::min(audit_events::occurred_at))
        .first(conn)?;
    let Some(oldest) = oldest else {
        return Ok(None);
    };
    let (chain, seq, at): (String, i64, NaiveDateTime) = audit_events::table
        .filter(audit_events::id.gt(covered))
        .filter(audit_events::occurred_at.eq(oldest))
        .order(audit_events::id.asc())
        .select((
            audit_events::chain,
            audit_events::seq,
            audit_events::occurred_at,
        ))
        .first(conn)?;
    let newest: Option<NaiveDateTime> = audit_events::table
        .select(diesel::dsl::max(audit_events::occurred_at))
        .first(conn)?;
    Ok(newest
        .filter(|later| *later - at > interval * 2)
        .map(|later| CheckpointProblem {
            kind: "events_uncovered",
            checkpoint_id: latest.map_or(0, |c| c.id),
            chain: Some(chain),
            seq: Some(seq),
            expected_hash: None,
            found_hash: Some(format!("{} minutes", (later - at).num_minutes())),
        }))
}

/// Heads among the first `size` whose event is gone or has another hash, with the hash
/// found (in position order, at most `limit`). One query: the unique (chain, seq) index does
/// the lookups.
fn mismatched_heads(
    conn: &mut DbConnection,
    size: i64,
    limit: usize,
) -> Result<Vec<(ChainHead, Option<String>)>, AppError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        position: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        checkpoint_id: i64,
        #[diesel(sql_type = diesel::sql_types::Text)]
        chain: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        seq: i64,
        #[diesel(sql_type = diesel::sql_types::Text)]
        hash: String,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        found: Option<String>,
    }
    // `size` and `limit` are numbers this function was given, not text from outside.
    let sql = format!(
        "SELECT h.position, h.checkpoint_id, h.chain, h.seq, h.hash, e.hash AS found \
         FROM audit_checkpoint_heads h \
         LEFT JOIN audit_events e ON e.chain = h.chain AND e.seq = h.seq \
         WHERE h.position < {size} AND (e.hash IS NULL OR e.hash <> h.hash) \
         ORDER BY h.position LIMIT {limit}"
    );
    let rows: Vec<Row> = match conn {
        DbConnection::Postgresql(pg) => diesel::sql_query(sql).load(pg)?,
        DbConnection::Sqlite(lite) => diesel::sql_query(sql).load(lite)?,
    };
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                ChainHead {
                    position: r.position,
                    checkpoint_id: r.checkpoint_id,
                    chain: r.chain,
                    seq: r.seq,
                    hash: r.hash,
                },
                r.found,
            )
        })
        .collect())
}

/// Reads a checkpoint a witness saved: the checkpoint itself, or the answer of
/// `GET /api/v1/audit/checkpoints` (its `latest`).
pub fn parse_saved(text: &str) -> Result<Checkpoint, String> {
    if let Ok(c) = serde_json::from_str::<Checkpoint>(text) {
        return Ok(c);
    }
    #[derive(Deserialize)]
    struct Listing {
        latest: Checkpoint,
    }
    serde_json::from_str::<Listing>(text)
        .map(|l| l.latest)
        .map_err(|e| format!("not a Licita checkpoint: {e}"))
}
