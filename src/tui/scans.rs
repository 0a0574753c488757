//! Scans off the render loop: sent at once while the server answers, kept in the offline journal
//! (written and synced before the screen says "queued") while it does not, and sent from there in
//! order by one sender task, with the scan's own `Idempotency-Key`, so each is applied exactly once.
//!
//! Each answer comes back with what the verdict needs: the customer, their alerts and notes.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::sync::mpsc::UnboundedSender;

use super::check_in::outcome::{Details, Holdings, ScanOutcome};
use super::msg::{Msg, RequestId};
use crate::client::{Client, SubCollection, SubRecords};
use crate::desk::{Answer, Delivery, Journal, Scan};
use crate::model::Customer;
use crate::model::check_in::BarcodeCheckIn;

/// The first wait before queued scans are tried again; it doubles up to [`RETRY_MAX`] while the server
/// stays away. The retry is the probe: sending the oldest queued scan costs one refused connection
/// while the server is away, and delivers it the moment it is back, so the desk notices within 2 s.
const RETRY_FIRST: Duration = Duration::from_secs(1);
const RETRY_MAX: Duration = Duration::from_secs(2);

/// The desk's link to the server for scans.
#[derive(Clone)]
pub struct ScanLink {
    client: Client,
    /// `None` when it could not be opened: scans taken offline cannot be kept, and staff are told so.
    journal: Option<Journal>,
    location_id: Option<i64>,
    /// Wakes the sender (a scan was queued, or the server answered again).
    wake: Arc<Notify>,
}

impl ScanLink {
    pub fn new(client: Client, journal: Option<Journal>, location_id: Option<i64>) -> ScanLink {
        ScanLink { client, journal, location_id, wake: Arc::new(Notify::new()) }
    }

