//! The editor: the one open form (the customer form, an edit or a walk-in; the contact, note and
//! alert forms) and its save: checked as typed, only changes sent, the server's answer put back on
//! the fields, and what someone else changed on the server meanwhile shown before anything is
//! overwritten. The form itself is [`super::form::Form`]; the app routes keys and answers here and
//! opens and closes the screen.

use tui_input::InputRequest;

use super::action::Action;
use super::duplicates::{self, DuplicateWarning};
use super::form::{Form, Target};
use super::msg::Command;
use super::request::{RequestId, Requests};
use super::status::Notice;
use crate::client::ClientError;
use crate::client::records::Location;
use crate::model::Customer;

/// What the first Esc over unsaved changes says.
pub const DISCARD_FORM_PROMPT: &str = "Unsaved changes: Esc again throws them away; ctrl-s saves";

/// What a key on the form asks of the app.
#[derive(Debug, PartialEq)]
pub enum EditStep {
    Stay,
    Notice(Notice),
    /// Ctrl-s: save (unless a save is in flight).
    Save,
    /// Keep my edits over the server's: send what is still mine, as a patch of this customer.
    Patch(i64),
    /// Esc over a saved (or discarded) form: it closes.
    Close,
    /// A new photo for the customer being edited.
    UploadPhoto(Box<Customer>),
}

/// What became of the patch with what is still the user's.
#[derive(Debug, PartialEq)]
pub enum PatchStep {
    /// Nothing of the user's is left: the form has closed, the server's version stays.
    NothingLeft,
    /// The patch is on its way.
    Sent,
    /// Nothing sent: a field does not read right (the cursor is on it), or no form is open.
    Stay,
}

/// What a save that did not happen leaves to tell.
#[derive(Debug)]
pub enum SaveFailed {
    /// The form is gone meanwhile: nothing to tell.
    Gone,
    /// The server refused fields: they are marked on the form.
    Refused(Notice),
    /// Anything else: said on the form, and the error is for the status line.
    Failed(ClientError),
}

/// The one open form (one at a time, so typed work has one home) and its save in flight.
#[derive(Debug, Default)]
pub struct Editor {
    pub form: Option<Form>,
    /// The save (or its check for changes on the server, or a walk-in's duplicate check) in flight.
    saving: Option<RequestId>,
    /// The walk-in's possible duplicates, listed over the form until a key decides.
    pub duplicates: Option<DuplicateWarning>,
    /// The next save of a walk-in skips the duplicate check (create anyway, none found, or the
    /// check failed and the form says so); used once.
    pub skip_duplicate_check: bool,
    /// The server has no duplicate check (Capitan): not asked again this session.
    pub no_duplicate_check: bool,
    /// The walk-in's save in flight was sent without a check (already decided): a `401` answering
    /// it sends it again after the login without asking again.
    unchecked_save: bool,
}

impl Editor {
    pub fn is_saving(&self) -> bool {
        self.saving.is_some()
    }

    /// Typed work that closing the app would lose.
    pub fn is_dirty(&self) -> bool {
        self.form.as_ref().is_some_and(Form::is_dirty)
    }

    pub fn open(&mut self, form: Form) {
        self.form = Some(form);
    }

    /// The form closes (saved, or left); it is handed back for what it was about.
    pub fn close(&mut self) -> Option<Form> {
        self.duplicates = None;
        self.skip_duplicate_check = false;
        self.form.take()
    }

    /// Any key but Esc after the discard warning: only an Esc right after it discards.
    pub fn disarm_discard(&mut self) {
        if let Some(form) = &mut self.form {
            form.discard_armed = false;
        }
    }

    /// A barcode scanned while the cursor is on the form's barcode field (a new key tag): it goes
    /// there. False when the form is elsewhere (or not open, or showing a conflict).
    pub fn scanned(&mut self, code: &str) -> bool {
        let Some(form) = &mut self.form else { return false };
        if form.conflict.is_some() || form.focused_field().name != "barcode" {
            return false;
        }
        form.focused_field_mut().set_text(code);
        form.edited();
        true
    }

    /// A key typed into the focused text field.
    pub fn typed(&mut self, request: InputRequest) {
        let Some(form) = &mut self.form else { return };
        if form.focused_field().is_choice() {
            return;
        }
        let field = form.focused_field_mut();
        let before = field.value().to_string();
        field.input.handle(request);
        if field.value() != before {
            form.edited();
        }
    }

    /// A key's action on the form. On [`EditStep::Close`] the form has closed.
    pub fn action(&mut self, action: Action, locations: &[Location]) -> EditStep {
        let saving = self.saving.is_some();
        let Some(form) = &mut self.form else { return EditStep::Stay };
        let step = form_action(form, action, locations, saving);
        if step == EditStep::Close {
            self.close();
        }
        step
    }

    /// The save's first step, once the fields read right (and unless a save is in flight): an
    /// edited customer is read again first (someone may have changed it since the form opened);
    /// anything else is sent. The notice says why nothing is sent.
    pub fn save(&mut self, requests: &mut Requests, out: &mut Vec<Command>) -> Option<Notice> {
        if self.saving.is_some() {
            return None;
        }
        let form = self.form.as_mut()?;
        match first_step(form, || requests.issue()) {
            Ok((request, command)) => {
                let skip = std::mem::take(&mut self.skip_duplicate_check) || self.no_duplicate_check;
                let command = match command {
                    // A walk-in is checked for possible duplicates before it is created.
                    Command::SaveCustomer { id: None, .. } if !skip => {
                        let probe = duplicates::probe(form);
                        if probe.has_signal() { Command::CheckDuplicates { request, probe } } else { command }
                    }
                    other => other,
                };
                self.unchecked_save = matches!(command, Command::SaveCustomer { id: None, .. });
                out.push(command);
                self.saving = Some(request);
                None
            }
            Err(notice) => Some(notice),
        }
    }

