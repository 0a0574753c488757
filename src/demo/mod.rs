//! `frontdesk demo`: builds a realistic demo gym ([`generate`]) in a database
//! of its own, through the import path, serves the API on a free loopback
//! port and opens the terminal app on it.
//!
//! [`start`] is the reusable core (the command, the tests and the benchmarks
//! use it); [`run`] is the command around it.

pub mod generate;
pub mod realistic;

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use jiff::Timestamp;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::import::{self, ImportSummary};
use crate::photo::{MediaLocation, PhotoStore};
use crate::server::{Server, ServerConfig, shutdown_signal};
use crate::storage::customer_filters::CustomerFilter;
use crate::storage::{Clock, Db, DbLocation, OrgScope, auth, customers, orgs};

pub use generate::{ORG_NAME, TIME_ZONE};
pub use realistic::Distribution;

/// The demo's staff login. It is a local demo's documented login, not a
/// secret: the demo listens on loopback only.
pub const USERNAME: &str = "demo";
pub const PASSWORD: &str = "demo";
/// The demo staff login's PIN, for the app's lock screen (F12).
pub const PIN: &str = "1234";
/// A second staff member, so that switching staff on the lock screen can be tried: username,
/// password and PIN (the same kind of documented demo login).
pub const SECOND_STAFF: (&str, &str, &str) = ("sam", "sam", "5678");
/// The staff login's own location (check-ins that name none happen there).
pub const STAFF_LOCATION: &str = "Basecamp Boulder";

/// `frontdesk demo`'s options.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many customers the demo gym has.
    #[arg(long, default_value_t = 500)]
    pub customers: usize,
    /// The demo database: a SQLite file's path, or a `postgres://` URL of an
    /// empty (or demo) database (default: a fresh SQLite file in a temporary
    /// directory; DATABASE_URL is not read, so the demo never writes into a
    /// real gym's database by accident).
    #[arg(long, value_name = "PATH|URL")]
    pub db: Option<DbLocation>,
    /// Seed for the generator: the same seed gives the same gym.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Only run the server; do not open the terminal app.
    #[arg(long)]
    pub no_app: bool,
    /// Address to serve on (default: with --db, the address that database was served on last
    /// time when it is free, else a free loopback port).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// How names and tags spread: `even` (the demo gym) or `realistic`
    /// (skewed like a real gym's list, for benchmarks).
    #[arg(long, value_enum, default_value_t = Distribution::Even)]
    pub distribution: Distribution,
    /// Where the demo's photos are stored, as `serve --media-store` takes it:
    /// a folder, or an S3-compatible bucket, `s3://BUCKET/PREFIX`, with its
    /// credentials, region and endpoint from AWS_ACCESS_KEY_ID,
    /// AWS_SECRET_ACCESS_KEY, AWS_REGION and AWS_ENDPOINT_URL; so that
    /// `frontdesk serve` processes on the same --db and store serve the demo
    /// gym's photos too. Needs --db (a temporary demo keeps its photos beside
    /// its database, and removes both); give the same store each time the
    /// database is reused (default: beside a SQLite file, or `demo-postgres`
    /// in the user's data directory).
    #[arg(long, value_name = "DIR|s3://BUCKET/PREFIX", requires = "db")]
    pub media_store: Option<MediaLocation>,
    /// Photo URLs point at `<URL>/<file>` (the bucket's public base, or a CDN
    /// in front of it) instead of the demo server's /media/<file>.
    #[arg(long, value_name = "URL", value_parser = crate::photo::parse_public_url)]
    pub media_public_url: Option<String>,
}

/// What building a demo database took.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub summary: ImportSummary,
    pub generate_time: Duration,
    pub import_time: Duration,
}

