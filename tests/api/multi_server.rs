//! Three real `frontdesk serve` processes over one PostgreSQL database and one
//! photo store (an s3rver bucket when one is installed, else a shared folder),
//! as a load balancer spreads a gym chain's desks over them: what must hold
//! because the database holds it, not because one process does.
//!
//! Runs when `FRONTDESK_TEST_POSTGRES` names a PostgreSQL server (`.ci/run`
//! sets it); says why and passes otherwise, since SQLite is one process's.

use std::future::Future;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use frontdesk::storage::{Db, DbLocation, OrgScope, orgs};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::sync::{Barrier, Notify};

use crate::check_in::{NO_ENTRY, person, scan_path};
use crate::media_store::{BUCKET, S3Server};
use crate::support::{Api, LOCATION, ORG, ORG_TZ, PASSWORD, POSTGRES_ENV, TestDb, USER, customer_json, jpeg, read};

/// Each server's pool opens up to 16 connections and PostgreSQL allows 100
/// in all, shared with the other API tests: one cluster at a time.
static ONE_CLUSTER_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The line `frontdesk serve` logs once it listens, with `addr=<ip:port>`.
const LISTENING: &str = "frontdesk API server listening";

/// A `frontdesk serve` process, its stdout and stderr in `log`; killed
/// (SIGKILL) when dropped.
struct ServeProcess {
    child: Child,
    base: String,
    log: PathBuf,
}

impl ServeProcess {
    /// Starts `frontdesk serve` on port 0 (the system picks a free port, so
    /// no other process can take it between choosing and binding); the
    /// address it got is read from its log by [`ready`](Self::ready).
    fn spawn(db_url: &str, media: &str, env: &[(String, String)], log: PathBuf) -> ServeProcess {
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_frontdesk"))
            .args(["serve", "--listen", "127.0.0.1:0", "--db", db_url, "--media-store", media])
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env_remove("DATABASE_URL")
            .env("FRONTDESK_LOG", "info")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap();
        ServeProcess { child, base: String::new(), log }
    }

