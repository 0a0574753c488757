//! The desk end to end: a scanner's burst checks a customer in, an expired waiver is refused in
//! Capitan's words, a scan taken while the server is down is delivered exactly once, an edit is saved
//! after its errors are fixed in place, and a new photo is uploaded.

use serde_json::json;

use super::pty::Pty;
use super::support::{self, TestServer};

/// A config for the app against `base`, with `extra` TOML after it; the scan journal in `dir`.
pub(super) fn desk_config(dir: &std::path::Path, base: &str, token: &str, extra: &str) -> std::path::PathBuf {
    let path = dir.join("config.toml");
    let journal = dir.join("scans.jsonl");
    std::fs::write(
        &path,
        format!(
            "base_url = \"{base}/api/\"\ntoken = \"{token}\"\n\n[photos]\nprotocol = \"halfblocks\"\n\n\
             [check_in]\njournal = \"{}\"\n{extra}\n",
            journal.display()
        ),
    )
    .unwrap();
    path
}

fn open(config: &std::path::Path, home: &std::path::Path) -> Pty {
    super::app(config, home)
}

async fn quit(mut pty: Pty) {
    pty.type_text("\x03");
    let status = pty.wait_exit().await;
    assert!(status.success(), "{status:?}\n{}", pty.screen());
}

/// Ann (a member, barcode 100042) and Bob (a member whose waiver expired, barcode 100043).
async fn gym(server: &TestServer) {
    server
        .import(json!({
            "membership_types": [{"id": 1, "name": "Monthly Membership"}],
            "customers": [
                {"id": 1, "email": "ann@example.com", "first_name": "Ann", "last_name": "Smith",
                 "birthday": "1990-05-17", "barcode": "100042",
                 "documents": [{"name": "Waiver", "expiration_date": null}]},
                {"id": 2, "email": "bob@example.com", "first_name": "Bob", "last_name": "Jones",
                 "birthday": "1985-01-02", "barcode": "100043",
                 "documents": [{"name": "Waiver", "expiration_date": "2020-01-01"}]}
            ],
            "memberships": [
                {"membership_type_id": 1, "owner_id": 1, "start_date": "2020-01-01"},
                {"membership_type_id": 1, "owner_id": 2, "start_date": "2020-01-01"}
            ]
        }))
        .await;
}

