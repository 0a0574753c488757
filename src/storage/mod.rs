//! All SQL lives here. Every function that touches an organization's rows takes
//! that organization's [`OrgScope`] as its first argument, so no query can
//! forget the scope; queries are built with sea-query so the same code renders
//! for SQLite now and PostgreSQL later.

pub mod activity;
pub mod auth;
pub mod bulk;
pub mod change_probe;
pub mod check_ins;
pub mod customer_filters;
pub mod customer_index;
pub mod customers;
pub mod derived;
pub mod duplicates;
pub mod events;
pub mod idempotency;
pub mod import_plan;
pub mod listing;
pub mod media;
pub mod memberships;
pub mod orgs;
pub mod postgres;
pub mod relations;
mod sql;
pub mod subrecords;
pub mod throttle;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::model::FieldErrors;

pub use sql::{Conn, Dialect};

/// Why a storage call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// The write breaks a rule that needs the database to check (a unique
    /// email, an unknown location id...).
    #[error("invalid: {0}")]
    Invalid(FieldErrors),
    #[error("{0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The organization a request acts for: every query is scoped to it.
#[derive(Debug, Clone)]
pub struct OrgScope {
    pub id: i64,
    pub name: String,
    pub time_zone: TimeZone,
    pub time_zone_name: String,
}

impl OrgScope {
    /// The organization's local calendar date at `now`.
    pub fn local_date(&self, now: Timestamp) -> Date {
        now.to_zoned(self.time_zone.clone()).date()
    }

    /// The first instant of `date` in the organization's time zone.
    pub fn start_of_day(&self, date: Date) -> Timestamp {
        start_of_day(&self.time_zone, date)
    }
}

/// The first instant of `date` in `tz` (a day that starts in a DST gap
/// starts at the first instant that exists).
pub fn start_of_day(tz: &TimeZone, date: Date) -> Timestamp {
    date.to_zoned(tz.clone()).map(|z| z.timestamp()).unwrap_or_else(|_| {
        // Outside jiff's range: clamp rather than fail a filter.
        if date.year() > 0 { Timestamp::MAX } else { Timestamp::MIN }
    })
}

/// Wall-clock time of `ts` in `tz`, as check-ins show it.
pub fn local_datetime(tz: &TimeZone, ts: Timestamp) -> DateTime {
    tz.to_datetime(ts)
}

/// Parses an IANA time zone name, with a message that names it.
pub fn parse_time_zone(name: &str) -> Result<TimeZone, String> {
    TimeZone::get(name).map_err(|_| format!("unknown time zone {name:?} (use an IANA name such as America/Denver)"))
}

/// Where "now" comes from. Production uses the system clock; tests and demos
/// can pin it.
#[derive(Debug, Clone, Default)]
pub enum Clock {
    #[default]
    System,
    Fixed(Timestamp),
}

impl Clock {
    pub fn now(&self) -> Timestamp {
        match self {
            Clock::System => Timestamp::now(),
            Clock::Fixed(ts) => *ts,
        }
    }

    pub fn now_micros(&self) -> i64 {
        self.now().as_microsecond()
    }
}

/// The database: a pool of SQLite connections in WAL mode, or of
/// PostgreSQL connections.
#[derive(Clone, Debug)]
pub struct Db {
    pool: Pool,
    /// Whose turn it is to write, on SQLite; see [`WriteTx`].
    writer: Arc<tokio::sync::Mutex<()>>,
    /// Whether anything was committed since, on SQLite (see
    /// [`change_probe`]); `None` on PostgreSQL.
    probe: Option<Arc<change_probe::ChangeProbe>>,
    /// Identities of tokens seen lately, kept while nothing is committed
    /// (see [`auth::current_identity`]).
    identities: Arc<auth::IdentityCache>,
}

/// The two backends' typed pools.
#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// Where the database is: a SQLite file, or a PostgreSQL server's URL.
#[derive(Clone, PartialEq, Eq)]
pub enum DbLocation {
    File(PathBuf),
    Postgres(String),
}

