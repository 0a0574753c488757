//! Lenient read shapes of the customer sub-collections the app displays.
//!
//! Minimal on purpose: only what the detail pane shows, every key optional.
//! When `model::subrecords` and `model::check_in` land, these should become
//! those shared types.

use serde::Deserialize;

use crate::model::time::null_as_default;

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct EmergencyContact {
    pub id: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub first_name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub last_name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub telephone: String,
    #[serde(deserialize_with = "null_as_default")]
    pub email: String,
    #[serde(deserialize_with = "null_as_default")]
    pub relation: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Relation {
    pub id: i64,
    pub related_customer_id: Option<i64>,
    #[serde(deserialize_with = "null_as_default")]
    pub related_customer_first_name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub related_customer_last_name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub related_customer_email: String,
    /// `SPO`, `PRT`, `PRE`, `CHI`, `GUA`, `WAR`, `SIB` or `OTH`: what the
    /// related customer is to this one.
    #[serde(deserialize_with = "null_as_default")]
    pub relation: String,
}

impl Relation {
    pub fn relation_label(&self) -> &str {
        match self.relation.as_str() {
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
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Alert {
    pub id: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub message: String,
    #[serde(deserialize_with = "null_as_default")]
    pub prevents_check_in: bool,
    #[serde(deserialize_with = "null_as_default")]
    pub created_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Note {
    pub id: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub note: String,
    #[serde(deserialize_with = "null_as_default")]
    pub created_at: String,
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
    fn records_read_with_nulls_and_missing_keys() {
        let c: EmergencyContact =
            serde_json::from_value(serde_json::json!({"id": 1, "first_name": "Bo", "email": null})).unwrap();
        assert_eq!((c.first_name.as_str(), c.email.as_str(), c.telephone.as_str()), ("Bo", "", ""));
        let r: Relation = serde_json::from_value(serde_json::json!({"relation": "CHI"})).unwrap();
        assert_eq!(r.relation_label(), "Child");
        let ci: CheckIn =
            serde_json::from_value(serde_json::json!({"check_in_datetime": "2026-11-25T18:04:31.123456"})).unwrap();
        assert_eq!(ci.when(), "2026-11-25 18:04");
    }
}
