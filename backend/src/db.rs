//! Persistence: one diesel connection type over PostgreSQL and SQLite, the pool, write
//! transactions and embedded migrations.
//!
//! - [`DbConnection`] is a `#[derive(diesel::MultiConnection)]` enum, so every query is written
//!   once against one `schema.rs` and runs on both back ends.
//! - The back end is chosen by the URL's scheme in [`DatabaseUrl::parse`]. We do **not** use the
//!   derived `establish` (it tries every back end in turn and hides PostgreSQL's real error);
//!   our r2d2 [`Manager`] connects with the right one and reports its error.
//! - diesel is blocking: [`Database::run`] moves every piece of database work onto tokio's
//!   blocking pool so request handlers never stall the async runtime.
//! - SQLite runs in WAL mode with foreign keys and a busy timeout; writes start with
//!   `BEGIN IMMEDIATE` ([`write_transaction`]) so two writers queue on the busy timeout
//!   instead of dead-locking on a read→write lock upgrade.
//!
//! This module knows nothing of HTTP.

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::path::PathBuf;

use crate::error::AppError;

/// Advisory-lock key every PostgreSQL write transaction holds shared, and an audit
/// checkpoint's watermark takes exclusively (so it waits for no write in flight).
pub const WRITES_LOCK: i64 = 0x4c49_4349_5457; // "LICITW"

/// SQLite migrations, embedded into the binary.
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
/// PostgreSQL migrations, embedded into the binary.
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

pub use connection::DbConnection;

mod connection {

    /// One open database connection, on whichever back end the URL chose.
    #[derive(diesel::MultiConnection)]
    pub enum DbConnection {
        /// PostgreSQL.
        Postgresql(diesel::PgConnection),
        /// SQLite (bundled).
        Sqlite(diesel::SqliteConnection),
    }
}

/// Which database engine a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
}

/// A parsed `LICITA_DATABASE_URL`.
#[derive(Debug, Clone)]
pub enum DatabaseUrl {
    /// `postgres://…` or `postgresql://…`, kept whole for libpq.
    Postgres(String),
    /// `sqlite://PATH`; the file is created (with its directory) on first use.
    Sqlite(PathBuf),
}

impl DatabaseUrl {
    /// Parses a database URL, naming what is wrong.
    pub fn parse(url: &str) -> Result<Self, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(url.to_owned()))
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("sqlite:// needs a file path, e.g. sqlite://data/licita.db".into());
            }
            Ok(Self::Sqlite(PathBuf::from(path)))
        } else {
            Err(format!(
                "'{}' must start with sqlite:// or postgres://",
                redact_password(url)
            ))
        }
    }

    /// The engine this URL names.
    pub fn engine(&self) -> Engine {
        match self {
            Self::Postgres(_) => Engine::Postgres,
            Self::Sqlite(_) => Engine::Sqlite,
        }
    }

    /// The URL with any password replaced by `***`, safe to print.
    pub fn redacted(&self) -> String {
        match self {
            Self::Postgres(url) => redact_password(url),
            Self::Sqlite(path) => format!("sqlite://{}", path.display()),
        }
    }
}

/// Replaces the password of a URL with `***`.
pub fn redact_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            // Cannot fail: a URL with a password has a host, so it accepts one.
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// r2d2 manager that opens connections for one [`DatabaseUrl`].
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
}

