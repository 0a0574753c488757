//! The check-in screen's state, and what a scan's answer means at a glance: green (in), yellow (in,
//! with something to notice), red (refused, in Capitan's own words), or queued while the server is away.
//!
//! Pure: the app hands it the answers its tasks bring back, with today's date.

use std::collections::VecDeque;

use jiff::Timestamp;
use jiff::civil::Date;
use tui_input::Input;

pub use outcome::{Details, Holdings, ScanOutcome};
pub use override_choice::OverrideChoice;

use super::request::RequestId;
use crate::desk::{Answer, IdempotencyKey, JournalEntry, Scan, ScanState};
use crate::model::Customer;
use crate::model::check_in::{BarcodeCheckIn, UNKNOWN_ACCOUNT};

/// A waiver expiring within this many days is worth a word at the desk.
pub const WAIVER_SOON_DAYS: i64 = 14;
/// A minor turning 18 within this many days is worth a word (the paperwork changes).
pub use crate::model::check_in_rules::coming_of_age::TURNS_ADULT_SOON_DAYS;
/// How many of the latest check-ins the card and the profile list.
pub const LAST_CHECK_INS: usize = 5;
/// Scans the today list keeps.
pub const TODAY_KEPT: usize = 200;

/// How the verdict reads from across the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Sent, no answer yet.
    Checking,
    /// Green: in.
    In,
    /// Yellow: in, with something to notice.
    Notice,
    /// Red: refused.
    Refused,
    /// The server could not be reached: kept on disk, sent when it answers.
    Queued,
    /// A lookup (not a check-in), or an undone check-in: just the customer.
    Info,
}

/// The verdict on screen: the latest scan's.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub request: RequestId,
    pub barcode: String,
    pub level: Level,
    /// The word across the banner: `IN`, `REFUSED`, ...
    pub headline: &'static str,
    /// Why, in plain words (Capitan's own text when refused; the entry method when in).
    pub reason: String,
    /// For yellow: each thing to notice.
    pub notices: Vec<String>,
    pub check_in: Option<BarcodeCheckIn>,
    pub details: Details,
}

impl Verdict {
    pub fn checking(request: RequestId, barcode: &str, lookup: bool) -> Verdict {
        Verdict {
            request,
            barcode: barcode.to_string(),
            level: Level::Checking,
            headline: if lookup { "LOOKING UP" } else { "CHECKING" },
            reason: format!("Barcode {barcode}"),
            notices: Vec::new(),
            check_in: None,
            details: Details::default(),
        }
    }

    /// The verdict for an answer.
    pub fn judge(request: RequestId, barcode: &str, outcome: &ScanOutcome, today: Date) -> Verdict {
        let mut verdict = Verdict::checking(request, barcode, false);
        match outcome {
            ScanOutcome::CheckedIn { check_in, details } => {
                let notices = notices(check_in, details, today);
                verdict.level = if notices.is_empty() { Level::In } else { Level::Notice };
                verdict.headline = if check_in.overridden { "IN BY OVERRIDE" } else { "IN" };
                verdict.reason = entry_line(check_in);
                verdict.notices = notices;
                verdict.check_in = Some((**check_in).clone());
                verdict.details = details.clone();
            }
            ScanOutcome::Refused { text, details, .. } => {
                verdict.level = Level::Refused;
                verdict.headline = "REFUSED";
                verdict.reason =
                    if text.trim().is_empty() { UNKNOWN_ACCOUNT.to_string() } else { text.trim().to_string() };
                verdict.details = details.clone();
            }
            ScanOutcome::Queued { reason } => {
                verdict.level = Level::Queued;
                verdict.headline = "QUEUED";
                verdict.reason =
                    format!("Server unreachable ({reason}): the scan is saved and goes out when it answers");
            }
            ScanOutcome::NotQueued { reason } => {
                verdict.level = Level::Refused;
                verdict.headline = "NOT CHECKED IN";
                verdict.reason = format!("{reason}: check this customer in by hand later");
            }
            ScanOutcome::NotOverridden { reason } => {
                verdict.level = Level::Refused;
                verdict.headline = "NOT OVERRIDDEN";
                verdict.reason = reason.clone();
            }
            ScanOutcome::Found { details } => {
                verdict.level = Level::Info;
                verdict.headline = "LOOKUP";
                verdict.reason = "Not checked in: lookup mode (ctrl-l turns it off)".into();
                verdict.details = details.clone();
            }
            ScanOutcome::NotFound => {
                verdict.level = Level::Refused;
                verdict.headline = "UNKNOWN";
                verdict.reason = format!("No customer has barcode {barcode}");
            }
            ScanOutcome::Failed(why) => {
                verdict.level = Level::Refused;
                verdict.headline = "LOOKUP FAILED";
                verdict.reason = why.clone();
            }
        }
        verdict
    }

