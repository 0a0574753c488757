//! `POST /api/gym-endpoints/barcode-check-in/<barcode>/` (the desk's scanner)
//! and `.../open-door-check-in/<barcode>/` (door hardware): a check-in by
//! barcode, answered in Capitan's shapes: JSON on success, plain text meant
//! for the person at the desk on failure. An `Idempotency-Key` header (ours)
//! makes a retried scan apply once.
//!
//! (ours) `POST /api/customers/{id}/check-ins/` is the same check-in for a customer by id (a child
//! without a card, checked in from a guardian's scan): the same body, rules, answers and
//! `Idempotency-Key` handling, through the same [`check_in`].

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::AppState;
use super::auth::Staff;
use super::check_in_override;
use super::error::{ApiError, ApiResult, method_not_allowed};
use crate::model::check_in::BarcodeCheckIn;
use crate::model::check_in_rules::Refusal;
use crate::storage::check_ins::{self, Admitted, Scan, Who};
use crate::storage::idempotency::{self, StoredAnswer};
use crate::storage::orgs::{self, Location};
use crate::storage::{Conn, OrgScope, StoreError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/gym-endpoints/barcode-check-in/{barcode}/", post(barcode_check_in).fallback(method_not_allowed))
        .route(
            "/api/gym-endpoints/open-door-check-in/{barcode}/",
            post(open_door_check_in).fallback(method_not_allowed),
        )
}

/// Longest `Idempotency-Key` accepted.
pub const IDEMPOTENCY_KEY_MAX: usize = 255;
const IDEMPOTENCY_HEADER: &str = "idempotency-key";
/// Set on an answer replayed for a retried `Idempotency-Key`.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";
const TEXT: &str = "text/plain; charset=utf-8";
const JSON: &str = "application/json";

fn plain(status: StatusCode, text: impl Into<String>) -> ApiError {
    ApiError::PlainText(status, text.into())
}

async fn barcode_check_in(
    State(state): State<AppState>,
    staff: Staff,
    Path(barcode): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    check_in(&state, &staff, Door::Desk, Who::Barcode(&barcode), &headers, &body).await
}

/// (ours) `POST /api/customers/{id}/check-ins/`: a check-in of the customer by id, as a desk scan.
pub(super) async fn customer_check_in(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let id = super::customers::parse_id(&id)?;
    check_in(&state, &staff, Door::Desk, Who::Customer(id), &headers, &body).await
}

async fn open_door_check_in(
    State(state): State<AppState>,
    staff: Staff,
    Path(barcode): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    check_in(&state, &staff, Door::Hardware, Who::Barcode(&barcode), &headers, &body).await
}

/// Who is at the door: staff at the desk, or door hardware (whose check-ins
/// are recorded as automatic: no person saw them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Door {
    Desk,
    Hardware,
}

impl Door {
    fn path(self) -> &'static str {
        match self {
            Door::Desk => "barcode-check-in",
            Door::Hardware => "open-door-check-in",
        }
    }
}

