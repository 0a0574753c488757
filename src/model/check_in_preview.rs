//! (ours) `GET /api/customers/{id}/check-in-preview/`: what a check-in of the customer would
//! answer now, judged by the same rules as a scan, with nothing written. The desk shows it for each
//! member of a scanned customer's family before staff choose whom to check in.

use serde::{Deserialize, Serialize};

use super::check_in::EntryMethod;
use super::time::null_as_default;

/// How a check-in now would end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PreviewVerdict {
    /// A new check-in would be made (`200`).
    In,
    /// The location combines same-day check-ins and the customer is already in today: `200` with
    /// the earlier check-in, nothing new.
    AlreadyIn,
    /// Refused (`400` or `404`), for `reason`.
    Refused,
    /// A verdict this client does not know (a newer server).
    #[default]
    #[serde(other)]
    Unknown,
}

/// The preview's body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckInPreview {
    pub customer_id: i64,
    pub verdict: PreviewVerdict,
    /// The status the check-in would answer: `200`, `400` or `404`.
    pub status: u16,
    /// `MEM`, `ENT`, `EVE` when it would be in; empty otherwise.
    #[serde(deserialize_with = "null_as_default")]
    pub entry_method: String,
    /// As the check-in would describe it (`10-Punch Pass (3 remaining)`, counting the use it
    /// would debit); empty when refused.
    #[serde(deserialize_with = "null_as_default")]
    pub entry_method_description: String,
    /// Capitan's refusal text when refused; empty otherwise.
    #[serde(deserialize_with = "null_as_default")]
    pub reason: String,
    pub location_id: Option<i64>,
    #[serde(deserialize_with = "null_as_default")]
    pub location_name: String,
}

impl CheckInPreview {
    pub fn method(&self) -> Option<EntryMethod> {
        EntryMethod::from_code(&self.entry_method)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_read_by_name_and_an_unknown_one_reads_as_unknown() {
        let p: CheckInPreview =
            serde_json::from_value(serde_json::json!({"customer_id": 3, "verdict": "already_in", "status": 200}))
                .unwrap();
        assert_eq!(p.verdict, PreviewVerdict::AlreadyIn);
        let p: CheckInPreview = serde_json::from_value(serde_json::json!({"verdict": "maybe"})).unwrap();
        assert_eq!(p.verdict, PreviewVerdict::Unknown);
        assert_eq!(serde_json::to_value(PreviewVerdict::In).unwrap(), "in");
    }
}
