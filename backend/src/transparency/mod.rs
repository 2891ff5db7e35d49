//! The transparency dashboard: what public buying looked like, for all buyers or one, over a
//! range of publication dates and a method — figures anyone can check against the open data.
//!
//! **Population.** The filter selects *tenders* by their publication date (a Lima day) and
//! every figure is about those tenders and what followed them, whenever it happened: the
//! value awarded in March's tenders counts in March even if the award came in May. So the
//! monthly series are cohorts and every figure can be recomputed from the OCDS records.
//!
//! **Definitions** (each figure is `None` when its denominator is zero):
//! - *tenders published*, and the *share of direct contracting* among them (by count);
//! - *value awarded*: the sum of the amounts of awards with a winner that stand (in their
//!   standstill or final), per currency;
//! - *savings*: (Σ estimated value of those awarded lots − Σ awarded amount) / Σ estimated
//!   value, per currency;
//! - *bidders per lot*: over the lots of opened tenders, the live bids (neither withdrawn nor
//!   replaced) that price the lot; the *single-bid rate* is the share of lots that received
//!   exactly one bid among those that received any, and the *average bidders per lot*
//!   counts the lots that received none as zero;
//! - *median days from publication to award*, in whole days, over the same awards as the
//!   value;
//! - *disqualification rate*: the bid-lot evaluations that found the bid inadmissible over
//!   all evaluations;
//! - *complaints* filed against the tenders' awards and those upheld; *red flags* raised on
//!   their awards and contracts and those with a written justification.
//!
//! **The catalogue.** Orders from framework agreements are not tenders: their count and
//! value are given apart ([`Dashboard::catalogue`]), never added to the tenders' figures.
//!
//! **Confidentiality.** Nothing here reads a bid before its tender's opening: the counts
//! come from [`crate::projection::figures`], whose lot and evaluation counts join
//! `tender_seals.opened_at`, and awards exist only after it.
//!
//! **How.** Each published tender's counts are kept in one narrow row (with its amounts per
//! currency and its awards' days from publication), written in the transaction of each of
//! its events ([`crate::projection::figures`]), and summed there per (buyer, month, method).
//! The dashboard reads those sums for the whole months of its range and the tenders' rows
//! only for a range's partial first and last months, in grouped queries returning one row
//! per (buyer, month); it never joins bids, prices or evaluations, which at 20,000 tenders
//! cost 1.5 s a page (`BENCHMARKS.md`). The values placed
//! in the SQL are typed (ids, timestamps, codes of a closed list), never text a user typed.

pub mod awards;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::{prelude::*, sql_types::BigInt, sql_types::Text};
use serde::{Deserialize, Serialize};

use crate::{
    app::AppState,
    db::DbConnection,
    domain::{BuyerId, Method, Validator, text::spreadsheet_safe},
    error::{AppError, FieldError},
    framework::spend::{CatalogueSpend, spend_in},
    projection::figures::load,
    schema::buyers,
    suppliers::end_of_day_in_lima,
    tenders::search::{parse_date, present},
};

/// The dashboard's filter, as the page's form and the API's query send it (every field
/// optional; empty means "any").
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct DashboardQuery {
    /// Buyer entity id.
    #[param(pattern = "^[0-9]{0,18}$")]
    pub buyer: Option<String>,
    /// Published on or after this Lima date (YYYY-MM-DD).
    #[param(pattern = "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub published_from: Option<String>,
    /// Published on or before this Lima date (YYYY-MM-DD), not before `published_from`.
    #[param(pattern = "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub published_to: Option<String>,
    /// Procurement method code.
    #[param(
        pattern = "^(licitacion_publica|concurso_publico|adjudicacion_simplificada|subasta_inversa_electronica|comparacion_precios|contratacion_directa)?$"
    )]
    pub method: Option<String>,
}

/// A filter checked field by field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DashboardFilter {
    /// One buyer, or all.
    pub buyer: Option<BuyerId>,
    /// First Lima day of publication.
    pub from: Option<NaiveDate>,
    /// Last Lima day of publication.
    pub to: Option<NaiveDate>,
    /// One method, or all.
    pub method: Option<Method>,
}

