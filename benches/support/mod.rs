//! Shared by the benchmarks (`benches/*.rs`, each `harness = false`): a demo
//! database of a given size, built once through the import path and cached
//! under `target/bench-data/`; the real server on a loopback port over it; and
//! latency samples reported as p50/p95/p99/max.
//!
//! A bench file uses it with `mod support;` (or `#[path = "support/mod.rs"]`).
//! Set `FRONTDESK_BENCH_REBUILD=1` to rebuild the cached database (and so
//! measure the import again).
#![allow(dead_code)]

use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use frontdesk::demo::{self, generate::GENERATOR_VERSION};
use frontdesk::server::{ServeOptions, Server, ServerConfig};
use frontdesk::storage::{Clock, Db, DbLocation, OrgScope, orgs};
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

pub mod postgres;

/// What building a cached database took, kept beside it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BuildFigures {
    pub customers: usize,
    pub check_ins: usize,
    pub memberships: usize,
    pub other_records: usize,
    pub generate_secs: f64,
    pub import_secs: f64,
    /// CPU time (every thread) the whole build took, where the OS tells it:
    /// on a shared machine the wall time says more about the neighbours.
    pub build_cpu_secs: Option<f64>,
    /// When it was built (the data's "today").
    pub built_at: String,
    /// [`cpu_reference`] just before the build.
    #[serde(default)]
    pub machine_speed: Option<String>,
}

impl BuildFigures {
    /// The figures of a demo build, with what the caller measured around it.
    pub fn of(
        report: &frontdesk::demo::BuildReport,
        build_cpu_secs: Option<f64>,
        built_at: String,
        machine_speed: Option<String>,
    ) -> BuildFigures {
        BuildFigures {
            customers: report.summary.customers,
            check_ins: report.summary.check_ins,
            memberships: report.summary.memberships,
            other_records: report.summary.other_records,
            generate_secs: report.generate_time.as_secs_f64(),
            import_secs: report.import_time.as_secs_f64(),
            build_cpu_secs,
            built_at,
            machine_speed,
        }
    }
}

