//! `frontdesk import`: loads one JSON document (described in `docs/import.md`)
//! holding locations, membership types and customers with every related
//! record, in one transaction: all or nothing. It is how a gym migrates in,
//! how the demo data is made and how tests set up state.
//!
//! Records in the document refer to each other by ids local to the document;
//! the database gives them new ids.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Map;

use crate::model::fields::{CUSTOMER_FIELDS, CustomerWrite, FieldValue, WriteMode};
use crate::storage::bulk::BulkValue;
use crate::storage::customers::{search_text, sort_key};
use crate::storage::{Db, OrgScope, StoreError, bulk, derived, local_datetime, parse_time_zone};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImportDocument {
    pub locations: Vec<ImportLocation>,
    pub custom_fields: Vec<ImportNamed>,
    pub proficiencies: Vec<ImportNamed>,
    pub associations: Vec<ImportNamed>,
    pub challenges: Vec<ImportNamed>,
    pub event_types: Vec<ImportNamed>,
    pub membership_types: Vec<ImportMembershipType>,
    pub customers: Vec<ImportCustomer>,
    pub memberships: Vec<ImportMembership>,
    pub relations: Vec<ImportRelation>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportLocation {
    pub id: i64,
    pub name: String,
    /// IANA name; the organization's when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub combine_same_day_check_ins: bool,
}

/// A named record of the organization (custom field, proficiency,
/// association, challenge, event type).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportNamed {
    pub id: i64,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

fn act() -> String {
    "ACT".into()
}

fn mon() -> String {
    "MON".into()
}

fn zero_amount() -> String {
    "0.00".into()
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportMembershipType {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "act")]
    pub status: String,
    #[serde(default = "rec")]
    pub purchase_type: String,
    #[serde(default = "mon")]
    pub interval: String,
    #[serde(default)]
    pub is_group: bool,
    #[serde(default)]
    pub is_youth_programming: bool,
    #[serde(default = "zero_amount")]
    pub billing_amount: String,
    /// Valid at one location only; every location when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_id: Option<i64>,
}

fn rec() -> String {
    "REC".into()
}

