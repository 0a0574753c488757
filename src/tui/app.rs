//! The app's one owner of state, changed only by [`App::update`]: keys,
//! paste, mouse, timers and task answers come in as [`Msg`]s; what should
//! happen outside (HTTP, image work, timers) goes out as [`Command`]s.
//!
//! Every request carries a [`RequestId`]; an answer whose id is no longer
//! the one awaited is dropped, so a stale answer is never shown.

use std::collections::VecDeque;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use jiff::civil::Date;
use ratatui::layout::{Position, Rect};
use tui_input::{Input, InputRequest};

use super::action::Action;
use super::filter_set::{FilterValues, specs};
use super::keymap::{KeyContext, KeyMap};
use super::layout;
use super::photo_view::EncodedPhoto;
use super::theme::Theme;
use crate::client::{ClientError, CustomerQuery, SubCollection, SubRecords};
use crate::model::{Customer, Page};

/// How long typing must pause before a search is sent.
pub const SEARCH_DEBOUNCE: Duration = Duration::from_millis(150);
/// How long the selection must rest before its profile and photo load.
pub const SELECTION_SETTLE: Duration = Duration::from_millis(100);
/// Fetch the next page when the selection is this close to the end.
pub const PREFETCH_MARGIN: usize = 10;
/// What the first Esc over an edited filter value says.
pub const DISCARD_PROMPT: &str = "Esc again discards what you typed; Enter applies it";
/// Encoded photos kept (per customer and size).
pub const PHOTO_CACHE: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// The app's screens. Only the desk search exists now; check-in mode will
/// join it with its own keymap context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Desk,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Search,
    Results,
    Detail,
    Filters,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timer {
    Search,
    Selection,
}

/// Which photo, drawn how big (in cells).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhotoKey {
    pub customer_id: i64,
    pub url: String,
    pub width: u16,
    pub height: u16,
}

/// How photos are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoMode {
    Off,
    /// Drawn with an image protocol; `clear_on_change` for protocols whose
    /// pixels live outside the cell grid (sixel, iTerm2).
    On {
        clear_on_change: bool,
    },
}

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// Animation while something loads.
    Tick,
    Timer {
        timer: Timer,
        generation: u64,
    },
    ListLoaded {
        request: RequestId,
        result: Result<Page<Customer>, ClientError>,
    },
    SubLoaded {
        request: RequestId,
        kind: SubCollection,
        result: Result<Option<SubRecords>, ClientError>,
    },
    PhotoLoaded {
        request: RequestId,
        key: PhotoKey,
        result: Result<EncodedPhoto, String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    StartTimer { timer: Timer, generation: u64, after: Duration },
    FetchCustomers { request: RequestId, query: CustomerQuery },
    FetchPage { request: RequestId, url: String },
    FetchSubCollections { request: RequestId, customer: Box<Customer> },
    FetchPhoto { request: RequestId, key: PhotoKey },
}

#[derive(Debug, Clone, PartialEq)]
enum ListJob {
    First(CustomerQuery),
    Next(String),
}

/// The results list.
#[derive(Debug, Default)]
pub struct ResultList {
    pub rows: Vec<Customer>,
    pub count: Option<u64>,
    pub next: Option<String>,
    pub selected: usize,
    /// First row on screen.
    pub offset: usize,
    /// The query the rows answer.
    pub query: Option<CustomerQuery>,
    in_flight: Option<(RequestId, ListJob)>,
    waiting: Option<ListJob>,
    /// The last first-page query sent (so an unchanged query is not re-sent).
    requested: Option<CustomerQuery>,
    failed: Option<ListJob>,
}

impl ResultList {
    pub fn selected_customer(&self) -> Option<&Customer> {
        self.rows.get(self.selected)
    }

    pub fn is_loading(&self) -> bool {
        self.in_flight.is_some() || self.waiting.is_some()
    }
}

/// A sub-collection on the profile.
#[derive(Debug, Clone, PartialEq)]
pub enum SubState {
    NotRequested,
    Loading,
    Loaded(SubRecords),
    /// The server has no such sub-collection (it answered 404).
    NotAvailable,
    Failed(String),
}

