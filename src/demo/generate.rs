//! The demo gym's data: a realistic climbing organization generated from a
//! seed as an [`ImportDocument`], so the demo is made through the import path.
//!
//! One small PRNG written here drives every choice and nothing depends on a
//! hash map's order, so a seed, a count and a "now" give the same gym on every
//! machine. Dates are relative to "now", so the demo always looks current.

use std::collections::HashSet;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde_json::{Map, Value, json};

use crate::import::{
    ImportAlert, ImportAmount, ImportCheckIn, ImportCustomer, ImportCustomerChallenge, ImportCustomerProficiency,
    ImportDocument, ImportEmergencyContact, ImportEntryPass, ImportEventVoucher, ImportGuestPassUsage, ImportLocation,
    ImportMedicalNote, ImportMember, ImportMembership, ImportMembershipType, ImportNamed, ImportNote, ImportRelation,
    ImportReservation, ImportWaiver,
};

pub const ORG_NAME: &str = "Basecamp Climbing";
pub const TIME_ZONE: &str = "America/Denver";

/// Changes whenever the generator's output does, so that caches of generated
/// databases (the benchmarks') know to rebuild.
pub const GENERATOR_VERSION: u32 = 1;

/// How far back customers' histories reach.
const HISTORY_DAYS: i64 = 6 * 365;
/// How far ahead anything is scheduled (reservations, future starts).
const FUTURE_DAYS: i64 = 60;
const HOUR: i64 = 3600;

/// SplitMix64: tiny, fast, and the same on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`; `lo` when the range is empty.
    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo { lo } else { lo + self.below((hi - lo + 1) as u64) as i64 }
    }

    /// True `p` times in a thousand.
    pub fn per_mille(&mut self, p: u64) -> bool {
        self.below(1000) < p
    }

    pub fn percent(&mut self, p: u64) -> bool {
        self.per_mille(p * 10)
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// Like [`pick`](Self::pick), but the first items come up more often, as
    /// common surnames do.
    pub fn pick_common<T: Copy>(&mut self, items: &[T]) -> T {
        if self.percent(60) {
            return self.pick(items);
        }
        let u = self.below(1 << 16);
        items[((items.len() as u64 * u * u) >> 32) as usize]
    }

    /// `0..=max`, mostly small (recent days, short gaps).
    pub fn mostly_small(&mut self, max: i64) -> i64 {
        let u = self.below(1 << 16) as i64;
        (max * u / (1 << 16)) * u / (1 << 16)
    }

    pub fn weighted<T: Copy>(&mut self, choices: &[(u64, T)]) -> T {
        let total: u64 = choices.iter().map(|(w, _)| w).sum();
        let mut roll = self.below(total);
        for (weight, item) in choices {
            if roll < *weight {
                return *item;
            }
            roll -= weight;
        }
        choices[choices.len() - 1].1
    }
}

// ---- the organization's fixed records ----

const BOULDER: i64 = 1;
const DENVER: i64 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Kind {
    id: i64,
    name: &'static str,
    description: &'static str,
    interval: &'static str,
    amount: &'static str,
    group: bool,
    youth: bool,
    location: Option<i64>,
}

const fn kind(
    id: i64,
    name: &'static str,
    description: &'static str,
    interval: &'static str,
    amount: &'static str,
) -> Kind {
    Kind { id, name, description, interval, amount, group: false, youth: false, location: None }
}

const MONTHLY: Kind = kind(1, "Monthly Membership", "Unlimited climbing at both gyms", "MON", "89.00");
const ANNUAL: Kind = kind(2, "Annual Membership", "A year of climbing, paid up front", "YEA", "899.00");
const STUDENT: Kind = kind(3, "Student Monthly", "With a valid student ID", "MON", "65.00");
const FAMILY: Kind = Kind { group: true, ..kind(4, "Family Membership", "Two adults and their kids", "MON", "189.00") };
const YOUTH_TEAM: Kind = Kind { youth: true, ..kind(5, "Youth Team", "Competitive team, ages 11-17", "MON", "145.00") };
const KIDS_CLUB: Kind = Kind { youth: true, ..kind(6, "Kids Climbing Club", "Weekly club, ages 5-10", "MON", "95.00") };
const OFF_PEAK: Kind =
    Kind { location: Some(DENVER), ..kind(7, "Denver Off-Peak", "Weekdays before 4pm at Denver", "MON", "55.00") };
const KINDS: [Kind; 7] = [MONTHLY, ANNUAL, STUDENT, FAMILY, YOUTH_TEAM, KIDS_CLUB, OFF_PEAK];

const CUSTOM_FIELDS: [&str; 3] = ["How did you hear about us?", "T-shirt size", "Climbing experience"];
const HEARD_FROM: [&str; 7] = ["A friend", "Instagram", "Google", "Walked by", "Meetup", "School", "Work"];
const SHIRT_SIZES: [&str; 6] = ["XS", "S", "M", "L", "XL", "XXL"];
const EXPERIENCE: [&str; 4] = ["First time", "Less than a year", "1-3 years", "More than 3 years"];

const PROFICIENCIES: [(&str, &str); 5] = [
    ("Top Rope Belay", "Passed the top-rope belay test"),
    ("Lead Belay", "Passed the lead belay test"),
    ("Lead Climbing", "Cleared to lead on the lead wall"),
    ("Auto Belay Orientation", "Shown how to use the auto belays"),
    ("Bouldering Orientation", "Shown how to fall and spot safely"),
];
const ASSOCIATIONS: [&str; 3] = ["CU Boulder Climbing Club", "Front Range Climbing Coalition", "Acme Corp Wellness"];
const CHALLENGES: [(&str, &str); 3] = [
    ("100 Days of Climbing", "Climb on 100 different days this year"),
    ("Circuit Sweep", "Send every problem in the purple circuit"),
    ("Summer Lead League", "Log ten lead routes over the summer"),
];
const EVENT_TYPES: [&str; 5] =
    ["Intro to Climbing", "Learn to Lead", "Yoga Flow", "Youth Team Practice", "Kids Birthday Party"];
const TAGS: [&str; 8] =
    ["Staff", "Route Setter", "Volunteer", "Founding Member", "Instructor", "Needs Belay Check", "VIP", "Photographer"];

// ---- names and places ----

