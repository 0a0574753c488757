//! A customer's sub-collections: the editable ones (emergency contacts,
//! medical notes, notes, alerts) with their validation, paging, and the
//! read-only ones listing what is stored.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Api, TestServer, fixed_clock};
use frontdesk::model::customer::SUB_COLLECTIONS;

fn sub(customer_id: i64, segment: &str) -> String {
    format!("/api/customers/{customer_id}/{segment}/")
}

fn is_api_instant(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.len() == 27 && s.ends_with('Z') && s.as_bytes()[19] == b'.')
}

async fn has_medical_notes(api: &Api, customer_id: i64) -> bool {
    api.ok(&format!("/api/customers/{customer_id}/")).await["has_medical_notes"].as_bool().unwrap()
}

#[tokio::test]
async fn emergency_contacts_can_be_created_read_replaced_updated_and_deleted() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let ann = api.create_customer("ann@example.com", "Ann", "Smith").await;
    let contacts = sub(ann, "emergency-contacts");

    let (status, created) =
        api.post(&contacts, json!({"first_name": " Bob ", "last_name": "Smith", "telephone": "555-0100"})).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["url"], json!(format!("{}{contacts}{id}/", server.base)));
    assert_eq!(created["first_name"], "Bob", "text is trimmed as DRF trims it");
    assert_eq!(created["email"], "", "optional strings are empty, not null");
    assert_eq!(created["relation"], "");
    assert!(is_api_instant(&created["created_at"]) && is_api_instant(&created["updated_at"]), "{created}");

    let record = format!("{contacts}{id}/");
    assert_eq!(api.ok(&record).await, created);
    let list = api.ok(&contacts).await;
    assert_eq!(list["count"], 1);
    assert_eq!(list["results"][0], created);

    let (status, replaced) = api
        .put(
            &record,
            json!({"first_name": "Rob", "last_name": "Smith", "telephone": "555-0199",
                   "email": "rob@example.com", "relation": "Brother", "id": 999, "url": "ignored"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{replaced}");
    assert_eq!(replaced["id"], id, "read-only fields in a write are ignored");
    assert_eq!(replaced["relation"], "Brother");
    assert_eq!(replaced["email"], "rob@example.com");

    let (status, updated) = api.patch(&record, json!({"telephone": "555-0123"})).await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["telephone"], "555-0123");
    assert_eq!(updated["first_name"], "Rob", "a partial update leaves other fields");
    assert!(updated["updated_at"].as_str() > replaced["updated_at"].as_str());

    let (status, body) = api.delete(&record).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_eq!(api.get(&record).await.0, StatusCode::NOT_FOUND);
    assert_eq!(api.ok(&contacts).await["count"], 0);
    assert_eq!(api.delete(&record).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn emergency_contact_writes_name_each_bad_field() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let ann = api.create_customer("ann@example.com", "Ann", "Smith").await;
    let contacts = sub(ann, "emergency-contacts");

    let (status, body) = api.post(&contacts, json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"first_name": ["This field is required."], "last_name": ["This field is required."],
               "telephone": ["This field is required."]})
    );

    let (status, body) = api
        .post(&contacts, json!({"first_name": "  ", "last_name": true, "telephone": null, "email": "not-an-email"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"first_name": ["This field may not be blank."], "last_name": ["Not a valid string."],
               "telephone": ["This field may not be null."], "email": ["Enter a valid email address."]})
    );
    assert_eq!(api.ok(&contacts).await["count"], 0, "a refused write writes nothing");

    let (_, created) = api.post(&contacts, json!({"first_name": "Bob", "last_name": "Smith", "telephone": "1"})).await;
    let record = format!("{contacts}{}/", created["id"]);
    let (status, body) = api.put(&record, json!({"first_name": "Rob"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a replace needs every required field");
    assert_eq!(body["last_name"], json!(["This field is required."]));
    let (status, body) = api.patch(&record, json!({"last_name": ""})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, json!({"last_name": ["This field may not be blank."]}));
    let (status, body) = api.patch(&record, json!({})).await;
    assert_eq!(status, StatusCode::OK, "an empty partial update changes nothing: {body}");
    assert_eq!(body["first_name"], "Bob");

    let resp = api
        .request(reqwest::Method::POST, &contacts)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let (status, body) = crate::support::read(resp).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["detail"].as_str().unwrap().starts_with("JSON parse error"), "{body}");

    assert_eq!(api.get(&format!("{contacts}abc/")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(api.patch(&format!("{contacts}abc/"), json!({})).await.0, StatusCode::NOT_FOUND);
    assert_eq!(api.get("/api/customers/abc/emergency-contacts/").await.0, StatusCode::NOT_FOUND);
    assert_eq!(api.post(&sub(999_999, "emergency-contacts"), json!({})).await.0, StatusCode::NOT_FOUND);

    // Another customer's contact is not reachable through this customer.
    let ben = api.create_customer("ben@example.com", "Ben", "Jones").await;
    let through_ben = format!("{}{}/", sub(ben, "emergency-contacts"), created["id"]);
    assert_eq!(api.get(&through_ben).await.0, StatusCode::NOT_FOUND);
    assert_eq!(api.patch(&through_ben, json!({"first_name": "X"})).await.0, StatusCode::NOT_FOUND);
    assert_eq!(api.delete(&through_ben).await.0, StatusCode::NOT_FOUND);
    assert_eq!(api.ok(&record).await["first_name"], "Bob");
}

#[tokio::test]
async fn has_medical_notes_follows_the_medical_notes() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let ann = api.create_customer("ann@example.com", "Ann", "Smith").await;
    let notes = sub(ann, "medical-notes");
    assert!(!has_medical_notes(&api, ann).await);

    let (status, body) = api.post(&notes, json!({"medical_notes": "   "})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, json!({"medical_notes": ["This field may not be blank."]}));
    assert!(!has_medical_notes(&api, ann).await);

    let (status, first) = api.post(&notes, json!({"medical_notes": "Asthma; inhaler in bag"})).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["medical_notes"], "Asthma; inhaler in bag");
    assert!(has_medical_notes(&api, ann).await);
    let (_, second) = api.post(&notes, json!({"medical_notes": "Bad left knee"})).await;

    let first_url = first["url"].as_str().unwrap();
    let (status, replaced) = api.put(first_url, json!({"medical_notes": "Asthma"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(replaced["medical_notes"], "Asthma");
    let (status, _) = api.patch(first_url, json!({"medical_notes": null})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    assert_eq!(api.delete(first_url).await.0, StatusCode::NO_CONTENT);
    assert!(has_medical_notes(&api, ann).await, "one note is left");
    assert_eq!(api.delete(second["url"].as_str().unwrap()).await.0, StatusCode::NO_CONTENT);
    assert!(!has_medical_notes(&api, ann).await);
    let filtered = api.ok("/api/customers/").await;
    assert_eq!(filtered["results"][0]["has_medical_notes"], false, "the list reads the same summary");
}

#[tokio::test]
async fn alerts_carry_whether_they_prevent_check_in_and_notes_hold_text() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let ann = api.create_customer("ann@example.com", "Ann", "Smith").await;

    let (status, alert) =
        api.post(&sub(ann, "alerts"), json!({"message": "No waiver", "prevents_check_in": true})).await;
    assert_eq!(status, StatusCode::CREATED, "{alert}");
    assert_eq!(alert["prevents_check_in"], true);
    let (_, quiet) = api.post(&sub(ann, "alerts"), json!({"message": "Owes a rental"})).await;
    assert_eq!(quiet["prevents_check_in"], false, "alerts do not block unless told to");
    let (status, patched) = api.patch(alert["url"].as_str().unwrap(), json!({"prevents_check_in": "false"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(patched["prevents_check_in"], false);
    assert_eq!(patched["message"], "No waiver");
    let (status, body) = api.post(&sub(ann, "alerts"), json!({"prevents_check_in": "perhaps"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"message": ["This field is required."], "prevents_check_in": ["Must be a valid boolean."]})
    );

    let (status, note) = api.post(&sub(ann, "notes"), json!({"note": "Prefers the east wall"})).await;
    assert_eq!(status, StatusCode::CREATED, "{note}");
    let (status, body) = api.post(&sub(ann, "notes"), json!({"note": ["x"]})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, json!({"note": ["Not a valid string."]}));
    let (_, replaced) = api.put(note["url"].as_str().unwrap(), json!({"note": "Prefers the cave"})).await;
    assert_eq!(replaced["note"], "Prefers the cave");
    assert_eq!(api.delete(note["url"].as_str().unwrap()).await.0, StatusCode::NO_CONTENT);
    assert_eq!(api.ok(&sub(ann, "notes")).await["count"], 0);
    assert_eq!(api.ok(&sub(ann, "alerts")).await["count"], 2);
}

#[tokio::test]
async fn sub_collections_page_newest_first_with_working_links() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let ann = api.create_customer("ann@example.com", "Ann", "Smith").await;
    for i in 0..12 {
        let (status, _) = api.post(&sub(ann, "notes"), json!({"note": format!("note {i}")})).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let first = api.ok(&format!("{}?page_size=5", sub(ann, "notes"))).await;
    assert_eq!(first["count"], 12);
    assert_eq!(first["results"].as_array().unwrap().len(), 5);
    assert_eq!(first["results"][0]["note"], "note 11");
    assert_eq!(first["previous"], Value::Null);
    assert_eq!(first["next"], json!(format!("{}{}?page_size=5&page=2", server.base, sub(ann, "notes"))));
    let all = api.all(&format!("{}?page_size=5", sub(ann, "notes"))).await;
    let texts: Vec<&str> = all.iter().map(|n| n["note"].as_str().unwrap()).collect();
    let expected: Vec<String> = (0..12).rev().map(|i| format!("note {i}")).collect();
    assert_eq!(texts, expected);
    let (status, body) = api.get(&format!("{}?page=4&page_size=5", sub(ann, "notes"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"detail": "Invalid page."}));
    let last = api.ok(&format!("{}?page=last&page_size=5", sub(ann, "notes"))).await;
    assert_eq!(last["results"].as_array().unwrap().len(), 2);
    assert_eq!(api.ok(&format!("{}?page_size=1000", sub(ann, "notes"))).await["results"].as_array().unwrap().len(), 12);
}

#[tokio::test]
async fn every_sub_collection_url_of_a_customer_answers_a_paged_list() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let ann = api.create_customer("ann@example.com", "Ann", "Smith").await;
    let customer = api.ok(&format!("/api/customers/{ann}/")).await;
    for (field, segment) in SUB_COLLECTIONS {
        let url = customer[field].as_str().unwrap();
        assert_eq!(url, format!("{}{}", server.base, sub(ann, segment)));
        let page = api.ok(url).await;
        assert!(page["count"].is_u64() && page["results"].is_array(), "{field}: {page}");
        let no_slash = api.ok(url.trim_end_matches('/')).await;
        assert_eq!(no_slash["count"], page["count"], "{field} without its trailing slash");
    }
}

/// A customer with one of every read-only sub-record, at a fixed date.
async fn stocked_server() -> (TestServer, Api, i64, i64) {
    let server = TestServer::start_with_clock(fixed_clock("2026-03-10T18:00:00Z")).await;
    let api = server.api().await;
    server
        .import(json!({
            "locations": [{"id": 1, "name": "North"}],
            "challenges": [{"id": 1, "name": "100 climbs", "description": "Climb 100 routes"}],
            "proficiencies": [{"id": 1, "name": "Lead belay"}, {"id": 2, "name": "Top rope"}],
            "event_types": [{"id": 1, "name": "Intro class"}],
            "customers": [
                {"id": 1, "email": "ann@example.com", "first_name": "Ann", "last_name": "Smith", "birthday": "1990-01-02",
                 "documents": [
                     {"name": "Waiver 2025", "expiration_date": "2026-03-09", "pdf": "waiver-1.pdf"},
                     {"name": "Waiver 2026", "expiration_date": "2026-03-10", "pdf": "https://docs.example.com/w.pdf"},
                     {"name": "Lifetime waiver"}],
                 "event_vouchers": [{"name": "Free class", "expiration_date": "2026-12-31"}],
                 "credits": [{"amount": "12.50", "description": "Refund"}],
                 "payments": [{"amount": "80.00", "description": "Monthly dues", "created_at": "2026-02-01T10:00:00Z"},
                              {"amount": "80.00", "description": "Monthly dues", "created_at": "2026-03-01T10:00:00Z"}],
                 "guest_pass_usages": [{"guest_first_name": "Gus", "guest_last_name": "Guest", "location_id": 1,
                                        "used_at": "2026-03-01T17:00:00Z"}],
                 "challenges": [{"challenge_id": 1, "started_at": "2026-01-01T00:00:00Z"}],
                 "proficiencies": [{"proficiency_id": 1, "granted_at": "2025-06-01T12:00:00Z"},
                                   {"proficiency_id": 2, "is_active": false, "granted_at": "2025-01-01T12:00:00Z"}],
                 "reservations": [{"event_type_id": 1, "location_id": 1, "starts_at": "2026-03-12T01:00:00Z",
                                   "ends_at": "2026-03-12T02:30:00Z"}],
                 "entry_passes": [{"name": "10-Punch", "uses_total": 10, "uses_remaining": 3}]},
                {"id": 2, "email": "ben@example.com", "first_name": "Ben", "last_name": "Jones", "birthday": "1992-03-04"}
            ]
        }))
        .await;
    let ann = api.id_of("ann@example.com").await;
    let ben = api.id_of("ben@example.com").await;
    (server, api, ann, ben)
}

async fn results(api: &Api, path: &str) -> Vec<Value> {
    api.ok(path).await["results"].as_array().unwrap().clone()
}

#[tokio::test]
async fn read_only_sub_collections_list_what_is_stored() {
    let (server, api, ann, ben) = stocked_server().await;

    let documents = results(&api, &sub(ann, "documents")).await;
    let by_name = |name: &str| documents.iter().find(|d| d["name"] == name).unwrap().clone();
    let expired = by_name("Waiver 2025");
    assert_eq!(expired["is_expired"], true);
    assert_eq!(expired["expiration_date"], "2026-03-09");
    assert_eq!(expired["pdf"], json!(format!("{}/media/waiver-1.pdf", server.base)));
    assert_eq!(by_name("Waiver 2026")["is_expired"], false, "a waiver is good through its expiration date");
    assert_eq!(by_name("Waiver 2026")["pdf"], "https://docs.example.com/w.pdf");
    assert_eq!(by_name("Lifetime waiver")["expiration_date"], Value::Null);
    assert_eq!(by_name("Lifetime waiver")["is_expired"], false);
    assert_eq!(by_name("Lifetime waiver")["pdf"], Value::Null);
    assert_eq!(api.ok(expired["url"].as_str().unwrap()).await, expired);

    let vouchers = results(&api, &sub(ann, "event-vouchers")).await;
    assert_eq!(vouchers[0]["name"], "Free class");
    assert_eq!(vouchers[0]["uses_remaining"], 1);
    assert_eq!(vouchers[0]["expiration_date"], "2026-12-31");

    let credits = results(&api, &sub(ann, "credits")).await;
    assert_eq!((credits[0]["amount"].clone(), credits[0]["description"].clone()), (json!("12.50"), json!("Refund")));
    let payments = results(&api, &sub(ann, "payments")).await;
    assert_eq!(payments.len(), 2);
    assert_eq!(payments[0]["created_at"], "2026-03-01T10:00:00.000000Z", "newest first");

    let guests = results(&api, &sub(ann, "guest-pass-usages")).await;
    assert_eq!(guests[0]["guest_first_name"], "Gus");
    assert_eq!(guests[0]["location_name"], "North");
    assert_eq!(guests[0]["used_at"], "2026-03-01T17:00:00.000000Z");

    let challenges = results(&api, &sub(ann, "challenges")).await;
    assert_eq!(challenges[0]["name"], "100 climbs");
    assert_eq!(challenges[0]["status"], "INP");
    assert_eq!(challenges[0]["completed_at"], Value::Null);

    let proficiencies = results(&api, &sub(ann, "proficiencies")).await;
    let names: Vec<(&str, bool)> =
        proficiencies.iter().map(|p| (p["name"].as_str().unwrap(), p["is_active"].as_bool().unwrap())).collect();
    assert_eq!(names, [("Lead belay", true), ("Top rope", false)], "every stored proficiency, newest first");

    let reservations = results(&api, &sub(ann, "reservations")).await;
    let reservation = &reservations[0];
    assert_eq!(reservation["event_type_name"], "Intro class");
    assert_eq!(reservation["location_name"], "North");
    assert_eq!(reservation["status"], "CON");
    assert_eq!(reservation["starts_at"], "2026-03-12T01:00:00.000000Z");
    let parts = results(&api, &sub(ann, "reservation-parts")).await;
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0]["reservation_id"], reservation["id"]);
    assert_eq!(parts[0]["reservation_url"], reservation["url"]);
    assert_eq!(parts[0]["ends_at"], reservation["ends_at"]);
    assert_eq!(parts[0]["url"], json!(format!("{}{}{}/", server.base, sub(ann, "reservation-parts"), parts[0]["id"])));

    let passes = results(&api, &sub(ann, "entry-passes")).await;
    assert_eq!(passes[0]["name"], "10-Punch");
    assert_eq!((passes[0]["uses_total"].clone(), passes[0]["uses_remaining"].clone()), (json!(10), json!(3)));
    assert_eq!(passes[0]["owner_id"], ann);
    assert!(results(&api, &sub(ben, "entry-passes")).await.is_empty());

    // Neither the API nor the import makes shared passes or pending relations.
    let pass_id = passes[0]["id"].as_i64().unwrap();
    server
        .execute_sql(&format!(
            "INSERT INTO shared_passes (org_id, entry_pass_id, customer_id, created_at) VALUES ({}, {pass_id}, {ben}, 0);
             INSERT INTO pending_relations (org_id, customer_id, related_customer_id, relation, created_at)
             VALUES ({}, {ann}, {ben}, 'SIB', 0);",
            server.org_id, server.org_id
        ))
        .await;
    let shared = results(&api, &sub(ben, "shared-passes")).await;
    assert_eq!(shared.len(), 1);
    assert_eq!(shared[0]["entry_pass_id"], pass_id);
    assert_eq!((shared[0]["owner_first_name"].clone(), shared[0]["uses_remaining"].clone()), (json!("Ann"), json!(3)));
    assert!(results(&api, &sub(ann, "shared-passes")).await.is_empty());
    let asked = results(&api, &sub(ann, "pending-relations")).await;
    let incoming = results(&api, &sub(ben, "incoming-pending-relations")).await;
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0]["related_customer_first_name"], "Ben");
    assert_eq!(asked[0]["relation"], "SIB");
    assert_eq!(incoming[0]["customer_first_name"], "Ann");
    assert_eq!(incoming[0]["id"], asked[0]["id"]);
    assert!(results(&api, &sub(ben, "pending-relations")).await.is_empty());
    assert!(results(&api, &sub(ann, "incoming-pending-relations")).await.is_empty());
}

#[tokio::test]
async fn read_only_sub_collections_refuse_writes_with_405() {
    let (_server, api, ann, _) = stocked_server().await;
    let document = &results(&api, &sub(ann, "documents")).await[0];
    let url = document["url"].as_str().unwrap();
    assert_eq!(api.post(&sub(ann, "documents"), json!({"name": "Forged"})).await.0, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(api.put(url, json!({"name": "Forged"})).await.0, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(api.patch(url, json!({"name": "Forged"})).await.0, StatusCode::METHOD_NOT_ALLOWED);
    let (status, body) = api.delete(url).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body, json!({"detail": "Method \"DELETE\" not allowed."}));
    for segment in ["entry-passes", "memberships", "activity-log", "payments", "reservations"] {
        assert_eq!(api.post(&sub(ann, segment), json!({})).await.0, StatusCode::METHOD_NOT_ALLOWED, "{segment}");
    }
    assert_eq!(api.ok(url).await["name"], document["name"]);
}
