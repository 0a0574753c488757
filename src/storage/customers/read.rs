//! Reading customers: the record's columns (from the declaration, see
//! [`columns`](super::columns)), rows to records, and the related lists
//! (tags, proficiencies, custom field values) filled for a batch at once.

use std::collections::HashMap;

use sea_query::{Cond, Expr, ExprTrait, Order, Query, SelectStatement};
use sea_query_sqlx::SqlxBinder;

use super::columns;
use crate::model::{CustomFieldValue, Customer};
use crate::storage::sql::{self, Conn, Dialect, Row};
use crate::storage::{OrgScope, StoreError, StoreResult};

/// `SELECT <record columns>, l.name AS home_location_name`: add the
/// `customers c` it reads and [`join_home_location`].
pub(super) fn record_columns() -> SelectStatement {
    let mut stmt = Query::select();
    for col in columns::read_columns() {
        stmt.column(("c", col));
    }
    stmt.expr_as(Expr::col(("l", "name")), "home_location_name");
    stmt
}

/// `LEFT JOIN locations l` on the customer's home location.
pub(super) fn join_home_location(stmt: &mut SelectStatement) {
    stmt.left_join(
        sea_query::TableRef::Table("locations".into(), Some("l".into())),
        Cond::all()
            .add(Expr::col(("l", "id")).equals(("c", "home_location_id")))
            .add(Expr::col(("l", "org_id")).equals(("c", "org_id"))),
    );
}

/// `SELECT <record columns>, l.name AS home_location_name FROM customers c LEFT JOIN locations l`,
/// scoped to the organization.
pub(super) fn record_select(org: &OrgScope) -> SelectStatement {
    let mut stmt = record_columns().from_as("customers", "c").to_owned();
    join_home_location(&mut stmt);
    stmt.and_where(Expr::col(("c", "org_id")).eq(org.id));
    stmt
}

/// One customer with every Automatic field, or `None` (also for another
/// organization's id).
pub async fn get(org: &OrgScope, conn: &mut Conn, id: i64) -> StoreResult<Option<Customer>> {
    let stmt = record_select(org).and_where(Expr::col(("c", "id")).eq(id)).to_owned();
    let mut records = fetch_records(org, conn, &stmt).await?;
    records.truncate(1);
    load_related(org, conn, &mut records).await?;
    Ok(records.pop())
}

/// The customers of `ids` that exist (in no particular order), with every
/// Automatic field: a few statements per 500 ids, not per customer.
pub async fn get_many(org: &OrgScope, conn: &mut Conn, ids: &[i64]) -> StoreResult<Vec<Customer>> {
    let mut out = Vec::with_capacity(ids.len());
    // Well under SQLite's bound-parameter limit.
    for batch in ids.chunks(500) {
        let stmt = record_select(org).and_where(Expr::col(("c", "id")).is_in(batch.iter().copied())).to_owned();
        let mut records = fetch_records(org, conn, &stmt).await?;
        load_related(org, conn, &mut records).await?;
        out.extend(records);
    }
    Ok(out)
}

/// Up to `limit` of the organization's customer ids above `after`, ascending.
pub async fn ids_after(org: &OrgScope, conn: &mut Conn, after: i64, limit: u64) -> StoreResult<Vec<i64>> {
    let stmt = Query::select()
        .column("id")
        .from("customers")
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("id").gt(after))
        .order_by("id", Order::Asc)
        .limit(limit)
        .to_owned();
    Ok(sql::fetch_as::<(i64,), _>(conn, &stmt).await?.into_iter().map(|(id,)| id).collect())
}

/// Finds a customer id by barcode (exact match), within the organization.
pub async fn id_by_barcode(org: &OrgScope, conn: &mut Conn, barcode: &str) -> StoreResult<Option<i64>> {
    let stmt = Query::select()
        .column("id")
        .from("customers")
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("barcode").eq(barcode))
        .to_owned();
    Ok(sql::fetch_optional_scalar(conn, &stmt).await?)
}

/// True when the id is one of the organization's customers.
pub async fn exists(org: &OrgScope, conn: &mut Conn, id: i64) -> StoreResult<bool> {
    let stmt = Query::select()
        .column("id")
        .from("customers")
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    Ok(sql::fetch_optional_scalar::<i64, _>(conn, &stmt).await?.is_some())
}

/// The organization's custom customer fields: (id, name) in display order.
pub async fn custom_fields(org: &OrgScope, conn: &mut Conn) -> StoreResult<Vec<(i64, String)>> {
    let stmt = Query::select()
        .columns(["id", "name"])
        .from("custom_fields")
        .and_where(Expr::col("org_id").eq(org.id))
        .order_by("position", Order::Asc)
        .order_by("id", Order::Asc)
        .to_owned();
    Ok(sql::fetch_as(conn, &stmt).await?)
}

/// Runs a statement of record columns and reads each row as a record.
pub(super) async fn fetch_records<S: SqlxBinder>(
    org: &OrgScope,
    conn: &mut Conn,
    stmt: &S,
) -> StoreResult<Vec<Customer>> {
    let rows = fetch_rows(conn, stmt).await?;
    Ok(rows.iter().map(|row| columns::read(row, org)).collect::<Result<_, _>>()?)
}

/// Like [`fetch_records`], each with the integer column `extra` (a count).
pub(super) async fn fetch_records_with<S: SqlxBinder>(
    org: &OrgScope,
    conn: &mut Conn,
    stmt: &S,
    extra: &'static str,
) -> StoreResult<Vec<(Customer, i64)>> {
    let rows = fetch_rows(conn, stmt).await?;
    let read = |row: &Row| Ok::<_, sqlx::Error>((columns::read(row, org)?, row.try_get(extra)?));
    Ok(rows.iter().map(read).collect::<Result<_, _>>()?)
}

