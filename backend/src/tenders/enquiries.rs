//! Enquiries (consultas): during the enquiry period a supplier that may bid asks a question;
//! an officer of the buyer answers it before the enquiry deadline. Questions and answers are
//! public without the asker's name; the asker follows the tender, and every follower is
//! emailed each answer.

use crate::domain::{TenderId, TenderStatus, UserId};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use super::{Statement, alerts, record, require_staff, state};
use crate::procedure::Action;
use crate::{
    app::AppState,
    auth::CurrentUser,
    config::Settings,
    db::{DbConnection, write_transaction},
    domain::Role,
    error::{AppError, FieldError},
    schema::{tender_enquiries, tender_followers},
    suppliers,
};

/// A company that may bid asks a question ([`ask_in`]); its id.
#[tracing::instrument(skip(app, user, question), fields(user = user.id.get()))]
pub async fn ask(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
    question: String,
) -> Result<i64, AppError> {
    let (user, now) = (user.clone(), app.clock.now_db());
    app.db
        .run(move |conn| ask_in(conn, &user, tender_id, &question, now))
        .await
}

/// A supplier user asks a question. Needs a supplier that may bid now and an open enquiry
/// period.
pub fn ask_in(
    conn: &mut DbConnection,
    user: &CurrentUser,
    tender_id: TenderId,
    question: &str,
    now: NaiveDateTime,
) -> Result<i64, AppError> {
    let Some(supplier_id) = user.supplier_id.filter(|_| user.role == Role::Supplier) else {
        return Err(AppError::Forbidden);
    };
    write_transaction(conn, |conn| {
        let st = state(conn, tender_id)?;
        if st.status == TenderStatus::Draft {
            return Err(AppError::NotFound);
        }
        // Whether questions are taken now is settled before the question is judged.
        st.require(Action::Ask, now)?;
        let question = Statement::parse_lines(question, "question")
            .map_err(|e| AppError::Validation(vec![e]))?;
        let eligibility = suppliers::can_bid(conn, supplier_id, now)?;
        if !eligibility.can_bid {
            return Err(AppError::Validation(vec![FieldError::new(
                "question",
                "supplier_cannot_bid",
            )]));
        }
        let id: i64 = diesel::insert_into(tender_enquiries::table)
            .values((
                tender_enquiries::tender_id.eq(tender_id),
                tender_enquiries::supplier_id.eq(supplier_id),
                tender_enquiries::asked_by.eq(user.id),
                tender_enquiries::question.eq(question.as_str()),
                tender_enquiries::asked_at.eq(now),
            ))
            .returning(tender_enquiries::id)
            .get_result(conn)?;
        start_following(conn, tender_id, user.id, now)?;
        record(
            conn,
            now,
            user,
            tender_id,
            "tender.enquiry_asked",
            json!({"enquiry_id": id, "supplier_id": supplier_id, "question": question.as_str()}),
        )?;
        Ok(id)
    })
}

/// An officer of the buyer answers a question ([`answer_in`]); followers are emailed.
#[tracing::instrument(skip(app, user, text), fields(user = user.id.get()))]
pub async fn answer(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
    enquiry_id: i64,
    text: String,
) -> Result<(), AppError> {
    let (state, user, now) = (app.clone(), user.clone(), app.clock.now_db());
    app.db
        .run(move |conn| {
            answer_in(
                conn,
                &state.settings,
                &user,
                tender_id,
                enquiry_id,
                &text,
                now,
            )
        })
        .await?;
    app.wake_outbox();
    Ok(())
}

