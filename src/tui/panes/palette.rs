//! The command palette over the screen (its rows come from [`crate::tui::palette`]): the filter, where
//! the actions run, then one row per action with its keys and what it does; those without a key there
//! dimmed with where they work.

use ratatui::Frame;
use ratatui::layout::Position;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::{cell, fit};
use crate::tui::app::App;
use crate::tui::palette::Entry;

const PROMPT: &str = "› ";
/// The filter line and the line saying where actions run.
const HEAD_ROWS: u16 = 2;

pub fn render(frame: &mut Frame, app: &App) {
    let Some(origin) = app.palette.origin() else { return };
    let entries = app.palette.entries(&app.keymap);
    let screen = frame.area();
    let height = (entries.len() as u16 + HEAD_ROWS + 2).max(HEAD_ROWS + 3).min(screen.height.saturating_sub(2));
    let inner = super::dialog(frame, " Commands · enter runs · esc closes ", (96, height), 2, 1, &app.theme);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let width = inner.width as usize;
    let theme = &app.theme;
    let count = format!("{} of {}", entries.len(), crate::tui::action::Action::ALL.len() - 1);
    let query_width = width.saturating_sub(PROMPT.width() + count.width() + 1);
    let query = fit(app.palette.query(), query_width);
    let pad = width.saturating_sub(PROMPT.width() + query.width() + count.width());
    let mut lines = vec![
        Line::from(vec![
            Span::styled(PROMPT, theme.key()),
            Span::raw(query.clone()),
            Span::raw(" ".repeat(pad)),
            Span::styled(count, theme.muted()),
        ]),
        Line::styled(fit(&format!("Runs in: {}", origin.title()), width), theme.muted()),
    ];
    let visible = inner.height.saturating_sub(HEAD_ROWS) as usize;
    let selected = app.palette.selected().min(entries.len().saturating_sub(1));
    let skip = (selected + 1).saturating_sub(visible);
    if entries.is_empty() {
        lines.push(Line::styled(fit(&format!("No action matches “{}”", app.palette.query()), width), theme.warn()));
    }
    for (index, entry) in entries.iter().enumerate().skip(skip).take(visible) {
        lines.push(row(app, entry, index == selected, width));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some(input) = app.palette.input() {
        let cursor = input.visual_cursor().min(query.width());
        frame.set_cursor_position(Position::new(inner.x + (PROMPT.width() + cursor) as u16, inner.y));
    }
}

/// One action: its keys, what it does and its name; dimmed with where it works when it has no key here.
fn row(app: &App, entry: &Entry, selected: bool, width: usize) -> Line<'static> {
    let theme = &app.theme;
    let key_width = 16.min(width / 3);
    let marker = if selected { "▸ " } else { "  " };
    let tail = match entry.elsewhere {
        _ if entry.here => format!("  {}", entry.action.name()),
        Some(place) => format!("  not here · {place}"),
        None => "  not here · no key".to_string(),
    };
    let text_width = width.saturating_sub(marker.width() + key_width + 1);
    let description = entry.action.description();
    // Short of room the description keeps the most: the tail gets a third at most.
    let (description, tail) = if description.width() + tail.width() <= text_width {
        (description.to_string(), tail)
    } else {
        let description = fit(description, text_width.saturating_sub(tail.width().min(text_width / 3)));
        let tail = fit(&tail, text_width.saturating_sub(description.width()));
        (description, tail)
    };
    let pad = text_width.saturating_sub(description.width() + tail.width());
    let (key_style, text_style) =
        if entry.here { (theme.key(), ratatui::style::Style::new()) } else { (theme.muted(), theme.muted()) };
    let mut line = Line::from(vec![
        Span::raw(marker),
        Span::styled(format!("{} ", cell(&entry.keys, key_width)), key_style),
        Span::styled(description, text_style),
        Span::raw(" ".repeat(pad)),
        Span::styled(tail, theme.muted()),
    ]);
    if selected {
        line = line.style(theme.selected());
    }
    line
}
