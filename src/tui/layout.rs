//! Where each pane goes, as a pure function of the terminal size and a few plain facts (how many
//! rows the status line and the footer need, which panes are open), so drawing, mouse hit-testing
//! and "how big is the photo" all agree. It knows no app state: callers measure their text and
//! pass the numbers in.

use ratatui::layout::{Constraint, Layout, Rect};
use unicode_width::UnicodeWidthStr;

use super::screen::Focus;

/// From this width on, the results and the profile sit side by side.
pub const WIDE: u16 = 120;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Areas {
    pub search: Rect,
    pub chips: Option<Rect>,
    pub results: Option<Rect>,
    pub detail: Option<Rect>,
    pub filters: Option<Rect>,
    pub status: Rect,
    pub footer: Rect,
}

/// The rows the status line and the footer need under whatever a screen draws (each is kept to
/// one to three rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chrome {
    pub status_rows: u16,
    pub footer_rows: u16,
}

/// What the search screen has open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeskPanes {
    /// A line of filter chips under the search bar.
    pub chips: bool,
    pub filters_open: bool,
    pub focus: Focus,
}

pub fn areas(area: Rect, chrome: Chrome, desk: DeskPanes) -> Areas {
    let chips_height = u16::from(desk.chips);
    let (above, status, footer) = with_status(area, chrome);
    let [search, chips, main] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(chips_height), Constraint::Min(0)]).areas(above);
    let mut out = Areas { search, chips: (chips_height > 0).then_some(chips), status, footer, ..Areas::default() };
    if area.width >= WIDE {
        // The list gets a little more than half: room for a whole 30-character name with age,
        // birthday and badges (see `panes::results::columns`).
        let [left, right] = Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(main);
        out.results = Some(left);
        if desk.filters_open {
            out.filters = Some(right);
        } else {
            out.detail = Some(right);
        }
    } else {
        match desk.focus {
            Focus::Filters if desk.filters_open => out.filters = Some(main),
            Focus::Detail => out.detail = Some(main),
            _ => out.results = Some(main),
        }
    }
    out
}

/// The photo's cells inside the detail pane: bigger when there is room.
pub fn photo_rect(detail: Rect) -> Rect {
    let inner = inner(detail);
    let (w, h) = if inner.width >= 70 && inner.height >= 30 { (24, 12) } else { (16, 8) };
    Rect { x: inner.x, y: inner.y, width: w.min(inner.width), height: h.min(inner.height) }
}

/// Inside a one-cell border.
pub fn inner(r: Rect) -> Rect {
    Rect { x: r.x + 1, y: r.y + 1, width: r.width.saturating_sub(2), height: r.height.saturating_sub(2) }
}

/// How many customer rows the results pane shows (its border and header row
/// take three lines).
pub fn result_rows(results: Rect) -> usize {
    usize::from(results.height.saturating_sub(3))
}

/// What the chips line starts with.
pub const CHIPS_PREFIX: &str = " Filters: ";

/// A chip's width on screen: ` text × `.
pub fn chip_width(text: &str) -> u16 {
    (text.width() + 4) as u16
}

/// Where each chip sits on the chips line, given each chip's (filter index, text): (filter index, area).
pub fn chip_rects(chips: Rect, texts: &[(usize, String)]) -> Vec<(usize, Rect)> {
    let mut x = chips.x + CHIPS_PREFIX.chars().count() as u16;
    let mut out = Vec::new();
    for (index, text) in texts {
        let index = *index;
        let width = chip_width(text);
        if x + width > chips.x + chips.width {
            break;
        }
        out.push((index, Rect { x, y: chips.y, width, height: 1 }));
        x += width + 1;
    }
    out
}

/// The check-in screen's places.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CheckInAreas {
    /// The scan field (one line).
    pub scan: Rect,
    /// The verdict, full width.
    pub banner: Rect,
    /// The scanned customer's photo.
    pub photo: Rect,
    /// Who they are and what to know, beside the photo.
    pub details: Rect,
    /// Today's scans: under the customer, or beside them on a wide terminal.
    pub today: Rect,
    pub status: Rect,
    pub footer: Rect,
}

/// The status line and the footer under whatever a screen draws above them: one row each, or
/// more when their text needs it (they wrap rather than cut; at most three rows each).
pub fn with_status(area: Rect, chrome: Chrome) -> (Rect, Rect, Rect) {
    let status_height = chrome.status_rows.clamp(1, 3);
    let footer_height = chrome.footer_rows.clamp(1, 3);
    let [main, status, footer] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(status_height), Constraint::Length(footer_height)])
            .areas(area);
    (main, status, footer)
}

/// The rows today's list keeps on a narrow check-in screen however long the card is.
const TODAY_ROWS_KEPT: u16 = 4;

