//! Membership types, customers' memberships and entry passes as the API lists
//! them (read-only): top-level across the organization and per customer.

use std::collections::HashMap;

use sea_query::{Cond, Expr, ExprTrait, Order, Query, SelectStatement, UnionType};

use super::listing::{Listing, R, aliased, columns_of};
use super::sql::{self, Conn};
use super::{OrgScope, StoreResult};
pub use crate::model::subrecords::{EntryPassRow, SharedPassRow};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MembershipTypeRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub status: String,
    pub purchase_type: String,
    pub interval: String,
    #[sqlx(try_from = "crate::storage::sql::IntFlag")]
    pub is_group: bool,
    #[sqlx(try_from = "crate::storage::sql::IntFlag")]
    pub is_youth_programming: bool,
    /// The one location the type is sold for, or none: valid at every location.
    pub location_id: Option<i64>,
    /// Ours: where the type admits, `(id, name)` by name (every location when `location_id` is none).
    #[sqlx(skip)]
    pub valid_locations: Vec<(i64, String)>,
}

/// The organization's membership types, by name (top-level only).
pub struct MembershipTypes;

impl Listing for MembershipTypes {
    type Row = MembershipTypeRow;
    const TABLE: &'static str = "membership_types";

    fn columns(stmt: &mut SelectStatement) {
        columns_of(
            stmt,
            &[
                "id",
                "name",
                "description",
                "status",
                "purchase_type",
                "interval",
                "is_group",
                "is_youth_programming",
                "location_id",
            ],
        );
    }

    async fn complete(org: &OrgScope, conn: &mut Conn, rows: &mut [MembershipTypeRow]) -> StoreResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let all = org_locations(org, conn).await?;
        for row in rows {
            row.valid_locations = valid_at(row.location_id, &all);
        }
        Ok(())
    }

    fn order(stmt: &mut SelectStatement) {
        stmt.order_by((R, "name"), Order::Asc).order_by((R, "id"), Order::Asc);
    }
}

/// One customer a membership covers.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub member_id: i64,
    pub membership_id: i64,
    pub customer_id: i64,
    pub first_name: String,
    pub last_name: String,
    #[sqlx(try_from = "crate::storage::sql::IntFlag")]
    pub is_individually_frozen: bool,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CustomerMembershipRow {
    pub id: i64,
    pub membership_type_id: i64,
    pub name: String,
    pub purchase_type: String,
    pub status: String,
    pub start_date: String,
    pub end_date: Option<String>,
    pub interval: String,
    pub billing_amount: String,
    pub owner_id: i64,
    pub owner_first_name: String,
    pub owner_last_name: String,
    pub owner_email: String,
    pub owner_birthday: String,
    pub unfreeze_date: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The membership type's one location, or none: valid at every location.
    pub type_location_id: Option<i64>,
    #[sqlx(skip)]
    pub members: Vec<MemberRow>,
    /// Ours: where the membership admits, `(id, name)` by name.
    #[sqlx(skip)]
    pub valid_locations: Vec<(i64, String)>,
}

/// Customers' memberships, newest start first. Unpaid ones (`PAY`, `IPC`)
/// are never listed. A customer's are those covering them or owned by them.
pub struct CustomerMemberships;

impl Listing for CustomerMemberships {
    type Row = CustomerMembershipRow;
    const TABLE: &'static str = "customer_memberships";

    fn columns(stmt: &mut SelectStatement) {
        columns_of(
            stmt,
            &[
                "id",
                "membership_type_id",
                "status",
                "start_date",
                "end_date",
                "interval",
                "billing_amount",
                "owner_id",
                "unfreeze_date",
                "created_at",
                "updated_at",
            ],
        );
        stmt.expr_as(Expr::col(("mt", "name")), "name")
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
            .columns([("m", "membership_id"), ("m", "customer_id"), ("m", "is_individually_frozen")])
            .columns([("c", "first_name"), ("c", "last_name")])
            .from_as("customer_membership_members", "m")
            .inner_join(aliased("customers", "c"), Expr::col(("c", "id")).equals(("m", "customer_id")))
            .and_where(Expr::col(("m", "org_id")).eq(org.id))
            .and_where(Expr::col(("m", "membership_id")).is_in(index.keys().copied()))
            .order_by(("m", "id"), Order::Asc)
            .to_owned();
        for member in sql::fetch_as::<MemberRow, _>(conn, &stmt).await? {
            rows[index[&member.membership_id]].members.push(member);
        }
        let all = org_locations(org, conn).await?;
        for row in rows.iter_mut() {
            row.valid_locations = valid_at(row.type_location_id, &all);
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

/// Where a membership type admits: its one location, or every location when it names none
/// (as check-in decides: see `model::check_in_rules`).
fn valid_at(location_id: Option<i64>, all: &[(i64, String)]) -> Vec<(i64, String)> {
    match location_id {
        Some(id) => all.iter().filter(|(l, _)| *l == id).cloned().collect(),
        None => all.to_vec(),
    }
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
