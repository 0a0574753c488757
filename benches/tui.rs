//! `cargo bench --bench tui`: the terminal app's speed, measured honestly.
//!
//! - drawing a full frame with 100 results and a profile (with a photo) into
//!   ratatui's `TestBackend`, at 80x24 and 160x48;
//! - from a list answer arriving to its frame drawn (update + draw);
//! - frames drawn and CPU used while idle, with the real event loop against
//!   a real server in this process;
//! - resident memory after browsing 1,000 customers with photos (real HTTP,
//!   decoding and encoding), against a real server in this process.
// Test code: a failed expectation is the test (or benchmark run) failing, said with unwrap, expect or panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use frontdesk::client::records::{Alert, CheckIn, EmergencyContact, Note};
use frontdesk::client::{self, Client, SubCollection, SubRecords};
use frontdesk::model::{Customer, Page};
use frontdesk::tui::app::{App, AppOptions, Command, Msg, PhotoMode};
use frontdesk::tui::keymap::KeyMap;
use frontdesk::tui::runtime::{LoopStats, drive};
use frontdesk::tui::tasks::Tasks;
use frontdesk::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::{Rect, Size};
use ratatui_image::picker::Picker;
use serde_json::json;

fn options() -> AppOptions {
    AppOptions {
        keymap: KeyMap::default(),
        theme: Theme::default(),
        clock: frontdesk::tui::clock::Clock::fixed("2026-11-25T12:00:00Z".parse().unwrap()),
        location_id: None,
        photos: PhotoMode::On { clear_on_change: false },
        server_label: "bench".into(),
        time_zone: jiff::tz::TimeZone::UTC,
        scanner: Default::default(),
        start_checking_in: false,
        bells: Default::default(),
        override_reasons: Vec::new(),
        override_needs_manager_pin: false,
        sounds: Default::default(),
        stops_server: false,
    }
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn customers(n: i64) -> Vec<Customer> {
    (1..=n)
        .map(|i| Customer {
            id: i,
            first_name: format!("Climber{i}"),
            last_name: "Jones".into(),
            preferred_name: if i % 3 == 0 { "Jo".into() } else { String::new() },
            email: format!("climber{i}@example.com"),
            telephone: "303-555-0101".into(),
            birthday: Some(jiff::civil::date(1990, 5, 17)),
            address_street_1: "1 Crag Road".into(),
            address_city: "Boulder".into(),
            has_active_membership: i % 2 == 0,
            active_waiver_exists: i % 5 != 0,
            tags: vec!["staff".into(), "route setter".into()],
            profile_image: Some(format!("http://127.0.0.1:1/media/{i}.jpg")),
            profile_image_small: Some(format!("http://127.0.0.1:1/media/{i}-s.jpg")),
            ..Customer::default()
        })
        .collect()
}

/// An app showing 100 results with the first one's profile complete.
fn full_app(width: u16, height: u16) -> App {
    let mut app = App::new(options(), Rect::new(0, 0, width, height));
    let Some(Command::FetchCustomers { request, .. }) = app.start().into_iter().next() else { unreachable!() };
    let page = Page {
        count: 1000,
        next: Some("http://x/api/customers/?page=2".into()),
        previous: None,
        results: customers(100),
    };
    app.update(Msg::ListLoaded { request, result: Ok(page) });
    app.update(key(KeyCode::Down));
    let commands = app.update(key(KeyCode::Enter));
    let mut commands = commands;
    commands.extend(app.update(Msg::Timer { timer: frontdesk::tui::app::Timer::Selection, generation: u64::MAX }));
    for command in commands {
        match command {
            Command::FetchSubCollections { request, .. } => {
                let answers = [
                    (
                        SubCollection::Alerts,
                        SubRecords::Alerts(vec![Alert { id: 1, message: "Belay test due".into(), ..Alert::default() }]),
                    ),
                    (
                        SubCollection::Notes,
                        SubRecords::Notes(vec![
                            Note { id: 1, note: "Likes the north wall".into(), ..Note::default() };
                            3
                        ]),
                    ),
                    (
                        SubCollection::EmergencyContacts,
                        SubRecords::EmergencyContacts(vec![EmergencyContact {
                            id: 1,
                            first_name: "Bob".into(),
                            last_name: "Jones".into(),
                            telephone: "303".into(),
                            ..EmergencyContact::default()
                        }]),
                    ),
                    (SubCollection::Relations, SubRecords::Relations(vec![])),
                    (
                        SubCollection::CheckIns,
                        SubRecords::CheckIns(
                            vec![
                                CheckIn {
                                    id: 1,
                                    check_in_datetime: Some(jiff::civil::datetime(2026, 11, 24, 18, 0, 0, 0)),
                                    location_name: "Main".into(),
                                    entry_method: "MEM".into(),
                                    entry_method_description: "Monthly".into(),
                                    ..CheckIn::default()
                                };
                                10
                            ],
                            40,
                        ),
                    ),
                ];
                for (kind, records) in answers {
                    app.update(Msg::SubLoaded { request, kind, result: Ok(Some(records)) });
                }
            }
            Command::FetchPhoto { request, key } => {
                let image = frontdesk::tui::photo_view::decode_photo(&support::jpeg(512, 7)).unwrap();
                let photo = frontdesk::tui::photo_view::encode_photo(
                    &Picker::halfblocks(),
                    image,
                    Size::new(key.width, key.height),
                )
                .unwrap();
                app.update(Msg::PhotoLoaded { request, key, result: Ok(photo) });
            }
            _ => {}
        }
    }
    app
}

fn summary(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let mean = samples.iter().sum::<Duration>() / samples.len() as u32;
    let pct = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    println!(
        "{label:<52} mean {:>7.3} ms  p50 {:>7.3} ms  p99 {:>7.3} ms  max {:>7.3} ms  (n={})",
        mean.as_secs_f64() * 1e3,
        pct(0.5).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        samples.last().unwrap().as_secs_f64() * 1e3,
        samples.len()
    );
}

fn frame_draw() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut app = full_app(w, h);
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        // Full repaint: the previous frame is cleared, so every cell is diffed and written.
        let mut full = Vec::new();
        for _ in 0..1000 {
            terminal.clear().unwrap();
            let started = Instant::now();
            terminal.draw(|f| frontdesk::tui::view::draw(f, &app)).unwrap();
            full.push(started.elapsed());
        }
        summary(&format!("full frame, 100 results + profile, {w}x{h}"), full);
        // Arrowing through the list: each frame shows another customer.
        let mut moving = Vec::new();
        for i in 0..1000 {
            app.update(key(if i % 2 == 0 { KeyCode::Char(']') } else { KeyCode::Char('[') }));
            let started = Instant::now();
            terminal.draw(|f| frontdesk::tui::view::draw(f, &app)).unwrap();
            moving.push(started.elapsed());
        }
        summary(&format!("frame after a selection change, {w}x{h}"), moving);
    }
}

