//! Full-text and filtered search over published tenders, the same results on both engines.
//!
//! Text is analysed once, in Rust, the way PostgreSQL's `spanish` configuration analyses it:
//! [`normalize`] folds case and accents and turns punctuation into spaces, so both engines see
//! the same words; PostgreSQL then runs `to_tsvector('spanish', …)` (Snowball Spanish stemmer
//! and stop words) into a GIN-indexed generated column, while for SQLite [`stems`] runs the
//! same Snowball algorithm (`rust-stemmers`) and the same stop-word list (PostgreSQL's
//! `spanish.stop`, vendored) into an FTS5 table. Words with digits are kept whole, as
//! PostgreSQL's `simple` dictionary does for them. A test compares result ids on both engines.
//!
//! Relevance ranking is deliberately not offered: `ts_rank` and FTS5's bm25 disagree, and an
//! auditor comparing two servers must get the same list. Sorting is by deadline, publication
//! or value, each with the id as the tie-breaker, so pagination is stable.

use crate::domain::{BuyerId, TenderId, TenderStatus};
use chrono::NaiveDateTime;
use diesel::{dsl::sql, prelude::*, sql_types::Bool};
use serde::{Deserialize, Serialize};
use std::{collections::HashSet, sync::OnceLock};

use super::{Amount, Category, Method};
use crate::{
    catalogue,
    db::DbConnection,
    domain::{Currency, Money},
    error::{AppError, FieldError},
    schema::{buyers, tenders},
    suppliers::{end_of_day_in_lima, fold_for_search},
};

/// The most results a search walks through (page × page size); also where counting stops.
pub const MAX_WINDOW: i64 = 10_000;

const STOP_WORDS: &str = include_str!("spanish.stop");

fn stop_words() -> &'static HashSet<&'static str> {
    static WORDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| {
        STOP_WORDS
            .lines()
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .collect()
    })
}

