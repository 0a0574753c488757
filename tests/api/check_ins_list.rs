//! `/api/check-ins/` and `/api/customers/{id}/check-ins/`: what real clients
//! of Capitan fetch (local-date filters, ordering, paging), reading one, and
//! isolation between organizations.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::check_in::{person, scan, start};
use crate::support::{Api, TestServer};

/// Six check-ins at two locations in different time zones, chosen so that
/// UTC dates and local dates disagree.
async fn history() -> (TestServer, Api) {
    let server = start().await;
    server
        .import(json!({
            "locations": [{"id": 1, "name": "Annex"}, {"id": 2, "name": "Coast", "time_zone": "America/Los_Angeles"}],
            "customers": [
                person(1, "ALPHA", json!({"last_name": "Alpha", "check_ins": [
                    {"location_id": 1, "checked_in_at": "2026-03-01T17:00:00Z"},
                    {"location_id": 1, "checked_in_at": "2026-03-05T05:00:00Z", "entry_method": "ENT", "entry_method_description": "10-Punch Pass (9 remaining)"},
                    {"location_id": 2, "checked_in_at": "2026-03-05T16:00:00Z", "entry_method": "FRE", "free_entry_reason": "Birthday"},
                ]})),
                person(2, "BRAVO", json!({"last_name": "Bravo", "check_ins": [
                    {"location_id": 2, "checked_in_at": "2026-03-06T02:00:00Z", "entry_method": "EVE"},
                    {"location_id": 1, "checked_in_at": "2026-03-08T20:00:00Z"},
                    {"location_id": 1, "checked_in_at": "2026-03-09T18:00:00Z"},
                ]})),
            ],
        }))
        .await;
    let api = server.api().await;
    (server, api)
}

fn local_times(rows: &[Value]) -> Vec<&str> {
    rows.iter().map(|r| r["check_in_datetime"].as_str().unwrap()).collect()
}

const NEWEST_FIRST: [&str; 6] = [
    "2026-03-09T12:00:00",
    "2026-03-08T14:00:00",
    "2026-03-05T18:00:00",
    "2026-03-05T08:00:00",
    "2026-03-04T22:00:00",
    "2026-03-01T10:00:00",
];

#[tokio::test]
async fn the_list_is_newest_first_with_local_wall_clock_times_and_null_free_entry_reasons() {
    let (_server, api) = history().await;
    let rows = api.all("/api/check-ins/").await;
    assert_eq!(local_times(&rows), NEWEST_FIRST);
    let free: Vec<&Value> = rows.iter().map(|r| &r["free_entry_reason"]).collect();
    assert_eq!(free.iter().filter(|v| v.is_null()).count(), 5, "null, not \"\", for paid entries");
    assert!(free.contains(&&json!("Birthday")));
    let first = &rows[0];
    for field in [
        "id",
        "url",
        "customer_id",
        "customer_url",
        "customer_first_name",
        "customer_last_name",
        "customer_birthday",
        "customer_email",
        "location_id",
        "location_name",
        "check_in_datetime",
        "check_out_datetime",
        "entry_method",
        "entry_method_description",
        "free_entry_reason",
        "check_in_count",
        "created_at",
    ] {
        assert!(first.get(field).is_some(), "missing {field}: {first}");
    }
    assert_eq!(first["customer_last_name"], "Bravo");
    assert_eq!(first["check_in_count"], 3);
    assert_eq!(first["location_name"], "Annex");
    assert_eq!(first["created_at"], "2026-03-09T18:00:00.000000Z");
    assert_eq!(first["customer_birthday"], "1990-05-17");
    assert!(first["url"].as_str().unwrap().ends_with(&format!("/api/check-ins/{}/", first["id"])));
}

#[tokio::test]
async fn date_filters_use_each_locations_local_date_and_include_the_whole_day() {
    let (_server, api) = history().await;
    let rows = api.all("/api/check-ins/?check_in_datetime__gte=2026-03-05&ordering=-check_in_datetime").await;
    assert_eq!(local_times(&rows), NEWEST_FIRST[..4], "22:00 on the 4th in Denver is the 5th in UTC but not here");
    let rows = api.all("/api/check-ins/?check_in_datetime__lte=2026-03-05").await;
    assert_eq!(local_times(&rows), NEWEST_FIRST[2..]);
    let rows = api.all("/api/check-ins/?check_in_datetime__gte=2026-03-05&check_in_datetime__lte=2026-03-05").await;
    assert_eq!(local_times(&rows), NEWEST_FIRST[2..4]);
    let rows = api
        .all("/api/check-ins/?check_in_datetime__gte=2026-03-05T09:00:00&check_in_datetime__lte=2026-03-08T14:00:00")
        .await;
    assert_eq!(local_times(&rows), NEWEST_FIRST[1..3]);

    let (status, body) = api.get("/api/check-ins/?check_in_datetime__gte=last-week").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["check_in_datetime__gte"][0].as_str().unwrap().contains("YYYY-MM-DD"), "{body}");
}

