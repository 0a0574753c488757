use reqwest::StatusCode;
use serde_json::json;

use crate::support::{TestServer, customer_json};

#[tokio::test]
async fn a_created_customer_reads_back_with_absolute_urls() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let (status, created) = api.post("/api/customers/", customer_json("ann@example.com", "Ann", "Smith")).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    let read = api.ok(&format!("/api/customers/{id}/")).await;
    assert_eq!(read, created);
    assert_eq!(read["url"], json!(format!("{}/api/customers/{id}/", server.base)));
    let list = api.ok("/api/customers/?search=smi").await;
    assert_eq!(list["count"], json!(1));
}