impl DashboardQuery {
    /// The filter, or an error naming each field that is not understood.
    pub fn parse(&self) -> Result<DashboardFilter, AppError> {
        let mut v = Validator::new();
        let buyer = present(&self.buyer).and_then(|b| {
            v.check(
                b.trim()
                    .parse::<BuyerId>()
                    .map_err(|_| FieldError::new("buyer", "invalid_choice")),
            )
        });
        let from =
            present(&self.published_from).and_then(|d| v.check(parse_date(d, "published_from")));
        let to = present(&self.published_to).and_then(|d| v.check(parse_date(d, "published_to")));
        let method = present(&self.method).and_then(|m| v.check(Method::parse(m, "method")));
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            v.push(FieldError::new("published_to", "date_before_start"));
        }
        v.finish()?;
        Ok(DashboardFilter {
            buyer,
            from,
            to,
            method,
        })
    }
}

/// An amount per currency.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Savings {
    /// ISO 4217 code.
    pub currency: String,
    /// Σ estimated value of the awarded lots (decimal text).
    pub estimated: String,
    /// Σ awarded amount (decimal text): the value awarded.
    pub awarded: String,
    /// (estimated − awarded) / estimated, in percent, one decimal.
    pub percent: Option<f64>,
}

/// The figures of one slice (all, one buyer or one month).
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Figures {
    /// Tenders published.
    pub tenders_published: i64,
    /// Of which by direct contracting.
    pub direct_contracting: i64,
    /// Their share, in percent.
    pub direct_contracting_share: Option<f64>,
    /// Awards with a winner that stand.
    pub awarded_lots: i64,
    /// Value awarded and savings, per currency.
    pub savings: Vec<Savings>,
    /// Lots of opened tenders.
    pub lots_opened: i64,
    /// Of which received at least one bid.
    pub lots_with_bids: i64,
    /// Of which received exactly one bid.
    pub single_bid_lots: i64,
    /// Single-bid rate, in percent.
    pub single_bid_rate: Option<f64>,
    /// Average bidders per opened lot.
    pub average_bidders_per_lot: Option<f64>,
    /// Median whole days from publication to award.
    pub median_days_to_award: Option<f64>,
    /// Bid-lot evaluations.
    pub evaluations: i64,
    /// Of which found the bid inadmissible.
    pub disqualified: i64,
    /// Disqualification rate, in percent.
    pub disqualification_rate: Option<f64>,
    /// Complaints filed against the awards.
    pub complaints_filed: i64,
    /// Of which upheld.
    pub complaints_upheld: i64,
    /// Red flags raised.
    pub flags_raised: i64,
    /// Of which justified in writing.
    pub flags_justified: i64,
}

/// One buyer's figures.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct BuyerFigures {
    /// Buyer entity id.
    pub buyer_id: BuyerId,
    /// Name.
    pub name: String,
    /// RUC.
    pub ruc: String,
    /// Figures.
    #[serde(flatten)]
    pub figures: Figures,
}

/// One month's figures (tenders published that month, Lima time).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MonthFigures {
    /// `YYYY-MM`.
    pub month: String,
    /// Figures.
    #[serde(flatten)]
    pub figures: Figures,
}

/// The dashboard: the figures over the whole filter, per buyer (every buyer with a tender in
/// it, by name) and per month (from the first to the last, months without tenders included).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    /// Over the whole filter.
    pub total: Figures,
    /// Per buyer.
    pub buyers: Vec<BuyerFigures>,
    /// Per month.
    pub months: Vec<MonthFigures>,
    /// Orders from the electronic catalogue, counted apart from tenders, over the same
    /// buyer and days ([`crate::framework::spend`]); none when a method is chosen (orders
    /// follow no tender method).
    pub catalogue: Option<CatalogueSpend>,
}

