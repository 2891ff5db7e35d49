//! The search projection in the database: one narrow row per published tender
//! (`tender_search_rows`) with only what the public search filters and sorts on, and the
//! tender's stems. [`project`] writes a tender's row in the transaction of each of its
//! changes; [`changes_since`] is how every server's in-memory image ([`super::image`]) learns
//! what moved since its last search; [`reindex`] rebuilds every row from the tables.
//!
//! A row's `revision` orders its changes for the readers. On SQLite, writers are serialised
//! (`BEGIN IMMEDIATE`), so one more than the largest revision commits in revision order. On
//! PostgreSQL, transactions commit in any order, so the revision is the writing transaction's
//! id, and a reader asks for every row at or after the oldest transaction still running when
//! it last read (`pg_snapshot_xmin`): a row committed late by an old transaction is read the
//! next time, never skipped. A reader may see a row twice; applying it twice changes nothing.

use chrono::NaiveDateTime;
use diesel::{dsl::sql, prelude::*, sql_types::BigInt};
use std::collections::{BTreeSet, HashMap};

use super::stems;
use crate::{
    db::DbConnection,
    domain::{AwardStatus, Category, Currency, Method, TenderId, TenderStatus},
    error::AppError,
    schema::{awards, bids, buyers, suppliers, tender_search_rows, tenders},
};

/// A tender's row in the search projection (its revision aside).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = tender_search_rows)]
pub struct SearchRow {
    /// The tender.
    pub tender_id: i64,
    /// Its stored status (the search computes the status at its own instant from it).
    pub status: TenderStatus,
    /// Buyer entity.
    pub buyer_id: i64,
    /// Procurement method.
    pub method: Method,
    /// Category.
    pub category: Category,
    /// UNSPSC code.
    pub classification: String,
    /// Currency of the estimate.
    pub currency: Currency,
    /// Estimate in minor units.
    pub estimated_value: i64,
    /// End of enquiries (UTC).
    pub enquiry_deadline: NaiveDateTime,
    /// Submission deadline (UTC).
    pub submission_deadline: NaiveDateTime,
    /// Publication (UTC).
    pub published_at: NaiveDateTime,
    /// Distinct stems, sorted, one space between.
    pub terms: String,
}

/// What a tender's stems are made of: its search text (title, description, lots, buyer,
/// ocid), the buyer's RUC, and the legal and trade names and RUCs of the suppliers it awarded
/// (public from the award on; a cancelled award's supplier goes).
fn terms(
    search_text: &str,
    buyer_ruc: &str,
    winners: &[(String, Option<String>, String)],
) -> String {
    let mut text = format!("{search_text} {buyer_ruc}");
    for (legal, trade, ruc) in winners {
        text.push(' ');
        text.push_str(legal);
        if let Some(trade) = trade {
            text.push(' ');
            text.push_str(trade);
        }
        text.push(' ');
        text.push_str(ruc);
    }
    stems(&text)
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
        .join(" ")
}

type TenderColumns = (
    i64,
    TenderStatus,
    i64,
    Method,
    Category,
    String,
    Currency,
    i64,
    NaiveDateTime,
    NaiveDateTime,
    Option<NaiveDateTime>,
    String,
    String,
);

