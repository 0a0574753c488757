//! The profile's text under its header: alerts, who they are, how to reach them, memberships and
//! passes, waivers, check-ins, notes, contacts, relations, tags and custom fields, the record's
//! dates. The detail pane draws it; the app measures it (how far the profile scrolls).

use jiff::Timestamp;
use jiff::civil::Date;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{DetailState, SubState};
use crate::client::records::Location;
use crate::client::{SubCollection, SubRecords};
use crate::model::Customer;
use crate::model::customer::customer_field;
use crate::tui::badges::waiver_badge;
use crate::tui::check_in::LAST_CHECK_INS;
use crate::tui::form::mask;
use crate::tui::holdings::{self, Tone};
use crate::tui::text::{cell, fit, wrap};
use crate::tui::theme::Theme;

const LABEL: usize = 20;

/// What the profile's text is made from.
pub struct ProfileFacts<'a> {
    pub theme: &'a Theme,
    pub today: Date,
    pub time_zone: &'a jiff::tz::TimeZone,
    pub locations: &'a [Location],
    pub detail: &'a DetailState,
}

pub fn or_dash(s: &str) -> String {
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
            Span::styled(format!("  {}", cell(label, LABEL)), self.theme.muted()),
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
        for line in wrap(&format!("  {}", text.into()), self.width) {
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

/// The profile's scrolling part for `c`, at `width` columns.
pub fn body_lines(facts: &ProfileFacts, c: &Customer, width: usize) -> Vec<Line<'static>> {
    let mut b = Body { lines: Vec::new(), theme: facts.theme, width, tz: facts.time_zone };
    alerts_section(&mut b, facts, c);
    identity_section(&mut b, facts, c);
    contact_section(&mut b, c);
    membership_section(&mut b, facts, c);
    waiver_section(&mut b, facts, c);
    check_ins_section(&mut b, facts, c);
    people_sections(&mut b, facts);
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

fn alerts_section(b: &mut Body, facts: &ProfileFacts, c: &Customer) {
    let theme = b.theme;
    b.heading("Alerts");
    sub_list(
        b,
        facts.detail.sub(SubCollection::Alerts),
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

fn identity_section(b: &mut Body, facts: &ProfileFacts, c: &Customer) {
    b.heading("Identity and photo");
    b.field("first_name", &c.first_name);
    b.field("last_name", &c.last_name);
    b.field("preferred_name", &c.preferred_name);
    b.field("pronouns", &c.pronouns);
    b.field("gender", c.gender.map(|g| g.label()).unwrap_or(""));
    b.field(
        "birthday",
        c.birthday.map(|d| format!("{d} (age {})", c.age_on(facts.today).unwrap_or_default())).unwrap_or_default(),
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

fn membership_section(b: &mut Body, facts: &ProfileFacts, c: &Customer) {
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
        facts.detail.sub(SubCollection::Memberships),
        |r| if let SubRecords::Memberships(m) = r { Some(m.as_slice()) } else { None },
        ("none", theme.muted()),
        |b, m| {
            let (text, tone) = holdings::membership_line(m, facts.locations);
            b.wrapped(text, b.tone(tone));
        },
    );
    b.heading("Entry passes");
    sub_list(
        b,
        facts.detail.sub(SubCollection::EntryPasses),
        |r| if let SubRecords::EntryPasses(p) = r { Some(p.as_slice()) } else { None },
        ("none", theme.muted()),
        |b, p| {
            let (text, tone) = holdings::pass_line(p, facts.today);
            b.wrapped(text, b.tone(tone));
        },
    );
}

fn waiver_section(b: &mut Body, facts: &ProfileFacts, c: &Customer) {
    let theme = b.theme;
    b.heading("Waiver");
    let (waiver, waiver_style) = waiver_badge(c, facts.today, theme);
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
        facts.detail.sub(SubCollection::Documents),
        |r| if let SubRecords::Documents(d) = r { Some(d.as_slice()) } else { None },
        ("no signed documents", theme.muted()),
        |b, d| {
            let (text, tone) = holdings::waiver_line(d, facts.today);
            b.wrapped(text, b.tone(tone));
        },
    );
}

fn check_ins_section(b: &mut Body, facts: &ProfileFacts, c: &Customer) {
    b.heading("Check-ins");
    b.row("Count", c.check_in_count.to_string());
    b.row("First", b.when(c.first_check_in_timestamp));
    b.row("Latest", b.when(c.latest_check_in_timestamp));
    let check_ins = facts.detail.sub(SubCollection::CheckIns);
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
fn people_sections(b: &mut Body, facts: &ProfileFacts) {
    let theme = b.theme;
    b.heading("Notes");
    sub_list(
        b,
        facts.detail.sub(SubCollection::Notes),
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
        facts.detail.sub(SubCollection::EmergencyContacts),
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
        facts.detail.sub(SubCollection::Relations),
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
