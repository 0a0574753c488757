//! `sub_record!`: one declaration per kind of sub-record, from which come its
//! wire shape (the API's JSON, read leniently by the client), its stored row
//! (what storage selects), the row's own column list (which the import's
//! rows use too), the row-to-wire mapping and its shape in an import document.
//!
//! ```text
//! sub_record! {
//!     /// `notes/`: staff notes about the customer.
//!     pub struct Note, stored as NoteRow {
//!         note: Text,
//!         created_at: Instant,
//!         updated_at: Instant,
//!     }
//! }
//! ```
//!
//! Every kind has `id` and `url` first (the row has `id`; the URL is where it
//! is served). Each field has a kind that fixes its wire type, its serde
//! attributes, its stored type and the conversion:
//!
//! | kind | wire | stored |
//! |---|---|---|
//! | `Id` | `i64` | `i64` |
//! | `Text` | `String` (null reads as "") | `String` |
//! | `Flag` | `bool` (null reads as false) | `bool` |
//! | `Count` | `i64` (null reads as 0) | `i64` |
//! | `OptId` | `Option<i64>` | `Option<i64>` |
//! | `OptText` | `Option<String>` | `Option<String>` |
//! | `Instant` | `Option<Timestamp>` (`timestamp_opt`) | `i64` microseconds |
//! | `OptInstant` | `Option<Timestamp>` (`timestamp_opt`) | `Option<i64>` microseconds |
//! | `Date` | `Option<Date>` (`date_opt`) | `Option<String>` `YYYY-MM-DD` |
//! | `IdList` | `Vec<i64>` (null reads as empty) | `Vec<i64>`, filled in by storage |
//! | `TextList` | `Vec<String>` (null reads as empty) | `Vec<String>`, filled in by storage |
//! | `DateList` | `Vec<Date>` (null reads as empty) | not stored (`= shown` only) |
//! | `Members` | `Vec<MembershipMember>` (null reads as empty) | the same, filled in by storage |
//! | `Changes` | `BTreeMap<String, FieldChange>` (null reads as empty) | `String`, the JSON text |
//!
//! A `Changes` field is parsed when the server shows the record (an unreadable
//! one is logged and shown empty), so `into_wire` leaves it empty.
//!
//! A field is a column of the kind's own table unless marked:
//!
//! | origin | on the wire | in the row | in `COLUMNS` |
//! |---|---|---|---|
//! | (none) | yes | yes | yes |
//! | `= joined`: the listing selects it under this name (a joined table's column, or one of its own renamed) | yes | yes | no |
//! | `= completed`: storage fills it in after the select (`Listing::complete`) | yes | yes, `#[sqlx(skip)]` | no |
//! | `= shown`: the server fills it in when it shows the record, from the request's place or the organization's date | yes | no | no |
//! | `= row`: a column the server needs to show the record but does not send | no | yes | yes |
//! | `= joined_row`: the same, selected by the listing under this name | no | yes | no |
//! | `= imported`: only in the import document (a column the listing does not read) | no | no | no |
//!
//! A kind `imported as ImportX` has an import shape (`docs/import.md`, no
//! unknown keys) of the fields marked `=> how`, in order: `required`,
//! `default` (absent: the type's default), `default_from("f")` (absent: `f()`),
//! `optional` (an `Option`, absent: none) or `omittable` (the same, and left
//! out when written). Its type is the wire type's without the `Option` of
//! stored kinds (`Instant` a `Timestamp`, `Date` a `Date`).
//!
//! A kind `written as FORM` is editable through the API: `FORM` is its
//! [`SubRecordForm`](super::SubRecordForm), the fields marked
//! `edit(spec("Label", kind))` in order, each named after its field, with the
//! spec's rules (`.required()`); `edit(spec(..), email)` also checks a value
//! that is not blank as an email address. The form's fields are the columns
//! a write sets.

