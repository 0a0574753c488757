//! One organization's customers in memory, in list order: what each filter
//! tests (columns by slot, postings by key, trigram postings for search) and
//! each customer's answer already rendered.
//!
//! A customer lives in a *slot* for as long as it exists (slots are reused
//! after a delete); its *rank* is its position in list order (`sort_last`,
//! `sort_first`, `id`, byte-wise as both databases compare them). Postings
//! and columns are kept by slot, so a change touches only the changed
//! customer's entries; the rank of every slot is recomputed when the order
//! changes (a new customer, a renamed one), which is one pass over the list.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

/// One condition a customer holds that a filter asks for by value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// The lower-cased, trimmed postcode (`address_postcode_key`).
    Postcode(Box<str>),
    Gender(Box<str>),
    Tag(i64),
    /// A reservation not cancelled, of this event type.
    EventType(i64),
    /// An active proficiency.
    Proficiency(i64),
    Association(i64),
    Challenge(i64),
    /// An active membership of this type (`customer_active_membership_types`).
    ActiveType(i64),
}

/// The summary flags a filter tests, one bit each.
pub mod flag {
    pub const OPTED_IN: u8 = 1;
    pub const ACTIVE: u8 = 2;
    pub const YOUTH: u8 = 4;
    pub const ADULT: u8 = 8;
    pub const FUTURE: u8 = 16;
    pub const FROZEN: u8 = 32;
}

/// A date column's key: `YYYY-MM-DD` as the number `YYYYMMDD + 1` (which
/// orders as the text does), the empty text as 0, NULL as [`NULL_DATE`];
/// any other text as [`IRREGULAR_DATE`], compared as text when tested.
pub const NULL_DATE: u32 = u32::MAX;
pub const IRREGULAR_DATE: u32 = u32::MAX - 1;

/// The key of a stored date text.
pub fn date_key(text: Option<&str>) -> u32 {
    let Some(text) = text else { return NULL_DATE };
    if text.is_empty() {
        return 0;
    }
    canonical_date(text).unwrap_or(IRREGULAR_DATE)
}

/// `YYYY-MM-DD` (ASCII digits) as `YYYYMMDD + 1`.
pub fn canonical_date(text: &str) -> Option<u32> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let mut n: u32 = 0;
    for (i, &c) in b.iter().enumerate() {
        if i == 4 || i == 7 {
            continue;
        }
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(c - b'0');
    }
    Some(n + 1)
}

/// A customer as read from the database: everything the list filters on,
/// and its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub id: i64,
    pub sort_last: Box<str>,
    pub sort_first: Box<str>,
    /// Lower-cased, the searchable fields joined by U+001F.
    pub search_text: Box<str>,
    pub birthday: Box<str>,
    pub created_at: i64,
    pub check_in_count: i64,
    pub latest_check_in_at: Option<i64>,
    pub first_membership_date: Option<Box<str>>,
    pub flags: u8,
    /// Sorted and distinct.
    pub keys: Vec<Key>,
    /// The customer's Read answer, rendered.
    pub json: Arc<str>,
}

impl Loaded {
    /// What a free slot holds.
    fn vacant() -> Loaded {
        Loaded {
            id: 0,
            sort_last: "".into(),
            sort_first: "".into(),
            search_text: "".into(),
            birthday: "".into(),
            created_at: 0,
            check_in_count: 0,
            latest_check_in_at: None,
            first_membership_date: None,
            flags: 0,
            keys: Vec::new(),
            json: Arc::from(""),
        }
    }

    fn order(&self, other: &Loaded) -> Ordering {
        (self.sort_last.as_bytes(), self.sort_first.as_bytes(), self.id).cmp(&(
            other.sort_last.as_bytes(),
            other.sort_first.as_bytes(),
            other.id,
        ))
    }
}

/// Packs three characters into one trigram key.
pub fn trigram(a: char, b: char, c: char) -> u64 {
    (u64::from(a) << 42) | (u64::from(b) << 21) | u64::from(c)
}

/// The distinct trigrams of a text, sorted.
pub fn trigrams(text: &str) -> Vec<u64> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<u64> = chars.windows(3).map(|w| trigram(w[0], w[1], w[2])).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The columns the range filters scan, one value per list position.
#[derive(Debug, Default)]
pub struct Columns {
    pub birthday: Vec<u32>,
    pub first_membership: Vec<u32>,
    pub created_at: Vec<i64>,
    pub check_in_count: Vec<i64>,
    /// `i64::MIN` for none.
    pub latest_check_in: Vec<i64>,
    pub flags: Vec<u8>,
}

