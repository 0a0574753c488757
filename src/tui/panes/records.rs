//! The contacts, notes or alerts of the customer on the profile, over it: pick one to edit, or the first
//! row to add one.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use super::{fit, pane_block};
use crate::client::SubCollection;
use crate::tui::app::App;
use crate::tui::form::record_noun;

fn title(kind: SubCollection) -> &'static str {
    match kind {
        SubCollection::EmergencyContacts => "Emergency contacts",
        SubCollection::Notes => "Notes",
        SubCollection::Alerts => "Alerts",
        SubCollection::Relations => "Relations",
        SubCollection::CheckIns => "Check-ins",
        SubCollection::Memberships => "Memberships",
        SubCollection::EntryPasses => "Entry passes",
        SubCollection::Documents => "Waivers",
    }
}

pub fn render(frame: &mut Frame, app: &App) {
    let Some(list) = app.records.current() else { return };
    let theme = &app.theme;
    let screen = frame.area();
    let width = screen.width.saturating_sub(4).min(90);
    let rows = list.items.len() as u16 + 1;
    let height = (rows + 4).min(screen.height.saturating_sub(4));
    let area = Rect { x: screen.x + (screen.width - width) / 2, y: screen.y + 2, width, height };
    frame.render_widget(Clear, area);
    let block = pane_block(format!(" {} · {} ", title(list.kind), list.customer_name), !app.help.is_open(), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let text_width = inner.width as usize;
    let mut lines = vec![format!("+ Add a new {}", record_noun(list.kind))];
    lines.extend(list.items.iter().map(|(line, _, _)| line.clone()));
    let visible = inner.height.saturating_sub(2) as usize;
    let offset = (list.selected + 1).saturating_sub(visible.max(1));
    let mut out: Vec<Line> = lines
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .map(|(i, text)| {
            let text = fit(&format!(" {text}"), text_width);
            if i == list.selected {
                Line::styled(format!("{text:<text_width$}"), theme.selected())
            } else {
                Line::raw(text)
            }
        })
        .collect();
    out.push(Line::raw(""));
    out.push(Line::styled("enter opens it in a form · esc closes", theme.muted()));
    frame.render_widget(Paragraph::new(out), inner);
}
