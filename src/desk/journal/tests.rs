use std::collections::HashMap;
use std::sync::Mutex;

use super::*;

fn taken_at(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_780_000_000 + seconds).unwrap()
}

fn scan(barcode: &str, seconds: i64) -> Scan {
    Scan::new(barcode, Some(3), taken_at(seconds))
}

fn journal_in(dir: &tempfile::TempDir) -> Journal {
    Journal::open(dir.path().join("scans.jsonl")).expect("journal opens")
}

fn lines_of(journal: &Journal) -> Vec<String> {
    fs::read_to_string(journal.path()).unwrap().lines().map(str::to_string).collect()
}

fn keys(scans: &[Scan]) -> Vec<IdempotencyKey> {
    scans.iter().map(|s| s.key.clone()).collect()
}

/// A stand-in for the check-in endpoint with our server's idempotency: the first request with a key
/// applies it and stores the answer; a request repeating the key replays it and applies nothing.
#[derive(Default)]
struct FakeServer {
    inner: Mutex<FakeState>,
}

#[derive(Default)]
struct FakeState {
    down: bool,
    /// Goes down after answering this many more requests.
    down_after: Option<usize>,
    /// Applies the request but the reply never arrives.
    lose_replies: bool,
    refused_barcodes: Vec<String>,
    answers: HashMap<IdempotencyKey, Delivery>,
    /// The server's check-in list, in the order applied.
    check_ins: Vec<String>,
    /// Every request that reached the server, by key.
    requests: Vec<IdempotencyKey>,
}

impl FakeServer {
    fn set(&self, change: impl FnOnce(&mut FakeState)) {
        change(&mut self.inner.lock().unwrap());
    }

    fn check_ins(&self) -> Vec<String> {
        self.inner.lock().unwrap().check_ins.clone()
    }

    fn requests(&self) -> Vec<IdempotencyKey> {
        self.inner.lock().unwrap().requests.clone()
    }

    fn answer(&self, scan: &Scan) -> Delivery {
        let mut state = self.inner.lock().unwrap();
        if let Some(left) = state.down_after.as_mut() {
            if *left == 0 {
                state.down = true;
            } else {
                *left -= 1;
            }
        }
        if state.down {
            return Delivery::Unreachable("connection refused".into());
        }
        state.requests.push(scan.key.clone());
        let answer = match state.answers.get(&scan.key) {
            Some(stored) => stored.clone(),
            None => {
                let answer = if state.refused_barcodes.contains(&scan.barcode) {
                    Delivery::refused(400, "The following alert is preventing you from checking in: No waiver.")
                } else {
                    state.check_ins.push(scan.barcode.clone());
                    Delivery::accepted(format!(r#"{{"id":{},"customer_id":7}}"#, state.check_ins.len()))
                };
                state.answers.insert(scan.key.clone(), answer.clone());
                answer
            }
        };
        if state.lose_replies { Delivery::Unreachable("timed out".into()) } else { answer }
    }
}

impl Deliver for FakeServer {
    fn deliver(&self, scan: &Scan) -> impl Future<Output = Delivery> + Send {
        std::future::ready(self.answer(scan))
    }
}

#[test]
fn a_scan_is_on_disk_when_append_returns_and_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let journal = journal_in(&dir);
    let first = scan("0471100", 0);
    let second = Scan::new("0471200", None, taken_at(5));
    journal.append(&first).unwrap();
    assert!(fs::read_to_string(journal.path()).unwrap().contains(first.key.as_str()));
    journal.append(&second).unwrap();
    drop(journal);

    let reopened = journal_in(&dir);
    assert_eq!(reopened.pending(), vec![first, second]);
    assert_eq!(reopened.recovery(), None);
}

#[test]
fn each_scan_gets_its_own_128_bit_hex_key() {
    let a = IdempotencyKey::generate();
    let b = IdempotencyKey::generate();
    assert_ne!(a, b);
    for key in [a, b] {
        assert_eq!(key.as_str().len(), 32);
        assert!(key.as_str().chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "{key}");
    }
}

#[test]
fn a_scan_without_a_barcode_or_queued_twice_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let journal = journal_in(&dir);
    assert!(matches!(journal.append(&scan(" ", 0)), Err(JournalError::EmptyBarcode)));
    let taken = scan("0471100", 0);
    journal.append(&taken).unwrap();
    assert!(matches!(journal.append(&taken), Err(JournalError::AlreadyQueued(_))));
    assert_eq!(lines_of(&journal).len(), 1);
}

