//! Customers: reading them with every Automatic field, listing with filters,
//! and writing them with the rules that need the database.
//!
//! A customer's columns come from the one declaration of its fields
//! (`model::customer::customer_fields!`), expanded here by [`columns`]: the
//! read mapping (row -> `Customer`), the write mapping and the search text.
//! Records come back with their links unresolved and photo file names (the
//! server makes the URLs).

mod columns;
mod list;
mod read;
mod write;

pub use self::list::list;
pub use self::read::{custom_fields, exists, get, get_many, id_by_barcode, ids_after, load_related};
pub(crate) use self::write::stored_value;
pub use self::write::{
    WriteContext, check_against_db, create, refresh_summary, set_profile_image, sort_key, update, written_columns,
    written_values,
};
