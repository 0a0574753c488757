//! The check-in screen: the scan field, the verdict across the full width (green, yellow, red), the
//! scanned customer with their photo and what to know, and today's scans.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::{cell, fit, pane_block, wrap};
use crate::model::Customer;
use crate::tui::app::App;
use crate::tui::check_in::banner::full_name;
use crate::tui::check_in::{LAST_CHECK_INS, Level, TodayState, Verdict, uses_left};
use crate::tui::holdings::{self, Tone};
use crate::tui::layout;

const PROMPT: &str = " Scan › ";

/// The check-in screen's places at `area`: the layout, told the rows the verdict and the card need.
pub fn areas(area: Rect, app: &App) -> layout::CheckInAreas {
    let card = card_height(app, layout::check_in_card_width(area));
    layout::check_in_areas(area, app.chrome(area), app.banner_lines(area.width).len() as u16, card)
}

pub fn render(frame: &mut Frame, app: &App) {
    let areas = areas(frame.area(), app);
    render_scan(frame, areas.scan, app);
    render_banner(frame, areas.banner, app);
    if let Some(verdict) = &app.check_in.verdict {
        match verdict.customer() {
            Some(customer) => {
                super::detail::render_photo(frame, areas.photo, app, customer);
                frame.render_widget(
                    Paragraph::new(customer_lines(app, verdict, customer, areas.details.width as usize)),
                    areas.details,
                );
            }
            None => {
                // A scan sent from the queue comes back without the customer's
                // record (the queue only delivers): say so, and how to see it.
                let delivered = verdict.headline == "REFUSED AFTER ENTRY" || verdict.check_in.is_some();
                let text = match verdict.level {
                    Level::Checking => "",
                    Level::Queued => "Who it is shows once the server answers.",
                    _ if delivered => {
                        "Sent from the queue after the outage, so the record was not loaded: ctrl-l (lookup) and scan the tag again to see who it is."
                    }
                    _ => "No customer record to show for this barcode.",
                };
                let area = Rect {
                    x: areas.photo.x,
                    width: areas.details.right().saturating_sub(areas.photo.x),
                    ..areas.photo
                };
                let lines: Vec<Line> =
                    wrap(text, area.width as usize).into_iter().map(|l| Line::styled(l, app.theme.muted())).collect();
                frame.render_widget(Paragraph::new(lines), area);
            }
        }
    } else {
        let hint = "Scan a key tag (or type its code and Enter). A scan anywhere in the app lands here.";
        let width = areas.details.right().saturating_sub(areas.photo.x);
        let lines: Vec<Line> =
            wrap(hint, width as usize).into_iter().map(|l| Line::styled(l, app.theme.muted())).collect();
        let height = (lines.len() as u16).min(areas.photo.height.max(1));
        frame.render_widget(Paragraph::new(lines), Rect { x: areas.photo.x, width, height, ..areas.photo });
    }
    render_today(frame, areas.today, app);
    render_undo_question(frame, app);
    super::override_choice::render(frame, app);
}

fn render_scan(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let mut right = Vec::new();
    if let Some(location) = &app.desk_location {
        right.push(Span::styled(format!("Checking in at {} ", location.name.trim()), theme.heading()));
    }
    if app.check_in.lookup {
        right.push(Span::styled(" LOOKUP MODE ", theme.fill_neutral()));
        right.push(Span::raw(" "));
    }
    if app.check_in.queued > 0 {
        right.push(Span::styled(format!("◷ {} queued ", app.check_in.queued), theme.warn()));
    }
    if app.check_in.journal_problem.is_some() {
        right.push(Span::styled("offline scans cannot be kept ", theme.error()));
    }
    let right_width: usize = right.iter().map(|s| s.content.width()).sum();
    let width = (area.width as usize).saturating_sub(PROMPT.width() + right_width + 1);
    let input = &app.check_in.input;
    let scroll = input.visual_scroll(width);
    let value: String = input.value().chars().skip(scroll).collect();
    let shown = if value.is_empty() {
        Span::styled("ready for the next scan", theme.muted())
    } else {
        Span::raw(fit(&value, width))
    };
    let pad = (area.width as usize).saturating_sub(PROMPT.width() + shown.width() + right_width);
    let mut spans = vec![Span::styled(PROMPT, theme.key()), shown, Span::raw(" ".repeat(pad))];
    spans.extend(right);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    if !app.help.is_open()
        && app.check_in.confirm_undo.is_none()
        && !app.check_in.family.focused
        && app.check_in.choosing_override.is_none()
    {
        let cursor = input.visual_cursor().saturating_sub(scroll);
        frame.set_cursor_position(Position::new(area.x + (PROMPT.width() + cursor) as u16, area.y));
    }
}

pub(super) fn banner_style(app: &App, level: Level) -> Style {
    let theme = &app.theme;
    match level {
        Level::In => theme.fill_ok(),
        Level::Notice => theme.fill_warn(),
        Level::Refused => theme.fill_error(),
        Level::Queued | Level::Info | Level::Checking => theme.fill_neutral(),
    }
}

