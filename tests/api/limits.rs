//! Limits that hold up against hostile clients: login throttling, connection
//! timeouts, the connection cap and `Connection: close` on early refusals.
//! Each test starts its own server with small limits.

use std::net::SocketAddr;
use std::time::Duration;

use frontdesk::server::listener::ConnectionLimits;
use frontdesk::server::{ServeOptions, Server, ServerConfig};
use frontdesk::storage::throttle::ThrottleLimits;
use frontdesk::storage::{Clock, Db};
use reqwest::StatusCode;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{LOCATION, ORG, ORG_TZ, PASSWORD, USER};

/// A server with `options`, its database holding the usual user.
pub struct Limited {
    pub base: String,
    pub addr: SocketAddr,
    /// Kept for the test's life: the database's and media's folder.
    _dir: tempfile::TempDir,
    pub test_db: crate::support::TestDb,
    _stop: tokio::sync::oneshot::Sender<()>,
}

pub async fn start(options: ServeOptions) -> Limited {
    let dir = tempfile::tempdir().unwrap();
    let test_db = crate::support::TestDb::new(dir.path(), "test.db").await;
    let db = test_db.open().await;
    frontdesk::admin::create_org(&db, ORG, ORG_TZ).await.unwrap();
    frontdesk::admin::create_location(&db, ORG, LOCATION, None).await.unwrap();
    frontdesk::admin::create_user(&db, ORG, USER, PASSWORD, Some(LOCATION)).await.unwrap();
    frontdesk::admin::create_user(&db, ORG, "other", PASSWORD, None).await.unwrap();
    db.close().await;
    let config = ServerConfig {
        db: test_db.location.clone(),
        listen: "127.0.0.1:0".parse().unwrap(),
        media: frontdesk::photo::PhotoStore::new(dir.path().join("media")),
        public_url: None,
        clock: Clock::System,
    };
    let server = Server::bind_with(config, options).await.unwrap();
    let addr = server.local_addr();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = rx.await;
    }));
    Limited { base: format!("http://{addr}"), addr, _dir: dir, test_db, _stop: tx }
}

