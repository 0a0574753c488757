//! Issue 16, `[check_in] override_needs_manager_pin`, drawn into `TestBackend`: after F8's reason
//! the chooser asks for a manager's username and PIN, Enter sends them (the override then goes out
//! under the manager's token, on a task), a wrong PIN or a lock-out shows the server's words for
//! another try, Esc goes back to the reasons; with the setting off nothing changes.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, Command, Msg};
use super::check_in::ScanOutcome;
use super::desk_screen_tests::{SMALL_SIZE, ann, answered, check_in, details};
use super::msg::RequestId;
use super::screen_tests::{assert_has, screen};
use crate::client::ClientError;
use crate::client::staff::{Credential, StaffLoginError};
use crate::model::check_in::{BarcodeCheckIn, NO_ENTRY_METHOD};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn keys(text: &str) -> Vec<Msg> {
    text.chars().map(|c| key(KeyCode::Char(c))).collect()
}

fn press(app: &mut App, keys: Vec<Msg>) -> Vec<Command> {
    keys.into_iter().flat_map(|k| app.update(k)).collect()
}

/// A refused scan on screen, F8 open, with the setting as given.
fn refused_with_chooser(needs_pin: bool) -> App {
    let mut app = answered(
        SMALL_SIZE,
        ScanOutcome::Refused { status: 400, text: NO_ENTRY_METHOD.into(), details: details(ann(), vec![], vec![]) },
    );
    app.check_in.override_needs_pin = needs_pin;
    assert!(press(&mut app, vec![key(KeyCode::F(8))]).is_empty());
    app
}

/// The manager override among `commands`: its request, barcode, reason, username and PIN.
fn sent(commands: &[Command]) -> (RequestId, String, String, String, Credential) {
    assert!(!commands.iter().any(|c| matches!(c, Command::OverrideCheckIn { .. })), "sent without a PIN: {commands:?}");
    match commands.iter().find(|c| matches!(c, Command::ManagerOverride { .. })) {
        Some(Command::ManagerOverride { request, barcode, reason, username, pin }) => {
            (*request, barcode.clone(), reason.clone(), username.clone(), pin.clone())
        }
        _ => panic!("no manager override sent: {commands:?}"),
    }
}

#[test]
fn a_chosen_reason_asks_for_the_managers_pin_and_the_override_goes_out_with_it() {
    let mut app = refused_with_chooser(true);
    assert!(press(&mut app, vec![key(KeyCode::Down), key(KeyCode::Enter)]).is_empty(), "nothing sent yet");
    assert_has(
        &screen(&app),
        &["Reason: manager approved", "A manager's PIN lets them in", "Manager:", "PIN:", "tab: next field"],
    );
    let mut typing = keys("maria");
    typing.push(key(KeyCode::Tab));
    typing.extend(keys("4321"));
    assert!(press(&mut app, typing).is_empty());
    let lines = screen(&app);
    assert_has(&lines, &["Manager: maria", "PIN:     ••••"]);
    assert!(!lines.iter().any(|l| l.contains("4321")), "the PIN is not shown:\n{}", lines.join("\n"));

    let (request, barcode, reason, username, pin) = sent(&press(&mut app, vec![key(KeyCode::Enter)]));
    assert_eq!((barcode.as_str(), reason.as_str(), username.as_str()), ("100042", "manager approved", "maria"));
    assert_eq!(pin, Credential::Pin("4321".into()));
    assert_has(&screen(&app), &["Checking the PIN…"]);
    assert!(press(&mut app, vec![key(KeyCode::Esc)]).is_empty());
    assert_has(&screen(&app), &["Checking the PIN…"]);

    app.update(Msg::ManagerPinAnswered { request, result: Ok(()) });
    let lines = screen(&app);
    assert_has(&lines, &["OVERRIDING", "Letting 100042 in: manager approved (manager: maria)"]);
    assert!(!lines.iter().any(|l| l.contains("why let them in?")), "the chooser closed");

    let check_in = BarcodeCheckIn {
        entry_method: "OVR".into(),
        entry_method_description: "Override: manager approved".into(),
        override_reason: Some("manager approved".into()),
        overridden: true,
        ..check_in("")
    };
    let outcome = ScanOutcome::CheckedIn { check_in: Box::new(check_in), details: details(ann(), vec![], vec![]) };
    app.update(Msg::ScanAnswered { request, scan: None, outcome });
    assert_has(&screen(&app), &["IN BY OVERRIDE", "Override: manager approved"]);
}

