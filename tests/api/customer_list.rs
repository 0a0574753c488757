//! The customer list at scale: its pages are found two ways (walking the
//! list in order, or sorting a filter's matches, chosen from the count), and
//! some filters read rows kept by `storage::derived`.

use std::collections::HashSet;

use frontdesk::storage::customer_filters::{ActiveMembership, CustomerFilter};
use frontdesk::storage::{customers, derived};
use jiff::ToSpan;
use serde_json::{Value, json};

use crate::support::TestServer;

fn ids(rows: &[Value]) -> Vec<i64> {
    rows.iter().map(|c| c["id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn filtered_pages_keep_the_full_lists_order_whichever_way_they_are_found() {
    let server = TestServer::start().await;
    let now = jiff::Timestamp::now();
    let doc = frontdesk::demo::generate::generate(4, 1500, now);
    server.import(serde_json::to_value(&doc).unwrap()).await;
    let api = server.api().await;

    let all = api.all("/api/customers/?page_size=100").await;
    assert_eq!(all.len(), 1500);
    let key = |c: &Value| {
        let text = |k: &str| c[k].as_str().unwrap().trim().to_lowercase();
        (text("last_name"), text("first_name"), c["id"].as_i64().unwrap())
    };
    assert!(all.windows(2).all(|w| key(&w[0]) < key(&w[1])), "the full list is in last, first, id order");
    let order = ids(&all);

    let email = all[700]["email"].as_str().unwrap().to_string();
    let queries = [
        // One match among 1,500: sorted through the search index.
        format!("search={email}"),
        // A few dozen: walked on page 1, sorted deeper down.
        "has_frozen_membership=true".to_string(),
        "tags=vip".to_string(),
        // Counted from the related rows alone (one set, then an intersection).
        "has_proficiencies=4".to_string(),
        "has_proficiencies=4,5".to_string(),
        // Hundreds: walked.
        "has_active_membership=true".to_string(),
        "age_max=12".to_string(),
        "search=smi".to_string(),
    ];
    for query in queries {
        let got = api.all(&format!("/api/customers/?{query}&page_size=7")).await;
        let count = api.ok(&format!("/api/customers/?{query}")).await["count"].as_u64().unwrap();
        assert_eq!(got.len() as u64, count, "{query}: every page together holds count rows");
        assert!(count > 0, "{query} matches someone in the demo gym");
        let matched: HashSet<i64> = ids(&got).into_iter().collect();
        let expected: Vec<i64> = order.iter().copied().filter(|id| matched.contains(id)).collect();
        assert_eq!(ids(&got), expected, "{query}: pages follow the full list's order");
    }
}

#[tokio::test]
async fn the_membership_name_filter_follows_memberships_as_they_start_and_end() {
    let server = TestServer::start().await;
    let org = server.org().await;
    let today = org.local_date(jiff::Timestamp::now());
    let day = |offset: i64| today.checked_add(offset.days()).unwrap().to_string();
    server
        .import(json!({
            "membership_types": [
                {"id": 1, "name": "Monthly Membership"},
                {"id": 2, "name": "Annual Membership", "interval": "YEA"}
            ],
            "customers": [
                {"id": 1, "email": "ann@example.com", "first_name": "Ann", "last_name": "Lee", "birthday": "1990-01-01"},
                {"id": 2, "email": "bo@example.com", "first_name": "Bo", "last_name": "Lee", "birthday": "1991-01-01"}
            ],
            "memberships": [
                {"membership_type_id": 1, "owner_id": 1, "start_date": day(-30), "end_date": day(10)},
                {"membership_type_id": 2, "owner_id": 1, "status": "FUT", "start_date": day(5)},
                {"membership_type_id": 1, "owner_id": 2, "start_date": day(-30),
                 "members": [{"customer_id": 2, "is_individually_frozen": true}]}
            ]
        }))
        .await;
    let api = server.api().await;
    let count = |body: Value| body["count"].as_u64().unwrap();
    assert_eq!(count(api.ok("/api/customers/?has_active_membership=MONTH").await), 1, "Ann's, not Bo's frozen one");
    assert_eq!(count(api.ok("/api/customers/?has_active_membership=annual").await), 0, "not started yet");

    // Twenty days on: Ann's monthly membership has ended and her annual one started.
    let later = today.checked_add(20.days()).unwrap();
    let mut tx = server.db.begin_write().await.unwrap();
    derived::catch_up(&org, &mut tx, Some(today), later).await.unwrap();
    tx.commit().await.unwrap();
    let named = |name: &str| CustomerFilter {
        has_active_membership: Some(ActiveMembership::Name(name.into())),
        today: Some(later),
        ..CustomerFilter::default()
    };
    let mut conn = server.db.acquire().await.unwrap();
    let (annual, found) = customers::list(&org, &mut conn, &named("annual"), 0, 10).await.unwrap();
    assert_eq!((annual, found[0].first_name.as_str()), (1, "Ann"));
    assert_eq!(customers::list(&org, &mut conn, &named("month"), 0, 10).await.unwrap().0, 0);
}
