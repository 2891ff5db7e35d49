//! Red flags on catalogue orders, each defined here once and shown on the order's page, the
//! list of orders and the API:
//!
//! - **split order** (`split_order`): direct orders of one buying entity for one product
//!   placed within `LICITA_CATALOGUE_SPLIT_DAYS` of each other, each below the quote
//!   threshold and together at or above it (their values at the lowest price when placed):
//!   a purchase cut up to avoid quotes. Every order of such a run is flagged.
//! - **above the median** (`above_median`): a unit price agreed more than
//!   `LICITA_CATALOGUE_ABOVE_MEDIAN_PERCENT` above the product's median catalogue price when
//!   the order was placed.
//! - **not the lowest** (`not_lowest`): a direct order placed with an offer dearer than the
//!   lowest that could take it (its reason is public).
//! - **supplier share** (`supplier_share`): one supplier holds more than
//!   `LICITA_CATALOGUE_SUPPLIER_SHARE_PERCENT` of a buying entity's accepted orders' value,
//!   once that entity has at least [`SHARE_MIN_ORDERS`] accepted orders; its orders with that
//!   entity are flagged.
//!
//! The split-order sweep reads one narrow row per order (buyer, product, instant, value)
//! sorted by group and time, and walks each group with a window: linear after the sort.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

use crate::{
    config::Settings,
    db::DbConnection,
    domain::{BuyerId, ProductId, SupplierId},
    error::AppError,
    schema::catalogue_orders,
};

/// The fewest accepted orders of an entity before a supplier's share of them is judged.
pub const SHARE_MIN_ORDERS: usize = 3;

/// A red flag on an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderFlag {
    /// Cut up to stay under the quote threshold.
    SplitOrder,
    /// Paid above the catalogue's median by more than the allowed share.
    AboveMedian,
    /// A dearer offer chosen over the lowest.
    NotLowest,
    /// The supplier holds too large a share of the entity's orders.
    SupplierShare,
}

impl OrderFlag {
    /// The code in JSON and page keys (`order-flag-<code>`).
    pub const fn code(self) -> &'static str {
        match self {
            OrderFlag::SplitOrder => "split_order",
            OrderFlag::AboveMedian => "above_median",
            OrderFlag::NotLowest => "not_lowest",
            OrderFlag::SupplierShare => "supplier_share",
        }
    }
}

/// One order as the flags read it.
#[derive(Debug, Clone, Queryable)]
pub struct FlagRow {
    /// The order.
    pub id: i64,
    /// Its buyer.
    pub buyer_id: BuyerId,
    /// Its product.
    pub product_id: ProductId,
    /// When it was placed.
    pub created_at: NaiveDateTime,
    /// `direct` or `quotes`.
    pub kind: String,
    /// Its status.
    pub status: String,
    /// Its value at the lowest price when placed (céntimos).
    pub lowest_value: i64,
    /// The product's median catalogue price when placed.
    pub median_price: Option<i64>,
    /// The unit price agreed.
    pub unit_price: Option<i64>,
    /// The order's value agreed.
    pub total: Option<i64>,
    /// The supplier that accepted it.
    pub supplier_id: Option<SupplierId>,
    /// Why a dearer offer was chosen.
    pub choice_reason: Option<String>,
}

/// The rules' thresholds, from the settings.
#[derive(Debug, Clone, Copy)]
pub struct Thresholds {
    /// The quote threshold (céntimos).
    pub quote_threshold: i64,
    /// The split window.
    pub split_window: Duration,
    /// Percent above the median that is flagged.
    pub above_median_percent: i64,
    /// Percent of an entity's orders' value that is flagged.
    pub supplier_share_percent: i64,
}

impl Thresholds {
    /// From the settings.
    pub fn of(settings: &Settings) -> Self {
        Self {
            quote_threshold: settings.catalogue_quote_threshold,
            split_window: Duration::days(i64::from(settings.catalogue_split_days)),
            above_median_percent: i64::from(settings.catalogue_above_median_percent),
            supplier_share_percent: i64::from(settings.catalogue_supplier_share_percent),
        }
    }
}

