//! Signing in as another staff member on a shared desk (issue 16): `POST get-token/` with the
//! staff member's password or, on our server, their PIN (`{"username", "pin"}`). On success the
//! client uses their token from then on, in every clone, so whatever the desk writes next is
//! written as them. A lock-out (`429` after five wrong tries in a row) comes back with how long
//! it lasts.

use std::time::Duration;

use reqwest::Url;

use super::error::{self, ClientError};
use super::{Client, Timeouts, build_http};

/// What a login proves itself with. Never printed, not even in a debug dump of a command.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    Password(String),
    /// 4 to 8 digits (`crate::model::pin`); our server's extension.
    Pin(String),
}

impl Credential {
    /// What was typed on the lock screen: 4 to 8 digits are a PIN, anything else a password.
    pub fn from_typed(text: &str) -> Credential {
        if crate::model::pin::is_pin(text) {
            Credential::Pin(text.to_string())
        } else {
            Credential::Password(text.to_string())
        }
    }

    fn field(&self) -> (&'static str, &str) {
        match self {
            Credential::Password(p) => ("password", p),
            Credential::Pin(p) => ("pin", p),
        }
    }
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::Password(_) => f.write_str("Password(…)"),
            Credential::Pin(_) => f.write_str("Pin(…)"),
        }
    }
}

/// Why a staff login did not give a token.
#[derive(Debug, Clone, PartialEq)]
pub enum StaffLoginError {
    /// `429`: this user's logins are locked (too many wrong tries in a row), or the server is
    /// throttling; `retry_after` from its `Retry-After`.
    LockedOut { retry_after: Duration, message: String },
    /// Anything else: a wrong PIN or password is a [`ClientError::Validation`].
    Failed(ClientError),
}

impl From<StaffLoginError> for ClientError {
    fn from(e: StaffLoginError) -> ClientError {
        match e {
            StaffLoginError::LockedOut { message, .. } => ClientError::Rejected { status: 429, message },
            StaffLoginError::Failed(e) => e,
        }
    }
}

/// `POST get-token/`: trades a username and a password or PIN for a token.
pub async fn request_token(base: &Url, username: &str, credential: &Credential) -> Result<String, StaffLoginError> {
    let failed = StaffLoginError::Failed;
    let http = build_http(&Timeouts::default()).map_err(failed)?;
    let url = base.join("get-token/").map_err(|e| failed(ClientError::BadResponse(e.to_string())))?;
    let (field, secret) = credential.field();
    let resp = http
        .post(url)
        .json(&serde_json::json!({"username": username, field: secret}))
        .send()
        .await
        .map_err(|e| failed(ClientError::Offline(error::describe_transport(&e))))?;
    let status = resp.status();
    let retry_after = resp
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let text = resp.text().await.map_err(|e| failed(ClientError::Offline(error::describe_transport(&e))))?;
    if status.as_u16() == 429 {
        let message = match error::from_status(429, &text) {
            ClientError::Rejected { message, .. } => message,
            other => other.summary(),
        };
        return Err(StaffLoginError::LockedOut {
            retry_after: Duration::from_secs(retry_after.unwrap_or(60)),
            message,
        });
    }
    if !status.is_success() {
        return Err(failed(error::from_status(status.as_u16(), &text)));
    }
    #[derive(serde::Deserialize)]
    struct TokenAnswer {
        token: String,
    }
    serde_json::from_str::<TokenAnswer>(&text)
        .map(|a| a.token.trim().to_string())
        .map_err(|_| failed(ClientError::BadResponse("get-token answered without a token".into())))
}

impl Client {
    /// Signs in as `username` and uses their token from now on, in every clone of this client; the
    /// token, for keeping. On any failure the token in use stays as it was (the last staff member's).
    ///
    /// A server without our PIN extension (Capitan) answers a `pin` by asking for the `password`: the
    /// same digits are then sent as the password (they may be one).
    pub async fn switch_staff(&self, username: &str, credential: &Credential) -> Result<String, StaffLoginError> {
        let token = self.token_of(username, credential).await?;
        *self.token.write().unwrap_or_else(std::sync::PoisonError::into_inner) = token.clone();
        Ok(token)
    }

    /// `username`'s token, for one request (a manager's PIN on an override): the token in use is
    /// left as it is. A PIN a server without PINs asks a password for is sent as the password.
    pub async fn token_of(&self, username: &str, credential: &Credential) -> Result<String, StaffLoginError> {
        Ok(match (request_token(&self.base, username, credential).await, credential) {
            (Err(StaffLoginError::Failed(ClientError::Validation(errors))), Credential::Pin(digits))
                if errors.get("password").is_some() && errors.get("pin").is_none() =>
            {
                request_token(&self.base, username, &Credential::Password(digits.clone())).await?
            }
            (answer, _) => answer?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_a_pin_anything_else_a_password_and_neither_is_printed() {
        assert_eq!(Credential::from_typed("1234"), Credential::Pin("1234".into()));
        assert_eq!(Credential::from_typed("12345678"), Credential::Pin("12345678".into()));
        assert_eq!(Credential::from_typed("123"), Credential::Password("123".into()));
        assert_eq!(Credential::from_typed("123456789"), Credential::Password("123456789".into()));
        assert_eq!(Credential::from_typed("hunter2"), Credential::Password("hunter2".into()));
        let shown = format!("{:?} {:?}", Credential::from_typed("1234"), Credential::from_typed("hunter2"));
        assert!(!shown.contains("1234") && !shown.contains("hunter2"), "{shown}");
    }
}
