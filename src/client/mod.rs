//! The HTTP client for the Customers API (ours or Capitan's): only Capitan's
//! paths and parameters, so the same code works against the real service.
//!
//! Reads are retried a bounded number of times with backoff when the network
//! or the server fails; writes never are. Every failure is a [`ClientError`].

mod duplicates;
pub mod error;
pub mod records;
pub mod staff;

use std::time::Duration;

use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::model::subrecords::{CustomerMembership, Document, EntryPass};
pub use error::ClientError;
use records::{Alert, CheckIn, EmergencyContact, Location, Note, Relation};

use crate::desk::{Delivery, Scan};
use crate::model::{Customer, Page};

/// A reqwest client builder with rustls on the `ring` provider (a pure-Rust
/// build with no C toolchain beyond `cc`, faster to compile than aws-lc-rs).
pub fn http_builder() -> reqwest::ClientBuilder {
    install_crypto_provider();
    reqwest::Client::builder()
}

/// Installs `ring` as the process's rustls provider (once; harmless if one is
/// already installed).
pub fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

pub type ClientResult<T> = Result<T, ClientError>;

/// Largest photo the client will download (a 512x512 JPEG is far smaller).
pub const PHOTO_MAX_BYTES: usize = 8 * 1024 * 1024;
/// Rows per customer-list page: the API's maximum, so a scroll needs few requests.
pub const LIST_PAGE_SIZE: u64 = 50;
/// How many recent check-ins the detail pane shows.
pub const RECENT_CHECK_INS: u64 = 10;
/// Why a scan was kept rather than sent when the server answered `401`: the app asks for a login.
pub const SIGNED_OUT: &str = "the server asks for a new login (401)";

/// How long a scan waits for the server before it is queued: a line is forming at the desk.
pub const SCAN_TIMEOUT: Duration = Duration::from_secs(4);

/// How patient the client is.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub request: Duration,
    /// Attempts for a read whose failure is transient (1 = no retry).
    pub read_attempts: u32,
    /// Backoff before the second attempt; doubled for each later one.
    pub first_backoff: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(5),
            request: Duration::from_secs(15),
            read_attempts: 3,
            first_backoff: Duration::from_millis(300),
        }
    }
}

/// A customer search: the `search` text plus filter parameters, each named
/// exactly as the seed names it (`age_min`, `tags`, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerQuery {
    pub search: String,
    pub filters: Vec<(String, String)>,
}

impl CustomerQuery {
    fn params(&self, page_size: u64) -> Vec<(String, String)> {
        let mut params = vec![("page_size".to_string(), page_size.to_string())];
        let search = self.search.trim();
        if !search.is_empty() {
            params.push(("search".into(), search.to_string()));
        }
        params.extend(self.filters.iter().filter(|(_, v)| !v.trim().is_empty()).cloned());
        params
    }
}

/// A customer sub-collection the detail pane loads on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubCollection {
    EmergencyContacts,
    Relations,
    Alerts,
    Notes,
    CheckIns,
    /// Memberships held or covering the customer.
    Memberships,
    /// Entry passes the customer owns.
    EntryPasses,
    /// Signed documents: waivers.
    Documents,
}

impl SubCollection {
    pub const ALL: [SubCollection; 8] = [
        SubCollection::Alerts,
        SubCollection::Notes,
        SubCollection::Memberships,
        SubCollection::EntryPasses,
        SubCollection::Documents,
        SubCollection::EmergencyContacts,
        SubCollection::Relations,
        SubCollection::CheckIns,
    ];

