//! Membership terms as Capitan has them: a running recurring membership's
//! `end_date` is the last day of its current billing period, computed at
//! import when absent and moved forward by the calendar catch-up.

use serde_json::{Value, json};

use crate::support::{Api, TestServer, fixed_clock};

/// Today is 2026-03-10 in the organization (America/Denver).
async fn gym() -> (TestServer, Api) {
    let server = TestServer::start_with_clock(fixed_clock("2026-03-10T18:00:00Z")).await;
    let api = server.api().await;
    server
        .import(json!({
            "membership_types": [
                {"id": 1, "name": "Monthly", "billing_amount": "89.00"},
                {"id": 2, "name": "Annual", "interval": "YRL"},
                {"id": 3, "name": "Punch Card", "purchase_type": "PRE", "interval": "YRL"}
            ],
            "customers": [
                {"id": 1, "email": "a@example.com", "first_name": "Ann", "last_name": "Able", "birthday": "1980-02-03"},
                {"id": 2, "email": "b@example.com", "first_name": "Bo", "last_name": "Best", "birthday": "1990-02-03"},
                {"id": 3, "email": "c@example.com", "first_name": "Cy", "last_name": "Cole", "birthday": "1991-02-03"},
                {"id": 4, "email": "d@example.com", "first_name": "Di", "last_name": "Dunn", "birthday": "1992-02-03"},
                {"id": 5, "email": "e@example.com", "first_name": "Ed", "last_name": "Eck", "birthday": "1993-02-03"},
                {"id": 6, "email": "f@example.com", "first_name": "Flo", "last_name": "Fay", "birthday": "1994-02-03"},
                {"id": 7, "email": "g@example.com", "first_name": "Gus", "last_name": "Gil", "birthday": "1995-02-03"}
            ],
            "memberships": [
                {"membership_type_id": 1, "owner_id": 1, "start_date": "2026-01-31"},
                {"membership_type_id": 2, "owner_id": 2, "start_date": "2024-06-15"},
                {"membership_type_id": 1, "owner_id": 3, "status": "FRZ", "start_date": "2025-11-05",
                 "unfreeze_date": "2026-04-20"},
                {"membership_type_id": 1, "owner_id": 4, "start_date": "2026-04-01"},
                {"membership_type_id": 1, "owner_id": 5, "start_date": "2025-01-01", "end_date": "2026-02-28"},
                {"membership_type_id": 3, "owner_id": 6, "start_date": "2026-01-01"},
                {"membership_type_id": 1, "owner_id": 7, "start_date": "2026-02-16", "end_date": "2026-03-15"}
            ]
        }))
        .await;
    (server, api)
}

/// Each owner's membership: (status, start_date, end_date, first upcoming bill).
async fn terms(api: &Api) -> Vec<(String, Value, Value, Value)> {
    let mut out = Vec::new();
    for email in ["a", "b", "c", "d", "e", "f", "g"] {
        let id = api.id_of(&format!("{email}@example.com")).await;
        let list = api.all(&format!("/api/customers/{id}/memberships/")).await;
        let m = &list[0];
        out.push((
            m["status"].as_str().unwrap().to_string(),
            m["start_date"].clone(),
            m["end_date"].clone(),
            m["upcoming_bill_dates"].get(0).cloned().unwrap_or(Value::Null),
        ));
    }
    out
}

fn term(status: &str, start: &str, end: Option<&str>, next_bill: Option<&str>) -> (String, Value, Value, Value) {
    (status.to_string(), json!(start), json!(end), json!(next_bill))
}

