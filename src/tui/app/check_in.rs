//! Routing for the check-in screen (the screen itself is [`crate::tui::check_in`]): scans from
//! anywhere in the app, its keys and answers, and what they mean for the status line (the server
//! away, a new login needed, scans queued).

use tui_input::InputRequest;

use super::{App, Command, Problem, RequestId, Screen};
use crate::client::ClientError;
use crate::desk::{DrainReport, Scan};
use crate::tui::action::Action;
use crate::tui::check_in::ScanOutcome;
use crate::tui::check_in::update::CheckInStep;
use crate::tui::text::plural;

impl App {
    /// F3: the check-in screen, or back from it.
    pub(super) fn toggle_check_in(&mut self, out: &mut Vec<Command>) {
        if self.screen == Screen::CheckIn {
            self.pop_screen(out);
        } else {
            self.records.close();
            self.push_screen(Screen::CheckIn);
            self.load_photo(out);
        }
    }

    /// A scanner burst on any other screen is a check-in: the verdict comes to the front (Esc goes back,
    /// and whatever was typed elsewhere stays where it was).
    pub(super) fn scanned_elsewhere(&mut self, code: String, out: &mut Vec<Command>) {
        if self.screen != Screen::CheckIn {
            self.records.close();
            self.push_screen(Screen::CheckIn);
        }
        self.help.close();
        if let Some(command) = self.check_in.scan(&code, &mut self.requests) {
            out.push(command);
            self.redraw = true;
        }
    }

    pub(super) fn check_in_typed(&mut self, request: InputRequest) {
        self.check_in.typed(request);
    }

    pub(super) fn check_in_action(&mut self, confirming: bool, action: Action, out: &mut Vec<Command>) {
        match self.check_in.action(confirming, action, &mut self.requests) {
            CheckInStep::Stay => {}
            CheckInStep::Redraw => self.redraw = true,
            CheckInStep::Send(command) => {
                out.push(command);
                self.redraw = true;
            }
            CheckInStep::Notice(notice) => self.show(notice),
            CheckInStep::Leave => self.pop_screen(out),
        }
    }

    pub(super) fn on_voided(&mut self, request: RequestId, result: Result<(), ClientError>) {
        if let Some(notice) = self.check_in.on_voided(request, result) {
            self.redraw = true;
            self.show(notice);
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
            let local = self.clock.now().to_zoned(self.time_zone.clone()).time();
            out.extend(self.check_in.ring(level, local));
            self.load_photo(out);
            // The family fills in behind the verdict, which never waits for it.
            self.load_family(&outcome, out);
        }
    }

    /// A sound's command failed: said once per program.
    pub(super) fn on_sound_failed(&mut self, program: &str, error: &str) {
        if let Some(notice) = self.check_in.sound_failed(program, error) {
            self.show(notice);
        }
    }

    pub(super) fn on_bell_timer(&mut self, generation: u64, out: &mut Vec<Command>) {
        out.extend(self.check_in.on_bell_timer(generation));
    }

    /// Bells to ring now (the runtime writes them to the terminal between frames).
    pub fn take_bells(&mut self) -> u32 {
        self.check_in.take_bells()
    }

    pub(super) fn on_journal_opened(&mut self, pending: Vec<Scan>, problem: Option<String>) {
        self.redraw = true;
        if let Some(notice) = self.check_in.journal_opened(&pending, problem) {
            self.show(notice);
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
        let notice = self.check_in.queue_drained(&report);
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
        if let Some(notice) = notice {
            self.show(notice);
        }
    }
}
