//! Check-ins: a barcode scan (its facts read in one statement, judged by
//! `model::check_in_rules`, the decision written), the record of each entry,
//! voiding a mistaken one, and the list.
//!
//! A scan runs inside the caller's write transaction (`BEGIN IMMEDIATE`), so
//! scans are serialized: two scans of a one-use pass cannot both debit it.
//! `docs/check-in.md` states the rules and the choices made where Capitan's
//! documentation is silent.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use sea_query::{Cond, Expr, ExprTrait, Func, Order, Query, SelectStatement, SimpleExpr, TableRef, UnionType};
use serde_json::Value;

use super::activity::{self, Actor, Change};
use super::orgs::Location;
use super::sql::{self, Conn, Dialect};
use super::{OrgScope, StoreError, StoreResult, derived, parse_time_zone, start_of_day};
use crate::model::check_in::local_datetime_opt;
use crate::model::check_in_rules::{
    self, CustomerFacts, Decision, MembershipFact, PassFact, Refusal, ReservationFact, ScanFacts,
};

fn table(name: &'static str, alias: &'static str) -> TableRef {
    TableRef::Table(name.into(), Some(alias.into()))
}

/// A stored check-in with what the list shows of its customer and location.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CheckInRecord {
    pub id: i64,
    pub customer_id: i64,
    pub customer_first_name: String,
    pub customer_last_name: String,
    pub customer_birthday: String,
    pub customer_email: String,
    /// The customer's total now.
    pub check_in_count: i64,
    pub location_id: i64,
    pub location_name: String,
    pub checked_in_at: i64,
    /// The location's wall clock, `YYYY-MM-DDTHH:MM:SS`.
    pub local_datetime: String,
    pub local_checkout_datetime: Option<String>,
    pub entry_method: String,
    pub entry_method_description: String,
    pub free_entry_reason: Option<String>,
    pub entry_pass_id: Option<i64>,
    pub created_at: i64,
}

fn record_select() -> SelectStatement {
    Query::select()
        .columns([
            ("k", "id"),
            ("k", "customer_id"),
            ("k", "location_id"),
            ("k", "checked_in_at"),
            ("k", "local_datetime"),
            ("k", "local_checkout_datetime"),
            ("k", "entry_method"),
            ("k", "entry_method_description"),
            ("k", "free_entry_reason"),
            ("k", "entry_pass_id"),
            ("k", "created_at"),
        ])
        .expr_as(Expr::col(("c", "first_name")), "customer_first_name")
        .expr_as(Expr::col(("c", "last_name")), "customer_last_name")
        .expr_as(Expr::col(("c", "birthday")), "customer_birthday")
        .expr_as(Expr::col(("c", "email")), "customer_email")
        .expr_as(Expr::col(("c", "check_in_count")), "check_in_count")
        .expr_as(Expr::col(("l", "name")), "location_name")
        .from_as("check_ins", "k")
        .inner_join(table("customers", "c"), Expr::col(("c", "id")).equals(("k", "customer_id")))
        .inner_join(table("locations", "l"), Expr::col(("l", "id")).equals(("k", "location_id")))
        .to_owned()
}

/// `org_id = <org>` for a check-ins query that also names a customer, in a
/// form SQLite will not pick an index for. Without ANALYZE statistics the
/// planner rates the (org_id, ...) indexes as selective as the customer's
/// and may walk every check-in of the organization (seconds at a million);
/// the unary `+` keeps the scope and leaves the choice to the customer's index.
fn org_beside_customer(column: &str, org: &OrgScope) -> SimpleExpr {
    // `+column` is valid on both backends; the value is bound by sea-query,
    // which numbers PostgreSQL's placeholders (a `?` in custom SQL it does not).
    Expr::cust(format!("+{column}")).eq(org.id)
}

/// One check-in of the organization.
pub async fn get(org: &OrgScope, conn: &mut Conn, id: i64) -> StoreResult<Option<CheckInRecord>> {
    let stmt = record_select()
        .and_where(Expr::col(("k", "org_id")).eq(org.id))
        .and_where(Expr::col(("k", "id")).eq(id))
        .to_owned();
    Ok(sql::fetch_optional_as(conn, &stmt).await?)
}

