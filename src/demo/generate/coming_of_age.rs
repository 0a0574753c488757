//! A few minors who turn 18 within the month (issue 16): their waiver was signed by a parent, so
//! the desk's verdict names the birthday ("Turns 18 on 12 Jan: adult waiver needed from then").

use jiff::ToSpan;

use super::Generator;

/// At most this many; one per 300 customers, at least three (when there are that many minors).
const MOST: usize = 5;

impl Generator {
    /// Moves the birthdays of the first few minors so that each turns 18 between 3 and 30 days
    /// from today (spread out), keeping them minors today: their waivers stay a minor's.
    pub(super) fn some_turn_18_soon(&mut self) {
        let wanted = (self.people.len() / 300).clamp(3, MOST);
        let minors: Vec<usize> = (0..self.people.len()).filter(|&i| self.people[i].is_minor()).take(wanted).collect();
        for (n, &i) in minors.iter().enumerate() {
            let days_away = 3 + (n as i64 * 27) / MOST as i64;
            let Ok(birthday) = self.cal.date(days_away).checked_sub(18.years()) else { continue };
            self.people[i].birthday = birthday;
            self.people[i].age = self.age_on(birthday);
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::Timestamp;
    use jiff::civil::Date;
    use jiff::tz::TimeZone;

    use crate::model::check_in_rules::coming_of_age::eighteenth_birthday;

    #[test]
    fn a_few_minors_turn_18_within_the_month_with_a_parents_waiver() {
        let now: Timestamp = "2026-11-25T19:30:00Z".parse().unwrap();
        let today = now.to_zoned(TimeZone::get(super::super::TIME_ZONE).unwrap()).date();
        let doc = super::super::generate(7, 1200, now).unwrap();
        let soon: Vec<_> = doc
            .customers
            .iter()
            .filter(|c| {
                let birthday = c.fields.get("birthday").and_then(|b| b.as_str());
                let adult = birthday.and_then(|b| b.parse::<Date>().ok()).and_then(eighteenth_birthday);
                adult.is_some_and(|a| (1..=30).contains(&(a - today).get_days()))
            })
            .collect();
        assert!((3..=10).contains(&soon.len()), "{} turn 18 within the month", soon.len());
        // A waiver of theirs, if any, was signed by a parent: the verdict will name the birthday.
        assert!(soon.iter().flat_map(|c| &c.documents).all(|d| d.name.starts_with("Minor Waiver")));
        assert!(soon.iter().filter(|c| !c.documents.is_empty()).count() >= 2, "most have a waiver");
    }
}
