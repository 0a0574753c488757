//! Test support shared by the integration test crates: a real server on
//! `127.0.0.1:0` with a temporary database, and a small HTTP client for it.
#![allow(dead_code)]

use std::path::PathBuf;

use frontdesk::photo::PhotoStore;
use frontdesk::server::{Server, ServerConfig};
use frontdesk::storage::{Clock, Db, DbLocation, Durability, OrgScope, orgs};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tempfile::TempDir;
use tokio::sync::oneshot;

pub const ORG: &str = "Test Gym";
pub const ORG_TZ: &str = "America/Denver";
pub const LOCATION: &str = "Main";
pub const USER: &str = "desk";
pub const PASSWORD: &str = "correct horse battery";

/// The environment variable naming a PostgreSQL server for the tests
/// (`postgres://postgres@127.0.0.1:5432/postgres`): when set, every test
/// database is a new PostgreSQL database on it, made for the test and
/// dropped after it; when unset, a SQLite file in the test's folder.
pub const POSTGRES_ENV: &str = "FRONTDESK_TEST_POSTGRES";

/// A test's own database, removed when dropped.
pub struct TestDb {
    pub location: DbLocation,
    /// The PostgreSQL server's URL and the database made on it.
    made: Option<(String, String)>,
}

impl TestDb {
    /// A new empty database: on the server [`POSTGRES_ENV`] names, else the
    /// SQLite file `name` in `dir`.
    pub async fn new(dir: &std::path::Path, name: &str) -> TestDb {
        let Some(server) = std::env::var(POSTGRES_ENV).ok().filter(|v| !v.is_empty()) else {
            return TestDb { location: DbLocation::File(dir.join(name)), made: None };
        };
        use sqlx::Connection as _;
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let database = format!(
            "frontdesk_test_{}_{}_{:08x}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            rand::random::<u32>()
        );
        let template = migrated_template(&server).await;
        let mut admin = sqlx::PgConnection::connect(&server)
            .await
            .unwrap_or_else(|e| panic!("{POSTGRES_ENV} is set, but its server is unreachable: {e}"));
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {database} TEMPLATE {template}")))
            .execute(&mut admin)
            .await
            .expect("create the test database");
        admin.close().await.ok();
        TestDb { location: DbLocation::Postgres(with_database(&server, &database)), made: Some((server, database)) }
    }

    pub async fn open(&self) -> Db {
        Db::connect(&self.location, Durability::Full).await.expect("open db")
    }
}

/// This test process's migrated, empty database, which every test database
/// is copied from (applying the migrations for each test cost a second).
/// Made once per process, after dropping what processes no longer running
/// left behind.
async fn migrated_template(server: &str) -> String {
    static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    // Copies from one template are made one at a time.
    static COPYING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _turn = COPYING.lock().await;
    TEMPLATE
        .get_or_init(|| async {
            use sqlx::Connection as _;
            let mut admin = sqlx::PgConnection::connect(server)
                .await
                .unwrap_or_else(|e| panic!("{POSTGRES_ENV} is set, but its server is unreachable: {e}"));
            let names: Vec<(String,)> =
                sqlx::query_as("SELECT datname FROM pg_database WHERE datname LIKE 'frontdesk_test_%'")
                    .fetch_all(&mut admin)
                    .await
                    .expect("list databases");
            for (name,) in names {
                let pid = name.trim_start_matches("frontdesk_test_").split('_').next().unwrap_or("");
                if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
                    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(drop)).execute(&mut admin).await;
                }
            }
            let template = format!("frontdesk_test_{}_template", std::process::id());
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {template}")))
                .execute(&mut admin)
                .await
                .expect("create the template database");
            admin.close().await.ok();
            let db = Db::connect(&DbLocation::Postgres(with_database(server, &template)), Durability::Full)
                .await
                .expect("migrate the template database");
            db.close().await;
            template
        })
        .await
        .clone()
}

