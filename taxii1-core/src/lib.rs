//! Sans-IO TAXII 1.1 and 1.0: the XML message codec and the HTTP binding.
//!
//! This crate turns bytes into typed TAXII messages and back. It opens no sockets, starts no
//! threads and reads no clock: a client or server brings its own transport and passes
//! `http::Request`/`http::Response` values (see [`binding`]) or raw bytes.
//!
//! # In scope
//! - Every message of TAXII 1.1 (XML Message Binding 1.1) and TAXII 1.0 (XML Message Binding
//!   1.0) with every field and attribute: status messages and their structured details,
//!   discovery, collection (feed) information, subscription management, poll, poll fulfillment,
//!   inbox; extended headers and XML signatures (carried, not verified).
//! - The TAXII Default Query 1.0 (criteria, criterion, test) and its capability descriptions.
//! - Content blocks kept exactly as received: XML payloads as standalone fragments (namespace
//!   declarations inherited from the envelope are carried along), text payloads such as
//!   EclecticIQ JSON decoded; parsed from a [`bytes::Bytes`], payloads share its buffer.
//!   [`ContentBlocks`] reads a large `Poll_Response` or `Inbox_Message` one block at a time.
//! - Hostile input: [`Limits`] checked before allocating; no DTDs, no entity expansion,
//!   UTF-8 only; errors name the element path and byte offset.
//!
//! # Out of scope
//! - Transports (see the `examples` crate for a ureq-based client and a loopback server),
//!   XML signature verification, TAXII 2.x.
//!
//! # One model for both versions
//! TAXII 1.0 and 1.1 describe the same services with mostly the same fields, so this crate has
//! one version-neutral model: [`Message::from_xml`] detects the version from the root element's
//! namespace and returns it beside the message ([`Parsed`]); [`Message::to_xml`] takes the
//! version to write. A client can thus speak either version with the same code. Fields that only
//! one version has are documented as such; writing one that the target version cannot express
//! is [`Error::NotRepresentable`], never a silent drop. (The alternative, a module per version,
//! would have doubled every type for a handful of differences.)
//!
//! # Example
//! ```
//! use taxii1_core::message::{PollRequest, MessageId, ContentBlock, PollResponse};
//! use taxii1_core::{Content, ContentBinding, ContentBindingId, Message, Version};
//!
//! // Build and write a poll request.
//! let request = PollRequest::new(MessageId::new("42")?, "eiq-outgoing");
//! let xml = Message::from(request).to_xml(Version::V1_1)?;
//! assert!(xml.starts_with(b"<taxii_11:Poll_Request"));
//!
//! // Read a response.
//! let body = br#"<taxii_11:Poll_Response xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1"
//!     message_id="43" in_response_to="42" collection_name="eiq-outgoing">
//!   <taxii_11:Content_Block>
//!     <taxii_11:Content_Binding binding_id="urn:eclecticiq.com:json:1.0"/>
//!     <taxii_11:Content>{"entities": []}</taxii_11:Content>
//!   </taxii_11:Content_Block>
//! </taxii_11:Poll_Response>"#;
//! let parsed = Message::from_xml(body)?;
//! assert_eq!(parsed.version, Version::V1_1);
//! let Message::PollResponse(response) = parsed.message else { unreachable!() };
//! let block = &response.content_blocks[0];
//! assert_eq!(block.content_binding.binding_id, ContentBindingId::EIQ_JSON_1_0);
//! assert_eq!(block.content.as_str(), r#"{"entities": []}"#);
//! # Ok::<(), taxii1_core::Error>(())
//! ```
//!
//! # Features
//! - `proptest`: exports `strategy`, generators of arbitrary messages for property tests.
//!
//! # Specifications
//! TAXII Services Specification 1.1 and 1.0; TAXII XML Message Binding Specification 1.1 and
//! 1.0; TAXII HTTP Protocol Binding Specification 1.0; TAXII Default Query Specification 1.0.

pub mod binding;
pub mod error;
pub mod limits;
pub mod message;
pub mod size;
#[cfg(feature = "proptest")]
pub mod strategy;
pub mod timestamp;
pub mod urn;
pub mod version;
pub mod vocab;
mod xml;

pub use error::{Error, Result};
pub use limits::Limits;
pub use message::{
    Content, ContentBinding, ContentBlock, ContentKind, Message, MessageKind, Parsed,
};
pub use timestamp::Timestamp;
pub use version::Version;
pub use vocab::ContentBindingId;
pub use xml::stream::ContentBlocks;
