//! The harness: starts the real server (the same `licita::serve` the binary runs) on port 0
//! with a fresh database — a temporary SQLite file, or a new PostgreSQL database — and gives
//! tests a cookie-aware HTTP client.
//!
//! PostgreSQL, Chromium and the like are "required" when `LICITA_REQUIRE_ALL=1` (CI): a test
//! that cannot reach them fails. Otherwise it prints why it skipped that part.

use backend::{App, clock::ManualClock, config::Settings, seed};
use chrono::{TimeZone, Utc};
use diesel::{Connection, RunQueryDsl, connection::SimpleConnection};
use std::{
    collections::BTreeMap,
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicU32, Ordering},
    },
};

/// The demo password from fixtures/demo.json.
pub const DEMO_PASSWORD: &str = "licita-demo-2026";
/// Demo accounts by role.
pub const ADMIN: &str = "admin@licita.gob.pe";
pub const OFFICER: &str = "compras@munlima.gob.pe";
pub const AUDITOR: &str = "auditoria@contraloria.gob.pe";
pub const SUPPLIER: &str = "ventas@andinasac.com.pe";
/// The JWT secret of test servers (tests forge tokens with it and with others).
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";

/// Are missing services failures (CI) rather than skips?
pub fn require_all() -> bool {
    std::env::var("LICITA_REQUIRE_ALL").is_ok_and(|v| v == "1" || v == "true")
}

/// Reports a missing dependency: panics under `LICITA_REQUIRE_ALL`, else prints a skip line.
pub fn missing(what: &str, why: &str) {
    if require_all() {
        panic!("{what} is required (LICITA_REQUIRE_ALL=1) but unavailable: {why}");
    }
    eprintln!("SKIPPED {what}: {why}");
}

