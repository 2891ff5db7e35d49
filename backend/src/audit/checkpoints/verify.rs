//! Verifying the log against its checkpoints ([`verify`]): every checkpoint's key,
//! signature, numbering and link to the one before, the roots recomputed from the stored
//! heads, the witnesses' checkpoints still on record, every covered head still on its chain,
//! and no event left uncovered; the problems found, and reading a checkpoint a witness saved.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::{ChainHead, Checkpoint, CheckpointRow, from_row, heads_upto, leaf, local_witness};
use crate::{
    db::DbConnection,
    error::AppError,
    merkle::Frontier,
    schema::{audit_checkpoints, audit_events},
};

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
