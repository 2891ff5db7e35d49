//! A lot's auction in the database. The officer schedules it on the lot's admitted offers
//! (each seat's opening price is its sealed price); each lance is one write transaction that
//! takes the auction's lock, reads the server's time after it, applies the pure rules
//! ([`super::rules`]) and writes the lance (signed), the seat's price, the close and any move
//! of it with its reason, and the audit event; the clock's tick records that a server is
//! alive (an outage longer than the gap moves the close) and closes the auction at its close.
//! Any server rebuilds the state from these rows, so a restart resumes the auction where it
//! was.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;

use super::rules::{Auction, CloseMoved, Moved, Price, Refusal, Rules, Seat};
use crate::{
    audit::{self, Actor, NewEvent, canonical_json},
    auth::CurrentUser,
    clock::Clock,
    db::{DbConnection, write_transaction},
    domain::{BidId, BidStatus, Currency, Money, Role, SupplierId, TenderId},
    error::{AppError, FieldError},
    keys::ReceiptKeys,
    procedure::Action,
    schema::{
        auction_lances, auction_moves, auction_seats, auctions, bid_evaluations, bid_prices, bids,
        suppliers, tender_lots, tenders,
    },
};

/// Advisory-lock namespace of an auction (PostgreSQL): one lance at a time per auction.
const AUCTION_LOCK: i32 = 5_200;

/// What a lance's signature covers, before its canonical JSON.
pub const LANCE_CONTEXT: &str = "licita-lance-v1\n";

/// The fewest admitted offers that make an auction (fewer: the lot is decided on the sealed
/// prices by the ordinary rules).
pub const MIN_BIDDERS: usize = 2;

/// How far ahead an auction may be scheduled, in days (the admitted offers' validity).
pub const MAX_DAYS_AHEAD: i64 = 30;

/// An auction's row and seats, and the state the rules make of them.
#[derive(Debug, Clone)]
pub struct Stored {
    /// Row id.
    pub id: i64,
    /// Its tender.
    pub tender_id: TenderId,
    /// Its lot.
    pub lot_number: i32,
    /// The lot's currency.
    pub currency: Currency,
    /// When it was closed by the clock, once it was.
    pub closed_at: Option<NaiveDateTime>,
    /// The state now.
    pub state: Auction,
    /// Who sits where (by seat).
    pub seats: Vec<SeatRow>,
}

/// One admitted offer's seat.
#[derive(Debug, Clone)]
pub struct SeatRow {
    /// Its place (the order of the offers).
    pub seat: Seat,
    /// The sealed bid.
    pub bid_id: BidId,
    /// The company.
    pub supplier_id: SupplierId,
    /// Its sealed price (minor units).
    pub opening_price: i64,
}

fn lock(conn: &mut DbConnection, id: i64) -> Result<(), AppError> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1, $2)")
            .bind::<diesel::sql_types::Integer, _>(AUCTION_LOCK)
            .bind::<diesel::sql_types::Integer, _>((id % i64::from(i32::MAX)) as i32)
            .execute(pg)?;
    }
    Ok(())
}

type AuctionRow = (
    (i64, TenderId, i32, Currency),
    (i64, i64, i32, i32, i32, i32),
    (NaiveDateTime, NaiveDateTime, i32, NaiveDateTime, i64),
    Option<NaiveDateTime>,
);

