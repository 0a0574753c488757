//! The seed's customer filters evaluated over an [`OrgList`]: each term
//! becomes the set of list positions it holds for, and the terms are
//! intersected. Every term means exactly what its SQL in
//! `storage::customer_filters` means (the same columns, the same
//! comparisons: dates as text, instants as the organization's local days);
//! `tests/api/customer_index.rs` checks both against each other.

use super::bits::Bits;
use super::list::{IRREGULAR_DATE, Key, Loaded, NULL_DATE, OrgList, canonical_date, flag, trigram};
use crate::storage::OrgScope;
use crate::storage::customer_filters::{ActiveMembership, CustomerFilter, born_on_or_before_for_age, day_bounds};

/// A bound on a date column, as the text SQL compares and as its key.
#[derive(Debug, Clone, Copy)]
enum DateTest<'a> {
    AtLeast(&'a str, Option<u32>),
    AtMost(&'a str, Option<u32>),
    After(&'a str, Option<u32>),
}

impl DateTest<'_> {
    fn holds(&self, key: u32, text: impl FnOnce() -> Option<String>) -> bool {
        if key == NULL_DATE {
            return false;
        }
        let (bound_text, bound_key) = match *self {
            DateTest::AtLeast(t, k) | DateTest::AtMost(t, k) | DateTest::After(t, k) => (t, k),
        };
        let ordering = match (key, bound_key) {
            (IRREGULAR_DATE, _) | (_, None) => match text() {
                Some(text) => text.as_str().cmp(bound_text),
                None => return false,
            },
            (key, Some(bound)) => key.cmp(&bound),
        };
        match self {
            DateTest::AtLeast(..) => ordering.is_ge(),
            DateTest::AtMost(..) => ordering.is_le(),
            DateTest::After(..) => ordering.is_gt(),
        }
    }
}

/// The positions of the customers the filter selects; `None` when it
/// selects every one.
pub fn evaluate(list: &OrgList, org: &OrgScope, filter: &CustomerFilter) -> Option<Bits> {
    let mut terms = Terms { all: None };
    let today = filter.today.unwrap_or_else(|| org.local_date(jiff::Timestamp::now()));
    for word in &filter.search {
        terms.add(search_word(list, word));
    }
    if let Some(age) = filter.age_min {
        match born_on_or_before_for_age(today, age) {
            Some(cutoff) => {
                let text = cutoff.to_string();
                terms.add(dates(list, Column::Birthday, DateTest::AtMost(&text, canonical_date(&text))));
            }
            None if age > 0 => terms.add(Bits::none(list.len())),
            None => {}
        }
    }
    if let Some(age) = filter.age_max {
        if let Some(cutoff) = born_on_or_before_for_age(today, age.saturating_add(1)) {
            let text = cutoff.to_string();
            terms.add(dates(list, Column::Birthday, DateTest::After(&text, canonical_date(&text))));
        } else if age < 0 {
            terms.add(Bits::none(list.len()));
        }
    }
    for (column, min, max) in [
        (Column::Birthday, filter.birthday_min, filter.birthday_max),
        (Column::FirstMembership, filter.first_membership_timestamp_min, filter.first_membership_timestamp_max),
    ] {
        if let Some(d) = min {
            let text = d.to_string();
            terms.add(dates(list, column, DateTest::AtLeast(&text, canonical_date(&text))));
        }
        if let Some(d) = max {
            let text = d.to_string();
            terms.add(dates(list, column, DateTest::AtMost(&text, canonical_date(&text))));
        }
    }
    if filter.created_at_min.is_some() || filter.created_at_max.is_some() {
        let (min, max) = day_bounds(org, filter.created_at_min, filter.created_at_max);
        let (min, max) = (min.unwrap_or(i64::MIN), max.unwrap_or(i64::MAX));
        terms.add(Bits::from_column(&list.ranked.created_at, |_, v| v >= min && v < max));
    }
    if !filter.address_postcode.is_empty() {
        terms.add(any_key(list, filter.address_postcode.iter().map(|p| Key::Postcode(p.as_str().into()))));
    }
    if let Some(g) = &filter.gender {
        terms.add(any_key(list, [Key::Gender(g.as_str().into())]));
    }
    for (bit, value) in [
        (flag::OPTED_IN, filter.has_opted_in_to_marketing),
        (flag::YOUTH, filter.has_active_youth_programming_membership),
        (flag::ADULT, filter.has_active_non_youth_programming_membership),
        (flag::FUTURE, filter.has_membership_with_future_start),
        (flag::FROZEN, filter.has_frozen_membership),
    ] {
        if let Some(v) = value {
            terms.add(Bits::from_column(&list.ranked.flags, |_, f| (f & bit != 0) == v));
        }
    }
    if filter.check_in_count_min.is_some() || filter.check_in_count_max.is_some() {
        let min = filter.check_in_count_min.unwrap_or(i64::MIN);
        let max = filter.check_in_count_max.unwrap_or(i64::MAX);
        terms.add(Bits::from_column(&list.ranked.check_in_count, |_, v| v >= min && v <= max));
    }
    match &filter.has_active_membership {
        Some(ActiveMembership::Status(v)) => {
            let v = *v;
            terms.add(Bits::from_column(&list.ranked.flags, |_, f| (f & flag::ACTIVE != 0) == v));
        }
        Some(ActiveMembership::TypeIds(ids)) => terms.add(any_key(list, ids.iter().map(|id| Key::ActiveType(*id)))),
        // Unresolved, it matches none (as its SQL does).
        Some(ActiveMembership::Name(_)) => terms.add(Bits::none(list.len())),
        None => {}
    }
    for tag in &filter.tags {
        let ids = list.tag_ids.get(tag.as_str()).cloned().unwrap_or_default();
        terms.add(any_key(list, ids.into_iter().map(Key::Tag)));
    }
    if let Some(id) = filter.has_event_type_reservation {
        terms.add(any_key(list, [Key::EventType(id)]));
    }
    if filter.latest_check_in_timestamp_min.is_some() || filter.latest_check_in_timestamp_max.is_some() {
        let (min, max) = day_bounds(org, filter.latest_check_in_timestamp_min, filter.latest_check_in_timestamp_max);
        let (min, max) = (min.unwrap_or(i64::MIN), max.unwrap_or(i64::MAX));
        terms.add(Bits::from_column(&list.ranked.latest_check_in, |_, v| v != i64::MIN && v >= min && v < max));
    }
    for id in &filter.has_proficiencies {
        terms.add(any_key(list, [Key::Proficiency(*id)]));
    }
    for id in &filter.has_association_memberships {
        terms.add(any_key(list, [Key::Association(*id)]));
    }
    if let Some(id) = filter.has_challenge {
        terms.add(any_key(list, [Key::Challenge(id)]));
    }
    terms.all
}

/// The intersection of the terms added so far.
struct Terms {
    all: Option<Bits>,
}

impl Terms {
    fn add(&mut self, bits: Bits) {
        match &mut self.all {
            Some(all) => all.and(&bits),
            None => self.all = Some(bits),
        }
    }
}

#[derive(Clone, Copy)]
enum Column {
    Birthday,
    FirstMembership,
}

fn dates(list: &OrgList, column: Column, test: DateTest) -> Bits {
    let keys = match column {
        Column::Birthday => &list.ranked.birthday,
        Column::FirstMembership => &list.ranked.first_membership,
    };
    Bits::from_column(keys, |rank, key| {
        test.holds(key, || {
            let entry = list.entry(list.order[rank]);
            match column {
                Column::Birthday => Some(entry.birthday.to_string()),
                Column::FirstMembership => entry.first_membership_date.as_deref().map(str::to_string),
            }
        })
    })
}

/// The positions of the customers for which `holds` is true.
fn scan(list: &OrgList, holds: impl Fn(&Loaded) -> bool) -> Bits {
    Bits::from_column(&list.order, |_, slot| holds(list.entry(slot)))
}

/// The positions of the customers holding any of the keys.
fn any_key(list: &OrgList, keys: impl IntoIterator<Item = Key>) -> Bits {
    let mut bits = Bits::none(list.len());
    for key in keys {
        for &slot in list.postings.get(&key).map(Vec::as_slice).unwrap_or_default() {
            bits.set(list.rank[slot as usize] as usize);
        }
    }
    bits
}

/// The customers whose search text holds the word (lower-cased already). A
/// word of three characters is one trigram's postings; a longer one is
/// tested on the postings of its rarest trigram; a shorter one on every
/// customer.
fn search_word(list: &OrgList, word: &str) -> Bits {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 3 {
        return scan(list, |entry| entry.search_text.contains(word));
    }
    let mut rarest: Option<&[u32]> = None;
    for w in chars.windows(3) {
        let postings = list.trigrams.get(&trigram(w[0], w[1], w[2])).map(Vec::as_slice).unwrap_or_default();
        if rarest.is_none_or(|r| postings.len() < r.len()) {
            rarest = Some(postings);
        }
    }
    let mut bits = Bits::none(list.len());
    for &slot in rarest.unwrap_or_default() {
        if chars.len() == 3 || list.entry(slot).search_text.contains(word) {
            bits.set(list.rank[slot as usize] as usize);
        }
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::customer_index::list::tests::loaded;

    fn org() -> OrgScope {
        OrgScope { id: 1, name: "Gym".into(), time_zone: jiff::tz::TimeZone::UTC, time_zone_name: "UTC".into() }
    }

    #[test]
    fn search_words_match_substrings_in_list_order() {
        let mut list = OrgList::default();
        list.upsert(loaded(1, "smith", "ann"));
        list.upsert(loaded(2, "smithers", "bo"));
        list.upsert(loaded(3, "jones", "smitty"));
        list.upsert(loaded(4, "adams", "al"));
        list.settle();
        let page = |words: &[&str]| {
            let filter = CustomerFilter { search: words.iter().map(|w| w.to_string()).collect(), ..Default::default() };
            let bits = evaluate(&list, &org(), &filter).unwrap();
            bits.page(0, 10).into_iter().map(|r| list.entry(list.order[r]).id).collect::<Vec<_>>()
        };
        assert_eq!(page(&["smi"]), vec![3, 1, 2]);
        assert_eq!(page(&["smith"]), vec![1, 2]);
        assert_eq!(page(&["smith", "bo"]), vec![2]);
        assert_eq!(page(&["a"]), vec![4, 1]);
        assert_eq!(page(&["zzz"]), Vec::<i64>::new());
        assert!(evaluate(&list, &org(), &CustomerFilter::default()).is_none());
    }
}
