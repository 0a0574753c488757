//! A new photo from a file: the path typed with completion, the photo prepared exactly as it will be
//! stored (the shared `photo` module: upright, centred square, 512 JPEG) and shown, then uploaded
//! prepared through the multipart PATCH with progress; the profile then shows the new photo.

use std::sync::Arc;

use tui_input::{Input, InputRequest};

use super::{App, Command, RequestId, Screen};
use crate::client::ClientError;
use crate::model::Customer;
use crate::tui::action::Action;
use crate::tui::photo_view::EncodedPhoto;

/// A photo ready to upload, and its preview.
pub struct PreparedUpload {
    /// The path it was prepared from (a changed path makes it stale).
    pub path: String,
    /// The 512x512 JPEG to send.
    pub jpeg: Arc<Vec<u8>>,
    pub original_bytes: u64,
    /// The stored photo, drawn for the terminal; `None` when photos are off.
    pub preview: Option<EncodedPhoto>,
}

impl std::fmt::Debug for PreparedUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedUpload").field("path", &self.path).field("jpeg_bytes", &self.jpeg.len()).finish()
    }
}

#[derive(Debug)]
pub struct PhotoUpload {
    pub customer: Customer,
    pub path: Input,
    /// What Tab found, shown under the field.
    pub completions: Vec<String>,
    completing: Option<RequestId>,
    preparing: Option<RequestId>,
    pub prepared: Option<PreparedUpload>,
    pub problem: Option<String>,
    /// The upload in flight: (request, bytes sent, bytes in all).
    pub uploading: Option<(RequestId, u64, u64)>,
    /// A first Esc over a prepared, unsent photo only warns.
    leave_armed: bool,
}

impl PhotoUpload {
    pub fn is_preparing(&self) -> bool {
        self.preparing.is_some()
    }

    /// The prepared photo, if it is for the path as typed now.
    pub fn ready(&self) -> Option<&PreparedUpload> {
        self.prepared.as_ref().filter(|p| p.path == self.path.value().trim())
    }
}

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
            self.photo_upload = Some(PhotoUpload {
                customer,
                path: Input::default(),
                completions: Vec::new(),
                completing: None,
                preparing: None,
                prepared: None,
                problem: None,
                uploading: None,
                leave_armed: false,
            });
        }
        self.push_screen(Screen::Photo);
    }

    pub(super) fn photo_typed(&mut self, request: InputRequest) {
        let Some(upload) = &mut self.photo_upload else { return };
        upload.path.handle(request);
        upload.problem = None;
        upload.leave_armed = false;
    }

    pub(super) fn photo_action(&mut self, action: Action, out: &mut Vec<Command>) {
        let Some(upload) = &mut self.photo_upload else { return };
        match action {
            Action::Complete => {
                let request = self.request_id();
                let upload = self.photo_upload.as_mut().expect("checked above");
                upload.completing = Some(request);
                out.push(Command::CompletePath { request, typed: upload.path.value().to_string() });
            }
            Action::Open => {
                let path = upload.path.value().trim().to_string();
                if path.is_empty() {
                    upload.problem = Some("Type the photo's file name (Tab completes it)".into());
                    return;
                }
                if path.ends_with('/') {
                    return self.photo_action(Action::Complete, out);
                }
                let request = self.request_id();
                let upload = self.photo_upload.as_mut().expect("checked above");
                upload.preparing = Some(request);
                upload.problem = None;
                let cells = crate::tui::layout::photo_upload_areas(self.size, self).preview;
                out.push(Command::PreparePhoto { request, path, width: cells.width, height: cells.height });
            }
            Action::Save => {
                if upload.uploading.is_some() {
                    return;
                }
                let Some(ready) = upload.ready() else {
                    upload.problem = Some("See the photo first: Enter prepares it".into());
                    return;
                };
                let (jpeg, customer_id) = (ready.jpeg.clone(), upload.customer.id);
                let request = self.request_id();
                let upload = self.photo_upload.as_mut().expect("checked above");
                upload.uploading = Some((request, 0, jpeg.len() as u64));
                out.push(Command::UploadPhoto { request, customer_id, jpeg });
            }
            Action::ClearSearch => {
                upload.path.reset();
                upload.completions.clear();
            }
            Action::Back => {
                if upload.uploading.is_some() {
                    return self.warn("Uploading… wait for the server's answer");
                }
                if upload.ready().is_some() && !upload.leave_armed {
                    upload.leave_armed = true;
                    return self.warn("The photo is not uploaded: Esc again leaves without it; ctrl-s uploads");
                }
                self.photo_upload = None;
                self.pop_screen(out);
            }
            _ => {}
        }
    }

    pub(super) fn on_path_completed(&mut self, request: RequestId, result: Result<(String, Vec<String>), String>) {
        let Some(upload) = &mut self.photo_upload else { return };
        if upload.completing != Some(request) {
            return;
        }
        upload.completing = None;
        self.redraw = true;
        match result {
            Ok((text, candidates)) => {
                if text != upload.path.value() {
                    upload.path = Input::new(text);
                }
                upload.problem =
                    candidates.is_empty().then(|| "No photo (JPEG or PNG) or folder starts so".to_string());
                upload.completions = candidates;
            }
            Err(problem) => upload.problem = Some(problem),
        }
    }

    pub(super) fn on_photo_prepared(&mut self, request: RequestId, result: Result<PreparedUpload, String>) {
        let Some(upload) = &mut self.photo_upload else { return };
        if upload.preparing != Some(request) {
            return;
        }
        upload.preparing = None;
        self.redraw = true;
        match result {
            Ok(prepared) => {
                upload.completions.clear();
                upload.prepared = Some(prepared);
            }
            Err(problem) => {
                upload.prepared = None;
                upload.problem = Some(problem);
            }
        }
    }

    pub(super) fn on_upload_progress(&mut self, request: RequestId, sent: u64, total: u64) {
        if let Some(upload) = &mut self.photo_upload
            && let Some(progress) = &mut upload.uploading
            && progress.0 == request
        {
            *progress = (request, sent, total);
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
        if upload.uploading.is_none_or(|(r, _, _)| r != request) {
            return;
        }
        upload.uploading = None;
        self.redraw = true;
        match result {
            Ok(customer) => {
                self.photo_upload = None;
                if self.screen == Screen::Photo {
                    self.pop_screen(out);
                }
                let name = format!("{} {}", customer.first_name, customer.last_name);
                // The new photo has new URLs: the profile fetches it as it would any photo.
                self.customer_changed(customer, false, out);
                self.load_photo(out);
                self.say(format!("New photo saved for {name}"));
            }
            Err(ClientError::Validation(errors)) => {
                upload.problem = Some(format!("Not uploaded: {errors}"));
            }
            Err(e) => {
                upload.problem = Some(format!("Not uploaded: {}. ctrl-s tries again.", e.summary()));
            }
        }
    }
}
