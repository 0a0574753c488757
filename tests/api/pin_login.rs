//! Staff PINs (issue 16): `frontdesk admin set-pin` and `POST /api/get-token/`
//! with `{"username", "pin"}`; five wrong logins in a row (PIN or password)
//! lock that username's logins for a minute, in the database, so every server
//! on it agrees, and a correct login after the minute clears the count.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Api, ORG, PASSWORD, TestServer, USER, fixed_clock};

const PIN: &str = "2468";
const NOW: &str = "2026-03-10T18:00:00Z";

/// A login's status, its `Retry-After` (seconds) and its body.
async fn log_in(base: &str, body: Value) -> (StatusCode, Option<u64>, Value) {
    let resp = Api::anonymous(base).request(Method::POST, "/api/get-token/").json(&body).send().await.unwrap();
    let retry_after = resp.headers().get("retry-after").map(|v| v.to_str().unwrap().parse().unwrap());
    let status = resp.status();
    (status, retry_after, resp.json().await.unwrap())
}

fn pin(pin: &str) -> Value {
    json!({"username": USER, "pin": pin})
}

fn password(password: &str) -> Value {
    json!({"username": USER, "password": password})
}

async fn with_pin(server: &TestServer) {
    frontdesk::admin::set_pin(&server.db, ORG, USER, PIN).await.unwrap();
}

