use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;

/// The key a terminal in raw mode reports for a character a keyboard or scanner sends: CR is Enter,
/// LF is Ctrl+J, other control characters are Ctrl+letter; DEL stands for Backspace here.
fn key_for(c: char) -> KeyEvent {
    let none = KeyModifiers::NONE;
    match c {
        '\r' => KeyEvent::new(KeyCode::Enter, none),
        '\t' => KeyEvent::new(KeyCode::Tab, none),
        '\u{1b}' => KeyEvent::new(KeyCode::Esc, none),
        '\u{7f}' => KeyEvent::new(KeyCode::Backspace, none),
        c if (c as u32) >= 1 && (c as u32) <= 0x1a => {
            KeyEvent::new(KeyCode::Char(char::from(c as u8 - 1 + b'a')), KeyModifiers::CONTROL)
        }
        c if c.is_uppercase() => KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT),
        c => KeyEvent::new(KeyCode::Char(c), none),
    }
}

fn alt(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT)
}

type Timed = Vec<(u64, KeyEvent)>;

/// `text` typed from `start_ms`, one key every `gap_ms`.
fn steady(start_ms: u64, gap_ms: u64, text: &str) -> Timed {
    text.chars().enumerate().map(|(i, c)| (start_ms + i as u64 * gap_ms, key_for(c))).collect()
}

/// `text` typed from `start_ms` with the gaps between keys taken in turn from `gaps_ms`.
fn varied(start_ms: u64, gaps_ms: &[u64], text: &str) -> Timed {
    let mut at = start_ms;
    let mut gaps = gaps_ms.iter().cycle();
    text.chars()
        .map(|c| {
            let key = (at, key_for(c));
            at += gaps.next().expect("at least one gap");
            key
        })
        .collect()
}

fn chain(parts: impl IntoIterator<Item = Timed>) -> Timed {
    let mut all: Timed = parts.into_iter().flatten().collect();
    all.sort_by_key(|(at, _)| *at);
    all
}

fn render(key: &KeyEvent) -> String {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    match key.code {
        KeyCode::Char(c) if ctrl => format!("^{}", c.to_ascii_uppercase()),
        KeyCode::Char(c) if alt => format!("M-{c}"),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "⏎".into(),
        KeyCode::Tab => "⇥".into(),
        KeyCode::Backspace => "⌫".into(),
        KeyCode::Esc => "⎋".into(),
        other => format!("<{other:?}>"),
    }
}

/// What the app shows, and when each typed key appeared.
#[derive(Default)]
struct Screen {
    transcript: String,
    /// Press times of the keys not yet shown, oldest first.
    pressed: VecDeque<Instant>,
    held_for: Vec<Duration>,
}

impl Screen {
    fn type_keys(&mut self, keys: Vec<KeyEvent>, now: Instant) {
        for key in keys {
            self.transcript.push_str(&render(&key));
            if let Some(at) = self.pressed.pop_front() {
                self.held_for.push(now - at);
            }
        }
    }

    fn scan(&mut self, code: &str) {
        self.transcript.push_str(&format!("[scan {code}]"));
        self.pressed.clear();
    }
}

/// Drives the detector as the event loop would: a timer fires at each deadline that comes before the
/// next key, and at the end until nothing is held. Typed keys are written as text, scans as
/// `[scan CODE]`. Also returns how long each typed key was held back.
fn drive(config: ScannerConfig, keys: &Timed) -> (String, Vec<Duration>) {
    let mut detector = BurstDetector::new(config).expect("valid config");
    let epoch = Instant::now();
    let mut screen = Screen::default();
    for (ms, key) in keys {
        let now = epoch + Duration::from_millis(*ms);
        while let Some(deadline) = detector.deadline().filter(|d| *d <= now) {
            screen.type_keys(detector.tick(deadline), deadline);
        }
        screen.pressed.push_back(now);
        match detector.feed(*key, now) {
            Decision::Wait => {}
            Decision::Type(keys) => screen.type_keys(keys, now),
            Decision::Scan(code) => screen.scan(&code),
        }
    }
    while let Some(deadline) = detector.deadline() {
        screen.type_keys(detector.tick(deadline), deadline);
    }
    (screen.transcript, screen.held_for)
}

