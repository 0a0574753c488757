//! Staff switching through `App::update`, drawn into a `TestBackend`: `F12` locks over whatever is
//! open, the lock screen takes a username and a PIN, a sign-in unlocks as that staff member, a
//! lock-out counts down, the desk locks itself when idle, and scans still check in while locked.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use super::tests::{ctrl, key, options, typed};
use super::*;
use crate::client::staff::{Credential, StaffLoginError};
use crate::desk::Scan;
use crate::model::check_in::BarcodeCheckIn;
use crate::tui::check_in::{Details, ScanOutcome};
use crate::tui::staff::StaffSettings;

const START: i64 = 1_795_000_000;

fn screen(app: &App) -> String {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
    terminal.draw(|frame| crate::tui::view::draw(frame, app)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..30).map(|y| (0..100).map(|x| buffer[(x, y)].symbol()).collect::<String>() + "\n").collect()
}

/// An app signed in as `desk`, on a clock the test moves (seconds since [`START`]).
fn desk_app(settings: StaffSettings) -> (App, Arc<AtomicI64>) {
    let seconds = Arc::new(AtomicI64::new(0));
    let now = Arc::clone(&seconds);
    let clock = crate::tui::clock::Clock::from_fn(move || {
        jiff::Timestamp::from_second(START + now.load(Ordering::SeqCst)).unwrap()
    });
    let app = App::new(AppOptions { clock, ..options() }, Rect::new(0, 0, 100, 30))
        .with_staff(StaffSettings { signed_in: Some("desk".into()), ..settings });
    (app, seconds)
}

fn f12() -> Msg {
    key(KeyCode::F(12))
}

/// Feeds a scanner's burst: the code's keys 4 ms apart, then Enter.
fn scan(app: &mut App, code: &str) -> Vec<Command> {
    let start = Instant::now();
    let mut out = Vec::new();
    for (i, c) in code.chars().map(KeyCode::Char).chain([KeyCode::Enter]).enumerate() {
        let at = start + Duration::from_millis(4 * i as u64);
        out.extend(app.update(Msg::Read(KeyRead { key: KeyEvent::from(c), at })));
    }
    out
}

#[test]
fn f12_locks_over_an_unsaved_form_and_a_pin_unlocks_as_that_staff_member_with_the_form_kept() {
    let (mut app, _) = desk_app(StaffSettings::default());
    app.update(ctrl('n'));
    typed(&mut app, "ann@example.com");
    assert!(screen(&app).contains("ann@example.com"));

    app.update(f12());
    let shown = screen(&app);
    assert!(shown.contains("Desk locked") && shown.contains("Locked (F12)."), "{shown}");
    assert!(shown.contains("Scans still check in as desk."), "{shown}");
    assert!(shown.contains("› Username:"), "the username has the cursor: {shown}");
    assert!(!shown.contains("ann@example.com"), "nothing behind shows while locked: {shown}");
    assert!(shown.contains("tab field") && shown.contains("enter sign in"), "the footer has the lock keys: {shown}");

    // Keys go to the lock screen, never to the form behind; the app's own keys do nothing.
    assert!(typed(&mut app, "sam").is_empty());
    assert!(app.update(key(KeyCode::F(3))).is_empty());
    assert!(app.update(ctrl('n')).is_empty());
    app.update(key(KeyCode::Tab));
    typed(&mut app, "2468");
    let shown = screen(&app);
    assert!(shown.contains("Username: sam") && shown.contains("› PIN or password: ••••"), "{shown}");
    assert!(!shown.contains("2468"), "the PIN is never shown");
    let sent = app.update(key(KeyCode::Enter));
    let [Command::SwitchStaff { username, credential }] = sent.as_slice() else { panic!("{sent:?}") };
    assert_eq!((username.as_str(), credential), ("sam", &Credential::Pin("2468".into())));
    assert!(!format!("{sent:?}").contains("2468"), "a command's debug text hides the PIN");
    assert!(screen(&app).contains("Signing in…"));

    app.update(Msg::StaffSignedIn { username: "sam".into(), result: Ok(()), kept: Ok(()) });
    assert!(!app.staff.is_locked());
    let shown = screen(&app);
    assert!(shown.contains("ann@example.com"), "the form is as it was: {shown}");
    assert!(shown.contains("Signed in as sam: what you do now is recorded as sam"), "{shown}");
    assert!(app.editor.is_dirty(), "still unsaved, for sam to save or leave");
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Esc));
    assert!(screen(&app).contains("● sam @ 127.0.0.1"), "{}", screen(&app));
}

