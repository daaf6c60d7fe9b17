//! `POST /review`: a case with the officer's proposal in, the engine's decision and the review
//! of the proposal (偏离审查) out.

use super::error::{ApiError, ErrorDocument};
use super::evaluate::json_response;
use super::limits::{Body, text};
use super::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use std::sync::Arc;

/// Reviews a proposed decision.
#[utoipa::path(
    post, path = "/review", tag = "evaluate",
    request_body(content = Object, description = "案件文档加 proposed：{ \"outcome\": …, \"fine\": 金额, \"penalties\": [种类…] }（或 { \"case\": 案件, \"proposed\": … }）", content_type = "application/json"),
    responses(
        (status = 200, description = "{ \"decision\": 决定文档, \"review\": { fine_position, lawful, departs, requires, procedure, findings } }", body = Object),
        (status = 400, description = "不是 JSON 审查请求（E0504）", body = ErrorDocument),
        (status = 413, description = "请求体超出上限（A0701）", body = ErrorDocument),
        (status = 422, description = "未声明的事实、类型不对、违法行为编号不存在（E0501–E0507）", body = ErrorDocument),
    )
)]
pub async fn review(
    State(state): State<Arc<AppState>>,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let text = text(&body)?;
    let loaded = state.current();
    let reviewed = loaded.rules.review_request_json(text)?;
    let out =
        serde_json::to_vec(&reviewed).map_err(|e| ApiError::internal("无法写出审查结果", e))?;
    Ok(json_response(StatusCode::OK, out))
}
