//! The `?` overlay: every key of every context, generated from the keymap
//! table, so it can never disagree with what the keys do.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{cell, pane_block};
use crate::tui::app::App;
use crate::tui::layout;

fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let mut out = Vec::new();
    let key_width = 22.min(width / 2);
    for (title, rows) in app.keymap.help_sections() {
        if !out.is_empty() {
            out.push(Line::raw(""));
        }
        out.push(Line::styled(title.to_string(), theme.heading()));
        for (keys, description) in rows {
            out.push(Line::from(vec![
                Span::styled(format!("  {}", cell(&keys, key_width)), theme.key()),
                Span::raw(description.to_string()),
            ]));
        }
    }
    out.push(Line::raw(""));
    out.push(Line::styled("Also", theme.heading()));
    for note in [
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
    ] {
        out.push(Line::raw(format!("  {note}")));
    }
    out
}

/// The overlay's area: most of the screen, centred.
pub fn area(screen: Rect) -> Rect {
    let width = screen.width.saturating_sub(4).min(96);
    let height = screen.height.saturating_sub(2);
    Rect { x: screen.x + (screen.width - width) / 2, y: screen.y + 1, width, height }
}

pub fn max_scroll(app: &App) -> u16 {
    let inner = layout::inner(area(app.size));
    (lines(app, inner.width as usize).len() as u16).saturating_sub(inner.height)
}

pub fn render(frame: &mut Frame, app: &App) {
    let Some(scroll) = app.help else { return };
    let area = area(frame.area());
    frame.render_widget(Clear, area);
    let block = pane_block(" Keys · esc closes ", true, &app.theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let text = lines(app, inner.width as usize);
    frame.render_widget(Paragraph::new(text).scroll((scroll.min(max_scroll(app)), 0)), inner);
}