/// The check-in screen's places, given the rows the verdict's words need (`banner_rows`) and the
/// rows the scanned customer's card needs (`card_rows`, at [`check_in_card_width`]).
pub fn check_in_areas(area: Rect, chrome: Chrome, banner_rows: u16, card_rows: u16) -> CheckInAreas {
    let (main, status, footer) = with_status(area, chrome);
    let [scan, banner, body] = check_in_rows(area, main, banner_rows);
    let (_, photo_h) = check_in_photo_size(area);
    let (customer, today) = if area.width >= WIDE {
        let [left, right] = Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(body);
        (left, right)
    } else {
        // The card grows to its lines (memberships, passes, last check-ins) while today's list keeps
        // a few rows.
        let card = card_rows + 1;
        let room = body.height.saturating_sub(TODAY_ROWS_KEPT).max(photo_h + 2);
        let top = card.clamp(photo_h + 2, room).min(body.height);
        let [upper, lower] = Layout::vertical([Constraint::Length(top), Constraint::Min(0)]).areas(body);
        (upper, lower)
    };
    let photo = check_in_photo_in(area, body);
    let details_x = photo.x + photo.width + 2;
    let details = Rect {
        x: details_x.min(customer.x + customer.width),
        y: customer.y + 1,
        width: (customer.x + customer.width).saturating_sub(details_x + 1),
        height: customer.height.saturating_sub(1),
    };
    CheckInAreas { scan, banner, photo, details, today, status, footer }
}

/// The scanned customer's photo on the check-in screen. It does not depend on the card's length
/// (the card's box is never shorter than the photo plus its border), so it needs only the banner's rows.
pub fn check_in_photo(area: Rect, chrome: Chrome, banner_rows: u16) -> Rect {
    let (main, _, _) = with_status(area, chrome);
    let [_, _, body] = check_in_rows(area, main, banner_rows);
    check_in_photo_in(area, body)
}

/// The width the card's lines wrap to on a narrow check-in screen (beside the photo).
pub fn check_in_card_width(area: Rect) -> u16 {
    area.width.saturating_sub(check_in_photo_size(area).0 + 4)
}

/// The scan field, the banner and the body under them.
fn check_in_rows(area: Rect, main: Rect, banner_rows: u16) -> [Rect; 3] {
    let tall = area.height >= 40;
    // The verdict takes the rows its words need (a refusal reason wraps, never cut).
    let banner_height = (banner_rows + u16::from(tall)).max(if tall { 5 } else { 3 });
    Layout::vertical([Constraint::Length(1), Constraint::Length(banner_height), Constraint::Min(0)]).areas(main)
}

fn check_in_photo_size(area: Rect) -> (u16, u16) {
    if area.height >= 40 && area.width >= 120 { (28, 14) } else { (16, 8) }
}

/// The photo inside the customer's box: at its top left, in from the border. The box is the left
/// of the body on a wide screen, else its top, at least the photo's height plus the border.
fn check_in_photo_in(area: Rect, body: Rect) -> Rect {
    let (photo_w, photo_h) = check_in_photo_size(area);
    let customer_width = if area.width >= WIDE {
        let [left, _] = Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(body);
        left.width
    } else {
        body.width
    };
    // Photos keep off the last terminal row (sixel would scroll the screen) and off the banner.
    Rect {
        x: body.x + 1,
        y: body.y + 1,
        width: photo_w.min(customer_width.saturating_sub(2)),
        height: photo_h.min(body.height.saturating_sub(2)),
    }
}

/// The photo upload screen's places (inside its frame).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PhotoUploadAreas {
    pub frame: Rect,
    /// The file name field.
    pub path: Rect,
    /// What Tab found.
    pub completions: Rect,
    /// The photo as it will be stored.
    pub preview: Rect,
    /// Sizes, progress, what the keys do.
    pub info: Rect,
}

pub fn photo_upload_areas(area: Rect, chrome: Chrome) -> PhotoUploadAreas {
    let (frame, _, _) = with_status(area, chrome);
    let inside = inner(frame);
    let [path, completions, _, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(3), Constraint::Length(1), Constraint::Min(0)])
            .areas(inside);
    let (w, h) = if body.width >= 70 && body.height >= 14 { (24, 12) } else { (16, 8) };
    let preview = Rect { x: body.x, y: body.y, width: w.min(body.width), height: h.min(body.height) };
    let info_x = preview.x + preview.width + 2;
    let info = Rect {
        x: info_x.min(body.x + body.width),
        y: body.y,
        width: (body.x + body.width).saturating_sub(info_x),
        height: body.height,
    };
    PhotoUploadAreas { frame, path, completions, preview, info }
}

/// The `?` overlay's area: most of the screen, centred.
pub fn help_area(screen: Rect) -> Rect {
    let width = screen.width.saturating_sub(4).min(96);
    let height = screen.height.saturating_sub(2);
    Rect { x: screen.x + (screen.width - width) / 2, y: screen.y + 1, width, height }
}
