//! Every `401` asks for the login again, whatever answered it: a save of the edit form (a customer,
//! a walk-in, a note), a photo upload, the gyms fetch at start. What was typed or chosen stays, and
//! once signed in the work is sent again by itself (a `401` means the server did nothing with it).

use crossterm::event::KeyCode;
use serde_json::json;

use super::tests::{ctrl, customer, key, loaded, options, typed};
use super::*;
use crate::tui::form::Form;

fn signed_out() -> ClientError {
    ClientError::Unauthorized("Invalid token.".into())
}

fn screen(app: &App) -> String {
    let (w, h) = (app.size.width, app.size.height);
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    terminal.draw(|frame| crate::tui::view::draw(frame, app)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..h).map(|y| (0..w).map(|x| buffer[(x, y)].symbol()).collect::<String>() + "\n").collect()
}

fn ann() -> Customer {
    Customer { telephone: "303-555-0101".into(), ..customer(1, "Ann", "Smith") }
}

fn focus(app: &mut App, name: &str) {
    while app.editor.form.as_ref().unwrap().focused_field().name != name {
        app.update(key(KeyCode::Tab));
    }
}

fn field(app: &App, name: &str) -> String {
    app.editor.form.as_ref().expect("the form stays open").field(name).unwrap().value().to_string()
}

/// Signs in through the prompt; the commands the successful login's answer gave.
fn sign_in(app: &mut App) -> Vec<Command> {
    assert!(app.login.is_some(), "the sign-in prompt is open");
    typed(app, "desk");
    app.update(key(KeyCode::Enter));
    typed(app, "s3cret");
    let login = app.update(key(KeyCode::Enter));
    assert!(matches!(login.as_slice(), [Command::LogIn { .. }]), "{login:?}");
    let after = app.update(Msg::LoggedIn(Ok(())));
    assert!(app.login.is_none());
    after
}

/// Ann's edit form with a new telephone and pronouns typed, its save sent.
fn edited_and_saved() -> (App, Vec<Command>) {
    let mut app = loaded(100, 30, vec![ann()], None);
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::F(4)));
    focus(&mut app, "telephone");
    app.update(ctrl('u'));
    typed(&mut app, "303-555-0199");
    focus(&mut app, "pronouns");
    typed(&mut app, "she/her");
    let check = app.update(ctrl('s'));
    (app, check)
}

#[test]
fn a_401_answering_a_save_asks_for_the_login_keeps_the_form_and_saves_after_it() {
    let (mut app, check) = edited_and_saved();
    let [Command::FetchCustomer { request, id: 1 }] = check.as_slice() else { panic!("{check:?}") };
    let patch = app.update(Msg::CustomerLoaded { request: *request, result: Ok(ann()) });
    let [Command::SaveCustomer { request, id: Some(1), body }] = patch.as_slice() else { panic!("{patch:?}") };
    let sent = body.clone();
    app.update(Msg::CustomerSaved { request: *request, result: Err(signed_out()) });

    assert!(app.login.is_some(), "a 401 on a save opens the sign-in prompt");
    assert_eq!(app.screen, Screen::Form);
    assert_eq!((field(&app, "telephone").as_str(), field(&app, "pronouns").as_str()), ("303-555-0199", "she/her"));
    assert!(
        app.editor
            .form
            .as_ref()
            .unwrap()
            .general_problem
            .as_ref()
            .unwrap()
            .contains("Everything you typed is still here")
    );
    assert!(screen(&app).contains("Sign in again"), "{}", screen(&app));
    // Keys go to the prompt: the form is not touched while it is open.
    let after = sign_in(&mut app);
    assert_eq!(field(&app, "telephone"), "303-555-0199");

    // Signed in: the save starts again by itself, from its first step (read again, then patch).
    let resent: Vec<Command> = after.iter().filter(|c| !matches!(c, Command::SendQueued)).cloned().collect();
    let [Command::FetchCustomer { request, id: 1 }] = resent.as_slice() else { panic!("{after:?}") };
    assert!(app.is_busy());
    let patch = app.update(Msg::CustomerLoaded { request: *request, result: Ok(ann()) });
    let [Command::SaveCustomer { request, id: Some(1), body }] = patch.as_slice() else { panic!("{patch:?}") };
    assert_eq!(body, &sent, "the same values");
    let saved = Customer { telephone: "303-555-0199".into(), pronouns: "she/her".into(), ..ann() };
    app.update(Msg::CustomerSaved { request: *request, result: Ok(saved) });
    assert!(app.editor.form.is_none());
    assert_eq!(app.list.rows[0].telephone, "303-555-0199");
    assert_eq!(app.notice.as_ref().unwrap().text, "Saved Ann Smith");
}

