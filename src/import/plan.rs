//! The pure pass of an import: checks a document against the facts loaded
//! from the database and turns it into the rows to write, or into every
//! problem found (each naming its record and field). No database here.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::document::{
    CustomerKey, CustomerRef, ImportCustomer, ImportDocument, ImportMember, ImportNamed, RecordKey, key_at, mon,
    zero_amount,
};
use super::{Action, ImportError, ImportReport, ImportSummary, ReportEntry};
use crate::model::Customer;
use crate::model::customer::CUSTOMER_FIELDS;
use crate::model::customer_write::CustomerWrite;
use crate::model::fields::WriteMode;
use crate::model::subrecords::{RELATION_CODES, reverse_relation};
use crate::model::terms::INTERVALS;
use crate::storage::bulk::BulkValue;
use crate::storage::import_plan::{Change, ExistingRecords, ImportRow, Table, TableRows, row, row_values};
use crate::storage::{OrgScope, local_datetime, parse_time_zone};

const MEMBERSHIP_STATUSES: [&str; 7] = ["ACT", "FRZ", "END", "CAN", "FUT", "PAY", "IPC"];
const ENTRY_METHODS: [&str; 5] = ["MEM", "ENT", "GUE", "FRE", "EVE"];

/// A checked document: the rows to write and what they amount to.
pub struct ImportPlan {
    pub tables: Vec<TableRows>,
    /// Writes to rows that exist already (records matched by external id).
    pub changes: Vec<Change>,
    /// The id each record of the document got or kept.
    pub report: ImportReport,
    /// The id range the new customers get, if any.
    pub new_customers: Option<(i64, i64)>,
    /// The organization's date at the import's `now`.
    pub today: Date,
    pub summary: ImportSummary,
}

/// Checks `doc` and plans its rows; every problem found, first one first.
pub fn plan(
    doc: &ImportDocument,
    existing: &ExistingRecords,
    org: &OrgScope,
    now: Timestamp,
) -> Result<ImportPlan, Vec<ImportError>> {
    let mut planner = Planner::new(doc, existing, org, now);
    planner.locations();
    planner.named();
    planner.membership_types();
    planner.customers();
    planner.memberships();
    planner.relations();
    planner.finish()
}

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

/// The database ids of one kind's records: an existing record's where one
/// matches (by external id; a location also by name), a new one's from
/// `next` on otherwise. Also checks document ids are unique.
struct Assigned {
    ids: IdMap,
    /// For each record, the existing record it matched.
    matched: Vec<Option<i64>>,
    /// For each record, its database id.
    database: Vec<i64>,
}

impl IdMap {
    fn assign(
        kind: &'static str,
        records: impl Iterator<Item = (i64, Option<i64>)>,
        next: i64,
        problems: &mut Problems,
    ) -> Assigned {
        let mut map = HashMap::new();
        let (mut matched, mut database) = (Vec::new(), Vec::new());
        let mut next = next;
        for (i, (doc_id, existing)) in records.enumerate() {
            let id = existing.unwrap_or_else(|| {
                next += 1;
                next - 1
            });
            if map.insert(doc_id, id).is_some() {
                problems.add(&format!("{kind}[{i}]"), "id", format!("id {doc_id} is used twice"));
            }
            matched.push(existing);
            database.push(id);
        }
        Assigned { ids: IdMap { kind, map }, matched, database }
    }

    fn resolve(&self, doc_id: i64, record: &str, field: &str, problems: &mut Problems) -> Option<i64> {
        let found = self.map.get(&doc_id).copied();
        if found.is_none() {
            problems.add(record, field, format!("no {} with id {doc_id} in this document", self.kind));
        }
        found
    }

    /// The database id of a record of the document itself (assigned, so present).
    fn own(&self, doc_id: i64) -> BulkValue {
        BulkValue::from(self.map.get(&doc_id).copied())
    }
}

/// An update of an existing row to `row`'s values in the columns the
/// document gave (`given`, among `updatable`) and in `always`.
fn update<R: ImportRow>(table: Table, id: i64, row: R, key: &RecordKey, updatable: &[&str], always: &[&str]) -> Change {
    let values = row_values(row);
    let (mut columns, mut kept) = (Vec::new(), Vec::new());
    for (column, value) in R::COLUMNS.iter().zip(values) {
        let external = *column == "external_id" && key.external_id.is_some();
        if external || always.contains(column) || (updatable.contains(column) && key.gave(column)) {
            columns.push(*column);
            kept.push(value);
        }
    }
    Change::Update { table, id, columns, values: kept }
}

/// The tables holding a customer's own records, with the document key that
/// lists them and the column naming the customer: an update of the customer
/// replaces the lists its entry gives.
const CUSTOMER_RECORDS: [(Table, &str, &str); 17] = [
    (Table::CustomFieldValues, "custom_field_values", "customer_id"),
    (Table::CustomerTags, "tags", "customer_id"),
    (Table::Documents, "documents", "customer_id"),
    (Table::EmergencyContacts, "emergency_contacts", "customer_id"),
    (Table::MedicalNotes, "medical_notes", "customer_id"),
    (Table::Notes, "notes", "customer_id"),
    (Table::Alerts, "alerts", "customer_id"),
    (Table::EntryPasses, "entry_passes", "owner_id"),
    (Table::CustomerProficiencies, "proficiencies", "customer_id"),
    (Table::AssociationMembers, "association_ids", "customer_id"),
    (Table::CustomerChallenges, "challenges", "customer_id"),
    (Table::Reservations, "reservations", "customer_id"),
    (Table::CheckIns, "check_ins", "customer_id"),
    (Table::Credits, "credits", "customer_id"),
    (Table::Payments, "payments", "customer_id"),
    (Table::EventVouchers, "event_vouchers", "customer_id"),
    (Table::GuestPassUsages, "guest_pass_usages", "customer_id"),
];

/// Checks that no external id is given twice in one kind.
fn unique_external_ids<'k>(list: &str, ids: impl Iterator<Item = Option<&'k str>>, p: &mut Problems) {
    let mut seen = HashSet::new();
    for (i, id) in ids.enumerate() {
        if let Some(id) = id
            && !seen.insert(id)
        {
            p.add(&format!("{list}[{i}]"), "external_id", format!("external_id {id:?} is used twice"));
        }
    }
}

/// What a customer entry of the document does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CustomerEntry {
    New,
    /// Matched by external id: its fields and records are the document's.
    Update,
    /// Named by `existing`: the entry's records are added to it.
    Attach,
}

