//! The app's clock, injected so tests can move it (across local midnight, say) and the app never
//! reads the computer's clock or time zone behind its back.

use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// Now, as an instant; dates come from it in the gym's time zone.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> Timestamp + Send + Sync>);

impl Clock {
    /// The computer's clock (an instant: the same everywhere, whatever its time zone).
    pub fn system() -> Clock {
        Clock(Arc::new(Timestamp::now))
    }

    /// A clock that always says `at`.
    pub fn fixed(at: Timestamp) -> Clock {
        Clock(Arc::new(move || at))
    }

    /// A clock read from `now` (a test moves it).
    pub fn from_fn(now: impl Fn() -> Timestamp + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(now))
    }

    pub fn now(&self) -> Timestamp {
        (self.0)()
    }

    /// The date in `tz` now.
    pub fn today(&self, tz: &TimeZone) -> Date {
        self.now().to_zoned(tz.clone()).date()
    }

    /// How long until the next midnight in `tz` (at least a second, at most a day).
    pub fn until_next_day(&self, tz: &TimeZone) -> std::time::Duration {
        let now = self.now();
        let next = now
            .to_zoned(tz.clone())
            .date()
            .tomorrow()
            .ok()
            .and_then(|d| d.to_zoned(tz.clone()).ok())
            .map(|z| z.timestamp());
        let left = next.map(|n| n.duration_since(now)).unwrap_or(jiff::SignedDuration::from_hours(1));
        std::time::Duration::try_from(left)
            .unwrap_or(std::time::Duration::from_secs(1))
            .clamp(std::time::Duration::from_secs(1), std::time::Duration::from_secs(86_400))
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Clock({})", self.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_and_midnight_are_the_zones_not_the_computers() {
        // 04:16 UTC on 26 November is 21:16 on the 25th in Denver.
        let clock = Clock::fixed("2026-11-26T04:16:00Z".parse().unwrap());
        let denver = TimeZone::get("America/Denver").unwrap();
        assert_eq!(clock.today(&denver), jiff::civil::date(2026, 11, 25));
        assert_eq!(clock.today(&TimeZone::UTC), jiff::civil::date(2026, 11, 26));
        assert_eq!(clock.until_next_day(&denver), std::time::Duration::from_secs(2 * 3600 + 44 * 60));
    }
}
