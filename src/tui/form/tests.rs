//! The form model on its own: what it sends, what it shows, what it keeps.

use jiff::civil::date;
use serde_json::json;
use tui_input::InputRequest;

use super::*;
use crate::model::CustomFieldValue;
use crate::model::validation as v;

fn ann() -> Customer {
    Customer {
        id: 7,
        email: "ann@example.com".into(),
        first_name: "Ann".into(),
        last_name: "Smith".into(),
        birthday: Some(date(1990, 5, 17)),
        telephone: "303-555-0101".into(),
        government_id: "123-45-6789".into(),
        home_location_id: Some(1),
        custom_field_values: vec![CustomFieldValue { field_id: 3, field_name: "Shoe size".into(), value: "42".into() }],
        ..Customer::default()
    }
}

fn type_into(form: &mut Form, name: &str, text: &str) {
    form.focused = form.fields.iter().position(|f| f.name == name).unwrap();
    form.focused_field_mut().set_text(text);
    form.edited();
}

#[test]
fn an_edit_sends_only_the_fields_that_changed() {
    let mut form = Form::edit_customer(&ann());
    assert!(!form.is_dirty());
    assert_eq!(form.body().unwrap(), Map::new(), "nothing changed, nothing sent");
    type_into(&mut form, "telephone", "303-555-0199");
    type_into(&mut form, "email", "  ann@example.com  ");
    type_into(&mut form, "custom_field_values[3]", "43");
    assert!(form.is_dirty());
    let body = form.body().unwrap();
    assert_eq!(
        Value::Object(body),
        json!({"telephone": "303-555-0199", "custom_field_values": [{"field_id": 3, "value": "43"}]}),
        "surrounding space is no change"
    );
}

#[test]
fn rules_are_the_servers_and_show_once_a_field_is_edited() {
    let mut form = Form::new_customer(&[]);
    let email = form.fields.iter().position(|f| f.name == "email").unwrap();
    assert_eq!(form.fields[email].problem.as_deref(), Some(v::MSG_BLANK));
    assert_eq!(form.fields[email].shown_problem(false), None, "an untouched field is not scolded");
    type_into(&mut form, "email", "ann@");
    assert_eq!(form.fields[email].shown_problem(false), Some(v::MSG_EMAIL));
    type_into(&mut form, "birthday", "1990-02-30");
    assert_eq!(form.field("birthday").unwrap().shown_problem(false), Some(v::MSG_DATE));
    type_into(&mut form, "preferred_name", &"x".repeat(181));
    assert_eq!(form.field("preferred_name").unwrap().shown_problem(false), Some(v::max_length_message(180).as_str()));
    // A save stops at the first field in the way, and shows every problem.
    assert_eq!(form.body().unwrap_err(), email);
    assert_eq!(form.field("first_name").unwrap().shown_problem(true), Some(v::MSG_BLANK));
}

#[test]
fn a_walk_in_sends_every_field_with_a_value() {
    let mut form = Form::new_customer(&[(3, "Shoe size".into())]);
    type_into(&mut form, "email", "walk.in@example.com");
    type_into(&mut form, "first_name", "Walk");
    type_into(&mut form, "last_name", "In");
    type_into(&mut form, "birthday", "2001-02-03");
    let gender = form.fields.iter().position(|f| f.name == "gender").unwrap();
    form.focused = gender;
    form.cycle(true, &[]);
    form.cycle(true, &[]);
    let body = form.body().unwrap();
    assert_eq!(
        Value::Object(body),
        json!({"email": "walk.in@example.com", "first_name": "Walk", "last_name": "In", "birthday": "2001-02-03",
               "gender": "F", "has_opted_in_to_marketing": false})
    );
}

#[test]
fn choices_cycle_through_their_options_and_read_as_labels() {
    let locations = [
        Location { id: 1, name: "Main".into(), ..Location::default() },
        Location { id: 2, name: "Annex".into(), ..Location::default() },
    ];
    let mut form = Form::edit_customer(&ann());
    form.focused = form.fields.iter().position(|f| f.name == "home_location_id").unwrap();
    assert_eq!(choice_label(FieldKind::LocationId, &locations, form.focused_field().value()), "Main");
    form.cycle(true, &locations);
    assert_eq!(form.focused_field().value(), "2");
    form.cycle(true, &locations);
    assert_eq!(form.focused_field().value(), "", "none clears the home location");
    assert_eq!(Value::Object(form.body().unwrap()), json!({"home_location_id": null}));
    // A location the list does not know is still offered, by its id.
    assert_eq!(choice_label(FieldKind::LocationId, &[], "9"), "location 9");
    assert_eq!(choice_label(FieldKind::Bool, &[], "true"), "yes");
}

