//! Barcode check-in over HTTP: Capitan's rules as a table of cases, then
//! what the table cannot show (concurrent scans, idempotent retries, voiding,
//! same-day combining, milestones, where a check-in happens, door hardware).

use frontdesk::storage::Clock;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Api, LOCATION, ORG, PASSWORD, TestServer, read};

/// "Now" for these tests: noon in Denver (MDT) on Tuesday 10 March 2026.
pub const NOW: &str = "2026-03-10T18:00:00Z";
const NO_WAIVER: &str = "The following alert is preventing you from checking in: No waiver.";
pub const NO_ENTRY: &str = "You do not have an available entry method. Please ensure you have an active membership, entry pass, or event booking.";
const UNKNOWN: &str = "Unknown or deactivated customer account.";

pub async fn start() -> TestServer {
    TestServer::start_with_clock(Clock::Fixed(NOW.parse().unwrap())).await
}

/// An import customer with a barcode, a never-expiring waiver unless
/// `extra` says otherwise, and `extra`'s keys.
pub fn person(id: i64, barcode: &str, extra: Value) -> Value {
    let mut c = json!({
        "id": id,
        "email": format!("{}@example.com", barcode.to_lowercase()),
        "first_name": "Case",
        "last_name": barcode,
        "birthday": "1990-05-17",
        "barcode": barcode,
        "documents": [{"name": "Waiver", "expiration_date": null}],
    });
    for (k, v) in extra.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

pub fn scan_path(barcode: &str) -> String {
    format!("/api/gym-endpoints/barcode-check-in/{barcode}/")
}

pub async fn scan(api: &Api, barcode: &str) -> (StatusCode, Value) {
    api.post(&scan_path(barcode), json!({})).await
}

async fn scan_at(api: &Api, barcode: &str, location_id: i64) -> (StatusCode, Value) {
    api.post(&scan_path(barcode), json!({"location_id": location_id})).await
}

/// A scan with an `Idempotency-Key`; also says whether it was a replay.
async fn scan_with_key(api: &Api, barcode: &str, key: &str) -> (StatusCode, Value, bool) {
    let resp = api.request(Method::POST, &scan_path(barcode)).header("Idempotency-Key", key).send().await.unwrap();
    let replayed = resp.headers().get("idempotent-replayed").is_some_and(|v| v == "true");
    let (status, body) = read(resp).await;
    (status, body, replayed)
}

pub async fn location_id(api: &Api, name: &str) -> i64 {
    let gyms = api.all("/api/gyms/").await;
    gyms.iter().find(|g| g["name"] == name).unwrap_or_else(|| panic!("no location {name}"))["id"].as_i64().unwrap()
}

async fn customer(api: &Api, id: &Value) -> Value {
    api.ok(&format!("/api/customers/{id}/")).await
}

/// What a case expects of its scan.
enum Expect {
    In(&'static str, &'static str),
    Refused(StatusCode, &'static str),
}

/// The rules table. Locations: "Main" (the staff user's) and "Annex".
#[tokio::test]
async fn scans_follow_capitans_rules_case_by_case() {
    let server = start().await;
    let no_waiver = json!({"documents": []});
    let with_pass = |uses: i64, remaining: i64| json!({"entry_passes": [{"name": "10-Punch Pass", "uses_total": uses, "uses_remaining": remaining}]});
    server
        .import(json!({
            "locations": [{"id": 1, "name": "Annex"}],
            "event_types": [{"id": 1, "name": "Intro to Bouldering"}],
            "associations": [{"id": 1, "name": "Alpine Club"}],
            "membership_types": [
                {"id": 1, "name": "Monthly Membership"},
                {"id": 2, "name": "Family Membership", "is_group": true},
                {"id": 3, "name": "Annex Only", "location_id": 1},
            ],
            "customers": [
                person(1, "WAIVER-MISSING", no_waiver.clone()),
                person(2, "WAIVER-EXPIRED", json!({"documents": [{"name": "Waiver", "expiration_date": "2026-03-09"}]})),
                person(3, "WAIVER-LAST-DAY", json!({"documents": [{"name": "Waiver", "expiration_date": "2026-03-10"}]})),
                person(4, "WAIVER-FOREVER", json!({})),
                person(5, "WAIVER-REVOKED", json!({"documents": [{"name": "Waiver", "status": "REV"}]})),
                person(6, "MEM-FROZEN", json!({})),
                person(7, "MEM-FUTURE", json!({})),
                person(8, "MEM-ENDED", json!({})),
                person(9, "MEM-PAST-END", json!({})),
                person(10, "GROUP-OWNER", json!({})),
                person(11, "GROUP-MEMBER", json!({})),
                person(12, "GROUP-FROZEN-MEMBER", json!({})),
                person(13, "ANNEX-MEMBER", json!({})),
                person(14, "PASS-ONE", with_pass(10, 1)),
                person(15, "PASS-EMPTY", with_pass(10, 0)),
                person(16, "PASS-EXPIRED", json!({"entry_passes": [{"name": "Old Pass", "uses_total": 5, "uses_remaining": 5, "expiration_date": "2026-03-09"}]})),
                person(17, "PASS-ASSOCIATION", json!({"entry_passes": [
                    {"name": "10-Punch Pass", "uses_total": 10, "uses_remaining": 5},
                    {"name": "Club Pass", "uses_total": 3, "uses_remaining": 3, "association_id": 1},
                ]})),
                person(18, "MEM-AND-PASS", with_pass(10, 4)),
                person(19, "EVENT-TODAY", json!({"reservations": [{"event_type_id": 1, "starts_at": "2026-03-11T00:00:00Z"}]})),
                person(20, "EVENT-CANCELLED", json!({"reservations": [{"event_type_id": 1, "starts_at": "2026-03-11T00:00:00Z", "status": "CAN"}]})),
                person(21, "EVENT-TOMORROW", json!({"reservations": [{"event_type_id": 1, "starts_at": "2026-03-11T18:00:00Z"}]})),
                person(22, "EVENT-AT-ANNEX", json!({"reservations": [{"event_type_id": 1, "starts_at": "2026-03-10T20:00:00Z", "location_id": 1}]})),
                person(23, "EVENT-AND-PASS", json!({
                    "reservations": [{"event_type_id": 1, "starts_at": "2026-03-10T16:30:00Z"}],
                    "entry_passes": [{"name": "10-Punch Pass", "uses_total": 10, "uses_remaining": 4}],
                })),
                person(24, "ALERT-BLOCKING", json!({"documents": [], "alerts": [{"message": "Banned until June.", "prevents_check_in": true}]})),
                person(25, "ALERT-HARMLESS", json!({"alerts": [{"message": "Ask about the comp team", "prevents_check_in": false}]})),
                person(26, "DEACTIVATED", json!({"is_active": false, "documents": []})),
                person(27, "NOTHING", json!({})),
                person(28, "ALERT-NO-ENTRY", json!({"alerts": [{"message": "Unpaid balance", "prevents_check_in": true}]})),
            ],
            "memberships": [
                {"membership_type_id": 1, "owner_id": 1, "start_date": "2026-01-01"},
                {"membership_type_id": 1, "owner_id": 2, "start_date": "2026-01-01"},
                {"membership_type_id": 1, "owner_id": 3, "start_date": "2026-01-01"},
                {"membership_type_id": 1, "owner_id": 4, "start_date": "2026-01-01"},
                {"membership_type_id": 1, "owner_id": 5, "start_date": "2026-01-01"},
                {"membership_type_id": 1, "owner_id": 6, "status": "FRZ", "start_date": "2026-01-01"},
                {"membership_type_id": 1, "owner_id": 7, "status": "FUT", "start_date": "2026-04-01"},
                {"membership_type_id": 1, "owner_id": 8, "status": "END", "start_date": "2025-01-01", "end_date": "2026-02-28"},
                {"membership_type_id": 1, "owner_id": 9, "start_date": "2025-01-01", "end_date": "2026-03-09"},
                {"membership_type_id": 2, "owner_id": 10, "start_date": "2026-01-01", "members": [
                    {"customer_id": 10}, {"customer_id": 11}, {"customer_id": 12, "is_individually_frozen": true},
                ]},
                {"membership_type_id": 3, "owner_id": 13, "start_date": "2026-01-01"},
                {"membership_type_id": 1, "owner_id": 18, "start_date": "2026-01-01"},
                {"membership_type_id": 1, "owner_id": 25, "start_date": "2026-01-01"},
                {"membership_type_id": 1, "owner_id": 28, "status": "CAN", "start_date": "2026-01-01"},
            ],
        }))
        .await;
    let api = server.api().await;
    let annex = location_id(&api, "Annex").await;
    use Expect::*;
    let bad = StatusCode::BAD_REQUEST;
    let cases: Vec<(&str, &str, Option<i64>, Expect)> = vec![
        ("a missing waiver is the alert No waiver", "WAIVER-MISSING", None, Refused(bad, NO_WAIVER)),
        ("an expired waiver is the alert No waiver", "WAIVER-EXPIRED", None, Refused(bad, NO_WAIVER)),
        ("a waiver is good through its expiry date", "WAIVER-LAST-DAY", None, In("MEM", "Monthly Membership")),
        ("a never-expiring waiver is good", "WAIVER-FOREVER", None, In("MEM", "Monthly Membership")),
        ("a revoked waiver is no waiver", "WAIVER-REVOKED", None, Refused(bad, NO_WAIVER)),
        ("a frozen membership is no entry method", "MEM-FROZEN", None, Refused(bad, NO_ENTRY)),
        ("a membership starting later is no entry method", "MEM-FUTURE", None, Refused(bad, NO_ENTRY)),
        ("an ended membership is no entry method", "MEM-ENDED", None, Refused(bad, NO_ENTRY)),
        ("a membership past its end date is no entry method", "MEM-PAST-END", None, Refused(bad, NO_ENTRY)),
        ("a group membership lets its owner in", "GROUP-OWNER", None, In("MEM", "Family Membership")),
        ("a group membership lets its members in", "GROUP-MEMBER", None, In("MEM", "Family Membership")),
        ("a member frozen individually is not let in", "GROUP-FROZEN-MEMBER", None, Refused(bad, NO_ENTRY)),
        ("a membership for another location does not count here", "ANNEX-MEMBER", None, Refused(bad, NO_ENTRY)),
        ("a membership counts at its own location", "ANNEX-MEMBER", Some(annex), In("MEM", "Annex Only")),
        ("a pass with one use lets in and shows none left", "PASS-ONE", None, In("ENT", "10-Punch Pass (0 remaining)")),
        ("a pass with no uses left is no entry method", "PASS-ONE", None, Refused(bad, NO_ENTRY)),
        ("a pass imported with no uses is no entry method", "PASS-EMPTY", None, Refused(bad, NO_ENTRY)),
        ("an expired pass is no entry method", "PASS-EXPIRED", None, Refused(bad, NO_ENTRY)),
        (
            "an association pass is used before a personal one",
            "PASS-ASSOCIATION",
            None,
            In("ENT", "Club Pass (2 remaining)"),
        ),
        ("a membership is used before a pass", "MEM-AND-PASS", None, In("MEM", "Monthly Membership")),
        ("a reservation today lets in", "EVENT-TODAY", None, In("EVE", "Intro to Bouldering at 18:00")),
        ("a cancelled reservation does not", "EVENT-CANCELLED", None, Refused(bad, NO_ENTRY)),
        ("a reservation tomorrow does not", "EVENT-TOMORROW", None, Refused(bad, NO_ENTRY)),
        ("a reservation at another location does not", "EVENT-AT-ANNEX", None, Refused(bad, NO_ENTRY)),
        (
            "a reservation counts at its own location",
            "EVENT-AT-ANNEX",
            Some(annex),
            In("EVE", "Intro to Bouldering at 14:00"),
        ),
        ("an event is used before a pass", "EVENT-AND-PASS", None, In("EVE", "Intro to Bouldering at 10:30")),
        (
            "a blocking alert refuses with its own text, before the waiver",
            "ALERT-BLOCKING",
            None,
            Refused(bad, "The following alert is preventing you from checking in: Banned until June."),
        ),
        ("an alert that does not block lets in", "ALERT-HARMLESS", None, In("MEM", "Monthly Membership")),
        (
            "a blocking alert is named before a missing entry method",
            "ALERT-NO-ENTRY",
            None,
            Refused(bad, "The following alert is preventing you from checking in: Unpaid balance."),
        ),
        (
            "a deactivated account is unknown, before its missing waiver",
            "DEACTIVATED",
            None,
            Refused(StatusCode::NOT_FOUND, UNKNOWN),
        ),
        ("an unknown barcode is unknown", "NO-SUCH-CARD", None, Refused(StatusCode::NOT_FOUND, UNKNOWN)),
        ("a waiver alone is no entry method", "NOTHING", None, Refused(bad, NO_ENTRY)),
    ];
    let mut failures = Vec::new();
    for (name, barcode, location, expect) in cases {
        let (status, body) = match location {
            Some(l) => scan_at(&api, barcode, l).await,
            None => scan(&api, barcode).await,
        };
        let ok = match &expect {
            In(method, description) => {
                status == StatusCode::OK
                    && body["entry_method"] == *method
                    && body["entry_method_description"] == *description
            }
            Refused(want, text) => status == *want && body == json!(text),
        };
        if !ok {
            failures.push(format!("{name} ({barcode}): got {status} {body}"));
        }
    }
    assert!(failures.is_empty(), "failed cases:\n{}", failures.join("\n"));
}

#[tokio::test]
async fn a_successful_scan_answers_every_field_and_moves_the_customers_check_in_fields() {
    let server = start().await;
    server
        .import(json!({"customers": [person(1, "ANN-1", json!({
            "first_name": "Ann", "last_name": "Lee",
            "entry_passes": [{"name": "10-Punch Pass", "uses_total": 10, "uses_remaining": 4}],
        }))]}))
        .await;
    let api = server.api().await;
    let (status, body) = scan(&api, "ANN-1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for field in [
        "id",
        "customer_id",
        "customer_first_name",
        "customer_last_name",
        "customer_email",
        "entry_method",
        "entry_method_description",
        "milestones",
        "check_in_count",
        "has_any_automatic_check_ins",
    ] {
        assert!(body.get(field).is_some(), "missing {field}: {body}");
    }
    assert_eq!(body["customer_first_name"], "Ann");
    assert_eq!(body["customer_email"], "ann-1@example.com");
    assert_eq!(body["entry_method_description"], "10-Punch Pass (3 remaining)");
    assert_eq!(body["check_in_count"], 1);
    assert_eq!(body["milestones"], "1st check-in!");
    assert_eq!(body["has_any_automatic_check_ins"], false);
    assert_eq!(body["location_id"], server.location_id);
    assert_eq!(body["check_in_datetime"], "2026-03-10T12:00:00");
    assert_eq!(body["combined"], false);

    let c = customer(&api, &body["customer_id"]).await;
    assert_eq!(c["check_in_count"], 1);
    assert_eq!(c["first_check_in_timestamp"], "2026-03-10T18:00:00.000000Z");
    assert_eq!(c["latest_check_in_timestamp"], "2026-03-10T18:00:00.000000Z");
    assert_eq!(c["number_of_available_entry_passes"], 3);

    let record = api.ok(body["url"].as_str().unwrap()).await;
    assert_eq!(record["id"], body["id"]);
    assert_eq!(record["entry_method"], "ENT");
    assert_eq!(record["free_entry_reason"], Value::Null);
    assert_eq!(record["check_in_count"], 1);
}

#[tokio::test]
async fn two_simultaneous_scans_of_a_one_use_pass_let_exactly_one_in() {
    let server = start().await;
    server
        .import(json!({"customers": [person(1, "ONE-USE", json!({
            "entry_passes": [{"name": "Day Pass", "uses_total": 1, "uses_remaining": 1}],
        }))]}))
        .await;
    let api = server.api().await;
    let scans: Vec<_> = (0..8)
        .map(|_| {
            let api = api.clone();
            tokio::spawn(async move { scan(&api, "ONE-USE").await })
        })
        .collect();
    let mut admitted = 0;
    for s in scans {
        let (status, body) = s.await.unwrap();
        match status {
            StatusCode::OK => admitted += 1,
            StatusCode::BAD_REQUEST => assert_eq!(body, json!(NO_ENTRY)),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(admitted, 1);
    let list = api.ok("/api/check-ins/").await;
    assert_eq!(list["count"], 1);
    assert_eq!(list["results"][0]["entry_method_description"], "Day Pass (0 remaining)");
}

#[tokio::test]
async fn a_retried_scan_with_the_same_idempotency_key_is_applied_once() {
    let server = start().await;
    server
        .import(json!({"customers": [
            person(1, "RETRY", json!({"entry_passes": [{"name": "10-Punch Pass", "uses_total": 10, "uses_remaining": 5}]})),
            person(2, "OTHER", json!({"entry_passes": [{"name": "10-Punch Pass", "uses_total": 10, "uses_remaining": 5}]})),
            person(3, "NO-WAIVER", json!({"documents": []})),
        ]}))
        .await;
    let api = server.api().await;
    let (status, first, replayed) = scan_with_key(&api, "RETRY", "scan-0001").await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert!(!replayed);
    let (status, again, replayed) = scan_with_key(&api, "RETRY", "scan-0001").await;
    assert_eq!(status, StatusCode::OK);
    assert!(replayed, "a retry is marked as replayed");
    assert_eq!(again, first, "the retry answers the first answer");
    let c = customer(&api, &first["customer_id"]).await;
    assert_eq!(c["check_in_count"], 1);
    assert_eq!(c["number_of_available_entry_passes"], 4, "one use debited, not two");

    // The same key for another scan is a mistake, said plainly; nothing happens.
    let (status, body, _) = scan_with_key(&api, "OTHER", "scan-0001").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.as_str().unwrap().contains("already used for a different check-in"), "{body}");
    let list = api.ok("/api/check-ins/").await;
    assert_eq!(list["count"], 1);

    // A new key is a new scan.
    let (status, second, replayed) = scan_with_key(&api, "RETRY", "scan-0002").await;
    assert_eq!((status, replayed), (StatusCode::OK, false));
    assert_eq!(second["check_in_count"], 2);

    // A refusal is remembered too.
    let (status, refused, _) = scan_with_key(&api, "NO-WAIVER", "scan-0003").await;
    assert_eq!((status, refused.clone()), (StatusCode::BAD_REQUEST, json!(NO_WAIVER)));
    let (status, again, replayed) = scan_with_key(&api, "NO-WAIVER", "scan-0003").await;
    assert_eq!((status, again, replayed), (StatusCode::BAD_REQUEST, refused, true));

    // Keys belong to an organization: another one may use the same key.
    let other = server.other_org("Other Gym").await;
    let (status, body, replayed) = scan_with_key(&other, "RETRY", "scan-0001").await;
    assert_eq!((status, replayed), (StatusCode::NOT_FOUND, false), "{body}");

    let resp = api.request(Method::POST, &scan_path("RETRY")).header("Idempotency-Key", "").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn voiding_todays_check_in_rolls_everything_back() {
    let server = start().await;
    server
        .import(json!({"customers": [person(1, "VOID-ME", json!({
            "entry_passes": [{"name": "10-Punch Pass", "uses_total": 10, "uses_remaining": 3}],
            "check_ins": [{"location_id": 1, "checked_in_at": "2026-03-01T17:00:00Z", "entry_method": "ENT"}],
        }))], "locations": [{"id": 1, "name": "Annex"}]}))
        .await;
    let api = server.api().await;
    let (status, body) = scan(&api, "VOID-ME").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["entry_method_description"], "10-Punch Pass (2 remaining)");
    assert_eq!(body["check_in_count"], 2);
    let url = body["url"].as_str().unwrap().to_string();

    let (status, _) = api.delete(&url).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = api.get(&url).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a voided check-in's URL is gone");
    let list = api.all("/api/check-ins/").await;
    assert!(list.iter().all(|k| k["id"] != body["id"]), "a voided check-in is no longer listed");
    let c = customer(&api, &body["customer_id"]).await;
    assert_eq!(c["check_in_count"], 1);
    assert_eq!(c["latest_check_in_timestamp"], "2026-03-01T17:00:00.000000Z");
    assert_eq!(c["number_of_available_entry_passes"], 3, "the pass use is given back");
    let (status, _) = api.delete(&url).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "voiding twice finds nothing");

    // The next scan takes the use that was given back.
    let (_, again) = scan(&api, "VOID-ME").await;
    assert_eq!(again["entry_method_description"], "10-Punch Pass (2 remaining)");

    // The activity log keeps all three, newest first.
    let log = api.all(&format!("/api/customers/{}/activity-log/", body["customer_id"])).await;
    let actions: Vec<&str> = log.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["check_in", "void_check_in", "check_in"]);
    assert_eq!(log[1]["entity_id"], body["id"]);
    assert_eq!(log[1]["changes"]["entry_pass_uses_remaining"], json!({"from": 2, "to": 3}));
    assert_eq!(log[1]["changes"]["check_in_datetime"]["from"], "2026-03-10T12:00:00");
}

#[tokio::test]
async fn only_a_check_in_of_the_same_local_day_can_be_voided() {
    let server = start().await;
    server
        .import(json!({
            "locations": [{"id": 1, "name": "Annex"}],
            // 23:00 on the 9th in Denver, though the 10th in UTC.
            "customers": [person(1, "LATE", json!({"check_ins": [{"location_id": 1, "checked_in_at": "2026-03-10T05:00:00Z"}]}))],
        }))
        .await;
    let api = server.api().await;
    let list = api.ok("/api/check-ins/").await;
    let url = list["results"][0]["url"].as_str().unwrap().to_string();
    assert_eq!(list["results"][0]["check_in_datetime"], "2026-03-09T23:00:00");
    let (status, body) = api.delete(&url).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["detail"],
        "Only a check-in made today can be voided: this one was made on 2026-03-09, and today is 2026-03-10 at Annex."
    );
    assert_eq!(api.ok("/api/check-ins/").await["count"], 1, "nothing was voided");
}