#[test]
fn a_401_on_the_check_before_a_save_also_asks_and_ctrl_s_works_after_it() {
    let (mut app, check) = edited_and_saved();
    let [Command::FetchCustomer { request, .. }] = check.as_slice() else { panic!("{check:?}") };
    app.update(Msg::CustomerLoaded { request: *request, result: Err(signed_out()) });
    assert!(app.login.is_some());
    let after = sign_in(&mut app);
    let resent = after.iter().find_map(|c| match c {
        Command::FetchCustomer { request, id: 1 } => Some(*request),
        _ => None,
    });
    let request = resent.unwrap_or_else(|| panic!("{after:?}"));
    // The server is away this time: the form stays, and ctrl-s is the one key that tries again.
    app.update(Msg::CustomerLoaded { request, result: Err(ClientError::Offline("connection failed".into())) });
    assert!(app.login.is_none());
    assert_eq!(field(&app, "pronouns"), "she/her");
    let again = app.update(ctrl('s'));
    assert!(matches!(again.as_slice(), [Command::FetchCustomer { id: 1, .. }]), "{again:?}");
}

#[test]
fn a_401_answering_a_walk_in_or_a_note_asks_and_sends_the_same_values_after_the_login() {
    // A walk-in.
    let mut app = loaded(100, 30, vec![ann()], None);
    app.update(ctrl('n'));
    for (name, text) in [("email", "walk.in@example.com"), ("first_name", "Walk"), ("last_name", "In")] {
        focus(&mut app, name);
        typed(&mut app, text);
    }
    focus(&mut app, "birthday");
    typed(&mut app, "2001-02-03");
    let check = app.update(ctrl('s'));
    let [Command::CheckDuplicates { request, .. }] = check.as_slice() else { panic!("{check:?}") };
    let post = app.update(Msg::DuplicatesChecked { request: *request, result: Ok(Some(vec![])) });
    let [Command::SaveCustomer { request, id: None, body }] = post.as_slice() else { panic!("{post:?}") };
    let sent = body.clone();
    app.update(Msg::CustomerSaved { request: *request, result: Err(signed_out()) });
    assert!(app.login.is_some());
    assert_eq!(field(&app, "first_name"), "Walk");
    let after = sign_in(&mut app);
    assert!(
        after.iter().any(|c| matches!(c, Command::SaveCustomer { id: None, body, .. } if *body == sent)),
        "{after:?}"
    );

    // A note on Ann's profile.
    let mut app = loaded(100, 30, vec![ann()], None);
    app.editor.form = Form::record(1, SubCollection::Notes, None);
    app.push_screen(Screen::Form);
    typed(&mut app, "Lent shoes");
    let post = app.update(ctrl('s'));
    let [Command::SaveRecord { request, customer_id: 1, kind: SubCollection::Notes, url: None, body }] =
        post.as_slice()
    else {
        panic!("{post:?}")
    };
    assert_eq!(body.get("note"), Some(&json!("Lent shoes")));
    let sent = body.clone();
    app.update(Msg::RecordSaved { request: *request, result: Err(signed_out()) });
    assert!(app.login.is_some(), "a 401 on a note's save opens the prompt");
    assert_eq!(field(&app, "note"), "Lent shoes");
    let after = sign_in(&mut app);
    assert!(after.iter().any(|c| matches!(c, Command::SaveRecord { body, .. } if *body == sent)), "{after:?}");
}

/// Ann's new-photo screen with `/tmp/ann.jpg` prepared, its upload sent.
fn photo_uploading() -> (App, RequestId, std::sync::Arc<Vec<u8>>) {
    let mut app = loaded(100, 30, vec![ann()], None);
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Enter));
    app.update(ctrl('p'));
    typed(&mut app, "/tmp/ann.jpg");
    let commands = app.update(key(KeyCode::Enter));
    let Some(Command::PreparePhoto { request, .. }) = commands.first().cloned() else { panic!("{commands:?}") };
    let jpeg = std::sync::Arc::new(vec![7; 4096]);
    let prepared =
        PreparedUpload { path: "/tmp/ann.jpg".into(), jpeg: jpeg.clone(), original_bytes: 9000, preview: None };
    app.update(Msg::PhotoPrepared { request, result: Ok(prepared) });
    let upload = app.update(ctrl('s'));
    let [Command::UploadPhoto { request, customer_id: 1, .. }] = upload.as_slice() else { panic!("{upload:?}") };
    (app, *request, jpeg)
}

