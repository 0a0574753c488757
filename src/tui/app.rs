//! The app's one owner of state, changed only by [`App::update`]: keys,
//! paste, mouse, timers and task answers come in as [`Msg`]s; what should
//! happen outside (HTTP, image work, timers) goes out as [`Command`]s.
//!
//! Every request carries a [`RequestId`]; an answer whose id is no longer
//! the one awaited is dropped, so a stale answer is never shown.

use std::time::Duration;

pub use super::check_in::Bells;
use super::check_in::CheckInState;
use super::editor::Editor;
use super::filters::FilterPane;
use super::help::HelpOverlay;
use super::keymap::{KeyContext, KeyMap};
use super::login::LoginPrompt;
pub use super::msg::{Command, KeyRead, Msg, PhotoKey, PhotoMode, Timer};
use super::palette::Palette;
pub use super::photo_upload::{PhotoUpload, PhotoUploader};
use super::photo_view::EncodedPhoto;
pub use super::photo_view::PreparedUpload;
pub use super::photos::{PHOTO_CACHE, PhotoCache, PhotoEntry};
use super::profile::DetailState;
use super::records::RecordPicker;
pub use super::request::RequestId;
use super::request::Requests;
use super::results::ListAnswer;
pub use super::results::{PREFETCH_MARGIN, ResultList, SELECTION_SETTLE};
pub use super::screen::{Focus, Screen};
use super::search_bar::SearchBar;
use super::staff::{StaffLock, StaffSettings};
pub use super::status::{Notice, Problem};
use super::theme::Theme;
use crate::client::records::Location;
use crate::client::{ClientError, CustomerQuery, SubCollection, SubRecords};
use crate::desk::scanner::Provisional;
use crate::desk::{BurstDetector, Decision, ScannerConfig};
use crate::model::{Customer, Page};
use jiff::civil::Date;
use ratatui::layout::Rect;

pub use super::filters::DISCARD_PROMPT;

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
    /// F8's reasons (`[check_in] override_reasons`).
    pub override_reasons: Vec<String>,
    /// `[check_in] override_needs_manager_pin`: F8 asks for a manager's PIN after the reason.
    pub override_needs_manager_pin: bool,
    /// `[sounds]`: each check-in outcome's pattern or command, and quiet hours.
    pub sounds: crate::config::SoundsConfig,
    /// Quitting the app also stops the server (`frontdesk demo`), so quitting asks first.
    pub stops_server: bool,
}

#[derive(Debug)]
pub struct App {
    pub screen: Screen,
    pub focus: Focus,
    /// The `?` overlay and its scroll.
    pub help: HelpOverlay,
    /// The command palette (ctrl-k).
    pub palette: Palette,
    pub search: SearchBar,
    pub filters: FilterPane,
    pub list: ResultList,
    pub detail: DetailState,
    pub photos: PhotoCache,
    /// Screens to go back to, the latest last.
    screens_behind: Vec<Screen>,
    /// The open edit form and its save.
    pub editor: Editor,
    /// The contact, note or alert list over the profile.
    pub records: RecordPicker,
    /// The photo screen's upload.
    pub photo_upload: PhotoUploader,
    /// The organization's locations, for choices.
    pub locations: Vec<Location>,
    /// The last `/api/gyms/` fetch failed: it is sent again on the retry key, after a login and
    /// when the server answers the list again.
    locations_failed: bool,
    scanner: BurstDetector,
    /// Keys the detector holds, shown in the search bar already (see [`App::show_held_keys`]).
    provisional: Provisional<tui_input::Input>,
    pub check_in: CheckInState,
    /// Why quitting now needs a yes (queued scans, unsaved edits, a demo server that would
    /// stop), while the question is on screen.
    pub quit_question: Option<String>,
    stops_server: bool,
    /// A word for the status line until the next key (see [`Notice`]).
    pub notice: Option<Notice>,
    pub problem: Option<Problem>,
    /// The server answered `401`: username and password asked again (see [`super::login`]).
    pub login: Option<LoginPrompt>,
    /// Work a `401` stopped, sent again once the login succeeds (a `401` means the server did
    /// nothing with it).
    after_login: Vec<Redo>,
    /// Who is signed in, and the lock screen while the desk is locked (see [`super::staff`]).
    pub staff: StaffLock,
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
    redraw: bool,
}