fn response_to_frame() {
    let mut samples = Vec::new();
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
    for _ in 0..300 {
        let mut app = App::new(options(), Rect::new(0, 0, 160, 48));
        let Some(Command::FetchCustomers { request, .. }) = app.start().into_iter().next() else { unreachable!() };
        let page = Page { count: 1000, next: None, previous: None, results: customers(100) };
        let started = Instant::now();
        app.update(Msg::ListLoaded { request, result: Ok(page) });
        terminal.draw(|f| frontdesk::tui::view::draw(f, &app)).unwrap();
        samples.push(started.elapsed());
    }
    summary("list answer (100 rows) to frame drawn, 160x48", samples);
}

// libc getrusage: no safe std equivalent for the process's CPU time.
#[allow(unsafe_code)]
fn cpu_time() -> Duration {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage fills the struct it is given.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

async fn client_for(server: &support::TestServer) -> Client {
    let base = client::parse_base_url(&format!("{}/api/", server.base)).unwrap();
    let token = client::get_token(&base, support::USER, support::PASSWORD).await.unwrap();
    Client::new(base, &token).unwrap()
}

fn people(n: usize) -> serde_json::Value {
    let customers: Vec<_> = (0..n)
        .map(|i| json!({"email": format!("c{i}@example.com"), "first_name": format!("Climber{i}"), "last_name": "Jones", "birthday": "1990-05-17"}))
        .collect();
    json!({ "customers": customers })
}

async fn idle() {
    let server = support::TestServer::start_serving_media().await;
    server.import(people(100)).await;
    let client = client_for(&server).await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let tasks = Tasks::new(client, Some(Picker::halfblocks()), tx.clone());
    let stats = std::sync::Arc::new(LoopStats::default());
    let loop_stats = stats.clone();
    let running = tokio::spawn(async move {
        let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
        let mut app = App::new(options(), Rect::new(0, 0, 160, 48));
        drive(&mut terminal, &mut app, &mut rx, &tasks, false, &loop_stats, &mut || {}).await.unwrap();
    });
    // Let the first list and profile load and settle.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (frames, cpu) = (stats.frames.load(Ordering::Relaxed), cpu_time());
    let window = Duration::from_secs(3);
    tokio::time::sleep(window).await;
    let idle_frames = stats.frames.load(Ordering::Relaxed) - frames;
    let idle_cpu = cpu_time() - cpu;
    tx.send(Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL))).unwrap();
    running.await.unwrap();
    println!(
        "idle for {:.0} s (real loop, real server in process)       {idle_frames} frames drawn, CPU {:.2} ms ({:.3}% of one core)",
        window.as_secs_f64(),
        idle_cpu.as_secs_f64() * 1e3,
        idle_cpu.as_secs_f64() / window.as_secs_f64() * 100.0
    );
    server.stop().await;
}

