//! Verdicts from answers: what turns a check-in yellow, what a refusal says, what the today list keeps.

use jiff::civil::date;

use super::*;
use crate::client::records::{Alert, Note};
use crate::model::check_in::NO_ENTRY_METHOD;

const TODAY: Date = date(2026, 11, 25);

fn member() -> Customer {
    Customer {
        id: 7,
        first_name: "Ann".into(),
        last_name: "Smith".into(),
        birthday: Some(date(1990, 5, 17)),
        active_waiver_exists: true,
        latest_waiver_expiration_date: Some(date(2027, 6, 1)),
        ..Customer::default()
    }
}

fn checked_in(description: &str) -> BarcodeCheckIn {
    BarcodeCheckIn {
        id: 31,
        customer_id: 7,
        customer_first_name: "Ann".into(),
        customer_last_name: "Smith".into(),
        entry_method: "MEM".into(),
        entry_method_description: description.into(),
        check_in_count: 12,
        ..BarcodeCheckIn::default()
    }
}

fn judge_in(check_in: BarcodeCheckIn, details: Details) -> Verdict {
    let outcome = ScanOutcome::CheckedIn { check_in: Box::new(check_in), details };
    Verdict::judge(RequestId(1), "100042", &outcome, TODAY)
}

fn with(customer: Customer) -> Details {
    Details { customer: Some(customer), alerts: Some(vec![]), notes: Some(vec![]), ..Details::default() }
}

#[test]
fn a_member_with_a_good_waiver_is_green_with_the_entry_method() {
    let v = judge_in(checked_in("Monthly Membership"), with(member()));
    assert_eq!(v.level, Level::In);
    assert_eq!(v.headline, "IN");
    assert_eq!(v.reason, "Monthly Membership");
    assert!(v.notices.is_empty());
}

#[test]
fn each_thing_to_notice_turns_the_verdict_yellow() {
    type Case = (&'static str, BarcodeCheckIn, Customer, Vec<Alert>, Vec<Note>, &'static str);
    let cases: Vec<Case> = vec![
        (
            "waiver expiring within 14 days",
            checked_in("Monthly Membership"),
            Customer { latest_waiver_expiration_date: Some(date(2026, 12, 3)), ..member() },
            vec![],
            vec![],
            "Waiver expires in 8 days (2026-12-03)",
        ),
        (
            "waiver expiring today",
            checked_in("Monthly Membership"),
            Customer { latest_waiver_expiration_date: Some(TODAY), ..member() },
            vec![],
            vec![],
            "Waiver expires today",
        ),
        (
            "the last use of a pass",
            checked_in("10-Punch Pass (0 remaining)"),
            member(),
            vec![],
            vec![],
            "Last use of the pass",
        ),
        (
            "turning 18 within 30 days",
            checked_in("Youth Membership"),
            Customer { birthday: Some(date(2008, 12, 20)), ..member() },
            vec![],
            vec![],
            "Turns 18 in 25 days (2026-12-20)",
        ),
        (
            "an alert on file",
            checked_in("Monthly Membership"),
            member(),
            vec![Alert { message: "Owes a belay test".into(), ..Alert::default() }],
            vec![],
            "Alert: Owes a belay test",
        ),
        (
            "a note on file",
            checked_in("Monthly Membership"),
            member(),
            vec![],
            vec![Note { note: "Prefers\nthe north wall".into(), ..Note::default() }],
            "Note: Prefers the north wall",
        ),
        (
            "an earlier check-in today (combined)",
            BarcodeCheckIn { combined: true, ..checked_in("Monthly Membership") },
            member(),
            vec![],
            vec![],
            "Already checked in today",
        ),
    ];
    for (what, check_in, customer, alerts, notes, expected) in cases {
        let v = judge_in(
            check_in,
            Details { customer: Some(customer), alerts: Some(alerts), notes: Some(notes), ..Details::default() },
        );
        assert_eq!(v.level, Level::Notice, "{what}");
        assert!(v.notices.iter().any(|n| n.contains(expected)), "{what}: {:?}", v.notices);
    }
}

#[test]
fn what_is_not_soon_stays_green() {
    // A waiver 15 days out, passes left, a minor turning 18 in 31 days, no alerts or notes.
    let customer = Customer {
        latest_waiver_expiration_date: Some(date(2026, 12, 10)),
        birthday: Some(date(2008, 12, 26)),
        ..member()
    };
    let v = judge_in(checked_in("10-Punch Pass (1 remaining)"), with(customer));
    assert_eq!((v.level, v.notices.len()), (Level::In, 0), "{:?}", v.notices);
}

