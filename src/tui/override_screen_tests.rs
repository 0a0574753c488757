//! Issue 16 on the check-in screen, drawn into `TestBackend`: F8 on a red verdict opens the reasons,
//! a chosen reason sends the override and its verdict reads as one; the typed reason; a server
//! without overrides; and the rules' turning-18 notice in the banner.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::civil::date;

use super::app::{App, Command, Msg};
use super::check_in::{Details, ScanOutcome};
use super::desk_screen_tests::{LARGE_SIZE, SMALL_SIZE, ann, answered, check_in, details};
use super::scans::NO_OVERRIDES;
use super::screen_tests::{assert_has, screen};
use crate::desk::Scan;
use crate::model::Customer;
use crate::model::check_in::{BarcodeCheckIn, NO_ENTRY_METHOD, UNKNOWN_ACCOUNT, blocking_alert_message};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn refused(size: (u16, u16)) -> App {
    answered(
        size,
        ScanOutcome::Refused { status: 400, text: NO_ENTRY_METHOD.into(), details: details(ann(), vec![], vec![]) },
    )
}

/// Keys in; the commands they gave, all together.
fn press(app: &mut App, keys: Vec<Msg>) -> Vec<Command> {
    keys.into_iter().flat_map(|k| app.update(k)).collect()
}

fn sent_override(commands: &[Command]) -> (super::msg::RequestId, String, String) {
    match commands.iter().find(|c| matches!(c, Command::OverrideCheckIn { .. })) {
        Some(Command::OverrideCheckIn { request, barcode, reason }) => (*request, barcode.clone(), reason.clone()),
        _ => panic!("no override sent: {commands:?}"),
    }
}

fn overridden_in(reason: &str) -> BarcodeCheckIn {
    BarcodeCheckIn {
        entry_method: "OVR".into(),
        entry_method_description: format!("Override: {reason}"),
        free_entry_reason: Some(reason.into()),
        override_reason: Some(reason.into()),
        overridden: true,
        notices: Some(vec![]),
        ..check_in("")
    }
}

#[test]
fn f8_on_a_refusal_lists_the_reasons_and_the_chosen_one_checks_the_customer_in_as_an_override() {
    for size in [SMALL_SIZE, LARGE_SIZE] {
        let mut app = refused(size);
        assert!(press(&mut app, vec![key(KeyCode::F(8))]).is_empty());
        assert_has(
            &screen(&app),
            &[
                "Override: why let them in?",
                "Let Ann Smith in anyway?",
                "Refused: You do not have an available entry",
                "› waiver signed on paper",
                "manager approved",
                "pass sold at the counter",
                "other (type it)",
                "esc: no override",
            ],
        );
        let commands = press(&mut app, vec![key(KeyCode::Down), key(KeyCode::Enter)]);
        let (request, barcode, reason) = sent_override(&commands);
        assert_eq!((barcode.as_str(), reason.as_str()), ("100042", "manager approved"));
        let lines = screen(&app);
        assert_has(&lines, &["OVERRIDING", "Letting 100042 in: manager approved"]);
        assert!(!lines.iter().any(|l| l.contains("why let them in?")), "the chooser closed");

        let scan = Scan::new("100042", None, "2026-11-25T18:05:00Z".parse().unwrap());
        let outcome = ScanOutcome::CheckedIn {
            check_in: Box::new(overridden_in("manager approved")),
            details: details(ann(), vec![], vec![]),
        };
        app.update(Msg::ScanAnswered { request, scan: Some(scan), outcome });
        assert_has(
            &screen(&app),
            &[
                "✔ ! IN BY OVERRIDE   Ann Smith",
                "Override: manager approved",
                "LOOK: Override: manager approved (the rules refused",
            ],
        );
    }
}

#[test]
fn other_asks_for_the_reason_and_will_not_send_a_blank_one() {
    let mut app = refused(SMALL_SIZE);
    let down = || key(KeyCode::Down);
    assert!(press(&mut app, vec![key(KeyCode::F(8)), down(), down(), down(), key(KeyCode::Enter)]).is_empty());
    assert_has(&screen(&app), &["Type the reason (kept with the check-in):", "esc: back to the list"]);
    assert!(press(&mut app, vec![key(KeyCode::Enter)]).is_empty());
    assert_has(&screen(&app), &["The reason may not be blank"]);
    let typed: Vec<Msg> = "coach vouched".chars().map(|c| key(KeyCode::Char(c))).collect();
    press(&mut app, typed);
    assert_has(&screen(&app), &["› coach vouched"]);
    let (_, _, reason) = sent_override(&press(&mut app, vec![key(KeyCode::Enter)]));
    assert_eq!(reason, "coach vouched");
    assert_eq!(app.check_in.input.value(), "", "the scan field took none of the reason");
}

#[test]
fn esc_closes_the_reasons_without_an_override_and_f8_needs_a_refusal_of_someone() {
    let mut app = refused(SMALL_SIZE);
    press(&mut app, vec![key(KeyCode::F(8))]);
    assert!(press(&mut app, vec![key(KeyCode::Esc)]).is_empty());
    assert_has(&screen(&app), &["No override: the customer was not let in", "✖ REFUSED"]);

    let mut green = answered(
        SMALL_SIZE,
        ScanOutcome::CheckedIn {
            check_in: Box::new(check_in("Monthly Membership")),
            details: details(ann(), vec![], vec![]),
        },
    );
    assert!(press(&mut green, vec![key(KeyCode::F(8))]).is_empty());
    assert_has(&screen(&green), &["this verdict is not a refusal"]);

    let mut unknown = answered(
        SMALL_SIZE,
        ScanOutcome::Refused { status: 404, text: UNKNOWN_ACCOUNT.into(), details: Details::default() },
    );
    press(&mut unknown, vec![key(KeyCode::F(8))]);
    assert_has(&screen(&unknown), &["Nobody to let in"]);
}

