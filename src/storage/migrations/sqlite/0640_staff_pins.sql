-- Issue 16: staff switching.
--
-- A staff user's PIN, an argon2 hash like the password's (NULL: no PIN set;
-- `frontdesk admin set-pin` sets it).
ALTER TABLE staff_users ADD COLUMN pin_hash TEXT;

-- Wrong logins in a row (a PIN or a password) per username, case-folded, in
-- the database so that every server sharing it counts the same tries
-- (storage::throttle). Five in a row lock that username's logins until
-- `locked_until` (microseconds, UTC); a correct login removes the row.
-- Usernames that do not exist are counted too, so a lock-out never tells
-- which usernames do.
CREATE TABLE login_failures (
    username_key   TEXT PRIMARY KEY,
    failures       INTEGER NOT NULL,
    last_failed_at INTEGER NOT NULL,
    locked_until   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX login_failures_last ON login_failures (last_failed_at);