#[tokio::test]
async fn scans_are_sent_in_the_order_they_were_taken() {
    let dir = tempfile::tempdir().unwrap();
    let journal = journal_in(&dir);
    let scans: Vec<Scan> = (0..5).map(|i| scan(&format!("card-{i}"), i)).collect();
    for s in &scans {
        journal.append(s).unwrap();
    }
    let server = Arc::new(FakeServer::default());
    // On a spawned task, as the app runs it: the drain future must be Send and 'static-friendly.
    let report = tokio::spawn({
        let (journal, server) = (journal.clone(), server.clone());
        async move { journal.drain(&*server).await }
    })
    .await
    .unwrap()
    .unwrap();

    assert_eq!(server.requests(), keys(&scans));
    assert_eq!(server.check_ins(), ["card-0", "card-1", "card-2", "card-3", "card-4"]);
    let answered: Vec<Scan> = report.answered.iter().map(|e| e.scan.clone()).collect();
    assert_eq!(answered, scans);
    assert!(
        matches!(&report.answered[0].state, ScanState::Answered { answer: Answer::Accepted { body }, .. } if body.contains("\"id\":1"))
    );
    assert_eq!((report.unreachable, report.pending), (None, 0));
}

#[tokio::test]
async fn a_drain_stops_at_the_first_unreachable_and_the_next_one_resumes_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let journal = journal_in(&dir);
    let scans: Vec<Scan> = (0..4).map(|i| scan(&format!("card-{i}"), i)).collect();
    for s in &scans {
        journal.append(s).unwrap();
    }
    let server = FakeServer::default();
    server.set(|s| s.down_after = Some(2));

    let report = journal.drain(&server).await.unwrap();
    assert_eq!(report.answered.len(), 2);
    assert_eq!(report.unreachable.as_deref(), Some("connection refused"));
    assert_eq!(report.pending, 2);
    assert_eq!(journal.pending(), scans[2..]);

    // Still down: nothing goes, nothing is lost.
    let report = journal.drain(&server).await.unwrap();
    assert!(report.answered.is_empty());
    assert_eq!(journal.pending(), scans[2..]);

    // Back up, after an app restart.
    drop(journal);
    let journal = journal_in(&dir);
    server.set(|s| (s.down, s.down_after) = (false, None));
    let report = journal.drain(&server).await.unwrap();
    let answered: Vec<Scan> = report.answered.iter().map(|e| e.scan.clone()).collect();
    assert_eq!(answered, scans[2..]);
    assert_eq!(server.requests(), keys(&scans));
    assert_eq!(server.check_ins(), ["card-0", "card-1", "card-2", "card-3"]);
}

#[tokio::test]
async fn a_scan_whose_reply_was_lost_is_sent_again_with_its_key_and_checked_in_once() {
    let dir = tempfile::tempdir().unwrap();
    let journal = journal_in(&dir);
    let taken = scan("0471100", 0);
    journal.append(&taken).unwrap();
    let server = FakeServer::default();
    server.set(|s| s.lose_replies = true);

    let report = journal.drain(&server).await.unwrap();
    assert_eq!(report.unreachable.as_deref(), Some("timed out"));
    assert_eq!(server.check_ins(), ["0471100"], "the server applied it");
    assert_eq!(journal.pending(), vec![taken.clone()], "but the desk never heard");

    drop(journal);
    let journal = journal_in(&dir);
    server.set(|s| s.lose_replies = false);
    let report = journal.drain(&server).await.unwrap();
    assert_eq!(report.answered.len(), 1);
    assert_eq!(server.requests(), vec![taken.key.clone(), taken.key]);
    assert_eq!(server.check_ins(), ["0471100"], "applied exactly once");
}