/// The raw counts of one (buyer, month): every figure is derived from sums of these.
#[derive(Debug, Clone, Default)]
struct Cell {
    tenders: i64,
    direct: i64,
    lots_opened: i64,
    lots_with_bids: i64,
    single_bid_lots: i64,
    bidders: i64,
    awarded_lots: i64,
    /// Per currency: (Σ estimate, Σ awarded).
    money: BTreeMap<String, (i64, i64)>,
    /// Whole days from publication to award → how many awards.
    days: BTreeMap<i64, i64>,
    evaluations: i64,
    disqualified: i64,
    complaints: i64,
    upheld: i64,
    flags: i64,
    justified: i64,
}

impl Cell {
    fn add(&mut self, other: &Cell) {
        self.tenders += other.tenders;
        self.direct += other.direct;
        self.lots_opened += other.lots_opened;
        self.lots_with_bids += other.lots_with_bids;
        self.single_bid_lots += other.single_bid_lots;
        self.bidders += other.bidders;
        self.awarded_lots += other.awarded_lots;
        for (currency, (estimate, awarded)) in &other.money {
            let entry = self.money.entry(currency.clone()).or_default();
            entry.0 += estimate;
            entry.1 += awarded;
        }
        for (days, n) in &other.days {
            *self.days.entry(*days).or_default() += n;
        }
        self.evaluations += other.evaluations;
        self.disqualified += other.disqualified;
        self.complaints += other.complaints;
        self.upheld += other.upheld;
        self.flags += other.flags;
        self.justified += other.justified;
    }

    fn figures(&self) -> Figures {
        Figures {
            tenders_published: self.tenders,
            direct_contracting: self.direct,
            direct_contracting_share: percent(self.direct, self.tenders),
            awarded_lots: self.awarded_lots,
            savings: self
                .money
                .iter()
                .map(|(currency, (estimate, awarded))| Savings {
                    currency: currency.clone(),
                    estimated: crate::awards::minor_text(*estimate),
                    awarded: crate::awards::minor_text(*awarded),
                    percent: percent(estimate - awarded, *estimate),
                })
                .collect(),
            lots_opened: self.lots_opened,
            lots_with_bids: self.lots_with_bids,
            single_bid_lots: self.single_bid_lots,
            single_bid_rate: percent(self.single_bid_lots, self.lots_with_bids),
            average_bidders_per_lot: ratio(self.bidders, self.lots_opened, 100.0),
            median_days_to_award: median(&self.days),
            evaluations: self.evaluations,
            disqualified: self.disqualified,
            disqualification_rate: percent(self.disqualified, self.evaluations),
            complaints_filed: self.complaints,
            complaints_upheld: self.upheld,
            flags_raised: self.flags,
            flags_justified: self.justified,
        }
    }
}

/// `part / whole` in percent with one decimal.
fn percent(part: i64, whole: i64) -> Option<f64> {
    ratio(part * 100, whole, 10.0)
}

/// `part / whole` rounded to `1 / scale`.
fn ratio(part: i64, whole: i64, scale: f64) -> Option<f64> {
    (whole != 0).then(|| (part as f64 / whole as f64 * scale).round() / scale)
}

/// The median of a histogram (value → count); the mean of the two middle values when the
/// count is even.
fn median(histogram: &BTreeMap<i64, i64>) -> Option<f64> {
    let n: i64 = histogram.values().sum();
    if n == 0 {
        return None;
    }
    // The values at 0-based positions (n-1)/2 and n/2.
    let at = |position: i64| {
        let mut seen = 0;
        for (value, count) in histogram {
            seen += count;
            if seen > position {
                return *value;
            }
        }
        0
    };
    Some((at((n - 1) / 2) + at(n / 2)) as f64 / 2.0)
}

