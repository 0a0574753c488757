//! Where each pane goes, as a pure function of the terminal size and the
//! app's state, so drawing, mouse hit-testing and "how big is the photo"
//! all agree.

use ratatui::layout::{Constraint, Layout, Rect};

use super::app::{App, Focus};

/// From this width on, the results and the profile sit side by side.
pub const WIDE: u16 = 120;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Areas {
    pub search: Rect,
    pub chips: Option<Rect>,
    pub results: Option<Rect>,
    pub detail: Option<Rect>,
    pub filters: Option<Rect>,
    pub status: Rect,
    pub footer: Rect,
}

pub fn areas(area: Rect, app: &App) -> Areas {
    let chips_height = u16::from(!app.filters.values.is_empty());
    let [search, chips, main, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(chips_height),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let mut out = Areas { search, chips: (chips_height > 0).then_some(chips), status, footer, ..Areas::default() };
    if area.width >= WIDE {
        let [left, right] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(main);
        out.results = Some(left);
        if app.filters.open {
            out.filters = Some(right);
        } else {
            out.detail = Some(right);
        }
    } else {
        match app.focus {
            Focus::Filters if app.filters.open => out.filters = Some(main),
            Focus::Detail => out.detail = Some(main),
            _ => out.results = Some(main),
        }
    }
    out
}

/// The photo's cells inside the detail pane: bigger when there is room.
pub fn photo_rect(detail: Rect) -> Rect {
    let inner = inner(detail);
    let (w, h) = if inner.width >= 70 && inner.height >= 30 { (24, 12) } else { (16, 8) };
    Rect { x: inner.x, y: inner.y, width: w.min(inner.width), height: h.min(inner.height) }
}

/// Inside a one-cell border.
pub fn inner(r: Rect) -> Rect {
    Rect { x: r.x + 1, y: r.y + 1, width: r.width.saturating_sub(2), height: r.height.saturating_sub(2) }
}

/// How many customer rows the results pane shows (its border and header row
/// take three lines).
pub fn result_rows(results: Rect) -> usize {
    usize::from(results.height.saturating_sub(3))
}

/// Where each chip sits on the chips line: (filter index, area).
pub fn chip_rects(chips: Rect, app: &App) -> Vec<(usize, Rect)> {
    let mut x = chips.x + super::panes::search::CHIPS_PREFIX.chars().count() as u16;
    let mut out = Vec::new();
    for (index, _) in app.filters.values.active() {
        let Some(text) = app.filters.values.chip(index) else { continue };
        let width = super::panes::search::chip_width(&text);
        if x + width > chips.x + chips.width {
            break;
        }
        out.push((index, Rect { x, y: chips.y, width, height: 1 }));
        x += width + 1;
    }
    out
}
