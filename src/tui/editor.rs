//! The edit form's `update`: the customer form (an edit or a walk-in), the contact, note and alert
//! forms, and the save: checked as typed, only changes sent, the server's answer put back on the
//! fields, and what someone else changed on the server meanwhile shown before anything is
//! overwritten. The form itself is [`super::form::Form`]; the app keeps the one open form and the
//! save in flight, and routes keys and answers here.

use tui_input::InputRequest;

use super::action::Action;
use super::form::{Form, Target};
use super::msg::Command;
use super::request::RequestId;
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

/// What is left to send of the form after the server's version was taken in.
#[derive(Debug, PartialEq)]
pub enum PatchStep {
    /// Nothing of the user's is left: the form closes, the server's version stays.
    NothingLeft,
    Send(Command),
    /// A field does not read right: the cursor is on it.
    Unfixed,
}

/// A key typed into the focused text field.
pub fn typed(form: &mut Form, request: InputRequest) {
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

/// A key's action on the form; `saving` while a save is in flight.
pub fn action(form: &mut Form, action: Action, locations: &[Location], saving: bool) -> EditStep {
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

/// The save's first step, named by `request` once the fields read right: an edited customer is read
/// again first (someone may have changed it since the form opened); anything else is sent. `Err`
/// says why nothing is sent.
pub fn save(form: &mut Form, request: impl FnOnce() -> RequestId) -> Result<(RequestId, Command), Notice> {
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

/// The patch of customer `id` with what is still the user's; `request` names it when sent.
pub fn patch(form: &mut Form, id: i64, request: impl FnOnce() -> RequestId) -> PatchStep {
    match form.body() {
        Ok(body) if body.is_empty() => PatchStep::NothingLeft,
        Ok(body) => PatchStep::Send(Command::SaveCustomer { request: request(), id: Some(id), body }),
        Err(index) => {
            form.focused = index;
            PatchStep::Unfixed
        }
    }
}

/// The customer as the server has it now, before the patch: `None` when nothing of the user's
/// collides (the patch goes), else the conflict is on the form and this says so.
pub fn fresh(form: &mut Form, fresh: Customer) -> Option<Notice> {
    let conflicts = form.conflicts_with(&fresh);
    if conflicts.is_empty() {
        return None;
    }
    let n = conflicts.len();
    form.conflict = Some((conflicts, Box::new(fresh)));
    let fields = if n == 1 { "" } else { "s" };
    Some(Notice::warn(format!("Not saved yet: {n} field{fields} changed on the server since you opened the form")))
}

/// A save that did not happen: everything typed stays, with the reason beside it. Returns the
/// notice for a refusal of fields, or the error for the status line otherwise.
pub fn failed(form: &mut Form, e: ClientError) -> Result<Notice, ClientError> {
    match e {
        ClientError::Validation(errors) => {
            form.apply_server_errors(&errors);
            Ok(Notice::warn("Not saved: the server refused the fields marked ✖; fix them and ctrl-s again"))
        }
        other => {
            form.general_problem = Some(format!(
                "Not saved: {}. Everything you typed is still here; ctrl-s tries again.",
                other.summary()
            ));
            Err(other)
        }
    }
}
