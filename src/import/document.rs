//! The import document: the shapes `frontdesk import` reads (described in
//! `docs/import.md`) and the one way to parse them from bytes.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Map;

/// The sub-records of an imported customer, declared with their kinds.
pub use crate::model::subrecords::{
    ImportAlert, ImportAmount, ImportCustomerChallenge, ImportCustomerProficiency, ImportEmergencyContact,
    ImportEntryPass, ImportEventVoucher, ImportGuestPassUsage, ImportMedicalNote, ImportNote, ImportWaiver,
};

/// The whole document. Its records' `external_id`s (and a customer's
/// `existing`) are kept beside the records, in [`ImportDocument::keys`], so
/// that the record shapes stay as they are; [`parse_document`] and the
/// document's `Serialize` put them in and take them out of the records.
#[derive(Debug, Clone, Default)]
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
    /// The records' external ids and the keys each record gave, by kind and
    /// place in the document (a list shorter than its kind's: no keys).
    pub keys: DocumentKeys,
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

pub(super) fn mon() -> String {
    "MON".into()
}

pub(super) fn zero_amount() -> String {
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
    /// When it was made, both sides (absent: the time of the import).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
}

/// What a record gave besides its shape's fields: its `external_id`, and
/// which keys it had (an existing record matched by its external id is
/// updated in only those).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordKey {
    pub external_id: Option<String>,
    /// The record's keys as the document gave them (`external_id` aside).
    pub given: Vec<String>,
    /// Refers to the organization's record of its name, which must exist (a
    /// CSV file's `membership_name`).
    pub by_name: bool,
}

impl RecordKey {
    /// Whether the document gave `key` for this record.
    pub fn gave(&self, key: &str) -> bool {
        self.given.iter().any(|k| k == key)
    }
}

/// How a customer entry names an existing customer it adds records to
/// (`"existing": {"email": "..."}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CustomerRef {
    Id(i64),
    ExternalId(String),
    Barcode(String),
    Email(String),
}

/// A customer's external id and, for an entry that adds records to an
/// existing customer, which one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerKey {
    pub external_id: Option<String>,
    pub existing: Option<CustomerRef>,
    /// The entry's keys as the document gave them: an update replaces the
    /// record lists it gives and keeps the others.
    pub given: Vec<String>,
}

impl CustomerKey {
    /// Whether the entry gave the record list `list` (even empty).
    pub fn gave_list(&self, list: &str) -> bool {
        self.given.iter().any(|g| g == list)
    }
}

/// The keys of every record that can have an external id, by kind, in
/// document order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentKeys {
    pub locations: Vec<RecordKey>,
    pub custom_fields: Vec<RecordKey>,
    pub proficiencies: Vec<RecordKey>,
    pub associations: Vec<RecordKey>,
    pub challenges: Vec<RecordKey>,
    pub event_types: Vec<RecordKey>,
    pub membership_types: Vec<RecordKey>,
    pub customers: Vec<CustomerKey>,
    pub memberships: Vec<RecordKey>,
}

/// The key of record `i` of a kind: none when the list does not reach it.
pub fn key_at<K: Default + Clone>(keys: &[K], i: usize) -> K {
    keys.get(i).cloned().unwrap_or_default()
}

/// The document as JSON has it: the records with external ids still in them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
#[derive(Default)]
struct RawDocument {
    locations: Vec<Map<String, serde_json::Value>>,
    custom_fields: Vec<Map<String, serde_json::Value>>,
    proficiencies: Vec<Map<String, serde_json::Value>>,
    associations: Vec<Map<String, serde_json::Value>>,
    challenges: Vec<Map<String, serde_json::Value>>,
    event_types: Vec<Map<String, serde_json::Value>>,
    membership_types: Vec<Map<String, serde_json::Value>>,
    customers: Customers,
    memberships: Vec<Map<String, serde_json::Value>>,
    relations: Vec<ImportRelation>,
}

/// The customers with their keys, read one at a time (a customer's JSON is
/// held only while it is read).
#[derive(Default)]
struct Customers(Vec<ImportCustomer>, Vec<CustomerKey>);

impl<'de> Deserialize<'de> for Customers {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Customers;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of customers")
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Customers, A::Error> {
                let mut out = Customers::default();
                while let Some(mut record) = seq.next_element::<Map<String, serde_json::Value>>()? {
                    let place = format!("customers[{}]", out.0.len());
                    let external_id = take_external_id(&mut record, &place).map_err(serde::de::Error::custom)?;
                    let existing = match record.remove("existing") {
                        None | Some(serde_json::Value::Null) => None,
                        Some(value) => Some(serde_json::from_value::<CustomerRef>(value).map_err(|e| {
                            serde::de::Error::custom(format!(
                                "{place}: existing: {e} (give one of id, external_id, barcode or email)"
                            ))
                        })?),
                    };
                    let given = record.keys().cloned().collect();
                    let customer = serde_json::from_value(serde_json::Value::Object(record))
                        .map_err(|e| serde::de::Error::custom(format!("{place}: {e}")))?;
                    out.0.push(customer);
                    out.1.push(CustomerKey { external_id, existing, given });
                }
                Ok(out)
            }
        }
        deserializer.deserialize_seq(Visit)
    }
}

