//! The rules, one row each, with Capitan's exact texts (`docs/check-in.md`,
//! `../shared/spec/capitan-api.md` "barcode check-in").

use super::*;
use EntryMethod::{EntryPass, Event, Membership};
use Want::{Admitted, Combined, Refused};
use jiff::civil::date;

const CUSTOMER: i64 = 7;
const HERE: i64 = 1;
const ELSEWHERE: i64 = 2;
const UNKNOWN: &str = "Unknown or deactivated customer account.";
const NO_ENTRY: &str = "You do not have an available entry method. Please ensure you have an active membership, entry pass, or event booking.";

fn today() -> Date {
    date(2026, 3, 10)
}

/// An active customer with a waiver and nothing else, scanned at the desk.
fn facts() -> ScanFacts {
    ScanFacts {
        today: today(),
        location_id: HERE,
        combine_same_day_check_ins: false,
        automatic: false,
        customer: Some(CustomerFacts {
            id: CUSTOMER,
            is_active: true,
            birthday: Some(date(1990, 6, 1)),
            has_waiver: true,
            milestone_every: 100,
            ..CustomerFacts::default()
        }),
    }
}

fn membership(id: i64, name: &str, location_id: Option<i64>, start: &str) -> MembershipFact {
    MembershipFact { membership_id: id, type_name: name.into(), location_id, start_date: start.into(), is_youth: false }
}

fn reservation(id: i64, name: &str, location_id: Option<i64>, starts: DateTime) -> ReservationFact {
    // Microseconds ordered as the wall clock (the tests use one time zone).
    let starts_at = starts.duration_since(DateTime::default()).as_micros() as i64;
    ReservationFact { reservation_id: id, event_name: name.into(), location_id, starts_at, starts_local: starts }
}

fn pass(id: i64, owner_id: i64, uses: i64, association: bool, expires: Option<&str>) -> PassFact {
    PassFact {
        pass_id: id,
        name: "10-Punch Pass".into(),
        uses_remaining: uses,
        owner_id,
        owner_first_name: "Jane".into(),
        owner_last_name: "Doe".into(),
        is_association_pass: association,
        expiration_date: expires.map(str::to_string),
    }
}