#[test]
fn a_401_answering_a_photo_upload_asks_keeps_the_photo_and_uploads_it_after_the_login() {
    let (mut app, request, jpeg) = photo_uploading();
    // The network fails first: no login asked, the photo stays, ctrl-s sends it again.
    app.update(Msg::PhotoUploaded { request, result: Err(ClientError::Offline("connection failed".into())) });
    assert!(app.login.is_none());
    assert!(app.photo_upload.current().unwrap().ready().is_some());
    let again = app.update(ctrl('s'));
    let [Command::UploadPhoto { request, customer_id: 1, .. }] = again.as_slice() else { panic!("{again:?}") };
    // Then the server refuses the token.
    app.update(Msg::PhotoUploaded { request: *request, result: Err(signed_out()) });

    assert!(app.login.is_some(), "a 401 on an upload opens the sign-in prompt");
    assert_eq!(app.screen, Screen::Photo);
    let upload = app.photo_upload.current().expect("the photo screen stays");
    assert_eq!(upload.path.value(), "/tmp/ann.jpg");
    assert!(upload.ready().is_some(), "the chosen photo stays chosen");
    assert!(screen(&app).contains("Sign in again"), "{}", screen(&app));

    let after = sign_in(&mut app);
    let Some(Command::UploadPhoto { request, customer_id: 1, jpeg: sent }) =
        after.iter().find(|c| matches!(c, Command::UploadPhoto { .. })).cloned()
    else {
        panic!("{after:?}")
    };
    assert_eq!(sent, jpeg, "the same photo");
    assert_eq!(app.busy_with(), "uploading the photo");
    let stored = Customer { profile_image: Some("http://127.0.0.1:1/media/1-new.jpg".into()), ..ann() };
    app.update(Msg::PhotoUploaded { request, result: Ok(stored) });
    assert!(app.photo_upload.current().is_none());
    assert_eq!(app.notice.as_ref().unwrap().text, "New photo saved for Ann Smith");
}

#[test]
fn a_401_answering_the_gyms_fetch_asks_and_the_gyms_are_fetched_after_the_login() {
    let mut app = App::new(options(), Rect::new(0, 0, 100, 30));
    let start = app.start();
    assert!(start.contains(&Command::FetchLocations));
    app.update(Msg::LocationsLoaded(Err(signed_out())));
    assert!(app.login.is_some(), "a 401 on the gyms fetch opens the sign-in prompt");
    let after = sign_in(&mut app);
    assert_eq!(after.iter().filter(|c| **c == Command::FetchLocations).count(), 1, "{after:?}");
    let gyms = vec![crate::client::records::Location { id: 4, name: "Boulder".into(), ..Default::default() }];
    app.update(Msg::LocationsLoaded(Ok(gyms)));
    assert_eq!(app.desk_location.as_ref().map(|l| l.id), Some(4));
    // Fetched: the retry key does not fetch them again.
    let retry = app.update(ctrl('r'));
    assert!(!retry.contains(&Command::FetchLocations), "{retry:?}");
}

#[test]
fn a_failed_gyms_fetch_is_retried_by_the_retry_key_and_when_the_server_answers_again() {
    let offline = || ClientError::Offline("connection failed".into());
    let mut app = App::new(options(), Rect::new(0, 0, 100, 30));
    let start = app.start();
    let Some(Command::FetchCustomers { request, .. }) = start.first().cloned() else { panic!("{start:?}") };
    app.update(Msg::ListLoaded { request, result: Err(offline()) });
    app.update(Msg::LocationsLoaded(Err(offline())));
    assert!(app.login.is_none(), "only a 401 asks for the login");
    let retry = app.update(ctrl('r'));
    assert_eq!(retry.iter().filter(|c| **c == Command::FetchLocations).count(), 1, "{retry:?}");
    let again = app.update(ctrl('r'));
    assert!(!again.contains(&Command::FetchLocations), "one fetch at a time: {again:?}");

    // Still away; then the server answers the list again, and the gyms go with it.
    app.update(Msg::LocationsLoaded(Err(offline())));
    let Some(Command::FetchCustomers { request, .. }) =
        again.iter().chain(&retry).find(|c| matches!(c, Command::FetchCustomers { .. })).cloned()
    else {
        panic!("{retry:?} {again:?}")
    };
    let back = app.update(Msg::ListLoaded { request, result: Ok(super::tests::page(vec![ann()], 1, None)) });
    assert_eq!(back.iter().filter(|c| **c == Command::FetchLocations).count(), 1, "{back:?}");
}
