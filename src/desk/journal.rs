//! The offline scan journal: scans the server has not answered yet, kept on disk until it does, then
//! sent strictly in the order they were taken, each with its own `Idempotency-Key`.
//!
//! # On disk
//!
//! One append-only file of JSON lines (the path is the caller's, in the app's data directory):
//! `{"op":"queued","key":..,"barcode":..,"location_id":..,"taken_at":..}` when a scan is taken, then
//! `{"op":"accepted","key":..,"at":..,"body":..}` (the server's 200 JSON, as text) or
//! `{"op":"refused","key":..,"at":..,"status":..,"text":..}` (its plain-text 4xx) once it answered.
//! Each line is written with one `write` and `sync_data`ed before [`Journal::append`] or
//! [`Journal::mark_delivered`] returns; the directory is synced when the file is created. So when
//! `append` returns, the scan survives a crash or a power cut, and only then may the screen say
//! "queued". A failed write is cut back off the file, so the file never keeps half a line.
//!
//! When nothing is left to send, the file is compacted: the still-queued lines are written to a
//! temporary file beside it, synced, and renamed over it (atomic), then the directory is synced.
//! Opening the journal compacts too when the file holds answered scans.
//!
//! # Crashes
//!
//! Only the last line can be torn, since lines are only ever appended. On open, an unfinished last
//! line (no newline) is cut off and [`Journal::recovery`] says so. Nothing the app showed as queued
//! is lost by that: a torn `queued` line means `append` never returned (the screen never said
//! "queued"), and a torn answer line leaves its scan queued, to be sent again. A damaged line anywhere
//! else is not a crash's doing: opening fails with [`JournalError::Corrupt`] naming the line rather
//! than dropping a scan silently.
//!
//! # Exactly once
//!
//! A scan's key is made when the scan is taken ([`Scan::new`]) and never changes: the app's first
//! attempt online and every later send from the journal carry the same `Idempotency-Key`. Our server
//! stores its answer with the key in the same transaction as the check-in, and a request repeating a
//! key applies nothing and replays the stored answer (accepted or refused). So a scan sent again,
//! because the reply was lost on the way back or the app crashed between the server applying it and
//! the answer being recorded here, is applied once. (The server remembers keys for 30 days; a scan
//! pending longer than that could be applied twice.) A scan sent from the journal carries the moment
//! it was taken as `scanned_at` (our server's extension, see docs/check-in.md), so the check-in is
//! dated when the customer was scanned; Capitan ignores the field and dates it on arrival.
//!
//! # One app per journal
//!
//! A second [`Journal::open`] of the same file, from this process or another, fails with
//! [`JournalError::InUse`]: the journal holds an exclusive advisory lock (std's `File::try_lock`,
//! flock(2) on Unix) on a `<file>.lock` beside it for as long as it is open. The lock goes with the
//! process, so a crash never leaves a stale lock behind (an O_EXCL lock file would), and it is on a
//! side file because compaction replaces the journal file itself.
//!
//! # Blocking
//!
//! `open`, `append`, `mark_delivered` and `compact` do blocking std file I/O (a sync takes
//! milliseconds, more on a slow disk): the app calls them through `tokio::task::spawn_blocking`,
//! never on its render loop. [`Journal::drain`] is async and does its writes on the blocking pool
//! itself. `Journal` is a cheap handle (`Clone`): one for the UI to append with, one for the sender.

use std::fs::{self, File, OpenOptions};
use std::future::Future;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::fs_atomic::{self, directory_of, sync_directory};

/// The `Idempotency-Key` a scan is sent with: 128 random bits in lowercase hex.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn generate() -> IdempotencyKey {
        let mut bytes = [0u8; 16];
        rand::fill(&mut bytes);
        IdempotencyKey(hex::encode(bytes))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A scan as taken at the desk: what the server is sent, whenever it is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    pub key: IdempotencyKey,
    pub barcode: String,
    /// The `location_id` of the check-in body; `None` lets the server use the staff user's location.
    pub location_id: Option<i64>,
    pub taken_at: Timestamp,
}