async fn check_ins_of(api: &support::Api, email: &str) -> u64 {
    let id = api.id_of(email).await;
    api.ok(&format!("/api/customers/{id}/check-ins/")).await["count"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scanner_burst_checks_in_green_an_expired_waiver_is_refused_red_and_undo_voids() {
    let server = TestServer::start().await;
    gym(&server).await;
    let api = server.api().await;
    let dir = tempfile::tempdir().unwrap();
    let config = desk_config(dir.path(), &server.base, api.token.as_deref().unwrap(), "start = true");
    let mut pty = open(&config, dir.path());
    pty.wait_for("Scan › ready for the next scan").await;

    // The scanner types the code and Enter within a few milliseconds: one write.
    pty.type_text("100042\r");
    pty.wait_for("✔ IN   Ann Smith").await;
    pty.wait_for("Entry: Monthly Membership").await;
    pty.wait_for("✔ in").await;
    assert_eq!(check_ins_of(&api, "ann@example.com").await, 1);

    pty.type_text("100043\r");
    pty.wait_for("✖ REFUSED   Bob Jones").await;
    pty.wait_for("The following alert is preventing you from checking in: No waiver.").await;
    assert_eq!(check_ins_of(&api, "bob@example.com").await, 0);

    // Undo the last check-in (Ann's), after a yes.
    pty.type_text("\x1a");
    pty.wait_for("Void the check-in of Ann Smith?").await;
    pty.type_text("y");
    pty.wait_for("Check-in of Ann Smith undone").await;
    assert_eq!(check_ins_of(&api, "ann@example.com").await, 0);
    quit(pty).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scan_while_the_server_is_down_is_queued_and_delivered_exactly_once_after_it_is_back() {
    let mut server = TestServer::start().await;
    gym(&server).await;
    let api = server.api().await;
    let dir = tempfile::tempdir().unwrap();
    let config = desk_config(dir.path(), &server.base, api.token.as_deref().unwrap(), "start = true");
    server.go_down().await;

    let mut pty = open(&config, dir.path());
    pty.wait_for("Scan › ready for the next scan").await;
    pty.type_text("100042\r");
    pty.wait_for("◷ QUEUED").await;
    pty.wait_for("◷ 1 queued").await;
    // The app closes with the scan on disk (quitting asks first, as a scan waits), and the server comes back.
    pty.type_text("\x03");
    pty.wait_for("1 scan is waiting for the server").await;
    pty.type_text("y");
    assert!(pty.wait_exit().await.success());
    server.come_back().await;

    let pty = open(&config, dir.path());
    pty.wait_for("1 queued scan sent: all checked in").await;
    pty.wait_for("✔ in").await;
    pty.wait_for("Ann Smith").await;
    assert_eq!(check_ins_of(&api, "ann@example.com").await, 1);
    quit(pty).await;

    // Opened again, it has nothing left to send.
    let pty = open(&config, dir.path());
    pty.wait_for("Scan › ready for the next scan").await;
    // The status line names the server's host and port.
    pty.wait_for(server.base.trim_start_matches("http://")).await;
    assert!(!pty.screen().contains("queued"), "{}", pty.screen());
    quit(pty).await;
    assert_eq!(check_ins_of(&api, "ann@example.com").await, 1, "delivered exactly once");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_is_saved_after_its_errors_are_fixed_in_place_and_a_new_photo_is_uploaded() {
    let server = TestServer::start().await;
    gym(&server).await;
    let api = server.api().await;
    let dir = tempfile::tempdir().unwrap();
    let config = desk_config(dir.path(), &server.base, api.token.as_deref().unwrap(), "");
    let mut pty = open(&config, dir.path());
    pty.wait_for("2 customers").await;
    pty.type_text("smith");
    pty.wait_for("1 customer ").await;
    pty.type_text("\x1b[B");
    pty.type_text("\r");
    pty.wait_for("Identity and photo").await;

    pty.type_text("\x1bOS"); // F4: edit
    pty.wait_for("Edit Ann Smith").await;
    // The email is checked as typed, with the server's own rule.
    pty.type_text("\x15ann@");
    pty.wait_for("✖ Enter a valid email address.").await;
    pty.type_text("example.org");
    pty.wait_gone("✖ Enter a valid email address.").await;
    // To the barcode, which belongs to Bob already: the server says so on the field.
    pty.type_text(&"\t".repeat(16));
    pty.wait_for("Scan a new key tag now").await;
    pty.type_text("\x15100043");
    pty.wait_for("100043").await;
    pty.type_text("\x13");
    pty.wait_for("✖ customer with this barcode already exists.").await;
    pty.wait_for("ann@example.org").await;
    pty.type_text("\x15100044");
    pty.wait_gone("already exists").await;
    pty.type_text("\x13");
    pty.wait_for("Saved Ann Smith").await;
    let ann = api.customer_by_email("ann@example.org").await;
    assert_eq!(ann["barcode"], "100044");

    // A new photo: the file name completed, the photo shown as it will be stored, then uploaded.
    let photos = dir.path().join("photos");
    std::fs::create_dir(&photos).unwrap();
    std::fs::write(photos.join("ann-portrait.jpg"), support::jpeg(900, 3)).unwrap();
    pty.type_text("\x10"); // ctrl-p: a new photo
    pty.wait_for("New photo for Ann Smith").await;
    let typed = format!("{}/ann-p", photos.display());
    pty.type_text(&typed);
    pty.wait_for(&typed).await;
    pty.type_text("\t");
    pty.wait_for("ann-portrait.jpg").await;
    pty.type_text("\r");
    pty.wait_for("This is the photo as it will be stored.").await;
    pty.wait_for("512×512 JPEG").await;
    pty.type_text("\x13");
    pty.wait_for("New photo saved for Ann Smith").await;
    pty.wait_for("Identity and photo").await;
    let ann = api.customer_by_email("ann@example.org").await;
    let url = ann["profile_image"].as_str().expect("a photo on file").to_string();
    let bytes = api.http.get(&url).send().await.unwrap().bytes().await.unwrap();
    let stored = image::load_from_memory(&bytes).unwrap();
    assert_eq!((stored.width(), stored.height()), (512, 512));
    quit(pty).await;
    server.stop().await;
}

/// Quitting asks for a yes while a scan waits for the server (it is kept for the next start, but
/// the desk should know), and a letter typed in the list never quits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quitting_with_a_queued_scan_asks_first_and_letters_never_quit() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let dir = tempfile::tempdir().unwrap();
    let config = desk_config(dir.path(), &base, "some-token", "start = true");
    let mut pty = open(&config, dir.path());
    pty.wait_for("Scan › ready for the next scan").await;
    pty.type_text("100042\r");
    pty.wait_for("QUEUED").await;
    pty.type_text("\x03");
    pty.wait_for("1 scan is waiting for the server").await;
    pty.wait_for("Quit anyway? y yes").await;
    pty.type_text("n");
    pty.wait_gone("Quit anyway?").await;
    // The desk's search: q, Q and other letters are typed, nothing quits.
    pty.type_text("\x1b"); // esc: back to the search screen
    pty.wait_for("Search").await;
    pty.type_text("qQ");
    pty.wait_for("Search › qQ").await;
    pty.type_text("\x11"); // ctrl-q
    pty.wait_for("Quit anyway? y yes").await;
    pty.type_text("y");
    let status = pty.wait_exit().await;
    assert!(status.success(), "{status:?}\n{}", pty.screen());
}

/// A second admission the same day at a location that does not combine them (the demo's default)
/// is yellow and says when the first was; the check-in is still made, as Capitan does. The app runs
/// with its computer's zone far from the gym's: the times shown are the gym's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_scan_the_same_day_is_yellow_already_in_today_and_still_checks_in() {
    let server = TestServer::start().await;
    gym(&server).await;
    let api = server.api().await;
    let gym_zone = api.ok("/api/gyms/").await["results"][0]["time_zone"].as_str().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let config = desk_config(dir.path(), &server.base, api.token.as_deref().unwrap(), "start = true");
    let home = dir.path().to_str().unwrap();
    let mut pty = super::pty::Pty::spawn(
        env!("CARGO_BIN_EXE_frontdesk"),
        &["--config", config.to_str().unwrap()],
        &[("HOME", home), ("TERM", "xterm-256color"), ("FRONTDESK_TOKEN", ""), ("TZ", "Pacific/Kiritimati")],
        100,
        30,
    );
    pty.wait_for("Checking in at").await;
    pty.type_text("100042\r");
    pty.wait_for("✔ IN   Ann Smith").await;
    pty.type_text("100042\r");
    pty.wait_for("✔ ! IN   Ann Smith").await;
    pty.wait_for("Already checked in today at").await;
    assert_eq!(check_ins_of(&api, "ann@example.com").await, 2, "the second check-in is still made");
    // The earlier time is the first check-in's, on the gym's clock.
    let id = api.id_of("ann@example.com").await;
    let first = api.ok(&format!("/api/customers/{id}/check-ins/")).await["results"][1]["check_in_datetime"]
        .as_str()
        .unwrap()
        .to_string();
    let hh_mm = &first[11..16];
    pty.wait_for(&format!("Already checked in today at {hh_mm}")).await;
    let now_there = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get(&gym_zone).unwrap());
    assert_eq!(&first[..10], now_there.date().to_string(), "check-in times are the gym's wall clock");
    quit(pty).await;
    server.stop().await;
}
