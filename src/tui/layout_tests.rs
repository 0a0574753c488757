//! The desk at every size a desk terminal has (80x24, 100x30, 120x40, 160x48), drawn into
//! `TestBackend`: whole 30-character names in the results, and no text that carries meaning (a
//! refusal, a key hint, a question) cut: it wraps, or its pane gives it the room.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

use super::app::tests::{customer, loaded};
use super::app::{App, AppOptions, Msg};
use super::check_in::ScanOutcome;
use super::desk_screen_tests::{ann, answered, checking_in, details};
use super::keymap::KeyContext;
use super::screen_tests::{assert_has, screen};
use crate::client::records::Alert;
use crate::model::Customer;
use crate::model::check_in::{NO_ENTRY_METHOD, blocking_alert_message};

const SIZES: [(u16, u16); 4] = [(80, 24), (100, 30), (120, 40), (160, 48)];

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// The text inside `rect`, its rows joined and spaces collapsed (so wrapped text reads whole).
fn region(app: &App, rect: Rect) -> String {
    let mut terminal = Terminal::new(TestBackend::new(app.size.width, app.size.height)).unwrap();
    terminal.draw(|f| super::view::draw(f, app)).unwrap();
    let buffer = terminal.backend().buffer();
    let text: Vec<String> = (rect.y..rect.bottom())
        .map(|y| (rect.x..rect.right()).map(|x| buffer[(x, y)].symbol().to_string()).collect())
        .collect();
    text.join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
}

#[track_caller]
fn assert_whole(app: &App, rect: Rect, text: &str) {
    let shown = region(app, rect);
    let want = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(shown.contains(&want), "{want:?} is not whole in {rect:?}:\n{}", screen(app).join("\n"));
}

/// Look-alikes whose "Last, First" is 29 and 30 characters, differing only at the end.
fn long_names() -> Vec<Customer> {
    let mut rows = vec![
        Customer { preferred_name: "Liv".into(), ..customer(1, "Olivia", "Campbell-Featherstone") },
        customer(2, "Olivier", "Campbell-Featherstone"),
        customer(3, "Oliviana", "Campbell-Featherston"),
        Customer { telephone: "303-555-0101".into(), ..customer(4, "Ann", "Baker") },
    ];
    for id in 5..60 {
        rows.push(customer(id, "Maximiliane", &format!("Vandenberghe-Oy{id:02}")));
    }
    rows
}

#[test]
fn every_desk_size_shows_whole_thirty_character_names_in_list_and_beside_the_profile() {
    for (w, h) in SIZES {
        let mut app = loaded(w, h, long_names(), None);
        let names =
            ["Campbell-Featherstone, Olivia", "Campbell-Featherstone, Olivier", "Campbell-Featherston, Oliviana"];
        assert!(names.iter().all(|n| n.chars().count() >= 29));
        assert_has(&screen(&app), &names);
        assert_has(&screen(&app), &["Vandenberghe-Oy05, Maximiliane", "Age"]);
        // Into the list and the profile: beside it (wide) or in front of it (narrow), the list
        // keeps whole names.
        app.update(key(KeyCode::Down));
        assert_has(&screen(&app), &names);
        app.update(key(KeyCode::Enter));
        if w >= super::layout::WIDE {
            assert_has(&screen(&app), &names);
        }
    }
}

#[test]
fn the_footer_and_the_status_wrap_instead_of_cutting_at_every_size() {
    for (w, h) in SIZES {
        let mut app = loaded(w, h, long_names(), None);
        let mut seen = Vec::new();
        for step in [None, Some(key(KeyCode::Down)), Some(key(KeyCode::Enter)), Some(key(KeyCode::F(2)))] {
            if let Some(msg) = step {
                app.update(msg);
            }
            let context = app.key_context();
            seen.push(context);
            let areas = app.areas();
            for (keys, words) in app.keymap.footer(context) {
                assert_whole(&app, areas.footer, &format!("{keys} {words}"));
            }
        }
        assert_eq!(seen, [KeyContext::Search, KeyContext::Results, KeyContext::Detail, KeyContext::Filters]);
        // The filters' footer at 80 columns keeps its last hints (finding: "esc back / f1 keys" lost).
        let areas = app.areas();
        assert_whole(&app, areas.footer, "esc back");
        assert_whole(&app, areas.footer, "f1 keys");

        // The quit question, with every reason, reads whole.
        let mut demo =
            App::new(AppOptions { stops_server: true, ..super::app::tests::options() }, Rect::new(0, 0, w, h));
        demo.check_in.queued = 3;
        demo.update(Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)));
        let question = format!("{} Quit anyway? y yes · n or esc no", demo.quit_question.clone().unwrap());
        assert_whole(&demo, demo.areas().status, &question);
    }
}

#[test]
fn the_longest_refusals_and_the_scan_hint_wrap_whole_at_every_size() {
    let banned = "Do not admit: banned after repeated unsafe belaying, call the duty manager and see the manager";
    for size in SIZES {
        let app = checking_in(size);
        let areas = super::panes::check_in::areas(app.size, &app);
        let hint_area = Rect { x: areas.photo.x, width: areas.details.right() - areas.photo.x, ..areas.photo };
        assert_whole(
            &app,
            hint_area,
            "Scan a key tag (or type its code and Enter). A scan anywhere in the app lands here.",
        );
        for text in [blocking_alert_message(banned), NO_ENTRY_METHOD.to_string()] {
            let outcome = ScanOutcome::Refused {
                status: 400,
                text: text.clone(),
                details: details(
                    ann(),
                    vec![Alert { message: banned.into(), prevents_check_in: true, ..Alert::default() }],
                    vec![],
                ),
            };
            let app = answered(size, outcome);
            let banner = super::panes::check_in::areas(app.size, &app).banner;
            assert_whole(&app, banner, &text);
            assert_whole(&app, banner, "✖ REFUSED");
            for (keys, words) in app.keymap.footer(app.key_context()) {
                assert_whole(&app, super::panes::check_in::areas(app.size, &app).footer, &format!("{keys} {words}"));
            }
        }
    }
}

/// Prints the screens, for a person to look at: `cargo test --lib print_desk_sizes -- --ignored --nocapture`.
#[test]
#[ignore]
fn print_desk_sizes() {
    for size in SIZES {
        let mut app = loaded(size.0, size.1, long_names(), None);
        app.update(key(KeyCode::Down));
        app.update(key(KeyCode::Enter));
        println!("{}\n", screen(&app).join("\n"));
        let refused = ScanOutcome::Refused {
            status: 400,
            text: blocking_alert_message("Do not admit: banned after repeated unsafe belaying, see the manager"),
            details: details(ann(), vec![], vec![]),
        };
        println!("{}\n", screen(&answered(size, refused)).join("\n"));
    }
}
