//! The crate's one error type.

use crate::wire::{JsonPath, excerpt, kind_of};
use serde_json::Value;
use taxii1_core::size::TooLarge;

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when reading MISP JSON, a feed, or a MISP server's answer.
///
/// Variants name what went wrong and where: `path` is a JSON path such as
/// `Event.Attribute[3].distribution` (empty for the document root).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is not well-formed JSON.
    #[error("malformed JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// serde_json's description.
        message: String,
    },
    /// A JSON value has the wrong JSON type.
    #[error("expected {expected} at {}, found {found}", at(.path))]
    WrongType {
        /// Where.
        path: String,
        /// What was expected, e.g. "a string".
        expected: &'static str,
        /// The JSON kind found, e.g. "number".
        found: &'static str,
    },
    /// A JSON value has the right type but a value outside what MISP allows.
    #[error("invalid value `{value}` at {}: expected {expected}", at(.path))]
    InvalidValue {
        /// Where.
        path: String,
        /// The offending value (truncated to 64 characters).
        value: String,
        /// What is allowed.
        expected: &'static str,
    },
    /// A field MISP requires is missing.
    #[error("missing required field `{field}` at {}", at(.path))]
    MissingField {
        /// The object that lacks the field.
        path: String,
        /// The missing key.
        field: &'static str,
    },
    /// The document is none of the top-level forms MISP uses.
    #[error("unrecognised MISP document at {}: {reason}", at(.path))]
    UnrecognisedDocument {
        /// Where.
        path: String,
        /// Why it was not recognised.
        reason: &'static str,
    },
    /// The input is larger than the configured size limit.
    #[error("input too large: {0}")]
    TooLarge(#[from] TooLarge),
    /// A configured count limit was exceeded.
    #[error("limit exceeded: more than {limit} {what}")]
    LimitExceeded {
        /// What was counted (e.g. "events").
        what: &'static str,
        /// The configured maximum.
        limit: usize,
    },
    /// A feed file (manifest, hashes.csv, event) is malformed.
    #[error("feed file `{file}`: {problem}")]
    Feed {
        /// Which file (e.g. `hashes.csv`).
        file: String,
        /// What is wrong, with the line number for CSV.
        problem: String,
    },
    /// An event cannot be written to a feed (e.g. it has no UUID to name its file).
    #[error("event {index} cannot be written to a feed: {reason}")]
    NotFeedable {
        /// Position of the event in the input.
        index: usize,
        /// Why.
        reason: &'static str,
    },
    /// A request could not be built (e.g. the base URL and path do not form a valid URI).
    #[error("cannot build request: {0}")]
    Request(String),
    /// The MISP server answered with an error; see [`crate::rest::ApiError`].
    #[error("MISP server error: {0}")]
    Api(Box<crate::rest::ApiError>),
}

/// A path for messages: `` `Event.info` `` or "the document root".
fn at(path: &str) -> String {
    if path.is_empty() {
        "the document root".to_owned()
    } else {
        format!("`{path}`")
    }
}

impl Error {
    /// A wrong-JSON-type error at `path`.
    pub(crate) fn wrong_type(path: &JsonPath<'_>, expected: &'static str, found: &Value) -> Self {
        Self::WrongType {
            path: path.render(),
            expected,
            found: kind_of(found),
        }
    }

    /// An invalid-value error at `path`.
    pub(crate) fn invalid(path: &JsonPath<'_>, value: &Value, expected: &'static str) -> Self {
        Self::InvalidValue {
            path: path.render(),
            value: excerpt(value),
            expected,
        }
    }

    /// Converts a serde_json syntax error, keeping its line and column.
    pub(crate) fn from_json(err: &serde_json::Error) -> Self {
        Self::Json {
            line: err.line(),
            column: err.column(),
            message: err.to_string(),
        }
    }

    /// The JSON path the error points at, when it has one.
    pub fn path(&self) -> Option<&str> {
        match self {
            Self::WrongType { path, .. }
            | Self::InvalidValue { path, .. }
            | Self::MissingField { path, .. }
            | Self::UnrecognisedDocument { path, .. } => Some(path),
            _ => None,
        }
    }
}
