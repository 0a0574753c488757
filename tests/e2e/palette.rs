//! The command palette and the check-in sounds end to end: ctrl-k, a few letters typed at a person's
//! pace, Enter runs the action; a scan runs the command `[sounds]` configures for its outcome.

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_in_runs_the_command_configured_for_its_outcome() {
    let server = TestServer::start().await;
    server
        .import(json!({
            "membership_types": [{"id": 1, "name": "Monthly Membership"}],
            "customers": [
                {"id": 1, "email": "ann@example.com", "first_name": "Ann", "last_name": "Smith",
                 "birthday": "1990-05-17", "barcode": "100042",
                 "documents": [{"name": "Waiver", "expiration_date": null}]},
                {"id": 2, "email": "bob@example.com", "first_name": "Bob", "last_name": "Jones",
                 "birthday": "1985-01-02", "barcode": "100043"}
            ],
            "memberships": [{"membership_type_id": 1, "owner_id": 1, "start_date": "2020-01-01"}]
        }))
        .await;
    let api = server.api().await;
    let dir = tempfile::tempdir().unwrap();
    let played = dir.path().join("played.txt");
    let sounds = format!(
        "start = true\n\n[sounds]\nrefused = [\"sh\", \"-c\", \"echo refused >> '{}'\"]\nin = [\"/nonexistent/player\"]\n",
        played.display()
    );
    let config = desk_config(dir.path(), &server.base, api.token.as_deref().unwrap(), &sounds);
    let mut pty = super::app(&config, dir.path());
    pty.wait_for("Scan › ready for the next scan").await;
    // Bob has no waiver (nor a membership): refused, and the refusal's command runs.
    pty.type_text("100043\r");
    pty.wait_for("✖ REFUSED   Bob Jones").await;
    let started = std::time::Instant::now();
    while std::fs::read_to_string(&played).unwrap_or_default() != "refused\n" {
        assert!(started.elapsed() < super::PATIENCE, "the refused sound's command never ran");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Ann is let in; her sound's program does not exist: said once on the status line.
    pty.type_text("100042\r");
    pty.wait_for("✔ IN   Ann Smith").await;
    pty.wait_for("A check-in sound did not play: cannot run /nonexistent/player").await;
    quit(pty).await;
    server.stop().await;
}
