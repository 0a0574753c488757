//! Photos in an S3-compatible bucket, against a real S3 server: npm's
//! `s3rver` (installed by `scripts/s3-test-server`), started per test on a
//! free loopback port over a temporary folder. Uploads, serving from any
//! server over the bucket, replacing, failed writes (the database's, and the
//! bucket's own through a fault-injecting proxy) and the orphan sweep.
//!
//! The server is found at `$FRONTDESK_TEST_S3`, else where the script
//! installs it. Missing, the tests say why and pass, unless `FRONTDESK_TEST_S3`
//! or `CI` is set: then a missing server fails them (`.ci/run` sets both).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use frontdesk::photo::{MediaLocation, PhotoStore, PreparedPhoto};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::support::{Api, TestServer, customer_json};

pub(crate) const BUCKET: &str = "photos";
const PREFIX: &str = "gym-1";
/// s3rver's fixed credentials.
const KEY: &str = "S3RVER";
/// Where `scripts/s3-test-server` installs the server, in its cache folder.
const INSTALLED: &str = "s3rver-3.7.1/node_modules/.bin/s3rver";

/// A running s3rver with one bucket; killed when dropped.
pub(crate) struct S3Server {
    child: Child,
    /// The server's data (s3rver keeps each object as `<key>._S3rver_object`).
    data: tempfile::TempDir,
    log: PathBuf,
    endpoint: String,
}

