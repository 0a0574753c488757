//! The OpenAPI document: served without a login, the same as the committed
//! `docs/openapi.json`, and describing only operations the router has.
//!
//! After changing the API: `UPDATE_OPENAPI=1 cargo test --test api openapi`
//! rewrites `docs/openapi.json`.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::support::{Api, TestServer};

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/openapi.json");

#[tokio::test]
async fn the_schema_is_served_without_a_login_and_is_the_committed_document() {
    let server = TestServer::start().await;
    let anonymous = Api::anonymous(&server.base);
    let (status, served) = anonymous.get("/api/schema/").await;
    assert_eq!(status, StatusCode::OK, "{served}");
    assert_eq!(served["openapi"], "3.1.0");
    let generated = frontdesk::server::openapi::document_text();
    assert_eq!(served, serde_json::from_str::<Value>(&generated).unwrap());

    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(COMMITTED, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/openapi.json differs from the API the code serves; run `UPDATE_OPENAPI=1 cargo test --test api openapi` and commit it"
    );
}

/// A concrete path for a template: ids, a barcode, a file name.
fn concrete(template: &str) -> String {
    template
        .replace("{id}", "1")
        .replace("{record_id}", "1")
        .replace("{check_in_id}", "1")
        .replace("{barcode}", "no-such-barcode")
        .replace("{file}", "nothing.jpg")
}

#[tokio::test]
async fn every_documented_operation_is_routed_and_other_methods_are_405() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let doc = frontdesk::server::openapi::document();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 50, "{} paths", paths.len());
    let all = ["get", "post", "put", "patch", "delete"];
    for (template, item) in paths {
        let path = concrete(template);
        for method in all {
            let documented = item.get(method).is_some();
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let mut request = api.request(m, &path);
            if matches!(method, "post" | "put" | "patch") {
                request = request.json(&serde_json::json!({}));
            }
            let status = request.send().await.unwrap().status();
            if documented {
                assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {template} is documented but not routed");
                assert!(status.as_u16() < 500, "{method} {template}: {status}");
                let declared = &item[method]["responses"];
                assert!(
                    declared.get(status.as_str()).is_some(),
                    "{method} {template} answered {status}, not documented"
                );
            } else {
                assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {template} is routed but not documented");
            }
        }
    }
}

/// The documented filters of the customer and check-in lists are the ones
/// the server reads: a value of the wrong kind for each is a `400` naming it.
#[tokio::test]
async fn every_documented_typed_filter_is_read_by_the_server() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let doc = frontdesk::server::openapi::document();
    let mut checked = 0;
    for path in ["/api/customers/", "/api/check-ins/"] {
        for param in doc["paths"][path]["get"]["parameters"].as_array().unwrap() {
            let name = param["name"].as_str().unwrap();
            let schema = &param["schema"];
            let typed = schema["type"] == "integer" || schema["format"] == "date" || schema.get("enum").is_some();
            if !typed || name.starts_with("page") {
                continue;
            }
            let (status, body) = api.get(&format!("{path}?{name}=not-a-value")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}?{name}: {body}");
            assert!(body.get(name).is_some(), "{path}?{name}: {body}");
            checked += 1;
        }
    }
    assert!(checked >= 20, "{checked} filters checked");
}
