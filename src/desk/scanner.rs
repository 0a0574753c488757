//! Tells a barcode scanner from a person at the keyboard, key by key, so that a scan anywhere in the app
//! becomes a check-in and a person's typing reaches the focused field unchanged. Pure and clock-injected.
//!
//! A USB scanner types like a keyboard: the code's keys a few milliseconds apart, then Enter, Tab or a
//! line feed (Ctrl+J in raw mode). A person's keys are 100 ms or more apart. The app feeds every key
//! press to [`BurstDetector::feed`] with the instant it was read and does what the [`Decision`] says:
//!
//! - [`Decision::Wait`]: the key is held back, because it may be the start of a scan (or it was a
//!   scanner's second terminator, as in CR LF, and is dropped). Arm a timer for
//!   [`BurstDetector::deadline`] and call [`BurstDetector::tick`] when it fires: a person's held key
//!   comes back from `tick` at most `max_gap_ms` + 1 ms after it was pressed. A field that can take
//!   keys back need not wait that long: see "Speculative typing" below.
//! - [`Decision::Type`]: hand these keys, in this order, to whatever has focus, as if just typed.
//!   Held keys always come back before a later key, so a person's typing is never lost or reordered.
//! - [`Decision::Scan`]: a complete scan (prefix and suffix stripped); check it in. Its keys are
//!   consumed: the focused field never sees them, so a scan never appends to a half-typed search.
//!
//! Feed key presses only (`KeyEventKind::Press`), each stamped with `Instant::now()` where it is read
//! (the input task), not where `update` gets to it: a slow frame would otherwise squeeze a person's
//! keys together into what looks like a burst.
//!
//! A burst is a scan only if every gap between its keys (and before the terminator) is at most
//! `max_gap_ms`, the whole of it from first key to terminator takes at most `max_burst_ms`, its code
//! has at least `min_length` characters, and it carries the configured prefix and suffix. Anything else
//! is typing. Keys with a modifier other than Shift (Alt+x, Ctrl+x unless Ctrl+x is a control
//! character of the prefix or suffix), and non-character keys (arrows, Esc, Backspace, F-keys) end a
//! burst: what was held is released as typed, then the key itself.
//!
//! ## Speculative typing (the search bar only)
//!
//! Without a prefix every key a person types is held up to `max_gap_ms` + 1 ms (51 ms by default), too
//! long for search as you type (each keystroke's results within 50 ms). So while the search bar has the
//! keys, the app types each held key into it at once, provisionally, and its search goes as usual;
//! [`Provisional`] remembers, per key shown, the text as it was just before it. What is shown
//! provisionally is always exactly the held keys ([`BurstDetector::held_keys`]: the keys not decided
//! on yet), oldest first; a key the bar would not take as a character (bound to an action, a
//! control character of a prefix) stops the showing, and later keys wait behind it, so nothing is
//! reordered. Then:
//!
//! - `Type(keys)`, and the keys from `tick` and `flush` (a timer, a non-character key ending the
//!   burst, a paste or click before focus moves): released keys always begin with the oldest held
//!   keys, in order, so [`Provisional::typed`] drops those already shown and returns the rest to hand
//!   on: no key is applied twice, none is lost or reordered.
//! - `Scan(code)`: the scan consumed every held key; [`Provisional::scanned`] gives the search text (and
//!   cursor) as before the burst, put back before the scan is handled as usual. Search as you type then
//!   asks for that text's results again only if they are not the ones shown: a scan still never leaves
//!   its characters in the search.
//!
//! Every other field (the form, the check-in screen's scan field, filter values, the photo path) gets a
//! held key only once it is decided, as above: none of them searches as it is typed, and the form's
//! barcode field takes a scan as its value.
//!
//! Known limit: without a prefix, a person's key pressed less than `max_gap_ms` before a scan starts
//! joins the scan (the server then answers "unknown barcode" and staff scan again). A prefix makes the
//! start of a scan exact.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use serde::{Deserialize, Serialize};

/// A key that ends a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Terminator {
    /// A carriage return (the Enter key).
    Enter,
    Tab,
    /// A line feed, which raw mode delivers as Ctrl+J.
    CtrlJ,
}

