//! The customer resource: its read shape (every field of the seed), gender
//! codes and custom field values.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::time::{date_opt, null_as_default, timestamp_opt};

/// The seed's gender options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    Male,
    Female,
    NonBinary,
    PreferNotToSay,
}

impl Gender {
    pub const ALL: [Gender; 4] = [Gender::Male, Gender::Female, Gender::NonBinary, Gender::PreferNotToSay];

    pub fn code(self) -> &'static str {
        match self {
            Gender::Male => "M",
            Gender::Female => "F",
            Gender::NonBinary => "N",
            Gender::PreferNotToSay => "P",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Gender::Male => "Male",
            Gender::Female => "Female",
            Gender::NonBinary => "Non-binary",
            Gender::PreferNotToSay => "Prefer not to say",
        }
    }

    pub fn from_code(code: &str) -> Option<Gender> {
        Gender::ALL.into_iter().find(|g| g.code() == code)
    }
}

impl Serialize for Gender {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Gender {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Gender::from_code(&code).ok_or_else(|| serde::de::Error::custom(format!("unknown gender code {code:?}")))
    }
}

/// Reads a gender leniently: an unknown code from another server is no gender
/// rather than an unreadable customer.
fn lenient_gender<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Gender>, D::Error> {
    let raw: Option<String> = Option::deserialize(d)?;
    Ok(raw.as_deref().and_then(Gender::from_code))
}

/// One of the organization's custom customer fields and this customer's value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomFieldValue {
    pub field_id: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub field_name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub value: String,
}

/// A customer as the API reads it (the List and Read shape).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Customer {
    pub id: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub url: String,
    #[serde(deserialize_with = "null_as_default")]
    pub email: String,
    #[serde(deserialize_with = "null_as_default")]
    pub first_name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub last_name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub preferred_name: String,
    #[serde(with = "date_opt")]
    pub birthday: Option<Date>,
    #[serde(deserialize_with = "null_as_default")]
    pub address_postcode: String,
    #[serde(deserialize_with = "null_as_default")]
    pub address_street_1: String,
    #[serde(deserialize_with = "null_as_default")]
    pub address_street_2: String,
    #[serde(deserialize_with = "null_as_default")]
    pub address_city: String,
    #[serde(deserialize_with = "null_as_default")]
    pub address_state: String,
    #[serde(deserialize_with = "null_as_default")]
    pub address_country: String,
    #[serde(deserialize_with = "null_as_default")]
    pub government_id: String,
    #[serde(deserialize_with = "null_as_default")]
    pub telephone: String,
    #[serde(deserialize_with = "lenient_gender")]
    pub gender: Option<Gender>,
    #[serde(deserialize_with = "null_as_default")]
    pub pronouns: String,
    #[serde(deserialize_with = "null_as_default")]
    pub has_opted_in_to_marketing: bool,
    #[serde(deserialize_with = "null_as_default")]
    pub barcode: String,
    pub profile_image: Option<String>,
    pub profile_image_small: Option<String>,
    pub home_location_id: Option<i64>,
    pub home_location_url: Option<String>,
    pub home_location_name: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub capitan_invite_sent: bool,
    #[serde(deserialize_with = "null_as_default")]
    pub has_capitan_login: bool,
    #[serde(deserialize_with = "null_as_default")]
    pub check_in_count: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub has_active_membership: bool,
    #[serde(deserialize_with = "null_as_default")]
    pub has_active_youth_programming_membership: bool,
    #[serde(deserialize_with = "null_as_default")]
    pub has_active_non_youth_programming_membership: bool,
    #[serde(deserialize_with = "null_as_default")]
    pub has_membership_with_future_start: bool,
    #[serde(deserialize_with = "null_as_default")]
    pub has_frozen_membership: bool,
    #[serde(deserialize_with = "null_as_default")]
    pub number_of_available_entry_passes: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub active_waiver_exists: bool,
    #[serde(with = "date_opt")]
    pub latest_waiver_expiration_date: Option<Date>,
    #[serde(deserialize_with = "null_as_default")]
    pub active_proficiency_names: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub tags: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub custom_field_values: Vec<CustomFieldValue>,
    #[serde(deserialize_with = "null_as_default")]
    pub has_medical_notes: bool,
    #[serde(with = "timestamp_opt")]
    pub first_check_in_timestamp: Option<Timestamp>,
    #[serde(with = "timestamp_opt")]
    pub latest_check_in_timestamp: Option<Timestamp>,
    #[serde(with = "timestamp_opt")]
    pub first_membership_timestamp: Option<Timestamp>,
    #[serde(with = "timestamp_opt")]
    pub created_at: Option<Timestamp>,
    #[serde(with = "timestamp_opt")]
    pub updated_at: Option<Timestamp>,
    #[serde(deserialize_with = "null_as_default")]
    pub event_vouchers_url: String,
    #[serde(deserialize_with = "null_as_default")]
    pub credits_url: String,
    #[serde(deserialize_with = "null_as_default")]
    pub emergency_contacts_url: String,
    #[serde(deserialize_with = "null_as_default")]
    pub medical_notes_url: String,
    #[serde(deserialize_with = "null_as_default")]
    pub notes_url: String,
    #[serde(deserialize_with = "null_as_default")]
    pub alerts_url: String,
    #[serde(deserialize_with = "null_as_default")]
    pub documents_url: String,
    #[serde(deserialize_with = "null_as_default")]
    pub relations_url: String,
    #[serde(deserialize_with = "null_as_default")]
    pub check_ins_url: String,
    #[serde(deserialize_with = "null_as_default")]
    pub guest_pass_usages: String,
    #[serde(deserialize_with = "null_as_default")]
    pub shared_passes_url: String,
    #[serde(deserialize_with = "null_as_default")]
    pub memberships_url: String,
    #[serde(deserialize_with = "null_as_default")]
    pub entry_passes_url: String,
    #[serde(deserialize_with = "null_as_default")]
    pub challenges_url: String,
    #[serde(deserialize_with = "null_as_default")]
    pub payments_url: String,
    #[serde(deserialize_with = "null_as_default")]
    pub proficiencies_url: String,
    #[serde(deserialize_with = "null_as_default")]
    pub reservations_url: String,
    #[serde(deserialize_with = "null_as_default")]
    pub reservation_parts_url: String,
    #[serde(deserialize_with = "null_as_default")]
    pub pending_relations_url: String,
    #[serde(deserialize_with = "null_as_default")]
    pub incoming_pending_relations_url: String,
    #[serde(deserialize_with = "null_as_default")]
    pub activity_log_url: String,
}

