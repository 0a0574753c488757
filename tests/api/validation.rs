//! Every field rule of the seed at its boundary, answered as DRF answers
//! (`400 {"field": ["message"]}`), and bad input of every other kind: never a
//! 5xx, never a half-written customer.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Api, TestServer, customer_json};

/// Creates a customer and returns its path.
async fn create(api: &Api, body: Value) -> String {
    let (status, c) = api.post("/api/customers/", body).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    format!("/api/customers/{}/", c["id"])
}

/// PATCHes `field: value` and returns the answer; a refused write must leave
/// the customer exactly as it was.
async fn patch_field(api: &Api, url: &str, field: &str, value: Value) -> (StatusCode, Value) {
    let before = api.ok(url).await;
    let (status, body) = api.patch(url, json!({ field: value })).await;
    assert!(status.as_u16() < 500, "PATCH {field}={value}: {status} {body}");
    if status != StatusCode::OK {
        assert_eq!(api.ok(url).await, before, "a refused write changes nothing");
    }
    (status, body)
}

async fn assert_refused(api: &Api, url: &str, field: &str, value: Value, message: &str) {
    let (status, body) = patch_field(api, url, field, value.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{field}={value} should be refused: {body}");
    assert_eq!(body, json!({ field: [message] }), "{field}={value}");
}

async fn assert_accepted(api: &Api, url: &str, field: &str, value: Value) -> Value {
    let (status, body) = patch_field(api, url, field, value.clone()).await;
    assert_eq!(status, StatusCode::OK, "{field}={value} should be accepted: {body}");
    body
}

#[tokio::test]
async fn email_must_be_valid() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let url = create(&api, customer_json("ann@example.com", "Ann", "Smith")).await;
    for bad in ["ann", "ann@", "@example.com", "ann@example", "ann smith@example.com", "ann@@example.com"] {
        assert_refused(&api, &url, "email", json!(bad), "Enter a valid email address.").await;
    }
    assert_refused(&api, &url, "email", json!(""), "This field may not be blank.").await;
    assert_refused(&api, &url, "email", json!("  "), "This field may not be blank.").await;
    assert_refused(&api, &url, "email", Value::Null, "This field may not be null.").await;
    assert_refused(&api, &url, "email", json!(["a@b.co"]), "Not a valid string.").await;
    let ok = assert_accepted(&api, &url, "email", json!("ann.o'neil+climb@sub.example.co.uk")).await;
    assert_eq!(ok["email"], json!("ann.o'neil+climb@sub.example.co.uk"));
}

#[tokio::test]
async fn email_is_unique_per_organization_ignoring_case() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let ann = create(&api, customer_json("ann@example.com", "Ann", "Smith")).await;
    let bob = create(&api, customer_json("bob@example.com", "Bob", "Jones")).await;

    let (status, body) = api.post("/api/customers/", customer_json("ANN@Example.com", "Other", "Ann")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, json!({"email": ["customer with this email already exists."]}));
    assert_refused(&api, &bob, "email", json!("Ann@EXAMPLE.com"), "customer with this email already exists.").await;
    // A customer's own email, in another case, is no clash.
    let own = assert_accepted(&api, &ann, "email", json!("Ann@Example.com")).await;
    assert_eq!(own["email"], json!("Ann@Example.com"));

    let other = server.other_org("Other Gym").await;
    let (status, body) = other.post("/api/customers/", customer_json("ann@example.com", "Ann", "Elsewhere")).await;
    assert_eq!(status, StatusCode::CREATED, "another organization may have the same email: {body}");
    assert_eq!(api.ok("/api/customers/").await["count"], json!(2));
}

#[tokio::test]
async fn first_and_last_names_must_not_be_blank() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let url = create(&api, customer_json("ann@example.com", "Ann", "Smith")).await;
    for field in ["first_name", "last_name"] {
        assert_refused(&api, &url, field, json!(""), "This field may not be blank.").await;
        assert_refused(&api, &url, field, json!(" \t "), "This field may not be blank.").await;
        assert_refused(&api, &url, field, Value::Null, "This field may not be null.").await;
        assert_refused(&api, &url, field, json!(true), "Not a valid string.").await;
        assert_refused(&api, &url, field, json!({"a": 1}), "Not a valid string.").await;
        assert_accepted(&api, &url, field, json!("X")).await;
    }
    // DRF's CharField takes a number as its text.
    assert_eq!(assert_accepted(&api, &url, "first_name", json!(42)).await["first_name"], json!("42"));
}

