//! The seed's field restrictions as plain functions, with the messages Django
//! REST Framework gives. The server answers with them and the terminal app's
//! forms check as you type with the very same functions.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

pub const MSG_REQUIRED: &str = "This field is required.";
pub const MSG_NULL: &str = "This field may not be null.";
pub const MSG_BLANK: &str = "This field may not be blank.";
pub const MSG_NOT_STRING: &str = "Not a valid string.";
pub const MSG_EMAIL: &str = "Enter a valid email address.";
pub const MSG_DATE: &str = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.";
pub const MSG_BOOL: &str = "Must be a valid boolean.";

/// Longest email Django's `EmailField` accepts.
pub const EMAIL_MAX_LEN: usize = 254;

pub fn max_length_message(max: usize) -> String {
    format!("Ensure this field has no more than {max} characters.")
}

/// Validation errors keyed by field, as DRF answers them:
/// `{"email": ["Enter a valid email address."]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FieldErrors(pub BTreeMap<String, Vec<String>>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut e = Self::new();
        e.add(field, message);
        e
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.entry(field.to_string()).or_default().push(message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, field: &str) -> Option<&[String]> {
        self.0.get(field).map(Vec::as_slice)
    }

    pub fn merge(&mut self, other: FieldErrors) {
        for (field, messages) in other.0 {
            self.0.entry(field).or_default().extend(messages);
        }
    }

    /// `Ok(())` when there are no errors.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut first = true;
        for (field, messages) in &self.0 {
            for m in messages {
                if !first {
                    write!(f, "; ")?;
                }
                first = false;
                write!(f, "{field}: {m}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for FieldErrors {}

/// DRF trims surrounding white space from text fields before validating.
pub fn trimmed(s: &str) -> &str {
    s.trim()
}

/// A required text field: not blank once trimmed.
pub fn required_text(s: &str) -> Result<String, String> {
    let t = trimmed(s);
    if t.is_empty() { Err(MSG_BLANK.into()) } else { Ok(t.to_string()) }
}

/// An optional text field with an optional length limit (in characters).
pub fn optional_text(s: &str, max_len: Option<usize>) -> Result<String, String> {
    let t = trimmed(s);
    match max_len {
        Some(max) if t.chars().count() > max => Err(max_length_message(max)),
        _ => Ok(t.to_string()),
    }
}

/// An email address as Django's `EmailValidator` accepts it.
pub fn email(s: &str) -> Result<String, String> {
    let t = trimmed(s);
    if t.is_empty() {
        return Err(MSG_BLANK.into());
    }
    if t.chars().count() > EMAIL_MAX_LEN {
        return Err(max_length_message(EMAIL_MAX_LEN));
    }
    if is_valid_email(t) { Ok(t.to_string()) } else { Err(MSG_EMAIL.into()) }
}

fn is_valid_email(s: &str) -> bool {
    let Some((user, domain)) = s.rsplit_once('@') else {
        return false;
    };
    is_valid_email_user(user) && is_valid_email_domain(domain)
}

fn is_valid_email_user(user: &str) -> bool {
    const ATEXT: &str = "!#$%&'*+/=?^_`{|}~-";
    if user.is_empty() {
        return false;
    }
    if let Some(inner) = user.strip_prefix('"').and_then(|u| u.strip_suffix('"')) {
        // quoted-string: printable ASCII, with \" and \\ escapes
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' if chars.next().is_none_or(|e| !e.is_ascii() || e.is_ascii_control()) => return false,
                '\\' => {}
                '"' => return false,
                c if !c.is_ascii() || (c.is_ascii_control() && c != '\t') => return false,
                _ => {}
            }
        }
        return true;
    }
    // dot-atom: atoms of atext separated by single dots
    user.split('.').all(|atom| !atom.is_empty() && atom.chars().all(|c| c.is_ascii_alphanumeric() || ATEXT.contains(c)))
}

fn is_valid_email_domain(domain: &str) -> bool {
    if let Some(literal) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        return literal.parse::<std::net::Ipv4Addr>().is_ok()
            || literal.strip_prefix("IPv6:").is_some_and(|v6| v6.parse::<std::net::Ipv6Addr>().is_ok());
    }
    if domain.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.chars().count() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let Some((tld, rest)) = labels.split_last() else {
        return false;
    };
    let tld_ok =
        tld.starts_with("xn--") && label_ok(tld) || (tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic));
    tld_ok && rest.iter().all(|l| label_ok(l))
}

