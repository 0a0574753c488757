//! Bulk writes for imports: many rows per statement, the organization's id
//! added to every row here so a caller cannot leave it out.

use std::sync::Arc;

use sea_query::{Asterisk, Expr, ExprTrait, Func, Index, Query, SqliteQueryBuilder, Value};

pub use super::sql::BulkValue;
use super::sql::{self, Conn};
use super::{OrgScope, StoreResult};

/// SQLite allows 32,766 bound parameters a statement; stay well below.
const MAX_PARAMS: usize = 30_000;

/// Inserts rows of `columns` (without `org_id`, which is added) into
/// `table`: `values` holds them one after the other.
pub async fn insert_rows(
    org: &OrgScope,
    conn: &mut Conn,
    table: &'static str,
    columns: &[&'static str],
    values: Vec<BulkValue>,
) -> StoreResult<()> {
    let width = columns.len();
    assert!(
        width > 0 && values.len().is_multiple_of(width),
        "{table}: {} values are not rows of {width}",
        values.len()
    );
    if conn.dialect() == sql::Dialect::Postgres {
        return copy_rows(org, conn, table, columns, values).await;
    }
    let mut remaining = values.len() / width;
    let per_statement = (MAX_PARAMS / (width + 1)).max(1);
    let mut all_columns = vec!["org_id"];
    all_columns.extend_from_slice(columns);
    // A statement's text depends only on its shape, and rendering thirty
    // thousand placeholders costs more than the write: render each batch
    // size once and bind every batch of that size to it.
    let mut rendered: Option<(usize, Arc<str>)> = None;
    let mut values = values.into_iter();
    while remaining > 0 {
        let rows = remaining.min(per_statement);
        remaining -= rows;
        let text = match &rendered {
            Some((size, text)) if *size == rows => text.clone(),
            _ => {
                let text: Arc<str> = insert_text(conn.dialect(), table, &all_columns, rows).into();
                rendered = Some((rows, text.clone()));
                text
            }
        };
        let mut batch = Vec::with_capacity(rows * (width + 1));
        for _ in 0..rows {
            batch.push(BulkValue::Int(org.id));
            batch.extend(values.by_ref().take(width));
        }
        sql::execute_rendered(conn, text, batch).await?;
    }
    Ok(())
}

/// PostgreSQL's bulk load: one `COPY` of every row, each with `org_id` first.
async fn copy_rows(
    org: &OrgScope,
    conn: &mut Conn,
    table: &'static str,
    columns: &[&'static str],
    values: Vec<BulkValue>,
) -> StoreResult<()> {
    sql::copy_rows(conn, table, ("org_id", BulkValue::Int(org.id)), columns, values).await?;
    if columns.contains(&"id") {
        // Rows given their ids: the table's identity sequence moves past
        // them, as SQLite's next rowid follows the largest id by itself.
        let sync = format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))");
        sql::execute_schema(conn, &sync).await?;
    }
    Ok(())
}

/// `INSERT INTO table (columns) VALUES (?, ...), ...` for `rows` rows.
fn insert_text(dialect: sql::Dialect, table: &'static str, columns: &[&'static str], rows: usize) -> String {
    let mut stmt = Query::insert();
    stmt.into_table(table).columns(columns.iter().copied());
    for _ in 0..rows {
        stmt.values_panic(columns.iter().map(|_| Expr::val(Value::BigInt(None))));
    }
    sql::render(dialect, &stmt)
}

/// The number of rows in `table` (every organization's).
pub async fn row_count(conn: &mut Conn, table: &'static str) -> StoreResult<i64> {
    let stmt = Query::select().expr(Func::count(Expr::col(Asterisk))).from(table).to_owned();
    Ok(sql::fetch_scalar(conn, &stmt).await?)
}

/// Drops `table`'s own indexes (not those SQLite keeps for its constraints)
/// and returns their definitions, so that a bulk insert does not update them
/// row by row: [`restore_indexes`] builds each again in one sorted pass, far
/// cheaper for a load that dwarfs the table. Inside the caller's transaction,
/// a failed import gets them back with everything else.
pub async fn set_indexes_aside(conn: &mut Conn, table: &'static str) -> StoreResult<Vec<String>> {
    if conn.dialect() == sql::Dialect::Postgres {
        return set_postgres_indexes_aside(conn, table).await;
    }
    let stmt = Query::select()
        .columns(["name", "sql"])
        .from("sqlite_master")
        .and_where(Expr::col("type").eq("index"))
        .and_where(Expr::col("tbl_name").eq(table))
        .and_where(Expr::col("sql").is_not_null())
        .order_by("name", sea_query::Order::Asc)
        .to_owned();
    let indexes: Vec<(String, String)> = sql::fetch_as(conn, &stmt).await?;
    for (name, _) in &indexes {
        sql::execute_schema(conn, &Index::drop().name(name.as_str()).to_string(SqliteQueryBuilder)).await?;
    }
    Ok(indexes.into_iter().map(|(_, definition)| definition).collect())
}

