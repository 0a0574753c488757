//! The API server over HTTP: a real server on a loopback port with a
//! temporary database, one module per area.
// Test code: a failed expectation is the test (or benchmark run) failing, said with unwrap, expect or panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)]

#[path = "../support/mod.rs"]
mod support;

mod activity_log;
mod auth;
mod automatic_fields;
mod check_in;
mod check_ins_list;
mod client;
mod collections;
mod customer_index;
mod customer_list;
mod customers;
mod demo;
mod duplicates;
mod export;
mod family;
mod filters;
mod import;
mod import_cli;
mod import_incremental;
mod isolation;
mod limits;
mod manager_pin;
mod media_store;
mod multi_server;
mod openapi;
mod operations;
mod r#override;
mod paging;
mod photos;
mod pin_login;
mod power_cut;
mod relations;
mod reservations;
mod smoke;
mod subcollections;
mod terms;
mod tokens;
mod validation;
