//! The results list: what tells look-alikes apart (name, preferred name, age
//! and birthday, email, membership and waiver badges), with the total count.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use unicode_width::UnicodeWidthStr;

use super::{cell, pane_block};
use crate::tui::app::{App, Focus};
use crate::tui::badges::{age_birthday, display_name, membership_badge, waiver_badge};
use crate::tui::layout;

/// Column widths of the results list (0: not shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    pub name: usize,
    pub age: usize,
    pub email: usize,
    pub phone: usize,
    pub visits: usize,
    pub member: usize,
    pub waiver: usize,
}

/// Room for a whole "Last, First" of this many characters, whatever else goes.
pub const NAME_ROOM: usize = 30;
const AGE_ONLY: usize = 3;
const AGE_BIRTHDAY: usize = 14;
const EMAIL_MIN: usize = 12;
const PHONE: usize = 15;
const VISITS: usize = 6;
const MEMBER: usize = 6;
const WAIVER: usize = 9;

/// The columns for a pane `width` wide whose longest name (with a preferred name) is `longest`.
///
/// The name always gets the room its longest needs, up to [`NAME_ROOM`] columns; age, membership
/// and waiver always show. When the
/// rest does not fit, columns go in this order: visits, then telephone, then email (below
/// `EMAIL_MIN` it is not worth showing), then the birthday beside the age. Room left over
/// goes first to the name (up to its longest) and then to the email.
pub fn columns(width: usize, longest: usize) -> Columns {
    let mut c = Columns {
        name: longest.clamp(4, NAME_ROOM),
        age: AGE_BIRTHDAY,
        email: EMAIL_MIN,
        phone: PHONE,
        visits: VISITS,
        member: MEMBER,
        waiver: WAIVER,
    };
    let total = |c: &Columns| {
        let shown = [c.name, c.age, c.email, c.phone, c.visits, c.member, c.waiver];
        shown.iter().sum::<usize>() + shown.iter().filter(|w| **w > 0).count().saturating_sub(1)
    };
    for drop in 0..4 {
        if total(&c) <= width {
            break;
        }
        match drop {
            0 => c.visits = 0,
            1 => c.phone = 0,
            2 => c.email = 0,
            _ => c.age = AGE_ONLY,
        }
    }
    if total(&c) > width {
        // Narrower than any desk terminal: the name takes what is left.
        c.name = c.name.saturating_sub(total(&c) - width);
        return c;
    }
    let spare = width - total(&c);
    let to_name = if c.email > 0 { spare.min(longest.saturating_sub(c.name)) } else { spare };
    c.name += to_name;
    if c.email > 0 {
        c.email += spare - to_name;
    }
    c
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let focused = app.focus == Focus::Results && !app.help.is_open();
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
    let rows = layout::result_rows(area);
    let visible = || list.rows.iter().enumerate().skip(list.offset).take(rows);
    let longest = visible().map(|(_, c)| display_name(c).width()).max().unwrap_or(0);
    let cols = columns(inner.width as usize, longest);
    let age_title = if cols.age == AGE_ONLY { "Age" } else { "Age Birthday" };
    let mut header = vec![cell("Name", cols.name), cell(age_title, cols.age)];
    for (title, width) in [("Email", cols.email), ("Telephone", cols.phone), ("Visits", cols.visits)] {
        if width > 0 {
            header.push(cell(title, width));
        }
    }
    header.push(cell("Member", cols.member));
    header.push(cell("Waiver", cols.waiver));
    let mut lines = vec![Line::styled(header.join(" "), theme.heading())];
    for (i, c) in visible() {
        let (member, member_style) = membership_badge(c, theme);
        let (waiver, waiver_style) = waiver_badge(c, app.today, theme);
        let selected = i == list.selected;
        let base = if selected { theme.selected() } else { Style::new() };
        let badge = |style: Style| if selected { base } else { style };
        let age = if cols.age == AGE_ONLY {
            c.age_on(app.today).map_or("  ?".to_string(), |a| format!("{a:>3}"))
        } else {
            age_birthday(c, app.today)
        };
        let mut spans = vec![
            Span::styled(cell(&display_name(c), cols.name), base),
            Span::styled(" ", base),
            Span::styled(cell(&age, cols.age), base),
            Span::styled(" ", base),
        ];
        let visits = format!("{:>5}", c.check_in_count);
        for (text, width) in
            [(c.email.as_str(), cols.email), (c.telephone.as_str(), cols.phone), (&visits, cols.visits)]
        {
            if width > 0 {
                spans.push(Span::styled(cell(text, width), base));
                spans.push(Span::styled(" ", base));
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every width a desk terminal has keeps a whole 30-character name; the lesser columns go in
    /// the documented order.
    #[test]
    fn the_name_keeps_its_thirty_columns_and_lesser_columns_drop_in_order() {
        for width in 60..=200 {
            let c = columns(width, 30);
            assert!(c.name >= 30, "{width}: {c:?}");
            assert!(c.visits == 0 || c.phone > 0, "visits go before the telephone: {width}: {c:?}");
            assert!(c.phone == 0 || c.email > 0, "the telephone goes before the email: {width}: {c:?}");
            assert!(c.email == 0 || c.age == AGE_BIRTHDAY, "the email goes before the birthday: {width}: {c:?}");
        }
        // 80 columns, the list alone: everything but telephone and visits.
        let narrow = columns(78, 30);
        assert_eq!((narrow.phone, narrow.visits, narrow.age), (0, 0, AGE_BIRTHDAY));
        assert!(narrow.email >= EMAIL_MIN);
        // A long name takes the spare room before the email does.
        assert_eq!(columns(78, 40).name, 33);
    }
}
