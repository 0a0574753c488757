//! The customer list's filter parameters, declared once: each parameter's
//! name, the kind of value it takes and what it means. The server parses the
//! query string with [`FilterKind::parse`]; the terminal app builds its
//! filter pane over the same table, entering values with a [`FilterInput`]
//! (its hint, its choices, its check before sending).

use jiff::civil::Date;

use super::customer::Gender;

/// The API's answers to a value of the wrong kind (DRF's texts).
pub const MSG_INTEGER: &str = "Enter a whole number.";
pub const MSG_DATE: &str = "Enter a valid date in the form YYYY-MM-DD.";
pub const MSG_BOOLEAN: &str = "Enter true or false.";
pub const MSG_ID_LIST: &str = "Enter whole numbers separated by commas.";

/// Most distinct words a search may have, and values a list filter may
/// have. Each becomes one condition of the query, and a query with thousands
/// of them exhausts the stack rendering it (and SQLite's expression depth).
pub const MAX_SEARCH_WORDS: usize = 20;
pub const MAX_LIST_VALUES: usize = 50;

/// The kind of value a filter parameter takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKind {
    /// Words separated by spaces or commas, each matching a searchable field.
    Search,
    /// A whole number.
    Whole,
    /// `YYYY-MM-DD`.
    Date,
    /// A boolean ([`boolean`]).
    Bool,
    /// Words separated by commas.
    Words,
    /// Whole numbers separated by commas.
    Ids,
    /// One of the seed's gender codes.
    Gender,
    /// `true` / `false` asks for a status; any other text is a name.
    StatusOrName,
}

/// One filter parameter of the customer list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilterParam {
    /// The query parameter, as Capitan names it.
    pub name: &'static str,
    pub kind: FilterKind,
    /// What it means, for the API's documentation (empty: the name says it).
    pub doc: &'static str,
}

const fn p(name: &'static str, kind: FilterKind, doc: &'static str) -> FilterParam {
    FilterParam { name, kind, doc }
}

use FilterKind as K;

/// Every filter parameter of the customer list, in the API's order.
pub const CUSTOMER_FILTERS: [FilterParam; 26] = [
    p("search", K::Search, "Words, each matching a name, email, telephone or barcode."),
    p("gender", K::Gender, "A gender code."),
    p("has_active_membership", K::StatusOrName, "`true`, `false`, or a membership name."),
    p("age_min", K::Whole, "Age in whole years, at least."),
    p("age_max", K::Whole, "Age in whole years, at most."),
    p("birthday_min", K::Date, "Born on or after."),
    p("birthday_max", K::Date, "Born on or before."),
    p("created_at_min", K::Date, "Created on or after (the gym's local date)."),
    p("created_at_max", K::Date, "Created on or before."),
    p("address_postcode", K::Words, "Postcodes, comma-separated."),
    p("has_opted_in_to_marketing", K::Bool, ""),
    p("check_in_count_min", K::Whole, ""),
    p("check_in_count_max", K::Whole, ""),
    p("first_membership_timestamp_min", K::Date, ""),
    p("first_membership_timestamp_max", K::Date, ""),
    p("has_active_youth_programming_membership", K::Bool, ""),
    p("has_active_non_youth_programming_membership", K::Bool, ""),
    p("has_membership_with_future_start", K::Bool, ""),
    p("has_frozen_membership", K::Bool, ""),
    p("tags", K::Words, "Tags, comma-separated."),
    p("has_event_type_reservation", K::Whole, "An event type id."),
    p("latest_check_in_timestamp_min", K::Date, ""),
    p("latest_check_in_timestamp_max", K::Date, ""),
    p("has_proficiencies", K::Ids, "Proficiency ids, comma-separated."),
    p("has_association_memberships", K::Ids, "Association ids, comma-separated."),
    p("has_challenge", K::Whole, "A challenge id."),
];

/// The parameter named `name`.
pub fn param(name: &str) -> Option<&'static FilterParam> {
    CUSTOMER_FILTERS.iter().find(|p| p.name == name)
}

