//! Token authentication as DRF does it: `POST /api/get-token/` trades a
//! username and password for a token, and every other request carries
//! `Authorization: Token <token>` (the keyword in any case).

use axum::Router;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::StatusCode;
use axum::http::header;
use axum::http::request::Parts;
use axum::routing::post;
use serde_json::{Value, json};

use super::AppState;
use super::body::{JSON_LIMIT, media_type, parse_object, read_limited};
use super::error::{ApiError, ApiResult, method_not_allowed};
use crate::model::FieldErrors;
use crate::model::validation::{MSG_BLANK, MSG_NOT_STRING, MSG_REQUIRED};
use crate::storage::activity::Actor;
use crate::storage::{OrgScope, auth, orgs, throttle};

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/get-token/", post(get_token).delete(revoke_token).fallback(method_not_allowed))
}

/// The staff user a request acts for, and their organization.
#[derive(Debug, Clone)]
pub struct Staff {
    pub org: OrgScope,
    pub user_id: i64,
    pub username: String,
    pub location_id: Option<i64>,
    /// The organization's customer-list change number, read with the token,
    /// when nothing this request did since could have moved it (`None`
    /// after the calendar catch-up ran for it).
    pub list_seq: Option<i64>,
}

impl Staff {
    pub fn actor(&self) -> Actor {
        Actor::Staff(self.user_id)
    }
}

/// Reads the token from an `Authorization` header value, as DRF's
/// `TokenAuthentication` does.
pub fn token_from_header(value: Option<&[u8]>) -> Result<String, ApiError> {
    let Some(value) = value else {
        return Err(ApiError::Unauthorized("Authentication credentials were not provided."));
    };
    let words: Vec<&[u8]> = value.split(|b| b.is_ascii_whitespace()).filter(|w| !w.is_empty()).collect();
    match words.as_slice() {
        [] => Err(ApiError::Unauthorized("Authentication credentials were not provided.")),
        [keyword, ..] if !keyword.eq_ignore_ascii_case(b"token") => {
            Err(ApiError::Unauthorized("Authentication credentials were not provided."))
        }
        [_] => Err(ApiError::Unauthorized("Invalid token header. No credentials provided.")),
        [_, token] => std::str::from_utf8(token).map(str::to_string).map_err(|_| {
            ApiError::Unauthorized("Invalid token header. Token string should not contain invalid characters.")
        }),
        _ => Err(ApiError::Unauthorized("Invalid token header. Token string should not contain spaces.")),
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = token_from_header(parts.headers.get(header::AUTHORIZATION).map(|v| v.as_bytes()))?;
        let identity = if state.options().token_cache {
            auth::current_identity(state.db(), &token, issued_after(state)).await?
        } else {
            auth::identity(&mut state.db().acquire().await?, &token, issued_after(state)).await?
        };
        let identity = identity.ok_or(ApiError::Unauthorized("Invalid token."))?;
        let caught_up = state.ensure_derived_current(&identity.org).await?;
        Ok(Staff {
            org: identity.org,
            user_id: identity.user_id,
            username: identity.username,
            location_id: identity.location_id,
            list_seq: (!caught_up).then_some(identity.list_seq),
        })
    }
}

/// The oldest a token may have been issued and still work (`--token-ttl`).
fn issued_after(state: &AppState) -> Option<i64> {
    let ttl = state.options().token_ttl?;
    Some(state.now_micros().saturating_sub(i64::try_from(ttl.as_micros()).unwrap_or(i64::MAX)))
}

/// `DELETE /api/get-token/` (ours): revokes the token the request carries,
/// as a log-out. `204`; the token then answers `401` like any other.
async fn revoke_token(State(state): State<AppState>, req: Request) -> ApiResult<StatusCode> {
    let token = token_from_header(req.headers().get(header::AUTHORIZATION).map(|v| v.as_bytes()))?;
    let mut conn = state.db().acquire().await?;
    if auth::identity(&mut conn, &token, issued_after(&state)).await?.is_none() {
        return Err(ApiError::Unauthorized("Invalid token."));
    }
    drop(conn);
    let mut tx = state.db().begin_write().await?;
    auth::revoke_token(&mut tx, &token).await?;
    tx.commit().await.map_err(crate::storage::StoreError::from)?;
    Ok(StatusCode::NO_CONTENT)
}