fn check_code(code: &str, allowed: &[&str], record: &str, field: &str, problems: &mut Problems) {
    if !allowed.contains(&code) {
        problems.add(record, field, format!("\"{code}\" is not one of {}", allowed.join(", ")));
    }
}

/// The wall-clock time of `ts` in `tz` as check-ins store it
/// (`YYYY-MM-DDTHH:MM:SS`); a million of them are formatted per large import.
fn wall_clock(tz: &TimeZone, ts: Timestamp) -> String {
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
struct Texts(HashSet<Arc<str>>);

impl Texts {
    fn get(&mut self, text: &str) -> Arc<str> {
        if let Some(shared) = self.0.get(text) {
            return shared.clone();
        }
        let shared: Arc<str> = text.into();
        self.0.insert(shared.clone());
        shared
    }
}

/// The rows of every table, by table.
struct RowSet(Vec<TableRows>);

impl RowSet {
    fn new() -> RowSet {
        RowSet(Table::ALL.iter().map(|t| TableRows::new(*t)).collect())
    }

    fn at(&mut self, table: Table) -> &mut TableRows {
        &mut self.0[table as usize]
    }
}

/// Database ids of the document's records, by kind.
struct Ids {
    /// Per kind (list name): which existing record each record matched, and
    /// the database id each got.
    matched: HashMap<&'static str, (Vec<Option<i64>>, Vec<i64>)>,
    locations: IdMap,
    custom_fields: IdMap,
    proficiencies: IdMap,
    associations: IdMap,
    challenges: IdMap,
    event_types: IdMap,
    membership_types: IdMap,
    customers: IdMap,
}

struct Planner<'a> {
    doc: &'a ImportDocument,
    existing: &'a ExistingRecords,
    org: &'a OrgScope,
    p: Problems,
    texts: Texts,
    now_us: i64,
    today: Date,
    ids: Ids,
    /// What each customer entry does, and its database id.
    customer_entries: Vec<(CustomerEntry, Option<i64>)>,
    customer_ids: Vec<i64>,
    /// The range of the new customers' ids.
    new_customers: Option<(i64, i64)>,
    changes: Vec<Change>,
    /// Membership types' (interval, billing amount) by document id.
    type_terms: HashMap<i64, (String, String)>,
    location_tz: HashMap<i64, TimeZone>,
    /// Taken emails and barcodes, with the customer holding each.
    emails: HashMap<String, i64>,
    barcodes: HashMap<String, i64>,
    tag_ids: HashMap<String, i64>,
    next_tag: i64,
    rows: RowSet,
}

impl<'a> Planner<'a> {
    /// Gives every record its database id, checking document ids are unique:
    /// an existing record's when its external id (a location's name, a
    /// customer's `existing`) names one, a new one otherwise.
    fn new(doc: &'a ImportDocument, existing: &'a ExistingRecords, org: &'a OrgScope, now: Timestamp) -> Self {
        let mut p = Problems::default();
        let next = |t| existing.next_id(t);
        let by_key = |table: Table, keys: &[RecordKey], i: usize| {
            key_at(keys, i).external_id.and_then(|x| existing.by_external_id(table, &x))
        };
        let k = &doc.keys;
        for (list, keys) in [
            ("locations", &k.locations),
            ("custom_fields", &k.custom_fields),
            ("proficiencies", &k.proficiencies),
            ("associations", &k.associations),
            ("challenges", &k.challenges),
            ("event_types", &k.event_types),
            ("membership_types", &k.membership_types),
            ("memberships", &k.memberships),
        ] {
            unique_external_ids(list, keys.iter().map(|k| k.external_id.as_deref()), &mut p);
        }
        unique_external_ids("customers", k.customers.iter().map(|k| k.external_id.as_deref()), &mut p);
        let mut matched = HashMap::new();
        let locations = IdMap::assign(
            "location",
            doc.locations.iter().enumerate().map(|(i, l)| {
                let found = by_key(Table::Locations, &k.locations, i)
                    .or_else(|| existing.names(Table::Locations).get(l.name.trim()).copied());
                (l.id, found)
            }),
            next(Table::Locations),
            &mut p,
        );
        let mut named = |kind, list, table, items: &[ImportNamed], keys: &[RecordKey], p: &mut Problems| {
            let a = IdMap::assign(
                kind,
                items.iter().enumerate().map(|(i, x)| (x.id, by_key(table, keys, i))),
                next(table),
                p,
            );
            matched.insert(list, (a.matched, a.database));
            a.ids
        };
        let custom_fields =
            named("custom field", "custom_fields", Table::CustomFields, &doc.custom_fields, &k.custom_fields, &mut p);
        let proficiencies =
            named("proficiency", "proficiencies", Table::Proficiencies, &doc.proficiencies, &k.proficiencies, &mut p);
        let associations =
            named("association", "associations", Table::Associations, &doc.associations, &k.associations, &mut p);
        let challenges = named("challenge", "challenges", Table::Challenges, &doc.challenges, &k.challenges, &mut p);
        let event_types =
            named("event type", "event_types", Table::EventTypes, &doc.event_types, &k.event_types, &mut p);
        let membership_types = IdMap::assign(
            "membership type",
            doc.membership_types.iter().enumerate().map(|(i, t)| {
                let by_name = key_at(&k.membership_types, i)
                    .by_name
                    .then(|| existing.names(Table::MembershipTypes).get(t.name.trim()).copied())
                    .flatten();
                (t.id, by_key(Table::MembershipTypes, &k.membership_types, i).or(by_name))
            }),
            next(Table::MembershipTypes),
            &mut p,
        );
        matched.insert("locations", (locations.matched, locations.database));
        matched.insert("membership_types", (membership_types.matched, membership_types.database));
        // Every new customer gets a database id in document order; document
        // ids, where given, are how other records refer to them.
        let first_customer = next(Table::Customers);
        let mut next_customer = first_customer;
        let mut customers = IdMap { kind: "customer", map: HashMap::new() };
        let mut customer_entries = Vec::with_capacity(doc.customers.len());
        let mut customer_ids = Vec::with_capacity(doc.customers.len());
        for (i, c) in doc.customers.iter().enumerate() {
            let record = format!("customers[{i}]");
            let key: CustomerKey = key_at(&k.customers, i);
            let (entry, found) = match &key.existing {
                Some(reference) => {
                    let found = match reference {
                        CustomerRef::Id(id) => existing.customers.contains_key(id).then_some(*id),
                        CustomerRef::ExternalId(x) => existing.by_external_id(Table::Customers, x),
                        CustomerRef::Barcode(b) => existing.barcodes.get(b).copied(),
                        CustomerRef::Email(e) => existing.emails.get(&e.to_lowercase()).copied(),
                    };
                    if found.is_none() {
                        let with = match reference {
                            CustomerRef::Id(id) => format!("id {id}"),
                            CustomerRef::ExternalId(x) => format!("external_id {x:?}"),
                            CustomerRef::Barcode(b) => format!("barcode {b:?}"),
                            CustomerRef::Email(e) => format!("email {e:?}"),
                        };
                        p.add(&record, "existing", format!("{} has no customer with {with}", org.name));
                    }
                    (CustomerEntry::Attach, found)
                }
                None => match key.external_id.as_deref().and_then(|x| existing.by_external_id(Table::Customers, x)) {
                    Some(id) => (CustomerEntry::Update, Some(id)),
                    None => (CustomerEntry::New, None),
                },
            };
            let id = found.unwrap_or_else(|| {
                next_customer += 1;
                next_customer - 1
            });
            if let Some(doc_id) = c.id
                && customers.map.insert(doc_id, id).is_some()
            {
                p.add(&record, "id", format!("id {doc_id} is used twice"));
            }
            customer_entries.push((entry, found));
            customer_ids.push(id);
        }
        let new_customers = (next_customer > first_customer).then(|| (first_customer, next_customer - 1));
        Planner {
            doc,
            existing,
            org,
            p,
            texts: Texts::default(),
            now_us: micros(now),
            today: org.local_date(now),
            ids: Ids {
                matched,
                locations: locations.ids,
                custom_fields,
                proficiencies,
                associations,
                challenges,
                event_types,
                membership_types: membership_types.ids,
                customers,
            },
            customer_entries,
            customer_ids,
            new_customers,
            changes: Vec::new(),
            type_terms: HashMap::new(),
            location_tz: HashMap::new(),
            emails: existing.emails.clone(),
            barcodes: existing.barcodes.clone(),
            tag_ids: existing.tags.clone(),
            next_tag: next(Table::Tags),
            rows: RowSet::new(),
        }
    }

