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

/// A lot's electronic auction (subasta inversa): scheduled the day after the opening, at
/// `opens_in_days` from today at `opens_at_hour` (Lima); the lances, each `second` after
/// the start. A past one is closed by the clock's steps, every 20 seconds of its window.
#[derive(Deserialize)]
pub(super) struct FixtureAuction {
    opens_in_days: i64,
    opens_at_hour: u32,
    #[serde(default)]
    lances: Vec<FixtureLance>,
}

#[derive(Deserialize)]
struct FixtureLance {
    supplier_ruc: String,
    price: String,
    second: i64,
}

impl FixtureAuction {
    /// When lances start.
    pub(super) fn opens_at(&self, history: &super::History) -> chrono::NaiveDateTime {
        history.at(self.opens_in_days, self.opens_at_hour, 0)
    }
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
/// it, the first officer finds every bid valid; a subasta's lot 1 has its auction
/// (`auction`, at `auction_opens`); the officer awards lot 1 with the fixture's
/// justifications, and, when the fixture says so, records the contract and its
/// modifications once the standstill is over.
pub(super) async fn seed_award(
    app: &Arc<App>,
    passphrase: &str,
    tender_id: TenderId,
    officers: &[UserId],
    opening_at: chrono::NaiveDateTime,
    auction: Option<(FixtureAuction, chrono::NaiveDateTime)>,
    award: Option<FixtureAward>,
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
            if let Some((auction, opens_at)) = &auction {
                seed_auction(
                    &state, conn, &officer, tender_id, opening_at, auction, *opens_at,
                )?;
            }
            let Some(fixture) = award else {
                return Ok(());
            };
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

/// Schedules lot 1's auction the day after the opening and, for one in the past, plays its
/// lances and runs the clock's steps through its window (a server alive throughout) until
/// the clock closes it.
fn seed_auction(
    app: &App,
    conn: &mut crate::db::DbConnection,
    officer: &crate::auth::CurrentUser,
    tender_id: TenderId,
    opening_at: chrono::NaiveDateTime,
    fixture: &FixtureAuction,
    opens_at: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    let scheduled_at = opening_at + chrono::Duration::days(1);
    let input = crate::auction::ScheduleInput {
        opens_at: crate::domain::utc::format(opens_at),
        step_basis_points: None,
    };
    let id = crate::auction::schedule_in(
        conn,
        &app.settings,
        officer,
        tender_id,
        1,
        &input,
        scheduled_at,
    )?;
    if opens_at > app.clock.now_db() {
        return Ok(());
    }
    let keys = &app.receipts;
    let mut lances = fixture.lances.iter().peekable();
    let mut at = opens_at;
    loop {
        // The clock's step every 20 seconds, and each lance at its second.
        while let Some(l) = lances.next_if(|l| opens_at + chrono::Duration::seconds(l.second) <= at)
        {
            let bidder = super::tendering::owner_of(conn, &l.supplier_ruc)?;
            let clock = crate::clock::ManualClock::new(
                (opens_at + chrono::Duration::seconds(l.second)).and_utc(),
            );
            let (_, told) = crate::auction::place_in(conn, &clock, keys, &bidder, id, &l.price)?;
            told.publish(&app.live);
        }
        let (closed, told) = crate::auction::tick_due(conn, keys, &app.settings.public_url, at)?;
        told.publish(&app.live);
        if closed > 0 {
            return Ok(());
        }
        if at > opens_at + chrono::Duration::hours(6) {
            return Err(AppError::internal("a demo auction never closed"));
        }
        at += chrono::Duration::seconds(20);
    }
}
