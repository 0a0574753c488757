//! The customer resource: its fields, declared once ([`customer_fields!`]),
//! and what the model derives from the declaration: the read shape
//! ([`Customer`]), the editable fields' table ([`CUSTOMER_FIELDS`]) and the
//! sub-collection links. Custom field values and ages live here too.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize};

use super::fields::{
    BARCODE_MAX, FieldKind, FieldSpec, FieldType, FieldValue, PREFERRED_NAME_MAX, TEXT, fits, spec, text_max,
};
pub use super::gender::Gender;
use super::time::{date_opt, null_as_default, timestamp_opt};

/// Every field of a customer, in the order the API writes them: the one
/// place a customer field is declared. Each row is
///
/// ```text
/// #[serde attributes of the read shape]
/// wire_name: Rust type = source [edit(spec)] [filter("param", ...)];
/// ```
///
/// where the source is `column("col", Codec[, search[, digits]])` (a column
/// of `customers`, read and written through a codec of
/// `storage::customers::columns`; `search` puts it in the search text,
/// `digits` its digits too), `file("col")` (a stored photo file name, served
/// as a media URL), `joined("alias")` (read from a join), `related()`
/// (loaded from other tables) or `link(...)` (a URL the server makes).
/// `edit(spec)` makes the field writable, with that label, kind and rules;
/// its kind must fit the Rust type (checked at compile time).
///
/// `filter(...)` names the list's query parameters that filter on the field.
///
/// The model (here) and storage (`storage::customers::columns`) each expand
/// the list with a macro of their own (`customer_fields!(their_macro)`); the
/// server, the import and the terminal app use what they generate. Adding a
/// field here and its column in a migration is all a new field needs.
macro_rules! customer_fields {
    ($then:ident) => {
        $then! {
            id: i64 = column("id", Int);
            #[serde(deserialize_with = "null_as_default")]
            url: String = link(customer);
            #[serde(deserialize_with = "null_as_default")]
            email: String = column("email", Text, search) edit(spec("Email", FieldKind::Email).required());
            #[serde(deserialize_with = "null_as_default")]
            first_name: String =
                column("first_name", Text, search) edit(spec("First name", FieldKind::RequiredText).required());
            #[serde(deserialize_with = "null_as_default")]
            last_name: String =
                column("last_name", Text, search) edit(spec("Last name", FieldKind::RequiredText).required());
            #[serde(deserialize_with = "null_as_default")]
            preferred_name: String = column("preferred_name", Text, search)
                edit(spec("Preferred name", text_max(PREFERRED_NAME_MAX)));
            #[serde(with = "date_opt")]
            birthday: Option<Date> = column("birthday", Date) edit(spec("Birthday", FieldKind::Date).required())
                filter("birthday_min", "birthday_max", "age_min", "age_max");
            #[serde(deserialize_with = "null_as_default")]
            address_postcode: String = column("address_postcode", Text) edit(spec("Postcode", TEXT))
                filter("address_postcode");
            #[serde(deserialize_with = "null_as_default")]
            address_street_1: String = column("address_street_1", Text) edit(spec("Street 1", TEXT));
            #[serde(deserialize_with = "null_as_default")]
            address_street_2: String = column("address_street_2", Text) edit(spec("Street 2", TEXT));
            #[serde(deserialize_with = "null_as_default")]
            address_city: String = column("address_city", Text) edit(spec("City", TEXT));
            #[serde(deserialize_with = "null_as_default")]
            address_state: String = column("address_state", Text) edit(spec("State", TEXT));
            #[serde(deserialize_with = "null_as_default")]
            address_country: String = column("address_country", Text) edit(spec("Country", TEXT));
            #[serde(deserialize_with = "null_as_default")]
            government_id: String = column("government_id", Text) edit(spec("Government id", TEXT).sensitive());
            #[serde(deserialize_with = "null_as_default")]
            telephone: String = column("telephone", Text, search, digits) edit(spec("Telephone", TEXT));
            #[serde(deserialize_with = "lenient_gender")]
            gender: Option<Gender> = column("gender", GenderCode) edit(spec("Gender", FieldKind::Gender))
                filter("gender");
            #[serde(deserialize_with = "null_as_default")]
            pronouns: String = column("pronouns", Text) edit(spec("Pronouns", TEXT));
            #[serde(deserialize_with = "null_as_default")]
            has_opted_in_to_marketing: bool =
                column("has_opted_in_to_marketing", Bool) edit(spec("Marketing opt-in", FieldKind::Bool))
                filter("has_opted_in_to_marketing");
            // An empty barcode is stored as NULL, so it is exempt from uniqueness.
            #[serde(deserialize_with = "null_as_default")]
            barcode: String = column("barcode", NullableText, search)
                edit(spec("Barcode", text_max(BARCODE_MAX)));
            profile_image: Option<String> = file("profile_image");
            profile_image_small: Option<String> = file("profile_image_small");
            home_location_id: Option<i64> =
                column("home_location_id", NullableInt) edit(spec("Home location", FieldKind::LocationId));
            home_location_url: Option<String> = link(location, home_location_id);
            home_location_name: Option<String> = joined("home_location_name");
            #[serde(deserialize_with = "null_as_default")]
            capitan_invite_sent: bool = column("capitan_invite_sent", Bool);
            #[serde(deserialize_with = "null_as_default")]
            has_capitan_login: bool = column("has_capitan_login", Bool);
            // The summary columns, kept in step by `storage::derived`.
            #[serde(deserialize_with = "null_as_default")]
            check_in_count: i64 = column("check_in_count", Int) filter("check_in_count_min", "check_in_count_max");
            #[serde(deserialize_with = "null_as_default")]
            has_active_membership: bool = column("has_active_membership", Bool) filter("has_active_membership");
            #[serde(deserialize_with = "null_as_default")]
            has_active_youth_programming_membership: bool = column("has_active_youth_membership", Bool)
                filter("has_active_youth_programming_membership");
            #[serde(deserialize_with = "null_as_default")]
            has_active_non_youth_programming_membership: bool = column("has_active_adult_membership", Bool)
                filter("has_active_non_youth_programming_membership");
            #[serde(deserialize_with = "null_as_default")]
            has_membership_with_future_start: bool = column("has_future_membership", Bool)
                filter("has_membership_with_future_start");
            #[serde(deserialize_with = "null_as_default")]
            has_frozen_membership: bool = column("has_frozen_membership", Bool) filter("has_frozen_membership");
            #[serde(deserialize_with = "null_as_default")]
            number_of_available_entry_passes: i64 = column("available_entry_passes", Int);
            #[serde(deserialize_with = "null_as_default")]
            active_waiver_exists: bool = column("active_waiver_exists", Bool);
            #[serde(with = "date_opt")]
            latest_waiver_expiration_date: Option<Date> = column("latest_waiver_expiration", Date);
            #[serde(deserialize_with = "null_as_default")]
            active_proficiency_names: Vec<String> = related();
            #[serde(deserialize_with = "null_as_default")]
            tags: Vec<String> = related() filter("tags");
            #[serde(deserialize_with = "null_as_default")]
            custom_field_values: Vec<CustomFieldValue> = related();
            #[serde(deserialize_with = "null_as_default")]
            has_medical_notes: bool = column("has_medical_notes", Bool);
            #[serde(with = "timestamp_opt")]
            first_check_in_timestamp: Option<Timestamp> = column("first_check_in_at", Micros);
            #[serde(with = "timestamp_opt")]
            latest_check_in_timestamp: Option<Timestamp> = column("latest_check_in_at", Micros)
                filter("latest_check_in_timestamp_min", "latest_check_in_timestamp_max");
            #[serde(with = "timestamp_opt")]
            first_membership_timestamp: Option<Timestamp> = column("first_membership_date", StartOfDay)
                filter("first_membership_timestamp_min", "first_membership_timestamp_max");
            #[serde(with = "timestamp_opt")]
            created_at: Option<Timestamp> = column("created_at", Micros) filter("created_at_min", "created_at_max");
            #[serde(with = "timestamp_opt")]
            updated_at: Option<Timestamp> = column("updated_at", Micros);
            // The sub-collections, by their hyphenated path segment under `/api/customers/{id}/`.
            #[serde(deserialize_with = "null_as_default")]
            event_vouchers_url: String = link(sub, "event-vouchers");
            #[serde(deserialize_with = "null_as_default")]
            credits_url: String = link(sub, "credits");
            #[serde(deserialize_with = "null_as_default")]
            emergency_contacts_url: String = link(sub, "emergency-contacts");
            #[serde(deserialize_with = "null_as_default")]
            medical_notes_url: String = link(sub, "medical-notes");
            #[serde(deserialize_with = "null_as_default")]
            notes_url: String = link(sub, "notes");
            #[serde(deserialize_with = "null_as_default")]
            alerts_url: String = link(sub, "alerts");
            #[serde(deserialize_with = "null_as_default")]
            documents_url: String = link(sub, "documents");
            #[serde(deserialize_with = "null_as_default")]
            relations_url: String = link(sub, "relations");
            #[serde(deserialize_with = "null_as_default")]
            check_ins_url: String = link(sub, "check-ins");
            #[serde(deserialize_with = "null_as_default")]
            guest_pass_usages: String = link(sub, "guest-pass-usages");
            #[serde(deserialize_with = "null_as_default")]
            shared_passes_url: String = link(sub, "shared-passes");
            #[serde(deserialize_with = "null_as_default")]
            memberships_url: String = link(sub, "memberships");
            #[serde(deserialize_with = "null_as_default")]
            entry_passes_url: String = link(sub, "entry-passes");
            #[serde(deserialize_with = "null_as_default")]
            challenges_url: String = link(sub, "challenges");
            #[serde(deserialize_with = "null_as_default")]
            payments_url: String = link(sub, "payments");
            #[serde(deserialize_with = "null_as_default")]
            proficiencies_url: String = link(sub, "proficiencies");
            #[serde(deserialize_with = "null_as_default")]
            reservations_url: String = link(sub, "reservations");
            #[serde(deserialize_with = "null_as_default")]
            reservation_parts_url: String = link(sub, "reservation-parts");
            #[serde(deserialize_with = "null_as_default")]
            pending_relations_url: String = link(sub, "pending-relations");
            #[serde(deserialize_with = "null_as_default")]
            incoming_pending_relations_url: String = link(sub, "incoming-pending-relations");
            #[serde(deserialize_with = "null_as_default")]
            activity_log_url: String = link(sub, "activity-log");
        }
    };
}
pub(crate) use customer_fields;

