//! The API model shared by the server and the client: the wire shapes of
//! Capitan's resources, and the validation rules for what a client may write.
//!
//! Read shapes deserialize leniently (missing keys and nulls become defaults) so
//! that the client copes with the real service; the server always fills them.

pub mod check_in;
pub mod check_in_preview;
pub mod check_in_rules;
pub mod customer;
pub mod customer_write;
pub mod duplicates;
pub mod fields;
pub mod filters;
pub mod gender;
pub mod paging;
pub mod pin;
pub mod subrecords;
pub mod terms;
pub mod time;
pub mod validation;

pub use customer::{CustomFieldValue, Customer, Gender};
pub use paging::Page;
pub use validation::FieldErrors;
