//! `POST /evaluate` and `POST /evaluate/batch`: a case in, a decision (or the case's error
//! document) out, on the rule set in force when the request arrived.

use super::error::{ApiError, ErrorDocument};
use super::limits::{Body, Deadline, text};
use super::state::AppState;
use axum::Extension;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use caliper::diag::Code;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::sync::Arc;

/// A decision document, already written.
pub fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Evaluates a case into a decision.
#[utoipa::path(
    post, path = "/evaluate", tag = "evaluate",
    request_body(content = Object, description = "案件文档（docs/evaluation.md）", content_type = "application/json"),
    responses(
        (status = 200, description = "决定文档", body = Object),
        (status = 400, description = "不是 JSON 案件文档（E0504）", body = ErrorDocument),
        (status = 413, description = "请求体超出上限（A0701）", body = ErrorDocument),
        (status = 422, description = "未声明的事实、类型不对、违法行为编号不存在（E0501–E0505）", body = ErrorDocument),
    )
)]
pub async fn evaluate(
    State(state): State<Arc<AppState>>,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let text = text(&body)?;
    let loaded = state.current();
    let decision = loaded.rules.evaluate_json(text)?;
    // Written directly: the same bytes as serde_json, at half the instructions.
    let out = caliper::explain::decision_json(&decision).into_bytes();
    Ok(json_response(StatusCode::OK, out))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Batch<'a> {
    #[serde(borrow)]
    cases: Vec<&'a RawValue>,
}

/// Evaluates several cases; each result in the order of the cases, a decision or an error
/// document.
#[utoipa::path(
    post, path = "/evaluate/batch", tag = "evaluate",
    request_body(content = Object, description = "{ \"cases\": [案件文档, …] }", content_type = "application/json"),
    responses(
        (status = 200, description = "{ \"results\": [决定文档或错误文档, …] }，顺序与案件相同", body = Object),
        (status = 400, description = "不是 { \"cases\": [...] } 文档（A0705）", body = ErrorDocument),
        (status = 413, description = "请求体超出上限（A0701）", body = ErrorDocument),
        (status = 422, description = "案件数超出上限（A0702）", body = ErrorDocument),
        (status = 503, description = "超出处理时限（A0703）", body = ErrorDocument),
    )
)]
pub async fn batch(
    State(state): State<Arc<AppState>>,
    Extension(deadline): Extension<Deadline>,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let text = text(&body)?;
    let batch: Batch<'_> = serde_json::from_str(text).map_err(|e| {
        ApiError::malformed(
            format!("批量请求须是 {{ \"cases\": [案件, …] }}：{e}"),
            format!("第 {} 行第 {} 列", e.line(), e.column()),
        )
    })?;
    let max = state.limits.max_batch;
    if batch.cases.len() > max {
        return Err(ApiError::limit(
            StatusCode::UNPROCESSABLE_ENTITY,
            Code::BatchTooLarge,
            format!(
                "批量请求有 {} 个案件，超过 {max} 个的上限",
                batch.cases.len()
            ),
            "max_batch",
            max as u64,
        ));
    }
    let loaded = state.current();
    let mut out = Vec::with_capacity(batch.cases.len() * 1024 + 16);
    out.extend_from_slice(b"{\"results\":[");
    for (i, case) in batch.cases.iter().enumerate() {
        // One clock read per case (tens of nanoseconds against microseconds of evaluation).
        deadline.check()?;
        if i > 0 {
            out.push(b',');
        }
        let written = match loaded.rules.evaluate_json(case.get()) {
            Ok(d) => {
                out.extend_from_slice(caliper::explain::decision_json(&d).as_bytes());
                Ok(())
            }
            Err(mut e) => {
                e.at = format!("cases[{i}]: {}", e.at);
                serde_json::to_writer(&mut out, &e.to_document())
            }
        };
        written.map_err(|e| ApiError::internal("无法写出决定", e))?;
    }
    out.extend_from_slice(b"]}");
    Ok(json_response(StatusCode::OK, out))
}
