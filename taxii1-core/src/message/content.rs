//! Content blocks: the payload TAXII carries, kept exactly as received.

use bytes::Bytes;

use crate::error::{Error, Result};
use crate::timestamp::Timestamp;
use crate::vocab::ContentBindingId;

/// A content binding: the payload format and, optionally, subtypes of it.
///
/// In TAXII 1.1 it is `Content_Binding/@binding_id` with `Subtype/@subtype_id` children; in
/// TAXII 1.0 it is the element's text and subtypes cannot be expressed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ContentBinding {
    /// The format identifier.
    pub binding_id: ContentBindingId,
    /// Subtype identifiers (1.1 only). A content block carries at most one.
    pub subtypes: Vec<String>,
}

impl ContentBinding {
    /// A binding without subtypes.
    pub fn new(binding_id: impl Into<ContentBindingId>) -> Self {
        Self {
            binding_id: binding_id.into(),
            subtypes: Vec::new(),
        }
    }

    /// Adds a subtype.
    #[must_use]
    pub fn with_subtype(mut self, subtype: impl Into<String>) -> Self {
        self.subtypes.push(subtype.into());
        self
    }
}

impl From<ContentBindingId> for ContentBinding {
    fn from(binding_id: ContentBindingId) -> Self {
        Self::new(binding_id)
    }
}

/// Whether a payload was XML element children or text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentKind {
    /// Element children (for example a STIX package), written without escaping.
    Xml,
    /// Character data (for example EclecticIQ JSON), escaped when written.
    Text,
}

/// The payload of a content block.
///
/// The bytes are always UTF-8. For [`ContentKind::Xml`] they are a standalone, well-formed XML
/// fragment: namespace prefixes that the fragment used but that were declared on a TAXII ancestor
/// are declared again on the fragment's top-level elements, so it can be stored or parsed on its
/// own. For [`ContentKind::Text`] they are the decoded text (entity references and CDATA
/// resolved), whitespace kept. When parsed from a [`Bytes`] input without any rewriting needed,
/// the bytes share the input's buffer instead of being copied.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Content {
    kind: ContentKind,
    bytes: Bytes,
}

impl Content {
    /// Text content, such as an EclecticIQ JSON package.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            kind: ContentKind::Text,
            bytes: Bytes::from(text.into()),
        }
    }

    /// Text content from bytes that must be UTF-8.
    ///
    /// # Errors
    /// [`Error::InvalidField`] when the bytes are not UTF-8.
    pub fn text_from_bytes(bytes: Bytes) -> Result<Self> {
        match std::str::from_utf8(&bytes) {
            Ok(_) => Ok(Self {
                kind: ContentKind::Text,
                bytes,
            }),
            Err(e) => Err(Error::InvalidField {
                field: "Content",
                reason: e.to_string(),
            }),
        }
    }

    /// XML content from a standalone fragment (one or more elements, optional surrounding
    /// whitespace or text).
    ///
    /// # Errors
    /// [`Error::InvalidField`] when the fragment is not well-formed on its own (including
    /// undeclared namespace prefixes, DOCTYPEs and non-predefined entity references).
    pub fn xml(fragment: impl Into<Bytes>) -> Result<Self> {
        let bytes = fragment.into();
        crate::xml::check_fragment(&bytes).map_err(|reason| Error::InvalidField {
            field: "Content",
            reason,
        })?;
        Ok(Self {
            kind: ContentKind::Xml,
            bytes,
        })
    }

    /// Content whose invariants the reader has already established.
    pub(crate) fn from_parts_unchecked(kind: ContentKind, bytes: Bytes) -> Self {
        Self { kind, bytes }
    }

    /// XML children or text.
    pub fn kind(&self) -> ContentKind {
        self.kind
    }

    /// The payload bytes (UTF-8).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The payload as a string slice.
    pub fn as_str(&self) -> &str {
        // The constructors and the reader only ever store UTF-8.
        std::str::from_utf8(&self.bytes).unwrap_or_default()
    }

    /// The shared payload buffer (a cheap clone).
    pub fn bytes(&self) -> Bytes {
        self.bytes.clone()
    }

    /// Takes the payload buffer.
    pub fn into_bytes(self) -> Bytes {
        self.bytes
    }
}

/// One `Content_Block`: a payload with its binding and optional label.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ContentBlock {
    /// The payload format (`Content_Binding`).
    pub content_binding: ContentBinding,
    /// The payload (`Content`).
    pub content: Content,
    /// When the producer labelled the content (`Timestamp_Label`).
    pub timestamp_label: Option<Timestamp>,
    /// A human-readable message about the block (`Message`, 1.1 only).
    pub message: Option<String>,
    /// Padding for traffic analysis resistance (`Padding`).
    pub padding: Option<String>,
    /// An XML signature over the block (the inside of `ds:Signature`).
    pub signature: Option<crate::message::Signature>,
}

impl ContentBlock {
    /// A block with a binding and payload and no optional fields.
    pub fn new(content_binding: impl Into<ContentBinding>, content: Content) -> Self {
        Self {
            content_binding: content_binding.into(),
            content,
            timestamp_label: None,
            message: None,
            padding: None,
            signature: None,
        }
    }

    /// Sets the timestamp label.
    #[must_use]
    pub fn with_timestamp_label(mut self, timestamp: Timestamp) -> Self {
        self.timestamp_label = Some(timestamp);
        self
    }

    /// Sets the message (1.1 only).
    #[must_use]
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Sets the padding.
    #[must_use]
    pub fn with_padding(mut self, padding: impl Into<String>) -> Self {
        self.padding = Some(padding.into());
        self
    }
}
