//! The API server over HTTP: a real server on a loopback port with a
//! temporary database, one module per area.

#[path = "../support/mod.rs"]
mod support;

mod auth;
mod automatic_fields;
mod customers;
mod filters;
mod import;
mod paging;
mod smoke;
mod validation;
