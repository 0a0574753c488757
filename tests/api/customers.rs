//! The customer resource over HTTP: every field of the seed in the Read and
//! List shape with its type, and the create, read, replace and update operations.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestServer, customer_json};

/// Every field of the seed's table, in its order.
const SEED_FIELDS: [&str; 65] = [
    "id",
    "url",
    "email",
    "first_name",
    "last_name",
    "preferred_name",
    "birthday",
    "address_postcode",
    "address_street_1",
    "address_street_2",
    "address_city",
    "address_state",
    "address_country",
    "government_id",
    "telephone",
    "gender",
    "pronouns",
    "has_opted_in_to_marketing",
    "barcode",
    "profile_image",
    "profile_image_small",
    "home_location_id",
    "home_location_url",
    "home_location_name",
    "capitan_invite_sent",
    "has_capitan_login",
    "check_in_count",
    "has_active_membership",
    "has_active_youth_programming_membership",
    "has_active_non_youth_programming_membership",
    "has_membership_with_future_start",
    "has_frozen_membership",
    "number_of_available_entry_passes",
    "active_waiver_exists",
    "latest_waiver_expiration_date",
    "active_proficiency_names",
    "tags",
    "custom_field_values",
    "has_medical_notes",
    "first_check_in_timestamp",
    "latest_check_in_timestamp",
    "first_membership_timestamp",
    "created_at",
    "updated_at",
    "event_vouchers_url",
    "credits_url",
    "emergency_contacts_url",
    "medical_notes_url",
    "notes_url",
    "alerts_url",
    "documents_url",
    "relations_url",
    "check_ins_url",
    "guest_pass_usages",
    "shared_passes_url",
    "memberships_url",
    "entry_passes_url",
    "challenges_url",
    "payments_url",
    "proficiencies_url",
    "reservations_url",
    "reservation_parts_url",
    "pending_relations_url",
    "incoming_pending_relations_url",
    "activity_log_url",
];

/// The seed's sub-collection fields and the hyphenated path each points at.
const SUB_COLLECTION_PATHS: [(&str, &str); 21] = [
    ("event_vouchers_url", "event-vouchers"),
    ("credits_url", "credits"),
    ("emergency_contacts_url", "emergency-contacts"),
    ("medical_notes_url", "medical-notes"),
    ("notes_url", "notes"),
    ("alerts_url", "alerts"),
    ("documents_url", "documents"),
    ("relations_url", "relations"),
    ("check_ins_url", "check-ins"),
    ("guest_pass_usages", "guest-pass-usages"),
    ("shared_passes_url", "shared-passes"),
    ("memberships_url", "memberships"),
    ("entry_passes_url", "entry-passes"),
    ("challenges_url", "challenges"),
    ("payments_url", "payments"),
    ("proficiencies_url", "proficiencies"),
    ("reservations_url", "reservations"),
    ("reservation_parts_url", "reservation-parts"),
    ("pending_relations_url", "pending-relations"),
    ("incoming_pending_relations_url", "incoming-pending-relations"),
    ("activity_log_url", "activity-log"),
];

/// A write with every writable field of the seed set.
fn every_writable_field(home_location_id: i64) -> Value {
    json!({
        "email": "Zoe.Quinn@Example.com",
        "first_name": "Zoë",
        "last_name": "Quinn",
        "preferred_name": "Zo",
        "birthday": "1988-07-04",
        "address_postcode": "80302",
        "address_street_1": "1 Pearl St",
        "address_street_2": "Apt 2",
        "address_city": "Boulder",
        "address_state": "CO",
        "address_country": "US",
        "government_id": "X123",
        "telephone": "(303) 555-0101",
        "gender": "F",
        "pronouns": "she/her",
        "has_opted_in_to_marketing": true,
        "barcode": "ZQ-0001",
        "home_location_id": home_location_id,
    })
}

fn is_utc_datetime(v: &Value) -> bool {
    // 2026-11-25T19:44:49.123456Z: one form for every datetime.
    v.as_str().is_some_and(|s| {
        let b = s.as_bytes();
        s.len() == 27 && s.ends_with('Z') && b[10] == b'T' && b[19] == b'.' && s.parse::<jiff::Timestamp>().is_ok()
    })
}