/// A hash to verify against when the username is unknown, so that a wrong
/// username takes as long to refuse as a wrong password.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    // Hashing with argon2's defaults and a 16-byte salt does not fail; were it
    // to, an empty hash still refuses every password (only sooner).
    HASH.get_or_init(|| auth::hash_password("frontdesk dummy password").unwrap_or_default())
}

/// The throttle keys of a login attempt: the client's address (when known)
/// and the username, case-folded.
fn throttle_keys(peer: Option<std::net::IpAddr>, username: &str) -> Vec<String> {
    let mut keys = vec![format!("user:{}", crate::storage::throttle::lockout_key(username))];
    if let Some(ip) = peer {
        keys.push(format!("addr:{ip}"));
    }
    keys
}

/// DRF's throttled answer: `429`, `Retry-After` and how long to wait.
fn throttled(wait: std::time::Duration) -> ApiError {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    ApiError::TooManyRequests {
        retry_after_secs: secs.max(1),
        message: format!("Request was throttled. Expected available in {} seconds.", secs.max(1)),
    }
}

/// A refused login is answered after [`ServeOptions::login_refusal_hold`]
/// (1 s by default), not at once: a client that asks again as soon as it is
/// refused, as a flood does, then costs the server one cheap answer a second
/// instead of thousands, and the requests of everyone else keep their speed.
/// The wait is a timer, not a thread, and it holds no lock.
///
/// [`ServeOptions::login_refusal_hold`]: super::ServeOptions::login_refusal_hold
async fn held(state: &AppState, refusal: ApiError) -> ApiError {
    tokio::time::sleep(state.options().login_refusal_hold).await;
    refusal
}

/// What a login proves itself with: the password, or (ours, issue 16) the
/// staff member's short PIN.
enum Credential {
    Password(String),
    Pin(String),
}

/// The login's fields: `username` and either `password` or `pin`, DRF's
/// messages for a field missing, blank or not a string, and the PIN rule.
fn login_fields(fields: &serde_json::Map<String, Value>) -> Result<(String, Credential), ApiError> {
    let mut errors = FieldErrors::new();
    let mut text = |name: &str| -> Option<String> {
        match fields.get(name) {
            None | Some(Value::Null) => {
                errors.add(name, MSG_REQUIRED);
                None
            }
            Some(Value::String(s)) if s.trim().is_empty() => {
                errors.add(name, MSG_BLANK);
                None
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                errors.add(name, MSG_NOT_STRING);
                None
            }
        }
    };
    let given = |name: &str| fields.get(name).is_some_and(|v| !v.is_null());
    if given("pin") && given("password") {
        return Err(ApiError::field("non_field_errors", "Send a password or a PIN, not both."));
    }
    let username = text("username");
    let credential =
        if given("pin") { text("pin").map(Credential::Pin) } else { text("password").map(Credential::Password) };
    let (Some(username), Some(credential)) = (username, credential) else {
        return Err(ApiError::Validation(errors));
    };
    if let Credential::Pin(pin) = &credential
        && let Some(problem) = crate::model::pin::pin_problem(pin)
    {
        return Err(ApiError::field("pin", problem));
    }
    Ok((username, credential))
}

/// The lock-out's `429`: how long, and why, in words the lock screen shows.
fn locked_out(until: i64, now: i64) -> ApiError {
    let micros = u64::try_from(until.saturating_sub(now)).unwrap_or(0);
    let secs = micros.div_ceil(1_000_000).max(1);
    ApiError::TooManyRequests {
        retry_after_secs: secs,
        message: format!(
            "Too many wrong PINs or passwords in a row: this user's logins are locked. Try again in {secs} seconds."
        ),
    }
}