/// A running demo: the server and how to reach it. Stop it with
/// [`stop`](Self::stop); dropping it also asks the server to stop.
pub struct DemoServer {
    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub base_url: String,
    pub username: &'static str,
    pub password: &'static str,
    pub db: DbLocation,
    /// Where its photos are stored.
    pub media: MediaLocation,
    /// Where the demo's own files live: its photos, and the config file and
    /// scan queue of the app it opens (beside a SQLite file; for PostgreSQL,
    /// `demo-postgres` in the user's data directory).
    pub files: PathBuf,
    /// How many customers the demo gym has.
    pub customers: u64,
    /// `None` when an existing demo database was reused.
    pub built: Option<BuildReport>,
    /// Whether the database lives in a temporary directory removed on stop.
    pub temporary: bool,
    /// The address this database was served on last time, when that was taken and another port was used.
    pub moved_from: Option<SocketAddr>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
    temp_dir: Option<tempfile::TempDir>,
}

impl DemoServer {
    /// Where the app a temporary demo opens keeps its offline scans: in the temporary directory, so
    /// the journal and its lock are removed with the database when the demo stops (its scans cannot
    /// outlive the gym they were for). `None` for a demo on a named database: its app keeps them in
    /// the data directory, keyed by the server's identity, for when the demo comes back.
    pub fn temporary_journal(&self) -> Option<PathBuf> {
        self.temp_dir.as_ref().map(|dir| dir.path().join("scans.jsonl"))
    }

    /// The API's base URL, as the terminal app's `base_url` wants it.
    pub fn api_url(&self) -> String {
        format!("{}/api/", self.base_url)
    }

    /// Stops the server, waits for in-flight requests (at most [`crate::runtime::STOP_GRACE`]: a request
    /// still running then is cut off), and removes a temporary database.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let result = match self.task.take() {
            Some(mut task) => match tokio::time::timeout(crate::runtime::STOP_GRACE, &mut task).await {
                Ok(ended) => ended.unwrap_or_else(|e| Err(anyhow::anyhow!("the demo server failed: {e}"))),
                Err(_) => {
                    task.abort();
                    Ok(())
                }
            },
            None => Ok(()),
        };
        drop(self.temp_dir.take());
        result
    }

    /// Serves until `signal` resolves (or the server fails), then stops.
    pub async fn serve_until(mut self, signal: impl Future<Output = ()>) -> anyhow::Result<()> {
        let Some(mut task) = self.task.take() else { return Ok(()) };
        tokio::select! {
            () = signal => {
                self.task = Some(task);
                self.stop().await
            }
            ended = &mut task => ended.unwrap_or_else(|e| Err(anyhow::anyhow!("the demo server failed: {e}"))),
        }
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Builds (or reuses) the demo database and starts the server on a free
/// loopback port. With `args.db` naming an existing demo database, that one
/// is served as it is; a database holding anything else is refused.
pub async fn start(args: &DemoArgs) -> anyhow::Result<DemoServer> {
    let (location, media_dir, temp_dir) = match &args.db {
        Some(DbLocation::File(path)) => (DbLocation::File(path.clone()), path.with_extension("media"), None),
        Some(postgres @ DbLocation::Postgres(_)) => {
            (postgres.clone(), crate::config::data_dir().join("demo-postgres").join("media"), None)
        }
        None => {
            let dir = tempfile::Builder::new().prefix("frontdesk-demo-").tempdir()?;
            (DbLocation::File(dir.path().join("demo.db")), dir.path().join("media"), Some(dir))
        }
    };
    let files = match &location {
        DbLocation::File(path) => path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        DbLocation::Postgres(_) => media_dir.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf),
    };
    std::fs::create_dir_all(&files)?;
    let media = open_media(args.media_store.clone().unwrap_or(MediaLocation::Folder(media_dir)), args).await?;
    let db = Db::connect(&location, crate::storage::Durability::Full).await?;
    let prepared = async {
        if existing_demo(&db, &location).await? {
            Ok(None)
        } else {
            build_as(&db, Some(&media), args.distribution, args.seed, args.customers, Timestamp::now()).await.map(Some)
        }
    }
    .await;
    let built = match prepared {
        Ok(built) => built,
        Err(e) => {
            db.close().await;
            return Err(e);
        }
    };
    let customers = match &built {
        Some(report) => report.summary.customers as u64,
        None => count_customers(&db).await?,
    };
    let last = if temp_dir.is_none() { last_address(&db).await } else { None };

    let any_port = SocketAddr::from(([127, 0, 0, 1], 0));
    let config = |listen| ServerConfig {
        db: location.clone(),
        listen,
        media: media.clone(),
        public_url: None,
        clock: Clock::System,
    };
    let (server, moved_from) = match (args.listen, last) {
        (Some(listen), _) => (Server::bind(config(listen)).await, None),
        (None, Some(last)) => match Server::bind(config(last)).await {
            Ok(server) => (Ok(server), None),
            // Taken by something else now: any free port, and the banner says so.
            Err(_) => (Server::bind(config(any_port)).await, Some(last)),
        },
        (None, None) => (Server::bind(config(any_port)).await, None),
    };
    let server = match server {
        Ok(server) => server,
        Err(e) => {
            db.close().await;
            return Err(e);
        }
    };
    if temp_dir.is_none() {
        remember_address(&db, server.local_addr()).await?;
    }
    db.close().await;
    let base_url = format!("http://{}", server.local_addr());
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(server.run(async {
        let _ = rx.await;
    }));
    Ok(DemoServer {
        base_url,
        username: USERNAME,
        password: PASSWORD,
        db: location,
        media: media.location(),
        files,
        customers,
        built,
        temporary: temp_dir.is_some(),
        moved_from,
        shutdown: Some(tx),
        task: Some(task),
        temp_dir,
    })
}