#[derive(QueryableByName)]
struct CellRow {
    #[diesel(sql_type = BigInt)]
    buyer_id: i64,
    #[diesel(sql_type = Text)]
    month: String,
    #[diesel(sql_type = BigInt)]
    tenders: i64,
    #[diesel(sql_type = BigInt)]
    direct: i64,
    #[diesel(sql_type = BigInt)]
    lots_opened: i64,
    #[diesel(sql_type = BigInt)]
    lots_with_bids: i64,
    #[diesel(sql_type = BigInt)]
    single_bid_lots: i64,
    #[diesel(sql_type = BigInt)]
    bidders: i64,
    #[diesel(sql_type = BigInt)]
    evaluations: i64,
    #[diesel(sql_type = BigInt)]
    disqualified: i64,
    #[diesel(sql_type = BigInt)]
    complaints: i64,
    #[diesel(sql_type = BigInt)]
    upheld: i64,
    #[diesel(sql_type = BigInt)]
    flags: i64,
    #[diesel(sql_type = BigInt)]
    justified: i64,
}

#[derive(QueryableByName)]
struct MoneyRow {
    #[diesel(sql_type = BigInt)]
    buyer_id: i64,
    #[diesel(sql_type = Text)]
    month: String,
    #[diesel(sql_type = Text)]
    currency: String,
    #[diesel(sql_type = BigInt)]
    lots: i64,
    #[diesel(sql_type = BigInt)]
    estimated: i64,
    #[diesel(sql_type = BigInt)]
    awarded: i64,
}

#[derive(QueryableByName)]
struct DaysRow {
    #[diesel(sql_type = BigInt)]
    buyer_id: i64,
    #[diesel(sql_type = Text)]
    month: String,
    #[diesel(sql_type = BigInt)]
    days: i64,
    #[diesel(sql_type = BigInt)]
    awards: i64,
}

/// Where a part of the dashboard is read: the tenders' own rows, or their sums per (buyer,
/// month, method). Every source is aliased `f` for the filter's columns; `day` and `money`
/// are the aliases of its days and amounts.
struct Source {
    rows: &'static str,
    tenders: &'static str,
    /// What one row adds to the tenders counted.
    weight: &'static str,
    days: &'static str,
    day: &'static str,
    amounts: &'static str,
    money: &'static str,
}

const TENDER_ROWS: Source = Source {
    rows: "tender_figures f",
    tenders: "COUNT(*)",
    weight: "1",
    days: "tender_figure_days dd JOIN tender_figures f ON f.tender_id = dd.tender_id",
    day: "dd",
    amounts: "tender_figure_amounts mm JOIN tender_figures f ON f.tender_id = mm.tender_id",
    money: "mm",
};

const CELLS: Source = Source {
    rows: "tender_figure_cells f",
    tenders: "CAST(SUM(f.tenders) AS BIGINT)",
    weight: "f.tenders",
    days: "tender_figure_cell_days f",
    day: "f",
    amounts: "tender_figure_cell_amounts f",
    money: "f",
};

