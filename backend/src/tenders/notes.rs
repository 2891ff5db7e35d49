//! Tenders being written: an officer's form kept as typed when it does not pass every check
//! yet, so a half-filled tender is saved and finished later. A note is not a tender — no
//! ocid, no audit chain, seen only by its entity's officers — and it is deleted when it
//! becomes a draft (which, like publication, checks everything).

use crate::domain::{BuyerId, UserId};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::{
    auth::CurrentUser,
    db::{DbConnection, write_transaction},
    domain::Role,
    error::{AppError, FieldError},
    schema::tender_notes,
};

use super::TenderInput;

/// The most a note keeps (its form as JSON): far above any real tender's form.
pub const NOTE_MAX_BYTES: usize = 200_000;
/// The most notes an entity keeps at once: far above real work, and a bound on what one
/// account can pile up.
pub const NOTES_PER_ENTITY: i64 = 500;

/// A note as listed on the entity's tenders page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TenderNote {
    /// Id.
    pub id: i64,
    /// The title typed so far (may be empty).
    pub title: String,
    /// Last saved (UTC).
    pub updated_at: NaiveDateTime,
}

fn buyer_of(user: &CurrentUser) -> Result<BuyerId, AppError> {
    match (user.role, user.buyer_id, user.registry_officer) {
        (Role::Officer, Some(buyer), false) => Ok(buyer),
        _ => Err(AppError::Forbidden),
    }
}

/// Keeps `input` as typed: a new note, or note `id` of the officer's entity updated.
/// Returns the note's id. Another entity's note answers as one that does not exist.
#[tracing::instrument(skip(app, user, input), fields(user = user.id.get()))]
pub async fn keep(
    app: &crate::app::AppState,
    user: &CurrentUser,
    id: Option<i64>,
    input: TenderInput,
) -> Result<i64, AppError> {
    let (user, now) = (user.clone(), app.clock.now_db());
    app.db
        .run(move |conn| keep_in(conn, &user, id, &input, now))
        .await
}

/// The step of [`keep`], in the caller's connection.
pub fn keep_in(
    conn: &mut DbConnection,
    user: &CurrentUser,
    id: Option<i64>,
    input: &TenderInput,
    now: NaiveDateTime,
) -> Result<i64, AppError> {
    let buyer = buyer_of(user)?;
    let form = serde_json::to_string(input).map_err(AppError::internal)?;
    if form.len() > NOTE_MAX_BYTES {
        return Err(AppError::Validation(vec![
            FieldError::new("description", "too_long").arg("max", NOTE_MAX_BYTES),
        ]));
    }
    let title: String = input.title.trim().chars().take(300).collect();
    write_transaction(conn, |conn| match id {
        Some(id) => {
            let changed = diesel::update(
                tender_notes::table
                    .filter(tender_notes::id.eq(id))
                    .filter(tender_notes::buyer_id.eq(buyer)),
            )
            .set((
                tender_notes::title.eq(&title),
                tender_notes::form.eq(&form),
                tender_notes::updated_at.eq(now),
            ))
            .execute(conn)?;
            if changed == 0 {
                return Err(AppError::NotFound);
            }
            Ok(id)
        }
        None => {
            let kept: i64 = tender_notes::table
                .filter(tender_notes::buyer_id.eq(buyer))
                .count()
                .get_result(conn)?;
            if kept >= NOTES_PER_ENTITY {
                return Err(AppError::Validation(vec![
                    FieldError::new("title", "too_many").arg("max", NOTES_PER_ENTITY),
                ]));
            }
            insert(conn, buyer, user.id, &title, &form, now)
        }
    })
}

fn insert(
    conn: &mut DbConnection,
    buyer: BuyerId,
    user_id: UserId,
    title: &str,
    form: &str,
    now: NaiveDateTime,
) -> Result<i64, AppError> {
    Ok(diesel::insert_into(tender_notes::table)
        .values((
            tender_notes::buyer_id.eq(buyer),
            tender_notes::created_by.eq(user_id),
            tender_notes::title.eq(title),
            tender_notes::form.eq(form),
            tender_notes::created_at.eq(now),
            tender_notes::updated_at.eq(now),
        ))
        .returning(tender_notes::id)
        .get_result(conn)?)
}

/// The form kept in note `id` ([`note_in`]).
pub async fn note(
    app: &crate::app::AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<TenderInput, AppError> {
    let user = user.clone();
    app.db.run(move |conn| note_in(conn, &user, id)).await
}

/// The form kept in note `id` (the officer's entity only).
pub fn note_in(
    conn: &mut DbConnection,
    user: &CurrentUser,
    id: i64,
) -> Result<TenderInput, AppError> {
    let buyer = buyer_of(user)?;
    let form: String = tender_notes::table
        .filter(tender_notes::id.eq(id))
        .filter(tender_notes::buyer_id.eq(buyer))
        .select(tender_notes::form)
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    serde_json::from_str(&form).map_err(AppError::internal)
}

/// The notes of `user`'s entity ([`notes_in`]); none for a registry officer, who drafts
/// no tenders.
pub async fn notes(
    app: &crate::app::AppState,
    user: &CurrentUser,
) -> Result<Vec<TenderNote>, AppError> {
    if user.registry_officer {
        return Ok(Vec::new());
    }
    let user = user.clone();
    app.db.run(move |conn| notes_in(conn, &user)).await
}

/// The entity's notes, last saved first.
pub fn notes_in(conn: &mut DbConnection, user: &CurrentUser) -> Result<Vec<TenderNote>, AppError> {
    let buyer = buyer_of(user)?;
    let rows: Vec<(i64, String, NaiveDateTime)> = tender_notes::table
        .filter(tender_notes::buyer_id.eq(buyer))
        .order((tender_notes::updated_at.desc(), tender_notes::id.desc()))
        .select((
            tender_notes::id,
            tender_notes::title,
            tender_notes::updated_at,
        ))
        .limit(NOTES_PER_ENTITY)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, title, updated_at)| TenderNote {
            id,
            title,
            updated_at,
        })
        .collect())
}

/// Deletes note `id` once it became a draft (nothing happens for another entity's).
pub fn discard(conn: &mut DbConnection, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    let buyer = buyer_of(user)?;
    diesel::delete(
        tender_notes::table
            .filter(tender_notes::id.eq(id))
            .filter(tender_notes::buyer_id.eq(buyer)),
    )
    .execute(conn)?;
    Ok(())
}