/// PostgreSQL's form of [`set_indexes_aside`], for a table no organization
/// has a row in yet (the first load of a new database): dropping an index
/// locks its table against every reader until the import commits, which an
/// empty table's readers do not notice. Unique indexes stay: they are
/// constraints; foreign keys are dropped and added back (checked then in
/// one join rather than a lookup per row). The load then writes no index
/// entry row by row and no summary update rewrites them (a 100,000-customer
/// import spent most of its time there).
async fn set_postgres_indexes_aside(conn: &mut Conn, table: &'static str) -> StoreResult<Vec<String>> {
    if row_count(conn, table).await? > 0 {
        return Ok(Vec::new());
    }
    let stmt = Query::select()
        .expr_as(Expr::cust("i.relname::text"), "name")
        .expr_as(Expr::cust("pg_get_indexdef(i.oid)"), "sql")
        .from_as("pg_index", "x")
        .join_as(sea_query::JoinType::InnerJoin, "pg_class", "i", Expr::cust("i.oid = x.indexrelid"))
        .join_as(sea_query::JoinType::InnerJoin, "pg_class", "t", Expr::cust("t.oid = x.indrelid"))
        .and_where(Expr::cust("pg_table_is_visible(t.oid)"))
        .and_where(Expr::cust("NOT x.indisunique"))
        .and_where(Expr::col(("t", "relname")).eq(table))
        .order_by(("i", "relname"), sea_query::Order::Asc)
        .to_owned();
    let indexes: Vec<(String, String)> = sql::fetch_as(conn, &stmt).await?;
    for (name, _) in &indexes {
        sql::execute_schema(conn, &format!("DROP INDEX \"{name}\"")).await?;
    }
    if !indexes.is_empty() {
        // Building them again sorts in memory rather than on disk (this
        // transaction only).
        sql::execute_schema(conn, "SET LOCAL maintenance_work_mem = '256MB'").await?;
    }
    let mut again: Vec<String> = indexes.into_iter().map(|(_, definition)| definition).collect();
    // Foreign keys too: each row loaded would look up its customer and its
    // location one by one; added back, each is checked in one join.
    let keys: Vec<(String, String)> = foreign_keys(conn, table).await?;
    for (name, definition) in keys {
        sql::execute_schema(conn, &format!("ALTER TABLE \"{table}\" DROP CONSTRAINT \"{name}\"")).await?;
        again.push(format!("ALTER TABLE \"{table}\" ADD CONSTRAINT \"{name}\" {definition}"));
    }
    Ok(again)
}

/// `table`'s foreign keys on PostgreSQL: (name, definition), by name.
pub async fn foreign_keys(conn: &mut Conn, table: &'static str) -> StoreResult<Vec<(String, String)>> {
    if conn.dialect() != sql::Dialect::Postgres {
        return Ok(Vec::new());
    }
    let stmt = Query::select()
        .expr_as(Expr::cust("c.conname::text"), "name")
        .expr_as(Expr::cust("pg_get_constraintdef(c.oid)"), "sql")
        .from_as("pg_constraint", "c")
        .join_as(sea_query::JoinType::InnerJoin, "pg_class", "t", Expr::cust("t.oid = c.conrelid"))
        .and_where(Expr::cust("c.contype = 'f'"))
        .and_where(Expr::cust("pg_table_is_visible(t.oid)"))
        .and_where(Expr::col(("t", "relname")).eq(table))
        .order_by(("c", "conname"), sea_query::Order::Asc)
        .to_owned();
    Ok(sql::fetch_as(conn, &stmt).await?)
}