/// Which check-ins a list shows. Local bounds compare with the location's
/// wall clock (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS`, compared as text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckInFilter {
    pub customer_id: Option<i64>,
    pub location_id: Option<i64>,
    pub entry_method: Option<String>,
    /// Inclusive lower bound.
    pub local_from: Option<String>,
    /// Exclusive upper bound.
    pub local_before: Option<String>,
}

impl CheckInFilter {
    /// The filter, scoped to the organization.
    fn condition(&self, org: &OrgScope) -> Cond {
        let mut cond = Cond::all();
        match self.customer_id {
            Some(id) => {
                cond =
                    cond.add(org_beside_customer("\"k\".\"org_id\"", org)).add(Expr::col(("k", "customer_id")).eq(id))
            }
            None => cond = cond.add(Expr::col(("k", "org_id")).eq(org.id)),
        }
        if let Some(id) = self.location_id {
            cond = cond.add(Expr::col(("k", "location_id")).eq(id));
        }
        if let Some(method) = &self.entry_method {
            cond = cond.add(Expr::col(("k", "entry_method")).eq(method.as_str()));
        }
        if let Some(from) = &self.local_from {
            cond = cond.add(Expr::col(("k", "local_datetime")).gte(from.as_str()));
        }
        if let Some(before) = &self.local_before {
            cond = cond.add(Expr::col(("k", "local_datetime")).lt(before.as_str()));
        }
        cond
    }
}

/// What a list can be ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    CheckInDatetime,
    CreatedAt,
    Id,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

/// Newest first.
pub const DEFAULT_SORT: Sort = Sort { key: SortKey::CheckInDatetime, descending: true };

/// One page of check-ins and the total. The order always ends with the id
/// (in the first key's direction), so pages never overlap or skip.
pub async fn list(
    org: &OrgScope,
    conn: &mut Conn,
    filter: &CheckInFilter,
    sort: &[Sort],
    offset: u64,
    limit: u64,
) -> StoreResult<(u64, Vec<CheckInRecord>)> {
    let count_stmt = Query::select()
        .expr(Expr::col(("k", "id")).count())
        .from_as("check_ins", "k")
        .cond_where(filter.condition(org))
        .to_owned();
    let count = sql::fetch_scalar::<i64, _>(conn, &count_stmt).await? as u64;
    if offset >= count || limit == 0 {
        return Ok((count, Vec::new()));
    }
    let sort = if sort.is_empty() { &[DEFAULT_SORT][..] } else { sort };
    let mut stmt = record_select().cond_where(filter.condition(org)).to_owned();
    for s in sort {
        // By the field's own value, the local wall clock, as DRF orders: the
        // (org_id, local_datetime, id) index then serves both the date
        // filters and the order, with no sort of a million rows.
        let column = match s.key {
            SortKey::CheckInDatetime => "local_datetime",
            SortKey::CreatedAt => "created_at",
            SortKey::Id => "id",
        };
        stmt.order_by(("k", column), if s.descending { Order::Desc } else { Order::Asc });
    }
    stmt.order_by(("k", "id"), if sort[0].descending { Order::Desc } else { Order::Asc });
    stmt.limit(limit).offset(offset);
    Ok((count, sql::fetch_as(conn, &stmt).await?))
}

/// Whom a check-in is for: the customer with a barcode (a scan), or a customer by id (ours: a
/// family member checked in from a guardian's scan, who may have no card).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who<'a> {
    Barcode(&'a str),
    Customer(i64),
}

impl Who<'_> {
    /// The customers row it names, as a condition on `c`.
    fn condition(self) -> SimpleExpr {
        match self {
            Who::Barcode(barcode) => Expr::col(("c", "barcode")).eq(barcode),
            Who::Customer(id) => Expr::col(("c", "id")).eq(id),
        }
    }
}

/// A check-in asked for at a location: a scan of a customer's barcode, or (ours) a customer by id.
#[derive(Debug, Clone, Copy)]
pub struct Scan<'a> {
    pub who: Who<'a>,
    pub location: &'a Location,
    pub actor: Actor,
    /// Door hardware rather than a person at the desk.
    pub automatic: bool,
    /// The moment of the scan: the check-in's time, and the moment the rules are applied as of
    /// (same-day combining, memberships, passes, milestones). Earlier than `recorded_at` for a
    /// scan sent late with `scanned_at`.
    pub now: Timestamp,
    /// When the server records it (`created_at`, the activity log, the customer's summary columns).
    pub recorded_at: Timestamp,
    /// (ours) Staff let the customer in even if the rules refuse, for this reason (already checked
    /// by [`check_in_rules::parse_override_reason`]): see [`check_in_rules::judge_with_override`].
    pub override_reason: Option<&'a str>,
}

