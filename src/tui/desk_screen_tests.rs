//! The desk's new screens drawn into `TestBackend` at 80x24 and 160x48: the check-in screen for each
//! verdict (green, yellow, red, queued, lookup), the undo question, the edit form with its problems, the
//! changed-on-the-server choice, and the new photo screen.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::civil::date;
use ratatui::layout::{Rect, Size};
use ratatui::style::Color;

use super::app::tests::{customer, options};
use super::app::{App, AppOptions, Bells, Command, Msg, PreparedUpload};
use super::check_in::{Details, ScanOutcome};
use super::screen_tests::{assert_has, screen};
use super::theme::Theme;
use crate::client::records::{Alert, Note};
use crate::desk::Scan;
use crate::model::Customer;
use crate::model::check_in::{BarcodeCheckIn, NO_ENTRY_METHOD, blocking_alert_message};

const SMALL: (u16, u16) = (80, 24);
const LARGE: (u16, u16) = (160, 48);
pub(crate) const SMALL_SIZE: (u16, u16) = SMALL;
pub(crate) const LARGE_SIZE: (u16, u16) = LARGE;

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

pub(crate) fn checking_in((w, h): (u16, u16)) -> App {
    checking_in_with(Rect::new(0, 0, w, h), options().theme)
}

fn checking_in_with(size: Rect, theme: Theme) -> App {
    let bells = Bells { checked_in: 1, refused: 3, gap: Duration::from_millis(180) };
    App::new(AppOptions { start_checking_in: true, bells, theme, ..options() }, size)
}

pub(crate) fn ann() -> Customer {
    Customer {
        preferred_name: "Annie".into(),
        pronouns: "she/her".into(),
        barcode: "100042".into(),
        has_active_membership: true,
        active_waiver_exists: true,
        latest_waiver_expiration_date: Some(date(2027, 6, 1)),
        check_in_count: 41,
        ..customer(1, "Ann", "Smith")
    }
}

pub(crate) fn check_in(description: &str) -> BarcodeCheckIn {
    BarcodeCheckIn {
        id: 77,
        customer_id: 1,
        customer_first_name: "Ann".into(),
        customer_last_name: "Smith".into(),
        entry_method: "MEM".into(),
        entry_method_description: description.into(),
        milestones: String::new(),
        check_in_count: 42,
        ..BarcodeCheckIn::default()
    }
}

/// The app after one scan of `100042` answered with `outcome`.
pub(crate) fn answered(size: (u16, u16), outcome: ScanOutcome) -> App {
    answered_in(checking_in(size), outcome)
}

fn answered_in(mut app: App, outcome: ScanOutcome) -> App {
    for c in "100042".chars() {
        app.update(key(KeyCode::Char(c)));
    }
    let commands = app.update(key(KeyCode::Enter));
    let Some(Command::CheckIn { request, .. }) = commands.first().cloned() else { panic!("{commands:?}") };
    let scan = Scan::new("100042", None, "2026-11-25T18:04:00Z".parse().unwrap());
    app.update(Msg::ScanAnswered { request, scan: Some(scan), outcome });
    app
}

pub(crate) fn details(customer: Customer, alerts: Vec<Alert>, notes: Vec<Note>) -> Details {
    Details { customer: Some(customer), alerts: Some(alerts), notes: Some(notes), ..Details::default() }
}

/// The banner's background colour, in colour, on the row where `text` is.
fn banner_colour(outcome: ScanOutcome, text: &str) -> Color {
    let app = answered_in(checking_in_with(Rect::new(0, 0, 80, 24), Theme::default()), outcome);
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| super::view::draw(f, &app)).unwrap();
    let buffer = terminal.backend().buffer();
    let row = (0..buffer.area.height)
        .find(|&y| (0..buffer.area.width).map(|x| buffer[(x, y)].symbol()).collect::<String>().contains(text))
        .unwrap_or_else(|| panic!("{text:?} not on screen"));
    buffer[(1, row)].bg
}

#[test]
fn green_fills_the_width_with_who_and_how_they_got_in() {
    let green = || ScanOutcome::CheckedIn {
        check_in: Box::new(check_in("Monthly Membership")),
        details: details(ann(), vec![], vec![]),
    };
    for size in [SMALL, LARGE] {
        let app = answered(size, green());
        let lines = screen(&app);
        assert_has(
            &lines,
            &[
                "Scan › ready for the next scan",
                "✔ IN   Ann Smith “Annie”",
                "Monthly Membership",
                "Ann Smith “Annie” · she/her",
                "36 years · born 1990-05-17",
                "Entry: Monthly Membership",
                "Waiver: valid until 2027-06-01",
                "Check-in number 42",
                "Today · 1 scan",
                "18:04 ✔ in",
                "ctrl-z undo",
            ],
        );
        assert_eq!(lines.len(), size.1 as usize);
    }
    assert_eq!(banner_colour(green(), "✔ IN"), Color::Green);
}

