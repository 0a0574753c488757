//! Test support shared by the integration test crates: a real server on
//! `127.0.0.1:0` with a temporary database, and a small HTTP client for it.
#![allow(dead_code)]

use std::path::PathBuf;

use frontdesk::server::{Server, ServerConfig};
use frontdesk::storage::{Clock, Db, OrgScope, orgs};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tempfile::TempDir;
use tokio::sync::oneshot;

pub const ORG: &str = "Test Gym";
pub const ORG_TZ: &str = "America/Denver";
pub const LOCATION: &str = "Main";
pub const USER: &str = "desk";
pub const PASSWORD: &str = "correct horse battery";

/// A running server with its own temporary database and media folder, an
/// organization ("Test Gym", America/Denver) with a location ("Main") and a
/// staff user ("desk").
pub struct TestServer {
    pub base: String,
    pub dir: TempDir,
    pub db: Db,
    pub org_id: i64,
    pub location_id: i64,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with_clock(Clock::System).await
    }

    pub async fn start_with_clock(clock: Clock) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let db_path = dir.path().join("test.db");
        let db = Db::open(&db_path).await.expect("open db");
        let org_id = frontdesk::admin::create_org(&db, ORG, ORG_TZ).await.expect("org");
        let location_id = frontdesk::admin::create_location(&db, ORG, LOCATION, None).await.expect("location");
        frontdesk::admin::create_user(&db, ORG, USER, PASSWORD, Some(LOCATION)).await.expect("user");
        let config = ServerConfig {
            db_path,
            listen: "127.0.0.1:0".parse().unwrap(),
            media_dir: dir.path().join("media"),
            public_url: None,
            clock,
        };
        let server = Server::bind(config).await.expect("bind");
        let base = format!("http://{}", server.local_addr());
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(async move {
            server
                .run(async {
                    let _ = rx.await;
                })
                .await
                .expect("server run");
        });
        TestServer { base, dir, db, org_id, location_id, shutdown: Some(tx), handle: Some(handle) }
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
        frontdesk::import::import(&self.db, &org, &doc, jiff::Timestamp::now()).await
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
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string())).execute(self.db.pool()).await.expect("test SQL");
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            let _ = h.await;
        }
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

    /// The id of the customer with this email (which must be unique to one).
    pub async fn customer_id(&self, email: &str) -> i64 {
        let page = self.ok(&format!("/api/customers/?search={}", email.replace('+', "%2B"))).await;
        let matches: Vec<&Value> = page["results"].as_array().unwrap().iter().filter(|c| c["email"] == email).collect();
        assert_eq!(matches.len(), 1, "one customer with email {email}: {page}");
        matches[0]["id"].as_i64().unwrap()
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

/// A minimal valid customer for writes.
pub fn customer_json(email: &str, first: &str, last: &str) -> Value {
    serde_json::json!({"email": email, "first_name": first, "last_name": last, "birthday": "1990-05-17"})
}
