//! The duplicate check (our server's extension, issue 16):
//! `GET /api/customers/possible-duplicates/`.

use super::{Client, ClientError, ClientResult};
use crate::model::duplicates::DuplicateProbe;
use crate::model::{Customer, Page};

impl Client {
    /// The customers that may be the one `probe` describes, best match first;
    /// `None` when the server has no such check (Capitan answers `404`).
    pub async fn possible_duplicates(&self, probe: &DuplicateProbe) -> ClientResult<Option<Vec<Customer>>> {
        let url = self.url("customers/possible-duplicates/")?;
        match self.get_json::<Page<Customer>>(url, &probe.params()).await {
            Ok(page) => Ok(Some(page.results)),
            Err(ClientError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
