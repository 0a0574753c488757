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
    /// IANA zone name (`America/Denver`): the location's clock for every date and time.
    #[serde(default, deserialize_with = "null_as_default")]
    pub time_zone: String,
    /// Ours: whether a second check-in the same local day is folded into the first (Capitan
    /// does not send it; absent means no).
    #[serde(default, deserialize_with = "null_as_default")]
    pub combine_same_day_check_ins: bool,
}
