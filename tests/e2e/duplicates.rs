//! The duplicate warning end to end (issue 16): a walk-in typed as a customer the gym already has
//! is caught on ctrl-s, listed with what it shares, and created only on a second ctrl-s; Esc goes
//! back to the form with everything typed.

use serde_json::json;

use super::support::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walk_in_who_already_has_an_account_is_caught_and_created_only_on_a_second_ctrl_s() {
    let server = TestServer::start().await;
    server
        .import(json!({
            "customers": [
                {"email": "ann.smith@example.com", "first_name": "Ann", "last_name": "Smith",
                 "birthday": "1990-05-17", "telephone": "303-555-0101"},
                {"email": "bo@example.com", "first_name": "Bo", "last_name": "Jones", "birthday": "2001-03-04"}
            ]
        }))
        .await;
    let api = server.api().await;
    let dir = tempfile::tempdir().unwrap();
    let config = super::config_for(dir.path(), &server.base, api.token.as_deref().unwrap());
    let mut pty = super::app(&config, dir.path());
    pty.wait_for("Smith, Ann").await;

    // The walk-in: another email, her name with an accent, her birthday.
    pty.type_text("\x0e"); // ctrl-n
    pty.wait_for("New customer").await;
    pty.type_text("ann.s@example.org\tÀnn\tSMITH\t\t1990-05-17");
    pty.wait_for("1990-05-17").await;
    pty.type_text("\x13"); // ctrl-s
    pty.wait_for("Possible duplicate").await;
    pty.wait_for("▶ Smith, Ann").await;
    pty.wait_for("same name + birthday").await;
    assert_eq!(api.all("/api/customers/?search=smith").await.len(), 1, "nothing created yet");

    // Esc: back to the form, everything as typed; ctrl-s checks again.
    pty.type_text("\x1b");
    pty.wait_gone("Possible duplicate").await;
    pty.wait_for("ann.s@example.org").await;
    pty.type_text("\x13");
    pty.wait_for("Possible duplicate").await;

    // A second ctrl-s: create anyway.
    pty.type_text("\x13");
    pty.wait_for("Created Ànn SMITH").await;
    let smiths = api.all("/api/customers/?search=smith").await;
    assert_eq!(smiths.len(), 2, "{smiths:?}");
    assert!(smiths.iter().any(|c| c["email"] == "ann.s@example.org"));

    pty.type_text("\x03");
    let status = pty.wait_exit().await;
    assert!(status.success(), "{status:?}\n{}", pty.screen());
    server.stop().await;
}
