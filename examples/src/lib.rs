//! Shared glue for the example command-line clients.

pub mod mount;
