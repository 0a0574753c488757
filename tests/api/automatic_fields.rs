//! The seed's Automatic fields computed from imported memberships, passes,
//! waivers, check-ins and the rest, on a fixed date; and the date-dependent
//! ones following the calendar when the server's date moves.

use serde_json::{Value, json};

use crate::support::{Api, TestServer, fixed_clock};

/// 11:00 on 10 March 2026 in Denver (MDT, UTC-6).
const NOW: &str = "2026-03-10T17:00:00Z";

fn person(id: i64, email: &str) -> Value {
    json!({"id": id, "email": email, "first_name": email.split('@').next().unwrap(), "last_name": "Test",
           "birthday": "1990-01-01"})
}

fn with(mut customer: Value, extra: Value) -> Value {
    customer.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    customer
}

async fn start(doc: Value) -> (TestServer, Api) {
    let server = TestServer::start_with_clock(fixed_clock(NOW)).await;
    server.import(doc).await;
    let api = server.api().await;
    (server, api)
}

/// (has_active_membership, youth, non-youth, future start, frozen) of a customer.
async fn membership_flags(api: &Api, email: &str) -> [bool; 5] {
    let c = api.customer_by_email(email).await;
    [
        "has_active_membership",
        "has_active_youth_programming_membership",
        "has_active_non_youth_programming_membership",
        "has_membership_with_future_start",
        "has_frozen_membership",
    ]
    .map(|f| c[f].as_bool().unwrap_or_else(|| panic!("{f} is a boolean")))
}

const NONE: [bool; 5] = [false; 5];
const ACTIVE_ADULT: [bool; 5] = [true, false, true, false, false];

#[tokio::test]
async fn a_membership_counts_for_its_members_not_for_an_owner_who_is_not_one() {
    let (_server, api) = start(json!({
        "membership_types": [
            {"id": 1, "name": "Family", "is_group": true},
            {"id": 2, "name": "Monthly"},
        ],
        "customers": [person(1, "parent@x.io"), person(2, "kid@x.io"), person(3, "teen@x.io"),
                      person(4, "solo@x.io"), person(5, "payer@x.io"), person(6, "gift@x.io")],
        "memberships": [
            // A family membership the parent pays for and is covered by too.
            {"membership_type_id": 1, "owner_id": 1, "start_date": "2026-01-01",
             "members": [{"customer_id": 1}, {"customer_id": 2}, {"customer_id": 3}]},
            // Listed without members: it covers its owner.
            {"membership_type_id": 2, "owner_id": 4, "start_date": "2025-06-01"},
            // Bought for someone else: the buyer is not a member.
            {"membership_type_id": 2, "owner_id": 5, "start_date": "2026-02-01", "members": [{"customer_id": 6}]},
        ],
    }))
    .await;
    for email in ["parent@x.io", "kid@x.io", "teen@x.io", "solo@x.io", "gift@x.io"] {
        assert_eq!(membership_flags(&api, email).await, ACTIVE_ADULT, "{email}");
    }
    assert_eq!(membership_flags(&api, "payer@x.io").await, NONE, "owning is not being a member");
}

#[tokio::test]
async fn youth_and_non_youth_memberships_set_their_own_flags() {
    let (_server, api) = start(json!({
        "membership_types": [
            {"id": 1, "name": "Youth Team", "is_youth_programming": true},
            {"id": 2, "name": "Adult Monthly"},
        ],
        "customers": [person(1, "youth@x.io"), person(2, "both@x.io"), person(3, "adult@x.io")],
        "memberships": [
            {"membership_type_id": 1, "owner_id": 1, "start_date": "2026-01-01"},
            {"membership_type_id": 1, "owner_id": 2, "start_date": "2026-01-01"},
            {"membership_type_id": 2, "owner_id": 2, "start_date": "2026-01-01"},
            {"membership_type_id": 2, "owner_id": 3, "start_date": "2026-01-01"},
        ],
    }))
    .await;
    assert_eq!(membership_flags(&api, "youth@x.io").await, [true, true, false, false, false]);
    assert_eq!(membership_flags(&api, "both@x.io").await, [true, true, true, false, false]);
    assert_eq!(membership_flags(&api, "adult@x.io").await, ACTIVE_ADULT);
}

