//! Shared glue for the example command-line clients.

pub mod cli;
pub mod exchange;
pub mod misp_http;
pub mod mount;
pub mod taxii_server;
pub mod transport;