#[rustfmt::skip]
pub(super) const FEMALE: [&str; 44] = [
    "Emma", "Olivia", "Sophia", "Isabella", "Mia", "Charlotte", "Amelia", "Harper", "Evelyn", "Abigail", "Emily",
    "Elizabeth", "Sofía", "Camila", "Zoë", "Chloé", "Renée", "Amélie", "Maya", "Priya", "Aisha", "Fatima", "Mei",
    "Yuki", "Hannah", "Sarah", "Jessica", "Katherine", "Margaret", "Alexandra", "Rebecca", "Natalie", "Grace",
    "Lucía", "Ximena", "Ingrid", "Siobhan", "Ngozi", "Leilani", "Anaïs", "Jennifer", "Ana", "Anna", "Anne",
];
#[rustfmt::skip]
pub(super) const MALE: [&str; 44] = [
    "Liam", "Noah", "Oliver", "Elijah", "James", "William", "Benjamin", "Lucas", "Henry", "Alexander", "Michael",
    "Daniel", "Matthew", "Joseph", "David", "Robert", "Christopher", "Andrew", "José", "Luis", "Mateo", "Santiago",
    "Diego", "Andrés", "Björn", "Søren", "François", "Jürgen", "Kenji", "Hiroshi", "Wei", "Arjun", "Rahul",
    "Mohammed", "Omar", "Kwame", "Tariq", "Thomas", "Nicholas", "Jonathan", "Jon", "John", "Sean", "Shawn",
];
#[rustfmt::skip]
pub(super) const NEUTRAL: [&str; 12] = [
    "Alex", "Jordan", "Taylor", "Riley", "Casey", "Quinn", "Avery", "Rowan", "Sage", "River", "Jamie", "Morgan",
];
#[rustfmt::skip]
const SURNAMES: [&str; 96] = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee",
    "Pérez", "Thompson", "White", "Harris", "Sánchez", "Clark", "Ramírez", "Lewis", "Robinson", "Walker", "Young",
    "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker",
    "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Kim", "Patel", "Chen", "Wang", "Singh",
    "O'Brien", "O'Connor", "McDonald", "MacLeod", "Van der Berg", "de la Cruz", "Da Silva", "Müller", "Schmidt",
    "Novák", "Kowalski", "Nakamura", "Tanaka", "Okafor", "Mensah", "Haddad", "Johansson", "Østergaard", "Núñez",
    "Brontë", "Smyth", "Smithson", "Peña", "Castillo", "Reyes", "Morales", "Ortiz", "Gutierrez", "Chavez", "Ramos",
    "Ruiz", "Alvarez", "Mendoza", "Vasquez", "Jimenez", "Moreno", "Romero", "Herrera", "Medina", "Aguilar",
    "Vargas",
];
/// Formal first names and what people call them.
pub(super) const NICKNAMES: [(&str, &str); 14] = [
    ("Robert", "Bob"),
    ("William", "Will"),
    ("Katherine", "Kate"),
    ("Elizabeth", "Liz"),
    ("Alexandra", "Sasha"),
    ("Margaret", "Maggie"),
    ("Christopher", "Chris"),
    ("Jonathan", "Jon"),
    ("Nicholas", "Nick"),
    ("Benjamin", "Ben"),
    ("Alexander", "Xander"),
    ("Rebecca", "Becca"),
    ("Jennifer", "Jen"),
    ("Matthew", "Matt"),
];
#[rustfmt::skip]
const STREETS: [&str; 16] = [
    "Pearl St", "Arapahoe Ave", "Baseline Rd", "Broadway", "Canyon Blvd", "Folsom St", "Colfax Ave", "Federal Blvd",
    "Walnut St", "Mapleton Ave", "Table Mesa Dr", "28th St", "Spruce St", "Quince Ave", "Tejon St", "Alpine Ave",
];
/// (city, state, country, postcodes)
const PLACES: [(&str, &str, &str, &[&str]); 10] = [
    ("Boulder", "CO", "US", &["80301", "80302", "80303", "80304", "80305"]),
    ("Denver", "CO", "US", &["80202", "80203", "80205", "80206", "80209", "80210", "80211", "80218"]),
    ("Louisville", "CO", "US", &["80027"]),
    ("Lafayette", "CO", "US", &["80026"]),
    ("Longmont", "CO", "US", &["80501", "80503", "80504"]),
    ("Golden", "CO", "US", &["80401"]),
    ("Lakewood", "CO", "US", &["80226", "80228"]),
    ("Arvada", "CO", "US", &["80002", "80003"]),
    ("Salt Lake City", "UT", "US", &["84101", "84102"]),
    ("Cheyenne", "WY", "US", &["82001"]),
];
/// Visitors from abroad: (city, state or province, country, postcode)
const ABROAD: [(&str, &str, &str, &str); 3] = [
    ("Calgary", "Alberta", "CA", "T2P 1J9"),
    ("London", "England", "GB", "SW1A 1AA"),
    ("Ciudad de México", "Ciudad de México", "MX", "06700"),
];
pub(super) const EMAIL_DOMAINS: [&str; 5] =
    ["example.com", "example.org", "example.net", "mail.example.com", "climb.example.org"];
const MEDICAL: [&str; 6] = [
    "Asthma: keeps an inhaler in their chalk bag",
    "Type 1 diabetes",
    "Severe peanut allergy, carries an EpiPen",
    "Recovering from shoulder surgery (cleared by physio for bouldering)",
    "Epilepsy: seizures are rare and short; do not restrain",
    "Pacemaker",
];
const NOTES: [&str; 7] = [
    "Interested in joining the youth team next season",
    "Lost their key tag; issued a new one",
    "Asked about the corporate discount",
    "Left a water bottle at the Boulder front desk",
    "Prefers to be called by their preferred name on the screen",
    "Wants to volunteer at the spring comp",
    "Asked us to freeze the membership over the summer",
];
const ALERTS: [(&str, bool); 5] = [
    ("Card declined at the last billing: ask them to update payment", false),
    ("Belay check needed before roped climbing", false),
    ("Do not admit: banned after an incident, see the manager", true),
    ("Account on hold: outstanding balance", true),
    ("A parent must sign the minor waiver in person", true),
];
const FREE_REASONS: [&str; 4] = ["First visit free", "Staff comp", "Open house", "Lost key tag"];
const CONTACT_RELATIONS: [&str; 6] = ["Mother", "Father", "Sister", "Brother", "Friend", "Roommate"];

// ---- the calendar ----

/// "Now" in the organization's time zone, and the local midnights around it,
/// so that a million check-in times cost no time-zone arithmetic each.
struct Calendar {
    now: Timestamp,
    today: Date,
    /// Local midnight (microseconds) of day offset `i - HISTORY_DAYS - 400`.
    midnights: Vec<i64>,
    seconds_into_today: i64,
}

impl Calendar {
    const BACK: i64 = HISTORY_DAYS + 400;

    fn new(now: Timestamp, tz: &TimeZone) -> Calendar {
        let today = now.to_zoned(tz.clone()).date();
        let midnights = (-Self::BACK..=FUTURE_DAYS)
            .map(|offset| crate::storage::start_of_day(tz, Self::shift(today, offset)).as_microsecond())
            .collect();
        let mut cal = Calendar { now, today, midnights, seconds_into_today: 0 };
        cal.seconds_into_today = (now.as_microsecond() - cal.midnight(0)) / 1_000_000;
        cal
    }

    fn shift(today: Date, offset: i64) -> Date {
        today.checked_add(offset.days()).expect("demo dates stay within a few years of today")
    }

    /// Today plus `offset` days (negative: the past).
    fn date(&self, offset: i64) -> Date {
        Self::shift(self.today, offset)
    }

    fn midnight(&self, offset: i64) -> i64 {
        let index = (offset + Self::BACK).clamp(0, self.midnights.len() as i64 - 1);
        self.midnights[index as usize]
    }

    /// `seconds` after local midnight on day `offset`.
    fn instant(&self, offset: i64, seconds: i64) -> Timestamp {
        Timestamp::from_microsecond(self.midnight(offset) + seconds * 1_000_000).expect("demo instants are near now")
    }
}

// ---- people ----

#[derive(Debug, Clone)]
struct Address {
    street_1: String,
    street_2: String,
    city: &'static str,
    state: &'static str,
    country: &'static str,
    postcode: &'static str,
}

/// A span of days (as days ago, `from >= to`) in which a customer could
/// check in with a membership.
#[derive(Debug, Clone)]
struct Usable {
    from_ago: i64,
    to_ago: i64,
    name: &'static str,
    location: Option<i64>,
    visits: i64,
}

#[derive(Debug, Clone)]
struct Person {
    first: &'static str,
    last: String,
    preferred: &'static str,
    pronouns: &'static str,
    gender: Option<&'static str>,
    birthday: Date,
    age: i64,
    email: String,
    phone: String,
    address: Address,
    home_location: Option<i64>,
    created_ago: i64,
    created_seconds: i64,
    /// Household members they might name as an emergency contact.
    contacts: Vec<usize>,
    usable: Vec<Usable>,
    has_current_membership: bool,
    has_any_membership: bool,
    youth_team: bool,
}