#[tokio::test]
async fn future_frozen_ended_and_unpaid_memberships_are_not_active() {
    let (_server, api) = start(json!({
        "membership_types": [{"id": 1, "name": "Monthly", "is_group": true}],
        "customers": [
            person(1, "future@x.io"), person(2, "frozen@x.io"), person(3, "iced@x.io"), person(4, "warm@x.io"),
            person(5, "ended@x.io"), person(6, "endstoday@x.io"), person(7, "endedyesterday@x.io"),
            person(8, "cancelled@x.io"), person(9, "unpaid@x.io"), person(10, "startstoday@x.io"),
            person(11, "futurestatus@x.io"),
        ],
        "memberships": [
            {"membership_type_id": 1, "owner_id": 1, "start_date": "2026-03-11"},
            {"membership_type_id": 1, "owner_id": 2, "start_date": "2026-01-01", "status": "FRZ"},
            // One member of a group frozen on their own; the other still climbs.
            {"membership_type_id": 1, "owner_id": 3, "start_date": "2026-01-01",
             "members": [{"customer_id": 3, "is_individually_frozen": true}, {"customer_id": 4}]},
            {"membership_type_id": 1, "owner_id": 5, "start_date": "2025-01-01", "end_date": "2025-12-31", "status": "END"},
            {"membership_type_id": 1, "owner_id": 6, "start_date": "2026-01-01", "end_date": "2026-03-10"},
            {"membership_type_id": 1, "owner_id": 7, "start_date": "2026-01-01", "end_date": "2026-03-09"},
            {"membership_type_id": 1, "owner_id": 8, "start_date": "2026-01-01", "status": "CAN"},
            {"membership_type_id": 1, "owner_id": 9, "start_date": "2026-01-01", "status": "PAY"},
            {"membership_type_id": 1, "owner_id": 10, "start_date": "2026-03-10"},
            {"membership_type_id": 1, "owner_id": 11, "start_date": "2026-04-01", "status": "FUT"},
        ],
    }))
    .await;
    assert_eq!(membership_flags(&api, "future@x.io").await, [false, false, false, true, false]);
    assert_eq!(membership_flags(&api, "futurestatus@x.io").await, [false, false, false, true, false]);
    assert_eq!(membership_flags(&api, "frozen@x.io").await, [false, false, false, false, true]);
    assert_eq!(membership_flags(&api, "iced@x.io").await, [false, false, false, false, true]);
    assert_eq!(membership_flags(&api, "warm@x.io").await, ACTIVE_ADULT);
    assert_eq!(membership_flags(&api, "ended@x.io").await, NONE);
    assert_eq!(membership_flags(&api, "endstoday@x.io").await, ACTIVE_ADULT, "the end date is the last day");
    assert_eq!(membership_flags(&api, "endedyesterday@x.io").await, NONE);
    assert_eq!(membership_flags(&api, "cancelled@x.io").await, NONE);
    assert_eq!(membership_flags(&api, "unpaid@x.io").await, NONE);
    assert_eq!(membership_flags(&api, "startstoday@x.io").await, ACTIVE_ADULT, "the start date is the first day");
}

#[tokio::test]
async fn first_membership_timestamp_is_the_start_of_the_earliest_membership_in_the_orgs_time() {
    let (_server, api) = start(json!({
        "membership_types": [{"id": 1, "name": "Monthly"}, {"id": 2, "name": "Family", "is_group": true}],
        "customers": [person(1, "loyal@x.io"), person(2, "former@x.io"), person(3, "never@x.io"),
                      person(4, "payer@x.io"), person(5, "soon@x.io"), person(6, "winter@x.io")],
        "memberships": [
            {"membership_type_id": 1, "owner_id": 1, "start_date": "2023-05-01", "end_date": "2024-04-30", "status": "END"},
            {"membership_type_id": 1, "owner_id": 1, "start_date": "2025-01-01"},
            {"membership_type_id": 1, "owner_id": 2, "start_date": "2024-07-15", "end_date": "2024-12-31", "status": "END"},
            {"membership_type_id": 2, "owner_id": 4, "start_date": "2022-01-01", "members": [{"customer_id": 6}]},
            {"membership_type_id": 1, "owner_id": 5, "start_date": "2026-04-01"},
        ],
    }))
    .await;
    let first = |c: Value| c["first_membership_timestamp"].clone();
    // Midnight in Denver: 06:00 UTC in summer time, 07:00 in winter.
    assert_eq!(first(api.customer_by_email("loyal@x.io").await), json!("2023-05-01T06:00:00.000000Z"));
    assert_eq!(first(api.customer_by_email("former@x.io").await), json!("2024-07-15T06:00:00.000000Z"));
    assert_eq!(first(api.customer_by_email("winter@x.io").await), json!("2022-01-01T07:00:00.000000Z"));
    assert_eq!(first(api.customer_by_email("never@x.io").await), Value::Null);
    assert_eq!(first(api.customer_by_email("payer@x.io").await), Value::Null, "owning is not being a member");
    assert_eq!(first(api.customer_by_email("soon@x.io").await), Value::Null, "not a member yet");
}

