//! Writing customers: the rules that need the database, create and update
//! (the columns from the declaration, see [`columns`](super::columns)), custom
//! field values and the photo's file names.

use sea_query::{Expr, ExprTrait, Query, SelectStatement, SimpleExpr, Value};

use super::columns;
use super::read;
use crate::model::customer::CUSTOMER_FIELDS;
use crate::model::customer_write::CustomerWrite;
use crate::model::fields::FieldValue;
use crate::model::time::to_micros;
use crate::model::validation::FieldErrors;
use crate::model::{CustomFieldValue, Customer};
use crate::storage::activity::{self, Actor, Change};
use crate::storage::bulk::BulkValue;
use crate::storage::sql::{self, Conn};
use crate::storage::{OrgScope, StoreError, StoreResult};

/// The SQL value a field is stored as.
pub(crate) fn stored_value(name: &str, value: &FieldValue) -> Value {
    match value {
        // An empty barcode is no barcode: NULL, so it is exempt from uniqueness.
        FieldValue::Text(s) if name == "barcode" && s.is_empty() => Value::String(None),
        FieldValue::Text(s) => s.clone().into(),
        FieldValue::Date(d) => d.to_string().into(),
        FieldValue::Gender(g) => Value::String(g.map(|g| g.code().to_string())),
        FieldValue::Bool(b) => (*b).into(),
        FieldValue::LocationId(id) => Value::BigInt(*id),
    }
}

/// Columns computed from the written fields: keys for uniqueness, ordering and search.
/// The duplicate check's keys (`dup_name`, `dup_phone`) are among them.
const KEY_COLUMNS: [&str; 7] =
    ["email_key", "address_postcode_key", "sort_last", "sort_first", "search_text", "dup_name", "dup_phone"];

fn key_values(c: &Customer) -> [BulkValue; 7] {
    let [dup_name, dup_phone] = crate::storage::duplicates::key_values(c);
    [
        c.email.to_lowercase().into(),
        c.address_postcode.trim().to_lowercase().into(),
        sort_key(&c.last_name).into(),
        sort_key(&c.first_name).into(),
        columns::search_text(c).into(),
        dup_name,
        dup_phone,
    ]
}

/// The columns a customer's write sets: its writable fields', then the keys
/// computed from them (in the order of [`written_values`]).
pub fn written_columns() -> impl Iterator<Item = &'static str> {
    columns::WRITE_COLUMNS.into_iter().chain(KEY_COLUMNS)
}

/// The values a customer is written as, in [`written_columns`] order.
pub fn written_values(c: &Customer) -> impl Iterator<Item = BulkValue> {
    columns::write(c).into_iter().chain(key_values(c))
}

/// A stored value as a statement's value.
fn sql_value(value: BulkValue) -> SimpleExpr {
    match value {
        BulkValue::Null => Expr::val(Value::String(None)),
        BulkValue::Int(i) => Expr::val(i),
        BulkValue::Text(text) => Expr::val(text.to_string()),
    }
}

/// Sets a write's fields on a customer; a value that does not fit its field
/// is refused, naming it.
fn apply(customer: &mut Customer, write: &CustomerWrite) -> StoreResult<()> {
    write.apply_to(customer).map_err(|e| StoreError::Invalid(FieldErrors::single(e.field, e.to_string())))
}

