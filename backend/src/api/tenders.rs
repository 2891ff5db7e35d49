//! Tender routes: public search and detail, document downloads; officers' drafting,
//! uploads, publication, answers, amendments and cancellation; suppliers' questions,
//! following and alert subscriptions.

use crate::domain::{TenderId, TenderStatus};
use axum::{
    Json,
    extract::{Multipart, State, multipart::MultipartRejection},
    http::StatusCode,
    response::Response,
};
use serde::{Deserialize, Serialize};

use super::{ApiJson, ApiPath, ApiQuery, ApiUser, MaybeApiUser};
use crate::{
    app::AppState,
    error::{AppError, FieldError, Problem, RequestPart, UnreadableReason},
    tenders::{
        self, AlertSubscriptions, AmendmentInput, DocumentView, Tender, TenderInput, TenderPage,
        TenderQuery, TenderSummary,
    },
};

/// Published tenders: full text in Spanish (accents and plurals ignored) and filters.
#[utoipa::path(get, path = "/tenders", tag = "tenders", params(TenderQuery), responses(
    (status = 200, body = TenderPage),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn search(
    State(app): State<AppState>,
    ApiQuery(query): ApiQuery<TenderQuery>,
) -> Result<Json<TenderPage>, AppError> {
    Ok(Json(tenders::search(&app, &query).await?))
}

/// A new draft tender with its id.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Drafted {
    /// The tender's id.
    pub id: TenderId,
}

/// Drafts a tender for the caller's buyer entity (officers).
#[utoipa::path(post, path = "/tenders", tag = "tenders", security(("bearer" = [])), request_body = TenderInput, responses(
    (status = 201, body = Drafted),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<TenderInput>,
) -> Result<(StatusCode, Json<Drafted>), AppError> {
    if user.role != crate::domain::Role::Officer || user.buyer_id.is_none() {
        return Err(AppError::Forbidden);
    }
    let id = tenders::create_draft(&app, &user, body.parse()?, None).await?;
    Ok((StatusCode::CREATED, Json(Drafted { id })))
}

/// Replaces a draft's fields (officers of its buyer; drafts only).
#[utoipa::path(put, path = "/tenders/{id}", tag = "tenders", security(("bearer" = [])), params(("id" = i64, Path)), request_body = TenderInput, responses(
    (status = 200, body = Tender),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<TenderId>,
    ApiJson(body): ApiJson<TenderInput>,
) -> Result<Json<Tender>, AppError> {
    tenders::update_draft(&app, &user, id, body.parse()?).await?;
    Ok(Json(tenders::view(&app, Some(&user), id).await?))
}

/// One tender. Drafts: only its buyer's officers and auditors (404 for everyone else).
#[utoipa::path(get, path = "/tenders/{id}", tag = "tenders", security((), ("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = Tender),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn detail(
    State(app): State<AppState>,
    MaybeApiUser(user): MaybeApiUser,
    ApiPath(id): ApiPath<TenderId>,
) -> Result<Json<Tender>, AppError> {
    Ok(Json(tenders::view(&app, user.as_ref(), id).await?))
}

/// A draft as the input that `PUT /api/v1/tenders/{id}` takes: sending this answer back
/// unchanged changes nothing (instants in RFC 3339 UTC, amounts as typed). Officers of its
/// buyer; drafts only.
#[utoipa::path(get, path = "/tenders/{id}/draft", tag = "tenders", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = TenderInput),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn draft(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<TenderId>,
) -> Result<Json<TenderInput>, AppError> {
    let tender = tenders::view_for_staff(&app, &user, id).await?;
    if tender.status != TenderStatus::Draft {
        return Err(AppError::Validation(vec![
            FieldError::new("status", "tender_not_draft").arg("status", tender.status),
        ]));
    }
    Ok(Json(tender.to_input(crate::domain::utc::format)))
}

/// The caller's buyer entity's tenders, drafts included (officers).
#[utoipa::path(get, path = "/me/tenders", tag = "tenders", security(("bearer" = [])), responses(
    (status = 200, body = Vec<TenderSummary>),
    (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn mine(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<TenderSummary>>, AppError> {
    Ok(Json(tenders::buyer_tenders(&app, &user).await?))
}

/// Publication result.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Published {
    /// The tender's OCDS ocid.
    pub ocid: String,
}

/// Publishes a draft after checking every rule of its method (officers of its buyer).
#[utoipa::path(post, path = "/tenders/{id}/publish", tag = "tenders", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = Published),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn publish(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<TenderId>,
) -> Result<Json<Published>, AppError> {
    let ocid = tenders::publish(&app, &user, id).await?;
    Ok(Json(Published { ocid }))
}

/// A cancellation.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CancelRequest {
    /// Ground (10 to 4,000 characters).
    #[schema(required = true, min_length = 10, max_length = 4000)]
    pub ground: String,
}

