//! The demo gym's data: a realistic climbing organization generated from a
//! seed as an [`ImportDocument`], so the demo is made through the import path.
//!
//! One small PRNG written here drives every choice and nothing depends on a
//! hash map's order, so a seed, a count and a "now" give the same gym on every
//! machine. Dates are relative to "now", so the demo always looks current.

mod calendar;
mod catalog;
mod check_ins;
mod coming_of_age;
mod customer;
mod duplicates;
mod memberships;
mod people;
mod rng;
mod words;

#[cfg(test)]
mod tests;

use std::collections::HashSet;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::import::ImportDocument;
use calendar::Calendar;
use catalog::fixed_records;
use people::Person;

pub use rng::Rng;
pub(super) use words::{EMAIL_DOMAINS, FEMALE, MALE, NEUTRAL, NICKNAMES, ascii_fold, unique_email};

pub const ORG_NAME: &str = "Basecamp Climbing";
pub const TIME_ZONE: &str = "America/Denver";

/// Changes whenever the generator's output does, so that caches of generated
/// databases (the benchmarks') know to rebuild.
pub const GENERATOR_VERSION: u32 = 6;

/// How far back customers' histories reach.
const HISTORY_DAYS: i64 = 6 * 365;
/// How far ahead anything is scheduled (reservations, future starts).
const FUTURE_DAYS: i64 = 60;
const HOUR: i64 = 3600;

/// Why a demo gym could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("the demo's time zone {TIME_ZONE} is not in the time zone database: {0}")]
    TimeZone(#[source] jiff::Error),
    #[error("a demo gym cannot be dated around {0}: its customers' birthdays reach a century back")]
    OutOfRange(Timestamp),
}

/// Generates the demo gym: `customers` customers, with everything relative to `now`.
pub fn generate(seed: u64, customers: usize, now: Timestamp) -> Result<ImportDocument, GenerateError> {
    let tz = TimeZone::get(TIME_ZONE).map_err(GenerateError::TimeZone)?;
    let mut g = Generator {
        rng: Rng::new(seed),
        cal: Calendar::new(now, &tz)?,
        people: Vec::with_capacity(customers),
        emails: HashSet::with_capacity(customers),
        barcode_offset: 0,
        doc: fixed_records(),
    };
    g.barcode_offset = g.rng.below(90_000_000);
    let second_accounts = duplicates::how_many(customers);
    while g.people.len() < customers - second_accounts {
        let remaining = customers - second_accounts - g.people.len();
        g.household(remaining);
    }
    let pairs = g.likely_duplicates(second_accounts);
    // Had nobody been fit to have a second account, households fill the count.
    while g.people.len() < customers {
        let remaining = customers - g.people.len();
        g.household(remaining);
    }
    g.some_turn_18_soon();
    g.doc.customers = (0..g.people.len()).map(|i| g.customer(i)).collect();
    g.keep_their_phones(&pairs);
    Ok(g.doc)
}

struct Generator {
    rng: Rng,
    cal: Calendar,
    people: Vec<Person>,
    emails: HashSet<String>,
    barcode_offset: u64,
    doc: ImportDocument,
}
