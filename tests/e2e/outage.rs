//! An outage seen from the desk while the app stays open: the status line turns red with the first
//! scan that cannot reach the server, the scan is kept, and once the server is back the app notices
//! by itself, delivers it with the moment it was taken (`scanned_at`), and the verdict on screen
//! turns from QUEUED into the server's answer.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::json;

use super::desk::desk_config;
use super::support::TestServer;

async fn ann(server: &TestServer) {
    server
        .import(json!({
            "membership_types": [{"id": 1, "name": "Monthly Membership"}],
            "customers": [
                {"id": 1, "email": "ann@example.com", "first_name": "Ann", "last_name": "Smith",
                 "birthday": "1990-05-17", "barcode": "100042",
                 "documents": [{"name": "Waiver", "expiration_date": null}]},
            ],
            "memberships": [{"membership_type_id": 1, "owner_id": 1, "start_date": "2020-01-01"}]
        }))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scan_during_an_outage_turns_the_status_red_then_is_delivered_with_its_scan_time() {
    let mut server = TestServer::start().await;
    ann(&server).await;
    let api = server.api().await;
    let dir = tempfile::tempdir().unwrap();
    let config = desk_config(dir.path(), &server.base, api.token.as_deref().unwrap(), "start = true");
    let mut pty = super::app(&config, dir.path());
    pty.wait_for("Scan › ready for the next scan").await;
    server.go_down().await;

    let before = Timestamp::now();
    pty.type_text("100042\r");
    pty.wait_for("◷ QUEUED").await;
    pty.wait_for("● Offline: Cannot reach the server").await;
    let queued_by = Timestamp::now();
    // The server stays away a while: the check-in must carry the scan's time, not the delivery's.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(pty.screen().matches("QUEUED").count(), 1, "{}", pty.screen());
    server.come_back().await;
    let back = Timestamp::now();

    // Nothing typed: the app's own probe finds the server and sends the scan.
    pty.wait_for("✔ IN   Ann Smith").await;
    pty.wait_for("1 queued scan sent: all checked in").await;
    let screen = pty.screen();
    assert!(!screen.contains("QUEUED") && !screen.contains("Offline"), "{screen}");

    let list = api.ok("/api/check-ins/").await;
    assert_eq!(list["count"], 1, "{list}");
    let check_in = &list["results"][0];
    let gyms = api.all("/api/gyms/").await;
    let tz = TimeZone::get(gyms[0]["time_zone"].as_str().unwrap()).unwrap();
    let local: jiff::civil::DateTime = check_in["check_in_datetime"].as_str().unwrap().parse().unwrap();
    let scanned = local.to_zoned(tz).unwrap().timestamp();
    let created: Timestamp = check_in["created_at"].as_str().unwrap().parse().unwrap();
    // Whole seconds on the location's clock: the scan's second lies between typing and "QUEUED".
    let second = jiff::SignedDuration::from_secs(1);
    assert!(scanned >= before - second && scanned <= queued_by, "{scanned} not in {before}..{queued_by}");
    assert!(created >= back, "recorded on delivery ({created}), after the server came back ({back})");

    pty.type_text("\x03");
    let status = pty.wait_exit().await;
    assert!(status.success(), "{status:?}\n{}", pty.screen());
    server.stop().await;
}

/// Types like a person (a key every 60 ms), so the scanner's burst detector sees keys, not a scan.
async fn type_slowly(pty: &mut super::pty::Pty, text: &str) {
    for c in text.chars() {
        pty.type_text(&c.to_string());
        tokio::time::sleep(std::time::Duration::from_millis(60)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_asks_for_the_login_and_the_scan_taken_meanwhile_goes_through() {
    let server = TestServer::start().await;
    ann(&server).await;
    let api = server.api().await;
    let dir = tempfile::tempdir().unwrap();
    let config = desk_config(dir.path(), &server.base, api.token.as_deref().unwrap(), "start = true");
    let mut pty = super::app(&config, dir.path());
    pty.wait_for("Scan › ready for the next scan").await;
    // Every token revoked behind the app's back.
    server.db.execute_script("DELETE FROM api_tokens").await.unwrap();

    pty.type_text("100042\r");
    pty.wait_for("◷ QUEUED").await;
    pty.wait_for("Sign in again").await;
    type_slowly(&mut pty, "desk\r").await;
    type_slowly(&mut pty, super::support::PASSWORD).await;
    pty.type_text("\r");
    pty.wait_for("✔ IN   Ann Smith").await;
    pty.wait_gone("Sign in again").await;
    let api = server.api().await;
    assert_eq!(api.ok("/api/check-ins/").await["count"], 1, "the scan taken while signed out, delivered once");

    pty.type_text("\x03");
    let status = pty.wait_exit().await;
    assert!(status.success(), "{status:?}\n{}", pty.screen());
    server.stop().await;
}
