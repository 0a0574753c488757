//! The status line and the footer: what they say (the app owns the status line), and so how many
//! rows they need. The status pane draws them; the layout is told their rows.

use ratatui::layout::Rect;
use ratatui::style::Style;

use super::App;
use crate::tui::action::Action;
use crate::tui::keymap::KeyContext;
use crate::tui::layout::Chrome;
use crate::tui::text::{SPINNER, wrap};

impl App {
    /// The status text and its style.
    pub fn status_text(&self) -> (String, Style) {
        let theme = &self.theme;
        let refused = &self.check_in.refused_on_delivery;
        if let Some(question) = &self.quit_question {
            (format!(" ● {question} Quit anyway? y yes · n or esc no"), theme.warn())
        } else if !refused.is_empty() {
            // Customers let in while the server was away, then refused by it:
            // they are inside. Who, here, on every screen; why is on the check-in
            // screen's verdict and today list (the whole sentence would push the
            // hint out of the status line's three rows at 80 columns).
            let who: Vec<&str> =
                refused.iter().map(|r| r.split_once(": ").map_or(r.as_str(), |(who, _)| who)).collect();
            let text = format!(
                " ✖ Let in while offline, then refused: {} · they are inside: settle it (F3 says why) · Enter on the empty scan field acknowledges",
                who.join(", ")
            );
            (text, theme.error())
        } else if let Some(notice) = &self.notice {
            let style = if notice.warn { theme.warn() } else { theme.ok() };
            (format!(" ● {}", notice.text), style)
        } else if let Some(problem) = &self.problem {
            let retry = self.keymap.keys_for(self.key_context(), Action::Retry);
            let hint = retry.first().map(|k| format!(" · {k} retry")).unwrap_or_default();
            let lead = if problem.offline { "● Offline: " } else { "● " };
            (format!(" {lead}{}{hint}", problem.message), theme.error())
        } else if self.is_busy() {
            let what = self.busy_with();
            (format!(" {} {what}…", SPINNER[self.spinner % SPINNER.len()]), theme.muted())
        } else {
            let shown = self.list.rows.len();
            let more = match self.list.count {
                Some(count) if (count as usize) > shown => format!(" · {shown} loaded"),
                _ => String::new(),
            };
            let who = self.staff.signed_in.as_ref().map(|user| format!("{user} @ ")).unwrap_or_default();
            (format!(" ● {who}{}{more}", self.server_label), theme.ok())
        }
    }

    /// The status line wrapped to `width`.
    pub fn status_rows(&self, width: u16) -> Vec<String> {
        wrap(&self.status_text().0, width as usize)
    }

    /// The footer's keys and what they do, as many to a row as fit in `width`, never cut.
    pub fn footer_rows(&self, width: u16) -> Vec<Vec<(String, &'static str)>> {
        let width = width as usize;
        let mut rows = Vec::new();
        let mut row = Vec::new();
        let mut used = 1;
        let context = self.key_context();
        for (keys, mut words) in self.keymap.footer(context) {
            if context == KeyContext::CheckIn && self.check_in.lookup && words == Action::Submit.short() {
                words = "look up (no check-in)";
            }
            if context == KeyContext::Palette && words == Action::Confirm.short() {
                words = "run";
            }
            let len = keys.chars().count() + words.chars().count() + 1;
            if used + len > width && !row.is_empty() {
                rows.push(std::mem::take(&mut row));
                used = 1;
            }
            used += len + 2;
            row.push((keys, words));
        }
        rows.push(row);
        rows
    }

    /// The rows the status line and the footer take at the bottom of `area`.
    pub fn chrome(&self, area: Rect) -> Chrome {
        Chrome {
            status_rows: self.status_rows(area.width).len() as u16,
            footer_rows: self.footer_rows(area.width).len() as u16,
        }
    }
}
