//! The command line: `frontdesk` opens the terminal app; `serve`, `admin`,
//! `import` and `demo` run the server side. Admin and import commands print
//! only the new id (or a one-line summary) on stdout; errors are one line on
//! stderr and a non-zero exit.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

pub use crate::demo::DemoArgs;
use crate::runtime::{RUNTIME_STOP, STOP_GRACE, init_logging};
use crate::server::{Server, ServerConfig, shutdown_signal};
use crate::storage::{Clock, DbLocation, orgs};

#[derive(Debug, Parser)]
#[command(
    name = "frontdesk",
    version,
    about = "A keyboard-driven front desk for climbing gyms, and the Capitan-compatible API it talks to"
)]
pub struct Cli {
    /// The terminal app's config file (default: the user's config directory).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the Customers API server.
    Serve(ServeArgs),
    /// Create organizations, locations and staff users.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Load a JSON import document or a CSV of customers (see docs/import.md) into an organization, all or nothing.
    Import(ImportArgs),
    /// Write an organization's data as an import document (a backup; see docs/import.md).
    Export(ExportArgs),
    /// Build a demo gym, start the server on a free port and open the app on it.
    Demo(DemoArgs),
    /// Apply the database's migrations and exit, without serving (`serve`
    /// applies them too; one server migrates while the others wait).
    Migrate(MigrateArgs),
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The database: a SQLite file's path, or a `postgres://` URL (default: $DATABASE_URL).
    #[arg(long, value_name = "PATH|URL", env = "DATABASE_URL", hide_env_values = true)]
    pub db: DbLocation,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The database: a SQLite file's path (created if missing), or a
    /// `postgres://user@host/db` URL for a PostgreSQL database shared by
    /// several servers (default: $DATABASE_URL, else frontdesk.db in the
    /// user's data directory).
    #[arg(long, value_name = "PATH|URL", env = "DATABASE_URL", hide_env_values = true)]
    pub db: Option<DbLocation>,
    /// Address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8000")]
    pub listen: SocketAddr,
    /// Where profile photos are stored: a folder (default: `media` in the
    /// data folder), or an S3-compatible bucket, `s3://BUCKET/PREFIX`, with
    /// its credentials, region and endpoint from AWS_ACCESS_KEY_ID,
    /// AWS_SECRET_ACCESS_KEY, AWS_REGION (or AWS_DEFAULT_REGION) and
    /// AWS_ENDPOINT_URL (an http:// endpoint is allowed). Servers that share
    /// a bucket serve each other's photos.
    #[arg(long, visible_alias = "media-dir", value_name = "DIR|s3://BUCKET/PREFIX")]
    pub media_store: Option<crate::photo::MediaLocation>,
    /// Photo URLs point at `<URL>/<file>` (the bucket's public base, or a CDN
    /// in front of it) instead of this server's /media/<file>.
    #[arg(long, value_name = "URL", value_parser = crate::photo::parse_public_url)]
    pub media_public_url: Option<String>,
    /// The base URL clients reach the server at, used in every `url` field
    /// (default: http://<listen>).
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
    /// Failed logins allowed per minute, per client address and per username.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub login_failures_per_minute: u32,
    /// Open connections at most (default: the open-file limit less 256, at most 10,000).
    #[arg(long, value_name = "N")]
    pub max_connections: Option<usize>,
    /// `full` (default): a commit is on disk before it is acknowledged.
    /// `normal`: faster commits, but a power cut can lose the last ones.
    #[arg(long, value_name = "full|normal", default_value = "full")]
    pub durability: crate::storage::Durability,
    /// Tokens stop working this long after login: `90m`, `12h`, `30d`
    /// (default: they last until revoked).
    #[arg(long, value_name = "DURATION", value_parser = parse_ttl)]
    pub token_ttl: Option<std::time::Duration>,
    /// Answer customer lists and records from the in-memory customer index
    /// (kept in step with every write by database triggers); `off` answers
    /// them by SQL alone.
    #[arg(long, value_name = "on|off", default_value = "on")]
    pub customer_index: Switch,
    /// On SQLite, remember whom each token speaks for while nothing is
    /// committed to the database (checked with SQLite's data version before
    /// every request); `off` looks every request's token up by SQL.
    #[arg(long, value_name = "on|off", default_value = "on")]
    pub token_cache: Switch,
    /// A request's head (request line and headers) must arrive within this
    /// of its first byte, or the connection is closed: `10s`, `500ms`.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_timeout)]
    pub header_timeout: std::time::Duration,
    /// A connection that sends nothing this long between requests (or
    /// before its first) is closed.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_timeout)]
    pub idle_timeout: std::time::Duration,
    /// A request body that stops arriving for this long is refused (`400`)
    /// and its connection closed.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_timeout)]
    pub body_timeout: std::time::Duration,
}

