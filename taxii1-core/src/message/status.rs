//! `Status_Message`: the answer to any request that did not produce its regular response
//! (TAXII 1.1 Services §3.2.1, XML Binding §4.4.1; TAXII 1.0 Services §3.2.1).

use super::{Content, ExtendedHeader, MessageId, Signature};
use crate::vocab::open_vocabulary;

open_vocabulary! {
    /// A status type (`Status_Message/@status_type`). The 17 TAXII 1.1 types, the three the
    /// Default Query adds, and any custom URI a server uses.
    StatusType {
        /// The asynchronous poll could not be completed (1.1).
        ASYNCHRONOUS_POLL_ERROR = "ASYNCHRONOUS_POLL_ERROR",
        /// The request message was malformed or invalid.
        BAD_MESSAGE = "BAD_MESSAGE",
        /// The request was denied.
        DENIED = "DENIED",
        /// A destination collection was missing, wrong or not allowed (1.1).
        DESTINATION_COLLECTION_ERROR = "DESTINATION_COLLECTION_ERROR",
        /// Some other failure.
        FAILURE = "FAILURE",
        /// The requested result part does not exist (1.1).
        INVALID_RESPONSE_PART = "INVALID_RESPONSE_PART",
        /// A network error prevented fulfilment (1.1).
        NETWORK_ERROR = "NETWORK_ERROR",
        /// The requested item does not exist.
        NOT_FOUND = "NOT_FOUND",
        /// The request is accepted and being processed; poll again later (1.1).
        PENDING = "PENDING",
        /// The collection does not support polling.
        POLLING_UNSUPPORTED = "POLLING_UNSUPPORTED",
        /// Retry the request later.
        RETRY = "RETRY",
        /// The request succeeded.
        SUCCESS = "SUCCESS",
        /// The requester must authenticate or lacks permission.
        UNAUTHORIZED = "UNAUTHORIZED",
        /// The message type or binding is not supported.
        UNSUPPORTED_MESSAGE = "UNSUPPORTED_MESSAGE",
        /// A content binding is not supported.
        UNSUPPORTED_CONTENT = "UNSUPPORTED_CONTENT",
        /// The protocol binding is not supported.
        UNSUPPORTED_PROTOCOL = "UNSUPPORTED_PROTOCOL",
        /// The query format is not supported (1.1).
        UNSUPPORTED_QUERY = "UNSUPPORTED_QUERY",
        /// A Default Query capability module is not supported.
        UNSUPPORTED_CAPABILITY_MODULE = "UNSUPPORTED_CAPABILITY_MODULE",
        /// A Default Query targeting expression is not supported.
        UNSUPPORTED_TARGETING_EXPRESSION = "UNSUPPORTED_TARGETING_EXPRESSION",
        /// A Default Query targeting expression id is not supported.
        UNSUPPORTED_TARGETING_EXPRESSION_ID = "UNSUPPORTED_TARGETING_EXPRESSION_ID",
    }
}

impl StatusType {
    /// The status types defined by TAXII 1.0 (a 1.1-only type cannot be written as 1.0 unless
    /// the caller accepts it as a custom value).
    pub const TAXII_1_0: &'static [Self] = &[
        Self::BAD_MESSAGE,
        Self::DENIED,
        Self::FAILURE,
        Self::NOT_FOUND,
        Self::POLLING_UNSUPPORTED,
        Self::RETRY,
        Self::SUCCESS,
        Self::UNAUTHORIZED,
        Self::UNSUPPORTED_MESSAGE,
        Self::UNSUPPORTED_CONTENT,
        Self::UNSUPPORTED_PROTOCOL,
    ];

    /// Whether this status means the request succeeded.
    pub fn is_success(&self) -> bool {
        *self == Self::SUCCESS
    }
}

