//! Edits through `App::update`: the form opens, checks as typed, sends only changes, keeps what was
//! typed through every failure, asks before discarding, and lets staff choose when the server changed.

use crossterm::event::{KeyCode, KeyEvent};
use serde_json::json;

use super::tests::{ctrl, customer, key, loaded, typed};
use super::*;
use crate::model::FieldErrors;
use crate::model::validation as v;
use crate::tui::editor::DISCARD_FORM_PROMPT;

fn ann() -> Customer {
    Customer { telephone: "303-555-0101".into(), ..customer(1, "Ann", "Smith") }
}

/// The profile of Ann open, with the edit form in front.
fn editing() -> App {
    let mut app = loaded(80, 24, vec![ann(), customer(2, "Bo", "Jones")], None);
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Enter));
    app.update(key(KeyCode::F(4)));
    assert_eq!(app.screen, Screen::Form);
    app
}

fn focus(app: &mut App, name: &str) {
    while app.editor.form.as_ref().unwrap().focused_field().name != name {
        app.update(key(KeyCode::Tab));
    }
}

fn replace_text(app: &mut App, text: &str) -> Vec<Command> {
    app.update(ctrl('u'));
    typed(app, text)
}

fn save(app: &mut App) -> Vec<Command> {
    app.update(ctrl('s'))
}

