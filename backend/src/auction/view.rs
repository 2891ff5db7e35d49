//! An auction as each reader sees it, by the server's clock: a bidder its own price, rank and
//! position (best, tied, losing) and the highest price its next lance may have; everyone the
//! best price, the ranking under anonymous names ("Postor A") and every move of the close
//! with its reason; the buyer's officers and the auditors the companies' names.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::rules::{Position, Seat};
use super::store::{Stored, load};
use crate::{
    auth::CurrentUser,
    bids::receipts::receipt_time,
    db::DbConnection,
    domain::{Role, TenderId},
    error::AppError,
    schema::{auction_moves, tender_lots, tenders},
};

/// The rules of an auction, as bidders are shown them before it starts.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RulesView {
    /// The least a lance must lower the bidder's own last price by.
    pub minimal_step: String,
    /// No price may go below it.
    pub floor: String,
    /// How long the auction lasts before extensions, in minutes.
    pub window_minutes: i64,
    /// A best or tying lance this close to the close moves it to this long after, in minutes.
    pub extension_minutes: i64,
    /// How many times lances may move the close.
    pub max_extensions: u32,
    /// A silence of every server longer than this (seconds) moves the close by the silence.
    pub outage_gap_seconds: i64,
}

/// One place of the ranking.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RankView {
    /// 1 for the first.
    pub rank: usize,
    /// The anonymous name ("A", "B"…), as the live events name the bidder.
    pub seat: String,
    /// "A", "B"… (the anonymous name), or the company for the buyer's officers and auditors.
    pub bidder: String,
    /// The bidder's price now.
    pub price: String,
}

/// What the calling bidder sees of its own place.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MineView {
    /// Its anonymous name.
    pub seat: String,
    /// Its price now.
    pub price: String,
    /// Its rank, 1 for the first.
    pub rank: usize,
    /// Of how many.
    pub of: usize,
    /// best, tied or losing.
    pub position: String,
    /// The highest price its next lance may have, while lances are taken.
    pub next_highest: Option<String>,
}

/// A move of the close.
#[derive(Debug, Clone, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveView {
    /// extension (a best or tying lance near the close) or outage (no server was alive).
    pub reason: String,
    /// When it was recorded (UTC, RFC 3339).
    pub moved_at: String,
    /// The close before (UTC, RFC 3339).
    pub from: String,
    /// The close after (UTC, RFC 3339).
    pub to: String,
}

/// An auction now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuctionView {
    /// Auction id.
    pub id: i64,
    /// Its tender.
    pub tender_id: TenderId,
    /// Its lot.
    pub lot: i32,
    /// The tender's title.
    pub tender_title: String,
    /// The lot's description.
    pub lot_title: String,
    /// The lot's estimated value.
    pub estimated_value: String,
    /// ISO 4217.
    pub currency: String,
    /// scheduled, running, closed, or cancelled (with its tender).
    pub status: String,
    /// The server's time of this answer (UTC, RFC 3339): the time that counts.
    pub server_time: String,
    /// When lances start (UTC, RFC 3339).
    pub opens_at: String,
    /// When they stop (UTC, RFC 3339), as the server's clock stands now.
    pub closes_at: String,
    /// How many times lances moved the close.
    pub extensions: u32,
    /// Lances accepted so far.
    pub lances: u64,
    /// Its rules.
    pub rules: RulesView,
    /// The lowest price now.
    pub best_price: String,
    /// From first to last.
    pub ranking: Vec<RankView>,
    /// The caller's own place, for an admitted bidder.
    pub mine: Option<MineView>,
    /// Every move of the close, in order.
    pub moves: Vec<MoveView>,
}