#[tokio::test]
async fn birthday_must_be_an_iso_date_that_exists() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let url = create(&api, customer_json("ann@example.com", "Ann", "Smith")).await;
    let wrong_format = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.";
    for bad in ["2021-02-30", "2023-02-29", "2021-13-01", "1990-5-17", "17/05/1990", "19900517", "", "tomorrow"] {
        assert_refused(&api, &url, "birthday", json!(bad), wrong_format).await;
    }
    assert_refused(&api, &url, "birthday", json!(19900517), wrong_format).await;
    assert_refused(&api, &url, "birthday", Value::Null, "This field may not be null.").await;
    assert_refused(&api, &url, "birthday", json!("1990-05-17T10:00:00Z"), wrong_format).await;
    assert_eq!(assert_accepted(&api, &url, "birthday", json!("2024-02-29")).await["birthday"], json!("2024-02-29"));
    assert_eq!(assert_accepted(&api, &url, "birthday", json!("1900-01-01")).await["birthday"], json!("1900-01-01"));
}

#[tokio::test]
async fn preferred_name_takes_180_characters_and_not_181() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let url = create(&api, customer_json("ann@example.com", "Ann", "Smith")).await;
    let too_long = "Ensure this field has no more than 180 characters.";
    assert_accepted(&api, &url, "preferred_name", json!("a".repeat(180))).await;
    assert_refused(&api, &url, "preferred_name", json!("a".repeat(181)), too_long).await;
    // Characters, not bytes.
    assert_accepted(&api, &url, "preferred_name", json!("é".repeat(180))).await;
    assert_refused(&api, &url, "preferred_name", json!("é".repeat(181)), too_long).await;
    let cleared = assert_accepted(&api, &url, "preferred_name", Value::Null).await;
    assert_eq!(cleared["preferred_name"], json!(""), "null is no preferred name");
}

#[tokio::test]
async fn barcode_takes_128_characters_and_is_unique_per_organization_unless_empty() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let ann = create(&api, customer_json("ann@example.com", "Ann", "Smith")).await;
    let bob = create(&api, customer_json("bob@example.com", "Bob", "Jones")).await;
    assert_accepted(&api, &ann, "barcode", json!("1".repeat(128))).await;
    assert_refused(&api, &ann, "barcode", json!("1".repeat(129)), "Ensure this field has no more than 128 characters.")
        .await;

    assert_accepted(&api, &ann, "barcode", json!("A-100")).await;
    assert_refused(&api, &bob, "barcode", json!("A-100"), "customer with this barcode already exists.").await;
    let mut body = customer_json("cy@example.com", "Cy", "Young");
    body["barcode"] = json!("A-100");
    let (status, errors) = api.post("/api/customers/", body).await;
    assert_eq!(
        (status, errors),
        (StatusCode::BAD_REQUEST, json!({"barcode": ["customer with this barcode already exists."]}))
    );
    assert_accepted(&api, &ann, "barcode", json!("A-100")).await;

    // No barcode is no clash, however many customers have none.
    assert_accepted(&api, &ann, "barcode", json!("")).await;
    assert_accepted(&api, &bob, "barcode", json!("")).await;
    assert_accepted(&api, &bob, "barcode", Value::Null).await;
    let mut body = customer_json("dee@example.com", "Dee", "Dee");
    body["barcode"] = json!("");
    create(&api, body).await;

    let other = server.other_org("Other Gym").await;
    let mut body = customer_json("zed@example.com", "Zed", "Other");
    body["barcode"] = json!("A-100");
    let (status, _) = other.post("/api/customers/", body).await;
    assert_eq!(status, StatusCode::CREATED, "another organization may use the same barcode");
    assert_accepted(&api, &bob, "barcode", json!("A-100")).await;
}

#[tokio::test]
async fn gender_is_one_of_the_seed_codes_or_null() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let url = create(&api, customer_json("ann@example.com", "Ann", "Smith")).await;
    for code in ["M", "F", "N", "P"] {
        assert_eq!(assert_accepted(&api, &url, "gender", json!(code)).await["gender"], json!(code));
    }
    assert_eq!(assert_accepted(&api, &url, "gender", Value::Null).await["gender"], Value::Null);
    for bad in ["X", "m", "Male", "MF"] {
        assert_refused(&api, &url, "gender", json!(bad), &format!("\"{bad}\" is not a valid choice.")).await;
    }
    assert_refused(&api, &url, "gender", json!(1), "\"1\" is not a valid choice.").await;
}

