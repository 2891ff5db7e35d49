//! The search image: each server's copy of the search projection in memory, read by every
//! search and brought up to date from the database before each one.
//!
//! Per published tender a 64-byte [`Row`] (the filter and sort columns), per stem a
//! compressed bitmap of the tenders that have it (`roaring`), and per sort (deadline,
//! publication, value) the tenders in that order. A search intersects the bitmaps of its
//! words; then, in the cheapest of three ways:
//!
//! - **few candidates** (a rare word): test the filters on each, partially sort the matches;
//! - **many, and the filters pass often**: walk the sort's order (for the deadline sort only
//!   its part inside the deadline range, which a status at `now` narrows too) testing each
//!   tender, and stop once the page is full and [`Window::count_to`] matches are counted; an
//!   open tender's deep page or a common word visit tens of thousands of rows, not a million;
//! - **many, and the filters pass rarely** (the walk checks its rate every
//!   [`STRIDE`](find::STRIDE) rows and gives up once it would visit more than an eighth of the rows): one
//!   sequential pass over the rows, then a partial sort or a walk of the order through a bitset
//!   of the matches.
//!
//! So the cost of any query is bounded by about one pass over the rows, whatever its
//! filters, and the total is exact up to `count_to`.
//!
//! [`SearchImage::refresh`] reads the projection's rows changed since its last read (see
//! [`super::rows`]): a search sees every change committed before it began, on any
//! server.
//!
//! This file holds the image's rows and how a change of the projection is applied to them;
//! [`query`] what a search asks (the filters, the order, the window) and [`find`] how the
//! image answers it.

use roaring::RoaringBitmap;
use std::{
    collections::HashMap,
    hash::{Hash, Hasher},
    sync::{Mutex, PoisonError, RwLock},
};

use chrono::NaiveDateTime;

use super::rows::{self as projection, SearchRow};
use crate::{
    db::DbConnection,
    domain::{
        Currency, TenderStatus,
        procurement::{Category, Method},
    },
    error::AppError,
};

mod find;
mod query;
use query::SORTS;
pub(crate) use query::{Filter, Found, Sort, Window};

/// What a search filters on and sorts by, of one tender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Row {
    id: i64,
    submission_deadline: i64,
    enquiry_deadline: i64,
    published_at: i64,
    value: i64,
    buyer: i64,
    /// A hash of its stems: when it changes, the bitmaps are updated.
    terms: u64,
    classification: u32,
    status: TenderStatus,
    method: Method,
    category: Category,
    currency: Currency,
}

fn seconds(at: NaiveDateTime) -> i64 {
    at.and_utc().timestamp()
}

impl Row {
    fn of(row: &SearchRow) -> Result<Self, AppError> {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        row.terms.hash(&mut hasher);
        Ok(Row {
            id: row.tender_id,
            submission_deadline: seconds(row.submission_deadline),
            enquiry_deadline: seconds(row.enquiry_deadline),
            published_at: seconds(row.published_at),
            value: row.estimated_value,
            buyer: row.buyer_id,
            terms: hasher.finish(),
            classification: row.classification.parse().unwrap_or(u32::MAX),
            status: row.status,
            method: row.method,
            category: row.category,
            currency: row.currency,
        })
    }

    fn key(&self, sort: Sort) -> (i64, i64) {
        let value = match sort {
            Sort::Deadline => self.submission_deadline,
            Sort::Published => self.published_at,
            Sort::Value => self.value,
        };
        (value, self.id)
    }

    /// Still taking bids at `now`: published and not cancelled or decided, its deadline
    /// ahead.
    fn taking_bids(&self, now: i64) -> bool {
        self.submission_deadline >= now && self.status.receives_bids()
    }

    /// The "closing soonest" order at `now`: tenders still taking bids, nearest deadline
    /// first, then every other (closed, cancelled, decided), most recent deadline first — a
    /// tender nobody can bid on is never listed before one they can.
    fn soonest_key(&self, now: i64) -> (bool, i64, i64) {
        if self.taking_bids(now) {
            (false, self.submission_deadline, self.id)
        } else {
            (true, -self.submission_deadline, -self.id)
        }
    }
}

#[derive(Default)]
struct Image {
    rows: Vec<Row>,
    slots: HashMap<i64, u32>,
    postings: HashMap<Box<str>, RoaringBitmap>,
    /// Slots in each sort's order, ascending.
    orders: [Vec<u32>; 3],
    /// The projection's watermark this image is up to date with.
    watermark: i64,
    /// Every row was read once (before that, rows are appended and orders built at the end).
    loaded: bool,
}

fn position(rows: &[Row], order: &[u32], sort: Sort, key: (i64, i64)) -> Result<usize, usize> {
    order.binary_search_by(|&s| rows[s as usize].key(sort).cmp(&key))
}

