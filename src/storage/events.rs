//! Events (one session of an event type, at a time and place) and the
//! organization's reservations as the top-level `/api/events/` and
//! `/api/reservations/` list them (read-only).
//!
//! An import holds reservations (a customer, an event type, a location, a
//! start and an end); the events are the distinct sessions they book, made by
//! [`assign_events`] when reservations are loaded: reservations of one event
//! type at one location with the same start and end share an event.

use sea_query::{Cond, Expr, ExprTrait, Func, Order, Query, SelectStatement};

use super::listing::{Listing, R, aliased};
use super::sql::{self, Conn};
use super::{OrgScope, StoreResult};

/// `a.location_id` and `b.location_id` are the same location, or both none.
fn same_location(a: &'static str, b: &'static str) -> Cond {
    Cond::any()
        .add(Expr::col((a, "location_id")).equals((b, "location_id")))
        .add(Cond::all().add(Expr::col((a, "location_id")).is_null()).add(Expr::col((b, "location_id")).is_null()))
}

/// The event `e` is the session reservation `r` books.
fn books(e: &'static str, r: &'static str) -> Cond {
    Cond::all()
        .add(Expr::col((e, "org_id")).equals((r, "org_id")))
        .add(Expr::col((e, "event_type_id")).equals((r, "event_type_id")))
        .add(Expr::col((e, "starts_at")).equals((r, "starts_at")))
        .add(Expr::col((e, "ends_at")).equals((r, "ends_at")))
        .add(same_location(e, r))
}

/// Gives every reservation of the organization without an event the event of
/// its session, making the events not made yet (created when their first
/// reservation was). Returns how many reservations it assigned.
pub async fn assign_events(org: &OrgScope, conn: &mut Conn) -> StoreResult<u64> {
    let unassigned = |alias: &'static str| {
        Cond::all().add(Expr::col((alias, "org_id")).eq(org.id)).add(Expr::col((alias, "event_id")).is_null())
    };
    let existing = Query::select().expr(Expr::val(1)).from_as("events", "e").cond_where(books("e", "r")).to_owned();
    let sessions = Query::select()
        .columns([("r", "org_id"), ("r", "event_type_id"), ("r", "location_id"), ("r", "starts_at"), ("r", "ends_at")])
        .expr(Func::min(Expr::col(("r", "created_at"))))
        .expr(Func::min(Expr::col(("r", "created_at"))))
        .from_as("reservations", "r")
        .cond_where(unassigned("r"))
        .and_where(Expr::exists(existing).not())
        .group_by_columns([
            ("r", "org_id"),
            ("r", "event_type_id"),
            ("r", "location_id"),
            ("r", "starts_at"),
            ("r", "ends_at"),
        ])
        // Ids in time order, as the events would have been scheduled.
        .order_by(("r", "starts_at"), Order::Asc)
        .order_by(("r", "event_type_id"), Order::Asc)
        .order_by(("r", "location_id"), Order::Asc)
        .order_by(("r", "ends_at"), Order::Asc)
        .to_owned();
    let insert = Query::insert()
        .into_table("events")
        .columns(["org_id", "event_type_id", "location_id", "starts_at", "ends_at", "created_at", "updated_at"])
        .select_from(sessions)
        .map_err(|e| sqlx::Error::InvalidArgument(format!("events: {e}")))?
        .to_owned();
    sql::execute(conn, &insert).await?;
    let event = Query::select()
        .column(("e", "id"))
        .from_as("events", "e")
        .cond_where(books("e", "reservations"))
        .order_by(("e", "id"), Order::Asc)
        .limit(1)
        .to_owned();
    let assign = Query::update()
        .table("reservations")
        .value("event_id", sql::scalar(event))
        .cond_where(unassigned("reservations"))
        .to_owned();
    Ok(sql::execute(conn, &assign).await?)
}

