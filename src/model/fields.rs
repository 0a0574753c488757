//! The editable customer fields, in one table: their names, labels, types and
//! rules. The server parses writes with it and the terminal app builds its
//! edit form from it, so a rule is written once.

use jiff::civil::Date;
use serde_json::{Map, Value};

use super::customer::Gender;
use super::validation::{self as v, FieldErrors};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// A valid email address (required).
    Email,
    /// Text that must not be blank (required).
    RequiredText,
    /// Optional text, with a length limit in characters where the seed sets one.
    Text { max_len: Option<usize> },
    /// An ISO-8601 date (required).
    Date,
    /// One of the gender codes, or null.
    Gender,
    /// true / false.
    Bool,
    /// The id of a location of the organization, or null.
    LocationId,
}

#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    /// The API's field name.
    pub name: &'static str,
    /// What a person calls it.
    pub label: &'static str,
    pub kind: FieldKind,
    /// Required on create and replace (POST, PUT).
    pub required: bool,
    /// Shown masked on screen (a government id).
    pub sensitive: bool,
}

const fn field(name: &'static str, label: &'static str, kind: FieldKind, required: bool) -> FieldSpec {
    FieldSpec { name, label, kind, required, sensitive: false }
}

pub const PREFERRED_NAME_MAX: usize = 180;
pub const BARCODE_MAX: usize = 128;

/// Every writable scalar field of the seed, in the seed's order.
/// (`custom_field_values` and `profile_image` have shapes of their own.)
pub const CUSTOMER_FIELDS: [FieldSpec; 18] = [
    field("email", "Email", FieldKind::Email, true),
    field("first_name", "First name", FieldKind::RequiredText, true),
    field("last_name", "Last name", FieldKind::RequiredText, true),
    field("preferred_name", "Preferred name", FieldKind::Text { max_len: Some(PREFERRED_NAME_MAX) }, false),
    field("birthday", "Birthday", FieldKind::Date, true),
    field("address_postcode", "Postcode", FieldKind::Text { max_len: None }, false),
    field("address_street_1", "Street 1", FieldKind::Text { max_len: None }, false),
    field("address_street_2", "Street 2", FieldKind::Text { max_len: None }, false),
    field("address_city", "City", FieldKind::Text { max_len: None }, false),
    field("address_state", "State", FieldKind::Text { max_len: None }, false),
    field("address_country", "Country", FieldKind::Text { max_len: None }, false),
    FieldSpec {
        name: "government_id",
        label: "Government id",
        kind: FieldKind::Text { max_len: None },
        required: false,
        sensitive: true,
    },
    field("telephone", "Telephone", FieldKind::Text { max_len: None }, false),
    field("gender", "Gender", FieldKind::Gender, false),
    field("pronouns", "Pronouns", FieldKind::Text { max_len: None }, false),
    field("has_opted_in_to_marketing", "Marketing opt-in", FieldKind::Bool, false),
    field("barcode", "Barcode", FieldKind::Text { max_len: Some(BARCODE_MAX) }, false),
    field("home_location_id", "Home location", FieldKind::LocationId, false),
];

pub fn customer_field(name: &str) -> Option<&'static FieldSpec> {
    CUSTOMER_FIELDS.iter().find(|f| f.name == name)
}

/// A parsed, valid value of one field.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    Text(String),
    Date(Date),
    Gender(Option<Gender>),
    Bool(bool),
    LocationId(Option<i64>),
}

impl FieldValue {
    /// The value as the API writes it in JSON.
    pub fn to_json(&self) -> Value {
        match self {
            FieldValue::Text(s) => Value::String(s.clone()),
            FieldValue::Date(d) => Value::String(d.to_string()),
            FieldValue::Gender(g) => g.map_or(Value::Null, |g| Value::String(g.code().into())),
            FieldValue::Bool(b) => Value::Bool(*b),
            FieldValue::LocationId(id) => id.map_or(Value::Null, Value::from),
        }
    }
}