/// The model's expansion of the declaration: the read shape, the editable
/// fields' table and the conversions between them.
macro_rules! customer_model {
    ($(
        $(#[$attr:meta])* $name:ident : $ty:ty = $source:ident $args:tt $(edit $edit:tt)? $(filter $filter:tt)? ;
    )*) => {
        /// A customer as the API reads it (the List and Read shape). A record
        /// fresh from storage holds photo file names and no links until
        /// [`resolve_links`](Customer::resolve_links).
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(default)]
        pub struct Customer {
            $( $(#[$attr])* pub $name: $ty, )*
        }

        /// How many fields are writable.
        const EDITABLE: usize = 0 $( $( + editable!($edit, 1) )? )*;

        /// Every writable scalar field, in the declaration's order.
        /// (`custom_field_values` and `profile_image` have shapes of their own.)
        pub const CUSTOMER_FIELDS: [FieldSpec; EDITABLE] = [ $( $( $edit.named(stringify!($name)), )? )* ];

        $( $(
            const _: () = assert!(
                fits($edit.kind, <$ty as FieldType>::SHAPE),
                concat!("customer field `", stringify!($name), "`: its kind does not fit its type")
            );
        )? )*

        /// Each field's sub-collection path segment, if it links to one.
        const LINKED_SEGMENTS: [(&str, Option<&str>); 0 $( + editable!($name, 1) )*] =
            [ $( (stringify!($name), segment!($source $args)), )* ];

        /// Each field's list filter parameters.
        const FILTERED: [(&str, &[&str]); 0 $( + editable!($name, 1) )*] =
            [ $( (stringify!($name), filter_params!($($filter)?)), )* ];

        impl Customer {
            /// The writable fields' values, in [`CUSTOMER_FIELDS`] order.
            pub fn editable_values(&self) -> [FieldValue; EDITABLE] {
                [ $( $( editable!($edit, FieldType::to_value(&self.$name)), )? )* ]
            }

            /// One writable field's value, by its API name.
            pub fn field_value(&self, name: &str) -> Option<FieldValue> {
                $( $(
                    if name == editable!($edit, stringify!($name)) {
                        return Some(FieldType::to_value(&self.$name));
                    }
                )? )*
                None
            }

            /// Sets one writable field, by its API name; a value of another
            /// shape (or for no writable field) is given back.
            pub fn set_field(&mut self, name: &str, value: FieldValue) -> Result<(), FieldValue> {
                $( $(
                    if name == editable!($edit, stringify!($name)) {
                        self.$name = FieldType::from_value(value)?;
                        return Ok(());
                    }
                )? )*
                Err(value)
            }

            /// Fills the links of a record read from storage: its URL, the
            /// home location's and the sub-collections', and the photo file
            /// names become media URLs.
            pub fn resolve_links(&mut self, links: &impl CustomerLinks) {
                $( link!(self, links, $name, $source $args); )*
            }
        }
    };
}

/// The tokens of `$value`, when the optional `$edit` is there.
macro_rules! editable {
    ($edit:tt, $($value:tt)*) => {
        $($value)*
    };
}

macro_rules! filter_params {
    () => {
        &[]
    };
    (($($param:literal),*)) => {
        &[$($param),*]
    };
}

macro_rules! segment {
    (link(sub, $segment:literal)) => {
        Some($segment)
    };
    ($source:ident $args:tt) => {
        None
    };
}

macro_rules! link {
    ($c:ident, $links:ident, $name:ident, link(customer)) => {
        $c.$name = $links.customer($c.id)
    };
    ($c:ident, $links:ident, $name:ident, link(location, $id:ident)) => {
        $c.$name = $c.$id.map(|id| $links.location(id))
    };
    ($c:ident, $links:ident, $name:ident, link(sub, $segment:literal)) => {
        $c.$name = $links.customer_sub($c.id, $segment)
    };
    ($c:ident, $links:ident, $name:ident, file $args:tt) => {
        $c.$name = $c.$name.as_deref().map(|file| $links.media(file))
    };
    ($c:ident, $links:ident, $name:ident, $source:ident $args:tt) => {};
}

customer_fields!(customer_model);

/// The URLs a customer links to; the server makes them from its base URL.
pub trait CustomerLinks {
    fn customer(&self, id: i64) -> String;
    /// A customer's sub-collection, by its hyphenated path segment.
    fn customer_sub(&self, id: i64, segment: &str) -> String;
    fn location(&self, id: i64) -> String;
    fn media(&self, file_name: &str) -> String;
}

const fn sub_collection_count() -> usize {
    let mut count = 0;
    let mut i = 0;
    while i < LINKED_SEGMENTS.len() {
        if LINKED_SEGMENTS[i].1.is_some() {
            count += 1;
        }
        i += 1;
    }
    count
}

const fn sub_collections() -> [(&'static str, &'static str); sub_collection_count()] {
    let mut out = [("", ""); sub_collection_count()];
    let (mut i, mut j) = (0, 0);
    while i < LINKED_SEGMENTS.len() {
        if let (field, Some(segment)) = LINKED_SEGMENTS[i] {
            out[j] = (field, segment);
            j += 1;
        }
        i += 1;
    }
    out
}

/// The customer sub-collections: the seed's `*_url` field and the hyphenated
/// path segment under `/api/customers/{id}/` that it points at.
pub const SUB_COLLECTIONS: [(&str, &str); sub_collection_count()] = sub_collections();

/// The list's query parameters that filter on a declared field, as
/// (parameter, field).
pub fn filter_parameters() -> impl Iterator<Item = (&'static str, &'static str)> {
    FILTERED.iter().flat_map(|(field, params)| params.iter().map(move |param| (*param, *field)))
}

/// The declared spec of a writable field, by its API name.
pub fn customer_field(name: &str) -> Option<&'static FieldSpec> {
    CUSTOMER_FIELDS.iter().find(|f| f.name == name)
}

/// Reads a gender leniently: an unknown code from another server is no gender
/// rather than an unreadable customer.
fn lenient_gender<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Gender>, D::Error> {
    let raw: Option<String> = Option::deserialize(d)?;
    Ok(raw.as_deref().and_then(Gender::from_code))
}

/// One of the organization's custom customer fields and this customer's value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomFieldValue {
    pub field_id: i64,
    #[serde(deserialize_with = "null_as_default")]
    pub field_name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub value: String,
}