async fn fetch_rows<S: SqlxBinder>(conn: &mut Conn, stmt: &S) -> Result<Vec<Row>, sqlx::Error> {
    sql::fetch_rows(conn, stmt).await
}

/// Fills tags, active proficiency names and custom field values for a batch
/// of customers: one query for the whole batch (a union of the four kinds of
/// rows), never one per customer.
pub async fn load_related(org: &OrgScope, conn: &mut Conn, records: &mut [Customer]) -> StoreResult<()> {
    if records.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = records.iter().map(|r| r.id).collect();
    let index: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    // Typed NULLs: PostgreSQL will not unite an untyped NULL with a number.
    let no_number = || Expr::cust("CAST(NULL AS BIGINT)");
    let no_text = || Expr::cust("CAST(NULL AS TEXT)");
    // Every part has the columns kind, customer_id, text, number, and two
    // sort keys; the union is ordered by kind, then by the keys.
    let part = |kind: i64, customer: Expr, text: Expr, number: Expr, sort_text: Expr, sort_number: Expr| {
        Query::select()
            .expr_as(Expr::val(kind), "kind")
            .expr_as(customer, "customer_id")
            .expr_as(text, "text")
            .expr_as(number, "number")
            .expr_as(sort_text, "sort_text")
            .expr_as(sort_number, "sort_number")
            .to_owned()
    };
    let tags = part(
        0,
        Expr::col(("ct", "customer_id")),
        Expr::col(("t", "name")),
        no_number(),
        Expr::col(("t", "name_key")),
        no_number(),
    )
    .from_as("customer_tags", "ct")
    .inner_join(
        sea_query::TableRef::Table("tags".into(), Some("t".into())),
        Expr::col(("t", "id")).equals(("ct", "tag_id")),
    )
    .and_where(Expr::col(("ct", "org_id")).eq(org.id))
    .and_where(Expr::col(("ct", "customer_id")).is_in(ids.clone()))
    .to_owned();
    let proficiencies = part(
        1,
        Expr::col(("cp", "customer_id")),
        Expr::col(("p", "name")),
        no_number(),
        Expr::col(("p", "name")),
        no_number(),
    )
    .from_as("customer_proficiencies", "cp")
    .inner_join(
        sea_query::TableRef::Table("proficiencies".into(), Some("p".into())),
        Expr::col(("p", "id")).equals(("cp", "proficiency_id")),
    )
    .and_where(Expr::col(("cp", "org_id")).eq(org.id))
    .and_where(Expr::col(("cp", "is_active")).eq(true))
    .and_where(Expr::col(("cp", "customer_id")).is_in(ids.clone()))
    .to_owned();
    let fields = part(2, no_number(), Expr::col("name"), Expr::col("id"), no_text(), Expr::col("position"))
        .from("custom_fields")
        .and_where(Expr::col("org_id").eq(org.id))
        .to_owned();
    let values = part(3, Expr::col("customer_id"), Expr::col("value"), Expr::col("field_id"), no_text(), no_number())
        .from("custom_field_values")
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("customer_id").is_in(ids))
        .to_owned();
    let mut union = tags;
    for other in [proficiencies, fields, values] {
        union.union(sea_query::UnionType::All, other);
    }
    // All rows as one JSON array in one result row: the database thread
    // hands over each result row separately (a thread wake-up each), which
    // cost more than the rows themselves.
    let stmt = Query::select()
        .expr(Expr::cust(match conn.dialect() {
            Dialect::Sqlite => {
                "json_group_array(json_array(kind, customer_id, text, number) \
                 ORDER BY kind, sort_text, sort_number, number)"
            }
            Dialect::Postgres => {
                "coalesce(CAST(json_agg(json_build_array(kind, customer_id, text, number) \
                 ORDER BY kind, sort_text, sort_number, number) AS text), '[]')"
            }
        }))
        .from_subquery(union, "related")
        .to_owned();
    let json: String = sql::fetch_scalar(conn, &stmt).await?;
    let rows: Vec<(i64, Option<i64>, String, Option<i64>)> =
        serde_json::from_str(&json).map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))?;
    let mut fields: Vec<(i64, String)> = Vec::new();
    let mut values: HashMap<(i64, i64), String> = HashMap::new();
    for (kind, customer_id, text, number) in rows {
        let record = customer_id.and_then(|id| index.get(&id).copied());
        match (kind, record, customer_id, number) {
            (0, Some(i), _, _) => records[i].tags.push(text),
            (1, Some(i), _, _) => records[i].active_proficiency_names.push(text),
            (2, _, _, Some(field_id)) => fields.push((field_id, text)),
            (3, Some(_), Some(customer_id), Some(field_id)) => {
                values.insert((customer_id, field_id), text);
            }
            _ => return Err(unexpected_related_row(kind)),
        }
    }
    if !fields.is_empty() {
        for record in records.iter_mut() {
            record.custom_field_values = fields
                .iter()
                .map(|(field_id, field_name)| CustomFieldValue {
                    field_id: *field_id,
                    field_name: field_name.clone(),
                    value: values.remove(&(record.id, *field_id)).unwrap_or_default(),
                })
                .collect();
        }
    }
    Ok(())
}

/// A row of the related union that none of its parts makes.
fn unexpected_related_row(kind: i64) -> StoreError {
    let message = format!("a related row of kind {kind} does not have that kind's shape");
    StoreError::Db(sqlx::Error::Decode(message.into()))
}
