//! What public entities spent through the catalogue: orders are not tenders, so the
//! transparency dashboard counts them apart ([`spend_in`]), over the same buyer and the same
//! Lima days as its tenders (an order counts on the day it was placed).
//!
//! - *orders placed*, of which *quote requests* (at or above the quote threshold);
//! - *orders accepted* (each a contract) and their *value*, per currency;
//! - *orders void* (nobody accepted).

use chrono::{Datelike, NaiveDateTime};
use diesel::{
    QueryableByName,
    sql_types::{BigInt, Text},
};
use serde::Serialize;

use super::decimal;
use crate::{db::DbConnection, domain::BuyerId, error::AppError, projection::figures::load};

/// An amount in one currency.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Spent {
    /// ISO 4217 code.
    pub currency: String,
    /// Decimal text.
    pub amount: String,
}

/// The catalogue's figures over a filter (see the module).
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CatalogueSpend {
    /// Orders placed.
    pub orders_placed: i64,
    /// Of which quote requests.
    pub quote_requests: i64,
    /// Orders accepted (contracts).
    pub orders_accepted: i64,
    /// Orders void.
    pub orders_void: i64,
    /// The value of the accepted orders, per currency.
    pub spent: Vec<Spent>,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Text)]
    currency: String,
    #[diesel(sql_type = BigInt)]
    orders: i64,
    #[diesel(sql_type = BigInt)]
    total: i64,
}

/// The orders of `buyer` (or every buyer) placed in `[from, until)` (UTC instants; open
/// ends when absent), in one grouped query.
pub fn spend_in(
    conn: &mut DbConnection,
    buyer: Option<BuyerId>,
    from: Option<NaiveDateTime>,
    until: Option<NaiveDateTime>,
) -> Result<CatalogueSpend, AppError> {
    // Only typed values reach the SQL: an id and timestamps.
    let stamp = |at: NaiveDateTime| at.format("%Y-%m-%d %H:%M:%S").to_string();
    // Compared as text: a bound past year 9999 would sort before every date, so it is no
    // bound at all.
    let (from, until) = (
        from.filter(|at| at.year() <= 9999),
        until.filter(|at| at.year() <= 9999),
    );
    let mut w = String::from("1 = 1");
    if let Some(buyer) = buyer {
        w.push_str(&format!(" AND o.buyer_id = {}", buyer.get()));
    }
    if let Some(from) = from {
        w.push_str(&format!(" AND o.created_at >= '{}'", stamp(from)));
    }
    if let Some(until) = until {
        w.push_str(&format!(" AND o.created_at < '{}'", stamp(until)));
    }
    let rows: Vec<Row> = load(
        conn,
        &format!(
            "SELECT o.kind AS kind, o.status AS status, o.currency AS currency, \
             CAST(COUNT(*) AS BIGINT) AS orders, CAST(COALESCE(SUM(o.total), 0) AS BIGINT) AS total \
             FROM catalogue_orders o WHERE {w} GROUP BY o.kind, o.status, o.currency"
        ),
    )?;
    let mut spend = CatalogueSpend::default();
    let mut spent: std::collections::BTreeMap<String, i64> = Default::default();
    for row in rows {
        spend.orders_placed += row.orders;
        if row.kind == "quotes" {
            spend.quote_requests += row.orders;
        }
        match row.status.as_str() {
            "accepted" => {
                spend.orders_accepted += row.orders;
                *spent.entry(row.currency).or_default() += row.total;
            }
            "void" => spend.orders_void += row.orders,
            _ => {}
        }
    }
    spend.spent = spent
        .into_iter()
        .map(|(currency, minor)| Spent {
            amount: decimal(minor, &currency),
            currency,
        })
        .collect();
    Ok(spend)
}
