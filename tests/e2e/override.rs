//! F8 end to end (issue 16): a scan the rules refuse, F8, a reason, and the customer is in, the
//! override kept with the check-in on the server.

use serde_json::json;

use super::desk::desk_config;
use super::support::TestServer;

const F8: &str = "\x1b[19~";
const DOWN: &str = "\x1b[B";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_scan_f8_and_a_reason_check_the_customer_in_as_an_override() {
    let server = TestServer::start().await;
    server
        .import(json!({"customers": [
            {"id": 1, "email": "cat@example.com", "first_name": "Cat", "last_name": "Lee",
             "birthday": "1991-02-03", "barcode": "100077",
             "documents": [{"name": "Waiver", "expiration_date": null}]}
        ]}))
        .await;
    let api = server.api().await;
    let dir = tempfile::tempdir().unwrap();
    let config = desk_config(dir.path(), &server.base, api.token.as_deref().unwrap(), "start = true");
    let mut pty = super::app(&config, dir.path());
    pty.wait_for("Scan › ready for the next scan").await;

    pty.type_text("100077\r");
    pty.wait_for("✖ REFUSED   Cat Lee").await;
    pty.wait_for("You do not have an available entry method").await;

    pty.type_text(F8);
    pty.wait_for("Override: why let them in?").await;
    pty.wait_for("pass sold at the counter").await;
    pty.type_text(DOWN);
    pty.type_text("\r");
    pty.wait_for("✔ ! IN BY OVERRIDE   Cat Lee").await;
    pty.wait_for("Override: manager approved").await;

    let id = api.id_of("cat@example.com").await;
    let check_ins = api.ok(&format!("/api/customers/{id}/check-ins/")).await;
    assert_eq!(check_ins["count"], 1, "{check_ins}");
    assert_eq!(check_ins["results"][0]["entry_method"], "OVR");
    assert_eq!(check_ins["results"][0]["free_entry_reason"], "manager approved");

    pty.type_text("\x03");
    let status = pty.wait_exit().await;
    assert!(status.success(), "{status:?}\n{}", pty.screen());
}
