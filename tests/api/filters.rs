//! Every filter of the seed's Filters table over one small gym, on a fixed
//! date: what each matches, that they combine with AND, that `count` and the
//! `next`/`previous` links follow them, and that bad values are named.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Api, TestServer, fixed_clock};

/// 11:00 on 10 March 2026 in Denver (MDT, UTC-6).
const NOW: &str = "2026-03-10T17:00:00Z";

const EVERYONE: [&str; 7] = ["ann", "bob", "zoe", "li", "mary", "dan", "eve"];

fn customer(id: i64, name: &str, fields: Value) -> Value {
    let mut c = json!({"id": id, "email": format!("{name}@example.com"), "first_name": name, "last_name": "Test",
                       "birthday": "1990-01-01"});
    c.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
    c
}

fn check_ins(instants: &[&str]) -> Value {
    instants.iter().map(|at| json!({"location_id": 1, "checked_in_at": at})).collect()
}

/// The gym: who has what is spelled out next to each filter's test.
fn gym() -> Value {
    json!({
        "locations": [{"id": 1, "name": "Boulder"}],
        "membership_types": [
            {"id": 1, "name": "Monthly"},
            {"id": 2, "name": "Youth Team", "is_youth_programming": true},
            {"id": 3, "name": "Family Annual", "is_group": true},
            {"id": 4, "name": "Été Pass"},
        ],
        "proficiencies": [{"id": 1, "name": "Top rope"}, {"id": 2, "name": "Lead"}],
        "associations": [{"id": 1, "name": "USA Climbing"}, {"id": 2, "name": "Alpine Club"}],
        "challenges": [{"id": 1, "name": "100 Days"}, {"id": 2, "name": "Everest"}],
        "event_types": [{"id": 1, "name": "Intro Class"}, {"id": 2, "name": "Birthday Party"}],
        "customers": [
            customer(1, "ann", json!({
                "first_name": "Ann", "last_name": "Smith", "email": "ann.smith@mail.io", "preferred_name": "Annie",
                "gender": "F", "birthday": "1990-03-10", "address_postcode": "80302", "has_opted_in_to_marketing": true,
                "telephone": "(303) 555-0101", "barcode": "BC-1001", "tags": ["VIP", "Staff"],
                "proficiencies": [{"proficiency_id": 1}, {"proficiency_id": 2}], "association_ids": [1, 2],
                "challenges": [{"challenge_id": 1, "status": "INP"}],
                "reservations": [{"event_type_id": 1, "starts_at": "2026-03-20T16:00:00Z"}],
                "check_ins": check_ins(&["2025-11-01T18:00:00Z", "2025-12-01T18:00:00Z", "2026-01-15T07:00:00Z"]),
                "created_at": "2026-01-15T07:00:00Z",
            })),
            customer(2, "bob", json!({
                "first_name": "Bob", "last_name": "Jones", "email": "bob@jones.io", "gender": "M",
                "birthday": "1990-03-11", "address_postcode": "AB1 2CD", "telephone": "720-555-0199", "barcode": "X9",
                "tags": ["VIP"], "proficiencies": [{"proficiency_id": 1}, {"proficiency_id": 2, "is_active": false}],
                "association_ids": [1], "challenges": [{"challenge_id": 2, "status": "COM"}],
                "reservations": [{"event_type_id": 1, "starts_at": "2026-03-20T16:00:00Z", "status": "CAN"},
                                 {"event_type_id": 2, "starts_at": "2026-04-02T16:00:00Z"}],
                "check_ins": check_ins(&["2026-01-15T06:59:59Z"]),
                "created_at": "2026-01-15T06:59:59Z",
            })),
            customer(3, "zoe", json!({
                "first_name": "Zoë", "last_name": "Ångström", "email": "zoe@x.io", "gender": "N",
                "birthday": "2008-02-29", "address_postcode": "ab1 2cd", "proficiencies": [{"proficiency_id": 2}],
                "reservations": [{"event_type_id": 2, "starts_at": "2026-04-02T16:00:00Z"}],
                "created_at": "2026-02-01T12:00:00Z",
            })),
            customer(4, "li", json!({
                "first_name": "Li", "last_name": "Wu", "email": "li@wu.io", "gender": "P", "birthday": "2012-06-30",
                "address_postcode": "80302-1234", "association_ids": [2],
                "challenges": [{"challenge_id": 1, "status": "COM"}],
                "check_ins": check_ins(&["2026-02-01T18:00:00Z"; 9].iter().copied()
                    .chain(["2026-03-09T18:00:00Z"]).collect::<Vec<_>>()),
            })),
            customer(5, "mary", json!({
                "first_name": "Mary-Jane", "last_name": "O'Brien", "email": "mj@obrien.io", "birthday": "1975-12-01",
                "tags": ["staff"],
            })),
            customer(6, "dan", json!({"first_name": "Dan", "last_name": "Payer", "email": "dan@payer.io",
                                      "gender": "M", "birthday": "1980-01-01"})),
            customer(7, "eve", json!({
                "first_name": "Eve", "last_name": "Été", "email": "eve@x.io", "gender": "F", "birthday": "2000-07-04",
                "has_opted_in_to_marketing": true, "check_ins": check_ins(&["2026-03-10T07:30:00Z"]),
            })),
        ],
        "memberships": [
            {"membership_type_id": 1, "owner_id": 1, "start_date": "2025-01-01"},
            {"membership_type_id": 1, "owner_id": 2, "start_date": "2023-06-01", "end_date": "2024-05-31", "status": "END"},
            {"membership_type_id": 2, "owner_id": 3, "start_date": "2026-01-01"},
            {"membership_type_id": 2, "owner_id": 4, "start_date": "2026-04-01"},
            {"membership_type_id": 3, "owner_id": 6, "start_date": "2025-09-01", "members": [{"customer_id": 4}]},
            {"membership_type_id": 1, "owner_id": 5, "start_date": "2024-01-01", "status": "FRZ"},
            {"membership_type_id": 4, "owner_id": 7, "start_date": "2026-03-01"},
        ],
    })
}

