//! The declared kinds' shapes, the write forms and the membership calendar.

use super::*;
use jiff::civil::date;
use serde_json::json;

fn parse(form: SubRecordForm, body: Value, mode: WriteMode) -> Result<SubRecordWrite, FieldErrors> {
    form.parse_json(body.as_object().unwrap(), mode)
}

#[test]
fn a_declared_kind_gives_its_wire_shape_row_columns_mapping_and_import_shape() {
    // Own columns only: joined and shown fields are not the table's.
    assert_eq!(RelationRow::COLUMNS, ["id", "related_customer_id", "relation", "created_at", "updated_at"]);
    assert_eq!(EntryPassRow::COLUMNS.last(), Some(&"updated_at"), "imported-only fields are not listed");
    let row = ChallengeRow {
        id: 7,
        challenge_id: 3,
        name: "Boulder 100".into(),
        description: String::new(),
        status: "INP".into(),
        started_at: 1_000_000,
        completed_at: None,
    };
    let wire = row.into_wire("u/7/".into());
    assert_eq!(wire.url, "u/7/");
    assert_eq!(wire.started_at, Some(jiff::Timestamp::from_second(1).unwrap()));
    assert_eq!(wire.completed_at, None);
    assert_eq!(
        serde_json::to_string(&wire).unwrap(),
        r#"{"id":7,"url":"u/7/","challenge_id":3,"name":"Boulder 100","description":"","status":"INP","started_at":"1970-01-01T00:00:01.000000Z","completed_at":null}"#
    );
    let imported: ImportWaiver = serde_json::from_value(json!({"name": "Waiver"})).unwrap();
    assert_eq!((imported.status.as_str(), imported.pdf, imported.expiration_date), ("ACT", None, None));
    assert!(serde_json::from_value::<ImportWaiver>(json!({"name": "W", "is_expired": true})).is_err());
    assert!(serde_json::from_value::<ImportNote>(json!({})).is_err(), "a required field");
    let pass: ImportEntryPass =
        serde_json::from_value(json!({"name": "10-visit", "uses_total": 10, "uses_remaining": 4, "association_id": 2}))
            .unwrap();
    assert_eq!(pass.association_id, Some(2));
    assert_eq!(serde_json::to_value(ImportNote { note: "n".into(), created_at: None }).unwrap(), json!({"note": "n"}));
}

/// The keys of a record's JSON object, in the order they are written.
fn keys(value: impl Serialize) -> Vec<String> {
    struct Keys(Vec<String>);
    impl<'de> Deserialize<'de> for Keys {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Keys, D::Error> {
            struct Visit;
            impl<'de> serde::de::Visitor<'de> for Visit {
                type Value = Keys;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                    let mut keys = Vec::new();
                    while let Some((key, _)) = map.next_entry::<String, serde::de::IgnoredAny>()? {
                        keys.push(key);
                    }
                    Ok(Keys(keys))
                }
            }
            d.deserialize_map(Visit)
        }
    }
    serde_json::from_str::<Keys>(&serde_json::to_string(&value).unwrap()).unwrap().0
}

#[test]
fn a_write_form_is_the_fields_marked_edit_in_declaration_order() {
    let names = |form: SubRecordForm| form.fields.iter().map(|f| f.name).collect::<Vec<_>>();
    assert_eq!(names(EMERGENCY_CONTACT_FORM), ["first_name", "last_name", "telephone", "email", "relation"]);
    assert_eq!(EMERGENCY_CONTACT_FORM.email_fields, ["email"]);
    assert_eq!(names(ALERT_FORM), ["message", "prevents_check_in"]);
    assert_eq!(ALERT_FORM.fields[1].kind, FieldKind::Bool);
    assert!(ALERT_FORM.fields[0].required && !ALERT_FORM.fields[1].required);
    assert_eq!((names(NOTE_FORM), names(MEDICAL_NOTE_FORM)), (vec!["note"], vec!["medical_notes"]));
    assert_eq!(MEDICAL_NOTE_FORM.fields[0].label, "Medical notes");
}