    /// Whether record `i` of `list` matched an existing record, and which.
    fn matched(&self, list: &str, i: usize) -> Option<i64> {
        self.ids.matched.get(list).and_then(|(m, _)| m.get(i).copied().flatten())
    }

    /// Checks a named record's name: not blank, and not another record's.
    fn check_name(
        &mut self,
        record: &str,
        name: &str,
        key: &RecordKey,
        own: Option<i64>,
        taken: &HashMap<String, i64>,
        seen: &mut HashSet<String>,
    ) {
        let name = name.trim();
        if own.is_some() && !key.gave("name") {
            return;
        }
        if name.is_empty() {
            match (&key.external_id, key.gave("name")) {
                (Some(x), false) => self.p.add(
                    record,
                    "name",
                    format!("no record of {} has external_id {x:?}, and there is no name to create one", self.org.name),
                ),
                _ => self.p.add(record, "name", "This field may not be blank."),
            }
        } else if taken.get(name).is_some_and(|id| Some(*id) != own) || !seen.insert(name.to_string()) {
            self.p.add(record, "name", format!("the name {name:?} is already taken"));
        }
    }

    /// Locations: new ones, and those matched by external id or name, updated
    /// in the keys the document gives.
    fn locations(&mut self) {
        let (doc, org) = (self.doc, self.org);
        let existing_locations = self.existing.names(Table::Locations);
        let mut seen = HashSet::new();
        for (i, l) in doc.locations.iter().enumerate() {
            let record = format!("locations[{i}] (id {})", l.id);
            let key = key_at(&doc.keys.locations, i);
            let own = self.matched("locations", i);
            let stored_tz = own.and_then(|id| self.existing.location_zones.get(&id).cloned());
            let tz_name = l.time_zone.clone().or(stored_tz).unwrap_or_else(|| org.time_zone_name.clone());
            match parse_time_zone(&tz_name) {
                Ok(tz) => {
                    self.location_tz.insert(l.id, tz);
                }
                Err(message) => self.p.add(&record, "time_zone", message),
            }
            let mut taken = existing_locations.clone();
            taken.retain(|_, id| Some(*id) != own);
            if own.is_some() && !key.gave("name") {
                // Only refers to the location.
            } else if l.name.trim().is_empty() {
                self.check_name(&record, &l.name, &key, own, &taken, &mut seen);
            } else if taken.contains_key(l.name.trim()) {
                self.p.add(&record, "name", format!("{} already has a location named {:?}", org.name, l.name));
            } else if !seen.insert(l.name.trim().to_string()) {
                self.p.add(&record, "name", format!("the name {:?} is already taken", l.name));
            }
            let location = row::Location {
                id: self.ids.locations.own(l.id),
                name: l.name.trim().into(),
                time_zone: tz_name.into(),
                combine_same_day_check_ins: l.combine_same_day_check_ins.into(),
                created_at: self.now_us.into(),
                external_id: key.external_id.clone().into(),
            };
            match own {
                Some(id) => self.changes.push(update(
                    Table::Locations,
                    id,
                    location,
                    &key,
                    &["name", "time_zone", "combine_same_day_check_ins"],
                    &[],
                )),
                None => self.rows.at(Table::Locations).push(location),
            }
        }
    }

    /// The organization's named records.
    fn named(&mut self) {
        let doc = self.doc;
        for (kind, table, items, keys) in [
            ("custom_fields", Table::CustomFields, &doc.custom_fields, &doc.keys.custom_fields),
            ("proficiencies", Table::Proficiencies, &doc.proficiencies, &doc.keys.proficiencies),
            ("associations", Table::Associations, &doc.associations, &doc.keys.associations),
            ("challenges", Table::Challenges, &doc.challenges, &doc.keys.challenges),
            ("event_types", Table::EventTypes, &doc.event_types, &doc.keys.event_types),
        ] {
            let taken = self.existing.names(table);
            let mut seen = HashSet::new();
            for (i, item) in items.iter().enumerate() {
                let record = format!("{kind}[{i}] (id {})", item.id);
                let key = key_at(keys, i);
                let own = self.matched(kind, i);
                self.check_name(&record, &item.name, &key, own, taken, &mut seen);
                let ids = match table {
                    Table::CustomFields => &self.ids.custom_fields,
                    Table::Proficiencies => &self.ids.proficiencies,
                    Table::Associations => &self.ids.associations,
                    Table::Challenges => &self.ids.challenges,
                    _ => &self.ids.event_types,
                };
                let (id, name, external_id) =
                    (ids.own(item.id), BulkValue::from(item.name.trim()), BulkValue::from(key.external_id.clone()));
                let updatable = ["name", "description"];
                let change = match table {
                    Table::CustomFields => {
                        let r = row::CustomField { id, name, position: (i as i64).into(), external_id };
                        self.add_or_update(table, own, r, &key, &updatable)
                    }
                    Table::Proficiencies | Table::Challenges => {
                        let description = item.description.clone().into();
                        let r = row::Described { id, name, description, external_id };
                        self.add_or_update(table, own, r, &key, &updatable)
                    }
                    _ => self.add_or_update(table, own, row::Named { id, name, external_id }, &key, &updatable),
                };
                self.changes.extend(change);
            }
        }
    }