#[tokio::test]
async fn refused_scans_are_recorded_and_never_sent_again() {
    let dir = tempfile::tempdir().unwrap();
    let journal = journal_in(&dir);
    let no_waiver = scan("no-waiver", 0);
    let later = scan("0471100", 1);
    journal.append(&no_waiver).unwrap();
    journal.append(&later).unwrap();
    let server = FakeServer::default();
    server.set(|s| {
        s.refused_barcodes.push("no-waiver".into());
        s.down_after = Some(1);
    });

    let report = journal.drain(&server).await.unwrap();
    assert_eq!(report.answered.len(), 1);
    assert!(matches!(
        &report.answered[0].state,
        ScanState::Answered { answer: Answer::Refused { status: 400, text }, .. } if text.ends_with("No waiver.")
    ));
    assert_eq!(journal.pending(), vec![later.clone()]);

    drop(journal);
    let journal = journal_in(&dir);
    server.set(|s| (s.down, s.down_after) = (false, None));
    journal.drain(&server).await.unwrap();
    assert_eq!(server.requests(), vec![no_waiver.key, later.key]);
    assert_eq!(server.check_ins(), ["0471100"]);
}

#[tokio::test]
async fn a_scan_queued_during_a_drain_goes_out_after_the_earlier_ones() {
    let dir = tempfile::tempdir().unwrap();
    let journal = journal_in(&dir);
    let first = scan("first", 0);
    let during = scan("during", 1);
    journal.append(&first).unwrap();
    let server = FakeServer::default();
    let desk = journal.clone();
    let deliver = |scan: Scan| {
        if scan.barcode == "first" {
            desk.append(&during).unwrap();
        }
        std::future::ready(server.answer(&scan))
    };
    let report = journal.drain(&deliver).await.unwrap();
    assert_eq!(report.answered.len(), 2);
    assert_eq!(server.check_ins(), ["first", "during"]);
}

#[tokio::test]
async fn the_file_is_compacted_once_every_scan_is_answered() {
    let dir = tempfile::tempdir().unwrap();
    let journal = journal_in(&dir);
    for i in 0..3 {
        journal.append(&scan(&format!("card-{i}"), i)).unwrap();
    }
    journal.drain(&FakeServer::default()).await.unwrap();
    assert_eq!(fs::metadata(journal.path()).unwrap().len(), 0);
    assert!(journal.entries().is_empty());
    assert!(!temp_path(journal.path()).exists());

    // The compacted file is the one appended to from now on.
    let next = scan("card-3", 3);
    journal.append(&next).unwrap();
    drop(journal);
    assert_eq!(journal_in(&dir).pending(), vec![next]);
}

#[test]
fn opening_compacts_away_answered_scans_and_keeps_the_queued_ones_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let journal = journal_in(&dir);
    let scans: Vec<Scan> = (0..3).map(|i| scan(&format!("card-{i}"), i)).collect();
    for s in &scans {
        journal.append(s).unwrap();
    }
    journal.mark_delivered(&scans[1].key, Answer::Accepted { body: "{}".into() }).unwrap();
    assert_eq!(lines_of(&journal).len(), 4);
    drop(journal);

    let reopened = journal_in(&dir);
    assert_eq!(lines_of(&reopened).len(), 2);
    assert_eq!(reopened.pending(), vec![scans[0].clone(), scans[2].clone()]);
}

#[test]
fn a_torn_last_line_is_dropped_and_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let journal = journal_in(&dir);
    let scans = [scan("card-0", 0), scan("card-1", 1)];
    for s in &scans {
        journal.append(s).unwrap();
    }
    let path = journal.path().to_path_buf();
    let whole = fs::metadata(&path).unwrap().len();
    drop(journal);
    let torn = br#"{"op":"queued","key":"5f0c"#;
    OpenOptions::new().append(true).open(&path).unwrap().write_all(torn).unwrap();

    let reopened = journal_in(&dir);
    assert_eq!(reopened.recovery(), Some(&Recovery { line: 3, dropped_bytes: torn.len() }));
    assert!(reopened.recovery().unwrap().to_string().contains("no scan that was shown as queued is lost"));
    assert_eq!(reopened.pending(), scans);
    assert_eq!(fs::metadata(&path).unwrap().len(), whole);

    let next = scan("card-2", 2);
    reopened.append(&next).unwrap();
    drop(reopened);
    let again = journal_in(&dir);
    assert_eq!(again.recovery(), None);
    assert_eq!(again.pending().last(), Some(&next));
}

