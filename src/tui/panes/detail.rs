//! The customer's profile: photo and who they are at the top (with what
//! needs attention: alerts, medical notes, waiver), then every field of the
//! seed in groups, then the sub-collections loaded on demand.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui_image::Image;

use super::{fit, pane_block};
use crate::client::SubCollection;
use crate::client::SubRecords;
use crate::model::Customer;
use crate::tui::app::{App, Focus, PhotoEntry, PhotoMode};
use crate::tui::badges::{display_name, membership_badge, waiver_badge};
use crate::tui::layout;
use crate::tui::profile::SubState;
use crate::tui::profile::body::{self, or_dash};
use crate::tui::text::plural;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let focused = app.focus == Focus::Detail && !app.help.is_open();
    let Some(customer) = app.list.selected_customer() else {
        let block = pane_block(" Profile ", focused, theme);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        frame.render_widget(Paragraph::new(Line::styled("No customer selected.", theme.muted())), inner);
        return;
    };
    let block = pane_block(format!(" {} ", display_name(customer)), focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let photo = layout::photo_rect(area);
    let header_height = photo.height.max(6).min(inner.height);
    let text_x = photo.x + photo.width + 2;
    let header_text = Rect {
        x: text_x.min(inner.x + inner.width),
        y: inner.y,
        width: (inner.x + inner.width).saturating_sub(text_x),
        height: header_height,
    };
    render_photo(frame, photo, app, customer);
    frame.render_widget(Paragraph::new(header_lines(app, customer, header_text.width as usize)), header_text);

    let body = Rect {
        x: inner.x,
        y: inner.y + header_height + 1,
        width: inner.width,
        height: inner.height.saturating_sub(header_height + 1),
    };
    if body.height == 0 {
        return;
    }
    let lines = body::body_lines(&app.profile_facts(), customer, body.width as usize);
    let max_scroll = (lines.len() as u16).saturating_sub(body.height);
    let scroll = app.detail.scroll.min(max_scroll);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), body);
}

/// The photo on screen (see `App::photo_key`), or what stands in for it: a "no photo on file"
/// warning, or that it is loading.
pub(crate) fn render_photo(frame: &mut Frame, rect: Rect, app: &App, customer: &Customer) {
    let theme = &app.theme;
    if let Some(key) = app.photo_key()
        && let Some(PhotoEntry::Ready(protocol)) = app.photos.get(&key)
    {
        frame.render_widget(Image::new(&protocol.0), rect);
        return;
    }
    let has_photo = customer.profile_image.as_deref().is_some_and(|u| !u.is_empty())
        || customer.profile_image_small.as_deref().is_some_and(|u| !u.is_empty());
    let (text, style) = match (app.photo_mode, has_photo) {
        (_, false) => (["No photo", "on file"], theme.warn()),
        (PhotoMode::Off, true) => (["Photos", "are off"], theme.muted()),
        (PhotoMode::On { .. }, true) => match app.photo_key().and_then(|k| app.photos.get(&k)) {
            Some(PhotoEntry::Failed(_)) => (["Photo could", "not be shown"], theme.error()),
            _ => (["Loading", "photo…"], theme.muted()),
        },
    };
    let block = Block::default().borders(Borders::ALL).border_style(theme.border());
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let lines: Vec<Line> = text.iter().map(|t| Line::raw(fit(t, inner.width as usize))).collect();
    let top = inner.y + inner.height.saturating_sub(2) / 2;
    frame.render_widget(
        Paragraph::new(lines).style(style).centered(),
        Rect { y: top, height: 2.min(inner.height), ..inner },
    );
}

fn header_lines(app: &App, c: &Customer, width: usize) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let mut name = format!("{} {}", c.first_name, c.last_name);
    if !c.preferred_name.trim().is_empty() && c.preferred_name != c.first_name {
        name.push_str(&format!(" “{}”", c.preferred_name));
    }
    let mut lines = vec![Line::styled(fit(&name, width), theme.heading().add_modifier(Modifier::BOLD))];
    let mut who = Vec::new();
    if let Some(b) = c.birthday {
        who.push(format!("{} years", c.age_on(app.today).unwrap_or_default()));
        who.push(format!("born {b}"));
    }
    if !c.pronouns.is_empty() {
        who.push(c.pronouns.clone());
    }
    let mut who_line = vec![Span::raw(fit(&who.join(" · "), width))];
    if c.age_on(app.today).is_some_and(|age| age < 18) {
        who_line.push(Span::raw("  "));
        who_line.push(Span::styled(" MINOR ", theme.fill_warn()));
    }
    lines.push(Line::from(who_line));
    let (member, member_style) = membership_badge(c, theme);
    let (waiver, waiver_style) = waiver_badge(c, app.today, theme);
    let member_text = match member {
        "member" => "Active membership".to_string(),
        "frozen" => "Membership frozen".to_string(),
        "future" => "Membership starts later".to_string(),
        "passes" => match c.number_of_available_entry_passes {
            1 => "1 entry pass".to_string(),
            n => format!("{n} entry passes"),
        },
        _ => "No membership".to_string(),
    };
    lines.push(Line::from(vec![
        Span::styled(member_text, member_style),
        Span::raw(" · "),
        Span::styled(waiver, waiver_style),
    ]));
    lines.push(Line::raw(fit(
        &format!(
            "Barcode {} · {} check-in{}",
            or_dash(&c.barcode),
            c.check_in_count,
            plural(usize::try_from(c.check_in_count).unwrap_or(usize::MAX))
        ),
        width,
    )));
    let mut attention = Vec::new();
    if let SubState::Loaded(SubRecords::Alerts(alerts)) = app.detail.sub(SubCollection::Alerts)
        && !alerts.is_empty()
    {
        let blocking = alerts.iter().any(|a| a.prevents_check_in);
        let text = format!(
            "⚠ {} alert{}{}",
            alerts.len(),
            plural(alerts.len()),
            if blocking { " (blocks check-in)" } else { "" }
        );
        attention.push(Span::styled(text, theme.error()));
    }
    if c.has_medical_notes {
        if !attention.is_empty() {
            attention.push(Span::raw("  "));
        }
        attention.push(Span::styled("✚ Medical notes on file", theme.warn()));
    }
    if !attention.is_empty() {
        lines.push(Line::from(attention));
    }
    lines
}
