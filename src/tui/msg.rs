//! What flows through the app: [`Msg`]s in (keys, paste, mouse, timers, task answers) and
//! [`Command`]s out (HTTP, image work, timers). Every request carries a [`RequestId`]; an answer
//! whose id is no longer the one awaited is dropped, so a stale answer is never shown.

use std::time::Duration;

use crossterm::event::{KeyEvent, MouseEvent};

use super::check_in::outcome::ScanOutcome;
use super::check_in::relative::Relative;
use super::login::Secret;
use super::photo_view::{EncodedPhoto, PreparedUpload};
pub use super::request::RequestId;
use crate::client::records::Location;
use crate::client::staff::{Credential, StaffLoginError};
use crate::client::{ClientError, CustomerQuery, SubCollection, SubRecords};
use crate::desk::{Delivery, DrainReport, IdempotencyKey, Scan};
use crate::model::{Customer, Page};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timer {
    /// The selection has rested (its profile and photo load).
    Selection,
    /// The next bell of a verdict's pattern.
    Bell,
}

/// A key press as the terminal delivered it, with when it was read.
#[derive(Debug, Clone, Copy)]
pub struct KeyRead {
    pub key: KeyEvent,
    pub at: std::time::Instant,
}

/// Which photo, drawn how big (in cells).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhotoKey {
    pub customer_id: i64,
    pub url: String,
    pub width: u16,
    pub height: u16,
}

/// How photos are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoMode {
    Off,
    /// Drawn with an image protocol; `clear_on_change` for protocols whose
    /// pixels live outside the cell grid (sixel, iTerm2).
    On {
        clear_on_change: bool,
    },
}

