//! Import that a migration can live with (issue 15): records carry external
//! ids, the same file imported again after an edit updates in place, a
//! later file refers to an earlier one's records, entries add records to
//! existing customers, and a dry run writes nothing.

use frontdesk::import::{Action, ImportDocument, ImportOptions, ImportOutcome};
use frontdesk::storage::orgs;
use serde_json::{Value, json};

use crate::support::{Api, LOCATION, ORG, TestServer, fixed_clock};

/// A first migration file: every kind of record with an external id.
fn first_file() -> Value {
    json!({
        "locations": [{"id": 1, "external_id": "loc-up", "name": "Upstairs", "time_zone": "America/Denver"}],
        "proficiencies": [{"id": 1, "external_id": "prof-lead", "name": "Lead Belay"}],
        "associations": [{"id": 1, "external_id": "assoc-club", "name": "Club"}],
        "membership_types": [{"id": 1, "external_id": "type-monthly", "name": "Monthly", "billing_amount": "80.00"}],
        "customers": [
            {"id": 1, "external_id": "cust-1", "email": "ana@example.com", "first_name": "Ana",
             "last_name": "Lopez", "birthday": "1990-01-01", "tags": ["VIP"],
             "notes": [{"note": "first note"}],
             "proficiencies": [{"proficiency_id": 1}],
             "check_ins": [{"location_id": 1, "checked_in_at": "2026-06-01T18:00:00Z"}]},
            {"id": 2, "external_id": "cust-2", "email": "ben@example.com", "first_name": "Ben",
             "last_name": "Lopez", "birthday": "1992-01-01", "barcode": "B-2"}
        ],
        "memberships": [{"external_id": "mem-1", "membership_type_id": 1, "owner_id": 1,
                         "start_date": "2026-01-01", "end_date": "2026-12-31"}],
        "relations": [{"customer_id": 1, "related_customer_id": 2, "relation": "SIB"}]
    })
}

async fn import(server: &TestServer, doc: Value, dry_run: bool) -> ImportOutcome {
    try_import(server, doc, dry_run).await.unwrap_or_else(|e| panic!("import: {e}"))
}

async fn try_import(
    server: &TestServer,
    doc: Value,
    dry_run: bool,
) -> Result<ImportOutcome, frontdesk::import::ImportFailure> {
    let doc: ImportDocument = serde_json::from_value(doc).expect("valid document");
    let mut conn = server.db.acquire().await.unwrap();
    let org = orgs::org_by_name(&mut conn, ORG).await.unwrap();
    drop(conn);
    frontdesk::import::import_with(&server.db, &org, &doc, server.clock.now(), ImportOptions { dry_run }).await
}

async fn start() -> (TestServer, Api) {
    let server = TestServer::start_with_clock(fixed_clock("2026-06-15T18:00:00Z")).await;
    let api = server.api().await;
    (server, api)
}