/// An ISO-8601 calendar date, `YYYY-MM-DD`, that exists (no `2021-02-30`).
pub fn iso_date(s: &str) -> Result<Date, String> {
    let t = trimmed(s);
    let b = t.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return Err(MSG_DATE.into());
    }
    t.parse::<Date>().map_err(|_| MSG_DATE.into())
}

/// DRF's `BooleanField` inputs, from text.
pub fn boolean_text(s: &str) -> Result<bool, String> {
    match trimmed(s) {
        "true" | "True" | "TRUE" | "t" | "T" | "yes" | "Yes" | "YES" | "y" | "Y" | "on" | "On" | "ON" | "1" => Ok(true),
        "false" | "False" | "FALSE" | "f" | "F" | "no" | "No" | "NO" | "n" | "N" | "off" | "Off" | "OFF" | "0" => {
            Ok(false)
        }
        _ => Err(MSG_BOOL.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_that_django_accepts_and_refuses() {
        for ok in [
            "joe@example.com",
            "JOE.Bloggs+tag@Example.co.uk",
            "a@b.io",
            "\"quoted name\"@example.com",
            "user@[192.168.0.1]",
            "o'neil@example.ie",
            "zoë@bücher.de".replace('ë', "e").as_str(),
        ] {
            assert!(email(ok).is_ok(), "{ok} should be valid");
        }
        for bad in [
            "",
            "joe",
            "joe@",
            "@example.com",
            "joe@example",
            "joe@@example.com",
            "joe..b@example.com",
            ".joe@example.com",
            "joe@-example.com",
            "joe@example.c",
            "joe@exam_ple.com",
            "joe smith@example.com",
            "joe@example.com.",
        ] {
            assert!(email(bad).is_err(), "{bad:?} should be invalid");
        }
        assert_eq!(email("  joe@example.com ").unwrap(), "joe@example.com");
        assert_eq!(email("   ").unwrap_err(), MSG_BLANK);
    }

    #[test]
    fn email_longer_than_254_characters_is_refused() {
        let local = "a".repeat(64);
        let domain = format!("{}.com", "b".repeat(63));
        let mut e = format!("{local}@{domain}");
        while e.len() < 254 {
            e.insert(0, 'c');
        }
        // the local part is now longer than 64 but Django does not check that
        assert!(email(&e).is_ok());
        e.insert(0, 'c');
        assert_eq!(email(&e).unwrap_err(), max_length_message(254));
    }

    #[test]
    fn dates_must_exist_and_be_iso() {
        assert_eq!(iso_date("2024-02-29").unwrap().to_string(), "2024-02-29");
        for bad in ["2021-02-30", "2021-2-3", "20210203", "2021-13-01", "03/02/2021", "2021-02-03T00:00:00", ""] {
            assert_eq!(iso_date(bad).unwrap_err(), MSG_DATE, "{bad}");
        }
    }

    #[test]
    fn text_limits_count_characters_not_bytes() {
        assert!(optional_text(&"é".repeat(180), Some(180)).is_ok());
        assert_eq!(optional_text(&"é".repeat(181), Some(180)).unwrap_err(), max_length_message(180));
        assert_eq!(required_text("  \t").unwrap_err(), MSG_BLANK);
        assert_eq!(required_text(" Ann ").unwrap(), "Ann");
    }

    #[test]
    fn booleans_take_drf_spellings() {
        assert_eq!(boolean_text("yes"), Ok(true));
        assert_eq!(boolean_text("0"), Ok(false));
        assert!(boolean_text("maybe").is_err());
    }
}
