//! The TAXII 1.x message model, one module per message family.
//!
//! The model is version-neutral: one set of types serves TAXII 1.1 and 1.0, the version is
//! detected when reading and chosen when writing. See the crate docs for why.

pub mod content;

pub use content::{Content, ContentBinding, ContentBlock, ContentKind};

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