/// The demo's photo store, as `serve` opens it (a bucket from the AWS
/// environment variables), checked before anything is built: a bucket that
/// cannot be listed would leave a half-built demo gym behind.
async fn open_media(location: MediaLocation, args: &DemoArgs) -> anyhow::Result<PhotoStore> {
    let store =
        PhotoStore::from_env(&location).map_err(|e| anyhow::anyhow!("cannot open the media store {location}: {e}"))?;
    store.prepare().await.map_err(|e| anyhow::anyhow!("cannot create the media store {location}: {e}"))?;
    store.list().await.map_err(|e| anyhow::anyhow!("cannot list the media store {location}: {e}"))?;
    Ok(match &args.media_public_url {
        Some(url) => store.with_public_url(url.clone()),
        None => store,
    })
}

async fn last_address(db: &Db) -> Option<SocketAddr> {
    let mut conn = db.acquire().await.ok()?;
    orgs::demo_address::last(&mut conn).await.ok()??.parse().ok()
}

async fn remember_address(db: &Db, addr: SocketAddr) -> anyhow::Result<()> {
    let mut conn = db.acquire().await?;
    orgs::demo_address::remember(&mut conn, &addr.to_string()).await?;
    Ok(())
}

/// True when the database already holds a complete demo gym; false when it
/// is empty; an error when it holds anything else (or a half-built demo).
async fn existing_demo(db: &Db, location: &DbLocation) -> anyhow::Result<bool> {
    let mut conn = db.acquire().await?;
    let names = orgs::org_names(&mut conn).await?;
    if names.is_empty() {
        return Ok(false);
    }
    if names.iter().any(|n| n == ORG_NAME) {
        // The staff login is created last: without it the build never finished.
        if auth::credentials(&mut conn, USERNAME).await?.is_some() {
            return Ok(true);
        }
        anyhow::bail!("{location} holds an unfinished demo gym; delete it and run the demo again");
    }
    anyhow::bail!(
        "{location} is not a demo database (it holds {}); give a new path, or none for a temporary one",
        names.join(", ")
    )
}

