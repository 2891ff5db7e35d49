//! Routes of the electronic catalogue of the framework agreements: anyone searches it and
//! reads a product's offers, their price spread and history; a supplier reads its own offers
//! and changes their price or stock under the price rules. Orders: anyone compares a
//! product's offers for a department and a quantity and reads the orders; a buying entity's
//! officer orders; suppliers quote and accept or decline; the buyer records the delivery.
//! Agreements: anyone reads them; their central body's officers suspend and reinstate parties.

use axum::{Json, extract::State, http::StatusCode};

use super::{ApiJson, ApiPath, ApiQuery, ApiUser, awards::Created};
use crate::{
    app::AppState,
    domain::{AgreementId, OfferId, ProductId},
    error::{AppError, Problem},
    framework::{
        self, CatalogueCategory, CatalogueOffer, CataloguePage, CatalogueQuery, OfferChangeInput,
        ProductPage,
        agreements::{self, AgreementView, LiftInput, SuspensionInput},
        offers::MyOffer,
        orders::{
            self, AnswerInput, OptionsQuery, OrderInput, OrderList, OrderOptions, OrderQuery,
            OrderView, PendingOrder, QuoteInput, Receipt,
        },
    },
};

/// The offers of the agreements in force, the cheapest first: by words, category,
/// department (it delivers there) and unit price.
#[utoipa::path(get, path = "/catalogue/offers", tag = "catalogue", params(CatalogueQuery), responses(
    (status = 200, body = CataloguePage),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn search(
    State(app): State<AppState>,
    ApiQuery(query): ApiQuery<CatalogueQuery>,
) -> Result<Json<CataloguePage>, AppError> {
    Ok(Json(framework::search(&app, &query).await?))
}

/// The categories of the agreements in force.
#[utoipa::path(get, path = "/catalogue/categories", tag = "catalogue", responses(
    (status = 200, body = Vec<CatalogueCategory>)))]
pub async fn categories(
    State(app): State<AppState>,
) -> Result<Json<Vec<CatalogueCategory>>, AppError> {
    Ok(Json(framework::categories(&app).await?))
}

/// A product's sheet, its offers (the cheapest first), the spread of the orderable offers'
/// prices and every price any offer of it had.
#[utoipa::path(get, path = "/catalogue/products/{id}", tag = "catalogue",
    params(("id" = i64, Path)), responses(
    (status = 200, body = ProductPage),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn product(
    State(app): State<AppState>,
    ApiPath(id): ApiPath<ProductId>,
) -> Result<Json<ProductPage>, AppError> {
    Ok(Json(framework::product_page(&app, id).await?))
}

/// The caller's company's offers, with what the price rules allow each now (suppliers).
#[utoipa::path(get, path = "/me/catalogue-offers", tag = "catalogue", security(("bearer" = [])), responses(
    (status = 200, body = Vec<MyOffer>),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn mine(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<MyOffer>>, AppError> {
    Ok(Json(framework::my_offers(&app, &user).await?))
}

/// Changes an offer's unit price or stock (a member of its supplier), on the version the
/// caller read: a decrease and any stock at will; an increase with a reason, within the
/// largest step and not before the days between increases have passed.
#[utoipa::path(put, path = "/catalogue/offers/{id}", tag = "catalogue", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = OfferChangeInput, responses(
    (status = 200, body = CatalogueOffer),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json", description = "Not a member of the offer's supplier"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json", description = "The offer changed since that version, or its agreement is not in force"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn change(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<OfferId>,
    ApiJson(input): ApiJson<OfferChangeInput>,
) -> Result<Json<CatalogueOffer>, AppError> {
    Ok(Json(framework::change_offer(&app, &user, id, input).await?))
}

/// The offers an order of the product could go to, for a department and a quantity: those
/// that may take it first, the cheapest first, each with the order's value, the delivery
/// days and, if it may not, why; and whether the order would be direct or a quote request.
#[utoipa::path(get, path = "/catalogue/products/{id}/order-options", tag = "catalogue",
    params(("id" = i64, Path), OptionsQuery), responses(
    (status = 200, body = OrderOptions),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn order_options(
    State(app): State<AppState>,
    ApiPath(id): ApiPath<ProductId>,
    ApiQuery(query): ApiQuery<OptionsQuery>,
) -> Result<Json<OrderOptions>, AppError> {
    Ok(Json(orders::options(&app, id, &query).await?))
}

/// Orders the product (a buying entity's officer): below the quote threshold a direct order
/// to the lowest price or, with a reason, to another offer; at or above it a quote request
/// to every supplier delivering there.
#[utoipa::path(post, path = "/catalogue/products/{id}/orders", tag = "catalogue", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = OrderInput, responses(
    (status = 201, body = Created),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json", description = "Not a buying entity's officer"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json", description = "The agreement is not in force"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn place_order(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<ProductId>,
    ApiJson(input): ApiJson<OrderInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let order = orders::place(&app, &user, id, input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: order })))
}

