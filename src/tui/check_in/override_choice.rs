//! F8 on a refused scan: the list of override reasons (from `[check_in] override_reasons`), and the
//! reason typed when the chosen one asks for it. Pure: the check-in screen opens it, routes its
//! keys here, and sends the override it returns.

use tui_input::{Input, InputRequest};

use super::manager_pin::{ManagerPin, PinStep};
use super::update::CheckInStep;
use super::{CheckInState, Level};
use crate::client::staff::{Credential, StaffLoginError};
use crate::model::check_in::UNKNOWN_ACCOUNT;
use crate::model::check_in_rules::parse_override_reason;
use crate::tui::action::Action;
use crate::tui::msg::Command;
use crate::tui::request::{RequestId, Requests};
use crate::tui::status::Notice;

/// A reason ending in this asks for the reason to be typed.
pub const TYPE_IT: &str = "(type it)";

/// The open chooser.
#[derive(Debug, Clone)]
pub struct OverrideChoice {
    /// Who is let in: the refused scan's barcode, and their name when known.
    pub barcode: String,
    pub who: String,
    /// Why the rules refused (the red verdict's words).
    pub refusal: String,
    pub reasons: Vec<String>,
    pub selected: usize,
    /// The reason being typed, once a "(type it)" reason was chosen.
    pub typing: Option<Input>,
    /// Why the typed reason cannot be sent, until it changes.
    pub problem: Option<String>,
    /// `[check_in] override_needs_manager_pin`: a reason chosen asks for a manager's PIN.
    pub needs_pin: bool,
    /// The manager's username and PIN, once a reason was chosen (when [`Self::needs_pin`]).
    pub manager: Option<ManagerPin>,
}

/// What a key did to the chooser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChoiceStep {
    Stay,
    /// Send the override with this reason.
    Chosen(String),
    /// Closed without an override.
    Closed,
    /// Log in as this manager and send the override with this reason under their token.
    Authorize {
        reason: String,
        username: String,
        pin: Credential,
    },
}

impl OverrideChoice {
    pub fn new(barcode: &str, who: &str, refusal: &str, reasons: &[String]) -> OverrideChoice {
        OverrideChoice {
            barcode: barcode.to_string(),
            who: who.to_string(),
            refusal: refusal.to_string(),
            reasons: reasons.to_vec(),
            selected: 0,
            typing: None,
            problem: None,
            needs_pin: false,
            manager: None,
        }
    }

    /// A reason chosen asks for a manager's username and PIN.
    pub fn needing_pin(mut self, needs_pin: bool) -> OverrideChoice {
        self.needs_pin = needs_pin;
        self
    }

    pub fn action(&mut self, action: Action) -> ChoiceStep {
        if let Some(manager) = &mut self.manager {
            return match manager.action(action) {
                PinStep::Stay => ChoiceStep::Stay,
                PinStep::Back => {
                    // Back to the list of reasons.
                    self.manager = None;
                    self.typing = None;
                    self.problem = None;
                    ChoiceStep::Stay
                }
                PinStep::Send { username, pin } => {
                    ChoiceStep::Authorize { reason: manager.reason.clone(), username, pin }
                }
            };
        }
        match self.reason_action(action) {
            ChoiceStep::Chosen(reason) if self.needs_pin => {
                self.manager = Some(ManagerPin::new(reason));
                ChoiceStep::Stay
            }
            step => step,
        }
    }

    fn reason_action(&mut self, action: Action) -> ChoiceStep {
        match (action, self.typing.is_some()) {
            (Action::Back, true) => {
                // Back to the list, the typed text given up.
                self.typing = None;
                self.problem = None;
                ChoiceStep::Stay
            }
            (Action::Back, false) => ChoiceStep::Closed,
            (Action::Up, false) => {
                self.selected = self.selected.checked_sub(1).unwrap_or(self.reasons.len().saturating_sub(1));
                ChoiceStep::Stay
            }
            (Action::Down, false) => {
                self.selected = (self.selected + 1) % self.reasons.len().max(1);
                ChoiceStep::Stay
            }
            (Action::Confirm | Action::Submit, false) => self.choose(),
            (Action::Confirm | Action::Submit, true) => self.submit_typed(),
            _ => ChoiceStep::Stay,
        }
    }

    fn choose(&mut self) -> ChoiceStep {
        let Some(reason) = self.reasons.get(self.selected) else { return ChoiceStep::Closed };
        if reason.trim_end().ends_with(TYPE_IT) {
            self.typing = Some(Input::default());
            return ChoiceStep::Stay;
        }
        ChoiceStep::Chosen(reason.trim().to_string())
    }

    fn submit_typed(&mut self) -> ChoiceStep {
        let typed = self.typing.as_ref().map(|i| i.value().to_string()).unwrap_or_default();
        match parse_override_reason(&typed) {
            Ok(reason) => ChoiceStep::Chosen(reason),
            Err(e) => {
                self.problem = Some(e.replace("override_reason", "The reason"));
                ChoiceStep::Stay
            }
        }
    }

    /// A key typed while the reason is being typed (ignored on the list).
    pub fn typed(&mut self, request: InputRequest) {
        if let Some(manager) = &mut self.manager {
            manager.typed(request);
        } else if let Some(input) = &mut self.typing {
            input.handle(request);
            self.problem = None;
        }
    }
}

impl CheckInState {
    /// F8 offers these reasons (the config's).
    pub fn with_override_reasons(mut self, reasons: &[String]) -> CheckInState {
        self.override_reasons = reasons.to_vec();
        self
    }

    /// `[check_in] override_needs_manager_pin`.
    pub fn with_manager_pin(mut self, needs_pin: bool) -> CheckInState {
        self.override_needs_pin = needs_pin;
        self
    }

