//! `GET /api/customers/possible-duplicates/` (issue 16): each signal (email,
//! phone digits, name with birthday), accents and case, phone formatting,
//! ranking, the cap of 20, organizations kept apart, validation, and the keys
//! kept on every write path.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Api, TestServer};

const PATH: &str = "/api/customers/possible-duplicates/";

async fn create(api: &Api, body: Value) -> i64 {
    let (status, created) = api.post("/api/customers/", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["id"].as_i64().unwrap()
}

fn person(email: &str, first: &str, last: &str, birthday: &str, telephone: &str) -> Value {
    json!({"email": email, "first_name": first, "last_name": last, "birthday": birthday, "telephone": telephone})
}

/// The ids the check answers for `query` (a query string), in order.
async fn ids(api: &Api, query: &str) -> Vec<i64> {
    let page = api.ok(&format!("{PATH}?{query}")).await;
    let results = page["results"].as_array().unwrap();
    assert_eq!(page["count"].as_u64().unwrap() as usize, results.len(), "{page}");
    assert!(page["next"].is_null() && page["previous"].is_null(), "{page}");
    results.iter().map(|c| c["id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn each_signal_finds_its_customer() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let ann = create(&api, person("Ann.Lee@Example.com", "Ann", "Lee", "1985-02-03", "")).await;
    let bo = create(&api, person("bo@example.com", "Bo", "Berg", "1979-11-30", "(555) 123-4567")).await;
    let jose = create(&api, person("jn@example.com", "José", "Núñez", "1990-05-17", "")).await;
    create(&api, person("other@example.com", "Cy", "Dahl", "1990-05-17", "555 987 6543")).await;

    // Email, case ignored.
    assert_eq!(ids(&api, "email=ann.lee%40example.COM").await, [ann]);
    // Phone digits, however written, with or without the country code.
    assert_eq!(ids(&api, "telephone=555.123.4567").await, [bo]);
    assert_eq!(ids(&api, "telephone=%2B1%20555%20123%204567").await, [bo]);
    assert_eq!(ids(&api, "telephone=555-123-4568").await, Vec::<i64>::new());
    // Name with birthday, accents and case ignored.
    assert_eq!(ids(&api, "first_name=JOSE&last_name=nunez&birthday=1990-05-17").await, [jose]);
    assert_eq!(ids(&api, "first_name=Jos%C3%A9&last_name=N%C3%BA%C3%B1ez&birthday=1990-05-17").await, [jose]);
    // The same name on another birthday is somebody else.
    assert_eq!(ids(&api, "first_name=Jose&last_name=Nunez&birthday=1990-05-18").await, Vec::<i64>::new());
    // Nobody shares anything: an empty page.
    assert_eq!(ids(&api, "email=new%40example.com&telephone=5550000000").await, Vec::<i64>::new());
}

#[tokio::test]
async fn more_signals_rank_first_and_each_result_is_the_list_shape() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let phone_only = create(&api, person("a@example.com", "Al", "Ames", "1970-01-01", "555 222 3333")).await;
    let email_only = create(&api, person("dana@example.com", "Dee", "Other", "1971-01-01", "")).await;
    let phone_and_name = create(&api, person("b@example.com", "Dana", "Søe", "1980-04-04", "5552223333")).await;
    let all_three = create(&api, person("c@example.com", "Dana", "Soe", "1992-06-06", "(555) 222-3333")).await;

    let query = "first_name=dana&last_name=soe&birthday=1992-06-06&email=dana%40example.com&telephone=555-222-3333";
    assert_eq!(ids(&api, query).await, [all_three, phone_and_name, phone_only, email_only]);

    // Each candidate is written exactly as the customer list writes it.
    let page = api.ok(&format!("{PATH}?{query}")).await;
    let listed = api.ok("/api/customers/?search=c%40example.com").await;
    assert_eq!(page["results"][0], listed["results"][0]);
}

#[tokio::test]
async fn at_most_twenty_are_answered() {
    let server = TestServer::start().await;
    let api = server.api().await;
    for n in 0..25 {
        create(&api, person(&format!("family{n}@example.com"), "Kid", &format!("N{n}"), "2015-01-01", "555 010 0000"))
            .await;
    }
    assert_eq!(ids(&api, "telephone=5550100000").await.len(), 20);
}

#[tokio::test]
async fn another_organizations_customers_are_never_candidates() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let other = server.other_org("Other Gym").await;
    let ours = create(&api, person("same@example.com", "Eve", "Ng", "1990-01-01", "555 444 5555")).await;
    let theirs = create(&other, person("same@example.com", "Eve", "Ng", "1990-01-01", "555 444 5555")).await;
    let query = "email=same%40example.com&telephone=5554445555&first_name=Eve&last_name=Ng&birthday=1990-01-01";
    assert_eq!(ids(&api, query).await, [ours]);
    assert_eq!(ids(&other, query).await, [theirs]);
}

#[tokio::test]
async fn a_query_with_nothing_to_compare_or_a_bad_birthday_is_refused() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let (status, body) = api.get(PATH).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["non_field_errors"][0].as_str().unwrap().contains("Nothing to compare"), "{body}");

    let (status, body) = api.get(&format!("{PATH}?telephone=12-34")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["non_field_errors"][0].as_str().unwrap().contains("fewer than 7 digits"), "{body}");

    let (status, body) = api.get(&format!("{PATH}?first_name=Ann&last_name=Lee")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["non_field_errors"][0].as_str().unwrap().contains("only together with a birthday"), "{body}");

    let (status, body) = api.get(&format!("{PATH}?first_name=Ann&last_name=Lee&birthday=1990-13-01")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, json!({"birthday": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}));

    // Only GET; and the path is not taken for a customer id.
    let (status, _) = api.post(PATH, json!({})).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let id = create(&api, person("x@example.com", "X", "Y", "2000-01-01", "")).await;
    assert_eq!(api.ok(&format!("/api/customers/{id}/")).await["id"], id);
    let (status, _) = Api::anonymous(&server.base).get(&format!("{PATH}?email=x%40example.com")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_keys_follow_edits_imports_and_older_rows() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let id = create(&api, person("f@example.com", "Fay", "Fox", "1988-08-08", "")).await;
    // An edit moves the keys with the fields.
    let (status, body) =
        api.patch(&format!("/api/customers/{id}/"), json!({"telephone": "555 777 8888", "last_name": "Fuchs"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(ids(&api, "telephone=5557778888").await, [id]);
    assert_eq!(ids(&api, "first_name=fay&last_name=FUCHS&birthday=1988-08-08").await, [id]);
    assert_eq!(ids(&api, "first_name=fay&last_name=fox&birthday=1988-08-08").await, Vec::<i64>::new());

    // The import writes them too.
    server
        .import(json!({"customers": [{"id": 1, "email": "imp@example.com", "first_name": "Zoë", "last_name": "Ìmport",
                                      "birthday": "2001-01-01", "telephone": "+44 7700 900123"}]}))
        .await;
    let imported = api.id_of("imp@example.com").await;
    assert_eq!(ids(&api, "telephone=07700%20900123").await, [imported]);
    assert_eq!(ids(&api, "first_name=zoe&last_name=import&birthday=2001-01-01").await, [imported]);

    // Rows written before the keys existed get them when the database opens.
    server.execute_sql("UPDATE customers SET dup_name = NULL, dup_phone = NULL").await;
    assert_eq!(ids(&api, "telephone=5557778888").await, Vec::<i64>::new());
    let reopened = server.test_db.open().await;
    reopened.close().await;
    assert_eq!(ids(&api, "telephone=5557778888").await, [id]);
    assert_eq!(ids(&api, "first_name=zoe&last_name=import&birthday=2001-01-01").await, [imported]);
}

#[tokio::test]
async fn the_demo_has_second_accounts_the_check_catches() {
    let args = frontdesk::cli::DemoArgs {
        customers: 80,
        db: None,
        seed: 11,
        no_app: true,
        listen: None,
        distribution: Default::default(),
        media_store: None,
        media_public_url: None,
    };
    let demo = frontdesk::demo::start(&args).await.expect("demo starts");
    let anon = Api::anonymous(&demo.base_url);
    let (status, body) =
        anon.post("/api/get-token/", json!({"username": demo.username, "password": demo.password})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let api = Api { token: Some(body["token"].as_str().unwrap().to_string()), ..anon };
    let everyone = api.all("/api/customers/?page_size=100").await;
    assert_eq!(everyone.len(), 80);
    let query = |c: &Value, fields: &[&str]| {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for f in fields {
            q.append_pair(f, c[*f].as_str().unwrap());
        }
        q.finish()
    };
    // The same name and birthday, spelled differently (an accent, capitals).
    let mut by_name = 0;
    // The same phone number written another way.
    let mut by_phone = 0;
    for c in &everyone {
        let page = api.ok(&format!("{PATH}?{}", query(c, &["first_name", "last_name", "birthday"]))).await;
        let others = page["results"].as_array().unwrap().iter().filter(|o| o["id"] != c["id"]).count();
        if others > 0 {
            by_name += 1;
        }
        if c["telephone"].as_str().unwrap().len() >= 7 {
            let page = api.ok(&format!("{PATH}?{}", query(c, &["telephone"]))).await;
            let written_otherwise = page["results"]
                .as_array()
                .unwrap()
                .iter()
                .any(|o| o["id"] != c["id"] && o["telephone"] != c["telephone"]);
            by_phone += usize::from(written_otherwise);
        }
    }
    assert!(by_name >= 4, "{by_name} customers share a name and birthday with another");
    assert!(by_phone >= 4, "{by_phone} customers share a phone number written another way");
    demo.stop().await.unwrap();
}

/// Each candidate is the customer exactly as the API reads it, whether the
/// answer comes from the customer index or from SQL (`--customer-index off`),
/// and a write made just before the check is in its answer.
#[tokio::test]
async fn each_candidate_is_the_customer_as_the_api_reads_it_with_or_without_the_index() {
    let server = TestServer::start().await;
    let index = server.api().await;
    let options = frontdesk::server::ServeOptions { customer_index: false, ..Default::default() };
    let sql = Api { base: server.serve_also(options, server.clock.clone()).await, ..index.clone() };
    let ann = create(&index, person("ann@example.com", "Ann", "Lee", "1985-02-03", "303 555 0100")).await;
    for (n, api) in [&index, &sql, &index].into_iter().enumerate() {
        let name = format!("Lee-{n}");
        let page = api.ok(&format!("{PATH}?telephone=3035550100")).await;
        let read = api.ok(&format!("/api/customers/{ann}/")).await;
        assert_eq!(page["results"][0], read, "{}", api.base);
        let (status, _) = api.patch(&format!("/api/customers/{ann}/"), json!({"last_name": name})).await;
        assert_eq!(status, StatusCode::OK);
        let page = api.ok(&format!("{PATH}?telephone=3035550100")).await;
        assert_eq!(page["results"][0]["last_name"], json!(name), "the write just made is in the answer");
    }
}