impl Scan {
    /// A scan taken at `taken_at`, with a new key: make it when the scan is taken, and send every
    /// attempt for it (online first, then from the journal) with this same scan.
    pub fn new(barcode: impl Into<String>, location_id: Option<i64>, taken_at: Timestamp) -> Scan {
        Scan { key: IdempotencyKey::generate(), barcode: barcode.into(), location_id, taken_at }
    }

    /// A scan taken now.
    pub fn taken_now(barcode: impl Into<String>, location_id: Option<i64>) -> Scan {
        Scan::new(barcode, location_id, Timestamp::now())
    }
}

/// The server's answer to a scan: final, never sent again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// `200`: checked in; the body is the server's JSON, as text.
    Accepted { body: String },
    /// A `4xx` of the check-in rules, with the server's plain text for the desk.
    Refused { status: u16, text: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanState {
    Queued,
    /// Answered by the server at `at` (when it was recorded here).
    Answered {
        at: Timestamp,
        answer: Answer,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    pub scan: Scan,
    pub state: ScanState,
}

impl JournalEntry {
    pub fn is_pending(&self) -> bool {
        self.state == ScanState::Queued
    }
}

/// What one attempt to send a scan came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The server answered; the scan is settled.
    Answered(Answer),
    /// Not applied as far as we know, and worth trying again later: no connection, a timeout, a
    /// `5xx`, and also `401`/`403`/`408`/`429` (a token to renew, a busy server), which a later
    /// attempt can pass. The text says why, for the status line.
    Unreachable(String),
}

impl Delivery {
    pub fn accepted(body: impl Into<String>) -> Delivery {
        Delivery::Answered(Answer::Accepted { body: body.into() })
    }

    pub fn refused(status: u16, text: impl Into<String>) -> Delivery {
        Delivery::Answered(Answer::Refused { status, text: text.into() })
    }
}

/// Sends one scan to the server: `POST /api/gym-endpoints/barcode-check-in/<barcode>/` with the
/// scan's key as `Idempotency-Key` and its `location_id` (if any) in the body. Implemented by the app
/// with its HTTP client, or given as an async closure `|scan: Scan| async move { .. }`.
pub trait Deliver {
    fn deliver(&self, scan: &Scan) -> impl Future<Output = Delivery> + Send;
}

impl<F, Fut> Deliver for F
where
    F: Fn(Scan) -> Fut,
    Fut: Future<Output = Delivery> + Send,
{
    fn deliver(&self, scan: &Scan) -> impl Future<Output = Delivery> + Send {
        self(scan.clone())
    }
}

/// What a [`Journal::drain`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DrainReport {
    /// The scans the server answered, in the order they were sent.
    pub answered: Vec<JournalEntry>,
    /// Why sending stopped early, if it did; the rest wait for the next drain.
    pub unreachable: Option<String>,
    /// Scans still queued.
    pub pending: usize,
}

/// The journal's last line was cut short (by a crash during a write) and dropped on open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    pub line: usize,
    pub dropped_bytes: usize,
}

impl std::fmt::Display for Recovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the scan journal's last line (line {}, {} bytes) was cut short by a crash and was dropped; \
             no scan that was shown as queued is lost",
            self.line, self.dropped_bytes
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error(
        "the scan journal {0} is already open in another frontdesk app: close that one, or give this one \
         its own data directory"
    )]
    InUse(PathBuf),
    #[error("cannot {action} the scan journal {path}: {source}")]
    Io { action: &'static str, path: PathBuf, source: io::Error },
    #[error(
        "the scan journal {path} is damaged at line {line} ({problem}); move the file aside to start a new \
         journal, and check in by hand the scans still queued in it"
    )]
    Corrupt { path: PathBuf, line: usize, problem: String },
    #[error("a scan needs a barcode")]
    EmptyBarcode,
    #[error("scan {0} is already in the journal")]
    AlreadyQueued(IdempotencyKey),
    #[error("scan {0} is not in the journal")]
    UnknownScan(IdempotencyKey),
    #[error("scan {0} was already answered by the server")]
    AlreadyAnswered(IdempotencyKey),
    #[error("a journal write on the blocking pool did not finish: {0}")]
    Background(String),
}