    /// Waits (30 s at most) for the server to log its address and then to
    /// answer `GET /readyz` with 200 (its database and store reachable).
    async fn ready(&mut self, http: &reqwest::Client) {
        let started = Instant::now();
        loop {
            let text = std::fs::read_to_string(&self.log).unwrap_or_default();
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("frontdesk serve exited ({status}) before it was ready:\n{text}");
            }
            assert!(started.elapsed() < Duration::from_secs(30), "frontdesk serve not ready within 30 s:\n{text}");
            if self.base.is_empty() {
                let addr = text
                    .lines()
                    .filter(|l| l.contains(LISTENING))
                    .find_map(|l| l.split_once(" addr=")?.1.split_whitespace().next());
                if let Some(addr) = addr {
                    self.base = format!("http://{addr}");
                }
            }
            if !self.base.is_empty()
                && let Ok(resp) = http.get(format!("{}/readyz", self.base)).send().await
                && resp.status() == StatusCode::OK
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// SIGKILL (what `Child::kill` sends on Unix): no shutdown, no drain.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Three servers over one test database and one photo store, the test
/// organization ("Test Gym", its location and desk user) made with
/// `frontdesk::admin` before they start. Fields drop in order: the servers
/// are killed before their database and store go.
struct Cluster {
    servers: Vec<ServeProcess>,
    /// One client per server, all with the one token a login through the
    /// first server gave (tokens live in the database).
    apis: Vec<Api>,
    db: Db,
    org: OrgScope,
    /// The test database's URL, as the servers were given it.
    db_url: String,
    _test_db: TestDb,
    _s3: Option<S3Server>,
    _dir: tempfile::TempDir,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl Cluster {
    /// Imports `doc` (docs/import.md) into the organization, then starts the
    /// three servers; `None`, with the reason said, without PostgreSQL.
    async fn start(doc: Value) -> Option<Cluster> {
        if std::env::var(POSTGRES_ENV).map_or(true, |v| v.is_empty()) {
            let why = format!("the multi-server tests need PostgreSQL: set {POSTGRES_ENV}=postgres://...");
            // Straight to stderr: the harness swallows eprintln! from a passing test.
            let _ = writeln!(std::io::stderr(), "skipped: {why}");
            return None;
        }
        let turn = ONE_CLUSTER_AT_A_TIME.lock().await;
        let dir = tempfile::tempdir().unwrap();
        let test_db = TestDb::new(dir.path(), "unused.db").await;
        let DbLocation::Postgres(db_url) = test_db.location.clone() else {
            panic!("{POSTGRES_ENV} is set, so the test database is on PostgreSQL")
        };
        let db = test_db.open().await;
        frontdesk::admin::create_org(&db, ORG, ORG_TZ).await.unwrap();
        frontdesk::admin::create_location(&db, ORG, LOCATION, None).await.unwrap();
        frontdesk::admin::create_user(&db, ORG, USER, PASSWORD, Some(LOCATION)).await.unwrap();
        let mut conn = db.acquire().await.unwrap();
        let org = orgs::org_by_name(&mut conn, ORG).await.unwrap();
        drop(conn);
        let doc: frontdesk::import::ImportDocument = serde_json::from_value(doc).unwrap();
        frontdesk::import::import(&db, &org, &doc, jiff::Timestamp::now()).await.unwrap();

        let s3 = S3Server::start();
        let (media, env) = match &s3 {
            Some(s3) => (format!("s3://{BUCKET}/gym-1"), s3.env()),
            None => {
                let _ = writeln!(std::io::stderr(), "multi-server: without s3rver, the photo store is a shared folder");
                (dir.path().join("media").to_str().unwrap().to_string(), Vec::new())
            }
        };
        let mut servers: Vec<ServeProcess> = (0..3)
            .map(|i| ServeProcess::spawn(&db_url, &media, &env, dir.path().join(format!("server-{i}.log"))))
            .collect();
        let http = frontdesk::client::http_builder().build().unwrap();
        for server in &mut servers {
            server.ready(&http).await;
        }
        let (status, body) = Api::anonymous(&servers[0].base)
            .post("/api/get-token/", json!({"username": USER, "password": PASSWORD}))
            .await;
        assert_eq!(status, StatusCode::OK, "login: {body}");
        let token = body["token"].as_str().unwrap().to_string();
        let apis = servers
            .iter()
            .map(|s| Api { base: s.base.clone(), token: Some(token.clone()), http: http.clone() })
            .collect();
        Some(Cluster { servers, apis, db, org, db_url, _test_db: test_db, _s3: s3, _dir: dir, _turn: turn })
    }

    /// The client of server `i % 3`: round-robin, as a load balancer would.
    fn api(&self, i: usize) -> Api {
        self.apis[i % self.apis.len()].clone()
    }

    /// What a server logged, for a failure's message.
    fn logs(&self) -> String {
        let log = |s: &ServeProcess| std::fs::read_to_string(&s.log).unwrap_or_default();
        self.servers.iter().map(|s| format!("--- {}\n{}", s.base, log(s))).collect()
    }
}

/// Runs `n` requests at once: every future is made, then all are released
/// together by a barrier; answers in the order of `i`.
async fn at_once<T, Fut>(n: usize, request: impl Fn(usize) -> Fut) -> Vec<T>
where
    T: Send + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    let start = Arc::new(Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (start, request) = (start.clone(), request(i));
            tokio::spawn(async move {
                start.wait().await;
                request.await
            })
        })
        .collect();
    let mut answers = Vec::with_capacity(n);
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

/// The customer's entry passes, read through `api`.
async fn passes(api: &Api, customer_id: &Value) -> Vec<Value> {
    api.all(&format!("/api/customers/{customer_id}/entry-passes/")).await
}

/// Rests on two things, either enough alone: every scan's transaction holds
/// PostgreSQL's advisory write lock (`storage::postgres::WRITE_LOCK`), and
/// the debit is conditional (`uses_remaining > 0`). Tried: without both, it
/// admits several; without the lock alone, the debit still holds.
#[tokio::test]
async fn thirty_simultaneous_scans_of_a_one_use_pass_over_three_servers_admit_exactly_one() {
    let day_pass = json!({"entry_passes": [{"name": "Day Pass", "uses_total": 1, "uses_remaining": 1}]});
    let Some(cluster) = Cluster::start(json!({"customers": [person(1, "ONE-USE", day_pass)]})).await else {
        return;
    };
    let answers = at_once(30, |i| {
        let api = cluster.api(i);
        async move { api.post(&scan_path("ONE-USE"), json!({})).await }
    })
    .await;

    let admitted: Vec<&Value> = answers.iter().filter(|(s, _)| s.is_success()).map(|(_, body)| body).collect();
    assert_eq!(admitted.len(), 1, "exactly one scan admitted: {answers:?}\n{}", cluster.logs());
    assert_eq!(admitted[0]["entry_method_description"], "Day Pass (0 remaining)");
    for (status, body) in answers.iter().filter(|(s, _)| !s.is_success()) {
        assert_eq!((*status, body), (StatusCode::BAD_REQUEST, &json!(NO_ENTRY)), "Capitan's refusal");
    }
    for i in 0..3 {
        let api = cluster.api(i);
        assert_eq!(api.ok("/api/check-ins/").await["count"], 1, "one check-in, as {} sees it", api.base);
        let held = passes(&api, &admitted[0]["customer_id"]).await;
        assert_eq!(held.len(), 1);
        assert_eq!(held[0]["uses_remaining"], 0, "the pass ends at 0 uses, as {} sees it", api.base);
    }
}

#[tokio::test]
async fn one_idempotency_key_sent_to_all_three_servers_at_once_makes_one_check_in() {
    let punch = json!({"entry_passes": [{"name": "10-Punch Pass", "uses_total": 10, "uses_remaining": 10}]});
    let Some(cluster) = Cluster::start(json!({"customers": [person(1, "RETRY", punch)]})).await else {
        return;
    };
    // Three tries on each server: a desk retrying through a load balancer.
    // Rests on the key being looked up inside the write transaction, under
    // the advisory lock (tried: without the lock, all nine check in).
    let answers = at_once(9, |i| {
        let api = cluster.api(i);
        async move {
            let resp = api
                .request(Method::POST, &scan_path("RETRY"))
                .header("Idempotency-Key", "desk-1-scan-0001")
                .send()
                .await
                .unwrap();
            let replayed = resp.headers().get("idempotent-replayed").is_some_and(|v| v == "true");
            let (status, body) = read(resp).await;
            (status, body, replayed)
        }
    })
    .await;

    let first = &answers[0].1;
    for (status, body, _) in &answers {
        assert_eq!(*status, StatusCode::OK, "{body}\n{}", cluster.logs());
        assert_eq!(body, first, "every answer is the one check-in's answer");
    }
    assert!(first["id"].is_i64(), "{first}");
    let applied = answers.iter().filter(|(_, _, replayed)| !replayed).count();
    assert_eq!(applied, 1, "one scan applied, the others replayed its answer");
    for i in 0..3 {
        let api = cluster.api(i);
        let list = api.ok("/api/check-ins/").await;
        assert_eq!(list["count"], 1, "{list}");
        assert_eq!(list["results"][0]["id"], first["id"]);
        assert_eq!(passes(&api, &first["customer_id"]).await[0]["uses_remaining"], 9, "one use debited");
    }
}

/// `url`'s path (and query): the part any server of the cluster answers.
fn path_of(url: &Value) -> String {
    let url = url.as_str().unwrap();
    let after_scheme = url.split_once("://").unwrap().1;
    after_scheme[after_scheme.find('/').unwrap()..].to_string()
}

#[tokio::test]
async fn a_photo_uploaded_through_one_server_is_served_by_the_other_two() {
    let Some(cluster) = Cluster::start(json!({})).await else { return };
    let (a, b, c) = (cluster.api(0), cluster.api(1), cluster.api(2));
    let id = a.create_customer("ann@example.com", "Ann", "Smith").await;
    let form = Form::new()
        .part("profile_image", Part::bytes(jpeg(300, 7)).file_name("me.jpg").mime_str("image/jpeg").unwrap());
    let (status, uploaded) = a.patch_multipart(&format!("/api/customers/{id}/"), form).await;
    assert_eq!(status, StatusCode::OK, "{uploaded}");

    for field in ["profile_image", "profile_image_small"] {
        let path = path_of(&uploaded[field]);
        assert!(uploaded[field].as_str().unwrap().starts_with(&a.base), "served by A: {}", uploaded[field]);
        let bytes_from = |api: &Api| {
            let request = api.request(Method::GET, &path);
            async move {
                let resp = request.send().await.unwrap();
                (resp.status(), resp.bytes().await.unwrap().to_vec())
            }
        };
        let (status, from_a) = bytes_from(&a).await;
        assert_eq!(status, StatusCode::OK, "{field} through A");
        assert!(image::load_from_memory(&from_a).is_ok(), "{field} is an image");
        for other in [&b, &c] {
            assert_eq!(bytes_from(other).await, (StatusCode::OK, from_a.clone()), "{field} through {}", other.base);
            let read_there = other.ok(&format!("/api/customers/{id}/")).await;
            assert_eq!(path_of(&read_there[field]), path, "{} names the same file", other.base);
        }
    }
}

/// What the clients of a write burst learned: creates answered 201 (id and
/// email) and creates whose answer never came (email).
#[derive(Default)]
struct Burst {
    acknowledged: Vec<(i64, String)>,
    unanswered: Vec<String>,
}

/// Creates customers through `api` one after another until a request fails
/// (the server is gone); the `kill_after`-th acknowledgement of the burst
/// wakes `kill`.
async fn create_until_gone(api: Api, worker: usize, burst: Arc<Mutex<Burst>>, kill_after: usize, kill: Arc<Notify>) {
    for n in 0.. {
        let email = format!("w{worker}-{n}@example.com");
        let sent = api.request(Method::POST, "/api/customers/").json(&customer_json(&email, "Burst", "Writer")).send();
        // An answer cut off mid-body is as lost as one never sent.
        let answer = match sent.await {
            Ok(resp) => {
                let status = resp.status();
                resp.text().await.map(|text| (status, text))
            }
            Err(e) => Err(e),
        };
        let Ok((status, text)) = answer else {
            burst.lock().unwrap().unanswered.push(email);
            return;
        };
        assert_eq!(status, StatusCode::CREATED, "{email}: {text}");
        let id = serde_json::from_str::<Value>(&text).unwrap()["id"].as_i64().unwrap();
        let mut burst = burst.lock().unwrap();
        burst.acknowledged.push((id, email));
        if burst.acknowledged.len() == kill_after {
            // A permit is kept if the killer is not waiting yet.
            kill.notify_one();
        }
    }
}

#[tokio::test]
async fn a_server_killed_during_a_write_burst_loses_no_acknowledged_write_and_leaves_nothing_half_written() {
    let Some(mut cluster) = Cluster::start(json!({})).await else { return };
    const WORKERS: usize = 6;
    const KILL_AFTER: usize = 40;
    let burst = Arc::new(Mutex::new(Burst::default()));
    let kill = Arc::new(Notify::new());
    let workers: Vec<_> = (0..WORKERS)
        .map(|w| tokio::spawn(create_until_gone(cluster.api(0), w, burst.clone(), KILL_AFTER, kill.clone())))
        .collect();
    // Killed once the burst is under way (its 40th create acknowledged), with
    // the other clients' creates in flight: queued on the write lock, inside
    // their transaction, or answered but not yet read.
    let killed_at = tokio::time::timeout(Duration::from_secs(60), kill.notified()).await;
    assert!(killed_at.is_ok(), "40 creates within 60 s\n{}", cluster.logs());
    cluster.servers[0].kill();
    for worker in workers {
        worker.await.unwrap();
    }
    let burst = std::mem::take(&mut *burst.lock().unwrap());
    assert!(burst.acknowledged.len() >= KILL_AFTER);
    assert_eq!(burst.unanswered.len(), WORKERS, "every client ends on the request the kill cut off");

    // The survivors still write: the dead server's transaction and its hold
    // on the write lock ended with its connections.
    let (b, c) = (cluster.api(1), cluster.api(2));
    let after = b.create_customer("after@example.com", "After", "Kill").await;
    let listed = b.all("/api/customers/?page_size=100").await;
    let stored: std::collections::BTreeMap<String, i64> = listed
        .iter()
        .filter(|c| c["id"] != after)
        .map(|c| (c["email"].as_str().unwrap().to_string(), c["id"].as_i64().unwrap()))
        .collect();
    for (id, email) in &burst.acknowledged {
        assert_eq!(stored.get(email), Some(id), "acknowledged {email} (id {id}) is stored");
    }
    let committed_unanswered = burst.unanswered.iter().filter(|e| stored.contains_key(*e)).count();
    assert_eq!(
        stored.len(),
        burst.acknowledged.len() + committed_unanswered,
        "nothing but the acknowledged creates and those whose answer was lost: {stored:?}"
    );
    // Each stored customer is whole: its row as sent, and its create in the
    // activity log, written in the same transaction.
    for (email, id) in &stored {
        let customer = c.ok(&format!("/api/customers/{id}/")).await;
        let sent = customer_json(email, "Burst", "Writer");
        for field in ["email", "first_name", "last_name", "birthday"] {
            assert_eq!(customer[field], sent[field], "{field} of {email}");
        }
        let log = c.all(&format!("/api/customers/{id}/activity-log/")).await;
        let actions: Vec<&Value> = log.iter().map(|entry| &entry["action"]).collect();
        assert_eq!(actions, [&json!("create")], "{email}'s activity log");
    }
    let _ = writeln!(
        std::io::stderr(),
        "multi-server burst: {} creates acknowledged before the kill, {} cut off, {} of those committed",
        burst.acknowledged.len(),
        burst.unanswered.len(),
        committed_unanswered
    );
}

/// Runs SQL on the cluster's database from the test, outside the servers.
async fn sql(cluster: &Cluster) -> sqlx::PgConnection {
    use sqlx::Connection as _;
    sqlx::PgConnection::connect(&cluster.db_url).await.unwrap()
}

/// The calendar catch-up (`storage::derived::ensure_current`) brings the
/// summary columns from `organizations.derived_as_of` up to today and moves
/// that date, in one write transaction. That it runs once across servers
/// rests on ensure_current reading `derived_as_of` again inside
/// `begin_write`, which on PostgreSQL holds the advisory write lock: the
/// first server's catch-up commits before the next server's transaction
/// starts, and that one finds the date already today and does nothing.
///
/// The test sees each run with a trigger it adds to its own database: every
/// UPDATE that sets `derived_as_of` (even to the value it has, as a second,
/// needless catch-up would) logs the old and new dates. With the date set a
/// month back before any server has served the organization (each server
/// remembers in memory that it caught up today, so only its first requests
/// look), 30 simultaneous requests over the three servers must log one move.
/// Tried: with the date read only before `begin_write`, all 30 catch up.
#[tokio::test]
async fn the_calendar_catch_up_runs_once_across_servers() {
    let Some(cluster) = Cluster::start(json!({})).await else { return };
    let today = || jiff::Timestamp::now().in_tz(ORG_TZ).unwrap().date();
    let before = today();
    let earlier = before - jiff::ToSpan::days(30);
    cluster
        .db
        .execute_script(&format!(
            "UPDATE organizations SET derived_as_of = '{earlier}' WHERE id = {org};
             CREATE TABLE test_catch_ups (n SERIAL PRIMARY KEY, old_as_of TEXT, new_as_of TEXT);
             CREATE FUNCTION test_log_catch_up() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
                 INSERT INTO test_catch_ups (old_as_of, new_as_of) VALUES (OLD.derived_as_of, NEW.derived_as_of);
                 RETURN NEW;
             END $$;
             CREATE TRIGGER test_catch_up AFTER UPDATE OF derived_as_of ON organizations
                 FOR EACH ROW EXECUTE FUNCTION test_log_catch_up();",
            org = cluster.org.id
        ))
        .await
        .unwrap();

    let answers = at_once(30, |i| {
        let api = cluster.api(i);
        async move { api.get("/api/customers/").await }
    })
    .await;
    for (status, body) in &answers {
        assert_eq!(*status, StatusCode::OK, "{body}");
    }

    let moves: Vec<(String, String)> = sqlx::query_as("SELECT old_as_of, new_as_of FROM test_catch_ups ORDER BY n")
        .fetch_all(&mut sql(&cluster).await)
        .await
        .unwrap();
    let first = (earlier.to_string(), before.to_string());
    if today() == before {
        assert_eq!(moves, [first], "one catch-up, from a month back to today\n{}", cluster.logs());
    } else {
        // Midnight in Denver came during the test: a second catch-up, to the new day, is right.
        assert_eq!(moves.first(), Some(&first));
        assert!(moves.len() <= 2 && moves.iter().all(|(old, new)| old != new), "{moves:?}");
    }
}
