//! The manager's username and PIN F8's chooser asks for after the reason, when
//! `[check_in] override_needs_manager_pin` is on. Tab moves between the two fields, Enter sends,
//! Esc goes back to the reasons. The PIN is cleared after each try and never kept elsewhere.

use tui_input::{Input, InputRequest};

use crate::client::ClientError;
use crate::client::staff::{Credential, StaffLoginError};
use crate::tui::action::Action;
use crate::tui::request::RequestId;

/// The two fields, for the reason already chosen.
#[derive(Debug, Clone)]
pub struct ManagerPin {
    /// The chosen reason, sent once the PIN is taken.
    pub reason: String,
    pub username: Input,
    pub pin: Input,
    /// The PIN field has the keys (else the username's).
    pub on_pin: bool,
    /// The PIN is being checked (this request's answer is awaited): keys wait.
    pub waiting: Option<RequestId>,
    /// Why the last try was not taken (the server's words), or what is missing.
    pub error: Option<String>,
}

/// What a key did to the fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinStep {
    Stay,
    /// Esc: back to the list of reasons.
    Back,
    /// Enter with both filled: log in as this manager.
    Send {
        username: String,
        pin: Credential,
    },
}

impl ManagerPin {
    pub fn new(reason: String) -> ManagerPin {
        ManagerPin {
            reason,
            username: Input::default(),
            pin: Input::default(),
            on_pin: false,
            waiting: None,
            error: None,
        }
    }

    pub fn action(&mut self, action: Action) -> PinStep {
        if self.waiting.is_some() {
            return PinStep::Stay;
        }
        match action {
            Action::Back => PinStep::Back,
            Action::NextField | Action::PrevField | Action::Up | Action::Down => {
                self.on_pin = !self.on_pin;
                PinStep::Stay
            }
            Action::Confirm | Action::Submit => self.send(),
            _ => PinStep::Stay,
        }
    }

    fn send(&mut self) -> PinStep {
        let username = self.username.value().trim().to_string();
        if username.is_empty() {
            self.on_pin = false;
            self.error = Some("Type the manager's username".into());
            return PinStep::Stay;
        }
        if !self.on_pin && self.pin.value().is_empty() {
            // Enter in the username goes on to the PIN.
            self.on_pin = true;
            return PinStep::Stay;
        }
        let pin = self.pin.value().to_string();
        if !crate::model::pin::is_pin(&pin) {
            self.on_pin = true;
            self.pin.reset();
            self.error = Some("A PIN is 4 to 8 digits".into());
            return PinStep::Stay;
        }
        self.error = None;
        PinStep::Send { username, pin: Credential::Pin(pin) }
    }

    /// A key typed into the field that has the keys (none while the PIN is checked).
    pub fn typed(&mut self, request: InputRequest) {
        if self.waiting.is_some() {
            return;
        }
        let field = if self.on_pin { &mut self.pin } else { &mut self.username };
        field.handle(request);
        self.error = None;
    }

    /// The login's answer when it refused: the server's words, the PIN cleared for another try.
    pub fn refused(&mut self, error: StaffLoginError) {
        self.waiting = None;
        self.pin.reset();
        self.on_pin = true;
        self.error = Some(match error {
            StaffLoginError::LockedOut { message, .. } => format!("Locked out: {message}"),
            // DRF's refusal is a non-field error: its words alone.
            StaffLoginError::Failed(ClientError::Validation(errors)) => match errors.get("non_field_errors") {
                Some(messages) => format!("PIN not taken: {}", messages.join(" ")),
                None => format!("PIN not taken: {errors}"),
            },
            StaffLoginError::Failed(other) => format!("PIN not taken: {}", other.summary()),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(m: &mut ManagerPin, text: &str) {
        text.chars().for_each(|c| m.typed(InputRequest::InsertChar(c)));
    }

    #[test]
    fn enter_moves_to_the_pin_then_sends_both_and_esc_goes_back() {
        let mut m = ManagerPin::new("manager approved".into());
        assert_eq!(m.action(Action::Confirm), PinStep::Stay);
        assert_eq!(m.error.as_deref(), Some("Type the manager's username"));
        typed(&mut m, "maria");
        assert_eq!(m.action(Action::Confirm), PinStep::Stay);
        assert!(m.on_pin, "enter in the username goes on to the PIN");
        typed(&mut m, "12a");
        assert_eq!(m.action(Action::Confirm), PinStep::Stay);
        assert_eq!(m.error.as_deref(), Some("A PIN is 4 to 8 digits"));
        assert_eq!(m.pin.value(), "", "a bad PIN is cleared");
        typed(&mut m, "4321");
        assert_eq!(
            m.action(Action::Confirm),
            PinStep::Send { username: "maria".into(), pin: Credential::Pin("4321".into()) }
        );
        m.waiting = Some(RequestId(1));
        assert_eq!(m.action(Action::Back), PinStep::Stay, "keys wait while the PIN is checked");
        m.refused(StaffLoginError::LockedOut {
            retry_after: std::time::Duration::from_secs(60),
            message: "Too many wrong PINs.".into(),
        });
        assert_eq!(m.error.as_deref(), Some("Locked out: Too many wrong PINs."));
        assert_eq!((m.pin.value(), m.waiting), ("", None));
        assert_eq!(m.action(Action::Back), PinStep::Back);
    }
}
