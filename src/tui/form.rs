//! An edit form over the shared field tables (`model::customer::CUSTOMER_FIELDS`, the sub-record forms of
//! `model::subrecords`): each field's text in a `tui-input`, checked as typed with the server's own rules.
//!
//! The form knows what it opened with, so it can say what changed, send only that (PATCH), put the
//! server's field errors back on their fields, and tell what someone else changed on the server since.

use serde_json::{Map, Value};
use tui_input::Input;

use crate::client::SubCollection;
use crate::client::records::{Alert, EmergencyContact, Location, Note};
use crate::model::customer::CUSTOMER_FIELDS;
use crate::model::fields::{FieldKind, FieldSpec};
use crate::model::subrecords::{ALERT_FORM, EMERGENCY_CONTACT_FORM, NOTE_FORM, SubRecordForm};
use crate::model::{Customer, FieldErrors, Gender};

/// How one field's text is checked: the rules the server applies to it.
#[derive(Debug, Clone, Copy)]
pub enum Rules {
    Customer(&'static FieldSpec),
    SubRecord(SubRecordForm, &'static FieldSpec),
    /// A custom field value: any text.
    Custom {
        field_id: i64,
    },
}

#[derive(Debug, Clone)]
pub struct FormField {
    /// The API's name (`email`), or `custom_field_values[3]` for a custom field.
    pub name: String,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    /// Shown masked (a government id).
    pub sensitive: bool,
    pub rules: Rules,
    pub input: Input,
    /// The value the form started from (or took from the server since).
    pub original: String,
    /// What is wrong with the text now, by the shared rules.
    pub problem: Option<String>,
    /// What the server said about the value last sent, until it is edited.
    pub server_problem: Option<String>,
    /// Edited since the form opened (its problem is shown from then on).
    pub touched: bool,
}

impl FormField {
    fn new(name: String, label: String, kind: FieldKind, required: bool, sensitive: bool, rules: Rules) -> Self {
        FormField {
            name,
            label,
            kind,
            required,
            sensitive,
            rules,
            input: Input::default(),
            original: String::new(),
            problem: None,
            server_problem: None,
            touched: false,
        }
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    pub fn is_choice(&self) -> bool {
        matches!(self.kind, FieldKind::Gender | FieldKind::Bool | FieldKind::LocationId)
    }

    pub fn is_changed(&self) -> bool {
        normalized(self.kind, self.value()) != normalized(self.kind, &self.original)
    }

    /// The value as the API writes it, if the text is valid.
    pub fn parse(&self) -> Result<Value, String> {
        match self.rules {
            Rules::Customer(spec) => spec.parse_text(self.value()).map(|v| v.to_json()),
            Rules::SubRecord(form, spec) => form.parse_text(spec.name, self.value()).map(|v| v.to_json()),
            Rules::Custom { .. } => Ok(Value::String(self.value().trim().to_string())),
        }
    }

    /// Re-checks the text with the shared rules.
    pub fn check(&mut self) {
        self.problem = self.parse().err();
    }

    /// The problem to show now: the server's, else the rules' once the field was edited (or a save was
    /// tried).
    pub fn shown_problem(&self, after_save: bool) -> Option<&str> {
        self.server_problem.as_deref().or(self.problem.as_deref().filter(|_| self.touched || after_save))
    }

    pub fn set_text(&mut self, text: &str) {
        self.input = Input::new(text.to_string());
    }
}

/// Text two values compare by: surrounding space does not make a change (the server trims it).
fn normalized(kind: FieldKind, text: &str) -> String {
    match kind {
        FieldKind::Bool => match crate::model::validation::boolean_text(text) {
            Ok(b) => b.to_string(),
            Err(_) => text.trim().to_string(),
        },
        _ => text.trim().to_string(),
    }
}

/// What the form writes to.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// `PATCH /api/customers/{id}/`; the customer as the form opened it.
    EditCustomer(Box<Customer>),
    /// `POST /api/customers/`: a walk-in.
    NewCustomer,
    /// `POST /api/customers/{id}/<kind>/`.
    NewRecord { customer_id: i64, kind: SubCollection },
    /// `PATCH` of the record's URL.
    EditRecord { customer_id: i64, kind: SubCollection, url: String },
}

/// One field someone else changed on the server while the form was open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldConflict {
    pub index: usize,
    pub label: String,
    /// When the form opened.
    pub before: String,
    /// On the server now.
    pub theirs: String,
    /// In the form now.
    pub mine: String,
    /// Whether staff changed it too (then the two versions compete).
    pub mine_changed: bool,
}

#[derive(Debug, Clone)]
pub struct Form {
    pub target: Target,
    pub fields: Vec<FormField>,
    pub focused: usize,
    /// A save was tried: every problem is shown.
    pub submitted: bool,
    /// What the server said that belongs to no field (or to a field the form does not show).
    pub general_problem: Option<String>,
    /// The first Esc over unsaved changes arms this; a second one discards.
    pub discard_armed: bool,
    /// Changes someone made on the server meanwhile, and the customer as it is there now.
    pub conflict: Option<(Vec<FieldConflict>, Box<Customer>)>,
}

impl Form {
    fn with_fields(target: Target, fields: Vec<FormField>) -> Form {
        let mut form = Form {
            target,
            fields,
            focused: 0,
            submitted: false,
            general_problem: None,
            discard_armed: false,
            conflict: None,
        };
        form.fields.iter_mut().for_each(FormField::check);
        form
    }

