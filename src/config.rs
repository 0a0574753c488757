//! The terminal app's TOML config (`--config PATH`, else the user's config
//! directory): which API, how to log in, photos, key bindings and colours.
//!
//! Every problem is reported as a [`ConfigError`] that says what to write.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::Digest;

pub use crate::desk::ScannerConfig;
pub use sounds::{QuietHours, Sound, SoundsConfig};

mod sounds;

/// Environment variable that overrides the token in any file.
pub const TOKEN_ENV: &str = "FRONTDESK_TOKEN";

/// How photos are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PhotoProtocol {
    /// Ask the terminal; half-blocks where it has no image protocol (and in tmux).
    #[default]
    Auto,
    Kitty,
    Sixel,
    Iterm2,
    Halfblocks,
    /// No photos.
    Off,
}

/// Colours by role; each a name (`cyan`, `light-red`), an index (`42`) or `#rrggbb`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Colors {
    /// `false` draws in the terminal's own colours only (as `NO_COLOR` does).
    pub enabled: bool,
    pub accent: String,
    pub ok: String,
    pub warn: String,
    pub error: String,
    pub muted: String,
}

impl Default for Colors {
    fn default() -> Self {
        Colors {
            enabled: true,
            accent: "cyan".into(),
            ok: "green".into(),
            warn: "yellow".into(),
            error: "red".into(),
            muted: "dark-gray".into(),
        }
    }
}

/// The config file as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    base_url: Option<String>,
    token: Option<String>,
    username: Option<String>,
    location_id: Option<i64>,
    #[serde(default)]
    photos: PhotosSection,
    #[serde(default)]
    keys: KeyOverrides,
    #[serde(default)]
    colors: Colors,
    #[serde(default)]
    scanner: ScannerConfig,
    #[serde(default)]
    check_in: CheckInConfig,
    #[serde(default)]
    sounds: sounds::SoundsFile,
    #[serde(default)]
    staff: StaffFile,
}

/// The `[staff]` table as written: staff switching on a shared desk (issue 16).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StaffFile {
    lock_after: Option<String>,
    scan_while_locked: Option<bool>,
}

/// The `[staff]` settings: when the desk locks itself, and what a scan does while it is locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffConfig {
    /// Lock the desk after this long without a key, a paste or a click (`None`: never).
    pub lock_after: Option<std::time::Duration>,
    /// While locked, a scan still checks the customer in under the last staff member signed in.
    pub scan_while_locked: bool,
}

impl Default for StaffConfig {
    fn default() -> Self {
        StaffConfig { lock_after: None, scan_while_locked: true }
    }
}

/// A duration as the config and the command line write it: a whole number and a unit, `90s`,
/// `10m`, `1h` or `2d` (a bare number is seconds).
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    const UNITS: DurationUnits = &[("", 1_000), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)];
    parse_duration_in(text, UNITS, "90s, 10m or 1h", "s, m, h or d")
}

/// The units a duration may be written in, each with its length in milliseconds (`""`: a bare number).
pub type DurationUnits = &'static [(&'static str, u64)];

/// A whole number and one of `units`, spaces around either allowed; an error names the text and
/// gives `examples` or the `unit_names`. Each setting chooses its units (a timeout takes `ms`, a
/// lock-out `d`).
pub fn parse_duration_in(
    text: &str,
    units: DurationUnits,
    examples: &str,
    unit_names: &str,
) -> Result<std::time::Duration, String> {
    let trimmed = text.trim();
    let (digits, unit) = trimmed.split_at(trimmed.find(|c: char| !c.is_ascii_digit()).unwrap_or(trimmed.len()));
    let n: u64 = digits.parse().map_err(|_| format!("{text:?} is not a duration such as {examples}"))?;
    let Some((_, millis)) = units.iter().find(|(name, _)| *name == unit.trim()) else {
        return Err(format!("unknown unit in {text:?} (use {unit_names})"));
    };
    Ok(std::time::Duration::from_millis(n.saturating_mul(*millis)))
}

