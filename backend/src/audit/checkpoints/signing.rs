//! Making and signing a checkpoint: the watermark below which every event is committed,
//! the new chain heads appended to the tree, the checks [`sign`] makes before it signs (the
//! record a consistent extension of what this server signed, its local witness unchanged),
//! and when the next checkpoint is [`due`].

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    CONTEXT, ChainHead, Checkpoint, CheckpointRow, LOCAL_WITNESS, from_row, latest_row, leaf,
};
use crate::{
    db::{DbConnection, WRITES_LOCK, write_transaction},
    error::AppError,
    keys::ReceiptKeys,
    merkle::Frontier,
    schema::{audit_checkpoint_heads, audit_checkpoints, audit_events},
};

/// Advisory-lock key that makes checkpoint writers (several servers) take turns.
const CREATE_LOCK: i64 = 0x4c49_4349_5443; // "LICITC"

/// Actions after which a checkpoint is made at once (and the reason it gives).
pub const TRIGGERS: [(&str, &str); 3] = [
    ("tender.bids_frozen", "freeze"),
    ("tender.bids_opened", "opening"),
    ("award.made", "award"),
];

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
