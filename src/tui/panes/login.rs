//! The login prompt over whatever screen is in front (see [`crate::tui::login`]).

use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::fit;
use crate::tui::app::App;

/// The prompt over whatever screen is in front.
pub fn render(frame: &mut Frame, app: &App) {
    let Some(prompt) = &app.login else { return };
    let top = frame.area().height / 4;
    let inner = super::dialog(frame, " Sign in again ", (64, 9), 1, top, &app.theme);
    let w = inner.width as usize;
    let marker = |on: bool| if on { "›" } else { " " };
    let mut lines = vec![
        Line::raw(fit("The server no longer accepts this desk's login (401).", w)),
        Line::raw(fit("Nothing is lost: scans are kept and sent once you are in.", w)),
        Line::raw(""),
        Line::raw(fit(&format!("{} Username: {}", marker(!prompt.on_password), prompt.username.value()), w)),
        Line::raw(fit(
            &format!(
                "{} Password: {}",
                marker(prompt.on_password),
                "•".repeat(prompt.password.value().chars().count())
            ),
            w,
        )),
    ];
    let last = match (&prompt.error, prompt.waiting) {
        (_, true) => Line::styled("Signing in…", app.theme.muted()),
        (Some(error), _) => Line::styled(fit(error, w), app.theme.error()),
        (None, _) => Line::styled(fit("enter next/sign in · tab switch field · ctrl-c quits", w), app.theme.key()),
    };
    lines.push(Line::raw(""));
    lines.push(last);
    frame.render_widget(Paragraph::new(lines), inner);
}