/// The Lima month (`YYYY-MM`) of a day.
fn month_of(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

/// The `WHERE` conditions of `filter` on each source: the cells for the whole months of the
/// range, the tenders' rows for its partial first and last months (`None`: nothing to read
/// there). Only typed values go in: an id, timestamps, months and a method's code.
fn conditions(filter: &DashboardFilter) -> (Option<String>, Option<String>) {
    let mut common = String::from("1 = 1");
    if let Some(buyer) = filter.buyer {
        common.push_str(&format!(" AND f.buyer_id = {}", buyer.get()));
    }
    if let Some(method) = filter.method {
        common.push_str(&format!(" AND f.method = '{}'", method.code()));
    }
    if filter.from.is_none() && filter.to.is_none() {
        return (Some(common), None);
    }
    // The whole months of the range.
    let first = filter.from.map(|d| {
        if d.day() == 1 {
            month_of(d)
        } else {
            month_of(d.checked_add_months(chrono::Months::new(1)).unwrap_or(d))
        }
    });
    let last = filter.to.map(|d| {
        if (d + chrono::Duration::days(1)).day() == 1 {
            month_of(d)
        } else {
            month_of(d.checked_sub_months(chrono::Months::new(1)).unwrap_or(d))
        }
    });
    let stamp = |at: NaiveDateTime| at.format("%Y-%m-%d %H:%M:%S").to_string();
    let mut rows = common.clone();
    if let Some(from) = filter.from {
        let start = end_of_day_in_lima(from - chrono::Duration::days(1));
        rows.push_str(&format!(" AND f.published_at >= '{}'", stamp(start)));
    }
    if let Some(to) = filter.to {
        rows.push_str(&format!(
            " AND f.published_at < '{}'",
            stamp(end_of_day_in_lima(to))
        ));
    }
    if let (Some(a), Some(b)) = (&first, &last)
        && a > b
    {
        return (None, Some(rows)); // no whole month: every tender from its own row
    }
    let mut cells = common;
    let mut outside = Vec::new();
    if let Some(a) = &first {
        cells.push_str(&format!(" AND f.month >= '{a}'"));
        outside.push(format!("f.month < '{a}'"));
    }
    if let Some(b) = &last {
        cells.push_str(&format!(" AND f.month <= '{b}'"));
        outside.push(format!("f.month > '{b}'"));
    }
    rows.push_str(&format!(" AND ({})", outside.join(" OR ")));
    (Some(cells), Some(rows))
}

/// The cells of `filter`, keyed by (buyer, month): three grouped queries over the tenders'
/// sums per (buyer, month, method) for whole months, and three over the tenders' rows for
/// the partial months at the ends of a date range ([`crate::projection::figures`]); never a
/// join over bids.
fn cells(
    conn: &mut DbConnection,
    filter: &DashboardFilter,
) -> Result<BTreeMap<(i64, String), Cell>, AppError> {
    let (in_cells, in_rows) = conditions(filter);
    let mut cells: BTreeMap<(i64, String), Cell> = BTreeMap::new();
    for (source, w) in [(&CELLS, in_cells), (&TENDER_ROWS, in_rows)] {
        if let Some(w) = w {
            add_from(conn, source, &w, &mut cells)?;
        }
    }
    Ok(cells)
}

/// Adds what `source` holds under condition `w` to `cells`.
fn add_from(
    conn: &mut DbConnection,
    source: &Source,
    w: &str,
    cells: &mut BTreeMap<(i64, String), Cell>,
) -> Result<(), AppError> {
    let counts = crate::projection::figures::COUNTS
        .map(|c| format!("CAST(SUM(f.{c}) AS BIGINT) AS {c}"))
        .join(", ");
    let Source {
        rows,
        tenders,
        weight,
        days,
        day,
        amounts,
        money,
    } = source;
    for r in load::<CellRow>(
        conn,
        &format!(
            "SELECT f.buyer_id AS buyer_id, f.month AS month, {tenders} AS tenders, \
             CAST(SUM(CASE WHEN f.method = 'contratacion_directa' THEN {weight} ELSE 0 END) AS BIGINT) AS direct, \
             {counts} FROM {rows} WHERE {w} GROUP BY f.buyer_id, f.month"
        ),
    )? {
        let cell = cells.entry((r.buyer_id, r.month)).or_default();
        cell.tenders += r.tenders;
        cell.direct += r.direct;
        cell.lots_opened += r.lots_opened;
        cell.lots_with_bids += r.lots_with_bids;
        cell.single_bid_lots += r.single_bid_lots;
        cell.bidders += r.bidders;
        cell.evaluations += r.evaluations;
        cell.disqualified += r.disqualified;
        cell.complaints += r.complaints;
        cell.upheld += r.upheld;
        cell.flags += r.flags;
        cell.justified += r.justified;
    }
    for r in load::<DaysRow>(
        conn,
        &format!(
            "SELECT f.buyer_id AS buyer_id, f.month AS month, {day}.days AS days, \
             CAST(SUM({day}.awards) AS BIGINT) AS awards \
             FROM {days} WHERE {w} GROUP BY f.buyer_id, f.month, {day}.days"
        ),
    )? {
        let cell = cells.entry((r.buyer_id, r.month)).or_default();
        *cell.days.entry(r.days).or_default() += r.awards;
    }
    for r in load::<MoneyRow>(
        conn,
        &format!(
            "SELECT f.buyer_id AS buyer_id, f.month AS month, {money}.currency AS currency, \
             CAST(SUM({money}.lots) AS BIGINT) AS lots, \
             CAST(SUM({money}.estimated) AS BIGINT) AS estimated, \
             CAST(SUM({money}.awarded) AS BIGINT) AS awarded \
             FROM {amounts} WHERE {w} GROUP BY f.buyer_id, f.month, {money}.currency"
        ),
    )? {
        let cell = cells.entry((r.buyer_id, r.month)).or_default();
        cell.awarded_lots += r.lots;
        let entry = cell.money.entry(r.currency).or_default();
        entry.0 += r.estimated;
        entry.1 += r.awarded;
    }
    Ok(())
}

/// The months from `first` to `last` (`YYYY-MM`), both included.
fn months_between(first: &str, last: &str) -> Vec<String> {
    let parse = |m: &str| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok();
    let (Some(mut at), Some(end)) = (parse(first), parse(last)) else {
        return vec![first.to_owned()];
    };
    let mut months = Vec::new();
    while at <= end {
        months.push(format!("{:04}-{:02}", at.year(), at.month()));
        at = at
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(end + chrono::Duration::days(1));
    }
    months
}

/// The dashboard of `query` ([`dashboard_in`]); public.
pub async fn dashboard(app: &AppState, query: &DashboardQuery) -> Result<Dashboard, AppError> {
    let filter = query.parse()?;
    app.db.run(move |conn| dashboard_in(conn, &filter)).await
}

/// The dashboard of `filter`.
pub fn dashboard_in(
    conn: &mut DbConnection,
    filter: &DashboardFilter,
) -> Result<Dashboard, AppError> {
    let cells = cells(conn, filter)?;
    let mut total = Cell::default();
    let mut per_buyer: BTreeMap<i64, Cell> = BTreeMap::new();
    let mut per_month: BTreeMap<String, Cell> = BTreeMap::new();
    for ((buyer, month), cell) in &cells {
        total.add(cell);
        per_buyer.entry(*buyer).or_default().add(cell);
        per_month.entry(month.clone()).or_default().add(cell);
    }
    let ids: Vec<BuyerId> = per_buyer.keys().map(|id| BuyerId(*id)).collect();
    let names: BTreeMap<BuyerId, (String, String)> = buyers::table
        .filter(buyers::id.eq_any(&ids))
        .select((buyers::id, buyers::name, buyers::ruc))
        .load::<(BuyerId, String, String)>(conn)?
        .into_iter()
        .map(|(id, name, ruc)| (id, (name, ruc)))
        .collect();
    let mut buyers: Vec<BuyerFigures> = per_buyer
        .iter()
        .map(|(id, cell)| {
            let id = BuyerId(*id);
            let (name, ruc) = names.get(&id).cloned().unwrap_or_default();
            BuyerFigures {
                buyer_id: id,
                name,
                ruc,
                figures: cell.figures(),
            }
        })
        .collect();
    buyers.sort_by(|a, b| a.name.cmp(&b.name));
    let months = match (per_month.keys().next(), per_month.keys().last()) {
        (Some(first), Some(last)) => months_between(first, last)
            .into_iter()
            .map(|month| MonthFigures {
                figures: per_month.get(&month).cloned().unwrap_or_default().figures(),
                month,
            })
            .collect(),
        _ => Vec::new(),
    };
    let catalogue = match filter.method {
        Some(_) => None,
        None => Some(spend_in(
            conn,
            filter.buyer,
            filter
                .from
                .map(|d| end_of_day_in_lima(d - chrono::Duration::days(1))),
            filter.to.map(end_of_day_in_lima),
        )?),
    };
    Ok(Dashboard {
        total: total.figures(),
        buyers,
        months,
        catalogue,
    })
}

/// Which rows a CSV of the dashboard holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slice {
    /// One row per buyer.
    Buyers,
    /// One row per month.
    Months,
}

