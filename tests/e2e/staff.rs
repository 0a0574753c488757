//! Staff switching end to end (issue 16): F12 locks the desk, a scan taken meanwhile still checks in
//! under the staff member signed in, and another staff member signs in with their PIN; what the desk
//! writes after that is theirs in the server's activity log, and their token is kept for them.

use serde_json::json;

use super::desk::desk_config;
use super::pty::Pty;
use super::support::{self, LOCATION, ORG, TestServer};

/// Ann (barcode 100042) and Cat (barcode 100044), both members with a waiver.
async fn gym(server: &TestServer) {
    server
        .import(json!({
            "membership_types": [{"id": 1, "name": "Monthly Membership"}],
            "customers": [
                {"id": 1, "email": "ann@example.com", "first_name": "Ann", "last_name": "Smith",
                 "birthday": "1990-05-17", "barcode": "100042",
                 "documents": [{"name": "Waiver", "expiration_date": null}]},
                {"id": 2, "email": "cat@example.com", "first_name": "Cat", "last_name": "Jones",
                 "birthday": "1988-02-03", "barcode": "100044",
                 "documents": [{"name": "Waiver", "expiration_date": null}]}
            ],
            "memberships": [
                {"membership_type_id": 1, "owner_id": 1, "start_date": "2020-01-01"},
                {"membership_type_id": 1, "owner_id": 2, "start_date": "2020-01-01"}
            ]
        }))
        .await;
}

/// Types like a person (a key every 60 ms), so the scanner's burst detector sees keys, not a scan.
async fn type_slowly(pty: &mut Pty, text: &str) {
    for c in text.chars() {
        pty.type_text(&c.to_string());
        tokio::time::sleep(std::time::Duration::from_millis(60)).await;
    }
}

/// Longer than the scanner detector's gap between keys (50 ms by default).
async fn pause() {
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
}

/// Who the activity log says checked the customer in.
async fn checked_in_by(api: &support::Api, email: &str) -> Vec<String> {
    let id = api.id_of(email).await;
    let log = api.all(&format!("/api/customers/{id}/activity-log/?page_size=100")).await;
    log.iter()
        .filter(|e| e["action"] == "check_in")
        .map(|e| e["staff_username"].as_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f12_locks_the_desk_and_a_pin_signs_in_another_staff_member_whose_writes_are_theirs() {
    let server = TestServer::start().await;
    gym(&server).await;
    frontdesk::admin::create_user(&server.db, ORG, "sam", "sam's password", Some(LOCATION)).await.unwrap();
    frontdesk::admin::set_pin(&server.db, ORG, "sam", "2468").await.unwrap();
    let api = server.api().await;
    let dir = tempfile::tempdir().unwrap();
    let token = api.token.as_deref().unwrap();
    let config = desk_config(dir.path(), &server.base, token, "start = true");
    // The desk's own staff login is `desk` (its token in the config).
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("username = \"desk\"\n{text}")).unwrap();
    let home = dir.path().to_str().unwrap();
    let config_home = dir.path().join(".config");
    let mut pty = Pty::spawn(
        env!("CARGO_BIN_EXE_frontdesk"),
        &["--config", config.to_str().unwrap()],
        &[
            ("HOME", home),
            ("XDG_CONFIG_HOME", config_home.to_str().unwrap()),
            ("TERM", "xterm-256color"),
            ("FRONTDESK_TOKEN", ""),
        ],
        100,
        30,
    );
    pty.wait_for("Scan › ready for the next scan").await;
    pty.wait_for("● desk @ 127.0.0.1").await;

    pty.type_text("\x1b[24~"); // F12
    pty.wait_for("Desk locked").await;
    pty.wait_for("Scans still check in as desk.").await;
    pty.wait_for("› Username:").await;
    // A member scans while the desk is locked: in, under desk. (A burst right after a key press
    // would continue what was typed, as the scanner detector judges it: the scan comes a moment later.)
    pause().await;
    pty.type_text("100042\r");
    pty.wait_for("✔ IN   Ann Smith").await;
    assert!(pty.screen().contains("Desk locked"), "a scan does not unlock:\n{}", pty.screen());
    assert_eq!(checked_in_by(&api, "ann@example.com").await, ["desk"]);

    // Sam signs in: username, Tab, PIN, Enter.
    type_slowly(&mut pty, "sam").await;
    pty.type_text("\t");
    type_slowly(&mut pty, "2468").await;
    pty.wait_for("PIN or password: ••••").await;
    pty.type_text("\r");
    pty.wait_for("Signed in as sam").await;
    pty.wait_gone("Desk locked").await;
    pause().await;
    pty.type_text("100044\r");
    pty.wait_for("✔ IN   Cat Jones").await;
    assert_eq!(checked_in_by(&api, "cat@example.com").await, ["sam"], "what the desk writes now is sam's");

    // Sam's token is kept for sam, readable by the user only, and is not desk's.
    let kept: Vec<_> = std::fs::read_dir(config_home.join("frontdesk").join("tokens"))
        .expect("a tokens folder")
        .map(|e| e.unwrap().path())
        .collect();
    let [file] = kept.as_slice() else { panic!("{kept:?}") };
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains("username = \"sam\"") && !text.contains(token), "{text}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(file).unwrap().permissions().mode() & 0o777, 0o600);

    pty.type_text("\x03");
    let status = pty.wait_exit().await;
    assert!(status.success(), "{status:?}\n{}", pty.screen());
    server.stop().await;
}