/// A scan that let the customer in.
#[derive(Debug, Clone)]
pub struct Admitted {
    pub check_in: CheckInRecord,
    pub milestones: Vec<String>,
    pub has_any_automatic_check_ins: bool,
    /// The location combines same-day check-ins and this one is the
    /// customer's earlier check-in of the day: nothing new was written.
    pub combined: bool,
    /// What the desk should notice, from the rules.
    pub notices: Vec<String>,
    /// The rules refused and the scan's override let the customer in.
    pub overridden: bool,
}

impl Admitted {
    /// The customer's earlier check-in of the day, answered again: nothing new.
    fn combined(check_in: CheckInRecord, has_any_automatic_check_ins: bool) -> Admitted {
        Admitted {
            check_in,
            milestones: Vec::new(),
            has_any_automatic_check_ins,
            combined: true,
            notices: Vec::new(),
            overridden: false,
        }
    }
}

/// The day of a scan at its location: the local date and its instants.
struct LocalDay {
    tz: TimeZone,
    date: Date,
    start: i64,
    end: i64,
}

impl LocalDay {
    fn of(location: &Location, now: Timestamp) -> StoreResult<LocalDay> {
        let tz = parse_time_zone(&location.time_zone).map_err(StoreError::Conflict)?;
        let date = now.to_zoned(tz.clone()).date();
        let start = start_of_day(&tz, date).as_microsecond();
        let end = start_of_day(&tz, date.tomorrow().unwrap_or(date)).as_microsecond();
        Ok(LocalDay { tz, date, start, end })
    }

    fn local(&self, micros: i64) -> DateTime {
        crate::model::time::from_micros(micros).to_zoned(self.tz.clone()).datetime()
    }

    fn wall_clock(&self, micros: i64) -> String {
        self.local(micros).strftime(local_datetime_opt::FORMAT).to_string()
    }
}

/// What the rules would decide for `scan` now, without writing anything (ours: the desk's "as if
/// scanned now" verdict of a family member). The same facts and the same
/// [`check_in_rules::judge`] as [`scan`]; a pass's "remaining" counts after the use it would debit.
pub async fn preview(org: &OrgScope, conn: &mut Conn, scan: &Scan<'_>) -> StoreResult<Decision> {
    let day = LocalDay::of(scan.location, scan.now)?;
    let facts = load_facts(org, conn, scan, &day).await?;
    Ok(check_in_rules::judge(&facts))
}

/// Applies Capitan's rules to a scan: loads its facts, lets
/// [`check_in_rules::judge`] decide, and writes the decision (the check-in,
/// a pass debit, the customers' summary columns, the activity log) on the
/// caller's transaction; a refusal writes nothing.
pub async fn scan(org: &OrgScope, conn: &mut Conn, scan: &Scan<'_>) -> StoreResult<Result<Admitted, Refusal>> {
    let day = LocalDay::of(scan.location, scan.now)?;
    let mut facts = load_facts(org, conn, scan, &day).await?;
    loop {
        let decision = match scan.override_reason {
            Some(reason) => check_in_rules::judge_with_override(&facts, reason),
            None => check_in_rules::judge(&facts),
        };
        match apply(org, conn, scan, &day, decision).await? {
            Applied::Done(outcome) => return Ok(*outcome),
            // A pass can run out between reading and debiting only outside a
            // serialized transaction: judge again without it.
            Applied::PassSpent(pass_id) => {
                if let Some(customer) = facts.customer.as_mut() {
                    customer.passes.retain(|p| p.pass_id != pass_id);
                }
            }
        }
    }
}