#[derive(Debug)]
pub struct DetailState {
    /// Whose sub-collections are shown (or loading).
    pub customer_id: Option<i64>,
    pub scroll: u16,
    pub subs: Vec<(SubCollection, SubState)>,
    request: Option<RequestId>,
    in_flight: Option<(RequestId, usize)>,
    waiting: Option<Customer>,
}

impl DetailState {
    fn new() -> DetailState {
        DetailState {
            customer_id: None,
            scroll: 0,
            subs: SubCollection::ALL.iter().map(|&k| (k, SubState::NotRequested)).collect(),
            request: None,
            in_flight: None,
            waiting: None,
        }
    }

    pub fn sub(&self, kind: SubCollection) -> &SubState {
        self.subs.iter().find(|(k, _)| *k == kind).map(|(_, s)| s).unwrap_or(&SubState::NotRequested)
    }

    fn set_all(&mut self, state: SubState) {
        self.subs.iter_mut().for_each(|(_, s)| *s = state.clone());
    }
}

/// The filter pane.
#[derive(Debug)]
pub struct FilterPane {
    pub open: bool,
    pub values: FilterValues,
    pub selected: usize,
    /// A value being typed, and what is wrong with it.
    pub editing: Option<(Input, Option<String>)>,
}

#[derive(Debug)]
pub enum PhotoEntry {
    Ready(EncodedPhoto),
    Failed(String),
}

/// Encoded photos, newest last, at most [`PHOTO_CACHE`].
#[derive(Default)]
pub struct PhotoCache {
    entries: VecDeque<(PhotoKey, PhotoEntry)>,
}

impl std::fmt::Debug for PhotoCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhotoCache").field("len", &self.entries.len()).finish()
    }
}

impl PhotoCache {
    pub fn get(&self, key: &PhotoKey) -> Option<&PhotoEntry> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, e)| e)
    }

    fn insert(&mut self, key: PhotoKey, entry: PhotoEntry) {
        self.entries.retain(|(k, _)| *k != key);
        self.entries.push_back((key, entry));
        while self.entries.len() > PHOTO_CACHE {
            self.entries.pop_front();
        }
    }

    fn forget_failures(&mut self) {
        self.entries.retain(|(_, e)| !matches!(e, PhotoEntry::Failed(_)));
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[derive(Debug, Default)]
struct PhotoSlot {
    in_flight: Option<(RequestId, PhotoKey)>,
    waiting: Option<PhotoKey>,
}

/// What the status line reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub message: String,
    pub offline: bool,
}

/// Settings the app starts with.
#[derive(Debug, Clone)]
pub struct AppOptions {
    pub keymap: KeyMap,
    pub theme: Theme,
    pub today: Date,
    pub photos: PhotoMode,
    /// Where the app is connected, for the status line (`api.hellocapitan.com`).
    pub server_label: String,
    /// The zone instants are shown in.
    pub time_zone: jiff::tz::TimeZone,
}

#[derive(Debug)]
pub struct App {
    pub screen: Screen,
    pub focus: Focus,
    /// The `?` overlay and its scroll.
    pub help: Option<u16>,
    pub search: Input,
    pub filters: FilterPane,
    pub list: ResultList,
    pub detail: DetailState,
    pub photos: PhotoCache,
    photo_slot: PhotoSlot,
    pub problem: Option<Problem>,
    pub spinner: usize,
    pub size: Rect,
    pub keymap: KeyMap,
    pub theme: Theme,
    pub today: Date,
    pub photo_mode: PhotoMode,
    pub server_label: String,
    pub time_zone: jiff::tz::TimeZone,
    pub quit: bool,
    next_request: u64,
    search_generation: u64,
    search_pending: bool,
    selection_generation: u64,
    redraw: bool,
}