#[tokio::test]
async fn a_location_that_combines_same_day_check_ins_answers_a_second_scan_with_the_first() {
    let server = start().await;
    server
        .import(json!({
            "locations": [{"id": 1, "name": "Annex", "combine_same_day_check_ins": true}],
            "customers": [person(1, "TWICE", json!({
                "entry_passes": [{"name": "Day Pass", "uses_total": 1, "uses_remaining": 1}],
                "check_ins": [{"location_id": 1, "checked_in_at": "2026-03-09T18:00:00Z", "entry_method": "ENT"}],
            }))],
        }))
        .await;
    let api = server.api().await;
    let annex = location_id(&api, "Annex").await;
    let (status, first) = scan_at(&api, "TWICE", annex).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["combined"], false, "yesterday's check-in is not today's");
    assert_eq!(first["check_in_count"], 2);
    let (status, second) = scan_at(&api, "TWICE", annex).await;
    assert_eq!(status, StatusCode::OK, "the used-up pass is not needed again: {second}");
    assert_eq!(second["id"], first["id"]);
    assert_eq!(second["combined"], true);
    assert_eq!(second["check_in_count"], 2);
    assert_eq!(second["entry_method_description"], "Day Pass (0 remaining)");
    assert_eq!(api.ok("/api/check-ins/").await["count"], 2);
    // Main does not combine: the pass is spent.
    let (status, body) = scan(&api, "TWICE").await;
    assert_eq!((status, body), (StatusCode::BAD_REQUEST, json!(NO_ENTRY)));
}

