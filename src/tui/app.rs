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
use super::check_in::CheckInState;
use super::filter_set::specs;
use super::filters::{FilterEdit, FilterPane};
use super::form::Form;
use super::help;
use super::keymap::{KeyContext, KeyMap};
use super::layout;
use super::login::{LoginKey, LoginPrompt};
pub use super::msg::{Command, KeyRead, Msg, PhotoKey, PhotoMode, Timer};
pub use super::photo_upload::PhotoUpload;
use super::photo_view::EncodedPhoto;
pub use super::photo_view::PreparedUpload;
use super::profile::{DetailState, SubState};
use super::records::RecordList;
pub use super::request::RequestId;
use super::request::Requests;
pub use super::screen::{Focus, Screen};
use super::theme::Theme;
use crate::client::records::Location;
use crate::client::{ClientError, CustomerQuery, SubCollection, SubRecords};
use crate::desk::{BurstDetector, Decision, ScannerConfig};
use crate::model::{Customer, Page};
pub use check_in::Bells;

/// How long typing must pause before a search is sent.
pub const SEARCH_DEBOUNCE: Duration = Duration::from_millis(150);
/// How long the selection must rest before its profile and photo load.
pub const SELECTION_SETTLE: Duration = Duration::from_millis(100);
/// Fetch the next page when the selection is this close to the end.
pub const PREFETCH_MARGIN: usize = 10;
pub use super::filters::DISCARD_PROMPT;
/// Encoded photos kept (per customer and size).
pub const PHOTO_CACHE: usize = 16;

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

/// A word for staff in the status line, until the next key: what went right ("Saved"), or a
/// warning about what a key would do.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub warn: bool,
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
    /// Now: "today" and every countdown follow it, in the desk location's zone.
    pub clock: super::clock::Clock,
    /// The desk's location (the config's `location_id`); without one, the organization's first.
    pub location_id: Option<i64>,
    pub photos: PhotoMode,
    /// Where the app is connected, for the status line (`api.hellocapitan.com`).
    pub server_label: String,
    /// The zone instants are shown in until the desk's location (and its zone) is known.
    pub time_zone: jiff::tz::TimeZone,
    pub scanner: ScannerConfig,
    /// Open on the check-in screen.
    pub start_checking_in: bool,
    pub bells: Bells,
    /// Quitting the app also stops the server (`frontdesk demo`), so quitting asks first.
    pub stops_server: bool,
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
    /// Screens to go back to, the latest last.
    screens_behind: Vec<Screen>,
    /// The open edit form (one at a time, so typed work has one home).
    pub form: Option<Form>,
    /// The save (or its check for changes on the server) in flight.
    saving: Option<RequestId>,
    pub records: Option<RecordList>,
    pub photo_upload: Option<PhotoUpload>,
    /// The organization's locations, for choices.
    pub locations: Vec<Location>,
    scanner: BurstDetector,
    pub check_in: CheckInState,
    bell_pattern: Bells,
    bells: check_in::BellState,
    /// Why quitting now needs a yes (queued scans, unsaved edits, a demo server that would
    /// stop), while the question is on screen.
    pub quit_question: Option<String>,
    stops_server: bool,
    /// End pressed in the results: keep loading pages until the last customer is in, then select it.
    to_bottom: bool,
    /// A word for the status line until the next key (see [`Notice`]).
    pub notice: Option<Notice>,
    pub problem: Option<Problem>,
    /// The server answered `401`: username and password asked again (see [`super::login`]).
    pub login: Option<LoginPrompt>,
    pub spinner: usize,
    pub size: Rect,
    pub keymap: KeyMap,
    pub theme: Theme,
    /// The date at the desk's location now (follows the clock across midnight).
    pub today: Date,
    pub clock: super::clock::Clock,
    location_id: Option<i64>,
    /// Where the desk checks in, once `/api/gyms/` has answered.
    pub desk_location: Option<Location>,
    pub photo_mode: PhotoMode,
    pub server_label: String,
    pub time_zone: jiff::tz::TimeZone,
    pub quit: bool,
    requests: Requests,
    search_generation: u64,
    search_pending: bool,
    selection_generation: u64,
    redraw: bool,
}

