//! The reverse auction's rules (*subasta inversa electrónica*) as a pure state machine: an
//! auction's state, what happened (a lance or a server's sign of life) and the server's
//! instant give the next state or a refusal. No I/O and no clock of its own: the record
//! stores what happened, [`Auction::replay`] rebuilds the state from it after a restart or on
//! another server, and the property tests check every rule on random auctions.
//!
//! The rules, as bidders are shown them before the start:
//! - each bidder starts from its sealed price; a lance must lower the bidder's *own* last
//!   price by at least the minimal step and may not go below the floor;
//! - the window lasts [`Rules::window`]; a lance that becomes or ties the best price in the
//!   final [`Rules::extension`] moves the close to that long after it, at most
//!   [`Rules::max_extensions`] times; the close never moves earlier;
//! - the server's clock decides: a lance that arrives at or after the close is refused with
//!   the server's time;
//! - equal prices keep the earlier one first (a sealed price is earlier than any lance);
//! - if no server gave a sign of life for longer than [`Rules::outage_gap`] inside the
//!   window, the close moves by the whole silence, so an outage never decides an auction.

use chrono::{NaiveDateTime, TimeDelta};
use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// The settings of one lot's auction, fixed before it starts and shown to the bidders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// The least a lance must lower the bidder's own last price by, in minor units.
    pub minimal_step: i64,
    /// No price may go below it, in minor units (at least 1: a price is never free).
    pub floor: i64,
    /// How long the auction lasts before any extension.
    pub window: TimeDelta,
    /// A best or tying lance this close to the close moves it to this long after the lance.
    pub extension: TimeDelta,
    /// How many times the close may move for lances (outages move it without limit).
    pub max_extensions: u32,
    /// A silence of every server longer than this inside the window moves the close.
    pub outage_gap: TimeDelta,
}

impl Rules {
    /// The minimal step when the officer sets none: 0.5 % of the lot's estimated value.
    pub const DEFAULT_STEP_BASIS_POINTS: u32 = 50;
    /// The minimal step the law allows: 0.5 % to 3 % of the lot's estimated value.
    pub const STEP_BASIS_POINTS: std::ops::RangeInclusive<u32> = 50..=300;

    /// The rules of a lot with `estimated_value` (minor units) and a step of
    /// `step_basis_points` hundredths of a percent; the other settings are the defaults
    /// (30-minute window, 2-minute extensions at most 10 times, a 30-second outage gap), no
    /// floor but one minor unit.
    pub fn for_lot(estimated_value: i64, step_basis_points: u32) -> Result<Rules, FieldError> {
        if !Self::STEP_BASIS_POINTS.contains(&step_basis_points) {
            return Err(FieldError::new("minimal_step", "auction_step_out_of_range"));
        }
        if estimated_value <= 0 {
            return Err(FieldError::new("estimated_value", "amount_not_positive"));
        }
        // Rounded up, so the step is never below the percentage; at least one minor unit.
        let scaled = i128::from(estimated_value) * i128::from(step_basis_points);
        let step = (scaled + 9_999) / 10_000;
        Ok(Rules {
            minimal_step: i64::try_from(step).unwrap_or(i64::MAX).max(1),
            floor: 1,
            window: TimeDelta::minutes(30),
            extension: TimeDelta::minutes(2),
            max_extensions: 10,
            outage_gap: TimeDelta::seconds(30),
        })
    }
}

/// A bidder's seat in one auction: its place in the order of the sealed offers, shown to
/// the others only as a letter ("Postor A").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Seat(pub u16);

impl Seat {
    /// The anonymous name's letters: A … Z, then AA, AB …
    pub fn letters(self) -> String {
        let mut n = usize::from(self.0) + 1;
        let mut out = Vec::new();
        while n > 0 {
            n -= 1;
            out.push(b'A' + (n % 26) as u8);
            n /= 26;
        }
        out.reverse();
        String::from_utf8(out).expect("ASCII letters")
    }
}

/// One bidder's price now, and the order it was reached in (for equal prices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Price {
    /// Minor units.
    pub amount: i64,
    /// 0 … n−1 for the sealed prices in the order of the offers, then each lance's number.
    pub order: u64,
}

/// What happened in an auction, as the record keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Happening {
    /// A bidder offered `price` (minor units) at `at`, by the server's clock.
    Lance {
        /// Who.
        seat: Seat,
        /// The price offered, in minor units.
        price: i64,
        /// When it arrived, by the server's clock.
        at: NaiveDateTime,
    },
    /// A server running the auction was alive at `at` (its clock's tick).
    Alive {
        /// When.
        at: NaiveDateTime,
    },
}

/// Why the close moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Moved {
    /// A lance became or tied the best price in the final minutes (the n-th extension).
    Extension {
        /// Whose lance.
        seat: Seat,
        /// When it arrived.
        at: NaiveDateTime,
        /// Which extension (1 … M).
        number: u32,
    },
    /// No server gave a sign of life from `silent_from` to `back_at`.
    Outage {
        /// The last sign of life before the silence.
        silent_from: NaiveDateTime,
        /// The first sign of life after it.
        back_at: NaiveDateTime,
    },
}

