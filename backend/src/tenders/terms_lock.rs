//! The lock that orders a tender's bids against what changes their terms (PostgreSQL; SQLite
//! has one writer at a time). Every bid, replacement, withdrawal and confirmation holds it
//! shared for its transaction; the deadline's freeze and an amendment take it alone, so no
//! bid commits while the bids are frozen or the terms change, and each reads its time after
//! the lock: a bid is either before the amendment in time and commit order, or after both.

use crate::db::DbConnection;
use crate::domain::TenderId;
use crate::error::AppError;
use diesel::RunQueryDsl;

/// Advisory-lock namespace of a tender's terms and deadline.
const TERMS_LOCK: i32 = 5_100;

/// Held shared by each change to a tender's bids until its transaction ends.
pub fn share_deadline_lock(conn: &mut DbConnection, tender_id: TenderId) -> Result<(), AppError> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock_shared($1, $2)")
            .bind::<diesel::sql_types::Integer, _>(TERMS_LOCK)
            .bind::<diesel::sql_types::Integer, _>(lock_key(tender_id))
            .execute(pg)?;
    }
    Ok(())
}

/// Held alone by the freeze and by an amendment until their transaction ends.
pub fn exclusive_deadline_lock(
    conn: &mut DbConnection,
    tender_id: TenderId,
) -> Result<(), AppError> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1, $2)")
            .bind::<diesel::sql_types::Integer, _>(TERMS_LOCK)
            .bind::<diesel::sql_types::Integer, _>(lock_key(tender_id))
            .execute(pg)?;
    }
    Ok(())
}

/// The lock's key for a tender.
fn lock_key(tender_id: TenderId) -> i32 {
    // Ids beyond i32 share keys: a lock wider than needed, never a missing one.
    (tender_id.get() % i64::from(i32::MAX)) as i32
}
