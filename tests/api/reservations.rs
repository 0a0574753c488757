//! The read-only top-level `/api/reservations/` and `/api/events/`, from the
//! reservations an import holds.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Api, TestServer, fixed_clock};

/// Now is 2026-03-10 11:00 in the organization (America/Denver, UTC-6/-7).
async fn gym() -> (TestServer, Api) {
    let server = TestServer::start_with_clock(fixed_clock("2026-03-10T18:00:00Z")).await;
    let api = server.api().await;
    server.import(document()).await;
    (server, api)
}

fn document() -> Value {
    json!({
        "locations": [{"id": 1, "name": "Upstairs", "time_zone": "America/Denver"}],
        "event_types": [{"id": 1, "name": "Intro to Climbing"}, {"id": 2, "name": "Yoga Flow"}],
        "customers": [
            {"id": 1, "email": "ann@example.com", "first_name": "Ann", "last_name": "Able", "birthday": "1980-02-03",
             "created_at": "2025-01-01T17:00:00Z",
             "reservations": [
                 // Tuesday 17 March, 18:30 in Denver: 00:30 UTC on the 18th.
                 {"event_type_id": 1, "location_id": 1, "starts_at": "2026-03-18T00:30:00Z",
                  "ends_at": "2026-03-18T02:00:00Z"},
                 {"event_type_id": 2, "location_id": 1, "starts_at": "2026-02-02T14:00:00Z",
                  "ends_at": "2026-02-02T15:00:00Z"}
             ]},
            {"id": 2, "email": "bo@example.com", "first_name": "Bo", "last_name": "Best", "birthday": "1990-05-06",
             "created_at": "2026-03-10T17:00:00Z",
             "reservations": [
                 {"event_type_id": 1, "location_id": 1, "starts_at": "2026-03-18T00:30:00Z",
                  "ends_at": "2026-03-18T02:00:00Z", "status": "CAN"},
                 {"event_type_id": 2, "location_id": 1, "starts_at": "2026-03-04T14:00:00Z",
                  "ends_at": "2026-03-04T15:00:00Z", "status": "CAN"}
             ]},
            {"id": 3, "email": "cy@example.com", "first_name": "Cy", "last_name": "Cole", "birthday": "1991-07-08",
             "created_at": "2025-06-01T17:00:00Z",
             "reservations": [
                 {"event_type_id": 1, "location_id": 1, "starts_at": "2026-03-18T00:30:00Z",
                  "ends_at": "2026-03-18T02:00:00Z"},
                 {"event_type_id": 2, "starts_at": "2026-03-11T01:00:00Z", "ends_at": "2026-03-11T02:00:00Z"}
             ]}
        ]
    })
}

fn by_customer<'a>(rows: &'a [Value], email: &str, event_type: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["email"] == email && r["event_type_name"] == event_type)
        .unwrap_or_else(|| panic!("no {event_type} reservation of {email}"))
}