#[tokio::test]
async fn milestones_mark_the_first_every_hundredth_and_birthdays() {
    let server = start().await;
    let history: Vec<Value> = (0..99)
        .map(|i| json!({"location_id": 1, "checked_in_at": format!("2025-{:02}-{:02}T18:00:00Z", 1 + i / 28, 1 + i % 28)}))
        .collect();
    server
        .import(json!({
            "locations": [{"id": 1, "name": "Annex"}],
            "membership_types": [{"id": 1, "name": "Monthly Membership"}],
            "customers": [
                person(1, "REGULAR", json!({"check_ins": history})),
                person(2, "NEWCOMER", json!({"birthday": "2000-03-10"})),
            ],
            "memberships": [
                {"membership_type_id": 1, "owner_id": 1, "start_date": "2025-01-01"},
                {"membership_type_id": 1, "owner_id": 2, "start_date": "2025-01-01"},
            ],
        }))
        .await;
    let api = server.api().await;
    let (_, body) = scan(&api, "REGULAR").await;
    assert_eq!(body["check_in_count"], 100);
    assert_eq!(body["milestones"], "100th check-in!");
    let (_, body) = scan(&api, "REGULAR").await;
    assert_eq!(body["milestones"], "");
    let (_, body) = scan(&api, "NEWCOMER").await;
    assert_eq!(body["milestones"], "1st check-in!\nHappy birthday!");
}