#[test]
fn a_wrong_pin_says_so_and_a_lock_out_counts_down_the_servers_minute() {
    let (mut app, seconds) = desk_app(StaffSettings::default());
    app.update(f12());
    typed(&mut app, "sam");
    app.update(key(KeyCode::Enter));
    typed(&mut app, "1111");
    app.update(key(KeyCode::Enter));
    let wrong = ClientError::Validation(crate::model::FieldErrors::single(
        "non_field_errors",
        "Unable to log in with provided credentials.",
    ));
    app.update(Msg::StaffSignedIn {
        username: "sam".into(),
        result: Err(StaffLoginError::Failed(wrong)),
        kept: Ok(()),
    });
    let shown = screen(&app);
    assert!(shown.contains("Not signed in: Unable to log in with provided credentials."), "{shown}");
    assert!(!shown.contains("••••"), "the wrong PIN is cleared: {shown}");
    assert!(app.staff.is_locked());

    typed(&mut app, "2222");
    app.update(key(KeyCode::Enter));
    let message = "Too many wrong PINs or passwords in a row: this user's logins are locked. Try again in 60 seconds.";
    let locked = StaffLoginError::LockedOut { retry_after: Duration::from_secs(60), message: message.into() };
    app.update(Msg::StaffSignedIn { username: "sam".into(), result: Err(locked), kept: Ok(()) });
    assert!(screen(&app).contains("Too many wrong PINs or passwords in a row"), "{}", screen(&app));
    assert!(screen(&app).contains("(1:00 left)"), "{}", screen(&app));
    assert_eq!(app.next_wake(), Duration::from_secs(1), "the countdown ticks every second");
    seconds.store(15, Ordering::SeqCst);
    app.update(Msg::Tick);
    assert!(app.take_redraw());
    assert!(screen(&app).contains("(0:45 left)"), "{}", screen(&app));
    seconds.store(61, Ordering::SeqCst);
    app.update(Msg::Tick);
    assert!(!screen(&app).contains("left)"), "{}", screen(&app));
}

#[test]
fn the_desk_locks_itself_after_the_idle_time_and_a_key_starts_the_time_over() {
    let (mut app, seconds) =
        desk_app(StaffSettings { lock_after: Some(Duration::from_secs(600)), ..Default::default() });
    assert_eq!(app.next_wake(), Duration::from_secs(600));
    seconds.store(540, Ordering::SeqCst);
    typed(&mut app, "a");
    assert_eq!(app.next_wake(), Duration::from_secs(600));
    seconds.store(1139, Ordering::SeqCst);
    app.update(Msg::Tick);
    assert!(!app.staff.is_locked());
    seconds.store(1140, Ordering::SeqCst);
    app.update(Msg::Tick);
    assert!(app.staff.is_locked());
    assert!(screen(&app).contains("Locked after 10 minutes without a key."), "{}", screen(&app));
    // The key that wakes a locked desk goes to the lock screen.
    typed(&mut app, "b");
    assert_eq!(app.search.value(), "a");
    assert!(screen(&app).contains("Username: b"));
}

