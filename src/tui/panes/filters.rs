//! The filter pane: every filter of the seed, grouped, each with a typed
//! input (dates, numbers, lists) or a choice (yes / no / any, gender).

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{cell, fit, pane_block};
use crate::tui::app::{App, Focus};
use crate::tui::filter_set::{display_value, specs};
use crate::tui::filters::{Row, list_height, rows};

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let focused = app.focus == Focus::Filters && !app.help.is_open();
    let count = app.filters.values.active().count();
    let title = if count == 0 { " Filters ".to_string() } else { format!(" Filters · {count} on ") };
    let block = pane_block(title, focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let visible = list_height(inner);
    let label_width = (inner.width as usize / 2).clamp(16, 34);
    let value_width = (inner.width as usize).saturating_sub(label_width + 3);
    let mut lines = Vec::new();
    let mut cursor = None;
    for (line_no, row) in rows().into_iter().enumerate().skip(app.filters.offset(visible)).take(visible) {
        match row {
            Row::Heading(title) => lines.push(Line::styled(format!(" {title}"), theme.heading())),
            Row::Filter(i) => {
                let spec = &specs()[i];
                let selected = i == app.filters.selected;
                let editing = selected && app.filters.editing.is_some();
                let value = match (&app.filters.editing, app.filters.values.get(i)) {
                    (Some((input, _)), _) if editing => {
                        let scroll = input.visual_scroll(value_width.saturating_sub(1));
                        cursor = Some((input.visual_cursor().saturating_sub(scroll), line_no));
                        input.value().chars().skip(scroll).collect()
                    }
                    (_, Some(v)) => display_value(spec.kind, v),
                    (_, None) => "any".to_string(),
                };
                let set = app.filters.values.get(i).is_some();
                let label_style = if selected && focused { theme.selected() } else { ratatui::style::Style::new() };
                let value_style = if editing {
                    theme.key()
                } else if set {
                    theme.accent()
                } else {
                    theme.muted()
                };
                lines.push(Line::from(vec![
                    Span::styled(format!("  {} ", cell(spec.label, label_width)), label_style),
                    Span::styled(fit(&value, value_width), value_style),
                ]));
            }
        }
    }
    let list_area = Rect { height: visible as u16, ..inner };
    frame.render_widget(Paragraph::new(lines), list_area);
    if let (Some((col, line_no)), true) = (cursor, focused) {
        let row = line_no - app.filters.offset(visible);
        frame.set_cursor_position(Position::new(inner.x + (label_width + 3 + col) as u16, inner.y + row as u16));
    }
    let spec = &specs()[app.filters.selected];
    let hint = match &app.filters.editing {
        Some((_, Some(problem))) => Line::styled(fit(problem, inner.width as usize), theme.error()),
        Some(_) => Line::styled(
            fit(&format!(" {}: enter applies, esc cancels", spec.kind.hint()), inner.width as usize),
            theme.muted(),
        ),
        None if spec.kind.is_choice() => Line::styled(" space or ←/→ changes; x removes", theme.muted()),
        None => Line::styled(
            fit(&format!(" enter to type {}; x removes", spec.kind.hint()), inner.width as usize),
            theme.muted(),
        ),
    };
    let footer = Rect { y: inner.y + inner.height.saturating_sub(1), height: 1.min(inner.height), ..inner };
    frame.render_widget(Paragraph::new(hint), footer);
}
