//! The mouse on the search screen: click to focus, select or open, wheel to scroll, click a chip to
//! remove its filter; on the `?` overlay, wheel scrolls and a click closes it.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::{App, Command, Focus, Screen};
use crate::tui::action::Action;
use crate::tui::keymap::KeyContext;

impl App {
    pub(super) fn on_mouse(&mut self, mouse: MouseEvent, out: &mut Vec<Command>) {
        if self.help.is_open() {
            match mouse.kind {
                MouseEventKind::ScrollDown => self.movement(KeyContext::Help, Action::Down, out),
                MouseEventKind::ScrollUp => self.movement(KeyContext::Help, Action::Up, out),
                MouseEventKind::Down(_) => {
                    self.help.close();
                }
                _ => return,
            }
            self.redraw = true;
            return;
        }
        // The command palette is for the keyboard.
        if self.palette.is_open() {
            return;
        }
        // The other screens and the record list are for the keyboard.
        if self.screen != Screen::Desk || self.records.is_open() {
            return;
        }
        let at = Position::new(mouse.column, mouse.row);
        let areas = self.areas();
        let inside = |r: Option<Rect>| r.is_some_and(|r| r.contains(at));
        match mouse.kind {
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let action = if mouse.kind == MouseEventKind::ScrollDown { Action::Down } else { Action::Up };
                if inside(areas.results) {
                    self.movement(KeyContext::Results, action, out);
                } else if inside(areas.detail) {
                    self.movement(KeyContext::Detail, action, out);
                } else if inside(areas.filters) {
                    self.movement(KeyContext::Filters, action, out);
                } else {
                    return;
                }
            }
            MouseEventKind::Down(MouseButton::Left) => {
                if areas.search.contains(at) {
                    self.focus = Focus::Search;
                } else if let Some(chips) = areas.chips.filter(|c| c.contains(at)) {
                    let hit = self.chip_rects(chips).into_iter().find(|(_, r)| r.contains(at));
                    let Some((index, _)) = hit else { return };
                    self.filters.values.set(index, None);
                    self.filters_changed(out);
                } else if let Some(results) = areas.results.filter(|r| r.contains(at)) {
                    let first_row = results.y + 2;
                    if at.y < first_row || at.y >= results.y + results.height - 1 {
                        self.focus = Focus::Results;
                    } else {
                        let row = self.list.offset + usize::from(at.y - first_row);
                        if row < self.list.rows.len() {
                            if row == self.list.selected && self.focus == Focus::Results {
                                self.focus = Focus::Detail;
                                self.load_visible_detail(out);
                            } else {
                                self.focus = Focus::Results;
                                self.move_selection(row as isize - self.list.selected as isize, out);
                            }
                        }
                    }
                } else if inside(areas.detail) {
                    self.focus = Focus::Detail;
                    self.load_visible_detail(out);
                } else if let Some(filters) = areas.filters.filter(|r| r.contains(at)) {
                    self.focus = Focus::Filters;
                    if let Some(index) = self.filters.row_at(filters, at.y) {
                        self.filters.selected = index;
                    }
                } else {
                    return;
                }
            }
            _ => return,
        }
        self.redraw = true;
    }
}