impl Person {
    fn is_minor(&self) -> bool {
        self.age < 18
    }

    fn display_name(&self) -> String {
        format!("{} {}", self.first, self.last)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    Active,
    Frozen,
    Ended,
    Cancelled,
    Future,
}

/// A membership's dates, as offsets from today in days.
struct MembershipDates {
    status: &'static str,
    start: i64,
    end: Option<i64>,
    unfreeze: Option<i64>,
    /// Days (ago) it could be used for check-ins, if any.
    usable: Option<(i64, i64)>,
    /// For a frozen one: how many days ago the freeze began.
    frozen_since: Option<i64>,
}

#[derive(Debug, Clone, Copy)]
enum Household {
    Single,
    Couple,
    Family { parents: usize, kids: usize },
}

/// Generates the demo gym: `customers` customers, with everything relative to `now`.
pub fn generate(seed: u64, customers: usize, now: Timestamp) -> ImportDocument {
    let tz = TimeZone::get(TIME_ZONE).expect("the demo's time zone is in the bundled database");
    let mut g = Generator {
        rng: Rng::new(seed),
        cal: Calendar::new(now, &tz),
        people: Vec::with_capacity(customers),
        emails: HashSet::with_capacity(customers),
        barcode_offset: 0,
        doc: fixed_records(),
    };
    g.barcode_offset = g.rng.below(90_000_000);
    while g.people.len() < customers {
        let remaining = customers - g.people.len();
        g.household(remaining);
    }
    g.doc.customers = (0..g.people.len()).map(|i| g.customer(i)).collect();
    g.doc
}

fn fixed_records() -> ImportDocument {
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

/// Lower-case ASCII letters and digits of a name, for email addresses.
pub(super) fn ascii_fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => out.push('a'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'í' | 'ì' | 'î' | 'ï' => out.push('i'),
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => out.push('o'),
            'ú' | 'ù' | 'û' | 'ü' => out.push('u'),
            'ñ' => out.push('n'),
            'ç' => out.push('c'),
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            _ => {}
        }
    }
    out
}

struct Generator {
    rng: Rng,
    cal: Calendar,
    people: Vec<Person>,
    emails: HashSet<String>,
    barcode_offset: u64,
    doc: ImportDocument,
}

impl Generator {
    // ---- households and people ----

    fn household(&mut self, remaining: usize) {
        let plan = self.rng.weighted(&[
            (56, Household::Single),
            (18, Household::Couple),
            (13, Household::Family { parents: 2, kids: 1 }),
            (7, Household::Family { parents: 2, kids: 2 }),
            (2, Household::Family { parents: 2, kids: 3 }),
            (4, Household::Family { parents: 1, kids: 1 }),
        ]);
        let address = self.address();
        let home = self.home_location(&address);
        // A gym that grew: more recent sign-ups than old ones.
        let created_ago =
            if self.rng.percent(30) { self.rng.mostly_small(HISTORY_DAYS) } else { self.rng.between(0, HISTORY_DAYS) };
        match plan {
            Household::Single => {
                let age = self.rng.weighted(&[(8, (14, 17)), (52, (18, 30)), (28, (31, 45)), (12, (46, 75))]);
                let p = self.adult(age, None, &address, home, created_ago);
                self.personal_membership(p);
            }
            Household::Couple => {
                let a = self.adult((22, 75), None, &address, home, created_ago);
                if remaining < 2 {
                    self.personal_membership(a);
                    return;
                }
                let age_a = self.people[a].age;
                let b = self.partner(a, (age_a - 8).max(20), age_a + 8, &address, home, created_ago);
                let relation = if self.rng.percent(70) { "SPO" } else { "PRT" };
                self.relate(a, b, relation);
                if self.rng.percent(15) {
                    self.group_membership(&[a, b]);
                } else {
                    self.personal_membership(a);
                    self.personal_membership(b);
                }
            }
            Household::Family { parents, kids } => {
                let first = self.adult((29, 55), None, &address, home, created_ago);
                let mut adults = vec![first];
                if parents == 2 && remaining >= 2 {
                    let age = self.people[first].age;
                    let second = self.partner(first, age - 6, age + 6, &address, home, created_ago);
                    self.relate(first, second, "SPO");
                    adults.push(second);
                }
                let youngest_parent = adults.iter().map(|&a| self.people[a].age).min().unwrap_or(30);
                let mut children: Vec<usize> = Vec::new();
                for _ in 0..kids.min(remaining.saturating_sub(adults.len())) {
                    let kid = self.kid(first, youngest_parent, &children, &address, home, created_ago);
                    for &parent in &adults {
                        self.relate(parent, kid, "CHI");
                    }
                    for &sibling in &children {
                        self.relate(sibling, kid, "SIB");
                    }
                    children.push(kid);
                }
                let everyone: Vec<usize> = adults.iter().chain(&children).copied().collect();
                if children.is_empty() || self.rng.percent(45) {
                    if everyone.len() > 1 {
                        self.group_membership(&everyone);
                    } else {
                        self.personal_membership(first);
                    }
                } else {
                    for &a in &adults {
                        self.personal_membership(a);
                    }
                    for &kid in &children {
                        if self.rng.percent(55) {
                            self.youth_membership(first, kid);
                        }
                    }
                }
            }
        }
    }

    fn address(&mut self) -> Address {
        let street_1 = format!("{} {}", self.rng.between(100, 9899), self.rng.pick(&STREETS));
        let street_2 = if self.rng.percent(18) {
            self.rng.pick(&["Apt 2B", "Apt 14", "Unit 301", "#5", "Suite 210", "Apt 7C"]).to_string()
        } else {
            String::new()
        };
        if self.rng.percent(2) {
            let (city, state, country, postcode) = self.rng.pick(&ABROAD);
            return Address { street_1, street_2, city, state, country, postcode };
        }
        if self.rng.percent(4) {
            return Address {
                street_1: String::new(),
                street_2: String::new(),
                city: "",
                state: "",
                country: "",
                postcode: "",
            };
        }
        let place =
            self.rng.weighted(&[(38, 0), (30, 1), (6, 2), (5, 3), (6, 4), (4, 5), (4, 6), (4, 7), (2, 8), (1, 9)]);
        let (city, state, country, postcodes) = PLACES[place];
        let postcode = self.rng.pick(postcodes);
        Address { street_1, street_2, city, state, country, postcode }
    }

    fn home_location(&mut self, address: &Address) -> Option<i64> {
        if self.rng.percent(4) {
            return None;
        }
        let near_denver = matches!(address.city, "Denver" | "Lakewood" | "Arvada" | "Golden");
        Some(if near_denver == self.rng.percent(85) { DENVER } else { BOULDER })
    }

    fn phone(&mut self) -> String {
        let area = self.rng.pick(&[303, 720, 970, 303, 720]);
        let line = self.rng.between(0, 9999);
        match self.rng.below(5) {
            0 => format!("{area}-555-{line:04}"),
            1 => format!("+1 {area} 555 {line:04}"),
            2 => format!("{area}555{line:04}"),
            _ => format!("({area}) 555-{line:04}"),
        }
    }

