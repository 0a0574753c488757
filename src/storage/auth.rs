//! Staff credentials and API tokens. Passwords are kept as argon2 hashes and
//! tokens (40 hex characters, as Capitan issues them) only as SHA-256 digests,
//! so a copy of the database gives no way in.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use sea_query::{Expr, ExprTrait, Query};
use sha2::{Digest, Sha256};

use super::sql::{self, Conn};
use super::{Db, OrgScope, StoreResult, orgs};

/// Hashes a password with argon2id and a random salt. CPU-heavy: call it off
/// the async runtime.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let mut salt_bytes = [0u8; 16];
    rand::fill(&mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes)?;
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt)?.to_string())
}

/// Checks a password against a stored hash. CPU-heavy: call it off the runtime.
pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Checks a password against a stored hash in caller-provided argon2 memory
/// (`memory` is resized to what the hash's parameters need and can be used
/// again), so repeated checks reuse one buffer instead of asking the
/// allocator for 19 MiB each time. CPU-heavy: call it off the runtime.
pub fn verify_password_in(password: &str, stored_hash: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(hash) = PasswordHash::new(stored_hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (Algorithm::try_from(hash.algorithm), Params::try_from(&hash)) else {
        return false;
    };
    let version = match hash.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    // Our hashes use 19 MiB; refuse to allocate for a hash that asks for
    // more than 64 MiB (a stored hash is ours, but be bounded anyway).
    if params.block_count() > 64 * 1024 {
        return false;
    }
    memory.resize(params.block_count(), Block::default());
    let expected = expected.as_bytes();
    let mut out = vec![0u8; expected.len()];
    let argon = Argon2::new(algorithm, version, params);
    if argon.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut memory[..]).is_err() {
        return false;
    }
    // Constant time in the hash's contents.
    out.iter().zip(expected).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// Password checks were all busy for longer than the wait allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many password checks at once")]
pub struct CheckersBusy;

/// Runs password checks on a bounded pool: at most `parallel` at once, each
/// in argon2 memory kept from the previous check, so a login flood takes at
/// most `parallel` x 19 MiB and `parallel` CPUs, and a check that cannot
/// start within `wait` is refused ([`CheckersBusy`]) instead of queueing.
#[derive(Clone)]
pub struct PasswordChecker {
    permits: Arc<tokio::sync::Semaphore>,
    memory: Arc<Mutex<Vec<Vec<Block>>>>,
    wait: Duration,
}

impl PasswordChecker {
    pub fn new(parallel: usize, wait: Duration) -> PasswordChecker {
        PasswordChecker {
            permits: Arc::new(tokio::sync::Semaphore::new(parallel.max(1))),
            memory: Arc::new(Mutex::new(Vec::new())),
            wait,
        }
    }

    /// One check per core, waiting up to a second for a turn.
    pub fn per_core() -> PasswordChecker {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        PasswordChecker::new(cores, Duration::from_secs(1))
    }

    /// Checks `password` against `stored_hash` when a turn is free.
    pub async fn verify(&self, password: String, stored_hash: String) -> Result<bool, CheckersBusy> {
        let permit = tokio::time::timeout(self.wait, Arc::clone(&self.permits).acquire_owned())
            .await
            .map_err(|_| CheckersBusy)?
            .map_err(|_| CheckersBusy)?;
        let memory = Arc::clone(&self.memory);
        let checked = tokio::task::spawn_blocking(move || {
            let _turn = permit;
            let mut blocks = memory.lock().unwrap_or_else(PoisonError::into_inner).pop().unwrap_or_default();
            let ok = verify_password_in(&password, &stored_hash, &mut blocks);
            memory.lock().unwrap_or_else(PoisonError::into_inner).push(blocks);
            ok
        })
        .await;
        // A check that panicked is a failed check.
        Ok(checked.unwrap_or(false))
    }

    /// How many argon2 memory buffers are kept (at most `parallel`).
    pub fn buffers_kept(&self) -> usize {
        self.memory.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

/// A fresh token: 20 random bytes as 40 lower-case hex characters.
pub fn new_token() -> String {
    let mut bytes = [0u8; 20];
    rand::fill(&mut bytes);
    hex::encode(bytes)
}

fn token_digest(token: &str) -> String {
    hex::encode(token_digest_bytes(token))
}

fn token_digest_bytes(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// A staff user's stored credentials.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffCredentials {
    pub user_id: i64,
    pub org_id: i64,
    pub password_hash: String,
    /// The PIN's argon2 hash, if the user has one (issue 16).
    pub pin_hash: Option<String>,
}

/// Looks up an active staff user by username (the password is checked by the
/// caller, off the runtime).
pub async fn credentials(conn: &mut Conn, username: &str) -> StoreResult<Option<StaffCredentials>> {
    let stmt = Query::select()
        .expr_as(Expr::col("id"), "user_id")
        .columns(["org_id", "password_hash", "pin_hash"])
        .from("staff_users")
        .and_where(Expr::col("username").eq(username))
        .and_where(Expr::col("is_active").eq(true))
        .to_owned();
    Ok(sql::fetch_optional_as(conn, &stmt).await?)
}

/// Sets (or with `None` removes) the PIN hash of the staff user `username`
/// of `org`; the user's id. An unknown username is `NotFound`.
pub async fn set_pin_hash(org: &OrgScope, conn: &mut Conn, username: &str, pin_hash: Option<&str>) -> StoreResult<i64> {
    let user = Query::select()
        .column("id")
        .from("staff_users")
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("username").eq(username))
        .to_owned();
    let Some((user_id,)) = sql::fetch_optional_as::<(i64,), _>(conn, &user).await? else {
        return Err(super::StoreError::NotFound);
    };
    let stmt = Query::update()
        .table("staff_users")
        .value("pin_hash", pin_hash.map(str::to_string))
        .and_where(Expr::col("id").eq(user_id))
        .to_owned();
    sql::execute(conn, &stmt).await?;
    Ok(user_id)
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
    /// The organization's customer-list change number as this token was
    /// read (see `storage::customer_index`), so that a request answered from
    /// the index needs no second statement to know it is current.
    pub list_seq: i64,
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    org_id: i64,
    user_id: i64,
    username: String,
    location_id: Option<i64>,
    org_name: String,
    org_time_zone: String,
    list_seq: Option<i64>,
    created_at: i64,
}

/// `api_tokens t` joined to its staff user `u` and organization `o`: the
/// base of every query that reads tokens with whom they belong to.
fn tokens_with_users() -> sea_query::SelectStatement {
    Query::select()
        .from_as("api_tokens", "t")
        .inner_join(
            sea_query::TableRef::Table("staff_users".into(), Some("u".into())),
            Expr::col(("u", "id")).equals(("t", "user_id")),
        )
        .inner_join(
            sea_query::TableRef::Table("organizations".into(), Some("o".into())),
            Expr::col(("o", "id")).equals(("t", "org_id")),
        )
        .to_owned()
}

/// Resolves a token to its active staff user and organization, in one
/// statement. A token issued before `issued_after` (microseconds; the
/// server's `--token-ttl`) has expired. Every request's token goes through
/// [`current_identity`], which asks this only when something changed.
pub async fn identity(conn: &mut Conn, token: &str, issued_after: Option<i64>) -> StoreResult<Option<Identity>> {
    Ok(identity_by_digest(conn, &token_digest(token), issued_after).await?.map(|(identity, _)| identity))
}

/// [`identity`] by the token's digest, with when the token was issued.
async fn identity_by_digest(
    conn: &mut Conn,
    digest: &str,
    issued_after: Option<i64>,
) -> StoreResult<Option<(Identity, i64)>> {
    let stmt = tokens_with_users()
        .expr_as(Expr::col(("t", "org_id")), "org_id")
        .expr_as(Expr::col(("t", "user_id")), "user_id")
        .expr_as(Expr::col(("u", "username")), "username")
        .expr_as(Expr::col(("u", "location_id")), "location_id")
        .expr_as(Expr::col(("o", "name")), "org_name")
        .expr_as(Expr::col(("o", "time_zone")), "org_time_zone")
        .expr_as(
            sql::scalar(
                Query::select()
                    .column("seq")
                    .from("list_versions")
                    .and_where(Expr::col(("list_versions", "org_id")).equals(("t", "org_id")))
                    .to_owned(),
            ),
            "list_seq",
        )
        .expr_as(Expr::col(("t", "created_at")), "created_at")
        .and_where(Expr::col(("t", "token_sha256")).eq(digest))
        .and_where(Expr::col(("u", "is_active")).eq(true))
        .and_where_option(issued_after.map(|t| Expr::col(("t", "created_at")).gt(t)))
        .to_owned();
    let Some(row) = sql::fetch_optional_as::<TokenRow, _>(conn, &stmt).await? else {
        return Ok(None);
    };
    let org = orgs::OrgRow { id: row.org_id, name: row.org_name, time_zone: row.org_time_zone }.into_scope()?;
    let identity = Identity {
        org,
        user_id: row.user_id,
        username: row.username,
        location_id: row.location_id,
        list_seq: row.list_seq.unwrap_or(0),
    };
    Ok(Some((identity, row.created_at)))
}

/// The most tokens [`IdentityCache`] keeps; past it, it starts again empty.
/// A desk holds one token per staff member, so this is many gyms' worth.
const MAX_CACHED_TOKENS: usize = 4096;

/// Identities of tokens seen lately, each with the database's change number
/// ([`Db::change_version`]) it was read at. An identity is used again only
/// while that number has not moved, i.e. while nothing at all was committed
/// to the database by anyone: a revoked token, a deactivated user, a renamed
/// organization and every customer-list change (the identity carries the
/// list's change number) are all commits, so each is seen by the next
/// request. Only tokens that were valid are kept, by their SHA-256 digest
/// (never the token itself).
#[derive(Default)]
pub struct IdentityCache {
    entries: Mutex<HashMap<[u8; 32], CachedIdentity>>,
    hits: AtomicU64,
}

struct CachedIdentity {
    version: i64,
    created_at: i64,
    identity: Identity,
}

impl std::fmt::Debug for IdentityCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityCache").field("hits", &self.hits()).finish_non_exhaustive()
    }
}