async fn check_in(
    state: &AppState,
    staff: &Staff,
    door: Door,
    who: Who<'_>,
    headers: &HeaderMap,
    body: &[u8],
) -> ApiResult<Response> {
    let requested_location = location_in_body(headers, body)?;
    let key = idempotency_key(headers)?;
    let override_reason = check_in_override::override_reason_in_body(headers, body)?;
    let fingerprint =
        fingerprint(door, who, requested_location) + &check_in_override::fingerprint_part(override_reason.as_deref());
    let now = state.clock().now();
    let scanned_at = scanned_at_in_body(headers, body, now)?;

    let mut tx = state.db().begin_write().await?;
    if let Some(key) = &key
        && let Some(stored) = idempotency::find(&staff.org, &mut tx, key, now.as_microsecond()).await?
    {
        if stored.request_fingerprint != fingerprint {
            return Err(plain(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!(
                    "The Idempotency-Key {key:?} was already used for a different check-in request. A retried scan \
                     must repeat the same barcode (or customer) and body; a new scan needs a new key."
                ),
            ));
        }
        if let Some(id) = idempotency::voided_check_in(&staff.org, &mut tx, &stored).await? {
            return Err(plain(
                StatusCode::CONFLICT,
                format!(
                    "This scan (Idempotency-Key {key:?}) was admitted as check-in {id}, which has since been voided. \
                     To check the customer in again, scan again (a new scan has a new key)."
                ),
            ));
        }
        return Ok(replay(stored));
    }
    let location = resolve_location(&staff.org, &mut tx, requested_location, staff.location_id).await?;
    let scan = Scan {
        who,
        location: &location,
        actor: staff.actor(),
        automatic: door == Door::Hardware,
        now: scanned_at.unwrap_or(now),
        recorded_at: now,
        override_reason: override_reason.as_deref(),
    };
    let outcome = check_ins::scan(&staff.org, &mut tx, &scan).await?;
    let answer = answer(state, outcome, fingerprint, override_reason.as_deref())?;
    if let Some(key) = &key {
        idempotency::store(&staff.org, &mut tx, key, &answer, now.as_microsecond()).await?;
    }
    tx.commit().await.map_err(StoreError::from)?;
    Ok(respond(&answer, false))
}

/// The scan's answer, in the form it is sent and remembered.
fn answer(
    state: &AppState,
    outcome: Result<Admitted, Refusal>,
    fingerprint: String,
    override_reason: Option<&str>,
) -> ApiResult<StoredAnswer> {
    let (status, content_type, body) = match outcome {
        Ok(admitted) => {
            let mut body = success_body(state, admitted);
            body.override_reason = override_reason.map(str::to_string);
            let body = serde_json::to_string(&body).map_err(|e| ApiError::Internal(e.to_string()))?;
            (StatusCode::OK, JSON, body)
        }
        Err(refusal @ Refusal::UnknownAccount) => (StatusCode::NOT_FOUND, TEXT, refusal.text()),
        Err(refusal @ (Refusal::BlockingAlert(_) | Refusal::NoEntryMethod)) => {
            (StatusCode::BAD_REQUEST, TEXT, refusal.text())
        }
    };
    Ok(StoredAnswer {
        request_fingerprint: fingerprint,
        status: i64::from(status.as_u16()),
        content_type: content_type.to_string(),
        body,
    })
}

fn success_body(state: &AppState, admitted: Admitted) -> BarcodeCheckIn {
    let c = admitted.check_in;
    BarcodeCheckIn {
        id: c.id,
        customer_id: c.customer_id,
        customer_first_name: c.customer_first_name,
        customer_last_name: c.customer_last_name,
        customer_email: Some(c.customer_email).filter(|e| !e.is_empty()),
        entry_method: c.entry_method,
        entry_method_description: c.entry_method_description,
        milestones: admitted.milestones.join("\n"),
        check_in_count: c.check_in_count,
        has_any_automatic_check_ins: admitted.has_any_automatic_check_ins,
        url: state.urls().resource("check-ins", Some(c.id)),
        location_id: Some(c.location_id),
        location_name: c.location_name,
        check_in_datetime: crate::model::check_in::local_datetime_opt::parse(&c.local_datetime),
        combined: admitted.combined,
        free_entry_reason: c.free_entry_reason,
        override_reason: None,
        overridden: admitted.overridden,
        notices: Some(admitted.notices),
    }
}

fn respond(answer: &StoredAnswer, replayed: bool) -> Response {
    let status = StatusCode::from_u16(answer.status as u16).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let content_type = HeaderValue::from_str(&answer.content_type).unwrap_or(HeaderValue::from_static(TEXT));
    let mut response = (status, [(header::CONTENT_TYPE, content_type)], answer.body.clone()).into_response();
    if replayed {
        response.headers_mut().insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
    }
    response
}

