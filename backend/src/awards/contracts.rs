//! Contracts signed on final awards, and their modifications.
//!
//! A contract is recorded once per final award (signing date, value, duration in days,
//! documents). A modification records its reason and its value change; its size is kept as a
//! share of the original value in basis points. When the modifications together raise the
//! value by more than `LICITA_MODIFICATION_FLAG_PERCENT` (25% by default), the award gets the
//! red flag `modification_above_threshold`, justified by the modification's reason.

use crate::domain::{AwardId, AwardStatus, ContractId, ContractStatus, TenderId};
use crate::procedure::Action;
use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{
    attachments::{AttachedDocument, store_attachments},
    finalise_due, minor_text, signed_minor, tender_event, tender_facts,
};
use crate::{
    app::AppState,
    auth::CurrentUser,
    db::{DbConnection, write_transaction},
    domain::Money,
    error::{AppError, FieldError},
    schema::{award_flags, awards, contract_documents, contract_modifications, contracts},
    tenders as tender_rules,
};

/// A contract to record.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ContractInput {
    /// Signing date, YYYY-MM-DD (Lima), not in the future nor before the award.
    #[schema(required = true, min_length = 1)]
    #[serde(default)]
    pub signed_on: String,
    /// Contract value in the tender's currency.
    #[schema(required = true, min_length = 1)]
    #[serde(default)]
    pub value: String,
    /// Duration in calendar days (1 to 3650), as text or a number.
    #[serde(default, deserialize_with = "crate::domain::text_or_number")]
    #[schema(required = true, min_length = 1, value_type = String)]
    pub duration_days: String,
    /// Signed contract and annexes (name and base64 content), at most five.
    #[serde(default)]
    pub documents: Vec<crate::bids::DocumentInput>,
}

/// A modification to record.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ModificationInput {
    /// Why (required).
    #[schema(required = true, min_length = 1)]
    #[serde(default)]
    pub reason: String,
    /// Change of value, signed ("15000.00" or "-2500.00").
    #[schema(required = true, min_length = 1)]
    #[serde(default)]
    pub value_change: String,
}

/// A modification as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ModificationView {
    /// Number, from 1.
    pub number: i32,
    /// Reason.
    pub reason: String,
    /// Change of value, signed.
    pub value_change: String,
    /// The change as a percentage of the original value, two decimals, signed.
    pub percent: String,
    /// Recorded (UTC).
    #[serde(with = "crate::domain::utc")]
    pub recorded_at: NaiveDateTime,
}

/// A contract as anyone sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ContractView {
    /// Id.
    pub id: ContractId,
    /// The award it executes.
    pub award_id: AwardId,
    /// Signing date.
    pub signed_on: NaiveDate,
    /// Original value.
    pub value: String,
    /// Value after the modifications.
    pub current_value: String,
    /// Cumulative change as a percentage of the original value.
    pub cumulative_percent: String,
    /// Duration in days.
    pub duration_days: i32,
    /// active, completed or terminated.
    pub status: ContractStatus,
    /// Recorded (UTC).
    #[serde(with = "crate::domain::utc")]
    pub recorded_at: NaiveDateTime,
    /// Documents.
    pub documents: Vec<AttachedDocument>,
    /// Modifications, in order.
    pub modifications: Vec<ModificationView>,
}

fn percent(basis_points: i64) -> String {
    super::minor_text(basis_points)
}

/// Basis points of `change` over `original`, rounded half away from zero.
pub fn basis_points(change: i64, original: i64) -> i64 {
    let scaled = i128::from(change) * 10_000;
    let original = i128::from(original.max(1));
    let half = original / 2;
    let rounded = if scaled >= 0 {
        (scaled + half) / original
    } else {
        (scaled - half) / original
    };
    i64::try_from(rounded).unwrap_or(i64::MAX)
}

/// Records the contract of a final award with its documents ([`record_in`]).
#[tracing::instrument(skip(app, user, input, files), fields(user = user.id.get()))]
pub async fn record(
    app: &AppState,
    user: &CurrentUser,
    award_id: AwardId,
    input: ContractInput,
    files: Vec<crate::bids::Attachment>,
) -> Result<ContractId, AppError> {
    let (state, user, now) = (app.clone(), user.clone(), app.clock.now_db());
    app.db
        .run(move |conn| {
            record_in(
                conn,
                &state.settings.data_dir,
                state.settings.upload_max_bytes,
                now,
                &user,
                award_id,
                &input,
                &files,
            )
        })
        .await
}

