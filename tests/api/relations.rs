//! `relations/`: symmetric create and delete, and the validation of
//! `related_customer_id` and `relation`.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Api, TestServer};

fn relations(customer_id: i64) -> String {
    format!("/api/customers/{customer_id}/relations/")
}

async fn listed(api: &Api, customer_id: i64) -> Vec<Value> {
    api.all(&relations(customer_id)).await
}

#[tokio::test]
async fn relating_a_child_makes_the_parent_relation_on_the_other_side() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let mum = api.create_customer("mum@example.com", "Maria", "Lopez").await;
    let kid = api.create_customer("kid@example.com", "Leo", "Lopez").await;

    let (status, created) = api.post(&relations(mum), json!({"related_customer_id": kid, "relation": "CHI"})).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["related_customer_id"], kid);
    assert_eq!(created["related_customer_url"], json!(format!("{}/api/customers/{kid}/", server.base)));
    assert_eq!(created["related_customer_email"], "kid@example.com");
    assert_eq!(created["related_customer_first_name"], "Leo");
    assert_eq!(created["related_customer_last_name"], "Lopez");
    assert_eq!(created["relation"], "CHI");
    assert_eq!(created["url"], json!(format!("{}{}{}/", server.base, relations(mum), created["id"])));
    assert_eq!(api.ok(created["url"].as_str().unwrap()).await, created);

    let reverse = listed(&api, kid).await;
    assert_eq!(reverse.len(), 1);
    assert_eq!(reverse[0]["related_customer_id"], mum);
    assert_eq!(reverse[0]["related_customer_first_name"], "Maria");
    assert_eq!(reverse[0]["relation"], "PRE");
    assert_eq!(listed(&api, mum).await, vec![created]);
}

#[tokio::test]
async fn each_relation_code_pairs_with_its_reverse() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let base = api.create_customer("base@example.com", "Base", "Person").await;
    let pairs = [
        ("CHI", "PRE"),
        ("PRE", "CHI"),
        ("WAR", "GUA"),
        ("GUA", "WAR"),
        ("SPO", "SPO"),
        ("PRT", "PRT"),
        ("SIB", "SIB"),
        ("OTH", "OTH"),
    ];
    for (i, (code, reverse)) in pairs.into_iter().enumerate() {
        let other = api.create_customer(&format!("other{i}@example.com"), "Other", &format!("Person{i}")).await;
        let (status, body) = api.post(&relations(base), json!({"related_customer_id": other, "relation": code})).await;
        assert_eq!(status, StatusCode::CREATED, "{code}: {body}");
        let back = listed(&api, other).await;
        assert_eq!(back.len(), 1);
        assert_eq!(
            (back[0]["related_customer_id"].clone(), back[0]["relation"].clone()),
            (json!(base), json!(reverse))
        );
    }
    assert_eq!(api.ok(&relations(base)).await["count"], 8);
}

