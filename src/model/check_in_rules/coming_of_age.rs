//! Turning 18 (issue 16): a minor whose admission rests on being a minor (a waiver signed as a
//! minor, a youth membership) is worth a word in the 30 days before the 18th birthday, and from that
//! day a waiver signed as a minor no longer counts (Capitan's rule: a guardian signed it for a child).

use jiff::civil::Date;

use super::{CustomerFacts, Entry};

/// A minor turning 18 within this many days gets a yellow verdict naming the day.
pub const TURNS_ADULT_SOON_DAYS: i64 = 30;

/// The day someone born on `birthday` turns 18 (29 February turns on 1 March in other years).
pub fn eighteenth_birthday(birthday: Date) -> Option<Date> {
    let year = birthday.year().checked_add(18)?;
    Date::new(year, birthday.month(), birthday.day()).ok().or_else(|| Date::new(year, 3, 1).ok())
}

/// `12 Jan 2027`.
pub fn day_text(date: Date) -> String {
    date.strftime("%-d %b %Y").to_string()
}

/// The customer's 18th birthday, when it is known.
fn adult_from(customer: &CustomerFacts) -> Option<Date> {
    customer.birthday.and_then(eighteenth_birthday)
}

/// Every waiver in force was signed before the 18th birthday, and that birthday has come: the
/// waivers no longer count. Returns the birthday. A waiver without a known signing date, or a
/// customer without a birthday, is taken as an adult's.
pub fn minor_waiver_lapsed(customer: &CustomerFacts, today: Date) -> Option<Date> {
    let adult = adult_from(customer)?;
    let signed = customer.latest_waiver_signed?;
    (customer.has_waiver && signed < adult && today >= adult).then_some(adult)
}

/// The alert a lapsed minor's waiver refuses with.
pub fn lapsed_alert(adult: Date) -> String {
    format!("Minor's waiver no longer valid: turned 18 on {}, an adult waiver is needed", day_text(adult))
}

/// What the desk should notice about a minor turning 18 soon who is admitted by `entry`: one line
/// for a waiver signed as a minor, one for a youth membership.
pub fn turning_adult_notices(customer: &CustomerFacts, entry: &Entry, today: Date) -> Vec<String> {
    let Some(adult) = adult_from(customer) else { return Vec::new() };
    let days = (adult - today).get_days() as i64;
    if !(1..=TURNS_ADULT_SOON_DAYS).contains(&days) {
        return Vec::new();
    }
    let on = adult.strftime("%-d %b");
    let mut out = Vec::new();
    if customer.has_waiver && customer.latest_waiver_signed.is_some_and(|signed| signed < adult) {
        out.push(format!("Turns 18 on {on}: adult waiver needed from then"));
    }
    if entry.youth_membership {
        out.push(format!("Turns 18 on {on}: {} is a youth membership", entry.description));
    }
    out
}
