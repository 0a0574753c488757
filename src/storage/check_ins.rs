//! Check-ins: Capitan's barcode rules (who may come in, and by what right),
//! the record of each entry, voiding a mistaken one, and the list.
//!
//! A scan runs inside the caller's write transaction (`BEGIN IMMEDIATE`), so
//! scans are serialized: two scans of a one-use pass cannot both debit it.
//! `docs/check-in.md` states the rules and the choices made where Capitan's
//! documentation is silent.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use sea_query::{Cond, Expr, ExprTrait, Order, Query, SelectStatement, SimpleExpr, TableRef, UnionType};
use serde_json::Value;

use super::activity::{self, Actor, Change};
use super::orgs::Location;
use super::sql::{self, Conn};
use super::{OrgScope, StoreError, StoreResult, derived, parse_time_zone, start_of_day};
use crate::model::check_in::{EntryMethod, NO_WAIVER_ALERT, local_datetime_opt};

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
    Expr::cust_with_values(format!("+{column} = ?"), [org.id])
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

/// A scan of a customer's barcode at a location.
#[derive(Debug, Clone, Copy)]
pub struct Scan<'a> {
    pub barcode: &'a str,
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
}

/// Why a scan was refused, first applicable reason first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    UnknownAccount,
    /// The alert's own text (a missing or expired waiver is `No waiver`).
    BlockingAlert(String),
    NoEntryMethod,
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
}

/// What lets the customer in, before it is written.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    method: EntryMethod,
    description: String,
    membership_id: Option<i64>,
    reservation_id: Option<i64>,
    entry_pass_id: Option<i64>,
    /// Whose pass was debited (their summary columns change too).
    pass_owner_id: Option<i64>,
}

/// The scanned customer and everything the refusals need, read at once.
#[derive(sqlx::FromRow)]
struct ScannedCustomer {
    id: i64,
    is_active: bool,
    birthday: String,
    /// The oldest alert flagged as blocking check-in.
    blocking_alert: Option<String>,
    has_waiver: bool,
    has_automatic_check_ins: bool,
    milestone_every: i64,
}

/// One statement for the customer behind a barcode, their blocking alert,
/// waiver and door history, and the organization's milestone interval: a
/// scan is on the desk's critical path, so round trips count.
async fn find_customer(
    org: &OrgScope,
    conn: &mut Conn,
    barcode: &str,
    today: Date,
) -> StoreResult<Option<ScannedCustomer>> {
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
    let automatic = Query::select()
        .expr(Expr::val(1))
        .from_as("check_ins", "k")
        .and_where(org_beside_customer("\"k\".\"org_id\"", org))
        .and_where(of_customer("k", "customer_id"))
        .and_where(Expr::col(("k", "is_automatic")).eq(true))
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
        .expr_as(Expr::exists(automatic), "has_automatic_check_ins")
        .expr_as(sql::scalar(every), "milestone_every")
        .from_as("customers", "c")
        .and_where(Expr::col(("c", "org_id")).eq(org.id))
        .and_where(Expr::col(("c", "barcode")).eq(barcode))
        .to_owned();
    Ok(sql::fetch_optional_as(conn, &stmt).await?)
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

    fn wall_clock(&self, micros: i64) -> String {
        let dt = crate::model::time::from_micros(micros).to_zoned(self.tz.clone()).datetime();
        dt.strftime(local_datetime_opt::FORMAT).to_string()
    }
}

