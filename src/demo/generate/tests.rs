use std::collections::{HashMap, HashSet};

use jiff::ToSpan;
use jiff::civil::Date;

use super::catalog::{FAMILY, KIDS_CLUB, KINDS, OFF_PEAK, YOUTH_TEAM};
use super::*;
use crate::import::{ImportCustomer, ImportEntryPass, ImportMembership, ImportWaiver};

/// 12:30 in Denver.
fn midday() -> Timestamp {
    "2026-11-25T19:30:00Z".parse().unwrap()
}

fn members_of(m: &ImportMembership) -> Vec<i64> {
    if m.members.is_empty() { vec![m.owner_id] } else { m.members.iter().map(|x| x.customer_id).collect() }
}

fn local_date(ts: Timestamp) -> Date {
    ts.to_zoned(TimeZone::get(TIME_ZONE).unwrap()).date()
}

#[test]
fn the_same_seed_and_count_give_the_same_gym() {
    let a = serde_json::to_string(&generate(7, 400, midday()).unwrap()).unwrap();
    let b = serde_json::to_string(&generate(7, 400, midday()).unwrap()).unwrap();
    assert_eq!(a, b);
    let other = serde_json::to_string(&generate(8, 400, midday()).unwrap()).unwrap();
    assert_ne!(a, other);
}

#[test]
fn the_generator_makes_exactly_the_customers_asked_for() {
    for n in [0, 1, 2, 3, 57] {
        assert_eq!(generate(3, n, midday()).unwrap().customers.len(), n);
    }
}

#[test]
fn about_seventy_percent_have_a_membership_and_every_state_occurs() {
    let doc = generate(1, 3000, midday()).unwrap();
    let members: HashSet<i64> = doc.memberships.iter().flat_map(members_of).collect();
    let share = members.len() as f64 / doc.customers.len() as f64;
    assert!((0.6..=0.8).contains(&share), "{share} of customers have a membership");
    let statuses: HashSet<&str> = doc.memberships.iter().map(|m| m.status.as_str()).collect();
    for status in ["ACT", "FRZ", "END", "CAN", "FUT"] {
        assert!(statuses.contains(status), "no {status} membership");
    }
    let group = |m: &&ImportMembership| m.membership_type_id == FAMILY.id;
    assert!(doc.memberships.iter().filter(group).any(|m| m.members.len() >= 3));
    assert!(doc.memberships.iter().any(|m| m.members.iter().any(|x| x.is_individually_frozen)));
    // A parent paying for a kid's youth programme without being a member of it.
    assert!(doc.memberships.iter().any(|m| {
        [YOUTH_TEAM.id, KIDS_CLUB.id].contains(&m.membership_type_id) && !members_of(m).contains(&m.owner_id)
    }));
    assert!(doc.memberships.iter().any(|m| m.membership_type_id == OFF_PEAK.id));
    assert!(doc.memberships.iter().any(|m| m.status == "ACT" && m.end_date.is_some()));
}

#[test]
fn waivers_passes_and_records_cover_what_the_front_desk_meets() {
    let doc = generate(1, 3000, midday()).unwrap();
    let today = local_date(midday());
    let soon = today.checked_add(14.days()).unwrap();
    let waivers: Vec<&ImportWaiver> = doc.customers.iter().flat_map(|c| &c.documents).collect();
    assert!(waivers.iter().any(|w| w.expiration_date.is_some_and(|d| d > soon)), "valid");
    assert!(waivers.iter().any(|w| w.expiration_date.is_some_and(|d| d >= today && d <= soon)), "expiring");
    assert!(waivers.iter().any(|w| w.expiration_date.is_some_and(|d| d < today)), "expired");
    assert!(waivers.iter().any(|w| w.expiration_date.is_none()), "never expiring");
    assert!(doc.customers.iter().any(|c| c.documents.is_empty()), "missing");

    let passes: Vec<&ImportEntryPass> = doc.customers.iter().flat_map(|c| &c.entry_passes).collect();
    let live = |p: &&&ImportEntryPass| p.expiration_date.is_none_or(|d| d >= today);
    assert!(passes.iter().filter(live).any(|p| p.uses_remaining == 1 && p.uses_total > 1), "one use left");
    assert!(passes.iter().any(|p| p.uses_remaining == 0 && p.uses_total == 10), "used up");
    assert!(passes.iter().any(|p| p.uses_remaining > 0 && p.expiration_date.is_some_and(|d| d < today)));
    assert!(passes.iter().any(|p| p.is_association_pass && p.association_id.is_some()));

    let any = |f: &dyn Fn(&ImportCustomer) -> bool| doc.customers.iter().any(f);
    assert!(any(&|c| c.alerts.iter().any(|a| a.prevents_check_in)));
    assert!(any(&|c| c.alerts.iter().any(|a| !a.prevents_check_in)));
    assert!(any(&|c| c.proficiencies.iter().any(|p| !p.is_active)));
    assert!(any(&|c| !c.tags.is_empty()));
    assert!(any(&|c| !c.notes.is_empty()));
    assert!(any(&|c| !c.medical_notes.is_empty()));
    assert!(any(&|c| !c.emergency_contacts.is_empty()));
    assert!(any(&|c| !c.association_ids.is_empty()));
    assert!(any(&|c| c.challenges.iter().any(|ch| ch.status == "COM")));
    assert!(any(&|c| c.fields.contains_key("custom_field_values")));
    assert!(any(&|c| c.reservations.iter().any(|r| local_date(r.starts_at) == today && r.status == "CON")));
    assert!(any(&|c| c.check_ins.iter().any(|k| local_date(k.checked_in_at) == today)));
    let relations: HashSet<&str> = doc.relations.iter().map(|r| r.relation.as_str()).collect();
    for code in ["SPO", "CHI", "SIB"] {
        assert!(relations.contains(code), "no {code} relation");
    }
    let methods: HashSet<&str> =
        doc.customers.iter().flat_map(|c| &c.check_ins).map(|k| k.entry_method.as_str()).collect();
    for method in ["MEM", "ENT", "FRE", "GUE", "EVE"] {
        assert!(methods.contains(method), "no {method} check-in");
    }
}

