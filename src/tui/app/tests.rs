//! `App::update` driven by messages, with no terminal and no network.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use jiff::civil::date;
use ratatui::layout::{Rect, Size};

use super::*;
use crate::client::records::Alert;
use crate::tui::filter_set::specs;
use crate::tui::profile::SubState;

pub(crate) fn options() -> AppOptions {
    AppOptions {
        keymap: KeyMap::default(),
        theme: Theme::monochrome(),
        clock: crate::tui::clock::Clock::fixed("2026-11-25T12:00:00Z".parse().unwrap()),
        location_id: None,
        photos: PhotoMode::On { clear_on_change: false },
        server_label: "127.0.0.1".into(),
        time_zone: jiff::tz::TimeZone::UTC,
        scanner: Default::default(),
        start_checking_in: false,
        bells: Default::default(),
        override_reasons: crate::config::DEFAULT_OVERRIDE_REASONS.map(str::to_string).to_vec(),
        override_needs_manager_pin: false,
        sounds: Default::default(),
        stops_server: false,
    }
}

pub(crate) fn customer(id: i64, first: &str, last: &str) -> Customer {
    Customer {
        id,
        first_name: first.into(),
        last_name: last.into(),
        email: format!("{}.{}@example.com", first.to_lowercase(), last.to_lowercase()),
        birthday: Some(date(1990, 5, 17)),
        profile_image: Some(format!("http://127.0.0.1:1/media/{id}.jpg")),
        profile_image_small: Some(format!("http://127.0.0.1:1/media/{id}-small.jpg")),
        ..Customer::default()
    }
}

pub(crate) fn page(rows: Vec<Customer>, count: u64, next: Option<&str>) -> Page<Customer> {
    Page { count, next: next.map(str::to_string), previous: None, results: rows }
}

pub(crate) fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub(crate) fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

pub(crate) fn typed(app: &mut App, text: &str) -> Vec<Command> {
    text.chars().flat_map(|c| app.update(key(KeyCode::Char(c)))).collect()
}

/// An app whose first list request has been answered with `rows`.
pub(crate) fn loaded(width: u16, height: u16, rows: Vec<Customer>, next: Option<&str>) -> App {
    let mut app = App::new(options(), Rect::new(0, 0, width, height));
    let start = app.start();
    let Some(Command::FetchCustomers { request, .. }) = start.first() else { panic!("{start:?}") };
    let count = rows.len() as u64 + u64::from(next.is_some()) * 100;
    app.update(Msg::ListLoaded { request: *request, result: Ok(page(rows, count, next)) });
    app
}

fn fetches(commands: &[Command]) -> Vec<&Command> {
    commands.iter().filter(|c| !matches!(c, Command::StartTimer { .. })).collect()
}

fn fire_timer(app: &mut App, commands: &[Command], which: Timer) -> Vec<Command> {
    let generation = commands
        .iter()
        .rev()
        .find_map(|c| match c {
            Command::StartTimer { timer, generation, .. } if *timer == which => Some(*generation),
            _ => None,
        })
        .expect("a timer was started");
    app.update(Msg::Timer { timer: which, generation })
}

fn many(n: i64) -> Vec<Customer> {
    (1..=n).map(|i| customer(i, &format!("Ann{i}"), "Smith")).collect()
}

/// The searches `commands` send, by their text.
fn searches(commands: &[Command]) -> Vec<(RequestId, String)> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::FetchCustomers { request, query } => Some((*request, query.search.clone())),
            _ => None,
        })
        .collect()
}

fn named(rows: usize, last: &str) -> Vec<Customer> {
    (1..=rows as i64).map(|i| customer(i, &format!("Ann{i}"), last)).collect()
}

