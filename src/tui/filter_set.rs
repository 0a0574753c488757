//! Every customer filter of the seed as the filter pane offers it: its
//! label, the chip it shows as and its heading, over the model's table of
//! filter parameters ([`crate::model::filters`]), which names the query
//! parameter and says how a value is entered and checked before it is sent.

use crate::model::Gender;
pub use crate::model::filters::FilterInput;
use crate::model::filters::{FALSE, TRUE};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilterSpec {
    /// The query parameter (two specs share `has_active_membership`: a status
    /// and a membership name; setting one clears the other).
    pub param: &'static str,
    pub label: &'static str,
    /// The chip's words before the value (`age ≥`).
    pub chip: &'static str,
    /// How a value is entered: one of the parameter kind's inputs.
    pub kind: FilterInput,
    /// The heading it is listed under.
    pub group: &'static str,
}

const fn f(
    param: &'static str,
    label: &'static str,
    chip: &'static str,
    kind: FilterInput,
    group: &'static str,
) -> FilterSpec {
    FilterSpec { param, label, chip, kind, group }
}

use FilterInput as K;

/// Every filter of the seed (search is the search bar), grouped as the desk
/// thinks of them.
pub const FILTERS: [FilterSpec; 26] = [
    f("has_active_membership", "Active membership", "member", K::YesNo, "Membership"),
    f("has_active_membership", "Active membership named", "membership", K::Text, "Membership"),
    f("has_frozen_membership", "Frozen membership", "frozen", K::YesNo, "Membership"),
    f("has_membership_with_future_start", "Membership starting later", "future start", K::YesNo, "Membership"),
    f("has_active_youth_programming_membership", "Youth programming membership", "youth", K::YesNo, "Membership"),
    f("has_active_non_youth_programming_membership", "Non-youth membership", "non-youth", K::YesNo, "Membership"),
    f("first_membership_timestamp_min", "First membership on or after", "first member ≥", K::Date, "Membership"),
    f("first_membership_timestamp_max", "First membership on or before", "first member ≤", K::Date, "Membership"),
    f("has_association_memberships", "Association ids (all of)", "associations", K::Ids, "Membership"),
    f("latest_check_in_timestamp_min", "Last check-in on or after", "last visit ≥", K::Date, "Check-ins"),
    f("latest_check_in_timestamp_max", "Last check-in on or before", "last visit ≤", K::Date, "Check-ins"),
    f("check_in_count_min", "Check-ins at least", "check-ins ≥", K::Whole, "Check-ins"),
    f("check_in_count_max", "Check-ins at most", "check-ins ≤", K::Whole, "Check-ins"),
    f("age_min", "Age at least", "age ≥", K::Whole, "Person"),
    f("age_max", "Age at most", "age ≤", K::Whole, "Person"),
    f("birthday_min", "Birthday on or after", "born ≥", K::Date, "Person"),
    f("birthday_max", "Birthday on or before", "born ≤", K::Date, "Person"),
    f("gender", "Gender", "gender", K::Gender, "Person"),
    f("address_postcode", "Postcodes (any of)", "postcode", K::Words, "Person"),
    f("has_opted_in_to_marketing", "Marketing opt-in", "marketing", K::YesNo, "Person"),
    f("created_at_min", "Account created on or after", "created ≥", K::Date, "Account"),
    f("created_at_max", "Account created on or before", "created ≤", K::Date, "Account"),
    f("tags", "Tags (all of)", "tags", K::Words, "Tags and more"),
    f("has_proficiencies", "Proficiency ids (all of)", "proficiencies", K::Ids, "Tags and more"),
    f("has_event_type_reservation", "Reservation for event type id", "event type", K::Whole, "Tags and more"),
    f("has_challenge", "Challenge id", "challenge", K::Whole, "Tags and more"),
];

/// The filters the pane lists, in order.
pub fn specs() -> &'static [FilterSpec] {
    &FILTERS
}

/// The values set, by index into [`specs`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterValues {
    values: Vec<Option<String>>,
}

impl FilterValues {
    pub fn new() -> FilterValues {
        FilterValues { values: vec![None; specs().len()] }
    }

    pub fn get(&self, index: usize) -> Option<&str> {
        self.values.get(index).and_then(|v| v.as_deref())
    }