#[tokio::test]
async fn the_same_file_imported_again_after_an_edit_updates_in_place() {
    let (server, api) = start().await;
    let first = import(&server, first_file(), false).await;
    assert!(first.report.customers.iter().all(|c| c.action == Action::Created));
    let ana = api.customer_by_email("ana@example.com").await;
    let ana_id = ana["id"].as_i64().unwrap();
    assert_eq!(first.report.customers[0].database_id, ana_id);

    let mut edited = first_file();
    edited["customers"][0]["first_name"] = json!("Anita");
    edited["customers"][0]["notes"] = json!([{"note": "first note"}, {"note": "second note"}]);
    edited["memberships"][0]["end_date"] = json!("2027-06-30");
    edited["membership_types"][0]["billing_amount"] = json!("85.00");
    let second = import(&server, edited.clone(), false).await;
    assert!(second.report.customers.iter().all(|c| c.action == Action::Updated), "{:?}", second.report);
    assert_eq!(second.report.customers[0].database_id, ana_id, "the customer kept its id");
    assert_eq!(second.report.memberships[0].database_id, first.report.memberships[0].database_id);
    assert_eq!(second.summary.customers, 0, "no new customer: {}", second.summary);

    assert_eq!(api.ok("/api/customers/").await["count"], json!(2), "nothing duplicated");
    let ana = api.ok(&format!("/api/customers/{ana_id}/")).await;
    assert_eq!(ana["first_name"], json!("Anita"));
    assert_eq!(ana["tags"], json!(["VIP"]));
    assert_eq!(ana["check_in_count"], json!(1), "the check-in was replaced, not doubled");
    let notes = api.all(&format!("/api/customers/{ana_id}/notes/")).await;
    let texts: Vec<&str> = notes.iter().map(|n| n["note"].as_str().unwrap()).collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(texts.contains(&"second note"));
    assert_eq!(api.all(&format!("/api/customers/{ana_id}/proficiencies/")).await.len(), 1);
    assert_eq!(api.all(&format!("/api/customers/{ana_id}/relations/")).await.len(), 1, "the relation is not doubled");
    let memberships = api.all(&format!("/api/customers/{ana_id}/memberships/")).await;
    assert_eq!(memberships.len(), 1, "{memberships:?}");
    assert_eq!(memberships[0]["end_date"], json!("2027-06-30"));
    let gyms = api.ok("/api/gyms/").await;
    assert_eq!(gyms["count"], json!(2), "the location was kept, not made again: {gyms}");

    // The same file a third time changes nothing.
    import(&server, edited, false).await;
    assert_eq!(api.ok("/api/customers/").await["count"], json!(2));
    assert_eq!(api.all(&format!("/api/customers/{ana_id}/notes/")).await.len(), 2);

    // An entry that leaves a list out keeps the stored one; a list given
    // empty is emptied.
    let fields_only = json!({"customers": [{"external_id": "cust-1", "email": "ana@example.com",
        "first_name": "Ana", "last_name": "Lopez", "birthday": "1990-01-01", "notes": []}]});
    import(&server, fields_only, false).await;
    let ana = api.ok(&format!("/api/customers/{ana_id}/")).await;
    assert_eq!(ana["first_name"], json!("Ana"));
    assert_eq!(ana["check_in_count"], json!(1), "check-ins kept");
    assert_eq!(ana["tags"], json!(["VIP"]), "tags kept");
    assert_eq!(api.all(&format!("/api/customers/{ana_id}/proficiencies/")).await.len(), 1);
    assert_eq!(api.all(&format!("/api/customers/{ana_id}/notes/")).await.len(), 0, "notes emptied");
}

#[tokio::test]
async fn a_later_file_refers_to_an_earlier_files_records_by_external_id() {
    let (server, api) = start().await;
    let first = import(&server, first_file(), false).await;
    let later = json!({
        "locations": [{"id": 7, "external_id": "loc-up"}],
        "proficiencies": [{"id": 3, "external_id": "prof-lead"}],
        "associations": [{"id": 4, "external_id": "assoc-club"}],
        "membership_types": [{"id": 5, "external_id": "type-monthly"}],
        "customers": [
            {"id": 9, "external_id": "cust-3", "email": "cy@example.com", "first_name": "Cy", "last_name": "Lopez",
             "birthday": "2001-01-01", "home_location_id": 7, "association_ids": [4],
             "proficiencies": [{"proficiency_id": 3}],
             "check_ins": [{"location_id": 7, "checked_in_at": "2026-06-02T18:00:00Z"}]}
        ],
        "memberships": [{"membership_type_id": 5, "owner_id": 9, "start_date": "2026-06-01"}]
    });
    let outcome = import(&server, later, false).await;
    assert_eq!(outcome.report.proficiencies[0].action, Action::Kept);
    assert_eq!(outcome.report.proficiencies[0].database_id, first.report.proficiencies[0].database_id);
    assert_eq!(outcome.report.locations[0].database_id, first.report.locations[0].database_id);
    let cy = api.customer_by_email("cy@example.com").await;
    assert_eq!(cy["home_location_name"], json!("Upstairs"));
    assert_eq!(cy["has_active_membership"], json!(true));
    let cy_id = cy["id"].as_i64().unwrap();
    let memberships = api.all(&format!("/api/customers/{cy_id}/memberships/")).await;
    assert_eq!(memberships[0]["billing_amount"], json!("80.00"), "the stored type's terms: {memberships:?}");
    let proficiencies = api.all(&format!("/api/customers/{cy_id}/proficiencies/")).await;
    assert_eq!(proficiencies[0]["name"], json!("Lead Belay"));
    // The referred records were not renamed or duplicated.
    let types = api.all("/api/memberships/").await;
    assert_eq!(types.len(), 1, "{types:?}");
    assert_eq!(types[0]["name"], json!("Monthly"));
}

