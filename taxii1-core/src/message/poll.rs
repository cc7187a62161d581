//! Poll: pulling content from a collection, in result parts (Services §3.6, §4.6).

use std::num::NonZeroU64;

use super::query::Query;
use super::subscription::{PushParameters, ResponseType};
use super::{ContentBinding, ContentBlock, ExtendedHeader, MessageId, Signature};
use crate::timestamp::Timestamp;

/// `Poll_Parameters` (1.1): what to return when polling without a subscription.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PollParameters {
    /// Whether the server may answer asynchronously (PENDING, then a later fulfilment).
    pub allow_asynch: bool,
    /// Full content or counts only.
    pub response_type: ResponseType,
    /// Content bindings wanted; empty means any.
    pub content_bindings: Vec<ContentBinding>,
    /// A query selecting content.
    pub query: Option<Query>,
    /// Where to push results instead of answering (`Delivery_Parameters`).
    pub delivery_parameters: Option<PushParameters>,
}

/// `Poll_Request`.
///
/// TAXII 1.1 needs exactly one of `subscription_id` and `poll_parameters`; TAXII 1.0 has no
/// poll parameters and lists wanted `content_bindings` directly.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PollRequest {
    /// This message's id.
    pub message_id: MessageId,
    /// Extended headers.
    pub extended_headers: Vec<ExtendedHeader>,
    /// The collection (feed) to poll.
    pub collection_name: String,
    /// Only content labelled after this time.
    pub exclusive_begin_timestamp_label: Option<Timestamp>,
    /// Only content labelled at or before this time.
    pub inclusive_end_timestamp_label: Option<Timestamp>,
    /// Poll on behalf of this subscription.
    pub subscription_id: Option<String>,
    /// What to return (1.1).
    pub poll_parameters: Option<PollParameters>,
    /// Content bindings wanted (1.0 only; 1.1 puts them in the poll parameters).
    pub content_bindings: Vec<ContentBinding>,
    /// An XML signature over the message.
    pub signature: Option<Signature>,
}

impl PollRequest {
    /// A poll of `collection_name` with default poll parameters (full content, any binding).
    pub fn new(message_id: MessageId, collection_name: impl Into<String>) -> Self {
        Self {
            message_id,
            extended_headers: Vec::new(),
            collection_name: collection_name.into(),
            exclusive_begin_timestamp_label: None,
            inclusive_end_timestamp_label: None,
            subscription_id: None,
            poll_parameters: Some(PollParameters::default()),
            content_bindings: Vec::new(),
            signature: None,
        }
    }

    /// A poll on behalf of a subscription (no poll parameters).
    pub fn for_subscription(
        message_id: MessageId,
        collection_name: impl Into<String>,
        subscription_id: impl Into<String>,
    ) -> Self {
        let mut request = Self::new(message_id, collection_name);
        request.poll_parameters = None;
        request.subscription_id = Some(subscription_id.into());
        request
    }

    /// Restricts the time window.
    #[must_use]
    pub fn with_window(mut self, begin: Option<Timestamp>, end: Option<Timestamp>) -> Self {
        self.exclusive_begin_timestamp_label = begin;
        self.inclusive_end_timestamp_label = end;
        self
    }
}

/// `Record_Count`: how many records a result holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RecordCount {
    /// The count.
    pub count: u64,
    /// Whether it is a lower bound rather than exact (`@partial_count`).
    pub partial_count: bool,
}

impl RecordCount {
    /// An exact count.
    pub fn exact(count: u64) -> Self {
        Self {
            count,
            partial_count: false,
        }
    }
}

/// `Poll_Response`: one part of a poll result.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PollResponse {
    /// This message's id.
    pub message_id: MessageId,
    /// The id of the request this answers.
    pub in_response_to: MessageId,
    /// Extended headers.
    pub extended_headers: Vec<ExtendedHeader>,
    /// The collection (feed) polled.
    pub collection_name: String,
    /// Whether more parts follow (1.1).
    pub more: bool,
    /// The id to fetch further parts with (1.1).
    pub result_id: Option<String>,
    /// This part's number, from 1 (1.1).
    pub result_part_number: Option<NonZeroU64>,
    /// The subscription polled for.
    pub subscription_id: Option<String>,
    /// The window's exclusive start (1.1).
    pub exclusive_begin_timestamp_label: Option<Timestamp>,
    /// The window's inclusive start (1.0).
    pub inclusive_begin_timestamp_label: Option<Timestamp>,
    /// The window's inclusive end (required in 1.0).
    pub inclusive_end_timestamp_label: Option<Timestamp>,
    /// How many records the whole result holds (1.1).
    pub record_count: Option<RecordCount>,
    /// A human-readable message.
    pub message: Option<String>,
    /// The content.
    pub content_blocks: Vec<ContentBlock>,
    /// An XML signature over the message.
    pub signature: Option<Signature>,
}

impl PollResponse {
    /// A single, final part holding `content_blocks`.
    pub fn new(
        message_id: MessageId,
        in_response_to: MessageId,
        collection_name: impl Into<String>,
        content_blocks: Vec<ContentBlock>,
    ) -> Self {
        Self {
            message_id,
            in_response_to,
            extended_headers: Vec::new(),
            collection_name: collection_name.into(),
            more: false,
            result_id: None,
            result_part_number: None,
            subscription_id: None,
            exclusive_begin_timestamp_label: None,
            inclusive_begin_timestamp_label: None,
            inclusive_end_timestamp_label: None,
            record_count: None,
            message: None,
            content_blocks,
            signature: None,
        }
    }
}

/// `Poll_Fulfillment` (1.1): asks for one part of an earlier poll result.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PollFulfillmentRequest {
    /// This message's id.
    pub message_id: MessageId,
    /// Extended headers.
    pub extended_headers: Vec<ExtendedHeader>,
    /// The collection polled.
    pub collection_name: String,
    /// The result to fetch from.
    pub result_id: String,
    /// The part wanted.
    pub result_part_number: Option<NonZeroU64>,
    /// An XML signature over the message.
    pub signature: Option<Signature>,
}

impl PollFulfillmentRequest {
    /// A request for part `result_part_number` of `result_id`.
    pub fn new(
        message_id: MessageId,
        collection_name: impl Into<String>,
        result_id: impl Into<String>,
        result_part_number: NonZeroU64,
    ) -> Self {
        Self {
            message_id,
            extended_headers: Vec::new(),
            collection_name: collection_name.into(),
            result_id: result_id.into(),
            result_part_number: Some(result_part_number),
            signature: None,
        }
    }
}
