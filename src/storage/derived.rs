//! The customer's summary columns: membership, waiver and pass flags, check-in
//! statistics, the medical-notes flag. They are what the seed's Automatic
//! fields and most filters read, so a list of 100,000 customers is filtered
//! on plain indexed columns instead of a subquery per row.
//!
//! Two things move them: a write to the rows they summarise (the writer calls
//! [`refresh_customers`] for the customers it touched, in its transaction) and
//! the calendar (a membership starts, a waiver expires at midnight in the
//! organization's time zone), which [`ensure_current`] catches up with.
//!
//! The calendar also renews memberships: a recurring membership's `end_date`
//! is the last day of its current billing period, and the catch-up moves it
//! forward, one period at a time, while the membership runs (see
//! [`renew_memberships`]).

use std::collections::BTreeMap;

use jiff::civil::Date;
use sea_query::{
    Cond, Expr, ExprTrait, Func, Query, SelectStatement, SimpleExpr, TableRef, UnionType, UpdateStatement,
};

use super::sql::{self, Conn};
use super::{OrgScope, StoreResult};
use crate::model::terms::{self, RECURRING};

fn table(name: &'static str, alias: &'static str) -> TableRef {
    TableRef::Table(name.into(), Some(alias.into()))
}

/// Memberships covering a customer (`m` member rows, `cm` memberships, `mt`
/// types), without a customer condition.
pub fn covering_memberships() -> SelectStatement {
    Query::select()
        .from_as("customer_membership_members", "m")
        .inner_join(table("customer_memberships", "cm"), Expr::col(("cm", "id")).equals(("m", "membership_id")))
        .inner_join(table("membership_types", "mt"), Expr::col(("mt", "id")).equals(("cm", "membership_type_id")))
        .to_owned()
}

/// The membership in `cm`, seen by the member in `m`, is active on `today`:
/// not frozen (for everyone or for this member), started, not ended.
pub fn membership_active(today: Date) -> Cond {
    let today = today.to_string();
    Cond::all()
        .add(Expr::col(("cm", "status")).is_in(["ACT", "FUT"]))
        .add(Expr::col(("cm", "start_date")).lte(today.clone()))
        .add(Cond::any().add(Expr::col(("cm", "end_date")).is_null()).add(Expr::col(("cm", "end_date")).gte(today)))
        .add(Expr::col(("m", "is_individually_frozen")).eq(false))
}

/// Starts after `today` and is not cancelled or ended.
pub fn membership_future(today: Date) -> Cond {
    Cond::all()
        .add(Expr::col(("cm", "status")).is_in(["ACT", "FUT"]))
        .add(Expr::col(("cm", "start_date")).gt(today.to_string()))
}

/// Frozen for everyone, or for this member, and not over.
pub fn membership_frozen(today: Date) -> Cond {
    Cond::all()
        .add(
            Cond::any().add(Expr::col(("cm", "status")).eq("FRZ")).add(
                Cond::all()
                    .add(Expr::col(("cm", "status")).is_in(["ACT", "FUT"]))
                    .add(Expr::col(("m", "is_individually_frozen")).eq(true)),
            ),
        )
        .add(
            Cond::any()
                .add(Expr::col(("cm", "end_date")).is_null())
                .add(Expr::col(("cm", "end_date")).gte(today.to_string())),
        )
}

/// A waiver (`d`) in force on `today`: not revoked, not past its expiry date.
pub fn waiver_active(today: Date) -> Cond {
    Cond::all().add(Expr::col(("d", "status")).eq("ACT")).add(
        Cond::any()
            .add(Expr::col(("d", "expiration_date")).is_null())
            .add(Expr::col(("d", "expiration_date")).gte(today.to_string())),
    )
}

/// An entry pass (`p`) usable on `today`.
pub fn pass_usable(today: Date) -> Cond {
    Cond::all().add(Expr::col(("p", "uses_remaining")).gt(0)).add(
        Cond::any()
            .add(Expr::col(("p", "expiration_date")).is_null())
            .add(Expr::col(("p", "expiration_date")).gte(today.to_string())),
    )
}

fn for_this_customer(mut stmt: SelectStatement, column: (&'static str, &'static str)) -> SelectStatement {
    stmt.and_where(Expr::col(column).equals(("customers", "id")));
    stmt
}

/// `EXISTS (...)`, as a condition.
fn exists_cond(mut stmt: SelectStatement) -> SimpleExpr {
    Expr::exists(stmt.expr(Expr::val(1)).to_owned())
}

