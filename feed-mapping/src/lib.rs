//! Mapping between EclecticIQ JSON and MISP (under construction), and feed definitions.
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
    MappingOptions, MappingOutcome, SkipReason, Skipped, SkippedExtract, map_dataset,
};
pub use sync::{SyncPlan, sync_plan};
