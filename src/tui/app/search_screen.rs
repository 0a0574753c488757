//! The search screen's keys: focus between search, results, profile and filters, movement and
//! scrolling, the selection and what follows it (profile, photo, next page), the filters.

use super::{App, Command, Focus};
use crate::client::SubCollection;
use crate::tui::action::Action;
use crate::tui::filter_set::specs;
use crate::tui::filters::FilterEdit;
use crate::tui::keymap::KeyContext;
use crate::tui::layout;
use crate::tui::results::ResultList;

impl App {
    /// The search screen's keys (and the `?` overlay's).
    pub(super) fn desk_action(&mut self, context: KeyContext, action: Action, out: &mut Vec<Command>) {
        match action {
            Action::Quit | Action::Help | Action::Edit | Action::NewCustomer => {}
            Action::Back => self.back(out),
            Action::NextPane => self.cycle_focus(true, out),
            Action::PrevPane => self.cycle_focus(false, out),
            Action::FocusSearch => {
                self.help.close();
                self.focus = Focus::Search;
            }
            Action::ToggleFilters => {
                if self.filters.open && self.focus == Focus::Filters {
                    self.filters.open = false;
                    self.filters.editing = None;
                    self.focus = Focus::Results;
                    self.load_visible_detail(out);
                } else {
                    self.filters.open = true;
                    self.focus = Focus::Filters;
                }
            }
            Action::ClearSearch if !self.search.value().is_empty() => self.search.clear(),
            Action::ClearFilters if !self.filters.values.is_empty() => {
                self.filters.values.clear();
                self.filters.editing = None;
                self.filters_changed(out);
            }
            Action::RemoveFilter if self.filters.values.get(self.filters.selected).is_some() => {
                self.filters.values.set(self.filters.selected, None);
                self.filters_changed(out);
            }
            Action::Retry => self.retry(out),
            Action::Refresh => {
                let query = self.query();
                self.list_job(out, |list, requests, out| list.refresh(query, requests, out));
                self.detail.reload();
                self.load_visible_detail(out);
            }
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Top | Action::Bottom => {
                self.movement(context, action, out)
            }
            Action::Open => match context {
                KeyContext::Search if !self.list.rows.is_empty() => self.focus = Focus::Results,
                KeyContext::Results if self.list.selected_customer().is_some() => {
                    self.focus = Focus::Detail;
                    self.load_visible_detail(out);
                }
                KeyContext::Filters => {
                    let edit = self.filters.open_selected();
                    self.filter_edited(edit, out);
                }
                _ => {}
            },
            Action::Confirm => {
                let edit = self.filters.confirm();
                self.filter_edited(edit, out);
            }
            Action::CycleNext | Action::CyclePrev
                if context == KeyContext::Filters && specs()[self.filters.selected].kind.is_choice() =>
            {
                let edit = self.filters.cycle_selected(action == Action::CycleNext);
                self.filter_edited(edit, out);
            }
            Action::SelectNext => self.move_selection(1, out),
            Action::SelectPrev => self.move_selection(-1, out),
            Action::UploadPhoto if context == KeyContext::Detail => self.open_photo_upload(),
            Action::EmergencyContacts | Action::Notes | Action::Alerts if context == KeyContext::Detail => {
                let kind = match action {
                    Action::EmergencyContacts => SubCollection::EmergencyContacts,
                    Action::Notes => SubCollection::Notes,
                    _ => SubCollection::Alerts,
                };
                self.open_records(kind);
            }
            Action::CheckInMode => self.toggle_check_in(out),
            _ => {}
        }
    }

    pub(super) fn back(&mut self, out: &mut Vec<Command>) {
        if self.help.close() {
            return;
        }
        match self.focus {
            Focus::Filters if self.filters.editing.is_some() => self.filters.leave_edit(),
            Focus::Filters => {
                self.filters.open = false;
                self.focus = Focus::Results;
                self.load_visible_detail(out);
            }
            Focus::Detail => self.focus = Focus::Results,
            Focus::Results => self.focus = Focus::Search,
            // The top level: Esc never throws away typed text.
            Focus::Search => {}
        }
    }

