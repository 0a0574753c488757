//! (ours) `override_reason` in a check-in request's body: staff let a customer in whom the rules
//! refuse, with the reason (`docs/check-in.md`, "Overrides"). Read here for every check-in endpoint
//! (the barcode scan, and any other that checks a customer in), so the field means the same on each;
//! the rules are `model::check_in_rules::judge_with_override`, applied by `storage::check_ins::scan`.

use axum::http::HeaderMap;
use serde_json::Value;

use super::error::{ApiError, ApiResult};
use crate::model::check_in_rules::parse_override_reason;

/// The body's field.
pub const FIELD: &str = "override_reason";

/// The optional `override_reason` of a check-in body (JSON or a form; the caller has already
/// refused a body of another kind): `None` when absent or null, else a reason
/// [`parse_override_reason`] accepts (an empty one is refused), or a `400` naming the field in
/// DRF's shape.
pub fn override_reason_in_body(headers: &HeaderMap, body: &[u8]) -> ApiResult<Option<String>> {
    let raw = super::body::body_field(headers, body, FIELD);
    match raw {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => parse_override_reason(&s).map(Some).map_err(|e| ApiError::field(FIELD, e)),
        Some(other) => Err(ApiError::field(FIELD, format!("override_reason must be text (the reason), not {other}."))),
    }
}

/// What an override adds to a request's idempotency fingerprint: nothing without one, so a scan's
/// fingerprint is what it always was; the same key with another reason is another request.
pub fn fingerprint_part(reason: Option<&str>) -> String {
    reason.map(|r| format!("\noverride_reason={r}")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderValue, header};

    fn json() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        h
    }

    #[test]
    fn the_reason_is_optional_text_and_bad_values_name_the_field() {
        assert_eq!(override_reason_in_body(&json(), b"").unwrap(), None);
        assert_eq!(override_reason_in_body(&json(), br#"{"location_id": 1}"#).unwrap(), None);
        assert_eq!(override_reason_in_body(&json(), br#"{"override_reason": null}"#).unwrap(), None);
        assert_eq!(
            override_reason_in_body(&json(), br#"{"override_reason": " manager approved "}"#).unwrap().as_deref(),
            Some("manager approved")
        );
        let mut form = HeaderMap::new();
        form.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
        assert_eq!(
            override_reason_in_body(&form, b"override_reason=paper+waiver").unwrap().as_deref(),
            Some("paper waiver")
        );
        for bad in [&br#"{"override_reason": ""}"#[..], br#"{"override_reason": 3}"#] {
            let err = override_reason_in_body(&json(), bad).unwrap_err();
            assert!(format!("{err:?}").contains("override_reason"), "{err:?}");
        }
    }

    #[test]
    fn a_scan_without_a_reason_keeps_its_fingerprint() {
        assert_eq!(fingerprint_part(None), "");
        assert_ne!(fingerprint_part(Some("a")), fingerprint_part(Some("b")));
    }
}
