//! Orders from the catalogue (stage 2 of a framework agreement, *órdenes de compra*).
//!
//! An officer of any buying entity orders a quantity of one product for delivery in one
//! department. The offers that may take it are those orderable now that deliver there, have
//! the stock and whose minimum order the order reaches ([`options`]).
//!
//! - Below `LICITA_CATALOGUE_QUOTE_THRESHOLD` (the order's value at the lowest price), a
//!   **direct order** goes to the lowest price (the shorter delivery breaking a tie); the
//!   officer may choose another offer with a written reason, shown publicly. The others
//!   follow in price order.
//! - At or above it, a **quote request** goes to every supplier with such an offer, open at
//!   least two business days; a quote may not exceed the supplier's catalogue price and
//!   stays sealed until the close, when the lowest quote (the earlier on a tie) is first.
//! - The supplier whose turn it is accepts within two business days (its stock is taken, a
//!   new version of its offer) or declines; one that lets the time pass is passed over by
//!   the clock ([`tick_due`]) and the order goes to the next. With none left the order is
//!   void. An accepted order is a contract with its own ocid (`ocds-<prefix>-oc-<id>`),
//!   due for delivery the offer's days later; the buyer's officers record the delivery and
//!   the conformity, and a late delivery shows.
//!
//! Every step is an event on the order's chain (`catalogue_order:<id>`), in its transaction.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{
    CatalogueOffer, OfferStatus, decimal,
    flags::{self, OrderFlag, Thresholds},
    in_force, load_offers,
    notices::{self, Notice},
    offers::{IncreaseReason, Version, write_version},
    open_data,
};
use crate::{
    app::{App, AppState},
    audit::{self, Actor, NewEvent},
    auth::CurrentUser,
    db::{DbConnection, write_transaction},
    domain::{
        AgreementId, BuyerId, Calendar, Currency, Money, OfferId, ProductId, Role, SupplierId,
    },
    error::{AppError, FieldError},
    schema::{
        buyers, catalogue_offers, catalogue_order_candidates, catalogue_orders, catalogue_products,
        suppliers,
    },
};

/// Business days a supplier has to accept an order, and a quote request stays open at
/// least.
pub const BUSINESS_DAYS: u32 = 2;
/// The most business days a quote request may stay open.
pub const MAX_QUOTE_DAYS: u32 = 10;
/// The most units one order may ask for.
pub const MAX_QUANTITY: i64 = 1_000_000;

/// Where and how many, to compare the offers of an order.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct OptionsQuery {
    /// The department to deliver to.
    pub department: String,
    /// How many units (1 to 1,000,000).
    pub quantity: String,
}

/// What an officer asks to order.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OrderInput {
    /// The department to deliver to.
    pub department: String,
    /// How many units (1 to 1,000,000).
    pub quantity: String,
    /// A direct order: the offer chosen (the lowest when empty).
    pub offer_id: Option<String>,
    /// Why another offer than the lowest (required then; shown publicly).
    pub reason: String,
    /// A quote request: business days it stays open (2 to 10; 2 when empty).
    pub quote_days: Option<String>,
}

/// One offer as an option of an order.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrderOption {
    /// The offer.
    pub offer: CatalogueOffer,
    /// The order's value at its price.
    pub total: String,
    /// Days to deliver to the department (none if it does not deliver there).
    pub delivery_days: Option<i32>,
    /// May it take the order? If not, why (`not_orderable`, `no_delivery`, `stock_short`,
    /// `below_min_order`).
    pub refusal: Option<String>,
}

/// An order's options: every offer of the product, those that may take it first, the
/// cheapest first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrderOptions {
    /// The product.
    pub product_id: ProductId,
    /// Its name.
    pub product: String,
    /// The department.
    pub department: String,
    /// The quantity.
    pub quantity: i64,
    /// The offers.
    pub options: Vec<OrderOption>,
    /// The lowest offer that may take the order.
    pub lowest: Option<OfferId>,
    /// `direct` or `quotes`: what the order at the lowest price would be.
    pub kind: String,
    /// The threshold, a decimal amount.
    pub quote_threshold: String,
}

/// A supplier an order may go to, as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CandidateView {
    /// The supplier.
    pub supplier_id: SupplierId,
    /// Its legal name.
    pub supplier_name: String,
    /// Its RUC.
    pub supplier_ruc: String,
    /// Its offer.
    pub offer_id: OfferId,
    /// Its price (its quote once given); hidden while a quote request is open.
    pub unit_price: Option<String>,
    /// Has it quoted (a quote request; told after the close only)?
    pub quoted: bool,
    /// Its turn (1 first); none while quotes are open, or without a quote.
    pub rank: Option<i32>,
    /// `accepted`, `declined` or `lapsed` once it answered or let the time pass; `barred`
    /// when it was suspended or sanctioned before its turn came or while it lasted.
    pub outcome: Option<String>,
}

/// An order as shown (to anyone: what was bought, from whom, at what price).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrderView {
    /// The order.
    pub id: i64,
    /// Its ocid.
    pub ocid: String,
    /// The framework agreement.
    pub agreement_id: AgreementId,
    /// The product.
    pub product_id: ProductId,
    /// Its name.
    pub product: String,
    /// The buying entity.
    pub buyer_id: BuyerId,
    /// Its name.
    pub buyer_name: String,
    /// The department delivered to.
    pub department: String,
    /// Units.
    pub quantity: i64,
    /// ISO 4217.
    pub currency: String,
    /// `direct` or `quotes`.
    pub kind: String,
    /// `quoting`, `awaiting_acceptance`, `accepted` or `void`.
    pub status: String,
    /// Why the officer chose another offer than the lowest.
    pub choice_reason: Option<String>,
    /// When the quote request closes (UTC).
    #[serde(with = "crate::domain::utc::option")]
    pub quotes_close_at: Option<NaiveDateTime>,
    /// Until when the supplier whose turn it is may accept (UTC).
    #[serde(with = "crate::domain::utc::option")]
    pub accept_by: Option<NaiveDateTime>,
    /// The supplier whose turn it is to accept.
    pub awaiting: Option<SupplierId>,
    /// The suppliers it may go to.
    pub candidates: Vec<CandidateView>,
    /// How many quotes were received (a quote request; while open, who quoted is sealed).
    pub quotes_received: usize,
    /// Once accepted: the supplier.
    pub supplier_id: Option<SupplierId>,
    /// Its legal name.
    pub supplier_name: Option<String>,
    /// The unit price agreed.
    pub unit_price: Option<String>,
    /// The order's value.
    pub total: Option<String>,
    /// The product's median catalogue price when the order was placed, to compare.
    pub catalogue_median: Option<String>,
    /// When it was accepted (UTC).
    #[serde(with = "crate::domain::utc::option")]
    pub accepted_at: Option<NaiveDateTime>,
    /// When the delivery is due (UTC).
    #[serde(with = "crate::domain::utc::option")]
    pub delivery_due_at: Option<NaiveDateTime>,
    /// When it was delivered (UTC).
    #[serde(with = "crate::domain::utc::option")]
    pub delivered_at: Option<NaiveDateTime>,
    /// When the buyer gave its conformity (UTC).
    #[serde(with = "crate::domain::utc::option")]
    pub conformity_at: Option<NaiveDateTime>,
    /// Delivered after its due date, or not delivered and the date passed.
    pub late: bool,
    /// When it was placed (UTC).
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
    /// Its red flags ([`super::flags`]).
    pub flags: Vec<OrderFlag>,
}

