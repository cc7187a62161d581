//! Collection information (1.1) / feed information (1.0): what a server's collections hold and
//! how to reach them (Services §3.4, §4.4).

use super::{ContentBinding, ExtendedHeader, MessageId, Signature};

/// `Collection_Information_Request` (1.1) / `Feed_Information_Request` (1.0).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CollectionInformationRequest {
    /// This message's id.
    pub message_id: MessageId,
    /// Extended headers.
    pub extended_headers: Vec<ExtendedHeader>,
    /// An XML signature over the message.
    pub signature: Option<Signature>,
}

impl CollectionInformationRequest {
    /// A collection information request.
    pub fn new(message_id: MessageId) -> Self {
        Self {
            message_id,
            extended_headers: Vec::new(),
            signature: None,
        }
    }
}

/// `Collection_Information_Response` (1.1) / `Feed_Information_Response` (1.0).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CollectionInformationResponse {
    /// This message's id.
    pub message_id: MessageId,
    /// The id of the request this answers.
    pub in_response_to: MessageId,
    /// Extended headers.
    pub extended_headers: Vec<ExtendedHeader>,
    /// The collections (feeds) the requester may see.
    pub collections: Vec<CollectionRecord>,
    /// An XML signature over the message.
    pub signature: Option<Signature>,
}

impl CollectionInformationResponse {
    /// A response listing `collections`.
    pub fn new(
        message_id: MessageId,
        in_response_to: MessageId,
        collections: Vec<CollectionRecord>,
    ) -> Self {
        Self {
            message_id,
            in_response_to,
            extended_headers: Vec::new(),
            collections,
            signature: None,
        }
    }
}

/// Whether a collection is an ordered feed or an unordered set (`@collection_type`, 1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CollectionType {
    /// An ordered, append-only feed (the default; the only kind TAXII 1.0 has).
    #[default]
    DataFeed,
    /// An unordered set whose content may change.
    DataSet,
}

/// One `Collection` (1.1) / `Feed` (1.0) record.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CollectionRecord {
    /// The collection's name (`@collection_name` / `@feed_name`).
    pub collection_name: String,
    /// Feed or set (1.1; absent means a feed, the only kind TAXII 1.0 can express).
    pub collection_type: Option<CollectionType>,
    /// Whether the requester may use it; `None` when the server does not say.
    pub available: Option<bool>,
    /// A human-readable description.
    pub description: String,
    /// How many content blocks it holds (1.1).
    pub collection_volume: Option<u64>,
    /// Content bindings it holds; empty means any (TAXII 1.0 schema wants at least one).
    pub content_bindings: Vec<ContentBinding>,
    /// How the server can push content of this collection.
    pub push_methods: Vec<PushMethod>,
    /// Poll services serving it.
    pub polling_services: Vec<ServiceContact>,
    /// Collection management services for subscribing to it.
    pub subscription_services: Vec<ServiceContact>,
    /// Inbox services that accept content into it (1.1).
    pub receiving_inbox_services: Vec<InboxService>,
}

impl CollectionRecord {
    /// A data feed named `collection_name` with a description and nothing else.
    pub fn new(collection_name: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            collection_name: collection_name.into(),
            collection_type: None,
            available: None,
            description: description.into(),
            collection_volume: None,
            content_bindings: Vec::new(),
            push_methods: Vec::new(),
            polling_services: Vec::new(),
            subscription_services: Vec::new(),
            receiving_inbox_services: Vec::new(),
        }
    }
}

/// A service address with its protocol and message bindings (`ServiceContactInfoType`):
/// `Polling_Service`, `Subscription_Service`, `Poll_Instance`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceContact {
    /// The protocol binding URN.
    pub protocol_binding: String,
    /// The network address.
    pub address: String,
    /// Message binding URNs (at least one).
    pub message_bindings: Vec<String>,
}

impl ServiceContact {
    /// A contact.
    pub fn new(
        protocol_binding: impl Into<String>,
        address: impl Into<String>,
        message_bindings: Vec<String>,
    ) -> Self {
        Self {
            protocol_binding: protocol_binding.into(),
            address: address.into(),
            message_bindings,
        }
    }
}

/// A `Push_Method`: a protocol and message bindings the server can push with.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PushMethod {
    /// The protocol binding URN.
    pub protocol_binding: String,
    /// Message binding URNs (at least one).
    pub message_bindings: Vec<String>,
}

impl PushMethod {
    /// A push method.
    pub fn new(protocol_binding: impl Into<String>, message_bindings: Vec<String>) -> Self {
        Self {
            protocol_binding: protocol_binding.into(),
            message_bindings,
        }
    }
}

/// A `Receiving_Inbox_Service` (1.1): an inbox that accepts content for the collection.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InboxService {
    /// Where the inbox is.
    pub contact: ServiceContact,
    /// Content bindings it accepts; empty means any.
    pub content_bindings: Vec<ContentBinding>,
}

impl InboxService {
    /// An inbox accepting any content.
    pub fn new(contact: ServiceContact) -> Self {
        Self {
            contact,
            content_bindings: Vec::new(),
        }
    }
}
