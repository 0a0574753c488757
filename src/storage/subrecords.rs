//! A customer's sub-records as stored: the rows each sub-collection lists,
//! and the editable ones (emergency contacts, medical notes, notes, alerts)
//! with their writes, each recorded in the activity log.

use jiff::civil::Date;
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement, SimpleExpr};
use serde::Serialize;
use serde_json::{Map, Value};

use super::activity::{self, Change};
use super::customers::{self, WriteContext};
use super::listing::{self, Listing, R, Scope, aliased, columns_of};
use super::sql::{self, Conn};
use super::{OrgScope, StoreError, StoreResult, derived};
use crate::model::subrecords::{
    ALERT_FORM, EMERGENCY_CONTACT_FORM, MEDICAL_NOTE_FORM, NOTE_FORM, SubRecordForm, SubRecordWrite,
};
pub use crate::model::subrecords::{
    ActivityRow, AlertRow, ChallengeRow, DocumentRow, EmergencyContactRow, EventVoucherRow, GuestPassUsageRow,
    LedgerRow, MedicalNoteRow, NoteRow, ProficiencyRow, ReservationPartRow, ReservationRow,
};

/// Orders newest first by an instant column, then by id.
fn newest_first(stmt: &mut SelectStatement, column: &'static str) {
    stmt.order_by((R, column), Order::Desc).order_by((R, "id"), Order::Desc);
}

/// Adds `alias.column AS name`, for columns of joined tables.
fn joined(stmt: &mut SelectStatement, alias: &'static str, column: &'static str, name: &'static str) {
    stmt.expr_as(Expr::col((alias, column)), name);
}

pub struct Documents;

impl Listing for Documents {
    type Row = DocumentRow;
    const TABLE: &'static str = "documents";

    fn columns(stmt: &mut SelectStatement) {
        columns_of(stmt, DocumentRow::COLUMNS);
    }
}

pub struct EmergencyContacts;

impl Listing for EmergencyContacts {
    type Row = EmergencyContactRow;
    const TABLE: &'static str = "emergency_contacts";

    fn columns(stmt: &mut SelectStatement) {
        columns_of(stmt, EmergencyContactRow::COLUMNS);
    }

    /// Contacts in the order they were given: the first is who to call first.
    fn order(stmt: &mut SelectStatement) {
        stmt.order_by((R, "id"), Order::Asc);
    }
}

pub struct MedicalNotes;

impl Listing for MedicalNotes {
    type Row = MedicalNoteRow;
    const TABLE: &'static str = "medical_notes";

    fn columns(stmt: &mut SelectStatement) {
        columns_of(stmt, MedicalNoteRow::COLUMNS);
    }
}

pub struct Notes;

impl Listing for Notes {
    type Row = NoteRow;
    const TABLE: &'static str = "notes";

    fn columns(stmt: &mut SelectStatement) {
        columns_of(stmt, NoteRow::COLUMNS);
    }
}

pub struct Alerts;

impl Listing for Alerts {
    type Row = AlertRow;
    const TABLE: &'static str = "alerts";

    fn columns(stmt: &mut SelectStatement) {
        columns_of(stmt, AlertRow::COLUMNS);
    }
}

pub struct GuestPassUsages;

impl Listing for GuestPassUsages {
    type Row = GuestPassUsageRow;
    const TABLE: &'static str = "guest_pass_usages";

    fn columns(stmt: &mut SelectStatement) {
        columns_of(stmt, GuestPassUsageRow::COLUMNS);
        joined(stmt, "l", "name", "location_name");
        stmt.left_join(aliased("locations", "l"), Expr::col(("l", "id")).equals((R, "location_id")));
    }

    fn order(stmt: &mut SelectStatement) {
        newest_first(stmt, "used_at");
    }
}

pub struct EventVouchers;

impl Listing for EventVouchers {
    type Row = EventVoucherRow;
    const TABLE: &'static str = "event_vouchers";

    fn columns(stmt: &mut SelectStatement) {
        columns_of(stmt, EventVoucherRow::COLUMNS);
    }
}

pub struct Credits;

impl Listing for Credits {
    type Row = LedgerRow;
    const TABLE: &'static str = "credits";

    fn columns(stmt: &mut SelectStatement) {
        columns_of(stmt, LedgerRow::COLUMNS);
    }

    fn order(stmt: &mut SelectStatement) {
        newest_first(stmt, "created_at");
    }
}

pub struct Payments;

impl Listing for Payments {
    type Row = LedgerRow;
    const TABLE: &'static str = "payments";

    fn columns(stmt: &mut SelectStatement) {
        columns_of(stmt, LedgerRow::COLUMNS);
    }