/// A demo database of `customers` customers for `seed`.
pub struct Dataset {
    pub path: PathBuf,
    pub seed: u64,
    pub figures: BuildFigures,
    /// Whether this run built it (so `figures` were measured now).
    pub built_now: bool,
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

pub fn remove_database(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}

/// The cached demo database for `seed` and `customers`, built (through
/// `frontdesk::demo::build`, that is through the import) when missing, when
/// the generator changed, or when `FRONTDESK_BENCH_REBUILD` is set.
/// A copy of the cached database in a temporary folder beside it (removed
/// with the folder), so that what a bench writes (check-ins) never changes
/// the cache.
pub fn served_copy(data: &Dataset, prefix: &str) -> anyhow::Result<(Dataset, tempfile::TempDir)> {
    let parent = data.path.parent().ok_or_else(|| anyhow::anyhow!("{} has no folder", data.path.display()))?;
    let dir = tempfile::Builder::new().prefix(prefix).tempdir_in(parent)?;
    let path = dir.path().join("bench.db");
    std::fs::copy(&data.path, &path)?;
    let copy = Dataset { path, seed: data.seed, figures: data.figures.clone(), built_now: data.built_now };
    Ok((copy, dir))
}

pub async fn dataset(seed: u64, customers: usize) -> anyhow::Result<Dataset> {
    dataset_as(demo::Distribution::Even, seed, customers).await
}

/// [`dataset`] with customers spread as `distribution` says (the even demo
/// gym's file names are unchanged, so its cache stays valid).
pub async fn dataset_as(distribution: demo::Distribution, seed: u64, customers: usize) -> anyhow::Result<Dataset> {
    // FRONTDESK_LOG=frontdesk=debug shows where an import's time goes.
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_env("FRONTDESK_LOG") {
        let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
    }
    let dir = target_dir().join("bench-data");
    std::fs::create_dir_all(&dir)?;
    let kind = match distribution {
        demo::Distribution::Even => "",
        demo::Distribution::Realistic => "-realistic",
    };
    let stem = format!("demo-v{GENERATOR_VERSION}{kind}-seed{seed}-{customers}");
    let path = dir.join(format!("{stem}.db"));
    // The figures are written last: without them the build did not finish.
    let figures_path = dir.join(format!("{stem}.json"));
    let rebuild = std::env::var_os("FRONTDESK_BENCH_REBUILD").is_some_and(|v| !v.is_empty() && v != "0");
    if !rebuild
        && let Ok(raw) = std::fs::read(&figures_path)
        && let Ok(figures) = serde_json::from_slice::<BuildFigures>(&raw)
        && path.exists()
    {
        return Ok(Dataset { path, seed, figures, built_now: false });
    }
    let _ = std::fs::remove_file(&figures_path);
    remove_database(&path);
    eprintln!(
        "building the benchmark database: {customers} {distribution:?} demo customers (seed {seed}) into {}",
        path.display()
    );
    let db = Db::open(&path).await?;
    let now = jiff::Timestamp::now();
    let machine_speed = Some(cpu_reference());
    let cpu_before = process_cpu_secs();
    let report = demo::build_as(&db, None, distribution, seed, customers, now).await?;
    let build_cpu_secs = process_cpu_secs().zip(cpu_before).map(|(after, before)| after - before);
    db.close().await;
    let figures = BuildFigures::of(&report, build_cpu_secs, now.to_string(), machine_speed);
    std::fs::write(&figures_path, serde_json::to_vec_pretty(&figures)?)?;
    Ok(Dataset { path, seed, figures, built_now: true })
}

/// This process's CPU time so far (user and system, every thread), from
/// `/proc/self/stat` (Linux; clock ticks of 1/100 s).
pub fn process_cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces), from the state on.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// The real server over a dataset, on `127.0.0.1:0`, logged in as the demo's
/// staff user.
pub struct BenchServer {
    pub base: String,
    pub http: reqwest::Client,
    pub db: Db,
    pub org: OrgScope,
    token: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl BenchServer {
    pub async fn start(dataset: &Dataset) -> anyhow::Result<BenchServer> {
        BenchServer::start_with(&dataset.path, ServeOptions::default()).await
    }

    /// The real server over the database at `db_path`, with `options`.
    pub async fn start_with(db_path: &Path, options: ServeOptions) -> anyhow::Result<BenchServer> {
        BenchServer::start_at(db_path.into(), &db_path.with_extension("media"), options).await
    }

    /// The real server over the database at `db` (a SQLite file or a
    /// PostgreSQL URL), its photos in `media_dir`, with `options`.
    pub async fn start_at(db: DbLocation, media_dir: &Path, options: ServeOptions) -> anyhow::Result<BenchServer> {
        let config = ServerConfig {
            db,
            listen: "127.0.0.1:0".parse()?,
            media: frontdesk::photo::PhotoStore::new(media_dir.to_path_buf()),
            public_url: None,
            clock: Clock::System,
        };
        let server = Server::bind_with(config, options).await?;
        let base = format!("http://{}", server.local_addr());
        let db = server.state().db().clone();
        let mut conn = db.acquire().await?;
        let org = orgs::org_by_name(&mut conn, demo::ORG_NAME).await?;
        drop(conn);
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(server.run(async {
            let _ = rx.await;
        }));
        let http = frontdesk::client::http_builder().build()?;
        let login = http
            .post(format!("{base}/api/get-token/"))
            .json(&serde_json::json!({"username": demo::USERNAME, "password": demo::PASSWORD}))
            .send()
            .await?;
        anyhow::ensure!(login.status() == StatusCode::OK, "login failed: {}", login.status());
        let token = login.json::<serde_json::Value>().await?["token"].as_str().unwrap_or_default().to_string();
        Ok(BenchServer { base, http, db, org, token, shutdown: Some(tx), task: Some(task) })
    }

    /// An authenticated request to a path (`/api/customers/`).
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .header("Authorization", format!("Token {}", self.token))
    }

    /// Sends a request and reads the whole body; panics on an unexpected status
    /// (a benchmark of errors measures nothing).
    pub async fn expect(&self, req: reqwest::RequestBuilder, status: StatusCode) -> bytes::Bytes {
        let resp = req.send().await.expect("request");
        let got = resp.status();
        let body = resp.bytes().await.expect("body");
        assert_eq!(got, status, "{}", String::from_utf8_lossy(&body));
        body
    }

    /// Sends a request and reads the whole body, whatever the answer (a
    /// refused check-in is an answer); panics only when no answer comes.
    pub async fn answer(&self, req: reqwest::RequestBuilder) -> StatusCode {
        let resp = req.send().await.expect("request");
        let status = resp.status();
        resp.bytes().await.expect("body");
        status
    }

    /// The demo staff user's token, as `Authorization: Token <it>` sends it.
    pub fn token(&self) -> &str {
        &self.token
    }

    pub async fn get_ok(&self, path: &str) -> bytes::Bytes {
        self.expect(self.request(Method::GET, path), StatusCode::OK).await
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

/// A latency goal: p50 and p99 at most these.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub p50: Duration,
    pub p99: Duration,
}

impl Target {
    pub const fn ms(p50: u64, p99: u64) -> Target {
        Target { p50: Duration::from_millis(p50), p99: Duration::from_millis(p99) }
    }
}

/// One measured operation.
#[derive(Debug, Clone)]
pub struct Samples {
    pub name: String,
    pub durations: Vec<Duration>,
    pub target: Option<Target>,
    /// Free text shown after the figures (a result count...).
    pub note: String,
}

impl Samples {
    /// Nearest-rank percentile (`p` in 0..=100).
    pub fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.durations.clone();
        sorted.sort();
        if sorted.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    }

