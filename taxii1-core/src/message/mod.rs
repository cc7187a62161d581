//! The TAXII 1.x message model, one module per message family.
//!
//! The model is version-neutral: one set of types serves TAXII 1.1 and 1.0. The version is
//! detected when reading ([`Parsed::version`]) and chosen when writing; fields that only one
//! version has are documented as such, and writing one that the target version cannot express
//! is [`crate::Error::NotRepresentable`], never a silent drop.

pub mod collection;
pub mod content;
pub mod discovery;
pub mod header;
pub mod inbox;
pub mod poll;
pub mod query;
pub mod status;
pub mod subscription;

pub use collection::{
    CollectionInformationRequest, CollectionInformationResponse, CollectionRecord, CollectionType,
    InboxService, PushMethod, ServiceContact,
};
pub use content::{Content, ContentBinding, ContentBlock, ContentKind};
pub use discovery::{DiscoveryRequest, DiscoveryResponse, ServiceInstance, ServiceType};
pub use header::{ExtendedHeader, MessageId, Signature};
pub use inbox::{InboxMessage, SourceSubscription};
pub use poll::{PollFulfillmentRequest, PollParameters, PollRequest, PollResponse, RecordCount};
pub use query::{
    Criteria, CriteriaItem, Criterion, DefaultQuery, DefaultQueryInfo, Operator, Parameter, Query,
    QueryBody, QueryInfo, SupportedQuery, TargetingExpressionInfo, Test,
};
pub use status::{Detail, StatusDetail, StatusMessage, StatusType};
pub use subscription::{
    PushParameters, ResponseType, SubscriptionAction, SubscriptionManagementRequest,
    SubscriptionManagementResponse, SubscriptionParameters, SubscriptionRecord, SubscriptionStatus,
};

use crate::version::Version;

/// Which message a value is, without its fields; used in errors and dispatch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MessageKind {
    /// `Status_Message`.
    StatusMessage,
    /// `Discovery_Request`.
    DiscoveryRequest,
    /// `Discovery_Response`.
    DiscoveryResponse,
    /// `Collection_Information_Request` (1.1) / `Feed_Information_Request` (1.0).
    CollectionInformationRequest,
    /// `Collection_Information_Response` (1.1) / `Feed_Information_Response` (1.0).
    CollectionInformationResponse,
    /// `Subscription_Management_Request`.
    SubscriptionManagementRequest,
    /// `Subscription_Management_Response`.
    SubscriptionManagementResponse,
    /// `Poll_Request`.
    PollRequest,
    /// `Poll_Response`.
    PollResponse,
    /// `Poll_Fulfillment` (1.1 only).
    PollFulfillmentRequest,
    /// `Inbox_Message`.
    InboxMessage,
}

impl MessageKind {
    /// The root element's local name in `version`, or `None` when the version has no such message.
    pub fn element_name(self, version: Version) -> Option<&'static str> {
        Some(match (self, version) {
            (Self::StatusMessage, _) => "Status_Message",
            (Self::DiscoveryRequest, _) => "Discovery_Request",
            (Self::DiscoveryResponse, _) => "Discovery_Response",
            (Self::CollectionInformationRequest, Version::V1_1) => "Collection_Information_Request",
            (Self::CollectionInformationRequest, Version::V1_0) => "Feed_Information_Request",
            (Self::CollectionInformationResponse, Version::V1_1) => {
                "Collection_Information_Response"
            }
            (Self::CollectionInformationResponse, Version::V1_0) => "Feed_Information_Response",
            (Self::SubscriptionManagementRequest, _) => "Subscription_Management_Request",
            (Self::SubscriptionManagementResponse, _) => "Subscription_Management_Response",
            (Self::PollRequest, _) => "Poll_Request",
            (Self::PollResponse, _) => "Poll_Response",
            (Self::PollFulfillmentRequest, Version::V1_1) => "Poll_Fulfillment",
            (Self::PollFulfillmentRequest, Version::V1_0) => return None,
            (Self::InboxMessage, _) => "Inbox_Message",
        })
    }

    /// Whether this is a response (it carries `in_response_to`).
    pub fn is_response(self) -> bool {
        matches!(
            self,
            Self::StatusMessage
                | Self::DiscoveryResponse
                | Self::CollectionInformationResponse
                | Self::SubscriptionManagementResponse
                | Self::PollResponse
        )
    }
}

/// Any TAXII 1.x message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Message {
    /// `Status_Message`.
    StatusMessage(StatusMessage),
    /// `Discovery_Request`.
    DiscoveryRequest(DiscoveryRequest),
    /// `Discovery_Response`.
    DiscoveryResponse(DiscoveryResponse),
    /// `Collection_Information_Request` / `Feed_Information_Request`.
    CollectionInformationRequest(CollectionInformationRequest),
    /// `Collection_Information_Response` / `Feed_Information_Response`.
    CollectionInformationResponse(CollectionInformationResponse),
    /// `Subscription_Management_Request`.
    SubscriptionManagementRequest(SubscriptionManagementRequest),
    /// `Subscription_Management_Response`.
    SubscriptionManagementResponse(SubscriptionManagementResponse),
    /// `Poll_Request`.
    PollRequest(PollRequest),
    /// `Poll_Response`.
    PollResponse(PollResponse),
    /// `Poll_Fulfillment`.
    PollFulfillmentRequest(PollFulfillmentRequest),
    /// `Inbox_Message`.
    InboxMessage(InboxMessage),
}

/// A message read from XML, with the version it was written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The TAXII version, from the root element's namespace.
    pub version: Version,
    /// The message.
    pub message: Message,
}