fn replay(stored: StoredAnswer) -> Response {
    respond(&stored, true)
}

/// The optional `{"location_id": N}` body (JSON, a form, or nothing).
fn location_in_body(headers: &HeaderMap, body: &[u8]) -> ApiResult<Option<i64>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    let value = match media.as_deref() {
        Some("application/x-www-form-urlencoded") => {
            form_urlencoded::parse(body).find(|(k, _)| k == "location_id").map(|(_, v)| Value::String(v.into_owned()))
        }
        None | Some("application/json") => match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(mut map)) => map.remove("location_id"),
            Ok(_) => {
                return Err(plain(
                    StatusCode::BAD_REQUEST,
                    "The body must be a JSON object such as {\"location_id\": 3}.",
                ));
            }
            Err(e) => return Err(plain(StatusCode::BAD_REQUEST, format!("The body is not valid JSON: {e}."))),
        },
        Some(other) if other.ends_with("+json") => match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(mut map)) => map.remove("location_id"),
            _ => {
                return Err(plain(
                    StatusCode::BAD_REQUEST,
                    "The body must be a JSON object such as {\"location_id\": 3}.",
                ));
            }
        },
        Some(other) => {
            return Err(plain(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("Unsupported media type \"{other}\": send JSON such as {{\"location_id\": 3}}."),
            ));
        }
    };
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.as_i64().is_some() => Ok(n.as_i64()),
        Some(Value::String(s)) if s.trim().parse::<i64>().is_ok() => Ok(s.trim().parse().ok()),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(other) => Err(plain(
            StatusCode::BAD_REQUEST,
            format!("location_id must be a location's id (a whole number), not {other}."),
        )),
    }
}

/// How far a `scanned_at` may lie ahead of the server's clock (a desk clock running a little fast):
/// within it the scan counts as made now.
pub const SCANNED_AT_SKEW: jiff::SignedDuration = jiff::SignedDuration::from_secs(120);
/// How old a `scanned_at` may be.
pub const SCANNED_AT_MAX_AGE: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);
const MSG_SCANNED_AT: &str = "Enter the moment of the scan as an RFC 3339 date and time in UTC, such as \
                              2026-03-10T16:05:00Z.";

/// (ours) The optional `scanned_at` of the body: when the customer was scanned, for a scan sent late
/// (from an offline queue). Not in the future (beyond [`SCANNED_AT_SKEW`], which reads as `now`) and
/// at most [`SCANNED_AT_MAX_AGE`] old; else a `400` naming the field, in DRF's shape.
fn scanned_at_in_body(headers: &HeaderMap, body: &[u8], now: jiff::Timestamp) -> ApiResult<Option<jiff::Timestamp>> {
    let text = match super::body::body_field(headers, body, "scanned_at") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Value::String(s)) => s,
        Some(_) => return Err(ApiError::field("scanned_at", MSG_SCANNED_AT)),
    };
    let at: jiff::Timestamp = text.trim().parse().map_err(|_| ApiError::field("scanned_at", MSG_SCANNED_AT))?;
    if at.duration_since(now) > SCANNED_AT_SKEW {
        return Err(ApiError::field(
            "scanned_at",
            format!("The scan time {at} is in the future (the server's clock says {now})."),
        ));
    }
    if now.duration_since(at) > SCANNED_AT_MAX_AGE {
        return Err(ApiError::field(
            "scanned_at",
            format!(
                "The scan time {at} is more than 24 hours ago (the server's clock says {now}): a scan that old \
                 must be checked in by hand."
            ),
        ));
    }
    Ok(Some(at.min(now)))
}

fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    let Some(value) = headers.get(IDEMPOTENCY_HEADER) else {
        return Ok(None);
    };
    let key = value.to_str().ok().map(str::trim).unwrap_or("");
    let printable = key.bytes().all(|b| b.is_ascii_graphic());
    if key.is_empty() || key.len() > IDEMPOTENCY_KEY_MAX || !printable {
        return Err(plain(
            StatusCode::BAD_REQUEST,
            format!(
                "The Idempotency-Key header must be 1 to {IDEMPOTENCY_KEY_MAX} printable ASCII characters without spaces (a UUID is ideal)."
            ),
        ));
    }
    Ok(Some(key.to_string()))
}

