//! Shared glue for the example command-line clients.