/// Reads auction `id` (404 when there is none).
pub fn load(conn: &mut DbConnection, id: i64) -> Result<Stored, AppError> {
    let (
        (id, tender_id, lot_number, currency),
        (minimal_step, floor, window, extension, max_extensions, gap),
        (opens_at, closes_at, extensions, alive_at, lances),
        closed_at,
    ): AuctionRow = auctions::table
        .find(id)
        .select((
            (
                auctions::id,
                auctions::tender_id,
                auctions::lot_number,
                auctions::currency,
            ),
            (
                auctions::minimal_step,
                auctions::floor,
                auctions::window_seconds,
                auctions::extension_seconds,
                auctions::max_extensions,
                auctions::outage_gap_seconds,
            ),
            (
                auctions::opens_at,
                auctions::closes_at,
                auctions::extensions,
                auctions::alive_at,
                auctions::lances,
            ),
            auctions::closed_at,
        ))
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    let rows: Vec<(i32, BidId, SupplierId, i64, i64, i64)> = auction_seats::table
        .filter(auction_seats::auction_id.eq(id))
        .order(auction_seats::seat)
        .select((
            auction_seats::seat,
            auction_seats::bid_id,
            auction_seats::supplier_id,
            auction_seats::opening_price,
            auction_seats::price,
            auction_seats::price_order,
        ))
        .load(conn)?;
    let rules = Rules {
        minimal_step,
        floor,
        window: TimeDelta::seconds(window.into()),
        extension: TimeDelta::seconds(extension.into()),
        max_extensions: u32::try_from(max_extensions).unwrap_or(0),
        outage_gap: TimeDelta::seconds(gap.into()),
    };
    let state = Auction {
        rules,
        opens_at,
        closes_at,
        extensions: u32::try_from(extensions).unwrap_or(0),
        alive_at,
        prices: rows
            .iter()
            .map(|r| Price {
                amount: r.4,
                order: u64::try_from(r.5).unwrap_or(0),
            })
            .collect(),
        lances: u64::try_from(lances).unwrap_or(0),
    };
    let seats = rows
        .into_iter()
        .map(|(seat, bid_id, supplier_id, opening_price, _, _)| SeatRow {
            seat: Seat(u16::try_from(seat).unwrap_or(u16::MAX)),
            bid_id,
            supplier_id,
            opening_price,
        })
        .collect();
    Ok(Stored {
        id,
        tender_id,
        lot_number,
        currency,
        closed_at,
        state,
        seats,
    })
}

/// Writes the state after a step: the close and counters, the seat that moved, the moves.
fn save(
    conn: &mut DbConnection,
    before: &Stored,
    after: &Auction,
    moved: &[CloseMoved],
    at: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::update(auctions::table.find(before.id))
        .set((
            auctions::closes_at.eq(after.closes_at),
            auctions::extensions.eq(i32::try_from(after.extensions).unwrap_or(i32::MAX)),
            auctions::alive_at.eq(after.alive_at),
            auctions::lances.eq(i64::try_from(after.lances).unwrap_or(i64::MAX)),
        ))
        .execute(conn)?;
    for (i, (old, new)) in before.state.prices.iter().zip(&after.prices).enumerate() {
        if old != new {
            diesel::update(
                auction_seats::table
                    .filter(auction_seats::auction_id.eq(before.id))
                    .filter(auction_seats::seat.eq(i as i32)),
            )
            .set((
                auction_seats::price.eq(new.amount),
                auction_seats::price_order.eq(i64::try_from(new.order).unwrap_or(i64::MAX)),
            ))
            .execute(conn)?;
        }
    }
    let recorded: i64 = auction_moves::table
        .filter(auction_moves::auction_id.eq(before.id))
        .count()
        .get_result(conn)?;
    for (i, m) in moved.iter().enumerate() {
        diesel::insert_into(auction_moves::table)
            .values((
                auction_moves::auction_id.eq(before.id),
                auction_moves::number.eq((recorded + i as i64 + 1) as i32),
                auction_moves::reason.eq(match m.why {
                    Moved::Extension { .. } => "extension",
                    Moved::Outage { .. } => "outage",
                }),
                auction_moves::moved_at.eq(at),
                auction_moves::from_close.eq(m.from),
                auction_moves::to_close.eq(m.to),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            at,
            &Actor::system(),
            NewEvent::on(
                "auction",
                before.id,
                "auction.close_moved",
                json!({"why": m.why, "from": m.from, "to": m.to}),
            ),
        )?;
    }
    Ok(())
}

/// What an officer sends to schedule a lot's auction.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ScheduleInput {
    /// When lances start: RFC 3339 with its offset (`2026-12-10T10:00:00-05:00`); at most
    /// 30 days ahead. (The page's field takes Lima time.)
    #[serde(default)]
    pub opens_at: String,
    /// The minimal step in hundredths of a percent of the lot's estimated value (50–300;
    /// 50 when absent).
    #[serde(default)]
    pub step_basis_points: Option<u32>,
}

