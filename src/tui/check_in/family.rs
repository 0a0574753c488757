//! The scanned customer's family on the check-in screen: each related customer with their own
//! verdict as if scanned now (the server's preview, nothing written), and checking several of them
//! in from one scan. `F6` moves into the list, `↑`/`↓` move, `Space` selects or clears a member
//! (refused members cannot be selected: `Space` says why), `Enter` sends one check-in per selected
//! member, by customer id (a child without a card too), each with its own `Idempotency-Key` and its
//! own row in the today list (so `ctrl-z` undoes them one by one), `Esc` leaves.
//!
//! Pure: the tasks load the family after the scanned customer's verdict is on screen (it never
//! waits for them), and bring back each member's answer.

use jiff::Timestamp;
use jiff::civil::Date;

use super::{CheckInState, TodayEntry, TodayState, turns_18_soon, uses_left};
use crate::desk::{Answer, Delivery, IdempotencyKey};
use crate::model::check_in::{BarcodeCheckIn, NO_ENTRY_METHOD, UNKNOWN_ACCOUNT, blocking_alert_of};
use crate::model::check_in_preview::PreviewVerdict;
use crate::model::customer::age_on;
use crate::tui::action::Action;
use crate::tui::msg::Command;
use crate::tui::request::{RequestId, Requests};
use crate::tui::status::Notice;

pub use super::relative::Relative;

/// How a member's row reads from across the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Green: would be in.
    In,
    /// Yellow: would be in, with something to notice.
    Notice,
    /// Red: would be refused; cannot be selected.
    Refused,
    /// No verdict to show.
    Unknown,
}

/// What became of a member's check-in sent from the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    Sending,
    /// In: the entry method, and whether the server found them already in today.
    In {
        description: String,
        combined: bool,
    },
    /// The server refused, in its own words.
    Refused(String),
    /// The server could not be reached: not checked in. `Enter` tries again with the same key.
    NotSent(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub relative: Relative,
    pub selected: bool,
    /// The key its check-in goes with, kept until the server's final answer: a retry after no answer
    /// repeats it, so the server applies it once.
    key: Option<IdempotencyKey>,
    /// The check-in in flight.
    sending: Option<RequestId>,
    pub sent: Option<Sent>,
}

impl Member {
    fn new(relative: Relative) -> Member {
        Member { relative, selected: false, key: None, sending: None, sent: None }
    }

    /// Their own verdict, as if scanned now: the tone and the words.
    pub fn verdict(&self, today: Date) -> (Tone, String) {
        let preview = match &self.relative.preview {
            Ok(preview) => preview,
            Err(why) => return (Tone::Unknown, why.clone()),
        };
        match preview.verdict {
            PreviewVerdict::In => {
                let mut text = preview.entry_method_description.trim().to_string();
                if text.is_empty() {
                    text = preview.method().map_or("In", |m| m.label()).to_string();
                }
                let mut notices = Vec::new();
                if uses_left(&preview.entry_method_description) == Some(0) {
                    notices.push("last use of the pass".to_string());
                }
                if let Some(when) = self.turns_adult_soon(today) {
                    notices.push(when);
                }
                if notices.is_empty() {
                    (Tone::In, text)
                } else {
                    (Tone::Notice, format!("{text} · {}", notices.join(" · ")))
                }
            }
            PreviewVerdict::AlreadyIn => (Tone::Notice, "Already checked in today".to_string()),
            PreviewVerdict::Refused => (Tone::Refused, short_refusal(&preview.reason)),
            PreviewVerdict::Unknown => (Tone::Unknown, "The server's verdict is not one this app knows".to_string()),
        }
    }

    /// "turns 18 in 12 days" for a minor within [`super::TURNS_ADULT_SOON_DAYS`] of it.
    fn turns_adult_soon(&self, today: Date) -> Option<String> {
        let (n, _) = turns_18_soon(self.relative.birthday?, today)?;
        Some(if n == 0 { "turns 18 today".to_string() } else { format!("turns 18 in {n} days") })
    }

    /// Why they would be refused, if they would.
    pub fn refusal(&self) -> Option<String> {
        match &self.relative.preview {
            Ok(p) if p.verdict == PreviewVerdict::Refused => Some(short_refusal(&p.reason)),
            _ => None,
        }
    }

    pub fn age(&self, today: Date) -> Option<i16> {
        self.relative.birthday.map(|b| age_on(b, today))
    }

    pub fn is_sending(&self) -> bool {
        self.sending.is_some()
    }
}