impl App {
    pub fn new(options: AppOptions, size: Rect) -> App {
        App {
            screen: Screen::Desk,
            focus: Focus::Search,
            help: None,
            search: Input::default(),
            filters: FilterPane { open: false, values: FilterValues::new(), selected: 0, editing: None },
            list: ResultList::default(),
            detail: DetailState::new(),
            photos: PhotoCache::default(),
            photo_slot: PhotoSlot::default(),
            problem: None,
            spinner: 0,
            size,
            keymap: options.keymap,
            theme: options.theme,
            today: options.today,
            photo_mode: options.photos,
            server_label: options.server_label,
            time_zone: options.time_zone,
            quit: false,
            next_request: 0,
            search_generation: 0,
            search_pending: false,
            selection_generation: 0,
            redraw: true,
        }
    }

    /// The first list (everyone, newest search state) when the app opens.
    pub fn start(&mut self) -> Vec<Command> {
        let mut out = Vec::new();
        self.submit_list(ListJob::First(self.query()), &mut out);
        out
    }

    /// Whether a frame should be drawn since the last call.
    pub fn take_redraw(&mut self) -> bool {
        std::mem::take(&mut self.redraw)
    }

    /// Something is loading (the spinner turns, the runtime ticks).
    pub fn is_busy(&self) -> bool {
        self.list.is_loading()
            || self.search_pending
            || self.detail.in_flight.is_some()
            || self.photo_slot.in_flight.is_some()
    }

    /// Where the keys go now.
    pub fn key_context(&self) -> KeyContext {
        if self.help.is_some() {
            return KeyContext::Help;
        }
        match self.focus {
            Focus::Search => KeyContext::Search,
            Focus::Results => KeyContext::Results,
            Focus::Detail => KeyContext::Detail,
            Focus::Filters if self.filters.editing.is_some() => KeyContext::FilterEdit,
            Focus::Filters => KeyContext::Filters,
        }
    }

    pub fn query(&self) -> CustomerQuery {
        CustomerQuery { search: self.search.value().trim().to_string(), filters: self.filters.values.params() }
    }

    pub fn areas(&self) -> layout::Areas {
        layout::areas(self.size, self)
    }

    /// The photo the profile shows now, if any: the selected customer's,
    /// sized for the pane.
    pub fn photo_key(&self) -> Option<PhotoKey> {
        if self.photo_mode == PhotoMode::Off {
            return None;
        }
        let detail = self.areas().detail?;
        let customer = self.list.selected_customer()?;
        let rect = layout::photo_rect(detail);
        let url = photo_url(customer, rect)?;
        Some(PhotoKey { customer_id: customer.id, url, width: rect.width, height: rect.height })
    }

