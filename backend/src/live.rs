//! What is live on every server: a reverse auction's accepted lances, moves of the close and
//! close, as events every watcher's page receives through server-sent events (made by
//! `auction::live`). The record orders them
//! (one transaction per lance under the auction's lock); the events only tell.
//!
//! On PostgreSQL an event is sent with `pg_notify` inside the transaction that records it, so
//! it leaves only if that transaction commits, and PostgreSQL delivers notifications of
//! different transactions in the order they committed: every server's listener
//! ([`listen`]) receives the same events in the record's order and hands them to its own
//! watchers through its [`Hub`]. On SQLite (one server) the writer hands the event to the hub
//! itself after the commit ([`Announced::publish`]).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use crate::{db::DbConnection, error::AppError};

/// The PostgreSQL channel auction events travel on.
pub const CHANNEL: &str = "licita_auction";

/// The longest notification payload sent (PostgreSQL's limit is 8,000 bytes).
const MAX_PAYLOAD: usize = 7_000;

/// Events a watcher may fall behind by before it is told to load the whole state again.
const BACKLOG: usize = 1024;

/// One place of the anonymous ranking an event carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LivePlace {
    /// The anonymous name ("A").
    pub seat: String,
    /// Its price now.
    pub price: String,
}

/// What a watcher receives: the auction after a lance, a move of the close, or the close.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LiveEvent {
    /// The auction.
    pub auction_id: i64,
    /// `lance`, `moved` (no server was alive: the close moved by the silence), `closed`, or
    /// `snapshot` (the state when the watcher connects).
    pub kind: String,
    /// Lances accepted so far (the number of this event's lance, for a `lance`).
    pub lances: u64,
    /// The lance's anonymous bidder (`lance` only).
    pub seat: Option<String>,
    /// The lance's price (`lance` only).
    pub price: Option<String>,
    /// When the server recorded it (UTC, microseconds).
    pub at: String,
    /// The close now (UTC).
    pub closes_at: String,
    /// How many times lances moved the close.
    pub extensions: u32,
    /// The ranking, best first, under anonymous names: in a `snapshot`, `moved` and
    /// `closed` (a `lance` carries only its own seat and price: a watcher applies it to the
    /// ranking it holds, ties keeping the earlier price first, so each event stays small
    /// however many bidders there are).
    pub ranking: Vec<LivePlace>,
}

/// An event as the hub hands it out: with its JSON written once for every watcher.
#[derive(Debug)]
pub struct Published {
    /// The event.
    pub event: LiveEvent,
    /// Its JSON, as each watcher's stream sends it.
    pub json: String,
}

impl Published {
    /// `event` with its JSON.
    pub fn of(event: LiveEvent) -> Arc<Published> {
        let json = serde_json::to_string(&event).unwrap_or_default();
        Arc::new(Published { event, json })
    }
}

/// An event recorded in a transaction: on SQLite it still has to be handed to the hub once
/// the transaction commits; on PostgreSQL the commit sent it.
#[derive(Debug, Default)]
#[must_use = "an event recorded on SQLite reaches nobody until it is published"]
pub struct Announced(Vec<LiveEvent>);

impl Announced {
    /// Hands what is left to this server's watchers (after the commit).
    pub fn publish(self, hub: &Hub) {
        for event in self.0 {
            hub.publish(Published::of(event));
        }
    }

    /// Both lists, in order.
    pub fn and(mut self, other: Announced) -> Announced {
        self.0.extend(other.0);
        self
    }
}

/// Sends `event` with the transaction on `conn` (PostgreSQL), or keeps it for after the
/// commit (SQLite).
pub fn announce(conn: &mut DbConnection, event: LiveEvent) -> Result<Announced, AppError> {
    match conn {
        DbConnection::Postgresql(_) => {
            use diesel::{RunQueryDsl, sql_types::Text};
            let mut payload = serde_json::to_string(&event).map_err(AppError::internal)?;
            if payload.len() > MAX_PAYLOAD {
                // PostgreSQL refuses a notification over 8,000 bytes, and with it the
                // transaction: a ranking too long to carry is left out (a watcher then
                // loads the page; the close reloads it anyway).
                let mut event = event;
                event.ranking.clear();
                payload = serde_json::to_string(&event).map_err(AppError::internal)?;
            }
            diesel::sql_query("SELECT pg_notify($1, $2)")
                .bind::<Text, _>(CHANNEL)
                .bind::<Text, _>(payload)
                .execute(conn)?;
            Ok(Announced::default())
        }
        DbConnection::Sqlite(_) => Ok(Announced(vec![event])),
    }
}

/// Watchers one server keeps at once (about 27 KiB each; see BENCHMARKS.md).
pub const MAX_WATCHERS: usize = 10_000;

