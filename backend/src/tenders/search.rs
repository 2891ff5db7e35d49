//! Full-text and filtered search over published tenders: the same ids on both engines, and
//! a bounded cost for any combination of filters and sort at national scale.
//!
//! **Design, chosen by measurement** (`BENCHMARKS.md`, 2026-11-21 and 2026-12-03). Asking the
//! database each time (GIN / FTS5 plus B-tree indexes on `tenders`) missed p95 ≤ 50 ms at a
//! million tenders for most filter shapes on both engines: sorting a word's matches by
//! deadline reads each match's heap row, correlated filters (open and a future deadline; two
//! words that always come together) make the planner build huge bitmaps, and an index per
//! filter shape is one per combination of seven filters and three sorts. The search now
//! reads an in-memory image of a narrow projection instead ([`crate::search_index`]):
//! one 64-byte row per published tender, a compressed bitmap per stem, and the tenders in
//! each sort's order. A search intersects its words' bitmaps, tests the filters in one
//! sequential pass over the remaining rows, and takes its page by a partial sort of the
//! matches (when few) or by walking the sort's order (when many; the walk stops once the
//! page is full and 10,000 are counted): milliseconds for any query, bounded by about one
//! pass over the tenders, with a total exact up to [`MAX_WINDOW`]. The database stays the record:
//! the projection is written in the transaction of each change, every search first reads the
//! rows changed since its server last looked (one indexed query), and `licita search
//! reindex` rebuilds it from the tables. Both engines therefore answer from the same code and
//! give the same ids (a test runs ≥ 30 queries on both).
//!
//! Words are matched all together; when no tender has all of them, the same search with any
//! of them is answered and says so (`any_word`). A buyer's RUC, and a winner's name or RUC
//! (from its award on), are words of the tender. Relevance ranking is deliberately not
//! offered: an auditor comparing two servers must get the same list. Sorting is by deadline,
//! publication or value, each with the id as the tie-breaker, so pagination is stable.

use crate::domain::{BuyerId, TenderId, TenderStatus};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::search_index::{SearchImage, normalize, stems};

use super::{Amount, Category, Method};
use crate::search_index::image::{Filter, Sort, Window};
use crate::{
    catalogue,
    db::DbConnection,
    domain::{Currency, Money},
    error::{AppError, FieldError},
    schema::{buyers, tenders},
    suppliers::end_of_day_in_lima,
};

/// The most results a search walks through (page × page size); also where counting stops.
pub const MAX_WINDOW: i64 = 10_000;

/// Search parameters (query string of `GET /api/v1/tenders` and `/licitaciones`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct TenderQuery {
    /// Words, in Spanish; accents, case and plural/singular do not matter.
    pub q: Option<String>,
    /// `open`, `enquiries_closed`, `closed`, `cancelled`, `awarded` or `unsuccessful`.
    pub status: Option<String>,
    /// Procurement method code.
    pub method: Option<String>,
    /// Buyer entity id (text, so an empty form choice means "any").
    pub buyer: Option<String>,
    /// `goods`, `works` or `services`.
    pub procurement_category: Option<String>,
    /// UNSPSC segment (2 digits), family (4), class (6) or commodity (8); an 8-digit code
    /// ending in `00` pairs covers its class, family or segment (`43211500`: class 432115).
    pub classification: Option<String>,
    /// Currency of the value range (default PEN).
    pub currency: Option<String>,
    /// Smallest estimated value.
    pub value_min: Option<String>,
    /// Largest estimated value.
    pub value_max: Option<String>,
    /// Submission deadline on or after this Lima date (YYYY-MM-DD).
    pub deadline_from: Option<String>,
    /// Submission deadline on or before this Lima date (YYYY-MM-DD).
    pub deadline_to: Option<String>,
    /// `deadline` (default: tenders still taking bids, closing soonest first, then every
    /// other, latest deadline first), `-deadline`, `-published` (newest first),
    /// `published`, `value` or `-value`.
    pub sort: Option<String>,
    /// Page, from 1 (the first 10,000 results can be paged through).
    #[param(minimum = 1, maximum = 10000)]
    pub page: Option<u32>,
    /// Results per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// One search result.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TenderSummary {
    /// Id.
    pub id: TenderId,
    /// OCDS ocid.
    pub ocid: Option<String>,
    /// Title.
    pub title: String,
    /// Buyer entity id.
    pub buyer_id: BuyerId,
    /// Buyer entity name.
    pub buyer_name: String,
    /// Procurement method.
    pub method: Method,
    /// Category.
    pub procurement_category: Category,
    /// UNSPSC code.
    pub classification: String,
    /// Status now.
    pub status: TenderStatus,
    /// Estimated value.
    pub estimated_value: Amount,
    /// Submission deadline (UTC).
    #[serde(with = "crate::domain::utc")]
    pub submission_deadline: NaiveDateTime,
    /// Published (UTC).
    #[serde(with = "crate::domain::utc::option")]
    pub published_at: Option<NaiveDateTime>,
}

