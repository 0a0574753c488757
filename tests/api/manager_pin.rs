//! `[check_in] override_needs_manager_pin` (issue 16), the app's side against a real server: the
//! desk's override task logs in with the manager's username and PIN and sends the override under
//! the manager's token, so the activity log records the manager as who let the customer in; the
//! desk's own token is untouched; a wrong PIN comes back to the chooser and nothing is checked in.

use reqwest::StatusCode;
use serde_json::json;

use crate::check_in::{NO_ENTRY, person, scan, start};
use crate::support::{ORG, PASSWORD, USER};
use frontdesk::client::ClientError;
use frontdesk::client::staff::{Credential, StaffLoginError};
use frontdesk::tui::check_in::ScanOutcome;
use frontdesk::tui::msg::{Msg, RequestId};
use frontdesk::tui::scans::ScanLink;

const MANAGER: &str = "maria";
const PIN: &str = "4321";

/// Runs the override task to its end; the messages it sent, in order.
async fn manager_override(link: &ScanLink, request: u64, pin: &str) -> Vec<Msg> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let credential = (MANAGER.to_string(), Credential::Pin(pin.into()));
    link.manager_override(RequestId(request), "NOTHING".into(), "manager approved".into(), credential, tx).await;
    let mut got = Vec::new();
    while let Ok(msg) = rx.try_recv() {
        got.push(msg);
    }
    got
}

#[tokio::test]
async fn the_override_goes_out_under_the_managers_token_and_a_wrong_pin_lets_nobody_in() {
    let server = start().await;
    server.import(json!({"customers": [person(1, "NOTHING", json!({}))]})).await;
    frontdesk::admin::create_user(&server.db, ORG, MANAGER, "manager-password", None).await.unwrap();
    frontdesk::admin::set_pin(&server.db, ORG, MANAGER, PIN).await.unwrap();
    let api = server.api().await;
    assert_eq!(scan(&api, "NOTHING").await.0, StatusCode::BAD_REQUEST);
    let base = frontdesk::client::parse_base_url(&format!("{}/api/", server.base)).unwrap();
    let desk_token = frontdesk::client::get_token(&base, USER, PASSWORD).await.unwrap();
    let client = frontdesk::client::Client::new(base, &desk_token).unwrap();
    let link = ScanLink::new(client.clone(), None, None);

    let wrong = manager_override(&link, 1, "0000").await;
    match wrong.as_slice() {
        [
            Msg::ManagerPinAnswered {
                request: RequestId(1),
                result: Err(StaffLoginError::Failed(ClientError::Validation(errors))),
            },
        ] => {
            assert_eq!(errors.get("non_field_errors").unwrap()[0], "Unable to log in with provided credentials.");
        }
        other => panic!("a wrong PIN answers the chooser alone: {other:?}"),
    }
    assert_eq!(api.ok("/api/check-ins/").await["count"], 0, "nobody was let in");

    let right = manager_override(&link, 2, PIN).await;
    match right.as_slice() {
        [
            Msg::ManagerPinAnswered { request: RequestId(2), result: Ok(()) },
            Msg::ScanAnswered { request: RequestId(2), outcome: ScanOutcome::CheckedIn { check_in, .. }, .. },
        ] => {
            assert_eq!(check_in.override_reason.as_deref(), Some("manager approved"));
            assert!(check_in.overridden);
        }
        other => panic!("the PIN taken, then the override's answer: {other:?}"),
    }
    let log = api.all("/api/customers/1/activity-log/").await;
    assert_eq!(log[0]["action"], "check_in");
    assert_eq!(log[0]["staff_username"], MANAGER, "the manager let them in");
    assert_eq!(log[0]["changes"]["overridden_refusal"]["to"], NO_ENTRY);

    // The desk still writes as its own staff member: the manager's token was for that one request.
    let change = json!({"first_name": "Casey"});
    client.update_customer(1, change.as_object().unwrap()).await.unwrap();
    let log = api.all("/api/customers/1/activity-log/").await;
    assert_eq!((&log[0]["action"], &log[0]["staff_username"]), (&json!("update"), &json!(USER)));
}
