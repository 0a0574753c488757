//! Staff credentials and API tokens. Passwords are kept as argon2 hashes and
//! tokens (40 hex characters, as Capitan issues them) only as SHA-256 digests,
//! so a copy of the database gives no way in.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sea_query::{Expr, ExprTrait, Query};
use sha2::{Digest, Sha256};

use super::sql::{self, Conn};
use super::{OrgScope, StoreResult, orgs};

/// Hashes a password with argon2id and a random salt. CPU-heavy: call it off
/// the async runtime.
pub fn hash_password(password: &str) -> String {
    let mut salt_bytes = [0u8; 16];
    rand::fill(&mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes).expect("16 bytes is a valid salt");
    Argon2::default().hash_password(password.as_bytes(), &salt).expect("argon2 with default parameters").to_string()
}

/// Checks a password against a stored hash. CPU-heavy: call it off the runtime.
pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A fresh token: 20 random bytes as 40 lower-case hex characters.
pub fn new_token() -> String {
    let mut bytes = [0u8; 20];
    rand::fill(&mut bytes);
    hex::encode(bytes)
}

fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A staff user's stored credentials.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffCredentials {
    pub user_id: i64,
    pub org_id: i64,
    pub password_hash: String,
}

/// Looks up an active staff user by username (the password is checked by the
/// caller, off the runtime).
pub async fn credentials(conn: &mut Conn, username: &str) -> StoreResult<Option<StaffCredentials>> {
    let stmt = Query::select()
        .expr_as(Expr::col("id"), "user_id")
        .columns(["org_id", "password_hash"])
        .from("staff_users")
        .and_where(Expr::col("username").eq(username))
        .and_where(Expr::col("is_active").eq(true))
        .to_owned();
    Ok(sql::fetch_optional_as(conn, &stmt).await?)
}

/// Issues a new token for the user and stores its digest.
pub async fn issue_token(org: &OrgScope, conn: &mut Conn, user_id: i64, now: i64) -> StoreResult<String> {
    let token = new_token();
    let stmt = Query::insert()
        .into_table("api_tokens")
        .columns(["token_sha256", "org_id", "user_id", "created_at"])
        .values_panic([token_digest(&token).into(), org.id.into(), user_id.into(), now.into()])
        .to_owned();
    sql::execute(conn, &stmt).await?;
    Ok(token)
}

/// Who a token speaks for.
#[derive(Debug, Clone)]
pub struct Identity {
    pub org: OrgScope,
    pub user_id: i64,
    pub username: String,
    /// The staff user's own location, used when a check-in names none.
    pub location_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    org_id: i64,
    user_id: i64,
    username: String,
    location_id: Option<i64>,
    org_name: String,
    org_time_zone: String,
}

/// Resolves a token to its active staff user and organization, in one
/// statement (it runs before every request).
pub async fn identity(conn: &mut Conn, token: &str) -> StoreResult<Option<Identity>> {
    let stmt = Query::select()
        .expr_as(Expr::col(("t", "org_id")), "org_id")
        .expr_as(Expr::col(("t", "user_id")), "user_id")
        .expr_as(Expr::col(("u", "username")), "username")
        .expr_as(Expr::col(("u", "location_id")), "location_id")
        .expr_as(Expr::col(("o", "name")), "org_name")
        .expr_as(Expr::col(("o", "time_zone")), "org_time_zone")
        .from_as("api_tokens", "t")
        .inner_join(
            sea_query::TableRef::Table("staff_users".into(), Some("u".into())),
            Expr::col(("u", "id")).equals(("t", "user_id")),
        )
        .inner_join(
            sea_query::TableRef::Table("organizations".into(), Some("o".into())),
            Expr::col(("o", "id")).equals(("t", "org_id")),
        )
        .and_where(Expr::col(("t", "token_sha256")).eq(token_digest(token)))
        .and_where(Expr::col(("u", "is_active")).eq(true))
        .to_owned();
    let Some(row) = sql::fetch_optional_as::<TokenRow, _>(conn, &stmt).await? else {
        return Ok(None);
    };
    let org = orgs::OrgRow { id: row.org_id, name: row.org_name, time_zone: row.org_time_zone }.into_scope()?;
    Ok(Some(Identity { org, user_id: row.user_id, username: row.username, location_id: row.location_id }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_40_hex_characters_and_differ() {
        let a = new_token();
        assert_eq!(a.len(), 40);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, new_token());
    }

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let h = hash_password("correct horse");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("correct horse", "not a hash"));
    }
}