/// Schedules lot `lot`'s auction on its admitted offers; its id.
pub fn schedule_in(
    conn: &mut DbConnection,
    public_url: &str,
    user: &CurrentUser,
    tender_id: TenderId,
    lot: i32,
    input: &ScheduleInput,
    now: NaiveDateTime,
) -> Result<i64, AppError> {
    write_transaction(conn, |conn| {
        let st = crate::tenders::state(conn, tender_id)?;
        crate::tenders::require_staff_of(user, st.buyer_id, st.status)?;
        st.require(Action::ScheduleAuction, now)?;
        let (estimated, currency): (i64, Currency) = tender_lots::table
            .inner_join(tenders::table)
            .filter(tender_lots::tender_id.eq(tender_id))
            .filter(tender_lots::number.eq(lot))
            .select((tender_lots::estimated_value, tenders::currency))
            .first(conn)
            .optional()?
            .ok_or(AppError::NotFound)?;
        let mut v = crate::domain::Validator::new();
        let opens_at = v.check(crate::domain::procurement::parse_instant(
            &input.opens_at,
            "opens_at",
        ));
        let rules = v.check(Rules::for_lot(
            estimated,
            input
                .step_basis_points
                .unwrap_or(Rules::DEFAULT_STEP_BASIS_POINTS),
        ));
        v.finish()?;
        let (Some(opens_at), Some(rules)) = (opens_at, rules) else {
            return Err(AppError::internal("a checked field without its value"));
        };
        if opens_at < now {
            return Err(AppError::field("opens_at", "in_the_past"));
        }
        if opens_at > now + TimeDelta::days(MAX_DAYS_AHEAD) {
            return Err(AppError::Validation(vec![
                FieldError::new("opens_at", "auction_too_far").arg("days", MAX_DAYS_AHEAD),
            ]));
        }
        let exists: i64 = auctions::table
            .filter(auctions::tender_id.eq(tender_id))
            .filter(auctions::lot_number.eq(lot))
            .count()
            .get_result(conn)?;
        if exists > 0 {
            return Err(AppError::Conflict(FieldError::new("lot", "auction_exists")));
        }
        let admitted: Vec<(BidId, SupplierId, i64)> = bids::table
            .inner_join(bid_prices::table)
            .inner_join(
                bid_evaluations::table.on(bid_evaluations::bid_id
                    .eq(bids::id)
                    .and(bid_evaluations::lot_number.eq(lot))),
            )
            .filter(bids::tender_id.eq(tender_id))
            .filter(bids::status.eq(BidStatus::Submitted))
            .filter(bids::opening_result.eq("opened"))
            .filter(bid_prices::lot_number.eq(lot))
            .filter(bid_evaluations::admissible.eq(true))
            .order(bids::id)
            .select((bids::id, bids::supplier_id, bid_prices::amount))
            .load(conn)?;
        if admitted.len() < MIN_BIDDERS {
            return Err(AppError::Validation(vec![
                FieldError::new("lot", "too_few_admitted_for_auction")
                    .arg("count", admitted.len())
                    .arg("min", MIN_BIDDERS),
            ]));
        }
        // Seats in an order nobody can read from the bids' ids (published at the opening).
        let mut admitted = admitted;
        rand::seq::SliceRandom::shuffle(admitted.as_mut_slice(), &mut rand::thread_rng());
        let prices: Vec<i64> = admitted.iter().map(|a| a.2).collect();
        let state =
            Auction::open(rules, opens_at, &prices).map_err(|e| AppError::Validation(vec![e]))?;
        let id: i64 = diesel::insert_into(auctions::table)
            .values((
                auctions::tender_id.eq(tender_id),
                auctions::lot_number.eq(lot),
                auctions::currency.eq(currency),
                auctions::minimal_step.eq(rules.minimal_step),
                auctions::floor.eq(rules.floor),
                auctions::window_seconds.eq(rules.window.num_seconds() as i32),
                auctions::extension_seconds.eq(rules.extension.num_seconds() as i32),
                auctions::max_extensions.eq(rules.max_extensions as i32),
                auctions::outage_gap_seconds.eq(rules.outage_gap.num_seconds() as i32),
                auctions::opens_at.eq(state.opens_at),
                auctions::closes_at.eq(state.closes_at),
                auctions::extensions.eq(0),
                auctions::alive_at.eq(state.alive_at),
                auctions::lances.eq(0i64),
                auctions::scheduled_by.eq(user.id),
                auctions::scheduled_at.eq(now),
            ))
            .returning(auctions::id)
            .get_result(conn)?;
        for (i, (bid_id, supplier_id, price)) in admitted.iter().enumerate() {
            diesel::insert_into(auction_seats::table)
                .values((
                    auction_seats::auction_id.eq(id),
                    auction_seats::seat.eq(i as i32),
                    auction_seats::bid_id.eq(bid_id),
                    auction_seats::supplier_id.eq(supplier_id),
                    auction_seats::opening_price.eq(price),
                    auction_seats::price.eq(price),
                    auction_seats::price_order.eq(i as i64),
                ))
                .execute(conn)?;
        }
        audit::record_first(
            conn,
            now,
            &Actor::user(user.id, user.role),
            NewEvent::on(
                "auction",
                id,
                "auction.scheduled",
                json!({"tender_id": tender_id, "lot": lot, "opens_at": state.opens_at,
                       "closes_at": state.closes_at, "rules": rules, "seats": admitted.len()}),
            ),
        )?;
        tell_bidders(conn, public_url, id, now, "email-auction-scheduled")?;
        Ok(id)
    })
}

