//! The one place that knows which backend renders and runs the queries.

use sea_query::SqliteQueryBuilder;
use sea_query_sqlx::{SqlxBinder, SqlxValues};
use sqlx::AssertSqlSafe;

pub type Backend = sqlx::Sqlite;
pub type Pool = sqlx::SqlitePool;
pub type Conn = sqlx::SqliteConnection;
pub type Tx = sqlx::Transaction<'static, Backend>;
pub type Row = sqlx::sqlite::SqliteRow;

/// Renders a statement for the backend. User values are always bound
/// parameters, never inlined, which is what makes the SQL text safe.
pub fn build<S: SqlxBinder>(stmt: &S) -> (AssertSqlSafe<String>, SqlxValues) {
    let (sql, values) = stmt.build_sqlx(SqliteQueryBuilder);
    (AssertSqlSafe(sql), values)
}

/// Runs a statement and maps each row.
pub async fn fetch_as<T, S>(conn: &mut Conn, stmt: &S) -> Result<Vec<T>, sqlx::Error>
where
    S: SqlxBinder,
    T: for<'r> sqlx::FromRow<'r, Row> + Send + Unpin,
{
    let (sql, values) = build(stmt);
    sqlx::query_as_with(sql, values).fetch_all(conn).await
}

pub async fn fetch_optional_as<T, S>(conn: &mut Conn, stmt: &S) -> Result<Option<T>, sqlx::Error>
where
    S: SqlxBinder,
    T: for<'r> sqlx::FromRow<'r, Row> + Send + Unpin,
{
    let (sql, values) = build(stmt);
    sqlx::query_as_with(sql, values).fetch_optional(conn).await
}

/// A single scalar (a count, an id).
pub async fn fetch_scalar<T, S>(conn: &mut Conn, stmt: &S) -> Result<T, sqlx::Error>
where
    S: SqlxBinder,
    T: for<'r> sqlx::Decode<'r, Backend> + sqlx::Type<Backend> + Send + Unpin,
{
    let (sql, values) = build(stmt);
    sqlx::query_scalar_with(sql, values).fetch_one(conn).await
}

pub async fn fetch_optional_scalar<T, S>(conn: &mut Conn, stmt: &S) -> Result<Option<T>, sqlx::Error>
where
    S: SqlxBinder,
    T: for<'r> sqlx::Decode<'r, Backend> + sqlx::Type<Backend> + Send + Unpin,
{
    let (sql, values) = build(stmt);
    sqlx::query_scalar_with(sql, values).fetch_optional(conn).await
}

/// Runs a statement for its effect; returns the rows affected.
pub async fn execute<S: SqlxBinder>(conn: &mut Conn, stmt: &S) -> Result<u64, sqlx::Error> {
    let (sql, values) = build(stmt);
    Ok(sqlx::query_with(sql, values).execute(conn).await?.rows_affected())
}

/// Runs an INSERT ... RETURNING id.
pub async fn insert_returning_id<S: SqlxBinder>(conn: &mut Conn, stmt: &S) -> Result<i64, sqlx::Error> {
    let (sql, values) = build(stmt);
    sqlx::query_scalar_with(sql, values).fetch_one(conn).await
}

/// True when `err` is a violated UNIQUE constraint.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    err.as_database_error().is_some_and(|e| e.is_unique_violation())
}
