//! The scanned customer's family on the check-in screen's card: each relative with their relation,
//! age and minor badge, and their own verdict as if scanned now (or what became of the check-in sent
//! from here); the row under the cursor and the selection while the list has the keys (`F6`).

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::{fit, wrap};
use crate::client::records::relation_label;
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::check_in::family::{FamilyLoad, Member, Sent, Tone};
use crate::tui::keymap::KeyContext;

/// The family's lines at `width` (none when the customer has no family on record).
pub fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let family = &app.check_in.family;
    let members = match &family.load {
        FamilyLoad::Idle => return Vec::new(),
        FamilyLoad::Loading => return vec![Line::styled(fit("Family: loading…", width), theme.muted())],
        FamilyLoad::Failed(why) => {
            return wrap(&format!("Family: not loaded ({why})"), width)
                .into_iter()
                .map(|l| Line::styled(l, theme.muted()))
                .collect();
        }
        FamilyLoad::Loaded(members) if members.is_empty() => return Vec::new(),
        FamilyLoad::Loaded(members) => members,
    };
    let mut out = vec![Line::styled(fit(&header(app, members), width), theme.heading())];
    for (i, member) in members.iter().enumerate() {
        let here = family.focused && i == family.cursor;
        out.push(member_line(app, member, here, width));
        out.extend(verdict_lines(app, member, width));
    }
    out
}

fn header(app: &App, members: &[Member]) -> String {
    let n = members.len();
    let key = |context, action| app.keymap.keys_for(context, action).first().map(ToString::to_string);
    if app.check_in.family.focused {
        let space = key(KeyContext::Family, Action::ToggleSelect).unwrap_or_default();
        let enter = key(KeyContext::Family, Action::CheckInSelected).unwrap_or_default();
        let selected = members.iter().filter(|m| m.selected).count();
        format!("Family · {selected} selected · {space} selects · {enter} checks them in · esc leaves")
    } else {
        match key(KeyContext::CheckIn, Action::Family) {
            Some(f) => format!("Family ({n}) · {f} to check them in"),
            None => format!("Family ({n})"),
        }
    }
}

/// `› [x] Mia Lee · Child · 9  MINOR  no card`
fn member_line(app: &App, member: &Member, here: bool, width: usize) -> Line<'static> {
    let theme = &app.theme;
    let cursor = if here { "› " } else { "  " };
    let mark = if member.selected { "[x] " } else { "[ ] " };
    let relation = relation_label(member.relative.relation.trim()).to_string();
    let mut who = format!("{} · {relation}", member.relative.name);
    let age = member.age(app.today);
    if let Some(age) = age {
        who.push_str(&format!(" · {age}"));
    }
    let name_style = if here { theme.selected() } else { Style::new().add_modifier(Modifier::BOLD) };
    let mut spans = vec![
        Span::styled(cursor, theme.key()),
        Span::styled(mark, if member.refusal().is_some() { theme.muted() } else { theme.key() }),
        Span::styled(fit(&who, width.saturating_sub(6)), name_style),
    ];
    if age.is_some_and(|a| a < 18) {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(" MINOR ", theme.fill_warn()));
    }
    if !member.relative.has_card {
        spans.push(Span::styled(" no card", theme.muted()));
    }
    Line::from(spans)
}

/// The member's own verdict, or what became of the check-in sent from here, indented under them.
fn verdict_lines(app: &App, member: &Member, width: usize) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let (text, style) = match &member.sent {
        Some(Sent::Sending) => ("… checking in".to_string(), theme.muted()),
        Some(Sent::In { description, combined: false }) => (format!("✔ CHECKED IN · {description}"), theme.ok()),
        Some(Sent::In { .. }) => ("✔ ! already in today: no new check-in".to_string(), theme.warn()),
        Some(Sent::Refused(text)) => (format!("✖ REFUSED · {}", text.trim()), theme.error()),
        Some(Sent::NotSent(why)) => (format!("✖ NOT CHECKED IN · {why} (Enter tries again)"), theme.error()),
        None => {
            let (tone, text) = member.verdict(app.today);
            match tone {
                Tone::In => (format!("✔ {text}"), theme.ok()),
                Tone::Notice => (format!("✔ ! {text}"), theme.warn()),
                Tone::Refused => (format!("✖ {text}"), theme.error()),
                Tone::Unknown => (format!("? {text}"), theme.muted()),
            }
        }
    };
    wrap(&text, width.saturating_sub(6)).into_iter().map(|l| Line::styled(format!("      {l}"), style)).collect()
}
