//! The gym's clock: every date and time the app shows or reasons with is in the desk location's
//! zone from `/api/gyms/`, never the computer's, and "today" follows an injected clock across
//! local midnight. The app's fallback zone here is Tokyo (the computer "set elsewhere"); the gym
//! is in Denver.

use std::sync::{Arc, Mutex};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;
use jiff::civil::date;
use ratatui::layout::Rect;

use super::app::tests::{customer, options, page};
use super::app::{App, AppOptions, Command, Msg};
use super::check_in::ScanOutcome;
use super::clock::Clock;
use super::desk_screen_tests::{ann, check_in, details};
use super::screen_tests::{assert_has, screen};
use crate::client::records::Location;
use crate::desk::Scan;
use crate::model::Customer;

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// An app whose clock the test moves, with Tokyo as the computer's zone, told its desk is Boulder
/// (Denver time).
fn at_the_desk(now: &Arc<Mutex<Timestamp>>, checking_in: bool) -> (App, Vec<Command>) {
    let clock = {
        let now = now.clone();
        Clock::from_fn(move || *now.lock().unwrap())
    };
    let tokyo = jiff::tz::TimeZone::get("Asia/Tokyo").unwrap();
    let options =
        AppOptions { clock, time_zone: tokyo, location_id: Some(2), start_checking_in: checking_in, ..options() };
    let mut app = App::new(options, Rect::new(0, 0, 120, 40));
    let start = app.start();
    assert!(start.contains(&Command::FetchLocations));
    let gyms = vec![
        Location { id: 1, name: "Denver".into(), time_zone: "America/Denver".into(), ..Location::default() },
        Location { id: 2, name: "Boulder".into(), time_zone: "America/Denver".into(), ..Location::default() },
    ];
    app.update(Msg::LocationsLoaded(Ok(gyms)));
    (app, start)
}

#[test]
fn today_ages_and_countdowns_follow_the_gyms_midnight_not_the_computers() {
    // 06:59 UTC on 26 November: 23:59 on the 25th in Denver, already 15:59 on the 26th in Tokyo.
    let now = Arc::new(Mutex::new(at("2026-11-26T06:59:00Z")));
    let (mut app, start) = at_the_desk(&now, false);
    assert_eq!(app.desk_location.as_ref().unwrap().name, "Boulder");
    assert_eq!(app.today, date(2026, 11, 25), "the gym's date, not Tokyo's");
    assert_eq!(app.until_next_day(), std::time::Duration::from_secs(60));
    let birthday_tomorrow = Customer {
        birthday: Some(date(2000, 11, 26)),
        active_waiver_exists: true,
        latest_waiver_expiration_date: Some(date(2026, 11, 26)),
        ..customer(1, "Ann", "Smith")
    };
    let Some(Command::FetchCustomers { request, .. }) = start.first().cloned() else { panic!() };
    app.update(Msg::ListLoaded { request, result: Ok(page(vec![birthday_tomorrow], 1, None)) });
    assert_has(&screen(&app), &["25 2000-11-26", "exp 11-26"]);

    // Local midnight passes: the runtime's wake-up (a tick) is enough for everything to move on.
    *now.lock().unwrap() = at("2026-11-26T07:01:00Z");
    app.update(Msg::Tick);
    assert_eq!(app.today, date(2026, 11, 26));
    assert_has(&screen(&app), &["26 2000-11-26"]);
}

#[test]
fn the_today_list_shows_the_gyms_time_and_starts_empty_at_its_midnight() {
    let now = Arc::new(Mutex::new(at("2026-11-26T05:16:00Z")));
    let (mut app, _) = at_the_desk(&now, true);
    for c in "100042".chars() {
        app.update(key(KeyCode::Char(c)));
    }
    let commands = app.update(key(KeyCode::Enter));
    let Some(Command::CheckIn { request, .. }) = commands.first().cloned() else { panic!("{commands:?}") };
    let expiring = Customer { latest_waiver_expiration_date: Some(date(2026, 11, 28)), ..ann() };
    let outcome = ScanOutcome::CheckedIn {
        check_in: Box::new(check_in("Monthly Membership")),
        details: details(expiring, vec![], vec![]),
    };
    let scan = Scan::new("100042", Some(2), at("2026-11-26T05:16:00Z"));
    app.update(Msg::ScanAnswered { request, scan: Some(scan), outcome });
    let lines = screen(&app);
    // 22:16 in Denver (14:16 in Tokyo, 05:16 UTC), and the waiver counted from Denver's date.
    assert_has(&lines, &["22:16 ✔ in", "Today · 1 scan", "Waiver expires in 3 days", "Checking in at Boulder"]);
    assert!(!lines.join("\n").contains("14:16"), "{}", lines.join("\n"));

    *now.lock().unwrap() = at("2026-11-26T07:00:00Z");
    app.update(Msg::Tick);
    let lines = screen(&app);
    assert_has(&lines, &["Today · 0 scans", "No scans yet."]);
}