    /// `row` added to its table, or the update of the existing record it matched.
    fn add_or_update<R: ImportRow>(
        &mut self,
        table: Table,
        own: Option<i64>,
        row: R,
        key: &RecordKey,
        updatable: &[&str],
    ) -> Option<Change> {
        match own {
            Some(id) => Some(update(table, id, row, key, updatable, &[])),
            None => {
                self.rows.at(table).push(row);
                None
            }
        }
    }

    fn membership_types(&mut self) {
        let taken = self.existing.names(Table::MembershipTypes);
        let mut seen = HashSet::new();
        for (i, t) in self.doc.membership_types.iter().enumerate() {
            let record = format!("membership_types[{i}] (id {})", t.id);
            let key = key_at(&self.doc.keys.membership_types, i);
            let own = self.matched("membership_types", i);
            if key.by_name {
                if own.is_none() {
                    self.p.add(&record, "name", format!("{} has no membership type named {:?}", self.org.name, t.name));
                }
                // Only refers to the type.
                let (interval, amount) =
                    own.and_then(|id| self.existing.type_terms.get(&id)).cloned().unwrap_or_default();
                self.type_terms.insert(t.id, (interval, amount));
                continue;
            }
            self.check_name(&record, &t.name, &key, own, taken, &mut seen);
            check_code(&t.interval, &INTERVALS, &record, "interval", &mut self.p);
            let location =
                t.location_id.and_then(|l| self.ids.locations.resolve(l, &record, "location_id", &mut self.p));
            // A membership without its own terms takes its type's: the
            // stored type's where the document does not restate them.
            let stored = own.and_then(|id| self.existing.type_terms.get(&id));
            let interval = match stored {
                Some((interval, _)) if !key.gave("interval") => interval.clone(),
                _ => t.interval.clone(),
            };
            let amount = match stored {
                Some((_, amount)) if !key.gave("billing_amount") => amount.clone(),
                _ => t.billing_amount.clone(),
            };
            self.type_terms.insert(t.id, (interval, amount));
            let r = row::MembershipType {
                id: self.ids.membership_types.own(t.id),
                name: t.name.trim().into(),
                description: t.description.clone().into(),
                status: t.status.clone().into(),
                purchase_type: t.purchase_type.clone().into(),
                interval: t.interval.clone().into(),
                is_group: t.is_group.into(),
                is_youth_programming: t.is_youth_programming.into(),
                billing_amount: t.billing_amount.clone().into(),
                location_id: BulkValue::from(location),
                created_at: self.now_us.into(),
                external_id: key.external_id.clone().into(),
            };
            let updatable = [
                "name",
                "description",
                "status",
                "purchase_type",
                "interval",
                "is_group",
                "is_youth_programming",
                "billing_amount",
                "location_id",
            ];
            let change = self.add_or_update(Table::MembershipTypes, own, r, &key, &updatable);
            self.changes.extend(change);
        }
    }

    /// Customers: the API's own rules, then uniqueness within the document and
    /// against the organization's existing customers.
    fn customers(&mut self) {
        let known_fields: HashSet<&str> =
            CUSTOMER_FIELDS.iter().map(|f| f.name).chain(["custom_field_values"]).collect();
        for (i, c) in self.doc.customers.iter().enumerate() {
            let record = match c.id {
                Some(id) => format!("customers[{i}] (id {id})"),
                None => format!("customers[{i}]"),
            };
            let id = self.customer_ids[i];
            let (entry, _) = self.customer_entries[i];
            for key in c.fields.keys() {
                if !known_fields.contains(key.as_str()) {
                    self.p.add(&record, key, "unknown field");
                }
            }
            let created = match entry {
                CustomerEntry::Attach => {
                    if !c.fields.is_empty() {
                        self.p.add(
                            &record,
                            "existing",
                            "an entry that adds records to an existing customer changes none of its fields \
                             (give the customer's external_id to update it)",
                        );
                    }
                    if let Some(x) = key_at(&self.doc.keys.customers, i).external_id {
                        self.changes.push(Change::Update {
                            table: Table::Customers,
                            id,
                            columns: vec!["external_id"],
                            values: vec![x.into()],
                        });
                    }
                    self.attached_tags(c, id, &record);
                    self.now_us
                }
                CustomerEntry::New | CustomerEntry::Update => {
                    let Some(created) = self.customer(c, i, id, &record) else {
                        continue;
                    };
                    created
                }
            };
            if entry == CustomerEntry::Update {
                // The lists the entry gives replace the stored ones; the
                // others are kept (the entry has none of them to add).
                let key = key_at(&self.doc.keys.customers, i);
                for (table, list, column) in CUSTOMER_RECORDS {
                    if key.gave_list(list) {
                        self.changes.push(Change::Delete { table, matching: vec![(column, id)] });
                    }
                }
            }
            if entry == CustomerEntry::Attach {
                // A customer holds a proficiency or an association once: the
                // document's replaces the stored one.
                for cp in &c.proficiencies {
                    if let Some(&pid) = self.ids.proficiencies.map.get(&cp.proficiency_id) {
                        self.changes.push(Change::Delete {
                            table: Table::CustomerProficiencies,
                            matching: vec![("customer_id", id), ("proficiency_id", pid)],
                        });
                    }
                }
                for a in &c.association_ids {
                    if let Some(&aid) = self.ids.associations.map.get(a) {
                        self.changes.push(Change::Delete {
                            table: Table::AssociationMembers,
                            matching: vec![("customer_id", id), ("association_id", aid)],
                        });
                    }
                }
            }
            self.documents_and_contacts(c, id, created, &record);
            self.memberships_of_groups(c, id, created, &record);
            self.visits(c, id, created, &record);
        }
    }

