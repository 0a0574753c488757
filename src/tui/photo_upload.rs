//! A new photo from a file: the path typed with completion, the photo prepared exactly as it will be
//! stored (the shared `photo` module: upright, centred square, 512 JPEG) and shown, then uploaded
//! prepared through the multipart PATCH with progress; the profile then shows the new photo.

use ratatui::layout::Rect;
use tui_input::{Input, InputRequest};

use super::action::Action;
use super::msg::Command;
use super::photo_view::PreparedUpload;
use super::request::{RequestId, Requests};
use crate::client::ClientError;
use crate::model::Customer;

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

/// The photo screen's upload, while one is open: one at a time, and it stays (with an upload in
/// flight) when staff step to another screen.
#[derive(Debug, Default)]
pub struct PhotoUploader {
    open: Option<PhotoUpload>,
}

impl PhotoUploader {
    /// The upload open now, if any.
    pub fn current(&self) -> Option<&PhotoUpload> {
        self.open.as_ref()
    }

    pub fn is_uploading(&self) -> bool {
        self.open.as_ref().is_some_and(|u| u.uploading.is_some())
    }

    pub fn is_preparing(&self) -> bool {
        self.open.as_ref().is_some_and(PhotoUpload::is_preparing)
    }

    /// A prepared photo not sent yet (a `401` stopped it): it can be sent again.
    pub fn can_upload_again(&self) -> bool {
        self.open.as_ref().is_some_and(|u| u.uploading.is_none() && u.ready().is_some())
    }

    /// A new photo for `customer`: the one already open for them stays as it is; another
    /// customer's is replaced, unless it is still uploading (`Err` says so).
    pub fn open_for(&mut self, customer: Customer) -> Result<(), &'static str> {
        if self.open.as_ref().is_some_and(|u| u.customer.id == customer.id) {
            return Ok(());
        }
        if self.is_uploading() {
            return Err("A photo is still uploading: wait for it first");
        }
        self.open = Some(PhotoUpload::new(customer));
        Ok(())
    }

    /// A key typed into the file name.
    pub fn typed(&mut self, request: InputRequest) {
        if let Some(upload) = &mut self.open {
            upload.typed(request);
        }
    }

    /// A key's action (see [`PhotoUpload::action`]); on [`PhotoStep::Leave`] the upload has closed.
    pub fn action(&mut self, action: Action, requests: &mut Requests, preview: Rect) -> PhotoStep {
        let Some(upload) = &mut self.open else { return PhotoStep::Stay };
        let step = upload.action(action, requests, preview);
        if step == PhotoStep::Leave {
            self.open = None;
        }
        step
    }

    /// Tab's answer; false when it is stale (or nothing is open).
    pub fn on_path_completed(&mut self, request: RequestId, result: Result<(String, Vec<String>), String>) -> bool {
        self.open.as_mut().is_some_and(|u| u.on_path_completed(request, result))
    }

    /// The prepared photo (or why not); false when it is stale (or nothing is open).
    pub fn on_prepared(&mut self, request: RequestId, result: Result<PreparedUpload, String>) -> bool {
        self.open.as_mut().is_some_and(|u| u.on_prepared(request, result))
    }

    /// Bytes sent so far; false when it is not the upload in flight.
    pub fn on_progress(&mut self, request: RequestId, sent: u64, total: u64) -> bool {
        self.open.as_mut().is_some_and(|u| u.on_progress(request, sent, total))
    }

    /// What became of the upload; once the server has the photo, the upload has closed.
    pub fn on_uploaded(&mut self, request: RequestId, result: Result<Customer, ClientError>) -> Uploaded {
        let Some(upload) = &mut self.open else { return Uploaded::Stale };
        let uploaded = upload.on_uploaded(request, result);
        if matches!(uploaded, Uploaded::Saved(_)) {
            self.open = None;
        }
        uploaded
    }
}

/// What a key on the photo screen asks of the app.
#[derive(Debug, PartialEq)]
pub enum PhotoStep {
    Stay,
    Send(Command),
    Warn(&'static str),
    /// Esc: the screen closes, the photo (if any) unsent.
    Leave,
}

/// What became of an upload.
#[derive(Debug)]
pub enum Uploaded {
    /// Not the upload awaited (or none is).
    Stale,
    /// The server has the photo: the customer as it is now.
    Saved(Box<Customer>),
    /// Refused or failed: the reason is on the screen.
    Failed,
}

impl PhotoUpload {
    pub fn new(customer: Customer) -> PhotoUpload {
        PhotoUpload {
            customer,
            path: Input::default(),
            completions: Vec::new(),
            completing: None,
            preparing: None,
            prepared: None,
            problem: None,
            uploading: None,
            leave_armed: false,
        }
    }