async fn start() -> (TestServer, Api) {
    let server = TestServer::start_with_clock(fixed_clock(NOW)).await;
    server.import(gym()).await;
    let api = server.api().await;
    (server, api)
}

/// The short names of the customers `query` finds, checked against `count`.
async fn found(api: &Api, query: &str) -> BTreeSet<String> {
    let path = format!("/api/customers/?page_size=100&{query}");
    let page = api.ok(&path).await;
    let names: BTreeSet<String> = page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| short_name(c["email"].as_str().unwrap()).to_string())
        .collect();
    assert_eq!(page["count"].as_u64().unwrap() as usize, names.len(), "{query}: count agrees with the results");
    names
}

fn short_name(email: &str) -> &str {
    match email {
        "ann.smith@mail.io" => "ann",
        "bob@jones.io" => "bob",
        "zoe@x.io" => "zoe",
        "li@wu.io" => "li",
        "mj@obrien.io" => "mary",
        "dan@payer.io" => "dan",
        "eve@x.io" => "eve",
        other => panic!("unexpected customer {other}"),
    }
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| n.to_string()).collect()
}

fn all_but(names: &[&str]) -> BTreeSet<String> {
    EVERYONE.iter().filter(|n| !names.contains(n)).map(|n| n.to_string()).collect()
}

async fn expect(api: &Api, cases: &[(&str, BTreeSet<String>)]) {
    for (query, expected) in cases {
        assert_eq!(&found(api, query).await, expected, "{query}");
    }
}

