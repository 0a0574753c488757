//! DRF page-number paging on the customer list: page sizes clamped and
//! defaulted, pages past the end, absolute `next`/`previous` links that keep
//! every other parameter, and a stable order across pages.

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Api, TestServer};

/// `n` customers whose names repeat, so ordering must fall back to the id.
fn customers(n: usize) -> Value {
    let last = ["Smith", "jones", "Álvarez", "Smith", "de Vries"];
    let first = ["Ann", "bob", "Ann", "Cy"];
    let list: Vec<Value> = (0..n)
        .map(|i| {
            json!({"email": format!("c{i:03}@example.com"), "first_name": first[i % first.len()],
                   "last_name": last[i % last.len()], "birthday": "1990-01-01"})
        })
        .collect();
    json!({ "customers": list })
}

async fn server_with(n: usize) -> (TestServer, Api) {
    let server = TestServer::start().await;
    server.import(customers(n)).await;
    let api = server.api().await;
    (server, api)
}

#[tokio::test]
async fn page_size_above_100_is_clamped_to_100_with_a_working_next() {
    let (_server, api) = server_with(105).await;
    for size in ["150", "1000", "10000000000", "99999999999999999999999"] {
        let page = api.ok(&format!("/api/customers/?page_size={size}")).await;
        assert_eq!(page["count"], json!(105), "page_size={size}");
        assert_eq!(page["results"].as_array().unwrap().len(), 100, "page_size={size}");
        let next = page["next"].as_str().expect("a next link");
        let second = api.ok(next).await;
        assert_eq!(second["results"].as_array().unwrap().len(), 5);
        assert_eq!(second["next"], Value::Null);
    }
    let exact = api.ok("/api/customers/?page_size=100").await;
    assert_eq!(exact["results"].as_array().unwrap().len(), 100);
}

#[tokio::test]
async fn zero_negative_and_junk_page_sizes_fall_back_to_10() {
    let (_server, api) = server_with(12).await;
    for size in ["0", "-1", "-100", "abc", "", "1.5", "1e3", "%20"] {
        let page = api.ok(&format!("/api/customers/?page_size={size}")).await;
        assert_eq!(page["results"].as_array().unwrap().len(), 10, "page_size={size}");
        assert_eq!(page["count"], json!(12));
    }
    assert_eq!(api.ok("/api/customers/").await["results"].as_array().unwrap().len(), 10, "the default is 10");
    assert_eq!(api.ok("/api/customers/?page_size=3").await["results"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn a_page_past_the_end_is_404_invalid_page() {
    let (_server, api) = server_with(12).await;
    let invalid = (StatusCode::NOT_FOUND, json!({"detail": "Invalid page."}));
    for query in [
        "page=3",
        "page=2&page_size=12",
        "page=0",
        "page=-1",
        "page=abc",
        "page=",
        "page=1.0",
        "page=99999999999999999999",
    ] {
        assert_eq!(api.get(&format!("/api/customers/?{query}")).await, invalid, "{query}");
    }
    assert_eq!(api.ok("/api/customers/?page=2").await["results"].as_array().unwrap().len(), 2);
    // Page 1 of nothing is an empty page, not an error.
    let empty = api.ok("/api/customers/?search=nobody-at-all").await;
    assert_eq!(empty, json!({"count": 0, "next": null, "previous": null, "results": []}));
    assert_eq!(api.get("/api/customers/?search=nobody-at-all&page=2").await, invalid);
}

#[tokio::test]
async fn page_last_is_the_last_page() {
    let (_server, api) = server_with(25).await;
    let last = api.ok("/api/customers/?page=last").await;
    assert_eq!(last["results"].as_array().unwrap().len(), 5);
    assert_eq!(last["next"], Value::Null);
    assert_eq!(last["results"], api.ok("/api/customers/?page=3").await["results"]);
}

#[tokio::test]
async fn next_and_previous_are_absolute_and_keep_every_other_parameter() {
    let (server, api) = server_with(30).await;
    let first = api.ok("/api/customers/?search=ann&page_size=3&gender=&unknown=x%20y").await;
    let count = first["count"].as_u64().unwrap();
    assert!(count > 6, "{first}");
    assert_eq!(first["previous"], Value::Null);
    let next = first["next"].as_str().unwrap();
    assert!(next.starts_with(&format!("{}/api/customers/?", server.base)), "{next}");
    let params: HashSet<(String, String)> = url_params(next).into_iter().collect::<HashSet<_>>();
    for expected in [("search", "ann"), ("page_size", "3"), ("gender", ""), ("unknown", "x y"), ("page", "2")] {
        assert!(params.contains(&(expected.0.into(), expected.1.into())), "{expected:?} in {next}");
    }

    let second = api.ok(next).await;
    assert_eq!(second["count"], first["count"]);
    let previous = second["previous"].as_str().unwrap();
    assert!(previous.starts_with(&server.base), "{previous}");
    assert!(!url_params(previous).iter().any(|(k, _)| k == "page"), "previous of page 2 is page 1: {previous}");
    assert_eq!(api.ok(previous).await, first);
    let third = api.ok(second["next"].as_str().unwrap()).await;
    let previous = third["previous"].as_str().unwrap();
    assert!(url_params(previous).contains(&("page".into(), "2".into())), "{previous}");
    assert!(url_params(previous).contains(&("search".into(), "ann".into())), "{previous}");
}

fn url_params(url: &str) -> Vec<(String, String)> {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    form_urlencoded::parse(query.as_bytes()).into_owned().collect()
}

#[tokio::test]
async fn following_next_yields_every_customer_once_in_name_order() {
    let (_server, api) = server_with(53).await;
    for size in [1, 7, 10, 100] {
        let path = format!("/api/customers/?page_size={size}");
        let count = api.ok(&path).await["count"].as_u64().unwrap();
        let all = api.all(&path).await;
        assert_eq!(all.len() as u64, count, "page_size={size}");
        let ids: HashSet<i64> = all.iter().map(|c| c["id"].as_i64().unwrap()).collect();
        assert_eq!(ids.len(), all.len(), "no customer twice (page_size={size})");

        let keys: Vec<(String, String, i64)> = all
            .iter()
            .map(|c| {
                (
                    c["last_name"].as_str().unwrap().to_lowercase(),
                    c["first_name"].as_str().unwrap().to_lowercase(),
                    c["id"].as_i64().unwrap(),
                )
            })
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted, "ordered by last name, first name, id");
    }
    // The same query twice pages the same way.
    assert_eq!(api.all("/api/customers/?page_size=4").await, api.all("/api/customers/?page_size=4").await);
}
