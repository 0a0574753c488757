//! The filter pane's state: every filter of the seed with its value, the one selected, a value
//! being typed (and what is wrong with it), and the rows the pane lists them in.

use ratatui::layout::Rect;
use tui_input::{Input, InputRequest};

use super::action::Action;
use super::filter_set::{FilterValues, specs};
use super::layout;

/// What the first Esc over an edited filter value says.
pub const DISCARD_PROMPT: &str = "Esc again discards what you typed; Enter applies it";

/// Lines kept under the list for the hint and any error.
pub const FOOTER_LINES: u16 = 2;

#[derive(Debug)]
pub struct FilterPane {
    pub open: bool,
    pub values: FilterValues,
    pub selected: usize,
    /// A value being typed, and what is wrong with it.
    pub editing: Option<(Input, Option<String>)>,
}

/// What a key did to the filters: whether the values changed (a new search), and a warning to show
/// (a value that replaced another).
#[derive(Debug, Default, PartialEq)]
pub struct FilterEdit {
    pub changed: bool,
    pub warning: Option<String>,
}

/// A row of the pane: a group's heading, or a filter (its index in [`specs`]).
pub enum Row {
    Heading(&'static str),
    Filter(usize),
}

/// The pane's rows: each group's heading, then its filters.
pub fn rows() -> Vec<Row> {
    let mut out = Vec::new();
    let mut group = "";
    for (i, spec) in specs().iter().enumerate() {
        if spec.group != group {
            group = spec.group;
            out.push(Row::Heading(group));
        }
        out.push(Row::Filter(i));
    }
    out
}

/// The rows the list shows inside the pane's border.
pub fn list_height(inner: Rect) -> usize {
    usize::from(inner.height.saturating_sub(FOOTER_LINES))
}

impl Default for FilterPane {
    fn default() -> FilterPane {
        FilterPane::new()
    }
}

impl FilterPane {
    pub fn new() -> FilterPane {
        FilterPane { open: false, values: FilterValues::new(), selected: 0, editing: None }
    }

    /// The first row shown, so that the selected filter is on screen.
    pub fn offset(&self, visible: usize) -> usize {
        let at = rows().iter().position(|r| matches!(r, Row::Filter(i) if *i == self.selected)).unwrap_or(0);
        if at >= visible { at + 1 - visible } else { 0 }
    }

    /// The filter on screen row `y` of the pane at `area` (for a mouse click).
    pub fn row_at(&self, area: Rect, y: u16) -> Option<usize> {
        let inner = layout::inner(area);
        if y < inner.y {
            return None;
        }
        let visible = list_height(inner);
        let index = self.offset(visible) + usize::from(y - inner.y);
        match rows().get(index) {
            Some(Row::Filter(i)) if usize::from(y - inner.y) < visible => Some(*i),
            _ => None,
        }
    }

    /// Up, down, page, top and bottom through the filters.
    pub fn movement(&mut self, action: Action) {
        let last = specs().len() - 1;
        self.selected = match action {
            Action::Up => self.selected.saturating_sub(1),
            Action::Down => (self.selected + 1).min(last),
            Action::PageUp => self.selected.saturating_sub(8),
            Action::PageDown => (self.selected + 8).min(last),
            Action::Top => 0,
            _ => last,
        };
    }

    /// Enter on the selected filter: a choice moves on; a typed value opens for editing.
    pub fn open_selected(&mut self) -> FilterEdit {
        let index = self.selected;
        if specs()[index].kind.is_choice() {
            return self.cycle_selected(true);
        }
        let current = self.values.get(index).unwrap_or("").to_string();
        self.editing = Some((Input::new(current), None));
        FilterEdit::default()
    }

    /// The selected choice's next (or previous) value.
    pub fn cycle_selected(&mut self, forward: bool) -> FilterEdit {
        let index = self.selected;
        let warning = self.values.cycle(index, forward).map(|replaced| FilterValues::replaced_note(index, replaced));
        FilterEdit { changed: true, warning }
    }

    /// Enter on a typed value: applied when it reads right, else the text stays with what is wrong.
    pub fn confirm(&mut self) -> FilterEdit {
        let index = self.selected;
        let Some((input, error)) = &mut self.editing else { return FilterEdit::default() };
        match specs()[index].kind.check(input.value()) {
            Ok(value) => {
                let changed = self.values.get(index) != value.as_deref();
                let warning =
                    self.values.set(index, value).map(|replaced| FilterValues::replaced_note(index, replaced));
                self.editing = None;
                FilterEdit { changed, warning }
            }
            // The typed text stays, with what is wrong beside it.
            Err(problem) => {
                *error = Some(problem);
                FilterEdit::default()
            }
        }
    }

    /// A key typed into the value being edited.
    pub fn typed(&mut self, request: InputRequest) {
        if let Some((input, error)) = &mut self.editing {
            input.handle(request);
            *error = None;
        }
    }

    /// Esc while typing a value: typed text is not thrown away on one key, the first Esc asks.
    pub fn leave_edit(&mut self) {
        let stored = self.values.get(self.selected).unwrap_or("").to_string();
        if let Some((input, problem)) = &mut self.editing {
            let changed = input.value().trim() != stored;
            if changed && problem.as_deref() != Some(DISCARD_PROMPT) {
                *problem = Some(DISCARD_PROMPT.to_string());
                return;
            }
        }
        self.editing = None;
    }
}