    /// Where and which photo is on screen: when this changes, pixels drawn
    /// outside the cell grid must be cleared.
    pub fn photo_placement(&self) -> Option<(PhotoKey, Rect)> {
        let key = self.photo_key()?;
        let rect = layout::photo_rect(self.areas().detail?);
        Some((key, rect))
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Command> {
        let mut out = Vec::new();
        match msg {
            Msg::Key(key) => {
                self.redraw = true;
                self.on_key(key, &mut out);
            }
            Msg::Paste(text) => {
                self.redraw = true;
                self.on_paste(&text, &mut out);
            }
            Msg::Mouse(mouse) => self.on_mouse(mouse, &mut out),
            Msg::Resize(width, height) => {
                self.redraw = true;
                self.size = Rect::new(0, 0, width, height);
                self.keep_selection_visible();
                self.load_visible_detail(&mut out);
            }
            Msg::Tick => {
                if self.is_busy() {
                    self.spinner = self.spinner.wrapping_add(1);
                    self.redraw = true;
                }
            }
            Msg::Timer { timer: Timer::Search, generation } => {
                if generation == self.search_generation {
                    self.search_pending = false;
                    self.submit_list(ListJob::First(self.query()), &mut out);
                    self.redraw = true;
                }
            }
            Msg::Timer { timer: Timer::Selection, generation } => {
                if generation == self.selection_generation {
                    self.load_visible_detail(&mut out);
                }
            }
            Msg::ListLoaded { request, result } => self.on_list(request, result, &mut out),
            Msg::SubLoaded { request, kind, result } => self.on_sub(request, kind, result, &mut out),
            Msg::PhotoLoaded { request, key, result } => self.on_photo(request, key, result, &mut out),
        }
        out
    }

    fn request_id(&mut self) -> RequestId {
        self.next_request += 1;
        RequestId(self.next_request)
    }

    // ----- keys -----

    fn on_key(&mut self, key: KeyEvent, out: &mut Vec<Command>) {
        let context = self.key_context();
        if let Some(action) = self.keymap.action(context, &key) {
            self.on_action(action, out);
            return;
        }
        let Some(request) = tui_input::backend::crossterm::to_input_request(&crossterm::event::Event::Key(key)) else {
            return;
        };
        match context {
            KeyContext::Search => {
                if key.code == KeyCode::Backspace && self.search.value().is_empty() {
                    // Backspace on an empty search removes the last filter chip.
                    if let Some((index, _)) = self.filters.values.active().last() {
                        self.filters.values.set(index, None);
                        self.filters_changed(out);
                    }
                    return;
                }
                self.edit_search(request, out);
            }
            KeyContext::FilterEdit => {
                if let Some((input, error)) = &mut self.filters.editing {
                    input.handle(request);
                    *error = None;
                }
            }
            KeyContext::Results | KeyContext::Detail => {
                // Typing anywhere starts a search.
                if let InputRequest::InsertChar(_) = request {
                    self.focus = Focus::Search;
                    self.search.handle(InputRequest::GoToEnd);
                    self.edit_search(request, out);
                }
            }
            _ => {}
        }
    }

    fn edit_search(&mut self, request: InputRequest, out: &mut Vec<Command>) {
        let before = self.search.value().to_string();
        self.search.handle(request);
        if self.search.value() != before {
            self.search_changed(out);
        }
    }

    fn search_changed(&mut self, out: &mut Vec<Command>) {
        self.search_generation += 1;
        self.search_pending = true;
        out.push(Command::StartTimer {
            timer: Timer::Search,
            generation: self.search_generation,
            after: SEARCH_DEBOUNCE,
        });
    }

    fn filters_changed(&mut self, out: &mut Vec<Command>) {
        self.submit_list(ListJob::First(self.query()), out);
    }

    fn on_paste(&mut self, text: &str, out: &mut Vec<Command>) {
        // A pasted line is one search (or one value): line breaks become spaces.
        let text: String = text.chars().map(|c| if c == '\n' || c == '\r' || c == '\t' { ' ' } else { c }).collect();
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        if self.help.is_some() {
            return;
        }
        if let (Focus::Filters, Some((input, error))) = (self.focus, &mut self.filters.editing) {
            for c in text.chars() {
                input.handle(InputRequest::InsertChar(c));
            }
            *error = None;
            return;
        }
        if self.focus != Focus::Search {
            self.focus = Focus::Search;
            self.search.handle(InputRequest::GoToEnd);
        }
        let before = self.search.value().to_string();
        for c in text.chars() {
            self.search.handle(InputRequest::InsertChar(c));
        }
        if self.search.value() != before {
            self.search_changed(out);
        }
    }

    fn on_action(&mut self, action: Action, out: &mut Vec<Command>) {
        let context = self.key_context();
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.help = if self.help.is_some() { None } else { Some(0) },
            Action::Back => self.back(out),
            Action::NextPane => self.cycle_focus(true, out),
            Action::PrevPane => self.cycle_focus(false, out),
            Action::FocusSearch => {
                self.help = None;
                self.focus = Focus::Search;
            }
            Action::ToggleFilters => {
                if self.filters.open && self.focus == Focus::Filters {
                    self.filters.open = false;
                    self.filters.editing = None;
                    self.focus = Focus::Results;
                    self.load_visible_detail(out);
                } else {
                    self.filters.open = true;
                    self.focus = Focus::Filters;
                }
            }
            Action::ClearSearch => {
                if !self.search.value().is_empty() {
                    self.search.reset();
                    self.search_changed(out);
                }
            }
            Action::ClearFilters => {
                if !self.filters.values.is_empty() {
                    self.filters.values.clear();
                    self.filters.editing = None;
                    self.filters_changed(out);
                }
            }
            Action::RemoveFilter => {
                if self.filters.values.get(self.filters.selected).is_some() {
                    self.filters.values.set(self.filters.selected, None);
                    self.filters_changed(out);
                }
            }
            Action::Retry => self.retry(out),
            Action::Refresh => {
                self.list.requested = None;
                self.submit_list(ListJob::First(self.query()), out);
                self.detail.customer_id = None;
                self.load_visible_detail(out);
            }
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Top | Action::Bottom => {
                self.movement(context, action, out)
            }
            Action::Open => match context {
                KeyContext::Search if !self.list.rows.is_empty() => self.focus = Focus::Results,
                KeyContext::Results if self.list.selected_customer().is_some() => {
                    self.focus = Focus::Detail;
                    self.load_visible_detail(out);
                }
                KeyContext::Filters => self.open_filter(out),
                _ => {}
            },
            Action::Confirm => self.confirm_filter(out),
            Action::CycleNext | Action::CyclePrev => {
                if context == KeyContext::Filters && specs()[self.filters.selected].kind.is_choice() {
                    self.filters.values.cycle(self.filters.selected, action == Action::CycleNext);
                    self.filters_changed(out);
                }
            }
            Action::SelectNext => self.move_selection(1, out),
            Action::SelectPrev => self.move_selection(-1, out),
        }
    }