impl DbLocation {
    /// A `postgres://` (or `postgresql://`) URL names a PostgreSQL
    /// database; anything else is a SQLite file's path.
    pub fn parse(text: &str) -> DbLocation {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            DbLocation::Postgres(text.to_string())
        } else {
            DbLocation::File(PathBuf::from(text))
        }
    }

    /// The SQLite file, if that is what this is.
    pub fn file(&self) -> Option<&Path> {
        match self {
            DbLocation::File(path) => Some(path),
            DbLocation::Postgres(_) => None,
        }
    }
}

impl From<PathBuf> for DbLocation {
    fn from(path: PathBuf) -> DbLocation {
        DbLocation::File(path)
    }
}

impl From<&Path> for DbLocation {
    fn from(path: &Path) -> DbLocation {
        DbLocation::File(path.to_path_buf())
    }
}

impl std::str::FromStr for DbLocation {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(DbLocation::parse(s))
    }
}

/// Shown without a PostgreSQL URL's password.
impl std::fmt::Display for DbLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbLocation::File(path) => write!(f, "{}", path.display()),
            DbLocation::Postgres(url) => f.write_str(&postgres::redacted(url)),
        }
    }
}

impl std::fmt::Debug for DbLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DbLocation({self})")
    }
}

/// A write transaction. On SQLite it holds this process's turn to write
/// until it ends; on PostgreSQL, the database's write lock (see
/// [`postgres::begin_write`]).
///
/// SQLite admits one writer at a time. Writers that queue for it in SQLite's
/// busy handler poll with sleeps of up to 100 ms and are not served in order
/// (four desks scanning at once saw stalls of 600 ms); queued here, the next
/// writer starts the moment the previous one ends, first come first served,
/// and holds no pooled connection while it waits.
pub struct WriteTx {
    // Field order matters: the transaction ends before the turn is passed on.
    conn: Conn,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.conn.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.conn.rollback().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = Conn;

    fn deref(&self) -> &Conn {
        &self.conn
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.conn
    }
}

/// How a commit reaches the disk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Durability {
    /// `synchronous=FULL`: every commit is on disk (the WAL fsynced) before
    /// it is acknowledged, so a power cut loses no acknowledged write.
    #[default]
    Full,
    /// `synchronous=NORMAL`: the WAL is fsynced only at checkpoints. A crash
    /// of the process loses nothing, but a power cut or kernel crash can roll
    /// back the last acknowledged commits.
    Normal,
}

impl std::str::FromStr for Durability {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "full" => Ok(Durability::Full),
            "normal" => Ok(Durability::Normal),
            other => Err(format!("unknown durability {other:?} (use full or normal)")),
        }
    }
}

impl Db {
    /// Opens (creating if needed) the database file and applies migrations,
    /// with [`Durability::Full`].
    pub async fn open(path: &Path) -> StoreResult<Db> {
        Db::open_with(path, Durability::Full).await
    }