/// The figures of `slice` as CSV for spreadsheets: one row per buyer or month, a column per
/// figure, money in each currency Licita takes (PEN, USD) in its own columns.
pub fn dashboard_csv(dashboard: &Dashboard, slice: Slice) -> Result<String, AppError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<&str> = match slice {
        Slice::Buyers => vec!["buyer_id", "buyer_ruc", "buyer"],
        Slice::Months => vec!["month"],
    };
    header.extend([
        "tenders_published",
        "direct_contracting",
        "direct_contracting_share_percent",
        "awarded_lots",
        "value_awarded_pen",
        "estimated_value_awarded_pen",
        "savings_percent_pen",
        "value_awarded_usd",
        "estimated_value_awarded_usd",
        "savings_percent_usd",
        "lots_opened",
        "lots_with_bids",
        "single_bid_lots",
        "single_bid_rate_percent",
        "average_bidders_per_lot",
        "median_days_to_award",
        "evaluations",
        "disqualified",
        "disqualification_rate_percent",
        "complaints_filed",
        "complaints_upheld",
        "flags_raised",
        "flags_justified",
    ]);
    out.write_record(&header).map_err(AppError::internal)?;
    let rows: Vec<(Vec<String>, &Figures)> = match slice {
        Slice::Buyers => dashboard
            .buyers
            .iter()
            .map(|b| {
                (
                    vec![b.buyer_id.to_string(), b.ruc.clone(), b.name.clone()],
                    &b.figures,
                )
            })
            .collect(),
        Slice::Months => dashboard
            .months
            .iter()
            .map(|m| (vec![m.month.clone()], &m.figures))
            .collect(),
    };
    let opt = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
    for (mut record, f) in rows {
        let money = |code: &str| {
            f.savings
                .iter()
                .find(|s| s.currency == code)
                .map(|s| [s.awarded.clone(), s.estimated.clone(), opt(s.percent)])
                .unwrap_or_default()
        };
        record.extend([
            f.tenders_published.to_string(),
            f.direct_contracting.to_string(),
            opt(f.direct_contracting_share),
            f.awarded_lots.to_string(),
        ]);
        record.extend(money("PEN"));
        record.extend(money("USD"));
        record.extend([
            f.lots_opened.to_string(),
            f.lots_with_bids.to_string(),
            f.single_bid_lots.to_string(),
            opt(f.single_bid_rate),
            opt(f.average_bidders_per_lot),
            opt(f.median_days_to_award),
            f.evaluations.to_string(),
            f.disqualified.to_string(),
            opt(f.disqualification_rate),
            f.complaints_filed.to_string(),
            f.complaints_upheld.to_string(),
            f.flags_raised.to_string(),
            f.flags_justified.to_string(),
        ]);
        // A buyer's name a spreadsheet would run as a formula is quoted as text.
        out.write_record(record.iter().map(|c| spreadsheet_safe(c)))
            .map_err(AppError::internal)?;
    }
    String::from_utf8(out.into_inner().map_err(AppError::internal)?).map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_a_histogram_is_the_middle_value_or_the_mean_of_the_two() {
        assert_eq!(median(&BTreeMap::new()), None);
        assert_eq!(median(&BTreeMap::from([(7, 1)])), Some(7.0));
        assert_eq!(median(&BTreeMap::from([(3, 1), (10, 1)])), Some(6.5));
        assert_eq!(median(&BTreeMap::from([(3, 2), (10, 1)])), Some(3.0));
        assert_eq!(median(&BTreeMap::from([(1, 1), (4, 2), (9, 1)])), Some(4.0));
    }

    #[test]
    fn rates_round_to_one_decimal_and_are_absent_over_nothing() {
        assert_eq!(percent(1, 3), Some(33.3));
        assert_eq!(percent(2, 3), Some(66.7));
        assert_eq!(percent(0, 0), None);
        assert_eq!(ratio(7, 3, 100.0), Some(2.33));
    }

    #[test]
    fn months_run_from_first_to_last_across_a_year() {
        assert_eq!(
            months_between("2025-11", "2026-02"),
            ["2025-11", "2025-12", "2026-01", "2026-02"]
        );
        assert_eq!(months_between("2026-03", "2026-03"), ["2026-03"]);
    }
}
