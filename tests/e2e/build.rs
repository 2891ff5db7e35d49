//! Builders: a test makes only what it needs — the people it names, a published tender, sealed
//! bids, an opened tender — through the same service entries the pages and the API call
//! (`accounts::create_account`, `suppliers::register` and `decide`, `tenders::create_draft`,
//! `receive_document` and `publish`, `bids::submit`, `opening::contribute`), on a database
//! that starts empty, instead of loading the whole demo seed.
//!
//! People are the demo's (`fixtures/demo.json`): the same emails, names, roles, buyer
//! entities and companies, with the demo password and opening passphrase, so a test reads the
//! same whether it starts from the seed or from its builders.

use crate::bids::PASSPHRASE;
use crate::support::*;
use crate::tenders::{REAL_PDF, draft, lima};
use backend::{
    accounts::{self, NewAccountInput, NewBuyer, Verification},
    audit::Actor,
    auth::{self, CurrentUser},
    bids::{self, BidContent, Placement, PriceInput, Submission},
    domain::{BidId, TenderId, UserId},
    suppliers::{self, Decision, RegistrationInput},
    tenders::{self, TenderInput},
};
use chrono::NaiveDateTime;
use serde_json::{Value, json};

const DEMO: &str = include_str!("../../fixtures/demo.json");

/// The people of a bidding story: the Municipalidad de Lima's three officers (its 2-of-3
/// committee), an officer of another entity (MINSA), an auditor, an administrator, the
/// registry officer, two verified companies (Andina, whose owner is `SUPPLIER`, and Sol del
/// Sur, `OTHER_OWNER`) and one pending review (TechPerú).
pub const BIDDING_CAST: &[&str] = &[
    OFFICER,
    crate::tenders::LIMA_OFFICER_2,
    crate::bids::LIMA_OFFICER_3,
    crate::tenders::MINSA_OFFICER,
    AUDITOR,
    ADMIN,
    REGISTRY_OFFICER,
    SUPPLIER,
    OTHER_OWNER,
    crate::tenders::TECHPERU_OWNER,
];

/// Every demo person (`fixtures/demo.json`): its users and its companies' owners, without
/// its tenders. A test that only needs people and their permissions starts from these.
pub const PEOPLE: &[&str] = &[
    "admin@licita.gob.pe",
    "compras@munlima.gob.pe",
    "logistica@munlima.gob.pe",
    "tesoreria@munlima.gob.pe",
    "abastecimiento@minsa.gob.pe",
    "adquisiciones@minsa.gob.pe",
    "logistica@regionarequipa.gob.pe",
    "obras@regionarequipa.gob.pe",
    "abastecimiento@proviasnac.gob.pe",
    "contrataciones@proviasnac.gob.pe",
    "compras@essalud.gob.pe",
    "logistica@essalud.gob.pe",
    "auditoria@contraloria.gob.pe",
    "registro@oece.gob.pe",
    "ventas@andinasac.com.pe",
    "gerencia@constructorasol.pe",
    "sales@techperu.com",
];

/// Makes what a test needs on `app` through the service entries.
pub struct Build<'a> {
    app: &'a TestApp,
    state: backend::AppState,
    demo: Value,
}

impl TestApp {
    /// Starts a server on an empty database holding only `cast` (demo people by email, see
    /// [`Build::person`]).
    pub async fn spawn_cast(db: Db, cast: &[&str]) -> Self {
        Self::spawn_cast_with(db, &[], cast).await
    }

    /// [`TestApp::spawn_cast`] with extra settings (`LICITA_*` pairs).
    pub async fn spawn_cast_with(db: Db, extra: &[(&str, &str)], cast: &[&str]) -> Self {
        let app = Self::spawn_empty_with(db, extra).await;
        let build = app.build();
        for email in cast {
            build.person(email).await;
        }
        app
    }

