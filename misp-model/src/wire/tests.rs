//! Tests of the wire helpers.
