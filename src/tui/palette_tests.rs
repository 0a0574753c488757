//! The command palette through `App::update`, drawn into ratatui's `TestBackend`: ctrl-k opens it over
//! where the keys are, typing filters, Enter runs an action as its key would there, Esc closes.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use super::app::tests::{customer, key, options, page};
use super::app::{App, AppOptions, Command, Focus, KeyRead, Msg, Screen};
use super::keymap::KeyContext;
use super::screen_tests::{assert_has, screen};

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn type_keys(app: &mut App, text: &str) -> Vec<Command> {
    text.chars().flat_map(|c| app.update(key(KeyCode::Char(c)))).collect()
}

fn desk(width: u16, height: u16) -> App {
    let mut app = App::new(options(), Rect::new(0, 0, width, height));
    let start = app.start();
    let request = start
        .iter()
        .find_map(|c| match c {
            Command::FetchCustomers { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    let rows = vec![customer(1, "Ann", "Smith"), customer(2, "Bo", "Jones")];
    app.update(Msg::ListLoaded { request, result: Ok(page(rows, 2, None)) });
    app
}

#[test]
fn ctrl_k_lists_every_action_with_its_keys_and_the_footer_and_help_mention_it() {
    let mut app = desk(100, 30);
    assert_has(&screen(&app), &["ctrl-k commands"]);
    app.update(ctrl('k'));
    assert_eq!(app.key_context(), KeyContext::Palette);
    // Every action but the palette itself.
    let every = format!("{0} of {0}", super::action::Action::ALL.len() - 1);
    let lines = screen(&app);
    assert_has(
        &lines,
        &[
            "Commands · enter runs · esc closes",
            "Runs in: Search bar",
            every.as_str(),
            "ctrl-c, ctrl-q",
            "Quit",
            "↑↓ move",
            "enter run",
        ],
    );
    // The help overlay lists the key under "Everywhere" and says what the palette is.
    app.update(key(KeyCode::Esc));
    assert!(!app.palette.is_open());
    app.update(key(KeyCode::F(1)));
    let help = super::help::lines(&app.keymap);
    assert!(help.contains(&super::help::HelpLine::Keys("ctrl-k".into(), super::action::Action::Palette.description())));
    assert!(help.iter().any(|l| matches!(l, super::help::HelpLine::Note(n) if n.contains("Ctrl-K"))));
}

#[test]
fn typing_filters_and_enter_runs_the_action_where_the_palette_was_opened() {
    let mut app = desk(100, 30);
    app.update(ctrl('k'));
    let out = type_keys(&mut app, "filt");
    assert!(out.is_empty(), "typing in the palette searches for no customer: {out:?}");
    assert_eq!(app.search.value(), "", "nor types into the search bar");
    let lines = screen(&app);
    assert_has(&lines, &["› filt", "▸ ctrl-f, f2", "Show or hide the filters", "toggle_filters"]);
    app.update(key(KeyCode::Enter));
    assert!(!app.palette.is_open(), "Enter closes the palette");
    assert!(app.filters.open, "and runs ctrl-f's action: the filters are open");
    assert_has(&screen(&app), &["Filters"]);
}

#[test]
fn an_action_without_a_key_here_is_shown_dimmed_with_where_it_works_and_does_not_run() {
    let mut app = desk(100, 30);
    app.update(ctrl('k'));
    type_keys(&mut app, "alerts");
    let entries = app.palette.entries(&app.keymap);
    let row = entries.iter().position(|e| e.action == super::action::Action::Alerts).unwrap();
    assert_has(&screen(&app), &["f8", "Add or edit alerts", "not here · Customer profile"]);
    for _ in 0..row {
        app.update(key(KeyCode::Down));
    }
    app.update(key(KeyCode::Enter));
    assert!(app.palette.is_open(), "it stays open to pick another");
    assert!(!app.records.is_open());
    let notice = app.notice.clone().unwrap();
    assert!(notice.warn && notice.text.contains("it works in: Customer profile"), "{notice:?}");
    // From the profile it runs: F8's alerts list opens.
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Enter));
    assert_eq!(app.focus, Focus::Detail);
    app.update(ctrl('k'));
    assert_has(&screen(&app), &["Runs in: Customer profile"]);
    type_keys(&mut app, "alerts");
    assert_eq!(app.palette.entries(&app.keymap)[0].action, super::action::Action::Alerts);
    let mut via_palette = app.update(key(KeyCode::Enter));
    assert!(!app.palette.is_open());
    // The same as pressing F8 in the profile.
    let mut same = desk(100, 30);
    same.update(key(KeyCode::Down));
    same.update(key(KeyCode::Enter));
    let mut via_key = same.update(key(KeyCode::F(8)));
    via_palette.retain(|c| !matches!(c, Command::StartTimer { .. }));
    via_key.retain(|c| !matches!(c, Command::StartTimer { .. }));
    assert_eq!(format!("{via_palette:?}"), format!("{via_key:?}"));
    assert_eq!(app.records.is_open(), same.records.is_open());
    assert_eq!(app.notice, same.notice);
}

#[test]
fn on_the_check_in_screen_it_runs_the_screens_own_actions() {
    let mut app = App::new(AppOptions { start_checking_in: true, ..options() }, Rect::new(0, 0, 100, 30));
    type_keys(&mut app, "12");
    app.update(ctrl('k'));
    assert_has(&screen(&app), &["Runs in: Check-in screen"]);
    type_keys(&mut app, "lookup");
    app.update(key(KeyCode::Enter));
    assert!(app.check_in.lookup, "ctrl-l's lookup mode is on");
    assert_eq!(app.check_in.input.value(), "12", "what was typed in the scan field stays");
    assert_has(&screen(&app), &["look up (no check-in)"]);
    // Esc closes the palette only; Esc again leaves the check-in screen.
    app.update(ctrl('k'));
    app.update(key(KeyCode::Esc));
    assert_eq!(app.screen, Screen::CheckIn);
    // Paste goes into the filter, a mouse click does nothing under it.
    app.update(ctrl('k'));
    app.update(Msg::Paste("undo\n".into()));
    assert_eq!(app.palette.query(), "undo");
    assert_eq!(app.palette.entries(&app.keymap)[0].action, super::action::Action::Undo);
    app.update(ctrl('u'));
    assert_eq!(app.palette.query(), "", "ctrl-u empties the filter");
    app.update(ctrl('k'));
    assert!(!app.palette.is_open(), "ctrl-k again closes it");
}

/// A person's keys in the palette (100 ms apart) are its filter, and Enter runs the action; a scanner's
/// burst while it is open is a check-in, as anywhere, and closes it.
#[test]
fn the_scanner_detector_tells_typing_in_the_palette_from_a_scan() {
    let read = |app: &mut App, code: KeyCode, mods: KeyModifiers, at: Instant| {
        app.update(Msg::Read(KeyRead { key: KeyEvent::new(code, mods), at }))
    };
    let mut app = desk(100, 30);
    let t0 = Instant::now();
    read(&mut app, KeyCode::Char('k'), KeyModifiers::CONTROL, t0);
    assert!(app.palette.is_open());
    let mut out = Vec::new();
    for (i, c) in "check".chars().enumerate() {
        out.extend(read(
            &mut app,
            KeyCode::Char(c),
            KeyModifiers::NONE,
            t0 + Duration::from_millis(100 * (i as u64 + 1)),
        ));
    }
    out.extend(read(&mut app, KeyCode::Enter, KeyModifiers::NONE, t0 + Duration::from_millis(700)));
    assert!(!out.iter().any(|c| matches!(c, Command::CheckIn { .. })), "typing is no scan: {out:?}");
    assert_eq!(app.screen, Screen::CheckIn, "check_in_mode ran");
    assert!(!app.palette.is_open());

    let mut app = desk(100, 30);
    read(&mut app, KeyCode::Char('k'), KeyModifiers::CONTROL, t0);
    let mut out = Vec::new();
    for (i, c) in "100042".chars().map(KeyCode::Char).chain([KeyCode::Enter]).enumerate() {
        out.extend(read(&mut app, c, KeyModifiers::NONE, t0 + Duration::from_millis(500 + 4 * i as u64)));
    }
    assert!(out.iter().any(|c| matches!(c, Command::CheckIn { barcode, .. } if barcode == "100042")), "{out:?}");
    assert!(!app.palette.is_open(), "the scan closed the palette");
    assert_eq!(app.palette.query(), "");
    assert_eq!(app.screen, Screen::CheckIn);
}

#[test]
fn a_small_screen_keeps_the_selection_in_view() {
    let mut app = desk(80, 12);
    app.update(ctrl('k'));
    for _ in 0..30 {
        app.update(key(KeyCode::Down));
    }
    let selected = app.palette.entries(&app.keymap)[app.palette.selected()].action.description();
    let lines = screen(&app);
    let start: String = selected.chars().take(20).collect();
    assert!(lines.iter().any(|l| l.contains('▸') && l.contains(&start)), "{selected}:\n{}", lines.join("\n"));
    type_keys(&mut app, "zzqx");
    let none = format!("0 of {}", super::action::Action::ALL.len() - 1);
    assert_has(&screen(&app), &["No action matches “zzqx”", none.as_str()]);
    app.update(key(KeyCode::Enter));
    assert!(app.palette.is_open(), "Enter on no row does nothing");
}