fn with(change: impl FnOnce(&mut ScannerConfig)) -> ScannerConfig {
    let mut config = ScannerConfig::default();
    change(&mut config);
    config
}

#[test]
fn the_burst_detector_follows_the_table_of_timings() {
    let defaults = ScannerConfig::default;
    let cases: Vec<(&str, ScannerConfig, Timed, &str)> = vec![
        ("scanner, 5 ms gaps, Enter", defaults(), steady(0, 5, "12345678\r"), "[scan 12345678]"),
        ("scanner, 20 ms gaps, Enter", defaults(), steady(0, 20, "12345678\r"), "[scan 12345678]"),
        ("scanner ending with Tab", defaults(), steady(0, 8, "04711\t"), "[scan 04711]"),
        ("scanner ending with a line feed (Ctrl+J)", defaults(), steady(0, 8, "0471100\n"), "[scan 0471100]"),
        ("scanner sending CR LF: the LF is dropped", defaults(), steady(0, 8, "12345678\r\n"), "[scan 12345678]"),
        ("letters typed with Shift", defaults(), steady(0, 6, "AB12cd\r"), "[scan AB12cd]"),
        ("person, 100+ ms gaps", defaults(), varied(0, &[120, 150, 110], "alex\r"), "alex⏎"),
        ("fast typist, 60-80 ms gaps", defaults(), varied(0, &[60, 80, 70, 65], "honnold\r"), "honnold⏎"),
        ("two keys rolled over 30 ms apart", defaults(), varied(0, &[30, 120, 150], "abc\r"), "abc⏎"),
        ("borderline: exactly 50 ms gaps", defaults(), steady(0, 50, "1234\r"), "[scan 1234]"),
        ("just over: 51 ms gaps", defaults(), steady(0, 51, "1234\r"), "1234⏎"),
        (
            "too slow overall: 30 keys 40 ms apart take over 1 s",
            defaults(),
            steady(0, 40, "123456789012345678901234567890\r"),
            "123456789012345678901234567890⏎",
        ),
        ("too short: 3 keys", defaults(), steady(0, 5, "123\r"), "123⏎"),
        ("min_length 3 takes 3 keys", with(|c| c.min_length = 3), steady(0, 5, "123\r"), "[scan 123]"),
        ("a burst that stops without terminator", defaults(), steady(0, 5, "12345678"), "12345678"),
        (
            "terminator 60 ms after the burst",
            defaults(),
            chain([steady(0, 5, "12345678"), steady(95, 1, "\r")]),
            "12345678⏎",
        ),
        (
            "Alt breaks a burst",
            defaults(),
            chain([steady(0, 5, "1234"), vec![(20, alt('5'))], steady(25, 5, "678\r")]),
            "1234M-5678⏎",
        ),
        ("Ctrl+B breaks a burst when no prefix uses it", defaults(), steady(0, 5, "1234\u{2}5678\r"), "1234^B5678⏎"),
        ("Backspace breaks a burst", defaults(), steady(0, 5, "1234\u{7f}5678\r"), "1234⌫5678⏎"),
        ("Enter alone is typed", defaults(), steady(0, 5, "\r"), "⏎"),
        (
            "Tab is typed when only Enter ends scans",
            with(|c| c.terminators = vec![Terminator::Enter]),
            steady(0, 5, "12345678\t"),
            "12345678⇥",
        ),
        (
            "prefix Ctrl+B is required and stripped",
            with(|c| c.prefix = "\u{2}".into()),
            steady(0, 5, "\u{2}12345678\r"),
            "[scan 12345678]",
        ),
        (
            "a burst without the prefix is typing",
            with(|c| c.prefix = "\u{2}".into()),
            steady(0, 5, "12345678\r"),
            "12345678⏎",
        ),
        (
            "prefix and suffix are stripped",
            with(|c| (c.prefix, c.suffix) = ("%".into(), "?".into())),
            steady(0, 5, "%B1234?\r"),
            "[scan B1234]",
        ),
        (
            "a burst without the suffix is typing",
            with(|c| (c.prefix, c.suffix) = ("%".into(), "?".into())),
            steady(0, 5, "%B1234\r"),
            "%B1234⏎",
        ),
        (
            "a doubled prefix character: the second one starts the scan",
            with(|c| c.prefix = "%A".into()),
            steady(0, 5, "%%A1234\r"),
            "%[scan 1234]",
        ),
        (
            "without terminators the suffix ends a scan",
            with(|c| (c.terminators, c.suffix) = (vec![], "\u{4}".into())),
            steady(0, 5, "0471100\u{4}"),
            "[scan 0471100]",
        ),
        (
            "a person typing, then a scan",
            defaults(),
            chain([varied(0, &[150], "ab"), steady(500, 8, "12345678\r")]),
            "ab[scan 12345678]",
        ),
        (
            "a scan, then a person",
            defaults(),
            chain([steady(0, 8, "12345678\r"), varied(400, &[150], "ok")]),
            "[scan 12345678]ok",
        ),
        (
            "a person's Enter after a scan is kept",
            defaults(),
            chain([steady(0, 8, "12345678\r"), steady(300, 1, "\r")]),
            "[scan 12345678]⏎",
        ),
        (
            "two scans in a row",
            defaults(),
            chain([steady(0, 5, "1111\r"), steady(900, 5, "2222\r")]),
            "[scan 1111][scan 2222]",
        ),
        ("disabled: a burst is typing", with(|c| c.enabled = false), steady(0, 5, "12345678\r"), "12345678⏎"),
    ];
    let mut failures = Vec::new();
    for (name, config, keys, expected) in cases {
        let (transcript, _) = drive(config, &keys);
        if transcript != expected {
            failures.push(format!("{name}: expected {expected:?}, got {transcript:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_person_sees_each_key_within_the_gap_and_slack() {
    // Keys rolled over closer than the gap wait together for the last of them: not checked here.
    let people: [Timed; 3] =
        [varied(0, &[120, 150, 110], "alex\r"), varied(0, &[60, 80, 70, 65], "honnold\r"), steady(0, 51, "1234\r")];
    for keys in people {
        let (transcript, held_for) = drive(ScannerConfig::default(), &keys);
        assert_eq!(held_for.len(), keys.len(), "every key typed: {transcript}");
        let longest = held_for.iter().max().copied().unwrap_or_default();
        assert!(longest <= Duration::from_millis(51), "held {longest:?} in {transcript}");
    }
}

#[test]
fn a_held_key_is_released_by_the_tick_at_its_deadline_and_not_before() {
    let mut detector = BurstDetector::new(ScannerConfig::default()).unwrap();
    let t0 = Instant::now();
    assert_eq!(detector.deadline(), None);
    assert_eq!(detector.feed(key_for('a'), t0), Decision::Wait);
    assert!(detector.is_holding());
    let deadline = detector.deadline().expect("a held key has a deadline");
    assert_eq!(deadline, t0 + Duration::from_millis(51));
    assert!(detector.tick(t0 + Duration::from_millis(50)).is_empty(), "a scanner's next key may still come");
    assert_eq!(detector.tick(deadline), vec![key_for('a')]);
    assert_eq!(detector.deadline(), None);
}

#[test]
fn the_deadline_never_passes_the_burst_total() {
    let mut detector = BurstDetector::new(with(|c| (c.max_gap_ms, c.max_burst_ms) = (50, 100))).unwrap();
    let t0 = Instant::now();
    for ms in [0, 40, 80] {
        detector.feed(key_for('1'), t0 + Duration::from_millis(ms));
    }
    assert_eq!(detector.deadline(), Some(t0 + Duration::from_millis(101)));
}

#[test]
fn with_a_prefix_a_person_s_keys_are_typed_at_once() {
    let mut detector = BurstDetector::new(with(|c| c.prefix = "\u{2}".into())).unwrap();
    let t0 = Instant::now();
    assert_eq!(detector.feed(key_for('a'), t0), Decision::Type(vec![key_for('a')]));
    assert!(!detector.is_holding());
}

#[test]
fn flush_hands_back_held_keys_before_a_paste() {
    let mut detector = BurstDetector::new(ScannerConfig::default()).unwrap();
    let t0 = Instant::now();
    detector.feed(key_for('1'), t0);
    detector.feed(key_for('2'), t0 + Duration::from_millis(5));
    assert_eq!(detector.flush(), vec![key_for('1'), key_for('2')]);
    assert!(!detector.is_holding());
    // The next keys start afresh: a scan right after the paste is still a scan.
    let scan = steady(500, 5, "12345678\r");
    let decisions: Vec<Decision> =
        scan.iter().map(|(ms, key)| detector.feed(*key, t0 + Duration::from_millis(*ms))).collect();
    assert_eq!(decisions.last(), Some(&Decision::Scan("12345678".into())));
}

#[test]
fn key_releases_and_repeats_are_not_part_of_a_burst() {
    let mut detector = BurstDetector::new(ScannerConfig::default()).unwrap();
    let t0 = Instant::now();
    detector.feed(key_for('1'), t0);
    let mut release = key_for('1');
    release.kind = crossterm::event::KeyEventKind::Release;
    assert_eq!(detector.feed(release, t0 + Duration::from_millis(2)), Decision::Type(vec![key_for('1'), release]));
}

#[derive(Debug, serde::Deserialize)]
struct AppConfig {
    #[serde(default)]
    scanner: ScannerConfig,
}

#[test]
fn the_scanner_table_reads_from_toml() {
    let config: AppConfig = toml::from_str(
        r##"
        [scanner]
        enabled = true
        max_gap_ms = 30
        max_burst_ms = 800
        min_length = 6
        terminators = ["enter", "ctrl-j"]
        prefix = "\u0002"
        suffix = "#"
        "##,
    )
    .unwrap();
    assert_eq!(
        config.scanner,
        ScannerConfig {
            enabled: true,
            max_gap_ms: 30,
            max_burst_ms: 800,
            min_length: 6,
            terminators: vec![Terminator::Enter, Terminator::CtrlJ],
            prefix: "\u{2}".into(),
            suffix: "#".into(),
        }
    );
    assert!(BurstDetector::new(config.scanner).is_ok());
}

#[test]
fn a_missing_scanner_table_or_key_takes_the_defaults() {
    let config: AppConfig = toml::from_str("").unwrap();
    assert_eq!(config.scanner, ScannerConfig::default());
    let config: AppConfig = toml::from_str("[scanner]\nmin_length = 8\n").unwrap();
    assert_eq!(config.scanner, ScannerConfig { min_length: 8, ..ScannerConfig::default() });
}

#[test]
fn an_unknown_scanner_key_is_an_error_naming_it() {
    let err = toml::from_str::<AppConfig>("[scanner]\nmax_gap = 50\n").unwrap_err();
    assert!(err.to_string().contains("max_gap"), "{err}");
}

#[test]
fn settings_that_cannot_work_are_refused_with_the_key_and_the_fix() {
    let refused = |config: ScannerConfig| BurstDetector::new(config).unwrap_err();

    let err = refused(with(|c| c.prefix = "\u{3}".into()));
    assert_eq!(err.key, "prefix");
    assert!(err.problem.contains("Ctrl+C"), "{err}");

    let err = refused(with(|c| c.suffix = "x\r".into()));
    assert_eq!(err.key, "suffix");
    assert!(err.to_string().contains("scanner.terminators"), "{err}");

    assert_eq!(refused(with(|c| c.prefix = "\u{1b}".into())).key, "prefix");
    assert_eq!(refused(with(|c| c.terminators.clear())).key, "terminators");
    assert_eq!(refused(with(|c| c.max_gap_ms = 2000)).key, "max_gap_ms");
    assert_eq!(refused(with(|c| c.max_gap_ms = 0)).key, "max_gap_ms");
    assert_eq!(refused(with(|c| c.max_burst_ms = 60_000)).key, "max_burst_ms");
    assert_eq!(refused(with(|c| c.min_length = 0)).key, "min_length");
}

/// `BurstDetector::default()` skips validation: the defaults must pass it.
#[test]
fn the_default_settings_are_valid() {
    assert!(ScannerConfig::default().validate().is_ok());
    assert_eq!(BurstDetector::default().config(), &ScannerConfig::default());
}
