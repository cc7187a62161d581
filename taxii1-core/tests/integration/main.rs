//! Integration tests for taxii1-core: one binary, one module per concern.

// Test harness code: reading fixtures from disk and failing loudly are the point here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::disallowed_methods,
    clippy::disallowed_types
)]

mod capture;
mod captures;
mod corpus;
mod envelope;
mod roundtrip;
mod stream;