/// `EXISTS (...)` as a stored flag, 0 or 1 (PostgreSQL stores no boolean
/// in a `BIGINT` column without the cast).
fn exists(stmt: SelectStatement) -> SimpleExpr {
    exists_cond(stmt).cast_as("INTEGER")
}

fn membership_exists(today_cond: Cond, extra: Option<SimpleExpr>) -> SimpleExpr {
    let mut stmt = for_this_customer(covering_memberships(), ("m", "customer_id"));
    stmt.cond_where(today_cond);
    if let Some(e) = extra {
        stmt.and_where(e);
    }
    exists(stmt)
}

fn active_waivers(today: Date) -> SelectStatement {
    for_this_customer(
        Query::select().from_as("documents", "d").cond_where(waiver_active(today)).to_owned(),
        ("d", "customer_id"),
    )
}

/// Sets the date-dependent summary columns for `today`.
fn set_date_dependent(stmt: &mut UpdateStatement, today: Date) {
    let first_membership = for_this_customer(covering_memberships(), ("m", "customer_id"))
        .expr(Func::min(Expr::col(("cm", "start_date"))))
        .and_where(Expr::col(("cm", "status")).is_not_in(["PAY", "IPC"]))
        .and_where(Expr::col(("cm", "start_date")).lte(today.to_string()))
        .to_owned();
    let passes = for_this_customer(Query::select().from_as("entry_passes", "p").to_owned(), ("p", "owner_id"))
        .expr(Func::coalesce([Func::sum(Expr::col(("p", "uses_remaining"))).into(), Expr::val(0)]))
        .cond_where(pass_usable(today))
        .to_owned();
    let never_expiring_waiver =
        active_waivers(today).and_where(Expr::col(("d", "expiration_date")).is_null()).to_owned();
    let latest_expiry = active_waivers(today).expr(Func::max(Expr::col(("d", "expiration_date")))).to_owned();

    stmt.value("has_active_membership", membership_exists(membership_active(today), None))
        .value(
            "has_active_youth_membership",
            membership_exists(membership_active(today), Some(Expr::col(("mt", "is_youth_programming")).eq(true))),
        )
        .value(
            "has_active_adult_membership",
            membership_exists(membership_active(today), Some(Expr::col(("mt", "is_youth_programming")).eq(false))),
        )
        .value("has_future_membership", membership_exists(membership_future(today), None))
        .value("has_frozen_membership", membership_exists(membership_frozen(today), None))
        .value("first_membership_date", sql::scalar(first_membership))
        .value("available_entry_passes", sql::scalar(passes))
        .value("active_waiver_exists", exists(active_waivers(today)))
        .value(
            "latest_waiver_expiration",
            Expr::case(exists_cond(never_expiring_waiver), Expr::val(Option::<String>::None))
                .finally(sql::scalar(latest_expiry)),
        );
}

