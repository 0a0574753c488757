//! What a customer holds, in words, shared by the profile and the check-in card: each membership
//! (name, status, start, end or next renewal, frozen until, where it is valid), each entry pass
//! (uses left of total, expiry), each waiver (expiry or "never expires", days left when close),
//! and why a refusal for want of an entry method happened here when the only one is valid
//! elsewhere.

use jiff::civil::Date;

use crate::client::records::Location;
use crate::model::subrecords::{CustomerMembership, Document, EntryPass};

/// Days before a waiver's expiry from which the days left are shown.
pub const WAIVER_DAYS_SHOWN: i32 = 30;

/// How a line reads: fine, worth a look, or a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Ok,
    Plain,
    Warn,
    Bad,
}

fn status_word(code: &str) -> &str {
    match code {
        "ACT" => "active",
        "FRZ" => "frozen",
        "END" => "ended",
        "CAN" => "cancelled",
        "FUT" => "not started yet",
        "PAY" | "IPC" => "unpaid",
        other => other,
    }
}

fn days_word(n: i32) -> String {
    if n == 1 { "1 day".into() } else { format!("{n} days") }
}

/// Where a membership admits, as the server says (ours): "valid at every location" when it names
/// every location the app knows, else the names; nothing when the server does not say.
fn valid_at(m: &CustomerMembership, locations: &[Location]) -> Option<String> {
    if m.valid_location_names.is_empty() {
        return None;
    }
    let every = locations.len() > 1 && locations.iter().all(|l| m.valid_location_ids.contains(&l.id));
    Some(if every {
        "valid at every location".into()
    } else {
        format!("valid at {}", m.valid_location_names.join(", "))
    })
}

/// One membership: "Denver Off-Peak · active · since 2026-01-01 · renews 2026-04-01 · valid at Denver".
pub fn membership_line(m: &CustomerMembership, locations: &[Location]) -> (String, Tone) {
    let mut parts = vec![m.name.trim().to_string(), status_word(&m.status).to_string()];
    if let Some(start) = m.start_date {
        parts.push(if m.status == "FUT" { format!("starts {start}") } else { format!("since {start}") });
    }
    if m.status == "FRZ" {
        parts.push(match m.membership_unfreeze_date {
            Some(d) => format!("frozen until {d}"),
            None => "frozen, no unfreeze date".into(),
        });
    }
    // A recurring membership's end date is the last day of its current
    // billing period, which each renewal moves on: while it runs, what the
    // desk needs is the next renewal (or, frozen and not billing, how far it
    // is paid); only one that will not renew "ends".
    let running = matches!(m.status.as_str(), "ACT" | "FUT" | "FRZ");
    match (m.end_date, m.upcoming_bill_dates.first()) {
        (Some(end), _) if matches!(m.status.as_str(), "END" | "CAN") => parts.push(format!("ended {end}")),
        (_, Some(next)) if running => parts.push(format!("renews {next}")),
        (Some(end), None) if m.status == "FRZ" => parts.push(format!("paid through {end}")),
        (Some(end), _) => parts.push(format!("ends {end}")),
        _ => {}
    }
    if let Some(valid) = valid_at(m, locations) {
        parts.push(valid);
    }
    let tone = match m.status.as_str() {
        "ACT" => Tone::Ok,
        "FRZ" | "FUT" => Tone::Warn,
        _ => Tone::Plain,
    };
    (parts.join(" · "), tone)
}

/// One entry pass: "10-Punch · 4 of 10 uses left · expires 2026-12-31".
pub fn pass_line(p: &EntryPass, today: Date) -> (String, Tone) {
    let uses = if p.uses_total > 0 {
        format!("{} of {} uses left", p.uses_remaining, p.uses_total)
    } else {
        format!("{} use{} left", p.uses_remaining, if p.uses_remaining == 1 { "" } else { "s" })
    };
    let mut parts = vec![p.name.trim().to_string(), uses];
    let expired = p.expiration_date.is_some_and(|d| d < today);
    parts.push(match p.expiration_date {
        Some(d) if d < today => format!("expired {d}"),
        Some(d) => format!("expires {d}"),
        None => "never expires".into(),
    });
    let tone = if expired || p.uses_remaining <= 0 { Tone::Plain } else { Tone::Ok };
    (parts.join(" · "), tone)
}

/// One waiver: "Adult waiver · valid until 2026-12-31 (12 days left)", "… · never expires".
pub fn waiver_line(d: &Document, today: Date) -> (String, Tone) {
    let name = if d.name.trim().is_empty() { "Waiver" } else { d.name.trim() };
    if d.status == "REV" {
        return (format!("{name} · revoked"), Tone::Bad);
    }
    match d.expiration_date {
        None => (format!("{name} · never expires"), Tone::Ok),
        Some(expiry) if d.is_expired || expiry < today => (format!("{name} · expired {expiry}"), Tone::Bad),
        Some(expiry) => {
            let days = (expiry - today).get_days();
            if days < WAIVER_DAYS_SHOWN {
                let left = if days == 0 { "expires today".to_string() } else { format!("{} left", days_word(days)) };
                (format!("{name} · valid until {expiry} ({left})"), Tone::Warn)
            } else {
                (format!("{name} · valid until {expiry}"), Tone::Ok)
            }
        }
    }
}

