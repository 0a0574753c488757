//! The wire shapes of a customer's sub-records and of the read-only top-level
//! collections (memberships, entry passes), and the rules for writing them.
//!
//! Read shapes deserialize leniently, as [`super::Customer`] does, so the
//! terminal app's client can read them from our server and from Capitan.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::fields::{FieldKind, FieldSpec, FieldValue, WriteMode, json_type_name};
use super::time::{date_opt, null_as_default, timestamp_opt};
use super::validation::{self as v, FieldErrors};

mod declare;
use declare::sub_record;
pub use declare::IntFlag;

// What an import document's sub-records default to.
fn act() -> String {
    "ACT".into()
}

fn inp() -> String {
    "INP".into()
}

fn one() -> i64 {
    1
}

fn yes() -> bool {
    true
}

sub_record! {
    /// `documents/`: a signed waiver or other document.
    pub struct Document, stored as DocumentRow, imported as ImportWaiver {
        name: Text => required,
        /// A stored file name, or a URL; shown as a URL.
        pdf: OptText => omittable,
        /// None: never expires.
        expiration_date: Date => optional,
        is_expired: Flag = shown,
        /// `ACT`, or `REV` for a revoked document **(ours)**.
        status: Text => default_from("act"),
        created_at: Instant => omittable,
        updated_at: Instant,
    }
}

sub_record! {
    /// `emergency-contacts/`.
    pub struct EmergencyContact, stored as EmergencyContactRow, imported as ImportEmergencyContact {
        first_name: Text => required,
        last_name: Text => required,
        telephone: Text => required,
        email: Text => default,
        /// Free text ("Mother", "Partner").
        relation: Text => default,
        created_at: Instant,
        updated_at: Instant,
    }
}

sub_record! {
    /// `relations/`: another customer of the organization and what they are to
    /// this one (`relation` describes the related customer).
    pub struct Relation, stored as RelationRow {
        related_customer_id: Id,
        related_customer_url: Text = shown,
        related_customer_email: Text = joined,
        related_customer_first_name: Text = joined,
        related_customer_last_name: Text = joined,
        relation: Text,
        created_at: Instant,
        updated_at: Instant,
    }
}

sub_record! {
    /// `pending-relations/` (asked by the customer) and
    /// `incoming-pending-relations/` (awaiting the customer's acceptance): both
    /// sides are named, so one shape serves both lists **(ours)**.
    pub struct PendingRelation, stored as PendingRelationRow {
        /// Who asked.
        customer_id: Id,
        customer_url: Text = shown,
        customer_first_name: Text = joined,
        customer_last_name: Text = joined,
        /// Who must accept.
        related_customer_id: Id,
        related_customer_url: Text = shown,
        related_customer_email: Text = joined,
        related_customer_first_name: Text = joined,
        related_customer_last_name: Text = joined,
        relation: Text,
        created_at: Instant,
    }
}

sub_record! {
    /// `medical-notes/`.
    pub struct MedicalNote, stored as MedicalNoteRow, imported as ImportMedicalNote {
        medical_notes: Text => required,
        created_at: Instant,
        updated_at: Instant,
    }
}

sub_record! {
    /// `notes/`: staff notes about the customer **(ours)**.
    pub struct Note, stored as NoteRow, imported as ImportNote {
        note: Text => required,
        created_at: Instant => omittable,
        updated_at: Instant,
    }
}

sub_record! {
    /// `alerts/`: shown to staff at check-in; some refuse it **(ours)**.
    pub struct Alert, stored as AlertRow, imported as ImportAlert {
        message: Text => required,
        prevents_check_in: Flag => default,
        created_at: Instant,
        updated_at: Instant,
    }
}