#[tokio::test]
async fn ordering_by_check_in_datetime_or_created_at_in_either_direction() {
    let (_server, api) = history().await;
    let mut oldest_first = NEWEST_FIRST.to_vec();
    oldest_first.reverse();
    assert_eq!(local_times(&api.all("/api/check-ins/?ordering=check_in_datetime").await), oldest_first);
    assert_eq!(local_times(&api.all("/api/check-ins/?ordering=created_at").await), oldest_first);
    assert_eq!(local_times(&api.all("/api/check-ins/?ordering=-created_at").await), NEWEST_FIRST);
    assert_eq!(
        local_times(&api.all("/api/check-ins/?ordering=nonsense").await),
        NEWEST_FIRST,
        "unknown fields are ignored"
    );
}

#[tokio::test]
async fn pages_walk_every_check_in_once_and_keep_the_query() {
    let (_server, api) = history().await;
    let page =
        api.ok("/api/check-ins/?page_size=4&check_in_datetime__gte=2026-03-01&ordering=-check_in_datetime").await;
    assert_eq!(page["count"], 6);
    let next = page["next"].as_str().unwrap();
    assert!(next.contains("check_in_datetime__gte=2026-03-01") && next.contains("page=2"), "{next}");
    let rows = api.all("/api/check-ins/?page_size=4&ordering=-check_in_datetime").await;
    assert_eq!(local_times(&rows), NEWEST_FIRST);
    let big = api.ok("/api/check-ins/?page=1&page_size=1000").await;
    assert_eq!((big["count"].clone(), big["next"].clone()), (json!(6), Value::Null));
    let (status, _) = api.get("/api/check-ins/?page=3&page_size=4").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn our_extra_filters_narrow_by_customer_location_and_entry_method() {
    let (_server, api) = history().await;
    let rows = api.all("/api/check-ins/?entry_method=fre").await;
    assert_eq!(local_times(&rows), ["2026-03-05T08:00:00"]);
    let coast = rows[0]["location_id"].clone();
    let rows = api.all(&format!("/api/check-ins/?location_id={coast}")).await;
    assert_eq!(rows.len(), 2);
    let alpha = rows.iter().find(|r| r["customer_last_name"] == "Alpha").unwrap()["customer_id"].clone();
    assert_eq!(api.all(&format!("/api/check-ins/?customer_id={alpha}")).await.len(), 3);
}

#[tokio::test]
async fn a_customers_check_ins_are_theirs_alone() {
    let (_server, api) = history().await;
    let all = api.all("/api/check-ins/").await;
    let of = |name: &str| all.iter().filter(|r| r["customer_last_name"] == name).cloned().collect::<Vec<_>>();
    let (alpha, bravo) = (of("Alpha"), of("Bravo"));
    let alpha_id = &alpha[0]["customer_id"];
    let rows = api.all(&format!("/api/customers/{alpha_id}/check-ins/")).await;
    assert_eq!(rows, alpha);
    let rows = api.all(&format!("/api/customers/{alpha_id}/check-ins/?check_in_datetime__gte=2026-03-05")).await;
    assert_eq!(local_times(&rows), ["2026-03-05T08:00:00"]);
    let one = api.ok(&format!("/api/customers/{alpha_id}/check-ins/{}/", alpha[0]["id"])).await;
    assert_eq!(one, alpha[0]);
    let (status, _) = api.get(&format!("/api/customers/{alpha_id}/check-ins/{}/", bravo[0]["id"])).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another customer's check-in is not under this one");
    let (status, _) = api.get("/api/customers/999999/check-ins/").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn check_ins_are_made_by_scanning_not_by_post() {
    let (_server, api) = history().await;
    let (status, _) = api.post("/api/check-ins/", json!({"customer_id": 1})).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let id = api.ok("/api/check-ins/").await["results"][0]["id"].clone();
    let (status, _) = api.send(Method::PATCH, &format!("/api/check-ins/{id}/"), Some(json!({}))).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let (status, _) = api.get("/api/check-ins/abc/").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn another_organizations_check_ins_and_barcodes_do_not_exist() {
    let (server, api) = history().await;
    let ours = api.ok("/api/check-ins/").await["results"][0].clone();
    let other = server.other_org("Other Gym").await;
    assert_eq!(other.ok("/api/check-ins/").await["count"], 0);
    let url = format!("/api/check-ins/{}/", ours["id"]);
    assert_eq!(other.get(&url).await.0, StatusCode::NOT_FOUND);
    assert_eq!(other.delete(&url).await.0, StatusCode::NOT_FOUND);
    assert_eq!(api.get(&url).await.0, StatusCode::OK, "still there for its own organization");
    let (status, _) = other.get(&format!("/api/customers/{}/check-ins/", ours["customer_id"])).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = scan(&other, "BRAVO").await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, json!("Unknown or deactivated customer account.")));
}
