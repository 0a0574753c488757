//! The storage expansion of the customer declaration
//! ([`customer_fields!`](crate::model::customer::customer_fields)): the
//! columns a record reads, the read mapping (row -> [`Customer`]), the write
//! mapping ([`Customer`] -> column values) and the search text, all from the
//! declared columns and codecs.
//!
//! A codec says how a Rust value is kept in a column; a value read back that
//! does not fit (an unknown gender code, a date that is not one) is a
//! `ColumnDecode` error naming the column, not a guess.

use jiff::Timestamp;
use jiff::civil;

use crate::model::customer::{CUSTOMER_FIELDS, customer_fields};
use crate::model::{Customer, Gender};
use crate::storage::OrgScope;
use crate::storage::bulk::BulkValue;
use crate::storage::sql::Row;

/// Reads a column into a Rust value.
pub trait ReadColumn<T> {
    fn read(row: &Row, column: &'static str, org: &OrgScope) -> Result<T, sqlx::Error>;
}

/// The value a Rust value is written to a column as (the one form of a
/// stored value, for a statement or a bulk load).
pub trait WriteColumn<T> {
    fn write(value: &T) -> BulkValue;
}

/// A column's value that does not fit its codec.
#[derive(Debug, thiserror::Error)]
#[error("{value:?} is not {expected}")]
struct Unfit {
    value: String,
    expected: &'static str,
}

fn unfit(column: &'static str, value: &str, expected: &'static str) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: format!("customers.{column}"),
        source: Box::new(Unfit { value: value.to_string(), expected }),
    }
}

fn get<T: crate::storage::sql::Decodes>(row: &Row, column: &'static str) -> Result<T, sqlx::Error> {
    row.try_get(column)
}

/// `INTEGER NOT NULL` as `i64`.
pub struct Int;
/// `TEXT NOT NULL` as `String`.
pub struct Text;
/// Nullable `TEXT`: as `Option<String>`, or as `String` with NULL for empty.
pub struct NullableText;
/// Nullable `INTEGER` as `Option<i64>`.
pub struct NullableInt;
/// `INTEGER` 0/1 as `bool`.
pub struct Bool;
/// `TEXT` `YYYY-MM-DD` (NULL: none) as `Option<Date>`.
pub struct Date;
/// A gender code (NULL: none) as `Option<Gender>`.
pub struct GenderCode;
/// Microseconds since the epoch (NULL: none) as `Option<Timestamp>`.
pub struct Micros;
/// A `YYYY-MM-DD` date (NULL: none), served as the first instant of that day
/// in the organization's time zone.
pub struct StartOfDay;

impl ReadColumn<i64> for Int {
    fn read(row: &Row, column: &'static str, _: &OrgScope) -> Result<i64, sqlx::Error> {
        get(row, column)
    }
}

impl ReadColumn<String> for Text {
    fn read(row: &Row, column: &'static str, _: &OrgScope) -> Result<String, sqlx::Error> {
        get(row, column)
    }
}

impl WriteColumn<String> for Text {
    fn write(value: &String) -> BulkValue {
        value.as_str().into()
    }
}

impl ReadColumn<Option<String>> for NullableText {
    fn read(row: &Row, column: &'static str, _: &OrgScope) -> Result<Option<String>, sqlx::Error> {
        get(row, column)
    }
}

impl ReadColumn<String> for NullableText {
    fn read(row: &Row, column: &'static str, _: &OrgScope) -> Result<String, sqlx::Error> {
        Ok(get::<Option<String>>(row, column)?.unwrap_or_default())
    }
}

impl WriteColumn<String> for NullableText {
    fn write(value: &String) -> BulkValue {
        if value.is_empty() { BulkValue::Null } else { value.as_str().into() }
    }
}

impl ReadColumn<Option<i64>> for NullableInt {
    fn read(row: &Row, column: &'static str, _: &OrgScope) -> Result<Option<i64>, sqlx::Error> {
        get(row, column)
    }
}

impl WriteColumn<Option<i64>> for NullableInt {
    fn write(value: &Option<i64>) -> BulkValue {
        (*value).into()
    }
}

impl ReadColumn<bool> for Bool {
    fn read(row: &Row, column: &'static str, _: &OrgScope) -> Result<bool, sqlx::Error> {
        Ok(get::<crate::storage::sql::IntFlag>(row, column)?.into())
    }
}

impl WriteColumn<bool> for Bool {
    fn write(value: &bool) -> BulkValue {
        (*value).into()
    }
}

fn read_date(row: &Row, column: &'static str) -> Result<Option<civil::Date>, sqlx::Error> {
    match get::<Option<String>>(row, column)? {
        None => Ok(None),
        Some(text) => text.parse().map(Some).map_err(|_| unfit(column, &text, "a date")),
    }
}

impl ReadColumn<Option<civil::Date>> for Date {
    fn read(row: &Row, column: &'static str, _: &OrgScope) -> Result<Option<civil::Date>, sqlx::Error> {
        read_date(row, column)
    }
}

impl WriteColumn<Option<civil::Date>> for Date {
    fn write(value: &Option<civil::Date>) -> BulkValue {
        value.map(|d| d.to_string()).into()
    }
}