/// `/api/memberships/`: a membership type the organization sells.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MembershipType {
    pub id: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub url: String,
    #[serde(deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub description: String,
    #[serde(deserialize_with = "null_as_default")]
    pub status: String,
    #[serde(deserialize_with = "null_as_default")]
    pub purchase_type: String,
    #[serde(deserialize_with = "null_as_default")]
    pub interval: String,
    #[serde(deserialize_with = "null_as_default")]
    pub is_group: bool,
    #[serde(deserialize_with = "null_as_default")]
    pub is_youth_programming: bool,
    /// Ours: the ids of the locations where this type admits (every location when it is not
    /// tied to one), ordered by location name. Capitan does not send it: absent reads as empty.
    #[serde(deserialize_with = "null_as_default")]
    pub valid_location_ids: Vec<i64>,
    /// Ours: their names, in the same order.
    #[serde(deserialize_with = "null_as_default")]
    pub valid_location_names: Vec<String>,
}

/// One customer a membership covers (an item of `all_customers`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MembershipMember {
    /// The customer's id.
    pub id: i64,
    /// The id of the membership's member record for this customer.
    pub member_id: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub first_name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub last_name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub is_individually_frozen: bool,
}

/// `/api/customer-memberships/` and a customer's `memberships/`: an enrolment
/// in a membership type, owned (paid for) by one customer, covering those in
/// `all_customers`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomerMembership {
    pub id: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub url: String,
    pub membership_id: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub name: String,
    /// `ACT`, `FRZ`, `END`, `CAN` or `FUT`, as of today.
    #[serde(deserialize_with = "null_as_default")]
    pub status: String,
    #[serde(with = "date_opt")]
    pub start_date: Option<Date>,
    #[serde(with = "date_opt")]
    pub end_date: Option<Date>,
    #[serde(deserialize_with = "null_as_default")]
    pub interval: String,
    /// A decimal string.
    #[serde(deserialize_with = "null_as_default")]
    pub billing_amount: String,
    pub owner_id: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub owner_first_name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub owner_last_name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub owner_email: String,
    #[serde(with = "date_opt")]
    pub owner_birthday: Option<Date>,
    #[serde(with = "date_opt")]
    pub membership_unfreeze_date: Option<Date>,
    #[serde(deserialize_with = "null_as_default")]
    pub all_customers: Vec<MembershipMember>,
    #[serde(deserialize_with = "null_as_default")]
    pub upcoming_bill_dates: Vec<Date>,
    /// Ours: the ids of the locations where the membership admits (its type's; every location
    /// when the type is not tied to one), ordered by location name. Capitan does not send it:
    /// absent reads as empty, which the app shows as "locations not given".
    #[serde(deserialize_with = "null_as_default")]
    pub valid_location_ids: Vec<i64>,
    /// Ours: their names, in the same order.
    #[serde(deserialize_with = "null_as_default")]
    pub valid_location_names: Vec<String>,
    #[serde(with = "timestamp_opt")]
    pub created_at: Option<Timestamp>,
    #[serde(with = "timestamp_opt")]
    pub updated_at: Option<Timestamp>,
}

sub_record! {
    /// `/api/customer-entry-passes/` and a customer's `entry-passes/`.
    pub struct EntryPass, stored as EntryPassRow, imported as ImportEntryPass {
        owner_id: Id,
        name: Text => required,
        uses_total: Count => required,
        uses_remaining: Count => required,
        expiration_date: Date => optional,
        is_association_pass: Flag => default,
        created_at: Instant,
        updated_at: Instant,
        association_id: OptId = imported => omittable,
    }
}

sub_record! {
    /// `shared-passes/`: another customer's entry pass shared with this one.
    pub struct SharedPass, stored as SharedPassRow {
        entry_pass_id: Id,
        name: Text = joined,
        owner_id: Id = joined,
        owner_first_name: Text = joined,
        owner_last_name: Text = joined,
        uses_remaining: Count = joined,
        expiration_date: Date = joined,
        created_at: Instant,
    }
}

sub_record! {
    /// `guest-pass-usages/`: a guest the customer brought in on their pass.
    pub struct GuestPassUsage, stored as GuestPassUsageRow, imported as ImportGuestPassUsage {
        guest_first_name: Text => default,
        guest_last_name: Text => default,
        location_id: OptId => omittable,
        location_name: OptText = joined,
        used_at: Instant => required,
        created_at: Instant,
    }
}

