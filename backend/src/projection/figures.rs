//! The dashboard's counts of each published tender, kept in step with its tables.
//!
//! One row per published tender in `tender_figures` (who bought, how, when, and the counts
//! of its lots, bids, evaluations, complaints and flags), with its standing awards per
//! currency (`tender_figure_amounts`) and by whole days from publication
//! (`tender_figure_days`). [`refresh`] recomputes one tender's rows from its tables in the
//! transaction of each of its events; [`rebuild`] recomputes all of them with the same
//! queries grouped over every tender. What each count means is written once, in
//! `backend::transparency`, which only sums these rows.
//!
//! The same rows are summed per (buyer, Lima month, method) into `tender_figure_cells` (with
//! `tender_figure_cell_amounts` and `tender_figure_cell_days`), recomputed for the one or two
//! cells a refreshed tender was and is in: the dashboard reads the cells for the whole
//! months of its range — a few rows per buyer and month however many tenders — and the
//! tenders' own rows only for a range's partial first and last months.
//!
//! **Confidentiality.** Nothing here reads a bid before its tender's opening: the lot and
//! evaluation counts join `tender_seals.opened_at`, and awards exist only after it.
//!
//! The SQL is written per engine only for a difference in days; the values placed in it are
//! typed ids, never text a user typed.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::{prelude::*, sql_types::BigInt, sql_types::Text};

use crate::{
    db::DbConnection,
    domain::{BuyerId, TenderId, utc::lima_month},
    error::AppError,
    schema::{
        tender_figure_amounts, tender_figure_cell_amounts, tender_figure_cell_days,
        tender_figure_cells, tender_figure_days, tender_figures, tenders,
    },
};

/// The count columns of `tender_figures` and of `tender_figure_cells`, which sums them.
pub const COUNTS: [&str; 10] = [
    "lots_opened",
    "lots_with_bids",
    "single_bid_lots",
    "bidders",
    "evaluations",
    "disqualified",
    "complaints",
    "upheld",
    "flags",
    "justified",
];

/// The counts of one published tender.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Counts {
    lots_opened: i64,
    lots_with_bids: i64,
    single_bid_lots: i64,
    bidders: i64,
    evaluations: i64,
    disqualified: i64,
    complaints: i64,
    upheld: i64,
    flags: i64,
    justified: i64,
}

/// One published tender's rows.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Figures {
    buyer_id: BuyerId,
    method: String,
    published_at: NaiveDateTime,
    counts: Counts,
    /// Currency → (awarded lots, Σ estimate, Σ awarded).
    amounts: BTreeMap<String, (i64, i64, i64)>,
    /// Whole days from publication → awards.
    days: BTreeMap<i64, i64>,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    tender_id: i64,
    #[diesel(sql_type = BigInt)]
    a: i64,
    #[diesel(sql_type = BigInt)]
    b: i64,
    #[diesel(sql_type = BigInt)]
    c: i64,
    #[diesel(sql_type = BigInt)]
    d: i64,
}

#[derive(QueryableByName)]
struct MoneyRow {
    #[diesel(sql_type = BigInt)]
    tender_id: i64,
    #[diesel(sql_type = Text)]
    currency: String,
    #[diesel(sql_type = BigInt)]
    lots: i64,
    #[diesel(sql_type = BigInt)]
    estimated: i64,
    #[diesel(sql_type = BigInt)]
    awarded: i64,
}

/// Whole days from `t.published_at` to `a.awarded_at`, as each engine spells it.
fn days_to_award(conn: &DbConnection) -> &'static str {
    match conn {
        DbConnection::Sqlite(_) => {
            "CAST(julianday(a.awarded_at) - julianday(t.published_at) AS BIGINT)"
        }
        DbConnection::Postgresql(_) => {
            "CAST(FLOOR(EXTRACT(EPOCH FROM (a.awarded_at - t.published_at)) / 86400) AS BIGINT)"
        }
    }
}