#[tokio::test]
async fn reservations_page_newest_booking_first_with_capitans_fields() {
    let (server, api) = gym().await;
    // Real clients ask for 1000 a page: they get at most 100 and a working next.
    let first = api.ok("/api/reservations/?page=1&page_size=1000").await;
    assert_eq!(first["count"], 6);
    let all = api.all("/api/reservations/?page_size=4").await;
    assert_eq!(all.len(), 6);
    let created: Vec<&str> = all.iter().map(|r| r["created_at"].as_str().unwrap()).collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]), "newest booking first: {created:?}");
    assert!(created.iter().all(|c| c.ends_with('Z')), "{created:?}");

    let ann = by_customer(&all, "ann@example.com", "Intro to Climbing");
    let ann_id = api.id_of("ann@example.com").await;
    let keys: Vec<&str> = ann.as_object().unwrap().keys().map(String::as_str).collect();
    for key in [
        "id",
        "customer_id",
        "first_name",
        "last_name",
        "birthday",
        "email",
        "booking_id",
        "booking_customer_id",
        "booking_customer_first_name",
        "booking_customer_last_name",
        "booking_customer_email",
        "event_id",
        "event_type_name",
        "event_start_date_local",
        "is_cancelled",
        "created_at",
    ] {
        assert!(keys.contains(&key), "{key} missing from {ann}");
    }
    assert_eq!(ann["url"], json!(format!("{}/api/reservations/{}/", server.base, ann["id"])));
    assert_eq!((ann["customer_id"].clone(), ann["first_name"].clone()), (json!(ann_id), json!("Ann")));
    assert_eq!((ann["birthday"].clone(), ann["booking_customer_id"].clone()), (json!("1980-02-03"), json!(ann_id)));
    assert_eq!(ann["booking_id"], ann["id"]);
    assert_eq!(ann["booking_customer_email"], "ann@example.com");
    // 00:30 UTC on the 18th is the evening of the 17th in Denver.
    assert_eq!(ann["event_start_date_local"], "2026-03-17");
    assert_eq!(ann["is_cancelled"], false);
    // Booked a week before the class...
    assert_eq!(by_customer(&all, "ann@example.com", "Yoga Flow")["created_at"], "2026-01-26T14:00:00.000000Z");
    // ...but not after the import (now), nor before the customer existed.
    assert_eq!(ann["created_at"], "2026-03-10T18:00:00.000000Z");
    assert_eq!(by_customer(&all, "cy@example.com", "Yoga Flow")["created_at"], "2026-03-04T01:00:00.000000Z");
    let bo = by_customer(&all, "bo@example.com", "Intro to Climbing");
    assert_eq!(
        (bo["is_cancelled"].clone(), bo["created_at"].clone()),
        (json!(true), json!("2026-03-10T18:00:00.000000Z"))
    );
    assert_eq!(by_customer(&all, "bo@example.com", "Yoga Flow")["created_at"], "2026-03-10T17:00:00.000000Z");
    // One session, one event.
    assert_eq!(bo["event_id"], ann["event_id"]);
    assert_eq!(by_customer(&all, "cy@example.com", "Intro to Climbing")["event_id"], ann["event_id"]);
    assert_ne!(by_customer(&all, "ann@example.com", "Yoga Flow")["event_id"], ann["event_id"]);

    assert_eq!(api.ok(ann["url"].as_str().unwrap()).await, *ann);
    assert_eq!(api.get("/api/reservations/999999/").await.0, StatusCode::NOT_FOUND);
    assert_eq!(api.send(Method::POST, "/api/reservations/", Some(json!({}))).await.0, StatusCode::METHOD_NOT_ALLOWED);
    // Another organization sees none of them.
    let other = server.other_org("Elsewhere Gym").await;
    assert_eq!(other.ok("/api/reservations/").await["count"], 0);
    assert_eq!(other.get(ann["url"].as_str().unwrap()).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn events_are_the_sessions_the_reservations_book() {
    let (server, api) = gym().await;
    let events = api.all("/api/events/?ordering=-created_at&page_size=2").await;
    assert_eq!(events.len(), 4, "{events:?}");
    let created: Vec<&str> = events.iter().map(|e| e["created_at"].as_str().unwrap()).collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]), "newest first: {created:?}");
    let intro: Vec<&Value> = events.iter().filter(|e| e["event_type_name"] == "Intro to Climbing").collect();
    assert_eq!(intro.len(), 1);
    let intro = intro[0];
    assert_eq!(intro["url"], json!(format!("{}/api/events/{}/", server.base, intro["id"])));
    assert_eq!(intro["num_reservations"], 2, "the cancelled booking does not count");
    assert_eq!(intro["is_cancelled"], false);
    assert_eq!((intro["location_name"].clone(), intro["capacity"].clone()), (json!("Upstairs"), Value::Null));
    assert_eq!(
        intro["event_parts"],
        json!([{
            "start_datetime_isoformat": "2026-03-18T00:30:00.000000Z",
            "end_datetime_isoformat": "2026-03-18T02:00:00.000000Z",
            "start_local_date": "2026-03-17", "start_local_time": "18:30:00",
            "end_local_date": "2026-03-17", "end_local_time": "20:00:00"
        }])
    );
    // Its first booking (Bo's, made at the import, before Ann's a week ahead) dates it.
    assert_eq!(intro["created_at"], "2026-03-10T18:00:00.000000Z");
    let reservations = api.all("/api/reservations/?page_size=100").await;
    assert_eq!(by_customer(&reservations, "ann@example.com", "Intro to Climbing")["event_id"], intro["id"]);

    let yoga: Vec<&Value> = events.iter().filter(|e| e["event_type_name"] == "Yoga Flow").collect();
    assert_eq!(yoga.len(), 3);
    let cancelled = yoga.iter().find(|e| e["event_parts"][0]["start_local_date"] == "2026-03-04").unwrap();
    assert_eq!((cancelled["is_cancelled"].clone(), cancelled["num_reservations"].clone()), (json!(true), json!(0)));
    let nowhere = yoga.iter().find(|e| e["location_id"].is_null()).unwrap();
    assert_eq!(nowhere["location_name"], Value::Null);
    // Without a location, the organization's clock: 01:00 UTC on the 11th is the 10th in Denver.
    assert_eq!(nowhere["event_parts"][0]["start_local_date"], "2026-03-10");
    assert_eq!(api.ok(intro["url"].as_str().unwrap()).await, *intro);
    assert_eq!(api.send(Method::DELETE, intro["url"].as_str().unwrap(), None).await.0, StatusCode::METHOD_NOT_ALLOWED);
}
