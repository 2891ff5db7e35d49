//! Routes of the reverse auction: an officer schedules a lot's auction on its admitted
//! offers; an admitted bidder places lances, each answered with a signed receipt; anyone
//! reads the auction by the server's clock (the companies' names only for the buyer's
//! officers and the auditors).

use crate::domain::TenderId;
use crate::live::Published;
use axum::{Json, extract::State, http::StatusCode};
use serde::Deserialize;

use super::{ApiJson, ApiPath, ApiUser, MaybeApiUser, awards::Created};
use crate::{
    app::AppState,
    auction::{self, AuctionView, LanceReceipt, LiveEvent, ScheduleInput, SignedAuctionTranscript},
    error::{AppError, Problem},
};

/// Schedules the lot's electronic auction on its admitted offers (the buyer's officers,
/// after the opening, for a method with an auction; at least two admitted offers).
#[utoipa::path(post, path = "/tenders/{id}/lots/{lot}/auction", tag = "auctions", security(("bearer" = [])),
    params(("id" = i64, Path), ("lot" = i32, Path)), request_body = ScheduleInput, responses(
    (status = 201, body = Created),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json", description = "The lot has an auction already"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn schedule(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, lot)): ApiPath<(TenderId, i32)>,
    ApiJson(input): ApiJson<ScheduleInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let auction = auction::schedule(&app, &user, id, lot, input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: auction })))
}