/// `url` naming `database` instead of its own.
fn with_database(url: &str, database: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a postgres:// URL");
    let (rest, query) = rest.split_once('?').map_or((rest, None), |(r, q)| (r, Some(q)));
    let authority = rest.split_once('/').map_or(rest, |(a, _)| a);
    match query {
        Some(q) => format!("{scheme}://{authority}/{database}?{q}"),
        None => format!("{scheme}://{authority}/{database}"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((server, database)) = self.made.take() else {
            return;
        };
        // Dropped from inside a test's runtime: the drop runs on a thread of
        // its own, and the test goes on (whatever is left when the process
        // ends, the next run's `migrated_template` drops).
        std::thread::spawn(move || {
            use sqlx::Connection as _;
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(async {
                let mut admin = sqlx::PgConnection::connect(&server).await?;
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)")))
                    .execute(&mut admin)
                    .await?;
                admin.close().await
            })
        });
    }
}

/// A running server with its own temporary database and media folder, an
/// organization ("Test Gym", America/Denver) with a location ("Main") and a
/// staff user ("desk").
pub struct TestServer {
    pub base: String,
    pub db: Db,
    /// Dropped after the folder's files and the server (fields drop in order).
    pub dir: TempDir,
    pub test_db: TestDb,
    pub org_id: i64,
    pub location_id: i64,
    /// The server's clock; imports use it too, so that what they compute
    /// for "today" is the server's today.
    pub clock: Clock,
    /// Where the server stores photos: the `media` folder unless a test
    /// gave it a bucket.
    pub media: PhotoStore,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with_clock(Clock::System).await
    }

    pub async fn start_with_clock(clock: Clock) -> TestServer {
        Self::start_with(clock, None).await
    }

    /// Starts a server that stores photos in `media`.
    pub async fn start_with_media(media: PhotoStore) -> TestServer {
        Self::start_with(Clock::System, Some(media)).await
    }

    async fn start_with(clock: Clock, media: Option<PhotoStore>) -> TestServer {
        // FRONTDESK_TEST_LOG=warn (a filter) shows what the server logs.
        if let Ok(filter) = std::env::var("FRONTDESK_TEST_LOG") {
            let _ = tracing_subscriber::fmt().with_env_filter(filter).with_test_writer().try_init();
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let media = media.unwrap_or_else(|| PhotoStore::new(dir.path().join("media")));
        let test_db = TestDb::new(dir.path(), "test.db").await;
        let db = test_db.open().await;
        let org_id = frontdesk::admin::create_org(&db, ORG, ORG_TZ).await.expect("org");
        let location_id = frontdesk::admin::create_location(&db, ORG, LOCATION, None).await.expect("location");
        frontdesk::admin::create_user(&db, ORG, USER, PASSWORD, Some(LOCATION)).await.expect("user");
        let mut server = TestServer {
            base: String::new(),
            dir,
            test_db,
            db,
            org_id,
            location_id,
            clock: clock.clone(),
            media,
            shutdown: None,
            handle: None,
        };
        server.serve(clock).await;
        server
    }

    /// Starts serving the database with `clock` (on a new port).
    async fn serve(&mut self, clock: Clock) {
        self.serve_at("127.0.0.1:0".parse().unwrap(), clock).await;
    }

    /// Starts serving the database with `clock` on `listen`.
    async fn serve_at(&mut self, listen: std::net::SocketAddr, clock: Clock) {
        let config = ServerConfig {
            db: self.test_db.location.clone(),
            listen,
            media: self.media.clone(),
            public_url: None,
            clock: clock.clone(),
        };
        let server = Server::bind(config).await.expect("bind");
        self.base = format!("http://{}", server.local_addr());
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(async move {
            server
                .run(async {
                    let _ = rx.await;
                })
                .await
                .expect("server run");
        });
        self.clock = clock;
        self.shutdown = Some(tx);
        self.handle = Some(handle);
    }

    /// Starts a second server over the same database with `options` and
    /// `clock` (until the test ends); answers its base URL.
    pub async fn serve_also(&self, options: frontdesk::server::ServeOptions, clock: Clock) -> String {
        let config = ServerConfig {
            db: self.test_db.location.clone(),
            listen: "127.0.0.1:0".parse().unwrap(),
            media: self.media.clone(),
            public_url: None,
            clock,
        };
        let server = Server::bind_with(config, options).await.expect("bind");
        let base = format!("http://{}", server.local_addr());
        tokio::spawn(server.run(std::future::pending()));
        base
    }

    /// Like [`start`](Self::start), and also serves `/media/{file}` from the
    /// media folder, so photos can be fetched over HTTP (added for the
    /// terminal app's tests; harmless once the server serves media itself).
    pub async fn start_serving_media() -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let test_db = TestDb::new(dir.path(), "test.db").await;
        let db = test_db.open().await;
        let org_id = frontdesk::admin::create_org(&db, ORG, ORG_TZ).await.expect("org");
        let location_id = frontdesk::admin::create_location(&db, ORG, LOCATION, None).await.expect("location");
        frontdesk::admin::create_user(&db, ORG, USER, PASSWORD, Some(LOCATION)).await.expect("user");
        let media_dir = dir.path().join("media");
        let media_folder = media_dir.clone();
        std::fs::create_dir_all(&media_dir).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = frontdesk::server::AppState::new(db.clone(), &base, media_dir.clone(), Clock::System);
        let router = axum::Router::new()
            .route(
                "/media/{file}",
                axum::routing::get(move |axum::extract::Path(file): axum::extract::Path<String>| {
                    let path = media_dir.join(&file);
                    async move {
                        if file.contains('/') || file.contains("..") {
                            return Err(StatusCode::NOT_FOUND);
                        }
                        tokio::fs::read(path).await.map_err(|_| StatusCode::NOT_FOUND)
                    }
                }),
            )
            .fallback_service(frontdesk::server::app(state));
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await
                .expect("server run");
        });
        TestServer {
            base,
            dir,
            test_db,
            db,
            org_id,
            location_id,
            clock: Clock::System,
            media: PhotoStore::new(media_folder),
            shutdown: Some(tx),
            handle: Some(handle),
        }
    }

    /// Gives a customer a profile photo (full size and small), as files in
    /// the media folder.
    pub async fn set_photo(&self, customer_id: i64, full: &[u8], small: &[u8]) {
        let (full_name, small_name) = (format!("c{customer_id}.jpg"), format!("c{customer_id}-small.jpg"));
        std::fs::write(self.media_dir().join(&full_name), full).unwrap();
        std::fs::write(self.media_dir().join(&small_name), small).unwrap();
        let org = self.org().await;
        let mut tx = self.db.begin_write().await.unwrap();
        let ctx = frontdesk::storage::customers::WriteContext {
            actor: frontdesk::storage::activity::Actor::System,
            now: jiff::Timestamp::now().as_microsecond(),
        };
        frontdesk::storage::customers::set_profile_image(
            &org,
            &mut tx,
            customer_id,
            Some((&full_name, &small_name)),
            ctx,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }

    pub fn media_dir(&self) -> PathBuf {
        self.dir.path().join("media")
    }

    pub async fn org(&self) -> OrgScope {
        let mut conn = self.db.acquire().await.unwrap();
        orgs::org_by_id(&mut conn, self.org_id).await.unwrap()
    }

    /// Logs in as the default staff user.
    pub async fn api(&self) -> Api {
        self.login(USER, PASSWORD).await
    }

    pub async fn login(&self, username: &str, password: &str) -> Api {
        let anon = Api::anonymous(&self.base);
        let (status, body) = anon
            .send(
                Method::POST,
                "/api/get-token/",
                Some(serde_json::json!({"username": username, "password": password})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "login failed: {body}");
        Api { token: Some(body["token"].as_str().unwrap().to_string()), ..anon }
    }

    /// Imports a document (JSON, in the `docs/import.md` format) into the test organization.
    pub async fn import(&self, doc: Value) -> frontdesk::import::ImportSummary {
        self.import_into(ORG, doc).await.expect("import")
    }

    pub async fn import_into(
        &self,
        org: &str,
        doc: Value,
    ) -> Result<frontdesk::import::ImportSummary, frontdesk::import::ImportFailure> {
        let doc: frontdesk::import::ImportDocument = serde_json::from_value(doc).expect("valid import document");
        let mut conn = self.db.acquire().await.unwrap();
        let org = orgs::org_by_name(&mut conn, org).await.unwrap();
        drop(conn);
        frontdesk::import::import(&self.db, &org, &doc, self.clock.now()).await
    }

    /// Creates a second organization with its own location and user; returns
    /// a client logged in there.
    pub async fn other_org(&self, name: &str) -> Api {
        frontdesk::admin::create_org(&self.db, name, "UTC").await.unwrap();
        frontdesk::admin::create_location(&self.db, name, "Elsewhere", None).await.unwrap();
        let user = format!("{}-desk", name.to_lowercase().replace(' ', "-"));
        frontdesk::admin::create_user(&self.db, name, &user, PASSWORD, None).await.unwrap();
        self.login(&user, PASSWORD).await
    }

    /// Runs SQL against the test database, for rows that neither the API nor
    /// the import creates (shared passes, pending relations).
    pub async fn execute_sql(&self, sql: &str) {
        self.db.execute_script(sql).await.expect("test SQL");
    }

    pub async fn stop(mut self) {
        self.shut_down().await;
    }

    async fn shut_down(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            let _ = h.await;
        }
    }

    /// Stops serving (clients then cannot connect), keeping the database for
    /// [`come_back`](Self::come_back): an outage.
    pub async fn go_down(&mut self) {
        self.shut_down().await;
    }

    /// Serves the same database again at the same address, as a server back
    /// from an outage.
    pub async fn come_back(&mut self) {
        let listen = self.base.trim_start_matches("http://").parse().expect("the server's address");
        self.serve_at(listen, self.clock.clone()).await;
    }

    /// Stops the server and serves the same database again with another
    /// clock, as a server restarted on a later day would. The base URL
    /// changes (a new port): take a new client with [`api`](Self::api).
    pub async fn restart_with_clock(&mut self, clock: Clock) {
        self.shut_down().await;
        self.serve(clock).await;
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A small JSON client for the API.
#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub token: Option<String>,
    pub http: reqwest::Client,
}

impl Api {
    pub fn anonymous(base: &str) -> Api {
        Api { base: base.to_string(), token: None, http: frontdesk::client::http_builder().build().unwrap() }
    }

    /// An absolute URL for a path (`/api/customers/`), or the URL itself.
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") { path.to_string() } else { format!("{}{}", self.base, path) }
    }

    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut req = self.http.request(method, self.url(path));
        if let Some(t) = &self.token {
            req = req.header("Authorization", format!("Token {t}"));
        }
        req
    }

    /// Sends a request with an optional JSON body; returns the status and the
    /// body as JSON (or as a JSON string when it is not JSON).
    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = self.request(method, path);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request");
        read(resp).await
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(Method::PUT, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.send(Method::DELETE, path, None).await
    }

    /// PATCH with a `multipart/form-data` body (a photo upload).
    pub async fn patch_multipart(&self, path: &str, form: reqwest::multipart::Form) -> (StatusCode, Value) {
        let resp = self.request(Method::PATCH, path).multipart(form).send().await.expect("request");
        read(resp).await
    }

    /// GET that must answer 200; returns the body.
    pub async fn ok(&self, path: &str) -> Value {
        let (status, body) = self.get(path).await;
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        body
    }

    /// Creates a customer (birthday 1990-05-17) and returns their id.
    pub async fn create_customer(&self, email: &str, first: &str, last: &str) -> i64 {
        let (status, body) = self.post("/api/customers/", customer_json(email, first, last)).await;
        assert_eq!(status, StatusCode::CREATED, "create customer {email}: {body}");
        body["id"].as_i64().unwrap()
    }

    /// Follows `next` from `path` and returns every result.
    pub async fn all(&self, path: &str) -> Vec<Value> {
        let mut out = Vec::new();
        let mut next = Some(self.url(path));
        while let Some(url) = next {
            let page = self.ok(&url).await;
            out.extend(page["results"].as_array().unwrap().iter().cloned());
            next = page["next"].as_str().map(str::to_string);
        }
        out
    }
}

