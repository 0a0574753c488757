//! Photo files in the media store: a local folder (the default) or an
//! S3-compatible bucket that several servers share. Files get fresh random
//! names (never reused, so they can be cached forever) and are deleted only
//! when no row points at them.
//!
//! The order that leaves no orphan and never a dangling row: write the files
//! ([`PhotoStore::save`]), point the customer at them in the request's
//! transaction, commit, then [`PendingPhoto::keep`] them and remove the
//! replaced ones; if the transaction fails, [`PendingPhoto::discard`] them. A
//! [`PendingPhoto`] dropped before either (an early return, a request cut off
//! by its timeout) removes its files in a background task.
//! `service::customers` is the one writer that follows this order; what a
//! crash leaves between the write and the commit, `server::media_sweep`
//! removes.

mod bucket;
mod folder;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::SystemTime;

use bytes::Bytes;

use super::PreparedPhoto;

/// Random bytes in a name: 128 bits, so names are unguessable and never repeat.
const NAME_RANDOM_BYTES: usize = 16;
const FULL_SUFFIX: &str = ".jpg";
const SMALL_SUFFIX: &str = "_small.jpg";
/// How a bucket is named on the command line.
const BUCKET_SCHEME: &str = "s3://";

/// Where photos are stored, as `--media-store` names it: a folder, or
/// `s3://bucket/prefix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaLocation {
    Folder(PathBuf),
    /// An S3-compatible bucket; objects are named `<prefix>/<file>` (just
    /// `<file>` with an empty prefix).
    Bucket {
        bucket: String,
        prefix: String,
    },
}

impl FromStr for MediaLocation {
    type Err = String;

    fn from_str(text: &str) -> Result<MediaLocation, String> {
        let Some(rest) = text.strip_prefix(BUCKET_SCHEME) else {
            if text.contains("://") {
                return Err(format!("{text:?}: the media store is a folder or an s3://bucket/prefix URL"));
            }
            if text.is_empty() {
                return Err("the media store's folder is empty".into());
            }
            return Ok(MediaLocation::Folder(PathBuf::from(text)));
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(format!("{text:?} names no bucket (s3://bucket/prefix)"));
        }
        let prefix = prefix.trim_matches('/');
        let bad_part = |part: &str| part.is_empty() || part == "." || part == "..";
        if !prefix.is_empty() && prefix.split('/').any(bad_part) {
            return Err(format!("{text:?}: the prefix must be folder names separated by single slashes"));
        }
        Ok(MediaLocation::Bucket { bucket: bucket.to_string(), prefix: prefix.to_string() })
    }
}

impl fmt::Display for MediaLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MediaLocation::Folder(dir) => write!(f, "{}", dir.display()),
            MediaLocation::Bucket { bucket, prefix } if prefix.is_empty() => write!(f, "{BUCKET_SCHEME}{bucket}"),
            MediaLocation::Bucket { bucket, prefix } => write!(f, "{BUCKET_SCHEME}{bucket}/{prefix}"),
        }
    }
}

/// `--media-public-url`: an absolute http(s) URL, without its trailing slash
/// (`serve` and `demo` both take it).
pub fn parse_public_url(text: &str) -> Result<String, String> {
    let url = text.trim().trim_end_matches('/');
    let host = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    match host {
        Some(host) if !host.is_empty() => Ok(url.to_string()),
        _ => Err(format!("{text:?} is not an http:// or https:// URL")),
    }
}

