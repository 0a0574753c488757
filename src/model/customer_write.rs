//! A customer write (POST, PUT, PATCH, an imported customer): the body parsed
//! and checked field by field against the declared fields
//! ([`CUSTOMER_FIELDS`]), with the rules that need no database.

use serde_json::{Map, Value};

use super::customer::{CUSTOMER_FIELDS, Customer};
use super::fields::{FieldValue, WriteMode, json_as_text, json_type_name};
use super::validation::{self as v, FieldErrors};

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

    /// Sets the write's fields on a customer.
    pub fn apply_to(&self, customer: &mut Customer) -> Result<(), FieldMismatch> {
        for (field, value) in &self.fields {
            customer.set_field(field, value.clone()).map_err(|value| FieldMismatch { field, value })?;
        }
        Ok(())
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

/// A write's value that does not fit the field it names: the declaration
/// checks kinds against types at compile time, so this means a write built
/// by hand went wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{value:?} does not fit the field {field}.")]
pub struct FieldMismatch {
    pub field: &'static str,
    pub value: FieldValue,
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
    use crate::model::customer::customer_field;
    use crate::model::validation as v;
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