    pub(super) fn cycle_focus(&mut self, forward: bool, out: &mut Vec<Command>) {
        if self.help.is_open() {
            return;
        }
        let mut order = vec![Focus::Search, Focus::Results, Focus::Detail];
        if self.filters.open {
            order.push(Focus::Filters);
        }
        if self.list.rows.is_empty() {
            order.retain(|f| matches!(f, Focus::Search | Focus::Filters));
        }
        let at = order.iter().position(|f| *f == self.focus).unwrap_or(0);
        let next = if forward { (at + 1) % order.len() } else { (at + order.len() - 1) % order.len() };
        self.focus = order[next];
        if self.focus != Focus::Filters {
            self.filters.editing = None;
        }
        self.load_visible_detail(out);
    }

    pub(super) fn movement(&mut self, context: KeyContext, action: Action, out: &mut Vec<Command>) {
        match context {
            KeyContext::Search if action == Action::Down && !self.list.rows.is_empty() => {
                self.focus = Focus::Results;
            }
            KeyContext::Results => {
                // End goes to the real last customer: the rest of the pages load, then it is selected.
                let to_bottom = action == Action::Bottom;
                self.list_job(out, |list, requests, out| list.go_to_bottom(to_bottom, requests, out));
                let page = self.areas().results.map_or(10, layout::result_rows).max(1) as isize;
                let len = self.list.rows.len() as isize;
                let delta = match action {
                    Action::Up => -1,
                    Action::Down => 1,
                    Action::PageUp => -page,
                    Action::PageDown => page,
                    Action::Top => -len,
                    _ => len,
                };
                self.move_selection(delta, out);
            }
            KeyContext::Detail => {
                let page = self.areas().detail.map_or(10, |d| d.height.saturating_sub(3)).max(1);
                self.detail.scroll = match action {
                    Action::Up => self.detail.scroll.saturating_sub(1),
                    Action::Down => self.detail.scroll.saturating_add(1),
                    Action::PageUp => self.detail.scroll.saturating_sub(page),
                    Action::PageDown => self.detail.scroll.saturating_add(page),
                    Action::Top => 0,
                    _ => u16::MAX,
                };
                self.detail.scroll = self.detail.scroll.min(self.detail_max_scroll());
            }
            KeyContext::Filters => self.filters.movement(action),
            KeyContext::Help => {
                self.help.movement(action, self.size, &self.keymap);
            }
            _ => {}
        }
    }

    /// Moves the selection by `delta` rows (clamped), and makes the detail,
    /// photo and next page follow.
    pub(super) fn move_selection(&mut self, delta: isize, out: &mut Vec<Command>) {
        if self.list.rows.is_empty() {
            return;
        }
        let last = self.list.rows.len() as isize - 1;
        let selected = (self.list.selected as isize + delta).clamp(0, last) as usize;
        if selected == self.list.selected {
            return;
        }
        self.list.selected = selected;
        self.selection_changed(out);
    }

    pub(super) fn selection_changed(&mut self, out: &mut Vec<Command>) {
        self.keep_selection_visible();
        self.detail.scroll = 0;
        self.list.selection_moved(out);
        self.list_job(out, ResultList::prefetch);
    }

    pub(super) fn keep_selection_visible(&mut self) {
        let rows = self.areas().results.map_or(1, layout::result_rows).max(1);
        self.list.keep_visible(rows);
    }

    // ----- filters -----

    /// What a filter key did: its warning (a value that replaced another), and the new query.
    pub(super) fn filter_edited(&mut self, edit: FilterEdit, out: &mut Vec<Command>) {
        if let Some(warning) = edit.warning {
            self.warn(warning);
        }
        if edit.changed {
            self.filters_changed(out);
        }
    }
}
