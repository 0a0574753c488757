//! Households and the people in them: names, ages, addresses, contact details.

use jiff::civil::Date;

use super::catalog::{BOULDER, DENVER};
use super::memberships::Usable;
use super::words::{
    ABROAD, EMAIL_DOMAINS, FEMALE, MALE, NEUTRAL, NICKNAMES, PLACES, STREETS, SURNAMES, ascii_fold, unique_email,
};
use super::{Generator, HISTORY_DAYS, HOUR};
use crate::import::ImportRelation;

#[derive(Debug, Clone)]
pub(super) struct Address {
    pub(super) street_1: String,
    pub(super) street_2: String,
    pub(super) city: &'static str,
    pub(super) state: &'static str,
    pub(super) country: &'static str,
    pub(super) postcode: &'static str,
}

#[derive(Debug, Clone)]
pub(super) struct Person {
    pub(super) first: &'static str,
    pub(super) last: String,
    pub(super) preferred: &'static str,
    pub(super) pronouns: &'static str,
    pub(super) gender: Option<&'static str>,
    pub(super) birthday: Date,
    pub(super) age: i64,
    pub(super) email: String,
    pub(super) phone: String,
    pub(super) address: Address,
    pub(super) home_location: Option<i64>,
    pub(super) created_ago: i64,
    pub(super) created_seconds: i64,
    /// Household members they might name as an emergency contact.
    pub(super) contacts: Vec<usize>,
    pub(super) usable: Vec<Usable>,
    pub(super) has_current_membership: bool,
    pub(super) has_any_membership: bool,
    pub(super) youth_team: bool,
}

impl Person {
    pub(super) fn is_minor(&self) -> bool {
        self.age < 18
    }

    pub(super) fn display_name(&self) -> String {
        format!("{} {}", self.first, self.last)
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Household {
    Single,
    Couple,
    Family { parents: usize, kids: usize },
}

impl Generator {
    pub(super) fn household(&mut self, remaining: usize) {
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

    pub(super) fn address(&mut self) -> Address {
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

    pub(super) fn home_location(&mut self, address: &Address) -> Option<i64> {
        if self.rng.percent(4) {
            return None;
        }
        let near_denver = matches!(address.city, "Denver" | "Lakewood" | "Arvada" | "Golden");
        Some(if near_denver == self.rng.percent(85) { DENVER } else { BOULDER })
    }

    pub(super) fn phone(&mut self) -> String {
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
    pub(super) fn email(&mut self, first: &str, last: &str, parent: Option<&str>) -> String {
        let (user, domain) = match parent {
            Some(parent_email) => {
                // Every generated address has an `@`; were one without, the kid's gets the first domain.
                let (user, domain) = parent_email.split_once('@').unwrap_or((parent_email, EMAIL_DOMAINS[0]));
                (format!("{}+{}", user.split('+').next().unwrap_or(user), ascii_fold(first)), domain)
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
                (user, self.rng.pick(&EMAIL_DOMAINS))
            }
        };
        unique_email(&mut self.emails, &user, domain)
    }

    pub(super) fn first_name(&mut self, gender: Option<&'static str>) -> &'static str {
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

    pub(super) fn gender(&mut self) -> Option<&'static str> {
        self.rng.weighted(&[(46, Some("F")), (46, Some("M")), (3, Some("N")), (2, Some("P")), (3, None)])
    }

    pub(super) fn pronouns(&mut self, gender: Option<&str>) -> &'static str {
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

    pub(super) fn birthday(&mut self, age: i64) -> Date {
        // Someone `age` years old was born between age+1 years and age years ago.
        let days_into_year = self.rng.between(1, 364);
        self.cal.date(-(age * 365 + age / 4) - days_into_year)
    }

    pub(super) fn age_on(&self, birthday: Date) -> i64 {
        let today = self.cal.today;
        let mut age = i64::from(today.year() - birthday.year());
        if (today.month(), today.day()) < (birthday.month(), birthday.day()) {
            age -= 1;
        }
        age
    }

    pub(super) fn push_person(&mut self, mut person: Person) -> usize {
        person.age = self.age_on(person.birthday);
        self.people.push(person);
        self.people.len() - 1
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn new_person(
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

    pub(super) fn adult(
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
    pub(super) fn partner(
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

    pub(super) fn kid(
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

    pub(super) fn relate(&mut self, customer: usize, related: usize, relation: &str) {
        // Made when the later of the two signed up, minutes after.
        let created = |p: &Person| self.cal.instant(-p.created_ago, p.created_seconds);
        let later = created(&self.people[customer]).max(created(&self.people[related]));
        let minutes = self.rng.between(1, 15);
        let at =
            later.checked_add(jiff::SignedDuration::from_mins(minutes)).unwrap_or(later).min(self.cal.now).max(later);
        self.doc.relations.push(ImportRelation {
            customer_id: customer as i64 + 1,
            related_customer_id: related as i64 + 1,
            relation: relation.into(),
            created_at: Some(at),
        });
    }
}
