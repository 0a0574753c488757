//! Check-ins on the wire: the record `/api/check-ins/` lists, the body a
//! successful barcode scan answers, and Capitan's refusal texts.
//!
//! Read shapes deserialize leniently so that the terminal app copes with the
//! real service; fields marked (ours) are absent there and read as defaults.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use serde::{Deserialize, Serialize};

use super::time::{date_opt, null_as_default, timestamp_opt};

/// `404` to a scan: no active customer has this barcode.
pub const UNKNOWN_ACCOUNT: &str = "Unknown or deactivated customer account.";
/// `400` to a scan: nothing lets the customer in.
pub const NO_ENTRY_METHOD: &str = "You do not have an available entry method. Please ensure you have an active membership, entry pass, or event booking.";
/// The alert a missing or expired waiver raises.
pub const NO_WAIVER_ALERT: &str = "No waiver";
const BLOCKING_ALERT_PREFIX: &str = "The following alert is preventing you from checking in: ";

/// `400` to a scan refused by an alert: Capitan's sentence around the
/// alert's own text (one final period, however the alert ends).
pub fn blocking_alert_message(alert: &str) -> String {
    let alert = alert.trim();
    let alert = alert.strip_suffix('.').unwrap_or(alert);
    format!("{BLOCKING_ALERT_PREFIX}{alert}.")
}

/// The alert's text in a refusal, if the refusal is one.
pub fn blocking_alert_of(message: &str) -> Option<&str> {
    let rest = message.strip_prefix(BLOCKING_ALERT_PREFIX)?;
    Some(rest.strip_suffix('.').unwrap_or(rest))
}

/// How a customer got in (`entry_method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryMethod {
    Membership,
    EntryPass,
    GuestPass,
    FreeEntry,
    Event,
    /// (ours) Let in by staff against the rules, with a reason (`override_reason`): no pass was
    /// available, so nothing was debited.
    Override,
}

impl EntryMethod {
    pub const ALL: [EntryMethod; 6] = [
        EntryMethod::Membership,
        EntryMethod::EntryPass,
        EntryMethod::GuestPass,
        EntryMethod::FreeEntry,
        EntryMethod::Event,
        EntryMethod::Override,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EntryMethod::Membership => "MEM",
            EntryMethod::EntryPass => "ENT",
            EntryMethod::GuestPass => "GUE",
            EntryMethod::FreeEntry => "FRE",
            EntryMethod::Event => "EVE",
            EntryMethod::Override => "OVR",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EntryMethod::Membership => "Membership",
            EntryMethod::EntryPass => "Entry pass",
            EntryMethod::GuestPass => "Guest pass",
            EntryMethod::FreeEntry => "Free entry",
            EntryMethod::Event => "Event",
            EntryMethod::Override => "Override",
        }
    }

    pub fn from_code(code: &str) -> Option<EntryMethod> {
        EntryMethod::ALL.into_iter().find(|m| m.code() == code)
    }
}

/// Serde for a location's wall-clock time (`2026-03-10T10:00:00`, no
/// offset), as Capitan writes `check_in_datetime`. Reading also accepts a
/// fraction or an offset (the wall-clock part is kept); anything else is `None`.
pub mod local_datetime_opt {
    use jiff::Timestamp;
    use jiff::civil::DateTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub const FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

