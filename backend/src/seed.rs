//! Demo data: `fixtures/demo.json`, embedded in the binary so `cargo run` works from any
//! directory. Loading is idempotent: buyers are matched by RUC and users by email, and what
//! exists is left as it is.

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
};

const DEMO: &str = include_str!("../../fixtures/demo.json");

#[derive(Deserialize)]
struct Fixtures {
    password: String,
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
}

/// Loads the demo data; returns every demo login and how many records were created.
pub async fn seed(app: &Arc<App>) -> Result<(Vec<DemoLogin>, usize), AppError> {
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
                    accounts::create_buyer(
                        &state,
                        conn,
                        &Actor::system(),
                        &NewBuyer::parse(&b.name, &b.ruc)?,
                    )?;
                }
                Ok(!exists)
            })
            .await?;
        created += usize::from(made);
    }
    let mut logins = Vec::new();
    let officer_email = fixtures
        .users
        .iter()
        .find(|u| u.registry_officer)
        .map(|u| u.email.clone());
    for u in fixtures.users {
        let (email, ruc) = (u.email.clone(), u.buyer_ruc.clone());
        let (buyer, exists): (Option<(i64, String)>, bool) = app
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
            let account = accounts::create_account(
                app,
                Actor::system(),
                input.parse()?,
                Verification::AlreadyVerified,
            )
            .await?;
            if u.registry_officer {
                let state = app.clone();
                app.db
                    .run(move |conn| {
                        suppliers::set_registry_officer(
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
        logins.push(DemoLogin {
            role: if u.registry_officer {
                "registry".into()
            } else {
                u.role
            },
            email: u.email,
            password: fixtures.password.clone(),
            buyer: buyer.map(|(_, name)| name),
        });
    }
    // Companies go through registration and review like real ones, by the demo registry
    // officer; their owners are the supplier logins.
    for f in fixtures.suppliers {
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
            let (supplier, _) =
                suppliers::register(app, registration.parse()?, Verification::AlreadyVerified)
                    .await?;
            if f.verified
                && let Some(email) = officer_email.clone()
            {
                let state = app.clone();
                app.db
                    .run(move |conn| {
                        let officer_id: i64 = users::table
                            .filter(users::email.eq(&email))
                            .select(users::id)
                            .first(conn)?;
                        let officer = auth::load_user(conn, officer_id)?;
                        suppliers::decide(
                            &state,
                            conn,
                            &officer,
                            supplier.id,
                            &suppliers::Decision::Verify,
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
        });
    }
    Ok((logins, created))
}
