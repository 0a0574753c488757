//! The one place that knows which backend renders and runs the queries.
//!
//! Two backends, each with its own typed sqlx pool (not sqlx's `Any`
//! driver): SQLite, the zero-setup default, and PostgreSQL, for several
//! servers over one database. Storage code builds statements with
//! sea-query and runs them through the functions here on a [`Conn`], which
//! renders each statement for the backend the connection belongs to. The
//! two schemas keep the same column types as seen from Rust: instants and
//! booleans are 64-bit integers (`INTEGER` in SQLite, `BIGINT` in
//! PostgreSQL), dates `YYYY-MM-DD` text, text compared byte by byte (SQLite's
//! `BINARY`, PostgreSQL's `COLLATE "C"`), so one statement gives the same
//! answer on both.

use std::sync::Arc;

use sea_query::{PostgresQueryBuilder, SqliteQueryBuilder, Value};
use sea_query_sqlx::{SqlxBinder, SqlxValues};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgArguments, PgConnection, PgRow};
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::{Arguments, AssertSqlSafe, Postgres, Sqlite, Transaction};

/// Which SQL a connection speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A database connection: one from a pool, or the connection of a
/// transaction, to either backend. Every storage function takes one.
pub struct Conn(Inner);

enum Inner {
    SqlitePooled(PoolConnection<Sqlite>),
    SqliteTx(Transaction<'static, Sqlite>),
    PgPooled(PoolConnection<Postgres>),
    PgTx(Transaction<'static, Postgres>),
}

/// The connection itself, for running one statement.
enum Raw<'c> {
    Sqlite(&'c mut SqliteConnection),
    Pg(&'c mut PgConnection),
}

impl Conn {
    pub(super) fn sqlite_pooled(conn: PoolConnection<Sqlite>) -> Conn {
        Conn(Inner::SqlitePooled(conn))
    }

    pub(super) fn sqlite_tx(tx: Transaction<'static, Sqlite>) -> Conn {
        Conn(Inner::SqliteTx(tx))
    }

    pub(super) fn pg_pooled(conn: PoolConnection<Postgres>) -> Conn {
        Conn(Inner::PgPooled(conn))
    }

    pub(super) fn pg_tx(tx: Transaction<'static, Postgres>) -> Conn {
        Conn(Inner::PgTx(tx))
    }

    /// The SQL this connection speaks.
    pub fn dialect(&self) -> Dialect {
        match self.0 {
            Inner::SqlitePooled(_) | Inner::SqliteTx(_) => Dialect::Sqlite,
            Inner::PgPooled(_) | Inner::PgTx(_) => Dialect::Postgres,
        }
    }

    fn raw(&mut self) -> Raw<'_> {
        match &mut self.0 {
            Inner::SqlitePooled(c) => Raw::Sqlite(c),
            Inner::SqliteTx(t) => Raw::Sqlite(t),
            Inner::PgPooled(c) => Raw::Pg(c),
            Inner::PgTx(t) => Raw::Pg(t),
        }
    }

    /// Commits the transaction this connection holds (a pooled connection
    /// outside a transaction has nothing to commit).
    pub(super) async fn commit(self) -> Result<(), sqlx::Error> {
        match self.0 {
            Inner::SqliteTx(tx) => tx.commit().await,
            Inner::PgTx(tx) => tx.commit().await,
            Inner::SqlitePooled(_) | Inner::PgPooled(_) => Ok(()),
        }
    }

    /// Rolls back the transaction this connection holds.
    pub(super) async fn rollback(self) -> Result<(), sqlx::Error> {
        match self.0 {
            Inner::SqliteTx(tx) => tx.rollback().await,
            Inner::PgTx(tx) => tx.rollback().await,
            Inner::SqlitePooled(_) | Inner::PgPooled(_) => Ok(()),
        }
    }
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Conn").field(&self.dialect()).finish()
    }
}

/// A row read back, from either backend.
pub enum Row {
    Sqlite(SqliteRow),
    Pg(PgRow),
}

/// A Rust type both backends can read a column into.
pub trait Decodes:
    for<'r> sqlx::Decode<'r, Sqlite> + sqlx::Type<Sqlite> + for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>
{
}

impl<T> Decodes for T where
    T: for<'r> sqlx::Decode<'r, Sqlite>
        + sqlx::Type<Sqlite>
        + for<'r> sqlx::Decode<'r, Postgres>
        + sqlx::Type<Postgres>
{
}

/// A Rust type both backends can map a whole row into.
pub trait FromRows: for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin {}

impl<T> FromRows for T where T: for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin {}

impl Row {
    /// The value of `column`.
    pub fn try_get<T: Decodes>(&self, column: &str) -> Result<T, sqlx::Error> {
        use sqlx::Row as _;
        match self {
            Row::Sqlite(row) => row.try_get(column),
            Row::Pg(row) => row.try_get(column),
        }
    }
}

pub use crate::model::subrecords::IntFlag;

/// A condition that holds for no row (`WHERE 0` is no boolean on
/// PostgreSQL).
pub fn never() -> sea_query::Expr {
    sea_query::Expr::cust("1 = 0")
}

/// `[[c1, c2, ...], ...]`: the rows of an aggregate query as one JSON text
/// value (`[]` when there are none), so that many small rows cross from the
/// database in one.
pub fn json_rows(dialect: Dialect, columns: impl IntoIterator<Item = sea_query::Expr>) -> sea_query::Expr {
    use sea_query::{ExprTrait, Func};
    match dialect {
        Dialect::Sqlite => Func::cust("json_group_array").arg(Func::cust("json_array").args(columns)).into(),
        Dialect::Postgres => {
            let rows = sea_query::Expr::from(Func::cust("json_agg").arg(Func::cust("json_build_array").args(columns)));
            Func::coalesce([rows.cast_as("text"), sea_query::Expr::val("[]")]).into()
        }
    }
}

/// A select as a scalar subquery: `(SELECT ...)` in an expression.
pub fn scalar(stmt: sea_query::SelectStatement) -> sea_query::Expr {
    sea_query::Expr::SubQuery(None, Box::new(stmt.into()))
}

/// The statement's SQL text alone, for `dialect` (its values are bound
/// separately).
pub fn render<S: SqlxBinder>(dialect: Dialect, stmt: &S) -> String {
    match dialect {
        Dialect::Sqlite => stmt.build_sqlx(SqliteQueryBuilder).0,
        Dialect::Postgres => stmt.build_sqlx(PostgresQueryBuilder).0,
    }
}

/// A statement rendered for one backend, with its values bound. User
/// values are always bound parameters, never inlined, which is what makes
/// the SQL text safe.
enum Bound {
    Sqlite(AssertSqlSafe<String>, SqlxValues),
    Pg(AssertSqlSafe<String>, PgArguments),
}

fn bind<S: SqlxBinder>(dialect: Dialect, stmt: &S) -> Result<Bound, sqlx::Error> {
    Ok(match dialect {
        Dialect::Sqlite => {
            let (sql, values) = stmt.build_sqlx(SqliteQueryBuilder);
            Bound::Sqlite(AssertSqlSafe(sql), values)
        }
        Dialect::Postgres => {
            let (sql, values) = stmt.build_sqlx(PostgresQueryBuilder);
            Bound::Pg(AssertSqlSafe(sql), pg_arguments(values.0.0)?)
        }
    })
}

/// A NULL whose type PostgreSQL infers from where it is used (type oid 0,
/// "unspecified"): a bulk row's empty value may go into a text or an
/// integer column, and a NULL declared as one cannot go into the other.
struct UntypedNull;

impl sqlx::Type<Postgres> for UntypedNull {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        sqlx::postgres::PgTypeInfo::with_oid(sqlx::postgres::types::Oid(0))
    }
}