/// An auction by the server's clock: the rules, the close, the ranking under anonymous
/// names (the companies' for the buyer's officers and auditors) and, for an admitted
/// bidder, its own place and the highest price its next lance may have.
#[utoipa::path(get, path = "/auctions/{id}", tag = "auctions",
    params(("id" = i64, Path)), responses(
    (status = 200, body = AuctionView),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn show(
    State(app): State<AppState>,
    MaybeApiUser(viewer): MaybeApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<AuctionView>, AppError> {
    Ok(Json(auction::view(&app, viewer.as_ref(), id).await?))
}

/// A lance.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LanceInput {
    /// The new price, a decimal amount in the lot's currency (e.g. `"148500.00"`).
    #[serde(default)]
    pub price: String,
}

/// Places a lance (an admitted bidder): the price must lower the company's own last price
/// by the minimal step, stay above the floor and arrive before the close by the server's
/// clock. Answered with a receipt signed by the server's Ed25519 key.
#[utoipa::path(post, path = "/auctions/{id}/lances", tag = "auctions", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = LanceInput, responses(
    (status = 201, body = LanceReceipt),
    (status = 403, body = Problem, content_type = "application/problem+json", description = "Not an admitted bidder of this auction"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json", description = "The auction closed (the server's time is in the answer)"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn lance(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<LanceInput>,
) -> Result<(StatusCode, Json<LanceReceipt>), AppError> {
    let receipt = auction::place(&app, &user, id, input.price).await?;
    Ok((StatusCode::CREATED, Json(receipt)))
}

/// The signed transcript of a closed auction (anyone): every lance with its receipt, every
/// move of the close and why, the final ranking with the companies. 404 until it closes.
#[utoipa::path(get, path = "/auctions/{id}/transcript", tag = "auctions",
    params(("id" = i64, Path)), responses(
    (status = 200, body = SignedAuctionTranscript),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn transcript(
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<SignedAuctionTranscript>, AppError> {
    Ok(Json(auction::transcript(&app, id).await?))
}

/// The auction live, as server-sent events (anyone; the page's script listens to them): first
/// the state now (`snapshot`, or `closed`), then each accepted lance (`lance`, its SSE id the
/// lance's number), each move of the close for an outage (`moved`) and the close (`closed`,
/// after which the stream ends), in the record's order on every server. Each event's data is
/// a `LiveEvent`; competitors appear under anonymous names only. A watcher that falls too
/// far behind is disconnected; its browser reconnects and starts again from the state. A
/// server holds at most 10,000 streams, 64 per client address (429 beyond).
#[utoipa::path(get, path = "/auctions/{id}/events", tag = "auctions",
    params(("id" = i64, Path)), responses(
    (status = 200, body = LiveEvent, content_type = "text/event-stream"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json", description = "This server, or this client address, holds as many live streams as it may; try again later")))]
pub async fn events(
    State(app): State<AppState>,
    crate::http::ClientAddress(address): crate::http::ClientAddress,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::response::Response, AppError> {
    use axum::{
        body::{Body, Bytes},
        http::{HeaderValue, header},
        response::IntoResponse,
    };
    use futures_util::stream;
    use std::{convert::Infallible, sync::Arc, time::Duration};
    use tokio::{
        sync::broadcast::{Receiver, error::RecvError, error::TryRecvError},
        time::Instant,
    };

    // Known first (no watcher list for an auction that does not exist), then watched, then
    // read: an event committed between the two reads is not lost, and one the state already
    // has is skipped by its number.
    auction::live::snapshot(&app, id).await?;
    let Some(place) = app.live.admit(&address) else {
        return Err(AppError::TooManyRequests {
            retry_after_secs: 30,
        });
    };
    let receiver = app.live.subscribe(id);
    let first = auction::live::snapshot(&app, id).await?;
    /// One event as the stream writes it (its JSON is written once, by the hub, for every
    /// watcher, and holds no line break).
    fn sse(out: &mut String, published: &Published) {
        use std::fmt::Write;
        let _ = write!(
            out,
            "event: {}\nid: {}\ndata: {}\n\n",
            published.event.kind, published.event.lances, published.json
        );
    }
    /// The least time between two writes to one watcher: the events of a burst go out
    /// together, in one write (thousands of watchers × every lance would otherwise be a
    /// system call each; measured in BENCHMARKS.md), at the cost of at most this delay.
    const GATHER: Duration = Duration::from_millis(40);
    /// A comment line this often keeps proxies from closing a quiet stream.
    const KEEP_ALIVE: Duration = Duration::from_secs(15);
    struct Watch {
        first: Option<Arc<Published>>,
        receiver: Receiver<Arc<Published>>,
        seen: u64,
        done: bool,
        last_write: Instant,
        _place: crate::live::WatchPlace,
    }
    impl Watch {
        /// Adds `published` to `out` unless the state already had it; the close ends the
        /// stream.
        fn take(&mut self, out: &mut String, published: &Published) {
            let event = &published.event;
            if event.kind == "lance" && event.lances <= self.seen {
                return;
            }
            self.seen = self.seen.max(event.lances);
            self.done = event.kind == "closed";
            sse(out, published);
        }
    }
    let seen = first.lances;
    let watch = Watch {
        first: Some(Published::of(first)),
        receiver,
        seen,
        done: false,
        last_write: Instant::now(),
        _place: place,
    };
    let chunks = stream::unfold(watch, |mut w| async move {
        let mut out = String::new();
        if let Some(first) = w.first.take() {
            w.done = first.event.kind == "closed";
            sse(&mut out, &first);
            w.last_write = Instant::now();
            return Some((Ok::<_, Infallible>(Bytes::from(out)), w));
        }
        if w.done {
            return None;
        }
        loop {
            let published = tokio::select! {
                received = w.receiver.recv() => received,
                () = tokio::time::sleep_until(w.last_write + KEEP_ALIVE) => {
                    w.last_write = Instant::now();
                    return Some((Ok(Bytes::from_static(b":\n\n")), w));
                }
            };
            match published {
                Ok(published) => w.take(&mut out, &published),
                Err(RecvError::Lagged(_) | RecvError::Closed) => return None,
            }
            if out.is_empty() {
                continue;
            }
            // A burst: wait out the rest of the gathering time, then take all that came.
            tokio::time::sleep_until(w.last_write + GATHER).await;
            while !w.done {
                match w.receiver.try_recv() {
                    Ok(published) => w.take(&mut out, &published),
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Lagged(_) | TryRecvError::Closed) => return None,
                }
            }
            w.last_write = Instant::now();
            return Some((Ok(Bytes::from(out)), w));
        }
    });
    let mut response = Body::from_stream(chunks).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}