/// The check-in figures: each summary column with its aggregate over the
/// customer's check-ins (`k`), and what it is for a customer with none.
fn check_in_figures() -> [(&'static str, SimpleExpr, SimpleExpr); 3] {
    [
        ("check_in_count", Func::count(Expr::col(("k", "id"))).into(), Expr::val(0)),
        ("first_check_in_at", Func::min(Expr::col(("k", "checked_in_at"))).into(), Expr::val(Option::<i64>::None)),
        ("latest_check_in_at", Func::max(Expr::col(("k", "checked_in_at"))).into(), Expr::val(Option::<i64>::None)),
    ]
}

/// Sets the columns that do not depend on the date, the check-in figures by
/// one subquery each per customer (`CheckInFigures::PerCustomer`) or from
/// `bulk_check_ins`'s grouped pass (`CheckInFigures::Grouped`).
fn set_date_independent(stmt: &mut UpdateStatement, figures: CheckInFigures) {
    for (column, aggregate, none) in check_in_figures() {
        let value = match figures {
            CheckInFigures::PerCustomer => {
                let per_customer = Query::select().from_as("check_ins", "k").expr(aggregate).to_owned();
                sql::scalar(for_this_customer(per_customer, ("k", "customer_id")))
            }
            CheckInFigures::Grouped => Func::coalesce([Expr::col((GROUPED, column)), none]).into(),
        };
        stmt.value(column, value);
    }
    let medical = for_this_customer(Query::select().from_as("medical_notes", "n").to_owned(), ("n", "customer_id"));
    stmt.value("has_medical_notes", exists(medical));
}

/// How [`set_date_independent`] computes the check-in figures.
#[derive(Clone, Copy)]
enum CheckInFigures {
    PerCustomer,
    Grouped,
}

/// The alias of [`bulk_check_ins`]'s rows in an update.
const GROUPED: &str = "grouped";

/// Every customer in `first..=last` with their check-in figures, from one
/// pass over the organization's check-ins grouped by customer (`NULL`
/// figures for a customer with none). For many customers at once this is
/// far cheaper than a subquery per customer per figure: on PostgreSQL a
/// 100,000-customer import's three subqueries took 2.5 s against 0.8 s.
fn bulk_check_ins(org: &OrgScope, first: i64, last: i64) -> SelectStatement {
    let mut grouped = Query::select();
    grouped
        .column(("k", "customer_id"))
        .from_as("check_ins", "k")
        .and_where(Expr::col(("k", "org_id")).eq(org.id))
        .and_where(Expr::col(("k", "customer_id")).between(first, last))
        .group_by_col(("k", "customer_id"));
    for (column, aggregate, _) in check_in_figures() {
        grouped.expr_as(aggregate, column);
    }
    let mut rows = Query::select();
    rows.expr_as(Expr::col(("c", "id")), "customer_id")
        .from_as("customers", "c")
        .join_subquery(sea_query::JoinType::LeftJoin, grouped, "g", Expr::col(("g", "customer_id")).equals(("c", "id")))
        .and_where(Expr::col(("c", "org_id")).eq(org.id))
        .and_where(Expr::col(("c", "id")).between(first, last));
    for (column, _, _) in check_in_figures() {
        rows.expr_as(Expr::col(("g", column)), column);
    }
    rows
}

/// Recomputes every summary column of the given customers (all of the
/// organization's when `ids` is `None`).
pub async fn refresh_customers(org: &OrgScope, conn: &mut Conn, ids: Option<&[i64]>, today: Date) -> StoreResult<()> {
    let mut stmt = Query::update();
    stmt.table("customers").and_where(Expr::col("org_id").eq(org.id));
    if let Some(ids) = ids {
        if ids.is_empty() {
            return Ok(());
        }
        stmt.and_where(Expr::col("id").is_in(ids.iter().copied()));
    }
    set_date_dependent(&mut stmt, today);
    set_date_independent(&mut stmt, CheckInFigures::PerCustomer);
    sql::execute(conn, &stmt).await?;
    let which = match ids {
        Some(ids) => Customers::Ids(ids),
        None => Customers::All,
    };
    refresh_active_types(org, conn, &which, today).await
}

/// Which of the organization's customers a refresh covers.
enum Customers<'a> {
    All,
    Ids(&'a [i64]),
    /// Ids from the first to the last, both included.
    Range(i64, i64),
    /// Those whose ids a query selects.
    Selected(Box<SelectStatement>),
}

impl Customers<'_> {
    /// The test of a customer-id column, if any.
    fn test(&self, column: (&'static str, &'static str)) -> Option<SimpleExpr> {
        match self {
            Customers::All => None,
            Customers::Ids(ids) => Some(Expr::col(column).is_in(ids.iter().copied())),
            Customers::Range(first, last) => Some(Expr::col(column).between(*first, *last)),
            Customers::Selected(query) => Some(Expr::col(column).in_subquery((**query).clone())),
        }
    }
}

/// Rewrites `customer_active_membership_types` (the membership types each
/// customer holds an active membership of, which the membership-name filter
/// reads) for the customers `which` covers.
async fn refresh_active_types(org: &OrgScope, conn: &mut Conn, which: &Customers<'_>, today: Date) -> StoreResult<()> {
    let mut delete = Query::delete();
    delete.from_table("customer_active_membership_types").and_where(Expr::col("org_id").eq(org.id));
    if let Some(test) = which.test(("customer_active_membership_types", "customer_id")) {
        delete.and_where(test);
    }
    sql::execute(conn, &delete).await?;
    let mut active = Query::select();
    active
        .distinct()
        .column(("cm", "org_id"))
        .column(("m", "customer_id"))
        .column(("cm", "membership_type_id"))
        .from_as("customer_memberships", "cm")
        .inner_join(table("customer_membership_members", "m"), Expr::col(("m", "membership_id")).equals(("cm", "id")))
        .and_where(Expr::col(("cm", "org_id")).eq(org.id))
        .cond_where(membership_active(today));
    if let Some(test) = which.test(("m", "customer_id")) {
        active.and_where(test);
    }
    let insert = Query::insert()
        .into_table("customer_active_membership_types")
        .columns(["org_id", "customer_id", "membership_type_id"])
        .select_from(active)
        // Only if the select's columns did not match the insert's three.
        .map_err(|e| sqlx::Error::InvalidArgument(format!("active membership types: {e}")))?
        .to_owned();
    sql::execute(conn, &insert).await?;
    // Mark the rows of customers holding several types (migration 0502).
    let mut several = Query::select();
    several
        .column("customer_id")
        .from("customer_active_membership_types")
        .and_where(Expr::col("org_id").eq(org.id))
        .group_by_col("customer_id")
        .and_having(Expr::col(sea_query::Asterisk).count().gt(1));
    if let Some(test) = which.test(("customer_active_membership_types", "customer_id")) {
        several.and_where(test);
    }
    let mark = Query::update()
        .table("customer_active_membership_types")
        .value("shared", true)
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("customer_id").in_subquery(several))
        .to_owned();
    sql::execute(conn, &mark).await?;
    Ok(())
}