/// `POST /api/get-token/` with `{"username", "password"}` or (ours)
/// `{"username", "pin"}`, JSON or a form.
///
/// Throttled per client address and per username (see `docs/reliability.md`);
/// five wrong logins in a row lock the username's logins for a minute, in the
/// database, so every server sharing it agrees (`storage::throttle`). The
/// password or PIN is checked on a bounded pool of argon2 workers.
async fn get_token(State(state): State<AppState>, req: Request) -> ApiResult<axum::Json<Value>> {
    let peer = req.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    let form = media_type(&req).as_deref() == Some("application/x-www-form-urlencoded");
    let bytes = read_limited(req.into_body(), JSON_LIMIT).await?;
    let fields = if form {
        form_urlencoded::parse(&bytes).into_owned().map(|(k, v)| (k, Value::String(v))).collect()
    } else {
        parse_object(&bytes)?
    };
    let (username, credential) = login_fields(&fields)?;

    let keys = throttle_keys(peer, &username);
    let now = std::time::Instant::now();
    if let Some(wait) = keys.iter().filter_map(|k| state.login_throttle().retry_after(k, now)).max() {
        return Err(held(&state, throttled(wait)).await);
    }
    let lockout_key = throttle::lockout_key(&username);
    let mut conn = state.db().acquire().await?;
    let now_us = state.now_micros();
    if let Some(until) = throttle::locked_until(&mut conn, &lockout_key, now_us).await? {
        return Err(held(&state, locked_out(until, now_us)).await);
    }
    let credentials = auth::credentials(&mut conn, username.trim()).await?;
    drop(conn);
    let Some(credentials) = check_credential(&state, credentials, credential).await? else {
        let now = std::time::Instant::now();
        for key in &keys {
            state.login_throttle().record_failure(key, now);
        }
        let mut tx = state.db().begin_write().await?;
        let policy = throttle::LockoutPolicy::default();
        throttle::record_wrong_login(&mut tx, &lockout_key, state.now_micros(), &policy).await?;
        tx.commit().await.map_err(crate::storage::StoreError::from)?;
        return Err(ApiError::field("non_field_errors", "Unable to log in with provided credentials."));
    };
    state.login_throttle().clear(&keys[0]);

    let mut tx = state.db().begin_write().await?;
    throttle::clear_wrong_logins(&mut tx, &lockout_key).await?;
    let org = orgs::org_by_id(&mut tx, credentials.org_id).await?;
    let token = auth::issue_token(&org, &mut tx, credentials.user_id, state.now_micros()).await?;
    tx.commit().await.map_err(crate::storage::StoreError::from)?;
    Ok(axum::Json(json!({ "token": token })))
}

/// Checks the password or PIN against the user's hash (a dummy hash when the
/// username is unknown or has no PIN, so that every refusal takes as long);
/// the user's credentials when it matches. Every password worker busy is a
/// held `429`.
async fn check_credential(
    state: &AppState,
    credentials: Option<auth::StaffCredentials>,
    credential: Credential,
) -> ApiResult<Option<auth::StaffCredentials>> {
    let (secret, stored) = match credential {
        Credential::Password(password) => (password, credentials.as_ref().map(|c| c.password_hash.clone())),
        Credential::Pin(pin) => (pin, credentials.as_ref().and_then(|c| c.pin_hash.clone())),
    };
    let known = stored.is_some();
    let stored = stored.unwrap_or_else(|| dummy_hash().to_string());
    let Ok(matches) = state.passwords().verify(secret, stored).await else {
        let busy = ApiError::TooManyRequests {
            retry_after_secs: 1,
            message: "Too many logins at once. Try again in a second.".into(),
        };
        return Err(held(state, busy).await);
    };
    Ok(credentials.filter(|_| matches && known))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keyword_is_case_insensitive_and_malformed_headers_are_named() {
        assert_eq!(token_from_header(Some(b"Token abc")).unwrap(), "abc");
        assert_eq!(token_from_header(Some(b"token abc")).unwrap(), "abc");
        assert_eq!(token_from_header(Some(b"TOKEN  abc ")).unwrap(), "abc");
        let msg = |h: &[u8]| match token_from_header(Some(h)) {
            Err(ApiError::Unauthorized(m)) => m,
            other => panic!("{other:?}"),
        };
        assert_eq!(msg(b"Bearer abc"), "Authentication credentials were not provided.");
        assert_eq!(msg(b"Token"), "Invalid token header. No credentials provided.");
        assert_eq!(msg(b"Token a b"), "Invalid token header. Token string should not contain spaces.");
    }
}
