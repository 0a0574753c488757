//! A new photo: the file name (Tab completes it), the photo exactly as it will be stored, its sizes,
//! and the upload's progress.

use ratatui::Frame;
use ratatui::layout::Position;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui_image::Image;
use unicode_width::UnicodeWidthStr;

use super::{fit, pane_block};
use crate::tui::app::App;
use crate::tui::layout;

const PROMPT: &str = "File › ";

fn size_text(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

pub fn render(frame: &mut Frame, app: &App) {
    let Some(upload) = app.photo_upload.current() else { return };
    let theme = &app.theme;
    let area = frame.area();
    let areas = layout::photo_upload_areas(area, app.chrome(area));
    let c = &upload.customer;
    let block = pane_block(format!(" New photo for {} {} ", c.first_name, c.last_name), !app.help.is_open(), theme);
    frame.render_widget(block, areas.frame);

    let width = (areas.path.width as usize).saturating_sub(PROMPT.width() + 1);
    let scroll = upload.path.visual_scroll(width);
    let value: String = upload.path.value().chars().skip(scroll).collect();
    let shown = if value.is_empty() {
        Span::styled("type the photo's file name; Tab completes it (~ is your home folder)", theme.muted())
    } else {
        Span::raw(fit(&value, width))
    };
    frame.render_widget(Paragraph::new(Line::from(vec![Span::styled(PROMPT, theme.key()), shown])), areas.path);
    if !app.help.is_open() {
        let cursor = upload.path.visual_cursor().saturating_sub(scroll);
        frame.set_cursor_position(Position::new(areas.path.x + (PROMPT.width() + cursor) as u16, areas.path.y));
    }

    let completions = if let Some(problem) = &upload.problem {
        Paragraph::new(Line::styled(format!("✖ {problem}"), theme.error())).wrap(Wrap { trim: true })
    } else {
        let listed = upload.completions.join("  ");
        Paragraph::new(Line::styled(listed, theme.muted())).wrap(Wrap { trim: true })
    };
    frame.render_widget(completions, areas.completions);

    let mut info: Vec<Line> = Vec::new();
    match upload.ready() {
        Some(ready) => {
            match &ready.preview {
                Some(preview) => frame.render_widget(Image::new(&preview.0), areas.preview),
                None => {
                    let block = Block::default().borders(Borders::ALL).border_style(theme.border());
                    let inner = block.inner(areas.preview);
                    frame.render_widget(block, areas.preview);
                    frame.render_widget(Paragraph::new("Photos are off").style(theme.muted()).centered(), inner);
                }
            }
            info.push(Line::styled("This is the photo as it will be stored.", theme.heading()));
            info.push(Line::raw(format!("From the file: {}", size_text(ready.original_bytes))));
            info.push(Line::raw(format!("Sent and stored: 512×512 JPEG, {}", size_text(ready.jpeg.len() as u64))));
            info.push(Line::raw(""));
            match upload.uploading {
                Some((_, sent, total)) => {
                    let total = total.max(1);
                    let bar_width = (areas.info.width as usize).saturating_sub(8).min(30);
                    let done = (sent as usize * bar_width / total as usize).min(bar_width);
                    info.push(Line::from(vec![
                        Span::raw("Uploading "),
                        Span::styled("█".repeat(done), theme.accent()),
                        Span::styled("░".repeat(bar_width - done), theme.muted()),
                        Span::raw(format!(" {}%", sent * 100 / total)),
                    ]));
                }
                None => info
                    .push(Line::styled("ctrl-s uploads it; another file name and Enter shows that one", theme.key())),
            }
        }
        None if upload.is_preparing() => info.push(Line::styled("Preparing the photo…", theme.muted())),
        None => {
            info.push(Line::raw("Enter shows the photo exactly as it will be stored:"));
            info.push(Line::raw("upright, the centred square, 512×512."));
            info.push(Line::raw("Nothing is sent until you upload it."));
        }
    }
    let width = areas.info.width as usize;
    let info: Vec<Line> = info
        .into_iter()
        .map(|l| if l.width() > width { Line::styled(fit(&l.to_string(), width), l.style) } else { l })
        .collect();
    frame.render_widget(Paragraph::new(info), areas.info);
}