fn assert_seed_shape(c: &Value, base: &str) {
    let obj = c.as_object().expect("a customer is an object");
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut expected = SEED_FIELDS.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected, "the Read shape has exactly the seed's fields");

    let id = c["id"].as_i64().expect("id is an integer");
    assert_eq!(c["url"], json!(format!("{base}/api/customers/{id}/")));
    for (field, segment) in SUB_COLLECTION_PATHS {
        assert_eq!(c[field], json!(format!("{base}/api/customers/{id}/{segment}/")), "{field}");
    }
    for field in [
        "email",
        "first_name",
        "last_name",
        "preferred_name",
        "birthday",
        "address_postcode",
        "address_street_1",
        "address_street_2",
        "address_city",
        "address_state",
        "address_country",
        "government_id",
        "telephone",
        "pronouns",
        "barcode",
    ] {
        assert!(c[field].is_string(), "{field} is a string: {}", c[field]);
    }
    for field in [
        "has_opted_in_to_marketing",
        "capitan_invite_sent",
        "has_capitan_login",
        "has_active_membership",
        "has_active_youth_programming_membership",
        "has_active_non_youth_programming_membership",
        "has_membership_with_future_start",
        "has_frozen_membership",
        "active_waiver_exists",
        "has_medical_notes",
    ] {
        assert!(c[field].is_boolean(), "{field} is a boolean: {}", c[field]);
    }
    for field in ["check_in_count", "number_of_available_entry_passes"] {
        assert!(c[field].is_i64(), "{field} is an integer: {}", c[field]);
    }
    for field in ["active_proficiency_names", "tags"] {
        assert!(c[field].as_array().is_some_and(|a| a.iter().all(Value::is_string)), "{field}: {}", c[field]);
    }
    assert!(c["custom_field_values"].is_array());
    assert!(c["gender"].is_null() || ["M", "F", "N", "P"].contains(&c["gender"].as_str().unwrap_or("?")));
    assert!(c["birthday"].as_str().unwrap().parse::<jiff::civil::Date>().is_ok());
    assert!(
        c["latest_waiver_expiration_date"].is_null()
            || c["latest_waiver_expiration_date"].as_str().unwrap().parse::<jiff::civil::Date>().is_ok()
    );
    for field in ["created_at", "updated_at"] {
        assert!(is_utc_datetime(&c[field]), "{field}: {}", c[field]);
    }
    for field in ["first_check_in_timestamp", "latest_check_in_timestamp", "first_membership_timestamp"] {
        assert!(c[field].is_null() || is_utc_datetime(&c[field]), "{field}: {}", c[field]);
    }
    for field in ["profile_image", "profile_image_small"] {
        assert!(c[field].is_null() || c[field].as_str().unwrap().starts_with(base), "{field}: {}", c[field]);
    }
    assert!(c["home_location_id"].is_null() || c["home_location_id"].is_i64());
    assert!(c["home_location_name"].is_null() || c["home_location_name"].is_string());
}

#[tokio::test]
async fn every_seed_field_round_trips_with_its_type_in_read_and_list() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let body = every_writable_field(server.location_id);
    let (status, created) = api.post("/api/customers/", body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_seed_shape(&created, &server.base);
    for (field, value) in body.as_object().unwrap() {
        assert_eq!(&created[field], value, "{field} round-trips");
    }

    let id = created["id"].as_i64().unwrap();
    let read = api.ok(&format!("/api/customers/{id}/")).await;
    assert_eq!(read, created, "Read answers what create answered");
    let list = api.ok("/api/customers/").await;
    assert_eq!(list["results"][0], read, "List shows the Read shape");

    assert_eq!(read["home_location_url"], json!(format!("{}/api/gyms/{}/", server.base, server.location_id)));
    assert_eq!(read["home_location_name"], json!("Main"));
    assert_eq!(read["profile_image"], Value::Null);
    assert_eq!(read["profile_image_small"], Value::Null);
    assert_eq!(read["check_in_count"], json!(0));
    assert_eq!(read["tags"], json!([]));
    assert_eq!(read["first_check_in_timestamp"], Value::Null);
    assert_eq!(read["created_at"], read["updated_at"]);
}

