//! Integration tests for taxii1-core: one binary, one module per concern.

mod corpus;
mod roundtrip;
