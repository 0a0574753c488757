//! frontdesk: a keyboard-driven front desk for climbing gyms, and a faithful
//! implementation of the Capitan Customers API that it talks to.
//!
//! The crate has two halves that share [`model`] (the API's shapes and
//! validation rules): the server ([`server`], backed by [`storage`]) and the
//! terminal app ([`tui`], talking HTTP through [`client`]).

// No unsafe code in what ships (a few tests and benchmarks call libc, each
// allowing it where it does).
#![forbid(unsafe_code)]

pub mod admin;
pub mod cli;
pub mod client;
pub mod config;
pub mod demo;
pub mod desk;
pub mod fs_atomic;
pub mod import;
pub mod model;
pub mod photo;
pub mod runtime;
pub mod server;
pub mod service;
pub mod storage;
pub mod tui;
