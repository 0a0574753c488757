//! A benchmark gym that looks like a real one (issue 14): the demo gym of
//! [`generate`](super::generate), reshaped so that names and tags are skewed
//! the way a real customer list is, not spread evenly.
//!
//! - Surnames follow a Zipf-like law over a pool of 3,000 (the most common,
//!   Smith, near 1% of customers), and the "Smi" surnames together hold
//!   about 6%, all in one stretch of the alphabet: the search for `smi`
//!   matches many customers, late in name order.
//! - First names follow a Zipf-like law within each gender's list.
//! - A family (spouses, parents and children, siblings) shares a surname.
//! - Emails are derived again from the new names (a child's stays a
//!   sub-address of a parent's); phones are the demo's.
//! - Eight tags, each held by 10-40% of customers, independently.
//! - About 60% of customers have a membership (whole memberships of the demo
//!   gym are dropped, with the check-ins made with them).
//! - About 25 check-ins per customer on average: the demo's check-ins are
//!   repeated on earlier weeks (never before the customer's account was made).
//!
//! Deterministic from the seed, as the demo gym is; the even demo's output is
//! untouched (it is generated first, with the same seed, then reshaped).

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use serde_json::{Value, json};

use super::generate::{
    self, EMAIL_DOMAINS, FEMALE, GenerateError, MALE, NEUTRAL, NICKNAMES, Rng, ascii_fold, unique_email,
};
use crate::import::{ImportCheckIn, ImportDocument};

/// How the benchmark gym's customers are spread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Distribution {
    /// The demo gym: names and tags spread evenly.
    #[default]
    Even,
    /// Skewed like a real gym's list (Zipf-like surnames, tags on 10-40%).
    Realistic,
}

/// The demo gym's data for a distribution.
pub fn generate(
    distribution: Distribution,
    seed: u64,
    customers: usize,
    now: Timestamp,
) -> Result<ImportDocument, GenerateError> {
    match distribution {
        Distribution::Even => generate::generate(seed, customers, now),
        Distribution::Realistic => realistic(seed, customers, now),
    }
}

/// Tags and the share of customers (per mille) holding each.
pub const TAGS: [(&str, u64); 8] = [
    ("Boulderer", 400),
    ("Newsletter", 350),
    ("Top Rope", 300),
    ("Lead Climber", 220),
    ("Student", 180),
    ("Yoga", 150),
    ("Competition", 120),
    ("Morning Regular", 100),
];

/// The share of customers with a membership (per mille) and the mean number
/// of check-ins per customer.
const MEMBER_SHARE: u64 = 600;
const CHECK_INS_PER_CUSTOMER: usize = 25;
const SURNAME_POOL: usize = 3000;
/// The Zipf-like law's offset: weight of rank r is 1 / (r + OFFSET).
const SURNAME_OFFSET: f64 = 20.0;

/// The "Smi" cluster, placed at ranks 0, 2, 4, ... of the surname law.
const SMI: [&str; 8] = ["Smith", "Smithson", "Smiley", "Smits", "Smithers", "Smitherman", "Smid", "Smillie"];

#[rustfmt::skip]
const COMMON: [&str; 90] = [
    "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez",
    "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez",
    "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen",
    "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker",
    "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez",
    "Ortiz", "Morgan", "Cooper", "Peterson", "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward",
    "Richardson", "Watson", "Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes",
    "Price",
];

const ONSETS: [&str; 24] = [
    "Ab", "Bel", "Bra", "Cal", "Dor", "El", "Fen", "Gar", "Hal", "Ing", "Jor", "Kel", "Lan", "Mor", "Nor", "Ost",
    "Pal", "Quin", "Ros", "Tal", "Ul", "Ver", "Wes", "Yar",
];
const MIDDLES: [&str; 10] = ["", "a", "e", "i", "o", "an", "er", "in", "ol", "us"];
const ENDINGS: [&str; 14] =
    ["berg", "by", "dale", "er", "ford", "ham", "ley", "man", "ner", "sen", "ski", "son", "ton", "well"];

