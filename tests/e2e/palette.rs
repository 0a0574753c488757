//! The command palette end to end: ctrl-k, a few letters typed at a person's pace, Enter runs the
//! action.

use std::time::Duration;

use serde_json::json;

use super::desk::desk_config;
use super::pty::Pty;
use super::support::TestServer;

/// Types like a person: 120 ms between keys, well above the scanner detector's 50 ms gap.
async fn type_slowly(pty: &mut Pty, text: &str) {
    for c in text.chars() {
        pty.type_text(&c.to_string());
        tokio::time::sleep(Duration::from_millis(120)).await;
    }
}

async fn quit(mut pty: Pty) {
    pty.type_text("\x03");
    let status = pty.wait_exit().await;
    assert!(status.success(), "{status:?}\n{}", pty.screen());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_k_then_a_few_letters_and_enter_runs_the_action() {
    let server = TestServer::start().await;
    server
        .import(json!({"customers": [{"email": "ann@example.com", "first_name": "Ann", "last_name": "Smith", "birthday": "1990-05-17"}]}))
        .await;
    let api = server.api().await;
    let dir = tempfile::tempdir().unwrap();
    let config = desk_config(dir.path(), &server.base, api.token.as_deref().unwrap(), "");
    let mut pty = super::app(&config, dir.path());
    pty.wait_for("1 customer").await;
    pty.wait_for("ctrl-k commands").await;

    pty.type_text("\x0b"); // ctrl-k
    pty.wait_for("Commands · enter runs · esc closes").await;
    pty.wait_for("Runs in: Search bar").await;
    type_slowly(&mut pty, "chk").await;
    pty.wait_for("› chk").await;
    pty.wait_for("Check-in screen: scan key tags").await;
    pty.type_text("\r");
    pty.wait_for("Scan › ready for the next scan").await;
    pty.wait_gone("Commands · enter runs").await;

    // Esc closes it without running anything.
    pty.type_text("\x0b");
    pty.wait_for("Runs in: Check-in screen").await;
    pty.type_text("\x1b");
    pty.wait_gone("Runs in:").await;
    assert!(pty.screen().contains("Scan ›"), "still on the check-in screen:\n{}", pty.screen());
    quit(pty).await;
    server.stop().await;
}
