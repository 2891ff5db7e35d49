//! The JSON API under `/api/v1`, plus `/health` and `/ready`.
//!
//! Every route is listed in [`router`]; each resource module holds its handlers with their
//! request and response types. Handlers parse input into domain types and call the same
//! service functions the pages call. Errors are `application/problem+json` in the caller's
//! language ([`localize`]).

mod accounts;
mod audit;
mod awards;
pub mod bids;
mod docs;
mod ops;
mod suppliers;
mod tenders;

use axum::{
    Router,
    extract::{FromRequestParts, Request},
    http::request::Parts,
    middleware::{self, Next},
    response::Response,
    routing::{delete, get, post, put},
};
use std::sync::Arc;

use crate::{
    app::AppState,
    auth::{self, CSRF_HEADER, CurrentUser},
    domain::Role,
    error::AppError,
    i18n::Lang,
};

use crate::http::{ApiJson, ApiPath, ApiQuery, ClientAddress};
pub use docs::ApiDoc;

/// Every JSON route.
pub fn router() -> Router<AppState> {
    let v1 = Router::new()
        .route("/auth/login", post(accounts::login))
        .route("/auth/logout", post(accounts::logout))
        .route("/auth/verify-email", post(accounts::verify_email))
        .route("/me", get(accounts::me))
        .route("/me/password", post(accounts::change_password))
        .route(
            "/buyers",
            get(accounts::list_buyers).post(accounts::create_buyer),
        )
        .route(
            "/users",
            get(accounts::list_users).post(accounts::create_user),
        )
        .route(
            "/users/{id}/registry-officer",
            put(suppliers::registry_permission),
        )
        .route(
            "/suppliers",
            get(suppliers::directory).post(suppliers::register),
        )
        .route("/suppliers/{id}", get(suppliers::detail))
        .route("/suppliers/{id}/eligibility", get(suppliers::eligibility))
        .route("/suppliers/{id}/members", get(suppliers::members))
        .route(
            "/suppliers/{id}/members/{user_id}",
            delete(suppliers::remove_member),
        )
        .route("/suppliers/{id}/profile", put(suppliers::update_profile))
        .route("/suppliers/{id}/invitations", post(suppliers::invite))
        .route("/suppliers/{id}/owner", post(suppliers::transfer))
        .route("/suppliers/{id}/decisions", post(suppliers::decide))
        .route("/suppliers/{id}/identity", put(suppliers::change_identity))
        .route("/invitations/accept", post(suppliers::accept))
        .route("/registry/queue", get(suppliers::queue))
        .route("/sanctions", get(suppliers::sanctions))
        .route("/catalogue", get(suppliers::catalogue_lists))
        .route("/tenders", get(tenders::search).post(tenders::create))
        .route("/tenders/{id}", get(tenders::detail).put(tenders::update))
        .route("/tenders/{id}/draft", get(tenders::draft))
        .route("/tenders/{id}/publish", post(tenders::publish))
        .route("/tenders/{id}/cancel", post(tenders::cancel))
        .route("/tenders/{id}/amendments", post(tenders::amend))
        .route(
            "/tenders/{id}/documents",
            // Uploads enforce LICITA_UPLOAD_MAX_MB themselves while streaming.
            post(tenders::upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/tenders/{id}/documents/{document_id}",
            get(tenders::download),
        )
        .route("/tenders/{id}/enquiries", post(tenders::ask))
        .route(
            "/tenders/{id}/enquiries/{enquiry_id}/answer",
            post(tenders::answer),
        )
        .route("/tenders/{id}/follow", put(tenders::follow))
        .route("/me/tenders", get(tenders::mine))
        .route("/me/alerts", get(tenders::alerts).put(tenders::set_alerts))
        .route(
            "/tenders/{id}/bids",
            get(bids::on_tender)
                .post(bids::submit)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/tenders/{id}/bids/{bid}",
            put(bids::replace)
                .delete(bids::withdraw)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/tenders/{id}/bids/{bid}/confirm", post(bids::confirm))
        .route("/tenders/{id}/sealing", get(bids::sealing))
        .route(
            "/tenders/{id}/bids/{bid}/documents",
            get(bids::bid_documents),
        )
        .route(
            "/tenders/{id}/bids/{bid}/documents/{position}",
            get(bids::bid_document),
        )
        .route(
            "/tenders/{id}/opening",
            get(bids::opening_status).post(bids::give_share),
        )
        .route("/me/bids", get(bids::mine))
        .route(
            "/me/opening-key",
            get(bids::opening_key).put(bids::set_opening_key),
        )
        .route("/bids/{bid}/proof", get(bids::proof))
        .route("/receipts/verify", post(bids::verify))
        .route("/receipts/key", get(bids::receipt_key))
        .route("/tenders/{id}/evaluation", get(awards::evaluation))
        .route(
            "/tenders/{id}/lots/{lot}/bids/{bid}/evaluation",
            put(awards::evaluate),
        )
        .route(
            "/tenders/{id}/lots/{lot}/award",
            get(awards::preview).post(awards::award),
        )
        .route("/tenders/{id}/awards", get(awards::tender_awards))
        .route("/awards/{id}", get(awards::award_detail))
        .route("/awards/{id}/complaints", post(awards::file_complaint))
        .route("/awards/{id}/contract", post(awards::record_contract))
        .route("/complaints/{id}/decision", post(awards::decide_complaint))
        .route(
            "/complaints/{id}/documents/{position}",
            get(awards::complaint_document),
        )
        .route(
            "/contracts/{id}/modifications",
            post(awards::modify_contract),
        )
        .route(
            "/contracts/{id}/documents/{position}",
            get(awards::contract_document),
        )
        .route("/audit/awards", get(awards::audit_awards))
        .route("/audit/awards.csv", get(awards::audit_awards_csv))
        .route("/audit/tenders/{id}/timeline", get(awards::timeline))
        .route("/audit/tenders/{id}/findings", post(awards::record_finding))
        .route("/audit/findings/{id}", put(awards::update_finding))
        .route("/audit/verify", get(audit::verify))
        .route("/audit/chains/{chain}", get(audit::chain))
        .route("/audit/checkpoints", get(audit::checkpoint_list))
        .route("/audit/checkpoints/consistency", get(audit::consistency))
        .route("/audit/checkpoints/{id}", get(audit::checkpoint))
        .route("/audit/checkpoints/{id}/proof", get(audit::head_proof))
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
    Router::new()
        .nest("/api/v1", v1)
        .route("/api/docs", get(docs::swagger_page))
        .route("/api/docs/{asset}", get(docs::swagger_asset))
        .route("/health", get(ops::health))
        .route("/ready", get(ops::ready))
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
        if roles.contains(&self.0.role) {
            Ok(&self.0)
        } else {
            Err(AppError::Forbidden)
        }
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
