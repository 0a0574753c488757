//! Token authentication as DRF answers it, and the wall between
//! organizations: another organization's customers are invisible.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{Api, PASSWORD, TestServer, USER, customer_json};

#[tokio::test]
async fn a_request_without_credentials_gets_401_with_a_token_challenge() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let token = api.token.clone().unwrap();
    let anon = Api::anonymous(&server.base);
    let not_provided = json!({"detail": "Authentication credentials were not provided."});
    for (header, body) in [
        (None, not_provided.clone()),
        (Some("".to_string()), not_provided.clone()),
        (Some(format!("Bearer {token}")), not_provided.clone()),
        (Some("Token".to_string()), json!({"detail": "Invalid token header. No credentials provided."})),
        (
            Some(format!("Token {token} extra")),
            json!({"detail": "Invalid token header. Token string should not contain spaces."}),
        ),
        (Some("Token 0123456789abcdef0123456789abcdef01234567".to_string()), json!({"detail": "Invalid token."})),
        (Some(format!("Token {}", token.to_uppercase())), json!({"detail": "Invalid token."})),
    ] {
        for path in ["/api/customers/", "/api/customers/1/", "/api/gyms/"] {
            let (status, challenge, answer) = anon.with_authorization(header.as_deref()).get(path).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{header:?} {path}");
            assert_eq!(challenge.as_deref(), Some("Token"), "{header:?} {path}");
            assert_eq!(answer, body, "{header:?} {path}");
        }
    }
    let (status, _) = anon.post("/api/customers/", customer_json("a@example.com", "A", "B")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(api.ok("/api/customers/").await["count"], json!(0), "nothing was created");
}

#[tokio::test]
async fn the_token_keyword_is_case_insensitive() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let token = api.token.clone().unwrap();
    for keyword in ["Token", "token", "TOKEN", "tOkEn"] {
        let (status, _, body) =
            api.with_authorization(Some(&format!("{keyword} {token}"))).get("/api/customers/").await;
        assert_eq!(status, StatusCode::OK, "{keyword}: {body}");
    }
}

#[tokio::test]
async fn get_token_refuses_wrong_credentials_and_names_missing_fields() {
    let server = TestServer::start().await;
    let anon = Api::anonymous(&server.base);
    let wrong = (StatusCode::BAD_REQUEST, json!({"non_field_errors": ["Unable to log in with provided credentials."]}));
    assert_eq!(anon.post("/api/get-token/", json!({"username": USER, "password": "wrong"})).await, wrong);
    assert_eq!(anon.post("/api/get-token/", json!({"username": "nobody", "password": PASSWORD})).await, wrong);
    assert_eq!(
        anon.post("/api/get-token/", json!({"username": USER.to_uppercase(), "password": PASSWORD})).await,
        wrong
    );

    let required = json!(["This field is required."]);
    assert_eq!(
        anon.post("/api/get-token/", json!({"password": PASSWORD})).await,
        (StatusCode::BAD_REQUEST, json!({"username": required}))
    );
    assert_eq!(
        anon.post("/api/get-token/", json!({"username": USER})).await,
        (StatusCode::BAD_REQUEST, json!({"password": required}))
    );
    assert_eq!(
        anon.post("/api/get-token/", json!({})).await,
        (StatusCode::BAD_REQUEST, json!({"username": required, "password": required}))
    );
    assert_eq!(
        anon.post("/api/get-token/", json!({"username": "", "password": PASSWORD})).await,
        (StatusCode::BAD_REQUEST, json!({"username": ["This field may not be blank."]}))
    );
    let (status, body) =
        anon.send_bytes(Method::POST, "/api/get-token/", Some("application/json"), b"{".to_vec()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["detail"].is_string());

    // A form body works too, as it does with DRF's ObtainAuthToken.
    let form = format!("username={USER}&password={}", PASSWORD.replace(' ', "+"));
    let (status, body) =
        anon.send_bytes(Method::POST, "/api/get-token/", Some("application/x-www-form-urlencoded"), form.into()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token"].as_str().map(str::len), Some(40));

    let (status, _) = anon.get("/api/get-token/").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn each_login_gets_a_working_token() {
    let server = TestServer::start().await;
    let first = server.api().await;
    let second = server.api().await;
    assert_ne!(first.token, second.token);
    assert_eq!(first.get("/api/customers/").await.0, StatusCode::OK);
    assert_eq!(second.get("/api/customers/").await.0, StatusCode::OK);
}

#[tokio::test]
async fn another_organizations_customer_is_404_exactly_like_a_missing_one() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let other = server.other_org("Other Gym").await;
    let (status, theirs) = other.post("/api/customers/", customer_json("them@example.com", "Their", "Customer")).await;
    assert_eq!(status, StatusCode::CREATED);
    let their_url = format!("/api/customers/{}/", theirs["id"]);
    let missing_url = "/api/customers/987654/";

    assert_eq!(api.get(&their_url).await, api.get(missing_url).await);
    assert_eq!(api.get(&their_url).await, (StatusCode::NOT_FOUND, json!({"detail": "Not found."})));
    let patch = json!({"first_name": "Hijacked"});
    assert_eq!(api.patch(&their_url, patch.clone()).await, api.patch(missing_url, patch).await);
    let put = customer_json("hijack@example.com", "Hi", "Jack");
    assert_eq!(api.put(&their_url, put.clone()).await, api.put(missing_url, put).await);
    assert_eq!(api.patch(&their_url, json!({"email": "bad"})).await.0, StatusCode::NOT_FOUND);
    assert_eq!(other.ok(&their_url).await, theirs, "their customer is untouched");
}

#[tokio::test]
async fn another_organization_never_appears_in_lists_or_search() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let other = server.other_org("Other Gym").await;
    server
        .import(json!({"customers": [
            {"email": "ann@ours.example", "first_name": "Ann", "last_name": "Shared", "birthday": "1990-01-01",
             "barcode": "B1", "tags": ["VIP"]},
        ]}))
        .await;
    server
        .import_into(
            "Other Gym",
            json!({"customers": [
                {"email": "ann@theirs.example", "first_name": "Ann", "last_name": "Shared", "birthday": "1990-01-01",
                 "barcode": "B1", "tags": ["VIP"]},
                {"email": "zed@theirs.example", "first_name": "Zed", "last_name": "Shared", "birthday": "1990-01-01"},
            ]}),
        )
        .await
        .unwrap();
    for query in
        ["", "?search=shared", "?search=ann", "?search=B1", "?search=theirs", "?tags=VIP", "?birthday_min=1990-01-01"]
    {
        let ours = api.all(&format!("/api/customers/{query}")).await;
        assert!(ours.iter().all(|c| c["email"].as_str().unwrap().ends_with("@ours.example")), "{query}: {ours:?}");
        let page = api.ok(&format!("/api/customers/{query}")).await;
        assert_eq!(page["count"].as_u64().unwrap() as usize, ours.len(), "{query}");
    }
    assert_eq!(api.ok("/api/customers/").await["count"], json!(1));
    assert_eq!(other.ok("/api/customers/").await["count"], json!(2));
    assert_eq!(other.ok("/api/customers/?search=ours").await["count"], json!(0));
}