/// Applies Capitan's rules to a scan: refusals in Capitan's order, then
/// same-day combining, then the entry method by priority, debiting a pass.
/// Writes the check-in, the customer's summary columns and the activity log
/// on the caller's transaction; a refusal writes nothing.
pub async fn scan(org: &OrgScope, conn: &mut Conn, scan: &Scan<'_>) -> StoreResult<Result<Admitted, Refusal>> {
    let day = LocalDay::of(scan.location, scan.now)?;
    let customer = match find_customer(org, conn, scan.barcode, day.date).await? {
        Some(c) if c.is_active => c,
        _ => return Ok(Err(Refusal::UnknownAccount)),
    };
    // Staff alerts first: they are the more specific instruction, and a
    // banned customer should not be sent to sign a waiver.
    if let Some(alert) = customer.blocking_alert {
        return Ok(Err(Refusal::BlockingAlert(alert)));
    }
    if !customer.has_waiver {
        return Ok(Err(Refusal::BlockingAlert(NO_WAIVER_ALERT.to_string())));
    }
    let has_any_automatic_check_ins = customer.has_automatic_check_ins || scan.automatic;
    if scan.location.combine_same_day_check_ins
        && let Some(earlier) = earlier_check_in_today(org, conn, customer.id, scan.location.id, &day).await?
    {
        let check_in = get(org, conn, earlier).await?.ok_or(StoreError::NotFound)?;
        let has_any_automatic_check_ins = customer.has_automatic_check_ins;
        return Ok(Ok(Admitted { check_in, milestones: Vec::new(), has_any_automatic_check_ins, combined: true }));
    }
    let entry = match membership_entry(org, conn, customer.id, scan.location.id, day.date).await? {
        Some(entry) => entry,
        None => match event_entry(org, conn, customer.id, scan.location.id, &day).await? {
            Some(entry) => entry,
            None => match pass_entry(org, conn, customer.id, day.date, scan.now).await? {
                Some(entry) => entry,
                None => return Ok(Err(Refusal::NoEntryMethod)),
            },
        },
    };

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
            "membership_id",
            "entry_pass_id",
            "reservation_id",
            "staff_user_id",
            "is_automatic",
            "created_at",
        ])
        .values_panic([
            org.id.into(),
            customer.id.into(),
            scan.location.id.into(),
            now.into(),
            day.wall_clock(now).into(),
            entry.method.code().into(),
            entry.description.as_str().into(),
            entry.membership_id.into(),
            entry.entry_pass_id.into(),
            entry.reservation_id.into(),
            scan.actor.user_id().into(),
            scan.automatic.into(),
            recorded_at.into(),
        ])
        .returning_col("id")
        .to_owned();
    let id = sql::insert_returning_id(conn, &insert).await?;
    let mut touched = vec![customer.id];
    touched.extend(entry.pass_owner_id.filter(|owner| *owner != customer.id));
    derived::refresh_customers(org, conn, Some(&touched), org.local_date(scan.recorded_at)).await?;
    let changes = [
        Change::new("location", Value::Null, scan.location.name.as_str().into()),
        Change::new("entry_method", Value::Null, entry.method.code().into()),
        Change::new("entry_method_description", Value::Null, entry.description.as_str().into()),
    ];
    activity::record(org, conn, customer.id, scan.actor, "check_in", "check_in", Some(id), &changes, recorded_at)
        .await?;

    let check_in = get(org, conn, id).await?.ok_or(StoreError::NotFound)?;
    let birthday_today = customer.birthday.parse::<Date>().is_ok_and(|b| is_birthday(b, day.date));
    Ok(Ok(Admitted {
        milestones: milestones(check_in.check_in_count, customer.milestone_every, birthday_today),
        check_in,
        has_any_automatic_check_ins,
        combined: false,
    }))
}

/// The customer's first check-in at this location today, if any.
async fn earlier_check_in_today(
    org: &OrgScope,
    conn: &mut Conn,
    customer_id: i64,
    location_id: i64,
    day: &LocalDay,
) -> StoreResult<Option<i64>> {
    let stmt = Query::select()
        .column("id")
        .from("check_ins")
        .and_where(org_beside_customer("\"org_id\"", org))
        .and_where(Expr::col("customer_id").eq(customer_id))
        .and_where(Expr::col("location_id").eq(location_id))
        .and_where(Expr::col("checked_in_at").gte(day.start))
        .and_where(Expr::col("checked_in_at").lt(day.end))
        .order_by("checked_in_at", Order::Asc)
        .order_by("id", Order::Asc)
        .limit(1)
        .to_owned();
    Ok(sql::fetch_optional_scalar(conn, &stmt).await?)
}

/// An active membership covering the customer and valid at the location
/// (a membership type without a location is valid at every one).
async fn membership_entry(
    org: &OrgScope,
    conn: &mut Conn,
    customer_id: i64,
    location_id: i64,
    today: Date,
) -> StoreResult<Option<Entry>> {
    let stmt = derived::covering_memberships()
        .column(("cm", "id"))
        .column(("mt", "name"))
        .and_where(Expr::col(("m", "org_id")).eq(org.id))
        .and_where(Expr::col(("m", "customer_id")).eq(customer_id))
        .cond_where(derived::membership_active(today))
        .cond_where(
            Cond::any()
                .add(Expr::col(("mt", "location_id")).is_null())
                .add(Expr::col(("mt", "location_id")).eq(location_id)),
        )
        .order_by(("cm", "start_date"), Order::Asc)
        .order_by(("cm", "id"), Order::Asc)
        .limit(1)
        .to_owned();
    let found = sql::fetch_optional_as::<(i64, String), _>(conn, &stmt).await?;
    Ok(found.map(|(id, name)| Entry {
        method: EntryMethod::Membership,
        description: name,
        membership_id: Some(id),
        reservation_id: None,
        entry_pass_id: None,
        pass_owner_id: None,
    }))
}

