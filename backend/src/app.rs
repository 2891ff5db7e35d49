//! The application state shared by every request and background job.

use std::{ops::Deref, sync::Arc};

use crate::{
    auth::JwtKeys, clock::Clock, config::Settings, db::Database, mail::Mailer,
    passwords::PasswordPool,
};

/// Everything a request handler or job needs. Built once at start.
#[derive(Debug)]
pub struct App {
    /// Validated configuration.
    pub settings: Settings,
    /// Connection pool (SQLite or PostgreSQL).
    pub db: Database,
    /// The clock every time-driven rule asks (injectable for tests).
    pub clock: Arc<dyn Clock>,
    /// Session token keys.
    pub jwt: JwtKeys,
    /// The mailer the outbox worker delivers with.
    pub mailer: Mailer,
    /// Wakes the outbox worker when mail was queued.
    pub outbox_wakeup: tokio::sync::Notify,
    /// Wakes the audit checkpoint task after a freeze, an opening or an award.
    pub checkpoint_wakeup: tokio::sync::Notify,
    /// The argon2id threads every password hash and check runs on.
    pub passwords: PasswordPool,
    /// Business days in the display time zone, skipping `LICITA_HOLIDAYS`.
    pub calendar: crate::domain::Calendar,
    /// The key bid receipts are signed with.
    pub receipts: Arc<crate::bids::ReceiptKeys>,
}

impl App {
    /// Connects to the database, applies migrations and prepares keys and the mailer.
    /// Each error is one line naming what is wrong.
    pub fn start(settings: Settings, clock: Arc<dyn Clock>) -> Result<Self, String> {
        let db = Database::connect(&settings.database_url, settings.db_pool_size)?;
        db.migrate()?;
        let secret = jwt_secret(&settings)?;
        let mailer = Mailer::from_settings(&settings)?;
        let passwords = PasswordPool::for_this_machine()?;
        let receipts = Arc::new(receipt_keys(&settings)?);
        Ok(Self {
            receipts,
            calendar: crate::domain::Calendar::new(settings.timezone, settings.holidays.clone()),
            passwords,
            jwt: JwtKeys::new(secret.as_bytes()),
            settings,
            db,
            clock,
            mailer,
            outbox_wakeup: tokio::sync::Notify::new(),
            checkpoint_wakeup: tokio::sync::Notify::new(),
        })
    }

    /// Tells the outbox worker that mail is waiting.
    pub fn wake_outbox(&self) {
        self.outbox_wakeup.notify_one();
    }

    /// Tells the checkpoint task that an event it must cover at once was recorded.
    pub fn wake_checkpoints(&self) {
        self.checkpoint_wakeup.notify_one();
    }
}

/// The configured secret, or the one generated into `<data_dir>/jwt-secret` on first run.
fn jwt_secret(settings: &Settings) -> Result<String, String> {
    match &settings.jwt_secret {
        Some(secret) => Ok(secret.clone()),
        None => generated_secret(settings, "jwt-secret", crate::auth::random_token, |s| {
            s.len() >= 32
        }),
    }
}

/// The configured receipt key, or the one generated into `<data_dir>/receipt-signing-key`
/// on first run.
fn receipt_keys(settings: &Settings) -> Result<crate::bids::ReceiptKeys, String> {
    let seed = match &settings.receipt_key {
        Some(hex_seed) => hex_seed.clone(),
        None => generated_secret(
            settings,
            "receipt-signing-key",
            || {
                let mut seed = [0u8; 32];
                rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut seed);
                hex::encode(seed)
            },
            |s| s.len() == 64,
        )?,
    };
    let bytes = hex::decode(&seed).map_err(|_| "LICITA_RECEIPT_KEY: not hexadecimal".to_owned())?;
    let seed: [u8; 32] = bytes
        .try_into()
        .map_err(|_| "LICITA_RECEIPT_KEY: must be 32 bytes".to_owned())?;
    Ok(crate::bids::ReceiptKeys::from_seed(seed))
}

/// The secret in `<data_dir>/<name>`, made with `make` on first run. Servers starting at once
/// on one data directory agree on one secret: it is written under a temporary name and
/// linked into place, which fails for all but the first, and the others read the first's.
fn generated_secret(
    settings: &Settings,
    name: &str,
    make: fn() -> String,
    valid: fn(&str) -> bool,
) -> Result<String, String> {
    let path = settings.data_dir.join(name);
    let read = || {
        std::fs::read_to_string(&path)
            .ok()
            .map(|text| text.trim().to_owned())
            .filter(|text| valid(text))
    };
    if let Some(secret) = read() {
        return Ok(secret);
    }
    std::fs::create_dir_all(&settings.data_dir).map_err(|e| {
        format!(
            "LICITA_DATA_DIR: cannot create {}: {e}",
            settings.data_dir.display()
        )
    })?;
    let temp = settings
        .data_dir
        .join(format!(".{name}-{}", crate::auth::random_token()));
    let secret = make();
    write_private(&temp, &secret)
        .map_err(|e| format!("LICITA_DATA_DIR: cannot write {}: {e}", temp.display()))?;
    let linked = std::fs::hard_link(&temp, &path);
    let _ = std::fs::remove_file(&temp);
    match linked {
        Ok(()) => Ok(secret),
        // Another server was first (or an invalid file is in the way: say so).
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read().ok_or_else(|| {
            format!(
                "LICITA_DATA_DIR: {} exists but is not a valid {name}",
                path.display()
            )
        }),
        Err(e) => Err(format!(
            "LICITA_DATA_DIR: cannot write {}: {e}",
            path.display()
        )),
    }
}

fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(text.as_bytes())
}

/// Cheap-to-clone handle on [`App`] for axum.
#[derive(Debug, Clone)]
pub struct AppState(pub Arc<App>);

impl Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}
