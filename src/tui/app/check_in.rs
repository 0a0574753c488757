//! The check-in screen's part of `update`: scans in (from the scanner anywhere in the app, or typed into
//! the scan field), verdicts and bells out, the today list, undo, and the queue of offline scans.

use tui_input::InputRequest;

use super::{App, Command, Problem, RequestId, Screen, Timer};
use crate::client::ClientError;
use crate::desk::{DrainReport, Scan};
use crate::tui::action::Action;
use crate::tui::check_in::{Level, ScanOutcome, TodayState};
use crate::tui::keymap::KeyContext;

/// How a verdict sounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Bells {
    /// Rings for a customer let in (0: silent).
    pub checked_in: u8,
    /// Rings for a refusal: a different count, so staff hear the difference.
    pub refused: u8,
    pub gap: std::time::Duration,
}

/// Bells still to ring for the latest verdict.
#[derive(Debug, Default)]
pub(super) struct BellState {
    /// Rung since the runtime last asked.
    due: u32,
    /// Left in the current pattern, one per timer.
    left: u8,
    /// The pattern's generation: a new verdict's pattern replaces the old one's.
    generation: u64,
}

impl App {
    /// F3: the check-in screen, or back from it.
    pub(super) fn toggle_check_in(&mut self, out: &mut Vec<Command>) {
        if self.screen == Screen::CheckIn {
            self.pop_screen(out);
        } else {
            self.records = None;
            self.push_screen(Screen::CheckIn);
            self.load_photo(out);
        }
    }

    /// A scanner burst on any other screen is a check-in: the verdict comes to the front (Esc goes back,
    /// and whatever was typed elsewhere stays where it was).
    pub(super) fn scanned_elsewhere(&mut self, code: String, out: &mut Vec<Command>) {
        if self.screen != Screen::CheckIn {
            self.records = None;
            self.push_screen(Screen::CheckIn);
        }
        self.help = None;
        self.submit_scan(&code, out);
    }

    fn submit_scan(&mut self, code: &str, out: &mut Vec<Command>) {
        let code = code.trim();
        if code.is_empty() {
            return;
        }
        let request = self.request_id();
        self.check_in.started(request, code);
        // The next scan replaces the verdict, and its bells the last one's.
        self.bells.left = 0;
        let barcode = code.to_string();
        out.push(if self.check_in.lookup {
            Command::LookUp { request, barcode }
        } else {
            Command::CheckIn { request, barcode }
        });
        self.redraw = true;
    }

    /// A key typed into the scan field.
    pub(super) fn check_in_typed(&mut self, request: InputRequest) {
        self.check_in.input.handle(request);
    }

    pub(super) fn check_in_action(&mut self, context: KeyContext, action: Action, out: &mut Vec<Command>) {
        if context == KeyContext::Confirm {
            match action {
                Action::Confirm => self.void_last(out),
                Action::Back => {
                    self.check_in.confirm_undo = None;
                    self.say("Not undone");
                }
                _ => {}
            }
            return;
        }
        match action {
            // Enter on an empty scan field: the refusals on delivery have been seen.
            Action::Submit | Action::Confirm
                if self.check_in.input.value().trim().is_empty() && !self.check_in.refused_on_delivery.is_empty() =>
            {
                self.check_in.refused_on_delivery.clear();
                self.redraw = true;
            }
            Action::Submit | Action::Confirm => {
                let typed = self.check_in.input.value().to_string();
                self.check_in.input.reset();
                self.submit_scan(&typed, out);
            }
            Action::ClearSearch => self.check_in.input.reset(),
            Action::LookupMode => {
                self.check_in.lookup = !self.check_in.lookup;
                if self.check_in.lookup {
                    self.say("Lookup mode: scans show the customer without checking in (ctrl-l ends it)");
                } else {
                    self.say("Check-in mode: scans check customers in");
                }
            }
            Action::Undo => self.ask_undo(),
            Action::CheckInMode | Action::Back => self.pop_screen(out),
            _ => {}
        }
    }

    fn ask_undo(&mut self) {
        if self.check_in.undoing.is_some() {
            return self.warn("Undoing… wait for the server's answer");
        }
        match self.check_in.last_undoable() {
            None => self.warn("No check-in of this session to undo"),
            Some(index) if self.check_in.today[index].combined => {
                self.warn("The last scan made no new check-in (already in today): nothing to undo")
            }
            Some(index) => self.check_in.confirm_undo = Some(index),
        }
    }

    fn void_last(&mut self, out: &mut Vec<Command>) {
        let Some(index) = self.check_in.confirm_undo.take() else { return };
        let Some(id) = self.check_in.today.get(index).and_then(|e| e.check_in_id) else { return };
        let request = self.request_id();
        self.check_in.undoing = Some((request, id));
        out.push(Command::VoidCheckIn { request, id });
    }

    pub(super) fn on_voided(&mut self, request: RequestId, result: Result<(), ClientError>) {
        let Some((awaited, id)) = self.check_in.undoing else { return };
        if awaited != request {
            return;
        }
        self.check_in.undoing = None;
        self.redraw = true;
        match result {
            Ok(()) => {
                let who = self.check_in.undone(id).unwrap_or_default();
                self.say(format!("Check-in of {who} undone"));
            }
            // A server without our void (Capitan) has no such route.
            Err(ClientError::Rejected { status: 405, .. }) | Err(ClientError::NotFound(_)) => self
                .warn("This server cannot undo a check-in: it stays. Undo it in Capitan's own dashboard if it must go"),
            Err(ClientError::Rejected { message, .. }) => self.warn(format!("Not undone: {message}")),
            Err(e) => {
                self.warn(format!("Not undone: {}; ctrl-z tries again", e.summary()));
            }
        }
    }

