//! A recurring membership's billing periods, as Capitan keeps them: period
//! `k` runs from the start date plus `k` intervals to the day before the
//! start plus `k + 1` intervals, and a recurring membership's `end_date` is
//! the last day of its current period (what is paid for). Each renewal moves
//! it forward by one interval. Every date counts from the start, so a
//! membership started on 31 January bills on the last day of February and
//! again on 31 March.

use jiff::Span;
use jiff::civil::Date;

/// The interval codes, one name each: `WKL` weekly, `BWK` every two weeks,
/// `MON` monthly, `QTR` quarterly **(ours)**, `YRL` yearly.
pub const INTERVALS: [&str; 5] = ["WKL", "BWK", "MON", "QTR", "YRL"];

/// Purchase type of memberships billed every interval.
pub const RECURRING: &str = "REC";

/// `periods` intervals of `interval`, or None for a code that does not recur
/// (or that we do not know).
pub fn interval_span(interval: &str, periods: i64) -> Option<Span> {
    let span = Span::new();
    match interval {
        "WKL" => span.try_weeks(periods).ok(),
        "BWK" => span.try_weeks(periods.checked_mul(2)?).ok(),
        "MON" => span.try_months(periods).ok(),
        "QTR" => span.try_months(periods.checked_mul(3)?).ok(),
        "YRL" => span.try_years(periods).ok(),
        _ => None,
    }
}

/// The first day of period `k`: the start plus `k` intervals.
pub fn period_start(interval: &str, start: Date, k: i64) -> Option<Date> {
    start.checked_add(interval_span(interval, k)?).ok()
}

/// The last day of the billing period that holds `day` (the first period
/// when `day` is before the start), or None for an interval that does not
/// recur.
pub fn period_end_covering(interval: &str, start: Date, day: Date) -> Option<Date> {
    // Skip most of the periods before `day` at once, then step: `k` periods
    // take at most `k` times the interval's longest length, so period `k`
    // of the estimate starts on or before `day`.
    let longest_days = match interval {
        "WKL" => 7,
        "BWK" => 14,
        "MON" => 31,
        "QTR" => 92,
        "YRL" => 366,
        _ => return None,
    };
    let elapsed = if day > start { start.until(day).ok()?.get_days() as i64 } else { 0 };
    let mut k = elapsed / longest_days;
    // Each period ends the day before the next begins.
    loop {
        let next = period_start(interval, start, k + 1)?;
        if next > day {
            return next.yesterday().ok();
        }
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_period_ends_the_day_before_the_next_begins() {
        let start = date(2026, 1, 31);
        assert_eq!(period_end_covering("MON", start, date(2026, 1, 31)), Some(date(2026, 2, 27)));
        assert_eq!(period_end_covering("MON", start, date(2026, 2, 27)), Some(date(2026, 2, 27)));
        assert_eq!(period_end_covering("MON", start, date(2026, 2, 28)), Some(date(2026, 3, 30)));
        assert_eq!(period_end_covering("MON", start, date(2026, 3, 31)), Some(date(2026, 4, 29)));
        assert_eq!(period_end_covering("YRL", date(2024, 2, 29), date(2026, 3, 1)), Some(date(2027, 2, 27)));
        assert_eq!(period_end_covering("WKL", date(2026, 3, 2), date(2026, 3, 9)), Some(date(2026, 3, 15)));
        assert_eq!(period_end_covering("BWK", date(2026, 3, 2), date(2026, 3, 15)), Some(date(2026, 3, 15)));
        assert_eq!(period_end_covering("QTR", date(2026, 1, 15), date(2026, 4, 15)), Some(date(2026, 7, 14)));
    }

    #[test]
    fn before_the_start_the_first_period_counts() {
        assert_eq!(period_end_covering("MON", date(2026, 5, 1), date(2026, 3, 10)), Some(date(2026, 5, 31)));
    }

    #[test]
    fn a_code_that_does_not_recur_has_no_period() {
        assert_eq!(period_end_covering("ONE", date(2026, 1, 1), date(2026, 3, 10)), None);
        assert_eq!(period_end_covering("YEA", date(2026, 1, 1), date(2026, 3, 10)), None);
    }

    #[test]
    fn decades_of_periods_agree_with_stepping_one_by_one() {
        let start = date(1990, 8, 31);
        for interval in INTERVALS {
            let mut k = 0;
            let mut day = start;
            while day < date(2030, 1, 1) {
                let next = period_start(interval, start, k + 1).unwrap();
                while day < next {
                    // Every day of a period maps to its end; check a sample.
                    if day.day() % 9 == 0 || day == next.yesterday().unwrap() {
                        assert_eq!(
                            period_end_covering(interval, start, day),
                            next.yesterday().ok(),
                            "{interval} {day}"
                        );
                    }
                    day = day.tomorrow().unwrap();
                }
                k += 1;
            }
        }
    }
}