/// A reservation (not cancelled) for an event on today at the location (a
/// reservation without a location counts at every one).
async fn event_entry(
    org: &OrgScope,
    conn: &mut Conn,
    customer_id: i64,
    location_id: i64,
    day: &LocalDay,
) -> StoreResult<Option<Entry>> {
    let stmt = Query::select()
        .column(("r", "id"))
        .column(("e", "name"))
        .column(("r", "starts_at"))
        .from_as("reservations", "r")
        .inner_join(table("event_types", "e"), Expr::col(("e", "id")).equals(("r", "event_type_id")))
        .and_where(Expr::col(("r", "org_id")).eq(org.id))
        .and_where(Expr::col(("r", "customer_id")).eq(customer_id))
        .and_where(Expr::col(("r", "status")).ne("CAN"))
        .and_where(Expr::col(("r", "starts_at")).lt(day.end))
        .and_where(Expr::col(("r", "ends_at")).gte(day.start))
        .cond_where(
            Cond::any()
                .add(Expr::col(("r", "location_id")).is_null())
                .add(Expr::col(("r", "location_id")).eq(location_id)),
        )
        .order_by(("r", "starts_at"), Order::Asc)
        .order_by(("r", "id"), Order::Asc)
        .limit(1)
        .to_owned();
    let found = sql::fetch_optional_as::<(i64, String, i64), _>(conn, &stmt).await?;
    Ok(found.map(|(id, name, starts_at)| {
        // "Intro to Bouldering at 18:00" when it starts today; a multi-day
        // event that began earlier is named alone.
        let description =
            if starts_at >= day.start { format!("{name} at {}", &day.wall_clock(starts_at)[11..16]) } else { name };
        Entry {
            method: EntryMethod::Event,
            description,
            membership_id: None,
            reservation_id: Some(id),
            entry_pass_id: None,
            pass_owner_id: None,
        }
    }))
}

#[derive(sqlx::FromRow)]
struct PassCandidate {
    id: i64,
    name: String,
    uses_remaining: i64,
    owner_id: i64,
    owner_first_name: String,
    owner_last_name: String,
}

/// An entry pass the customer owns or has been shared, with uses left and
/// not expired: association passes first, then the customer's own before
/// shared ones, then the soonest to expire. One use is debited.
async fn pass_entry(
    org: &OrgScope,
    conn: &mut Conn,
    customer_id: i64,
    today: Date,
    now: Timestamp,
) -> StoreResult<Option<Entry>> {
    let mut owned = Query::select()
        .column("id")
        .from("entry_passes")
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("owner_id").eq(customer_id))
        .to_owned();
    let shared = Query::select()
        .column("entry_pass_id")
        .from("shared_passes")
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("customer_id").eq(customer_id))
        .to_owned();
    let mine = Expr::col(("p", "owner_id")).eq(customer_id);
    let stmt = Query::select()
        .columns([("p", "id"), ("p", "name"), ("p", "uses_remaining"), ("p", "owner_id")])
        .expr_as(Expr::col(("o", "first_name")), "owner_first_name")
        .expr_as(Expr::col(("o", "last_name")), "owner_last_name")
        .from_as("entry_passes", "p")
        .inner_join(table("customers", "o"), Expr::col(("o", "id")).equals(("p", "owner_id")))
        .and_where(Expr::col(("p", "org_id")).eq(org.id))
        .and_where(Expr::col(("p", "id")).in_subquery(owned.union(UnionType::All, shared).to_owned()))
        .cond_where(derived::pass_usable(today))
        .order_by(("p", "is_association_pass"), Order::Desc)
        .order_by_expr(mine, Order::Desc)
        .order_by_expr(Expr::col(("p", "expiration_date")).is_null(), Order::Asc)
        .order_by(("p", "expiration_date"), Order::Asc)
        .order_by(("p", "id"), Order::Asc)
        .to_owned();
    for pass in sql::fetch_as::<PassCandidate, _>(conn, &stmt).await? {
        // Conditional, so a use can never be debited below zero even if
        // this ran outside a serialized transaction.
        let debit = Query::update()
            .table("entry_passes")
            .value("uses_remaining", Expr::col("uses_remaining").sub(1))
            .value("updated_at", now.as_microsecond())
            .and_where(Expr::col("org_id").eq(org.id))
            .and_where(Expr::col("id").eq(pass.id))
            .and_where(Expr::col("uses_remaining").gt(0))
            .to_owned();
        if sql::execute(conn, &debit).await? != 1 {
            continue;
        }
        let left = pass.uses_remaining - 1;
        let description = if pass.owner_id == customer_id {
            format!("{} ({left} remaining)", pass.name)
        } else {
            let owner = format!("{} {}", pass.owner_first_name, pass.owner_last_name);
            format!("{} from {} ({left} remaining)", pass.name, owner.trim())
        };
        return Ok(Some(Entry {
            method: EntryMethod::EntryPass,
            description,
            membership_id: None,
            reservation_id: None,
            entry_pass_id: Some(pass.id),
            pass_owner_id: Some(pass.owner_id),
        }));
    }
    Ok(None)
}

