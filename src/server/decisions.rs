//! `POST /decisions` records a decision; `GET /decisions/{id}` and `GET /decisions` read them.
//! A record keeps the case as submitted, the engine's decision, the rule set's digest and
//! version, the officer's final decision and, where it departs from the recommendation, the
//! reason (required: else 422).

use super::departure::{Final, departures};
use super::error::{ApiError, ErrorDocument};
use super::evaluate::json_response;
use super::limits::{Body, Deadline, text};
use super::records::{MAX_PAGE, NewRecord, Query as StoreQuery, Record};
use super::state::{AppState, now};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use caliper::decision::Outcome;
use caliper::decision::PenaltyKind;
use caliper::diag::Code;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::sync::Arc;

/// The default page size of `GET /decisions`.
pub const DEFAULT_PAGE: u32 = 50;

/// A decision to record.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordRequest<'a> {
    /// The case (the contract's case document).
    #[serde(borrow)]
    #[schema(value_type = Object)]
    pub case: &'a RawValue,
    /// The officer's final decision.
    #[serde(rename = "final")]
    pub fin: Final,
    /// Why the final decision departs from the recommendation (required then).
    #[serde(default)]
    pub reason: Option<String>,
    /// Who decided.
    pub officer: String,
    /// The id of the record this one corrects.
    #[serde(default)]
    pub corrects: Option<String>,
}

/// A record as the API shows it.
#[derive(Serialize)]
pub struct RecordDocument {
    /// Id.
    pub id: String,
    /// When (RFC 3339, UTC).
    pub recorded_at: String,
    /// Who.
    pub officer: String,
    /// The record corrected.
    pub corrects: Option<String>,
    /// The case as submitted.
    pub case: Box<RawValue>,
    /// The engine's decision.
    pub decision: Box<RawValue>,
    /// The final decision.
    #[serde(rename = "final")]
    pub fin: Box<RawValue>,
    /// How it departs from the recommendation.
    pub departures: Box<RawValue>,
    /// The reason given.
    pub reason: Option<String>,
    /// The review of the final decision, where one was made.
    pub review: Option<Box<RawValue>>,
    /// The rule set.
    pub ruleset: RulesetRef,
    /// `caliper` version.
    pub engine_version: String,
    /// `sha256:` of the record as stored, to match a printed record to the store.
    pub digest: String,
}

/// The rule set a record was made under.
#[derive(Serialize)]
pub struct RulesetRef {
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Digest.
    pub digest: String,
}

fn raw(s: String) -> Result<Box<RawValue>, ApiError> {
    RawValue::from_string(s).map_err(|e| ApiError::internal("决定记录中的 JSON 无法读出", e))
}

fn document(r: Record) -> Result<RecordDocument, ApiError> {
    let digest = r.digest();
    Ok(RecordDocument {
        id: r.id.to_string(),
        recorded_at: r.recorded_at,
        officer: r.officer,
        corrects: r.corrects.map(|c| c.to_string()),
        case: raw(r.case_json)?,
        decision: raw(r.decision_json)?,
        fin: raw(r.final_json)?,
        departures: raw(r.departures_json)?,
        reason: r.reason,
        review: r.review_json.map(raw).transpose()?,
        ruleset: RulesetRef {
            name: r.ruleset_name,
            version: r.ruleset_version,
            digest: r.ruleset_digest,
        },
        engine_version: r.engine_version,
        digest,
    })
}

fn parse_id(s: &str, at: &str) -> Result<i64, ApiError> {
    s.trim()
        .parse::<i64>()
        .ok()
        .filter(|&i| i > 0)
        .ok_or_else(|| ApiError::malformed(format!("记录编号须是正整数，而不是“{s}”"), at))
}

fn unprocessable(message: impl Into<String>, at: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        Code::MalformedRequest,
        message,
        at,
    )
}

