//! The lock screen (see [`crate::tui::staff`]): over the whole screen but the status line and the
//! footer, so nothing of a customer shows while nobody is signed in; a box asking for a username and
//! a PIN or password, and below it the verdict of a scan taken while locked.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use super::{fit, pane_block, wrap};
use crate::tui::app::App;
use crate::tui::staff::{LockReason, LockScreen};

const BOX_WIDTH: u16 = 72;

pub fn render(frame: &mut Frame, main: Rect, app: &App) {
    let Some(screen) = &app.staff.screen else { return };
    frame.render_widget(Clear, main);
    let width = BOX_WIDTH.min(main.width.saturating_sub(2));
    let lines = box_lines(app, screen, width.saturating_sub(2) as usize);
    let height = (lines.len() as u16 + 2).min(main.height);
    let top = main.y + main.height.saturating_sub(height) / 4;
    let area = Rect { x: main.x + (main.width - width) / 2, y: top, width, height };
    let block = pane_block(" Desk locked ", true, &app.theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(Paragraph::new(lines), inner);
    let below = Rect { y: area.bottom(), height: main.bottom().saturating_sub(area.bottom()), ..main };
    render_scan(frame, below, app, screen);
}

/// The box's lines at `w` columns: why it is locked and what scans do, the two fields, what
/// happened to the last try (wrapped, never cut), and the keys.
fn box_lines(app: &App, screen: &LockScreen, w: usize) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let why = match (screen.reason, app.staff.lock_after) {
        (LockReason::Idle, Some(after)) => format!("Locked after {} without a key.", words(after)),
        _ => "Locked (F12).".to_string(),
    };
    let scans = if app.staff.scan_while_locked {
        format!("Scans still check in as {}.", app.staff.last_staff())
    } else {
        "Scans wait until someone signs in.".to_string()
    };
    let marker = |on: bool| if on { "›" } else { " " };
    let secret = "•".repeat(screen.secret.value().chars().count());
    let (status, style) = match (screen.waiting, screen.lockout_left(app.clock.now()), &screen.error) {
        (true, _, _) => ("Signing in…".to_string(), theme.muted()),
        (_, Some((message, left)), _) => (format!("{message} ({} left)", clock_words(left)), theme.error()),
        (_, None, Some(error)) => (error.clone(), theme.error()),
        (_, None, None) => {
            ("A PIN is 4 to 8 digits; anything else is sent as the password.".to_string(), theme.muted())
        }
    };
    let mut lines: Vec<Line<'static>> = wrap(&format!("{why} {scans}"), w).into_iter().map(Line::raw).collect();
    lines.extend(
        wrap("Sign in to go on as yourself: what you do is recorded in your name.", w).into_iter().map(Line::raw),
    );
    lines.push(Line::raw(""));
    lines.push(Line::raw(fit(&format!("{} Username: {}", marker(!screen.on_secret), screen.username.value()), w)));
    lines.push(Line::raw(fit(&format!("{} PIN or password: {secret}", marker(screen.on_secret)), w)));
    lines.push(Line::raw(""));
    lines.extend(wrap(&status, w).into_iter().map(|l| Line::styled(l, style)));
    lines.push(Line::styled(fit("tab next field · enter sign in · esc start over · ctrl-c quits", w), theme.key()));
    lines
}

/// The verdict of a scan taken while locked, as the check-in screen's banner says it.
fn render_scan(frame: &mut Frame, area: Rect, app: &App, screen: &LockScreen) {
    let Some(verdict) = app.check_in.verdict.as_ref().filter(|_| screen.scanned) else { return };
    if area.height < 2 {
        return;
    }
    let area = Rect { y: area.y + 1, height: area.height - 1, ..area };
    let lines: Vec<Line> = app.banner_lines(area.width).into_iter().map(Line::raw).collect();
    frame.render_widget(Paragraph::new(lines).style(super::check_in::banner_style(app, verdict.level)), area);
}

/// `10 minutes`, `90 seconds`, `1 hour`.
fn words(d: std::time::Duration) -> String {
    let secs = d.as_secs();
    let (n, unit) = if secs.is_multiple_of(3600) {
        (secs / 3600, "hour")
    } else if secs.is_multiple_of(60) {
        (secs / 60, "minute")
    } else {
        (secs, "second")
    };
    if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") }
}

/// `0:45`.
fn clock_words(secs: u64) -> String {
    format!("{}:{:02}", secs / 60, secs % 60)
}
