//! One file per pane: each draws itself from `&App` and never changes it.

pub mod checkin;
pub mod detail;
pub mod filters;
pub mod form;
pub mod help;
pub mod photo_upload;
pub mod records;
pub mod results;
pub mod search;
pub mod status;

use ratatui::style::Style;
use ratatui::widgets::{Block, BorderType, Borders};

use super::theme::Theme;

/// A pane's frame, highlighted when it has the keys.
pub(crate) fn pane_block<'a>(title: impl Into<ratatui::text::Line<'a>>, focused: bool, theme: &Theme) -> Block<'a> {
    let border = if focused { theme.focused_border() } else { theme.border() };
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused { BorderType::Thick } else { BorderType::Plain })
        .border_style(border)
        .title(title.into())
        .title_style(if focused { theme.heading() } else { Style::new() })
}

/// Cuts text to `width` columns, marking the cut with `…`.
pub(crate) fn fit(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut out = String::new();
    let mut used = 0;
    let total: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return text.to_string();
    }
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// Pads (or cuts) text to exactly `width` columns.
pub(crate) fn cell(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let cut = fit(text, width);
    let pad = width.saturating_sub(cut.width());
    format!("{cut}{}", " ".repeat(pad))
}

pub(crate) const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