    /// Starts a server holding every demo person ([`PEOPLE`]) and no tender.
    pub async fn spawn_people(db: Db) -> Self {
        Self::spawn_cast(db, PEOPLE).await
    }

    /// [`TestApp::spawn_people`] with extra settings (`LICITA_*` pairs).
    pub async fn spawn_people_with(db: Db, extra: &[(&str, &str)]) -> Self {
        Self::spawn_cast_with(db, extra, PEOPLE).await
    }

    /// The builders of this server.
    pub fn build(&self) -> Build<'_> {
        Build {
            app: self,
            state: backend::AppState(self.app.clone()),
            demo: serde_json::from_str(DEMO).expect("fixtures/demo.json"),
        }
    }
}

impl Build<'_> {
    /// The signed-in form of user `id`, as a request would see it.
    async fn user(&self, id: UserId) -> CurrentUser {
        self.app
            .app
            .db
            .run(move |conn| auth::load_user(conn, id))
            .await
            .expect("user loads")
    }

    fn fixture<'v>(&'v self, list: &str, key: &str, value: &str) -> Option<&'v Value> {
        self.demo[list]
            .as_array()
            .expect("a list in demo.json")
            .iter()
            .find(|v| v[key] == value)
    }

    /// The demo person with `email`, made if absent: an account with the demo password and a
    /// verified address; an officer's buyer entity; an opening key (the demo passphrase) for
    /// officers and auditors; a company owner's company, registered and — as in the demo —
    /// verified by the registry officer.
    pub async fn person(&self, email: &str) -> CurrentUser {
        let app = &self.state;
        if let Some(id) = self.existing(email).await {
            return self.user(id).await;
        }
        let password = self.demo["password"].as_str().expect("password").to_owned();
        if let Some(company) = self.fixture("suppliers", "owner_email", email) {
            let mut input: RegistrationInput =
                serde_json::from_value(company.clone()).expect("a registration");
            input.owner_password = password;
            let (supplier, owner) = suppliers::register(
                app,
                input.parse().expect("valid registration"),
                Verification::AlreadyVerified,
                "builder",
            )
            .await
            .expect("registers")
            .expect("a new company");
            if company["verified"] == true {
                let registry = Box::pin(self.person(REGISTRY_OFFICER)).await;
                suppliers::decide(app, &registry, supplier.id, Decision::Verify)
                    .await
                    .expect("verified");
            }
            return self.user(owner).await;
        }
        let person = self
            .fixture("users", "email", email)
            .unwrap_or_else(|| panic!("{email} is not a demo person"))
            .clone();
        let buyer_id = match person["buyer_ruc"].as_str() {
            Some(ruc) => Some(self.buyer(ruc).await),
            None => None,
        };
        let input = NewAccountInput {
            email: email.to_owned(),
            display_name: person["display_name"].as_str().unwrap_or_default().into(),
            password,
            role: person["role"].as_str().unwrap_or_default().into(),
            buyer_id: buyer_id.map(|id| id.to_string()),
            locale: person["locale"].as_str().map(str::to_owned),
        };
        let account = accounts::create_account(
            app,
            Actor::system(),
            input.parse().expect("valid account"),
            Verification::AlreadyVerified,
        )
        .await
        .expect("account made");
        if person["registry_officer"] == true {
            suppliers::set_registry_officer(app, &Actor::system(), account.id, true)
                .await
                .expect("registry permission");
        }
        let user = self.user(account.id).await;
        if tenders::sealing::may_hold_key(&user) && !user.registry_officer {
            tenders::sealing::set_opening_passphrase(app, &user, PASSPHRASE, None)
                .await
                .expect("opening key");
        }
        user
    }

    async fn existing(&self, email: &str) -> Option<UserId> {
        let email = email.to_owned();
        self.app
            .app
            .db
            .run(move |conn| {
                use diesel::prelude::*;
                Ok(backend::schema::users::table
                    .filter(backend::schema::users::email.eq(email))
                    .select(backend::schema::users::id)
                    .first::<UserId>(conn)
                    .optional()?)
            })
            .await
            .expect("users readable")
    }

    /// The demo buyer entity with `ruc`, made if absent.
    async fn buyer(&self, ruc: &str) -> backend::domain::BuyerId {
        let app = &self.state;
        let known = accounts::list_buyers(app).await.expect("buyers");
        if let Some(b) = known.iter().find(|b| b.ruc == ruc) {
            return b.id;
        }
        let fixture = self.fixture("buyers", "ruc", ruc).expect("a demo buyer");
        let name = fixture["name"].as_str().expect("name").to_owned();
        let contact: accounts::BuyerContact =
            serde_json::from_value(fixture["contact"].clone()).unwrap_or_default();
        accounts::create_buyer(
            app,
            &Actor::system(),
            NewBuyer::parse(&name, ruc, &contact).expect("valid buyer"),
        )
        .await
        .expect("buyer made")
        .id
    }

    /// A tender of `officer`'s entity with the two lots of [`draft`], a document, and
    /// `committee` (2 of them open it), published now; its id, deadline and opening.
    pub async fn published_tender(
        &self,
        officer: &CurrentUser,
        title: &str,
        committee: &[&CurrentUser],
    ) -> (TenderId, NaiveDateTime, NaiveDateTime) {
        self.published_tender_by(officer, title, "licitacion_publica", committee)
            .await
    }

    /// [`Build::published_tender`] by procurement method `method`.
    pub async fn published_tender_by(
        &self,
        officer: &CurrentUser,
        title: &str,
        method: &str,
        committee: &[&CurrentUser],
    ) -> (TenderId, NaiveDateTime, NaiveDateTime) {
        let app = &self.state;
        let members: Vec<i64> = committee.iter().map(|m| m.id.get()).collect();
        let mut body = draft(title, method, &members, &lima(25, "17:00"));
        body["opening_at"] = json!(lima(25, "19:00"));
        let input: TenderInput = serde_json::from_value(body).expect("a tender input");
        let id = tenders::create_draft(app, officer, input.parse().expect("valid draft"), None)
            .await
            .expect("drafted");
        let bytes = futures_util::stream::iter([Ok::<_, std::convert::Infallible>(
            axum::body::Bytes::from_static(REAL_PDF),
        )]);
        tenders::documents::receive_document(app, officer, id, "bases.pdf", bytes)
            .await
            .expect("document attached");
        tenders::publish(app, officer, id).await.expect("published");
        let tender = tenders::view(app, Some(officer), id).await.expect("tender");
        (id, tender.submission_deadline, tender.opening_at)
    }

    /// `company`'s sealed bid on `tender`, one price per lot, every declaration made.
    pub async fn sealed_bid(
        &self,
        company: &CurrentUser,
        tender: TenderId,
        prices: &[&str],
    ) -> BidId {
        let content = BidContent {
            lots: (1..)
                .zip(prices)
                .map(|(lot, amount)| PriceInput {
                    lot,
                    amount: (*amount).to_owned(),
                    currency: None,
                })
                .collect(),
            declarations: bids::DECLARATIONS.map(str::to_owned).to_vec(),
            documents: Vec::new(),
            remove_documents: Vec::new(),
        };
        bids::submit(
            &self.state,
            company,
            tender,
            Submission::Content(content),
            Placement::New,
            None,
        )
        .await
        .expect("bid sealed")
        .bid_id
    }

    /// Moves the clock past `opening_at` and has `members` give their shares: the bids of
    /// `tender` are open.
    pub async fn opened(
        &self,
        tender: TenderId,
        opening_at: NaiveDateTime,
        members: &[&CurrentUser],
    ) {
        self.app
            .set_clock(opening_at + chrono::Duration::minutes(30));
        for member in members {
            bids::opening::contribute(&self.state, member, tender, PASSPHRASE)
                .await
                .expect("share given");
        }
    }
}
