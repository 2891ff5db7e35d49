//! An auction as the database keeps it: its row (the rules, the close, the counters, the
//! last sign of life) and its seats, the lock that serialises its steps, and the state the
//! pure rules make of them ([`load`]), written back after each step ([`save`]).

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use serde_json::json;

use super::rules::{Auction, CloseMoved, Moved, Price, Rules, Seat};
use crate::{
    audit::{self, Actor, NewEvent},
    db::DbConnection,
    domain::{BidId, Currency, SupplierId, TenderId},
    error::AppError,
    schema::{auction_moves, auction_seats, auctions},
};

/// Advisory-lock namespace of an auction (PostgreSQL): one lance at a time per auction.
const AUCTION_LOCK: i32 = 5_200;

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

impl Stored {
    /// An amount of the lot's currency as a decimal (`148500.00`), as receipts, views and
    /// the transcript write it.
    pub fn amount_text(&self, minor: i64) -> String {
        crate::domain::Money::from_minor(minor, self.currency)
            .map(|m| m.amount().to_string())
            .unwrap_or_else(|_| minor.to_string())
    }
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

pub(super) fn lock(conn: &mut DbConnection, id: i64) -> Result<(), AppError> {
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
pub(super) fn save(
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