    fn back(&mut self, out: &mut Vec<Command>) {
        if self.help.take().is_some() {
            return;
        }
        match self.focus {
            Focus::Filters if self.filters.editing.is_some() => {
                let stored = self.filters.values.get(self.filters.selected).unwrap_or("").to_string();
                if let Some((input, problem)) = &mut self.filters.editing {
                    // Typed text is not thrown away on one key: the first Esc asks.
                    let changed = input.value().trim() != stored;
                    if changed && problem.as_deref() != Some(DISCARD_PROMPT) {
                        *problem = Some(DISCARD_PROMPT.to_string());
                        return;
                    }
                }
                self.filters.editing = None;
            }
            Focus::Filters => {
                self.filters.open = false;
                self.focus = Focus::Results;
                self.load_visible_detail(out);
            }
            Focus::Detail => self.focus = Focus::Results,
            Focus::Results => self.focus = Focus::Search,
            // The top level: Esc never throws away typed text.
            Focus::Search => {}
        }
    }

    fn cycle_focus(&mut self, forward: bool, out: &mut Vec<Command>) {
        if self.help.is_some() {
            return;
        }
        let mut order = vec![Focus::Search, Focus::Results, Focus::Detail];
        if self.filters.open {
            order.push(Focus::Filters);
        }
        if self.list.rows.is_empty() {
            order.retain(|f| matches!(f, Focus::Search | Focus::Filters));
        }
        let at = order.iter().position(|f| *f == self.focus).unwrap_or(0);
        let next = if forward { (at + 1) % order.len() } else { (at + order.len() - 1) % order.len() };
        self.focus = order[next];
        if self.focus != Focus::Filters {
            self.filters.editing = None;
        }
        self.load_visible_detail(out);
    }

