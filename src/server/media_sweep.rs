//! The orphan sweep: photo files no customer refers to, in the folder or the
//! bucket. An upload writes its files before the row that points at them
//! commits, so a crash in between (or a `kill -9`) leaves files nothing will
//! ever delete. At start and then every [`SWEEP_EVERY`], files that no row
//! names and that are older than [`MIN_AGE`] are removed; the age keeps an
//! upload in flight (its files written, its transaction not yet committed)
//! safe, since a request ends within its 30 s timeout. Several servers over
//! one bucket may sweep at once: each removes only what is old and unnamed,
//! and removing an object twice is harmless.

use std::time::{Duration, SystemTime};

use crate::photo::{MediaError, PhotoStore};
use crate::storage::{Db, StoreError, media};

/// Files younger than this are never swept.
pub const MIN_AGE: Duration = Duration::from_secs(5 * 60);
/// How often the running server sweeps.
pub const SWEEP_EVERY: Duration = Duration::from_secs(10 * 60);

/// Why a sweep could not run.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("reading the photos customers refer to: {0}")]
    Db(#[from] StoreError),
    #[error("listing the media store: {0}")]
    Media(#[from] MediaError),
}

/// Removes photo files (and partial writes) in the store that no customer
/// refers to and that were last modified more than `min_age` before `now`.
/// Returns how many were removed. Files this server does not name are left
/// alone.
pub async fn sweep(db: &Db, store: &PhotoStore, min_age: Duration, now: SystemTime) -> Result<usize, SweepError> {
    let listed = store.list().await?;
    let mut conn = db.acquire().await?;
    let referenced = media::referenced_files(&mut conn).await?;
    drop(conn);
    let old = |modified: SystemTime| now.duration_since(modified).is_ok_and(|age| age >= min_age);
    let orphans: Vec<String> = listed
        .into_iter()
        .filter(|file| (file.partial || !referenced.contains(&file.name)) && old(file.modified))
        .map(|file| file.name)
        .collect();
    let removed = store.remove(&orphans).await;
    if removed > 0 {
        tracing::info!(removed, "removed orphaned photo files");
    }
    Ok(removed)
}

/// Sweeps every [`SWEEP_EVERY`] (the first one after that long: start-up
/// sweeps on its own) until the database closes.
pub async fn sweep_periodically(db: Db, store: PhotoStore) {
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + SWEEP_EVERY, SWEEP_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if db.is_closed() {
            return;
        }
        if let Err(e) = sweep(&db, &store, MIN_AGE, SystemTime::now()).await {
            tracing::warn!(error = %e, "orphaned photo sweep failed");
        }
    }
}
