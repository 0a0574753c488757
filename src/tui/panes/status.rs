//! The status line (where the app is connected, what is loading, what went
//! wrong and how to retry) and the footer of keys that matter now. Neither is
//! ever cut: a message that does not fit wraps onto a second line, and the
//! footer's keys go on as many lines as they need.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{SPINNER, wrap};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::keymap::KeyContext;

/// The status text and its style.
fn status_text(app: &App) -> (String, Style) {
    let theme = &app.theme;
    let refused = &app.check_in.refused_on_delivery;
    if let Some(question) = &app.quit_question {
        (format!(" ● {question} Quit anyway? y yes · n or esc no"), theme.warn())
    } else if !refused.is_empty() {
        // Customers let in while the server was away, then refused by it:
        // they are inside. Who, here, on every screen; why is on the check-in
        // screen's verdict and today list (the whole sentence would push the
        // hint out of the status line's three rows at 80 columns).
        let who: Vec<&str> = refused.iter().map(|r| r.split_once(": ").map_or(r.as_str(), |(who, _)| who)).collect();
        let text = format!(
            " ✖ Let in while offline, then refused: {} · they are inside: settle it (F3 says why) · Enter on the empty scan field acknowledges",
            who.join(", ")
        );
        (text, theme.error())
    } else if let Some(notice) = &app.notice {
        let style = if notice.warn { theme.warn() } else { theme.ok() };
        (format!(" ● {}", notice.text), style)
    } else if let Some(problem) = &app.problem {
        let retry = app.keymap.keys_for(app.key_context(), Action::Retry);
        let hint = retry.first().map(|k| format!(" · {k} retry")).unwrap_or_default();
        let lead = if problem.offline { "● Offline: " } else { "● " };
        (format!(" {lead}{}{hint}", problem.message), theme.error())
    } else if app.is_busy() {
        let what = app.busy_with();
        (format!(" {} {what}…", SPINNER[app.spinner % SPINNER.len()]), theme.muted())
    } else {
        let shown = app.list.rows.len();
        let more = match app.list.count {
            Some(count) if (count as usize) > shown => format!(" · {shown} loaded"),
            _ => String::new(),
        };
        (format!(" ● {}{more}", app.server_label), theme.ok())
    }
}

/// The status line, wrapped to `width`.
pub fn status_lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let (text, style) = status_text(app);
    wrap(&text, width as usize).into_iter().map(|l| Line::styled(l, style)).collect()
}

pub fn render_status(frame: &mut Frame, area: Rect, app: &App) {
    frame.render_widget(Paragraph::new(status_lines(app, area.width)), area);
}

/// The footer's keys, as many to a line as fit, never cut.
pub fn footer_lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let width = width as usize;
    let mut lines = Vec::new();
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    let context = app.key_context();
    for (keys, mut words) in app.keymap.footer(context) {
        if context == KeyContext::CheckIn && app.check_in.lookup && words == Action::Submit.short() {
            words = "look up (no check-in)";
        }
        let len = keys.chars().count() + words.chars().count() + 1;
        if used + len > width && spans.len() > 1 {
            lines.push(Line::from(std::mem::replace(&mut spans, vec![Span::raw(" ")])));
            used = 1;
        }
        used += len + 2;
        spans.push(Span::styled(keys, theme.key()));
        spans.push(Span::raw(format!(" {words}  ")));
    }
    lines.push(Line::from(spans));
    lines
}

pub fn render_footer(frame: &mut Frame, area: Rect, app: &App) {
    frame.render_widget(Paragraph::new(footer_lines(app, area.width)), area);
}
