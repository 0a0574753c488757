//! Keys to actions, per context, in one table: the app looks keys up here,
//! the footer and the `?` overlay are generated from it, and the config's
//! `[keys.<context>]` tables override it.

use std::collections::BTreeMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

/// Where a key is pressed. `Global` bindings apply in every context (plain
/// printable keys only where no text is being typed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyContext {
    Global,
    Search,
    Results,
    Detail,
    Filters,
    FilterEdit,
    CheckIn,
    Family,
    /// F8's list of override reasons (and typing one).
    Override,
    Confirm,
    QuitQuestion,
    Form,
    FormChoice,
    Conflict,
    /// The walk-in form's save found customers who may be the same person.
    Duplicates,
    Records,
    PhotoPick,
    Help,
    Palette,
    Lock,
}

impl KeyContext {
    pub const ALL: [KeyContext; 20] = [
        KeyContext::Global,
        KeyContext::Search,
        KeyContext::Results,
        KeyContext::Detail,
        KeyContext::Filters,
        KeyContext::FilterEdit,
        KeyContext::CheckIn,
        KeyContext::Family,
        KeyContext::Override,
        KeyContext::Confirm,
        KeyContext::QuitQuestion,
        KeyContext::Form,
        KeyContext::FormChoice,
        KeyContext::Conflict,
        KeyContext::Duplicates,
        KeyContext::Records,
        KeyContext::PhotoPick,
        KeyContext::Help,
        KeyContext::Palette,
        KeyContext::Lock,
    ];