/// One line of the file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Record {
    Queued { key: IdempotencyKey, barcode: String, location_id: Option<i64>, taken_at: Timestamp },
    Accepted { key: IdempotencyKey, at: Timestamp, body: String },
    Refused { key: IdempotencyKey, at: Timestamp, status: u16, text: String },
}

impl Record {
    fn queued(scan: &Scan) -> Record {
        Record::Queued {
            key: scan.key.clone(),
            barcode: scan.barcode.clone(),
            location_id: scan.location_id,
            taken_at: scan.taken_at,
        }
    }

    fn answered(key: &IdempotencyKey, at: Timestamp, answer: &Answer) -> Record {
        match answer {
            Answer::Accepted { body } => Record::Accepted { key: key.clone(), at, body: body.clone() },
            Answer::Refused { status, text } => {
                Record::Refused { key: key.clone(), at, status: *status, text: text.clone() }
            }
        }
    }

    fn line(&self) -> io::Result<Vec<u8>> {
        let mut line = serde_json::to_vec(self)?;
        line.push(b'\n');
        Ok(line)
    }
}

/// A handle on the open journal; clones share it.
#[derive(Clone)]
pub struct Journal {
    shared: Arc<Shared>,
}

struct Shared {
    path: PathBuf,
    recovery: Option<Recovery>,
    state: Mutex<State>,
    /// One drain at a time, so scans go out in order and never twice at once.
    draining: tokio::sync::Mutex<()>,
    /// Held for the journal's lifetime; dropping it releases the lock.
    _lock: File,
}

struct State {
    file: File,
    /// The length of the file's whole lines: a failed write is cut back to it.
    len: u64,
    entries: Vec<JournalEntry>,
}

impl Journal {
    /// Opens the journal at `path` (creating it and its directory if needed), replays it, drops a torn
    /// last line and compacts away answered scans. Blocking.
    pub fn open(path: impl AsRef<Path>) -> Result<Journal, JournalError> {
        let path = path.as_ref().to_path_buf();
        let io_err = |action| {
            let path = path.clone();
            move |source| JournalError::Io { action, path, source }
        };
        let dir = directory_of(&path);
        fs::create_dir_all(&dir).map_err(io_err("create the directory of"))?;
        let lock = take_lock(&path)?;
        // A compaction that died before its rename leaves its temporary file; the journal is intact.
        fs_atomic::remove_leftovers(&path).map_err(io_err("clean up after"))?;

        let created = !path.try_exists().map_err(io_err("open"))?;
        let file = OpenOptions::new().read(true).append(true).create(true).open(&path).map_err(io_err("open"))?;
        if created {
            sync_directory(&dir).map_err(io_err("create"))?;
        }
        let content = fs::read(&path).map_err(io_err("read"))?;
        let replayed = replay(&path, &content)?;
        if replayed.torn.is_some() {
            file.set_len(replayed.len).map_err(io_err("repair"))?;
            file.sync_data().map_err(io_err("repair"))?;
        }
        let journal = Journal {
            shared: Arc::new(Shared {
                path: path.clone(),
                recovery: replayed.torn,
                state: Mutex::new(State { file, len: replayed.len, entries: replayed.entries }),
                draining: tokio::sync::Mutex::new(()),
                _lock: lock,
            }),
        };
        journal.compact()?;
        Ok(journal)
    }

    pub fn path(&self) -> &Path {
        &self.shared.path
    }

    /// What opening repaired, to tell the person at the desk (or the log).
    pub fn recovery(&self) -> Option<&Recovery> {
        self.shared.recovery.as_ref()
    }

    /// Adds a scan, durably: when this returns `Ok`, the scan survives a crash. Blocking.
    pub fn append(&self, scan: &Scan) -> Result<JournalEntry, JournalError> {
        if scan.barcode.trim().is_empty() {
            return Err(JournalError::EmptyBarcode);
        }
        let mut state = self.state();
        if state.entries.iter().any(|e| e.scan.key == scan.key) {
            return Err(JournalError::AlreadyQueued(scan.key.clone()));
        }
        self.write_line(&mut state, &Record::queued(scan))?;
        let entry = JournalEntry { scan: scan.clone(), state: ScanState::Queued };
        state.entries.push(entry.clone());
        Ok(entry)
    }

