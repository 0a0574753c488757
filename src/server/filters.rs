//! The customer list's query parameters, parsed into a typed
//! [`CustomerFilter`]. A value of the wrong type is a `400` naming the
//! parameter; an empty value means "not filtered"; unknown parameters are
//! ignored.

use jiff::civil::Date;

use super::paging::ListRequest;
use crate::model::FieldErrors;
use crate::model::customer::Gender;
use crate::storage::customer_filters::{ActiveMembership, CustomerFilter};

pub const MSG_INTEGER: &str = "Enter a whole number.";
pub const MSG_DATE: &str = "Enter a valid date in the form YYYY-MM-DD.";
pub const MSG_BOOLEAN: &str = "Enter true or false.";
pub const MSG_ID_LIST: &str = "Enter whole numbers separated by commas.";

/// Most distinct words a search may have, and values a list filter may
/// have. Each becomes one condition of the query, and a query with thousands
/// of them exhausts the stack rendering it (and SQLite's expression depth).
pub const MAX_SEARCH_WORDS: usize = 20;
pub const MAX_LIST_VALUES: usize = 50;

fn too_many(max: usize, what: &str) -> String {
    format!("Enter at most {max} {what}.")
}

/// Drops repeated values, keeping the first of each.
fn distinct<T: PartialEq>(values: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut out = Vec::new();
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

struct Parser<'a> {
    req: &'a ListRequest,
    errors: FieldErrors,
}

impl Parser<'_> {
    fn raw(&self, name: &str) -> Option<&str> {
        self.req.get(name).map(str::trim).filter(|v| !v.is_empty())
    }

    fn integer(&mut self, name: &str) -> Option<i64> {
        let raw = self.raw(name)?;
        match raw.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.errors.add(name, MSG_INTEGER);
                None
            }
        }
    }

    fn date(&mut self, name: &str) -> Option<Date> {
        let raw = self.raw(name)?;
        match crate::model::validation::iso_date(raw) {
            Ok(d) => Some(d),
            Err(_) => {
                self.errors.add(name, MSG_DATE);
                None
            }
        }
    }

    fn boolean(&mut self, name: &str) -> Option<bool> {
        let raw = self.raw(name)?;
        match parse_bool(raw) {
            Some(b) => Some(b),
            None => {
                self.errors.add(name, MSG_BOOLEAN);
                None
            }
        }
    }

    /// A comma-separated list of words, trimmed, lower-cased and distinct.
    fn words(&mut self, name: &str) -> Vec<String> {
        let words = self
            .raw(name)
            .map(|raw| distinct(raw.split(',').map(|w| w.trim().to_lowercase()).filter(|w| !w.is_empty())))
            .unwrap_or_default();
        self.bounded(name, words, MAX_LIST_VALUES, "values")
    }

    fn ids(&mut self, name: &str) -> Vec<i64> {
        let Some(raw) = self.raw(name) else {
            return Vec::new();
        };
        let parsed: Result<Vec<i64>, _> =
            raw.split(',').map(str::trim).filter(|w| !w.is_empty()).map(str::parse::<i64>).collect();
        match parsed {
            Ok(ids) => self.bounded(name, distinct(ids), MAX_LIST_VALUES, "values"),
            Err(_) => {
                self.errors.add(name, MSG_ID_LIST);
                Vec::new()
            }
        }
    }

    fn bounded<T>(&mut self, name: &str, values: Vec<T>, max: usize, what: &str) -> Vec<T> {
        if values.len() > max {
            self.errors.add(name, too_many(max, what));
            return Vec::new();
        }
        values
    }
}

