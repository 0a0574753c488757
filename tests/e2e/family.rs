//! Family check-in end to end: a parent's scan lists the family with each one's own verdict, F6
//! moves into the list, Space selects a child who has no card, Enter checks the child in (by
//! customer id), and ctrl-z undoes it.

use serde_json::json;

use super::desk::desk_config;
use super::support::TestServer;

/// Pat (a parent with a card and a family membership), Mia (a child without a card, on the
/// family membership) and Ivy (a child without a waiver: refused).
async fn family(server: &TestServer) {
    server
        .import(json!({
            "membership_types": [{"id": 1, "name": "Family Membership", "is_group": true}],
            "customers": [
                {"id": 1, "email": "pat@example.com", "first_name": "Pat", "last_name": "Lee",
                 "birthday": "1984-02-10", "barcode": "200077",
                 "documents": [{"name": "Waiver", "expiration_date": null}]},
                {"id": 2, "email": "mia@example.com", "first_name": "Mia", "last_name": "Lee",
                 "birthday": "2017-08-01",
                 "documents": [{"name": "Minor Waiver", "expiration_date": null}]},
                {"id": 3, "email": "ivy@example.com", "first_name": "Ivy", "last_name": "Lee",
                 "birthday": "2019-03-03"}
            ],
            "memberships": [{"membership_type_id": 1, "owner_id": 1, "start_date": "2020-01-01",
                             "members": [{"customer_id": 1}, {"customer_id": 2}, {"customer_id": 3}]}],
            "relations": [
                {"customer_id": 1, "related_customer_id": 2, "relation": "CHI"},
                {"customer_id": 1, "related_customer_id": 3, "relation": "CHI"}
            ]
        }))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parents_scan_checks_in_a_child_without_a_card_from_the_family_list() {
    let server = TestServer::start().await;
    family(&server).await;
    let api = server.api().await;
    let dir = tempfile::tempdir().unwrap();
    let config = desk_config(dir.path(), &server.base, api.token.as_deref().unwrap(), "start = true");
    let mut pty = super::app(&config, dir.path());
    pty.wait_for("Scan › ready for the next scan").await;

    pty.type_text("200077\r");
    pty.wait_for("✔ IN   Pat Lee").await;
    // The family fills in behind the verdict, each with their own verdict as if scanned now.
    pty.wait_for("Family (2) · f6 to check them in").await;
    pty.wait_for("Mia Lee · Child").await;
    pty.wait_for("✔ Family Membership").await;
    pty.wait_for("✖ Refused: No waiver").await;

    // F6.
    pty.type_text("\x1b[17~");
    pty.wait_for("Family · 0 selected").await;
    // Children by name: Ivy is refused, so Space on her says why and selects nothing; Mia is selected.
    pty.type_text(" ");
    pty.wait_for("Ivy Lee cannot be checked in: Refused: No waiver").await;
    pty.type_text("\x1b[B");
    pty.type_text(" ");
    pty.wait_for("Family · 1 selected").await;
    pty.type_text("\r");
    pty.wait_for("✔ CHECKED IN · Family Membership").await;
    pty.wait_for("Mia Lee: in (Family Membership)").await;
    let mia = api.ok("/api/customers/2/check-ins/").await;
    assert_eq!(mia["count"], 1, "{mia}");
    assert_eq!(api.ok("/api/customers/3/check-ins/").await["count"], 0);

    // Esc leaves the list; ctrl-z undoes the child's check-in, the latest of the session.
    pty.type_text("\x1b");
    pty.wait_for("Family (2) · f6 to check them in").await;
    pty.type_text("\x1a");
    pty.wait_for("Void the check-in of Mia Lee?").await;
    pty.type_text("y");
    pty.wait_for("Check-in of Mia Lee undone").await;
    assert_eq!(api.ok("/api/customers/2/check-ins/").await["count"], 0);

    pty.type_text("\x03");
    assert!(pty.wait_exit().await.success(), "{}", pty.screen());
    server.stop().await;
}