impl S3Server {
    /// Starts the server; `None`, with the reason printed, when it is not
    /// installed and not required.
    pub(crate) fn start() -> Option<S3Server> {
        let bin = s3_server_bin()?;
        let data = tempfile::tempdir().unwrap();
        let log = data.path().join("s3rver.log");
        let root = data.path().join("buckets");
        let child = Command::new(&bin)
            .args(["--directory", root.to_str().unwrap(), "--address", "127.0.0.1", "--port", "0"])
            .args(["--configure-bucket", BUCKET])
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let mut server = S3Server { child, data, log, endpoint: String::new() };
        let started = Instant::now();
        while server.endpoint.is_empty() {
            let text = std::fs::read_to_string(&server.log).unwrap_or_default();
            if let Some(addr) = text.lines().find_map(|l| l.strip_prefix("S3rver listening on ")) {
                server.endpoint = format!("http://{}", addr.trim());
            } else if let Some(status) = server.child.try_wait().unwrap() {
                panic!("s3rver exited ({status}) before listening: {text}");
            } else if started.elapsed() > Duration::from_secs(30) {
                panic!("s3rver did not listen within 30 s: {text}");
            } else {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        Some(server)
    }

    /// The standard AWS variables a server over this bucket is given.
    pub(crate) fn env(&self) -> Vec<(String, String)> {
        [
            ("AWS_ACCESS_KEY_ID", KEY),
            ("AWS_SECRET_ACCESS_KEY", KEY),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ENDPOINT_URL", &self.endpoint),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .to_vec()
    }

    fn store(&self, prefix: &str) -> PhotoStore {
        let location = MediaLocation::Bucket { bucket: BUCKET.into(), prefix: prefix.into() };
        PhotoStore::open(&location, self.env()).unwrap()
    }

    /// [`store`](Self::store), reaching the bucket at `endpoint` (a proxy in
    /// front of this server) as `AWS_ENDPOINT_URL` says.
    fn store_through(&self, prefix: &str, endpoint: &str) -> PhotoStore {
        let location = MediaLocation::Bucket { bucket: BUCKET.into(), prefix: prefix.into() };
        let mut env = self.env();
        env.retain(|(key, _)| key != "AWS_ENDPOINT_URL");
        env.push(("AWS_ENDPOINT_URL".into(), endpoint.into()));
        PhotoStore::open(&location, env).unwrap()
    }

    /// The keys in the bucket, read from the server's own folder (not
    /// through the store under test).
    fn objects(&self) -> BTreeSet<String> {
        let root = self.data.path().join("buckets").join(BUCKET);
        let mut keys = BTreeSet::new();
        collect_objects(&root, &root, &mut keys);
        keys
    }

    /// How many objects s3rver logged as stored under `prefix`.
    fn uploads(&self, prefix: &str) -> usize {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        text.matches(&format!("Stored object \"{prefix}/")).count()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A proxy on a loopback port in front of s3rver that, while `refusing`,
/// answers every PUT of a `*_small.jpg` object `403 AccessDenied` (a client
/// error, which object_store does not retry) and forwards everything else
/// unchanged, its Host header too (the request's signature covers it).
struct FaultyProxy {
    endpoint: String,
    refusing: Arc<AtomicBool>,
    /// How many PUTs it refused.
    refused: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

const ACCESS_DENIED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"#;

impl FaultyProxy {
    async fn start(upstream: &str) -> FaultyProxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let upstream = upstream.strip_prefix("http://").unwrap().to_string();
        let refusing = Arc::new(AtomicBool::new(false));
        let refused = Arc::new(AtomicUsize::new(0));
        let (on, count) = (refusing.clone(), refused.clone());
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (upstream, on, count) = (upstream.clone(), on.clone(), count.clone());
                let service = hyper::service::service_fn(move |req| {
                    proxy_request(req, upstream.clone(), on.clone(), count.clone())
                });
                tokio::spawn(async move {
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
                });
            }
        });
        FaultyProxy { endpoint, refusing, refused, task }
    }

    fn refuse_small_photos(&self, on: bool) {
        self.refusing.store(on, Ordering::SeqCst);
    }

    fn refused(&self) -> usize {
        self.refused.load(Ordering::SeqCst)
    }
}

impl Drop for FaultyProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One request through [`FaultyProxy`]: read whole, then refused or sent on
/// over a connection of its own, the answer read whole and passed back.
async fn proxy_request(
    req: hyper::Request<hyper::body::Incoming>,
    upstream: String,
    refusing: Arc<AtomicBool>,
    refused: Arc<AtomicUsize>,
) -> Result<hyper::Response<http_body_util::Full<bytes::Bytes>>, std::convert::Infallible> {
    use http_body_util::{BodyExt, Full};
    let (parts, body) = req.into_parts();
    let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let answer =
        |status: u16, text: bytes::Bytes| Ok(hyper::Response::builder().status(status).body(Full::new(text)).unwrap());
    if refusing.load(Ordering::SeqCst) && parts.method == hyper::Method::PUT && parts.uri.path().ends_with("_small.jpg")
    {
        refused.fetch_add(1, Ordering::SeqCst);
        let mut response = answer(403, ACCESS_DENIED.into())?;
        response.headers_mut().insert("content-type", "application/xml".parse().unwrap());
        return Ok(response);
    }
    let Ok(stream) = tokio::net::TcpStream::connect(&upstream).await else {
        return answer(502, "s3rver is gone".into());
    };
    let (mut sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await.unwrap();
    tokio::spawn(conn);
    let response = sender.send_request(hyper::Request::from_parts(parts, Full::new(body))).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    Ok(hyper::Response::from_parts(parts, Full::new(body)))
}

fn collect_objects(root: &Path, dir: &Path, keys: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_objects(root, &path, keys);
        } else if let Some(key) = path.strip_prefix(root).unwrap().to_str().unwrap().strip_suffix("._S3rver_object") {
            keys.insert(key.to_string());
        }
    }
}

/// The installed s3rver, or `None` after saying why the tests skip.
fn s3_server_bin() -> Option<PathBuf> {
    let required = std::env::var_os("FRONTDESK_TEST_S3").is_some() || std::env::var_os("CI").is_some();
    let env_path = |name: &str| std::env::var_os(name).map(PathBuf::from);
    let cache = env_path("FRONTDESK_CACHE").or_else(|| {
        let user_cache = env_path("XDG_CACHE_HOME").or_else(|| env_path("HOME").map(|home| home.join(".cache")));
        user_cache.map(|c| c.join("frontdesk"))
    });
    let bin = env_path("FRONTDESK_TEST_S3").or_else(|| cache.map(|c| c.join(INSTALLED))).unwrap_or_default();
    if bin.is_file() {
        return Some(bin);
    }
    let why = format!("no S3 test server at {:?}: run scripts/s3-test-server", bin.display().to_string());
    assert!(!required, "{why} (FRONTDESK_TEST_S3 or CI is set, so the S3 tests must run)");
    // Straight to stderr: the test harness would swallow eprintln! from a passing test.
    let _ = writeln!(std::io::stderr(), "skipped: {why}");
    None
}

/// A 64x64 JPEG of one colour.
fn jpeg(rgb: [u8; 3]) -> Vec<u8> {
    let pixels: Vec<u8> = (0..64 * 64).flat_map(|_| rgb).collect();
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 90).encode(&pixels, 64, 64, jpeg_encoder::ColorType::Rgb).unwrap();
    out
}