/// The milestones a check-in that brings the customer's total to `count`
/// reaches: the first check-in, every `every`th (none when `every` is not
/// positive), and the customer's birthday.
pub fn milestones(count: i64, every: i64, birthday_today: bool) -> Vec<String> {
    let mut out = Vec::new();
    if count == 1 || (every > 0 && count > 0 && count % every == 0) {
        out.push(format!("{} check-in!", ordinal(count)));
    }
    if birthday_today {
        out.push("Happy birthday!".to_string());
    }
    out
}

/// `1st`, `2nd`, `3rd`, `4th`, `11th`, `12th`, `13th`, `21st`, `101st`, `111th`.
pub fn ordinal(n: i64) -> String {
    let suffix = match (n % 100, n % 10) {
        (11..=13, _) => "th",
        (_, 1) => "st",
        (_, 2) => "nd",
        (_, 3) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Whether `today` is the birthday of someone born on `birthday` (29
/// February is celebrated on the 28th in other years).
pub fn is_birthday(birthday: Date, today: Date) -> bool {
    if birthday >= today {
        return false;
    }
    let (month, day) = (birthday.month(), birthday.day());
    if (month, day) == (2, 29) && !today.in_leap_year() {
        return (today.month(), today.day()) == (2, 28);
    }
    (today.month(), today.day()) == (month, day)
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

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn ordinals_take_english_suffixes() {
        let cases = [
            (1, "1st"),
            (2, "2nd"),
            (3, "3rd"),
            (4, "4th"),
            (11, "11th"),
            (12, "12th"),
            (13, "13th"),
            (21, "21st"),
            (22, "22nd"),
            (23, "23rd"),
            (100, "100th"),
            (101, "101st"),
            (111, "111th"),
            (112, "112th"),
            (1000, "1000th"),
        ];
        for (n, want) in cases {
            assert_eq!(ordinal(n), want);
        }
    }

    #[test]
    fn milestones_mark_the_first_and_every_nth_check_in_once() {
        assert_eq!(milestones(1, 100, false), ["1st check-in!"]);
        assert!(milestones(2, 100, false).is_empty());
        assert!(milestones(99, 100, false).is_empty());
        assert_eq!(milestones(100, 100, false), ["100th check-in!"]);
        assert_eq!(milestones(300, 100, true), ["300th check-in!", "Happy birthday!"]);
        assert_eq!(milestones(1, 1, false), ["1st check-in!"]);
        assert_eq!(milestones(50, 25, false), ["50th check-in!"]);
        assert!(milestones(100, 0, false).is_empty(), "a non-positive interval turns interval milestones off");
    }

    #[test]
    fn leap_day_birthdays_are_celebrated_on_the_28th_in_other_years() {
        assert!(is_birthday(date(1990, 3, 10), date(2026, 3, 10)));
        assert!(!is_birthday(date(1990, 3, 10), date(2026, 3, 11)));
        assert!(is_birthday(date(2000, 2, 29), date(2026, 2, 28)));
        assert!(is_birthday(date(2000, 2, 29), date(2028, 2, 29)));
        assert!(!is_birthday(date(2000, 2, 29), date(2028, 2, 28)));
        assert!(!is_birthday(date(2030, 3, 10), date(2026, 3, 10)), "not born yet");
    }
}