#[tokio::test]
async fn the_location_is_the_bodys_else_the_staff_users_else_the_only_one() {
    let server = start().await;
    server
        .import(json!({
            "locations": [{"id": 1, "name": "Annex"}],
            "membership_types": [{"id": 1, "name": "Monthly Membership"}],
            "customers": [person(1, "WHERE", json!({}))],
            "memberships": [{"membership_type_id": 1, "owner_id": 1, "start_date": "2026-01-01"}],
        }))
        .await;
    frontdesk::admin::create_user(&server.db, ORG, "roamer", PASSWORD, None).await.unwrap();
    let api = server.api().await;
    let annex = location_id(&api, "Annex").await;
    let (_, body) = scan(&api, "WHERE").await;
    assert_eq!(
        (body["location_id"].as_i64(), body["location_name"].as_str()),
        (Some(server.location_id), Some(LOCATION))
    );
    let (_, body) = scan_at(&api, "WHERE", annex).await;
    assert_eq!(body["location_name"], "Annex");

    let other = server.other_org("Other Gym").await;
    let elsewhere = location_id(&other, "Elsewhere").await;
    let (status, body) = scan_at(&api, "WHERE", elsewhere).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, json!(format!("location_id {elsewhere} is not one of {ORG}'s locations.")));
    let (status, body) = api.post(&scan_path("WHERE"), json!({"location_id": "Annex"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.as_str().unwrap().contains("location_id must be a location's id"), "{body}");

    // A staff user without a location, in an organization with two: say where.
    let roamer = server.login("roamer", PASSWORD).await;
    let (status, body) = scan(&roamer, "WHERE").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.as_str().unwrap().contains("send {\"location_id\": N}"), "{body}");
    assert_eq!(api.all("/api/check-ins/").await.len(), 2, "refusals write nothing");

    // ... and in an organization with one location, that one.
    let mut conn = server.db.acquire().await.unwrap();
    let org = frontdesk::storage::orgs::org_by_name(&mut conn, "Other Gym").await.unwrap();
    drop(conn);
    frontdesk::import::import(
        &server.db,
        &org,
        &serde_json::from_value(json!({
            "membership_types": [{"id": 1, "name": "Day"}],
            "customers": [person(1, "ELSEWHERE", json!({}))],
            "memberships": [{"membership_type_id": 1, "owner_id": 1, "start_date": "2026-01-01"}],
        }))
        .unwrap(),
        NOW.parse().unwrap(),
    )
    .await
    .unwrap();
    let (status, body) = scan(&other, "ELSEWHERE").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["location_id"], elsewhere);
}