/// The customer behind a barcode (or an id) with everything the rules look at, as one
/// row (the lists as JSON): a scan is on the desk's critical path, so round
/// trips count.
#[derive(sqlx::FromRow)]
struct FactsRow {
    id: i64,
    #[sqlx(try_from = "crate::storage::sql::IntFlag")]
    is_active: bool,
    birthday: String,
    blocking_alert: Option<String>,
    #[sqlx(try_from = "crate::storage::sql::IntFlag")]
    has_waiver: bool,
    latest_waiver_signed: Option<i64>,
    #[sqlx(try_from = "crate::storage::sql::IntFlag")]
    has_automatic_check_ins: bool,
    milestone_every: i64,
    earlier_check_in_today: Option<i64>,
    memberships: String,
    reservations: String,
    passes: String,
}

/// A subquery's rows as one JSON text value, an array of arrays.
fn json_rows<const N: usize>(dialect: Dialect, columns: [(&'static str, &'static str); N]) -> SimpleExpr {
    sql::json_rows(dialect, columns.map(|c| SimpleExpr::from(Expr::col(c))))
}

fn from_json<T: serde::de::DeserializeOwned>(json: &str) -> StoreResult<T> {
    serde_json::from_str(json).map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))
}

/// Reads the facts of a scan in one statement: the customer, their oldest
/// blocking alert, waiver, door history and earlier check-in here today, the
/// memberships, reservations and passes in force today, and the
/// organization's milestone interval.
async fn load_facts(org: &OrgScope, conn: &mut Conn, scan: &Scan<'_>, day: &LocalDay) -> StoreResult<ScanFacts> {
    let today = day.date;
    let dialect = conn.dialect();
    let of_customer = |alias: &'static str, column: &'static str| Expr::col((alias, column)).equals(("c", "id"));
    let alert = Query::select()
        .column(("a", "message"))
        .from_as("alerts", "a")
        .and_where(Expr::col(("a", "org_id")).eq(org.id))
        .and_where(of_customer("a", "customer_id"))
        .and_where(Expr::col(("a", "prevents_check_in")).eq(true))
        .order_by(("a", "id"), Order::Asc)
        .limit(1)
        .to_owned();
    let waiver = Query::select()
        .expr(Expr::val(1))
        .from_as("documents", "d")
        .and_where(Expr::col(("d", "org_id")).eq(org.id))
        .and_where(of_customer("d", "customer_id"))
        .cond_where(derived::waiver_active(today))
        .to_owned();
    let latest_signed = Query::select()
        .expr(Func::max(Expr::col(("d", "created_at"))))
        .from_as("documents", "d")
        .and_where(Expr::col(("d", "org_id")).eq(org.id))
        .and_where(of_customer("d", "customer_id"))
        .cond_where(derived::waiver_active(today))
        .to_owned();
    let automatic = Query::select()
        .expr(Expr::val(1))
        .from_as("check_ins", "k")
        .and_where(org_beside_customer("\"k\".\"org_id\"", org))
        .and_where(of_customer("k", "customer_id"))
        .and_where(Expr::col(("k", "is_automatic")).eq(true))
        .to_owned();
    let earlier = Query::select()
        .column(("t", "id"))
        .from_as("check_ins", "t")
        .and_where(org_beside_customer("\"t\".\"org_id\"", org))
        .and_where(of_customer("t", "customer_id"))
        .and_where(Expr::col(("t", "location_id")).eq(scan.location.id))
        .and_where(Expr::col(("t", "checked_in_at")).gte(day.start))
        .and_where(Expr::col(("t", "checked_in_at")).lt(day.end))
        .order_by(("t", "checked_in_at"), Order::Asc)
        .order_by(("t", "id"), Order::Asc)
        .limit(1)
        .to_owned();
    let every = Query::select()
        .column("milestone_every")
        .from("organizations")
        .and_where(Expr::col("id").eq(org.id))
        .to_owned();
    let stmt = Query::select()
        .columns([("c", "id"), ("c", "is_active"), ("c", "birthday")])
        .expr_as(sql::scalar(alert), "blocking_alert")
        .expr_as(Expr::exists(waiver), "has_waiver")
        .expr_as(sql::scalar(latest_signed), "latest_waiver_signed")
        .expr_as(Expr::exists(automatic), "has_automatic_check_ins")
        .expr_as(sql::scalar(every), "milestone_every")
        .expr_as(sql::scalar(earlier), "earlier_check_in_today")
        .expr_as(sql::scalar(memberships_in_force(org, today, dialect)), "memberships")
        .expr_as(sql::scalar(reservations_today(org, day, dialect)), "reservations")
        .expr_as(sql::scalar(passes_usable(org, today, dialect)), "passes")
        .from_as("customers", "c")
        .and_where(Expr::col(("c", "org_id")).eq(org.id))
        .and_where(scan.who.condition())
        .to_owned();
    let row = sql::fetch_optional_as::<FactsRow, _>(conn, &stmt).await?;
    let customer = match row {
        Some(row) => Some(customer_facts(row, day)?),
        None => None,
    };
    Ok(ScanFacts {
        today,
        location_id: scan.location.id,
        combine_same_day_check_ins: scan.location.combine_same_day_check_ins,
        automatic: scan.automatic,
        customer,
    })
}