    /// The scans still to send, oldest first.
    pub fn pending(&self) -> Vec<Scan> {
        self.state().entries.iter().filter(|e| e.is_pending()).map(|e| e.scan.clone()).collect()
    }

    pub fn pending_count(&self) -> usize {
        self.state().entries.iter().filter(|e| e.is_pending()).count()
    }

    /// Takes over the queued scans of another journal file (one an earlier version kept under another
    /// name): appends each, durably and with its own key, then removes that file and its lock. Says
    /// how many scans it took. A journal that another app holds open is left alone. Blocking.
    pub fn adopt(&self, other: &Path) -> Result<usize, JournalError> {
        if other == self.path() || !other.try_exists().unwrap_or(false) {
            return Ok(0);
        }
        let theirs = Journal::open(other)?;
        let mut taken = 0;
        for scan in theirs.pending() {
            if self.state().entries.iter().any(|e| e.scan.key == scan.key) {
                continue;
            }
            self.append(&scan)?;
            taken += 1;
        }
        let io_err = |source| JournalError::Io { action: "remove", path: other.to_path_buf(), source };
        remove_if_present(other).map_err(io_err)?;
        drop(theirs);
        remove_if_present(&with_suffix(other, ".lock")).map_err(io_err)?;
        Ok(taken)
    }

    /// Every scan since the last compaction, answered or not, oldest first.
    pub fn entries(&self) -> Vec<JournalEntry> {
        self.state().entries.clone()
    }

    /// Records, durably, that the server answered the scan with `key`: it is never sent again.
    /// Blocking.
    pub fn mark_delivered(&self, key: &IdempotencyKey, answer: Answer) -> Result<JournalEntry, JournalError> {
        let mut state = self.state();
        let index = state
            .entries
            .iter()
            .position(|e| &e.scan.key == key)
            .ok_or_else(|| JournalError::UnknownScan(key.clone()))?;
        if !state.entries[index].is_pending() {
            return Err(JournalError::AlreadyAnswered(key.clone()));
        }
        let at = Timestamp::now();
        self.write_line(&mut state, &Record::answered(key, at, &answer))?;
        state.entries[index].state = ScanState::Answered { at, answer };
        Ok(state.entries[index].clone())
    }

    /// Rewrites the file with only the queued scans, if any scan in it was answered; says whether it
    /// did. Blocking.
    pub fn compact(&self) -> Result<bool, JournalError> {
        let mut state = self.state();
        if state.entries.iter().all(JournalEntry::is_pending) {
            return Ok(false);
        }
        let path = &self.shared.path;
        let io_err = |action| move |source| JournalError::Io { action, path: path.clone(), source };
        let pending: Vec<JournalEntry> = state.entries.iter().filter(|e| e.is_pending()).cloned().collect();
        let mut content = Vec::new();
        for entry in &pending {
            content.extend(Record::queued(&entry.scan).line().map_err(io_err("encode a record for"))?);
        }
        fs_atomic::write(path, &content, fs_atomic::Access::Shared).map_err(io_err("compact"))?;
        state.file = OpenOptions::new().read(true).append(true).open(path).map_err(io_err("reopen"))?;
        state.len = content.len() as u64;
        state.entries = pending;
        Ok(true)
    }

    /// Sends the queued scans in order through `deliver`, recording each answer durably before the
    /// next is sent. Stops at the first [`Delivery::Unreachable`], leaving it and the rest queued, in
    /// order, for the next drain. Scans appended meanwhile go out in the same drain, after the
    /// earlier ones. Compacts when nothing is left. One drain runs at a time (a second waits).
    ///
    /// Cancel-safe: dropped mid-way, the scan in flight stays queued and is sent again (same key).
    pub async fn drain<D: Deliver + Sync>(&self, deliver: &D) -> Result<DrainReport, JournalError> {
        let _one_drain = self.shared.draining.lock().await;
        let mut report = DrainReport::default();
        while let Some(scan) = self.first_pending() {
            match deliver.deliver(&scan).await {
                Delivery::Unreachable(reason) => {
                    report.unreachable = Some(reason);
                    break;
                }
                Delivery::Answered(answer) => {
                    let journal = self.clone();
                    let entry = on_blocking_pool(move || journal.mark_delivered(&scan.key, answer)).await?;
                    report.answered.push(entry);
                }
            }
        }
        if !report.answered.is_empty() && self.pending_count() == 0 {
            let journal = self.clone();
            on_blocking_pool(move || journal.compact()).await?;
        }
        report.pending = self.pending_count();
        Ok(report)
    }

