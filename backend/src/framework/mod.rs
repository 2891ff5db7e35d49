//! Framework agreements (acuerdos marco) and their electronic catalogue: where public
//! entities buy common goods from suppliers selected once.
//!
//! - A **central purchasing body** (a buyer entity marked `central_purchasing`, as Peru's
//!   PERÚ COMPRAS) runs the agreements.
//! - An **agreement** is in force between two instants (at most four years apart). Its
//!   catalogue has categories and product sheets (*fichas*: the attributes every offer must
//!   meet, the unit, the UNSPSC code) and, for each admitted supplier (a **party**), its
//!   **offers**: brand and model, unit price, minimum order value, stock and the departments
//!   it delivers to with the days delivery takes ([`setup`]).
//! - The **catalogue** is public: searchable by word, category, department and price, sorted
//!   by price ([`search`]); each product shows its offers, the spread of their prices and
//!   every price they ever had ([`products`]).
//! - A supplier keeps its offers: stock at will, prices down at will, a price up only with a
//!   reason, by at most `LICITA_CATALOGUE_MAX_INCREASE_PERCENT` and once every
//!   `LICITA_CATALOGUE_INCREASE_DAYS` ([`offers`]). Every change is a new version and an
//!   audit event on the offer's chain.
//!
//! Every list of offers is read by one loader ([`load_offers`]) so the catalogue, a product's
//! page and a supplier's own list show an offer, and its status, alike.

pub mod agreements;
pub mod flags;
pub mod notices;
pub mod offers;
pub mod open_data;
pub mod orders;
pub mod products;
pub mod search;
pub mod setup;
pub mod spend;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

use crate::{
    db::DbConnection,
    domain::{AgreementId, Currency, Money, OfferId, ProductId, SupplierId},
    error::AppError,
    schema::{
        catalogue_categories, catalogue_offer_regions, catalogue_offers, catalogue_products,
        framework_agreements, suppliers,
    },
};

pub use offers::{OfferChangeInput, change_offer, my_offers};
pub use products::{PricePoint, ProductPage, Spread, product_page};
pub use search::{CatalogueCategory, CataloguePage, CatalogueQuery, categories, search};

/// What a buying entity may do with an offer now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfferStatus {
    /// In stock, from a supplier in good standing, under an agreement in force: orderable.
    Active,
    /// No stock left.
    OutOfStock,
    /// The supplier is suspended or debarred in the registry.
    SupplierSanctioned,
    /// The central purchasing body suspended the supplier from this agreement
    /// ([`agreements`]).
    SuspendedFromAgreement,
    /// The agreement is not in force (not yet, or no longer).
    AgreementNotInForce,
}

impl OfferStatus {
    /// The status of an offer with `stock` under an agreement `in_force`, from a supplier
    /// `sanctioned` in the registry or not, `suspended` from the agreement or not. What stops
    /// an order most is named first.
    pub fn of(in_force: bool, sanctioned: bool, suspended: bool, stock: i64) -> Self {
        if !in_force {
            OfferStatus::AgreementNotInForce
        } else if sanctioned {
            OfferStatus::SupplierSanctioned
        } else if suspended {
            OfferStatus::SuspendedFromAgreement
        } else if stock == 0 {
            OfferStatus::OutOfStock
        } else {
            OfferStatus::Active
        }
    }

    /// The code sent in JSON and used in page keys (`offer-status-<code>`).
    pub const fn code(self) -> &'static str {
        match self {
            OfferStatus::Active => "active",
            OfferStatus::OutOfStock => "out_of_stock",
            OfferStatus::SupplierSanctioned => "supplier_sanctioned",
            OfferStatus::SuspendedFromAgreement => "suspended_from_agreement",
            OfferStatus::AgreementNotInForce => "agreement_not_in_force",
        }
    }
}

/// A department an offer delivers to, and in how many days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DeliveryRegion {
    /// The department (Peru's 25 and Lima Metropolitana as the registry lists them).
    pub department: String,
    /// Calendar days from the order to the delivery.
    pub delivery_days: i32,
}

/// One offer as the catalogue shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CatalogueOffer {
    /// The offer.
    pub id: OfferId,
    /// Its product sheet.
    pub product_id: ProductId,
    /// The product's name.
    pub product: String,
    /// The product's category.
    pub category: String,
    /// The unit prices are per (e.g. `unidad`).
    pub unit: String,
    /// The framework agreement.
    pub agreement_id: AgreementId,
    /// The supplier (a party to the agreement).
    pub supplier_id: SupplierId,
    /// Its legal name.
    pub supplier_name: String,
    /// Its RUC.
    pub supplier_ruc: String,
    /// Brand.
    pub brand: String,
    /// Model.
    pub model: String,
    /// ISO 4217.
    pub currency: String,
    /// Unit price, a decimal amount (e.g. `"2899.00"`).
    pub unit_price: String,
    /// The least value of an order, a decimal amount (`"0.00"` for none).
    pub min_order_value: String,
    /// Units in stock.
    pub stock: i64,
    /// Where it delivers, and in how many days, by department.
    pub regions: Vec<DeliveryRegion>,
    /// The offer's version: 1 when listed, one more at each change of price or stock.
    pub version: i32,
    /// Its last change (UTC).
    #[serde(with = "crate::domain::utc")]
    pub updated_at: NaiveDateTime,
    /// Whether it can be ordered now, and if not why.
    pub status: OfferStatus,
    /// The unit price in minor units (céntimos), for sums and comparisons.
    #[serde(skip)]
    pub unit_price_minor: i64,
    /// The minimum order value in minor units.
    #[serde(skip)]
    pub min_order_minor: i64,
}