fn customer_facts(row: FactsRow, day: &LocalDay) -> StoreResult<CustomerFacts> {
    let memberships: Vec<(i64, String, Option<i64>, String, i64)> = from_json(&row.memberships)?;
    let reservations: Vec<(i64, String, Option<i64>, i64)> = from_json(&row.reservations)?;
    type PassRow = (i64, String, i64, i64, String, String, i64, Option<String>);
    let passes: Vec<PassRow> = from_json(&row.passes)?;
    Ok(CustomerFacts {
        id: row.id,
        is_active: row.is_active,
        birthday: row.birthday.parse::<Date>().ok(),
        blocking_alert: row.blocking_alert,
        has_waiver: row.has_waiver,
        latest_waiver_signed: row.latest_waiver_signed.map(|at| day.local(at).date()),
        has_automatic_check_ins: row.has_automatic_check_ins,
        milestone_every: row.milestone_every,
        earlier_check_in_today: row.earlier_check_in_today,
        memberships: memberships
            .into_iter()
            .map(|(membership_id, type_name, location_id, start_date, youth)| MembershipFact {
                membership_id,
                type_name,
                location_id,
                start_date,
                is_youth: youth != 0,
            })
            .collect(),
        reservations: reservations
            .into_iter()
            .map(|(reservation_id, event_name, location_id, starts_at)| ReservationFact {
                reservation_id,
                event_name,
                location_id,
                starts_at,
                starts_local: day.local(starts_at),
            })
            .collect(),
        passes: passes
            .into_iter()
            .map(|(pass_id, name, uses_remaining, owner_id, first, last, association, expiration_date)| PassFact {
                pass_id,
                name,
                uses_remaining,
                owner_id,
                owner_first_name: first,
                owner_last_name: last,
                is_association_pass: association != 0,
                expiration_date,
            })
            .collect(),
    })
}

/// Memberships covering the customer `c`, active on `today`, at any location.
fn memberships_in_force(org: &OrgScope, today: Date, dialect: Dialect) -> SelectStatement {
    derived::covering_memberships()
        .expr(json_rows(
            dialect,
            [("cm", "id"), ("mt", "name"), ("mt", "location_id"), ("cm", "start_date"), ("mt", "is_youth_programming")],
        ))
        .and_where(Expr::col(("m", "org_id")).eq(org.id))
        .and_where(Expr::col(("m", "customer_id")).equals(("c", "id")))
        .cond_where(derived::membership_active(today))
        .to_owned()
}

/// The customer `c`'s reservations (not cancelled) for events running on
/// the local day, at any location.
fn reservations_today(org: &OrgScope, day: &LocalDay, dialect: Dialect) -> SelectStatement {
    Query::select()
        .expr(json_rows(dialect, [("r", "id"), ("e", "name"), ("r", "location_id"), ("r", "starts_at")]))
        .from_as("reservations", "r")
        .inner_join(table("event_types", "e"), Expr::col(("e", "id")).equals(("r", "event_type_id")))
        .and_where(Expr::col(("r", "org_id")).eq(org.id))
        .and_where(Expr::col(("r", "customer_id")).equals(("c", "id")))
        .and_where(Expr::col(("r", "status")).ne("CAN"))
        .and_where(Expr::col(("r", "starts_at")).lt(day.end))
        .and_where(Expr::col(("r", "ends_at")).gte(day.start))
        .to_owned()
}

