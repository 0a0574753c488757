//! A customer in a few words, shared by the results list, the profile and the check-in card: the
//! name as staff read it, age and birthday, and the membership and waiver badges.

use jiff::civil::Date;
use ratatui::style::Style;

use crate::model::Customer;
use crate::tui::theme::Theme;

/// Days before a waiver's expiry that the badge warns.
pub const WAIVER_WARNING_DAYS: i32 = 7;

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
