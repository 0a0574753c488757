//! Signing in again after a `401`, through `App::update`.

use crossterm::event::KeyCode;
use ratatui::layout::Rect;

use super::tests::{key, options, typed};
use super::*;
use crate::desk::{DrainReport, Scan};
use crate::tui::check_in::ScanOutcome;

fn screen(app: &App) -> String {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
    terminal.draw(|frame| crate::tui::view::draw(frame, app)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..30).map(|y| (0..100).map(|x| buffer[(x, y)].symbol()).collect::<String>() + "\n").collect()
}

#[test]
fn a_401_asks_for_the_login_again_keeps_what_was_typed_and_retries() {
    let mut app = App::new(options(), Rect::new(0, 0, 100, 30));
    let start = app.start();
    let Some(Command::FetchCustomers { request, .. }) = start.first().cloned() else { panic!("{start:?}") };
    // Typed while the first list loads: "smi" waits for it, and is sent when its 401 comes back
    // (an older request's failure is dropped when a newer one waits to be sent).
    assert!(typed(&mut app, "smi").is_empty());
    let sent = app.update(Msg::ListLoaded { request, result: Err(ClientError::Unauthorized("Invalid token.".into())) });
    let [Command::FetchCustomers { request, query }] = sent.as_slice() else { panic!("{sent:?}") };
    assert_eq!(query.search, "smi");
    app.update(Msg::ListLoaded { request: *request, result: Err(ClientError::Unauthorized("Invalid token.".into())) });
    assert!(app.login.is_some(), "a 401 opens the login prompt");
    let shown = screen(&app);
    assert!(shown.contains("Sign in again") && shown.contains("Username:"), "{shown}");

    // Typing goes to the prompt, not to the search behind it; the password is never shown.
    let sent = typed(&mut app, "desk");
    assert!(sent.is_empty(), "{sent:?}");
    app.update(key(KeyCode::Enter));
    typed(&mut app, "s3cret");
    assert!(!screen(&app).contains("s3cret"));
    assert!(screen(&app).contains("Password: ••••••"));
    assert_eq!(app.search.value(), "smi", "what was typed before is kept");
    let login = app.update(key(KeyCode::Enter));
    let [Command::LogIn { username, password }] = login.as_slice() else { panic!("{login:?}") };
    assert_eq!((username.as_str(), password.0.as_str()), ("desk", "s3cret"));
    assert!(!format!("{login:?}").contains("s3cret"), "a command's debug text hides the password");

    // A wrong password: the prompt says so and stays; the right one closes it and retries.
    app.update(Msg::LoggedIn(Err(ClientError::Validation(crate::model::FieldErrors::single(
        "non_field_errors",
        "Unable to log in with provided credentials.",
    )))));
    assert!(screen(&app).contains("Login refused"), "{}", screen(&app));
    typed(&mut app, "right");
    app.update(key(KeyCode::Enter));
    let after = app.update(Msg::LoggedIn(Ok(())));
    assert!(app.login.is_none());
    assert!(after.iter().any(|c| matches!(c, Command::FetchCustomers { .. })), "{after:?}");
    assert!(after.contains(&Command::SendQueued), "{after:?}");
    assert_eq!(app.search.value(), "smi");
    assert!(app.notice.as_ref().is_some_and(|n| n.text == "Signed in again as desk"));
}

#[test]
fn a_scan_answered_401_is_queued_and_the_login_asked() {
    let mut app = App::new(options(), Rect::new(0, 0, 100, 30));
    let scan = Scan::taken_now("100042", None);
    let outcome = ScanOutcome::Queued { reason: crate::client::SIGNED_OUT.into() };
    let request = RequestId(99);
    app.update(Msg::ScanAnswered { request, scan: Some(scan), outcome });
    assert!(app.login.is_some());
    app.login = None;
    let report = DrainReport { answered: vec![], unreachable: Some(crate::client::SIGNED_OUT.into()), pending: 1 };
    app.update(Msg::QueueDrained(report));
    assert!(app.login.is_some(), "the sender's 401 asks too");
}