#[test]
fn a_server_without_overrides_or_an_unreachable_one_lets_nobody_in_and_says_so() {
    let mut app = refused(SMALL_SIZE);
    let (request, ..) = sent_override(&press(&mut app, vec![key(KeyCode::F(8)), key(KeyCode::Enter)]));
    app.update(Msg::ScanAnswered {
        request,
        scan: None,
        outcome: ScanOutcome::NotOverridden { reason: NO_OVERRIDES.into() },
    });
    assert_has(&screen(&app), &["✖ NOT OVERRIDDEN", "Overrides are not available on this server"]);
    // F8 again is allowed (another try, another reason).
    press(&mut app, vec![key(KeyCode::F(8))]);
    assert_has(&screen(&app), &["Override: why let them in?"]);
}

#[test]
fn the_rules_turning_18_notice_shows_in_the_banner_instead_of_the_apps_own_count() {
    let minor = Customer { birthday: Some(date(2008, 12, 10)), ..ann() };
    let notice = "Turns 18 on 10 Dec: adult waiver needed from then";
    let check_in = BarcodeCheckIn { notices: Some(vec![notice.into()]), ..check_in("Monthly Membership") };
    let app = answered(
        LARGE_SIZE,
        ScanOutcome::CheckedIn { check_in: Box::new(check_in), details: details(minor, vec![], vec![]) },
    );
    let lines = screen(&app);
    assert_has(&lines, &["✔ ! IN", "LOOK: Turns 18 on 10 Dec: adult waiver needed from then"]);
    assert!(!lines.iter().any(|l| l.contains("Turns 18 in ")), "one notice, the server's:\n{}", lines.join("\n"));

    let lapsed =
        blocking_alert_message("Minor's waiver no longer valid: turned 18 on 10 Nov 2026, an adult waiver is needed");
    let red = answered(
        LARGE_SIZE,
        ScanOutcome::Refused { status: 400, text: lapsed, details: details(ann(), vec![], vec![]) },
    );
    assert_has(&screen(&red), &["✖ REFUSED", "Minor's waiver no longer valid: turned 18 on 10 Nov 2026"]);
}

#[test]
fn the_help_overlay_lists_f8() {
    let mut app = refused(SMALL_SIZE);
    app.update(key(KeyCode::F(1)));
    let lines = super::help::lines(&app.keymap);
    assert!(lines.iter().any(|l| format!("{l:?}").contains("Let a refused customer in anyway")), "{lines:?}");
}

/// A scanner burst while the reasons are open is the next customer at the desk: the chooser closes
/// with the old verdict, so Enter can never let in someone who is no longer on screen.
#[test]
fn a_scan_while_the_reasons_are_open_closes_them_and_enter_overrides_nobody() {
    use std::time::{Duration, Instant};
    let mut app = refused(LARGE_SIZE);
    press(&mut app, vec![key(KeyCode::F(8))]);
    assert_has(&screen(&app), &["Override: why let them in?"]);
    let t0 = Instant::now();
    let mut out = Vec::new();
    for (i, code) in "100077".chars().map(KeyCode::Char).chain([KeyCode::Enter]).enumerate() {
        let key = KeyEvent::new(code, KeyModifiers::NONE);
        out.extend(app.update(Msg::Read(super::app::KeyRead { key, at: t0 + Duration::from_millis(4 * i as u64) })));
    }
    assert!(out.iter().any(|c| matches!(c, Command::CheckIn { barcode, .. } if barcode == "100077")), "{out:?}");
    assert!(!screen(&app).iter().any(|l| l.contains("why let them in?")), "the chooser closed");
    let later = press(&mut app, vec![key(KeyCode::Enter)]);
    assert!(!later.iter().any(|c| matches!(c, Command::OverrideCheckIn { .. })), "{later:?}");
}

/// Lookup mode turned on after a refusal: the override is still a check-in, listed today (so
/// ctrl-z can undo it), not a lookup.
#[test]
fn an_override_chosen_in_lookup_mode_is_listed_as_a_check_in() {
    let mut app = refused(LARGE_SIZE);
    press(&mut app, vec![Msg::Key(KeyEvent::new(KeyCode::Char('l'), KeyModifiers::CONTROL))]);
    let commands = press(&mut app, vec![key(KeyCode::F(8)), key(KeyCode::Down), key(KeyCode::Enter)]);
    let (request, _, _) = sent_override(&commands);
    assert!(app.check_in.today.iter().any(|e| e.request == Some(request)), "listed today");
    assert_has(&screen(&app), &["OVERRIDING"]);
}

/// Capitan answers an override `200` without its reason (it let them in by its own rules): the app
/// says so, and still judges turning 18 itself, as for any answer of a server without notices.
#[test]
fn a_server_that_keeps_no_overrides_is_named_and_turning_18_is_still_judged_here() {
    let today = date(2026, 11, 25);
    let minor = Customer { birthday: Some(date(2008, 12, 5)), ..ann() };
    let details = super::check_in::Details { override_not_kept: true, ..details(minor, vec![], vec![]) };
    let capitan = BarcodeCheckIn { notices: None, ..check_in("") };
    let said = super::check_in::notices(&capitan, &details, today);
    assert_eq!(said.first().map(String::as_str), Some(super::scans::NO_OVERRIDES_BUT_IN), "{said:?}");
    assert!(said.iter().any(|n| n.starts_with("Turns 18 in 10 days")), "{said:?}");
}
