//! "Has anything been committed to this SQLite file since I last looked?",
//! answered in a few microseconds on the calling thread, for every writer:
//! this process's pool, another `frontdesk` process, a script with the
//! `sqlite3` shell.
//!
//! SQLite's `PRAGMA data_version` gives a number that changes whenever a
//! connection other than the asking one commits (the SQLite documentation,
//! "PRAGMA data_version"). The probe keeps one connection of its own that
//! never writes, so every commit anywhere moves it. Reading it starts and
//! ends a read transaction over the WAL index in shared memory: no disk I/O,
//! no thread hop, never waits for a writer (the connection's busy timeout is
//! zero; a busy answer is "unknown", and the caller asks the database).
//!
//! sqlx runs each SQLite connection on a thread of its own, so even a
//! one-row statement costs a round trip to that thread. The probe uses
//! rusqlite (the same `libsqlite3-sys` as sqlx, so one SQLite library in the
//! binary) for a plain synchronous call instead.

use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

/// One read connection to a SQLite file, asked only for its data version.
pub struct ChangeProbe {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for ChangeProbe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChangeProbe")
    }
}

impl ChangeProbe {
    /// Opens the probe's connection to the (existing, WAL-mode) file;
    /// `None`, after saying why, if it cannot be opened.
    pub fn open(path: &Path) -> Option<ChangeProbe> {
        // Read-write so that it can take part in the WAL's shared memory as
        // any reader does; it never writes.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let opened = Connection::open_with_flags(path, flags).and_then(|conn| {
            conn.busy_timeout(Duration::ZERO)?;
            Ok(conn)
        });
        match opened {
            Ok(conn) => {
                let probe = ChangeProbe { conn: Mutex::new(conn) };
                probe.version().map(|_| probe)
            }
            Err(e) => {
                tracing::warn!(error = %e, "no change probe: every request's token is looked up in the database");
                None
            }
        }
    }

    /// The file's data version now: equal to an earlier answer exactly when
    /// nothing was committed in between. `None` when SQLite could not say
    /// (busy, for instance): treat it as changed.
    pub fn version(&self) -> Option<i64> {
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let mut stmt = conn.prepare_cached("PRAGMA data_version").ok()?;
        stmt.query_row([], |row| row.get(0)).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_commit_by_any_other_connection_moves_the_version_and_reads_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("probe.db");
        let db = crate::storage::Db::open(&path).await.unwrap();
        let probe = ChangeProbe::open(&path).expect("the probe opens");
        let before = probe.version().unwrap();
        assert_eq!(probe.version(), Some(before), "nothing committed");

        let mut conn = db.acquire().await.unwrap();
        crate::storage::orgs::all(&mut conn).await.unwrap();
        drop(conn);
        assert_eq!(probe.version(), Some(before), "a read is not a change");

        db.execute_script("CREATE TABLE probe_test (x INTEGER)").await.unwrap();
        let after_pool = probe.version().unwrap();
        assert_ne!(after_pool, before, "the pool's commit is seen");

        // Another process's connection, as a script or a second server.
        let other = Connection::open(&path).unwrap();
        other.execute("INSERT INTO probe_test VALUES (1)", []).unwrap();
        assert_ne!(probe.version().unwrap(), after_pool, "another connection's commit is seen");
    }

    #[test]
    fn a_file_that_is_not_there_gives_no_probe() {
        let dir = tempfile::tempdir().unwrap();
        assert!(ChangeProbe::open(&dir.path().join("missing.db")).is_none());
    }
}