#[test]
fn yellow_says_what_to_notice() {
    let yellow = || {
        let minor = Customer {
            birthday: Some(date(2008, 12, 10)),
            latest_waiver_expiration_date: Some(date(2026, 11, 28)),
            has_medical_notes: true,
            profile_image: None,
            profile_image_small: None,
            ..ann()
        };
        ScanOutcome::CheckedIn {
            check_in: Box::new(check_in("10-Punch Pass (0 remaining)")),
            details: details(
                minor,
                vec![Alert { message: "Owes a belay test".into(), ..Alert::default() }],
                vec![Note { note: "Lent shoes".into(), ..Note::default() }],
            ),
        }
    };
    for size in [SMALL, LARGE] {
        let lines = screen(&answered(size, yellow()));
        assert_has(
            &lines,
            &["✔ ! IN", "LOOK: Waiver expires in 3 days", "MINOR", "⚠ Owes a belay test", "No photo", "on file"],
        );
        if size == LARGE {
            assert_has(
                &lines,
                &[
                    "Last use of the pass",
                    "Turns 18 in 15 days",
                    "0 uses left",
                    "✎ Lent shoes",
                    "✚ Medical notes on file",
                ],
            );
        }
    }
    assert_eq!(banner_colour(yellow(), "✔ ! IN"), Color::Yellow);
}

#[test]
fn red_shows_capitans_text_and_who_was_refused() {
    let red = || {
        let no_waiver =
            Customer { active_waiver_exists: false, latest_waiver_expiration_date: Some(date(2026, 1, 2)), ..ann() };
        let text = blocking_alert_message("No waiver");
        ScanOutcome::Refused { status: 400, text, details: details(no_waiver, vec![], vec![]) }
    };
    assert_eq!(banner_colour(red(), "✖ REFUSED"), Color::Red);
    for size in [SMALL, LARGE] {
        let lines = screen(&answered(size, red()));
        assert_has(
            &lines,
            &["✖ REFUSED   Ann Smith", "The following alert is preventing you", "Waiver: expired 2026-01-02"],
        );
        let unknown = answered(
            size,
            ScanOutcome::Refused { status: 400, text: NO_ENTRY_METHOD.into(), details: Details::default() },
        );
        assert_has(&screen(&unknown), &["barcode 100042", "You do not have an available entry method", "✖ refused"]);
    }
}

#[test]
fn queued_and_lookup_verdicts_read_plainly() {
    for size in [SMALL, LARGE] {
        let app = answered(size, ScanOutcome::Queued { reason: "connection failed".into() });
        assert_has(
            &screen(&app),
            &["◷ QUEUED", "Server unreachable (connection failed)", "◷ 1 queued", "◷ queued", "waiting for the server"],
        );
        let mut lookup = checking_in(size);
        lookup.update(ctrl('l'));
        for c in "100042".chars() {
            lookup.update(key(KeyCode::Char(c)));
        }
        let commands = lookup.update(key(KeyCode::Enter));
        let Some(Command::LookUp { request, .. }) = commands.first().cloned() else { panic!("{commands:?}") };
        lookup.update(Msg::ScanAnswered {
            request,
            scan: None,
            outcome: ScanOutcome::Found { details: details(ann(), vec![], vec![]) },
        });
        assert_has(&screen(&lookup), &["LOOKUP MODE", "• LOOKUP   Ann Smith", "Not checked in", "No scans yet."]);
    }
}

#[test]
fn undo_asks_in_a_box_over_the_screen() {
    for size in [SMALL, LARGE] {
        let mut app = answered(
            size,
            ScanOutcome::CheckedIn {
                check_in: Box::new(check_in("Monthly Membership")),
                details: details(ann(), vec![], vec![]),
            },
        );
        app.update(ctrl('z'));
        assert_has(&screen(&app), &["Undo check-in?", "Void the check-in of Ann Smith?", "y undoes it · n keeps it"]);
    }
}

