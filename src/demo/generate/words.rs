//! Names, places and the words of notes and alerts the generator picks from.

use std::collections::HashSet;

pub(in crate::demo) const FEMALE: [&str; 44] = [
    "Emma",
    "Olivia",
    "Sophia",
    "Isabella",
    "Mia",
    "Charlotte",
    "Amelia",
    "Harper",
    "Evelyn",
    "Abigail",
    "Emily",
    "Elizabeth",
    "Sofía",
    "Camila",
    "Zoë",
    "Chloé",
    "Renée",
    "Amélie",
    "Maya",
    "Priya",
    "Aisha",
    "Fatima",
    "Mei",
    "Yuki",
    "Hannah",
    "Sarah",
    "Jessica",
    "Katherine",
    "Margaret",
    "Alexandra",
    "Rebecca",
    "Natalie",
    "Grace",
    "Lucía",
    "Ximena",
    "Ingrid",
    "Siobhan",
    "Ngozi",
    "Leilani",
    "Anaïs",
    "Jennifer",
    "Ana",
    "Anna",
    "Anne",
];
#[rustfmt::skip]
pub(in crate::demo) const MALE: [&str; 44] = [
    "Liam", "Noah", "Oliver", "Elijah", "James", "William", "Benjamin", "Lucas", "Henry", "Alexander", "Michael",
    "Daniel", "Matthew", "Joseph", "David", "Robert", "Christopher", "Andrew", "José", "Luis", "Mateo", "Santiago",
    "Diego", "Andrés", "Björn", "Søren", "François", "Jürgen", "Kenji", "Hiroshi", "Wei", "Arjun", "Rahul",
    "Mohammed", "Omar", "Kwame", "Tariq", "Thomas", "Nicholas", "Jonathan", "Jon", "John", "Sean", "Shawn",
];
#[rustfmt::skip]
pub(in crate::demo) const NEUTRAL: [&str; 12] = [
    "Alex", "Jordan", "Taylor", "Riley", "Casey", "Quinn", "Avery", "Rowan", "Sage", "River", "Jamie", "Morgan",
];
#[rustfmt::skip]
pub(super) const SURNAMES: [&str; 96] = [
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
pub(in crate::demo) const NICKNAMES: [(&str, &str); 14] = [
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
pub(super) const STREETS: [&str; 16] = [
    "Pearl St", "Arapahoe Ave", "Baseline Rd", "Broadway", "Canyon Blvd", "Folsom St", "Colfax Ave", "Federal Blvd",
    "Walnut St", "Mapleton Ave", "Table Mesa Dr", "28th St", "Spruce St", "Quince Ave", "Tejon St", "Alpine Ave",
];
/// (city, state, country, postcodes)
pub(super) const PLACES: [(&str, &str, &str, &[&str]); 10] = [
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
pub(super) const ABROAD: [(&str, &str, &str, &str); 3] = [
    ("Calgary", "Alberta", "CA", "T2P 1J9"),
    ("London", "England", "GB", "SW1A 1AA"),
    ("Ciudad de México", "Ciudad de México", "MX", "06700"),
];
pub(in crate::demo) const EMAIL_DOMAINS: [&str; 5] =
    ["example.com", "example.org", "example.net", "mail.example.com", "climb.example.org"];
pub(super) const MEDICAL: [&str; 6] = [
    "Asthma: keeps an inhaler in their chalk bag",
    "Type 1 diabetes",
    "Severe peanut allergy, carries an EpiPen",
    "Recovering from shoulder surgery (cleared by physio for bouldering)",
    "Epilepsy: seizures are rare and short; do not restrain",
    "Pacemaker",
];
pub(super) const NOTES: [&str; 7] = [
    "Interested in joining the youth team next season",
    "Lost their key tag; issued a new one",
    "Asked about the corporate discount",
    "Left a water bottle at the Boulder front desk",
    "Prefers to be called by their preferred name on the screen",
    "Wants to volunteer at the spring comp",
    "Asked us to freeze the membership over the summer",
];
pub(super) const ALERTS: [(&str, bool); 5] = [
    ("Card declined at the last billing: ask them to update payment", false),
    ("Belay check needed before roped climbing", false),
    ("Do not admit: banned after an incident, see the manager", true),
    ("Account on hold: outstanding balance", true),
    ("A parent must sign the minor waiver in person", true),
];
pub(super) const FREE_REASONS: [&str; 4] = ["First visit free", "Staff comp", "Open house", "Lost key tag"];
pub(super) const CONTACT_RELATIONS: [&str; 6] = ["Mother", "Father", "Sister", "Brother", "Friend", "Roommate"];

pub(in crate::demo) fn ascii_fold(name: &str) -> String {
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

/// `user@domain`, or else the first of `user2@domain`, `user3@domain`, ...
/// not in `taken`; it is in `taken` now.
pub(in crate::demo) fn unique_email(taken: &mut HashSet<String>, user: &str, domain: &str) -> String {
    let mut email = format!("{user}@{domain}");
    let mut n = 2u64;
    while !taken.insert(email.clone()) {
        email = format!("{user}{n}@{domain}");
        n += 1;
    }
    email
}
