//! The JSON API under `/api/v1`, plus `/health` and `/ready`.
//!
//! Every operation is declared once in [`operations`] (its path from its `#[utoipa::path]`);
//! each resource module holds its handlers with their
//! request and response types. Handlers parse input into domain types and call the same
//! service functions the pages call. Errors are `application/problem+json` in the caller's
//! language ([`localize`]).

mod accounts;
mod auctions;
mod audit;
mod awards;
pub mod bids;
mod catalogue;
mod docs;
mod ocds;
mod ops;
mod suppliers;
mod tenders;
mod transparency;

use axum::{
    Router,
    extract::{FromRequestParts, Request},
    http::request::Parts,
    middleware::{self, Next},
    response::Response,
    routing::get,
};
use std::sync::Arc;
use utoipa_axum::{
    router::{OpenApiRouter, UtoipaMethodRouterExt},
    routes,
};

use crate::{
    app::AppState,
    auth::{self, CSRF_HEADER, CurrentUser},
    domain::Role,
    error::AppError,
    i18n::Lang,
};

use crate::http::{ApiJson, ApiPath, ApiQuery, ClientAddress};
pub use docs::ApiDoc;

/// Every JSON operation under `/api/v1`, each declared once: its route is read from its
/// `#[utoipa::path]`, so the router and the OpenAPI document ([`docs::openapi`]) cannot
/// disagree. Operations on one path with several methods are one `routes!`.
pub(crate) fn operations() -> OpenApiRouter<AppState> {
    // Uploads and bids enforce LICITA_UPLOAD_MAX_MB and the bid limit themselves while
    // streaming.
    let unlimited = axum::extract::DefaultBodyLimit::disable;
    OpenApiRouter::default()
        .routes(routes!(accounts::login))
        .routes(routes!(accounts::logout))
        .routes(routes!(accounts::verify_email))
        .routes(routes!(accounts::request_password_reset))
        .routes(routes!(accounts::confirm_password_reset))
        .routes(routes!(accounts::me))
        .routes(routes!(accounts::change_password))
        .routes(routes!(accounts::list_buyers, accounts::create_buyer))
        .routes(routes!(accounts::list_users, accounts::create_user))
        .routes(routes!(suppliers::registry_permission))
        .routes(routes!(suppliers::directory, suppliers::register))
        .routes(routes!(suppliers::detail))
        .routes(routes!(suppliers::eligibility))
        .routes(routes!(suppliers::members))
        .routes(routes!(suppliers::remove_member))
        .routes(routes!(suppliers::update_profile))
        .routes(routes!(suppliers::invite))
        .routes(routes!(suppliers::transfer))
        .routes(routes!(suppliers::decide))
        .routes(routes!(suppliers::change_identity))
        .routes(routes!(suppliers::accept))
        .routes(routes!(suppliers::queue))
        .routes(routes!(suppliers::sanctions))
        .routes(routes!(suppliers::catalogue_lists))
        .routes(routes!(tenders::search, tenders::create))
        .routes(routes!(tenders::detail, tenders::update))
        .routes(routes!(tenders::draft))
        .routes(routes!(tenders::publish))
        .routes(routes!(tenders::cancel))
        .routes(routes!(tenders::amend))
        .routes(routes!(tenders::upload).layer(unlimited()))
        .routes(routes!(tenders::download))
        .routes(routes!(tenders::ask))
        .routes(routes!(tenders::answer))
        .routes(routes!(tenders::follow))
        .routes(routes!(tenders::mine))
        .routes(routes!(tenders::alerts, tenders::set_alerts))
        .routes(routes!(bids::on_tender, bids::submit).layer(unlimited()))
        .routes(routes!(bids::replace, bids::withdraw).layer(unlimited()))
        .routes(routes!(bids::confirm))
        .routes(routes!(bids::sealing))
        .routes(routes!(bids::bid_documents))
        .routes(routes!(bids::bid_document))
        .routes(routes!(bids::opening_status, bids::give_share))
        .routes(routes!(bids::mine))
        .routes(routes!(bids::opening_key, bids::set_opening_key))
        .routes(routes!(bids::proof))
        .routes(routes!(bids::verify))
        .routes(routes!(bids::receipt_key))
        .routes(routes!(catalogue::search))
        .routes(routes!(catalogue::categories))
        .routes(routes!(catalogue::product))
        .routes(routes!(catalogue::mine))
        .routes(routes!(catalogue::change))
        .routes(routes!(catalogue::order_options))
        .routes(routes!(catalogue::place_order))
        .routes(routes!(catalogue::list_orders))
        .routes(routes!(catalogue::order))
        .routes(routes!(catalogue::quote))
        .routes(routes!(catalogue::answer_order))
        .routes(routes!(catalogue::delivery))
        .routes(routes!(catalogue::conformity))
        .routes(routes!(catalogue::pending_orders))
        .routes(routes!(catalogue::agreements))
        .routes(routes!(catalogue::agreement))
        .routes(routes!(catalogue::suspend_party))
        .routes(routes!(catalogue::lift_suspension))
        .routes(routes!(auctions::schedule))
        .routes(routes!(auctions::show))
        .routes(routes!(auctions::lance))
        .routes(routes!(auctions::transcript))
        .routes(routes!(auctions::events))
        .routes(routes!(awards::evaluation))
        .routes(routes!(awards::evaluate))
        .routes(routes!(awards::preview, awards::award))
        .routes(routes!(awards::tender_awards))
        .routes(routes!(awards::award_detail))
        .routes(routes!(awards::file_complaint))
        .routes(routes!(awards::record_contract))
        .routes(routes!(awards::decide_complaint))
        .routes(routes!(awards::complaint_document))
        .routes(routes!(awards::modify_contract))
        .routes(routes!(awards::contract_document))
        .routes(routes!(awards::audit_awards))
        .routes(routes!(awards::audit_awards_csv))
        .routes(routes!(awards::timeline))
        .routes(routes!(awards::record_finding))
        .routes(routes!(awards::update_finding))
        .routes(routes!(audit::verify))
        .routes(routes!(audit::chain))
        .routes(routes!(audit::checkpoint_list))
        .routes(routes!(audit::consistency))
        .routes(routes!(audit::checkpoint))
        .routes(routes!(audit::head_proof))
        .routes(routes!(ocds::releases))
        .routes(routes!(ocds::release))
        .routes(routes!(ocds::record))
        .routes(routes!(ocds::bulk))
        .routes(routes!(ocds::complaints_extension))
        .routes(routes!(transparency::dashboard))
        .routes(routes!(transparency::dashboard_csv))
        .routes(routes!(transparency::public_awards))
        .routes(routes!(transparency::supplier_awards))
}