sub_record! {
    /// `event-vouchers/`.
    pub struct EventVoucher, stored as EventVoucherRow, imported as ImportEventVoucher {
        name: Text => required,
        uses_remaining: Count => default_from("one"),
        expiration_date: Date => optional,
        created_at: Instant,
    }
}

sub_record! {
    /// `credits/` and `payments/`: an amount of money and what it was for.
    pub struct LedgerEntry, stored as LedgerRow, imported as ImportAmount {
        /// A decimal string, such as `"12.50"`.
        amount: Text => required,
        description: Text => default,
        created_at: Instant => omittable,
    }
}

sub_record! {
    /// `challenges/`: a challenge the customer is doing or has done.
    pub struct CustomerChallenge, stored as ChallengeRow, imported as ImportCustomerChallenge {
        challenge_id: Id => required,
        name: Text = joined,
        description: Text = joined,
        /// `INP` in progress or `COM` completed.
        status: Text => default_from("inp"),
        started_at: Instant => omittable,
        completed_at: OptInstant => omittable,
    }
}

sub_record! {
    /// `proficiencies/`: a proficiency granted to the customer.
    pub struct CustomerProficiency, stored as ProficiencyRow, imported as ImportCustomerProficiency {
        proficiency_id: Id => required,
        name: Text = joined,
        description: Text = joined,
        is_active: Flag => default_from("yes"),
        granted_at: Instant => omittable,
        created_at: Instant,
        updated_at: Instant,
    }
}

/// What a reservation and a reservation part share: the event booked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Booking {
    pub event_type_id: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub event_type_name: String,
    pub location_id: Option<i64>,
    pub location_name: Option<String>,
    #[serde(with = "timestamp_opt")]
    pub starts_at: Option<Timestamp>,
    #[serde(with = "timestamp_opt")]
    pub ends_at: Option<Timestamp>,
    /// `CON` confirmed or `CAN` cancelled.
    #[serde(deserialize_with = "null_as_default")]
    pub status: String,
}

/// `reservations/`: an event booking.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Reservation {
    pub id: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub url: String,
    #[serde(flatten)]
    pub booking: Booking,
    #[serde(with = "timestamp_opt")]
    pub created_at: Option<Timestamp>,
}

/// `reservation-parts/`: one session of a reservation. Every stored
/// reservation is a single session, so it has one part, with the
/// reservation's id **(ours)**.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReservationPart {
    pub id: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub url: String,
    pub reservation_id: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub reservation_url: String,
    #[serde(flatten)]
    pub booking: Booking,
}

/// One field's change in an activity entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FieldChange {
    pub from: Value,
    pub to: Value,
}

/// `activity-log/`: one change made through the API to the customer or one
/// of its sub-records.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityEntry {
    pub id: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub url: String,
    pub customer_id: i64,
    /// Null for changes made by the system (an import).
    pub staff_user_id: Option<i64>,
    pub staff_username: Option<String>,
    /// `create`, `update`, `delete`, or a check-in action.
    #[serde(deserialize_with = "null_as_default")]
    pub action: String,
    /// `customer`, `emergency_contact`, `relation`, ...
    #[serde(deserialize_with = "null_as_default")]
    pub entity: String,
    pub entity_id: Option<i64>,
    #[serde(deserialize_with = "null_as_default")]
    pub changes: BTreeMap<String, FieldChange>,
    #[serde(with = "timestamp_opt")]
    pub created_at: Option<Timestamp>,
}

/// Relation codes; each describes the related customer.
pub const RELATION_CODES: [&str; 8] = ["SPO", "PRT", "PRE", "CHI", "GUA", "WAR", "SIB", "OTH"];

/// The relation the other side of a relation gets: a child's parent, a
/// ward's guardian; the others are their own reverse.
pub fn reverse_relation(code: &str) -> &str {
    match code {
        "CHI" => "PRE",
        "PRE" => "CHI",
        "WAR" => "GUA",
        "GUA" => "WAR",
        other => other,
    }
}

