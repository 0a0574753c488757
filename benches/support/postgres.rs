//! The benchmark dataset in PostgreSQL, beside the SQLite file: the same
//! demo gym (same seed, size and "today" as the cached SQLite database),
//! loaded through the same import into a database of its own on the server
//! named by `--postgres URL` or `FRONTDESK_BENCH_POSTGRES`, then vacuumed
//! and analyzed. Kept between runs like the SQLite file, under a name hashed
//! from the data set (`frontdesk_bench_<hash>`), and rebuilt when the data
//! changes; each run serves a copy of it (check-ins write).

use frontdesk::demo;
use frontdesk::storage::{Db, DbLocation, Durability};
use sqlx::Connection as _;

use super::{BuildFigures, Dataset, cpu_reference, process_cpu_secs, target_dir};

/// The PostgreSQL twin of a [`Dataset`].
pub struct PgDataset {
    /// The server's URL, as given (its own database, usually `postgres`).
    pub server: String,
    pub database: String,
    pub figures: BuildFigures,
    /// Whether this run built it (so `figures` were measured now).
    pub built_now: bool,
}

/// A copy of a [`PgDataset`] for one run, dropped by [`PgRunCopy::remove`].
pub struct PgRunCopy {
    server: String,
    pub database: String,
    pub location: DbLocation,
}

/// `url` naming `database` instead of its own.
pub fn with_database(url: &str, database: &str) -> anyhow::Result<String> {
    let (scheme, rest) = url.split_once("://").ok_or_else(|| anyhow::anyhow!("not a postgres:// URL"))?;
    let (rest, query) = rest.split_once('?').map_or((rest, None), |(r, q)| (r, Some(q)));
    let authority = rest.split_once('/').map_or(rest, |(a, _)| a);
    Ok(match query {
        Some(q) => format!("{scheme}://{authority}/{database}?{q}"),
        None => format!("{scheme}://{authority}/{database}"),
    })
}

/// The database name for `data`: what makes the data (the generator's
/// version, the distribution, seed and size: the SQLite file's stem) and the
/// "today" it was generated for.
fn database_name(data: &Dataset) -> String {
    use sha2::Digest;
    let stem = data.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let digest = sha2::Sha256::digest(format!("{stem}\n{}", data.figures.built_at).as_bytes());
    let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("frontdesk_bench_{hex}")
}

/// An advisory lock key for one bench database's name, so two runs (two
/// worktrees over one server) never build or copy it at once.
fn lock_key(database: &str) -> i64 {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("frontdesk bench lock {database}").as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}

/// The file under `target/bench-data/` naming the PostgreSQL database this
/// worktree last built for `data`'s stem, so a rebuild drops the one it
/// replaces (disk is shared).
fn record_path(data: &Dataset) -> std::path::PathBuf {
    let stem = data.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    target_dir().join("bench-data").join(format!("{stem}.postgres"))
}

/// The PostgreSQL copy of `data` on `server`, built when missing (or when
/// `FRONTDESK_BENCH_REBUILD` is set), and a fresh copy of it for this run.
///
/// The build's figures are the database's comment, written last: a database
/// without one is a build that did not finish, and is built again.
pub async fn dataset(server: &str, data: &Dataset) -> anyhow::Result<(PgDataset, PgRunCopy)> {
    let database = database_name(data);
    let mut admin = sqlx::PgConnection::connect(server).await?;
    drop_stale_run_copies(&mut admin).await;
    sqlx::query("SELECT pg_advisory_lock($1)").bind(lock_key(&database)).execute(&mut admin).await?;
    let result = build_and_copy(&mut admin, server, &database, data).await;
    let _ = sqlx::query("SELECT pg_advisory_unlock($1)").bind(lock_key(&database)).execute(&mut admin).await;
    admin.close().await.ok();
    result
}

async fn build_and_copy(
    admin: &mut sqlx::PgConnection,
    server: &str,
    database: &str,
    data: &Dataset,
) -> anyhow::Result<(PgDataset, PgRunCopy)> {
    let comment: Option<(Option<String>,)> =
        sqlx::query_as("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1")
            .bind(database)
            .fetch_optional(&mut *admin)
            .await?;
    let rebuild = std::env::var_os("FRONTDESK_BENCH_REBUILD").is_some_and(|v| !v.is_empty() && v != "0");
    let cached =
        comment.and_then(|(c,)| c).and_then(|c| serde_json::from_str::<BuildFigures>(&c).ok()).filter(|_| !rebuild);
    let pg = match cached {
        Some(figures) => {
            PgDataset { server: server.to_string(), database: database.to_string(), figures, built_now: false }
        }
        None => build(admin, server, database, data).await?,
    };
    // A copy for this run: the template must have no other connection,
    // which the lock held by the caller ensures among benches.
    let copy = format!("frontdesk_bench_run_{}", std::process::id());
    execute(admin, &format!("DROP DATABASE IF EXISTS {copy}")).await?;
    execute(admin, &format!("CREATE DATABASE {copy} TEMPLATE {database}")).await?;
    let location = DbLocation::Postgres(with_database(server, &copy)?);
    Ok((pg, PgRunCopy { server: server.to_string(), database: copy, location }))
}

