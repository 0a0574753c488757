//! The pure pass of an import: checks a document against the facts loaded
//! from the database and turns it into the rows to write, or into every
//! problem found (each naming its record and field). No database here.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::document::{
    ImportCustomer, ImportDocument, ImportMember, ImportMembershipType, ImportNamed, mon, zero_amount,
};
use super::{ImportError, ImportSummary};
use crate::model::Customer;
use crate::model::customer::CUSTOMER_FIELDS;
use crate::model::customer_write::CustomerWrite;
use crate::model::fields::WriteMode;
use crate::model::subrecords::{RELATION_CODES, reverse_relation};
use crate::model::terms::INTERVALS;
use crate::storage::bulk::BulkValue;
use crate::storage::import_plan::{ExistingRecords, Table, TableRows, row};
use crate::storage::{OrgScope, local_datetime, parse_time_zone};

const MEMBERSHIP_STATUSES: [&str; 7] = ["ACT", "FRZ", "END", "CAN", "FUT", "PAY", "IPC"];
const ENTRY_METHODS: [&str; 5] = ["MEM", "ENT", "GUE", "FRE", "EVE"];

/// A checked document: the rows to write and what they amount to.
pub struct ImportPlan {
    pub tables: Vec<TableRows>,
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
    planner.locations_and_named();
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

    /// The database id of a record of the document itself (assigned, so present).
    fn own(&self, doc_id: i64) -> BulkValue {
        BulkValue::from(self.map.get(&doc_id).copied())
    }
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
    first_customer: i64,
    location_tz: HashMap<i64, TimeZone>,
    emails: HashSet<String>,
    barcodes: HashSet<String>,
    tag_ids: HashMap<String, i64>,
    next_tag: i64,
    rows: RowSet,
}

impl<'a> Planner<'a> {
    /// Gives every record its database id, checking document ids are unique.
    fn new(doc: &'a ImportDocument, existing: &'a ExistingRecords, org: &'a OrgScope, now: Timestamp) -> Self {
        let mut p = Problems::default();
        let next = |t| existing.next_id(t);
        let locations = IdMap::assign("location", doc.locations.iter().map(|l| l.id), next(Table::Locations), &mut p);
        let custom_fields =
            IdMap::assign("custom field", doc.custom_fields.iter().map(|x| x.id), next(Table::CustomFields), &mut p);
        let proficiencies =
            IdMap::assign("proficiency", doc.proficiencies.iter().map(|x| x.id), next(Table::Proficiencies), &mut p);
        let associations =
            IdMap::assign("association", doc.associations.iter().map(|x| x.id), next(Table::Associations), &mut p);
        let challenges =
            IdMap::assign("challenge", doc.challenges.iter().map(|x| x.id), next(Table::Challenges), &mut p);
        let event_types =
            IdMap::assign("event type", doc.event_types.iter().map(|x| x.id), next(Table::EventTypes), &mut p);
        let membership_types = IdMap::assign(
            "membership type",
            doc.membership_types.iter().map(|x| x.id),
            next(Table::MembershipTypes),
            &mut p,
        );
        // Every customer gets a database id in document order; document ids, where
        // given, are how other records refer to them.
        let first_customer = next(Table::Customers);
        let mut customers = IdMap { kind: "customer", map: HashMap::new() };
        for (i, c) in doc.customers.iter().enumerate() {
            if let Some(doc_id) = c.id
                && customers.map.insert(doc_id, first_customer + i as i64).is_some()
            {
                p.add(&format!("customers[{i}]"), "id", format!("id {doc_id} is used twice"));
            }
        }
        Planner {
            doc,
            existing,
            org,
            p,
            texts: Texts::default(),
            now_us: micros(now),
            today: org.local_date(now),
            ids: Ids {
                locations,
                custom_fields,
                proficiencies,
                associations,
                challenges,
                event_types,
                membership_types,
                customers,
            },
            first_customer,
            location_tz: HashMap::new(),
            emails: existing.emails.clone(),
            barcodes: existing.barcodes.clone(),
            tag_ids: existing.tags.clone(),
            next_tag: next(Table::Tags),
            rows: RowSet::new(),
        }
    }

