//! Routes after the opening: evaluation, award (with its red flags), complaints and their
//! decisions, contracts and modifications, public award records, and the auditors'
//! workspace (award list with filters, CSV, timelines, findings).

use crate::domain::{AwardId, BidId, ComplaintId, ContractId, TenderId};
use axum::{Json, extract::State, http::StatusCode, response::Response};
use serde::Serialize;

use super::{ApiJson, ApiPath, ApiQuery, ApiUser};
use crate::{
    app::AppState,
    awards::{
        self, AwardInput, AwardPreview, EvaluationInput, EvaluationSheet,
        complaints::{self, ComplaintInput, DecisionInput},
        contracts::{self, ContractInput, ModificationInput, ModificationView},
        oversight::{self, AwardFilter, AwardView, FindingInput, Timeline},
    },
    error::{AppError, Problem},
    http::{Audience, csv_download, download_response},
};

/// The id of what was created.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Created {
    /// Id.
    pub id: i64,
}

/// Every lot's evaluation sheet: bids, admissibility, scores, ranking (the buyer's officers
/// and auditors, after the opening).
#[utoipa::path(get, path = "/tenders/{id}/evaluation", tag = "awards", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = EvaluationSheet),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn evaluation(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<TenderId>,
) -> Result<Json<EvaluationSheet>, AppError> {
    Ok(Json(awards::evaluation(&app, &user, id).await?))
}

/// Records or corrects one bid's evaluation on one lot (the buyer's officers, before the lot
/// is decided).
#[utoipa::path(put, path = "/tenders/{id}/lots/{lot}/bids/{bid}/evaluation", tag = "awards", security(("bearer" = [])),
    params(("id" = i64, Path), ("lot" = i32, Path), ("bid" = i64, Path)), request_body = EvaluationInput, responses(
    (status = 204),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn evaluate(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, lot, bid)): ApiPath<(TenderId, i32, BidId)>,
    ApiJson(input): ApiJson<EvaluationInput>,
) -> Result<StatusCode, AppError> {
    awards::evaluate(&app, &user, id, bid, lot, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What awarding the lot would do now and the red flags to justify (the buyer's officers and
/// auditors).
#[utoipa::path(get, path = "/tenders/{id}/lots/{lot}/award", tag = "awards", security(("bearer" = [])),
    params(("id" = i64, Path), ("lot" = i32, Path)), responses(
    (status = 200, body = AwardPreview),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json", description = "The bids are not opened yet")))]
pub async fn preview(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, lot)): ApiPath<(TenderId, i32)>,
) -> Result<Json<AwardPreview>, AppError> {
    Ok(Json(awards::preview(&app, &user, id, lot).await?))
}

/// Awards the lot to its top-ranked valid bid (or declares it unsuccessful), with a
/// justification and one per red flag; starts the standstill and notifies every bidder.
#[utoipa::path(post, path = "/tenders/{id}/lots/{lot}/award", tag = "awards", security(("bearer" = [])),
    params(("id" = i64, Path), ("lot" = i32, Path)), request_body = AwardInput, responses(
    (status = 201, body = Created),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn award(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, lot)): ApiPath<(TenderId, i32)>,
    ApiJson(input): ApiJson<AwardInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let award = awards::award(&app, &user, id, lot, input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: award.get() })))
}

/// A tender's awards with rankings, red flags, complaints and contracts (anyone).
#[utoipa::path(get, path = "/tenders/{id}/awards", tag = "awards",
    params(("id" = i64, Path)), responses(
    (status = 200, body = Vec<AwardView>),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn tender_awards(
    State(app): State<AppState>,
    ApiPath(id): ApiPath<TenderId>,
) -> Result<Json<Vec<AwardView>>, AppError> {
    Ok(Json(oversight::tender_awards(&app, id).await?))
}

/// One award (anyone).
#[utoipa::path(get, path = "/awards/{id}", tag = "awards",
    params(("id" = i64, Path)), responses(
    (status = 200, body = AwardView),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn award_detail(
    State(app): State<AppState>,
    ApiPath(id): ApiPath<AwardId>,
) -> Result<Json<AwardView>, AppError> {
    Ok(Json(oversight::award(&app, id).await?))
}

/// Files a complaint against an award during its standstill (bidders of the tender other than
/// the winner).
#[utoipa::path(post, path = "/awards/{id}/complaints", tag = "awards", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ComplaintInput, responses(
    (status = 201, body = Created),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn file_complaint(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<AwardId>,
    ApiJson(input): ApiJson<ComplaintInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let files = complaints::decode_documents(&app.settings.data_dir, &input.documents)?;
    let complaint = complaints::file(&app, &user, id, input.grounds, files).await?;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            id: complaint.get(),
        }),
    ))
}

