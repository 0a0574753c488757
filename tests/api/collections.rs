//! The read-only top-level collections: `/api/memberships/`,
//! `/api/customer-memberships/`, `/api/customer-entry-passes/` and
//! `/api/gyms/`, and a customer's `memberships/`.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Api, LOCATION, TestServer, fixed_clock};

/// Today is 2026-03-10 in the organization (America/Denver).
async fn members_server() -> (TestServer, Api) {
    let server = TestServer::start_with_clock(fixed_clock("2026-03-10T18:00:00Z")).await;
    let api = server.api().await;
    server
        .import(json!({
            "membership_types": [
                {"id": 1, "name": "Family Monthly", "description": "Two adults and kids", "is_group": true,
                 "billing_amount": "120.00"},
                {"id": 2, "name": "Youth Team", "interval": "BWK", "is_youth_programming": true},
                {"id": 3, "name": "Ten Year", "purchase_type": "PRE", "interval": "YRL", "status": "INA"}
            ],
            "customers": [
                {"id": 1, "email": "owner@example.com", "first_name": "Olga", "last_name": "Owner", "birthday": "1980-02-03",
                 "entry_passes": [{"name": "10-Punch", "uses_total": 10, "uses_remaining": 4, "expiration_date": "2026-12-31"}]},
                {"id": 2, "email": "kid@example.com", "first_name": "Kim", "last_name": "Owner", "birthday": "2012-06-07",
                 "entry_passes": [{"name": "Day pass", "uses_total": 1, "uses_remaining": 1, "is_association_pass": true}]},
                {"id": 3, "email": "solo@example.com", "first_name": "Sol", "last_name": "Solo", "birthday": "1995-09-09"}
            ],
            "memberships": [
                {"membership_type_id": 1, "owner_id": 1, "start_date": "2026-01-31", "billing_amount": "120.00",
                 "members": [{"customer_id": 1}, {"customer_id": 2, "is_individually_frozen": true}]},
                {"membership_type_id": 2, "owner_id": 1, "start_date": "2026-04-01", "interval": "BWK",
                 "members": [{"customer_id": 2}]},
                {"membership_type_id": 1, "owner_id": 3, "start_date": "2025-01-01", "end_date": "2025-12-31"},
                {"membership_type_id": 1, "owner_id": 3, "status": "FRZ", "start_date": "2026-02-15",
                 "unfreeze_date": "2026-05-01"},
                {"membership_type_id": 1, "owner_id": 3, "status": "CAN", "start_date": "2024-01-01"},
                {"membership_type_id": 1, "owner_id": 3, "status": "PAY", "start_date": "2026-03-01"},
                {"membership_type_id": 1, "owner_id": 3, "status": "IPC", "start_date": "2026-03-02"},
                {"membership_type_id": 3, "owner_id": 3, "start_date": "2020-01-01"}
            ]
        }))
        .await;
    (server, api)
}