/// A connection timeout: `500ms`, `10s`, `2m` (a bare number is seconds); more than zero.
fn parse_timeout(text: &str) -> Result<std::time::Duration, String> {
    const UNITS: crate::config::DurationUnits = &[("ms", 1), ("", 1_000), ("s", 1_000), ("m", 60_000)];
    let timeout = crate::config::parse_duration_in(text, UNITS, "500ms, 10s or 2m", "ms, s or m")?;
    if timeout.is_zero() {
        return Err("a timeout must be more than zero".into());
    }
    Ok(timeout)
}

/// `3600s`, `90m`, `12h`, `30d` (a bare number is seconds).
fn parse_ttl(text: &str) -> Result<std::time::Duration, String> {
    let ttl = crate::config::parse_duration(text)?;
    if ttl.is_zero() {
        return Err("the token lifetime must be more than zero".into());
    }
    Ok(ttl)
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an organization; prints its id.
    CreateOrg {
        /// The database: a SQLite file's path, or a `postgres://` URL (default: $DATABASE_URL).
        #[arg(long, value_name = "PATH|URL", env = "DATABASE_URL", hide_env_values = true)]
        db: DbLocation,
        #[arg(long)]
        name: String,
        /// IANA time zone, such as America/Denver.
        #[arg(long, value_name = "TZ", default_value = "UTC")]
        time_zone: String,
    },
    /// Create a location of an organization; prints its id.
    CreateLocation {
        /// The database: a SQLite file's path, or a `postgres://` URL (default: $DATABASE_URL).
        #[arg(long, value_name = "PATH|URL", env = "DATABASE_URL", hide_env_values = true)]
        db: DbLocation,
        /// The organization's name.
        #[arg(long, value_name = "NAME")]
        org: String,
        #[arg(long)]
        name: String,
        /// IANA time zone (default: the organization's).
        #[arg(long, value_name = "TZ")]
        time_zone: Option<String>,
    },
    /// Create a staff user who can log in to the API; prints their id.
    CreateUser {
        /// The database: a SQLite file's path, or a `postgres://` URL (default: $DATABASE_URL).
        #[arg(long, value_name = "PATH|URL", env = "DATABASE_URL", hide_env_values = true)]
        db: DbLocation,
        #[arg(long, value_name = "NAME")]
        org: String,
        #[arg(long, value_name = "U")]
        username: String,
        /// The password (visible to other users of this machine; prefer --password-stdin).
        #[arg(long, value_name = "P", conflicts_with = "password_stdin", required_unless_present = "password_stdin")]
        password: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        /// The user's own location (used for check-ins that name none).
        #[arg(long, value_name = "NAME")]
        location: Option<String>,
    },
    /// Set a staff user's PIN for the app's lock screen (4 to 8 digits, kept as an argon2 hash); prints their id.
    SetPin {
        /// The database: a SQLite file's path, or a `postgres://` URL (default: $DATABASE_URL).
        #[arg(long, value_name = "PATH|URL", env = "DATABASE_URL", hide_env_values = true)]
        db: DbLocation,
        #[arg(long, value_name = "NAME")]
        org: String,
        #[arg(long, value_name = "U")]
        username: String,
        /// Read the PIN from the first line of standard input (required: a PIN on the command line
        /// would be visible to other users of this machine).
        #[arg(long, required = true)]
        pin_stdin: bool,
    },
    /// List API tokens: organization, user, issued (never the token itself).
    ListTokens {
        /// The database: a SQLite file's path, or a `postgres://` URL (default: $DATABASE_URL).
        #[arg(long, value_name = "PATH|URL", env = "DATABASE_URL", hide_env_values = true)]
        db: DbLocation,
    },
    /// Revoke every API token of a staff user; prints how many.
    RevokeTokens {
        /// The database: a SQLite file's path, or a `postgres://` URL (default: $DATABASE_URL).
        #[arg(long, value_name = "PATH|URL", env = "DATABASE_URL", hide_env_values = true)]
        db: DbLocation,
        #[arg(long, value_name = "U")]
        username: String,
    },
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The database: a SQLite file's path, or a `postgres://` URL (default: $DATABASE_URL).
    #[arg(long, value_name = "PATH|URL", env = "DATABASE_URL", hide_env_values = true)]
    pub db: DbLocation,
    /// The organization to import into.
    #[arg(long, value_name = "NAME")]
    pub org: String,
    /// The import document.
    pub file: PathBuf,
    /// What the file is: a JSON import document, or a CSV spreadsheet of customers.
    #[arg(long, value_enum, default_value = "json")]
    pub format: ImportFormat,
    /// Write, for each record of the document, the id it got or kept (JSON).
    #[arg(long, value_name = "FILE.json")]
    pub report: Option<PathBuf>,
    /// Check the document and report what it would do, writing nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// The formats `frontdesk import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportFormat {
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The database: a SQLite file's path, or a `postgres://` URL (default: $DATABASE_URL).
    #[arg(long, value_name = "PATH|URL", env = "DATABASE_URL", hide_env_values = true)]
    pub db: DbLocation,
    /// The organization to export.
    #[arg(long, value_name = "NAME")]
    pub org: String,
    /// Where to write the document (default: standard output).
    pub file: Option<PathBuf>,
}

