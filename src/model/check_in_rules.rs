//! Capitan's barcode check-in rules as one pure function: the facts of a scan
//! (loaded first, by `storage::check_ins`) in, the decision out.
//!
//! The judge decides who may come in and by what right: refusals in Capitan's
//! order, then same-day combining, then the entry method by priority (which
//! pass to debit) and its description. What counts as an active membership, a
//! waiver in force, a usable pass or a reservation on today is the shared
//! definition in `storage::derived` (the customer list's flags read it too):
//! the loader hands over only those, and their location and priority are
//! judged here. `docs/check-in.md` states the rules. Ours beside Capitan's: a minor's waiver
//! lapses at 18 and is worth a word the month before (`coming_of_age`), and staff may let a
//! refused customer in with a reason (`overrides`).

use jiff::civil::{Date, DateTime};

use super::check_in::{EntryMethod, NO_ENTRY_METHOD, NO_WAIVER_ALERT, UNKNOWN_ACCOUNT, blocking_alert_message};

pub mod coming_of_age;
pub mod overrides;

pub use overrides::{OVERRIDE_REASON_MAX, Overridden, judge_with_override, parse_override_reason};

/// Everything the rules look at for one scan.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanFacts {
    /// The local date at the scan's location, at the moment of the scan.
    pub today: Date,
    pub location_id: i64,
    /// The location answers a second scan of the day with the first check-in.
    pub combine_same_day_check_ins: bool,
    /// Door hardware rather than a person at the desk.
    pub automatic: bool,
    /// The customer with the scanned barcode; `None` when nobody has it.
    pub customer: Option<CustomerFacts>,
}

/// The scanned customer, as the rules see them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerFacts {
    pub id: i64,
    pub is_active: bool,
    /// `None` when not known (or not a date).
    pub birthday: Option<Date>,
    /// The oldest of the customer's alerts flagged as preventing check-in.
    pub blocking_alert: Option<String>,
    /// A waiver in force today.
    pub has_waiver: bool,
    /// The local date the most recently signed of the waivers in force was signed (`None` when
    /// unknown): one signed before the 18th birthday is a minor's waiver.
    pub latest_waiver_signed: Option<Date>,
    /// A check-in through the door endpoint before this scan.
    pub has_automatic_check_ins: bool,
    /// The organization's milestone interval.
    pub milestone_every: i64,
    /// The customer's first check-in today at this location.
    pub earlier_check_in_today: Option<i64>,
    /// Memberships covering the customer, active today (any location).
    pub memberships: Vec<MembershipFact>,
    /// Reservations, not cancelled, for events running today (any location).
    pub reservations: Vec<ReservationFact>,
    /// Passes owned or shared, with uses left and not expired.
    pub passes: Vec<PassFact>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MembershipFact {
    pub membership_id: i64,
    pub type_name: String,
    /// Where the membership type is valid; `None` is everywhere.
    pub location_id: Option<i64>,
    /// `YYYY-MM-DD`.
    pub start_date: String,
    /// The type is youth programming (`is_youth_programming`).
    pub is_youth: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReservationFact {
    pub reservation_id: i64,
    pub event_name: String,
    /// `None` counts at every location.
    pub location_id: Option<i64>,
    /// The event's start, as an instant (microseconds) and on the location's clock.
    pub starts_at: i64,
    pub starts_local: DateTime,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PassFact {
    pub pass_id: i64,
    pub name: String,
    pub uses_remaining: i64,
    pub owner_id: i64,
    pub owner_first_name: String,
    pub owner_last_name: String,
    pub is_association_pass: bool,
    /// `YYYY-MM-DD`; `None` never expires.
    pub expiration_date: Option<String>,
}

/// Why a scan was refused, first applicable reason first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    UnknownAccount,
    /// The alert's own text (a missing or expired waiver is `No waiver`).
    BlockingAlert(String),
    NoEntryMethod,
}

impl Refusal {
    /// Capitan's text for the refusal, shown to the customer as it is.
    pub fn text(&self) -> String {
        match self {
            Refusal::UnknownAccount => UNKNOWN_ACCOUNT.to_string(),
            Refusal::BlockingAlert(alert) => blocking_alert_message(alert),
            Refusal::NoEntryMethod => NO_ENTRY_METHOD.to_string(),
        }
    }
}

/// What the rules decide for a scan.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Refuse(Refusal),
    /// Answer with the customer's earlier check-in today: nothing is written.
    Combine {
        check_in_id: i64,
        has_any_automatic_check_ins: bool,
    },
    Admit(Admission),
}

