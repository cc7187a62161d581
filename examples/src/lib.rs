//! Shared glue for the example command-line clients.

pub mod misp_http;
pub mod mount;
pub mod transport;
pub mod taxii_server;
