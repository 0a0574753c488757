//! The `[sounds]` table: how each check-in outcome sounds (a number of terminal bells, or a command
//! such as a player and a sound file), and quiet hours when nothing sounds. Every key is optional;
//! without them the desk sounds as `[check_in] bells_in` and `bells_refused` say (a yellow "look"
//! verdict like a green one, a queued scan silent).
//!
//! ```toml
//! [sounds]
//! in = 1
//! look = 2
//! refused = ["paplay", "/usr/share/sounds/freedesktop/stereo/dialog-error.oga"]
//! queued = 0
//! quiet_hours = "22:00-07:00"
//! ```

use jiff::civil::Time;
use serde::Deserialize;

/// Most bells one outcome may ring (as `[check_in]`'s).
pub const MAX_BELLS: u8 = 9;

/// How one outcome sounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sound {
    /// This many terminal bells (0: silent), `[check_in] bell_gap_ms` apart.
    Bells(u8),
    /// This program, with these arguments, started and not waited for.
    Run { program: String, args: Vec<String> },
}

/// A stretch of the day, in the gym's local time, when nothing sounds; it may run past midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub from: Time,
    pub until: Time,
}

impl QuietHours {
    /// `"22:00-07:00"`.
    pub fn parse(text: &str) -> Result<QuietHours, String> {
        let bad = || format!("sounds.quiet_hours = {text:?} is not a time range; write for example \"22:00-07:00\"");
        let (from, until) = text.split_once('-').ok_or_else(bad)?;
        let (from, until) = (clock_time(from).ok_or_else(bad)?, clock_time(until).ok_or_else(bad)?);
        if from == until {
            return Err(format!(
                "sounds.quiet_hours = {text:?} starts and ends at the same time; remove it to always sound"
            ));
        }
        Ok(QuietHours { from, until })
    }

    /// Whether `at` is inside (the start counts, the end does not).
    pub fn contains(&self, at: Time) -> bool {
        if self.from < self.until { self.from <= at && at < self.until } else { at >= self.from || at < self.until }
    }
}

/// `"7:05"` or `"07:05"`.
fn clock_time(text: &str) -> Option<Time> {
    let (hour, minute) = text.trim().split_once(':')?;
    let all_digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(hour) || minute.len() != 2 || !all_digits(minute) {
        return None;
    }
    Time::new(hour.parse().ok()?, minute.parse().ok()?, 0, 0).ok()
}

/// The `[sounds]` table, checked: `None` for an outcome not set (it sounds as `[check_in]` says).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SoundsConfig {
    pub checked_in: Option<Sound>,
    pub look: Option<Sound>,
    pub refused: Option<Sound>,
    pub queued: Option<Sound>,
    pub quiet_hours: Option<QuietHours>,
}

/// The `[sounds]` table as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct SoundsFile {
    #[serde(rename = "in")]
    checked_in: Option<toml::Value>,
    look: Option<toml::Value>,
    refused: Option<toml::Value>,
    queued: Option<toml::Value>,
    quiet_hours: Option<String>,
}

impl SoundsFile {
    /// Checks every key; an `Err` says which and what to write.
    pub(super) fn check(&self) -> Result<SoundsConfig, String> {
        Ok(SoundsConfig {
            checked_in: sound("in", self.checked_in.as_ref())?,
            look: sound("look", self.look.as_ref())?,
            refused: sound("refused", self.refused.as_ref())?,
            queued: sound("queued", self.queued.as_ref())?,
            quiet_hours: self.quiet_hours.as_deref().map(QuietHours::parse).transpose()?,
        })
    }
}

