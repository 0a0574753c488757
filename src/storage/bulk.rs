//! Bulk writes for imports: many rows per statement, the organization's id
//! added to every row here so a caller cannot leave it out.

use sea_query::{Expr, ExprTrait, Func, Query, Value};

use super::sql::{self, Conn};
use super::{OrgScope, StoreResult};

/// SQLite allows 32,766 bound parameters a statement; stay well below.
const MAX_PARAMS: usize = 30_000;

/// Inserts rows of `columns` (without `org_id`, which is added) into `table`.
pub async fn insert_rows(
    org: &OrgScope,
    conn: &mut Conn,
    table: &'static str,
    columns: &[&'static str],
    rows: Vec<Vec<Value>>,
) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let per_statement = (MAX_PARAMS / (columns.len() + 1)).max(1);
    let mut all_columns = vec!["org_id"];
    all_columns.extend_from_slice(columns);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut stmt = Query::insert();
        stmt.into_table(table).columns(all_columns.iter().copied());
        for row in rows.by_ref().take(per_statement) {
            debug_assert_eq!(row.len(), columns.len(), "row width for {table}");
            let values = std::iter::once(Expr::val(org.id)).chain(row.into_iter().map(Expr::val));
            stmt.values_panic(values);
        }
        sql::execute(conn, &stmt).await?;
    }
    Ok(())
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

/// (id, text) pairs of the organization's rows of `table`.
pub async fn existing_named(
    org: &OrgScope,
    conn: &mut Conn,
    table: &'static str,
    column: &'static str,
) -> StoreResult<Vec<(i64, String)>> {
    let stmt = Query::select().columns(["id", column]).from(table).and_where(Expr::col("org_id").eq(org.id)).to_owned();
    Ok(sql::fetch_as(conn, &stmt).await?)
}