#[tokio::test]
async fn deleting_either_side_deletes_both() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let a = api.create_customer("a@example.com", "Ada", "Alpha").await;
    let b = api.create_customer("b@example.com", "Bea", "Beta").await;
    let c = api.create_customer("c@example.com", "Cy", "Gamma").await;

    let (_, ab) = api.post(&relations(a), json!({"related_customer_id": b, "relation": "WAR"})).await;
    let (_, ac) = api.post(&relations(a), json!({"related_customer_id": c, "relation": "SIB"})).await;
    // Delete A->B from B's side.
    let b_side = listed(&api, b).await[0]["url"].as_str().unwrap().to_string();
    let (status, body) = api.delete(&b_side).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert!(listed(&api, b).await.is_empty());
    assert_eq!(listed(&api, a).await, vec![ac.clone()], "only A->C is left");
    assert_eq!(api.get(ab["url"].as_str().unwrap()).await.0, StatusCode::NOT_FOUND);

    // And A->C from A's side.
    assert_eq!(api.delete(ac["url"].as_str().unwrap()).await.0, StatusCode::NO_CONTENT);
    assert!(listed(&api, a).await.is_empty() && listed(&api, c).await.is_empty());
    assert_eq!(api.delete(ac["url"].as_str().unwrap()).await.0, StatusCode::NOT_FOUND);

    // A deleted pair can be related again.
    let (status, _) = api.post(&relations(b), json!({"related_customer_id": a, "relation": "GUA"})).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn relation_writes_name_each_bad_field() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let a = api.create_customer("a@example.com", "Ada", "Alpha").await;
    let b = api.create_customer("b@example.com", "Bea", "Beta").await;
    let other_org = server.other_org("Other Gym").await;
    let stranger = other_org.create_customer("s@example.com", "Sam", "Stranger").await;

    let bad = |body: Value, expected: Value| {
        let api = api.clone();
        async move {
            let (status, answer) = api.post(&relations(a), body.clone()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
            assert_eq!(answer, expected, "{body}");
        }
    };
    bad(
        json!({}),
        json!({"related_customer_id": ["This field is required."], "relation": ["This field is required."]}),
    )
    .await;
    bad(
        json!({"related_customer_id": null, "relation": null}),
        json!({"related_customer_id": ["This field may not be null."], "relation": ["This field may not be null."]}),
    )
    .await;
    bad(
        json!({"related_customer_id": "abc", "relation": "Cousin"}),
        json!({"related_customer_id": ["Incorrect type. Expected pk value, received str."],
               "relation": ["\"Cousin\" is not a valid choice."]}),
    )
    .await;
    bad(
        json!({"related_customer_id": [b], "relation": "SIB"}),
        json!({"related_customer_id": ["Incorrect type. Expected pk value, received list."]}),
    )
    .await;
    bad(
        json!({"related_customer_id": a, "relation": "SIB"}),
        json!({"related_customer_id": ["A customer cannot be related to themselves."]}),
    )
    .await;
    bad(
        json!({"related_customer_id": 987_654, "relation": "SIB"}),
        json!({"related_customer_id": ["Invalid pk \"987654\" - object does not exist."]}),
    )
    .await;
    bad(
        json!({"related_customer_id": stranger, "relation": "SIB"}),
        json!({"related_customer_id": [format!("Invalid pk \"{stranger}\" - object does not exist.")]}),
    )
    .await;
    // The database's complaint comes with the others.
    bad(
        json!({"related_customer_id": a, "relation": "XXX"}),
        json!({"related_customer_id": ["A customer cannot be related to themselves."],
               "relation": ["\"XXX\" is not a valid choice."]}),
    )
    .await;
    assert!(listed(&api, a).await.is_empty(), "nothing was written");

    let (status, _) = api.post(&relations(a), json!({"related_customer_id": b.to_string(), "relation": "SIB"})).await;
    assert_eq!(status, StatusCode::CREATED, "an id may come as a string");
    bad(
        json!({"related_customer_id": b, "relation": "SPO"}),
        json!({"related_customer_id": [format!("This customer is already related to customer {b}.")]}),
    )
    .await;
    let (status, answer) = api.post(&relations(b), json!({"related_customer_id": a, "relation": "SIB"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the reverse side exists too: {answer}");
    assert_eq!(listed(&api, a).await.len(), 1);
    assert_eq!(listed(&api, b).await.len(), 1);
}

#[tokio::test]
async fn relations_cannot_be_replaced_or_updated() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let a = api.create_customer("a@example.com", "Ada", "Alpha").await;
    let b = api.create_customer("b@example.com", "Bea", "Beta").await;
    let (_, created) = api.post(&relations(a), json!({"related_customer_id": b, "relation": "SIB"})).await;
    let url = created["url"].as_str().unwrap();
    assert_eq!(
        api.put(url, json!({"related_customer_id": b, "relation": "SPO"})).await.0,
        StatusCode::METHOD_NOT_ALLOWED
    );
    assert_eq!(api.patch(url, json!({"relation": "SPO"})).await.0, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(api.ok(url).await["relation"], "SIB");
    assert_eq!(api.delete(&format!("{}abc/", relations(a))).await.0, StatusCode::NOT_FOUND);
}