    pub fn customer(&self) -> Option<&Customer> {
        self.details.customer.as_ref()
    }
}

/// `Monthly Membership`, or the entry method's name when the server gives no description.
fn entry_line(check_in: &BarcodeCheckIn) -> String {
    let description = check_in.entry_method_description.trim();
    if !description.is_empty() {
        return description.to_string();
    }
    check_in.method().map_or_else(|| check_in.entry_method.clone(), |m| m.label().to_string())
}

/// Uses left on the pass, from Capitan's description: `10-Punch Pass (3 remaining)`.
pub fn uses_left(description: &str) -> Option<i64> {
    let start = description.rfind('(')?;
    let inside = description[start + 1..].split(')').next()?;
    inside.trim().strip_suffix("remaining")?.trim().parse().ok()
}

/// Days from `today` to `date` (negative when past).
fn days_until(today: Date, date: Date) -> i64 {
    (date - today).get_days() as i64
}

/// The day the customer turns 18, if they have a birthday (29 February turns on 1 March).
pub fn eighteenth_birthday(birthday: Date) -> Option<Date> {
    crate::model::check_in_rules::coming_of_age::eighteenth_birthday(birthday)
}

/// A minor born on `birthday` who turns 18 within [`TURNS_ADULT_SOON_DAYS`] of `today`: in how
/// many days (0: today) and on which day. The check-in verdict and the family list both say it.
pub fn turns_18_soon(birthday: Date, today: Date) -> Option<(i64, Date)> {
    let adult = eighteenth_birthday(birthday)?;
    let n = days_until(today, adult);
    (0..=TURNS_ADULT_SOON_DAYS).contains(&n).then_some((n, adult))
}

/// When the customer last checked in earlier the same local day at the location of this check-in
/// (a location that combines same-day check-ins makes no second one: see `combined`). Check-in
/// times are the location's wall clock, so "today" is the desk's date.
fn earlier_today(check_in: &BarcodeCheckIn, details: &Details, today: Date) -> Option<jiff::civil::Time> {
    let recent = details.recent_check_ins.as_ref()?;
    let this = recent.iter().find(|c| c.id == check_in.id);
    recent
        .iter()
        .filter(|c| c.id != check_in.id)
        .filter(|c| this.is_none_or(|t| t.location_id == c.location_id))
        .filter_map(|c| c.check_in_datetime)
        .filter(|at| at.date() == today)
        .filter(|at| this.and_then(|t| t.check_in_datetime).is_none_or(|now| *at <= now))
        .max()
        .map(|at| at.time())
}

