//! A few people who signed up twice (issue 16): second accounts a duplicate
//! check should catch. Their phone number is the same but written another
//! way, or their name and birthday are the same but typed with accents or in
//! another case; each has its own email (emails are unique per organization)
//! and no history. They are part of the requested customer count.

use super::Generator;
use super::people::Person;
use super::words::{EMAIL_DOMAINS, ascii_fold, unique_email};

/// How many second accounts a gym of `customers` has: none in a tiny one.
pub(super) fn how_many(customers: usize) -> usize {
    if customers >= 40 { 4 } else { 0 }
}

impl Generator {
    /// Adds `count` second accounts of people already generated (adults with a
    /// phone number, spread over the list); returns each (original, second
    /// account) pair of indexes, for [`Generator::keep_their_phones`].
    pub(super) fn likely_duplicates(&mut self, count: usize) -> Vec<(usize, usize)> {
        let n = self.people.len();
        let mut pairs = Vec::new();
        for k in 0..count {
            let start = (2 * k + 1) * n / (2 * count + 1);
            let Some(original) = (start..n).chain(0..start).find(|&i| self.is_twin_source(i)) else { break };
            let twin = self.second_account(original, k);
            pairs.push((original, self.push_person(twin)));
        }
        pairs
    }

    /// A customer's record leaves the phone out now and then; the pairs keep
    /// theirs (an empty one stays empty), so the duplicate they make is there.
    pub(super) fn keep_their_phones(&mut self, pairs: &[(usize, usize)]) {
        for &(original, twin) in pairs {
            for i in [original, twin] {
                let phone = serde_json::Value::String(self.people[i].phone.clone());
                self.doc.customers[i].fields.insert("telephone".into(), phone);
            }
        }
    }

    fn is_twin_source(&self, i: usize) -> bool {
        let p = &self.people[i];
        !p.is_minor() && p.phone.chars().filter(char::is_ascii_digit).count() >= 10 && p.first.is_ascii()
    }

    /// The second account of `original`, varied by `k`.
    fn second_account(&mut self, original: usize, k: usize) -> Person {
        let mut twin = self.people[original].clone();
        twin.contacts = Vec::new();
        twin.usable = Vec::new();
        twin.has_current_membership = false;
        twin.has_any_membership = false;
        twin.youth_team = false;
        twin.created_ago /= 2;
        let digits: String = twin.phone.chars().filter(char::is_ascii_digit).collect();
        let national = &digits[digits.len() - 10..];
        match k % 4 {
            // The same name and birthday, typed with an accent; no phone given.
            0 => {
                twin.last = accented(&twin.last);
                twin.phone = String::new();
            }
            // The same phone number written another way, under the same name on another birthday
            // (a typo in the year).
            1 => {
                twin.phone = format!("+1 ({}) {}.{}", &national[..3], &national[3..6], &national[6..]);
                twin.birthday = twin.birthday.saturating_sub(jiff::Span::new().years(1));
            }
            // Name in capitals, the same birthday and the same digits without formatting.
            2 => {
                twin.last = twin.last.to_uppercase();
                twin.phone = national.to_string();
            }
            // The same phone number only (a household's shared line), another first name.
            _ => {
                twin.first = if twin.first == "Alex" { "Sam" } else { "Alex" };
                twin.phone = format!("{}-{}-{}", &national[..3], &national[3..6], &national[6..]);
            }
        }
        let user = format!("{}.{}.{}", ascii_fold(twin.first), ascii_fold(&twin.last), k + 2);
        twin.email = unique_email(&mut self.emails, &user, EMAIL_DOMAINS[k % EMAIL_DOMAINS.len()]);
        twin
    }
}

/// The name with its first plain vowel accented (`Garcia` → `Gárcia`), or an
/// umlaut added to a name without one.
fn accented(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    let mut done = false;
    for c in name.chars() {
        let accent = match c {
            'a' if !done => Some('á'),
            'e' if !done => Some('é'),
            'i' if !done => Some('í'),
            'o' if !done => Some('ó'),
            'u' if !done => Some('ü'),
            _ => None,
        };
        match accent {
            Some(a) => {
                out.push(a);
                done = true;
            }
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::duplicates::{name_key, phone_key};

    #[test]
    fn accents_change_the_spelling_but_not_the_folded_name() {
        assert_eq!(accented("Garcia"), "Gárcia");
        assert_eq!(accented("Nguyen"), "Ngüyen");
        assert_eq!(name_key("Ann", &accented("Lopez")), name_key("Ann", "Lopez"));
    }

    #[test]
    fn the_demo_has_second_accounts_the_check_finds() {
        let doc = super::super::generate(5, 200, "2026-11-25T19:30:00Z".parse().unwrap()).unwrap();
        assert_eq!(doc.customers.len(), 200);
        let text = |c: &crate::import::ImportCustomer, f: &str| c.fields[f].as_str().unwrap_or_default().to_string();
        let twins = &doc.customers[196..];
        for (k, twin) in twins.iter().enumerate() {
            let found = doc.customers[..196].iter().any(|c| {
                let same_phone = phone_key(&text(c, "telephone")).is_some()
                    && phone_key(&text(c, "telephone")) == phone_key(&text(twin, "telephone"));
                let same_name = name_key(&text(c, "first_name"), &text(c, "last_name"))
                    == name_key(&text(twin, "first_name"), &text(twin, "last_name"))
                    && text(c, "birthday") == text(twin, "birthday");
                (same_phone || same_name) && text(c, "email") != text(twin, "email")
            });
            assert!(found, "second account {k} matches nobody: {:?}", twin.fields);
        }
    }
}
