//! The customer's profile: photo and who they are at the top (with what
//! needs attention: alerts, medical notes, waiver), then every field of the
//! seed in groups, then the sub-collections loaded on demand.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui_image::Image;

use super::holdings::{self, Tone};
use super::results::{display_name, membership_badge, waiver_badge};
use super::{fit, pane_block};
use crate::client::SubCollection;
use crate::client::SubRecords;
use crate::model::Customer;
use crate::model::customer::customer_field;
use crate::tui::app::{App, Focus, PhotoEntry, PhotoMode, SubState};
use crate::tui::form::mask;
use crate::tui::layout;
use crate::tui::theme::Theme;

const LABEL: usize = 20;

use super::checkin::LAST_CHECK_INS;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let focused = app.focus == Focus::Detail && app.help.is_none();
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
    let lines = body_lines(app, customer, body.width as usize);
    let max_scroll = (lines.len() as u16).saturating_sub(body.height);
    let scroll = app.detail.scroll.min(max_scroll);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), body);
}

/// Lines of the scrolling part, for scroll limits.
pub fn body_height(app: &App, width: u16) -> u16 {
    match app.list.selected_customer() {
        Some(c) => body_lines(app, c, width as usize).len() as u16 + header_allowance(app),
        None => 0,
    }
}

/// The rows the fixed header takes from the pane (photo height plus the gap).
fn header_allowance(app: &App) -> u16 {
    app.areas().detail.map_or(7, |d| layout::photo_rect(d).height.max(6) + 1)
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
    lines.push(Line::raw(fit(&format!("Barcode {} · {} check-ins", or_dash(&c.barcode), c.check_in_count), width)));
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

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn or_dash(s: &str) -> String {
    if s.trim().is_empty() { "—".into() } else { s.to_string() }
}

fn yes_no(b: bool) -> String {
    if b { "yes".into() } else { "no".into() }
}

struct Body<'a> {
    lines: Vec<Line<'static>>,
    theme: &'a Theme,
    width: usize,
    tz: &'a jiff::tz::TimeZone,
}

impl Body<'_> {
    fn heading(&mut self, title: &str) {
        if !self.lines.is_empty() {
            self.lines.push(Line::raw(""));
        }
        self.lines.push(Line::styled(title.to_string(), self.theme.heading()));
    }

    fn row(&mut self, label: &str, value: impl Into<String>) {
        self.styled_row(label, value, Style::new());
    }

    fn styled_row(&mut self, label: &str, value: impl Into<String>, style: Style) {
        let value = value.into();
        let value = if value.trim().is_empty() { "—".to_string() } else { value };
        let room = self.width.saturating_sub(LABEL + 2);
        self.lines.push(Line::from(vec![
            Span::styled(format!("  {}", super::cell(label, LABEL)), self.theme.muted()),
            Span::styled(fit(&value, room), style),
        ]));
    }

    /// A field of the seed, labelled as the shared field table names it.
    fn field(&mut self, name: &str, value: impl Into<String>) {
        let label = customer_field(name).map_or(name, |f| f.label);
        self.row(label, value);
    }

    fn text(&mut self, text: impl Into<String>, style: Style) {
        let text = fit(&text.into(), self.width.saturating_sub(2));
        self.lines.push(Line::styled(format!("  {text}"), style));
    }

    /// Text that carries meaning: wrapped to the pane, never cut.
    fn wrapped(&mut self, text: impl Into<String>, style: Style) {
        for line in super::wrap(&format!("  {}", text.into()), self.width) {
            self.lines.push(Line::styled(line, style));
        }
    }

    fn tone(&self, tone: Tone) -> Style {
        match tone {
            Tone::Ok => self.theme.ok(),
            Tone::Plain => Style::new(),
            Tone::Warn => self.theme.warn(),
            Tone::Bad => self.theme.error(),
        }
    }

    fn when(&self, ts: Option<Timestamp>) -> String {
        ts.map(|t| t.to_zoned(self.tz.clone()).strftime("%Y-%m-%d %H:%M").to_string()).unwrap_or_else(|| "never".into())
    }

    /// A sub-collection's state when it has no records to list.
    fn sub_status(&mut self, state: &SubState) -> bool {
        match state {
            SubState::NotRequested | SubState::Loading => self.text("loading…", self.theme.muted()),
            SubState::NotAvailable => self.text("not offered by this server", self.theme.muted()),
            SubState::Failed(why) => self.text(format!("could not load: {why}"), self.theme.error()),
            SubState::Loaded(_) => return false,
        }
        true
    }
}