/// The catalogue's orders, the newest first (anyone): what was bought, by whom, from whom
/// and at what price.
#[utoipa::path(get, path = "/catalogue/orders", tag = "catalogue", params(OrderQuery), responses(
    (status = 200, body = OrderList),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list_orders(
    State(app): State<AppState>,
    ApiQuery(query): ApiQuery<OrderQuery>,
) -> Result<Json<OrderList>, AppError> {
    Ok(Json(orders::list(&app, &query).await?))
}

/// One order (anyone); a quote request's quotes stay sealed until it closes.
#[utoipa::path(get, path = "/catalogue/orders/{id}", tag = "catalogue",
    params(("id" = i64, Path)), responses(
    (status = 200, body = OrderView),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn order(
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<OrderView>, AppError> {
    Ok(Json(orders::view(&app, id).await?))
}

/// Quotes on an open quote request (an invited supplier; again to replace its quote), at
/// most its catalogue price.
#[utoipa::path(put, path = "/catalogue/orders/{id}/quote", tag = "catalogue", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = QuoteInput, responses(
    (status = 204),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json", description = "Not invited to quote"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json", description = "The request is closed"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn quote(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<QuoteInput>,
) -> Result<StatusCode, AppError> {
    orders::quote(&app, &user, id, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Accepts or declines an order whose turn is the caller's company's, within its two
/// business days.
#[utoipa::path(post, path = "/catalogue/orders/{id}/answer", tag = "catalogue", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = AnswerInput, responses(
    (status = 204),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json", description = "Not a supplier the order may go to"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json", description = "Not the company's turn, the time passed, or the stock is short"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn answer_order(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<AnswerInput>,
) -> Result<StatusCode, AppError> {
    orders::answer(&app, &user, id, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records that the order was delivered, now (an officer of the order's buyer).
#[utoipa::path(post, path = "/catalogue/orders/{id}/delivery", tag = "catalogue", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 204),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json", description = "Not accepted, or delivered already")))]
pub async fn delivery(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    orders::record(&app, &user, id, Receipt::Delivery).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records the buyer's conformity with the delivery, now (an officer of the order's buyer,
/// after the delivery).
#[utoipa::path(post, path = "/catalogue/orders/{id}/conformity", tag = "catalogue", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 204),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json", description = "Not delivered yet, or conformity given already")))]
pub async fn conformity(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    orders::record(&app, &user, id, Receipt::Conformity).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The orders waiting for the caller's company (suppliers): its turn to accept or decline,
/// and the open quote requests it is invited to (with its quote so far), the nearest
/// deadline first.
#[utoipa::path(get, path = "/me/catalogue-orders", tag = "catalogue", security(("bearer" = [])), responses(
    (status = 200, body = Vec<PendingOrder>),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn pending_orders(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<PendingOrder>>, AppError> {
    Ok(Json(orders::pending(&app, &user).await?))
}

/// The framework agreements, the newest first (anyone): term, central body, parties and
/// their suspensions.
#[utoipa::path(get, path = "/catalogue/agreements", tag = "catalogue", responses(
    (status = 200, body = Vec<AgreementView>)))]
pub async fn agreements(State(app): State<AppState>) -> Result<Json<Vec<AgreementView>>, AppError> {
    Ok(Json(agreements::list(&app).await?))
}

/// A framework agreement (anyone).
#[utoipa::path(get, path = "/catalogue/agreements/{id}", tag = "catalogue",
    params(("id" = i64, Path)), responses(
    (status = 200, body = AgreementView),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn agreement(
    State(app): State<AppState>,
    ApiPath(id): ApiPath<AgreementId>,
) -> Result<Json<AgreementView>, AppError> {
    Ok(Json(agreements::view(&app, id).await?))
}

/// Suspends a party from the agreement until the end of a Lima day, with its reason (the
/// central purchasing body's officers): meanwhile its offers cannot be ordered.
#[utoipa::path(post, path = "/catalogue/agreements/{id}/suspensions", tag = "catalogue", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = SuspensionInput, responses(
    (status = 201, body = Created),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json", description = "Not an officer of the agreement's central purchasing body"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn suspend_party(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<AgreementId>,
    ApiJson(input): ApiJson<SuspensionInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let suspension = agreements::suspend(&app, &user, id, input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: suspension })))
}

/// Lifts a suspension early, with its reason (the central purchasing body's officers).
#[utoipa::path(post, path = "/catalogue/agreements/{id}/suspensions/{suspension}/lift", tag = "catalogue", security(("bearer" = [])),
    params(("id" = i64, Path), ("suspension" = i64, Path)), request_body = LiftInput, responses(
    (status = 204),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json", description = "Not an officer of the agreement's central purchasing body"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json", description = "Lifted already, or ended"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn lift_suspension(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, suspension)): ApiPath<(AgreementId, i64)>,
    ApiJson(input): ApiJson<LiftInput>,
) -> Result<StatusCode, AppError> {
    agreements::lift(&app, &user, id, suspension, input).await?;
    Ok(StatusCode::NO_CONTENT)
}