/// A move of the close: why, and where it went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseMoved {
    /// Why.
    pub why: Moved,
    /// The close before.
    pub from: NaiveDateTime,
    /// The close after.
    pub to: NaiveDateTime,
}

/// Why a lance was not accepted; each carries what the bidder needs to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// The auction has not started.
    NotStarted {
        /// When it starts.
        opens_at: NaiveDateTime,
    },
    /// The auction closed at `closes_at`; the lance arrived at `server_time`.
    Closed {
        /// When it closed.
        closes_at: NaiveDateTime,
        /// The server's time when the lance arrived.
        server_time: NaiveDateTime,
    },
    /// The seat holds no admitted offer in this auction.
    NotAdmitted,
    /// The price does not lower the bidder's own last price by the minimal step.
    StepTooSmall {
        /// The highest price the lance may have.
        highest_allowed: i64,
    },
    /// The price is below the floor.
    BelowFloor {
        /// The lowest price allowed.
        floor: i64,
    },
}

impl Refusal {
    /// The stable code a client and the messages use.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NotStarted { .. } => "auction_not_started",
            Refusal::Closed { .. } => "auction_closed",
            Refusal::NotAdmitted => "not_admitted_to_auction",
            Refusal::StepTooSmall { .. } => "lance_step_too_small",
            Refusal::BelowFloor { .. } => "lance_below_floor",
        }
    }
}

/// Where a bidder stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Position {
    /// First, and nobody else holds its price.
    Best,
    /// Someone else holds the same price (the earlier of them is ranked first).
    Tied,
    /// Someone holds a lower price.
    Losing,
}

/// What one bidder sees of the auction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    /// The bidder's own price now.
    pub price: i64,
    /// 1 for the first.
    pub rank: usize,
    /// How many bidders there are.
    pub of: usize,
    /// Best, tied or losing.
    pub position: Position,
    /// The lowest price of all.
    pub best_price: i64,
    /// The highest price the next lance may have, if any lance is still possible.
    pub next_highest: Option<i64>,
}

/// One lot's auction now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Auction {
    /// Its rules.
    pub rules: Rules,
    /// When lances are first taken.
    pub opens_at: NaiveDateTime,
    /// When they stop being taken (moved by extensions and outages).
    pub closes_at: NaiveDateTime,
    /// How many times a lance moved the close.
    pub extensions: u32,
    /// The last sign of life of any server (a lance or a tick), from the opening on.
    pub alive_at: NaiveDateTime,
    /// Each seat's price, by seat.
    pub prices: Vec<Price>,
    /// Lances accepted so far.
    pub lances: u64,
}

impl Auction {
    /// The auction of the admitted offers' sealed `opening_prices` (in the order of the
    /// offers: seat 0 first), opening at `opens_at`.
    pub fn open(
        rules: Rules,
        opens_at: NaiveDateTime,
        opening_prices: &[i64],
    ) -> Result<Auction, FieldError> {
        if opening_prices.is_empty() || opening_prices.len() > usize::from(u16::MAX) {
            return Err(FieldError::new("bids", "auction_needs_bidders"));
        }
        if opening_prices.iter().any(|p| *p < 1) {
            return Err(FieldError::new("amount", "amount_not_positive"));
        }
        if rules.minimal_step < 1 || rules.floor < 1 || rules.window <= TimeDelta::zero() {
            return Err(FieldError::new("minimal_step", "auction_step_out_of_range"));
        }
        Ok(Auction {
            rules,
            opens_at,
            closes_at: opens_at + rules.window,
            extensions: 0,
            alive_at: opens_at,
            prices: opening_prices
                .iter()
                .enumerate()
                .map(|(i, amount)| Price {
                    amount: *amount,
                    order: i as u64,
                })
                .collect(),
            lances: 0,
        })
    }

    /// The state after every recorded happening, in order; a happening the rules refuse
    /// (which the record never holds) is skipped, as it was when it arrived.
    pub fn replay(mut self, happenings: &[Happening]) -> Auction {
        for happening in happenings {
            match *happening {
                Happening::Lance { seat, price, at } => {
                    if let Ok((next, _)) = self.place(seat, price, at) {
                        self = next;
                    }
                }
                Happening::Alive { at } => self = self.alive(at).0,
            }
        }
        self
    }