#[test]
fn typing_searches_at_once_and_the_newest_text_waits_for_the_answer_in_flight() {
    let mut app = loaded(80, 24, many(3), None);
    let first = typed(&mut app, "s");
    let [(s, text)] = searches(&first).try_into().unwrap_or_else(|c| panic!("{c:?}"));
    assert_eq!(text, "s", "the first key searches at once, no pause");
    assert!(app.is_busy());
    // While "s" is in flight, nothing more is sent: "sm" waits, then "smi" replaces it.
    assert!(searches(&typed(&mut app, "mi")).is_empty(), "one list request in flight at most");
    // The answer for "s" is the newest answer so far: shown, and only the newest text is sent next.
    let next = app.update(Msg::ListLoaded { request: s, result: Ok(page(named(4, "Sanders"), 4, None)) });
    assert_eq!(app.list.rows.len(), 4, "an answer for an older text is shown while the newer one is on its way");
    assert_eq!(app.list.query.as_ref().map(|q| q.search.as_str()), Some("s"));
    let [(smi, text)] = searches(&next).try_into().unwrap_or_else(|c| panic!("{c:?}"));
    assert_eq!(text, "smi", "\"sm\" was replaced before it was ever sent");
    let done = app.update(Msg::ListLoaded { request: smi, result: Ok(page(named(2, "Smith"), 2, None)) });
    assert!(searches(&done).is_empty());
    assert_eq!((app.list.rows.len(), app.list.count), (2, Some(2)));
    assert_eq!(app.list.query.as_ref().map(|q| q.search.as_str()), Some("smi"));
    assert!(!app.list.is_loading());
    // A late copy of the older answer never shows over the newer one (the request-id rule).
    app.update(Msg::ListLoaded { request: s, result: Ok(page(named(4, "Sanders"), 4, None)) });
    assert_eq!((app.list.rows[0].last_name.as_str(), app.list.count), ("Smith", Some(2)));
    // Nothing in flight: the next key is sent at once again.
    assert_eq!(searches(&typed(&mut app, "t")).into_iter().map(|(_, t)| t).collect::<Vec<_>>(), ["smit"]);
}

#[test]
fn a_newer_query_replaces_the_waiting_one_and_the_older_answer_shows_meanwhile() {
    let mut app = App::new(options(), Rect::new(0, 0, 80, 24));
    let start = app.start();
    let Some(Command::FetchCustomers { request: first, .. }) = start.first().cloned() else { panic!() };
    assert!(fetches(&typed(&mut app, "a")).is_empty(), "one list request in flight at most");
    assert!(fetches(&typed(&mut app, "b")).is_empty());
    // The first answer arrives: shown (it is the newest so far), and only "ab" is sent.
    let next = app.update(Msg::ListLoaded { request: first, result: Ok(page(many(5), 5, None)) });
    assert_eq!(app.list.rows.len(), 5);
    let [(second, query)] = searches(&next).try_into().unwrap_or_else(|c| panic!("{c:?}"));
    assert_eq!(query, "ab");
    // An answer nobody waits for is ignored.
    app.update(Msg::ListLoaded { request: RequestId(999), result: Ok(page(many(9), 9, None)) });
    assert_eq!(app.list.rows.len(), 5);
    app.update(Msg::ListLoaded { request: second, result: Ok(page(many(2), 2, None)) });
    assert_eq!(app.list.rows.len(), 2);
    assert_eq!(app.list.count, Some(2));
    assert!(!app.list.is_loading());
}

#[test]
fn a_failure_with_a_newer_text_waiting_is_dropped_and_the_newer_text_is_sent() {
    let mut app = loaded(80, 24, many(3), None);
    let [(a, _)] = searches(&typed(&mut app, "a")).try_into().unwrap_or_else(|c| panic!("{c:?}"));
    typed(&mut app, "b");
    let next = app.update(Msg::ListLoaded { request: a, result: Err(ClientError::Offline("down".into())) });
    assert!(app.problem.is_none(), "the newer search may well succeed: no error for the older one");
    assert_eq!(searches(&next).into_iter().map(|(_, t)| t).collect::<Vec<_>>(), ["ab"]);
    assert_eq!(app.list.rows.len(), 3, "the list stays as it was");
}

