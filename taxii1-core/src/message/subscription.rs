//! Subscription management: subscribing to a collection (feed) and managing the subscription
//! (Services §3.5, §4.5).

use super::collection::ServiceContact;
use super::query::Query;
use super::{ContentBinding, ExtendedHeader, MessageId, Signature};

/// What a subscription management request asks (`@action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubscriptionAction {
    /// Create a subscription.
    Subscribe,
    /// End a subscription.
    Unsubscribe,
    /// Pause a subscription (1.1).
    Pause,
    /// Resume a paused subscription (1.1).
    Resume,
    /// Report on one or all subscriptions.
    Status,
}

/// A subscription's state (`Subscription/@status`, 1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SubscriptionStatus {
    /// Content is being delivered (the default).
    #[default]
    Active,
    /// Delivery is paused.
    Paused,
    /// The subscription has ended.
    Unsubscribed,
}

/// Whether a poll or subscription returns content or only a count (`Response_Type`, 1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ResponseType {
    /// Content blocks (the default).
    #[default]
    Full,
    /// Only a record count.
    CountOnly,
}

/// `Subscription_Parameters` (1.1): what a subscription delivers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SubscriptionParameters {
    /// Full content or counts only.
    pub response_type: ResponseType,
    /// Content bindings wanted; empty means any.
    pub content_bindings: Vec<ContentBinding>,
    /// A query selecting content.
    pub query: Option<Query>,
}

/// `Push_Parameters` / `Delivery_Parameters`: where and how to push content.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PushParameters {
    /// The protocol binding URN to push with.
    pub protocol_binding: String,
    /// The address to push to.
    pub address: String,
    /// The message binding URN to push with.
    pub message_binding: String,
    /// Content bindings to push (TAXII 1.0 only; 1.1 puts them in the subscription parameters).
    pub content_bindings: Vec<ContentBinding>,
}

impl PushParameters {
    /// Push parameters without content bindings.
    pub fn new(
        protocol_binding: impl Into<String>,
        address: impl Into<String>,
        message_binding: impl Into<String>,
    ) -> Self {
        Self {
            protocol_binding: protocol_binding.into(),
            address: address.into(),
            message_binding: message_binding.into(),
            content_bindings: Vec::new(),
        }
    }
}

/// `Subscription_Management_Request`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SubscriptionManagementRequest {
    /// This message's id.
    pub message_id: MessageId,
    /// Extended headers.
    pub extended_headers: Vec<ExtendedHeader>,
    /// What to do.
    pub action: SubscriptionAction,
    /// The collection (feed) concerned.
    pub collection_name: String,
    /// The subscription concerned (required for all but SUBSCRIBE and an all-subscriptions STATUS).
    pub subscription_id: Option<String>,
    /// What to deliver (1.1, SUBSCRIBE).
    pub subscription_parameters: Option<SubscriptionParameters>,
    /// Where to push (SUBSCRIBE).
    pub push_parameters: Option<PushParameters>,
    /// An XML signature over the message.
    pub signature: Option<Signature>,
}

impl SubscriptionManagementRequest {
    /// A request to perform `action` on `collection_name`.
    pub fn new(
        message_id: MessageId,
        action: SubscriptionAction,
        collection_name: impl Into<String>,
    ) -> Self {
        Self {
            message_id,
            extended_headers: Vec::new(),
            action,
            collection_name: collection_name.into(),
            subscription_id: None,
            subscription_parameters: None,
            push_parameters: None,
            signature: None,
        }
    }

    /// Names the subscription concerned.
    #[must_use]
    pub fn with_subscription_id(mut self, id: impl Into<String>) -> Self {
        self.subscription_id = Some(id.into());
        self
    }
}

/// `Subscription_Management_Response`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SubscriptionManagementResponse {
    /// This message's id.
    pub message_id: MessageId,
    /// The id of the request this answers.
    pub in_response_to: MessageId,
    /// Extended headers.
    pub extended_headers: Vec<ExtendedHeader>,
    /// The collection (feed) concerned.
    pub collection_name: String,
    /// A human-readable message.
    pub message: Option<String>,
    /// The subscriptions concerned.
    pub subscriptions: Vec<SubscriptionRecord>,
    /// An XML signature over the message.
    pub signature: Option<Signature>,
}

impl SubscriptionManagementResponse {
    /// A response about `collection_name`.
    pub fn new(
        message_id: MessageId,
        in_response_to: MessageId,
        collection_name: impl Into<String>,
        subscriptions: Vec<SubscriptionRecord>,
    ) -> Self {
        Self {
            message_id,
            in_response_to,
            extended_headers: Vec::new(),
            collection_name: collection_name.into(),
            message: None,
            subscriptions,
            signature: None,
        }
    }
}

/// One `Subscription` record in a response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SubscriptionRecord {
    /// The subscription's id.
    pub subscription_id: String,
    /// Its state (1.1; absent means active).
    pub status: Option<SubscriptionStatus>,
    /// What it delivers (1.1).
    pub subscription_parameters: Option<SubscriptionParameters>,
    /// Where it pushes.
    pub push_parameters: Option<PushParameters>,
    /// Poll services to fetch its content from.
    pub poll_instances: Vec<ServiceContact>,
}

impl SubscriptionRecord {
    /// An active subscription with nothing else said.
    pub fn new(subscription_id: impl Into<String>) -> Self {
        Self {
            subscription_id: subscription_id.into(),
            status: None,
            subscription_parameters: None,
            push_parameters: None,
            poll_instances: Vec::new(),
        }
    }
}