    /// Sets (or with `None` clears) one filter; a filter sharing its query
    /// parameter is cleared, since only one value can be sent.
    /// Sets (or clears) a filter. A filter sharing its parameter is cleared: its index is
    /// returned when it had a value, so the app can say what was replaced.
    pub fn set(&mut self, index: usize, value: Option<String>) -> Option<usize> {
        if index >= self.values.len() {
            return None;
        }
        let mut replaced = None;
        if value.is_some() {
            let param = specs()[index].param;
            for (i, spec) in specs().iter().enumerate() {
                if i != index && spec.param == param && self.values[i].take().is_some() {
                    replaced = Some(i);
                }
            }
        }
        self.values[index] = value;
        replaced
    }

    /// What to tell the desk when setting `index` replaced `replaced` (they share one parameter).
    pub fn replaced_note(index: usize, replaced: usize) -> String {
        let (new, old) = (&specs()[index], &specs()[replaced]);
        format!(
            "\"{}\" replaces \"{}\": both are Capitan's {} parameter, so only one can be on",
            new.label, old.label, new.param
        )
    }

    /// Moves a choice filter to its next (or previous) choice.
    pub fn cycle(&mut self, index: usize, forward: bool) -> Option<usize> {
        let spec = specs().get(index)?;
        let choices = spec.kind.choices();
        if choices.len() < 2 {
            return None;
        }
        let current = choices.iter().position(|c| *c == self.get(index)).unwrap_or(0);
        let next = if forward { (current + 1) % choices.len() } else { (current + choices.len() - 1) % choices.len() };
        self.set(index, choices[next].map(str::to_string))
    }

    pub fn clear(&mut self) {
        self.values.iter_mut().for_each(|v| *v = None);
    }

    pub fn is_empty(&self) -> bool {
        self.values.iter().all(Option::is_none)
    }

    /// The set filters, in table order: (index, value).
    pub fn active(&self) -> impl Iterator<Item = (usize, &str)> {
        self.values.iter().enumerate().filter_map(|(i, v)| v.as_deref().map(|v| (i, v)))
    }

    /// The query parameters to send.
    pub fn params(&self) -> Vec<(String, String)> {
        self.active().map(|(i, v)| (specs()[i].param.to_string(), v.to_string())).collect()
    }

    /// The chip a set filter shows as (`age ≥ 18`, `member: no`).
    pub fn chip(&self, index: usize) -> Option<String> {
        let value = self.get(index)?;
        let spec = &specs()[index];
        Some(format!("{} {}", spec.chip, display_value(spec.kind, value)))
    }
}

