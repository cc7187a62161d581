//! Property: arbitrary messages round-trip through write and parse unchanged.
