//! Publication (every rule of the method, the ocid, the sealing key), cancellation, and the status moves the clock task makes as deadlines pass.

use super::*;
use crate::domain::{TenderId, TenderStatus, UserId};

/// Checks the schedule against the method's rules at `now`: the minimum submission period
/// (Lima calendar days from publication to the deadline), enquiries closing before the
/// deadline and after now, the opening at or after the deadline.
pub(crate) fn check_schedule(
    settings: &Settings,
    method: Method,
    enquiry: NaiveDateTime,
    deadline: NaiveDateTime,
    opening: NaiveDateTime,
    from: NaiveDateTime,
    errors: &mut Vec<FieldError>,
) {
    let min = settings
        .min_submission_days
        .get(&method)
        .copied()
        .unwrap_or(0);
    let days = (lima_date(deadline) - lima_date(from)).num_days();
    if deadline <= from {
        errors.push(FieldError::new("submission_deadline", "in_the_past"));
    } else if days < i64::from(min) {
        errors.push(
            FieldError::new("submission_deadline", "period_too_short")
                .arg("min", min)
                .arg("days", days),
        );
    }
    if enquiry <= from {
        errors.push(FieldError::new("enquiry_deadline", "in_the_past"));
    }
    if enquiry >= deadline {
        errors.push(FieldError::new(
            "enquiry_deadline",
            "enquiry_after_submission",
        ));
    }
    if opening < deadline {
        errors.push(FieldError::new("opening_at", "opening_before_deadline"));
    }
}

/// Publishes a draft after checking every rule of its method ([`publish_in`]); its ocid. Wakes
/// the outbox for the alerts of matching companies.
#[tracing::instrument(skip(app, user), fields(user = user.id.get()))]
pub async fn publish(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
) -> Result<String, AppError> {
    let (state, user, now) = (app.clone(), user.clone(), app.clock.now_db());
    let ocid = app
        .db
        .run(move |conn| publish_in(conn, &state.settings, &user, tender_id, now))
        .await?;
    app.wake_outbox();
    Ok(ocid)
}