/// The `[scanner]` table of the app's config file. Every key is optional; for config.example.toml:
///
/// ```toml
/// [scanner]
/// # false at a desk without a barcode scanner: keys then reach the focused field without being held.
/// enabled = true
/// # A scanner types its keys at most this many milliseconds apart; people are slower (100 ms or more).
/// max_gap_ms = 50
/// # ... and the whole code, from its first key to the terminator, within this many milliseconds.
/// max_burst_ms = 1000
/// # Shorter codes (prefix and suffix not counted) are typing, not scans.
/// min_length = 4
/// # Keys that end a scan: "enter", "tab", "ctrl-j" (a line feed). With none, the suffix ends a scan.
/// terminators = ["enter", "tab", "ctrl-j"]
/// # For scanners set up to frame each code: required and stripped when set. A control character is
/// # written "\u0002" (Ctrl+B). Never Ctrl+C ("\u0003"), Esc, Tab, CR or LF.
/// prefix = ""
/// suffix = ""
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScannerConfig {
    pub enabled: bool,
    pub max_gap_ms: u64,
    pub max_burst_ms: u64,
    pub min_length: usize,
    pub terminators: Vec<Terminator>,
    pub prefix: String,
    pub suffix: String,
}

impl Default for ScannerConfig {
    fn default() -> Self {
        ScannerConfig {
            enabled: true,
            max_gap_ms: 50,
            max_burst_ms: 1000,
            min_length: 4,
            terminators: vec![Terminator::Enter, Terminator::Tab, Terminator::CtrlJ],
            prefix: String::new(),
            suffix: String::new(),
        }
    }
}

/// A `[scanner]` setting that cannot work, with what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("scanner.{key}: {problem}")]
pub struct ScannerConfigError {
    pub key: &'static str,
    pub problem: String,
}

/// Longest burst the config may allow: beyond this a person typing quickly would pass for a scanner.
const MAX_BURST_LIMIT_MS: u64 = 10_000;

/// Timers wake at millisecond resolution; the deadline is this far past the last instant at which a
/// held burst could still go on, so that a tick at the deadline always releases it.
const DEADLINE_SLACK: Duration = Duration::from_millis(1);

impl ScannerConfig {
    /// Checks every setting; the detector is built only from a config that passed.
    pub fn validate(&self) -> Result<(), ScannerConfigError> {
        let fail = |key, problem: String| Err(ScannerConfigError { key, problem });
        if self.max_burst_ms == 0 || self.max_burst_ms > MAX_BURST_LIMIT_MS {
            return fail(
                "max_burst_ms",
                format!("must be 1 to {MAX_BURST_LIMIT_MS} (is {}); 1000 suits USB scanners", self.max_burst_ms),
            );
        }
        if self.max_gap_ms == 0 || self.max_gap_ms > self.max_burst_ms {
            return fail(
                "max_gap_ms",
                format!(
                    "must be 1 to max_burst_ms ({}) (is {}); 50 suits USB scanners",
                    self.max_burst_ms, self.max_gap_ms
                ),
            );
        }
        if self.min_length == 0 {
            return fail("min_length", "must be at least 1; 4 is a good start".into());
        }
        for (key, framing) in [("prefix", &self.prefix), ("suffix", &self.suffix)] {
            if let Some(c) = framing.chars().find(|c| unusable_in_framing(*c)) {
                return fail(key, format!("cannot contain {}: {}", char_name(c), why_unusable(c)));
            }
        }
        if self.terminators.is_empty() && self.suffix.is_empty() {
            return fail(
                "terminators",
                "is empty, so only a suffix could end a scan, and there is none: list \"enter\", \"tab\" or \
                 \"ctrl-j\", or set scanner.suffix"
                    .into(),
            );
        }
        Ok(())
    }
}

/// Characters a prefix or suffix cannot hold: raw mode would not deliver them as one key of a burst.
fn unusable_in_framing(c: char) -> bool {
    matches!(c, '\u{3}' | '\u{1b}' | '\t' | '\r' | '\n' | '\u{7f}')
}

fn why_unusable(c: char) -> &'static str {
    match c {
        '\u{3}' => "it arrives as Ctrl+C, which quits the app if a scan is ever cut short",
        '\u{1b}' => "the terminal reads Esc followed by a key as Alt+key",
        '\t' | '\r' | '\n' => "it is a terminator; list it in scanner.terminators instead",
        _ => "it arrives as Backspace",
    }
}

fn char_name(c: char) -> String {
    if c.is_control() { format!("the control character U+{:04X}", c as u32) } else { format!("{c:?}") }
}

