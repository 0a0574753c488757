//! F8's chooser over the check-in screen: who is let in, why the rules refused, the reasons (or the
//! reason being typed), and the keys.

use ratatui::Frame;
use ratatui::layout::Position;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{fit, wrap};
use crate::tui::app::App;

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
    let mut cursor = None;
    match &choice.typing {
        None => {
            for (i, reason) in choice.reasons.iter().enumerate() {
                let text = fit(&format!(" {} {reason}", if i == choice.selected { "›" } else { " " }), text_width);
                let style = if i == choice.selected { theme.selected() } else { ratatui::style::Style::default() };
                lines.push(Line::styled(text, style));
            }
            lines.push(Line::raw(""));
            lines.push(Line::styled("↑↓ choose · enter lets them in with this reason · esc: no override", theme.key()));
        }
        Some(input) => {
            lines.push(Line::raw("Type the reason (kept with the check-in):"));
            let field = text_width.saturating_sub(3);
            let scroll = input.visual_scroll(field);
            let shown: String = input.value().chars().skip(scroll).collect();
            cursor = Some((lines.len() as u16, 2 + input.visual_cursor().saturating_sub(scroll) as u16));
            lines.push(Line::raw(format!("› {}", fit(&shown, field))));
            if let Some(problem) = &choice.problem {
                lines.extend(wrap(problem, text_width).into_iter().map(|l| Line::styled(l, theme.error())));
            }
            lines.push(Line::raw(""));
            lines.push(Line::styled("enter lets them in with this reason · esc: back to the list", theme.key()));
        }
    }
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