/// Takes a record's `external_id` out (a non-empty string or null).
fn take_external_id(record: &mut Map<String, serde_json::Value>, place: &str) -> Result<Option<String>, String> {
    match record.remove("external_id") {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
        Some(serde_json::Value::String(_)) => Err(format!("{place}: external_id may not be blank")),
        Some(other) => Err(format!("{place}: external_id must be a string, not {other}")),
    }
}

/// Reads one kind's records, their external ids set aside. A named record
/// (`named`) that has an external id may leave out its `name`: it then only
/// refers to the record of that external id.
fn keyed<T: serde::de::DeserializeOwned>(
    kind: &str,
    records: Vec<Map<String, serde_json::Value>>,
    named: bool,
) -> Result<(Vec<T>, Vec<RecordKey>), String> {
    let mut out = Vec::with_capacity(records.len());
    let mut keys = Vec::with_capacity(records.len());
    for (i, mut record) in records.into_iter().enumerate() {
        let place = format!("{kind}[{i}]");
        let external_id = take_external_id(&mut record, &place)?;
        let given: Vec<String> = record.keys().cloned().collect();
        if named && external_id.is_some() && !record.contains_key("name") {
            record.insert("name".into(), serde_json::Value::String(String::new()));
        }
        out.push(serde_json::from_value(serde_json::Value::Object(record)).map_err(|e| format!("{place}: {e}"))?);
        keys.push(RecordKey { external_id, given, by_name: false });
    }
    Ok((out, keys))
}

impl<'de> Deserialize<'de> for ImportDocument {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawDocument::deserialize(deserializer)?;
        raw.into_document().map_err(serde::de::Error::custom)
    }
}

impl RawDocument {
    fn into_document(self) -> Result<ImportDocument, String> {
        let (locations, location_keys) = keyed("locations", self.locations, true)?;
        let (custom_fields, custom_field_keys) = keyed("custom_fields", self.custom_fields, true)?;
        let (proficiencies, proficiency_keys) = keyed("proficiencies", self.proficiencies, true)?;
        let (associations, association_keys) = keyed("associations", self.associations, true)?;
        let (challenges, challenge_keys) = keyed("challenges", self.challenges, true)?;
        let (event_types, event_type_keys) = keyed("event_types", self.event_types, true)?;
        let (membership_types, membership_type_keys) = keyed("membership_types", self.membership_types, true)?;
        let (memberships, membership_keys) = keyed("memberships", self.memberships, false)?;
        let Customers(customers, customer_keys) = self.customers;
        Ok(ImportDocument {
            locations,
            custom_fields,
            proficiencies,
            associations,
            challenges,
            event_types,
            membership_types,
            customers,
            memberships,
            relations: self.relations,
            keys: DocumentKeys {
                locations: location_keys,
                custom_fields: custom_field_keys,
                proficiencies: proficiency_keys,
                associations: association_keys,
                challenges: challenge_keys,
                event_types: event_type_keys,
                membership_types: membership_type_keys,
                customers: customer_keys,
                memberships: membership_keys,
            },
        })
    }
}

/// A record written with its external id.
#[derive(Serialize)]
pub(super) struct WithKey<'a, T> {
    #[serde(skip_serializing_if = "Option::is_none")]
    external_id: Option<&'a str>,
    #[serde(flatten)]
    record: &'a T,
}

pub(super) fn with_keys<'a, T>(records: &'a [T], keys: &'a [RecordKey]) -> Vec<WithKey<'a, T>> {
    records
        .iter()
        .enumerate()
        .map(|(i, record)| WithKey { external_id: keys.get(i).and_then(|k| k.external_id.as_deref()), record })
        .collect()
}

/// A customer written with its external id and the customer it adds to.
#[derive(Serialize)]
pub(super) struct CustomerWithKey<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing: Option<&'a CustomerRef>,
    #[serde(flatten)]
    pub record: &'a ImportCustomer,
}

