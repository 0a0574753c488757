//! The one place that knows which backend renders and runs the queries.

use std::sync::Arc;

use sea_query::SqliteQueryBuilder;
use sea_query_sqlx::{SqlxBinder, SqlxValues};
use sqlx::AssertSqlSafe;

pub type Backend = sqlx::Sqlite;
pub type Pool = sqlx::SqlitePool;
pub type Conn = sqlx::SqliteConnection;
pub type Tx = sqlx::Transaction<'static, Backend>;
pub type Row = sqlx::sqlite::SqliteRow;

/// A select as a scalar subquery: `(SELECT ...)` in an expression.
pub fn scalar(stmt: sea_query::SelectStatement) -> sea_query::Expr {
    sea_query::Expr::SubQuery(None, Box::new(stmt.into()))
}

/// Renders a statement for the backend. User values are always bound
/// parameters, never inlined, which is what makes the SQL text safe.
pub fn build<S: SqlxBinder>(stmt: &S) -> (AssertSqlSafe<String>, SqlxValues) {
    let (sql, values) = stmt.build_sqlx(SqliteQueryBuilder);
    (AssertSqlSafe(sql), values)
}

/// The statement's SQL text alone (its values are bound separately).
pub fn render<S: SqlxBinder>(stmt: &S) -> String {
    stmt.build_sqlx(SqliteQueryBuilder).0
}

/// One value of a bulk-inserted row ([`execute_rendered`] binds them). Text
/// is shared, not copied: a million check-ins name a handful of entry
/// methods, and every copy would be an allocation (and a free) on the
/// import's hottest path.
#[derive(Debug, Clone, PartialEq)]
pub enum BulkValue {
    Null,
    Int(i64),
    Text(Arc<str>),
}

impl From<i64> for BulkValue {
    fn from(v: i64) -> Self {
        BulkValue::Int(v)
    }
}

impl From<bool> for BulkValue {
    fn from(v: bool) -> Self {
        BulkValue::Int(i64::from(v))
    }
}

impl From<Arc<str>> for BulkValue {
    fn from(v: Arc<str>) -> Self {
        BulkValue::Text(v)
    }
}

impl From<&str> for BulkValue {
    fn from(v: &str) -> Self {
        BulkValue::Text(v.into())
    }
}

impl From<String> for BulkValue {
    fn from(v: String) -> Self {
        BulkValue::Text(v.into())
    }
}

impl<T: Into<BulkValue>> From<Option<T>> for BulkValue {
    fn from(v: Option<T>) -> Self {
        v.map_or(BulkValue::Null, Into::into)
    }
}

/// Runs SQL text from [`render`] with `values` bound to its placeholders in
/// order: for bulk writes, where one rendered shape serves many batches.
pub async fn execute_rendered(
    conn: &mut Conn,
    text: std::sync::Arc<str>,
    values: Vec<BulkValue>,
) -> Result<u64, sqlx::Error> {
    use sqlx::Arguments;
    let mut args = sqlx::sqlite::SqliteArguments::default();
    args.reserve(values.len(), 0);
    for value in values {
        let added = match value {
            BulkValue::Null => args.add(Option::<i64>::None),
            BulkValue::Int(v) => args.add(v),
            BulkValue::Text(v) => args.add(v),
        };
        added.map_err(sqlx::Error::Encode)?;
    }
    Ok(sqlx::query_with(AssertSqlSafe(text), args).execute(conn).await?.rows_affected())
}

/// Runs schema text of our own (a stored index definition, `ANALYZE`):
/// never user input, and without values.
pub async fn execute_schema(conn: &mut Conn, text: &str) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(AssertSqlSafe(text.to_string())).execute(conn).await?;
    Ok(())
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

/// Reads a numeric PRAGMA (which sea-query cannot express). `name` is one of
/// ours, never user input.
pub async fn pragma_value(conn: &mut Conn, name: &'static str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(AssertSqlSafe(format!("PRAGMA {name}"))).fetch_one(conn).await
}

/// Sets a numeric PRAGMA for this connection.
pub async fn set_pragma(conn: &mut Conn, name: &'static str, value: i64) -> Result<(), sqlx::Error> {
    sqlx::query(AssertSqlSafe(format!("PRAGMA {name} = {value}"))).execute(conn).await?;
    Ok(())
}