/// What a person at the desk should notice about a customer who got in.
pub fn notices(check_in: &BarcodeCheckIn, details: &Details, today: Date) -> Vec<String> {
    let mut out = Vec::new();
    if check_in.overridden {
        let reason = check_in.override_reason.as_deref().unwrap_or("no reason given");
        out.push(format!("Override: {reason} (the rules refused; kept with the check-in)"));
    } else if check_in.override_reason.is_some() {
        out.push("No override was needed: the rules let them in".to_string());
    } else if details.override_not_kept {
        out.push(outcome::NO_OVERRIDES_BUT_IN.to_string());
    }
    // The rules' own notices (our server: turning 18 for a minor's waiver or youth membership).
    out.extend(check_in.notices.iter().flatten().cloned());
    if check_in.combined {
        out.push("Already checked in today: this scan made no new check-in".to_string());
    } else if let Some(earlier) = earlier_today(check_in, details, today) {
        out.push(format!("Already checked in today at {}", earlier.strftime("%H:%M")));
    }
    if let Some(customer) = &details.customer
        && customer.active_waiver_exists
        && let Some(expiry) = customer.latest_waiver_expiration_date
    {
        match days_until(today, expiry) {
            0 => out.push(format!("Waiver expires today ({expiry})")),
            1 => out.push(format!("Waiver expires tomorrow ({expiry})")),
            n if (2..=WAIVER_SOON_DAYS).contains(&n) => out.push(format!("Waiver expires in {n} days ({expiry})")),
            _ => {}
        }
    }
    if uses_left(&check_in.entry_method_description) == Some(0) {
        out.push("Last use of the pass: none left after today".to_string());
    }
    // A server that judges notices (ours) has said what turning 18 means for this customer.
    if check_in.notices.is_none()
        && let Some(customer) = &details.customer
        && let Some((n, adult)) = customer.birthday.and_then(|b| turns_18_soon(b, today))
    {
        let when = if n == 0 { "today".to_string() } else { format!("in {n} days") };
        out.push(format!("Turns 18 {when} ({adult})"));
    }
    for alert in details.alerts.iter().flatten() {
        out.push(format!("Alert: {}", alert.message.trim()));
    }
    match details.notes.as_deref() {
        Some([note]) => out.push(format!("Note: {}", one_line(&note.note))),
        Some(notes) if notes.len() > 1 => {
            out.push(format!("{} notes, newest: {}", notes.len(), one_line(&notes[0].note)));
        }
        _ => {}
    }
    out
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How one scan in the today list ended (so far).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TodayState {
    Checking,
    In {
        method: String,
        notice: bool,
    },
    Refused(String),
    Queued,
    /// Offline, and the scan could not be saved either.
    Lost(String),
    Undone,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TodayEntry {
    /// The scan's request in this session (none for a scan queued by an earlier run).
    pub request: Option<RequestId>,
    pub key: Option<IdempotencyKey>,
    pub barcode: String,
    pub taken_at: Option<Timestamp>,
    pub name: Option<String>,
    pub state: TodayState,
    /// The check-in made, which undo voids.
    pub check_in_id: Option<i64>,
    /// The scan found the customer already checked in today (nothing new to undo).
    pub combined: bool,
}

impl TodayEntry {
    fn new(request: Option<RequestId>, barcode: &str) -> TodayEntry {
        TodayEntry {
            request,
            key: None,
            barcode: barcode.to_string(),
            taken_at: None,
            name: None,
            state: TodayState::Checking,
            check_in_id: None,
            combined: false,
        }
    }

    /// Who: the name once known, else the barcode.
    pub fn who(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.barcode)
    }

    fn from_queued(scan: &Scan) -> TodayEntry {
        TodayEntry {
            key: Some(scan.key.clone()),
            taken_at: Some(scan.taken_at),
            state: TodayState::Queued,
            ..TodayEntry::new(None, &scan.barcode)
        }
    }

    /// Takes in the server's final answer to a queued scan.
    fn settle(&mut self, answer: &Answer) {
        match answer {
            Answer::Accepted { body } => {
                let check_in: BarcodeCheckIn = serde_json::from_str(body).unwrap_or_default();
                self.name = Some(format!("{} {}", check_in.customer_first_name, check_in.customer_last_name));
                self.check_in_id = Some(check_in.id).filter(|id| *id > 0);
                self.combined = check_in.combined;
                self.state = TodayState::In { method: entry_line(&check_in), notice: false };
            }
            Answer::Refused { text, .. } => self.state = TodayState::Refused(text.trim().to_string()),
        }
    }
}

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
pub struct BellState {
    /// Rung since the runtime last asked.
    due: u32,
    /// Left in the current pattern, one per timer.
    left: u8,
    /// The pattern's generation: a new verdict's pattern replaces the old one's.
    generation: u64,
}

/// The check-in screen.
#[derive(Debug, Default)]
pub struct CheckInState {
    /// How verdicts sound.
    pub bell_pattern: Bells,
    /// The bells of the latest verdict.
    ringing: BellState,
    /// `[sounds]`: each outcome's pattern or command, quiet hours.
    pub sounds: sounds::Sounds,
    /// The scan field: always armed; a code typed by hand and Enter is a scan too.
    pub input: Input,
    /// Scans show the customer without checking in.
    pub lookup: bool,
    pub verdict: Option<Verdict>,
    /// This session's scans and the queued ones, newest first.
    pub today: VecDeque<TodayEntry>,
    /// Undo asked, waiting for yes or no: the entry's index in `today`.
    pub confirm_undo: Option<usize>,
    /// A void in flight, for the entry with this check-in id.
    pub undoing: Option<(RequestId, i64)>,
    /// Scans on disk waiting for the server.
    pub queued: usize,
    /// Why scans cannot be kept while offline (the journal could not be opened).
    pub journal_problem: Option<String>,
    /// Queued scans the server refused on delivery, one line each: the customer is already inside,
    /// so these stay (red, on the status line) until staff acknowledge them.
    pub refused_on_delivery: Vec<String>,
    /// The scanned customer's family, each with their own verdict (see [`family`]).
    pub family: family::Family,
    /// F8's reasons, from the config.
    pub override_reasons: Vec<String>,
    /// F8's chooser, while it is open.
    pub choosing_override: Option<OverrideChoice>,
    /// `[check_in] override_needs_manager_pin`: the chooser asks for a manager's PIN.
    pub override_needs_pin: bool,
}

impl CheckInState {
    /// The screen before any scan, its verdicts sounding as `bells` says.
    pub fn new(bells: Bells) -> CheckInState {
        CheckInState { bell_pattern: bells, ..CheckInState::default() }
    }

    /// Midnight at the desk: the today list keeps only this day's scans and those still waiting
    /// for the server; yesterday's verdict leaves the screen.
    pub fn new_day(&mut self, today: jiff::civil::Date, tz: &jiff::tz::TimeZone) {
        let outstanding = |e: &TodayEntry| matches!(e.state, TodayState::Checking | TodayState::Queued);
        self.today.retain(|e| outstanding(e) || e.taken_at.is_some_and(|t| t.to_zoned(tz.clone()).date() == today));
        self.confirm_undo = None;
        if self.verdict.as_ref().is_some_and(|v| v.level != Level::Checking && v.level != Level::Queued) {
            self.verdict = None;
            self.family = family::Family::default();
        }
    }

    /// A scan sent: the verdict says so until the answer comes. In lookup mode nothing is checked
    /// in and the today list is left alone.
    pub fn started(&mut self, request: RequestId, barcode: &str) {
        self.sent(request, barcode, self.lookup);
    }

    /// A request about `barcode` sent; `lookup` when it checks nobody in. Whatever was open for the
    /// customer before (an undo to confirm, their family, the override chooser) closes with them:
    /// Enter must not let in someone who is no longer on screen.
    fn sent(&mut self, request: RequestId, barcode: &str, lookup: bool) {
        self.verdict = Some(Verdict::checking(request, barcode, lookup));
        self.confirm_undo = None;
        self.family = family::Family::default();
        self.choosing_override = None;
        if !lookup {
            self.today.push_front(TodayEntry::new(Some(request), barcode));
            self.today.truncate(TODAY_KEPT);
        }
    }

    /// An answer: its today entry, and the verdict when it is still the latest scan's. Returns the
    /// verdict's level when it is shown.
    pub fn answered(
        &mut self,
        request: RequestId,
        scan: Option<&Scan>,
        outcome: &ScanOutcome,
        today: Date,
    ) -> Option<Level> {
        if let Some(entry) = self.today.iter_mut().find(|e| e.request == Some(request)) {
            if let Some(scan) = scan {
                entry.key = Some(scan.key.clone());
                entry.taken_at = Some(scan.taken_at);
            }
            let customer = match outcome {
                ScanOutcome::CheckedIn { details, .. } | ScanOutcome::Refused { details, .. } => {
                    details.customer.as_ref()
                }
                _ => None,
            };
            if let Some(c) = customer {
                entry.name = Some(format!("{} {}", c.first_name, c.last_name));
            }
            entry.state = match outcome {
                ScanOutcome::CheckedIn { check_in, details } => {
                    if entry.name.is_none() {
                        entry.name = Some(format!("{} {}", check_in.customer_first_name, check_in.customer_last_name));
                    }
                    entry.check_in_id = Some(check_in.id).filter(|id| *id > 0);
                    entry.combined = check_in.combined;
                    TodayState::In {
                        method: entry_line(check_in),
                        notice: !notices(check_in, details, today).is_empty(),
                    }
                }
                ScanOutcome::Refused { text, .. } => TodayState::Refused(text.trim().to_string()),
                ScanOutcome::Queued { .. } => TodayState::Queued,
                ScanOutcome::NotQueued { reason } => TodayState::Lost(reason.clone()),
                ScanOutcome::NotOverridden { reason } => TodayState::Refused(reason.clone()),
                ScanOutcome::Found { .. } | ScanOutcome::NotFound | ScanOutcome::Failed(_) => entry.state.clone(),
            };
        }
        let shown = self.verdict.as_ref().is_some_and(|v| v.request == request);
        if !shown {
            return None;
        }
        let barcode = self.verdict.as_ref().map(|v| v.barcode.clone()).unwrap_or_default();
        let verdict = Verdict::judge(request, &barcode, outcome, today);
        let level = verdict.level;
        self.verdict = Some(verdict);
        Some(level)
    }

    /// Scans an earlier run left queued.
    pub fn restored(&mut self, pending: &[Scan]) {
        for scan in pending {
            if !self.today.iter().any(|e| e.key.as_ref() == Some(&scan.key)) {
                self.today.push_back(TodayEntry::from_queued(scan));
            }
        }
        self.queued = self.queued.max(pending.len());
    }

    /// Queued scans the server has now answered; returns (who, how) for each, oldest first. A verdict
    /// still on screen for one of them shows the server's real answer instead of "QUEUED".
    pub fn delivered(&mut self, answered: &[JournalEntry], still_queued: usize) -> Vec<(String, TodayState)> {
        self.queued = still_queued;
        let mut out = Vec::new();
        for entry in answered {
            let ScanState::Answered { answer, .. } = &entry.state else { continue };
            let index = match self.today.iter().position(|e| e.key.as_ref() == Some(&entry.scan.key)) {
                Some(i) => i,
                None => {
                    self.today.push_front(TodayEntry::from_queued(&entry.scan));
                    0
                }
            };
            let row = &mut self.today[index];
            row.settle(answer);
            out.push((row.who().to_string(), row.state.clone()));
            let request = row.request;
            if let Some(v) = &mut self.verdict
                && request.is_some_and(|r| r == v.request)
                && v.level == Level::Queued
            {
                let outcome = match answer {
                    Answer::Accepted { body } => ScanOutcome::CheckedIn {
                        check_in: Box::new(serde_json::from_str(body).unwrap_or_default()),
                        details: Details::default(),
                    },
                    Answer::Refused { status, text } => {
                        ScanOutcome::Refused { status: *status, text: text.clone(), details: Details::default() }
                    }
                };
                let barcode = v.barcode.clone();
                // Judged without a date: no age or waiver countdown, which need the customer's record.
                *v = Verdict::judge(v.request, &barcode, &outcome, Date::MAX);
                if v.level == Level::Refused {
                    v.headline = "REFUSED AFTER ENTRY";
                    v.reason = format!("{} (scanned while the server was away: the customer is inside)", v.reason);
                }
            }
        }
        out
    }

    /// The latest check-in of this session that undo can void.
    pub fn last_undoable(&self) -> Option<usize> {
        self.today.iter().position(|e| matches!(e.state, TodayState::In { .. }) && e.check_in_id.is_some())
    }

    /// A check-in voided: its entry says so, and so does the verdict if it is on screen.
    pub fn undone(&mut self, check_in_id: i64) -> Option<String> {
        let entry = self.today.iter_mut().find(|e| e.check_in_id == Some(check_in_id))?;
        entry.state = TodayState::Undone;
        let who = entry.who().to_string();
        if let Some(v) = &mut self.verdict
            && v.check_in.as_ref().is_some_and(|c| c.id == check_in_id)
        {
            v.level = Level::Info;
            v.headline = "UNDONE";
            v.reason = "The check-in was voided: it no longer counts".into();
            v.notices.clear();
            if let Some(c) = &mut v.check_in {
                c.check_in_count = (c.check_in_count - 1).max(0);
            }
        }
        Some(who)
    }

    /// A customer saved elsewhere in the app: the verdict shows them as they are now.
    pub fn customer_changed(&mut self, customer: &Customer) {
        if let Some(v) = &mut self.verdict
            && v.details.customer.as_ref().is_some_and(|c| c.id == customer.id)
        {
            v.details.customer = Some(customer.clone());
        }
    }
}

pub mod banner;
pub mod family;
pub mod manager_pin;
pub mod outcome;
pub mod override_choice;
pub mod relative;
pub mod sounds;
#[cfg(test)]
mod tests;
pub mod update;
