//! Image work under a process-wide budget, in a test binary of its own: the
//! budget is per process, so uploads in other tests would share its slots.
// Test code: a failed expectation is the test (or benchmark run) failing, said with unwrap, expect or panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)]

#[path = "../support/mod.rs"]
mod support;

use image::{Rgb, RgbImage};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

use crate::support::{Api, TestServer, customer_json};

const GREEN: Rgb<u8> = Rgb([30, 200, 60]);

fn photo_form(bytes: Vec<u8>, file_name: &str, mime: &str) -> Form {
    Form::new().part("profile_image", Part::bytes(bytes).file_name(file_name.to_string()).mime_str(mime).unwrap())
}

async fn create_customer(api: &Api, email: &str) -> i64 {
    let (status, body) = api.post("/api/customers/", customer_json(email, "Ann", "Smith")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().unwrap()
}

/// Sixteen uploads at once of a PNG that is small on the wire (flat colour)
/// but 112 MB to decode: each is stored or answered `503` with `Retry-After`,
/// never more decodes at once than the process's slots, nor more decoder
/// memory than its budget (the resident-memory figure is measured by
/// `scripts/image-bombs`, not here).
#[tokio::test]
async fn parallel_expensive_uploads_are_bounded_by_the_image_budget() {
    use frontdesk::photo::budget::Budget;
    let server = TestServer::start().await;
    let api = server.api().await;
    let mut expensive = Vec::new();
    RgbImage::from_pixel(4000, 4000, GREEN)
        .write_to(&mut std::io::Cursor::new(&mut expensive), image::ImageFormat::Png)
        .unwrap();
    assert!(expensive.len() < 1024 * 1024, "{} bytes", expensive.len());
    let mut ids = Vec::new();
    for n in 0..16 {
        ids.push(create_customer(&api, &format!("bomb{n}@example.com")).await);
    }
    let uploads = ids.iter().map(|id| {
        let request = api.request(reqwest::Method::PATCH, &format!("/api/customers/{id}/")).multipart(photo_form(
            expensive.clone(),
            "big.png",
            "image/png",
        ));
        async move { request.send().await.unwrap() }
    });
    let responses = futures_util::future::join_all(uploads).await;
    let mut stored = 0;
    for response in responses {
        match response.status() {
            StatusCode::OK => stored += 1,
            StatusCode::SERVICE_UNAVAILABLE => {
                let retry_after = response.headers().get("retry-after").expect("Retry-After on 503");
                assert_eq!(retry_after.to_str().unwrap(), "2");
                let body: Value = response.json().await.unwrap();
                assert!(body["detail"].as_str().unwrap().contains("try again"), "{body}");
            }
            other => panic!("{other}: {}", response.text().await.unwrap()),
        }
    }
    assert!(stored >= 1, "at least the first uploads get their turn");
    let budget = Budget::global();
    let (peak_memory, peak_slots) = budget.peaks();
    assert!(peak_slots <= budget.slots(), "{peak_slots} decodes at once");
    assert!(peak_memory <= budget.memory(), "{peak_memory} bytes reserved at once");
    assert!(peak_memory >= 112 * 1024 * 1024, "the decode was counted: {peak_memory}");
}