/// The names of `table`'s indexes, sorted (those of its constraints too).
pub async fn index_names(conn: &mut Conn, table: &'static str) -> StoreResult<Vec<String>> {
    let stmt = match conn.dialect() {
        sql::Dialect::Sqlite => Query::select()
            .column("name")
            .from("sqlite_master")
            .and_where(Expr::col("type").eq("index"))
            .and_where(Expr::col("tbl_name").eq(table))
            .order_by("name", sea_query::Order::Asc)
            .to_owned(),
        sql::Dialect::Postgres => Query::select()
            .expr_as(Expr::cust("indexname::text"), "name")
            .from("pg_indexes")
            .and_where(Expr::cust("schemaname = current_schema()"))
            .and_where(Expr::col("tablename").eq(table))
            .order_by("indexname", sea_query::Order::Asc)
            .to_owned(),
    };
    Ok(sql::fetch_as::<(String,), _>(conn, &stmt).await?.into_iter().map(|(name,)| name).collect())
}

/// Creates again the indexes [`set_indexes_aside`] dropped.
pub async fn restore_indexes(conn: &mut Conn, definitions: Vec<String>) -> StoreResult<()> {
    for definition in definitions {
        sql::execute_schema(conn, &definition).await?;
    }
    Ok(())
}

/// Gathers the query planner's statistics (row counts and value
/// distributions of every index), which it needs to choose well between the
/// list filters' indexes. A few seconds for 100,000 customers.
pub async fn analyze(conn: &mut Conn) -> StoreResult<()> {
    Ok(sql::execute_schema(conn, "ANALYZE").await?)
}

/// The connection's page cache size as SQLite reports it (negative: KiB;
/// positive: pages); `None` on PostgreSQL, whose cache is the server's.
pub async fn cache_size(conn: &mut Conn) -> StoreResult<Option<i64>> {
    Ok(sql::pragma_value(conn, "cache_size").await?)
}

/// Sets the connection's page cache size (negative: KiB; positive: pages).
pub async fn set_cache_size(conn: &mut Conn, size: i64) -> StoreResult<()> {
    Ok(sql::set_pragma(conn, "cache_size", size).await?)
}

/// The largest id in `table` (0 when empty), so an import can give rows ids
/// it knows in advance. Only valid inside a write transaction.
pub async fn max_id(conn: &mut Conn, table: &'static str) -> StoreResult<i64> {
    let stmt =
        Query::select().expr(Func::coalesce([Func::max(Expr::col("id")).into(), Expr::val(0)])).from(table).to_owned();
    Ok(sql::fetch_scalar(conn, &stmt).await?)
}

/// Values of one text column of the organization's rows of `table`.
pub async fn existing_texts(
    org: &OrgScope,
    conn: &mut Conn,
    table: &'static str,
    column: &'static str,
) -> StoreResult<Vec<String>> {
    let stmt = Query::select()
        .column(column)
        .from(table)
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col(column).is_not_null())
        .to_owned();
    Ok(sql::fetch_as::<(String,), _>(conn, &stmt).await?.into_iter().map(|(s,)| s).collect())
}

/// (id, text) pairs of the organization's rows of `table` whose `column` is set.
pub async fn existing_named(
    org: &OrgScope,
    conn: &mut Conn,
    table: &'static str,
    column: &'static str,
) -> StoreResult<Vec<(i64, String)>> {
    let stmt = Query::select()
        .columns(["id", column])
        .from(table)
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col(column).is_not_null())
        .to_owned();
    Ok(sql::fetch_as(conn, &stmt).await?)
}

/// The ids of the organization's rows of `table` whose `column` is null.
pub async fn ids_where_null(
    org: &OrgScope,
    conn: &mut Conn,
    table: &'static str,
    column: &'static str,
) -> StoreResult<Vec<i64>> {
    let stmt = Query::select()
        .column("id")
        .from(table)
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col(column).is_null())
        .to_owned();
    Ok(sql::fetch_as::<(i64,), _>(conn, &stmt).await?.into_iter().map(|(id,)| id).collect())
}

/// The organization's customers: (id, lowercased email, barcode).
pub async fn existing_customers(org: &OrgScope, conn: &mut Conn) -> StoreResult<Vec<(i64, String, Option<String>)>> {
    let stmt = Query::select()
        .columns(["id", "email_key", "barcode"])
        .from("customers")
        .and_where(Expr::col("org_id").eq(org.id))
        .to_owned();
    Ok(sql::fetch_as(conn, &stmt).await?)
}

