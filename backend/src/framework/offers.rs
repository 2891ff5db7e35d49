//! A supplier keeps its catalogue offers: the stock at will, the price down at will, the
//! price up only with a reason, by at most `LICITA_CATALOGUE_MAX_INCREASE_PERCENT` in one
//! step and once every `LICITA_CATALOGUE_INCREASE_DAYS` (as ProZorro limits price changes
//! in its market). Every change is made on the version the supplier saw (a change on an
//! older one is refused, so two people of one company never overwrite each other unseen),
//! writes the offer's next version and records an audit event on the offer's chain, in one
//! transaction.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{CatalogueOffer, decimal, in_force, load_offers};
use crate::{
    app::{App, AppState},
    audit::{self, Actor, NewEvent},
    auth::CurrentUser,
    config::Settings,
    db::{DbConnection, write_transaction},
    domain::{AgreementId, BoundedText, Currency, Money, OfferId, Role, SupplierId},
    error::{AppError, FieldError},
    schema::{catalogue_offer_versions, catalogue_offers},
};

/// Why a price goes up: 5 to 1,000 characters.
pub type IncreaseReason = BoundedText<5, 1000>;

/// The most units an offer may list in stock.
pub const MAX_STOCK: i64 = 10_000_000;

/// A change of an offer's price or stock.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OfferChangeInput {
    /// The new unit price, a decimal amount (e.g. `"2849.00"`); empty keeps the price.
    pub unit_price: String,
    /// Units in stock now (0 to 10,000,000); empty keeps the stock.
    pub stock: String,
    /// Why the price goes up (required for an increase, 5 to 1,000 characters).
    pub reason: String,
    /// The version the change is made on (the offer's `version`).
    #[schema(required = true, minimum = 1, maximum = 2147483647)]
    pub version: i64,
}

/// One of the company's offers, with what its price rules allow now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyOffer {
    /// The offer.
    #[serde(flatten)]
    pub offer: CatalogueOffer,
    /// The highest unit price an increase may set now (the price itself while no increase
    /// is allowed).
    pub highest_price_now: String,
    /// When the next increase is allowed (UTC), if not now.
    #[serde(with = "crate::domain::utc::option")]
    pub next_increase_at: Option<NaiveDateTime>,
}

/// What the price rules allow an offer priced `price` (minor units), last increased at
/// `increased_at`, at `now`: the highest price, and when an increase is allowed if not now.
fn increase_allowed(
    settings: &Settings,
    price: i64,
    increased_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> (i64, Option<NaiveDateTime>) {
    let next = increased_at
        .map(|at| at + Duration::days(i64::from(settings.catalogue_increase_days)))
        .filter(|next| *next > now);
    let highest = price
        .saturating_mul(100 + i64::from(settings.catalogue_max_increase_percent))
        .div_euclid(100)
        .min(Money::MAX_MINOR);
    match next {
        Some(at) => (price, Some(at)),
        None => (highest, None),
    }
}

#[derive(Queryable)]
struct Current {
    agreement_id: AgreementId,
    supplier_id: SupplierId,
    currency: String,
    unit_price: i64,
    stock: i64,
    version: i32,
    increased_at: Option<NaiveDateTime>,
}

/// An offer's next version.
pub(super) struct Version<'a> {
    pub from_price: i64,
    pub price: i64,
    pub from_stock: i64,
    pub stock: i64,
    pub version: i32,
    pub currency: &'a str,
    pub increased_at: Option<NaiveDateTime>,
    pub reason: Option<&'a str>,
    /// The order whose acceptance took the stock, if that is the change.
    pub order: Option<&'a str>,
}