impl Customer {
    /// The name staff call the customer by: the preferred name when set.
    pub fn display_first_name(&self) -> &str {
        if self.preferred_name.trim().is_empty() { &self.first_name } else { &self.preferred_name }
    }

    /// Whole years of age on `today`; see [`age_on`].
    pub fn age_on(&self, today: Date) -> Option<i16> {
        self.birthday.map(|b| age_on(b, today))
    }
}

/// Whole years between `birthday` and `today`: a birthday today counts.
///
/// A 29 February birthday ages on 1 March in common years (the legal rule in
/// most places, and what subtracting calendar years then comparing month and
/// day gives).
pub fn age_on(birthday: Date, today: Date) -> i16 {
    let mut years = today.year() - birthday.year();
    if (today.month(), today.day()) < (birthday.month(), birthday.day()) {
        years -= 1;
    }
    years
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_birthday_today_counts_and_leap_day_birthdays_age_on_march_first() {
        assert_eq!(age_on(date(2000, 11, 25), date(2026, 11, 25)), 26);
        assert_eq!(age_on(date(2000, 11, 26), date(2026, 11, 25)), 25);
        assert_eq!(age_on(date(2008, 2, 29), date(2026, 2, 28)), 17);
        assert_eq!(age_on(date(2008, 2, 29), date(2026, 3, 1)), 18);
        assert_eq!(age_on(date(2008, 2, 29), date(2028, 2, 29)), 20);
    }

    #[test]
    fn reading_tolerates_nulls_and_unknown_codes_from_other_servers() {
        let c: Customer = serde_json::from_value(serde_json::json!({
            "id": 7, "email": null, "first_name": "Ann", "gender": "X", "tags": null,
            "birthday": "1990-01-02", "created_at": "2024-01-01T00:00:00-07:00"
        }))
        .unwrap();
        assert_eq!(c.id, 7);
        assert_eq!(c.email, "");
        assert_eq!(c.gender, None);
        assert!(c.tags.is_empty());
        assert_eq!(c.birthday, Some(date(1990, 1, 2)));
        assert_eq!(c.created_at.unwrap().to_string(), "2024-01-01T07:00:00Z");
    }
}
