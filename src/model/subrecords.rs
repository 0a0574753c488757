//! The wire shapes of a customer's sub-records and of the read-only top-level
//! collections (memberships, entry passes), and the rules for writing them.
//!
//! Read shapes deserialize leniently, as [`super::Customer`] does, so the
//! terminal app's client can read them from our server and from Capitan.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::fields::{FieldKind, FieldSpec, FieldValue, TEXT, WriteMode, json_type_name, spec, text_max};
use super::time::null_as_default;
use super::validation::{self as v, FieldErrors};

mod declare;
pub use declare::IntFlag;
use declare::sub_record;

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
    pub struct EmergencyContact, stored as EmergencyContactRow, imported as ImportEmergencyContact,
        written as EMERGENCY_CONTACT_FORM {
        first_name: Text => required edit(spec("First name", FieldKind::RequiredText).required()),
        last_name: Text => required edit(spec("Last name", FieldKind::RequiredText).required()),
        telephone: Text => required edit(spec("Telephone", FieldKind::RequiredText).required()),
        email: Text => default edit(spec("Email", text_max(v::EMAIL_MAX_LEN)), email),
        /// Free text ("Mother", "Partner").
        relation: Text => default edit(spec("Relation", TEXT)),
        created_at: Instant => omittable,
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
    pub struct MedicalNote, stored as MedicalNoteRow, imported as ImportMedicalNote, written as MEDICAL_NOTE_FORM {
        medical_notes: Text => required edit(spec("Medical notes", FieldKind::RequiredText).required()),
        created_at: Instant => omittable,
        updated_at: Instant,
    }
}

sub_record! {
    /// `notes/`: staff notes about the customer **(ours)**.
    pub struct Note, stored as NoteRow, imported as ImportNote, written as NOTE_FORM {
        note: Text => required edit(spec("Note", FieldKind::RequiredText).required()),
        created_at: Instant => omittable,
        updated_at: Instant,
    }
}

sub_record! {
    /// `alerts/`: shown to staff at check-in; some refuse it **(ours)**.
    pub struct Alert, stored as AlertRow, imported as ImportAlert, written as ALERT_FORM {
        message: Text => required edit(spec("Message", FieldKind::RequiredText).required()),
        prevents_check_in: Flag => default edit(spec("Prevents check-in", FieldKind::Bool)),
        created_at: Instant => omittable,
        updated_at: Instant,
    }
}

sub_record! {
    /// `/api/memberships/`: a membership type the organization sells.
    pub struct MembershipType, stored as MembershipTypeRow {
        name: Text,
        description: Text,
        status: Text,
        purchase_type: Text,
        interval: Text,
        is_group: Flag,
        is_youth_programming: Flag,
        /// Ours: the ids of the locations where this type admits (every location when it is not
        /// tied to one), ordered by location name. Capitan does not send it: absent reads as empty.
        valid_location_ids: IdList = completed,
        /// Ours: their names, in the same order.
        valid_location_names: TextList = completed,
        /// The one location the type is sold for, or none: valid at every location.
        location_id: OptId = row,
    }
}

/// One customer a membership covers (an item of `all_customers`). Not a
/// `sub_record!` kind: a value nested in [`CustomerMembership`], with no URL
/// and no listing of its own. It is its own stored row too (storage selects
/// it under these names beside the membership it belongs to), so its fields
/// are declared here once.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
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
    #[sqlx(try_from = "IntFlag")]
    pub is_individually_frozen: bool,
}

