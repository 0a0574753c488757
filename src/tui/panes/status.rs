//! The status line (where the app is connected, what is loading, what went
//! wrong and how to retry) and the footer of keys that matter now. Neither is
//! ever cut: a message that does not fit wraps onto a second line, and the
//! footer's keys go on as many lines as they need.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::wrap;
use crate::tui::app::App;

/// The status line, wrapped to `width`.
pub fn status_lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let (text, style) = app.status_text();
    wrap(&text, width as usize).into_iter().map(|l| Line::styled(l, style)).collect()
}

pub fn render_status(frame: &mut Frame, area: Rect, app: &App) {
    frame.render_widget(Paragraph::new(status_lines(app, area.width)), area);
}

/// The footer's keys, as many to a line as fit, never cut.
pub fn footer_lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let rows = app.footer_rows(width);
    rows.into_iter()
        .map(|row| {
            let mut spans = vec![Span::raw(" ")];
            for (keys, words) in row {
                spans.push(Span::styled(keys, theme.key()));
                spans.push(Span::raw(format!(" {words}  ")));
            }
            Line::from(spans)
        })
        .collect()
}

pub fn render_footer(frame: &mut Frame, area: Rect, app: &App) {
    frame.render_widget(Paragraph::new(footer_lines(app, area.width)), area);
}