#[test]
fn typing_back_to_the_text_in_flight_sends_nothing_more() {
    let mut app = loaded(80, 24, many(3), None);
    let [(a, _)] = searches(&typed(&mut app, "a")).try_into().unwrap_or_else(|c| panic!("{c:?}"));
    typed(&mut app, "b");
    assert!(searches(&app.update(key(KeyCode::Backspace))).is_empty());
    let next = app.update(Msg::ListLoaded { request: a, result: Ok(page(many(1), 1, None)) });
    assert!(searches(&next).is_empty(), "the answer in flight is the text's: {next:?}");
    assert!(!app.list.is_loading());
    assert_eq!(app.list.query.as_ref().map(|q| q.search.as_str()), Some("a"));
}

#[test]
fn clearing_the_text_shows_everyone_again() {
    let mut app = loaded(80, 24, many(3), None);
    let [(a, _)] = searches(&typed(&mut app, "a")).try_into().unwrap_or_else(|c| panic!("{c:?}"));
    app.update(Msg::ListLoaded { request: a, result: Ok(page(many(1), 1, None)) });
    let cleared = app.update(ctrl('u'));
    assert_eq!(app.search.value(), "");
    let [(all, text)] = searches(&cleared).try_into().unwrap_or_else(|c| panic!("{c:?}"));
    assert_eq!(text, "", "the unfiltered list");
    app.update(Msg::ListLoaded { request: all, result: Ok(page(many(3), 3, None)) });
    assert_eq!((app.list.rows.len(), app.list.query.as_ref().map(|q| q.search.as_str())), (3, Some("")));
    // Clearing an empty bar sends nothing.
    assert!(searches(&app.update(ctrl('u'))).is_empty());
}

/// A scanner burst in the search bar is a check-in, as before, and leaves the search as it was: its
/// keys, shown at once while they might still be a person's typing, are taken back, and the answer
/// to the one search they sent is dropped. Keys the detector releases as typing were shown (and
/// searched) at once: their release applies and sends nothing more.
#[test]
fn a_scanner_burst_in_the_search_bar_checks_in_and_held_keys_search_at_once() {
    use std::time::{Duration, Instant};
    let read = |app: &mut App, code: KeyCode, at: Instant| {
        app.update(Msg::Read(KeyRead { key: KeyEvent::new(code, KeyModifiers::NONE), at }))
    };
    let texts = |out: &[Command]| searches(out).into_iter().map(|(_, t)| t).collect::<Vec<_>>();
    let mut app = loaded(80, 24, many(3), None);
    let t0 = Instant::now();
    let mut out = Vec::new();
    for (i, c) in "100042".chars().enumerate() {
        out.extend(read(&mut app, KeyCode::Char(c), t0 + Duration::from_millis(5 * i as u64)));
    }
    assert_eq!(app.search.value(), "100042", "shown while they may be typing");
    out.extend(read(&mut app, KeyCode::Enter, t0 + Duration::from_millis(30)));
    // The first key searched at once; the others waited for its answer, and the scan took them back.
    assert_eq!(texts(&out), ["1"], "{out:?}");
    assert!(out.iter().any(|c| matches!(c, Command::CheckIn { barcode, .. } if barcode == "100042")), "{out:?}");
    assert_eq!((app.screen, app.search.value()), (Screen::CheckIn, ""));
    let (one, _) = searches(&out)[0].clone();
    let after = app.update(Msg::ListLoaded { request: one, result: Ok(page(many(1), 1, None)) });
    assert!(searches(&after).is_empty(), "the rows shown are the empty search's already: {after:?}");
    assert_eq!((app.list.rows.len(), app.list.query.as_ref().map(|q| q.search.as_str())), (3, Some("")));
    assert!(!app.list.is_loading());

    let mut app = loaded(80, 24, many(3), None);
    let t0 = Instant::now();
    let mut out = Vec::new();
    for (i, c) in "ann".chars().enumerate() {
        out.extend(read(&mut app, KeyCode::Char(c), t0 + Duration::from_millis(5 * i as u64)));
    }
    assert_eq!(app.search.value(), "ann", "held (they may start a scan), and shown at once");
    assert_eq!(texts(&out), ["a"], "the newest text waits for the answer in flight");
    let deadline = app.scanner_deadline().expect("keys are held");
    let released = app.update(Msg::ScannerDeadline(deadline + Duration::from_millis(1)));
    assert_eq!(app.search.value(), "ann", "released: not typed a second time");
    assert!(searches(&released).is_empty(), "{released:?}");
    assert!(app.scanner_deadline().is_none());
}

