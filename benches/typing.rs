//! `cargo bench --bench typing`: search as you type through the whole app (issue 14 item 4).
//!
//! The real server over the realistic gym (`support::dataset_as(Distribution::Realistic, 1, n)`,
//! served from a copy, with the gym's photos), and the real `App` on the search screen drawing into a
//! 160x48 `TestBackend`, its commands run by the app's own `Tasks` over loopback HTTP, messages handled
//! as the event loop handles them (everything waiting before the next frame; the scanner detector's
//! deadline; the spinner's tick while busy). The 20 most common surnames of the gym (counted from
//! what its generator, `frontdesk::demo::realistic`, makes for that seed, size and day) are typed in
//! lower case one key at a time, a key every 80 ms, as a person types; Ctrl-U clears the search
//! between surnames (not timed).
//!
//! Per keystroke: the time from the key read (as the terminal delivers it, `Msg::Read`) to the first
//! frame that shows the results of exactly that prefix: the app's list answers that text, and the
//! frame's list pane shows the count and the first rows the server answers for it (asked for ahead,
//! untimed, through the same client). Reported: n, p50, p95, p99, max, overall and by prefix length,
//! and whether p99 is under 50 ms.
//!
//! Run three times, as the desk's scanner detector is set, the headline first: on with the default
//! settings (`on`, what a desk runs unless its config says otherwise: no prefix, so each key a person
//! types is held up to `max_gap_ms` + 1 ms in case it starts a scan, and the search bar shows it, and
//! searches, at once all the same: speculative typing, see `frontdesk::desk::scanner`); off (`off`, a
//! desk without a barcode scanner: keys are never held); and on with a prefix (`prefix`, a scanner set
//! up to send Ctrl-B before each code: a person's key cannot start a scan, so it is not held). The
//! summary at the end gives each mode's p99 against the target; the headline is the default config's.
//!
//! Settings (environment):
//! - `FRONTDESK_BENCH_CUSTOMERS` (default 100000);
//! - `FRONTDESK_BENCH_SCANNER`: which of `on`, `off`, `prefix` to run, comma-separated (default all,
//!   in that order).
// Test code: a failed expectation is the test (or benchmark run) failing, said with unwrap, expect or panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)]

mod support;

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use frontdesk::client::{self, Client, CustomerQuery, LIST_PAGE_SIZE};
use frontdesk::demo::Distribution;
use frontdesk::desk::{BurstDetector, ScannerConfig};
use frontdesk::server::ServeOptions;
use frontdesk::tui::app::{App, AppOptions, Bells, KeyRead, Msg, PhotoMode};
use frontdesk::tui::badges::display_name;
use frontdesk::tui::keymap::KeyMap;
use frontdesk::tui::runtime::TICK;
use frontdesk::tui::tasks::Tasks;
use frontdesk::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui_image::picker::Picker;
use support::{BenchServer, Dataset, Samples};
use tokio::sync::mpsc::UnboundedReceiver;

const SEED: u64 = 1;
const SURNAMES: usize = 20;
/// A person's pace: a key every this long.
const KEY_GAP: Duration = Duration::from_millis(80);
const TARGET_P99: Duration = Duration::from_millis(50);
/// Longer than this without the frame awaited is a failure, not a slow sample.
const GIVE_UP: Duration = Duration::from_secs(30);
/// How many of the prefix's first rows the frame must show.
const ROWS_CHECKED: usize = 3;
const SIZE: (u16, u16) = (160, 48);

fn options(scanner: ScannerConfig) -> AppOptions {
    AppOptions {
        keymap: KeyMap::default(),
        theme: Theme::default(),
        clock: frontdesk::tui::clock::Clock::system(),
        location_id: None,
        photos: PhotoMode::On { clear_on_change: false },
        server_label: "bench".into(),
        time_zone: jiff::tz::TimeZone::get("America/Denver").unwrap(),
        scanner,
        start_checking_in: false,
        bells: Bells { checked_in: 1, refused: 3, gap: Duration::from_millis(180) },
        override_reasons: Vec::new(),
        override_needs_manager_pin: false,
        sounds: Default::default(),
        stops_server: false,
    }
}