#[tokio::test]
async fn available_entry_passes_count_uses_left_on_unexpired_passes() {
    let (_server, api) = start(json!({
        "customers": [
            with(person(1, "punch@x.io"), json!({"entry_passes": [
                {"name": "10-Punch", "uses_total": 10, "uses_remaining": 3},
                {"name": "5-Punch", "uses_total": 5, "uses_remaining": 2, "expiration_date": "2026-03-10"},
                {"name": "Old 5-Punch", "uses_total": 5, "uses_remaining": 4, "expiration_date": "2026-03-09"},
                {"name": "Used up", "uses_total": 5, "uses_remaining": 0},
                {"name": "Day pass", "uses_total": 1, "uses_remaining": 1, "expiration_date": "2027-01-01"},
            ]})),
            person(2, "none@x.io"),
            with(person(3, "expired@x.io"), json!({"entry_passes": [
                {"name": "Old", "uses_total": 5, "uses_remaining": 5, "expiration_date": "2025-01-01"},
            ]})),
        ],
    }))
    .await;
    let passes = |c: Value| c["number_of_available_entry_passes"].clone();
    assert_eq!(passes(api.customer_by_email("punch@x.io").await), json!(6));
    assert_eq!(passes(api.customer_by_email("none@x.io").await), json!(0));
    assert_eq!(passes(api.customer_by_email("expired@x.io").await), json!(0));
}

#[tokio::test]
async fn waiver_fields_follow_the_active_waivers() {
    let waiver = |expiration: Value| json!({"name": "Waiver", "expiration_date": expiration});
    let (_server, api) = start(json!({
        "customers": [
            person(1, "none@x.io"),
            with(person(2, "one@x.io"), json!({"documents": [waiver(json!("2027-01-01"))]})),
            with(person(3, "several@x.io"), json!({"documents": [
                waiver(json!("2027-01-01")), waiver(json!("2028-05-05")), waiver(json!("2025-01-01")),
            ]})),
            with(person(4, "forever@x.io"), json!({"documents": [waiver(json!("2027-01-01")), waiver(Value::Null)]})),
            with(person(5, "expired@x.io"), json!({"documents": [waiver(json!("2026-03-09"))]})),
            with(person(6, "today@x.io"), json!({"documents": [waiver(json!("2026-03-10"))]})),
            with(person(7, "revoked@x.io"), json!({"documents": [
                {"name": "Waiver", "expiration_date": "2027-01-01", "status": "REV"},
            ]})),
        ],
    }))
    .await;
    for (email, exists, latest) in [
        ("none@x.io", false, Value::Null),
        ("one@x.io", true, json!("2027-01-01")),
        ("several@x.io", true, json!("2028-05-05")),
        ("forever@x.io", true, Value::Null),
        ("expired@x.io", false, Value::Null),
        ("today@x.io", true, json!("2026-03-10")),
        ("revoked@x.io", false, Value::Null),
    ] {
        let c = api.customer_by_email(email).await;
        assert_eq!(c["active_waiver_exists"], json!(exists), "{email}");
        assert_eq!(c["latest_waiver_expiration_date"], latest, "{email}");
    }
}

#[tokio::test]
async fn check_in_count_and_first_and_latest_check_ins() {
    let (_server, api) = start(json!({
        "locations": [{"id": 1, "name": "Boulder"}, {"id": 2, "name": "Golden", "time_zone": "America/Denver"}],
        "customers": [
            with(person(1, "regular@x.io"), json!({"check_ins": [
                {"location_id": 1, "checked_in_at": "2026-02-01T18:30:00.123456Z"},
                {"location_id": 2, "checked_in_at": "2025-12-24T09:00:00-07:00"},
                {"location_id": 1, "checked_in_at": "2026-03-09T23:59:59Z", "entry_method": "ENT"},
            ]})),
            person(2, "never@x.io"),
        ],
    }))
    .await;
    let regular = api.customer_by_email("regular@x.io").await;
    assert_eq!(regular["check_in_count"], json!(3));
    assert_eq!(regular["first_check_in_timestamp"], json!("2025-12-24T16:00:00.000000Z"));
    assert_eq!(regular["latest_check_in_timestamp"], json!("2026-03-09T23:59:59.000000Z"));
    let never = api.customer_by_email("never@x.io").await;
    assert_eq!(never["check_in_count"], json!(0));
    assert_eq!(never["first_check_in_timestamp"], Value::Null);
    assert_eq!(never["latest_check_in_timestamp"], Value::Null);
}