impl App {
    pub fn new(options: AppOptions, size: Rect) -> App {
        // The config loader already refused a scanner config that cannot work.
        let scanner = BurstDetector::new(options.scanner.clone())
            .or_else(|_| BurstDetector::new(ScannerConfig::default()))
            .expect("the default scanner config is valid");
        App {
            screen: if options.start_checking_in { Screen::CheckIn } else { Screen::Desk },
            focus: Focus::Search,
            help: None,
            search: Input::default(),
            filters: FilterPane::new(),
            list: ResultList::default(),
            detail: DetailState::new(),
            photos: PhotoCache::default(),
            photo_slot: PhotoSlot::default(),
            screens_behind: Vec::new(),
            form: None,
            saving: None,
            records: None,
            photo_upload: None,
            locations: Vec::new(),
            scanner,
            check_in: CheckInState::default(),
            bell_pattern: options.bells,
            bells: check_in::BellState::default(),
            quit_question: None,
            stops_server: options.stops_server,
            to_bottom: false,
            notice: None,
            problem: None,
            login: None,
            spinner: 0,
            size,
            keymap: options.keymap,
            theme: options.theme,
            today: options.clock.today(&options.time_zone),
            clock: options.clock,
            location_id: options.location_id,
            desk_location: None,
            photo_mode: options.photos,
            server_label: options.server_label,
            time_zone: options.time_zone,
            quit: false,
            requests: Requests::default(),
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
        out.push(Command::FetchLocations);
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
            || self.detail.is_loading()
            || self.photo_slot.in_flight.is_some()
            || self.saving.is_some()
            || self.photo_upload.as_ref().is_some_and(|u| u.uploading.is_some() || u.is_preparing())
    }

    /// When held keys must be released if no other key comes first (the runtime then sends
    /// [`Msg::ScannerDeadline`]).
    pub fn scanner_deadline(&self) -> Option<std::time::Instant> {
        self.scanner.deadline()
    }

    /// What the spinner is waiting for, in a few words.
    pub fn busy_with(&self) -> &'static str {
        let upload = self.photo_upload.as_ref();
        if self.saving.is_some() {
            "saving"
        } else if upload.is_some_and(|u| u.uploading.is_some()) {
            "uploading the photo"
        } else if upload.is_some_and(PhotoUpload::is_preparing) {
            "preparing the photo"
        } else if self.list.is_loading() || self.search_pending {
            "loading customers"
        } else if self.detail.is_loading() {
            "loading the profile"
        } else {
            "loading the photo"
        }
    }