#[test]
fn the_next_page_is_fetched_as_the_selection_nears_the_end() {
    let mut app = loaded(80, 24, many(20), Some("http://127.0.0.1:1/api/customers/?page=2"));
    app.update(key(KeyCode::Down));
    assert_eq!(app.focus, Focus::Results);
    let mut sent = Vec::new();
    for _ in 0..10 {
        sent.extend(app.update(key(KeyCode::Down)));
    }
    let pages: Vec<_> = sent.iter().filter(|c| matches!(c, Command::FetchPage { .. })).collect();
    assert_eq!(pages.len(), 1, "{sent:?}");
    let Command::FetchPage { request, url } = pages[0] else { panic!("{:?}", pages[0]) };
    assert!(url.ends_with("page=2"));
    app.update(Msg::ListLoaded { request: *request, result: Ok(page(many(5), 25, None)) });
    assert_eq!(app.list.rows.len(), 25);
    assert_eq!(app.list.selected, 10, "appending keeps the selection");
}

#[test]
fn esc_backs_out_one_level_and_never_drops_typed_text() {
    let mut app = loaded(80, 24, many(3), None);
    typed(&mut app, "ann");
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Enter));
    assert_eq!(app.focus, Focus::Detail);
    app.update(key(KeyCode::F(1)));
    assert_eq!(app.key_context(), KeyContext::Help);
    app.update(key(KeyCode::Esc));
    assert_eq!(app.focus, Focus::Detail, "the overlay closes first");
    app.update(key(KeyCode::Esc));
    assert_eq!(app.focus, Focus::Results);
    app.update(key(KeyCode::Esc));
    assert_eq!(app.focus, Focus::Search);
    app.update(key(KeyCode::Esc));
    assert_eq!(app.search.value(), "ann");
}

#[test]
fn opening_a_profile_loads_its_sub_collections_and_drops_answers_for_someone_else() {
    let mut app = loaded(80, 24, many(3), None);
    app.update(key(KeyCode::Down));
    let opened = app.update(key(KeyCode::Enter));
    let Some(Command::FetchSubCollections { request, customer }) =
        opened.iter().find(|c| matches!(c, Command::FetchSubCollections { .. })).cloned()
    else {
        panic!("{opened:?}")
    };
    assert_eq!(customer.id, 1);
    assert!(opened.iter().any(|c| matches!(c, Command::FetchPhoto { key, .. } if key.customer_id == 1)));
    let alerts = SubRecords::Alerts(vec![Alert {
        id: 1,
        message: "Belay check due".into(),
        prevents_check_in: true,
        ..Alert::default()
    }]);
    app.update(Msg::SubLoaded { request, kind: SubCollection::Alerts, result: Ok(Some(alerts.clone())) });
    app.update(Msg::SubLoaded { request, kind: SubCollection::Relations, result: Ok(None) });
    app.update(Msg::SubLoaded {
        request,
        kind: SubCollection::Notes,
        result: Err(ClientError::Server { status: 500, message: "boom".into() }),
    });
    assert_eq!(app.detail.sub(SubCollection::Alerts), &SubState::Loaded(alerts));
    assert_eq!(app.detail.sub(SubCollection::Relations), &SubState::NotAvailable);
    assert!(matches!(app.detail.sub(SubCollection::Notes), SubState::Failed(_)));
    // Next customer: the old request's late answers no longer apply.
    let moved = app.update(Msg::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::CONTROL)));
    fire_timer(&mut app, &moved, Timer::Selection);
    app.update(Msg::SubLoaded {
        request,
        kind: SubCollection::CheckIns,
        result: Ok(Some(SubRecords::CheckIns(vec![], 0))),
    });
    assert_eq!(app.detail.customer_id, Some(2));
    assert_eq!(app.detail.sub(SubCollection::CheckIns), &SubState::Loading);
}