/// A refusal as short as a row needs: the alert's own text, or a few words for Capitan's others.
fn short_refusal(reason: &str) -> String {
    let reason = reason.trim();
    if let Some(alert) = blocking_alert_of(reason) {
        return format!("Refused: {alert}");
    }
    match reason {
        NO_ENTRY_METHOD => "Refused: no membership, pass or booking for today".to_string(),
        UNKNOWN_ACCOUNT => "Refused: deactivated account".to_string(),
        "" => "Refused".to_string(),
        other => format!("Refused: {other}"),
    }
}

/// The family list's loading.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum FamilyLoad {
    /// Nobody scanned, or a scan without a customer.
    #[default]
    Idle,
    Loading,
    Loaded(Vec<Member>),
    Failed(String),
}

/// The scanned customer's family.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Family {
    /// Whose family: the customer on the verdict.
    pub of: Option<i64>,
    request: Option<RequestId>,
    pub load: FamilyLoad,
    /// The keys go to the list (`F6`).
    pub focused: bool,
    pub cursor: usize,
}

impl Family {
    /// The members loaded (none while loading).
    pub fn members(&self) -> &[Member] {
        match &self.load {
            FamilyLoad::Loaded(members) => members,
            _ => &[],
        }
    }

    fn members_mut(&mut self) -> &mut [Member] {
        match &mut self.load {
            FamilyLoad::Loaded(members) => members,
            _ => &mut [],
        }
    }

    /// Loads the family of the customer on the verdict (a new scan's; the old list goes).
    pub fn load(&mut self, customer_id: i64, requests: &mut Requests) -> Command {
        let request = requests.issue();
        *self =
            Family { of: Some(customer_id), request: Some(request), load: FamilyLoad::Loading, ..Family::default() };
        Command::LoadFamily { request, customer_id }
    }

    /// The family's answer; `false` when it is stale (another scan since).
    pub fn loaded(&mut self, request: RequestId, result: Result<Vec<Relative>, String>) -> bool {
        if self.request != Some(request) {
            return false;
        }
        self.request = None;
        self.load = match result {
            Ok(relatives) => FamilyLoad::Loaded(relatives.into_iter().map(Member::new).collect()),
            Err(why) => FamilyLoad::Failed(why),
        };
        self.cursor = 0;
        if self.members().is_empty() {
            self.focused = false;
        }
        true
    }

    /// A member's check-in in flight for `request`.
    fn sent_for(&mut self, request: RequestId) -> Option<&mut Member> {
        self.members_mut().iter_mut().find(|m| m.sending == Some(request))
    }

    /// Whether any check-in of the list is still waiting for its answer.
    pub fn is_sending(&self) -> bool {
        self.members().iter().any(Member::is_sending)
    }
}

/// What a key in the family list asks of the app.
#[derive(Debug, PartialEq)]
pub enum FamilyStep {
    Stay,
    Redraw,
    Notice(Notice),
    /// Check-ins to send (the screen changed too).
    Send(Vec<Command>),
    /// An action the scan field's context handles (undo, lookup mode).
    Pass(Action),
}

impl CheckInState {
    /// `F6` from the scan field: into the family list, or why not.
    pub fn enter_family(&mut self) -> FamilyStep {
        let family = &mut self.family;
        let warning = match &family.load {
            FamilyLoad::Idle => "Scan a customer first: F6 lists their family",
            FamilyLoad::Loading => "The family is still loading",
            FamilyLoad::Failed(why) => return FamilyStep::Notice(Notice::warn(format!("No family list: {why}"))),
            FamilyLoad::Loaded(members) if members.is_empty() => "No family on record for this customer",
            FamilyLoad::Loaded(_) => {
                family.focused = true;
                family.cursor = family.cursor.min(family.members().len().saturating_sub(1));
                return FamilyStep::Redraw;
            }
        };
        FamilyStep::Notice(Notice::warn(warning))
    }

    /// A key's action in the family list.
    pub fn family_action(&mut self, action: Action, requests: &mut Requests, now: Timestamp) -> FamilyStep {
        let count = self.family.members().len();
        match action {
            Action::Up => {
                self.family.cursor = self.family.cursor.saturating_sub(1);
                FamilyStep::Redraw
            }
            Action::Down => {
                self.family.cursor = (self.family.cursor + 1).min(count.saturating_sub(1));
                FamilyStep::Redraw
            }
            Action::ToggleSelect => self.toggle_member(),
            Action::CheckInSelected => self.check_in_selected(requests, now),
            Action::Back | Action::Family => {
                self.family.focused = false;
                FamilyStep::Redraw
            }
            Action::CheckInMode => {
                self.family.focused = false;
                FamilyStep::Pass(action)
            }
            Action::Undo | Action::LookupMode => FamilyStep::Pass(action),
            _ => FamilyStep::Stay,
        }
    }