    /// Starts the task that sends queued scans (the journal's, also those an earlier run left), for as
    /// long as the app listens.
    pub fn spawn_sender(&self, tx: UnboundedSender<Msg>) {
        let Some(journal) = self.journal.clone() else { return };
        let (client, wake) = (self.client.clone(), self.wake.clone());
        tokio::spawn(async move {
            let deliver = |scan: Scan| {
                let client = client.clone();
                async move { client.deliver_queued_scan(&scan).await }
            };
            let mut backoff = RETRY_FIRST;
            loop {
                let report = match journal.drain(&deliver).await {
                    Ok(report) => report,
                    Err(e) => {
                        // A journal that cannot be written keeps its scans; they go out on a later try.
                        tracing::warn!("sending queued scans: {e}");
                        tokio::time::sleep(RETRY_MAX).await;
                        continue;
                    }
                };
                let pending = report.pending;
                let news = !report.answered.is_empty() || report.unreachable.is_some();
                if news && tx.send(Msg::QueueDrained(report)).is_err() {
                    return;
                }
                if tx.is_closed() {
                    return;
                }
                if pending == 0 {
                    backoff = RETRY_FIRST;
                    wake.notified().await;
                } else {
                    tokio::select! {
                        () = wake.notified() => {}
                        () = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(RETRY_MAX);
                }
            }
        });
    }

    /// Tries the queued scans now.
    pub fn send_queued(&self) {
        self.wake.notify_one();
    }

    /// One scan: straight to the server, or into the journal when the server cannot be reached (or
    /// when earlier scans still wait there: they go first).
    pub async fn check_in(&self, request: RequestId, barcode: String, tx: UnboundedSender<Msg>) {
        let scan = Scan::taken_now(barcode, self.location_id);
        let waiting = self.journal.as_ref().is_some_and(|j| j.pending_count() > 0);
        let outcome = if waiting {
            self.queue(&scan, "earlier scans are still waiting for the server".into()).await
        } else {
            match self.client.deliver_scan(&scan).await {
                Delivery::Unreachable(reason) => self.queue(&scan, reason).await,
                Delivery::Answered(answer) => self.outcome(&scan.barcode, answer).await,
            }
        };
        let _ = tx.send(Msg::ScanAnswered { request, scan: Some(scan), outcome });
    }

    /// (ours) F8: the refused customer let in anyway, with the reason. Sent at once and never
    /// queued: offline, nobody is checked in and staff are told so (an override is a judgement
    /// about the refusal on screen; sent later it could admit someone nobody is looking at).
    pub async fn override_check_in(
        &self,
        request: RequestId,
        barcode: String,
        reason: String,
        tx: UnboundedSender<Msg>,
    ) {
        self.override_under(request, barcode, &reason, None, tx).await;
    }

    /// [`ScanLink::override_check_in`] under `token` (a manager's; `None`: the desk's).
    async fn override_under(
        &self,
        request: RequestId,
        barcode: String,
        reason: &str,
        token: Option<&str>,
        tx: UnboundedSender<Msg>,
    ) {
        let scan = Scan::taken_now(barcode, self.location_id);
        let outcome = match self.client.deliver_override(&scan, reason, token).await {
            Delivery::Unreachable(why) => ScanOutcome::NotOverridden {
                reason: format!("Not sent ({why}): nobody was checked in. F8 tries again once the server answers"),
            },
            Delivery::Answered(Answer::Refused { status, text }) => match not_overridden(status, &text) {
                Some(reason) => ScanOutcome::NotOverridden { reason },
                None => self.outcome(&scan.barcode, Answer::Refused { status, text }).await,
            },
            Delivery::Answered(answer) => match self.outcome(&scan.barcode, answer).await {
                ScanOutcome::CheckedIn { check_in, mut details } => {
                    // 200 without the echo: a server without overrides let them in by its own rules.
                    details.override_not_kept = check_in.override_reason.is_none();
                    ScanOutcome::CheckedIn { check_in, details }
                }
                other => other,
            },
        };
        let _ = tx.send(Msg::ScanAnswered { request, scan: Some(scan), outcome });
    }

    /// What a settled answer means, with the customer's record for the verdict.
    async fn outcome(&self, barcode: &str, answer: Answer) -> ScanOutcome {
        match answer {
            Answer::Accepted { body } => {
                // An unreadable body is checked in all the same (the server said 200): show what is known.
                let check_in: BarcodeCheckIn = serde_json::from_str(&body).unwrap_or_default();
                let details = details(&self.client, check_in.customer_id).await;
                ScanOutcome::CheckedIn { check_in: Box::new(check_in), details }
            }
            Answer::Refused { status, text } => {
                // An unknown barcode has no one to show; otherwise who was refused helps.
                let details = if status == 404 { Details::default() } else { self.by_barcode(barcode).await };
                ScanOutcome::Refused { status, text, details }
            }
        }
    }

    async fn by_barcode(&self, barcode: &str) -> Details {
        match self.client.customer_by_barcode(barcode).await {
            Ok(Some(customer)) => details_of(&self.client, customer).await,
            _ => Details::default(),
        }
    }

    /// Keeps the scan on disk (synced) before anything says "queued".
    async fn queue(&self, scan: &Scan, reason: String) -> ScanOutcome {
        let Some(journal) = self.journal.clone() else {
            return ScanOutcome::NotQueued { reason: format!("Server unreachable ({reason}) and no scan journal") };
        };
        let kept = scan.clone();
        match tokio::task::spawn_blocking(move || journal.append(&kept)).await {
            Ok(Ok(_)) => {
                self.wake.notify_one();
                ScanOutcome::Queued { reason }
            }
            Ok(Err(e)) => {
                ScanOutcome::NotQueued { reason: format!("Server unreachable ({reason}); saving failed: {e}") }
            }
            Err(e) => ScanOutcome::NotQueued { reason: format!("Server unreachable ({reason}); saving failed: {e}") },
        }
    }

    /// Lookup mode: who has this barcode, without checking in.
    pub async fn look_up(&self, request: RequestId, barcode: String, tx: UnboundedSender<Msg>) {
        let outcome = match self.client.customer_by_barcode(&barcode).await {
            Ok(Some(customer)) => ScanOutcome::Found { details: details_of(&self.client, customer).await },
            Ok(None) => ScanOutcome::NotFound,
            Err(e) => ScanOutcome::Failed(e.summary()),
        };
        let _ = tx.send(Msg::ScanAnswered { request, scan: None, outcome });
    }

    pub async fn void(&self, request: RequestId, id: i64, tx: UnboundedSender<Msg>) {
        let result = self.client.void_check_in(id).await;
        let _ = tx.send(Msg::CheckInVoided { request, result });
    }
}

pub use super::check_in::outcome::NO_OVERRIDES_BUT_IN;
/// Said when a server without overrides refuses the scan again.
pub const NO_OVERRIDES: &str = "Overrides are not available on this server: it refused the scan again by its own rules";

/// Why an override's refusal is not a verdict on the customer: a reason the server rejected
/// (`{"override_reason": [..]}`), or a server without overrides (it answered the rules' own
/// refusal, which ours never does to an override). `None`: a real refusal (an unknown card).
fn not_overridden(status: u16, text: &str) -> Option<String> {
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(text)
        && let Some(problem) = map.get("override_reason")
    {
        let message = problem.get(0).and_then(|m| m.as_str()).unwrap_or("not accepted");
        return Some(format!("The server did not take the reason: {message}"));
    }
    (status == 400).then(|| NO_OVERRIDES.to_string())
}

/// The customer and everything the card shows of them (alerts, notes, memberships, passes,
/// waivers, latest check-ins), fetched together.
async fn details(client: &Client, customer_id: i64) -> Details {
    if customer_id <= 0 {
        return Details::default();
    }
    let (customer, records) = tokio::join!(client.customer(customer_id), records(client, customer_id));
    Details { customer: customer.ok(), ..records }
}

/// [`details`] of a customer already read.
async fn details_of(client: &Client, customer: Customer) -> Details {
    Details { customer: Some(customer.clone()), ..records(client, customer.id).await }
}

/// The sub-collections the card shows, read at once; each is `None` when the server does not
/// offer it or it could not be read (the card then leaves it out).
async fn records(client: &Client, customer_id: i64) -> Details {
    let of = |kind| client.records_of(customer_id, kind);
    let (alerts, notes, memberships, passes, documents, recent) = tokio::join!(
        of(SubCollection::Alerts),
        of(SubCollection::Notes),
        of(SubCollection::Memberships),
        of(SubCollection::EntryPasses),
        of(SubCollection::Documents),
        of(SubCollection::CheckIns),
    );
    Details {
        customer: None,
        override_not_kept: false,
        alerts: match alerts {
            Ok(Some(SubRecords::Alerts(a))) => Some(a),
            _ => None,
        },
        notes: match notes {
            Ok(Some(SubRecords::Notes(n))) => Some(n),
            _ => None,
        },
        holdings: Box::new(Holdings {
            memberships: match memberships {
                Ok(Some(SubRecords::Memberships(m))) => Some(m),
                _ => None,
            },
            entry_passes: match passes {
                Ok(Some(SubRecords::EntryPasses(p))) => Some(p),
                _ => None,
            },
            documents: match documents {
                Ok(Some(SubRecords::Documents(d))) => Some(d),
                _ => None,
            },
        }),
        recent_check_ins: match recent {
            Ok(Some(SubRecords::CheckIns(check_ins, _))) => Some(check_ins),
            _ => None,
        },
    }
}

/// Opens the journal off the async runtime; the answer says what it holds, or why there is none.
pub async fn open_journal(
    path: Option<std::path::PathBuf>,
    legacy: Option<std::path::PathBuf>,
) -> (Option<Journal>, Msg) {
    let Some(path) = path else {
        let problem = "No data directory to keep offline scans in: set check_in.journal in the config".to_string();
        return (None, Msg::JournalOpened { pending: Vec::new(), problem: Some(problem) });
    };
    let opened = tokio::task::spawn_blocking(move || {
        let journal = Journal::open(path)?;
        if let Some(legacy) = legacy {
            match journal.adopt(&legacy) {
                Ok(0) => {}
                Ok(n) => tracing::info!("took over {n} queued scans from {}", legacy.display()),
                // Left where it is, for the next start: nothing in it is lost.
                Err(e) => tracing::warn!("queued scans of an earlier version: {e}"),
            }
        }
        Ok::<_, crate::desk::JournalError>(journal)
    })
    .await;
    match opened {
        Ok(Ok(journal)) => {
            if let Some(recovery) = journal.recovery() {
                tracing::warn!("{recovery}");
            }
            let pending = journal.pending();
            (Some(journal), Msg::JournalOpened { pending, problem: None })
        }
        Ok(Err(e)) => (None, Msg::JournalOpened { pending: Vec::new(), problem: Some(e.to_string()) }),
        Err(e) => (None, Msg::JournalOpened { pending: Vec::new(), problem: Some(e.to_string()) }),
    }
}
mod family;
mod manager_pin;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overrides_refusal_is_told_apart_from_a_refusal_of_the_customer() {
        // Our server never answers an override with the rules' own refusal: Capitan does.
        let capitan = "The following alert is preventing you from checking in: No waiver.";
        assert_eq!(not_overridden(400, capitan).as_deref(), Some(NO_OVERRIDES));
        let bad_reason =
            r#"{"override_reason": ["override_reason may not be blank: say why the customer is let in."]}"#;
        assert_eq!(
            not_overridden(400, bad_reason).as_deref(),
            Some(
                "The server did not take the reason: override_reason may not be blank: say why the customer is let in."
            )
        );
        assert_eq!(
            not_overridden(404, "Unknown or deactivated customer account."),
            None,
            "an unknown card is a refusal"
        );
    }
}