fn sound(key: &str, value: Option<&toml::Value>) -> Result<Option<Sound>, String> {
    let Some(value) = value else { return Ok(None) };
    let bad = |why: &str| {
        format!(
            "sounds.{key} = {value}: {why}; write a number of bells (0 to {MAX_BELLS}) or a command, for example [\"paplay\", \"/usr/share/sounds/{key}.oga\"]"
        )
    };
    match value {
        toml::Value::Integer(n) => {
            let bells = u8::try_from(*n).ok().filter(|n| *n <= MAX_BELLS).ok_or_else(|| bad("too many bells"))?;
            Ok(Some(Sound::Bells(bells)))
        }
        toml::Value::Array(items) => {
            let words: Option<Vec<String>> = items.iter().map(|v| v.as_str().map(str::to_string)).collect();
            let mut words = words.ok_or_else(|| bad("a command is a list of strings"))?.into_iter();
            match words.next().filter(|program| !program.trim().is_empty()) {
                Some(program) => Ok(Some(Sound::Run { program, args: words.collect() })),
                None => Err(bad("the command has no program")),
            }
        }
        _ => Err(bad("neither a number nor a command")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<SoundsConfig, String> {
        toml::from_str::<SoundsFile>(text).map_err(|e| e.to_string())?.check()
    }

    #[test]
    fn each_outcome_is_bells_or_a_command() {
        let config =
            parsed("in = 1\nlook = 2\nrefused = [\"paplay\", \"/tmp/no.oga\"]\nquiet_hours = \"22:00-7:00\"").unwrap();
        assert_eq!(config.checked_in, Some(Sound::Bells(1)));
        assert_eq!(config.look, Some(Sound::Bells(2)));
        assert_eq!(config.refused, Some(Sound::Run { program: "paplay".into(), args: vec!["/tmp/no.oga".into()] }));
        assert_eq!(config.queued, None);
        let quiet = config.quiet_hours.unwrap();
        assert_eq!((quiet.from, quiet.until), (Time::constant(22, 0, 0, 0), Time::constant(7, 0, 0, 0)));
        assert_eq!(parsed("").unwrap(), SoundsConfig::default());
    }

    #[test]
    fn bad_values_name_the_key_and_what_to_write() {
        for (text, says) in [
            ("in = 12", "sounds.in"),
            ("refused = []", "no program"),
            ("look = [1, 2]", "list of strings"),
            ("queued = \"beep\"", "number of bells"),
            ("quiet_hours = \"10pm-7am\"", "\"22:00-07:00\""),
            ("quiet_hours = \"22:00-22:00\"", "same time"),
            ("quiet_hours = \"25:00-07:00\"", "not a time range"),
        ] {
            let err = parsed(text).unwrap_err();
            assert!(err.contains(says), "{text}: {err}");
        }
        assert!(toml::from_str::<SoundsFile>("loud = 1").is_err(), "unknown keys are refused");
    }

    #[test]
    fn the_config_file_carries_the_table_and_names_a_bad_key() {
        let path = std::path::Path::new("config.toml");
        let text = "base_url = \"http://127.0.0.1:8000/api/\"\n[sounds]\nrefused = 2\nquiet_hours = \"22:00-07:00\"\n";
        let config = crate::config::parse(text, path, |_| Ok(())).unwrap();
        assert_eq!(config.sounds.refused, Some(Sound::Bells(2)));
        assert!(config.sounds.quiet_hours.is_some());
        let bad = "base_url = \"http://127.0.0.1:8000/api/\"\n[sounds]\nin = \"loud\"\n";
        let err = crate::config::parse(bad, path, |_| Ok(())).unwrap_err().to_string();
        assert!(err.contains("config.toml is not valid config: sounds.in = \"loud\""), "{err}");
    }

    #[test]
    fn quiet_hours_may_run_past_midnight() {
        let t = |h, m| Time::constant(h, m, 0, 0);
        let night = QuietHours::parse("22:00-07:00").unwrap();
        assert!(night.contains(t(22, 0)) && night.contains(t(23, 59)) && night.contains(t(0, 0)));
        assert!(night.contains(t(6, 59)) && !night.contains(t(7, 0)) && !night.contains(t(12, 0)));
        assert!(!night.contains(t(21, 59)));
        let lunch = QuietHours::parse("12:00-13:30").unwrap();
        assert!(lunch.contains(t(12, 0)) && lunch.contains(t(13, 29)));
        assert!(!lunch.contains(t(13, 30)) && !lunch.contains(t(11, 59)) && !lunch.contains(t(0, 0)));
    }
}