    /// F8: the chooser, for the refused scan on screen; else a word on why not.
    pub fn open_override(&mut self) -> CheckInStep {
        let Some(v) = &self.verdict else {
            return CheckInStep::Notice(Notice::warn("F8 lets a refused customer in: scan them first"));
        };
        let refused = v.level == Level::Refused && matches!(v.headline, "REFUSED" | "NOT OVERRIDDEN");
        if !refused {
            return CheckInStep::Notice(Notice::warn("F8 lets a refused customer in: this verdict is not a refusal"));
        }
        if v.reason == UNKNOWN_ACCOUNT && v.customer().is_none() {
            return CheckInStep::Notice(Notice::warn("Nobody to let in: no active customer has this barcode"));
        }
        let who = v.customer().map(|c| format!("{} {}", c.first_name, c.last_name)).unwrap_or_default();
        self.choosing_override = Some(
            OverrideChoice::new(&v.barcode, &who, &v.reason, &self.override_reasons)
                .needing_pin(self.override_needs_pin),
        );
        self.confirm_undo = None;
        CheckInStep::Redraw
    }

    /// A key while the chooser is open: the override to send once a reason is chosen.
    pub fn override_action(&mut self, action: Action, requests: &mut Requests) -> CheckInStep {
        let Some(choice) = &mut self.choosing_override else { return CheckInStep::Stay };
        match choice.action(action) {
            ChoiceStep::Stay => CheckInStep::Redraw,
            ChoiceStep::Closed => {
                self.choosing_override = None;
                CheckInStep::Notice(Notice::say("No override: the customer was not let in"))
            }
            ChoiceStep::Chosen(reason) => {
                let barcode = choice.barcode.clone();
                self.choosing_override = None;
                let request = requests.issue();
                self.overriding(request, &barcode, &reason);
                CheckInStep::Send(Command::OverrideCheckIn { request, barcode, reason })
            }
            ChoiceStep::Authorize { reason, username, pin } => {
                let request = requests.issue();
                if let Some(manager) = &mut choice.manager {
                    manager.waiting = Some(request);
                }
                let barcode = choice.barcode.clone();
                CheckInStep::Send(Command::ManagerOverride { request, barcode, reason, username, pin })
            }
        }
    }

    /// A scanner burst while the manager's username and PIN are asked for: typed into the field
    /// with the keys (a PIN typed fast looks like a scan), never scanned. Whether it was taken: not
    /// while the PIN is being checked (the fields take no keys then, and a scan is not lost).
    pub fn pin_fields_take(&mut self, code: &str) -> bool {
        let Some(manager) = self.choosing_override.as_mut().and_then(|c| c.manager.as_mut()) else { return false };
        if manager.waiting.is_some() {
            return false;
        }
        code.chars().for_each(|c| manager.typed(InputRequest::InsertChar(c)));
        true
    }

    /// The verdict while the override is on its way: a check-in, listed today and undone with
    /// ctrl-z, even when it was chosen on a lookup's refusal.
    fn overriding(&mut self, request: RequestId, barcode: &str, reason: &str) {
        self.sent(request, barcode, false);
        if let Some(v) = &mut self.verdict {
            v.headline = "OVERRIDING";
            v.reason = format!("Letting {barcode} in: {reason}");
        }
    }

    /// The manager's PIN checked for the override `request`: taken, the chooser closes and the
    /// verdict waits for the override; refused, the chooser shows why for another try. Whether the
    /// screen changed.
    pub fn manager_answered(&mut self, request: RequestId, result: Result<(), StaffLoginError>) -> bool {
        let Some(choice) = &mut self.choosing_override else { return false };
        let Some(manager) = choice.manager.as_mut().filter(|m| m.waiting == Some(request)) else { return false };
        match result {
            Ok(()) => {
                let (barcode, reason) = (choice.barcode.clone(), manager.reason.clone());
                let who = manager.username.value().trim().to_string();
                self.choosing_override = None;
                self.overriding(request, &barcode, &format!("{reason} (manager: {who})"));
            }
            Err(e) => manager.refused(e),
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chooser() -> OverrideChoice {
        let reasons = crate::config::DEFAULT_OVERRIDE_REASONS.map(str::to_string);
        OverrideChoice::new("100042", "Ann Smith", "No waiver", &reasons)
    }

    #[test]
    fn arrows_move_through_the_reasons_and_enter_chooses_one() {
        let mut c = chooser();
        assert_eq!(c.action(Action::Down), ChoiceStep::Stay);
        assert_eq!(c.action(Action::Confirm), ChoiceStep::Chosen("manager approved".into()));
        c.action(Action::Up);
        c.action(Action::Up);
        assert_eq!(c.selected, 3, "up from the first wraps to the last");
        assert_eq!(c.action(Action::Back), ChoiceStep::Closed);
    }

    #[test]
    fn other_asks_for_the_reason_and_a_blank_one_is_named() {
        let mut c = chooser();
        c.selected = 3;
        assert_eq!(c.action(Action::Confirm), ChoiceStep::Stay);
        assert!(c.typing.is_some());
        assert_eq!(c.action(Action::Confirm), ChoiceStep::Stay);
        assert!(c.problem.as_deref().unwrap().contains("The reason may not be blank"));
        for ch in "coach vouched".chars() {
            c.typed(InputRequest::InsertChar(ch));
        }
        assert_eq!(c.problem, None, "typing clears the problem");
        assert_eq!(c.action(Action::Confirm), ChoiceStep::Chosen("coach vouched".into()));
        assert_eq!(c.action(Action::Back), ChoiceStep::Stay, "Esc leaves the typing for the list");
        assert!(c.typing.is_none());
    }
}
