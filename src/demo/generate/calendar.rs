//! "Now" and the days around it.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use super::{FUTURE_DAYS, GenerateError, HISTORY_DAYS};

/// "Now" in the organization's time zone, and the local midnights around it,
/// so that a million check-in times cost no time-zone arithmetic each.
pub(super) struct Calendar {
    pub(super) now: Timestamp,
    pub(super) today: Date,
    /// Local midnight (microseconds) of day offset `i - HISTORY_DAYS - 400`.
    pub(super) midnights: Vec<i64>,
    pub(super) seconds_into_today: i64,
}

impl Calendar {
    pub(super) const BACK: i64 = HISTORY_DAYS + 400;
    /// Every date the generator makes is within these many days of today:
    /// the oldest customers' birthdays (under 90 years ago), the latest
    /// expiry (two years ahead).
    const REACH: (i64, i64) = (-100 * 366, 3 * 366);

    pub(super) fn new(now: Timestamp, tz: &TimeZone) -> Result<Calendar, GenerateError> {
        let today = now.to_zoned(tz.clone()).date();
        for reach in [Self::REACH.0, Self::REACH.1] {
            today.checked_add(reach.days()).map_err(|_| GenerateError::OutOfRange(now))?;
        }
        let midnights = (-Self::BACK..=FUTURE_DAYS)
            .map(|offset| crate::storage::start_of_day(tz, Self::shift(today, offset)).as_microsecond())
            .collect();
        let mut cal = Calendar { now, today, midnights, seconds_into_today: 0 };
        cal.seconds_into_today = (now.as_microsecond() - cal.midnight(0)) / 1_000_000;
        Ok(cal)
    }

    /// `today` plus `offset` days; within [`Self::REACH`], which `new`
    /// checked exists (beyond it, the first or last date there is).
    pub(super) fn shift(today: Date, offset: i64) -> Date {
        today.checked_add(offset.days()).unwrap_or(if offset < 0 { Date::MIN } else { Date::MAX })
    }

    /// Today plus `offset` days (negative: the past).
    pub(super) fn date(&self, offset: i64) -> Date {
        Self::shift(self.today, offset)
    }

    pub(super) fn midnight(&self, offset: i64) -> i64 {
        let index = (offset + Self::BACK).clamp(0, self.midnights.len() as i64 - 1);
        self.midnights[index as usize]
    }

    /// `seconds` after local midnight on day `offset` (a day or two at most,
    /// so it exists: `new` checked years around today; else the first or
    /// last instant there is).
    pub(super) fn instant(&self, offset: i64, seconds: i64) -> Timestamp {
        let micros = self.midnight(offset) + seconds * 1_000_000;
        Timestamp::from_microsecond(micros).unwrap_or(if micros < 0 { Timestamp::MIN } else { Timestamp::MAX })
    }
}