pub use crate::config::data_dir;

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(crate::runtime::build()?)
}

/// Runs the command line; the process's exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Serve(args)) => {
            init_logging("info,sqlx=warn");
            runtime().and_then(|runtime| {
                let result = runtime.block_on(serve(args));
                // A request still running after the grace period must not hold the process.
                runtime.shutdown_timeout(RUNTIME_STOP);
                result
            })
        }
        Some(Command::Admin(cmd)) => {
            init_logging("warn");
            runtime().and_then(|runtime| runtime.block_on(admin(cmd)))
        }
        Some(Command::Import(args)) => {
            init_logging("warn");
            runtime().and_then(|runtime| runtime.block_on(import(args)))
        }
        Some(Command::Export(args)) => {
            init_logging("warn");
            runtime().and_then(|runtime| runtime.block_on(export(args)))
        }
        Some(Command::Demo(args)) => crate::demo::run(args, cli.config),
        Some(Command::Migrate(args)) => {
            init_logging("warn");
            runtime().and_then(|runtime| runtime.block_on(migrate(args)))
        }
        None => crate::tui::main(cli.config),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A config problem says what to write, over several lines.
        Err(e) if e.downcast_ref::<crate::config::ConfigError>().is_some() => {
            eprintln!("frontdesk: {e}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("frontdesk: {}", one_line(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A feature turned on or off from the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Switch {
    On,
    Off,
}

/// The server's limits and policies as `serve`'s flags set them.
fn serve_options(args: &ServeArgs) -> crate::server::ServeOptions {
    let mut options = crate::server::ServeOptions::default();
    options.login_limits.max_failures = args.login_failures_per_minute.max(1);
    options.connections.max_connections = args.max_connections;
    options.connections.header_timeout = args.header_timeout;
    options.connections.idle_timeout = args.idle_timeout;
    options.connections.body_stall_timeout = args.body_timeout;
    options.durability = args.durability;
    options.token_ttl = args.token_ttl;
    options.customer_index = args.customer_index == Switch::On;
    options.token_cache = args.token_cache == Switch::On;
    options
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let options = serve_options(&args);
    let data = data_dir();
    let config = ServerConfig {
        db: args.db.unwrap_or_else(|| DbLocation::File(data.join("frontdesk.db"))),
        listen: args.listen,
        media: media_store(args.media_store, args.media_public_url, &data)?,
        public_url: args.public_url,
        clock: Clock::System,
    };
    let server = Server::bind_with(config.clone(), options).await?;
    tracing::info!(
        addr = %server.local_addr(),
        public_url = server.state().public_url(),
        db = %config.db,
        media = %config.media.location(),
        "frontdesk API server listening"
    );
    run_until_signal(server).await
}

/// The media store `--media-store` and `--media-public-url` name (a folder in
/// `data` by default).
fn media_store(
    location: Option<crate::photo::MediaLocation>,
    public_url: Option<String>,
    data: &std::path::Path,
) -> anyhow::Result<crate::photo::PhotoStore> {
    let location = location.unwrap_or_else(|| crate::photo::MediaLocation::Folder(data.join("media")));
    let store = crate::photo::PhotoStore::from_env(&location)
        .map_err(|e| anyhow::anyhow!("cannot open the media store {location}: {e}"))?;
    Ok(match public_url {
        Some(url) => store.with_public_url(url),
        None => store,
    })
}

/// Serves until Ctrl-C or SIGTERM, then stops within [`STOP_GRACE`]: requests still running then (a
/// slow upload, a client that stopped sending) are cut off rather than waited for.
pub(crate) async fn run_until_signal(server: Server) -> anyhow::Result<()> {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let run = server.run(async move {
        let _ = stopped.await;
    });
    tokio::pin!(run);
    tokio::select! {
        ended = &mut run => return ended,
        () = shutdown_signal() => {}
    }
    let _ = stop.send(());
    match tokio::time::timeout(STOP_GRACE, &mut run).await {
        Ok(ended) => ended,
        Err(_) => {
            tracing::warn!("requests were still running {STOP_GRACE:?} after the signal: stopped without them");
            Ok(())
        }
    }
}

async fn admin(cmd: AdminCommand) -> anyhow::Result<()> {
    let id = match cmd {
        AdminCommand::CreateOrg { db, name, time_zone } => {
            crate::admin::create_org(&crate::admin::open(&db).await?, &name, &time_zone).await?
        }
        AdminCommand::CreateLocation { db, org, name, time_zone } => {
            crate::admin::create_location(&crate::admin::open(&db).await?, &org, &name, time_zone.as_deref()).await?
        }
        AdminCommand::CreateUser { db, org, username, password, password_stdin, location } => {
            let password = match (password, password_stdin) {
                (Some(p), _) => p,
                (None, _) => {
                    let mut line = String::new();
                    std::io::stdin().lock().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            let db = crate::admin::open(&db).await?;
            crate::admin::create_user(&db, &org, &username, &password, location.as_deref()).await?
        }
        AdminCommand::SetPin { db, org, username, pin_stdin: _ } => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            let pin = line.trim_end_matches(['\r', '\n']);
            crate::admin::set_pin(&crate::admin::open(&db).await?, &org, &username, pin).await?
        }
        AdminCommand::ListTokens { db } => {
            for t in crate::admin::list_tokens(&crate::admin::open(&db).await?).await? {
                let issued =
                    jiff::Timestamp::from_microsecond(t.created_at).map_or_else(|_| "?".into(), |ts| ts.to_string());
                println!("{}\t{}\t{}\t{issued}", t.digest_prefix, t.org_name, t.username);
            }
            return Ok(());
        }
        AdminCommand::RevokeTokens { db, username } => {
            let revoked = crate::admin::revoke_tokens(&crate::admin::open(&db).await?, &username).await;
            let revoked = revoked.map_err(|e| match e {
                crate::storage::StoreError::NotFound => anyhow::anyhow!("no staff user named {username:?}"),
                e => e.into(),
            })?;
            i64::try_from(revoked).unwrap_or(i64::MAX)
        }
    };
    println!("{id}");
    Ok(())
}

/// Opens the database (which applies its migrations) and says so.
async fn migrate(args: MigrateArgs) -> anyhow::Result<()> {
    let db = crate::admin::open(&args.db).await?;
    db.close().await;
    println!("{}: migrations applied", args.db);
    Ok(())
}

async fn import(args: ImportArgs) -> anyhow::Result<()> {
    let (doc, origin) = match args.format {
        ImportFormat::Json => (crate::import::read_document(&args.file).map_err(anyhow::Error::msg)?, None),
        ImportFormat::Csv => {
            let (doc, origin) = crate::import::csv::read_customers(&args.file).map_err(anyhow::Error::msg)?;
            (doc, Some(origin))
        }
    };
    let db = crate::admin::open(&args.db).await?;
    let mut conn = db.acquire().await?;
    let org = orgs::org_by_name(&mut conn, &args.org).await?;
    drop(conn);
    let started = std::time::Instant::now();
    let options = crate::import::ImportOptions { dry_run: args.dry_run };
    let outcome = match crate::import::import_with(&db, &org, &doc, Clock::System.now(), options).await {
        Ok(outcome) => outcome,
        // A spreadsheet's problems name its rows and columns.
        Err(failure) => match &origin {
            Some(origin) => {
                return Err(
                    crate::import::ImportFailure(failure.0.into_iter().map(|e| origin.locate(e)).collect()).into()
                );
            }
            None => return Err(failure.into()),
        },
    };
    if let Some(path) = &args.report {
        let mut text = serde_json::to_vec_pretty(&outcome.report)?;
        text.push(b'\n');
        std::fs::write(path, text).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    if args.dry_run {
        println!("dry run, nothing written: {} in {elapsed:.1}s", outcome.summary);
    } else {
        println!("{} in {elapsed:.1}s", outcome.summary);
    }
    Ok(())
}

async fn export(args: ExportArgs) -> anyhow::Result<()> {
    use std::io::Write as _;
    let db = crate::admin::open(&args.db).await?;
    let mut conn = db.acquire().await?;
    let org = orgs::org_by_name(&mut conn, &args.org).await?;
    drop(conn);
    match &args.file {
        Some(path) => {
            // Written beside the file and renamed over it when whole: a
            // failed export leaves the last good backup in place.
            let cannot = |e: &dyn std::fmt::Display| anyhow::anyhow!("cannot write {}: {e}", path.display());
            let mut pending =
                crate::fs_atomic::Pending::create(path, crate::fs_atomic::Access::Private).map_err(|e| cannot(&e))?;
            let mut out = std::io::BufWriter::with_capacity(1 << 20, pending.file());
            let written = crate::import::export::export_to(&db, &org, &mut out).await?;
            out.flush().map_err(|e| cannot(&e))?;
            drop(out);
            pending.commit().map_err(|e| cannot(&e))?;
            eprintln!(
                "exported {} customers, {} memberships of {} to {}",
                written.customers,
                written.memberships,
                org.name,
                path.display()
            );
        }
        None => {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
            crate::import::export::export_to(&db, &org, &mut out).await?;
            out.flush()?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn serve_args(flags: &[&str]) -> Result<ServeArgs, clap::Error> {
        let cli = Cli::try_parse_from([&["frontdesk", "serve"], flags].concat())?;
        match cli.command {
            Some(Command::Serve(args)) => Ok(args),
            other => panic!("not serve: {other:?}"),
        }
    }

    #[test]
    fn the_connection_timeout_flags_set_the_servers_limits() {
        let options = serve_options(&serve_args(&[]).unwrap());
        assert_eq!(options.connections, crate::server::listener::ConnectionLimits::default());
        let args = serve_args(&["--header-timeout", "500ms", "--idle-timeout", "2m", "--body-timeout", "7"]).unwrap();
        let limits = serve_options(&args).connections;
        assert_eq!(limits.header_timeout, Duration::from_millis(500));
        assert_eq!(limits.idle_timeout, Duration::from_secs(120));
        assert_eq!(limits.body_stall_timeout, Duration::from_secs(7));
    }

    #[test]
    fn the_index_and_the_token_cache_are_on_unless_turned_off() {
        let options = serve_options(&serve_args(&[]).unwrap());
        assert!(options.customer_index && options.token_cache);
        let options = serve_options(&serve_args(&["--token-cache", "off", "--customer-index", "off"]).unwrap());
        assert!(!options.customer_index && !options.token_cache);
        assert!(serve_args(&["--token-cache", "maybe"]).is_err());
    }

    #[test]
    fn the_media_store_is_a_folder_or_a_bucket_and_media_dir_still_names_a_folder() {
        use crate::photo::MediaLocation;
        assert_eq!(serve_args(&[]).unwrap().media_store, None);
        let args = serve_args(&["--media-dir", "/srv/photos"]).unwrap();
        assert_eq!(args.media_store, Some(MediaLocation::Folder("/srv/photos".into())));
        let flags = ["--media-store", "s3://gym-photos/desk", "--media-public-url", "https://cdn.example/p/"];
        let args = serve_args(&flags).unwrap();
        let bucket = MediaLocation::Bucket { bucket: "gym-photos".into(), prefix: "desk".into() };
        assert_eq!(args.media_store, Some(bucket));
        assert_eq!(args.media_public_url.as_deref(), Some("https://cdn.example/p"));
        let err = serve_args(&["--media-store", "s3:///x"]).unwrap_err().to_string();
        assert!(err.contains("names no bucket"), "{err}");
        let err = serve_args(&["--media-public-url", "cdn.example"]).unwrap_err().to_string();
        assert!(err.contains("is not an http:// or https:// URL"), "{err}");
    }

    #[test]
    fn the_demo_takes_the_media_store_as_serve_does_with_a_database_of_its_own() {
        use crate::photo::MediaLocation;
        let demo_args = |flags: &[&str]| -> Result<DemoArgs, clap::Error> {
            let cli = Cli::try_parse_from([&["frontdesk", "demo"], flags].concat())?;
            match cli.command {
                Some(Command::Demo(args)) => Ok(args),
                other => panic!("not demo: {other:?}"),
            }
        };
        assert_eq!(demo_args(&[]).unwrap().media_store, None);
        let flags = ["--db", "postgres://db/demo", "--media-store", "s3://gym-photos/demo"];
        let args = demo_args(&[&flags[..], &["--media-public-url", "https://cdn.example/d/"]].concat()).unwrap();
        let bucket = MediaLocation::Bucket { bucket: "gym-photos".into(), prefix: "demo".into() };
        assert_eq!(args.media_store, Some(bucket));
        assert_eq!(args.media_public_url.as_deref(), Some("https://cdn.example/d"));
        let err = demo_args(&["--media-store", "s3://gym-photos/demo"]).unwrap_err().to_string();
        assert!(err.contains("--db"), "a temporary demo's photos go with it: {err}");
    }

    #[test]
    fn a_timeout_that_is_zero_or_not_a_duration_is_refused_with_its_reason() {
        let err = serve_args(&["--idle-timeout", "0s"]).unwrap_err().to_string();
        assert!(err.contains("a timeout must be more than zero"), "{err}");
        let err = serve_args(&["--header-timeout", "10h"]).unwrap_err().to_string();
        assert!(err.contains("unknown unit in \"10h\" (use ms, s or m)"), "{err}");
        let err = serve_args(&["--body-timeout", "soon"]).unwrap_err().to_string();
        assert!(err.contains("is not a duration"), "{err}");
    }
}
