//! The results list: the customers of the current search, page by page, the selection and the first
//! row on screen. One list request is in flight at a time; the newest job waits for it (a newer
//! search replaces an older waiting one) and is sent when its answer arrives. That answer is still
//! the newest one so far (answers come in the order they were asked for), so a first page is shown
//! meanwhile: typing shows the results of each text it can, and never an older answer over a newer
//! one. An answer that is no longer awaited is dropped.

use std::time::Duration;

use super::msg::{Command, Timer};
use super::request::{RequestId, Requests};
use crate::client::{ClientError, CustomerQuery};
use crate::model::{Customer, Page};

/// Fetch the next page when the selection is this close to the end.
pub const PREFETCH_MARGIN: usize = 10;
/// How long the selection must rest before its profile and photo load.
pub const SELECTION_SETTLE: Duration = Duration::from_millis(100);

#[derive(Debug, Clone, PartialEq)]
enum ListJob {
    First(CustomerQuery),
    Next(String),
}

/// The results list.
#[derive(Debug, Default)]
pub struct ResultList {
    pub rows: Vec<Customer>,
    pub count: Option<u64>,
    pub next: Option<String>,
    pub selected: usize,
    /// First row on screen.
    pub offset: usize,
    /// The query the rows answer.
    pub query: Option<CustomerQuery>,
    in_flight: Option<(RequestId, ListJob)>,
    /// The first page in flight is no longer wanted (the text went back to the one shown): its answer
    /// is dropped when it comes.
    unwanted: bool,
    waiting: Option<ListJob>,
    /// The last first-page query sent (so an unchanged query is not re-sent).
    requested: Option<CustomerQuery>,
    failed: Option<ListJob>,
    /// End pressed: keep loading pages until the last customer is in, then select it.
    to_bottom: bool,
    /// The newest settle timer started for the selection; an older one expiring does nothing.
    selection_generation: u64,
}

/// What became of a list answer.
#[derive(Debug)]
pub enum ListAnswer {
    /// Not the request awaited: dropped.
    Stale,
    /// A newer job was waiting: it is sent, and this answer (a next page, or a failure) is dropped;
    /// or this answer was no longer wanted (the text went back to the one shown) and is dropped.
    Superseded,
    /// Rows in (a first page replaces the list; a next page extends it).
    Loaded { first_page: bool },
    /// The request failed; `retry` sends it again.
    Failed(ClientError),
}

impl ResultList {
    pub fn selected_customer(&self) -> Option<&Customer> {
        self.rows.get(self.selected)
    }

    pub fn is_loading(&self) -> bool {
        self.in_flight.is_some() || self.waiting.is_some()
    }

    /// The selection moved: what follows it (the profile, the photo) waits until it rests.
    pub fn selection_moved(&mut self, out: &mut Vec<Command>) {
        self.selection_generation += 1;
        out.push(Command::StartTimer {
            timer: Timer::Selection,
            generation: self.selection_generation,
            after: SELECTION_SETTLE,
        });
    }

    /// A settle timer expired: true when it is the newest one (the selection has rested).
    pub fn selection_settled(&self, generation: u64) -> bool {
        generation == self.selection_generation
    }

    /// The newest settle timer's generation.
    pub fn selection_generation(&self) -> u64 {
        self.selection_generation
    }

    /// The first page for `query`, unless it is the one already sent (and it did not fail).
    pub fn search(&mut self, query: CustomerQuery, requests: &mut Requests, out: &mut Vec<Command>) {
        if self.failed.is_none() && matches!(&self.in_flight, Some((_, ListJob::First(q))) if *q == query) {
            // Typed back to the text in flight (a letter, then Backspace): its answer is the one
            // wanted, and no older text waits to be sent after it.
            self.waiting = None;
            self.unwanted = false;
            self.requested = Some(query);
            return;
        }
        if self.failed.is_none()
            && self.query.as_ref() == Some(&query)
            && matches!(&self.in_flight, Some((_, ListJob::First(_))))
        {
            // Back to the text whose rows are shown while another text's first page is in flight (a
            // scan's keys taken back out of the search, a letter then Backspace): the rows shown are
            // its answer; the one in flight is dropped when it comes, and nothing waits.
            self.waiting = None;
            self.unwanted = true;
            self.requested = Some(query);
            return;
        }
        self.submit(ListJob::First(query), requests, out);
    }

    /// The first page for `query` again, even when it is the one already sent.
    pub fn refresh(&mut self, query: CustomerQuery, requests: &mut Requests, out: &mut Vec<Command>) {
        self.requested = None;
        self.submit(ListJob::First(query), requests, out);
    }

    /// Sends the request that failed again.
    pub fn retry(&mut self, requests: &mut Requests, out: &mut Vec<Command>) {
        if let Some(job) = self.failed.take() {
            if let ListJob::First(_) = job {
                self.requested = None;
            }
            self.submit(job, requests, out);
        }
    }

