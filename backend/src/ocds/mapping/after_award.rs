//! What follows the awards in a release: the complaints against them with their decisions
//! (Licita's local extension), and the contracts with their modifications as amendments.

use diesel::prelude::*;
use serde_json::{Value, json};

use super::{AwardRow, parties::party_id, value};
use crate::{
    db::DbConnection,
    domain::{ContractStatus, utc},
    error::AppError,
    schema::{complaints, contract_modifications, contracts, suppliers},
};

fn contract_status(status: ContractStatus) -> &'static str {
    match status {
        ContractStatus::Active => "active",
        ContractStatus::Completed | ContractStatus::Terminated => "terminated",
    }
}

type ContractRow = (
    i64,
    i64,
    chrono::NaiveDate,
    i64,
    String,
    i32,
    ContractStatus,
    chrono::NaiveDateTime,
);

/// The complaints against these awards, with their decisions (the local extension).
pub(super) fn complaints_section(
    conn: &mut DbConnection,
    award_rows: &[AwardRow],
) -> Result<Vec<Value>, AppError> {
    let award_ids: Vec<i64> = award_rows.iter().map(|a| a.0).collect();
    let rows: Vec<ComplaintRow> = complaints::table
        .inner_join(suppliers::table.on(suppliers::id.eq(complaints::supplier_id)))
        .filter(complaints::award_id.eq_any(&award_ids))
        .order(complaints::id)
        .select((
            complaints::id,
            complaints::award_id,
            suppliers::ruc,
            suppliers::legal_name,
            complaints::grounds,
            complaints::filed_at,
            complaints::status,
            complaints::decided_at,
            complaints::reasoning,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, award, ruc, name, grounds, filed_at, status, decided_at, reasoning)| {
                let mut complaint = json!({
                    "id": format!("complaint-{id}"),
                    "awardID": format!("award-{award}"),
                    "status": status,
                    "date": utc::format(filed_at),
                    "complainant": {"id": party_id(&ruc), "name": name},
                    "grounds": grounds,
                });
                if let Some(at) = decided_at {
                    complaint["decision"] =
                        json!({"date": utc::format(at), "reasoning": reasoning});
                }
                complaint
            },
        )
        .collect())
}

type ComplaintRow = (
    i64,
    i64,
    String,
    String,
    String,
    chrono::NaiveDateTime,
    String,
    Option<chrono::NaiveDateTime>,
    Option<String>,
);

/// The contracts of these awards, with their modifications as amendments.
pub(super) fn contracts_section(
    conn: &mut DbConnection,
    award_rows: &[AwardRow],
) -> Result<Vec<Value>, AppError> {
    let award_ids: Vec<i64> = award_rows.iter().map(|a| a.0).collect();
    let rows: Vec<ContractRow> = contracts::table
        .filter(contracts::award_id.eq_any(&award_ids))
        .order(contracts::id)
        .select((
            contracts::id,
            contracts::award_id,
            contracts::signed_on,
            contracts::value,
            contracts::currency,
            contracts::duration_days,
            contracts::status,
            contracts::recorded_at,
        ))
        .load(conn)?;
    let mut out = Vec::new();
    for (id, award_id, signed_on, original, currency, days, status, _recorded_at) in rows {
        let modifications: Vec<(i32, String, i64, chrono::NaiveDateTime)> =
            contract_modifications::table
                .filter(contract_modifications::contract_id.eq(id))
                .order(contract_modifications::number)
                .select((
                    contract_modifications::number,
                    contract_modifications::reason,
                    contract_modifications::value_change,
                    contract_modifications::recorded_at,
                ))
                .load(conn)?;
        let current = original + modifications.iter().map(|m| m.2).sum::<i64>();
        let end = signed_on + chrono::Duration::days(i64::from(days));
        let mut contract = json!({
            "id": format!("contract-{id}"),
            "awardID": format!("award-{award_id}"),
            "status": contract_status(status),
            "dateSigned": format!("{signed_on}T00:00:00-05:00"),
            "period": {
                "startDate": format!("{signed_on}T00:00:00-05:00"),
                "endDate": format!("{end}T23:59:59-05:00"),
                "durationInDays": days,
            },
            "value": value(current, &currency),
        });
        if !modifications.is_empty() {
            contract["amendments"] = modifications
                .iter()
                .map(|(number, reason, change, at)| {
                    json!({
                        "id": format!("contract-{id}-amendment-{number}"),
                        "date": utc::format(*at),
                        "rationale": reason,
                        "description": format!(
                            "Valor del contrato {} en {:.2} {currency}.",
                            if *change >= 0 { "aumenta" } else { "disminuye" },
                            change.unsigned_abs() as f64 / 100.0
                        ),
                    })
                })
                .collect();
        }
        out.push(contract);
    }
    Ok(out)
}