    /// The tags of an entry adding records to an existing customer, added to
    /// the ones it has.
    fn attached_tags(&mut self, c: &ImportCustomer, id: i64, record: &str) {
        for tag in &c.tags {
            if let Some(tag_id) = self.tag(tag, record) {
                self.changes.push(Change::Delete {
                    table: Table::CustomerTags,
                    matching: vec![("customer_id", id), ("tag_id", tag_id)],
                });
                self.rows
                    .at(Table::CustomerTags)
                    .push(row::CustomerTag { customer_id: id.into(), tag_id: tag_id.into() });
            }
        }
    }

    /// The id of a tag by name, made if new; `None` for a blank one.
    fn tag(&mut self, tag: &str, record: &str) -> Option<i64> {
        let key = tag.trim().to_lowercase();
        if key.is_empty() {
            self.p.add(record, "tags", "a tag may not be blank");
            return None;
        }
        let new_tags = self.rows.at(Table::Tags);
        let next_tag = &mut self.next_tag;
        Some(*self.tag_ids.entry(key.clone()).or_insert_with(|| {
            let id = *next_tag;
            *next_tag += 1;
            new_tags.push(row::Tag { id: id.into(), name: tag.trim().into(), name_key: key.clone().into() });
            id
        }))
    }

    /// The customer's own row, custom field values and tags; `None` if the
    /// fields are invalid (the customer's other records are not checked then).
    fn customer(&mut self, c: &ImportCustomer, i: usize, id: i64, record: &str) -> Option<i64> {
        let p = &mut self.p;
        let write = match CustomerWrite::from_json(&c.fields, WriteMode::Full) {
            Ok(w) => w,
            Err(errors) => {
                for (field, messages) in errors.0 {
                    for m in messages {
                        p.add(record, &field, m);
                    }
                }
                return None;
            }
        };
        let text = |name: &str| write.text(name).unwrap_or("").to_string();
        let email_key = text("email").to_lowercase();
        if self.emails.insert(email_key.clone(), id).is_some_and(|other| other != id) {
            p.add(record, "email", "customer with this email already exists.");
        }
        let barcode = text("barcode");
        if !barcode.is_empty() && self.barcodes.insert(barcode.clone(), id).is_some_and(|other| other != id) {
            p.add(record, "barcode", "customer with this barcode already exists.");
        }
        let mut customer = Customer::default();
        if let Err(mismatch) = write.apply_to(&mut customer) {
            p.add(record, mismatch.field, mismatch.to_string());
            return None;
        }
        // The document's location ids become the database's.
        if let Some(location) = customer.home_location_id {
            customer.home_location_id = self.ids.locations.resolve(location, record, "home_location_id", p);
        }
        let created = c.created_at.map(micros).unwrap_or(self.now_us);
        let external_id = key_at(&self.doc.keys.customers, i).external_id;
        let customer_row = row::Customer {
            fields: &customer,
            id: id.into(),
            is_active: c.is_active.into(),
            capitan_invite_sent: c.capitan_invite_sent.into(),
            has_capitan_login: c.has_capitan_login.into(),
            created_at: created.into(),
            updated_at: c.updated_at.map(micros).unwrap_or(created).into(),
            external_id: external_id.into(),
        };
        if self.customer_entries[i].0 == CustomerEntry::Update {
            // Every column but the id; the stored `created_at` unless the
            // document gives one.
            let (mut columns, mut values) = (Vec::new(), Vec::new());
            for (column, value) in Table::Customers.columns().into_iter().zip(row_values(customer_row)) {
                if column != "id" && (column != "created_at" || c.created_at.is_some()) {
                    columns.push(column);
                    values.push(value);
                }
            }
            self.changes.push(Change::Update { table: Table::Customers, id, columns, values });
        } else {
            self.rows.at(Table::Customers).push(customer_row);
        }

        for (field_id, value) in write.custom_field_values.iter().flatten() {
            if let Some(f) = self.ids.custom_fields.resolve(*field_id, record, "custom_field_values", p)
                && !value.is_empty()
            {
                self.rows.at(Table::CustomFieldValues).push(row::CustomFieldValue {
                    customer_id: id.into(),
                    field_id: f.into(),
                    value: value.clone().into(),
                });
            }
        }
        let mut seen_tags = HashSet::new();
        for tag in &c.tags {
            let Some(tag_id) = self.tag(tag, record) else {
                continue;
            };
            if seen_tags.insert(tag_id) {
                self.rows
                    .at(Table::CustomerTags)
                    .push(row::CustomerTag { customer_id: id.into(), tag_id: tag_id.into() });
            }
        }
        Some(created)
    }

    /// Documents, emergency contacts, medical notes, notes, alerts and entry passes.
    fn documents_and_contacts(&mut self, c: &ImportCustomer, id: i64, created: i64, record: &str) {
        let (p, texts, rows) = (&mut self.p, &mut self.texts, &mut self.rows);
        for (j, d) in c.documents.iter().enumerate() {
            check_code(&d.status, &["ACT", "REV"], &format!("{record} documents[{j}]"), "status", p);
            let at = d.created_at.map(micros).unwrap_or(created);
            rows.at(Table::Documents).push(row::Document {
                customer_id: id.into(),
                name: texts.get(&d.name).into(),
                pdf: BulkValue::from(d.pdf.clone()),
                expiration_date: opt_date(d.expiration_date),
                status: texts.get(&d.status).into(),
                created_at: at.into(),
                updated_at: at.into(),
            });
        }
        for (j, e) in c.emergency_contacts.iter().enumerate() {
            for (field, value) in
                [("first_name", &e.first_name), ("last_name", &e.last_name), ("telephone", &e.telephone)]
            {
                if value.trim().is_empty() {
                    p.add(&format!("{record} emergency_contacts[{j}]"), field, "This field may not be blank.");
                }
            }
            rows.at(Table::EmergencyContacts).push(row::EmergencyContact {
                customer_id: id.into(),
                first_name: e.first_name.trim().into(),
                last_name: e.last_name.trim().into(),
                telephone: e.telephone.trim().into(),
                email: e.email.trim().into(),
                relation: e.relation.trim().into(),
                created_at: e.created_at.map(micros).unwrap_or(created).into(),
                updated_at: e.created_at.map(micros).unwrap_or(created).into(),
            });
        }
        for (j, m) in c.medical_notes.iter().enumerate() {
            if m.medical_notes.trim().is_empty() {
                p.add(&format!("{record} medical_notes[{j}]"), "medical_notes", "This field may not be blank.");
            }
            rows.at(Table::MedicalNotes).push(row::MedicalNote {
                customer_id: id.into(),
                medical_notes: m.medical_notes.clone().into(),
                created_at: m.created_at.map(micros).unwrap_or(created).into(),
                updated_at: m.created_at.map(micros).unwrap_or(created).into(),
            });
        }
        for n in &c.notes {
            let at = n.created_at.map(micros).unwrap_or(created);
            rows.at(Table::Notes).push(row::Note {
                customer_id: id.into(),
                note: n.note.clone().into(),
                created_at: at.into(),
                updated_at: at.into(),
            });
        }
        for a in &c.alerts {
            rows.at(Table::Alerts).push(row::Alert {
                customer_id: id.into(),
                message: a.message.clone().into(),
                prevents_check_in: a.prevents_check_in.into(),
                created_at: created.into(),
                updated_at: created.into(),
            });
        }
        for (j, e) in c.entry_passes.iter().enumerate() {
            let rec = format!("{record} entry_passes[{j}]");
            if e.uses_remaining < 0 || e.uses_remaining > e.uses_total {
                p.add(&rec, "uses_remaining", "must be between 0 and uses_total");
            }
            let association =
                e.association_id.and_then(|a| self.ids.associations.resolve(a, &rec, "association_id", p));
            rows.at(Table::EntryPasses).push(row::EntryPass {
                owner_id: id.into(),
                name: texts.get(&e.name).into(),
                uses_total: e.uses_total.into(),
                uses_remaining: e.uses_remaining.into(),
                expiration_date: opt_date(e.expiration_date),
                is_association_pass: (e.is_association_pass || association.is_some()).into(),
                created_at: created.into(),
                updated_at: created.into(),
                association_id: BulkValue::from(association),
            });
        }
    }