impl Serialize for ImportDocument {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let k = &self.keys;
        let mut s = serializer.serialize_struct("ImportDocument", 10)?;
        s.serialize_field("locations", &with_keys(&self.locations, &k.locations))?;
        s.serialize_field("custom_fields", &with_keys(&self.custom_fields, &k.custom_fields))?;
        s.serialize_field("proficiencies", &with_keys(&self.proficiencies, &k.proficiencies))?;
        s.serialize_field("associations", &with_keys(&self.associations, &k.associations))?;
        s.serialize_field("challenges", &with_keys(&self.challenges, &k.challenges))?;
        s.serialize_field("event_types", &with_keys(&self.event_types, &k.event_types))?;
        s.serialize_field("membership_types", &with_keys(&self.membership_types, &k.membership_types))?;
        let customers: Vec<CustomerWithKey<'_>> = self
            .customers
            .iter()
            .enumerate()
            .map(|(i, record)| {
                let key = k.customers.get(i);
                CustomerWithKey {
                    external_id: key.and_then(|k| k.external_id.as_deref()),
                    existing: key.and_then(|k| k.existing.as_ref()),
                    record,
                }
            })
            .collect();
        s.serialize_field("customers", &customers)?;
        s.serialize_field("memberships", &with_keys(&self.memberships, &k.memberships))?;
        s.serialize_field("relations", &self.relations)?;
        s.end()
    }
}

/// Parses an import document from its bytes: the one entry point for
/// `frontdesk import`, the tests and the fuzz target.
pub fn parse_document(bytes: &[u8]) -> Result<ImportDocument, serde_json::Error> {
    serde_json::from_slice(bytes)
}

/// Reads and parses an import file, naming the place of a syntax error.
pub fn read_document(path: &std::path::Path) -> Result<ImportDocument, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse_document(&bytes).map_err(|e| format!("{} is not a valid import document: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(doc: serde_json::Value) -> Result<ImportDocument, String> {
        parse_document(doc.to_string().as_bytes()).map_err(|e| e.to_string())
    }

    #[test]
    fn external_ids_are_kept_beside_the_records_and_written_back_into_them() {
        let text = json!({
            "proficiencies": [{"id": 1, "external_id": " lead ", "name": "Lead"}, {"id": 2, "name": "Top rope"}],
            "associations": [{"id": 3, "external_id": "club"}],
            "customers": [
                {"id": 1, "external_id": "c-1", "email": "a@example.com", "notes": [{"note": "hi"}]},
                {"id": 2, "existing": {"barcode": "B-1"}, "check_ins": []}
            ],
            "memberships": [{"external_id": "m-1", "membership_type_id": 1, "owner_id": 1, "start_date": "2026-01-01"}]
        });
        let doc = parse(text).unwrap();
        assert_eq!(doc.keys.proficiencies[0].external_id.as_deref(), Some("lead"), "trimmed");
        assert_eq!(
            doc.keys.proficiencies[1],
            RecordKey { given: vec!["id".into(), "name".into()], ..Default::default() }
        );
        // A record that gives only its external id refers to it: its name is left blank.
        assert_eq!(doc.associations[0].name, "");
        assert_eq!(doc.keys.associations[0].given, ["id"]);
        assert!(!doc.customers[0].fields.contains_key("external_id"));
        assert_eq!(doc.keys.customers[0].external_id.as_deref(), Some("c-1"));
        assert!(doc.keys.customers[0].gave_list("notes"));
        assert_eq!(doc.keys.customers[1].existing, Some(CustomerRef::Barcode("B-1".into())));
        assert!(doc.keys.customers[1].gave_list("check_ins"));
        assert_eq!(doc.keys.memberships[0].external_id.as_deref(), Some("m-1"));

        let written = serde_json::to_value(&doc).unwrap();
        assert_eq!(written["proficiencies"][0]["external_id"], json!("lead"));
        assert!(written["proficiencies"][1].get("external_id").is_none());
        assert_eq!(written["customers"][0]["external_id"], json!("c-1"));
        assert_eq!(written["customers"][1]["existing"], json!({"barcode": "B-1"}));
        assert_eq!(written["memberships"][0]["external_id"], json!("m-1"));
        let again = parse(written).unwrap();
        assert_eq!(again.keys.customers[0].external_id, doc.keys.customers[0].external_id);
    }

    #[test]
    fn a_bad_external_id_or_existing_is_refused_naming_the_record() {
        let err = parse(json!({"locations": [{"id": 1, "name": "A", "external_id": 7}]})).unwrap_err();
        assert!(err.starts_with("locations[0]: external_id must be a string"), "{err}");
        let err = parse(json!({"customers": [{"external_id": "  "}]})).unwrap_err();
        assert!(err.starts_with("customers[0]: external_id may not be blank"), "{err}");
        let err = parse(json!({"customers": [{}, {"existing": {"phone": "1"}}]})).unwrap_err();
        assert!(err.starts_with("customers[1]: existing: unknown variant `phone`"), "{err}");
        let err = parse(json!({"memberships": [{"owner_id": 1}]})).unwrap_err();
        assert!(err.starts_with("memberships[0]: missing field"), "{err}");
        let err = parse(json!({"colour": []})).unwrap_err();
        assert!(err.contains("unknown field `colour`"), "{err}");
    }
}