async fn count_customers(db: &Db) -> anyhow::Result<u64> {
    let mut conn = db.acquire().await?;
    let org = orgs::org_by_name(&mut conn, ORG_NAME).await?;
    let (count, _) = customers::list(&org, &mut conn, &CustomerFilter::default(), u64::MAX, 0).await?;
    Ok(count)
}

/// Fills an empty database with the demo gym: the organization, the
/// generated document (locations, membership types, customers and all their
/// records) imported in one transaction, then the staff login.
/// With `photos`, most customers get a generated portrait stored there.
pub async fn build(
    db: &Db,
    photos: Option<&PhotoStore>,
    seed: u64,
    customers: usize,
    now: Timestamp,
) -> anyhow::Result<BuildReport> {
    build_as(db, photos, Distribution::Even, seed, customers, now).await
}

/// [`build`], with the customers spread as `distribution` says.
pub async fn build_as(
    db: &Db,
    photos: Option<&PhotoStore>,
    distribution: Distribution,
    seed: u64,
    customers: usize,
    now: Timestamp,
) -> anyhow::Result<BuildReport> {
    crate::admin::create_org(db, ORG_NAME, TIME_ZONE).await?;
    let mut conn = db.acquire().await?;
    let org = orgs::org_by_name(&mut conn, ORG_NAME).await?;
    drop(conn);
    let started = Instant::now();
    let doc = realistic::generate(distribution, seed, customers, now)?;
    let generate_time = started.elapsed();
    let started = Instant::now();
    let summary = import::import(db, &org, &doc, now).await?;
    let import_time = started.elapsed();
    if let Some(store) = photos {
        attach_photos(db, &org, store, seed, now).await?;
    }
    let (second, second_password, second_pin) = SECOND_STAFF;
    crate::admin::create_user(db, ORG_NAME, second, second_password, Some(STAFF_LOCATION)).await?;
    crate::admin::set_pin(db, ORG_NAME, second, second_pin).await?;
    crate::admin::create_user(db, ORG_NAME, USERNAME, PASSWORD, Some(STAFF_LOCATION)).await?;
    crate::admin::set_pin(db, ORG_NAME, USERNAME, PIN).await?;
    Ok(BuildReport { summary, generate_time, import_time })
}

/// How many different faces the demo gym's photos show: enough that a
/// screen of results rarely repeats one, few enough to draw in about a
/// second in a debug build.
const DEMO_FACES: u64 = 48;

/// Gives most demo customers (85%) a generated portrait, so the demo shows
/// photos as a real gym's desk would.
async fn attach_photos(db: &Db, org: &OrgScope, store: &PhotoStore, seed: u64, now: Timestamp) -> anyhow::Result<()> {
    let mut conn = db.acquire().await?;
    let ids = crate::storage::bulk::existing_named(org, &mut conn, "customers", "email").await?;
    drop(conn);
    let mut rng = generate::Rng::new(seed ^ 0x5EED_F0CE);
    let mut faces: Vec<(i64, u64)> = Vec::new();
    for (id, _) in ids {
        if rng.percent(85) {
            faces.push((id, seed.wrapping_add(rng.below(DEMO_FACES))));
        }
    }
    crate::service::customers::attach_portraits(db, org, store, &faces, now.as_microsecond()).await?;
    Ok(())
}