/// What a person calls a relation code.
pub fn relation_label(code: &str) -> &str {
    match code {
        "SPO" => "Spouse",
        "PRT" => "Partner",
        "PRE" => "Parent",
        "CHI" => "Child",
        "GUA" => "Guardian",
        "WAR" => "Ward",
        "SIB" => "Sibling",
        "OTH" => "Other",
        other => other,
    }
}

const fn spec(name: &'static str, label: &'static str, kind: FieldKind, required: bool) -> FieldSpec {
    FieldSpec { name, label, kind, required, sensitive: false }
}

const OPTIONAL_TEXT: FieldKind = FieldKind::Text { max_len: None };

/// The writable fields of an editable sub-record, and their rules.
#[derive(Debug, Clone, Copy)]
pub struct SubRecordForm {
    pub fields: &'static [FieldSpec],
    /// Optional fields that, when not blank, must hold an email address.
    pub email_fields: &'static [&'static str],
}

pub const EMERGENCY_CONTACT_FORM: SubRecordForm = SubRecordForm {
    fields: &[
        spec("first_name", "First name", FieldKind::RequiredText, true),
        spec("last_name", "Last name", FieldKind::RequiredText, true),
        spec("telephone", "Telephone", FieldKind::RequiredText, true),
        spec("email", "Email", FieldKind::Text { max_len: Some(v::EMAIL_MAX_LEN) }, false),
        spec("relation", "Relation", OPTIONAL_TEXT, false),
    ],
    email_fields: &["email"],
};

pub const MEDICAL_NOTE_FORM: SubRecordForm = SubRecordForm {
    fields: &[spec("medical_notes", "Medical notes", FieldKind::RequiredText, true)],
    email_fields: &[],
};

pub const NOTE_FORM: SubRecordForm =
    SubRecordForm { fields: &[spec("note", "Note", FieldKind::RequiredText, true)], email_fields: &[] };

pub const ALERT_FORM: SubRecordForm = SubRecordForm {
    fields: &[
        spec("message", "Message", FieldKind::RequiredText, true),
        spec("prevents_check_in", "Prevents check-in", FieldKind::Bool, false),
    ],
    email_fields: &[],
};

/// A parsed sub-record write: (field name, value) in form order.
pub type SubRecordWrite = Vec<(&'static str, FieldValue)>;

impl SubRecordForm {
    /// Parses a JSON object body as DRF's serializer would: required fields on
    /// a full write, any subset on a partial one; unknown and Automatic keys
    /// ignored.
    pub fn parse_json(&self, body: &Map<String, Value>, mode: WriteMode) -> Result<SubRecordWrite, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut write = SubRecordWrite::new();
        for spec in self.fields {
            match body.get(spec.name) {
                Some(value) => match self.parse_field(spec, value) {
                    Ok(parsed) => write.push((spec.name, parsed)),
                    Err(message) => errors.add(spec.name, message),
                },
                None if mode == WriteMode::Full && spec.required => errors.add(spec.name, v::MSG_REQUIRED),
                None => {}
            }
        }
        errors.into_result().map(|()| write)
    }

    /// Checks text a person typed into one field, with the server's rules.
    pub fn parse_text(&self, name: &str, text: &str) -> Result<FieldValue, String> {
        let spec = self.fields.iter().find(|f| f.name == name).ok_or_else(|| format!("no field {name}"))?;
        self.check_email(spec, spec.parse_text(text)?)
    }

    fn parse_field(&self, spec: &FieldSpec, value: &Value) -> Result<FieldValue, String> {
        self.check_email(spec, spec.parse_json(value)?)
    }

    fn check_email(&self, spec: &FieldSpec, value: FieldValue) -> Result<FieldValue, String> {
        match value {
            FieldValue::Text(s) if !s.is_empty() && self.email_fields.contains(&spec.name) => {
                v::email(&s).map(FieldValue::Text)
            }
            other => Ok(other),
        }
    }
}

/// A relation write: `related_customer_id` and `relation`, both required.
/// Whether the related customer exists is for the database to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationWrite {
    pub related_customer_id: i64,
    pub relation: &'static str,
}