    fn order(stmt: &mut SelectStatement) {
        newest_first(stmt, "created_at");
    }
}

pub struct CustomerChallenges;

impl Listing for CustomerChallenges {
    type Row = ChallengeRow;
    const TABLE: &'static str = "customer_challenges";

    fn columns(stmt: &mut SelectStatement) {
        columns_of(stmt, ChallengeRow::COLUMNS);
        joined(stmt, "ch", "name", "name");
        joined(stmt, "ch", "description", "description");
        stmt.inner_join(aliased("challenges", "ch"), Expr::col(("ch", "id")).equals((R, "challenge_id")));
    }

    fn order(stmt: &mut SelectStatement) {
        newest_first(stmt, "started_at");
    }
}

pub struct CustomerProficiencies;

impl Listing for CustomerProficiencies {
    type Row = ProficiencyRow;
    const TABLE: &'static str = "customer_proficiencies";

    fn columns(stmt: &mut SelectStatement) {
        columns_of(stmt, ProficiencyRow::COLUMNS);
        joined(stmt, "p", "name", "name");
        joined(stmt, "p", "description", "description");
        stmt.inner_join(aliased("proficiencies", "p"), Expr::col(("p", "id")).equals((R, "proficiency_id")));
    }

    fn order(stmt: &mut SelectStatement) {
        newest_first(stmt, "granted_at");
    }
}

/// A customer's reservations.
pub struct Reservations;

/// The event type's name and the location's, joined on a reservation.
fn booked(stmt: &mut SelectStatement) {
    joined(stmt, "e", "name", "event_type_name");
    joined(stmt, "l", "name", "location_name");
    stmt.inner_join(aliased("event_types", "e"), Expr::col(("e", "id")).equals((R, "event_type_id")))
        .left_join(aliased("locations", "l"), Expr::col(("l", "id")).equals((R, "location_id")));
}

impl Listing for Reservations {
    type Row = ReservationRow;
    const TABLE: &'static str = "reservations";

    fn columns(stmt: &mut SelectStatement) {
        columns_of(stmt, ReservationRow::COLUMNS);
        booked(stmt);
    }

    fn order(stmt: &mut SelectStatement) {
        newest_first(stmt, "starts_at");
    }
}

/// `reservation-parts/`: every stored reservation is one session, so it is
/// its own one part.
pub struct ReservationParts;

impl Listing for ReservationParts {
    type Row = ReservationPartRow;
    const TABLE: &'static str = Reservations::TABLE;

    fn columns(stmt: &mut SelectStatement) {
        columns_of(stmt, ReservationPartRow::COLUMNS);
        booked(stmt);
    }

    fn order(stmt: &mut SelectStatement) {
        Reservations::order(stmt);
    }
}

/// The customer's activity log, newest first.
pub struct ActivityLog;

impl Listing for ActivityLog {
    type Row = ActivityRow;
    const TABLE: &'static str = "activity_log";

    fn columns(stmt: &mut SelectStatement) {
        columns_of(stmt, ActivityRow::COLUMNS);
        joined(stmt, "u", "username", "staff_username");
        stmt.left_join(aliased("staff_users", "u"), Expr::col(("u", "id")).equals((R, "staff_user_id")));
    }
}

/// A sub-record kind staff can create, change and delete through the API.
pub trait Editable: Listing<Row: Serialize> {
    /// The entity name its activity entries carry.
    const ENTITY: &'static str;
    /// Its writable fields (their names are its columns).
    const FORM: SubRecordForm;
    /// Whether a customer's summary columns count these records.
    const FEEDS_SUMMARY: bool = false;
}

impl Editable for EmergencyContacts {
    const ENTITY: &'static str = "emergency_contact";
    const FORM: SubRecordForm = EMERGENCY_CONTACT_FORM;
}

impl Editable for MedicalNotes {
    const ENTITY: &'static str = "medical_note";
    const FORM: SubRecordForm = MEDICAL_NOTE_FORM;
    // has_medical_notes
    const FEEDS_SUMMARY: bool = true;
}

impl Editable for Notes {
    const ENTITY: &'static str = "note";
    const FORM: SubRecordForm = NOTE_FORM;
}

impl Editable for Alerts {
    const ENTITY: &'static str = "alert";
    const FORM: SubRecordForm = ALERT_FORM;
}

/// A stored record as a JSON object keyed by column, to compare before and after.
async fn snapshot<E: Editable>(
    org: &OrgScope,
    conn: &mut Conn,
    customer_id: i64,
    id: i64,
) -> StoreResult<Map<String, Value>> {
    let row = listing::one::<E>(org, conn, Scope::Customer(customer_id), id).await?.ok_or(StoreError::NotFound)?;
    match serde_json::to_value(row) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(StoreError::Conflict(format!("a stored record read back as {other} instead of an object"))),
        Err(e) => Err(StoreError::Db(sqlx::Error::Decode(Box::new(e)))),
    }
}

