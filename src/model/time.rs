//! How instants and dates look on the wire.
//!
//! Every datetime the server writes has one form, UTC with six fractional
//! digits and a `Z` (`2026-11-25T19:44:49.123456Z`), so a client parsing a page
//! of them never meets a mix of offsets. Reading is lenient: any RFC 3339
//! instant is accepted.

use jiff::Timestamp;

/// Formats an instant the one way the API writes instants.
pub fn format_timestamp(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Parses any RFC 3339 instant (`Z` or a numeric offset).
pub fn parse_timestamp(s: &str) -> Option<Timestamp> {
    s.parse::<Timestamp>().ok()
}

/// Stored instants are microseconds since the Unix epoch.
pub fn from_micros(micros: i64) -> Timestamp {
    Timestamp::from_microsecond(micros).unwrap_or(Timestamp::UNIX_EPOCH)
}

pub fn to_micros(ts: Timestamp) -> i64 {
    ts.as_microsecond()
}

/// Serde for `Option<Timestamp>` in the API's form; null and unparseable
/// values read as `None`.
pub mod timestamp_opt {
    use jiff::Timestamp;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(ts) => s.serialize_str(&super::format_timestamp(*ts)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
        let raw: Option<String> = Option::deserialize(d)?;
        Ok(raw.as_deref().and_then(super::parse_timestamp))
    }
}

/// Serde for `Option<jiff::civil::Date>` as `YYYY-MM-DD`; null and
/// unparseable values read as `None`.
pub mod date_opt {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.serialize_str(&d.to_string()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        let raw: Option<String> = Option::deserialize(d)?;
        Ok(raw.as_deref().and_then(|s| s.parse::<Date>().ok()))
    }
}

/// Deserializes `null` as the type's default (real Capitan data has nulls
/// where our server always writes `""`, `false` or `[]`).
pub fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + serde::Deserialize<'de>,
{
    use serde::Deserialize;
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_always_have_six_fraction_digits_and_z() {
        let ts: Timestamp = "2026-03-01T10:00:00+02:00".parse().unwrap();
        assert_eq!(format_timestamp(ts), "2026-03-01T08:00:00.000000Z");
        let ts = from_micros(1_700_000_000_123_456);
        assert_eq!(format_timestamp(ts), "2023-11-14T22:13:20.123456Z");
        assert_eq!(to_micros(ts), 1_700_000_000_123_456);
    }
}