    pub fn max(&self) -> Duration {
        self.durations.iter().copied().max().unwrap_or_default()
    }

    pub fn meets_target(&self) -> Option<bool> {
        self.target.map(|t| self.percentile(50.0) <= t.p50 && self.percentile(99.0) <= t.p99)
    }
}

/// Runs `op` `warmup` times unmeasured, then `n` times measured, one at a
/// time (latency, not throughput). `op` gets the sample's index.
pub async fn measure<F, Fut>(name: &str, warmup: usize, n: usize, target: Option<Target>, mut op: F) -> Samples
where
    F: FnMut(usize) -> Fut,
    Fut: Future<Output = ()>,
{
    for i in 0..warmup {
        op(i).await;
    }
    let mut durations = Vec::with_capacity(n);
    for i in 0..n {
        let started = Instant::now();
        op(warmup + i).await;
        durations.push(started.elapsed());
    }
    Samples { name: name.to_string(), durations, target, note: String::new() }
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// A Markdown table of the samples, with each target and whether it was met.
pub fn table(samples: &[Samples]) -> String {
    let mut out = String::from(
        "| operation | n | p50 ms | p95 ms | p99 ms | max ms | target (p50/p99 ms) | met | note |\n|---|---:|---:|---:|---:|---:|---|---|---|\n",
    );
    for s in samples {
        let target = s.target.map_or(String::new(), |t| format!("< {} / < {}", ms(t.p50), ms(t.p99)));
        let met = match s.meets_target() {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "",
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {target} | {met} | {} |\n",
            s.name,
            s.durations.len(),
            ms(s.percentile(50.0)),
            ms(s.percentile(95.0)),
            ms(s.percentile(99.0)),
            ms(s.max()),
            s.note
        ));
    }
    out
}

/// A Markdown table of the same operations measured on a baseline and on
/// another backend, side by side, with the other's time as a multiple of the
/// baseline's at p50 and p99, against `limit` (the other within `limit`
/// times the baseline at both).
pub fn comparison(baseline: (&str, &[Samples]), other: (&str, &[Samples]), limit: f64) -> String {
    let (a, b) = (baseline.0, other.0);
    let mut out = format!(
        "| operation | n | {a} p50 ms | {a} p99 ms | {b} p50 ms | {b} p99 ms | {b}/{a} p50 | {b}/{a} p99 | within {limit}x | note |\n|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n"
    );
    for (x, y) in baseline.1.iter().zip(other.1) {
        let (r50, r99) = ratios(x, y);
        let within = if r50 <= limit && r99 <= limit { "yes" } else { "NO" };
        let note = if x.note == y.note { x.note.clone() } else { format!("{a}: {}; {b}: {}", x.note, y.note) };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {r50:.2} | {r99:.2} | {within} | {note} |\n",
            x.name,
            x.durations.len(),
            ms(x.percentile(50.0)),
            ms(x.percentile(99.0)),
            ms(y.percentile(50.0)),
            ms(y.percentile(99.0)),
        ));
    }
    out
}

/// `other`'s p50 and p99 as multiples of `baseline`'s.
pub fn ratios(baseline: &Samples, other: &Samples) -> (f64, f64) {
    let ratio = |p: f64| other.percentile(p).as_secs_f64() / baseline.percentile(p).as_secs_f64().max(1e-9);
    (ratio(50.0), ratio(99.0))
}

/// The machine's load averages (1, 5, 15 minutes), where the OS tells them:
/// the figures mean little on a busy machine.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// How fast this machine is right now, for comparing runs: the time one
/// thread takes for a fixed CPU-bound job (SHA-256 over 64 MiB). A shared
/// or throttled machine can be several times slower from one hour to the
/// next, and every figure of a run with it.
pub fn cpu_reference() -> String {
    use sha2::Digest;
    let block = vec![0x5a_u8; 1 << 20];
    let started = Instant::now();
    let mut hasher = sha2::Sha256::new();
    for _ in 0..64 {
        hasher.update(&block);
    }
    std::hint::black_box(hasher.finalize());
    format!("{:.0} ms for SHA-256 over 64 MiB", started.elapsed().as_secs_f64() * 1000.0)
}

/// A small deterministic PRNG for picking ids (the demo generator's).
pub fn rng(seed: u64) -> frontdesk::demo::generate::Rng {
    frontdesk::demo::generate::Rng::new(seed)
}
