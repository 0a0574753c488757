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