/// Watchers one client address keeps at once (a telecentre's room behind one address fits).
pub const MAX_WATCHERS_PER_ADDRESS: usize = 64;

/// This server's watchers, by auction, and how many each client address holds.
#[derive(Debug, Default)]
pub struct Hub {
    channels: Mutex<HashMap<i64, broadcast::Sender<Arc<Published>>>>,
    held: Arc<Mutex<HashMap<String, usize>>>,
}

/// A watcher's place on this server, given back when its stream ends.
#[derive(Debug)]
pub struct WatchPlace {
    held: Arc<Mutex<HashMap<String, usize>>>,
    address: String,
}

impl Drop for WatchPlace {
    fn drop(&mut self) {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = held.get_mut(&self.address) {
            *n -= 1;
            if *n == 0 {
                held.remove(&self.address);
            }
        }
    }
}

impl Hub {
    /// A place for one more watcher from `address`, unless this server holds
    /// [`MAX_WATCHERS`] already or that address [`MAX_WATCHERS_PER_ADDRESS`]: open streams
    /// are anonymous and last the whole auction, so one client cannot take them all.
    pub fn admit(&self, address: &str) -> Option<WatchPlace> {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        let total: usize = held.values().sum();
        let mine = held.get(address).copied().unwrap_or(0);
        if total >= MAX_WATCHERS || mine >= MAX_WATCHERS_PER_ADDRESS {
            return None;
        }
        held.insert(address.to_owned(), mine + 1);
        Some(WatchPlace {
            held: self.held.clone(),
            address: address.to_owned(),
        })
    }

    /// A new watcher of auction `id`.
    pub fn subscribe(&self, id: i64) -> broadcast::Receiver<Arc<Published>> {
        let mut channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        channels
            .entry(id)
            .or_insert_with(|| broadcast::channel(BACKLOG).0)
            .subscribe()
    }

    /// Gives `event` to every watcher of its auction on this server.
    pub fn publish(&self, event: Arc<Published>) {
        let mut channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(sender) = channels.get(&event.event.auction_id)
            && sender.send(event.clone()).is_err()
        {
            // Nobody watches any more.
            channels.remove(&event.event.auction_id);
        }
    }

    /// Ends every watcher's stream (the server is stopping: an open stream would hold its
    /// graceful shutdown for ever; browsers reconnect to another server).
    pub fn close_all(&self) {
        self.channels
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Watchers connected now, over every auction.
    pub fn watchers(&self) -> usize {
        let channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        channels
            .values()
            .map(broadcast::Sender::receiver_count)
            .sum()
    }
}

/// Listens on PostgreSQL for every server's auction events and hands them to `hub`, until
/// `stop`; reconnects after a lost connection (what was sent meanwhile reaches the watchers
/// as a fresh snapshot when their browsers reconnect).
pub async fn listen<H: AsRef<Hub> + Send + Sync + 'static>(
    database_url: String,
    holder: Arc<H>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        let run = listen_once(&database_url, AsRef::<Hub>::as_ref(&*holder));
        tokio::select! {
            result = run => {
                if let Err(e) = result {
                    tracing::warn!(error = %e, "auction listener lost PostgreSQL; reconnecting");
                }
            }
            _ = stop.changed() => return,
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stop.changed() => return,
        }
    }
}

async fn listen_once(database_url: &str, hub: &Hub) -> Result<(), String> {
    use futures_util::StreamExt;
    let (client, mut connection) = tokio_postgres::connect(database_url, tokio_postgres::NoTls)
        .await
        .map_err(|e| e.to_string())?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
    let pump = tokio::spawn(async move {
        let mut messages = std::pin::pin!(messages);
        while let Some(message) = messages.next().await {
            match message {
                Ok(tokio_postgres::AsyncMessage::Notification(n)) => {
                    if tx.send(n.payload().to_owned()).is_err() {
                        break;
                    }
                }
                Ok(_) => {}
                Err(e) => return Err(e.to_string()),
            }
        }
        Ok(())
    });
    client
        .batch_execute(&format!("LISTEN {CHANNEL}"))
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!("listening for auction events on PostgreSQL");
    while let Some(payload) = rx.recv().await {
        match serde_json::from_str::<LiveEvent>(&payload) {
            // The payload is the event's JSON already: sent on as it came.
            Ok(event) => hub.publish(Arc::new(Published {
                event,
                json: payload,
            })),
            Err(e) => tracing::warn!(error = %e, "an auction event that does not read"),
        }
    }
    drop(client);
    pump.await
        .map_err(|e| e.to_string())?
        .and(Err("the notification stream ended".to_owned()))
}
