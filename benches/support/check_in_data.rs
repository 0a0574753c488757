//! A compact, deterministic gym for the check-in benchmark: customers with
//! barcodes, waivers, memberships, passes, alerts, reservations and a
//! check-in history, built as one import document. (The demo generator on
//! the `demo-bench` branch will replace it.)

use frontdesk::import::{
    ImportAlert, ImportCheckIn, ImportCustomer, ImportDocument, ImportEntryPass, ImportLocation, ImportMember,
    ImportMembership, ImportMembershipType, ImportNamed, ImportReservation, ImportWaiver,
};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

/// "Now" for the data and the server: 11:00 in Denver on 25 November 2026.
pub const ANCHOR: &str = "2026-11-25T18:00:00Z";
pub const LOCATION: &str = "Main";

/// SplitMix64: small, fast, and the same numbers on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

pub fn barcode(i: usize) -> String {
    format!("{:08}", 10_000_000 + i)
}

const FIRST: [&str; 16] = [
    "Ann", "Ben", "Chloe", "Dev", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kai", "Lena", "Mateo", "Nora",
    "Omar", "Priya",
];
const LAST: [&str; 16] = [
    "Smith", "Garcia", "Nguyen", "Okafor", "Müller", "Rossi", "Kim", "Novak", "Silva", "Cohen", "Haddad", "Larsen",
    "Tanaka", "Walsh", "Ivanova", "Moreau",
];

/// `customers` customers and exactly `check_ins` check-ins (skewed: a few
/// regulars have many), plus what decides a scan's outcome, in proportions
/// a busy gym might have.
pub fn gym(customers: usize, check_ins: usize) -> ImportDocument {
    let anchor: Timestamp = ANCHOR.parse().unwrap();
    let today: Date = anchor.to_zoned(jiff::tz::TimeZone::get("America/Denver").unwrap()).date();
    let day = |offset: i64| today.checked_add(jiff::Span::new().days(offset)).unwrap();
    let mut rng = Rng::new(0x5EED);

    // Check-ins per customer: 40·u³ has mean 10; then trimmed or topped up
    // to the exact total.
    let mut counts: Vec<usize> = (0..customers).map(|_| (40.0 * rng.unit().powi(3)) as usize).collect();
    let mut total: usize = counts.iter().sum();
    while total != check_ins {
        let i = rng.below(customers as u64) as usize;
        if total < check_ins {
            counts[i] += 1;
            total += 1;
        } else if counts[i] > 0 {
            counts[i] -= 1;
            total -= 1;
        }
    }

    let mut doc = ImportDocument {
        locations: vec![ImportLocation {
            id: 1,
            name: LOCATION.into(),
            time_zone: None,
            combine_same_day_check_ins: false,
        }],
        associations: vec![ImportNamed { id: 1, name: "Alpine Club".into(), description: String::new() }],
        event_types: vec![ImportNamed { id: 1, name: "Intro to Bouldering".into(), description: String::new() }],
        membership_types: ["Monthly Membership", "Annual Membership", "Family Membership"]
            .iter()
            .enumerate()
            .map(|(i, name)| {
                serde_json::from_value::<ImportMembershipType>(json!({"id": i + 1, "name": name, "is_group": i == 2}))
                    .unwrap()
            })
            .collect(),
        ..Default::default()
    };
    for (i, count) in counts.into_iter().enumerate() {
        let id = i as i64 + 1;
        let mut c = ImportCustomer {
            id: Some(id),
            is_active: !rng.chance(1),
            fields: json!({
                "email": format!("c{i}@example.com"),
                "first_name": FIRST[rng.below(16) as usize],
                "last_name": LAST[rng.below(16) as usize],
                "birthday": day(-(365 * 8 + rng.below(365 * 50) as i64)).to_string(),
                "barcode": barcode(i),
            })
            .as_object()
            .unwrap()
            .clone(),
            ..Default::default()
        };
        let waiver = rng.below(100);
        if waiver < 95 {
            // 45% never expire, 45% expire later, 5% have expired.
            let expiration_date = match waiver {
                0..45 => None,
                45..90 => Some(day(1 + rng.below(700) as i64)),
                _ => Some(day(-1 - rng.below(700) as i64)),
            };
            c.documents.push(ImportWaiver {
                name: "Liability Waiver".into(),
                pdf: None,
                expiration_date,
                status: "ACT".into(),
                created_at: None,
            });
        }
        let plan = rng.below(100);
        let (status, start, end) = match plan {
            0..40 => ("ACT", -(rng.below(900) as i64), None),
            40..45 => ("FRZ", -400, None),
            45..48 => ("FUT", 10, None),
            48..58 => ("END", -800, Some(-30)),
            _ => ("", 0, None),
        };
        if !status.is_empty() {
            let family = plan < 4 && i + 1 < customers;
            let members = if family {
                vec![
                    ImportMember { customer_id: id, is_individually_frozen: false },
                    ImportMember { customer_id: id + 1, is_individually_frozen: false },
                ]
            } else {
                Vec::new()
            };
            doc.memberships.push(ImportMembership {
                membership_type_id: if family { 3 } else { 1 + rng.below(2) as i64 },
                owner_id: id,
                status: status.into(),
                start_date: day(start),
                end_date: end.map(day),
                interval: None,
                billing_amount: None,
                unfreeze_date: None,
                members,
            });
        }
        if rng.chance(25) {
            let uses_remaining = rng.below(11) as i64;
            c.entry_passes.push(ImportEntryPass {
                name: "10-Punch Pass".into(),
                uses_total: 10,
                uses_remaining,
                expiration_date: rng.chance(50).then(|| day(rng.below(400) as i64 - 30)),
                is_association_pass: false,
                association_id: None,
            });
        }
        if rng.chance(3) {
            c.entry_passes.push(ImportEntryPass {
                name: "Club Pass".into(),
                uses_total: 20,
                uses_remaining: 1 + rng.below(20) as i64,
                expiration_date: None,
                is_association_pass: true,
                association_id: Some(1),
            });
        }
        if rng.chance(1) {
            c.alerts.push(ImportAlert { message: "See the manager before climbing".into(), prevents_check_in: true });
        }
        if rng.chance(1) {
            let starts_at = anchor + SignedDuration::from_hours(rng.below(8) as i64);
            c.reservations.push(ImportReservation {
                event_type_id: 1,
                location_id: Some(1),
                starts_at,
                ends_at: Some(starts_at + SignedDuration::from_hours(2)),
                status: "CON".into(),
            });
        }
        for _ in 0..count {
            let ago = SignedDuration::from_secs(3600 + rng.below(730 * 86_400) as i64);
            let pass = rng.chance(30);
            c.check_ins.push(ImportCheckIn {
                location_id: 1,
                checked_in_at: anchor - ago,
                checked_out_at: None,
                entry_method: if pass { "ENT" } else { "MEM" }.into(),
                entry_method_description: if pass { "10-Punch Pass" } else { "Monthly Membership" }.into(),
                free_entry_reason: None,
            });
        }
        doc.customers.push(c);
    }
    doc
}