    /// Proficiencies, associations and challenges.
    fn memberships_of_groups(&mut self, c: &ImportCustomer, id: i64, created: i64, record: &str) {
        let (p, rows, ids) = (&mut self.p, &mut self.rows, &self.ids);
        for (j, cp) in c.proficiencies.iter().enumerate() {
            let rec = format!("{record} proficiencies[{j}]");
            if let Some(pid) = ids.proficiencies.resolve(cp.proficiency_id, &rec, "proficiency_id", p) {
                let at = cp.granted_at.map(micros).unwrap_or(created);
                rows.at(Table::CustomerProficiencies).push(row::CustomerProficiency {
                    customer_id: id.into(),
                    proficiency_id: pid.into(),
                    is_active: cp.is_active.into(),
                    granted_at: at.into(),
                    created_at: at.into(),
                    updated_at: at.into(),
                });
            }
        }
        for a in &c.association_ids {
            if let Some(aid) = ids.associations.resolve(*a, record, "association_ids", p) {
                rows.at(Table::AssociationMembers).push(row::AssociationMember {
                    association_id: aid.into(),
                    customer_id: id.into(),
                    created_at: created.into(),
                });
            }
        }
        for (j, ch) in c.challenges.iter().enumerate() {
            let rec = format!("{record} challenges[{j}]");
            check_code(&ch.status, &["INP", "COM"], &rec, "status", p);
            if let Some(cid) = ids.challenges.resolve(ch.challenge_id, &rec, "challenge_id", p) {
                rows.at(Table::CustomerChallenges).push(row::CustomerChallenge {
                    customer_id: id.into(),
                    challenge_id: cid.into(),
                    status: ch.status.clone().into(),
                    started_at: ch.started_at.map(micros).unwrap_or(created).into(),
                    completed_at: BulkValue::from(ch.completed_at.map(micros)),
                });
            }
        }
    }

    /// Reservations, check-ins, credits, payments, vouchers and guest passes.
    fn visits(&mut self, c: &ImportCustomer, id: i64, created: i64, record: &str) {
        let (p, texts, rows, ids) = (&mut self.p, &mut self.texts, &mut self.rows, &self.ids);
        for (j, r) in c.reservations.iter().enumerate() {
            let rec = format!("{record} reservations[{j}]");
            check_code(&r.status, &["CON", "CAN"], &rec, "status", p);
            let event_type = ids.event_types.resolve(r.event_type_id, &rec, "event_type_id", p);
            let location = r.location_id.and_then(|l| ids.locations.resolve(l, &rec, "location_id", p));
            let ends = r.ends_at.unwrap_or(r.starts_at);
            rows.at(Table::Reservations).push(row::Reservation {
                customer_id: id.into(),
                event_type_id: BulkValue::from(event_type),
                location_id: BulkValue::from(location),
                starts_at: micros(r.starts_at).into(),
                ends_at: micros(ends).into(),
                status: r.status.clone().into(),
                created_at: booked_at(micros(r.starts_at), created, self.now_us).into(),
            });
        }
        for (j, k) in c.check_ins.iter().enumerate() {
            let rec = format!("{record} check_ins[{j}]");
            check_code(&k.entry_method, &ENTRY_METHODS, &rec, "entry_method", p);
            let Some(location) = ids.locations.resolve(k.location_id, &rec, "location_id", p) else {
                continue;
            };
            let Some(tz) = self.location_tz.get(&k.location_id) else {
                continue;
            };
            let local = |ts: Timestamp| wall_clock(tz, ts);
            rows.at(Table::CheckIns).push(row::CheckIn {
                customer_id: id.into(),
                location_id: location.into(),
                checked_in_at: micros(k.checked_in_at).into(),
                local_datetime: local(k.checked_in_at).into(),
                checked_out_at: BulkValue::from(k.checked_out_at.map(micros)),
                local_checkout_datetime: BulkValue::from(k.checked_out_at.map(local)),
                entry_method: texts.get(&k.entry_method).into(),
                entry_method_description: texts.get(&k.entry_method_description).into(),
                free_entry_reason: BulkValue::from(k.free_entry_reason.as_deref().map(|r| texts.get(r))),
                created_at: micros(k.checked_in_at).into(),
            });
        }
        for (table, items) in [(Table::Credits, &c.credits), (Table::Payments, &c.payments)] {
            for item in items {
                rows.at(table).push(row::Ledger {
                    customer_id: id.into(),
                    amount: item.amount.clone().into(),
                    description: texts.get(&item.description).into(),
                    created_at: item.created_at.map(micros).unwrap_or(created).into(),
                });
            }
        }
        for v in &c.event_vouchers {
            rows.at(Table::EventVouchers).push(row::EventVoucher {
                customer_id: id.into(),
                name: v.name.clone().into(),
                uses_remaining: v.uses_remaining.into(),
                expiration_date: opt_date(v.expiration_date),
                created_at: v.created_at.map(micros).unwrap_or(created).into(),
            });
        }
        for (j, g) in c.guest_pass_usages.iter().enumerate() {
            let rec = format!("{record} guest_pass_usages[{j}]");
            let location = g.location_id.and_then(|l| ids.locations.resolve(l, &rec, "location_id", p));
            rows.at(Table::GuestPassUsages).push(row::GuestPassUsage {
                customer_id: id.into(),
                guest_first_name: g.guest_first_name.clone().into(),
                guest_last_name: g.guest_last_name.clone().into(),
                location_id: BulkValue::from(location),
                used_at: micros(g.used_at).into(),
                created_at: micros(g.used_at).into(),
            });
        }
    }