/// The surnames in order of frequency: the Smi cluster at even ranks near the
/// top, common surnames between, then an invented tail.
fn surname_pool(rng: &mut Rng) -> Vec<String> {
    let mut tail: Vec<String> = Vec::new();
    for onset in ONSETS {
        for middle in MIDDLES {
            for ending in ENDINGS {
                tail.push(format!("{onset}{middle}{ending}"));
            }
        }
    }
    // A fixed shuffle, so the invented tail is not in alphabetical order of frequency.
    for i in (1..tail.len()).rev() {
        tail.swap(i, rng.below(i as u64 + 1) as usize);
    }
    let mut pool: Vec<String> = Vec::with_capacity(SURNAME_POOL);
    let mut common = COMMON.iter();
    for smi in SMI {
        pool.push(smi.to_string());
        if let Some(c) = common.next() {
            pool.push(c.to_string());
        }
    }
    pool.extend(common.map(|s| s.to_string()));
    let mut seen: HashSet<String> = pool.iter().cloned().collect();
    pool.extend(tail.into_iter().filter(|s| seen.insert(s.clone())));
    pool.truncate(SURNAME_POOL);
    pool
}

/// Cumulative weights of a Zipf-like law over `n` ranks.
fn zipf_cumulative(n: usize, offset: f64) -> Vec<f64> {
    let mut total = 0.0;
    (0..n)
        .map(|r| {
            total += 1.0 / (r as f64 + offset);
            total
        })
        .collect()
}

fn zipf_pick(rng: &mut Rng, cumulative: &[f64]) -> usize {
    let total = cumulative.last().copied().unwrap_or(0.0);
    let roll = rng.below(1 << 53) as f64 / (1u64 << 53) as f64 * total;
    cumulative.partition_point(|&c| c <= roll).min(cumulative.len() - 1)
}

/// Customers linked by a family relation (spouse, parent, child, sibling):
/// each customer id's representative.
fn families(doc: &ImportDocument) -> HashMap<i64, i64> {
    let mut parent: HashMap<i64, i64> = HashMap::new();
    fn root(parent: &mut HashMap<i64, i64>, id: i64) -> i64 {
        let mut at = id;
        while let Some(&up) = parent.get(&at) {
            if up == at {
                break;
            }
            at = up;
        }
        parent.insert(id, at);
        at
    }
    for r in &doc.relations {
        if matches!(r.relation.as_str(), "SPO" | "CHI" | "SIB" | "PRE") {
            let (a, b) = (root(&mut parent, r.customer_id), root(&mut parent, r.related_customer_id));
            if a != b {
                // The smaller id (the household's first member) stays the representative.
                parent.insert(a.max(b), a.min(b));
            }
        }
    }
    let ids: Vec<i64> = parent.keys().copied().collect();
    ids.into_iter().map(|id| (id, root(&mut parent, id))).collect()
}

fn realistic(seed: u64, customers: usize, now: Timestamp) -> Result<ImportDocument, GenerateError> {
    let mut doc = generate::generate(seed, customers, now)?;
    let mut rng = Rng::new(seed ^ 0x2EA1_15F1_C0FF_EE14);
    rename(&mut doc, &mut rng);
    retag(&mut doc, &mut rng);
    fewer_members(&mut doc, &mut rng);
    more_check_ins(&mut doc, &mut rng);
    Ok(doc)
}