impl ReadColumn<Option<Gender>> for GenderCode {
    fn read(row: &Row, column: &'static str, _: &OrgScope) -> Result<Option<Gender>, sqlx::Error> {
        match get::<Option<String>>(row, column)? {
            None => Ok(None),
            Some(code) => Gender::from_code(&code).map(Some).ok_or_else(|| unfit(column, &code, "a gender code")),
        }
    }
}

impl WriteColumn<Option<Gender>> for GenderCode {
    fn write(value: &Option<Gender>) -> BulkValue {
        value.map(|g| g.code()).into()
    }
}

impl ReadColumn<Option<Timestamp>> for Micros {
    fn read(row: &Row, column: &'static str, _: &OrgScope) -> Result<Option<Timestamp>, sqlx::Error> {
        Ok(get::<Option<i64>>(row, column)?.map(crate::model::time::from_micros))
    }
}

impl ReadColumn<Option<Timestamp>> for StartOfDay {
    fn read(row: &Row, column: &'static str, org: &OrgScope) -> Result<Option<Timestamp>, sqlx::Error> {
        Ok(read_date(row, column)?.map(|d| org.start_of_day(d)))
    }
}

/// The storage expansion of the declaration.
macro_rules! customer_storage {
    ($(
        $(#[$attr:meta])* $name:ident : $ty:ty = $source:ident $args:tt $(edit $edit:tt)? $(filter $filter:tt)? ;
    )*) => {
        /// The columns of `customers` (or of its joins) a record reads.
        const READ_COLUMNS: [Option<&str>; 0 $( + one!($name) )*] = [ $( read_column!($source $args), )* ];

        /// A customer row (see `read::record_columns`) as a record:
        /// links unresolved, related lists empty.
        pub fn read(row: &Row, org: &OrgScope) -> Result<Customer, sqlx::Error> {
            Ok(Customer { $( $name: read_field!(row, org, $source $args)?, )* })
        }

        /// The columns the writable fields are stored in, in [`CUSTOMER_FIELDS`] order.
        pub const WRITE_COLUMNS: [&str; CUSTOMER_FIELDS.len()] = [ $( $( write_column!($edit, $source $args), )? )* ];

        /// The values the writable fields are stored as, in [`WRITE_COLUMNS`] order.
        pub fn write(customer: &Customer) -> [BulkValue; CUSTOMER_FIELDS.len()] {
            [ $( $( write_field!($edit, customer.$name, $source $args), )? )* ]
        }

        /// The lower-cased text that `search` matches: the searchable fields
        /// separated by a control character no search term contains, plus
        /// the digits of those that ask for them alone (the telephone's, so
        /// "5551234" finds "(555) 123-4").
        pub fn search_text(customer: &Customer) -> String {
            let mut parts: Vec<&str> = Vec::new();
            let mut digits = String::new();
            $( search_field!(parts, digits, customer.$name, $source $args); )*
            parts.push(&digits);
            parts.join("\u{1f}").to_lowercase()
        }
    };
}

macro_rules! one {
    ($t:tt) => {
        1
    };
}

macro_rules! read_column {
    (column($column:literal, $codec:ident $(, $flag:ident)*)) => {
        Some($column)
    };
    (file($column:literal)) => {
        Some($column)
    };
    ($source:ident $args:tt) => {
        None
    };
}

macro_rules! read_field {
    ($row:ident, $org:ident, column($column:literal, $codec:ident $(, $flag:ident)*)) => {
        <$codec as ReadColumn<_>>::read($row, $column, $org)
    };
    ($row:ident, $org:ident, file($column:literal)) => {
        <NullableText as ReadColumn<_>>::read($row, $column, $org)
    };
    ($row:ident, $org:ident, joined($column:literal)) => {
        <NullableText as ReadColumn<_>>::read($row, $column, $org)
    };
    ($row:ident, $org:ident, $source:ident $args:tt) => {
        Ok::<_, sqlx::Error>(Default::default())
    };
}

macro_rules! write_column {
    ($edit:tt, column($column:literal, $codec:ident $(, $flag:ident)*)) => {
        $column
    };
}

macro_rules! write_field {
    ($edit:tt, $value:expr, column($column:literal, $codec:ident $(, $flag:ident)*)) => {
        <$codec as WriteColumn<_>>::write(&$value)
    };
}

macro_rules! search_field {
    ($parts:ident, $digits:ident, $value:expr, column($column:literal, $codec:ident, search, digits)) => {
        $parts.push(&$value);
        $digits.extend($value.chars().filter(char::is_ascii_digit));
    };
    ($parts:ident, $digits:ident, $value:expr, column($column:literal, $codec:ident, search)) => {
        $parts.push(&$value);
    };
    ($parts:ident, $digits:ident, $value:expr, $source:ident $args:tt) => {};
}

customer_fields!(customer_storage);

/// The columns a record reads from `customers` (not those of its joins).
pub fn read_columns() -> impl Iterator<Item = &'static str> {
    READ_COLUMNS.into_iter().flatten()
}
