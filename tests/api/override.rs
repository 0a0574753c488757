//! `override_reason` (ours, issue 16): a scan the rules refuse, let in anyway with a reason; and
//! the turning-18 rule a scan's answer carries (`notices`, a lapsed minor's waiver).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::check_in::{NO_ENTRY, person, scan, scan_path, start};
use crate::support::{Api, USER, read};

async fn overriding(api: &Api, barcode: &str, reason: Value) -> (StatusCode, Value) {
    api.post(&scan_path(barcode), json!({"override_reason": reason})).await
}

async fn overriding_with_key(api: &Api, barcode: &str, reason: &str, key: &str) -> (StatusCode, Value, bool) {
    let resp = api
        .request(Method::POST, &scan_path(barcode))
        .header("Idempotency-Key", key)
        .json(&json!({"override_reason": reason}))
        .send()
        .await
        .unwrap();
    let replayed = resp.headers().get("idempotent-replayed").is_some_and(|v| v == "true");
    let (status, body) = read(resp).await;
    (status, body, replayed)
}

async fn passes_left(api: &Api, customer_id: &Value) -> Value {
    api.ok(&format!("/api/customers/{customer_id}/")).await["number_of_available_entry_passes"].clone()
}

#[tokio::test]
async fn an_override_without_a_pass_is_ovr_free_entry_with_the_reason_and_logged_with_the_staff_member() {
    let server = start().await;
    server.import(json!({"customers": [person(1, "NOTHING", json!({}))]})).await;
    let api = server.api().await;
    assert_eq!(scan(&api, "NOTHING").await, (StatusCode::BAD_REQUEST, json!(NO_ENTRY)));

    let (status, body) = overriding(&api, "NOTHING", json!("  manager approved ")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["entry_method"], "OVR");
    assert_eq!(body["entry_method_description"], "Override: manager approved");
    assert_eq!(body["free_entry_reason"], "manager approved");
    assert_eq!(body["override_reason"], "manager approved");
    assert_eq!(body["overridden"], true);
    assert_eq!(body["check_in_count"], 1);

    let listed = api.ok(&format!("/api/check-ins/{}/", body["id"])).await;
    assert_eq!(
        (listed["entry_method"].clone(), listed["free_entry_reason"].clone()),
        (json!("OVR"), json!("manager approved"))
    );
    let filtered = api.ok("/api/check-ins/?entry_method=ovr").await;
    assert_eq!(filtered["count"], 1, "the list filters by OVR too");

    let log = api.all(&format!("/api/customers/{}/activity-log/", body["customer_id"])).await;
    assert_eq!(log[0]["action"], "check_in");
    assert_eq!(log[0]["staff_username"], USER, "who let them in");
    assert_eq!(log[0]["changes"]["override_reason"]["to"], "manager approved");
    assert_eq!(log[0]["changes"]["overridden_refusal"]["to"], NO_ENTRY);
    assert_eq!(log[0]["changes"]["entry_method"]["to"], "OVR");

    // Undo works as for any check-in made today.
    let (status, _) = api.delete(body["url"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(api.ok("/api/check-ins/").await["count"], 0);
}

#[tokio::test]
async fn an_override_uses_an_available_pass_or_membership_as_usual_and_never_lets_an_unknown_card_in() {
    let server = start().await;
    server
        .import(json!({
            "membership_types": [{"id": 1, "name": "Monthly Membership"}],
            "customers": [
                person(1, "NO-WAIVER-PASS", json!({"documents": [],
                    "entry_passes": [{"name": "10-Punch Pass", "uses_total": 10, "uses_remaining": 3}]})),
                person(2, "MEMBER", json!({})),
                person(3, "BANNED-MEMBER", json!({"alerts": [{"message": "See manager", "prevents_check_in": true}]})),
            ],
            "memberships": [
                {"membership_type_id": 1, "owner_id": 2, "start_date": "2025-01-01"},
                {"membership_type_id": 1, "owner_id": 3, "start_date": "2025-01-01"},
            ],
        }))
        .await;
    let api = server.api().await;
    let (status, body) = overriding(&api, "NO-WAIVER-PASS", json!("waiver signed on paper")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["entry_method"].clone(), body["overridden"].clone()), (json!("ENT"), json!(true)));
    assert_eq!(body["entry_method_description"], "10-Punch Pass (2 remaining)");
    assert_eq!(body.get("free_entry_reason"), None, "a pass use is not free: {body}");
    assert_eq!(passes_left(&api, &body["customer_id"]).await, 2, "one use debited");
    let (status, _) = api.delete(body["url"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(passes_left(&api, &body["customer_id"]).await, 3, "undo gives the use back");

    let (status, body) = overriding(&api, "BANNED-MEMBER", json!("manager approved")).await;
    assert_eq!(
        (status, body["entry_method"].clone(), body["overridden"].clone()),
        (StatusCode::OK, json!("MEM"), json!(true))
    );

    // Let in by the rules anyway: an ordinary check-in; the reason is echoed but nothing was overridden.
    let (status, body) = overriding(&api, "MEMBER", json!("manager approved")).await;
    assert_eq!((status, body["entry_method"].clone()), (StatusCode::OK, json!("MEM")));
    assert_eq!((body.get("overridden"), body["override_reason"].clone()), (None, json!("manager approved")));
    let log = api.all(&format!("/api/customers/{}/activity-log/", body["customer_id"])).await;
    assert!(log[0]["changes"].get("override_reason").is_none(), "no override to log: {}", log[0]);

    let (status, body) = overriding(&api, "NOBODY", json!("manager approved")).await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, json!("Unknown or deactivated customer account.")));
}

#[tokio::test]
async fn a_bad_override_reason_is_a_400_naming_the_field_and_writes_nothing() {
    let server = start().await;
    server.import(json!({"customers": [person(1, "NOTHING", json!({}))]})).await;
    let api = server.api().await;
    for (reason, says) in [
        (json!(""), "may not be blank"),
        (json!("   "), "may not be blank"),
        (json!("x".repeat(201)), "no more than 200 characters"),
        (json!("two\nlines"), "one line"),
        (json!(3), "must be text"),
        (json!(["a"]), "must be text"),
    ] {
        let (status, body) = overriding(&api, "NOTHING", reason.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{reason}: {body}");
        let message = body["override_reason"][0].as_str().unwrap_or_else(|| panic!("{reason}: {body}"));
        assert!(message.contains(says), "{reason}: {message}");
    }
    let (status, body) = overriding(&api, "NOTHING", json!("é".repeat(200))).await;
    assert_eq!(status, StatusCode::OK, "200 characters, not bytes: {body}");
    assert_eq!(api.ok("/api/check-ins/").await["count"], 1, "only the good one was written");
    // A form body works as JSON does.
    let resp = api
        .request(Method::POST, &scan_path("NOTHING"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("override_reason=pass+sold+at+the+counter")
        .send()
        .await
        .unwrap();
    let (status, body) = read(resp).await;
    assert_eq!((status, body["free_entry_reason"].clone()), (StatusCode::OK, json!("pass sold at the counter")));
}

#[tokio::test]
async fn an_override_is_idempotent_by_its_key_and_its_reason_belongs_to_the_request() {
    let server = start().await;
    server.import(json!({"customers": [person(1, "NOTHING", json!({}))]})).await;
    let api = server.api().await;
    let (status, first, replayed) = overriding_with_key(&api, "NOTHING", "manager approved", "ovr-1").await;
    assert_eq!((status, replayed), (StatusCode::OK, false), "{first}");
    let (status, again, replayed) = overriding_with_key(&api, "NOTHING", "manager approved", "ovr-1").await;
    assert_eq!((status, replayed), (StatusCode::OK, true));
    assert_eq!(again, first);
    let (status, body, _) = overriding_with_key(&api, "NOTHING", "waiver signed on paper", "ovr-1").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "another reason is another request: {body}");
    // The key of a refused plain scan cannot be reused to override it.
    let resp =
        api.request(Method::POST, &scan_path("NOTHING")).header("Idempotency-Key", "plain-1").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let (status, _, _) = overriding_with_key(&api, "NOTHING", "manager approved", "plain-1").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(api.ok("/api/check-ins/").await["count"], 1);
}

#[tokio::test]
async fn simultaneous_overrides_of_a_one_use_pass_debit_it_once_and_let_the_rest_in_free() {
    let server = start().await;
    server
        .import(json!({"customers": [person(1, "ONE-USE", json!({"documents": [],
            "entry_passes": [{"name": "Day Pass", "uses_total": 1, "uses_remaining": 1}]}))]}))
        .await;
    let api = server.api().await;
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let api = api.clone();
            tokio::spawn(async move { overriding(&api, "ONE-USE", json!("waiver signed on paper")).await })
        })
        .collect();
    let mut methods = Vec::new();
    let mut customer_id = Value::Null;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        assert_eq!(status, StatusCode::OK, "{body}");
        methods.push(body["entry_method"].as_str().unwrap().to_string());
        customer_id = body["customer_id"].clone();
    }
    methods.sort();
    assert_eq!(methods, ["ENT", "OVR", "OVR", "OVR", "OVR", "OVR"]);
    assert_eq!(passes_left(&api, &customer_id).await, 0, "one use debited, never below zero");
}