impl<'q> sqlx::Encode<'q, Postgres> for UntypedNull {
    fn encode_by_ref(
        &self,
        _: &mut sqlx::postgres::PgArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        Ok(sqlx::encode::IsNull::Yes)
    }
}

/// sea-query's values as PostgreSQL arguments, in the schema's types:
/// every integer and flag a `BIGINT`, every NULL typed by its place.
fn pg_arguments(values: Vec<Value>) -> Result<PgArguments, sqlx::Error> {
    let mut args = PgArguments::default();
    for value in values {
        let added = match value {
            Value::Bool(Some(v)) => args.add(i64::from(v)),
            Value::TinyInt(Some(v)) => args.add(i64::from(v)),
            Value::SmallInt(Some(v)) => args.add(i64::from(v)),
            Value::Int(Some(v)) => args.add(i64::from(v)),
            Value::BigInt(Some(v)) => args.add(v),
            Value::TinyUnsigned(Some(v)) => args.add(i64::from(v)),
            Value::SmallUnsigned(Some(v)) => args.add(i64::from(v)),
            Value::Unsigned(Some(v)) => args.add(i64::from(v)),
            Value::BigUnsigned(Some(v)) => args.add(i64::try_from(v).map_err(|e| sqlx::Error::Encode(Box::new(e)))?),
            Value::Float(Some(v)) => args.add(f64::from(v)),
            Value::Double(Some(v)) => args.add(v),
            Value::String(Some(v)) => args.add(v),
            Value::Char(Some(v)) => args.add(v.to_string()),
            Value::Bytes(Some(v)) => args.add(v),
            Value::Bool(None)
            | Value::TinyInt(None)
            | Value::SmallInt(None)
            | Value::Int(None)
            | Value::BigInt(None)
            | Value::TinyUnsigned(None)
            | Value::SmallUnsigned(None)
            | Value::Unsigned(None)
            | Value::BigUnsigned(None)
            | Value::Float(None)
            | Value::Double(None)
            | Value::String(None)
            | Value::Char(None)
            | Value::Bytes(None) => args.add(UntypedNull),
            other => {
                return Err(sqlx::Error::Encode(format!("no PostgreSQL argument for {other:?}").into()));
            }
        };
        added.map_err(sqlx::Error::Encode)?;
    }
    Ok(args)
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

/// PostgreSQL's `COPY table (columns) FROM STDIN`: streams `values` (rows of
/// `columns.len()`, one after the other) in COPY's text format, several
/// times faster than multi-row `INSERT`s for a bulk load; triggers fire as
/// for an insert. The `lead` column gets its one value at the start of every
/// row (the organization's id), without a copy of the rows to put it there.
/// Returns the rows copied. Not for SQLite, which has no COPY.
pub async fn copy_rows(
    conn: &mut Conn,
    table: &'static str,
    (lead_column, lead): (&'static str, BulkValue),
    columns: &[&'static str],
    values: Vec<BulkValue>,
) -> Result<u64, sqlx::Error> {
    let Raw::Pg(c) = conn.raw() else {
        return Err(sqlx::Error::Protocol("COPY is PostgreSQL's; SQLite loads with INSERT".into()));
    };
    // The lead column's one value starts every row, written once as text.
    let mut lead_text = Vec::new();
    push_copy_text(&mut lead_text, &lead);
    lead_text.push(b'\t');
    let all_columns = std::iter::once(lead_column).chain(columns.iter().copied());
    let quoted: Vec<String> = all_columns.map(|c| format!("\"{c}\"")).collect();
    let statement = format!("COPY \"{table}\" ({}) FROM STDIN", quoted.join(", "));
    let mut copy = c.copy_in_raw(&statement).await?;
    // Sent in pieces of about a megabyte: the whole load never sits in
    // memory twice.
    const PIECE: usize = 1 << 20;
    let mut buffer = Vec::with_capacity(PIECE + 4096);
    for (i, value) in values.iter().enumerate() {
        if i % columns.len() == 0 {
            buffer.extend_from_slice(&lead_text);
        }
        let end_of_row = (i + 1) % columns.len() == 0;
        push_copy_text(&mut buffer, value);
        buffer.push(if end_of_row { b'\n' } else { b'\t' });
        if end_of_row && buffer.len() >= PIECE {
            if let Err(error) = copy.send(std::mem::take(&mut buffer)).await {
                // The connection must leave COPY mode before anything else.
                let _ = copy.abort("frontdesk: bulk load failed").await;
                return Err(error);
            }
            buffer.reserve(PIECE + 4096);
        }
    }
    if !buffer.is_empty()
        && let Err(error) = copy.send(buffer).await
    {
        let _ = copy.abort("frontdesk: bulk load failed").await;
        return Err(error);
    }
    copy.finish().await
}

/// One value in COPY's text format: `\N` for null; backslash, tab, newline
/// and carriage return escaped.
fn push_copy_text(buffer: &mut Vec<u8>, value: &BulkValue) {
    match value {
        BulkValue::Null => buffer.extend_from_slice(b"\\N"),
        BulkValue::Int(v) => buffer.extend_from_slice(v.to_string().as_bytes()),
        BulkValue::Text(text) => {
            for byte in text.bytes() {
                match byte {
                    b'\\' => buffer.extend_from_slice(b"\\\\"),
                    b'\t' => buffer.extend_from_slice(b"\\t"),
                    b'\n' => buffer.extend_from_slice(b"\\n"),
                    b'\r' => buffer.extend_from_slice(b"\\r"),
                    other => buffer.push(other),
                }
            }
        }
    }
}

/// Runs SQL text from [`render`] with `values` bound to its placeholders in
/// order: for bulk writes, where one rendered shape serves many batches.
pub async fn execute_rendered(conn: &mut Conn, text: Arc<str>, values: Vec<BulkValue>) -> Result<u64, sqlx::Error> {
    match conn.raw() {
        Raw::Sqlite(c) => {
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
            Ok(sqlx::query_with(AssertSqlSafe(text), args).execute(c).await?.rows_affected())
        }
        Raw::Pg(c) => {
            let mut args = PgArguments::default();
            args.reserve(values.len(), 0);
            for value in values {
                let added = match value {
                    BulkValue::Null => args.add(UntypedNull),
                    BulkValue::Int(v) => args.add(v),
                    BulkValue::Text(v) => args.add(v.to_string()),
                };
                added.map_err(sqlx::Error::Encode)?;
            }
            Ok(sqlx::query_with(AssertSqlSafe(text), args).execute(c).await?.rows_affected())
        }
    }
}

/// Runs schema text of our own (a stored index definition, `ANALYZE`):
/// never user input, and without values.
pub async fn execute_schema(conn: &mut Conn, text: &str) -> Result<(), sqlx::Error> {
    let text = AssertSqlSafe(text.to_string());
    match conn.raw() {
        Raw::Sqlite(c) => sqlx::raw_sql(text).execute(c).await.map(|_| ()),
        Raw::Pg(c) => sqlx::raw_sql(text).execute(c).await.map(|_| ()),
    }
}

/// Runs a statement and maps each row.
pub async fn fetch_as<T: FromRows, S: SqlxBinder>(conn: &mut Conn, stmt: &S) -> Result<Vec<T>, sqlx::Error> {
    match (bind(conn.dialect(), stmt)?, conn.raw()) {
        (Bound::Sqlite(sql, values), Raw::Sqlite(c)) => sqlx::query_as_with(sql, values).fetch_all(c).await,
        (Bound::Pg(sql, args), Raw::Pg(c)) => sqlx::query_as_with(sql, args).fetch_all(c).await,
        _ => Err(mismatch()),
    }
}

pub async fn fetch_optional_as<T: FromRows, S: SqlxBinder>(
    conn: &mut Conn,
    stmt: &S,
) -> Result<Option<T>, sqlx::Error> {
    match (bind(conn.dialect(), stmt)?, conn.raw()) {
        (Bound::Sqlite(sql, values), Raw::Sqlite(c)) => sqlx::query_as_with(sql, values).fetch_optional(c).await,
        (Bound::Pg(sql, args), Raw::Pg(c)) => sqlx::query_as_with(sql, args).fetch_optional(c).await,
        _ => Err(mismatch()),
    }
}

/// Runs a statement and returns its rows, read column by column with
/// [`Row::try_get`].
pub async fn fetch_rows<S: SqlxBinder>(conn: &mut Conn, stmt: &S) -> Result<Vec<Row>, sqlx::Error> {
    match (bind(conn.dialect(), stmt)?, conn.raw()) {
        (Bound::Sqlite(sql, values), Raw::Sqlite(c)) => {
            Ok(sqlx::query_with(sql, values).fetch_all(c).await?.into_iter().map(Row::Sqlite).collect())
        }
        (Bound::Pg(sql, args), Raw::Pg(c)) => {
            Ok(sqlx::query_with(sql, args).fetch_all(c).await?.into_iter().map(Row::Pg).collect())
        }
        _ => Err(mismatch()),
    }
}

/// A single scalar (a count, an id).
pub async fn fetch_scalar<T: Decodes + Send + Unpin, S: SqlxBinder>(
    conn: &mut Conn,
    stmt: &S,
) -> Result<T, sqlx::Error> {
    fetch_optional_scalar(conn, stmt).await?.ok_or(sqlx::Error::RowNotFound)
}

pub async fn fetch_optional_scalar<T: Decodes + Send + Unpin, S: SqlxBinder>(
    conn: &mut Conn,
    stmt: &S,
) -> Result<Option<T>, sqlx::Error> {
    match (bind(conn.dialect(), stmt)?, conn.raw()) {
        (Bound::Sqlite(sql, values), Raw::Sqlite(c)) => sqlx::query_scalar_with(sql, values).fetch_optional(c).await,
        (Bound::Pg(sql, args), Raw::Pg(c)) => sqlx::query_scalar_with(sql, args).fetch_optional(c).await,
        _ => Err(mismatch()),
    }
}

/// Runs a statement for its effect; returns the rows affected.
pub async fn execute<S: SqlxBinder>(conn: &mut Conn, stmt: &S) -> Result<u64, sqlx::Error> {
    match (bind(conn.dialect(), stmt)?, conn.raw()) {
        (Bound::Sqlite(sql, values), Raw::Sqlite(c)) => {
            Ok(sqlx::query_with(sql, values).execute(c).await?.rows_affected())
        }
        (Bound::Pg(sql, args), Raw::Pg(c)) => Ok(sqlx::query_with(sql, args).execute(c).await?.rows_affected()),
        _ => Err(mismatch()),
    }
}

/// Runs an INSERT ... RETURNING id.
pub async fn insert_returning_id<S: SqlxBinder>(conn: &mut Conn, stmt: &S) -> Result<i64, sqlx::Error> {
    fetch_scalar(conn, stmt).await
}

/// A statement bound for one backend meeting a connection of the other:
/// impossible, since both come from the same `Conn`.
fn mismatch() -> sqlx::Error {
    sqlx::Error::Protocol("a statement rendered for one backend was run on the other".into())
}

/// True when `err` is a violated UNIQUE constraint.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    err.as_database_error().is_some_and(|e| e.is_unique_violation())
}

/// Reads a numeric PRAGMA (which sea-query cannot express). `name` is one of
/// ours, never user input. SQLite only: `None` on PostgreSQL.
pub async fn pragma_value(conn: &mut Conn, name: &'static str) -> Result<Option<i64>, sqlx::Error> {
    match conn.raw() {
        Raw::Sqlite(c) => Ok(Some(sqlx::query_scalar(AssertSqlSafe(format!("PRAGMA {name}"))).fetch_one(c).await?)),
        Raw::Pg(_) => Ok(None),
    }
}

/// Sets a numeric PRAGMA for this connection (SQLite only; nothing on
/// PostgreSQL).
pub async fn set_pragma(conn: &mut Conn, name: &'static str, value: i64) -> Result<(), sqlx::Error> {
    if let Raw::Sqlite(c) = conn.raw() {
        sqlx::query(AssertSqlSafe(format!("PRAGMA {name} = {value}"))).execute(c).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy_text(value: BulkValue) -> String {
        let mut buffer = Vec::new();
        push_copy_text(&mut buffer, &value);
        String::from_utf8(buffer).unwrap()
    }

    #[test]
    fn copy_text_escapes_what_the_format_gives_meaning_and_keeps_the_rest() {
        assert_eq!(copy_text(BulkValue::Null), "\\N");
        assert_eq!(copy_text(BulkValue::Int(-42)), "-42");
        assert_eq!(copy_text("a\tb\nc\rd\\e".into()), "a\\tb\\nc\\rd\\\\e");
        // A text that reads like null is text, not null.
        assert_eq!(copy_text("\\N".into()), "\\\\N");
        assert_eq!(copy_text("Zoë «ñ» 🧗".into()), "Zoë «ñ» 🧗");
    }
}