/// The `[check_in]` table: the desk's check-in screen.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct CheckInConfig {
    /// Open the app on the check-in screen instead of the search.
    pub start: bool,
    /// Terminal bells rung when a scan lets the customer in (0: none).
    pub bells_in: u8,
    /// Bells rung when a scan is refused (0: none); more than `bells_in`, so
    /// the two are told apart by ear.
    pub bells_refused: u8,
    /// Pause between the bells of one verdict, in milliseconds.
    pub bell_gap_ms: u64,
    /// Where scans wait while the server cannot be reached (default: one
    /// file per server in the user's data directory).
    pub journal: Option<PathBuf>,
    /// The reasons F8 offers to let a refused customer in anyway; one ending in `(type it)` asks
    /// for the reason to be typed.
    pub override_reasons: Vec<String>,
    /// F8 asks for a manager's username and PIN after the reason, and the override goes out
    /// under the manager's token (so the server records the manager as who let them in).
    pub override_needs_manager_pin: bool,
}

/// F8's reasons when the config names none.
pub const DEFAULT_OVERRIDE_REASONS: [&str; 4] =
    ["waiver signed on paper", "manager approved", "pass sold at the counter", "other (type it)"];

impl Default for CheckInConfig {
    fn default() -> Self {
        CheckInConfig {
            start: false,
            bells_in: 1,
            bells_refused: 3,
            bell_gap_ms: 180,
            journal: None,
            override_reasons: DEFAULT_OVERRIDE_REASONS.map(str::to_string).to_vec(),
            override_needs_manager_pin: false,
        }
    }
}

impl CheckInConfig {
    /// Each override reason is one line the server accepts (`override_reason`), and there is one.
    fn validate_override_reasons(&self) -> Result<(), String> {
        if self.override_reasons.is_empty() {
            return Err(
                "check_in.override_reasons must name at least one reason (or leave it out for the defaults)".into()
            );
        }
        for reason in &self.override_reasons {
            crate::model::check_in_rules::parse_override_reason(reason).map_err(|e| {
                format!("check_in.override_reasons: {reason:?}: {}", e.replace("override_reason", "a reason"))
            })?;
        }
        Ok(())
    }
}

/// Longest pause between bells the config may set.
const MAX_BELL_GAP_MS: u64 = 2000;
/// Most bells one verdict may ring.
const MAX_BELLS: u8 = 9;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PhotosSection {
    #[serde(default)]
    protocol: PhotoProtocol,
}

/// The app's settings, from a file or built in memory (`frontdesk demo`).
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The API base, ending in `/api/`.
    pub base_url: String,
    pub token: Option<String>,
    pub username: Option<String>,
    pub location_id: Option<i64>,
    pub photos: PhotoProtocol,
    /// Key overrides: screen (`global`, `search`, `results`, `detail`,
    /// `filters`, `help`) -> key (`ctrl-f`, `f2`, `j`) -> action name.
    pub keys: KeyOverrides,
    pub colors: Colors,
    /// How a barcode scanner's keys are told from a person's.
    pub scanner: ScannerConfig,
    pub check_in: CheckInConfig,
    /// How each check-in outcome sounds, and when nothing does.
    pub sounds: SoundsConfig,
    pub staff: StaffConfig,
    /// The file it came from, if any.
    pub path: Option<PathBuf>,
}

impl Config {
    /// Settings for a known server and token, with every default.
    pub fn for_server(base_url: &str, token: &str) -> Config {
        Config {
            base_url: base_url.to_string(),
            token: Some(token.to_string()),
            username: None,
            location_id: None,
            photos: PhotoProtocol::Auto,
            keys: BTreeMap::new(),
            colors: Colors::default(),
            scanner: ScannerConfig::default(),
            check_in: CheckInConfig::default(),
            sounds: SoundsConfig::default(),
            staff: StaffConfig::default(),
            path: None,
        }
    }

    /// Where this desk's offline scans are kept: the config's
    /// `check_in.journal`, else a file per server identity in the user's
    /// data directory (so scans taken for one server are never sent to another).
    pub fn journal_path(&self) -> Option<PathBuf> {
        if let Some(path) = &self.check_in.journal {
            return Some(path.clone());
        }
        let dirs = directories::ProjectDirs::from("", "", "frontdesk")?;
        let digest = sha2::Sha256::digest(self.server_identity().as_bytes());
        Some(dirs.data_dir().join(format!("scans-{}.jsonl", &hex::encode(digest)[..12])))
    }