    /// Memberships and who they cover.
    fn memberships(&mut self) {
        let (org, p, texts, rows, ids) = (self.org, &mut self.p, &mut self.texts, &mut self.rows, &self.ids);
        let mut next_membership = self.existing.next_id(Table::Memberships);
        let mut memberships_matched = Vec::new();
        let mut memberships_database = Vec::new();
        for (i, m) in self.doc.memberships.iter().enumerate() {
            let record = format!("memberships[{i}]");
            let key = key_at(&self.doc.keys.memberships, i);
            let own = key.external_id.as_deref().and_then(|x| self.existing.by_external_id(Table::Memberships, x));
            let membership_id = own.unwrap_or_else(|| {
                next_membership += 1;
                next_membership - 1
            });
            memberships_matched.push(own);
            memberships_database.push(membership_id);
            check_code(&m.status, &MEMBERSHIP_STATUSES, &record, "status", p);
            if let Some(interval) = &m.interval {
                check_code(interval, &INTERVALS, &record, "interval", p);
            }
            if m.end_date.is_some_and(|end| end < m.start_date) {
                p.add(&record, "end_date", "ends before it starts");
            }
            let type_id = ids.membership_types.resolve(m.membership_type_id, &record, "membership_type_id", p);
            let owner = ids.customers.resolve(m.owner_id, &record, "owner_id", p);
            let kind = self.type_terms.get(&m.membership_type_id);
            // Bought when it started (or today, for one starting later).
            let bought = m.start_date.min(self.today);
            let at = bought.to_zoned(org.time_zone.clone()).map(|z| micros(z.timestamp())).unwrap_or(self.now_us);
            let membership = row::Membership {
                id: membership_id.into(),
                membership_type_id: BulkValue::from(type_id),
                owner_id: BulkValue::from(owner),
                status: texts.get(&m.status).into(),
                start_date: m.start_date.to_string().into(),
                end_date: opt_date(m.end_date),
                interval: m.interval.clone().or_else(|| kind.map(|k| k.0.clone())).unwrap_or_else(mon).into(),
                billing_amount: m
                    .billing_amount
                    .clone()
                    .or_else(|| kind.map(|k| k.1.clone()))
                    .unwrap_or_else(zero_amount)
                    .into(),
                unfreeze_date: opt_date(m.unfreeze_date),
                created_at: at.into(),
                updated_at: at.into(),
                external_id: key.external_id.clone().into(),
            };
            match own {
                Some(id) => {
                    // Its members are the document's; it keeps its `created_at`.
                    self.changes.push(Change::Delete {
                        table: Table::MembershipMembers,
                        matching: vec![("membership_id", id)],
                    });
                    let (mut columns, mut values) = (Vec::new(), Vec::new());
                    for (column, value) in row::Membership::COLUMNS.iter().zip(row_values(membership)) {
                        if !["id", "created_at"].contains(column) {
                            columns.push(*column);
                            values.push(value);
                        }
                    }
                    self.changes.push(Change::Update { table: Table::Memberships, id, columns, values });
                }
                None => rows.at(Table::Memberships).push(membership),
            }
            let members = if m.members.is_empty() {
                vec![ImportMember { customer_id: m.owner_id, is_individually_frozen: false }]
            } else {
                m.members.clone()
            };
            let mut seen = HashSet::new();
            for (j, member) in members.iter().enumerate() {
                let rec = format!("{record} members[{j}]");
                if let Some(cid) = ids.customers.resolve(member.customer_id, &rec, "customer_id", p) {
                    if seen.insert(cid) {
                        rows.at(Table::MembershipMembers).push(row::MembershipMember {
                            membership_id: membership_id.into(),
                            customer_id: cid.into(),
                            is_individually_frozen: member.is_individually_frozen.into(),
                        });
                    } else {
                        p.add(&rec, "customer_id", "listed twice");
                    }
                }
            }
        }
        self.ids.matched.insert("memberships", (memberships_matched, memberships_database));
    }

    /// Relations, both sides.
    fn relations(&mut self) {
        let (p, texts, ids, now_us) = (&mut self.p, &mut self.texts, &self.ids, self.now_us);
        let rows = self.rows.at(Table::Relations);
        let is_new = |id: i64| self.new_customers.is_some_and(|(first, last)| (first..=last).contains(&id));
        let mut relation_pairs = HashSet::new();
        for (i, r) in self.doc.relations.iter().enumerate() {
            let record = format!("relations[{i}]");
            check_code(&r.relation, &RELATION_CODES, &record, "relation", p);
            let a = ids.customers.resolve(r.customer_id, &record, "customer_id", p);
            let b = ids.customers.resolve(r.related_customer_id, &record, "related_customer_id", p);
            let (Some(a), Some(b)) = (a, b) else { continue };
            if a == b {
                p.add(&record, "related_customer_id", "a customer cannot be related to themselves");
                continue;
            }
            if !relation_pairs.insert((a.min(b), a.max(b))) {
                p.add(&record, "related_customer_id", "these customers are already related");
                continue;
            }
            if !is_new(a) && !is_new(b) {
                // Two existing customers: the document's relation replaces theirs.
                for (from, to) in [(a, b), (b, a)] {
                    self.changes.push(Change::Delete {
                        table: Table::Relations,
                        matching: vec![("customer_id", from), ("related_customer_id", to)],
                    });
                }
            }
            for (from, to, code) in [(a, b, r.relation.as_str()), (b, a, reverse_relation(&r.relation))] {
                rows.push(row::Relation {
                    customer_id: from.into(),
                    related_customer_id: to.into(),
                    relation: texts.get(code).into(),
                    created_at: r.created_at.map(micros).unwrap_or(now_us).into(),
                    updated_at: r.created_at.map(micros).unwrap_or(now_us).into(),
                });
            }
        }
    }