#[test]
fn a_torn_answer_leaves_its_scan_queued_to_be_sent_again() {
    let dir = tempfile::tempdir().unwrap();
    let journal = journal_in(&dir);
    let taken = scan("0471100", 0);
    journal.append(&taken).unwrap();
    let path = journal.path().to_path_buf();
    drop(journal);
    let torn = format!(r#"{{"op":"accepted","key":"{}","at":"2026-"#, taken.key);
    OpenOptions::new().append(true).open(&path).unwrap().write_all(torn.as_bytes()).unwrap();

    let reopened = journal_in(&dir);
    assert!(reopened.recovery().is_some());
    assert_eq!(reopened.pending(), vec![taken]);
}

#[test]
fn a_damaged_line_before_the_end_is_refused_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scans.jsonl");
    let queued = String::from_utf8(Record::queued(&scan("card-0", 0)).line().unwrap()).unwrap();
    fs::write(&path, format!("{queued}not json\n{queued}")).unwrap();
    match Journal::open(&path) {
        Err(JournalError::Corrupt { line, .. }) => assert_eq!(line, 2),
        other => panic!("expected a damaged journal, got {other:?}"),
    }

    let stray_answer = String::from_utf8(
        Record::answered(&IdempotencyKey::generate(), taken_at(0), &Answer::Accepted { body: "{}".into() })
            .line()
            .unwrap(),
    )
    .unwrap();
    fs::write(&path, format!("{queued}{stray_answer}")).unwrap();
    let err = Journal::open(&path).unwrap_err();
    assert!(matches!(err, JournalError::Corrupt { line: 2, .. }), "{err}");
    assert!(err.to_string().contains("never queued"), "{err}");
}

#[test]
fn a_second_journal_on_the_same_file_is_refused_until_the_first_closes() {
    let dir = tempfile::tempdir().unwrap();
    let first = journal_in(&dir);
    let err = Journal::open(first.path()).unwrap_err();
    assert!(matches!(err, JournalError::InUse(_)), "{err}");
    assert!(err.to_string().contains("already open in another frontdesk app"), "{err}");
    drop(first);
    journal_in(&dir);
}

#[test]
fn mark_delivered_refuses_unknown_and_already_answered_scans() {
    let dir = tempfile::tempdir().unwrap();
    let journal = journal_in(&dir);
    let taken = scan("0471100", 0);
    journal.append(&taken).unwrap();
    let unknown = IdempotencyKey::generate();
    assert!(matches!(
        journal.mark_delivered(&unknown, Answer::Accepted { body: "{}".into() }),
        Err(JournalError::UnknownScan(key)) if key == unknown
    ));
    let refused = Answer::Refused { status: 404, text: "Unknown or deactivated customer account.".into() };
    let entry = journal.mark_delivered(&taken.key, refused.clone()).unwrap();
    assert!(matches!(entry.state, ScanState::Answered { answer, .. } if answer == refused));
    assert!(matches!(
        journal.mark_delivered(&taken.key, Answer::Accepted { body: "{}".into() }),
        Err(JournalError::AlreadyAnswered(_))
    ));
    assert_eq!(lines_of(&journal).len(), 2);
}

#[test]
fn a_compaction_cut_short_before_its_rename_leaves_the_journal_intact() {
    let dir = tempfile::tempdir().unwrap();
    let journal = journal_in(&dir);
    let taken = scan("0471100", 0);
    journal.append(&taken).unwrap();
    let temp = temp_path(journal.path());
    drop(journal);
    fs::write(&temp, b"{\"op\":\"queued\"").unwrap();

    let reopened = journal_in(&dir);
    assert_eq!(reopened.pending(), vec![taken]);
    assert!(!temp.exists());
}

#[test]
fn adopting_another_file_takes_its_queued_scans_once_and_removes_it() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("scans-old.jsonl");
    let legacy = Journal::open(&old).unwrap();
    let (a, b) = (scan("1", 0), scan("2", 1));
    legacy.append(&a).unwrap();
    legacy.append(&b).unwrap();
    legacy.mark_delivered(&a.key, Answer::Accepted { body: "{}".into() }).unwrap();
    drop(legacy);
    let journal = Journal::open(dir.path().join("scans-new.jsonl")).unwrap();
    assert_eq!(journal.adopt(&old).unwrap(), 1, "only the scan still queued");
    assert_eq!(journal.pending(), std::slice::from_ref(&b));
    assert!(!old.exists() && !dir.path().join("scans-old.jsonl.lock").exists());
    assert_eq!(journal.adopt(&old).unwrap(), 0, "nothing left to take");
    drop(journal);
    assert_eq!(Journal::open(dir.path().join("scans-new.jsonl")).unwrap().pending(), [b], "durable");
}
