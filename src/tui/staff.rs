//! Staff switching on a shared desk (issue 16): `F12` (or `[staff] lock_after` without a key)
//! locks the app to a lock screen that asks for a username and a PIN or password. While it is
//! locked, scans still check customers in under the last staff member signed in (unless
//! `[staff] scan_while_locked = false`), and whatever was open behind it stays as it was: a form
//! half typed is still there, unsaved, for whoever signs in next (they may save it, as
//! themselves, or leave it with Esc). A sign-in replaces the app's token with that staff
//! member's, so every write after it is theirs in the server's activity log.
//!
//! Pure state; the app routes keys, scans and answers to it (`app/staff.rs`) and the lock pane
//! draws it (`panes/lock.rs`).

use std::time::Duration;

use jiff::Timestamp;
use tui_input::{Input, InputRequest};

use super::action::Action;
use crate::client::ClientError;
use crate::client::staff::{Credential, StaffLoginError};

/// The `[staff]` settings and who is signed in when the app opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSettings {
    /// Lock after this long without a key, a paste or a click (`None`: only on `F12`).
    pub lock_after: Option<Duration>,
    /// While locked, scans check in under the last staff member (else they are refused).
    pub scan_while_locked: bool,
    /// The config's `username`, whose token the app opens with (`None`: a token alone).
    pub signed_in: Option<String>,
}

impl Default for StaffSettings {
    /// Never locks by itself; scans check in while locked; nobody named.
    fn default() -> Self {
        StaffSettings { lock_after: None, scan_while_locked: true, signed_in: None }
    }
}

/// Why the desk is locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockReason {
    /// Someone pressed `F12`.
    Key,
    /// Nobody touched a key for `lock_after`.
    Idle,
}

/// The lock screen's state.
#[derive(Debug)]
pub struct LockScreen {
    pub reason: LockReason,
    pub username: Input,
    pub secret: Input,
    /// The cursor is in the PIN or password field.
    pub on_secret: bool,
    /// A sign-in is in flight.
    pub waiting: bool,
    /// Why the last try failed.
    pub error: Option<String>,
    /// The server locked this username's logins until then (`429`): the screen counts down.
    pub locked_out: Option<(String, Timestamp)>,
    /// A scan was taken while locked: the screen shows its verdict.
    pub scanned: bool,
}

impl LockScreen {
    fn new(reason: LockReason) -> LockScreen {
        LockScreen {
            reason,
            username: Input::default(),
            secret: Input::default(),
            on_secret: false,
            waiting: false,
            error: None,
            locked_out: None,
            scanned: false,
        }
    }

    /// The lock-out's words and the seconds left, while it lasts.
    pub fn lockout_left(&self, now: Timestamp) -> Option<(&str, u64)> {
        let (message, until) = self.locked_out.as_ref()?;
        let left = until.duration_since(now).as_secs_f64().ceil();
        (left > 0.0).then_some((message.as_str(), left as u64))
    }
}

/// What a key did on the lock screen.
#[derive(Debug, PartialEq)]
pub enum LockStep {
    Stay,
    Redraw,
    /// Sign in with these (the app sends [`super::msg::Command::SwitchStaff`]).
    SignIn {
        username: String,
        credential: Credential,
    },
}

/// Staff switching: who is signed in, the lock screen while locked, and the idle clock.
#[derive(Debug)]
pub struct StaffLock {
    pub lock_after: Option<Duration>,
    pub scan_while_locked: bool,
    /// Whose token the app uses now (`None`: the config's token, whoever it belongs to).
    pub signed_in: Option<String>,
    /// `Some` while the desk is locked.
    pub screen: Option<LockScreen>,
    /// The last key, paste or click.
    last_activity: Timestamp,
}

impl StaffLock {
    pub fn new(settings: StaffSettings, now: Timestamp) -> StaffLock {
        StaffLock {
            lock_after: settings.lock_after,
            scan_while_locked: settings.scan_while_locked,
            signed_in: settings.signed_in,
            screen: None,
            last_activity: now,
        }
    }

    pub fn is_locked(&self) -> bool {
        self.screen.is_some()
    }

    /// Locks the desk (a lock already on stays as it is).
    pub fn lock(&mut self, reason: LockReason) {
        if self.screen.is_none() {
            self.screen = Some(LockScreen::new(reason));
        }
    }

    /// A key, a paste or a click: the idle clock starts over.
    pub fn touch(&mut self, now: Timestamp) {
        self.last_activity = now;
    }

    /// How long until the idle lock, if it is set and the desk is unlocked (zero: due now).
    pub fn until_idle_lock(&self, now: Timestamp) -> Option<Duration> {
        let after = self.lock_after.filter(|_| !self.is_locked())?;
        let idle = Duration::try_from(now.duration_since(self.last_activity)).unwrap_or(Duration::ZERO);
        Some(after.saturating_sub(idle))
    }

