//! Routing for the check-in screen's family list (the list itself is
//! [`crate::tui::check_in::family`]): loading it once the scanned customer's verdict is on screen,
//! its keys, and each member's answer.

use super::{App, Command, RequestId};
use crate::desk::Delivery;
use crate::tui::action::Action;
use crate::tui::check_in::ScanOutcome;
use crate::tui::check_in::family::{FamilyStep, Relative};

impl App {
    /// After the verdict of a scan (or lookup) that found a customer: their family, loaded behind it.
    pub(super) fn load_family(&mut self, outcome: &ScanOutcome, out: &mut Vec<Command>) {
        let customer = match outcome {
            ScanOutcome::CheckedIn { details, .. }
            | ScanOutcome::Refused { details, .. }
            | ScanOutcome::Found { details } => details.customer.as_ref(),
            _ => None,
        };
        if let Some(customer) = customer {
            out.push(self.check_in.family.load(customer.id, &mut self.requests));
        }
    }

    pub(super) fn on_family_loaded(&mut self, request: RequestId, result: Result<Vec<Relative>, String>) {
        if self.check_in.family.loaded(request, result) {
            self.redraw = true;
        }
    }

    /// `F6` on the scan field.
    pub(super) fn enter_family(&mut self, out: &mut Vec<Command>) {
        let step = self.check_in.enter_family();
        self.family_step(step, out);
    }

    pub(super) fn family_action(&mut self, action: Action, out: &mut Vec<Command>) {
        let now = self.clock.now();
        let step = self.check_in.family_action(action, &mut self.requests, now);
        self.family_step(step, out);
    }

    fn family_step(&mut self, step: FamilyStep, out: &mut Vec<Command>) {
        match step {
            FamilyStep::Stay => {}
            FamilyStep::Redraw => self.redraw = true,
            FamilyStep::Notice(notice) => self.show(notice),
            FamilyStep::Send(commands) => {
                out.extend(commands);
                self.redraw = true;
            }
            FamilyStep::Pass(action) => self.check_in_action(false, action, out),
        }
    }

    pub(super) fn on_member_checked_in(&mut self, request: RequestId, delivery: Delivery) {
        let signed_out = matches!(&delivery, Delivery::Unreachable(reason) if reason == crate::client::SIGNED_OUT);
        if let Some(notice) = self.check_in.member_answered(request, delivery) {
            self.show(notice);
        }
        if signed_out {
            self.ask_login();
        }
    }
}
