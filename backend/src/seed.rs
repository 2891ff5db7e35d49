//! Demo data: `fixtures/demo.json`, embedded in the binary so `cargo run` works from any
//! directory. Loading is idempotent: buyers are matched by RUC and users by email, and what
//! exists is left as it is. It runs under the database's start-up lock, so servers started
//! at once on an empty database take turns: the first loads the data, the others find it.

use crate::domain::{BuyerId, TenderId, UserId};
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
    schema::tenders as tenders_table,
    schema::{buyers, supplier_members, users},
    suppliers::{self, RegistrationInput},
    tenders,
};

const DEMO: &str = include_str!("../../fixtures/demo.json");

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
                    accounts::create_buyer_in(
                        &state,
                        conn,
                        &Actor::system(),
                        &NewBuyer::parse(&b.name, &b.ruc, &b.contact)?,
                    )?;
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

/// Submission deadlines fall at these Lima hours, one tender after another.
const DEADLINE_HOURS: [u32; 5] = [10, 11, 12, 15, 16];

const DEMO_TENDERS: &str = include_str!("../../fixtures/tenders.json");

#[derive(Deserialize)]
struct TenderFixtures {
    tenders: Vec<FixtureTender>,
}

#[derive(Deserialize)]
struct FixtureTender {
    buyer_ruc: String,
    title: String,
    description: String,
    method: String,
    procurement_category: String,
    classification: String,
    currency: String,
    lots: Vec<tenders::LotInput>,
    #[serde(default)]
    quality_criteria: Vec<tenders::CriterionInput>,
    state: String,
    published_days_ago: Option<i64>,
    enquiry_in_days: i64,
    deadline_in_days: i64,
    #[serde(default)]
    enquiries: Vec<FixtureEnquiry>,
    #[serde(default)]
    amendments: Vec<FixtureAmendment>,
    cancellation_ground: Option<String>,
    documents: Vec<String>,
    /// Sealed bids, submitted two days before the deadline.
    #[serde(default)]
    bids: Vec<FixtureBid>,
    /// After the opening: evaluation (every bid valid) and the award of lot 1.
    award: Option<FixtureAward>,
}

#[derive(Deserialize)]
struct FixtureBid {
    supplier_ruc: String,
    /// Price per lot, in lot order.
    prices: Vec<String>,
}