#[test]
fn the_form_shows_each_field_its_problem_and_masks_the_government_id() {
    for size in [SMALL, LARGE] {
        let mut app = super::app::tests::loaded(
            size.0,
            size.1,
            vec![Customer { government_id: "123-45-6789".into(), gender: Some(crate::model::Gender::Female), ..ann() }],
            None,
        );
        app.update(key(KeyCode::Down));
        app.update(key(KeyCode::F(4)));
        app.update(ctrl('u'));
        for c in "ann@".chars() {
            app.update(key(KeyCode::Char(c)));
        }
        let lines = screen(&app);
        assert_has(
            &lines,
            &["Edit Ann Smith", "● Email *", "ann@", "✖ Enter a valid email address.", "First name *", "ctrl-s save"],
        );
        for _ in 0..13 {
            app.update(key(KeyCode::Tab));
        }
        let lines = screen(&app);
        assert_has(&lines, &["Government id", "•••••••6789", "‹ Female ›", "Space or ←/→ changes the choice"]);
        assert!(!lines.iter().any(|l| l.contains("123-45")), "{}", lines.join("\n"));
    }
}

#[test]
fn a_change_on_the_server_is_laid_out_side_by_side() {
    for size in [SMALL, LARGE] {
        let mut app = super::app::tests::loaded(size.0, size.1, vec![ann()], None);
        app.update(key(KeyCode::Down));
        app.update(key(KeyCode::F(4)));
        for _ in 0..12 {
            app.update(key(KeyCode::Tab));
        }
        for c in "111".chars() {
            app.update(key(KeyCode::Char(c)));
        }
        let check = app.update(ctrl('s'));
        let Some(Command::FetchCustomer { request, .. }) = check.first().cloned() else { panic!("{check:?}") };
        let theirs = Customer { telephone: "222".into(), ..ann() };
        app.update(Msg::CustomerLoaded { request, result: Ok(theirs) });
        assert_has(
            &screen(&app),
            &[
                "Changed on the server since you opened",
                "Before",
                "On the server",
                "Telephone",
                "222",
                "111",
                "k  keep yours",
                "t  take theirs",
            ],
        );
    }
}

#[test]
fn the_new_photo_screen_shows_the_stored_square_and_the_sizes() {
    for size in [SMALL, LARGE] {
        let mut app = super::app::tests::loaded(size.0, size.1, vec![ann()], None);
        app.update(key(KeyCode::Down));
        app.update(key(KeyCode::Enter));
        app.update(ctrl('p'));
        for c in "/tmp/ann.jpg".chars() {
            app.update(key(KeyCode::Char(c)));
        }
        let commands = app.update(key(KeyCode::Enter));
        let Some(Command::PreparePhoto { request, width, height, .. }) = commands.first().cloned() else {
            panic!("{commands:?}")
        };
        let image = image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(512, 512, |x, y| {
            image::Rgb([(x / 2) as u8, (y / 2) as u8, 90])
        }));
        let preview = super::photo_view::encode_photo(
            &ratatui_image::picker::Picker::halfblocks(),
            image,
            Size::new(width, height),
        )
        .unwrap();
        let prepared = PreparedUpload {
            path: "/tmp/ann.jpg".into(),
            jpeg: std::sync::Arc::new(vec![0; 48 * 1024]),
            original_bytes: 3 * 1024 * 1024 + 300 * 1024,
            preview: Some(preview),
        };
        app.update(Msg::PhotoPrepared { request, result: Ok(prepared) });
        let lines = screen(&app);
        assert_has(
            &lines,
            &[
                "New photo for Ann Smith",
                "File › /tmp/ann.jpg",
                "as it will be stored",
                "3.3 MB",
                "512×512 JPEG, 48 KB",
                "ctrl-s uploads",
            ],
        );
        assert!(lines.iter().any(|l| l.contains('▄')), "the preview is drawn:\n{}", lines.join("\n"));
        let upload = app.update(ctrl('s'));
        let Some(Command::UploadPhoto { request, .. }) = upload.first().cloned() else { panic!("{upload:?}") };
        app.update(Msg::UploadProgress { request, sent: 16 * 1024, total: 48 * 1024 });
        assert_has(&screen(&app), &["Uploading", "33%"]);
    }
}

