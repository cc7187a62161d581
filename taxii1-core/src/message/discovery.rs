//! Discovery: which services a TAXII server offers (Services §3.3, §4.3).

use super::query::SupportedQuery;
use super::{ContentBinding, ExtendedHeader, MessageId, Signature};

/// The kind of a TAXII service (`@service_type`).
///
/// TAXII 1.0 calls the collection management service `FEED_MANAGEMENT`; the codec maps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceType {
    /// Discovery service.
    Discovery,
    /// Collection management (1.1) / feed management (1.0) service.
    CollectionManagement,
    /// Inbox service (push).
    Inbox,
    /// Poll service (pull).
    Poll,
}

/// `Discovery_Request`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DiscoveryRequest {
    /// This message's id.
    pub message_id: MessageId,
    /// Extended headers.
    pub extended_headers: Vec<ExtendedHeader>,
    /// An XML signature over the message.
    pub signature: Option<Signature>,
}

impl DiscoveryRequest {
    /// A discovery request.
    pub fn new(message_id: MessageId) -> Self {
        Self {
            message_id,
            extended_headers: Vec::new(),
            signature: None,
        }
    }
}

/// `Discovery_Response`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DiscoveryResponse {
    /// This message's id.
    pub message_id: MessageId,
    /// The id of the request this answers.
    pub in_response_to: MessageId,
    /// Extended headers.
    pub extended_headers: Vec<ExtendedHeader>,
    /// The services offered.
    pub service_instances: Vec<ServiceInstance>,
    /// An XML signature over the message.
    pub signature: Option<Signature>,
}

impl DiscoveryResponse {
    /// A response listing `service_instances`.
    pub fn new(
        message_id: MessageId,
        in_response_to: MessageId,
        service_instances: Vec<ServiceInstance>,
    ) -> Self {
        Self {
            message_id,
            in_response_to,
            extended_headers: Vec::new(),
            service_instances,
            signature: None,
        }
    }
}

/// One `Service_Instance`: where a service lives and what it speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceInstance {
    /// The service kind.
    pub service_type: ServiceType,
    /// The TAXII services version URN it implements (`urn:taxii.mitre.org:services:1.1`).
    pub service_version: String,
    /// Whether the requester may use it; `None` when the server does not say.
    pub available: Option<bool>,
    /// The protocol binding URN (HTTP or HTTPS).
    pub protocol_binding: String,
    /// The network address.
    pub address: String,
    /// Message binding URNs it accepts (at least one).
    pub message_bindings: Vec<String>,
    /// Query formats it supports (poll services, 1.1 only).
    pub supported_queries: Vec<SupportedQuery>,
    /// Content bindings it accepts (inbox services; subtypes are 1.1 only).
    pub content_bindings: Vec<ContentBinding>,
    /// A human-readable message.
    pub message: Option<String>,
}

impl ServiceInstance {
    /// A service of `service_type` implementing `service_version` at `address`.
    pub fn new(
        service_type: ServiceType,
        service_version: impl Into<String>,
        protocol_binding: impl Into<String>,
        address: impl Into<String>,
        message_bindings: Vec<String>,
    ) -> Self {
        Self {
            service_type,
            service_version: service_version.into(),
            available: None,
            protocol_binding: protocol_binding.into(),
            address: address.into(),
            message_bindings,
            supported_queries: Vec::new(),
            content_bindings: Vec::new(),
            message: None,
        }
    }
}
