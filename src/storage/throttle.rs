//! Login throttling state: how many failed logins a client address or a
//! username had lately. Kept behind [`LoginThrottle`] so a server farm can
//! later share it through PostgreSQL; [`MemoryThrottle`] is the one-process
//! store `frontdesk serve` uses.
//!
//! Beside it, the lock-out (issue 16): wrong logins *in a row* per username
//! (a PIN or a password), kept in the database (`login_failures`) so every
//! server sharing it counts the same tries and agrees on the lock
//! ([`LockoutPolicy`], [`locked_until`], [`record_wrong_login`],
//! [`clear_wrong_logins`]).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sea_query::{Expr, ExprTrait, Query};

use super::StoreResult;
use super::sql::{self, Conn};

/// The limits: at most `max_failures` failed logins per `window`, per key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleLimits {
    pub max_failures: u32,
    pub window: Duration,
}

impl Default for ThrottleLimits {
    /// 10 failures per minute per client address and per username.
    fn default() -> Self {
        ThrottleLimits { max_failures: 10, window: Duration::from_secs(60) }
    }
}

/// Where failed-login counts live. Keys are opaque (`addr:127.0.0.1`,
/// `user:desk`).
pub trait LoginThrottle: Send + Sync {
    /// How long until `key` may try again, or `None` if it may now.
    fn retry_after(&self, key: &str, now: Instant) -> Option<Duration>;
    /// Counts a failed login for `key`.
    fn record_failure(&self, key: &str, now: Instant);
    /// Forgets `key`'s failures (after a successful login).
    fn clear(&self, key: &str);
}

/// A fixed window per key: the first failure opens a window of
/// `limits.window`; once it holds `max_failures` failures, the key waits until
/// the window ends. At most `MAX_KEYS` keys are remembered (expired windows are
/// dropped first), so a flood from many addresses cannot grow it without end.
pub struct MemoryThrottle {
    limits: ThrottleLimits,
    windows: Mutex<HashMap<String, Window>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

const MAX_KEYS: usize = 100_000;

impl MemoryThrottle {
    pub fn new(limits: ThrottleLimits) -> MemoryThrottle {
        MemoryThrottle { limits, windows: Mutex::new(HashMap::new()) }
    }

