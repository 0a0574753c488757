//! Which screen is in front, and which pane of the search screen has the keys.

/// The app's screens. Esc leaves one for the screen it was opened from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// Search, results, profile and filters.
    Desk,
    /// An edit form (`App::form`): a customer's details, a walk-in, a contact, note or alert.
    Form,
    /// Barcode check-in: the scan field, the verdict, today's scans.
    CheckIn,
    /// A new photo from a file (`App::photo_upload`).
    Photo,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Search,
    Results,
    Detail,
    Filters,
}
