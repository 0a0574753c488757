//! Routing for the photo upload screen (the screen itself is [`crate::tui::photo_upload`]).

use tui_input::InputRequest;

use super::{App, Command, Redo, RequestId, Screen};
use crate::client::ClientError;
use crate::model::Customer;
use crate::tui::action::Action;
use crate::tui::photo_upload::{PhotoStep, Uploaded};
use crate::tui::photo_view::PreparedUpload;

impl App {
    /// From the profile: a new photo for the selected customer.
    pub(super) fn open_photo_upload(&mut self) {
        if let Some(customer) = self.list.selected_customer().cloned() {
            self.open_photo_upload_for(customer);
        }
    }

    pub(super) fn open_photo_upload_for(&mut self, customer: Customer) {
        match self.photo_upload.open_for(customer) {
            Ok(()) => self.push_screen(Screen::Photo),
            Err(why) => self.warn(why),
        }
    }

    pub(super) fn photo_typed(&mut self, request: InputRequest) {
        self.photo_upload.typed(request);
    }

    pub(super) fn photo_action(&mut self, action: Action, out: &mut Vec<Command>) {
        let preview = self.photo_upload_areas().preview;
        match self.photo_upload.action(action, &mut self.requests, preview) {
            PhotoStep::Stay => {}
            PhotoStep::Send(command) => out.push(command),
            PhotoStep::Warn(text) => self.warn(text),
            PhotoStep::Leave => self.pop_screen(out),
        }
    }

    /// Ctrl-s on the photo screen: the prepared photo's upload (again, after a login).
    pub(super) fn upload_photo(&mut self, out: &mut Vec<Command>) {
        self.photo_action(Action::Save, out);
    }

    pub(super) fn on_path_completed(&mut self, request: RequestId, result: Result<(String, Vec<String>), String>) {
        if self.photo_upload.on_path_completed(request, result) {
            self.redraw = true;
        }
    }

    pub(super) fn on_photo_prepared(&mut self, request: RequestId, result: Result<PreparedUpload, String>) {
        if self.photo_upload.on_prepared(request, result) {
            self.redraw = true;
        }
    }

    pub(super) fn on_upload_progress(&mut self, request: RequestId, sent: u64, total: u64) {
        if self.photo_upload.on_progress(request, sent, total) {
            self.redraw = true;
        }
    }

    pub(super) fn on_photo_uploaded(
        &mut self,
        request: RequestId,
        result: Result<Customer, ClientError>,
        out: &mut Vec<Command>,
    ) {
        let signed_out = match &result {
            Err(e @ ClientError::Unauthorized(_)) => Some(e.clone()),
            _ => None,
        };
        match self.photo_upload.on_uploaded(request, result) {
            Uploaded::Stale => {}
            Uploaded::Failed => {
                self.redraw = true;
                // The photo stays chosen; once signed in again it is uploaded again.
                if let Some(e) = signed_out {
                    self.redo_on_login(Redo::Upload);
                    self.report(&e);
                }
            }
            Uploaded::Saved(customer) => {
                self.redraw = true;
                if self.screen == Screen::Photo {
                    self.pop_screen(out);
                }
                let name = format!("{} {}", customer.first_name, customer.last_name);
                // The new photo has new URLs: the profile fetches it as it would any photo.
                self.customer_changed(*customer, false, out);
                self.load_photo(out);
                self.say(format!("New photo saved for {name}"));
            }
        }
    }
}