    /// The plan, or every problem found.
    fn finish(self) -> Result<ImportPlan, Vec<ImportError>> {
        if !self.p.0.is_empty() {
            return Err(self.p.0);
        }
        let mut summary = ImportSummary::default();
        for rows in &self.rows.0 {
            let count = rows.len();
            match rows.table() {
                Table::Locations => summary.locations = count,
                Table::MembershipTypes => summary.membership_types = count,
                Table::Customers => summary.customers = count,
                Table::Memberships => summary.memberships = count,
                Table::CheckIns => summary.check_ins = count,
                Table::MembershipMembers => {}
                _ => summary.other_records += count,
            }
        }
        summary.updated = self.changes.iter().filter(|c| matches!(c, Change::Update { .. })).count();
        let report = self.report();
        Ok(ImportPlan {
            tables: self.rows.0,
            changes: self.changes,
            report,
            new_customers: self.new_customers,
            today: self.today,
            summary,
        })
    }

    /// The id each record of the document got or kept.
    fn report(&self) -> ImportReport {
        let doc = self.doc;
        let k = &doc.keys;
        let entries = |list: &str, doc_ids: Vec<Option<i64>>, keys: &[RecordKey]| -> Vec<ReportEntry> {
            let (matched, database) = self.ids.matched.get(list).cloned().unwrap_or_default();
            doc_ids
                .into_iter()
                .enumerate()
                .map(|(i, id)| {
                    let key = key_at(keys, i);
                    let action = match matched.get(i).copied().flatten() {
                        None => Action::Created,
                        // A location named as it is named only refers to it.
                        Some(_) if key.given.iter().all(|g| g == "id" || (list == "locations" && g == "name")) => {
                            Action::Kept
                        }
                        Some(_) => Action::Updated,
                    };
                    ReportEntry { id, external_id: key.external_id, database_id: database[i], action }
                })
                .collect()
        };
        let named = |items: &[ImportNamed]| items.iter().map(|x| Some(x.id)).collect::<Vec<_>>();
        let customers = doc
            .customers
            .iter()
            .enumerate()
            .map(|(i, c)| ReportEntry {
                id: c.id,
                external_id: key_at(&k.customers, i).external_id,
                database_id: self.customer_ids[i],
                action: match self.customer_entries[i].0 {
                    CustomerEntry::New => Action::Created,
                    CustomerEntry::Update => Action::Updated,
                    CustomerEntry::Attach => Action::Added,
                },
            })
            .collect();
        ImportReport {
            locations: entries("locations", doc.locations.iter().map(|l| Some(l.id)).collect(), &k.locations),
            custom_fields: entries("custom_fields", named(&doc.custom_fields), &k.custom_fields),
            proficiencies: entries("proficiencies", named(&doc.proficiencies), &k.proficiencies),
            associations: entries("associations", named(&doc.associations), &k.associations),
            challenges: entries("challenges", named(&doc.challenges), &k.challenges),
            event_types: entries("event_types", named(&doc.event_types), &k.event_types),
            membership_types: entries(
                "membership_types",
                doc.membership_types.iter().map(|t| Some(t.id)).collect(),
                &k.membership_types,
            ),
            customers,
            memberships: entries("memberships", vec![None; doc.memberships.len()], &k.memberships),
        }
    }
}

/// When a reservation starting at `starts` was booked, as an import without
/// booking times has it: a week before the class, but not before the
/// customer's record was created nor after the import (all microseconds).
fn booked_at(starts: i64, customer_created: i64, now: i64) -> i64 {
    const WEEK: i64 = 7 * 24 * 3600 * 1_000_000;
    starts.saturating_sub(WEEK).min(now).max(customer_created)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn org() -> OrgScope {
        OrgScope { id: 1, name: "Test Gym".into(), time_zone: TimeZone::UTC, time_zone_name: "UTC".into() }
    }

    fn planned(doc: serde_json::Value) -> Result<ImportPlan, Vec<String>> {
        let doc: ImportDocument = serde_json::from_value(doc).unwrap();
        let now: Timestamp = "2026-06-15T18:00:00Z".parse().unwrap();
        plan(&doc, &ExistingRecords::empty(), &org(), now).map_err(|e| e.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn an_update_sets_the_columns_given_and_the_external_id() {
        let key =
            RecordKey { external_id: Some("x".into()), given: vec!["id".into(), "description".into()], by_name: false };
        let r = row::Described { id: 5.into(), name: "N".into(), description: "D".into(), external_id: "x".into() };
        let change = update(Table::Proficiencies, 5, r, &key, &["name", "description"], &[]);
        assert_eq!(
            change,
            Change::Update {
                table: Table::Proficiencies,
                id: 5,
                columns: vec!["description", "external_id"],
                values: vec!["D".into(), "x".into()],
            }
        );
    }

    #[test]
    fn new_records_get_ids_in_order_and_the_report_says_so() {
        let plan = planned(json!({
            "proficiencies": [{"id": 7, "external_id": "a", "name": "A"}, {"id": 3, "name": "B"}],
            "customers": [{"id": 9, "external_id": "c", "email": "a@example.com", "first_name": "A",
                           "last_name": "B", "birthday": "1990-01-01"}],
        }))
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(plan.changes.is_empty());
        let ids: Vec<(Option<i64>, i64, Action)> =
            plan.report.proficiencies.iter().map(|r| (r.id, r.database_id, r.action)).collect();
        assert_eq!(ids, [(Some(7), 1, Action::Created), (Some(3), 2, Action::Created)]);
        assert_eq!(plan.report.customers[0].external_id.as_deref(), Some("c"));
        assert_eq!(plan.new_customers, Some((1, 1)));
    }

    #[test]
    fn unknown_references_and_repeated_external_ids_are_problems() {
        let problems = planned(json!({
            "challenges": [{"id": 1, "external_id": "gone"}],
            "custom_fields": [{"id": 1, "external_id": "f", "name": "F"}, {"id": 2, "external_id": "f", "name": "G"}],
            "customers": [{"existing": {"id": 4}}],
        }))
        .err()
        .unwrap_or_default();
        assert_eq!(
            problems,
            [
                "custom_fields[1] external_id: external_id \"f\" is used twice",
                "customers[0] existing: Test Gym has no customer with id 4",
                "challenges[0] (id 1) name: no record of Test Gym has external_id \"gone\", and there is no name to create one",
            ]
        );
    }
}
