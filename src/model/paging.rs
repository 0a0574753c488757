//! The paging envelope every list endpoint answers with (DRF's page-number
//! pagination), and its limits.

use serde::{Deserialize, Serialize};

/// Page size when a request gives none, or one that is not a positive integer.
pub const DEFAULT_PAGE_SIZE: u64 = 10;
/// Largest page a request can get; larger requests are clamped to it.
pub const MAX_PAGE_SIZE: u64 = 100;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Page<T> {
    pub count: u64,
    pub next: Option<String>,
    pub previous: Option<String>,
    pub results: Vec<T>,
}
