//! The search bar: the text typed, searched as it is typed. Every change of the text marks its search
//! as due; the app sends it at the end of the message that changed it (so keys handled together, like a
//! burst the scanner detector releases as typing or a paste, are one search), and the results list
//! keeps it from flooding the server: one list request in flight at a time, and while one is, only the
//! newest text waits to be sent when its answer arrives (see [`super::results`]).

use tui_input::{Input, InputRequest};

/// The search bar's text, and whether its search is due.
#[derive(Debug, Default)]
pub struct SearchBar {
    input: Input,
    /// The text changed since its search was last asked for.
    changed: bool,
}

impl SearchBar {
    /// The text as typed.
    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// The text field, for drawing (its scroll and cursor).
    pub fn input(&self) -> &Input {
        &self.input
    }

    /// A key typed into the bar.
    pub fn typed(&mut self, request: InputRequest) {
        self.edit(|input| {
            input.handle(request);
        });
    }

    /// A key typed outside the bar starts a new search: the text is replaced by that key.
    pub fn start_over(&mut self, request: InputRequest) {
        self.edit(|input| {
            input.reset();
            input.handle(request);
        });
    }

    /// A key typed outside the bar that continues the search: it applies at the end of the text.
    pub fn typed_at_end(&mut self, request: InputRequest) {
        self.input.handle(InputRequest::GoToEnd);
        self.typed(request);
    }

    /// Text pasted (one line), at the cursor; `at_end` moves the cursor to the end first.
    pub fn paste(&mut self, text: &str, at_end: bool) {
        if at_end {
            self.input.handle(InputRequest::GoToEnd);
        }
        self.edit(|input| {
            for c in text.chars() {
                input.handle(InputRequest::InsertChar(c));
            }
        });
    }

    /// Empties the bar (when it has text).
    pub fn clear(&mut self) {
        self.edit(Input::reset);
    }

    /// The text and cursor now, to put back with [`Self::restore`] (keys shown provisionally, before
    /// the scanner detector decides whether they are typing or a scan: see
    /// [`crate::desk::scanner::Provisional`]).
    pub fn snapshot(&self) -> Input {
        self.input.clone()
    }

    /// Puts back text and cursor from [`Self::snapshot`]; a different text makes its search due.
    pub fn restore(&mut self, snapshot: Input) {
        self.edit(|input| *input = snapshot);
    }

    /// True once after the text changed: its search is due now. However many changes came before,
    /// the search due is the one for the text as it is now.
    pub fn take_changed(&mut self) -> bool {
        std::mem::take(&mut self.changed)
    }

    /// Applies `change` to the text; a different text makes its search due.
    fn edit(&mut self, change: impl FnOnce(&mut Input)) {
        let before = self.input.value().to_string();
        change(&mut self.input);
        if self.input.value() != before {
            self.changed = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(bar: &mut SearchBar, text: &str) {
        for c in text.chars() {
            bar.typed(InputRequest::InsertChar(c));
        }
    }

    #[test]
    fn each_change_makes_the_search_due_once() {
        let mut bar = SearchBar::default();
        assert!(!bar.take_changed(), "nothing typed yet");
        typed(&mut bar, "a");
        assert!(bar.take_changed(), "the first key's search is due at once");
        assert!(!bar.take_changed(), "and only once");
        typed(&mut bar, "nn");
        assert!(bar.take_changed(), "keys handled together are one search");
        assert!(!bar.take_changed());
        assert_eq!(bar.value(), "ann");
        bar.typed(InputRequest::DeletePrevChar);
        assert!(bar.take_changed());
        bar.clear();
        assert!(bar.take_changed(), "clearing the text searches again (everyone)");
        assert_eq!(bar.value(), "");
    }

    #[test]
    fn a_key_that_changes_nothing_makes_no_search_due() {
        let mut bar = SearchBar::default();
        bar.typed(InputRequest::DeletePrevChar);
        bar.clear();
        assert!(!bar.take_changed());
        typed(&mut bar, "ab");
        bar.take_changed();
        bar.typed(InputRequest::GoToStart);
        bar.typed(InputRequest::DeletePrevChar);
        assert!(!bar.take_changed(), "moving the cursor, or Backspace at the start, changes nothing");
        // Changed and changed back is still a change made: the search due is for the text now.
        bar.typed(InputRequest::GoToEnd);
        typed(&mut bar, "c");
        bar.typed(InputRequest::DeletePrevChar);
        assert!(bar.take_changed());
        assert_eq!(bar.value(), "ab");
    }

    #[test]
    fn a_restored_snapshot_brings_back_text_and_cursor_and_searches_only_if_the_text_differs() {
        let mut bar = SearchBar::default();
        typed(&mut bar, "ann");
        bar.typed(InputRequest::GoToPrevChar);
        bar.take_changed();
        let before = bar.snapshot();
        typed(&mut bar, "12");
        assert_eq!(bar.value(), "an12n", "typed at the cursor");
        bar.restore(before.clone());
        assert_eq!((bar.value(), bar.input().cursor()), ("ann", 2));
        assert!(bar.take_changed(), "the text changed back: its search is due");
        bar.restore(before);
        assert!(!bar.take_changed(), "restoring the same text changes nothing");
    }

    #[test]
    fn a_key_outside_the_bar_replaces_the_text_and_backspace_shortens_it_from_the_end() {
        let mut bar = SearchBar::default();
        typed(&mut bar, "ann");
        bar.input.handle(InputRequest::GoToStart);
        bar.typed_at_end(InputRequest::DeletePrevChar);
        assert_eq!(bar.value(), "an");
        bar.start_over(InputRequest::InsertChar('z'));
        assert_eq!(bar.value(), "z");
        bar.paste("oe", true);
        assert_eq!(bar.value(), "zoe");
        assert!(bar.take_changed());
    }
}