/// What the app does with a key it fed to the detector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Nothing now: the key is held (see [`BurstDetector::deadline`]) or was a scanner's extra terminator.
    Wait,
    /// Hand these keys, in order, to whatever has focus, as typed.
    Type(Vec<KeyEvent>),
    /// A scan: check this code in. Its keys are consumed.
    Scan(String),
}

/// What a key press can be to the detector.
enum Input {
    /// A character that can be part of a burst, with the character the scanner sent.
    Burst(char),
    Terminator,
    /// Anything else: it ends a burst and goes to the app.
    Other,
}

#[derive(Debug, Clone)]
struct Held {
    key: KeyEvent,
    ch: char,
    at: Instant,
}

/// The detector: one per app, fed every key press.
#[derive(Debug, Clone)]
pub struct BurstDetector {
    config: ScannerConfig,
    max_gap: Duration,
    max_burst: Duration,
    /// Keys held back while they may still be the start of a scan, oldest first.
    held: Vec<Held>,
    /// When the last key of any kind arrived: a key right behind one that was already judged (typed,
    /// or part of an over-long burst) continues that stream and cannot start a scan.
    last_key_at: Option<Instant>,
    /// When the last scan ended, so that a second terminator right behind it (CR LF) is dropped.
    last_scan_at: Option<Instant>,
}

/// The detector with the default settings (which are valid: a test in
/// `scanner/tests.rs` checks it).
impl Default for BurstDetector {
    fn default() -> Self {
        BurstDetector::unchecked(ScannerConfig::default())
    }
}

impl BurstDetector {
    pub fn new(config: ScannerConfig) -> Result<BurstDetector, ScannerConfigError> {
        config.validate()?;
        Ok(BurstDetector::unchecked(config))
    }

    fn unchecked(config: ScannerConfig) -> BurstDetector {
        BurstDetector {
            max_gap: Duration::from_millis(config.max_gap_ms),
            max_burst: Duration::from_millis(config.max_burst_ms),
            config,
            held: Vec::new(),
            last_key_at: None,
            last_scan_at: None,
        }
    }

    pub fn config(&self) -> &ScannerConfig {
        &self.config
    }

    /// Takes one key press, read at `now`, and says what to do.
    pub fn feed(&mut self, key: KeyEvent, now: Instant) -> Decision {
        if !self.config.enabled {
            return Decision::Type(vec![key]);
        }
        let previous_key_at = self.last_key_at.replace(now);
        let previous_scan_at = self.last_scan_at.take();
        let mut typed = self.release_if_expired(now);
        match self.classify(&key) {
            Input::Terminator => {
                if let Some(code) = self.complete_scan() {
                    // A complete scan was within its limits, so nothing expired just now.
                    debug_assert!(typed.is_empty());
                    self.held.clear();
                    self.last_scan_at = Some(now);
                    return Decision::Scan(code);
                }
                if self.held.is_empty() && typed.is_empty() && self.within_gap(previous_scan_at, now) {
                    return Decision::Wait;
                }
                typed.extend(self.take_held());
                typed.push(key);
            }
            Input::Other => {
                typed.extend(self.take_held());
                typed.push(key);
            }
            Input::Burst(ch) => {
                let continues_judged_stream = self.held.is_empty() && self.within_gap(previous_key_at, now);
                if continues_judged_stream {
                    typed.push(key);
                } else {
                    self.held.push(Held { key, ch, at: now });
                    typed.extend(self.release_impossible_start());
                    if self.config.terminators.is_empty()
                        && let Some(code) = self.complete_scan()
                    {
                        // Keys are released only while the held text is not yet past the prefix, and
                        // then it cannot be a complete scan: nothing released is lost here.
                        debug_assert!(typed.is_empty());
                        self.held.clear();
                        self.last_scan_at = Some(now);
                        return Decision::Scan(code);
                    }
                }
            }
        }
        if typed.is_empty() { Decision::Wait } else { Decision::Type(typed) }
    }

    /// The instant at which held keys must be released if no key comes first; `None` when nothing is held.
    pub fn deadline(&self) -> Option<Instant> {
        let first = self.held.first()?.at;
        let last = self.held.last()?.at;
        Some((last + self.max_gap).min(first + self.max_burst) + DEADLINE_SLACK)
    }

    /// Called when the deadline's timer fires (or any time): the held keys that can no longer be a
    /// scan, to be typed into the focused field.
    pub fn tick(&mut self, now: Instant) -> Vec<KeyEvent> {
        self.release_if_expired(now)
    }

