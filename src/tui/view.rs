//! Draws a frame from `&App`: the layout decides where, each pane draws itself.

use ratatui::Frame;

use super::app::App;
use super::panes;

pub fn draw(frame: &mut Frame, app: &App) {
    let areas = super::layout::areas(frame.area(), app);
    panes::search::render(frame, areas.search, app);
    if let Some(chips) = areas.chips {
        panes::search::render_chips(frame, chips, app);
    }
    if let Some(results) = areas.results {
        panes::results::render(frame, results, app);
    }
    if let Some(detail) = areas.detail {
        panes::detail::render(frame, detail, app);
    }
    if let Some(filters) = areas.filters {
        panes::filters::render(frame, filters, app);
    }
    panes::status::render_status(frame, areas.status, app);
    panes::status::render_footer(frame, areas.footer, app);
    panes::help::render(frame, app);
}