    pub fn serialize<S: Serializer>(v: &Option<DateTime>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(dt) => s.serialize_str(&dt.strftime(FORMAT).to_string()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime>, D::Error> {
        let raw: Option<String> = Option::deserialize(d)?;
        Ok(raw.as_deref().and_then(parse))
    }

    pub fn parse(raw: &str) -> Option<DateTime> {
        let raw = raw.trim();
        if let Ok(dt) = raw.parse::<DateTime>() {
            return Some(dt);
        }
        // `2026-03-10T09:05:00-06:00`, `...Z`: keep the wall-clock part.
        let (clock, rest) = (raw.get(..19)?, raw.get(19..)?);
        let offset_like = rest.starts_with(['.', '+', '-', 'Z', 'z']) && raw.parse::<Timestamp>().is_ok();
        if offset_like { clock.parse::<DateTime>().ok() } else { None }
    }
}

/// A check-in as `/api/check-ins/` reads it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckIn {
    pub id: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub url: String,
    pub customer_id: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub customer_url: String,
    #[serde(deserialize_with = "null_as_default")]
    pub customer_first_name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub customer_last_name: String,
    #[serde(with = "date_opt")]
    pub customer_birthday: Option<Date>,
    #[serde(deserialize_with = "null_as_default")]
    pub customer_email: String,
    pub location_id: Option<i64>,
    #[serde(deserialize_with = "null_as_default")]
    pub location_name: String,
    /// The location's wall clock, no offset.
    #[serde(with = "local_datetime_opt")]
    pub check_in_datetime: Option<DateTime>,
    #[serde(with = "local_datetime_opt")]
    pub check_out_datetime: Option<DateTime>,
    /// `MEM`, `ENT`, `GUE`, `FRE` or `EVE` (see [`EntryMethod`]); kept as
    /// text so that a code we do not know still reads.
    #[serde(deserialize_with = "null_as_default")]
    pub entry_method: String,
    #[serde(deserialize_with = "null_as_default")]
    pub entry_method_description: String,
    /// Null unless the entry was free: clients test it against null.
    pub free_entry_reason: Option<String>,
    /// The customer's total number of check-ins.
    #[serde(deserialize_with = "null_as_default")]
    pub check_in_count: i64,
    #[serde(with = "timestamp_opt")]
    pub created_at: Option<Timestamp>,
}

impl CheckIn {
    /// When, to the minute, on the location's clock: `2026-11-25 18:04`.
    pub fn when(&self) -> String {
        self.check_in_datetime.map(|d| d.strftime("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()
    }

    pub fn method(&self) -> Option<EntryMethod> {
        EntryMethod::from_code(&self.entry_method)
    }
}

/// The `200` body of `POST /api/gym-endpoints/barcode-check-in/<barcode>/`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BarcodeCheckIn {
    pub id: i64,
    pub customer_id: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub customer_first_name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub customer_last_name: String,
    pub customer_email: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub entry_method: String,
    #[serde(deserialize_with = "null_as_default")]
    pub entry_method_description: String,
    /// Newline-separated ("100th check-in!"); empty when there are none.
    #[serde(deserialize_with = "null_as_default")]
    pub milestones: String,
    /// The customer's total, this check-in included.
    #[serde(deserialize_with = "null_as_default")]
    pub check_in_count: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub has_any_automatic_check_ins: bool,
    /// (ours) The check-in's URL, which `DELETE` voids.
    #[serde(deserialize_with = "null_as_default", skip_serializing_if = "String::is_empty")]
    pub url: String,
    /// (ours)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_id: Option<i64>,
    /// (ours)
    #[serde(deserialize_with = "null_as_default", skip_serializing_if = "String::is_empty")]
    pub location_name: String,
    /// (ours)
    #[serde(with = "local_datetime_opt", skip_serializing_if = "Option::is_none")]
    pub check_in_datetime: Option<DateTime>,
    /// (ours) True when the location combines same-day check-ins and this
    /// scan found the customer already checked in today: no new check-in was
    /// made and nothing was debited; `id` is the earlier check-in.
    #[serde(deserialize_with = "null_as_default")]
    pub combined: bool,
    /// (ours) Null unless the entry was free: for an override without a pass, the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_entry_reason: Option<String>,
    /// (ours) The `override_reason` the request carried, echoed (absent without one): a client
    /// sent one and finds none here is talking to a server without overrides (Capitan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_reason: Option<String>,
    /// (ours) True when the rules refused and the override let the customer in.
    #[serde(deserialize_with = "null_as_default", skip_serializing_if = "std::ops::Not::not")]
    pub overridden: bool,
    /// (ours) What the desk should notice, from the rules (`Turns 18 on 12 Jan: adult waiver needed
    /// from then`); absent from a server that does not judge these (Capitan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notices: Option<Vec<String>>,
}

impl BarcodeCheckIn {
    pub fn method(&self) -> Option<EntryMethod> {
        EntryMethod::from_code(&self.entry_method)
    }

    pub fn milestone_lines(&self) -> impl Iterator<Item = &str> {
        self.milestones.lines().map(str::trim).filter(|l| !l.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_in_reads_with_missing_keys_and_shows_its_local_minute() {
        let ci: CheckIn =
            serde_json::from_value(serde_json::json!({"check_in_datetime": "2026-11-25T18:04:31.123456"})).unwrap();
        assert_eq!(ci.when(), "2026-11-25 18:04");
        assert_eq!(ci.free_entry_reason, None);
    }

    #[test]
    fn alert_refusals_end_in_one_period_and_read_back() {
        assert_eq!(
            blocking_alert_message(NO_WAIVER_ALERT),
            "The following alert is preventing you from checking in: No waiver."
        );
        assert_eq!(
            blocking_alert_message("Banned until June. "),
            "The following alert is preventing you from checking in: Banned until June."
        );
        assert_eq!(blocking_alert_of(&blocking_alert_message("See manager")), Some("See manager"));
        assert_eq!(blocking_alert_of(NO_ENTRY_METHOD), None);
    }

    #[test]
    fn check_in_datetimes_are_wall_clock_without_offset_and_read_leniently() {
        let c =
            CheckIn { check_in_datetime: Some(jiff::civil::date(2026, 3, 10).at(9, 5, 0, 0)), ..Default::default() };
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["check_in_datetime"], "2026-03-10T09:05:00");
        assert_eq!(json["free_entry_reason"], serde_json::Value::Null);
        for raw in ["2026-03-10T09:05:00", "2026-03-10T09:05:00.123456", "2026-03-10T09:05:00-06:00"] {
            let dt = local_datetime_opt::parse(raw).unwrap_or_else(|| panic!("{raw}"));
            assert_eq!((dt.hour(), dt.minute()), (9, 5), "{raw}");
        }
        assert_eq!(local_datetime_opt::parse("yesterday"), None);
    }

    #[test]
    fn a_capitan_body_without_our_fields_reads() {
        let body: BarcodeCheckIn = serde_json::from_value(serde_json::json!({
            "id": 7, "customer_id": 3, "customer_first_name": "Ann", "customer_last_name": "Lee",
            "customer_email": null, "entry_method": "ENT",
            "entry_method_description": "10-Punch Pass from Jane Doe (3 remaining)",
            "milestones": "100th check-in!\n", "check_in_count": 100, "has_any_automatic_check_ins": false
        }))
        .unwrap();
        assert_eq!(body.method(), Some(EntryMethod::EntryPass));
        assert_eq!(body.milestone_lines().collect::<Vec<_>>(), ["100th check-in!"]);
        assert!(!body.combined);
    }
}