    fn first_pending(&self) -> Option<Scan> {
        self.state().entries.iter().find(|e| e.is_pending()).map(|e| e.scan.clone())
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state changes only after its line is on disk, so a panic elsewhere never leaves it
        // out of step with the file.
        self.shared.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends one whole line and syncs it; on failure cuts the file back so no half line stays.
    fn write_line(&self, state: &mut State, record: &Record) -> Result<(), JournalError> {
        let path = || self.shared.path.clone();
        let line =
            record.line().map_err(|source| JournalError::Io { action: "encode a record for", path: path(), source })?;
        let written = state.file.write_all(&line).and_then(|()| state.file.sync_data());
        match written {
            Ok(()) => {
                state.len += line.len() as u64;
                Ok(())
            }
            Err(source) => {
                let _ = state.file.set_len(state.len);
                Err(JournalError::Io { action: "write to", path: path(), source })
            }
        }
    }
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal").field("path", &self.shared.path).finish_non_exhaustive()
    }
}

async fn on_blocking_pool<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, JournalError> + Send + 'static,
) -> Result<T, JournalError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| JournalError::Background(e.to_string()))?
}

struct Replayed {
    entries: Vec<JournalEntry>,
    /// The length of the whole lines kept.
    len: u64,
    torn: Option<Recovery>,
}

fn replay(path: &Path, content: &[u8]) -> Result<Replayed, JournalError> {
    let mut entries: Vec<JournalEntry> = Vec::new();
    let mut len = 0;
    let mut torn = None;
    for (index, chunk) in content.split_inclusive(|b| *b == b'\n').enumerate() {
        let line_number = index + 1;
        let Some(line) = chunk.strip_suffix(b"\n") else {
            torn = Some(Recovery { line: line_number, dropped_bytes: chunk.len() });
            break;
        };
        let corrupt = |problem: String| JournalError::Corrupt { path: path.to_path_buf(), line: line_number, problem };
        let record: Record = serde_json::from_slice(line).map_err(|e| corrupt(e.to_string()))?;
        apply(&mut entries, record).map_err(corrupt)?;
        len += chunk.len() as u64;
    }
    Ok(Replayed { entries, len, torn })
}

fn apply(entries: &mut Vec<JournalEntry>, record: Record) -> Result<(), String> {
    let (key, at, answer) = match record {
        Record::Queued { key, barcode, location_id, taken_at } => {
            if entries.iter().any(|e| e.scan.key == key) {
                return Err(format!("scan {key} is queued twice"));
            }
            let scan = Scan { key, barcode, location_id, taken_at };
            entries.push(JournalEntry { scan, state: ScanState::Queued });
            return Ok(());
        }
        Record::Accepted { key, at, body } => (key, at, Answer::Accepted { body }),
        Record::Refused { key, at, status, text } => (key, at, Answer::Refused { status, text }),
    };
    let entry = entries
        .iter_mut()
        .find(|e| e.scan.key == key)
        .ok_or_else(|| format!("an answer for scan {key}, which was never queued"))?;
    if !entry.is_pending() {
        return Err(format!("scan {key} is answered twice"));
    }
    entry.state = ScanState::Answered { at, answer };
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn take_lock(path: &Path) -> Result<File, JournalError> {
    let lock_path = with_suffix(path, ".lock");
    let io_err = |source| JournalError::Io { action: "lock", path: path.to_path_buf(), source };
    let lock =
        OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&lock_path).map_err(io_err)?;
    match lock.try_lock() {
        Ok(()) => Ok(lock),
        Err(fs::TryLockError::WouldBlock) => Err(JournalError::InUse(path.to_path_buf())),
        Err(fs::TryLockError::Error(source)) => Err(io_err(source)),
    }
}

/// A temporary file a compaction of `path` could leave behind.
#[cfg(test)]
fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    directory_of(path).join(format!(".{name}.compacting.partial"))
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

#[cfg(test)]
mod tests;
