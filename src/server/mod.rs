//! The Capitan-compatible API server: an axum router over [`crate::storage`].
//!
//! Handlers are thin: extract, call storage, shape the answer. Every failure
//! is an [`error::ApiError`], so every endpoint answers errors the same way.

pub mod auth;
pub mod body;
pub mod check_in_override;
pub mod check_in_preview;
pub mod check_ins;
pub mod customers;
pub mod duplicates;
pub mod error;
pub mod filters;
pub mod floor;
pub mod gym_endpoints;
pub mod gyms;
pub mod health;
pub mod listener;
pub mod listing;
pub mod media;
pub mod media_sweep;
pub mod memberships;
pub mod openapi;
pub mod paging;
pub mod photos;
pub mod relations;
pub mod reservations;
pub mod subcollections;

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::storage::{Clock, Db, OrgScope, StoreResult, derived};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    public_url: String,
    /// Where photos are stored, and the base of their URLs (the store's
    /// public base, or this server's `/media`).
    photo_store: crate::photo::PhotoStore,
    media_url: String,
    clock: Clock,
    /// The local date each organization's summary columns are known to be
    /// current for, so the check costs nothing on most requests.
    derived_dates: Mutex<HashMap<i64, Date>>,
    /// The bounded pool password checks run on.
    passwords: crate::storage::auth::PasswordChecker,
    /// Failed-login counts per client address and per username.
    login_throttle: Arc<dyn crate::storage::throttle::LoginThrottle>,
    /// The customer list in memory (`None` when `--customer-index off`).
    customer_index: Option<crate::storage::customer_index::CustomerIndex>,
    options: ServeOptions,
}

/// The server's limits and policies, with the defaults `frontdesk serve` uses.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Failed logins allowed per client address and per username.
    pub login_limits: crate::storage::throttle::ThrottleLimits,
    /// Timeouts and the connection cap.
    pub connections: listener::ConnectionLimits,
    /// How commits reach the disk (`synchronous=FULL` by default).
    pub durability: crate::storage::Durability,
    /// Tokens older than this stop working (`None`: they never expire).
    pub token_ttl: Option<Duration>,
    /// How long a refused login (throttled, or every password worker busy)
    /// waits before its `429` is sent (see `server::auth`).
    pub login_refusal_hold: Duration,
    /// Whether customer lists and records are answered from the in-memory
    /// customer index (`storage::customer_index`) rather than by SQL.
    pub customer_index: bool,
    /// Whether a token's identity is kept while nothing is committed (see
    /// `storage::auth::current_identity`) rather than read per request.
    pub token_cache: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            login_limits: crate::storage::throttle::ThrottleLimits::default(),
            connections: listener::ConnectionLimits::default(),
            durability: crate::storage::Durability::default(),
            token_ttl: None,
            login_refusal_hold: Duration::from_secs(1),
            customer_index: true,
            token_cache: true,
        }
    }
}

impl AppState {
    /// `media` is a [`PhotoStore`](crate::photo::PhotoStore), or a folder's path.
    pub fn new(db: Db, public_url: &str, media: impl Into<crate::photo::PhotoStore>, clock: Clock) -> AppState {
        AppState::with_options(db, public_url, media, clock, ServeOptions::default())
    }

    pub fn with_options(
        db: Db,
        public_url: &str,
        media: impl Into<crate::photo::PhotoStore>,
        clock: Clock,
        options: ServeOptions,
    ) -> AppState {
        let public_url = public_url.trim_end_matches('/').to_string();
        let photo_store = media.into();
        let media_url = match photo_store.public_url() {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("{public_url}/media"),
        };
        let customer_index = options.customer_index.then(|| {
            let (base, media) = (public_url.clone(), media_url.clone());
            let render: crate::storage::customer_index::Render = Arc::new(move |customer| {
                let urls = Urls { base: &base, media: &media };
                let mut customer = customer;
                customer.resolve_links(&urls);
                serde_json::to_string(&customer)
            });
            crate::storage::customer_index::CustomerIndex::new(db.clone(), render)
        });
        AppState {
            inner: Arc::new(Inner {
                customer_index,
                db,
                public_url,
                photo_store,
                media_url,
                clock,
                derived_dates: Mutex::new(HashMap::new()),
                passwords: crate::storage::auth::PasswordChecker::per_core(),
                login_throttle: Arc::new(crate::storage::throttle::MemoryThrottle::new(options.login_limits)),
                options,
            }),
        }
    }

    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    /// The public base URL, without a trailing slash (`http://127.0.0.1:8000`).
    pub fn public_url(&self) -> &str {
        &self.inner.public_url
    }

    /// Where profile photos are stored: a folder or a bucket.
    pub fn photo_store(&self) -> &crate::photo::PhotoStore {
        &self.inner.photo_store
    }