async fn assert_bad_value(api: &Api, query: &str, params: &[&str]) {
    let (status, body) = api.get(&format!("/api/customers/?{query}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
    let mut named: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    named.sort_unstable();
    let mut params = params.to_vec();
    params.sort_unstable();
    assert_eq!(named, params, "{query}: {body}");
    assert!(body.as_object().unwrap().values().all(|m| m[0].is_string()), "{body}");
}

/// What `search` should find, worked out here the slow way: every word
/// (split on spaces, control characters and commas) a case-insensitive substring of one of the
/// searchable fields.
fn reference_search(customers: &[Value], query: &str) -> BTreeSet<String> {
    let words: Vec<String> = query
        .split(|c: char| c.is_whitespace() || c.is_control() || c == ',')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    customers
        .iter()
        .filter(|c| {
            let telephone = c["telephone"].as_str().unwrap();
            let digits: String = telephone.chars().filter(char::is_ascii_digit).collect();
            let fields: Vec<String> = ["email", "first_name", "last_name", "preferred_name", "telephone", "barcode"]
                .iter()
                .map(|f| c[*f].as_str().unwrap().to_lowercase())
                .chain([digits])
                .collect();
            words.iter().all(|w| fields.iter().any(|f| f.contains(w.as_str())))
        })
        .map(|c| short_name(c["email"].as_str().unwrap()).to_string())
        .collect()
}

fn query_of(search: &str) -> String {
    form_urlencoded::Serializer::new(String::new()).append_pair("search", search).finish()
}

#[tokio::test]
async fn search_matches_substrings_of_the_searchable_fields_case_insensitively() {
    let (_server, api) = start().await;
    expect(
        &api,
        &[
            ("search=smith", set(&["ann"])),
            ("search=SMITH", set(&["ann"])),
            ("search=mit", set(&["ann"])),
            ("search=annie", set(&["ann"])),
            ("search=mail.io", set(&["ann"])),
            ("search=jones.io", set(&["bob"])),
            ("search=555-0101", set(&["ann"])),
            ("search=5550101", set(&["ann"])),
            ("search=720", set(&["bob"])),
            ("search=bc-1001", set(&["ann"])),
            ("search=x9", set(&["bob"])),
            ("search=%C3%85NGSTR%C3%96M", set(&["zoe"])),
            ("search=zo%C3%AB", set(&["zoe"])),
            ("search=%C3%A9t%C3%A9", set(&["eve"])),
            ("search=o'brien", set(&["mary"])),
            ("search=mary-jane", set(&["mary"])),
            ("search=%20smith%20%20", set(&["ann"])),
            ("search=", all_but(&[])),
        ],
    )
    .await;
}

#[tokio::test]
async fn search_words_must_each_match_somewhere_and_short_words_count() {
    let (_server, api) = start().await;
    expect(
        &api,
        &[
            ("search=ann+smith", set(&["ann"])),
            ("search=smith+ann", set(&["ann"])),
            ("search=ann+jones", set(&[])),
            ("search=bob+720", set(&["bob"])),
            ("search=ann,smith", set(&["ann"])),
            ("search=wu", set(&["li"])),
            ("search=li+wu", set(&["li"])),
            ("search=w", set(&["li"])),
            ("search=q", set(&[])),
            ("search=x9+jo", set(&["bob"])),
            ("search=zo+x.io", set(&["zoe"])),
        ],
    )
    .await;
}

#[tokio::test]
async fn search_syntax_characters_are_plain_text() {
    let (_server, api) = start().await;
    let customers = api.all("/api/customers/?page_size=100").await;
    for search in [
        "smith*",
        "\"smith\"",
        "\"",
        "\"\"\"",
        "smi\"th",
        "ann OR bob",
        "ann AND bob",
        "NOT ann",
        "NEAR(ann smith)",
        "-smith",
        "^ann",
        "first_name:ann",
        "search_text:ann",
        "(ann)",
        "ann)",
        "*",
        "***",
        "'",
        "';--",
        "%",
        "_",
        "a%",
        "\\",
        "ann\u{1f}smith",
        "{ann}",
        "+ann",
        "o'brien",
        "mary-jane",
        "@",
        ".io",
    ] {
        let (status, page) = api.get(&format!("/api/customers/?page_size=100&{}", query_of(search))).await;
        assert_eq!(status, StatusCode::OK, "{search:?}: {page}");
        let names: BTreeSet<String> = page["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| short_name(c["email"].as_str().unwrap()).to_string())
            .collect();
        assert_eq!(names, reference_search(&customers, search), "{search:?}");
        assert_eq!(page["count"].as_u64().unwrap() as usize, names.len());
    }
}

#[tokio::test]
async fn search_agrees_with_a_plain_substring_scan_for_every_fragment() {
    let (_server, api) = start().await;
    let customers = api.all("/api/customers/?page_size=100").await;
    // Every 1-, 2-, 3- and 5-character fragment of every searchable value.
    let mut fragments = BTreeSet::new();
    for c in &customers {
        for field in ["email", "first_name", "last_name", "preferred_name", "telephone", "barcode"] {
            let chars: Vec<char> = c[field].as_str().unwrap().chars().collect();
            for len in [1, 2, 3, 5] {
                for window in chars.windows(len) {
                    let fragment: String = window.iter().collect();
                    if !fragment.contains(|ch: char| ch.is_whitespace() || ch == ',') {
                        fragments.insert(fragment);
                    }
                }
            }
        }
    }
    for fragment in &fragments {
        let names = found(&api, &query_of(fragment)).await;
        assert_eq!(names, reference_search(&customers, fragment), "search={fragment:?}");
    }
}

/// A search narrowed by another filter is counted, sorted and paged in one
/// pass (storage::customers::list): it must agree, page by page and in list
/// order, with the intersection of the two filters alone.
#[tokio::test]
async fn search_with_other_filters_pages_in_list_order_like_the_intersection() {
    let (_server, api) = start().await;
    let ids = |page: &[Value]| page.iter().map(|c| c["id"].as_i64().unwrap()).collect::<Vec<_>>();
    for (search, other) in [
        (".io", "gender=F"),
        (".io", "birthday_min=1990-01-01"),
        (".io", "age_min=18"),
        ("555", "address_postcode=80302,AB1 2CD"),
        (".io", "tags=VIP"),
        (".io", "gender=F&age_min=18"),
        ("nobody-at-all", "gender=F"),
    ] {
        let everyone = ids(&api.all("/api/customers/?page_size=100").await);
        let searched: BTreeSet<i64> =
            ids(&api.all(&format!("/api/customers/?{}", query_of(search))).await).into_iter().collect();
        let filtered: BTreeSet<i64> = ids(&api.all(&format!("/api/customers/?{other}")).await).into_iter().collect();
        // The list order restricted to the customers both select.
        let expected: Vec<i64> =
            everyone.into_iter().filter(|id| searched.contains(id) && filtered.contains(id)).collect();
        assert!(search.starts_with("nobody") || expected.len() >= 2, "{search} & {other} selects a few");
        let both = format!("/api/customers/?page_size=2&{}&{other}", query_of(search));
        assert_eq!(ids(&api.all(&both).await), expected, "{both}");
        assert_eq!(api.ok(&both).await["count"], json!(expected.len()), "{both}");
        let past_the_end = format!("{both}&page={}", expected.len() / 2 + 2);
        assert_eq!(api.get(&past_the_end).await.0, StatusCode::NOT_FOUND, "{past_the_end}");
    }
}

#[tokio::test]
async fn age_filters_count_whole_years_on_the_orgs_date_and_a_birthday_today_counts() {
    let (_server, api) = start().await;
    // ann turns 36 today, bob 36 tomorrow; zoe (29 February 2008) is 18.
    expect(
        &api,
        &[
            ("age_min=36", set(&["ann", "mary", "dan"])),
            ("age_max=35", set(&["bob", "zoe", "li", "eve"])),
            ("age_min=36&age_max=36", set(&["ann"])),
            ("age_min=18&age_max=35", set(&["bob", "zoe", "eve"])),
            ("age_min=19&age_max=35", set(&["bob", "eve"])),
            ("age_max=13", set(&["li"])),
            ("age_min=40&age_max=20", set(&[])),
            ("age_min=0", all_but(&[])),
            ("age_min=-5", all_but(&[])),
            ("age_max=-1", set(&[])),
            ("age_min=200", set(&[])),
            ("age_min=99999999999", set(&[])),
            ("age_max=99999999999", all_but(&[])),
            ("age_min=-99999999999", all_but(&[])),
            ("age_max=-99999999999", set(&[])),
            ("age_min=9223372036854775807&age_max=-9223372036854775808", set(&[])),
        ],
    )
    .await;
}

#[tokio::test]
async fn a_29_february_birthday_ages_on_1_march_in_common_years() {
    let doc = json!({"customers": [
        customer(1, "leap", json!({"email": "leap@example.com", "birthday": "2008-02-29"})),
        customer(2, "eve", json!({"email": "eve@example.com", "birthday": "2008-02-28"})),
        customer(3, "march", json!({"email": "march@example.com", "birthday": "2008-03-01"})),
    ]});
    // (the org's local date, the server's clock, who is 18 or older)
    for (day, clock, adults) in [
        ("28 Feb 2026", "2026-02-28T19:00:00Z", vec!["eve"]),
        // 1 March in UTC but still 28 February in Denver.
        ("28 Feb 2026 late", "2026-03-01T06:59:59Z", vec!["eve"]),
        ("1 Mar 2026", "2026-03-01T07:00:00Z", vec!["eve", "leap", "march"]),
        ("29 Feb 2028", "2028-02-29T19:00:00Z", vec!["eve", "leap", "march"]),
    ] {
        let server = TestServer::start_with_clock(fixed_clock(clock)).await;
        server.import(doc.clone()).await;
        let api = server.api().await;
        let today = clock
            .parse::<jiff::Timestamp>()
            .unwrap()
            .to_zoned(jiff::tz::TimeZone::get("America/Denver").unwrap())
            .date();
        let mut adults_found: Vec<String> = api
            .emails("/api/customers/?age_min=18")
            .await
            .iter()
            .map(|e| e.split('@').next().unwrap().to_string())
            .collect();
        adults_found.sort();
        let mut adults_by_rule: Vec<String> = ["leap", "eve", "march"]
            .iter()
            .filter(|name| {
                let birthday = doc["customers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| c["email"].as_str().unwrap().starts_with(*name))
                    .unwrap()["birthday"]
                    .as_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                frontdesk::model::customer::age_on(birthday, today) >= 18
            })
            .map(|n| n.to_string())
            .collect();
        adults_by_rule.sort();
        assert_eq!(adults_found, adults, "age_min=18 on {day}");
        assert_eq!(adults_found, adults_by_rule, "the filter follows model::customer::age_on on {day}");
        let minors = api.emails("/api/customers/?age_max=17").await;
        assert_eq!(minors.len() + adults.len(), 3, "age_max=17 is the rest on {day}: {minors:?}");
    }
}

#[tokio::test]
async fn age_filters_agree_with_age_on_around_every_boundary() {
    // Birthdays on and around today's month and day, and leap days, in many years.
    let today = jiff::civil::date(2026, 3, 10);
    let mut customers = Vec::new();
    for (i, (year, month, day)) in [2016, 2008, 2000, 1996, 1990]
        .into_iter()
        .flat_map(|y| [(y, 3, 9), (y, 3, 10), (y, 3, 11), (y, 2, 28), (y, 3, 1), (y, 12, 31), (y, 1, 1)])
        .chain([(2008, 2, 29), (2000, 2, 29), (1996, 2, 29)])
        .enumerate()
    {
        customers.push(json!({"email": format!("c{i}@example.com"), "first_name": "C", "last_name": format!("{i}"),
                              "birthday": format!("{year:04}-{month:02}-{day:02}")}));
    }
    let server = TestServer::start_with_clock(fixed_clock(NOW)).await;
    server.import(json!({ "customers": customers })).await;
    let api = server.api().await;
    let all = api.all("/api/customers/?page_size=100").await;
    let age = |c: &Value| frontdesk::model::customer::age_on(c["birthday"].as_str().unwrap().parse().unwrap(), today);
    for n in [9, 10, 11, 17, 18, 25, 26, 29, 30, 35, 36] {
        let expected_min: BTreeSet<String> =
            all.iter().filter(|c| age(c) >= n).map(|c| c["email"].as_str().unwrap().to_string()).collect();
        let got_min: BTreeSet<String> = api.emails(&format!("/api/customers/?age_min={n}")).await.into_iter().collect();
        assert_eq!(got_min, expected_min, "age_min={n}");
        let expected_max: BTreeSet<String> =
            all.iter().filter(|c| age(c) <= n).map(|c| c["email"].as_str().unwrap().to_string()).collect();
        let got_max: BTreeSet<String> = api.emails(&format!("/api/customers/?age_max={n}")).await.into_iter().collect();
        assert_eq!(got_max, expected_max, "age_max={n}");
    }
}

#[tokio::test]
async fn birthday_and_created_at_filters_take_inclusive_dates() {
    let (_server, api) = start().await;
    // ann was created at midnight in Denver on 15 January, bob a second before;
    // zoe on 1 February; everyone else on 10 March (the import's "now").
    expect(
        &api,
        &[
            ("birthday_min=1990-03-10", set(&["ann", "bob", "zoe", "li", "eve"])),
            ("birthday_max=1990-03-10", set(&["ann", "mary", "dan"])),
            ("birthday_min=1990-03-11&birthday_max=1990-03-11", set(&["bob"])),
            ("birthday_min=2008-02-29&birthday_max=2008-02-29", set(&["zoe"])),
            ("birthday_min=2030-01-01", set(&[])),
            ("created_at_min=2026-01-15", all_but(&["bob"])),
            ("created_at_max=2026-01-14", set(&["bob"])),
            ("created_at_min=2026-01-15&created_at_max=2026-01-15", set(&["ann"])),
            ("created_at_min=2026-01-16&created_at_max=2026-02-01", set(&["zoe"])),
            ("created_at_min=2026-03-10", set(&["li", "mary", "dan", "eve"])),
            ("created_at_max=2026-03-09", set(&["ann", "bob", "zoe"])),
        ],
    )
    .await;
}

#[tokio::test]
async fn latest_check_in_filters_take_local_dates_around_midnight() {
    let (_server, api) = start().await;
    // ann's latest check-in is at 00:00:00 on 15 January in Denver, bob's at
    // 23:59:59 on 14 January; li's on 9 March, eve's at 01:30 on 10 March.
    // zoe, mary and dan never checked in.
    expect(
        &api,
        &[
            ("latest_check_in_timestamp_min=2026-01-15", set(&["ann", "li", "eve"])),
            ("latest_check_in_timestamp_max=2026-01-14", set(&["bob"])),
            ("latest_check_in_timestamp_min=2026-01-15&latest_check_in_timestamp_max=2026-01-15", set(&["ann"])),
            ("latest_check_in_timestamp_min=2026-01-14&latest_check_in_timestamp_max=2026-01-14", set(&["bob"])),
            ("latest_check_in_timestamp_min=2026-03-10", set(&["eve"])),
            ("latest_check_in_timestamp_max=2026-03-09", set(&["ann", "bob", "li"])),
            ("latest_check_in_timestamp_min=1900-01-01", set(&["ann", "bob", "li", "eve"])),
            ("latest_check_in_timestamp_max=2999-12-31", set(&["ann", "bob", "li", "eve"])),
        ],
    )
    .await;
}

#[tokio::test]
async fn first_membership_filters_find_current_and_former_members_only() {
    let (_server, api) = start().await;
    // First memberships: ann 2025-01-01, bob 2023-06-01 (ended), zoe 2026-01-01,
    // li 2025-09-01 (a family membership; her own starts in April), mary
    // 2024-01-01 (frozen), eve 2026-03-01. dan only pays for li's.
    expect(
        &api,
        &[
            ("first_membership_timestamp_min=2025-01-01", set(&["ann", "zoe", "li", "eve"])),
            ("first_membership_timestamp_max=2024-12-31", set(&["bob", "mary"])),
            ("first_membership_timestamp_max=2025-01-01", set(&["ann", "bob", "mary"])),
            ("first_membership_timestamp_min=2025-09-01&first_membership_timestamp_max=2025-09-01", set(&["li"])),
            ("first_membership_timestamp_min=1900-01-01", all_but(&["dan"])),
            ("first_membership_timestamp_max=2999-12-31", all_but(&["dan"])),
        ],
    )
    .await;
}

#[tokio::test]
async fn postcode_filter_is_case_insensitive_equality_with_any_of_a_list() {
    let (_server, api) = start().await;
    // ann 80302, bob "AB1 2CD", zoe "ab1 2cd", li 80302-1234; the rest have none.
    expect(
        &api,
        &[
            ("address_postcode=80302", set(&["ann"])),
            ("address_postcode=ab1+2cd", set(&["bob", "zoe"])),
            ("address_postcode=AB1%202CD", set(&["bob", "zoe"])),
            ("address_postcode=80302,ab1+2cd", set(&["ann", "bob", "zoe"])),
            ("address_postcode=80302-1234,nowhere", set(&["li"])),
            ("address_postcode=+80302+", set(&["ann"])),
            ("address_postcode=8030", set(&[])),
            ("address_postcode=2cd", set(&[])),
            ("address_postcode=", all_but(&[])),
        ],
    )
    .await;
}

#[tokio::test]
async fn gender_and_marketing_filters() {
    let (_server, api) = start().await;
    expect(
        &api,
        &[
            ("gender=F", set(&["ann", "eve"])),
            ("gender=M", set(&["bob", "dan"])),
            ("gender=N", set(&["zoe"])),
            ("gender=P", set(&["li"])),
            ("gender=f", set(&["ann", "eve"])),
            ("has_opted_in_to_marketing=true", set(&["ann", "eve"])),
            ("has_opted_in_to_marketing=false", all_but(&["ann", "eve"])),
            ("has_opted_in_to_marketing=True", set(&["ann", "eve"])),
        ],
    )
    .await;
    assert_bad_value(&api, "gender=X", &["gender"]).await;
    assert_bad_value(&api, "has_opted_in_to_marketing=perhaps", &["has_opted_in_to_marketing"]).await;
}

#[tokio::test]
async fn membership_status_filters() {
    let (_server, api) = start().await;
    // Active: ann (Monthly), zoe (Youth Team), li (Family Annual, not its
    // owner dan), eve (Été Pass). bob's ended, mary's is frozen, li's Youth
    // Team starts in April.
    expect(
        &api,
        &[
            ("has_active_membership=true", set(&["ann", "zoe", "li", "eve"])),
            ("has_active_membership=false", set(&["bob", "mary", "dan"])),
            ("has_active_membership=TRUE", set(&["ann", "zoe", "li", "eve"])),
            ("has_active_youth_programming_membership=true", set(&["zoe"])),
            ("has_active_youth_programming_membership=false", all_but(&["zoe"])),
            ("has_active_non_youth_programming_membership=true", set(&["ann", "li", "eve"])),
            ("has_active_non_youth_programming_membership=false", set(&["bob", "zoe", "mary", "dan"])),
            ("has_membership_with_future_start=true", set(&["li"])),
            ("has_membership_with_future_start=false", all_but(&["li"])),
            ("has_frozen_membership=true", set(&["mary"])),
            ("has_frozen_membership=false", all_but(&["mary"])),
        ],
    )
    .await;
    for name in [
        "has_active_youth_programming_membership",
        "has_active_non_youth_programming_membership",
        "has_membership_with_future_start",
        "has_frozen_membership",
    ] {
        assert_bad_value(&api, &format!("{name}=maybe"), &[name]).await;
    }
}

#[tokio::test]
async fn an_active_membership_name_matches_a_substring_of_active_memberships_the_customer_is_a_member_of() {
    let (_server, api) = start().await;
    expect(
        &api,
        &[
            // bob's Monthly ended and mary's is frozen.
            ("has_active_membership=month", set(&["ann"])),
            ("has_active_membership=MONTH", set(&["ann"])),
            ("has_active_membership=Monthly", set(&["ann"])),
            // li's own Youth Team has not started.
            ("has_active_membership=youth", set(&["zoe"])),
            ("has_active_membership=team", set(&["zoe"])),
            // dan pays for the family membership but is not a member of it.
            ("has_active_membership=family", set(&["li"])),
            ("has_active_membership=Annual", set(&["li"])),
            ("has_active_membership=%C3%A9t%C3%A9", set(&["eve"])),
            ("has_active_membership=%C3%89T%C3%89", set(&["eve"])),
            ("has_active_membership=a", set(&["li", "zoe", "eve"])),
            ("has_active_membership=punch", set(&[])),
            ("has_active_membership=%25", set(&[])),
        ],
    )
    .await;
}

/// A customer with active memberships of two matching types counts once,
/// also after their summary is recomputed (storage keeps a per-row mark of
/// such customers so the count needs no DISTINCT over everyone).
#[tokio::test]
async fn a_membership_name_counts_a_customer_holding_two_matching_types_once() {
    let server = TestServer::start_with_clock(fixed_clock(NOW)).await;
    // Emails that `short_name` knows.
    let person = |id: i64, email: &str| {
        json!({"id": id, "email": email, "first_name": "A", "last_name": "Test",
                                               "birthday": "1990-01-01"})
    };
    let membership = |type_id: i64, owner: i64| {
        json!({"membership_type_id": type_id, "owner_id": owner,
                                                        "start_date": "2026-01-01"})
    };
    server
        .import(json!({
            "membership_types": [{"id": 1, "name": "Monthly"}, {"id": 2, "name": "Monthly Plus"},
                                 {"id": 3, "name": "Punch Card"}],
            "customers": [person(1, "zoe@x.io"), person(2, "eve@x.io"), person(3, "li@wu.io"), person(4, "dan@payer.io")],
            "memberships": [membership(1, 1), membership(2, 1), membership(1, 2), membership(2, 3),
                            membership(3, 3), membership(3, 4)],
        }))
        .await;
    let api = server.api().await;
    let cases = [
        ("has_active_membership=monthly", set(&["zoe", "eve", "li"])),
        ("has_active_membership=plus", set(&["zoe", "li"])),
        ("has_active_membership=punch", set(&["li", "dan"])),
        ("has_active_membership=card", set(&["li", "dan"])),
        ("has_active_membership=y", set(&["zoe", "eve", "li"])),
    ];
    expect(&api, &cases).await;
    for (query, expected) in &cases {
        let page = api.ok(&format!("/api/customers/?page_size=1&{query}")).await;
        assert_eq!(page["count"], json!(expected.len()), "{query}");
    }
    // A write recomputes zoe's summary (and her rows); the counts stay.
    let zoe = api.ok("/api/customers/?search=zoe%40x.io").await["results"][0]["url"].as_str().unwrap().to_string();
    assert_eq!(api.patch(&zoe, json!({"preferred_name": "Zo"})).await.0, StatusCode::OK);
    expect(&api, &cases).await;
}

#[tokio::test]
async fn check_in_count_filters() {
    let (_server, api) = start().await;
    // ann 3, bob 1, li 10, eve 1; zoe, mary and dan none.
    expect(
        &api,
        &[
            ("check_in_count_min=1", set(&["ann", "bob", "li", "eve"])),
            ("check_in_count_max=0", set(&["zoe", "mary", "dan"])),
            ("check_in_count_min=2&check_in_count_max=3", set(&["ann"])),
            ("check_in_count_min=10", set(&["li"])),
            ("check_in_count_max=1", all_but(&["ann", "li"])),
            ("check_in_count_max=-1", set(&[])),
            ("check_in_count_min=0", all_but(&[])),
        ],
    )
    .await;
    assert_bad_value(&api, "check_in_count_min=1.5", &["check_in_count_min"]).await;
    assert_bad_value(&api, "check_in_count_max=ten", &["check_in_count_max"]).await;
}

#[tokio::test]
async fn tag_filter_needs_every_listed_tag() {
    let (_server, api) = start().await;
    // ann: VIP and Staff; bob: VIP; mary: staff (the same tag).
    expect(
        &api,
        &[
            ("tags=VIP", set(&["ann", "bob"])),
            ("tags=vip", set(&["ann", "bob"])),
            ("tags=Staff", set(&["ann", "mary"])),
            ("tags=VIP,Staff", set(&["ann"])),
            ("tags=staff,+vip+", set(&["ann"])),
            ("tags=VIP,", set(&["ann", "bob"])),
            ("tags=VIP,Nope", set(&[])),
            ("tags=Nope", set(&[])),
            ("tags=,", all_but(&[])),
        ],
    )
    .await;
}

#[tokio::test]
async fn proficiency_and_association_filters_need_every_listed_id() {
    let (server, api) = start().await;
    let top_rope = server.named_id("proficiencies", "Top rope").await;
    let lead = server.named_id("proficiencies", "Lead").await;
    let usa = server.named_id("associations", "USA Climbing").await;
    let alpine = server.named_id("associations", "Alpine Club").await;
    // Proficiencies: ann both, bob top rope (his lead is inactive), zoe lead.
    // Associations: ann both, bob USA Climbing, li Alpine Club.
    expect(
        &api,
        &[
            (&format!("has_proficiencies={top_rope}"), set(&["ann", "bob"])),
            (&format!("has_proficiencies={lead}"), set(&["ann", "zoe"])),
            (&format!("has_proficiencies={top_rope},{lead}"), set(&["ann"])),
            (&format!("has_proficiencies={lead},%20{top_rope}"), set(&["ann"])),
            (&format!("has_proficiencies={top_rope},999999"), set(&[])),
            (&format!("has_association_memberships={usa}"), set(&["ann", "bob"])),
            (&format!("has_association_memberships={alpine}"), set(&["ann", "li"])),
            (&format!("has_association_memberships={usa},{alpine}"), set(&["ann"])),
            ("has_association_memberships=999999", set(&[])),
        ],
    )
    .await;
    assert_bad_value(&api, "has_proficiencies=1,x", &["has_proficiencies"]).await;
    assert_bad_value(&api, "has_association_memberships=USA", &["has_association_memberships"]).await;
}

#[tokio::test]
async fn reservation_and_challenge_filters() {
    let (server, api) = start().await;
    let intro = server.named_id("event_types", "Intro Class").await;
    let party = server.named_id("event_types", "Birthday Party").await;
    let hundred = server.named_id("challenges", "100 Days").await;
    let everest = server.named_id("challenges", "Everest").await;
    // Reservations: ann Intro, bob a cancelled Intro and a Party, zoe Party.
    // Challenges: ann 100 Days (in progress), li 100 Days (done), bob Everest (done).
    expect(
        &api,
        &[
            (&format!("has_event_type_reservation={intro}"), set(&["ann"])),
            (&format!("has_event_type_reservation={party}"), set(&["bob", "zoe"])),
            ("has_event_type_reservation=999999", set(&[])),
            (&format!("has_challenge={hundred}"), set(&["ann", "li"])),
            (&format!("has_challenge={everest}"), set(&["bob"])),
            ("has_challenge=999999", set(&[])),
        ],
    )
    .await;
    assert_bad_value(&api, "has_event_type_reservation=intro", &["has_event_type_reservation"]).await;
    assert_bad_value(&api, "has_challenge=1.5", &["has_challenge"]).await;
}

#[tokio::test]
async fn filters_combine_with_and_and_follow_next_and_previous() {
    let (server, api) = start().await;
    expect(
        &api,
        &[
            ("has_active_membership=true&gender=F", set(&["ann", "eve"])),
            ("has_active_membership=true&gender=F&search=smith", set(&["ann"])),
            ("tags=VIP&check_in_count_min=2", set(&["ann"])),
            ("age_max=20&has_active_membership=true", set(&["zoe", "li"])),
            ("address_postcode=ab1+2cd&has_active_youth_programming_membership=true", set(&["zoe"])),
            ("has_active_membership=month&has_frozen_membership=true", set(&[])),
            ("search=x.io&has_opted_in_to_marketing=true", set(&["eve"])),
        ],
    )
    .await;

    let query = "has_active_membership=true&age_min=10&colour=blue";
    let first = api.ok(&format!("/api/customers/?page_size=1&{query}")).await;
    assert_eq!(first["count"], json!(4));
    let mut seen = vec![first["results"][0]["email"].clone()];
    let mut next = first["next"].as_str().map(str::to_string);
    while let Some(url) = next {
        assert!(url.starts_with(&server.base), "{url}");
        for part in query.split('&') {
            assert!(url.contains(part), "{part} kept in {url}");
        }
        let page = api.ok(&url).await;
        assert_eq!(page["count"], json!(4));
        let previous = page["previous"].as_str().unwrap();
        for part in query.split('&') {
            assert!(previous.contains(part), "{part} kept in {previous}");
        }
        seen.push(page["results"][0]["email"].clone());
        next = page["next"].as_str().map(str::to_string);
    }
    let seen: BTreeSet<String> = seen.iter().map(|e| short_name(e.as_str().unwrap()).to_string()).collect();
    assert_eq!(seen, set(&["ann", "zoe", "li", "eve"]));
}

#[tokio::test]
async fn unknown_parameters_and_empty_values_are_ignored() {
    let (_server, api) = start().await;
    expect(
        &api,
        &[
            ("colour=blue", all_but(&[])),
            ("is_cool=true&ordering=-nothing", all_but(&[])),
            ("age_min=&tags=&gender=&search=&has_active_membership=", all_but(&[])),
            ("first_name=Ann", all_but(&[])),
        ],
    )
    .await;
}

#[tokio::test]
async fn values_of_the_wrong_type_are_400_naming_each_parameter() {
    let (_server, api) = start().await;
    assert_bad_value(&api, "age_min=abc", &["age_min"]).await;
    assert_bad_value(&api, "age_max=1.5", &["age_max"]).await;
    assert_bad_value(&api, "birthday_min=2020-13-45", &["birthday_min"]).await;
    assert_bad_value(&api, "birthday_max=2021-02-30", &["birthday_max"]).await;
    assert_bad_value(&api, "created_at_min=yesterday", &["created_at_min"]).await;
    assert_bad_value(&api, "latest_check_in_timestamp_max=2026-03-10T00:00:00", &["latest_check_in_timestamp_max"])
        .await;
    assert_bad_value(&api, "first_membership_timestamp_min=2026/01/01", &["first_membership_timestamp_min"]).await;
    assert_bad_value(
        &api,
        "age_min=abc&birthday_min=2020-13-45&check_in_count_min=1.5&has_frozen_membership=maybe&search=ann&colour=x",
        &["age_min", "birthday_min", "check_in_count_min", "has_frozen_membership"],
    )
    .await;
}

#[tokio::test]
async fn the_largest_lists_a_filter_takes_are_answered_and_longer_ones_are_refused() {
    let (_server, api) = start().await;
    let ids = |n: usize| (1..=n).map(|i| i.to_string()).collect::<Vec<_>>().join(",");
    // One-letter words first: they take the slow path, a condition each.
    let words = |n: usize, sep: &str| {
        (0..n)
            .map(|i| if i < 26 { char::from(b'a' + i as u8).to_string() } else { format!("w{i}") })
            .collect::<Vec<_>>()
            .join(sep)
    };
    // Every filter at once, each list at its largest: one condition each.
    let everything = format!(
        "search={}&tags={}&address_postcode={}&has_proficiencies={}&has_association_memberships={}\
         &age_min=1&age_max=99&birthday_min=1900-01-01&birthday_max=2100-01-01&created_at_min=1900-01-01\
         &created_at_max=2100-01-01&gender=F&has_opted_in_to_marketing=true&check_in_count_min=0&check_in_count_max=9\
         &first_membership_timestamp_min=1900-01-01&first_membership_timestamp_max=2100-01-01&has_active_membership=a\
         &has_active_youth_programming_membership=false&has_active_non_youth_programming_membership=true\
         &has_membership_with_future_start=false&has_frozen_membership=false&has_event_type_reservation=1\
         &latest_check_in_timestamp_min=1900-01-01&latest_check_in_timestamp_max=2100-01-01&has_challenge=1",
        words(20, "+"),
        words(50, ","),
        words(50, ","),
        ids(50),
        ids(50),
    );
    let (status, body) = api.get(&format!("/api/customers/?{everything}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["count"], json!(0));
    // Repeats count once.
    expect(&api, &[(&format!("tags={}", ["VIP"; 200].join(",")), set(&["ann", "bob"]))]).await;
    expect(&api, &[(&format!("search={}", ["smith"; 200].join("+")), set(&["ann"]))]).await;

    assert_bad_value(&api, &format!("search={}", words(21, "+")), &["search"]).await;
    for name in ["tags", "address_postcode", "has_proficiencies", "has_association_memberships"] {
        let list = if name.starts_with("has_") { ids(51) } else { words(51, ",") };
        assert_bad_value(&api, &format!("{name}={list}"), &[name]).await;
    }
    let thousands = format!("search={}&tags={}&has_proficiencies={}", words(3000, "+"), words(2000, ","), ids(2000));
    assert_bad_value(&api, &thousands, &["search", "tags", "has_proficiencies"]).await;
}
