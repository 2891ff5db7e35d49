//! Open data routes (OCDS 1.1.5), without login: the change feed of release packages
//! (keyset pages with `links.next`), one release, and one record with its compiled and
//! versioned release.

use axum::{
    Json,
    extract::{Path, State},
};
use serde::Serialize;
use serde_json::Value;

use super::ApiQuery;
use crate::{
    app::AppState,
    error::{AppError, Problem},
    ocds::{self, ReleaseQuery},
};

/// An OCDS release package (release-package-schema.json).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
#[schema(value_type = Object)]
pub struct ReleasePackage(pub Value);

/// An OCDS record package (record-package-schema.json).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
#[schema(value_type = Object)]
pub struct RecordPackage(pub Value);

/// Every published release in the order Licita published them, as release packages of at most
/// `limit`; follow `links.next` for the next page (stable while new releases are written).
#[utoipa::path(get, path = "/ocds/releases", tag = "open data", params(ReleaseQuery), responses(
    (status = 200, body = ReleasePackage),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn releases(
    State(app): State<AppState>,
    ApiQuery(query): ApiQuery<ReleaseQuery>,
) -> Result<Json<ReleasePackage>, AppError> {
    Ok(Json(ReleasePackage(ocds::releases(&app, &query).await?)))
}

/// One release, by its ocid and id, as a release package.
#[utoipa::path(get, path = "/ocds/releases/{ocid}/{id}", tag = "open data",
    params(("ocid" = String, Path), ("id" = String, Path)), responses(
    (status = 200, body = ReleasePackage),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn release(
    State(app): State<AppState>,
    Path((ocid, id)): Path<(String, String)>,
) -> Result<Json<ReleasePackage>, AppError> {
    Ok(Json(ReleasePackage(ocds::release(&app, &ocid, &id).await?)))
}

/// The record of one contracting process: every release, the compiled release and the
/// versioned release.
#[utoipa::path(get, path = "/ocds/records/{ocid}", tag = "open data",
    params(("ocid" = String, Path)), responses(
    (status = 200, body = RecordPackage),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn record(
    State(app): State<AppState>,
    Path(ocid): Path<String>,
) -> Result<Json<RecordPackage>, AppError> {
    Ok(Json(RecordPackage(ocds::record(&app, &ocid).await?)))
}