    /// The hyphenated path segment under `/api/customers/{id}/`.
    pub fn segment(self) -> &'static str {
        match self {
            SubCollection::EmergencyContacts => "emergency-contacts",
            SubCollection::Relations => "relations",
            SubCollection::Alerts => "alerts",
            SubCollection::Notes => "notes",
            SubCollection::CheckIns => "check-ins",
            SubCollection::Memberships => "memberships",
            SubCollection::EntryPasses => "entry-passes",
            SubCollection::Documents => "documents",
        }
    }

    /// The customer's own link to it (absolute on Capitan), when it gives one.
    fn link(self, customer: &Customer) -> &str {
        match self {
            SubCollection::EmergencyContacts => &customer.emergency_contacts_url,
            SubCollection::Relations => &customer.relations_url,
            SubCollection::Alerts => &customer.alerts_url,
            SubCollection::Notes => &customer.notes_url,
            SubCollection::CheckIns => &customer.check_ins_url,
            SubCollection::Memberships => &customer.memberships_url,
            SubCollection::EntryPasses => &customer.entry_passes_url,
            SubCollection::Documents => &customer.documents_url,
        }
    }
}

/// One loaded sub-collection: the records shown and how many exist.
#[derive(Debug, Clone, PartialEq)]
pub enum SubRecords {
    EmergencyContacts(Vec<EmergencyContact>),
    Relations(Vec<Relation>),
    Alerts(Vec<Alert>),
    Notes(Vec<Note>),
    /// The most recent check-ins and the customer's total.
    CheckIns(Vec<CheckIn>, u64),
    Memberships(Vec<CustomerMembership>),
    EntryPasses(Vec<EntryPass>),
    Documents(Vec<Document>),
}

/// A logged-in connection to one API.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    /// Shared by every clone: a new login ([`Client::log_in`]) reaches them all.
    token: std::sync::Arc<std::sync::RwLock<String>>,
    timeouts: Timeouts,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token stays out of logs and panics.
        f.debug_struct("Client").field("base", &self.base.as_str()).finish_non_exhaustive()
    }
}

