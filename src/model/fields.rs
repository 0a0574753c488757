//! Editable fields, whatever record they belong to: their kinds and rules
//! ([`FieldSpec`]), their parsed values ([`FieldValue`]) and the Rust types a
//! record holds them in ([`FieldType`]). The customer's fields are declared in
//! `model::customer`, the sub-records' in `model::subrecords`; the server
//! parses writes with these rules and the terminal app checks its forms with
//! them, so a rule is written once.

use jiff::civil::Date;
use serde_json::Value;

use super::gender::Gender;
use super::validation as v;

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

pub const PREFERRED_NAME_MAX: usize = 180;
pub const BARCODE_MAX: usize = 128;

/// Optional text without a length limit.
pub const TEXT: FieldKind = FieldKind::Text { max_len: None };

/// Optional text of at most `max_len` characters.
pub const fn text_max(max_len: usize) -> FieldKind {
    FieldKind::Text { max_len: Some(max_len) }
}

/// A field's spec before it is named: `spec("Email", FieldKind::Email).required()`.
/// A declaration names it after the record field it sits on.
pub const fn spec(label: &'static str, kind: FieldKind) -> FieldSpec {
    FieldSpec { name: "", label, kind, required: false, sensitive: false }
}

impl FieldSpec {
    pub const fn required(mut self) -> FieldSpec {
        self.required = true;
        self
    }

    pub const fn sensitive(mut self) -> FieldSpec {
        self.sensitive = true;
        self
    }

    pub const fn named(mut self, name: &'static str) -> FieldSpec {
        self.name = name;
        self
    }
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

impl FieldValue {
    /// The value as a form's text: dates `YYYY-MM-DD`, gender codes,
    /// `true`/`false`, location ids; none is empty.
    pub fn to_text(&self) -> String {
        match self {
            FieldValue::Text(s) => s.clone(),
            FieldValue::Date(d) => d.to_string(),
            FieldValue::Gender(g) => g.map(|g| g.code().to_string()).unwrap_or_default(),
            FieldValue::Bool(b) => b.to_string(),
            FieldValue::LocationId(id) => id.map(|id| id.to_string()).unwrap_or_default(),
        }
    }
}

/// The shape of a [`FieldValue`]: which variant a kind parses to and a
/// record's field type holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Text,
    Date,
    Gender,
    Bool,
    LocationId,
}

impl FieldKind {
    /// The shape of the values this kind parses to.
    pub const fn shape(self) -> Shape {
        match self {
            FieldKind::Email | FieldKind::RequiredText | FieldKind::Text { .. } => Shape::Text,
            FieldKind::Date => Shape::Date,
            FieldKind::Gender => Shape::Gender,
            FieldKind::Bool => Shape::Bool,
            FieldKind::LocationId => Shape::LocationId,
        }
    }
}

/// True when a field of `kind` can be held in a record field of `shape`
/// (declarations assert it at compile time).
pub const fn fits(kind: FieldKind, shape: Shape) -> bool {
    kind.shape() as u8 == shape as u8
}

/// A Rust type a record holds an editable field in, and its conversions to
/// and from the parsed value.
pub trait FieldType: Sized {
    const SHAPE: Shape;
    fn to_value(&self) -> FieldValue;
    /// The value of a write, or the value back when it has another shape.
    fn from_value(value: FieldValue) -> Result<Self, FieldValue>;
}

impl FieldType for String {
    const SHAPE: Shape = Shape::Text;
    fn to_value(&self) -> FieldValue {
        FieldValue::Text(self.clone())
    }
    fn from_value(value: FieldValue) -> Result<Self, FieldValue> {
        match value {
            FieldValue::Text(s) => Ok(s),
            other => Err(other),
        }
    }
}

/// A date field has a date once written; before that (a record being
/// created) it is empty text.
impl FieldType for Option<Date> {
    const SHAPE: Shape = Shape::Date;
    fn to_value(&self) -> FieldValue {
        match self {
            Some(d) => FieldValue::Date(*d),
            None => FieldValue::Text(String::new()),
        }
    }
    fn from_value(value: FieldValue) -> Result<Self, FieldValue> {
        match value {
            FieldValue::Date(d) => Ok(Some(d)),
            FieldValue::Text(s) if s.is_empty() => Ok(None),
            other => Err(other),
        }
    }
}

impl FieldType for Option<Gender> {
    const SHAPE: Shape = Shape::Gender;
    fn to_value(&self) -> FieldValue {
        FieldValue::Gender(*self)
    }
    fn from_value(value: FieldValue) -> Result<Self, FieldValue> {
        match value {
            FieldValue::Gender(g) => Ok(g),
            other => Err(other),
        }
    }
}

impl FieldType for bool {
    const SHAPE: Shape = Shape::Bool;
    fn to_value(&self) -> FieldValue {
        FieldValue::Bool(*self)
    }
    fn from_value(value: FieldValue) -> Result<Self, FieldValue> {
        match value {
            FieldValue::Bool(b) => Ok(b),
            other => Err(other),
        }
    }
}

impl FieldType for Option<i64> {
    const SHAPE: Shape = Shape::LocationId;
    fn to_value(&self) -> FieldValue {
        FieldValue::LocationId(*self)
    }
    fn from_value(value: FieldValue) -> Result<Self, FieldValue> {
        match value {
            FieldValue::LocationId(id) => Ok(id),
            other => Err(other),
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
pub(crate) fn json_as_text(value: &Value) -> Option<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_of_another_shape_is_given_back() {
        assert_eq!(bool::from_value(FieldValue::Text("x".into())), Err(FieldValue::Text("x".into())));
        assert_eq!(Option::<Date>::from_value(FieldValue::Text(String::new())), Ok(None));
        assert!(fits(FieldKind::Email, String::SHAPE) && !fits(FieldKind::Date, String::SHAPE));
    }
}
