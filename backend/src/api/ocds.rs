//! Open data routes (OCDS 1.1.5), without login: the change feed of release packages
//! (keyset pages with `links.next`), one release, and one record with its compiled and
//! versioned release.

use axum::{
    Json,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use serde_json::Value;

use super::{ApiQuery, ClientAddress};
use crate::{
    app::AppState,
    error::{AppError, Problem},
    ocds::{
        self, ReleaseQuery,
        bulk::{Bulk, Format, Month},
    },
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
    (status = 422, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json", description = "Over the per-client quota; Retry-After says when to come back")))]
pub async fn releases(
    State(app): State<AppState>,
    ClientAddress(client): ClientAddress,
    ApiQuery(query): ApiQuery<ReleaseQuery>,
) -> Result<Json<ReleasePackage>, AppError> {
    ocds::admit(&app, &client)?;
    Ok(Json(ReleasePackage(ocds::releases(&app, &query).await?)))
}

/// One release, by its ocid and id, as a release package.
#[utoipa::path(get, path = "/ocds/releases/{ocid}/{id}", tag = "open data",
    params(("ocid" = String, Path), ("id" = String, Path)), responses(
    (status = 200, body = ReleasePackage),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")))]
pub async fn release(
    State(app): State<AppState>,
    ClientAddress(client): ClientAddress,
    Path((ocid, id)): Path<(String, String)>,
) -> Result<Json<ReleasePackage>, AppError> {
    ocds::admit(&app, &client)?;
    Ok(Json(ReleasePackage(ocds::release(&app, &ocid, &id).await?)))
}

/// The record of one contracting process: every release, the compiled release and the
/// versioned release.
#[utoipa::path(get, path = "/ocds/records/{ocid}", tag = "open data",
    params(("ocid" = String, Path)), responses(
    (status = 200, body = RecordPackage),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")))]
pub async fn record(
    State(app): State<AppState>,
    ClientAddress(client): ClientAddress,
    Path(ocid): Path<String>,
) -> Result<Json<RecordPackage>, AppError> {
    ocds::admit(&app, &client)?;
    Ok(Json(RecordPackage(ocds::record(&app, &ocid).await?)))
}

/// A bulk file: `full.jsonl.gz` (every process) or `<year>.jsonl.gz` (the processes whose
/// first release is of that year), one compiled release per line, gzip-compressed;
/// `full.csv`, the same data flat for spreadsheets (one row per lot, award and contract); or
/// `<YYYY-MM>.zip`, the release package of every release of that month (Lima time). Streamed.
/// `ETag` and `Last-Modified` name the newest release; `If-None-Match` answers 304. While
/// `LICITA_OCDS_BULK_AT_ONCE` files are being made, one more gets 429 with `Retry-After`.
#[utoipa::path(get, path = "/ocds/bulk/{file}", tag = "open data",
    params(("file" = String, Path, description = "full.jsonl.gz, <year>.jsonl.gz, full.csv or <YYYY-MM>.zip")), responses(
    (status = 200, content_type = "application/gzip", description = "JSON lines, gzip-compressed"),
    (status = 200, content_type = "application/zip", description = "<YYYY-MM>.zip: the month's release package"),
    (status = 200, content_type = "text/csv", description = "full.csv: one row per lot, award and contract"),
    (status = 304, description = "Not modified since the ETag sent"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")))]
pub async fn bulk(
    State(app): State<AppState>,
    ClientAddress(client): ClientAddress,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    ocds::admit(&app, &client)?;
    enum File {
        Compiled(Bulk, Format),
        Month(Month),
    }
    let wanted = match (
        file.strip_suffix(".jsonl.gz"),
        file.strip_suffix(".zip"),
        file.as_str(),
    ) {
        (_, _, "full.csv") => File::Compiled(Bulk::Full, Format::FlatCsv),
        (Some("full"), _, _) => File::Compiled(Bulk::Full, Format::JsonLinesGz),
        (Some(year), _, _) if year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()) => {
            File::Compiled(
                Bulk::Year(year.parse().map_err(|_| AppError::NotFound)?),
                Format::JsonLinesGz,
            )
        }
        (_, Some(month), _) => File::Month(Month::parse(month).ok_or(AppError::NotFound)?),
        _ => return Err(AppError::NotFound),
    };
    let version = match wanted {
        File::Compiled(..) => ocds::bulk::version(&app).await?,
        // A month that has no release has no file.
        File::Month(month) => Some(
            ocds::bulk::month_version(&app, month)
                .await?
                .ok_or(AppError::NotFound)?,
        ),
    };
    let (seq, at) = version.unwrap_or((0, chrono::DateTime::UNIX_EPOCH.naive_utc()));
    // The CSV is compressed on the way out when the client accepts it, so its tag is weak
    // (the same content, not the same bytes, as RFC 9110 §8.8.1 asks); the others are
    // already compressed and go out as stored.
    let weak = if matches!(wanted, File::Compiled(_, Format::FlatCsv)) {
        "W/"
    } else {
        ""
    };
    let etag = format!("{weak}\"ocds-{seq}-{file}\"");
    let last_modified = at.and_utc().format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let cache = [
        (
            header::ETAG,
            HeaderValue::from_str(&etag).map_err(AppError::internal)?,
        ),
        (
            header::LAST_MODIFIED,
            HeaderValue::from_str(&last_modified).map_err(AppError::internal)?,
        ),
        // Revalidate each time: the file is a view of data that grows.
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, no-cache"),
        ),
    ];
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        // If-None-Match compares weakly (RFC 9110 §13.1.2).
        .is_some_and(|sent| {
            // `*` matches whatever this file now is (RFC 9110 §13.1.2).
            sent.split(',').any(|t| {
                t.trim() == "*"
                    || t.trim().trim_start_matches("W/") == etag.trim_start_matches("W/")
            })
        })
    {
        return Ok((StatusCode::NOT_MODIFIED, cache).into_response());
    }
    let place = ocds::bulk::admit_export(&app)?;
    let (body, content_type) = match wanted {
        File::Compiled(which, format) => (
            axum::body::Body::from_stream(ocds::bulk::compiled(&app, place, which, format, None)),
            match format {
                Format::JsonLinesGz => "application/gzip",
                Format::FlatCsv => "text/csv; charset=utf-8",
            },
        ),
        File::Month(month) => (
            axum::body::Body::from_stream(ocds::bulk::month_package(&app, place, month)),
            "application/zip",
        ),
    };
    Ok((
        cache,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{file}\""))
                    .map_err(AppError::internal)?,
            ),
        ],
        body,
    )
        .into_response())
}

/// A file of Licita's local OCDS extension for complaints (`extension.json` or
/// `release-schema.json`), declared in every package.
#[utoipa::path(get, path = "/ocds/extensions/complaints/{file}", tag = "open data",
    params(("file" = String, Path, description = "extension.json or release-schema.json")), responses(
    (status = 200, content_type = "application/json"),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn complaints_extension(
    State(app): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let body = ocds::complaints_extension_file(&file, &app.settings.public_url)
        .ok_or(AppError::NotFound)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        body,
    )
        .into_response())
}