#[tokio::test]
async fn a_minors_waiver_lapses_at_18_and_the_month_before_says_when() {
    // Today is 10 March 2026 in Denver.
    let signed = json!([{"name": "Waiver", "created_at": "2024-06-01T17:00:00Z"}]);
    let server = start().await;
    server
        .import(json!({
            "membership_types": [{"id": 1, "name": "Youth Team", "is_youth_programming": true}],
            "customers": [
                person(1, "EIGHTEEN-TODAY", json!({"birthday": "2008-03-10", "documents": signed})),
                person(2, "EIGHTEEN-SOON", json!({"birthday": "2008-03-20", "documents": signed})),
                person(3, "RESIGNED", json!({"birthday": "2008-03-01",
                    "documents": [{"name": "Waiver", "created_at": "2024-06-01T17:00:00Z"},
                                  {"name": "Adult Waiver", "created_at": "2026-03-02T17:00:00Z"}]})),
            ],
            "memberships": [
                {"membership_type_id": 1, "owner_id": 1, "start_date": "2025-01-01"},
                {"membership_type_id": 1, "owner_id": 2, "start_date": "2025-01-01"},
                {"membership_type_id": 1, "owner_id": 3, "start_date": "2025-01-01"},
            ],
        }))
        .await;
    let api = server.api().await;
    let (status, body) = scan(&api, "EIGHTEEN-TODAY").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!(
            "The following alert is preventing you from checking in: Minor's waiver no longer valid: turned 18 on 10 Mar 2026, an adult waiver is needed."
        )
    );
    let (status, body) = scan(&api, "EIGHTEEN-SOON").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["notices"],
        json!([
            "Turns 18 on 20 Mar: adult waiver needed from then",
            "Turns 18 on 20 Mar: Youth Team is a youth membership"
        ])
    );
    let (status, body) = scan(&api, "RESIGNED").await;
    assert_eq!((status, body["notices"].clone()), (StatusCode::OK, json!([])), "an adult waiver since: {body}");
    // An override lets the lapsed one in by the membership, and says so.
    let (status, body) = overriding(&api, "EIGHTEEN-TODAY", json!("waiver signed on paper")).await;
    assert_eq!(
        (status, body["entry_method"].clone(), body["overridden"].clone()),
        (StatusCode::OK, json!("MEM"), json!(true))
    );
}

/// A family member checked in by customer id (no card) takes `override_reason` as a scan does.
#[tokio::test]
async fn a_check_in_by_customer_id_takes_an_override_reason_as_a_scan_does() {
    let server = start().await;
    server.import(json!({"customers": [person(1, "NOTHING", json!({}))]})).await;
    let api = server.api().await;
    let id = api.customer_by_email("nothing@example.com").await["id"].clone();
    let path = format!("/api/customers/{id}/check-ins/");
    let (status, refused) = api.post(&path, json!({})).await;
    assert_eq!((status, refused), (StatusCode::BAD_REQUEST, json!(NO_ENTRY)));
    let (status, body) = api.post(&path, json!({"override_reason": "waiver signed on paper"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["entry_method"].clone(), body["overridden"].clone()), (json!("OVR"), json!(true)));
    assert_eq!(body["free_entry_reason"], "waiver signed on paper");
    let (status, body) = api.post(&path, json!({"override_reason": " "})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a blank reason is refused here too: {body}");
}
