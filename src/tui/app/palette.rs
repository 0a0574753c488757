//! Routing for the command palette (the palette itself is [`crate::tui::palette`]): ctrl-k opens it
//! over where the keys go now, its keys move and filter, and Enter runs the chosen action through the
//! same dispatch as that action's key, in the context the palette was opened from.

use super::{App, Command};
use crate::tui::action::Action;
use crate::tui::palette::Chosen;

impl App {
    /// Ctrl-K: opens the palette over the context the keys go to now (the `?` overlay closes first:
    /// its own keys only scroll it).
    pub(super) fn open_palette(&mut self) {
        self.help.close();
        let origin = self.key_context();
        self.palette.open(origin);
        self.redraw = true;
    }

    /// An action pressed while the palette is open.
    pub(super) fn palette_action(&mut self, action: Action, out: &mut Vec<Command>) {
        self.redraw = true;
        match action {
            Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
                let rows = self.palette.entries(&self.keymap).len();
                self.palette.movement(action, rows);
            }
            Action::ClearSearch => self.palette.clear(),
            Action::Back | Action::Palette => {
                self.palette.close();
            }
            Action::Confirm => self.run_chosen(out),
            // Other keys (F-keys, ctrl-keys bound elsewhere) do nothing here: Esc first.
            _ => {}
        }
    }

    fn run_chosen(&mut self, out: &mut Vec<Command>) {
        match self.palette.chosen(&self.keymap) {
            Chosen::Nothing => {}
            Chosen::Run(action) => {
                self.palette.close();
                let context = self.key_context();
                self.dispatch(context, action, out);
            }
            Chosen::NotHere(action, elsewhere) => {
                let place = elsewhere.map(|title| format!(" (it works in: {title})")).unwrap_or_default();
                self.warn(format!("“{}” has no key here, so it cannot run here{place}", action.description()));
            }
        }
    }
}
