//! Audit routes: chain verification and one chain's events. Auditors and admins only.

use axum::{
    Json,
    extract::{Path, State},
};

use super::ApiUser;
use crate::{
    app::AppState,
    audit::{self, AuditEvent, Verification},
    domain::Role,
    error::AppError,
};

/// Recomputes every hash chain and names the first event that does not match.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", security(("bearer" = [])), responses(
    (status = 200, body = Verification),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn verify(
    State(app): State<AppState>,
    user: ApiUser,
) -> Result<Json<Verification>, AppError> {
    user.require(&[Role::Auditor, Role::Admin])?;
    Ok(Json(app.db.run(audit::verify).await?))
}

/// The events of one chain (e.g. `user:7`), oldest first.
#[utoipa::path(get, path = "/api/v1/audit/chains/{chain}", tag = "audit", security(("bearer" = [])),
    params(("chain" = String, Path, description = "Chain key, e.g. user:7")),
    responses(
    (status = 200, body = Vec<AuditEvent>),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn chain(
    State(app): State<AppState>,
    user: ApiUser,
    Path(chain): Path<String>,
) -> Result<Json<Vec<AuditEvent>>, AppError> {
    user.require(&[Role::Auditor, Role::Admin])?;
    if chain.is_empty() || chain.len() > 120 || !chain.contains(':') {
        return Err(AppError::field("chain", "invalid_chain"));
    }
    let events = app
        .db
        .run(move |conn| audit::chain_events(conn, &chain))
        .await?;
    if events.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(Json(events))
}