/// The time zone of a record's location, else the organization's.
fn time_zone(stmt: &mut SelectStatement) {
    stmt.expr_as(Func::coalesce([Expr::col(("l", "time_zone")), Expr::col(("o", "time_zone"))]), "time_zone")
        .left_join(aliased("locations", "l"), Expr::col(("l", "id")).equals((R, "location_id")))
        .inner_join(aliased("organizations", "o"), Expr::col(("o", "id")).equals((R, "org_id")));
}

/// A reservation as `/api/reservations/` shows it, as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReservationRecordRow {
    pub id: i64,
    pub customer_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub birthday: String,
    pub email: String,
    pub event_id: Option<i64>,
    pub event_type_id: i64,
    pub event_type_name: String,
    pub starts_at: i64,
    pub status: String,
    pub created_at: i64,
    pub time_zone: String,
}

/// The organization's reservations, newest first.
pub struct ReservationRecords;

impl Listing for ReservationRecords {
    type Row = ReservationRecordRow;
    const TABLE: &'static str = "reservations";

    fn columns(stmt: &mut SelectStatement) {
        stmt.columns([
            (R, "id"),
            (R, "customer_id"),
            (R, "event_id"),
            (R, "event_type_id"),
            (R, "starts_at"),
            (R, "status"),
            (R, "created_at"),
        ])
        .columns([("c", "first_name"), ("c", "last_name"), ("c", "birthday"), ("c", "email")])
        .expr_as(Expr::col(("et", "name")), "event_type_name")
        .inner_join(aliased("customers", "c"), Expr::col(("c", "id")).equals((R, "customer_id")))
        .inner_join(aliased("event_types", "et"), Expr::col(("et", "id")).equals((R, "event_type_id")));
        time_zone(stmt);
    }

    fn order(stmt: &mut SelectStatement) {
        stmt.order_by((R, "created_at"), Order::Desc).order_by((R, "id"), Order::Desc);
    }
}

/// An event as `/api/events/` shows it, as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub event_type_id: i64,
    pub event_type_name: String,
    pub location_id: Option<i64>,
    pub location_name: Option<String>,
    pub starts_at: i64,
    pub ends_at: i64,
    pub capacity: Option<i64>,
    /// Reservations of it, cancelled or not.
    pub booked: i64,
    /// Reservations of it not cancelled.
    pub confirmed: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub time_zone: String,
}

/// The organization's events, newest first (Capitan's clients ask for
/// `ordering=-created_at`).
pub struct Events;

impl Listing for Events {
    type Row = EventRow;
    const TABLE: &'static str = "events";

    fn columns(stmt: &mut SelectStatement) {
        let reservations = |confirmed_only: bool| {
            let mut s = Query::select()
                .expr(Expr::col(("x", "id")).count())
                .from_as("reservations", "x")
                .and_where(Expr::col(("x", "event_id")).equals((R, "id")))
                .to_owned();
            if confirmed_only {
                s.and_where(Expr::col(("x", "status")).ne("CAN"));
            }
            sql::scalar(s)
        };
        stmt.columns([
            (R, "id"),
            (R, "event_type_id"),
            (R, "location_id"),
            (R, "starts_at"),
            (R, "ends_at"),
            (R, "capacity"),
            (R, "created_at"),
            (R, "updated_at"),
        ])
        .expr_as(Expr::col(("et", "name")), "event_type_name")
        .expr_as(Expr::col(("l", "name")), "location_name")
        .expr_as(reservations(false), "booked")
        .expr_as(reservations(true), "confirmed")
        .inner_join(aliased("event_types", "et"), Expr::col(("et", "id")).equals((R, "event_type_id")));
        time_zone(stmt);
    }

    fn of_customer(customer_id: i64) -> Cond {
        // Events are not a customer's records; no sub-collection lists them.
        Cond::all().add(
            Expr::col((R, "id")).in_subquery(
                Query::select()
                    .column("event_id")
                    .from("reservations")
                    .and_where(Expr::col("customer_id").eq(customer_id))
                    .to_owned(),
            ),
        )
    }

    fn order(stmt: &mut SelectStatement) {
        stmt.order_by((R, "created_at"), Order::Desc).order_by((R, "id"), Order::Desc);
    }
}
