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
//!   [`STRIDE`] rows and gives up once it would visit more than an eighth of the rows): one
//!   sequential pass over the rows, then a partial sort or a walk of the order through a bitset
//!   of the matches.
//!
//! So the cost of any query is bounded by about one pass over the rows, whatever its
//! filters, and the total is exact up to `count_to`.
//!
//! [`SearchImage::refresh`] reads the projection's rows changed since its last read (see
//! [`super::rows`]): a search sees every change committed before it began, on any
//! server.

use chrono::NaiveDateTime;
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
    /// Counting stops past this many matches: a total above it only says "more".
    pub count_to: usize,
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
    /// The status wanted and `now`, in seconds.
    status: Option<(TenderStatus, i64)>,
    method: Option<Method>,
    buyer: Option<i64>,
    category: Option<Category>,
    classification: Option<(u32, u32)>,
    currency: Option<Currency>,
    value: (i64, i64),
    deadline: (i64, i64),
    /// `now`, in seconds (the deadline sort puts what is still open first).
    now: i64,
}

impl Filter {
    fn compile(&self) -> Compiled {
        let status = self
            .status
            .map(|s| (s, seconds(self.now.unwrap_or_default())));
        let value = (
            self.value_min.unwrap_or(i64::MIN),
            self.value_max.unwrap_or(i64::MAX),
        );
        let mut deadline = (
            self.deadline_from.map_or(i64::MIN, seconds),
            self.deadline_to.map_or(i64::MAX, |d| seconds(d) - 1),
        );
        // Open, or closed to enquiries, at `now`: the submission deadline is still ahead
        // (`effective_status`), which lets the deadline sort walk only that part.
        if let Some((TenderStatus::Open | TenderStatus::EnquiriesClosed, now)) = status {
            deadline.0 = deadline.0.max(now.saturating_add(1));
        }
        Compiled {
            status,
            method: self.method,
            buyer: self.buyer,
            category: self.category,
            classification: self.classification,
            currency: self.currency,
            value,
            deadline,
            now: seconds(self.now.unwrap_or_default()),
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
                effective_status(r.status, r.enquiry_deadline, r.submission_deadline, now) == status
            })
    }
}

/// A search's answer from the image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// The page's tender ids, in order.
    pub ids: Vec<i64>,
    /// Every match, counted exactly up to the window's `count_to` (above it, only "more").
    pub total: usize,
    /// No tender had every word: these are the tenders with any of them.
    pub any_word: bool,
}

/// Candidates up to this many are filtered and sorted rather than walked in order.
const FEW: u64 = 16_384;

