//! What a search asks of the image: the order ([`Sort`]) and the window of results
//! ([`Window`]), the filters ([`Filter`]) compiled to the image's terms and tested on a row,
//! and the answer ([`Found`]).

use chrono::NaiveDateTime;

use super::{Row, seconds};
use crate::domain::{
    Currency, TenderStatus,
    procurement::{Category, Method, effective_status},
};

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

pub(super) const SORTS: [Sort; 3] = [Sort::Deadline, Sort::Published, Sort::Value];

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

pub(super) struct Compiled {
    /// The status wanted and `now`, in seconds.
    pub(super) status: Option<(TenderStatus, i64)>,
    pub(super) method: Option<Method>,
    pub(super) buyer: Option<i64>,
    pub(super) category: Option<Category>,
    pub(super) classification: Option<(u32, u32)>,
    pub(super) currency: Option<Currency>,
    pub(super) value: (i64, i64),
    pub(super) deadline: (i64, i64),
    /// `now`, in seconds (the deadline sort puts what is still open first).
    pub(super) now: i64,
}

impl Filter {
    pub(super) fn compile(&self) -> Compiled {
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
    pub(super) fn accepts(&self, r: &Row) -> bool {
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