#[tokio::test]
async fn optional_fields_left_out_of_a_create_read_as_empty_strings_false_and_null() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let (status, c) = api.post("/api/customers/", customer_json("ann@example.com", "Ann", "Smith")).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    assert_seed_shape(&c, &server.base);
    for field in ["preferred_name", "address_postcode", "telephone", "barcode", "pronouns", "government_id"] {
        assert_eq!(c[field], json!(""), "{field}");
    }
    assert_eq!(c["gender"], Value::Null);
    assert_eq!(c["has_opted_in_to_marketing"], json!(false));
    assert_eq!(c["home_location_id"], Value::Null);
    assert_eq!(c["home_location_url"], Value::Null);
    assert_eq!(c["home_location_name"], Value::Null);
}

#[tokio::test]
async fn text_fields_are_trimmed_as_drf_does() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let (status, c) = api
        .post(
            "/api/customers/",
            json!({"email": " ann@example.com ", "first_name": "  Ann", "last_name": "Smith  ",
                   "birthday": "1990-05-17", "telephone": " 555 "}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    assert_eq!((c["email"].as_str(), c["first_name"].as_str()), (Some("ann@example.com"), Some("Ann")));
    assert_eq!((c["last_name"].as_str(), c["telephone"].as_str()), (Some("Smith"), Some("555")));
}

#[tokio::test]
async fn put_requires_the_required_fields_and_keeps_the_optional_ones_it_omits() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let (_, created) = api.post("/api/customers/", every_writable_field(server.location_id)).await;
    let url = format!("/api/customers/{}/", created["id"]);

    let (status, errors) = api.put(&url, json!({"first_name": "Zed"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        errors,
        json!({
            "email": ["This field is required."],
            "last_name": ["This field is required."],
            "birthday": ["This field is required."],
        })
    );
    assert_eq!(api.ok(&url).await, created, "a refused PUT changes nothing");

    let (status, replaced) = api
        .put(
            &url,
            json!({"email": "dave@example.com", "first_name": "Dave", "last_name": "Johnson", "birthday": "1985-04-13"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{replaced}");
    assert_eq!(replaced["first_name"], json!("Dave"));
    assert_eq!(replaced["birthday"], json!("1985-04-13"));
    // DRF's update only touches the fields it was given.
    assert_eq!(replaced["telephone"], created["telephone"]);
    assert_eq!(replaced["barcode"], created["barcode"]);
    assert_eq!(replaced["home_location_id"], created["home_location_id"]);
}

#[tokio::test]
async fn patch_takes_any_subset_of_fields() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let (_, created) = api.post("/api/customers/", every_writable_field(server.location_id)).await;
    let url = format!("/api/customers/{}/", created["id"]);
    let (status, patched) = api.patch(&url, json!({"first_name": "David"})).await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["first_name"], json!("David"));
    for field in ["email", "last_name", "birthday", "telephone", "gender", "barcode", "home_location_id"] {
        assert_eq!(patched[field], created[field], "{field} is untouched");
    }
    let (status, patched) = api.patch(&url, json!({})).await;
    assert_eq!(status, StatusCode::OK, "an empty PATCH is valid: {patched}");
    let (status, patched) =
        api.patch(&url, json!({"gender": null, "has_opted_in_to_marketing": false, "pronouns": ""})).await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!((patched["gender"].clone(), patched["has_opted_in_to_marketing"].clone()), (Value::Null, json!(false)));
    assert_eq!(patched["pronouns"], json!(""));
    assert_eq!(api.ok(&url).await, patched);
}

#[tokio::test]
async fn automatic_fields_sent_in_a_write_are_ignored() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let mut body = customer_json("ann@example.com", "Ann", "Smith");
    let automatic = json!({
        "id": 999, "url": "http://evil/", "check_in_count": 50, "has_active_membership": true,
        "tags": ["VIP"], "created_at": "2001-01-01T00:00:00Z", "updated_at": "2001-01-01T00:00:00Z",
        "home_location_name": "Nowhere", "active_waiver_exists": true, "capitan_invite_sent": true,
        "number_of_available_entry_passes": 9, "check_ins_url": "http://evil/", "profile_image_small": "x",
        "first_check_in_timestamp": "2001-01-01T00:00:00Z", "latest_waiver_expiration_date": "2030-01-01",
    });
    body.as_object_mut().unwrap().extend(automatic.as_object().unwrap().clone());
    let (status, c) = api.post("/api/customers/", body).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    assert_ne!(c["id"], json!(999));
    assert_eq!(c["check_in_count"], json!(0));
    assert_eq!(c["has_active_membership"], json!(false));
    assert_eq!(c["tags"], json!([]));
    assert_ne!(c["created_at"], json!("2001-01-01T00:00:00.000000Z"));
    assert_eq!(c["capitan_invite_sent"], json!(false));
    assert_eq!(c["first_check_in_timestamp"], Value::Null);

    let url = format!("/api/customers/{}/", c["id"]);
    let (status, patched) = api.patch(&url, automatic).await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    for field in ["id", "url", "check_in_count", "tags", "created_at", "check_ins_url", "latest_waiver_expiration_date"]
    {
        assert_eq!(patched[field], c[field], "{field} is not writable");
    }
}

#[tokio::test]
async fn updated_at_moves_on_every_write_and_created_at_never() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let (_, c) = api.post("/api/customers/", customer_json("ann@example.com", "Ann", "Smith")).await;
    let url = format!("/api/customers/{}/", c["id"]);
    let mut last = c["updated_at"].as_str().unwrap().parse::<jiff::Timestamp>().unwrap();
    for body in [
        json!({"first_name": "Anna"}),
        json!({"first_name": "Anna"}),
        json!({}),
        customer_json("ann@example.com", "Ann", "Smith"),
    ] {
        let (status, after) =
            if body.get("email").is_some() { api.put(&url, body).await } else { api.patch(&url, body).await };
        assert_eq!(status, StatusCode::OK, "{after}");
        let updated = after["updated_at"].as_str().unwrap().parse::<jiff::Timestamp>().unwrap();
        assert!(updated > last, "updated_at moved forwards: {last} -> {updated}");
        assert_eq!(after["created_at"], c["created_at"]);
        last = updated;
    }
}

#[tokio::test]
async fn custom_field_values_are_edited_by_field_id() {
    let server = TestServer::start().await;
    server.import(json!({"custom_fields": [{"id": 1, "name": "Shoe size"}, {"id": 2, "name": "Belay card"}]})).await;
    let api = server.api().await;
    let (status, c) = api.post("/api/customers/", customer_json("ann@example.com", "Ann", "Smith")).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let fields = c["custom_field_values"].as_array().unwrap().clone();
    assert_eq!(fields.len(), 2, "every org custom field is listed: {fields:?}");
    assert_eq!(fields[0]["field_name"], json!("Shoe size"));
    assert_eq!(fields[0]["value"], json!(""));
    let (shoe, belay) = (fields[0]["field_id"].as_i64().unwrap(), fields[1]["field_id"].as_i64().unwrap());

    let url = format!("/api/customers/{}/", c["id"]);
    let (status, patched) = api
        .patch(
            &url,
            json!({"custom_field_values": [
                {"field_id": shoe, "value": "42", "field_name": "ignored", "anything": [1]},
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(
        patched["custom_field_values"],
        json!([
            {"field_id": shoe, "field_name": "Shoe size", "value": "42"},
            {"field_id": belay, "field_name": "Belay card", "value": ""},
        ])
    );

    let (status, patched) = api
        .patch(
            &url,
            json!({"custom_field_values": [{"field_id": belay, "value": "yes"}, {"field_id": shoe, "value": ""}]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["custom_field_values"][0]["value"], json!(""));
    assert_eq!(patched["custom_field_values"][1]["value"], json!("yes"));

    // Both at once (one multi-row write).
    let both =
        json!({"custom_field_values": [{"field_id": shoe, "value": "43"}, {"field_id": belay, "value": "maybe"}]});
    let (status, patched) = api.patch(&url, both).await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["custom_field_values"][0]["value"], json!("43"));
    assert_eq!(patched["custom_field_values"][1]["value"], json!("maybe"));

    let (status, errors) = api
        .patch(
            &url,
            json!({"custom_field_values": [{"field_id": belay, "value": "no"}, {"field_id": 987654, "value": "x"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(errors["custom_field_values"][0].as_str().unwrap().contains("987654"), "{errors}");
    assert_eq!(api.ok(&url).await["custom_field_values"][1]["value"], json!("maybe"), "nothing was written");

    for bad in [json!({"field_id": belay}), json!({"value": "x"}), json!("x"), json!({"field_id": "abc", "value": "x"})]
    {
        let (status, errors) = api.patch(&url, json!({"custom_field_values": [bad]})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(errors["custom_field_values"].is_array(), "{errors}");
    }
}

#[tokio::test]
async fn another_organizations_custom_field_is_refused() {
    let server = TestServer::start().await;
    let other = server.other_org("Other Gym").await;
    server.import_into("Other Gym", json!({"custom_fields": [{"id": 1, "name": "Theirs"}]})).await.unwrap();
    let (_, theirs) = other.post("/api/customers/", customer_json("t@example.com", "T", "T")).await;
    let their_field = theirs["custom_field_values"][0]["field_id"].as_i64().unwrap();

    let api = server.api().await;
    let mut body = customer_json("ann@example.com", "Ann", "Smith");
    body["custom_field_values"] = json!([{"field_id": their_field, "value": "x"}]);
    let (status, errors) = api.post("/api/customers/", body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{errors}");
    assert!(errors["custom_field_values"].is_array());
    assert_eq!(api.ok("/api/customers/").await["count"], json!(0));
}

#[tokio::test]
async fn home_location_must_be_the_organizations_and_null_clears_it() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let other = server.other_org("Other Gym").await;
    let their_location = other.ok("/api/gyms/").await["results"][0]["id"].as_i64().unwrap();

    let mut body = customer_json("ann@example.com", "Ann", "Smith");
    body["home_location_id"] = json!(their_location);
    let (status, errors) = api.post("/api/customers/", body.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        errors,
        json!({"home_location_id": [format!("Invalid pk \"{their_location}\" - object does not exist.")]})
    );

    body["home_location_id"] = json!(server.location_id);
    let (status, c) = api.post("/api/customers/", body).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    assert_eq!(c["home_location_name"], json!("Main"));
    let url = format!("/api/customers/{}/", c["id"]);

    for bad in [json!(their_location), json!(0), json!(-3), json!(99999)] {
        let (status, errors) = api.patch(&url, json!({"home_location_id": bad})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(errors["home_location_id"][0].as_str().unwrap().starts_with("Invalid pk"), "{errors}");
    }
    assert_eq!(api.ok(&url).await["home_location_id"], json!(server.location_id));

    let (status, cleared) = api.patch(&url, json!({"home_location_id": null})).await;
    assert_eq!(status, StatusCode::OK, "{cleared}");
    assert_eq!(cleared["home_location_id"], Value::Null);
    assert_eq!(cleared["home_location_url"], Value::Null);
    assert_eq!(cleared["home_location_name"], Value::Null);
}

#[tokio::test]
async fn post_answers_201_with_the_read_body_and_delete_answers_405() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let (status, c) = api.post("/api/customers/", customer_json("ann@example.com", "Ann", "Smith")).await;
    assert_eq!(status, StatusCode::CREATED);
    let url = format!("/api/customers/{}/", c["id"]);
    assert_eq!(api.ok(&url).await, c);

    let (status, body) = api.delete(&url).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body, json!({"detail": "Method \"DELETE\" not allowed."}));
    let (status, _) = api.delete("/api/customers/").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let (status, _) = api.put("/api/customers/", customer_json("b@example.com", "B", "B")).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(api.ok(&url).await, c, "the customer is still there");
}

#[tokio::test]
async fn paths_without_a_trailing_slash_answer_like_the_slashed_ones() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let (status, c) = api.post("/api/customers", customer_json("ann@example.com", "Ann", "Smith")).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let id = c["id"].as_i64().unwrap();
    assert_eq!(api.ok(&format!("/api/customers/{id}")).await, c);
    let list = api.ok("/api/customers?page_size=1&search=ann").await;
    assert_eq!(list["count"], json!(1));
}
