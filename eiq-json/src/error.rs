//! The crate's error type.

use std::fmt;

/// Everything that can go wrong reading or writing EclecticIQ JSON.
///
/// Variants name what went wrong and where: JSON paths are written like
/// `entities[3].meta.tlp_color`, positions are serde_json's 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is not valid JSON, or a member has the wrong shape or value.
    ///
    /// Inside an entity's `data` the position is where the parser stood when the body was
    /// checked (the end of that `data` object); the path still names the member.
    #[error("invalid EclecticIQ JSON at `{path}` (line {line}, column {column}): {message}")]
    Json {
        /// JSON path of the offending member (`.` for the document itself).
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong, in serde's words.
        message: String,
    },
    /// A package's `content-type` is not `urn:eclecticiq.com:json:1.0` or `:2.0`.
    #[error(
        "unsupported content type `{found}` at `content-type`, expected \
         urn:eclecticiq.com:json:1.0 or urn:eclecticiq.com:json:2.0"
    )]
    UnsupportedContentType {
        /// The value found.
        found: String,
    },
    /// The document is a JSON object but neither a package, an entity nor a wrapped entity.
    #[error(
        "not an EclecticIQ JSON document: expected a package (`content-type`, `entities`), \
         an entity (`id`, `data`) or a wrapped entity (`data`)"
    )]
    UnrecognizedDocument,
    /// The input is larger than the size limit (checked before parsing).
    #[error(transparent)]
    TooLarge(#[from] taxii1_core::size::TooLarge),
    /// A count limit from [`crate::Limits`] was exceeded.
    #[error("{limit} limit of {max} exceeded at `{path}`: found {found}")]
    LimitExceeded {
        /// Which limit.
        limit: LimitKind,
        /// JSON path of the list that is too long.
        path: String,
        /// How many items there are.
        found: usize,
        /// The limit.
        max: usize,
    },
    /// A TAXII content block's binding is not EclecticIQ JSON.
    #[error(
        "content block has binding `{found}`, expected urn:eclecticiq.com:json:1.0 or \
         urn:eclecticiq.com:json:2.0"
    )]
    UnexpectedBinding {
        /// The binding id found.
        found: String,
    },
    /// A TAXII content block with an EclecticIQ JSON binding carries XML instead of text.
    #[error("content block with binding `{binding}` carries XML, expected JSON text")]
    XmlContent {
        /// The binding id of the block.
        binding: String,
    },
    /// Writing JSON failed (serde_json's message).
    #[error("cannot write EclecticIQ JSON: {0}")]
    Write(String),
}

/// Which count limit was exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LimitKind {
    /// Entities in a package (`entities` plus `entities_v2`).
    Entities,
    /// Extracts of one entity (`extracts` plus `enrichment_extracts`).
    ExtractsPerEntity,
}

impl fmt::Display for LimitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Entities => "entity count",
            Self::ExtractsPerEntity => "extracts per entity",
        })
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
