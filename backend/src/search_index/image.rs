//! The search image: each server's copy of the search projection in memory, read by every
//! search and brought up to date from the database before each one.
//!
//! Per published tender a 64-byte [`Row`] (the filter and sort columns), per stem a
//! compressed bitmap of the tenders that have it (`roaring`), and per sort (deadline,
//! publication, value) the tenders in that order. A search intersects the bitmaps of its
//! words, tests the filters on the rows that remain (a sequential pass over at most every
//! row, a few milliseconds at a million), and takes its page either by partially sorting the
//! matches (when they are few) or by walking the sort's order and keeping the matches (when
//! they are many). So the cost of a query is bounded by the number of tenders, whatever its
//! filters, and the total is exact.
//!
//! [`SearchImage::refresh`] reads the projection's rows changed since its last read (see
//! [`super::rows`]): a search sees every change committed before it began, on any
//! server.

use chrono::{DateTime, NaiveDateTime};
use roaring::RoaringBitmap;
use std::{
    collections::HashMap,
    hash::{Hash, Hasher},
    sync::{Mutex, PoisonError, RwLock},
};

use super::rows::{self as projection, SearchRow};
use crate::{
    db::DbConnection,
    domain::{
        Currency, TenderStatus,
        procurement::{Category, Method, effective_status},
    },
    error::AppError,
};

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

fn instant(seconds: i64) -> NaiveDateTime {
    DateTime::from_timestamp(seconds, 0)
        .unwrap_or_default()
        .naive_utc()
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
            method: Method::from_code(&row.method)
                .ok_or_else(|| AppError::internal("stored method unknown"))?,
            category: Category::parse(&row.category, "category")
                .map_err(|_| AppError::internal("stored category unknown"))?,
            currency: Currency::parse(&row.currency, "currency")
                .map_err(|_| AppError::internal("stored currency unknown"))?,
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
}

/// The orders results can be sorted in (each with the tender id as tie-breaker).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sort {
    /// Submission deadline.
    Deadline,
    /// Publication.
    Published,
    /// Estimated value (in minor units).
    Value,
}

const SORTS: [Sort; 3] = [Sort::Deadline, Sort::Published, Sort::Value];

/// Which results a search wants: the order and the window.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    /// The sort.
    pub sort: Sort,
    /// Largest first.
    pub descending: bool,
    /// Results skipped.
    pub offset: usize,
    /// Results wanted.
    pub limit: usize,
}

/// The filters of a search, in the image's terms.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filter {
    /// Status at `now`.
    pub status: Option<TenderStatus>,
    /// The instant the status is computed at.
    pub now: Option<NaiveDateTime>,
    pub method: Option<Method>,
    pub buyer: Option<i64>,
    pub category: Option<Category>,
    /// Inclusive range of UNSPSC codes (a segment is a range of a million).
    pub classification: Option<(u32, u32)>,
    /// The currency of a value range.
    pub currency: Option<Currency>,
    pub value_min: Option<i64>,
    pub value_max: Option<i64>,
    /// Deadline at or after.
    pub deadline_from: Option<NaiveDateTime>,
    /// Deadline before.
    pub deadline_to: Option<NaiveDateTime>,
}

struct Compiled {
    status: Option<(TenderStatus, NaiveDateTime)>,
    method: Option<Method>,
    buyer: Option<i64>,
    category: Option<Category>,
    classification: Option<(u32, u32)>,
    currency: Option<Currency>,
    value: (i64, i64),
    deadline: (i64, i64),
    none: bool,
}

impl Filter {
    fn compile(&self) -> Compiled {
        let status = self.status.map(|s| (s, self.now.unwrap_or_default()));
        let value = (
            self.value_min.unwrap_or(i64::MIN),
            self.value_max.unwrap_or(i64::MAX),
        );
        let deadline = (
            self.deadline_from.map_or(i64::MIN, seconds),
            self.deadline_to.map_or(i64::MAX, |d| seconds(d) - 1),
        );
        Compiled {
            none: status.is_none()
                && self.method.is_none()
                && self.buyer.is_none()
                && self.category.is_none()
                && self.classification.is_none()
                && self.currency.is_none()
                && value == (i64::MIN, i64::MAX)
                && deadline == (i64::MIN, i64::MAX),
            status,
            method: self.method,
            buyer: self.buyer,
            category: self.category,
            classification: self.classification,
            currency: self.currency,
            value,
            deadline,
        }
    }
}