/// The customer sub-collections: the seed's `*_url` field and the hyphenated
/// path segment under `/api/customers/{id}/` that it points at.
pub const SUB_COLLECTIONS: [(&str, &str); 21] = [
    ("event_vouchers_url", "event-vouchers"),
    ("credits_url", "credits"),
    ("emergency_contacts_url", "emergency-contacts"),
    ("medical_notes_url", "medical-notes"),
    ("notes_url", "notes"),
    ("alerts_url", "alerts"),
    ("documents_url", "documents"),
    ("relations_url", "relations"),
    ("check_ins_url", "check-ins"),
    ("guest_pass_usages", "guest-pass-usages"),
    ("shared_passes_url", "shared-passes"),
    ("memberships_url", "memberships"),
    ("entry_passes_url", "entry-passes"),
    ("challenges_url", "challenges"),
    ("payments_url", "payments"),
    ("proficiencies_url", "proficiencies"),
    ("reservations_url", "reservations"),
    ("reservation_parts_url", "reservation-parts"),
    ("pending_relations_url", "pending-relations"),
    ("incoming_pending_relations_url", "incoming-pending-relations"),
    ("activity_log_url", "activity-log"),
];

impl Customer {
    /// The name staff call the customer by: the preferred name when set.
    pub fn display_first_name(&self) -> &str {
        if self.preferred_name.trim().is_empty() { &self.first_name } else { &self.preferred_name }
    }

    /// Whole years of age on `today`; see [`age_on`].
    pub fn age_on(&self, today: Date) -> Option<i16> {
        self.birthday.map(|b| age_on(b, today))
    }
}

/// Whole years between `birthday` and `today`: a birthday today counts.
///
/// A 29 February birthday ages on 1 March in common years (the legal rule in
/// most places, and what subtracting calendar years then comparing month and
/// day gives).
pub fn age_on(birthday: Date, today: Date) -> i16 {
    let mut years = today.year() - birthday.year();
    if (today.month(), today.day()) < (birthday.month(), birthday.day()) {
        years -= 1;
    }
    years
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_birthday_today_counts_and_leap_day_birthdays_age_on_march_first() {
        assert_eq!(age_on(date(2000, 11, 25), date(2026, 11, 25)), 26);
        assert_eq!(age_on(date(2000, 11, 26), date(2026, 11, 25)), 25);
        assert_eq!(age_on(date(2008, 2, 29), date(2026, 2, 28)), 17);
        assert_eq!(age_on(date(2008, 2, 29), date(2026, 3, 1)), 18);
        assert_eq!(age_on(date(2008, 2, 29), date(2028, 2, 29)), 20);
    }

    #[test]
    fn reading_tolerates_nulls_and_unknown_codes_from_other_servers() {
        let c: Customer = serde_json::from_value(serde_json::json!({
            "id": 7, "email": null, "first_name": "Ann", "gender": "X", "tags": null,
            "birthday": "1990-01-02", "created_at": "2024-01-01T00:00:00-07:00"
        }))
        .unwrap();
        assert_eq!(c.id, 7);
        assert_eq!(c.email, "");
        assert_eq!(c.gender, None);
        assert!(c.tags.is_empty());
        assert_eq!(c.birthday, Some(date(1990, 1, 2)));
        assert_eq!(c.created_at.unwrap().to_string(), "2024-01-01T07:00:00Z");
    }
}