fn render_banner(frame: &mut Frame, area: Rect, app: &App) {
    let mut lines: Vec<Line> = app.banner_lines(area.width).into_iter().map(Line::raw).collect();
    let Some(verdict) = &app.check_in.verdict else {
        frame.render_widget(Paragraph::new(lines).style(app.theme.muted()), area);
        return;
    };
    if area.height as usize > lines.len() {
        lines.insert(0, Line::raw(""));
    }
    frame.render_widget(Paragraph::new(lines).style(banner_style(app, verdict.level)), area);
}

/// Who it is and what to know, beside the photo.
fn customer_lines(app: &App, verdict: &Verdict, c: &Customer, width: usize) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let mut lines = Vec::new();
    let mut name = full_name(c);
    if !c.pronouns.trim().is_empty() {
        name.push_str(&format!(" · {}", c.pronouns.trim()));
    }
    lines.push(Line::styled(fit(&name, width), theme.heading()));

    let mut who = vec![];
    match (c.age_on(app.today), c.birthday) {
        (Some(age), Some(born)) => {
            who.push(Span::raw(format!("{age} years · born {born}")));
            if age < 18 {
                who.push(Span::raw("  "));
                who.push(Span::styled(" MINOR ", theme.fill_warn()));
            }
        }
        _ => who.push(Span::styled("no birthday on file", theme.muted())),
    }
    lines.push(Line::from(who));

    // The memberships, once loaded, are listed below each with its state, so
    // the summary from the customer's flags would only say it twice.
    let listed = verdict.details.holdings.memberships.as_ref().is_some_and(|m| !m.is_empty());
    let entry = match &verdict.check_in {
        Some(ci) => {
            let mut text = format!("Entry: {}", ci.entry_method_description.trim());
            if ci.entry_method_description.trim().is_empty() {
                text = format!("Entry: {}", ci.method().map_or(ci.entry_method.as_str(), |m| m.label()));
            }
            if let Some(left) = uses_left(&ci.entry_method_description) {
                text.push_str(&format!(" · {left} use{} left", if left == 1 { "" } else { "s" }));
            }
            Some(text)
        }
        None if listed => None,
        None if c.has_active_membership => Some("Membership: active".to_string()),
        None if c.has_frozen_membership => Some("Membership: frozen".to_string()),
        None => Some("No active membership".to_string()),
    };
    if let Some(mut entry) = entry {
        if c.number_of_available_entry_passes > 0 {
            let n = c.number_of_available_entry_passes;
            entry.push_str(&format!(" · {n} entry pass{}", if n == 1 { "" } else { "es" }));
        }
        lines.extend(wrap(&entry, width).into_iter().map(Line::raw));
    }
    // The family under who and how, where the eye already is (F6 moves into it).
    lines.extend(super::family::lines(app, width));

    let tone_style = |tone| match tone {
        Tone::Ok => theme.ok(),
        Tone::Plain => Style::new(),
        Tone::Warn => theme.warn(),
        Tone::Bad => theme.error(),
    };
    let push_wrapped = |lines: &mut Vec<Line<'static>>, text: String, style: Style| {
        lines.extend(wrap(&text, width).into_iter().map(|l| Line::styled(l, style)));
    };
    for m in verdict.details.holdings.memberships.iter().flatten() {
        let (text, tone) = holdings::membership_line(m, &app.locations);
        push_wrapped(&mut lines, format!("Membership: {text}"), tone_style(tone));
    }
    for p in verdict.details.holdings.entry_passes.iter().flatten() {
        let (text, tone) = holdings::pass_line(p, app.today);
        push_wrapped(&mut lines, format!("Pass: {text}"), tone_style(tone));
    }
    let documents: Vec<_> = verdict.details.holdings.documents.iter().flatten().filter(|d| d.status != "REV").collect();
    if documents.is_empty() {
        let (waiver, waiver_style) = waiver_from_flags(app, c);
        push_wrapped(&mut lines, waiver, waiver_style);
    }
    for d in documents {
        let (text, tone) = holdings::waiver_line(d, app.today);
        push_wrapped(&mut lines, format!("Waiver: {text}"), tone_style(tone));
    }

    for alert in verdict.details.alerts.iter().flatten() {
        let style = if alert.prevents_check_in { theme.error() } else { theme.warn() };
        let blocks = if alert.prevents_check_in { " (blocks check-in)" } else { "" };
        push_wrapped(&mut lines, format!("⚠ {}{blocks}", alert.message.trim()), style);
    }
    if let Some(notes) = &verdict.details.notes {
        for note in notes.iter().take(2) {
            let text = note.note.split_whitespace().collect::<Vec<_>>().join(" ");
            push_wrapped(&mut lines, format!("✎ {text}"), Style::new());
        }
        if notes.len() > 2 {
            lines.push(Line::styled(format!("  and {} more notes", notes.len() - 2), theme.muted()));
        }
    }
    if c.has_medical_notes {
        lines.push(Line::styled("✚ Medical notes on file: read them before climbing", theme.warn()));
    }
    if let Some(ci) = &verdict.check_in
        && verdict.headline == "UNDONE"
    {
        let n = ci.check_in_count;
        let text = format!("{n} check-in{} after the void", if n == 1 { "" } else { "s" });
        lines.push(Line::styled(fit(&text, width), theme.muted()));
    } else if let Some(ci) = &verdict.check_in {
        let mut visits = format!("Check-in number {}", ci.check_in_count);
        for milestone in ci.milestone_lines() {
            visits.push_str(&format!(" · ★ {milestone}"));
        }
        push_wrapped(&mut lines, visits, theme.muted());
    }
    if let Some(recent) = verdict.details.recent_check_ins.as_deref().filter(|r| !r.is_empty()) {
        lines.push(Line::styled("Last check-ins:", theme.muted()));
        for ci in recent.iter().take(LAST_CHECK_INS) {
            push_wrapped(&mut lines, format!("  {}  {}", ci.when(), ci.location_name.trim()), Style::new());
        }
    }
    lines
}