/// The probes at the root (`/health`, `/ready`).
pub(crate) fn probes() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(ops::health))
        .routes(routes!(ops::ready))
}

/// Every JSON route: [`operations`] under `/api/v1`, the probes, the document and its viewer.
pub fn router() -> Router<AppState> {
    let (v1, _) = operations().split_for_parts();
    let v1 = v1
        .route("/openapi.json", get(docs::openapi_json))
        .fallback(not_found);
    // JSON answers are about one caller at one moment: never kept by a browser or a proxy
    // (documents set their own policy).
    let v1 = v1.layer(
        tower_http::set_header::SetResponseHeaderLayer::if_not_present(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        ),
    );
    let (probes, _) = probes().split_for_parts();
    Router::new()
        .nest("/api/v1", v1)
        .merge(probes)
        .route("/api/docs", get(docs::swagger_page))
        .route("/api/docs/{asset}", get(docs::swagger_asset))
        .layer(middleware::from_fn(localize))
}

async fn not_found() -> AppError {
    AppError::NotFound
}

/// Re-renders an error response in the caller's language (the error itself is attached to
/// the response by [`AppError::to_response`]).
async fn localize(request: Request, next: Next) -> Response {
    let lang = crate::http::lang_from_headers(request.headers());
    let response = next.run(request).await;
    if lang == Lang::Es {
        return response;
    }
    match response.extensions().get::<Arc<AppError>>().cloned() {
        Some(error) => error.to_response(lang),
        None => response,
    }
}

/// The signed-in caller of an API route. Rejects with 401 without a valid token, and with 403
/// when a cookie-authenticated request that changes state lacks the `X-CSRF-Token` header.
#[derive(Debug, Clone)]
pub struct ApiUser(pub CurrentUser);

impl ApiUser {
    /// Fails with 403 unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<&CurrentUser, AppError> {
        self.0.require(roles).map(|()| &self.0)
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let user = auth::authenticate(state, &parts.headers)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if user.via_cookie && !parts.method.is_safe() {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !crate::keys::secrets_equal(sent, &user.csrf) {
                return Err(AppError::Csrf);
            }
        }
        Ok(Self(user))
    }
}

/// The caller if signed in (`None` without a token). An invalid token is still a 401, and a
/// cookie-authenticated change still needs its CSRF header.
#[derive(Debug, Clone)]
pub struct MaybeApiUser(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeApiUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if auth::token_from_headers(&parts.headers).is_none() {
            return Ok(Self(None));
        }
        ApiUser::from_request_parts(parts, state)
            .await
            .map(|ApiUser(user)| Self(Some(user)))
    }
}
