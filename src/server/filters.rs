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

    /// A comma-separated list of words, trimmed and lower-cased.
    fn words(&self, name: &str) -> Vec<String> {
        self.raw(name)
            .map(|raw| raw.split(',').map(|w| w.trim().to_lowercase()).filter(|w| !w.is_empty()).collect())
            .unwrap_or_default()
    }

    fn ids(&mut self, name: &str) -> Vec<i64> {
        let Some(raw) = self.raw(name) else {
            return Vec::new();
        };
        let parsed: Result<Vec<i64>, _> =
            raw.split(',').map(str::trim).filter(|w| !w.is_empty()).map(str::parse::<i64>).collect();
        match parsed {
            Ok(ids) => ids,
            Err(_) => {
                self.errors.add(name, MSG_ID_LIST);
                Vec::new()
            }
        }
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
            s.split(|c: char| c.is_whitespace() || c.is_control() || c == ',')
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect()
        })
        .unwrap_or_default();
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
    fn lists_split_on_commas() {
        let f = parse("tags=Staff,%20Route%20Setter,&address_postcode=80302,ab1%202cd&search=ann%20smith").unwrap();
        assert_eq!(f.tags, vec!["staff", "route setter"]);
        assert_eq!(f.address_postcode, vec!["80302", "ab1 2cd"]);
        assert_eq!(f.search, vec!["ann", "smith"]);
    }
}