/// A database back end to run a test body against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Server URL of PostgreSQL for tests (a database is created per test under it).
pub fn postgres_admin_url() -> String {
    std::env::var("LICITA_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// SQLite always; PostgreSQL when reachable (or required).
pub fn backends() -> Vec<Db> {
    let mut all = vec![Db::Sqlite];
    match diesel::PgConnection::establish(&postgres_admin_url()) {
        Ok(_) => all.push(Db::Postgres),
        Err(e) => missing("PostgreSQL", &format!("{}: {e}", postgres_admin_url())),
    }
    all
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh database of kind `db`; returns its URL and, for PostgreSQL, its name.
pub fn fresh_database(db: Db, dir: &std::path::Path) -> (String, Option<String>) {
    match db {
        Db::Sqlite => (
            format!("sqlite://{}", dir.join("licita.db").display()),
            None,
        ),
        Db::Postgres => {
            let name = format!(
                "licita_test_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst)
            );
            let mut admin = diesel::PgConnection::establish(&postgres_admin_url())
                .expect("PostgreSQL reachable");
            // Separate statements: a multi-statement batch runs in one transaction, which
            // CREATE DATABASE refuses.
            admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
                .expect("drop old test database");
            admin
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .expect("create test database");
            let mut url = url_with_database(&postgres_admin_url(), &name);
            if !url.contains("application_name") {
                url.push_str(if url.contains('?') { "&" } else { "?" });
                url.push_str("application_name=licita_test");
            }
            (url, Some(name))
        }
    }
}

fn url_with_database(admin_url: &str, name: &str) -> String {
    let (base, query) = admin_url
        .split_once('?')
        .map(|(b, q)| (b, Some(q)))
        .unwrap_or((admin_url, None));
    let base = match base.rfind('/') {
        Some(i) if i > "postgres://".len() => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// A running server with its own database.
pub struct TestApp {
    pub db: Db,
    pub addr: SocketAddr,
    pub app: Arc<App>,
    pub clock: ManualClock,
    pub database_url: String,
    pub dir: tempfile::TempDir,
    /// The settings it was started with (a [`Peer`] starts with the same).
    env: BTreeMap<String, String>,
    pg_name: Option<String>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestApp {
    /// Starts a server on `db` with the demo data loaded.
    pub async fn spawn(db: Db) -> Self {
        Self::spawn_with(db, &[]).await
    }

    /// Starts a server with extra settings (`LICITA_*` pairs) and the demo data.
    pub async fn spawn_with(db: Db, extra: &[(&str, &str)]) -> Self {
        Self::start(db, extra, true).await
    }

    /// Starts a server with extra settings on an empty database (migrated, nothing in it):
    /// the test builds what it needs (see `build.rs`).
    pub async fn spawn_empty_with(db: Db, extra: &[(&str, &str)]) -> Self {
        Self::start(db, extra, false).await
    }

    async fn start(db: Db, extra: &[(&str, &str)], demo: bool) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let (database_url, pg_name) = fresh_database(db, dir.path());
        let mut env: BTreeMap<String, String> = [
            (
                "LICITA_CONFIG",
                dir.path().join("none.toml").display().to_string(),
            ),
            ("LICITA_DATABASE_URL", database_url.clone()),
            (
                "LICITA_DATA_DIR",
                dir.path().join("data").display().to_string(),
            ),
            ("LICITA_BIND", "127.0.0.1:0".into()),
            ("LICITA_JWT_SECRET", JWT_SECRET.into()),
            ("LICITA_MAIL_TRANSPORT", "memory".into()),
            ("LICITA_DB_POOL_SIZE", "4".into()),
            // Committee members' keys are stretched cheaply in tests (the default is 17).
            ("LICITA_OPENING_KEY_WORK_FACTOR", "10".into()),
            // The tests walk the open-data feed many times a second from one address.
            ("LICITA_OCDS_REQUESTS_PER_MINUTE", "1000000".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        for (k, v) in extra {
            env.insert((*k).to_owned(), (*v).to_owned());
        }
        std::fs::write(dir.path().join("none.toml"), "").expect("empty config");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        env.entry("LICITA_PUBLIC_URL".into())
            .or_insert(format!("http://{addr}"));
        let settings =
            Settings::from_lookup(|k| env.get(k).cloned()).expect("test settings are valid");
        let clock = ManualClock::new(
            Utc.with_ymd_and_hms(2026, 11, 23, 14, 0, 0)
                .single()
                .expect("valid date"),
        );
        let app = Arc::new(
            tokio::task::spawn_blocking({
                let clock = clock.clone();
                move || App::start(settings, Arc::new(clock))
            })
            .await
            .expect("start task")
            .expect("app starts"),
        );
        if demo {
            Self::load_demo(&env, &clock).await;
        }
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(licita::serve(app.clone(), listener, async {
            let _ = stopped.await;
        }));
        Self {
            db,
            addr,
            app,
            clock,
            database_url,
            dir,
            env,
            pg_name,
            stop: Some(stop),
            server: Some(server),
        }
    }

    /// Loads the demo data (and delivers the mail it causes) with an app of its own on the
    /// in-memory mailer, so each test's mail transport sees only the test's own messages.
    async fn load_demo(env: &BTreeMap<String, String>, clock: &ManualClock) {
        let mut seed_env = env.clone();
        seed_env.insert("LICITA_MAIL_TRANSPORT".into(), "memory".into());
        let seed_settings =
            Settings::from_lookup(|k| seed_env.get(k).cloned()).expect("seed settings");
        let seeder = Arc::new(
            tokio::task::spawn_blocking({
                let clock = clock.clone();
                move || App::start(seed_settings, Arc::new(clock))
            })
            .await
            .expect("start task")
            .expect("seeding app starts"),
        );
        seed::seed(&seeder).await.expect("seed");
        while backend::jobs::deliver_outbox(&seeder)
            .await
            .expect("deliver seed mail")
            > 0
        {}
    }

    /// Absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A second server on this one's database, settings, keys and clock (PostgreSQL: several
    /// servers behind one database), answering on its own address.
    pub async fn peer(&self) -> Peer {
        assert_eq!(
            self.db,
            Db::Postgres,
            "several servers share a PostgreSQL database"
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let env = self.env.clone();
        let settings =
            Settings::from_lookup(|k| env.get(k).cloned()).expect("test settings are valid");
        let clock = self.clock.clone();
        let app = Arc::new(
            tokio::task::spawn_blocking(move || App::start(settings, Arc::new(clock)))
                .await
                .expect("start task")
                .expect("the second server starts"),
        );
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(licita::serve(app.clone(), listener, async {
            let _ = stopped.await;
        }));
        Peer {
            addr,
            app,
            stop: Some(stop),
            server: Some(server),
        }
    }

    /// A client that keeps cookies and does not follow redirects (tests assert them).
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// Logs in a demo account through the API and returns the bearer token.
    pub async fn token(&self, email: &str) -> String {
        self.token_with(email, DEMO_PASSWORD).await
    }

    /// Logs in through the API with a password and returns the bearer token.
    pub async fn token_with(&self, email: &str, password: &str) -> String {
        let response = self
            .client()
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"email": email, "password": password}))
            .send()
            .await
            .expect("login request");
        assert_eq!(response.status(), 200, "login of {email} on {:?}", self.db);
        let body: serde_json::Value = response.json().await.expect("json");
        body["token"].as_str().expect("token").to_owned()
    }

    /// `GET path` without signing in, expecting JSON.
    pub async fn get_public(&self, path: &str) -> serde_json::Value {
        self.client()
            .get(self.url(path))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json")
    }

    /// `GET path` with a bearer token, expecting JSON.
    pub async fn get_json(&self, path: &str, token: &str) -> serde_json::Value {
        self.client()
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json")
    }

    /// `POST path` with a bearer token and a JSON body.
    /// POSTs `body` as JSON without a token; the answer's JSON.
    pub async fn post_public_json(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> serde_json::Value {
        let response = self
            .client()
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("post");
        let status = response.status();
        let text = response.text().await.expect("text");
        assert!(status.is_success(), "{path}: {status} {text}");
        serde_json::from_str(&text).expect("JSON")
    }

    pub async fn post_json(
        &self,
        path: &str,
        token: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        self.client()
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("post")
    }

    /// Runs the outbox worker once, now.
    pub async fn deliver_mail(&self) -> usize {
        backend::jobs::deliver_outbox(&self.app)
            .await
            .expect("deliver")
    }

    /// Stops the server gracefully and drops the PostgreSQL database.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

/// A second server of a [`TestApp`] ([`TestApp::peer`]); stopped when dropped.
pub struct Peer {
    pub addr: SocketAddr,
    pub app: Arc<App>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Peer {
    /// Absolute URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Stops it and waits until it has (its connections finished).
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(name) = self.pg_name.take()
            && let Ok(mut admin) = diesel::PgConnection::establish(&postgres_admin_url())
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin);
        }
    }
}

/// Reads the CSRF token out of a page's forms.
pub fn csrf_from(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html
        .find(marker)
        .map(|i| i + marker.len())
        .expect("page has a csrf_token field");
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Logs in through the login page with a cookie-keeping client; returns that client.
pub async fn page_login(app: &TestApp, email: &str, password: &str) -> reqwest::Client {
    let (client, response) = page_login_returning(app, email, password, "").await;
    assert_eq!(response.status(), 303, "page login of {email}");
    client
}

/// Submits the login page with `volver` as the return path; the client and the answer.
pub async fn page_login_returning(
    app: &TestApp,
    email: &str,
    password: &str,
    volver: &str,
) -> (reqwest::Client, reqwest::Response) {
    let client = app.client();
    let page = client
        .get(app.url("/ingresar"))
        .send()
        .await
        .expect("login page")
        .text()
        .await
        .expect("text");
    let csrf = csrf_from(&page);
    let response = client
        .post(app.url("/ingresar"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("email", email),
            ("password", password),
            ("volver", volver),
        ])
        .send()
        .await
        .expect("login post");
    (client, response)
}

/// The body of `GET url` with `client` (keeping its cookies).
pub async fn page_text(client: &reqwest::Client, url: String) -> String {
    client
        .get(url)
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text")
}

/// `POST url` as a form with `client` (keeping its cookies).
pub async fn post_form(
    client: &reqwest::Client,
    url: String,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    client.post(url).form(fields).send().await.expect("post")
}

/// Demo users of the supplier registry.
pub const REGISTRY_OFFICER: &str = "registro@oece.gob.pe";
pub const OTHER_OWNER: &str = "gerencia@constructorasol.pe";
/// Demo companies: Andina (verified, owned by SUPPLIER) and TechPerú (pending).
pub const ANDINA_RUC: &str = "20512333797";
pub const TECHPERU_RUC: &str = "20555666773";

/// A valid RUC made from `prefix` (2 digits) and a number, with its check digit.
pub fn ruc(prefix: &str, n: u32) -> String {
    let first_ten = format!("{prefix}{n:08}");
    let digits: Vec<u32> = first_ten.chars().filter_map(|c| c.to_digit(10)).collect();
    format!("{first_ten}{}", backend::domain::ruc_check_digit(&digits))
}

/// A complete registration body.
pub fn registration(ruc: &str, legal_name: &str, owner_email: &str) -> serde_json::Value {
    serde_json::json!({
        "legal_name": legal_name, "ruc": ruc, "legal_form": "sac", "trade_name": "",
        "department": "Áncash", "province": "Huaraz", "district": "Independencia",
        "address": "Jr. José de Sucre 512", "contact_email": owner_email, "contact_phone": "+51 43 421 000",
        "categories": ["43", "81"], "owner_name": "Rosa Ñañez", "owner_email": owner_email,
        "owner_password": "clave de prueba larga"
    })
}

impl TestApp {
    /// Delivers queued mail and returns the newest link to `path` sent to `to`.
    pub async fn link_sent_to(&self, to: &str, path: &str) -> String {
        for _ in 0..100 {
            self.settle_mail().await;
            let sent = self.app.mailer.sent();
            if let Some(link) = sent.iter().rev().filter(|m| m.to == to).find_map(|m| {
                let start = m.body.find(&format!("{path}?token="))?;
                let begin = m.body[..start].rfind("http").unwrap_or(start);
                m.body[begin..].split_whitespace().next().map(str::to_owned)
            }) {
                return link;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let sent: Vec<(String, String)> = self
            .app
            .mailer
            .sent()
            .into_iter()
            .map(|m| (m.to, m.subject))
            .collect();
        panic!("no mail to {to} with a link to {path}; sent: {sent:?}");
    }

    /// Delivers due mail and waits until no message is being sent (the background worker may
    /// hold one).
    pub async fn settle_mail(&self) {
        for _ in 0..200 {
            self.deliver_mail().await;
            let app = self.app.clone();
            let counts = app
                .db
                .run(backend::mail::outbox_counts)
                .await
                .expect("counts");
            if !counts.iter().any(|(status, _)| status == "sending") {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("mail never settled");
    }

    /// Subjects of every delivered message to `to`.
    pub async fn subjects_sent_to(&self, to: &str) -> Vec<String> {
        self.settle_mail().await;
        self.app
            .mailer
            .sent()
            .into_iter()
            .filter(|m| m.to == to)
            .map(|m| m.subject)
            .collect()
    }

    /// The id of the supplier with `ruc` (through the registry queue or directory as an auditor).
    pub async fn supplier_id(&self, ruc: &str) -> i64 {
        let ruc = ruc.to_owned();
        let app = self.app.clone();
        app.db
            .run(move |conn| {
                use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
                Ok(backend::schema::suppliers::table
                    .filter(backend::schema::suppliers::ruc.eq(ruc))
                    .select(backend::schema::suppliers::id)
                    .first::<i64>(conn)?)
            })
            .await
            .expect("supplier exists")
    }

    /// The id of the user with `email`.
    pub async fn user_id(&self, email: &str) -> i64 {
        let email = email.to_owned();
        let app = self.app.clone();
        app.db
            .run(move |conn| {
                use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
                Ok(backend::schema::users::table
                    .filter(backend::schema::users::email.eq(email))
                    .select(backend::schema::users::id)
                    .first::<i64>(conn)?)
            })
            .await
            .expect("user exists")
    }

    /// `PUT path` with a bearer token and a JSON body.
    pub async fn put_json(
        &self,
        path: &str,
        token: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        self.client()
            .put(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("put")
    }
}

/// Checks one role's column of an authorization matrix: every API route (method, path, body,
/// expected statuses by column) called with `token`, and every page (path, expected statuses)
/// fetched with `client`, the role's page session.
pub async fn assert_role_column<P, E, Q, F>(
    app: &TestApp,
    column: usize,
    role: &str,
    token: Option<&str>,
    client: &reqwest::Client,
    api: &[(&str, P, serde_json::Value, E)],
    pages: &[(Q, F)],
) where
    P: AsRef<str>,
    E: AsRef<[u16]>,
    Q: AsRef<str>,
    F: AsRef<[u16]>,
{
    for (method, path, body, expected) in api {
        let path = path.as_ref();
        let mut request = app
            .client()
            .request(method.parse().expect("method"), app.url(path));
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        if !body.is_null() {
            request = request.json(body);
        }
        let status = request.send().await.expect("request").status().as_u16();
        assert_eq!(
            status,
            expected.as_ref()[column],
            "{method} {path} as {role} on {:?}",
            app.db
        );
    }
    for (path, expected) in pages {
        let path = path.as_ref();
        let status = client
            .get(app.url(path))
            .send()
            .await
            .expect("page")
            .status()
            .as_u16();
        assert_eq!(
            status,
            expected.as_ref()[column],
            "GET {path} as {role} on {:?}",
            app.db
        );
    }
}