/// Lower case, accents removed, every run of non-alphanumeric characters one space.
pub fn normalize(text: &str) -> String {
    fold_for_search(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The lexemes of `text`: PostgreSQL's `to_tsvector('spanish', normalize(text))`, computed here.
pub fn stems(text: &str) -> Vec<String> {
    let stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::Spanish);
    normalize(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .filter_map(|word| {
            if word.chars().any(|c| c.is_ascii_digit()) {
                Some(word.to_owned())
            } else if stop_words().contains(word) {
                None
            } else {
                Some(stemmer.stem(word).into_owned())
            }
        })
        .collect()
}

/// Keeps the SQLite full-text row of a tender in step with its `search_text` (PostgreSQL's
/// generated column needs nothing). Only published tenders are indexed.
pub(crate) fn index(
    conn: &mut DbConnection,
    tender_id: TenderId,
    search_text: &str,
) -> Result<(), AppError> {
    if let DbConnection::Sqlite(c) = conn {
        diesel::sql_query("DELETE FROM tender_search WHERE rowid = ?")
            .bind::<diesel::sql_types::BigInt, _>(tender_id)
            .execute(c)?;
        diesel::sql_query("INSERT INTO tender_search (rowid, terms) VALUES (?, ?)")
            .bind::<diesel::sql_types::BigInt, _>(tender_id)
            .bind::<diesel::sql_types::Text, _>(stems(search_text).join(" "))
            .execute(c)?;
    }
    Ok(())
}

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
    /// UNSPSC segment (2 digits) or code (8 digits).
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
    /// `deadline` (default, soonest first), `-deadline`, `-published` (newest first),
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
    /// Matches, counted as far as ten pages past this one (at most [`MAX_WINDOW`]).
    pub total: i64,
    /// True when there are more matches than `total` says.
    pub total_is_lower_bound: bool,
    /// This page.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
}

struct Parsed {
    text: Option<String>,
    status: Option<&'static str>,
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
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| FieldError::new(field, "invalid_date"))
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
                    .map(crate::domain::TenderStatus::code)
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
                if (c.len() == 2 || c.len() == 8)
                    && c.chars().all(|ch| ch.is_ascii_digit())
                    && catalogue::segment(&c[..2]).is_some()
                {
                    Ok(c.to_owned())
                } else {
                    Err(FieldError::new("classification", "unknown_category").arg("code", c))
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
        let page = self.page.unwrap_or(1).max(1);
        if i64::from(page - 1) * i64::from(per_page) >= MAX_WINDOW {
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

/// Published tenders matching `query`, as anyone may search them ([`search_in`]).
pub async fn search(
    app: &crate::app::AppState,
    query: &TenderQuery,
) -> Result<TenderPage, AppError> {
    let (query, now) = (query.clone(), app.clock.now_db());
    app.db.run(move |conn| search_in(conn, &query, now)).await
}

/// Published tenders matching `query`. The status filter reads the stored status (moved on
/// by the status task every few seconds); each result's `status` is exact at `now`.
pub fn search_in(
    conn: &mut DbConnection,
    query: &TenderQuery,
    now: NaiveDateTime,
) -> Result<TenderPage, AppError> {
    let p = query.parse()?;
    let postgres = matches!(conn, DbConnection::Postgresql(_));
    let text = p.text.as_deref().map(stems).filter(|s| !s.is_empty());
    let normalized = p.text.as_deref().map(normalize);
    let filtered = || {
        let mut q = tenders::table
            .filter(tenders::status.ne(TenderStatus::Draft))
            .into_boxed();
        if let (Some(stems), Some(normalized)) = (&text, &normalized) {
            q = if postgres {
                q.filter(
                    sql::<Bool>("tenders.search_vector @@ plainto_tsquery('spanish', ")
                        .bind::<diesel::sql_types::Text, _>(normalized.clone())
                        .sql(")"),
                )
            } else {
                let fts = stems
                    .iter()
                    .map(|s| format!("\"{s}\""))
                    .collect::<Vec<_>>()
                    .join(" AND ");
                q.filter(
                    sql::<Bool>(
                        "tenders.id IN (SELECT rowid FROM tender_search WHERE tender_search MATCH ",
                    )
                    .bind::<diesel::sql_types::Text, _>(fts)
                    .sql(")"),
                )
            };
        }
        // The stored status, which the status task keeps within seconds of the clock: an
        // equality the planner estimates well and the (status, deadline) index serves in
        // order. Effective statuses are computed exactly for display (see TenderSummary).
        if let Some(status) = p.status {
            q = q.filter(tenders::status.eq(status));
        }
        if let Some(m) = p.method {
            q = q.filter(tenders::method.eq(m.code()));
        }
        if let Some(b) = p.buyer {
            q = q.filter(tenders::buyer_id.eq(b));
        }
        if let Some(c) = p.category {
            q = q.filter(tenders::category.eq(c.code()));
        }
        if let Some(c) = &p.classification {
            q = if c.len() == 8 {
                q.filter(tenders::classification.eq(c.clone()))
            } else {
                q.filter(tenders::classification.like(format!("{c}%")))
            };
        }
        if p.value_min.is_some() || p.value_max.is_some() {
            q = q.filter(tenders::currency.eq(p.currency.code()));
        }
        if let Some(v) = p.value_min {
            q = q.filter(tenders::estimated_value.ge(v.minor()));
        }
        if let Some(v) = p.value_max {
            q = q.filter(tenders::estimated_value.le(v.minor()));
        }
        if let Some(d) = p.deadline_from {
            q = q.filter(tenders::submission_deadline.ge(d));
        }
        if let Some(d) = p.deadline_to {
            q = q.filter(tenders::submission_deadline.lt(d));
        }
        q
    };
    let sorted = filtered();
    let sorted = match p.sort {
        "-deadline" => sorted.order((tenders::submission_deadline.desc(), tenders::id.desc())),
        "published" => sorted.order((tenders::published_at.asc(), tenders::id.asc())),
        "-published" => sorted.order((tenders::published_at.desc(), tenders::id.desc())),
        "value" => sorted.order((tenders::estimated_value.asc(), tenders::id.asc())),
        "-value" => sorted.order((tenders::estimated_value.desc(), tenders::id.desc())),
        _ => sorted.order((tenders::submission_deadline.asc(), tenders::id.asc())),
    };
    let offset = i64::from(p.page - 1) * i64::from(p.per_page);
    let ids: Vec<TenderId> = sorted
        .select(tenders::id)
        .limit(i64::from(p.per_page))
        .offset(offset)
        .load(conn)?;
    // Counting every match of a broad query over a million tenders costs more than the page
    // itself: count as far as the next ten pages (the most the page links reach), within the
    // window a user can page through.
    let cap = (offset + 11 * i64::from(p.per_page)).min(MAX_WINDOW);
    let counted: Vec<i64> = filtered().select(tenders::id).limit(cap + 1).load(conn)?;
    let total = (counted.len() as i64).min(cap);
    Ok(TenderPage {
        tenders: summaries(conn, &ids, now)?,
        total,
        total_is_lower_bound: counted.len() as i64 > cap,
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
    method: String,
    category: String,
    classification: String,
    status: TenderStatus,
    currency: String,
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
            method: Method::from_code(&self.method)
                .ok_or_else(|| AppError::internal("stored method unknown"))?,
            procurement_category: Category::parse(&self.category, "category")
                .map_err(|_| AppError::internal("stored category unknown"))?,
            classification: self.classification.clone(),
            status: crate::domain::procurement::effective_status(
                self.status,
                self.enquiry_deadline,
                self.submission_deadline,
                now,
            ),
            estimated_value: Amount::from_stored(self.estimated_value, &self.currency)?,
            submission_deadline: self.submission_deadline,
            published_at: self.published_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analysis_folds_accents_and_stems_plurals() {
        assert_eq!(stems("computadoras"), stems("Computadora"));
        assert_eq!(stems("construcción"), stems("CONSTRUCCION"));
        assert_eq!(
            normalize("Adquisición de tóner (HP-85A), N° 001-2026"),
            "adquisicion de toner hp 85a n 001 2026"
        );
        // Stop words go, words with digits stay whole.
        assert_eq!(stems("de la 85A"), vec!["85a".to_owned()]);
    }
}