    /// Every editable field of the seed (and the custom fields), filled from the customer.
    pub fn edit_customer(customer: &Customer) -> Form {
        let mut fields =
            customer_fields(customer.custom_field_values.iter().map(|v| (v.field_id, v.field_name.as_str())));
        for field in &mut fields {
            field.original = customer_text(customer, &field.name);
            field.set_text(&field.original.clone());
        }
        Form::with_fields(Target::EditCustomer(Box::new(customer.clone())), fields)
    }

    /// An empty customer form; `custom_fields` are the organization's (id, name), as customers list them.
    pub fn new_customer(custom_fields: &[(i64, String)]) -> Form {
        let mut fields = customer_fields(custom_fields.iter().map(|(id, name)| (*id, name.as_str())));
        // A walk-in is rarely on the marketing list unless asked.
        if let Some(f) = fields.iter_mut().find(|f| f.name == "has_opted_in_to_marketing") {
            f.original = "false".into();
            f.set_text("false");
        }
        Form::with_fields(Target::NewCustomer, fields)
    }

    /// A sub-record's form: empty for a new one, filled from `existing` (its JSON) to edit it.
    pub fn record(customer_id: i64, kind: SubCollection, existing: Option<(&str, Map<String, Value>)>) -> Option<Form> {
        let form = record_form(kind)?;
        let mut fields: Vec<FormField> = form
            .fields
            .iter()
            .map(|spec| {
                let label = spec.label.to_string();
                FormField::new(spec.name.into(), label, spec.kind, spec.required, false, Rules::SubRecord(form, spec))
            })
            .collect();
        let target = match &existing {
            Some((url, values)) => {
                for field in &mut fields {
                    field.original = match values.get(&field.name) {
                        Some(Value::String(s)) => s.clone(),
                        Some(Value::Bool(b)) => b.to_string(),
                        Some(Value::Null) | None => default_text(field.kind),
                        Some(other) => other.to_string(),
                    };
                    field.set_text(&field.original.clone());
                }
                Target::EditRecord { customer_id, kind, url: url.to_string() }
            }
            None => {
                for field in fields.iter_mut().filter(|f| f.kind == FieldKind::Bool) {
                    field.original = "false".into();
                    field.set_text("false");
                }
                Target::NewRecord { customer_id, kind }
            }
        };
        Some(Form::with_fields(target, fields))
    }

    pub fn title(&self) -> String {
        match &self.target {
            Target::EditCustomer(c) => format!("Edit {} {}", c.first_name, c.last_name),
            Target::NewCustomer => "New customer".into(),
            Target::NewRecord { kind, .. } => format!("New {}", record_noun(*kind)),
            Target::EditRecord { kind, .. } => format!("Edit {}", record_noun(*kind)),
        }
    }

    pub fn is_new(&self) -> bool {
        matches!(self.target, Target::NewCustomer | Target::NewRecord { .. })
    }

    pub fn field(&self, name: &str) -> Option<&FormField> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn focused_field(&self) -> &FormField {
        &self.fields[self.focused]
    }

    pub fn focused_field_mut(&mut self) -> &mut FormField {
        &mut self.fields[self.focused]
    }

    /// Anything typed that a discard would lose.
    pub fn is_dirty(&self) -> bool {
        self.fields.iter().any(FormField::is_changed)
    }

    pub fn focus_next(&mut self, forward: bool) {
        let n = self.fields.len();
        self.focused = if forward { (self.focused + 1) % n } else { (self.focused + n - 1) % n };
    }

    /// After the focused field's text changed.
    pub fn edited(&mut self) {
        self.discard_armed = false;
        let field = self.focused_field_mut();
        field.touched = true;
        field.server_problem = None;
        field.check();
    }