impl IdentityCache {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], CachedIdentity>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn get(&self, digest: &[u8; 32], version: i64, issued_after: Option<i64>) -> Option<Identity> {
        let entries = self.entries();
        let found = entries.get(digest)?;
        if found.version != version || issued_after.is_some_and(|t| found.created_at <= t) {
            return None;
        }
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some(found.identity.clone())
    }

    fn put(&self, digest: [u8; 32], cached: CachedIdentity) {
        let mut entries = self.entries();
        if entries.len() >= MAX_CACHED_TOKENS && !entries.contains_key(&digest) {
            entries.clear();
        }
        entries.insert(digest, cached);
    }

    /// How many requests were answered from the cache.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }
}

/// Who a request's token speaks for, as [`identity`] says, but without a
/// statement when nothing was committed since this token was last read
/// (see [`IdentityCache`]). Every request runs this first: on SQLite a
/// repeated token costs a hash, the change probe and a map lookup.
pub async fn current_identity(db: &Db, token: &str, issued_after: Option<i64>) -> StoreResult<Option<Identity>> {
    let digest = token_digest_bytes(token);
    // Read before the statement: a commit between the two moves the number,
    // so what is kept can only be newer than the number it is kept under.
    let version = db.change_version();
    if let Some(version) = version
        && let Some(identity) = db.identities().get(&digest, version, issued_after)
    {
        return Ok(Some(identity));
    }
    let mut conn = db.acquire().await?;
    let found = identity_by_digest(&mut conn, &hex::encode(digest), issued_after).await?;
    drop(conn);
    let Some((identity, created_at)) = found else {
        return Ok(None);
    };
    if let Some(version) = version {
        db.identities().put(digest, CachedIdentity { version, created_at, identity: identity.clone() });
    }
    Ok(Some(identity))
}

