//! Keys and paste: the login prompt first, then the keymap's action for where the keys go now,
//! else the typed character into the field in front; and quitting.

use crossterm::event::{KeyCode, KeyEvent};
use tui_input::InputRequest;

use super::{App, Command, Focus, Screen};
use crate::tui::action::Action;
use crate::tui::keymap::KeyContext;
use crate::tui::login::LoginKey;

impl App {
    pub(super) fn on_key(&mut self, key: KeyEvent, out: &mut Vec<Command>) {
        self.staff.touch(self.clock.now());
        if self.key_context() == KeyContext::Lock {
            return self.lock_key(key, out);
        }
        if let Some(prompt) = &mut self.login {
            match prompt.key(key) {
                LoginKey::NotMine => {}
                LoginKey::Taken => {
                    self.redraw = true;
                    return;
                }
                LoginKey::LogIn { username, password } => {
                    self.redraw = true;
                    out.push(Command::LogIn { username, password });
                    return;
                }
            }
        }
        self.notice = None;
        let context = self.key_context();
        let action = self.keymap.action(context, &key);
        if let Some(action) = action {
            return self.dispatch(context, action, out);
        }
        if self.screen == Screen::Form {
            // Only an Esc right after the warning discards.
            self.editor.disarm_discard();
        }
        let Some(request) = tui_input::backend::crossterm::to_input_request(&crossterm::event::Event::Key(key)) else {
            return;
        };
        match context {
            KeyContext::Search => {
                if key.code == KeyCode::Backspace && self.search.value().is_empty() {
                    // Backspace on an empty search removes the last filter chip.
                    if let Some((index, _)) = self.filters.values.active().last() {
                        self.filters.values.set(index, None);
                        self.filters_changed(out);
                    }
                    return;
                }
                self.search.typed(request);
            }
            KeyContext::FilterEdit => self.filters.typed(request),
            KeyContext::Results | KeyContext::Detail => {
                // Typing in the list or the profile starts a new search; Backspace takes the
                // search back up where it was, one character shorter.
                match request {
                    InputRequest::InsertChar(_) => {
                        self.focus = Focus::Search;
                        self.search.start_over(request);
                    }
                    InputRequest::DeletePrevChar => {
                        self.focus = Focus::Search;
                        self.search.typed_at_end(request);
                    }
                    _ => {}
                }
            }
            KeyContext::Form => self.form_typed(request),
            KeyContext::CheckIn | KeyContext::Override => self.check_in_typed(request),
            KeyContext::PhotoPick => self.photo_typed(request),
            KeyContext::Palette => self.palette.typed(request),
            _ => {}
        }
    }

    /// A key's action where the keys go (`context`), or the command palette's choice run as its key would.
    pub(super) fn dispatch(&mut self, context: KeyContext, action: Action, out: &mut Vec<Command>) {
        if (action != Action::Back || context == KeyContext::QuitQuestion) && self.screen == Screen::Form {
            // Only an Esc right after the warning discards.
            self.editor.disarm_discard();
        }
        self.on_action(action, out);
    }

    pub(super) fn filters_changed(&mut self, out: &mut Vec<Command>) {
        self.search(out);
    }

    pub(super) fn on_paste(&mut self, text: &str) {
        // A pasted line is one search (or one value): line breaks become spaces.
        let text: String = text.chars().map(|c| if c == '\n' || c == '\r' || c == '\t' { ' ' } else { c }).collect();
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        if self.help.is_open() {
            return;
        }
        if self.palette.is_open() {
            self.palette.paste(text);
            return;
        }
        match self.key_context() {
            KeyContext::Lock => return self.lock_paste(text),
            KeyContext::Form => {
                for c in text.chars() {
                    self.form_typed(InputRequest::InsertChar(c));
                }
                return;
            }
            KeyContext::CheckIn | KeyContext::Override => {
                for c in text.chars() {
                    self.check_in_typed(InputRequest::InsertChar(c));
                }
                return;
            }
            KeyContext::PhotoPick => {
                for c in text.chars() {
                    self.photo_typed(InputRequest::InsertChar(c));
                }
                return;
            }
            context if self.screen != Screen::Desk || context == KeyContext::Records => return,
            _ => {}
        }
        if self.focus == Focus::Filters && self.filters.editing.is_some() {
            for c in text.chars() {
                self.filters.typed(InputRequest::InsertChar(c));
            }
            return;
        }
        let from_elsewhere = self.focus != Focus::Search;
        self.focus = Focus::Search;
        self.search.paste(text, from_elsewhere);
    }

    pub(super) fn on_action(&mut self, action: Action, out: &mut Vec<Command>) {
        let context = self.key_context();
        match action {
            Action::Quit => return self.request_quit(),
            _ if context == KeyContext::QuitQuestion => {
                match action {
                    Action::Confirm => self.quit = true,
                    Action::Back => self.quit_question = None,
                    _ => {}
                }
                return;
            }
            _ if context == KeyContext::Palette => return self.palette_action(action, out),
            Action::Palette => return self.open_palette(),
            Action::Help => {
                self.help.toggle();
                return;
            }
            Action::LockDesk => return self.lock_desk(),
            Action::Edit if context != KeyContext::Help => return self.open_edit(out),
            Action::NewCustomer if context != KeyContext::Help => return self.open_new_customer(),
            _ => {}
        }
        match context {
            KeyContext::CheckIn if action == Action::Family => self.enter_family(out),
            KeyContext::Family => self.family_action(action, out),
            KeyContext::CheckIn | KeyContext::Confirm | KeyContext::Override => {
                self.check_in_action(context == KeyContext::Confirm, action, out)
            }
            KeyContext::PhotoPick => self.photo_action(action, out),
            KeyContext::Form | KeyContext::FormChoice | KeyContext::Conflict => self.form_action(action, out),
            KeyContext::Duplicates => self.duplicates_action(action, out),
            KeyContext::Records => self.records_action(action),
            _ => self.desk_action(context, action, out),
        }
    }

    /// Quits at once when nothing would be lost or stopped; else asks for a yes, naming why.
    pub(super) fn request_quit(&mut self) {
        if self.quit_question.is_some() {
            return;
        }
        let mut reasons = Vec::new();
        let queued = self.check_in.queued;
        if queued > 0 {
            let scans = if queued == 1 { "1 scan is".to_string() } else { format!("{queued} scans are") };
            reasons.push(format!("{scans} waiting for the server (kept for the next start)"));
        }
        if self.editor.is_dirty() {
            reasons.push("the form has unsaved changes".to_string());
        }
        if self.stops_server {
            reasons.push("quitting stops the demo server".to_string());
        }
        if reasons.is_empty() {
            self.quit = true;
            return;
        }
        self.quit_question = Some(format!("{}.", capitalize(&reasons.join("; "))));
        self.redraw = true;
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
