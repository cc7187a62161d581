//! Inbox: pushing content to a server (Services §3.7, §4.7).

use super::poll::RecordCount;
use super::{ContentBlock, ExtendedHeader, MessageId, Signature};
use crate::timestamp::Timestamp;

/// `Source_Subscription`: the subscription an inbox message delivers content for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SourceSubscription {
    /// The collection (feed) subscribed to.
    pub collection_name: String,
    /// The subscription (required in 1.1, optional in 1.0).
    pub subscription_id: Option<String>,
    /// The window's exclusive start (1.1).
    pub exclusive_begin_timestamp_label: Option<Timestamp>,
    /// The window's inclusive start (1.0).
    pub inclusive_begin_timestamp_label: Option<Timestamp>,
    /// The window's inclusive end (required in 1.0).
    pub inclusive_end_timestamp_label: Option<Timestamp>,
}

impl SourceSubscription {
    /// A source subscription without a time window.
    pub fn new(collection_name: impl Into<String>, subscription_id: impl Into<String>) -> Self {
        Self {
            collection_name: collection_name.into(),
            subscription_id: Some(subscription_id.into()),
            exclusive_begin_timestamp_label: None,
            inclusive_begin_timestamp_label: None,
            inclusive_end_timestamp_label: None,
        }
    }
}

/// `Inbox_Message`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InboxMessage {
    /// This message's id.
    pub message_id: MessageId,
    /// Extended headers.
    pub extended_headers: Vec<ExtendedHeader>,
    /// Collections to put the content in (1.1).
    pub destination_collection_names: Vec<String>,
    /// A human-readable message.
    pub message: Option<String>,
    /// The subscription this delivers for.
    pub source_subscription: Option<SourceSubscription>,
    /// The result this delivers part of (1.1).
    pub result_id: Option<String>,
    /// How many records the delivery holds (1.1).
    pub record_count: Option<RecordCount>,
    /// The content.
    pub content_blocks: Vec<ContentBlock>,
    /// An XML signature over the message.
    pub signature: Option<Signature>,
}

impl InboxMessage {
    /// An inbox message carrying `content_blocks`.
    pub fn new(message_id: MessageId, content_blocks: Vec<ContentBlock>) -> Self {
        Self {
            message_id,
            extended_headers: Vec::new(),
            destination_collection_names: Vec::new(),
            message: None,
            source_subscription: None,
            result_id: None,
            record_count: None,
            content_blocks,
            signature: None,
        }
    }

    /// Adds a destination collection (1.1).
    #[must_use]
    pub fn with_destination(mut self, collection_name: impl Into<String>) -> Self {
        self.destination_collection_names
            .push(collection_name.into());
        self
    }
}
