//! `GET /healthz`: the service answers, the rules are loaded, the record store reads.

use super::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use std::sync::Arc;

/// The health document.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`, or `degraded` when the record store cannot be read.
    pub status: &'static str,
    /// The digest of the rule set in force.
    pub ruleset: String,
    /// The record store's schema version, if readable.
    pub schema_version: Option<u32>,
    /// `caliper` version.
    pub engine_version: &'static str,
}

/// Liveness and readiness.
#[utoipa::path(get, path = "/healthz", tag = "health", responses(
    (status = 200, body = Health), (status = 503, description = "决定记录库不可读", body = Health)))]
pub async fn healthz(State(state): State<Arc<AppState>>) -> (StatusCode, Json<Health>) {
    let schema = state.store.schema_version().ok();
    let status = if schema.is_some() { "ok" } else { "degraded" };
    let code = if schema.is_some() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        code,
        Json(Health {
            status,
            ruleset: state.current().rules.info().digest.to_string(),
            schema_version: schema,
            engine_version: env!("CARGO_PKG_VERSION"),
        }),
    )
}