    /// The config's name for it (`[keys.results]`).
    pub fn name(self) -> &'static str {
        match self {
            KeyContext::Global => "global",
            KeyContext::Search => "search",
            KeyContext::Results => "results",
            KeyContext::Detail => "detail",
            KeyContext::Filters => "filters",
            KeyContext::FilterEdit => "filter_edit",
            KeyContext::CheckIn => "check_in",
            KeyContext::Family => "family",
            KeyContext::Override => "override",
            KeyContext::Confirm => "confirm",
            KeyContext::QuitQuestion => "quit",
            KeyContext::Form => "form",
            KeyContext::FormChoice => "form_choice",
            KeyContext::Conflict => "conflict",
            KeyContext::Duplicates => "duplicates",
            KeyContext::Records => "records",
            KeyContext::PhotoPick => "photo",
            KeyContext::Help => "help",
            KeyContext::Palette => "palette",
            KeyContext::Lock => "lock",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            KeyContext::Global => "Everywhere",
            KeyContext::Search => "Search bar",
            KeyContext::Results => "Results list",
            KeyContext::Detail => "Customer profile",
            KeyContext::Filters => "Filters",
            KeyContext::FilterEdit => "Typing a filter value",
            KeyContext::CheckIn => "Check-in screen (the scan field)",
            KeyContext::Family => "Check-in screen: the scanned customer's family list",
            KeyContext::Override => "Override: the reason to let a refused customer in",
            KeyContext::Confirm => "A yes/no question",
            KeyContext::QuitQuestion => {
                "Quit anyway? (asked when scans are queued, edits unsaved, or a demo would stop)"
            }
            KeyContext::Form => "Edit form, typing in a field",
            KeyContext::FormChoice => "Edit form, on a choice (gender, yes/no, location)",
            KeyContext::Conflict => "Changed on the server while you edited",
            KeyContext::Duplicates => "A new customer may already exist (possible duplicates)",
            KeyContext::Records => "Contacts, notes or alerts list",
            KeyContext::PhotoPick => "New photo: file name",
            KeyContext::Help => "This list",
            KeyContext::Palette => "Command palette (type to find an action)",
            KeyContext::Lock => "Lock screen (F12): sign in as yourself",
        }
    }

    /// Whether keys typed here are text (so plain characters are not commands). In the results
    /// list and the profile every printable character starts a new search.
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            KeyContext::Search
                | KeyContext::Results
                | KeyContext::Detail
                | KeyContext::FilterEdit
                | KeyContext::CheckIn
                | KeyContext::Override
                | KeyContext::Form
                | KeyContext::FormChoice
                | KeyContext::PhotoPick
                | KeyContext::Palette
                | KeyContext::Lock
        )
    }

    fn from_name(name: &str) -> Option<KeyContext> {
        KeyContext::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The actions worth a place in the footer here, in order.
    fn footer_actions(self) -> &'static [Action] {
        match self {
            KeyContext::Global => &[],
            KeyContext::Search => &[
                Action::Down,
                Action::ToggleFilters,
                Action::ClearSearch,
                Action::CheckInMode,
                Action::Palette,
                Action::Help,
                Action::Quit,
            ],
            KeyContext::Results => &[
                Action::Down,
                Action::Open,
                Action::Bottom,
                Action::Back,
                Action::ToggleFilters,
                Action::Palette,
                Action::Help,
                Action::Quit,
            ],
            KeyContext::Detail => &[
                Action::Down,
                Action::SelectNext,
                Action::Edit,
                Action::UploadPhoto,
                Action::EmergencyContacts,
                Action::Notes,
                Action::Alerts,
                Action::Back,
                Action::Palette,
                Action::Help,
                Action::Quit,
            ],
            KeyContext::Filters => &[
                Action::Down,
                Action::Open,
                Action::CycleNext,
                Action::RemoveFilter,
                Action::ClearFilters,
                Action::Back,
                Action::Help,
            ],
            KeyContext::FilterEdit => &[Action::Confirm, Action::Back],
            KeyContext::CheckIn => &[
                Action::Submit,
                Action::Undo,
                Action::Override,
                Action::LookupMode,
                Action::Family,
                Action::Edit,
                Action::Back,
                Action::Palette,
                Action::Help,
                Action::Quit,
            ],
            KeyContext::Family => {
                &[Action::Down, Action::ToggleSelect, Action::CheckInSelected, Action::Undo, Action::Back, Action::Help]
            }
            KeyContext::Override => &[Action::Down, Action::Confirm, Action::Back],
            KeyContext::Confirm => &[Action::Confirm, Action::Back],
            KeyContext::QuitQuestion => &[Action::Confirm, Action::Back],
            KeyContext::Form => &[Action::NextField, Action::Save, Action::Back, Action::Palette, Action::Help],
            KeyContext::FormChoice => {
                &[Action::CycleNext, Action::NextField, Action::Save, Action::Back, Action::Palette, Action::Help]
            }
            KeyContext::Conflict => &[Action::KeepMine, Action::TakeTheirs, Action::Back],
            KeyContext::Duplicates => &[Action::Down, Action::Open, Action::CreateAnyway, Action::Back],
            KeyContext::Records => &[Action::Down, Action::Open, Action::Back],
            KeyContext::PhotoPick => &[Action::Complete, Action::Open, Action::Save, Action::Back],
            KeyContext::Help => &[Action::Down, Action::Back],
            KeyContext::Palette => &[Action::Down, Action::Confirm, Action::Back],
            KeyContext::Lock => &[Action::NextField, Action::SignIn, Action::Back, Action::Quit],
        }
    }
}