/// Revokes one token (the caller's own, `DELETE /api/get-token/`); false if
/// it was not a live token.
pub async fn revoke_token(conn: &mut Conn, token: &str) -> StoreResult<bool> {
    let stmt = Query::delete()
        .from_table("api_tokens")
        .and_where(Expr::col("token_sha256").eq(token_digest(token)))
        .to_owned();
    Ok(sql::execute(conn, &stmt).await? > 0)
}

/// Revokes every token of the staff user `username`; how many there were.
/// An unknown username is `NotFound`.
pub async fn revoke_user_tokens(conn: &mut Conn, username: &str) -> StoreResult<u64> {
    let user =
        Query::select().column("id").from("staff_users").and_where(Expr::col("username").eq(username)).to_owned();
    let Some((user_id,)) = sql::fetch_optional_as::<(i64,), _>(conn, &user).await? else {
        return Err(super::StoreError::NotFound);
    };
    let stmt = Query::delete().from_table("api_tokens").and_where(Expr::col("user_id").eq(user_id)).to_owned();
    Ok(sql::execute(conn, &stmt).await?)
}

/// A token as `frontdesk admin list-tokens` shows it: never the token itself
/// (only its digest is stored), but the start of that digest to tell tokens
/// apart.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenInfo {
    pub digest_prefix: String,
    pub org_name: String,
    pub username: String,
    pub created_at: i64,
}