#[test]
fn a_wrong_pin_or_a_lock_out_shows_the_servers_words_and_lets_them_try_again() {
    let mut app = refused_with_chooser(true);
    let mut typing = vec![key(KeyCode::Enter)];
    typing.extend(keys("maria"));
    typing.push(key(KeyCode::Enter));
    typing.extend(keys("1111"));
    typing.push(key(KeyCode::Enter));
    let (first, .., pin) = sent(&press(&mut app, typing));
    assert_eq!(pin, Credential::Pin("1111".into()));
    let wrong = ClientError::Validation(crate::model::FieldErrors::single(
        "non_field_errors",
        "Unable to log in with provided credentials.",
    ));
    app.update(Msg::ManagerPinAnswered { request: first, result: Err(StaffLoginError::Failed(wrong)) });
    let lines = screen(&app);
    assert_has(&lines, &["PIN not taken: Unable to log in with provided credentials.", "Manager: maria"]);
    assert!(!lines.iter().any(|l| l.contains("•")), "the wrong PIN is cleared:\n{}", lines.join("\n"));

    let mut again = keys("2222");
    again.push(key(KeyCode::Enter));
    let (second, .., pin) = sent(&press(&mut app, again));
    assert_ne!(first, second);
    assert_eq!(pin, Credential::Pin("2222".into()));
    // A late answer to the first try changes nothing.
    assert!(!app.check_in.manager_answered(first, Ok(())));
    let message = "Too many wrong PINs or passwords in a row: this user's logins are locked. Try again in 60 seconds.";
    let locked = StaffLoginError::LockedOut { retry_after: Duration::from_secs(60), message: message.into() };
    app.update(Msg::ManagerPinAnswered { request: second, result: Err(locked) });
    assert_has(&screen(&app), &["Locked out: Too many wrong PINs or passwords in a row", "✖ REFUSED"]);

    assert!(press(&mut app, vec![key(KeyCode::Esc)]).is_empty());
    assert_has(&screen(&app), &["› waiver signed on paper", "esc: no override"]);
    assert!(press(&mut app, vec![key(KeyCode::Esc)]).is_empty());
    assert_has(&screen(&app), &["No override: the customer was not let in"]);
}

#[test]
fn with_the_setting_off_a_chosen_reason_sends_the_override_at_once() {
    let mut app = refused_with_chooser(false);
    let commands = press(&mut app, vec![key(KeyCode::Down), key(KeyCode::Enter)]);
    assert!(!commands.iter().any(|c| matches!(c, Command::ManagerOverride { .. })), "{commands:?}");
    match commands.as_slice() {
        [Command::OverrideCheckIn { reason, .. }] => assert_eq!(reason, "manager approved"),
        other => panic!("expected the override alone: {other:?}"),
    }
    let lines = screen(&app);
    assert_has(&lines, &["OVERRIDING"]);
    assert!(!lines.iter().any(|l| l.contains("PIN")), "no PIN asked:\n{}", lines.join("\n"));
}

#[test]
fn a_pin_typed_as_fast_as_a_scanner_goes_into_the_pin_field_and_is_never_scanned() {
    let mut app = refused_with_chooser(true);
    let mut typing = vec![key(KeyCode::Enter)];
    typing.extend(keys("maria"));
    typing.push(key(KeyCode::Tab));
    press(&mut app, typing);
    // The burst goes through the scanner detector, as the terminal's keys do.
    let t0 = std::time::Instant::now();
    let mut burst = Vec::new();
    for (i, code) in "4321".chars().map(KeyCode::Char).chain([KeyCode::Enter]).enumerate() {
        let key = KeyEvent::new(code, KeyModifiers::NONE);
        let at = t0 + Duration::from_millis(4 * i as u64);
        burst.extend(app.update(Msg::Read(super::app::KeyRead { key, at })));
    }
    assert!(burst.is_empty(), "neither scanned nor sent: {burst:?}");
    let lines = screen(&app);
    assert_has(&lines, &["PIN:     ••••", "✖ REFUSED"]);
    assert!(!lines.iter().any(|l| l.contains("4321")), "not scanned:\n{}", lines.join("\n"));
    let (.., pin) = sent(&press(&mut app, vec![key(KeyCode::Enter)]));
    assert_eq!(pin, Credential::Pin("4321".into()));
    // Anywhere else a burst is a scan as before.
    let mut reasons = refused_with_chooser(true);
    assert!(!reasons.check_in.pin_fields_take("100042"));
}
