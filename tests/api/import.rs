//! The import document is all or nothing: one bad record writes nothing, and
//! the error names the record and the field.

use serde_json::{Value, json};

use crate::support::{Api, ORG, TestServer, fixed_clock};

fn good_customer(email: &str) -> Value {
    json!({"email": email, "first_name": "Good", "last_name": "Customer", "birthday": "1990-01-01"})
}

/// A document with locations, types and customers that is valid except for
/// what `spoil` does to it.
fn document(spoil: impl FnOnce(&mut Value)) -> Value {
    let mut doc = json!({
        "locations": [{"id": 1, "name": "Upstairs"}],
        "custom_fields": [{"id": 1, "name": "Shoe size"}],
        "membership_types": [{"id": 1, "name": "Monthly"}],
        "customers": [
            good_customer("one@example.com"),
            {"id": 2, "email": "two@example.com", "first_name": "Two", "last_name": "Customer",
             "birthday": "1990-01-01", "home_location_id": 1, "tags": ["VIP"],
             "custom_field_values": [{"field_id": 1, "value": "42"}],
             "documents": [{"name": "Waiver", "expiration_date": "2099-01-01"}],
             "check_ins": [{"location_id": 1, "checked_in_at": "2026-01-01T12:00:00Z"}]},
            good_customer("three@example.com"),
        ],
        "memberships": [{"membership_type_id": 1, "owner_id": 2, "start_date": "2020-01-01"}],
    });
    spoil(&mut doc);
    doc
}

/// Imports `doc` and expects it refused; returns the problems as text.
async fn refused(server: &TestServer, doc: Value) -> Vec<String> {
    match server.import_into(ORG, doc).await {
        Ok(summary) => panic!("the document should be refused, but imported {summary}"),
        Err(failure) => failure.0.iter().map(ToString::to_string).collect(),
    }
}

async fn assert_nothing_written(server: &TestServer, api: &Api) {
    assert_eq!(api.ok("/api/customers/").await["count"], json!(0), "no customer was written");
    let gyms = api.ok("/api/gyms/").await;
    assert_eq!(gyms["count"], json!(1), "no location was written: {gyms}");
    // The document's names are still free: the same document, made good, imports.
    server.import(document(|_| {})).await;
    assert_eq!(api.ok("/api/customers/").await["count"], json!(3));
}

#[tokio::test]
async fn the_good_document_imports_every_record() {
    let server = TestServer::start_with_clock(fixed_clock("2026-06-15T18:00:00Z")).await;
    let api = server.api().await;
    let summary = server.import(document(|_| {})).await;
    assert_eq!((summary.customers, summary.locations, summary.memberships, summary.check_ins), (3, 1, 1, 1));
    let two = api.customer_by_email("two@example.com").await;
    assert_eq!(two["home_location_name"], json!("Upstairs"));
    assert_eq!(two["tags"], json!(["VIP"]));
    assert_eq!(two["custom_field_values"][0]["value"], json!("42"));
    assert_eq!(two["has_active_membership"], json!(true));
    assert_eq!(two["check_in_count"], json!(1));
    assert_eq!(two["active_waiver_exists"], json!(true));
}

#[tokio::test]
async fn one_invalid_customer_field_writes_nothing_and_names_the_record_and_field() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let problems = refused(&server, document(|d| d["customers"][2]["birthday"] = json!("2021-02-30"))).await;
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("customers[2] birthday:"), "{problems:?}");
    assert_nothing_written(&server, &api).await;
}