    /// The patch of customer `id` with what is still the user's.
    pub fn patch(&mut self, id: i64, requests: &mut Requests, out: &mut Vec<Command>) -> PatchStep {
        let Some(form) = &mut self.form else { return PatchStep::Stay };
        match form.body() {
            Ok(body) if body.is_empty() => {
                self.form = None;
                PatchStep::NothingLeft
            }
            Ok(body) => {
                let request = requests.issue();
                self.saving = Some(request);
                out.push(Command::SaveCustomer { request, id: Some(id), body });
                PatchStep::Sent
            }
            Err(index) => {
                form.focused = index;
                PatchStep::Stay
            }
        }
    }

    /// Whether `request` is the save in flight; if so it is over now. A stale answer (the form was
    /// left meanwhile) is ignored.
    pub fn answered(&mut self, request: RequestId) -> bool {
        if self.saving != Some(request) {
            return false;
        }
        self.saving = None;
        true
    }

    /// The customer as the server has it now, before the patch: `None` when nothing of the user's
    /// collides (the patch goes) or no form is open, else the conflict is on the form and this
    /// says so.
    pub fn fresh(&mut self, fresh: Customer) -> Option<Notice> {
        let form = self.form.as_mut()?;
        let conflicts = form.conflicts_with(&fresh);
        if conflicts.is_empty() {
            return None;
        }
        let n = conflicts.len();
        form.conflict = Some((conflicts, Box::new(fresh)));
        let fields = if n == 1 { "" } else { "s" };
        Some(Notice::warn(format!("Not saved yet: {n} field{fields} changed on the server since you opened the form")))
    }

    /// A save that did not happen: everything typed stays, with the reason beside it.
    pub fn failed(&mut self, e: ClientError) -> SaveFailed {
        let Some(form) = &mut self.form else { return SaveFailed::Gone };
        if matches!(e, ClientError::Unauthorized(_)) && self.unchecked_save {
            self.skip_duplicate_check = true;
        }
        match e {
            ClientError::Validation(errors) => {
                form.apply_server_errors(&errors);
                SaveFailed::Refused(Notice::warn(
                    "Not saved: the server refused the fields marked ✖; fix them and ctrl-s again",
                ))
            }
            other => {
                form.general_problem = Some(format!(
                    "Not saved: {}. Everything you typed is still here; ctrl-s tries again.",
                    other.summary()
                ));
                SaveFailed::Failed(other)
            }
        }
    }
}

/// A key's action on the open form; `saving` while a save is in flight.
fn form_action(form: &mut Form, action: Action, locations: &[Location], saving: bool) -> EditStep {
    if let Some((_, fresh)) = &form.conflict {
        let fresh = fresh.clone();
        return match action {
            Action::KeepMine => {
                form.rebase_keeping_mine(&fresh);
                EditStep::Patch(fresh.id)
            }
            Action::TakeTheirs => {
                form.rebase_taking_theirs(&fresh);
                EditStep::Notice(Notice::say(
                    "The server's changes are in the form; your other edits stay. ctrl-s saves",
                ))
            }
            Action::Back => {
                form.conflict = None;
                EditStep::Notice(Notice::warn("Not saved: the form is as you left it"))
            }
            _ => EditStep::Stay,
        };
    }
    match action {
        Action::NextField | Action::PrevField => {
            form.focus_next(action == Action::NextField);
            form.discard_armed = false;
        }
        Action::CycleNext | Action::CyclePrev => form.cycle(action == Action::CycleNext, locations),
        Action::Save => return EditStep::Save,
        Action::Back if saving => return EditStep::Notice(Notice::warn("Saving… wait for the server's answer")),
        Action::Back if form.is_dirty() && !form.discard_armed => {
            form.discard_armed = true;
            return EditStep::Notice(Notice::warn(DISCARD_FORM_PROMPT));
        }
        Action::Back => return EditStep::Close,
        Action::UploadPhoto => {
            if let Target::EditCustomer(customer) = &form.target {
                return EditStep::UploadPhoto(customer.clone());
            }
        }
        _ => {}
    }
    EditStep::Stay
}

/// The save's first step, named by `request` once the fields read right; `Err` says why nothing
/// is sent.
fn first_step(form: &mut Form, request: impl FnOnce() -> RequestId) -> Result<(RequestId, Command), Notice> {
    form.general_problem = None;
    let body = match form.body() {
        Ok(body) => body,
        Err(index) => {
            form.focused = index;
            let field = &form.fields[index];
            let problem = field.problem.clone().unwrap_or_default();
            return Err(Notice::warn(format!("Not saved: {} — {problem}", field.label)));
        }
    };
    let request = request();
    let command = match form.target.clone() {
        Target::EditCustomer(_) | Target::EditRecord { .. } if body.is_empty() => {
            return Err(Notice::say("Nothing changed, nothing to save"));
        }
        Target::EditCustomer(customer) => Command::FetchCustomer { request, id: customer.id },
        Target::NewCustomer => Command::SaveCustomer { request, id: None, body },
        Target::NewRecord { customer_id, kind } => Command::SaveRecord { request, customer_id, kind, url: None, body },
        Target::EditRecord { customer_id, kind, url } => {
            Command::SaveRecord { request, customer_id, kind, url: Some(url), body }
        }
    };
    Ok((request, command))
}