fn text(fields: &serde_json::Map<String, Value>, key: &str) -> String {
    fields.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

/// New first and last names, and emails derived from them.
fn rename(doc: &mut ImportDocument, rng: &mut Rng) {
    let pool = surname_pool(rng);
    let surnames = zipf_cumulative(pool.len(), SURNAME_OFFSET);
    let female = zipf_cumulative(FEMALE.len(), 3.0);
    let male = zipf_cumulative(MALE.len(), 3.0);
    let neutral = zipf_cumulative(NEUTRAL.len(), 2.0);
    let family = families(doc);
    let mut family_name: HashMap<i64, String> = HashMap::new();
    // An adult's old address (without any +tag) and its new one, for their children's.
    let mut new_base: HashMap<String, String> = HashMap::new();
    let mut emails: HashSet<String> = HashSet::with_capacity(doc.customers.len());
    for c in &mut doc.customers {
        let id = c.id.unwrap_or_default();
        let head = family.get(&id).copied().unwrap_or(id);
        let last = family_name.entry(head).or_insert_with(|| pool[zipf_pick(rng, &surnames)].clone()).clone();
        let first = match c.fields.get("gender").and_then(Value::as_str) {
            Some("F") => FEMALE[zipf_pick(rng, &female)],
            Some("M") => MALE[zipf_pick(rng, &male)],
            _ if rng.percent(50) => NEUTRAL[zipf_pick(rng, &neutral)],
            _ if rng.percent(50) => FEMALE[zipf_pick(rng, &female)],
            _ => MALE[zipf_pick(rng, &male)],
        };
        let old_email = text(&c.fields, "email");
        let email = derived_email(rng, &old_email, first, &last, &mut new_base, &mut emails);
        if !text(&c.fields, "preferred_name").is_empty() {
            let nickname = NICKNAMES.iter().find(|(formal, _)| *formal == first).map_or("", |(_, nick)| nick);
            c.fields.insert("preferred_name".into(), json!(nickname));
        }
        c.fields.insert("first_name".into(), json!(first));
        c.fields.insert("last_name".into(), json!(last));
        c.fields.insert("email".into(), json!(email));
    }
}

fn derived_email(
    rng: &mut Rng,
    old: &str,
    first: &str,
    last: &str,
    new_base: &mut HashMap<String, String>,
    taken: &mut HashSet<String>,
) -> String {
    let (f, l) = (ascii_fold(first), ascii_fold(last));
    let family = match old.split_once('@') {
        Some((user, domain)) if user.contains('+') => {
            let parent = format!("{}@{domain}", user.split('+').next().unwrap_or(user));
            new_base.get(&parent).and_then(|p| p.split_once('@')).map(|(u, d)| (format!("{u}+{f}"), d.to_string()))
        }
        _ => None,
    };
    let (user, domain) = family.unwrap_or_else(|| {
        let initial = f.chars().next().unwrap_or('x');
        let user = match rng.below(5) {
            0 => format!("{f}{l}"),
            1 => format!("{initial}{l}"),
            2 => format!("{f}_{l}"),
            3 => format!("{l}.{f}"),
            _ => format!("{f}.{l}"),
        };
        (user, rng.pick(&EMAIL_DOMAINS).to_string())
    });
    let email = unique_email(taken, &user, &domain);
    if !old.is_empty() && !old.split('@').next().unwrap_or("").contains('+') {
        new_base.insert(old.to_string(), email.clone());
    }
    email
}

fn retag(doc: &mut ImportDocument, rng: &mut Rng) {
    for c in &mut doc.customers {
        c.tags = TAGS.iter().filter(|(_, share)| rng.per_mille(*share)).map(|(t, _)| t.to_string()).collect();
    }
}

/// Drops whole memberships until about [`MEMBER_SHARE`] of customers hold
/// one, and the membership check-ins of those left without any.
fn fewer_members(doc: &mut ImportDocument, rng: &mut Rng) {
    let members_of = |m: &crate::import::ImportMembership| -> Vec<i64> {
        if m.members.is_empty() { vec![m.owner_id] } else { m.members.iter().map(|x| x.customer_id).collect() }
    };
    let held: HashSet<i64> = doc.memberships.iter().flat_map(members_of).collect();
    let want = doc.customers.len() as u64 * MEMBER_SHARE / 1000;
    let mut holding: HashMap<i64, usize> = HashMap::new();
    for id in doc.memberships.iter().flat_map(members_of) {
        *holding.entry(id).or_default() += 1;
    }
    let mut members = held.len() as u64;
    // Memberships in a fixed random order, dropped until the share is reached.
    let mut order: Vec<usize> = (0..doc.memberships.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i as u64 + 1) as usize);
    }
    let mut dropped = vec![false; doc.memberships.len()];
    for i in order {
        if members <= want {
            break;
        }
        dropped[i] = true;
        for id in members_of(&doc.memberships[i]) {
            let left = holding.entry(id).or_default();
            *left = left.saturating_sub(1);
            if *left == 0 {
                members -= 1;
            }
        }
    }
    let mut index = 0;
    doc.memberships.retain(|_| {
        index += 1;
        !dropped[index - 1]
    });
    let still: HashSet<i64> = doc.memberships.iter().flat_map(members_of).collect();
    for c in &mut doc.customers {
        let id = c.id.unwrap_or_default();
        if held.contains(&id) && !still.contains(&id) {
            c.check_ins.retain(|k| k.entry_method != "MEM");
        }
    }
}