/// A lance's signed receipt.
#[derive(Debug, Clone, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct LanceReceipt {
    /// The auction.
    pub auction_id: i64,
    /// The lance's number in the auction (1, 2, …).
    pub number: i64,
    /// The tender's ocid.
    pub ocid: String,
    /// The lot.
    pub lot: i32,
    /// The bidding company's RUC.
    pub supplier_ruc: String,
    /// The price offered, as a decimal amount.
    pub price: String,
    /// ISO 4217.
    pub currency: String,
    /// When the server took it (UTC, RFC 3339).
    pub server_time: String,
    /// The close after it (UTC, RFC 3339).
    pub closes_at: String,
    /// The server's Ed25519 public key (hex).
    pub public_key: String,
    /// Ed25519 signature (base64) over `licita-lance-v1\n` and the canonical JSON of the
    /// fields above but the key.
    pub signature: String,
}

/// The message a lance's signature covers.
pub fn lance_message(r: &LanceReceipt) -> String {
    canonical_json(&json!({
        "auction_id": r.auction_id,
        "closes_at": r.closes_at,
        "currency": r.currency,
        "lot": r.lot,
        "number": r.number,
        "ocid": r.ocid,
        "price": r.price,
        "server_time": r.server_time,
        "supplier_ruc": r.supplier_ruc,
    }))
}

/// A refusal of the rules as the caller reads it: the field, the code and what to try.
fn refused(refusal: Refusal, currency: Currency) -> AppError {
    let time = |at: NaiveDateTime| {
        crate::domain::utc::in_lima(at)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    };
    let money = |minor: i64| {
        Money::from_minor(minor, currency)
            .map(|m| m.to_string())
            .unwrap_or_else(|_| minor.to_string())
    };
    let e = FieldError::new("price", refusal.code());
    let e = match refusal {
        Refusal::NotStarted { opens_at } => e.arg("opens_at", time(opens_at)),
        Refusal::Closed {
            closes_at,
            server_time,
        } => e
            .arg("closes_at", time(closes_at))
            .arg("server_time", time(server_time)),
        Refusal::NotAdmitted => return AppError::Forbidden,
        Refusal::StepTooSmall { highest_allowed } => e.arg("highest", money(highest_allowed)),
        Refusal::BelowFloor { floor } => e.arg("floor", money(floor)),
    };
    match refusal {
        Refusal::Closed { .. } => AppError::Conflict(e),
        _ => AppError::Validation(vec![e]),
    }
}

