//! The customer list's pages are found two ways (walking the list in order,
//! or sorting a filter's matches, chosen from the count): whichever way, a
//! filtered list is the full list's order restricted to the matches.

use std::collections::HashSet;

use serde_json::Value;

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