/// Error opening or checking a connection.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The database could not be reached or opened.
    #[error("{0}")]
    Connection(#[from] diesel::ConnectionError),
    /// A statement run on a fresh connection failed.
    #[error("{0}")]
    Query(#[from] diesel::result::Error),
    /// The SQLite file's directory could not be created.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConnection, ConnectError> {
        match &self.url {
            DatabaseUrl::Postgres(url) => Ok(DbConnection::Postgresql(
                diesel::PgConnection::establish(url)?,
            )),
            DatabaseUrl::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)?;
                }
                // The busy timeout first: switching to WAL takes a lock, and a second server
                // opening the file while the first migrates must wait, not fail. SQLite does
                // not always call its busy handler for that switch (it answered "database is
                // locked" at once to a second server starting beside a seeding one), so a
                // locked answer is retried for up to ten seconds.
                let mut attempts = 0;
                loop {
                    let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy())?;
                    match conn.batch_execute(
                        "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                         PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
                    ) {
                        Ok(()) => return Ok(DbConnection::Sqlite(conn)),
                        Err(e) if attempts < 100 && e.to_string().contains("locked") => {
                            attempts += 1;
                            std::thread::sleep(std::time::Duration::from_millis(100));
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ConnectError> {
        conn.batch_execute("SELECT 1").map_err(Into::into)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

/// The connection pool and what it connects to.
#[derive(Clone)]
pub struct Database {
    pool: r2d2::Pool<Manager>,
    url: DatabaseUrl,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("url", &self.url.redacted())
            .finish()
    }
}

impl Database {
    /// Opens a pool and checks that one connection works. The error is one line naming the
    /// database (password hidden) and the cause.
    pub fn connect(url: &str, pool_size: u32) -> Result<Self, String> {
        let url = DatabaseUrl::parse(url)?;
        let manager = Manager { url: url.clone() };
        // Try once directly so the real error (not r2d2's "timed out") reaches the operator.
        manager.connect().map_err(|e| {
            format!(
                "cannot connect to the database {}: {}",
                url.redacted(),
                one_line(&e.to_string())
            )
        })?;
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            .connection_timeout(std::time::Duration::from_secs(10))
            .build(manager)
            .map_err(|e| {
                format!(
                    "cannot connect to the database {}: {}",
                    url.redacted(),
                    one_line(&e.to_string())
                )
            })?;
        Ok(Self { pool, url })
    }

    /// The engine behind this pool.
    pub fn engine(&self) -> Engine {
        self.url.engine()
    }

    /// The URL, password hidden.
    pub fn redacted_url(&self) -> String {
        self.url.redacted()
    }

    /// Takes a connection from the pool on the current (blocking) thread.
    pub fn get(&self) -> Result<r2d2::PooledConnection<Manager>, AppError> {
        self.pool
            .get()
            .map_err(|e| AppError::unavailable(format!("database pool: {e}")))
    }

    /// Runs blocking database work on tokio's blocking pool.
    pub async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    {
        let pool = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await
        .map_err(|e| AppError::internal(format!("database task panicked: {e}")))?
    }

    /// Does the database answer (a `SELECT 1` on a pooled connection)? `Unavailable` if not.
    pub async fn ping(&self) -> Result<(), AppError> {
        self.run(|conn| {
            diesel::connection::SimpleConnection::batch_execute(conn, "SELECT 1")
                .map_err(AppError::unavailable)
        })
        .await
    }

    /// Applies every pending migration of this back end, holding the [`StartupLock`] so two
    /// servers starting at once take turns (the second finds nothing to do).
    pub fn migrate(&self) -> Result<usize, String> {
        let _turn = self.startup_lock()?;
        let mut conn = self.get().map_err(|e| e.to_string())?;
        run_migrations(&mut conn)
    }

    /// Waits for, then holds, the database's start-up lock: across processes and machines,
    /// one server at a time migrates or loads the demo data. PostgreSQL: a session advisory
    /// lock on a connection kept for the guard's life. SQLite: an exclusive lock on the file
    /// `<database>.startup-lock` beside it (the database's own locks cannot be held while
    /// other connections of the same process write).
    pub fn startup_lock(&self) -> Result<StartupLock, String> {
        match &self.url {
            DatabaseUrl::Postgres(_) => {
                // Its own connection, outside the pool: the work it guards needs the pool's.
                let mut conn = Manager {
                    url: self.url.clone(),
                }
                .connect()
                .map_err(|e| format!("start-up lock: {}", one_line(&e.to_string())))?;
                conn.batch_execute(&format!("SELECT pg_advisory_lock({STARTUP_LOCK})"))
                    .map_err(|e| format!("start-up lock: {e}"))?;
                Ok(StartupLock::Postgres(conn))
            }
            DatabaseUrl::Sqlite(path) => {
                let lock_path = path.with_extension("startup-lock");
                if let Some(dir) = lock_path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| format!("start-up lock {}: {e}", dir.display()))?;
                }
                let file = std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&lock_path)
                    .map_err(|e| format!("start-up lock {}: {e}", lock_path.display()))?;
                file.lock()
                    .map_err(|e| format!("start-up lock {}: {e}", lock_path.display()))?;
                Ok(StartupLock::Sqlite(file))
            }
        }
    }
}