#[tokio::test]
async fn booleans_and_ids_of_the_wrong_json_type_are_named() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let url = create(&api, customer_json("ann@example.com", "Ann", "Smith")).await;
    for bad in [json!("perhaps"), json!(2), json!([true]), json!({}), Value::Null] {
        let message = if bad.is_null() { "This field may not be null." } else { "Must be a valid boolean." };
        assert_refused(&api, &url, "has_opted_in_to_marketing", bad, message).await;
    }
    // DRF's BooleanField spellings.
    for (given, read) in [(json!("true"), true), (json!(0), false), (json!("yes"), true), (json!(false), false)] {
        let c = assert_accepted(&api, &url, "has_opted_in_to_marketing", given).await;
        assert_eq!(c["has_opted_in_to_marketing"], json!(read));
    }
    for (bad, got) in [(json!([1]), "list"), (json!({"id": 1}), "dict"), (json!(true), "bool"), (json!("abc"), "str")] {
        let message = format!("Incorrect type. Expected pk value, received {got}.");
        assert_refused(&api, &url, "home_location_id", bad, &message).await;
    }
    assert_refused(
        &api,
        &url,
        "custom_field_values",
        json!({"a": 1}),
        "Expected a list of items but got type \"dict\".",
    )
    .await;
}

#[tokio::test]
async fn every_problem_is_named_in_one_answer_and_nothing_is_written() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let url = create(&api, customer_json("ann@example.com", "Ann", "Smith")).await;
    let taken = create(&api, customer_json("bob@example.com", "Bob", "Jones")).await;
    let before = api.ok(&url).await;
    let (status, errors) = api
        .patch(
            &url,
            json!({"first_name": "Changed", "email": "BOB@example.com", "last_name": "", "birthday": "2021-02-30",
                   "gender": "Q", "home_location_id": 987654, "preferred_name": "p".repeat(181)}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let mut named: Vec<&str> = errors.as_object().unwrap().keys().map(String::as_str).collect();
    named.sort_unstable();
    assert_eq!(named, ["birthday", "email", "gender", "home_location_id", "last_name", "preferred_name"], "{errors}");
    assert!(errors.as_object().unwrap().values().all(|m| m.as_array().is_some_and(|a| a.iter().all(Value::is_string))));
    assert_eq!(api.ok(&url).await, before, "the valid first_name was not written either");

    let (status, errors) = api.post("/api/customers/", json!({"first_name": "", "email": "nope"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        errors,
        json!({"email": ["Enter a valid email address."], "first_name": ["This field may not be blank."],
               "last_name": ["This field is required."], "birthday": ["This field is required."]})
    );
    assert_eq!(api.ok("/api/customers/").await["count"], json!(2));
    drop(taken);
}

#[tokio::test]
async fn bodies_that_are_not_a_json_object_are_refused() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let url = create(&api, customer_json("ann@example.com", "Ann", "Smith")).await;
    let before = api.ok(&url).await;
    for method in [Method::POST, Method::PATCH, Method::PUT] {
        let path = if method == Method::POST { "/api/customers/" } else { url.as_str() };
        for junk in [&b"{\"first_name\": \"Ann\""[..], b"{first_name: 1}", b"\xff\xfe", b"nul"] {
            let (status, body) = api.send_bytes(method.clone(), path, Some("application/json"), junk.to_vec()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{method} {junk:?}: {body}");
            assert!(body["detail"].as_str().unwrap().starts_with("JSON parse error"), "{body}");
        }
        for (json_body, kind) in [("[1, 2]", "list"), ("\"text\"", "str"), ("42", "int"), ("null", "NoneType")] {
            let (status, body) = api.send_bytes(method.clone(), path, Some("application/json"), json_body.into()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{method} {json_body}");
            assert_eq!(
                body,
                json!({"non_field_errors": [format!("Invalid data. Expected a dictionary, but got {kind}.")]})
            );
        }
        for content_type in ["text/plain", "application/xml", "multipart/mixed; boundary=x"] {
            let (status, body) =
                api.send_bytes(method.clone(), path, Some(content_type), br#"{"first_name":"X"}"#.to_vec()).await;
            assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{method} {content_type}: {body}");
            assert!(body["detail"].as_str().unwrap().starts_with("Unsupported media type"), "{body}");
        }
    }
    assert_eq!(api.ok(&url).await, before);
    assert_eq!(api.ok("/api/customers/").await["count"], json!(1));
}

#[tokio::test]
async fn json_bodies_up_to_a_mebibyte_are_accepted_and_larger_ones_get_413() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let url = create(&api, customer_json("ann@example.com", "Ann", "Smith")).await;
    // Unknown keys are ignored, so padding makes a large valid body.
    let big = json!({"first_name": "Big", "padding": "x".repeat(1024 * 1024)});
    let (status, body) = api.patch(&url, big).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["first_name"], json!("Big"));

    let huge = json!({"first_name": "Huge", "padding": "x".repeat(8 * 1024 * 1024)});
    let (status, body) = api.patch(&url, huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(body["detail"].is_string());
    assert_eq!(api.ok(&url).await["first_name"], json!("Big"));
}

#[tokio::test]
async fn unknown_and_malformed_ids_are_404() {
    let server = TestServer::start().await;
    let api = server.api().await;
    create(&api, customer_json("ann@example.com", "Ann", "Smith")).await;
    let not_found = json!({"detail": "Not found."});
    for path in [
        "/api/customers/999999/",
        "/api/customers/abc/",
        "/api/customers/1.5/",
        "/api/customers/-1/",
        "/api/customers/99999999999999999999999/",
        "/api/customers/%20/",
        "/api/customers/0x1/",
    ] {
        assert_eq!(api.get(path).await, (StatusCode::NOT_FOUND, not_found.clone()), "GET {path}");
        assert_eq!(api.patch(path, json!({"first_name": "X"})).await, (StatusCode::NOT_FOUND, not_found.clone()));
        let (status, _) = api.put(path, customer_json("x@example.com", "X", "Y")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "PUT {path}");
    }
    // An invalid body for a missing customer is still a 404.
    assert_eq!(api.patch("/api/customers/999999/", json!({"email": "bad"})).await.0, StatusCode::NOT_FOUND);
    assert_eq!(api.get("/api/nonsense/").await, (StatusCode::NOT_FOUND, not_found));
}

#[tokio::test]
async fn junk_query_strings_never_break_a_list() {
    let server = TestServer::start().await;
    let api = server.api().await;
    create(&api, customer_json("ann@example.com", "Ann", "Smith")).await;
    for query in [
        "?",
        "?&&&",
        "?=",
        "?=x",
        "?%zz=1",
        "?search=%ff%fe",
        "?search=%00",
        "?page_size=5&page_size=abc",
        "?ordering=-nope",
        "?search",
        "?tags=%2C%2C",
        "?search=a%26b%3Dc",
        "?x[]=1&y[a]=2",
    ] {
        let (status, body) = api.get(&format!("/api/customers/{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        assert!(body["count"].is_u64(), "{query}: {body}");
    }
}

#[tokio::test]
async fn simultaneous_writes_of_one_email_or_barcode_let_exactly_one_through() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let creates = (0..8).map(|i| {
        let api = api.clone();
        async move {
            let email = if i % 2 == 0 { "SAME@example.com" } else { "same@Example.com" };
            let mut body = customer_json(email, "Same", "Same");
            body["barcode"] = json!(format!("B{i}"));
            api.post("/api/customers/", body).await
        }
    });
    let answers = futures_util::future::join_all(creates).await;
    let created = answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    assert_eq!(created, 1, "{answers:?}");
    for (status, body) in answers.iter().filter(|(s, _)| *s != StatusCode::CREATED) {
        assert_eq!(
            (*status, body.clone()),
            (StatusCode::BAD_REQUEST, json!({"email": ["customer with this email already exists."]}))
        );
    }

    let mut urls = Vec::new();
    for i in 0..6 {
        urls.push(create(&api, customer_json(&format!("c{i}@example.com"), "C", "C")).await);
    }
    let patches = urls.iter().map(|url| {
        let api = api.clone();
        async move { api.patch(url, json!({"barcode": "SCAN-1"})).await }
    });
    let answers = futures_util::future::join_all(patches).await;
    assert_eq!(answers.iter().filter(|(s, _)| *s == StatusCode::OK).count(), 1, "{answers:?}");
    assert!(answers.iter().all(|(s, _)| *s == StatusCode::OK || *s == StatusCode::BAD_REQUEST), "{answers:?}");
    assert_eq!(api.ok("/api/customers/?search=SCAN-1").await["count"], json!(1));
}
