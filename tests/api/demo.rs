//! `frontdesk demo`'s library path: it builds a gym through the import and
//! serves it on a loopback port with a working staff login.

use frontdesk::cli::DemoArgs;
use frontdesk::demo;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::Api;

fn args(customers: usize, db: Option<std::path::PathBuf>) -> DemoArgs {
    DemoArgs {
        customers,
        db: db.map(Into::into),
        seed: 11,
        no_app: true,
        listen: None,
        distribution: Default::default(),
        media_store: None,
        media_public_url: None,
    }
}

async fn login(demo: &demo::DemoServer) -> Api {
    let anon = Api::anonymous(&demo.base_url);
    let (status, body) =
        anon.post("/api/get-token/", json!({"username": demo.username, "password": demo.password})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    Api { token: Some(body["token"].as_str().unwrap().to_string()), ..anon }
}

#[tokio::test]
async fn the_demo_builds_a_gym_and_serves_it_to_its_staff_login() {
    let running = demo::start(&args(80, None)).await.expect("demo starts");
    assert!(running.base_url.starts_with("http://127.0.0.1:"));
    assert_eq!(running.customers, 80);
    let api = login(&running).await;

    let customers = api.ok("/api/customers/?page_size=100").await;
    assert_eq!(customers["count"], json!(80));
    let gyms = api.ok("/api/gyms/").await;
    assert_eq!(gyms["count"], json!(2));
    // The summary columns came through the import: members, waivers, check-ins.
    let members = api.ok("/api/customers/?has_active_membership=true").await["count"].as_u64().unwrap();
    assert!(members > 20 && members < 80, "{members} active members of 80");
    let waivered = api.ok("/api/customers/?page_size=100").await["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["active_waiver_exists"] == json!(true))
        .count();
    assert!(waivered > 40, "{waivered} of 80 have a waiver");
    let regulars = api.ok("/api/customers/?check_in_count_min=1").await["count"].as_u64().unwrap();
    assert!(regulars > 40, "{regulars} of 80 have checked in");
    // Most customers have a portrait, served as the API's own media.
    let listed = api.ok("/api/customers/?page_size=100").await;
    let photos: Vec<&str> =
        listed["results"].as_array().unwrap().iter().filter_map(|c| c["profile_image_small"].as_str()).collect();
    assert!(photos.len() > 55 && photos.len() < 80, "{} of 80 have a photo", photos.len());
    let served = api.http.get(photos[0]).send().await.unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    let small = image::load_from_memory(&served.bytes().await.unwrap()).unwrap();
    assert_eq!((small.width(), small.height()), (128, 128));

    let temp_db = running.db.file().expect("a SQLite file").to_path_buf();
    // The app a temporary demo opens keeps its queue beside the database; it goes with it.
    let journal_path = running.temporary_journal().expect("a temporary demo's own journal");
    let journal = frontdesk::desk::Journal::open(&journal_path).unwrap();
    journal.append(&frontdesk::desk::Scan::taken_now("100042", None)).unwrap();
    drop(journal);
    let lock = journal_path.with_file_name("scans.jsonl.lock");
    assert!(journal_path.exists() && lock.exists());
    running.stop().await.expect("clean stop");
    assert!(!temp_db.exists(), "the temporary demo database is removed on stop");
    assert!(!journal_path.exists() && !lock.exists(), "and its queue file and lock");
}

#[tokio::test]
async fn a_named_demo_database_is_reused_and_a_foreign_one_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gym.db");
    let first = demo::start(&args(30, Some(path.clone()))).await.expect("first start");
    assert!(first.built.is_some());
    let api = login(&first).await;
    let (status, _) = api.patch("/api/customers/1/", json!({"first_name": "Changed"})).await;
    assert_eq!(status, StatusCode::OK);
    first.stop().await.unwrap();

    let again = demo::start(&args(30, Some(path.clone()))).await.expect("reuse");
    assert!(again.built.is_none(), "the existing demo gym is served as it is");
    assert_eq!(again.customers, 30);
    let api = login(&again).await;
    assert_eq!(api.ok("/api/customers/1/").await["first_name"], json!("Changed"));
    assert!(again.temporary_journal().is_none(), "a named demo's app keeps its queue for when it comes back");
    again.stop().await.unwrap();
    assert!(path.exists(), "a named database is kept");

    let other = dir.path().join("other.db");
    let db = frontdesk::admin::open(&other.clone().into()).await.unwrap();
    frontdesk::admin::create_org(&db, "Real Gym", "UTC").await.unwrap();
    db.close().await;
    let refused = demo::start(&args(30, Some(other))).await.err().expect("a foreign database is refused");
    assert!(refused.to_string().contains("not a demo database"), "{refused}");
}

/// `frontdesk demo --no-app --db <database>` as a user runs it: on the
/// test's database (PostgreSQL when FRONTDESK_TEST_POSTGRES is set, else a
/// SQLite file), with the demo's files under a data directory of the test's.
#[tokio::test]
async fn the_demo_builds_and_serves_a_gym_in_the_database_it_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let test_db = crate::support::TestDb::new(dir.path(), "demo.db").await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args(["demo", "--no-app", "--customers", "40", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--db", &test_db.location.to_string()])
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env_remove("DATABASE_URL")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let _demo = KillOnDrop(child);
    let anon = Api::anonymous(&base);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        if let Ok(resp) = anon.http.get(format!("{base}/readyz")).send().await
            && resp.status() == StatusCode::OK
        {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the demo did not come up within a minute");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (status, body) =
        anon.post("/api/get-token/", json!({"username": demo::USERNAME, "password": demo::PASSWORD})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let api = Api { token: Some(body["token"].as_str().unwrap().to_string()), ..anon };
    assert_eq!(api.ok("/api/customers/?page_size=1").await["count"], json!(40));
    // A photo the demo drew is served from its own media folder.
    let customers = api.ok("/api/customers/?page_size=40").await;
    let photo = customers["results"].as_array().unwrap().iter().find_map(|c| c["profile_image"].as_str()).unwrap();
    assert_eq!(api.http.get(photo).send().await.unwrap().status(), StatusCode::OK);
}

/// A child process killed when the test ends, passed or failed.
pub(crate) struct KillOnDrop(pub(crate) std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Issue 15's acceptance: a pipeline that reads an active membership's term
/// from `start_date` and `end_date` (and skips records without both), as real
/// clients of Capitan do, counts every active membership the server has, by
/// interval; and the customers they cover are the server's members. (The
/// terms themselves are tested on both backends in `terms.rs`.)
#[tokio::test]
async fn a_pipeline_reading_terms_counts_the_demos_active_memberships() {
    use std::collections::{BTreeMap, BTreeSet};
    let running = demo::start(&args(300, None)).await.expect("demo starts");
    let api = login(&running).await;
    let today = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get(demo::generate::TIME_ZONE).unwrap()).date();
    let today = today.to_string();

    let all = api.all("/api/customer-memberships/?page=1&page_size=1000").await;
    let active: Vec<&serde_json::Value> = all.iter().filter(|m| m["status"] == "ACT").collect();
    assert!(active.len() > 100, "{} active memberships", active.len());
    let mut server_count: BTreeMap<String, usize> = BTreeMap::new();
    let mut pipeline_count: BTreeMap<String, usize> = BTreeMap::new();
    for m in &active {
        let interval = m["interval"].as_str().unwrap().to_string();
        *server_count.entry(interval.clone()).or_default() += 1;
        let (Some(start), Some(end)) = (m["start_date"].as_str(), m["end_date"].as_str()) else {
            panic!("an active membership without both dates: {m}");
        };
        assert!(start <= today.as_str() && today.as_str() <= end, "{today} outside the term of {m}");
        *pipeline_count.entry(interval).or_default() += 1;
    }
    assert_eq!(pipeline_count, server_count);
    assert_eq!(server_count.keys().collect::<Vec<_>>(), ["MON", "YRL"], "one name per interval");
    // Frozen and future ones carry their terms too; only ended ones lie in the past.
    for m in all.iter().filter(|m| m["status"] == "FRZ" || m["status"] == "FUT") {
        assert!(m["end_date"].as_str().is_some_and(|e| e >= today.as_str()), "{m}");
    }
    let covered: BTreeSet<i64> = active
        .iter()
        .flat_map(|m| m["all_customers"].as_array().unwrap().iter())
        .filter(|c| c["is_individually_frozen"] == false)
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    let members = api.ok("/api/customers/?has_active_membership=true").await["count"].as_u64().unwrap();
    assert_eq!(covered.len() as u64, members);

    // Classes over the last 90 days and the next 14, booked by several customers each.
    let events = api.all("/api/events/?ordering=-created_at&page_size=1000").await;
    let reservations = api.ok("/api/reservations/?page_size=1000").await["count"].as_u64().unwrap();
    assert!(
        events.len() > 20 && reservations as usize > events.len(),
        "{} events, {reservations} bookings",
        events.len()
    );
    let days: BTreeSet<&str> =
        events.iter().map(|e| e["event_parts"][0]["start_local_date"].as_str().unwrap()).collect();
    let (first, last) = (*days.first().unwrap(), *days.last().unwrap());
    assert!(first < today.as_str() && last > today.as_str(), "classes from {first} to {last}");
    running.stop().await.expect("clean stop");
}