/// Parses an API base URL (`https://api.hellocapitan.com/api/`), adding the
/// trailing slash that relative paths need.
pub fn parse_base_url(raw: &str) -> Result<Url, String> {
    let trimmed = raw.trim();
    let with_slash = if trimmed.ends_with('/') { trimmed.to_string() } else { format!("{trimmed}/") };
    let url = Url::parse(&with_slash).map_err(|e| format!("base_url {trimmed:?} is not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("base_url {trimmed:?} must start with http:// or https://"));
    }
    Ok(url)
}

fn build_http(timeouts: &Timeouts) -> ClientResult<reqwest::Client> {
    http_builder()
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.request)
        .user_agent(concat!("frontdesk/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ClientError::Offline(format!("cannot start the HTTP client: {e}")))
}

/// `POST get-token/`: trades a username and password for a token (see [`staff::request_token`]).
pub async fn get_token(base: &Url, username: &str, password: &str) -> ClientResult<String> {
    Ok(staff::request_token(base, username, &staff::Credential::Password(password.to_string())).await?)
}

impl Client {
    pub fn new(base: Url, token: &str) -> ClientResult<Client> {
        Self::with_timeouts(base, token, Timeouts::default())
    }

    pub fn with_timeouts(base: Url, token: &str, timeouts: Timeouts) -> ClientResult<Client> {
        let token = std::sync::Arc::new(std::sync::RwLock::new(token.trim().to_string()));
        Ok(Client { http: build_http(&timeouts)?, base, token, timeouts })
    }

    /// Logs in again (`POST get-token/`) and uses the new token from now on, in every clone of this
    /// client: after a `401` (a token revoked or expired), nothing else has to be rebuilt.
    pub async fn log_in(&self, username: &str, password: &str) -> ClientResult<()> {
        let token = get_token(&self.base, username, password).await?;
        *self.token.write().unwrap_or_else(std::sync::PoisonError::into_inner) = token.trim().to_string();
        Ok(())
    }

    fn token(&self) -> String {
        self.token.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    fn url(&self, path: &str) -> ClientResult<Url> {
        self.base.join(path).map_err(|e| ClientError::BadResponse(format!("bad path {path}: {e}")))
    }

    /// Whether `url` is on the API's own origin: only there does the token go.
    fn same_origin(&self, url: &Url) -> bool {
        url.scheme() == self.base.scheme()
            && url.host_str() == self.base.host_str()
            && url.port_or_known_default() == self.base.port_or_known_default()
    }

    fn request(&self, method: Method, url: Url) -> reqwest::RequestBuilder {
        self.request_as(method, url, None)
    }

    /// [`Client::request`] under another staff member's token (`None`: this client's own).
    fn request_as(&self, method: Method, url: Url, token: Option<&str>) -> reqwest::RequestBuilder {
        let authorized = self.same_origin(&url);
        let req = self.http.request(method, url);
        if !authorized {
            return req;
        }
        match token {
            Some(token) => req.header(reqwest::header::AUTHORIZATION, format!("Token {token}")),
            None => req.header(reqwest::header::AUTHORIZATION, format!("Token {}", self.token())),
        }
    }

    /// A GET answering JSON, retried while the failure is transient.
    async fn get_json<T: DeserializeOwned>(&self, url: Url, query: &[(String, String)]) -> ClientResult<T> {
        let bytes = self.get_bytes(url, query, usize::MAX).await?;
        serde_json::from_slice(&bytes).map_err(|e| ClientError::BadResponse(format!("unreadable JSON: {e}")))
    }

    /// A GET's body (at most `limit` bytes), retried while the failure is transient.
    async fn get_bytes(&self, url: Url, query: &[(String, String)], limit: usize) -> ClientResult<Vec<u8>> {
        let mut backoff = self.timeouts.first_backoff;
        let mut attempt = 1;
        loop {
            match self.get_once(url.clone(), query, limit).await {
                Err(e) if e.is_transient() && attempt < self.timeouts.read_attempts => {
                    tokio::time::sleep(backoff).await;
                    backoff *= 2;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn get_once(&self, url: Url, query: &[(String, String)], limit: usize) -> ClientResult<Vec<u8>> {
        let mut req = self.request(Method::GET, url);
        if !query.is_empty() {
            req = req.query(query);
        }
        let mut resp = req.send().await.map_err(|e| ClientError::Offline(error::describe_transport(&e)))?;
        let status = resp.status();
        if let Some(len) = resp.content_length()
            && len as usize > limit
        {
            return Err(ClientError::BadResponse(format!("answer of {len} bytes is larger than {limit}")));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| ClientError::Offline(error::describe_transport(&e)))? {
            if body.len() + chunk.len() > limit {
                return Err(ClientError::BadResponse(format!("answer larger than {limit} bytes")));
            }
            body.extend_from_slice(&chunk);
        }
        if status.is_success() {
            Ok(body)
        } else {
            Err(error::from_status(status.as_u16(), &String::from_utf8_lossy(&body)))
        }
    }

    /// The first page of customers matching `query`.
    pub async fn customers(&self, query: &CustomerQuery, page_size: u64) -> ClientResult<Page<Customer>> {
        self.get_json(self.url("customers/")?, &query.params(page_size)).await
    }

    /// A page by the absolute URL a previous page named as `next`.
    pub async fn customers_page(&self, next: &str) -> ClientResult<Page<Customer>> {
        self.get_json(self.follow(next)?, &[]).await
    }

    /// Every customer matching `query`, following `next` until it is null or
    /// `max` rows are collected.
    pub async fn all_customers(&self, query: &CustomerQuery, max: usize) -> ClientResult<Vec<Customer>> {
        let mut page = self.customers(query, crate::model::paging::MAX_PAGE_SIZE).await?;
        let mut rows = std::mem::take(&mut page.results);
        while let Some(next) = page.next.take()
            && rows.len() < max
        {
            page = self.customers_page(&next).await?;
            rows.append(&mut page.results);
        }
        rows.truncate(max);
        Ok(rows)
    }

    pub async fn customer(&self, id: i64) -> ClientResult<Customer> {
        self.get_json(self.url(&format!("customers/{id}/"))?, &[]).await
    }

    /// A `next` link must stay on the API's origin, so a hostile answer cannot
    /// send the token elsewhere.
    fn follow(&self, link: &str) -> ClientResult<Url> {
        let url =
            Url::parse(link).or_else(|_| self.base.join(link)).map_err(|e| ClientError::BadResponse(e.to_string()))?;
        if self.same_origin(&url) {
            Ok(url)
        } else {
            Err(ClientError::BadResponse(format!(
                "a page link points off the API's server ({})",
                url.origin().ascii_serialization()
            )))
        }
    }

    /// Loads one sub-collection of a customer: its first page (the newest
    /// check-ins; up to 100 of the other kinds). `Ok(None)` when this server
    /// does not offer that sub-collection (it answers 404).
    pub async fn sub_collection(&self, customer: &Customer, kind: SubCollection) -> ClientResult<Option<SubRecords>> {
        let link = kind.link(customer);
        let url = if link.is_empty() {
            self.url(&format!("customers/{}/{}/", customer.id, kind.segment()))?
        } else {
            self.follow(link)?
        };
        self.sub_collection_at(url, kind).await
    }

    /// [`Self::sub_collection`] of a customer known only by id.
    pub async fn records_of(&self, customer_id: i64, kind: SubCollection) -> ClientResult<Option<SubRecords>> {
        self.sub_collection_at(self.url(&format!("customers/{customer_id}/{}/", kind.segment()))?, kind).await
    }

    async fn sub_collection_at(&self, url: Url, kind: SubCollection) -> ClientResult<Option<SubRecords>> {
        let size = if kind == SubCollection::CheckIns { RECENT_CHECK_INS } else { crate::model::paging::MAX_PAGE_SIZE };
        let query = [("page_size".to_string(), size.to_string())];
        macro_rules! page {
            ($t:ty) => {
                match self.get_json::<Page<$t>>(url, &query).await {
                    Ok(page) => page,
                    Err(ClientError::NotFound(_)) => return Ok(None),
                    Err(e) => return Err(e),
                }
            };
        }
        Ok(Some(match kind {
            SubCollection::EmergencyContacts => SubRecords::EmergencyContacts(page!(EmergencyContact).results),
            SubCollection::Relations => SubRecords::Relations(page!(Relation).results),
            SubCollection::Alerts => SubRecords::Alerts(page!(Alert).results),
            SubCollection::Notes => SubRecords::Notes(page!(Note).results),
            SubCollection::CheckIns => {
                let page = page!(CheckIn);
                SubRecords::CheckIns(page.results, page.count)
            }
            SubCollection::Memberships => SubRecords::Memberships(page!(CustomerMembership).results),
            SubCollection::EntryPasses => SubRecords::EntryPasses(page!(EntryPass).results),
            SubCollection::Documents => SubRecords::Documents(page!(Document).results),
        }))
    }

    /// Sends a write once (writes are never retried: a lost answer could mean it was applied) and
    /// returns the body of a 2xx answer.
    async fn write(&self, method: Method, url: Url, body: &Map<String, Value>) -> ClientResult<Vec<u8>> {
        let resp = self
            .request(method, url)
            .json(body)
            .send()
            .await
            .map_err(|e| ClientError::Offline(error::describe_transport(&e)))?;
        read_answer(resp).await
    }

    fn parse<T: DeserializeOwned>(bytes: &[u8]) -> ClientResult<T> {
        serde_json::from_slice(bytes).map_err(|e| ClientError::BadResponse(format!("unreadable JSON: {e}")))
    }

    /// `POST customers/`: a new customer (a walk-in).
    pub async fn create_customer(&self, body: &Map<String, Value>) -> ClientResult<Customer> {
        Self::parse(&self.write(Method::POST, self.url("customers/")?, body).await?)
    }

    /// `PATCH customers/{id}/` with the fields given (only those change).
    pub async fn update_customer(&self, id: i64, body: &Map<String, Value>) -> ClientResult<Customer> {
        Self::parse(&self.write(Method::PATCH, self.url(&format!("customers/{id}/"))?, body).await?)
    }

    /// `POST customers/{id}/<kind>/`: a new emergency contact, note or alert; answers the record.
    pub async fn create_record(
        &self,
        customer_id: i64,
        kind: SubCollection,
        body: &Map<String, Value>,
    ) -> ClientResult<Value> {
        let url = self.url(&format!("customers/{customer_id}/{}/", kind.segment()))?;
        Self::parse(&self.write(Method::POST, url, body).await?)
    }

    /// `PATCH` of a record's own URL (which must be on the API's server).
    pub async fn update_record(&self, record_url: &str, body: &Map<String, Value>) -> ClientResult<Value> {
        Self::parse(&self.write(Method::PATCH, self.follow(record_url)?, body).await?)
    }

    /// The organization's locations (`gyms/`), for the home location choice.
    pub async fn locations(&self) -> ClientResult<Vec<Location>> {
        let query = [("page_size".to_string(), crate::model::paging::MAX_PAGE_SIZE.to_string())];
        let page: Page<Location> = self.get_json(self.url("gyms/")?, &query).await?;
        Ok(page.results)
    }

    /// The customer whose barcode is exactly `code`, found through the search (which also matches
    /// other fields and parts of barcodes, so the exact match is picked here).
    pub async fn customer_by_barcode(&self, code: &str) -> ClientResult<Option<Customer>> {
        let query = CustomerQuery { search: code.to_string(), filters: Vec::new() };
        let page = self.customers(&query, 20).await?;
        Ok(page.results.into_iter().find(|c| c.barcode.trim() == code.trim()))
    }

    /// `PATCH customers/{id}/` as `multipart/form-data` with the photo as the `profile_image` file
    /// part. `progress(sent, total)` is called as the body goes out.
    pub async fn upload_photo(
        &self,
        id: i64,
        jpeg: Vec<u8>,
        progress: impl Fn(u64, u64) + Send + Sync + 'static,
    ) -> ClientResult<Customer> {
        const CHUNK: usize = 16 * 1024;
        let total = jpeg.len() as u64;
        let chunks: Vec<bytes::Bytes> = jpeg.chunks(CHUNK).map(bytes::Bytes::copy_from_slice).collect();
        let mut sent = 0u64;
        // Each chunk is counted as the connection takes it, so the count follows the upload.
        let stream = futures_util::stream::iter(chunks.into_iter().map(move |chunk| {
            sent += chunk.len() as u64;
            progress(sent, total);
            Ok::<_, std::io::Error>(chunk)
        }));
        let part = reqwest::multipart::Part::stream_with_length(reqwest::Body::wrap_stream(stream), total)
            .file_name("photo.jpg")
            .mime_str("image/jpeg")
            .map_err(|e| ClientError::BadResponse(e.to_string()))?;
        let form = reqwest::multipart::Form::new().part("profile_image", part);
        let resp = self
            .request(Method::PATCH, self.url(&format!("customers/{id}/"))?)
            .multipart(form)
            .send()
            .await
            .map_err(|e| ClientError::Offline(error::describe_transport(&e)))?;
        Self::parse(&read_answer(resp).await?)
    }

    /// Sends a scan: `POST gym-endpoints/barcode-check-in/<barcode>/` with the scan's
    /// `Idempotency-Key` (so a repeat is applied once) and its location. Never retried here: a scan
    /// the server may not have seen goes to the offline journal, which sends it again with the same key.
    pub async fn deliver_scan(&self, scan: &Scan) -> Delivery {
        self.send_scan(scan, false, None).await
    }

    /// (ours) A scan the rules refused, sent again with `override_reason`: our server lets the
    /// customer in and keeps the reason; a server without overrides ignores the field (Capitan) or
    /// refuses the scan again. `token`: a manager's, when the override needs one (`None`: the
    /// desk's own). Never retried, never queued.
    pub async fn deliver_override(&self, scan: &Scan, reason: &str, token: Option<&str>) -> Delivery {
        self.send_scan(scan, false, Some((reason, token))).await
    }

    /// Sends a scan from the offline queue: as [`Client::deliver_scan`], with the moment it was taken
    /// as `scanned_at` (our server's extension, RFC 3339 UTC; Capitan ignores it), so the check-in is
    /// dated when the customer was scanned, not when the server came back.
    pub async fn deliver_queued_scan(&self, scan: &Scan) -> Delivery {
        self.send_scan(scan, true, None).await
    }

    /// `overriding`: the override's reason and the token to send it under.
    async fn send_scan(&self, scan: &Scan, late: bool, overriding: Option<(&str, Option<&str>)>) -> Delivery {
        let mut url = match self.url("gym-endpoints/barcode-check-in/") {
            Ok(url) => url,
            Err(e) => return Delivery::Unreachable(e.summary()),
        };
        // The code is one path segment, whatever characters it holds; the trailing slash stays.
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().push(&scan.barcode).push("");
        }
        self.post_check_in(url, &scan.key, scan.location_id, late.then_some(scan.taken_at), overriding).await
    }

    /// (ours) `POST customers/{id}/check-ins/`: a check-in of a customer by id (a family member,
    /// perhaps without a card), with its own `Idempotency-Key`, answered as a scan is. Never retried
    /// here: the caller sends it again with the same key.
    pub async fn check_in_customer(
        &self,
        customer_id: i64,
        key: &crate::desk::IdempotencyKey,
        location_id: Option<i64>,
    ) -> Delivery {
        match self.url(&format!("customers/{customer_id}/check-ins/")) {
            Ok(url) => self.post_check_in(url, key, location_id, None, None).await,
            Err(e) => Delivery::Unreachable(e.summary()),
        }
    }

    /// (ours) `GET customers/{id}/check-in-preview/`: what a check-in would answer now, nothing
    /// written. `Ok(None)` when this server has no preview (Capitan: `404`).
    pub async fn check_in_preview(
        &self,
        customer_id: i64,
        location_id: Option<i64>,
    ) -> ClientResult<Option<crate::model::check_in_preview::CheckInPreview>> {
        let url = self.url(&format!("customers/{customer_id}/check-in-preview/"))?;
        let query: Vec<(String, String)> =
            location_id.map(|id| ("location_id".to_string(), id.to_string())).into_iter().collect();
        match self.get_json(url, &query).await {
            Ok(preview) => Ok(Some(preview)),
            Err(ClientError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A check-in `POST` to `url` with the key, the location, (for a late scan) `scanned_at` and
    /// (for an override) its reason and the token to send it under.
    async fn post_check_in(
        &self,
        url: Url,
        key: &crate::desk::IdempotencyKey,
        location_id: Option<i64>,
        scanned_at: Option<jiff::Timestamp>,
        overriding: Option<(&str, Option<&str>)>,
    ) -> Delivery {
        let token = overriding.and_then(|(_, token)| token);
        let mut req =
            self.request_as(Method::POST, url, token).header("Idempotency-Key", key.as_str()).timeout(SCAN_TIMEOUT);
        let mut body = Map::new();
        if let Some(location_id) = location_id {
            body.insert("location_id".into(), location_id.into());
        }
        if let Some(taken_at) = scanned_at {
            // Whole seconds in UTC (`2026-03-10T16:05:00Z`), cut rather than rounded: never later than the scan.
            let second = jiff::TimestampRound::new().smallest(jiff::Unit::Second).mode(jiff::RoundMode::Trunc);
            let at = taken_at.round(second).unwrap_or(taken_at);
            body.insert("scanned_at".into(), at.to_string().into());
        }
        if let Some((reason, _)) = overriding {
            body.insert("override_reason".into(), reason.into());
        }
        if !body.is_empty() {
            req = req.json(&body);
        }
        let resp = match req.send().await {
            Ok(resp) => resp,
            Err(e) => return Delivery::Unreachable(error::describe_transport(&e)),
        };
        let status = resp.status().as_u16();
        let text = match resp.text().await {
            Ok(text) => text,
            Err(e) => return Delivery::Unreachable(error::describe_transport(&e)),
        };
        match status {
            200..=299 => Delivery::accepted(text),
            // Not applied, and a later attempt can pass: a token to renew, a busy or broken server.
            401 => Delivery::Unreachable(SIGNED_OUT.to_string()),
            403 | 408 | 429 | 500..=599 => Delivery::Unreachable(format!("the server answered {status}")),
            _ => Delivery::refused(status, refusal_text(&text)),
        }
    }

    /// `DELETE check-ins/{id}/`: our server's void of a check-in made today.
    pub async fn void_check_in(&self, id: i64) -> ClientResult<()> {
        let resp = self
            .request(Method::DELETE, self.url(&format!("check-ins/{id}/"))?)
            .send()
            .await
            .map_err(|e| ClientError::Offline(error::describe_transport(&e)))?;
        read_answer(resp).await.map(|_| ())
    }

    /// A profile photo's bytes. The token is sent only when the photo is on
    /// the API's own server (Capitan keeps photos on a storage service).
    pub async fn photo(&self, url: &str) -> ClientResult<Vec<u8>> {
        let url =
            Url::parse(url).or_else(|_| self.base.join(url)).map_err(|e| ClientError::BadResponse(e.to_string()))?;
        self.get_bytes(url, &[], PHOTO_MAX_BYTES).await
    }
}

/// A refusal as the desk shows it: Capitan's plain text as it is; a JSON `{"detail": ..}` by its detail.
fn refusal_text(body: &str) -> String {
    let detail = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.get("detail").and_then(Value::as_str).map(str::to_string));
    detail.unwrap_or_else(|| body.trim().to_string())
}

/// The body of a 2xx answer, or the typed error of any other.
async fn read_answer(resp: reqwest::Response) -> ClientResult<Vec<u8>> {
    let status = resp.status();
    let body = resp.bytes().await.map_err(|e| ClientError::Offline(error::describe_transport(&e)))?;
    if status.is_success() {
        Ok(body.to_vec())
    } else {
        Err(error::from_status(status.as_u16(), &String::from_utf8_lossy(&body)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_gain_a_trailing_slash_and_must_be_http() {
        assert_eq!(
            parse_base_url("https://api.hellocapitan.com/api").unwrap().as_str(),
            "https://api.hellocapitan.com/api/"
        );
        assert!(parse_base_url("ftp://x/api/").is_err());
        assert!(parse_base_url("not a url").is_err());
    }

    #[test]
    fn the_token_goes_only_to_the_api_origin() {
        let client = Client::new(parse_base_url("http://127.0.0.1:8000/api/").unwrap(), "t").unwrap();
        assert!(client.same_origin(&Url::parse("http://127.0.0.1:8000/media/a.jpg").unwrap()));
        assert!(!client.same_origin(&Url::parse("http://127.0.0.1:9000/media/a.jpg").unwrap()));
        assert!(!client.same_origin(&Url::parse("https://bucket.example/a.jpg").unwrap()));
        assert!(client.follow("https://evil.example/api/customers/?page=2").is_err());
        assert!(client.follow("http://127.0.0.1:8000/api/customers/?page=2").is_ok());
    }

    #[test]
    fn queries_send_only_filled_filters_by_their_seed_names() {
        let q = CustomerQuery {
            search: "  ann ".into(),
            filters: vec![("age_min".into(), "18".into()), ("tags".into(), " ".into())],
        };
        assert_eq!(
            q.params(50),
            vec![
                ("page_size".to_string(), "50".to_string()),
                ("search".into(), "ann".into()),
                ("age_min".into(), "18".into())
            ]
        );
    }
}
