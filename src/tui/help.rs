//! The `?` overlay's content: every key of every context, generated from the keymap table, so it
//! can never disagree with what the keys do; and how far it scrolls.

use ratatui::layout::Rect;

use super::keymap::KeyMap;
use super::layout;

/// The overlay: closed, or open at a scroll.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct HelpOverlay {
    scroll: Option<u16>,
}

impl HelpOverlay {
    pub fn is_open(&self) -> bool {
        self.scroll.is_some()
    }

    /// How far it is scrolled, while it is open.
    pub fn scroll(&self) -> Option<u16> {
        self.scroll
    }

    /// `?`: opens it at the top, or closes it.
    pub fn toggle(&mut self) {
        self.scroll = if self.scroll.is_some() { None } else { Some(0) };
    }

    /// Closes it; true when it was open.
    pub fn close(&mut self) -> bool {
        self.scroll.take().is_some()
    }

    /// A movement key (or the wheel) on the overlay, on a `screen` of this size.
    pub fn movement(&mut self, action: super::action::Action, screen: Rect, keymap: &KeyMap) {
        self.scroll = Some(scrolled(self.scroll.unwrap_or(0), action, screen, keymap));
    }
}

/// One line of the overlay.
#[derive(Debug, Clone, PartialEq)]
pub enum HelpLine {
    Blank,
    Title(&'static str),
    /// The keys, and what they do.
    Keys(String, &'static str),
    Note(&'static str),
}

const NOTES: [&str; 11] = [
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
    "Ctrl-K (anywhere) opens the command palette: type part of an action's name, Enter runs it there.",
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::action::Action;

    #[test]
    fn the_overlay_opens_at_the_top_scrolls_and_closes_once() {
        let (screen, keymap) = (Rect::new(0, 0, 80, 12), KeyMap::default());
        let mut help = HelpOverlay::default();
        help.toggle();
        assert_eq!(help.scroll(), Some(0));
        help.movement(Action::Down, screen, &keymap);
        help.movement(Action::Down, screen, &keymap);
        help.movement(Action::Up, screen, &keymap);
        assert_eq!(help.scroll(), Some(1));
        help.movement(Action::Bottom, screen, &keymap);
        assert_eq!(help.scroll(), Some(max_scroll(screen, &keymap)));
        assert!(help.close(), "it was open");
        assert!(!help.close() && !help.is_open() && help.scroll().is_none());
        help.toggle();
        help.toggle();
        assert!(!help.is_open(), "? again closes it");
    }
}