fn starts(memberships: &[Value]) -> Vec<&str> {
    memberships.iter().map(|m| m["start_date"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn customer_memberships_list_newest_start_first_and_never_unpaid_ones() {
    let (server, api) = members_server().await;
    let all = api.all("/api/customer-memberships/?page_size=3").await;
    assert_eq!(starts(&all), ["2026-04-01", "2026-02-15", "2026-01-31", "2025-01-01", "2024-01-01", "2020-01-01"]);
    let statuses: Vec<&str> = all.iter().map(|m| m["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["FUT", "FRZ", "ACT", "END", "CAN", "ACT"]);
    for m in &all {
        assert!(m["interval"].is_string(), "interval is never null: {m}");
        assert!(m["upcoming_bill_dates"].is_array(), "upcoming_bill_dates is a list: {m}");
        assert!(m["created_at"].as_str().unwrap().ends_with('Z'));
    }

    let family = &all[2];
    assert_eq!(family["name"], "Family Monthly");
    assert_eq!(family["url"], json!(format!("{}/api/customer-memberships/{}/", server.base, family["id"])));
    assert_eq!(family["billing_amount"], "120.00");
    assert_eq!(family["interval"], "MON");
    // Recurring and running: the end of its current period (28 February to 30 March).
    assert_eq!(family["end_date"], "2026-03-30");
    assert_eq!(family["owner_first_name"], "Olga");
    assert_eq!(family["owner_last_name"], "Owner");
    assert_eq!(family["owner_email"], "owner@example.com");
    assert_eq!(family["owner_birthday"], "1980-02-03");
    assert_eq!(family["membership_unfreeze_date"], Value::Null);
    assert_eq!(family["upcoming_bill_dates"], json!(["2026-03-31", "2026-04-30", "2026-05-31"]));
    let olga = api.id_of("owner@example.com").await;
    let kim = api.id_of("kid@example.com").await;
    let members = family["all_customers"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!((members[0]["id"].as_i64(), members[0]["first_name"].as_str()), (Some(olga), Some("Olga")));
    assert_eq!((members[1]["id"].as_i64(), members[1]["is_individually_frozen"].as_bool()), (Some(kim), Some(true)));
    assert!(members[0]["member_id"].as_i64().unwrap() != members[1]["member_id"].as_i64().unwrap());
    let types = api.ok("/api/memberships/").await;
    let family_type = types["results"].as_array().unwrap().iter().find(|t| t["name"] == "Family Monthly").unwrap();
    assert_eq!(family["membership_id"], family_type["id"]);

    assert_eq!(
        all[0]["upcoming_bill_dates"],
        json!(["2026-04-01", "2026-04-15", "2026-04-29", "2026-05-13", "2026-05-27"])
    );
    assert_eq!(all[1]["upcoming_bill_dates"], json!(["2026-05-15"]), "a frozen membership bills again once unfrozen");
    assert_eq!(all[1]["membership_unfreeze_date"], "2026-05-01");
    assert_eq!(all[3]["upcoming_bill_dates"], json!([]));
    assert_eq!(all[5]["upcoming_bill_dates"], json!([]), "a prepaid membership has no bills");

    assert_eq!(api.ok(family["url"].as_str().unwrap()).await, *family);
    let unpaid = api.ok("/api/customer-memberships/?page_size=100").await["count"].as_u64().unwrap();
    assert_eq!(unpaid, 6);
}

#[tokio::test]
async fn a_customers_memberships_are_those_covering_or_owned_by_them() {
    let (server, api) = members_server().await;
    let olga = api.id_of("owner@example.com").await;
    let kim = api.id_of("kid@example.com").await;
    let sol = api.id_of("solo@example.com").await;
    let of = |id: i64| {
        let api = api.clone();
        async move { api.all(&format!("/api/customers/{id}/memberships/")).await }
    };
    let kims = of(kim).await;
    assert_eq!(starts(&kims), ["2026-04-01", "2026-01-31"], "a member who owns nothing");
    assert_eq!(
        kims[1]["url"],
        json!(format!("{}/api/customers/{kim}/memberships/{}/", server.base, kims[1]["id"])),
        "listed under the customer, a membership's url is the customer's"
    );
    assert_eq!(starts(&of(olga).await), ["2026-04-01", "2026-01-31"], "an owner of a membership covering others");
    assert_eq!(starts(&of(sol).await), ["2026-02-15", "2025-01-01", "2024-01-01", "2020-01-01"]);
    let paid_only = api.ok(&format!("/api/customers/{sol}/memberships/")).await["count"].as_u64().unwrap();
    assert_eq!(paid_only, 4);
    // A membership that does not involve this customer is not theirs to read.
    let sols_url = format!("/api/customers/{olga}/memberships/{}/", of(sol).await[0]["id"]);
    assert_eq!(api.get(&sols_url).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn membership_types_and_entry_passes_list_with_their_fields() {
    let (server, api) = members_server().await;
    let types = api.all("/api/memberships/").await;
    let names: Vec<&str> = types.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Family Monthly", "Ten Year", "Youth Team"]);
    let youth = &types[2];
    assert_eq!(youth["url"], json!(format!("{}/api/memberships/{}/", server.base, youth["id"])));
    assert_eq!(
        (youth["interval"].clone(), youth["is_youth_programming"].clone(), youth["is_group"].clone()),
        (json!("BWK"), json!(true), json!(false))
    );
    assert_eq!((youth["status"].clone(), youth["purchase_type"].clone()), (json!("ACT"), json!("REC")));
    assert_eq!(types[0]["description"], "Two adults and kids");
    assert_eq!(types[1]["status"], "INA");
    assert_eq!(api.ok(youth["url"].as_str().unwrap()).await, *youth);

    let passes = api.all("/api/customer-entry-passes/").await;
    assert_eq!(passes.len(), 2);
    let olga = api.id_of("owner@example.com").await;
    let punch = passes.iter().find(|p| p["name"] == "10-Punch").unwrap();
    assert_eq!(punch["owner_id"], olga);
    assert_eq!((punch["uses_total"].clone(), punch["uses_remaining"].clone()), (json!(10), json!(4)));
    assert_eq!(punch["expiration_date"], "2026-12-31");
    assert_eq!(punch["is_association_pass"], false);
    assert_eq!(punch["url"], json!(format!("{}/api/customer-entry-passes/{}/", server.base, punch["id"])));
    let day = passes.iter().find(|p| p["name"] == "Day pass").unwrap();
    assert_eq!((day["is_association_pass"].clone(), day["expiration_date"].clone()), (json!(true), Value::Null));
    assert_eq!(api.ok(punch["url"].as_str().unwrap()).await, *punch);
    assert_eq!(api.get("/api/customer-entry-passes/999999/").await.0, StatusCode::NOT_FOUND);
    assert_eq!(api.get("/api/customer-entry-passes/abc/").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn top_level_lists_page_with_a_capped_page_size() {
    let (server, api) = members_server().await;
    let page = api.ok("/api/customer-memberships/?page_size=10000000000").await;
    assert_eq!(page["count"], 6);
    assert_eq!(page["next"], Value::Null);
    let first = api.ok("/api/memberships/?page=1&page_size=2").await;
    assert_eq!(first["results"].as_array().unwrap().len(), 2);
    assert_eq!(first["next"], json!(format!("{}/api/memberships/?page=2&page_size=2", server.base)));
    let (status, body) = api.get("/api/memberships/?page=3&page_size=2").await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, json!({"detail": "Invalid page."})));
}

#[tokio::test]
async fn read_only_collections_refuse_writes_with_405() {
    let (_server, api) = members_server().await;
    for collection in ["memberships", "customer-memberships", "customer-entry-passes", "gyms"] {
        let list = format!("/api/{collection}/");
        let first = api.ok(&list).await["results"][0]["url"].as_str().unwrap().to_string();
        assert_eq!(api.post(&list, json!({"name": "x"})).await.0, StatusCode::METHOD_NOT_ALLOWED, "POST {list}");
        assert_eq!(api.delete(&list).await.0, StatusCode::METHOD_NOT_ALLOWED, "DELETE {list}");
        assert_eq!(api.put(&first, json!({"name": "x"})).await.0, StatusCode::METHOD_NOT_ALLOWED, "PUT {first}");
        assert_eq!(api.patch(&first, json!({"name": "x"})).await.0, StatusCode::METHOD_NOT_ALLOWED, "PATCH {first}");
        assert_eq!(api.delete(&first).await.0, StatusCode::METHOD_NOT_ALLOWED, "DELETE {first}");
    }
}

#[tokio::test]
async fn gyms_list_the_organizations_locations() {
    let server = TestServer::start().await;
    let api = server.api().await;
    server.import(json!({"locations": [{"id": 1, "name": "North", "time_zone": "America/New_York"}]})).await;
    let gyms = api.all("/api/gyms/").await;
    let names: Vec<&str> = gyms.iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert!(names.contains(&LOCATION) && names.contains(&"North"), "{gyms:?}");
    assert_eq!(gyms.len(), 2);
    let north = gyms.iter().find(|g| g["name"] == "North").unwrap();
    assert_eq!(north["time_zone"], "America/New_York");
    assert_eq!(north["url"], json!(format!("{}/api/gyms/{}/", server.base, north["id"])));
    assert_eq!(api.ok(north["url"].as_str().unwrap()).await, *north);
    let main = gyms.iter().find(|g| g["name"] == LOCATION).unwrap();
    assert_eq!(main["id"], server.location_id);
    assert_eq!(main["time_zone"], "America/Denver", "a location without its own zone has the organization's");
    assert_eq!(api.get("/api/gyms/abc/").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_membership_names_the_locations_it_is_valid_at() {
    let server = TestServer::start_with_clock(fixed_clock("2026-03-10T18:00:00Z")).await;
    let api = server.api().await;
    server
        .import(json!({
            "locations": [{"id": 1, "name": "Boulder", "time_zone": "America/Denver"}],
            "membership_types": [
                {"id": 1, "name": "Boulder Off-Peak", "location_id": 1},
                {"id": 2, "name": "All Gyms"}
            ],
            "customers": [{"id": 1, "email": "dee@example.com", "first_name": "Dee", "last_name": "Lane", "birthday": "1990-01-01"}],
            "memberships": [
                {"membership_type_id": 1, "owner_id": 1, "start_date": "2026-01-01"},
                {"membership_type_id": 2, "owner_id": 1, "start_date": "2026-02-01"}
            ]
        }))
        .await;
    let gyms = api.all("/api/gyms/").await;
    let boulder = gyms.iter().find(|g| g["name"] == "Boulder").unwrap()["id"].clone();
    let dee = api.id_of("dee@example.com").await;
    let theirs = api.all(&format!("/api/customers/{dee}/memberships/")).await;
    let all_gyms = theirs.iter().find(|m| m["name"] == "All Gyms").unwrap();
    assert_eq!(all_gyms["valid_location_names"], json!(["Boulder", LOCATION]), "no location: every one, by name");
    assert_eq!(all_gyms["valid_location_ids"], json!([boulder, server.location_id]));
    let off_peak = theirs.iter().find(|m| m["name"] == "Boulder Off-Peak").unwrap();
    assert_eq!(off_peak["valid_location_names"], json!(["Boulder"]));
    assert_eq!(off_peak["valid_location_ids"], json!([boulder]));
    let top = api.ok(&format!("/api/customer-memberships/{}/", off_peak["id"])).await;
    assert_eq!(top["valid_location_names"], json!(["Boulder"]), "the top-level collection says the same");
    let types = api.all("/api/memberships/").await;
    let type_one = types.iter().find(|t| t["name"] == "Boulder Off-Peak").unwrap();
    assert_eq!(
        (type_one["valid_location_ids"].clone(), type_one["valid_location_names"].clone()),
        (json!([boulder]), json!(["Boulder"]))
    );
}