#[test]
fn families_have_children_without_cards_whose_parent_has_one() {
    let doc = generate(1, 3000, midday()).unwrap();
    let carded = |id: i64| {
        doc.customers.iter().find(|c| c.id == Some(id)).is_some_and(|c| c.fields["barcode"].as_str() != Some(""))
    };
    let no_card_children: Vec<i64> = doc
        .relations
        .iter()
        .filter(|r| r.relation == "CHI" && !carded(r.related_customer_id))
        .map(|r| r.customer_id)
        .collect();
    let parents_with_cards = no_card_children.iter().filter(|&&parent| carded(parent)).count();
    assert!(parents_with_cards >= 20, "a parent's scan for a child without a card: {parents_with_cards}");
}

#[test]
fn names_emails_and_barcodes_are_varied_and_unique() {
    let doc = generate(1, 3000, midday()).unwrap();
    let text = |c: &ImportCustomer, k: &str| c.fields[k].as_str().unwrap_or("").to_string();
    let emails: HashSet<String> = doc.customers.iter().map(|c| text(c, "email").to_lowercase()).collect();
    assert_eq!(emails.len(), doc.customers.len());
    let barcodes: Vec<String> = doc.customers.iter().map(|c| text(c, "barcode")).filter(|b| !b.is_empty()).collect();
    // Most have a key tag; young children often have none (a parent's scan checks them in).
    assert!(barcodes.len() > doc.customers.len() * 85 / 100);
    assert!(barcodes.iter().all(|b| b.len() == 8 && b.chars().all(|c| c.is_ascii_digit())));
    assert_eq!(barcodes.iter().collect::<HashSet<_>>().len(), barcodes.len());

    let names: Vec<(String, String)> =
        doc.customers.iter().map(|c| (text(c, "first_name"), text(c, "last_name"))).collect();
    assert!(names.iter().any(|(f, _)| f == "José" || f == "Zoë"));
    assert!(names.iter().any(|(_, l)| l.contains('-')));
    assert!(doc.customers.iter().any(|c| !text(c, "preferred_name").is_empty()));
    assert!(doc.customers.iter().any(|c| !text(c, "pronouns").is_empty()));
    let genders: HashSet<String> = doc.customers.iter().map(|c| c.fields["gender"].to_string()).collect();
    assert_eq!(genders.len(), 5, "M, F, N, P and none: {genders:?}");
    // Look-alikes: one name, different birthdays.
    let mut birthdays: HashMap<(String, String), HashSet<String>> = HashMap::new();
    for c in &doc.customers {
        birthdays.entry((text(c, "first_name"), text(c, "last_name"))).or_default().insert(text(c, "birthday"));
    }
    assert!(birthdays.values().any(|b| b.len() > 1));
}

#[test]
fn check_ins_happen_while_the_customer_had_what_they_entered_with() {
    for now in [midday(), "2026-06-01T06:10:00Z".parse().unwrap()] {
        let doc = generate(5, 1500, now).unwrap();
        let mut covering: HashMap<i64, Vec<&ImportMembership>> = HashMap::new();
        for m in &doc.memberships {
            for id in members_of(m) {
                covering.entry(id).or_default().push(m);
            }
        }
        for c in &doc.customers {
            let id = c.id.unwrap();
            for k in &c.check_ins {
                assert!(k.checked_in_at <= now, "a check-in in the future");
                assert!(k.checked_in_at >= c.created_at.unwrap(), "a check-in before the account");
                assert!(k.checked_out_at.is_none_or(|o| o > k.checked_in_at && o <= now));
                let day = local_date(k.checked_in_at);
                match k.entry_method.as_str() {
                    "MEM" => assert!(
                        covering.get(&id).into_iter().flatten().any(|m| {
                            m.status != "FUT"
                                && m.start_date <= day
                                && m.end_date.is_none_or(|e| day <= e)
                                && KINDS
                                    .iter()
                                    .any(|t| t.id == m.membership_type_id && t.name == k.entry_method_description)
                        }),
                        "customer {id} used a membership on {day} they did not have"
                    ),
                    "ENT" => assert!(!c.entry_passes.is_empty()),
                    "EVE" => assert!(!c.reservations.is_empty()),
                    "FRE" => assert!(k.free_entry_reason.is_some()),
                    _ => assert!(k.free_entry_reason.is_none()),
                }
            }
        }
    }
}

