//! MISP core format, describeTypes validation, feed format and Sans-IO REST requests.
//!
//! Reads every form in which MISP and PyMISP write events (see [`Document`]), including their
//! quirks (integers as strings, `"1"` flags, `null`s, `source_uuid`), and writes what MISP writes.
//! Unknown keys survive a round trip in each item's `extra` map.
//!
//! ```
//! use misp_model::{Attribute, Distribution, Document, Event};
//!
//! let doc = Document::from_json(br#"{"Event":{"info":"x","distribution":1,
//!     "Attribute":[{"type":"ip-dst","value":"203.0.113.7","to_ids":"1","x-custom":true}]}}"#)?;
//! let event = &doc.events()[0];
//! assert_eq!(event.distribution, Some(Distribution::Community));
//! assert_eq!(event.attributes[0].to_ids, Some(true));
//! assert_eq!(
//!     String::from_utf8(event.to_json()).unwrap(),
//!     r#"{"Event":{"info":"x","distribution":"1","Attribute":[{"type":"ip-dst","to_ids":true,"value":"203.0.113.7","x-custom":true}]}}"#
//! );
//! # Ok::<(), misp_model::Error>(())
//! ```

mod wire;

pub mod attribute;
pub mod composite;
pub mod describe_types;
pub mod document;
pub mod error;
pub mod event;
pub mod event_report;
pub mod feed;
pub mod galaxy;
pub mod limits;
pub mod object;
pub mod org;
pub mod rest;
pub mod shadow_attribute;
pub mod sighting;
pub mod tag;
pub mod validate;
pub mod vocabulary;

pub use attribute::Attribute;
pub use document::Document;
pub use error::{Error, Result};
pub use event::Event;
pub use event_report::EventReport;
pub use galaxy::{Galaxy, GalaxyCluster};
pub use limits::Limits;
pub use object::{Object, ObjectReference};
pub use org::Org;
pub use shadow_attribute::ShadowAttribute;
pub use sighting::Sighting;
pub use tag::Tag;
pub use vocabulary::{Analysis, Distribution, ReferencedType, SightingType, ThreatLevel};