/// Records a decision.
#[utoipa::path(
    post, path = "/decisions", tag = "decisions",
    request_body(content = Object, description = "{ case, final: { outcome, fine, penalties }, reason, officer, corrects }", content_type = "application/json"),
    responses(
        (status = 201, description = "{ id, recorded_at, decision, final, departures, reason, review, ruleset, digest }", body = Object),
        (status = 400, description = "请求或案件不是约定的文档（A0705、E0504）", body = ErrorDocument),
        (status = 413, description = "请求体超出上限（A0701）", body = ErrorDocument),
        (status = 422, description = "案件有错误（E05xx）、最终决定无效，或偏离建议而未说明理由（A0704）", body = ErrorDocument),
        (status = 503, description = "写入之前已超出处理时限（A0703）：没有记录", body = ErrorDocument),
    )
)]
pub async fn record(
    State(state): State<Arc<AppState>>,
    Extension(deadline): Extension<Deadline>,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let text = text(&body)?;
    let req: RecordRequest<'_> = serde_json::from_str(text).map_err(|e| {
        ApiError::malformed(
            format!("记录请求须是 {{ case, final, reason, officer }} 文档：{e}"),
            format!("第 {} 行第 {} 列", e.line(), e.column()),
        )
    })?;
    let officer = validate(&req)?;
    let corrects = req
        .corrects
        .as_deref()
        .map(|c| parse_id(c, "corrects"))
        .transpose()?;
    let loaded = state.current();
    let assessed = assess(&loaded.rules, &req)?;
    let reason = req
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if !assessed.departures.is_empty() && reason.is_none() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            Code::MissingReason,
            format!(
                "最终决定偏离了建议（{}），须在 reason 中说明理由",
                assessed.departures.join("；")
            ),
            "reason",
        )
        .with_details(assessed.departures));
    }
    let written = Written {
        officer: officer.to_string(),
        corrects,
        violation: assessed.decision.violation.to_string(),
        case_json: req.case.get().to_string(),
        decision_json: ser(&assessed.decision)?,
        final_json: ser(&req.fin)?,
        departures_json: ser(&assessed.departures)?,
        reason: reason.map(str::to_string),
        review_json: ser(&assessed.review)?,
        info: loaded.rules.info().clone(),
        recorded_at: now(),
    };
    let review_out = raw(written.review_json.clone())?;
    // The last point at which the request may still be refused for time: past it, it is written.
    deadline.check()?;
    let (id, recorded_at, digest) = append(state.clone(), written).await?;
    tracing::info!(record = id, violation = %assessed.decision.violation,
        departs = !assessed.departures.is_empty(), "决定已记录");
    let answer = Recorded {
        id: id.to_string(),
        recorded_at,
        corrects: corrects.map(|c| c.to_string()),
        decision: &assessed.decision,
        fin: &req.fin,
        departures: &assessed.departures,
        reason,
        review: Some(&review_out),
        ruleset: &assessed.decision.ruleset,
        engine_version: env!("CARGO_PKG_VERSION"),
        digest,
    };
    let out = serde_json::to_vec(&answer).map_err(|e| ApiError::internal("无法写出记录", e))?;
    Ok(json_response(StatusCode::CREATED, out))
}

/// Checks what the request says of itself (the officer, the final decision): the officer's
/// name, trimmed.
fn validate<'r>(req: &'r RecordRequest<'_>) -> Result<&'r str, ApiError> {
    let officer = req.officer.trim();
    if officer.is_empty() {
        return Err(unprocessable(
            "须写明作出决定的执法人员（officer）",
            "officer",
        ));
    }
    let fin = &req.fin;
    if fin.outcome == Outcome::Undetermined {
        return Err(unprocessable(
            "最终决定须是一种处罚结果，不能是“待定”",
            "final.outcome",
        ));
    }
    if let Some(f) = fin.fine {
        if f.is_sign_negative() || f.scale() > 2 {
            return Err(unprocessable(
                format!("罚款须是不小于零、精确到分的金额，而不是 {f}"),
                "final.fine",
            ));
        }
    } else if fin.penalties.contains(&PenaltyKind::Fine) {
        return Err(unprocessable(
            "处以罚款时须在 final.fine 中写明金额",
            "final.fine",
        ));
    }
    Ok(officer)
}

