//! The walk-in's duplicate warning through `App::update` and drawn into `TestBackend`: the check
//! goes before the save, matches are listed with age, status and photo mark, `ctrl-s` creates
//! anyway, `Enter` opens the highlighted customer and keeps the form, `Esc` returns to the form as
//! typed; no matches, or a server without the check, saves as before.

use crossterm::event::KeyCode;

use super::tests::{ctrl, customer, key, loaded, typed};
use super::*;
use crate::model::duplicates::DuplicateProbe;
use crate::tui::screen_tests::{assert_has, screen};

fn ann() -> Customer {
    Customer {
        telephone: "(303) 555-0101".into(),
        has_active_membership: true,
        active_waiver_exists: true,
        ..customer(1, "Ann", "Smith")
    }
}

fn annie() -> Customer {
    Customer {
        email: "annie@example.com".into(),
        profile_image: None,
        profile_image_small: None,
        ..customer(7, "Annie", "Smyth")
    }
}

fn focus(app: &mut App, name: &str) {
    while app.editor.form.as_ref().unwrap().focused_field().name != name {
        app.update(key(KeyCode::Tab));
    }
}

fn field(app: &App, name: &str) -> String {
    app.editor.form.as_ref().unwrap().fields.iter().find(|f| f.name == name).unwrap().value().to_string()
}

/// A walk-in typed as Ann again (same phone, another spelling), saved: the check is in flight.
fn walk_in_saved(app: &mut App) -> RequestId {
    app.update(ctrl('n'));
    for (name, text) in [
        ("email", "ann.s@example.com"),
        ("first_name", "Anne"),
        ("last_name", "Smith"),
        ("birthday", "1990-05-17"),
        ("telephone", "+1 303 555 0101"),
    ] {
        focus(app, name);
        typed(app, text);
    }
    let check = app.update(ctrl('s'));
    let [Command::CheckDuplicates { request, probe }] = check.as_slice() else { panic!("{check:?}") };
    assert_eq!(
        *probe,
        DuplicateProbe {
            first_name: "Anne".into(),
            last_name: "Smith".into(),
            birthday: "1990-05-17".into(),
            email: "ann.s@example.com".into(),
            telephone: "+1 303 555 0101".into(),
        }
    );
    assert!(app.editor.is_saving(), "the check is the save's first step");
    *request
}

fn warned(app: &mut App) {
    let request = walk_in_saved(app);
    let out = app.update(Msg::DuplicatesChecked { request, result: Ok(Some(vec![ann(), annie()])) });
    assert!(out.is_empty(), "nothing is saved yet: {out:?}");
    assert_eq!(app.key_context(), KeyContext::Duplicates);
}

#[test]
fn matches_are_listed_with_age_status_photo_and_what_they_share() {
    let mut app = loaded(100, 30, vec![ann()], None);
    warned(&mut app);
    let lines = screen(&app);
    assert_has(
        &lines,
        &[
            "Possible duplicate",
            "▶ Smith, Ann",
            " 36 1990-05-17",
            "member",
            "waiver ✓",
            "photo",
            "same phone",
            "Smyth, Annie",
            "no waiver",
            "no photo",
            "ctrl-s create anyway",
            "Enter open that customer",
            "Esc back to the form",
        ],
    );
    // The arrows move the highlight.
    app.update(key(KeyCode::Down));
    assert_has(&screen(&app), &["▶ Smyth, Annie"]);
    app.update(key(KeyCode::Up));
    assert_has(&screen(&app), &["▶ Smith, Ann"]);
}

#[test]
fn ctrl_s_on_the_warning_creates_the_customer_anyway() {
    let mut app = loaded(100, 30, vec![ann()], None);
    warned(&mut app);
    let post = app.update(ctrl('s'));
    let [Command::SaveCustomer { request, id: None, body }] = post.as_slice() else { panic!("{post:?}") };
    assert_eq!(body["first_name"], "Anne");
    assert_eq!(body["telephone"], "+1 303 555 0101");
    let created = Customer { email: "ann.s@example.com".into(), ..customer(9, "Anne", "Smith") };
    app.update(Msg::CustomerSaved { request: *request, result: Ok(created) });
    assert_eq!(app.screen, Screen::Desk);
    assert_eq!(app.list.selected_customer().unwrap().id, 9);
    assert!(app.editor.form.is_none() && app.editor.duplicates.is_none());
}

