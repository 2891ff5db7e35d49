//! Demo data: `fixtures/demo.json`, embedded in the binary so `cargo run` works from any
//! directory. Loading is idempotent: buyers are matched by RUC and users by email, and what
//! exists is left as it is.

use diesel::prelude::*;
use serde::Deserialize;

use crate::{
    accounts::{self, NewAccountInput, NewBuyer, Verification},
    app::App,
    audit::Actor,
    db::DbConnection,
    error::AppError,
    schema::{buyers, users},
};

const DEMO: &str = include_str!("../../fixtures/demo.json");

#[derive(Deserialize)]
struct Fixtures {
    password: String,
    buyers: Vec<FixtureBuyer>,
    users: Vec<FixtureUser>,
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
    /// Buyer entity, for officers.
    pub buyer: Option<String>,
}

/// Loads the demo data; returns every demo login and how many records were created.
pub fn seed(app: &App, conn: &mut DbConnection) -> Result<(Vec<DemoLogin>, usize), AppError> {
    let fixtures: Fixtures = serde_json::from_str(DEMO)
        .map_err(|e| AppError::internal(format!("fixtures/demo.json: {e}")))?;
    let actor = Actor::system();
    let mut created = 0;
    for b in &fixtures.buyers {
        let exists: bool = diesel::select(diesel::dsl::exists(
            buyers::table.filter(buyers::ruc.eq(&b.ruc)),
        ))
        .get_result(conn)?;
        if !exists {
            accounts::create_buyer(app, conn, &actor, &NewBuyer::parse(&b.name, &b.ruc)?)?;
            created += 1;
        }
    }
    let mut logins = Vec::new();
    for u in &fixtures.users {
        let buyer: Option<(i64, String)> = match &u.buyer_ruc {
            Some(ruc) => Some(
                buyers::table
                    .filter(buyers::ruc.eq(ruc))
                    .select((buyers::id, buyers::name))
                    .first(conn)?,
            ),
            None => None,
        };
        let exists: bool = diesel::select(diesel::dsl::exists(
            users::table.filter(users::email.eq(&u.email)),
        ))
        .get_result(conn)?;
        if !exists {
            let input = NewAccountInput {
                email: u.email.clone(),
                display_name: u.display_name.clone(),
                password: fixtures.password.clone(),
                role: u.role.clone(),
                buyer_id: buyer.as_ref().map(|(id, _)| id.to_string()),
                locale: u.locale.clone(),
            };
            accounts::create_account(
                app,
                conn,
                &actor,
                &input.parse()?,
                Verification::AlreadyVerified,
            )?;
            created += 1;
        }
        logins.push(DemoLogin {
            role: u.role.clone(),
            email: u.email.clone(),
            password: fixtures.password.clone(),
            buyer: buyer.map(|(_, name)| name),
        });
    }
    Ok((logins, created))
}
