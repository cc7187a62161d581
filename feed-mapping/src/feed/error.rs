//! The one error type of the `feed` module: every problem names the file, the line and column,
//! and the field (as a path such as `outgoing[0].taxii.version`). Secret values never appear.

use std::fmt;

use taxii1_core::size::HARD_MAX_BLOB_SIZE;

use super::mount_policy::PathRefusal;

/// Where in a feed file a problem sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The name the caller gave the text (usually its file name, e.g. `alice.toml`).
    pub source_name: String,
    /// The field, as a path such as `incoming[1].taxii.collection_name` (empty for the whole file).
    pub path: String,
    /// 1-based line of the field (or of its closest enclosing table when the field is missing).
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.source_name, self.line, self.column)?;
        if !self.path.is_empty() {
            write!(f, ": `{}`", self.path)?;
        }
        Ok(())
    }
}

/// Everything that can go wrong while loading or checking feed definitions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text is larger than [`ConfigLimits::max_text_bytes`](super::ConfigLimits::max_text_bytes).
    #[error("{source_name}: feed file of {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge {
        /// The name of the text.
        source_name: String,
        /// Its size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The file name does not say whether the text is TOML or JSON.
    #[error("{source_name}: unknown feed file format; use a `.toml` or `.json` file name")]
    UnknownFormat {
        /// The name of the text.
        source_name: String,
    },
    /// The text is not valid TOML/JSON, or a field has the wrong type, is unknown or is missing.
    #[error("{at}: {message}")]
    Syntax {
        /// Where the parser stopped.
        at: Box<Location>,
        /// The parser's description (never a secret value).
        message: String,
    },
    /// A field holds a value that is not one of the accepted ones (transport, content type,
    /// TAXII version, update strategy, schedule, URL, path).
    #[error("{at}: invalid value {found:?}; expected {expected}")]
    InvalidValue {
        /// The field.
        at: Box<Location>,
        /// The value found.
        found: String,
        /// What is accepted, e.g. the list of transports.
        expected: String,
    },
    /// A field that the feed's transport needs is missing.
    #[error("{at}: missing `{field}`: {reason}")]
    MissingField {
        /// The table that should hold the field.
        at: Box<Location>,
        /// The missing field.
        field: &'static str,
        /// Why it is needed.
        reason: &'static str,
    },
    /// A package size limit above the 100 MiB hard cap.
    #[error(
        "{at}: size limit of {requested} bytes is above the hard cap of {HARD_MAX_BLOB_SIZE} bytes"
    )]
    SizeAboveCap {
        /// The limit field.
        at: Box<Location>,
        /// The requested limit in bytes.
        requested: u64,
    },
    /// Two feeds (incoming or outgoing) share a name.
    #[error("{at}: feed name {name:?} is already used by `{first_path}` on line {first_line}")]
    DuplicateFeedName {
        /// The second use of the name.
        at: Box<Location>,
        /// The name.
        name: String,
        /// Path of the first feed with that name.
        first_path: String,
        /// Line of the first feed with that name.
        first_line: usize,
    },
    /// A feed has a settings table its transport does not use (e.g. `misp` on a TAXII feed).
    #[error(
        "{at}: the `{section}` table is not used by transport `{transport}`; remove it or change the transport"
    )]
    UnusedSection {
        /// The unused table.
        at: Box<Location>,
        /// Its name.
        section: &'static str,
        /// The feed's transport.
        transport: &'static str,
    },
    /// A secret field is not written as `{ env = "VARIABLE" }` or `{ value = "..." }`.
    #[error("{at}: {problem} (the value is not shown)")]
    InvalidSecret {
        /// The secret field.
        at: Box<Location>,
        /// What is wrong with its shape.
        problem: &'static str,
    },
    /// A secret names an environment variable that the resolver does not know.
    #[error("{at}: secret variable `{variable}` is not set")]
    MissingSecret {
        /// The secret field.
        at: Box<Location>,
        /// The variable name (a name, never a value).
        variable: String,
    },
    /// The file has more feeds than [`ConfigLimits::max_feeds`](super::ConfigLimits::max_feeds).
    #[error("{at}: {count} feeds exceed the limit of {limit}")]
    TooManyFeeds {
        /// The file.
        at: Box<Location>,
        /// The number of feeds found.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A mount-point path or allowlist entry is refused by the mount-point policy.
    #[error("{at}: {refusal}")]
    MountPathRefused {
        /// The path field.
        at: Box<Location>,
        /// Why the path is refused.
        refusal: Box<PathRefusal>,
    },
}

impl Error {
    /// The location in the feed file, when the error has one.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Self::TooLarge { .. } | Self::UnknownFormat { .. } => None,
            Self::Syntax { at, .. }
            | Self::InvalidValue { at, .. }
            | Self::MissingField { at, .. }
            | Self::SizeAboveCap { at, .. }
            | Self::DuplicateFeedName { at, .. }
            | Self::UnusedSection { at, .. }
            | Self::InvalidSecret { at, .. }
            | Self::MissingSecret { at, .. }
            | Self::TooManyFeeds { at, .. }
            | Self::MountPathRefused { at, .. } => Some(at),
        }
    }
}

/// The result type of the `feed` module.
pub type Result<T> = std::result::Result<T, Error>;
