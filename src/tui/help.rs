//! The `?` overlay's content: every key of every context, generated from the keymap table, so it
//! can never disagree with what the keys do; and how far it scrolls.

use ratatui::layout::Rect;

use super::keymap::KeyMap;
use super::layout;

/// One line of the overlay.
#[derive(Debug, Clone, PartialEq)]
pub enum HelpLine {
    Blank,
    Title(&'static str),
    /// The keys, and what they do.
    Keys(String, &'static str),
    Note(&'static str),
}

const NOTES: [&str; 10] = [
    "In the search bar, the results list and the profile every printable key is typed: there it starts",
    "a new search and does nothing else. Actions are on ctrl- and f-keys; ? and / act only in the",
    "filters, lists and this overlay.",
    "Quitting (ctrl-c or ctrl-q) asks for a y when scans are queued, a form is unsaved, or a demo",
    "server would stop with the app.",
    "Backspace on an empty search removes the last filter chip.",
    "A barcode scanner's burst anywhere checks the customer in; in a form's barcode field it fills the field.",
    "Ctrl-N on the check-in screen after an unknown key tag starts the walk-in with that barcode.",
    "Mouse: click to select or open, wheel to scroll, click a chip to remove it.",
    "Keys can be changed in the config file: [keys.results] \"ctrl-o\" = \"open\".",
];

pub fn lines(keymap: &KeyMap) -> Vec<HelpLine> {
    let mut out = Vec::new();
    for (title, rows) in keymap.help_sections() {
        if !out.is_empty() {
            out.push(HelpLine::Blank);
        }
        out.push(HelpLine::Title(title));
        out.extend(rows.into_iter().map(|(keys, description)| HelpLine::Keys(keys, description)));
    }
    out.push(HelpLine::Blank);
    out.push(HelpLine::Title("Also"));
    out.extend(NOTES.iter().map(|note| HelpLine::Note(note)));
    out
}

/// How far the overlay scrolls on a `screen` of this size.
pub fn max_scroll(screen: Rect, keymap: &KeyMap) -> u16 {
    let inner = layout::inner(layout::help_area(screen));
    (lines(keymap).len() as u16).saturating_sub(inner.height)
}

/// The scroll after a movement key (`Up`, `Down`, page, top or bottom) on a `screen` of this size.
pub fn scrolled(scroll: u16, action: super::action::Action, screen: Rect, keymap: &KeyMap) -> u16 {
    use super::action::Action;
    match action {
        Action::Up => scroll.saturating_sub(1),
        Action::Down => scroll.saturating_add(1).min(max_scroll(screen, keymap)),
        Action::PageUp => scroll.saturating_sub(10),
        Action::PageDown => scroll.saturating_add(10).min(max_scroll(screen, keymap)),
        Action::Top => 0,
        _ => max_scroll(screen, keymap),
    }
}
