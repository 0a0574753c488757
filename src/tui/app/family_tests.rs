//! The family list on the check-in screen through `App::update`, drawn into `TestBackend`: it fills
//! in behind the scanned customer's verdict, each relative with their own verdict; F6, the arrows,
//! Space and Enter check the selected ones in, one check-in each; refused members cannot be chosen.

use crossterm::event::KeyCode;
use jiff::civil::date;

use super::tests::{ctrl, key, typed};
use super::*;
use crate::desk::{Delivery, IdempotencyKey};
use crate::model::check_in::blocking_alert_message;
use crate::model::check_in_preview::{CheckInPreview, PreviewVerdict};
use crate::tui::check_in::ScanOutcome;
use crate::tui::check_in::family::Relative;
use crate::tui::desk_screen_tests::{ann, check_in, checking_in, details};
use crate::tui::screen_tests::{assert_has, screen};

fn preview(id: i64, verdict: PreviewVerdict, description: &str, reason: &str) -> Result<CheckInPreview, String> {
    Ok(CheckInPreview {
        customer_id: id,
        verdict,
        status: if verdict == PreviewVerdict::Refused { 400 } else { 200 },
        entry_method: if verdict == PreviewVerdict::In { "MEM".into() } else { String::new() },
        entry_method_description: description.into(),
        reason: reason.into(),
        location_id: Some(1),
        location_name: "Main".into(),
    })
}

fn relative(id: i64, name: &str, relation: &str, born: Option<jiff::civil::Date>) -> Relative {
    Relative {
        customer_id: id,
        name: name.into(),
        relation: relation.into(),
        birthday: born,
        has_card: false,
        preview: preview(id, PreviewVerdict::In, "Family Membership", ""),
    }
}

/// Mia (9, on the family plan), Leo (turns 18 in 10 days), Ivy (no waiver), Sam (a spouse whose
/// verdict the server could not give).
fn the_family() -> Vec<Relative> {
    let mut leo = relative(3, "Leo Smith", "CHI", Some(date(2008, 12, 5)));
    leo.preview = preview(3, PreviewVerdict::In, "10-Punch Pass (3 remaining)", "");
    let mut ivy = relative(4, "Ivy Smith", "CHI", Some(date(2019, 3, 3)));
    ivy.preview = preview(4, PreviewVerdict::Refused, "", &blocking_alert_message("No waiver"));
    let mut sam = relative(5, "Sam Smith", "SPO", Some(date(1988, 1, 1)));
    sam.has_card = true;
    sam.preview = Err("No verdict: the server answered 503".into());
    vec![relative(2, "Mia Smith", "CHI", Some(date(2017, 8, 1))), leo, ivy, sam]
}

/// Ann's scan answered green; returns the app and the family load it asked for.
fn scanned(size: (u16, u16)) -> (App, RequestId) {
    let mut app = checking_in(size);
    typed(&mut app, "100042");
    let sent = app.update(key(KeyCode::Enter));
    let Some(Command::CheckIn { request, .. }) = sent.first().cloned() else { panic!("{sent:?}") };
    let outcome = ScanOutcome::CheckedIn {
        check_in: Box::new(check_in("Monthly Membership")),
        details: details(ann(), vec![], vec![]),
    };
    let out = app.update(Msg::ScanAnswered { request, scan: None, outcome });
    let load = out.iter().find_map(|c| match c {
        Command::LoadFamily { request, customer_id: 1 } => Some(*request),
        _ => None,
    });
    (app, load.unwrap_or_else(|| panic!("no family load in {out:?}")))
}

fn with_family(size: (u16, u16)) -> App {
    let (mut app, request) = scanned(size);
    app.update(Msg::FamilyLoaded { request, result: Ok(the_family()) });
    app
}

fn member_check_ins(commands: &[Command]) -> Vec<(RequestId, i64, IdempotencyKey)> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::CheckInMember { request, customer_id, key } => Some((*request, *customer_id, key.clone())),
            _ => None,
        })
        .collect()
}

fn accepted(id: i64, customer_id: i64, first: &str, description: &str) -> Delivery {
    let body = serde_json::json!({
        "id": id, "customer_id": customer_id, "customer_first_name": first, "customer_last_name": "Smith",
        "entry_method": "MEM", "entry_method_description": description, "check_in_count": 1,
        "url": format!("http://127.0.0.1/api/check-ins/{id}/"),
    });
    Delivery::accepted(body.to_string())
}

#[test]
fn the_verdict_comes_first_and_the_family_fills_in_with_each_ones_own_verdict() {
    for size in [(80, 24), (160, 48)] {
        let (mut app, request) = scanned(size);
        assert_has(&screen(&app), &["✔ IN   Ann Smith", "Family: loading…"]);
        app.update(Msg::FamilyLoaded { request, result: Ok(the_family()) });
        let lines = screen(&app);
        assert_has(
            &lines,
            &[
                "Family (4) · f6 to check them in",
                "[ ] Mia Smith · Child · 9  MINOR  no card",
                "✔ Family Membership",
                "[ ] Leo Smith · Child · 17  MINOR",
                "✔ ! 10-Punch Pass (3 remaining) · turns 18 in 10 days",
                "[ ] Ivy Smith · Child · 7  MINOR",
                "✖ Refused: No waiver",
                "Sam Smith · Spouse · 38",
                "? No verdict: the server answered 503",
            ],
        );
        assert!(!lines.iter().any(|l| l.contains("Sam Smith · Spouse · 38  MINOR")), "an adult has no badge");
    }
}