#[test]
fn refusals_are_red_with_capitans_own_text() {
    let outcome = ScanOutcome::Refused { status: 400, text: format!("{NO_ENTRY_METHOD}\n"), details: with(member()) };
    let v = Verdict::judge(RequestId(1), "100042", &outcome, TODAY);
    assert_eq!((v.level, v.headline), (Level::Refused, "REFUSED"));
    assert_eq!(v.reason, NO_ENTRY_METHOD);
    assert_eq!(v.customer().unwrap().first_name, "Ann");
    let unknown = Verdict::judge(
        RequestId(2),
        "999",
        &ScanOutcome::Refused { status: 404, text: UNKNOWN_ACCOUNT.into(), details: Details::default() },
        TODAY,
    );
    assert_eq!(unknown.reason, UNKNOWN_ACCOUNT);
    assert!(unknown.customer().is_none());
}

#[test]
fn uses_left_read_from_capitans_description() {
    assert_eq!(uses_left("10-Punch Pass (3 remaining)"), Some(3));
    assert_eq!(uses_left("10-Punch Pass from Jane Doe (0 remaining)"), Some(0));
    assert_eq!(uses_left("Monthly Membership"), None);
    assert_eq!(uses_left("Day pass (child)"), None);
    assert_eq!(eighteenth_birthday(date(2008, 2, 29)), Some(date(2026, 3, 1)));
}

#[test]
fn the_today_list_follows_each_scan_to_its_end() {
    let mut state = CheckInState::default();
    state.started(RequestId(1), "100042");
    state.started(RequestId(2), "100043");
    assert_eq!(state.today[0].state, TodayState::Checking);
    // The first answer is not the latest scan: its entry settles, the verdict stays with the second.
    let scan = Scan::new("100042", None, "2026-11-25T18:04:00Z".parse().unwrap());
    let outcome =
        ScanOutcome::CheckedIn { check_in: Box::new(checked_in("Monthly Membership")), details: with(member()) };
    assert_eq!(state.answered(RequestId(1), Some(&scan), &outcome, TODAY), None);
    assert_eq!(state.today[1].who(), "Ann Smith");
    assert_eq!(state.today[1].check_in_id, Some(31));
    assert_eq!(state.verdict.as_ref().unwrap().level, Level::Checking);
    // The second is queued; undo finds the first.
    let queued = ScanOutcome::Queued { reason: "connection failed".into() };
    let offline = Scan::new("100043", None, "2026-11-25T18:05:00Z".parse().unwrap());
    assert_eq!(state.answered(RequestId(2), Some(&offline), &queued, TODAY), Some(Level::Queued));
    assert_eq!(state.last_undoable(), Some(1));
    assert_eq!(state.undone(31).as_deref(), Some("Ann Smith"));
    assert_eq!(state.today[1].state, TodayState::Undone);
    assert_eq!(state.last_undoable(), None);
    // The queued scan is answered later, by key.
    let answered = JournalEntry {
        scan: offline,
        state: ScanState::Answered {
            at: "2026-11-25T18:06:00Z".parse().unwrap(),
            answer: Answer::Refused { status: 400, text: NO_ENTRY_METHOD.into() },
        },
    };
    let settled = state.delivered(&[answered], 0);
    assert_eq!(settled, vec![("100043".to_string(), TodayState::Refused(NO_ENTRY_METHOD.into()))]);
    assert_eq!(state.queued, 0);
    // Lookups are not scans of the day.
    state.lookup = true;
    state.started(RequestId(3), "100044");
    assert_eq!(state.today.len(), 2);
}

/// A second admission the same local day at a location that does not combine them: yellow, with
/// when they came in earlier; an earlier day, or another location, says nothing.
#[test]
fn a_second_admission_today_is_yellow_and_says_when_the_first_was() {
    use crate::model::check_in::CheckIn;
    let at = |id: i64, location: i64, when: &str| CheckIn {
        id,
        location_id: Some(location),
        check_in_datetime: Some(when.parse().unwrap()),
        ..CheckIn::default()
    };
    let today = TODAY.to_string();
    let recent = |earlier: CheckIn| Details {
        recent_check_ins: Some(vec![at(31, 2, &format!("{today}T14:03:10")), earlier]),
        ..with(member())
    };
    let v = judge_in(checked_in("Monthly Membership"), recent(at(30, 2, &format!("{today}T14:02:05"))));
    assert_eq!(v.level, Level::Notice);
    assert!(v.notices.contains(&"Already checked in today at 14:02".to_string()), "{:?}", v.notices);
    let yesterday = TODAY.yesterday().unwrap().to_string();
    for other in [at(30, 2, &format!("{yesterday}T14:02:05")), at(30, 1, &format!("{today}T14:02:05"))] {
        let v = judge_in(checked_in("Monthly Membership"), recent(other));
        assert_eq!(v.level, Level::In, "{:?}", v.notices);
    }
}