impl Columns {
    fn push(&mut self, e: &Loaded) {
        self.birthday.push(date_key(Some(&e.birthday)));
        self.first_membership.push(date_key(e.first_membership_date.as_deref()));
        self.created_at.push(e.created_at);
        self.check_in_count.push(e.check_in_count);
        self.latest_check_in.push(e.latest_check_in_at.unwrap_or(i64::MIN));
        self.flags.push(e.flags);
    }

    fn set(&mut self, rank: usize, e: &Loaded) {
        self.birthday[rank] = date_key(Some(&e.birthday));
        self.first_membership[rank] = date_key(e.first_membership_date.as_deref());
        self.created_at[rank] = e.created_at;
        self.check_in_count[rank] = e.check_in_count;
        self.latest_check_in[rank] = e.latest_check_in_at.unwrap_or(i64::MIN);
        self.flags[rank] = e.flags;
    }
}

/// The organization's customers in list order.
#[derive(Debug, Default)]
pub struct OrgList {
    /// By slot; a free slot holds [`Loaded::vacant`].
    pub(super) slots: Vec<Loaded>,
    free: Vec<u32>,
    by_id: HashMap<i64, u32>,
    /// Slots in list order.
    pub(super) order: Vec<u32>,
    /// Each slot's position in `order` (unused slots: `u32::MAX`).
    pub(super) rank: Vec<u32>,
    /// The range filters' columns, in list order (a scan reads memory in order).
    pub(super) ranked: Columns,
    /// Slots whose values changed since the last [`settle`](Self::settle).
    touched: Vec<u32>,
    /// Slots holding each key, ascending.
    pub(super) postings: HashMap<Key, Vec<u32>>,
    /// Slots whose search text holds each trigram, ascending.
    pub(super) trigrams: HashMap<u64, Vec<u32>>,
    /// Tag names (lower-cased) to the organization's tag ids.
    pub(super) tag_ids: HashMap<Box<str>, Vec<i64>>,
    order_dirty: bool,
}

fn add_posting(list: &mut Vec<u32>, slot: u32) {
    if let Err(at) = list.binary_search(&slot) {
        list.insert(at, slot);
    }
}

fn remove_posting(list: &mut Vec<u32>, slot: u32) {
    if let Ok(at) = list.binary_search(&slot) {
        list.remove(at);
    }
}

impl OrgList {
    /// How many customers it holds.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The customer in a slot (one from `order`, or from `slot_of`).
    pub fn entry(&self, slot: u32) -> &Loaded {
        &self.slots[slot as usize]
    }

    /// The slot of a customer id.
    pub fn slot_of(&self, id: i64) -> Option<u32> {
        self.by_id.get(&id).copied()
    }

    pub fn set_tags(&mut self, tags: impl IntoIterator<Item = (i64, String)>) {
        self.tag_ids.clear();
        for (id, name_key) in tags {
            self.tag_ids.entry(name_key.into_boxed_str()).or_default().push(id);
        }
    }

    /// Adds a customer, or replaces what the list holds of it.
    pub fn upsert(&mut self, loaded: Loaded) {
        match self.by_id.get(&loaded.id).copied() {
            Some(slot) => {
                let old = std::mem::replace(&mut self.slots[slot as usize], Loaded::vacant());
                if old.order(&loaded) != Ordering::Equal {
                    self.unplace(slot, &old);
                    self.place(slot, &loaded);
                }
                self.unpost(slot, &old);
                self.post(slot, &loaded);
                self.slots[slot as usize] = loaded;
            }
            None => {
                let slot = match self.free.pop() {
                    Some(slot) => slot,
                    None => {
                        self.slots.push(Loaded::vacant());
                        self.rank.push(u32::MAX);
                        (self.slots.len() - 1) as u32
                    }
                };
                self.by_id.insert(loaded.id, slot);
                self.place(slot, &loaded);
                self.post(slot, &loaded);
                self.slots[slot as usize] = loaded;
            }
        }
    }

    /// Drops a customer that no longer exists.
    pub fn remove(&mut self, id: i64) {
        let Some(slot) = self.by_id.remove(&id) else { return };
        let old = std::mem::replace(&mut self.slots[slot as usize], Loaded::vacant());
        self.unplace(slot, &old);
        self.unpost(slot, &old);
        self.rank[slot as usize] = u32::MAX;
        self.free.push(slot);
    }

