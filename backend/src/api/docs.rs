//! The OpenAPI document (utoipa) and the vendored Swagger UI that browses it offline.

use axum::{
    Json,
    extract::Path,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

use crate::error::AppError;

/// The OpenAPI document's frame (title, tags, security); its paths come from the route
/// table ([`openapi`]).
#[derive(OpenApi)]
#[openapi(
    info(title = "Licita API", description = "Government e-procurement marketplace (G2B). Errors are RFC 9457 problem documents in the caller's language (Accept-Language: es or en)."),
    modifiers(&BearerAuth),
    tags(
        (name = "accounts", description = "Sign in, sessions and one's own account"),
        (name = "administration", description = "Buyer entities and user accounts"),
        (name = "audit", description = "The hash-chained audit log"),
        (name = "suppliers", description = "Supplier registration, directory, profile, members and sanctions"),
        (name = "registry", description = "Review of suppliers by registry officers"),
        (name = "tenders", description = "Tenders: search, drafting, documents, publication, enquiries, amendments, cancellation, alerts"),
        (name = "bids", description = "Sealed bids: submission, receipts, inclusion proofs, committee keys and the opening"),
        (name = "auctions", description = "The reverse auction (subasta inversa electrónica): scheduling a lot's auction, lances with signed receipts, the auction by the server's clock"),
        (name = "catalogue", description = "The electronic catalogue of the framework agreements (acuerdos marco): offers found by words, category, department and price; a product's offers, price spread and history; a supplier's offers and their price rules"),
        (name = "awards", description = "After the opening: evaluation, award with red flags, standstill, complaints, contracts and modifications"),
        (name = "open data", description = "Open data, without login: OCDS 1.1.5 (the change feed of releases, one release, one record, bulk files), the transparency dashboard's figures and the public list of awards and contracts"),
        (name = "operations", description = "Probes"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// Documents on every operation the problem answers its extractors can give, derived from
/// what the operation takes, so no route's list depends on someone remembering them: a
/// token (401 when missing or invalid; 403 when a role is required), path parameters (400
/// unreadable, 404 no such thing), a query string (400, 422), a body (400, 413, 422).
/// Answers particular to a route (409, 429, …) stay on the route.
struct ProblemResponses;

impl ProblemResponses {
    fn add(operation: &mut utoipa::openapi::path::Operation, status: &str, description: &str) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| {
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/problem+json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("Problem")))
                            .build(),
                    )
                    .build()
                    .into()
            });
    }

    fn operation(operation: &mut utoipa::openapi::path::Operation) {
        use utoipa::openapi::path::ParameterIn;
        let requirements: Vec<serde_json::Value> = operation
            .security
            .iter()
            .flatten()
            .filter_map(|r| serde_json::to_value(r).ok())
            .collect();
        if !requirements.is_empty() {
            Self::add(operation, "401", "No valid session token");
            let anonymous_allowed = requirements
                .iter()
                .any(|r| r.as_object().is_some_and(|o| o.is_empty()));
            if !anonymous_allowed {
                Self::add(operation, "403", "The caller's role may not do this");
            }
        }
        let parameters = operation.parameters.clone().unwrap_or_default();
        if parameters
            .iter()
            .any(|p| p.parameter_in == ParameterIn::Path)
        {
            Self::add(operation, "400", "A path parameter could not be read");
            Self::add(
                operation,
                "404",
                "No such resource, or not visible to the caller",
            );
        }
        if parameters
            .iter()
            .any(|p| p.parameter_in == ParameterIn::Query)
        {
            Self::add(operation, "400", "The query string could not be read");
            Self::add(operation, "422", "A query parameter has an invalid value");
        }
        if operation.request_body.is_some() {
            Self::add(operation, "400", "The body could not be read");
            Self::add(operation, "413", "The body is larger than allowed");
            Self::add(operation, "422", "A field has an invalid value");
        }
        // A stored file is served with its detected type: one of the accepted ones.
        for response in operation.responses.responses.values_mut() {
            if let utoipa::openapi::RefOr::T(response) = response
                && let Some(file) = response.content.shift_remove("application/octet-stream")
            {
                for (media_type, _) in crate::blobs::ACCEPTED {
                    response
                        .content
                        .insert((*media_type).to_owned(), file.clone());
                }
            }
        }
    }
}

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                Self::operation(operation);
            }
        }
    }
}

/// The OpenAPI document of every JSON route, built once from the route table: the frame, the
/// operations nested under `/api/v1`, the probes, and the problem answers of every operation.
pub fn openapi() -> &'static utoipa::openapi::OpenApi {
    static DOCUMENT: std::sync::LazyLock<utoipa::openapi::OpenApi> =
        std::sync::LazyLock::new(|| {
            let (_, operations) = super::operations().split_for_parts();
            let (_, probes) = super::probes().split_for_parts();
            let mut document = ApiDoc::openapi().nest("/api/v1", operations);
            document.merge(probes);
            ProblemResponses.modify(&mut document);
            document
        });
    &DOCUMENT
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi_json() -> Json<&'static utoipa::openapi::OpenApi> {
    Json(openapi())
}

const PAGE: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Licita API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><noscript>The interactive documentation needs JavaScript; the raw document is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</noscript>
<div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script><script src="/api/docs/init.js"></script></body></html>"#;

/// Swagger UI needs inline styles; scripts stay same-origin only.
const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";

/// `GET /api/docs`.
pub async fn swagger_page() -> Response {
    let mut response = axum::response::Html(PAGE).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DOCS_CSP),
    );
    response
}

/// `GET /api/docs/{asset}`: the vendored files, embedded in the binary.
pub async fn swagger_asset(Path(asset): Path<String>) -> Result<Response, AppError> {
    let (body, mime): (&'static [u8], &str) = match asset.as_str() {
        "swagger-ui-bundle.js" => (
            include_bytes!("../../assets/swagger-ui/swagger-ui-bundle.js"),
            "text/javascript",
        ),
        "swagger-ui.css" => (
            include_bytes!("../../assets/swagger-ui/swagger-ui.css"),
            "text/css",
        ),
        "init.js" => (
            include_bytes!("../../assets/swagger-ui/init.js"),
            "text/javascript",
        ),
        _ => return Err(AppError::NotFound),
    };
    Ok((
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_str(mime).map_err(AppError::internal)?,
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(DOCS_CSP),
            ),
        ],
        body,
    )
        .into_response())
}