/// A key with its modifiers, as written in the config (`ctrl-f`, `f2`, `G`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    pub const fn new(code: KeyCode, mods: KeyModifiers) -> Key {
        Key { code, mods }
    }

    pub const fn plain(code: KeyCode) -> Key {
        Key { code, mods: KeyModifiers::NONE }
    }

    /// The key as pressed, normalised so `G` matches whether or not the
    /// terminal reports Shift with it.
    pub fn from_event(ev: &KeyEvent) -> Key {
        let mut mods = ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match ev.code {
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::Char(c)
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        Key { code, mods }
    }

    /// A plain printable character (what a text field would take).
    pub fn is_printable(&self) -> bool {
        matches!(self.code, KeyCode::Char(_)) && !self.mods.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    }

    pub fn parse(text: &str) -> Result<Key, String> {
        let bad = || {
            format!(
                "{text:?} is not a key; write for example \"ctrl-f\", \"alt-x\", \"f2\", \"enter\", \"esc\", \"tab\", \"shift-tab\", \"pagedown\", \"space\" or one character"
            )
        };
        let mut mods = KeyModifiers::NONE;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(r) = ["ctrl-", "control-"].iter().find_map(|p| lower.strip_prefix(p).map(|_| &rest[p.len()..]))
            {
                mods |= KeyModifiers::CONTROL;
                rest = r;
            } else if lower.starts_with("alt-") && rest.len() > 4 {
                mods |= KeyModifiers::ALT;
                rest = &rest[4..];
            } else if lower.starts_with("shift-") && rest.len() > 6 {
                mods |= KeyModifiers::SHIFT;
                rest = &rest[6..];
            } else {
                break;
            }
        }
        let named = rest.to_ascii_lowercase();
        let code = match named.as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "insert" | "ins" => KeyCode::Insert,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" | "pgup" => KeyCode::PageUp,
            "pagedown" | "pgdn" => KeyCode::PageDown,
            "space" => KeyCode::Char(' '),
            f if f.len() >= 2 && f.starts_with('f') && f[1..].parse::<u8>().is_ok_and(|n| (1..=24).contains(&n)) => {
                KeyCode::F(f[1..].parse().map_err(|_| bad())?)
            }
            _ => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => {
                        mods.remove(KeyModifiers::SHIFT);
                        // Terminals report ctrl-letters in lower case.
                        KeyCode::Char(if mods.contains(KeyModifiers::CONTROL) { c.to_ascii_lowercase() } else { c })
                    }
                    _ => return Err(bad()),
                }
            }
        };
        Ok(Key { code, mods })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Delete => f.write_str("delete"),
            KeyCode::Insert => f.write_str("insert"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdn"),
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "f{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub context: KeyContext,
    pub key: Key,
    pub action: Action,
}

/// The bindings, in table order (the order the `?` overlay lists them).
#[derive(Debug, Clone, PartialEq)]
pub struct KeyMap {
    bindings: Vec<Binding>,
}

const fn k(code: KeyCode) -> Key {
    Key::plain(code)
}