    /// Where versions before the server identity kept this server's scans (a file per base URL): the
    /// app takes over what is still queued there.
    pub fn legacy_journal_path(&self) -> Option<PathBuf> {
        if self.check_in.journal.is_some() {
            return None;
        }
        let dirs = directories::ProjectDirs::from("", "", "frontdesk")?;
        let server = crate::client::parse_base_url(&self.base_url).map_or(self.base_url.clone(), |u| u.to_string());
        let digest = sha2::Sha256::digest(server.as_bytes());
        Some(dirs.data_dir().join(format!("scans-{}.jsonl", &hex::encode(digest)[..12])))
    }

    /// Who the scans are for: the organization (known to the app by its staff login, which belongs to
    /// exactly one organization on a server; by the token when there is no username) and the API's
    /// base path, on this host. A loopback server is the same server on any port (a demo that comes
    /// back on another port still gets the scans queued for it); elsewhere host and port count.
    pub fn server_identity(&self) -> String {
        let who = match (&self.username, &self.token) {
            (Some(user), _) => format!("user {user}"),
            (None, Some(token)) => format!("token {}", hex::encode(sha2::Sha256::digest(token.as_bytes()))),
            (None, None) => String::new(),
        };
        let Ok(url) = crate::client::parse_base_url(&self.base_url) else {
            return format!("{who}\n{}", self.base_url);
        };
        let host = url.host_str().unwrap_or("").trim_start_matches('[').trim_end_matches(']');
        let loopback =
            host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
        let place = if loopback {
            "loopback".to_string()
        } else {
            format!("{}:{}", url.host_str().unwrap_or(""), url.port_or_known_default().unwrap_or(0))
        };
        format!("{who}\n{}://{place}{}", url.scheme(), url.path())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "no config file at {0}.\nCreate it with at least:\n\n    base_url = \"https://api.hellocapitan.com/api/\"\n    username = \"your-staff-login\"\n\n(config.example.toml documents every key), pass --config PATH, or try `frontdesk demo`."
    )]
    Missing(PathBuf),
    #[error("cannot read {0}: {1}")]
    Unreadable(PathBuf, String),
    #[error("{0} is not valid config: {1}\nSee config.example.toml for every key and its form.")]
    Invalid(PathBuf, String),
    #[error("no home directory to keep the config in; pass --config PATH")]
    NoConfigDir,
}

/// `~/.config/frontdesk` (or the platform's equivalent).
pub fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "frontdesk").map(|d| d.config_dir().to_path_buf())
}

/// Where the config is read from when no `--config` is given.
pub fn default_path() -> Result<PathBuf, ConfigError> {
    config_dir().map(|d| d.join("config.toml")).ok_or(ConfigError::NoConfigDir)
}

/// The `[keys]` tables as written: screen -> key -> action name.
pub type KeyOverrides = BTreeMap<String, BTreeMap<String, String>>;

/// Checks `[keys]` against the terminal app's screens, keys and actions,
/// which this module does not know: the app depends on its config, not the
/// other way round, so the app passes its check in (`tui::check_keys`).
/// An `Err` says what is wrong, as a [`ConfigError::Invalid`] will show it.
pub type KeysCheck = fn(&KeyOverrides) -> Result<(), String>;

/// Reads the config from `path`, or from the default place.
pub fn load(path: Option<&Path>, check_keys: KeysCheck) -> Result<Config, ConfigError> {
    let path = match path {
        Some(p) => p.to_path_buf(),
        None => default_path()?,
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ConfigError::Missing(path)),
        Err(e) => return Err(ConfigError::Unreadable(path, e.to_string())),
    };
    let mut config = parse(&text, &path, check_keys)?;
    // The environment overrides the file's secret (a config built in memory,
    // such as the demo's, keeps its own token).
    if let Some(token) = std::env::var(TOKEN_ENV).ok().filter(|t| !t.trim().is_empty()) {
        config.token = Some(token);
    }
    Ok(config)
}