/// The rows of a raw query on either engine (the SQL must be the same on both).
pub fn load<R>(conn: &mut DbConnection, sql: &str) -> Result<Vec<R>, AppError>
where
    R: QueryableByName<diesel::pg::Pg> + QueryableByName<diesel::sqlite::Sqlite> + 'static,
{
    Ok(match conn {
        DbConnection::Postgresql(pg) => diesel::sql_query(sql).load(pg)?,
        DbConnection::Sqlite(lite) => diesel::sql_query(sql).load(lite)?,
    })
}

/// The figures of every published tender, or of `only`, computed from the tables: one
/// query per kind of count, each grouped by tender.
fn computed(
    conn: &mut DbConnection,
    only: Option<TenderId>,
) -> Result<BTreeMap<i64, Figures>, AppError> {
    let mut published = tenders::table
        .filter(tenders::published_at.is_not_null())
        .select((
            tenders::id,
            tenders::buyer_id,
            tenders::method,
            tenders::published_at,
        ))
        .into_boxed();
    if let Some(id) = only {
        published = published.filter(tenders::id.eq(id));
    }
    let mut out: BTreeMap<i64, Figures> = published
        .load::<(TenderId, BuyerId, String, Option<NaiveDateTime>)>(conn)?
        .into_iter()
        .filter_map(|(id, buyer_id, method, at)| {
            Some((
                id.get(),
                Figures {
                    buyer_id,
                    method,
                    published_at: at?,
                    counts: Counts::default(),
                    amounts: BTreeMap::new(),
                    days: BTreeMap::new(),
                },
            ))
        })
        .collect();
    if out.is_empty() {
        return Ok(out);
    }
    let (w, bids_of) = match only {
        Some(id) => (
            format!("t.published_at IS NOT NULL AND t.id = {}", id.get()),
            format!(" AND b.tender_id = {}", id.get()),
        ),
        None => ("t.published_at IS NOT NULL".to_owned(), String::new()),
    };
    let standing = "a.amount IS NOT NULL AND a.status IN ('pending', 'final')";
    let zero = "CAST(0 AS BIGINT)";
    let mut each = |sql: String, put: &dyn Fn(&mut Counts, &Row)| -> Result<(), AppError> {
        for row in load::<Row>(conn, &sql)? {
            if let Some(f) = out.get_mut(&row.tender_id) {
                put(&mut f.counts, &row);
            }
        }
        Ok(())
    };
    each(
        format!(
            "SELECT t.id AS tender_id, COUNT(*) AS a, \
             CAST(SUM(CASE WHEN n.bidders >= 1 THEN 1 ELSE 0 END) AS BIGINT) AS b, \
             CAST(SUM(CASE WHEN n.bidders = 1 THEN 1 ELSE 0 END) AS BIGINT) AS c, \
             CAST(COALESCE(SUM(n.bidders), 0) AS BIGINT) AS d \
             FROM tender_lots l \
             JOIN tenders t ON t.id = l.tender_id \
             JOIN tender_seals s ON s.tender_id = t.id AND s.opened_at IS NOT NULL \
             LEFT JOIN (SELECT b.tender_id, p.lot_number, COUNT(*) AS bidders \
                        FROM bids b JOIN bid_prices p ON p.bid_id = b.id \
                        WHERE b.status = 'submitted'{bids_of} \
                        GROUP BY b.tender_id, p.lot_number) n \
               ON n.tender_id = l.tender_id AND n.lot_number = l.number \
             WHERE {w} GROUP BY t.id"
        ),
        &|c, r| {
            c.lots_opened = r.a;
            c.lots_with_bids = r.b;
            c.single_bid_lots = r.c;
            c.bidders = r.d;
        },
    )?;
    each(
        format!(
            "SELECT t.id AS tender_id, COUNT(*) AS a, \
             CAST(SUM(CASE WHEN e.admissible THEN 0 ELSE 1 END) AS BIGINT) AS b, {zero} AS c, {zero} AS d \
             FROM bid_evaluations e JOIN bids b ON b.id = e.bid_id \
             JOIN tenders t ON t.id = b.tender_id \
             JOIN tender_seals s ON s.tender_id = t.id AND s.opened_at IS NOT NULL \
             WHERE {w}{bids_of} GROUP BY t.id"
        ),
        &|c, r| {
            c.evaluations = r.a;
            c.disqualified = r.b;
        },
    )?;
    each(
        format!(
            "SELECT t.id AS tender_id, COUNT(*) AS a, \
             CAST(SUM(CASE WHEN c.status = 'upheld' THEN 1 ELSE 0 END) AS BIGINT) AS b, {zero} AS c, {zero} AS d \
             FROM complaints c JOIN awards a ON a.id = c.award_id \
             JOIN tenders t ON t.id = a.tender_id WHERE {w} GROUP BY t.id"
        ),
        &|c, r| {
            c.complaints = r.a;
            c.upheld = r.b;
        },
    )?;
    each(
        format!(
            "SELECT t.id AS tender_id, COUNT(*) AS a, \
             CAST(SUM(CASE WHEN LENGTH(TRIM(f.justification)) > 0 THEN 1 ELSE 0 END) AS BIGINT) AS b, \
             {zero} AS c, {zero} AS d \
             FROM award_flags f JOIN awards a ON a.id = f.award_id \
             JOIN tenders t ON t.id = a.tender_id WHERE {w} GROUP BY t.id"
        ),
        &|c, r| {
            c.flags = r.a;
            c.justified = r.b;
        },
    )?;
    let days = days_to_award(conn);
    for row in load::<Row>(
        conn,
        &format!(
            "SELECT t.id AS tender_id, {days} AS a, COUNT(*) AS b, {zero} AS c, {zero} AS d \
             FROM awards a JOIN tenders t ON t.id = a.tender_id \
             WHERE {w} AND {standing} GROUP BY t.id, {days}"
        ),
    )? {
        if let Some(f) = out.get_mut(&row.tender_id) {
            f.days.insert(row.a, row.b);
        }
    }
    for row in load::<MoneyRow>(
        conn,
        &format!(
            "SELECT t.id AS tender_id, a.currency AS currency, COUNT(*) AS lots, \
             CAST(SUM(l.estimated_value) AS BIGINT) AS estimated, \
             CAST(SUM(a.amount) AS BIGINT) AS awarded \
             FROM awards a JOIN tenders t ON t.id = a.tender_id \
             JOIN tender_lots l ON l.tender_id = a.tender_id AND l.number = a.lot_number \
             WHERE {w} AND {standing} GROUP BY t.id, a.currency"
        ),
    )? {
        if let Some(f) = out.get_mut(&row.tender_id) {
            f.amounts
                .insert(row.currency, (row.lots, row.estimated, row.awarded));
        }
    }
    Ok(out)
}