fn photo_form(rgb: [u8; 3]) -> Form {
    Form::new().part("profile_image", Part::bytes(jpeg(rgb)).file_name("me.jpg").mime_str("image/jpeg").unwrap())
}

async fn create_customer(api: &Api, email: &str) -> i64 {
    let (status, body) = api.post("/api/customers/", customer_json(email, "Ann", "Smith")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().unwrap()
}

fn file_name_of(url: &Value) -> String {
    url.as_str().unwrap().rsplit('/').next().unwrap().to_string()
}

/// The bucket keys of a customer's two photo files.
fn keys_of(customer: &Value) -> BTreeSet<String> {
    ["profile_image", "profile_image_small"]
        .iter()
        .map(|f| format!("{PREFIX}/{}", file_name_of(&customer[f])))
        .collect()
}

async fn fetch(url: &str) -> (StatusCode, Vec<u8>) {
    let resp = reqwest::get(url).await.unwrap();
    (resp.status(), resp.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn a_photo_uploaded_through_one_server_is_served_by_another_over_the_same_bucket() {
    let Some(s3) = S3Server::start() else { return };
    let first = TestServer::start_with_media(s3.store(PREFIX)).await;
    let api = first.api().await;
    let id = create_customer(&api, "ann@example.com").await;
    let (status, body) = api.patch_multipart(&format!("/api/customers/{id}/"), photo_form([200, 30, 30])).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let url = body["profile_image"].as_str().unwrap();
    assert!(url.starts_with(&format!("{}/media/", first.base)), "an absolute URL on the server: {url}");
    assert_eq!(s3.objects(), keys_of(&body), "both JPEGs are objects under the prefix");
    assert!(!first.media_dir().exists(), "nothing is written to a local folder");

    let (status, served) = fetch(url).await;
    assert_eq!(status, StatusCode::OK);
    let img = image::load_from_memory(&served).unwrap();
    assert_eq!((img.width(), img.height()), (512, 512));

    let second = TestServer::start_with_media(s3.store(PREFIX)).await;
    for field in ["profile_image", "profile_image_small"] {
        let name = file_name_of(&body[field]);
        let (status, bytes) = fetch(&format!("{}/media/{name}", second.base)).await;
        assert_eq!(status, StatusCode::OK, "{field} through the second server");
        assert_eq!(bytes, fetch(body[field].as_str().unwrap()).await.1);
    }
    let (status, _) = fetch(&format!("{}/media/{}.jpg", second.base, "0".repeat(32))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a photo not in the bucket");
    let (status, _) = fetch(&format!("{}/media/s3rver.log", second.base)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "only photo names reach the bucket");
}

#[tokio::test]
async fn replacing_or_removing_a_photo_removes_its_objects_after_the_commit() {
    let Some(s3) = S3Server::start() else { return };
    let server = TestServer::start_with_media(s3.store(PREFIX)).await;
    let api = server.api().await;
    let id = create_customer(&api, "ann@example.com").await;
    let path = format!("/api/customers/{id}/");
    let (_, first) = api.patch_multipart(&path, photo_form([200, 30, 30])).await;
    let (status, second) = api.patch_multipart(&path, photo_form([30, 30, 200])).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_eq!(s3.objects(), keys_of(&second), "the replaced photo's objects are gone");
    let (status, _) = fetch(first["profile_image"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, body) = api.patch(&path, json!({"profile_image": null})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(s3.objects().is_empty(), "{:?}", s3.objects());
}

#[tokio::test]
async fn a_write_refused_after_its_upload_leaves_no_object_and_the_old_photo() {
    let Some(s3) = S3Server::start() else { return };
    let server = TestServer::start_with_media(s3.store(PREFIX)).await;
    let api = server.api().await;
    let id = create_customer(&api, "ann@example.com").await;
    create_customer(&api, "taken@example.com").await;
    let path = format!("/api/customers/{id}/");
    let (_, before) = api.patch_multipart(&path, photo_form([200, 30, 30])).await;
    assert_eq!(s3.uploads(PREFIX), 2);

    // The database refuses the email after both files were uploaded.
    let form = photo_form([30, 30, 200]).text("email", "taken@example.com");
    let (status, body) = api.patch_multipart(&path, form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["email"].is_array(), "{body}");
    assert_eq!(s3.uploads(PREFIX), 4, "the refused photo was uploaded");
    assert_eq!(s3.objects(), keys_of(&before), "and removed again; the old one stays");
    assert_eq!(api.ok(&path).await["profile_image"], before["profile_image"]);
}

/// Issue 13's "a failed write removes what it uploaded", for the write that
/// fails in the bucket itself: the full photo is stored, the bucket refuses
/// the small one, and the full one is removed again before the request
/// answers. The customer keeps the photo they had.
#[tokio::test]
async fn a_photo_whose_small_file_the_bucket_refuses_leaves_no_object_and_the_old_photo() {
    let Some(s3) = S3Server::start() else { return };
    let proxy = FaultyProxy::start(&s3.endpoint).await;
    let server = TestServer::start_with_media(s3.store_through(PREFIX, &proxy.endpoint)).await;
    let api = server.api().await;
    let id = create_customer(&api, "ann@example.com").await;
    let path = format!("/api/customers/{id}/");
    let (status, before) = api.patch_multipart(&path, photo_form([200, 30, 30])).await;
    assert_eq!(status, StatusCode::OK, "through the proxy while it refuses nothing: {before}");
    assert_eq!(s3.objects(), keys_of(&before));

    proxy.refuse_small_photos(true);
    let (status, body) = api.patch_multipart(&path, photo_form([30, 30, 200])).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let detail = body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("photo could not be stored"), "{body}");
    assert_eq!(proxy.refused(), 1, "the small file's PUT was refused, and not retried");
    assert_eq!(s3.uploads(PREFIX), 3, "the new full photo was stored before the refusal");
    assert_eq!(s3.objects(), keys_of(&before), "and removed again; only the old photo's two objects are left");
    let now = api.ok(&path).await;
    assert_eq!(
        (&now["profile_image"], &now["profile_image_small"]),
        (&before["profile_image"], &before["profile_image_small"])
    );
    let (status, _) = fetch(before["profile_image"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "the old photo is still served");

    proxy.refuse_small_photos(false);
    let (status, after) = api.patch_multipart(&path, photo_form([30, 200, 30])).await;
    assert_eq!(status, StatusCode::OK, "the store accepts photos again: {after}");
    assert_eq!(s3.objects(), keys_of(&after));
}

#[tokio::test]
async fn the_sweep_removes_old_orphans_in_the_bucket_and_nothing_a_row_or_another_prefix_holds() {
    let Some(s3) = S3Server::start() else { return };
    let store = s3.store(PREFIX);
    let server = TestServer::start_with_media(store.clone()).await;
    let api = server.api().await;
    let id = create_customer(&api, "ann@example.com").await;
    let (_, named) = api.patch_multipart(&format!("/api/customers/{id}/"), photo_form([200, 30, 30])).await;
    // What a server killed between its upload and its commit leaves.
    let bytes = PreparedPhoto { full_jpeg: jpeg([1, 2, 3]), small_jpeg: jpeg([4, 5, 6]) };
    let orphan = store.save(&bytes).await.unwrap().keep();
    let elsewhere = s3.store(&format!("{PREFIX}/archive")).save(&bytes).await.unwrap().keep();
    let deeper = BTreeSet::from([
        format!("{PREFIX}/archive/{}", elsewhere.full),
        format!("{PREFIX}/archive/{}", elsewhere.small),
    ]);
    let sweep = frontdesk::server::media_sweep::sweep;

    let young = sweep(&server.db, &store, Duration::from_secs(300), SystemTime::now()).await.unwrap();
    assert_eq!(young, 0, "an upload in flight is never swept");
    let later = SystemTime::now() + Duration::from_secs(600);
    let removed = sweep(&server.db, &store, Duration::from_secs(300), later).await.unwrap();
    assert_eq!(removed, 2, "the orphan's two objects");
    let left: BTreeSet<String> = keys_of(&named).union(&deeper).cloned().collect();
    assert_eq!(s3.objects(), left);
    assert!(!s3.objects().contains(&format!("{PREFIX}/{}", orphan.full)));
}

#[tokio::test]
async fn a_server_whose_bucket_cannot_be_reached_does_not_start() {
    let Some(s3) = S3Server::start() else { return };
    let location = MediaLocation::Bucket { bucket: "no-such-bucket".into(), prefix: String::new() };
    let store = PhotoStore::open(&location, s3.env()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = frontdesk::server::ServerConfig {
        db: dir.path().join("t.db").into(),
        listen: "127.0.0.1:0".parse().unwrap(),
        media: store,
        public_url: None,
        clock: frontdesk::storage::Clock::System,
    };
    let refused = frontdesk::server::Server::bind(config).await.err().expect("no bucket, no server");
    let message = format!("{refused:#}");
    assert!(message.contains("listing the media store"), "{message}");
}

#[tokio::test]
async fn photo_urls_point_at_the_stores_public_base_when_one_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let store = PhotoStore::new(dir.path().join("media")).with_public_url("https://cdn.example/gym-1");
    let server = TestServer::start_with_media(store).await;
    let api = server.api().await;
    let id = create_customer(&api, "ann@example.com").await;
    let (status, body) = api.patch_multipart(&format!("/api/customers/{id}/"), photo_form([200, 30, 30])).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let name = file_name_of(&body["profile_image"]);
    assert_eq!(body["profile_image"], format!("https://cdn.example/gym-1/{name}"));
    let (status, _) = fetch(&format!("{}/media/{name}", server.base)).await;
    assert_eq!(status, StatusCode::OK, "the server still serves it");
}

/// `frontdesk demo --no-app --db <database> --media-store s3://photos/demo`,
/// as a user runs it for a demo gym that `frontdesk serve` processes on the
/// same database and bucket share (on PostgreSQL when FRONTDESK_TEST_POSTGRES
/// is set, else a SQLite file): the photos the demo draws are objects under
/// its prefix, and nowhere else; the demo serves them, and so does another
/// server over the bucket.
#[tokio::test]
async fn the_demo_keeps_its_photos_in_the_bucket_it_is_given() {
    let Some(s3) = S3Server::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let test_db = crate::support::TestDb::new(dir.path(), "demo.db").await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args(["demo", "--no-app", "--customers", "12", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--db", &test_db.location.to_string(), "--media-store", &format!("s3://{BUCKET}/demo")])
        .envs(s3.env())
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let _demo = crate::demo::KillOnDrop(child);
    let anon = Api::anonymous(&base);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(resp) = anon.http.get(format!("{base}/readyz")).send().await
            && resp.status() == StatusCode::OK
        {
            break;
        }
        assert!(Instant::now() < deadline, "the demo did not come up within a minute");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let login = json!({"username": frontdesk::demo::USERNAME, "password": frontdesk::demo::PASSWORD});
    let (status, body) = anon.post("/api/get-token/", login).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let api = Api { token: Some(body["token"].as_str().unwrap().to_string()), ..anon };

    let listed = api.ok("/api/customers/?page_size=12").await;
    let customers = listed["results"].as_array().unwrap();
    assert_eq!(customers.len(), 12);
    let with_photo: Vec<&Value> = customers.iter().filter(|c| c["profile_image"].is_string()).collect();
    assert!(with_photo.len() >= 6, "{} of 12 have a photo", with_photo.len());
    let keys: BTreeSet<String> = with_photo
        .iter()
        .flat_map(|c| ["profile_image", "profile_image_small"].map(|f| format!("demo/{}", file_name_of(&c[f]))))
        .collect();
    assert_eq!(s3.objects(), keys, "every photo the demo drew is an object under its prefix, and nothing else is");
    let mut local = Vec::new();
    collect_jpegs(dir.path(), &mut local);
    assert!(local.is_empty(), "no photo in a local folder: {local:?}");

    let (status, full) = fetch(with_photo[0]["profile_image"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "the demo serves its photos from the bucket");
    let img = image::load_from_memory(&full).unwrap();
    assert_eq!((img.width(), img.height()), (512, 512));
    let other = TestServer::start_with_media(s3.store("demo")).await;
    let name = file_name_of(&with_photo[0]["profile_image_small"]);
    let (status, small) = fetch(&format!("{}/media/{name}", other.base)).await;
    assert_eq!(status, StatusCode::OK, "another server over the bucket serves them too");
    let img = image::load_from_memory(&small).unwrap();
    assert_eq!((img.width(), img.height()), (128, 128));
}

fn collect_jpegs(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_jpegs(&path, found);
        } else if path.extension().is_some_and(|e| e == "jpg") {
            found.push(path);
        }
    }
}
