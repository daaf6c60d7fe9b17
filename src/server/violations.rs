//! `GET /violations?q=` and `GET /violations/{code}`: the catalogue a search box and a case form
//! read (the library's [`caliper::catalogue`]).

use super::error::{ApiError, ErrorDocument};
use super::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The search.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct Search {
    /// A code (any case) or Chinese words of the title, the regulation or the articles; empty or
    /// absent lists every violation.
    pub q: Option<String>,
}

/// The violations found.
#[derive(Serialize)]
pub struct Found {
    /// How many.
    pub count: usize,
    /// The violations, in rule-file order.
    pub violations: Vec<caliper::catalogue::ViolationSummary>,
}

/// Searches the violations by code or keyword, each with its statutory penalty per party in
/// words.
#[utoipa::path(
    get, path = "/violations", tag = "violations", params(Search),
    responses((status = 200, description = "{ count, violations: [{ code, title, regulation, breach, basis, penalty: { individual, unit } }] }", body = Object))
)]
pub async fn search(State(state): State<Arc<AppState>>, Query(s): Query<Search>) -> Json<Found> {
    let loaded = state.current();
    let violations = loaded
        .rules
        .catalogue()
        .search(s.q.as_deref().unwrap_or(""));
    Json(Found {
        count: violations.len(),
        violations,
    })
}

/// What a case form needs for one violation: its facts with type, label, unit, options and
/// default, the steps and entries that read each, the list entries that cover it in words.
#[utoipa::path(
    get, path = "/violations/{code}", tag = "violations",
    params(("code" = String, Path, description = "违法行为编号，如 XR-49-2")),
    responses(
        (status = 200, description = "{ code, title, …, facts: [...], entries: [...], hooks: [...] }", body = Object),
        (status = 404, description = "没有这个编号（A0706），附最接近的编号", body = ErrorDocument),
    )
)]
pub async fn form(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
) -> Result<Json<caliper::catalogue::ViolationForm>, ApiError> {
    let loaded = state.current();
    let cat = loaded.rules.catalogue();
    cat.form(&code).map(Json).ok_or_else(|| {
        let hint = loaded
            .rules
            .nearest_code(&code)
            .map(|n| format!("；是否想查 {n}？"))
            .unwrap_or_default();
        ApiError::not_found(format!("规则集中没有违法行为 {code}{hint}"), "code")
    })
}
