//! Transparency routes, without login: the dashboard's figures (JSON, and CSV per buyer and
//! per month), the public list of awards and contracts, and a supplier's record of what it won.

use axum::{
    Json,
    extract::{Path, State},
    response::Response,
};

use super::{ApiPath, ApiQuery, ClientAddress};
use crate::{
    app::AppState,
    domain::SupplierId,
    error::{AppError, Problem},
    http::{Audience, csv_download},
    ocds,
    transparency::{
        self, Dashboard, DashboardQuery, Slice,
        awards::{self, AwardsPage, AwardsQuery, SupplierRecord},
    },
};

/// The dashboard's figures over all buyers, per buyer and per month, for tenders published
/// in a date range by one method or all.
#[utoipa::path(get, path = "/transparency", tag = "open data", params(DashboardQuery), responses(
    (status = 200, body = Dashboard),
    (status = 422, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")))]
pub async fn dashboard(
    State(app): State<AppState>,
    ClientAddress(client): ClientAddress,
    ApiQuery(query): ApiQuery<DashboardQuery>,
) -> Result<Json<Dashboard>, AppError> {
    ocds::admit(&app, &client)?;
    Ok(Json(transparency::dashboard(&app, &query).await?))
}

/// The dashboard's figures as CSV: `buyers.csv` (a row per buyer) or `months.csv` (a row per
/// month of publication).
#[utoipa::path(get, path = "/transparency/{file}", tag = "open data",
    params(("file" = String, Path, description = "buyers.csv or months.csv"), DashboardQuery),
    responses(
    (status = 200, content_type = "text/csv"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")))]
pub async fn dashboard_csv(
    State(app): State<AppState>,
    ClientAddress(client): ClientAddress,
    Path(file): Path<String>,
    ApiQuery(query): ApiQuery<DashboardQuery>,
) -> Result<Response, AppError> {
    ocds::admit(&app, &client)?;
    let (slice, filename) = match file.as_str() {
        "buyers.csv" => (Slice::Buyers, "transparencia-entidades.csv"),
        "months.csv" => (Slice::Months, "transparencia-meses.csv"),
        _ => return Err(AppError::NotFound),
    };
    let dashboard = transparency::dashboard(&app, &query).await?;
    Ok(csv_download(
        filename,
        transparency::dashboard_csv(&dashboard, slice)?,
        Audience::Public,
    ))
}

/// Every decided lot, newest first, with its winner, amount, red flags and contract; by buyer
/// or by winner.
#[utoipa::path(get, path = "/awards", tag = "open data", params(AwardsQuery), responses(
    (status = 200, body = AwardsPage),
    (status = 422, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")))]
pub async fn public_awards(
    State(app): State<AppState>,
    ClientAddress(client): ClientAddress,
    ApiQuery(query): ApiQuery<AwardsQuery>,
) -> Result<Json<AwardsPage>, AppError> {
    ocds::admit(&app, &client)?;
    Ok(Json(awards::public_awards(&app, &query).await?))
}

/// What a supplier won, from which buyers, and its awards (first page).
#[utoipa::path(get, path = "/suppliers/{id}/awards", tag = "open data",
    params(("id" = i64, Path)), responses(
    (status = 200, body = SupplierRecord),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")))]
pub async fn supplier_awards(
    State(app): State<AppState>,
    ClientAddress(client): ClientAddress,
    ApiPath(id): ApiPath<SupplierId>,
) -> Result<Json<SupplierRecord>, AppError> {
    ocds::admit(&app, &client)?;
    Ok(Json(awards::supplier_record(&app, id, 1).await?))
}
