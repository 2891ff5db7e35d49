//! The application state shared by every request and background job.

use std::{ops::Deref, sync::Arc};

use crate::{
    clock::Clock,
    config::Settings,
    db::Database,
    keys::{JwtKeys, ReceiptKeys},
    mail::Mailer,
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
    pub receipts: Arc<ReceiptKeys>,
    /// Each client address's quota on the open-data API (`LICITA_OCDS_REQUESTS_PER_MINUTE`).
    pub open_data_quota: governor::DefaultKeyedRateLimiter<String>,
    /// The bulk open-data files that may be made at once (`LICITA_OCDS_BULK_AT_ONCE`).
    pub bulk_exports: Arc<tokio::sync::Semaphore>,
    /// Large bids parsed, decoded or sealed at once: one per core. Their bodies arrive
    /// spooled to disk in any number; the memory-heavy steps take turns (each holds up to an
    /// envelope's size, or a JSON body's, in memory).
    pub bid_work: Arc<tokio::sync::Semaphore>,
    /// This server's in-memory copy of the search projection (search_index::image).
    pub search: crate::search_index::SearchImage,
    /// This server's watchers of live auctions (auction::live).
    pub live: crate::live::Hub,
}

impl App {
    /// Connects to the database, applies migrations and prepares keys and the mailer.
    /// Each error is one line naming what is wrong.
    pub fn start(settings: Settings, clock: Arc<dyn Clock>) -> Result<Self, String> {
        let db = Database::connect(&settings.database_url, settings.db_pool_size)?;
        db.migrate()?;
        let (jwt, receipts) = crate::keys::load(&settings)?;
        let mailer = Mailer::from_settings(&settings)?;
        let passwords = PasswordPool::for_this_machine()?;
        let swept = crate::blobs::sweep_spool(&settings.data_dir);
        if swept > 0 {
            tracing::info!(
                files = swept,
                "removed spool files of uploads cut off over a day ago"
            );
        }
        let per_minute = std::num::NonZeroU32::new(settings.ocds_requests_per_minute)
            .ok_or("LICITA_OCDS_REQUESTS_PER_MINUTE must be at least 1")?;
        Ok(Self {
            search: Default::default(),
            live: Default::default(),
            bid_work: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
            )),
            bulk_exports: Arc::new(tokio::sync::Semaphore::new(
                settings.ocds_bulk_at_once as usize,
            )),
            open_data_quota: governor::RateLimiter::keyed(governor::Quota::per_minute(per_minute)),
            receipts: Arc::new(receipts),
            calendar: crate::domain::Calendar::new(settings.timezone, settings.holidays.clone()),
            passwords,
            jwt,
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

impl AsRef<crate::live::Hub> for App {
    fn as_ref(&self) -> &crate::live::Hub {
        &self.live
    }
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