impl RelationWrite {
    /// Parses a body; also returns the related customer id when it parsed, so
    /// the database's checks can be reported along with the other errors.
    pub fn parse_json(body: &Map<String, Value>) -> (Result<RelationWrite, FieldErrors>, Option<i64>) {
        let mut errors = FieldErrors::new();
        let related = match body.get("related_customer_id") {
            None => Err(v::MSG_REQUIRED.to_string()),
            Some(value) => parse_pk(value),
        };
        let relation = match body.get("relation") {
            None => Err(v::MSG_REQUIRED.to_string()),
            Some(Value::Null) => Err(v::MSG_NULL.to_string()),
            Some(value) => {
                let code = match value {
                    Value::String(s) => s.trim().to_string(),
                    other => other.to_string(),
                };
                RELATION_CODES
                    .into_iter()
                    .find(|c| *c == code)
                    .ok_or_else(|| format!("\"{code}\" is not a valid choice."))
            }
        };
        let related_id = related.as_ref().ok().copied();
        match (related, relation) {
            (Ok(related_customer_id), Ok(relation)) => {
                (Ok(RelationWrite { related_customer_id, relation }), related_id)
            }
            (related, relation) => {
                if let Err(message) = related {
                    errors.add("related_customer_id", message);
                }
                if let Err(message) = relation {
                    errors.add("relation", message);
                }
                (Err(errors), related_id)
            }
        }
    }
}

/// A primary key as DRF's `PrimaryKeyRelatedField` reads it: an integer, or a
/// string of one.
fn parse_pk(value: &Value) -> Result<i64, String> {
    let wrong_type = |got: &str| format!("Incorrect type. Expected pk value, received {got}.");
    match value {
        Value::Null => Err(v::MSG_NULL.into()),
        Value::Number(n) => n.as_i64().ok_or_else(|| wrong_type("float")),
        Value::String(s) => s.trim().parse::<i64>().map_err(|_| wrong_type("str")),
        other => Err(wrong_type(json_type_name(other))),
    }
}

/// A customer membership's status as of `today`: a stored `ACT` that has not
/// started yet is `FUT`, and anything past its end date is `END`.
pub fn membership_status(stored: &str, start_date: Date, end_date: Option<Date>, today: Date) -> &str {
    match stored {
        "CAN" | "END" => stored,
        _ if end_date.is_some_and(|end| end < today) => "END",
        "ACT" | "FUT" if start_date > today => "FUT",
        "FUT" => "ACT",
        other => other,
    }
}

/// How far ahead `upcoming_bill_dates` looks.
pub const BILLING_HORIZON_DAYS: i64 = 90;

/// The length of a billing interval code, or None for one that does not
/// recur (or that we do not know).
fn interval_span(interval: &str, periods: i64) -> Option<jiff::Span> {
    let span = jiff::Span::new();
    match interval {
        "WKL" | "WEE" => span.try_weeks(periods).ok(),
        "BWK" => span.try_weeks(periods.checked_mul(2)?).ok(),
        "MON" => span.try_months(periods).ok(),
        "QTR" => span.try_months(periods.checked_mul(3)?).ok(),
        "YRL" | "YEA" => span.try_years(periods).ok(),
        _ => None,
    }
}

