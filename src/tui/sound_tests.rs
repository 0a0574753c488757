//! The check-in sounds through `App::update`: a verdict plays its outcome's configured command
//! instead of bells, a failing command is said once, and nothing sounds in quiet hours (the app's
//! clock injected).

use std::time::Duration;

use crossterm::event::KeyCode;
use ratatui::layout::Rect;

use super::app::tests::{key, options};
use super::app::{App, AppOptions, Command, Msg};
use super::check_in::{Details, ScanOutcome};
use crate::config::{QuietHours, Sound, SoundsConfig};
use crate::model::check_in::NO_ENTRY_METHOD;

fn type_keys(app: &mut App, text: &str) -> Vec<Command> {
    text.chars().flat_map(|c| app.update(key(KeyCode::Char(c)))).collect()
}

fn refused(app: &mut App) -> Vec<Command> {
    let out = type_keys(app, "100043");
    assert!(out.is_empty());
    let out = app.update(key(KeyCode::Enter));
    let request = out
        .iter()
        .find_map(|c| match c {
            Command::CheckIn { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    let outcome = ScanOutcome::Refused { status: 400, text: NO_ENTRY_METHOD.into(), details: Details::default() };
    app.update(Msg::ScanAnswered { request, scan: None, outcome })
}

fn with_sounds(sounds: SoundsConfig) -> App {
    let bells = super::app::Bells { checked_in: 1, refused: 3, gap: Duration::from_millis(180) };
    App::new(AppOptions { start_checking_in: true, bells, sounds, ..options() }, Rect::new(0, 0, 80, 24))
}

#[test]
fn a_refusal_runs_its_configured_command_instead_of_bells_and_a_failure_is_said_once() {
    let player = Sound::Run { program: "paplay".into(), args: vec!["/sounds/refused.oga".into()] };
    let mut app = with_sounds(SoundsConfig { refused: Some(player), ..SoundsConfig::default() });
    let out = refused(&mut app);
    let play = Command::PlaySound { program: "paplay".into(), args: vec!["/sounds/refused.oga".into()] };
    assert!(out.contains(&play), "{out:?}");
    assert_eq!(app.take_bells(), 0, "a command instead of bells");
    app.update(Msg::SoundFailed { program: "paplay".into(), error: "cannot run paplay: not found".into() });
    let notice = app.notice.clone().unwrap();
    assert!(notice.warn && notice.text.contains("cannot run paplay"), "{notice:?}");
    app.update(key(KeyCode::Char('1')));
    app.update(Msg::SoundFailed { program: "paplay".into(), error: "cannot run paplay: not found".into() });
    assert!(app.notice.is_none(), "not repeated");
}

#[test]
fn in_quiet_hours_nothing_sounds() {
    // The test clock says 12:00 at the desk.
    let lunch = QuietHours::parse("11:30-13:00").unwrap();
    let mut app = with_sounds(SoundsConfig { quiet_hours: Some(lunch), ..SoundsConfig::default() });
    let out = refused(&mut app);
    assert!(!out.iter().any(|c| matches!(c, Command::PlaySound { .. } | Command::StartTimer { .. })), "{out:?}");
    assert_eq!(app.take_bells(), 0);
    let evening = QuietHours::parse("22:00-07:00").unwrap();
    let mut app = with_sounds(SoundsConfig { quiet_hours: Some(evening), ..SoundsConfig::default() });
    refused(&mut app);
    assert_eq!(app.take_bells(), 1, "outside them the refusal's first bell rings");
}

#[test]
fn a_queued_scan_sounds_only_when_configured() {
    let queued = |app: &mut App| {
        type_keys(app, "100042");
        let out = app.update(key(KeyCode::Enter));
        let request = out
            .iter()
            .find_map(|c| match c {
                Command::CheckIn { request, .. } => Some(*request),
                _ => None,
            })
            .unwrap();
        let outcome = ScanOutcome::Queued { reason: "connection refused".into() };
        app.update(Msg::ScanAnswered { request, scan: None, outcome })
    };
    let mut silent = with_sounds(SoundsConfig::default());
    queued(&mut silent);
    assert_eq!(silent.take_bells(), 0, "as before: a queued scan is silent");
    let mut two = with_sounds(SoundsConfig { queued: Some(Sound::Bells(2)), ..SoundsConfig::default() });
    let out = queued(&mut two);
    assert_eq!(two.take_bells(), 1);
    assert!(out.iter().any(|c| matches!(c, Command::StartTimer { .. })), "and a second bell after the gap: {out:?}");
}
