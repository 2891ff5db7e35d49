//! Amendments (addenda): the only way a published tender changes. Each has a rationale, a
//! public record of what changed (before and after), and may be marked material.
//!
//! Rules: only before the submission deadline; the deadline never moves earlier; an amendment
//! made less than `LICITA_AMENDMENT_EXTENSION_DAYS` before the deadline must move it to at
//! least that many days after the amendment. A material amendment is the bids module's cue:
//! a bid submitted before [`latest_material_amendment`] must be confirmed again.

use crate::audit::{Actor, NewEvent};
use crate::clock::Clock;
use crate::domain::{TenderId, TenderStatus};
use crate::procedure::{Action, Transition};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{
    AwardCriteria, CriterionInput, Description, LotInput, Statement, alerts, auction_lots_errors,
    find, parse_criteria, parse_instant, parse_lots, reindex, replace_criteria, replace_lots,
    require_staff, state,
};
use crate::{
    app::AppState,
    auth::CurrentUser,
    config::Settings,
    db::{DbConnection, write_transaction},
    domain::{Currency, Validator, utc},
    error::{AppError, FieldError},
    schema::{tender_amendments, tender_documents, tenders},
};

/// An amendment as submitted. Absent fields stay as they are; documents uploaded to the
/// tender since the last amendment (staged) are published by this one.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AmendmentInput {
    /// Why the tender changes (10 to 4,000 characters).
    #[schema(required = true, min_length = 10, max_length = 4000)]
    pub rationale: String,
    /// Material: bids already submitted must be confirmed again.
    pub material: bool,
    /// New description.
    pub description: Option<String>,
    /// New enquiry deadline.
    #[schema(format = DateTime)]
    pub enquiry_deadline: Option<String>,
    /// New submission deadline (never earlier than the current one).
    #[schema(format = DateTime)]
    pub submission_deadline: Option<String>,
    /// New opening time.
    #[schema(format = DateTime)]
    pub opening_at: Option<String>,
    /// New lots (replace all).
    pub lots: Option<Vec<LotInput>>,
    /// New award criteria (with `price_weight` and `quality_criteria`).
    pub award_criteria: Option<String>,
    /// Price points (price_quality).
    pub price_weight: Option<i64>,
    /// Quality criteria (price_quality).
    pub quality_criteria: Vec<CriterionInput>,
    /// Ids of published documents to withdraw.
    pub withdraw_documents: Vec<i64>,
}

impl AmendmentInput {
    /// The input as the amendment page sent it: its dates and times are Lima's, without
    /// offset, and get Lima's offset here (the service requires one).
    pub fn with_lima_offsets(self) -> Self {
        let lima = |v: Option<String>| v.map(|t| super::lima_local_to_rfc3339(&t));
        Self {
            enquiry_deadline: lima(self.enquiry_deadline),
            submission_deadline: lima(self.submission_deadline),
            opening_at: lima(self.opening_at),
            ..self
        }
    }
}

fn changed<T: PartialEq + Serialize>(
    changes: &mut serde_json::Map<String, Value>,
    key: &str,
    before: &T,
    after: &T,
) {
    if before != after {
        changes.insert(key.to_owned(), json!({"before": before, "after": after}));
    }
}

/// Amends a published tender before its deadline ([`amend_in`]) and wakes the outbox for the
/// followers' and bidders' notices; the amendment's number.
#[tracing::instrument(skip(app, user, input), fields(user = user.id.get()))]
pub async fn amend(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
    input: AmendmentInput,
) -> Result<i32, AppError> {
    let (state, user) = (app.clone(), user.clone());
    let number = app
        .db
        .run(move |conn| {
            amend_in(
                conn,
                &state.settings,
                &user,
                tender_id,
                &input,
                state.clock.as_ref(),
            )
        })
        .await?;
    app.wake_outbox();
    Ok(number)
}

