//! The crate's error type.

use crate::message::MessageKind;
use crate::version::Version;

/// Which configured limit an input exceeded; see [`crate::Limits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LimitKind {
    /// The whole message is larger than [`crate::Limits::max_message_bytes`].
    MessageBytes,
    /// Elements nest deeper than [`crate::Limits::max_depth`].
    Depth,
    /// An element has more attributes than [`crate::Limits::max_attributes`].
    Attributes,
    /// An attribute value or text node is longer than [`crate::Limits::max_text_bytes`].
    TextBytes,
    /// More content blocks than [`crate::Limits::max_content_blocks`].
    ContentBlocks,
    /// More repeated children of one kind than [`crate::Limits::max_list_items`].
    ListItems,
    /// More result parts than [`crate::Limits::max_result_parts`] in a poll session.
    ResultParts,
}

/// A problem at the HTTP binding layer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HttpProblem {
    /// The HTTP status code is not 200.
    Status {
        /// The status code received.
        code: u16,
        /// The start of the body, for the error message (control characters removed).
        body_excerpt: String,
    },
    /// A required header is missing.
    MissingHeader {
        /// The header name.
        name: &'static str,
    },
    /// A header has a value this binding does not accept.
    BadHeader {
        /// The header name.
        name: &'static str,
        /// The value received (cut to 128 characters).
        value: String,
    },
    /// The body is larger than the configured limit.
    BodyTooLarge {
        /// The declared or actual size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// Basic credentials over plain `http://` without the explicit opt-in.
    CredentialsOverPlainHttp,
    /// The URL cannot carry a TAXII request (not http/https, or not a base URL).
    BadUrl {
        /// Why.
        reason: String,
    },
}

impl std::fmt::Display for HttpProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Status { code, body_excerpt } if body_excerpt.is_empty() => write!(f, "HTTP status {code}"),
            Self::Status { code, body_excerpt } => write!(f, "HTTP status {code}: {body_excerpt}"),
            Self::MissingHeader { name } => write!(f, "missing header {name}"),
            Self::BadHeader { name, value } => write!(f, "header {name} has unsupported value `{value}`"),
            Self::BodyTooLarge { size, limit } => write!(f, "body of {size} bytes exceeds the limit of {limit} bytes"),
            Self::CredentialsOverPlainHttp => {
                f.write_str("refusing to send basic credentials over plain http:// (use https or opt in explicitly)")
            }
            Self::BadUrl { reason } => write!(f, "bad URL: {reason}"),
        }
    }
}

/// Everything that can go wrong in this crate.
///
/// Variants name what went wrong and where: `path` is an element path such as
/// `Poll_Response/Content_Block[3]/Content_Binding` and `offset` the byte offset in the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is not well-formed XML, or uses an XML feature TAXII never needs (DOCTYPE,
    /// entity declarations, processing of non-predefined entities).
    #[error("malformed XML at byte {offset}: {reason}")]
    Xml {
        /// Byte offset of the problem.
        offset: u64,
        /// What is wrong.
        reason: String,
    },
    /// The input is not UTF-8, or declares an encoding other than UTF-8.
    #[error("unsupported encoding at byte {offset}: {reason}")]
    Encoding {
        /// Byte offset of the problem.
        offset: u64,
        /// What is wrong.
        reason: String,
    },
    /// The root element is not a TAXII 1.0 or 1.1 message.
    #[error("not a TAXII 1.x message: root element `{local_name}` in namespace `{namespace}`")]
    UnknownMessage {
        /// Namespace URI of the root element (empty when it has none).
        namespace: String,
        /// Local name of the root element.
        local_name: String,
    },
    /// A required element is missing.
    #[error("missing element `{element}` in {path} (byte {offset})")]
    MissingElement {
        /// Path of the parent element.
        path: String,
        /// Local name of the missing element.
        element: &'static str,
        /// Byte offset of the parent's end tag.
        offset: u64,
    },
    /// A required attribute is missing.
    #[error("missing attribute `{attribute}` on {path} (byte {offset})")]
    MissingAttribute {
        /// Path of the element.
        path: String,
        /// Name of the attribute.
        attribute: &'static str,
        /// Byte offset of the element's start tag.
        offset: u64,
    },
    /// An element that the message's schema does not allow at this place.
    #[error("unexpected element `{found}` in {path} (byte {offset})")]
    UnexpectedElement {
        /// Path of the parent element.
        path: String,
        /// Qualified name of the element found (`{namespace}local`).
        found: String,
        /// Byte offset of the element.
        offset: u64,
    },
    /// An attribute that the schema does not define on this element.
    #[error("unexpected attribute `{found}` on {path} (byte {offset})")]
    UnexpectedAttribute {
        /// Path of the element.
        path: String,
        /// Name of the attribute.
        found: String,
        /// Byte offset of the element.
        offset: u64,
    },
    /// Text or attribute value that does not fit its type.
    #[error("invalid value `{value}` at {path} (byte {offset}): expected {expected}")]
    InvalidValue {
        /// Path of the element or `element/@attribute`.
        path: String,
        /// The value (cut to 64 characters).
        value: String,
        /// What was expected.
        expected: &'static str,
        /// Byte offset.
        offset: u64,
    },
    /// A configured limit was exceeded; nothing was truncated.
    #[error("limit exceeded: {limit:?} at byte {offset}")]
    LimitExceeded {
        /// Which limit.
        limit: LimitKind,
        /// Byte offset where it was noticed.
        offset: u64,
    },
    /// The message (or one of its fields) cannot be expressed in the target TAXII version.
    #[error("{field} cannot be written as TAXII {version}")]
    NotRepresentable {
        /// The version being written.
        version: Version,
        /// The message or field (spec name).
        field: &'static str,
    },
    /// A value given through the API is not valid for its field.
    #[error("invalid {field}: {reason}")]
    InvalidField {
        /// The field (spec name).
        field: &'static str,
        /// Why.
        reason: String,
    },
    /// A problem at the HTTP binding layer.
    #[error("HTTP binding: {0}")]
    Http(HttpProblem),
    /// The peer answered with a status message that is not SUCCESS (or a status message where
    /// another response was due).
    #[error("TAXII status {}: {}", .0.status_type, .0.message.as_deref().unwrap_or("(no message)"))]
    Status(Box<crate::message::StatusMessage>),
    /// The response answers another request.
    #[error("response answers message {found}, expected {expected}")]
    WrongInResponseTo {
        /// The request's message id.
        expected: String,
        /// The response's `in_response_to`.
        found: String,
    },
    /// The peer answered with a different message than the request calls for.
    #[error("expected {expected:?}, received {found:?}")]
    UnexpectedMessage {
        /// What the request calls for.
        expected: MessageKind,
        /// What arrived.
        found: MessageKind,
    },
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
