//! Organizations never see each other: another organization's customer is
//! not found on any sub-collection, and another organization's records are
//! never listed nor reachable by id on any collection.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Api, TestServer};
use frontdesk::model::customer::SUB_COLLECTIONS;

const OTHER: &str = "Other Gym";

/// Both organizations with a customer holding one of everything.
async fn two_orgs() -> (TestServer, Api, Api) {
    let server = TestServer::start().await;
    let api = server.api().await;
    let other = server.other_org(OTHER).await;
    let stock = |prefix: &str| {
        json!({
            "locations": [{"id": 1, "name": format!("{prefix} wall")}],
            "challenges": [{"id": 1, "name": format!("{prefix} challenge")}],
            "proficiencies": [{"id": 1, "name": format!("{prefix} belay")}],
            "event_types": [{"id": 1, "name": format!("{prefix} class")}],
            "membership_types": [{"id": 1, "name": format!("{prefix} monthly")}],
            "customers": [
                {"id": 1, "email": format!("{prefix}@example.com"), "first_name": prefix, "last_name": "Holder",
                 "birthday": "1990-01-01",
                 "documents": [{"name": "Waiver"}],
                 "emergency_contacts": [{"first_name": "E", "last_name": "C", "telephone": "1"}],
                 "medical_notes": [{"medical_notes": "Asthma"}],
                 "notes": [{"note": "A note"}],
                 "alerts": [{"message": "An alert"}],
                 "entry_passes": [{"name": "Punch", "uses_total": 5, "uses_remaining": 5}],
                 "proficiencies": [{"proficiency_id": 1}],
                 "challenges": [{"challenge_id": 1}],
                 "reservations": [{"event_type_id": 1, "starts_at": "2026-01-01T10:00:00Z"}],
                 "credits": [{"amount": "1.00"}],
                 "payments": [{"amount": "2.00"}],
                 "event_vouchers": [{"name": "Voucher"}],
                 "guest_pass_usages": [{"used_at": "2026-01-01T10:00:00Z"}]},
                {"id": 2, "email": format!("{prefix}-kin@example.com"), "first_name": prefix, "last_name": "Kin",
                 "birthday": "1991-01-01"}
            ],
            "memberships": [{"membership_type_id": 1, "owner_id": 1, "start_date": "2025-01-01"}],
            "relations": [{"customer_id": 1, "related_customer_id": 2, "relation": "SIB"}]
        })
    };
    server.import(stock("ours")).await;
    server.import_into(OTHER, stock("theirs")).await.expect("import into the other organization");
    (server, api, other)
}

fn path_of(url: &Value, base: &str) -> String {
    url.as_str().unwrap().strip_prefix(base).unwrap().to_string()
}

#[tokio::test]
async fn another_organizations_customer_is_not_found_on_any_sub_collection() {
    let (server, api, other) = two_orgs().await;
    let theirs = other.id_of("theirs@example.com").await;
    let ours = api.id_of("ours@example.com").await;
    for (_, segment) in SUB_COLLECTIONS {
        let list = format!("/api/customers/{theirs}/{segment}/");
        // The same customer is there for their own organization.
        let records = other.all(&list).await;
        let (status, body) = api.get(&list).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{list}: {body}");
        assert_eq!(body, json!({"detail": "Not found."}));
        for record in &records {
            let path = path_of(&record["url"], &server.base);
            assert_eq!(api.get(&path).await.0, StatusCode::NOT_FOUND, "{path}");
            // Nor through one of our customers.
            let through_ours = path.replace(&format!("/customers/{theirs}/"), &format!("/customers/{ours}/"));
            assert_eq!(api.get(&through_ours).await.0, StatusCode::NOT_FOUND, "{through_ours}");
        }
    }
}

#[tokio::test]
async fn another_organizations_records_cannot_be_written() {
    let (server, api, other) = two_orgs().await;
    let theirs = other.id_of("theirs@example.com").await;
    let kin = other.id_of("theirs-kin@example.com").await;
    let ours = api.id_of("ours@example.com").await;
    let bodies = [
        ("emergency-contacts", json!({"first_name": "X", "last_name": "Y", "telephone": "1"})),
        ("medical-notes", json!({"medical_notes": "X"})),
        ("notes", json!({"note": "X"})),
        ("alerts", json!({"message": "X"})),
        ("relations", json!({"related_customer_id": kin, "relation": "OTH"})),
    ];
    for (segment, body) in &bodies {
        let list = format!("/api/customers/{theirs}/{segment}/");
        assert_eq!(api.post(&list, body.clone()).await.0, StatusCode::NOT_FOUND, "POST {list}");
        assert_eq!(api.post(&list, json!({})).await.0, StatusCode::NOT_FOUND, "an invalid body to {list}");
        let record = &other.all(&list).await[0];
        let path = path_of(&record["url"], &server.base);
        if *segment != "relations" {
            assert_eq!(api.put(&path, body.clone()).await.0, StatusCode::NOT_FOUND, "PUT {path}");
            assert_eq!(api.patch(&path, body.clone()).await.0, StatusCode::NOT_FOUND, "PATCH {path}");
        }
        assert_eq!(api.delete(&path).await.0, StatusCode::NOT_FOUND, "DELETE {path}");
        let through_ours = path.replace(&format!("/customers/{theirs}/"), &format!("/customers/{ours}/"));
        assert_eq!(api.delete(&through_ours).await.0, StatusCode::NOT_FOUND, "DELETE {through_ours}");
        assert_eq!(other.ok(&path).await, *record, "{path} is untouched");
    }
    let theirs_now = other.ok(&format!("/api/customers/{theirs}/")).await;
    assert_eq!(theirs_now["has_medical_notes"], true);
    let (status, body) = api
        .post(&format!("/api/customers/{ours}/relations/"), json!({"related_customer_id": theirs, "relation": "SIB"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(other.all(&format!("/api/customers/{theirs}/relations/")).await.len(), 1);
    assert_eq!(
        other.all(&format!("/api/customers/{theirs}/activity-log/")).await.len(),
        0,
        "nothing was logged for them"
    );
}

#[tokio::test]
async fn top_level_collections_list_only_the_organizations_own_records() {
    let (server, api, other) = two_orgs().await;
    for collection in ["memberships", "customer-memberships", "customer-entry-passes", "gyms"] {
        let list = format!("/api/{collection}/");
        let ours = api.all(&list).await;
        let theirs = other.all(&list).await;
        assert!(!ours.is_empty() && !theirs.is_empty(), "{collection}");
        let our_ids: Vec<&Value> = ours.iter().map(|r| &r["id"]).collect();
        for record in &theirs {
            assert!(!our_ids.contains(&&record["id"]), "{collection} lists {record}");
            let path = path_of(&record["url"], &server.base);
            assert_eq!(api.get(&path).await.0, StatusCode::NOT_FOUND, "{path}");
        }
    }
    let names = |records: Vec<Value>| -> Vec<String> {
        records.iter().map(|r| r["name"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(names(api.all("/api/memberships/").await), ["ours monthly"]);
    assert_eq!(names(other.all("/api/customer-memberships/").await), ["theirs monthly"]);
    assert_eq!(api.all("/api/customer-entry-passes/").await[0]["owner_id"], api.id_of("ours@example.com").await);
}