#[tokio::test]
async fn tags_proficiencies_custom_fields_medical_notes_and_home_location() {
    let (server, api) = start(json!({
        "locations": [{"id": 7, "name": "Upstairs"}],
        "custom_fields": [{"id": 1, "name": "Shoe size"}, {"id": 2, "name": "Belay card"}, {"id": 3, "name": "School"}],
        "proficiencies": [{"id": 1, "name": "Top rope"}, {"id": 2, "name": "Lead"}, {"id": 3, "name": "Auto belay"}],
        "customers": [
            with(person(1, "full@x.io"), json!({
                "home_location_id": 7,
                "tags": ["VIP", "Route Setter"],
                "custom_field_values": [{"field_id": 2, "value": "B-77"}, {"field_id": 1, "value": "42"}],
                "proficiencies": [{"proficiency_id": 1}, {"proficiency_id": 2}, {"proficiency_id": 3, "is_active": false}],
                "medical_notes": [{"medical_notes": "Asthma"}],
                "created_at": "2025-07-01T10:00:00-06:00",
                "updated_at": "2025-08-01T10:00:00.5Z",
            })),
            person(2, "bare@x.io"),
        ],
    }))
    .await;
    let full = api.customer_by_email("full@x.io").await;
    let mut tags: Vec<&str> = full["tags"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    tags.sort_unstable();
    assert_eq!(tags, ["Route Setter", "VIP"]);
    let mut proficiencies: Vec<&str> =
        full["active_proficiency_names"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    proficiencies.sort_unstable();
    assert_eq!(proficiencies, ["Lead", "Top rope"], "the inactive one is left out");
    let values: Vec<(String, String)> = full["custom_field_values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            assert!(v["field_id"].is_i64(), "{v}");
            (v["field_name"].as_str().unwrap().to_string(), v["value"].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(
        values,
        [("Shoe size".into(), "42".into()), ("Belay card".into(), "B-77".into()), ("School".into(), String::new())]
    );
    assert_eq!(full["has_medical_notes"], json!(true));
    let home = full["home_location_id"].as_i64().unwrap();
    assert_eq!(full["home_location_url"], json!(format!("{}/api/gyms/{home}/", server.base)));
    assert_eq!(full["home_location_name"], json!("Upstairs"));
    assert_eq!(api.ok(&format!("/api/gyms/{home}/")).await["name"], json!("Upstairs"));
    assert_eq!(full["created_at"], json!("2025-07-01T16:00:00.000000Z"));
    assert_eq!(full["updated_at"], json!("2025-08-01T10:00:00.500000Z"));

    let bare = api.customer_by_email("bare@x.io").await;
    assert_eq!(bare["tags"], json!([]));
    assert_eq!(bare["active_proficiency_names"], json!([]));
    assert_eq!(bare["custom_field_values"].as_array().unwrap().len(), 3, "every org field, even without a value");
    assert!(bare["custom_field_values"].as_array().unwrap().iter().all(|v| v["value"] == json!("")));
    assert_eq!(bare["has_medical_notes"], json!(false));
    assert_eq!(bare["home_location_url"], Value::Null);
    // Imported without timestamps: created now (the server's clock), and not updated since.
    assert_eq!(bare["created_at"], json!("2026-03-10T17:00:00.000000Z"));
    assert_eq!(bare["updated_at"], bare["created_at"]);
}

#[tokio::test]
async fn every_datetime_of_a_page_has_the_same_utc_form() {
    let (_server, api) = start(json!({
        "locations": [{"id": 1, "name": "Boulder"}],
        "membership_types": [{"id": 1, "name": "Monthly"}],
        "customers": [
            with(person(1, "a@x.io"), json!({"created_at": "2025-07-01T10:00:00+02:00",
                "check_ins": [{"location_id": 1, "checked_in_at": "2025-12-24T09:00:00-07:00"}]})),
            with(person(2, "b@x.io"), json!({"created_at": "2025-12-01T10:00:00-07:00"})),
        ],
        "memberships": [{"membership_type_id": 1, "owner_id": 1, "start_date": "2025-06-01"}],
    }))
    .await;
    for c in api.all("/api/customers/").await {
        for field in [
            "created_at",
            "updated_at",
            "first_check_in_timestamp",
            "latest_check_in_timestamp",
            "first_membership_timestamp",
        ] {
            if let Some(s) = c[field].as_str() {
                assert!(s.ends_with('Z') && s.len() == 27 && s.as_bytes()[19] == b'.', "{field}: {s}");
            }
        }
    }
}

#[tokio::test]
async fn date_dependent_flags_flip_when_the_servers_date_moves() {
    // 23:30 on 10 March in Denver, 05:30 on 11 March in UTC.
    let mut server = TestServer::start_with_clock(fixed_clock("2026-03-11T05:30:00Z")).await;
    server
        .import(json!({
            // A season pass is not recurring: it ends on its end date. (A
            // recurring membership renews there instead: tests/api/terms.rs.)
            "membership_types": [{"id": 1, "name": "Monthly"}, {"id": 2, "name": "Winter Season", "purchase_type": "PRE"}],
            "customers": [
                with(person(1, "starts@x.io"), json!({"documents": [{"name": "Waiver", "expiration_date": "2026-03-10"}]})),
                with(person(2, "ends@x.io"), json!({"entry_passes": [
                    {"name": "Punch", "uses_total": 5, "uses_remaining": 2, "expiration_date": "2026-03-10"},
                ]})),
                person(3, "steady@x.io"),
            ],
            "memberships": [
                {"membership_type_id": 1, "owner_id": 1, "start_date": "2026-03-11"},
                {"membership_type_id": 2, "owner_id": 2, "start_date": "2026-01-01", "end_date": "2026-03-10"},
                {"membership_type_id": 1, "owner_id": 3, "start_date": "2026-01-01"},
            ],
        }))
        .await;

    // Still 10 March in the org's time zone, though 11 March in UTC.
    let api = server.api().await;
    assert_eq!(membership_flags(&api, "starts@x.io").await, [false, false, false, true, false]);
    assert_eq!(membership_flags(&api, "ends@x.io").await, ACTIVE_ADULT);
    let starts = api.customer_by_email("starts@x.io").await;
    assert_eq!(
        (starts["active_waiver_exists"].clone(), starts["latest_waiver_expiration_date"].clone()),
        (json!(true), json!("2026-03-10"))
    );
    assert_eq!(starts["first_membership_timestamp"], Value::Null);
    assert_eq!(api.customer_by_email("ends@x.io").await["number_of_available_entry_passes"], json!(2));
    assert_eq!(api.ok("/api/customers/?has_active_membership=true").await["count"], json!(2));

    // Past midnight in Denver: 11 March.
    server.restart_with_clock(fixed_clock("2026-03-11T06:30:00Z")).await;
    let api = server.api().await;
    assert_eq!(membership_flags(&api, "starts@x.io").await, ACTIVE_ADULT, "the membership has started");
    assert_eq!(membership_flags(&api, "ends@x.io").await, NONE, "the membership has ended");
    assert_eq!(membership_flags(&api, "steady@x.io").await, ACTIVE_ADULT);
    let starts = api.customer_by_email("starts@x.io").await;
    assert_eq!(
        (starts["active_waiver_exists"].clone(), starts["latest_waiver_expiration_date"].clone()),
        (json!(false), Value::Null)
    );
    assert_eq!(starts["first_membership_timestamp"], json!("2026-03-11T06:00:00.000000Z"));
    assert_eq!(api.customer_by_email("ends@x.io").await["number_of_available_entry_passes"], json!(0));
    let active = api.emails("/api/customers/?has_active_membership=true").await;
    assert_eq!(active, ["starts@x.io", "steady@x.io"]);
    assert_eq!(api.emails("/api/customers/?has_membership_with_future_start=true").await, Vec::<String>::new());

    // A clock set back recomputes everything for the earlier day.
    server.restart_with_clock(fixed_clock("2026-03-10T17:00:00Z")).await;
    let api = server.api().await;
    assert_eq!(membership_flags(&api, "starts@x.io").await, [false, false, false, true, false]);
    assert_eq!(membership_flags(&api, "ends@x.io").await, ACTIVE_ADULT);
    assert_eq!(api.customer_by_email("starts@x.io").await["active_waiver_exists"], json!(true));
}
