//! The search bar: the text typed, and its debounce. Typing does not search at once: each change
//! starts a timer, and only the newest timer's expiry sends the search, so a burst of keys is one
//! request.

use std::time::Duration;

use tui_input::{Input, InputRequest};

use super::msg::{Command, Timer};

/// How long typing must pause before a search is sent.
pub const SEARCH_DEBOUNCE: Duration = Duration::from_millis(150);

/// The search bar's text and its debounce.
#[derive(Debug, Default)]
pub struct SearchBar {
    input: Input,
    /// The newest debounce timer started; an older one expiring does nothing.
    generation: u64,
    /// Typed, and the search not sent yet (the spinner turns meanwhile).
    pending: bool,
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

    /// Typed, and its search still waiting for the debounce.
    pub fn is_pending(&self) -> bool {
        self.pending
    }

    /// A key typed into the bar; a change starts the debounce.
    pub fn typed(&mut self, request: InputRequest, out: &mut Vec<Command>) {
        self.edit(out, |input| {
            input.handle(request);
        });
    }

    /// A key typed outside the bar starts a new search: the text is replaced by that key.
    pub fn start_over(&mut self, request: InputRequest, out: &mut Vec<Command>) {
        self.edit(out, |input| {
            input.reset();
            input.handle(request);
        });
    }

    /// A key typed outside the bar that continues the search: it applies at the end of the text.
    pub fn typed_at_end(&mut self, request: InputRequest, out: &mut Vec<Command>) {
        self.input.handle(InputRequest::GoToEnd);
        self.typed(request, out);
    }

    /// Text pasted (one line), at the cursor; `at_end` moves the cursor to the end first.
    pub fn paste(&mut self, text: &str, at_end: bool, out: &mut Vec<Command>) {
        if at_end {
            self.input.handle(InputRequest::GoToEnd);
        }
        self.edit(out, |input| {
            for c in text.chars() {
                input.handle(InputRequest::InsertChar(c));
            }
        });
    }

    /// Empties the bar (when it has text).
    pub fn clear(&mut self, out: &mut Vec<Command>) {
        self.edit(out, Input::reset);
    }

    /// A debounce timer expired: true when it is the newest one, so the search is sent now.
    pub fn on_timer(&mut self, generation: u64) -> bool {
        if generation != self.generation {
            return false;
        }
        self.pending = false;
        true
    }

    /// Applies `change` to the text; when the text is different, the debounce starts again.
    fn edit(&mut self, out: &mut Vec<Command>, change: impl FnOnce(&mut Input)) {
        let before = self.input.value().to_string();
        change(&mut self.input);
        if self.input.value() != before {
            self.generation += 1;
            self.pending = true;
            out.push(Command::StartTimer { timer: Timer::Search, generation: self.generation, after: SEARCH_DEBOUNCE });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(bar: &mut SearchBar, text: &str) -> Vec<Command> {
        let mut out = Vec::new();
        for c in text.chars() {
            bar.typed(InputRequest::InsertChar(c), &mut out);
        }
        out
    }

    fn generation(command: &Command) -> u64 {
        match command {
            Command::StartTimer { timer: Timer::Search, generation, after } => {
                assert_eq!(*after, SEARCH_DEBOUNCE);
                *generation
            }
            other => panic!("not the search's timer: {other:?}"),
        }
    }

    #[test]
    fn only_the_newest_debounce_timer_sends_the_search() {
        let mut bar = SearchBar::default();
        let out = typed(&mut bar, "ann");
        assert_eq!(out.len(), 3, "each change starts the debounce again");
        assert!(bar.is_pending());
        let (first, last) = (generation(&out[0]), generation(&out[2]));
        assert!(!bar.on_timer(first), "an older timer does nothing");
        assert!(bar.is_pending());
        assert!(bar.on_timer(last));
        assert!(!bar.is_pending());
    }

    #[test]
    fn a_key_that_changes_nothing_starts_no_timer() {
        let mut bar = SearchBar::default();
        let mut out = Vec::new();
        bar.typed(InputRequest::DeletePrevChar, &mut out);
        bar.clear(&mut out);
        assert!(out.is_empty() && !bar.is_pending());
    }

    #[test]
    fn a_key_outside_the_bar_replaces_the_text_and_backspace_shortens_it_from_the_end() {
        let mut bar = SearchBar::default();
        typed(&mut bar, "ann");
        bar.input.handle(InputRequest::GoToStart);
        let mut out = Vec::new();
        bar.typed_at_end(InputRequest::DeletePrevChar, &mut out);
        assert_eq!(bar.value(), "an");
        bar.start_over(InputRequest::InsertChar('z'), &mut out);
        assert_eq!(bar.value(), "z");
        bar.paste("oe", true, &mut out);
        assert_eq!((bar.value(), out.len()), ("zoe", 3));
    }
}