impl CatalogueOffer {
    /// Days to deliver to `department`, if it delivers there.
    pub fn delivery_days(&self, department: &str) -> Option<i32> {
        self.regions
            .iter()
            .find(|r| r.department == department)
            .map(|r| r.delivery_days)
    }
}

/// A stored amount as the API writes it (`"2899.00"`).
pub fn decimal(minor: i64, currency: &str) -> String {
    Currency::from_code(currency)
        .and_then(|c| Money::from_minor(minor, c).ok())
        .map(|m| m.amount().to_string())
        .unwrap_or_else(|| format!("{}.{:02}", minor / 100, minor % 100))
}

#[derive(Queryable)]
struct OfferRow {
    id: OfferId,
    product_id: ProductId,
    product: String,
    category: String,
    unit: String,
    agreement_id: AgreementId,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    supplier_id: SupplierId,
    supplier_name: String,
    supplier_ruc: String,
    brand: String,
    model: String,
    currency: String,
    unit_price: i64,
    min_order_value: i64,
    stock: i64,
    version: i32,
    updated_at: NaiveDateTime,
}

/// The offers `ids`, in that order, as of `now` (ids that do not exist are left out).
pub fn load_offers(
    conn: &mut DbConnection,
    ids: &[OfferId],
    now: NaiveDateTime,
) -> Result<Vec<CatalogueOffer>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<OfferRow> = catalogue_offers::table
        .inner_join(catalogue_products::table.inner_join(catalogue_categories::table))
        .inner_join(framework_agreements::table)
        .inner_join(suppliers::table)
        .filter(catalogue_offers::id.eq_any(ids))
        .select((
            catalogue_offers::id,
            catalogue_offers::product_id,
            catalogue_products::name,
            catalogue_categories::name,
            catalogue_products::unit,
            catalogue_offers::agreement_id,
            framework_agreements::starts_at,
            framework_agreements::ends_at,
            catalogue_offers::supplier_id,
            suppliers::legal_name,
            suppliers::ruc,
            catalogue_offers::brand,
            catalogue_offers::model,
            catalogue_offers::currency,
            catalogue_offers::unit_price,
            catalogue_offers::min_order_value,
            catalogue_offers::stock,
            catalogue_offers::version,
            catalogue_offers::updated_at,
        ))
        .load(conn)?;
    let mut regions: HashMap<OfferId, Vec<DeliveryRegion>> = HashMap::new();
    for (offer, department, delivery_days) in catalogue_offer_regions::table
        .filter(catalogue_offer_regions::offer_id.eq_any(ids))
        .order((
            catalogue_offer_regions::offer_id,
            catalogue_offer_regions::department,
        ))
        .select((
            catalogue_offer_regions::offer_id,
            catalogue_offer_regions::department,
            catalogue_offer_regions::delivery_days,
        ))
        .load::<(OfferId, String, i32)>(conn)?
    {
        regions.entry(offer).or_default().push(DeliveryRegion {
            department,
            delivery_days,
        });
    }
    let supplier_ids: Vec<SupplierId> = rows.iter().map(|r| r.supplier_id).collect();
    let sanctioned: HashSet<SupplierId> =
        crate::suppliers::active_sanctions(conn, &supplier_ids, now)?
            .into_iter()
            .map(|s| s.supplier_id)
            .collect();
    let pairs: Vec<(AgreementId, SupplierId)> = rows
        .iter()
        .map(|r| (r.agreement_id, r.supplier_id))
        .collect();
    let suspended = agreements::suspended(conn, &pairs, now)?;
    let mut by_id: HashMap<OfferId, CatalogueOffer> = rows
        .into_iter()
        .map(|r| {
            let in_force = r.starts_at <= now && now < r.ends_at;
            let offer = CatalogueOffer {
                id: r.id,
                product_id: r.product_id,
                product: r.product,
                category: r.category,
                unit: r.unit,
                agreement_id: r.agreement_id,
                supplier_id: r.supplier_id,
                supplier_name: r.supplier_name,
                supplier_ruc: r.supplier_ruc,
                brand: r.brand,
                model: r.model,
                unit_price: decimal(r.unit_price, &r.currency),
                min_order_value: decimal(r.min_order_value, &r.currency),
                currency: r.currency,
                stock: r.stock,
                regions: regions.remove(&r.id).unwrap_or_default(),
                version: r.version,
                updated_at: r.updated_at,
                status: OfferStatus::of(
                    in_force,
                    sanctioned.contains(&r.supplier_id),
                    suspended.contains(&(r.agreement_id, r.supplier_id)),
                    r.stock,
                ),
                unit_price_minor: r.unit_price,
                min_order_minor: r.min_order_value,
            };
            (r.id, offer)
        })
        .collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// Is the agreement in force at `now`?
pub fn in_force(
    conn: &mut DbConnection,
    agreement: AgreementId,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    Ok(diesel::select(diesel::dsl::exists(
        framework_agreements::table
            .filter(framework_agreements::id.eq(agreement))
            .filter(framework_agreements::starts_at.le(now))
            .filter(framework_agreements::ends_at.gt(now)),
    ))
    .get_result(conn)?)
}