    pub fn is_preparing(&self) -> bool {
        self.preparing.is_some()
    }

    /// The prepared photo, if it is for the path as typed now.
    pub fn ready(&self) -> Option<&PreparedUpload> {
        self.prepared.as_ref().filter(|p| p.path == self.path.value().trim())
    }

    /// A key typed into the file name.
    pub fn typed(&mut self, request: InputRequest) {
        self.path.handle(request);
        self.problem = None;
        self.leave_armed = false;
    }

    /// A key's action; `preview` is where the prepared photo will be drawn (its size in cells).
    pub fn action(&mut self, action: Action, requests: &mut Requests, preview: Rect) -> PhotoStep {
        match action {
            Action::Complete => self.complete(requests),
            Action::Open => {
                let path = self.path.value().trim().to_string();
                if path.is_empty() {
                    self.problem = Some("Type the photo's file name (Tab completes it)".into());
                    return PhotoStep::Stay;
                }
                if path.ends_with('/') {
                    return self.complete(requests);
                }
                let request = requests.issue();
                self.preparing = Some(request);
                self.problem = None;
                PhotoStep::Send(Command::PreparePhoto { request, path, width: preview.width, height: preview.height })
            }
            Action::Save => {
                if self.uploading.is_some() {
                    return PhotoStep::Stay;
                }
                let Some(ready) = self.ready() else {
                    self.problem = Some("See the photo first: Enter prepares it".into());
                    return PhotoStep::Stay;
                };
                let (jpeg, customer_id) = (ready.jpeg.clone(), self.customer.id);
                let request = requests.issue();
                self.uploading = Some((request, 0, jpeg.len() as u64));
                PhotoStep::Send(Command::UploadPhoto { request, customer_id, jpeg })
            }
            Action::ClearSearch => {
                self.path.reset();
                self.completions.clear();
                PhotoStep::Stay
            }
            Action::Back => {
                if self.uploading.is_some() {
                    return PhotoStep::Warn("Uploading… wait for the server's answer");
                }
                if self.ready().is_some() && !self.leave_armed {
                    self.leave_armed = true;
                    return PhotoStep::Warn("The photo is not uploaded: Esc again leaves without it; ctrl-s uploads");
                }
                PhotoStep::Leave
            }
            _ => PhotoStep::Stay,
        }
    }

    fn complete(&mut self, requests: &mut Requests) -> PhotoStep {
        let request = requests.issue();
        self.completing = Some(request);
        PhotoStep::Send(Command::CompletePath { request, typed: self.path.value().to_string() })
    }

    /// Tab's answer; false when it is stale.
    pub fn on_path_completed(&mut self, request: RequestId, result: Result<(String, Vec<String>), String>) -> bool {
        if self.completing != Some(request) {
            return false;
        }
        self.completing = None;
        match result {
            Ok((text, candidates)) => {
                if text != self.path.value() {
                    self.path = Input::new(text);
                }
                self.problem = candidates.is_empty().then(|| "No photo (JPEG or PNG) or folder starts so".to_string());
                self.completions = candidates;
            }
            Err(problem) => self.problem = Some(problem),
        }
        true
    }

    /// The prepared photo (or why not); false when it is stale.
    pub fn on_prepared(&mut self, request: RequestId, result: Result<PreparedUpload, String>) -> bool {
        if self.preparing != Some(request) {
            return false;
        }
        self.preparing = None;
        match result {
            Ok(prepared) => {
                self.completions.clear();
                self.prepared = Some(prepared);
            }
            Err(problem) => {
                self.prepared = None;
                self.problem = Some(problem);
            }
        }
        true
    }

    /// Bytes sent so far; false when it is not the upload in flight.
    pub fn on_progress(&mut self, request: RequestId, sent: u64, total: u64) -> bool {
        match &mut self.uploading {
            Some(progress) if progress.0 == request => {
                *progress = (request, sent, total);
                true
            }
            _ => false,
        }
    }

    pub fn on_uploaded(&mut self, request: RequestId, result: Result<Customer, ClientError>) -> Uploaded {
        if self.uploading.is_none_or(|(r, _, _)| r != request) {
            return Uploaded::Stale;
        }
        self.uploading = None;
        match result {
            Ok(customer) => return Uploaded::Saved(Box::new(customer)),
            Err(ClientError::Validation(errors)) => self.problem = Some(format!("Not uploaded: {errors}")),
            Err(e) => self.problem = Some(format!("Not uploaded: {}. ctrl-s tries again.", e.summary())),
        }
        Uploaded::Failed
    }
}
