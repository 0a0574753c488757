//! The desk's UI-independent cores for barcode check-in: telling a scanner from a person at the
//! keyboard ([`scanner`]), and keeping scans on disk while the server cannot be reached ([`journal`]).

pub mod journal;
pub mod scanner;

pub use journal::{
    Answer, Deliver, Delivery, DrainReport, IdempotencyKey, Journal, JournalEntry, JournalError, Recovery, Scan,
    ScanState,
};
pub use scanner::{BurstDetector, Decision, ScannerConfig, ScannerConfigError, Terminator};
