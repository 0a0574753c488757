//! Routing for edits: which form opens (the customer in front, a walk-in, a contact, note or alert
//! from the record list), one form at a time, and the save's answers: the list, the profile and the
//! check-in screen then show the customer as the server has it. The open form, its keys and its
//! save are [`crate::tui::editor::Editor`].

use serde_json::Value;
use tui_input::InputRequest;

use super::{App, Command, Focus, Redo, RequestId, Screen};
use crate::client::{ClientError, SubCollection};
use crate::model::Customer;
use crate::tui::action::Action;
use crate::tui::editor::{EditStep, PatchStep, SaveFailed};
use crate::tui::form::{self, Form, Target};

impl App {
    /// Edits the customer in front of staff: the selected one on the search screen, the one just
    /// scanned on the check-in screen.
    pub(super) fn open_edit(&mut self, _out: &mut [Command]) {
        if self.resume_open_form() {
            return;
        }
        let Some(customer) = self.customer_in_front().cloned() else {
            self.warn("No customer to edit: find one first (or ctrl-n for a new one)");
            return;
        };
        self.editor.open(Form::edit_customer(&customer));
        self.push_screen(Screen::Form);
    }

    /// A walk-in: the customer form, empty.
    pub(super) fn open_new_customer(&mut self) {
        if self.resume_open_form() {
            return;
        }
        // Every customer lists the organization's custom fields (empty where unset).
        let custom: Vec<(i64, String)> = self
            .list
            .rows
            .first()
            .map(|c| c.custom_field_values.iter().map(|v| (v.field_id, v.field_name.clone())).collect())
            .unwrap_or_default();
        let mut form = Form::new_customer(&custom);
        // A walk-in's home is the desk they walked in at.
        if let Some(desk) = &self.desk_location
            && let Some(home) = form.fields.iter_mut().find(|f| f.name == "home_location_id")
        {
            home.original = desk.id.to_string();
            home.set_text(&desk.id.to_string());
        }
        // A key tag nobody has, just scanned: most likely the walk-in's new one.
        if let Some(code) = self.unknown_scanned_code()
            && let Some(barcode) = form.fields.iter_mut().find(|f| f.name == "barcode")
        {
            barcode.set_text(&code);
            barcode.check();
        }
        self.editor.open(form);
        self.push_screen(Screen::Form);
    }

    /// The code on the check-in screen when it belongs to no customer.
    fn unknown_scanned_code(&self) -> Option<String> {
        if self.screen != Screen::CheckIn {
            return None;
        }
        let verdict = self.check_in.verdict.as_ref()?;
        let unknown = verdict.reason == crate::model::check_in::UNKNOWN_ACCOUNT || verdict.headline == "UNKNOWN";
        (unknown && verdict.customer().is_none()).then(|| verdict.barcode.clone())
    }

    /// One form at a time, so typed work has one home: asking for another brings the open one back.
    fn resume_open_form(&mut self) -> bool {
        let Some(form) = &self.editor.form else { return false };
        if self.screen == Screen::Form {
            return true;
        }
        let title = form.title();
        self.push_screen(Screen::Form);
        self.warn(format!("{title} is still open: save it (ctrl-s) or leave it (Esc) first"));
        true
    }

    /// The customer the screen is about.
    pub(crate) fn customer_in_front(&self) -> Option<&Customer> {
        match self.screen {
            Screen::Desk => self.list.selected_customer(),
            Screen::Form | Screen::Photo => None,
            Screen::CheckIn => self.check_in.verdict.as_ref().and_then(|v| v.customer()),
        }
    }

    /// The contacts, notes or alerts of the customer on the profile, to pick one to edit or add one.
    pub(super) fn open_records(&mut self, kind: SubCollection) {
        let Some(customer) = self.list.selected_customer() else { return };
        match self.records.open(customer, kind, self.detail.sub(kind)) {
            Ok(()) => self.redraw = true,
            Err(why) => self.warn(why),
        }
    }

    pub(super) fn records_action(&mut self, action: Action) {
        let Some(list) = self.records.action(action) else { return };
        if self.editor.form.is_some() {
            self.resume_open_form();
            return;
        }
        if let Some(form) = Form::record(list.customer_id, list.kind, list.chosen()) {
            self.editor.open(form);
            self.push_screen(Screen::Form);
        }
    }