#[test]
fn running_memberships_carry_their_current_period_and_one_interval_code_each() {
    let now = midday();
    let today = local_date(now);
    let doc = generate(2, 2000, now).unwrap();
    for m in &doc.memberships {
        let kind = KINDS.iter().find(|k| k.id == m.membership_type_id).unwrap();
        assert!(crate::model::terms::INTERVALS.contains(&kind.interval), "{}", kind.interval);
        let end = m.end_date.unwrap_or_else(|| panic!("a membership without an end date: {m:?}"));
        if ["ACT", "FRZ", "FUT"].contains(&m.status.as_str()) {
            let on = m.start_date.max(today);
            assert_eq!(Some(end), crate::model::terms::period_end_covering(kind.interval, m.start_date, on), "{m:?}");
            assert!(end >= today);
        } else {
            assert!(end < today, "{m:?}");
        }
    }
    let annual = doc.memberships.iter().filter(|m| m.membership_type_id == 2 && m.status == "ACT");
    assert!(annual.clone().any(|m| m.start_date < today - 400.days()), "some annual members renewed");
    assert!(annual.clone().any(|m| m.start_date > today - 365.days()));
}

#[test]
fn classes_run_over_the_last_90_days_and_the_next_14_with_several_bookings_each() {
    let now = midday();
    let today = local_date(now);
    let doc = generate(4, 2000, now).unwrap();
    let mut sessions: HashMap<(i64, Option<i64>, Timestamp), usize> = HashMap::new();
    for c in &doc.customers {
        for r in &c.reservations {
            let day = local_date(r.starts_at);
            assert!(day >= today - 90.days() && day <= today + 14.days(), "{day}");
            assert!(r.starts_at >= c.created_at.unwrap());
            *sessions.entry((r.event_type_id, r.location_id, r.starts_at)).or_default() += 1;
        }
    }
    assert!(sessions.len() > 100, "{} classes", sessions.len());
    assert!(sessions.values().filter(|n| **n >= 3).count() > 20, "classes booked by several customers");
    assert!(sessions.keys().any(|(_, _, at)| *at > now) && sessions.keys().any(|(_, _, at)| *at < now));
    let types: HashSet<i64> = sessions.keys().map(|(t, _, _)| *t).collect();
    assert_eq!(types.len(), 5, "every event type runs");
}

#[test]
fn records_are_dated_within_their_customers_history() {
    let now = midday();
    let doc = generate(6, 1500, now).unwrap();
    let created: HashMap<i64, Timestamp> =
        doc.customers.iter().map(|c| (c.id.unwrap(), c.created_at.unwrap())).collect();
    let mut dated = Vec::new();
    for c in &doc.customers {
        let since = c.created_at.unwrap();
        let mut times: Vec<Timestamp> = Vec::new();
        times.extend(c.emergency_contacts.iter().filter_map(|e| e.created_at));
        times.extend(c.medical_notes.iter().filter_map(|m| m.created_at));
        times.extend(c.notes.iter().filter_map(|n| n.created_at));
        times.extend(c.documents.iter().filter_map(|d| d.created_at));
        times.extend(c.credits.iter().chain(&c.payments).filter_map(|a| a.created_at));
        times.extend(c.event_vouchers.iter().filter_map(|v| v.created_at));
        times.extend(c.alerts.iter().filter_map(|a| a.created_at));
        times.extend(c.entry_passes.iter().filter_map(|e| e.created_at));
        assert_eq!(c.alerts.iter().filter(|a| a.created_at.is_none()).count(), 0);
        assert_eq!(c.entry_passes.iter().filter(|e| e.created_at.is_none()).count(), 0);
        assert_eq!(c.emergency_contacts.iter().filter(|e| e.created_at.is_none()).count(), 0);
        for t in times {
            assert!(t >= since && t <= now, "customer {:?}: {t} outside {since}..{now}", c.id);
            dated.push(t);
        }
    }
    let distinct: HashSet<Timestamp> = dated.iter().copied().collect();
    assert!(distinct.len() > dated.len() / 2, "spread out, not one moment");
    for r in &doc.relations {
        let at = r.created_at.expect("a relation's date");
        let later = created[&r.customer_id].max(created[&r.related_customer_id]);
        assert!(at >= later && at <= now, "{r:?}");
    }
    let days: HashSet<Date> = doc.relations.iter().map(|r| local_date(r.created_at.unwrap())).collect();
    assert!(days.len() > 100, "relations made over the years, not all at once: {} days", days.len());
}
