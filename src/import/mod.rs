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

mod document;
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
}

impl std::fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "imported {} customers, {} locations, {} membership types, {} memberships, {} check-ins and {} other records",
            self.customers, self.locations, self.membership_types, self.memberships, self.check_ins, self.other_records
        )
    }
}

/// Imports a document into the organization in one transaction.
pub async fn import(
    db: &Db,
    org: &OrgScope,
    doc: &ImportDocument,
    now: Timestamp,
) -> Result<ImportSummary, ImportFailure> {
    let mut tx = db.begin_write().await?;
    // A large import writes index pages all over the file: a page cache big
    // enough to hold them saves re-reading and spilling them (it grows only
    // as needed, and goes back to its usual size before the commit).
    let usual_cache = bulk::cache_size(&mut tx).await?;
    if usual_cache.is_some() {
        bulk::set_cache_size(&mut tx, -IMPORT_CACHE_KIB).await?;
    }
    let result = import_in(org, &mut tx, doc, now).await;
    if let Some(usual) = usual_cache {
        bulk::set_cache_size(&mut tx, usual).await?;
    }
    let summary = result?;
    tx.commit().await?;
    Ok(summary)
}

/// The page cache during an import, in KiB: enough for 100,000 customers'
/// indexes.
const IMPORT_CACHE_KIB: i64 = 1024 * 1024;

async fn import_in(
    org: &OrgScope,
    conn: &mut crate::storage::Conn,
    doc: &ImportDocument,
    now: Timestamp,
) -> Result<ImportSummary, ImportFailure> {
    let checking = std::time::Instant::now();
    let existing = import_plan::existing(org, conn).await?;
    let plan = plan::plan(doc, &existing, org, now).map_err(ImportFailure)?;
    tracing::debug!(elapsed_ms = checking.elapsed().as_millis() as u64, "document checked");
    import_plan::load(org, conn, plan.tables, plan.new_customers, plan.today).await?;
    Ok(plan.summary)
}
