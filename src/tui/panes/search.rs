//! The search bar (always one line at the top) and, under it, the active
//! filters as chips that a click or Backspace removes.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::SPINNER;
use crate::tui::app::{App, Focus};

const PROMPT: &str = " Search › ";

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let focused = app.focus == Focus::Search && !app.help.is_open();
    let right = if app.is_busy() {
        format!("{} searching… ", SPINNER[app.spinner % SPINNER.len()])
    } else {
        match app.list.count {
            Some(1) => "1 customer ".to_string(),
            Some(n) => format!("{n} customers "),
            None => String::new(),
        }
    };
    let prompt_style = if focused { theme.key() } else { theme.muted() };
    let input_width = (area.width as usize).saturating_sub(PROMPT.width() + right.width() + 1);
    let scroll = app.search.input().visual_scroll(input_width);
    let value: String = app.search.value().chars().skip(scroll).collect();
    let shown = if value.is_empty() && !focused {
        Span::styled("type a name, email, phone or barcode (/)", theme.muted())
    } else if value.is_empty() {
        Span::styled("type a name, email, phone or barcode", theme.muted())
    } else {
        Span::raw(super::fit(&value, input_width))
    };
    let used = PROMPT.width() + shown.width();
    let pad = (area.width as usize).saturating_sub(used + right.width());
    let line = Line::from(vec![
        Span::styled(PROMPT, prompt_style),
        shown,
        Span::raw(" ".repeat(pad)),
        Span::styled(right, theme.muted()),
    ]);
    frame.render_widget(Paragraph::new(line), area);
    if focused {
        let cursor = app.search.input().visual_cursor().saturating_sub(scroll);
        frame.set_cursor_position(Position::new(area.x + (PROMPT.width() + cursor) as u16, area.y));
    }
}

pub fn render_chips(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let mut spans = vec![Span::styled(crate::tui::layout::CHIPS_PREFIX, theme.muted())];
    let chips = app.chip_rects(area);
    for (index, _) in &chips {
        if let Some(text) = app.filters.values.chip(*index) {
            spans.push(Span::styled(format!(" {text} ×"), theme.chip()));
            spans.push(Span::styled(" ", theme.chip()));
            spans.push(Span::raw(" "));
        }
    }
    let hidden = app.filters.values.active().count() - chips.len();
    if hidden > 0 {
        spans.push(Span::styled(format!("+{hidden} more "), theme.muted()));
    }
    let clear = app.keymap.keys_for(crate::tui::keymap::KeyContext::Results, crate::tui::action::Action::ClearFilters);
    if let Some(key) = clear.first() {
        spans.push(Span::styled(format!("{key} clears all"), theme.muted()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