/// A customer: the API's writable fields (`email`, `first_name`, ...,
/// `home_location_id`, `custom_field_values`) plus what the API computes from
/// and the customer's sub-records.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImportCustomer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    #[serde(default = "yes")]
    pub is_active: bool,
    #[serde(default)]
    pub capitan_invite_sent: bool,
    #[serde(default)]
    pub has_capitan_login: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<ImportWaiver>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emergency_contacts: Vec<ImportEmergencyContact>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub medical_notes: Vec<ImportMedicalNote>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<ImportNote>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<ImportAlert>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entry_passes: Vec<ImportEntryPass>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proficiencies: Vec<ImportCustomerProficiency>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub association_ids: Vec<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub challenges: Vec<ImportCustomerChallenge>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reservations: Vec<ImportReservation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub check_ins: Vec<ImportCheckIn>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credits: Vec<ImportAmount>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payments: Vec<ImportAmount>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub event_vouchers: Vec<ImportEventVoucher>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guest_pass_usages: Vec<ImportGuestPassUsage>,
    /// The API's writable fields, under their API names.
    #[serde(flatten)]
    pub fields: Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportWaiver {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pdf: Option<String>,
    /// None: never expires.
    #[serde(default)]
    pub expiration_date: Option<Date>,
    /// `ACT`, or `REV` for a revoked waiver.
    #[serde(default = "act")]
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportEmergencyContact {
    pub first_name: String,
    pub last_name: String,
    pub telephone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub relation: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportMedicalNote {
    pub medical_notes: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportNote {
    pub note: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportAlert {
    pub message: String,
    #[serde(default)]
    pub prevents_check_in: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportEntryPass {
    pub name: String,
    pub uses_total: i64,
    pub uses_remaining: i64,
    #[serde(default)]
    pub expiration_date: Option<Date>,
    #[serde(default)]
    pub is_association_pass: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub association_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportCustomerProficiency {
    pub proficiency_id: i64,
    #[serde(default = "yes")]
    pub is_active: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub granted_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportCustomerChallenge {
    pub challenge_id: i64,
    /// `INP` in progress or `COM` completed.
    #[serde(default = "inp")]
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<Timestamp>,
}

fn inp() -> String {
    "INP".into()
}

fn con() -> String {
    "CON".into()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportReservation {
    pub event_type_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_id: Option<i64>,
    pub starts_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<Timestamp>,
    /// `CON` confirmed or `CAN` cancelled.
    #[serde(default = "con")]
    pub status: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportCheckIn {
    pub location_id: i64,
    pub checked_in_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_out_at: Option<Timestamp>,
    /// `MEM`, `ENT`, `GUE`, `FRE` or `EVE`.
    #[serde(default = "mem")]
    pub entry_method: String,
    #[serde(default)]
    pub entry_method_description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_entry_reason: Option<String>,
}

fn mem() -> String {
    "MEM".into()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportAmount {
    /// A decimal string, such as `"12.50"`.
    pub amount: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportEventVoucher {
    pub name: String,
    #[serde(default = "one")]
    pub uses_remaining: i64,
    #[serde(default)]
    pub expiration_date: Option<Date>,
}

fn one() -> i64 {
    1
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportGuestPassUsage {
    #[serde(default)]
    pub guest_first_name: String,
    #[serde(default)]
    pub guest_last_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_id: Option<i64>,
    pub used_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportMembership {
    pub membership_type_id: i64,
    /// The customer who owns (pays for) it.
    pub owner_id: i64,
    /// `ACT`, `FRZ`, `END`, `CAN`, `FUT`, `PAY` or `IPC`.
    #[serde(default = "act")]
    pub status: String,
    pub start_date: Date,
    #[serde(default)]
    pub end_date: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_amount: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unfreeze_date: Option<Date>,
    /// Who it covers; just the owner when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<ImportMember>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportMember {
    pub customer_id: i64,
    #[serde(default)]
    pub is_individually_frozen: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportRelation {
    pub customer_id: i64,
    pub related_customer_id: i64,
    /// What the related customer is to the customer: `SPO`, `PRT`, `PRE`,
    /// `CHI`, `GUA`, `WAR`, `SIB` or `OTH`. The reverse side is added.
    pub relation: String,
}

/// What went wrong, naming the record and the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub record: String,
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.record, self.message)
        } else {
            write!(f, "{} {}: {}", self.record, self.field, self.message)
        }
    }
}

/// Every problem found, first one first.
#[derive(Debug)]
pub struct ImportFailure(pub Vec<ImportError>);

impl std::fmt::Display for ImportFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.as_slice() {
            [] => write!(f, "import failed"),
            [only] => write!(f, "{only}"),
            [first, rest @ ..] => write!(f, "{first} (and {} more problems)", rest.len()),
        }
    }
}

impl std::error::Error for ImportFailure {}

impl From<StoreError> for ImportFailure {
    fn from(e: StoreError) -> Self {
        ImportFailure(vec![ImportError { record: "database".into(), field: String::new(), message: e.to_string() }])
    }
}

impl From<sqlx::Error> for ImportFailure {
    fn from(e: sqlx::Error) -> Self {
        StoreError::from(e).into()
    }
}

/// Counts of what an import wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub locations: usize,
    pub membership_types: usize,
    pub customers: usize,
    pub memberships: usize,
    pub check_ins: usize,
    pub other_records: usize,
}

impl std::fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "imported {} customers, {} locations, {} membership types, {} memberships, {} check-ins and {} other records",
            self.customers, self.locations, self.membership_types, self.memberships, self.check_ins, self.other_records
        )
    }
}

const MEMBERSHIP_STATUSES: [&str; 7] = ["ACT", "FRZ", "END", "CAN", "FUT", "PAY", "IPC"];
const ENTRY_METHODS: [&str; 5] = ["MEM", "ENT", "GUE", "FRE", "EVE"];
pub use crate::model::subrecords::{RELATION_CODES, reverse_relation};

/// Collects problems while checking a document.
#[derive(Default)]
struct Problems(Vec<ImportError>);

impl Problems {
    fn add(&mut self, record: &str, field: &str, message: impl Into<String>) {
        self.0.push(ImportError { record: record.to_string(), field: field.to_string(), message: message.into() });
    }
}

/// Maps document ids of one kind to database ids.
struct IdMap {
    kind: &'static str,
    map: HashMap<i64, i64>,
}

impl IdMap {
    /// Assigns database ids from `next` on, checking document ids are unique.
    fn assign(kind: &'static str, doc_ids: impl Iterator<Item = i64>, next: i64, problems: &mut Problems) -> IdMap {
        let mut map = HashMap::new();
        for (i, doc_id) in doc_ids.enumerate() {
            if map.insert(doc_id, next + i as i64).is_some() {
                problems.add(&format!("{kind}[{i}]"), "id", format!("id {doc_id} is used twice"));
            }
        }
        IdMap { kind, map }
    }

    fn resolve(&self, doc_id: i64, record: &str, field: &str, problems: &mut Problems) -> Option<i64> {
        let found = self.map.get(&doc_id).copied();
        if found.is_none() {
            problems.add(record, field, format!("no {} with id {doc_id} in this document", self.kind));
        }
        found
    }
}

fn check_code(code: &str, allowed: &[&str], record: &str, field: &str, problems: &mut Problems) {
    if !allowed.contains(&code) {
        problems.add(record, field, format!("\"{code}\" is not one of {}", allowed.join(", ")));
    }
}

/// The wall-clock time of `ts` in `tz` as check-ins store it
/// (`YYYY-MM-DDTHH:MM:SS`); a million of them are formatted per large import.
fn wall_clock(tz: &jiff::tz::TimeZone, ts: Timestamp) -> String {
    let t = local_datetime(tz, ts);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second())
}

fn micros(ts: Timestamp) -> i64 {
    ts.as_microsecond()
}

fn opt_date(d: Option<Date>) -> BulkValue {
    BulkValue::from(d.map(|d| d.to_string()))
}

/// Repeated text (entry methods, statuses, pass names) shared rather than
/// copied for every row that holds it.
#[derive(Default)]
struct Texts(HashSet<std::sync::Arc<str>>);

impl Texts {
    fn get(&mut self, text: &str) -> std::sync::Arc<str> {
        if let Some(shared) = self.0.get(text) {
            return shared.clone();
        }
        let shared: std::sync::Arc<str> = text.into();
        self.0.insert(shared.clone());
        shared
    }
}

/// Rows for one table, collected while walking the document: one flat run
/// of values, a row every `columns.len()` (a million check-ins are not a
/// million small vectors).
struct Rows {
    table: &'static str,
    columns: Vec<&'static str>,
    values: Vec<BulkValue>,
}

impl Rows {
    fn new(table: &'static str, columns: &[&'static str]) -> Rows {
        Rows { table, columns: columns.to_vec(), values: Vec::new() }
    }

    fn push(&mut self, row: impl IntoIterator<Item = BulkValue>) {
        let before = self.values.len();
        self.values.extend(row);
        debug_assert_eq!(self.values.len() - before, self.columns.len(), "row width for {}", self.table);
    }

    fn len(&self) -> usize {
        self.values.len() / self.columns.len()
    }

    /// Reorders the rows by an integer column (nulls first).
    fn sort_by_integer(&mut self, column: usize) {
        let width = self.columns.len();
        let mut order: Vec<(i64, usize)> = (0..self.len())
            .map(|row| match self.values[row * width + column] {
                BulkValue::Int(key) => (key, row),
                _ => (i64::MIN, row),
            })
            .collect();
        order.sort_unstable();
        let mut values = std::mem::take(&mut self.values);
        self.values = Vec::with_capacity(values.len());
        for (_, row) in order {
            for value in &mut values[row * width..(row + 1) * width] {
                self.values.push(std::mem::replace(value, BulkValue::Null));
            }
        }
    }
}

/// Imports a document into the organization in one transaction.
pub async fn import(
    db: &Db,
    org: &OrgScope,
    doc: &ImportDocument,
    now: Timestamp,
) -> Result<ImportSummary, ImportFailure> {
    let mut tx = db.begin_write().await?;
    // A large import writes index pages all over the file: a page cache big
    // enough to hold them saves re-reading and spilling them (it grows only
    // as needed, and goes back to its usual size before the commit).
    let usual_cache = bulk::cache_size(&mut tx).await?;
    bulk::set_cache_size(&mut tx, -IMPORT_CACHE_KIB).await?;
    let result = import_in(org, &mut tx, doc, now).await;
    bulk::set_cache_size(&mut tx, usual_cache).await?;
    let summary = result?;
    tx.commit().await?;
    Ok(summary)
}

/// A table receiving at least this many rows, and more than it holds, has
/// its indexes built after the load rather than during it.
const BULK_LOAD_ROWS: usize = 10_000;

/// The page cache during an import, in KiB: enough for 100,000 customers'
/// indexes.
const IMPORT_CACHE_KIB: i64 = 1024 * 1024;

async fn import_in(
    org: &OrgScope,
    conn: &mut crate::storage::Conn,
    doc: &ImportDocument,
    now: Timestamp,
) -> Result<ImportSummary, ImportFailure> {
    let checking = std::time::Instant::now();
    let mut p = Problems::default();
    let mut texts = Texts::default();
    let now_us = micros(now);
    let today = org.local_date(now);

    // Ids: the database's next ids, known in advance under the write lock.
    let mut next = HashMap::new();
    for table in [
        "locations",
        "custom_fields",
        "proficiencies",
        "associations",
        "challenges",
        "event_types",
        "membership_types",
        "customers",
        "customer_memberships",
        "tags",
    ] {
        next.insert(table, bulk::max_id(conn, table).await? + 1);
    }
    let locations = IdMap::assign("location", doc.locations.iter().map(|l| l.id), next["locations"], &mut p);
    let custom_fields =
        IdMap::assign("custom field", doc.custom_fields.iter().map(|x| x.id), next["custom_fields"], &mut p);
    let proficiencies =
        IdMap::assign("proficiency", doc.proficiencies.iter().map(|x| x.id), next["proficiencies"], &mut p);
    let associations =
        IdMap::assign("association", doc.associations.iter().map(|x| x.id), next["associations"], &mut p);
    let challenges = IdMap::assign("challenge", doc.challenges.iter().map(|x| x.id), next["challenges"], &mut p);
    let event_types = IdMap::assign("event type", doc.event_types.iter().map(|x| x.id), next["event_types"], &mut p);
    let membership_types =
        IdMap::assign("membership type", doc.membership_types.iter().map(|x| x.id), next["membership_types"], &mut p);
    // Every customer gets a database id in document order; document ids, where
    // given, are how other records refer to them.
    let first_customer = next["customers"];
    let customer_db_id = |index: usize| first_customer + index as i64;
    let mut customers = IdMap { kind: "customer", map: HashMap::new() };
    for (i, c) in doc.customers.iter().enumerate() {
        if let Some(doc_id) = c.id
            && customers.map.insert(doc_id, customer_db_id(i)).is_some()
        {
            p.add(&format!("customers[{i}]"), "id", format!("id {doc_id} is used twice"));
        }
    }

    // Locations and the organization's named records.
    let mut location_tz = HashMap::new();
    let mut location_rows =
        Rows::new("locations", &["id", "name", "time_zone", "combine_same_day_check_ins", "created_at"]);
    let existing_locations: HashSet<String> =
        bulk::existing_texts(org, conn, "locations", "name").await?.into_iter().collect();
    for (i, l) in doc.locations.iter().enumerate() {
        let record = format!("locations[{i}] (id {})", l.id);
        let tz_name = l.time_zone.clone().unwrap_or_else(|| org.time_zone_name.clone());
        match parse_time_zone(&tz_name) {
            Ok(tz) => {
                location_tz.insert(l.id, tz);
            }
            Err(message) => p.add(&record, "time_zone", message),
        }
        if l.name.trim().is_empty() {
            p.add(&record, "name", "This field may not be blank.");
        }
        if existing_locations.contains(l.name.trim()) {
            p.add(&record, "name", format!("{} already has a location named {:?}", org.name, l.name));
        }
        location_rows.push([
            locations.map[&l.id].into(),
            l.name.trim().into(),
            tz_name.into(),
            l.combine_same_day_check_ins.into(),
            now_us.into(),
        ]);
    }
    let named = |table: &'static str, items: &[ImportNamed], ids: &IdMap, extra_desc: bool| {
        let columns: &[&'static str] = if extra_desc { &["id", "name", "description"] } else { &["id", "name"] };
        let mut rows = Rows::new(table, columns);
        for item in items {
            let mut row: Vec<BulkValue> = vec![ids.map[&item.id].into(), item.name.trim().into()];
            if extra_desc {
                row.push(item.description.clone().into());
            }
            rows.push(row);
        }
        rows
    };
    for (kind, items) in [
        ("custom_fields", &doc.custom_fields),
        ("proficiencies", &doc.proficiencies),
        ("associations", &doc.associations),
        ("challenges", &doc.challenges),
        ("event_types", &doc.event_types),
    ] {
        let existing: HashSet<String> = bulk::existing_texts(org, conn, kind, "name").await?.into_iter().collect();
        let mut seen = HashSet::new();
        for (i, item) in items.iter().enumerate() {
            let record = format!("{kind}[{i}] (id {})", item.id);
            if item.name.trim().is_empty() {
                p.add(&record, "name", "This field may not be blank.");
            } else if existing.contains(item.name.trim()) || !seen.insert(item.name.trim().to_string()) {
                p.add(&record, "name", format!("the name {:?} is already taken", item.name));
            }
        }
    }
    let mut custom_field_rows = Rows::new("custom_fields", &["id", "name", "position"]);
    for (position, item) in doc.custom_fields.iter().enumerate() {
        custom_field_rows.push([custom_fields.map[&item.id].into(), item.name.trim().into(), (position as i64).into()]);
    }
    let proficiency_rows = named("proficiencies", &doc.proficiencies, &proficiencies, true);
    let association_rows = named("associations", &doc.associations, &associations, false);
    let challenge_rows = named("challenges", &doc.challenges, &challenges, true);
    let event_type_rows = named("event_types", &doc.event_types, &event_types, false);

    let mut type_rows = Rows::new(
        "membership_types",
        &[
            "id",
            "name",
            "description",
            "status",
            "purchase_type",
            "interval",
            "is_group",
            "is_youth_programming",
            "billing_amount",
            "location_id",
            "created_at",
        ],
    );
    let existing_types: HashSet<String> =
        bulk::existing_texts(org, conn, "membership_types", "name").await?.into_iter().collect();
    let mut type_names = HashSet::new();
    for (i, t) in doc.membership_types.iter().enumerate() {
        let record = format!("membership_types[{i}] (id {})", t.id);
        if t.name.trim().is_empty() {
            p.add(&record, "name", "This field may not be blank.");
        } else if existing_types.contains(t.name.trim()) || !type_names.insert(t.name.trim().to_string()) {
            p.add(&record, "name", format!("the name {:?} is already taken", t.name));
        }
        let location = t.location_id.and_then(|l| locations.resolve(l, &record, "location_id", &mut p));
        type_rows.push([
            membership_types.map[&t.id].into(),
            t.name.trim().into(),
            t.description.clone().into(),
            t.status.clone().into(),
            t.purchase_type.clone().into(),
            t.interval.clone().into(),
            t.is_group.into(),
            t.is_youth_programming.into(),
            t.billing_amount.clone().into(),
            BulkValue::from(location),
            now_us.into(),
        ]);
    }

    // Customers: the API's own rules, then uniqueness within the document and
    // against the organization's existing customers.
    let mut emails: HashSet<String> =
        bulk::existing_texts(org, conn, "customers", "email_key").await?.into_iter().collect();
    let mut barcodes: HashSet<String> =
        bulk::existing_texts(org, conn, "customers", "barcode").await?.into_iter().collect();
    let mut tag_ids: HashMap<String, i64> =
        bulk::existing_named(org, conn, "tags", "name_key").await?.into_iter().map(|(id, k)| (k, id)).collect();
    let mut new_tags = Rows::new("tags", &["id", "name", "name_key"]);
    let mut next_tag = next["tags"];

    let customer_columns: Vec<&'static str> = CUSTOMER_FIELDS
        .iter()
        .map(|f| f.name)
        .chain([
            "email_key",
            "address_postcode_key",
            "sort_last",
            "sort_first",
            "search_text",
            "id",
            "is_active",
            "capitan_invite_sent",
            "has_capitan_login",
            "created_at",
            "updated_at",
        ])
        .collect();
    let mut customer_rows = Rows::new("customers", &customer_columns);
    let mut cfv = Rows::new("custom_field_values", &["customer_id", "field_id", "value"]);
    let mut customer_tags = Rows::new("customer_tags", &["customer_id", "tag_id"]);
    let mut documents = Rows::new(
        "documents",
        &["customer_id", "name", "pdf", "expiration_date", "status", "created_at", "updated_at"],
    );
    let mut contacts = Rows::new(
        "emergency_contacts",
        &["customer_id", "first_name", "last_name", "telephone", "email", "relation", "created_at", "updated_at"],
    );
    let mut medical = Rows::new("medical_notes", &["customer_id", "medical_notes", "created_at", "updated_at"]);
    let mut notes = Rows::new("notes", &["customer_id", "note", "created_at", "updated_at"]);
    let mut alerts = Rows::new("alerts", &["customer_id", "message", "prevents_check_in", "created_at", "updated_at"]);
    let mut passes = Rows::new(
        "entry_passes",
        &[
            "owner_id",
            "name",
            "uses_total",
            "uses_remaining",
            "expiration_date",
            "is_association_pass",
            "association_id",
            "created_at",
            "updated_at",
        ],
    );
    let mut customer_proficiencies = Rows::new(
        "customer_proficiencies",
        &["customer_id", "proficiency_id", "is_active", "granted_at", "created_at", "updated_at"],
    );
    let mut association_members = Rows::new("association_members", &["association_id", "customer_id", "created_at"]);
    let mut customer_challenges =
        Rows::new("customer_challenges", &["customer_id", "challenge_id", "status", "started_at", "completed_at"]);
    let mut reservations = Rows::new(
        "reservations",
        &["customer_id", "event_type_id", "location_id", "starts_at", "ends_at", "status", "created_at"],
    );
    let mut check_ins = Rows::new(
        "check_ins",
        &[
            "customer_id",
            "location_id",
            "checked_in_at",
            "local_datetime",
            "checked_out_at",
            "local_checkout_datetime",
            "entry_method",
            "entry_method_description",
            "free_entry_reason",
            "created_at",
        ],
    );
    let mut credits = Rows::new("credits", &["customer_id", "amount", "description", "created_at"]);
    let mut payments = Rows::new("payments", &["customer_id", "amount", "description", "created_at"]);
    let mut vouchers =
        Rows::new("event_vouchers", &["customer_id", "name", "uses_remaining", "expiration_date", "created_at"]);
    let mut guest_usages = Rows::new(
        "guest_pass_usages",
        &["customer_id", "guest_first_name", "guest_last_name", "location_id", "used_at", "created_at"],
    );
    let known_fields: HashSet<&str> = CUSTOMER_FIELDS.iter().map(|f| f.name).chain(["custom_field_values"]).collect();

    for (i, c) in doc.customers.iter().enumerate() {
        let record = match c.id {
            Some(id) => format!("customers[{i}] (id {id})"),
            None => format!("customers[{i}]"),
        };
        let id = customer_db_id(i);
        for key in c.fields.keys() {
            if !known_fields.contains(key.as_str()) {
                p.add(&record, key, "unknown field");
            }
        }
        let write = match CustomerWrite::from_json(&c.fields, WriteMode::Full) {
            Ok(w) => w,
            Err(errors) => {
                for (field, messages) in errors.0 {
                    for m in messages {
                        p.add(&record, &field, m);
                    }
                }
                continue;
            }
        };
        let text = |name: &str| write.text(name).unwrap_or("").to_string();
        let email_key = text("email").to_lowercase();
        if !emails.insert(email_key.clone()) {
            p.add(&record, "email", "customer with this email already exists.");
        }
        let barcode = text("barcode");
        if !barcode.is_empty() && !barcodes.insert(barcode.clone()) {
            p.add(&record, "barcode", "customer with this barcode already exists.");
        }
        let mut row: Vec<BulkValue> = Vec::with_capacity(customer_columns.len());
        for spec in &CUSTOMER_FIELDS {
            let value = match write.get(spec.name) {
                Some(FieldValue::Text(s)) if spec.name == "barcode" && s.is_empty() => BulkValue::Null,
                Some(FieldValue::Text(s)) => s.clone().into(),
                Some(FieldValue::Date(d)) => d.to_string().into(),
                Some(FieldValue::Gender(g)) => BulkValue::from(g.map(|g| g.code().to_string())),
                Some(FieldValue::Bool(b)) => (*b).into(),
                Some(FieldValue::LocationId(None)) => BulkValue::Null,
                Some(FieldValue::LocationId(Some(l))) => {
                    BulkValue::from(locations.resolve(*l, &record, "home_location_id", &mut p))
                }
                None => match spec.kind {
                    crate::model::fields::FieldKind::Bool => false.into(),
                    crate::model::fields::FieldKind::Gender => BulkValue::Null,
                    crate::model::fields::FieldKind::LocationId => BulkValue::Null,
                    _ if spec.name == "barcode" => BulkValue::Null,
                    _ => "".into(),
                },
            };
            row.push(value);
        }
        let created = c.created_at.map(micros).unwrap_or(now_us);
        row.extend([
            email_key.into(),
            text("address_postcode").trim().to_lowercase().into(),
            sort_key(&text("last_name")).into(),
            sort_key(&text("first_name")).into(),
            search_text(
                &text("email"),
                &text("first_name"),
                &text("last_name"),
                &text("preferred_name"),
                &text("telephone"),
                &barcode,
            )
            .into(),
            id.into(),
            c.is_active.into(),
            c.capitan_invite_sent.into(),
            c.has_capitan_login.into(),
            created.into(),
            c.updated_at.map(micros).unwrap_or(created).into(),
        ]);
        customer_rows.push(row);

        for (field_id, value) in write.custom_field_values.iter().flatten() {
            if let Some(f) = custom_fields.resolve(*field_id, &record, "custom_field_values", &mut p)
                && !value.is_empty()
            {
                cfv.push([id.into(), f.into(), value.clone().into()]);
            }
        }
        let mut seen_tags = HashSet::new();
        for tag in &c.tags {
            let key = tag.trim().to_lowercase();
            if key.is_empty() {
                p.add(&record, "tags", "a tag may not be blank");
                continue;
            }
            let tag_id = *tag_ids.entry(key.clone()).or_insert_with(|| {
                let id = next_tag;
                next_tag += 1;
                new_tags.push([id.into(), tag.trim().into(), key.clone().into()]);
                id
            });
            if seen_tags.insert(tag_id) {
                customer_tags.push([id.into(), tag_id.into()]);
            }
        }
        for (j, d) in c.documents.iter().enumerate() {
            check_code(&d.status, &["ACT", "REV"], &format!("{record} documents[{j}]"), "status", &mut p);
            let at = d.created_at.map(micros).unwrap_or(created);
            documents.push([
                id.into(),
                texts.get(&d.name).into(),
                BulkValue::from(d.pdf.clone()),
                opt_date(d.expiration_date),
                texts.get(&d.status).into(),
                at.into(),
                at.into(),
            ]);
        }
        for (j, e) in c.emergency_contacts.iter().enumerate() {
            for (field, value) in
                [("first_name", &e.first_name), ("last_name", &e.last_name), ("telephone", &e.telephone)]
            {
                if value.trim().is_empty() {
                    p.add(&format!("{record} emergency_contacts[{j}]"), field, "This field may not be blank.");
                }
            }
            contacts.push([
                id.into(),
                e.first_name.trim().into(),
                e.last_name.trim().into(),
                e.telephone.trim().into(),
                e.email.trim().into(),
                e.relation.trim().into(),
                created.into(),
                created.into(),
            ]);
        }
        for (j, m) in c.medical_notes.iter().enumerate() {
            if m.medical_notes.trim().is_empty() {
                p.add(&format!("{record} medical_notes[{j}]"), "medical_notes", "This field may not be blank.");
            }
            medical.push([id.into(), m.medical_notes.clone().into(), created.into(), created.into()]);
        }
        for n in &c.notes {
            let at = n.created_at.map(micros).unwrap_or(created);
            notes.push([id.into(), n.note.clone().into(), at.into(), at.into()]);
        }
        for a in &c.alerts {
            alerts.push([
                id.into(),
                a.message.clone().into(),
                a.prevents_check_in.into(),
                created.into(),
                created.into(),
            ]);
        }
        for (j, e) in c.entry_passes.iter().enumerate() {
            let rec = format!("{record} entry_passes[{j}]");
            if e.uses_remaining < 0 || e.uses_remaining > e.uses_total {
                p.add(&rec, "uses_remaining", "must be between 0 and uses_total");
            }
            let association = e.association_id.and_then(|a| associations.resolve(a, &rec, "association_id", &mut p));
            passes.push([
                id.into(),
                texts.get(&e.name).into(),
                e.uses_total.into(),
                e.uses_remaining.into(),
                opt_date(e.expiration_date),
                (e.is_association_pass || association.is_some()).into(),
                BulkValue::from(association),
                created.into(),
                created.into(),
            ]);
        }
        for (j, cp) in c.proficiencies.iter().enumerate() {
            let rec = format!("{record} proficiencies[{j}]");
            if let Some(pid) = proficiencies.resolve(cp.proficiency_id, &rec, "proficiency_id", &mut p) {
                let at = cp.granted_at.map(micros).unwrap_or(created);
                customer_proficiencies.push([
                    id.into(),
                    pid.into(),
                    cp.is_active.into(),
                    at.into(),
                    at.into(),
                    at.into(),
                ]);
            }
        }
        for a in &c.association_ids {
            if let Some(aid) = associations.resolve(*a, &record, "association_ids", &mut p) {
                association_members.push([aid.into(), id.into(), created.into()]);
            }
        }
        for (j, ch) in c.challenges.iter().enumerate() {
            let rec = format!("{record} challenges[{j}]");
            check_code(&ch.status, &["INP", "COM"], &rec, "status", &mut p);
            if let Some(cid) = challenges.resolve(ch.challenge_id, &rec, "challenge_id", &mut p) {
                customer_challenges.push([
                    id.into(),
                    cid.into(),
                    ch.status.clone().into(),
                    ch.started_at.map(micros).unwrap_or(created).into(),
                    BulkValue::from(ch.completed_at.map(micros)),
                ]);
            }
        }
        for (j, r) in c.reservations.iter().enumerate() {
            let rec = format!("{record} reservations[{j}]");
            check_code(&r.status, &["CON", "CAN"], &rec, "status", &mut p);
            let event_type = event_types.resolve(r.event_type_id, &rec, "event_type_id", &mut p);
            let location = r.location_id.and_then(|l| locations.resolve(l, &rec, "location_id", &mut p));
            let ends = r.ends_at.unwrap_or(r.starts_at);
            reservations.push([
                id.into(),
                BulkValue::from(event_type),
                BulkValue::from(location),
                micros(r.starts_at).into(),
                micros(ends).into(),
                r.status.clone().into(),
                created.into(),
            ]);
        }
        for (j, k) in c.check_ins.iter().enumerate() {
            let rec = format!("{record} check_ins[{j}]");
            check_code(&k.entry_method, &ENTRY_METHODS, &rec, "entry_method", &mut p);
            let Some(location) = locations.resolve(k.location_id, &rec, "location_id", &mut p) else {
                continue;
            };
            let Some(tz) = location_tz.get(&k.location_id) else {
                continue;
            };
            let local = |ts: Timestamp| wall_clock(tz, ts);
            check_ins.push([
                id.into(),
                location.into(),
                micros(k.checked_in_at).into(),
                local(k.checked_in_at).into(),
                BulkValue::from(k.checked_out_at.map(micros)),
                BulkValue::from(k.checked_out_at.map(local)),
                texts.get(&k.entry_method).into(),
                texts.get(&k.entry_method_description).into(),
                BulkValue::from(k.free_entry_reason.as_deref().map(|r| texts.get(r))),
                micros(k.checked_in_at).into(),
            ]);
        }
        for (rows, items) in [(&mut credits, &c.credits), (&mut payments, &c.payments)] {
            for item in items {
                rows.push([
                    id.into(),
                    item.amount.clone().into(),
                    texts.get(&item.description).into(),
                    item.created_at.map(micros).unwrap_or(created).into(),
                ]);
            }
        }
        for v in &c.event_vouchers {
            vouchers.push([
                id.into(),
                v.name.clone().into(),
                v.uses_remaining.into(),
                opt_date(v.expiration_date),
                created.into(),
            ]);
        }
        for (j, g) in c.guest_pass_usages.iter().enumerate() {
            let rec = format!("{record} guest_pass_usages[{j}]");
            let location = g.location_id.and_then(|l| locations.resolve(l, &rec, "location_id", &mut p));
            guest_usages.push([
                id.into(),
                g.guest_first_name.clone().into(),
                g.guest_last_name.clone().into(),
                BulkValue::from(location),
                micros(g.used_at).into(),
                micros(g.used_at).into(),
            ]);
        }
    }

    // Memberships and who they cover.
    let mut membership_rows = Rows::new(
        "customer_memberships",
        &[
            "id",
            "membership_type_id",
            "owner_id",
            "status",
            "start_date",
            "end_date",
            "interval",
            "billing_amount",
            "unfreeze_date",
            "created_at",
            "updated_at",
        ],
    );
    let mut member_rows =
        Rows::new("customer_membership_members", &["membership_id", "customer_id", "is_individually_frozen"]);
    let type_by_id: HashMap<i64, &ImportMembershipType> = doc.membership_types.iter().map(|t| (t.id, t)).collect();
    for (i, m) in doc.memberships.iter().enumerate() {
        let record = format!("memberships[{i}]");
        let membership_id = next["customer_memberships"] + i as i64;
        check_code(&m.status, &MEMBERSHIP_STATUSES, &record, "status", &mut p);
        if m.end_date.is_some_and(|end| end < m.start_date) {
            p.add(&record, "end_date", "ends before it starts");
        }
        let type_id = membership_types.resolve(m.membership_type_id, &record, "membership_type_id", &mut p);
        let owner = customers.resolve(m.owner_id, &record, "owner_id", &mut p);
        let kind = type_by_id.get(&m.membership_type_id);
        let at = today.to_zoned(org.time_zone.clone()).map(|z| micros(z.timestamp())).unwrap_or(now_us);
        membership_rows.push([
            membership_id.into(),
            BulkValue::from(type_id),
            BulkValue::from(owner),
            texts.get(&m.status).into(),
            m.start_date.to_string().into(),
            opt_date(m.end_date),
            m.interval.clone().or_else(|| kind.map(|k| k.interval.clone())).unwrap_or_else(mon).into(),
            m.billing_amount
                .clone()
                .or_else(|| kind.map(|k| k.billing_amount.clone()))
                .unwrap_or_else(zero_amount)
                .into(),
            opt_date(m.unfreeze_date),
            at.into(),
            at.into(),
        ]);
        let members = if m.members.is_empty() {
            vec![ImportMember { customer_id: m.owner_id, is_individually_frozen: false }]
        } else {
            m.members.clone()
        };
        let mut seen = HashSet::new();
        for (j, member) in members.iter().enumerate() {
            let rec = format!("{record} members[{j}]");
            if let Some(cid) = customers.resolve(member.customer_id, &rec, "customer_id", &mut p) {
                if seen.insert(cid) {
                    member_rows.push([membership_id.into(), cid.into(), member.is_individually_frozen.into()]);
                } else {
                    p.add(&rec, "customer_id", "listed twice");
                }
            }
        }
    }

    // Relations, both sides.
    let mut relation_rows =
        Rows::new("relations", &["customer_id", "related_customer_id", "relation", "created_at", "updated_at"]);
    let mut relation_pairs = HashSet::new();
    for (i, r) in doc.relations.iter().enumerate() {
        let record = format!("relations[{i}]");
        check_code(&r.relation, &RELATION_CODES, &record, "relation", &mut p);
        let a = customers.resolve(r.customer_id, &record, "customer_id", &mut p);
        let b = customers.resolve(r.related_customer_id, &record, "related_customer_id", &mut p);
        let (Some(a), Some(b)) = (a, b) else { continue };
        if a == b {
            p.add(&record, "related_customer_id", "a customer cannot be related to themselves");
            continue;
        }
        if !relation_pairs.insert((a.min(b), a.max(b))) {
            p.add(&record, "related_customer_id", "these customers are already related");
            continue;
        }
        relation_rows.push([a.into(), b.into(), texts.get(&r.relation).into(), now_us.into(), now_us.into()]);
        relation_rows.push([
            b.into(),
            a.into(),
            texts.get(reverse_relation(&r.relation)).into(),
            now_us.into(),
            now_us.into(),
        ]);
    }

    if !p.0.is_empty() {
        return Err(ImportFailure(p.0));
    }
    // In time order, the check-ins' time indexes are appended to rather than
    // written all over (and their ids follow time, as the API's own would).
    check_ins.sort_by_integer(2);

    let summary = ImportSummary {
        locations: location_rows.len(),
        membership_types: type_rows.len(),
        customers: customer_rows.len(),
        memberships: membership_rows.len(),
        check_ins: check_ins.len(),
        other_records: 0,
    };
    tracing::debug!(elapsed_ms = checking.elapsed().as_millis() as u64, "document checked");
    // The organization's existing customers: only the calendar may have moved
    // for them since their summary columns were computed.
    let as_of = derived::as_of(org, conn).await?;
    derived::catch_up(org, conn, as_of, today).await?;

    let mut other = 0;
    let in_order = [
        location_rows,
        custom_field_rows,
        proficiency_rows,
        association_rows,
        challenge_rows,
        event_type_rows,
        type_rows,
        new_tags,
        customer_rows,
        cfv,
        customer_tags,
        documents,
        contacts,
        medical,
        notes,
        alerts,
        passes,
        customer_proficiencies,
        association_members,
        customer_challenges,
        reservations,
        check_ins,
        credits,
        payments,
        vouchers,
        guest_usages,
        membership_rows,
        member_rows,
        relation_rows,
    ];
    // Indexes built once after a load that dwarfs their table cost far less
    // than indexes updated row by row.
    let mut set_aside = Vec::new();
    for rows in in_order {
        if ![
            "locations",
            "membership_types",
            "customers",
            "customer_memberships",
            "check_ins",
            "customer_membership_members",
        ]
        .contains(&rows.table)
        {
            other += rows.len();
        }
        let started = std::time::Instant::now();
        let (table, count) = (rows.table, rows.len());
        if count >= BULK_LOAD_ROWS && count as i64 >= bulk::row_count(conn, table).await? {
            set_aside.extend(bulk::set_indexes_aside(conn, table).await?);
        }
        bulk::insert_rows(org, conn, rows.table, &rows.columns, rows.values).await.map_err(|e| {
            ImportFailure(vec![ImportError {
                record: rows.table.to_string(),
                field: String::new(),
                message: e.to_string(),
            }])
        })?;
        tracing::debug!(table, rows = count, elapsed_ms = started.elapsed().as_millis() as u64, "imported");
    }
    let started = std::time::Instant::now();
    let large = !set_aside.is_empty();
    bulk::restore_indexes(conn, set_aside).await?;
    tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, "indexes restored");
    // The new customers get every summary column computed; memberships and
    // relations in a document only ever cover the document's own customers.
    let started = std::time::Instant::now();
    if summary.customers > 0 {
        let last = first_customer + summary.customers as i64 - 1;
        derived::refresh_customer_range(org, conn, first_customer, last, today).await?;
    }
    tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, "summary columns computed");
    if large {
        // The data's shape changed enough for the planner's statistics to matter.
        let started = std::time::Instant::now();
        bulk::analyze(conn).await?;
        tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, "statistics gathered");
    }
    Ok(ImportSummary { other_records: other, ..summary })
}

/// Reads and parses an import file, naming the place of a syntax error.
pub fn read_document(path: &std::path::Path) -> Result<ImportDocument, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{} is not a valid import document: {e}", path.display()))
}