#[test]
fn filters_are_checked_before_sending_and_show_as_removable_chips() {
    let mut app = loaded(80, 24, many(3), None);
    app.update(ctrl('f'));
    assert_eq!(app.focus, Focus::Filters);
    let age = specs().iter().position(|s| s.param == "age_min").unwrap();
    while app.filters.selected < age {
        app.update(key(KeyCode::Down));
    }
    app.update(key(KeyCode::Enter));
    assert_eq!(app.key_context(), KeyContext::FilterEdit);
    typed(&mut app, "1x");
    let refused = app.update(key(KeyCode::Enter));
    assert!(fetches(&refused).is_empty(), "a bad value is not sent");
    let (input, problem) = app.filters.editing.as_ref().unwrap();
    assert_eq!(input.value(), "1x", "what was typed stays");
    assert!(problem.as_deref().unwrap().contains("whole number"));
    app.update(key(KeyCode::Backspace));
    typed(&mut app, "8");
    let sent = app.update(key(KeyCode::Enter));
    let request = match fetches(&sent).as_slice() {
        [Command::FetchCustomers { query, request }] => {
            assert_eq!(query.filters, vec![("age_min".to_string(), "18".to_string())]);
            *request
        }
        other => panic!("{other:?}"),
    };
    app.update(Msg::ListLoaded { request, result: Ok(page(many(1), 1, None)) });
    assert_eq!(app.filters.values.chip(age).as_deref(), Some("age ≥ 18"));
    // Esc over a changed value asks first, and a second Esc discards it.
    app.update(key(KeyCode::Enter));
    typed(&mut app, "9");
    app.update(key(KeyCode::Esc));
    assert_eq!(app.filters.editing.as_ref().unwrap().0.value(), "189");
    assert_eq!(app.filters.editing.as_ref().unwrap().1.as_deref(), Some(DISCARD_PROMPT));
    app.update(key(KeyCode::Esc));
    assert!(app.filters.editing.is_none());
    assert_eq!(app.filters.values.get(age), Some("18"));
    // Backspace on an empty search removes the last chip.
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Esc));
    assert_eq!(app.focus, Focus::Search);
    let removed = app.update(key(KeyCode::Backspace));
    assert!(app.filters.values.is_empty());
    assert!(
        matches!(fetches(&removed).as_slice(), [Command::FetchCustomers { query, .. }] if query.filters.is_empty())
    );
}

#[test]
fn choice_filters_cycle_and_clear_all_resets() {
    let mut app = loaded(80, 24, many(3), None);
    app.update(ctrl('f'));
    let first = app.update(key(KeyCode::Char(' ')));
    assert!(matches!(fetches(&first).as_slice(), [Command::FetchCustomers { query, .. }]
        if query.filters == vec![("has_active_membership".to_string(), "true".to_string())]));
    app.update(key(KeyCode::Left));
    assert!(app.filters.values.is_empty());
    app.update(key(KeyCode::Right));
    app.update(ctrl('x'));
    assert!(app.filters.values.is_empty());
}

#[test]
fn an_outage_is_reported_keys_keep_working_and_retry_resends() {
    let mut app = App::new(options(), Rect::new(0, 0, 80, 24));
    let start = app.start();
    let Some(Command::FetchCustomers { request, .. }) = start.first().cloned() else { panic!() };
    app.update(Msg::ListLoaded { request, result: Err(ClientError::Offline("connection failed".into())) });
    let problem = app.problem.clone().unwrap();
    assert!(problem.offline);
    assert!(!app.is_busy());
    // Typing still works while offline: its search is sent, and fails too.
    let [(x, _)] = searches(&typed(&mut app, "x")).try_into().unwrap_or_else(|c| panic!("{c:?}"));
    app.update(Msg::ListLoaded { request: x, result: Err(ClientError::Offline("connection failed".into())) });
    assert!(app.problem.as_ref().is_some_and(|p| p.offline));
    let retried = app.update(ctrl('r'));
    assert!(
        matches!(fetches(&retried).as_slice(), [Command::FetchCustomers { query, .. }] if query.search == "x"),
        "{retried:?}"
    );
    assert!(app.problem.is_none());
}

