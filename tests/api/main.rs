//! The API server over HTTP: a real server on a loopback port with a
//! temporary database, one module per area.

#[path = "../support/mod.rs"]
mod support;

mod check_in;
mod check_ins_list;
mod smoke;