/// Publishes a draft after checking every rule; gives it its ocid, publishes its documents,
/// indexes it for search and alerts subscribed suppliers.
pub fn publish_in(
    conn: &mut DbConnection,
    settings: &Settings,
    user: &CurrentUser,
    tender_id: TenderId,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    write_transaction(conn, |conn| {
        let st = state(conn, tender_id)?;
        require_staff(user, &st)?;
        if st.status != TenderStatus::Draft {
            return Err(wrong_status(
                "status",
                "tender_not_draft",
                st.effective(now).code(),
            ));
        }
        let method = Method::from_code(&st.method).ok_or_else(|| AppError::internal("method"))?;
        let mut errors = Vec::new();
        check_schedule(
            settings,
            method,
            st.enquiry_deadline,
            st.submission_deadline,
            st.opening_at,
            now,
            &mut errors,
        );
        let members: Vec<UserId> = tender_committee::table
            .filter(tender_committee::tender_id.eq(tender_id))
            .filter(tender_committee::committee_role.eq("member"))
            .select(tender_committee::user_id)
            .load(conn)?;
        let observer: Option<UserId> = tender_committee::table
            .filter(tender_committee::tender_id.eq(tender_id))
            .filter(tender_committee::committee_role.eq("observer"))
            .select(tender_committee::user_id)
            .first(conn)
            .optional()?;
        if let Err(AppError::Validation(e)) = check_committee(conn, st.buyer_id, &members, observer)
        {
            errors.extend(e);
        }
        let threshold: i32 = tenders::table
            .find(tender_id)
            .select(tenders::committee_threshold)
            .first(conn)?;
        if members.len() < 2 {
            errors.push(FieldError::new("committee", "committee_too_small").arg("min", 2));
        } else if !(2..=members.len() as i64).contains(&i64::from(threshold)) {
            errors.push(
                FieldError::new("committee_threshold", "threshold_out_of_range")
                    .arg("max", members.len()),
            );
        }
        let unvalued: Vec<i32> = tender_lots::table
            .filter(tender_lots::tender_id.eq(tender_id))
            .filter(tender_lots::estimated_value.le(0))
            .order(tender_lots::number)
            .select(tender_lots::number)
            .load(conn)?;
        if let Some(n) = unvalued.first() {
            errors.push(FieldError::new("lots", "lot_unvalued").arg("lot", n));
        }
        let documents: i64 = tender_documents::table
            .filter(tender_documents::tender_id.eq(tender_id))
            .count()
            .get_result(conn)?;
        if documents == 0 {
            errors.push(FieldError::new("documents", "documents_required"));
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        crate::tenders::sealing::seal_tender(conn, tender_id, threshold, now)?;
        let ocid = format!("ocds-{}-{tender_id}", settings.ocid_prefix);
        diesel::update(tenders::table.find(tender_id))
            .set((
                tenders::status.eq(TenderStatus::Open),
                tenders::ocid.eq(&ocid),
                tenders::published_at.eq(now),
                tenders::updated_at.eq(now),
            ))
            .execute(conn)?;
        diesel::update(tender_documents::table.filter(tender_documents::tender_id.eq(tender_id)))
            .set(tender_documents::published_at.eq(now))
            .execute(conn)?;
        reindex(conn, tender_id)?;
        record(
            conn,
            now,
            user,
            tender_id,
            "tender.published",
            json!({"ocid": ocid}),
        )?;
        alerts::notify(
            conn,
            &settings.public_url,
            now,
            tender_id,
            alerts::Occasion::Published,
        )?;
        Ok(ocid)
    })
}

/// Cancels a published tender before award ([`cancel_in`]); followers and bidders are told.
#[tracing::instrument(skip(app, user, ground), fields(user = user.id.get()))]
pub async fn cancel(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
    ground: String,
) -> Result<(), AppError> {
    let (state, user, now) = (app.clone(), user.clone(), app.clock.now_db());
    app.db
        .run(move |conn| cancel_in(conn, &state.settings, &user, tender_id, &ground, now))
        .await?;
    app.wake_outbox();
    Ok(())
}

/// Cancels a published tender before award, with a ground; followers and subscribers are
/// emailed.
pub fn cancel_in(
    conn: &mut DbConnection,
    settings: &Settings,
    user: &CurrentUser,
    tender_id: TenderId,
    ground: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    write_transaction(conn, |conn| {
        let st = state(conn, tender_id)?;
        require_staff(user, &st)?;
        let ground =
            Statement::parse_lines(ground, "ground").map_err(|e| AppError::Validation(vec![e]))?;
        let status = st.effective(now);
        if !(status.receives_bids() || status == TenderStatus::Closed) {
            return Err(wrong_status(
                "status",
                "tender_not_cancellable",
                status.code(),
            ));
        }
        diesel::update(tenders::table.find(tender_id))
            .set((
                tenders::status.eq(TenderStatus::Cancelled),
                tenders::cancelled_at.eq(now),
                tenders::cancellation_ground.eq(ground.as_str()),
                tenders::updated_at.eq(now),
            ))
            .execute(conn)?;
        record(
            conn,
            now,
            user,
            tender_id,
            "tender.cancelled",
            json!({"ground": ground.as_str(), "status_before": status}),
        )?;
        alerts::notify(
            conn,
            &settings.public_url,
            now,
            tender_id,
            alerts::Occasion::Cancelled,
        )
    })
}

/// Moves stored statuses on at `now`: `open` → `enquiries_closed` at the enquiry deadline,
/// `open`/`enquiries_closed` → `closed` at the submission deadline, each with its audit event.
/// Each move is a conditional `UPDATE … RETURNING`, so when two servers run this against one
/// PostgreSQL at once a tender is moved, and its event written, exactly once (the second
/// server's update waits for the first's row lock, then no longer matches).
pub fn advance_statuses(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, AppError> {
    advance(conn, now, None)
}

/// [`advance_statuses`] for one tender (the demo data moves each tender at its own times).
pub fn advance_status_of(
    conn: &mut DbConnection,
    tender_id: TenderId,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    advance(conn, now, Some(tender_id))
}

pub(super) fn advance(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    only: Option<TenderId>,
) -> Result<usize, AppError> {
    let (first, last) = only.map_or((i64::MIN, i64::MAX), |id| (id.get(), id.get()));
    write_transaction(conn, |conn| {
        let closed: Vec<(i64, String)> = diesel::update(
            tenders::table
                .filter(tenders::id.between(first, last))
                .filter(tenders::status.eq_any([TenderStatus::Open, TenderStatus::EnquiriesClosed]))
                .filter(tenders::submission_deadline.le(now)),
        )
        .set((
            tenders::status.eq(TenderStatus::Closed),
            tenders::updated_at.eq(now),
        ))
        .returning((tenders::id, tenders::method))
        .get_results(conn)?;
        for (id, _) in &closed {
            audit::record(
                conn,
                now,
                &Actor::system(),
                NewEvent::on("tender", id, "tender.tendering_closed", json!({})),
            )?;
        }
        let enquiries: Vec<i64> = diesel::update(
            tenders::table
                .filter(tenders::id.between(first, last))
                .filter(tenders::status.eq(TenderStatus::Open))
                .filter(tenders::enquiry_deadline.le(now)),
        )
        .set((
            tenders::status.eq(TenderStatus::EnquiriesClosed),
            tenders::updated_at.eq(now),
        ))
        .returning(tenders::id)
        .get_results(conn)?;
        for id in &enquiries {
            audit::record(
                conn,
                now,
                &Actor::system(),
                NewEvent::on("tender", id, "tender.enquiries_closed", json!({})),
            )?;
        }
        for id in closed.iter().map(|(id, _)| id).chain(&enquiries) {
            crate::search_index::project(conn, TenderId(*id))?;
        }
        Ok(closed.len() + enquiries.len())
    })
}