    /// A key typed into the focused text field.
    pub(super) fn form_typed(&mut self, request: InputRequest) {
        self.editor.typed(request);
    }

    pub(super) fn form_action(&mut self, action: Action, out: &mut Vec<Command>) {
        match self.editor.action(action, &self.locations) {
            EditStep::Stay => {}
            EditStep::Notice(notice) => self.show(notice),
            EditStep::Save => self.save_form(out),
            EditStep::Patch(id) => self.send_customer_patch(id, out),
            EditStep::Close => self.pop_screen(out),
            EditStep::UploadPhoto(customer) => self.open_photo_upload_for(*customer),
        }
    }

    pub(super) fn save_form(&mut self, out: &mut Vec<Command>) {
        let before = out.len();
        if let Some(notice) = self.editor.save(&mut self.requests, out) {
            self.show(notice);
        }
        if out.len() > before {
            self.redraw = true;
        }
    }

    fn send_customer_patch(&mut self, id: i64, out: &mut Vec<Command>) {
        match self.editor.patch(id, &mut self.requests, out) {
            PatchStep::NothingLeft => {
                self.pop_screen(out);
                self.say("Nothing of yours left to save: the server's version stays");
            }
            PatchStep::Sent | PatchStep::Stay => {}
        }
    }

    pub(super) fn on_fresh_customer(
        &mut self,
        request: RequestId,
        result: Result<Customer, ClientError>,
        out: &mut Vec<Command>,
    ) {
        if !self.save_answered(request) {
            return;
        }
        match result {
            Ok(fresh) => {
                let id = fresh.id;
                match self.editor.fresh(fresh) {
                    None => self.send_customer_patch(id, out),
                    Some(notice) => self.show(notice),
                }
            }
            Err(e) => self.save_failed(e),
        }
    }

    /// Whether `request` is the save in flight; if so it is over now. A
    /// stale answer (the form was left meanwhile) is ignored.
    fn save_answered(&mut self, request: RequestId) -> bool {
        let answered = self.editor.answered(request);
        if answered {
            self.redraw = true;
        }
        answered
    }

    pub(super) fn on_customer_saved(
        &mut self,
        request: RequestId,
        result: Result<Customer, ClientError>,
        out: &mut Vec<Command>,
    ) {
        if !self.save_answered(request) {
            return;
        }
        match result {
            Ok(customer) => {
                let created = self.editor.close().is_some_and(|f| f.target == Target::NewCustomer);
                self.pop_screen(out);
                self.customer_changed(customer.clone(), created, out);
                let verb = if created { "Created" } else { "Saved" };
                self.say(format!("{verb} {} {}", customer.first_name, customer.last_name));
            }
            Err(e) => self.save_failed(e),
        }
    }

    pub(super) fn on_record_saved(
        &mut self,
        request: RequestId,
        result: Result<Value, ClientError>,
        out: &mut Vec<Command>,
    ) {
        if !self.save_answered(request) {
            return;
        }
        match result {
            Ok(_) => {
                let noun = match self.editor.close().map(|f| f.target) {
                    Some(Target::NewRecord { kind, .. } | Target::EditRecord { kind, .. }) => form::record_noun(kind),
                    _ => "record",
                };
                self.pop_screen(out);
                // The profile reloads its sub-collections, and with them the customer's flags.
                self.detail.reload();
                self.load_visible_detail(out);
                self.say(format!("Saved the {noun}"));
            }
            Err(e) => self.save_failed(e),
        }
    }

    /// A save that did not happen: everything typed stays, with the reason beside it.
    pub(super) fn save_failed(&mut self, e: ClientError) {
        match self.editor.failed(e) {
            SaveFailed::Gone => {}
            SaveFailed::Refused(notice) => self.show(notice),
            SaveFailed::Failed(other) => {
                if matches!(other, ClientError::Unauthorized(_)) {
                    self.redo_on_login(Redo::Save);
                }
                self.report(&other);
            }
        }
    }

    /// A customer the server answered with after a write: the list, the profile and the check-in screen
    /// show it as it is now.
    pub(super) fn customer_changed(&mut self, customer: Customer, created: bool, out: &mut Vec<Command>) {
        if self.list.changed(&customer, created) {
            self.focus = Focus::Detail;
            self.detail.reload();
            self.load_visible_detail(out);
        }
        self.check_in.customer_changed(&customer);
    }
}