    fn movement(&mut self, context: KeyContext, action: Action, out: &mut Vec<Command>) {
        match context {
            KeyContext::Search if action == Action::Down && !self.list.rows.is_empty() => {
                self.focus = Focus::Results;
            }
            KeyContext::Results => {
                let page = self.areas().results.map_or(10, layout::result_rows).max(1) as isize;
                let len = self.list.rows.len() as isize;
                let delta = match action {
                    Action::Up => -1,
                    Action::Down => 1,
                    Action::PageUp => -page,
                    Action::PageDown => page,
                    Action::Top => -len,
                    _ => len,
                };
                self.move_selection(delta, out);
            }
            KeyContext::Detail => {
                let page = self.areas().detail.map_or(10, |d| d.height.saturating_sub(3)).max(1);
                self.detail.scroll = match action {
                    Action::Up => self.detail.scroll.saturating_sub(1),
                    Action::Down => self.detail.scroll.saturating_add(1),
                    Action::PageUp => self.detail.scroll.saturating_sub(page),
                    Action::PageDown => self.detail.scroll.saturating_add(page),
                    Action::Top => 0,
                    _ => u16::MAX,
                };
                self.detail.scroll = self.detail.scroll.min(self.detail_max_scroll());
            }
            KeyContext::Filters => {
                let last = specs().len() - 1;
                self.filters.selected = match action {
                    Action::Up => self.filters.selected.saturating_sub(1),
                    Action::Down => (self.filters.selected + 1).min(last),
                    Action::PageUp => self.filters.selected.saturating_sub(8),
                    Action::PageDown => (self.filters.selected + 8).min(last),
                    Action::Top => 0,
                    _ => last,
                };
            }
            KeyContext::Help => {
                let help = self.help.unwrap_or(0);
                self.help = Some(match action {
                    Action::Up => help.saturating_sub(1),
                    Action::Down => help.saturating_add(1).min(super::panes::help::max_scroll(self)),
                    Action::PageUp => help.saturating_sub(10),
                    Action::PageDown => help.saturating_add(10).min(super::panes::help::max_scroll(self)),
                    Action::Top => 0,
                    _ => super::panes::help::max_scroll(self),
                });
            }
            _ => {}
        }
    }

    fn detail_max_scroll(&self) -> u16 {
        let Some(detail) = self.areas().detail else { return 0 };
        let inner = layout::inner(detail);
        let lines = super::panes::detail::body_height(self, inner.width);
        lines.saturating_sub(inner.height)
    }

    /// Moves the selection by `delta` rows (clamped), and makes the detail,
    /// photo and next page follow.
    fn move_selection(&mut self, delta: isize, out: &mut Vec<Command>) {
        if self.list.rows.is_empty() {
            return;
        }
        let last = self.list.rows.len() as isize - 1;
        let selected = (self.list.selected as isize + delta).clamp(0, last) as usize;
        if selected == self.list.selected {
            return;
        }
        self.list.selected = selected;
        self.selection_changed(out);
    }

    fn selection_changed(&mut self, out: &mut Vec<Command>) {
        self.keep_selection_visible();
        self.detail.scroll = 0;
        self.selection_generation += 1;
        out.push(Command::StartTimer {
            timer: Timer::Selection,
            generation: self.selection_generation,
            after: SELECTION_SETTLE,
        });
        if self.list.rows.len() - self.list.selected <= PREFETCH_MARGIN
            && let Some(next) = self.list.next.clone()
            && !self.list.is_loading()
        {
            self.submit_list(ListJob::Next(next), out);
        }
    }

    fn keep_selection_visible(&mut self) {
        let rows = self.areas().results.map_or(1, layout::result_rows).max(1);
        let list = &mut self.list;
        if list.selected < list.offset {
            list.offset = list.selected;
        } else if list.selected >= list.offset + rows {
            list.offset = list.selected + 1 - rows;
        }
        list.offset = list.offset.min(list.rows.len().saturating_sub(rows));
    }

    // ----- filters -----

    fn open_filter(&mut self, out: &mut Vec<Command>) {
        let index = self.filters.selected;
        let spec = &specs()[index];
        if spec.kind.is_choice() {
            self.filters.values.cycle(index, true);
            self.filters_changed(out);
        } else {
            let current = self.filters.values.get(index).unwrap_or("").to_string();
            self.filters.editing = Some((Input::new(current), None));
        }
    }

    fn confirm_filter(&mut self, out: &mut Vec<Command>) {
        let index = self.filters.selected;
        let Some((input, error)) = &mut self.filters.editing else { return };
        match specs()[index].kind.check(input.value()) {
            Ok(value) => {
                let changed = self.filters.values.get(index) != value.as_deref();
                self.filters.values.set(index, value);
                self.filters.editing = None;
                if changed {
                    self.filters_changed(out);
                }
            }
            // The typed text stays, with what is wrong beside it.
            Err(problem) => *error = Some(problem),
        }
    }