/// The key names are sorted by: lower-cased, so "de Vries" sorts with "De Vries".
pub fn sort_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Checks the rules that need the database: unique email and barcode, the
/// home location and custom fields belonging to the organization.
pub async fn check_against_db(
    org: &OrgScope,
    conn: &mut Conn,
    self_id: Option<i64>,
    write: &CustomerWrite,
) -> StoreResult<()> {
    let mut errors = FieldErrors::new();
    let others = |stmt: &mut SelectStatement| {
        if let Some(id) = self_id {
            stmt.and_where(Expr::col("id").ne(id));
        }
    };
    if let Some(email) = write.text("email") {
        let mut stmt = Query::select()
            .column("id")
            .from("customers")
            .and_where(Expr::col("org_id").eq(org.id))
            .and_where(Expr::col("email_key").eq(email.to_lowercase()))
            .to_owned();
        others(&mut stmt);
        if sql::fetch_optional_scalar::<i64, _>(conn, &stmt).await?.is_some() {
            errors.add("email", "customer with this email already exists.");
        }
    }
    if let Some(barcode) = write.text("barcode").filter(|b| !b.is_empty()) {
        let mut stmt = Query::select()
            .column("id")
            .from("customers")
            .and_where(Expr::col("org_id").eq(org.id))
            .and_where(Expr::col("barcode").eq(barcode))
            .to_owned();
        others(&mut stmt);
        if sql::fetch_optional_scalar::<i64, _>(conn, &stmt).await?.is_some() {
            errors.add("barcode", "customer with this barcode already exists.");
        }
    }
    if let Some(FieldValue::LocationId(Some(location_id))) = write.get("home_location_id")
        && crate::storage::orgs::location(org, conn, *location_id).await?.is_none()
    {
        errors.add("home_location_id", format!("Invalid pk \"{location_id}\" - object does not exist."));
    }
    if let Some(values) = &write.custom_field_values {
        let known: Vec<i64> = read::custom_fields(org, conn).await?.into_iter().map(|(id, _)| id).collect();
        for (field_id, _) in values {
            if !known.contains(field_id) {
                errors.add("custom_field_values", format!("Invalid field_id \"{field_id}\" - object does not exist."));
            }
        }
    }
    errors.into_result().map_err(StoreError::Invalid)
}

/// Who is writing and when.
#[derive(Debug, Clone, Copy)]
pub struct WriteContext {
    pub actor: Actor,
    pub now: i64,
}

/// Creates a customer from a full write; returns its id.
pub async fn create(org: &OrgScope, conn: &mut Conn, write: &CustomerWrite, ctx: WriteContext) -> StoreResult<i64> {
    check_against_db(org, conn, None, write).await?;
    let mut customer = Customer::default();
    apply(&mut customer, write)?;
    let mut columns: Vec<&str> = vec!["org_id", "created_at", "updated_at"];
    let mut row: Vec<SimpleExpr> = vec![org.id.into(), ctx.now.into(), ctx.now.into()];
    columns.extend(written_columns());
    row.extend(written_values(&customer).map(sql_value));
    let stmt =
        Query::insert().into_table("customers").columns(columns).values_panic(row).returning_col("id").to_owned();
    let id = sql::insert_returning_id(conn, &stmt).await.map_err(unique_to_field_error)?;
    if let Some(custom) = &write.custom_field_values {
        set_custom_field_values(org, conn, id, custom).await?;
    }
    let changes: Vec<Change> = CUSTOMER_FIELDS
        .iter()
        .zip(customer.editable_values())
        .map(|(spec, value)| Change::new(spec.name, serde_json::Value::Null, value.to_json()))
        .chain(custom_changes(&[], write))
        .collect();
    activity::record(org, conn, id, ctx.actor, "create", "customer", Some(id), &changes, ctx.now).await?;
    Ok(id)
}

/// Applies a write (full for PUT, partial for PATCH) to an existing customer.
/// Returns `NotFound` for an id outside the organization.
pub async fn update(
    org: &OrgScope,
    conn: &mut Conn,
    id: i64,
    write: &CustomerWrite,
    ctx: WriteContext,
) -> StoreResult<()> {
    let mut customer = read::get(org, conn, id).await?.ok_or(StoreError::NotFound)?;
    check_against_db(org, conn, Some(id), write).await?;
    let before = customer.editable_values();
    apply(&mut customer, write)?;
    let after = customer.editable_values();

    let mut changes: Vec<Change> = CUSTOMER_FIELDS
        .iter()
        .zip(before.iter().zip(&after))
        .filter(|(_, (b, a))| b != a)
        .map(|(spec, (b, a))| Change::new(spec.name, b.to_json(), a.to_json()))
        .collect();
    changes.extend(custom_changes(&customer.custom_field_values, write));

    // updated_at moves on every write, and always forwards.
    let updated_at = std::cmp::max(ctx.now, customer.updated_at.map_or(0, to_micros) + 1);
    let mut stmt = Query::update();
    stmt.table("customers")
        .value("updated_at", updated_at)
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("id").eq(id));
    for (column, value) in written_columns().zip(written_values(&customer)) {
        stmt.value(column, sql_value(value));
    }
    sql::execute(conn, &stmt).await.map_err(unique_to_field_error)?;
    if let Some(custom) = &write.custom_field_values {
        set_custom_field_values(org, conn, id, custom).await?;
    }
    activity::record(org, conn, id, ctx.actor, "update", "customer", Some(id), &changes, ctx.now).await?;
    Ok(())
}