const fn ctrl(c: char) -> Key {
    Key::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

const fn ctrl_key(code: KeyCode) -> Key {
    Key::new(code, KeyModifiers::CONTROL)
}

const fn alt_key(code: KeyCode) -> Key {
    Key::new(code, KeyModifiers::ALT)
}

const fn ch(c: char) -> Key {
    Key::plain(KeyCode::Char(c))
}

impl Default for KeyMap {
    fn default() -> Self {
        let tables = [defaults::BROWSING, defaults::DESK, defaults::EDITING, defaults::OVERLAYS];
        let bindings = tables.iter().flat_map(|table| table.iter());
        KeyMap { bindings: bindings.map(|&(context, key, action)| Binding { context, key, action }).collect() }
    }
}

/// The default bindings, by what they serve.
mod defaults {
    use super::{Action as A, Key, KeyCode as C, KeyContext as X, alt_key, ch, ctrl, ctrl_key, k};

    type Table = &'static [(X, Key, A)];

    /// Everywhere, and finding a customer: the search, results, profile and filters.
    pub(super) const BROWSING: Table = &[
        (X::Global, ctrl('c'), A::Quit),
        (X::Global, ctrl('q'), A::Quit),
        (X::Global, k(C::F(1)), A::Help),
        (X::Global, ch('?'), A::Help),
        (X::Global, k(C::Esc), A::Back),
        (X::Global, k(C::Tab), A::NextPane),
        (X::Global, k(C::BackTab), A::PrevPane),
        (X::Global, ch('/'), A::FocusSearch),
        (X::Global, ctrl('f'), A::ToggleFilters),
        (X::Global, k(C::F(2)), A::ToggleFilters),
        (X::Global, ctrl('x'), A::ClearFilters),
        (X::Global, ctrl('r'), A::Retry),
        (X::Global, k(C::F(5)), A::Refresh),
        (X::Global, k(C::F(3)), A::CheckInMode),
        (X::Global, ctrl('t'), A::CheckInMode),
        (X::Global, k(C::F(4)), A::Edit),
        (X::Global, ctrl('n'), A::NewCustomer),
        (X::Global, ctrl('k'), A::Palette),
        (X::Global, k(C::F(12)), A::LockDesk),
        (X::Search, k(C::Down), A::Down),
        (X::Search, k(C::Enter), A::Open),
        (X::Search, ctrl('u'), A::ClearSearch),
        (X::Search, ch('?'), A::Help),
        (X::Results, k(C::Up), A::Up),
        (X::Results, k(C::Down), A::Down),
        (X::Results, k(C::PageUp), A::PageUp),
        (X::Results, k(C::PageDown), A::PageDown),
        (X::Results, k(C::Home), A::Top),
        (X::Results, ctrl_key(C::Home), A::Top),
        (X::Results, k(C::End), A::Bottom),
        (X::Results, ctrl_key(C::End), A::Bottom),
        (X::Results, k(C::Enter), A::Open),
        (X::Results, k(C::Right), A::Open),
        (X::Detail, k(C::Up), A::Up),
        (X::Detail, k(C::Down), A::Down),
        (X::Detail, k(C::PageUp), A::PageUp),
        (X::Detail, k(C::PageDown), A::PageDown),
        (X::Detail, k(C::Home), A::Top),
        (X::Detail, k(C::End), A::Bottom),
        (X::Detail, ctrl_key(C::Down), A::SelectNext),
        (X::Detail, alt_key(C::Down), A::SelectNext),
        (X::Detail, ctrl_key(C::Up), A::SelectPrev),
        (X::Detail, alt_key(C::Up), A::SelectPrev),
        (X::Detail, k(C::Left), A::Back),
        (X::Detail, ctrl('p'), A::UploadPhoto),
        (X::Detail, k(C::F(6)), A::EmergencyContacts),
        (X::Detail, k(C::F(7)), A::Notes),
        (X::Detail, k(C::F(8)), A::Alerts),
        (X::Filters, k(C::Up), A::Up),
        (X::Filters, ch('k'), A::Up),
        (X::Filters, k(C::Down), A::Down),
        (X::Filters, ch('j'), A::Down),
        (X::Filters, k(C::Home), A::Top),
        (X::Filters, k(C::End), A::Bottom),
        (X::Filters, k(C::Enter), A::Open),
        (X::Filters, ch(' '), A::CycleNext),
        (X::Filters, k(C::Right), A::CycleNext),
        (X::Filters, ch('l'), A::CycleNext),
        (X::Filters, k(C::Left), A::CyclePrev),
        (X::Filters, ch('h'), A::CyclePrev),
        (X::Filters, k(C::Delete), A::RemoveFilter),
        (X::Filters, k(C::Backspace), A::RemoveFilter),
        (X::Filters, ch('x'), A::RemoveFilter),
        (X::Filters, ch('f'), A::ToggleFilters),
        (X::FilterEdit, k(C::Enter), A::Confirm),
        (X::FilterEdit, k(C::Tab), A::Confirm),
    ];

    /// The check-in screen: scans, the family list, overrides, and the questions it asks.
    pub(super) const DESK: Table = &[
        (X::CheckIn, k(C::Enter), A::Submit),
        (X::CheckIn, ctrl('j'), A::Submit),
        (X::CheckIn, ctrl('z'), A::Undo),
        (X::CheckIn, ctrl('l'), A::LookupMode),
        (X::CheckIn, ctrl('u'), A::ClearSearch),
        (X::CheckIn, k(C::F(6)), A::Family),
        (X::Family, k(C::Up), A::Up),
        (X::Family, k(C::Down), A::Down),
        (X::Family, ch(' '), A::ToggleSelect),
        (X::Family, k(C::Enter), A::CheckInSelected),
        (X::Family, k(C::F(6)), A::Family),
        (X::Family, ctrl('z'), A::Undo),
        (X::CheckIn, k(C::F(8)), A::Override),
        (X::Override, k(C::Up), A::Up),
        (X::Override, k(C::Down), A::Down),
        (X::Override, k(C::Enter), A::Confirm),
        (X::Override, k(C::Tab), A::NextField),
        (X::Override, k(C::BackTab), A::PrevField),
        (X::Confirm, ch('y'), A::Confirm),
        (X::Confirm, k(C::Enter), A::Confirm),
        (X::Confirm, ch('n'), A::Back),
        (X::QuitQuestion, ch('y'), A::Confirm),
        (X::QuitQuestion, ch('Y'), A::Confirm),
        (X::QuitQuestion, ch('n'), A::Back),
        (X::QuitQuestion, ch('N'), A::Back),
    ];

    /// Forms, choices, conflicts, duplicate warnings, record lists and the photo picker.
    pub(super) const EDITING: Table = &[
        (X::Form, k(C::Tab), A::NextField),
        (X::Form, k(C::Down), A::NextField),
        (X::Form, k(C::Enter), A::NextField),
        (X::Form, k(C::BackTab), A::PrevField),
        (X::Form, k(C::Up), A::PrevField),
        (X::Form, ctrl('s'), A::Save),
        (X::Form, k(C::F(10)), A::Save),
        (X::Form, ctrl('p'), A::UploadPhoto),
        (X::FormChoice, ch(' '), A::CycleNext),
        (X::FormChoice, k(C::Right), A::CycleNext),
        (X::FormChoice, k(C::Left), A::CyclePrev),
        (X::FormChoice, k(C::Tab), A::NextField),
        (X::FormChoice, k(C::Down), A::NextField),
        (X::FormChoice, k(C::Enter), A::NextField),
        (X::FormChoice, k(C::BackTab), A::PrevField),
        (X::FormChoice, k(C::Up), A::PrevField),
        (X::FormChoice, ctrl('s'), A::Save),
        (X::FormChoice, k(C::F(10)), A::Save),
        (X::FormChoice, ctrl('p'), A::UploadPhoto),
        (X::Conflict, ch('k'), A::KeepMine),
        (X::Conflict, ch('t'), A::TakeTheirs),
        (X::Duplicates, k(C::Up), A::Up),
        (X::Duplicates, k(C::Down), A::Down),
        (X::Duplicates, k(C::Enter), A::Open),
        (X::Duplicates, ctrl('s'), A::CreateAnyway),
        (X::Duplicates, k(C::F(10)), A::CreateAnyway),
        (X::Records, k(C::Up), A::Up),
        (X::Records, ch('k'), A::Up),
        (X::Records, k(C::Down), A::Down),
        (X::Records, ch('j'), A::Down),
        (X::Records, k(C::Enter), A::Open),
        (X::Records, ch('e'), A::Open),
        (X::PhotoPick, k(C::Tab), A::Complete),
        (X::PhotoPick, k(C::Enter), A::Open),
        (X::PhotoPick, ctrl('s'), A::Save),
        (X::PhotoPick, k(C::F(10)), A::Save),
        (X::PhotoPick, ctrl('u'), A::ClearSearch),
    ];

    /// The help overlay, the command palette and the lock screen.
    pub(super) const OVERLAYS: Table = &[
        (X::Help, k(C::Up), A::Up),
        (X::Help, ch('k'), A::Up),
        (X::Help, k(C::Down), A::Down),
        (X::Help, ch('j'), A::Down),
        (X::Help, k(C::PageUp), A::PageUp),
        (X::Help, k(C::PageDown), A::PageDown),
        (X::Help, ch('?'), A::Back),
        (X::Help, k(C::F(1)), A::Back),
        (X::Help, ch('q'), A::Back),
        (X::Palette, k(C::Up), A::Up),
        (X::Palette, k(C::Down), A::Down),
        (X::Palette, k(C::PageUp), A::PageUp),
        (X::Palette, k(C::PageDown), A::PageDown),
        (X::Palette, k(C::Enter), A::Confirm),
        (X::Palette, ctrl('u'), A::ClearSearch),
        (X::Lock, k(C::Tab), A::NextField),
        (X::Lock, k(C::Down), A::NextField),
        (X::Lock, k(C::BackTab), A::PrevField),
        (X::Lock, k(C::Up), A::PrevField),
        (X::Lock, k(C::Enter), A::SignIn),
        (X::Lock, ctrl('u'), A::ClearSearch),
    ];
}

impl KeyMap {
    /// The defaults with the config's `[keys.<context>]` tables applied: a key
    /// named there is rebound (or unbound with `"none"`).
    pub fn with_overrides(overrides: &BTreeMap<String, BTreeMap<String, String>>) -> Result<KeyMap, String> {
        let mut map = KeyMap::default();
        for (context_name, keys) in overrides {
            let context = KeyContext::from_name(context_name).ok_or_else(|| {
                let names: Vec<_> = KeyContext::ALL.iter().map(|c| c.name()).collect();
                format!("[keys.{context_name}] is not a screen; use one of {}", names.join(", "))
            })?;
            for (key_text, action_name) in keys {
                let key = Key::parse(key_text).map_err(|e| format!("[keys.{context_name}]: {e}"))?;
                if matches!(context, KeyContext::Results | KeyContext::Detail)
                    && key.is_printable()
                    && action_name != "none"
                {
                    return Err(format!(
                        "[keys.{context_name}] \"{key_text}\": a printable key in the results list or the profile always starts a search; bind a ctrl-, alt- or f-key instead"
                    ));
                }
                map.bindings.retain(|b| !(b.context == context && b.key == key));
                if action_name == "none" {
                    continue;
                }
                let action = Action::from_name(action_name).ok_or_else(|| {
                    let names: Vec<_> = Action::ALL.iter().map(|a| a.name()).collect();
                    format!(
                        "[keys.{context_name}] \"{key_text}\" = {action_name:?} is not an action; use \"none\" or one of {}",
                        names.join(", ")
                    )
                })?;
                map.bindings.push(Binding { context, key, action });
            }
        }
        Ok(map)
    }

    /// The action for a key pressed in `context`: its own bindings first,
    /// then the global ones (whose plain characters do not apply where text
    /// is typed).
    pub fn action(&self, context: KeyContext, event: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(event);
        let own = self.bindings.iter().find(|b| b.context == context && b.key == key);
        let global = || {
            if context == KeyContext::Help && key.is_printable() {
                return None;
            }
            self.bindings
                .iter()
                .find(|b| b.context == KeyContext::Global && b.key == key)
                .filter(|_| !(context.takes_text() && key.is_printable()))
        };
        own.or_else(global).map(|b| b.action)
    }

    /// Every binding of a context, in table order.
    pub fn bindings(&self, context: KeyContext) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(move |b| b.context == context)
    }

    /// The keys that reach `action` in `context` (its own, then global).
    pub fn keys_for(&self, context: KeyContext, action: Action) -> Vec<Key> {
        let mut keys: Vec<Key> = self.bindings(context).filter(|b| b.action == action).map(|b| b.key).collect();
        for b in self.bindings(KeyContext::Global).filter(|b| b.action == action) {
            let shadowed = self.bindings(context).any(|own| own.key == b.key);
            let typed = context.takes_text() && b.key.is_printable();
            if !(shadowed || typed || keys.contains(&b.key)) {
                keys.push(b.key);
            }
        }
        keys
    }

    /// The footer for a context: (keys, few words) for the actions that
    /// matter there, each with the first key bound to it.
    pub fn footer(&self, context: KeyContext) -> Vec<(String, &'static str)> {
        let mut out: Vec<(String, &'static str)> = Vec::new();
        for &action in context.footer_actions() {
            let keys = self.keys_for(context, action);
            let Some(first) = keys.first() else { continue };
            let label = match action {
                Action::Down => {
                    let up = self.keys_for(context, Action::Up);
                    match up.first() {
                        Some(u) => format!("{u}{first}"),
                        None => first.to_string(),
                    }
                }
                _ => first.to_string(),
            };
            out.push((label, action.short()));
        }
        out
    }

    /// The `?` overlay's sections: context title and (keys, description),
    /// one row per action, keys joined in table order.
    pub fn help_sections(&self) -> Vec<(&'static str, Vec<(String, &'static str)>)> {
        KeyContext::ALL
            .iter()
            .map(|&context| {
                let mut rows: Vec<(Action, Vec<Key>)> = Vec::new();
                for b in self.bindings(context) {
                    match rows.iter_mut().find(|(a, _)| *a == b.action) {
                        Some((_, keys)) => keys.push(b.key),
                        None => rows.push((b.action, vec![b.key])),
                    }
                }
                let rows = rows
                    .into_iter()
                    .map(|(a, keys)| (keys.iter().map(Key::to_string).collect::<Vec<_>>().join(", "), a.description()))
                    .collect();
                (context.title(), rows)
            })
            .filter(|(_, rows): &(_, Vec<_>)| !rows.is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent { code, modifiers: mods, kind: KeyEventKind::Press, state: crossterm::event::KeyEventState::NONE }
    }

    #[test]
    fn keys_parse_from_config_text() {
        assert_eq!(Key::parse("ctrl-F").unwrap(), ctrl('f'));
        assert_eq!(Key::parse("f2").unwrap(), k(KeyCode::F(2)));
        assert_eq!(Key::parse("shift-tab").unwrap(), k(KeyCode::BackTab));
        assert_eq!(Key::parse("G").unwrap(), ch('G'));
        assert_eq!(Key::parse("space").unwrap(), ch(' '));
        assert_eq!(Key::parse("-").unwrap(), ch('-'));
        assert!(Key::parse("hyper-x").is_err());
        assert!(Key::parse("f99").is_err());
    }

    #[test]
    fn plain_characters_type_into_text_but_command_elsewhere() {
        let map = KeyMap::default();
        let q = press(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(map.action(KeyContext::Filters, &q), None);
        assert_eq!(map.action(KeyContext::Search, &q), None);
        for context in [KeyContext::Results, KeyContext::Detail] {
            for c in ' '..='~' {
                assert_eq!(map.action(context, &press(KeyCode::Char(c), KeyModifiers::NONE)), None, "{c:?}");
                assert_eq!(map.action(context, &press(KeyCode::Char(c), KeyModifiers::SHIFT)), None, "{c:?}");
            }
        }
        assert_eq!(
            map.action(KeyContext::Results, &press(KeyCode::Char('q'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            map.action(KeyContext::Search, &press(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(map.action(KeyContext::Search, &press(KeyCode::Esc, KeyModifiers::NONE)), Some(Action::Back));
        // Shift is not needed to match an upper-case binding.
        assert_eq!(
            map.action(KeyContext::QuitQuestion, &press(KeyCode::Char('Y'), KeyModifiers::SHIFT)),
            Some(Action::Confirm)
        );
        assert_eq!(map.action(KeyContext::QuitQuestion, &press(KeyCode::Enter, KeyModifiers::NONE)), None);
    }

    #[test]
    fn config_overrides_rebind_and_unbind() {
        let mut overrides = BTreeMap::new();
        overrides.insert(
            "results".to_string(),
            BTreeMap::from([("ctrl-o".to_string(), "open".to_string()), ("end".to_string(), "none".to_string())]),
        );
        let map = KeyMap::with_overrides(&overrides).unwrap();
        assert_eq!(
            map.action(KeyContext::Results, &press(KeyCode::Char('o'), KeyModifiers::CONTROL)),
            Some(Action::Open)
        );
        assert_eq!(map.action(KeyContext::Results, &press(KeyCode::End, KeyModifiers::NONE)), None);
        let printable =
            BTreeMap::from([("detail".to_string(), BTreeMap::from([("e".to_string(), "edit".to_string())]))]);
        assert!(KeyMap::with_overrides(&printable).unwrap_err().contains("starts a search"));
        assert!(map.help_sections().iter().any(|(_, rows)| rows.iter().any(|(keys, _)| keys.contains("ctrl-o"))));
        let bad = BTreeMap::from([("nowhere".to_string(), BTreeMap::new())]);
        assert!(KeyMap::with_overrides(&bad).unwrap_err().contains("results"));
    }

    #[test]
    fn the_footer_and_help_come_from_the_table() {
        let map = KeyMap::default();
        let footer = map.footer(KeyContext::Results);
        assert_eq!(footer[0], ("↑↓".to_string(), "move"));
        assert!(footer.contains(&("enter".to_string(), "open")));
        let help = map.help_sections();
        let (title, rows) = &help[0];
        assert_eq!(*title, "Everywhere");
        assert!(rows.contains(&("ctrl-c, ctrl-q".to_string(), "Quit")));
    }
}