/// The bill dates of a recurring membership from `today` to
/// [`BILLING_HORIZON_DAYS`] ahead: the start date and every interval after it,
/// within the membership's end date. A membership that is ended, cancelled or
/// frozen without an unfreeze date bills nothing; a frozen one bills again
/// from its unfreeze date.
pub fn upcoming_bill_dates(
    status: &str,
    interval: &str,
    start_date: Date,
    end_date: Option<Date>,
    unfreeze_date: Option<Date>,
    today: Date,
) -> Vec<Date> {
    let from = match status {
        "ACT" | "FUT" => today,
        "FRZ" => match unfreeze_date {
            Some(unfreeze) => unfreeze.max(today),
            None => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    let Ok(horizon) = today.checked_add(jiff::Span::new().days(BILLING_HORIZON_DAYS)) else {
        return Vec::new();
    };
    let last = end_date.map_or(horizon, |end| end.min(horizon));
    let mut dates = Vec::new();
    // Each date counts from the start, so 31 January bills on the last day of
    // February and again on 31 March.
    for period in 0.. {
        let Some(date) = interval_span(interval, period).and_then(|span| start_date.checked_add(span).ok()) else {
            break;
        };
        if date > last {
            break;
        }
        if date >= from {
            dates.push(date);
        }
    }
    dates
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use serde_json::json;

    fn parse(form: SubRecordForm, body: Value, mode: WriteMode) -> Result<SubRecordWrite, FieldErrors> {
        form.parse_json(body.as_object().unwrap(), mode)
    }

    #[test]
    fn a_declared_kind_gives_its_wire_shape_row_columns_mapping_and_import_shape() {
        // Own columns only: joined and shown fields are not the table's.
        assert_eq!(RelationRow::COLUMNS, ["id", "related_customer_id", "relation", "created_at", "updated_at"]);
        assert_eq!(EntryPassRow::COLUMNS.last(), Some(&"updated_at"), "imported-only fields are not listed");
        let row = ChallengeRow {
            id: 7,
            challenge_id: 3,
            name: "Boulder 100".into(),
            description: String::new(),
            status: "INP".into(),
            started_at: 1_000_000,
            completed_at: None,
        };
        let wire = row.into_wire("u/7/".into());
        assert_eq!(wire.url, "u/7/");
        assert_eq!(wire.started_at, Some(jiff::Timestamp::from_second(1).unwrap()));
        assert_eq!(wire.completed_at, None);
        assert_eq!(
            serde_json::to_string(&wire).unwrap(),
            r#"{"id":7,"url":"u/7/","challenge_id":3,"name":"Boulder 100","description":"","status":"INP","started_at":"1970-01-01T00:00:01.000000Z","completed_at":null}"#
        );
        let imported: ImportWaiver = serde_json::from_value(json!({"name": "Waiver"})).unwrap();
        assert_eq!((imported.status.as_str(), imported.pdf, imported.expiration_date), ("ACT", None, None));
        assert!(serde_json::from_value::<ImportWaiver>(json!({"name": "W", "is_expired": true})).is_err());
        assert!(serde_json::from_value::<ImportNote>(json!({})).is_err(), "a required field");
        let pass: ImportEntryPass = serde_json::from_value(
            json!({"name": "10-visit", "uses_total": 10, "uses_remaining": 4, "association_id": 2}),
        )
        .unwrap();
        assert_eq!(pass.association_id, Some(2));
        assert_eq!(
            serde_json::to_value(ImportNote { note: "n".into(), created_at: None }).unwrap(),
            json!({"note": "n"})
        );
    }

    #[test]
    fn emergency_contacts_require_names_and_telephone_and_check_an_email_when_given() {
        let err =
            parse(EMERGENCY_CONTACT_FORM, json!({"first_name": " ", "email": "nope"}), WriteMode::Full).unwrap_err();
        assert_eq!(err.get("first_name").unwrap(), [v::MSG_BLANK]);
        assert_eq!(err.get("last_name").unwrap(), [v::MSG_REQUIRED]);
        assert_eq!(err.get("telephone").unwrap(), [v::MSG_REQUIRED]);
        assert_eq!(err.get("email").unwrap(), [v::MSG_EMAIL]);
        let ok = parse(EMERGENCY_CONTACT_FORM, json!({"email": "", "relation": null}), WriteMode::Partial).unwrap();
        assert_eq!(ok, vec![("email", FieldValue::Text(String::new())), ("relation", FieldValue::Text(String::new()))]);
        assert_eq!(EMERGENCY_CONTACT_FORM.parse_text("email", "a@b").unwrap_err(), v::MSG_EMAIL);
    }

    #[test]
    fn alert_flags_take_booleans_and_messages_must_not_be_blank() {
        let err =
            parse(ALERT_FORM, json!({"message": 5, "prevents_check_in": "perhaps"}), WriteMode::Full).unwrap_err();
        assert!(err.get("message").is_none(), "numbers are text to DRF");
        assert_eq!(err.get("prevents_check_in").unwrap(), [v::MSG_BOOL]);
        let err = parse(ALERT_FORM, json!({"message": ["x"]}), WriteMode::Partial).unwrap_err();
        assert_eq!(err.get("message").unwrap(), [v::MSG_NOT_STRING]);
    }

    #[test]
    fn relation_writes_name_each_bad_field() {
        let (result, related) = RelationWrite::parse_json(json!({"related_customer_id": "x"}).as_object().unwrap());
        let err = result.unwrap_err();
        assert_eq!(err.get("related_customer_id").unwrap(), ["Incorrect type. Expected pk value, received str."]);
        assert_eq!(err.get("relation").unwrap(), [v::MSG_REQUIRED]);
        assert_eq!(related, None);
        let (result, related) =
            RelationWrite::parse_json(json!({"related_customer_id": "12", "relation": "BFF"}).as_object().unwrap());
        assert_eq!(result.unwrap_err().get("relation").unwrap(), ["\"BFF\" is not a valid choice."]);
        assert_eq!(related, Some(12));
        let (result, _) =
            RelationWrite::parse_json(json!({"related_customer_id": 12, "relation": "CHI"}).as_object().unwrap());
        assert_eq!(result.unwrap(), RelationWrite { related_customer_id: 12, relation: "CHI" });
    }

    #[test]
    fn every_relation_reverses_to_a_code_that_reverses_back() {
        for code in RELATION_CODES {
            assert!(RELATION_CODES.contains(&reverse_relation(code)));
            assert_eq!(reverse_relation(reverse_relation(code)), code);
        }
        assert_eq!(reverse_relation("CHI"), "PRE");
        assert_eq!(reverse_relation("WAR"), "GUA");
        assert_eq!(reverse_relation("SIB"), "SIB");
    }

    #[test]
    fn membership_status_follows_the_calendar() {
        let today = date(2026, 3, 10);
        assert_eq!(membership_status("ACT", date(2026, 4, 1), None, today), "FUT");
        assert_eq!(membership_status("FUT", date(2026, 3, 1), None, today), "ACT");
        assert_eq!(membership_status("ACT", date(2025, 1, 1), Some(date(2026, 3, 9)), today), "END");
        assert_eq!(membership_status("ACT", date(2025, 1, 1), Some(date(2026, 3, 10)), today), "ACT");
        assert_eq!(membership_status("FRZ", date(2025, 1, 1), None, today), "FRZ");
        assert_eq!(membership_status("CAN", date(2027, 1, 1), None, today), "CAN");
    }

    #[test]
    fn bill_dates_step_from_the_start_within_the_horizon_and_end() {
        let today = date(2026, 3, 10);
        assert_eq!(
            upcoming_bill_dates("ACT", "MON", date(2026, 1, 31), None, None, today),
            vec![date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31)]
        );
        assert_eq!(
            upcoming_bill_dates("ACT", "BWK", date(2026, 3, 1), Some(date(2026, 4, 1)), None, today),
            vec![date(2026, 3, 15), date(2026, 3, 29)]
        );
        assert_eq!(upcoming_bill_dates("FUT", "YRL", date(2026, 4, 1), None, None, today), vec![date(2026, 4, 1)]);
        assert_eq!(
            upcoming_bill_dates("FRZ", "MON", date(2026, 1, 5), None, Some(date(2026, 5, 1)), today),
            vec![date(2026, 5, 5), date(2026, 6, 5)]
        );
        assert!(upcoming_bill_dates("FRZ", "MON", date(2026, 1, 5), None, None, today).is_empty());
        assert!(upcoming_bill_dates("END", "MON", date(2026, 1, 5), None, None, today).is_empty());
        assert!(upcoming_bill_dates("ACT", "ONE", date(2026, 1, 5), None, None, today).is_empty());
    }
}