#[derive(Deserialize)]
struct FixtureAward {
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

#[derive(Deserialize)]
struct FixtureEnquiry {
    supplier_ruc: String,
    question: String,
    answer: Option<String>,
}

#[derive(Deserialize)]
struct FixtureAmendment {
    days_after_publication: i64,
    rationale: String,
    material: bool,
    extend_days: i64,
    #[serde(default)]
    documents: Vec<String>,
}

/// Loads `fixtures/tenders.json`: each tender is drafted, given its documents, published,
/// asked, answered, amended and cancelled through the service functions, at instants in the
/// past that the fixture's day offsets give, so the audit log reads like a real history.
async fn seed_tenders(
    app: &Arc<App>,
    history: History,
    passphrase: &str,
) -> Result<usize, AppError> {
    let fixtures: TenderFixtures = serde_json::from_str(DEMO_TENDERS)
        .map_err(|e| AppError::internal(format!("fixtures/tenders.json: {e}")))?;
    let now = history.now;
    let day = chrono::Duration::days(1);
    let mut created = 0;
    let mut awarded = Vec::new();
    for (index, f) in fixtures.tenders.into_iter().enumerate() {
        let (buyer_ruc, title) = (f.buyer_ruc.clone(), f.title.clone());
        let found: (Option<TenderId>, Vec<UserId>) = app
            .db
            .run(move |conn| {
                let buyer: BuyerId = buyers::table
                    .filter(buyers::ruc.eq(&buyer_ruc))
                    .select(buyers::id)
                    .first(conn)?;
                let existing = tenders_table::table
                    .filter(tenders_table::buyer_id.eq(buyer))
                    .filter(tenders_table::title.eq(&title))
                    .select(tenders_table::id)
                    .first(conn)
                    .optional()?;
                let officers = users::table
                    .filter(users::buyer_id.eq(buyer))
                    .filter(users::role.eq("officer"))
                    .filter(users::registry_officer.eq(false))
                    .order(users::id)
                    .select(users::id)
                    .load(conn)?;
                Ok((existing, officers))
            })
            .await?;
        let (None, officers) = found else { continue };
        // Published at 09:00 on its day, drafted the afternoon before; questions close at
        // 17:00 and bids at an office hour, the opening two hours after.
        let published_at = f.published_days_ago.map(|d| history.at(-d, 9, 0));
        let base = published_at.unwrap_or(now);
        let deadline_hour = DEADLINE_HOURS[index % DEADLINE_HOURS.len()];
        let at_days = |d: i64| history.at(d, deadline_hour, 0);
        let enquiry_deadline = history.at(f.enquiry_in_days, 17, 0);
        let input = tenders::TenderInput {
            title: f.title.clone(),
            description: f.description.clone(),
            method: f.method.clone(),
            procurement_category: f.procurement_category.clone(),
            classification: f.classification.clone(),
            currency: f.currency.clone(),
            lots: f.lots.clone(),
            award_criteria: if f.quality_criteria.is_empty() {
                "lowest_price"
            } else {
                "price_quality"
            }
            .into(),
            price_weight: (!f.quality_criteria.is_empty())
                .then(|| 100 - f.quality_criteria.iter().map(|c| c.weight).sum::<i64>()),
            quality_criteria: f.quality_criteria.clone(),
            enquiry_deadline: iso(enquiry_deadline),
            submission_deadline: iso(at_days(f.deadline_in_days)),
            opening_at: iso(at_days(f.deadline_in_days) + chrono::Duration::hours(2)),
            committee: officers.clone(),
            observer: None,
            committee_threshold: Some(2),
        };
        let draft = input.parse()?;
        let officer_id = *officers
            .first()
            .ok_or_else(|| AppError::internal(format!("no officers for {}", f.buyer_ruc)))?;
        let tender_id = app
            .db
            .run(move |conn| {
                let officer = auth::load_user(conn, officer_id)?;
                tenders::create_draft_in(conn, &officer, &draft, base - chrono::Duration::hours(17))
            })
            .await?;
        for name in &f.documents {
            attach_demo_document(
                app,
                officer_id,
                tender_id,
                name,
                &f.title,
                base - chrono::Duration::minutes(16 * 60 + 30),
            )
            .await?;
        }
        if let Some(published_at) = published_at {
            let state = app.clone();
            app.db
                .run(move |conn| {
                    let officer = auth::load_user(conn, officer_id)?;
                    tenders::publish_in(conn, &state.settings, &officer, tender_id, published_at)
                        .map(|_| ())
                })
                .await?;
            for (i, e) in f.enquiries.into_iter().enumerate() {
                let asked = published_at + day * (1 + i as i32) + chrono::Duration::hours(1);
                let state = app.clone();
                app.db
                    .run(move |conn| {
                        let asker = owner_of(conn, &e.supplier_ruc)?;
                        let enquiry = tenders::ask_in(conn, &asker, tender_id, &e.question, asked)?;
                        if let Some(answer) = e.answer {
                            let officer = auth::load_user(conn, officer_id)?;
                            tenders::answer_in(
                                conn,
                                &state.settings,
                                &officer,
                                tender_id,
                                enquiry,
                                &answer,
                                asked + chrono::Duration::hours(5),
                            )?;
                        }
                        Ok(())
                    })
                    .await?;
            }
            for a in f.amendments {
                let when =
                    published_at + day * i32::try_from(a.days_after_publication).unwrap_or(0);
                for name in &a.documents {
                    attach_demo_document(
                        app,
                        officer_id,
                        tender_id,
                        name,
                        &f.title,
                        when - chrono::Duration::hours(1),
                    )
                    .await?;
                }
                let new_deadline = at_days(f.deadline_in_days + a.extend_days);
                let amendment = tenders::AmendmentInput {
                    rationale: a.rationale,
                    material: a.material,
                    submission_deadline: Some(iso(new_deadline)),
                    opening_at: Some(iso(new_deadline + chrono::Duration::hours(2))),
                    ..tenders::AmendmentInput::default()
                };
                let state = app.clone();
                app.db
                    .run(move |conn| {
                        let officer = auth::load_user(conn, officer_id)?;
                        tenders::amend_in(
                            conn,
                            &state.settings,
                            &officer,
                            tender_id,
                            &amendment,
                            when,
                        )
                        .map(|_| ())
                    })
                    .await?;
            }
            if let Some(ground) = f.cancellation_ground {
                let state = app.clone();
                app.db
                    .run(move |conn| {
                        let officer = auth::load_user(conn, officer_id)?;
                        tenders::cancel_in(
                            conn,
                            &state.settings,
                            &officer,
                            tender_id,
                            &ground,
                            now - chrono::Duration::hours(12),
                        )
                    })
                    .await?;
            }
        }
        let deadline = at_days(f.deadline_in_days);
        for b in f.bids {
            // Bids arrive before the deadline: the service runs on a clock set back to then.
            let clock = crate::clock::ManualClock::new((deadline - day * 2).and_utc());
            let state = app.clone();
            app.db
                .run(move |conn| {
                    let bidder = owner_of(conn, &b.supplier_ruc)?;
                    let bidder_name: String = suppliers_table::table
                        .filter(suppliers_table::ruc.eq(&b.supplier_ruc))
                        .select(suppliers_table::legal_name)
                        .first(conn)?;
                    let prices = b.prices.join(" / ");
                    let content = crate::bids::BidContent {
                        lots: (1..)
                            .zip(b.prices)
                            .map(|(lot, amount)| crate::bids::PriceInput {
                                lot,
                                amount,
                                currency: None,
                            })
                            .collect(),
                        declarations: crate::bids::DECLARATIONS.map(str::to_owned).to_vec(),
                        // Each bidder's own proposal, naming the company and its prices.
                        documents: vec![demo_attachment(
                            &state.settings.data_dir,
                            "Propuesta técnica y económica.pdf",
                            &[
                                "Propuesta técnica y económica",
                                &format!("{} (RUC {})", bidder_name, b.supplier_ruc),
                                &format!("Precios: {}", prices),
                                "Documento de demostración generado por Licita.",
                            ],
                        )?],
                        remove_documents: Vec::new(),
                    };
                    crate::bids::submit_in(
                        conn,
                        &clock,
                        &state.receipts,
                        state.settings.bid_max_bytes,
                        &bidder,
                        tender_id,
                        crate::bids::Submission::Content(content),
                        crate::bids::Placement::New,
                        None,
                    )
                    .map(|_| ())
                })
                .await?;
        }
        // The status task's moves, each at its moment: questions closed, bids closed and
        // the envelopes frozen at the deadline.
        app.db
            .run(move |conn| {
                if enquiry_deadline <= now {
                    tenders::advance_status_of(conn, tender_id, enquiry_deadline)?;
                }
                if deadline <= now {
                    tenders::advance_status_of(conn, tender_id, deadline)?;
                    crate::bids::freeze_if_due(conn, tender_id, deadline)?;
                }
                Ok(())
            })
            .await?;
        if let Some(award) = f.award {
            awarded.push((
                tender_id,
                officers,
                deadline + chrono::Duration::hours(2),
                award,
            ));
        }
        created += 1;
        debug_assert!(f.state == "draft" || published_at.is_some());
    }
    app.db
        .run(move |conn| tenders::advance_statuses(conn, now))
        .await?;
    for (tender_id, officers, opening_at, award) in awarded {
        seed_award(app, passphrase, tender_id, &officers, opening_at, award).await?;
    }
    Ok(created)
}

fn owner_of(conn: &mut crate::db::DbConnection, ruc: &str) -> Result<auth::CurrentUser, AppError> {
    let owner: UserId = supplier_members::table
        .inner_join(suppliers_table::table)
        .filter(suppliers_table::ruc.eq(ruc))
        .filter(supplier_members::member_role.eq("owner"))
        .select(supplier_members::user_id)
        .first(conn)?;
    auth::load_user(conn, owner)
}

/// Takes a tender with bids past its opening through the loop: two committee members open
/// it, the first officer finds every bid valid and awards lot 1 with the fixture's
/// justifications, and, when the fixture says so, records the contract and its
/// modifications once the standstill is over.
async fn seed_award(
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

fn iso(at: chrono::NaiveDateTime) -> String {
    crate::domain::utc::format(at)
}

async fn attach_demo_document(
    app: &Arc<App>,
    officer_id: UserId,
    tender_id: TenderId,
    name: &str,
    title: &str,
    at: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    let pdf = tenders::documents::demo_pdf(&[
        name.trim_end_matches(".pdf"),
        title,
        "Documento de demostración generado por Licita.",
    ]);
    let body = futures_util::stream::iter([Ok::<_, std::convert::Infallible>(
        axum::body::Bytes::from(pdf),
    )]);
    let blob = crate::blobs::store_upload(
        &app.settings.data_dir,
        name,
        app.settings.upload_max_bytes,
        body,
    )
    .await?;
    app.db
        .run(move |conn| {
            let officer = auth::load_user(conn, officer_id)?;
            tenders::attach_document(conn, &officer, tender_id, &blob, at).map(|_| ())
        })
        .await
}