#[tokio::test]
async fn a_bad_sub_record_or_reference_writes_nothing() {
    let server = TestServer::start().await;
    let api = server.api().await;
    for (spoil, record, field) in [
        (
            Box::new(|d: &mut Value| d["customers"][1]["check_ins"][0]["location_id"] = json!(9))
                as Box<dyn FnOnce(&mut Value)>,
            "customers[1] (id 2) check_ins[0]",
            "location_id",
        ),
        (Box::new(|d: &mut Value| d["memberships"][0]["owner_id"] = json!(77)), "memberships[0]", "owner_id"),
        (Box::new(|d: &mut Value| d["memberships"][0]["status"] = json!("NOPE")), "memberships[0]", "status"),
        (
            Box::new(|d: &mut Value| d["customers"][1]["custom_field_values"][0]["field_id"] = json!(5)),
            "customers[1] (id 2)",
            "custom_field_values",
        ),
        (
            Box::new(|d: &mut Value| d["customers"][1]["documents"][0]["status"] = json!("LOST")),
            "customers[1] (id 2) documents[0]",
            "status",
        ),
        (Box::new(|d: &mut Value| d["customers"][0]["nickname"] = json!("x")), "customers[0]", "nickname"),
        (
            Box::new(|d: &mut Value| d["locations"][0]["time_zone"] = json!("Mars/Base")),
            "locations[0] (id 1)",
            "time_zone",
        ),
    ] {
        let problems = refused(&server, document(spoil)).await;
        assert!(
            problems.iter().any(|p| p.starts_with(&format!("{record} {field}:"))),
            "{record} {field} should be named: {problems:?}"
        );
        assert_eq!(api.ok("/api/customers/").await["count"], json!(0), "{record} {field}: no customer was written");
        assert_eq!(api.ok("/api/gyms/").await["count"], json!(1), "{record} {field}: no location was written");
    }
    assert_nothing_written(&server, &api).await;
}

#[tokio::test]
async fn duplicate_emails_and_barcodes_are_refused_within_the_document_and_against_the_database() {
    let server = TestServer::start().await;
    let api = server.api().await;
    let problems = refused(
        &server,
        document(|d| {
            d["customers"][2]["email"] = json!("ONE@example.com");
            d["customers"][0]["barcode"] = json!("X1");
            d["customers"][1]["barcode"] = json!("X1");
        }),
    )
    .await;
    assert!(problems.iter().any(|p| p.starts_with("customers[2] email:")), "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("customers[1] (id 2) barcode:")), "{problems:?}");
    assert_eq!(api.ok("/api/customers/").await["count"], json!(0));

    server.import(json!({"customers": [good_customer("one@example.com")]})).await;
    let problems =
        refused(&server, json!({"customers": [good_customer("new@example.com"), good_customer("One@Example.com")]}))
            .await;
    assert!(problems.iter().any(|p| p.starts_with("customers[1] email:")), "{problems:?}");
    assert_eq!(api.ok("/api/customers/").await["count"], json!(1), "the new customer was not written");
}

#[tokio::test]
async fn every_problem_is_reported_not_just_the_first() {
    let server = TestServer::start().await;
    let problems = refused(
        &server,
        document(|d| {
            d["customers"][0]["email"] = json!("not an email");
            d["customers"][2]["first_name"] = json!("");
        }),
    )
    .await;
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].starts_with("customers[0] email:"), "{problems:?}");
    assert!(problems[1].starts_with("customers[2] first_name:"), "{problems:?}");
}