/// Records the contract of a final award (officers of the buyer).
#[expect(
    clippy::too_many_arguments,
    reason = "a service call takes the request's context and its inputs"
)]
pub fn record_in(
    conn: &mut DbConnection,
    data_dir: &Path,
    upload_max_bytes: u64,
    now: NaiveDateTime,
    user: &CurrentUser,
    award_id: AwardId,
    input: &ContractInput,
    files: &[crate::bids::Attachment],
) -> Result<ContractId, AppError> {
    // The award may have become final since the status task last ran.
    finalise_due(conn, now)?;
    let (tender_id, status, awarded_at): (TenderId, AwardStatus, NaiveDateTime) = awards::table
        .find(award_id)
        .select((awards::tender_id, awards::status, awards::awarded_at))
        .first(conn)?;
    let facts = tender_facts(conn, tender_id)?;
    tender_rules::require_staff_of(user, facts.buyer_id, facts.status)?;
    tender_rules::state(conn, tender_id)?.require(Action::SignContract, now)?;
    if status != AwardStatus::Final {
        return Err(tender_rules::wrong_status(
            "contract",
            "award_not_final",
            "awarded",
        ));
    }
    let mut errors = Vec::new();
    let today = tender_rules::lima_date(now);
    let signed_on = match NaiveDate::parse_from_str(input.signed_on.trim(), "%Y-%m-%d") {
        _ if input.signed_on.trim().is_empty() => {
            errors.push(FieldError::new("signed_on", "required"));
            None
        }
        Ok(d) if d > today => {
            errors.push(FieldError::new("signed_on", "date_in_future"));
            None
        }
        Ok(d) if d < tender_rules::lima_date(awarded_at) => {
            errors.push(FieldError::new("signed_on", "date_before_award"));
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError::new("signed_on", "invalid_date"));
            None
        }
    };
    let value = match Money::parse(&input.value, facts.currency, "value") {
        Ok(m) if m.minor() > 0 => Some(m.minor()),
        Ok(_) => {
            errors.push(FieldError::new("value", "amount_not_positive"));
            None
        }
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let duration = match input.duration_days.trim().parse::<i32>() {
        Ok(d) if (1..=3650).contains(&d) => Some(d),
        _ if input.duration_days.trim().is_empty() => {
            errors.push(FieldError::new("duration_days", "required"));
            None
        }
        _ => {
            errors.push(FieldError::new("duration_days", "days_out_of_range").arg("max", 3650));
            None
        }
    };
    let (Some(signed_on), Some(value), Some(duration)) = (signed_on, value, duration) else {
        return Err(AppError::Validation(errors));
    };
    let stored = store_attachments(data_dir, files, upload_max_bytes)?;
    write_transaction(conn, |conn| {
        let id: ContractId = diesel::insert_into(contracts::table)
            .values((
                contracts::award_id.eq(award_id),
                contracts::signed_on.eq(signed_on),
                contracts::value.eq(value),
                contracts::currency.eq(facts.currency.code()),
                contracts::duration_days.eq(duration),
                contracts::status.eq(ContractStatus::Active),
                contracts::recorded_by.eq(user.id),
                contracts::recorded_at.eq(now),
            ))
            .returning(contracts::id)
            .get_result(conn)
            .map_err(|e| {
                if crate::error::is_unique_violation(&e) {
                    AppError::Conflict(FieldError::new("contract", "contract_already_recorded"))
                } else {
                    e.into()
                }
            })?;
        for (i, blob) in stored.iter().enumerate() {
            crate::blobs::register_blob(conn, blob, now)?;
            diesel::insert_into(contract_documents::table)
                .values((
                    contract_documents::contract_id.eq(id),
                    contract_documents::position.eq(i32::try_from(i).unwrap_or(0) + 1),
                    contract_documents::sha256.eq(&blob.sha256),
                    contract_documents::filename.eq(&blob.filename),
                ))
                .execute(conn)?;
        }
        tender_event(
            conn,
            now,
            Some(user),
            tender_id,
            "contract",
            id,
            "contract.signed",
            json!({
                "award": award_id,
                "signed_on": signed_on.to_string(),
                "value": minor_text(value),
                "duration_days": duration,
                "documents": stored.iter().map(|b| json!({"name": b.filename, "sha256": b.sha256})).collect::<Vec<_>>(),
            }),
        )?;
        Ok(id)
    })
}

