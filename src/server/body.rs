//! Request bodies: JSON objects with a content-type check, a size limit and
//! DRF's parse-error answers, so that no malformed body reaches a handler.

use axum::body::Body;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde_json::{Map, Value};

use super::error::ApiError;

/// Largest JSON body accepted (the API promises at least 1 MiB).
pub const JSON_LIMIT: usize = 2 * 1024 * 1024;

/// The media type of a request, lower-cased, without parameters.
pub fn media_type(req: &Request) -> Option<String> {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
}

/// Reads a whole body up to `limit` bytes; more is `413`.
pub async fn read_limited(body: Body, limit: usize) -> Result<bytes::Bytes, ApiError> {
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
        while let Some(err) = source {
            if err.is::<http_body_util::LengthLimitError>() {
                return ApiError::PayloadTooLarge(limit);
            }
            source = err.source();
        }
        ApiError::BadRequest(format!("Could not read the request body: {e}"))
    })
}

/// Parses bytes as a JSON object, answering as DRF does when they are not.
pub fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(ApiError::field(
            "non_field_errors",
            format!("Invalid data. Expected a dictionary, but got {}.", crate::model::fields::json_type_name(&other)),
        )),
        Err(e) => Err(ApiError::BadRequest(format!("JSON parse error - {e}"))),
    }
}

/// A JSON object body (`application/json`, or no body at all).
pub struct JsonObject(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        match media_type(&req).as_deref() {
            Some("application/json") => {}
            Some(other) if other.ends_with("+json") => {}
            None => {}
            Some(other) => return Err(ApiError::UnsupportedMediaType(other.to_string())),
        }
        let bytes = read_limited(req.into_body(), JSON_LIMIT).await?;
        parse_object(&bytes).map(JsonObject)
    }
}

/// One field of a check-in body, JSON or a form (`None` for an empty body or an absent field): the
/// body is known to be one of the two, `location_in_body` refused anything else first.
pub(super) fn body_field(headers: &axum::http::HeaderMap, body: &[u8], name: &str) -> Option<serde_json::Value> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let media = headers.get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if media.trim_start().to_ascii_lowercase().starts_with("application/x-www-form-urlencoded") {
        form_urlencoded::parse(body).find(|(k, _)| k == name).map(|(_, v)| serde_json::Value::String(v.into_owned()))
    } else {
        match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(serde_json::Value::Object(mut map)) => map.remove(name),
            _ => None,
        }
    }
}
