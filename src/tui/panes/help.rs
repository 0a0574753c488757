//! The `?` overlay (its lines come from [`crate::tui::help`]).

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{cell, pane_block};
use crate::tui::app::App;
use crate::tui::help::{self, HelpLine};
use crate::tui::layout;

fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let key_width = 22.min(width / 2);
    help::lines(&app.keymap)
        .into_iter()
        .map(|line| match line {
            HelpLine::Blank => Line::raw(""),
            HelpLine::Title(title) => Line::styled(title.to_string(), theme.heading()),
            HelpLine::Keys(keys, description) => Line::from(vec![
                Span::styled(format!("  {}", cell(&keys, key_width)), theme.key()),
                Span::raw(description.to_string()),
            ]),
            HelpLine::Note(note) => Line::raw(format!("  {note}")),
        })
        .collect()
}

pub fn render(frame: &mut Frame, app: &App) {
    let Some(scroll) = app.help.scroll() else { return };
    let area = layout::help_area(frame.area());
    frame.render_widget(Clear, area);
    let block = pane_block(" Keys · esc closes ", true, &app.theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let text = lines(app, inner.width as usize);
    let max_scroll = help::max_scroll(app.size, &app.keymap);
    frame.render_widget(Paragraph::new(text).scroll((scroll.min(max_scroll), 0)), inner);
}