/// An officer of the buyer answers a question before the enquiry deadline; followers are
/// emailed. An answer, once published, is final (a correction is a new amendment).
pub fn answer_in(
    conn: &mut DbConnection,
    settings: &Settings,
    user: &CurrentUser,
    tender_id: TenderId,
    enquiry_id: i64,
    text: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    write_transaction(conn, |conn| {
        let st = state(conn, tender_id)?;
        require_staff(user, &st)?;
        // Questions close with the enquiry period; answers may still be given until the
        // submission deadline (the procedure's table, after SEACE's absolución de consultas).
        st.require(Action::Answer, now)?;
        let text =
            Statement::parse_lines(text, "answer").map_err(|e| AppError::Validation(vec![e]))?;
        let answered: Option<Option<NaiveDateTime>> = tender_enquiries::table
            .filter(tender_enquiries::id.eq(enquiry_id))
            .filter(tender_enquiries::tender_id.eq(tender_id))
            .select(tender_enquiries::answered_at)
            .first(conn)
            .optional()?;
        match answered {
            None => return Err(AppError::NotFound),
            Some(Some(_)) => {
                return Err(AppError::Conflict(FieldError::new(
                    "answer",
                    "already_answered",
                )));
            }
            Some(None) => {}
        }
        diesel::update(tender_enquiries::table.find(enquiry_id))
            .set((
                tender_enquiries::answer.eq(text.as_str()),
                tender_enquiries::answered_by.eq(user.id),
                tender_enquiries::answered_at.eq(now),
            ))
            .execute(conn)?;
        record(
            conn,
            now,
            user,
            tender_id,
            "tender.enquiry_answered",
            json!({"enquiry_id": enquiry_id, "answer": text.as_str()}),
        )?;
        alerts::notify(
            conn,
            &settings.public_url,
            now,
            tender_id,
            alerts::Occasion::Answered,
        )
    })
}

fn start_following(
    conn: &mut DbConnection,
    tender_id: TenderId,
    user_id: UserId,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let already: bool = diesel::select(diesel::dsl::exists(
        tender_followers::table
            .filter(tender_followers::tender_id.eq(tender_id))
            .filter(tender_followers::user_id.eq(user_id)),
    ))
    .get_result(conn)?;
    if !already {
        diesel::insert_into(tender_followers::table)
            .values((
                tender_followers::tender_id.eq(tender_id),
                tender_followers::user_id.eq(user_id),
                tender_followers::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A company's user follows a tender or stops following it ([`follow_in`]).
pub async fn follow(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
    on: bool,
) -> Result<(), AppError> {
    let (user, now) = (user.clone(), app.clock.now_db());
    app.db
        .run(move |conn| follow_in(conn, &user, tender_id, on, now))
        .await
}

/// A supplier user follows (or stops following) a published tender: followers are emailed
/// answers, amendments and a cancellation.
pub fn follow_in(
    conn: &mut DbConnection,
    user: &CurrentUser,
    tender_id: TenderId,
    on: bool,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    if user.role != Role::Supplier {
        return Err(AppError::Forbidden);
    }
    write_transaction(conn, |conn| {
        let st = state(conn, tender_id)?;
        if st.status == TenderStatus::Draft {
            return Err(AppError::NotFound);
        }
        if on {
            start_following(conn, tender_id, user.id, now)
        } else {
            diesel::delete(
                tender_followers::table
                    .filter(tender_followers::tender_id.eq(tender_id))
                    .filter(tender_followers::user_id.eq(user.id)),
            )
            .execute(conn)?;
            Ok(())
        }
    })
}

/// Does `viewer` follow the tender ([`is_following_in`])? Only companies' users follow.
pub async fn is_following(
    app: &crate::app::AppState,
    viewer: Option<&CurrentUser>,
    tender_id: TenderId,
) -> Result<bool, AppError> {
    let Some(user_id) = viewer.filter(|u| u.role == Role::Supplier).map(|u| u.id) else {
        return Ok(false);
    };
    app.db
        .run(move |conn| is_following_in(conn, tender_id, user_id))
        .await
}

/// Does `user_id` follow the tender?
pub fn is_following_in(
    conn: &mut DbConnection,
    tender_id: TenderId,
    user_id: UserId,
) -> Result<bool, AppError> {
    Ok(diesel::select(diesel::dsl::exists(
        tender_followers::table
            .filter(tender_followers::tender_id.eq(tender_id))
            .filter(tender_followers::user_id.eq(user_id)),
    ))
    .get_result(conn)?)
}
