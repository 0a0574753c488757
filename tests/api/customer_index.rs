//! The in-memory customer index (`storage::customer_index`) against SQL: a
//! server answering from the index and one answering by SQL alone, over the
//! same database, give byte-identical answers for every filter, search and
//! page of a realistic gym, and stay identical after writes by every path
//! (the API, a check-in, an import, another process's SQL, a renamed tag).

use frontdesk::server::ServeOptions;
use frontdesk::storage::Clock;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{Api, TestServer};

/// Both servers' answers to `path`, the SQL one's URLs rewritten to the
/// index one's base.
async fn both(index: &Api, sql: &Api, path: &str) -> (String, String) {
    let fetch = |api: &Api| {
        let request = api.request(reqwest::Method::GET, path);
        async move {
            let resp = request.send().await.expect("request");
            let status = resp.status();
            let text = resp.text().await.expect("body");
            (status, text)
        }
    };
    let (status_a, a) = fetch(index).await;
    let (status_b, b) = fetch(sql).await;
    assert_eq!(status_a, status_b, "{path}: {a} / {b}");
    (a, b.replace(&sql.base, &index.base))
}

async fn assert_same(index: &Api, sql: &Api, path: &str) {
    let (a, b) = both(index, sql, path).await;
    assert!(a == b, "{path} differs:\n index: {}\n   sql: {}", &a[..a.len().min(600)], &b[..b.len().min(600)]);
}

