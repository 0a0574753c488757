//! A relative of a scanned customer as the tasks load them (kept apart from the family list's
//! update, which sends commands, so that the messages can carry it).

use jiff::civil::Date;

use crate::model::check_in_preview::CheckInPreview;

/// One related customer, as the tasks load them.
#[derive(Debug, Clone, PartialEq)]
pub struct Relative {
    pub customer_id: i64,
    pub name: String,
    /// The relation's code, describing this relative (`CHI`: they are the scanned customer's child).
    pub relation: String,
    pub birthday: Option<Date>,
    /// Whether they have a barcode (a key tag) of their own.
    pub has_card: bool,
    /// Their own verdict as if scanned now, or why there is none (a server without the preview).
    pub preview: Result<CheckInPreview, String>,
}