macro_rules! for_each_message {
    ($self:expr, $m:ident => $body:expr) => {
        match $self {
            Message::StatusMessage($m) => $body,
            Message::DiscoveryRequest($m) => $body,
            Message::DiscoveryResponse($m) => $body,
            Message::CollectionInformationRequest($m) => $body,
            Message::CollectionInformationResponse($m) => $body,
            Message::SubscriptionManagementRequest($m) => $body,
            Message::SubscriptionManagementResponse($m) => $body,
            Message::PollRequest($m) => $body,
            Message::PollResponse($m) => $body,
            Message::PollFulfillmentRequest($m) => $body,
            Message::InboxMessage($m) => $body,
        }
    };
}

impl Message {
    /// Which message this is.
    pub fn kind(&self) -> MessageKind {
        match self {
            Self::StatusMessage(_) => MessageKind::StatusMessage,
            Self::DiscoveryRequest(_) => MessageKind::DiscoveryRequest,
            Self::DiscoveryResponse(_) => MessageKind::DiscoveryResponse,
            Self::CollectionInformationRequest(_) => MessageKind::CollectionInformationRequest,
            Self::CollectionInformationResponse(_) => MessageKind::CollectionInformationResponse,
            Self::SubscriptionManagementRequest(_) => MessageKind::SubscriptionManagementRequest,
            Self::SubscriptionManagementResponse(_) => MessageKind::SubscriptionManagementResponse,
            Self::PollRequest(_) => MessageKind::PollRequest,
            Self::PollResponse(_) => MessageKind::PollResponse,
            Self::PollFulfillmentRequest(_) => MessageKind::PollFulfillmentRequest,
            Self::InboxMessage(_) => MessageKind::InboxMessage,
        }
    }

    /// This message's id.
    pub fn message_id(&self) -> &MessageId {
        for_each_message!(self, m => &m.message_id)
    }

    /// The id of the request this answers, for responses.
    pub fn in_response_to(&self) -> Option<&MessageId> {
        match self {
            Self::StatusMessage(m) => Some(&m.in_response_to),
            Self::DiscoveryResponse(m) => Some(&m.in_response_to),
            Self::CollectionInformationResponse(m) => Some(&m.in_response_to),
            Self::SubscriptionManagementResponse(m) => Some(&m.in_response_to),
            Self::PollResponse(m) => Some(&m.in_response_to),
            _ => None,
        }
    }

    /// The extended headers.
    pub fn extended_headers(&self) -> &[ExtendedHeader] {
        for_each_message!(self, m => &m.extended_headers)
    }

    /// Reads a message with the default [`Limits`](crate::Limits), detecting the version from
    /// the root element's namespace. Copies `xml` once; use [`Message::from_bytes`] to share a
    /// buffer you already hold.
    ///
    /// # Errors
    /// Any [`crate::Error`] naming what is wrong and where.
    pub fn from_xml(xml: &[u8]) -> crate::Result<Parsed> {
        Self::from_bytes(
            bytes::Bytes::copy_from_slice(xml),
            &crate::Limits::default(),
        )
    }

    /// Reads a message with the given limits.
    ///
    /// # Errors
    /// Any [`crate::Error`] naming what is wrong and where.
    pub fn from_xml_with(xml: &[u8], limits: &crate::Limits) -> crate::Result<Parsed> {
        if xml.len() > limits.max_message_bytes() {
            return Err(crate::Error::LimitExceeded {
                limit: crate::error::LimitKind::MessageBytes,
                offset: 0,
            });
        }
        Self::from_bytes(bytes::Bytes::copy_from_slice(xml), limits)
    }

    /// Reads a message from a shared buffer: content blocks that need no rewriting share it
    /// instead of being copied.
    ///
    /// # Errors
    /// Any [`crate::Error`] naming what is wrong and where.
    pub fn from_bytes(xml: bytes::Bytes, limits: &crate::Limits) -> crate::Result<Parsed> {
        crate::xml::parse(&xml, limits)
    }

    /// Writes the message as `version` XML.
    ///
    /// # Errors
    /// [`crate::Error::NotRepresentable`] when the message has a field `version` cannot express;
    /// [`crate::Error::InvalidField`] when a value cannot be written as XML.
    pub fn to_xml(&self, version: Version) -> crate::Result<Vec<u8>> {
        let mut out = Vec::new();
        self.write_xml(version, &mut out)?;
        Ok(out)
    }

    /// Appends the message as `version` XML to `out` (left unchanged on error).
    ///
    /// # Errors
    /// As [`Message::to_xml`].
    pub fn write_xml(&self, version: Version, out: &mut Vec<u8>) -> crate::Result<()> {
        crate::xml::write(self, version, out)
    }

    /// The content blocks of a poll response or inbox message; empty for other messages.
    pub fn content_blocks(&self) -> &[ContentBlock] {
        match self {
            Self::PollResponse(m) => &m.content_blocks,
            Self::InboxMessage(m) => &m.content_blocks,
            _ => &[],
        }
    }
}

macro_rules! impl_from {
    ($($variant:ident),*) => {$(
        impl From<$variant> for Message {
            fn from(m: $variant) -> Self {
                Self::$variant(m)
            }
        }
    )*};
}
impl_from!(
    StatusMessage,
    DiscoveryRequest,
    DiscoveryResponse,
    CollectionInformationRequest,
    CollectionInformationResponse,
    SubscriptionManagementRequest,
    SubscriptionManagementResponse,
    PollRequest,
    PollResponse,
    PollFulfillmentRequest,
    InboxMessage
);
