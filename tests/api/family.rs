//! Family check-in (ours): a customer checked in by id (a child without a card, from a guardian's
//! scan) with the barcode scan's rules, answers and `Idempotency-Key` handling, and the preview of
//! what a check-in would answer now, which writes nothing.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::check_in::{NO_ENTRY, location_id, person, scan, start};
use crate::support::read;

const NO_WAIVER: &str = "The following alert is preventing you from checking in: No waiver.";
const UNKNOWN: &str = "Unknown or deactivated customer account.";

/// A guardian with a card and a family membership; children without cards: one covered by the
/// membership, one with a pass, one with no waiver, one with nothing; a deactivated one.
fn family() -> Value {
    let child = |id: i64, first: &str, extra: Value| {
        let mut c = person(id, "", extra);
        c["email"] = json!(format!("{}@family.example", first.to_lowercase()));
        c["first_name"] = json!(first);
        c["last_name"] = json!("Lee");
        c["birthday"] = json!("2016-04-02");
        c
    };
    json!({
        "locations": [{"id": 1, "name": "Annex", "combine_same_day_check_ins": true}],
        "membership_types": [{"id": 1, "name": "Family Membership", "is_group": true}],
        "customers": [
            person(1, "PARENT", json!({"first_name": "Pat"})),
            child(2, "Mia", json!({})),
            child(3, "Leo", json!({"entry_passes": [{"name": "10-Punch Pass", "uses_total": 10, "uses_remaining": 4}]})),
            child(4, "Ivy", json!({"documents": []})),
            child(5, "Max", json!({})),
            child(6, "Old", json!({"is_active": false})),
        ],
        "memberships": [{"membership_type_id": 1, "owner_id": 1, "start_date": "2026-01-01", "members": [{"customer_id": 1}, {"customer_id": 2}]}],
        "relations": [
            {"customer_id": 1, "related_customer_id": 2, "relation": "CHI"},
            {"customer_id": 1, "related_customer_id": 3, "relation": "CHI"},
            {"customer_id": 1, "related_customer_id": 4, "relation": "CHI"},
            {"customer_id": 1, "related_customer_id": 5, "relation": "CHI"},
        ],
    })
}

fn check_in_path(id: i64) -> String {
    format!("/api/customers/{id}/check-ins/")
}

fn preview_path(id: i64) -> String {
    format!("/api/customers/{id}/check-in-preview/")
}

async fn post_with_key(api: &crate::support::Api, path: &str, key: &str) -> (StatusCode, Value, bool) {
    let resp = api.request(Method::POST, path).header("Idempotency-Key", key).send().await.unwrap();
    let replayed = resp.headers().get("idempotent-replayed").is_some_and(|v| v == "true");
    let (status, body) = read(resp).await;
    (status, body, replayed)
}