fn body_lines(app: &App, c: &Customer, width: usize) -> Vec<Line<'static>> {
    let mut b = Body { lines: Vec::new(), theme: &app.theme, width, tz: &app.time_zone };
    alerts_section(&mut b, app, c);
    identity_section(&mut b, app, c);
    contact_section(&mut b, c);
    membership_section(&mut b, app, c);
    waiver_section(&mut b, app, c);
    check_ins_section(&mut b, app, c);
    people_sections(&mut b, app);
    tags_and_fields_sections(&mut b, c);
    b.heading("Record");
    b.row("Created", b.when(c.created_at));
    b.row("Updated", b.when(c.updated_at));
    b.lines
}

/// A sub-collection listed under its heading: its loading state, `empty`
/// when it has no records, else each record through `each`. `pick` takes
/// this sub-collection's records out of the loaded answer.
fn sub_list<'r, T: 'r>(
    b: &mut Body,
    state: &'r SubState,
    pick: impl FnOnce(&'r SubRecords) -> Option<&'r [T]>,
    empty: (&str, Style),
    mut each: impl FnMut(&mut Body, &T),
) {
    if b.sub_status(state) {
        return;
    }
    let SubState::Loaded(records) = state else { return };
    let Some(records) = pick(records) else { return };
    if records.is_empty() {
        b.text(empty.0, empty.1);
    }
    for record in records {
        each(b, record);
    }
}

fn alerts_section(b: &mut Body, app: &App, c: &Customer) {
    let theme = b.theme;
    b.heading("Alerts");
    sub_list(
        b,
        app.detail.sub(SubCollection::Alerts),
        |r| if let SubRecords::Alerts(a) = r { Some(a.as_slice()) } else { None },
        ("none", theme.muted()),
        |b, a| {
            let style = if a.prevents_check_in { theme.error() } else { theme.warn() };
            let suffix = if a.prevents_check_in { " (blocks check-in)" } else { "" };
            b.text(format!("⚠ {}{suffix}", a.message), style);
        },
    );
    let medical = if c.has_medical_notes { "on file: ask before climbing" } else { "none" };
    let style = if c.has_medical_notes { theme.warn() } else { Style::new() };
    b.styled_row("Medical notes", medical, style);
}

fn identity_section(b: &mut Body, app: &App, c: &Customer) {
    b.heading("Identity and photo");
    b.field("first_name", &c.first_name);
    b.field("last_name", &c.last_name);
    b.field("preferred_name", &c.preferred_name);
    b.field("pronouns", &c.pronouns);
    b.field("gender", c.gender.map(|g| g.label()).unwrap_or(""));
    b.field(
        "birthday",
        c.birthday.map(|d| format!("{d} (age {})", c.age_on(app.today).unwrap_or_default())).unwrap_or_default(),
    );
    b.field("barcode", &c.barcode);
    b.field("government_id", mask(&c.government_id));
    b.field("home_location_id", c.home_location_name.clone().unwrap_or_default());
    b.row("Photo", if c.profile_image.is_some() { "on file" } else { "none on file" });
    b.row("Customer id", c.id.to_string());
    b.row(
        "Capitan app login",
        format!("{} (invite sent: {})", yes_no(c.has_capitan_login), yes_no(c.capitan_invite_sent)),
    );
}

fn contact_section(b: &mut Body, c: &Customer) {
    b.heading("Contact and address");
    b.field("email", &c.email);
    b.field("telephone", &c.telephone);
    b.field("address_street_1", &c.address_street_1);
    b.field("address_street_2", &c.address_street_2);
    b.field("address_city", &c.address_city);
    b.field("address_state", &c.address_state);
    b.field("address_postcode", &c.address_postcode);
    b.field("address_country", &c.address_country);
    b.field("has_opted_in_to_marketing", yes_no(c.has_opted_in_to_marketing));
}

fn membership_section(b: &mut Body, app: &App, c: &Customer) {
    let theme = b.theme;
    b.heading("Membership and passes");
    let member_style = if c.has_active_membership { theme.ok() } else { Style::new() };
    b.styled_row("Active membership", yes_no(c.has_active_membership), member_style);
    b.row("  youth programming", yes_no(c.has_active_youth_programming_membership));
    b.row("  other", yes_no(c.has_active_non_youth_programming_membership));
    let frozen_style = if c.has_frozen_membership { theme.warn() } else { Style::new() };
    b.styled_row("Frozen", yes_no(c.has_frozen_membership), frozen_style);
    b.row("Starts later", yes_no(c.has_membership_with_future_start));
    b.row("First membership", b.when(c.first_membership_timestamp));
    b.row("Entry passes left", c.number_of_available_entry_passes.to_string());

    b.heading("Memberships");
    sub_list(
        b,
        app.detail.sub(SubCollection::Memberships),
        |r| if let SubRecords::Memberships(m) = r { Some(m.as_slice()) } else { None },
        ("none", theme.muted()),
        |b, m| {
            let (text, tone) = holdings::membership_line(m, &app.locations);
            b.wrapped(text, b.tone(tone));
        },
    );
    b.heading("Entry passes");
    sub_list(
        b,
        app.detail.sub(SubCollection::EntryPasses),
        |r| if let SubRecords::EntryPasses(p) = r { Some(p.as_slice()) } else { None },
        ("none", theme.muted()),
        |b, p| {
            let (text, tone) = holdings::pass_line(p, app.today);
            b.wrapped(text, b.tone(tone));
        },
    );
}

fn waiver_section(b: &mut Body, app: &App, c: &Customer) {
    let theme = b.theme;
    b.heading("Waiver");
    let (waiver, waiver_style) = waiver_badge(c, app.today, theme);
    b.styled_row("Active waiver", if c.active_waiver_exists { "yes".to_string() } else { waiver }, waiver_style);
    b.row(
        "Expires",
        match (c.active_waiver_exists, c.latest_waiver_expiration_date) {
            (true, Some(d)) => d.to_string(),
            (true, None) => "never".into(),
            (false, _) => "—".into(),
        },
    );
    sub_list(
        b,
        app.detail.sub(SubCollection::Documents),
        |r| if let SubRecords::Documents(d) = r { Some(d.as_slice()) } else { None },
        ("no signed documents", theme.muted()),
        |b, d| {
            let (text, tone) = holdings::waiver_line(d, app.today);
            b.wrapped(text, b.tone(tone));
        },
    );
}

fn check_ins_section(b: &mut Body, app: &App, c: &Customer) {
    b.heading("Check-ins");
    b.row("Count", c.check_in_count.to_string());
    b.row("First", b.when(c.first_check_in_timestamp));
    b.row("Latest", b.when(c.latest_check_in_timestamp));
    let check_ins = app.detail.sub(SubCollection::CheckIns);
    if b.sub_status(check_ins) {
        return;
    }
    let SubState::Loaded(SubRecords::CheckIns(rows, total)) = check_ins else { return };
    if rows.is_empty() {
        b.text("no check-ins yet", b.theme.muted());
    } else {
        b.text(format!("Most recent {} of {total}:", rows.len().min(LAST_CHECK_INS)), b.theme.muted());
    }
    for ci in rows.iter().take(LAST_CHECK_INS) {
        let how = if ci.entry_method_description.is_empty() { &ci.entry_method } else { &ci.entry_method_description };
        b.text(format!("{}  {}  {}", ci.when(), ci.location_name, how), Style::new());
    }
}

/// Notes, emergency contacts and relations.
fn people_sections(b: &mut Body, app: &App) {
    let theme = b.theme;
    b.heading("Notes");
    sub_list(
        b,
        app.detail.sub(SubCollection::Notes),
        |r| if let SubRecords::Notes(n) = r { Some(n.as_slice()) } else { None },
        ("none", theme.muted()),
        |b, n| {
            let date = n.created_at.map(|t| t.to_zoned(b.tz.clone()).date().to_string()).unwrap_or_default();
            b.text(format!("{date}  {}", n.note.replace('\n', " ")), Style::new());
        },
    );

    b.heading("Emergency contacts");
    sub_list(
        b,
        app.detail.sub(SubCollection::EmergencyContacts),
        |r| if let SubRecords::EmergencyContacts(e) = r { Some(e.as_slice()) } else { None },
        ("none on file", theme.warn()),
        |b, e| {
            let relation = if e.relation.is_empty() { String::new() } else { format!(" ({})", e.relation) };
            b.text(format!("{} {}{relation}  {}  {}", e.first_name, e.last_name, e.telephone, e.email), Style::new());
        },
    );

    b.heading("Family and relations");
    sub_list(
        b,
        app.detail.sub(SubCollection::Relations),
        |r| if let SubRecords::Relations(r) = r { Some(r.as_slice()) } else { None },
        ("none", theme.muted()),
        |b, r| {
            let label = crate::client::records::relation_label(&r.relation);
            let who = format!("{} {}", r.related_customer_first_name, r.related_customer_last_name);
            b.text(format!("{label}: {who}  {}", r.related_customer_email), Style::new());
        },
    );
}

fn tags_and_fields_sections(b: &mut Body, c: &Customer) {
    let listed = |names: &[String]| if names.is_empty() { "none".to_string() } else { names.join(", ") };
    b.heading("Tags");
    b.text(listed(&c.tags), Style::new());
    b.heading("Proficiencies");
    b.text(listed(&c.active_proficiency_names), Style::new());
    b.heading("Custom fields");
    if c.custom_field_values.is_empty() {
        b.text("none", b.theme.muted());
    }
    for v in &c.custom_field_values {
        let label = if v.field_name.is_empty() { format!("field {}", v.field_id) } else { v.field_name.clone() };
        b.row(&label, v.value.clone());
    }
}
