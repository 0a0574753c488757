//! The status line (where the app is connected, what is loading, what went
//! wrong and how to retry) and the footer of keys that matter now.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{SPINNER, fit};
use crate::tui::action::Action;
use crate::tui::app::App;

pub fn render_status(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let width = area.width as usize;
    let line = if let Some(question) = &app.quit_question {
        Line::styled(fit(&format!(" ● {question} Quit anyway? y yes · n or esc no"), width), theme.warn())
    } else if let Some(notice) = &app.notice {
        let style = if notice.warn { theme.warn() } else { theme.ok() };
        Line::styled(fit(&format!(" ● {}", notice.text), width), style)
    } else if let Some(problem) = &app.problem {
        let retry = app.keymap.keys_for(app.key_context(), Action::Retry);
        let hint = retry.first().map(|k| format!(" · {k} retry")).unwrap_or_default();
        let lead = if problem.offline { "● Offline: " } else { "● " };
        Line::styled(fit(&format!(" {lead}{}{hint}", problem.message), width), theme.error())
    } else if app.is_busy() {
        let what = app.busy_with();
        Line::styled(format!(" {} {what}…", SPINNER[app.spinner % SPINNER.len()]), theme.muted())
    } else {
        let shown = app.list.rows.len();
        let more = match app.list.count {
            Some(count) if (count as usize) > shown => format!(" · {shown} loaded"),
            _ => String::new(),
        };
        Line::styled(fit(&format!(" ● {}{more}", app.server_label), width), theme.ok())
    };
    frame.render_widget(Paragraph::new(line), area);
}

pub fn render_footer(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for (keys, words) in app.keymap.footer(app.key_context()) {
        let len = keys.chars().count() + words.chars().count() + 3;
        if used + len > area.width as usize {
            break;
        }
        used += len;
        spans.push(Span::styled(keys, theme.key()));
        spans.push(Span::raw(format!(" {words}  ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
