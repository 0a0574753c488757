//! A contact, note or alert list over the profile, to pick one to edit (or add one).

use serde_json::{Map, Value};

use super::action::Action;
use super::form;
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