    /// Sets the focused choice field to the next (or previous) option.
    pub fn cycle(&mut self, forward: bool, locations: &[Location]) {
        let field = &self.fields[self.focused];
        let options = choices(field.kind, locations, field.value());
        if options.is_empty() {
            return;
        }
        let at = options.iter().position(|(code, _)| *code == normalized(field.kind, field.value()));
        let next = match (at, forward) {
            (Some(i), true) => (i + 1) % options.len(),
            (Some(i), false) => (i + options.len() - 1) % options.len(),
            (None, _) => 0,
        };
        let code = options[next].0.clone();
        self.fields[self.focused].set_text(&code);
        self.edited();
    }

    /// The body to send: for an edit, the changed fields only; for a new record, every field with a
    /// value. `Err` names the first field in the way (and every problem is then shown).
    pub fn body(&mut self) -> Result<Map<String, Value>, usize> {
        self.submitted = true;
        self.fields.iter_mut().for_each(FormField::check);
        // The server's own problems stay shown until their field is edited, but do not stop a save: what
        // it refused may be fine now (a barcode another customer has since given up).
        if let Some(first) = self.fields.iter().position(|f| f.problem.is_some()) {
            return Err(first);
        }
        let new = self.is_new();
        let mut body = Map::new();
        let mut custom = Vec::new();
        for field in &self.fields {
            let send = if new { !field.value().trim().is_empty() || field.required } else { field.is_changed() };
            if !send {
                continue;
            }
            let Ok(value) = field.parse() else { continue };
            match field.rules {
                Rules::Custom { field_id } => custom.push(serde_json::json!({"field_id": field_id, "value": value})),
                _ => {
                    body.insert(field.name.clone(), value);
                }
            }
        }
        if !custom.is_empty() {
            body.insert("custom_field_values".into(), Value::Array(custom));
        }
        Ok(body)
    }

    /// Puts the server's `{"field": ["message"]}` on the fields, and what belongs to none beside them.
    pub fn apply_server_errors(&mut self, errors: &FieldErrors) {
        let mut general = Vec::new();
        for (name, messages) in &errors.0 {
            let text = messages.join(" ");
            match self.fields.iter_mut().find(|f| f.name == *name) {
                Some(field) => field.server_problem = Some(text),
                None if name == "custom_field_values" => {
                    general.push(format!("Custom fields: {text}"));
                }
                None if name == "non_field_errors" => general.push(text),
                None => general.push(format!("{name}: {text}")),
            }
        }
        if let Some(first) = self.fields.iter().position(|f| f.server_problem.is_some()) {
            self.focused = first;
        }
        self.general_problem = (!general.is_empty()).then(|| general.join(" "));
    }

    /// The fields that differ between the customer as the form opened it and as the server has it now.
    pub fn conflicts_with(&self, fresh: &Customer) -> Vec<FieldConflict> {
        let Target::EditCustomer(opened) = &self.target else { return Vec::new() };
        self.fields
            .iter()
            .enumerate()
            .filter_map(|(index, field)| {
                let before = customer_text(opened, &field.name);
                let theirs = customer_text(fresh, &field.name);
                (normalized(field.kind, &before) != normalized(field.kind, &theirs)).then(|| FieldConflict {
                    index,
                    label: field.label.clone(),
                    before,
                    theirs,
                    mine: field.value().to_string(),
                    mine_changed: field.is_changed(),
                })
            })
            .collect()
    }

    /// Staff chose to keep their version: the form now starts from the server's copy, so only what they
    /// changed is sent, over what is there now.
    pub fn rebase_keeping_mine(&mut self, fresh: &Customer) {
        for field in &mut self.fields {
            let mine_changed = field.is_changed();
            field.original = customer_text(fresh, &field.name);
            if !mine_changed {
                field.set_text(&field.original.clone());
            }
        }
        self.target = Target::EditCustomer(Box::new(fresh.clone()));
        self.conflict = None;
    }

    /// Staff chose the server's version: every field someone changed there takes that value (their own
    /// edits of other fields stay), and the form starts from the server's copy.
    pub fn rebase_taking_theirs(&mut self, fresh: &Customer) {
        let theirs: Vec<usize> = self.conflicts_with(fresh).iter().map(|c| c.index).collect();
        for (index, field) in self.fields.iter_mut().enumerate() {
            let mine_changed = field.is_changed();
            field.original = customer_text(fresh, &field.name);
            let theirs_changed = theirs.contains(&index);
            if theirs_changed || !mine_changed {
                field.set_text(&field.original.clone());
                field.check();
            }
        }
        self.target = Target::EditCustomer(Box::new(fresh.clone()));
        self.conflict = None;
    }
}

fn customer_fields<'a>(custom: impl Iterator<Item = (i64, &'a str)>) -> Vec<FormField> {
    let mut fields: Vec<FormField> = CUSTOMER_FIELDS
        .iter()
        .map(|spec| {
            FormField::new(
                spec.name.into(),
                spec.label.into(),
                spec.kind,
                spec.required,
                spec.sensitive,
                Rules::Customer(spec),
            )
        })
        .collect();
    for (field_id, name) in custom {
        let label = if name.trim().is_empty() { format!("Custom field {field_id}") } else { name.to_string() };
        fields.push(FormField::new(
            custom_name(field_id),
            label,
            FieldKind::Text { max_len: None },
            false,
            false,
            Rules::Custom { field_id },
        ));
    }
    fields
}