fn custom_changes(before: &[CustomFieldValue], write: &CustomerWrite) -> Vec<Change> {
    let Some(values) = &write.custom_field_values else {
        return Vec::new();
    };
    values
        .iter()
        .filter_map(|(field_id, value)| {
            let old = before.iter().find(|f| f.field_id == *field_id).map(|f| f.value.as_str()).unwrap_or("");
            (old != value)
                .then(|| Change::new(&format!("custom_field_values[{field_id}]"), old.into(), value.as_str().into()))
        })
        .collect()
}

/// Writes custom field values; an empty value clears the field. Two
/// statements whatever the number of fields.
async fn set_custom_field_values(
    org: &OrgScope,
    conn: &mut Conn,
    id: i64,
    values: &[(i64, String)],
) -> StoreResult<()> {
    if values.is_empty() {
        return Ok(());
    }
    let delete = Query::delete()
        .from_table("custom_field_values")
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("customer_id").eq(id))
        .and_where(Expr::col("field_id").is_in(values.iter().map(|(field_id, _)| *field_id)))
        .to_owned();
    sql::execute(conn, &delete).await?;
    let mut insert = Query::insert();
    insert.into_table("custom_field_values").columns(["org_id", "customer_id", "field_id", "value"]);
    let mut rows = 0;
    for (field_id, value) in values.iter().filter(|(_, value)| !value.is_empty()) {
        insert.values_panic([org.id.into(), id.into(), (*field_id).into(), value.as_str().into()]);
        rows += 1;
    }
    if rows > 0 {
        sql::execute(conn, &insert).await?;
    }
    Ok(())
}

/// A concurrent writer can take an email or barcode between the check and the
/// write; the unique index still refuses it, and the answer names the field.
fn unique_to_field_error(err: sqlx::Error) -> StoreError {
    if sql::is_unique_violation(&err) {
        let message = err.to_string();
        let field = if message.contains("barcode") { "barcode" } else { "email" };
        StoreError::Invalid(FieldErrors::single(field, format!("customer with this {field} already exists.")))
    } else {
        err.into()
    }
}

/// Sets the stored photo file names (None removes them); returns the old names.
pub async fn set_profile_image(
    org: &OrgScope,
    conn: &mut Conn,
    id: i64,
    images: Option<(&str, &str)>,
    ctx: WriteContext,
) -> StoreResult<(Option<String>, Option<String>)> {
    let current = Query::select()
        .columns(["profile_image", "profile_image_small", "updated_at"])
        .from("customers")
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    let (old_full, old_small, updated_at) =
        sql::fetch_optional_as::<(Option<String>, Option<String>, i64), _>(conn, &current)
            .await?
            .ok_or(StoreError::NotFound)?;
    let (full, small) = images.map_or((None, None), |(f, s)| (Some(f.to_string()), Some(s.to_string())));
    let stmt = Query::update()
        .table("customers")
        .value("profile_image", full.clone())
        .value("profile_image_small", small)
        .value("updated_at", std::cmp::max(ctx.now, updated_at + 1))
        .and_where(Expr::col("org_id").eq(org.id))
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    sql::execute(conn, &stmt).await?;
    // Removing a photo that was never there is no change worth a log line.
    if old_full.is_some() || full.is_some() {
        let change = Change::new(
            "profile_image",
            old_full.as_deref().map_or(serde_json::Value::Null, |_| "(photo)".into()),
            full.map_or(serde_json::Value::Null, |_| "(new photo)".into()),
        );
        activity::record(org, conn, id, ctx.actor, "update", "customer", Some(id), &[change], ctx.now).await?;
    }
    Ok((old_full, old_small))
}

/// Recomputes the customer's summary columns (after a write to what they summarise).
pub async fn refresh_summary(org: &OrgScope, conn: &mut Conn, ids: &[i64], now: jiff::Timestamp) -> StoreResult<()> {
    crate::storage::derived::refresh_customers(org, conn, Some(ids), org.local_date(now)).await
}
