//! A product's page in the catalogue: its sheet (ficha), every offer of it the cheapest
//! first, the spread of the orderable offers' prices, and every price any offer of it ever
//! had (its versions).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::{CatalogueOffer, OfferStatus, decimal, load_offers};
use crate::{
    app::AppState,
    db::DbConnection,
    domain::{AgreementId, OfferId, ProductId},
    error::AppError,
    schema::{
        catalogue_categories, catalogue_offer_versions, catalogue_offers, catalogue_products,
        framework_agreements, suppliers,
    },
};

/// One required attribute of a product sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Attribute {
    /// What is required (e.g. `Procesador`).
    pub name: String,
    /// The least an offer must meet (e.g. `Intel Core i5 de 13.ª generación o superior`).
    pub value: String,
}

/// A product sheet (ficha).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProductSheet {
    /// Its id.
    pub id: ProductId,
    /// Its name.
    pub name: String,
    /// Its category.
    pub category: String,
    /// The unit offers are priced per.
    pub unit: String,
    /// UNSPSC code (8 digits).
    pub unspsc: String,
    /// What every offer must meet.
    pub attributes: Vec<Attribute>,
    /// The framework agreement.
    pub agreement_id: AgreementId,
    /// Its title.
    pub agreement: String,
    /// Its ocid.
    pub agreement_ocid: String,
    /// In force from (UTC).
    #[serde(with = "crate::domain::utc")]
    pub agreement_starts_at: NaiveDateTime,
    /// In force until (UTC, exclusive).
    #[serde(with = "crate::domain::utc")]
    pub agreement_ends_at: NaiveDateTime,
}

/// The spread of the orderable offers' unit prices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Spread {
    /// How many offers it covers.
    pub offers: usize,
    /// The lowest unit price.
    pub lowest: String,
    /// The median (of an even count, the mean of the two middle prices, to the céntimo
    /// below).
    pub median: String,
    /// The highest.
    pub highest: String,
}

/// One version of an offer's price and stock.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PricePoint {
    /// The offer.
    pub offer_id: OfferId,
    /// Its supplier's legal name.
    pub supplier_name: String,
    /// The version (1 when listed).
    pub version: i32,
    /// The unit price from then on.
    pub unit_price: String,
    /// The stock from then on.
    pub stock: i64,
    /// Why the price went up (every increase gives one).
    pub reason: Option<String>,
    /// When (UTC).
    #[serde(with = "crate::domain::utc")]
    pub changed_at: NaiveDateTime,
}

/// A product's page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProductPage {
    /// The sheet.
    pub product: ProductSheet,
    /// Its offers, the cheapest first.
    pub offers: Vec<CatalogueOffer>,
    /// The spread of the orderable offers' prices (none when no offer is orderable).
    pub spread: Option<Spread>,
    /// Every version of every offer, the newest first.
    pub history: Vec<PricePoint>,
}

/// The spread of `prices` (minor units); `None` for none.
pub fn spread(mut prices: Vec<i64>, currency: &str) -> Option<Spread> {
    prices.sort_unstable();
    let (first, last) = (*prices.first()?, *prices.last()?);
    let middle = prices.len() / 2;
    let median = if prices.len() % 2 == 1 {
        prices[middle]
    } else {
        // Both are at most Money::MAX_MINOR: the sum cannot overflow.
        (prices[middle - 1] + prices[middle]) / 2
    };
    Some(Spread {
        offers: prices.len(),
        lowest: decimal(first, currency),
        median: decimal(median, currency),
        highest: decimal(last, currency),
    })
}

/// The product's page ([`product_page_in`]).
pub async fn product_page(app: &AppState, id: ProductId) -> Result<ProductPage, AppError> {
    let now = app.clock.now_db();
    app.db.run(move |conn| product_page_in(conn, id, now)).await
}

type SheetRow = (
    ProductId,
    String,
    String,
    String,
    String,
    String,
    AgreementId,
    String,
    String,
    NaiveDateTime,
    NaiveDateTime,
);

