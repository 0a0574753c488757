//! Search as you type, drawn into `TestBackend` at 160x48: each prefix typed shows its own results
//! (the pane's count and first rows), an older text's answer shows while a newer one is on its way
//! and never over it, and clearing the text shows everyone again. With the scanner detector on (the
//! default), a key reaches the search as it is read, before the detector has decided it is no scan; a
//! scan still checks in and leaves the search as it was, and fast typing ends as typed.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use super::app::tests::{customer, options, page};
use super::app::{App, Command, KeyRead, Msg, RequestId};
use super::screen_tests::{assert_has, screen};
use crate::model::Customer;

const LARGE: (u16, u16) = (160, 48);

fn key(c: char) -> Msg {
    key_code(KeyCode::Char(c))
}

fn key_code(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// The one search `commands` send: its request and text.
fn the_search(commands: &[Command]) -> (RequestId, String) {
    let mut searches = commands.iter().filter_map(|c| match c {
        Command::FetchCustomers { request, query } => Some((*request, query.search.clone())),
        _ => None,
    });
    let found = searches.next().unwrap_or_else(|| panic!("no search in {commands:?}"));
    assert!(searches.next().is_none(), "more than one search in {commands:?}");
    found
}

/// What the server would answer for `text`: customers named after it, as many as its length says
/// (so every prefix has its own count and first row).
fn answer_for(text: &str) -> (Vec<Customer>, u64) {
    let last = format!("{}{}", text[..1].to_uppercase(), &text[1..]);
    let rows: Vec<Customer> =
        (1..=3).map(|i| customer(i + 10 * text.len() as i64, &format!("Row{i}"), &last)).collect();
    (rows, 1000 / text.len() as u64)
}

/// The app with everyone listed (7 customers).
fn desk() -> App {
    let (w, h) = LARGE;
    let mut app = App::new(options(), Rect::new(0, 0, w, h));
    let (request, text) = the_search(&app.start());
    assert_eq!(text, "");
    let everyone: Vec<Customer> = (1..=7).map(|i| customer(i, &format!("Person{i}"), "Everyone")).collect();
    app.update(Msg::ListLoaded { request, result: Ok(page(everyone, 7, None)) });
    app
}

#[test]
fn each_prefix_typed_shows_its_own_results() {
    let mut app = desk();
    assert_has(&screen(&app), &["7 customers", "Everyone, Person1"]);
    for end in 1..="smith".len() {
        let prefix = &"smith"[..end];
        let typed = prefix.chars().last().unwrap_or_default();
        let (request, text) = the_search(&app.update(key(typed)));
        assert_eq!(text, prefix, "each key searches at once");
        let lines = screen(&app);
        assert_has(&lines, &[&format!("Search › {prefix}"), "searching…"]);
        let (rows, count) = answer_for(prefix);
        let first = format!("{}, {}", rows[0].last_name, rows[0].first_name);
        app.update(Msg::ListLoaded { request, result: Ok(page(rows, count, None)) });
        let lines = screen(&app);
        assert_has(&lines, &[&format!("{count} customers"), &format!("1 of {count}"), &first]);
        assert!(!lines.iter().any(|l| l.contains("Everyone")), "the unfiltered rows are gone:\n{}", lines.join("\n"));
    }
}

#[test]
fn an_older_answer_shows_until_the_newest_arrives_and_never_over_it() {
    let mut app = desk();
    let (s, _) = the_search(&app.update(key('s')));
    // Typed on before "s" answered: "smi" waits.
    assert!(app.update(key('m')).is_empty());
    assert!(app.update(key('i')).is_empty());
    let (rows, count) = answer_for("s");
    let next = app.update(Msg::ListLoaded { request: s, result: Ok(page(rows, count, None)) });
    let (smi, text) = the_search(&next);
    assert_eq!(text, "smi");
    let lines = screen(&app);
    assert_has(&lines, &["Search › smi", &format!("1 of {count}"), "S, Row1", "searching…"]);
    let (rows, count) = answer_for("smi");
    app.update(Msg::ListLoaded { request: smi, result: Ok(page(rows, count, None)) });
    assert_has(&screen(&app), &[&format!("{count} customers"), "Smi, Row1"]);
    // The older answer again (a duplicate, a late one): dropped, the newer rows stay.
    let (rows, old_count) = answer_for("s");
    app.update(Msg::ListLoaded { request: s, result: Ok(page(rows, old_count, None)) });
    let lines = screen(&app);
    assert_has(&lines, &[&format!("{count} customers"), "Smi, Row1"]);
    assert!(!lines.iter().any(|l| l.contains("S, Row1")), "{}", lines.join("\n"));
}

#[test]
fn clearing_the_search_shows_everyone_again() {
    let mut app = desk();
    let (request, _) = the_search(&app.update(key('z')));
    let (rows, count) = answer_for("z");
    app.update(Msg::ListLoaded { request, result: Ok(page(rows, count, None)) });
    let (request, text) = the_search(&app.update(Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL))));
    assert_eq!(text, "");
    let everyone: Vec<Customer> = (1..=7).map(|i| customer(i, &format!("Person{i}"), "Everyone")).collect();
    app.update(Msg::ListLoaded { request, result: Ok(page(everyone, 7, None)) });
    assert_has(&screen(&app), &["7 customers", "Everyone, Person1", "type a name, email, phone or barcode"]);
}

