//! Demo data: `fixtures/demo.json`, embedded in the binary so `cargo run` works from any
//! directory. Loading is idempotent: buyers are matched by RUC and users by email, and what
//! exists is left as it is. It runs under the database's start-up lock, so servers started
//! at once on an empty database take turns: the first loads the data, the others find it.
//!
//! This file loads the people (buyers, their users, the companies through registration and
//! review, the committees' opening keys); [`tendering`] the tenders' story, and
//! [`awarding`] the opening, evaluation, award and contract of those that reached it.

use crate::domain::{BuyerId, UserId};
use diesel::prelude::*;
use serde::Deserialize;
use std::sync::Arc;

use crate::{
    accounts::{self, NewAccountInput, NewBuyer, Verification},
    app::App,
    audit::Actor,
    auth,
    error::AppError,
    schema::suppliers as suppliers_table,
    schema::{buyers, users},
    suppliers::{self, RegistrationInput},
    tenders,
};

mod awarding;
mod catalogue;
mod tendering;
use tendering::seed_tenders;

const DEMO: &str = include_str!("../../../fixtures/demo.json");

#[derive(Deserialize)]
struct Fixtures {
    password: String,
    opening_passphrase: String,
    buyers: Vec<FixtureBuyer>,
    users: Vec<FixtureUser>,
    suppliers: Vec<FixtureSupplier>,
}

#[derive(Deserialize)]
struct FixtureSupplier {
    #[serde(flatten)]
    registration: RegistrationInput,
    verified: bool,
}

#[derive(Deserialize)]
struct FixtureBuyer {
    name: String,
    ruc: String,
    #[serde(default)]
    contact: accounts::BuyerContact,
    /// A central purchasing body (runs framework agreements).
    #[serde(default)]
    central_purchasing: bool,
}

#[derive(Deserialize)]
struct FixtureUser {
    email: String,
    display_name: String,
    role: String,
    buyer_ruc: Option<String>,
    locale: Option<String>,
    #[serde(default)]
    registry_officer: bool,
}

/// A demo login to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    /// Role name.
    pub role: String,
    /// Email.
    pub email: String,
    /// Password.
    pub password: String,
    /// Buyer entity (officers) or company (supplier users).
    pub buyer: Option<String>,
    /// Opening passphrase (officers and auditors, who sit on opening committees).
    pub opening_passphrase: Option<String>,
}

/// Loads the demo data; returns every demo login and how many records were created.
pub async fn seed(app: &Arc<App>) -> Result<(Vec<DemoLogin>, usize), AppError> {
    let db = app.db.clone();
    let _turn = tokio::task::spawn_blocking(move || db.startup_lock())
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::unavailable)?;
    let fixtures: Fixtures = serde_json::from_str(DEMO)
        .map_err(|e| AppError::internal(format!("fixtures/demo.json: {e}")))?;
    let mut created = 0;
    for b in fixtures.buyers {
        let state = app.clone();
        let made = app
            .db
            .run(move |conn| {
                let exists: bool = diesel::select(diesel::dsl::exists(
                    buyers::table.filter(buyers::ruc.eq(&b.ruc)),
                ))
                .get_result(conn)?;
                if !exists {
                    let buyer = accounts::create_buyer_in(
                        &state,
                        conn,
                        &Actor::system(),
                        &NewBuyer::parse(&b.name, &b.ruc, &b.contact)?,
                    )?;
                    if b.central_purchasing {
                        crate::framework::setup::mark_central_purchasing_in(
                            conn,
                            &Actor::system(),
                            buyer.id,
                            state.clock.now_db(),
                        )?;
                    }
                }
                Ok(!exists)
            })
            .await?;
        created += usize::from(made);
    }
    let mut logins = Vec::new();
    let history = History::new(app);
    let officer_email = fixtures
        .users
        .iter()
        .find(|u| u.registry_officer)
        .map(|u| u.email.clone());
    for u in fixtures.users {
        let (email, ruc) = (u.email.clone(), u.buyer_ruc.clone());
        let (buyer, exists): (Option<(BuyerId, String)>, bool) = app
            .db
            .run(move |conn| {
                let buyer = match ruc {
                    Some(ruc) => Some(
                        buyers::table
                            .filter(buyers::ruc.eq(ruc))
                            .select((buyers::id, buyers::name))
                            .first(conn)?,
                    ),
                    None => None,
                };
                let exists = diesel::select(diesel::dsl::exists(
                    users::table.filter(users::email.eq(&email)),
                ))
                .get_result(conn)?;
                Ok((buyer, exists))
            })
            .await?;
        if !exists {
            let input = NewAccountInput {
                email: u.email.clone(),
                display_name: u.display_name.clone(),
                password: fixtures.password.clone(),
                role: u.role.clone(),
                buyer_id: buyer.as_ref().map(|(id, _)| id.to_string()),
                locale: u.locale.clone(),
            };
            let account = accounts::create_account_at(
                app,
                Actor::system(),
                input.parse()?,
                Verification::AlreadyVerified,
                history.at(-200, 9, created as u32),
            )
            .await?;
            if u.registry_officer {
                let state = app.clone();
                app.db
                    .run(move |conn| {
                        suppliers::set_registry_officer_in(
                            &state,
                            conn,
                            &Actor::system(),
                            account.id,
                            true,
                        )
                    })
                    .await?;
            }
            created += 1;
        }
        let sits_on_committees = u.role == "officer" && !u.registry_officer || u.role == "auditor";
        logins.push(DemoLogin {
            role: if u.registry_officer {
                "registry".into()
            } else {
                u.role
            },
            opening_passphrase: sits_on_committees.then(|| fixtures.opening_passphrase.clone()),
            email: u.email,
            password: fixtures.password.clone(),
            buyer: buyer.map(|(_, name)| name),
        });
    }
    // Companies go through registration and review like real ones, by the demo registry
    // officer; their owners are the supplier logins.
    for (index, f) in fixtures.suppliers.into_iter().enumerate() {
        let mut registration = f.registration;
        registration.owner_password = fixtures.password.clone();
        let ruc = registration.ruc.clone();
        let exists: bool = app
            .db
            .run(move |conn| {
                Ok(diesel::select(diesel::dsl::exists(
                    suppliers_table::table.filter(suppliers_table::ruc.eq(ruc)),
                ))
                .get_result(conn)?)
            })
            .await?;
        if !exists {
            // None when the owner's email already has an account: nothing to load then.
            // Registered months ago, one a day, and verified the next working morning.
            let day = -150 + i64::try_from(index).unwrap_or(0);
            let Some((supplier, _)) = suppliers::register_at(
                app,
                registration.parse()?,
                Verification::AlreadyVerified,
                "seed",
                history.at(day, 10, 0),
            )
            .await?
            else {
                continue;
            };
            if f.verified
                && let Some(email) = officer_email.clone()
            {
                let state = app.clone();
                app.db
                    .run(move |conn| {
                        let officer_id: UserId = users::table
                            .filter(users::email.eq(&email))
                            .select(users::id)
                            .first(conn)?;
                        let officer = auth::load_user(conn, officer_id)?;
                        suppliers::decide_at(
                            &state,
                            conn,
                            &officer,
                            supplier.id,
                            &suppliers::Decision::Verify,
                            history.at(day + 1, 11, 0),
                        )
                        .map(|_| ())
                    })
                    .await?;
            }
            created += 1;
        }
        logins.push(DemoLogin {
            role: "supplier".into(),
            email: registration.owner_email.clone(),
            password: fixtures.password.clone(),
            buyer: Some(registration.legal_name.clone()),
            opening_passphrase: None,
        });
    }
    created += seed_opening_keys(app, &logins).await?;
    created += seed_tenders(app, history, &fixtures.opening_passphrase).await?;
    created += catalogue::seed_catalogue(app, history).await?;
    // The story spans months: sign it now, so its events are covered from the start.
    let state = app.clone();
    app.db
        .run(move |conn| {
            crate::audit::checkpoints::sign(conn, &state, state.clock.now_db(), "start")
        })
        .await?;
    Ok((logins, created))
}

