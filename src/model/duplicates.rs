//! What makes two customers possible duplicates (issue 16): the same email
//! (case ignored), the same phone number (its digits), or the same first and
//! last name (accents, case, spaces and punctuation ignored) with the same
//! birthday. The keys here are stored beside each customer
//! (`storage::duplicates`) so that each signal is one index lookup.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// How many trailing digits of a phone number are compared: enough to tell
/// numbers apart, few enough that a leading country code or trunk `0` does
/// not matter (`+1 555 123 4567` = `(555) 123-4567`, `+44 7700 900123` =
/// `07700 900123`).
pub const PHONE_DIGITS: usize = 9;
/// Fewer digits than this is not a phone number worth comparing (an
/// extension, a typo).
pub const MIN_PHONE_DIGITS: usize = 7;

/// The most candidates the duplicate search answers.
pub const MAX_MATCHES: usize = 20;

/// A name as compared: accents and other combining marks dropped (`José` =
/// `Jose`), a few letters that do not decompose spelled out (`ß` = `ss`,
/// `ø` = `o`), lower-cased, and only letters and digits kept (`O'Brien` =
/// `obrien`, `Jean-Luc` = `Jean Luc`).
pub fn fold_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase) {
        match c {
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ø' => out.push('o'),
            'ł' => out.push('l'),
            'đ' | 'ð' => out.push('d'),
            'þ' => out.push_str("th"),
            'ı' => out.push('i'),
            c if c.is_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out
}

/// The key first and last name are stored and looked up by; `None` when
/// either folds to nothing (no name to compare).
pub fn name_key(first: &str, last: &str) -> Option<String> {
    let (first, last) = (fold_name(first), fold_name(last));
    (!first.is_empty() && !last.is_empty()).then(|| format!("{first}\u{1f}{last}"))
}

/// The key a phone number is stored and looked up by: its last
/// [`PHONE_DIGITS`] digits (all of them when it has fewer); `None` with fewer
/// than [`MIN_PHONE_DIGITS`] digits.
pub fn phone_key(telephone: &str) -> Option<String> {
    let digits: Vec<char> = telephone.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < MIN_PHONE_DIGITS {
        return None;
    }
    Some(digits[digits.len().saturating_sub(PHONE_DIGITS)..].iter().collect())
}

/// The key an email is compared by: trimmed and lower-cased (as the email's
/// uniqueness key is stored); `None` when empty.
pub fn email_key(email: &str) -> Option<String> {
    let key = email.trim().to_lowercase();
    (!key.is_empty()).then_some(key)
}

/// The fields of a customer about to be created that the duplicate check
/// sends, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DuplicateProbe {
    pub first_name: String,
    pub last_name: String,
    pub birthday: String,
    pub email: String,
    pub telephone: String,
}

impl DuplicateProbe {
    /// Whether anything can be compared (else the check is skipped: the
    /// server would refuse it).
    pub fn has_signal(&self) -> bool {
        email_key(&self.email).is_some()
            || phone_key(&self.telephone).is_some()
            || (name_key(&self.first_name, &self.last_name).is_some() && !self.birthday.trim().is_empty())
    }

    /// The query parameters: the non-empty fields.
    pub fn params(&self) -> Vec<(String, String)> {
        [
            ("first_name", &self.first_name),
            ("last_name", &self.last_name),
            ("birthday", &self.birthday),
            ("email", &self.email),
            ("telephone", &self.telephone),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k.to_string(), v.trim().to_string()))
        .collect()
    }
}

/// Which signals a candidate shares with the customer being checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Signals {
    pub email: bool,
    pub phone: bool,
    pub name_and_birthday: bool,
    /// The same name (folded) without the same birthday: no signal on its
    /// own, but it ranks a candidate above others with as many signals.
    pub name_only: bool,
}

impl Signals {
    pub fn count(self) -> usize {
        usize::from(self.email) + usize::from(self.phone) + usize::from(self.name_and_birthday)
    }

    /// Best first: more signals, then the same name, then (stable) the
    /// order the candidates came in.
    pub fn rank(self) -> (std::cmp::Reverse<usize>, std::cmp::Reverse<bool>) {
        (std::cmp::Reverse(self.count()), std::cmp::Reverse(self.name_only || self.name_and_birthday))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_accents_case_spaces_and_punctuation() {
        assert_eq!(fold_name("José"), "jose");
        assert_eq!(fold_name("  ÉLODIE "), "elodie");
        assert_eq!(fold_name("O'Brien"), fold_name("obrien"));
        assert_eq!(fold_name("Jean-Luc"), fold_name("jean luc"));
        assert_eq!(fold_name("Strauß"), "strauss");
        assert_eq!(fold_name("Søren"), "soren");
        assert_eq!(fold_name("Łukasz"), "lukasz");
        assert_eq!(fold_name("Zoë"), fold_name("Zoe"));
        assert_ne!(fold_name("Ann"), fold_name("Anna"));
        assert_eq!(name_key("Renée", "Müller"), name_key("renee", "MULLER"));
        assert_eq!(name_key("", "Müller"), None);
        // First and last are kept apart: "Ann Marie Smith" split differently is another name.
        assert_ne!(name_key("Ann Marie", "Smith"), name_key("Ann", "Marie Smith"));
    }

    #[test]
    fn phones_compare_their_last_nine_digits() {
        assert_eq!(phone_key("(555) 123-4567"), phone_key("+1 555.123.4567"));
        assert_eq!(phone_key("07700 900123"), phone_key("+44 7700 900123"));
        assert_eq!(phone_key("0612345678"), phone_key("+33 6 12 34 56 78"));
        assert_eq!(phone_key("555-1234").as_deref(), Some("5551234"));
        assert_eq!(phone_key("12-34"), None);
        assert_eq!(phone_key(""), None);
        assert_ne!(phone_key("555 123 4567"), phone_key("555 123 4568"));
    }

    #[test]
    fn more_signals_rank_first_then_the_same_name() {
        let email = Signals { email: true, ..Signals::default() };
        let two = Signals { email: true, phone: true, ..Signals::default() };
        let email_and_name = Signals { email: true, name_only: true, ..Signals::default() };
        let mut all = [email, two, email_and_name];
        all.sort_by_key(|s| s.rank());
        assert_eq!(all, [two, email_and_name, email]);
    }
}