/// The rows of the published tenders with ids in `first..=last`, at most `limit`, by id.
fn computed(
    conn: &mut DbConnection,
    first: i64,
    last: i64,
    limit: i64,
) -> Result<Vec<SearchRow>, AppError> {
    let rows: Vec<TenderColumns> = tenders::table
        .inner_join(buyers::table)
        .filter(tenders::id.between(first, last))
        .filter(tenders::published_at.is_not_null())
        .filter(tenders::status.ne(TenderStatus::Draft))
        .order(tenders::id)
        .limit(limit)
        .select((
            tenders::id,
            tenders::status,
            tenders::buyer_id,
            tenders::method,
            tenders::category,
            tenders::classification,
            tenders::currency,
            tenders::estimated_value,
            tenders::enquiry_deadline,
            tenders::submission_deadline,
            tenders::published_at,
            tenders::search_text,
            buyers::ruc,
        ))
        .load(conn)?;
    let Some(upto) = rows.last().map(|r| r.0) else {
        return Ok(Vec::new());
    };
    let won: Vec<(i64, String, Option<String>, String)> = awards::table
        .inner_join(bids::table.on(awards::bid_id.eq(bids::id.nullable())))
        .inner_join(suppliers::table.on(suppliers::id.eq(bids::supplier_id)))
        .filter(awards::tender_id.between(first, upto))
        .filter(awards::status.eq_any([AwardStatus::Pending.code(), AwardStatus::Final.code()]))
        .order((awards::tender_id, awards::lot_number, awards::id))
        .select((
            awards::tender_id,
            suppliers::legal_name,
            suppliers::trade_name,
            suppliers::ruc,
        ))
        .load(conn)?;
    let mut winners: HashMap<i64, Vec<(String, Option<String>, String)>> = HashMap::new();
    for (tender, legal, trade, ruc) in won {
        winners.entry(tender).or_default().push((legal, trade, ruc));
    }
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let published_at = r.10?;
            Some(SearchRow {
                tender_id: r.0,
                status: r.1,
                buyer_id: r.2,
                method: r.3,
                category: r.4,
                classification: r.5,
                currency: r.6,
                estimated_value: r.7,
                enquiry_deadline: r.8,
                submission_deadline: r.9,
                published_at,
                terms: terms(
                    &r.11,
                    &r.12,
                    winners.get(&r.0).map(Vec::as_slice).unwrap_or(&[]),
                ),
            })
        })
        .collect())
}

/// The revision a write in this transaction gets (see the module's note).
fn next_revision(conn: &mut DbConnection) -> Result<i64, AppError> {
    Ok(match conn {
        DbConnection::Sqlite(c) => diesel::select(sql::<BigInt>(
            "(SELECT coalesce(max(revision), 0) + 1 FROM tender_search_rows)",
        ))
        .get_result(c)?,
        DbConnection::Postgresql(c) => {
            diesel::select(sql::<BigInt>("pg_current_xact_id()::text::bigint")).get_result(c)?
        }
    })
}

/// The stored rows of tenders `first..=last` (revisions aside), by tender.
fn stored(
    conn: &mut DbConnection,
    first: i64,
    last: i64,
) -> Result<HashMap<i64, SearchRow>, AppError> {
    Ok(tender_search_rows::table
        .filter(tender_search_rows::tender_id.between(first, last))
        .select(SearchRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|r| (r.tender_id, r))
        .collect())
}

/// Writes the rows among `rows` that differ from what is stored for `first..=last`, and
/// removes stored rows of that range no longer published; returns how many it wrote.
fn write(
    conn: &mut DbConnection,
    first: i64,
    last: i64,
    rows: &[SearchRow],
) -> Result<usize, AppError> {
    let mut before = stored(conn, first, last)?;
    let changed: Vec<&SearchRow> = rows
        .iter()
        .filter(|r| before.remove(&r.tender_id).as_ref() != Some(*r))
        .collect();
    let gone: Vec<i64> = before.into_keys().collect();
    if changed.is_empty() && gone.is_empty() {
        return Ok(0);
    }
    // Before the delete: on SQLite the rows being replaced may hold the largest revision.
    let revision = next_revision(conn)?;
    let ids: Vec<i64> = changed.iter().map(|r| r.tender_id).chain(gone).collect();
    diesel::delete(tender_search_rows::table.filter(tender_search_rows::tender_id.eq_any(&ids)))
        .execute(conn)?;
    for chunk in changed.chunks(500) {
        let values: Vec<_> = chunk
            .iter()
            .map(|r| ((*r).clone(), tender_search_rows::revision.eq(revision)))
            .collect();
        // A batch insert is typed per engine (the multi-engine connection has no batch form).
        let insert = diesel::insert_into(tender_search_rows::table).values(values);
        match conn {
            DbConnection::Sqlite(c) => insert.execute(c)?,
            DbConnection::Postgresql(c) => insert.execute(c)?,
        };
    }
    Ok(changed.len())
}