/// Entry passes the customer `c` owns or has been shared, usable on `today`.
fn passes_usable(org: &OrgScope, today: Date, dialect: Dialect) -> SelectStatement {
    let mut owned = Query::select()
        .column("id")
        .from("entry_passes")
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("owner_id").equals(("c", "id")))
        .to_owned();
    let shared = Query::select()
        .column("entry_pass_id")
        .from("shared_passes")
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("customer_id").equals(("c", "id")))
        .to_owned();
    Query::select()
        .expr(json_rows(
            dialect,
            [
                ("p", "id"),
                ("p", "name"),
                ("p", "uses_remaining"),
                ("p", "owner_id"),
                ("o", "first_name"),
                ("o", "last_name"),
                ("p", "is_association_pass"),
                ("p", "expiration_date"),
            ],
        ))
        .from_as("entry_passes", "p")
        .inner_join(table("customers", "o"), Expr::col(("o", "id")).equals(("p", "owner_id")))
        .and_where(Expr::col(("p", "org_id")).eq(org.id))
        .and_where(Expr::col(("p", "id")).in_subquery(owned.union(UnionType::All, shared).to_owned()))
        .cond_where(derived::pass_usable(today))
        .to_owned()
}

/// What writing a decision came to.
enum Applied {
    Done(Box<Result<Admitted, Refusal>>),
    /// The pass chosen had no use left to debit: nothing was written.
    PassSpent(i64),
}

/// Writes what the rules decided.
async fn apply(
    org: &OrgScope,
    conn: &mut Conn,
    scan: &Scan<'_>,
    day: &LocalDay,
    decision: Decision,
) -> StoreResult<Applied> {
    let admission = match decision {
        Decision::Refuse(refusal) => return Ok(Applied::Done(Box::new(Err(refusal)))),
        Decision::Combine { check_in_id, has_any_automatic_check_ins } => {
            let check_in = get(org, conn, check_in_id).await?.ok_or(StoreError::NotFound)?;
            return Ok(Applied::Done(Box::new(Ok(Admitted::combined(check_in, has_any_automatic_check_ins)))));
        }
        Decision::Admit(admission) => admission,
    };
    let entry = &admission.entry;
    if let Some(pass) = entry.pass
        && !debit(org, conn, pass.pass_id, scan.now).await?
    {
        return Ok(Applied::PassSpent(pass.pass_id));
    }
    let now = scan.now.as_microsecond();
    let recorded_at = scan.recorded_at.as_microsecond();
    let insert = Query::insert()
        .into_table("check_ins")
        .columns([
            "org_id",
            "customer_id",
            "location_id",
            "checked_in_at",
            "local_datetime",
            "entry_method",
            "entry_method_description",
            "free_entry_reason",
            "membership_id",
            "entry_pass_id",
            "reservation_id",
            "staff_user_id",
            "is_automatic",
            "created_at",
        ])
        .values_panic([
            org.id.into(),
            admission.customer_id.into(),
            scan.location.id.into(),
            now.into(),
            day.wall_clock(now).into(),
            entry.method.code().into(),
            entry.description.as_str().into(),
            entry.free_entry_reason.clone().into(),
            entry.membership_id.into(),
            entry.pass.map(|p| p.pass_id).into(),
            entry.reservation_id.into(),
            scan.actor.user_id().into(),
            scan.automatic.into(),
            recorded_at.into(),
        ])
        .returning_col("id")
        .to_owned();
    let id = sql::insert_returning_id(conn, &insert).await?;
    let customer_id = admission.customer_id;
    let mut touched = vec![customer_id];
    touched.extend(entry.pass.map(|p| p.owner_id).filter(|owner| *owner != customer_id));
    derived::refresh_customers(org, conn, Some(&touched), org.local_date(scan.recorded_at)).await?;
    let changes = check_in_changes(scan, &admission);
    activity::record(org, conn, customer_id, scan.actor, "check_in", "check_in", Some(id), &changes, recorded_at)
        .await?;

    let check_in = get(org, conn, id).await?.ok_or(StoreError::NotFound)?;
    Ok(Applied::Done(Box::new(Ok(Admitted {
        milestones: check_in_rules::milestones(
            check_in.check_in_count,
            admission.milestone_every,
            admission.birthday_today,
        ),
        check_in,
        has_any_automatic_check_ins: admission.has_any_automatic_check_ins,
        combined: false,
        notices: admission.notices,
        overridden: admission.overridden.is_some(),
    }))))
}