/// Removes the rows of `tender`.
fn forget(conn: &mut DbConnection, tender: i64) -> Result<(), AppError> {
    diesel::delete(tender_figure_days::table.filter(tender_figure_days::tender_id.eq(tender)))
        .execute(conn)?;
    diesel::delete(
        tender_figure_amounts::table.filter(tender_figure_amounts::tender_id.eq(tender)),
    )
    .execute(conn)?;
    diesel::delete(tender_figures::table.find(tender)).execute(conn)?;
    Ok(())
}

/// `text` as an SQL string literal (quotes doubled; both engines read backslashes as
/// themselves).
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Writes the rows of `figures` (tender id → figures), a few hundred tenders a statement:
/// one statement per row took minutes at 100,000 tenders on PostgreSQL.
fn write(conn: &mut DbConnection, figures: &[(i64, &Figures)]) -> Result<(), AppError> {
    for batch in figures.chunks(500) {
        let (mut rows, mut amounts, mut days) = (Vec::new(), Vec::new(), Vec::new());
        for (tender, f) in batch {
            let c = &f.counts;
            rows.push(format!(
                "({tender}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
                f.buyer_id.get(),
                literal(&f.method),
                literal(&f.published_at.format("%Y-%m-%d %H:%M:%S%.f").to_string()),
                literal(&lima_month(f.published_at)),
                c.lots_opened,
                c.lots_with_bids,
                c.single_bid_lots,
                c.bidders,
                c.evaluations,
                c.disqualified,
                c.complaints,
                c.upheld,
                c.flags,
                c.justified,
            ));
            for (currency, (lots, estimated, awarded)) in &f.amounts {
                amounts.push(format!(
                    "({tender}, {}, {lots}, {estimated}, {awarded})",
                    literal(currency)
                ));
            }
            for (d, awards) in &f.days {
                days.push(format!("({tender}, {d}, {awards})"));
            }
        }
        let columns = COUNTS.join(", ");
        execute(
            conn,
            &format!(
                "INSERT INTO tender_figures (tender_id, buyer_id, method, published_at, month, \
                 {columns}) VALUES {}",
                rows.join(", ")
            ),
        )?;
        if !amounts.is_empty() {
            execute(
                conn,
                &format!(
                    "INSERT INTO tender_figure_amounts (tender_id, currency, lots, estimated, \
                     awarded) VALUES {}",
                    amounts.join(", ")
                ),
            )?;
        }
        if !days.is_empty() {
            execute(
                conn,
                &format!(
                    "INSERT INTO tender_figure_days (tender_id, days, awards) VALUES {}",
                    days.join(", ")
                ),
            )?;
        }
    }
    Ok(())
}