/// A golden list: a document spoiled in every way the import checks gets
/// exactly these problems, in this order, word for word.
#[tokio::test]
async fn a_document_with_many_problems_gets_exactly_this_list() {
    let server = TestServer::start().await;
    let doc = json!({
        "locations": [
            {"id": 1, "name": "Upstairs"},
            {"id": 1, "name": " ", "time_zone": "Mars/Olympus"},
        ],
        "custom_fields": [{"id": 1, "name": "Shoe size"}, {"id": 2, "name": "Shoe size"}],
        "proficiencies": [{"id": 1, "name": ""}],
        "associations": [{"id": 1, "name": "Club"}],
        "challenges": [{"id": 1, "name": "Boulder 100"}],
        "event_types": [{"id": 1, "name": "Intro"}, {"id": 1, "name": "Intro"}],
        "membership_types": [{"id": 1, "name": "Monthly", "location_id": 9}, {"id": 2, "name": "Monthly"}],
        "customers": [
            {"id": 1, "email": "not an email", "first_name": "A", "last_name": "B", "birthday": "1990-01-01",
             "favourite_colour": "red"},
            {"id": 2, "email": "dup@example.com", "first_name": "C", "last_name": "D", "birthday": "1990-01-01",
             "barcode": "X1", "home_location_id": 7, "tags": ["  "],
             "custom_field_values": [{"field_id": 5, "value": "9"}],
             "documents": [{"name": "Waiver", "status": "NOPE"}],
             "emergency_contacts": [{"first_name": "", "last_name": " ", "telephone": ""}],
             "medical_notes": [{"medical_notes": " "}],
             "entry_passes": [{"name": "Ten", "uses_total": 10, "uses_remaining": 11, "association_id": 4}],
             "proficiencies": [{"proficiency_id": 3}],
             "association_ids": [8],
             "challenges": [{"challenge_id": 6, "status": "WAT"}],
             "reservations": [{"event_type_id": 5, "location_id": 5, "starts_at": "2026-01-01T10:00:00Z",
                               "status": "MAYBE"}],
             "check_ins": [{"location_id": 4, "checked_in_at": "2026-01-01T12:00:00Z", "entry_method": "XXX"}],
             "guest_pass_usages": [{"guest_first_name": "G", "guest_last_name": "H", "location_id": 3,
                                    "used_at": "2026-01-01T12:00:00Z"}]},
            {"id": 2, "email": "DUP@example.com", "first_name": "E", "last_name": "F", "birthday": "1990-01-01",
             "barcode": "X1"},
        ],
        "memberships": [
            {"membership_type_id": 5, "owner_id": 9, "start_date": "2020-01-02", "end_date": "2020-01-01",
             "status": "ZZZ"},
            {"membership_type_id": 1, "owner_id": 2, "start_date": "2020-01-01",
             "members": [{"customer_id": 2}, {"customer_id": 2}, {"customer_id": 42}]},
        ],
        "relations": [
            {"customer_id": 2, "related_customer_id": 2, "relation": "PAR"},
            {"customer_id": 1, "related_customer_id": 2, "relation": "XYZ"},
            {"customer_id": 2, "related_customer_id": 1, "relation": "CHI"},
            {"customer_id": 1, "related_customer_id": 77, "relation": "SIB"},
        ],
    });
    let failure = match server.import_into(ORG, doc).await {
        Ok(summary) => panic!("the document should be refused, but imported {summary}"),
        Err(failure) => failure,
    };
    let problems: Vec<String> = failure.0.iter().map(ToString::to_string).collect();
    let expected = [
        "location[1] id: id 1 is used twice",
        "event type[1] id: id 1 is used twice",
        "customers[2] id: id 2 is used twice",
        "locations[1] (id 1) time_zone: unknown time zone \"Mars/Olympus\" (use an IANA name such as America/Denver)",
        "locations[1] (id 1) name: This field may not be blank.",
        "custom_fields[1] (id 2) name: the name \"Shoe size\" is already taken",
        "proficiencies[0] (id 1) name: This field may not be blank.",
        "event_types[1] (id 1) name: the name \"Intro\" is already taken",
        "membership_types[0] (id 1) location_id: no location with id 9 in this document",
        "membership_types[1] (id 2) name: the name \"Monthly\" is already taken",
        "customers[0] (id 1) favourite_colour: unknown field",
        "customers[0] (id 1) email: Enter a valid email address.",
        "customers[1] (id 2) home_location_id: no location with id 7 in this document",
        "customers[1] (id 2) custom_field_values: no custom field with id 5 in this document",
        "customers[1] (id 2) tags: a tag may not be blank",
        "customers[1] (id 2) documents[0] status: \"NOPE\" is not one of ACT, REV",
        "customers[1] (id 2) emergency_contacts[0] first_name: This field may not be blank.",
        "customers[1] (id 2) emergency_contacts[0] last_name: This field may not be blank.",
        "customers[1] (id 2) emergency_contacts[0] telephone: This field may not be blank.",
        "customers[1] (id 2) medical_notes[0] medical_notes: This field may not be blank.",
        "customers[1] (id 2) entry_passes[0] uses_remaining: must be between 0 and uses_total",
        "customers[1] (id 2) entry_passes[0] association_id: no association with id 4 in this document",
        "customers[1] (id 2) proficiencies[0] proficiency_id: no proficiency with id 3 in this document",
        "customers[1] (id 2) association_ids: no association with id 8 in this document",
        "customers[1] (id 2) challenges[0] status: \"WAT\" is not one of INP, COM",
        "customers[1] (id 2) challenges[0] challenge_id: no challenge with id 6 in this document",
        "customers[1] (id 2) reservations[0] status: \"MAYBE\" is not one of CON, CAN",
        "customers[1] (id 2) reservations[0] event_type_id: no event type with id 5 in this document",
        "customers[1] (id 2) reservations[0] location_id: no location with id 5 in this document",
        "customers[1] (id 2) check_ins[0] entry_method: \"XXX\" is not one of MEM, ENT, GUE, FRE, EVE",
        "customers[1] (id 2) check_ins[0] location_id: no location with id 4 in this document",
        "customers[1] (id 2) guest_pass_usages[0] location_id: no location with id 3 in this document",
        "customers[2] (id 2) email: customer with this email already exists.",
        "customers[2] (id 2) barcode: customer with this barcode already exists.",
        "memberships[0] status: \"ZZZ\" is not one of ACT, FRZ, END, CAN, FUT, PAY, IPC",
        "memberships[0] end_date: ends before it starts",
        "memberships[0] membership_type_id: no membership type with id 5 in this document",
        "memberships[0] owner_id: no customer with id 9 in this document",
        "memberships[0] members[0] customer_id: no customer with id 9 in this document",
        "memberships[1] members[1] customer_id: listed twice",
        "memberships[1] members[2] customer_id: no customer with id 42 in this document",
        "relations[0] relation: \"PAR\" is not one of SPO, PRT, PRE, CHI, GUA, WAR, SIB, OTH",
        "relations[0] related_customer_id: a customer cannot be related to themselves",
        "relations[1] relation: \"XYZ\" is not one of SPO, PRT, PRE, CHI, GUA, WAR, SIB, OTH",
        "relations[2] related_customer_id: these customers are already related",
        "relations[3] related_customer_id: no customer with id 77 in this document",
    ];
    assert_eq!(problems, expected);
    assert_eq!(failure.to_string(), format!("{} (and {} more problems)", expected[0], expected.len() - 1));
}

