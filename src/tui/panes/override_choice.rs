//! F8's chooser over the check-in screen: who is let in, why the rules refused, the reasons (or the
//! reason being typed, or the manager's username and PIN), and the keys.

use ratatui::Frame;
use ratatui::layout::Position;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use tui_input::Input;

use super::{fit, wrap};
use crate::tui::app::App;
use crate::tui::check_in::OverrideChoice;
use crate::tui::check_in::manager_pin::ManagerPin;
use crate::tui::theme::Theme;

pub fn render(frame: &mut Frame, app: &App) {
    let Some(choice) = &app.check_in.choosing_override else { return };
    let theme = &app.theme;
    let screen = frame.area();
    let width = 70.min(screen.width.saturating_sub(4)).max(20);
    let text_width = width.saturating_sub(2) as usize;
    let who = if choice.who.trim().is_empty() { format!("barcode {}", choice.barcode) } else { choice.who.clone() };
    let mut lines = vec![Line::styled(fit(&format!("Let {who} in anyway?"), text_width), theme.heading())];
    lines.extend(
        wrap(&format!("Refused: {}", choice.refusal), text_width).into_iter().map(|l| Line::styled(l, theme.muted())),
    );
    lines.push(Line::raw(""));
    let cursor = match (&choice.manager, &choice.typing) {
        (Some(manager), _) => manager_fields(&mut lines, manager, text_width, theme),
        (None, None) => {
            reasons(&mut lines, choice, text_width, theme);
            None
        }
        (None, Some(input)) => {
            lines.push(Line::raw("Type the reason (kept with the check-in):"));
            let cursor = field(&mut lines, "› ", input, text_width, false);
            if let Some(problem) = &choice.problem {
                lines.extend(wrap(problem, text_width).into_iter().map(|l| Line::styled(l, theme.error())));
            }
            lines.push(Line::raw(""));
            lines.push(Line::styled("enter lets them in with this reason · esc: back to the list", theme.key()));
            Some(cursor)
        }
    };
    let height = (lines.len() as u16 + 2).min(screen.height);
    let top = (screen.height.saturating_sub(height)) / 3;
    let inner = super::dialog(frame, " Override: why let them in? ", (width, height), 2, top, theme);
    if let Some((row, column)) = cursor
        && !app.help.is_open()
        && row < inner.height
    {
        frame.set_cursor_position(Position::new(inner.x + column, inner.y + row));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn reasons(lines: &mut Vec<Line<'static>>, choice: &OverrideChoice, text_width: usize, theme: &Theme) {
    for (i, reason) in choice.reasons.iter().enumerate() {
        let text = fit(&format!(" {} {reason}", if i == choice.selected { "›" } else { " " }), text_width);
        let style = if i == choice.selected { theme.selected() } else { ratatui::style::Style::default() };
        lines.push(Line::styled(text, style));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("↑↓ choose · enter lets them in with this reason · esc: no override", theme.key()));
}

/// One line with `label` and the field's text (dots for a secret); the cursor's (row, column).
fn field(lines: &mut Vec<Line<'static>>, label: &str, input: &Input, text_width: usize, secret: bool) -> (u16, u16) {
    let label_width = label.chars().count();
    let width = text_width.saturating_sub(label_width + 1);
    let scroll = input.visual_scroll(width);
    let shown: String = if secret {
        "•".repeat(input.value().chars().count().saturating_sub(scroll))
    } else {
        input.value().chars().skip(scroll).collect()
    };
    let cursor = (lines.len() as u16, (label_width + input.visual_cursor().saturating_sub(scroll)) as u16);
    lines.push(Line::raw(format!("{label}{}", fit(&shown, width))));
    cursor
}

/// The manager's two fields; the cursor in the one with the keys (none while the PIN is checked).
fn manager_fields(
    lines: &mut Vec<Line<'static>>,
    manager: &ManagerPin,
    text_width: usize,
    theme: &Theme,
) -> Option<(u16, u16)> {
    lines.push(Line::raw(fit(&format!("Reason: {}", manager.reason), text_width)));
    lines.push(Line::raw("A manager's PIN lets them in (the server records the manager):"));
    let user = field(lines, "Manager: ", &manager.username, text_width, false);
    let pin = field(lines, "PIN:     ", &manager.pin, text_width, true);
    if manager.waiting.is_some() {
        lines.push(Line::styled("Checking the PIN…", theme.muted()));
    } else if let Some(error) = &manager.error {
        lines.extend(wrap(error, text_width).into_iter().map(|l| Line::styled(l, theme.error())));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("tab: next field · enter lets them in · esc: back to the reasons", theme.key()));
    match (manager.waiting, manager.on_pin) {
        (Some(_), _) => None,
        (None, true) => Some(pin),
        (None, false) => Some(user),
    }
}