// ----- with the scanner detector on (the default: no prefix), keys come as the terminal reads them -----

fn read(app: &mut App, code: KeyCode, at: Instant) -> Vec<Command> {
    app.update(Msg::Read(KeyRead { key: KeyEvent::new(code, KeyModifiers::NONE), at }))
}

/// The detector's deadline fired: held keys are released as typing.
fn deadline(app: &mut App) -> Vec<Command> {
    let at = app.scanner_deadline().expect("keys are held");
    app.update(Msg::ScannerDeadline(at))
}

fn answer(app: &mut App, request: RequestId, text: &str) -> Vec<Command> {
    let (rows, count) = answer_for(text);
    app.update(Msg::ListLoaded { request, result: Ok(page(rows, count, None)) })
}

/// The screen shows `text`'s results (as `answer_for` makes them) and nobody else's.
fn shows_results_of(app: &App, text: &str) {
    let lines = screen(app);
    let (rows, count) = answer_for(text);
    let first = format!("{}, {}", rows[0].last_name, rows[0].first_name);
    assert_has(&lines, &[&format!(" of {count} "), &first]);
    assert!(!lines.iter().any(|l| l.contains("Everyone")), "{}", lines.join("\n"));
}

#[test]
fn a_person_typing_at_80_ms_a_key_sees_each_prefix_s_results_without_waiting_for_the_hold() {
    let mut app = desk();
    assert_eq!(app.scanner_deadline(), None);
    let t0 = Instant::now();
    for end in 1..="smith".len() {
        let prefix = &"smith"[..end];
        let c = prefix.chars().last().unwrap_or_default();
        let at = t0 + Duration::from_millis(80 * (end as u64 - 1));
        let (request, text) = the_search(&read(&mut app, KeyCode::Char(c), at));
        assert_eq!(text, prefix, "the key searches as it is read");
        assert!(app.scanner_deadline().is_some(), "the detector still holds it: it may start a scan");
        assert_has(&screen(&app), &[&format!("Search › {prefix}"), "searching…"]);
        answer(&mut app, request, prefix);
        shows_results_of(&app, prefix);
        // The hold ends (before the next key): the key is already typed, nothing changes or is sent.
        let released = deadline(&mut app);
        assert!(released.is_empty(), "{released:?}");
        assert_eq!(app.search.value(), prefix);
        shows_results_of(&app, prefix);
    }
}

#[test]
fn a_scan_into_the_search_bar_checks_in_and_leaves_the_search_as_it_was() {
    let mut app = desk();
    let t0 = Instant::now();
    for (i, c) in "an".chars().enumerate() {
        let at = t0 + Duration::from_millis(300 * i as u64);
        let (request, text) = the_search(&read(&mut app, KeyCode::Char(c), at));
        deadline(&mut app);
        answer(&mut app, request, &text);
    }
    shows_results_of(&app, "an");

    // The scanner: keys 5 ms apart, then Enter.
    let start = t0 + Duration::from_secs(2);
    let mut out = Vec::new();
    for (i, c) in "100042".chars().enumerate() {
        out.extend(read(&mut app, KeyCode::Char(c), start + Duration::from_millis(5 * i as u64)));
    }
    assert_has(&screen(&app), &["Search › an100042"]);
    out.extend(read(&mut app, KeyCode::Enter, start + Duration::from_millis(30)));
    assert!(
        out.iter().any(|c| matches!(c, Command::CheckIn { barcode, .. } if barcode == "100042")),
        "the scan checks in: {out:?}"
    );
    assert_eq!(app.search.value(), "an", "the scan leaves nothing in the search");
    assert_has(&screen(&app), &["100042"]);
    // The one search the burst sent ("an1") answers late: dropped, and "an" is not asked for again.
    let (an1, text) = the_search(&out);
    assert_eq!(text, "an1");
    let after = answer(&mut app, an1, "an1");
    assert!(!after.iter().any(|c| matches!(c, Command::FetchCustomers { .. })), "{after:?}");
    // Back on the desk: the search and the results as they were.
    app.update(key_code(KeyCode::Esc));
    let lines = screen(&app);
    assert_has(&lines, &["Search › an "]);
    assert!(!lines.iter().any(|l| l.contains("an1") || l.contains("100042")), "{}", lines.join("\n"));
    shows_results_of(&app, "an");
}

#[test]
fn fast_typing_that_is_no_scan_ends_with_exactly_the_typed_text() {
    let mut app = desk();
    let t0 = Instant::now();
    let mut out = Vec::new();
    for (i, c) in "smith".char_indices() {
        out.extend(read(&mut app, KeyCode::Char(c), t0 + Duration::from_millis(30 * i as u64)));
        assert_eq!(app.search.value(), &"smith"[..=i], "each key shown as it is read");
    }
    let (s, text) = the_search(&out);
    assert_eq!(text, "s", "the newest text waits for the answer in flight");
    // The pause: the detector decides they were typing; nothing is typed twice.
    let released = deadline(&mut app);
    assert!(released.is_empty(), "{released:?}");
    assert_eq!(app.search.value(), "smith");
    let (smith, text) = the_search(&answer(&mut app, s, "s"));
    assert_eq!(text, "smith");
    answer(&mut app, smith, "smith");
    assert_has(&screen(&app), &["Search › smith "]);
    shows_results_of(&app, "smith");
}
