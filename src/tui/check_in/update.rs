//! The check-in screen's `update`: a scan sent (typed into the scan field, or from the scanner
//! anywhere in the app), its bells, undo, lookup mode, and the offline journal's scans. The app
//! routes keys and answers here and shows the notices these return.

use tui_input::InputRequest;

use super::{CheckInState, Level, TodayState};
use crate::client::ClientError;
use crate::desk::{DrainReport, Scan};
use crate::tui::action::Action;
use crate::tui::msg::{Command, Timer};
use crate::tui::request::{RequestId, Requests};
use crate::tui::status::Notice;
use crate::tui::text::plural;

/// What a key on the check-in screen asks of the app.
#[derive(Debug, PartialEq)]
pub enum CheckInStep {
    Stay,
    /// The screen changed.
    Redraw,
    /// A scan (the screen changed too) or an undo to send.
    Send(Command),
    /// A word for the status line.
    Notice(Notice),
    /// Esc or F3: back to the screen behind.
    Leave,
}

impl CheckInState {
    /// A key typed into the scan field (or into F8's reason, while it is open).
    pub fn typed(&mut self, request: InputRequest) {
        match &mut self.choosing_override {
            Some(choice) => choice.typed(request),
            None => {
                self.input.handle(request);
            }
        }
    }

    /// A scan (or a lookup, in lookup mode) of `code`: the verdict says "checking" until the answer.
    pub fn scan(&mut self, code: &str, requests: &mut Requests) -> Option<Command> {
        let code = code.trim();
        if code.is_empty() {
            return None;
        }
        let request = requests.issue();
        self.started(request, code);
        // The next scan replaces the verdict, and its bells the last one's.
        self.ringing.left = 0;
        let barcode = code.to_string();
        Some(if self.lookup { Command::LookUp { request, barcode } } else { Command::CheckIn { request, barcode } })
    }

    /// A key's action; `confirming` while the undo question is on screen.
    pub fn action(&mut self, confirming: bool, action: Action, requests: &mut Requests) -> CheckInStep {
        if confirming {
            return match action {
                Action::Confirm => self.void_last(requests),
                Action::Back => {
                    self.confirm_undo = None;
                    CheckInStep::Notice(Notice::say("Not undone"))
                }
                _ => CheckInStep::Stay,
            };
        }
        if self.choosing_override.is_some() {
            return self.override_action(action, requests);
        }
        match action {
            // Enter on an empty scan field: the refusals on delivery have been seen.
            Action::Submit | Action::Confirm
                if self.input.value().trim().is_empty() && !self.refused_on_delivery.is_empty() =>
            {
                self.refused_on_delivery.clear();
                CheckInStep::Redraw
            }
            Action::Submit | Action::Confirm => {
                let typed = self.input.value().to_string();
                self.input.reset();
                self.scan(&typed, requests).map_or(CheckInStep::Stay, CheckInStep::Send)
            }
            Action::ClearSearch => {
                self.input.reset();
                CheckInStep::Stay
            }
            Action::LookupMode => {
                self.lookup = !self.lookup;
                CheckInStep::Notice(Notice::say(if self.lookup {
                    "Lookup mode: scans show the customer without checking in (ctrl-l ends it)"
                } else {
                    "Check-in mode: scans check customers in"
                }))
            }
            Action::Undo => self.ask_undo(),
            Action::Override => self.open_override(),
            Action::CheckInMode | Action::Back => CheckInStep::Leave,
            _ => CheckInStep::Stay,
        }
    }

    fn ask_undo(&mut self) -> CheckInStep {
        let warning = if self.undoing.is_some() {
            "Undoing… wait for the server's answer"
        } else {
            match self.last_undoable() {
                None => "No check-in of this session to undo",
                Some(index) if self.today[index].combined => {
                    "The last scan made no new check-in (already in today): nothing to undo"
                }
                Some(index) => {
                    self.confirm_undo = Some(index);
                    return CheckInStep::Stay;
                }
            }
        };
        CheckInStep::Notice(Notice::warn(warning))
    }