/// The checked parts of an order's input.
struct Asked {
    department: String,
    quantity: i64,
}

fn check_asked(department: &str, quantity: &str) -> Result<Asked, Vec<FieldError>> {
    let mut errors = Vec::new();
    let department = match crate::catalogue::parse_department(department, "department") {
        Ok(d) => d,
        Err(e) => {
            errors.push(e);
            String::new()
        }
    };
    let quantity = match quantity.trim().parse::<i64>() {
        Ok(n) if (1..=MAX_QUANTITY).contains(&n) => n,
        _ if quantity.trim().is_empty() => {
            errors.push(FieldError::new("quantity", "required"));
            0
        }
        _ => {
            errors.push(
                FieldError::new("quantity", "out_of_range")
                    .arg("min", 1)
                    .arg("max", MAX_QUANTITY),
            );
            0
        }
    };
    if errors.is_empty() {
        Ok(Asked {
            department,
            quantity,
        })
    } else {
        Err(errors)
    }
}

/// Why `offer` may not take `quantity` for `department`, if it may not.
fn refusal(offer: &CatalogueOffer, department: &str, quantity: i64) -> Option<&'static str> {
    let total = offer.unit_price_minor.checked_mul(quantity)?;
    if offer.status != OfferStatus::Active {
        Some("not_orderable")
    } else if offer.delivery_days(department).is_none() {
        Some("no_delivery")
    } else if offer.stock < quantity {
        Some("stock_short")
    } else if total < offer.min_order_minor {
        Some("below_min_order")
    } else {
        None
    }
}

fn total_of(offer: &CatalogueOffer, quantity: i64) -> Option<i64> {
    offer
        .unit_price_minor
        .checked_mul(quantity)
        .filter(|t| *t <= Money::MAX_MINOR)
}

/// The options of an order of `product` ([`options_in`]).
pub async fn options(
    app: &AppState,
    product: ProductId,
    query: &OptionsQuery,
) -> Result<OrderOptions, AppError> {
    let asked = check_asked(&query.department, &query.quantity).map_err(AppError::Validation)?;
    let (state, now) = (app.clone(), app.clock.now_db());
    app.db
        .run(move |conn| options_in(&state, conn, product, &asked, now))
        .await
}

fn options_in(
    app: &App,
    conn: &mut DbConnection,
    product: ProductId,
    asked: &Asked,
    now: NaiveDateTime,
) -> Result<OrderOptions, AppError> {
    let name: Option<String> = catalogue_products::table
        .find(product)
        .select(catalogue_products::name)
        .first(conn)
        .optional()?;
    let Some(name) = name else {
        return Err(AppError::NotFound);
    };
    let ids: Vec<OfferId> = catalogue_offers::table
        .filter(catalogue_offers::product_id.eq(product))
        .order((
            catalogue_offers::unit_price.asc(),
            catalogue_offers::id.asc(),
        ))
        .select(catalogue_offers::id)
        .load(conn)?;
    let mut options: Vec<OrderOption> = load_offers(conn, &ids, now)?
        .into_iter()
        .map(|offer| OrderOption {
            total: decimal(
                offer.unit_price_minor.saturating_mul(asked.quantity),
                &offer.currency,
            ),
            delivery_days: offer.delivery_days(&asked.department),
            refusal: refusal(&offer, &asked.department, asked.quantity).map(str::to_owned),
            offer,
        })
        .collect();
    // Those that may take it first, by price then delivery days; the rest after, by price.
    options.sort_by_key(|o| {
        (
            o.refusal.is_some(),
            o.offer.unit_price_minor,
            o.delivery_days.unwrap_or(i32::MAX),
            o.offer.id,
        )
    });
    let lowest = options
        .first()
        .filter(|o| o.refusal.is_none())
        .map(|o| &o.offer);
    let kind = match lowest.and_then(|o| total_of(o, asked.quantity)) {
        Some(total) if total >= app.settings.catalogue_quote_threshold => "quotes",
        _ => "direct",
    };
    Ok(OrderOptions {
        product_id: product,
        product: name,
        department: asked.department.clone(),
        quantity: asked.quantity,
        lowest: lowest.map(|o| o.id),
        options,
        kind: kind.into(),
        quote_threshold: decimal(app.settings.catalogue_quote_threshold, "PEN"),
    })
}

fn deadline(calendar: &Calendar, from: NaiveDateTime, days: u32) -> NaiveDateTime {
    calendar
        .end_of_period(DateTime::<Utc>::from_naive_utc_and_offset(from, Utc), days)
        .naive_utc()
}

/// Places an order ([`place_in`]); returns its id.
#[tracing::instrument(skip(app, user, input), fields(user = user.id.get()))]
pub async fn place(
    app: &AppState,
    user: &CurrentUser,
    product: ProductId,
    input: OrderInput,
) -> Result<i64, AppError> {
    let (state, user) = (app.clone(), user.clone());
    app.db
        .run(move |conn| {
            let now = state.clock.now_db();
            place_in(&state, conn, &user, product, &input, now)
        })
        .await
}