/// The flags of every order in `rows` (which must hold, for each order judged, every
/// order of its buyer: the split and share rules look across them).
pub fn judge(rows: &[FlagRow], t: Thresholds) -> HashMap<i64, Vec<OrderFlag>> {
    let mut flags: HashMap<i64, Vec<OrderFlag>> = HashMap::new();
    let mut raise = |id: i64, flag: OrderFlag| {
        let list = flags.entry(id).or_default();
        if !list.contains(&flag) {
            list.push(flag);
        }
    };
    // Split orders: per (buyer, product), direct orders that were not void, by time; a
    // window of at most split_window whose values reach the threshold flags them all.
    let mut groups: BTreeMap<(BuyerId, ProductId), Vec<&FlagRow>> = BTreeMap::new();
    for row in rows {
        if row.kind == "direct" && row.status != "void" && row.lowest_value < t.quote_threshold {
            groups
                .entry((row.buyer_id, row.product_id))
                .or_default()
                .push(row);
        }
    }
    for group in groups.values_mut() {
        group.sort_by_key(|r| (r.created_at, r.id));
        let mut start = 0;
        let mut sum: i64 = 0;
        for end in 0..group.len() {
            sum = sum.saturating_add(group[end].lowest_value);
            while group[end].created_at - group[start].created_at > t.split_window {
                sum -= group[start].lowest_value;
                start += 1;
            }
            if end > start && sum >= t.quote_threshold {
                for row in &group[start..=end] {
                    raise(row.id, OrderFlag::SplitOrder);
                }
            }
        }
    }
    for row in rows {
        if let (Some(price), Some(median)) = (row.unit_price, row.median_price)
            && i128::from(price) * 100
                > i128::from(median) * i128::from(100 + t.above_median_percent)
        {
            raise(row.id, OrderFlag::AboveMedian);
        }
        if row.choice_reason.is_some() {
            raise(row.id, OrderFlag::NotLowest);
        }
    }
    // Supplier share: per buyer, the accepted orders' value by supplier.
    let mut by_buyer: BTreeMap<BuyerId, Vec<&FlagRow>> = BTreeMap::new();
    for row in rows.iter().filter(|r| r.status == "accepted") {
        by_buyer.entry(row.buyer_id).or_default().push(row);
    }
    for accepted in by_buyer.values() {
        if accepted.len() < SHARE_MIN_ORDERS {
            continue;
        }
        let whole: i128 = accepted
            .iter()
            .filter_map(|r| r.total)
            .map(i128::from)
            .sum();
        let mut per_supplier: BTreeMap<SupplierId, i128> = BTreeMap::new();
        for row in accepted {
            if let (Some(s), Some(total)) = (row.supplier_id, row.total) {
                *per_supplier.entry(s).or_default() += i128::from(total);
            }
        }
        for (supplier, value) in per_supplier {
            if whole > 0 && value * 100 > whole * i128::from(t.supplier_share_percent) {
                for row in accepted.iter().filter(|r| r.supplier_id == Some(supplier)) {
                    raise(row.id, OrderFlag::SupplierShare);
                }
            }
        }
    }
    for list in flags.values_mut() {
        list.sort();
    }
    flags
}