impl App {
    pub fn new(options: AppOptions, size: Rect) -> App {
        // The config loader already refused a scanner config that cannot work.
        let scanner = BurstDetector::new(options.scanner.clone()).unwrap_or_default();
        App {
            screen: if options.start_checking_in { Screen::CheckIn } else { Screen::Desk },
            focus: Focus::Search,
            help: HelpOverlay::default(),
            palette: Palette::default(),
            search: SearchBar::default(),
            filters: FilterPane::new(),
            list: ResultList::default(),
            detail: DetailState::new(),
            photos: PhotoCache::default(),
            screens_behind: Vec::new(),
            editor: Editor::default(),
            records: RecordPicker::default(),
            photo_upload: PhotoUploader::default(),
            locations: Vec::new(),
            locations_failed: false,
            scanner,
            provisional: Provisional::default(),
            check_in: CheckInState::new(options.bells)
                .with_override_reasons(&options.override_reasons)
                .with_manager_pin(options.override_needs_manager_pin)
                .with_sounds(options.sounds),
            quit_question: None,
            stops_server: options.stops_server,
            notice: None,
            problem: None,
            login: None,
            after_login: Vec::new(),
            staff: StaffLock::new(StaffSettings::default(), options.clock.now()),
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
            redraw: true,
        }
    }

    /// The app with the config's `[staff]` settings and the staff member it opens signed in as.
    pub fn with_staff(mut self, settings: StaffSettings) -> App {
        self.staff = StaffLock::new(settings, self.clock.now());
        self
    }

    /// The first list (everyone, newest search state) when the app opens.
    pub fn start(&mut self) -> Vec<Command> {
        let mut out = Vec::new();
        self.search(&mut out);
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
            || self.detail.is_loading()
            || self.photos.is_loading()
            || self.editor.is_saving()
            || self.photo_upload.is_uploading()
            || self.photo_upload.is_preparing()
    }

    /// When held keys must be released if no other key comes first (the runtime then sends
    /// [`Msg::ScannerDeadline`]).
    pub fn scanner_deadline(&self) -> Option<std::time::Instant> {
        self.scanner.deadline()
    }

