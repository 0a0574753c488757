//! The customer's profile beside (or in front of) the results: whose it is, how far it is scrolled,
//! and its sub-collections (memberships, passes, waivers, check-ins, notes, contacts, relations,
//! alerts), loaded on demand, one load in flight at a time. Its text is [`body`]; the detail pane
//! draws it.

use super::msg::Command;
use super::request::{RequestId, Requests};
use crate::client::{ClientError, SubCollection, SubRecords};
use crate::model::Customer;

/// A sub-collection on the profile.
#[derive(Debug, Clone, PartialEq)]
pub enum SubState {
    NotRequested,
    Loading,
    Loaded(SubRecords),
    /// The server has no such sub-collection (it answered 404).
    NotAvailable,
    Failed(String),
}

#[derive(Debug)]
pub struct DetailState {
    /// Whose sub-collections are shown (or loading).
    pub customer_id: Option<i64>,
    pub scroll: u16,
    pub subs: Vec<(SubCollection, SubState)>,
    request: Option<RequestId>,
    in_flight: Option<(RequestId, usize)>,
    waiting: Option<Customer>,
}

impl DetailState {
    pub fn new() -> DetailState {
        DetailState {
            customer_id: None,
            scroll: 0,
            subs: SubCollection::ALL.iter().map(|&k| (k, SubState::NotRequested)).collect(),
            request: None,
            in_flight: None,
            waiting: None,
        }
    }

    pub fn sub(&self, kind: SubCollection) -> &SubState {
        self.subs.iter().find(|(k, _)| *k == kind).map(|(_, s)| s).unwrap_or(&SubState::NotRequested)
    }

    fn set_all(&mut self, state: SubState) {
        self.subs.iter_mut().for_each(|(_, s)| *s = state.clone());
    }

    /// Sub-collections are on their way.
    pub fn is_loading(&self) -> bool {
        self.in_flight.is_some()
    }

    /// Shows `customer`'s sub-collections: loads them unless they are already shown (or loading).
    /// At most one load is in flight; the latest customer waits for it.
    pub fn show(&mut self, customer: &Customer, requests: &mut Requests, out: &mut Vec<Command>) {
        if self.customer_id == Some(customer.id) {
            return;
        }
        self.customer_id = Some(customer.id);
        self.set_all(SubState::Loading);
        self.request = None;
        if self.in_flight.is_some() {
            self.waiting = Some(customer.clone());
        } else {
            self.issue(customer.clone(), requests, out);
        }
    }

    /// Loads the sub-collections again the next time the profile shows.
    pub fn reload(&mut self) {
        self.customer_id = None;
    }

    /// Some sub-collection could not be loaded.
    pub fn any_failed(&self) -> bool {
        self.subs.iter().any(|(_, s)| matches!(s, SubState::Failed(_)))
    }

    fn issue(&mut self, customer: Customer, requests: &mut Requests, out: &mut Vec<Command>) {
        let request = requests.issue();
        self.request = Some(request);
        self.in_flight = Some((request, SubCollection::ALL.len()));
        out.push(Command::FetchSubCollections { request, customer: Box::new(customer) });
    }

    /// One sub-collection's answer. Returns the error to report when it is the profile's own (not
    /// a stale answer).
    pub fn on_sub(
        &mut self,
        request: RequestId,
        kind: SubCollection,
        result: Result<Option<SubRecords>, ClientError>,
        requests: &mut Requests,
        out: &mut Vec<Command>,
    ) -> Option<ClientError> {
        if let Some((id, remaining)) = &mut self.in_flight
            && *id == request
        {
            *remaining -= 1;
            if *remaining == 0 {
                self.in_flight = None;
                if let Some(waiting) = self.waiting.take()
                    && Some(waiting.id) == self.customer_id
                {
                    self.issue(waiting, requests, out);
                }
            }
        }
        if self.request != Some(request) {
            return None;
        }
        let mut failed = None;
        let state = match result {
            Ok(Some(records)) => SubState::Loaded(records),
            Ok(None) => SubState::NotAvailable,
            Err(e) => {
                let message = e.summary();
                failed = Some(e);
                SubState::Failed(message)
            }
        };
        if let Some((_, slot)) = self.subs.iter_mut().find(|(k, _)| *k == kind) {
            *slot = state;
        }
        failed
    }
}

impl Default for DetailState {
    fn default() -> DetailState {
        DetailState::new()
    }
}

pub mod body;