/// The activity log's record of a new check-in: where and by what; for an override, why, and the
/// refusal it set aside (who let them in is the entry's actor).
fn check_in_changes(scan: &Scan<'_>, admission: &check_in_rules::Admission) -> Vec<Change> {
    let entry = &admission.entry;
    let mut changes = vec![
        Change::new("location", Value::Null, scan.location.name.as_str().into()),
        Change::new("entry_method", Value::Null, entry.method.code().into()),
        Change::new("entry_method_description", Value::Null, entry.description.as_str().into()),
    ];
    if let Some(overridden) = &admission.overridden {
        changes.push(Change::new("override_reason", Value::Null, overridden.reason.as_str().into()));
        changes.push(Change::new("overridden_refusal", Value::Null, overridden.refusal.as_str().into()));
    }
    changes
}

/// Debits one use. Conditional, so a use can never be debited below zero
/// even if this ran outside a serialized transaction.
async fn debit(org: &OrgScope, conn: &mut Conn, pass_id: i64, now: Timestamp) -> StoreResult<bool> {
    let debit = Query::update()
        .table("entry_passes")
        .value("uses_remaining", Expr::col("uses_remaining").sub(1))
        .value("updated_at", now.as_microsecond())
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("id").eq(pass_id))
        .and_where(Expr::col("uses_remaining").gt(0))
        .to_owned();
    Ok(sql::execute(conn, &debit).await? == 1)
}

/// Voids a check-in made today (the location's local day): it is deleted,
/// a debited pass use is given back, the customer's count and check-in
/// dates follow, and the activity log keeps what it was. An older check-in
/// is a `Conflict` naming its date.
pub async fn void(
    org: &OrgScope,
    conn: &mut Conn,
    id: i64,
    actor: Actor,
    now: Timestamp,
) -> StoreResult<CheckInRecord> {
    let check_in = get(org, conn, id).await?.ok_or(StoreError::NotFound)?;
    let location = super::orgs::location(org, conn, check_in.location_id).await?.ok_or(StoreError::NotFound)?;
    let day = LocalDay::of(&location, now)?;
    let made_on = check_in.local_datetime.get(..10).and_then(|d| d.parse::<Date>().ok());
    if made_on != Some(day.date) {
        let made_on = made_on.map_or_else(|| check_in.local_datetime.clone(), |d| d.to_string());
        return Err(StoreError::Conflict(format!(
            "Only a check-in made today can be voided: this one was made on {made_on}, and today is {} at {}.",
            day.date, location.name
        )));
    }
    let now_us = now.as_microsecond();
    let mut changes = vec![
        Change::new("check_in_datetime", check_in.local_datetime.as_str().into(), Value::Null),
        Change::new("location", location.name.as_str().into(), Value::Null),
        Change::new("entry_method", check_in.entry_method.as_str().into(), Value::Null),
        Change::new("entry_method_description", check_in.entry_method_description.as_str().into(), Value::Null),
    ];
    let mut touched = vec![check_in.customer_id];
    if let Some(pass_id) = check_in.entry_pass_id {
        let pass = Query::select()
            .columns(["owner_id", "uses_remaining"])
            .from("entry_passes")
            .and_where(Expr::col("org_id").eq(org.id))
            .and_where(Expr::col("id").eq(pass_id))
            .to_owned();
        if let Some((owner_id, uses)) = sql::fetch_optional_as::<(i64, i64), _>(conn, &pass).await? {
            let give_back = Query::update()
                .table("entry_passes")
                .value("uses_remaining", Expr::col("uses_remaining").add(1))
                .value("updated_at", now_us)
                .and_where(Expr::col("org_id").eq(org.id))
                .and_where(Expr::col("id").eq(pass_id))
                .and_where(Expr::col("uses_remaining").lt(Expr::col("uses_total")))
                .to_owned();
            if sql::execute(conn, &give_back).await? == 1 {
                changes.push(Change::new("entry_pass_uses_remaining", uses.into(), (uses + 1).into()));
                touched.push(owner_id);
            }
        }
    }
    let delete = Query::delete()
        .from_table("check_ins")
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    sql::execute(conn, &delete).await?;
    touched.dedup();
    derived::refresh_customers(org, conn, Some(&touched), org.local_date(now)).await?;
    activity::record(org, conn, check_in.customer_id, actor, "void_check_in", "check_in", Some(id), &changes, now_us)
        .await?;
    Ok(check_in)
}