    pub fn passwords(&self) -> &crate::storage::auth::PasswordChecker {
        &self.inner.passwords
    }

    pub fn login_throttle(&self) -> &dyn crate::storage::throttle::LoginThrottle {
        &*self.inner.login_throttle
    }

    pub fn options(&self) -> &ServeOptions {
        &self.inner.options
    }

    /// The in-memory customer list, unless turned off.
    pub fn customer_index(&self) -> Option<&crate::storage::customer_index::CustomerIndex> {
        self.inner.customer_index.as_ref()
    }

    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    pub fn now_micros(&self) -> i64 {
        self.inner.clock.now_micros()
    }

    /// The organization's local date now.
    pub fn today(&self, org: &OrgScope) -> Date {
        org.local_date(self.inner.clock.now())
    }

    /// Absolute URLs of the API's resources.
    pub fn urls(&self) -> Urls<'_> {
        Urls { base: &self.inner.public_url, media: &self.inner.media_url }
    }

    /// Brings the organization's date-dependent summary columns up to today
    /// (once per organization per local day); true when it had to look.
    pub async fn ensure_derived_current(&self, org: &OrgScope) -> StoreResult<bool> {
        let today = self.today(org);
        if self.derived_dates().get(&org.id) == Some(&today) {
            return Ok(false);
        }
        derived::ensure_current(org, &self.inner.db, today).await?;
        self.derived_dates().insert(org.id, today);
        Ok(true)
    }

    /// Forgets what [`ensure_derived_current`] knows (after an import).
    pub fn forget_derived_dates(&self) {
        self.derived_dates().clear();
    }

    /// The dates map, even if a request panicked while holding it: every
    /// change to it is one `insert` or `clear`, so it is never half-made,
    /// and a poisoned lock must not turn every later request into a 500.
    fn derived_dates(&self) -> MutexGuard<'_, HashMap<i64, Date>> {
        self.inner.derived_dates.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Builds the absolute URLs the API answers with.
#[derive(Clone, Copy)]
pub struct Urls<'a> {
    base: &'a str,
    /// Where stored files are fetched: `<base>/media`, or the media store's
    /// public base.
    media: &'a str,
}

impl Urls<'_> {
    pub fn customer(&self, id: i64) -> String {
        format!("{}/api/customers/{id}/", self.base)
    }

    /// A customer's sub-collection, by its hyphenated path segment.
    pub fn customer_sub(&self, id: i64, segment: &str) -> String {
        format!("{}/api/customers/{id}/{segment}/", self.base)
    }

    /// A record in a customer's sub-collection.
    pub fn customer_sub_record(&self, id: i64, segment: &str, record_id: i64) -> String {
        format!("{}/api/customers/{id}/{segment}/{record_id}/", self.base)
    }

    pub fn location(&self, id: i64) -> String {
        format!("{}/api/gyms/{id}/", self.base)
    }

    pub fn media(&self, file_name: &str) -> String {
        format!("{}/{file_name}", self.media)
    }

    /// A top-level collection or record: `collection("check-ins", Some(5))`.
    pub fn resource(&self, collection: &str, id: Option<i64>) -> String {
        match id {
            Some(id) => format!("{}/api/{collection}/{id}/", self.base),
            None => format!("{}/api/{collection}/", self.base),
        }
    }
}

/// The API's routes, without the outer layers.
pub fn routes(state: AppState) -> Router {
    Router::new()
        .merge(auth::routes())
        .merge(customers::routes())
        .merge(duplicates::routes())
        .merge(gyms::routes())
        .merge(check_ins::routes())
        .merge(subcollections::routes())
        .merge(relations::routes())
        .merge(memberships::routes())
        .merge(reservations::routes())
        .merge(media::routes())
        .merge(openapi::routes())
        .merge(health::routes())
        .fallback(error::not_found)
        .with_state(state)
}

/// `/api/customers` and `/api/customers/1` answer as their slash-terminated
/// forms do (Capitan's paths all end in a slash).
fn append_trailing_slash(mut req: Request) -> Request {
    let path = req.uri().path();
    if path.starts_with("/api/") && !path.ends_with('/') {
        let mut pq = format!("{path}/");
        if let Some(q) = req.uri().query() {
            pq.push('?');
            pq.push_str(q);
        }
        let mut parts = req.uri().clone().into_parts();
        parts.path_and_query = pq.parse().ok();
        if let Ok(uri) = axum::http::Uri::from_parts(parts) {
            *req.uri_mut() = uri;
        }
    }
    req
}

/// A panic in a handler is a logged `500` in the API's shape, not a dropped connection.
fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    error::ApiError::Internal("handler panicked".into()).into_response()
}

