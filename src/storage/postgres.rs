//! The PostgreSQL backend's own pieces: its pool, its migrations and how a
//! write transaction begins. Everything else (every statement) is shared
//! with SQLite through [`super::sql`].
//!
//! Several servers may run over one PostgreSQL database. What keeps them
//! correct rests on the database, never on one process:
//! - **one writer at a time, across every server**: each write transaction
//!   takes the transaction-scoped advisory lock [`WRITE_LOCK`] first (the
//!   same guarantee SQLite's single writer gives one process). Every
//!   read-then-write rule (the pass debit, same-day combining, milestones,
//!   void, idempotency keys, the calendar catch-up of the summary columns)
//!   reads after the lock is held, under READ COMMITTED, so it sees every
//!   write committed before it and none can interleave; the lock is released
//!   by the commit or rollback, and by the server's death (the connection
//!   closes, the transaction rolls back);
//! - **uniqueness** (barcodes, emails, idempotency keys, tokens) is the
//!   schema's unique indexes, as on SQLite;
//! - **migrations** run under sqlx's migrator, which holds a database-wide
//!   advisory lock while it applies them: one server migrates, the others
//!   wait for it and then find nothing left to do.

use std::str::FromStr;
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use super::sql::Conn;
use super::{StoreError, StoreResult};

/// The advisory lock key every write transaction holds ("frontdesk" in
/// ASCII, truncated to 8 bytes): one writer at a time over the database.
pub const WRITE_LOCK: i64 = 0x6672_6f6e_7464_6573;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./src/storage/migrations/postgres");

/// Connects to the database at `url` and applies the migrations.
pub async fn connect(url: &str) -> StoreResult<PgPool> {
    let options = PgConnectOptions::from_str(url)?
        .application_name("frontdesk")
        // No statement outlives the request that runs it (requests time out
        // at 30 s): a runaway plan is cancelled by the server, not left running.
        .options([("statement_timeout", "30s")]);
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        // No ping before each use: it doubled the round trips of a request
        // the customer index answers with one statement. A connection the
        // server dropped fails that one statement and is then discarded.
        .test_before_acquire(false)
        .connect_with(options)
        .await?;
    MIGRATOR.run(&pool).await.map_err(|e| StoreError::Db(e.into()))?;
    Ok(pool)
}

/// Begins a write transaction holding [`WRITE_LOCK`].
pub async fn begin_write(pool: &PgPool) -> StoreResult<Conn> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(WRITE_LOCK).execute(&mut *tx).await?;
    Ok(Conn::pg_tx(tx))
}

/// `url` with its password (if any) replaced by `***`, for logs and
/// messages.
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, path) = rest.split_once('/').map_or((rest, None), |(a, p)| (a, Some(p)));
    let authority = match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => format!("{user_info}@{host}"),
        },
        None => authority.to_string(),
    };
    let path = path.map(|path| match path.split_once('?') {
        Some((name, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                    _ => pair.to_string(),
                })
                .collect();
            format!("{name}?{}", query.join("&"))
        }
        None => path.to_string(),
    });
    match path {
        Some(path) => format!("{scheme}://{authority}/{path}"),
        None => format!("{scheme}://{authority}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_a_url_is_never_shown() {
        assert_eq!(redacted("postgres://app:s3cret@db:5432/gym"), "postgres://app:***@db:5432/gym");
        assert_eq!(redacted("postgres://app@db/gym"), "postgres://app@db/gym");
        assert_eq!(redacted("postgresql://db/gym?sslmode=require"), "postgresql://db/gym?sslmode=require");
        assert_eq!(redacted("postgres://a:b:c@h"), "postgres://a:***@h");
        assert_eq!(redacted("postgres://h/gym?user=a&password=s3cret"), "postgres://h/gym?user=a&password=***");
    }
}
