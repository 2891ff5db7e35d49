//! Publication (every rule of the method, the ocid, the sealing key), cancellation, and the status moves the clock task makes as deadlines pass.

use super::*;
use crate::domain::{TenderId, TenderStatus, UserId};
use crate::procedure::{self, Action, Transition};

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

/// Refuses an electronic auction on the lots numbered `auctioned` when `method` neither
/// always runs one nor is among the methods the setting `LICITA_AUCTION_METHODS` lists.
pub(crate) fn check_auction_methods(
    settings: &Settings,
    method: Method,
    auctioned: impl IntoIterator<Item = usize>,
    errors: &mut Vec<FieldError>,
) {
    if method.runs_auctions() || settings.auction_methods.contains(&method) {
        return;
    }
    errors.extend(
        auctioned.into_iter().map(|n| {
            FieldError::new("lot_auction", "auction_not_allowed_for_method").arg("lot", n)
        }),
    );
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
        procedure::facts(conn, tender_id)?.require(Action::Publish, now)?;
        let method = st.method;
        let mut errors = Vec::new();
        check_schedule(
            settings,
            method,
            st.facts.enquiry_deadline,
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
        let auctioned: Vec<i32> = tender_lots::table
            .filter(tender_lots::tender_id.eq(tender_id))
            .filter(tender_lots::electronic_auction.eq(true))
            .order(tender_lots::number)
            .select(tender_lots::number)
            .load(conn)?;
        check_auction_methods(
            settings,
            method,
            auctioned.into_iter().map(|n| n as usize),
            &mut errors,
        );
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
            .set((tenders::ocid.eq(&ocid), tenders::published_at.eq(now)))
            .execute(conn)?;
        diesel::update(tender_documents::table.filter(tender_documents::tender_id.eq(tender_id)))
            .set(tender_documents::published_at.eq(now))
            .execute(conn)?;
        procedure::apply(
            conn,
            tender_id,
            Transition::Publish,
            TenderStatus::Open,
            now,
            &Actor::user(user.id, user.role),
            NewEvent::on(
                "tender",
                tender_id,
                "tender.published",
                json!({"ocid": ocid}),
            ),
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
        // Whether it may be cancelled now is settled before the ground is judged.
        st.require(Action::Cancel, now)?;
        let ground =
            Statement::parse_lines(ground, "ground").map_err(|e| AppError::Validation(vec![e]))?;
        let status = st.effective(now);
        let fallen_awards = cancel_standing_awards(conn, tender_id, now)?;
        diesel::update(tenders::table.find(tender_id))
            .set((
                tenders::cancelled_at.eq(now),
                tenders::cancellation_ground.eq(ground.as_str()),
            ))
            .execute(conn)?;
        procedure::apply(
            conn,
            tender_id,
            Transition::Cancel,
            TenderStatus::Cancelled,
            now,
            &Actor::user(user.id, user.role),
            NewEvent::on(
                "tender",
                tender_id,
                "tender.cancelled",
                json!({"ground": ground.as_str(), "status_before": status, "awards_cancelled": fallen_awards}),
            ),
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

/// The buyer may cancel until a contract is signed (Ley 30225, art. 30): a tender with a
/// signed contract is refused; the awards still standing (in standstill or final) fall with
/// the tender, so none becomes final after it. Their ids, for the cancellation's event.
fn cancel_standing_awards(
    conn: &mut DbConnection,
    tender_id: TenderId,
    now: NaiveDateTime,
) -> Result<Vec<i64>, AppError> {
    use crate::domain::AwardStatus;
    use crate::schema::{awards, contracts};
    let signed: i64 = contracts::table
        .inner_join(awards::table)
        .filter(awards::tender_id.eq(tender_id))
        .count()
        .get_result(conn)?;
    if signed > 0 {
        return Err(AppError::field("status", "contract_already_signed"));
    }
    let ids: Vec<i64> = awards::table
        .filter(awards::tender_id.eq(tender_id))
        .filter(awards::status.eq_any([AwardStatus::Pending, AwardStatus::Final]))
        .select(awards::id)
        .order(awards::id)
        .load(conn)?;
    diesel::update(awards::table.filter(awards::id.eq_any(&ids)))
        .set((
            awards::status.eq(AwardStatus::Cancelled),
            awards::cancelled_at.eq(now),
        ))
        .execute(conn)?;
    Ok(ids)
}

/// Moves stored statuses on at `now` as each tender's procedure asks ([`procedure::advance`]):
/// `open` → `enquiries_closed` at the enquiry deadline, `open`/`enquiries_closed` → `closed`
/// at the submission deadline, each with its audit event, once however many servers run it.
pub fn advance_statuses(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, AppError> {
    procedure::advance(conn, now, None)
}

/// [`advance_statuses`] for one tender (the demo data moves each tender at its own times).
pub fn advance_status_of(
    conn: &mut DbConnection,
    tender_id: TenderId,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    procedure::advance(conn, now, Some(tender_id))
}