/// A page of results.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TenderPage {
    /// This page's tenders.
    pub tenders: Vec<TenderSummary>,
    /// Matches, counted exactly up to [`MAX_WINDOW`].
    pub total: i64,
    /// True when there are more than [`MAX_WINDOW`] matches (`total` is then that limit).
    pub total_is_lower_bound: bool,
    /// No tender has every word of `q`: these are the tenders with any of them.
    pub any_word: bool,
    /// This page.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
}

struct Parsed {
    text: Option<String>,
    status: Option<TenderStatus>,
    method: Option<Method>,
    buyer: Option<i64>,
    category: Option<Category>,
    classification: Option<String>,
    currency: Currency,
    value_min: Option<Money>,
    value_max: Option<Money>,
    deadline_from: Option<NaiveDateTime>,
    deadline_to: Option<NaiveDateTime>,
    sort: &'static str,
    page: u32,
    per_page: u32,
}

pub(crate) fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub(crate) fn parse_date(text: &str, field: &str) -> Result<chrono::NaiveDate, FieldError> {
    // Exactly YYYY-MM-DD, as the forms and the API say (chrono alone takes `+2026-1-2`).
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, c)| match i {
            4 | 7 => c == b'-',
            _ => c.is_ascii_digit(),
        });
    shaped
        .then(|| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| FieldError::new(field, "invalid_date"))
}

impl TenderQuery {
    fn parse(&self) -> Result<Parsed, AppError> {
        let mut v = crate::domain::Validator::new();
        let text = present(&self.q).map(str::to_owned);
        if text.as_ref().is_some_and(|t| t.chars().count() > 200) {
            v.push(FieldError::new("q", "too_long").arg("max", 200));
        }
        let status = present(&self.status).and_then(|s| {
            v.check(
                crate::domain::TenderStatus::from_code(s)
                    .filter(|x| *x != crate::domain::TenderStatus::Draft)
                    .ok_or_else(|| FieldError::new("status", "invalid_choice")),
            )
        });
        let method = present(&self.method).and_then(|m| v.check(Method::parse(m, "method")));
        let buyer = present(&self.buyer).and_then(|b| {
            v.check(
                b.parse::<i64>()
                    .map_err(|_| FieldError::new("buyer", "invalid_choice")),
            )
        });
        let category = present(&self.procurement_category)
            .and_then(|c| v.check(Category::parse(c, "procurement_category")));
        let classification = present(&self.classification).and_then(|c| {
            v.check(
                if matches!(c.len(), 2 | 4 | 6 | 8)
                    && c.chars().all(|ch| ch.is_ascii_digit())
                    && catalogue::segment(&c[..2]).is_some()
                {
                    Ok(c.to_owned())
                } else {
                    Err(FieldError::new(
                        "classification",
                        "invalid_classification_filter",
                    ))
                },
            )
        });
        let currency = match present(&self.currency) {
            Some(c) => v
                .check(Currency::parse(c, "currency"))
                .unwrap_or(Currency::Pen),
            None => Currency::Pen,
        };
        let value_min =
            present(&self.value_min).and_then(|x| v.check(Money::parse(x, currency, "value_min")));
        let value_max =
            present(&self.value_max).and_then(|x| v.check(Money::parse(x, currency, "value_max")));
        let deadline_from = present(&self.deadline_from)
            .and_then(|d| v.check(parse_date(d, "deadline_from")))
            .map(|d| end_of_day_in_lima(d - chrono::Duration::days(1)));
        let deadline_to = present(&self.deadline_to)
            .and_then(|d| v.check(parse_date(d, "deadline_to")))
            .map(end_of_day_in_lima);
        let sort = match present(&self.sort).unwrap_or("deadline") {
            "deadline" => "deadline",
            "-deadline" => "-deadline",
            "published" => "published",
            "-published" => "-published",
            "value" => "value",
            "-value" => "-value",
            _ => {
                v.push(FieldError::new("sort", "invalid_choice"));
                "deadline"
            }
        };
        let per_page = self.per_page.unwrap_or(20);
        if !(1..=100).contains(&per_page) {
            v.push(FieldError::new("per_page", "out_of_range"));
        }
        if self.page == Some(0) {
            v.push(
                FieldError::new("page", "out_of_range")
                    .arg("min", 1)
                    .arg("max", MAX_WINDOW),
            );
        }
        // A page past the window is refused only when there are that many results (see
        // `search_in`): past the last of 33 results is "past the last page", not "too far".
        let page = self.page.unwrap_or(1).max(1);
        if i64::from(page) > MAX_WINDOW {
            v.push(FieldError::new("page", "page_beyond_window").arg("max", MAX_WINDOW));
        }
        v.finish()?;
        Ok(Parsed {
            text,
            status,
            method,
            buyer,
            category,
            classification,
            currency,
            value_min,
            value_max,
            deadline_from,
            deadline_to,
            sort,
            page,
            per_page,
        })
    }
}

