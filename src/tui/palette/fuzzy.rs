//! The palette's fuzzy match: the typed letters must appear in the text in order (a subsequence,
//! case ignored); runs of consecutive letters and letters at the start of a word score higher, letters
//! scattered far apart and a match that starts late (mostly: inside a word) score lower. Small and dependency-free.

/// Points per matched character.
const MATCHED: i32 = 16;
/// Extra for a character right after the previous match ("undo" in "undo the last").
const CONSECUTIVE: i32 = 12;
/// Extra for a character at the start of a word ("lm" for "lookup mode").
const WORD_START: i32 = 10;
/// Lost per character skipped between two matches, up to [`MAX_GAP_PENALTY`] per gap.
const GAP: i32 = 2;
const MAX_GAP_PENALTY: i32 = 12;

/// The score of `query` against `text`, or `None` when the query's letters are not all in `text`,
/// in order. An empty query matches everything with 0. Spaces in the query are ignored.
pub fn score(query: &str, text: &str) -> Option<i32> {
    let query: Vec<char> = query.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect();
    if query.is_empty() {
        return Some(0);
    }
    let text: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    // Try each place the first letter occurs as the start, matching greedily from there, and keep the
    // best: greedy from the first occurrence alone would miss "undo" in "pun... undo".
    (0..text.len()).filter(|&i| text[i] == query[0]).filter_map(|start| from(&query, &text, start)).max()
}

/// The greedy match of `query` in `text` with its first letter at `start`.
fn from(query: &[char], text: &[char], start: usize) -> Option<i32> {
    // A match that starts late counts a little less; much less when it does not start a word.
    let at_word = start == 0 || !text[start - 1].is_alphanumeric();
    let mut total = -(if at_word { start / 8 } else { start.min(20) } as i32);
    let mut last: Option<usize> = None;
    let mut at = start;
    for &wanted in query {
        let found = (at..text.len()).find(|&i| text[i] == wanted)?;
        total += MATCHED;
        if found == 0 || !text[found - 1].is_alphanumeric() {
            total += WORD_START;
        }
        match last {
            Some(prev) if found == prev + 1 => total += CONSECUTIVE,
            Some(prev) => total -= ((found - prev - 1) as i32 * GAP).min(MAX_GAP_PENALTY),
            None => {}
        }
        last = Some(found);
        at = found + 1;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_in_order_match_case_ignored_and_out_of_order_do_not() {
        assert!(score("undo", "Undo the last check-in").is_some());
        assert!(score("UTLC", "undo the last check-in").is_some());
        assert!(score("odnu", "undo").is_none());
        assert!(score("x", "undo").is_none());
        assert_eq!(score("", "anything"), Some(0));
        assert_eq!(score("  ", "anything"), Some(0));
        assert!(score("look up", "lookup_mode").is_some(), "spaces in the query are ignored");
    }

    #[test]
    fn a_run_beats_scattered_letters_and_a_word_start_beats_the_middle() {
        let run = score("note", "notes").unwrap();
        let scattered = score("note", "next option to edit").unwrap();
        assert!(run > scattered, "{run} vs {scattered}");
        let start = score("m", "lookup mode").unwrap();
        let middle = score("m", "lookupmode").unwrap();
        assert!(start > middle, "{start} vs {middle}");
        let early = score("save", "save the form").unwrap();
        let late = score("save", "keep mine: save").unwrap();
        assert!(early > late, "{early} vs {late}");
    }

    #[test]
    fn the_best_start_is_found_not_only_the_first() {
        // The first "u" (in "pull") leads to scattered letters; the later "undo" is a whole run.
        let (query, text): (Vec<char>, Vec<char>) = ("undo".chars().collect(), "pull up the undo".chars().collect());
        let first_only = from(&query, &text, 1).unwrap();
        let run = from(&query, &text, 12).unwrap();
        assert!(run > first_only, "{run} vs {first_only}");
        assert_eq!(score("undo", "pull up the undo"), Some(run));
    }
}
