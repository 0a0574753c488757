//! One paged read for every kind of stored record the API lists: a kind says
//! which table, columns, customer condition and order it has, and gets its
//! count, page and single-record reads, always scoped to the organization.

use std::future::Future;

use sea_query::{Cond, Expr, ExprTrait, Order, Query, SelectStatement, TableRef};

use super::sql::{self, Conn};
use super::{OrgScope, StoreResult};

/// The alias every listing gives its record table.
pub const R: &str = "r";

/// Whose records a read covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One customer's sub-collection.
    Customer(i64),
    /// The whole organization (a top-level collection).
    Organization,
}

/// A kind of stored record that can be listed.
pub trait Listing {
    type Row: sql::FromRows;

    /// The table the records live in; queries alias it [`R`].
    const TABLE: &'static str;

    /// Adds the row's columns, and any joins they need, to a select from
    /// `TABLE AS r`.
    fn columns(stmt: &mut SelectStatement);

    /// The records of one customer. Conditions may refer only to `r`.
    fn of_customer(customer_id: i64) -> Cond {
        Cond::all().add(Expr::col((R, "customer_id")).eq(customer_id))
    }

    /// Records no listing of this kind shows. Conditions may refer only to `r`.
    fn hidden() -> Option<Cond> {
        None
    }

    /// The order of a listing; it must end in a unique column so pages are
    /// stable. Newest first unless a kind says otherwise.
    fn order(stmt: &mut SelectStatement) {
        stmt.order_by((R, "id"), Order::Desc);
    }

    /// Fills in what a second query loads for a page of rows (one query per
    /// page, never one per row).
    fn complete(
        _org: &OrgScope,
        _conn: &mut Conn,
        _rows: &mut [Self::Row],
    ) -> impl Future<Output = StoreResult<()>> + Send {
        async { Ok(()) }
    }
}

/// `r.<column>` for each column, in order.
pub fn columns_of(stmt: &mut SelectStatement, columns: &[&'static str]) {
    stmt.columns(columns.iter().map(|c| (R, *c)));
}

/// `table AS alias`, for joins.
pub fn aliased(table: &'static str, alias: &'static str) -> TableRef {
    TableRef::Table(table.into(), Some(alias.into()))
}

fn scoped<L: Listing>(org: &OrgScope, stmt: &mut SelectStatement, scope: Scope) {
    stmt.and_where(Expr::col((R, "org_id")).eq(org.id));
    if let Scope::Customer(customer_id) = scope {
        stmt.cond_where(L::of_customer(customer_id));
    }
    if let Some(hidden) = L::hidden() {
        stmt.cond_where(hidden.not());
    }
}

/// How many records the scope holds.
pub async fn count<L: Listing>(org: &OrgScope, conn: &mut Conn, scope: Scope) -> StoreResult<u64> {
    let mut stmt = Query::select().expr(Expr::col((R, "id")).count()).from_as(L::TABLE, R).to_owned();
    scoped::<L>(org, &mut stmt, scope);
    let count: i64 = sql::fetch_scalar(conn, &stmt).await?;
    Ok(count as u64)
}

fn select<L: Listing>(org: &OrgScope, scope: Scope) -> SelectStatement {
    let mut stmt = Query::select().from_as(L::TABLE, R).to_owned();
    L::columns(&mut stmt);
    scoped::<L>(org, &mut stmt, scope);
    stmt
}

/// One page of the scope's records, in the kind's order.
pub async fn page<L: Listing>(
    org: &OrgScope,
    conn: &mut Conn,
    scope: Scope,
    offset: u64,
    limit: u64,
) -> StoreResult<Vec<L::Row>> {
    let mut stmt = select::<L>(org, scope);
    L::order(&mut stmt);
    stmt.limit(limit).offset(offset);
    let mut rows = sql::fetch_as::<L::Row, _>(conn, &stmt).await?;
    L::complete(org, conn, &mut rows).await?;
    Ok(rows)
}

/// One record of the scope, or None (also for another customer's or
/// organization's record).
pub async fn one<L: Listing>(org: &OrgScope, conn: &mut Conn, scope: Scope, id: i64) -> StoreResult<Option<L::Row>> {
    let stmt = select::<L>(org, scope).and_where(Expr::col((R, "id")).eq(id)).to_owned();
    let Some(row) = sql::fetch_optional_as::<L::Row, _>(conn, &stmt).await? else {
        return Ok(None);
    };
    let mut rows = [row];
    L::complete(org, conn, &mut rows).await?;
    let [row] = rows;
    Ok(Some(row))
}
