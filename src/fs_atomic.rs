//! Writing a file whole or not at all. The bytes go to a temporary file in
//! the target's directory (named `.<name>.<random>.partial`, so a listing of
//! real files never sees it), are synced to disk, and the temporary file is
//! renamed over the target; the directory is then synced so the rename
//! survives a crash. On any error the temporary file is removed. Used for the
//! scan journal's compaction, stored tokens, the demo's config and photos.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Who may read the written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// As a newly created file usually is (0666 less the umask).
    Shared,
    /// The owner only (0600 from creation, never briefly readable by others).
    Private,
}

/// Replaces `path` with `bytes`, atomically and durably.
pub fn write(path: &Path, bytes: &[u8], access: Access) -> io::Result<()> {
    let mut pending = Pending::create(path, access)?;
    pending.file().write_all(bytes)?;
    pending.commit()
}

/// A replacement of a file being written: [`Pending::commit`] puts it in
/// place, durably; dropped uncommitted, it is removed and the target is
/// untouched. For output too large to hold in memory first.
pub struct Pending {
    temp: tempfile::NamedTempFile,
    path: PathBuf,
    dir: PathBuf,
}

impl Pending {
    /// Starts replacing `path`: a temporary file in its directory.
    pub fn create(path: &Path, access: Access) -> io::Result<Pending> {
        let dir = directory_of(path);
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".partial");
        #[cfg(unix)]
        if access == Access::Shared {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        #[cfg(not(unix))]
        let _ = access;
        let temp = builder.tempfile_in(&dir)?;
        Ok(Pending { temp, path: path.to_path_buf(), dir })
    }

    /// The file to write the new contents to.
    pub fn file(&mut self) -> &mut File {
        self.temp.as_file_mut()
    }

    /// Syncs the new contents and renames them over the target.
    pub fn commit(self) -> io::Result<()> {
        self.temp.as_file().sync_all()?;
        self.temp.persist(&self.path).map_err(|e| e.error)?;
        sync_directory(&self.dir)
    }
}

/// Removes temporary files a write to `path` left behind when the process
/// died before its rename (the target itself is intact).
pub fn remove_leftovers(path: &Path) -> io::Result<()> {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Ok(());
    };
    let prefix = format!(".{name}.");
    let entries = match fs::read_dir(directory_of(path)) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let file = entry.file_name().to_string_lossy().into_owned();
        if file.starts_with(&prefix) && file.ends_with(".partial") {
            match fs::remove_file(entry.path()) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
    }
    Ok(())
}

/// The directory holding `path` (`.` for a bare file name).
pub fn directory_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Makes a new or renamed directory entry durable (Unix; elsewhere the rename is all there is).
pub fn sync_directory(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_replaces_the_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token.toml");
        write(&path, b"old", Access::Shared).unwrap();
        write(&path, b"new", Access::Private).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("token.toml")]);
    }

    #[cfg(unix)]
    #[test]
    fn a_private_file_is_the_owners_only_and_a_shared_one_is_not() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let private = dir.path().join("private");
        let shared = dir.path().join("shared");
        write(&private, b"x", Access::Private).unwrap();
        write(&shared, b"x", Access::Shared).unwrap();
        assert_eq!(fs::metadata(&private).unwrap().permissions().mode() & 0o777, 0o600);
        assert_ne!(fs::metadata(&shared).unwrap().permissions().mode() & 0o077, 0, "readable beyond the owner");
    }

    #[test]
    fn leftovers_of_a_write_that_died_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scans.jsonl");
        fs::write(&path, b"kept").unwrap();
        fs::write(dir.path().join(".scans.jsonl.abc123.partial"), b"torn").unwrap();
        fs::write(dir.path().join(".other.abc123.partial"), b"other").unwrap();
        remove_leftovers(&path).unwrap();
        assert!(!dir.path().join(".scans.jsonl.abc123.partial").exists());
        assert!(dir.path().join(".other.abc123.partial").exists());
        assert_eq!(fs::read(&path).unwrap(), b"kept");
    }
}
