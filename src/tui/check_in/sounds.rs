//! How a verdict sounds: the pattern for each outcome (in, look, refused, queued) from `[sounds]`,
//! falling back to `[check_in]`'s bell counts, and nothing during quiet hours (pure, the gym's local
//! time passed in); a configured command is run off the render loop by [`play`], and a failure is
//! told once per program.

use std::collections::BTreeSet;

use jiff::civil::Time;

use super::{Bells, CheckInState, Level};
use crate::config::{Sound, SoundsConfig};
use crate::tui::msg::Command;
use crate::tui::status::Notice;

/// The desk's sounds: what `[sounds]` set, and the programs already reported as failing.
#[derive(Debug, Default)]
pub struct Sounds {
    pub config: SoundsConfig,
    failed: BTreeSet<String>,
}

/// What a verdict at `level` sounds like at `at` (the gym's local time), or `None` for silence:
/// `[sounds]` per outcome where set, else today's bells (yellow as green, queued silent).
pub fn choose(level: Level, bells: &Bells, sounds: &SoundsConfig, at: Time) -> Option<Sound> {
    if sounds.quiet_hours.is_some_and(|quiet| quiet.contains(at)) {
        return None;
    }
    let checked_in = || sounds.checked_in.clone().unwrap_or(Sound::Bells(bells.checked_in));
    let sound = match level {
        Level::In => checked_in(),
        Level::Notice => sounds.look.clone().unwrap_or_else(checked_in),
        Level::Refused => sounds.refused.clone().unwrap_or(Sound::Bells(bells.refused)),
        Level::Queued => sounds.queued.clone().unwrap_or(Sound::Bells(0)),
        Level::Checking | Level::Info => return None,
    };
    (sound != Sound::Bells(0)).then_some(sound)
}

impl CheckInState {
    /// The screen with `[sounds]` applied over its bells.
    pub fn with_sounds(mut self, config: SoundsConfig) -> CheckInState {
        self.sounds.config = config;
        self
    }

    /// A sound command failed: the notice to show, the first time this program fails only.
    pub fn sound_failed(&mut self, program: &str, error: &str) -> Option<Notice> {
        self.sounds.failed.insert(program.to_string()).then(|| {
            Notice::warn(format!("A check-in sound did not play: {error} (said once; check [sounds] in the config)"))
        })
    }
}

/// Runs a sound command to its end, waited for asynchronously (no thread is held while it
/// plays, and it never runs on the render loop), its output discarded so it cannot draw over the
/// screen. `Err` says what went wrong, naming the program.
pub async fn play(program: &str, args: &[String]) -> Result<(), String> {
    use std::process::Stdio;
    let status = tokio::process::Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{program} failed ({status})")) }
}

/// The command for a `Sound::Run`.
pub fn command(sound: &Sound) -> Option<Command> {
    match sound {
        Sound::Run { program, args } => Some(Command::PlaySound { program: program.clone(), args: args.clone() }),
        Sound::Bells(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::QuietHours;

    fn bells() -> Bells {
        Bells { checked_in: 1, refused: 3, gap: std::time::Duration::from_millis(180) }
    }

    fn noon() -> Time {
        Time::constant(12, 0, 0, 0)
    }

    #[test]
    fn by_default_the_bells_of_today_sound_yellow_as_green_and_queued_is_silent() {
        let none = SoundsConfig::default();
        assert_eq!(choose(Level::In, &bells(), &none, noon()), Some(Sound::Bells(1)));
        assert_eq!(choose(Level::Notice, &bells(), &none, noon()), Some(Sound::Bells(1)));
        assert_eq!(choose(Level::Refused, &bells(), &none, noon()), Some(Sound::Bells(3)));
        assert_eq!(choose(Level::Queued, &bells(), &none, noon()), None);
        assert_eq!(choose(Level::Info, &bells(), &none, noon()), None);
        assert_eq!(choose(Level::Checking, &bells(), &none, noon()), None);
        let silent = Bells { checked_in: 0, ..bells() };
        assert_eq!(choose(Level::In, &silent, &none, noon()), None);
    }

    #[test]
    fn each_outcome_takes_its_own_pattern_and_look_follows_in_unless_set() {
        let run = |file: &str| Sound::Run { program: "paplay".into(), args: vec![file.into()] };
        let sounds = SoundsConfig {
            checked_in: Some(run("in.oga")),
            refused: Some(Sound::Bells(4)),
            queued: Some(Sound::Bells(2)),
            ..SoundsConfig::default()
        };
        assert_eq!(choose(Level::In, &bells(), &sounds, noon()), Some(run("in.oga")));
        assert_eq!(choose(Level::Notice, &bells(), &sounds, noon()), Some(run("in.oga")));
        assert_eq!(choose(Level::Refused, &bells(), &sounds, noon()), Some(Sound::Bells(4)));
        assert_eq!(choose(Level::Queued, &bells(), &sounds, noon()), Some(Sound::Bells(2)));
        let with_look = SoundsConfig { look: Some(run("look.oga")), ..sounds };
        assert_eq!(choose(Level::Notice, &bells(), &with_look, noon()), Some(run("look.oga")));
        assert_eq!(
            command(&run("look.oga")),
            Some(Command::PlaySound { program: "paplay".into(), args: vec!["look.oga".into()] })
        );
    }

    #[test]
    fn nothing_sounds_in_quiet_hours() {
        let sounds =
            SoundsConfig { quiet_hours: Some(QuietHours::parse("22:00-07:00").unwrap()), ..Default::default() };
        for level in [Level::In, Level::Notice, Level::Refused] {
            assert_eq!(choose(level, &bells(), &sounds, Time::constant(23, 30, 0, 0)), None);
            assert_eq!(choose(level, &bells(), &sounds, Time::constant(6, 59, 0, 0)), None);
            assert!(choose(level, &bells(), &sounds, Time::constant(7, 0, 0, 0)).is_some());
        }
    }

    #[tokio::test]
    async fn a_configured_command_runs_and_a_failing_one_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("played");
        let script = format!("echo refused > '{}'", file.display());
        play("sh", &["-c".to_string(), script]).await.unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "refused\n");
        let missing = play("/nonexistent/player", &[]).await.unwrap_err();
        assert!(missing.contains("cannot run /nonexistent/player"), "{missing}");
        let failed = play("sh", &["-c".to_string(), "exit 3".to_string()]).await.unwrap_err();
        assert!(failed.contains("sh failed"), "{failed}");
    }

    #[test]
    fn a_failing_program_is_told_once() {
        let mut state = CheckInState::default();
        assert!(state.sound_failed("paplay", "cannot run paplay: not found").is_some());
        assert!(state.sound_failed("paplay", "cannot run paplay: not found").is_none());
        assert!(state.sound_failed("aplay", "cannot run aplay: not found").is_some());
    }
}
