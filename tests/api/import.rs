//! The import document is all or nothing: one bad record writes nothing, and
//! the error names the record and the field.

use serde_json::{Value, json};

use crate::support::{Api, ORG, TestServer, fixed_clock};

fn good_customer(email: &str) -> Value {
    json!({"email": email, "first_name": "Good", "last_name": "Customer", "birthday": "1990-01-01"})
}

/// A document with locations, types and customers that is valid except for
/// what `spoil` does to it.
fn document(spoil: impl FnOnce(&mut Value)) -> Value {
    let mut doc = json!({
        "locations": [{"id": 1, "name": "Upstairs"}],
        "custom_fields": [{"id": 1, "name": "Shoe size"}],
        "membership_types": [{"id": 1, "name": "Monthly"}],
        "customers": [
            good_customer("one@example.com"),
            {"id": 2, "email": "two@example.com", "first_name": "Two", "last_name": "Customer",
             "birthday": "1990-01-01", "home_location_id": 1, "tags": ["VIP"],
             "custom_field_values": [{"field_id": 1, "value": "42"}],
             "documents": [{"name": "Waiver", "expiration_date": "2099-01-01"}],
             "check_ins": [{"location_id": 1, "checked_in_at": "2026-01-01T12:00:00Z"}]},
            good_customer("three@example.com"),
        ],
        "memberships": [{"membership_type_id": 1, "owner_id": 2, "start_date": "2020-01-01"}],
    });
    spoil(&mut doc);
    doc
}

/// Imports `doc` and expects it refused; returns the problems as text.
async fn refused(server: &TestServer, doc: Value) -> Vec<String> {
    match server.import_into(ORG, doc).await {
        Ok(summary) => panic!("the document should be refused, but imported {summary}"),
        Err(failure) => failure.0.iter().map(ToString::to_string).collect(),
    }
}

async fn assert_nothing_written(server: &TestServer, api: &Api) {
    assert_eq!(api.ok("/api/customers/").await["count"], json!(0), "no customer was written");
    let gyms = api.ok("/api/gyms/").await;
    assert_eq!(gyms["count"], json!(1), "no location was written: {gyms}");
    // The document's names are still free: the same document, made good, imports.
    server.import(document(|_| {})).await;
    assert_eq!(api.ok("/api/customers/").await["count"], json!(3));
}

#[tokio::test]
async fn the_good_document_imports_every_record() {
    let server = TestServer::start_with_clock(fixed_clock("2026-06-15T18:00:00Z")).await;
    let api = server.api().await;
    let summary = server.import(document(|_| {})).await;
    assert_eq!((summary.customers, summary.locations, summary.memberships, summary.check_ins), (3, 1, 1, 1));
    let two = api.customer_by_email("two@example.com").await;
    assert_eq!(two["home_location_name"], json!("Upstairs"));
    assert_eq!(two["tags"], json!(["VIP"]));
    assert_eq!(two["custom_field_values"][0]["value"], json!("42"));
    assert_eq!(two["has_active_membership"], json!(true));
    assert_eq!(two["check_in_count"], json!(1));
    assert_eq!(two["active_waiver_exists"], json!(true));
}

#[tokio::test]
async fn one_invalid_customer_field_writes_nothing_and_names_the_record_and_field() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let problems = refused(&server, document(|d| d["customers"][2]["birthday"] = json!("2021-02-30"))).await;
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("customers[2] birthday:"), "{problems:?}");
    assert_nothing_written(&server, &api).await;
}

#[tokio::test]
async fn a_bad_sub_record_or_reference_writes_nothing() {
    let server = TestServer::start().await;
    let api = server.api().await;
    for (spoil, record, field) in [
        (
            Box::new(|d: &mut Value| d["customers"][1]["check_ins"][0]["location_id"] = json!(9))
                as Box<dyn FnOnce(&mut Value)>,
            "customers[1] (id 2) check_ins[0]",
            "location_id",
        ),
        (Box::new(|d: &mut Value| d["memberships"][0]["owner_id"] = json!(77)), "memberships[0]", "owner_id"),
        (Box::new(|d: &mut Value| d["memberships"][0]["status"] = json!("NOPE")), "memberships[0]", "status"),
        (
            Box::new(|d: &mut Value| d["customers"][1]["custom_field_values"][0]["field_id"] = json!(5)),
            "customers[1] (id 2)",
            "custom_field_values",
        ),
        (
            Box::new(|d: &mut Value| d["customers"][1]["documents"][0]["status"] = json!("LOST")),
            "customers[1] (id 2) documents[0]",
            "status",
        ),
        (Box::new(|d: &mut Value| d["customers"][0]["nickname"] = json!("x")), "customers[0]", "nickname"),
        (
            Box::new(|d: &mut Value| d["locations"][0]["time_zone"] = json!("Mars/Base")),
            "locations[0] (id 1)",
            "time_zone",
        ),
    ] {
        let problems = refused(&server, document(spoil)).await;
        assert!(
            problems.iter().any(|p| p.starts_with(&format!("{record} {field}:"))),
            "{record} {field} should be named: {problems:?}"
        );
        assert_eq!(api.ok("/api/customers/").await["count"], json!(0), "{record} {field}: no customer was written");
        assert_eq!(api.ok("/api/gyms/").await["count"], json!(1), "{record} {field}: no location was written");
    }
    assert_nothing_written(&server, &api).await;
}

#[tokio::test]
async fn duplicate_emails_and_barcodes_are_refused_within_the_document_and_against_the_database() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let problems = refused(
        &server,
        document(|d| {
            d["customers"][2]["email"] = json!("ONE@example.com");
            d["customers"][0]["barcode"] = json!("X1");
            d["customers"][1]["barcode"] = json!("X1");
        }),
    )
    .await;
    assert!(problems.iter().any(|p| p.starts_with("customers[2] email:")), "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("customers[1] (id 2) barcode:")), "{problems:?}");
    assert_eq!(api.ok("/api/customers/").await["count"], json!(0));

    server.import(json!({"customers": [good_customer("one@example.com")]})).await;
    let problems =
        refused(&server, json!({"customers": [good_customer("new@example.com"), good_customer("One@Example.com")]}))
            .await;
    assert!(problems.iter().any(|p| p.starts_with("customers[1] email:")), "{problems:?}");
    assert_eq!(api.ok("/api/customers/").await["count"], json!(1), "the new customer was not written");
}

#[tokio::test]
async fn every_problem_is_reported_not_just_the_first() {
    let server = TestServer::start().await;
    let problems = refused(
        &server,
        document(|d| {
            d["customers"][0]["email"] = json!("not an email");
            d["customers"][2]["first_name"] = json!("");
        }),
    )
    .await;
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].starts_with("customers[0] email:"), "{problems:?}");
    assert!(problems[1].starts_with("customers[2] first_name:"), "{problems:?}");
}