#[tokio::test]
async fn the_door_endpoint_applies_the_same_rules_and_records_automatic_check_ins() {
    let server = start().await;
    server
        .import(json!({
            "membership_types": [{"id": 1, "name": "Monthly Membership"}],
            "customers": [person(1, "DOOR", json!({})), person(2, "SHUT", json!({"documents": []}))],
            "memberships": [{"membership_type_id": 1, "owner_id": 1, "start_date": "2026-01-01"}],
        }))
        .await;
    let api = server.api().await;
    let door = |barcode: &str| format!("/api/gym-endpoints/open-door-check-in/{barcode}/");
    let (status, body) = api.post(&door("SHUT"), json!({})).await;
    assert_eq!((status, body), (StatusCode::BAD_REQUEST, json!(NO_WAIVER)));
    let (status, body) = api.post(&door("NOBODY"), json!({})).await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, json!(UNKNOWN)));
    let (status, body) = api.post(&door("DOOR"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["entry_method"], "MEM");
    assert_eq!(body["has_any_automatic_check_ins"], true);
    let (_, body) = scan(&api, "DOOR").await;
    assert_eq!(body["has_any_automatic_check_ins"], true, "the customer has come in through the door before");
    assert_eq!(body["check_in_count"], 2);
    let (status, _) = api.get(&door("DOOR")).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn failures_are_plain_text_for_the_desk() {
    let server = start().await;
    let api = server.api().await;
    let resp = api.request(Method::POST, &scan_path("NOPE")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    assert_eq!(resp.text().await.unwrap(), UNKNOWN);
}

#[tokio::test]
async fn a_pass_shared_by_another_customer_is_debited_and_names_its_owner() {
    let server = start().await;
    server
        .import(json!({"customers": [
            person(1, "JANE", json!({"first_name": "Jane", "last_name": "Doe",
                "entry_passes": [{"name": "10-Punch Pass", "uses_total": 10, "uses_remaining": 4}]})),
            person(2, "SAM", json!({})),
        ]}))
        .await;
    let api = server.api().await;
    let customers = api.all("/api/customers/").await;
    let id_of = |barcode: &str| customers.iter().find(|c| c["barcode"] == barcode).unwrap()["id"].as_i64().unwrap();
    let (jane, sam) = (id_of("JANE"), id_of("SAM"));
    // The import format has no shared passes: share Jane's directly.
    server
        .execute_sql(&format!(
            "INSERT INTO shared_passes (org_id, entry_pass_id, customer_id, created_at) \
             SELECT org_id, id, {sam}, 0 FROM entry_passes WHERE owner_id = {jane}"
        ))
        .await;
    let (status, body) = scan(&api, "SAM").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["entry_method_description"], "10-Punch Pass from Jane Doe (3 remaining)");
    let owner = customer(&api, &json!(jane)).await;
    assert_eq!(owner["number_of_available_entry_passes"], 3, "the owner's pass count follows");
    assert_eq!(owner["check_in_count"], 0);
}

async fn scan_at_moment(api: &Api, barcode: &str, body: Value) -> (StatusCode, Value) {
    api.post(&scan_path(barcode), body).await
}

#[tokio::test]
async fn a_late_scan_with_scanned_at_is_recorded_at_that_moment_and_judged_as_of_it() {
    let server = start().await;
    server
        .import(json!({
            "locations": [{"id": 1, "name": "Annex", "combine_same_day_check_ins": true}],
            "customers": [
                person(1, "LATE", json!({"entry_passes": [{"name": "Punch Card", "uses_total": 5, "uses_remaining": 5}]})),
                person(2, "YESTERDAY", json!({
                    "entry_passes": [{"name": "Day Pass", "uses_total": 1, "uses_remaining": 1}],
                    "check_ins": [{"location_id": 1, "checked_in_at": "2026-03-09T18:00:00Z", "entry_method": "ENT"}],
                })),
                person(3, "BIRTHDAY", json!({"birthday": "2000-03-09",
                    "entry_passes": [{"name": "Punch Card", "uses_total": 5, "uses_remaining": 5}]})),
            ],
        }))
        .await;
    let api = server.api().await;
    // An hour ago (11:00 in Denver): the check-in carries that time; the record was made now.
    let (status, body) = scan_at_moment(&api, "LATE", json!({"scanned_at": "2026-03-10T17:00:00Z"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["check_in_datetime"], "2026-03-10T11:00:00");
    let stored = api.ok(&format!("/api/check-ins/{}/", body["id"])).await;
    assert_eq!(stored["check_in_datetime"], "2026-03-10T11:00:00");
    assert_eq!(stored["created_at"].as_str().unwrap().get(..19), Some("2026-03-10T18:00:00"));

    // Same-day combining as of the scan: at 13:00 on 9 March (Denver) the customer was already in
    // at the Annex that day, so nothing new is written and the pass is not debited.
    let annex = location_id(&api, "Annex").await;
    let body_yesterday = json!({"location_id": annex, "scanned_at": "2026-03-09T19:00:00Z"});
    let (status, body) = scan_at_moment(&api, "YESTERDAY", body_yesterday).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["combined"], true);
    assert_eq!(body["check_in_datetime"], "2026-03-09T12:00:00");
    // The same scan now is a new day at the Annex: the pass pays for it.
    let (status, body) = scan_at(&api, "YESTERDAY", annex).await;
    assert_eq!((status, body["combined"].clone()), (StatusCode::OK, json!(false)), "{body}");
    assert_eq!(body["entry_method_description"], "Day Pass (0 remaining)");

    // Milestones as of the scan: the birthday was yesterday, when the scan was taken.
    let (_, body) = scan_at_moment(&api, "BIRTHDAY", json!({"scanned_at": "2026-03-09T20:00:00+00:00"})).await;
    assert_eq!(body["milestones"], "1st check-in!\nHappy birthday!", "{body}");
}

#[tokio::test]
async fn scanned_at_must_be_a_moment_of_the_last_24_hours_else_400_names_the_field() {
    let server = start().await;
    server
        .import(json!({"customers": [person(1, "EDGE", json!({"entry_passes": [
        {"name": "Punch Card", "uses_total": 10, "uses_remaining": 10}]}))]}))
        .await;
    let api = server.api().await;
    for bad in [
        json!("2026-03-10T18:05:00Z"), // five minutes ahead of the server
        json!("2026-03-09T17:59:59Z"), // a second over 24 hours old
        json!("yesterday"),
        json!("2026-03-10T10:00:00"), // no offset: not a moment
        json!(1773165600),
    ] {
        let (status, body) = scan_at_moment(&api, "EDGE", json!({"scanned_at": bad})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        let messages = body["scanned_at"].as_array().unwrap_or_else(|| panic!("{bad}: {body}"));
        assert!(!messages.is_empty() && messages[0].is_string(), "{body}");
    }
    assert_eq!(api.ok("/api/check-ins/").await["count"], 0, "a refused scanned_at writes nothing");
    // Exactly 24 hours old is accepted; so is a desk clock a minute fast (read as now), and null.
    let (status, body) = scan_at_moment(&api, "EDGE", json!({"scanned_at": "2026-03-09T18:00:00Z"})).await;
    assert_eq!((status, body["check_in_datetime"].clone()), (StatusCode::OK, json!("2026-03-09T12:00:00")));
    let (status, body) = scan_at_moment(&api, "EDGE", json!({"scanned_at": "2026-03-10T18:01:00Z"})).await;
    assert_eq!((status, body["check_in_datetime"].clone()), (StatusCode::OK, json!("2026-03-10T12:00:00")));
    let (status, body) = scan_at_moment(&api, "EDGE", json!({"scanned_at": null})).await;
    assert_eq!((status, body["check_in_datetime"].clone()), (StatusCode::OK, json!("2026-03-10T12:00:00")));
    // A form body may carry it too.
    let resp = api
        .request(Method::POST, &scan_path("EDGE"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("scanned_at=2026-03-10T15%3A30%3A00Z")
        .send()
        .await
        .unwrap();
    let (status, body) = read(resp).await;
    assert_eq!((status, body["check_in_datetime"].clone()), (StatusCode::OK, json!("2026-03-10T09:30:00")));
}
