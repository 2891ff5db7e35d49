//! The end of the demo's story for the tenders that reached it: the opening by two
//! committee members, the evaluation, the award of lot 1 with its red flags justified, and
//! the contract with its modifications.

use crate::domain::{TenderId, UserId};
use serde::Deserialize;
use std::sync::Arc;

use super::demo_attachment;
use crate::{app::App, auth, error::AppError};

#[derive(Deserialize)]
pub(super) struct FixtureAward {
    days_after_opening: i64,
    justification: String,
    /// A justification per red flag the award raises (the seed fails if one is missing).
    #[serde(default)]
    flags: std::collections::BTreeMap<String, String>,
    contract: Option<FixtureContract>,
}

#[derive(Deserialize)]
struct FixtureContract {
    days_after_award: i64,
    value: String,
    duration_days: u32,
    #[serde(default)]
    modifications: Vec<crate::awards::contracts::ModificationInput>,
}

/// Takes a tender with bids past its opening through the loop: two committee members open
/// it, the first officer finds every bid valid and awards lot 1 with the fixture's
/// justifications, and, when the fixture says so, records the contract and its
/// modifications once the standstill is over.
pub(super) async fn seed_award(
    app: &Arc<App>,
    passphrase: &str,
    tender_id: TenderId,
    officers: &[UserId],
    opening_at: chrono::NaiveDateTime,
    fixture: FixtureAward,
) -> Result<(), AppError> {
    // Two members give their shares ten and twenty-five minutes into the opening.
    for (member, minutes) in officers.iter().take(2).copied().zip([10, 25]) {
        let user = app
            .db
            .run(move |conn| auth::load_user(conn, member))
            .await?;
        crate::bids::opening::contribute_at(
            app,
            &user,
            tender_id,
            passphrase,
            opening_at + chrono::Duration::minutes(minutes),
        )
        .await?;
    }
    let officer_id = officers
        .first()
        .copied()
        .ok_or_else(|| AppError::internal("an awarded demo tender needs officers"))?;
    let state = app.clone();
    app.db
        .run(move |conn| {
            let officer = auth::load_user(conn, officer_id)?;
            let evaluated_at = opening_at + chrono::Duration::hours(1);
            let sheet = crate::awards::evaluation_in(conn, &officer, tender_id)?;
            for lot in &sheet.lots {
                for bid in &lot.ranking {
                    let input = crate::awards::EvaluationInput {
                        admissible: true,
                        note: "Cumple los requisitos de las bases.".into(),
                        ..Default::default()
                    };
                    crate::awards::evaluate_in(
                        conn,
                        evaluated_at,
                        &officer,
                        tender_id,
                        bid.bid_id,
                        lot.lot_number,
                        &input,
                    )?;
                }
            }
            let awarded_at = opening_at + chrono::Duration::days(fixture.days_after_opening);
            let award = crate::awards::award_in(
                conn,
                awarded_at,
                &state.calendar,
                &state.settings,
                &officer,
                tender_id,
                1,
                &crate::awards::AwardInput {
                    justification: fixture.justification,
                    flag_justifications: fixture.flags,
                },
            )?;
            let Some(c) = fixture.contract else {
                return Ok(());
            };
            let signed_at = awarded_at + chrono::Duration::days(c.days_after_award);
            let signed_on = signed_at
                .and_utc()
                .with_timezone(&state.settings.timezone)
                .date_naive();
            let contract = crate::awards::contracts::record_in(
                conn,
                &state.settings.data_dir,
                state.settings.upload_max_bytes,
                signed_at,
                &officer,
                award,
                &crate::awards::contracts::ContractInput {
                    signed_on: signed_on.to_string(),
                    value: c.value,
                    duration_days: c.duration_days.to_string(),
                    documents: Vec::new(),
                },
                &[demo_attachment(
                    &state.settings.data_dir,
                    "Contrato firmado.pdf",
                    &["Contrato", "Documento de demostración generado por Licita."],
                )?],
            )?;
            for (i, m) in c.modifications.iter().enumerate() {
                let at = signed_at + chrono::Duration::days(3 + i64::try_from(i).unwrap_or(0));
                crate::awards::contracts::modify_in(
                    conn,
                    at,
                    state.settings.modification_flag_percent,
                    &officer,
                    contract,
                    m,
                )?;
            }
            Ok(())
        })
        .await
}
