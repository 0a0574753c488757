//! One file per pane: each draws itself from `&App` and never changes it.

pub mod check_in;
pub mod detail;
pub mod duplicates;
pub mod family;
pub mod filters;
pub mod form;
pub mod help;
pub mod lock;
pub mod login;
pub mod override_choice;
pub mod palette;
pub mod photo_upload;
pub mod records;
pub mod results;
pub mod search;
pub mod status;

use ratatui::style::Style;
use ratatui::widgets::{Block, BorderType, Borders};

pub(crate) use super::text::{SPINNER, cell, fit, wrap};
use super::theme::Theme;

/// A dialog over the screen: `width` wide at most (less `margin` either side
/// on a narrow screen), `height` high, centred across and `top` rows down;
/// cleared, framed and titled. Returns its inside.
pub(crate) fn dialog(
    frame: &mut ratatui::Frame,
    title: &str,
    (width, height): (u16, u16),
    margin: u16,
    top: u16,
    theme: &Theme,
) -> ratatui::layout::Rect {
    let screen = frame.area();
    let width = width.min(screen.width.saturating_sub(margin * 2));
    let area = ratatui::layout::Rect { x: screen.x + (screen.width - width) / 2, y: screen.y + top, width, height };
    frame.render_widget(ratatui::widgets::Clear, area);
    let block = pane_block(title.to_string(), true, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

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