#[test]
fn esc_goes_back_to_the_form_as_typed_and_the_next_save_checks_again() {
    let mut app = loaded(100, 30, vec![ann()], None);
    warned(&mut app);
    app.update(key(KeyCode::Esc));
    assert_eq!(app.screen, Screen::Form);
    assert_eq!(app.key_context(), KeyContext::Form);
    assert_eq!(field(&app, "first_name"), "Anne");
    assert_eq!(field(&app, "telephone"), "+1 303 555 0101");
    let lines = screen(&app);
    assert!(!lines.iter().any(|l| l.contains("Possible duplicate")), "{}", lines.join("\n"));
    let again = app.update(ctrl('s'));
    assert!(matches!(again.as_slice(), [Command::CheckDuplicates { .. }]), "{again:?}");
}

#[test]
fn enter_opens_the_highlighted_customer_and_keeps_the_typed_form() {
    let mut app = loaded(100, 30, vec![ann()], None);
    warned(&mut app);
    app.update(key(KeyCode::Down));
    let out = app.update(key(KeyCode::Enter));
    assert_eq!(app.screen, Screen::Desk);
    assert_eq!(app.focus, Focus::Detail);
    assert_eq!(app.list.selected_customer().unwrap().id, 7, "Annie's profile");
    assert_eq!(app.search.value(), "annie@example.com");
    assert!(
        out.iter().any(|c| matches!(c, Command::FetchSubCollections { customer, .. } if customer.id == 7)),
        "{out:?}"
    );
    assert!(app.notice.as_ref().unwrap().text.contains("ctrl-n brings it back"));
    assert_has(&screen(&app), &["Smyth, Annie"]);
    // Nothing typed is lost: ctrl-n brings the walk-in back as it was.
    app.update(ctrl('n'));
    assert_eq!(app.screen, Screen::Form);
    assert_eq!(field(&app, "first_name"), "Anne");
    assert_eq!(field(&app, "email"), "ann.s@example.com");
}

#[test]
fn no_matches_or_a_server_without_the_check_saves_as_before() {
    let mut app = loaded(100, 30, vec![ann()], None);
    let request = walk_in_saved(&mut app);
    let post = app.update(Msg::DuplicatesChecked { request, result: Ok(Some(vec![])) });
    assert!(matches!(post.as_slice(), [Command::SaveCustomer { id: None, .. }]), "{post:?}");

    // Capitan answers 404: the customer is saved, and later walk-ins are not checked there.
    let mut app = loaded(100, 30, vec![ann()], None);
    let request = walk_in_saved(&mut app);
    let post = app.update(Msg::DuplicatesChecked { request, result: Ok(None) });
    let [Command::SaveCustomer { request, id: None, .. }] = post.as_slice() else { panic!("{post:?}") };
    app.update(Msg::CustomerSaved { request: *request, result: Ok(customer(9, "Anne", "Smith")) });
    app.update(ctrl('n'));
    for (name, text) in
        [("email", "b@example.com"), ("first_name", "B"), ("last_name", "C"), ("birthday", "2000-01-01")]
    {
        focus(&mut app, name);
        typed(&mut app, text);
    }
    let post = app.update(ctrl('s'));
    assert!(matches!(post.as_slice(), [Command::SaveCustomer { id: None, .. }]), "{post:?}");
}

#[test]
fn a_failed_check_is_said_on_the_form_and_the_next_ctrl_s_creates() {
    let mut app = loaded(100, 30, vec![ann()], None);
    let request = walk_in_saved(&mut app);
    let failed = ClientError::Server { status: 500, message: "boom".into() };
    let out = app.update(Msg::DuplicatesChecked { request, result: Err(failed) });
    assert!(out.is_empty(), "{out:?}");
    assert_eq!(app.key_context(), KeyContext::Form);
    assert_has(&screen(&app), &["the duplicate check failed"]);
    let post = app.update(ctrl('s'));
    assert!(matches!(post.as_slice(), [Command::SaveCustomer { id: None, .. }]), "{post:?}");

    // Offline: not saved, everything kept, and ctrl-s checks again.
    let mut app = loaded(100, 30, vec![ann()], None);
    let request = walk_in_saved(&mut app);
    app.update(Msg::DuplicatesChecked { request, result: Err(ClientError::Offline("refused".into())) });
    assert_eq!(field(&app, "first_name"), "Anne");
    let again = app.update(ctrl('s'));
    assert!(matches!(again.as_slice(), [Command::CheckDuplicates { .. }]), "{again:?}");
}

#[test]
fn at_80_columns_nothing_that_carries_meaning_is_cut() {
    let mut app = loaded(80, 24, vec![ann()], None);
    warned(&mut app);
    let lines = screen(&app);
    assert_has(&lines, &["▶ Smith, Ann", "same phone", "Esc back to the form", "ctrl-s create anyway"]);
    assert!(!lines.iter().any(|l| l.contains('…')), "{}", lines.join("\n"));
}