/// The queries compared: every filter at values matching many, few and
/// none, searches of every length, combinations, and pages deep and last.
fn queries() -> Vec<String> {
    let mut q: Vec<String> =
        vec!["".into(), "page=2".into(), "page=last".into(), "page_size=100&page=3".into(), "page=999".into()];
    for word in ["s", "sm", "smi", "smith", "an", "ann", "son", "gmail", "303", "zzz", "é", "smi jo", "ma,lee", "o'"] {
        q.push(format!("search={}", urlencode(word)));
        q.push(format!("search={}&page=2", urlencode(word)));
    }
    for (param, values) in [
        ("age_min", &["0", "18", "70", "200", "-1"][..]),
        ("age_max", &["14", "60", "-1", "0"]),
        ("birthday_min", &["2015-01-01", "1950-01-01"]),
        ("birthday_max", &["1955-12-31", "2010-12-31"]),
        ("created_at_min", &["2026-01-01", "2020-12-08"]),
        ("created_at_max", &["2021-12-08", "9999-12-31"]),
        ("gender", &["F", "M", "N", "P"]),
        ("has_opted_in_to_marketing", &["true", "false"]),
        ("check_in_count_min", &["1", "30", "100"]),
        ("check_in_count_max", &["0", "5"]),
        ("first_membership_timestamp_min", &["2025-01-01"]),
        ("first_membership_timestamp_max", &["2024-01-01"]),
        ("has_active_membership", &["true", "false", "month", "Annual", "nothing like it"]),
        ("has_active_youth_programming_membership", &["true", "false"]),
        ("has_active_non_youth_programming_membership", &["true", "false"]),
        ("has_membership_with_future_start", &["true", "false"]),
        ("has_frozen_membership", &["true", "false"]),
        ("tags", &["boulderer", "Newsletter,Boulderer", "no such tag", "vip"]),
        ("has_event_type_reservation", &["1", "5", "999"]),
        ("latest_check_in_timestamp_min", &["2026-01-01"]),
        ("latest_check_in_timestamp_max", &["2025-06-01", "9999-12-31"]),
        ("has_proficiencies", &["1", "2,4", "999"]),
        ("has_association_memberships", &["1", "1,3"]),
        ("has_challenge", &["1", "3"]),
        ("address_postcode", &["80302", "80302,82001", "nowhere"]),
    ] {
        for value in values {
            q.push(format!("{param}={}", urlencode(value)));
        }
    }
    q.extend(
        [
            "has_active_membership=true&age_min=18&tags=newsletter",
            "has_active_membership=true&age_min=18&tags=newsletter&page=3",
            "search=smi&has_active_membership=true",
            "search=smi&tags=boulderer&page_size=100",
            "search=a&gender=F&age_max=30",
            "check_in_count_min=1&latest_check_in_timestamp_min=2026-01-01&has_frozen_membership=false",
        ]
        .map(String::from),
    );
    q
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

async fn realistic_gym() -> (TestServer, Api, Api) {
    let server = TestServer::start().await;
    let now = jiff::Timestamp::now();
    let doc = frontdesk::demo::realistic::generate(frontdesk::demo::Distribution::Realistic, 7, 1200, now)
        .expect("the realistic gym generates");
    server.import(serde_json::to_value(&doc).unwrap()).await;
    let index = server.api().await;
    let sql_base = server
        .serve_also(ServeOptions { customer_index: false, ..ServeOptions::default() }, server.clock.clone())
        .await;
    let sql = Api { base: sql_base, ..index.clone() };
    (server, index, sql)
}

#[tokio::test]
async fn every_filter_search_and_page_answers_as_sql_does_on_a_realistic_gym() {
    let (_server, index, sql) = realistic_gym().await;
    let (first, _) = both(&index, &sql, "/api/customers/?search=smi").await;
    let count = serde_json::from_str::<serde_json::Value>(&first).unwrap()["count"].as_u64().unwrap();
    assert!(count > 20, "the realistic gym's common prefix matches many ({count})");
    for query in queries() {
        assert_same(&index, &sql, &format!("/api/customers/?{query}")).await;
    }
    for id in [1, 2, 600, 1200, 1201, 999_999] {
        assert_same(&index, &sql, &format!("/api/customers/{id}/")).await;
    }
}

#[tokio::test]
async fn writes_by_every_path_are_seen_by_the_next_read() {
    let (server, index, sql) = realistic_gym().await;
    let compare = || async {
        for query in ["", "search=zelda", "search=quint", "tags=boulderer", "check_in_count_min=1", "page=last"] {
            assert_same(&index, &sql, &format!("/api/customers/?{query}")).await;
        }
    };
    compare().await;

    // The API: a new customer, sorted first; renamed, sorted elsewhere.
    let (status, created) = index
        .post(
            "/api/customers/",
            json!({"email": "zelda@example.com", "first_name": "Zelda", "last_name": "Aaberg", "birthday": "1990-01-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    let first = index.ok("/api/customers/?page_size=1").await;
    assert_eq!(first["results"][0]["id"], json!(id), "the new customer is listed at once, in order");
    compare().await;
    let (status, _) =
        index.patch(&format!("/api/customers/{id}/"), json!({"last_name": "Quint", "tags": ["Boulderer"]})).await;
    assert_eq!(status, StatusCode::OK);
    let found = index.ok("/api/customers/?search=quint").await;
    assert_eq!(found["results"][0]["id"], json!(id));
    let tagged = index.ok(&format!("/api/customers/{id}/")).await;
    assert_eq!(tagged["last_name"], json!("Quint"));
    compare().await;

    // Another process's SQL (an import, a script): seen by the next request.
    server.execute_sql(&format!("UPDATE customers SET first_name = 'Zoe', check_in_count = 7 WHERE id = {id}")).await;
    let read = index.ok(&format!("/api/customers/{id}/")).await;
    assert_eq!(read["first_name"], json!("Zoe"));
    compare().await;

    // A renamed tag changes how every tagged customer is shown.
    server
        .execute_sql("UPDATE tags SET name = 'Bouldering', name_key = 'bouldering' WHERE name_key = 'boulderer'")
        .await;
    let mut answered = false;
    for _ in 0..200 {
        let (a, b) = both(&index, &sql, "/api/customers/?tags=bouldering").await;
        assert_eq!(a, b, "answered by SQL while the index rebuilds, by the index after");
        if serde_json::from_str::<serde_json::Value>(&a).unwrap()["count"].as_u64() > Some(0) {
            answered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(answered, "the renamed tag is found");
    compare().await;

    // A check-in changes the customer's count and latest check-in.
    let members = index.ok("/api/customers/?has_active_membership=true&page_size=100").await;
    let member = members["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["barcode"].as_str().is_some_and(|b| !b.is_empty()))
        .expect("a member with a barcode")
        .clone();
    let barcode = member["barcode"].as_str().unwrap();
    let (status, verdict) = index.post(&format!("/api/gym-endpoints/barcode-check-in/{barcode}/"), json!({})).await;
    assert!(status.is_success(), "{verdict}");
    let after = index.ok(&format!("/api/customers/{}/", member["id"])).await;
    assert_eq!(after["check_in_count"].as_i64(), member["check_in_count"].as_i64().map(|n| n + 1), "{verdict}");
    assert_same(&index, &sql, &format!("/api/customers/{}/", member["id"])).await;
    compare().await;

    // The calendar catch-up, run by another server whose day is 90 days on:
    // memberships end, and the summary columns it rewrites are seen here.
    let later = jiff::Timestamp::now().checked_add(jiff::SignedDuration::from_hours(24 * 90)).unwrap();
    let later_base = server.serve_also(ServeOptions::default(), Clock::Fixed(later)).await;
    let later_api = Api { base: later_base, ..index.clone() };
    let (a, _) = both(&index, &sql, "/api/customers/?has_active_membership=true").await;
    later_api.ok("/api/customers/?page_size=1").await;
    let (b, _) = both(&index, &sql, "/api/customers/?has_active_membership=true").await;
    assert_ne!(a, b, "the catch-up changed who is an active member");
    for query in ["has_active_membership=true", "has_frozen_membership=true", "has_membership_with_future_start=true"] {
        assert_same(&index, &sql, &format!("/api/customers/?{query}")).await;
    }

    // An import in the same database.
    let doc = json!({"customers": [{"first_name": "Quentin", "last_name": "Zuber", "email": "quentin@example.com", "birthday": "1985-05-05"}]});
    server.import(doc).await;
    let found = index.ok("/api/customers/?search=quentin").await;
    assert_eq!(found["count"], json!(1));
    compare().await;
}