    /// Releases everything held, as typed: call before handling an event that is not a key press
    /// (a paste, a mouse click that moves focus), so that held keys land where they were typed and
    /// before it. A paste is never a scan.
    pub fn flush(&mut self) -> Vec<KeyEvent> {
        self.take_held()
    }

    /// Whether keys are held back right now (for a status hint; the app needs only [`Self::deadline`]).
    pub fn is_holding(&self) -> bool {
        !self.held.is_empty()
    }

    /// The keys held back right now, oldest first: the keys not decided on yet (see [`Provisional`],
    /// which shows them at once in a field that can take them back).
    pub fn held_keys(&self) -> impl ExactSizeIterator<Item = KeyEvent> + '_ {
        self.held.iter().map(|h| h.key)
    }

    fn classify(&self, key: &KeyEvent) -> Input {
        if key.kind != KeyEventKind::Press {
            return Input::Other;
        }
        let modifiers = key.modifiers.difference(KeyModifiers::SHIFT);
        let is = |t| self.config.terminators.contains(&t);
        match key.code {
            KeyCode::Enter if modifiers.is_empty() && is(Terminator::Enter) => Input::Terminator,
            KeyCode::Tab if modifiers.is_empty() && is(Terminator::Tab) => Input::Terminator,
            KeyCode::Char('j') if modifiers == KeyModifiers::CONTROL && is(Terminator::CtrlJ) => Input::Terminator,
            KeyCode::Char(c) if modifiers.is_empty() => Input::Burst(c),
            KeyCode::Char(c) if modifiers == KeyModifiers::CONTROL => match control_character(c) {
                Some(sent) if self.config.prefix.contains(sent) || self.config.suffix.contains(sent) => {
                    Input::Burst(sent)
                }
                _ => Input::Other,
            },
            _ => Input::Other,
        }
    }

    fn within_gap(&self, earlier: Option<Instant>, now: Instant) -> bool {
        earlier.is_some_and(|at| now.saturating_duration_since(at) <= self.max_gap)
    }

    /// Held keys that can no longer be continued by a key at `now`: too long since the last one, or the
    /// burst would run over its total.
    fn release_if_expired(&mut self, now: Instant) -> Vec<KeyEvent> {
        let (Some(first), Some(last)) = (self.held.first(), self.held.last()) else { return Vec::new() };
        let expired = now.saturating_duration_since(last.at) > self.max_gap
            || now.saturating_duration_since(first.at) > self.max_burst;
        if expired { self.take_held() } else { Vec::new() }
    }

    /// With a prefix, held keys that do not begin it cannot start a scan: they are typed at once
    /// (a person at a prefixed desk sees no hold-back at all), keeping any tail that still could.
    fn release_impossible_start(&mut self) -> Vec<KeyEvent> {
        let prefix = &self.config.prefix;
        let mut released = Vec::new();
        while !self.held.is_empty() && !could_start_with(&self.held, prefix) {
            released.push(self.held.remove(0).key);
        }
        released
    }

    /// The code, if the held keys (already known to be within the gap and total limits) make a scan.
    fn complete_scan(&self) -> Option<String> {
        let text: String = self.held.iter().map(|h| h.ch).collect();
        let code = text.strip_prefix(self.config.prefix.as_str())?.strip_suffix(self.config.suffix.as_str())?;
        let long_enough = code.chars().count() >= self.config.min_length;
        (long_enough && !code.chars().any(char::is_control)).then(|| code.to_string())
    }

    fn take_held(&mut self) -> Vec<KeyEvent> {
        self.held.drain(..).map(|h| h.key).collect()
    }
}

/// Whether the held characters are the prefix so far, or go past it.
fn could_start_with(held: &[Held], prefix: &str) -> bool {
    let mut expected = prefix.chars();
    held.iter().all(|h| expected.next().is_none_or(|p| p == h.ch))
}

/// The control character a terminal in raw mode reports as Ctrl+`c` (crossterm's reading of bytes
/// 0x00 to 0x1F).
fn control_character(c: char) -> Option<char> {
    match c {
        'a'..='z' => Some(char::from(c as u8 - b'a' + 1)),
        '4'..='7' => Some(char::from(c as u8 - b'4' + 0x1c)),
        ' ' => Some('\0'),
        _ => None,
    }
}

mod provisional;
pub use provisional::Provisional;

#[cfg(test)]
mod tests;