async fn build(
    admin: &mut sqlx::PgConnection,
    server: &str,
    database: &str,
    data: &Dataset,
) -> anyhow::Result<PgDataset> {
    execute(admin, &format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)")).await?;
    execute(admin, &format!("CREATE DATABASE {database}")).await?;
    let url = with_database(server, database)?;
    eprintln!(
        "building the PostgreSQL benchmark database {database}: the data of {} (built {})",
        data.path.display(),
        data.figures.built_at
    );
    let db = Db::connect(&DbLocation::Postgres(url.clone()), Durability::Full).await?;
    // The same document as the SQLite file: same seed, size and "today".
    let now: jiff::Timestamp = data.figures.built_at.parse()?;
    let machine_speed = Some(cpu_reference());
    let cpu_before = process_cpu_secs();
    let report = demo::build_as(&db, None, demo::Distribution::Even, data.seed, data.figures.customers, now).await?;
    let build_cpu_secs = process_cpu_secs().zip(cpu_before).map(|(after, before)| after - before);
    db.close().await;
    anyhow::ensure!(
        report.summary.customers == data.figures.customers && report.summary.check_ins == data.figures.check_ins,
        "the PostgreSQL import differs from the SQLite one ({} customers, {} check-ins)",
        report.summary.customers,
        report.summary.check_ins
    );
    // Statistics for the planner, and the visibility map for index-only
    // scans: what autovacuum gives a live database some minutes after an
    // import, done now so that no run measures before it and none during it.
    let started = std::time::Instant::now();
    let mut conn = sqlx::PgConnection::connect(&url).await?;
    sqlx::raw_sql("VACUUM (ANALYZE)").execute(&mut conn).await?;
    conn.close().await.ok();
    eprintln!("VACUUM (ANALYZE): {:.1} s", started.elapsed().as_secs_f64());
    let figures = BuildFigures::of(&report, build_cpu_secs, data.figures.built_at.clone(), machine_speed);
    let json = serde_json::to_string(&figures)?.replace('\'', "''");
    execute(admin, &format!("COMMENT ON DATABASE {database} IS '{json}'")).await?;
    replace_record(admin, data, database).await;
    Ok(PgDataset { server: server.to_string(), database: database.to_string(), figures, built_now: true })
}

/// Notes `database` as this worktree's database for `data`, dropping the
/// one it replaces (unless something is connected to it).
async fn replace_record(admin: &mut sqlx::PgConnection, data: &Dataset, database: &str) {
    let path = record_path(data);
    if let Ok(previous) = std::fs::read_to_string(&path) {
        let previous = previous.trim();
        let plain = previous.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if previous != database && previous.starts_with("frontdesk_bench_") && plain {
            match execute(admin, &format!("DROP DATABASE IF EXISTS {previous}")).await {
                Ok(()) => eprintln!("dropped the replaced benchmark database {previous}"),
                Err(e) => eprintln!("kept the replaced benchmark database {previous}: {e}"),
            }
        }
    }
    let _ = std::fs::write(&path, database);
}

/// Drops the run copies of benches no longer running (killed mid-run).
async fn drop_stale_run_copies(admin: &mut sqlx::PgConnection) {
    let Ok(names) = sqlx::query_as::<_, (String,)>(
        "SELECT datname FROM pg_database WHERE datname LIKE 'frontdesk\\_bench\\_run\\_%'",
    )
    .fetch_all(&mut *admin)
    .await
    else {
        return;
    };
    for (name,) in names {
        let pid = name.trim_start_matches("frontdesk_bench_run_");
        if pid.chars().all(|c| c.is_ascii_digit()) && !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = execute(admin, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
}

impl PgRunCopy {
    /// Drops this run's copy.
    pub async fn remove(self) -> anyhow::Result<()> {
        let mut admin = sqlx::PgConnection::connect(&self.server).await?;
        execute(&mut admin, &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.database)).await?;
        admin.close().await.ok();
        Ok(())
    }
}

async fn execute(conn: &mut sqlx::PgConnection, text: &str) -> anyhow::Result<()> {
    sqlx::raw_sql(sqlx::AssertSqlSafe(text.to_string())).execute(conn).await?;
    Ok(())
}
