//! The public catalogue: the offers of the agreements in force, found by words, category,
//! department and price, the cheapest first.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::{CatalogueOffer, load_offers};
use crate::{
    app::AppState,
    db::DbConnection,
    domain::{Currency, Money, OfferId, text::fold_for_search},
    error::{AppError, FieldError},
    schema::{
        catalogue_categories, catalogue_offer_regions, catalogue_offers, catalogue_products,
        framework_agreements,
    },
};

/// A catalogue search.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct CatalogueQuery {
    /// Words of the product, its category or attributes, the brand or the model (accents
    /// and case ignored; every word must match).
    pub q: Option<String>,
    /// A category's id (`GET /catalogue/categories`).
    #[param(value_type = Option<i64>, minimum = 1)]
    pub category: Option<String>,
    /// A department the offer delivers to.
    pub department: Option<String>,
    /// Lowest unit price, a decimal amount in soles.
    pub min_price: Option<String>,
    /// Highest unit price, a decimal amount in soles.
    pub max_price: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 10000)]
    pub page: Option<u32>,
    /// Results per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// A page of offers, the cheapest first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CataloguePage {
    /// The offers on this page.
    pub offers: Vec<CatalogueOffer>,
    /// All matches.
    pub total: i64,
    /// This page.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
}

/// A category of an agreement in force.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CatalogueCategory {
    /// Its id (the search's `category`).
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The agreement's title.
    pub agreement: String,
}

/// The query's filters, checked.
struct Filters {
    words: Vec<String>,
    category: Option<i64>,
    department: Option<String>,
    min_price: Option<i64>,
    max_price: Option<i64>,
    page: u32,
    per_page: u32,
}

fn price(text: Option<&str>, field: &str, v: &mut Vec<FieldError>) -> Option<i64> {
    let text = text.map(str::trim).filter(|t| !t.is_empty())?;
    match Money::parse(text, Currency::Pen, field) {
        Ok(m) => Some(m.minor()),
        Err(e) => {
            v.push(e);
            None
        }
    }
}

impl CatalogueQuery {
    fn check(&self) -> Result<Filters, AppError> {
        let mut errors = Vec::new();
        let per_page = self.per_page.unwrap_or(20);
        if !(1..=100).contains(&per_page) {
            errors.push(
                FieldError::new("per_page", "out_of_range")
                    .arg("min", 1)
                    .arg("max", 100),
            );
        }
        let page = self.page.unwrap_or(1);
        if !(1..=10_000).contains(&page) {
            errors.push(
                FieldError::new("page", "out_of_range")
                    .arg("min", 1)
                    .arg("max", 10_000),
            );
        }
        let text = fold_for_search(self.q.as_deref().unwrap_or(""));
        if text.chars().count() > 100 {
            errors.push(FieldError::new("q", "too_long").arg("max", 100));
        }
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(10)
            .map(str::to_owned)
            .collect();
        let category = match self.category.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => match text.parse::<i64>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    errors.push(FieldError::new("category", "unknown_category").arg("code", text));
                    None
                }
            },
        };
        let department = match self.department.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(d) => match crate::catalogue::parse_department(d, "department") {
                Ok(d) => Some(d),
                Err(e) => {
                    errors.push(e);
                    None
                }
            },
        };
        let min_price = price(self.min_price.as_deref(), "min_price", &mut errors);
        let max_price = price(self.max_price.as_deref(), "max_price", &mut errors);
        if let (Some(low), Some(high)) = (min_price, max_price)
            && high < low
        {
            errors.push(FieldError::new("max_price", "max_below_min"));
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(Filters {
            words,
            category,
            department,
            min_price,
            max_price,
            page,
            per_page,
        })
    }
}

/// Searches the catalogue ([`search_in`]).
pub async fn search(app: &AppState, query: &CatalogueQuery) -> Result<CataloguePage, AppError> {
    let (filters, now) = (query.check()?, app.clock.now_db());
    app.db.run(move |conn| search_in(conn, &filters, now)).await
}

/// The offers of the agreements in force at `now` that pass `filters`, by unit price (then
/// by offer, so pages are stable).
fn search_in(
    conn: &mut DbConnection,
    filters: &Filters,
    now: NaiveDateTime,
) -> Result<CataloguePage, AppError> {
    let matching = || {
        let mut q = catalogue_offers::table
            .inner_join(framework_agreements::table)
            .inner_join(catalogue_products::table)
            .filter(framework_agreements::starts_at.le(now))
            .filter(framework_agreements::ends_at.gt(now))
            .into_boxed();
        for word in &filters.words {
            q = q.filter(
                catalogue_offers::search_text
                    .like(format!("%{word}%"))
                    .escape('\\'),
            );
        }
        if let Some(category) = filters.category {
            q = q.filter(catalogue_products::category_id.eq(category));
        }
        if let Some(department) = &filters.department {
            q = q.filter(
                catalogue_offers::id.eq_any(
                    catalogue_offer_regions::table
                        .filter(catalogue_offer_regions::department.eq(department.clone()))
                        .select(catalogue_offer_regions::offer_id),
                ),
            );
        }
        if let Some(low) = filters.min_price {
            q = q.filter(catalogue_offers::unit_price.ge(low));
        }
        if let Some(high) = filters.max_price {
            q = q.filter(catalogue_offers::unit_price.le(high));
        }
        q
    };
    let total: i64 = matching().count().get_result(conn)?;
    let ids: Vec<OfferId> = matching()
        .order((
            catalogue_offers::unit_price.asc(),
            catalogue_offers::id.asc(),
        ))
        .limit(i64::from(filters.per_page))
        .offset(i64::from(filters.page - 1) * i64::from(filters.per_page))
        .select(catalogue_offers::id)
        .load(conn)?;
    Ok(CataloguePage {
        offers: load_offers(conn, &ids, now)?,
        total,
        page: filters.page,
        per_page: filters.per_page,
    })
}

/// The categories of the agreements in force, by agreement then name.
pub async fn categories(app: &AppState) -> Result<Vec<CatalogueCategory>, AppError> {
    let now = app.clock.now_db();
    app.db
        .run(move |conn| {
            Ok(catalogue_categories::table
                .inner_join(framework_agreements::table)
                .filter(framework_agreements::starts_at.le(now))
                .filter(framework_agreements::ends_at.gt(now))
                .order((framework_agreements::id, catalogue_categories::name))
                .select((
                    catalogue_categories::id,
                    catalogue_categories::name,
                    framework_agreements::title,
                ))
                .load::<(i64, String, String)>(conn)?
                .into_iter()
                .map(|(id, name, agreement)| CatalogueCategory {
                    id,
                    name,
                    agreement,
                })
                .collect())
        })
        .await
}