/// A media store that could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("media folder: {0}")]
    Folder(#[from] std::io::Error),
    #[error("media bucket: {0}")]
    Bucket(#[from] object_store::Error),
    #[error("media store task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// The media store, as far as photos are concerned. Cheap to clone.
#[derive(Debug, Clone)]
pub struct PhotoStore {
    backend: Backend,
    /// Where clients fetch the files directly, when the store serves them
    /// itself (a public bucket or a CDN in front of it).
    public_url: Option<String>,
}

#[derive(Debug, Clone)]
enum Backend {
    Folder(folder::Folder),
    Bucket(bucket::Bucket),
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

/// A file in the store that this server wrote: a photo, or (in a folder) a
/// write cut short before its rename.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// The name to [`remove`](PhotoStore::remove) it by.
    pub name: String,
    /// A partial write: no row can name it.
    pub partial: bool,
    pub modified: SystemTime,
}

/// Files written but not yet referenced by a committed row: kept after the
/// commit, discarded after a failure, and removed in the background if
/// dropped before either.
#[derive(Debug)]
pub struct PendingPhoto {
    store: PhotoStore,
    names: StoredPhoto,
    settled: bool,
}

impl PendingPhoto {
    pub fn names(&self) -> &StoredPhoto {
        &self.names
    }

    /// The row pointing at the files is committed: they stay.
    pub fn keep(mut self) -> StoredPhoto {
        self.settled = true;
        self.names.clone()
    }

    /// The write failed: the files go now (best effort; the sweep takes
    /// whatever this cannot remove).
    pub async fn discard(mut self) {
        self.settled = true;
        self.store.remove(self.names.names()).await;
    }
}

impl Drop for PendingPhoto {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let (store, names) = (self.store.clone(), self.names.clone());
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn(async move { store.remove(names.names()).await })),
            Err(_) => store.remove_now(&names),
        }
    }
}