/// Recomputes every summary column of the customers with ids in
/// `first..=last` (an import's new customers, however many).
pub async fn refresh_customer_range(
    org: &OrgScope,
    conn: &mut Conn,
    first: i64,
    last: i64,
    today: Date,
) -> StoreResult<()> {
    let mut stmt = Query::update();
    stmt.table("customers")
        .from(TableRef::SubQuery(bulk_check_ins(org, first, last).into(), GROUPED.into()))
        .and_where(Expr::col(("customers", "id")).equals((GROUPED, "customer_id")));
    set_date_dependent(&mut stmt, today);
    set_date_independent(&mut stmt, CheckInFigures::Grouped);
    sql::execute(conn, &stmt).await?;
    refresh_active_types(org, conn, &Customers::Range(first, last), today).await
}

/// Stored statuses of a membership that runs on: active, frozen (held, its
/// term kept) or not yet started. Ended, cancelled and unpaid ones do not renew.
const RUNNING: [&str; 3] = ["ACT", "FRZ", "FUT"];

/// A running recurring membership's term, as stored.
#[derive(Debug, sqlx::FromRow)]
struct TermRow {
    id: i64,
    start_date: String,
    end_date: Option<String>,
    interval: String,
}

/// Running recurring memberships (`cm`, with their type `mt`) of the organization.
fn running_recurring(org: &OrgScope) -> SelectStatement {
    Query::select()
        .columns([("cm", "id"), ("cm", "start_date"), ("cm", "end_date"), ("cm", "interval")])
        .from_as("customer_memberships", "cm")
        .inner_join(table("membership_types", "mt"), Expr::col(("mt", "id")).equals(("cm", "membership_type_id")))
        .and_where(Expr::col(("cm", "org_id")).eq(org.id))
        .and_where(Expr::col(("mt", "purchase_type")).eq(RECURRING))
        .and_where(Expr::col(("cm", "status")).is_in(RUNNING))
        .to_owned()
}

/// Sets each selected membership's `end_date` to the last day of its billing
/// period holding `today` (its first period when it starts later), in one
/// statement per distinct date. A membership whose interval does not recur
/// keeps what it has. Returns how many moved.
async fn set_terms(conn: &mut Conn, stmt: SelectStatement, today: Date) -> StoreResult<usize> {
    let rows: Vec<TermRow> = sql::fetch_as(conn, &stmt).await?;
    let mut by_end: BTreeMap<Date, Vec<i64>> = BTreeMap::new();
    for row in rows {
        let Ok(start) = row.start_date.parse::<Date>() else { continue };
        let Some(end) = terms::period_end_covering(&row.interval, start, today) else { continue };
        if row.end_date.as_deref() != Some(end.to_string().as_str()) {
            by_end.entry(end).or_default().push(row.id);
        }
    }
    let mut moved = 0;
    for (end, ids) in by_end {
        for chunk in ids.chunks(500) {
            let update = Query::update()
                .table("customer_memberships")
                .value("end_date", end.to_string())
                .and_where(Expr::col("id").is_in(chunk.iter().copied()))
                .to_owned();
            sql::execute(conn, &update).await?;
            moved += chunk.len();
        }
    }
    Ok(moved)
}

/// Gives every running recurring membership without an end date (one
/// imported without it, or stored before memberships had terms) the end of
/// its current billing period. The customers' summary columns do not move:
/// a term holding `today` is in force today, as no end date was.
pub async fn fill_missing_terms(org: &OrgScope, conn: &mut Conn, today: Date) -> StoreResult<usize> {
    let stmt = running_recurring(org).and_where(Expr::col(("cm", "end_date")).is_null()).to_owned();
    set_terms(conn, stmt, today).await
}