#[test]
fn membership_kinds_keep_their_capitan_shape_and_read_their_columns() {
    // Row-only fields are read but not sent; renamed and joined ones are the listing's to select.
    assert_eq!(MembershipTypeRow::COLUMNS.last(), Some(&"location_id"));
    assert!(!keys(MembershipType::default()).contains(&"location_id".to_string()));
    assert_eq!(
        CustomerMembershipRow::COLUMNS,
        [
            "id",
            "status",
            "start_date",
            "end_date",
            "interval",
            "billing_amount",
            "owner_id",
            "created_at",
            "updated_at"
        ]
    );
    assert_eq!(
        keys(CustomerMembership::default()),
        [
            "id",
            "url",
            "membership_id",
            "name",
            "status",
            "start_date",
            "end_date",
            "interval",
            "billing_amount",
            "owner_id",
            "owner_first_name",
            "owner_last_name",
            "owner_email",
            "owner_birthday",
            "membership_unfreeze_date",
            "all_customers",
            "upcoming_bill_dates",
            "valid_location_ids",
            "valid_location_names",
            "created_at",
            "updated_at"
        ]
    );
    // Capitan's lenient reading: null lists are empty.
    let read: CustomerMembership =
        serde_json::from_value(json!({"all_customers": null, "valid_location_ids": null})).unwrap();
    assert!(read.all_customers.is_empty() && read.valid_location_ids.is_empty());
}

#[test]
fn a_reservation_part_books_the_same_fields_as_its_reservation() {
    let reservation = ReservationRow::COLUMNS.iter().filter(|c| **c != "created_at").copied().collect::<Vec<_>>();
    assert_eq!(ReservationPartRow::COLUMNS, reservation);
    let booked = |k: Vec<String>| {
        k.into_iter().filter(|k| !["id", "url", "created_at"].contains(&k.as_str())).collect::<Vec<_>>()
    };
    let mut part = booked(keys(ReservationPart::default()));
    assert_eq!(part.drain(..2).collect::<Vec<_>>(), ["reservation_id", "reservation_url"]);
    assert_eq!(part, booked(keys(Reservation::default())));
}

#[test]
fn an_activity_entry_leaves_its_changes_to_the_server() {
    let row = ActivityRow {
        id: 3,
        customer_id: 1,
        staff_user_id: None,
        staff_username: None,
        action: "update".into(),
        entity: "note".into(),
        entity_id: Some(9),
        changes: r#"{"note":{"from":"a","to":"b"}}"#.into(),
        created_at: 0,
    };
    assert_eq!(ActivityRow::COLUMNS[6], "changes");
    let entry = row.into_wire("u".into());
    assert!(entry.changes.is_empty());
    assert_eq!((entry.entity.as_str(), entry.entity_id), ("note", Some(9)));
}

#[test]
fn emergency_contacts_require_names_and_telephone_and_check_an_email_when_given() {
    let err = parse(EMERGENCY_CONTACT_FORM, json!({"first_name": " ", "email": "nope"}), WriteMode::Full).unwrap_err();
    assert_eq!(err.get("first_name").unwrap(), [v::MSG_BLANK]);
    assert_eq!(err.get("last_name").unwrap(), [v::MSG_REQUIRED]);
    assert_eq!(err.get("telephone").unwrap(), [v::MSG_REQUIRED]);
    assert_eq!(err.get("email").unwrap(), [v::MSG_EMAIL]);
    let ok = parse(EMERGENCY_CONTACT_FORM, json!({"email": "", "relation": null}), WriteMode::Partial).unwrap();
    assert_eq!(ok, vec![("email", FieldValue::Text(String::new())), ("relation", FieldValue::Text(String::new()))]);
    assert_eq!(EMERGENCY_CONTACT_FORM.parse_text("email", "a@b").unwrap_err(), v::MSG_EMAIL);
}

