//! Parts every message shares: the message id, extended headers and the optional signature.

use std::fmt;

use super::Content;
use crate::error::{Error, Result};

/// A message id (`@message_id`, `@in_response_to`).
///
/// TAXII 1.1 allows any non-empty URI; TAXII 1.0 requires decimal digits, which the writer
/// checks. The library never invents ids: callers pass them in, so output is deterministic.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MessageId(String);

impl MessageId {
    /// An id from its text.
    ///
    /// # Errors
    /// [`Error::InvalidField`] when `id` is empty.
    pub fn new(id: impl Into<String>) -> Result<Self> {
        let id = id.into();
        if id.is_empty() {
            return Err(Error::InvalidField {
                field: "message_id",
                reason: "empty".into(),
            });
        }
        Ok(Self(id))
    }

    /// A numeric id, valid in both versions.
    pub fn from_u64(id: u64) -> Self {
        Self(id.to_string())
    }

    /// The id's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the id is only decimal digits (required by TAXII 1.0).
    pub fn is_numeric(&self) -> bool {
        !self.0.is_empty() && self.0.bytes().all(|b| b.is_ascii_digit())
    }
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One `Extended_Header`: a named value, text or XML, that the specs do not define.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExtendedHeader {
    /// The header's name (`@name`, a URI).
    pub name: String,
    /// The value, kept as received.
    pub value: Content,
}

impl ExtendedHeader {
    /// A header with a value.
    pub fn new(name: impl Into<String>, value: Content) -> Self {
        Self {
            name: name.into(),
            value,
        }
    }
}

/// An XML signature over a message or content block: the inside of its `ds:Signature`
/// element, kept as received (the codec carries it and does not verify it).
pub type Signature = Content;
