//! What became of a scan (or a lookup), as the tasks report it, with what the customer's record
//! says.

use crate::client::records::{Alert, Note};
use crate::model::Customer;
use crate::model::check_in::BarcodeCheckIn;

/// What the customer's record says, fetched after the scan's answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Details {
    pub customer: Option<Customer>,
    /// `None` when the server has no alerts (or they could not be loaded).
    pub alerts: Option<Vec<Alert>>,
    pub notes: Option<Vec<Note>>,
    /// The customer's latest check-ins (newest first), read after a check-in: an earlier one the
    /// same local day at the same location is worth a word ("Already checked in today at 14:02").
    pub recent_check_ins: Option<Vec<crate::model::check_in::CheckIn>>,
    /// What they hold (boxed: a message carrying details stays small).
    pub holdings: Box<Holdings>,
    /// An override came back `200` without its reason: the server (Capitan) does not keep
    /// overrides and let them in by its own rules ([`NO_OVERRIDES_BUT_IN`] says so). The app's
    /// own word, kept apart from the server's `notices`, whose absence means "judge turning 18
    /// here".
    pub override_not_kept: bool,
}

/// Said when an override comes back `200` without its reason: the server does not know overrides.
pub const NO_OVERRIDES_BUT_IN: &str = "This server does not keep override reasons: it checked them in by its own rules";

/// A customer's memberships, passes and waivers, each `None` when the server has none to give.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Holdings {
    /// Memberships held or covering them.
    pub memberships: Option<Vec<crate::model::subrecords::CustomerMembership>>,
    pub entry_passes: Option<Vec<crate::model::subrecords::EntryPass>>,
    /// Their signed documents (waivers).
    pub documents: Option<Vec<crate::model::subrecords::Document>>,
}

/// What became of one scan (or lookup), as the tasks report it.
#[derive(Debug, Clone, PartialEq)]
pub enum ScanOutcome {
    CheckedIn {
        check_in: Box<BarcodeCheckIn>,
        details: Details,
    },
    /// A `4xx` of the check-in rules, with the server's plain text.
    Refused {
        status: u16,
        text: String,
        details: Details,
    },
    /// The server could not be reached; the scan is on disk and will be sent.
    Queued {
        reason: String,
    },
    /// The server could not be reached and the scan could not be kept either.
    NotQueued {
        reason: String,
    },
    /// (ours) An override (F8) that let nobody in: not sent (offline), its reason rejected, or a
    /// server without overrides.
    NotOverridden {
        reason: String,
    },
    /// A lookup found the customer.
    Found {
        details: Details,
    },
    /// A lookup found no customer with this barcode.
    NotFound,
    /// A lookup failed.
    Failed(String),
}
