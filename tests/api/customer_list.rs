//! The customer list at scale: its pages are found two ways (walking the
//! list in order, or sorting a filter's matches, chosen from the count), and
//! some filters read rows kept by `storage::derived`.

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
    let doc = frontdesk::demo::generate::generate(4, 1500, now).expect("the demo gym generates");
    server.import(serde_json::to_value(&doc).unwrap()).await;
    let api = server.api().await;

    let all = api.all("/api/customers/?page_size=100").await;
    assert_eq!(all.len(), 1500);
    let key = |c: &Value| {
        let text = |k: &str| c[k].as_str().unwrap().trim().to_lowercase();
        (text("last_name"), text("first_name"), c["id"].as_i64().unwrap())
    };
    assert!(all.windows(2).all(|w| key(&w[0]) < key(&w[1])), "the full list is in last, first, id order");

    let email = all[700]["email"].as_str().unwrap().to_string();
    let today = server.org().await.local_date(now);
    let age = |c: &Value| {
        let born: jiff::civil::Date = c["birthday"].as_str().unwrap().parse().unwrap();
        today.since((jiff::Unit::Year, born)).unwrap().get_years()
    };
    let text = |c: &Value| {
        ["email", "first_name", "last_name", "preferred_name", "telephone", "barcode"]
            .iter()
            .map(|k| c[*k].as_str().unwrap_or("").to_lowercase())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let named = |c: &Value, key: &str, name: &str| c[key].as_array().unwrap().iter().any(|t| t == name);
    type Check<'a> = Box<dyn Fn(&Value) -> bool + 'a>;
    let queries: Vec<(String, Check)> = vec![
        // One match among 1,500: sorted through the search index.
        (format!("search={email}"), Box::new(|c: &Value| c["email"] == json!(email))),
        // A few dozen: walked on page 1, sorted deeper down.
        ("has_frozen_membership=true".into(), Box::new(|c: &Value| c["has_frozen_membership"] == json!(true))),
        ("tags=vip".into(), Box::new(|c: &Value| named(c, "tags", "VIP"))),
        // Counted from the related rows alone (one set, then an intersection).
        (
            "has_proficiencies=4".into(),
            Box::new(|c: &Value| named(c, "active_proficiency_names", "Auto Belay Orientation")),
        ),
        (
            "has_proficiencies=4,5".into(),
            Box::new(|c: &Value| {
                named(c, "active_proficiency_names", "Auto Belay Orientation")
                    && named(c, "active_proficiency_names", "Bouldering Orientation")
            }),
        ),
        // Hundreds: walked.
        ("has_active_membership=true".into(), Box::new(|c: &Value| c["has_active_membership"] == json!(true))),
        ("age_max=12".into(), Box::new(|c: &Value| age(c) <= 12)),
        ("search=smi".into(), Box::new(|c: &Value| text(c).contains("smi"))),
        (
            "search=smi&gender=F&has_opted_in_to_marketing=true".into(),
            Box::new(|c: &Value| {
                text(c).contains("smi") && c["gender"] == json!("F") && c["has_opted_in_to_marketing"] == json!(true)
            }),
        ),
    ];
    for (query, matches) in queries {
        let got = api.all(&format!("/api/customers/?{query}&page_size=7")).await;
        let count = api.ok(&format!("/api/customers/?{query}")).await["count"].as_u64().unwrap();
        let expected: Vec<i64> = all.iter().filter(|c| matches(c)).map(|c| c["id"].as_i64().unwrap()).collect();
        assert!(!expected.is_empty(), "{query} matches someone in the demo gym");
        assert_eq!(count, expected.len() as u64, "{query}: the count is the number of matches");
        assert_eq!(ids(&got), expected, "{query}: the pages hold exactly the matches, in the full list's order");
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
            // Prepaid, so Ann's ends on its end date (a recurring one renews: tests/api/terms.rs).
            "membership_types": [
                {"id": 1, "name": "Monthly Membership", "purchase_type": "PRE"},
                {"id": 2, "name": "Annual Membership", "interval": "YRL"}
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
