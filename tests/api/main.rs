//! The API server over HTTP: a real server on a loopback port with a
//! temporary database, one module per area.

#[path = "../support/mod.rs"]
mod support;

mod activity_log;
mod collections;
mod isolation;
mod relations;
mod smoke;
mod subcollections;
