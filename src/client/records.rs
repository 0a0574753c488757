//! The read shapes of the customer sub-collections the app displays: the
//! shared ones from `model::subrecords`, and a minimal lenient check-in
//! (only what the profile shows) until `model::check_in` lands.

use serde::Deserialize;

use crate::model::time::null_as_default;

pub use crate::model::subrecords::{Alert, EmergencyContact, Note, Relation};

/// What a relation code means: what the related customer is to this one.
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

/// A location of the organization (`/api/gyms/`): where a desk checks in, a customer's home location.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Location {
    pub id: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct CheckIn {
    pub id: i64,
    /// The location's wall-clock time, without an offset (Capitan's form).
    #[serde(deserialize_with = "null_as_default")]
    pub check_in_datetime: String,
    #[serde(deserialize_with = "null_as_default")]
    pub location_name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub entry_method: String,
    #[serde(deserialize_with = "null_as_default")]
    pub entry_method_description: String,
}

impl CheckIn {
    /// `2026-11-25 18:04` from `2026-11-25T18:04:31.123456`.
    pub fn when(&self) -> String {
        let s = self.check_in_datetime.replace('T', " ");
        s.chars().take(16).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_ins_read_with_missing_keys_and_relations_have_labels() {
        assert_eq!(relation_label("CHI"), "Child");
        let ci: CheckIn =
            serde_json::from_value(serde_json::json!({"check_in_datetime": "2026-11-25T18:04:31.123456"})).unwrap();
        assert_eq!(ci.when(), "2026-11-25 18:04");
    }
}