    fn void_last(&mut self, requests: &mut Requests) -> CheckInStep {
        let Some(index) = self.confirm_undo.take() else { return CheckInStep::Stay };
        let Some(id) = self.today.get(index).and_then(|e| e.check_in_id) else { return CheckInStep::Stay };
        let request = requests.issue();
        self.undoing = Some((request, id));
        CheckInStep::Send(Command::VoidCheckIn { request, id })
    }

    /// The void's answer: what to tell staff, or `None` for a stale answer.
    pub fn on_voided(&mut self, request: RequestId, result: Result<(), ClientError>) -> Option<Notice> {
        let (awaited, id) = self.undoing?;
        if awaited != request {
            return None;
        }
        self.undoing = None;
        Some(match result {
            Ok(()) => {
                let who = self.undone(id).unwrap_or_default();
                Notice::say(format!("Check-in of {who} undone"))
            }
            // A server without our void (Capitan) has no such route.
            Err(ClientError::Rejected { status: 405, .. }) | Err(ClientError::NotFound(_)) => Notice::warn(
                "This server cannot undo a check-in: it stays. Undo it in Capitan's own dashboard if it must go",
            ),
            Err(ClientError::Rejected { message, .. }) => Notice::warn(format!("Not undone: {message}")),
            Err(e) => Notice::warn(format!("Not undone: {}; ctrl-z tries again", e.summary())),
        })
    }

    /// Starts the sound of a verdict shown at `level` at `at` (the gym's local time; see
    /// [`super::sounds::choose`]): the first bell and the timer for the next, or the command to run.
    pub fn ring(&mut self, level: Level, at: jiff::civil::Time) -> Option<Command> {
        self.ringing.generation += 1;
        self.ringing.left = 0;
        let sound = super::sounds::choose(level, &self.bell_pattern, &self.sounds.config, at)?;
        let crate::config::Sound::Bells(rings) = sound else { return super::sounds::command(&sound) };
        self.ringing.due += 1;
        self.ringing.left = rings - 1;
        self.next_bell()
    }

    fn next_bell(&self) -> Option<Command> {
        (self.ringing.left > 0).then_some(Command::StartTimer {
            timer: Timer::Bell,
            generation: self.ringing.generation,
            after: self.bell_pattern.gap,
        })
    }

    /// The bell timer: one more ring of the pattern, and the timer for the next.
    pub fn on_bell_timer(&mut self, generation: u64) -> Option<Command> {
        if generation != self.ringing.generation || self.ringing.left == 0 {
            return None;
        }
        self.ringing.due += 1;
        self.ringing.left -= 1;
        self.next_bell()
    }

    /// Bells to ring now (the runtime writes them to the terminal between frames).
    pub fn take_bells(&mut self) -> u32 {
        std::mem::take(&mut self.ringing.due)
    }

    /// The offline journal at start-up: scans an earlier run left queued, or why none can be kept.
    pub fn journal_opened(&mut self, pending: &[Scan], problem: Option<String>) -> Option<Notice> {
        self.restored(pending);
        if let Some(problem) = problem {
            self.journal_problem = Some(problem.clone());
            Some(Notice::warn(problem))
        } else if !pending.is_empty() {
            let n = pending.len();
            let waits = if n == 1 { "s" } else { "" };
            Some(Notice::say(format!("{n} scan{} from before wait{waits} for the server", plural(n))))
        } else {
            None
        }
    }

    /// Queued scans sent: the today list and any verdict show the server's answers, refusals stay
    /// until staff acknowledge them. Returns what to tell staff, when any scan was answered.
    pub fn queue_drained(&mut self, report: &DrainReport) -> Option<Notice> {
        let settled = self.delivered(&report.answered, report.pending);
        if settled.is_empty() {
            return None;
        }
        let refused: Vec<String> = settled
            .iter()
            .filter_map(|(who, state)| match state {
                TodayState::Refused(text) => Some(format!("{who}: {text}")),
                _ => None,
            })
            .collect();
        self.refused_on_delivery.extend(refused.iter().cloned());
        let n = settled.len();
        Some(if refused.is_empty() {
            Notice::say(format!("{n} queued scan{} sent: all checked in", plural(n)))
        } else {
            Notice::warn(format!("{n} queued scan{} sent; refused: {}", plural(n), refused.join("; ")))
        })
    }
}