/// The organization's membership types: (id, interval, billing amount).
pub async fn existing_terms(org: &OrgScope, conn: &mut Conn) -> StoreResult<Vec<(i64, String, String)>> {
    let stmt = Query::select()
        .columns(["id", "interval", "billing_amount"])
        .from("membership_types")
        .and_where(Expr::col("org_id").eq(org.id))
        .to_owned();
    Ok(sql::fetch_as(conn, &stmt).await?)
}

/// Rows whose `column` lies between `first` and `last` (both included).
#[derive(Debug, Clone, Copy)]
pub struct Within {
    pub column: &'static str,
    pub first: i64,
    pub last: i64,
}

/// Reads `columns` (each an integer column, or a text one when `true`) of
/// the organization's rows of `table` (only those `within`, when given),
/// ordered by `order` (by id when empty).
pub async fn read_rows(
    org: &OrgScope,
    conn: &mut Conn,
    table: &'static str,
    columns: &[(&'static str, bool)],
    order: &[&'static str],
    within: Option<Within>,
) -> StoreResult<Vec<Vec<BulkValue>>> {
    let mut stmt = Query::select();
    stmt.from(table).and_where(Expr::col("org_id").eq(org.id));
    if let Some(Within { column, first, last }) = within {
        stmt.and_where(Expr::col(column).between(first, last));
    }
    for (column, _) in columns {
        stmt.column(*column);
    }
    let by_id = ["id"];
    for column in if order.is_empty() { &by_id[..] } else { order } {
        stmt.order_by(*column, sea_query::Order::Asc);
    }
    let rows = sql::fetch_rows(conn, &stmt).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut values = Vec::with_capacity(columns.len());
        for (column, text) in columns {
            values.push(if *text {
                BulkValue::from(row.try_get::<Option<String>>(column)?)
            } else {
                BulkValue::from(row.try_get::<Option<i64>>(column)?)
            });
        }
        out.push(values);
    }
    Ok(out)
}

/// Starts a read-only transaction on `conn` that sees one state of the
/// database throughout, without holding the write lock (an export of a
/// gym in use): SQLite's snapshot begins at the first read; PostgreSQL's
/// repeatable read keeps the first statement's. End it with [`end_snapshot`].
pub async fn begin_snapshot(conn: &mut Conn) -> StoreResult<()> {
    let begin = match conn.dialect() {
        sql::Dialect::Sqlite => "BEGIN",
        sql::Dialect::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    };
    Ok(sql::execute_schema(conn, begin).await?)
}

/// Ends a [`begin_snapshot`] transaction (it wrote nothing).
pub async fn end_snapshot(conn: &mut Conn) -> StoreResult<()> {
    Ok(sql::execute_schema(conn, "ROLLBACK").await?)
}

/// Deletes the organization's rows of `table` whose columns hold the given ids.
pub async fn delete_rows(
    org: &OrgScope,
    conn: &mut Conn,
    table: &'static str,
    matching: &[(&'static str, i64)],
) -> StoreResult<u64> {
    let mut stmt = Query::delete();
    stmt.from_table(table).and_where(Expr::col("org_id").eq(org.id));
    for (column, id) in matching {
        stmt.and_where(Expr::col(*column).eq(*id));
    }
    Ok(sql::execute(conn, &stmt).await?)
}

/// Sets `columns` of the organization's row `id` of `table` to `values`.
pub async fn update_row(
    org: &OrgScope,
    conn: &mut Conn,
    table: &'static str,
    id: i64,
    columns: &[&'static str],
    values: Vec<BulkValue>,
) -> StoreResult<u64> {
    assert_eq!(columns.len(), values.len(), "{table}: one value a column");
    if columns.is_empty() {
        return Ok(0);
    }
    let mut stmt = Query::update();
    stmt.table(table)
        .and_where(Expr::col("org_id").eq(Value::BigInt(None)))
        .and_where(Expr::col("id").eq(Value::BigInt(None)));
    for column in columns {
        stmt.value(*column, Expr::val(Value::BigInt(None)));
    }
    // Rendered with placeholders and bound in order: the values first (SET
    // comes before WHERE), then the organization and the id.
    let text: Arc<str> = sql::render(conn.dialect(), &stmt).into();
    let mut bound = values;
    bound.push(BulkValue::Int(org.id));
    bound.push(BulkValue::Int(id));
    Ok(sql::execute_rendered(conn, text, bound).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::{Db, orgs};

    #[test]
    fn an_insert_is_rendered_with_one_placeholder_per_value() {
        let text = insert_text(sql::Dialect::Sqlite, "tags", &["org_id", "name", "name_key"], 4);
        assert_eq!(text.matches('?').count(), 12, "{text}");
        assert!(!text.contains("NULL"), "{text}");
    }

    #[tokio::test]
    async fn rows_beyond_one_statement_are_all_written_with_their_own_values() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("bulk.db")).await.unwrap();
        let mut conn = db.acquire().await.unwrap();
        orgs::create_org(&mut conn, "Bulk Gym", "UTC", 0).await.unwrap();
        let org = orgs::org_by_name(&mut conn, "Bulk Gym").await.unwrap();
        // Four values a row: 7,500 rows a statement, so three full statements and a short one.
        let values: Vec<BulkValue> =
            (1..=25_001_i64).flat_map(|i| [i.into(), format!("Tag {i}").into(), format!("tag {i}").into()]).collect();
        insert_rows(&org, &mut conn, "tags", &["id", "name", "name_key"], values).await.unwrap();
        let names = existing_named(&org, &mut conn, "tags", "name").await.unwrap();
        assert_eq!(names.len(), 25_001);
        assert!(names.iter().all(|(id, name)| *name == format!("Tag {id}")));
    }

    #[tokio::test]
    async fn rows_are_updated_deleted_and_read_back_within_the_organization() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("bulk.db")).await.unwrap();
        let mut conn = db.acquire().await.unwrap();
        orgs::create_org(&mut conn, "Bulk Gym", "UTC", 0).await.unwrap();
        orgs::create_org(&mut conn, "Other Gym", "UTC", 0).await.unwrap();
        let org = orgs::org_by_name(&mut conn, "Bulk Gym").await.unwrap();
        let other = orgs::org_by_name(&mut conn, "Other Gym").await.unwrap();
        let tags =
            |ids: [i64; 2]| ids.into_iter().flat_map(|i| [i.into(), format!("T{i}").into(), format!("t{i}").into()]);
        insert_rows(&org, &mut conn, "tags", &["id", "name", "name_key"], tags([1, 2]).collect()).await.unwrap();
        insert_rows(&other, &mut conn, "tags", &["id", "name", "name_key"], tags([3, 4]).collect()).await.unwrap();

        assert_eq!(update_row(&org, &mut conn, "tags", 2, &["name"], vec!["Two".into()]).await.unwrap(), 1);
        assert_eq!(update_row(&org, &mut conn, "tags", 3, &["name"], vec!["Not ours".into()]).await.unwrap(), 0);
        assert_eq!(delete_rows(&org, &mut conn, "tags", &[("id", 4)]).await.unwrap(), 0, "another organization's");
        assert_eq!(delete_rows(&org, &mut conn, "tags", &[("id", 1)]).await.unwrap(), 1);
        let rows = read_rows(&org, &mut conn, "tags", &[("id", false), ("name", true)], &[], None).await.unwrap();
        assert_eq!(rows, vec![vec![BulkValue::Int(2), BulkValue::from("Two")]]);
        let rows = read_rows(&other, &mut conn, "tags", &[("name", true)], &["name"], None).await.unwrap();
        assert_eq!(rows, vec![vec![BulkValue::from("T3")], vec![BulkValue::from("T4")]]);
    }

    #[tokio::test]
    async fn a_snapshot_reads_one_state_while_another_connection_writes() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("bulk.db")).await.unwrap();
        let mut writer = db.acquire().await.unwrap();
        orgs::create_org(&mut writer, "Bulk Gym", "UTC", 0).await.unwrap();
        let org = orgs::org_by_name(&mut writer, "Bulk Gym").await.unwrap();
        let tag = |i: i64| vec![i.into(), format!("T{i}").into(), format!("t{i}").into()];
        insert_rows(&org, &mut writer, "tags", &["id", "name", "name_key"], tag(1)).await.unwrap();

        let mut reader = db.acquire().await.unwrap();
        begin_snapshot(&mut reader).await.unwrap();
        assert_eq!(existing_named(&org, &mut reader, "tags", "name").await.unwrap().len(), 1);
        // The writer is not held up by the snapshot, and the snapshot does not see its row.
        insert_rows(&org, &mut writer, "tags", &["id", "name", "name_key"], tag(2)).await.unwrap();
        assert_eq!(existing_named(&org, &mut reader, "tags", "name").await.unwrap().len(), 1);
        end_snapshot(&mut reader).await.unwrap();
        assert_eq!(existing_named(&org, &mut reader, "tags", "name").await.unwrap().len(), 2);
    }
}
