//! The duplicate warning (issue 16): before a walk-in is created, the server is asked for customers
//! who may be the same person; when it names some, they are listed over the form (pure state here,
//! drawn by `panes/duplicates.rs`, routed by `app/duplicates.rs`). `Ctrl-S` creates anyway, `Enter`
//! opens the highlighted customer instead (the form is kept), `Esc` goes back to the form.

use super::form::Form;
use crate::model::Customer;
use crate::model::duplicates::{self, DuplicateProbe};

/// What the duplicate check of a walk-in's save found, on screen until a key decides.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateWarning {
    /// Best match first, as the server ranked them.
    pub matches: Vec<Customer>,
    pub selected: usize,
    /// What was sent, to say what each match shares with it.
    pub probe: DuplicateProbe,
}

impl DuplicateWarning {
    pub fn new(matches: Vec<Customer>, probe: DuplicateProbe) -> DuplicateWarning {
        DuplicateWarning { matches, selected: 0, probe }
    }

    pub fn up(&mut self) {
        self.selected = self.selected.saturating_sub(1);
    }

    pub fn down(&mut self) {
        if self.selected + 1 < self.matches.len() {
            self.selected += 1;
        }
    }

    pub fn selected_customer(&self) -> Option<&Customer> {
        self.matches.get(self.selected)
    }

    /// What a match shares with the walk-in, in a few words (`email, phone`).
    pub fn shared(&self, c: &Customer) -> String {
        let p = &self.probe;
        let mut why = Vec::new();
        if duplicates::email_key(&p.email).is_some_and(|e| Some(e) == duplicates::email_key(&c.email)) {
            why.push("email");
        }
        if duplicates::phone_key(&p.telephone).is_some_and(|t| Some(t) == duplicates::phone_key(&c.telephone)) {
            why.push("phone");
        }
        let same_name = duplicates::name_key(&p.first_name, &p.last_name)
            .is_some_and(|n| Some(n) == duplicates::name_key(&c.first_name, &c.last_name));
        let same_birthday = c.birthday.is_some_and(|b| b.to_string() == p.birthday.trim());
        match (same_name, same_birthday) {
            (true, true) => why.push("name + birthday"),
            (true, false) => why.push("name"),
            _ => {}
        }
        why.join(", ")
    }
}

/// The walk-in's fields the check compares, as typed on the form.
pub fn probe(form: &Form) -> DuplicateProbe {
    let value = |name: &str| form.fields.iter().find(|f| f.name == name).map(|f| f.value().trim().to_string());
    DuplicateProbe {
        first_name: value("first_name").unwrap_or_default(),
        last_name: value("last_name").unwrap_or_default(),
        birthday: value("birthday").unwrap_or_default(),
        email: value("email").unwrap_or_default(),
        telephone: value("telephone").unwrap_or_default(),
    }
}
