//! Audit routes: chain verification and one chain's events (auditors and admins); the
//! signed checkpoints, their inclusion and consistency proofs (anyone; a chain's proof for
//! whoever may know the chain).

use axum::{
    Json,
    extract::{Path, State},
};
use serde::{Deserialize, Serialize};

use super::{ApiPath, ApiQuery, ApiUser, MaybeApiUser};
use crate::{
    app::AppState,
    audit::{
        self, AuditEvent, Verification,
        checkpoints::{self, Checkpoint, ConsistencyProof, HeadProof},
    },
    domain::Role,
    error::{AppError, Problem},
};

/// Recomputes every hash chain and names the first event that does not match.
#[utoipa::path(get, path = "/audit/verify", tag = "audit", security(("bearer" = [])), responses(
    (status = 200, body = Verification),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn verify(
    State(app): State<AppState>,
    user: ApiUser,
) -> Result<Json<Verification>, AppError> {
    user.require(&[Role::Auditor, Role::Admin])?;
    Ok(Json(audit::verify(&app, None).await?))
}

/// The events of one chain (e.g. `user:7`), oldest first.
#[utoipa::path(get, path = "/audit/chains/{chain}", tag = "audit", security(("bearer" = [])),
    params(("chain" = String, Path, description = "Chain key, e.g. user:7")),
    responses(
    (status = 200, body = Vec<AuditEvent>),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn chain(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    Path(chain): Path<String>,
) -> Result<Json<Vec<AuditEvent>>, AppError> {
    Ok(Json(
        crate::awards::oversight::chain(&app, &user, &chain).await?,
    ))
}

/// The signed checkpoints: the server's key, the latest, and a page of history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckpointList {
    /// The Ed25519 public key (hex) every checkpoint is signed with.
    pub public_key: String,
    /// The latest checkpoint (none before the first events).
    pub latest: Option<Checkpoint>,
    /// Checkpoints newest first, at most `limit`, before `before`.
    pub checkpoints: Vec<Checkpoint>,
}

/// Paging of the history.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct HistoryQuery {
    /// Only checkpoints with a smaller id.
    pub before: Option<i64>,
    /// How many, 1 to 200 (50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// The signed checkpoints of the audit log (anyone; keep one to check the record later with
/// `licita audit verify --against FILE`).
#[utoipa::path(get, path = "/audit/checkpoints", tag = "audit", params(HistoryQuery), responses(
    (status = 200, body = CheckpointList),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn checkpoint_list(
    State(app): State<AppState>,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> Result<Json<CheckpointList>, AppError> {
    let public_key = app.receipts.public_hex();
    let (latest, checkpoints) =
        checkpoints::history(&app, query.before, query.limit.unwrap_or(50)).await?;
    Ok(Json(CheckpointList {
        public_key,
        latest,
        checkpoints,
    }))
}

/// One signed checkpoint (anyone).
#[utoipa::path(get, path = "/audit/checkpoints/{id}", tag = "audit", params(("id" = i64, Path)), responses(
    (status = 200, body = Checkpoint),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn checkpoint(
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Checkpoint>, AppError> {
    Ok(Json(checkpoints::find(&app, id).await?))
}

/// The chain whose head to prove.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ChainQuery {
    /// Chain key, e.g. `tender:42`.
    #[param(required = true, pattern = "^[a-z_]+:[0-9]+$")]
    pub chain: String,
}

/// The inclusion proof of a chain's latest head in a checkpoint (anyone for a published
/// tender's chain; a company for its bids; auditors for every chain; 404 otherwise).
#[utoipa::path(get, path = "/audit/checkpoints/{id}/proof", tag = "audit", security((), ("bearer" = [])), params(("id" = i64, Path), ChainQuery), responses(
    (status = 200, body = HeadProof),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn head_proof(
    State(app): State<AppState>,
    MaybeApiUser(viewer): MaybeApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<ChainQuery>,
) -> Result<Json<HeadProof>, AppError> {
    Ok(Json(
        crate::awards::oversight::head_proof(&app, viewer.as_ref(), id, &query.chain).await?,
    ))
}

/// The two checkpoints to relate.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ConsistencyQuery {
    /// The earlier checkpoint's id.
    #[param(required = true)]
    pub from: Option<i64>,
    /// The later checkpoint's id.
    #[param(required = true)]
    pub to: Option<i64>,
}

/// The consistency proof between two checkpoints: the earlier tree is the start of the
/// later one, so nothing the earlier one covered was removed or rewritten (anyone).
#[utoipa::path(get, path = "/audit/checkpoints/consistency", tag = "audit", params(ConsistencyQuery), responses(
    (status = 200, body = ConsistencyProof),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn consistency(
    State(app): State<AppState>,
    ApiQuery(query): ApiQuery<ConsistencyQuery>,
) -> Result<Json<ConsistencyProof>, AppError> {
    let mut errors = Vec::new();
    if query.from.is_none() {
        errors.push(crate::error::FieldError::new("from", "required"));
    }
    if query.to.is_none() {
        errors.push(crate::error::FieldError::new("to", "required"));
    }
    let (Some(from), Some(to)) = (query.from, query.to) else {
        return Err(AppError::Validation(errors));
    };
    Ok(Json(checkpoints::consistency(&app, from, to).await?))
}