/// Decides a complaint: upheld (the award is cancelled) or dismissed (an officer of the
/// buyer other than the one who awarded).
#[utoipa::path(post, path = "/complaints/{id}/decision", tag = "awards", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = DecisionInput, responses(
    (status = 204),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn decide_complaint(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<ComplaintId>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> Result<StatusCode, AppError> {
    complaints::decide(&app, &user, id, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records the contract of a final award (the buyer's officers).
#[utoipa::path(post, path = "/awards/{id}/contract", tag = "awards", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ContractInput, responses(
    (status = 201, body = Created),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn record_contract(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<AwardId>,
    ApiJson(input): ApiJson<ContractInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let files = complaints::decode_documents(&app.settings.data_dir, &input.documents)?;
    let contract = contracts::record(&app, &user, id, input, files).await?;
    Ok((StatusCode::CREATED, Json(Created { id: contract.get() })))
}

/// Records a contract modification (the buyer's officers); a cumulative increase above the
/// configured threshold raises a red flag on the award.
#[utoipa::path(post, path = "/contracts/{id}/modifications", tag = "awards", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ModificationInput, responses(
    (status = 201, body = ModificationView),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn modify_contract(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<ContractId>,
    ApiJson(input): ApiJson<ModificationInput>,
) -> Result<(StatusCode, Json<ModificationView>), AppError> {
    let view = contracts::modify(&app, &user, id, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// A document attached to a complaint (anyone, like the complaint).
#[utoipa::path(get, path = "/complaints/{id}/documents/{position}", tag = "awards",
    params(("id" = i64, Path), ("position" = i32, Path)), responses(
    (status = 200, content_type = "application/octet-stream"),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn complaint_document(
    State(app): State<AppState>,
    ApiPath((id, position)): ApiPath<(ComplaintId, i32)>,
) -> Result<Response, AppError> {
    download_response(complaints::document(&app, id, position).await?)
}

/// A document attached to a contract (anyone, like the contract).
#[utoipa::path(get, path = "/contracts/{id}/documents/{position}", tag = "awards",
    params(("id" = i64, Path), ("position" = i32, Path)), responses(
    (status = 200, content_type = "application/octet-stream"),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn contract_document(
    State(app): State<AppState>,
    ApiPath((id, position)): ApiPath<(ContractId, i32)>,
) -> Result<Response, AppError> {
    download_response(contracts::document(&app, id, position).await?)
}

/// Awards with their red flags and justifications, newest first, filtered (auditors and
/// admins).
#[utoipa::path(get, path = "/audit/awards", tag = "audit", security(("bearer" = [])),
    params(AwardFilter), responses(
    (status = 200, body = Vec<AwardView>),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn audit_awards(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiQuery(query): ApiQuery<AwardFilter>,
) -> Result<Json<Vec<AwardView>>, AppError> {
    let filter = query;
    Ok(Json(oversight::award_list(&app, &user, &filter).await?))
}

/// The same list as CSV, with flags, justifications and findings (auditors and admins).
#[utoipa::path(get, path = "/audit/awards.csv", tag = "audit", security(("bearer" = [])),
    params(AwardFilter), responses(
    (status = 200, content_type = "text/csv"),
    (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn audit_awards_csv(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiQuery(query): ApiQuery<AwardFilter>,
) -> Result<Response, AppError> {
    let body = oversight::awards_csv(&app, &user, query).await?;
    Ok(csv_download(
        "adjudicaciones.csv",
        body,
        Audience::Restricted,
    ))
}

/// A tender's whole timeline from the audit log, with each chain's verification and the
/// findings (auditors and admins).
#[utoipa::path(get, path = "/audit/tenders/{id}/timeline", tag = "audit", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = Timeline),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn timeline(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<TenderId>,
) -> Result<Json<Timeline>, AppError> {
    Ok(Json(oversight::timeline(&app, &user, id).await?))
}

/// Records a finding on a tender (auditors).
#[utoipa::path(post, path = "/audit/tenders/{id}/findings", tag = "audit", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = FindingInput, responses(
    (status = 201, body = Created),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn record_finding(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<TenderId>,
    ApiJson(input): ApiJson<FindingInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let finding = oversight::record_finding(&app, &user, id, input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: finding })))
}

/// Moves a finding to open, addressed or closed (auditors).
#[utoipa::path(put, path = "/audit/findings/{id}", tag = "audit", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = FindingInput, responses(
    (status = 204),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_finding(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<FindingInput>,
) -> Result<StatusCode, AppError> {
    oversight::update_finding(&app, &user, id, input).await?;
    Ok(StatusCode::NO_CONTENT)
}