/// Prints the screens, for a person to look at:
/// `cargo test --lib print_desk_screens -- --ignored --nocapture`.
#[test]
#[ignore]
fn print_desk_screens() {
    for size in [SMALL, LARGE] {
        let app = answered(
            size,
            ScanOutcome::CheckedIn {
                check_in: Box::new(check_in("10-Punch Pass (0 remaining)")),
                details: details(
                    Customer { birthday: Some(date(2008, 12, 10)), has_medical_notes: true, ..ann() },
                    vec![Alert { message: "Owes a belay test".into(), ..Alert::default() }],
                    vec![Note { note: "Lent shoes".into(), ..Note::default() }],
                ),
            },
        );
        println!("{}\n", screen(&app).join("\n"));
        let mut form = super::app::tests::loaded(size.0, size.1, vec![ann()], None);
        form.update(key(KeyCode::Down));
        form.update(key(KeyCode::F(4)));
        form.update(ctrl('u'));
        for c in "ann@".chars() {
            form.update(key(KeyCode::Char(c)));
        }
        println!("{}\n", screen(&form).join("\n"));
        for _ in 0..12 {
            form.update(key(KeyCode::Tab));
        }
        form.update(ctrl('u'));
        form.update(key(KeyCode::Char('1')));
        for _ in 0..12 {
            form.update(key(KeyCode::Up));
        }
        for c in "example.com".chars() {
            form.update(key(KeyCode::Char(c)));
        }
        let check = form.update(ctrl('s'));
        if let Some(Command::FetchCustomer { request, .. }) = check.first().cloned() {
            let theirs = Customer { telephone: "222".into(), address_city: "Boulder".into(), ..ann() };
            form.update(Msg::CustomerLoaded { request, result: Ok(theirs) });
        }
        println!("{}\n", screen(&form).join("\n"));
    }
}

/// The small ones: the unknown key tag names the walk-in key, lookup mode's footer says what Enter
/// does there, a walk-in's home is the desk's location, one pass reads "1 entry pass", and the two
/// "active membership" filters say that one replaces the other.
#[test]
fn the_small_things_read_right() {
    use crate::client::records::Location;
    use crate::model::check_in::UNKNOWN_ACCOUNT;
    for size in [SMALL, LARGE] {
        let unknown = answered(
            size,
            ScanOutcome::Refused { status: 404, text: UNKNOWN_ACCOUNT.into(), details: Details::default() },
        );
        assert_has(&screen(&unknown), &["ctrl-n: a new customer (a walk-in) with barcode 100042"]);
        let mut lookup = checking_in(size);
        lookup.update(ctrl('l'));
        assert_has(&screen(&lookup), &["enter look up (no check-in)"]);
    }
    // A walk-in at Boulder's desk lives at Boulder unless staff change it.
    let mut app = checking_in(SMALL);
    let boulder = Location { id: 2, name: "Boulder".into(), ..Location::default() };
    app.update(Msg::LocationsLoaded(Ok(vec![Location { id: 1, ..Location::default() }, boulder])));
    let mut at_boulder = App::new(AppOptions { location_id: Some(2), start_checking_in: true, ..options() }, app.size);
    at_boulder.update(Msg::LocationsLoaded(Ok(app.locations.clone())));
    at_boulder.update(ctrl('n'));
    let form = at_boulder.editor.form.as_ref().expect("the walk-in form");
    assert_eq!(form.field("home_location_id").unwrap().value(), "2");
    assert!(!form.is_dirty(), "an untouched walk-in form has nothing to lose");

    let one_pass = Customer { number_of_available_entry_passes: 1, ..customer(1, "Ann", "Smith") };
    let mut desk = super::app::tests::loaded(SMALL.0, SMALL.1, vec![one_pass], None);
    desk.update(key(KeyCode::Down));
    desk.update(key(KeyCode::Enter));
    let lines = screen(&desk);
    assert_has(&lines, &["1 entry pass"]);
    assert!(!lines.join("\n").contains("1 entry passes"));

    // Active membership = yes, then a name: the second replaces the first, and says so.
    let mut filters = super::app::tests::loaded(SMALL.0, SMALL.1, vec![customer(1, "Ann", "Smith")], None);
    filters.update(ctrl('f'));
    filters.update(key(KeyCode::Char(' ')));
    filters.update(key(KeyCode::Down));
    filters.update(key(KeyCode::Enter));
    for c in "Monthly".chars() {
        filters.update(key(KeyCode::Char(c)));
    }
    filters.update(key(KeyCode::Enter));
    assert_has(&screen(&filters), &["replaces \"Active membership\""]);
}

#[test]
fn a_long_alert_and_note_on_the_card_wrap_and_keep_their_last_words() {
    let long = || {
        let alert = "Owes a belay test before using the lead wall: ask the duty manager to sign it off today";
        let note = "Prefers to be called by their preferred name; lent a harness and shoes on Tuesday, returned both";
        ScanOutcome::CheckedIn {
            check_in: Box::new(check_in("Monthly Membership")),
            details: details(
                ann(),
                vec![Alert { message: alert.into(), ..Alert::default() }],
                vec![Note { note: note.into(), ..Note::default() }],
            ),
        }
    };
    let lines = screen(&answered((120, 40), long()));
    assert_has(&lines, &["sign it off today", "returned both"]);
    for line in lines.iter().filter(|l| l.contains('⚠') || l.contains('✎')) {
        assert!(!line.contains('…'), "an alert or note is cut on the card: {line}");
    }
}