/// Runs commands, firing timers at once (the pause they model is the
/// user's, not the app's), until nothing is loading.
async fn settle(
    app: &mut App,
    tasks: &Tasks,
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<Msg>,
    commands: Vec<Command>,
) {
    let mut queue = commands;
    loop {
        while let Some(command) = queue.pop() {
            match command {
                Command::StartTimer { timer, generation, .. } => {
                    queue.extend(app.update(Msg::Timer { timer, generation }))
                }
                other => tasks.run(other),
            }
        }
        if !app.is_busy() {
            return;
        }
        let msg = rx.recv().await.expect("tasks answer");
        queue.extend(app.update(msg));
    }
}

/// In a child process (so the figure is the app's alone, not the server's):
/// browses 1,000 customers against the server at `base`.
async fn browse(base: &str, token: &str, protocol: &str) {
    let client = Client::new(client::parse_base_url(base).unwrap(), token).unwrap();
    let mut picker = Picker::halfblocks();
    if protocol == "kitty" {
        picker.set_protocol_type(ratatui_image::picker::ProtocolType::Kitty);
    }
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let tasks = Tasks::new(client, Some(picker), tx);
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
    let mut app = App::new(options(), Rect::new(0, 0, 160, 48));
    let before = rss_mib();
    let started = Instant::now();
    let first = app.start();
    settle(&mut app, &tasks, &mut rx, first).await;
    let into_list = app.update(key(KeyCode::Down));
    settle(&mut app, &tasks, &mut rx, into_list).await;
    let mut seen = std::collections::HashSet::new();
    let mut photos_shown = 0;
    for _ in 0..1000 {
        seen.extend(app.list.selected_customer().map(|c| c.id));
        if app
            .photo_key()
            .is_some_and(|k| matches!(app.photos.get(&k), Some(frontdesk::tui::app::PhotoEntry::Ready(_))))
        {
            photos_shown += 1;
        }
        terminal.draw(|f| frontdesk::tui::view::draw(f, &app)).unwrap();
        let moved = app.update(key(KeyCode::Down));
        settle(&mut app, &tasks, &mut rx, moved).await;
    }
    println!(
        "browse 1,000 customers with photos ({protocol:<11}) {} customers, {photos_shown} photos drawn, {:.1} ms per customer; app RSS {before:.1} MiB at start, {:.1} MiB after",
        seen.len(),
        started.elapsed().as_secs_f64() * 1e3 / 1000.0,
        rss_mib()
    );
}

async fn browse_rss() {
    let server = support::TestServer::start_serving_media().await;
    server.import(people(1000)).await;
    let api = server.api().await;
    let ids: Vec<i64> =
        api.all("/api/customers/?page_size=100").await.iter().map(|c| c["id"].as_i64().unwrap()).collect();
    let photos: Vec<(Vec<u8>, Vec<u8>)> = (0..20).map(|i| (support::jpeg(512, i), support::jpeg(128, i))).collect();
    for (n, id) in ids.iter().enumerate() {
        let (full, small) = &photos[n % photos.len()];
        server.set_photo(*id, full, small).await;
    }
    for protocol in ["half-blocks", "kitty"] {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap());
        child
            .env(BROWSE_ENV, format!("{}/api/", server.base))
            .env("FRONTDESK_BENCH_TOKEN", api.token.clone().unwrap())
            .env("FRONTDESK_BENCH_PROTOCOL", protocol);
        // The server keeps serving on the runtime while this thread waits.
        let out = tokio::task::spawn_blocking(move || child.output()).await.unwrap().unwrap();
        print!("{}", String::from_utf8_lossy(&out.stdout));
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    server.stop().await;
}

/// Set in the child process that browses.
const BROWSE_ENV: &str = "FRONTDESK_BENCH_BROWSE";

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    if let Ok(base) = std::env::var(BROWSE_ENV) {
        let token = std::env::var("FRONTDESK_BENCH_TOKEN").unwrap();
        let protocol = std::env::var("FRONTDESK_BENCH_PROTOCOL").unwrap();
        runtime.block_on(browse(&base, &token, &protocol));
        return;
    }
    frame_draw();
    response_to_frame();
    runtime.block_on(idle());
    runtime.block_on(browse_rss());
}
