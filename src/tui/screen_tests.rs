//! Whole screens drawn into ratatui's `TestBackend` at 80x24 and 160x48, in
//! every state staff meet: empty, loading, results, profile (with a
//! half-block photo), filters, error and the `?` overlay.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::civil::date;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::{Rect, Size};

use super::app::tests::{customer, options, page};
use super::app::{App, Command, Msg, Timer};
use crate::client::records::{Alert, CheckIn, EmergencyContact, Note};
use crate::client::{ClientError, SubCollection, SubRecords};
use crate::model::{CustomFieldValue, Customer, Gender};

const SMALL: (u16, u16) = (80, 24);
const LARGE: (u16, u16) = (160, 48);

pub(crate) fn screen(app: &App) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(app.size.width, app.size.height)).unwrap();
    terminal.draw(|f| super::view::draw(f, app)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    (0..buffer.area.height)
        .map(|y| (0..buffer.area.width).map(|x| buffer[(x, y)].symbol().to_string()).collect::<String>())
        .collect()
}

fn has(lines: &[String], text: &str) -> bool {
    lines.iter().any(|l| l.contains(text))
}

#[track_caller]
pub(crate) fn assert_has(lines: &[String], texts: &[&str]) {
    for text in texts {
        assert!(has(lines, text), "{text:?} not on screen:\n{}", lines.join("\n"));
    }
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ann() -> Customer {
    Customer {
        preferred_name: "Annie".into(),
        pronouns: "she/her".into(),
        gender: Some(Gender::Female),
        telephone: "303-555-0101".into(),
        address_street_1: "1 Crag Road".into(),
        address_city: "Boulder".into(),
        address_state: "CO".into(),
        address_postcode: "80302".into(),
        address_country: "US".into(),
        government_id: "123-45-6789".into(),
        barcode: "100042".into(),
        has_active_membership: true,
        active_waiver_exists: true,
        latest_waiver_expiration_date: Some(date(2026, 11, 28)),
        check_in_count: 41,
        has_medical_notes: true,
        tags: vec!["route setter".into(), "staff".into()],
        active_proficiency_names: vec!["Lead".into()],
        custom_field_values: vec![CustomFieldValue { field_id: 1, field_name: "Shoe size".into(), value: "42".into() }],
        ..customer(1, "Ann", "Smith")
    }
}

fn rows() -> Vec<Customer> {
    let mut out = vec![ann()];
    out.push(Customer { active_waiver_exists: false, has_frozen_membership: true, ..customer(2, "Ann", "Smyth") });
    out.extend((3..=40).map(|i| customer(i, &format!("Climber{i}"), "Jones")));
    out
}

fn app_at((w, h): (u16, u16)) -> App {
    App::new(options(), Rect::new(0, 0, w, h))
}

fn loaded((w, h): (u16, u16)) -> App {
    let mut app = app_at((w, h));
    let start = app.start();
    let Some(Command::FetchCustomers { request, .. }) = start.first().cloned() else { panic!() };
    app.update(Msg::ListLoaded { request, result: Ok(page(rows(), 123, Some("http://x/api/customers/?page=2"))) });
    app
}

/// Opens the profile and answers its sub-collections and photo.
pub(crate) fn with_profile(size: (u16, u16)) -> App {
    let mut app = loaded(size);
    app.update(key(KeyCode::Down));
    let mut commands = app.update(key(KeyCode::Enter));
    commands.extend(app.update(Msg::Timer { timer: Timer::Selection, generation: u64::MAX }));
    let subs = commands.iter().find_map(|c| match c {
        Command::FetchSubCollections { request, .. } => Some(*request),
        _ => None,
    });
    let subs = subs.expect("sub-collections requested");
    let answers = [
        (
            SubCollection::Alerts,
            Some(SubRecords::Alerts(vec![Alert { id: 1, message: "Owes a belay test".into(), ..Alert::default() }])),
        ),
        (
            SubCollection::Notes,
            Some(SubRecords::Notes(vec![Note {
                id: 1,
                note: "Prefers the north wall".into(),
                created_at: "2026-10-01T10:00:00Z".parse().ok(),
                ..Note::default()
            }])),
        ),
        (
            SubCollection::EmergencyContacts,
            Some(SubRecords::EmergencyContacts(vec![EmergencyContact {
                id: 1,
                first_name: "Bob".into(),
                last_name: "Smith".into(),
                telephone: "303-555-0199".into(),
                relation: "husband".into(),
                ..EmergencyContact::default()
            }])),
        ),
        (SubCollection::Relations, None),
        (
            SubCollection::Memberships,
            Some(SubRecords::Memberships(vec![crate::model::subrecords::CustomerMembership {
                name: "Denver Off-Peak".into(),
                status: "ACT".into(),
                start_date: Some(date(2026, 1, 31)),
                upcoming_bill_dates: vec![date(2026, 11, 30)],
                valid_location_ids: vec![1],
                valid_location_names: vec!["Denver".into()],
                ..Default::default()
            }])),
        ),
        (
            SubCollection::EntryPasses,
            Some(SubRecords::EntryPasses(vec![crate::model::subrecords::EntryPass {
                name: "10-Punch".into(),
                uses_total: 10,
                uses_remaining: 4,
                expiration_date: Some(date(2026, 12, 31)),
                ..Default::default()
            }])),
        ),
        (
            SubCollection::Documents,
            Some(SubRecords::Documents(vec![crate::model::subrecords::Document {
                name: "Adult waiver".into(),
                expiration_date: Some(date(2026, 11, 28)),
                status: "ACT".into(),
                ..Default::default()
            }])),
        ),
        (
            SubCollection::CheckIns,
            Some(SubRecords::CheckIns(
                vec![CheckIn {
                    id: 9,
                    check_in_datetime: Some(jiff::civil::datetime(2026, 11, 24, 18, 4, 0, 0)),
                    location_name: "Main".into(),
                    entry_method: "MEM".into(),
                    entry_method_description: "Monthly Membership".into(),
                    ..CheckIn::default()
                }],
                41,
            )),
        ),
    ];
    for (kind, result) in answers {
        app.update(Msg::SubLoaded { request: subs, kind, result: Ok(result) });
    }
    if let Some(Command::FetchPhoto { request, key }) =
        commands.iter().find(|c| matches!(c, Command::FetchPhoto { .. }))
    {
        let image = image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(64, 64, |x, y| {
            image::Rgb([(x * 4) as u8, (y * 4) as u8, 128])
        }));
        let photo = super::photo_view::encode_photo(
            &ratatui_image::picker::Picker::halfblocks(),
            image,
            Size::new(key.width, key.height),
        )
        .unwrap();
        app.update(Msg::PhotoLoaded { request: *request, key: key.clone(), result: Ok(photo) });
    }
    app
}

