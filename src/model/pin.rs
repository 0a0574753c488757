//! A staff member's PIN (issue 16): what `frontdesk admin set-pin` accepts and what
//! `POST /api/get-token/` takes as `pin`. Four to eight ASCII digits: short enough to type at
//! a busy desk, and a PIN only ever unlocks after a few tries (five wrong in a row lock the
//! user's logins for a minute; see `storage::throttle`).

/// The shortest PIN.
pub const PIN_MIN: usize = 4;
/// The longest PIN.
pub const PIN_MAX: usize = 8;

/// What a PIN must be, as an error message says it.
pub const PIN_RULE: &str = "A PIN is 4 to 8 digits (0-9).";

/// Whether `text` is a PIN as the server stores them: 4 to 8 ASCII digits, nothing else.
pub fn is_pin(text: &str) -> bool {
    (PIN_MIN..=PIN_MAX).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

/// What is wrong with `text` as a PIN, in a sentence that starts with the rule; `None` for a PIN.
pub fn pin_problem(text: &str) -> Option<String> {
    if is_pin(text) {
        return None;
    }
    let why = if text.chars().any(|c| !c.is_ascii_digit()) {
        "this one has a character that is not a digit".to_string()
    } else {
        format!("this one has {} digits", text.len())
    };
    Some(format!("{}; {why}.", PIN_RULE.trim_end_matches('.')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_is_four_to_eight_digits() {
        for ok in ["1234", "0000", "12345678"] {
            assert!(is_pin(ok), "{ok}");
        }
        for bad in ["", "123", "123456789", "12a4", " 1234", "1234 ", "١٢٣٤", "12.4"] {
            assert!(!is_pin(bad), "{bad:?}");
        }
        assert_eq!(pin_problem("1234"), None);
        assert_eq!(pin_problem("123").unwrap(), "A PIN is 4 to 8 digits (0-9); this one has 3 digits.");
        assert!(pin_problem("12a4").unwrap().ends_with("a character that is not a digit."));
    }
}