/// The engine's decision on the case, the library's review of the final decision (偏离审查),
/// and how the final decision departs from the recommendation.
struct Assessed {
    decision: caliper::Decision,
    review: caliper::review::Review,
    departures: Vec<String>,
}

fn assess(rules: &caliper::Rules, req: &RecordRequest<'_>) -> Result<Assessed, ApiError> {
    let decision = rules.evaluate_json(req.case.get())?;
    let case: caliper::Case = serde_json::from_str(req.case.get())
        .map_err(|e| ApiError::malformed(format!("案件写得不对：{e}"), "case".to_string()))?;
    let proposed = caliper::Proposed {
        outcome: Some(req.fin.outcome),
        fine: req.fin.fine,
        penalties: Some(req.fin.penalties.clone()),
    };
    let review = rules.review(&case, &proposed)?.review;
    let mut departures = departures(&decision, &req.fin);
    if review.departs && departures.is_empty() {
        departures.extend(review.findings.iter().cloned());
    }
    Ok(Assessed {
        decision,
        review,
        departures,
    })
}

/// A record's columns, written out, ready to append.
struct Written {
    officer: String,
    corrects: Option<i64>,
    violation: String,
    case_json: String,
    decision_json: String,
    final_json: String,
    departures_json: String,
    reason: Option<String>,
    review_json: String,
    info: caliper::decision::RuleSetInfo,
    recorded_at: String,
}

/// Appends the record on a blocking thread (the write is synced before it returns): its id,
/// when it was recorded and its digest. A correction of a record that does not exist is 422.
async fn append(state: Arc<AppState>, w: Written) -> Result<(i64, String, String), ApiError> {
    tokio::task::spawn_blocking(move || {
        if let Some(c) = w.corrects
            && !state.store.exists(c)?
        {
            return Ok(Err(c));
        }
        let record = NewRecord {
            recorded_at: &w.recorded_at,
            officer: &w.officer,
            corrects: w.corrects,
            violation: &w.violation,
            case_json: &w.case_json,
            decision_json: &w.decision_json,
            ruleset_digest: &w.info.digest,
            ruleset_name: &w.info.name,
            ruleset_version: &w.info.version,
            engine_version: env!("CARGO_PKG_VERSION"),
            final_json: &w.final_json,
            departures_json: &w.departures_json,
            reason: w.reason.as_deref(),
            review_json: Some(&w.review_json),
        };
        let id = state.store.append(&record)?;
        let digest = record.digest(id);
        Ok::<_, super::records::StoreError>(Ok((id, w.recorded_at.clone(), digest)))
    })
    .await
    .map_err(|e| ApiError::internal("记录任务中断", e))?
    .map_err(|e| ApiError::internal("无法写入决定记录", e))?
    .map_err(|c| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            Code::NotFound,
            format!("要更正的记录 {c} 不存在"),
            "corrects",
        )
    })
}

/// The answer to `POST /decisions`, in the contract's field order.
#[derive(Serialize)]
struct Recorded<'a> {
    id: String,
    recorded_at: String,
    corrects: Option<String>,
    decision: &'a caliper::Decision,
    #[serde(rename = "final")]
    fin: &'a Final,
    departures: &'a [String],
    reason: Option<&'a str>,
    /// The library's review of the final decision, once it has one; null until then.
    review: Option<&'a RawValue>,
    ruleset: &'a caliper::decision::RuleSetInfo,
    /// `caliper` version.
    engine_version: &'static str,
    /// `sha256:` of the record as stored (the digest `GET /decisions/{id}` gives).
    digest: String,
}

fn ser<T: Serialize>(v: &T) -> Result<String, ApiError> {
    serde_json::to_string(v).map_err(|e| ApiError::internal("无法写出记录", e))
}