/// The codes a UNSPSC filter covers: a segment (2 digits), family (4), class (6) or
/// commodity (8); an 8-digit code ending in `00` pairs names its class, family or segment
/// (`43211500` is the class 432115, as the catalogue writes it).
fn unspsc_range(code: &str) -> (u32, u32) {
    let mut prefix = code;
    while prefix.len() > 2 && prefix.ends_with("00") {
        prefix = &prefix[..prefix.len() - 2];
    }
    let scale = 10u32.pow(8 - prefix.len() as u32);
    let start = prefix.parse::<u32>().unwrap_or(0) * scale;
    (start, start + scale - 1)
}

/// Published tenders matching `query`, as anyone may search them ([`search_in`]).
pub async fn search(
    app: &crate::app::AppState,
    query: &TenderQuery,
) -> Result<TenderPage, AppError> {
    let (query, now, state) = (query.clone(), app.clock.now_db(), app.0.clone());
    app.db
        .run(move |conn| search_in(conn, &state.search, &query, now))
        .await
}

/// Published tenders matching `query`, from this server's search image brought up to date
/// with the projection first; each result's `status`, and the status filter, are exact at
/// `now`.
pub fn search_in(
    conn: &mut DbConnection,
    image: &SearchImage,
    query: &TenderQuery,
    now: NaiveDateTime,
) -> Result<TenderPage, AppError> {
    let p = query.parse()?;
    image.refresh(conn)?;
    let mut words = p.text.as_deref().map(stems).unwrap_or_default();
    words.sort();
    words.dedup();
    let ranged = p.value_min.is_some() || p.value_max.is_some();
    let filter = Filter {
        status: p.status,
        now: Some(now),
        method: p.method,
        buyer: p.buyer,
        category: p.category,
        classification: p.classification.as_deref().map(unspsc_range),
        currency: ranged.then_some(p.currency),
        value_min: p.value_min.map(Money::minor),
        value_max: p.value_max.map(Money::minor),
        deadline_from: p.deadline_from,
        deadline_to: p.deadline_to,
    };
    let (sort, descending) = match p.sort {
        "-deadline" => (Sort::Deadline, true),
        "published" => (Sort::Published, false),
        "-published" => (Sort::Published, true),
        "value" => (Sort::Value, false),
        "-value" => (Sort::Value, true),
        _ => (Sort::Deadline, false),
    };
    let offset = (p.page as usize - 1) * p.per_page as usize;
    // Past the window only the count matters (is there so much, or is it past the last
    // page?): counted to the window's end, no page walked to.
    let beyond = offset >= MAX_WINDOW as usize;
    let found = image.search(
        (!words.is_empty()).then_some(words.as_slice()),
        &filter,
        Window {
            sort,
            descending,
            offset: if beyond { 0 } else { offset },
            limit: if beyond { 0 } else { p.per_page as usize },
            count_to: MAX_WINDOW as usize,
        },
    );
    let window = MAX_WINDOW as usize;
    if beyond && found.total > window {
        return Err(AppError::Validation(vec![
            FieldError::new("page", "page_beyond_window").arg("max", MAX_WINDOW),
        ]));
    }
    let ids: Vec<TenderId> = found.ids.into_iter().map(TenderId).collect();
    Ok(TenderPage {
        tenders: summaries(conn, &ids, now)?,
        total: found.total.min(window) as i64,
        total_is_lower_bound: found.total > window,
        any_word: found.any_word,
        page: p.page,
        per_page: p.per_page,
    })
}