/// A value as a person reads it.
pub fn display_value(kind: FilterInput, value: &str) -> String {
    match (kind, value) {
        (FilterInput::YesNo, TRUE) => "yes".into(),
        (FilterInput::YesNo, FALSE) => "no".into(),
        (FilterInput::Gender, code) => Gender::from_code(code).map_or(code.to_string(), |g| g.label().to_string()),
        (FilterInput::Words | FilterInput::Ids, list) => list.replace(',', ", "),
        (_, v) => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::filters::{CUSTOMER_FILTERS, FilterValue, param};

    fn index(label: &str) -> usize {
        specs().iter().position(|s| s.label == label).unwrap()
    }

    #[test]
    fn every_server_filter_is_offered() {
        let params: std::collections::BTreeSet<_> = specs().iter().map(|s| s.param).collect();
        for name in [
            "age_min",
            "age_max",
            "birthday_min",
            "birthday_max",
            "created_at_min",
            "created_at_max",
            "address_postcode",
            "gender",
            "has_opted_in_to_marketing",
            "check_in_count_min",
            "check_in_count_max",
            "first_membership_timestamp_min",
            "first_membership_timestamp_max",
            "has_active_membership",
            "has_active_youth_programming_membership",
            "has_active_non_youth_programming_membership",
            "has_membership_with_future_start",
            "has_frozen_membership",
            "tags",
            "has_event_type_reservation",
            "latest_check_in_timestamp_min",
            "latest_check_in_timestamp_max",
            "has_proficiencies",
            "has_association_memberships",
            "has_challenge",
        ] {
            assert!(params.contains(name), "{name} missing");
        }
        assert_eq!(params.len(), 25);
    }

    #[test]
    fn typed_values_are_checked_before_sending() {
        assert_eq!(
            FilterInput::Date.check("2001-4-30").unwrap_err(),
            "\"2001-4-30\" is not a date; write YYYY-MM-DD, for example 2001-04-30"
        );
        assert_eq!(FilterInput::Date.check(" 2001-04-30 ").unwrap(), Some("2001-04-30".into()));
        assert!(FilterInput::Whole.check("1.5").is_err());
        assert_eq!(FilterInput::Ids.check("3, 7,").unwrap(), Some("3,7".into()));
        assert!(FilterInput::Ids.check("3,x").is_err());
        assert_eq!(FilterInput::Words.check(" staff , setter ").unwrap(), Some("staff,setter".into()));
        assert_eq!(FilterInput::Text.check("  ").unwrap(), None);
    }

    #[test]
    fn status_and_name_share_a_parameter_so_one_replaces_the_other() {
        let mut v = FilterValues::new();
        let status = index("Active membership");
        let name = index("Active membership named");
        v.cycle(status, true);
        assert_eq!(v.params(), vec![("has_active_membership".to_string(), "true".to_string())]);
        v.set(name, Some("month".into()));
        assert_eq!(v.params(), vec![("has_active_membership".to_string(), "month".to_string())]);
        assert_eq!(v.get(status), None);
    }

    #[test]
    fn choices_cycle_through_any_and_chips_read_plainly() {
        let mut v = FilterValues::new();
        let g = index("Gender");
        v.cycle(g, false);
        assert_eq!(v.get(g), Some("P"));
        assert_eq!(v.chip(g).unwrap(), "gender Prefer not to say");
        let m = index("Marketing opt-in");
        v.cycle(m, true);
        v.cycle(m, true);
        assert_eq!(v.chip(m).unwrap(), "marketing no");
        v.cycle(m, true);
        assert_eq!(v.get(m), None);
        v.set(index("Age at least"), Some("18".into()));
        assert_eq!(v.chip(index("Age at least")).unwrap(), "age ≥ 18");
        v.clear();
        assert!(v.is_empty());
    }

    /// Every value the pane can send for one input, with what it means:
    /// each choice, and the checked form of typed samples.
    fn sendable(input: FilterInput) -> Vec<(String, FilterValue)> {
        let typed = |text: &str| input.check(text).unwrap().unwrap();
        match input {
            FilterInput::YesNo => vec![
                (TRUE.to_string(), FilterValue::Bool(true)),
                (FALSE.to_string(), FilterValue::Bool(false)),
                (typed(" yes "), FilterValue::Bool(true)),
                (typed("NO"), FilterValue::Bool(false)),
            ],
            FilterInput::Gender => {
                Gender::ALL.iter().map(|g| (g.code().to_string(), FilterValue::Gender(*g))).collect()
            }
            FilterInput::Date => vec![(typed(" 2001-04-30 "), FilterValue::Date(jiff::civil::date(2001, 4, 30)))],
            FilterInput::Whole => {
                vec![(typed("18"), FilterValue::Whole(18)), (typed(" -3 "), FilterValue::Whole(-3))]
            }
            FilterInput::Ids => vec![(typed("3, 7,"), FilterValue::Ids(vec![3, 7]))],
            FilterInput::Words => vec![(
                typed(" Staff , route setter ,"),
                FilterValue::Words(vec!["staff".into(), "route setter".into()]),
            )],
            FilterInput::Text => vec![(typed(" month pass "), FilterValue::Text("month pass".into()))],
        }
    }

    #[test]
    fn every_value_the_pane_can_send_parses_on_the_server_and_means_the_same() {
        use crate::server::filters::customer_filter;
        use crate::server::paging::ListRequest;
        use crate::storage::customer_filters::CustomerFilter;

        let today = jiff::civil::date(2026, 11, 25);
        let unfiltered = CustomerFilter { today: Some(today), ..CustomerFilter::default() };
        for (index, spec) in specs().iter().enumerate() {
            let param = param(spec.param).unwrap_or_else(|| panic!("{} is not a filter parameter", spec.param));
            assert!(
                param.kind.inputs().contains(&spec.kind),
                "{}: {:?} cannot enter {:?}",
                spec.label,
                spec.kind,
                param.kind
            );
            // Every choice the pane offers is a value it can send.
            for choice in spec.kind.choices().iter().flatten() {
                assert!(sendable(spec.kind).iter().any(|(sent, _)| sent == choice), "{}: {choice}", spec.label);
            }
            for (sent, meaning) in sendable(spec.kind) {
                assert_eq!(param.kind.parse(&sent), Ok(meaning), "{} = {sent:?}", spec.label);
                let mut values = FilterValues::new();
                values.set(index, Some(sent.clone()));
                let req = ListRequest { base: String::new(), params: values.params() };
                let filter = customer_filter(&req, today).unwrap_or_else(|e| panic!("{} = {sent:?}: {e}", spec.label));
                assert_ne!(filter, unfiltered, "{} = {sent:?} filters nothing", spec.label);
            }
        }
        // And the pane offers every parameter but the search (the search bar's).
        for param in &CUSTOMER_FILTERS {
            assert!(
                param.name == "search" || specs().iter().any(|s| s.param == param.name),
                "{} not offered",
                param.name
            );
        }
    }
}