sub_record! {
    /// `/api/customer-memberships/` and a customer's `memberships/`: an enrolment
    /// in a membership type, owned (paid for) by one customer, covering those in
    /// `all_customers`.
    pub struct CustomerMembership, stored as CustomerMembershipRow {
        /// The membership type (the `membership_type_id` column).
        membership_id: Id = joined,
        name: Text = joined,
        /// `ACT`, `FRZ`, `END`, `CAN` or `FUT`, as of today (stored, then moved
        /// by the calendar when shown: [`membership_status`]).
        status: Text,
        start_date: Date,
        end_date: Date,
        interval: Text,
        /// A decimal string.
        billing_amount: Text,
        owner_id: Id,
        owner_first_name: Text = joined,
        owner_last_name: Text = joined,
        owner_email: Text = joined,
        owner_birthday: Date = joined,
        /// The `unfreeze_date` column.
        membership_unfreeze_date: Date = joined,
        all_customers: Members = completed,
        upcoming_bill_dates: DateList = shown,
        /// Ours: the ids of the locations where the membership admits (its type's; every location
        /// when the type is not tied to one), ordered by location name. Capitan does not send it:
        /// absent reads as empty, which the app shows as "locations not given".
        valid_location_ids: IdList = completed,
        /// Ours: their names, in the same order.
        valid_location_names: TextList = completed,
        created_at: Instant,
        updated_at: Instant,
        /// The type's purchase type: a recurring one has bill dates.
        purchase_type: Text = joined_row,
        /// The membership type's one location, or none: valid at every location.
        type_location_id: OptId = joined_row,
    }
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
        created_at: Instant => omittable,
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
        created_at: Instant => omittable,
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

sub_record! {
    /// `reservations/`: an event booking.
    pub struct Reservation, stored as ReservationRow {
        event_type_id: Id,
        event_type_name: Text = joined,
        location_id: OptId,
        location_name: OptText = joined,
        starts_at: Instant,
        ends_at: Instant,
        /// `CON` confirmed or `CAN` cancelled.
        status: Text,
        created_at: Instant,
    }
}

sub_record! {
    /// `reservation-parts/`: one session of a reservation. Every stored
    /// reservation is a single session, so it has one part, with the
    /// reservation's id **(ours)**: the same row as [`Reservation`]'s, its
    /// booking fields in the same order (a test keeps the two in step).
    pub struct ReservationPart, stored as ReservationPartRow {
        reservation_id: Id = shown,
        reservation_url: Text = shown,
        event_type_id: Id,
        event_type_name: Text = joined,
        location_id: OptId,
        location_name: OptText = joined,
        starts_at: Instant,
        ends_at: Instant,
        /// `CON` confirmed or `CAN` cancelled.
        status: Text,
    }
}

/// One field's change in an activity entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FieldChange {
    pub from: Value,
    pub to: Value,
}

sub_record! {
    /// `activity-log/`: one change made through the API to the customer or one
    /// of its sub-records.
    pub struct ActivityEntry, stored as ActivityRow {
        customer_id: Id,
        /// Null for changes made by the system (an import).
        staff_user_id: OptId,
        staff_username: OptText = joined,
        /// `create`, `update`, `delete`, or a check-in action.
        action: Text,
        /// `customer`, `emergency_contact`, `relation`, ...
        entity: Text,
        entity_id: OptId,
        changes: Changes,
        created_at: Instant,
    }
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

/// The writable fields of an editable sub-record, and their rules.
#[derive(Debug, Clone, Copy)]
pub struct SubRecordForm {
    pub fields: &'static [FieldSpec],
    /// Optional fields that, when not blank, must hold an email address.
    pub email_fields: &'static [&'static str],
}

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

/// The bill dates of a recurring membership from `today` to
/// [`BILLING_HORIZON_DAYS`] ahead: the start date and every interval after it
/// (see [`super::terms`]). A recurring membership renews at the end of each
/// period, so its `end_date` (the last day paid for) does not bound them: the
/// next bill is the day after it. A membership that is ended, cancelled or
/// frozen without an unfreeze date bills nothing; a frozen one bills again
/// from its unfreeze date.
pub fn upcoming_bill_dates(
    status: &str,
    interval: &str,
    start_date: Date,
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
    let Ok(last) = today.checked_add(jiff::Span::new().days(BILLING_HORIZON_DAYS)) else {
        return Vec::new();
    };
    let mut dates = Vec::new();
    for period in 0.. {
        let Some(date) = super::terms::period_start(interval, start_date, period) else {
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
mod tests;