#[test]
fn photos_load_for_the_visible_profile_and_only_the_newest_waits() {
    let mut app = loaded(160, 48, many(5), None);
    // Wide: the profile is always visible, so a settled selection loads its photo.
    let Some(Command::FetchPhoto { request, key: photo_key }) = app
        .update(Msg::Timer { timer: Timer::Selection, generation: app.list.selection_generation() })
        .into_iter()
        .find(|c| matches!(c, Command::FetchPhoto { .. }))
    else {
        panic!("no photo request")
    };
    assert_eq!((photo_key.customer_id, photo_key.width, photo_key.height), (1, 24, 12));
    assert!(photo_key.url.ends_with("/1.jpg"), "a big box gets the full-size photo");
    app.update(key(KeyCode::Down));
    for _ in 0..2 {
        let moved = app.update(key(KeyCode::Down));
        assert!(
            fetches(&fire_timer(&mut app, &moved, Timer::Selection))
                .iter()
                .all(|c| !matches!(c, Command::FetchPhoto { .. })),
            "one photo in flight"
        );
    }
    let photo = super::super::photo_view::encode_photo(
        &ratatui_image::picker::Picker::halfblocks(),
        image::DynamicImage::new_rgb8(8, 8),
        Size::new(photo_key.width, photo_key.height),
    )
    .unwrap();
    let next = app.update(Msg::PhotoLoaded { request, key: photo_key.clone(), result: Ok(photo) });
    assert!(app.photos.get(&photo_key).is_some(), "a finished photo is cached even if no longer shown");
    match fetches(&next).as_slice() {
        [Command::FetchPhoto { key, .. }] => assert_eq!(key.customer_id, 3, "the newest selection's photo"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn paste_and_letters_go_to_the_search() {
    let mut app = loaded(80, 24, many(3), None);
    app.update(key(KeyCode::Down));
    assert_eq!(app.focus, Focus::Results);
    app.update(Msg::Paste("ann\nsmith".into()));
    assert_eq!(app.focus, Focus::Search);
    assert_eq!(app.search.value(), "ann smith");
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Char('z')));
    assert_eq!(app.focus, Focus::Search);
    assert_eq!(app.search.value(), "z", "a letter in the list starts a new search");
    // Backspace in the list takes the search back up where it was.
    typed(&mut app, "oe");
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Backspace));
    assert_eq!((app.focus, app.search.value()), (Focus::Search, "zo"));
}

/// Every printable character in the results list and the profile goes to the search and does
/// nothing else: no quit, no action, no movement (finding: someone typing "Quinn" lost the app).
#[test]
fn every_printable_key_in_the_list_and_profile_only_searches() {
    for into_profile in [false, true] {
        let mut app = loaded(120, 40, many(5), None);
        app.update(key(KeyCode::Down));
        if into_profile {
            app.update(key(KeyCode::Enter));
            assert_eq!(app.key_context(), KeyContext::Detail);
        }
        let printable: String = (' '..='~').collect();
        for c in printable.chars() {
            let out = app.update(key(KeyCode::Char(c)));
            assert!(!app.quit, "{c:?} quit");
            assert_eq!(app.screen, Screen::Desk, "{c:?} opened another screen");
            assert!(!app.help.is_open() && !app.filters.open && app.records.current().is_none(), "{c:?} acted");
            // Its search only (nothing, when one is already in flight and this text waits for it).
            assert!(
                out.iter()
                    .all(|c| matches!(c, Command::FetchCustomers { query, .. } if query.search == app.search.value())),
                "{out:?}"
            );
            assert_eq!(app.focus, Focus::Search);
            // Back into the list (or the profile) for the next key.
            app.update(key(KeyCode::Down));
            if into_profile {
                app.update(key(KeyCode::Enter));
            }
        }
    }
    let mut app = loaded(120, 40, many(5), None);
    app.update(key(KeyCode::Down));
    for c in "Quinn".chars() {
        app.update(key(KeyCode::Char(c)));
    }
    assert_eq!(app.search.value(), "Quinn");
    assert!(!app.quit);
}