/// Renews the running recurring memberships whose paid period ended on a
/// day in `[from, today)`: each `end_date` moves forward, by whole periods,
/// to the end of the period holding `today`. A membership whose end date was
/// already past at `from` had ended before (it was imported so) and stays
/// ended. Returns how many were renewed.
pub async fn renew_memberships(org: &OrgScope, conn: &mut Conn, from: Date, today: Date) -> StoreResult<usize> {
    let stmt = running_recurring(org)
        .and_where(Expr::col(("cm", "end_date")).gte(from.to_string()))
        .and_where(Expr::col(("cm", "end_date")).lt(today.to_string()))
        .to_owned();
    set_terms(conn, stmt, today).await
}

/// Brings the date-dependent columns from `as_of` to `today`. Only customers
/// with a membership start or end, a waiver expiry or a pass expiry between
/// the two dates can have changed, so only they are recomputed; with no
/// earlier date (or a clock that went backwards) everyone is. Memberships
/// renew first (their terms run on), and running recurring memberships
/// without a term get one.
pub async fn catch_up(org: &OrgScope, conn: &mut Conn, as_of: Option<Date>, today: Date) -> StoreResult<()> {
    if let Some(from) = as_of.filter(|d| *d < today) {
        renew_memberships(org, conn, from, today).await?;
    }
    fill_missing_terms(org, conn, today).await?;
    let mut stmt = Query::update();
    stmt.table("customers").and_where(Expr::col("org_id").eq(org.id));
    let mut which = Customers::All;
    if let Some(as_of) = as_of.filter(|d| *d <= today) {
        if as_of == today {
            return Ok(());
        }
        let (from, to) = (as_of.to_string(), today.to_string());
        let member_ids = |date_col: &'static str, lower_inclusive: bool| {
            let cond = if lower_inclusive {
                // ended or expired on a day in [from, to): no longer in force today
                Cond::all()
                    .add(Expr::col(("cm", date_col)).gte(from.clone()))
                    .add(Expr::col(("cm", date_col)).lt(to.clone()))
            } else {
                // started on a day in (from, to]
                Cond::all()
                    .add(Expr::col(("cm", date_col)).gt(from.clone()))
                    .add(Expr::col(("cm", date_col)).lte(to.clone()))
            };
            Query::select()
                .column(("m", "customer_id"))
                .from_as("customer_membership_members", "m")
                .inner_join(table("customer_memberships", "cm"), Expr::col(("cm", "id")).equals(("m", "membership_id")))
                .and_where(Expr::col(("cm", "org_id")).eq(org.id))
                .cond_where(cond)
                .to_owned()
        };
        let expiring = |tbl: &'static str, customer_col: &'static str| {
            Query::select()
                .column(customer_col)
                .from(tbl)
                .and_where(Expr::col("org_id").eq(org.id))
                .and_where(Expr::col("expiration_date").gte(from.clone()))
                .and_where(Expr::col("expiration_date").lt(to.clone()))
                .to_owned()
        };
        let affected = member_ids("start_date", false)
            .union(UnionType::Distinct, member_ids("end_date", true))
            .union(UnionType::Distinct, expiring("documents", "customer_id"))
            .union(UnionType::Distinct, expiring("entry_passes", "owner_id"))
            .to_owned();
        stmt.and_where(Expr::col("id").in_subquery(affected.clone()));
        which = Customers::Selected(Box::new(affected));
    }
    set_date_dependent(&mut stmt, today);
    sql::execute(conn, &stmt).await?;
    refresh_active_types(org, conn, &which, today).await?;
    let mark = Query::update()
        .table("organizations")
        .value("derived_as_of", today.to_string())
        .and_where(Expr::col("id").eq(org.id))
        .to_owned();
    sql::execute(conn, &mark).await?;
    Ok(())
}

/// The date the organization's summary columns were last brought up to.
pub async fn as_of(org: &OrgScope, conn: &mut Conn) -> StoreResult<Option<Date>> {
    let stmt =
        Query::select().column("derived_as_of").from("organizations").and_where(Expr::col("id").eq(org.id)).to_owned();
    let raw: Option<String> = sql::fetch_optional_scalar::<Option<String>, _>(conn, &stmt).await?.flatten();
    Ok(raw.and_then(|s| s.parse().ok()))
}

/// Catches the organization's summary columns up with `today` if the date
/// has moved since they were computed. Cheap when it has not.
pub async fn ensure_current(org: &OrgScope, db: &super::Db, today: Date) -> StoreResult<()> {
    let mut conn = db.acquire().await?;
    if as_of(org, &mut conn).await? == Some(today) {
        return Ok(());
    }
    drop(conn);
    let mut tx = db.begin_write().await?;
    let as_of = as_of(org, &mut tx).await?;
    if as_of != Some(today) {
        catch_up(org, &mut tx, as_of, today).await?;
    }
    tx.commit().await?;
    Ok(())
}
