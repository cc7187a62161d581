//! MISP core format, describeTypes validation, feed format and Sans-IO REST requests.
//!
//! Reads every form in which MISP and PyMISP write events (see [`Document`]), including their
//! quirks (integers as strings or numbers, `"1"`/`"0"` flags, `null`s, empty lists, `source_uuid`
//! on object references), and writes what MISP writes: integers as strings, flags as booleans,
//! keys in MISP's order. Unknown keys survive a round trip in each item's `extra` map.
//!
//! In scope:
//! * the model: [`Event`] and its children ([`Attribute`], [`Object`], [`ObjectReference`],
//!   [`Tag`], [`Galaxy`]/[`GalaxyCluster`], [`Sighting`], [`ShadowAttribute`], [`EventReport`],
//!   [`Org`]); other children (`RelatedEvent`, `SharingGroup`, analyst data, …) are kept verbatim;
//!   fields that are empty in almost every item cost one pointer while empty ([`Extra`] for the
//!   unknown keys, [`Rare`] for an attribute's seldom-set fields);
//! * enumerations with typed out-of-range errors ([`Distribution`], [`ThreatLevel`],
//!   [`Analysis`], [`SightingType`], [`ReferencedType`]);
//! * [`describe_types`] (built-in table or loaded at run time), [`validate`] (strict and lax,
//!   every problem with its JSON path), [`composite`] values;
//! * the [`feed`] format (`manifest.json`, `hashes.csv`, `<uuid>.json`) as pure bytes in and out;
//! * [`rest`]: `http::Request`s for MISP's REST API and typed parsing of its answers.
//!
//! Out of scope: any I/O (sockets, files, clocks: the caller passes bytes and the time), object
//! templates, PGP signatures of feeds, galaxies and taxonomies as data.
//!
//! Limits: every entry point takes (or defaults) [`Limits`], whose document size comes from
//! [`taxii1_core::size::SizeLimit`] (20 MiB by default, never above the 100 MiB hard cap); JSON
//! depth stays serde_json's 128. Hitting a limit is an error, never a truncation.
//!
//! Feature `proptest`: exports `strategy`, proptest generators for events, attributes, objects
//! and tags.
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

mod stream;
mod wire;

pub mod attribute;
pub mod composite;
pub mod describe_types;
pub mod document;
pub mod error;
pub mod event;
pub mod event_report;
pub mod extra;
pub mod feed;
pub mod galaxy;
pub mod limits;
pub mod object;
pub mod org;
pub mod rare;
pub mod rest;
pub mod shadow_attribute;
pub mod sighting;
#[cfg(feature = "proptest")]
pub mod strategy;
pub mod tag;
pub mod text;
pub mod validate;
pub mod vocabulary;

pub use attribute::Attribute;
pub use document::Document;
pub use error::{Error, Result};
pub use event::Event;
pub use event_report::EventReport;
pub use extra::Extra;
pub use galaxy::{Galaxy, GalaxyCluster};
pub use limits::Limits;
pub use object::{Object, ObjectReference};
pub use org::Org;
pub use rare::Rare;
pub use shadow_attribute::ShadowAttribute;
pub use sighting::Sighting;
pub use tag::Tag;
pub use text::Text;
pub use vocabulary::{Analysis, Distribution, ReferencedType, SightingType, ThreatLevel};
