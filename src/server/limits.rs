//! Every limit of the service, named, with its default, and the layer that enforces the
//! per-request deadline. A request over a limit gets a document naming it (413, 422 or 503),
//! never a dropped connection.

use super::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use caliper::diag::Code;
use std::time::{Duration, Instant};

/// Default largest request body: 1 MiB (a case is a few hundred bytes; a batch of 1,000 cases
/// fits).
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
/// Default largest batch: 1,000 cases.
pub const DEFAULT_MAX_BATCH: usize = 1000;
/// Default deadline per request: 10 s (one decision takes microseconds; a record, an fsync).
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(10);

/// The limits a server runs with.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest request body in bytes (`--max-body`).
    pub max_body_bytes: usize,
    /// Most cases in one `POST /evaluate/batch` (`--max-batch`).
    pub max_batch: usize,
    /// Longest time one request may take (`--deadline-ms`).
    pub deadline: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_batch: DEFAULT_MAX_BATCH,
            deadline: DEFAULT_DEADLINE,
        }
    }
}

/// The route that writes records, which the deadline layer does not cut short.
pub const RECORD_PATH: &str = "/api/v1/decisions";

/// When the current request must be answered; set by [`deadline`] for handlers that loop.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    /// The instant.
    pub at: Instant,
    /// The limit, for the document.
    pub limit: Duration,
}

impl Deadline {
    /// The error once the deadline has passed.
    pub fn check(&self) -> Result<(), ApiError> {
        if Instant::now() >= self.at {
            Err(deadline_error(self.limit))
        } else {
            Ok(())
        }
    }
}

fn deadline_error(limit: Duration) -> ApiError {
    let ms = u64::try_from(limit.as_millis()).unwrap_or(u64::MAX);
    ApiError::limit(
        StatusCode::SERVICE_UNAVAILABLE,
        Code::DeadlineExceeded,
        format!("请求未能在 {ms} 毫秒的时限内处理完毕"),
        "deadline_ms",
        ms,
    )
}

/// The deadline layer: a request that takes longer than the limit is answered with 503 and the
/// document (the work behind it is dropped at its next await point). Recording a decision is the
/// exception: its handler checks the deadline before it writes, and a record once written is
/// answered 201, never 503 (a 503 must mean "not recorded").
pub async fn deadline(limit: Duration, mut req: Request, next: Next) -> Response {
    let d = Deadline {
        at: Instant::now() + limit,
        limit,
    };
    req.extensions_mut().insert(d);
    let records = req.method() == axum::http::Method::POST && req.uri().path() == RECORD_PATH;
    if records {
        return next.run(req).await;
    }
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(r) => r,
        Err(_) => deadline_error(limit).into_response(),
    }
}

/// The request body as bytes, within `max_body_bytes`: over it, 413 with the document.
pub struct Body(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Body, ApiError> {
        let limit = req.extensions().get::<Limits>().map(|l| l.max_body_bytes);
        match Bytes::from_request(req, state).await {
            Ok(b) => Ok(Body(b)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                let max = limit.unwrap_or(DEFAULT_MAX_BODY_BYTES) as u64;
                Err(ApiError::limit(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    Code::BodyTooLarge,
                    format!("请求体超过 {max} 字节的上限"),
                    "max_body_bytes",
                    max,
                ))
            }
            Err(e) => Err(ApiError::malformed(
                format!("无法读取请求体：{}", e.body_text()),
                "body",
            )),
        }
    }
}

/// The body as UTF-8 text.
pub fn text(body: &Bytes) -> Result<&str, ApiError> {
    std::str::from_utf8(body).map_err(|e| {
        ApiError::malformed(
            "请求体不是 UTF-8 编码的文本",
            format!("第 {} 个字节", e.valid_up_to()),
        )
    })
}