/// Cancels a published tender before award (officers of its buyer).
#[utoipa::path(post, path = "/tenders/{id}/cancel", tag = "tenders", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CancelRequest, responses(
    (status = 204),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn cancel(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<TenderId>,
    ApiJson(body): ApiJson<CancelRequest>,
) -> Result<StatusCode, AppError> {
    tenders::cancel(&app, &user, id, body.ground).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Amends a published tender before its deadline (officers of its buyer). Documents uploaded
/// since the last amendment are published by this one.
#[utoipa::path(post, path = "/tenders/{id}/amendments", tag = "tenders", security(("bearer" = [])), params(("id" = i64, Path)), request_body = AmendmentInput, responses(
    (status = 200, body = Tender),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn amend(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<TenderId>,
    ApiJson(body): ApiJson<AmendmentInput>,
) -> Result<Json<Tender>, AppError> {
    tenders::amend(&app, &user, id, body).await?;
    Ok(Json(tenders::view(&app, Some(&user), id).await?))
}

/// The multipart form of an upload: one part named `file`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[expect(
    dead_code,
    reason = "describes the form in the OpenAPI document; read part by part"
)]
pub struct DocumentUpload {
    /// The file (PDF, office documents, images or a zip).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Uploads a document (multipart field `file`): to a draft, or staged on a published tender
/// until the next amendment. Limit `LICITA_UPLOAD_MAX_MB`, enforced while streaming (413).
#[utoipa::path(post, path = "/tenders/{id}/documents", tag = "tenders", security(("bearer" = [])), params(("id" = i64, Path)), request_body(content = DocumentUpload, content_type = "multipart/form-data", description = "One part named `file`"), responses(
    (status = 201, body = DocumentView),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 413, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn upload(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<TenderId>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<DocumentView>), AppError> {
    let mut multipart = multipart.map_err(|e| {
        tracing::debug!(error = %e, "unreadable upload");
        AppError::unreadable(RequestPart::Form, UnreadableReason::Interrupted)
    })?;
    while let Some(field) = multipart.next_field().await.map_err(|e| {
        tracing::debug!(error = %e, "unreadable upload");
        AppError::unreadable(RequestPart::Form, UnreadableReason::Interrupted)
    })? {
        if field.name() == Some("file") {
            let filename = field.file_name().unwrap_or("").to_owned();
            let document = tenders::receive_document(&app, &user, id, &filename, field).await?;
            return Ok((StatusCode::CREATED, Json(document)));
        }
    }
    Err(AppError::Validation(vec![FieldError::new(
        "file",
        "file_missing",
    )]))
}

/// Downloads a document: streamed, with its detected type, its SHA-256 as the ETag and
/// `Content-Disposition: attachment`.
#[utoipa::path(get, path = "/tenders/{id}/documents/{document_id}", tag = "tenders", security((), ("bearer" = [])), params(("id" = i64, Path), ("document_id" = i64, Path)), responses(
    (status = 200, content_type = "application/octet-stream", description = "The file"),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn download(
    State(app): State<AppState>,
    MaybeApiUser(user): MaybeApiUser,
    ApiPath((id, document_id)): ApiPath<(TenderId, i64)>,
) -> Result<Response, AppError> {
    let download = tenders::open_document(&app, user, id, document_id).await?;
    crate::http::download_response(download)
}

/// A question.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct QuestionRequest {
    /// The question (10 to 4,000 characters).
    #[schema(required = true, min_length = 10, max_length = 4000)]
    pub question: String,
}

/// Id of a new question.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Asked {
    /// Enquiry id.
    pub id: i64,
}

/// A supplier that may bid asks a question during the enquiry period. Published without
/// naming the asker.
#[utoipa::path(post, path = "/tenders/{id}/enquiries", tag = "tenders", security(("bearer" = [])), params(("id" = i64, Path)), request_body = QuestionRequest, responses(
    (status = 201, body = Asked),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn ask(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<TenderId>,
    ApiJson(body): ApiJson<QuestionRequest>,
) -> Result<(StatusCode, Json<Asked>), AppError> {
    let enquiry = tenders::ask(&app, &user, id, body.question).await?;
    Ok((StatusCode::CREATED, Json(Asked { id: enquiry })))
}

/// An answer.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AnswerRequest {
    /// The answer (10 to 4,000 characters).
    #[schema(required = true, min_length = 10, max_length = 4000)]
    pub answer: String,
}

/// An officer of the buyer answers a question until the submission deadline (after the
/// enquiry period closes, as SEACE's absolución de consultas); followers are emailed.
#[utoipa::path(post, path = "/tenders/{id}/enquiries/{enquiry_id}/answer", tag = "tenders", security(("bearer" = [])), params(("id" = i64, Path), ("enquiry_id" = i64, Path)), request_body = AnswerRequest, responses(
    (status = 204),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn answer(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, enquiry_id)): ApiPath<(TenderId, i64)>,
    ApiJson(body): ApiJson<AnswerRequest>,
) -> Result<StatusCode, AppError> {
    tenders::answer(&app, &user, id, enquiry_id, body.answer).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Follow or unfollow.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct FollowRequest {
    /// Follow (true) or stop following (false).
    pub following: bool,
}

/// A supplier user follows a tender (emails on answers, amendments, cancellation).
#[utoipa::path(put, path = "/tenders/{id}/follow", tag = "tenders", security(("bearer" = [])), params(("id" = i64, Path)), request_body = FollowRequest, responses(
    (status = 204),
    (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn follow(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<TenderId>,
    ApiJson(body): ApiJson<FollowRequest>,
) -> Result<StatusCode, AppError> {
    tenders::follow(&app, &user, id, body.following).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's alert subscriptions.
#[utoipa::path(get, path = "/me/alerts", tag = "tenders", security(("bearer" = [])), responses(
    (status = 200, body = AlertSubscriptions)))]
pub async fn alerts(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<AlertSubscriptions>, AppError> {
    Ok(Json(tenders::alert_subscriptions(&app, &user).await?))
}

/// Replaces the caller's alert subscriptions (supplier users).
#[utoipa::path(put, path = "/me/alerts", tag = "tenders", security(("bearer" = [])), request_body = AlertSubscriptions, responses(
    (status = 200, body = AlertSubscriptions),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_alerts(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<AlertSubscriptions>,
) -> Result<Json<AlertSubscriptions>, AppError> {
    Ok(Json(
        tenders::set_alert_subscriptions(&app, &user, body).await?,
    ))
}
