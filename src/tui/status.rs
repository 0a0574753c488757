//! The status line's words, owned by the app: a notice until the next key, and what went wrong.

/// A word for staff in the status line, until the next key: what went right ("Saved"), or a
/// warning about what a key would do.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub warn: bool,
}

impl Notice {
    pub fn say(text: impl Into<String>) -> Notice {
        Notice { text: text.into(), warn: false }
    }

    pub fn warn(text: impl Into<String>) -> Notice {
        Notice { text: text.into(), warn: true }
    }
}

/// What the status line reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub message: String,
    pub offline: bool,
}