impl FieldSpec {
    /// Checks text a person typed into this field (the terminal form), with the
    /// same rules and messages the server applies. An empty gender or location
    /// means "none".
    pub fn parse_text(&self, text: &str) -> Result<FieldValue, String> {
        match self.kind {
            FieldKind::Email => v::email(text).map(FieldValue::Text),
            FieldKind::RequiredText => v::required_text(text).map(FieldValue::Text),
            FieldKind::Text { max_len } => v::optional_text(text, max_len).map(FieldValue::Text),
            FieldKind::Date => {
                if text.trim().is_empty() {
                    Err(v::MSG_REQUIRED.into())
                } else {
                    v::iso_date(text).map(FieldValue::Date)
                }
            }
            FieldKind::Gender => match text.trim() {
                "" => Ok(FieldValue::Gender(None)),
                code => Gender::from_code(code)
                    .map(|g| FieldValue::Gender(Some(g)))
                    .ok_or_else(|| format!("\"{code}\" is not a valid choice.")),
            },
            FieldKind::Bool => v::boolean_text(text).map(FieldValue::Bool),
            FieldKind::LocationId => match text.trim() {
                "" => Ok(FieldValue::LocationId(None)),
                t => t.parse::<i64>().map(|id| FieldValue::LocationId(Some(id))).map_err(|_| incorrect_pk_type("str")),
            },
        }
    }

    /// Parses a JSON value written to this field, as DRF's serializer field would.
    pub fn parse_json(&self, value: &Value) -> Result<FieldValue, String> {
        match (self.kind, value) {
            (FieldKind::Email | FieldKind::RequiredText | FieldKind::Date | FieldKind::Bool, Value::Null) => {
                Err(v::MSG_NULL.into())
            }
            // Optional text: null is the same as empty.
            (FieldKind::Text { .. }, Value::Null) => Ok(FieldValue::Text(String::new())),
            (FieldKind::Email | FieldKind::RequiredText | FieldKind::Text { .. }, _) => {
                let text = json_as_text(value).ok_or_else(|| v::MSG_NOT_STRING.to_string())?;
                self.parse_text(&text)
            }
            // DRF's "Expected a date but got a datetime." is for Python datetime
            // objects; a datetime string in JSON is just the wrong format.
            (FieldKind::Date, Value::String(s)) => v::iso_date(s).map(FieldValue::Date),
            (FieldKind::Date, _) => Err(v::MSG_DATE.into()),
            (FieldKind::Gender, Value::Null) => Ok(FieldValue::Gender(None)),
            (FieldKind::Gender, Value::String(s)) => self.parse_text(s),
            (FieldKind::Gender, other) => Err(format!("\"{}\" is not a valid choice.", display_json(other))),
            (FieldKind::Bool, Value::Bool(b)) => Ok(FieldValue::Bool(*b)),
            (FieldKind::Bool, Value::Number(n)) => match n.as_i64() {
                Some(1) => Ok(FieldValue::Bool(true)),
                Some(0) => Ok(FieldValue::Bool(false)),
                _ => Err(v::MSG_BOOL.into()),
            },
            (FieldKind::Bool, Value::String(s)) => v::boolean_text(s).map(FieldValue::Bool),
            (FieldKind::Bool, _) => Err(v::MSG_BOOL.into()),
            (FieldKind::LocationId, Value::Null) => Ok(FieldValue::LocationId(None)),
            (FieldKind::LocationId, Value::Number(n)) => {
                n.as_i64().map(|id| FieldValue::LocationId(Some(id))).ok_or_else(|| incorrect_pk_type("float"))
            }
            (FieldKind::LocationId, Value::String(s)) => match s.trim().parse::<i64>() {
                Ok(id) => Ok(FieldValue::LocationId(Some(id))),
                Err(_) if s.trim().is_empty() => Ok(FieldValue::LocationId(None)),
                Err(_) => Err(incorrect_pk_type("str")),
            },
            (FieldKind::LocationId, other) => Err(incorrect_pk_type(json_type_name(other))),
        }
    }
}

