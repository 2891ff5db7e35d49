//! The public projections of each contracting process, kept in step with its tables in the
//! transaction of every one of its events, so that what the public reads at national scale
//! costs a narrow row per process instead of a join over every bid:
//!
//! - its OCDS releases and compiled release ([`crate::ocds::on_event`]);
//! - the dashboard's counts ([`figures`]);
//! - the search's row ([`crate::search_index`]).
//!
//! The domain calls [`on_event`] from the one function that appends to a tender's audit
//! chain; [`catch_up`] fills in what a database from before a projection lacks, at start-up.
//! Each projection can be rebuilt from the tables, and a rebuild gives the same rows.

pub mod figures;

use chrono::NaiveDateTime;

use crate::{db::DbConnection, domain::TenderId, error::AppError};

/// Called by every writer of a tender's audit chain, in its transaction, after the change:
/// the release of `action` when it is public, the tender's figures and its search row.
pub fn on_event(
    conn: &mut DbConnection,
    tender_id: TenderId,
    action: &str,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    crate::ocds::on_event(conn, tender_id, action, at)?;
    figures::refresh(conn, tender_id)?;
    crate::search_index::project(conn, tender_id)
}

/// Brings every projection up to date with the tables (nothing to do once it is: two cheap
/// queries); returns how many processes it wrote.
pub fn catch_up(conn: &mut DbConnection) -> Result<usize, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let mut written = 0;
        for (tender, ocid) in crate::ocds::behind(conn)? {
            crate::ocds::store_compiled(conn, tender, &ocid)?;
            written += 1;
        }
        if !figures::complete(conn)? {
            written += figures::rebuild(conn)?;
        }
        Ok(written)
    })
    .and_then(|written| {
        // In batches of its own (see reindex): a million tenders are not one transaction.
        if crate::search_index::complete(conn)? {
            Ok(written)
        } else {
            Ok(written + crate::search_index::reindex(conn, &|_| ())?.rewritten)
        }
    })
}