#[test]
fn f6_space_and_enter_check_the_selected_members_in_one_request_each_and_refused_ones_cannot_be_chosen() {
    let mut app = with_family((100, 40));
    app.update(key(KeyCode::F(6)));
    assert_eq!(app.key_context(), KeyContext::Family);
    assert_has(&screen(&app), &["Family · 0 selected · space selects · enter checks them in", "› [ ] Mia Smith"]);
    // Ivy would be refused: Space says why and selects nothing.
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Char(' ')));
    assert_has(&screen(&app), &["› [ ] Ivy Smith", "Ivy Smith cannot be checked in: Refused: No waiver"]);
    // Leo and Mia are chosen; Space again on Leo clears him, and once more chooses him.
    app.update(key(KeyCode::Up));
    for _ in 0..3 {
        app.update(key(KeyCode::Char(' ')));
    }
    app.update(key(KeyCode::Up));
    app.update(key(KeyCode::Char(' ')));
    assert_has(&screen(&app), &["Family · 2 selected", "› [x] Mia Smith", "[x] Leo Smith"]);

    let sent = member_check_ins(&app.update(key(KeyCode::Enter)));
    let ids: Vec<i64> = sent.iter().map(|(_, id, _)| *id).collect();
    assert_eq!(ids, [2, 3], "one check-in per selected member, by customer id");
    assert_ne!(sent[0].2, sent[1].2, "each with its own key");
    assert_has(&screen(&app), &["… checking in"]);
    assert!(member_check_ins(&app.update(key(KeyCode::Enter))).is_empty(), "nothing is sent twice");

    app.update(Msg::MemberCheckedIn { request: sent[0].0, delivery: accepted(90, 2, "Mia", "Family Membership") });
    assert_has(&screen(&app), &["✔ CHECKED IN · Family Membership", "Mia Smith: in (Family Membership)"]);
    // Leo's check-in did not reach the server: not checked in, still selected, sent again with its key.
    app.update(Msg::MemberCheckedIn {
        request: sent[1].0,
        delivery: Delivery::Unreachable("connection refused".into()),
    });
    assert_has(
        &screen(&app),
        &["✖ NOT CHECKED IN · connection refused (Enter tries again)", "Family check-in needs the server"],
    );
    let again = member_check_ins(&app.update(key(KeyCode::Enter)));
    assert_eq!(again.len(), 1);
    assert_eq!((again[0].1, &again[0].2), (3, &sent[1].2), "the same key: the server applies it once");
    app.update(Msg::MemberCheckedIn {
        request: again[0].0,
        delivery: accepted(91, 3, "Leo", "10-Punch Pass (3 remaining)"),
    });

    // Each is its own row in today's list, and undo voids the latest.
    let names: Vec<&str> = app.check_in.today.iter().map(|e| e.who()).collect();
    assert_eq!(names, ["Leo Smith", "Mia Smith", "Ann Smith"]);
    app.update(key(KeyCode::Char(' ')));
    assert_has(&screen(&app), &["Mia Smith is checked in already (ctrl-z undoes it)"]);
    app.update(ctrl('z'));
    assert_has(&screen(&app), &["Void the check-in of Leo Smith?"]);
    let void = app.update(key(KeyCode::Char('y')));
    assert!(matches!(void.as_slice(), [Command::VoidCheckIn { id: 91, .. }]), "{void:?}");

    // Esc leaves the list for the scan field.
    app.update(key(KeyCode::Esc));
    assert_eq!(app.key_context(), KeyContext::CheckIn);
    assert_has(&screen(&app), &["Family (4) · f6 to check them in"]);
}

#[test]
fn f6_without_a_family_says_why_and_a_new_scan_drops_the_old_family() {
    let (mut app, request) = scanned((80, 24));
    app.update(key(KeyCode::F(6)));
    assert_eq!(app.key_context(), KeyContext::CheckIn);
    assert_has(&screen(&app), &["The family is still loading"]);
    app.update(Msg::FamilyLoaded { request, result: Ok(Vec::new()) });
    app.update(key(KeyCode::F(6)));
    assert_has(&screen(&app), &["No family on record for this customer"]);
    assert!(!screen(&app).iter().any(|l| l.contains("Family (")));

    // A family answer that arrives after another scan is not shown.
    let (mut app, old) = scanned((80, 24));
    typed(&mut app, "100043");
    app.update(key(KeyCode::Enter));
    app.update(Msg::FamilyLoaded { request: old, result: Ok(the_family()) });
    assert!(!screen(&app).iter().any(|l| l.contains("Mia Smith")), "{:?}", screen(&app));
}

#[test]
fn the_help_overlay_lists_the_family_keys() {
    let map = KeyMap::default();
    let sections = map.help_sections();
    let (_, rows) = sections
        .iter()
        .find(|(title, _)| *title == "Check-in screen: the scanned customer's family list")
        .expect("a family section");
    for (keys, what) in [
        ("space", "Select or clear a family member"),
        ("enter", "Check in every selected family member"),
        ("↑", "Move up"),
    ] {
        assert!(rows.iter().any(|(k, d)| k.contains(keys) && *d == what), "{keys}: {rows:?}");
    }
    let check_in = &sections.iter().find(|(t, _)| t.starts_with("Check-in screen (the scan field)")).unwrap().1;
    assert!(check_in.iter().any(|(k, d)| k == "f6" && d.contains("family list")), "{check_in:?}");
}
