//! Membership types, customers' memberships and entry passes as the API lists
//! them (read-only): top-level across the organization and per customer.

use std::collections::HashMap;

use sea_query::{Cond, Expr, ExprTrait, Order, Query, SelectStatement, UnionType};

use super::listing::{Listing, R, aliased, columns_of};
use super::sql::{self, Conn};
use super::{OrgScope, StoreResult};
use crate::model::subrecords::MembershipMember;
pub use crate::model::subrecords::{CustomerMembershipRow, EntryPassRow, MembershipTypeRow, SharedPassRow};

/// The organization's membership types, by name (top-level only).
pub struct MembershipTypes;

impl Listing for MembershipTypes {
    type Row = MembershipTypeRow;
    const TABLE: &'static str = "membership_types";

    fn columns(stmt: &mut SelectStatement) {
        columns_of(stmt, MembershipTypeRow::COLUMNS);
    }

    async fn complete(org: &OrgScope, conn: &mut Conn, rows: &mut [MembershipTypeRow]) -> StoreResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let all = org_locations(org, conn).await?;
        for row in rows {
            (row.valid_location_ids, row.valid_location_names) = valid_at(row.location_id, &all);
        }
        Ok(())
    }

    fn order(stmt: &mut SelectStatement) {
        stmt.order_by((R, "name"), Order::Asc).order_by((R, "id"), Order::Asc);
    }
}

/// One customer a membership covers, with the membership it belongs to.
#[derive(Debug, Clone, sqlx::FromRow)]
struct MemberRow {
    membership_id: i64,
    #[sqlx(flatten)]
    member: MembershipMember,
}

/// Customers' memberships, newest start first. Unpaid ones (`PAY`, `IPC`)
/// are never listed. A customer's are those covering them or owned by them.
pub struct CustomerMemberships;

impl Listing for CustomerMemberships {
    type Row = CustomerMembershipRow;
    const TABLE: &'static str = "customer_memberships";

    fn columns(stmt: &mut SelectStatement) {
        columns_of(stmt, CustomerMembershipRow::COLUMNS);
        // Two of its own columns go by other names on the wire.
        stmt.expr_as(Expr::col((R, "membership_type_id")), "membership_id")
            .expr_as(Expr::col((R, "unfreeze_date")), "membership_unfreeze_date")
            .expr_as(Expr::col(("mt", "name")), "name")
            .expr_as(Expr::col(("mt", "purchase_type")), "purchase_type")
            .expr_as(Expr::col(("mt", "location_id")), "type_location_id")
            .expr_as(Expr::col(("o", "first_name")), "owner_first_name")
            .expr_as(Expr::col(("o", "last_name")), "owner_last_name")
            .expr_as(Expr::col(("o", "email")), "owner_email")
            .expr_as(Expr::col(("o", "birthday")), "owner_birthday")
            .inner_join(aliased("membership_types", "mt"), Expr::col(("mt", "id")).equals((R, "membership_type_id")))
            .inner_join(aliased("customers", "o"), Expr::col(("o", "id")).equals((R, "owner_id")));
    }

    fn of_customer(customer_id: i64) -> Cond {
        // One IN over a union, not an OR, so each side is an index lookup
        // rather than a scan of every membership of the organization.
        let owned = Query::select()
            .column("id")
            .from("customer_memberships")
            .and_where(Expr::col("owner_id").eq(customer_id))
            .to_owned();
        let theirs = Query::select()
            .column("membership_id")
            .from("customer_membership_members")
            .and_where(Expr::col("customer_id").eq(customer_id))
            .union(UnionType::Distinct, owned)
            .to_owned();
        Cond::all().add(Expr::col((R, "id")).in_subquery(theirs))
    }

    fn hidden() -> Option<Cond> {
        Some(Cond::all().add(Expr::col((R, "status")).is_in(["PAY", "IPC"])))
    }

    fn order(stmt: &mut SelectStatement) {
        stmt.order_by((R, "start_date"), Order::Desc).order_by((R, "id"), Order::Desc);
    }

    async fn complete(org: &OrgScope, conn: &mut Conn, rows: &mut [CustomerMembershipRow]) -> StoreResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let index: HashMap<i64, usize> = rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
        let stmt = Query::select()
            .expr_as(Expr::col(("m", "id")), "member_id")
            .expr_as(Expr::col(("m", "customer_id")), "id")
            .columns([("m", "membership_id"), ("m", "is_individually_frozen")])
            .columns([("c", "first_name"), ("c", "last_name")])
            .from_as("customer_membership_members", "m")
            .inner_join(aliased("customers", "c"), Expr::col(("c", "id")).equals(("m", "customer_id")))
            .and_where(Expr::col(("m", "org_id")).eq(org.id))
            .and_where(Expr::col(("m", "membership_id")).is_in(index.keys().copied()))
            .order_by(("m", "id"), Order::Asc)
            .to_owned();
        for row in sql::fetch_as::<MemberRow, _>(conn, &stmt).await? {
            if let Some(&at) = index.get(&row.membership_id) {
                rows[at].all_customers.push(row.member);
            }
        }
        let all = org_locations(org, conn).await?;
        for row in rows.iter_mut() {
            (row.valid_location_ids, row.valid_location_names) = valid_at(row.type_location_id, &all);
        }
        Ok(())
    }
}

/// The organization's locations, `(id, name)` by name.
async fn org_locations(org: &OrgScope, conn: &mut Conn) -> StoreResult<Vec<(i64, String)>> {
    let stmt = Query::select()
        .columns(["id", "name"])
        .from("locations")
        .and_where(Expr::col("org_id").eq(org.id))
        .order_by("name", Order::Asc)
        .order_by("id", Order::Asc)
        .to_owned();
    Ok(sql::fetch_as::<(i64, String), _>(conn, &stmt).await?)
}

/// Where a membership type admits, ids and names by name: its one location, or every
/// location when it names none (as check-in decides: see `model::check_in_rules`).
fn valid_at(location_id: Option<i64>, all: &[(i64, String)]) -> (Vec<i64>, Vec<String>) {
    all.iter().filter(|(l, _)| location_id.is_none_or(|id| *l == id)).cloned().unzip()
}

/// Entry passes, newest first; a customer's are those they own.
pub struct EntryPasses;

impl Listing for EntryPasses {
    type Row = EntryPassRow;
    const TABLE: &'static str = "entry_passes";

    fn columns(stmt: &mut SelectStatement) {
        columns_of(stmt, EntryPassRow::COLUMNS);
    }

    fn of_customer(customer_id: i64) -> Cond {
        Cond::all().add(Expr::col((R, "owner_id")).eq(customer_id))
    }
}

/// Other customers' passes shared with a customer.
pub struct SharedPasses;

impl Listing for SharedPasses {
    type Row = SharedPassRow;
    const TABLE: &'static str = "shared_passes";

    fn columns(stmt: &mut SelectStatement) {
        columns_of(stmt, SharedPassRow::COLUMNS);
        stmt.columns([("p", "name"), ("p", "owner_id"), ("p", "uses_remaining"), ("p", "expiration_date")])
            .expr_as(Expr::col(("o", "first_name")), "owner_first_name")
            .expr_as(Expr::col(("o", "last_name")), "owner_last_name")
            .inner_join(aliased("entry_passes", "p"), Expr::col(("p", "id")).equals((R, "entry_pass_id")))
            .inner_join(aliased("customers", "o"), Expr::col(("o", "id")).equals(("p", "owner_id")));
    }
}