/// The gym's most common surnames, most common first, with how many customers bear each: counted
/// from what the realistic generator makes for the dataset's seed, size and day (so they are the
/// served gym's, whatever the generator's pool or law becomes).
fn common_surnames(data: &Dataset, customers: usize) -> anyhow::Result<Vec<(String, usize)>> {
    let now: jiff::Timestamp = data.figures.built_at.parse()?;
    let doc = frontdesk::demo::realistic::generate(Distribution::Realistic, data.seed, customers, now)?;
    let mut counts: HashMap<String, usize> = HashMap::new();
    for c in &doc.customers {
        if let Some(last) = c.fields.get("last_name").and_then(|v| v.as_str()) {
            *counts.entry(last.to_string()).or_default() += 1;
        }
    }
    let mut by_count: Vec<(String, usize)> = counts.into_iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    by_count.truncate(SURNAMES);
    Ok(by_count)
}

/// What the server answers for a prefix: the count and the first rows' names as the list draws them.
struct Expected {
    count: u64,
    names: Vec<String>,
}

async fn expected(client: &Client, prefix: &str) -> anyhow::Result<Expected> {
    let query = CustomerQuery { search: prefix.to_string(), filters: Vec::new() };
    let page = client.customers(&query, LIST_PAGE_SIZE).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(Expected { count: page.count, names: page.results.iter().map(display_name).collect() })
}

/// The app, its terminal and the channel its tasks answer on.
struct Desk {
    app: App,
    terminal: Terminal<TestBackend>,
    rx: UnboundedReceiver<Msg>,
    tasks: Tasks,
}

impl Desk {
    fn screen(&self) -> Vec<String> {
        let buffer = self.terminal.backend().buffer();
        (0..buffer.area.height)
            .map(|y| (0..buffer.area.width).map(|x| buffer[(x, y)].symbol()).collect::<String>())
            .collect()
    }