/// Every order of the buyers `buyers` (all buyers when `None`), as the flags read them.
pub fn rows(conn: &mut DbConnection, buyers: Option<&[BuyerId]>) -> Result<Vec<FlagRow>, AppError> {
    let mut q = catalogue_orders::table
        .select((
            catalogue_orders::id,
            catalogue_orders::buyer_id,
            catalogue_orders::product_id,
            catalogue_orders::created_at,
            catalogue_orders::kind,
            catalogue_orders::status,
            catalogue_orders::lowest_value,
            catalogue_orders::median_price,
            catalogue_orders::unit_price,
            catalogue_orders::total,
            catalogue_orders::supplier_id,
            catalogue_orders::choice_reason,
        ))
        .into_boxed();
    if let Some(buyers) = buyers {
        q = q.filter(catalogue_orders::buyer_id.eq_any(buyers.to_vec()));
    }
    Ok(q.load::<FlagRow>(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const THRESHOLD: i64 = 10_000_000;

    fn t() -> Thresholds {
        Thresholds {
            quote_threshold: THRESHOLD,
            split_window: Duration::days(30),
            above_median_percent: 20,
            supplier_share_percent: 60,
        }
    }

    fn day(n: i64) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
            .and_then(|d| d.and_hms_opt(15, 0, 0))
            .expect("date")
            + Duration::days(n)
    }

    fn order(id: i64, buyer: i64, product: i64, at: NaiveDateTime, value: i64) -> FlagRow {
        FlagRow {
            id,
            buyer_id: BuyerId(buyer),
            product_id: ProductId(product),
            created_at: at,
            kind: "direct".into(),
            status: "accepted".into(),
            lowest_value: value,
            median_price: Some(10_000),
            unit_price: Some(10_000),
            total: Some(value),
            supplier_id: Some(SupplierId(id)),
            choice_reason: None,
        }
    }

    fn flagged(rows: &[FlagRow], flag: OrderFlag) -> Vec<i64> {
        let mut ids: Vec<i64> = judge(rows, t())
            .into_iter()
            .filter(|(_, f)| f.contains(&flag))
            .map(|(id, _)| id)
            .collect();
        ids.sort_unstable();
        ids
    }

    #[test]
    fn orders_split_under_the_threshold_within_the_window_are_flagged_and_their_near_misses_not() {
        // Two halves of S/ 100,000 thirty days apart: split.
        let split = [
            order(1, 7, 3, day(0), THRESHOLD / 2),
            order(2, 7, 3, day(30), THRESHOLD / 2),
        ];
        assert_eq!(flagged(&split, OrderFlag::SplitOrder), vec![1, 2]);
        // A day more apart, a céntimo short, another product or another buyer: not split.
        let apart = [
            order(1, 7, 3, day(0), THRESHOLD / 2),
            order(2, 7, 3, day(31), THRESHOLD / 2),
        ];
        assert!(flagged(&apart, OrderFlag::SplitOrder).is_empty());
        let short = [
            order(1, 7, 3, day(0), THRESHOLD / 2),
            order(2, 7, 3, day(1), THRESHOLD / 2 - 1),
        ];
        assert!(flagged(&short, OrderFlag::SplitOrder).is_empty());
        let other = [
            order(1, 7, 3, day(0), THRESHOLD / 2),
            order(2, 7, 4, day(1), THRESHOLD / 2),
        ];
        assert!(flagged(&other, OrderFlag::SplitOrder).is_empty());
        let buyers = [
            order(1, 7, 3, day(0), THRESHOLD / 2),
            order(2, 8, 3, day(1), THRESHOLD / 2),
        ];
        assert!(flagged(&buyers, OrderFlag::SplitOrder).is_empty());
        // Three thirds in a row: every one of the run.
        let thirds = [
            order(1, 7, 3, day(0), THRESHOLD / 3),
            order(2, 7, 3, day(10), THRESHOLD / 3),
            order(3, 7, 3, day(20), THRESHOLD / 3 + 1),
        ];
        assert_eq!(flagged(&thirds, OrderFlag::SplitOrder), vec![1, 2, 3]);
    }

    #[test]
    fn a_price_above_the_median_by_more_than_the_share_is_flagged_and_at_it_not() {
        let mut at = order(1, 7, 3, day(0), 1);
        at.unit_price = Some(12_000);
        let mut above = order(2, 7, 3, day(0), 1);
        above.unit_price = Some(12_001);
        assert_eq!(flagged(&[at, above], OrderFlag::AboveMedian), vec![2]);
    }

    #[test]
    fn a_dearer_choice_is_flagged() {
        let mut chosen = order(1, 7, 3, day(0), 1);
        chosen.choice_reason = Some("Entrega más rápida".into());
        assert_eq!(
            flagged(&[chosen, order(2, 7, 3, day(0), 1)], OrderFlag::NotLowest),
            vec![1]
        );
    }

    #[test]
    fn a_supplier_above_its_share_of_an_entity_s_orders_is_flagged_and_at_it_not() {
        let with = |supplier: i64, id: i64, value: i64| {
            let mut o = order(id, 7, id, day(id), value);
            o.supplier_id = Some(SupplierId(supplier));
            o
        };
        // 61 % to one supplier across three orders: flagged; 60 % exactly: not.
        let over = [with(1, 1, 31), with(1, 2, 30), with(2, 3, 39)];
        assert_eq!(flagged(&over, OrderFlag::SupplierShare), vec![1, 2]);
        let at = [with(1, 1, 30), with(1, 2, 30), with(2, 3, 40)];
        assert!(flagged(&at, OrderFlag::SupplierShare).is_empty());
        // Two orders are too few to judge.
        let few = [with(1, 1, 90), with(2, 2, 10)];
        assert!(flagged(&few, OrderFlag::SupplierShare).is_empty());
    }
}