/// Brings `tender`'s row in step with its tables, in the caller's transaction: called by
/// every change of a published tender (its events, the clock's status moves). Writes nothing
/// when nothing the search reads changed, so readers are not woken for nothing.
pub fn project(conn: &mut DbConnection, tender: TenderId) -> Result<(), AppError> {
    let id = tender.get();
    let rows = computed(conn, id, id, 1)?;
    write(conn, id, id, &rows)?;
    Ok(())
}

/// Whether every published tender has its row (false for a database from before the
/// projection, which [`reindex`] then fills).
pub fn complete(conn: &mut DbConnection) -> Result<bool, AppError> {
    let published: i64 = tenders::table
        .filter(tenders::published_at.is_not_null())
        .filter(tenders::status.ne(TenderStatus::Draft))
        .count()
        .get_result(conn)?;
    let projected: i64 = tender_search_rows::table.count().get_result(conn)?;
    Ok(published == projected)
}

/// How many tenders [`reindex`] walks (for a progress bar).
pub fn tender_count(conn: &mut DbConnection) -> Result<u64, AppError> {
    let n: i64 = tenders::table.count().get_result(conn)?;
    Ok(n.max(0) as u64)
}

/// What a [`reindex`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reindexed {
    /// Published tenders, each with its row now.
    pub tenders: usize,
    /// Rows that were missing or differed from the tables, and were written.
    pub rewritten: usize,
}

/// Rebuilds every row from the tables, 5,000 tenders per transaction (writers wait for one
/// batch, never for the whole rebuild); rows already right are left alone, so a server's
/// image re-reads only what changed. `progress` is told the ids walked so far.
pub fn reindex(conn: &mut DbConnection, progress: &dyn Fn(u64)) -> Result<Reindexed, AppError> {
    const BATCH: i64 = 5_000;
    let mut done = Reindexed {
        tenders: 0,
        rewritten: 0,
    };
    let mut after = 0i64;
    let mut walked = 0u64;
    loop {
        // The next batch of ids of any tender, so a range holds drafts too (a stored row of
        // a tender back in draft, which cannot happen today, would go).
        let ids: Vec<i64> = tenders::table
            .filter(tenders::id.gt(after))
            .order(tenders::id)
            .limit(BATCH)
            .select(tenders::id)
            .load(conn)?;
        let (Some(&first), Some(&last)) = (ids.first(), ids.last()) else {
            break;
        };
        let (published, rewritten) = crate::db::write_transaction(conn, |conn| {
            let rows = computed(conn, first, last, BATCH)?;
            let rewritten = write(conn, first, last, &rows)?;
            Ok::<_, AppError>((rows.len(), rewritten))
        })?;
        done.tenders += published;
        done.rewritten += rewritten;
        walked += ids.len() as u64;
        progress(walked);
        after = last;
    }
    Ok(done)
}

/// The rows whose revision is above watermark `since` (every row for 0), `limit` at a time
/// after tender `after`.
pub(crate) fn changes_since(
    conn: &mut DbConnection,
    since: i64,
    after: i64,
    limit: i64,
) -> Result<Vec<SearchRow>, AppError> {
    Ok(tender_search_rows::table
        .filter(tender_search_rows::revision.gt(since))
        .filter(tender_search_rows::tender_id.gt(after))
        .order(tender_search_rows::tender_id)
        .limit(limit)
        .select(SearchRow::as_select())
        .load(conn)?)
}

/// The watermark a reader takes before reading changes: rows written from now on have a
/// revision above it (see the module's note).
pub(crate) fn watermark(conn: &mut DbConnection) -> Result<i64, AppError> {
    Ok(match conn {
        DbConnection::Sqlite(c) => diesel::select(sql::<BigInt>(
            "(SELECT coalesce(max(revision), 0) FROM tender_search_rows)",
        ))
        .get_result(c)?,
        DbConnection::Postgresql(c) => diesel::select(sql::<BigInt>(
            "pg_snapshot_xmin(pg_current_snapshot())::text::bigint - 1",
        ))
        .get_result(c)?,
    })
}
