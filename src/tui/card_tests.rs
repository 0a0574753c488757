//! The whole customer on the check-in card, drawn into `TestBackend` at 120x40 and 80x24: each
//! membership (name, status, end or renewal, where it is valid), each pass's uses, the waiver, the
//! last check-ins in the gym's time with their location, and a refusal that names a membership
//! valid only elsewhere beside Capitan's own sentence.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::civil::date;
use ratatui::layout::Rect;

use super::app::tests::options;
use super::app::{App, AppOptions, Command, Msg};
use super::check_in::{Details, Holdings, ScanOutcome};
use super::clock::Clock;
use super::desk_screen_tests::{ann, check_in};
use super::screen_tests::{assert_has, screen};
use crate::client::records::Location;
use crate::desk::Scan;
use crate::model::check_in::{CheckIn, NO_ENTRY_METHOD};
use crate::model::subrecords::{CustomerMembership, Document, EntryPass};

const SIZES: [(u16, u16); 2] = [(120, 40), (80, 24)];

/// An app at the Boulder desk (Denver time) on a computer set to Tokyo, after one scan answered.
fn scanned((w, h): (u16, u16), outcome: ScanOutcome) -> App {
    let tokyo = jiff::tz::TimeZone::get("Asia/Tokyo").unwrap();
    let clock = Clock::fixed("2026-11-26T05:16:00Z".parse().unwrap());
    let options = AppOptions { clock, time_zone: tokyo, location_id: Some(2), start_checking_in: true, ..options() };
    let mut app = App::new(options, Rect::new(0, 0, w, h));
    app.start();
    app.update(Msg::LocationsLoaded(Ok(vec![
        Location { id: 1, name: "Denver".into(), time_zone: "America/Denver".into(), ..Location::default() },
        Location { id: 2, name: "Boulder".into(), time_zone: "America/Denver".into(), ..Location::default() },
    ])));
    for c in "100042".chars() {
        app.update(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
    }
    let commands = app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    let Some(Command::CheckIn { request, .. }) = commands.first().cloned() else { panic!("{commands:?}") };
    let scan = Scan::new("100042", Some(2), "2026-11-26T05:16:00Z".parse().unwrap());
    app.update(Msg::ScanAnswered { request, scan: Some(scan), outcome });
    app
}

/// The words shown in one area of the screen in reading order, without borders or line breaks:
/// wrapped text reads whole.
fn flat(lines: &[String], area: Rect) -> String {
    let text: String = lines
        .iter()
        .skip(area.y as usize)
        .take(area.height as usize)
        .map(|l| l.chars().skip(area.x as usize).take(area.width as usize).collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .map(|c| if "│┃║".contains(c) { ' ' } else { c })
        .collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn full(app: &App) -> Rect {
    Rect::new(0, 0, app.size.width, app.size.height)
}

fn membership(name: &str, valid_at: &[(i64, &str)]) -> CustomerMembership {
    CustomerMembership {
        name: name.into(),
        status: "ACT".into(),
        start_date: Some(date(2026, 1, 31)),
        end_date: Some(date(2027, 1, 30)),
        valid_location_ids: valid_at.iter().map(|(id, _)| *id).collect(),
        valid_location_names: valid_at.iter().map(|(_, n)| n.to_string()).collect(),
        ..CustomerMembership::default()
    }
}

fn visit(id: i64, at: &str, location: &str) -> CheckIn {
    CheckIn {
        id,
        location_id: Some(if location == "Denver" { 1 } else { 2 }),
        location_name: location.into(),
        check_in_datetime: Some(at.parse().unwrap()),
        ..CheckIn::default()
    }
}

#[test]
fn the_card_shows_memberships_passes_the_waiver_and_the_last_check_ins_in_gym_time() {
    let holdings = Holdings {
        memberships: Some(vec![membership("Front Range Monthly", &[(2, "Boulder")])]),
        entry_passes: Some(vec![EntryPass {
            name: "10-Punch".into(),
            uses_total: 10,
            uses_remaining: 4,
            expiration_date: Some(date(2026, 12, 31)),
            ..EntryPass::default()
        }]),
        documents: Some(vec![Document {
            name: "Adult waiver".into(),
            expiration_date: Some(date(2026, 12, 7)),
            status: "ACT".into(),
            ..Document::default()
        }]),
    };
    // Check-in times come in the location's wall clock: 22:16 in Denver is 05:16 UTC, 14:16 in Tokyo.
    let recent = vec![
        visit(77, "2026-11-25T22:16:00", "Boulder"),
        visit(70, "2026-11-20T18:02:00", "Denver"),
        visit(60, "2026-11-18T07:45:00", "Boulder"),
    ];
    for size in SIZES {
        let details = Details {
            customer: Some(ann()),
            alerts: Some(vec![]),
            notes: Some(vec![]),
            recent_check_ins: Some(recent.clone()),
            holdings: Box::new(holdings.clone()),
            override_not_kept: false,
        };
        let app =
            scanned(size, ScanOutcome::CheckedIn { check_in: Box::new(check_in("Front Range Monthly")), details });
        let lines = screen(&app);
        let flat = flat(&lines, super::panes::check_in::areas(full(&app), &app).details);
        for expected in [
            "Membership: Front Range Monthly · active · since 2026-01-31 · ends 2027-01-30 · valid at Boulder",
            "Pass: 10-Punch · 4 of 10 uses left · expires 2026-12-31",
            "Waiver: Adult waiver · valid until 2026-12-07 (12 days left)",
            "Last check-ins:",
            "2026-11-25 22:16 Boulder",
            "2026-11-20 18:02 Denver",
        ] {
            assert!(flat.contains(expected), "{expected:?} not in {}", lines.join("\n"));
        }
        assert!(!flat.contains("14:16"), "not the computer's clock: {}", lines.join("\n"));
    }
}

/// A refused member whose memberships are loaded sees each once, with its
/// state: not a second "Membership: frozen" line from the customer's flags.
#[test]
fn loaded_memberships_are_not_summed_up_again_above_themselves() {
    for size in SIZES {
        let mut customer = ann();
        customer.has_active_membership = false;
        customer.has_frozen_membership = true;
        let frozen = CustomerMembership { status: "FRZ".into(), ..membership("Student Monthly", &[]) };
        let details = Details {
            customer: Some(customer),
            holdings: Box::new(Holdings {
                memberships: Some(vec![frozen]),
                entry_passes: Some(vec![]),
                documents: Some(vec![]),
            }),
            ..Details::default()
        };
        let app = scanned(size, ScanOutcome::Refused { status: 400, text: NO_ENTRY_METHOD.into(), details });
        let lines = screen(&app);
        let flat = flat(&lines, super::panes::check_in::areas(full(&app), &app).details);
        assert_eq!(flat.matches("Membership:").count(), 1, "{}", lines.join("\n"));
        assert!(flat.contains("Membership: Student Monthly"), "{}", lines.join("\n"));
    }
}

#[test]
fn a_refusal_names_the_membership_that_is_not_valid_here_beside_capitans_sentence() {
    for size in SIZES {
        let details = Details {
            customer: Some(ann()),
            holdings: Box::new(Holdings {
                memberships: Some(vec![membership("Denver Off-Peak", &[(1, "Denver")])]),
                entry_passes: Some(vec![]),
                documents: Some(vec![]),
            }),
            ..Details::default()
        };
        let app = scanned(size, ScanOutcome::Refused { status: 400, text: NO_ENTRY_METHOD.into(), details });
        let lines = screen(&app);
        assert_has(&lines, &["✖ REFUSED"]);
        // Capitan's sentence stays whole (it wraps; its words are all there), ours beside it.
        let flat = flat(&lines, super::panes::check_in::areas(full(&app), &app).banner);
        assert!(flat.contains(NO_ENTRY_METHOD), "{flat}");
        assert!(flat.contains("Denver Off-Peak is not valid at Boulder"), "{flat}");
    }
}

#[test]
fn the_profile_shows_memberships_passes_and_the_waiver_by_name() {
    for size in SIZES {
        let mut app = super::screen_tests::with_profile(size);
        let mut flat = String::new();
        for _ in 0..16 {
            let detail = app.areas().detail.expect("the profile is on screen");
            flat.push_str(&super::card_tests::flat(&screen(&app), detail));
            flat.push(' ');
            for _ in 0..6 {
                app.update(Msg::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE)));
            }
        }
        for expected in [
            "Memberships",
            "Denver Off-Peak · active · since 2026-01-31 · renews 2026-11-30 · valid at Denver",
            "10-Punch · 4 of 10 uses left · expires 2026-12-31",
            "Adult waiver · valid until 2026-11-28 (3 days left)",
            "2026-11-24 18:04 Main",
        ] {
            assert!(flat.contains(expected), "{expected:?} not in {flat}");
        }
    }
}