/// Declares one sub-record kind; see the module's documentation.
macro_rules! sub_record {
    (
        $(#[$meta:meta])*
        pub struct $wire:ident, stored as $row:ident $(, imported as $import:ident)? $(, written as $form:ident)? {
            $(
                $(#[$fmeta:meta])*
                $field:ident : $kind:ident $(= $origin:ident)? $(=> $how:ident $(($arg:literal))?)?
                    $(edit($spec:expr $(, $check:ident)?))?
            ),* $(,)?
        }
    ) => {
        sub_record!(@wire [$(#[$meta])* $wire] [] $( [$(#[$fmeta])* $field $kind $($origin)?] )*);
        sub_record!(@row [$wire $row] [] [] $( [$field $kind $($origin)?] )*);
        sub_record!(@into_wire [$wire $row row] [] $( [$field $kind $($origin)?] )*);
        sub_record!(@import [$($import)?] [$wire] [] $( [$(#[$fmeta])* $field $kind $($how $(($arg))?)?] )*);
        sub_record!(@form [$($form)?] [$wire] [] [] $( [$field $(($spec) $($check)?)?] )*);
    };

    // The wire struct, one field at a time (each kind its serde attributes).
    (@wire [$(#[$meta:meta])* $wire:ident] [$($out:tt)*]) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(default)]
        pub struct $wire {
            pub id: i64,
            #[serde(deserialize_with = "crate::model::time::null_as_default")]
            pub url: String,
            $($out)*
        }
    };
    (@wire $head:tt $out:tt [$(#[$m:meta])* $f:ident $k:ident imported] $($rest:tt)*) => {
        sub_record!(@wire $head $out $($rest)*);
    };
    (@wire $head:tt $out:tt [$(#[$m:meta])* $f:ident $k:ident row] $($rest:tt)*) => {
        sub_record!(@wire $head $out $($rest)*);
    };
    (@wire $head:tt $out:tt [$(#[$m:meta])* $f:ident $k:ident joined_row] $($rest:tt)*) => {
        sub_record!(@wire $head $out $($rest)*);
    };
    (@wire $head:tt [$($out:tt)*] [$(#[$m:meta])* $f:ident Id $($o:ident)?] $($rest:tt)*) => {
        sub_record!(@wire $head [$($out)* $(#[$m])* pub $f: i64,] $($rest)*);
    };
    (@wire $head:tt [$($out:tt)*] [$(#[$m:meta])* $f:ident Text $($o:ident)?] $($rest:tt)*) => {
        sub_record!(@wire $head [$($out)* $(#[$m])*
            #[serde(deserialize_with = "crate::model::time::null_as_default")] pub $f: String,] $($rest)*);
    };
    (@wire $head:tt [$($out:tt)*] [$(#[$m:meta])* $f:ident Flag $($o:ident)?] $($rest:tt)*) => {
        sub_record!(@wire $head [$($out)* $(#[$m])*
            #[serde(deserialize_with = "crate::model::time::null_as_default")] pub $f: bool,] $($rest)*);
    };
    (@wire $head:tt [$($out:tt)*] [$(#[$m:meta])* $f:ident Count $($o:ident)?] $($rest:tt)*) => {
        sub_record!(@wire $head [$($out)* $(#[$m])*
            #[serde(deserialize_with = "crate::model::time::null_as_default")] pub $f: i64,] $($rest)*);
    };
    (@wire $head:tt [$($out:tt)*] [$(#[$m:meta])* $f:ident OptId $($o:ident)?] $($rest:tt)*) => {
        sub_record!(@wire $head [$($out)* $(#[$m])* pub $f: Option<i64>,] $($rest)*);
    };
    (@wire $head:tt [$($out:tt)*] [$(#[$m:meta])* $f:ident OptText $($o:ident)?] $($rest:tt)*) => {
        sub_record!(@wire $head [$($out)* $(#[$m])* pub $f: Option<String>,] $($rest)*);
    };
    (@wire $head:tt [$($out:tt)*] [$(#[$m:meta])* $f:ident Instant $($o:ident)?] $($rest:tt)*) => {
        sub_record!(@wire $head [$($out)* $(#[$m])*
            #[serde(with = "crate::model::time::timestamp_opt")] pub $f: Option<jiff::Timestamp>,] $($rest)*);
    };
    (@wire $head:tt [$($out:tt)*] [$(#[$m:meta])* $f:ident OptInstant $($o:ident)?] $($rest:tt)*) => {
        sub_record!(@wire $head [$($out)* $(#[$m])*
            #[serde(with = "crate::model::time::timestamp_opt")] pub $f: Option<jiff::Timestamp>,] $($rest)*);
    };
    (@wire $head:tt [$($out:tt)*] [$(#[$m:meta])* $f:ident Date $($o:ident)?] $($rest:tt)*) => {
        sub_record!(@wire $head [$($out)* $(#[$m])*
            #[serde(with = "crate::model::time::date_opt")] pub $f: Option<jiff::civil::Date>,] $($rest)*);
    };
    // The lists and the activity log's changes: null reads as empty.
    (@wire $head:tt [$($out:tt)*] [$(#[$m:meta])* $f:ident $k:ident $($o:ident)?] $($rest:tt)*) => {
        sub_record!(@wire $head [$($out)* $(#[$m])*
            #[serde(deserialize_with = "crate::model::time::null_as_default")] pub $f: sub_record!(@listed $k),]
            $($rest)*);
    };

    (@listed IdList) => { Vec<i64> };
    (@listed TextList) => { Vec<String> };
    (@listed DateList) => { Vec<jiff::civil::Date> };
    (@listed Members) => { Vec<crate::model::subrecords::MembershipMember> };
    (@listed Changes) => {
        std::collections::BTreeMap<String, crate::model::subrecords::FieldChange>
    };

    // The stored row and its own columns: the fields that are stored, and of
    // those the unjoined ones are columns.
    (@row [$wire:ident $row:ident] [$($fields:tt)*] [$($columns:tt)*]) => {
        #[doc = concat!("A stored [`", stringify!($wire), "`], as storage selects it.")]
        #[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
        pub struct $row {
            pub id: i64,
            $($fields)*
        }

        impl $row {
            /// The columns of the kind's own table that a listing reads, `id` first.
            pub const COLUMNS: &'static [&'static str] = &["id", $($columns)*];
        }
    };
    (@row $head:tt $fields:tt $columns:tt [$f:ident $k:ident shown] $($rest:tt)*) => {
        sub_record!(@row $head $fields $columns $($rest)*);
    };
    (@row $head:tt $fields:tt $columns:tt [$f:ident $k:ident imported] $($rest:tt)*) => {
        sub_record!(@row $head $fields $columns $($rest)*);
    };
    // A flag is kept as an integer 0/1 (PostgreSQL reads no BIGINT as a bool).
    (@row $head:tt [$($fields:tt)*] $columns:tt [$f:ident Flag joined] $($rest:tt)*) => {
        sub_record!(@row $head [$($fields)* #[sqlx(try_from = "crate::model::subrecords::IntFlag")] pub $f: bool,] $columns $($rest)*);
    };
    (@row $head:tt [$($fields:tt)*] [$($columns:tt)*] [$f:ident Flag] $($rest:tt)*) => {
        sub_record!(@row $head [$($fields)* #[sqlx(try_from = "crate::model::subrecords::IntFlag")] pub $f: bool,] [$($columns)* stringify!($f),] $($rest)*);
    };
    (@row $head:tt [$($fields:tt)*] $columns:tt [$f:ident $k:ident joined] $($rest:tt)*) => {
        sub_record!(@row $head [$($fields)* pub $f: sub_record!(@stored $k),] $columns $($rest)*);
    };
    (@row $head:tt [$($fields:tt)*] $columns:tt [$f:ident $k:ident joined_row] $($rest:tt)*) => {
        sub_record!(@row $head [$($fields)* pub $f: sub_record!(@stored $k),] $columns $($rest)*);
    };
    (@row $head:tt [$($fields:tt)*] $columns:tt [$f:ident $k:ident completed] $($rest:tt)*) => {
        sub_record!(@row $head [$($fields)* #[sqlx(skip)] pub $f: sub_record!(@stored $k),] $columns $($rest)*);
    };
    (@row $head:tt [$($fields:tt)*] [$($columns:tt)*] [$f:ident $k:ident $(row)?] $($rest:tt)*) => {
        sub_record!(@row $head [$($fields)* pub $f: sub_record!(@stored $k),] [$($columns)* stringify!($f),] $($rest)*);
    };

    (@stored Id) => { i64 };
    (@stored Text) => { String };
    (@stored Flag) => { bool };
    (@stored Count) => { i64 };
    (@stored OptId) => { Option<i64> };
    (@stored OptText) => { Option<String> };
    (@stored Instant) => { i64 };
    (@stored OptInstant) => { Option<i64> };
    (@stored Date) => { Option<String> };
    (@stored IdList) => { Vec<i64> };
    (@stored TextList) => { Vec<String> };
    (@stored Members) => { Vec<crate::model::subrecords::MembershipMember> };
    (@stored Changes) => { String };

    // The row-to-wire mapping, one wire field at a time.
    (@into_wire [$wire:ident $row:ident $r:ident] [$($out:tt)*]) => {
        impl $row {
            /// The stored row in its wire shape, served at `url`; fields
            /// marked `shown` and `Changes` are left at their default for the server.
            pub fn into_wire(self, url: String) -> $wire {
                let $r = self;
                $wire { id: $r.id, url, $($out)* }
            }
        }
    };
    (@into_wire $head:tt $out:tt [$f:ident $k:ident imported] $($rest:tt)*) => {
        sub_record!(@into_wire $head $out $($rest)*);
    };
    (@into_wire $head:tt $out:tt [$f:ident $k:ident row] $($rest:tt)*) => {
        sub_record!(@into_wire $head $out $($rest)*);
    };
    (@into_wire $head:tt $out:tt [$f:ident $k:ident joined_row] $($rest:tt)*) => {
        sub_record!(@into_wire $head $out $($rest)*);
    };
    (@into_wire [$w:ident $rw:ident $r:ident] [$($out:tt)*] [$f:ident $k:ident shown] $($rest:tt)*) => {
        sub_record!(@into_wire [$w $rw $r] [$($out)* $f: Default::default(),] $($rest)*);
    };
    (@into_wire [$w:ident $rw:ident $r:ident] [$($out:tt)*] [$f:ident Changes $($o:ident)?] $($rest:tt)*) => {
        sub_record!(@into_wire [$w $rw $r] [$($out)* $f: Default::default(),] $($rest)*);
    };
    (@into_wire [$w:ident $rw:ident $r:ident] [$($out:tt)*] [$f:ident Instant $($o:ident)?] $($rest:tt)*) => {
        sub_record!(@into_wire [$w $rw $r] [$($out)* $f: Some(crate::model::time::from_micros($r.$f)),] $($rest)*);
    };
    (@into_wire [$w:ident $rw:ident $r:ident] [$($out:tt)*] [$f:ident OptInstant $($o:ident)?] $($rest:tt)*) => {
        sub_record!(@into_wire [$w $rw $r] [$($out)* $f: $r.$f.map(crate::model::time::from_micros),] $($rest)*);
    };
    (@into_wire [$w:ident $rw:ident $r:ident] [$($out:tt)*] [$f:ident Date $($o:ident)?] $($rest:tt)*) => {
        sub_record!(@into_wire [$w $rw $r] [$($out)* $f: $r.$f.as_deref().and_then(|t| t.parse().ok()),] $($rest)*);
    };
    (@into_wire [$w:ident $rw:ident $r:ident] [$($out:tt)*] [$f:ident $k:ident $($o:ident)?] $($rest:tt)*) => {
        sub_record!(@into_wire [$w $rw $r] [$($out)* $f: $r.$f,] $($rest)*);
    };

    // The import shape: the fields that say how they are imported.
    (@import [] $($rest:tt)*) => {};
    (@import [$import:ident] [$wire:ident] [$($out:tt)*]) => {
        #[doc = concat!("A [`", stringify!($wire), "`] in an import document (`docs/import.md`).")]
        #[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $import {
            $($out)*
        }
    };
    (@import $name:tt $wire:tt $out:tt [$(#[$m:meta])* $f:ident $k:ident] $($rest:tt)*) => {
        sub_record!(@import $name $wire $out $($rest)*);
    };
    (@import $name:tt $wire:tt [$($out:tt)*] [$(#[$m:meta])* $f:ident $k:ident required] $($rest:tt)*) => {
        sub_record!(@import $name $wire [$($out)* $(#[$m])* pub $f: sub_record!(@imported $k),] $($rest)*);
    };
    (@import $name:tt $wire:tt [$($out:tt)*] [$(#[$m:meta])* $f:ident $k:ident default] $($rest:tt)*) => {
        sub_record!(@import $name $wire [$($out)* $(#[$m])* #[serde(default)] pub $f: sub_record!(@imported $k),]
            $($rest)*);
    };
    (@import $name:tt $wire:tt [$($out:tt)*] [$(#[$m:meta])* $f:ident $k:ident default_from($d:literal)] $($rest:tt)*) => {
        sub_record!(@import $name $wire [$($out)* $(#[$m])* #[serde(default = $d)] pub $f: sub_record!(@imported $k),]
            $($rest)*);
    };
    (@import $name:tt $wire:tt [$($out:tt)*] [$(#[$m:meta])* $f:ident $k:ident optional] $($rest:tt)*) => {
        sub_record!(@import $name $wire [$($out)* $(#[$m])* #[serde(default)]
            pub $f: Option<sub_record!(@imported $k)>,] $($rest)*);
    };
    (@import $name:tt $wire:tt [$($out:tt)*] [$(#[$m:meta])* $f:ident $k:ident omittable] $($rest:tt)*) => {
        sub_record!(@import $name $wire [$($out)* $(#[$m])* #[serde(default, skip_serializing_if = "Option::is_none")]
            pub $f: Option<sub_record!(@imported $k)>,] $($rest)*);
    };

    // The write form: the fields marked `edit(..)`, in order.
    (@form [] $($rest:tt)*) => {};
    (@form [$form:ident] [$wire:ident] [$($fields:tt)*] [$($emails:tt)*]) => {
        #[doc = concat!("The writable fields of [`", stringify!($wire), "`], and their rules.")]
        pub const $form: crate::model::subrecords::SubRecordForm = crate::model::subrecords::SubRecordForm {
            fields: &[$($fields)*],
            email_fields: &[$($emails)*],
        };
    };
    (@form $form:tt $wire:tt $fields:tt $emails:tt [$f:ident] $($rest:tt)*) => {
        sub_record!(@form $form $wire $fields $emails $($rest)*);
    };
    (@form $form:tt $wire:tt [$($fields:tt)*] $emails:tt [$f:ident ($spec:expr)] $($rest:tt)*) => {
        sub_record!(@form $form $wire [$($fields)* $spec.named(stringify!($f)),] $emails $($rest)*);
    };
    (@form $form:tt $wire:tt [$($fields:tt)*] [$($emails:tt)*] [$f:ident ($spec:expr) email] $($rest:tt)*) => {
        sub_record!(@form $form $wire [$($fields)* $spec.named(stringify!($f)),] [$($emails)* stringify!($f),]
            $($rest)*);
    };

    (@imported Id) => { i64 };
    (@imported Text) => { String };
    (@imported Flag) => { bool };
    (@imported Count) => { i64 };
    (@imported OptId) => { i64 };
    (@imported OptText) => { String };
    (@imported Instant) => { jiff::Timestamp };
    (@imported OptInstant) => { jiff::Timestamp };
    (@imported Date) => { jiff::civil::Date };
}

pub(crate) use sub_record;

/// A stored flag: both schemas keep booleans as a 64-bit integer, 0 or 1.
/// Row structs read a `bool` through it (`#[sqlx(try_from = "IntFlag")]`),
/// because PostgreSQL reads no `BIGINT` as a `bool` (SQLite would). It also
/// reads what PostgreSQL answers for a computed flag: an `EXISTS (...)`
/// (a `BOOL`) or a cast one (an `INT4`).
#[derive(Debug, Clone, Copy)]
pub struct IntFlag(i64);

impl sqlx::Type<sqlx::Sqlite> for IntFlag {
    fn type_info() -> sqlx::sqlite::SqliteTypeInfo {
        <i64 as sqlx::Type<sqlx::Sqlite>>::type_info()
    }

    fn compatible(ty: &sqlx::sqlite::SqliteTypeInfo) -> bool {
        <i64 as sqlx::Type<sqlx::Sqlite>>::compatible(ty) || <bool as sqlx::Type<sqlx::Sqlite>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Sqlite> for IntFlag {
    fn decode(value: sqlx::sqlite::SqliteValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        Ok(IntFlag(<i64 as sqlx::Decode<sqlx::Sqlite>>::decode(value)?))
    }
}

impl sqlx::Type<sqlx::Postgres> for IntFlag {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <i64 as sqlx::Type<sqlx::Postgres>>::type_info()
    }

    fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
        <i64 as sqlx::Type<sqlx::Postgres>>::compatible(ty)
            || <i32 as sqlx::Type<sqlx::Postgres>>::compatible(ty)
            || <bool as sqlx::Type<sqlx::Postgres>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Postgres> for IntFlag {
    fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        use sqlx::{Decode, Type, ValueRef};
        let ty = value.type_info().into_owned();
        if <bool as Type<sqlx::Postgres>>::compatible(&ty) {
            return Ok(IntFlag(i64::from(<bool as Decode<sqlx::Postgres>>::decode(value)?)));
        }
        if <i32 as Type<sqlx::Postgres>>::compatible(&ty) {
            return Ok(IntFlag(i64::from(<i32 as Decode<sqlx::Postgres>>::decode(value)?)));
        }
        Ok(IntFlag(<i64 as Decode<sqlx::Postgres>>::decode(value)?))
    }
}

impl From<IntFlag> for bool {
    fn from(flag: IntFlag) -> bool {
        flag.0 != 0
    }
}
