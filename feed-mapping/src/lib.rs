//! Incident-rooted mapping between EclecticIQ JSON and MISP, and feed definitions.
//!
//! # Mapping
//!
//! * [`outgoing`]: a dataset (one or more packages) → one MISP event per incident, with every
//!   linked entity's extracts as attributes (or objects, opt-in) and a report of everything not
//!   mapped ([`map_dataset`], [`MappingOutcome::report_json`]).
//! * [`sync`]: given the previously pushed event, the attributes to add, update and delete
//!   ([`sync_plan`]); identities are UUIDv5 ([`identity`]), so re-runs are idempotent.
//! * [`incoming`]: MISP events → one package ([`events_to_package`]).
//! * The explicit tables: [`kinds`] (77 extract kinds ↔ MISP types/categories, value checks),
//!   [`markings`] (TLP, distribution, `to_ids`, threat level, analysis), [`objects`] (templates).
//!
//! ```
//! use eiq_json::{Dataset, Package};
//! use feed_mapping::{MappingOptions, map_dataset, sync_plan};
//!
//! let package = Package::from_json(br#"{"content-type": "urn:eclecticiq.com:json:1.0",
//!   "entities": [
//!   {"id": "2241e780-5ab2-5c27-86be-1774b6079ab7", "data": {"type": "incident", "title": "Phish"},
//!    "meta": {"tlp_color": "AMBER"},
//!    "extracts": [{"kind": "ipv4", "value": "198.51.100.23",
//!                  "meta": {"classification": "bad", "confidence": "high"}}]},
//!   {"id": "ef0f5e4c-970b-5d60-82d7-ec9920a58300", "data": {"type": "indicator"},
//!    "extracts": [{"kind": "domain", "value": "scan.example.net"}]}]}"#)?;
//! let outcome = map_dataset(&Dataset::from_packages([&package]), &MappingOptions::default());
//! assert_eq!(outcome.events.len(), 1);
//! assert_eq!(outcome.events[0].attributes[0].attribute_type, "ip-dst");
//! assert_eq!(outcome.skipped[0].reason.to_string(), "linked to no incident");
//! // Mapping again changes nothing.
//! let again = map_dataset(&Dataset::from_packages([&package]), &MappingOptions::default());
//! assert!(sync_plan(&outcome.events[0], &again.events[0]).is_empty());
//! # Ok::<(), eiq_json::Error>(())
//! ```
//!
//! # Feed definitions
//!
//! The [`feed`] module types the incoming and outgoing feeds of a platform instance, loads them
//! from TOML or JSON feed files with errors that name the file, line and field, checks that an
//! Alice→Barbara feed pair can exchange data, carries the configured package size limits, and
//! decides which directories mount-point feeds may touch. It does no I/O: clients read the files
//! and pass environment lookups in.
//!
//! ```
//! use feed_mapping::feed::{check_pair, FeedConfig, NoSecrets};
//!
//! let alice = FeedConfig::from_toml_str(r#"
//!     [[outgoing]]
//!     name = "to-barbara"
//!     transport = "taxii-poll"
//!     content_type = "eclecticiq-json"
//!     [outgoing.taxii]
//!     collection_name = "eiq-outgoing"
//! "#, "alice.toml", &NoSecrets)?;
//! let barbara = FeedConfig::from_toml_str(r#"
//!     [[incoming]]
//!     name = "from-alice"
//!     transport = "taxii-poll"
//!     content_type = "eclecticiq-json"
//!     [incoming.taxii]
//!     poll_url = "https://alice.example/taxii/poll"
//!     collection_name = "eiq-outgoing"
//! "#, "barbara.toml", &NoSecrets)?;
//!
//! let findings = check_pair(&alice.outgoing[0], &barbara.incoming[0]);
//! assert!(findings.is_empty(), "{findings:?}");
//! assert_eq!(alice.package_size_limits.max_blob_size().bytes(), 20 * 1024 * 1024);
//! # Ok::<(), feed_mapping::feed::Error>(())
//! ```

pub mod feed;
pub mod identity;
pub mod incoming;
pub mod kinds;
pub mod markings;
pub mod objects;
pub mod outgoing;
pub mod sync;

pub use incoming::{IncomingOptions, IncomingOutcome, events_to_package, map_events};
pub use outgoing::{
    MappedEvents, MappingOptions, MappingOutcome, MappingReport, SkipReason, Skipped,
    SkippedExtract, map_dataset, map_dataset_events,
};
pub use sync::{SyncPlan, sync_plan};