    /// A server's sign of life at `at`: if every server was silent inside the window for
    /// longer than the outage gap, the close moves later by the whole silence, so bidders
    /// get back the time they had when it began.
    pub fn alive(&self, at: NaiveDateTime) -> (Auction, Option<CloseMoved>) {
        let mut next = self.clone();
        if at <= self.alive_at {
            return (next, None);
        }
        let silence = at - self.alive_at;
        let mut moved = None;
        if self.alive_at < self.closes_at && silence > self.rules.outage_gap {
            next.closes_at = self.closes_at + silence;
            moved = Some(CloseMoved {
                why: Moved::Outage {
                    silent_from: self.alive_at,
                    back_at: at,
                },
                from: self.closes_at,
                to: next.closes_at,
            });
        }
        next.alive_at = at;
        (next, moved)
    }

    /// A lance of `seat` at `price` arriving at `at`: the next state and any move of the
    /// close (an outage noticed by this lance, or its extension), or why it is refused.
    pub fn place(
        &self,
        seat: Seat,
        price: i64,
        at: NaiveDateTime,
    ) -> Result<(Auction, Vec<CloseMoved>), Refusal> {
        if at < self.opens_at {
            return Err(Refusal::NotStarted {
                opens_at: self.opens_at,
            });
        }
        let (mut next, outage) = self.alive(at);
        if at >= next.closes_at {
            return Err(Refusal::Closed {
                closes_at: next.closes_at,
                server_time: at,
            });
        }
        let Some(own) = next.prices.get(usize::from(seat.0)).copied() else {
            return Err(Refusal::NotAdmitted);
        };
        if price < self.rules.floor {
            return Err(Refusal::BelowFloor {
                floor: self.rules.floor,
            });
        }
        let highest_allowed = own.amount.saturating_sub(self.rules.minimal_step);
        if price > highest_allowed {
            return Err(Refusal::StepTooSmall { highest_allowed });
        }
        let best_before = next.best_price();
        next.lances += 1;
        next.prices[usize::from(seat.0)] = Price {
            amount: price,
            order: next.prices.len() as u64 + next.lances,
        };
        let mut moved: Vec<CloseMoved> = outage.into_iter().collect();
        let extended_close = at + self.rules.extension;
        if price <= best_before
            && extended_close > next.closes_at
            && next.extensions < self.rules.max_extensions
        {
            next.extensions += 1;
            moved.push(CloseMoved {
                why: Moved::Extension {
                    seat,
                    at,
                    number: next.extensions,
                },
                from: next.closes_at,
                to: extended_close,
            });
            next.closes_at = extended_close;
        }
        Ok((next, moved))
    }

    /// The lowest price now.
    pub fn best_price(&self) -> i64 {
        self.prices.iter().map(|p| p.amount).min().unwrap_or(0)
    }

    /// The seats from first to last: lower price first, equal prices in the order reached.
    pub fn ranking(&self) -> Vec<(Seat, Price)> {
        let mut ranked: Vec<(Seat, Price)> = self
            .prices
            .iter()
            .enumerate()
            .map(|(i, p)| (Seat(i as u16), *p))
            .collect();
        ranked.sort_by_key(|(_, p)| (p.amount, p.order));
        ranked
    }

    /// What `seat` sees at `at`, or `None` for a seat not in the auction.
    pub fn standing(&self, seat: Seat, at: NaiveDateTime) -> Option<Standing> {
        let own = *self.prices.get(usize::from(seat.0))?;
        let ranking = self.ranking();
        let rank = ranking.iter().position(|(s, _)| *s == seat)? + 1;
        let best_price = self.best_price();
        let shared = self
            .prices
            .iter()
            .filter(|p| p.amount == own.amount)
            .count()
            > 1;
        let position = if shared {
            Position::Tied
        } else if own.amount == best_price {
            Position::Best
        } else {
            Position::Losing
        };
        let highest = own.amount.saturating_sub(self.rules.minimal_step);
        let open = at >= self.opens_at && at < self.alive(at).0.closes_at;
        Some(Standing {
            price: own.amount,
            rank,
            of: self.prices.len(),
            position,
            best_price,
            next_highest: (open && highest >= self.rules.floor).then_some(highest),
        })
    }

    /// Whether the auction is over at `at` (after any outage the instant reveals).
    pub fn is_closed(&self, at: NaiveDateTime) -> bool {
        at >= self.alive(at).0.closes_at
    }

    /// When bidders are warned the close is near: five minutes before it.
    pub fn warning_at(&self) -> NaiveDateTime {
        self.closes_at - TimeDelta::minutes(5)
    }
}

/// Is a winning final price abnormally low: 40 % or more below the mean of the other
/// bidders' opening (sealed) prices, or 30 % or more below the next final price? (A red
/// flag the award must justify.)
pub fn abnormally_low(winner: i64, others_opening: &[i64], next_final: Option<i64>) -> bool {
    let count = others_opening.len() as i128;
    let sum: i128 = others_opening.iter().map(|p| i128::from(*p)).sum();
    let below_mean = count > 0 && i128::from(winner) * 10 * count <= 6 * sum;
    let below_next = next_final.is_some_and(|n| i128::from(winner) * 10 <= 7 * i128::from(n));
    below_mean || below_next
}

#[cfg(test)]
mod tests;