async fn login_from(base: &str, from: &str, username: &str, password: &str) -> reqwest::Response {
    let client =
        frontdesk::client::http_builder().local_address(from.parse::<std::net::IpAddr>().unwrap()).build().unwrap();
    client
        .post(format!("{base}/api/get-token/"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
}

/// Reads until the server closes the connection (a guard of 20 s turns a
/// connection held for good into a failure, not a hang).
async fn read_until_closed(stream: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server kept the connection open; got {:?}", String::from_utf8_lossy(&got));
    String::from_utf8_lossy(&got).to_lowercase()
}

fn small_login_limit() -> ServeOptions {
    ServeOptions {
        login_limits: ThrottleLimits { max_failures: 3, window: Duration::from_secs(60) },
        ..ServeOptions::default()
    }
}

#[tokio::test]
async fn failed_logins_are_throttled_per_username_and_per_address_with_retry_after() {
    let server = start(small_login_limit()).await;
    for _ in 0..3 {
        let resp = login_from(&server.base, "127.0.0.1", USER, "wrong").await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    }
    // Even the right password waits now, and no password is checked.
    let resp = login_from(&server.base, "127.0.0.1", USER, PASSWORD).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = resp.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let body: serde_json::Value = resp.json().await.unwrap();
    assert!(body["detail"].as_str().unwrap().starts_with("Request was throttled."), "{body}");
    // The same username from another address: throttled by the username.
    let resp = login_from(&server.base, "127.0.0.2", USER, PASSWORD).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    // Another username from the first address: throttled by the address.
    let resp = login_from(&server.base, "127.0.0.1", "other", PASSWORD).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    // Another username from another address logs in.
    let resp = login_from(&server.base, "127.0.0.3", "other", PASSWORD).await;
    assert_eq!(resp.status(), StatusCode::OK);
}

/// A refused login is answered only after the hold, so a flood that asks
/// again as soon as it is refused gets one answer a second per connection.
#[tokio::test]
async fn a_throttled_login_is_answered_after_the_refusal_hold() {
    let hold = Duration::from_millis(400);
    let server = start(ServeOptions { login_refusal_hold: hold, ..small_login_limit() }).await;
    for _ in 0..3 {
        assert_eq!(login_from(&server.base, "127.0.0.7", USER, "wrong").await.status(), StatusCode::BAD_REQUEST);
    }
    let started = std::time::Instant::now();
    let resp = login_from(&server.base, "127.0.0.7", USER, PASSWORD).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(started.elapsed() >= hold, "answered after {:?}", started.elapsed());
}

#[tokio::test]
async fn a_successful_login_clears_the_usernames_failures() {
    let server = start(small_login_limit()).await;
    for _ in 0..2 {
        assert_eq!(login_from(&server.base, "127.0.0.4", USER, "wrong").await.status(), StatusCode::BAD_REQUEST);
    }
    assert_eq!(login_from(&server.base, "127.0.0.5", USER, PASSWORD).await.status(), StatusCode::OK);
    for _ in 0..2 {
        assert_eq!(login_from(&server.base, "127.0.0.6", USER, "wrong").await.status(), StatusCode::BAD_REQUEST);
    }
    assert_eq!(login_from(&server.base, "127.0.0.7", USER, PASSWORD).await.status(), StatusCode::OK);
}

fn short_timeouts() -> ServeOptions {
    ServeOptions {
        connections: ConnectionLimits {
            header_timeout: Duration::from_millis(300),
            idle_timeout: Duration::from_millis(300),
            body_stall_timeout: Duration::from_millis(300),
            ..ConnectionLimits::default()
        },
        ..ServeOptions::default()
    }
}

#[tokio::test]
async fn a_connection_that_sends_nothing_or_half_a_head_is_closed() {
    let server = start(short_timeouts()).await;
    let mut silent = TcpStream::connect(server.addr).await.unwrap();
    let mut half = TcpStream::connect(server.addr).await.unwrap();
    half.write_all(b"GET /api/gyms/ HTTP/1.1\r\nHost: x\r\nAccept: */").await.unwrap();
    read_until_closed(&mut silent).await;
    read_until_closed(&mut half).await;
}

#[tokio::test]
async fn a_head_must_arrive_within_the_header_timeout_while_idle_connections_wait_longer() {
    let options = ServeOptions {
        connections: ConnectionLimits {
            header_timeout: Duration::from_millis(300),
            idle_timeout: Duration::from_secs(60),
            ..ConnectionLimits::default()
        },
        ..ServeOptions::default()
    };
    let server = start(options).await;
    let mut half = TcpStream::connect(server.addr).await.unwrap();
    half.write_all(b"GET /api/gyms/ HTTP/1.1\r\nHost: x\r\nAccept: */").await.unwrap();
    read_until_closed(&mut half).await;
    // An idle keep-alive connection outlives the header timeout.
    let mut idle = TcpStream::connect(server.addr).await.unwrap();
    let mut buf = [0u8; 4096];
    for _ in 0..2 {
        idle.write_all(b"GET /api/gyms/ HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
        let n = tokio::time::timeout(Duration::from_secs(20), idle.read(&mut buf)).await.unwrap().unwrap();
        assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 401"));
        tokio::time::sleep(Duration::from_millis(900)).await;
    }
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let server = start(short_timeouts()).await;
    let mut conn = TcpStream::connect(server.addr).await.unwrap();
    conn.write_all(b"GET /api/gyms/ HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let answer = read_until_closed(&mut conn).await;
    assert!(answer.starts_with("http/1.1 401"), "{answer}");
    assert!(!answer.contains("connection: close"), "{answer}");
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_refused_and_the_connection_closed() {
    let server = start(short_timeouts()).await;
    let mut conn = TcpStream::connect(server.addr).await.unwrap();
    conn.write_all(
        b"POST /api/get-token/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"user",
    )
    .await
    .unwrap();
    let answer = read_until_closed(&mut conn).await;
    assert!(answer.starts_with("http/1.1 400"), "{answer}");
    assert!(answer.contains("connection: close"), "{answer}");
    assert!(answer.contains("stopped arriving"), "{answer}");
}

#[tokio::test]
async fn connections_beyond_the_cap_are_refused_with_503_and_the_server_recovers() {
    let options = ServeOptions {
        connections: ConnectionLimits { max_connections: Some(2), ..ConnectionLimits::default() },
        ..ServeOptions::default()
    };
    let server = start(options).await;
    let held1 = TcpStream::connect(server.addr).await.unwrap();
    let held2 = TcpStream::connect(server.addr).await.unwrap();
    let mut third = TcpStream::connect(server.addr).await.unwrap();
    let answer = read_until_closed(&mut third).await;
    assert!(answer.starts_with("http/1.1 503"), "{answer}");
    assert!(answer.contains("connection: close"), "{answer}");
    assert!(answer.contains("retry-after: 1"), "{answer}");
    drop((held1, held2));
    // Slots come back as the held connections close.
    let client = frontdesk::client::http_builder().build().unwrap();
    let mut answered = false;
    for _ in 0..100 {
        if let Ok(resp) = client.get(format!("{}/api/gyms/", server.base)).send().await
            && resp.status() == StatusCode::UNAUTHORIZED
        {
            answered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(answered);
}

/// At the cap, slow clients do not lock everyone out: the connection that
/// has waited longest with no request under way is closed to make room, and
/// the new client is answered.
#[tokio::test]
async fn at_the_cap_the_longest_waiting_connection_makes_room_for_a_new_one() {
    let options = ServeOptions {
        connections: ConnectionLimits {
            max_connections: Some(2),
            evict_waiting_after: Duration::from_millis(100),
            ..ConnectionLimits::default()
        },
        ..ServeOptions::default()
    };
    let server = start(options).await;
    let mut oldest = TcpStream::connect(server.addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut newer = TcpStream::connect(server.addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let client = frontdesk::client::http_builder().build().unwrap();
    let resp = client.get(format!("{}/api/gyms/", server.base)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    // The oldest silent connection was closed without an answer ...
    assert_eq!(read_until_closed(&mut oldest).await, "");
    // ... and only that one: the newer still serves a request.
    let request = format!("GET /api/gyms/ HTTP/1.1\r\nhost: {}\r\nconnection: close\r\n\r\n", server.addr);
    newer.write_all(request.as_bytes()).await.unwrap();
    assert!(read_until_closed(&mut newer).await.starts_with("http/1.1 401"));
}

/// A client that sends its request at once, as every client does, still
/// reads the `503`: the refusal is not lost to a reset.
#[tokio::test]
async fn a_refused_client_that_already_sent_its_request_reads_the_503() {
    let options = ServeOptions {
        connections: ConnectionLimits { max_connections: Some(1), ..ConnectionLimits::default() },
        ..ServeOptions::default()
    };
    let server = start(options).await;
    let _held = TcpStream::connect(server.addr).await.unwrap();
    // A burst: the later connections wait in the backlog with their request
    // already sent by the time the server takes them.
    let request = format!("GET /api/gyms/ HTTP/1.1\r\nhost: {}\r\n\r\n", server.addr);
    let mut burst = Vec::new();
    for _ in 0..60 {
        let mut refused = TcpStream::connect(server.addr).await.unwrap();
        refused.write_all(request.as_bytes()).await.unwrap();
        burst.push(refused);
    }
    for (n, mut refused) in burst.into_iter().enumerate() {
        let answer = read_until_closed(&mut refused).await;
        assert!(answer.starts_with("http/1.1 503"), "connection {n}: {answer:?}");
    }
}

#[tokio::test]
async fn an_early_refusal_that_leaves_the_body_unread_says_connection_close() {
    let server = start(ServeOptions::default()).await;
    let body = vec![b'x'; 5000];
    for (head, status) in [
        ("POST /api/customers/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json", "401"),
        ("PUT /api/get-token/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json", "405"),
    ] {
        let mut conn = TcpStream::connect(server.addr).await.unwrap();
        conn.write_all(format!("{head}\r\nContent-Length: {}\r\n\r\n", body.len()).as_bytes()).await.unwrap();
        conn.write_all(&body).await.unwrap();
        let answer = read_until_closed(&mut conn).await;
        assert!(answer.starts_with(&format!("http/1.1 {status}")), "{answer}");
        assert!(answer.contains("connection: close"), "{answer}");
    }
    // A request whose body was read keeps its connection.
    let client = frontdesk::client::http_builder().build().unwrap();
    let resp = client
        .post(format!("{}/api/get-token/", server.base))
        .json(&json!({"username": USER, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers().get("connection").is_none());
}

#[tokio::test]
async fn start_up_removes_old_photo_files_no_customer_refers_to() {
    let mut server = crate::support::TestServer::start().await;
    let id = server.api().await.create_customer("a@example.com", "Ada", "Lovelace").await;
    let name =
        |c: char, small: bool| format!("{}{}", c.to_string().repeat(32), if small { "_small.jpg" } else { ".jpg" });
    let (kept_full, kept_small) = (name('a', false), name('a', true));
    server
        .execute_sql(&format!(
            "UPDATE customers SET profile_image = '{kept_full}', profile_image_small = '{kept_small}' WHERE id = {id}"
        ))
        .await;
    let media = server.media_dir();
    let old = std::time::SystemTime::now() - Duration::from_secs(3600);
    let orphan = name('b', false);
    let young_orphan = name('c', true);
    let partial = format!(".{}.partial", name('d', false));
    let not_ours = "notes.txt".to_string();
    for (file, age) in [
        (&kept_full, old),
        (&kept_small, old),
        (&orphan, old),
        (&partial, old),
        (&not_ours, old),
        (&young_orphan, std::time::SystemTime::now()),
    ] {
        let f = std::fs::File::create(media.join(file)).unwrap();
        f.set_modified(age).unwrap();
    }
    server.restart_with_clock(Clock::System).await;
    let left: std::collections::BTreeSet<String> =
        std::fs::read_dir(&media).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    let expected: std::collections::BTreeSet<String> =
        [kept_full, kept_small, young_orphan, not_ours].into_iter().collect();
    assert_eq!(left, expected);
}

#[tokio::test]
async fn commits_are_synchronous_full_by_default_and_normal_on_request() {
    let dir = tempfile::tempdir().unwrap();
    for (durability, expected) in
        [(frontdesk::storage::Durability::Full, 2), (frontdesk::storage::Durability::Normal, 1)]
    {
        let db = Db::open_with(&dir.path().join("d.db"), durability).await.unwrap();
        assert_eq!(synchronous(&db).await, expected, "{durability:?}");
        db.close().await;
    }
    let db = Db::open(&dir.path().join("d.db")).await.unwrap();
    assert_eq!(synchronous(&db).await, 2);
}

/// SQLite's `PRAGMA synchronous` on one of the pool's connections.
async fn synchronous(db: &Db) -> i64 {
    let frontdesk::storage::Pool::Sqlite(pool) = db.pool() else { panic!("a SQLite database") };
    let mut conn = pool.acquire().await.unwrap();
    let (level,): (i64,) = sqlx::query_as("PRAGMA synchronous").fetch_one(&mut *conn).await.unwrap();
    level
}