    fn toggle_member(&mut self) -> FamilyStep {
        let cursor = self.family.cursor;
        let Some(member) = self.family.members_mut().get_mut(cursor) else { return FamilyStep::Stay };
        let name = member.relative.name.clone();
        if member.selected {
            member.selected = false;
            return FamilyStep::Redraw;
        }
        let warning = match (&member.sent, member.refusal()) {
            (Some(Sent::Sending), _) => format!("{name}: the check-in is on its way"),
            (Some(Sent::In { .. }), _) => format!("{name} is checked in already (ctrl-z undoes it)"),
            (_, Some(why)) => format!("{name} cannot be checked in: {why}"),
            _ => {
                member.selected = true;
                return FamilyStep::Redraw;
            }
        };
        FamilyStep::Notice(Notice::warn(warning))
    }

    /// `Enter`: one check-in per selected member, each its own request and key.
    fn check_in_selected(&mut self, requests: &mut Requests, now: Timestamp) -> FamilyStep {
        let mut commands = Vec::new();
        let mut entries = Vec::new();
        for member in self.family.members_mut().iter_mut().filter(|m| m.selected && m.sending.is_none()) {
            let request = requests.issue();
            let key = member.key.get_or_insert_with(IdempotencyKey::generate).clone();
            member.sending = Some(request);
            member.sent = Some(Sent::Sending);
            let customer_id = member.relative.customer_id;
            commands.push(Command::CheckInMember { request, customer_id, key: key.clone() });
            let mut entry = TodayEntry::new(Some(request), "");
            entry.name = Some(member.relative.name.clone());
            entry.key = Some(key);
            entry.taken_at = Some(now);
            entries.push(entry);
        }
        if commands.is_empty() {
            let text = if self.family.is_sending() {
                "The check-ins are on their way"
            } else {
                "Nobody selected: Space selects a family member"
            };
            return FamilyStep::Notice(Notice::warn(text));
        }
        self.confirm_undo = None;
        for entry in entries {
            self.today.push_front(entry);
        }
        self.today.truncate(super::TODAY_KEPT);
        FamilyStep::Send(commands)
    }

    /// A member's check-in answered: their today entry says how, and their row if the list is still
    /// on screen (a new scan may have replaced it). Returns what to tell staff, or `None` for an
    /// answer nobody waits for.
    pub fn member_answered(&mut self, request: RequestId, delivery: Delivery) -> Option<Notice> {
        let entry = self.today.iter().position(|e| e.request == Some(request));
        let listed = self.family.sent_for(request).map(|m| m.relative.name.clone());
        let name = listed.or_else(|| entry.and_then(|i| self.today[i].name.clone()))?;
        let (sent, check_in) = match delivery {
            Delivery::Answered(Answer::Accepted { body }) => {
                let check_in: BarcodeCheckIn = serde_json::from_str(&body).unwrap_or_default();
                let sent = Sent::In { description: super::entry_line(&check_in), combined: check_in.combined };
                (sent, Some(check_in))
            }
            Delivery::Answered(Answer::Refused { text, .. }) => (Sent::Refused(text.trim().to_string()), None),
            Delivery::Unreachable(reason) => (Sent::NotSent(reason), None),
        };
        if let Some(member) = self.family.sent_for(request) {
            member.sending = None;
            if !matches!(sent, Sent::NotSent(_)) {
                // A final answer: the key is spent. Without one, the key stays for the retry.
                member.key = None;
                member.selected = false;
            }
            member.sent = Some(sent.clone());
        }
        match (&sent, entry) {
            // Not applied: no check-in to list.
            (Sent::NotSent(_), Some(i)) => {
                self.today.remove(i);
            }
            (Sent::In { description, combined }, Some(i)) => {
                let e = &mut self.today[i];
                e.state = TodayState::In { method: description.clone(), notice: *combined };
                e.check_in_id = check_in.as_ref().map(|c| c.id).filter(|id| *id > 0);
                e.combined = *combined;
            }
            (Sent::Refused(text), Some(i)) => self.today[i].state = TodayState::Refused(text.clone()),
            _ => {}
        }
        Some(match sent {
            Sent::In { description, combined: false } => Notice::say(format!("{name}: in ({description})")),
            Sent::In { .. } => Notice::say(format!("{name} was already in today: no new check-in")),
            Sent::Refused(text) => Notice::warn(format!("{name}: refused: {text}")),
            Sent::NotSent(reason) => Notice::warn(format!(
                "{name} is not checked in: {reason}. Family check-in needs the server: Enter tries again"
            )),
            Sent::Sending => Notice::say(name),
        })
    }
}

#[cfg(test)]
#[path = "family_tests.rs"]
mod tests;