/// The form's fields that differ between `before` and `after` (a missing
/// side is null: a create or a delete).
fn form_changes<E: Editable>(before: Option<&Map<String, Value>>, after: Option<&Map<String, Value>>) -> Vec<Change> {
    let value = |side: Option<&Map<String, Value>>, name: &str| side.and_then(|m| m.get(name)).cloned();
    E::FORM
        .fields
        .iter()
        .filter_map(|spec| {
            let (from, to) = (value(before, spec.name), value(after, spec.name));
            (from != to).then(|| Change::new(spec.name, from.unwrap_or(Value::Null), to.unwrap_or(Value::Null)))
        })
        .collect()
}

async fn refresh_if_summarised<E: Editable>(
    org: &OrgScope,
    conn: &mut Conn,
    customer_id: i64,
    today: Date,
) -> StoreResult<()> {
    if E::FEEDS_SUMMARY {
        derived::refresh_customers(org, conn, Some(&[customer_id]), today).await?;
    }
    Ok(())
}

/// Creates a sub-record of the customer from a full write; returns its id.
/// `NotFound` when the customer is not the organization's.
pub async fn create<E: Editable>(
    org: &OrgScope,
    conn: &mut Conn,
    customer_id: i64,
    write: &SubRecordWrite,
    ctx: WriteContext,
    today: Date,
) -> StoreResult<i64> {
    if !customers::exists(org, conn, customer_id).await? {
        return Err(StoreError::NotFound);
    }
    let mut columns = vec!["org_id", "customer_id", "created_at", "updated_at"];
    let mut values: Vec<SimpleExpr> = vec![org.id.into(), customer_id.into(), ctx.now.into(), ctx.now.into()];
    for (name, value) in write {
        columns.push(name);
        values.push(Expr::val(customers::stored_value(name, value)));
    }
    let stmt =
        Query::insert().into_table(E::TABLE).columns(columns).values_panic(values).returning_col("id").to_owned();
    let id = sql::insert_returning_id(conn, &stmt).await?;
    let after = snapshot::<E>(org, conn, customer_id, id).await?;
    let changes = form_changes::<E>(None, Some(&after));
    activity::record(org, conn, customer_id, ctx.actor, "create", E::ENTITY, Some(id), &changes, ctx.now).await?;
    refresh_if_summarised::<E>(org, conn, customer_id, today).await?;
    Ok(id)
}

/// Applies a full (PUT) or partial (PATCH) write to one of the customer's
/// sub-records. `NotFound` when it is not theirs.
pub async fn update<E: Editable>(
    org: &OrgScope,
    conn: &mut Conn,
    customer_id: i64,
    id: i64,
    write: &SubRecordWrite,
    ctx: WriteContext,
) -> StoreResult<()> {
    let before = snapshot::<E>(org, conn, customer_id, id).await?;
    // updated_at moves on every write, and always forwards.
    let previous = before.get("updated_at").and_then(Value::as_i64).unwrap_or(i64::MIN);
    let mut stmt = Query::update();
    stmt.table(E::TABLE)
        .value("updated_at", std::cmp::max(ctx.now, previous.saturating_add(1)))
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("customer_id").eq(customer_id))
        .and_where(Expr::col("id").eq(id));
    for (name, value) in write {
        stmt.value(*name, Expr::val(customers::stored_value(name, value)));
    }
    sql::execute(conn, &stmt).await?;
    let after = snapshot::<E>(org, conn, customer_id, id).await?;
    let changes = form_changes::<E>(Some(&before), Some(&after));
    activity::record(org, conn, customer_id, ctx.actor, "update", E::ENTITY, Some(id), &changes, ctx.now).await
}

/// Deletes one of the customer's sub-records. `NotFound` when it is not theirs.
pub async fn delete<E: Editable>(
    org: &OrgScope,
    conn: &mut Conn,
    customer_id: i64,
    id: i64,
    ctx: WriteContext,
    today: Date,
) -> StoreResult<()> {
    let before = snapshot::<E>(org, conn, customer_id, id).await?;
    let stmt = Query::delete()
        .from_table(E::TABLE)
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("customer_id").eq(customer_id))
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    sql::execute(conn, &stmt).await?;
    let changes = form_changes::<E>(Some(&before), None);
    activity::record(org, conn, customer_id, ctx.actor, "delete", E::ENTITY, Some(id), &changes, ctx.now).await?;
    refresh_if_summarised::<E>(org, conn, customer_id, today).await
}