    pub(super) fn on_scan_answered(
        &mut self,
        request: RequestId,
        scan: Option<Scan>,
        outcome: ScanOutcome,
        out: &mut Vec<Command>,
    ) {
        self.redraw = true;
        let today = self.today;
        let shown = self.check_in.answered(request, scan.as_ref(), &outcome, today);
        if let ScanOutcome::Queued { reason } | ScanOutcome::NotQueued { reason } = &outcome {
            // Red at once: the server did not answer this scan.
            self.offline(reason);
            if reason == crate::client::SIGNED_OUT {
                self.ask_login();
            }
        } else if !matches!(outcome, ScanOutcome::Failed(_)) && self.problem.as_ref().is_some_and(|p| p.offline) {
            self.problem = None;
        }
        if matches!(outcome, ScanOutcome::Queued { .. }) {
            self.check_in.queued += 1;
            self.offline_queued();
        } else if !matches!(outcome, ScanOutcome::NotQueued { .. } | ScanOutcome::Failed(_)) && self.check_in.queued > 0
        {
            // The server answers again: the queue need not wait for its next retry.
            out.push(Command::SendQueued);
        }
        if let Some(level) = shown {
            self.ring(level, out);
            self.load_photo(out);
        }
    }

    /// Starts the verdict's bell pattern.
    fn ring(&mut self, level: Level, out: &mut Vec<Command>) {
        let rings = match level {
            Level::In | Level::Notice => self.bell_pattern.checked_in,
            Level::Refused => self.bell_pattern.refused,
            Level::Checking | Level::Queued | Level::Info => 0,
        };
        self.bells.generation += 1;
        if rings == 0 {
            self.bells.left = 0;
            return;
        }
        self.bells.due += 1;
        self.bells.left = rings - 1;
        self.next_bell(out);
    }

    fn next_bell(&mut self, out: &mut Vec<Command>) {
        if self.bells.left > 0 {
            out.push(Command::StartTimer {
                timer: Timer::Bell,
                generation: self.bells.generation,
                after: self.bell_pattern.gap,
            });
        }
    }

    pub(super) fn on_bell_timer(&mut self, generation: u64, out: &mut Vec<Command>) {
        if generation != self.bells.generation || self.bells.left == 0 {
            return;
        }
        self.bells.due += 1;
        self.bells.left -= 1;
        self.next_bell(out);
    }

    /// Bells to ring now (the runtime writes them to the terminal between frames).
    pub fn take_bells(&mut self) -> u32 {
        std::mem::take(&mut self.bells.due)
    }

    pub(super) fn on_journal_opened(&mut self, pending: Vec<Scan>, problem: Option<String>) {
        self.redraw = true;
        self.check_in.restored(&pending);
        if let Some(problem) = problem {
            self.check_in.journal_problem = Some(problem.clone());
            self.warn(problem);
        } else if !pending.is_empty() {
            let n = pending.len();
            self.say(format!("{n} scan{} from before wait{} for the server", plural(n), if n == 1 { "s" } else { "" }));
        }
    }

    /// The status line turns red: the server cannot be reached.
    fn offline(&mut self, reason: &str) {
        if reason == crate::client::SIGNED_OUT {
            let message = "The server asks for a new login (401): scans are kept until you sign in".to_string();
            self.problem = Some(Problem { message, offline: false });
            return;
        }
        let reason = reason.trim_start_matches("Server unreachable ");
        self.problem = Some(Problem { message: format!("Cannot reach the server ({reason})"), offline: true });
    }

    fn offline_queued(&mut self) {
        if let Some(p) = &mut self.problem
            && p.offline
        {
            let n = self.check_in.queued;
            if !p.message.contains("queued") {
                p.message.push_str(&format!("; {n} scan{} queued, sent when it answers", plural(n)));
            }
        }
    }

    pub(super) fn on_queue_drained(&mut self, report: DrainReport) {
        self.redraw = true;
        let settled = self.check_in.delivered(&report.answered, report.pending);
        match &report.unreachable {
            Some(reason) if report.pending > 0 => {
                if reason == crate::client::SIGNED_OUT {
                    self.ask_login();
                }
                self.offline(reason);
                self.offline_queued();
            }
            _ if self.problem.as_ref().is_some_and(|p| p.offline || p.message.contains("(401)")) => self.problem = None,
            _ => {}
        }
        if settled.is_empty() {
            return;
        }
        let refused: Vec<String> = settled
            .iter()
            .filter_map(|(who, state)| match state {
                TodayState::Refused(text) => Some(format!("{who}: {text}")),
                _ => None,
            })
            .collect();
        self.check_in.refused_on_delivery.extend(refused.iter().cloned());
        let n = settled.len();
        if refused.is_empty() {
            self.say(format!("{n} queued scan{} sent: all checked in", plural(n)));
        } else {
            self.warn(format!("{n} queued scan{} sent; refused: {}", plural(n), refused.join("; ")));
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
