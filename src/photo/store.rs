//! Photo files in the media directory: written under fresh random names
//! (never reused, so they can be cached forever), deleted only when no row
//! points at them.
//!
//! The order that leaves no orphan and never a dangling row: write the files
//! ([`PhotoStore::save`]), point the customer at them in the request's
//! transaction, commit, then [`PendingPhoto::keep`] them and remove the
//! replaced ones. A [`PendingPhoto`] dropped before `keep` (a failed
//! transaction, an early return) deletes its files. `service::customers`
//! is the one writer that follows this order.

use std::path::{Path, PathBuf};

use super::PreparedPhoto;

/// Random bytes in a name: 128 bits, so names are unguessable and never repeat.
const NAME_RANDOM_BYTES: usize = 16;
const FULL_SUFFIX: &str = ".jpg";
const SMALL_SUFFIX: &str = "_small.jpg";

/// The media directory, as far as photos are concerned.
#[derive(Debug, Clone)]
pub struct PhotoStore {
    dir: PathBuf,
}

/// The file names of a stored photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPhoto {
    pub full: String,
    pub small: String,
}

impl StoredPhoto {
    pub fn names(&self) -> [&str; 2] {
        [&self.full, &self.small]
    }

    /// (full, small), as `storage::customers::set_profile_image` takes them.
    pub fn as_pair(&self) -> (&str, &str) {
        (&self.full, &self.small)
    }
}

/// Files written but not yet referenced by a committed row: deleted on drop
/// unless [`keep`](PendingPhoto::keep) is called.
#[derive(Debug)]
pub struct PendingPhoto {
    store: PhotoStore,
    names: StoredPhoto,
    kept: bool,
}

impl PendingPhoto {
    pub fn names(&self) -> &StoredPhoto {
        &self.names
    }

    /// The row pointing at the files is committed: they stay.
    pub fn keep(mut self) -> StoredPhoto {
        self.kept = true;
        self.names.clone()
    }
}

impl Drop for PendingPhoto {
    fn drop(&mut self) {
        if !self.kept {
            self.store.remove(self.names.names());
        }
    }
}

impl PhotoStore {
    pub fn new(dir: impl Into<PathBuf>) -> PhotoStore {
        PhotoStore { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes both JPEGs under new random names. Each file is written under a
    /// temporary name and renamed, so a reader never sees half a photo; on
    /// failure nothing is left behind.
    pub fn save(&self, photo: &PreparedPhoto) -> std::io::Result<PendingPhoto> {
        std::fs::create_dir_all(&self.dir)?;
        let base = random_base();
        let names = StoredPhoto { full: format!("{base}{FULL_SUFFIX}"), small: format!("{base}{SMALL_SUFFIX}") };
        self.write_file(&names.full, &photo.full_jpeg)?;
        if let Err(e) = self.write_file(&names.small, &photo.small_jpeg) {
            self.remove([names.full.as_str()]);
            return Err(e);
        }
        Ok(PendingPhoto { store: self.clone(), names, kept: false })
    }

    fn write_file(&self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        // On disk before a committed row can point at it; the partial file's
        // leading dot keeps it out of what `path_of` serves.
        crate::fs_atomic::write(&self.dir.join(name), bytes, crate::fs_atomic::Access::Shared)
    }

    /// Deletes photo files, best effort: a file already gone is fine, and
    /// names this store does not generate are never touched.
    pub fn remove<'a>(&self, names: impl IntoIterator<Item = &'a str>) {
        for name in names {
            let Some(path) = self.path_of(name) else {
                tracing::warn!(name, "not removing a file that is not a photo");
                continue;
            };
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => tracing::warn!(path = %path.display(), error = %e, "could not remove a photo file"),
            }
        }
    }

    /// The path of a stored photo file, for a name this store generates
    /// (anything else, such as `../x` or `a/b.jpg`, is `None`).
    pub fn path_of(&self, name: &str) -> Option<PathBuf> {
        is_photo_name(name).then(|| self.dir.join(name))
    }
}

/// True for exactly the names [`PhotoStore::save`] generates.
pub fn is_photo_name(name: &str) -> bool {
    let base = name.strip_suffix(SMALL_SUFFIX).or_else(|| name.strip_suffix(FULL_SUFFIX));
    base.is_some_and(|b| b.len() == NAME_RANDOM_BYTES * 2 && b.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')))
}

fn random_base() -> String {
    let mut bytes = [0u8; NAME_RANDOM_BYTES];
    rand::fill(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo() -> PreparedPhoto {
        PreparedPhoto { full_jpeg: vec![1, 2, 3], small_jpeg: vec![4, 5] }
    }

    fn files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn saved_files_get_fresh_random_names_and_only_those_are_servable() {
        let dir = tempfile::tempdir().unwrap();
        let store = PhotoStore::new(dir.path().join("media"));
        let first = store.save(&photo()).unwrap().keep();
        let second = store.save(&photo()).unwrap().keep();
        assert_ne!(first.full, second.full);
        assert!(is_photo_name(&first.full) && is_photo_name(&first.small));
        assert_eq!(std::fs::read(store.path_of(&first.full).unwrap()).unwrap(), vec![1, 2, 3]);
        assert_eq!(std::fs::read(store.path_of(&first.small).unwrap()).unwrap(), vec![4, 5]);
        assert_eq!(files(store.dir()).len(), 4, "no temporary file is left");
        for bad in ["../x.jpg", "a/b.jpg", "", ".jpg", &format!(".{}", first.full), &first.full.to_uppercase()] {
            assert!(store.path_of(bad).is_none(), "{bad:?} must not be servable");
        }
    }

    #[test]
    fn pending_files_are_deleted_unless_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = PhotoStore::new(dir.path());
        let pending = store.save(&photo()).unwrap();
        assert_eq!(files(dir.path()).len(), 2);
        drop(pending);
        assert!(files(dir.path()).is_empty());
        let kept = store.save(&photo()).unwrap().keep();
        store.remove(kept.names());
        store.remove(kept.names());
        assert!(files(dir.path()).is_empty());
    }
}