fn parse_bool(raw: &str) -> Option<bool> {
    match raw.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

/// Reads every filter of the seed from the query string.
pub fn customer_filter(req: &ListRequest, today: Date) -> Result<CustomerFilter, FieldErrors> {
    let mut p = Parser { req, errors: FieldErrors::new() };
    // Control characters separate words too: the searchable fields are
    // stored joined by one, so a word holding it could match across fields.
    let search = p
        .raw("search")
        .map(|s| {
            distinct(
                s.split(|c: char| c.is_whitespace() || c.is_control() || c == ',')
                    .filter(|w| !w.is_empty())
                    .map(str::to_lowercase),
            )
        })
        .unwrap_or_default();
    let search = p.bounded("search", search, MAX_SEARCH_WORDS, "words");
    let gender = match p.raw("gender") {
        None => None,
        Some(code) => match Gender::from_code(&code.to_ascii_uppercase()) {
            Some(g) => Some(g.code().to_string()),
            None => {
                p.errors.add("gender", format!("Select a valid choice. {code} is not one of the available choices."));
                None
            }
        },
    };
    // "true"/"false" ask for a status; any other value is a membership name.
    let has_active_membership = p.raw("has_active_membership").map(|raw| match raw.to_ascii_lowercase().as_str() {
        "true" => ActiveMembership::Status(true),
        "false" => ActiveMembership::Status(false),
        _ => ActiveMembership::Name(raw.to_string()),
    });
    let filter = CustomerFilter {
        search,
        age_min: p.integer("age_min"),
        age_max: p.integer("age_max"),
        birthday_min: p.date("birthday_min"),
        birthday_max: p.date("birthday_max"),
        created_at_min: p.date("created_at_min"),
        created_at_max: p.date("created_at_max"),
        address_postcode: p.words("address_postcode"),
        gender,
        has_opted_in_to_marketing: p.boolean("has_opted_in_to_marketing"),
        check_in_count_min: p.integer("check_in_count_min"),
        check_in_count_max: p.integer("check_in_count_max"),
        first_membership_timestamp_min: p.date("first_membership_timestamp_min"),
        first_membership_timestamp_max: p.date("first_membership_timestamp_max"),
        has_active_membership,
        has_active_youth_programming_membership: p.boolean("has_active_youth_programming_membership"),
        has_active_non_youth_programming_membership: p.boolean("has_active_non_youth_programming_membership"),
        has_membership_with_future_start: p.boolean("has_membership_with_future_start"),
        has_frozen_membership: p.boolean("has_frozen_membership"),
        tags: p.words("tags"),
        has_event_type_reservation: p.integer("has_event_type_reservation"),
        latest_check_in_timestamp_min: p.date("latest_check_in_timestamp_min"),
        latest_check_in_timestamp_max: p.date("latest_check_in_timestamp_max"),
        has_proficiencies: p.ids("has_proficiencies"),
        has_association_memberships: p.ids("has_association_memberships"),
        has_challenge: p.integer("has_challenge"),
        today: Some(today),
    };
    p.errors.into_result().map(|()| filter)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &str) -> Result<CustomerFilter, FieldErrors> {
        let req =
            ListRequest { base: String::new(), params: form_urlencoded::parse(q.as_bytes()).into_owned().collect() };
        customer_filter(&req, jiff::civil::date(2026, 11, 25))
    }

    #[test]
    fn wrong_types_are_named_and_empty_values_ignored() {
        let err = parse("age_min=abc&birthday_min=2020-13-45&has_frozen_membership=maybe&check_in_count_max=1.5&has_proficiencies=1,x")
            .unwrap_err();
        for name in ["age_min", "birthday_min", "has_frozen_membership", "check_in_count_max", "has_proficiencies"] {
            assert!(err.get(name).is_some(), "{name} should be named: {err}");
        }
        let f = parse("age_min=&tags=&unknown=1").unwrap();
        assert_eq!(f.age_min, None);
        assert!(f.tags.is_empty());
    }

    #[test]
    fn membership_status_or_name() {
        assert_eq!(
            parse("has_active_membership=TRUE").unwrap().has_active_membership,
            Some(ActiveMembership::Status(true))
        );
        assert_eq!(
            parse("has_active_membership=month").unwrap().has_active_membership,
            Some(ActiveMembership::Name("month".into()))
        );
    }

    #[test]
    fn lists_are_distinct_and_bounded() {
        let f = parse("tags=VIP,vip,%20VIP&has_proficiencies=3,3,4&search=ann%20ANN%20smith").unwrap();
        assert_eq!(f.tags, vec!["vip"]);
        assert_eq!(f.has_proficiencies, vec![3, 4]);
        assert_eq!(f.search, vec!["ann", "smith"]);
        let many = |n: usize, sep: &str| (0..n).map(|i| format!("w{i}")).collect::<Vec<_>>().join(sep);
        assert!(parse(&format!("search={}", many(MAX_SEARCH_WORDS, "+"))).is_ok());
        let err = parse(&format!("search={}&tags={}", many(MAX_SEARCH_WORDS + 1, "+"), many(MAX_LIST_VALUES + 1, ",")))
            .unwrap_err();
        assert_eq!(err.get("search").unwrap()[0], "Enter at most 20 words.");
        assert_eq!(err.get("tags").unwrap()[0], "Enter at most 50 values.");
    }

    #[test]
    fn lists_split_on_commas() {
        let f = parse("tags=Staff,%20Route%20Setter,&address_postcode=80302,ab1%202cd&search=ann%20smith").unwrap();
        assert_eq!(f.tags, vec!["staff", "route setter"]);
        assert_eq!(f.address_postcode, vec!["80302", "ab1 2cd"]);
        assert_eq!(f.search, vec!["ann", "smith"]);
    }
}