    /// End (`yes`) or any other movement key: with End, the rest of the pages load and the real
    /// last customer is selected.
    pub fn go_to_bottom(&mut self, yes: bool, requests: &mut Requests, out: &mut Vec<Command>) {
        self.to_bottom = yes && self.next.is_some();
        if self.to_bottom
            && !self.is_loading()
            && let Some(next) = self.next.clone()
        {
            self.submit(ListJob::Next(next), requests, out);
        }
    }

    /// The next page, when the selection is near the end and nothing is loading.
    pub fn prefetch(&mut self, requests: &mut Requests, out: &mut Vec<Command>) {
        if self.rows.len() - self.selected <= PREFETCH_MARGIN
            && let Some(next) = self.next.clone()
            && !self.is_loading()
        {
            self.submit(ListJob::Next(next), requests, out);
        }
    }

    /// Scrolls so that the selection is among the `rows` rows on screen.
    pub fn keep_visible(&mut self, rows: usize) {
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + rows {
            self.offset = self.selected + 1 - rows;
        }
        self.offset = self.offset.min(self.rows.len().saturating_sub(rows));
    }

    fn submit(&mut self, job: ListJob, requests: &mut Requests, out: &mut Vec<Command>) {
        if let ListJob::First(query) = &job {
            let same_as_sent = self.requested.as_ref() == Some(query) && self.failed.is_none();
            let replaces_waiting = self.waiting.is_some();
            if same_as_sent && !replaces_waiting {
                return;
            }
            self.requested = Some(query.clone());
        }
        if self.in_flight.is_some() {
            // At most one list request in flight: the newest job waits,
            // replacing any older waiting one.
            self.waiting = Some(job);
        } else {
            self.issue(job, requests, out);
        }
    }

    fn issue(&mut self, job: ListJob, requests: &mut Requests, out: &mut Vec<Command>) {
        let request = requests.issue();
        self.unwanted = false;
        out.push(match &job {
            ListJob::First(query) => Command::FetchCustomers { request, query: query.clone() },
            ListJob::Next(url) => Command::FetchPage { request, url: url.clone() },
        });
        self.in_flight = Some((request, job));
    }

    /// A page's answer.
    pub fn on_list(
        &mut self,
        request: RequestId,
        result: Result<Page<Customer>, ClientError>,
        requests: &mut Requests,
        out: &mut Vec<Command>,
    ) -> ListAnswer {
        let Some((awaited, job)) = self.in_flight.take() else { return ListAnswer::Stale };
        if awaited != request {
            self.in_flight = Some((awaited, job));
            return ListAnswer::Stale;
        }
        if std::mem::take(&mut self.unwanted) {
            if let Some(waiting) = self.waiting.take() {
                self.issue(waiting, requests, out);
            }
            return ListAnswer::Superseded;
        }
        if let Some(waiting) = self.waiting.take() {
            // A newer job was waiting: it goes now. A first page is still shown meanwhile (it is the
            // newest answer so far: typing shows each text's results it can); a next page of a list
            // about to be replaced, or a failure the newer job may not meet, is dropped.
            self.issue(waiting, requests, out);
            return match (job, result) {
                (ListJob::First(query), Ok(page)) => {
                    self.failed = None;
                    self.show_first(query, page);
                    ListAnswer::Loaded { first_page: true }
                }
                _ => ListAnswer::Superseded,
            };
        }
        let page = match result {
            Ok(page) => page,
            Err(e) => {
                self.failed = Some(job);
                return ListAnswer::Failed(e);
            }
        };
        self.failed = None;
        let first_page = matches!(job, ListJob::First(_));
        match job {
            ListJob::First(query) => self.show_first(query, page),
            ListJob::Next(_) => {
                self.rows.extend(page.results);
                self.count = Some(page.count);
                self.next = page.next;
            }
        }
        if self.to_bottom {
            match self.next.clone() {
                Some(next) => self.issue(ListJob::Next(next), requests, out),
                None => self.to_bottom = false,
            }
            self.selected = self.rows.len().saturating_sub(1);
        }
        ListAnswer::Loaded { first_page }
    }

    /// A first page replaces the list (the selected customer stays selected if it is in it).
    fn show_first(&mut self, query: CustomerQuery, page: Page<Customer>) {
        self.to_bottom = false;
        let keep = self.selected_customer().map(|c| c.id);
        self.rows = page.results;
        self.selected = keep.and_then(|id| self.rows.iter().position(|c| c.id == id)).unwrap_or(0);
        self.offset = 0;
        self.query = Some(query);
        self.count = Some(page.count);
        self.next = page.next;
    }

    /// A customer the server answered with after a write: its row shows it as it is now, and a
    /// new one (`created`) goes first, selected. Returns whether it was added.
    pub fn changed(&mut self, customer: &Customer, created: bool) -> bool {
        if let Some(row) = self.rows.iter_mut().find(|c| c.id == customer.id) {
            *row = customer.clone();
            false
        } else if created {
            self.rows.insert(0, customer.clone());
            self.selected = 0;
            self.offset = 0;
            self.count = self.count.map(|n| n + 1);
            true
        } else {
            false
        }
    }
}
