//! `activity-log/`: every change made through the API to a customer and its
//! sub-records, with who made it, when, and each field from what to what.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Api, TestServer, USER};

async fn log(api: &Api, customer_id: i64) -> Vec<Value> {
    api.all(&format!("/api/customers/{customer_id}/activity-log/?page_size=100")).await
}

fn change(entry: &Value, field: &str) -> (Value, Value) {
    let c = &entry["changes"][field];
    assert!(c.is_object(), "no change to {field} in {entry}");
    (c["from"].clone(), c["to"].clone())
}

#[tokio::test]
async fn customer_changes_are_logged_with_who_when_and_what() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let ann = api.create_customer("ann@example.com", "Ann", "Smith").await;
    let (status, _) = api
        .patch(&format!("/api/customers/{ann}/"), json!({"first_name": "Anne", "government_id": "123-45-6789"}))
        .await;
    assert_eq!(status, StatusCode::OK);

    let entries = log(&api, ann).await;
    assert_eq!(entries.len(), 2);
    let (update, create) = (&entries[0], &entries[1]);
    assert_eq!(create["action"], "create");
    assert_eq!(create["entity"], "customer");
    assert_eq!(create["entity_id"], ann);
    assert_eq!(change(create, "email"), (Value::Null, json!("ann@example.com")));

    assert_eq!(update["action"], "update", "newest first");
    assert_eq!(update["customer_id"], ann);
    assert_eq!(update["staff_username"], USER);
    assert!(update["staff_user_id"].is_i64());
    assert_eq!(change(update, "first_name"), (json!("Ann"), json!("Anne")));
    assert_eq!(change(update, "government_id"), (json!(""), json!("••••")), "a government id is never logged");
    assert_eq!(update["changes"].as_object().unwrap().len(), 2, "only what changed: {update}");
    let created_at = update["created_at"].as_str().unwrap();
    assert!(created_at.ends_with('Z') && created_at.len() == 27, "{created_at}");
    assert_eq!(update["url"], json!(format!("{}/api/customers/{ann}/activity-log/{}/", server.base, update["id"])));
    assert_eq!(api.ok(update["url"].as_str().unwrap()).await, *update);

    let (status, _) = api.patch(&format!("/api/customers/{ann}/"), json!({"first_name": "Anne"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(log(&api, ann).await.len(), 2, "a write that changes nothing is not logged");
}

#[tokio::test]
async fn sub_record_creates_updates_and_deletes_are_logged() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let ann = api.create_customer("ann@example.com", "Ann", "Smith").await;
    let sub = |segment: &str| format!("/api/customers/{ann}/{segment}/");

    let (_, contact) = api
        .post(&sub("emergency-contacts"), json!({"first_name": "Bob", "last_name": "Smith", "telephone": "1"}))
        .await;
    let contact_url = contact["url"].as_str().unwrap();
    api.patch(contact_url, json!({"telephone": "2", "relation": "Brother"})).await;
    api.delete(contact_url).await;
    let (_, note) = api.post(&sub("medical-notes"), json!({"medical_notes": "Asthma"})).await;
    let (_, alert) = api.post(&sub("alerts"), json!({"message": "See manager"})).await;
    api.patch(alert["url"].as_str().unwrap(), json!({"prevents_check_in": true})).await;
    let (_, desk_note) = api.post(&sub("notes"), json!({"note": "Lost a shoe"})).await;
    api.delete(desk_note["url"].as_str().unwrap()).await;

    let entries = log(&api, ann).await;
    let summary: Vec<(&str, &str)> =
        entries.iter().map(|e| (e["action"].as_str().unwrap(), e["entity"].as_str().unwrap())).collect();
    assert_eq!(
        summary,
        [
            ("delete", "note"),
            ("create", "note"),
            ("update", "alert"),
            ("create", "alert"),
            ("create", "medical_note"),
            ("delete", "emergency_contact"),
            ("update", "emergency_contact"),
            ("create", "emergency_contact"),
            ("create", "customer"),
        ]
    );
    assert!(entries.iter().all(|e| e["staff_username"] == USER));

    let contact_entries: Vec<&Value> = entries.iter().filter(|e| e["entity"] == "emergency_contact").collect();
    assert!(contact_entries.iter().all(|e| e["entity_id"] == contact["id"]));
    let (deleted, updated, created) = (contact_entries[0], contact_entries[1], contact_entries[2]);
    assert_eq!(change(created, "first_name"), (Value::Null, json!("Bob")));
    assert_eq!(change(created, "email"), (Value::Null, json!("")));
    assert_eq!(
        updated["changes"],
        json!({"telephone": {"from": "1", "to": "2"}, "relation": {"from": "", "to": "Brother"}})
    );
    assert_eq!(change(deleted, "telephone"), (json!("2"), Value::Null));

    assert_eq!(change(&entries[4], "medical_notes"), (Value::Null, json!("Asthma")));
    assert_eq!(entries[4]["entity_id"], note["id"]);
    assert_eq!(entries[2]["changes"], json!({"prevents_check_in": {"from": false, "to": true}}));
    assert_eq!(change(&entries[0], "note"), (json!("Lost a shoe"), Value::Null));
}

#[tokio::test]
async fn a_relation_is_logged_on_both_customers() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let mum = api.create_customer("mum@example.com", "Maria", "Lopez").await;
    let kid = api.create_customer("kid@example.com", "Leo", "Lopez").await;
    let (_, created) = api
        .post(&format!("/api/customers/{mum}/relations/"), json!({"related_customer_id": kid, "relation": "CHI"}))
        .await;
    api.delete(created["url"].as_str().unwrap()).await;

    let mums = log(&api, mum).await;
    assert_eq!((mums[1]["action"].as_str(), mums[1]["entity"].as_str()), (Some("create"), Some("relation")));
    assert_eq!(mums[1]["entity_id"], created["id"]);
    assert_eq!(
        mums[1]["changes"],
        json!({"related_customer_id": {"from": null, "to": kid}, "relation": {"from": null, "to": "CHI"}})
    );
    assert_eq!(mums[0]["action"], "delete");
    assert_eq!(change(&mums[0], "relation"), (json!("CHI"), Value::Null));

    let kids = log(&api, kid).await;
    assert_eq!(
        kids[1]["changes"],
        json!({"related_customer_id": {"from": null, "to": mum}, "relation": {"from": null, "to": "PRE"}})
    );
    assert_eq!(kids[0]["action"], "delete");
    assert_eq!(change(&kids[0], "related_customer_id"), (json!(mum), Value::Null));
}

#[tokio::test]
async fn refused_writes_log_nothing_and_the_log_is_read_only() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let ann = api.create_customer("ann@example.com", "Ann", "Smith").await;
    let (status, _) = api.post(&format!("/api/customers/{ann}/medical-notes/"), json!({"medical_notes": ""})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = api.patch(&format!("/api/customers/{ann}/"), json!({"email": "nope"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let entries = log(&api, ann).await;
    assert_eq!(entries.len(), 1, "{entries:?}");

    let log_url = format!("/api/customers/{ann}/activity-log/");
    assert_eq!(api.post(&log_url, json!({"action": "create"})).await.0, StatusCode::METHOD_NOT_ALLOWED);
    let entry_url = entries[0]["url"].as_str().unwrap();
    assert_eq!(api.delete(entry_url).await.0, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(api.patch(entry_url, json!({})).await.0, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(log(&api, ann).await.len(), 1);
}