impl Compiled {
    #[inline]
    fn accepts(&self, r: &Row) -> bool {
        (self.value.0..=self.value.1).contains(&r.value)
            && (self.deadline.0..=self.deadline.1).contains(&r.submission_deadline)
            && self.buyer.is_none_or(|b| b == r.buyer)
            && self.method.is_none_or(|m| m == r.method)
            && self.category.is_none_or(|c| c == r.category)
            && self.currency.is_none_or(|c| c == r.currency)
            && self
                .classification
                .is_none_or(|(lo, hi)| (lo..=hi).contains(&r.classification))
            && self.status.is_none_or(|(status, now)| {
                effective_status(
                    r.status,
                    instant(r.enquiry_deadline),
                    instant(r.submission_deadline),
                    now,
                ) == status
            })
    }
}

/// A search's answer from the image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// The page's tender ids, in order.
    pub ids: Vec<i64>,
    /// Every match, counted exactly.
    pub total: usize,
    /// No tender had every word: these are the tenders with any of them.
    pub any_word: bool,
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

    /// The slots having every one of `words` (`all`) or any of them.
    fn having(&self, words: &[String], all: bool) -> RoaringBitmap {
        let mut lists: Vec<&RoaringBitmap> = words
            .iter()
            .filter_map(|w| self.postings.get(w.as_str()))
            .collect();
        if all {
            if lists.len() < words.len() {
                return RoaringBitmap::new();
            }
            lists.sort_by_key(|b| b.len());
            let mut found = lists.first().map(|b| (*b).clone()).unwrap_or_default();
            for list in &lists[1..] {
                found &= *list;
            }
            found
        } else {
            lists
                .into_iter()
                .fold(RoaringBitmap::new(), |acc, b| acc | b)
        }
    }

    fn find(
        &self,
        words: Option<&[String]>,
        all_words: bool,
        filter: &Compiled,
        window: Window,
    ) -> (Vec<i64>, usize) {
        let Window {
            sort,
            descending,
            offset,
            limit,
        } = window;
        let rows = &self.rows;
        let order = &self.orders[SORTS.iter().position(|s| *s == sort).unwrap_or(0)];
        let walk = |keep: &dyn Fn(u32) -> bool| -> Vec<i64> {
            let page = |it: &mut dyn Iterator<Item = &u32>| {
                it.filter(|&&s| keep(s))
                    .skip(offset)
                    .take(limit)
                    .map(|&s| rows[s as usize].id)
                    .collect()
            };
            if descending {
                page(&mut order.iter().rev())
            } else {
                page(&mut order.iter())
            }
        };
        let mut matched: Vec<u32> = match words {
            None if filter.none => return (walk(&|_| true), rows.len()),
            None => (0..rows.len() as u32)
                .filter(|&s| filter.accepts(&rows[s as usize]))
                .collect(),
            Some(words) => self
                .having(words, all_words)
                .iter()
                .filter(|&s| filter.accepts(&rows[s as usize]))
                .collect(),
        };
        let total = matched.len();
        let wanted = offset + limit;
        if total <= 4096 || total * 16 <= rows.len() {
            let compare = |a: &u32, b: &u32| {
                let ordering = rows[*a as usize]
                    .key(sort)
                    .cmp(&rows[*b as usize].key(sort));
                if descending {
                    ordering.reverse()
                } else {
                    ordering
                }
            };
            if wanted < matched.len() {
                matched.select_nth_unstable_by(wanted, compare);
                matched.truncate(wanted);
            }
            matched.sort_unstable_by(compare);
            let ids = matched
                .iter()
                .skip(offset)
                .map(|&s| rows[s as usize].id)
                .collect();
            (ids, total)
        } else {
            let mut bits = vec![0u64; rows.len().div_ceil(64)];
            for s in &matched {
                bits[*s as usize / 64] |= 1 << (s % 64);
            }
            let ids = walk(&|s| bits[s as usize / 64] & (1 << (s % 64)) != 0);
            (ids, total)
        }
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
        let (ids, total) = image.find(words, true, &filter, window);
        if total == 0 && words.is_some_and(|w| w.len() > 1) {
            let (ids, total) = image.find(words, false, &filter, window);
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
