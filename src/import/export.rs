//! `frontdesk export`: an organization's data written as an import document
//! (`docs/import.md`), so that importing it into an empty database gives the
//! same API answers. It is also the backup.
//!
//! The document's ids are the database's. Every record that can carry an
//! external id has one: its own, or `<kind>-<id>` for a record made without
//! one (the export writes nothing back), so that importing the document again
//! updates rather than duplicates.

use std::collections::HashMap;

use jiff::Timestamp;
use serde_json::{Map, Value, json};

use std::io::Write;

use super::document::{
    CustomerWithKey, ImportCustomer, ImportDocument, ImportMembership, ImportRelation, RecordKey, with_keys,
};
use crate::model::customer::CUSTOMER_FIELDS;
use crate::storage::bulk::{self, BulkValue, Within};
use crate::storage::customers;
use crate::storage::import_plan::Table;
use crate::storage::{Conn, Db, OrgScope, StoreError, StoreResult};

/// How a stored column becomes a document value.
#[derive(Clone, Copy)]
enum As {
    Int,
    Text,
    /// 0 or 1.
    Bool,
    /// Microseconds since the epoch, written as RFC 3339.
    Instant,
}

/// One column: its document key, its table column and how it converts.
type Col = (&'static str, &'static str, As);

/// Reads `columns` of the organization's rows of `table`, in id order (or
/// `order`'s, when given), as document objects (a null column is left out).
async fn select(
    org: &OrgScope,
    conn: &mut Conn,
    table: &'static str,
    columns: &[Col],
    order: &[&'static str],
    within: Option<Within>,
) -> StoreResult<Vec<Map<String, Value>>> {
    let read: Vec<(&'static str, bool)> = columns.iter().map(|(_, c, kind)| (*c, matches!(kind, As::Text))).collect();
    let rows = bulk::read_rows(org, conn, table, &read, order, within).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut object = Map::new();
        for ((key, _, kind), value) in columns.iter().zip(row) {
            let value = match (kind, value) {
                (_, BulkValue::Null) => continue,
                (_, BulkValue::Text(text)) => Value::String(text.to_string()),
                (As::Bool, BulkValue::Int(v)) => json!(v != 0),
                (As::Instant, BulkValue::Int(v)) => instant(v)?,
                (_, BulkValue::Int(v)) => json!(v),
            };
            object.insert(key.to_string(), value);
        }
        out.push(object);
    }
    Ok(out)
}

fn instant(micros: i64) -> StoreResult<Value> {
    let ts = Timestamp::from_microsecond(micros).map_err(|e| StoreError::Conflict(e.to_string()))?;
    Ok(Value::String(ts.to_string()))
}

/// A document object as the record shape `T`.
fn shape<T: serde::de::DeserializeOwned>(table: &str, object: Map<String, Value>) -> StoreResult<T> {
    serde_json::from_value(Value::Object(object))
        .map_err(|e| StoreError::Conflict(format!("{table}: a stored row does not fit the import document: {e}")))
}

/// Takes the stored external id out of an object, or makes one (which an
/// import into this database takes for the same record).
fn external_id(object: &mut Map<String, Value>, table: Table) -> RecordKey {
    let stored = object.remove("external_id").and_then(|v| v.as_str().map(str::to_string));
    let id = object.get("id").and_then(Value::as_i64).unwrap_or_default();
    let kind = table.external_kind().unwrap_or("record");
    RecordKey { external_id: Some(stored.unwrap_or_else(|| format!("{kind}-{id}"))), ..RecordKey::default() }
}

/// Reads a kind of records with their external ids.
async fn keyed<T: serde::de::DeserializeOwned>(
    org: &OrgScope,
    conn: &mut Conn,
    (table, kind): (&'static str, Table),
    columns: &[Col],
    order: &[&'static str],
) -> StoreResult<(Vec<T>, Vec<RecordKey>)> {
    let mut records = Vec::new();
    let mut keys = Vec::new();
    for mut object in select(org, conn, table, columns, order, None).await? {
        keys.push(external_id(&mut object, kind));
        records.push(shape(table, object)?);
    }
    Ok((records, keys))
}

/// Customers' records of one kind, by customer id: of the customers with
/// ids from `first` to `last`, or of all.
async fn owned(
    org: &OrgScope,
    conn: &mut Conn,
    (table, owner): (&'static str, &'static str),
    columns: &[Col],
    order: &[&'static str],
    customers: Option<(i64, i64)>,
) -> StoreResult<HashMap<i64, Vec<Value>>> {
    let mut all: Vec<Col> = vec![("__owner", owner, As::Int)];
    all.extend_from_slice(columns);
    let within = customers.map(|(first, last)| Within { column: owner, first, last });
    let mut by_owner: HashMap<i64, Vec<Value>> = HashMap::new();
    for mut object in select(org, conn, table, &all, order, within).await? {
        let Some(owner) = object.remove("__owner").and_then(|v| v.as_i64()) else { continue };
        by_owner.entry(owner).or_default().push(Value::Object(object));
    }
    Ok(by_owner)
}

const ID: Col = ("id", "id", As::Int);
const NAME: Col = ("name", "name", As::Text);
const EXTERNAL_ID: Col = ("external_id", "external_id", As::Text);
const CREATED_AT: Col = ("created_at", "created_at", As::Instant);

/// The customers' record lists: document key, table, owner column, columns.
const CUSTOMER_RECORDS: [(&str, &str, &str, &[Col]); 14] = [
    (
        "documents",
        "documents",
        "customer_id",
        &[
            NAME,
            ("pdf", "pdf", As::Text),
            ("expiration_date", "expiration_date", As::Text),
            ("status", "status", As::Text),
            CREATED_AT,
        ],
    ),
    (
        "emergency_contacts",
        "emergency_contacts",
        "customer_id",
        &[
            ("first_name", "first_name", As::Text),
            ("last_name", "last_name", As::Text),
            ("telephone", "telephone", As::Text),
            ("email", "email", As::Text),
            ("relation", "relation", As::Text),
            CREATED_AT,
        ],
    ),
    ("medical_notes", "medical_notes", "customer_id", &[("medical_notes", "medical_notes", As::Text), CREATED_AT]),
    ("notes", "notes", "customer_id", &[("note", "note", As::Text), CREATED_AT]),
    (
        "alerts",
        "alerts",
        "customer_id",
        &[("message", "message", As::Text), ("prevents_check_in", "prevents_check_in", As::Bool), CREATED_AT],
    ),
    (
        "entry_passes",
        "entry_passes",
        "owner_id",
        &[
            NAME,
            ("uses_total", "uses_total", As::Int),
            ("uses_remaining", "uses_remaining", As::Int),
            ("expiration_date", "expiration_date", As::Text),
            ("is_association_pass", "is_association_pass", As::Bool),
            ("association_id", "association_id", As::Int),
            CREATED_AT,
        ],
    ),
    (
        "proficiencies",
        "customer_proficiencies",
        "customer_id",
        &[
            ("proficiency_id", "proficiency_id", As::Int),
            ("is_active", "is_active", As::Bool),
            ("granted_at", "granted_at", As::Instant),
        ],
    ),
    (
        "challenges",
        "customer_challenges",
        "customer_id",
        &[
            ("challenge_id", "challenge_id", As::Int),
            ("status", "status", As::Text),
            ("started_at", "started_at", As::Instant),
            ("completed_at", "completed_at", As::Instant),
        ],
    ),
    (
        "reservations",
        "reservations",
        "customer_id",
        &[
            ("event_type_id", "event_type_id", As::Int),
            ("location_id", "location_id", As::Int),
            ("starts_at", "starts_at", As::Instant),
            ("ends_at", "ends_at", As::Instant),
            ("status", "status", As::Text),
        ],
    ),
    (
        "check_ins",
        "check_ins",
        "customer_id",
        &[
            ("location_id", "location_id", As::Int),
            ("checked_in_at", "checked_in_at", As::Instant),
            ("checked_out_at", "checked_out_at", As::Instant),
            ("entry_method", "entry_method", As::Text),
            ("entry_method_description", "entry_method_description", As::Text),
            ("free_entry_reason", "free_entry_reason", As::Text),
        ],
    ),
    (
        "credits",
        "credits",
        "customer_id",
        &[("amount", "amount", As::Text), ("description", "description", As::Text), CREATED_AT],
    ),
    (
        "payments",
        "payments",
        "customer_id",
        &[("amount", "amount", As::Text), ("description", "description", As::Text), CREATED_AT],
    ),
    (
        "event_vouchers",
        "event_vouchers",
        "customer_id",
        &[
            NAME,
            ("uses_remaining", "uses_remaining", As::Int),
            ("expiration_date", "expiration_date", As::Text),
            CREATED_AT,
        ],
    ),
    (
        "guest_pass_usages",
        "guest_pass_usages",
        "customer_id",
        &[
            ("guest_first_name", "guest_first_name", As::Text),
            ("guest_last_name", "guest_last_name", As::Text),
            ("location_id", "location_id", As::Int),
            ("used_at", "used_at", As::Instant),
        ],
    ),
];

/// Customers are read and written this many at a time, so that an export
/// holds one batch in memory, not the gym.
const BATCH: usize = 1_000;

/// What an export wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Exported {
    pub customers: usize,
    pub memberships: usize,
}

/// The organization's whole data as an import document (in memory: for
/// tests and small gyms; `frontdesk export` streams with [`export_to`]).
pub async fn export(db: &Db, org: &OrgScope) -> anyhow::Result<ImportDocument> {
    let mut text = Vec::new();
    export_to(db, org, &mut text).await?;
    Ok(super::document::parse_document(&text)?)
}

/// Writes the organization's whole data to `out` as an import document,
/// one record a line, reading customers a batch at a time from one
/// consistent state of the data (while the gym goes on writing).
pub async fn export_to(db: &Db, org: &OrgScope, out: &mut dyn Write) -> anyhow::Result<Exported> {
    let mut conn = db.acquire().await?;
    bulk::begin_snapshot(&mut conn).await?;
    let written = write_document(org, &mut conn, out).await;
    bulk::end_snapshot(&mut conn).await?;
    written
}

async fn write_document(org: &OrgScope, conn: &mut Conn, out: &mut dyn Write) -> anyhow::Result<Exported> {
    let kinds = read_kinds(org, conn).await?;
    let k = &kinds.keys;
    out.write_all(b"{\n")?;
    write_list(out, "locations", &with_keys(&kinds.locations, &k.locations))?;
    out.write_all(b",\n")?;
    write_list(out, "custom_fields", &with_keys(&kinds.custom_fields, &k.custom_fields))?;
    out.write_all(b",\n")?;
    write_list(out, "proficiencies", &with_keys(&kinds.proficiencies, &k.proficiencies))?;
    out.write_all(b",\n")?;
    write_list(out, "associations", &with_keys(&kinds.associations, &k.associations))?;
    out.write_all(b",\n")?;
    write_list(out, "challenges", &with_keys(&kinds.challenges, &k.challenges))?;
    out.write_all(b",\n")?;
    write_list(out, "event_types", &with_keys(&kinds.event_types, &k.event_types))?;
    out.write_all(b",\n")?;
    write_list(out, "membership_types", &with_keys(&kinds.membership_types, &k.membership_types))?;
    out.write_all(b",\n\"customers\": [")?;
    let mut ids: Vec<i64> = bulk::existing_customers(org, conn).await?.into_iter().map(|(id, _, _)| id).collect();
    ids.sort_unstable();
    let tag_names: HashMap<i64, String> = bulk::existing_named(org, conn, "tags", "name").await?.into_iter().collect();
    let mut customers = 0;
    for batch in ids.chunks(BATCH) {
        for (record, external_id) in customer_batch(org, conn, batch, &tag_names).await? {
            out.write_all(if customers == 0 { b"\n" } else { b",\n" })?;
            let customer = CustomerWithKey { external_id: external_id.as_deref(), existing: None, record: &record };
            serde_json::to_writer(&mut *out, &customer)?;
            customers += 1;
        }
    }
    out.write_all(b"\n],\n")?;
    let (memberships, keys) = read_memberships(org, conn).await?;
    write_list(out, "memberships", &with_keys(&memberships, &keys))?;
    out.write_all(b",\n")?;
    write_list(out, "relations", &read_relations(org, conn).await?)?;
    out.write_all(b"\n}\n")?;
    out.flush()?;
    Ok(Exported { customers, memberships: memberships.len() })
}

/// `"name": [`, each item on a line of its own, `]`.
fn write_list<T: serde::Serialize>(out: &mut dyn Write, name: &str, items: &[T]) -> anyhow::Result<()> {
    write!(out, "\"{name}\": [")?;
    for (i, item) in items.iter().enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, item)?;
    }
    out.write_all(b"\n]")?;
    Ok(())
}

/// The organization's locations, custom fields, proficiencies, associations,
/// challenges, event types and membership types, with their keys.
async fn read_kinds(org: &OrgScope, conn: &mut Conn) -> StoreResult<ImportDocument> {
    let mut doc = ImportDocument::default();
    let keys = &mut doc.keys;
    let location_columns = [
        ID,
        NAME,
        ("time_zone", "time_zone", As::Text),
        ("combine_same_day_check_ins", "combine_same_day_check_ins", As::Bool),
        EXTERNAL_ID,
    ];
    (doc.locations, keys.locations) = keyed(org, conn, ("locations", Table::Locations), &location_columns, &[]).await?;
    let cf = [ID, NAME, EXTERNAL_ID];
    (doc.custom_fields, keys.custom_fields) =
        keyed(org, conn, ("custom_fields", Table::CustomFields), &cf, &["position", "id"]).await?;
    let described = [ID, NAME, ("description", "description", As::Text), EXTERNAL_ID];
    (doc.proficiencies, keys.proficiencies) =
        keyed(org, conn, ("proficiencies", Table::Proficiencies), &described, &[]).await?;
    (doc.associations, keys.associations) = keyed(org, conn, ("associations", Table::Associations), &cf, &[]).await?;
    (doc.challenges, keys.challenges) = keyed(org, conn, ("challenges", Table::Challenges), &described, &[]).await?;
    (doc.event_types, keys.event_types) = keyed(org, conn, ("event_types", Table::EventTypes), &cf, &[]).await?;
    let type_columns = [
        ID,
        NAME,
        ("description", "description", As::Text),
        ("status", "status", As::Text),
        ("purchase_type", "purchase_type", As::Text),
        ("interval", "interval", As::Text),
        ("is_group", "is_group", As::Bool),
        ("is_youth_programming", "is_youth_programming", As::Bool),
        ("billing_amount", "billing_amount", As::Text),
        ("location_id", "location_id", As::Int),
        EXTERNAL_ID,
    ];
    (doc.membership_types, keys.membership_types) =
        keyed(org, conn, ("membership_types", Table::MembershipTypes), &type_columns, &[]).await?;
    Ok(doc)
}

/// The customers with ids in `batch` (ascending), each with all their
/// records and their external id: their writable fields as the API reads
/// them, then their records.
async fn customer_batch(
    org: &OrgScope,
    conn: &mut Conn,
    batch: &[i64],
    tag_names: &HashMap<i64, String>,
) -> StoreResult<Vec<(ImportCustomer, Option<String>)>> {
    let (Some(&first), Some(&last)) = (batch.first(), batch.last()) else { return Ok(Vec::new()) };
    let range = Some((first, last));
    let customer_columns = [
        ID,
        ("is_active", "is_active", As::Bool),
        ("capitan_invite_sent", "capitan_invite_sent", As::Bool),
        ("has_capitan_login", "has_capitan_login", As::Bool),
        CREATED_AT,
        ("updated_at", "updated_at", As::Instant),
        EXTERNAL_ID,
    ];
    let mut records = Vec::with_capacity(CUSTOMER_RECORDS.len());
    for (key, table, owner, columns) in CUSTOMER_RECORDS {
        records.push((key, owned(org, conn, (table, owner), columns, &[], range).await?));
    }
    let associations =
        owned(org, conn, ("association_members", "customer_id"), &[("id", "association_id", As::Int)], &[], range)
            .await?;
    let tags = owned(
        org,
        conn,
        ("customer_tags", "customer_id"),
        &[("id", "tag_id", As::Int)],
        &["customer_id", "tag_id"],
        range,
    )
    .await?;
    let within = Some(Within { column: "id", first, last });
    let objects = select(org, conn, "customers", &customer_columns, &[], within).await?;
    let mut read: HashMap<i64, _> =
        customers::get_many(org, conn, batch).await?.into_iter().map(|c| (c.id, c)).collect();
    let mut out = Vec::with_capacity(batch.len());
    for mut object in objects {
        let key = external_id(&mut object, Table::Customers);
        let id = object.get("id").and_then(Value::as_i64).unwrap_or_default();
        let Some(customer) = read.remove(&id) else { continue };
        for (spec, value) in CUSTOMER_FIELDS.iter().zip(customer.editable_values()) {
            object.insert(spec.name.to_string(), value.to_json());
        }
        let values: Vec<Value> = customer
            .custom_field_values
            .iter()
            .filter(|v| !v.value.is_empty())
            .map(|v| json!({"field_id": v.field_id, "value": v.value}))
            .collect();
        object.insert("custom_field_values".into(), Value::Array(values));
        let mut names: Vec<&String> = tags
            .get(&id)
            .into_iter()
            .flatten()
            .filter_map(|t| t["id"].as_i64().and_then(|tag| tag_names.get(&tag)))
            .collect();
        names.sort();
        object.insert("tags".into(), json!(names));
        for (list, by_customer) in &mut records {
            if let Some(items) = by_customer.remove(&id) {
                object.insert(list.to_string(), Value::Array(items));
            }
        }
        let ids: Vec<Value> = associations.get(&id).into_iter().flatten().map(|a| a["id"].clone()).collect();
        object.insert("association_ids".into(), Value::Array(ids));
        out.push((shape("customers", object)?, key.external_id));
    }
    Ok(out)
}

/// The organization's memberships with their members, and their keys.
async fn read_memberships(org: &OrgScope, conn: &mut Conn) -> StoreResult<(Vec<ImportMembership>, Vec<RecordKey>)> {
    let membership_columns = [
        ID,
        ("membership_type_id", "membership_type_id", As::Int),
        ("owner_id", "owner_id", As::Int),
        ("status", "status", As::Text),
        ("start_date", "start_date", As::Text),
        ("end_date", "end_date", As::Text),
        ("interval", "interval", As::Text),
        ("billing_amount", "billing_amount", As::Text),
        ("unfreeze_date", "unfreeze_date", As::Text),
        EXTERNAL_ID,
    ];
    let members = owned(
        org,
        conn,
        ("customer_membership_members", "membership_id"),
        &[("customer_id", "customer_id", As::Int), ("is_individually_frozen", "is_individually_frozen", As::Bool)],
        &[],
        None,
    )
    .await?;
    let mut memberships = Vec::new();
    let mut keys = Vec::new();
    for mut object in select(org, conn, "customer_memberships", &membership_columns, &[], None).await? {
        keys.push(external_id(&mut object, Table::Memberships));
        let id = object.remove("id").and_then(|v| v.as_i64()).unwrap_or_default();
        object.insert("members".into(), Value::Array(members.get(&id).cloned().unwrap_or_default()));
        memberships.push(shape("customer_memberships", object)?);
    }
    Ok((memberships, keys))
}

/// The organization's relations, each pair once: the import adds the
/// reverse side.
async fn read_relations(org: &OrgScope, conn: &mut Conn) -> StoreResult<Vec<ImportRelation>> {
    let relation_columns = [
        ("customer_id", "customer_id", As::Int),
        ("related_customer_id", "related_customer_id", As::Int),
        ("relation", "relation", As::Text),
        CREATED_AT,
    ];
    let mut relations = Vec::new();
    for object in select(org, conn, "relations", &relation_columns, &[], None).await? {
        let (a, b) = (object["customer_id"].as_i64(), object["related_customer_id"].as_i64());
        if a < b {
            relations.push(shape("relations", object)?);
        }
    }
    Ok(relations)
}