impl Image {
    fn add_terms(&mut self, slot: u32, terms: &str) {
        for term in terms.split(' ').filter(|t| !t.is_empty()) {
            match self.postings.get_mut(term) {
                Some(bitmap) => {
                    bitmap.insert(slot);
                }
                None => {
                    self.postings
                        .insert(term.into(), RoaringBitmap::from_iter([slot]));
                }
            }
        }
    }

    fn apply(&mut self, stored: &SearchRow) -> Result<(), AppError> {
        let row = Row::of(stored)?;
        let Some(&slot) = self.slots.get(&row.id) else {
            let slot = u32::try_from(self.rows.len())
                .map_err(|_| AppError::internal("search image full"))?;
            self.rows.push(row);
            self.slots.insert(row.id, slot);
            self.add_terms(slot, &stored.terms);
            if self.loaded {
                for (i, sort) in SORTS.into_iter().enumerate() {
                    let at = position(&self.rows, &self.orders[i], sort, row.key(sort))
                        .unwrap_or_else(|at| at);
                    self.orders[i].insert(at, slot);
                }
            }
            return Ok(());
        };
        let old = self.rows[slot as usize];
        if old == row {
            return Ok(());
        }
        if self.loaded {
            for (i, sort) in SORTS.into_iter().enumerate() {
                if old.key(sort) != row.key(sort)
                    && let Ok(at) = position(&self.rows, &self.orders[i], sort, old.key(sort))
                {
                    self.orders[i].remove(at);
                }
            }
        }
        self.rows[slot as usize] = row;
        if self.loaded {
            for (i, sort) in SORTS.into_iter().enumerate() {
                if old.key(sort) != row.key(sort) {
                    let at = position(&self.rows, &self.orders[i], sort, row.key(sort))
                        .unwrap_or_else(|at| at);
                    self.orders[i].insert(at, slot);
                }
            }
        }
        if old.terms != row.terms {
            // The old stems are not kept per row (that would double the image): the slot
            // leaves every bitmap, then joins its new stems' bitmaps.
            self.postings.retain(|_, bitmap| {
                bitmap.remove(slot);
                !bitmap.is_empty()
            });
            self.add_terms(slot, &stored.terms);
        }
        Ok(())
    }

    fn finish_loading(&mut self) {
        if self.loaded {
            return;
        }
        let rows = &self.rows;
        for (i, sort) in SORTS.into_iter().enumerate() {
            let mut order: Vec<u32> = (0..rows.len() as u32).collect();
            order.sort_unstable_by_key(|&s| rows[s as usize].key(sort));
            self.orders[i] = order;
        }
        self.loaded = true;
    }
}

/// The search image of this server (see the module's note).
#[derive(Default)]
pub struct SearchImage {
    image: RwLock<Image>,
    /// One reader of the projection at a time: the others wait for it, then read nothing.
    refreshing: Mutex<()>,
}

impl std::fmt::Debug for SearchImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchImage")
            .field("tenders", &self.len())
            .finish()
    }
}

impl SearchImage {
    /// Reads the projection's rows changed since the last refresh; returns how many.
    pub fn refresh(&self, conn: &mut DbConnection) -> Result<usize, AppError> {
        const BATCH: i64 = 20_000;
        let _one = self
            .refreshing
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if self.image.is_poisoned() {
            // A panic while applying left it half-changed: read everything again.
            self.image.clear_poison();
            *self.write() = Image::default();
        }
        let since = self.read().watermark;
        let next = projection::watermark(conn)?;
        if matches!(conn, DbConnection::Sqlite(_)) && next == since && self.read().loaded {
            return Ok(0);
        }
        let mut after = 0i64;
        let mut read = 0;
        loop {
            let rows = projection::changes_since(conn, since, after, BATCH)?;
            let Some(last) = rows.last().map(|r| r.tender_id) else {
                break;
            };
            let mut image = self.write();
            for row in &rows {
                image.apply(row)?;
            }
            read += rows.len();
            after = last;
        }
        let mut image = self.write();
        image.finish_loading();
        image.watermark = next;
        Ok(read)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Image> {
        self.image.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Image> {
        self.image.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Published tenders in the image: their count.
    pub fn len(&self) -> usize {
        self.read().rows.len()
    }

    /// Whether no tender is in the image.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `window` of the tenders having every one of `words` (when
    /// given; any of them when none has all) and passing `filter`, in the window's order.
    pub(crate) fn search(
        &self,
        words: Option<&[String]>,
        filter: &Filter,
        window: Window,
    ) -> Found {
        let image = self.read();
        let filter = filter.compile();
        let all = words.map(|w| image.having(w, true));
        let (ids, total) = image.find(all.as_ref(), &filter, window);
        if total == 0 && words.is_some_and(|w| w.len() > 1) {
            let any = words.map(|w| image.having(w, false));
            let (ids, total) = image.find(any.as_ref(), &filter, window);
            return Found {
                ids,
                total,
                any_word: total > 0,
            };
        }
        Found {
            ids,
            total,
            any_word: false,
        }
    }
}