    /// [`open`](Self::open) with the given durability.
    pub async fn open_with(path: &Path, durability: Durability) -> StoreResult<Db> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::Db(sqlx::Error::Io(e)))?;
        }
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(match durability {
                Durability::Full => SqliteSynchronous::Full,
                Durability::Normal => SqliteSynchronous::Normal,
            })
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", "-32768")
            // Reads straight from the OS page cache, shared by every pooled
            // connection, instead of each connection's own copy of the pages.
            .pragma("mmap_size", "1073741824")
            .pragma("temp_store", "memory")
            // Checkpoints run in the background (see `checkpoint_in_background`).
            .pragma("wal_autocheckpoint", "0");
        // No ping before each checkout: the database is a local file, and a
        // ping is one more round trip to the connection's thread per request.
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await.map_err(|e| StoreError::Db(e.into()))?;
        // The list filters' plans depend on the planner's statistics: gather
        // them where they are missing or stale (a no-op when they are current).
        sqlx::raw_sql("PRAGMA optimize=0x10002").execute(&pool).await?;
        tokio::spawn(checkpoint_in_background(pool.clone()));
        let probe = change_probe::ChangeProbe::open(path).map(Arc::new);
        let db = Db { probe, ..Db::with_pool(Pool::Sqlite(pool)) };
        duplicates::backfill(&db).await?;
        Ok(db)
    }

    /// Opens the database at `location`: a SQLite file (with `durability`)
    /// or a PostgreSQL database (whose durability is the server's own), and
    /// applies migrations.
    pub async fn connect(location: &DbLocation, durability: Durability) -> StoreResult<Db> {
        match location {
            DbLocation::File(path) => Db::open_with(path, durability).await,
            DbLocation::Postgres(url) => {
                let pool = postgres::connect(url).await?;
                let db = Db::with_pool(Pool::Postgres(pool));
                duplicates::backfill(&db).await?;
                Ok(db)
            }
        }
    }

    fn with_pool(pool: Pool) -> Db {
        Db {
            pool,
            writer: Arc::new(tokio::sync::Mutex::new(())),
            probe: None,
            identities: Arc::new(auth::IdentityCache::default()),
        }
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The database's change number now, where it can be read without a
    /// statement (SQLite's data version; see [`change_probe`]): equal to an
    /// earlier one exactly when nothing was committed in between. `None`
    /// when it cannot say (PostgreSQL): assume a change.
    pub fn change_version(&self) -> Option<i64> {
        self.probe.as_ref()?.version()
    }

    pub(crate) fn identities(&self) -> &auth::IdentityCache {
        &self.identities
    }

    /// The SQL this database speaks.
    pub fn dialect(&self) -> sql::Dialect {
        match self.pool {
            Pool::Sqlite(_) => sql::Dialect::Sqlite,
            Pool::Postgres(_) => sql::Dialect::Postgres,
        }
    }

    /// Starts a write transaction. SQLite takes the write lock at the first
    /// write, so a read-then-write sequence inside one transaction is begun
    /// with `BEGIN IMMEDIATE` to avoid a lock upgrade failing under load.
    /// PostgreSQL: see [`postgres::begin_write`].
    pub async fn begin_write(&self) -> StoreResult<WriteTx> {
        match &self.pool {
            Pool::Sqlite(pool) => {
                let turn = Arc::clone(&self.writer).lock_owned().await;
                let tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                Ok(WriteTx { conn: Conn::sqlite_tx(tx), _turn: Some(turn) })
            }
            Pool::Postgres(pool) => Ok(WriteTx { conn: postgres::begin_write(pool).await?, _turn: None }),
        }
    }

    pub async fn acquire(&self) -> StoreResult<Conn> {
        Ok(match &self.pool {
            Pool::Sqlite(pool) => Conn::sqlite_pooled(pool.acquire().await?),
            Pool::Postgres(pool) => Conn::pg_pooled(pool.acquire().await?),
        })
    }

    /// Runs SQL text of our own, statements without values (tests set up
    /// rows with it).
    pub async fn execute_script(&self, text: &str) -> StoreResult<()> {
        let mut conn = self.acquire().await?;
        Ok(sql::execute_schema(&mut conn, text).await?)
    }

    /// One round trip to the database: `Ok` when it answers.
    pub async fn ping(&self) -> StoreResult<()> {
        let mut conn = self.acquire().await?;
        let stmt = sea_query::Query::select().expr(sea_query::Expr::val(1i64)).to_owned();
        sql::fetch_scalar::<i64, _>(&mut conn, &stmt).await?;
        Ok(())
    }

    /// True once [`close`](Self::close) has run.
    pub fn is_closed(&self) -> bool {
        match &self.pool {
            Pool::Sqlite(pool) => pool.is_closed(),
            Pool::Postgres(pool) => pool.is_closed(),
        }
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

/// Copies the write-ahead log into the database file off the request path,
/// twice a second, until the pool closes. With SQLite's automatic
/// checkpoints the commit that crosses 1,000 pages of log does the copy and
/// its fsync itself: a barcode scan that happened to be that commit took 20
/// to 175 ms on a busy disk. A passive checkpoint never blocks a writer.
async fn checkpoint_in_background(pool: sqlx::SqlitePool) {
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Ok(mut conn) = pool.acquire().await else {
            return; // closed
        };
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&mut *conn).await {
            tracing::warn!(error = %e, "background checkpoint failed");
        }
    }
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./src/storage/migrations/sqlite");
