//! Speculative typing: keys the detector holds (they may start a scan) shown at once in a field that can
//! take them back, and the bookkeeping that keeps what is shown exactly the keys not yet decided on.
//!
//! The app shows held keys one at a time, oldest first ([`Provisional::unshown`], then
//! [`Provisional::show`] with the field as it was just before the key), and stops at the first key the
//! field cannot take (the rest wait for the detector's decision, so keys are never reordered). Then:
//!
//! - the detector releases keys as typed (`Decision::Type`, `tick`, `flush`): the released keys are
//!   always the oldest held ones, in order, followed by any newer key, so the first ones were already
//!   shown. [`Provisional::typed`] forgets them and returns only the keys still to apply: no key is
//!   applied twice, none is lost;
//! - the detector takes the held keys as a scan (`Decision::Scan`, which consumes every held key):
//!   [`Provisional::scanned`] returns the field as it was before the first key shown, to put back.

use crossterm::event::KeyEvent;

use super::BurstDetector;

/// The held keys shown so far, oldest first, each with the field (`S`) as it was just before it.
#[derive(Debug, Clone)]
pub struct Provisional<S> {
    shown: Vec<(KeyEvent, S)>,
}

impl<S> Default for Provisional<S> {
    fn default() -> Self {
        Provisional { shown: Vec::new() }
    }
}

impl<S> Provisional<S> {
    /// How many held keys are shown.
    pub fn len(&self) -> usize {
        self.shown.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shown.is_empty()
    }

    /// The held keys not shown yet, oldest first: show them in this order, stopping at the first the
    /// field cannot take.
    pub fn unshown(&self, detector: &BurstDetector) -> Vec<KeyEvent> {
        let held: Vec<KeyEvent> = detector.held_keys().collect();
        debug_assert!(
            held.len() >= self.shown.len() && self.shown.iter().zip(&held).all(|((shown, _), held)| shown == held),
            "the keys shown are the oldest held ones"
        );
        held.into_iter().skip(self.shown.len()).collect()
    }

    /// `key`, the oldest held key not shown yet, is being shown; `before` is the field just before it.
    pub fn show(&mut self, key: KeyEvent, before: S) {
        self.shown.push((key, before));
    }

    /// The detector released `keys` as typed: they begin with the oldest held keys, so the first
    /// ones are already shown (and are now typed for good). Returns the rest, to apply in order.
    pub fn typed(&mut self, mut keys: Vec<KeyEvent>) -> Vec<KeyEvent> {
        let already = self.shown.len().min(keys.len());
        debug_assert!(
            self.shown.iter().zip(&keys).all(|((shown, _), released)| shown == released),
            "released keys begin with the oldest held ones"
        );
        self.shown.drain(..already);
        keys.drain(..already);
        keys
    }

