//! Routing for the photo upload screen (the screen itself is [`crate::tui::photo_upload`]).

use tui_input::InputRequest;

use super::{App, Command, Redo, RequestId, Screen};
use crate::client::ClientError;
use crate::model::Customer;
use crate::tui::action::Action;
use crate::tui::photo_upload::{PhotoStep, PhotoUpload, Uploaded};
use crate::tui::photo_view::PreparedUpload;

impl App {
    /// From the profile: a new photo for the selected customer.
    pub(super) fn open_photo_upload(&mut self) {
        if let Some(customer) = self.list.selected_customer().cloned() {
            self.open_photo_upload_for(customer);
        }
    }

    pub(super) fn open_photo_upload_for(&mut self, customer: Customer) {
        let same = self.photo_upload.as_ref().is_some_and(|u| u.customer.id == customer.id);
        if !same {
            if self.photo_upload.as_ref().is_some_and(|u| u.uploading.is_some()) {
                return self.warn("A photo is still uploading: wait for it first");
            }
            self.photo_upload = Some(PhotoUpload::new(customer));
        }
        self.push_screen(Screen::Photo);
    }

    pub(super) fn photo_typed(&mut self, request: InputRequest) {
        if let Some(upload) = &mut self.photo_upload {
            upload.typed(request);
        }
    }

    pub(super) fn photo_action(&mut self, action: Action, out: &mut Vec<Command>) {
        let preview = self.photo_upload_areas().preview;
        let Some(upload) = &mut self.photo_upload else { return };
        match upload.action(action, &mut self.requests, preview) {
            PhotoStep::Stay => {}
            PhotoStep::Send(command) => out.push(command),
            PhotoStep::Warn(text) => self.warn(text),
            PhotoStep::Leave => {
                self.photo_upload = None;
                self.pop_screen(out);
            }
        }
    }

    /// Ctrl-s on the photo screen: the prepared photo's upload (again, after a login).
    pub(super) fn upload_photo(&mut self, out: &mut Vec<Command>) {
        self.photo_action(Action::Save, out);
    }

    pub(super) fn on_path_completed(&mut self, request: RequestId, result: Result<(String, Vec<String>), String>) {
        if let Some(upload) = &mut self.photo_upload
            && upload.on_path_completed(request, result)
        {
            self.redraw = true;
        }
    }

    pub(super) fn on_photo_prepared(&mut self, request: RequestId, result: Result<PreparedUpload, String>) {
        if let Some(upload) = &mut self.photo_upload
            && upload.on_prepared(request, result)
        {
            self.redraw = true;
        }
    }

    pub(super) fn on_upload_progress(&mut self, request: RequestId, sent: u64, total: u64) {
        if let Some(upload) = &mut self.photo_upload
            && upload.on_progress(request, sent, total)
        {
            self.redraw = true;
        }
    }

    pub(super) fn on_photo_uploaded(
        &mut self,
        request: RequestId,
        result: Result<Customer, ClientError>,
        out: &mut Vec<Command>,
    ) {
        let Some(upload) = &mut self.photo_upload else { return };
        let signed_out = match &result {
            Err(e @ ClientError::Unauthorized(_)) => Some(e.clone()),
            _ => None,
        };
        match upload.on_uploaded(request, result) {
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
                self.photo_upload = None;
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
