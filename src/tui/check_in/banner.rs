//! The verdict's words across the check-in screen: the headline, Capitan's reason and what to
//! notice, wrapped (never cut: a refusal's end is often the instruction, "see the manager"). The
//! banner pane colours them; the layout is told how many rows they take.

use jiff::civil::Date;

use super::{CheckInState, Level, Verdict};
use crate::client::records::Location;
use crate::model::Customer;
use crate::tui::holdings;
use crate::tui::text::{fit, wrap};

/// What the banner needs besides the check-in state.
#[derive(Debug, Clone)]
pub struct BannerFacts<'a> {
    /// Where the desk checks in, once known.
    pub desk: Option<&'a Location>,
    pub today: Date,
    /// The first key that starts a walk-in from the check-in screen, if any is bound.
    pub new_customer_key: Option<String>,
}

/// The verdict's mark before its headline.
pub fn glyph(level: Level) -> &'static str {
    match level {
        Level::In => "✔",
        Level::Notice => "✔ !",
        Level::Refused => "✖",
        Level::Queued => "◷",
        Level::Info => "•",
        Level::Checking => "…",
    }
}

/// `First Last “Preferred”`.
pub fn full_name(c: &Customer) -> String {
    let mut name = format!("{} {}", c.first_name, c.last_name);
    let preferred = c.preferred_name.trim();
    if !preferred.is_empty() && preferred != c.first_name.trim() {
        name.push_str(&format!(" “{preferred}”"));
    }
    name
}

impl CheckInState {
    /// The verdict's lines at `width`: the headline, then Capitan's reason and what to notice, wrapped.
    pub fn banner_lines(&self, facts: &BannerFacts, width: u16) -> Vec<String> {
        let width = width as usize;
        let Some(verdict) = &self.verdict else {
            let text = if self.lookup { "Lookup mode: scans show who it is" } else { "Ready: scan a key tag" };
            return vec![String::new(), format!("  {text}")];
        };
        let name = verdict.customer().map(full_name).or_else(|| {
            verdict.check_in.as_ref().map(|c| format!("{} {}", c.customer_first_name, c.customer_last_name))
        });
        let mut headline = format!("  {} {}", glyph(verdict.level), verdict.headline);
        if let Some(name) = name {
            headline.push_str(&format!("   {name}"));
        } else if verdict.level != Level::Checking {
            headline.push_str(&format!("   barcode {}", verdict.barcode));
        }
        let mut lines = vec![fit(&headline, width)];
        lines.extend(wrap(&format!("  {}", verdict.reason), width));
        if let Some(why) = not_valid_here(verdict, facts) {
            lines.extend(wrap(&format!("  {why}"), width));
        }
        let unknown = verdict.reason == crate::model::check_in::UNKNOWN_ACCOUNT || verdict.headline == "UNKNOWN";
        if verdict.level == Level::Refused
            && unknown
            && verdict.customer().is_none()
            && let Some(key) = &facts.new_customer_key
        {
            lines.extend(wrap(&format!("  {key}: a new customer (a walk-in) with barcode {}", verdict.barcode), width));
        }
        if !verdict.notices.is_empty() {
            lines.extend(wrap(&format!("  LOOK: {}", verdict.notices.join(" · ")), width));
        }
        lines
    }
}

/// Beside Capitan's "no available entry method": the customer's membership is valid only elsewhere.
fn not_valid_here(verdict: &Verdict, facts: &BannerFacts) -> Option<String> {
    if verdict.level != Level::Refused || verdict.reason != crate::model::check_in::NO_ENTRY_METHOD {
        return None;
    }
    let desk = facts.desk?;
    let memberships = verdict.details.holdings.memberships.as_deref()?;
    let passes = verdict.details.holdings.entry_passes.as_deref().unwrap_or_default();
    holdings::not_valid_here(memberships, passes, desk, facts.today)
}
