//! The terminal app: `frontdesk` with no subcommand. State lives in
//! [`app::App`] and changes only through `update(msg)`; panes draw it;
//! [`tasks`] do HTTP and image work and answer with messages.

pub mod action;
pub mod app;
pub mod badges;
pub mod check_in;
pub mod clock;
pub mod duplicates;
pub mod editor;
pub mod filter_set;
pub mod filters;
pub mod form;
pub mod help;
pub mod holdings;
pub mod keymap;
pub mod layout;
pub mod login;
pub mod msg;
pub mod palette;
pub mod panes;
pub mod paths;
pub mod photo_upload;
pub mod photo_view;
pub mod photos;
pub mod profile;
pub mod records;
pub mod request;
pub mod results;
pub mod runtime;
pub mod scans;
pub mod screen;
pub mod search_bar;
pub mod staff;
pub mod status;
pub mod tasks;
pub mod text;
pub mod theme;
pub mod view;

#[cfg(test)]
mod card_tests;
#[cfg(test)]
mod desk_screen_tests;
#[cfg(test)]
mod gym_clock_tests;
#[cfg(test)]
mod layout_tests;
#[cfg(test)]
mod manager_pin_screen_tests;
#[cfg(test)]
mod override_screen_tests;
#[cfg(test)]
mod palette_tests;
#[cfg(test)]
mod screen_tests;
#[cfg(test)]
mod sound_tests;
#[cfg(test)]
mod typing_tests;

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use crate::client::{self, Client, ClientError, CustomerQuery};
use crate::config::{self, Config, StoredToken};
use app::{App, AppOptions, Bells, PhotoMode};
use keymap::KeyMap;
use theme::Theme;

/// `frontdesk [--config PATH]`: reads the config and opens the app.
pub fn main(config_path: Option<PathBuf>) -> anyhow::Result<()> {
    let config = config::load(config_path.as_deref(), check_keys)?;
    run(config)
}

/// The config's `[keys]` check: every screen, key and action is one the app knows.
pub fn check_keys(keys: &config::KeyOverrides) -> Result<(), String> {
    KeyMap::with_overrides(keys).map(drop)
}

/// Opens the app with settings from anywhere (a file, or built in memory).
pub fn run(config: Config) -> anyhow::Result<()> {
    let runtime = crate::runtime::build()?;
    runtime.block_on(run_async(config))
}

/// The app on an existing tokio runtime, so a caller can serve the API on
/// the same runtime while the app runs (`frontdesk demo`).
pub async fn run_async(config: Config) -> anyhow::Result<()> {
    let client = connect(&config).await?;
    open(config, client, false).await
}

/// [`run_async`] for `frontdesk demo`: quitting the app stops the demo's server, so quitting asks first.
pub async fn run_async_stopping_server(config: Config) -> anyhow::Result<()> {
    let client = connect(&config).await?;
    open(config, client, true).await
}

/// Where the token comes from, first found wins: the config's `token`
/// (which `FRONTDESK_TOKEN` overrides when the config is read from a file),
/// the token saved by an earlier password login, or a password login now
/// (whose token is then saved, readable by the user only).
async fn connect(config: &Config) -> anyhow::Result<Client> {
    let base = client::parse_base_url(&config.base_url).map_err(anyhow::Error::msg)?;
    if let Some(token) = &config.token {
        return Ok(Client::new(base, token)?);
    }
    let Some(username) = config.username.clone() else {
        let place = config.path.as_ref().map_or("the config".to_string(), |p| p.display().to_string());
        anyhow::bail!(
            "{place} names no way to log in: add `username = \"your-staff-login\"` (the app then asks for the password once) or `token = \"...\"`, or set {}",
            config::TOKEN_ENV
        );
    };
    let token_path = config::token_path();
    if let Some(token) = token_path.as_deref().and_then(|p| config::read_stored_token(p, &config.base_url, &username)) {
        let client = Client::new(base.clone(), &token)?;
        // A revoked token is forgotten and the password asked again;
        // any other answer (even offline) opens the app.
        match client.customers(&CustomerQuery::default(), 1).await {
            Err(ClientError::Unauthorized(_)) => {
                if let Some(p) = &token_path {
                    let _ = std::fs::remove_file(p);
                }
            }
            _ => return Ok(client),
        }
    }
    let password = ask_password(&username, &base)?;
    let token = client::get_token(&base, &username, &password).await.map_err(|e| match e {
        ClientError::Validation(errors) => anyhow::anyhow!("login refused: {errors}"),
        other => anyhow::anyhow!("login failed: {other}"),
    })?;
    if let Some(path) = token_path {
        let stored = StoredToken { base_url: config.base_url.clone(), username, token: token.clone() };
        config::write_stored_token(&path, &stored)
            .with_context(|| format!("saving the token to {}", path.display()))?;
    }
    Ok(Client::new(base, &token)?)
}

