//! The seed's gender codes: what the API writes, what a person reads.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The seed's gender options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    Male,
    Female,
    NonBinary,
    PreferNotToSay,
}

impl Gender {
    pub const ALL: [Gender; 4] = [Gender::Male, Gender::Female, Gender::NonBinary, Gender::PreferNotToSay];

    pub fn code(self) -> &'static str {
        match self {
            Gender::Male => "M",
            Gender::Female => "F",
            Gender::NonBinary => "N",
            Gender::PreferNotToSay => "P",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Gender::Male => "Male",
            Gender::Female => "Female",
            Gender::NonBinary => "Non-binary",
            Gender::PreferNotToSay => "Prefer not to say",
        }
    }

    pub fn from_code(code: &str) -> Option<Gender> {
        Gender::ALL.into_iter().find(|g| g.code() == code)
    }
}

impl Serialize for Gender {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Gender {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Gender::from_code(&code).ok_or_else(|| serde::de::Error::custom(format!("unknown gender code {code:?}")))
    }
}