    /// What the spinner is waiting for, in a few words.
    pub fn busy_with(&self) -> &'static str {
        if self.editor.is_saving() {
            "saving"
        } else if self.photo_upload.is_uploading() {
            "uploading the photo"
        } else if self.photo_upload.is_preparing() {
            "preparing the photo"
        } else if self.list.is_loading() {
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
        if self.staff.is_locked() {
            return KeyContext::Lock;
        }
        if self.help.is_open() {
            return KeyContext::Help;
        }
        if self.palette.is_open() {
            return KeyContext::Palette;
        }
        match self.screen {
            Screen::Desk => {}
            Screen::Photo => return KeyContext::PhotoPick,
            Screen::CheckIn if self.check_in.confirm_undo.is_some() => return KeyContext::Confirm,
            Screen::CheckIn if self.check_in.choosing_override.is_some() => return KeyContext::Override,
            Screen::CheckIn if self.check_in.family.focused => return KeyContext::Family,
            Screen::CheckIn => return KeyContext::CheckIn,
            Screen::Form => {
                return match &self.editor.form {
                    Some(_) if self.editor.duplicates.is_some() => KeyContext::Duplicates,
                    Some(form) if form.conflict.is_some() => KeyContext::Conflict,
                    Some(form) if form.focused_field().is_choice() => KeyContext::FormChoice,
                    _ => KeyContext::Form,
                };
            }
        }
        if self.records.is_open() {
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
            let upload = self.photo_upload.current()?;
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
        self.follow_staff_clock(&msg);
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
                let keys = self.scanner.tick(at);
                self.on_typed(keys, &mut out);
            }
            Msg::Paste(text) => {
                self.redraw = true;
                // Held keys were typed before the paste (a paste is never a scan).
                let keys = self.scanner.flush();
                self.on_typed(keys, &mut out);
                self.on_paste(&text);
            }
            Msg::Mouse(_) if self.staff.is_locked() => {}
            Msg::Mouse(mouse) => {
                let keys = self.scanner.flush();
                self.on_typed(keys, &mut out);
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
            Msg::Timer { timer: Timer::Selection, generation } => {
                if self.list.selection_settled(generation) {
                    self.load_visible_detail(&mut out);
                }
            }
            Msg::ListLoaded { request, result } => self.on_list(request, result, &mut out),
            Msg::SubLoaded { request, kind, result } => self.on_sub(request, kind, result, &mut out),
            Msg::PhotoLoaded { request, key, result } => self.on_photo(request, key, result, &mut out),
            Msg::LocationsLoaded(result) => self.on_locations(result),
            Msg::Timer { timer: Timer::Bell, generation } => self.on_bell_timer(generation, &mut out),
            Msg::ScanAnswered { request, scan, outcome } => self.on_scan_answered(request, scan, outcome, &mut out),
            Msg::CheckInVoided { request, result } => self.on_voided(request, result),
            Msg::FamilyLoaded { request, result } => self.on_family_loaded(request, result),
            Msg::MemberCheckedIn { request, delivery } => self.on_member_checked_in(request, delivery),
            Msg::JournalOpened { pending, problem } => self.on_journal_opened(pending, problem),
            Msg::QueueDrained(report) => self.on_queue_drained(report),
            Msg::LoggedIn(result) => self.on_logged_in(result, &mut out),
            Msg::ManagerPinAnswered { request, result } => {
                self.redraw |= self.check_in.manager_answered(request, result)
            }
            Msg::StaffSignedIn { username, result, kept } => self.on_staff_signed_in(username, result, kept, &mut out),
            Msg::PathCompleted { request, result } => self.on_path_completed(request, result),
            Msg::PhotoPrepared { request, result } => self.on_photo_prepared(request, result),
            Msg::UploadProgress { request, sent, total } => self.on_upload_progress(request, sent, total),
            Msg::PhotoUploaded { request, result } => self.on_photo_uploaded(request, result, &mut out),
            Msg::CustomerLoaded { request, result } => self.on_fresh_customer(request, result, &mut out),
            Msg::CustomerSaved { request, result } => self.on_customer_saved(request, result, &mut out),
            Msg::DuplicatesChecked { request, result } => self.on_duplicates_checked(request, result, &mut out),
            Msg::RecordSaved { request, result } => self.on_record_saved(request, result, &mut out),
            Msg::SoundFailed { program, error } => self.on_sound_failed(&program, &error),
        }
        // Keys still held (they may start a scan) appear in the search bar at once, whatever the
        // message (a focus change may have brought the bar back).
        self.show_held_keys();
        // Search as you type: a change of the search text sends its search now, once for all the keys
        // this message brought (a burst released as typing, a paste); while a list request is in
        // flight it waits, the newest text replacing any older one (see `results.rs`).
        if self.search.take_changed() {
            self.search(&mut out);
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

    /// The organization's locations, or why not. Without them a home location shows as its id and
    /// times are in the computer's zone, so a failed fetch is tried again (on the retry key, after a login,
    /// when the list loads again);
    /// only a `401` is told, as the sign-in prompt.
    fn on_locations(&mut self, result: Result<Vec<Location>, ClientError>) {
        match result {
            Ok(locations) => {
                self.locations_failed = false;
                self.locations = locations;
                self.set_desk_location();
                self.redraw = true;
            }
            Err(e) => {
                self.locations_failed = true;
                if matches!(e, ClientError::Unauthorized(_)) {
                    self.report(&e);
                }
            }
        }
    }

    /// Sends the locations' fetch again if the last one failed (one fetch at a time).
    fn refetch_failed_locations(&mut self, out: &mut Vec<Command>) {
        if std::mem::take(&mut self.locations_failed) {
            out.push(Command::FetchLocations);
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
            Decision::Type(keys) => self.on_typed(keys, out),
            Decision::Scan(code) => {
                self.redraw = true;
                // The scan's keys shown in the search bar are taken back: the text (and, through
                // search as you type, the results) as before the burst.
                if let Some(before) = self.provisional.scanned() {
                    self.search.restore(before);
                }
                self.on_scan(code, out);
            }
        }
    }

    /// Keys the detector released as typed, in order: those already shown in the search bar stay
    /// (they are typed for good now), the rest go where keys go.
    fn on_typed(&mut self, keys: Vec<crossterm::event::KeyEvent>, out: &mut Vec<Command>) {
        for key in self.provisional.typed(keys) {
            self.redraw = true;
            self.on_key(key, out);
        }
    }

    /// Speculative typing: while the search bar has the keys, each key the detector holds (in case it
    /// starts a scan) is typed into it at once, provisionally, so that its search goes now rather
    /// than up to `max_gap_ms` + 1 ms later. Oldest first, stopping at a key the bar would not take as
    /// a character (a key bound to an action, a control character): later keys wait behind it, so
    /// nothing is reordered. Other fields get a held key once it is decided, as before.
    fn show_held_keys(&mut self) {
        for key in self.provisional.unshown(&self.scanner) {
            let Some(c) = self.provisional_char(&key) else { break };
            self.provisional.show(key, self.search.snapshot());
            self.notice = None;
            self.redraw = true;
            self.search.typed(tui_input::InputRequest::InsertChar(c));
        }
    }

    /// The character `key` types into the search bar, if the bar has the keys and would take it as
    /// one (exactly what [`App::on_key`] would do with it).
    fn provisional_char(&self, key: &crossterm::event::KeyEvent) -> Option<char> {
        let context = self.key_context();
        if self.login.is_some() || context != KeyContext::Search || self.keymap.action(context, key).is_some() {
            return None;
        }
        match tui_input::backend::crossterm::to_input_request(&crossterm::event::Event::Key(*key))? {
            tui_input::InputRequest::InsertChar(c) => Some(c),
            _ => None,
        }
    }

    /// A barcode scanned anywhere: into the form's barcode field when that is where staff are
    /// (a new key tag), else it is a customer to find.
    fn on_scan(&mut self, code: String, out: &mut Vec<Command>) {
        // A scan is a customer at the desk, whatever was being looked for in the palette.
        self.palette.close();
        if self.staff.is_locked() {
            return self.scanned_while_locked(code, out);
        }
        if self.screen == Screen::CheckIn && self.check_in.pin_fields_take(&code) {
            // Digits typed fast into the manager's PIN are typing, never a barcode sent anywhere.
            self.redraw = true;
            return;
        }
        if self.screen == Screen::Form && self.editor.scanned(&code) {
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
        self.help.close();
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

    /// A word for the status line until the next key.
    pub(crate) fn show(&mut self, notice: Notice) {
        self.notice = Some(notice);
        self.redraw = true;
    }

    pub(crate) fn say(&mut self, text: impl Into<String>) {
        self.show(Notice::say(text));
    }

    pub(crate) fn warn(&mut self, text: impl Into<String>) {
        self.show(Notice::warn(text));
    }

    // ----- the list -----

    /// The first page of the search as typed now (unless it is the one already sent).
    fn search(&mut self, out: &mut Vec<Command>) {
        let query = self.query();
        self.list_job(out, |list, requests, out| list.search(query, requests, out));
    }

    /// Something for the results list to send; a request sent turns the spinner.
    fn list_job(
        &mut self,
        out: &mut Vec<Command>,
        job: impl FnOnce(&mut ResultList, &mut Requests, &mut Vec<Command>),
    ) {
        let before = out.len();
        job(&mut self.list, &mut self.requests, out);
        if out.len() > before {
            self.redraw = true;
        }
    }

    fn on_list(&mut self, request: RequestId, result: Result<Page<Customer>, ClientError>, out: &mut Vec<Command>) {
        match self.list.on_list(request, result, &mut self.requests, out) {
            ListAnswer::Stale => return,
            ListAnswer::Superseded => {}
            ListAnswer::Loaded { first_page } => {
                self.problem = None;
                // The server answers again: the locations too, if they failed.
                self.refetch_failed_locations(out);
                if first_page && self.list.rows.is_empty() && matches!(self.focus, Focus::Results | Focus::Detail) {
                    self.focus = Focus::Search;
                }
                if !self.list.rows.is_empty() {
                    self.selection_changed(out);
                }
            }
            ListAnswer::Failed(e) => self.report(&e),
        }
        self.redraw = true;
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
            self.staff.signed_in = Some(who.clone());
            self.problem = None;
            self.retry(out);
            self.redo_after_login(out);
            out.push(Command::SendQueued);
            self.say(format!("Signed in again as {who}"));
        }
    }

    /// `redo` is sent again once the login the `401` asked for succeeds.
    fn redo_on_login(&mut self, redo: Redo) {
        if !self.after_login.contains(&redo) {
            self.after_login.push(redo);
        }
    }

    /// Sends again what a `401` stopped: the form's save from its first step (read again, then only
    /// what is still the user's), the prepared photo's upload; each only if it is still there.
    fn redo_after_login(&mut self, out: &mut Vec<Command>) {
        for redo in std::mem::take(&mut self.after_login) {
            match redo {
                Redo::Save => {
                    if self.editor.form.as_ref().is_some_and(|f| f.conflict.is_none()) {
                        self.save_form(out);
                    }
                }
                Redo::Upload => {
                    if self.photo_upload.can_upload_again() {
                        self.upload_photo(out);
                    }
                }
            }
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
        self.list_job(out, ResultList::retry);
        self.refetch_failed_locations(out);
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
        if let Some(key) = self.photo_key() {
            self.photos.want(key, &mut self.requests, out);
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

    fn on_photo(
        &mut self,
        request: RequestId,
        key: PhotoKey,
        result: Result<EncodedPhoto, String>,
        out: &mut Vec<Command>,
    ) {
        let on_screen = self.photo_key();
        if self.photos.on_photo(request, key, result, on_screen.as_ref(), &mut self.requests, out) {
            self.redraw = true;
        }
    }
}

/// Work stopped by a `401`, to send again after the login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Redo {
    /// The open form's save.
    Save,
    /// The prepared photo's upload.
    Upload,
}

/// The photo URL to fetch for a box of `rect` cells: the small (128 px)
/// version when the box is small enough for it to look sharp.
fn photo_url(customer: &Customer, rect: Rect) -> Option<String> {
    let small = customer.profile_image_small.clone().filter(|u| !u.is_empty());
    let full = customer.profile_image.clone().filter(|u| !u.is_empty());
    if rect.width <= 16 { small.or(full) } else { full.or(small) }
}

mod check_in;
mod duplicates;
mod editing;
mod family;
mod geometry;
mod keys;
mod mouse;
mod palette;
mod photo_upload;
mod search_screen;
mod staff;
mod status;

#[cfg(test)]
mod check_in_tests;
#[cfg(test)]
mod duplicates_tests;
#[cfg(test)]
mod edit_tests;
#[cfg(test)]
mod family_tests;
#[cfg(test)]
mod login_tests;
#[cfg(test)]
mod relogin_tests;
#[cfg(test)]
mod staff_tests;
#[cfg(test)]
pub(crate) mod tests;