#[tokio::test]
async fn a_pin_logs_in_as_its_staff_user_and_the_password_still_works() {
    let server = TestServer::start().await;
    let (status, _, body) = log_in(&server.base, pin(PIN)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "no PIN set yet: {body}");
    assert_eq!(body["non_field_errors"][0], "Unable to log in with provided credentials.");

    with_pin(&server).await;
    let (status, _, body) = log_in(&server.base, pin(PIN)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let api = Api { token: Some(body["token"].as_str().unwrap().to_string()), ..Api::anonymous(&server.base) };
    let id = api.create_customer("ann@example.com", "Ann", "Smith").await;
    let log = api.ok(&format!("/api/customers/{id}/activity-log/")).await;
    assert_eq!(log["results"][0]["staff_username"], USER, "the PIN's token acts as its user");

    assert_eq!(log_in(&server.base, password(PASSWORD)).await.0, StatusCode::OK);
    let (status, _, body) = log_in(&server.base, pin("1357")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["non_field_errors"][0], "Unable to log in with provided credentials.");
    // A form body takes the PIN too.
    let resp = Api::anonymous(&server.base)
        .request(Method::POST, "/api/get-token/")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("username={USER}&pin={PIN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_malformed_pin_login_names_the_problem_and_is_not_counted() {
    let server = TestServer::start().await;
    with_pin(&server).await;
    let (status, _, body) = log_in(&server.base, pin("12")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["pin"][0], "A PIN is 4 to 8 digits (0-9); this one has 2 digits.");
    let (_, _, body) = log_in(&server.base, json!({"username": USER, "pin": 2468})).await;
    assert_eq!(body["pin"][0], "Not a valid string.");
    let (_, _, body) = log_in(&server.base, json!({"username": USER, "pin": PIN, "password": PASSWORD})).await;
    assert_eq!(body["non_field_errors"][0], "Send a password or a PIN, not both.");
    let (_, _, body) = log_in(&server.base, json!({"username": USER})).await;
    assert_eq!(body["password"][0], "This field is required.", "without a PIN, the password is asked for");
    for _ in 0..6 {
        assert_eq!(log_in(&server.base, pin("12a4")).await.0, StatusCode::BAD_REQUEST);
    }
    assert_eq!(log_in(&server.base, pin(PIN)).await.0, StatusCode::OK, "malformed PINs are not wrong tries");
}

#[tokio::test]
async fn set_pin_checks_the_rule_and_the_user() {
    let server = TestServer::start().await;
    let err = frontdesk::admin::set_pin(&server.db, ORG, USER, "123").await.unwrap_err().to_string();
    assert!(err.contains("A PIN is 4 to 8 digits"), "{err}");
    let err = frontdesk::admin::set_pin(&server.db, ORG, USER, "12345a").await.unwrap_err().to_string();
    assert!(err.contains("not a digit"), "{err}");
    let err = frontdesk::admin::set_pin(&server.db, ORG, "nobody", PIN).await.unwrap_err().to_string();
    assert!(err.contains("no staff user named \"nobody\""), "{err}");
    let err = frontdesk::admin::set_pin(&server.db, "No Such Gym", USER, PIN).await.unwrap_err().to_string();
    assert!(err.contains("no organization"), "{err}");
    // A new PIN replaces the old one.
    with_pin(&server).await;
    frontdesk::admin::set_pin(&server.db, ORG, USER, "97531").await.unwrap();
    assert_eq!(log_in(&server.base, pin(PIN)).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(log_in(&server.base, pin("97531")).await.0, StatusCode::OK);
}

#[tokio::test]
async fn five_wrong_tries_in_a_row_lock_pin_and_password_logins_for_a_minute() {
    let mut server = TestServer::start_with_clock(fixed_clock(NOW)).await;
    with_pin(&server).await;
    frontdesk::admin::create_user(&server.db, ORG, "sam", PASSWORD, None).await.unwrap();
    // Four wrong, then a right one: the count starts over.
    for _ in 0..4 {
        assert_eq!(log_in(&server.base, pin("0000")).await.0, StatusCode::BAD_REQUEST);
    }
    assert_eq!(log_in(&server.base, pin(PIN)).await.0, StatusCode::OK);
    // Five wrong in a row, PINs and passwords alike (the username in any case).
    for body in [pin("0000"), password("wrong"), pin("1111"), json!({"username": "DESK", "pin": "2222"})] {
        assert_eq!(log_in(&server.base, body).await.0, StatusCode::BAD_REQUEST);
    }
    let (status, _, body) = log_in(&server.base, password("still wrong")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the fifth wrong try is answered as wrong: {body}");

    // Now even the right PIN or password waits a minute, and says so.
    for body in [pin(PIN), password(PASSWORD)] {
        let (status, retry_after, body) = log_in(&server.base, body).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
        assert_eq!(retry_after, Some(60));
        assert_eq!(
            body["detail"],
            "Too many wrong PINs or passwords in a row: this user's logins are locked. Try again in 60 seconds."
        );
    }
    // Another staff member logs in meanwhile.
    assert_eq!(log_in(&server.base, json!({"username": "sam", "password": PASSWORD})).await.0, StatusCode::OK);

    // 45 seconds later (another server process on the same database): 15 seconds to go.
    server.restart_with_clock(fixed_clock("2026-03-10T18:00:45Z")).await;
    let (status, retry_after, _) = log_in(&server.base, pin(PIN)).await;
    assert_eq!((status, retry_after), (StatusCode::TOO_MANY_REQUESTS, Some(15)));

    // After the minute the right PIN logs in, and the count is cleared: four wrong tries lock nothing.
    server.restart_with_clock(fixed_clock("2026-03-10T18:01:01Z")).await;
    assert_eq!(log_in(&server.base, pin(PIN)).await.0, StatusCode::OK);
    for _ in 0..4 {
        assert_eq!(log_in(&server.base, pin("0000")).await.0, StatusCode::BAD_REQUEST);
    }
    assert_eq!(log_in(&server.base, password(PASSWORD)).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_wrong_try_after_the_lock_locks_again_until_a_right_one() {
    let mut server = TestServer::start_with_clock(fixed_clock(NOW)).await;
    with_pin(&server).await;
    for _ in 0..5 {
        assert_eq!(log_in(&server.base, pin("0000")).await.0, StatusCode::BAD_REQUEST);
    }
    server.restart_with_clock(fixed_clock("2026-03-10T18:01:00Z")).await;
    assert_eq!(log_in(&server.base, pin("0000")).await.0, StatusCode::BAD_REQUEST);
    let (status, retry_after, _) = log_in(&server.base, pin(PIN)).await;
    assert_eq!((status, retry_after), (StatusCode::TOO_MANY_REQUESTS, Some(60)), "one more wrong try: locked again");
}

#[tokio::test]
async fn the_lock_out_is_kept_in_the_database_every_server_on_it_agrees() {
    let server = TestServer::start_with_clock(fixed_clock(NOW)).await;
    with_pin(&server).await;
    let other = server.serve_also(frontdesk::server::ServeOptions::default(), fixed_clock(NOW)).await;
    for base in [&server.base, &other, &server.base, &other, &server.base] {
        assert_eq!(log_in(base, pin("0000")).await.0, StatusCode::BAD_REQUEST);
    }
    for base in [&server.base, &other] {
        let (status, retry_after, _) = log_in(base, pin(PIN)).await;
        assert_eq!((status, retry_after), (StatusCode::TOO_MANY_REQUESTS, Some(60)), "{base}");
    }
}

#[tokio::test]
async fn an_unknown_username_is_locked_out_like_a_known_one() {
    let server = TestServer::start_with_clock(fixed_clock(NOW)).await;
    let nobody = |secret: &str| json!({"username": "nobody", "pin": secret});
    for _ in 0..5 {
        assert_eq!(log_in(&server.base, nobody("0000")).await.0, StatusCode::BAD_REQUEST);
    }
    let (status, retry_after, _) = log_in(&server.base, nobody("1234")).await;
    assert_eq!((status, retry_after), (StatusCode::TOO_MANY_REQUESTS, Some(60)), "no hint that nobody does not exist");
}

#[tokio::test]
async fn the_demo_staff_sign_in_with_the_pins_its_banner_prints() {
    let args = frontdesk::cli::DemoArgs {
        customers: 20,
        db: None,
        seed: 3,
        no_app: true,
        listen: None,
        distribution: Default::default(),
        media_store: None,
        media_public_url: None,
    };
    let demo = frontdesk::demo::start(&args).await.expect("demo starts");
    let (second, _, second_pin) = frontdesk::demo::SECOND_STAFF;
    for (username, pin) in [(frontdesk::demo::USERNAME, frontdesk::demo::PIN), (second, second_pin)] {
        let (status, _, body) = log_in(&demo.base_url, json!({"username": username, "pin": pin})).await;
        assert_eq!(status, StatusCode::OK, "{username}: {body}");
    }
    demo.stop().await.unwrap();
}

/// The app's client: a lock-screen sign-in switches the token every clone uses, so what it writes
/// next is the new staff member's; a lock-out comes back with its wait.
#[tokio::test]
async fn the_clients_staff_switch_writes_as_the_new_staff_member_and_reports_a_lock_out() {
    use frontdesk::client::staff::{Credential, StaffLoginError};
    let server = TestServer::start().await;
    frontdesk::admin::create_user(&server.db, ORG, "sam", PASSWORD, None).await.unwrap();
    frontdesk::admin::set_pin(&server.db, ORG, "sam", PIN).await.unwrap();
    let base = frontdesk::client::parse_base_url(&format!("{}/api/", server.base)).unwrap();
    let token = frontdesk::client::get_token(&base, USER, PASSWORD).await.unwrap();
    let client = frontdesk::client::Client::new(base, &token).unwrap();
    let used_by_tasks = client.clone();
    let kept = client.switch_staff("sam", &Credential::Pin(PIN.into())).await.unwrap();
    assert_ne!(kept, token);
    let body = json!({"email": "ann@example.com", "first_name": "Ann", "last_name": "Smith", "birthday": "1990-05-17"});
    let created = used_by_tasks.create_customer(body.as_object().unwrap()).await.unwrap();
    let api = server.api().await;
    let log = api.ok(&format!("/api/customers/{}/activity-log/", created.id)).await;
    assert_eq!(log["results"][0]["staff_username"], "sam", "a clone writes with the new token");

    for _ in 0..5 {
        let wrong = client.switch_staff("sam", &Credential::Pin("0000".into())).await.unwrap_err();
        assert!(matches!(wrong, StaffLoginError::Failed(frontdesk::client::ClientError::Validation(_))), "{wrong:?}");
    }
    let locked = client.switch_staff("sam", &Credential::Pin(PIN.into())).await.unwrap_err();
    let StaffLoginError::LockedOut { retry_after, message } = locked else { panic!("{locked:?}") };
    assert!((59..=60).contains(&retry_after.as_secs()), "{retry_after:?}");
    assert!(message.starts_with("Too many wrong PINs or passwords in a row"), "{message}");
    // The failed tries left the token as it was: still sam's.
    let change = json!({"first_name": "Anne"});
    used_by_tasks.update_customer(created.id, change.as_object().unwrap()).await.unwrap();
    let log = api.ok(&format!("/api/customers/{}/activity-log/", created.id)).await;
    assert_eq!((&log["results"][0]["action"], &log["results"][0]["staff_username"]), (&json!("update"), &json!("sam")));
}

/// A server without PINs (Capitan) asks for the password when given a `pin`: the app's client then
/// sends the same digits as the password.
#[tokio::test]
async fn digits_are_sent_as_the_password_to_a_server_that_takes_no_pin() {
    use axum::Json;
    let app = axum::Router::new().route(
        "/api/get-token/",
        axum::routing::post(|Json(body): Json<Value>| async move {
            match body.get("password").and_then(Value::as_str) {
                Some("246810") => (reqwest::StatusCode::OK, Json(json!({"token": "capitan-token"}))),
                Some(_) => (
                    reqwest::StatusCode::BAD_REQUEST,
                    Json(json!({"non_field_errors": ["Unable to log in with provided credentials."]})),
                ),
                None => (reqwest::StatusCode::BAD_REQUEST, Json(json!({"password": ["This field is required."]}))),
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/api/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let base = frontdesk::client::parse_base_url(&base).unwrap();
    let client = frontdesk::client::Client::new(base, "old").unwrap();
    let credential = frontdesk::client::staff::Credential::from_typed("246810");
    assert_eq!(client.switch_staff("desk", &credential).await.unwrap(), "capitan-token");
}