#[test]
fn before_the_first_answer_the_list_says_it_is_loading() {
    for size in [SMALL, LARGE] {
        let mut app = app_at(size);
        app.start();
        let lines = screen(&app);
        assert_has(&lines, &["Search ›", "Loading customers…", "loading customers…", "quit"]);
    }
}

#[test]
fn an_empty_answer_says_nothing_matches() {
    for size in [SMALL, LARGE] {
        let mut app = app_at(size);
        let start = app.start();
        let Some(Command::FetchCustomers { request, .. }) = start.first().cloned() else { panic!() };
        app.update(Msg::ListLoaded { request, result: Ok(page(vec![], 0, None)) });
        let lines = screen(&app);
        assert_has(&lines, &["No customer matches these filters.", "0 customers"]);
    }
}

#[test]
fn results_tell_look_alikes_apart() {
    let lines = screen(&loaded(SMALL));
    assert_has(
        &lines,
        &[
            "Customers · 1 of 123",
            "123 customers",
            "Smith, Ann (Annie)",
            "36 1990-05-17",
            "ann.smith@example.com",
            "member",
            "exp 11-28",
            "Smyth, Ann",
            "frozen",
            "no waiver",
        ],
    );
    assert_eq!(lines.len(), 24);
    let large = screen(&loaded(LARGE));
    // A large terminal shows more columns and the profile beside the list.
    assert_has(&large, &["Ann Smith “Annie”", "Identity and photo", "303-555-0101", "Loading"]);
}