/// `frontdesk demo`: starts the demo and opens the terminal app on it,
/// stopping the server when the app closes; with `--no-app`, serves until
/// Ctrl-C or SIGTERM.
pub fn run(args: DemoArgs, config: Option<PathBuf>) -> anyhow::Result<()> {
    // Server logs would scribble over the app's screen.
    if args.no_app {
        crate::runtime::init_logging("warn");
    }
    let runtime = crate::runtime::build()?;
    let result = runtime.block_on(async {
        let demo = start(&args).await?;
        let app_config = if demo.temporary { write_app_config(&demo).ok() } else { None };
        print!("{}", banner(&demo, &args, app_config.as_deref()));
        if args.no_app {
            println!("Serving until Ctrl-C.");
            return demo.serve_until(shutdown_signal()).await;
        }
        // The app reads Ctrl-C as a key; a signal from elsewhere still stops
        // the demo cleanly (the app's terminal guard restores the screen).
        let opened = tokio::select! {
            opened = open_app(&demo, config.as_deref()) => opened,
            () = shutdown_signal() => Ok(()),
        };
        let stopped = demo.stop().await;
        println!("Demo stopped.");
        opened.and(stopped)
    });
    // Don't wait on a blocking read the app may have left behind.
    runtime.shutdown_timeout(crate::runtime::RUNTIME_STOP);
    result
}

/// The terminal app on the demo's server (on this runtime), logged in as its
/// staff user, with the user's own display settings (photos, keys, colours)
/// when they have a config file.
async fn open_app(demo: &DemoServer, config_path: Option<&Path>) -> anyhow::Result<()> {
    let api_url = demo.api_url();
    let base = crate::client::parse_base_url(&api_url).map_err(anyhow::Error::msg)?;
    let token = crate::client::get_token(&base, demo.username, demo.password).await?;
    let mut config = match crate::config::load(config_path, crate::tui::check_keys) {
        Ok(own) => own,
        Err(crate::config::ConfigError::Missing(_)) if config_path.is_none() => {
            crate::config::Config::for_server(&api_url, &token)
        }
        Err(e) => return Err(e.into()),
    };
    config.base_url = api_url;
    config.token = Some(token);
    // The staff login names the organization the queued scans are for (the token is new each run).
    config.username = Some(demo.username.to_string());
    config.location_id = None;
    if let Some(journal) = demo.temporary_journal() {
        config.check_in.journal = Some(journal);
    }
    crate::tui::run_async_stopping_server(config).await
}