/// The cell (buyer, month, method) a tender's row is summed into.
type Cell = (i64, String, String);

fn cell_of(conn: &mut DbConnection, tender: i64) -> Result<Option<Cell>, AppError> {
    Ok(tender_figures::table
        .find(tender)
        .select((
            tender_figures::buyer_id,
            tender_figures::month,
            tender_figures::method,
        ))
        .first::<(i64, String, String)>(conn)
        .optional()?)
}

fn execute(conn: &mut DbConnection, sql: &str) -> Result<(), AppError> {
    match conn {
        DbConnection::Postgresql(pg) => diesel::sql_query(sql).execute(pg)?,
        DbConnection::Sqlite(lite) => diesel::sql_query(sql).execute(lite)?,
    };
    Ok(())
}

/// Sums the tenders' rows into cells: every cell, or the one `only` names. The values placed
/// in the SQL are an id, a month this module wrote and a method code, quotes doubled.
fn fill_cells(conn: &mut DbConnection, only: Option<&Cell>) -> Result<(), AppError> {
    let condition = only.map_or_else(String::new, |(buyer, month, method)| {
        format!(
            "WHERE f.buyer_id = {buyer} AND f.month = {} AND f.method = {}",
            literal(month),
            literal(method)
        )
    });
    let columns = COUNTS.join(", ");
    let sums = COUNTS
        .map(|c| format!("CAST(SUM(f.{c}) AS BIGINT)"))
        .join(", ");
    let key = "f.buyer_id, f.month, f.method";
    execute(
        conn,
        &format!(
            "INSERT INTO tender_figure_cells (buyer_id, month, method, tenders, {columns}) \
             SELECT {key}, COUNT(*), {sums} FROM tender_figures f {condition} GROUP BY {key}"
        ),
    )?;
    execute(
        conn,
        &format!(
            "INSERT INTO tender_figure_cell_amounts \
             (buyer_id, month, method, currency, lots, estimated, awarded) \
             SELECT {key}, m.currency, CAST(SUM(m.lots) AS BIGINT), \
             CAST(SUM(m.estimated) AS BIGINT), CAST(SUM(m.awarded) AS BIGINT) \
             FROM tender_figure_amounts m JOIN tender_figures f ON f.tender_id = m.tender_id \
             {condition} GROUP BY {key}, m.currency"
        ),
    )?;
    execute(
        conn,
        &format!(
            "INSERT INTO tender_figure_cell_days (buyer_id, month, method, days, awards) \
             SELECT {key}, d.days, CAST(SUM(d.awards) AS BIGINT) \
             FROM tender_figure_days d JOIN tender_figures f ON f.tender_id = d.tender_id \
             {condition} GROUP BY {key}, d.days"
        ),
    )
}