#[test]
fn the_profile_shows_every_group_the_photo_and_the_sub_collections() {
    let small = screen(&with_profile(SMALL));
    assert_has(&small, &["Ann Smith “Annie”", "36 years", "Active membership", "⚠ 1 alert", "Medical notes on file"]);
    // Half-block photos draw with half-block characters.
    assert!(small.iter().take(12).any(|l| l.contains('▄')), "{}", small.join("\n"));
    // Everything the profile holds, page by page.
    let mut app = with_profile(LARGE);
    let mut seen = Vec::new();
    for _ in 0..4 {
        seen.extend(screen(&app));
        app.update(key(KeyCode::PageDown));
    }
    assert_has(
        &seen,
        &[
            "Alerts",
            "Owes a belay test",
            "Identity and photo",
            "•••••••6789",
            "Contact and address",
            "1 Crag Road",
            "Membership and passes",
            "Waiver",
            "2026-11-28",
            "Check-ins",
            "Most recent 1 of 41:",
            "2026-11-24 18:04  Main  Monthly Membership",
            "Notes",
            "Prefers the north wall",
            "Emergency contacts",
            "Bob Smith (husband)  303-555-0199",
            "Family and relations",
            "not offered by this server",
            "Tags",
            "route setter, staff",
            "Proficiencies",
            "Lead",
            "Custom fields",
            "Shoe size",
            "Record",
        ],
    );
}

#[test]
fn the_filter_pane_lists_every_filter_and_chips_show_what_is_on() {
    for size in [SMALL, LARGE] {
        let mut app = loaded(size);
        app.update(Msg::Key(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL)));
        app.update(key(KeyCode::Char(' ')));
        let lines = screen(&app);
        assert_has(
            &lines,
            &["Filters · 1 on", "Membership", "Active membership", "yes", "member yes ×", "ctrl-x clears all"],
        );
        app.update(key(KeyCode::Down));
        app.update(key(KeyCode::Enter));
        for c in "month".chars() {
            app.update(key(KeyCode::Char(c)));
        }
        assert_has(&screen(&app), &["month", "enter applies, esc cancels"]);
    }
    let mut large = loaded(LARGE);
    large.update(Msg::Key(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL)));
    for _ in 0..30 {
        large.update(key(KeyCode::Down));
    }
    assert_has(&screen(&large), &["Challenge id", "Tags (all of)"]);
}

#[test]
fn an_outage_shows_in_the_status_line_with_the_retry_key() {
    for size in [SMALL, LARGE] {
        let mut app = app_at(size);
        let start = app.start();
        let Some(Command::FetchCustomers { request, .. }) = start.first().cloned() else { panic!() };
        app.update(Msg::ListLoaded { request, result: Err(ClientError::Offline("connection failed".into())) });
        let lines = screen(&app);
        assert_has(
            &lines,
            &["Offline: Cannot reach the server (connection failed)", "ctrl-r retry", "Press ctrl-r to try again."],
        );
    }
}

#[test]
fn the_help_overlay_lists_the_keys_from_the_table() {
    for size in [SMALL, LARGE] {
        let mut app = loaded(size);
        app.update(key(KeyCode::F(1)));
        let lines = screen(&app);
        assert_has(&lines, &["Keys · esc closes", "Everywhere", "ctrl-c, ctrl-q", "Quit", "Show or hide the filters"]);
    }
    let mut app = loaded(SMALL);
    app.update(key(KeyCode::F(1)));
    for _ in 0..200 {
        app.update(key(KeyCode::Down));
    }
    assert_has(&screen(&app), &["Backspace on an empty search removes the last filter chip."]);
}

#[test]
fn the_footer_follows_the_focus() {
    let mut app = loaded(SMALL);
    assert_has(&screen(&app), &["ctrl-f filters", "ctrl-u clear"]);
    app.update(key(KeyCode::Down));
    assert_has(&screen(&app), &["enter open", "end last", "esc back"]);
    app.update(key(KeyCode::Enter));
    assert_has(&screen(&app), &["f4 edit", "ctrl-p photo"]);
}

#[test]
fn without_colour_the_selection_still_shows() {
    let app = loaded(SMALL);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| super::view::draw(f, &app)).unwrap();
    let buffer = terminal.backend().buffer();
    let selected_row =
        (0..24).find(|&y| (0..80).map(|x| buffer[(x, y)].symbol()).collect::<String>().contains("Smith, Ann")).unwrap();
    let cell = &buffer[(2, selected_row)];
    assert_eq!(cell.fg, ratatui::style::Color::Reset, "monochrome draws no colours");
    assert!(cell.modifier.contains(ratatui::style::Modifier::REVERSED));
}

/// Prints the screens, for a person to look at: `cargo test --lib print_screens -- --ignored --nocapture`.
#[test]
#[ignore]
fn print_screens() {
    for size in [SMALL, LARGE] {
        for lines in [screen(&loaded(size)), screen(&with_profile(size))] {
            println!("{}\n", lines.join("\n"));
        }
    }
}