/// Names of the structured status details (TAXII 1.1 Services §3.2.1, Default Query §4.1).
pub mod detail_name {
    /// Collections a DESTINATION_COLLECTION_ERROR says are acceptable (repeatable).
    pub const ACCEPTABLE_DESTINATION: &str = "ACCEPTABLE_DESTINATION";
    /// The largest part number, for INVALID_RESPONSE_PART.
    pub const MAX_PART_NUMBER: &str = "MAX_PART_NUMBER";
    /// The item that was not found, for NOT_FOUND.
    pub const ITEM: &str = "ITEM";
    /// Seconds to wait, for PENDING and RETRY.
    pub const ESTIMATED_WAIT: &str = "ESTIMATED_WAIT";
    /// The result id to poll for, for PENDING.
    pub const RESULT_ID: &str = "RESULT_ID";
    /// Whether the result will be pushed, for PENDING.
    pub const WILL_PUSH: &str = "WILL_PUSH";
    /// Supported message bindings, for UNSUPPORTED_MESSAGE (repeatable).
    pub const SUPPORTED_BINDING: &str = "SUPPORTED_BINDING";
    /// Supported content bindings, for UNSUPPORTED_CONTENT (repeatable).
    pub const SUPPORTED_CONTENT: &str = "SUPPORTED_CONTENT";
    /// Supported protocol bindings, for UNSUPPORTED_PROTOCOL (repeatable).
    pub const SUPPORTED_PROTOCOL: &str = "SUPPORTED_PROTOCOL";
    /// Supported query formats, for UNSUPPORTED_QUERY (repeatable).
    pub const SUPPORTED_QUERY: &str = "SUPPORTED_QUERY";
    /// Supported capability modules, for UNSUPPORTED_CAPABILITY_MODULE (repeatable).
    pub const CAPABILITY_MODULE: &str = "CAPABILITY_MODULE";
    /// Preferred scope, for UNSUPPORTED_TARGETING_EXPRESSION (repeatable).
    pub const PREFERRED_SCOPE: &str = "PREFERRED_SCOPE";
    /// Allowed scope, for UNSUPPORTED_TARGETING_EXPRESSION (repeatable).
    pub const ALLOWED_SCOPE: &str = "ALLOWED_SCOPE";
    /// Supported targeting expression ids, for UNSUPPORTED_TARGETING_EXPRESSION_ID (repeatable).
    pub const TARGETING_EXPRESSION_ID: &str = "TARGETING_EXPRESSION_ID";
}

/// One `Status_Detail/Detail` (1.1): a named value, text or XML.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Detail {
    /// The detail's name (`@name`), usually one of [`detail_name`].
    pub name: String,
    /// The value, kept as received.
    pub value: Content,
}

impl Detail {
    /// A detail with a text value.
    pub fn text(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: Content::text(value),
        }
    }
}

/// The `Status_Detail` of a status message: structured in TAXII 1.1, free text in TAXII 1.0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusDetail {
    /// TAXII 1.0: a string.
    Text(String),
    /// TAXII 1.1: one or more named details.
    Details(Vec<Detail>),
}

/// A detail value that is not of the type its name calls for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("status detail {name} has value `{value}`, expected {expected}")]
pub struct BadDetail {
    /// The detail name.
    pub name: &'static str,
    /// The value received (cut to 64 characters).
    pub value: String,
    /// What was expected.
    pub expected: &'static str,
}

/// `Status_Message`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StatusMessage {
    /// This message's id.
    pub message_id: MessageId,
    /// The id of the request this answers (`"0"` when a server could not read the request).
    pub in_response_to: MessageId,
    /// Extended headers.
    pub extended_headers: Vec<ExtendedHeader>,
    /// The status type.
    pub status_type: StatusType,
    /// Structured (1.1) or textual (1.0) detail.
    pub status_detail: Option<StatusDetail>,
    /// A human-readable message.
    pub message: Option<String>,
    /// An XML signature over the message.
    pub signature: Option<Signature>,
}

impl StatusMessage {
    /// A status message without detail or message.
    pub fn new(message_id: MessageId, in_response_to: MessageId, status_type: StatusType) -> Self {
        Self {
            message_id,
            in_response_to,
            extended_headers: Vec::new(),
            status_type,
            status_detail: None,
            message: None,
            signature: None,
        }
    }