fn request_of(commands: &[Command]) -> RequestId {
    commands
        .iter()
        .find_map(|c| match c {
            Command::FetchCustomer { request, .. }
            | Command::SaveCustomer { request, .. }
            | Command::SaveRecord { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no save in {commands:?}"))
}

#[test]
fn an_edit_round_trip_sends_only_the_changed_field_and_shows_the_saved_customer() {
    let mut app = editing();
    focus(&mut app, "telephone");
    replace_text(&mut app, "303-555-0199");
    let check = save(&mut app);
    // The customer is read again first, to see whether someone else changed it.
    assert!(matches!(check.as_slice(), [Command::FetchCustomer { id: 1, .. }]), "{check:?}");
    let patch = app.update(Msg::CustomerLoaded { request: request_of(&check), result: Ok(ann()) });
    let [Command::SaveCustomer { request, id: Some(1), body }] = patch.as_slice() else { panic!("{patch:?}") };
    assert_eq!(serde_json::Value::Object(body.clone()), json!({"telephone": "303-555-0199"}));
    assert!(app.is_busy());
    let saved = Customer { telephone: "303-555-0199".into(), ..ann() };
    app.update(Msg::CustomerSaved { request: *request, result: Ok(saved) });
    assert_eq!(app.screen, Screen::Desk);
    assert!(app.editor.form.is_none());
    assert_eq!(app.list.rows[0].telephone, "303-555-0199");
    assert_eq!(app.notice.as_ref().unwrap().text, "Saved Ann Smith");
}

#[test]
fn a_rule_broken_while_typing_stops_the_save_on_that_field() {
    let mut app = editing();
    focus(&mut app, "email");
    replace_text(&mut app, "ann@");
    let form = app.editor.form.as_ref().unwrap();
    assert_eq!(form.focused_field().shown_problem(false), Some(v::MSG_EMAIL), "checked as typed");
    focus(&mut app, "birthday");
    assert!(save(&mut app).is_empty(), "nothing is sent");
    let form = app.editor.form.as_ref().unwrap();
    assert_eq!(form.focused_field().name, "email", "the save goes to the field in the way");
    assert!(app.notice.as_ref().unwrap().text.contains("Email"));
}

#[test]
fn server_field_errors_land_on_the_fields_and_a_failed_save_keeps_everything_typed() {
    let mut app = editing();
    focus(&mut app, "barcode");
    replace_text(&mut app, "100042");
    focus(&mut app, "pronouns");
    replace_text(&mut app, "she/her");
    let check = save(&mut app);
    let patch = app.update(Msg::CustomerLoaded { request: request_of(&check), result: Ok(ann()) });
    let refused = FieldErrors::single("barcode", "customer with this barcode already exists.");
    app.update(Msg::CustomerSaved { request: request_of(&patch), result: Err(ClientError::Validation(refused)) });
    let form = app.editor.form.as_ref().expect("the form stays");
    assert_eq!(app.screen, Screen::Form);
    assert_eq!(form.focused_field().name, "barcode");
    assert_eq!(form.focused_field().shown_problem(false), Some("customer with this barcode already exists."));
    assert_eq!(form.field("pronouns").unwrap().value(), "she/her");
    // The network fails on the next try: still nothing lost.
    replace_text(&mut app, "100099");
    let check = save(&mut app);
    app.update(Msg::CustomerLoaded {
        request: request_of(&check),
        result: Err(ClientError::Offline("connection failed".into())),
    });
    let form = app.editor.form.as_ref().unwrap();
    assert_eq!(form.field("barcode").unwrap().value(), "100099");
    assert_eq!(form.field("pronouns").unwrap().value(), "she/her");
    assert!(form.general_problem.as_ref().unwrap().contains("Everything you typed is still here"));
}

#[test]
fn esc_asks_before_discarding_and_quit_asks_too() {
    let mut app = editing();
    focus(&mut app, "pronouns");
    typed(&mut app, "they");
    app.update(key(KeyCode::Esc));
    assert_eq!(app.screen, Screen::Form);
    assert_eq!(app.notice.as_ref().unwrap().text, DISCARD_FORM_PROMPT);
    app.update(ctrl('c'));
    assert!(!app.quit, "quitting over unsaved work asks first");
    assert_eq!(app.key_context(), KeyContext::QuitQuestion);
    assert!(app.quit_question.as_ref().unwrap().contains("unsaved changes"));
    let lines = crate::tui::screen_tests::screen(&app);
    crate::tui::screen_tests::assert_has(&lines, &["Quit anyway? y yes"]);
    app.update(key(KeyCode::Char('n')));
    assert!(!app.quit && app.quit_question.is_none(), "no means stay");
    app.update(key(KeyCode::Esc));
    assert!(app.editor.form.is_some(), "a key in between disarms the discard");
    app.update(key(KeyCode::Esc));
    assert_eq!(app.screen, Screen::Desk);
    assert!(app.editor.form.is_none());
    // An untouched form closes at once.
    app.update(key(KeyCode::F(4)));
    app.update(key(KeyCode::Esc));
    assert_eq!(app.screen, Screen::Desk);
    // With nothing to lose, ctrl-q quits at once.
    app.update(ctrl('q'));
    assert!(app.quit);
}

#[test]
fn quitting_with_unsaved_work_takes_a_yes_and_nothing_else() {
    let mut app = editing();
    focus(&mut app, "pronouns");
    typed(&mut app, "they");
    app.update(ctrl('c'));
    for code in [KeyCode::Enter, KeyCode::Char('1'), KeyCode::Char('q')] {
        app.update(key(code));
        assert!(!app.quit, "{code:?} is not a yes (a scanner's Enter must not quit)");
        assert!(app.quit_question.is_some());
    }
    app.update(key(KeyCode::Char('y')));
    assert!(app.quit);
}

#[test]
fn a_change_on_the_server_is_shown_and_staff_choose_whose_version_wins() {
    let mut app = editing();
    focus(&mut app, "telephone");
    replace_text(&mut app, "111");
    let check = save(&mut app);
    let theirs = Customer { telephone: "222".into(), address_city: "Boulder".into(), ..ann() };
    let answer = app.update(Msg::CustomerLoaded { request: request_of(&check), result: Ok(theirs.clone()) });
    assert!(answer.is_empty(), "nothing is written over their change unasked");
    assert_eq!(app.key_context(), KeyContext::Conflict);
    let (conflicts, _) = app.editor.form.as_ref().unwrap().conflict.clone().unwrap();
    assert_eq!(conflicts.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(), ["City", "Telephone"]);

    // Taking theirs puts their values in the form; nothing is saved.
    app.update(key(KeyCode::Char('t')));
    assert_eq!(app.key_context(), KeyContext::Form);
    assert_eq!(app.editor.form.as_ref().unwrap().field("telephone").unwrap().value(), "222");

    // Keeping mine saves mine over theirs, and only mine.
    replace_text(&mut app, "333");
    let check = save(&mut app);
    let newer = Customer { telephone: "444".into(), ..theirs };
    app.update(Msg::CustomerLoaded { request: request_of(&check), result: Ok(newer) });
    let patch = app.update(key(KeyCode::Char('k')));
    let [Command::SaveCustomer { body, .. }] = patch.as_slice() else { panic!("{patch:?}") };
    assert_eq!(serde_json::Value::Object(body.clone()), json!({"telephone": "333"}));
}

#[test]
fn a_walk_in_is_created_through_the_same_form_and_selected() {
    let mut app = loaded(80, 24, vec![ann()], None);
    app.update(ctrl('n'));
    assert_eq!(app.editor.form.as_ref().unwrap().title(), "New customer");
    for (field, text) in [("email", "walk.in@example.com"), ("first_name", "Walk"), ("last_name", "In")] {
        focus(&mut app, field);
        typed(&mut app, text);
    }
    assert!(save(&mut app).is_empty(), "the birthday is required");
    assert_eq!(app.editor.form.as_ref().unwrap().focused_field().name, "birthday");
    typed(&mut app, "2001-02-03");
    // Possible duplicates are asked for first; none, and the customer is created.
    let check = save(&mut app);
    let [Command::CheckDuplicates { request, .. }] = check.as_slice() else { panic!("{check:?}") };
    let post = app.update(Msg::DuplicatesChecked { request: *request, result: Ok(Some(vec![])) });
    let [Command::SaveCustomer { request, id: None, body }] = post.as_slice() else { panic!("{post:?}") };
    assert_eq!(body["birthday"], "2001-02-03");
    let created = Customer { id: 9, email: "walk.in@example.com".into(), ..customer(9, "Walk", "In") };
    app.update(Msg::CustomerSaved { request: *request, result: Ok(created) });
    assert_eq!(app.list.selected_customer().unwrap().id, 9);
    assert_eq!(app.focus, Focus::Detail);
    assert_eq!(app.notice.as_ref().unwrap().text, "Created Walk In");
}

#[test]
fn contacts_are_added_from_the_profile_and_the_profile_reloads() {
    let mut app = loaded(80, 24, vec![ann()], None);
    app.update(key(KeyCode::Down));
    let opened = app.update(key(KeyCode::Enter));
    let subs = opened
        .iter()
        .find_map(|c| match c {
            Command::FetchSubCollections { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    app.update(key(KeyCode::F(6)));
    assert!(app.records.current().is_none(), "still loading: nothing to pick from yet");
    for kind in SubCollection::ALL {
        let records = match kind {
            SubCollection::EmergencyContacts => SubRecords::EmergencyContacts(vec![]),
            SubCollection::Relations => SubRecords::Relations(vec![]),
            SubCollection::Alerts => SubRecords::Alerts(vec![]),
            SubCollection::Notes => SubRecords::Notes(vec![]),
            SubCollection::CheckIns => SubRecords::CheckIns(vec![], 0),
            SubCollection::Memberships => SubRecords::Memberships(vec![]),
            SubCollection::EntryPasses => SubRecords::EntryPasses(vec![]),
            SubCollection::Documents => SubRecords::Documents(vec![]),
        };
        app.update(Msg::SubLoaded { request: subs, kind, result: Ok(Some(records)) });
    }
    app.update(key(KeyCode::F(6)));
    assert_eq!(app.key_context(), KeyContext::Records);
    app.update(key(KeyCode::Enter));
    assert_eq!(app.editor.form.as_ref().unwrap().title(), "New emergency contact");
    for text in ["Bob", "Smith", "303-555-0199"] {
        typed(&mut app, text);
        app.update(key(KeyCode::Tab));
    }
    let post = save(&mut app);
    let [Command::SaveRecord { request, customer_id: 1, kind: SubCollection::EmergencyContacts, url: None, body }] =
        post.as_slice()
    else {
        panic!("{post:?}")
    };
    assert_eq!(body["telephone"], "303-555-0199");
    let reload = app.update(Msg::RecordSaved { request: *request, result: Ok(json!({"id": 5})) });
    assert!(reload.iter().any(|c| matches!(c, Command::FetchSubCollections { .. })), "{reload:?}");
    assert_eq!(app.screen, Screen::Desk);
}

#[test]
fn a_scan_into_the_barcode_field_fills_it_and_elsewhere_checks_in() {
    let mut app = editing();
    let burst = |app: &mut App, code: &str, start: std::time::Instant| {
        let mut out = Vec::new();
        let mut at = start;
        for c in code.chars().map(KeyCode::Char).chain([KeyCode::Enter]) {
            out.extend(app.update(Msg::Read(KeyRead { key: KeyEvent::from(c), at })));
            at += std::time::Duration::from_millis(4);
        }
        out
    };
    let t0 = std::time::Instant::now();
    focus(&mut app, "barcode");
    let commands = burst(&mut app, "100777", t0);
    assert!(commands.is_empty(), "{commands:?}");
    assert_eq!(app.editor.form.as_ref().unwrap().field("barcode").unwrap().value(), "100777");
    assert_eq!(app.screen, Screen::Form);
    focus(&mut app, "pronouns");
    let commands = burst(&mut app, "100042", t0 + std::time::Duration::from_secs(5));
    assert!(matches!(commands.as_slice(), [Command::CheckIn { barcode, .. }] if barcode == "100042"), "{commands:?}");
    assert_eq!(app.screen, Screen::CheckIn);
    assert_eq!(
        app.editor.form.as_ref().unwrap().field("pronouns").unwrap().value(),
        "",
        "the scan typed nothing there"
    );
    app.update(key(KeyCode::Esc));
    assert_eq!(app.screen, Screen::Form, "Esc goes back to the form, as it was");
    assert_eq!(app.editor.form.as_ref().unwrap().field("barcode").unwrap().value(), "100777");
}

#[test]
fn a_walk_in_after_an_unknown_key_tag_starts_with_its_barcode() {
    let mut app = loaded(80, 24, vec![ann()], None);
    app.update(Msg::Key(KeyEvent::from(KeyCode::F(3))));
    typed(&mut app, "100099");
    let scan = app.update(key(KeyCode::Enter));
    let Some(Command::CheckIn { request, .. }) = scan.first().cloned() else { panic!("{scan:?}") };
    let unknown = crate::tui::check_in::ScanOutcome::Refused {
        status: 404,
        text: crate::model::check_in::UNKNOWN_ACCOUNT.into(),
        details: Default::default(),
    };
    app.update(Msg::ScanAnswered { request, scan: None, outcome: unknown });
    app.update(ctrl('n'));
    assert_eq!(app.editor.form.as_ref().unwrap().field("barcode").unwrap().value(), "100099");
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Esc));
    assert_eq!(app.screen, Screen::CheckIn, "back where the scan was");
}