    /// The detector took every held key as a scan: the field as it was before the first key shown
    /// (`None` when none was shown), to put back.
    pub fn scanned(&mut self) -> Option<S> {
        std::mem::take(&mut self.shown).into_iter().next().map(|(_, before)| before)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use crossterm::event::{KeyCode, KeyEvent};

    use super::*;
    use crate::desk::{Decision, ScannerConfig};

    /// A text field driven as the app drives the search bar: every held key shown at once, released
    /// keys applied unless already shown, a scan putting the text back. `typed` is the text decided on
    /// (what the field would hold with no speculation at all); `scans` the codes checked in.
    struct Field {
        detector: BurstDetector,
        provisional: Provisional<String>,
        text: String,
        typed: String,
        scans: Vec<String>,
        /// Characters the field does not take provisionally (as a key bound to an action).
        refuses: &'static str,
    }

    impl Field {
        fn new(config: ScannerConfig) -> Field {
            Field {
                detector: BurstDetector::new(config).unwrap(),
                provisional: Provisional::default(),
                text: String::new(),
                typed: String::new(),
                scans: Vec::new(),
                refuses: "",
            }
        }

        fn apply(&mut self, key: KeyEvent) {
            match key.code {
                KeyCode::Char(c) => self.text.push(c),
                KeyCode::Backspace => {
                    self.text.pop();
                }
                _ => {}
            }
        }

        fn decided(&mut self, key: KeyEvent) {
            match key.code {
                KeyCode::Char(c) => self.typed.push(c),
                KeyCode::Backspace => {
                    self.typed.pop();
                }
                _ => {}
            }
        }

        fn released(&mut self, keys: Vec<KeyEvent>) {
            for key in &keys {
                self.decided(*key);
            }
            for key in self.provisional.typed(keys) {
                self.apply(key);
            }
        }

        fn show_held(&mut self) {
            for key in self.provisional.unshown(&self.detector) {
                let takes =
                    key.modifiers.is_empty() && matches!(key.code, KeyCode::Char(c) if !self.refuses.contains(c));
                if !takes {
                    break;
                }
                self.provisional.show(key, self.text.clone());
                self.apply(key);
            }
        }

        fn feed(&mut self, key: KeyEvent, at: Instant) {
            match self.detector.feed(key, at) {
                Decision::Wait => {}
                Decision::Type(keys) => self.released(keys),
                Decision::Scan(code) => {
                    if let Some(before) = self.provisional.scanned() {
                        self.text = before;
                    }
                    self.scans.push(code);
                }
            }
            self.show_held();
            self.check();
        }

        fn tick(&mut self, at: Instant) {
            let keys = self.detector.tick(at);
            self.released(keys);
            self.show_held();
            self.check();
        }

        fn flush(&mut self) {
            let keys = self.detector.flush();
            self.released(keys);
            self.show_held();
            self.check();
        }

        /// What is shown is the text decided on and then exactly the held keys shown.
        fn check(&self) {
            let held: String = self
                .detector
                .held_keys()
                .take(self.provisional.len())
                .map(|k| match k.code {
                    KeyCode::Char(c) => c,
                    other => panic!("held {other:?}"),
                })
                .collect();
            assert_eq!(self.text, format!("{}{held}", self.typed), "shown = decided + undecided held keys");
        }
    }

    fn ch(c: char) -> KeyEvent {
        KeyEvent::from(KeyCode::Char(c))
    }

    fn ms(t0: Instant, ms: u64) -> Instant {
        t0 + Duration::from_millis(ms)
    }

    #[test]
    fn a_person_s_key_is_shown_at_once_and_applied_once_when_released() {
        let mut field = Field::new(ScannerConfig::default());
        let t0 = Instant::now();
        for (i, c) in "smith".char_indices() {
            let at = ms(t0, 80 * i as u64);
            field.feed(ch(c), at);
            assert_eq!(field.text, "smith"[..=i], "shown at once, before the detector decides");
            assert!(field.detector.is_holding(), "still held: it may start a scan");
            field.tick(field.detector.deadline().unwrap());
            assert_eq!(field.text, "smith"[..=i], "released and not applied twice");
            assert!(field.provisional.is_empty());
        }
        assert_eq!(field.typed, "smith");
    }

    #[test]
    fn a_scan_takes_its_shown_keys_back_and_leaves_the_text_as_it_was() {
        let mut field = Field::new(ScannerConfig::default());
        let t0 = Instant::now();
        field.feed(ch('a'), t0);
        field.feed(ch('n'), ms(t0, 300));
        field.tick(ms(t0, 400));
        assert_eq!(field.text, "an");
        for (i, c) in "100042".chars().enumerate() {
            field.feed(ch(c), ms(t0, 1000 + 5 * i as u64));
        }
        assert_eq!(field.text, "an100042", "the burst's keys are shown while they may still be typing");
        field.feed(KeyEvent::from(KeyCode::Enter), ms(t0, 1030));
        assert_eq!((field.text.as_str(), field.scans.as_slice()), ("an", ["100042".to_string()].as_slice()));
        // The scanner's CR LF: the line feed is dropped, nothing shown.
        field.feed(KeyEvent::new(KeyCode::Char('j'), crossterm::event::KeyModifiers::CONTROL), ms(t0, 1032));
        assert_eq!(field.text, "an");
        assert!(field.provisional.is_empty());
    }

    #[test]
    fn fast_typing_that_is_no_scan_ends_with_exactly_the_typed_text() {
        let mut field = Field::new(ScannerConfig::default());
        let t0 = Instant::now();
        for (i, c) in "annabel".chars().enumerate() {
            field.feed(ch(c), ms(t0, 30 * i as u64));
        }
        assert_eq!(field.text, "annabel");
        assert_eq!(field.provisional.len(), 7, "all still held");
        field.tick(field.detector.deadline().unwrap());
        assert_eq!((field.text.as_str(), field.typed.as_str()), ("annabel", "annabel"));
        assert!(field.provisional.is_empty());
    }

    #[test]
    fn a_non_character_key_or_a_flush_ends_the_burst_without_applying_a_key_twice() {
        let mut field = Field::new(ScannerConfig::default());
        let t0 = Instant::now();
        for (i, c) in "smi".chars().enumerate() {
            field.feed(ch(c), ms(t0, 10 * i as u64));
        }
        field.feed(KeyEvent::from(KeyCode::Backspace), ms(t0, 30));
        assert_eq!((field.text.as_str(), field.typed.as_str()), ("sm", "sm"));
        field.feed(ch('y'), ms(t0, 200));
        field.feed(ch('t'), ms(t0, 210));
        field.flush();
        assert_eq!((field.text.as_str(), field.typed.as_str()), ("smyt", "smyt"));
        assert!(!field.detector.is_holding() && field.provisional.is_empty());
    }

    #[test]
    fn a_key_the_field_cannot_take_stops_the_showing_so_nothing_is_reordered() {
        let mut field = Field { refuses: "?", ..Field::new(ScannerConfig::default()) };
        let t0 = Instant::now();
        field.feed(ch('a'), t0);
        field.feed(ch('?'), ms(t0, 10));
        field.feed(ch('b'), ms(t0, 20));
        assert_eq!(field.text, "a", "'?' waits for the decision, and 'b' behind it");
        field.tick(field.detector.deadline().unwrap());
        assert_eq!(field.text, "a?b");
    }

    #[test]
    fn a_burst_over_its_time_limit_is_released_while_newer_keys_are_still_held() {
        // Keys 30 ms apart for longer than max_burst_ms: the oldest are released by a newer key's feed,
        // which may itself be held again.
        let config = ScannerConfig { max_burst_ms: 100, max_gap_ms: 40, ..ScannerConfig::default() };
        let mut field = Field::new(config);
        let t0 = Instant::now();
        let text = "abcdefghij";
        for (i, c) in text.chars().enumerate() {
            field.feed(ch(c), ms(t0, 30 * i as u64));
        }
        field.feed(ch('k'), ms(t0, 400));
        field.tick(ms(t0, 1000));
        assert_eq!((field.text.as_str(), field.typed.as_str()), ("abcdefghijk", "abcdefghijk"));
    }

    #[test]
    fn with_a_prefix_a_person_s_keys_are_never_held_and_a_framed_scan_shows_nothing() {
        let config = ScannerConfig { prefix: "\u{2}".into(), ..ScannerConfig::default() };
        let mut field = Field::new(config);
        let t0 = Instant::now();
        field.feed(ch('a'), t0);
        field.feed(ch('b'), ms(t0, 5));
        assert_eq!((field.text.as_str(), field.provisional.len()), ("ab", 0), "typed at once, nothing provisional");
        // The prefix (Ctrl-B) is held, and is no character the field takes: the code behind it waits.
        field.feed(KeyEvent::new(KeyCode::Char('b'), crossterm::event::KeyModifiers::CONTROL), ms(t0, 500));
        for (i, c) in "100042".chars().enumerate() {
            field.feed(ch(c), ms(t0, 505 + 5 * i as u64));
        }
        assert_eq!((field.text.as_str(), field.provisional.len()), ("ab", 0));
        field.feed(KeyEvent::from(KeyCode::Enter), ms(t0, 540));
        assert_eq!((field.text.as_str(), field.scans.as_slice()), ("ab", ["100042".to_string()].as_slice()));
    }

    /// Many timings, each key's gap drawn from a small set: at every step what is shown is exactly the
    /// decided text and the undecided held keys (checked by `Field::check`), and once the detector
    /// has decided on everything the text is what was typed, less any scan.
    #[test]
    fn at_every_step_what_is_shown_is_the_decided_text_and_the_held_keys() {
        let gaps = [1u64, 5, 20, 45, 49, 50, 51, 60, 120];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..300 {
            let mut field = Field::new(ScannerConfig::default());
            let t0 = Instant::now();
            let mut at = 0u64;
            for _ in 0..(3 + next() % 12) {
                at += gaps[(next() % gaps.len() as u64) as usize];
                let key = match next() % 10 {
                    0 => KeyEvent::from(KeyCode::Enter),
                    1 => KeyEvent::from(KeyCode::Backspace),
                    n => ch(char::from(b'a' + n as u8)),
                };
                if next() % 7 == 0 {
                    field.tick(ms(t0, at));
                }
                field.feed(key, ms(t0, at));
            }
            field.tick(ms(t0, at + 2000));
            assert!(field.provisional.is_empty() && !field.detector.is_holding());
            assert_eq!(field.text, field.typed);
        }
    }
}