/// The summaries of tenders `ids`, in that order, in one query.
pub(crate) fn summaries(
    conn: &mut DbConnection,
    ids: &[TenderId],
    now: NaiveDateTime,
) -> Result<Vec<TenderSummary>, AppError> {
    let rows: Vec<(SummaryRow, String)> = tenders::table
        .inner_join(buyers::table)
        .filter(tenders::id.eq_any(ids))
        .select((SummaryRow::as_select(), buyers::name))
        .load(conn)?;
    let by_id: std::collections::HashMap<TenderId, (SummaryRow, String)> =
        rows.into_iter().map(|r| (r.0.id, r)).collect();
    ids.iter()
        .filter_map(|id| by_id.get(id))
        .map(|(row, buyer_name)| row.summary(buyer_name, now))
        .collect()
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tenders)]
struct SummaryRow {
    id: TenderId,
    ocid: Option<String>,
    title: String,
    buyer_id: BuyerId,
    method: Method,
    category: Category,
    classification: String,
    status: TenderStatus,
    currency: crate::domain::Currency,
    estimated_value: i64,
    enquiry_deadline: NaiveDateTime,
    submission_deadline: NaiveDateTime,
    published_at: Option<NaiveDateTime>,
}

impl SummaryRow {
    fn summary(&self, buyer_name: &str, now: NaiveDateTime) -> Result<TenderSummary, AppError> {
        Ok(TenderSummary {
            id: self.id,
            ocid: self.ocid.clone(),
            title: self.title.clone(),
            buyer_id: self.buyer_id,
            buyer_name: buyer_name.to_owned(),
            method: self.method,
            procurement_category: self.category,
            classification: self.classification.clone(),
            status: crate::domain::procurement::effective_status(
                self.status,
                self.enquiry_deadline,
                self.submission_deadline,
                now,
            ),
            estimated_value: Amount::from_stored(self.estimated_value, self.currency)?,
            submission_deadline: self.submission_deadline,
            published_at: self.published_at,
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_date_is_exactly_year_month_day() {
        use super::parse_date;
        assert_eq!(
            parse_date("2026-12-20", "d").map(|d| d.to_string()),
            Ok("2026-12-20".to_owned())
        );
        for bad in [
            "+2026-12-20",
            "2026-1-2",
            "+002026-12-20",
            " 2026-12-20",
            "2026-02-30",
            "",
        ] {
            assert_eq!(
                parse_date(bad, "d").map_err(|e| e.code),
                Err("invalid_date"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_code_covers_its_level_and_trailing_zeros_name_the_level() {
        use super::unspsc_range;
        assert_eq!(unspsc_range("43"), (43_000_000, 43_999_999));
        assert_eq!(unspsc_range("4321"), (43_210_000, 43_219_999));
        assert_eq!(unspsc_range("43211500"), (43_211_500, 43_211_599));
        assert_eq!(unspsc_range("43211507"), (43_211_507, 43_211_507));
        assert_eq!(unspsc_range("43000000"), (43_000_000, 43_999_999));
        assert_eq!(unspsc_range("43210000"), (43_210_000, 43_219_999));
    }
}