    /// Handles messages as the event loop does, drawing a frame whenever something changed, until
    /// a frame satisfies `done` (returns when that frame was drawn) or `until` passes (None).
    async fn run(
        &mut self,
        mut commands: Vec<frontdesk::tui::app::Command>,
        until: Instant,
        mut done: impl FnMut(&App, &[String]) -> bool,
    ) -> Option<Instant> {
        loop {
            for command in commands.drain(..) {
                self.tasks.run(command);
            }
            if self.app.take_redraw() {
                self.terminal.draw(|frame| frontdesk::tui::view::draw(frame, &self.app)).unwrap();
                let drawn = Instant::now();
                if done(&self.app, &self.screen()) {
                    return Some(drawn);
                }
            }
            let deadline = self.app.scanner_deadline().map(tokio::time::Instant::from_std);
            let until_deadline = async {
                match deadline {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            let tick = async {
                if self.app.is_busy() { tokio::time::sleep(TICK).await } else { std::future::pending().await }
            };
            let msg = tokio::select! {
                msg = self.rx.recv() => msg.expect("the app's channel stays open"),
                () = until_deadline => Msg::ScannerDeadline(Instant::now()),
                () = tick => Msg::Tick,
                () = tokio::time::sleep_until(tokio::time::Instant::from_std(until)) => return None,
            };
            commands = self.app.update(msg);
            // As the event loop does: everything already waiting is handled before the frame.
            while let Ok(msg) = self.rx.try_recv() {
                commands.extend(self.app.update(msg));
            }
        }
    }

    /// A key pressed now, as the terminal delivers it.
    fn press(&mut self, key: KeyEvent) -> (Instant, Vec<frontdesk::tui::app::Command>) {
        let at = Instant::now();
        (at, self.app.update(Msg::Read(KeyRead { key, at })))
    }

    /// Clears the search and waits until everyone is listed again, and a little more (the
    /// selection's profile and photo load), so every surname starts from the same quiet desk.
    async fn clear(&mut self, everyone: u64) {
        let (_, commands) = self.press(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        let shown = self
            .run(commands, Instant::now() + GIVE_UP, |app, _| {
                app.search.value().is_empty() && lists(app, "") && app.list.count == Some(everyone)
            })
            .await;
        assert!(shown.is_some(), "the unfiltered list never came back after Ctrl-U");
        self.run(Vec::new(), Instant::now() + Duration::from_millis(300), |_, _| false).await;
    }
}

/// The app's list holds the first page of `text`'s search (no filters).
fn lists(app: &App, text: &str) -> bool {
    app.list.query.as_ref().is_some_and(|q| q.search == text && q.filters.is_empty())
}

/// The frame shows exactly `prefix`'s results: the app's list answers that text, and the list
/// pane shows the server's count for it and its first rows from the top of what is on screen.
fn shows(app: &App, lines: &[String], prefix: &str, want: &Expected) -> bool {
    let list = &app.list;
    if list.query.as_ref().is_none_or(|q| q.search != prefix) || list.count != Some(want.count) {
        return false;
    }
    let title = if want.count == 0 { "Customers · none".to_string() } else { format!(" of {} ", want.count) };
    if !lines.iter().any(|l| l.contains(&title)) {
        return false;
    }
    // The rows on screen from the list's first shown row; a name is checked by its start (a long
    // one is cut to its column).
    want.names.iter().skip(list.offset).take(ROWS_CHECKED).all(|name| {
        let start: String = name.chars().take(20).collect();
        lines.iter().any(|l| l.contains(&start))
    })
}

/// One surname typed a key at a time; per keystroke, the prefix's length and the time from the key
/// to the frame showing that prefix's results.
async fn type_surname(
    desk: &mut Desk,
    surname: &str,
    answers: &HashMap<String, Expected>,
) -> Vec<(usize, Duration, bool)> {
    let text = surname.to_lowercase();
    let mut samples = Vec::new();
    for (i, c) in text.char_indices() {
        let prefix = &text[..i + c.len_utf8()];
        let want = &answers[prefix];
        let (at, commands) = desk.press(KeyEvent::from(KeyCode::Char(c)));
        let shown = desk.run(commands, at + GIVE_UP, |app, lines| shows(app, lines, prefix, want)).await;
        let Some(drawn) = shown else {
            panic!("no frame showed the results of {prefix:?} within {GIVE_UP:?}:\n{}", desk.screen().join("\n"))
        };
        let took = drawn - at;
        samples.push((prefix.chars().count(), took, took > KEY_GAP));
        // A person's pace: the next key comes KEY_GAP after this one (the app goes on meanwhile).
        desk.run(Vec::new(), at + KEY_GAP, |_, _| false).await;
    }
    samples
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn line(name: &str, samples: &Samples) -> String {
    format!(
        "| {name} | {} | {} | {} | {} | {} |",
        samples.durations.len(),
        ms(samples.percentile(50.0)),
        ms(samples.percentile(95.0)),
        ms(samples.percentile(99.0)),
        ms(samples.max())
    )
}

async fn run_mode(
    label: &str,
    scanner: ScannerConfig,
    client: &Client,
    picker: &Picker,
    surnames: &[(String, usize)],
    answers: &HashMap<String, Expected>,
    everyone: u64,
) -> anyhow::Result<Duration> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let tasks = Tasks::new(client.clone(), Some(picker.clone()), tx);
    let app = App::new(options(scanner), Rect::new(0, 0, SIZE.0, SIZE.1));
    let mut desk = Desk { app, terminal: Terminal::new(TestBackend::new(SIZE.0, SIZE.1))?, rx, tasks };
    let commands = desk.app.start();
    let loaded =
        desk.run(commands, Instant::now() + GIVE_UP, |app, _| lists(app, "") && app.list.count == Some(everyone)).await;
    anyhow::ensure!(loaded.is_some(), "the first list never loaded");
    desk.run(Vec::new(), Instant::now() + Duration::from_millis(300), |_, _| false).await;

    // One surname unmeasured: connections open, caches fill.
    if let Some((warm, _)) = surnames.first() {
        type_surname(&mut desk, warm, answers).await;
        desk.clear(everyone).await;
    }
    println!("\n## {label}\n");
    println!("machine load before: {}", support::load_average());
    let mut all = Samples { name: "every keystroke".into(), durations: Vec::new(), target: None, note: String::new() };
    let mut by_length: BTreeMap<usize, Vec<Duration>> = BTreeMap::new();
    let mut behind = 0;
    for (surname, _) in surnames {
        for (length, took, late) in type_surname(&mut desk, surname, answers).await {
            all.durations.push(took);
            by_length.entry(length).or_default().push(took);
            behind += usize::from(late);
        }
        desk.clear(everyone).await;
    }
    println!("machine load after: {}\n", support::load_average());
    println!("| keystrokes | n | p50 ms | p95 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|");
    println!("{}", line("every keystroke", &all));
    for (length, durations) in by_length {
        let samples = Samples { name: String::new(), durations, target: None, note: String::new() };
        println!("{}", line(&format!("prefix of {length}"), &samples));
    }
    if behind > 0 {
        println!("\n{behind} keystrokes took longer than the {} ms between keys", KEY_GAP.as_millis());
    }
    let p99 = all.percentile(99.0);
    println!("\ntarget: p99 < {} ms: {}", TARGET_P99.as_millis(), if p99 < TARGET_P99 { "met" } else { "MISSED" });
    Ok(p99)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let customers: usize =
        std::env::var("FRONTDESK_BENCH_CUSTOMERS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let modes = std::env::var("FRONTDESK_BENCH_SCANNER").ok().filter(|v| !v.trim().is_empty());
    let modes: Vec<String> =
        modes.as_deref().unwrap_or("on,off,prefix").split(',').map(|m| m.trim().to_string()).collect();
    if let Some(other) = modes.iter().find(|m| !["off", "on", "prefix"].contains(&m.as_str())) {
        anyhow::bail!("FRONTDESK_BENCH_SCANNER lists off, on or prefix, not {other:?}");
    }
    let data = support::dataset_as(Distribution::Realistic, SEED, customers).await?;
    let surnames = common_surnames(&data, customers)?;
    let (copy, _dir) = support::served_copy(&data, "frontdesk-typing-")?;
    // The gym's photos are the cached build's (read only: nothing is uploaded).
    let server =
        BenchServer::start_at(copy.path.as_path().into(), &data.path.with_extension("media"), ServeOptions::default())
            .await?;
    let token = server.token().to_string();
    let client =
        Client::new(client::parse_base_url(&format!("{}/api/", server.base)).map_err(anyhow::Error::msg)?, &token)?;

    // Every prefix's answer, asked for ahead (untimed).
    let mut answers: HashMap<String, Expected> = HashMap::new();
    for (surname, _) in &surnames {
        let text = surname.to_lowercase();
        for (i, c) in text.char_indices() {
            let prefix = &text[..i + c.len_utf8()];
            if !answers.contains_key(prefix) {
                answers.insert(prefix.to_string(), expected(&client, prefix).await?);
            }
        }
    }
    let everyone = expected(&client, "").await?.count;

    let f = &data.figures;
    println!(
        "# search as you type: key to the frame showing that prefix's results, realistic gym of {} customers \
         (seed {SEED}, built {}), 160x48, loopback HTTP, a key every {} ms",
        f.customers,
        f.built_at,
        KEY_GAP.as_millis()
    );
    println!("{}", support::cpu_reference());
    println!("\n| surname | customers | `?search=` matches as typed |\n|---|---:|---|");
    for (surname, bearing) in &surnames {
        let text = surname.to_lowercase();
        let matches: Vec<String> =
            text.char_indices().map(|(i, c)| answers[&text[..i + c.len_utf8()]].count.to_string()).collect();
        println!("| {surname} | {bearing} | {} |", matches.join(", "));
    }

    let picker = Picker::halfblocks();
    let mut summary = Vec::new();
    for mode in &modes {
        let (label, scanner) = match mode.as_str() {
            "off" => (
                "scanner detector off (a desk without a scanner: keys reach the search at once)".to_string(),
                ScannerConfig { enabled: false, ..ScannerConfig::default() },
            ),
            "on" => {
                let on = ScannerConfig::default();
                let held = on.max_gap_ms + 1;
                let label = format!(
                    "headline: scanner detector on, default settings (no prefix: a person's key is held up to \
                     {held} ms in case it starts a scan, and shown in the search at once meanwhile)"
                );
                (label, on)
            }
            _ => (
                "scanner detector on, codes framed by a Ctrl-B prefix (a person's key is not held)".to_string(),
                ScannerConfig { prefix: "\u{2}".into(), ..ScannerConfig::default() },
            ),
        };
        // The app falls back to the default settings on a config it refuses: make sure it takes this one.
        BurstDetector::new(scanner.clone()).map_err(|e| anyhow::anyhow!("{label}: {e}"))?;
        let p99 = run_mode(&label, scanner, &client, &picker, &surnames, &answers, everyone).await?;
        summary.push((mode.clone(), p99));
    }
    println!("\n## summary: p99 from a key to its prefix's results\n");
    println!("| scanner detector | p99 ms | p99 < {} ms |\n|---|---:|---|", TARGET_P99.as_millis());
    for (mode, p99) in &summary {
        let name = match mode.as_str() {
            "on" => "on, default settings (headline)",
            "off" => "off",
            _ => "on, Ctrl-B prefix",
        };
        println!("| {name} | {} | {} |", ms(*p99), if *p99 < TARGET_P99 { "met" } else { "MISSED" });
    }
    server.stop().await;
    Ok(())
}