    /// Sets the human-readable message.
    #[must_use]
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Adds a 1.1 structured detail (turning a 1.0 text detail, if any, into structured ones is
    /// the caller's choice; this replaces it).
    #[must_use]
    pub fn with_detail(mut self, detail: Detail) -> Self {
        match &mut self.status_detail {
            Some(StatusDetail::Details(details)) => details.push(detail),
            _ => self.status_detail = Some(StatusDetail::Details(vec![detail])),
        }
        self
    }

    /// The structured details (empty for 1.0 text details).
    pub fn details(&self) -> &[Detail] {
        match &self.status_detail {
            Some(StatusDetail::Details(details)) => details,
            _ => &[],
        }
    }

    /// The text values of every detail called `name`, in order.
    pub fn detail_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.details()
            .iter()
            .filter(move |d| d.name == name)
            .map(|d| d.value.as_str().trim())
    }

    fn detail_u64(&self, name: &'static str) -> Option<Result<u64, BadDetail>> {
        self.detail_values(name).next().map(|v| {
            v.parse().map_err(|_| BadDetail {
                name,
                value: v.chars().take(64).collect(),
                expected: "a non-negative integer",
            })
        })
    }

    /// `ESTIMATED_WAIT` in seconds (PENDING, RETRY).
    ///
    /// # Errors
    /// [`BadDetail`] when present but not an integer.
    pub fn estimated_wait(&self) -> Option<Result<u64, BadDetail>> {
        self.detail_u64(detail_name::ESTIMATED_WAIT)
    }

    /// `MAX_PART_NUMBER` (INVALID_RESPONSE_PART).
    ///
    /// # Errors
    /// [`BadDetail`] when present but not an integer.
    pub fn max_part_number(&self) -> Option<Result<u64, BadDetail>> {
        self.detail_u64(detail_name::MAX_PART_NUMBER)
    }

    /// `RESULT_ID` (PENDING).
    pub fn result_id(&self) -> Option<&str> {
        self.detail_values(detail_name::RESULT_ID).next()
    }

    /// `ITEM` (NOT_FOUND).
    pub fn item(&self) -> Option<&str> {
        self.detail_values(detail_name::ITEM).next()
    }

    /// `WILL_PUSH` (PENDING).
    ///
    /// # Errors
    /// [`BadDetail`] when present but not an `xs:boolean`.
    pub fn will_push(&self) -> Option<Result<bool, BadDetail>> {
        self.detail_values(detail_name::WILL_PUSH)
            .next()
            .map(|v| match v {
                "true" | "1" => Ok(true),
                "false" | "0" => Ok(false),
                _ => Err(BadDetail {
                    name: detail_name::WILL_PUSH,
                    value: v.chars().take(64).collect(),
                    expected: "an xs:boolean",
                }),
            })
    }

    /// The repeatable "supported" list this status type carries: `SUPPORTED_CONTENT` for
    /// UNSUPPORTED_CONTENT, `SUPPORTED_BINDING` for UNSUPPORTED_MESSAGE, `SUPPORTED_PROTOCOL`,
    /// `SUPPORTED_QUERY`, `ACCEPTABLE_DESTINATION`, `CAPABILITY_MODULE`,
    /// `TARGETING_EXPRESSION_ID`; empty for other types.
    pub fn supported(&self) -> Vec<&str> {
        let name = match self.status_type.as_str() {
            "UNSUPPORTED_CONTENT" => detail_name::SUPPORTED_CONTENT,
            "UNSUPPORTED_MESSAGE" => detail_name::SUPPORTED_BINDING,
            "UNSUPPORTED_PROTOCOL" => detail_name::SUPPORTED_PROTOCOL,
            "UNSUPPORTED_QUERY" => detail_name::SUPPORTED_QUERY,
            "DESTINATION_COLLECTION_ERROR" => detail_name::ACCEPTABLE_DESTINATION,
            "UNSUPPORTED_CAPABILITY_MODULE" => detail_name::CAPABILITY_MODULE,
            "UNSUPPORTED_TARGETING_EXPRESSION_ID" => detail_name::TARGETING_EXPRESSION_ID,
            _ => return Vec::new(),
        };
        self.detail_values(name).collect()
    }
}
