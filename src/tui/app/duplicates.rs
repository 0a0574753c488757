//! Routing for the duplicate warning (issue 16): the answer of a walk-in's duplicate check, and the
//! keys over the list of possible duplicates. The state is [`crate::tui::duplicates`]; the save it
//! stands in front of is the editor's.

use super::{App, Command, Focus, RequestId, Screen};
use crate::client::ClientError;
use crate::model::Customer;
use crate::tui::action::Action;
use crate::tui::duplicates::{self, DuplicateWarning};

impl App {
    /// The duplicate check answered: matches are listed over the form; none (or a server without
    /// the check) and the customer is created as before.
    pub(super) fn on_duplicates_checked(
        &mut self,
        request: RequestId,
        result: Result<Option<Vec<Customer>>, ClientError>,
        out: &mut Vec<Command>,
    ) {
        if !self.editor.answered(request) {
            return;
        }
        self.redraw = true;
        match result {
            Ok(Some(matches)) if !matches.is_empty() => {
                let Some(form) = &self.editor.form else { return };
                let n = matches.len();
                self.editor.duplicates = Some(DuplicateWarning::new(matches, duplicates::probe(form)));
                let who = if n == 1 { "1 customer".to_string() } else { format!("{n} customers") };
                self.warn(format!(
                    "Not saved yet: {who} may be this person. ctrl-s creates anyway, Enter opens, Esc edits"
                ));
            }
            Ok(Some(_)) => self.create_without_check(out),
            Ok(None) => {
                // Capitan (or an older server) has no duplicate check: saving works as it always did.
                self.editor.no_duplicate_check = true;
                self.create_without_check(out);
            }
            Err(e @ (ClientError::Offline(_) | ClientError::Unauthorized(_))) => self.save_failed(e),
            Err(e) => {
                // The check itself failed (not the save): say so, and let the next ctrl-s create.
                self.editor.skip_duplicate_check = true;
                if let Some(form) = &mut self.editor.form {
                    form.general_problem = Some(format!(
                        "Not saved: the duplicate check failed ({}). ctrl-s creates the customer without it.",
                        e.summary()
                    ));
                }
                self.warn("Not saved: the duplicate check failed; ctrl-s creates without it");
            }
        }
    }

    fn create_without_check(&mut self, out: &mut Vec<Command>) {
        self.editor.skip_duplicate_check = true;
        self.save_form(out);
    }

    /// A key over the list of possible duplicates.
    pub(super) fn duplicates_action(&mut self, action: Action, out: &mut Vec<Command>) {
        let Some(warning) = &mut self.editor.duplicates else { return };
        match action {
            Action::Up => warning.up(),
            Action::Down => warning.down(),
            Action::CreateAnyway => {
                self.editor.duplicates = None;
                self.create_without_check(out);
            }
            Action::Open => self.open_duplicate(out),
            Action::Back => {
                self.editor.duplicates = None;
                self.say("Not saved: the form is as you typed it; ctrl-s checks again");
            }
            _ => return,
        }
        self.redraw = true;
    }

    /// Enter on a match: that customer's profile instead of a new customer. The walk-in form is kept
    /// (one form at a time: ctrl-n brings it back, Esc there discards it), so nothing typed is lost.
    fn open_duplicate(&mut self, out: &mut Vec<Command>) {
        let Some(warning) = self.editor.duplicates.take() else { return };
        let Some(customer) = warning.selected_customer().cloned() else { return };
        self.pop_screen(out);
        if self.screen != Screen::Desk {
            self.push_screen(Screen::Desk);
        }
        // The customer is shown at once, and the search names them so the list is about them.
        self.list.changed(&customer, true);
        if let Some(row) = self.list.rows.iter().position(|c| c.id == customer.id) {
            self.list.selected = row;
        }
        if !customer.email.trim().is_empty() {
            self.search.clear();
            self.search.paste(customer.email.trim(), true);
        }
        self.focus = Focus::Detail;
        self.detail.reload();
        self.load_visible_detail(out);
        self.say(format!(
            "Opened {} {}; the walk-in form is kept: ctrl-n brings it back",
            customer.first_name, customer.last_name
        ));
    }
}
