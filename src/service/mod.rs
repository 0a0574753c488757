//! Services: what one request does across the database and the files beside
//! it, in the one order that keeps them consistent. Callers (the API, the
//! demo) say what to change; storage runs the SQL; services own the order.

pub mod customers;
