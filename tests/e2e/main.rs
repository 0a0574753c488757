//! End to end: a real server, the real `frontdesk` binary in a
//! pseudo-terminal, and the screen it draws read back through a terminal
//! emulator, as a person at the desk would see it.
// Test code: a failed expectation is the test (or benchmark run) failing, said with unwrap, expect or panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)]

#[path = "../support/mod.rs"]
mod support;

mod desk;
mod duplicates;
mod family;
mod manager_pin;
mod outage;
mod r#override;
mod palette;
mod pty;
mod signals;
mod staff;

use std::time::Duration;

use serde_json::json;
use support::TestServer;

use pty::Pty;

/// Writes a config for the app against `base` and returns its path.
fn config_for(dir: &std::path::Path, base: &str, token: &str) -> std::path::PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!("base_url = \"{base}/api/\"\ntoken = \"{token}\"\n\n[photos]\nprotocol = \"halfblocks\"\n"),
    )
    .unwrap();
    path
}

fn app(config: &std::path::Path, home: &std::path::Path) -> Pty {
    Pty::spawn(
        env!("CARGO_BIN_EXE_frontdesk"),
        &["--config", config.to_str().unwrap()],
        &[("HOME", home.to_str().unwrap()), ("TERM", "xterm-256color"), ("FRONTDESK_TOKEN", "")],
        100,
        30,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_user_finds_a_customer_opens_the_profile_with_the_photo_and_quits() {
    let server = TestServer::start_serving_media().await;
    server
        .import(json!({
            "customers": [
                {"email": "ann.smith@example.com", "first_name": "Ann", "last_name": "Smith", "preferred_name": "Annie",
                 "birthday": "1990-05-17", "telephone": "303-555-0101", "tags": ["route setter"],
                 "alerts": [{"message": "Owes a belay test"}],
                 "emergency_contacts": [{"first_name": "Bob", "last_name": "Smith", "telephone": "303-555-0199", "relation": "husband"}]},
                {"email": "ann.smyth@example.com", "first_name": "Ann", "last_name": "Smyth", "birthday": "1985-01-02"},
                {"email": "bo@example.com", "first_name": "Bo", "last_name": "Jones", "birthday": "2001-03-04"}
            ]
        }))
        .await;
    let api = server.api().await;
    let ann = api.ok("/api/customers/?search=ann.smith").await["results"][0]["id"].as_i64().unwrap();
    server.set_photo(ann, &support::jpeg(512, 1), &support::jpeg(128, 1)).await;
    let token = api.token.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut pty = app(&config_for(dir.path(), &server.base, &token), dir.path());

    pty.wait_for("3 customers").await;
    pty.type_text("smith");
    pty.wait_for("1 customer ").await;
    pty.wait_for("Smith, Ann (Annie)").await;
    assert!(!pty.screen().contains("Smyth"), "{}", pty.screen());
    pty.type_text("\x15"); // ctrl-u: clear the search, everyone is back
    pty.wait_for("3 customers").await;

    pty.type_text("\x1b[B"); // Down: into the list
    pty.type_text("\r"); // Enter: open the profile
    pty.wait_for("Identity and photo").await;
    pty.wait_for("36 years").await;
    // The photo, drawn in half-blocks beside the name.
    pty.wait_for("▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄  Ann Smith").await;
    // Sub-collections, loaded on demand.
    pty.wait_for("⚠ 1 alert").await;
    pty.wait_for("Owes a belay test").await;

    // The next customer has none, and says so.
    pty.type_text("\x1b[1;5B"); // ctrl-down: the next customer
    pty.wait_for("Ann Smyth").await;
    pty.wait_for("No photo").await;

    // A letter in the profile starts a search and never quits; ctrl-q quits.
    pty.type_text("q");
    pty.wait_for("Search › q").await;
    pty.type_text("\x11");
    let status = pty.wait_exit().await;
    assert!(status.success(), "{status:?}\n{}", pty.screen());
    assert!(!pty.in_alternate_screen(), "the terminal is restored on exit");
    let raw = pty.raw_output();
    assert!(raw.contains("\x1b[?2004l"), "bracketed paste is turned off");
    assert!(raw.contains("\x1b[?1000l"), "mouse capture is turned off");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_server_down_the_app_says_offline_and_still_answers_keys() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let dir = tempfile::tempdir().unwrap();
    let mut pty = app(&config_for(dir.path(), &base, "some-token"), dir.path());
    pty.wait_for("Offline").await;
    pty.wait_for("ctrl-r retry").await;
    pty.type_text("abc");
    pty.wait_for("Search › abc").await;
    pty.type_text("\x03"); // ctrl-c
    let status = pty.wait_exit().await;
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn a_missing_config_says_what_to_write() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args(["--config", dir.path().join("none.toml").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no config file at"), "{stderr}");
    assert!(stderr.contains("base_url = \"https://api.hellocapitan.com/api/\""), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Waits are generous: they bound a test that would otherwise hang, they
/// do not measure speed.
pub const PATIENCE: Duration = Duration::from_secs(30);