/// A parameter's value, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterValue {
    /// Lower-cased and distinct.
    Words(Vec<String>),
    Whole(i64),
    Date(Date),
    Bool(bool),
    /// Distinct.
    Ids(Vec<i64>),
    Gender(Gender),
    /// A name, as given.
    Text(String),
}

/// The one reading of a boolean filter value: `true`, `yes`, `1` or
/// `false`, `no`, `0`, in any case.
pub fn boolean(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

/// The items of a comma-separated list, trimmed, empty ones dropped.
fn list_items(text: &str) -> impl Iterator<Item = &str> {
    text.split(',').map(str::trim).filter(|w| !w.is_empty())
}

fn whole_numbers(text: &str) -> Option<Vec<i64>> {
    list_items(text).map(|w| w.parse::<i64>().ok()).collect()
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

fn bounded<T>(values: Vec<T>, max: usize, what: &str) -> Result<Vec<T>, String> {
    if values.len() > max {
        return Err(format!("Enter at most {max} {what}."));
    }
    Ok(values)
}

impl FilterKind {
    /// Reads a query value (trimmed, not empty); `Err` is the API's message.
    pub fn parse(self, raw: &str) -> Result<FilterValue, String> {
        match self {
            // Control characters separate words too: the searchable fields are
            // stored joined by one, so a word holding it could match across fields.
            FilterKind::Search => {
                let words = distinct(
                    raw.split(|c: char| c.is_whitespace() || c.is_control() || c == ',')
                        .filter(|w| !w.is_empty())
                        .map(str::to_lowercase),
                );
                bounded(words, MAX_SEARCH_WORDS, "words").map(FilterValue::Words)
            }
            FilterKind::Whole => raw.parse::<i64>().map(FilterValue::Whole).map_err(|_| MSG_INTEGER.to_string()),
            FilterKind::Date => {
                super::validation::iso_date(raw).map(FilterValue::Date).map_err(|_| MSG_DATE.to_string())
            }
            FilterKind::Bool => boolean(raw).map(FilterValue::Bool).ok_or_else(|| MSG_BOOLEAN.to_string()),
            FilterKind::Words => {
                let words = distinct(list_items(raw).map(str::to_lowercase));
                bounded(words, MAX_LIST_VALUES, "values").map(FilterValue::Words)
            }
            FilterKind::Ids => match whole_numbers(raw) {
                Some(ids) => bounded(distinct(ids), MAX_LIST_VALUES, "values").map(FilterValue::Ids),
                None => Err(MSG_ID_LIST.to_string()),
            },
            FilterKind::Gender => Gender::from_code(&raw.to_ascii_uppercase())
                .map(FilterValue::Gender)
                .ok_or_else(|| format!("Select a valid choice. {raw} is not one of the available choices.")),
            FilterKind::StatusOrName => Ok(match raw.to_ascii_lowercase().as_str() {
                TRUE => FilterValue::Bool(true),
                FALSE => FilterValue::Bool(false),
                _ => FilterValue::Text(raw.to_string()),
            }),
        }
    }

    /// The ways the app's filter pane enters a value of this kind.
    pub fn inputs(self) -> &'static [FilterInput] {
        match self {
            FilterKind::Search => &[FilterInput::Text],
            FilterKind::Whole => &[FilterInput::Whole],
            FilterKind::Date => &[FilterInput::Date],
            FilterKind::Bool => &[FilterInput::YesNo],
            FilterKind::Words => &[FilterInput::Words],
            FilterKind::Ids => &[FilterInput::Ids],
            FilterKind::Gender => &[FilterInput::Gender],
            FilterKind::StatusOrName => &[FilterInput::YesNo, FilterInput::Text],
        }
    }
}

/// The words a yes/no choice sends.
pub const TRUE: &str = "true";
pub const FALSE: &str = "false";

/// How the app's filter pane enters a value: typed and checked, or chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterInput {
    /// `YYYY-MM-DD`.
    Date,
    /// A whole number.
    Whole,
    /// true / false / any, chosen rather than typed.
    YesNo,
    /// Words separated by commas.
    Words,
    /// Whole numbers separated by commas.
    Ids,
    /// One of the seed's gender codes, chosen.
    Gender,
    /// Free text.
    Text,
}