#[derive(Debug)]
pub enum Msg {
    /// A key already told apart from a scan (or typed where no scanner listens).
    Key(KeyEvent),
    /// A key as read from the terminal: the scanner detector sees it first.
    Read(KeyRead),
    /// The scanner detector's deadline passed (at this instant): held keys are typing.
    ScannerDeadline(std::time::Instant),
    Paste(String),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// Animation while something loads.
    Tick,
    Timer {
        timer: Timer,
        generation: u64,
    },
    ListLoaded {
        request: RequestId,
        result: Result<Page<Customer>, ClientError>,
    },
    SubLoaded {
        request: RequestId,
        kind: SubCollection,
        result: Result<Option<SubRecords>, ClientError>,
    },
    PhotoLoaded {
        request: RequestId,
        key: PhotoKey,
        result: Result<EncodedPhoto, String>,
    },
    LocationsLoaded(Result<Vec<Location>, ClientError>),
    /// A customer read again (before a save, to see whether someone else changed it).
    CustomerLoaded {
        request: RequestId,
        result: Result<Customer, ClientError>,
    },
    CustomerSaved {
        request: RequestId,
        result: Result<Customer, ClientError>,
    },
    /// A walk-in's possible duplicates (`None`: the server has no such check).
    DuplicatesChecked {
        request: RequestId,
        result: Result<Option<Vec<Customer>>, ClientError>,
    },
    RecordSaved {
        request: RequestId,
        result: Result<serde_json::Value, ClientError>,
    },
    /// What became of a scan (or a lookup); `scan` is what was sent (its key, when it was taken).
    ScanAnswered {
        request: RequestId,
        scan: Option<Scan>,
        outcome: ScanOutcome,
    },
    CheckInVoided {
        request: RequestId,
        result: Result<(), ClientError>,
    },
    /// The scanned customer's relatives, each with their own verdict as if scanned now; or why not.
    FamilyLoaded {
        request: RequestId,
        result: Result<Vec<Relative>, String>,
    },
    /// A family member's check-in answered (or not: the server could not be reached).
    MemberCheckedIn {
        request: RequestId,
        delivery: Delivery,
    },
    /// The offline journal at start-up: scans an earlier run left queued, or why none can be kept.
    JournalOpened {
        pending: Vec<Scan>,
        problem: Option<String>,
    },
    /// Queued scans sent (some may have been answered).
    QueueDrained(DrainReport),
    /// The answer to a new login after a `401`.
    LoggedIn(Result<(), ClientError>),
    /// The manager's PIN asked for by an override (`[check_in] override_needs_manager_pin`): `Ok`
    /// when it gave a token, and the override is then on its way under it (its answer follows as
    /// `ScanAnswered` for the same request).
    ManagerPinAnswered {
        request: RequestId,
        result: Result<(), StaffLoginError>,
    },
    /// The answer to a sign-in on the lock screen; `kept` says whether the staff member's token
    /// was saved for them.
    StaffSignedIn {
        username: String,
        result: Result<(), StaffLoginError>,
        kept: Result<(), String>,
    },
    /// Tab in the photo's file name: the new text and the candidates.
    PathCompleted {
        request: RequestId,
        result: Result<(String, Vec<String>), String>,
    },
    PhotoPrepared {
        request: RequestId,
        result: Result<PreparedUpload, String>,
    },
    UploadProgress {
        request: RequestId,
        sent: u64,
        total: u64,
    },
    PhotoUploaded {
        request: RequestId,
        result: Result<Customer, ClientError>,
    },
    /// A check-in sound's command could not run, or failed: why, naming the program.
    SoundFailed {
        program: String,
        error: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    StartTimer {
        timer: Timer,
        generation: u64,
        after: Duration,
    },
    FetchCustomers {
        request: RequestId,
        query: CustomerQuery,
    },
    FetchPage {
        request: RequestId,
        url: String,
    },
    FetchSubCollections {
        request: RequestId,
        customer: Box<Customer>,
    },
    FetchPhoto {
        request: RequestId,
        key: PhotoKey,
    },
    FetchLocations,
    FetchCustomer {
        request: RequestId,
        id: i64,
    },
    /// `PATCH` (with an id: only the fields in the body) or `POST` (without: a new customer).
    SaveCustomer {
        request: RequestId,
        id: Option<i64>,
        body: serde_json::Map<String, serde_json::Value>,
    },
    /// `GET customers/possible-duplicates/` before a walk-in is created.
    CheckDuplicates {
        request: RequestId,
        probe: crate::model::duplicates::DuplicateProbe,
    },
    /// `PATCH` of `url`, or `POST` to the customer's sub-collection without one.
    SaveRecord {
        request: RequestId,
        customer_id: i64,
        kind: SubCollection,
        url: Option<String>,
        body: serde_json::Map<String, serde_json::Value>,
    },
    /// `POST gym-endpoints/barcode-check-in/<barcode>/` (or into the offline journal).
    CheckIn {
        request: RequestId,
        barcode: String,
    },
    /// The customer with this barcode, without checking in.
    LookUp {
        request: RequestId,
        barcode: String,
    },
    /// The customer's relations, and for each relative their record and check-in preview.
    LoadFamily {
        request: RequestId,
        customer_id: i64,
    },
    /// `POST customers/{id}/check-ins/` with `key` as `Idempotency-Key` (a family member).
    CheckInMember {
        request: RequestId,
        customer_id: i64,
        key: IdempotencyKey,
    },
    /// (ours) The same POST with `override_reason`: a refused customer let in anyway. Never queued
    /// offline (see `docs/check-in.md`).
    OverrideCheckIn {
        request: RequestId,
        barcode: String,
        reason: String,
    },
    /// (ours) An override under a manager's token: `POST get-token/` with their username and PIN,
    /// then the override sent with that token (dropped after it). Never queued offline.
    ManagerOverride {
        request: RequestId,
        barcode: String,
        reason: String,
        username: String,
        pin: Credential,
    },
    /// `DELETE check-ins/{id}/`.
    VoidCheckIn {
        request: RequestId,
        id: i64,
    },
    /// Try the queued scans now (the server answered something).
    SendQueued,
    /// Log in again after a `401`; the client's token is replaced for every task.
    LogIn {
        username: String,
        password: Secret,
    },
    /// Sign in on the lock screen as another staff member: on success the client's token is theirs
    /// for every task, and it is kept in their token file.
    SwitchStaff {
        username: String,
        credential: Credential,
    },
    CompletePath {
        request: RequestId,
        typed: String,
    },
    /// Reads the file and prepares it as it will be stored, with a preview of `width` x `height` cells.
    PreparePhoto {
        request: RequestId,
        path: String,
        width: u16,
        height: u16,
    },
    /// The multipart `PATCH` of the prepared JPEG.
    UploadPhoto {
        request: RequestId,
        customer_id: i64,
        jpeg: std::sync::Arc<Vec<u8>>,
    },
    /// Starts a check-in sound's command (`[sounds]`), on a task that awaits its end without holding a thread: the render loop never waits for it.
    PlaySound {
        program: String,
        args: Vec<String>,
    },
}