#[test]
fn server_errors_land_on_their_fields_until_edited() {
    let mut form = Form::edit_customer(&ann());
    type_into(&mut form, "barcode", "100042");
    let mut errors = FieldErrors::single("barcode", "customer with this barcode already exists.");
    errors.add("non_field_errors", "Try again.");
    form.apply_server_errors(&errors);
    let barcode = form.field("barcode").unwrap();
    assert_eq!(barcode.shown_problem(false), Some("customer with this barcode already exists."));
    assert_eq!(barcode.value(), "100042", "what was typed stays");
    assert_eq!(form.focused_field().name, "barcode");
    assert_eq!(form.general_problem.as_deref(), Some("Try again."));
    form.focused_field_mut().input.handle(InputRequest::InsertChar('9'));
    form.edited();
    assert_eq!(form.field("barcode").unwrap().shown_problem(true), None);
}

#[test]
fn changes_on_the_server_are_found_and_either_side_can_win() {
    let opened = ann();
    let mut form = Form::edit_customer(&opened);
    type_into(&mut form, "telephone", "111");
    type_into(&mut form, "pronouns", "she/her");
    let fresh = Customer { telephone: "222".into(), address_city: "Boulder".into(), ..opened.clone() };
    let conflicts = form.conflicts_with(&fresh);
    assert_eq!(conflicts.len(), 2);
    let phone = conflicts.iter().find(|c| c.label == "Telephone").unwrap();
    assert_eq!((phone.before.as_str(), phone.theirs.as_str(), phone.mine.as_str()), ("303-555-0101", "222", "111"));
    assert!(phone.mine_changed);
    assert!(!conflicts.iter().find(|c| c.label == "City").unwrap().mine_changed);

    let mut mine = form.clone();
    mine.rebase_keeping_mine(&fresh);
    assert_eq!(mine.field("address_city").unwrap().value(), "Boulder", "their other change is taken in");
    assert_eq!(Value::Object(mine.body().unwrap()), json!({"telephone": "111", "pronouns": "she/her"}));
    assert!(mine.conflicts_with(&fresh).is_empty());

    let mut theirs = form.clone();
    theirs.rebase_taking_theirs(&fresh);
    assert_eq!(theirs.field("telephone").unwrap().value(), "222");
    assert_eq!(
        Value::Object(theirs.body().unwrap()),
        json!({"pronouns": "she/her"}),
        "an edit they did not touch stays"
    );
}

#[test]
fn sub_record_forms_use_the_shared_record_rules() {
    let mut form = Form::record(7, SubCollection::EmergencyContacts, None).unwrap();
    type_into(&mut form, "first_name", "Bob");
    type_into(&mut form, "last_name", "Smith");
    type_into(&mut form, "email", "bob@");
    assert_eq!(form.field("email").unwrap().shown_problem(false), Some(v::MSG_EMAIL));
    assert_eq!(form.field("telephone").unwrap().shown_problem(true), Some(v::MSG_BLANK));
    type_into(&mut form, "email", "");
    type_into(&mut form, "telephone", "303");
    assert_eq!(
        Value::Object(form.body().unwrap()),
        json!({"first_name": "Bob", "last_name": "Smith", "telephone": "303"})
    );

    let alert =
        Alert { id: 4, url: "http://x/api/customers/7/alerts/4/".into(), message: "Owes".into(), ..Alert::default() };
    let mut form = Form::record(7, SubCollection::Alerts, Some((&alert.url, alert_values(&alert)))).unwrap();
    assert_eq!(form.title(), "Edit alert");
    form.focused = 1;
    form.cycle(true, &[]);
    assert_eq!(Value::Object(form.body().unwrap()), json!({"prevents_check_in": true}));
    assert!(Form::record(7, SubCollection::Relations, None).is_none());
}

#[test]
fn government_ids_show_only_their_last_four() {
    assert_eq!(mask("123-45-6789"), "•••••••6789");
    assert_eq!(mask("12"), "••");
    assert_eq!(mask(""), "");
}