    /// Where the keys go now.
    pub fn key_context(&self) -> KeyContext {
        if self.quit_question.is_some() {
            return KeyContext::QuitQuestion;
        }
        if self.help.is_some() {
            return KeyContext::Help;
        }
        match self.screen {
            Screen::Desk => {}
            Screen::Photo => return KeyContext::PhotoPick,
            Screen::CheckIn if self.check_in.confirm_undo.is_some() => return KeyContext::Confirm,
            Screen::CheckIn => return KeyContext::CheckIn,
            Screen::Form => {
                return match &self.form {
                    Some(form) if form.conflict.is_some() => KeyContext::Conflict,
                    Some(form) if form.focused_field().is_choice() => KeyContext::FormChoice,
                    _ => KeyContext::Form,
                };
            }
        }
        if self.records.is_some() {
            return KeyContext::Records;
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

    /// The photo on screen now, if any, sized for its box.
    pub fn photo_key(&self) -> Option<PhotoKey> {
        if self.photo_mode == PhotoMode::Off {
            return None;
        }
        let (customer, rect) = self.photo_spot()?;
        let url = photo_url(customer, rect)?;
        Some(PhotoKey { customer_id: customer.id, url, width: rect.width, height: rect.height })
    }

    /// Where and which photo is on screen: when this changes, pixels drawn
    /// outside the cell grid must be cleared.
    pub fn photo_placement(&self) -> Option<(PhotoKey, Rect)> {
        if self.screen == Screen::Photo {
            let upload = self.photo_upload.as_ref()?;
            let ready = upload.ready().filter(|r| r.preview.is_some())?;
            let rect = self.photo_upload_areas().preview;
            let url = format!("preview:{}", ready.path);
            return Some((
                PhotoKey { customer_id: upload.customer.id, url, width: rect.width, height: rect.height },
                rect,
            ));
        }
        let key = self.photo_key()?;
        let (_, rect) = self.photo_spot()?;
        Some((key, rect))
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Command> {
        let mut out = Vec::new();
        self.follow_the_clock();
        match msg {
            Msg::Key(key) => {
                self.redraw = true;
                self.on_key(key, &mut out);
            }
            Msg::Read(read) => {
                let decision = self.scanner.feed(read.key, read.at);
                self.on_decision(decision, &mut out);
            }
            Msg::ScannerDeadline(at) => {
                for key in self.scanner.tick(at) {
                    self.redraw = true;
                    self.on_key(key, &mut out);
                }
            }
            Msg::Paste(text) => {
                self.redraw = true;
                // Held keys were typed before the paste (a paste is never a scan).
                for key in self.scanner.flush() {
                    self.on_key(key, &mut out);
                }
                self.on_paste(&text, &mut out);
            }
            Msg::Mouse(mouse) => {
                for key in self.scanner.flush() {
                    self.redraw = true;
                    self.on_key(key, &mut out);
                }
                self.on_mouse(mouse, &mut out)
            }
            Msg::Resize(width, height) => {
                self.redraw = true;
                self.size = Rect::new(0, 0, width, height);
                self.keep_selection_visible();
                self.load_visible_detail(&mut out);
                if self.screen != Screen::Desk {
                    self.load_photo(&mut out);
                }
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
            Msg::LocationsLoaded(result) => {
                // Without them a home location shows as its id and times are in the computer's zone.
                if let Ok(locations) = result {
                    self.locations = locations;
                    self.set_desk_location();
                    self.redraw = true;
                }
            }
            Msg::Timer { timer: Timer::Bell, generation } => self.on_bell_timer(generation, &mut out),
            Msg::ScanAnswered { request, scan, outcome } => self.on_scan_answered(request, scan, outcome, &mut out),
            Msg::CheckInVoided { request, result } => self.on_voided(request, result),
            Msg::JournalOpened { pending, problem } => self.on_journal_opened(pending, problem),
            Msg::QueueDrained(report) => self.on_queue_drained(report),
            Msg::LoggedIn(result) => self.on_logged_in(result, &mut out),
            Msg::PathCompleted { request, result } => self.on_path_completed(request, result),
            Msg::PhotoPrepared { request, result } => self.on_photo_prepared(request, result),
            Msg::UploadProgress { request, sent, total } => self.on_upload_progress(request, sent, total),
            Msg::PhotoUploaded { request, result } => self.on_photo_uploaded(request, result, &mut out),
            Msg::CustomerLoaded { request, result } => self.on_fresh_customer(request, result, &mut out),
            Msg::CustomerSaved { request, result } => self.on_customer_saved(request, result, &mut out),
            Msg::RecordSaved { request, result } => self.on_record_saved(request, result, &mut out),
        }
        out
    }

    /// How long until local midnight at the desk (the runtime wakes the app then, so the today
    /// list empties and countdowns move even when nobody touches a key).
    pub fn until_next_day(&self) -> Duration {
        self.clock.until_next_day(&self.time_zone)
    }

    /// A new day at the desk's location: "today" moves on, and yesterday's scans leave the today
    /// list (scans still waiting for the server stay).
    fn follow_the_clock(&mut self) {
        let today = self.clock.today(&self.time_zone);
        if today != self.today {
            self.today = today;
            self.check_in.new_day(today, &self.time_zone);
            self.redraw = true;
        }
    }

    /// The desk's location from the organization's: its zone becomes the app's for every date and
    /// time shown or reasoned with.
    fn set_desk_location(&mut self) {
        let location = match self.location_id {
            Some(id) => self.locations.iter().find(|l| l.id == id),
            None => self.locations.first(),
        };
        self.desk_location = location.cloned();
        if let Some(tz) = location.and_then(|l| jiff::tz::TimeZone::get(l.time_zone.trim()).ok()) {
            self.time_zone = tz;
            self.follow_the_clock();
        }
    }

    /// What the scanner detector decided about a key.
    fn on_decision(&mut self, decision: Decision, out: &mut Vec<Command>) {
        match decision {
            Decision::Wait => {}
            Decision::Type(keys) => {
                self.redraw = true;
                for key in keys {
                    self.on_key(key, out);
                }
            }
            Decision::Scan(code) => {
                self.redraw = true;
                self.on_scan(code, out);
            }
        }
    }

    /// A barcode scanned anywhere: into the form's barcode field when that is where staff are
    /// (a new key tag), else it is a customer to find.
    fn on_scan(&mut self, code: String, out: &mut Vec<Command>) {
        if self.screen == Screen::Form
            && let Some(form) = &mut self.form
            && form.conflict.is_none()
            && form.focused_field().name == "barcode"
        {
            form.focused_field_mut().set_text(&code);
            form.edited();
            self.say(format!("Scanned {code} into Barcode"));
            return;
        }
        self.scanned_elsewhere(code, out);
    }

    /// Opens `screen` in front; Esc comes back here.
    fn push_screen(&mut self, screen: Screen) {
        if self.screen != screen {
            self.screens_behind.retain(|s| *s != screen);
            self.screens_behind.push(self.screen);
            self.screen = screen;
        }
        self.help = None;
        self.redraw = true;
    }

    /// Back to the screen this one was opened from.
    fn pop_screen(&mut self, out: &mut Vec<Command>) {
        self.screen = self.screens_behind.pop().unwrap_or(Screen::Desk);
        self.redraw = true;
        match self.screen {
            Screen::Desk => self.load_visible_detail(out),
            _ => self.load_photo(out),
        }
    }

    fn request_id(&mut self) -> RequestId {
        self.requests.issue()
    }

    // ----- keys -----

    fn on_key(&mut self, key: KeyEvent, out: &mut Vec<Command>) {
        if let Some(prompt) = &mut self.login {
            match prompt.key(key) {
                LoginKey::NotMine => {}
                LoginKey::Taken => {
                    self.redraw = true;
                    return;
                }
                LoginKey::LogIn { username, password } => {
                    self.redraw = true;
                    out.push(Command::LogIn { username, password });
                    return;
                }
            }
        }
        self.notice = None;
        let context = self.key_context();
        let action = self.keymap.action(context, &key);
        if (action != Some(Action::Back) || context == KeyContext::QuitQuestion)
            && let Some(form) = &mut self.form
            && self.screen == Screen::Form
        {
            // Only an Esc right after the warning discards.
            form.discard_armed = false;
        }
        if let Some(action) = action {
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
            KeyContext::FilterEdit => self.filters.typed(request),
            KeyContext::Results | KeyContext::Detail => {
                // Typing in the list or the profile starts a new search; Backspace takes the
                // search back up where it was, one character shorter.
                match request {
                    InputRequest::InsertChar(_) => {
                        self.focus = Focus::Search;
                        let before = self.search.value().to_string();
                        self.search.reset();
                        self.search.handle(request);
                        if self.search.value() != before {
                            self.search_changed(out);
                        }
                    }
                    InputRequest::DeletePrevChar => {
                        self.focus = Focus::Search;
                        self.search.handle(InputRequest::GoToEnd);
                        self.edit_search(request, out);
                    }
                    _ => {}
                }
            }
            KeyContext::Form => self.form_typed(request),
            KeyContext::CheckIn => self.check_in_typed(request),
            KeyContext::PhotoPick => self.photo_typed(request),
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
        match self.key_context() {
            KeyContext::Form => {
                for c in text.chars() {
                    self.form_typed(InputRequest::InsertChar(c));
                }
                return;
            }
            KeyContext::CheckIn => {
                for c in text.chars() {
                    self.check_in_typed(InputRequest::InsertChar(c));
                }
                return;
            }
            KeyContext::PhotoPick => {
                for c in text.chars() {
                    self.photo_typed(InputRequest::InsertChar(c));
                }
                return;
            }
            context if self.screen != Screen::Desk || context == KeyContext::Records => return,
            _ => {}
        }
        if self.focus == Focus::Filters && self.filters.editing.is_some() {
            for c in text.chars() {
                self.filters.typed(InputRequest::InsertChar(c));
            }
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
            Action::Quit => return self.request_quit(),
            _ if context == KeyContext::QuitQuestion => {
                match action {
                    Action::Confirm => self.quit = true,
                    Action::Back => self.quit_question = None,
                    _ => {}
                }
                return;
            }
            Action::Help => {
                self.help = if self.help.is_some() { None } else { Some(0) };
                return;
            }
            Action::Edit if context != KeyContext::Help => return self.open_edit(out),
            Action::NewCustomer if context != KeyContext::Help => return self.open_new_customer(),
            _ => {}
        }
        match context {
            KeyContext::CheckIn | KeyContext::Confirm => self.check_in_action(context, action, out),
            KeyContext::PhotoPick => self.photo_action(action, out),
            KeyContext::Form | KeyContext::FormChoice | KeyContext::Conflict => self.form_action(action, out),
            KeyContext::Records => self.records_action(action),
            _ => self.desk_action(context, action, out),
        }
    }

    /// Quits at once when nothing would be lost or stopped; else asks for a yes, naming why.
    fn request_quit(&mut self) {
        if self.quit_question.is_some() {
            return;
        }
        let mut reasons = Vec::new();
        let queued = self.check_in.queued;
        if queued > 0 {
            let scans = if queued == 1 { "1 scan is".to_string() } else { format!("{queued} scans are") };
            reasons.push(format!("{scans} waiting for the server (kept for the next start)"));
        }
        if self.form.as_ref().is_some_and(Form::is_dirty) {
            reasons.push("the form has unsaved changes".to_string());
        }
        if self.stops_server {
            reasons.push("quitting stops the demo server".to_string());
        }
        if reasons.is_empty() {
            self.quit = true;
            return;
        }
        self.quit_question = Some(format!("{}.", capitalize(&reasons.join("; "))));
        self.redraw = true;
    }

    pub(crate) fn say(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice { text: text.into(), warn: false });
        self.redraw = true;
    }

    pub(crate) fn warn(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice { text: text.into(), warn: true });
        self.redraw = true;
    }

    /// The search screen's keys (and the `?` overlay's).
    fn desk_action(&mut self, context: KeyContext, action: Action, out: &mut Vec<Command>) {
        match action {
            Action::Quit | Action::Help | Action::Edit | Action::NewCustomer => {}
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
            Action::ClearSearch if !self.search.value().is_empty() => {
                self.search.reset();
                self.search_changed(out);
            }
            Action::ClearFilters if !self.filters.values.is_empty() => {
                self.filters.values.clear();
                self.filters.editing = None;
                self.filters_changed(out);
            }
            Action::RemoveFilter if self.filters.values.get(self.filters.selected).is_some() => {
                self.filters.values.set(self.filters.selected, None);
                self.filters_changed(out);
            }
            Action::Retry => self.retry(out),
            Action::Refresh => {
                self.list.requested = None;
                self.submit_list(ListJob::First(self.query()), out);
                self.detail.reload();
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
                KeyContext::Filters => {
                    let edit = self.filters.open_selected();
                    self.filter_edited(edit, out);
                }
                _ => {}
            },
            Action::Confirm => {
                let edit = self.filters.confirm();
                self.filter_edited(edit, out);
            }
            Action::CycleNext | Action::CyclePrev
                if context == KeyContext::Filters && specs()[self.filters.selected].kind.is_choice() =>
            {
                let edit = self.filters.cycle_selected(action == Action::CycleNext);
                self.filter_edited(edit, out);
            }
            Action::SelectNext => self.move_selection(1, out),
            Action::SelectPrev => self.move_selection(-1, out),
            Action::UploadPhoto if context == KeyContext::Detail => self.open_photo_upload(),
            Action::EmergencyContacts | Action::Notes | Action::Alerts if context == KeyContext::Detail => {
                let kind = match action {
                    Action::EmergencyContacts => SubCollection::EmergencyContacts,
                    Action::Notes => SubCollection::Notes,
                    _ => SubCollection::Alerts,
                };
                self.open_records(kind);
            }
            Action::CheckInMode => self.toggle_check_in(out),
            _ => {}
        }
    }

    fn back(&mut self, out: &mut Vec<Command>) {
        if self.help.take().is_some() {
            return;
        }
        match self.focus {
            Focus::Filters if self.filters.editing.is_some() => self.filters.leave_edit(),
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
                // End goes to the real last customer: the rest of the pages load, then it is selected.
                self.to_bottom = action == Action::Bottom && self.list.next.is_some();
                if self.to_bottom
                    && !self.list.is_loading()
                    && let Some(next) = self.list.next.clone()
                {
                    self.submit_list(ListJob::Next(next), out);
                }
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
            KeyContext::Filters => self.filters.movement(action),
            KeyContext::Help => {
                self.help = Some(help::scrolled(self.help.unwrap_or(0), action, self.size, &self.keymap));
            }
            _ => {}
        }
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

    /// What a filter key did: its warning (a value that replaced another), and the new query.
    fn filter_edited(&mut self, edit: FilterEdit, out: &mut Vec<Command>) {
        if let Some(warning) = edit.warning {
            self.warn(warning);
        }
        if edit.changed {
            self.filters_changed(out);
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
                        self.to_bottom = false;
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
                if self.to_bottom {
                    match self.list.next.clone() {
                        Some(next) => self.issue_list(ListJob::Next(next), out),
                        None => self.to_bottom = false,
                    }
                    self.list.selected = self.list.rows.len().saturating_sub(1);
                }
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

    /// The server no longer knows the token: ask for a login (once; a prompt already open stays).
    fn ask_login(&mut self) {
        if self.login.is_none() {
            self.login = Some(LoginPrompt::default());
            self.redraw = true;
        }
    }

    /// The login's answer: on success the prompt closes and what failed is tried again.
    fn on_logged_in(&mut self, result: Result<(), ClientError>, out: &mut Vec<Command>) {
        self.redraw = true;
        let Some(prompt) = &mut self.login else { return };
        if let Some(who) = prompt.answered(result) {
            self.login = None;
            self.problem = None;
            self.retry(out);
            out.push(Command::SendQueued);
            self.say(format!("Signed in again as {who}"));
        }
    }

    fn report(&mut self, e: &ClientError) {
        if matches!(e, ClientError::Unauthorized(_)) {
            self.ask_login();
        }
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
        if self.detail.any_failed() {
            self.detail.reload();
        }
        self.photos.forget_failures();
        self.load_visible_detail(out);
    }

    // ----- the profile -----

    /// Loads what the visible profile lacks: its sub-collections and photo.
    fn load_visible_detail(&mut self, out: &mut Vec<Command>) {
        if !self.detail_visible() {
            return;
        }
        let Some(customer) = self.list.selected_customer() else { return };
        self.detail.show(customer, &mut self.requests, out);
        self.load_photo(out);
    }

    /// Fetches the photo on screen, unless it is cached or on its way.
    fn load_photo(&mut self, out: &mut Vec<Command>) {
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

    fn on_sub(
        &mut self,
        request: RequestId,
        kind: SubCollection,
        result: Result<Option<SubRecords>, ClientError>,
        out: &mut Vec<Command>,
    ) {
        let failed = self.detail.on_sub(request, kind, result, &mut self.requests, out);
        self.redraw = true;
        if let Some(e) = failed {
            self.report(&e);
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
        // The other screens and the record list are for the keyboard.
        if self.screen != Screen::Desk || self.records.is_some() {
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

/// The photo URL to fetch for a box of `rect` cells: the small (128 px)
/// version when the box is small enough for it to look sharp.
fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn photo_url(customer: &Customer, rect: Rect) -> Option<String> {
    let small = customer.profile_image_small.clone().filter(|u| !u.is_empty());
    let full = customer.profile_image.clone().filter(|u| !u.is_empty());
    if rect.width <= 16 { small.or(full) } else { full.or(small) }
}

mod check_in;
mod editing;
mod geometry;
mod photo_upload;
mod status;

#[cfg(test)]
mod check_in_tests;
#[cfg(test)]
mod edit_tests;
#[cfg(test)]
mod login_tests;
#[cfg(test)]
pub(crate) mod tests;
