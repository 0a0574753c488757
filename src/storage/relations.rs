//! Relations between customers of one organization, kept symmetric: creating
//! A->B `CHI` also creates B->A `PRE`, and deleting either side deletes both.
//! Pending relations (requests awaiting acceptance) are listed as stored.

use sea_query::{Cond, Expr, ExprTrait, Query, SelectStatement};
use serde_json::Value;

use super::activity::{self, Change};
use super::customers::{self, WriteContext};
use super::listing::{Listing, R, aliased, columns_of};
use super::sql::{self, Conn};
use super::{OrgScope, StoreError, StoreResult};
use crate::model::FieldErrors;
pub use crate::model::subrecords::{PendingRelationRow, RelationRow};
use crate::model::subrecords::{RelationWrite, reverse_relation};

/// The entity name of relation activity entries.
const ENTITY: &str = "relation";

/// Adds the related customer's (`rc`) email and names, joined on `column`.
fn related_customer(stmt: &mut SelectStatement, column: &'static str) {
    stmt.expr_as(Expr::col(("rc", "email")), "related_customer_email")
        .expr_as(Expr::col(("rc", "first_name")), "related_customer_first_name")
        .expr_as(Expr::col(("rc", "last_name")), "related_customer_last_name")
        .inner_join(aliased("customers", "rc"), Expr::col(("rc", "id")).equals((R, column)));
}

pub struct Relations;

impl Listing for Relations {
    type Row = RelationRow;
    const TABLE: &'static str = "relations";

    fn columns(stmt: &mut SelectStatement) {
        columns_of(stmt, RelationRow::COLUMNS);
        related_customer(stmt, "related_customer_id");
    }
}

fn pending_columns(stmt: &mut SelectStatement) {
    columns_of(stmt, PendingRelationRow::COLUMNS);
    stmt.expr_as(Expr::col(("asker", "first_name")), "customer_first_name")
        .expr_as(Expr::col(("asker", "last_name")), "customer_last_name")
        .inner_join(aliased("customers", "asker"), Expr::col(("asker", "id")).equals((R, "customer_id")));
    related_customer(stmt, "related_customer_id");
}

/// Requests the customer made.
pub struct PendingRelations;

impl Listing for PendingRelations {
    type Row = PendingRelationRow;
    const TABLE: &'static str = "pending_relations";

    fn columns(stmt: &mut SelectStatement) {
        pending_columns(stmt);
    }
}

/// Requests awaiting the customer's acceptance.
pub struct IncomingPendingRelations;

impl Listing for IncomingPendingRelations {
    type Row = PendingRelationRow;
    const TABLE: &'static str = "pending_relations";

    fn columns(stmt: &mut SelectStatement) {
        pending_columns(stmt);
    }

    fn of_customer(customer_id: i64) -> Cond {
        Cond::all().add(Expr::col((R, "related_customer_id")).eq(customer_id))
    }
}

/// What is wrong with relating `customer_id` to `related_id`, if anything:
/// the related customer must be another existing customer of the
/// organization, not related to this one yet.
pub async fn related_customer_problem(
    org: &OrgScope,
    conn: &mut Conn,
    customer_id: i64,
    related_id: i64,
) -> StoreResult<Option<String>> {
    if related_id == customer_id {
        return Ok(Some("A customer cannot be related to themselves.".into()));
    }
    if !customers::exists(org, conn, related_id).await? {
        return Ok(Some(format!("Invalid pk \"{related_id}\" - object does not exist.")));
    }
    if side(org, conn, customer_id, related_id).await?.is_some() {
        return Ok(Some(format!("This customer is already related to customer {related_id}.")));
    }
    Ok(None)
}

/// The row relating `customer_id` to `related_id`: its id and code.
async fn side(
    org: &OrgScope,
    conn: &mut Conn,
    customer_id: i64,
    related_id: i64,
) -> StoreResult<Option<(i64, String)>> {
    let stmt = Query::select()
        .columns(["id", "relation"])
        .from("relations")
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("customer_id").eq(customer_id))
        .and_where(Expr::col("related_customer_id").eq(related_id))
        .to_owned();
    Ok(sql::fetch_optional_as(conn, &stmt).await?)
}

fn relation_changes(related_id: i64, relation: &str, created: bool) -> Vec<Change> {
    let side = |v: Value| if created { (Value::Null, v) } else { (v, Value::Null) };
    let (from_id, to_id) = side(related_id.into());
    let (from_code, to_code) = side(relation.into());
    vec![Change::new("related_customer_id", from_id, to_id), Change::new("relation", from_code, to_code)]
}

/// Relates the customer to another and the other back; returns the id of the
/// customer's side. `NotFound` when the customer is not the organization's.
pub async fn create(
    org: &OrgScope,
    conn: &mut Conn,
    customer_id: i64,
    write: &RelationWrite,
    ctx: WriteContext,
) -> StoreResult<i64> {
    if !customers::exists(org, conn, customer_id).await? {
        return Err(StoreError::NotFound);
    }
    let related_id = write.related_customer_id;
    if let Some(problem) = related_customer_problem(org, conn, customer_id, related_id).await? {
        return Err(StoreError::Invalid(FieldErrors::single("related_customer_id", problem)));
    }
    let reverse = reverse_relation(write.relation);
    let mut ids = Vec::with_capacity(2);
    for (from, to, code) in [(customer_id, related_id, write.relation), (related_id, customer_id, reverse)] {
        let stmt = Query::insert()
            .into_table("relations")
            .columns(["org_id", "customer_id", "related_customer_id", "relation", "created_at", "updated_at"])
            .values_panic([org.id.into(), from.into(), to.into(), code.into(), ctx.now.into(), ctx.now.into()])
            .returning_col("id")
            .to_owned();
        // A concurrent request may have related the pair since the check.
        let id = sql::insert_returning_id(conn, &stmt).await.map_err(|e| {
            if sql::is_unique_violation(&e) {
                StoreError::Invalid(FieldErrors::single(
                    "related_customer_id",
                    format!("This customer is already related to customer {related_id}."),
                ))
            } else {
                e.into()
            }
        })?;
        let changes = relation_changes(to, code, true);
        activity::record(org, conn, from, ctx.actor, "create", ENTITY, Some(id), &changes, ctx.now).await?;
        ids.push(id);
    }
    Ok(ids[0])
}

/// Deletes one of the customer's relations and its reverse side. `NotFound`
/// when it is not theirs.
pub async fn delete(org: &OrgScope, conn: &mut Conn, customer_id: i64, id: i64, ctx: WriteContext) -> StoreResult<()> {
    let stmt = Query::select()
        .column("related_customer_id")
        .from("relations")
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("customer_id").eq(customer_id))
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    let related_id: i64 = sql::fetch_optional_scalar(conn, &stmt).await?.ok_or(StoreError::NotFound)?;
    for (from, to) in [(customer_id, related_id), (related_id, customer_id)] {
        let Some((row_id, code)) = side(org, conn, from, to).await? else {
            continue;
        };
        let stmt = Query::delete()
            .from_table("relations")
            .and_where(Expr::col("org_id").eq(org.id))
            .and_where(Expr::col("id").eq(row_id))
            .to_owned();
        sql::execute(conn, &stmt).await?;
        let changes = relation_changes(to, &code, false);
        activity::record(org, conn, from, ctx.actor, "delete", ENTITY, Some(row_id), &changes, ctx.now).await?;
    }
    Ok(())
}