/// What makes two requests "the same scan": the endpoint, the barcode (or
/// the customer) and the location asked for.
fn fingerprint(door: Door, who: Who<'_>, location_id: Option<i64>) -> String {
    let text = match who {
        Who::Barcode(barcode) => format!("POST /api/gym-endpoints/{}/\n{barcode}\n{location_id:?}", door.path()),
        Who::Customer(id) => format!("POST /api/customers/{id}/check-ins/\n{location_id:?}"),
    };
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Where the check-in happens: the location the body names (it must be the
/// organization's), else the staff user's own, else the organization's only one.
pub(super) async fn resolve_location(
    org: &OrgScope,
    conn: &mut Conn,
    requested: Option<i64>,
    staff_location: Option<i64>,
) -> ApiResult<Location> {
    if let Some(id) = requested {
        return orgs::location(org, conn, id).await?.ok_or_else(|| {
            plain(StatusCode::BAD_REQUEST, format!("location_id {id} is not one of {}'s locations.", org.name))
        });
    }
    if let Some(id) = staff_location
        && let Some(location) = orgs::location(org, conn, id).await?
    {
        return Ok(location);
    }
    let mut all = orgs::locations(org, conn).await?;
    match all.len() {
        1 => Ok(all.remove(0)),
        0 => Err(plain(
            StatusCode::BAD_REQUEST,
            format!("{} has no locations yet: create one to check customers in.", org.name),
        )),
        n => Err(plain(
            StatusCode::BAD_REQUEST,
            format!(
                "{} has {n} locations and this staff user has none of their own: send {{\"location_id\": N}} to say \
                 where the check-in happens.",
                org.name
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(content_type: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(ct) = content_type {
            h.insert(header::CONTENT_TYPE, HeaderValue::from_str(ct).unwrap());
        }
        h
    }

    #[test]
    fn the_body_may_name_a_location_or_be_empty() {
        let json = headers(Some("application/json"));
        assert_eq!(location_in_body(&json, b"").unwrap(), None);
        assert_eq!(location_in_body(&json, b"{}").unwrap(), None);
        assert_eq!(location_in_body(&json, br#"{"location_id": 3}"#).unwrap(), Some(3));
        assert_eq!(location_in_body(&json, br#"{"location_id": "3"}"#).unwrap(), Some(3));
        assert_eq!(location_in_body(&json, br#"{"location_id": null}"#).unwrap(), None);
        let form = headers(Some("application/x-www-form-urlencoded"));
        assert_eq!(location_in_body(&form, b"location_id=4").unwrap(), Some(4));
        for bad in [&br#"{"location_id": "main"}"#[..], b"[1]", b"{oops"] {
            assert!(matches!(location_in_body(&json, bad), Err(ApiError::PlainText(StatusCode::BAD_REQUEST, _))));
        }
    }

    #[test]
    fn a_retry_has_the_same_fingerprint_and_another_scan_does_not() {
        let a = fingerprint(Door::Desk, Who::Barcode("123"), None);
        assert_eq!(a, fingerprint(Door::Desk, Who::Barcode("123"), None));
        assert_ne!(a, fingerprint(Door::Desk, Who::Barcode("124"), None));
        assert_ne!(a, fingerprint(Door::Desk, Who::Barcode("123"), Some(1)));
        assert_ne!(a, fingerprint(Door::Hardware, Who::Barcode("123"), None));
        assert_ne!(a, fingerprint(Door::Desk, Who::Customer(123), None));
        assert_ne!(fingerprint(Door::Desk, Who::Customer(1), None), fingerprint(Door::Desk, Who::Customer(2), None));
    }
}
