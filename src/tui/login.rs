//! Signing in again while the app runs: when the server answers `401` (the token was revoked or has
//! expired), a prompt over the screen asks for the username and password, logs in, and retries what
//! failed. Nothing is lost meanwhile: the screen behind keeps what was typed, scans keep going to the
//! offline queue, and the queue is sent as soon as the login succeeds.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::Input;

use crate::client::ClientError;

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

/// What a key did to the prompt.
#[derive(Debug, PartialEq)]
pub enum LoginKey {
    /// Not for the prompt (ctrl-c and ctrl-q still quit).
    NotMine,
    Taken,
    /// Enter with both fields filled: log in with these.
    LogIn {
        username: String,
        password: Secret,
    },
}

impl LoginPrompt {
    /// A key while the prompt is open.
    pub fn key(&mut self, key: KeyEvent) -> LoginKey {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('q')) {
            return LoginKey::NotMine;
        }
        match key.code {
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Up | KeyCode::Down => self.on_password = !self.on_password,
            KeyCode::Enter if !self.on_password => self.on_password = true,
            KeyCode::Enter if self.waiting => {}
            KeyCode::Enter => {
                let username = self.username.value().trim().to_string();
                if username.is_empty() {
                    self.on_password = false;
                    self.error = Some("Enter your staff username".into());
                } else if self.password.value().is_empty() {
                    self.error = Some("Enter your password".into());
                } else {
                    self.waiting = true;
                    self.error = None;
                    return LoginKey::LogIn { username, password: Secret(self.password.value().to_string()) };
                }
            }
            _ => {
                let event = crossterm::event::Event::Key(key);
                if let Some(request) = tui_input::backend::crossterm::to_input_request(&event) {
                    let field = if self.on_password { &mut self.password } else { &mut self.username };
                    field.handle(request);
                }
            }
        }
        LoginKey::Taken
    }

    /// The login's answer: who signed in, or why not (the prompt then stays, its password cleared).
    pub fn answered(&mut self, result: Result<(), ClientError>) -> Option<String> {
        self.waiting = false;
        match result {
            Ok(()) => Some(self.username.value().trim().to_string()),
            Err(e) => {
                self.password.reset();
                self.error = Some(match e {
                    ClientError::Validation(errors) => format!("Login refused: {errors}"),
                    other => format!("Login failed: {}", other.summary()),
                });
                None
            }
        }
    }
}
