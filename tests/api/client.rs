//! The terminal app's HTTP client against a real server on loopback: the
//! same code that must work on Capitan's service.

use std::time::Duration;

use frontdesk::client::{self, Client, ClientError, CustomerQuery, SubCollection, Timeouts};
use serde_json::json;

use crate::support::{PASSWORD, TestServer, USER, jpeg};

fn base(server: &TestServer) -> reqwest::Url {
    client::parse_base_url(&format!("{}/api/", server.base)).unwrap()
}

async fn logged_in(server: &TestServer) -> Client {
    let token = client::get_token(&base(server), USER, PASSWORD).await.expect("token");
    Client::new(base(server), &token).unwrap()
}

fn people(n: usize) -> serde_json::Value {
    let customers: Vec<_> = (0..n)
        .map(|i| {
            json!({
                "email": format!("climber{i}@example.com"),
                "first_name": format!("Climber{i}"),
                "last_name": if i % 2 == 0 { "Even" } else { "Odd" },
                "birthday": if i < 10 { "2015-06-01" } else { "1990-06-01" },
                "tags": if i % 3 == 0 { vec!["staff"] } else { vec![] },
            })
        })
        .collect();
    json!({ "customers": customers })
}

#[tokio::test]
async fn the_client_searches_filters_and_follows_next_to_the_end() {
    let server = TestServer::start().await;
    server.import(people(130)).await;
    let client = logged_in(&server).await;

    let first = client.customers(&CustomerQuery::default(), 50).await.unwrap();
    assert_eq!(first.count, 130);
    assert_eq!(first.results.len(), 50);
    let second = client.customers_page(first.next.as_deref().unwrap()).await.unwrap();
    assert_eq!(second.results.len(), 50);
    assert!(second.results.iter().all(|c| !first.results.iter().any(|f| f.id == c.id)));

    let everyone = client.all_customers(&CustomerQuery::default(), usize::MAX).await.unwrap();
    assert_eq!(everyone.len(), 130, "following next collects every row once");

    let query = CustomerQuery {
        search: "odd".into(),
        filters: vec![("age_min".into(), "18".into()), ("tags".into(), "staff".into())],
    };
    let found = client.all_customers(&query, usize::MAX).await.unwrap();
    assert!(!found.is_empty());
    assert!(found.iter().all(|c| c.last_name == "Odd" && c.tags == ["staff"] && c.birthday.unwrap().year() == 1990));

    let one = client.customer(found[0].id).await.unwrap();
    assert_eq!(one, found[0]);
}

#[tokio::test]
async fn failures_come_back_as_typed_errors() {
    let server = TestServer::start().await;
    let client = logged_in(&server).await;

    assert!(matches!(client.customer(999_999).await, Err(ClientError::NotFound(_))));

    let bad_filter = CustomerQuery { search: String::new(), filters: vec![("age_min".into(), "abc".into())] };
    match client.customers(&bad_filter, 10).await {
        Err(ClientError::Validation(errors)) => assert!(errors.get("age_min").is_some(), "{errors}"),
        other => panic!("{other:?}"),
    }

    let stranger = Client::new(base(&server), "not-a-token").unwrap();
    assert!(matches!(stranger.customers(&CustomerQuery::default(), 10).await, Err(ClientError::Unauthorized(_))));

    match client::get_token(&base(&server), USER, "wrong").await {
        Err(ClientError::Validation(errors)) => assert!(errors.get("non_field_errors").is_some()),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_unreachable_server_is_offline_after_bounded_retries() {
    // A port that was just free: nothing listens there now.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api/", listener.local_addr().unwrap());
    drop(listener);
    let timeouts = Timeouts {
        connect: Duration::from_secs(2),
        request: Duration::from_secs(2),
        read_attempts: 3,
        first_backoff: Duration::from_millis(5),
    };
    let client = Client::with_timeouts(client::parse_base_url(&url).unwrap(), "t", timeouts).unwrap();
    let err = client.customers(&CustomerQuery::default(), 10).await.unwrap_err();
    assert!(matches!(err, ClientError::Offline(_)), "{err:?}");
    assert!(err.is_transient());
}

#[tokio::test]
async fn a_sub_collection_this_server_lacks_is_not_available_rather_than_an_error() {
    let server = TestServer::start().await;
    server.import(people(1)).await;
    let client = logged_in(&server).await;
    let mut customer = client.customers(&CustomerQuery::default(), 1).await.unwrap().results.remove(0);
    // Whatever this server offers, every kind answers without an error.
    for kind in SubCollection::ALL {
        client.sub_collection(&customer, kind).await.unwrap_or_else(|e| panic!("{kind:?}: {e}"));
    }
    customer.alerts_url = format!("{}/api/customers/{}/no-such-collection/", server.base, customer.id);
    assert_eq!(client.sub_collection(&customer, SubCollection::Alerts).await.unwrap(), None);
    // A link off the API's own server is refused, so the token never leaves it.
    customer.notes_url = "http://elsewhere.invalid/api/notes/".into();
    assert!(matches!(client.sub_collection(&customer, SubCollection::Notes).await, Err(ClientError::BadResponse(_))));
}

#[tokio::test]
async fn photos_download_from_the_api_server_within_a_size_limit() {
    let server = TestServer::start_serving_media().await;
    server.import(people(1)).await;
    let client = logged_in(&server).await;
    let id = client.customers(&CustomerQuery::default(), 1).await.unwrap().results[0].id;
    let (full, small) = (jpeg(512, 3), jpeg(128, 3));
    server.set_photo(id, &full, &small).await;
    let customer = client.customer(id).await.unwrap();
    let bytes = client.photo(customer.profile_image.as_deref().unwrap()).await.unwrap();
    assert_eq!(bytes, full);
    let bytes = client.photo(customer.profile_image_small.as_deref().unwrap()).await.unwrap();
    assert_eq!(bytes, small);
    let missing = format!("{}/media/none.jpg", server.base);
    assert!(matches!(client.photo(&missing).await, Err(ClientError::NotFound(_))));
}
