//! Login throttling state: how many failed logins a client address or a
//! username had lately. Kept behind [`LoginThrottle`] so a server farm can
//! later share it through PostgreSQL; [`MemoryThrottle`] is the one-process
//! store `frontdesk serve` uses.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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