    /// Locations and the organization's named records.
    fn locations_and_named(&mut self) {
        let (doc, org, p) = (self.doc, self.org, &mut self.p);
        let existing_locations = self.existing.names(Table::Locations);
        for (i, l) in doc.locations.iter().enumerate() {
            let record = format!("locations[{i}] (id {})", l.id);
            let tz_name = l.time_zone.clone().unwrap_or_else(|| org.time_zone_name.clone());
            match parse_time_zone(&tz_name) {
                Ok(tz) => {
                    self.location_tz.insert(l.id, tz);
                }
                Err(message) => p.add(&record, "time_zone", message),
            }
            if l.name.trim().is_empty() {
                p.add(&record, "name", "This field may not be blank.");
            }
            if existing_locations.contains(l.name.trim()) {
                p.add(&record, "name", format!("{} already has a location named {:?}", org.name, l.name));
            }
            self.rows.at(Table::Locations).push(row::Location {
                id: self.ids.locations.own(l.id),
                name: l.name.trim().into(),
                time_zone: tz_name.into(),
                combine_same_day_check_ins: l.combine_same_day_check_ins.into(),
                created_at: self.now_us.into(),
            });
        }
        for (kind, table, items) in [
            ("custom_fields", Table::CustomFields, &doc.custom_fields),
            ("proficiencies", Table::Proficiencies, &doc.proficiencies),
            ("associations", Table::Associations, &doc.associations),
            ("challenges", Table::Challenges, &doc.challenges),
            ("event_types", Table::EventTypes, &doc.event_types),
        ] {
            let existing = self.existing.names(table);
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
        for (position, item) in doc.custom_fields.iter().enumerate() {
            self.rows.at(Table::CustomFields).push(row::CustomField {
                id: self.ids.custom_fields.own(item.id),
                name: item.name.trim().into(),
                position: (position as i64).into(),
            });
        }
        let described = |rows: &mut TableRows, items: &[ImportNamed], ids: &IdMap| {
            for item in items {
                rows.push(row::Described {
                    id: ids.own(item.id),
                    name: item.name.trim().into(),
                    description: item.description.clone().into(),
                });
            }
        };
        let named = |rows: &mut TableRows, items: &[ImportNamed], ids: &IdMap| {
            for item in items {
                rows.push(row::Named { id: ids.own(item.id), name: item.name.trim().into() });
            }
        };
        described(self.rows.at(Table::Proficiencies), &doc.proficiencies, &self.ids.proficiencies);
        named(self.rows.at(Table::Associations), &doc.associations, &self.ids.associations);
        described(self.rows.at(Table::Challenges), &doc.challenges, &self.ids.challenges);
        named(self.rows.at(Table::EventTypes), &doc.event_types, &self.ids.event_types);
    }

    fn membership_types(&mut self) {
        let existing_types = self.existing.names(Table::MembershipTypes);
        let mut type_names = HashSet::new();
        for (i, t) in self.doc.membership_types.iter().enumerate() {
            let record = format!("membership_types[{i}] (id {})", t.id);
            if t.name.trim().is_empty() {
                self.p.add(&record, "name", "This field may not be blank.");
            } else if existing_types.contains(t.name.trim()) || !type_names.insert(t.name.trim().to_string()) {
                self.p.add(&record, "name", format!("the name {:?} is already taken", t.name));
            }
            check_code(&t.interval, &INTERVALS, &record, "interval", &mut self.p);
            let location =
                t.location_id.and_then(|l| self.ids.locations.resolve(l, &record, "location_id", &mut self.p));
            self.rows.at(Table::MembershipTypes).push(row::MembershipType {
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
            });
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
            let id = self.first_customer + i as i64;
            for key in c.fields.keys() {
                if !known_fields.contains(key.as_str()) {
                    self.p.add(&record, key, "unknown field");
                }
            }
            let Some(created) = self.customer(c, id, &record) else {
                continue;
            };
            self.documents_and_contacts(c, id, created, &record);
            self.memberships_of_groups(c, id, created, &record);
            self.visits(c, id, created, &record);
        }
    }

    /// The customer's own row, custom field values and tags; `None` if the
    /// fields are invalid (the customer's other records are not checked then).
    fn customer(&mut self, c: &ImportCustomer, id: i64, record: &str) -> Option<i64> {
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
        if !self.emails.insert(email_key.clone()) {
            p.add(record, "email", "customer with this email already exists.");
        }
        let barcode = text("barcode");
        if !barcode.is_empty() && !self.barcodes.insert(barcode.clone()) {
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
        self.rows.at(Table::Customers).push(row::Customer {
            fields: &customer,
            id: id.into(),
            is_active: c.is_active.into(),
            capitan_invite_sent: c.capitan_invite_sent.into(),
            has_capitan_login: c.has_capitan_login.into(),
            created_at: created.into(),
            updated_at: c.updated_at.map(micros).unwrap_or(created).into(),
        });

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
            let key = tag.trim().to_lowercase();
            if key.is_empty() {
                p.add(record, "tags", "a tag may not be blank");
                continue;
            }
            let new_tags = self.rows.at(Table::Tags);
            let next_tag = &mut self.next_tag;
            let tag_id = *self.tag_ids.entry(key.clone()).or_insert_with(|| {
                let id = *next_tag;
                *next_tag += 1;
                new_tags.push(row::Tag { id: id.into(), name: tag.trim().into(), name_key: key.clone().into() });
                id
            });
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
        let first_membership = self.existing.next_id(Table::Memberships);
        let type_by_id: HashMap<i64, &ImportMembershipType> =
            self.doc.membership_types.iter().map(|t| (t.id, t)).collect();
        for (i, m) in self.doc.memberships.iter().enumerate() {
            let record = format!("memberships[{i}]");
            let membership_id = first_membership + i as i64;
            check_code(&m.status, &MEMBERSHIP_STATUSES, &record, "status", p);
            if let Some(interval) = &m.interval {
                check_code(interval, &INTERVALS, &record, "interval", p);
            }
            if m.end_date.is_some_and(|end| end < m.start_date) {
                p.add(&record, "end_date", "ends before it starts");
            }
            let type_id = ids.membership_types.resolve(m.membership_type_id, &record, "membership_type_id", p);
            let owner = ids.customers.resolve(m.owner_id, &record, "owner_id", p);
            let kind = type_by_id.get(&m.membership_type_id);
            // Bought when it started (or today, for one starting later).
            let bought = m.start_date.min(self.today);
            let at = bought.to_zoned(org.time_zone.clone()).map(|z| micros(z.timestamp())).unwrap_or(self.now_us);
            rows.at(Table::Memberships).push(row::Membership {
                id: membership_id.into(),
                membership_type_id: BulkValue::from(type_id),
                owner_id: BulkValue::from(owner),
                status: texts.get(&m.status).into(),
                start_date: m.start_date.to_string().into(),
                end_date: opt_date(m.end_date),
                interval: m.interval.clone().or_else(|| kind.map(|k| k.interval.clone())).unwrap_or_else(mon).into(),
                billing_amount: m
                    .billing_amount
                    .clone()
                    .or_else(|| kind.map(|k| k.billing_amount.clone()))
                    .unwrap_or_else(zero_amount)
                    .into(),
                unfreeze_date: opt_date(m.unfreeze_date),
                created_at: at.into(),
                updated_at: at.into(),
            });
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
    }

    /// Relations, both sides.
    fn relations(&mut self) {
        let (p, texts, ids, now_us) = (&mut self.p, &mut self.texts, &self.ids, self.now_us);
        let rows = self.rows.at(Table::Relations);
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
        let new_customers =
            (summary.customers > 0).then(|| (self.first_customer, self.first_customer + summary.customers as i64 - 1));
        Ok(ImportPlan { tables: self.rows.0, new_customers, today: self.today, summary })
    }
}
/// When a reservation starting at `starts` was booked, as an import without
/// booking times has it: a week before the class, but not before the
/// customer's record was created nor after the import (all microseconds).
fn booked_at(starts: i64, customer_created: i64, now: i64) -> i64 {
    const WEEK: i64 = 7 * 24 * 3600 * 1_000_000;
    starts.saturating_sub(WEEK).min(now).max(customer_created)
}