    // ----- the list -----

    fn submit_list(&mut self, job: ListJob, out: &mut Vec<Command>) {
        if let ListJob::First(query) = &job {
            let same_as_sent = self.list.requested.as_ref() == Some(query) && self.list.failed.is_none();
            let replaces_waiting = self.list.waiting.is_some();
            if same_as_sent && !replaces_waiting {
                return;
            }
            self.list.requested = Some(query.clone());
        }
        if self.list.in_flight.is_some() {
            // At most one list request in flight: the newest job waits,
            // replacing any older waiting one.
            self.list.waiting = Some(job);
        } else {
            self.issue_list(job, out);
        }
    }

    fn issue_list(&mut self, job: ListJob, out: &mut Vec<Command>) {
        let request = self.request_id();
        out.push(match &job {
            ListJob::First(query) => Command::FetchCustomers { request, query: query.clone() },
            ListJob::Next(url) => Command::FetchPage { request, url: url.clone() },
        });
        self.list.in_flight = Some((request, job));
        self.redraw = true;
    }

    fn on_list(&mut self, request: RequestId, result: Result<Page<Customer>, ClientError>, out: &mut Vec<Command>) {
        let Some((awaited, job)) = self.list.in_flight.take() else { return };
        if awaited != request {
            self.list.in_flight = Some((awaited, job));
            return;
        }
        self.redraw = true;
        if let Some(waiting) = self.list.waiting.take() {
            // A newer job was waiting: this answer is stale.
            self.issue_list(waiting, out);
            return;
        }
        match result {
            Ok(page) => {
                self.list.failed = None;
                self.problem = None;
                match job {
                    ListJob::First(query) => {
                        let keep = self.list.selected_customer().map(|c| c.id);
                        self.list.rows = page.results;
                        self.list.selected =
                            keep.and_then(|id| self.list.rows.iter().position(|c| c.id == id)).unwrap_or(0);
                        self.list.offset = 0;
                        self.list.query = Some(query);
                        if self.list.rows.is_empty() && matches!(self.focus, Focus::Results | Focus::Detail) {
                            self.focus = Focus::Search;
                        }
                    }
                    ListJob::Next(_) => self.list.rows.extend(page.results),
                }
                self.list.count = Some(page.count);
                self.list.next = page.next;
                if !self.list.rows.is_empty() {
                    self.selection_changed(out);
                }
            }
            Err(e) => {
                self.report(&e);
                self.list.failed = Some(job);
            }
        }
    }

    fn report(&mut self, e: &ClientError) {
        self.problem = Some(Problem { message: e.summary(), offline: matches!(e, ClientError::Offline(_)) });
    }

    fn retry(&mut self, out: &mut Vec<Command>) {
        self.problem = None;
        if let Some(job) = self.list.failed.take() {
            if let ListJob::First(_) = job {
                self.list.requested = None;
            }
            self.submit_list(job, out);
        }
        if self.detail.subs.iter().any(|(_, s)| matches!(s, SubState::Failed(_))) {
            self.detail.customer_id = None;
        }
        self.photos.forget_failures();
        self.load_visible_detail(out);
    }

    // ----- the profile -----

    /// Whether the profile pane is on screen.
    pub fn detail_visible(&self) -> bool {
        self.areas().detail.is_some()
    }

    /// Loads what the visible profile lacks: its sub-collections and photo.
    fn load_visible_detail(&mut self, out: &mut Vec<Command>) {
        if !self.detail_visible() {
            return;
        }
        let Some(customer) = self.list.selected_customer().cloned() else { return };
        if self.detail.customer_id != Some(customer.id) {
            self.detail.customer_id = Some(customer.id);
            self.detail.set_all(SubState::Loading);
            self.detail.request = None;
            if self.detail.in_flight.is_some() {
                self.detail.waiting = Some(customer);
            } else {
                self.issue_subs(customer, out);
            }
        }
        if let Some(key) = self.photo_key()
            && self.photos.get(&key).is_none()
        {
            let in_flight = self.photo_slot.in_flight.as_ref().is_some_and(|(_, k)| *k == key);
            if !in_flight {
                if self.photo_slot.in_flight.is_some() {
                    self.photo_slot.waiting = Some(key);
                } else {
                    self.issue_photo(key, out);
                }
            }
        }
    }

