//! `GET /ruleset`: which rule set is serving, since when, with its warnings and the last failed
//! reload.

use super::state::{AppState, ReloadFailure};
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use std::sync::Arc;

/// The rule set in force.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RulesetInfo {
    /// 名称
    pub name: String,
    /// 版本
    pub version: String,
    /// `sha256:` of the exact text.
    pub digest: String,
    /// When it was loaded (RFC 3339, UTC).
    pub loaded_at: String,
    /// `embedded` or the rules path given to `caliper serve --rules`.
    pub source: String,
    /// The files, in load order.
    pub files: Vec<String>,
    /// Warnings (lints), as `caliper check --error-format json` prints them.
    #[schema(value_type = Object)]
    pub warnings: serde_json::Value,
    /// Successful reloads since start.
    pub reloads: u64,
    /// The last reload, if it failed: the set above kept serving.
    pub last_reload_error: Option<ReloadFailure>,
}

/// The rule set in force.
#[utoipa::path(get, path = "/ruleset", tag = "ruleset", responses((status = 200, body = RulesetInfo)))]
pub async fn ruleset(State(state): State<Arc<AppState>>) -> Json<RulesetInfo> {
    let loaded = state.current();
    let r = &loaded.rules;
    let info = r.info();
    Json(RulesetInfo {
        name: info.name.to_string(),
        version: info.version.to_string(),
        digest: info.digest.to_string(),
        loaded_at: loaded.loaded_at.clone(),
        source: state.source.describe(),
        files: r.source_files().map(|(p, _)| p.to_string()).collect(),
        warnings: caliper::diag::render_json(r.warnings(), r.sources()),
        reloads: state.reloads.load(std::sync::atomic::Ordering::Relaxed),
        last_reload_error: state.reload_error.lock().ok().and_then(|e| e.clone()),
    })
}
