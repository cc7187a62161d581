//! proptest strategies for the message model (feature `proptest`).