/// Every token, oldest first.
pub async fn list_tokens(conn: &mut Conn) -> StoreResult<Vec<TokenInfo>> {
    let stmt = tokens_with_users()
        .expr_as(Expr::cust("substr(t.token_sha256, 1, 12)"), "digest_prefix")
        .expr_as(Expr::col(("o", "name")), "org_name")
        .expr_as(Expr::col(("u", "username")), "username")
        .expr_as(Expr::col(("t", "created_at")), "created_at")
        .order_by(("t", "created_at"), sea_query::Order::Asc)
        .to_owned();
    Ok(sql::fetch_as(conn, &stmt).await?)
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
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn checks_in_reused_memory_agree_with_the_library() {
        let h = hash_password("correct horse").unwrap();
        let mut memory = Vec::new();
        assert!(verify_password_in("correct horse", &h, &mut memory));
        assert_eq!(memory.len(), argon2::Params::DEFAULT_M_COST as usize);
        assert!(!verify_password_in("wrong", &h, &mut memory));
        assert!(verify_password_in("correct horse", &h, &mut memory));
        assert!(!verify_password_in("correct horse", "not a hash", &mut memory));
    }

    #[tokio::test]
    async fn the_checker_keeps_at_most_one_buffer_per_turn() {
        let h = hash_password("pw").unwrap();
        let checker = PasswordChecker::new(2, Duration::from_secs(30));
        let runs: Vec<_> = (0..6)
            .map(|i| {
                let (c, h) = (checker.clone(), h.clone());
                tokio::spawn(async move { c.verify(if i % 2 == 0 { "pw" } else { "no" }.into(), h).await })
            })
            .collect();
        for (i, r) in runs.into_iter().enumerate() {
            assert_eq!(r.await.unwrap(), Ok(i % 2 == 0));
        }
        assert!(checker.buffers_kept() <= 2);
    }

    /// A database file with one organization, one staff user and a token.
    async fn one_token() -> (tempfile::TempDir, Db, String) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("tokens.db")).await.unwrap();
        let mut conn = db.acquire().await.unwrap();
        let org_id = orgs::create_org(&mut conn, "Gym", "America/Denver", 1).await.unwrap();
        let org = orgs::org_by_id(&mut conn, org_id).await.unwrap();
        let user = orgs::create_user(&org, &mut conn, "desk", "x", None, 1).await.unwrap();
        let token = issue_token(&org, &mut conn, user, 1_000).await.unwrap();
        drop(conn);
        (dir, db, token)
    }

    #[tokio::test]
    async fn a_token_read_again_with_nothing_committed_comes_from_the_cache() {
        let (_dir, db, token) = one_token().await;
        let first = current_identity(&db, &token, None).await.unwrap().expect("valid");
        assert_eq!(db.identities().hits(), 0);
        let again = current_identity(&db, &token, None).await.unwrap().expect("still valid");
        assert_eq!(db.identities().hits(), 1);
        assert_eq!((again.username.as_str(), again.list_seq), (first.username.as_str(), first.list_seq));
        assert!(current_identity(&db, "0".repeat(40).as_str(), None).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn what_another_process_commits_is_seen_by_the_next_request() {
        let (dir, db, token) = one_token().await;
        let seq = current_identity(&db, &token, None).await.unwrap().unwrap().list_seq;
        // Another process, as `sqlite3` or a second server would: a customer
        // written moves the list's change number the cached identity carries.
        let other = rusqlite::Connection::open(dir.path().join("tokens.db")).unwrap();
        other
            .execute(
                "INSERT INTO customers (org_id, email, email_key, first_name, last_name, birthday, \
                 sort_last, sort_first, search_text, created_at, updated_at) \
                 VALUES (1, 'a@example.com', 'a@example.com', 'A', 'B', '1990-01-01', 'b', 'a', 'a b', 1, 1)",
                [],
            )
            .unwrap();
        let moved = current_identity(&db, &token, None).await.unwrap().unwrap();
        assert!(moved.list_seq > seq, "{} after {seq}", moved.list_seq);
        // The user deactivated by another process: refused at once.
        other.execute("UPDATE staff_users SET is_active = 0", []).unwrap();
        assert!(current_identity(&db, &token, None).await.unwrap().is_none());
        other.execute("UPDATE staff_users SET is_active = 1", []).unwrap();
        assert!(current_identity(&db, &token, None).await.unwrap().is_some());
        // Revoked by another process (`frontdesk admin revoke-tokens`).
        other.execute("DELETE FROM api_tokens", []).unwrap();
        assert!(current_identity(&db, &token, None).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn a_cached_token_still_expires_with_the_ttl() {
        let (_dir, db, token) = one_token().await;
        assert!(current_identity(&db, &token, Some(999)).await.unwrap().is_some());
        assert!(current_identity(&db, &token, Some(999)).await.unwrap().is_some());
        assert_eq!(db.identities().hits(), 1);
        assert!(current_identity(&db, &token, Some(1_000)).await.unwrap().is_none(), "issued at 1,000");
    }

    #[tokio::test]
    async fn a_check_that_cannot_start_in_time_is_refused() {
        let checker = PasswordChecker::new(1, Duration::from_millis(10));
        let held = Arc::clone(&checker.permits).acquire_owned().await.unwrap();
        assert_eq!(checker.verify("pw".into(), hash_password("pw").unwrap()).await, Err(CheckersBusy));
        drop(held);
    }
}
