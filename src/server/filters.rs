//! The customer list's query parameters, parsed into a typed
//! [`CustomerFilter`] by the model's table of them
//! ([`crate::model::filters`]). A value of the wrong type is a `400` naming
//! the parameter; an empty value means "not filtered"; unknown parameters are
//! ignored.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::paging::ListRequest;
use crate::model::FieldErrors;
use crate::model::filters::{CUSTOMER_FILTERS, FilterValue};
use crate::storage::customer_filters::{ActiveMembership, CustomerFilter};

/// The parameters given, read by their kind in the model's table.
struct Values(BTreeMap<&'static str, FilterValue>);

impl Values {
    fn take(&mut self, name: &str) -> Option<FilterValue> {
        self.0.remove(name)
    }

    fn whole(&mut self, name: &str) -> Option<i64> {
        match self.take(name)? {
            FilterValue::Whole(n) => Some(n),
            _ => None,
        }
    }

    fn date(&mut self, name: &str) -> Option<Date> {
        match self.take(name)? {
            FilterValue::Date(d) => Some(d),
            _ => None,
        }
    }

    fn boolean(&mut self, name: &str) -> Option<bool> {
        match self.take(name)? {
            FilterValue::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn words(&mut self, name: &str) -> Vec<String> {
        match self.take(name) {
            Some(FilterValue::Words(words)) => words,
            _ => Vec::new(),
        }
    }

    fn ids(&mut self, name: &str) -> Vec<i64> {
        match self.take(name) {
            Some(FilterValue::Ids(ids)) => ids,
            _ => Vec::new(),
        }
    }
}

/// Reads every filter of the seed from the query string.
pub fn customer_filter(req: &ListRequest, today: Date) -> Result<CustomerFilter, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut given = BTreeMap::new();
    for param in &CUSTOMER_FILTERS {
        let Some(raw) = req.get(param.name).map(str::trim).filter(|v| !v.is_empty()) else { continue };
        match param.kind.parse(raw) {
            Ok(value) => {
                given.insert(param.name, value);
            }
            Err(message) => errors.add(param.name, message),
        }
    }
    let mut v = Values(given);
    let gender = match v.take("gender") {
        Some(FilterValue::Gender(g)) => Some(g.code().to_string()),
        _ => None,
    };
    // "true"/"false" ask for a status; any other value is a membership name.
    let has_active_membership = match v.take("has_active_membership") {
        Some(FilterValue::Bool(b)) => Some(ActiveMembership::Status(b)),
        Some(FilterValue::Text(name)) => Some(ActiveMembership::Name(name)),
        _ => None,
    };
    let filter = CustomerFilter {
        search: v.words("search"),
        age_min: v.whole("age_min"),
        age_max: v.whole("age_max"),
        birthday_min: v.date("birthday_min"),
        birthday_max: v.date("birthday_max"),
        created_at_min: v.date("created_at_min"),
        created_at_max: v.date("created_at_max"),
        address_postcode: v.words("address_postcode"),
        gender,
        has_opted_in_to_marketing: v.boolean("has_opted_in_to_marketing"),
        check_in_count_min: v.whole("check_in_count_min"),
        check_in_count_max: v.whole("check_in_count_max"),
        first_membership_timestamp_min: v.date("first_membership_timestamp_min"),
        first_membership_timestamp_max: v.date("first_membership_timestamp_max"),
        has_active_membership,
        has_active_youth_programming_membership: v.boolean("has_active_youth_programming_membership"),
        has_active_non_youth_programming_membership: v.boolean("has_active_non_youth_programming_membership"),
        has_membership_with_future_start: v.boolean("has_membership_with_future_start"),
        has_frozen_membership: v.boolean("has_frozen_membership"),
        tags: v.words("tags"),
        has_event_type_reservation: v.whole("has_event_type_reservation"),
        latest_check_in_timestamp_min: v.date("latest_check_in_timestamp_min"),
        latest_check_in_timestamp_max: v.date("latest_check_in_timestamp_max"),
        has_proficiencies: v.ids("has_proficiencies"),
        has_association_memberships: v.ids("has_association_memberships"),
        has_challenge: v.whole("has_challenge"),
        today: Some(today),
    };
    errors.into_result().map(|()| filter)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::filters::{MAX_LIST_VALUES, MAX_SEARCH_WORDS};

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
