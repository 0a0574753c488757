//! The edit form: one row per field (label, value, what is wrong with it right under it), choices shown
//! as choices, the government id masked; and, when someone changed the customer on the server meanwhile,
//! what changed, side by side, with the choice of whose version wins.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{cell, fit, pane_block};
use crate::tui::app::App;
use crate::tui::form::{Form, choice_label, mask};

const LABEL: usize = 18;
/// `● ` (changed) or two spaces, then the label, then a space.
const VALUE_X: usize = 2 + LABEL + 1;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let Some(form) = &app.editor.form else { return };
    let theme = &app.theme;
    let block = pane_block(format!(" {} ", form.title()), !app.help.is_open(), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if let Some(warning) = &app.editor.duplicates {
        super::duplicates::render(frame, inner, app, warning);
        return;
    }
    if let Some((conflicts, _)) = &form.conflict {
        render_conflict(frame, inner, app, conflicts);
        return;
    }
    let width = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    if let Some(problem) = &form.general_problem {
        lines.push(Line::styled(fit(&format!("✖ {problem}"), width), theme.error()));
    }
    let header = lines.len();
    let mut focus_lines = (0, 0);
    let mut cursor = None;
    for (index, field) in form.fields.iter().enumerate() {
        let focused = index == form.focused;
        if focused {
            focus_lines.0 = lines.len();
        }
        let marker = if field.is_changed() { Span::styled("● ", theme.accent()) } else { Span::raw("  ") };
        let label = format!("{}{}", field.label, if field.required { " *" } else { "" });
        let label_style = if focused { theme.key() } else { theme.muted() };
        let room = width.saturating_sub(VALUE_X + 1);
        let (value, value_style) = if field.is_choice() {
            let label = choice_label(field.kind, &app.locations, field.value());
            if focused { (format!("‹ {label} ›"), theme.selected()) } else { (label, Style::new()) }
        } else {
            let text = if field.sensitive { mask(field.value()) } else { field.value().to_string() };
            let scroll = if focused { field.input.visual_scroll(room) } else { 0 };
            let shown: String = text.chars().skip(scroll).collect();
            if focused {
                let x = field.input.visual_cursor().saturating_sub(scroll);
                cursor = Some((VALUE_X + x, lines.len()));
            }
            (fit(&shown, room), Style::new())
        };
        let value = if value.is_empty() && !focused && !field.is_choice() { "—".to_string() } else { value };
        lines.push(Line::from(vec![
            marker,
            Span::styled(cell(&label, LABEL), label_style),
            Span::raw(" "),
            Span::styled(value, value_style),
        ]));
        if let Some(problem) = field.shown_problem(form.submitted) {
            lines.push(Line::styled(fit(&format!("{}✖ {problem}", " ".repeat(VALUE_X)), width), theme.error()));
        }
        if focused {
            focus_lines.1 = lines.len();
        }
    }
    // The hint keeps the pane's last row; the fields scroll above it, below the general problem, so
    // that the focused field (and its problem) is in view.
    let hint_row = Rect { y: inner.y + inner.height.saturating_sub(1), height: 1.min(inner.height), ..inner };
    frame.render_widget(Paragraph::new(Line::styled(fit(&hint(form), width), theme.muted())), hint_row);
    let height = inner.height.saturating_sub(2) as usize;
    let visible = height.saturating_sub(header).max(1);
    let offset = focus_lines.1.saturating_sub(header + visible).min(focus_lines.0.saturating_sub(header));
    let mut shown: Vec<Line> = lines[..header].to_vec();
    shown.extend(lines[header + offset..].iter().cloned());
    frame.render_widget(Paragraph::new(shown), Rect { height: height as u16, ..inner });
    if let Some((x, line)) = cursor
        && !app.help.is_open()
        && line >= header + offset
        && line - offset < height
    {
        frame.set_cursor_position(Position::new(inner.x + x as u16, inner.y + (line - offset) as u16));
    }
}

fn hint(form: &Form) -> String {
    let required = "* must be filled in.";
    if form.focused_field().name == "barcode" {
        format!("{required} Scan a new key tag now to put its code here.")
    } else if form.focused_field().is_choice() {
        format!("{required} Space or ←/→ changes the choice.")
    } else if form.focused_field().sensitive {
        format!("{required} Shown masked: only the last four characters are visible.")
    } else {
        format!("{required} ● marks what you changed; only that is sent.")
    }
}

fn render_conflict(frame: &mut Frame, area: Rect, app: &App, conflicts: &[crate::tui::form::FieldConflict]) {
    let theme = &app.theme;
    let width = area.width as usize;
    let column = (width.saturating_sub(LABEL + 2) / 3).max(8);
    let shown = |field_label: &str, text: &str| -> String {
        let sensitive = field_label == "Government id";
        let text = if sensitive { mask(text) } else { text.to_string() };
        if text.trim().is_empty() { "—".into() } else { text }
    };
    let mut lines = vec![
        Line::styled(
            fit("Changed on the server since you opened the form. Nothing is saved yet.", width),
            theme.warn(),
        ),
        Line::raw(""),
        Line::from(vec![
            Span::styled(cell("", LABEL + 2), theme.muted()),
            Span::styled(cell("Before", column), theme.muted()),
            Span::styled(cell("On the server", column), theme.muted()),
            Span::styled(cell("Yours", column), theme.muted()),
        ]),
    ];
    for c in conflicts {
        let mine = if c.mine_changed { shown(&c.label, &c.mine) } else { "(you left it)".to_string() };
        let style = if c.mine_changed { theme.error() } else { Style::new() };
        lines.push(Line::from(vec![
            Span::raw(cell(&format!("  {}", c.label), LABEL + 2)),
            Span::raw(cell(&shown(&c.label, &c.before), column)),
            Span::styled(cell(&shown(&c.label, &c.theirs), column), theme.accent()),
            Span::styled(cell(&mine, column), style),
        ]));
    }
    lines.push(Line::raw(""));
    let keys = app.keymap.footer(app.key_context());
    let say = |action: &str| keys.iter().find(|(_, w)| *w == action).map(|(k, _)| k.clone()).unwrap_or_default();
    for text in [
        format!("{}  keep yours: save your changes; fields you left take the server's", say("keep mine")),
        format!("{}  take theirs into the form (your other edits stay), then look again", say("take theirs")),
        format!("{}  back to the form; nothing is saved", say("back")),
    ] {
        lines.push(Line::raw(fit(&format!("  {text}"), width)));
    }
    frame.render_widget(Paragraph::new(lines), area);
}