    /// Locks the desk if nobody touched it for `lock_after`; true if it did now.
    pub fn lock_if_idle(&mut self, now: Timestamp) -> bool {
        if self.until_idle_lock(now) == Some(Duration::ZERO) {
            self.lock(LockReason::Idle);
            return true;
        }
        false
    }

    /// A key's action on the lock screen.
    pub fn action(&mut self, action: Action) -> LockStep {
        let Some(screen) = &mut self.screen else { return LockStep::Stay };
        match action {
            Action::NextField | Action::PrevField => screen.on_secret = !screen.on_secret,
            Action::ClearSearch => {
                let field = if screen.on_secret { &mut screen.secret } else { &mut screen.username };
                field.reset();
            }
            Action::Back => {
                // Esc starts over: both fields emptied, the cursor on the username.
                screen.username.reset();
                screen.secret.reset();
                screen.on_secret = false;
                screen.error = None;
            }
            Action::SignIn => return sign_in(screen),
            _ => return LockStep::Stay,
        }
        LockStep::Redraw
    }

    /// A scanner-fast burst while the PIN or password field has the cursor: typed into it (a PIN
    /// typed fast looks like a scan), never checked in as a barcode. Whether it was taken: not
    /// while a sign-in is in flight, nor with the cursor in the username field (a card scanned
    /// there is a customer at the desk).
    pub fn secret_field_takes(&mut self, code: &str) -> bool {
        let Some(screen) = &mut self.screen else { return false };
        if !screen.on_secret || screen.waiting {
            return false;
        }
        for c in code.chars() {
            screen.secret.handle(InputRequest::InsertChar(c));
        }
        true
    }

    /// Typing into the field with the cursor.
    pub fn typed(&mut self, request: InputRequest) {
        if let Some(screen) = &mut self.screen {
            let field = if screen.on_secret { &mut screen.secret } else { &mut screen.username };
            field.handle(request);
        }
    }

    /// The sign-in's answer: on success the desk unlocks as `username` (true); else the lock
    /// screen says why, its PIN or password cleared.
    pub fn answered(&mut self, username: &str, result: Result<(), StaffLoginError>, now: Timestamp) -> bool {
        let Some(screen) = &mut self.screen else { return false };
        screen.waiting = false;
        screen.secret.reset();
        match result {
            Ok(()) => {
                self.screen = None;
                self.signed_in = Some(username.to_string());
                self.last_activity = now;
                true
            }
            Err(StaffLoginError::LockedOut { retry_after, message }) => {
                let until = now.checked_add(retry_after).unwrap_or(now);
                screen.error = None;
                screen.locked_out = Some((message, until));
                false
            }
            Err(StaffLoginError::Failed(e)) => {
                screen.error = Some(match e {
                    // DRF's refusal is a non-field error: its words alone.
                    ClientError::Validation(errors) => match errors.get("non_field_errors") {
                        Some(messages) => format!("Not signed in: {}", messages.join(" ")),
                        None => format!("Not signed in: {errors}"),
                    },
                    other => format!("Not signed in: {}", other.summary()),
                });
                false
            }
        }
    }

    /// A scan while locked: whether it checks in (it is then shown on the lock screen), or is
    /// refused because the config says scans wait for a sign-in.
    pub fn scan_allowed(&mut self) -> bool {
        let Some(screen) = &mut self.screen else { return true };
        if self.scan_while_locked {
            screen.scanned = true;
            return true;
        }
        screen.error =
            Some("Scan not taken: the desk is locked. Sign in first (staff.scan_while_locked = false).".into());
        false
    }

    /// The name the lock screen gives the last staff member.
    pub fn last_staff(&self) -> &str {
        self.signed_in.as_deref().unwrap_or("this desk's login")
    }
}

/// Enter: from the username to the PIN, or with both filled, sign in.
fn sign_in(screen: &mut LockScreen) -> LockStep {
    let username = screen.username.value().trim().to_string();
    if screen.waiting {
        return LockStep::Stay;
    }
    if username.is_empty() {
        screen.on_secret = false;
        screen.error = Some("Type your staff username".into());
    } else if screen.secret.value().is_empty() {
        screen.on_secret = true;
        screen.error = None;
    } else {
        screen.waiting = true;
        screen.error = None;
        return LockStep::SignIn { username, credential: Credential::from_typed(screen.secret.value()) };
    }
    LockStep::Redraw
}

/// Where each staff member's token is kept after they sign in on the lock screen: a file of their
/// own per server (`config::staff_token_path`), in `token.toml`'s form and as private (0600). The
/// lock screen always asks for the PIN or password: a kept token never unlocks the desk by itself.
#[derive(Debug, Clone)]
pub struct TokenFiles {
    pub base_url: String,
}

