//! Text cut, padded and wrapped to a width in columns (what a pane shows, and how many rows it needs).

/// "s" after a count that is not one: `format!("{n} scan{}", plural(n))`.
pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Cuts text to `width` columns, marking the cut with `…`.
pub fn fit(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut out = String::new();
    let mut used = 0;
    let total: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return text.to_string();
    }
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// Pads (or cuts) text to exactly `width` columns.
pub fn cell(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let cut = fit(text, width);
    let pad = width.saturating_sub(cut.width());
    format!("{cut}{}", " ".repeat(pad))
}

pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// Word-wraps text to `width` columns (a word longer than the width is split), so text that carries
/// meaning is never cut. Leading spaces indent every line. At least one line, even for empty text.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let width = width.max(1);
    let mut indent: String = text.chars().take_while(|c| *c == ' ').collect();
    if indent.width() * 2 >= width {
        indent.clear();
    }
    let mut lines = Vec::new();
    let mut line = indent.clone();
    let mut empty = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !empty && line.width() + 1 + word.width() > width {
            lines.push(std::mem::replace(&mut line, indent.clone()));
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        for c in word.chars() {
            if !empty && line.width() + c.width().unwrap_or(0) > width {
                lines.push(std::mem::replace(&mut line, indent.clone()));
            }
            line.push(c);
            empty = false;
        }
    }
    if !empty || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrapping_keeps_every_word_and_the_indent() {
        assert_eq!(
            wrap("  Do not admit: banned, see the manager", 17),
            ["  Do not admit:", "  banned, see the", "  manager"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(wrap("fits", 10), ["fits"]);
    }
}