/// Recomputes one cell from the tenders' rows.
fn refill_cell(conn: &mut DbConnection, cell: &Cell) -> Result<(), AppError> {
    let (buyer, month, method) = cell;
    diesel::delete(
        tender_figure_cells::table
            .filter(tender_figure_cells::buyer_id.eq(buyer))
            .filter(tender_figure_cells::month.eq(month))
            .filter(tender_figure_cells::method.eq(method)),
    )
    .execute(conn)?;
    diesel::delete(
        tender_figure_cell_amounts::table
            .filter(tender_figure_cell_amounts::buyer_id.eq(buyer))
            .filter(tender_figure_cell_amounts::month.eq(month))
            .filter(tender_figure_cell_amounts::method.eq(method)),
    )
    .execute(conn)?;
    diesel::delete(
        tender_figure_cell_days::table
            .filter(tender_figure_cell_days::buyer_id.eq(buyer))
            .filter(tender_figure_cell_days::month.eq(month))
            .filter(tender_figure_cell_days::method.eq(method)),
    )
    .execute(conn)?;
    fill_cells(conn, Some(cell))
}

/// Recomputes the rows of `tender` from its tables (none while it is a draft), and the cells
/// it was and is in. Called in the transaction of each of its events.
pub fn refresh(conn: &mut DbConnection, tender: TenderId) -> Result<(), AppError> {
    let figures = computed(conn, Some(tender))?;
    let Some(f) = figures.get(&tender.get()) else {
        return Ok(());
    };
    let before = cell_of(conn, tender.get())?;
    forget(conn, tender.get())?;
    write(conn, &[(tender.get(), f)])?;
    let after = cell_of(conn, tender.get())?;
    if let Some(cell) = &before
        && before != after
    {
        refill_cell(conn, cell)?;
    }
    if let Some(cell) = &after {
        refill_cell(conn, cell)?;
    }
    Ok(())
}

/// Recomputes every published tender's rows (a database from before the projection, or a
/// check that it is in step); returns how many tenders it wrote. Run it in a transaction.
pub fn rebuild(conn: &mut DbConnection) -> Result<usize, AppError> {
    let figures = computed(conn, None)?;
    diesel::delete(tender_figure_cell_days::table).execute(conn)?;
    diesel::delete(tender_figure_cell_amounts::table).execute(conn)?;
    diesel::delete(tender_figure_cells::table).execute(conn)?;
    diesel::delete(tender_figure_days::table).execute(conn)?;
    diesel::delete(tender_figure_amounts::table).execute(conn)?;
    diesel::delete(tender_figures::table).execute(conn)?;
    write(
        conn,
        &figures.iter().map(|(t, f)| (*t, f)).collect::<Vec<_>>(),
    )?;
    fill_cells(conn, None)?;
    Ok(figures.len())
}

/// Whether every published tender has its row and the rows their cells (false for a
/// database from before the projection).
pub fn complete(conn: &mut DbConnection) -> Result<bool, AppError> {
    let published: i64 = tenders::table
        .filter(tenders::published_at.is_not_null())
        .count()
        .get_result(conn)?;
    let projected: i64 = tender_figures::table.count().get_result(conn)?;
    let cells: i64 = tender_figure_cells::table.count().get_result(conn)?;
    Ok(published == projected && (projected == 0) == (cells == 0))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDateTime;

    #[test]
    fn the_lima_month_is_five_hours_behind_utc() {
        use crate::domain::utc::lima_month;
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").expect("time");
        assert_eq!(lima_month(at("2026-12-01 04:59:59")), "2026-11");
        assert_eq!(lima_month(at("2026-12-01 05:00:00")), "2026-12");
    }
}