pub async fn read(resp: reqwest::Response) -> (StatusCode, Value) {
    let status = resp.status();
    let text = resp.text().await.expect("body");
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}

/// A JPEG of `size` pixels square, a gradient tinted by `seed`.
pub fn jpeg(size: u32, seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(size, size, |x, y| {
        image::Rgb([(x * 255 / size) as u8, (y * 255 / size) as u8, seed.wrapping_mul(37)])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .expect("encode jpeg");
    out
}

/// A minimal valid customer for writes.
pub fn customer_json(email: &str, first: &str, last: &str) -> Value {
    serde_json::json!({"email": email, "first_name": first, "last_name": last, "birthday": "1990-05-17"})
}

/// A clock pinned at an RFC 3339 instant.
pub fn fixed_clock(instant: &str) -> Clock {
    Clock::Fixed(instant.parse().expect("an RFC 3339 instant"))
}

impl Api {
    /// A client that sends `Authorization: <value>` verbatim (or nothing).
    pub fn with_authorization(&self, value: Option<&str>) -> RawApi {
        RawApi { api: self.clone(), authorization: value.map(str::to_string) }
    }

    /// Sends raw bytes with a content type; returns status, headers and body.
    pub async fn send_bytes(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> (StatusCode, Value) {
        let mut req = self.request(method, path).body(body);
        if let Some(ct) = content_type {
            req = req.header("Content-Type", ct);
        }
        read(req.send().await.expect("request")).await
    }

    /// The customer with this email, read through the list.
    pub async fn customer_by_email(&self, email: &str) -> Value {
        let all = self.all("/api/customers/?page_size=100").await;
        all.into_iter().find(|c| c["email"] == email).unwrap_or_else(|| panic!("no customer {email}"))
    }

    /// The id of the customer with this email.
    pub async fn id_of(&self, email: &str) -> i64 {
        self.customer_by_email(email).await["id"].as_i64().unwrap()
    }

    /// The emails of every customer a list query finds, in list order.
    pub async fn emails(&self, path: &str) -> Vec<String> {
        self.all(path).await.iter().map(|c| c["email"].as_str().unwrap().to_string()).collect()
    }
}

/// A client with a hand-made `Authorization` header.
pub struct RawApi {
    api: Api,
    authorization: Option<String>,
}

impl RawApi {
    /// GET; returns status, the `WWW-Authenticate` header and the body.
    pub async fn get(&self, path: &str) -> (StatusCode, Option<String>, Value) {
        let mut req = self.api.http.get(self.api.url(path));
        if let Some(a) = &self.authorization {
            req = req.header("Authorization", a);
        }
        let resp = req.send().await.expect("request");
        let challenge = resp.headers().get("www-authenticate").map(|v| v.to_str().expect("ascii header").to_string());
        let (status, body) = read(resp).await;
        (status, challenge, body)
    }
}

impl TestServer {
    /// The database id an import gave one of the test organization's named
    /// records (`proficiencies`, `associations`, `challenges`, `event_types`):
    /// filters take these ids and the API has no endpoint listing them.
    pub async fn named_id(&self, table: &'static str, name: &str) -> i64 {
        let org = self.org().await;
        let mut conn = self.db.acquire().await.unwrap();
        let rows = frontdesk::storage::bulk::existing_named(&org, &mut conn, table, "name").await.unwrap();
        rows.into_iter().find(|(_, n)| n == name).unwrap_or_else(|| panic!("no {table} named {name}")).0
    }
}