/// Parses config text; `path` only names it in errors.
pub fn parse(text: &str, path: &Path, check_keys: KeysCheck) -> Result<Config, ConfigError> {
    let invalid = |msg: String| ConfigError::Invalid(path.to_path_buf(), msg);
    let file: ConfigFile = toml::from_str(text).map_err(|e| invalid(e.to_string().trim().to_string()))?;
    let Some(base_url) = file.base_url.filter(|u| !u.trim().is_empty()) else {
        return Err(invalid(
            "base_url is missing; write for example base_url = \"https://api.hellocapitan.com/api/\"".into(),
        ));
    };
    crate::client::parse_base_url(&base_url).map_err(invalid)?;
    for (role, value) in [
        ("accent", &file.colors.accent),
        ("ok", &file.colors.ok),
        ("warn", &file.colors.warn),
        ("error", &file.colors.error),
        ("muted", &file.colors.muted),
    ] {
        if value.parse::<ratatui::style::Color>().is_err() {
            return Err(invalid(format!(
                "colors.{role} = {value:?} is not a colour; use a name (\"cyan\", \"light-red\"), a number 0-255 or \"#rrggbb\""
            )));
        }
    }
    check_keys(&file.keys).map_err(invalid)?;
    file.scanner.validate().map_err(|e| invalid(e.to_string()))?;
    let bells = &file.check_in;
    if bells.bells_in > MAX_BELLS || bells.bells_refused > MAX_BELLS {
        return Err(invalid(format!("check_in.bells_in and check_in.bells_refused must be 0 to {MAX_BELLS}")));
    }
    if bells.bell_gap_ms > MAX_BELL_GAP_MS {
        return Err(invalid(format!(
            "check_in.bell_gap_ms must be 0 to {MAX_BELL_GAP_MS} (is {}); 180 is easy to count",
            bells.bell_gap_ms
        )));
    }
    bells.validate_override_reasons().map_err(invalid)?;
    let sounds = file.sounds.check().map_err(invalid)?;
    let staff = staff_config(&file.staff).map_err(invalid)?;
    Ok(Config {
        base_url,
        token: file.token.filter(|t| !t.trim().is_empty()),
        username: file.username.filter(|u| !u.trim().is_empty()),
        location_id: file.location_id,
        photos: file.photos.protocol,
        keys: file.keys,
        colors: file.colors,
        scanner: file.scanner,
        check_in: file.check_in,
        sounds,
        staff,
        path: Some(path.to_path_buf()),
    })
}

/// The `[staff]` table's settings, or what is wrong with them.
fn staff_config(file: &StaffFile) -> Result<StaffConfig, String> {
    let lock_after = match file.lock_after.as_deref() {
        None => None,
        Some(text) => {
            let after = parse_duration(text).map_err(|e| format!("staff.lock_after: {e}"))?;
            if after < std::time::Duration::from_secs(10) {
                return Err(format!(
                    "staff.lock_after = {text:?} is under 10 seconds; write for example \"10m\", or leave it out to never lock by itself"
                ));
            }
            Some(after)
        }
    };
    Ok(StaffConfig { lock_after, scan_while_locked: file.scan_while_locked.unwrap_or(true) })
}

/// A token saved after a password login, for the same server and user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredToken {
    pub base_url: String,
    pub username: String,
    pub token: String,
}

/// Where a password login's token is kept.
pub fn token_path() -> Option<PathBuf> {
    config_dir().map(|d| d.join("token.toml"))
}

/// Where the token of a staff member who signed in on the lock screen is kept (issue 16): one
/// file per server and user, `tokens/<digest>.toml` beside `token.toml`, in the same form and as
/// private. The config's own `username` keeps `token.toml` ([`token_path`]).
pub fn staff_token_path(base_url: &str, username: &str) -> Option<PathBuf> {
    let digest = sha2::Sha256::digest(format!("{base_url}\n{username}").as_bytes());
    config_dir().map(|d| d.join("tokens").join(format!("{}.toml", &hex::encode(digest)[..16])))
}

/// The saved token for this server and user, if there is one.
pub fn read_stored_token(path: &Path, base_url: &str, username: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let stored: StoredToken = toml::from_str(&text).ok()?;
    (stored.base_url == base_url && stored.username == username).then_some(stored.token)
}

/// Saves a token readable by its owner only (0600 from creation, so it is
/// never briefly readable by others).
pub fn write_stored_token(path: &Path, stored: &StoredToken) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let text = toml::to_string(stored).map_err(std::io::Error::other)?;
    crate::fs_atomic::write(path, text.as_bytes(), crate::fs_atomic::Access::Private)
}

/// Whether colour is wanted: the config allows it and `NO_COLOR` is unset or empty.
pub fn colors_enabled(colors: &Colors, no_color_env: Option<&str>) -> bool {
    colors.enabled && no_color_env.is_none_or(str::is_empty)
}

