//! The command palette (`ctrl-k`): every action of the key table by name, with its keys and what it
//! does, filtered as you type (fuzzy, over the name and the description), run with Enter exactly as
//! its key would run it where the palette was opened.
//!
//! An action runs only where one of its keys would: where it has no key (Notes outside a profile,
//! Save outside a form) it is still listed, below the ones that run, dimmed with where it works, and
//! Enter on it says so instead of running it. Pure: the app routes keys here and runs what
//! [`Palette::chosen`] returns through its own dispatch.

pub mod fuzzy;

use tui_input::{Input, InputRequest};

use super::action::Action;
use super::keymap::{Key, KeyContext, KeyMap};

/// How far PageUp and PageDown move the selection.
pub const PAGE: usize = 10;
/// A name's match counts a little more than a description's (the name is what one remembers).
const NAME_BONUS: i32 = 8;

/// The palette: closed, or open over the context it was opened from.
#[derive(Debug, Default)]
pub struct Palette {
    open: Option<Open>,
}

#[derive(Debug)]
struct Open {
    /// Where the keys went when it opened: actions run there.
    origin: KeyContext,
    input: Input,
    /// The selected row of the filtered list.
    selected: usize,
}

/// One row of the list.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub action: Action,
    /// The keys that run it where the palette was opened, or where it works (see `here`).
    pub keys: String,
    /// It runs where the palette was opened; else `elsewhere` names where it does.
    pub here: bool,
    pub elsewhere: Option<&'static str>,
}

/// What Enter on the palette asks of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chosen {
    /// Nothing to run (no row).
    Nothing,
    /// Close the palette and run this action in the context it was opened from.
    Run(Action),
    /// The action has no key where the palette was opened: it works only in this context.
    NotHere(Action, Option<&'static str>),
}

impl Palette {
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// Opens it, empty, over `origin`.
    pub fn open(&mut self, origin: KeyContext) {
        self.open = Some(Open { origin, input: Input::default(), selected: 0 });
    }

    /// Closes it; true when it was open.
    pub fn close(&mut self) -> bool {
        self.open.take().is_some()
    }

    /// The context it was opened from.
    pub fn origin(&self) -> Option<KeyContext> {
        self.open.as_ref().map(|o| o.origin)
    }

    pub fn query(&self) -> &str {
        self.open.as_ref().map_or("", |o| o.input.value())
    }

    /// The typed text with its cursor, for drawing.
    pub fn input(&self) -> Option<&Input> {
        self.open.as_ref().map(|o| &o.input)
    }

    pub fn selected(&self) -> usize {
        self.open.as_ref().map_or(0, |o| o.selected)
    }

    /// A key typed into the filter: the selection goes back to the best match.
    pub fn typed(&mut self, request: InputRequest) {
        if let Some(open) = &mut self.open {
            let before = open.input.value().to_string();
            open.input.handle(request);
            if open.input.value() != before {
                open.selected = 0;
            }
        }
    }

    /// Text pasted into the filter (line breaks become spaces).
    pub fn paste(&mut self, text: &str) {
        for c in text.chars() {
            self.typed(InputRequest::InsertChar(if c.is_control() { ' ' } else { c }));
        }
    }

    /// Empties the filter.
    pub fn clear(&mut self) {
        if let Some(open) = &mut self.open {
            open.input.reset();
            open.selected = 0;
        }
    }

    /// Up, Down, PageUp or PageDown over a list of `rows` rows (the selection stays on the list).
    pub fn movement(&mut self, action: Action, rows: usize) {
        let Some(open) = &mut self.open else { return };
        let last = rows.saturating_sub(1);
        open.selected = match action {
            Action::Up => open.selected.saturating_sub(1),
            Action::Down => (open.selected + 1).min(last),
            Action::PageUp => open.selected.saturating_sub(PAGE),
            Action::PageDown => (open.selected + PAGE).min(last),
            _ => open.selected,
        }
        .min(last);
    }

    /// The rows for the typed filter, as the palette lists them.
    pub fn entries(&self, keymap: &KeyMap) -> Vec<Entry> {
        match &self.open {
            Some(open) => entries(keymap, open.origin, open.input.value()),
            None => Vec::new(),
        }
    }

    /// Enter: the selected row's action, if it runs here.
    pub fn chosen(&self, keymap: &KeyMap) -> Chosen {
        let entries = self.entries(keymap);
        match entries.get(self.selected().min(entries.len().saturating_sub(1))) {
            None => Chosen::Nothing,
            Some(e) if e.here => Chosen::Run(e.action),
            Some(e) => Chosen::NotHere(e.action, e.elsewhere),
        }
    }
}

