//! One file per pane: each draws itself from `&App` and never changes it.

pub mod check_in;
pub mod detail;
pub mod filters;
pub mod form;
pub mod help;
pub mod login;
pub mod photo_upload;
pub mod records;
pub mod results;
pub mod search;
pub mod status;

use ratatui::style::Style;
use ratatui::widgets::{Block, BorderType, Borders};

pub(crate) use super::text::{SPINNER, cell, fit, wrap};
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