/// A new check-in to write.
#[derive(Debug, Clone, PartialEq)]
pub struct Admission {
    pub customer_id: i64,
    pub entry: Entry,
    pub has_any_automatic_check_ins: bool,
    /// For the milestones, once the new total is known.
    pub milestone_every: i64,
    pub birthday_today: bool,
    /// What the desk should notice (turning 18 soon, for a minor's waiver or youth membership).
    pub notices: Vec<String>,
    /// Let in by an override, against this refusal.
    pub overridden: Option<Overridden>,
}

/// What lets the customer in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub method: EntryMethod,
    pub description: String,
    pub membership_id: Option<i64>,
    pub reservation_id: Option<i64>,
    /// The pass to debit one use from.
    pub pass: Option<PassDebit>,
    /// Why the entry was free (an override's reason); `None` otherwise.
    pub free_entry_reason: Option<String>,
    /// The membership is youth programming.
    pub youth_membership: bool,
}

impl Default for Entry {
    fn default() -> Entry {
        Entry {
            method: EntryMethod::FreeEntry,
            description: String::new(),
            membership_id: None,
            reservation_id: None,
            pass: None,
            free_entry_reason: None,
            youth_membership: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PassDebit {
    pub pass_id: i64,
    /// Whose pass it is (their summary columns change too).
    pub owner_id: i64,
}

/// Applies Capitan's rules to a scan's facts.
pub fn judge(facts: &ScanFacts) -> Decision {
    let customer = match &facts.customer {
        Some(c) if c.is_active => c,
        _ => return Decision::Refuse(Refusal::UnknownAccount),
    };
    // Staff alerts first: they are the more specific instruction, and a
    // banned customer should not be sent to sign a waiver.
    if let Some(alert) = &customer.blocking_alert {
        return Decision::Refuse(Refusal::BlockingAlert(alert.clone()));
    }
    if !customer.has_waiver {
        return Decision::Refuse(Refusal::BlockingAlert(NO_WAIVER_ALERT.to_string()));
    }
    if let Some(adult) = coming_of_age::minor_waiver_lapsed(customer, facts.today) {
        return Decision::Refuse(Refusal::BlockingAlert(coming_of_age::lapsed_alert(adult)));
    }
    if facts.combine_same_day_check_ins
        && let Some(check_in_id) = customer.earlier_check_in_today
    {
        // The earlier check-in answers as it was: this scan adds nothing.
        let has_any_automatic_check_ins = customer.has_automatic_check_ins;
        return Decision::Combine { check_in_id, has_any_automatic_check_ins };
    }
    match entry_for(customer, facts) {
        Some(entry) => Decision::Admit(admission(customer, facts, entry)),
        None => Decision::Refuse(Refusal::NoEntryMethod),
    }
}

/// The entry method by priority: membership, event, pass.
fn entry_for(customer: &CustomerFacts, facts: &ScanFacts) -> Option<Entry> {
    membership_entry(customer, facts.location_id)
        .or_else(|| event_entry(customer, facts.location_id, facts.today))
        .or_else(|| pass_entry(customer))
}

/// A new check-in of `customer` by `entry`, with what to notice.
fn admission(customer: &CustomerFacts, facts: &ScanFacts, entry: Entry) -> Admission {
    Admission {
        customer_id: customer.id,
        notices: coming_of_age::turning_adult_notices(customer, &entry, facts.today),
        entry,
        has_any_automatic_check_ins: customer.has_automatic_check_ins || facts.automatic,
        milestone_every: customer.milestone_every,
        birthday_today: customer.birthday.is_some_and(|b| is_birthday(b, facts.today)),
        overridden: None,
    }
}

/// Valid here: a location of its own that is this one, or none (everywhere).
fn valid_at(own: Option<i64>, location_id: i64) -> bool {
    own.is_none_or(|id| id == location_id)
}

/// The earliest-started membership valid at the location.
fn membership_entry(customer: &CustomerFacts, location_id: i64) -> Option<Entry> {
    let m = customer
        .memberships
        .iter()
        .filter(|m| valid_at(m.location_id, location_id))
        .min_by(|a, b| (&a.start_date, a.membership_id).cmp(&(&b.start_date, b.membership_id)))?;
    Some(Entry {
        method: EntryMethod::Membership,
        description: m.type_name.clone(),
        membership_id: Some(m.membership_id),
        youth_membership: m.is_youth,
        ..Entry::default()
    })
}

/// The earliest-starting reservation valid at the location: "Intro to
/// Bouldering at 18:00" when it starts today; a multi-day event that began
/// earlier is named alone.
fn event_entry(customer: &CustomerFacts, location_id: i64, today: Date) -> Option<Entry> {
    let r = customer
        .reservations
        .iter()
        .filter(|r| valid_at(r.location_id, location_id))
        .min_by_key(|r| (r.starts_at, r.reservation_id))?;
    let description = if r.starts_local.date() == today {
        format!("{} at {}", r.event_name, r.starts_local.strftime("%H:%M"))
    } else {
        r.event_name.clone()
    };
    Some(Entry { method: EntryMethod::Event, description, reservation_id: Some(r.reservation_id), ..Entry::default() })
}

/// Association passes first, then the customer's own before shared ones,
/// then the soonest to expire (never-expiring last), then the oldest.
fn pass_entry(customer: &CustomerFacts) -> Option<Entry> {
    let priority = |p: &PassFact| {
        (
            !p.is_association_pass,
            p.owner_id != customer.id,
            p.expiration_date.is_none(),
            p.expiration_date.clone(),
            p.pass_id,
        )
    };
    let pass = customer.passes.iter().filter(|p| p.uses_remaining > 0).min_by_key(|p| priority(p))?;
    let left = pass.uses_remaining - 1;
    let description = if pass.owner_id == customer.id {
        format!("{} ({left} remaining)", pass.name)
    } else {
        let owner = format!("{} {}", pass.owner_first_name, pass.owner_last_name);
        format!("{} from {} ({left} remaining)", pass.name, owner.trim())
    };
    Some(Entry {
        method: EntryMethod::EntryPass,
        description,
        pass: Some(PassDebit { pass_id: pass.pass_id, owner_id: pass.owner_id }),
        ..Entry::default()
    })
}

/// The milestones a check-in that brings the customer's total to `count`
/// reaches: the first check-in, every `every`th (none when `every` is not
/// positive), and the customer's birthday.
pub fn milestones(count: i64, every: i64, birthday_today: bool) -> Vec<String> {
    let mut out = Vec::new();
    if count == 1 || (every > 0 && count > 0 && count % every == 0) {
        out.push(format!("{} check-in!", ordinal(count)));
    }
    if birthday_today {
        out.push("Happy birthday!".to_string());
    }
    out
}

/// `1st`, `2nd`, `3rd`, `4th`, `11th`, `12th`, `13th`, `21st`, `101st`, `111th`.
pub fn ordinal(n: i64) -> String {
    let suffix = match (n % 100, n % 10) {
        (11..=13, _) => "th",
        (_, 1) => "st",
        (_, 2) => "nd",
        (_, 3) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Whether `today` is the birthday of someone born on `birthday` (29
/// February is celebrated on the 28th in other years).
pub fn is_birthday(birthday: Date, today: Date) -> bool {
    if birthday >= today {
        return false;
    }
    let (month, day) = (birthday.month(), birthday.day());
    if (month, day) == (2, 29) && !today.in_leap_year() {
        return (today.month(), today.day()) == (2, 28);
    }
    (today.month(), today.day()) == (month, day)
}

#[cfg(test)]
#[path = "check_in_rules_tests.rs"]
mod tests;
