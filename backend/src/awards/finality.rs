//! An award becoming final (consentida) when its standstill ends without a complaint pending.

use super::*;

/// The status an award has at `now`: a pending award whose standstill ended with no complaint
/// left undecided is final even before [`finalise_due`] has run.
pub fn effective_award_status(
    status: &str,
    standstill_ends_at: Option<NaiveDateTime>,
    open_complaints: usize,
    now: NaiveDateTime,
) -> &str {
    match (status, standstill_ends_at) {
        ("pending", Some(end)) if now >= end && open_complaints == 0 => "final",
        (s, _) => s,
    }
}

/// Makes final (consentida) every pending award whose standstill has ended with no complaint
/// left undecided. Run by the status task and before anything that needs a final award.
pub fn finalise_due(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, AppError> {
    write_transaction(conn, |conn| {
        let due: Vec<(i64, i64)> = awards::table
            .filter(awards::status.eq("pending"))
            .filter(awards::standstill_ends_at.le(now))
            .filter(diesel::dsl::not(diesel::dsl::exists(
                crate::schema::complaints::table
                    .filter(crate::schema::complaints::award_id.eq(awards::id))
                    .filter(crate::schema::complaints::status.eq("filed")),
            )))
            .select((awards::id, awards::tender_id))
            .load(conn)?;
        for (id, tender_id) in &due {
            diesel::update(awards::table.find(id))
                .set((awards::status.eq("final"), awards::final_at.eq(now)))
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