impl FilterInput {
    /// Choices cycle; everything else is typed.
    pub fn is_choice(self) -> bool {
        matches!(self, FilterInput::YesNo | FilterInput::Gender)
    }

    pub fn hint(self) -> &'static str {
        match self {
            FilterInput::Date => "YYYY-MM-DD",
            FilterInput::Whole => "a whole number",
            FilterInput::YesNo => "yes / no / any",
            FilterInput::Words => "words, separated by commas",
            FilterInput::Ids => "ids, separated by commas",
            FilterInput::Gender => "M / F / N / P / any",
            FilterInput::Text => "text",
        }
    }

    /// The choices a choice input cycles through (`None` = any).
    pub fn choices(self) -> &'static [Option<&'static str>] {
        match self {
            FilterInput::YesNo => &[None, Some(TRUE), Some(FALSE)],
            FilterInput::Gender => &[None, Some("M"), Some("F"), Some("N"), Some("P")],
            _ => &[None],
        }
    }

    /// Checks typed text; the value to send (trimmed, normalised), `None`
    /// for empty text (no filter), or what is wrong.
    pub fn check(self, text: &str) -> Result<Option<String>, String> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        match self {
            FilterInput::Date => super::validation::iso_date(text)
                .map(|d| Some(d.to_string()))
                .map_err(|_| format!("{text:?} is not a date; write YYYY-MM-DD, for example 2001-04-30")),
            FilterInput::Whole => {
                text.parse::<i64>().map(|n| Some(n.to_string())).map_err(|_| format!("{text:?} is not a whole number"))
            }
            FilterInput::Ids => match whole_numbers(text) {
                Some(ids) if !ids.is_empty() => Ok(Some(ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","))),
                Some(_) => Ok(None),
                None => Err(format!("{text:?}: write whole numbers separated by commas, for example 3,7")),
            },
            FilterInput::Words => {
                let words: Vec<&str> = list_items(text).collect();
                Ok((!words.is_empty()).then(|| words.join(",")))
            }
            FilterInput::Text => Ok(Some(text.to_string())),
            FilterInput::YesNo if text.eq_ignore_ascii_case("any") => Ok(None),
            FilterInput::YesNo => match boolean(text) {
                Some(b) => Ok(Some((if b { TRUE } else { FALSE }).to_string())),
                None => Err(format!("{text:?}: choose yes, no or any")),
            },
            FilterInput::Gender => match Gender::from_code(&text.to_ascii_uppercase()) {
                Some(g) => Ok(Some(g.code().to_string())),
                None if text.eq_ignore_ascii_case("any") => Ok(None),
                None => Err(format!("{text:?}: choose M, F, N, P or any")),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct() {
        let names: std::collections::BTreeSet<_> = CUSTOMER_FILTERS.iter().map(|p| p.name).collect();
        assert_eq!(names.len(), CUSTOMER_FILTERS.len());
    }

    #[test]
    fn one_boolean_reading() {
        for (text, b) in [("true", true), ("YES", true), ("1", true), (" No ", false), ("0", false), ("False", false)] {
            assert_eq!(boolean(text), Some(b), "{text}");
            assert_eq!(FilterKind::Bool.parse(text.trim()), Ok(FilterValue::Bool(b)));
        }
        assert_eq!(boolean("maybe"), None);
        assert_eq!(FilterKind::Bool.parse("on").unwrap_err(), MSG_BOOLEAN);
        // The status-or-name parameter takes only the words a choice sends as a status.
        assert_eq!(FilterKind::StatusOrName.parse("TRUE"), Ok(FilterValue::Bool(true)));
        assert_eq!(FilterKind::StatusOrName.parse("yes"), Ok(FilterValue::Text("yes".into())));
    }
}
