//! `cargo bench --bench desk`: from a scan's terminating key to its verdict drawn, through the whole
//! app against the real server holding 100,000 customers and 1,000,000 check-ins over loopback HTTP.
//!
//! Each scan is the scanner's keys fed to `App::update` as the terminal would deliver them (through
//! the burst detector), then Enter; the clock starts just before Enter and stops when the frame showing
//! that scan's final verdict (green, yellow or red, with the customer's record) has been drawn into a
//! 160x48 `TestBackend`. In between: the check-in POST, the record fetches, `update` and the draw, as
//! in the app's event loop. Target: p99 under 50 ms.
//!
//! The gym is the check-in benchmark's (`support/check_in_data.rs`), cached under `target/bench-data/`
//! with the same name, so the two benchmarks generate it once between them.
// Test code: a failed expectation is the test (or benchmark run) failing, said with unwrap, expect or panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)]

#[path = "support/check_in_data.rs"]
mod check_in_data;

use check_in_data::{BenchGym, CHECK_INS, CUSTOMERS, barcodes, load_average};

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent};
use frontdesk::client::{self, Client};
use frontdesk::desk::{Journal, ScannerConfig};
use frontdesk::tui::app::{App, AppOptions, Bells, KeyRead, Msg, PhotoMode};
use frontdesk::tui::check_in::Level;
use frontdesk::tui::keymap::KeyMap;
use frontdesk::tui::scans::ScanLink;
use frontdesk::tui::tasks::Tasks;
use frontdesk::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui_image::picker::Picker;
use tokio::sync::mpsc::UnboundedReceiver;

const WARMUP: usize = 50;
const SCANS: usize = 1_000;
const TARGET_P99: Duration = Duration::from_millis(50);

fn options() -> AppOptions {
    AppOptions {
        keymap: KeyMap::default(),
        theme: Theme::default(),
        clock: frontdesk::tui::clock::Clock::fixed("2026-11-25T12:00:00Z".parse().unwrap()),
        location_id: None,
        photos: PhotoMode::On { clear_on_change: false },
        server_label: "bench".into(),
        time_zone: jiff::tz::TimeZone::get("America/Denver").unwrap(),
        scanner: ScannerConfig::default(),
        start_checking_in: true,
        bells: Bells { checked_in: 1, refused: 3, gap: Duration::from_millis(180) },
        override_reasons: Vec::new(),
        override_needs_manager_pin: false,
        sounds: Default::default(),
        stops_server: false,
    }
}

/// One scan through the app: returns the time from Enter to the verdict's frame, and the verdict.
async fn scan(
    app: &mut App,
    terminal: &mut Terminal<TestBackend>,
    rx: &mut UnboundedReceiver<Msg>,
    tasks: &Tasks,
    code: &str,
) -> (Duration, Level) {
    for c in code.chars() {
        let read = KeyRead { key: KeyEvent::from(KeyCode::Char(c)), at: Instant::now() };
        for command in app.update(Msg::Read(read)) {
            tasks.run(command);
        }
    }
    let started = Instant::now();
    let mut commands = app.update(Msg::Read(KeyRead { key: KeyEvent::from(KeyCode::Enter), at: started }));
    let request = app.check_in.verdict.as_ref().expect("the scan was taken").request;
    loop {
        for command in commands.drain(..) {
            tasks.run(command);
        }
        if app.take_redraw() {
            terminal.draw(|frame| frontdesk::tui::view::draw(frame, app)).unwrap();
            let verdict = app.check_in.verdict.as_ref().filter(|v| v.request == request);
            if let Some(v) = verdict.filter(|v| v.level != Level::Checking) {
                return (started.elapsed(), v.level);
            }
        }
        let msg = rx.recv().await.expect("the app's channel stays open");
        commands = app.update(msg);
        // As the event loop does: everything already waiting is handled before the frame.
        while let Ok(msg) = rx.try_recv() {
            commands.extend(app.update(msg));
        }
    }
}

fn report(name: &str, mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    let at = |q: f64| samples[((q * samples.len() as f64).ceil() as usize).clamp(1, samples.len()) - 1];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<24} n={:<5} p50={:.2} ms  p95={:.2} ms  p99={:.2} ms  max={:.2} ms",
        samples.len(),
        ms(at(0.50)),
        ms(at(0.95)),
        ms(at(0.99)),
        ms(*samples.last().unwrap())
    );
    at(0.99)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let gym = BenchGym::start().await?;
    let (base, token) = (gym.base.as_str(), gym.token.as_str());
    let client = Client::new(client::parse_base_url(&format!("{base}/api/")).map_err(anyhow::Error::msg)?, token)?;
    // The desk's journal, as the app has it: scans go straight to the server while it answers.
    let journal_dir = tempfile::tempdir()?;
    let journal_path = journal_dir.path().join("scans.jsonl");
    let journal = tokio::task::spawn_blocking(move || Journal::open(journal_path)).await??;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let link = ScanLink::new(client.clone(), Some(journal), None);
    link.spawn_sender(tx.clone());
    let tasks = Tasks::new(client, Some(Picker::halfblocks()), tx).with_scans(link);
    let mut app = App::new(options(), Rect::new(0, 0, 160, 48));
    let mut terminal = Terminal::new(TestBackend::new(160, 48))?;
    for command in app.start() {
        tasks.run(command);
    }

    let mut rng = check_in_data::Rng::new(0xDE5C);
    for code in barcodes(&mut rng, WARMUP) {
        scan(&mut app, &mut terminal, &mut rx, &tasks, &code).await;
    }
    println!("scan to verdict drawn, {CUSTOMERS} customers, {CHECK_INS} check-ins, 160x48, loopback HTTP");
    println!("machine load before: {}", load_average());
    let mut samples = Vec::with_capacity(SCANS);
    let mut by_level: BTreeMap<String, Vec<Duration>> = BTreeMap::new();
    for code in barcodes(&mut rng, SCANS) {
        let (elapsed, level) = scan(&mut app, &mut terminal, &mut rx, &tasks, &code).await;
        samples.push(elapsed);
        by_level.entry(format!("{level:?}")).or_default().push(elapsed);
    }
    let p99 = report("every scan", samples);
    for (level, samples) in by_level {
        report(&format!("  {level}"), samples);
    }
    println!("machine load after: {}", load_average());
    let verdict = if p99 < TARGET_P99 { "met" } else { "MISSED" };
    println!("target: p99 < {} ms: {verdict}", TARGET_P99.as_millis());

    gym.stop().await?;
    Ok(())
}