fn custom_name(field_id: i64) -> String {
    format!("custom_field_values[{field_id}]")
}

/// A field's value as the form's text: dates `YYYY-MM-DD`, gender codes, `true`/`false`, location ids.
pub fn customer_text(c: &Customer, name: &str) -> String {
    if let Some(value) = c.field_value(name) {
        return value.to_text();
    }
    name.strip_prefix("custom_field_values[")
        .and_then(|rest| rest.strip_suffix(']'))
        .and_then(|id| id.parse::<i64>().ok())
        .and_then(|id| c.custom_field_values.iter().find(|v| v.field_id == id))
        .map(|v| v.value.clone())
        .unwrap_or_default()
}

fn default_text(kind: FieldKind) -> String {
    if kind == FieldKind::Bool { "false".into() } else { String::new() }
}

/// The options of a choice field as (text in the form, what a person reads). A location the list does
/// not know (the list failed to load) stays an option, by its id.
pub fn choices(kind: FieldKind, locations: &[Location], current: &str) -> Vec<(String, String)> {
    match kind {
        FieldKind::Gender => std::iter::once((String::new(), "not given".to_string()))
            .chain(Gender::ALL.iter().map(|g| (g.code().to_string(), g.label().to_string())))
            .collect(),
        FieldKind::Bool => vec![("false".into(), "no".into()), ("true".into(), "yes".into())],
        FieldKind::LocationId => {
            let mut options = vec![(String::new(), "none".to_string())];
            options.extend(locations.iter().map(|l| (l.id.to_string(), l.name.clone())));
            let current = current.trim();
            if !current.is_empty() && !options.iter().any(|(code, _)| code == current) {
                options.push((current.to_string(), format!("location {current}")));
            }
            options
        }
        _ => Vec::new(),
    }
}

/// What a choice field shows for its text.
pub fn choice_label(kind: FieldKind, locations: &[Location], text: &str) -> String {
    let text = normalized(kind, text);
    choices(kind, locations, &text).into_iter().find(|(code, _)| *code == text).map(|(_, label)| label).unwrap_or(text)
}

/// The shared rules of a sub-record kind staff can edit here.
pub fn record_form(kind: SubCollection) -> Option<SubRecordForm> {
    match kind {
        SubCollection::EmergencyContacts => Some(EMERGENCY_CONTACT_FORM),
        SubCollection::Notes => Some(NOTE_FORM),
        SubCollection::Alerts => Some(ALERT_FORM),
        SubCollection::Relations
        | SubCollection::CheckIns
        | SubCollection::Memberships
        | SubCollection::EntryPasses
        | SubCollection::Documents => None,
    }
}

pub fn record_noun(kind: SubCollection) -> &'static str {
    match kind {
        SubCollection::EmergencyContacts => "emergency contact",
        SubCollection::Notes => "note",
        SubCollection::Alerts => "alert",
        SubCollection::Relations => "relation",
        SubCollection::CheckIns => "check-in",
        SubCollection::Memberships => "membership",
        SubCollection::EntryPasses => "entry pass",
        SubCollection::Documents => "waiver",
    }
}

/// A record's editable values as JSON, for [`Form::record`].
pub fn contact_values(c: &EmergencyContact) -> Map<String, Value> {
    serde_json::json!({"first_name": c.first_name, "last_name": c.last_name, "telephone": c.telephone,
        "email": c.email, "relation": c.relation})
    .as_object()
    .cloned()
    .unwrap_or_default()
}

pub fn note_values(n: &Note) -> Map<String, Value> {
    serde_json::json!({"note": n.note}).as_object().cloned().unwrap_or_default()
}

pub fn alert_values(a: &Alert) -> Map<String, Value> {
    serde_json::json!({"message": a.message, "prevents_check_in": a.prevents_check_in})
        .as_object()
        .cloned()
        .unwrap_or_default()
}

/// A government id shows only its last four characters.
pub fn mask(id: &str) -> String {
    let chars: Vec<char> = id.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        n if n <= 4 => "•".repeat(n),
        n => format!("{}{}", "•".repeat(n - 4), chars[n - 4..].iter().collect::<String>()),
    }
}

#[cfg(test)]
mod tests;