/// The product's page at `now`: `NotFound` for a product that does not exist.
pub fn product_page_in(
    conn: &mut DbConnection,
    id: ProductId,
    now: NaiveDateTime,
) -> Result<ProductPage, AppError> {
    let row: Option<SheetRow> = catalogue_products::table
        .inner_join(catalogue_categories::table.inner_join(framework_agreements::table))
        .filter(catalogue_products::id.eq(id))
        .select((
            catalogue_products::id,
            catalogue_products::name,
            catalogue_categories::name,
            catalogue_products::unit,
            catalogue_products::unspsc,
            catalogue_products::attributes,
            framework_agreements::id,
            framework_agreements::title,
            framework_agreements::ocid,
            framework_agreements::starts_at,
            framework_agreements::ends_at,
        ))
        .first(conn)
        .optional()?;
    let Some((
        id,
        name,
        category,
        unit,
        unspsc,
        attributes,
        agreement_id,
        title,
        ocid,
        starts,
        ends,
    )) = row
    else {
        return Err(AppError::NotFound);
    };
    let attributes: Vec<Attribute> = serde_json::from_str(&attributes)
        .map_err(|e| AppError::internal(format!("product {id} attributes: {e}")))?;
    let ids: Vec<OfferId> = catalogue_offers::table
        .filter(catalogue_offers::product_id.eq(id))
        .order((
            catalogue_offers::unit_price.asc(),
            catalogue_offers::id.asc(),
        ))
        .select(catalogue_offers::id)
        .load(conn)?;
    let offers = load_offers(conn, &ids, now)?;
    let orderable: Vec<&CatalogueOffer> = offers
        .iter()
        .filter(|o| o.status == OfferStatus::Active)
        .collect();
    let spread = orderable.first().and_then(|first| {
        spread(
            orderable.iter().map(|o| o.unit_price_minor).collect(),
            &first.currency,
        )
    });
    let history = catalogue_offer_versions::table
        .inner_join(catalogue_offers::table.inner_join(suppliers::table))
        .filter(catalogue_offers::product_id.eq(id))
        .order((
            catalogue_offer_versions::changed_at.desc(),
            catalogue_offer_versions::offer_id.asc(),
            catalogue_offer_versions::version.desc(),
        ))
        .limit(500)
        .select((
            catalogue_offer_versions::offer_id,
            suppliers::legal_name,
            catalogue_offer_versions::version,
            catalogue_offer_versions::unit_price,
            catalogue_offers::currency,
            catalogue_offer_versions::stock,
            catalogue_offer_versions::reason,
            catalogue_offer_versions::changed_at,
        ))
        .load::<(
            OfferId,
            String,
            i32,
            i64,
            String,
            i64,
            Option<String>,
            NaiveDateTime,
        )>(conn)?
        .into_iter()
        .map(
            |(offer_id, supplier_name, version, price, currency, stock, reason, changed_at)| {
                PricePoint {
                    offer_id,
                    supplier_name,
                    version,
                    unit_price: decimal(price, &currency),
                    stock,
                    reason,
                    changed_at,
                }
            },
        )
        .collect();
    Ok(ProductPage {
        product: ProductSheet {
            id,
            name,
            category,
            unit,
            unspsc,
            attributes,
            agreement_id,
            agreement: title,
            agreement_ocid: ocid,
            agreement_starts_at: starts,
            agreement_ends_at: ends,
        },
        offers,
        spread,
        history,
    })
}

#[cfg(test)]
mod tests {
    use super::spread;

    #[test]
    fn the_median_of_an_odd_count_is_the_middle_price() {
        let s = spread(vec![310_000, 289_900, 305_000], "PEN").expect("three prices");
        assert_eq!(
            (s.lowest.as_str(), s.median.as_str(), s.highest.as_str()),
            ("2899.00", "3050.00", "3100.00")
        );
        assert_eq!(s.offers, 3);
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two_to_the_centimo_below() {
        let s = spread(vec![100, 201, 300, 1_000], "PEN").expect("four prices");
        assert_eq!(s.median, "2.50");
        let s = spread(vec![100, 202], "PEN").expect("two prices");
        assert_eq!(s.median, "1.51");
        assert!(spread(Vec::new(), "PEN").is_none());
    }
}