/// Gives every demo officer and auditor an opening key with the demo passphrase (two at a
/// time: the key stretching is deliberately slow).
async fn seed_opening_keys(app: &Arc<App>, logins: &[DemoLogin]) -> Result<usize, AppError> {
    let now = app.clock.now_db();
    let work_factor = app.settings.opening_key_work_factor;
    let mut made = 0;
    for pair in logins
        .iter()
        .filter(|l| l.opening_passphrase.is_some())
        .collect::<Vec<_>>()
        .chunks(2)
    {
        let runs = pair.iter().map(|login| {
            let (email, passphrase) = (
                login.email.clone(),
                login.opening_passphrase.clone().unwrap_or_default(),
            );
            app.db.run(move |conn| {
                let id: UserId = users::table
                    .filter(users::email.eq(&email))
                    .select(users::id)
                    .first(conn)?;
                crate::tenders::sealing::ensure_opening_key(conn, id, &passphrase, work_factor, now)
            })
        });
        for created in futures_util::future::join_all(runs).await {
            made += usize::from(created?);
        }
    }
    Ok(made)
}

/// Instants of the demo's past on Lima's clock: `at(days, hour, minute)` is that wall-clock
/// time `days` from the day the data is loaded (negative: before), never later than now —
/// so every seeded event happens at an hour an office would act and in an order that could
/// have happened.
#[derive(Clone, Copy)]
struct History {
    now: chrono::NaiveDateTime,
    today: chrono::NaiveDate,
    tz: chrono_tz::Tz,
}

impl History {
    fn new(app: &App) -> Self {
        // Whole minutes, as an officer would type them.
        let now = chrono::Timelike::with_nanosecond(&app.clock.now_db(), 0)
            .and_then(|t| chrono::Timelike::with_second(&t, 0))
            .unwrap_or_else(|| app.clock.now_db());
        let tz = app.settings.timezone;
        Self {
            now,
            today: now.and_utc().with_timezone(&tz).date_naive(),
            tz,
        }
    }

    fn at(&self, days: i64, hour: u32, minute: u32) -> chrono::NaiveDateTime {
        use chrono::TimeZone;
        let date = self.today + chrono::Duration::days(days);
        let local = date
            .and_time(chrono::NaiveTime::from_hms_opt(hour, minute.min(59), 0).unwrap_or_default());
        let at = self
            .tz
            .from_local_datetime(&local)
            .earliest()
            .map_or(local, |t| t.naive_utc());
        if days < 0 { at.min(self.now) } else { at }
    }
}

/// A demo PDF with these lines, as if uploaded under `name`.
fn demo_attachment(
    data_dir: &std::path::Path,
    name: &str,
    lines: &[&str],
) -> Result<crate::bids::Attachment, AppError> {
    let file = crate::blobs::Spooled::from_bytes(data_dir, &tenders::documents::demo_pdf(lines))
        .map_err(|e| AppError::internal(format!("spool a demo document: {e}")))?;
    Ok(crate::bids::Attachment {
        name: name.to_owned(),
        file,
    })
}
