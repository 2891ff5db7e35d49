//! Drafts: created and saved by the buyer's officers, with their lots, criteria and committee.

use super::*;
use crate::domain::{BuyerId, TenderId, UserId};

pub(super) fn check_committee(
    conn: &mut DbConnection,
    buyer_id: BuyerId,
    committee: &[UserId],
    observer: Option<UserId>,
) -> Result<(), AppError> {
    let officers: Vec<UserId> = users::table
        .filter(users::id.eq_any(committee))
        .filter(users::role.eq("officer"))
        .filter(users::buyer_id.eq(buyer_id))
        .filter(users::active.eq(true))
        .select(users::id)
        .load(conn)?;
    let mut errors = Vec::new();
    if let Some(stranger) = committee.iter().find(|id| !officers.contains(id)) {
        errors.push(
            FieldError::new("committee", "committee_not_buyer_officer").arg("user", stranger),
        );
    }
    if let Some(observer) = observer {
        let auditor: bool = diesel::select(diesel::dsl::exists(
            users::table
                .filter(users::id.eq(observer))
                .filter(users::role.eq("auditor"))
                .filter(users::active.eq(true)),
        ))
        .get_result(conn)?;
        if !auditor {
            errors.push(FieldError::new("observer", "observer_not_auditor"));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

pub(crate) fn search_text(
    conn: &mut DbConnection,
    tender_id: TenderId,
) -> Result<String, AppError> {
    let (title, description, ocid, buyer): (String, String, Option<String>, String) =
        tenders::table
            .inner_join(buyers::table)
            .filter(tenders::id.eq(tender_id))
            .select((
                tenders::title,
                tenders::description,
                tenders::ocid,
                buyers::name,
            ))
            .first(conn)?;
    let lots: Vec<String> = tender_lots::table
        .filter(tender_lots::tender_id.eq(tender_id))
        .order(tender_lots::number)
        .select(tender_lots::title)
        .load(conn)?;
    Ok(search::normalize(&format!(
        "{title} {description} {} {buyer} {}",
        lots.join(" "),
        ocid.unwrap_or_default()
    )))
}

/// Recomputes the searchable text (the search projection takes it from there on the
/// tender's next event, in the same transaction).
pub(crate) fn reindex(conn: &mut DbConnection, tender_id: TenderId) -> Result<(), AppError> {
    let text = search_text(conn, tender_id)?;
    diesel::update(tenders::table.find(tender_id))
        .set(tenders::search_text.eq(&text))
        .execute(conn)?;
    Ok(())
}

pub(crate) fn replace_lots(
    conn: &mut DbConnection,
    tender_id: TenderId,
    lots: &[Lot],
) -> Result<i64, AppError> {
    diesel::delete(tender_lots::table.filter(tender_lots::tender_id.eq(tender_id)))
        .execute(conn)?;
    let mut total = 0i64;
    for (i, lot) in lots.iter().enumerate() {
        total = total
            .checked_add(lot.estimated_value.minor())
            .filter(|t| *t <= Money::MAX_MINOR)
            .ok_or_else(|| AppError::field("lots", "amount_out_of_range"))?;
        diesel::insert_into(tender_lots::table)
            .values((
                tender_lots::tender_id.eq(tender_id),
                tender_lots::number.eq(i32::try_from(i + 1).unwrap_or(i32::MAX)),
                tender_lots::title.eq(&lot.title),
                tender_lots::quantity.eq(&lot.quantity),
                tender_lots::unit.eq(&lot.unit),
                tender_lots::estimated_value.eq(lot.estimated_value.minor()),
                tender_lots::electronic_auction.eq(lot.electronic_auction),
            ))
            .execute(conn)?;
    }
    // The procedure the tender follows reads this (see `procedure::Facts`).
    diesel::update(tenders::table.find(tender_id))
        .set(tenders::electronic_auction.eq(lots.iter().any(|l| l.electronic_auction)))
        .execute(conn)?;
    Ok(total)
}

pub(crate) fn replace_criteria(
    conn: &mut DbConnection,
    tender_id: TenderId,
    criteria: &[Criterion],
) -> Result<(), AppError> {
    diesel::delete(tender_criteria::table.filter(tender_criteria::tender_id.eq(tender_id)))
        .execute(conn)?;
    for (i, c) in criteria.iter().enumerate() {
        diesel::insert_into(tender_criteria::table)
            .values((
                tender_criteria::tender_id.eq(tender_id),
                tender_criteria::position.eq(i32::try_from(i).unwrap_or(i32::MAX)),
                tender_criteria::kind.eq(&c.kind),
                tender_criteria::name.eq(&c.name),
                tender_criteria::weight.eq(c.weight),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub(super) fn replace_committee(
    conn: &mut DbConnection,
    tender_id: TenderId,
    committee: &[UserId],
    observer: Option<UserId>,
) -> Result<(), AppError> {
    diesel::delete(tender_committee::table.filter(tender_committee::tender_id.eq(tender_id)))
        .execute(conn)?;
    let rows = committee
        .iter()
        .map(|id| (*id, "member"))
        .chain(observer.map(|id| (id, "observer")));
    for (user_id, role) in rows {
        diesel::insert_into(tender_committee::table)
            .values((
                tender_committee::tender_id.eq(tender_id),
                tender_committee::user_id.eq(user_id),
                tender_committee::committee_role.eq(role),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub(super) fn draft_payload(d: &TenderDraft) -> serde_json::Value {
    json!({
        "title": d.title, "description": d.description, "method": d.method,
        "procurement_category": d.category, "classification": d.classification, "currency": d.currency,
        "lots": d.lots, "award_criteria": d.award_criteria, "criteria": d.criteria,
        "enquiry_deadline": utc::format(d.enquiry_deadline),
        "submission_deadline": utc::format(d.submission_deadline),
        "opening_at": utc::format(d.opening_at), "committee": d.committee, "observer": d.observer,
        "committee_threshold": d.threshold,
    })
}

pub(super) fn save_fields(
    conn: &mut DbConnection,
    tender_id: TenderId,
    d: &TenderDraft,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let total = replace_lots(conn, tender_id, &d.lots)?;
    replace_criteria(conn, tender_id, &d.criteria)?;
    replace_committee(conn, tender_id, &d.committee, d.observer)?;
    diesel::update(tenders::table.find(tender_id))
        .set((
            tenders::title.eq(&d.title),
            tenders::description.eq(&d.description),
            tenders::method.eq(d.method.code()),
            tenders::category.eq(d.category.code()),
            tenders::classification.eq(&d.classification),
            tenders::currency.eq(d.currency.code()),
            tenders::estimated_value.eq(total),
            tenders::award_criteria.eq(d.award_criteria.code()),
            tenders::enquiry_deadline.eq(d.enquiry_deadline),
            tenders::submission_deadline.eq(d.submission_deadline),
            tenders::opening_at.eq(d.opening_at),
            tenders::committee_threshold.eq(d.threshold),
            tenders::updated_at.eq(now),
        ))
        .execute(conn)?;
    reindex(conn, tender_id)
}

/// Creates a draft for the caller's buyer ([`create_draft_in`]); its id. A half-filled form
/// kept as `from_note` ([`notes`]) is discarded: it became this draft.
#[tracing::instrument(skip(app, user, draft), fields(user = user.id.get()))]
pub async fn create_draft(
    app: &AppState,
    user: &CurrentUser,
    draft: TenderDraft,
    from_note: Option<i64>,
) -> Result<TenderId, AppError> {
    let (user, now) = (user.clone(), app.clock.now_db());
    app.db
        .run(move |conn| {
            let id = create_draft_in(conn, &user, &draft, now)?;
            if let Some(note) = from_note {
                notes::discard(conn, &user, note)?;
            }
            Ok(id)
        })
        .await
}

/// An officer drafts a tender for their buyer entity.
pub fn create_draft_in(
    conn: &mut DbConnection,
    user: &CurrentUser,
    draft: &TenderDraft,
    now: NaiveDateTime,
) -> Result<TenderId, AppError> {
    let buyer_id = match (user.role, user.buyer_id) {
        (Role::Officer, Some(b)) => b,
        _ => return Err(AppError::Forbidden),
    };
    write_transaction(conn, |conn| {
        check_committee(conn, buyer_id, &draft.committee, draft.observer)?;
        let id: TenderId = diesel::insert_into(tenders::table)
            .values((
                tenders::buyer_id.eq(buyer_id),
                tenders::created_by.eq(user.id),
                tenders::title.eq(&draft.title),
                tenders::description.eq(&draft.description),
                tenders::method.eq(draft.method.code()),
                tenders::category.eq(draft.category.code()),
                tenders::classification.eq(&draft.classification),
                tenders::currency.eq(draft.currency.code()),
                tenders::estimated_value.eq(0i64),
                tenders::award_criteria.eq(draft.award_criteria.code()),
                tenders::enquiry_deadline.eq(draft.enquiry_deadline),
                tenders::submission_deadline.eq(draft.submission_deadline),
                tenders::opening_at.eq(draft.opening_at),
                tenders::committee_threshold.eq(draft.threshold),
                crate::procedure::initial_status(),
                tenders::search_text.eq(""),
                tenders::created_at.eq(now),
                tenders::updated_at.eq(now),
            ))
            .returning(tenders::id)
            .get_result(conn)?;
        save_fields(conn, id, draft, now)?;
        record(conn, now, user, id, "tender.drafted", draft_payload(draft))?;
        Ok(id)
    })
}

/// Replaces a draft's contents ([`update_draft_in`]).
#[tracing::instrument(skip(app, user, draft), fields(user = user.id.get()))]
pub async fn update_draft(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
    draft: TenderDraft,
) -> Result<(), AppError> {
    let (user, now) = (user.clone(), app.clock.now_db());
    app.db
        .run(move |conn| update_draft_in(conn, &user, tender_id, &draft, now))
        .await
}

/// Replaces a draft's fields. Only drafts: a published tender changes through [`amend`].
pub fn update_draft_in(
    conn: &mut DbConnection,
    user: &CurrentUser,
    tender_id: TenderId,
    draft: &TenderDraft,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    write_transaction(conn, |conn| {
        let st = state(conn, tender_id)?;
        require_staff(user, &st)?;
        st.require(crate::procedure::Action::EditDraft, now)?;
        check_committee(conn, st.buyer_id, &draft.committee, draft.observer)?;
        save_fields(conn, tender_id, draft, now)?;
        record(
            conn,
            now,
            user,
            tender_id,
            "tender.updated",
            draft_payload(draft),
        )?;
        Ok(())
    })
}
