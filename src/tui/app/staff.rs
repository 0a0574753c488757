//! Routing for staff switching (the state is [`crate::tui::staff`]): `F12` and the idle clock lock
//! the desk, keys and paste go to the lock screen while it is up, scans check in under the last
//! staff member (or wait, as the config says), and a sign-in's answer unlocks it.

use std::time::Duration;

use crossterm::event::KeyEvent;
use tui_input::InputRequest;

use super::{App, Command, Msg};
use crate::client::staff::StaffLoginError;
use crate::tui::action::Action;
use crate::tui::keymap::KeyContext;
use crate::tui::staff::{LockReason, LockStep};

impl App {
    /// `F12`: the lock screen, over whatever is open (which stays as it is behind it).
    pub(super) fn lock_desk(&mut self) {
        self.staff.lock(LockReason::Key);
        self.help.close();
        self.redraw = true;
    }

    /// Before each message: the desk locks itself once nobody touched a key, a paste or a click for
    /// `lock_after` (so the key that wakes it goes to the lock screen); a paste or a click starts the
    /// idle clock over (keys do in [`App::on_key`], scans never do). While the lock screen counts a
    /// lock-out down, every tick redraws it.
    pub(super) fn follow_staff_clock(&mut self, msg: &Msg) {
        let now = self.clock.now();
        if self.staff.lock_if_idle(now) {
            self.help.close();
            self.redraw = true;
        }
        match msg {
            Msg::Paste(_) | Msg::Mouse(_) => self.staff.touch(now),
            Msg::Tick if self.staff.screen.as_ref().is_some_and(|s| s.locked_out.is_some()) => self.redraw = true,
            _ => {}
        }
    }

    /// How long the runtime may sleep with nothing to do: until local midnight, the idle lock, or
    /// the next second of a lock-out's countdown, whichever comes first.
    pub fn next_wake(&self) -> Duration {
        let now = self.clock.now();
        let counting = self.staff.screen.as_ref().and_then(|s| s.lockout_left(now)).map(|_| Duration::from_secs(1));
        [Some(self.until_next_day()), self.staff.until_idle_lock(now), counting]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(Duration::from_secs(1))
    }

    /// A key while the lock screen is up: its own keys, Ctrl-C / Ctrl-Q to quit (asked first, as
    /// anywhere), typing into the field with the cursor; every other key does nothing.
    pub(super) fn lock_key(&mut self, key: KeyEvent, out: &mut Vec<Command>) {
        self.redraw = true;
        match self.keymap.action(KeyContext::Lock, &key) {
            Some(Action::Quit) => self.request_quit(),
            Some(action) => {
                if let LockStep::SignIn { username, credential } = self.staff.action(action) {
                    out.push(Command::SwitchStaff { username, credential });
                }
            }
            None => {
                let event = crossterm::event::Event::Key(key);
                if let Some(request) = tui_input::backend::crossterm::to_input_request(&event) {
                    self.staff.typed(request);
                }
            }
        }
    }

    /// Pasted text on the lock screen goes into the field with the cursor.
    pub(super) fn lock_paste(&mut self, text: &str) {
        for c in text.chars() {
            self.staff.typed(InputRequest::InsertChar(c));
        }
    }

    /// A scan while the desk is locked: it checks in under the last staff member (the verdict shows
    /// on the lock screen and on the check-in screen behind it), never into a form behind; or, with
    /// `scan_while_locked = false`, the lock screen says it was not taken.
    pub(super) fn scanned_while_locked(&mut self, code: String, out: &mut Vec<Command>) {
        self.redraw = true;
        if self.staff.secret_field_takes(&code) {
            return;
        }
        if self.staff.scan_allowed() {
            self.scanned_elsewhere(code, out);
        }
    }

    /// A lock-screen sign-in answered: on success the desk unlocks as that staff member, whose token
    /// every task uses from now on; a `401` prompt that was waiting is answered too (the token is
    /// fresh), and what it stopped is sent again.
    pub(super) fn on_staff_signed_in(
        &mut self,
        username: String,
        result: Result<(), StaffLoginError>,
        kept: Result<(), String>,
        out: &mut Vec<Command>,
    ) {
        self.redraw = true;
        if !self.staff.answered(&username, result, self.clock.now()) {
            return;
        }
        if self.login.take().is_some() {
            self.retry(out);
            self.redo_after_login(out);
            out.push(Command::SendQueued);
        }
        match kept {
            Ok(()) => self.say(format!("Signed in as {username}: what you do now is recorded as {username}")),
            Err(problem) => self.warn(format!("Signed in as {username}, but {problem}")),
        }
    }
}
