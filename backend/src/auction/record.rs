//! A lot's auction from its scheduling to its close: the officer schedules it on the lot's
//! admitted offers (each seat's opening price is its sealed price; the bidders hear it by
//! mail); the clock's tick records that a server is alive (an outage longer than the gap
//! moves the close), warns the bidders five minutes before the close, closes the auction and
//! has its transcript signed; the award reads where it stands ([`outcome`]). The state lives
//! in the rows ([`super::store`]), so a restart or another server resumes it where it was;
//! lances are [`super::lances`].

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use serde_json::json;

use super::live::{Announced, announce, event as live_event};
use super::rules::{Auction, Rules};
use super::store::{load, lock, save};
use crate::{
    audit::{self, Actor, NewEvent},
    auth::CurrentUser,
    db::{DbConnection, write_transaction},
    domain::{BidId, BidStatus, Currency, SupplierId, TenderId},
    error::{AppError, FieldError},
    keys::ReceiptKeys,
    procedure::Action,
    schema::{auction_seats, auctions, bid_evaluations, bid_prices, bids, tender_lots, tenders},
};

/// The fewest admitted offers that make an auction (fewer: the lot is decided on the sealed
/// prices by the ordinary rules).
pub const MIN_BIDDERS: usize = 2;

/// How far ahead an auction may be scheduled, in days (the admitted offers' validity).
pub const MAX_DAYS_AHEAD: i64 = 30;

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
    settings: &crate::config::Settings,
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
        let (estimated, currency, has_auction): (i64, Currency, bool) = tender_lots::table
            .inner_join(tenders::table)
            .filter(tender_lots::tender_id.eq(tender_id))
            .filter(tender_lots::number.eq(lot))
            .select((
                tender_lots::estimated_value,
                tenders::currency,
                tender_lots::electronic_auction,
            ))
            .first(conn)
            .optional()?
            .ok_or(AppError::NotFound)?;
        if !has_auction {
            // Another lot of this tender has one; this lot is decided on its sealed prices.
            return Err(AppError::field("lot", "lot_without_auction"));
        }
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
        // Its bidders hear of it by mail now, and need the time to read it and be at a
        // computer (LICITA_AUCTION_NOTICE_MINUTES).
        let notice = i64::from(settings.auction_notice_minutes);
        if opens_at < now + TimeDelta::minutes(notice) {
            return Err(AppError::Validation(vec![
                FieldError::new("opens_at", "auction_notice_too_short").arg("minutes", notice),
            ]));
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
        crate::ocds::on_event(conn, tender_id, "auction.scheduled", now)?;
        tell_bidders(
            conn,
            &settings.public_url,
            id,
            now,
            "email-auction-scheduled",
        )?;
        Ok(id)
    })
}

/// Where a lot's auction stands for its award.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The lot has no auction: it is decided on the sealed prices.
    NoAuction,
    /// Scheduled or running: the lot may not be awarded yet.
    NotClosed,
    /// Closed: each admitted bid's place.
    Closed(std::collections::HashMap<BidId, FinalSeat>),
}

/// An admitted bid at its auction's close.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FinalSeat {
    /// Its price at the close (minor units).
    pub last: i64,
    /// Its sealed price (minor units).
    pub opening: i64,
    /// 1 for the lowest final price; equal prices in the order reached.
    pub rank: usize,
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
    let stored = load(conn, id)?;
    Ok(Outcome::Closed(
        stored
            .state
            .ranking()
            .iter()
            .enumerate()
            .filter_map(|(i, (seat, price))| {
                let row = stored.seats.iter().find(|s| s.seat == *seat)?;
                Some((
                    row.bid_id,
                    FinalSeat {
                        last: price.amount,
                        opening: row.opening_price,
                        rank: i + 1,
                    },
                ))
            })
            .collect(),
    ))
}

/// The clock's step for every auction that has opened and is not closed: a server is alive
/// now (a silence longer than the gap moves the close), and an auction past its close is
/// closed with its final ranking recorded. How many auctions it closed, and the events
/// watchers are still to hear ([`super::live`]).
pub fn tick_due(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    public_url: &str,
    now: NaiveDateTime,
) -> Result<(usize, Announced), AppError> {
    let mut announced = end_with_cancelled_tenders(conn, now)?;
    let running: Vec<i64> = auctions::table
        .filter(auctions::closed_at.is_null())
        .filter(auctions::opens_at.le(now))
        .select(auctions::id)
        .load(conn)?;
    let mut closed = 0;
    for id in running {
        let step = write_transaction(conn, |conn| -> Result<(usize, Announced), AppError> {
            lock(conn, id)?;
            let stored = load(conn, id)?;
            if stored.closed_at.is_some() {
                return Ok((0, Announced::default()));
            }
            let (after, moved) = stored.state.alive(now);
            save(conn, &stored, &after, moved.as_slice(), now)?;
            if now < after.closes_at {
                let told = if moved.is_some() {
                    announce(conn, live_event(&stored, &after, "moved", None, now))?
                } else {
                    Announced::default()
                };
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
                return Ok((0, told));
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
            crate::ocds::on_event(conn, stored.tender_id, "auction.closed", now)?;
            let told = announce(
                conn,
                live_event(&stored, &after, "closed", None, after.closes_at),
            )?;
            Ok((1, told))
        });
        // One auction whose step fails (and is retried on the next tick) holds back neither
        // the other auctions nor the clock's other moves.
        let (n, told) = match step {
            Ok(done) => done,
            Err(e) => {
                tracing::warn!(auction = id, error = %e, "an auction's clock step failed");
                continue;
            }
        };
        closed += n;
        announced = announced.and(told);
    }
    Ok((closed, announced))
}

/// Ends the auctions of cancelled tenders that have not closed: no lance is taken from the
/// cancellation on (the procedure refuses them), so each ends at it, without a final ranking
/// or transcript (nothing is awarded); its chain records why, and its watchers are told.
fn end_with_cancelled_tenders(
    conn: &mut DbConnection,
    now: NaiveDateTime,
) -> Result<Announced, AppError> {
    // A cancelled tender is the one with its cancellation's instant.
    let ended: Vec<(i64, Option<NaiveDateTime>)> = auctions::table
        .inner_join(tenders::table)
        .filter(auctions::closed_at.is_null())
        .filter(tenders::cancelled_at.is_not_null())
        .select((auctions::id, tenders::cancelled_at))
        .load(conn)?;
    let mut announced = Announced::default();
    for (id, cancelled_at) in ended {
        let at = cancelled_at.unwrap_or(now).min(now);
        let told = write_transaction(conn, |conn| -> Result<Announced, AppError> {
            lock(conn, id)?;
            let stored = load(conn, id)?;
            if stored.closed_at.is_some() {
                return Ok(Announced::default());
            }
            diesel::update(auctions::table.find(id))
                .set(auctions::closed_at.eq(at))
                .execute(conn)?;
            audit::record(
                conn,
                now,
                &Actor::system(),
                NewEvent::on(
                    "auction",
                    id,
                    "auction.cancelled",
                    json!({"ended_at": at, "lances": stored.state.lances,
                           "reason": "tender_cancelled"}),
                ),
            )?;
            let mut ended = stored.state.clone();
            ended.closes_at = at;
            announce(conn, live_event(&stored, &ended, "closed", None, at))
        })?;
        announced = announced.and(told);
    }
    Ok(announced)
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
        .run(move |conn| schedule_in(conn, &state.settings, &user, tender_id, lot, &input, now))
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
) -> Result<super::transcript::SignedAuctionTranscript, AppError> {
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