/// Amends a published tender at the time `clock` gives once the tender's bids in flight
/// have committed; returns the amendment's number.
pub fn amend_in(
    conn: &mut DbConnection,
    settings: &Settings,
    user: &CurrentUser,
    tender_id: TenderId,
    input: &AmendmentInput,
    clock: &dyn Clock,
) -> Result<i32, AppError> {
    write_transaction(conn, |conn| {
        // The bids in flight commit first; the amendment's time is read after them, so a
        // bid sealed before it and recorded after it is refused as sealed on old terms.
        super::exclusive_deadline_lock(conn, tender_id)?;
        let now = clock.now_db();
        let st = state(conn, tender_id)?;
        require_staff(user, &st)?;
        crate::procedure::facts(conn, tender_id)?.require(Action::Amend, now)?;
        // Who may amend is settled before what they sent is judged; every wrong field is
        // then reported at once.
        let before = find(conn, tender_id, Some(user), now)?;
        let currency: Currency = before.estimated_value.currency;
        let mut v = Validator::new();
        let rationale = v.check(Statement::parse_lines(&input.rationale, "rationale"));
        let description = input
            .description
            .as_deref()
            .and_then(|d| v.check(Description::parse_lines(d, "description")));
        let enquiry = input
            .enquiry_deadline
            .as_deref()
            .and_then(|d| v.check(parse_instant(d, "enquiry_deadline")));
        let deadline = input
            .submission_deadline
            .as_deref()
            .and_then(|d| v.check(parse_instant(d, "submission_deadline")));
        let opening = input
            .opening_at
            .as_deref()
            .and_then(|d| v.check(parse_instant(d, "opening_at")));
        let mut lots = input
            .lots
            .as_ref()
            .and_then(|l| parse_lots(&mut v, l, Some(currency)));
        let criteria = input
            .award_criteria
            .as_deref()
            .and_then(|k| parse_criteria(&mut v, k, input.price_weight, &input.quality_criteria));
        // The lots' auctions against the criteria in force after the amendment.
        let award_criteria = criteria.as_ref().map_or(before.award_criteria, |c| c.0);
        if let Some(lots) = lots.as_mut() {
            for e in auction_lots_errors(before.method, award_criteria, lots) {
                v.push(e);
            }
        } else if award_criteria != AwardCriteria::LowestPrice
            && before.lots.iter().any(|l| l.electronic_auction)
        {
            v.push(FieldError::new(
                "award_criteria",
                "auction_lots_need_lowest_price",
            ));
        }
        v.finish()?;
        let rationale = rationale.ok_or_else(|| AppError::internal("rationale"))?;

        let new_enquiry = enquiry.unwrap_or(before.enquiry_deadline);
        let new_deadline = deadline.unwrap_or(before.submission_deadline);
        let new_opening = opening.unwrap_or(before.opening_at);
        let mut errors = Vec::new();
        if new_deadline < before.submission_deadline {
            errors.push(FieldError::new(
                "submission_deadline",
                "deadline_moved_earlier",
            ));
        }
        let days = i64::from(settings.amendment_extension_days);
        if before.submission_deadline - now < Duration::days(days)
            && new_deadline < now + Duration::days(days)
        {
            errors.push(
                FieldError::new("submission_deadline", "amendment_requires_extension")
                    .arg("days", days)
                    .arg(
                        "until",
                        super::lima_input_value(now + Duration::days(days)).replace('T', " "),
                    ),
            );
        }
        if let Some(lots) = &lots {
            super::lifecycle::check_auction_methods(
                settings,
                before.method,
                lots.iter()
                    .enumerate()
                    .filter(|(_, l)| l.electronic_auction)
                    .map(|(i, _)| i + 1),
                &mut errors,
            );
        }
        if new_enquiry != before.enquiry_deadline && new_enquiry <= now {
            errors.push(FieldError::new("enquiry_deadline", "in_the_past"));
        }
        if new_enquiry >= new_deadline {
            errors.push(FieldError::new(
                "enquiry_deadline",
                "enquiry_after_submission",
            ));
        }
        if new_opening < new_deadline {
            errors.push(FieldError::new("opening_at", "opening_before_deadline"));
        }

        let staged: Vec<(i64, String, String)> = tender_documents::table
            .filter(tender_documents::tender_id.eq(tender_id))
            .filter(tender_documents::published_at.is_null())
            .select((
                tender_documents::id,
                tender_documents::filename,
                tender_documents::sha256,
            ))
            .load(conn)?;
        let mut withdrawn = Vec::new();
        for id in &input.withdraw_documents {
            match before
                .documents
                .iter()
                .find(|d| d.id == *id && d.published_at.is_some())
            {
                Some(d) if d.withdrawn_in.is_none() => withdrawn.push(d.clone()),
                _ => errors
                    .push(FieldError::new("withdraw_documents", "unknown_document").arg("id", id)),
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }

        let mut changes = serde_json::Map::new();
        if let Some(d) = &description {
            changed(
                &mut changes,
                "description",
                &before.description,
                &d.as_str().to_owned(),
            );
        }
        for (key, old, new) in [
            ("enquiry_deadline", before.enquiry_deadline, new_enquiry),
            (
                "submission_deadline",
                before.submission_deadline,
                new_deadline,
            ),
            ("opening_at", before.opening_at, new_opening),
        ] {
            changed(&mut changes, key, &utc::format(old), &utc::format(new));
        }
        if let Some(lots) = &lots {
            let old: Vec<Value> = before
                .lots
                .iter()
                .map(|l| json!({"title": l.title, "quantity": l.quantity, "unit": l.unit, "estimated_value": l.estimated_value.amount, "electronic_auction": l.electronic_auction}))
                .collect();
            let new: Vec<Value> = lots
                .iter()
                .map(|l| json!({"title": l.title, "quantity": l.quantity, "unit": l.unit, "estimated_value": super::Amount::from(l.estimated_value).amount, "electronic_auction": l.electronic_auction}))
                .collect();
            changed(&mut changes, "lots", &old, &new);
        }
        if let Some((kind, criteria)) = &criteria {
            changed(
                &mut changes,
                "criteria",
                &(before.award_criteria, before.criteria.clone()),
                &(*kind, criteria.clone()),
            );
        }
        if !staged.is_empty() {
            changes.insert(
                "documents_added".into(),
                json!(
                    staged
                        .iter()
                        .map(|(id, f, h)| json!({"id": id, "filename": f, "sha256": h}))
                        .collect::<Vec<_>>()
                ),
            );
        }
        if !withdrawn.is_empty() {
            changes.insert(
                "documents_withdrawn".into(),
                json!(
                    withdrawn
                        .iter()
                        .map(|d| json!({"id": d.id, "filename": d.filename, "sha256": d.sha256}))
                        .collect::<Vec<_>>()
                ),
            );
        }
        if changes.is_empty() {
            return Err(AppError::Validation(vec![FieldError::new(
                "rationale",
                "amendment_without_changes",
            )]));
        }

        let number: i32 = tender_amendments::table
            .filter(tender_amendments::tender_id.eq(tender_id))
            .select(diesel::dsl::max(tender_amendments::number))
            .first::<Option<i32>>(conn)?
            .unwrap_or(0)
            + 1;
        // A lot given or relieved of its auction is decided another way: the bids sealed
        // before must be confirmed again, whatever the officer ticked.
        let auction_changed = lots.as_ref().is_some_and(|lots| {
            let now: Vec<bool> = lots.iter().map(|l| l.electronic_auction).collect();
            let was: Vec<bool> = before.lots.iter().map(|l| l.electronic_auction).collect();
            now != was && (now.iter().any(|a| *a) || was.iter().any(|a| *a))
        });
        let material = input.material || auction_changed;
        let changes = Value::Object(changes);
        let amendment_id: i64 = diesel::insert_into(tender_amendments::table)
            .values((
                tender_amendments::tender_id.eq(tender_id),
                tender_amendments::number.eq(number),
                tender_amendments::rationale.eq(rationale.as_str()),
                tender_amendments::material.eq(material),
                tender_amendments::changes.eq(changes.to_string()),
                tender_amendments::created_by.eq(user.id),
                tender_amendments::created_at.eq(now),
            ))
            .returning(tender_amendments::id)
            .get_result(conn)?;
        if let Some(d) = &description {
            diesel::update(tenders::table.find(tender_id))
                .set(tenders::description.eq(d.as_str()))
                .execute(conn)?;
        }
        if let Some(lots) = &lots {
            let total = replace_lots(conn, tender_id, lots)?;
            diesel::update(tenders::table.find(tender_id))
                .set(tenders::estimated_value.eq(total))
                .execute(conn)?;
        }
        if let Some((kind, criteria)) = &criteria {
            replace_criteria(conn, tender_id, criteria)?;
            diesel::update(tenders::table.find(tender_id))
                .set(tenders::award_criteria.eq(kind.code()))
                .execute(conn)?;
        }
        let new_status = if new_enquiry > now {
            TenderStatus::Open
        } else {
            TenderStatus::EnquiriesClosed
        };
        diesel::update(tenders::table.find(tender_id))
            .set((
                tenders::enquiry_deadline.eq(new_enquiry),
                tenders::submission_deadline.eq(new_deadline),
                tenders::opening_at.eq(new_opening),
            ))
            .execute(conn)?;
        for (id, _, _) in &staged {
            diesel::update(tender_documents::table.find(id))
                .set((
                    tender_documents::published_at.eq(now),
                    tender_documents::added_in.eq(amendment_id),
                ))
                .execute(conn)?;
        }
        for d in &withdrawn {
            diesel::update(tender_documents::table.find(d.id))
                .set(tender_documents::withdrawn_in.eq(amendment_id))
                .execute(conn)?;
        }
        reindex(conn, tender_id)?;
        crate::procedure::apply(
            conn,
            tender_id,
            Transition::Amend,
            new_status,
            now,
            &Actor::user(user.id, user.role),
            NewEvent::on(
                "tender",
                tender_id,
                "tender.amended",
                json!({"number": number, "rationale": rationale.as_str(), "material": material, "changes": changes}),
            ),
        )?;
        alerts::notify(
            conn,
            &settings.public_url,
            now,
            tender_id,
            alerts::Occasion::Amended,
        )?;
        Ok(number)
    })
}

/// When the tender was last materially amended: bids submitted before then need
/// re-confirmation (the sealed-bids module asks this).
pub fn latest_material_amendment(
    conn: &mut DbConnection,
    tender_id: TenderId,
) -> Result<Option<NaiveDateTime>, AppError> {
    Ok(tender_amendments::table
        .filter(tender_amendments::tender_id.eq(tender_id))
        .filter(tender_amendments::material.eq(true))
        .select(diesel::dsl::max(tender_amendments::created_at))
        .first::<Option<NaiveDateTime>>(conn)?)
}
