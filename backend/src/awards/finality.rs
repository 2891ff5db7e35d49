//! An award becoming final (consentida) when its standstill ends without a complaint pending.

use super::*;
use crate::domain::{AwardStatus, ComplaintStatus};

/// The status an award has at `now`: a pending award whose standstill ended with no complaint
/// left undecided is final even before [`finalise_due`] has run.
pub fn effective_award_status(
    status: AwardStatus,
    standstill_ends_at: Option<NaiveDateTime>,
    open_complaints: usize,
    now: NaiveDateTime,
) -> AwardStatus {
    match (status, standstill_ends_at) {
        (AwardStatus::Pending, Some(end)) if now >= end && open_complaints == 0 => {
            AwardStatus::Final
        }
        (s, _) => s,
    }
}

/// Makes final (consentida) every pending award whose standstill has ended with no complaint
/// left undecided. Run by the status task and before anything that needs a final award.
pub fn finalise_due(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, AppError> {
    write_transaction(conn, |conn| {
        let due: Vec<(AwardId, TenderId)> = awards::table
            .filter(awards::status.eq(AwardStatus::Pending))
            .filter(awards::standstill_ends_at.le(now))
            .filter(diesel::dsl::not(diesel::dsl::exists(
                crate::schema::complaints::table
                    .filter(crate::schema::complaints::award_id.eq(awards::id))
                    .filter(crate::schema::complaints::status.eq(ComplaintStatus::Filed)),
            )))
            .select((awards::id, awards::tender_id))
            .load(conn)?;
        for (id, tender_id) in &due {
            diesel::update(awards::table.find(id))
                .set((
                    awards::status.eq(AwardStatus::Final),
                    awards::final_at.eq(now),
                ))
                .execute(conn)?;
            tender_event(
                conn,
                now,
                None,
                *tender_id,
                "award",
                *id,
                "award.final",
                json!({}),
            )?;
        }
        Ok(due.len())
    })
}

/// Parses a signed amount ("-1500.00") in `currency` for `field`: minor units.
pub(crate) fn signed_minor(text: &str, currency: Currency, field: &str) -> Result<i64, FieldError> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let money = Money::parse(digits, currency, field)?;
    Ok(if negative {
        -money.minor()
    } else {
        money.minor()
    })
}
