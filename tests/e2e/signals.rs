//! `frontdesk serve` and `frontdesk demo --no-app`, as real processes: the first SIGTERM or Ctrl-C
//! (SIGINT) stops them promptly even while a request is still running, and a demo with `--db` comes
//! back on the address it had.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A loopback port nothing listens on right now.
fn free_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap()
}

fn wait_listening(addr: SocketAddr, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(addr).is_err() {
        assert!(child.try_wait().unwrap().is_none(), "the server exited before listening");
        assert!(Instant::now() < deadline, "nothing listens on {addr}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A request that keeps the server busy: a login whose body never finishes arriving. Returns once
/// the server has it (a second request on another connection was answered after it).
fn start_long_request(addr: SocketAddr) -> TcpStream {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .write_all(
            b"POST /api/get-token/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
              Content-Length: 1000000\r\n\r\n{\"username\": \"desk\", ",
        )
        .unwrap();
    let mut probe = TcpStream::connect(addr).unwrap();
    probe.write_all(b"GET /api/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    let _ = probe.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1"), "{answer}");
    stream
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill").args([&format!("-{name}"), &child.id().to_string()]).status().unwrap();
    assert!(status.success());
}

/// Waits for the process to end, at most `limit` after the signal; kills it if it does not.
fn exits_within(child: &mut Child, limit: Duration) -> Option<Duration> {
    let sent = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return Some(sent.elapsed());
        }
        if sent.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn serve_stops_within_2_s_of_the_first_sigterm_while_a_request_is_running() {
    let dir = tempfile::tempdir().unwrap();
    let addr = free_addr();
    let mut child = Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args(["serve", "--db", dir.path().join("gym.db").to_str().unwrap(), "--listen", &addr.to_string()])
        .args(["--media-dir", dir.path().join("media").to_str().unwrap()])
        .env("FRONTDESK_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_listening(addr, &mut child);
    let _busy = start_long_request(addr);
    signal(&child, "TERM");
    let took = exits_within(&mut child, Duration::from_secs(2));
    assert!(took.is_some(), "serve still running 2 s after SIGTERM with a request in flight");
}

/// `demo --no-app` on `args`; returns the process and its banner (up to the login line).
fn demo(db: &std::path::Path, extra: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args(["demo", "--no-app", "--customers", "12", "--db", db.to_str().unwrap()])
        .args(extra)
        .env("FRONTDESK_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut banner = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        banner.push_str(&line);
        banner.push('\n');
        if line.starts_with("Serving until") {
            break;
        }
    }
    // Keep reading so the demo never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (child, banner)
}

fn api_addr(banner: &str) -> SocketAddr {
    let line = banner.lines().find(|l| l.trim_start().starts_with("API:")).unwrap_or_else(|| panic!("{banner}"));
    let url = line.trim_start().trim_start_matches("API:").trim();
    url.trim_start_matches("http://").trim_end_matches("/api/").parse().unwrap()
}

#[test]
fn a_demo_with_db_comes_back_on_its_address_and_ctrl_c_stops_it_while_busy() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gym.db");
    let first_addr = free_addr();
    let (mut first, banner) = demo(&db, &["--listen", &first_addr.to_string()]);
    assert_eq!(api_addr(&banner), first_addr, "{banner}");
    assert!(banner.trim_end().ends_with('.'), "the banner ends in a whole sentence: {banner}");
    assert!(!banner.contains("\n  or "), "{banner}");
    wait_listening(first_addr, &mut first);
    let _busy = start_long_request(first_addr);
    signal(&first, "INT");
    assert!(exits_within(&mut first, Duration::from_secs(2)).is_some(), "demo still running 2 s after Ctrl-C");

    // No --listen: the address of last time, free again.
    let (mut again, banner) = demo(&db, &[]);
    assert_eq!(api_addr(&banner), first_addr, "{banner}");
    wait_listening(first_addr, &mut again);
    signal(&again, "TERM");
    assert!(exits_within(&mut again, Duration::from_secs(2)).is_some());

    // That address taken by something else: another port, and the banner says so.
    let squatter = TcpListener::bind(first_addr).unwrap();
    let (mut moved, banner) = demo(&db, &[]);
    let addr = api_addr(&banner);
    assert_ne!(addr, first_addr);
    assert!(banner.contains(&format!("{first_addr}, where this database was served last time, is in use")), "{banner}");
    wait_listening(addr, &mut moved);
    signal(&moved, "TERM");
    assert!(exits_within(&mut moved, Duration::from_secs(2)).is_some());
    drop(squatter);
}

/// Reads until the server closes the connection (or `limit` passes); returns what it sent and
/// whether it closed.
fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (String, bool) {
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let closed = loop {
        match stream.read(&mut buf) {
            Ok(0) => break true,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break true,
            Err(_) => break false,
        }
    };
    (String::from_utf8_lossy(&got).to_lowercase(), closed)
}

#[test]
fn serve_applies_its_connection_timeout_flags() {
    let dir = tempfile::tempdir().unwrap();
    let addr = free_addr();
    let mut child = Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args(["serve", "--db", dir.path().join("gym.db").to_str().unwrap(), "--listen", &addr.to_string()])
        .args(["--media-dir", dir.path().join("media").to_str().unwrap()])
        .args(["--header-timeout", "1s", "--idle-timeout", "1s", "--body-timeout", "1s"])
        .env("FRONTDESK_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_listening(addr, &mut child);
    // Each bound is well under the default the flag replaces (60 s idle, 10 s for a head, 30 s
    // for a stalled body): a connection closed within it was closed by the flag's timeout.
    let mut silent = TcpStream::connect(addr).unwrap();
    let mut half_head = TcpStream::connect(addr).unwrap();
    half_head.write_all(b"GET /api/gy").unwrap();
    let mut stalled_body = TcpStream::connect(addr).unwrap();
    stalled_body
        .write_all(b"POST /api/get-token/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"u")
        .unwrap();
    let (_, closed) = read_until_closed(&mut silent, Duration::from_secs(20));
    assert!(closed, "a silent connection outlived --idle-timeout 1s by 20 s");
    let (_, closed) = read_until_closed(&mut half_head, Duration::from_secs(8));
    assert!(closed, "an unfinished request head outlived --header-timeout 1s by 8 s");
    let (answer, closed) = read_until_closed(&mut stalled_body, Duration::from_secs(20));
    assert!(closed && answer.starts_with("http/1.1 400"), "a stalled body under --body-timeout 1s: {answer}");
    assert!(answer.contains("stopped arriving"), "{answer}");
    signal(&child, "TERM");
    assert!(exits_within(&mut child, Duration::from_secs(10)).is_some());
}
