//! The named things a key can do. Names are snake_case so a config file can
//! bind keys to them (`"ctrl-o" = "open"`), and each has the sentence the `?`
//! overlay shows.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    Help,
    Back,
    NextPane,
    PrevPane,
    FocusSearch,
    ToggleFilters,
    ClearSearch,
    ClearFilters,
    RemoveFilter,
    Retry,
    Refresh,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Confirm,
    CycleNext,
    CyclePrev,
    SelectNext,
    SelectPrev,
    CheckInMode,
    LookupMode,
    Submit,
    Undo,
    Edit,
    NewCustomer,
    UploadPhoto,
    EmergencyContacts,
    Notes,
    Alerts,
    NextField,
    PrevField,
    Save,
    KeepMine,
    TakeTheirs,
    Complete,
    LockDesk,
    SignIn,
}

impl Action {
    pub const ALL: [Action; 42] = [
        Action::Quit,
        Action::Help,
        Action::Back,
        Action::NextPane,
        Action::PrevPane,
        Action::FocusSearch,
        Action::ToggleFilters,
        Action::ClearSearch,
        Action::ClearFilters,
        Action::RemoveFilter,
        Action::Retry,
        Action::Refresh,
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::Open,
        Action::Confirm,
        Action::CycleNext,
        Action::CyclePrev,
        Action::SelectNext,
        Action::SelectPrev,
        Action::CheckInMode,
        Action::LookupMode,
        Action::Submit,
        Action::Undo,
        Action::Edit,
        Action::NewCustomer,
        Action::UploadPhoto,
        Action::EmergencyContacts,
        Action::Notes,
        Action::Alerts,
        Action::NextField,
        Action::PrevField,
        Action::Save,
        Action::KeepMine,
        Action::TakeTheirs,
        Action::Complete,
        Action::LockDesk,
        Action::SignIn,
    ];

    /// The name a config file uses.
    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::Back => "back",
            Action::NextPane => "next_pane",
            Action::PrevPane => "prev_pane",
            Action::FocusSearch => "focus_search",
            Action::ToggleFilters => "toggle_filters",
            Action::ClearSearch => "clear_search",
            Action::ClearFilters => "clear_filters",
            Action::RemoveFilter => "remove_filter",
            Action::Retry => "retry",
            Action::Refresh => "refresh",
            Action::Up => "up",
            Action::Down => "down",
            Action::PageUp => "page_up",
            Action::PageDown => "page_down",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::Open => "open",
            Action::Confirm => "confirm",
            Action::CycleNext => "cycle_next",
            Action::CyclePrev => "cycle_prev",
            Action::SelectNext => "select_next",
            Action::SelectPrev => "select_prev",
            Action::CheckInMode => "check_in_mode",
            Action::LookupMode => "lookup_mode",
            Action::Submit => "submit",
            Action::Undo => "undo",
            Action::Edit => "edit",
            Action::NewCustomer => "new_customer",
            Action::UploadPhoto => "upload_photo",
            Action::EmergencyContacts => "emergency_contacts",
            Action::Notes => "notes",
            Action::Alerts => "alerts",
            Action::NextField => "next_field",
            Action::PrevField => "prev_field",
            Action::Save => "save",
            Action::KeepMine => "keep_mine",
            Action::TakeTheirs => "take_theirs",
            Action::Complete => "complete",
            Action::LockDesk => "lock_desk",
            Action::SignIn => "sign_in",
        }
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }

    /// What it does, for the `?` overlay.
    pub fn description(self) -> &'static str {
        match self {
            Action::Quit => "Quit",
            Action::Help => "Show or hide this list of keys",
            Action::Back => "Back out one level",
            Action::NextPane => "Next pane",
            Action::PrevPane => "Previous pane",
            Action::FocusSearch => "Go to the search bar",
            Action::ToggleFilters => "Show or hide the filters",
            Action::ClearSearch => "Clear the search text",
            Action::ClearFilters => "Clear every filter",
            Action::RemoveFilter => "Remove the selected filter",
            Action::Retry => "Retry what failed",
            Action::Refresh => "Reload the list and the profile",
            Action::Up => "Move up",
            Action::Down => "Move down",
            Action::PageUp => "Page up",
            Action::PageDown => "Page down",
            Action::Top => "Go to the top",
            Action::Bottom => "Go to the bottom (in the results: the last customer, loading the rest)",
            Action::Open => "Open the selected customer or filter",
            Action::Confirm => "Apply what was typed, or answer yes",
            Action::CycleNext => "Next choice (yes / no / any)",
            Action::CyclePrev => "Previous choice",
            Action::SelectNext => "Next customer",
            Action::SelectPrev => "Previous customer",
            Action::CheckInMode => "Check-in screen: scan key tags",
            Action::LookupMode => "Look scanned codes up without checking in (on or off)",
            Action::Submit => "Check in (or look up) the typed code",
            Action::Undo => "Undo the last check-in",
            Action::Edit => "Edit the customer's details",
            Action::NewCustomer => "New customer (a walk-in)",
            Action::UploadPhoto => "Upload a new photo from a file",
            Action::EmergencyContacts => "Add or edit emergency contacts",
            Action::Notes => "Add or edit notes",
            Action::Alerts => "Add or edit alerts",
            Action::NextField => "Next field",
            Action::PrevField => "Previous field",
            Action::Save => "Save",
            Action::KeepMine => "Save your version over the server's",
            Action::TakeTheirs => "Take the server's version into the form",
            Action::Complete => "Complete the file name",
            Action::LockDesk => "Lock the desk for the next staff member (scans still check in)",
            Action::SignIn => "Sign in: 4 to 8 digits are sent as your PIN, anything else as your password",
        }
    }

    /// The few words the footer uses.
    pub fn short(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "keys",
            Action::Back => "back",
            Action::NextPane | Action::PrevPane => "pane",
            Action::FocusSearch => "search",
            Action::ToggleFilters => "filters",
            Action::ClearSearch => "clear",
            Action::ClearFilters => "clear filters",
            Action::RemoveFilter => "remove",
            Action::Retry => "retry",
            Action::Refresh => "reload",
            Action::Up | Action::Down => "move",
            Action::PageUp | Action::PageDown => "page",
            Action::Top => "first",
            Action::Bottom => "last",
            Action::Open => "open",
            Action::Confirm => "apply/yes",
            Action::CycleNext | Action::CyclePrev => "change",
            Action::SelectNext | Action::SelectPrev => "next/prev",
            Action::CheckInMode => "check-in",
            Action::LookupMode => "lookup",
            Action::Submit => "check in",
            Action::Undo => "undo",
            Action::Edit => "edit",
            Action::NewCustomer => "new",
            Action::UploadPhoto => "photo",
            Action::EmergencyContacts => "contacts",
            Action::Notes => "notes",
            Action::Alerts => "alerts",
            Action::NextField | Action::PrevField => "field",
            Action::Save => "save",
            Action::KeepMine => "keep mine",
            Action::TakeTheirs => "take theirs",
            Action::Complete => "complete",
            Action::LockDesk => "lock",
            Action::SignIn => "sign in",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_unique_name_that_reads_back() {
        for a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(a));
            let json = serde_json::to_string(&a).unwrap();
            assert_eq!(json, format!("\"{}\"", a.name()));
        }
    }
}
