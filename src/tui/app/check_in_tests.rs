//! The check-in screen through `App::update`: scans from the scanner anywhere, verdicts and bells,
//! lookups, undo, and the queue of offline scans.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent};

use super::tests::{ctrl, customer, key, loaded, options, typed};
use super::*;
use crate::desk::{Answer, DrainReport, JournalEntry, Scan, ScanState};
use crate::model::check_in::{BarcodeCheckIn, NO_ENTRY_METHOD};
use crate::tui::check_in::{Details, Level, ScanOutcome, TodayState};

/// Feeds a scanner's burst: the code's keys 4 ms apart, then Enter.
fn scan(app: &mut App, code: &str, start: Instant) -> Vec<Command> {
    let mut out = Vec::new();
    for (i, c) in code.chars().map(KeyCode::Char).chain([KeyCode::Enter]).enumerate() {
        let at = start + Duration::from_millis(4 * i as u64);
        out.extend(app.update(Msg::Read(KeyRead { key: KeyEvent::from(c), at })));
    }
    out
}

fn check_in_request(commands: &[Command]) -> (RequestId, String) {
    commands
        .iter()
        .find_map(|c| match c {
            Command::CheckIn { request, barcode } | Command::LookUp { request, barcode } => {
                Some((*request, barcode.clone()))
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no scan in {commands:?}"))
}

fn ann() -> Customer {
    Customer { active_waiver_exists: true, barcode: "100042".into(), ..customer(1, "Ann", "Smith") }
}

fn in_answer(request: RequestId) -> Msg {
    let check_in = BarcodeCheckIn {
        id: 77,
        customer_id: 1,
        customer_first_name: "Ann".into(),
        customer_last_name: "Smith".into(),
        entry_method: "MEM".into(),
        entry_method_description: "Monthly Membership".into(),
        check_in_count: 3,
        ..BarcodeCheckIn::default()
    };
    let details = Details { customer: Some(ann()), alerts: Some(vec![]), notes: Some(vec![]), ..Details::default() };
    let scan = Scan::new("100042", None, "2026-11-25T18:04:00Z".parse().unwrap());
    Msg::ScanAnswered {
        request,
        scan: Some(scan),
        outcome: ScanOutcome::CheckedIn { check_in: Box::new(check_in), details },
    }
}

fn bells_app() -> App {
    let bells = Bells { checked_in: 1, refused: 3, gap: Duration::from_millis(180) };
    App::new(AppOptions { start_checking_in: true, bells, ..options() }, Rect::new(0, 0, 80, 24))
}

#[test]
fn a_scanner_burst_on_the_search_screen_checks_in_and_types_nothing() {
    let mut app = loaded(80, 24, vec![ann()], None);
    let t0 = Instant::now();
    // A person types slowly: that is a search.
    for (i, c) in "an".chars().enumerate() {
        let at = t0 + Duration::from_millis(300 * i as u64);
        app.update(Msg::Read(KeyRead { key: KeyEvent::from(KeyCode::Char(c)), at }));
    }
    app.update(Msg::ScannerDeadline(t0 + Duration::from_secs(1)));
    assert_eq!(app.search.value(), "an");
    let commands = scan(&mut app, "100042", t0 + Duration::from_secs(2));
    assert_eq!(check_in_request(&commands).1, "100042");
    assert_eq!(app.screen, Screen::CheckIn);
    assert_eq!(app.search.value(), "an", "the scan never appends to the half-typed search");
    assert_eq!(app.check_in.verdict.as_ref().unwrap().level, Level::Checking);
}

#[test]
fn verdicts_replace_each_other_and_ring_their_own_bells() {
    let mut app = bells_app();
    assert_eq!(app.screen, Screen::CheckIn, "the config can make check-in the start screen");
    let t0 = Instant::now();
    let (first, _) = check_in_request(&scan(&mut app, "100042", t0));
    let answered = app.update(in_answer(first));
    assert_eq!(app.check_in.verdict.as_ref().unwrap().level, Level::In);
    assert_eq!(app.take_bells(), 1, "one bell for in");
    assert!(!answered.iter().any(|c| matches!(c, Command::StartTimer { timer: Timer::Bell, .. })));
    assert!(answered.iter().any(|c| matches!(c, Command::FetchPhoto { key, .. } if key.customer_id == 1)));

    // Green needs no key: the next scan simply replaces it.
    let (second, _) = check_in_request(&scan(&mut app, "100043", t0 + Duration::from_secs(3)));
    let refused = ScanOutcome::Refused { status: 400, text: NO_ENTRY_METHOD.into(), details: Details::default() };
    let timers = app.update(Msg::ScanAnswered { request: second, scan: None, outcome: refused });
    let verdict = app.check_in.verdict.as_ref().unwrap();
    assert_eq!((verdict.level, verdict.reason.as_str()), (Level::Refused, NO_ENTRY_METHOD));
    let mut rung = app.take_bells();
    let mut next = timers;
    while let Some(Command::StartTimer { generation, .. }) =
        next.iter().find(|c| matches!(c, Command::StartTimer { timer: Timer::Bell, .. })).cloned()
    {
        next = app.update(Msg::Timer { timer: Timer::Bell, generation });
        rung += app.take_bells();
    }
    assert_eq!(rung, 3, "three bells for refused");
    assert_eq!(app.check_in.today.len(), 2);
}

#[test]
fn a_typed_code_and_enter_is_a_scan_and_lookup_mode_only_looks() {
    let mut app = bells_app();
    typed(&mut app, "100042");
    let commands = app.update(key(KeyCode::Enter));
    assert!(matches!(check_in_request(&commands), (_, code) if code == "100042"));
    assert_eq!(app.check_in.input.value(), "", "the field clears and re-arms");
    app.update(ctrl('l'));
    assert!(app.check_in.lookup);
    typed(&mut app, "100042");
    let commands = app.update(key(KeyCode::Enter));
    assert!(matches!(commands.as_slice(), [Command::LookUp { .. }]), "{commands:?}");
    let (request, _) = check_in_request(&commands);
    let found = ScanOutcome::Found { details: Details { customer: Some(ann()), ..Details::default() } };
    app.update(Msg::ScanAnswered { request, scan: None, outcome: found });
    assert_eq!(app.check_in.verdict.as_ref().unwrap().level, Level::Info);
    assert_eq!(app.take_bells(), 0, "a lookup rings no bell");
    assert_eq!(app.check_in.today.len(), 1, "a lookup is not a scan of the day");
}

#[test]
fn undo_asks_then_voids_and_a_server_without_it_says_so() {
    let mut app = bells_app();
    let (request, _) = check_in_request(&scan(&mut app, "100042", Instant::now()));
    app.update(in_answer(request));
    app.update(ctrl('z'));
    assert_eq!(app.key_context(), KeyContext::Confirm);
    app.update(key(KeyCode::Char('n')));
    assert_eq!(app.key_context(), KeyContext::CheckIn, "n keeps it");
    app.update(ctrl('z'));
    let void = app.update(key(KeyCode::Char('y')));
    let [Command::VoidCheckIn { request, id: 77 }] = void.as_slice() else { panic!("{void:?}") };
    app.update(Msg::CheckInVoided {
        request: *request,
        result: Err(ClientError::Rejected { status: 405, message: "Method \"DELETE\" not allowed.".into() }),
    });
    assert!(app.notice.as_ref().unwrap().text.contains("This server cannot undo a check-in"));
    assert!(matches!(app.check_in.today[0].state, TodayState::In { .. }), "nothing pretends it was undone");
    app.update(ctrl('z'));
    let void = app.update(key(KeyCode::Enter));
    let [Command::VoidCheckIn { request, .. }] = void.as_slice() else { panic!("{void:?}") };
    app.update(Msg::CheckInVoided { request: *request, result: Ok(()) });
    assert_eq!(app.check_in.today[0].state, TodayState::Undone);
    assert_eq!(app.check_in.verdict.as_ref().unwrap().headline, "UNDONE");
    let count = app.check_in.verdict.as_ref().unwrap().check_in.as_ref().unwrap().check_in_count;
    let lines = crate::tui::screen_tests::screen(&app);
    crate::tui::screen_tests::assert_has(&lines, &[&format!("{count} check-ins after the void")]);
    assert!(!lines.join("\n").contains("Check-in number"), "the card no longer counts the voided one");
    app.update(ctrl('z'));
    assert_eq!(app.notice.as_ref().unwrap().text, "No check-in of this session to undo");
}

fn render_text(app: &App, width: u16, height: u16) -> String {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| crate::tui::view::draw(frame, app)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..height)
        .map(|y| (0..width).map(|x| buffer[(x, y)].symbol().to_string()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_queued_scan_refused_on_delivery_replaces_queued_on_screen_with_a_red_verdict() {
    let mut app = bells_app();
    let (request, _) = check_in_request(&scan(&mut app, "100043", Instant::now()));
    let taken = Scan::new("100043", None, "2026-11-25T18:00:00Z".parse().unwrap());
    let queued = ScanOutcome::Queued { reason: "connection failed".into() };
    app.update(Msg::ScanAnswered { request, scan: Some(taken.clone()), outcome: queued });
    let answered = JournalEntry {
        scan: taken,
        state: ScanState::Answered {
            at: "2026-11-25T18:10:00Z".parse().unwrap(),
            answer: Answer::Refused { status: 400, text: NO_ENTRY_METHOD.into() },
        },
    };
    app.update(Msg::QueueDrained(DrainReport { answered: vec![answered], unreachable: None, pending: 0 }));
    let verdict = app.check_in.verdict.as_ref().unwrap();
    assert_eq!((verdict.level, verdict.headline), (Level::Refused, "REFUSED AFTER ENTRY"));
    assert!(verdict.reason.starts_with(NO_ENTRY_METHOD), "{}", verdict.reason);
    assert_eq!(app.check_in.refused_on_delivery.len(), 1);
    // The queue delivers without loading the record: the card says how to see who it is.
    let screen = render_text(&app, 120, 40);
    assert!(screen.contains("ctrl-l (lookup)"), "{screen}");
    assert!(!screen.contains("No customer record"), "{screen}");
    // A new scan does not make it go away.
    let (request, _) = check_in_request(&scan(&mut app, "100042", Instant::now() + Duration::from_secs(5)));
    app.update(in_answer(request));
    assert_eq!(app.check_in.refused_on_delivery.len(), 1);
}

#[test]
fn offline_scans_show_as_queued_and_settle_when_the_queue_is_sent() {
    let mut app = bells_app();
    let earlier = Scan::new("100041", None, "2026-11-25T17:00:00Z".parse().unwrap());
    app.update(Msg::JournalOpened { pending: vec![earlier.clone()], problem: None });
    assert_eq!(app.check_in.queued, 1);
    let (request, _) = check_in_request(&scan(&mut app, "100042", Instant::now()));
    let taken = Scan::new("100042", None, "2026-11-25T18:00:00Z".parse().unwrap());
    let queued = ScanOutcome::Queued { reason: "connection failed".into() };
    assert!(app.problem.is_none());
    app.update(Msg::ScanAnswered { request, scan: Some(taken.clone()), outcome: queued });
    assert_eq!(app.check_in.verdict.as_ref().unwrap().level, Level::Queued);
    let problem = app.problem.clone().expect("the status line turns red at once");
    assert!(problem.offline && problem.message.contains("connection failed"), "{problem:?}");
    // The sender's probe still fails: red stays.
    let failed = DrainReport { answered: vec![], unreachable: Some("connection failed".into()), pending: 2 };
    app.update(Msg::QueueDrained(failed));
    assert!(app.problem.as_ref().is_some_and(|p| p.offline && p.message.contains("2 scans queued")));
    assert_eq!(app.take_bells(), 0, "queued is neither in nor refused");
    assert_eq!(app.check_in.queued, 2);
    let answer = |scan: Scan, answer| JournalEntry {
        scan,
        state: ScanState::Answered { at: "2026-11-25T18:10:00Z".parse().unwrap(), answer },
    };
    let body =
        serde_json::json!({"id": 90, "customer_id": 1, "customer_first_name": "Ann", "customer_last_name": "Smith",
        "entry_method": "MEM", "entry_method_description": "Monthly Membership"})
        .to_string();
    let report = DrainReport {
        answered: vec![
            answer(earlier, Answer::Refused { status: 404, text: "Unknown or deactivated customer account.".into() }),
            answer(taken, Answer::Accepted { body }),
        ],
        unreachable: None,
        pending: 0,
    };
    app.update(Msg::QueueDrained(report));
    assert_eq!(app.check_in.queued, 0);
    assert_eq!(app.check_in.today[0].who(), "Ann Smith");
    assert!(matches!(app.check_in.today[0].state, TodayState::In { .. }));
    assert!(matches!(app.check_in.today[1].state, TodayState::Refused(_)));
    assert!(app.notice.as_ref().unwrap().text.contains("refused: 100041"));
    assert!(app.problem.is_none(), "delivered: the status line is no longer red");
    // The verdict on screen was the queued scan's: it now shows the server's answer.
    let verdict = app.check_in.verdict.as_ref().unwrap();
    assert_eq!((verdict.level, verdict.headline), (Level::In, "IN"));
    assert_eq!(verdict.check_in.as_ref().unwrap().id, 90);
    // The refusal of the earlier queued scan stays until acknowledged: a notice passing does not clear it.
    assert_eq!(app.check_in.refused_on_delivery, ["100041: Unknown or deactivated customer account."]);
    app.notice = None;
    let screen = render_text(&app, 160, 30);
    assert!(screen.contains("Let in while offline, then refused: 100041"), "{screen}");
    // At 80 columns the whole notice, its hint included, fits the status line's rows.
    let narrow = render_text(&app, 80, 24);
    assert!(narrow.contains("acknowledges"), "{narrow}");
    app.update(key(KeyCode::Enter));
    assert!(app.check_in.refused_on_delivery.is_empty(), "Enter on the empty scan field acknowledges");
    // The next answered scan nudges the queue when something still waits.
    app.check_in.queued = 1;
    let (request, _) = check_in_request(&scan(&mut app, "100042", Instant::now() + Duration::from_secs(5)));
    assert!(app.update(in_answer(request)).contains(&Command::SendQueued));
}
