//! One error type for every handler, answered in DRF's shapes: `{"detail": ...}`
//! for most failures, a field-keyed map for validation errors, and plain text
//! where Capitan's check-in endpoints answer plain text.

use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::model::FieldErrors;
use crate::storage::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    #[error("not found")]
    NotFound,
    #[error("invalid page")]
    InvalidPage,
    #[error("validation failed: {0}")]
    Validation(FieldErrors),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("method {0} not allowed")]
    MethodNotAllowed(Method),
    #[error("unsupported media type {0}")]
    UnsupportedMediaType(String),
    #[error("request body larger than {0} bytes")]
    PayloadTooLarge(usize),
    /// A plain-text answer meant for the person at the desk.
    #[error("{1}")]
    PlainText(StatusCode, String),
    /// `429` with `Retry-After` (seconds): a throttled login, or no free
    /// password checker.
    #[error("too many requests: {message}")]
    TooManyRequests { retry_after_secs: u64, message: String },
    #[error("internal error: {0}")]
    Internal(String),
    /// `503` saying `message`: something the server needs (the photo store)
    /// failed; `cause` is logged, not shown.
    #[error("unavailable: {message}: {cause}")]
    Unavailable { message: &'static str, cause: String },
    /// `503` with `Retry-After` (seconds): the server is busy with this kind of work.
    #[error("busy: {1}")]
    Busy(u64, &'static str),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::Validation(FieldErrors::single(field, message))
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Invalid(errors) => ApiError::Validation(errors),
            StoreError::Conflict(message) => ApiError::BadRequest(message),
            StoreError::Db(e) => ApiError::Internal(e.to_string()),
        }
    }
}

fn detail(status: StatusCode, message: impl Into<String>) -> Response {
    (status, axum::Json(json!({ "detail": message.into() }))).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Unauthorized(message) => {
                let mut response = detail(StatusCode::UNAUTHORIZED, message);
                response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Token"));
                response
            }
            ApiError::NotFound => detail(StatusCode::NOT_FOUND, "Not found."),
            ApiError::InvalidPage => detail(StatusCode::NOT_FOUND, "Invalid page."),
            ApiError::Validation(errors) => (StatusCode::BAD_REQUEST, axum::Json(errors)).into_response(),
            ApiError::BadRequest(message) => detail(StatusCode::BAD_REQUEST, message),
            ApiError::MethodNotAllowed(method) => {
                detail(StatusCode::METHOD_NOT_ALLOWED, format!("Method \"{method}\" not allowed."))
            }
            ApiError::UnsupportedMediaType(media) => {
                detail(StatusCode::UNSUPPORTED_MEDIA_TYPE, format!("Unsupported media type \"{media}\" in request."))
            }
            ApiError::PayloadTooLarge(limit) => detail(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("Request body is larger than the limit of {limit} bytes."),
            ),
            ApiError::PlainText(status, text) => {
                (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
            }
            ApiError::TooManyRequests { retry_after_secs, message } => {
                let mut response = detail(StatusCode::TOO_MANY_REQUESTS, message);
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
                response
            }
            ApiError::Internal(message) => {
                tracing::error!(error = %message, "request failed");
                detail(StatusCode::INTERNAL_SERVER_ERROR, "A server error occurred.")
            }
            ApiError::Unavailable { message, cause } => {
                tracing::error!(error = %cause, "{message}");
                detail(StatusCode::SERVICE_UNAVAILABLE, message)
            }
            ApiError::Busy(retry_after, message) => {
                let mut response = detail(StatusCode::SERVICE_UNAVAILABLE, message);
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
                response
            }
        }
    }
}

/// The fallback for a path that exists but not with this method.
pub async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::MethodNotAllowed(method)
}

/// The fallback for a path that does not exist.
pub async fn not_found() -> ApiError {
    ApiError::NotFound
}