impl PhotoStore {
    /// The folder store in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> PhotoStore {
        PhotoStore { backend: Backend::Folder(folder::Folder::new(dir.into())), public_url: None }
    }

    /// Opens the store at `location`; a bucket takes its credentials, region
    /// and endpoint from the standard AWS variables in `env`
    /// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION` or
    /// `AWS_DEFAULT_REGION`, `AWS_ENDPOINT_URL`; an `http://` endpoint is
    /// allowed, for a server on this machine). Nothing is contacted yet.
    pub fn open(
        location: &MediaLocation,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<PhotoStore, MediaError> {
        let backend = match location {
            MediaLocation::Folder(dir) => Backend::Folder(folder::Folder::new(dir.clone())),
            MediaLocation::Bucket { bucket, prefix } => Backend::Bucket(bucket::Bucket::open(bucket, prefix, env)?),
        };
        Ok(PhotoStore { backend, public_url: None })
    }

    /// Photo URLs are `<url>/<file>` rather than the server's `/media/<file>`
    /// (which still serves them).
    pub fn with_public_url(mut self, url: impl Into<String>) -> PhotoStore {
        self.public_url = Some(url.into());
        self
    }

    pub fn public_url(&self) -> Option<&str> {
        self.public_url.as_deref()
    }

    /// [`open`](Self::open) with this process's environment.
    pub fn from_env(location: &MediaLocation) -> Result<PhotoStore, MediaError> {
        PhotoStore::open(location, std::env::vars())
    }

    pub fn location(&self) -> MediaLocation {
        match &self.backend {
            Backend::Folder(folder) => MediaLocation::Folder(folder.dir().to_path_buf()),
            Backend::Bucket(bucket) => bucket.location(),
        }
    }

    /// The folder, for a folder store.
    pub fn dir(&self) -> Option<&Path> {
        match &self.backend {
            Backend::Folder(folder) => Some(folder.dir()),
            Backend::Bucket(_) => None,
        }
    }

    /// Whether the store answers, for a readiness check: the folder exists,
    /// or the bucket answers a read (of a name no photo has: all zeros).
    pub async fn check(&self) -> Result<(), MediaError> {
        match &self.backend {
            Backend::Folder(folder) => match tokio::fs::metadata(folder.dir()).await {
                Ok(meta) if meta.is_dir() => Ok(()),
                Ok(_) => Err(MediaError::Folder(std::io::Error::other(format!(
                    "{} is not a folder",
                    folder.dir().display()
                )))),
                Err(e) => Err(MediaError::Folder(e)),
            },
            Backend::Bucket(bucket) => {
                let probe = format!("{}{FULL_SUFFIX}", "0".repeat(NAME_RANDOM_BYTES * 2));
                bucket.read(&probe).await.map(|_| ())
            }
        }
    }

    /// Makes the store ready to write: creates a folder.
    pub async fn prepare(&self) -> Result<(), MediaError> {
        match &self.backend {
            Backend::Folder(folder) => folder.prepare().await,
            Backend::Bucket(_) => Ok(()),
        }
    }

    /// Writes both JPEGs under new random names. A reader never sees half a
    /// photo (a folder writes under a temporary name, synced, and renames;
    /// a bucket's object appears whole); on failure nothing is left behind.
    pub async fn save(&self, photo: &PreparedPhoto) -> Result<PendingPhoto, MediaError> {
        let base = random_base();
        let names = StoredPhoto { full: format!("{base}{FULL_SUFFIX}"), small: format!("{base}{SMALL_SUFFIX}") };
        let (full, small) = (Bytes::copy_from_slice(&photo.full_jpeg), Bytes::copy_from_slice(&photo.small_jpeg));
        match &self.backend {
            Backend::Folder(folder) => folder.save(&names, full, small).await?,
            Backend::Bucket(bucket) => bucket.save(&names, full, small).await?,
        }
        Ok(PendingPhoto { store: self.clone(), names, settled: false })
    }

    /// A stored photo's bytes; `None` for a name this store does not
    /// generate (such as `../x` or `a/b.jpg`) or a photo that is not there.
    pub async fn read(&self, name: &str) -> Result<Option<Bytes>, MediaError> {
        if !is_photo_name(name) {
            return Ok(None);
        }
        match &self.backend {
            Backend::Folder(folder) => folder.read(name).await,
            Backend::Bucket(bucket) => bucket.read(name).await,
        }
    }

    /// Deletes photo files (and partial writes), best effort: a file already
    /// gone is fine, and names this store does not generate are never touched.
    /// Returns how many it removed (a failure is logged).
    pub async fn remove(&self, names: impl IntoIterator<Item = impl AsRef<str>>) -> usize {
        let names: Vec<String> = names
            .into_iter()
            .filter_map(|name| {
                let name = name.as_ref();
                let ours = is_photo_name(name) || partial_of(name).is_some();
                if !ours {
                    tracing::warn!(name, "not removing a file that is not a photo");
                }
                ours.then(|| name.to_string())
            })
            .collect();
        if names.is_empty() {
            return 0;
        }
        match &self.backend {
            Backend::Folder(folder) => folder.remove(names).await,
            Backend::Bucket(bucket) => bucket.remove(names).await,
        }
    }

    /// Every file this store holds that a server wrote (photos and partial
    /// writes), with when each was last written; other files are left out.
    pub async fn list(&self) -> Result<Vec<StoredFile>, MediaError> {
        match &self.backend {
            Backend::Folder(folder) => folder.list().await,
            Backend::Bucket(bucket) => bucket.list().await,
        }
    }

    /// Removes a dropped photo's files where no runtime is there to do it
    /// in the background: a folder at once; a bucket's objects are left to
    /// the sweep.
    fn remove_now(&self, names: &StoredPhoto) {
        match &self.backend {
            Backend::Folder(folder) => folder.remove_blocking(names.names()),
            Backend::Bucket(_) => tracing::warn!(name = names.full, "left a photo for the orphan sweep"),
        }
    }
}

impl From<PathBuf> for PhotoStore {
    fn from(dir: PathBuf) -> PhotoStore {
        PhotoStore::new(dir)
    }
}

/// True for exactly the names [`PhotoStore::save`] generates.
pub fn is_photo_name(name: &str) -> bool {
    let base = name.strip_suffix(SMALL_SUFFIX).or_else(|| name.strip_suffix(FULL_SUFFIX));
    base.is_some_and(|b| b.len() == NAME_RANDOM_BYTES * 2 && b.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')))
}

/// The photo a folder's partial write was for: `fs_atomic::write` names it
/// `.<photo>.<random>.partial` (`.<photo>.partial` is taken too).
fn partial_of(name: &str) -> Option<&str> {
    let inner = name.strip_prefix('.')?.strip_suffix(".partial")?;
    if is_photo_name(inner) {
        return Some(inner);
    }
    let (photo, _random) = inner.rsplit_once('.')?;
    is_photo_name(photo).then_some(photo)
}

fn random_base() -> String {
    let mut bytes = [0u8; NAME_RANDOM_BYTES];
    rand::fill(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests;