/// Places the officer's order of `product` at `now` (see the module): 403 for anyone but a
/// buying entity's officer; 404 for a product that does not exist; 409 when its agreement is
/// not in force; 422 naming the field otherwise.
pub fn place_in(
    app: &App,
    conn: &mut DbConnection,
    user: &CurrentUser,
    product: ProductId,
    input: &OrderInput,
    now: NaiveDateTime,
) -> Result<i64, AppError> {
    let Some(buyer) = user.buyer_id.filter(|_| user.role == Role::Officer) else {
        return Err(AppError::Forbidden);
    };
    let asked = check_asked(&input.department, &input.quantity).map_err(AppError::Validation)?;
    write_transaction(conn, |conn| {
        let agreement: Option<AgreementId> = catalogue_offers::table
            .filter(catalogue_offers::product_id.eq(product))
            .select(catalogue_offers::agreement_id)
            .first(conn)
            .optional()?;
        let found = options_in(app, conn, product, &asked, now)?;
        let Some(agreement) = agreement else {
            return Err(AppError::Validation(vec![FieldError::new(
                "department",
                "no_offer_delivers",
            )]));
        };
        if !in_force(conn, agreement, now)? {
            return Err(AppError::Conflict(FieldError::new(
                "product",
                "agreement_not_in_force",
            )));
        }
        let eligible: Vec<&OrderOption> = found
            .options
            .iter()
            .filter(|o| o.refusal.is_none())
            .collect();
        let Some(lowest) = eligible.first().map(|o| &o.offer) else {
            return Err(AppError::Validation(vec![
                FieldError::new("department", "no_offer_delivers")
                    .arg("department", asked.department.clone()),
            ]));
        };
        let Some(lowest_total) = total_of(lowest, asked.quantity) else {
            return Err(AppError::Validation(vec![FieldError::new(
                "quantity",
                "amount_out_of_range",
            )]));
        };
        let quotes = lowest_total >= app.settings.catalogue_quote_threshold;
        let mut errors = Vec::new();
        let chosen: Option<OfferId> = match input.offer_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => match text.parse::<i64>().ok().map(OfferId) {
                Some(id) if eligible.iter().any(|o| o.offer.id == id) => Some(id),
                _ => {
                    errors.push(FieldError::new("offer_id", "offer_not_eligible"));
                    None
                }
            },
        };
        if quotes && chosen.is_some_and(|c| c != lowest.id) {
            errors.push(FieldError::new("offer_id", "quotes_choose_no_offer"));
        }
        let chosen = chosen.unwrap_or(lowest.id);
        let chosen_offer = eligible
            .iter()
            .map(|o| &o.offer)
            .find(|o| o.id == chosen)
            .unwrap_or(lowest);
        let reason = if !quotes && chosen_offer.unit_price_minor > lowest.unit_price_minor {
            match IncreaseReason::parse_lines(&input.reason, "reason") {
                Ok(r) => Some(r.into_inner()),
                Err(_) if input.reason.trim().is_empty() => {
                    errors.push(FieldError::new("reason", "reason_required_for_choice"));
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
        match total_of(chosen_offer, asked.quantity) {
            None if !quotes => errors.push(FieldError::new("quantity", "amount_out_of_range")),
            // A dearer choice may not carry a direct order past the threshold.
            Some(total) if !quotes && total >= app.settings.catalogue_quote_threshold => errors
                .push(FieldError::new("offer_id", "choice_needs_quotes").arg(
                    "threshold",
                    crate::domain::money_shown(
                        &lowest.currency,
                        &decimal(app.settings.catalogue_quote_threshold, &lowest.currency),
                    ),
                )),
            _ => {}
        }
        let quote_days = match input.quote_days.as_deref().map(str::trim) {
            None | Some("") => BUSINESS_DAYS,
            Some(text) => match text.parse::<u32>() {
                Ok(n) if (BUSINESS_DAYS..=MAX_QUOTE_DAYS).contains(&n) => n,
                _ => {
                    errors.push(
                        FieldError::new("quote_days", "out_of_range")
                            .arg("min", BUSINESS_DAYS)
                            .arg("max", MAX_QUOTE_DAYS),
                    );
                    BUSINESS_DAYS
                }
            },
        };
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        // The median of the orderable offers' prices now, kept with the order: what its
        // price is compared with afterwards.
        let median = super::products::spread(
            found
                .options
                .iter()
                .filter(|o| o.offer.status == OfferStatus::Active)
                .map(|o| o.offer.unit_price_minor)
                .collect(),
            &lowest.currency,
        )
        .and_then(|s| {
            Currency::from_code(&lowest.currency)
                .and_then(|c| Money::parse(&s.median, c, "median").ok())
                .map(Money::minor)
        });
        let (kind, status) = if quotes {
            ("quotes", "quoting")
        } else {
            ("direct", "awaiting_acceptance")
        };
        let quotes_close_at = quotes.then(|| deadline(&app.calendar, now, quote_days));
        let accept_by = (!quotes).then(|| deadline(&app.calendar, now, BUSINESS_DAYS));
        // The ocid needs the id; until it is set, a placeholder of its own: a shared one ("")
        // made every concurrent order wait on the ocid's unique index for the commit of the
        // one before (measured on PostgreSQL: BENCHMARKS.md).
        let placeholder = format!("pending-{:016x}", rand::random::<u64>());
        let id: i64 = diesel::insert_into(catalogue_orders::table)
            .values((
                catalogue_orders::ocid.eq(&placeholder),
                catalogue_orders::agreement_id.eq(agreement),
                catalogue_orders::product_id.eq(product),
                catalogue_orders::buyer_id.eq(buyer),
                catalogue_orders::ordered_by.eq(user.id),
                catalogue_orders::department.eq(&asked.department),
                catalogue_orders::quantity.eq(asked.quantity),
                catalogue_orders::currency.eq(&lowest.currency),
                catalogue_orders::kind.eq(kind),
                catalogue_orders::status.eq(status),
                catalogue_orders::lowest_value.eq(lowest_total),
                catalogue_orders::median_price.eq(median),
                catalogue_orders::choice_reason.eq(reason.as_deref()),
                catalogue_orders::quotes_close_at.eq(quotes_close_at),
                catalogue_orders::current_rank.eq((!quotes).then_some(1)),
                catalogue_orders::accept_by.eq(accept_by),
                catalogue_orders::created_at.eq(now),
            ))
            .returning(catalogue_orders::id)
            .get_result(conn)?;
        let ocid = format!("ocds-{}-oc-{id}", app.settings.ocid_prefix);
        diesel::update(catalogue_orders::table.find(id))
            .set(catalogue_orders::ocid.eq(&ocid))
            .execute(conn)?;
        // A direct order: the chosen offer first, then the others by price. A quote request:
        // everyone invited, ranked at the close.
        let mut ranked: Vec<&CatalogueOffer> = vec![chosen_offer];
        ranked.extend(
            eligible
                .iter()
                .map(|o| &o.offer)
                .filter(|o| o.id != chosen_offer.id),
        );
        for (i, offer) in ranked.iter().enumerate() {
            let rank = i32::try_from(i + 1).unwrap_or(i32::MAX);
            diesel::insert_into(catalogue_order_candidates::table)
                .values((
                    catalogue_order_candidates::order_id.eq(id),
                    catalogue_order_candidates::supplier_id.eq(offer.supplier_id),
                    catalogue_order_candidates::offer_id.eq(offer.id),
                    catalogue_order_candidates::unit_price.eq(offer.unit_price_minor),
                    catalogue_order_candidates::rank.eq((!quotes).then_some(rank)),
                ))
                .execute(conn)?;
        }
        audit::record_first(
            conn,
            now,
            &Actor::user(user.id, user.role),
            NewEvent::on(
                "catalogue_order",
                id,
                "catalogue.order.placed",
                json!({
                    "ocid": ocid,
                    "kind": kind,
                    "buyer_id": buyer,
                    "product_id": product,
                    "department": asked.department,
                    "quantity": asked.quantity,
                    "lowest_offer": lowest.id,
                    "chosen_offer": (!quotes).then_some(chosen_offer.id),
                    "choice_reason": reason,
                    "candidates": ranked.iter().map(|o| o.supplier_id).collect::<Vec<_>>(),
                    "quotes_close_at": quotes_close_at.map(crate::domain::utc::format),
                    "accept_by": accept_by.map(crate::domain::utc::format),
                }),
            ),
        )?;
        match (quotes_close_at, accept_by) {
            (Some(close), _) => {
                for offer in &ranked {
                    notices::order_notice(
                        app,
                        conn,
                        id,
                        offer.supplier_id,
                        Notice::QuoteRequest,
                        close,
                        now,
                    )?;
                }
            }
            (None, Some(by)) => notices::order_notice(
                app,
                conn,
                id,
                chosen_offer.supplier_id,
                Notice::YourTurn,
                by,
                now,
            )?,
            (None, None) => {}
        }
        // Last: a release holds the open data's order lock (PostgreSQL) until the commit.
        open_data::on_order_event(conn, id, "catalogue.order.placed", now)?;
        Ok(id)
    })
}

#[derive(Queryable)]
struct OrderRow {
    id: i64,
    ocid: String,
    agreement_id: AgreementId,
    product_id: ProductId,
    buyer_id: BuyerId,
    department: String,
    quantity: i64,
    currency: String,
    kind: String,
    status: String,
    quotes_close_at: Option<NaiveDateTime>,
    current_rank: Option<i32>,
    accept_by: Option<NaiveDateTime>,
    supplier_id: Option<SupplierId>,
    delivered_at: Option<NaiveDateTime>,
}

fn order_row(conn: &mut DbConnection, id: i64) -> Result<OrderRow, AppError> {
    catalogue_orders::table
        .find(id)
        .select((
            catalogue_orders::id,
            catalogue_orders::ocid,
            catalogue_orders::agreement_id,
            catalogue_orders::product_id,
            catalogue_orders::buyer_id,
            catalogue_orders::department,
            catalogue_orders::quantity,
            catalogue_orders::currency,
            catalogue_orders::kind,
            catalogue_orders::status,
            catalogue_orders::quotes_close_at,
            catalogue_orders::current_rank,
            catalogue_orders::accept_by,
            catalogue_orders::supplier_id,
            catalogue_orders::delivered_at,
        ))
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

fn conflict(code: &'static str, status: &str) -> AppError {
    AppError::Conflict(FieldError::new("order", code).arg("status", status.to_owned()))
}

/// A supplier's quote on an open quote request.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct QuoteInput {
    /// The unit price quoted, a decimal amount, not above the supplier's catalogue price.
    pub unit_price: String,
}

/// Quotes on an open quote request ([`quote_in`]).
pub async fn quote(
    app: &AppState,
    user: &CurrentUser,
    order: i64,
    input: QuoteInput,
) -> Result<(), AppError> {
    let (state, user) = (app.clone(), user.clone());
    app.db
        .run(move |conn| {
            let now = state.clock.now_db();
            quote_in(conn, &user, order, &input, now)
        })
        .await
}

/// A supplier invited to a quote request quotes (or replaces its quote) before the close:
/// at most its catalogue price now. Sealed until the close.
pub fn quote_in(
    conn: &mut DbConnection,
    user: &CurrentUser,
    order: i64,
    input: &QuoteInput,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let Some(supplier) = user.supplier_id.filter(|_| user.role == Role::Supplier) else {
        return Err(AppError::Forbidden);
    };
    write_transaction(conn, |conn| {
        let row = order_row(conn, order)?;
        let candidate: Option<(OfferId, i64)> = catalogue_order_candidates::table
            .inner_join(catalogue_offers::table)
            .filter(catalogue_order_candidates::order_id.eq(order))
            .filter(catalogue_order_candidates::supplier_id.eq(supplier))
            .select((
                catalogue_order_candidates::offer_id,
                catalogue_offers::unit_price,
            ))
            .first(conn)
            .optional()?;
        let Some((offer, ceiling)) = candidate else {
            return Err(AppError::Forbidden);
        };
        if row.kind != "quotes" {
            return Err(conflict("not_a_quote_request", &row.status));
        }
        if row.status != "quoting" || row.quotes_close_at.is_none_or(|close| now >= close) {
            return Err(conflict("quotes_closed", &row.status));
        }
        // A supplier suspended from the agreement or sanctioned in the registry since the
        // invitation may not quote (it could not accept).
        if load_offers(conn, &[offer], now)?
            .first()
            .is_none_or(|o| o.status != OfferStatus::Active && o.status != OfferStatus::OutOfStock)
        {
            return Err(conflict("offer_not_orderable", &row.status));
        }
        let currency = Currency::from_code(&row.currency)
            .ok_or_else(|| AppError::internal("order in an unknown currency"))?;
        let price = Money::parse(&input.unit_price, currency, "unit_price")
            .map_err(|e| AppError::Validation(vec![e]))?
            .minor();
        if price == 0 {
            return Err(AppError::Validation(vec![FieldError::new(
                "unit_price",
                "amount_not_positive",
            )]));
        }
        if price > ceiling {
            return Err(AppError::Validation(vec![
                FieldError::new("unit_price", "quote_above_catalogue").arg(
                    "highest",
                    crate::domain::money_shown(&row.currency, &decimal(ceiling, &row.currency)),
                ),
            ]));
        }
        diesel::update(
            catalogue_order_candidates::table
                .filter(catalogue_order_candidates::order_id.eq(order))
                .filter(catalogue_order_candidates::supplier_id.eq(supplier)),
        )
        .set((
            catalogue_order_candidates::unit_price.eq(price),
            catalogue_order_candidates::quoted_at.eq(Some(now)),
        ))
        .execute(conn)?;
        audit::record(
            conn,
            now,
            &Actor::user(user.id, user.role),
            NewEvent::on(
                "catalogue_order",
                order,
                "catalogue.order.quoted",
                // The price stays out of the log until the close (the close's event lists
                // every quote): the log is read by auditors while quotes are sealed.
                json!({"supplier_id": supplier, "offer_id": offer}),
            ),
        )
    })
}

/// A supplier's answer to an order whose turn is its own.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AnswerInput {
    /// `accept` or `decline`.
    #[schema(required = true)]
    pub answer: String,
}

/// Answers an order ([`answer_in`]).
pub async fn answer(
    app: &AppState,
    user: &CurrentUser,
    order: i64,
    input: AnswerInput,
) -> Result<(), AppError> {
    let (state, user) = (app.clone(), user.clone());
    app.db
        .run(move |conn| {
            let now = state.clock.now_db();
            answer_in(&state, conn, &user, order, &input, now)
        })
        .await
}

/// The supplier whose turn it is accepts (its stock taken, a new version of its offer; the
/// order a contract due for delivery its days later) or declines (the order passes on).
pub fn answer_in(
    app: &App,
    conn: &mut DbConnection,
    user: &CurrentUser,
    order: i64,
    input: &AnswerInput,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let Some(supplier) = user.supplier_id.filter(|_| user.role == Role::Supplier) else {
        return Err(AppError::Forbidden);
    };
    write_transaction(conn, |conn| {
        let row = order_row(conn, order)?;
        let turn: Option<(SupplierId, OfferId, i64)> = catalogue_order_candidates::table
            .filter(catalogue_order_candidates::order_id.eq(order))
            .filter(catalogue_order_candidates::rank.eq(row.current_rank))
            .select((
                catalogue_order_candidates::supplier_id,
                catalogue_order_candidates::offer_id,
                catalogue_order_candidates::unit_price,
            ))
            .first(conn)
            .optional()?;
        let is_candidate: bool = diesel::select(diesel::dsl::exists(
            catalogue_order_candidates::table
                .filter(catalogue_order_candidates::order_id.eq(order))
                .filter(catalogue_order_candidates::supplier_id.eq(supplier)),
        ))
        .get_result(conn)?;
        if !is_candidate {
            return Err(AppError::Forbidden);
        }
        let accept = match input.answer.trim() {
            "accept" => true,
            "decline" => false,
            _ => {
                return Err(AppError::Validation(vec![FieldError::new(
                    "answer",
                    "invalid_answer",
                )]));
            }
        };
        if row.status != "awaiting_acceptance" {
            return Err(conflict("order_not_awaiting", &row.status));
        }
        let Some((_, offer, price)) = turn
            .filter(|(s, _, _)| *s == supplier)
            .filter(|_| row.status == "awaiting_acceptance")
        else {
            return Err(conflict("not_your_turn", &row.status));
        };
        if row.accept_by.is_none_or(|by| now >= by) {
            return Err(conflict("acceptance_lapsed", &row.status));
        }
        let actor = Actor::user(user.id, user.role);
        if !accept {
            decide_candidate(conn, order, supplier, "declined", now)?;
            audit::record(
                conn,
                now,
                &actor,
                NewEvent::on(
                    "catalogue_order",
                    order,
                    "catalogue.order.declined",
                    json!({"supplier_id": supplier}),
                ),
            )?;
            return pass_on(app, conn, &actor, &row, now);
        }
        let current = load_offers(conn, &[offer], now)?
            .pop()
            .ok_or(AppError::NotFound)?;
        if current.status != OfferStatus::Active {
            return Err(AppError::Conflict(FieldError::new(
                "order",
                "offer_not_orderable",
            )));
        }
        if current.stock < row.quantity {
            return Err(AppError::Conflict(
                FieldError::new("order", "stock_short").arg("stock", current.stock),
            ));
        }
        let days = current.delivery_days(&row.department).unwrap_or(0);
        let total = price.checked_mul(row.quantity).unwrap_or(i64::MAX);
        let due = now + chrono::Duration::days(i64::from(days));
        let increased_at: Option<NaiveDateTime> = catalogue_offers::table
            .find(offer)
            .select(catalogue_offers::increased_at)
            .first(conn)?;
        write_version(
            conn,
            user,
            offer,
            Version {
                from_price: current.unit_price_minor,
                price: current.unit_price_minor,
                from_stock: current.stock,
                stock: current.stock - row.quantity,
                version: current.version + 1,
                currency: &current.currency,
                increased_at,
                reason: None,
                order: Some(&row.ocid),
            },
            now,
        )?;
        decide_candidate(conn, order, supplier, "accepted", now)?;
        let written = diesel::update(
            catalogue_orders::table
                .find(order)
                .filter(catalogue_orders::status.eq("awaiting_acceptance"))
                .filter(catalogue_orders::current_rank.eq(row.current_rank)),
        )
        .set((
            catalogue_orders::status.eq("accepted"),
            catalogue_orders::supplier_id.eq(Some(supplier)),
            catalogue_orders::offer_id.eq(Some(offer)),
            catalogue_orders::unit_price.eq(Some(price)),
            catalogue_orders::total.eq(Some(total)),
            catalogue_orders::accepted_at.eq(Some(now)),
            catalogue_orders::delivery_due_at.eq(Some(due)),
            catalogue_orders::accept_by.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
        if written != 1 {
            return Err(conflict("order_not_awaiting", &row.status));
        }
        audit::record(
            conn,
            now,
            &actor,
            NewEvent::on(
                "catalogue_order",
                order,
                "catalogue.order.accepted",
                json!({
                    "supplier_id": supplier,
                    "offer_id": offer,
                    "unit_price": decimal(price, &row.currency),
                    "total": decimal(total, &row.currency),
                    "delivery_due_at": crate::domain::utc::format(due),
                }),
            ),
        )?;
        open_data::on_order_event(conn, order, "catalogue.order.accepted", now)
    })
}

fn decide_candidate(
    conn: &mut DbConnection,
    order: i64,
    supplier: SupplierId,
    outcome: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::update(
        catalogue_order_candidates::table
            .filter(catalogue_order_candidates::order_id.eq(order))
            .filter(catalogue_order_candidates::supplier_id.eq(supplier)),
    )
    .set((
        catalogue_order_candidates::outcome.eq(Some(outcome)),
        catalogue_order_candidates::decided_at.eq(Some(now)),
    ))
    .execute(conn)?;
    Ok(())
}

/// The supplier whose turn it is to accept the order, if any.
fn turn_of(conn: &mut DbConnection, row: &OrderRow) -> Result<Option<SupplierId>, AppError> {
    Ok(catalogue_order_candidates::table
        .filter(catalogue_order_candidates::order_id.eq(row.id))
        .filter(catalogue_order_candidates::rank.eq(row.current_rank))
        .select(catalogue_order_candidates::supplier_id)
        .first(conn)
        .optional()?)
}

/// May `offer` still take an order at `now` (its agreement in force, its supplier neither
/// sanctioned nor suspended; its stock is checked on acceptance)?
fn may_take(conn: &mut DbConnection, offer: OfferId, now: NaiveDateTime) -> Result<bool, AppError> {
    Ok(load_offers(conn, &[offer], now)?
        .first()
        .is_some_and(|o| matches!(o.status, OfferStatus::Active | OfferStatus::OutOfStock)))
}

/// When `supplier` is suspended from `agreement`, the orders awaiting its acceptance pass on
/// at once (it could not accept them); returns how many.
pub fn pass_over_suspended(
    app: &App,
    conn: &mut DbConnection,
    actor: &Actor,
    agreement: AgreementId,
    supplier: SupplierId,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let waiting: Vec<i64> = catalogue_orders::table
        .filter(catalogue_orders::agreement_id.eq(agreement))
        .filter(catalogue_orders::status.eq("awaiting_acceptance"))
        .select(catalogue_orders::id)
        .load(conn)?;
    let mut moved = 0;
    for id in waiting {
        let row = order_row(conn, id)?;
        if turn_of(conn, &row)? != Some(supplier) {
            continue;
        }
        decide_candidate(conn, id, supplier, "barred", now)?;
        audit::record(
            conn,
            now,
            actor,
            NewEvent::on(
                "catalogue_order",
                id,
                "catalogue.order.barred",
                json!({"supplier_id": supplier}),
            ),
        )?;
        pass_on(app, conn, actor, &row, now)?;
        moved += 1;
    }
    Ok(moved)
}

/// The order goes to the next ranked candidate (two business days from `now`), or is void.
fn pass_on(
    app: &App,
    conn: &mut DbConnection,
    actor: &Actor,
    row: &OrderRow,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    // The next in rank whose offer may still be ordered; one suspended from the agreement or
    // sanctioned since it was ranked is barred (it could not accept).
    let mut after = row.current_rank.unwrap_or(0);
    let next: Option<(i32, SupplierId)> = loop {
        let candidate: Option<(i32, SupplierId, OfferId)> = catalogue_order_candidates::table
            .filter(catalogue_order_candidates::order_id.eq(row.id))
            .filter(catalogue_order_candidates::rank.gt(after))
            .order(catalogue_order_candidates::rank.asc())
            .select((
                catalogue_order_candidates::rank.assume_not_null(),
                catalogue_order_candidates::supplier_id,
                catalogue_order_candidates::offer_id,
            ))
            .first(conn)
            .optional()?;
        match candidate {
            Some((rank, supplier, offer)) if !may_take(conn, offer, now)? => {
                decide_candidate(conn, row.id, supplier, "barred", now)?;
                after = rank;
            }
            other => break other.map(|(rank, supplier, _)| (rank, supplier)),
        }
    };
    match next {
        Some((rank, supplier)) => {
            let by = deadline(&app.calendar, now, BUSINESS_DAYS);
            let written = diesel::update(
                catalogue_orders::table
                    .find(row.id)
                    .filter(catalogue_orders::status.eq(&row.status))
                    .filter(
                        catalogue_orders::current_rank
                            .eq(row.current_rank)
                            .or(catalogue_orders::current_rank.is_null()),
                    ),
            )
            .set((
                catalogue_orders::status.eq("awaiting_acceptance"),
                catalogue_orders::current_rank.eq(Some(rank)),
                catalogue_orders::accept_by.eq(Some(by)),
            ))
            .execute(conn)?;
            if written != 1 {
                return Err(conflict("order_not_awaiting", &row.status));
            }
            audit::record(
                conn,
                now,
                actor,
                NewEvent::on(
                    "catalogue_order",
                    row.id,
                    "catalogue.order.passed_on",
                    json!({"supplier_id": supplier, "rank": rank, "accept_by": crate::domain::utc::format(by)}),
                ),
            )?;
            notices::order_notice(app, conn, row.id, supplier, Notice::YourTurn, by, now)
        }
        None => {
            let written = diesel::update(
                catalogue_orders::table
                    .find(row.id)
                    .filter(catalogue_orders::status.eq(&row.status))
                    .filter(
                        catalogue_orders::current_rank
                            .eq(row.current_rank)
                            .or(catalogue_orders::current_rank.is_null()),
                    ),
            )
            .set((
                catalogue_orders::status.eq("void"),
                catalogue_orders::current_rank.eq(None::<i32>),
                catalogue_orders::accept_by.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
            if written != 1 {
                return Err(conflict("order_not_awaiting", &row.status));
            }
            audit::record(
                conn,
                now,
                actor,
                NewEvent::on("catalogue_order", row.id, "catalogue.order.void", json!({})),
            )?;
            open_data::on_order_event(conn, row.id, "catalogue.order.void", now)
        }
    }
}

/// The clock's step for orders at `now`: quote requests whose close has come are ranked by
/// their quotes (or void without one); a supplier whose time to accept has passed is passed
/// over. Returns how many orders moved.
pub fn tick_due(app: &App, conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, AppError> {
    let closing: Vec<i64> = catalogue_orders::table
        .filter(catalogue_orders::status.eq("quoting"))
        .filter(catalogue_orders::quotes_close_at.le(now))
        .select(catalogue_orders::id)
        .load(conn)?;
    let lapsing: Vec<i64> = catalogue_orders::table
        .filter(catalogue_orders::status.eq("awaiting_acceptance"))
        .filter(catalogue_orders::accept_by.le(now))
        .select(catalogue_orders::id)
        .load(conn)?;
    let system = Actor::system();
    let mut moved = 0;
    for id in closing {
        moved += write_transaction(conn, |conn| {
            let row = order_row(conn, id)?;
            // Another server's clock may have closed it already.
            let Some(close) = row.quotes_close_at.filter(|_| row.status == "quoting") else {
                return Ok::<usize, AppError>(0);
            };
            let ranked: Vec<(SupplierId, i64, Option<NaiveDateTime>)> =
                catalogue_order_candidates::table
                    .filter(catalogue_order_candidates::order_id.eq(id))
                    .filter(catalogue_order_candidates::quoted_at.is_not_null())
                    .order((
                        catalogue_order_candidates::unit_price.asc(),
                        catalogue_order_candidates::quoted_at.asc(),
                        catalogue_order_candidates::supplier_id.asc(),
                    ))
                    .select((
                        catalogue_order_candidates::supplier_id,
                        catalogue_order_candidates::unit_price,
                        catalogue_order_candidates::quoted_at,
                    ))
                    .load(conn)?;
            let quotes: Vec<SupplierId> = ranked.iter().map(|(s, _, _)| *s).collect();
            for (i, supplier) in quotes.iter().enumerate() {
                diesel::update(
                    catalogue_order_candidates::table
                        .filter(catalogue_order_candidates::order_id.eq(id))
                        .filter(catalogue_order_candidates::supplier_id.eq(*supplier)),
                )
                .set(
                    catalogue_order_candidates::rank
                        .eq(Some(i32::try_from(i + 1).unwrap_or(i32::MAX))),
                )
                .execute(conn)?;
            }
            audit::record(
                conn,
                now,
                &system,
                NewEvent::on(
                    "catalogue_order",
                    id,
                    "catalogue.order.quotes_closed",
                    json!({"ranking": ranked.iter().map(|(s, p, at)| json!({
                        "supplier_id": s,
                        "unit_price": decimal(*p, &row.currency),
                        "quoted_at": at.map(crate::domain::utc::format),
                    })).collect::<Vec<_>>()}),
                ),
            )?;
            open_data::on_order_event(conn, id, "catalogue.order.quotes_closed", close.max(now))?;
            let closed = OrderRow {
                current_rank: Some(0),
                ..row
            };
            pass_on(app, conn, &system, &closed, close.max(now))?;
            Ok(1)
        })?;
    }
    for id in lapsing {
        moved += write_transaction(conn, |conn| {
            let row = order_row(conn, id)?;
            if row.status != "awaiting_acceptance" || row.accept_by.is_none_or(|by| by > now) {
                return Ok::<usize, AppError>(0);
            }
            if let Some(supplier) = turn_of(conn, &row)? {
                decide_candidate(conn, id, supplier, "lapsed", now)?;
                audit::record(
                    conn,
                    now,
                    &system,
                    NewEvent::on(
                        "catalogue_order",
                        id,
                        "catalogue.order.lapsed",
                        json!({"supplier_id": supplier}),
                    ),
                )?;
            }
            pass_on(app, conn, &system, &row, now)?;
            Ok(1)
        })?;
    }
    Ok(moved)
}

/// What the buyer's officers record of an accepted order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Receipt {
    /// The goods arrived.
    Delivery,
    /// The buyer found them as ordered.
    Conformity,
}

/// Records the order's delivery or conformity at `now` (an officer of the order's buyer;
/// conformity only after delivery; each once).
pub async fn record(
    app: &AppState,
    user: &CurrentUser,
    order: i64,
    what: Receipt,
) -> Result<(), AppError> {
    let (state, user) = (app.clone(), user.clone());
    app.db
        .run(move |conn| {
            let now = state.clock.now_db();
            record_in(conn, &user, order, what, now)
        })
        .await
}

/// [`record`] in `conn`.
pub fn record_in(
    conn: &mut DbConnection,
    user: &CurrentUser,
    order: i64,
    what: Receipt,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    write_transaction(conn, |conn| {
        let row = order_row(conn, order)?;
        if user.role != Role::Officer || user.buyer_id != Some(row.buyer_id) {
            return Err(AppError::Forbidden);
        }
        if row.status != "accepted" {
            return Err(conflict("order_not_accepted", &row.status));
        }
        let conformity: Option<NaiveDateTime> = catalogue_orders::table
            .find(order)
            .select(catalogue_orders::conformity_at)
            .first(conn)?;
        let (changed, action) = match what {
            Receipt::Delivery if row.delivered_at.is_none() => (
                diesel::update(catalogue_orders::table.find(order))
                    .set(catalogue_orders::delivered_at.eq(Some(now)))
                    .execute(conn)?,
                "catalogue.order.delivered",
            ),
            Receipt::Conformity if row.delivered_at.is_some() && conformity.is_none() => (
                diesel::update(catalogue_orders::table.find(order))
                    .set(catalogue_orders::conformity_at.eq(Some(now)))
                    .execute(conn)?,
                "catalogue.order.conformity",
            ),
            Receipt::Delivery => return Err(conflict("already_delivered", &row.status)),
            Receipt::Conformity if row.delivered_at.is_none() => {
                return Err(conflict("not_delivered", &row.status));
            }
            Receipt::Conformity => return Err(conflict("already_conformed", &row.status)),
        };
        if changed == 1 {
            audit::record(
                conn,
                now,
                &Actor::user(user.id, user.role),
                NewEvent::on("catalogue_order", order, action, json!({})),
            )?;
            open_data::on_order_event(conn, order, action, now)?;
        }
        Ok(())
    })
}

/// The order as shown to anyone ([`view_in`]), with its red flags.
pub async fn view(app: &AppState, order: i64) -> Result<OrderView, AppError> {
    let (now, thresholds) = (app.clock.now_db(), Thresholds::of(&app.settings));
    app.db
        .run(move |conn| {
            let mut view = view_in(conn, order, now)?;
            let rows = flags::rows(conn, Some(&[view.buyer_id]))?;
            view.flags = flags::judge(&rows, thresholds)
                .remove(&view.id)
                .unwrap_or_default();
            Ok(view)
        })
        .await
}

type Contract = (
    Option<i64>,
    Option<i64>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<String>,
    NaiveDateTime,
    String,
    String,
);

/// The order at `now`: quotes stay sealed while the request is open.
pub fn view_in(
    conn: &mut DbConnection,
    order: i64,
    now: NaiveDateTime,
) -> Result<OrderView, AppError> {
    let row = order_row(conn, order)?;
    let (
        unit_price,
        total,
        accepted_at,
        due,
        conformity_at,
        choice_reason,
        created_at,
        product,
        buyer_name,
    ): Contract = catalogue_orders::table
        .inner_join(catalogue_products::table)
        .inner_join(buyers::table)
        .filter(catalogue_orders::id.eq(order))
        .select((
            catalogue_orders::unit_price,
            catalogue_orders::total,
            catalogue_orders::accepted_at,
            catalogue_orders::delivery_due_at,
            catalogue_orders::conformity_at,
            catalogue_orders::choice_reason,
            catalogue_orders::created_at,
            catalogue_products::name,
            buyers::name,
        ))
        .first(conn)?;
    let sealed = row.status == "quoting";
    let quotes_received: i64 = catalogue_order_candidates::table
        .filter(catalogue_order_candidates::order_id.eq(order))
        .filter(catalogue_order_candidates::quoted_at.is_not_null())
        .count()
        .get_result(conn)?;
    let candidates: Vec<CandidateView> = catalogue_order_candidates::table
        .inner_join(suppliers::table)
        .filter(catalogue_order_candidates::order_id.eq(order))
        .order((
            catalogue_order_candidates::rank.is_null(),
            catalogue_order_candidates::rank.asc(),
            suppliers::legal_name.asc(),
        ))
        .select((
            catalogue_order_candidates::supplier_id,
            suppliers::legal_name,
            suppliers::ruc,
            catalogue_order_candidates::offer_id,
            catalogue_order_candidates::unit_price,
            catalogue_order_candidates::quoted_at,
            catalogue_order_candidates::rank,
            catalogue_order_candidates::outcome,
        ))
        .load::<(
            SupplierId,
            String,
            String,
            OfferId,
            i64,
            Option<NaiveDateTime>,
            Option<i32>,
            Option<String>,
        )>(conn)?
        .into_iter()
        .map(
            |(supplier_id, name, ruc, offer_id, price, quoted_at, rank, outcome)| CandidateView {
                supplier_id,
                supplier_name: name,
                supplier_ruc: ruc,
                offer_id,
                unit_price: (!sealed && (row.kind == "direct" || quoted_at.is_some()))
                    .then(|| decimal(price, &row.currency)),
                quoted: !sealed && quoted_at.is_some(),
                rank,
                outcome,
            },
        )
        .collect();
    let awaiting = candidates
        .iter()
        .find(|c| row.status == "awaiting_acceptance" && c.rank == row.current_rank)
        .map(|c| c.supplier_id);
    let supplier_name = row.supplier_id.and_then(|s| {
        candidates
            .iter()
            .find(|c| c.supplier_id == s)
            .map(|c| c.supplier_name.clone())
    });
    let median: Option<i64> = catalogue_orders::table
        .find(order)
        .select(catalogue_orders::median_price)
        .first(conn)?;
    let median = median.map(|m| decimal(m, &row.currency));
    let late = match (due, row.delivered_at) {
        (Some(due), Some(delivered)) => delivered > due,
        (Some(due), None) => now > due,
        _ => false,
    };
    Ok(OrderView {
        id: row.id,
        ocid: row.ocid,
        agreement_id: row.agreement_id,
        product_id: row.product_id,
        product,
        buyer_id: row.buyer_id,
        buyer_name,
        department: row.department,
        quantity: row.quantity,
        kind: row.kind,
        status: row.status,
        choice_reason,
        quotes_close_at: row.quotes_close_at,
        accept_by: row.accept_by,
        awaiting,
        candidates,
        quotes_received: usize::try_from(quotes_received).unwrap_or(0),
        supplier_id: row.supplier_id,
        supplier_name,
        unit_price: unit_price.map(|p| decimal(p, &row.currency)),
        total: total.map(|t| decimal(t, &row.currency)),
        catalogue_median: median,
        accepted_at,
        delivery_due_at: due,
        delivered_at: row.delivered_at,
        conformity_at,
        late,
        created_at,
        currency: row.currency,
        flags: Vec::new(),
    })
}

/// A page of orders, the newest first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrderList {
    /// The orders.
    pub orders: Vec<OrderView>,
    /// All matches.
    pub total: i64,
    /// This page.
    pub page: u32,
}

/// Which orders to list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct OrderQuery {
    /// Only this buying entity's.
    pub buyer: Option<i64>,
    /// Only those this supplier was asked for (a candidate).
    pub supplier: Option<i64>,
    /// Page number, from 1 (20 a page).
    #[param(minimum = 1, maximum = 10000)]
    pub page: Option<u32>,
}

/// The orders, newest first (anyone).
pub async fn list(app: &AppState, query: &OrderQuery) -> Result<OrderList, AppError> {
    let page = query.page.unwrap_or(1);
    if !(1..=10_000).contains(&page) {
        return Err(AppError::Validation(vec![
            FieldError::new("page", "out_of_range")
                .arg("min", 1)
                .arg("max", 10_000),
        ]));
    }
    let (query, now) = (query.clone(), app.clock.now_db());
    let thresholds = Thresholds::of(&app.settings);
    app.db
        .run(move |conn| {
            let matching = || {
                let mut q = catalogue_orders::table.into_boxed();
                if let Some(buyer) = query.buyer {
                    q = q.filter(catalogue_orders::buyer_id.eq(BuyerId(buyer)));
                }
                if let Some(supplier) = query.supplier {
                    q = q.filter(
                        catalogue_orders::id.eq_any(
                            catalogue_order_candidates::table
                                .filter(
                                    catalogue_order_candidates::supplier_id
                                        .eq(SupplierId(supplier)),
                                )
                                .select(catalogue_order_candidates::order_id),
                        ),
                    );
                }
                q
            };
            let total: i64 = matching().count().get_result(conn)?;
            let ids: Vec<i64> = matching()
                .order(catalogue_orders::id.desc())
                .limit(20)
                .offset(i64::from(page - 1) * 20)
                .select(catalogue_orders::id)
                .load(conn)?;
            let mut orders = ids
                .into_iter()
                .map(|id| view_in(conn, id, now))
                .collect::<Result<Vec<_>, _>>()?;
            let mut buyers: Vec<BuyerId> = orders.iter().map(|o| o.buyer_id).collect();
            buyers.sort_unstable();
            buyers.dedup();
            let mut judged = flags::judge(&flags::rows(conn, Some(&buyers))?, thresholds);
            for order in &mut orders {
                order.flags = judged.remove(&order.id).unwrap_or_default();
            }
            Ok(OrderList {
                orders,
                total,
                page,
            })
        })
        .await
}

/// An order waiting for a supplier's company: its answer, or its quote.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PendingOrder {
    /// The order.
    pub id: i64,
    /// Its ocid.
    pub ocid: String,
    /// The product.
    pub product: String,
    /// Units.
    pub quantity: i64,
    /// Where to.
    pub department: String,
    /// The buying entity.
    pub buyer_name: String,
    /// `answer` (accept or decline) or `quote`.
    pub awaits: String,
    /// Until when (UTC).
    #[serde(with = "crate::domain::utc")]
    pub deadline: NaiveDateTime,
    /// A quote request: the company's quote so far (a decimal amount), if any.
    pub my_quote: Option<String>,
}

type PendingRow = (
    i64,
    String,
    String,
    i64,
    String,
    String,
    String,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<i32>,
    Option<i32>,
    i64,
    Option<NaiveDateTime>,
    String,
);

/// The orders waiting for the caller's company (suppliers): those whose turn to accept is
/// its own and the open quote requests it is invited to, the nearest deadline first.
pub async fn pending(app: &AppState, user: &CurrentUser) -> Result<Vec<PendingOrder>, AppError> {
    let Some(supplier) = user.supplier_id.filter(|_| user.role == Role::Supplier) else {
        return Err(AppError::Forbidden);
    };
    let now = app.clock.now_db();
    app.db
        .run(move |conn| {
            let rows: Vec<PendingRow> = catalogue_order_candidates::table
                .inner_join(
                    catalogue_orders::table
                        .inner_join(catalogue_products::table)
                        .inner_join(buyers::table),
                )
                .filter(catalogue_order_candidates::supplier_id.eq(supplier))
                .filter(catalogue_orders::status.eq_any(["quoting", "awaiting_acceptance"]))
                .select((
                    catalogue_orders::id,
                    catalogue_orders::ocid,
                    catalogue_products::name,
                    catalogue_orders::quantity,
                    catalogue_orders::department,
                    buyers::name,
                    catalogue_orders::status,
                    catalogue_orders::quotes_close_at,
                    catalogue_orders::accept_by,
                    catalogue_orders::current_rank,
                    catalogue_order_candidates::rank,
                    catalogue_order_candidates::unit_price,
                    catalogue_order_candidates::quoted_at,
                    catalogue_orders::currency,
                ))
                .load(conn)?;
            let mut out: Vec<PendingOrder> = rows
                .into_iter()
                .filter_map(
                    |(
                        id,
                        ocid,
                        product,
                        quantity,
                        department,
                        buyer_name,
                        status,
                        close,
                        by,
                        turn,
                        rank,
                        price,
                        quoted_at,
                        currency,
                    )| {
                        let (awaits, deadline) = match status.as_str() {
                            "quoting" => ("quote", close?),
                            _ if turn.is_some() && turn == rank => ("answer", by?),
                            _ => return None,
                        };
                        (deadline > now).then(|| PendingOrder {
                            id,
                            ocid,
                            product,
                            quantity,
                            department,
                            buyer_name,
                            awaits: awaits.into(),
                            deadline,
                            my_quote: quoted_at.map(|_| decimal(price, &currency)),
                        })
                    },
                )
                .collect();
            out.sort_by_key(|p| (p.deadline, p.id));
            Ok(out)
        })
        .await
}