    fn windows(&self) -> std::sync::MutexGuard<'_, HashMap<String, Window>> {
        // A panic while holding the lock leaves counts that are still counts.
        self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl LoginThrottle for MemoryThrottle {
    fn retry_after(&self, key: &str, now: Instant) -> Option<Duration> {
        let windows = self.windows();
        let w = windows.get(key)?;
        let ends = w.started + self.limits.window;
        (w.failures >= self.limits.max_failures && now < ends).then(|| ends - now)
    }

    fn record_failure(&self, key: &str, now: Instant) {
        let window = self.limits.window;
        let mut windows = self.windows();
        if windows.len() >= MAX_KEYS && !windows.contains_key(key) {
            windows.retain(|_, w| now < w.started + window);
            if windows.len() >= MAX_KEYS {
                // Still full of live windows: a flood from very many
                // addresses. Forget the oldest half rather than grow.
                let mut starts: Vec<Instant> = windows.values().map(|w| w.started).collect();
                starts.sort_unstable();
                let cut = starts[starts.len() / 2];
                windows.retain(|_, w| w.started > cut);
            }
        }
        let w = windows.entry(key.to_string()).or_insert(Window { started: now, failures: 0 });
        if now >= w.started + window {
            *w = Window { started: now, failures: 0 };
        }
        w.failures = w.failures.saturating_add(1);
    }

    fn clear(&self, key: &str) {
        self.windows().remove(key);
    }
}

/// The lock-out: `failures_in_a_row` wrong logins (PIN or password, with no
/// correct one between) lock the username's logins for `lock_for`; a wrong
/// login after the lock has ended locks it again at once, until a correct one
/// clears the count. A streak with no wrong login for `forget_after` is
/// forgotten.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    pub failures_in_a_row: u32,
    pub lock_for: Duration,
    pub forget_after: Duration,
}

impl Default for LockoutPolicy {
    /// Five in a row lock for a minute; a day without one forgets them.
    fn default() -> Self {
        LockoutPolicy {
            failures_in_a_row: 5,
            lock_for: Duration::from_secs(60),
            forget_after: Duration::from_secs(24 * 3600),
        }
    }
}

/// The lock-out's key for a username: trimmed and case-folded, as the
/// address-and-username throttle folds it.
pub fn lockout_key(username: &str) -> String {
    username.trim().to_lowercase()
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

#[derive(sqlx::FromRow)]
struct FailureRow {
    failures: i64,
    last_failed_at: i64,
    locked_until: i64,
}

async fn failure_row(conn: &mut Conn, key: &str) -> StoreResult<Option<FailureRow>> {
    let stmt = Query::select()
        .columns(["failures", "last_failed_at", "locked_until"])
        .from("login_failures")
        .and_where(Expr::col("username_key").eq(key))
        .to_owned();
    Ok(sql::fetch_optional_as(conn, &stmt).await?)
}

/// When the username's lock ends (microseconds), if it is locked at `now`.
pub async fn locked_until(conn: &mut Conn, key: &str, now: i64) -> StoreResult<Option<i64>> {
    Ok(failure_row(conn, key).await?.map(|r| r.locked_until).filter(|&until| until > now))
}

/// Counts a wrong login for the username (run it in a write transaction, so
/// that servers sharing the database count one after another); answers when
/// its lock now ends, if this try locked it. Streaks older than the policy's
/// `forget_after` are dropped on the way, so unknown usernames do not pile up.
pub async fn record_wrong_login(
    conn: &mut Conn,
    key: &str,
    now: i64,
    policy: &LockoutPolicy,
) -> StoreResult<Option<i64>> {
    let stale = now.saturating_sub(micros(policy.forget_after));
    let prune = Query::delete()
        .from_table("login_failures")
        .and_where(Expr::col("last_failed_at").lt(stale))
        .and_where(Expr::col("locked_until").lte(now))
        .to_owned();
    sql::execute(conn, &prune).await?;
    let row = failure_row(conn, key).await?;
    let failures = match &row {
        Some(r) if r.last_failed_at >= stale => r.failures.saturating_add(1),
        _ => 1,
    };
    let locked = failures >= i64::from(policy.failures_in_a_row);
    let locked_until = if locked { now.saturating_add(micros(policy.lock_for)) } else { 0 };
    if row.is_some() {
        let stmt = Query::update()
            .table("login_failures")
            .values([
                ("failures", failures.into()),
                ("last_failed_at", now.into()),
                ("locked_until", locked_until.into()),
            ])
            .and_where(Expr::col("username_key").eq(key))
            .to_owned();
        sql::execute(conn, &stmt).await?;
    } else {
        let stmt = Query::insert()
            .into_table("login_failures")
            .columns(["username_key", "failures", "last_failed_at", "locked_until"])
            .values_panic([key.into(), failures.into(), now.into(), locked_until.into()])
            .to_owned();
        sql::execute(conn, &stmt).await?;
    }
    Ok(locked.then_some(locked_until))
}

/// Forgets the username's wrong logins (after a correct one).
pub async fn clear_wrong_logins(conn: &mut Conn, key: &str) -> StoreResult<()> {
    let stmt = Query::delete().from_table("login_failures").and_where(Expr::col("username_key").eq(key)).to_owned();
    sql::execute(conn, &stmt).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_waits_after_its_limit_until_the_window_ends() {
        let t = MemoryThrottle::new(ThrottleLimits { max_failures: 3, window: Duration::from_secs(60) });
        let t0 = Instant::now();
        for _ in 0..2 {
            t.record_failure("user:a", t0);
        }
        assert_eq!(t.retry_after("user:a", t0), None);
        t.record_failure("user:a", t0);
        assert_eq!(t.retry_after("user:a", t0 + Duration::from_secs(10)), Some(Duration::from_secs(50)));
        assert_eq!(t.retry_after("user:b", t0), None);
        assert_eq!(t.retry_after("user:a", t0 + Duration::from_secs(60)), None);
        t.record_failure("user:a", t0 + Duration::from_secs(61));
        assert_eq!(t.retry_after("user:a", t0 + Duration::from_secs(61)), None);
        t.clear("user:a");
        assert_eq!(t.retry_after("user:a", t0), None);
    }
}
