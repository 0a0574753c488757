//! The duplicate warning over the walk-in form: the customers who may be this person, best match
//! first, each with its name, age and birthday, membership and waiver badges, whether it has a photo
//! and what it shares with the walk-in; then the keys that decide.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{cell, fit, wrap};
use crate::tui::app::App;
use crate::tui::badges::{age_birthday, display_name, membership_badge, waiver_badge};
use crate::tui::duplicates::DuplicateWarning;

/// A whole "Last, First" of up to 30 characters, as in the results list.
const NAME: usize = 30;
/// The marker, name, age and birthday, badges and photo mark before what a match shares.
const ROW: usize = 2 + NAME + 1 + 15 + 1 + 7 + 1 + 10 + 1 + 8;

pub fn render(frame: &mut Frame, area: Rect, app: &App, warning: &DuplicateWarning) {
    let theme = &app.theme;
    let width = area.width as usize;
    let n = warning.matches.len();
    let who = if n == 1 { "1 existing customer may be" } else { "These existing customers may be" };
    let mut lines: Vec<Line> = wrap(&format!("⚠ Possible duplicate: {who} the person you are adding."), width)
        .into_iter()
        .map(|l| Line::styled(l, theme.warn()))
        .collect();
    lines.push(Line::raw(""));
    let mut selected_line = lines.len();
    for (index, c) in warning.matches.iter().enumerate() {
        let selected = index == warning.selected;
        if selected {
            selected_line = lines.len();
        }
        let (member, member_style) = membership_badge(c, theme);
        let (waiver, waiver_style) = waiver_badge(c, app.today, theme);
        let photo = if c.profile_image.is_some() || c.profile_image_small.is_some() { "photo" } else { "no photo" };
        let shared = warning.shared(c);
        let mut spans = vec![
            Span::styled(if selected { "▶ " } else { "  " }, theme.accent()),
            Span::styled(cell(&display_name(c), NAME), if selected { theme.selected() } else { theme.heading() }),
            Span::raw(format!(" {} ", cell(&age_birthday(c, app.today), 15))),
            Span::styled(cell(member, 7), member_style),
            Span::raw(" "),
            Span::styled(cell(&waiver, 10), waiver_style),
            Span::raw(" "),
            Span::styled(cell(photo, 8), theme.muted()),
        ];
        let shared = if shared.is_empty() { String::new() } else { format!(" same {shared}") };
        // What a match shares carries meaning: on its own line when the row has no room for it.
        if ROW + shared.chars().count() <= width {
            spans.push(Span::styled(shared, theme.warn()));
            lines.push(Line::from(spans));
        } else {
            lines.push(Line::from(spans));
            if !shared.is_empty() {
                lines.push(Line::styled(format!("   {}", shared.trim_start()), theme.warn()));
            }
        }
    }
    lines.push(Line::raw(""));
    lines.extend(key_lines(app, width));
    // Keep the highlighted match in view on a short screen.
    let rows = area.height as usize;
    let scroll = (selected_line + 2).saturating_sub(rows) as u16;
    let lines: Vec<Line> = lines.into_iter().map(|l| fit_line(l, width)).collect();
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), area);
}

/// The keys that decide, wrapped (never cut) to the width.
fn key_lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let keys = [
        ("↑/↓", "choose"),
        ("Enter", "open that customer (your form is kept)"),
        ("ctrl-s", "create anyway"),
        ("Esc", "back to the form"),
    ];
    let mut lines = Vec::new();
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for (key, what) in keys {
        let chunk = key.chars().count() + 1 + what.chars().count() + 3;
        if used > 0 && used + chunk > width {
            lines.push(Line::from(std::mem::take(&mut spans)));
            used = 0;
        }
        spans.push(Span::styled(key, app.theme.key()));
        spans.push(Span::raw(format!(" {what}   ")));
        used += chunk;
    }
    lines.push(Line::from(spans));
    lines
}

/// A line cut to the width (its spans' text, in their styles).
fn fit_line(line: Line<'_>, width: usize) -> Line<'_> {
    let mut left = width;
    let spans: Vec<Span> = line
        .spans
        .into_iter()
        .filter_map(|s| {
            if left == 0 {
                return None;
            }
            let text = fit(&s.content, left);
            left = left.saturating_sub(unicode_width::UnicodeWidthStr::width(text.as_str()));
            Some(Span::styled(text, s.style))
        })
        .collect();
    Line::from(spans).style(line.style)
}
