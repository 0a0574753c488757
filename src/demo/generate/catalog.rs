//! The organization's fixed records: locations, membership types and the
//! named things customers hold (proficiencies, associations, challenges).

use crate::import::{ImportDocument, ImportLocation, ImportMembershipType, ImportNamed};

use super::TIME_ZONE;

pub(super) const BOULDER: i64 = 1;
pub(super) const DENVER: i64 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Kind {
    pub(super) id: i64,
    pub(super) name: &'static str,
    pub(super) description: &'static str,
    pub(super) interval: &'static str,
    pub(super) amount: &'static str,
    pub(super) group: bool,
    pub(super) youth: bool,
    pub(super) location: Option<i64>,
}

pub(super) const fn kind(
    id: i64,
    name: &'static str,
    description: &'static str,
    interval: &'static str,
    amount: &'static str,
) -> Kind {
    Kind { id, name, description, interval, amount, group: false, youth: false, location: None }
}

pub(super) const MONTHLY: Kind = kind(1, "Monthly Membership", "Unlimited climbing at both gyms", "MON", "89.00");
pub(super) const ANNUAL: Kind = kind(2, "Annual Membership", "A year of climbing, paid up front", "YRL", "899.00");
pub(super) const STUDENT: Kind = kind(3, "Student Monthly", "With a valid student ID", "MON", "65.00");
pub(super) const FAMILY: Kind =
    Kind { group: true, ..kind(4, "Family Membership", "Two adults and their kids", "MON", "189.00") };
pub(super) const YOUTH_TEAM: Kind =
    Kind { youth: true, ..kind(5, "Youth Team", "Competitive team, ages 11-17", "MON", "145.00") };
pub(super) const KIDS_CLUB: Kind =
    Kind { youth: true, ..kind(6, "Kids Climbing Club", "Weekly club, ages 5-10", "MON", "95.00") };
pub(super) const OFF_PEAK: Kind =
    Kind { location: Some(DENVER), ..kind(7, "Denver Off-Peak", "Weekdays before 4pm at Denver", "MON", "55.00") };
pub(super) const KINDS: [Kind; 7] = [MONTHLY, ANNUAL, STUDENT, FAMILY, YOUTH_TEAM, KIDS_CLUB, OFF_PEAK];

pub(super) const CUSTOM_FIELDS: [&str; 3] = ["How did you hear about us?", "T-shirt size", "Climbing experience"];
pub(super) const HEARD_FROM: [&str; 7] = ["A friend", "Instagram", "Google", "Walked by", "Meetup", "School", "Work"];
pub(super) const SHIRT_SIZES: [&str; 6] = ["XS", "S", "M", "L", "XL", "XXL"];
pub(super) const EXPERIENCE: [&str; 4] = ["First time", "Less than a year", "1-3 years", "More than 3 years"];

pub(super) const PROFICIENCIES: [(&str, &str); 5] = [
    ("Top Rope Belay", "Passed the top-rope belay test"),
    ("Lead Belay", "Passed the lead belay test"),
    ("Lead Climbing", "Cleared to lead on the lead wall"),
    ("Auto Belay Orientation", "Shown how to use the auto belays"),
    ("Bouldering Orientation", "Shown how to fall and spot safely"),
];
pub(super) const ASSOCIATIONS: [&str; 3] =
    ["CU Boulder Climbing Club", "Front Range Climbing Coalition", "Acme Corp Wellness"];
pub(super) const CHALLENGES: [(&str, &str); 3] = [
    ("100 Days of Climbing", "Climb on 100 different days this year"),
    ("Circuit Sweep", "Send every problem in the purple circuit"),
    ("Summer Lead League", "Log ten lead routes over the summer"),
];
pub(super) const EVENT_TYPES: [&str; 5] =
    ["Intro to Climbing", "Learn to Lead", "Yoga Flow", "Youth Team Practice", "Kids Birthday Party"];
/// One weekly class of the timetable, the same at both gyms.
#[derive(Debug, Clone, Copy)]
pub(super) struct Class {
    pub(super) event_type_id: i64,
    /// 1 Monday .. 7 Sunday.
    pub(super) weekday: i8,
    /// Seconds after local midnight.
    pub(super) starts: i64,
    pub(super) minutes: i64,
}

const fn class(event_type_id: i64, weekday: i8, hour: i64, minute: i64, minutes: i64) -> Class {
    Class { event_type_id, weekday, starts: hour * 3600 + minute * 60, minutes }
}

/// The gyms' weekly classes (event types as in [`EVENT_TYPES`], from 1).
pub(super) const TIMETABLE: [Class; 14] = [
    class(1, 2, 18, 30, 90),
    class(1, 4, 18, 30, 90),
    class(1, 6, 10, 0, 90),
    class(2, 3, 18, 0, 120),
    class(2, 7, 10, 0, 120),
    class(3, 1, 7, 0, 60),
    class(3, 3, 7, 0, 60),
    class(3, 5, 7, 0, 60),
    class(3, 2, 18, 0, 60),
    class(4, 1, 16, 30, 120),
    class(4, 3, 16, 30, 120),
    class(4, 5, 16, 30, 120),
    class(5, 6, 13, 0, 120),
    class(5, 7, 13, 0, 120),
];
/// Classes are booked from this many days back to [`CLASS_DAYS_AHEAD`] ahead.
pub(super) const CLASS_DAYS_BACK: i64 = 90;
pub(super) const CLASS_DAYS_AHEAD: i64 = 14;
pub(super) const TAGS: [&str; 8] =
    ["Staff", "Route Setter", "Volunteer", "Founding Member", "Instructor", "Needs Belay Check", "VIP", "Photographer"];

pub(super) fn fixed_records() -> ImportDocument {
    let named = |names: &[&str]| -> Vec<ImportNamed> {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| ImportNamed { id: i as i64 + 1, name: n.to_string(), description: String::new() })
            .collect()
    };
    let described = |items: &[(&str, &str)]| -> Vec<ImportNamed> {
        items
            .iter()
            .enumerate()
            .map(|(i, (n, d))| ImportNamed { id: i as i64 + 1, name: n.to_string(), description: d.to_string() })
            .collect()
    };
    ImportDocument {
        locations: vec![
            ImportLocation {
                id: BOULDER,
                name: "Basecamp Boulder".into(),
                time_zone: Some(TIME_ZONE.into()),
                combine_same_day_check_ins: false,
            },
            ImportLocation {
                id: DENVER,
                name: "Basecamp Denver".into(),
                time_zone: Some(TIME_ZONE.into()),
                combine_same_day_check_ins: true,
            },
        ],
        custom_fields: named(&CUSTOM_FIELDS),
        proficiencies: described(&PROFICIENCIES),
        associations: named(&ASSOCIATIONS),
        challenges: described(&CHALLENGES),
        event_types: named(&EVENT_TYPES),
        membership_types: KINDS
            .iter()
            .map(|k| ImportMembershipType {
                id: k.id,
                name: k.name.into(),
                description: k.description.into(),
                status: "ACT".into(),
                purchase_type: "REC".into(),
                interval: k.interval.into(),
                is_group: k.group,
                is_youth_programming: k.youth,
                billing_amount: k.amount.into(),
                location_id: k.location,
            })
            .collect(),
        ..ImportDocument::default()
    }
}
