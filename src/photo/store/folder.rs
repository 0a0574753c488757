//! The folder store: one file per photo in a local directory, each written
//! under a temporary name, synced and renamed (`fs_atomic`), so a photo a
//! committed row names is on disk whole. The filesystem calls run on the
//! blocking pool, never on the async runtime's threads.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;

use super::{MediaError, StoredFile, StoredPhoto, is_photo_name, partial_of};

#[derive(Debug, Clone)]
pub(super) struct Folder {
    dir: Arc<PathBuf>,
}

impl Folder {
    pub(super) fn new(dir: PathBuf) -> Folder {
        Folder { dir: Arc::new(dir) }
    }

    pub(super) fn dir(&self) -> &Path {
        &self.dir
    }

    pub(super) async fn prepare(&self) -> Result<(), MediaError> {
        Ok(tokio::fs::create_dir_all(self.dir()).await?)
    }

    pub(super) async fn save(&self, names: &StoredPhoto, full: Bytes, small: Bytes) -> Result<(), MediaError> {
        let (dir, names) = (Arc::clone(&self.dir), names.clone());
        tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(&*dir)?;
            write_file(&dir, &names.full, &full)?;
            if let Err(e) = write_file(&dir, &names.small, &small) {
                remove_files(&dir, [names.full.as_str()]);
                return Err(e);
            }
            Ok(())
        })
        .await?
        .map_err(MediaError::from)
    }

    pub(super) async fn read(&self, name: &str) -> Result<Option<Bytes>, MediaError> {
        match tokio::fs::read(self.dir.join(name)).await {
            Ok(bytes) => Ok(Some(Bytes::from(bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    pub(super) async fn remove(&self, names: Vec<String>) -> usize {
        let dir = Arc::clone(&self.dir);
        let removed = tokio::task::spawn_blocking(move || remove_files(&dir, names.iter().map(String::as_str))).await;
        removed.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "removing photo files failed");
            0
        })
    }

    /// [`remove`](Self::remove) on the calling thread, for a caller outside
    /// the runtime.
    pub(super) fn remove_blocking<'a>(&self, names: impl IntoIterator<Item = &'a str>) {
        remove_files(&self.dir, names);
    }

    pub(super) async fn list(&self) -> Result<Vec<StoredFile>, MediaError> {
        let dir = Arc::clone(&self.dir);
        let listed = tokio::task::spawn_blocking(move || list_files(&dir)).await??;
        Ok(listed)
    }
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    // On disk before a committed row can point at it; the partial file's
    // leading dot keeps it out of what is served.
    crate::fs_atomic::write(&dir.join(name), bytes, crate::fs_atomic::Access::Shared)
}

/// Names were checked by the caller (`PhotoStore::remove`): only photo
/// names and partial writes of them reach here. Returns how many it removed.
fn remove_files<'a>(dir: &Path, names: impl IntoIterator<Item = &'a str>) -> usize {
    let mut removed = 0;
    for name in names {
        let path = dir.join(name);
        match std::fs::remove_file(&path) {
            Ok(()) => removed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => tracing::warn!(path = %path.display(), error = %e, "could not remove a photo file"),
        }
    }
    removed
}

fn list_files(dir: &Path) -> std::io::Result<Vec<StoredFile>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let Ok(name) = entry.file_name().into_string() else { continue };
        let partial = partial_of(&name).is_some();
        if !partial && !is_photo_name(&name) {
            continue;
        }
        let Ok(modified) = entry.metadata().and_then(|m| m.modified()) else { continue };
        files.push(StoredFile { name, partial, modified });
    }
    Ok(files)
}