#[tokio::test]
async fn a_child_without_a_card_checks_in_by_id_with_the_scans_rules_and_answers() {
    let server = start().await;
    server.import(family()).await;
    let api = server.api().await;
    let (status, parent) = scan(&api, "PARENT").await;
    assert_eq!(status, StatusCode::OK, "{parent}");

    // The family membership covers Mia: the same body as a scan, keys and all.
    let (status, mia) = api.post(&check_in_path(2), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{mia}");
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&mia), keys(&parent));
    assert_eq!(mia["customer_id"], 2);
    assert_eq!(mia["customer_first_name"], "Mia");
    assert_eq!(mia["entry_method"], "MEM");
    assert_eq!(mia["entry_method_description"], "Family Membership");
    assert_eq!(mia["milestones"], "1st check-in!");
    assert_eq!(mia["location_name"], "Main");
    assert_eq!(api.ok("/api/customers/2/").await["check_in_count"], 1);
    let log = api.all("/api/customers/2/activity-log/").await;
    assert_eq!(log[0]["action"], "check_in");

    // Leo's own pass is debited, as a scan would.
    let (status, leo) = api.post(&check_in_path(3), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{leo}");
    assert_eq!(leo["entry_method_description"], "10-Punch Pass (3 remaining)");

    // Refusals in Capitan's plain text.
    let (status, body) = api.post(&check_in_path(4), json!({})).await;
    assert_eq!((status, body), (StatusCode::BAD_REQUEST, json!(NO_WAIVER)));
    let (status, body) = api.post(&check_in_path(5), json!({})).await;
    assert_eq!((status, body), (StatusCode::BAD_REQUEST, json!(NO_ENTRY)));
    for id in [6, 999] {
        let (status, body) = api.post(&check_in_path(id), json!({})).await;
        assert_eq!((status, body), (StatusCode::NOT_FOUND, json!(UNKNOWN)), "customer {id}");
    }
    let other = server.other_org("Other Gym").await;
    let (status, _) = other.post(&check_in_path(2), json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another organization's customer");

    // The body names the location as a scan's does; the check-in is voided like any other.
    let annex = location_id(&api, "Annex").await;
    let (status, at_annex) = api.post(&check_in_path(2), json!({"location_id": annex})).await;
    assert_eq!(status, StatusCode::OK, "{at_annex}");
    assert_eq!(at_annex["location_name"], "Annex");
    let (status, _) = api.delete(at_annex["url"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = api.post(&check_in_path(2), json!({"location_id": "annex"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(api.all("/api/customers/2/check-ins/").await.len(), 1);
}

#[tokio::test]
async fn a_check_in_by_id_is_applied_once_per_idempotency_key() {
    let server = start().await;
    server.import(family()).await;
    let api = server.api().await;
    let (status, first, replayed) = post_with_key(&api, &check_in_path(3), "family-leo-1").await;
    assert_eq!((status, replayed), (StatusCode::OK, false), "{first}");
    let (status, again, replayed) = post_with_key(&api, &check_in_path(3), "family-leo-1").await;
    assert_eq!((status, replayed), (StatusCode::OK, true));
    assert_eq!(again, first);
    assert_eq!(api.ok("/api/customers/3/").await["check_in_count"], 1, "applied once");
    // The same key for another customer (or the barcode endpoint) is another request.
    let (status, _, _) = post_with_key(&api, &check_in_path(2), "family-leo-1").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _, _) = post_with_key(&api, "/api/gym-endpoints/barcode-check-in/PARENT/", "family-leo-1").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Refusals are replayed too.
    let (status, body, _) = post_with_key(&api, &check_in_path(4), "family-ivy-1").await;
    assert_eq!((status, body), (StatusCode::BAD_REQUEST, json!(NO_WAIVER)));
    let (status, _, replayed) = post_with_key(&api, &check_in_path(4), "family-ivy-1").await;
    assert_eq!((status, replayed), (StatusCode::BAD_REQUEST, true));
}

#[tokio::test]
async fn the_preview_judges_as_a_check_in_would_and_writes_nothing() {
    let server = start().await;
    server.import(family()).await;
    let api = server.api().await;
    let mia = api.ok(&preview_path(2)).await;
    assert_eq!(
        mia,
        json!({
            "customer_id": 2, "verdict": "in", "status": 200, "entry_method": "MEM",
            "entry_method_description": "Family Membership", "reason": "",
            "location_id": mia["location_id"], "location_name": "Main",
        })
    );
    // The pass use it would debit is counted, and not debited.
    for _ in 0..2 {
        let leo = api.ok(&preview_path(3)).await;
        assert_eq!(leo["entry_method_description"], "10-Punch Pass (3 remaining)");
    }
    let ivy = api.ok(&preview_path(4)).await;
    assert_eq!((&ivy["verdict"], &ivy["status"], &ivy["reason"]), (&json!("refused"), &json!(400), &json!(NO_WAIVER)));
    let max = api.ok(&preview_path(5)).await;
    assert_eq!((&max["verdict"], &max["reason"]), (&json!("refused"), &json!(NO_ENTRY)));
    let old = api.ok(&preview_path(6)).await;
    assert_eq!((&old["verdict"], &old["status"], &old["reason"]), (&json!("refused"), &json!(404), &json!(UNKNOWN)));
    // Nothing was written.
    assert_eq!(api.ok("/api/check-ins/").await["count"], 0);
    assert_eq!(api.ok("/api/customers/3/").await["number_of_available_entry_passes"], 4, "no use debited");
    assert_eq!(api.all("/api/customers/3/entry-passes/").await[0]["uses_remaining"], 4);
    assert!(api.all("/api/customers/3/activity-log/").await.iter().all(|e| e["action"] != "check_in"));

    // At a location that combines same-day check-ins, a customer already in today is "already in".
    let annex = location_id(&api, "Annex").await;
    let (status, _) = api.post(&check_in_path(2), json!({"location_id": annex})).await;
    assert_eq!(status, StatusCode::OK);
    let again = api.ok(&format!("{}?location_id={annex}", preview_path(2))).await;
    assert_eq!((&again["verdict"], &again["status"]), (&json!("already_in"), &json!(200)));
    assert_eq!(again["location_name"], "Annex");

    // Problems are named; a customer who is not there is 404.
    let (status, body) = api.get(&format!("{}?location_id=annex", preview_path(2))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["location_id"].is_array(), "{body}");
    let (status, _) = api.get(&preview_path(999)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let other = server.other_org("Other Gym").await;
    let (status, _) = other.get(&preview_path(2)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = api.post(&preview_path(2), json!({})).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}