#[test]
fn a_scan_while_locked_checks_in_under_the_last_staff_member_and_shows_its_verdict() {
    let (mut app, _) = desk_app(StaffSettings::default());
    app.update(ctrl('n'));
    app.update(f12());
    let sent = scan(&mut app, "100042");
    assert!(
        sent.iter().any(|c| matches!(c, Command::CheckIn { barcode, .. } if barcode == "100042")),
        "checked in with the token in use (the last staff member's): {sent:?}"
    );
    assert!(app.staff.is_locked(), "a scan does not unlock");
    assert!(app.editor.form.is_some(), "the form behind is not where the scan went");
    let request = sent
        .iter()
        .find_map(|c| match c {
            Command::CheckIn { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    let check_in = BarcodeCheckIn {
        id: 77,
        customer_id: 1,
        customer_first_name: "Ann".into(),
        customer_last_name: "Smith".into(),
        entry_method: "MEM".into(),
        entry_method_description: "Monthly Membership".into(),
        ..BarcodeCheckIn::default()
    };
    let outcome = ScanOutcome::CheckedIn { check_in: Box::new(check_in), details: Details::default() };
    app.update(Msg::ScanAnswered { request, scan: Some(Scan::taken_now("100042", None)), outcome });
    let shown = screen(&app);
    assert!(shown.contains("Desk locked") && shown.contains("✔ IN   Ann Smith"), "the verdict shows below: {shown}");
    assert!(app.staff.is_locked());

    let (mut strict, _) = desk_app(StaffSettings { scan_while_locked: false, ..Default::default() });
    strict.update(f12());
    assert!(screen(&strict).contains("Scans wait until someone signs in."));
    let sent = scan(&mut strict, "100042");
    assert!(!sent.iter().any(|c| matches!(c, Command::CheckIn { .. })), "{sent:?}");
    assert!(screen(&strict).contains("Scan not taken: the desk is locked."), "{}", screen(&strict));
}

#[test]
fn esc_starts_over_paste_types_and_quitting_still_asks() {
    let (mut app, _) = desk_app(StaffSettings::default());
    app.update(ctrl('n'));
    typed(&mut app, "x");
    app.update(f12());
    app.update(Msg::Paste("sam".into()));
    assert!(screen(&app).contains("Username: sam"));
    app.update(key(KeyCode::Esc));
    assert!(app.staff.is_locked(), "Esc never unlocks");
    assert!(!screen(&app).contains("Username: sam"));
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)));
    assert!(app.quit_question.as_deref().is_some_and(|q| q.contains("unsaved")), "{:?}", app.quit_question);
    app.update(key(KeyCode::Char('n')));
    assert!(!app.quit && app.staff.is_locked());
}

#[test]
fn the_help_lists_f12_and_the_lock_screens_keys() {
    let help = KeyMap::default().help_sections();
    let rows = |title: &str| help.iter().find(|(t, _)| t.starts_with(title)).map(|(_, r)| r.clone()).unwrap();
    assert!(rows("Everywhere").iter().any(|(keys, what)| keys == "f12" && what.starts_with("Lock the desk")));
    let lock = rows("Lock screen");
    assert!(lock.iter().any(|(keys, what)| keys == "enter" && what.starts_with("Sign in")), "{lock:?}");
    assert!(lock.iter().any(|(keys, _)| keys.starts_with("tab")), "{lock:?}");
}

#[test]
fn a_pin_typed_as_fast_as_a_scanner_goes_into_the_pin_field_and_is_never_checked_in() {
    let (mut app, _) = desk_app(StaffSettings::default());
    app.update(f12());
    app.update(key(KeyCode::Tab));
    // A burst well after the Tab (which the detector would count as typing before it), as
    // `scan` sends one, then Enter.
    let start = Instant::now() + Duration::from_millis(500);
    let mut sent = Vec::new();
    for (i, c) in "5678".chars().map(KeyCode::Char).chain([KeyCode::Enter]).enumerate() {
        let at = start + Duration::from_millis(4 * i as u64);
        sent.extend(app.update(Msg::Read(KeyRead { key: KeyEvent::from(c), at })));
    }
    assert!(
        !sent.iter().any(|c| matches!(c, Command::CheckIn { .. } | Command::LookUp { .. })),
        "a PIN is never a barcode: {sent:?}"
    );
    let screen = app.staff.screen.as_ref().unwrap();
    assert_eq!((screen.secret.value(), screen.waiting), ("5678", false), "typed in, not yet sent");
}