/// Rows a walk in order visits between checks of its rate of matches.
const STRIDE: usize = 16_384;

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

    /// The `window` of the slots in `candidates` (every slot when none) passing `filter`,
    /// and their count (see the module's note for the three ways).
    fn find(
        &self,
        candidates: Option<&RoaringBitmap>,
        filter: &Compiled,
        window: Window,
    ) -> (Vec<i64>, usize) {
        let rows = &self.rows;
        let accepts = |s: u32| filter.accepts(&rows[s as usize]);
        if let Some(few) = candidates.filter(|c| c.len() <= FEW) {
            let matched: Vec<u32> = few.iter().filter(|&s| accepts(s)).collect();
            let total = matched.len();
            return (self.sorted_page(matched, window, filter.now), total);
        }
        let order = self.order_within(filter, window.sort);
        let keep = |s: u32| candidates.is_none_or(|c| c.contains(s)) && accepts(s);
        if let Some(found) = self.walk(order, window, filter.now, &keep, true) {
            return found;
        }
        let matched: Vec<u32> = match candidates {
            None => (0..rows.len() as u32).filter(|&s| accepts(s)).collect(),
            Some(many) => many.iter().filter(|&s| accepts(s)).collect(),
        };
        let total = matched.len();
        if total * 16 <= rows.len() {
            return (self.sorted_page(matched, window, filter.now), total);
        }
        let mut bits = vec![0u64; rows.len().div_ceil(64)];
        for s in &matched {
            bits[*s as usize / 64] |= 1 << (s % 64);
        }
        let in_bits = |s: u32| bits[s as usize / 64] & (1 << (s % 64)) != 0;
        let (ids, _) = self
            .walk(order, window, filter.now, &in_bits, false)
            .unwrap_or_default();
        (ids, total)
    }

    /// The sort's order; for the deadline sort only its part inside the filter's deadline
    /// range.
    fn order_within(&self, filter: &Compiled, sort: Sort) -> &[u32] {
        let rows = &self.rows;
        let order = &self.orders[SORTS.iter().position(|s| *s == sort).unwrap_or(0)];
        if sort != Sort::Deadline {
            return order;
        }
        let (from, to) = filter.deadline;
        let start = order.partition_point(|&s| rows[s as usize].submission_deadline < from);
        let end = order.partition_point(|&s| rows[s as usize].submission_deadline <= to);
        &order[start..end.max(start)]
    }

    /// Walks `order` keeping `keep`'s slots until the window is full and more than
    /// `count_to` are counted (or the order ends). With `give_up`, returns `None` as soon
    /// as the rate of matches says the walk would visit more than an eighth of the rows.
    fn walk(
        &self,
        order: &[u32],
        window: Window,
        now: i64,
        keep: &dyn Fn(u32) -> bool,
        give_up: bool,
    ) -> Option<(Vec<i64>, usize)> {
        let Window {
            sort,
            descending,
            offset,
            limit,
            count_to,
            ..
        } = window;
        let wanted = offset.saturating_add(limit);
        let enough = wanted.max(count_to.saturating_add(1));
        let mut ids = Vec::with_capacity(limit.min(order.len()));
        let mut count = 0usize;
        let slots: Box<dyn Iterator<Item = &u32>> = if descending {
            Box::new(order.iter().rev())
        } else if sort == Sort::Deadline {
            // Closing soonest (`Row::soonest_key`): those taking bids from `now` on, then
            // every other row from the latest deadline back.
            let rows = &self.rows;
            let ahead = order.partition_point(|&s| rows[s as usize].submission_deadline < now);
            Box::new(
                order[ahead..]
                    .iter()
                    .filter(move |&&s| rows[s as usize].taking_bids(now))
                    .chain(
                        order
                            .iter()
                            .rev()
                            .filter(move |&&s| !rows[s as usize].taking_bids(now)),
                    ),
            )
        } else {
            Box::new(order.iter())
        };
        let mut visited = 0usize;
        for &s in slots {
            visited += 1;
            if give_up && visited.is_multiple_of(STRIDE) {
                let to_come = (enough - count).saturating_mul(visited) / count.max(1);
                if count == 0 || visited.saturating_add(to_come) > self.rows.len() / 8 {
                    return None;
                }
            }
            if keep(s) {
                if count >= offset && count < wanted {
                    ids.push(self.rows[s as usize].id);
                }
                count += 1;
                if count >= enough {
                    break;
                }
            }
        }
        Some((ids, count))
    }

    /// The window of `matched` by a partial sort.
    fn sorted_page(&self, mut matched: Vec<u32>, window: Window, now: i64) -> Vec<i64> {
        let rows = &self.rows;
        let Window {
            sort,
            descending,
            offset,
            limit,
            ..
        } = window;
        let compare = |a: &u32, b: &u32| {
            let (a, b) = (&rows[*a as usize], &rows[*b as usize]);
            let ordering = if sort == Sort::Deadline && !descending {
                a.soonest_key(now).cmp(&b.soonest_key(now))
            } else {
                a.key(sort).cmp(&b.key(sort))
            };
            if descending {
                ordering.reverse()
            } else {
                ordering
            }
        };
        let wanted = offset.saturating_add(limit);
        if wanted < matched.len() {
            matched.select_nth_unstable_by(wanted, compare);
            matched.truncate(wanted);
        }
        matched.sort_unstable_by(compare);
        matched
            .iter()
            .skip(offset)
            .map(|&s| rows[s as usize].id)
            .collect()
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

#[cfg(test)]
mod tests {
    //! Every way [`Image::find`] takes (few candidates, a walk in order, a pass over the rows
    //! with a partial sort or a bitset walk) against the plain answer: filter every row, sort,
    //! cut the window.
    use super::*;
    use crate::domain::procurement::effective_status as status_at;
    use chrono::{Duration, NaiveDate};
    use proptest::prelude::*;
    use rand::{Rng, SeedableRng, rngs::StdRng};
    use std::sync::OnceLock;

    /// Stems with their share of tenders: a very common word, a common one, rare ones.
    const WORDS: [(&str, f64); 5] = [
        ("adquisicion", 0.6),
        ("mantenimiento", 0.2),
        ("puente", 0.05),
        ("cusco", 0.02),
        ("toner", 0.002),
    ];
    const TENDERS: i64 = 40_000;

    fn now() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 6)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .unwrap_or_default()
    }

    fn stored() -> &'static (Vec<SearchRow>, Image) {
        static STORED: OnceLock<(Vec<SearchRow>, Image)> = OnceLock::new();
        STORED.get_or_init(|| {
            let mut rng = StdRng::seed_from_u64(19);
            let statuses = [
                TenderStatus::Open,
                TenderStatus::Open,
                TenderStatus::EnquiriesClosed,
                TenderStatus::Closed,
                TenderStatus::Cancelled,
                TenderStatus::Awarded,
                TenderStatus::Unsuccessful,
            ];
            let rows: Vec<SearchRow> = (1..=TENDERS)
                .map(|id| {
                    let deadline = now() + Duration::hours(rng.gen_range(-24 * 400..24 * 200));
                    let terms: Vec<&str> = WORDS
                        .iter()
                        .filter(|(_, share)| rng.gen_bool(*share))
                        .map(|(w, _)| *w)
                        .collect();
                    SearchRow {
                        tender_id: id,
                        status: statuses[rng.gen_range(0..statuses.len())],
                        buyer_id: rng.gen_range(1..=8),
                        method: Method::ALL[rng.gen_range(0..6)].code().to_owned(),
                        category: Category::ALL[rng.gen_range(0..3)].code().to_owned(),
                        classification: format!("{}", rng.gen_range(10_000_000..95_000_000)),
                        currency: if rng.gen_bool(0.9) { "PEN" } else { "USD" }.to_owned(),
                        // Few distinct values, so ties fall to the id.
                        estimated_value: rng.gen_range(1..2_000) * 100_000,
                        enquiry_deadline: deadline - Duration::days(rng.gen_range(0..10)),
                        submission_deadline: deadline,
                        published_at: deadline - Duration::days(rng.gen_range(10..60)),
                        terms: terms.join(" "),
                    }
                })
                .collect();
            let mut image = Image::default();
            for row in &rows {
                image.apply(row).expect("a generated row is valid");
            }
            image.finish_loading();
            (rows, image)
        })
    }

    /// The plain answer: every row tested, all matches sorted.
    fn plain(
        rows: &[SearchRow],
        words: &[String],
        filter: &Filter,
        window: Window,
    ) -> (Vec<i64>, usize) {
        let now = filter.now.unwrap_or_default();
        let mut matched: Vec<((bool, i64, i64), i64)> = rows
            .iter()
            .filter(|r| {
                let terms: Vec<&str> = r.terms.split(' ').collect();
                words.iter().all(|w| terms.contains(&w.as_str()))
                    && filter.status.is_none_or(|s| {
                        status_at(r.status, r.enquiry_deadline, r.submission_deadline, now) == s
                    })
                    && filter.method.is_none_or(|m| m.code() == r.method)
                    && filter.buyer.is_none_or(|b| b == r.buyer_id)
                    && filter.category.is_none_or(|c| c.code() == r.category)
                    && filter.classification.is_none_or(|(lo, hi)| {
                        (lo..=hi).contains(&r.classification.parse::<u32>().unwrap_or(0))
                    })
                    && filter.currency.is_none_or(|c| c.code() == r.currency)
                    && filter.value_min.is_none_or(|v| r.estimated_value >= v)
                    && filter.value_max.is_none_or(|v| r.estimated_value <= v)
                    && filter
                        .deadline_from
                        .is_none_or(|d| r.submission_deadline >= d)
                    && filter.deadline_to.is_none_or(|d| r.submission_deadline < d)
            })
            .map(|r| {
                let key = match window.sort {
                    // Closing soonest: those taking bids first, nearest first; then every
                    // other, most recent deadline first.
                    Sort::Deadline
                        if !window.descending
                            && (r.submission_deadline < now || !r.status.receives_bids()) =>
                    {
                        (true, -seconds(r.submission_deadline), -r.tender_id)
                    }
                    Sort::Deadline => (false, seconds(r.submission_deadline), r.tender_id),
                    Sort::Published => (false, seconds(r.published_at), r.tender_id),
                    Sort::Value => (false, r.estimated_value, r.tender_id),
                };
                (key, r.tender_id)
            })
            .collect();
        matched.sort_unstable();
        if window.descending {
            matched.reverse();
        }
        let ids = matched
            .iter()
            .skip(window.offset)
            .take(window.limit)
            .map(|(_, id)| *id)
            .collect();
        (ids, matched.len())
    }

    fn some<T: Clone + std::fmt::Debug + 'static>(
        of: impl Strategy<Value = T> + 'static,
    ) -> impl Strategy<Value = Option<T>> {
        prop_oneof![2 => Just(None), 1 => of.prop_map(Some)]
    }

    fn filters() -> impl Strategy<Value = Filter> {
        let statuses: Vec<TenderStatus> = TenderStatus::ALL[1..].to_vec();
        (
            some(proptest::sample::select(statuses)),
            some(proptest::sample::select(Method::ALL.to_vec())),
            some(1i64..=8),
            some(proptest::sample::select(Category::ALL.to_vec())),
            some(10u32..95).prop_map(|s| s.map(|s| (s * 1_000_000, s * 1_000_000 + 999_999))),
            some(proptest::sample::select(vec![Currency::Pen, Currency::Usd])),
            some(1i64..2_000).prop_map(|v| v.map(|v| v * 100_000)),
            some(1i64..2_000).prop_map(|v| v.map(|v| v * 100_000)),
            some(-400i64..200).prop_map(|d| d.map(|d| now() + Duration::days(d))),
            some(-400i64..200).prop_map(|d| d.map(|d| now() + Duration::days(d))),
        )
            .prop_map(
                |(
                    status,
                    method,
                    buyer,
                    category,
                    classification,
                    currency,
                    min,
                    max,
                    from,
                    to,
                )| {
                    Filter {
                        status,
                        now: Some(now()),
                        method,
                        buyer,
                        category,
                        classification,
                        currency,
                        value_min: min,
                        value_max: max,
                        deadline_from: from,
                        deadline_to: to,
                    }
                },
            )
    }

    fn windows() -> impl Strategy<Value = Window> {
        (
            proptest::sample::select(SORTS.to_vec()),
            any::<bool>(),
            prop_oneof![0usize..60, 0usize..12_000],
            1usize..=100,
            proptest::sample::select(vec![50usize, 1_000, 10_000, usize::MAX]),
        )
            .prop_map(|(sort, descending, offset, limit, count_to)| Window {
                sort,
                descending,
                offset,
                limit,
                count_to,
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn every_way_of_finding_gives_the_plain_answer(
            words in proptest::sample::subsequence(WORDS.iter().map(|(w, _)| *w).collect::<Vec<_>>(), 0..=2),
            filter in filters(),
            window in windows(),
        ) {
            let (rows, image) = stored();
            let words: Vec<String> = words.into_iter().map(str::to_owned).collect();
            let candidates = (!words.is_empty()).then(|| image.having(&words, true));
            let (ids, total) = image.find(candidates.as_ref(), &filter.compile(), window);
            let (want_ids, want_total) = plain(rows, &words, &filter, window);
            prop_assert_eq!(ids, want_ids);
            if want_total <= window.count_to {
                prop_assert_eq!(total, want_total);
            } else {
                prop_assert!(total > window.count_to, "{total} counted of {want_total}");
            }
        }
    }

    #[test]
    fn a_changed_tender_moves_in_every_order_and_leaves_its_old_words() {
        let (rows, _) = stored();
        let mut image = Image::default();
        for row in rows.iter().take(2_000) {
            image.apply(row).expect("valid");
        }
        image.finish_loading();
        let mut changed = rows[0].clone();
        changed.terms = "zanja".to_owned();
        changed.estimated_value = 1;
        changed.submission_deadline = now() + Duration::days(900);
        image.apply(&changed).expect("valid");
        let window = |sort, descending| Window {
            sort,
            descending,
            offset: 0,
            limit: 1,
            count_to: 10,
        };
        let all = image.having(&["zanja".to_owned()], true);
        let none = Filter::default().compile();
        assert_eq!(
            image.find(Some(&all), &none, window(Sort::Value, false)).0,
            [1]
        );
        assert_eq!(image.find(None, &none, window(Sort::Value, false)).0, [1]);
        assert_eq!(image.find(None, &none, window(Sort::Deadline, true)).0, [1]);
        let old: Vec<String> = rows[0].terms.split(' ').map(str::to_owned).collect();
        if !rows[0].terms.is_empty() {
            let still = image.having(&old, true);
            assert!(!still.contains(0), "the old words still find it");
        }
    }
}
