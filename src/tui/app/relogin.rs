//! Signing in again while the app runs: when the server answers `401` (the token was revoked or has
//! expired), a prompt over the screen asks for the username and password, logs in, and retries what
//! failed. Nothing is lost meanwhile: the screen behind keeps what was typed, scans keep going to the
//! offline queue, and the queue is sent as soon as the login succeeds.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};
use tui_input::Input;

use super::{App, Command};
use crate::client::ClientError;
use crate::tui::panes::{fit, pane_block};

/// A password on its way to the login task: never printed, not even in a debug dump of a command.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// The login prompt.
#[derive(Debug, Default)]
pub struct LoginPrompt {
    pub username: Input,
    pub password: Input,
    /// The cursor is in the password field.
    pub on_password: bool,
    /// Why the last try failed.
    pub error: Option<String>,
    /// A login is in flight.
    pub waiting: bool,
}

impl App {
    /// The server no longer knows the token: ask for a login (once; a prompt already open stays).
    pub(super) fn ask_login(&mut self) {
        if self.login.is_none() {
            self.login = Some(LoginPrompt::default());
            self.redraw = true;
        }
    }

    /// A key while the prompt is open; false when it is not for the prompt (Ctrl-C still quits).
    pub(super) fn login_key(&mut self, key: KeyEvent, out: &mut Vec<Command>) -> bool {
        let Some(prompt) = &mut self.login else { return false };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('q')) {
            return false;
        }
        self.redraw = true;
        match key.code {
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Up | KeyCode::Down => prompt.on_password = !prompt.on_password,
            KeyCode::Enter if !prompt.on_password => prompt.on_password = true,
            KeyCode::Enter if prompt.waiting => {}
            KeyCode::Enter => {
                let username = prompt.username.value().trim().to_string();
                if username.is_empty() {
                    prompt.on_password = false;
                    prompt.error = Some("Enter your staff username".into());
                } else if prompt.password.value().is_empty() {
                    prompt.error = Some("Enter your password".into());
                } else {
                    prompt.waiting = true;
                    prompt.error = None;
                    out.push(Command::LogIn { username, password: Secret(prompt.password.value().to_string()) });
                }
            }
            _ => {
                let Some(request) = tui_input::backend::crossterm::to_input_request(&crossterm::event::Event::Key(key))
                else {
                    return true;
                };
                let field = if prompt.on_password { &mut prompt.password } else { &mut prompt.username };
                field.handle(request);
            }
        }
        true
    }

    /// The login's answer: on success the prompt closes and what failed is tried again.
    pub(super) fn on_logged_in(&mut self, result: Result<(), ClientError>, out: &mut Vec<Command>) {
        self.redraw = true;
        let Some(prompt) = &mut self.login else { return };
        prompt.waiting = false;
        match result {
            Ok(()) => {
                let who = prompt.username.value().trim().to_string();
                self.login = None;
                self.problem = None;
                self.retry(out);
                out.push(Command::SendQueued);
                self.say(format!("Signed in again as {who}"));
            }
            Err(e) => {
                prompt.password.reset();
                prompt.error = Some(match e {
                    ClientError::Validation(errors) => format!("Login refused: {errors}"),
                    other => format!("Login failed: {}", other.summary()),
                });
            }
        }
    }
}

/// The prompt over whatever screen is in front.
pub fn render_login(frame: &mut Frame, app: &App) {
    let Some(prompt) = &app.login else { return };
    let screen = frame.area();
    let width = 64.min(screen.width.saturating_sub(2));
    let area = Rect { x: screen.x + (screen.width - width) / 2, y: screen.y + screen.height / 4, width, height: 9 };
    frame.render_widget(Clear, area);
    let block = pane_block(" Sign in again ", true, &app.theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let marker = |on: bool| if on { "›" } else { " " };
    let mut lines = vec![
        Line::raw(fit("The server no longer accepts this desk's login (401).", w)),
        Line::raw(fit("Nothing is lost: scans are kept and sent once you are in.", w)),
        Line::raw(""),
        Line::raw(fit(&format!("{} Username: {}", marker(!prompt.on_password), prompt.username.value()), w)),
        Line::raw(fit(
            &format!(
                "{} Password: {}",
                marker(prompt.on_password),
                "•".repeat(prompt.password.value().chars().count())
            ),
            w,
        )),
    ];
    let last = match (&prompt.error, prompt.waiting) {
        (_, true) => Line::styled("Signing in…", app.theme.muted()),
        (Some(error), _) => Line::styled(fit(error, w), app.theme.error()),
        (None, _) => Line::styled(fit("enter next/sign in · tab switch field · ctrl-c quits", w), app.theme.key()),
    };
    lines.push(Line::raw(""));
    lines.push(last);
    frame.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    use crossterm::event::KeyCode;
    use ratatui::layout::Rect;

    use super::super::tests::{key, options, typed};
    use super::super::{App, Command, Msg};
    use super::*;
    use crate::desk::{DrainReport, Scan};
    use crate::tui::checkin::ScanOutcome;

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
        typed(&mut app, "smi");
        app.update(Msg::ListLoaded { request, result: Err(ClientError::Unauthorized("Invalid token.".into())) });
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
        let request = super::super::RequestId(99);
        app.update(Msg::ScanAnswered { request, scan: Some(scan), outcome });
        assert!(app.login.is_some());
        app.login = None;
        let report = DrainReport { answered: vec![], unreachable: Some(crate::client::SIGNED_OUT.into()), pending: 1 };
        app.update(Msg::QueueDrained(report));
        assert!(app.login.is_some(), "the sender's 401 asks too");
    }
}
