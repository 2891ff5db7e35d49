//! Auditors' findings: their own records on a tender (an audit event on its chain), never an
//! edit of the award.

use super::*;
use crate::domain::FindingStatus;

/// An auditor's finding.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FindingView {
    /// Id.
    pub id: i64,
    /// Tender.
    pub tender_id: TenderId,
    /// Auditor's name.
    pub auditor: String,
    /// The note.
    pub note: String,
    /// low, medium or high.
    pub severity: String,
    /// open, addressed or closed.
    pub status: FindingStatus,
    /// Recorded (UTC).
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
    /// Last changed (UTC).
    #[serde(with = "crate::domain::utc")]
    pub updated_at: NaiveDateTime,
}

/// A finding to record, or a change to one (status, and optionally a new note).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct FindingInput {
    /// The note (required when recording).
    #[schema(required = true, min_length = 1)]
    #[serde(default)]
    pub note: String,
    /// low, medium or high (recording).
    #[schema(required = true, min_length = 1)]
    #[serde(default)]
    pub severity: String,
    /// open, addressed or closed (changing).
    #[serde(default)]
    pub status: String,
}

pub(super) fn findings_of(
    conn: &mut DbConnection,
    tender_ids: &[TenderId],
) -> Result<Vec<FindingView>, AppError> {
    #[expect(clippy::type_complexity, reason = "one row of a multi-column select")]
    let rows: Vec<(
        i64,
        TenderId,
        String,
        String,
        String,
        FindingStatus,
        NaiveDateTime,
        NaiveDateTime,
    )> = audit_findings::table
        .inner_join(users::table.on(users::id.eq(audit_findings::auditor_id)))
        .filter(audit_findings::tender_id.eq_any(tender_ids))
        .order(audit_findings::id)
        .select((
            audit_findings::id,
            audit_findings::tender_id,
            users::display_name,
            audit_findings::note,
            audit_findings::severity,
            audit_findings::status,
            audit_findings::created_at,
            audit_findings::updated_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| FindingView {
            id: r.0,
            tender_id: r.1,
            auditor: r.2,
            note: r.3,
            severity: r.4,
            status: r.5,
            created_at: r.6,
            updated_at: r.7,
        })
        .collect())
}

/// An auditor records a finding on a published tender (an audit event on its chain).
#[tracing::instrument(skip(app, user, input), fields(user = user.id.get()))]
pub async fn record_finding(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
    input: FindingInput,
) -> Result<i64, AppError> {
    let (user, now) = (user.clone(), app.clock.now_db());
    let id = app
        .db
        .run(move |conn| record_finding_in(conn, now, &user, tender_id, &input))
        .await?;
    app.wake_checkpoints();
    Ok(id)
}

/// The step of [`record_finding`], in the caller's connection.
pub fn record_finding_in(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    user: &CurrentUser,
    tender_id: TenderId,
    input: &FindingInput,
) -> Result<i64, AppError> {
    if user.role != Role::Auditor {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let note = check_text(&input.note, "note", &mut errors);
    if !SEVERITIES.contains(&input.severity.as_str()) {
        errors.push(FieldError::new(
            "severity",
            if input.severity.is_empty() {
                "required"
            } else {
                "invalid_choice"
            },
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    write_transaction(conn, |conn| {
        let status: TenderStatus = tenders::table
            .find(tender_id)
            .select(tenders::status)
            .first(conn)?;
        if status == TenderStatus::Draft {
            return Err(AppError::NotFound);
        }
        let id: i64 = diesel::insert_into(audit_findings::table)
            .values((
                audit_findings::tender_id.eq(tender_id),
                audit_findings::auditor_id.eq(user.id),
                audit_findings::note.eq(&note),
                audit_findings::severity.eq(&input.severity),
                audit_findings::status.eq(FindingStatus::Open),
                audit_findings::created_at.eq(now),
                audit_findings::updated_at.eq(now),
            ))
            .returning(audit_findings::id)
            .get_result(conn)?;
        tender_event(
            conn,
            now,
            Some(user),
            tender_id,
            "finding",
            id,
            "finding.recorded",
            json!({"note": note, "severity": input.severity}),
        )?;
        Ok(id)
    })
}

/// An auditor moves a finding on (and may add to its note); answers the finding's tender.
#[tracing::instrument(skip(app, user, input), fields(user = user.id.get()))]
pub async fn update_finding(
    app: &AppState,
    user: &CurrentUser,
    finding_id: i64,
    input: FindingInput,
) -> Result<TenderId, AppError> {
    let (user, now) = (user.clone(), app.clock.now_db());
    let tender = app
        .db
        .run(move |conn| update_finding_in(conn, now, &user, finding_id, &input))
        .await?;
    app.wake_checkpoints();
    Ok(tender)
}

/// The step of [`update_finding`], in the caller's connection.
pub fn update_finding_in(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    user: &CurrentUser,
    finding_id: i64,
    input: &FindingInput,
) -> Result<TenderId, AppError> {
    if user.role != Role::Auditor {
        return Err(AppError::Forbidden);
    }
    let Some(status) = FindingStatus::from_code(input.status.trim()) else {
        return Err(AppError::field(
            "status",
            if input.status.trim().is_empty() {
                "required"
            } else {
                "invalid_choice"
            },
        ));
    };
    let note = input.note.trim();
    if note.chars().count() > super::super::MAX_TEXT {
        return Err(AppError::Validation(vec![
            FieldError::new("note", "too_long").arg("max", super::super::MAX_TEXT),
        ]));
    }
    write_transaction(conn, |conn| {
        let (tender_id, before): (TenderId, FindingStatus) = audit_findings::table
            .find(finding_id)
            .select((audit_findings::tender_id, audit_findings::status))
            .first(conn)?;
        diesel::update(audit_findings::table.find(finding_id))
            .set((
                audit_findings::status.eq(status),
                audit_findings::updated_at.eq(now),
            ))
            .execute(conn)?;
        if !note.is_empty() {
            diesel::update(audit_findings::table.find(finding_id))
                .set(audit_findings::note.eq(note))
                .execute(conn)?;
        }
        tender_event(
            conn,
            now,
            Some(user),
            tender_id,
            "finding",
            finding_id,
            "finding.updated",
            json!({"from": before, "to": status, "note": (!note.is_empty()).then_some(note)}),
        )?;
        Ok(tender_id)
    })
}
