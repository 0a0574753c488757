//! The read shapes the app displays: the shared wire model's sub-records and
//! check-ins, and the little of a location it needs.

use serde::Deserialize;

use crate::model::time::null_as_default;

pub use crate::model::check_in::CheckIn;
pub use crate::model::subrecords::{Alert, EmergencyContact, Note, Relation, relation_label};

/// A location of the organization (`/api/gyms/`): where a desk checks in, a customer's home location.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Location {
    pub id: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub name: String,
}
