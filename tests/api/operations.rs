//! What a load balancer and an operator use: `/healthz`, `/readyz` and
//! `frontdesk migrate`.

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{Api, TestServer};

#[tokio::test]
async fn healthz_answers_without_a_token() {
    let server = TestServer::start().await;
    let (status, body) = Api::anonymous(&server.base).get("/healthz").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({"status": "ok"}));
}

#[tokio::test]
async fn readyz_says_ready_and_names_what_is_not() {
    let server = TestServer::start().await;
    let anon = Api::anonymous(&server.base);
    let (status, body) = anon.get("/readyz").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({"status": "ok", "database": "ok", "media_store": "ok"}));

    // The photo folder gone: not ready, and the answer says which part.
    std::fs::remove_dir_all(server.media_dir()).unwrap();
    let (status, body) = anon.get("/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["database"], "ok");
    assert!(body["media_store"].as_str().unwrap().starts_with("unreachable"), "{body}");
    // Health is the process's, not its dependencies'.
    assert_eq!(anon.get("/healthz").await.0, StatusCode::OK);
}

#[tokio::test]
async fn migrate_applies_the_migrations_without_serving() {
    let dir = tempfile::tempdir().unwrap();
    let test_db = crate::support::TestDb::new(dir.path(), "migrated.db").await;
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args(["migrate", "--db", &test_db.location.to_string()])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout} {}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("migrations applied"), "{stdout}");
    // The schema is there: an organization can be made in it.
    let db = test_db.open().await;
    frontdesk::admin::create_org(&db, "Migrated Gym", "UTC").await.unwrap();
    db.close().await;
}

#[tokio::test]
async fn migrate_names_a_database_it_cannot_reach() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args(["migrate", "--db", "postgres://nobody:s3cret@127.0.0.1:1/none"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("s3cret"), "the password is never printed: {stderr}");
    assert!(!stderr.is_empty());
}
