//! EclecticIQ JSON: the content model EclecticIQ Intelligence Center instances exchange over
//! TAXII 1.x, as typed serde structures that never lose a field.
//!
//! A *package* (`content-type` `urn:eclecticiq.com:json:1.0` or `:2.0`) carries *entities*:
//! STIX 1.2-shaped incidents, indicators, TTPs, … with platform `meta` (TLP, tags, reliability)
//! and *extracts* (observables). Relations between entities are entities of type `relation`;
//! entities outside a package appear as `<type>_ref` stubs. The [`Dataset`] graph answers which
//! entities are linked to an incident — what the outgoing MISP feed needs.
//!
//! **In scope:** the package envelope, bare and wrapped (API / legacy) entities, typed bodies
//! for every IC 2.x type plus `relation`, the IC 3.x STIX 2.1-style types, typed `meta` and
//! extracts, open vocabularies (all 77 extract kinds), the graph view, builders, TAXII content
//! block helpers, the Observables CSV row format ([`observables_csv`]), size and count limits.
//!
//! **Out of scope:** I/O of any kind (this crate is Sans-IO: callers bring bytes), PGP
//! signatures on packages, the undocumented `entities_v2` shape (kept as raw JSON), the
//! REST API.
//!
//! **Lossless:** every struct keeps unknown members in its `extra` ([`Extra`], a map allocated
//! only when there are some), and optional members are [`Field`]s that remember absent vs
//! `null`, so `to_json(from_json(x))` equals `x` as a JSON value. The only rewrites are
//! canonical spellings of closed vocabularies and known entity types (`amber` → `AMBER`,
//! `" EclecticIQ-sighting"` → `eclecticiq-sighting`) and the string `"null"` as a TLP colour,
//! read as `null`.
//!
//! **Limits:** [`Limits`] holds the TAXII side's [`taxii1_core::size::SizeLimit`] (20 MiB
//! default, 100 MiB cap), checked before parsing, plus entity and extract counts. Errors name
//! the JSON path (`entities[3].meta.tlp_color`) and line/column ([`Error::Json`]).
//!
//! **Features:** `proptest` exports generators in `strategy` for other crates' tests.
//!
//! The field reference is the project's reconstructed model (`shared/docs/eiq-json-model.md`,
//! sections 2–7); fields marked inferred there are typed loosely or kept as JSON.
//!
//! ```
//! use eiq_json::{Dataset, EntityType, Package, Tlp};
//!
//! let json = br#"{
//!   "content-type": "urn:eclecticiq.com:json:1.0",
//!   "entities": [
//!     {"id": "2241e780-5ab2-5c27-86be-1774b6079ab7",
//!      "data": {"type": "incident", "title": "Credential phishing"},
//!      "meta": {"tlp_color": "AMBER", "x_custom": 1}},
//!     {"id": "70c62266-2d61-5800-9123-cf55992b6f5a",
//!      "data": {"type": "indicator", "title": "C2 domain"},
//!      "extracts": [{"kind": "domain", "value": "update-cdn.example.net",
//!                    "meta": {"classification": "bad", "confidence": "high"}}]},
//!     {"id": "cd2ff4b7-b3b4-58f6-8990-d2a1892855b5",
//!      "data": {"type": "relation", "key": "related_indicators",
//!               "source": "2241e780-5ab2-5c27-86be-1774b6079ab7", "source_type": "incident",
//!               "target": "70c62266-2d61-5800-9123-cf55992b6f5a", "target_type": "indicator"}}
//!   ],
//!   "platform_version": "2.14.0"
//! }"#;
//! let package = Package::from_json(json)?;
//! let incident = &package.entities()[0];
//! assert_eq!(incident.entity_type(), &EntityType::INCIDENT);
//! assert_eq!(incident.tlp(), Some(Tlp::Amber));
//!
//! // Unknown members survive the round trip.
//! let written: serde_json::Value = serde_json::from_slice(&package.to_json()?).unwrap();
//! assert_eq!(written, serde_json::from_slice::<serde_json::Value>(json).unwrap());
//!
//! // What is linked to the incident, and how.
//! let dataset = Dataset::from_packages([&package]);
//! let members = dataset.incident_members(&incident.id);
//! assert_eq!(members.len(), 1);
//! assert_eq!(members[0].entity.extracts()[0].value.as_text(), "update-cdn.example.net");
//!
//! // Bad input names the path.
//! let bad = br#"{"content-type": "urn:eclecticiq.com:json:1.0", "entities": [
//!   {"id": "2241e780-5ab2-5c27-86be-1774b6079ab7", "data": {"type": "incident"},
//!    "meta": {"tlp_color": "PURPLE"}}]}"#;
//! let err = Package::from_json(bad).unwrap_err();
//! assert!(matches!(err, eiq_json::Error::Json { ref path, .. } if path == "entities[0].meta.tlp_color"));
//! # Ok::<(), eiq_json::Error>(())
//! ```

pub mod builder;
pub mod data;
mod entity;
mod error;
mod extra;
mod extract;
mod field;
pub mod graph;
mod id;
mod json;
mod limits;
pub mod observables_csv;
mod package;
#[cfg(feature = "proptest")]
pub mod strategy;
mod taxii;
mod vocab;

pub use data::EntityData;
pub use entity::{Entity, EntityDraft, Meta, Source, WrappedEntity};
pub use error::{Error, LimitKind, Result};
pub use extra::Extra;
pub use extract::{
    BundledExtract, Extract, ExtractMeta, ExtractValue, InstanceMeta, ManualExtract,
};
pub use field::Field;
pub use graph::Dataset;
pub use id::{EntityId, InvalidEntityId, qualified_id, reference_uuid};
pub use limits::Limits;
pub use package::{ContentType, CountMismatch, Document, Enrichment, Package};
pub use vocab::{
    Classification, EntityType, ExtractConfidence, ExtractKind, LinkType, RelationKey,
    SourceReliability, Tlp,
};

/// The TAXII content binding ids of EclecticIQ JSON, defined once in `taxii1-core`.
pub use taxii1_core::ContentBindingId;