/// Reads one record.
#[utoipa::path(
    get, path = "/decisions/{id}", tag = "decisions",
    params(("id" = String, Path, description = "记录编号")),
    responses(
        (status = 200, description = "记录：{ id, recorded_at, officer, corrects, case, decision, final, departures, reason, review, ruleset, engine_version, digest }", body = Object),
        (status = 404, description = "没有这条记录（A0706）", body = ErrorDocument),
    )
)]
pub async fn get(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Json<RecordDocument>, ApiError> {
    let id = parse_id(&id, "id")?;
    let found = tokio::task::spawn_blocking(move || state.store.get(id))
        .await
        .map_err(|e| ApiError::internal("读取任务中断", e))?
        .map_err(|e| ApiError::internal("无法读取决定记录", e))?;
    match found {
        Some(r) => Ok(Json(document(r)?)),
        None => Err(ApiError::not_found(
            format!("没有编号为 {id} 的决定记录"),
            "id",
        )),
    }
}

/// Which records to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Only this violation code.
    pub violation: Option<String>,
    /// Recorded on or after: `YYYY-MM-DD` (a UTC day) or an RFC 3339 instant.
    pub from: Option<String>,
    /// Recorded on or before `YYYY-MM-DD` (the whole UTC day), or before an RFC 3339 instant.
    pub to: Option<String>,
    /// The page cursor: records after this id (the `next` of the previous page).
    pub after: Option<String>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<u32>,
}

/// One page of records.
#[derive(Serialize)]
pub struct Page {
    /// Records, oldest first.
    pub records: Vec<RecordDocument>,
    /// The `after` of the next page, or null on the last.
    pub next: Option<String>,
}

/// A bound as stored text: a day (its start; with `end`, the start of the next day) or an
/// instant.
fn bound(s: &str, end: bool, at: &str) -> Result<String, ApiError> {
    if let Ok(d) = s.parse::<jiff::civil::Date>() {
        let d = if end {
            d.tomorrow()
                .map_err(|_| ApiError::malformed(format!("日期 {s} 超出范围"), at))?
        } else {
            d
        };
        return Ok(format!("{d}T00:00:00Z"));
    }
    s.parse::<jiff::Timestamp>()
        .ok()
        .and_then(|t| t.round(jiff::Unit::Second).ok())
        .map(|t| t.to_string())
        .ok_or_else(|| {
            ApiError::malformed(
                format!("{at} 须是 YYYY-MM-DD 日期或 RFC 3339 时间，而不是“{s}”"),
                at,
            )
        })
}

/// Lists records by violation and time, a page at a time.
#[utoipa::path(
    get, path = "/decisions", tag = "decisions", params(ListQuery),
    responses(
        (status = 200, description = "{ records: [记录, …], next }", body = Object),
        (status = 400, description = "查询参数无效（A0705）", body = ErrorDocument),
    )
)]
pub async fn list(
    State(state): State<Arc<AppState>>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let from = q
        .from
        .as_deref()
        .map(|s| bound(s, false, "from"))
        .transpose()?;
    let to = q.to.as_deref().map(|s| bound(s, true, "to")).transpose()?;
    let after = q
        .after
        .as_deref()
        .map(|s| parse_id(s, "after"))
        .transpose()?;
    let limit = q.limit.unwrap_or(DEFAULT_PAGE);
    if limit == 0 || limit > MAX_PAGE {
        return Err(ApiError::malformed(
            format!("limit 须在 1 和 {MAX_PAGE} 之间"),
            "limit",
        ));
    }
    let violation = q.violation;
    let rows = tokio::task::spawn_blocking(move || {
        state.store.list(&StoreQuery {
            violation: violation.as_deref(),
            from: from.as_deref(),
            to: to.as_deref(),
            after,
            limit,
        })
    })
    .await
    .map_err(|e| ApiError::internal("读取任务中断", e))?
    .map_err(|e| ApiError::internal("无法读取决定记录", e))?;
    let next = (rows.len() == limit as usize)
        .then(|| rows.last().map(|r| r.id.to_string()))
        .flatten();
    let records = rows.into_iter().map(document).collect::<Result<_, _>>()?;
    Ok(Json(Page { records, next }))
}