/// The whole service: routes plus tracing, timeouts, request ids, panic
/// catching and path normalisation.
pub fn app(state: AppState) -> axum::routing::RouterIntoService<axum::body::Body> {
    layered(routes(state))
}

/// The outer layers every route runs under (the benchmarks' floor uses them too).
fn layered(router: Router) -> axum::routing::RouterIntoService<axum::body::Body> {
    let request_id = HeaderName::from_static("x-request-id");
    router
        .layer(
            tower::ServiceBuilder::new()
                .layer(SetSensitiveRequestHeadersLayer::new([header::AUTHORIZATION, header::COOKIE]))
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(TraceLayer::new_for_http())
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(CatchPanicLayer::custom(panic_response))
                .layer(TimeoutLayer::with_status_code(StatusCode::GATEWAY_TIMEOUT, Duration::from_secs(30))),
        )
        .into_service()
}

/// How to run the server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub db: crate::storage::DbLocation,
    pub listen: SocketAddr,
    /// Where photos are stored: a folder (`PhotoStore::new(dir)`) or a bucket.
    pub media: crate::photo::PhotoStore,
    /// Defaults to `http://<bound address>`.
    pub public_url: Option<String>,
    pub clock: Clock,
}

/// A bound, not yet running, server.
pub struct Server {
    listener: tokio::net::TcpListener,
    /// Where `listener` is bound (asked once, when it is).
    addr: SocketAddr,
    state: AppState,
}

impl Server {
    /// Opens the database (applying migrations) and binds the address.
    pub async fn bind(config: ServerConfig) -> anyhow::Result<Server> {
        Server::bind_with(config, ServeOptions::default()).await
    }

    /// [`bind`](Self::bind) with limits and policies other than the defaults.
    pub async fn bind_with(config: ServerConfig, options: ServeOptions) -> anyhow::Result<Server> {
        let db = Db::connect(&config.db, options.durability).await?;
        let media = &config.media;
        media
            .prepare()
            .await
            .map_err(|e| anyhow::anyhow!("cannot prepare the media store {}: {e}", media.location()))?;
        // Photo files orphaned by a crash mid-upload go before serving starts
        // (and a bucket that cannot be listed stops the start here).
        let now = std::time::SystemTime::now();
        media_sweep::sweep(&db, media, media_sweep::MIN_AGE, now).await?;
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.listen))?;
        let addr = listener.local_addr()?;
        let public_url = config.public_url.clone().unwrap_or_else(|| format!("http://{addr}"));
        let state = AppState::with_options(db, &public_url, config.media.clone(), config.clock.clone(), options);
        Ok(Server { listener, addr, state })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then finishes in-flight requests and
    /// closes the database.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let db = self.state.db().clone();
        let limits = self.state.options().connections;
        tokio::spawn(media_sweep::sweep_periodically(db.clone(), self.state.photo_store().clone()));
        tokio::spawn(warm_customer_index(self.state.clone()));
        let service = tower::ServiceBuilder::new().map_request(append_trailing_slash).service(app(self.state));
        listener::serve(self.listener, service, limits, shutdown).await;
        db.close().await;
        Ok(())
    }
}

/// Loads every organization's customer list before the first request
/// needs it (a request arriving meanwhile waits for its organization's).
async fn warm_customer_index(state: AppState) {
    let Some(index) = state.customer_index() else { return };
    let warmed = async {
        let mut conn = state.db().acquire().await?;
        let orgs = crate::storage::orgs::all(&mut conn).await?;
        drop(conn);
        index.warm(&orgs).await
    }
    .await;
    if let Err(e) = warmed {
        tracing::warn!(error = %e, "warming the customer index failed; it loads on first use");
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::orgs;

    #[tokio::test]
    async fn a_lock_poisoned_by_a_panicking_request_still_serves() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("poison.db")).await.unwrap();
        let org = {
            let mut conn = db.acquire().await.unwrap();
            orgs::create_org(&mut conn, "Poison Gym", "UTC", 0).await.unwrap();
            orgs::org_by_name(&mut conn, "Poison Gym").await.unwrap()
        };
        let state = AppState::new(db, "http://127.0.0.1:1", dir.path().join("media"), Clock::System);
        let held = state.clone();
        let panicked = std::thread::spawn(move || {
            let _guard = held.inner.derived_dates.lock();
            panic!("a request panics while holding the lock");
        })
        .join();
        assert!(panicked.is_err() && state.inner.derived_dates.is_poisoned());
        state.ensure_derived_current(&org).await.unwrap();
        assert_eq!(state.derived_dates().get(&org.id), Some(&state.today(&org)));
        state.ensure_derived_current(&org).await.unwrap();
        state.forget_derived_dates();
        assert!(state.derived_dates().is_empty());
    }
}
