//! The orphan sweep: photo files no customer refers to. An upload writes its
//! files before the row that points at them commits, so a crash in between
//! (or a `kill -9`) leaves files nothing will ever delete. At start and then
//! every [`SWEEP_EVERY`], files that no row names and that are older than
//! [`MIN_AGE`] are removed; the age keeps an upload in flight (its files
//! written, its transaction not yet committed) safe, since a request ends
//! within its 30 s timeout.

use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::photo::store::is_photo_name;
use crate::storage::{Db, StoreResult, media};

/// Files younger than this are never swept.
pub const MIN_AGE: Duration = Duration::from_secs(5 * 60);
/// How often the running server sweeps.
pub const SWEEP_EVERY: Duration = Duration::from_secs(10 * 60);

/// Removes photo files (and partial writes) in `dir` that no customer refers
/// to and that were last modified more than `min_age` before `now`. Returns
/// how many were removed. Files this server does not name are left alone.
pub async fn sweep(db: &Db, dir: &Path, min_age: Duration, now: SystemTime) -> StoreResult<usize> {
    let mut conn = db.acquire().await?;
    let referenced = media::referenced_files(&mut conn).await?;
    drop(conn);
    let dir = dir.to_path_buf();
    let removed = tokio::task::spawn_blocking(move || {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return 0;
        };
        let mut removed = 0;
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let partial = name.strip_prefix('.').and_then(|n| n.strip_suffix(".partial"));
            let ours = partial.map_or_else(|| is_photo_name(name), is_photo_name);
            if !ours || (partial.is_none() && referenced.contains(name)) {
                continue;
            }
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age >= min_age));
            if !old {
                continue;
            }
            match std::fs::remove_file(entry.path()) {
                Ok(()) => removed += 1,
                Err(e) => tracing::warn!(name, error = %e, "could not remove an orphaned photo file"),
            }
        }
        removed
    })
    .await
    .unwrap_or(0);
    if removed > 0 {
        tracing::info!(removed, "removed orphaned photo files");
    }
    Ok(removed)
}

/// Sweeps every [`SWEEP_EVERY`] (the first one after that long: start-up
/// sweeps on its own) until the database closes.
pub async fn sweep_periodically(db: Db, dir: std::path::PathBuf) {
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + SWEEP_EVERY, SWEEP_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if db.is_closed() {
            return;
        }
        if let Err(e) = sweep(&db, &dir, MIN_AGE, SystemTime::now()).await {
            tracing::warn!(error = %e, "orphaned photo sweep failed");
        }
    }
}
