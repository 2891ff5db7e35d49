//! Liveness and readiness probes for load balancers and orchestrators.

use axum::{Json, extract::State};
use serde::Serialize;

use crate::{app::AppState, db::Engine, error::AppError};

/// Probe answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProbeStatus {
    /// `alive` or `ready`.
    pub status: &'static str,
    /// Database engine (readiness only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<&'static str>,
}

/// The process is up.
#[utoipa::path(get, path = "/health", tag = "operations", responses((status = 200, body = ProbeStatus)))]
pub async fn health() -> Json<ProbeStatus> {
    Json(ProbeStatus {
        status: "alive",
        database: None,
    })
}

/// The database answers; 503 otherwise.
#[utoipa::path(get, path = "/ready", tag = "operations", responses(
    (status = 200, body = ProbeStatus),
    (status = 503, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn ready(State(app): State<AppState>) -> Result<Json<ProbeStatus>, AppError> {
    app.db.ping().await?;
    Ok(Json(ProbeStatus {
        status: "ready",
        database: Some(match app.db.engine() {
            Engine::Postgres => "postgresql",
            Engine::Sqlite => "sqlite",
        }),
    }))
}