#[test]
fn quitting_asks_while_scans_wait_or_a_demo_would_stop_and_not_otherwise() {
    let mut plain = loaded(80, 24, many(3), None);
    plain.update(ctrl('c'));
    assert!(plain.quit, "nothing to lose: ctrl-c quits at once");

    let mut demo = App::new(AppOptions { stops_server: true, ..options() }, Rect::new(0, 0, 80, 24));
    demo.update(ctrl('q'));
    assert!(!demo.quit);
    assert!(demo.quit_question.as_deref().unwrap().contains("stops the demo server"));
    demo.update(key(KeyCode::Esc));
    assert!(demo.quit_question.is_none() && !demo.quit, "esc is a no");
    demo.update(ctrl('c'));
    demo.update(key(KeyCode::Char('y')));
    assert!(demo.quit);

    let mut queued = loaded(80, 24, many(3), None);
    queued.check_in.queued = 2;
    queued.update(ctrl('c'));
    assert!(!queued.quit);
    assert!(queued.quit_question.as_deref().unwrap().starts_with("2 scans are waiting for the server"));
    queued.update(key(KeyCode::Char('y')));
    assert!(queued.quit);
}

/// End goes to the real last customer: the remaining pages load one after another, then the
/// last row is selected (finding: End stopped at row 50 of 500).
#[test]
fn end_loads_every_page_and_selects_the_last_customer() {
    let mut app = loaded(80, 24, many(20), Some("http://x/api/customers/?page=2"));
    app.update(key(KeyCode::Down));
    let sent = app.update(Msg::Key(KeyEvent::new(KeyCode::End, KeyModifiers::CONTROL)));
    let [Command::FetchPage { request, url }] = fetches(&sent).as_slice() else { panic!("{sent:?}") };
    assert!(url.ends_with("page=2"));
    let sent = app.update(Msg::ListLoaded {
        request: *request,
        result: Ok(page(many(20), 45, Some("http://x/api/customers/?page=3"))),
    });
    let [Command::FetchPage { request, url }] = fetches(&sent).as_slice() else { panic!("{sent:?}") };
    assert!(url.ends_with("page=3"));
    app.update(Msg::ListLoaded { request: *request, result: Ok(page(many(5), 45, None)) });
    assert_eq!(app.list.rows.len(), 45);
    assert_eq!(app.list.selected, 44, "the real last customer");
}

#[test]
fn the_mouse_selects_opens_scrolls_and_removes_chips() {
    let mut app = loaded(80, 24, many(5), None);
    let click = |x, y| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        })
    };
    // Rows start under the search line, the border and the header.
    app.update(click(5, 5));
    assert_eq!((app.focus, app.list.selected), (Focus::Results, 2));
    app.update(click(5, 5));
    assert_eq!(app.focus, Focus::Detail);
    app.update(key(KeyCode::Esc));
    let scroll =
        Msg::Mouse(MouseEvent { kind: MouseEventKind::ScrollDown, column: 5, row: 8, modifiers: KeyModifiers::NONE });
    app.update(scroll);
    assert_eq!(app.list.selected, 3);
    app.filters.values.set(0, Some("true".into()));
    let chips = app.areas().chips.unwrap();
    let (_, chip) = app.chip_rects(chips)[0];
    app.update(click(chip.x + 1, chip.y));
    assert!(app.filters.values.is_empty());
}

#[test]
fn idle_messages_ask_for_no_redraw() {
    let mut app = loaded(80, 24, many(3), None);
    app.take_redraw();
    app.update(Msg::Tick);
    assert!(!app.take_redraw(), "nothing loads, so a tick draws nothing");
    let moved =
        Msg::Mouse(MouseEvent { kind: MouseEventKind::Moved, column: 1, row: 1, modifiers: KeyModifiers::NONE });
    app.update(moved);
    assert!(!app.take_redraw());
}