    /// A unique email address for a name; a kid's is a sub-address of a
    /// parent's (`pat+sam@...`), as families do.
    fn email(&mut self, first: &str, last: &str, parent: Option<&str>) -> String {
        let candidate = match parent {
            Some(parent_email) => {
                let (user, domain) = parent_email.split_once('@').expect("generated emails have an @");
                format!("{}+{}@{domain}", user.split('+').next().unwrap_or(user), ascii_fold(first))
            }
            None => {
                let (f, l) = (ascii_fold(first), ascii_fold(last));
                let initial = f.chars().next().unwrap_or('x');
                let user = match self.rng.below(6) {
                    0 => format!("{f}{l}"),
                    1 => format!("{initial}{l}"),
                    2 => format!("{f}_{l}"),
                    3 => format!("{l}.{f}"),
                    4 => format!("{f}.{l}{}", self.rng.between(1, 99)),
                    _ => format!("{f}.{l}"),
                };
                format!("{user}@{}", self.rng.pick(&EMAIL_DOMAINS))
            }
        };
        if self.emails.insert(candidate.clone()) {
            return candidate;
        }
        let (user, domain) = candidate.split_once('@').expect("generated emails have an @");
        (2..)
            .map(|n| format!("{user}{n}@{domain}"))
            .find(|e| self.emails.insert(e.clone()))
            .expect("some number makes the address unique")
    }

    fn first_name(&mut self, gender: Option<&'static str>) -> &'static str {
        match gender {
            Some("F") => self.rng.pick(&FEMALE),
            Some("M") => self.rng.pick(&MALE),
            _ if self.rng.percent(50) => self.rng.pick(&NEUTRAL),
            _ => {
                if self.rng.percent(50) {
                    self.rng.pick(&FEMALE)
                } else {
                    self.rng.pick(&MALE)
                }
            }
        }
    }

    fn gender(&mut self) -> Option<&'static str> {
        self.rng.weighted(&[(46, Some("F")), (46, Some("M")), (3, Some("N")), (2, Some("P")), (3, None)])
    }