/// When a check-in was refused for want of an entry method and the customer's only active
/// membership(s) are valid elsewhere (no usable pass), the sentence that says so:
/// "Denver Off-Peak is not valid at Boulder".
pub fn not_valid_here(
    memberships: &[CustomerMembership],
    passes: &[EntryPass],
    desk: &Location,
    today: Date,
) -> Option<String> {
    let usable_pass = passes.iter().any(|p| p.uses_remaining > 0 && p.expiration_date.is_none_or(|d| d >= today));
    if usable_pass {
        return None;
    }
    let active: Vec<&CustomerMembership> = memberships.iter().filter(|m| m.status == "ACT").collect();
    if active.is_empty() {
        return None;
    }
    // Only when the server says where each one is valid, and none of them is valid here.
    let elsewhere = active.iter().all(|m| !m.valid_location_ids.is_empty() && !m.valid_location_ids.contains(&desk.id));
    if !elsewhere {
        return None;
    }
    let names: Vec<&str> = active.iter().map(|m| m.name.trim()).collect();
    let (subject, verb) = match names.as_slice() {
        [one] => (one.to_string(), "is"),
        [rest @ .., last] => (format!("{} and {last}", rest.join(", ")), "are"),
        [] => return None,
    };
    Some(format!("{subject} {verb} not valid at {}", desk.name.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn boulder() -> Location {
        Location { id: 2, name: "Boulder".into(), ..Location::default() }
    }

    fn off_peak() -> CustomerMembership {
        CustomerMembership {
            name: "Denver Off-Peak".into(),
            status: "ACT".into(),
            start_date: Some(date("2026-01-01")),
            upcoming_bill_dates: vec![date("2026-04-01")],
            valid_location_ids: vec![1],
            valid_location_names: vec!["Denver".into()],
            ..CustomerMembership::default()
        }
    }

    #[test]
    fn a_membership_reads_with_its_status_dates_and_locations() {
        let (text, tone) = membership_line(&off_peak(), &[]);
        assert_eq!(text, "Denver Off-Peak · active · since 2026-01-01 · renews 2026-04-01 · valid at Denver");
        assert_eq!(tone, Tone::Ok);
        // A running recurring membership carries the end of its paid period: it renews, not ends.
        let with_term = CustomerMembership { end_date: Some(date("2026-03-31")), ..off_peak() };
        assert_eq!(membership_line(&with_term, &[]).0, membership_line(&off_peak(), &[]).0);
        let frozen = CustomerMembership {
            status: "FRZ".into(),
            membership_unfreeze_date: Some(date("2026-05-01")),
            end_date: Some(date("2026-03-31")),
            upcoming_bill_dates: vec![date("2026-06-01")],
            ..off_peak()
        };
        assert_eq!(
            membership_line(&frozen, &[]).0,
            "Denver Off-Peak · frozen · since 2026-01-01 · frozen until 2026-05-01 · renews 2026-06-01 · valid at Denver"
        );
        let held = CustomerMembership { membership_unfreeze_date: None, upcoming_bill_dates: vec![], ..frozen };
        assert!(membership_line(&held, &[]).0.contains("frozen, no unfreeze date · paid through 2026-03-31"));
        let prepaid =
            CustomerMembership { end_date: Some(date("2026-12-31")), upcoming_bill_dates: vec![], ..off_peak() };
        assert!(membership_line(&prepaid, &[]).0.contains("since 2026-01-01 · ends 2026-12-31"));
        let ended = CustomerMembership { status: "END".into(), ..prepaid };
        assert!(membership_line(&ended, &[]).0.contains("ended 2026-12-31"));
        let everywhere = CustomerMembership {
            valid_location_ids: vec![1, 2],
            valid_location_names: vec!["Denver".into(), "Boulder".into()],
            ..off_peak()
        };
        let locations = [Location { id: 1, ..Location::default() }, boulder()];
        assert!(membership_line(&everywhere, &locations).0.ends_with("valid at every location"));
    }

    #[test]
    fn passes_and_waivers_say_what_is_left() {
        let pass = EntryPass {
            name: "10-Punch".into(),
            uses_total: 10,
            uses_remaining: 4,
            expiration_date: Some(date("2026-12-31")),
            ..EntryPass::default()
        };
        assert_eq!(pass_line(&pass, date("2026-03-10")).0, "10-Punch · 4 of 10 uses left · expires 2026-12-31");
        let waiver =
            Document { name: "Adult waiver".into(), expiration_date: Some(date("2026-03-22")), ..Document::default() };
        assert_eq!(waiver_line(&waiver, date("2026-03-10")).0, "Adult waiver · valid until 2026-03-22 (12 days left)");
        assert_eq!(waiver_line(&waiver, date("2026-01-10")).0, "Adult waiver · valid until 2026-03-22");
        let forever = Document { name: "Adult waiver".into(), ..Document::default() };
        assert_eq!(waiver_line(&forever, date("2026-03-10")).0, "Adult waiver · never expires");
    }

    #[test]
    fn a_membership_valid_elsewhere_is_named_when_it_is_the_only_way_in() {
        let today = date("2026-03-10");
        assert_eq!(
            not_valid_here(&[off_peak()], &[], &boulder(), today).as_deref(),
            Some("Denver Off-Peak is not valid at Boulder")
        );
        let here = CustomerMembership { valid_location_ids: vec![1, 2], ..off_peak() };
        assert_eq!(
            not_valid_here(&[here], &[], &boulder(), today),
            None,
            "valid here: the refusal is for another reason"
        );
        let pass = EntryPass { uses_remaining: 1, ..EntryPass::default() };
        assert_eq!(not_valid_here(&[off_peak()], &[pass], &boulder(), today), None, "a pass could have let them in");
        let unknown = CustomerMembership { valid_location_ids: vec![], valid_location_names: vec![], ..off_peak() };
        assert_eq!(not_valid_here(&[unknown], &[], &boulder(), today), None, "a server that does not say: no guess");
    }
}