/// Places a lance of the caller's company at `price` (a decimal amount in the lot's currency)
/// at the time read after the auction's lock; its signed receipt.
pub fn place_in(
    conn: &mut DbConnection,
    clock: &dyn Clock,
    keys: &ReceiptKeys,
    user: &CurrentUser,
    auction_id: i64,
    price: &str,
) -> Result<LanceReceipt, AppError> {
    let Some(supplier_id) = user.supplier_id.filter(|_| user.role == Role::Supplier) else {
        return Err(AppError::Forbidden);
    };
    write_transaction(conn, |conn| {
        lock(conn, auction_id)?;
        let now = clock.now_db();
        let stored = load(conn, auction_id)?;
        let Some(seat) = stored.seats.iter().find(|s| s.supplier_id == supplier_id) else {
            return Err(AppError::Forbidden);
        };
        // A cancelled tender takes no lance, whatever its auction's clock says.
        crate::tenders::state(conn, stored.tender_id)?.require(Action::PlaceLance, now)?;
        let amount = Money::parse(price, stored.currency, "price")
            .map_err(|e| AppError::Validation(vec![e]))?;
        let (after, moved) = stored
            .state
            .place(seat.seat, amount.minor(), now)
            .map_err(|r| refused(r, stored.currency))?;
        let (ocid, ruc): (Option<String>, String) = tenders::table
            .find(stored.tender_id)
            .inner_join(suppliers::table.on(suppliers::id.eq(supplier_id)))
            .select((tenders::ocid, suppliers::ruc))
            .first(conn)?;
        let number = i64::try_from(after.lances).unwrap_or(i64::MAX);
        let time = crate::bids::receipts::receipt_time;
        let mut receipt = LanceReceipt {
            auction_id,
            number,
            ocid: ocid.unwrap_or_default(),
            lot: stored.lot_number,
            supplier_ruc: ruc,
            price: amount.amount().to_string(),
            currency: stored.currency.code().to_owned(),
            server_time: time(now),
            closes_at: time(after.closes_at),
            public_key: keys.public_hex(),
            signature: String::new(),
        };
        receipt.signature = keys.sign_with_context(LANCE_CONTEXT, &lance_message(&receipt));
        diesel::insert_into(auction_lances::table)
            .values((
                auction_lances::auction_id.eq(auction_id),
                auction_lances::number.eq(number),
                auction_lances::seat.eq(i32::from(seat.seat.0)),
                auction_lances::price.eq(amount.minor()),
                auction_lances::placed_at.eq(now),
                auction_lances::closes_at.eq(after.closes_at),
                auction_lances::placed_by.eq(user.id),
                auction_lances::signature.eq(&receipt.signature),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            now,
            &Actor::user(user.id, user.role),
            NewEvent::on(
                "auction",
                auction_id,
                "auction.lance",
                json!({"number": number, "seat": seat.seat.letters(), "price": receipt.price,
                       "signature": receipt.signature}),
            ),
        )?;
        // The lance first in the record, then the move of the close it caused.
        save(conn, &stored, &after, &moved, now)?;
        Ok(receipt)
    })
}

/// Where a lot's auction stands for its award.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The lot has no auction: it is decided on the sealed prices.
    NoAuction,
    /// Scheduled or running: the lot may not be awarded yet.
    NotClosed,
    /// Closed: each admitted bid's (final, opening) price, in minor units.
    Closed(std::collections::HashMap<BidId, (i64, i64)>),
}