/// Repeats check-ins on earlier weeks until customers average
/// [`CHECK_INS_PER_CUSTOMER`].
fn more_check_ins(doc: &mut ImportDocument, rng: &mut Rng) {
    let have: usize = doc.customers.iter().map(|c| c.check_ins.len()).sum();
    let want = doc.customers.len() * CHECK_INS_PER_CUSTOMER;
    if have == 0 || have >= want {
        return;
    }
    // Copies per existing check-in, in thousandths; some copies fall before
    // the account and are skipped, so aim a little high.
    let per_mille = ((want - have) as u64 * 1150 / have as u64).max(1);
    for c in &mut doc.customers {
        let created = c.created_at.unwrap_or(Timestamp::MIN);
        let mut extra: Vec<ImportCheckIn> = Vec::new();
        for k in &c.check_ins {
            let copies = per_mille / 1000 + u64::from(rng.per_mille(per_mille % 1000));
            for j in 1..=copies as i64 {
                let back = jiff::SignedDuration::from_hours(24 * 7 * j);
                let Ok(at) = k.checked_in_at.checked_sub(back) else { continue };
                if at < created {
                    continue;
                }
                let out = k.checked_out_at.and_then(|o| o.checked_sub(back).ok());
                extra.push(ImportCheckIn { checked_in_at: at, checked_out_at: out, ..k.clone() });
            }
        }
        c.check_ins.extend(extra);
        c.check_ins.sort_by_key(|k| k.checked_in_at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn midday() -> Timestamp {
        "2026-11-25T19:30:00Z".parse().unwrap()
    }

    #[test]
    fn the_same_seed_gives_the_same_gym_and_the_even_one_is_the_demo() {
        let a = serde_json::to_string(&generate(Distribution::Realistic, 7, 400, midday()).unwrap()).unwrap();
        let b = serde_json::to_string(&generate(Distribution::Realistic, 7, 400, midday()).unwrap()).unwrap();
        assert_eq!(a, b);
        let even = serde_json::to_string(&generate(Distribution::Even, 7, 400, midday()).unwrap()).unwrap();
        assert_eq!(even, serde_json::to_string(&generate::generate(7, 400, midday()).unwrap()).unwrap());
        assert_ne!(a, even);
    }

    #[test]
    fn names_tags_memberships_and_check_ins_are_skewed_as_a_real_gym() {
        let n = 20_000;
        let doc = generate(Distribution::Realistic, 1, n, midday()).unwrap();
        assert_eq!(doc.customers.len(), n);
        let share = |hits: usize| hits as f64 / n as f64;
        let last = |c: &crate::import::ImportCustomer| text(&c.fields, "last_name");
        let smiths = share(doc.customers.iter().filter(|c| last(c) == "Smith").count());
        assert!((0.006..=0.016).contains(&smiths), "Smith: {smiths}");
        let smi = share(doc.customers.iter().filter(|c| last(c).to_lowercase().starts_with("smi")).count());
        assert!((0.045..=0.08).contains(&smi), "smi: {smi}");
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for c in &doc.customers {
            *by_name.entry(last(c)).or_default() += 1;
        }
        assert!(by_name.len() > 1000, "{} surnames", by_name.len());
        assert!(by_name.values().all(|&k| share(k) < 0.02), "no surname near 2%");
        for (tag, per_mille) in TAGS {
            let held = share(doc.customers.iter().filter(|c| c.tags.iter().any(|t| t == tag)).count());
            assert!((held - per_mille as f64 / 1000.0).abs() < 0.02, "{tag}: {held}");
            assert!((0.09..=0.42).contains(&held), "{tag}: {held}");
        }
        let members: HashSet<i64> = doc
            .memberships
            .iter()
            .flat_map(|m| {
                if m.members.is_empty() { vec![m.owner_id] } else { m.members.iter().map(|x| x.customer_id).collect() }
            })
            .collect();
        let members = share(members.len());
        assert!((0.55..=0.65).contains(&members), "members: {members}");
        let check_ins = doc.customers.iter().map(|c| c.check_ins.len()).sum::<usize>() as f64 / n as f64;
        assert!((22.0..=28.0).contains(&check_ins), "{check_ins} check-ins per customer");
        let emails: HashSet<String> = doc.customers.iter().map(|c| text(&c.fields, "email").to_lowercase()).collect();
        assert_eq!(emails.len(), n);
        // Emails come from the new names.
        let named = doc.customers.iter().filter(|c| text(&c.fields, "email").contains(&ascii_fold(&last(c)))).count();
        assert!(share(named) > 0.9, "{named} emails name the customer");
        for c in &doc.customers {
            for k in &c.check_ins {
                assert!(k.checked_in_at <= midday(), "{:?} after now", k.checked_in_at);
            }
        }
    }
}