#[derive(Debug)]
enum Want {
    Refused(&'static str),
    /// Method, description, debited pass.
    Admitted(EntryMethod, &'static str, Option<i64>),
    Combined(i64),
}

fn outcome(decision: &Decision) -> String {
    match decision {
        Decision::Refuse(refusal) => format!("refused: {}", refusal.text()),
        Decision::Admit(a) => {
            format!(
                "admitted: {} {:?} pass {:?}",
                a.entry.method.code(),
                a.entry.description,
                a.entry.pass.map(|p| p.pass_id)
            )
        }
        Decision::Combine { check_in_id, .. } => format!("combined with {check_in_id}"),
    }
}

fn want(w: &Want) -> String {
    match w {
        Want::Refused(text) => format!("refused: {text}"),
        Want::Admitted(method, description, pass) => {
            format!("admitted: {} {:?} pass {:?}", method.code(), description, pass)
        }
        Want::Combined(id) => format!("combined with {id}"),
    }
}

type Row = (&'static str, fn(&mut ScanFacts), Want);

fn customer(f: &mut ScanFacts) -> &mut CustomerFacts {
    f.customer.as_mut().expect("the base facts have a customer")
}

/// Judges each row's facts (the base facts, changed as the row says) and
/// names every row whose decision differs.
fn check(rows: Vec<Row>) {
    let mut failures = Vec::new();
    for (name, change, expected) in &rows {
        let mut f = facts();
        change(&mut f);
        let (got, expected) = (outcome(&judge(&f)), want(expected));
        if got != expected {
            failures.push(format!("{name}:\n   got {got}\n  want {expected}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} rows differ:\n{}", failures.len(), rows.len(), failures.join("\n"));
}

#[test]
fn refusals_come_in_capitans_order_with_capitans_texts() {
    check(vec![
        ("a barcode nobody has is unknown", |f| f.customer = None, Refused(UNKNOWN)),
        ("a deactivated account is unknown", |f| customer(f).is_active = false, Refused(UNKNOWN)),
        (
            "a deactivated account is unknown before its alerts",
            |f| {
                customer(f).is_active = false;
                customer(f).blocking_alert = Some("See manager".into());
            },
            Refused(UNKNOWN),
        ),
        (
            "a blocking alert refuses with its own text, ending in one period",
            |f| customer(f).blocking_alert = Some("Banned until June. ".into()),
            Refused("The following alert is preventing you from checking in: Banned until June."),
        ),
        (
            "a blocking alert is named before a missing waiver",
            |f| {
                customer(f).blocking_alert = Some("See manager".into());
                customer(f).has_waiver = false;
            },
            Refused("The following alert is preventing you from checking in: See manager."),
        ),
        (
            "no waiver in force is the alert No waiver",
            |f| customer(f).has_waiver = false,
            Refused("The following alert is preventing you from checking in: No waiver."),
        ),
        (
            "a missing waiver refuses even a member",
            |f| {
                customer(f).has_waiver = false;
                customer(f).memberships.push(membership(1, "Monthly Membership", None, "2026-01-01"));
            },
            Refused("The following alert is preventing you from checking in: No waiver."),
        ),
        ("a waiver alone is no entry method", |_| {}, Refused(NO_ENTRY)),
    ]);
}

#[test]
fn a_membership_valid_here_comes_first_the_earliest_started() {
    check(vec![
        (
            "a membership valid everywhere lets in, named by its type",
            |f| customer(f).memberships.push(membership(1, "Monthly Membership", None, "2026-01-01")),
            Admitted(Membership, "Monthly Membership", None),
        ),
        (
            "a membership of this location lets in",
            |f| customer(f).memberships.push(membership(1, "Main Only", Some(HERE), "2026-01-01")),
            Admitted(Membership, "Main Only", None),
        ),
        (
            "a membership for another location does not count here",
            |f| customer(f).memberships.push(membership(1, "Annex Only", Some(ELSEWHERE), "2026-01-01")),
            Refused(NO_ENTRY),
        ),
        (
            "the earliest-started membership is the one used",
            |f| {
                customer(f).memberships.push(membership(1, "Newer", None, "2026-02-01"));
                customer(f).memberships.push(membership(2, "Older", None, "2025-02-01"));
            },
            Admitted(Membership, "Older", None),
        ),
        (
            "a membership comes before an event and a pass",
            |f| {
                customer(f).passes.push(pass(5, CUSTOMER, 4, true, None));
                customer(f).reservations.push(reservation(3, "Intro", None, date(2026, 3, 10).at(18, 0, 0, 0)));
                customer(f).memberships.push(membership(1, "Monthly Membership", None, "2026-01-01"));
            },
            Admitted(Membership, "Monthly Membership", None),
        ),
    ]);
}

#[test]
fn an_event_today_comes_next_named_with_its_local_start() {
    check(vec![
        (
            "an event today lets in, named with its local start",
            |f| {
                let starts = date(2026, 3, 10).at(18, 0, 0, 0);
                customer(f).reservations.push(reservation(3, "Intro to Bouldering", Some(HERE), starts));
            },
            Admitted(Event, "Intro to Bouldering at 18:00", None),
        ),
        (
            "an event that began on an earlier day is named alone",
            |f| {
                let starts = date(2026, 3, 9).at(9, 0, 0, 0);
                customer(f).reservations.push(reservation(3, "Youth Camp", None, starts));
            },
            Admitted(Event, "Youth Camp", None),
        ),
        (
            "a reservation at another location does not count here",
            |f| {
                let starts = date(2026, 3, 10).at(18, 0, 0, 0);
                customer(f).reservations.push(reservation(3, "Annex Clinic", Some(ELSEWHERE), starts));
            },
            Refused(NO_ENTRY),
        ),
        (
            "the earliest-starting event is the one named",
            |f| {
                customer(f).reservations.push(reservation(3, "Late", None, date(2026, 3, 10).at(20, 0, 0, 0)));
                customer(f).reservations.push(reservation(4, "Early", None, date(2026, 3, 10).at(7, 30, 0, 0)));
            },
            Admitted(Event, "Early at 07:30", None),
        ),
        (
            "an event comes before a pass",
            |f| {
                customer(f).passes.push(pass(5, CUSTOMER, 4, true, None));
                customer(f).reservations.push(reservation(3, "Intro", None, date(2026, 3, 10).at(18, 0, 0, 0)));
            },
            Admitted(Event, "Intro at 18:00", None),
        ),
    ]);
}

#[test]
fn a_pass_comes_last_by_capitans_priority_and_is_debited() {
    check(vec![
        (
            "an own pass is debited, counting after this use",
            |f| customer(f).passes.push(pass(5, CUSTOMER, 4, false, None)),
            Admitted(EntryPass, "10-Punch Pass (3 remaining)", Some(5)),
        ),
        (
            "a shared pass names its owner",
            |f| customer(f).passes.push(pass(5, 99, 1, false, None)),
            Admitted(EntryPass, "10-Punch Pass from Jane Doe (0 remaining)", Some(5)),
        ),
        (
            "an owner without a last name is named without a trailing space",
            |f| {
                let mut shared = pass(5, 99, 2, false, None);
                shared.owner_last_name.clear();
                customer(f).passes.push(shared);
            },
            Admitted(EntryPass, "10-Punch Pass from Jane (1 remaining)", Some(5)),
        ),
        (
            "a pass with no uses left is no entry method",
            |f| customer(f).passes.push(pass(5, CUSTOMER, 0, false, None)),
            Refused(NO_ENTRY),
        ),
        (
            "an association pass comes first, even shared",
            |f| {
                customer(f).passes.push(pass(5, CUSTOMER, 4, false, Some("2026-03-11")));
                customer(f).passes.push(pass(6, 99, 4, true, None));
            },
            Admitted(EntryPass, "10-Punch Pass from Jane Doe (3 remaining)", Some(6)),
        ),
        (
            "the customer's own pass comes before a shared one",
            |f| {
                customer(f).passes.push(pass(5, 99, 4, false, Some("2026-03-11")));
                customer(f).passes.push(pass(6, CUSTOMER, 4, false, None));
            },
            Admitted(EntryPass, "10-Punch Pass (3 remaining)", Some(6)),
        ),
        (
            "the soonest to expire comes next, a pass that never expires last",
            |f| {
                customer(f).passes.push(pass(5, CUSTOMER, 4, false, None));
                customer(f).passes.push(pass(6, CUSTOMER, 4, false, Some("2026-12-31")));
                customer(f).passes.push(pass(7, CUSTOMER, 4, false, Some("2026-04-01")));
            },
            Admitted(EntryPass, "10-Punch Pass (3 remaining)", Some(7)),
        ),
        (
            "between equal passes the oldest is debited",
            |f| {
                customer(f).passes.push(pass(9, CUSTOMER, 4, false, None));
                customer(f).passes.push(pass(8, CUSTOMER, 4, false, None));
            },
            Admitted(EntryPass, "10-Punch Pass (3 remaining)", Some(8)),
        ),
    ]);
}

#[test]
fn a_location_that_combines_answers_a_second_scan_with_the_first() {
    check(vec![
        (
            "a location that combines answers a second scan with the first check-in",
            |f| {
                f.combine_same_day_check_ins = true;
                customer(f).earlier_check_in_today = Some(41);
                customer(f).passes.push(pass(5, CUSTOMER, 4, false, None));
            },
            Combined(41),
        ),
        (
            "combining needs no entry method left",
            |f| {
                f.combine_same_day_check_ins = true;
                customer(f).earlier_check_in_today = Some(41);
            },
            Combined(41),
        ),
        (
            "a blocking alert added since the morning still refuses",
            |f| {
                f.combine_same_day_check_ins = true;
                customer(f).earlier_check_in_today = Some(41);
                customer(f).blocking_alert = Some("See manager".into());
            },
            Refused("The following alert is preventing you from checking in: See manager."),
        ),
        (
            "a location that does not combine writes a new check-in",
            |f| {
                customer(f).earlier_check_in_today = Some(41);
                customer(f).passes.push(pass(5, CUSTOMER, 4, false, None));
            },
            Admitted(EntryPass, "10-Punch Pass (3 remaining)", Some(5)),
        ),
        (
            "the first check-in of the day at a combining location is a new one",
            |f| {
                f.combine_same_day_check_ins = true;
                customer(f).memberships.push(membership(1, "Monthly Membership", None, "2026-01-01"));
            },
            Admitted(Membership, "Monthly Membership", None),
        ),
    ]);
}

fn admission(f: &ScanFacts) -> Admission {
    match judge(f) {
        Decision::Admit(a) => a,
        other => panic!("expected an admission, got {other:?}"),
    }
}

#[test]
fn an_admission_carries_the_customer_the_door_flag_and_what_the_milestones_need() {
    let mut f = facts();
    customer(&mut f).memberships.push(membership(1, "Monthly Membership", None, "2026-01-01"));
    let a = admission(&f);
    assert_eq!((a.customer_id, a.entry.membership_id, a.entry.reservation_id), (CUSTOMER, Some(1), None));
    assert_eq!((a.has_any_automatic_check_ins, a.milestone_every, a.birthday_today), (false, 100, false));

    f.automatic = true;
    assert!(admission(&f).has_any_automatic_check_ins, "a door scan is itself automatic");
    f.automatic = false;
    customer(&mut f).has_automatic_check_ins = true;
    assert!(admission(&f).has_any_automatic_check_ins, "an earlier door check-in counts");

    customer(&mut f).birthday = Some(date(1990, 3, 10));
    assert!(admission(&f).birthday_today);
    customer(&mut f).birthday = None;
    assert!(!admission(&f).birthday_today, "an unknown birthday is never today");
}

#[test]
fn a_debited_pass_names_its_owner_and_an_event_its_reservation() {
    let mut f = facts();
    customer(&mut f).passes.push(pass(5, 99, 4, false, None));
    assert_eq!(admission(&f).entry.pass, Some(PassDebit { pass_id: 5, owner_id: 99 }));
    customer(&mut f).reservations.push(reservation(3, "Intro", None, date(2026, 3, 10).at(18, 0, 0, 0)));
    let entry = admission(&f).entry;
    assert_eq!((entry.reservation_id, entry.pass), (Some(3), None));
}

#[test]
fn a_combined_scan_reports_only_the_customers_own_door_history() {
    let mut f = facts();
    f.combine_same_day_check_ins = true;
    f.automatic = true;
    customer(&mut f).earlier_check_in_today = Some(41);
    assert_eq!(judge(&f), Decision::Combine { check_in_id: 41, has_any_automatic_check_ins: false });
}

#[test]
fn ordinals_take_english_suffixes() {
    let cases = [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (100, "100th"),
        (101, "101st"),
        (111, "111th"),
        (112, "112th"),
        (1000, "1000th"),
    ];
    for (n, want) in cases {
        assert_eq!(ordinal(n), want);
    }
}

#[test]
fn milestones_mark_the_first_and_every_nth_check_in_once() {
    assert_eq!(milestones(1, 100, false), ["1st check-in!"]);
    assert!(milestones(2, 100, false).is_empty());
    assert!(milestones(99, 100, false).is_empty());
    assert_eq!(milestones(100, 100, false), ["100th check-in!"]);
    assert_eq!(milestones(300, 100, true), ["300th check-in!", "Happy birthday!"]);
    assert_eq!(milestones(1, 1, false), ["1st check-in!"]);
    assert_eq!(milestones(50, 25, false), ["50th check-in!"]);
    assert!(milestones(100, 0, false).is_empty(), "a non-positive interval turns interval milestones off");
}

#[test]
fn leap_day_birthdays_are_celebrated_on_the_28th_in_other_years() {
    assert!(is_birthday(date(1990, 3, 10), date(2026, 3, 10)));
    assert!(!is_birthday(date(1990, 3, 10), date(2026, 3, 11)));
    assert!(is_birthday(date(2000, 2, 29), date(2026, 2, 28)));
    assert!(is_birthday(date(2000, 2, 29), date(2028, 2, 29)));
    assert!(!is_birthday(date(2000, 2, 29), date(2028, 2, 28)));
    assert!(!is_birthday(date(2030, 3, 10), date(2026, 3, 10)), "not born yet");
}

/// A member born on `birthday` whose latest waiver in force was signed on `signed`.
fn minor(f: &mut ScanFacts, birthday: Date, signed: Date) {
    customer(f).birthday = Some(birthday);
    customer(f).latest_waiver_signed = Some(signed);
    customer(f).memberships.push(membership(1, "Monthly Membership", None, "2026-01-01"));
}

#[test]
fn a_minors_waiver_lapses_at_18_and_is_worth_a_word_the_month_before() {
    let lapsed = "The following alert is preventing you from checking in: Minor's waiver no longer valid: turned 18 \
                  on 10 Mar 2026, an adult waiver is needed.";
    check(vec![
        (
            "18 today, waiver signed as a minor: refused",
            |f| minor(f, date(2008, 3, 10), date(2025, 1, 5)),
            Refused(lapsed),
        ),
        (
            "18 since last year, waiver signed at 17: refused",
            |f| minor(f, date(2007, 3, 10), date(2024, 1, 5)),
            Refused(
                "The following alert is preventing you from checking in: Minor's waiver no longer valid: turned 18 \
                 on 10 Mar 2025, an adult waiver is needed.",
            ),
        ),
        (
            "born 29 February: 18 on 1 March in a common year",
            |f| minor(f, date(2008, 2, 29), date(2025, 1, 5)),
            Refused(
                "The following alert is preventing you from checking in: Minor's waiver no longer valid: turned 18 \
                 on 1 Mar 2026, an adult waiver is needed.",
            ),
        ),
        (
            "18 today with a waiver signed today (an adult's): in",
            |f| minor(f, date(2008, 3, 10), date(2026, 3, 10)),
            Admitted(Membership, "Monthly Membership", None),
        ),
        (
            "18 tomorrow: still a minor's waiver, in",
            |f| minor(f, date(2008, 3, 11), date(2025, 1, 5)),
            Admitted(Membership, "Monthly Membership", None),
        ),
        (
            "a waiver with no known signing date counts as an adult's",
            |f| {
                minor(f, date(2008, 3, 1), date(2025, 1, 5));
                customer(f).latest_waiver_signed = None;
            },
            Admitted(Membership, "Monthly Membership", None),
        ),
        (
            "no birthday: no age rule",
            |f| {
                minor(f, date(2008, 3, 1), date(2025, 1, 5));
                customer(f).birthday = None;
            },
            Admitted(Membership, "Monthly Membership", None),
        ),
        (
            "a staff alert still comes first",
            |f| {
                minor(f, date(2008, 3, 1), date(2025, 1, 5));
                customer(f).blocking_alert = Some("See manager".into());
            },
            Refused("The following alert is preventing you from checking in: See manager."),
        ),
    ]);
}

#[test]
fn turning_18_within_30_days_names_the_day_for_a_minors_waiver_or_youth_membership() {
    let notices = |birthday: Date, signed: Date, youth: bool| {
        let mut f = facts();
        minor(&mut f, birthday, signed);
        customer(&mut f).memberships[0].is_youth = youth;
        admission(&f).notices
    };
    let waiver = "Turns 18 on 11 Mar: adult waiver needed from then".to_string();
    assert_eq!(notices(date(2008, 3, 11), date(2025, 1, 5), false), vec![waiver.clone()], "tomorrow");
    assert_eq!(
        notices(date(2008, 4, 9), date(2025, 1, 5), false),
        vec!["Turns 18 on 9 Apr: adult waiver needed from then".to_string()],
        "in 30 days"
    );
    assert!(notices(date(2008, 4, 10), date(2025, 1, 5), false).is_empty(), "31 days away is not yet worth a word");
    assert!(notices(date(1990, 3, 11), date(2025, 1, 5), false).is_empty(), "an adult's birthday is not a notice");
    assert_eq!(
        notices(date(2008, 3, 11), date(2025, 1, 5), true),
        vec![waiver, "Turns 18 on 11 Mar: Monthly Membership is a youth membership".to_string()],
        "a youth membership too"
    );
    assert!(notices(date(1990, 6, 1), date(2025, 1, 5), false).is_empty(), "the base customer is an adult");
}

#[test]
fn an_override_sets_aside_a_refusal_but_not_an_unknown_account() {
    let judged = |change: fn(&mut ScanFacts)| {
        let mut f = facts();
        change(&mut f);
        judge_with_override(&f, "manager approved")
    };
    let over = |d: &Decision| match d {
        Decision::Admit(a) => (a.entry.clone(), a.overridden.clone()),
        other => panic!("expected an admission, got {other:?}"),
    };
    // Nothing lets them in: OVR, free, the reason kept, nothing debited.
    let (entry, overridden) = over(&judged(|_| {}));
    assert_eq!(entry.method, EntryMethod::Override);
    assert_eq!(entry.description, "Override: manager approved");
    assert_eq!(entry.free_entry_reason.as_deref(), Some("manager approved"));
    assert_eq!((entry.pass, entry.membership_id), (None, None));
    assert_eq!(
        overridden,
        Some(Overridden { reason: "manager approved".into(), refusal: NO_ENTRY.into() }),
        "the refusal set aside is kept"
    );
    // No waiver, but a pass: the pass is used as usual.
    let (entry, overridden) = over(&judged(|f| {
        customer(f).has_waiver = false;
        customer(f).passes.push(pass(5, CUSTOMER, 3, false, None));
    }));
    assert_eq!((entry.method, entry.pass.map(|p| p.pass_id)), (EntryMethod::EntryPass, Some(5)));
    assert_eq!(entry.free_entry_reason, None);
    assert!(overridden.unwrap().refusal.ends_with("No waiver."));
    // A blocking alert with a membership: in by the membership.
    let (entry, _) = over(&judged(|f| {
        customer(f).blocking_alert = Some("See manager".into());
        customer(f).memberships.push(membership(1, "Monthly Membership", None, "2026-01-01"));
    }));
    assert_eq!(entry.method, EntryMethod::Membership);
    // Admitted by the rules anyway: an ordinary admission, not an override.
    let plain = judged(|f| customer(f).memberships.push(membership(1, "Monthly Membership", None, "2026-01-01")));
    assert!(matches!(&plain, Decision::Admit(a) if a.overridden.is_none()));
    // Nobody to let in.
    assert_eq!(judged(|f| f.customer = None), Decision::Refuse(Refusal::UnknownAccount));
    assert_eq!(judged(|f| customer(f).is_active = false), Decision::Refuse(Refusal::UnknownAccount));
    // Already in today at a combining location: the earlier check-in.
    let combined = judged(|f| {
        f.combine_same_day_check_ins = true;
        customer(f).has_waiver = false;
        customer(f).earlier_check_in_today = Some(41);
    });
    assert_eq!(combined, Decision::Combine { check_in_id: 41, has_any_automatic_check_ins: false });
}

#[test]
fn an_override_reason_is_one_line_of_at_most_200_characters() {
    assert_eq!(parse_override_reason("  manager approved ").unwrap(), "manager approved");
    assert!(parse_override_reason("   ").unwrap_err().contains("override_reason"));
    assert!(parse_override_reason(&"x".repeat(201)).unwrap_err().contains("200"));
    assert!(parse_override_reason(&"é".repeat(200)).is_ok(), "characters, not bytes");
    assert!(parse_override_reason("two\nlines").unwrap_err().contains("override_reason"));
}
