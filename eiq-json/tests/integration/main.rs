//! Integration tests of eiq-json: corpus round trips, error paths, graph scenarios, TAXII
//! content blocks and property-based round trips.
//!
//! Third-party data is read from `../shared` beside the workspace; when it is absent the test
//! that needs it prints why and returns.

// Tests read files and may unwrap: the library's Sans-IO and no-panic rules do not apply.
#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod corpus;
mod errors;
mod graph;
mod roundtrip;
mod scenarios;
mod taxii;

use std::path::PathBuf;

/// The project's own test vectors.
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// The shared corpus beside the workspace, if present.
pub fn shared_eiq_corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/eiq");
    dir.is_dir().then_some(dir)
}

/// Reads one of the project's vectors.
pub fn vector(name: &str) -> Vec<u8> {
    std::fs::read(data_dir().join(name)).unwrap()
}