    fn pronouns(&mut self, gender: Option<&str>) -> &'static str {
        if !self.rng.percent(35) {
            return "";
        }
        match gender {
            Some("F") => self.rng.pick(&["she/her", "she/her", "she/they"]),
            Some("M") => self.rng.pick(&["he/him", "he/him", "he/they"]),
            Some("N") => "they/them",
            _ => self.rng.pick(&["they/them", "she/her", "he/him"]),
        }
    }

    fn birthday(&mut self, age: i64) -> Date {
        // Someone `age` years old was born between age+1 years and age years ago.
        let days_into_year = self.rng.between(1, 364);
        self.cal.date(-(age * 365 + age / 4) - days_into_year)
    }

    fn age_on(&self, birthday: Date) -> i64 {
        let today = self.cal.today;
        let mut age = i64::from(today.year() - birthday.year());
        if (today.month(), today.day()) < (birthday.month(), birthday.day()) {
            age -= 1;
        }
        age
    }

    fn push_person(&mut self, mut person: Person) -> usize {
        person.age = self.age_on(person.birthday);
        self.people.push(person);
        self.people.len() - 1
    }

    #[allow(clippy::too_many_arguments)]
    fn new_person(
        &mut self,
        first: &'static str,
        last: String,
        gender: Option<&'static str>,
        age: i64,
        address: &Address,
        home: Option<i64>,
        created_ago: i64,
        parent_email: Option<String>,
    ) -> usize {
        let preferred = match NICKNAMES.iter().find(|(formal, _)| *formal == first) {
            Some((_, nick)) if self.rng.percent(45) => nick,
            _ if self.rng.percent(2) => self.rng.pick(&NEUTRAL),
            _ => "",
        };
        let birthday = self.birthday(age);
        let email = self.email(first, &last, parent_email.as_deref());
        let phone = self.phone();
        let pronouns = self.pronouns(gender);
        let created_seconds = if created_ago == 0 {
            self.rng.between(0, (self.cal.seconds_into_today - 600).max(0))
        } else {
            self.rng.between(7 * HOUR, 20 * HOUR)
        };
        self.push_person(Person {
            first,
            last,
            preferred,
            pronouns,
            gender,
            birthday,
            age,
            email,
            phone,
            address: address.clone(),
            home_location: home,
            created_ago,
            created_seconds,
            contacts: Vec::new(),
            usable: Vec::new(),
            has_current_membership: false,
            has_any_membership: false,
            youth_team: false,
        })
    }

    fn adult(
        &mut self,
        (min_age, max_age): (i64, i64),
        last: Option<String>,
        address: &Address,
        home: Option<i64>,
        created_ago: i64,
    ) -> usize {
        // Now and then someone shares a name with an earlier customer: the
        // look-alikes a front desk must tell apart by birthday and email.
        if last.is_none() && !self.people.is_empty() && self.rng.percent(3) {
            let twin = self.rng.below(self.people.len() as u64) as usize;
            if !self.people[twin].is_minor() {
                let (first, last, gender) =
                    (self.people[twin].first, self.people[twin].last.clone(), self.people[twin].gender);
                let age = self.rng.between(min_age, max_age);
                return self.new_person(first, last, gender, age, address, home, created_ago, None);
            }
        }
        let gender = self.gender();
        let first = self.first_name(gender);
        let last = last.unwrap_or_else(|| self.rng.pick_common(&SURNAMES).to_string());
        let age = self.rng.between(min_age, max_age);
        self.new_person(first, last, gender, age, address, home, created_ago, None)
    }

    /// A partner: often the same surname, sometimes a hyphenated one.
    fn partner(
        &mut self,
        of: usize,
        min_age: i64,
        max_age: i64,
        address: &Address,
        home: Option<i64>,
        created_ago: i64,
    ) -> usize {
        let their_last = self.people[of].last.clone();
        let last = match self.rng.below(10) {
            0..=4 => their_last,
            5 | 6 => {
                let own = self.rng.pick_common(&SURNAMES);
                if their_last.contains(' ') || own.contains(' ') || own == their_last {
                    own.to_string()
                } else {
                    format!("{own}-{their_last}")
                }
            }
            _ => self.rng.pick_common(&SURNAMES).to_string(),
        };
        let p = self.adult((min_age.max(20), max_age.max(21)), Some(last), address, home, created_ago);
        self.people[p].contacts.push(of);
        self.people[of].contacts.push(p);
        p
    }

    fn kid(
        &mut self,
        parent: usize,
        youngest_parent: i64,
        siblings: &[usize],
        address: &Address,
        home: Option<i64>,
        created_ago: i64,
    ) -> usize {
        let gender = self.rng.weighted(&[(48, Some("F")), (48, Some("M")), (2, Some("N")), (2, None)]);
        let mut first = self.first_name(gender);
        // Siblings have different first names (and so different emails).
        for _ in 0..8 {
            if !siblings.iter().any(|&s| self.people[s].first == first) && first != self.people[parent].first {
                break;
            }
            first = self.first_name(gender);
        }
        let last = self.people[parent].last.clone();
        let age = self.rng.between(4, 17.min(youngest_parent - 20).max(4));
        let parent_email = self.people[parent].email.clone();
        let kid = self.new_person(first, last, gender, age, address, home, created_ago, Some(parent_email));
        // Kids often share the family phone.
        if self.rng.percent(60) {
            self.people[kid].phone = self.people[parent].phone.clone();
        }
        self.people[kid].contacts.push(parent);
        kid
    }

    fn relate(&mut self, customer: usize, related: usize, relation: &str) {
        self.doc.relations.push(ImportRelation {
            customer_id: customer as i64 + 1,
            related_customer_id: related as i64 + 1,
            relation: relation.into(),
        });
    }

    // ---- memberships ----

    fn standing(&mut self) -> Standing {
        self.rng.weighted(&[
            (68, Standing::Active),
            (8, Standing::Frozen),
            (13, Standing::Ended),
            (7, Standing::Cancelled),
            (4, Standing::Future),
        ])
    }

    fn membership_dates(&mut self, standing: Standing, tenure: i64, kind: Kind) -> MembershipDates {
        let standing = match standing {
            Standing::Frozen if tenure < 40 => Standing::Active,
            Standing::Ended | Standing::Cancelled if tenure < 100 => Standing::Active,
            other => other,
        };
        match standing {
            Standing::Active if kind.interval == "YEA" => {
                let start_ago = self.rng.between(1, tenure.clamp(1, 364));
                MembershipDates {
                    status: "ACT",
                    start: -start_ago,
                    end: Some(365 - start_ago),
                    unfreeze: None,
                    usable: Some((start_ago, 0)),
                    frozen_since: None,
                }
            }
            Standing::Active => {
                let start_ago = self.rng.between(0, tenure);
                MembershipDates {
                    status: "ACT",
                    start: -start_ago,
                    end: None,
                    unfreeze: None,
                    usable: Some((start_ago, 0)),
                    frozen_since: None,
                }
            }
            Standing::Frozen => {
                let start_ago = self.rng.between(40, tenure);
                let frozen_since = self.rng.between(2, 45);
                MembershipDates {
                    status: "FRZ",
                    start: -start_ago,
                    end: None,
                    unfreeze: Some(self.rng.between(3, 60)),
                    usable: Some((start_ago, frozen_since)),
                    frozen_since: Some(frozen_since),
                }
            }
            Standing::Ended | Standing::Cancelled => {
                let start_ago = self.rng.between(100, tenure);
                let end_ago = self.rng.between(1, start_ago - 30);
                MembershipDates {
                    status: if standing == Standing::Ended { "END" } else { "CAN" },
                    start: -start_ago,
                    end: Some(-end_ago),
                    unfreeze: None,
                    usable: Some((start_ago, end_ago)),
                    frozen_since: None,
                }
            }
            Standing::Future => MembershipDates {
                status: "FUT",
                start: self.rng.between(1, 30),
                end: None,
                unfreeze: None,
                usable: None,
                frozen_since: None,
            },
        }
    }

    /// How often a member came during a span of `days` days.
    fn visits(&mut self, days: i64, current: bool) -> i64 {
        let visits = if current {
            let (lo, hi) = self.rng.weighted(&[(30, (0, 5)), (42, (6, 14)), (23, (15, 35)), (5, (36, 100))]);
            self.rng.between(lo, hi)
        } else {
            self.rng.between(0, 25)
        };
        visits.min(days + 1)
    }

    /// Adds a membership of `kind` owned by `owner` covering `members`
    /// (index, individually frozen).
    fn add_membership(&mut self, kind: Kind, owner: usize, members: &[(usize, bool)], standing: Standing) {
        let tenure = members.iter().map(|(m, _)| self.people[*m].created_ago).min().unwrap_or(0);
        let dates = self.membership_dates(standing, tenure, kind);
        let current = dates.usable.is_some_and(|(_, to)| to == 0);
        // An individually frozen member stopped coming when their freeze began.
        let member_frozen_since = dates.frozen_since.unwrap_or_else(|| self.rng.between(2, 30));
        for &(member, frozen) in members {
            let person = &mut self.people[member];
            person.has_any_membership = true;
            if kind.id == YOUTH_TEAM.id {
                person.youth_team = true;
            }
            let Some((from_ago, to_ago)) = dates.usable else { continue };
            let to_ago = if frozen { to_ago.max(member_frozen_since).min(from_ago) } else { to_ago };
            let current = current && !frozen;
            if current {
                self.people[member].has_current_membership = true;
            }
            let visits = self.visits(from_ago - to_ago, current);
            self.people[member].usable.push(Usable {
                from_ago,
                to_ago,
                name: kind.name,
                location: kind.location,
                visits,
            });
        }
        self.doc.memberships.push(ImportMembership {
            membership_type_id: kind.id,
            owner_id: owner as i64 + 1,
            status: dates.status.into(),
            start_date: self.cal.date(dates.start),
            end_date: dates.end.map(|e| self.cal.date(e)),
            interval: None,
            billing_amount: None,
            unfreeze_date: dates.unfreeze.map(|u| self.cal.date(u)),
            members: members
                .iter()
                .map(|&(m, frozen)| ImportMember { customer_id: m as i64 + 1, is_individually_frozen: frozen })
                .collect(),
        });
    }

    fn personal_membership(&mut self, p: usize) {
        if self.rng.percent(34) {
            return;
        }
        let person = &self.people[p];
        let (age, home) = (person.age, person.home_location);
        let kind = if age < 26 && self.rng.percent(45) {
            STUDENT
        } else if home == Some(DENVER) && self.rng.percent(25) {
            OFF_PEAK
        } else if self.rng.percent(15) {
            ANNUAL
        } else {
            MONTHLY
        };
        let standing = self.standing();
        // Long-time members often switched plans: an older, ended one first.
        let tenure = self.people[p].created_ago;
        if standing == Standing::Active && tenure > 400 && self.rng.percent(30) {
            let start_ago = self.rng.between(200, tenure);
            let end_ago = self.rng.between(1, start_ago - 100);
            self.doc.memberships.push(ImportMembership {
                membership_type_id: STUDENT.id,
                owner_id: p as i64 + 1,
                status: "END".into(),
                start_date: self.cal.date(-start_ago),
                end_date: Some(self.cal.date(-end_ago)),
                interval: None,
                billing_amount: None,
                unfreeze_date: None,
                members: Vec::new(),
            });
            let visits = self.visits(start_ago - end_ago, false);
            let person = &mut self.people[p];
            person.has_any_membership = true;
            person.usable.push(Usable {
                from_ago: start_ago,
                to_ago: end_ago,
                name: STUDENT.name,
                location: None,
                visits,
            });
        }
        self.add_membership(kind, p, &[(p, false)], standing);
    }

    fn group_membership(&mut self, members: &[usize]) {
        let standing = self.rng.weighted(&[
            (80, Standing::Active),
            (7, Standing::Frozen),
            (7, Standing::Ended),
            (2, Standing::Cancelled),
            (4, Standing::Future),
        ]);
        // Now and then one member of an active family plan is frozen alone
        // (an injury, a semester away).
        let frozen_one = (standing == Standing::Active && self.rng.percent(15))
            .then(|| self.rng.below(members.len() as u64) as usize);
        let covered: Vec<(usize, bool)> =
            members.iter().enumerate().map(|(i, &m)| (m, Some(i) == frozen_one)).collect();
        self.add_membership(FAMILY, members[0], &covered, standing);
    }

    /// A youth programme for a kid, paid for by a parent who is not a member of it.
    fn youth_membership(&mut self, parent: usize, kid: usize) {
        let kind = if self.people[kid].age >= 11 { YOUTH_TEAM } else { KIDS_CLUB };
        let standing = self.rng.weighted(&[(80, Standing::Active), (12, Standing::Ended), (8, Standing::Future)]);
        self.add_membership(kind, parent, &[(kid, false)], standing);
    }

    // ---- one customer and everything they have ----

    fn customer(&mut self, i: usize) -> ImportCustomer {
        let p = self.people[i].clone();
        let created = self.cal.instant(-p.created_ago, p.created_seconds);
        let updated_ago = self.rng.between(0, p.created_ago);
        let updated = if updated_ago == p.created_ago {
            created
        } else {
            self.cal.instant(-updated_ago, self.rng.between(7 * HOUR, 21 * HOUR))
        };
        let mut c = ImportCustomer {
            id: Some(i as i64 + 1),
            created_at: Some(created),
            updated_at: Some(updated.min(self.cal.now)),
            is_active: !self.rng.per_mille(5),
            capitan_invite_sent: false,
            has_capitan_login: false,
            fields: self.fields(i, &p),
            ..ImportCustomer::default()
        };
        if !p.is_minor() && self.rng.percent(75) {
            c.capitan_invite_sent = true;
            c.has_capitan_login = self.rng.percent(60);
        }
        c.documents = self.waivers(&p);
        c.emergency_contacts = self.emergency_contacts(&p);
        if self.rng.percent(5) {
            c.medical_notes.push(ImportMedicalNote { medical_notes: self.rng.pick(&MEDICAL).into() });
        }
        if self.rng.percent(8) {
            let ago = self.rng.between(0, p.created_ago);
            c.notes.push(ImportNote {
                note: self.rng.pick(&NOTES).into(),
                created_at: Some(self.cal.instant(-ago, 14 * HOUR)),
            });
        }
        if self.rng.percent(4) {
            let (message, prevents_check_in) = self.rng.pick(&ALERTS);
            c.alerts.push(ImportAlert { message: message.into(), prevents_check_in });
        }
        c.tags = self.tags(&p);
        c.proficiencies = self.proficiencies(&p);
        c.association_ids = if !p.is_minor() && self.rng.percent(7) {
            let association = if p.age <= 24 { 1 } else { self.rng.between(2, 3) };
            vec![association]
        } else {
            Vec::new()
        };
        c.reservations = self.reservations(&p);
        let mut check_ins = self.membership_check_ins(&p);
        if !p.has_current_membership {
            c.entry_passes = self.entry_passes(&p, &c.association_ids, &mut check_ins);
            check_ins.extend(self.event_check_ins(&c.reservations));
            if c.entry_passes.is_empty() && check_ins.is_empty() {
                check_ins.extend(self.free_check_ins(&p, i));
            }
        } else if let Some(&association) = c.association_ids.first()
            && self.rng.percent(50)
        {
            // A member's visits used the membership: the club's pass sits unused.
            c.entry_passes = self.association_pass(&p, association, false, &mut check_ins);
        }
        check_ins.sort_by_key(|k| k.checked_in_at);
        c.challenges = self.challenges(&p, check_ins.len());
        c.check_ins = check_ins;
        self.money(&p, &mut c);
        c
    }

    fn fields(&mut self, i: usize, p: &Person) -> Map<String, Value> {
        // Numeric key tags, unique: an affine map of the customer's index.
        let barcode = if self.rng.percent(96) {
            format!("{:08}", 10_000_000 + (i as u64 * 7_919 + self.barcode_offset) % 90_000_000)
        } else {
            String::new()
        };
        let mut custom = Vec::new();
        if self.rng.percent(70) {
            custom.push(json!({"field_id": 1, "value": self.rng.pick(&HEARD_FROM)}));
            if self.rng.percent(40) {
                custom.push(json!({"field_id": 2, "value": self.rng.pick(&SHIRT_SIZES)}));
            }
            if self.rng.percent(60) {
                custom.push(json!({"field_id": 3, "value": self.rng.pick(&EXPERIENCE)}));
            }
        }
        let mut f = Map::new();
        f.insert("email".into(), json!(p.email));
        f.insert("first_name".into(), json!(p.first));
        f.insert("last_name".into(), json!(p.last));
        f.insert("preferred_name".into(), json!(p.preferred));
        f.insert("birthday".into(), json!(p.birthday.to_string()));
        f.insert("address_street_1".into(), json!(p.address.street_1));
        f.insert("address_street_2".into(), json!(p.address.street_2));
        f.insert("address_city".into(), json!(p.address.city));
        f.insert("address_state".into(), json!(p.address.state));
        f.insert("address_country".into(), json!(p.address.country));
        f.insert("address_postcode".into(), json!(p.address.postcode));
        f.insert("telephone".into(), json!(if self.rng.percent(93) { p.phone.as_str() } else { "" }));
        f.insert("gender".into(), p.gender.map_or(Value::Null, |g| json!(g)));
        f.insert("pronouns".into(), json!(p.pronouns));
        f.insert("has_opted_in_to_marketing".into(), json!(self.rng.percent(55)));
        f.insert("barcode".into(), json!(barcode));
        f.insert("home_location_id".into(), p.home_location.map_or(Value::Null, |l| json!(l)));
        if !custom.is_empty() {
            f.insert("custom_field_values".into(), Value::Array(custom));
        }
        f
    }

    fn waivers(&mut self, p: &Person) -> Vec<ImportWaiver> {
        let name = if p.is_minor() { "Minor Waiver (signed by a parent)" } else { "Liability Waiver" };
        let waiver = |expires: Option<i64>, signed_ago: i64, status: &str, cal: &Calendar| ImportWaiver {
            name: name.into(),
            pdf: None,
            expiration_date: expires.map(|e| cal.date(e)),
            status: status.into(),
            created_at: Some(cal.instant(-signed_ago, 10 * HOUR)),
        };
        let tenure = p.created_ago;
        // Waivers last two years unless the gym's older form (never expiring) was signed.
        let state = self.rng.weighted(&[
            (56, "valid"),
            (14, "never"),
            (6, "soon"),
            (12, "expired"),
            (10, "missing"),
            (2, "revoked"),
        ]);
        let mut out = Vec::new();
        match state {
            "valid" => {
                let expires = self.rng.between(15, 730);
                let signed_ago = (730 - expires).min(tenure);
                if tenure > 800 && self.rng.percent(40) {
                    out.push(waiver(Some(-(tenure - 730).max(1)), tenure, "ACT", &self.cal));
                }
                out.push(waiver(Some(expires), signed_ago, "ACT", &self.cal));
            }
            "never" => out.push(waiver(None, tenure, "ACT", &self.cal)),
            "soon" => {
                let expires = self.rng.between(0, 14);
                out.push(waiver(Some(expires), (730 - expires).min(tenure), "ACT", &self.cal));
            }
            "expired" if tenure > 30 => {
                let expired_ago = self.rng.between(1, (tenure - 1).min(600));
                out.push(waiver(Some(-expired_ago), (expired_ago + 730).min(tenure), "ACT", &self.cal));
            }
            "expired" => out.push(waiver(Some(730 - tenure), tenure, "ACT", &self.cal)),
            "revoked" => out.push(waiver(Some(self.rng.between(30, 700)), tenure, "REV", &self.cal)),
            _ => {}
        }
        out
    }

    fn emergency_contacts(&mut self, p: &Person) -> Vec<ImportEmergencyContact> {
        let mut out = Vec::new();
        let household: Vec<Person> = p.contacts.iter().map(|&c| self.people[c].clone()).collect();
        for other in household {
            if p.is_minor() || self.rng.percent(60) {
                let relation = if p.is_minor() {
                    "Parent"
                } else if other.is_minor() {
                    continue;
                } else {
                    "Partner"
                };
                out.push(ImportEmergencyContact {
                    first_name: other.first.into(),
                    last_name: other.last.clone(),
                    telephone: other.phone.clone(),
                    email: other.email.clone(),
                    relation: relation.into(),
                });
            }
        }
        if !p.is_minor() && out.is_empty() && self.rng.percent(55) {
            let gender = self.gender();
            out.push(ImportEmergencyContact {
                first_name: self.first_name(gender).into(),
                last_name: self.rng.pick_common(&SURNAMES).into(),
                telephone: self.phone(),
                email: String::new(),
                relation: self.rng.pick(&CONTACT_RELATIONS).into(),
            });
        }
        out
    }

    fn tags(&mut self, p: &Person) -> Vec<String> {
        let mut tags = Vec::new();
        if p.youth_team {
            tags.push("Comp Team".to_string());
        }
        if !p.is_minor() && self.rng.percent(22) {
            let count = self.rng.between(1, 2);
            for _ in 0..count {
                let tag = self.rng.pick(&TAGS).to_string();
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
            }
        }
        tags
    }

    fn proficiencies(&mut self, p: &Person) -> Vec<ImportCustomerProficiency> {
        let chance = if p.has_any_membership { 45 } else { 12 };
        if !self.rng.percent(chance) {
            return Vec::new();
        }
        let granted_ago = self.rng.between(0, p.created_ago);
        let granted_at = Some(self.cal.instant(-granted_ago, 15 * HOUR));
        let ids: Vec<i64> = if p.is_minor() {
            vec![4, 5]
        } else {
            let count = self.rng.between(1, 3) as usize;
            let start = self.rng.between(0, 4) as usize;
            (0..count).map(|k| ((start + k) % PROFICIENCIES.len()) as i64 + 1).collect()
        };
        ids.into_iter()
            .map(|proficiency_id| ImportCustomerProficiency {
                proficiency_id,
                // A failed re-test or an orientation that lapsed.
                is_active: !self.rng.percent(12),
                granted_at,
            })
            .collect()
    }

    fn reservations(&mut self, p: &Person) -> Vec<ImportReservation> {
        if !self.rng.percent(11) {
            return Vec::new();
        }
        let count = self.rng.between(1, 2);
        (0..count)
            .map(|_| {
                let event_type_id = if p.is_minor() {
                    if p.youth_team { 4 } else { self.rng.pick(&[1, 5]) }
                } else {
                    self.rng.pick(&[1, 1, 2, 3, 3])
                };
                let day = self.rng.weighted(&[(40, -1), (25, 0), (35, 1)]);
                let (offset, seconds) = match day {
                    -1 if p.created_ago > 0 => {
                        (-self.rng.between(1, 60.min(p.created_ago)), self.rng.between(9, 19) * HOUR)
                    }
                    -1 | 0 => (0, self.rng.pick(&[17 * HOUR + 1800, 18 * HOUR + 1800, 19 * HOUR])),
                    _ => (self.rng.between(1, 21), self.rng.between(9, 19) * HOUR),
                };
                let starts_at = self.cal.instant(offset, seconds);
                ImportReservation {
                    event_type_id,
                    location_id: Some(p.home_location.unwrap_or(BOULDER)),
                    starts_at,
                    ends_at: Some(self.cal.instant(offset, seconds + 90 * 60)),
                    status: if self.rng.percent(10) { "CAN" } else { "CON" }.into(),
                }
            })
            .collect()
    }

    fn location_for(&mut self, p: &Person, only: Option<i64>) -> i64 {
        only.unwrap_or_else(|| {
            let home = p.home_location.unwrap_or(BOULDER);
            if self.rng.percent(85) { home } else { BOULDER + DENVER - home }
        })
    }

    /// A visit on day `ago` at a time the gym is open (and before now, and
    /// after they became a customer).
    fn visit_instant(&mut self, p: &Person, ago: i64) -> Option<Timestamp> {
        let hour = self.rng.weighted(&[(15, (6, 9)), (25, (10, 15)), (60, (16, 21))]);
        let mut seconds = self.rng.between(hour.0, hour.1) * HOUR + self.rng.between(0, HOUR - 1);
        if ago == p.created_ago {
            seconds = seconds.max(p.created_seconds + 300);
        }
        if ago == 0 {
            let earliest = if p.created_ago == 0 { p.created_seconds + 300 } else { 0 }.max(6 * HOUR);
            let latest = self.cal.seconds_into_today - 60;
            if latest < earliest {
                return None;
            }
            seconds = self.rng.between(earliest, latest);
        }
        Some(self.cal.instant(-ago, seconds))
    }

    fn check_in(
        &mut self,
        at: Timestamp,
        location: i64,
        method: &str,
        description: String,
        free_reason: Option<&str>,
    ) -> ImportCheckIn {
        let stays = self.rng.percent(30);
        let out = at.checked_add(jiff::SignedDuration::from_mins(self.rng.between(50, 180))).ok();
        ImportCheckIn {
            location_id: location,
            checked_in_at: at,
            checked_out_at: out.filter(|o| stays && *o < self.cal.now),
            entry_method: method.into(),
            entry_method_description: description,
            free_entry_reason: free_reason.map(str::to_string),
        }
    }

    fn membership_check_ins(&mut self, p: &Person) -> Vec<ImportCheckIn> {
        let mut out = Vec::new();
        for span in &p.usable {
            let current = span.to_ago == 0;
            for n in 0..span.visits {
                // Current members' visits lean toward the last year, and the
                // latest one of most of them is within the last month.
                let ago = if current && n == 0 && self.rng.percent(70) {
                    self.rng.mostly_small(30.min(span.from_ago))
                } else if current && self.rng.percent(50) {
                    self.rng.between(0, 365.min(span.from_ago))
                } else {
                    self.rng.between(span.to_ago, span.from_ago)
                };
                let Some(at) = self.visit_instant(p, ago) else { continue };
                let location = self.location_for(p, span.location);
                out.push(self.check_in(at, location, "MEM", span.name.to_string(), None));
            }
        }
        out
    }

    /// Entry passes, and the check-ins that used them, for someone without a
    /// current membership.
    fn entry_passes(
        &mut self,
        p: &Person,
        associations: &[i64],
        check_ins: &mut Vec<ImportCheckIn>,
    ) -> Vec<ImportEntryPass> {
        if let Some(&association) = associations.first()
            && self.rng.percent(60)
        {
            return self.association_pass(p, association, true, check_ins);
        }
        let plan = self.rng.weighted(&[(35, "none"), (45, "punch"), (20, "day")]);
        let tenure = p.created_ago;
        match plan {
            "punch" => {
                let shape = self.rng.weighted(&[(20, "one left"), (20, "used up"), (15, "expired"), (45, "in use")]);
                let (purchased_ago, left) = match shape {
                    "expired" if tenure > 400 => (self.rng.between(366, tenure.min(900)), self.rng.between(1, 6)),
                    "one left" => (self.rng.between(0, tenure.min(300)), 1),
                    "used up" => (self.rng.between(0, tenure.min(364)), 0),
                    _ => (self.rng.between(0, tenure.min(300)), self.rng.between(2, 10)),
                };
                let expires = 365 - purchased_ago;
                let name = "10-Punch Pass";
                let used = 10 - left;
                let last_usable_ago = (-expires).max(0);
                self.pass_check_ins(p, name, 10, used, purchased_ago, last_usable_ago, check_ins);
                vec![ImportEntryPass {
                    name: name.into(),
                    uses_total: 10,
                    uses_remaining: left,
                    expiration_date: Some(self.cal.date(expires)),
                    is_association_pass: false,
                    association_id: None,
                }]
            }
            "day" => {
                let count = self.rng.between(1, 3);
                (0..count)
                    .map(|_| {
                        let bought_ago = self.rng.between(0, tenure);
                        self.pass_check_ins(p, "Day Pass", 1, 1, bought_ago, bought_ago, check_ins);
                        ImportEntryPass {
                            name: "Day Pass".into(),
                            uses_total: 1,
                            uses_remaining: 0,
                            expiration_date: Some(self.cal.date(-bought_ago)),
                            is_association_pass: false,
                            association_id: None,
                        }
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    fn association_pass(
        &mut self,
        p: &Person,
        association: i64,
        with_visits: bool,
        check_ins: &mut Vec<ImportCheckIn>,
    ) -> Vec<ImportEntryPass> {
        let name = format!("{} Pass", ASSOCIATIONS[association as usize - 1]);
        let left = match self.rng.weighted(&[(20, 0), (20, 1), (60, 2)]) {
            _ if !with_visits => 20,
            2 => self.rng.between(2, 20),
            left => left,
        };
        let purchased_ago = self.rng.between(0, p.created_ago.min(120));
        self.pass_check_ins(p, &name, 20, 20 - left, purchased_ago, 0, check_ins);
        vec![ImportEntryPass {
            name,
            uses_total: 20,
            uses_remaining: left,
            expiration_date: Some(self.cal.date(self.rng.between(-20, 150))),
            is_association_pass: true,
            association_id: Some(association),
        }]
    }

    /// `used` check-ins with a pass usable from `from_ago` to `to_ago` days
    /// ago, each describing the uses it left.
    #[allow(clippy::too_many_arguments)]
    fn pass_check_ins(
        &mut self,
        p: &Person,
        name: &str,
        total: i64,
        used: i64,
        from_ago: i64,
        to_ago: i64,
        check_ins: &mut Vec<ImportCheckIn>,
    ) {
        let mut instants: Vec<Timestamp> = (0..used)
            .filter_map(|_| {
                let ago = self.rng.between(to_ago, from_ago);
                self.visit_instant(p, ago)
            })
            .collect();
        instants.sort();
        for (n, at) in instants.into_iter().enumerate() {
            let location = self.location_for(p, None);
            let left = total - n as i64 - 1;
            check_ins.push(self.check_in(at, location, "ENT", format!("{name} ({left} remaining)"), None));
        }
    }

    fn event_check_ins(&mut self, reservations: &[ImportReservation]) -> Vec<ImportCheckIn> {
        let now = self.cal.now;
        reservations
            .iter()
            .filter(|r| r.status == "CON" && r.starts_at < now)
            .map(|r| {
                let location = r.location_id.unwrap_or(BOULDER);
                let name = EVENT_TYPES[r.event_type_id as usize - 1].to_string();
                let early = r.starts_at.checked_sub(jiff::SignedDuration::from_mins(10)).unwrap_or(r.starts_at);
                self.check_in(early, location, "EVE", name, None)
            })
            .collect()
    }

    /// A visit or two without a pass: a free first visit, a comp, a guest.
    fn free_check_ins(&mut self, p: &Person, index: usize) -> Vec<ImportCheckIn> {
        if !self.rng.percent(60) {
            return Vec::new();
        }
        let count = self.rng.between(1, 3);
        let mut out = Vec::new();
        for _ in 0..count {
            let ago = self.rng.between(0, p.created_ago);
            let Some(at) = self.visit_instant(p, ago) else { continue };
            let location = self.location_for(p, None);
            if self.rng.percent(50) {
                let reason = self.rng.pick(&FREE_REASONS);
                out.push(self.check_in(at, location, "FRE", "Free entry".into(), Some(reason)));
            } else {
                let host = self.host_for(index);
                out.push(self.check_in(at, location, "GUE", format!("Guest pass from {host}"), None));
            }
        }
        out
    }

    /// A current member who could have brought a guest.
    fn host_for(&mut self, guest: usize) -> String {
        for _ in 0..8 {
            let candidate = self.rng.below(self.people.len() as u64) as usize;
            if candidate != guest && self.people[candidate].has_current_membership {
                return self.people[candidate].display_name();
            }
        }
        "a member".into()
    }

    fn challenges(&mut self, p: &Person, check_ins: usize) -> Vec<ImportCustomerChallenge> {
        if check_ins < 8 || !self.rng.percent(25) {
            return Vec::new();
        }
        let challenge_id = self.rng.between(1, CHALLENGES.len() as i64);
        let started_ago = self.rng.between(0, p.created_ago.min(200));
        let completed = self.rng.percent(35) && started_ago > 10;
        vec![ImportCustomerChallenge {
            challenge_id,
            status: if completed { "COM" } else { "INP" }.into(),
            started_at: Some(self.cal.instant(-started_ago, 12 * HOUR)),
            completed_at: completed.then(|| self.cal.instant(-self.rng.between(0, started_ago - 1), 19 * HOUR)),
        }]
    }

    /// Payments of current members' dues, the odd credit, voucher and guest.
    fn money(&mut self, p: &Person, c: &mut ImportCustomer) {
        if p.has_current_membership && self.rng.percent(50) {
            let months = self.rng.between(1, 3).min(p.created_ago / 30 + 1);
            let name = p.usable.last().map_or(MONTHLY.name, |u| u.name);
            let amount = KINDS.iter().find(|k| k.name == name).map_or(MONTHLY.amount, |k| k.amount);
            for m in 0..months {
                c.payments.push(ImportAmount {
                    amount: amount.into(),
                    description: format!("{name} dues"),
                    created_at: Some(self.cal.instant(-(m * 30 + 1), 3 * HOUR)),
                });
            }
        }
        if self.rng.percent(2) {
            c.credits.push(ImportAmount {
                amount: "25.00".into(),
                description: "Referral credit".into(),
                created_at: Some(self.cal.instant(-self.rng.between(0, p.created_ago), 13 * HOUR)),
            });
        }
        if self.rng.percent(3) {
            c.event_vouchers.push(ImportEventVoucher {
                name: "Free Intro Class".into(),
                uses_remaining: 1,
                expiration_date: Some(self.cal.date(self.rng.between(10, 90))),
            });
        }
        if p.has_current_membership && self.rng.percent(4) {
            let gender = self.gender();
            let guest_first = self.first_name(gender);
            let used_ago = self.rng.between(1, p.created_ago.max(1));
            c.guest_pass_usages.push(ImportGuestPassUsage {
                guest_first_name: guest_first.into(),
                guest_last_name: self.rng.pick_common(&SURNAMES).into(),
                location_id: p.home_location,
                used_at: self.cal.instant(-used_ago, 18 * HOUR),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;

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
        let a = serde_json::to_string(&generate(7, 400, midday())).unwrap();
        let b = serde_json::to_string(&generate(7, 400, midday())).unwrap();
        assert_eq!(a, b);
        let other = serde_json::to_string(&generate(8, 400, midday())).unwrap();
        assert_ne!(a, other);
    }

    #[test]
    fn the_generator_makes_exactly_the_customers_asked_for() {
        for n in [0, 1, 2, 3, 57] {
            assert_eq!(generate(3, n, midday()).customers.len(), n);
        }
    }

    #[test]
    fn about_seventy_percent_have_a_membership_and_every_state_occurs() {
        let doc = generate(1, 3000, midday());
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
        let doc = generate(1, 3000, midday());
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
    fn names_emails_and_barcodes_are_varied_and_unique() {
        let doc = generate(1, 3000, midday());
        let text = |c: &ImportCustomer, k: &str| c.fields[k].as_str().unwrap_or("").to_string();
        let emails: HashSet<String> = doc.customers.iter().map(|c| text(c, "email").to_lowercase()).collect();
        assert_eq!(emails.len(), doc.customers.len());
        let barcodes: Vec<String> =
            doc.customers.iter().map(|c| text(c, "barcode")).filter(|b| !b.is_empty()).collect();
        assert!(barcodes.len() > doc.customers.len() * 9 / 10);
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
            let doc = generate(5, 1500, now);
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
}
