//! The auction's side of [`crate::live`]: the event of a lance, a move of the close or the
//! close, built from the auction's state, and the state a watcher receives on connecting.

use super::rules::Auction;
use super::store::Stored;
pub use crate::live::{Announced, Hub, LiveEvent, LivePlace, announce};
use crate::{bids::receipts::receipt_time, error::AppError};

/// The event of `kind` for `stored`'s auction in state `state`, recorded at `at`.
pub fn event(
    stored: &Stored,
    state: &Auction,
    kind: &str,
    lance: Option<(String, i64)>,
    at: chrono::NaiveDateTime,
) -> LiveEvent {
    let (seat, price) = match lance {
        Some((seat, price)) => (Some(seat), Some(stored.amount_text(price))),
        None => (None, None),
    };
    LiveEvent {
        auction_id: stored.id,
        kind: kind.to_owned(),
        lances: state.lances,
        seat,
        price,
        at: receipt_time(at),
        closes_at: receipt_time(state.closes_at),
        extensions: state.extensions,
        ranking: if kind == "lance" {
            Vec::new()
        } else {
            state
                .ranking()
                .iter()
                .map(|(seat, p)| LivePlace {
                    seat: seat.letters(),
                    price: stored.amount_text(p.amount),
                })
                .collect()
        },
    }
}

/// Auction `id` as a watcher connecting now first receives it: `closed` once it closed (or
/// its close passed), else `snapshot`. 404 for an auction that does not exist.
pub async fn snapshot(app: &crate::app::AppState, id: i64) -> Result<LiveEvent, AppError> {
    let now = app.clock.now_db();
    app.db
        .run(move |conn| {
            let stored = super::store::load(conn, id)?;
            // An ended auction is as it ended (a cancelled one ends early: no outage since
            // moves its close); a live one as the clock stands, a silence up to now counting.
            let state = match stored.closed_at {
                Some(ended) => {
                    let mut state = stored.state.clone();
                    state.closes_at = ended;
                    state
                }
                None => stored.state.alive(now).0,
            };
            let kind = if stored.closed_at.is_some() || now >= state.closes_at {
                "closed"
            } else {
                "snapshot"
            };
            Ok(event(&stored, &state, kind, None, now))
        })
        .await
}
