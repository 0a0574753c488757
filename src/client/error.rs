//! What can go wrong talking to the API, as values the app can act on: the
//! status line says "offline" and offers a retry, a 401 asks for a new token,
//! a validation error names its fields.

use std::fmt;

use crate::model::FieldErrors;

#[derive(Debug, Clone, PartialEq)]
pub enum ClientError {
    /// The server could not be reached (DNS, refused, reset, timed out).
    Offline(String),
    /// 401 or 403: the token is missing, wrong or revoked.
    Unauthorized(String),
    /// 404: no such record (or another organization's).
    NotFound(String),
    /// 400 with a field-keyed body (DRF's validation errors).
    Validation(FieldErrors),
    /// Any other 4xx, with the server's `detail` (or body) text.
    Rejected { status: u16, message: String },
    /// 5xx.
    Server { status: u16, message: String },
    /// A 2xx whose body is not what the API promises.
    BadResponse(String),
}

impl ClientError {
    /// Worth trying the same read again: the network or the server failed,
    /// not the request.
    pub fn is_transient(&self) -> bool {
        matches!(self, ClientError::Offline(_) | ClientError::Server { .. })
    }

    /// One short line for the status bar.
    pub fn summary(&self) -> String {
        match self {
            ClientError::Offline(why) => format!("Cannot reach the server ({why})"),
            ClientError::Unauthorized(detail) => format!("Not signed in: {detail}"),
            ClientError::NotFound(detail) => format!("Not found: {detail}"),
            ClientError::Validation(errors) => errors.to_string(),
            ClientError::Rejected { status, message } => format!("Refused ({status}): {message}"),
            ClientError::Server { status, message } => format!("Server error ({status}): {message}"),
            ClientError::BadResponse(why) => format!("Unexpected answer from the server: {why}"),
        }
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary())
    }
}

impl std::error::Error for ClientError {}

/// Why a request did not reach an answer, in plain words and without the URL
/// (which may carry a search term staff typed).
pub(crate) fn describe_transport(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "connection failed".into()
    } else if e.is_body() || e.is_decode() {
        "the answer was cut off".into()
    } else {
        "network error".into()
    }
}

/// Turns a non-2xx answer into a typed error. `body` is the raw text.
pub(crate) fn from_status(status: u16, body: &str) -> ClientError {
    let json: Option<serde_json::Value> = serde_json::from_str(body).ok();
    let detail = json
        .as_ref()
        .and_then(|v| v.get("detail"))
        .and_then(|d| d.as_str())
        .map(str::to_string)
        .unwrap_or_else(|| plain_excerpt(body));
    match status {
        401 | 403 => ClientError::Unauthorized(detail),
        404 => ClientError::NotFound(detail),
        400 => match json.as_ref().and_then(field_errors) {
            Some(errors) => ClientError::Validation(errors),
            None => ClientError::Rejected { status, message: detail },
        },
        500..=599 => ClientError::Server { status, message: detail },
        _ => ClientError::Rejected { status, message: detail },
    }
}

/// DRF's `{"field": ["message", ...]}` (a bare string is accepted as one
/// message); `None` when the body is `{"detail": ...}` or not an object.
fn field_errors(value: &serde_json::Value) -> Option<FieldErrors> {
    let obj = value.as_object()?;
    if obj.contains_key("detail") || obj.is_empty() {
        return None;
    }
    let mut errors = FieldErrors::new();
    for (field, messages) in obj {
        match messages {
            serde_json::Value::Array(list) => {
                for m in list {
                    errors.add(field, m.as_str().map_or_else(|| m.to_string(), str::to_string));
                }
            }
            serde_json::Value::String(s) => errors.add(field, s.clone()),
            other => errors.add(field, other.to_string()),
        }
    }
    Some(errors)
}

fn plain_excerpt(body: &str) -> String {
    let line = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.is_empty() {
        "no details given".into()
    } else if line.chars().count() > 200 {
        format!("{}…", line.chars().take(200).collect::<String>())
    } else {
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_become_typed_errors() {
        assert_eq!(
            from_status(401, r#"{"detail":"Invalid token."}"#),
            ClientError::Unauthorized("Invalid token.".into())
        );
        assert_eq!(from_status(404, r#"{"detail":"Not found."}"#), ClientError::NotFound("Not found.".into()));
        match from_status(400, r#"{"email":["Enter a valid email address."],"non_field_errors":"x"}"#) {
            ClientError::Validation(e) => {
                assert_eq!(e.get("email").unwrap(), ["Enter a valid email address."]);
                assert_eq!(e.get("non_field_errors").unwrap(), ["x"]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            from_status(400, r#"{"detail":"Invalid page."}"#),
            ClientError::Rejected { status: 400, message: "Invalid page.".into() }
        );
        assert_eq!(
            from_status(502, "<html>Bad gateway</html>"),
            ClientError::Server { status: 502, message: "<html>Bad gateway</html>".into() }
        );
        assert!(from_status(503, "").is_transient());
        assert!(!from_status(404, "").is_transient());
    }
}