/// Every action of the table but the palette itself, filtered by `query` and ordered: those that run
/// in `origin` first, then those that do not; within each, the best match first (table order on a
/// tie, and for an empty query).
pub fn entries(keymap: &KeyMap, origin: KeyContext, query: &str) -> Vec<Entry> {
    let mut scored: Vec<(bool, i32, usize, Entry)> = Action::ALL
        .into_iter()
        .filter(|&a| a != Action::Palette)
        .enumerate()
        .filter_map(|(order, action)| {
            let score = match_score(query, action)?;
            let here_keys = keymap.keys_for(origin, action);
            let entry = if here_keys.is_empty() {
                let (elsewhere, keys) = bound_elsewhere(keymap, action).unzip();
                Entry { action, keys: keys.unwrap_or_default(), here: false, elsewhere }
            } else {
                Entry { action, keys: join(&here_keys), here: true, elsewhere: None }
            };
            Some((entry.here, score, order, entry))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    scored.into_iter().map(|(_, _, _, e)| e).collect()
}

/// How well `query` matches an action: the better of its name (words split at `_`) and its
/// description.
fn match_score(query: &str, action: Action) -> Option<i32> {
    let name = fuzzy::score(query, &action.name().replace('_', " ")).map(|s| s + NAME_BONUS);
    let description = fuzzy::score(query, action.description());
    name.max(description)
}

/// The first context (in the table's order) where the action has a key of its own, with those keys.
fn bound_elsewhere(keymap: &KeyMap, action: Action) -> Option<(&'static str, String)> {
    KeyContext::ALL.into_iter().filter(|&c| c != KeyContext::Palette).find_map(|context| {
        let keys: Vec<Key> = keymap.bindings(context).filter(|b| b.action == action).map(|b| b.key).collect();
        (!keys.is_empty()).then(|| (context.title(), join(&keys)))
    })
}

fn join(keys: &[Key]) -> String {
    keys.iter().map(Key::to_string).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(entries: &[Entry]) -> Vec<&'static str> {
        entries.iter().map(|e| e.action.name()).collect()
    }

    #[test]
    fn empty_it_lists_every_action_but_itself_those_that_run_here_first() {
        let keymap = KeyMap::default();
        let all = entries(&keymap, KeyContext::Detail, "");
        assert_eq!(all.len(), Action::ALL.len() - 1);
        assert!(!names(&all).contains(&"command_palette"));
        let first_elsewhere = all.iter().position(|e| !e.here).unwrap();
        assert!(all[first_elsewhere..].iter().all(|e| !e.here), "here first, then elsewhere");
        let notes = all.iter().find(|e| e.action == Action::Notes).unwrap();
        assert!(notes.here && notes.keys == "f7", "{notes:?}");
        let save = all.iter().find(|e| e.action == Action::Save).unwrap();
        assert!(!save.here);
        assert_eq!(save.elsewhere, Some(KeyContext::Form.title()));
        assert_eq!(save.keys, "ctrl-s, f10");
    }

    #[test]
    fn typing_filters_by_name_or_description_best_first() {
        let keymap = KeyMap::default();
        let undo = entries(&keymap, KeyContext::CheckIn, "undo");
        assert_eq!(undo[0].action, Action::Undo);
        assert!(undo[0].here && undo[0].keys == "ctrl-z");
        // By description: "scan key tags" is the check-in screen's.
        assert_eq!(entries(&keymap, KeyContext::Search, "key tags")[0].action, Action::CheckInMode);
        // An abbreviation of the name's words.
        assert_eq!(entries(&keymap, KeyContext::CheckIn, "lkm")[0].action, Action::LookupMode);
        assert!(entries(&keymap, KeyContext::Search, "zzqx").is_empty());
        // Where an action does not run it still matches, after those that do.
        let notes = entries(&keymap, KeyContext::Search, "notes");
        let row = notes.iter().find(|e| e.action == Action::Notes).unwrap();
        assert!(!row.here && row.keys == "f7" && row.elsewhere == Some(KeyContext::Detail.title()));
    }

    #[test]
    fn the_selection_moves_within_the_list_and_enter_runs_only_what_runs_here() {
        let keymap = KeyMap::default();
        let mut palette = Palette::default();
        assert_eq!(palette.chosen(&keymap), Chosen::Nothing);
        palette.open(KeyContext::Search);
        palette.paste("notes");
        let rows = palette.entries(&keymap).len();
        palette.movement(Action::PageDown, rows);
        assert_eq!(palette.selected(), rows - 1);
        palette.movement(Action::PageUp, rows);
        assert_eq!(palette.selected(), 0);
        palette.clear();
        palette.paste("notes");
        let notes_at = palette.entries(&keymap).iter().position(|e| e.action == Action::Notes).unwrap();
        for _ in 0..notes_at {
            palette.movement(Action::Down, rows);
        }
        assert_eq!(palette.chosen(&keymap), Chosen::NotHere(Action::Notes, Some(KeyContext::Detail.title())));
        palette.typed(InputRequest::DeletePrevChar);
        assert_eq!(palette.selected(), 0, "a changed filter selects the best match again");
        palette.open(KeyContext::Detail);
        palette.paste("notes");
        assert_eq!(palette.chosen(&keymap), Chosen::Run(Action::Notes));
        assert!(palette.close() && !palette.close());
    }
}
