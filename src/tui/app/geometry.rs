//! Where things are on screen, from the app's state: the facts the layout needs (how many rows the
//! status line, the footer and the verdict take; which panes are open), measured from what the app
//! says, never from the drawing code.

use ratatui::layout::Rect;

use super::{App, Screen};
use crate::model::Customer;
use crate::tui::action::Action;
use crate::tui::check_in::banner::BannerFacts;
use crate::tui::keymap::KeyContext;
use crate::tui::layout::{self, Areas, DeskPanes, PhotoUploadAreas};
use crate::tui::profile::body::{ProfileFacts, body_lines};

impl App {
    /// What the search screen has open.
    pub fn desk_panes(&self) -> DeskPanes {
        DeskPanes { chips: !self.filters.values.is_empty(), filters_open: self.filters.open, focus: self.focus }
    }

    /// The search screen's panes at the app's size.
    pub fn areas(&self) -> Areas {
        layout::areas(self.size, self.chrome(self.size), self.desk_panes())
    }

    pub fn photo_upload_areas(&self) -> PhotoUploadAreas {
        layout::photo_upload_areas(self.size, self.chrome(self.size))
    }

    /// Each active filter's chip text: (filter index, text).
    pub fn chip_texts(&self) -> Vec<(usize, String)> {
        self.filters.values.active().filter_map(|(index, _)| Some((index, self.filters.values.chip(index)?))).collect()
    }

    /// Where each chip sits on the chips line.
    pub fn chip_rects(&self, chips: Rect) -> Vec<(usize, Rect)> {
        layout::chip_rects(chips, &self.chip_texts())
    }

    /// What the check-in banner needs besides the check-in state.
    pub fn banner_facts(&self) -> BannerFacts<'_> {
        let new_customer = self.keymap.keys_for(KeyContext::CheckIn, Action::NewCustomer);
        BannerFacts {
            desk: self.desk_location.as_ref(),
            today: self.today,
            new_customer_key: new_customer.first().map(|k| k.to_string()),
        }
    }

    /// The verdict's lines at `width`.
    pub fn banner_lines(&self, width: u16) -> Vec<String> {
        self.check_in.banner_lines(&self.banner_facts(), width)
    }

    /// The scanned customer's photo on the check-in screen.
    pub fn check_in_photo(&self) -> Rect {
        let banner_rows = self.banner_lines(self.size.width).len() as u16;
        layout::check_in_photo(self.size, self.chrome(self.size), banner_rows)
    }

    /// What the profile's text is made from.
    pub fn profile_facts(&self) -> ProfileFacts<'_> {
        ProfileFacts {
            theme: &self.theme,
            today: self.today,
            time_zone: &self.time_zone,
            locations: &self.locations,
            detail: &self.detail,
        }
    }

    /// Whether the profile pane is on screen.
    pub fn detail_visible(&self) -> bool {
        self.areas().detail.is_some()
    }

    /// How far the profile scrolls: its text under the fixed header (photo height plus the gap),
    /// less the rows the pane shows.
    pub(super) fn detail_max_scroll(&self) -> u16 {
        let Some(detail) = self.areas().detail else { return 0 };
        let inner = layout::inner(detail);
        let Some(customer) = self.list.selected_customer() else { return 0 };
        let header = layout::photo_rect(detail).height.max(6) + 1;
        let lines = body_lines(&self.profile_facts(), customer, inner.width as usize).len() as u16 + header;
        lines.saturating_sub(inner.height)
    }

    /// Whose photo the screen shows, and where: the profile's on the search screen, the scanned
    /// customer's on the check-in screen.
    pub(super) fn photo_spot(&self) -> Option<(&Customer, Rect)> {
        match self.screen {
            Screen::Desk => Some((self.list.selected_customer()?, layout::photo_rect(self.areas().detail?))),
            Screen::CheckIn => Some((self.check_in.verdict.as_ref()?.customer()?, self.check_in_photo())),
            Screen::Form | Screen::Photo => None,
        }
    }
}