/// Where lot `lot`'s auction stands.
pub fn outcome(
    conn: &mut DbConnection,
    tender_id: TenderId,
    lot: i32,
) -> Result<Outcome, AppError> {
    let row: Option<(i64, Option<NaiveDateTime>)> = auctions::table
        .filter(auctions::tender_id.eq(tender_id))
        .filter(auctions::lot_number.eq(lot))
        .select((auctions::id, auctions::closed_at))
        .first(conn)
        .optional()?;
    let Some((id, closed_at)) = row else {
        return Ok(Outcome::NoAuction);
    };
    if closed_at.is_none() {
        return Ok(Outcome::NotClosed);
    }
    Ok(Outcome::Closed(
        auction_seats::table
            .filter(auction_seats::auction_id.eq(id))
            .select((
                auction_seats::bid_id,
                (auction_seats::price, auction_seats::opening_price),
            ))
            .load::<(BidId, (i64, i64))>(conn)?
            .into_iter()
            .collect(),
    ))
}

/// The clock's step for every auction that has opened and is not closed: a server is alive
/// now (a silence longer than the gap moves the close), and an auction past its close is
/// closed with its final ranking recorded. How many auctions it closed.
pub fn tick_due(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    public_url: &str,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let running: Vec<i64> = auctions::table
        .filter(auctions::closed_at.is_null())
        .filter(auctions::opens_at.le(now))
        .select(auctions::id)
        .load(conn)?;
    let mut closed = 0;
    for id in running {
        closed += write_transaction(conn, |conn| -> Result<usize, AppError> {
            lock(conn, id)?;
            let stored = load(conn, id)?;
            if stored.closed_at.is_some() {
                return Ok(0);
            }
            let (after, moved) = stored.state.alive(now);
            save(conn, &stored, &after, moved.as_slice(), now)?;
            if now < after.closes_at {
                // Five minutes before the close, once, every bidder hears it by mail.
                if after.closes_at - now <= TimeDelta::minutes(5) {
                    let warned = diesel::update(
                        auctions::table
                            .find(id)
                            .filter(auctions::warned_at.is_null()),
                    )
                    .set(auctions::warned_at.eq(now))
                    .execute(conn)?;
                    if warned == 1 {
                        tell_bidders(conn, public_url, id, now, "email-auction-closing")?;
                    }
                }
                return Ok(0);
            }
            diesel::update(auctions::table.find(id))
                .set(auctions::closed_at.eq(after.closes_at))
                .execute(conn)?;
            super::transcript::make(conn, keys, &stored, &after, after.closes_at)?;
            let ranking: Vec<serde_json::Value> = after
                .ranking()
                .iter()
                .enumerate()
                .map(|(i, (seat, price))| {
                    json!({"rank": i + 1, "seat": seat.letters(), "price": price.amount})
                })
                .collect();
            audit::record(
                conn,
                now,
                &Actor::system(),
                NewEvent::on(
                    "auction",
                    id,
                    "auction.closed",
                    json!({"closed_at": after.closes_at, "lances": after.lances,
                           "extensions": after.extensions, "ranking": ranking}),
                ),
            )?;
            Ok(1)
        })?;
    }
    Ok(closed)
}

/// Schedules lot `lot`'s auction ([`schedule_in`]); its id.
#[tracing::instrument(skip(app, user, input), fields(user = user.id.get()))]
pub async fn schedule(
    app: &crate::app::AppState,
    user: &CurrentUser,
    tender_id: TenderId,
    lot: i32,
    input: ScheduleInput,
) -> Result<i64, AppError> {
    let (state, user, now) = (app.clone(), user.clone(), app.clock.now_db());
    app.db
        .run(move |conn| {
            schedule_in(
                conn,
                &state.settings.public_url,
                &user,
                tender_id,
                lot,
                &input,
                now,
            )
        })
        .await
}

