//! The results list: what tells look-alikes apart (name, preferred name, age
//! and birthday, email, membership and waiver badges), with the total count.

use jiff::civil::Date;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{cell, pane_block};
use crate::model::Customer;
use crate::tui::app::{App, Focus};
use crate::tui::layout;
use crate::tui::theme::Theme;

/// Days before a waiver's expiry that the badge warns.
pub const WAIVER_WARNING_DAYS: i32 = 7;

struct Columns {
    name: usize,
    age: usize,
    email: usize,
    phone: usize,
    visits: usize,
    member: usize,
    waiver: usize,
}

fn columns(width: usize) -> Columns {
    let (member, waiver, age) = (6, 9, 14);
    let wide = width >= 100;
    let (phone, visits) = if wide { (15, 7) } else { (0, 0) };
    let gaps = if wide { 7 } else { 5 };
    let rest = width.saturating_sub(member + waiver + age + phone + visits + gaps);
    let name = rest * 45 / 100;
    Columns { name, age, email: rest - name, phone, visits, member, waiver }
}

/// The name as staff read it: `Smith, Ann` and `(Annie)` when she goes by another.
pub fn display_name(c: &Customer) -> String {
    let mut name = match (c.last_name.trim(), c.first_name.trim()) {
        ("", first) => first.to_string(),
        (last, "") => last.to_string(),
        (last, first) => format!("{last}, {first}"),
    };
    let preferred = c.preferred_name.trim();
    if !preferred.is_empty() && preferred != c.first_name.trim() {
        name.push_str(&format!(" ({preferred})"));
    }
    name
}

/// `34 1990-05-17`.
pub fn age_birthday(c: &Customer, today: Date) -> String {
    match (c.age_on(today), c.birthday) {
        (Some(age), Some(b)) => format!("{age:>3} {b}"),
        _ => "  ? no birthday".into(),
    }
}

/// The membership badge and its style.
pub fn membership_badge(c: &Customer, theme: &Theme) -> (&'static str, Style) {
    if c.has_active_membership {
        ("member", theme.ok())
    } else if c.has_frozen_membership {
        ("frozen", theme.warn())
    } else if c.has_membership_with_future_start {
        ("future", theme.warn())
    } else if c.number_of_available_entry_passes > 0 {
        ("passes", theme.ok())
    } else {
        ("—", theme.muted())
    }
}

/// The waiver badge: valid, expiring within a week, or missing.
pub fn waiver_badge(c: &Customer, today: Date, theme: &Theme) -> (String, Style) {
    if !c.active_waiver_exists {
        return ("no waiver".into(), theme.error());
    }
    match c.latest_waiver_expiration_date {
        Some(expiry) if (expiry - today).get_days() <= WAIVER_WARNING_DAYS && expiry >= today => {
            (format!("exp {}", expiry.strftime("%m-%d")), theme.warn())
        }
        _ => ("waiver ✓".into(), theme.ok()),
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let focused = app.focus == Focus::Results && app.help.is_none();
    let list = &app.list;
    let title = match list.count {
        Some(count) if !list.rows.is_empty() => {
            format!(" Customers · {} of {count} ", list.selected + 1)
        }
        Some(_) => " Customers · none ".to_string(),
        None => " Customers ".to_string(),
    };
    let block = pane_block(title, focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if list.rows.is_empty() {
        frame.render_widget(Paragraph::new(empty_message(app)).wrap(Wrap { trim: true }), inner);
        return;
    }
    let cols = columns(inner.width as usize);
    let wide = cols.phone > 0;
    let mut header = vec![cell("Name", cols.name), cell("Age Birthday", cols.age), cell("Email", cols.email)];
    if wide {
        header.push(cell("Telephone", cols.phone));
        header.push(cell("Visits", cols.visits));
    }
    header.push(cell("Member", cols.member));
    header.push(cell("Waiver", cols.waiver));
    let mut lines = vec![Line::styled(header.join(" "), theme.heading())];
    let rows = layout::result_rows(area);
    for (i, c) in list.rows.iter().enumerate().skip(list.offset).take(rows) {
        let (member, member_style) = membership_badge(c, theme);
        let (waiver, waiver_style) = waiver_badge(c, app.today, theme);
        let selected = i == list.selected;
        let base = if selected { theme.selected() } else { Style::new() };
        let badge = |style: Style| if selected { base } else { style };
        let mut spans = vec![
            Span::styled(cell(&display_name(c), cols.name), base),
            Span::styled(" ", base),
            Span::styled(cell(&age_birthday(c, app.today), cols.age), base),
            Span::styled(" ", base),
            Span::styled(cell(&c.email, cols.email), base),
            Span::styled(" ", base),
        ];
        if wide {
            spans.push(Span::styled(cell(&c.telephone, cols.phone), base));
            spans.push(Span::styled(" ", base));
            spans.push(Span::styled(cell(&format!("{:>5}", c.check_in_count), cols.visits), base));
            spans.push(Span::styled(" ", base));
        }
        spans.push(Span::styled(cell(member, cols.member), badge(member_style)));
        spans.push(Span::styled(" ", base));
        spans.push(Span::styled(cell(&waiver, cols.waiver), badge(waiver_style)));
        lines.push(Line::from(spans));
    }
    if list.next.is_some() && list.offset + rows >= list.rows.len() && lines.len() <= rows {
        lines.push(Line::styled("  loading more…", theme.muted()));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn empty_message(app: &App) -> Vec<Line<'static>> {
    let theme = &app.theme;
    if let (Some(problem), None) = (&app.problem, app.list.count) {
        return vec![Line::styled(problem.message.clone(), theme.error()), Line::raw(""), Line::raw(retry_hint(app))];
    }
    if app.list.count.is_none() {
        return vec![Line::styled("Loading customers…", theme.muted())];
    }
    let query = app.list.query.clone().unwrap_or_default();
    let mut lines = vec![if query.search.is_empty() {
        Line::raw("No customer matches these filters.")
    } else {
        Line::raw(format!("No customer matches “{}”.", query.search))
    }];
    if !app.filters.values.is_empty() {
        lines.push(Line::styled("Filters are on: remove a chip or clear them all to widen the search.", theme.muted()));
    }
    lines
}

fn retry_hint(app: &App) -> String {
    use crate::tui::action::Action;
    match app.keymap.keys_for(app.key_context(), Action::Retry).first() {
        Some(key) => format!("Press {key} to try again."),
        None => String::new(),
    }
}
