//! The terminal and the event loop: set the terminal up (and restore it on
//! exit, on error and on panic), ask it about images once before reading
//! events, then feed messages to `App::update` and draw when something
//! changed, one frame per burst of messages.

use std::io::{self, Stdout};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event, EventStream,
    KeyEventKind,
};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::layout::Rect;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use super::app::{App, KeyRead, Msg};
use super::tasks::Tasks;
use super::view;

/// How often the spinner turns while something loads (never while idle).
pub const TICK: Duration = Duration::from_millis(100);

/// Puts the terminal back as it was: cursor, raw mode, mouse, paste, screen.
pub fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = crossterm::execute!(
        io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// Restores the terminal when dropped, however the app ends, then says what
/// failed in the background while the app ran.
pub struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
        for panic in take_background_panics() {
            eprintln!("frontdesk: while the app ran, a background task failed: {panic}");
        }
    }
}

/// Panics of threads other than the app's own, kept until the terminal is
/// back (see [`PanicRoute`]).
static BACKGROUND_PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn keep_background_panic(message: String) {
    BACKGROUND_PANICS.lock().unwrap_or_else(PoisonError::into_inner).push(message);
}

fn take_background_panics() -> Vec<String> {
    std::mem::take(&mut *BACKGROUND_PANICS.lock().unwrap_or_else(PoisonError::into_inner))
}

/// What a panic does to the terminal.
#[derive(Debug, PartialEq, Eq)]
enum PanicRoute {
    /// The app's own thread: the panic ends the app, so the terminal is put
    /// back before the message prints.
    EndsTheApp,
    /// Any other thread (a task of the app, or of the demo's server in the
    /// same process): tokio or the server catches it and the app goes on,
    /// so the terminal stays in the app's mode (putting it back left a
    /// running app echoing keys over a blank screen) and the message waits
    /// for the app's end instead of printing over the screen.
    Background,
}

fn panic_route(panicking: ThreadId, app: ThreadId) -> PanicRoute {
    if panicking == app { PanicRoute::EndsTheApp } else { PanicRoute::Background }
}

/// Enters the app's terminal mode and makes a panic of the calling thread
/// (the app's) restore it before the panic message prints.
pub fn enter_terminal() -> io::Result<(Terminal<CrosstermBackend<Stdout>>, TerminalGuard)> {
    let previous = std::panic::take_hook();
    let app = std::thread::current().id();
    std::panic::set_hook(Box::new(move |info| match panic_route(std::thread::current().id(), app) {
        PanicRoute::EndsTheApp => {
            restore_terminal();
            previous(info);
        }
        PanicRoute::Background => keep_background_panic(info.to_string()),
    }));
    enable_raw_mode()?;
    let guard = TerminalGuard;
    crossterm::execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste, EnableMouseCapture)?;
    let terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    Ok((terminal, guard))
}

/// The message for a terminal event, if the app cares about it. Keys are stamped with when they were
/// read, here, so that a slow frame cannot squeeze a person's keys into what looks like a scanner burst.
pub fn message_for(event: Event) -> Option<Msg> {
    match event {
        // Release and repeat events (kitty keyboard protocol) would double keys.
        Event::Key(key) if key.kind == KeyEventKind::Press => Some(Msg::Read(KeyRead { key, at: Instant::now() })),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Mouse(mouse) => Some(Msg::Mouse(mouse)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        _ => None,
    }
}

/// Reads terminal events into the app's channel until the terminal closes
/// or the app stops listening.
pub fn spawn_input(tx: UnboundedSender<Msg>) {
    tokio::spawn(async move {
        let mut events = EventStream::new();
        while let Some(event) = events.next().await {
            let Ok(event) = event else { break };
            if let Some(msg) = message_for(event)
                && tx.send(msg).is_err()
            {
                break;
            }
        }
    });
}

/// What the loop has done, readable while it runs (the benchmark counts
/// frames drawn while idle).
#[derive(Debug, Default)]
pub struct LoopStats {
    pub frames: AtomicU64,
    pub messages: AtomicU64,
}

/// Runs the app until it quits or its channel closes: messages in, commands
/// out, one frame per burst of messages (and none while idle). `ring` sounds
/// the terminal bell once; it is called between frames.
pub async fn drive<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    rx: &mut UnboundedReceiver<Msg>,
    tasks: &Tasks,
    clear_on_change: bool,
    stats: &LoopStats,
    ring: &mut (dyn FnMut() + Send),
) -> Result<(), B::Error> {
    for command in app.start() {
        tasks.run(command);
    }
    let mut placement = None;
    loop {
        if app.take_redraw() {
            if clear_on_change {
                // Sixel and iTerm2 pixels are not cells: a moved or changed
                // photo must be wiped, or the old one stays on screen.
                let now = app.photo_placement();
                if now != placement {
                    terminal.clear()?;
                    placement = now;
                }
            }
            terminal.draw(|frame| view::draw(frame, app))?;
            stats.frames.fetch_add(1, Ordering::Relaxed);
        }
        for _ in 0..app.take_bells() {
            ring();
        }
        if app.quit {
            break;
        }
        // Held keys that may start a scan are released as typing when their deadline passes.
        let deadline = app.scanner_deadline().map(tokio::time::Instant::from_std);
        let until_deadline = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        let msg = if app.is_busy() {
            tokio::select! {
                msg = rx.recv() => msg,
                () = until_deadline => Some(Msg::ScannerDeadline(Instant::now())),
                () = tokio::time::sleep(TICK) => Some(Msg::Tick),
            }
        } else {
            tokio::select! {
                msg = rx.recv() => msg,
                () = until_deadline => Some(Msg::ScannerDeadline(Instant::now())),
                // Local midnight at the desk (the today list and every countdown move on), the idle
                // lock, or the lock screen's countdown.
                () = tokio::time::sleep(app.next_wake()) => Some(Msg::Tick),
            }
        };
        let Some(msg) = msg else { break };
        let mut next = Some(msg);
        // Everything already waiting is handled before the next frame.
        while let Some(msg) = next {
            stats.messages.fetch_add(1, Ordering::Relaxed);
            for command in app.update(msg) {
                tasks.run(command);
            }
            if app.quit {
                break;
            }
            next = rx.try_recv().ok();
        }
    }
    Ok(())
}

/// The terminal's size as the app's first layout.
pub fn initial_size<B: Backend>(terminal: &Terminal<B>) -> Rect {
    terminal.size().map(|s| Rect::new(0, 0, s.width, s.height)).unwrap_or(Rect::new(0, 0, 80, 24))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_apps_own_thread_ends_the_app_and_gives_the_terminal_back() {
        let app = std::thread::current().id();
        let task = std::thread::spawn(|| std::thread::current().id()).join().unwrap();
        assert_eq!(panic_route(app, app), PanicRoute::EndsTheApp);
        assert_eq!(panic_route(task, app), PanicRoute::Background);
    }

    #[test]
    fn a_background_panic_is_kept_for_the_end_and_said_once() {
        keep_background_panic("panicked at src/x.rs:1:1: boom".into());
        let kept = take_background_panics();
        assert!(kept.iter().any(|p| p.contains("boom")), "{kept:?}");
        assert!(!take_background_panics().iter().any(|p| p.contains("boom")), "said once");
    }
}