/// Text that COPY's format escapes (PostgreSQL's bulk load) or that a
/// careless load mangles comes back exactly as imported, on either backend.
#[tokio::test]
async fn text_with_tabs_newlines_backslashes_and_accents_imports_exactly() {
    let server = TestServer::start_with_clock(fixed_clock("2026-06-15T18:00:00Z")).await;
    let api = server.api().await;
    let awkward = "tab\there\nnew line\r\nback\\slash \\N \\t Zoë «ñ» 🧗";
    server
        .import(json!({"customers": [{
            "email": "awkward@example.com", "first_name": "Zoë", "last_name": "O'Brien\\",
            "birthday": "1990-01-01", "address_street_1": awkward, "tags": ["a\tb", "\\N"],
        }]}))
        .await;
    let customer = api.customer_by_email("awkward@example.com").await;
    assert_eq!(customer["address_street_1"], json!(awkward));
    assert_eq!(customer["last_name"], json!("O'Brien\\"));
    assert_eq!(customer["first_name"], json!("Zoë"));
    let mut tags: Vec<String> = serde_json::from_value(customer["tags"].clone()).unwrap();
    tags.sort();
    assert_eq!(tags, vec!["\\N".to_string(), "a\tb".to_string()]);
}

/// The indexes of `tables`, and their foreign keys (PostgreSQL's), by table.
async fn indexes(server: &TestServer, tables: &[&'static str]) -> Vec<Vec<String>> {
    let mut conn = server.db.acquire().await.unwrap();
    let mut out = Vec::new();
    for table in tables {
        out.push(frontdesk::storage::bulk::index_names(&mut conn, table).await.unwrap());
        let keys = frontdesk::storage::bulk::foreign_keys(&mut conn, table).await.unwrap();
        out.push(keys.into_iter().map(|(name, definition)| format!("{name} {definition}")).collect());
    }
    out
}

/// A first load large enough for the import to set its tables' indexes aside
/// (10,000 rows: built again once after the load, and on PostgreSQL the
/// customers' after their summary columns) ends with every index back and
/// the usual answers.
#[tokio::test]
async fn a_bulk_first_load_puts_every_index_back_and_answers_as_usual() {
    let server = TestServer::start_with_clock(fixed_clock("2026-06-15T18:00:00Z")).await;
    let tables = ["customers", "check_ins"];
    let before = indexes(&server, &tables).await;
    assert!(before.iter().step_by(2).all(|names| names.len() > 2), "{before:?}");
    let customers: Vec<Value> = (0..10_000)
        .map(|i| {
            json!({"email": format!("bulk{i}@example.com"), "first_name": "Bulk",
                   "last_name": format!("Person{i:05}"), "birthday": "1990-01-01",
                   "check_ins": [{"location_id": 1, "checked_in_at": "2026-06-01T12:00:00Z"}]})
        })
        .collect();
    server.import(json!({"locations": [{"id": 1, "name": "Upstairs"}], "customers": customers})).await;
    assert_eq!(indexes(&server, &tables).await, before, "every index and foreign key is back");
    let api = server.api().await;
    assert_eq!(api.ok("/api/customers/").await["count"], json!(10_000));
    let found = api.ok("/api/customers/?search=person0999").await;
    assert_eq!(found["count"], json!(10), "{found}");
    let one = api.customer_by_email("bulk9999@example.com").await;
    assert_eq!(one["check_in_count"], json!(1), "the summary columns are computed");
    let counted = api.ok("/api/customers/?check_in_count_min=1&page_size=1").await;
    assert_eq!(counted["count"], json!(10_000), "{counted}");
}

/// An import's new customers get their check-in figures from one pass over
/// the check-ins grouped by customer (`storage::derived`): each customer's
/// own count, first and latest, and 0 and none for a customer with none.
#[tokio::test]
async fn an_imports_check_in_figures_are_each_customers_own() {
    let server = TestServer::start_with_clock(fixed_clock("2026-06-15T18:00:00Z")).await;
    let visits = |times: &[&str]| -> Vec<Value> {
        times.iter().map(|t| json!({"location_id": 1, "checked_in_at": t})).collect()
    };
    let person = |email: &str, times: &[&str]| {
        json!({"email": email, "first_name": "Ann", "last_name": email, "birthday": "1990-01-01",
               "check_ins": visits(times)})
    };
    server
        .import(json!({"locations": [{"id": 1, "name": "Upstairs"}], "customers": [
            person("none@example.com", &[]),
            person("three@example.com", &["2026-06-02T12:00:00Z", "2026-05-01T15:30:00Z", "2026-06-10T18:00:00Z"]),
            person("one@example.com", &["2026-01-07T16:00:00Z"]),
        ]}))
        .await;
    let api = server.api().await;
    let figures = |c: &Value| {
        let day = |v: &Value| v.as_str().map(|t| t[..10].to_string());
        (c["check_in_count"].clone(), day(&c["first_check_in_timestamp"]), day(&c["latest_check_in_timestamp"]))
    };
    let none = api.customer_by_email("none@example.com").await;
    assert_eq!(figures(&none), (json!(0), None, None), "{none}");
    let three = api.customer_by_email("three@example.com").await;
    let expected = (json!(3), Some("2026-05-01".to_string()), Some("2026-06-10".to_string()));
    assert_eq!(figures(&three), expected, "{three}");
    let one = api.customer_by_email("one@example.com").await;
    let expected = (json!(1), Some("2026-01-07".to_string()), Some("2026-01-07".to_string()));
    assert_eq!(figures(&one), expected, "{one}");
}