#[test]
fn alert_flags_take_booleans_and_messages_must_not_be_blank() {
    let err = parse(ALERT_FORM, json!({"message": 5, "prevents_check_in": "perhaps"}), WriteMode::Full).unwrap_err();
    assert!(err.get("message").is_none(), "numbers are text to DRF");
    assert_eq!(err.get("prevents_check_in").unwrap(), [v::MSG_BOOL]);
    let err = parse(ALERT_FORM, json!({"message": ["x"]}), WriteMode::Partial).unwrap_err();
    assert_eq!(err.get("message").unwrap(), [v::MSG_NOT_STRING]);
}

#[test]
fn relation_writes_name_each_bad_field() {
    let (result, related) = RelationWrite::parse_json(json!({"related_customer_id": "x"}).as_object().unwrap());
    let err = result.unwrap_err();
    assert_eq!(err.get("related_customer_id").unwrap(), ["Incorrect type. Expected pk value, received str."]);
    assert_eq!(err.get("relation").unwrap(), [v::MSG_REQUIRED]);
    assert_eq!(related, None);
    let (result, related) =
        RelationWrite::parse_json(json!({"related_customer_id": "12", "relation": "BFF"}).as_object().unwrap());
    assert_eq!(result.unwrap_err().get("relation").unwrap(), ["\"BFF\" is not a valid choice."]);
    assert_eq!(related, Some(12));
    let (result, _) =
        RelationWrite::parse_json(json!({"related_customer_id": 12, "relation": "CHI"}).as_object().unwrap());
    assert_eq!(result.unwrap(), RelationWrite { related_customer_id: 12, relation: "CHI" });
}

#[test]
fn every_relation_reverses_to_a_code_that_reverses_back() {
    for code in RELATION_CODES {
        assert!(RELATION_CODES.contains(&reverse_relation(code)));
        assert_eq!(reverse_relation(reverse_relation(code)), code);
    }
    assert_eq!(reverse_relation("CHI"), "PRE");
    assert_eq!(reverse_relation("WAR"), "GUA");
    assert_eq!(reverse_relation("SIB"), "SIB");
}

#[test]
fn membership_status_follows_the_calendar() {
    let today = date(2026, 3, 10);
    assert_eq!(membership_status("ACT", date(2026, 4, 1), None, today), "FUT");
    assert_eq!(membership_status("FUT", date(2026, 3, 1), None, today), "ACT");
    assert_eq!(membership_status("ACT", date(2025, 1, 1), Some(date(2026, 3, 9)), today), "END");
    assert_eq!(membership_status("ACT", date(2025, 1, 1), Some(date(2026, 3, 10)), today), "ACT");
    assert_eq!(membership_status("FRZ", date(2025, 1, 1), None, today), "FRZ");
    assert_eq!(membership_status("CAN", date(2027, 1, 1), None, today), "CAN");
}

#[test]
fn bill_dates_step_from_the_start_within_the_horizon() {
    let today = date(2026, 3, 10);
    assert_eq!(
        upcoming_bill_dates("ACT", "MON", date(2026, 1, 31), None, today),
        vec![date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31)]
    );
    // A renewing membership bills on: its end date (the last day paid for) does not stop them.
    assert_eq!(
        upcoming_bill_dates("ACT", "BWK", date(2026, 3, 1), None, today),
        vec![
            date(2026, 3, 15),
            date(2026, 3, 29),
            date(2026, 4, 12),
            date(2026, 4, 26),
            date(2026, 5, 10),
            date(2026, 5, 24),
            date(2026, 6, 7)
        ]
    );
    assert_eq!(upcoming_bill_dates("FUT", "YRL", date(2026, 4, 1), None, today), vec![date(2026, 4, 1)]);
    assert_eq!(
        upcoming_bill_dates("FRZ", "MON", date(2026, 1, 5), Some(date(2026, 5, 1)), today),
        vec![date(2026, 5, 5), date(2026, 6, 5)]
    );
    assert!(upcoming_bill_dates("FRZ", "MON", date(2026, 1, 5), None, today).is_empty());
    assert!(upcoming_bill_dates("END", "MON", date(2026, 1, 5), None, today).is_empty());
    assert!(upcoming_bill_dates("ACT", "ONE", date(2026, 1, 5), None, today).is_empty());
}