/// Auction `id` as `viewer` sees it at `now`.
pub fn view_in(
    conn: &mut DbConnection,
    viewer: Option<&CurrentUser>,
    id: i64,
    now: NaiveDateTime,
) -> Result<AuctionView, AppError> {
    let stored = load(conn, id)?;
    let (buyer, tender_title, tender_status) = tenders::table
        .find(stored.tender_id)
        .select((tenders::buyer_id, tenders::title, tenders::status))
        .first::<(crate::domain::BuyerId, String, crate::domain::TenderStatus)>(conn)?;
    let cancelled = tender_status == crate::domain::TenderStatus::Cancelled;
    let (lot_title, estimated): (String, i64) = tender_lots::table
        .filter(tender_lots::tender_id.eq(stored.tender_id))
        .filter(tender_lots::number.eq(stored.lot_number))
        .select((tender_lots::title, tender_lots::estimated_value))
        .first(conn)?;
    let named = crate::ocds::sees_sealed_prices(viewer, buyer);
    let money = |minor: i64| stored.amount_text(minor);
    // The close as the server's clock stands: a silence up to now counts, until it ended.
    let state = if stored.closed_at.is_some() {
        stored.state.clone()
    } else {
        stored.state.alive(now).0
    };
    let status = if cancelled {
        "cancelled"
    } else if stored.closed_at.is_some() || now >= state.closes_at {
        "closed"
    } else if now >= state.opens_at {
        "running"
    } else {
        "scheduled"
    };
    let names = if named {
        let ids: Vec<_> = stored.seats.iter().map(|s| s.supplier_id).collect();
        crate::bids::supplier_names(conn, &ids)?
    } else {
        Default::default()
    };
    let bidder = |seat: Seat| {
        stored
            .seats
            .get(usize::from(seat.0))
            .and_then(|s| names.get(&s.supplier_id))
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| seat.letters())
    };
    let ranking = state
        .ranking()
        .into_iter()
        .enumerate()
        .map(|(i, (seat, price))| RankView {
            rank: i + 1,
            seat: seat.letters(),
            bidder: bidder(seat),
            price: money(price.amount),
        })
        .collect();
    let mine = mine(&stored, viewer, now).map(|(seat, standing)| MineView {
        seat: seat.letters(),
        price: money(standing.price),
        rank: standing.rank,
        of: standing.of,
        position: match standing.position {
            Position::Best => "best",
            Position::Tied => "tied",
            Position::Losing => "losing",
        }
        .to_owned(),
        next_highest: standing.next_highest.filter(|_| !cancelled).map(money),
    });
    let moves = moves(conn, id)?;
    let rules = state.rules;
    Ok(AuctionView {
        id,
        tender_id: stored.tender_id,
        lot: stored.lot_number,
        tender_title,
        lot_title,
        estimated_value: money(estimated),
        currency: stored.currency.code().to_owned(),
        status: status.to_owned(),
        server_time: receipt_time(now),
        opens_at: receipt_time(state.opens_at),
        closes_at: receipt_time(stored.closed_at.unwrap_or(state.closes_at)),
        extensions: state.extensions,
        lances: state.lances,
        rules: RulesView {
            minimal_step: money(rules.minimal_step),
            floor: money(rules.floor),
            window_minutes: rules.window.num_minutes(),
            extension_minutes: rules.extension.num_minutes(),
            max_extensions: rules.max_extensions,
            outage_gap_seconds: rules.outage_gap.num_seconds(),
        },
        best_price: money(state.best_price()),
        ranking,
        mine,
        moves,
    })
}

/// The calling company's seat and standing, if it is admitted to the auction.
fn mine(
    stored: &Stored,
    viewer: Option<&CurrentUser>,
    now: NaiveDateTime,
) -> Option<(Seat, super::rules::Standing)> {
    let user = viewer.filter(|u| u.role == Role::Supplier)?;
    let seat = stored
        .seats
        .iter()
        .find(|s| Some(s.supplier_id) == user.supplier_id)?
        .seat;
    let state = if stored.closed_at.is_some() {
        stored.state.clone()
    } else {
        stored.state.alive(now).0
    };
    Some((seat, state.standing(seat, now)?))
}

/// Every move of auction `id`'s close, in order.
pub fn moves(conn: &mut DbConnection, id: i64) -> Result<Vec<MoveView>, AppError> {
    Ok(auction_moves::table
        .filter(auction_moves::auction_id.eq(id))
        .order(auction_moves::number)
        .select((
            auction_moves::reason,
            auction_moves::moved_at,
            auction_moves::from_close,
            auction_moves::to_close,
        ))
        .load::<(String, NaiveDateTime, NaiveDateTime, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(reason, at, from, to)| MoveView {
            reason,
            moved_at: receipt_time(at),
            from: receipt_time(from),
            to: receipt_time(to),
        })
        .collect())
}
