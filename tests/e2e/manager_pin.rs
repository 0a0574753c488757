//! `[check_in] override_needs_manager_pin` end to end (issue 16): a refused scan, F8, a reason, then
//! a manager's username and PIN; a wrong PIN is refused in the chooser, the right one lets the
//! customer in, and the server's activity log names the manager as who let them in.

use serde_json::json;

use super::desk::desk_config;
use super::support::{ORG, TestServer};

const F8: &str = "\x1b[19~";
const DOWN: &str = "\x1b[B";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_override_needing_a_managers_pin_is_let_in_under_the_managers_name() {
    let server = TestServer::start().await;
    server
        .import(json!({"customers": [
            {"id": 1, "email": "cat@example.com", "first_name": "Cat", "last_name": "Lee",
             "birthday": "1991-02-03", "barcode": "100077",
             "documents": [{"name": "Waiver", "expiration_date": null}]}
        ]}))
        .await;
    frontdesk::admin::create_user(&server.db, ORG, "maria", "maria's password", None).await.unwrap();
    frontdesk::admin::set_pin(&server.db, ORG, "maria", "4321").await.unwrap();
    let api = server.api().await;
    let dir = tempfile::tempdir().unwrap();
    let extra = "start = true\noverride_needs_manager_pin = true";
    let config = desk_config(dir.path(), &server.base, api.token.as_deref().unwrap(), extra);
    let mut pty = super::app(&config, dir.path());
    pty.wait_for("Scan › ready for the next scan").await;

    pty.type_text("100077\r");
    pty.wait_for("✖ REFUSED   Cat Lee").await;
    pty.type_text(F8);
    pty.wait_for("pass sold at the counter").await;
    pty.type_text(DOWN);
    pty.type_text("\r");
    pty.wait_for("A manager's PIN lets them in").await;
    pty.type_text("maria\t0000");
    pty.wait_for("PIN:     ••••").await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    pty.type_text("\r");
    pty.wait_for("PIN not taken: Unable to log in with provided credentials.").await;
    let id = api.id_of("cat@example.com").await;
    assert_eq!(api.ok(&format!("/api/customers/{id}/check-ins/")).await["count"], 0, "a wrong PIN lets nobody in");

    // Typed as fast as a scanner: it goes into the PIN field, not out as a barcode, and the
    // burst's Enter (the scanner's) is dropped, so staff press Enter themselves. On a loaded
    // machine the keys can reach the app further apart than a scanner's; they are then plain
    // typing, and their Enter sends the PIN at once. Either way the PIN goes only into the field.
    pty.type_text("4321\r");
    pty.wait_for_any(&["PIN:     ••••", "IN BY OVERRIDE"]).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    if !pty.screen().contains("IN BY OVERRIDE") {
        // Enter as a person presses it, well after the burst (the detector's gap is 50 ms).
        pty.type_text("\r");
    }
    pty.wait_for("✔ ! IN BY OVERRIDE   Cat Lee").await;
    pty.wait_for("Override: manager approved").await;
    let check_ins = api.ok(&format!("/api/customers/{id}/check-ins/")).await;
    assert_eq!(check_ins["count"], 1, "{check_ins}");
    assert_eq!(check_ins["results"][0]["entry_method"], "OVR");
    let log = api.all(&format!("/api/customers/{id}/activity-log/")).await;
    let check_in = log.iter().find(|e| e["action"] == "check_in").expect("the check-in is logged");
    assert_eq!(check_in["staff_username"], "maria", "the manager let them in");
    assert!(!pty.screen().contains("4321"), "the PIN is never shown");

    pty.type_text("\x03");
    let status = pty.wait_exit().await;
    assert!(status.success(), "{status:?}\n{}", pty.screen());
}