/// Writes an offer's next version: the offer's row, its version row and the
/// `catalogue.offer.changed` event on its chain (the one writer of an offer's price and
/// stock; call it in the change's transaction).
pub(super) fn write_version(
    conn: &mut DbConnection,
    user: &CurrentUser,
    offer: OfferId,
    next: Version<'_>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    // Compare-and-set on the version read: of two writers racing on one offer (two
    // acceptances taking its stock on PostgreSQL), the second finds it changed.
    let written = diesel::update(
        catalogue_offers::table
            .find(offer)
            .filter(catalogue_offers::version.eq(next.version - 1)),
    )
    .set((
        catalogue_offers::unit_price.eq(next.price),
        catalogue_offers::stock.eq(next.stock),
        catalogue_offers::version.eq(next.version),
        catalogue_offers::increased_at.eq(next.increased_at),
        catalogue_offers::updated_at.eq(now),
    ))
    .execute(conn)?;
    if written != 1 {
        return Err(AppError::Conflict(
            FieldError::new("version", "offer_changed").arg("version", next.version),
        ));
    }
    diesel::insert_into(catalogue_offer_versions::table)
        .values((
            catalogue_offer_versions::offer_id.eq(offer),
            catalogue_offer_versions::version.eq(next.version),
            catalogue_offer_versions::unit_price.eq(next.price),
            catalogue_offer_versions::stock.eq(next.stock),
            catalogue_offer_versions::reason.eq(next.reason),
            catalogue_offer_versions::changed_by.eq(Some(user.id)),
            catalogue_offer_versions::changed_at.eq(now),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        now,
        &Actor::user(user.id, user.role),
        NewEvent::on(
            "catalogue_offer",
            offer,
            "catalogue.offer.changed",
            json!({
                "version": next.version,
                "unit_price": {
                    "from": decimal(next.from_price, next.currency),
                    "to": decimal(next.price, next.currency),
                },
                "stock": {"from": next.from_stock, "to": next.stock},
                "reason": next.reason,
                "order": next.order,
            }),
        ),
    )
}

/// Changes an offer ([`change_offer_in`]).
#[tracing::instrument(skip(app, user, input), fields(user = user.id.get()))]
pub async fn change_offer(
    app: &AppState,
    user: &CurrentUser,
    offer: OfferId,
    input: OfferChangeInput,
) -> Result<CatalogueOffer, AppError> {
    let (state, user) = (app.clone(), user.clone());
    app.db
        .run(move |conn| {
            let now = state.clock.now_db();
            change_offer_in(&state, conn, &user, offer, &input, now)
        })
        .await
}

/// Changes the offer's price or stock at `now` for a member of its supplier. Refused:
/// anyone else (403); an offer that does not exist (404); an agreement not in force or a
/// version other than the offer's (409); a price or stock that cannot be read, or an
/// increase without a reason, too large or too soon (422, naming the rule).
pub fn change_offer_in(
    app: &App,
    conn: &mut DbConnection,
    user: &CurrentUser,
    offer: OfferId,
    input: &OfferChangeInput,
    now: NaiveDateTime,
) -> Result<CatalogueOffer, AppError> {
    write_transaction(conn, |conn| {
        let current: Option<Current> = catalogue_offers::table
            .find(offer)
            .select((
                catalogue_offers::agreement_id,
                catalogue_offers::supplier_id,
                catalogue_offers::currency,
                catalogue_offers::unit_price,
                catalogue_offers::stock,
                catalogue_offers::version,
                catalogue_offers::increased_at,
            ))
            .first(conn)
            .optional()?;
        let Some(current) = current else {
            return Err(AppError::NotFound);
        };
        if user.role != Role::Supplier || user.supplier_id != Some(current.supplier_id) {
            return Err(AppError::Forbidden);
        }
        if !in_force(conn, current.agreement_id, now)? {
            return Err(AppError::Conflict(FieldError::new(
                "offer",
                "agreement_not_in_force",
            )));
        }
        if input.version < 1 {
            return Err(AppError::Validation(vec![FieldError::new(
                "version", "required",
            )]));
        }
        if input.version != i64::from(current.version) {
            return Err(AppError::Conflict(
                FieldError::new("version", "offer_changed").arg("version", current.version),
            ));
        }
        let currency = Currency::from_code(&current.currency)
            .ok_or_else(|| AppError::internal("offer in an unknown currency"))?;
        let mut errors = Vec::new();
        let price = match input.unit_price.trim() {
            "" => current.unit_price,
            text => match Money::parse(text, currency, "unit_price") {
                Ok(m) if m.minor() == 0 => {
                    errors.push(FieldError::new("unit_price", "amount_not_positive"));
                    current.unit_price
                }
                Ok(m) => m.minor(),
                Err(e) => {
                    errors.push(e);
                    current.unit_price
                }
            },
        };
        let stock = match input.stock.trim() {
            "" => current.stock,
            text => match text.parse::<i64>() {
                Ok(n) if (0..=MAX_STOCK).contains(&n) => n,
                _ => {
                    errors.push(
                        FieldError::new("stock", "out_of_range")
                            .arg("min", 0)
                            .arg("max", MAX_STOCK),
                    );
                    current.stock
                }
            },
        };
        let increase = price > current.unit_price;
        let reason = if increase {
            match IncreaseReason::parse_lines(&input.reason, "reason") {
                Ok(r) => Some(r.into_inner()),
                Err(_) if input.reason.trim().is_empty() => {
                    errors.push(FieldError::new("reason", "reason_required_for_increase"));
                    None
                }
                Err(e) => {
                    errors.push(e);
                    None
                }
            }
        } else {
            None
        };
        if increase {
            let (highest, next) =
                increase_allowed(&app.settings, current.unit_price, current.increased_at, now);
            if let Some(next) = next {
                errors.push(
                    FieldError::new("unit_price", "price_increase_too_soon")
                        .arg("days", app.settings.catalogue_increase_days)
                        .arg(
                            "date",
                            crate::domain::procurement::lima_date(next).to_string(),
                        ),
                );
            } else if price > highest {
                errors.push(
                    FieldError::new("unit_price", "price_increase_too_large")
                        .arg("max", app.settings.catalogue_max_increase_percent)
                        .arg(
                            "highest",
                            crate::domain::money_shown(
                                &current.currency,
                                &decimal(highest, &current.currency),
                            ),
                        ),
                );
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        if price != current.unit_price || stock != current.stock {
            write_version(
                conn,
                user,
                offer,
                Version {
                    from_price: current.unit_price,
                    price,
                    from_stock: current.stock,
                    stock,
                    version: current.version + 1,
                    currency: &current.currency,
                    increased_at: if increase {
                        Some(now)
                    } else {
                        current.increased_at
                    },
                    reason: reason.as_deref(),
                    order: None,
                },
                now,
            )?;
        }
        load_offers(conn, &[offer], now)?
            .pop()
            .ok_or(AppError::NotFound)
    })
}

/// The offers of the caller's company, by product (suppliers only).
pub async fn my_offers(app: &AppState, user: &CurrentUser) -> Result<Vec<MyOffer>, AppError> {
    let Some(supplier) = user.supplier_id.filter(|_| user.role == Role::Supplier) else {
        return Err(AppError::Forbidden);
    };
    let state = app.clone();
    app.db
        .run(move |conn| {
            let now = state.clock.now_db();
            let rows: Vec<(OfferId, i64, Option<NaiveDateTime>)> = catalogue_offers::table
                .filter(catalogue_offers::supplier_id.eq(supplier))
                .order((catalogue_offers::product_id, catalogue_offers::id))
                .select((
                    catalogue_offers::id,
                    catalogue_offers::unit_price,
                    catalogue_offers::increased_at,
                ))
                .load(conn)?;
            let ids: Vec<OfferId> = rows.iter().map(|(id, _, _)| *id).collect();
            let offers = load_offers(conn, &ids, now)?;
            Ok(offers
                .into_iter()
                .zip(rows)
                .map(|(offer, (_, price, increased_at))| {
                    let (highest, next) =
                        increase_allowed(&state.settings, price, increased_at, now);
                    MyOffer {
                        highest_price_now: decimal(highest, &offer.currency),
                        next_increase_at: next,
                        offer,
                    }
                })
                .collect())
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(percent: u32, days: u32) -> Settings {
        let mut s = Settings::from_lookup(|_| None).expect("the defaults are valid");
        s.catalogue_max_increase_percent = percent;
        s.catalogue_increase_days = days;
        s
    }

    fn at(day: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 1, day)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .expect("a date")
    }

    #[test]
    fn an_increase_is_bounded_by_the_percentage_and_waits_its_days() {
        let rules = settings(10, 90);
        assert_eq!(
            increase_allowed(&rules, 289_900, None, at(1)),
            (318_890, None)
        );
        let last = at(1) - Duration::days(89);
        assert_eq!(
            increase_allowed(&rules, 289_900, Some(last), at(1)),
            (289_900, Some(last + Duration::days(90)))
        );
        let last = at(1) - Duration::days(90);
        assert_eq!(
            increase_allowed(&rules, 289_900, Some(last), at(1)),
            (318_890, None)
        );
        assert_eq!(
            increase_allowed(&settings(0, 0), 100, None, at(1)),
            (100, None)
        );
    }
}