/// Records a contract modification ([`modify_in`]); an increase above
/// `LICITA_MODIFICATION_FLAG_PERCENT` raises a red flag on the award.
#[tracing::instrument(skip(app, user, input), fields(user = user.id.get()))]
pub async fn modify(
    app: &AppState,
    user: &CurrentUser,
    contract_id: ContractId,
    input: ModificationInput,
) -> Result<ModificationView, AppError> {
    let (user, now) = (user.clone(), app.clock.now_db());
    let threshold = app.settings.modification_flag_percent;
    app.db
        .run(move |conn| modify_in(conn, now, threshold, &user, contract_id, &input))
        .await
}

/// Records a modification; raises the award's red flag when the cumulative increase passes
/// `threshold_percent` (officers of the buyer).
pub fn modify_in(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    threshold_percent: u32,
    user: &CurrentUser,
    contract_id: ContractId,
    input: &ModificationInput,
) -> Result<ModificationView, AppError> {
    write_transaction(conn, |conn| {
        let (award_id, original): (i64, i64) = contracts::table
            .find(contract_id)
            .select((contracts::award_id, contracts::value))
            .first(conn)?;
        let tender_id: TenderId = awards::table
            .find(award_id)
            .select(awards::tender_id)
            .first(conn)?;
        let facts = tender_facts(conn, tender_id)?;
        tender_rules::require_staff_of(user, facts.buyer_id, facts.status)?;
        tender_rules::state(conn, tender_id)?.require(Action::ModifyContract, now)?;
        let mut errors = Vec::new();
        let reason = super::check_text(&input.reason, "reason", &mut errors);
        let change = match signed_minor(&input.value_change, facts.currency, "value_change") {
            Ok(c) => Some(c),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let previous: Vec<i64> = contract_modifications::table
            .filter(contract_modifications::contract_id.eq(contract_id))
            .select(contract_modifications::value_change)
            .load(conn)?;
        let before: i64 = previous.iter().sum();
        if let Some(c) = change
            && original + before + c <= 0
        {
            errors.push(FieldError::new(
                "value_change",
                "contract_value_not_positive",
            ));
        }
        let Some(change) = change.filter(|_| errors.is_empty()) else {
            return Err(AppError::Validation(errors));
        };
        let number = i32::try_from(previous.len()).unwrap_or(i32::MAX - 1) + 1;
        let bp = basis_points(change, original);
        diesel::insert_into(contract_modifications::table)
            .values((
                contract_modifications::contract_id.eq(contract_id),
                contract_modifications::number.eq(number),
                contract_modifications::reason.eq(&reason),
                contract_modifications::value_change.eq(change),
                contract_modifications::basis_points.eq(bp),
                contract_modifications::recorded_by.eq(user.id),
                contract_modifications::recorded_at.eq(now),
            ))
            .execute(conn)?;
        let cumulative = basis_points(before + change, original);
        tender_event(
            conn,
            now,
            Some(user),
            tender_id,
            "contract",
            contract_id,
            "contract.modified",
            json!({
                "number": number,
                "reason": reason,
                "value_change": signed_text(change),
                "percent": percent(bp),
                "cumulative_percent": percent(cumulative),
            }),
        )?;
        let flagged: i64 = award_flags::table
            .filter(award_flags::award_id.eq(award_id))
            .filter(award_flags::code.eq("modification_above_threshold"))
            .count()
            .get_result(conn)?;
        if cumulative > i64::from(threshold_percent) * 100 && flagged == 0 {
            diesel::insert_into(award_flags::table)
                .values((
                    award_flags::award_id.eq(award_id),
                    award_flags::code.eq("modification_above_threshold"),
                    award_flags::justification.eq(&reason),
                    award_flags::raised_at.eq(now),
                ))
                .execute(conn)?;
            tender_event(
                conn,
                now,
                Some(user),
                tender_id,
                "award",
                award_id,
                "award.flag_raised",
                json!({
                    "code": "modification_above_threshold",
                    "cumulative_percent": percent(cumulative),
                    "threshold_percent": threshold_percent,
                }),
            )?;
        }
        Ok(ModificationView {
            number,
            reason,
            value_change: signed_text(change),
            percent: percent(bp),
            recorded_at: now,
        })
    })
}

fn signed_text(minor: i64) -> String {
    if minor < 0 {
        format!("-{}", minor_text(-minor))
    } else {
        minor_text(minor)
    }
}

/// The contracts of these awards.
pub(crate) fn for_awards(
    conn: &mut DbConnection,
    award_ids: &[AwardId],
) -> Result<Vec<ContractView>, AppError> {
    let rows: Vec<(
        ContractId,
        AwardId,
        NaiveDate,
        i64,
        i32,
        ContractStatus,
        NaiveDateTime,
    )> = contracts::table
        .filter(contracts::award_id.eq_any(award_ids))
        .order(contracts::id)
        .select((
            contracts::id,
            contracts::award_id,
            contracts::signed_on,
            contracts::value,
            contracts::duration_days,
            contracts::status,
            contracts::recorded_at,
        ))
        .load(conn)?;
    let ids: Vec<ContractId> = rows.iter().map(|r| r.0).collect();
    let mods: Vec<(ContractId, i32, String, i64, i64, NaiveDateTime)> =
        contract_modifications::table
            .filter(contract_modifications::contract_id.eq_any(&ids))
            .order((
                contract_modifications::contract_id,
                contract_modifications::number,
            ))
            .select((
                contract_modifications::contract_id,
                contract_modifications::number,
                contract_modifications::reason,
                contract_modifications::value_change,
                contract_modifications::basis_points,
                contract_modifications::recorded_at,
            ))
            .load(conn)?;
    let docs: Vec<(ContractId, i32, String, String)> = contract_documents::table
        .filter(contract_documents::contract_id.eq_any(&ids))
        .order((
            contract_documents::contract_id,
            contract_documents::position,
        ))
        .select((
            contract_documents::contract_id,
            contract_documents::position,
            contract_documents::filename,
            contract_documents::sha256,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, award_id, signed_on, value, duration_days, status, recorded_at)| {
                let own: Vec<_> = mods.iter().filter(|m| m.0 == id).collect();
                let total: i64 = own.iter().map(|m| m.3).sum();
                ContractView {
                    id,
                    award_id,
                    signed_on,
                    value: minor_text(value),
                    current_value: minor_text(value + total),
                    cumulative_percent: percent(basis_points(total, value)),
                    duration_days,
                    status,
                    recorded_at,
                    documents: docs
                        .iter()
                        .filter(|d| d.0 == id)
                        .map(|d| AttachedDocument {
                            position: d.1,
                            filename: d.2.clone(),
                            sha256: d.3.clone(),
                        })
                        .collect(),
                    modifications: own
                        .into_iter()
                        .map(|m| ModificationView {
                            number: m.1,
                            reason: m.2.clone(),
                            value_change: signed_text(m.3),
                            percent: percent(m.4),
                            recorded_at: m.5,
                        })
                        .collect(),
                }
            },
        )
        .collect())
}

/// Document `position` of a contract, for download (anyone, like the contract).
pub async fn document(
    app: &AppState,
    contract_id: ContractId,
    position: i32,
) -> Result<crate::blobs::Download, AppError> {
    let (sha256, filename) = app
        .db
        .run(move |conn| document_in(conn, contract_id, position))
        .await?;
    crate::blobs::download(&app.db, &app.settings.data_dir, sha256, filename, true).await
}

/// A contract's attached document (public, like the contract): blob and name.
pub fn document_in(
    conn: &mut DbConnection,
    contract_id: ContractId,
    position: i32,
) -> Result<(String, String), AppError> {
    Ok(contract_documents::table
        .filter(contract_documents::contract_id.eq(contract_id))
        .filter(contract_documents::position.eq(position))
        .select((contract_documents::sha256, contract_documents::filename))
        .first(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basis_points_round_half_away_from_zero() {
        assert_eq!(basis_points(25_000, 100_000), 2_500);
        assert_eq!(basis_points(1, 3), 3_333);
        assert_eq!(basis_points(-1, 3), -3_333);
        assert_eq!(basis_points(1, 20_000), 1);
        assert_eq!(basis_points(25_001, 100_000), 2_500);
    }
}