/// Advisory-lock key of start-up work on PostgreSQL ("LICITA").
const STARTUP_LOCK: i64 = 0x4c49_4349_5441;

/// Held while one server migrates or seeds; released when dropped.
pub enum StartupLock {
    /// The connection that holds the advisory lock.
    Postgres(DbConnection),
    /// The locked file (closing it releases the lock).
    Sqlite(std::fs::File),
}

impl Drop for StartupLock {
    fn drop(&mut self) {
        match self {
            Self::Postgres(conn) => {
                let _ = conn.batch_execute(&format!("SELECT pg_advisory_unlock({STARTUP_LOCK})"));
            }
            Self::Sqlite(file) => {
                let _ = file.unlock();
            }
        }
    }
}

/// Applies pending migrations on one connection; returns how many ran. Servers call it
/// through [`Database::migrate`], which holds the start-up lock.
pub fn run_migrations(conn: &mut DbConnection) -> Result<usize, String> {
    let fail = |e: Box<dyn std::error::Error + Send + Sync>| format!("migration failed: {e}");
    match conn {
        DbConnection::Sqlite(c) => c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.len())
            .map_err(fail),
        DbConnection::Postgresql(c) => c
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len())
            .map_err(fail),
    }
}

/// Runs `work` in a write transaction: `BEGIN IMMEDIATE` on SQLite, `BEGIN` on PostgreSQL.
/// Commits on `Ok`, rolls back on `Err`: nothing is half-written.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        // Inside an open transaction the manager makes a savepoint, so services compose
        // (registering a supplier inserts its owner's account through the same function the
        // admin uses).
        DbConnection::Sqlite(c) => {
            if in_transaction(c)? {
                AnsiTransactionManager::begin_transaction(c)?
            } else {
                AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
            }
        }
        DbConnection::Postgresql(c) => {
            let outermost = AnsiTransactionManager::transaction_manager_status_mut(c)
                .transaction_depth()?
                .is_none();
            AnsiTransactionManager::begin_transaction(c)?;
            // Held until commit: an audit checkpoint's watermark waits for no write in flight
            // (see audit::checkpoints).
            if outermost {
                c.batch_execute(&format!(
                    "SELECT pg_advisory_xact_lock_shared({})",
                    WRITES_LOCK
                ))?;
            }
        }
    }
    match work(conn) {
        Ok(value) => {
            <DbConnection as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            // The caller's error is the one worth reporting; a failed rollback also leaves the
            // connection broken, which r2d2 will notice on its next check.
            let _ = <DbConnection as Connection>::TransactionManager::rollback_transaction(conn);
            Err(e)
        }
    }
}

fn in_transaction(conn: &mut diesel::SqliteConnection) -> Result<bool, diesel::result::Error> {
    Ok(AnsiTransactionManager::transaction_manager_status_mut(conn)
        .transaction_depth()?
        .is_some())
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_choose_the_engine_and_hide_passwords() {
        let pg = DatabaseUrl::parse("postgres://licita:s3cret@db.example:5432/licita").expect("pg");
        assert_eq!(pg.engine(), Engine::Postgres);
        assert_eq!(
            pg.redacted(),
            "postgres://licita:***@db.example:5432/licita"
        );
        assert!(!pg.redacted().contains("s3cret"));
        let lite = DatabaseUrl::parse("sqlite://data/licita.db").expect("sqlite");
        assert_eq!(lite.engine(), Engine::Sqlite);
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }

    #[test]
    fn unreachable_postgres_is_one_line_naming_the_url_without_password() {
        let err = Database::connect("postgres://licita:s3cret@127.0.0.1:1/licita", 1)
            .expect_err("port 1 is closed");
        assert!(
            err.contains("postgres://licita:***@127.0.0.1:1/licita"),
            "{err}"
        );
        assert!(!err.contains("s3cret"));
        assert!(!err.contains('\n'));
    }
}