/// The rows the scanned customer's card takes at `width` (none without a customer).
pub fn card_height(app: &App, width: u16) -> u16 {
    match &app.check_in.verdict {
        Some(verdict) => match verdict.customer() {
            Some(c) => customer_lines(app, verdict, c, width as usize).len() as u16,
            None => 0,
        },
        None => 0,
    }
}

/// The waiver from the customer's own flags, when the server gives no documents.
fn waiver_from_flags(app: &App, c: &Customer) -> (String, Style) {
    let theme = &app.theme;
    match (c.active_waiver_exists, c.latest_waiver_expiration_date) {
        (true, Some(expiry)) => {
            let days = (expiry - app.today).get_days();
            let soon = days <= crate::tui::check_in::WAIVER_SOON_DAYS as i32;
            let left = match days {
                0 => "expires today".to_string(),
                1 => "1 day left".to_string(),
                n => format!("{n} days left"),
            };
            (format!("Waiver: valid until {expiry} ({left})"), if soon { theme.warn() } else { theme.ok() })
        }
        (true, None) => ("Waiver: valid, never expires".to_string(), theme.ok()),
        (false, Some(expiry)) => (format!("Waiver: expired {expiry}"), theme.error()),
        (false, None) => ("Waiver: none on file".to_string(), theme.error()),
    }
}

fn render_today(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let today = &app.check_in.today;
    let mut title = format!(" Today · {} scan{} ", today.len(), if today.len() == 1 { "" } else { "s" });
    if app.check_in.queued > 0 {
        title.push_str(&format!("· {} queued ", app.check_in.queued));
    }
    let block = pane_block(title, false, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if today.is_empty() {
        frame.render_widget(Paragraph::new(Line::styled("No scans yet.", theme.muted())), inner);
        return;
    }
    let width = inner.width as usize;
    let name_width = (width / 3).clamp(10, 26);
    let lines: Vec<Line> = today
        .iter()
        .take(inner.height as usize)
        .map(|entry| {
            let time = entry
                .taken_at
                .map(|t| t.to_zoned(app.time_zone.clone()).strftime("%H:%M").to_string())
                .unwrap_or_else(|| "     ".into());
            let (mark, what, style) = match &entry.state {
                TodayState::Checking => ("… sending", String::new(), theme.muted()),
                TodayState::In { method, notice: false } => ("✔ in     ", method.clone(), theme.ok()),
                TodayState::In { method, notice: true } => ("✔ in, !  ", method.clone(), theme.warn()),
                TodayState::Refused(text) => ("✖ refused", text.clone(), theme.error()),
                TodayState::Queued => ("◷ queued ", "waiting for the server".to_string(), theme.warn()),
                TodayState::Lost(why) => ("✖ lost   ", why.clone(), theme.error()),
                TodayState::Undone => ("↶ undone ", String::new(), theme.muted()),
            };
            let rest = width.saturating_sub(5 + 1 + 9 + 1 + name_width + 1);
            Line::from(vec![
                Span::styled(format!("{time} "), theme.muted()),
                Span::styled(mark.to_string(), style),
                Span::raw(" "),
                Span::raw(cell(entry.who(), name_width)),
                Span::raw(" "),
                Span::styled(fit(&what, rest), theme.muted()),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn render_undo_question(frame: &mut Frame, app: &App) {
    let Some(index) = app.check_in.confirm_undo else { return };
    let Some(entry) = app.check_in.today.get(index) else { return };
    let top = frame.area().height / 3;
    let inner = super::dialog(frame, " Undo check-in? ", (60, 5), 2, top, &app.theme);
    let lines = vec![
        Line::raw(fit(&format!("Void the check-in of {}?", entry.who()), inner.width as usize)),
        Line::raw(""),
        Line::styled("y undoes it · n keeps it", app.theme.key()),
    ];
    frame.render_widget(Paragraph::new(lines), inner);
}