#[tokio::test]
async fn an_import_gives_running_recurring_memberships_their_current_period() {
    let (_server, api) = gym().await;
    assert_eq!(
        terms(&api).await,
        [
            // Periods of a 31 January start end on 27 February, 30 March, 29 April...
            term("ACT", "2026-01-31", Some("2026-03-30"), Some("2026-03-31")),
            term("ACT", "2024-06-15", Some("2026-06-14"), None),
            // Frozen: its term is kept, it bills again from its unfreeze date.
            term("FRZ", "2025-11-05", Some("2026-04-04"), Some("2026-05-05")),
            // Not started: its first period.
            term("FUT", "2026-04-01", Some("2026-04-30"), Some("2026-04-01")),
            // Imported with an end date already past: it ended.
            term("END", "2025-01-01", Some("2026-02-28"), None),
            // Not recurring, no end date given: no term.
            term("ACT", "2026-01-01", None, None),
            // An end date given is kept.
            term("ACT", "2026-02-16", Some("2026-03-15"), Some("2026-03-16")),
        ]
    );
}

#[tokio::test]
async fn the_calendar_renews_running_memberships_and_leaves_ended_ones() {
    let (mut server, _) = gym().await;
    let members_before = server.api().await.ok("/api/customers/?has_active_membership=true").await["count"].clone();
    server.restart_with_clock(fixed_clock("2026-05-20T18:00:00Z")).await;
    let api = server.api().await;
    assert_eq!(
        terms(&api).await,
        [
            term("ACT", "2026-01-31", Some("2026-05-30"), Some("2026-05-31")),
            term("ACT", "2024-06-15", Some("2026-06-14"), Some("2026-06-15")),
            term("FRZ", "2025-11-05", Some("2026-06-04"), Some("2026-06-05")),
            // Started on 1 April: now in its second period.
            term("ACT", "2026-04-01", Some("2026-05-31"), Some("2026-06-01")),
            term("END", "2025-01-01", Some("2026-02-28"), None),
            term("ACT", "2026-01-01", None, None),
            // Its period ended on 15 March, after the import: renewed twice since.
            term("ACT", "2026-02-16", Some("2026-06-15"), Some("2026-06-16")),
        ]
    );
    // Renewed members stay members: the one who started in April joined them.
    let members = api.ok("/api/customers/?has_active_membership=true").await["count"].clone();
    assert_eq!((members_before, members), (json!(4), json!(5)));
}

#[tokio::test]
async fn every_active_membership_has_both_dates_and_the_counts_agree() {
    let (mut server, _) = gym().await;
    server.restart_with_clock(fixed_clock("2026-09-01T18:00:00Z")).await;
    let api = server.api().await;
    let all = api.all("/api/customer-memberships/?page_size=100").await;
    let active: Vec<&Value> = all.iter().filter(|m| m["status"] == "ACT").collect();
    let today = "2026-09-01";
    // A pipeline counting active terms from start_date and end_date: only the
    // punch card, which has no term, is left out.
    let with_term = active
        .iter()
        .filter(|m| m["start_date"].as_str().is_some_and(|s| s <= today))
        .filter(|m| m["end_date"].as_str().is_some_and(|e| e >= today))
        .count();
    assert_eq!((active.len(), with_term), (5, 4));
    assert!(active.iter().all(|m| m["end_date"].is_string() || m["name"] == "Punch Card"));
}

#[tokio::test]
async fn memberships_stored_without_terms_get_them_at_the_next_full_catch_up() {
    // As a database from before terms, after migration 0615 (which forgets
    // the date the summary columns were computed for).
    let (mut server, _) = gym().await;
    server
        .execute_sql(
            "UPDATE customer_memberships SET end_date = NULL WHERE status IN ('ACT', 'FRZ') AND end_date >= '2026-03-10'",
        )
        .await;
    server.execute_sql("UPDATE organizations SET derived_as_of = NULL").await;
    server.restart_with_clock(fixed_clock("2026-03-10T18:00:00Z")).await;
    let api = server.api().await;
    let ends: Vec<Value> = terms(&api).await.into_iter().map(|(_, _, end, _)| end).collect();
    assert_eq!(
        ends,
        [
            json!("2026-03-30"),
            json!("2026-06-14"),
            json!("2026-04-04"),
            json!("2026-04-30"),
            // Stored with its end: it ended, and stays so.
            json!("2026-02-28"),
            // Not recurring: no term.
            Value::Null,
            // Its given end was dropped above: the current period's end now.
            json!("2026-03-15"),
        ]
    );
}