/// How the app names its server to a person: `host:port` (the port only when
/// the URL gives one), as on the status line and in the password prompt, so
/// two servers on one machine are told apart.
fn server_label(base: &reqwest::Url) -> String {
    let host = base.host_str().unwrap_or("the server");
    match base.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// Reads a password from the terminal without echoing it.
fn ask_password(username: &str, base: &reqwest::Url) -> anyhow::Result<String> {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, read};
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "a password is needed for {username} but there is no terminal to ask on; set {}",
            config::TOKEN_ENV
        );
    }
    eprint!("Password for {username} at {}: ", server_label(base));
    let _ = std::io::stderr().flush();
    crossterm::terminal::enable_raw_mode()?;
    let mut password = String::new();
    let outcome = loop {
        match read() {
            Ok(Event::Key(key)) if key.kind == KeyEventKind::Press => match key.code {
                KeyCode::Enter => break Ok(()),
                KeyCode::Esc => break Err(anyhow::anyhow!("login cancelled")),
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    break Err(anyhow::anyhow!("login cancelled"));
                }
                KeyCode::Backspace => {
                    password.pop();
                }
                KeyCode::Char(c) => password.push(c),
                _ => {}
            },
            Ok(Event::Paste(text)) => password.push_str(text.trim_end_matches(['\r', '\n'])),
            Ok(_) => {}
            Err(e) => break Err(e.into()),
        }
    };
    let _ = crossterm::terminal::disable_raw_mode();
    eprintln!();
    outcome.map(|()| password)
}

/// The app's options from the config and the environment.
pub fn options(config: &Config, photos: PhotoMode, server_label: String) -> anyhow::Result<AppOptions> {
    let keymap = KeyMap::with_overrides(&config.keys).map_err(anyhow::Error::msg)?;
    let no_color = std::env::var("NO_COLOR").ok();
    let theme = Theme::from_config(&config.colors, config::colors_enabled(&config.colors, no_color.as_deref()));
    // Until the server names the desk's location and its zone (`/api/gyms/`), the computer's zone.
    let time_zone = jiff::tz::TimeZone::system();
    let bells = Bells {
        checked_in: config.check_in.bells_in,
        refused: config.check_in.bells_refused,
        gap: std::time::Duration::from_millis(config.check_in.bell_gap_ms),
    };
    Ok(AppOptions {
        keymap,
        theme,
        clock: clock::Clock::system(),
        location_id: config.location_id,
        photos,
        server_label,
        time_zone,
        scanner: config.scanner.clone(),
        start_checking_in: config.check_in.start,
        bells,
        override_reasons: config.check_in.override_reasons.clone(),
        override_needs_manager_pin: config.check_in.override_needs_manager_pin,
        sounds: config.sounds.clone(),
        stops_server: false,
    })
}

/// Sets up the terminal, runs the loop, and restores the terminal.
async fn open(config: Config, client: Client, stops_server: bool) -> anyhow::Result<()> {
    let (mut terminal, guard) = runtime::enter_terminal().context("setting up the terminal")?;
    // Asked once, before anything reads events, or its answers would arrive
    // as key presses.
    let picker = photo_view::choose_picker(config.photos, || ratatui_image::picker::Picker::from_query_stdio().ok());
    let photos = match &picker {
        None => PhotoMode::Off,
        Some(p) => PhotoMode::On { clear_on_change: photo_view::clears_on_change(p) },
    };
    let options = AppOptions { stops_server, ..options(&config, photos, server_label(client.base_url()))? };
    let staff = staff::StaffSettings {
        lock_after: config.staff.lock_after,
        scan_while_locked: config.staff.scan_while_locked,
        signed_in: config.username.clone(),
    };
    let mut app = App::new(options, runtime::initial_size(&terminal)).with_staff(staff);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let (journal, opened) = scans::open_journal(config.journal_path(), config.legacy_journal_path()).await;
    let _ = tx.send(opened);
    let link = scans::ScanLink::new(client.clone(), journal, config.location_id);
    link.spawn_sender(tx.clone());
    runtime::spawn_input(tx.clone());
    let mut tasks = tasks::Tasks::new(client, picker, tx).with_scans(link);
    // A demo's server and logins are temporary: its staff tokens are not kept.
    if !stops_server {
        tasks = tasks.with_token_files(staff::TokenFiles { base_url: config.base_url.clone() });
    }
    let clear = matches!(photos, PhotoMode::On { clear_on_change: true });
    let stats = runtime::LoopStats::default();
    let mut ring = || {
        // Between frames, on the loop that draws: a bell never lands inside an escape sequence.
        let mut out = std::io::stdout();
        let _ = out.write_all(b"\x07").and_then(|()| out.flush());
    };
    let result = runtime::drive(&mut terminal, &mut app, &mut rx, &tasks, clear, &stats, &mut ring).await;
    drop(guard);
    result.context("drawing the screen")
}

#[cfg(test)]
mod server_label_tests {
    use super::server_label;

    #[test]
    fn the_server_is_named_with_its_port_when_the_url_has_one() {
        let url = |s: &str| reqwest::Url::parse(s).unwrap();
        assert_eq!(server_label(&url("http://127.0.0.1:8812/api/")), "127.0.0.1:8812");
        assert_eq!(server_label(&url("https://api.hellocapitan.com/api/")), "api.hellocapitan.com");
    }
}
