//! `frontdesk import`: loads one JSON document (described in `docs/import.md`)
//! holding locations, membership types and customers with every related
//! record, in one transaction: all or nothing. It is how a gym migrates in,
//! how the demo data is made and how tests set up state.
//!
//! Records in the document refer to each other by ids local to the document;
//! the database gives them new ids. The document's shapes are in [`document`];
//! [`plan`] checks a document and turns it into rows without touching the
//! database; `storage::import_plan` loads the facts the plan is checked
//! against and writes the plan.

pub mod csv;
mod document;
pub mod export;
mod plan;

use jiff::Timestamp;

pub use self::document::*;
pub use crate::model::subrecords::{RELATION_CODES, reverse_relation};
use crate::storage::import_plan::{self, LoadError};
use crate::storage::{Db, OrgScope, StoreError, bulk};

/// What went wrong, naming the record and the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub record: String,
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.record, self.message)
        } else {
            write!(f, "{} {}: {}", self.record, self.field, self.message)
        }
    }
}

/// Every problem found, first one first.
#[derive(Debug)]
pub struct ImportFailure(pub Vec<ImportError>);

impl std::fmt::Display for ImportFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.as_slice() {
            [] => write!(f, "import failed"),
            [only] => write!(f, "{only}"),
            [first, rest @ ..] => write!(f, "{first} (and {} more problems)", rest.len()),
        }
    }
}

impl std::error::Error for ImportFailure {}

impl From<StoreError> for ImportFailure {
    fn from(e: StoreError) -> Self {
        ImportFailure(vec![ImportError { record: "database".into(), field: String::new(), message: e.to_string() }])
    }
}

impl From<LoadError> for ImportFailure {
    fn from(e: LoadError) -> Self {
        match e {
            LoadError::Store(e) => e.into(),
            LoadError::Table { table, error } => ImportFailure(vec![ImportError {
                record: table.to_string(),
                field: String::new(),
                message: error.to_string(),
            }]),
        }
    }
}

impl From<sqlx::Error> for ImportFailure {
    fn from(e: sqlx::Error) -> Self {
        StoreError::from(e).into()
    }
}

/// Counts of what an import wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub locations: usize,
    pub membership_types: usize,
    pub customers: usize,
    pub memberships: usize,
    pub check_ins: usize,
    pub other_records: usize,
    /// Existing records the document updated (matched by external id).
    pub updated: usize,
}

impl std::fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "imported {} customers, {} locations, {} membership types, {} memberships, {} check-ins and {} other records",
            self.customers, self.locations, self.membership_types, self.memberships, self.check_ins, self.other_records
        )?;
        if self.updated > 0 {
            write!(f, ", and updated {} existing records", self.updated)?;
        }
        Ok(())
    }
}

/// What an import did with a record of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A new record.
    Created,
    /// An existing record (matched by its external id), changed to the document's.
    Updated,
    /// An existing record the document only refers to.
    Kept,
    /// An existing customer the entry's records were added to.
    Added,
}

/// One record of the document and the database id it got or kept.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReportEntry {
    /// Its document id, if it has one.
    pub id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Its id in the database (and the API).
    pub database_id: i64,
    pub action: Action,
}

/// `frontdesk import --report`: for each record of the document, by kind in
/// document order, the id it got or kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub locations: Vec<ReportEntry>,
    pub custom_fields: Vec<ReportEntry>,
    pub proficiencies: Vec<ReportEntry>,
    pub associations: Vec<ReportEntry>,
    pub challenges: Vec<ReportEntry>,
    pub event_types: Vec<ReportEntry>,
    pub membership_types: Vec<ReportEntry>,
    pub customers: Vec<ReportEntry>,
    pub memberships: Vec<ReportEntry>,
}

/// How to run an import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Check the document and report what it would do, writing nothing.
    pub dry_run: bool,
}

/// What an import did (or, dry, would do).
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    pub summary: ImportSummary,
    pub report: ImportReport,
}

/// Imports a document into the organization in one transaction.
pub async fn import(
    db: &Db,
    org: &OrgScope,
    doc: &ImportDocument,
    now: Timestamp,
) -> Result<ImportSummary, ImportFailure> {
    Ok(import_with(db, org, doc, now, ImportOptions::default()).await?.summary)
}

/// Imports a document into the organization in one transaction (or, dry,
/// checks it and rolls back), with the id each record got.
pub async fn import_with(
    db: &Db,
    org: &OrgScope,
    doc: &ImportDocument,
    now: Timestamp,
    options: ImportOptions,
) -> Result<ImportOutcome, ImportFailure> {
    let mut tx = db.begin_write().await?;
    // A large import writes index pages all over the file: a page cache big
    // enough to hold them saves re-reading and spilling them (it grows only
    // as needed, and goes back to its usual size before the commit).
    let usual_cache = bulk::cache_size(&mut tx).await?;
    if usual_cache.is_some() {
        bulk::set_cache_size(&mut tx, -IMPORT_CACHE_KIB).await?;
    }
    let result = import_in(org, &mut tx, doc, now, options).await;
    if let Some(usual) = usual_cache {
        bulk::set_cache_size(&mut tx, usual).await?;
    }
    let outcome = result?;
    if options.dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
    }
    Ok(outcome)
}

/// The page cache during an import, in KiB: enough for 100,000 customers'
/// indexes.
const IMPORT_CACHE_KIB: i64 = 1024 * 1024;

async fn import_in(
    org: &OrgScope,
    conn: &mut crate::storage::Conn,
    doc: &ImportDocument,
    now: Timestamp,
    options: ImportOptions,
) -> Result<ImportOutcome, ImportFailure> {
    let checking = std::time::Instant::now();
    let existing = import_plan::existing(org, conn).await?;
    let plan = plan::plan(doc, &existing, org, now).map_err(ImportFailure)?;
    tracing::debug!(elapsed_ms = checking.elapsed().as_millis() as u64, "document checked");
    let outcome = ImportOutcome { summary: plan.summary, report: plan.report };
    if !options.dry_run {
        import_plan::load(org, conn, plan.tables, plan.changes, plan.new_customers, plan.today).await?;
    }
    Ok(outcome)
}
