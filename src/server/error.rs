//! The error document of the API (`{ "error": { code, message, at } }`, as the CLI prints it),
//! with the HTTP status that goes with it; a limit's document also names the limit.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use caliper::CaseError;
use caliper::diag::Code;
use serde::Serialize;

/// An error answered to a client: never a backtrace, always a document.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The document (boxed: errors travel through many `Result`s).
    pub body: Box<ErrorBody>,
}

/// The inside of `{ "error": … }`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable code (`E05xx` a case, `A07xx` the API), explained by `caliper explain CODE`.
    pub code: String,
    /// What is wrong, in Chinese.
    pub message: String,
    /// Where: a field of the request (`facts.volume_m3`), a line and column, or a limit.
    pub at: String,
    /// For a limit: which one and its value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<LimitHit>,
    /// Further details (the departures of a decision without a reason).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}

/// The limit a request ran into.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LimitHit {
    /// `max_body_bytes`, `max_batch` or `deadline_ms`.
    pub name: &'static str,
    /// The limit's value (bytes, cases or milliseconds).
    pub value: u64,
}

/// The document as a whole.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDocument {
    /// The error.
    pub error: ErrorBody,
}

impl ApiError {
    /// An error with an API code.
    pub fn new(
        status: StatusCode,
        code: Code,
        message: impl Into<String>,
        at: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            body: Box::new(ErrorBody {
                code: code.as_str().to_string(),
                message: message.into(),
                at: at.into(),
                limit: None,
                details: Vec::new(),
            }),
        }
    }

    /// A limit was reached.
    pub fn limit(
        status: StatusCode,
        code: Code,
        message: String,
        name: &'static str,
        value: u64,
    ) -> ApiError {
        let mut e = ApiError::new(status, code, message, name);
        e.body.limit = Some(LimitHit { name, value });
        e
    }

    /// A malformed request (400).
    pub fn malformed(message: impl Into<String>, at: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, Code::MalformedRequest, message, at)
    }

    /// Nothing there (404).
    pub fn not_found(message: impl Into<String>, at: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, Code::NotFound, message, at)
    }

    /// Something failed inside; the details go to the log, not to the client.
    pub fn internal(what: &str, detail: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %detail, "{what}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            Code::Internal,
            format!("服务内部错误：{what}；详情见服务日志"),
            "",
        )
    }

    /// Adds details.
    pub fn with_details(mut self, details: Vec<String>) -> ApiError {
        self.body.details = details;
        self
    }
}

/// The status of a case error: a document that is not a case at all is 400, a case that names
/// unknown facts or codes or gives wrong types is 422.
pub fn case_status(e: &CaseError) -> StatusCode {
    if e.code == Code::MalformedCase {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

impl From<CaseError> for ApiError {
    fn from(e: CaseError) -> ApiError {
        ApiError {
            status: case_status(&e),
            body: Box::new(ErrorBody {
                code: e.code.to_string(),
                message: e.message,
                at: e.at,
                limit: None,
                details: Vec::new(),
            }),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(ErrorDocument { error: *self.body })).into_response()
    }
}
