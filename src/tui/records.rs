//! A contact, note or alert list over the profile, to pick one to edit (or add one).

use serde_json::{Map, Value};

use super::action::Action;
use super::form;
use super::profile::SubState;
use crate::client::{SubCollection, SubRecords};
use crate::model::Customer;

/// The list: one line per record, and "add a new one" first.
#[derive(Debug, Clone)]
pub struct RecordList {
    pub customer_id: i64,
    pub customer_name: String,
    pub kind: SubCollection,
    /// (one line about it, its URL, its editable values).
    pub items: Vec<(String, String, Map<String, Value>)>,
    /// 0 is "add a new one"; then the items.
    pub selected: usize,
}

/// The record list over the profile, while one is open.
#[derive(Debug, Default)]
pub struct RecordPicker {
    open: Option<RecordList>,
}

impl RecordPicker {
    /// The list on screen, if one is open.
    pub fn current(&self) -> Option<&RecordList> {
        self.open.as_ref()
    }

    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    pub fn close(&mut self) {
        self.open = None;
    }

    /// Opens the customer's `kind` records as the profile has them; `Err` says why not (still
    /// loading, failed, or not kept by this server).
    pub fn open(&mut self, customer: &Customer, kind: SubCollection, state: &SubState) -> Result<(), String> {
        let noun = form::record_noun(kind);
        let still_loading = || format!("The {noun}s are still loading; try again in a moment");
        let loaded = match state {
            SubState::Loaded(records) => records,
            SubState::NotAvailable => return Err(format!("This server keeps no {noun}s")),
            SubState::Failed(why) => return Err(format!("The {noun}s could not be loaded ({why}); ctrl-r retries")),
            _ => return Err(still_loading()),
        };
        self.open = Some(RecordList::new(customer, kind, loaded).ok_or_else(still_loading)?);
        Ok(())
    }

    /// A key on the open list: `Some` is the list Enter chose from (the picker has closed), to open
    /// the chosen record (or a new one) in a form.
    pub fn action(&mut self, action: Action) -> Option<RecordList> {
        match self.open.as_mut()?.action(action) {
            RecordStep::Stay => None,
            RecordStep::Close => {
                self.open = None;
                None
            }
            RecordStep::Open => self.open.take(),
        }
    }
}

/// What a key on the list asks of the app.
#[derive(Debug, PartialEq)]
pub enum RecordStep {
    Stay,
    Close,
    /// Enter: open the selected one (or a new one) in a form.
    Open,
}

impl RecordList {
    /// The customer's `kind` records as the profile loaded them (`None` when they are not of that kind).
    pub fn new(customer: &Customer, kind: SubCollection, loaded: &SubRecords) -> Option<RecordList> {
        let items: Vec<(String, String, Map<String, Value>)> = match loaded {
            SubRecords::EmergencyContacts(rows) => rows
                .iter()
                .map(|c| {
                    let relation = if c.relation.is_empty() { String::new() } else { format!(" ({})", c.relation) };
                    let line = format!("{} {}{relation}  {}", c.first_name, c.last_name, c.telephone);
                    (line, record_url(customer.id, kind, c.id, &c.url), form::contact_values(c))
                })
                .collect(),
            SubRecords::Notes(rows) => rows
                .iter()
                .map(|n| (n.note.replace('\n', " "), record_url(customer.id, kind, n.id, &n.url), form::note_values(n)))
                .collect(),
            SubRecords::Alerts(rows) => rows
                .iter()
                .map(|a| {
                    let blocks = if a.prevents_check_in { " (blocks check-in)" } else { "" };
                    (
                        format!("⚠ {}{blocks}", a.message),
                        record_url(customer.id, kind, a.id, &a.url),
                        form::alert_values(a),
                    )
                })
                .collect(),
            _ => return None,
        };
        Some(RecordList {
            customer_id: customer.id,
            customer_name: format!("{} {}", customer.first_name, customer.last_name),
            kind,
            items,
            selected: 0,
        })
    }

    pub fn action(&mut self, action: Action) -> RecordStep {
        let last = self.items.len();
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::Top | Action::PageUp => self.selected = 0,
            Action::Bottom | Action::PageDown => self.selected = last,
            Action::Back => return RecordStep::Close,
            Action::Open => return RecordStep::Open,
            _ => {}
        }
        RecordStep::Stay
    }

    /// The selected record's URL and values; `None` for "add a new one".
    pub fn chosen(&self) -> Option<(&str, Map<String, Value>)> {
        let (_, url, values) = self.items.get(self.selected.checked_sub(1)?)?;
        Some((url.as_str(), values.clone()))
    }
}

/// A record's own URL, or the one it has on our server when the answer gave none.
fn record_url(customer_id: i64, kind: SubCollection, id: i64, url: &str) -> String {
    if url.is_empty() { format!("customers/{customer_id}/{}/{id}/", kind.segment()) } else { url.to_string() }
}