/// A config file for the terminal app pointing at the demo, beside the
/// temporary database.
fn write_app_config(demo: &DemoServer) -> std::io::Result<PathBuf> {
    let path = demo.files.join("frontdesk.toml");
    // Its queued scans are kept beside it, and removed with it.
    let journal = demo.files.join("scans-own-app.jsonl");
    let text = format!(
        "# The frontdesk demo's server; the password is {}.\nbase_url = \"{}\"\nusername = \"{}\"\n\n\
         [check_in]\njournal = {}\n",
        demo.password,
        demo.api_url(),
        demo.username,
        toml_string(&journal.display().to_string()),
    );
    crate::fs_atomic::write(&path, text.as_bytes(), crate::fs_atomic::Access::Private)?;
    Ok(path)
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn banner(demo: &DemoServer, args: &DemoArgs, app_config: Option<&Path>) -> String {
    let mut out = String::new();
    match &demo.built {
        Some(report) => out.push_str(&format!(
            "Demo gym \"{ORG_NAME}\": {} customers at 2 locations (seed {}), built in {:.1}s\n",
            demo.customers,
            args.seed,
            (report.generate_time + report.import_time).as_secs_f64()
        )),
        None => out.push_str(&format!("Demo gym \"{ORG_NAME}\": {} customers, reusing {}\n", demo.customers, demo.db)),
    }
    out.push_str(&format!("  API:    {}\n", demo.api_url()));
    if let Some(old) = demo.moved_from {
        out.push_str(&format!(
            "          ({old}, where this database was served last time, is in use: apps set to it must change)\n"
        ));
    }
    out.push_str(&format!("  Login:  username {}, password {}, PIN {PIN}\n", demo.username, demo.password));
    let (second, second_password, second_pin) = SECOND_STAFF;
    out.push_str(&format!(
        "          F12 locks the desk; sign in again as {}, or as {second} (password {second_password}, PIN {second_pin})\n",
        demo.username
    ));
    let lifetime = if demo.temporary { " (removed when the demo stops)" } else { "" };
    out.push_str(&format!("  Data:   {}{lifetime}\n", demo.db));
    out.push_str(&format!("  Photos: {}{lifetime}\n", demo.media));
    match app_config {
        Some(path) => out.push_str(&format!(
            "Point another terminal app at it with `frontdesk --config {}`, or put base_url = \"{}\" in your \
             config file.\n",
            path.display(),
            demo.api_url()
        )),
        None => out.push_str(&format!(
            "Point another terminal app at it by putting base_url = \"{}\" and username = \"{}\" in its config \
             file.\n",
            demo.api_url(),
            demo.username
        )),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn running(temporary: bool, moved_from: Option<SocketAddr>) -> DemoServer {
        DemoServer {
            base_url: "http://127.0.0.1:41001".into(),
            username: USERNAME,
            password: PASSWORD,
            db: DbLocation::File(PathBuf::from("/tmp/x/demo.db")),
            media: MediaLocation::Folder(PathBuf::from("/tmp/x/media")),
            files: PathBuf::from("/tmp/x"),
            customers: 500,
            built: None,
            temporary,
            moved_from,
            shutdown: None,
            task: None,
            temp_dir: None,
        }
    }

    fn args() -> DemoArgs {
        DemoArgs {
            customers: 500,
            db: None,
            seed: 1,
            no_app: false,
            listen: None,
            distribution: Default::default(),
            media_store: None,
            media_public_url: None,
        }
    }

    #[test]
    fn the_banner_ends_in_a_whole_sentence_with_or_without_db() {
        let temporary = banner(&running(true, None), &args(), Some(Path::new("/tmp/x/frontdesk.toml")));
        let named = banner(&running(false, None), &args(), None);
        for text in [&temporary, &named] {
            let last = text.lines().last().unwrap();
            assert!(last.starts_with("Point another terminal app at it") && last.ends_with('.'), "{text}");
            assert!(!text.lines().any(|l| l.trim_start().starts_with("or ")), "{text}");
        }
        assert!(temporary.contains("`frontdesk --config /tmp/x/frontdesk.toml`"), "{temporary}");
        assert!(named.contains("base_url = \"http://127.0.0.1:41001/api/\""), "{named}");
        let moved = banner(&running(false, Some("127.0.0.1:40000".parse().unwrap())), &args(), None);
        assert!(moved.contains("127.0.0.1:40000, where this database was served last time, is in use"), "{moved}");
    }

    /// The generated gym, byte for byte, for fixed seeds and times: pinned
    /// so that restructuring the generator provably changes nothing (when
    /// the output is meant to change, bump `GENERATOR_VERSION` and these).
    #[test]
    fn the_generated_documents_are_pinned_for_fixed_seeds() {
        use sha2::{Digest, Sha256};
        let digest = |distribution: Distribution, seed: u64, customers: usize, now: &str| {
            let doc = realistic::generate(distribution, seed, customers, now.parse().unwrap()).unwrap();
            hex::encode(Sha256::digest(serde_json::to_string(&doc).unwrap()))
        };
        let got = [
            digest(Distribution::Even, 7, 400, "2026-11-25T19:30:00Z"),
            digest(Distribution::Even, 1, 1500, "2026-06-01T06:10:00Z"),
            digest(Distribution::Realistic, 3, 600, "2026-11-25T19:30:00Z"),
        ];
        let pinned = [
            "d5991ccf981fde3b3171e096bcab025de98aef4956b1d1846e14327c0e5aa7e3",
            "9f8c6e45c6447b4bd8893e681792b64e98447fc8cf8b9e61c4810885e8fd60db",
            "f351c8b6c45acf0262609ed0c2f76cc9bc2ed4310f0151dd9698ca6e682725ee",
        ];
        assert_eq!(got, pinned, "generator version {}", generate::GENERATOR_VERSION);
    }
}