/// The user's data directory for frontdesk (`~/.local/share/frontdesk`):
/// `serve`'s default database and photos, a PostgreSQL demo's files.
pub fn data_dir() -> std::path::PathBuf {
    directories::ProjectDirs::from("", "", "frontdesk")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| std::path::PathBuf::from(".frontdesk"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Config, ConfigError> {
        parse(text, Path::new("test.toml"), crate::tui::check_keys)
    }

    #[test]
    fn a_full_config_reads_every_key() {
        let c = parse_str(
            r##"
base_url = "https://api.hellocapitan.com/api/"
username = "desk"
location_id = 3
[photos]
protocol = "sixel"
[keys.results]
"ctrl-o" = "open"
[colors]
accent = "#ff8800"
[scanner]
min_length = 6
suffix = "\u0002"
terminators = []
[check_in]
start = true
bells_refused = 2
override_reasons = ["coach vouched", "other (type it)"]
override_needs_manager_pin = true
"##,
        )
        .unwrap();
        assert_eq!(c.username.as_deref(), Some("desk"));
        assert_eq!(c.location_id, Some(3));
        assert_eq!(c.photos, PhotoProtocol::Sixel);
        assert_eq!(c.keys["results"]["ctrl-o"], "open");
        assert_eq!(c.colors.accent, "#ff8800");
        assert_eq!(c.colors.ok, "green");
        assert_eq!(c.scanner.min_length, 6);
        assert_eq!(c.scanner.suffix, "\u{2}");
        assert!(c.scanner.terminators.is_empty());
        assert!(c.check_in.start);
        assert_eq!((c.check_in.bells_in, c.check_in.bells_refused), (1, 2));
        assert_eq!(c.check_in.override_reasons, ["coach vouched", "other (type it)"]);
        assert!(c.check_in.override_needs_manager_pin);
    }

    #[test]
    fn problems_are_named_with_what_to_write() {
        let msg = |t: &str| parse_str(t).unwrap_err().to_string();
        assert!(msg("username = \"x\"").contains("base_url is missing"));
        assert!(msg("base_url = \"ftp://x/\"").contains("http://"));
        assert!(msg("base_url = \"http://x/api/\"\nbase_uri = 1").contains("base_uri"));
        assert!(msg("base_url = \"http://x/api/\"\n[photos]\nprotocol = \"png\"").contains("png"));
        assert!(msg("base_url = \"http://x/api/\"\n[colors]\nok = \"greenish\"").contains("colors.ok"));
        assert!(msg("base_url = \"http://x/api/\"\n[keys.results]\n\"ctrl-o\" = \"fly\"").contains("fly"));
        assert!(msg("base_url = \"http://x/api/\"\n[scanner]\nmax_gap_ms = 0").contains("scanner.max_gap_ms"));
        assert!(msg("base_url = \"http://x/api/\"\n[scanner]\nprefix = \"\\u0003\"").contains("Ctrl+C"));
        assert!(msg("base_url = \"http://x/api/\"\n[check_in]\nbell_gap_ms = 9000").contains("bell_gap_ms"));
        assert!(msg("base_url = \"http://x/api/\"\n[check_in]\nbells = 1").contains("bells"));
        assert!(msg("base_url = \"http://x/api/\"\n[check_in]\noverride_reasons = []").contains("override_reasons"));
        assert!(msg("base_url = \"http://x/api/\"\n[check_in]\noverride_reasons = [\" \"]").contains("blank"));
        let missing =
            load(Some(Path::new("/nonexistent/frontdesk.toml")), crate::tui::check_keys).unwrap_err().to_string();
        assert!(missing.contains("base_url = "), "{missing}");
    }

    #[test]
    fn stored_tokens_are_private_and_match_server_and_user() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("token.toml");
        let stored = StoredToken { base_url: "http://a/api/".into(), username: "desk".into(), token: "abc".into() };
        write_stored_token(&path, &stored).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert_eq!(read_stored_token(&path, "http://a/api/", "desk").as_deref(), Some("abc"));
        assert_eq!(read_stored_token(&path, "http://b/api/", "desk"), None);
        assert_eq!(read_stored_token(&path, "http://a/api/", "other"), None);
    }

    #[test]
    fn the_example_config_is_valid() {
        let text = include_str!("../config.example.toml");
        let c = parse(text, Path::new("config.example.toml"), crate::tui::check_keys).unwrap();
        assert_eq!(c.username.as_deref(), Some("desk"));
        assert_eq!(c.photos, PhotoProtocol::Auto);
        assert_eq!(c.scanner, ScannerConfig::default());
        assert_eq!(c.check_in, CheckInConfig::default());
        assert_eq!(c.staff, StaffConfig::default());
    }

    #[test]
    fn each_server_has_its_own_scan_journal() {
        let a = Config::for_server("http://gym.example:8000/api/", "t");
        let b = Config::for_server("http://gym.example:8001/api/", "t");
        let a_again = Config::for_server("http://gym.example:8000/api", "t");
        assert_ne!(a.journal_path(), b.journal_path());
        assert_eq!(a.journal_path(), a_again.journal_path());
        // Another organization (another login) on the same server, another base path: other journals.
        let other_org = Config { username: Some("boulder-desk".into()), ..a.clone() };
        let other_path = Config::for_server("http://gym.example:8000/v2/api/", "t");
        assert_ne!(a.journal_path(), other_org.journal_path());
        assert_ne!(a.journal_path(), other_path.journal_path());
        let chosen =
            Config { check_in: CheckInConfig { journal: Some("/x/j.jsonl".into()), ..CheckInConfig::default() }, ..a };
        assert_eq!(chosen.journal_path(), Some(PathBuf::from("/x/j.jsonl")));
    }

    #[test]
    fn a_loopback_server_keeps_its_journal_across_a_port_change() {
        let login = |base: &str, user: &str| Config { username: Some(user.into()), ..Config::for_server(base, "t") };
        let first = login("http://127.0.0.1:41001/api/", "demo");
        assert_eq!(first.journal_path(), login("http://127.0.0.1:52002/api/", "demo").journal_path());
        assert_eq!(first.journal_path(), login("http://localhost:8000/api/", "demo").journal_path());
        assert_ne!(first.journal_path(), login("http://127.0.0.1:52002/api/", "other").journal_path());
        assert_ne!(first.journal_path(), login("http://10.0.0.5:41001/api/", "demo").journal_path());
    }

    #[test]
    fn the_staff_table_reads_durations_and_names_bad_ones() {
        let base = "base_url = \"http://x/api/\"\n";
        assert_eq!(parse_str(base).unwrap().staff, StaffConfig { lock_after: None, scan_while_locked: true });
        let c = parse_str(&format!("{base}[staff]\nlock_after = \"10m\"\nscan_while_locked = false\n")).unwrap();
        assert_eq!(c.staff.lock_after, Some(std::time::Duration::from_secs(600)));
        assert!(!c.staff.scan_while_locked);
        for (text, secs) in [("90s", 90), ("1h", 3600), ("45", 45), (" 2m ", 120)] {
            assert_eq!(parse_duration(text), Ok(std::time::Duration::from_secs(secs)), "{text}");
        }
        let msg = |t: &str| parse_str(&format!("{base}[staff]\n{t}\n")).unwrap_err().to_string();
        assert!(
            msg("lock_after = \"10 minutes\"").contains("staff.lock_after: unknown unit"),
            "{}",
            msg("lock_after = \"10 minutes\"")
        );
        assert!(msg("lock_after = \"soon\"").contains("is not a duration such as 90s, 10m or 1h"));
        assert!(msg("lock_after = \"5s\"").contains("under 10 seconds"));
        assert!(msg("lock_when = \"1m\"").contains("lock_when"));
    }

    #[test]
    fn each_staff_member_has_their_own_token_file() {
        let a = staff_token_path("http://a/api/", "desk");
        assert_ne!(a, staff_token_path("http://a/api/", "sam"));
        assert_ne!(a, staff_token_path("http://b/api/", "desk"));
        assert_eq!(a, staff_token_path("http://a/api/", "desk"));
        assert!(a.is_none_or(|p| p.parent().is_some_and(|d| d.ends_with("tokens"))));
    }

    #[test]
    fn no_color_turns_colour_off() {
        let colors = Colors::default();
        assert!(colors_enabled(&colors, None));
        assert!(colors_enabled(&colors, Some("")));
        assert!(!colors_enabled(&colors, Some("1")));
        assert!(!colors_enabled(&Colors { enabled: false, ..Colors::default() }, None));
    }
}
