//! `frontdesk export` (issue 15): an organization written as an import
//! document; imported into an empty database it gives the same API answers.

use frontdesk::import::ImportDocument;
use frontdesk::storage::orgs;
use serde_json::{Value, json};

use crate::support::{Api, ORG, TestServer, fixed_clock};

const NOW: &str = "2026-06-15T18:00:00Z";

/// The answer with what the server assigns left out: ids (`id`, `*_id`) and
/// URLs (every `http://...` value).
fn without_assigned(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, v)| {
                    !(k.as_str() == "id" || k.ends_with("_id") || v.as_str().is_some_and(|s| s.starts_with("http://")))
                })
                .map(|(k, v)| (k.clone(), without_assigned(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_assigned).collect()),
        other => other.clone(),
    }
}

/// Every customer's Read answer and every sub-collection, by email, as text
/// with the assigned ids and URLs left out.
async fn everything(api: &Api) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut customers = api.all("/api/customers/?ordering=email").await;
    customers.sort_by(|a, b| a["email"].as_str().cmp(&b["email"].as_str()));
    for listed in customers {
        let id = listed["id"].as_i64().unwrap();
        let read = api.ok(&format!("/api/customers/{id}/")).await;
        let email = read["email"].as_str().unwrap().to_string();
        out.push((format!("{email} read"), without_assigned(&read).to_string()));
        // Every sub-collection the answer links to.
        let own = format!("/api/customers/{id}/");
        let mut links: Vec<(&String, &str)> = read
            .as_object()
            .unwrap()
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|url| (k, url)))
            .filter(|(_, url)| url.contains(&own) && !url.ends_with(&own) && url.ends_with('/'))
            .collect();
        links.sort();
        for (name, url) in links {
            let items = api.all(url).await;
            out.push((format!("{email} {name}"), without_assigned(&Value::Array(items)).to_string()));
        }
    }
    out
}

async fn export(server: &TestServer) -> ImportDocument {
    let mut conn = server.db.acquire().await.unwrap();
    let org = orgs::org_by_name(&mut conn, ORG).await.unwrap();
    drop(conn);
    frontdesk::import::export::export(&server.db, &org).await.expect("export")
}

/// A demo gym exported, then imported into an empty database: every
/// customer's answers are the same, byte for byte.
#[tokio::test]
async fn an_exported_gym_imported_into_an_empty_database_answers_the_same() {
    let clock = fixed_clock(NOW);
    let now = clock.now();
    let source = TestServer::start_with_clock(clock.clone()).await;
    let demo = frontdesk::demo::generate::generate(7, 40, now).expect("demo document");
    let mut demo_json = serde_json::to_value(&demo).unwrap();
    // The test server's own location is the demo's first.
    demo_json["locations"][0]["name"] = json!(crate::support::LOCATION);
    source.import(demo_json).await;

    let doc = export(&source).await;
    assert_eq!(doc.customers.len(), 40);
    assert!(doc.keys.customers.iter().all(|k| k.external_id.is_some()), "every customer has an external id");
    // Through its text, as `frontdesk export` writes it and `import` reads it.
    let text = serde_json::to_string_pretty(&doc).unwrap();
    let restored = TestServer::start_with_clock(clock).await;
    let parsed: Value = serde_json::from_str(&text).unwrap();
    restored.import(parsed.clone()).await;

    let (a, b) = (source.api().await, restored.api().await);
    let (before, after) = (everything(&a).await, everything(&b).await);
    assert_eq!(before.len(), after.len());
    assert!(before.len() > 40 * 10, "every sub-collection was compared: {}", before.len());
    for ((what, x), (_, y)) in before.iter().zip(&after) {
        assert_eq!(x, y, "{what} differs after the round trip");
    }

    // The export imported again updates in place: into the restored
    // database (which keeps the external ids) and into the one it came from
    // (whose records had none: `customer-<id>` names them).
    let summary = restored.import(parsed.clone()).await;
    assert_eq!(summary.customers, 0, "{summary}");
    assert_eq!(everything(&b).await, after, "importing the export again changes nothing");
    let summary = source.import(parsed).await;
    assert_eq!((summary.customers, summary.locations, summary.membership_types), (0, 0, 0), "{summary}");
    assert_eq!(everything(&a).await, before, "importing the export into its source changes nothing");
}

#[tokio::test]
async fn the_export_names_each_record_with_its_external_id() {
    let server = TestServer::start_with_clock(fixed_clock(NOW)).await;
    server
        .import(json!({
            "proficiencies": [{"id": 1, "external_id": "lead", "name": "Lead Belay"}],
            "customers": [{"id": 1, "external_id": "legacy-17", "email": "a@example.com", "first_name": "A",
                           "last_name": "B", "birthday": "1990-01-01", "proficiencies": [{"proficiency_id": 1}]},
                          {"email": "c@example.com", "first_name": "C", "last_name": "D", "birthday": "1990-01-01"}]
        }))
        .await;
    let doc = serde_json::to_value(export(&server).await).unwrap();
    assert_eq!(doc["proficiencies"][0]["external_id"], json!("lead"));
    assert_eq!(doc["customers"][0]["external_id"], json!("legacy-17"));
    let made = doc["customers"][1]["external_id"].as_str().unwrap();
    assert!(made.starts_with("customer-"), "{made}");
    let proficiency = doc["proficiencies"][0]["id"].clone();
    assert_eq!(doc["customers"][0]["proficiencies"][0]["proficiency_id"], proficiency);
}