    /// Brings the ranks and the ranked columns up to the changes: after a
    /// change to the order, every rank and column is recomputed (one pass);
    /// otherwise only the changed customers' values are copied into place.
    pub fn settle(&mut self) {
        if self.order_dirty {
            self.ranked = Columns::default();
            for (rank, &slot) in self.order.iter().enumerate() {
                self.rank[slot as usize] = rank as u32;
                self.ranked.push(&self.slots[slot as usize]);
            }
            self.order_dirty = false;
        } else {
            for slot in std::mem::take(&mut self.touched) {
                let rank = self.rank[slot as usize];
                if rank != u32::MAX {
                    self.ranked.set(rank as usize, &self.slots[slot as usize]);
                }
            }
        }
        self.touched.clear();
    }

    /// Puts a slot into list order at its place (its entry not yet stored).
    fn place(&mut self, slot: u32, loaded: &Loaded) {
        let at = self.order.partition_point(|&s| self.entry(s).order(loaded) == Ordering::Less);
        self.order.insert(at, slot);
        self.order_dirty = true;
    }

    fn unplace(&mut self, slot: u32, old: &Loaded) {
        let at = self.order.partition_point(|&s| s != slot && self.entry(s).order(old) == Ordering::Less);
        if self.order.get(at) == Some(&slot) {
            self.order.remove(at);
        } else if let Some(at) = self.order.iter().position(|&s| s == slot) {
            self.order.remove(at);
        }
        self.order_dirty = true;
    }

    fn post(&mut self, slot: u32, loaded: &Loaded) {
        self.touched.push(slot);
        for key in &loaded.keys {
            add_posting(self.postings.entry(key.clone()).or_default(), slot);
        }
        for t in trigrams(&loaded.search_text) {
            add_posting(self.trigrams.entry(t).or_default(), slot);
        }
    }

    fn unpost(&mut self, slot: u32, old: &Loaded) {
        for key in &old.keys {
            if let Some(list) = self.postings.get_mut(key) {
                remove_posting(list, slot);
            }
        }
        for t in trigrams(&old.search_text) {
            if let Some(list) = self.trigrams.get_mut(&t) {
                remove_posting(list, slot);
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn loaded(id: i64, last: &str, first: &str) -> Loaded {
        Loaded {
            id,
            sort_last: last.into(),
            sort_first: first.into(),
            search_text: format!("{first}\u{1f}{last}").to_lowercase().into(),
            birthday: "1990-01-02".into(),
            created_at: 0,
            check_in_count: 0,
            latest_check_in_at: None,
            first_membership_date: None,
            flags: 0,
            keys: vec![Key::Tag(1)],
            json: Arc::from(format!("{{\"id\":{id}}}")),
        }
    }

    fn ids_in_order(list: &OrgList) -> Vec<i64> {
        list.order.iter().map(|&s| list.entry(s).id).collect()
    }

    #[test]
    fn keeps_list_order_through_inserts_renames_and_deletes() {
        let mut list = OrgList::default();
        list.upsert(loaded(1, "smith", "ann"));
        list.upsert(loaded(2, "adams", "bo"));
        list.upsert(loaded(3, "smith", "al"));
        list.settle();
        assert_eq!(ids_in_order(&list), vec![2, 3, 1]);
        list.upsert(loaded(2, "zed", "bo"));
        list.remove(3);
        list.upsert(loaded(4, "b", "c"));
        list.settle();
        assert_eq!(ids_in_order(&list), vec![4, 1, 2]);
        for (rank, &slot) in list.order.iter().enumerate() {
            assert_eq!(list.rank[slot as usize] as usize, rank);
        }
        // The deleted customer's slot was reused and its postings dropped.
        assert_eq!(list.slots.len(), 3);
        assert_eq!(list.postings[&Key::Tag(1)].len(), 3);
        assert!(list.trigrams[&trigram('a', 'd', 'a')].is_empty());
    }

    #[test]
    fn date_keys_order_as_the_text_does() {
        let texts = ["", "0999-12-31", "1990-01-02", "1990-01-10", "2026-12-07", "9999-12-31"];
        let keys: Vec<u32> = texts.iter().map(|t| date_key(Some(t))).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
        assert_eq!(date_key(None), NULL_DATE);
        assert_eq!(date_key(Some("1990-1-2")), IRREGULAR_DATE);
    }
}
