//! Search as you type, drawn into `TestBackend` at 160x48: each prefix typed shows its own results
//! (the pane's count and first rows), an older text's answer shows while a newer one is on its way
//! and never over it, and clearing the text shows everyone again.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use super::app::tests::{customer, options, page};
use super::app::{App, Command, Msg, RequestId};
use super::screen_tests::{assert_has, screen};
use crate::model::Customer;

const LARGE: (u16, u16) = (160, 48);

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
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