/// Places a lance ([`place_in`]); its signed receipt.
#[tracing::instrument(skip(app, user), fields(user = user.id.get()))]
pub async fn place(
    app: &crate::app::AppState,
    user: &CurrentUser,
    auction_id: i64,
    price: String,
) -> Result<LanceReceipt, AppError> {
    let (clock, keys, user) = (app.clock.clone(), app.receipts.clone(), user.clone());
    app.db
        .run(move |conn| place_in(conn, clock.as_ref(), &keys, &user, auction_id, &price))
        .await
}

/// Auction `id` as `viewer` sees it now ([`super::view_in`]).
pub async fn view(
    app: &crate::app::AppState,
    viewer: Option<&CurrentUser>,
    auction_id: i64,
) -> Result<super::AuctionView, AppError> {
    let (viewer, now) = (viewer.cloned(), app.clock.now_db());
    app.db
        .run(move |conn| super::view_in(conn, viewer.as_ref(), auction_id, now))
        .await
}

/// The id of lot `lot`'s auction, if it has one.
pub async fn of_lot(
    app: &crate::app::AppState,
    tender_id: TenderId,
    lot: i32,
) -> Result<Option<i64>, AppError> {
    app.db
        .run(move |conn| {
            Ok(auctions::table
                .filter(auctions::tender_id.eq(tender_id))
                .filter(auctions::lot_number.eq(lot))
                .select(auctions::id)
                .first(conn)
                .optional()?)
        })
        .await
}

/// A tender's auctions: (lot, auction id), by lot.
pub async fn of_tender(
    app: &crate::app::AppState,
    tender_id: TenderId,
) -> Result<Vec<(i32, i64)>, AppError> {
    app.db
        .run(move |conn| {
            Ok(auctions::table
                .filter(auctions::tender_id.eq(tender_id))
                .order(auctions::lot_number)
                .select((auctions::lot_number, auctions::id))
                .load(conn)?)
        })
        .await
}

/// The signed transcript of a closed auction ([`super::transcript::read`]).
pub async fn transcript(
    app: &crate::app::AppState,
    auction_id: i64,
) -> Result<super::transcript::SignedTranscript, AppError> {
    let keys = app.receipts.clone();
    app.db
        .run(move |conn| super::transcript::read(conn, &keys, auction_id))
        .await
}

/// Mails every member of every company seated in auction `id` the message `key` (subject
/// `key-subject`, body `key-body`), with the tender, the lot, the times and the page's link.
fn tell_bidders(
    conn: &mut DbConnection,
    public_url: &str,
    id: i64,
    now: NaiveDateTime,
    key: &str,
) -> Result<(), AppError> {
    use crate::schema::{supplier_members, users};
    let stored = load(conn, id)?;
    let title: String = tenders::table
        .find(stored.tender_id)
        .select(tenders::title)
        .first(conn)?;
    let companies: Vec<SupplierId> = stored.seats.iter().map(|s| s.supplier_id).collect();
    let people: Vec<(String, String, String)> = supplier_members::table
        .inner_join(users::table)
        .filter(supplier_members::supplier_id.eq_any(&companies))
        .select((users::email, users::display_name, users::locale))
        .load(conn)?;
    let lima = |at: NaiveDateTime| crate::domain::procurement::lima_input_value(at);
    for (email, name, locale) in people {
        let lang = crate::i18n::Lang::from_code(&locale).unwrap_or_default();
        let args = [
            ("name", name),
            ("title", title.clone()),
            ("lot", stored.lot_number.to_string()),
            ("opens", lima(stored.state.opens_at)),
            ("closes", lima(stored.state.closes_at)),
            (
                "link",
                format!("{}/subastas/{id}", public_url.trim_end_matches('/')),
            ),
        ];
        crate::mail::queue(
            conn,
            now,
            &crate::mail::OutgoingMail {
                to: email,
                subject: crate::i18n::t_args(lang, &format!("{key}-subject"), &args),
                body: crate::i18n::t_args(lang, &format!("{key}-body"), &args),
            },
        )?;
    }
    Ok(())
}