#[tokio::test]
async fn an_entry_adds_records_to_an_existing_customer_by_id_barcode_email_or_external_id() {
    let (server, api) = start().await;
    import(&server, first_file(), false).await;
    let made = api.create_customer("dee@example.com", "Dee", "Made").await;
    let doc = json!({
        // The location `admin create-location` made, by name.
        "locations": [{"id": 1, "name": LOCATION}],
        "customers": [
            {"id": 1, "existing": {"id": made}, "notes": [{"note": "by id"}],
             "check_ins": [{"location_id": 1, "checked_in_at": "2026-06-03T18:00:00Z"}]},
            {"id": 2, "existing": {"barcode": "B-2"}, "notes": [{"note": "by barcode"}], "tags": ["Setter"]},
            {"existing": {"email": "ANA@example.com"}, "notes": [{"note": "by email"}], "tags": ["VIP"]},
            {"existing": {"external_id": "cust-2"}, "medical_notes": [{"medical_notes": "by external id"}]}
        ],
        "relations": [{"customer_id": 1, "related_customer_id": 2, "relation": "SPO"}]
    });
    let outcome = import(&server, doc, false).await;
    assert!(outcome.report.customers.iter().all(|c| c.action == Action::Added), "{:?}", outcome.report);
    assert_eq!(outcome.report.customers[0].database_id, made);
    assert_eq!(outcome.report.locations[0].action, Action::Kept);
    assert_eq!(api.ok("/api/customers/").await["count"], json!(3), "no customer was made");

    let dee = api.ok(&format!("/api/customers/{made}/")).await;
    assert_eq!(dee["first_name"], json!("Dee"), "an attached customer's fields are left alone");
    assert_eq!(dee["check_in_count"], json!(1), "summaries are computed for existing customers too");
    let ben = api.customer_by_email("ben@example.com").await;
    let ben_id = ben["id"].as_i64().unwrap();
    assert_eq!(ben["tags"], json!(["Setter"]));
    assert_eq!(api.all(&format!("/api/customers/{ben_id}/notes/")).await[0]["note"], json!("by barcode"));
    assert_eq!(api.all(&format!("/api/customers/{ben_id}/medical-notes/")).await.len(), 1);
    let ana = api.customer_by_email("ana@example.com").await;
    assert_eq!(ana["tags"], json!(["VIP"]), "a tag the customer has is not added twice");
    let ana_id = ana["id"].as_i64().unwrap();
    assert_eq!(api.all(&format!("/api/customers/{ana_id}/notes/")).await.len(), 2, "added to, not replaced");
    let relations = api.all(&format!("/api/customers/{made}/relations/")).await;
    assert_eq!(relations.len(), 1, "{relations:?}");
}

#[tokio::test]
async fn unknown_references_and_fields_on_an_attached_entry_are_refused_and_nothing_is_written() {
    let (server, api) = start().await;
    import(&server, first_file(), false).await;
    let doc = json!({
        "proficiencies": [{"id": 1, "external_id": "no-such"}],
        "customers": [
            {"existing": {"email": "nobody@example.com"}},
            {"existing": {"barcode": "B-2"}, "first_name": "Renamed"},
            {"email": "new@example.com", "first_name": "New", "last_name": "One", "birthday": "2000-01-01"}
        ]
    });
    let problems: Vec<String> = match try_import(&server, doc, false).await {
        Ok(_) => panic!("the document should be refused"),
        Err(failure) => failure.0.iter().map(ToString::to_string).collect(),
    };
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(problems.iter().any(|p| p.contains("proficiencies[0]") && p.contains("\"no-such\"")), "{problems:#?}");
    assert!(problems.iter().any(|p| p.starts_with("customers[0] existing: Test Gym has no customer")), "{problems:#?}");
    assert!(problems.iter().any(|p| p.starts_with("customers[1] existing: an entry that adds")), "{problems:#?}");
    assert_eq!(api.ok("/api/customers/").await["count"], json!(2));
}

#[tokio::test]
async fn a_dry_run_reports_the_ids_and_writes_nothing() {
    let (server, api) = start().await;
    let dry = import(&server, first_file(), true).await;
    assert_eq!(dry.summary.customers, 2);
    assert_eq!(dry.report.customers.len(), 2);
    assert_eq!(api.ok("/api/customers/").await["count"], json!(0), "a dry run writes nothing");
    let real = import(&server, first_file(), false).await;
    assert_eq!(real.report, dry.report, "the dry run foretold the ids");
    let again = import(&server, first_file(), true).await;
    assert!(again.report.customers.iter().all(|c| c.action == Action::Updated));
}

#[tokio::test]
async fn external_ids_are_unique_within_a_kind() {
    let (server, _api) = start().await;
    let mut doc = first_file();
    doc["customers"][1]["external_id"] = json!("cust-1");
    let failure = try_import(&server, doc, false).await.expect_err("refused");
    let text = failure.to_string();
    assert!(text.contains("external_id") && text.contains("cust-1"), "{text}");
}
