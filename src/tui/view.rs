//! Draws a frame from `&App`: the screen in front, then the status line, the footer and the `?` overlay.

use ratatui::Frame;

use super::app::{App, Screen};
use super::panes;

pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let (main, status, footer) = super::layout::with_status(area, app.chrome(area));
    match app.screen {
        Screen::Desk => draw_desk(frame, app),
        Screen::CheckIn => panes::check_in::render(frame, app),
        Screen::Form => panes::form::render(frame, main, app),
        Screen::Photo => panes::photo_upload::render(frame, app),
    }
    panes::status::render_status(frame, status, app);
    panes::status::render_footer(frame, footer, app);
    panes::palette::render(frame, app);
    panes::help::render(frame, app);
    panes::login::render(frame, app);
    panes::lock::render(frame, main, app);
}

fn draw_desk(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let areas = super::layout::areas(area, app.chrome(area), app.desk_panes());
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
    panes::records::render(frame, app);
}