    fn issue_subs(&mut self, customer: Customer, out: &mut Vec<Command>) {
        let request = self.request_id();
        self.detail.request = Some(request);
        self.detail.in_flight = Some((request, SubCollection::ALL.len()));
        out.push(Command::FetchSubCollections { request, customer: Box::new(customer) });
    }

    fn on_sub(
        &mut self,
        request: RequestId,
        kind: SubCollection,
        result: Result<Option<SubRecords>, ClientError>,
        out: &mut Vec<Command>,
    ) {
        if let Some((id, remaining)) = &mut self.detail.in_flight
            && *id == request
        {
            *remaining -= 1;
            if *remaining == 0 {
                self.detail.in_flight = None;
                if let Some(waiting) = self.detail.waiting.take()
                    && Some(waiting.id) == self.detail.customer_id
                {
                    self.issue_subs(waiting, out);
                }
            }
        }
        self.redraw = true;
        if self.detail.request != Some(request) {
            return;
        }
        let state = match result {
            Ok(Some(records)) => SubState::Loaded(records),
            Ok(None) => SubState::NotAvailable,
            Err(e) => {
                let message = e.summary();
                self.report(&e);
                SubState::Failed(message)
            }
        };
        if let Some((_, slot)) = self.detail.subs.iter_mut().find(|(k, _)| *k == kind) {
            *slot = state;
        }
    }

    fn issue_photo(&mut self, key: PhotoKey, out: &mut Vec<Command>) {
        let request = self.request_id();
        self.photo_slot.in_flight = Some((request, key.clone()));
        out.push(Command::FetchPhoto { request, key });
    }

    fn on_photo(
        &mut self,
        request: RequestId,
        key: PhotoKey,
        result: Result<EncodedPhoto, String>,
        out: &mut Vec<Command>,
    ) {
        if self.photo_slot.in_flight.as_ref().is_some_and(|(id, _)| *id == request) {
            self.photo_slot.in_flight = None;
        } else {
            return;
        }
        let shown = self.photo_key().as_ref() == Some(&key);
        self.photos.insert(
            key,
            match result {
                Ok(photo) => PhotoEntry::Ready(photo),
                Err(message) => PhotoEntry::Failed(message),
            },
        );
        if shown {
            self.redraw = true;
        }
        if let Some(waiting) = self.photo_slot.waiting.take()
            && self.photos.get(&waiting).is_none()
            && self.photo_key().as_ref() == Some(&waiting)
        {
            self.issue_photo(waiting, out);
        }
    }

    // ----- mouse -----

    fn on_mouse(&mut self, mouse: MouseEvent, out: &mut Vec<Command>) {
        if self.help.is_some() {
            match mouse.kind {
                MouseEventKind::ScrollDown => self.movement(KeyContext::Help, Action::Down, out),
                MouseEventKind::ScrollUp => self.movement(KeyContext::Help, Action::Up, out),
                MouseEventKind::Down(_) => self.help = None,
                _ => return,
            }
            self.redraw = true;
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
                    let hit = layout::chip_rects(chips, self).into_iter().find(|(_, r)| r.contains(at));
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
                    if let Some(index) = super::panes::filters::row_at(self, filters, at.y) {
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

/// The photo URL to fetch for a box of `rect` cells: the small (128 px)
/// version when the box is small enough for it to look sharp.
fn photo_url(customer: &Customer, rect: Rect) -> Option<String> {
    let small = customer.profile_image_small.clone().filter(|u| !u.is_empty());
    let full = customer.profile_image.clone().filter(|u| !u.is_empty());
    if rect.width <= 16 { small.or(full) } else { full.or(small) }
}

#[cfg(test)]
pub(crate) mod tests;
