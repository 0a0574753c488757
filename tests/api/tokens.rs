//! Tokens that can end: `DELETE /api/get-token/`, `--token-ttl`, the admin
//! commands; and a replayed scan of a voided check-in answering what happened.

use std::time::Duration;

use frontdesk::server::ServeOptions;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::check_in::{person, scan_path};
use crate::limits::start;
use crate::support::{Api, PASSWORD, USER, read};

async fn login(base: &str, username: &str) -> Api {
    let anon = Api::anonymous(base);
    let (status, body) = anon.post("/api/get-token/", json!({"username": username, "password": PASSWORD})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut api = Api::anonymous(base);
    api.token = Some(body["token"].as_str().unwrap().to_string());
    api
}

#[tokio::test]
async fn delete_get_token_revokes_the_callers_token_only() {
    let server = start(ServeOptions::default()).await;
    let (first, second) = (login(&server.base, USER).await, login(&server.base, USER).await);
    let (status, _) = first.delete("/api/get-token/").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = first.get("/api/customers/").await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, json!({"detail": "Invalid token."})));
    assert_eq!(second.get("/api/customers/").await.0, StatusCode::OK);
    // Revoking again, or without a token, is a 401.
    assert_eq!(first.delete("/api/get-token/").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(Api::anonymous(&server.base).delete("/api/get-token/").await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_token_older_than_the_ttl_stops_working() {
    let options = ServeOptions { token_ttl: Some(Duration::from_secs(3600)), ..ServeOptions::default() };
    let server = start(options).await;
    let old = login(&server.base, USER).await;
    assert_eq!(old.get("/api/customers/").await.0, StatusCode::OK);
    // Issued two hours ago.
    let db = server.test_db.open().await;
    db.execute_script("UPDATE api_tokens SET created_at = created_at - 7200000000").await.unwrap();
    db.close().await;
    assert_eq!(old.get("/api/customers/").await.0, StatusCode::UNAUTHORIZED);
    let fresh = login(&server.base, USER).await;
    assert_eq!(fresh.get("/api/customers/").await.0, StatusCode::OK);
}

#[tokio::test]
async fn admin_lists_and_revokes_a_users_tokens() {
    let server = start(ServeOptions::default()).await;
    let (a, b, other) =
        (login(&server.base, USER).await, login(&server.base, USER).await, login(&server.base, "other").await);
    // Used twice first: on SQLite the second answer comes from the token cache.
    for _ in 0..2 {
        assert_eq!(a.get("/api/customers/").await.0, StatusCode::OK);
    }
    // The admin command's own connections, as from another process.
    let db = server.test_db.open().await;
    let tokens = frontdesk::admin::list_tokens(&db).await.unwrap();
    let users: Vec<&str> = tokens.iter().map(|t| t.username.as_str()).collect();
    assert_eq!(users.iter().filter(|u| **u == USER).count(), 2, "{users:?}");
    assert_eq!(users.iter().filter(|u| **u == "other").count(), 1, "{users:?}");
    for t in &tokens {
        assert_eq!(t.digest_prefix.len(), 12);
        assert!(![&a, &b, &other].iter().any(|api| api.token.as_deref().unwrap().starts_with(&t.digest_prefix)));
    }
    assert_eq!(frontdesk::admin::revoke_tokens(&db, USER).await.unwrap(), 2);
    assert!(matches!(
        frontdesk::admin::revoke_tokens(&db, "nobody").await,
        Err(frontdesk::storage::StoreError::NotFound)
    ));
    db.close().await;
    assert_eq!(a.get("/api/customers/").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(b.get("/api/customers/").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(other.get("/api/customers/").await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_replayed_key_of_a_voided_check_in_answers_409_naming_the_void() {
    let server = crate::check_in::start().await;
    server
        .import(json!({"customers": [person(1, "VOIDED", json!({"entry_passes": [
            {"name": "10-Punch Pass", "uses_total": 10, "uses_remaining": 5}
        ]}))]}))
        .await;
    let api = server.api().await;
    let scan = || api.request(Method::POST, &scan_path("VOIDED")).header("Idempotency-Key", "scan-void-1").send();
    let (status, first) = read(scan().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let id = first["id"].as_i64().unwrap();
    let (status, _) = api.delete(&format!("/api/check-ins/{id}/")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = read(scan().await.unwrap()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let text = body.as_str().unwrap();
    assert!(text.contains(&format!("check-in {id}")) && text.contains("voided"), "{text}");
    // Nothing was applied by the replay.
    assert_eq!(api.ok("/api/check-ins/").await["count"], 0);
}