fn incorrect_pk_type(got: &str) -> String {
    format!("Incorrect type. Expected pk value, received {got}.")
}

/// DRF's `CharField` takes strings and numbers (as their text); not booleans,
/// lists or objects.
fn json_as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn display_json(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// How a write treats fields it does not carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    /// POST and PUT: every required field must be present.
    Full,
    /// PATCH: any subset.
    Partial,
}

/// A customer write, parsed and checked field by field (the rules that need
/// no database). Fields it does not name are left as they are.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerWrite {
    /// (field name, value) in table order.
    pub fields: Vec<(&'static str, FieldValue)>,
    /// `custom_field_values`: (field_id, value), when the write carries them.
    pub custom_field_values: Option<Vec<(i64, String)>>,
    /// `profile_image: null` removes the photo.
    pub remove_profile_image: bool,
}

impl CustomerWrite {
    pub fn get(&self, name: &str) -> Option<&FieldValue> {
        self.fields.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    pub fn text(&self, name: &str) -> Option<&str> {
        match self.get(name) {
            Some(FieldValue::Text(s)) => Some(s),
            _ => None,
        }
    }

    /// Parses a JSON object body. Unknown keys and Automatic (read-only)
    /// fields are ignored, as DRF ignores them.
    pub fn from_json(body: &Map<String, Value>, mode: WriteMode) -> Result<CustomerWrite, FieldErrors> {
        let (write, errors) = Self::parse_json(body, mode);
        errors.into_result().map(|()| write)
    }

    /// Like [`from_json`](Self::from_json), but also returns the valid part of
    /// a body with errors, so that the rules needing a database can be checked
    /// too and every problem reported at once.
    pub fn parse_json(body: &Map<String, Value>, mode: WriteMode) -> (CustomerWrite, FieldErrors) {
        let mut errors = FieldErrors::new();
        let mut write = CustomerWrite::default();
        for spec in &CUSTOMER_FIELDS {
            match body.get(spec.name) {
                Some(value) => match spec.parse_json(value) {
                    Ok(parsed) => write.fields.push((spec.name, parsed)),
                    Err(message) => errors.add(spec.name, message),
                },
                None if mode == WriteMode::Full && spec.required => errors.add(spec.name, v::MSG_REQUIRED),
                None => {}
            }
        }
        if let Some(value) = body.get("custom_field_values") {
            match parse_custom_field_values(value) {
                Ok(values) => write.custom_field_values = Some(values),
                Err(message) => errors.add("custom_field_values", message),
            }
        }
        match body.get("profile_image") {
            Some(Value::Null) => write.remove_profile_image = true,
            Some(Value::String(s)) if s.is_empty() => write.remove_profile_image = true,
            // A URL sent back unchanged (a client echoing what it read) is no change.
            Some(Value::String(_)) | None => {}
            Some(_) => {
                errors.add("profile_image", "The submitted data was not a file. Check the encoding type on the form.")
            }
        }
        (write, errors)
    }
}

/// `[{"field_id": N, "value": "..."}]`; other keys in the objects are ignored.
fn parse_custom_field_values(value: &Value) -> Result<Vec<(i64, String)>, String> {
    let Value::Array(items) = value else {
        return Err(format!("Expected a list of items but got type \"{}\".", json_type_name(value)));
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Value::Object(obj) = item else {
            return Err(format!("Item {i}: expected an object with field_id and value."));
        };
        let field_id = match obj.get("field_id") {
            Some(Value::Number(n)) if n.as_i64().is_some() => n.as_i64().unwrap_or_default(),
            Some(Value::String(s)) if s.trim().parse::<i64>().is_ok() => s.trim().parse().unwrap_or_default(),
            None => return Err(format!("Item {i}: field_id is required.")),
            Some(_) => return Err(format!("Item {i}: field_id must be an integer.")),
        };
        let value = match obj.get("value") {
            Some(Value::Null) => String::new(),
            Some(other) => json_as_text(other).ok_or_else(|| format!("Item {i}: value must be a string."))?,
            None => return Err(format!("Item {i}: value is required.")),
        };
        if out.iter().any(|(id, _)| *id == field_id) {
            return Err(format!("Item {i}: field_id {field_id} is given twice."));
        }
        out.push((field_id, value));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(body: Value, mode: WriteMode) -> Result<CustomerWrite, FieldErrors> {
        CustomerWrite::from_json(body.as_object().unwrap(), mode)
    }

    #[test]
    fn a_full_write_requires_the_required_fields() {
        let err = parse(json!({"first_name": "Ann"}), WriteMode::Full).unwrap_err();
        assert_eq!(err.get("email"), Some(&[v::MSG_REQUIRED.to_string()][..]));
        assert_eq!(err.get("last_name"), Some(&[v::MSG_REQUIRED.to_string()][..]));
        assert_eq!(err.get("birthday"), Some(&[v::MSG_REQUIRED.to_string()][..]));
        assert!(err.get("first_name").is_none());
        assert!(parse(json!({"first_name": "Ann"}), WriteMode::Partial).is_ok());
    }

    #[test]
    fn wrong_json_types_are_named_per_field() {
        let err = parse(
            json!({"first_name": true, "birthday": 3, "gender": "Q", "has_opted_in_to_marketing": "perhaps",
                   "home_location_id": [1], "custom_field_values": {"a": 1}, "preferred_name": "x".repeat(181)}),
            WriteMode::Partial,
        )
        .unwrap_err();
        assert_eq!(err.get("first_name").unwrap()[0], v::MSG_NOT_STRING);
        assert_eq!(err.get("birthday").unwrap()[0], v::MSG_DATE);
        assert_eq!(err.get("gender").unwrap()[0], "\"Q\" is not a valid choice.");
        assert_eq!(err.get("has_opted_in_to_marketing").unwrap()[0], v::MSG_BOOL);
        assert_eq!(err.get("home_location_id").unwrap()[0], "Incorrect type. Expected pk value, received list.");
        assert!(err.get("custom_field_values").unwrap()[0].contains("Expected a list"));
        assert_eq!(err.get("preferred_name").unwrap()[0], v::max_length_message(180));
    }

    #[test]
    fn automatic_and_unknown_fields_are_ignored() {
        let w = parse(
            json!({"id": 99, "check_in_count": 5, "tags": ["x"], "nonsense": 1, "pronouns": "she/her"}),
            WriteMode::Partial,
        )
        .unwrap();
        assert_eq!(w.fields, vec![("pronouns", FieldValue::Text("she/her".into()))]);
    }

    #[test]
    fn typed_text_and_json_share_rules() {
        let barcode = customer_field("barcode").unwrap();
        assert!(barcode.parse_text(&"1".repeat(128)).is_ok());
        assert_eq!(barcode.parse_text(&"1".repeat(129)).unwrap_err(), v::max_length_message(128));
        assert_eq!(barcode.parse_json(&json!("1".repeat(129))).unwrap_err(), v::max_length_message(128));
        let birthday = customer_field("birthday").unwrap();
        assert_eq!(birthday.parse_text("2021-02-30").unwrap_err(), v::MSG_DATE);
        assert_eq!(birthday.parse_json(&Value::Null).unwrap_err(), v::MSG_NULL);
    }

    #[test]
    fn custom_field_values_take_field_id_and_value() {
        let w = parse(
            json!({"custom_field_values": [{"field_id": 3, "value": "yes", "field_name": "ignored"}]}),
            WriteMode::Partial,
        )
        .unwrap();
        assert_eq!(w.custom_field_values, Some(vec![(3, "yes".to_string())]));
        assert!(parse(json!({"custom_field_values": [{"value": "yes"}]}), WriteMode::Partial).is_err());
    }
}