impl TokenFiles {
    /// Keeps `token` as `username`'s (blocking: run it off the async runtime).
    pub fn keep(&self, username: &str, token: &str) -> Result<(), String> {
        let path = crate::config::staff_token_path(&self.base_url, username)
            .ok_or("no home directory to keep the token in")?;
        let stored = crate::config::StoredToken {
            base_url: self.base_url.clone(),
            username: username.to_string(),
            token: token.to_string(),
        };
        crate::config::write_stored_token(&path, &stored)
            .map_err(|e| format!("cannot keep the token in {}: {e}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + secs).unwrap()
    }

    fn settings(lock_after: Option<u64>) -> StaffSettings {
        StaffSettings {
            lock_after: lock_after.map(Duration::from_secs),
            scan_while_locked: true,
            signed_in: Some("desk".into()),
        }
    }

    #[test]
    fn the_desk_locks_after_the_idle_time_and_a_key_starts_it_over() {
        let mut staff = StaffLock::new(settings(Some(600)), at(0));
        assert_eq!(staff.until_idle_lock(at(100)), Some(Duration::from_secs(500)));
        staff.touch(at(500));
        assert!(!staff.lock_if_idle(at(1000)));
        assert!(staff.lock_if_idle(at(1100)));
        assert_eq!(staff.screen.as_ref().map(|s| s.reason), Some(LockReason::Idle));
        assert_eq!(staff.until_idle_lock(at(5000)), None, "no idle lock while locked");
        let never = StaffLock::new(settings(None), at(0));
        assert_eq!(never.until_idle_lock(at(1_000_000)), None);
    }

    #[test]
    fn enter_moves_to_the_pin_then_signs_in_with_digits_as_a_pin() {
        let mut staff = StaffLock::new(settings(None), at(0));
        staff.lock(LockReason::Key);
        assert_eq!(staff.action(Action::SignIn), LockStep::Redraw);
        assert_eq!(staff.screen.as_ref().unwrap().error.as_deref(), Some("Type your staff username"));
        "sam".chars().for_each(|c| staff.typed(InputRequest::InsertChar(c)));
        staff.action(Action::SignIn);
        assert!(staff.screen.as_ref().unwrap().on_secret, "Enter on the username goes to the PIN");
        "2468".chars().for_each(|c| staff.typed(InputRequest::InsertChar(c)));
        let step = staff.action(Action::SignIn);
        assert_eq!(step, LockStep::SignIn { username: "sam".into(), credential: Credential::Pin("2468".into()) });
        assert_eq!(staff.action(Action::SignIn), LockStep::Stay, "one sign-in at a time");
        assert!(staff.answered("sam", Ok(()), at(5)));
        assert!(!staff.is_locked());
        assert_eq!(staff.signed_in.as_deref(), Some("sam"));
    }

    #[test]
    fn a_lock_out_counts_down_and_a_wrong_pin_is_cleared() {
        let mut staff = StaffLock::new(settings(None), at(0));
        staff.lock(LockReason::Key);
        staff.screen.as_mut().unwrap().secret = Input::new("1111".into());
        let wrong = ClientError::Validation(crate::model::FieldErrors::single("non_field_errors", "Unable to log in."));
        assert!(!staff.answered("sam", Err(StaffLoginError::Failed(wrong)), at(0)));
        let screen = staff.screen.as_ref().unwrap();
        assert_eq!(screen.secret.value(), "", "a wrong PIN is not kept");
        assert!(screen.error.as_deref().is_some_and(|e| e.contains("Unable to log in.")));
        let locked = StaffLoginError::LockedOut { retry_after: Duration::from_secs(60), message: "Locked.".into() };
        staff.answered("sam", Err(locked), at(0));
        let screen = staff.screen.as_ref().unwrap();
        assert_eq!(screen.lockout_left(at(15)), Some(("Locked.", 45)));
        assert_eq!(screen.lockout_left(at(60)), None);
    }

    #[test]
    fn scans_while_locked_follow_the_setting() {
        let mut staff = StaffLock::new(settings(None), at(0));
        assert!(staff.scan_allowed(), "unlocked");
        staff.lock(LockReason::Key);
        assert!(staff.scan_allowed());
        assert!(staff.screen.as_ref().unwrap().scanned);
        let mut strict = StaffLock::new(StaffSettings { scan_while_locked: false, ..settings(None) }, at(0));
        strict.lock(LockReason::Key);
        assert!(!strict.scan_allowed());
        assert!(strict.screen.as_ref().unwrap().error.as_deref().is_some_and(|e| e.contains("Scan not taken")));
    }
}
