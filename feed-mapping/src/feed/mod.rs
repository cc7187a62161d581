//! Feed definitions and the rules that keep them safe.
//!
//! Two platform instances exchange data through a pair of feeds: Alice's outgoing feed and
//! Barbara's incoming feed. This module types those definitions ([`FeedDefinition`],
//! [`Transport`], [`TaxiiSettings`], [`MispSettings`], …), loads them from TOML or JSON feed files
//! ([`FeedConfig::from_toml_str`]) with errors that name the file, line and field, checks a pair
//! ([`check_pair`]), carries the configured package size limits ([`PackageSizeLimits`]), and
//! decides which directories mount-point feeds may touch ([`MountPointPolicy`]).
//!
//! Everything here is Sans-IO: the caller reads the file, resolves mount-point paths on disk and
//! supplies environment variables through a [`SecretResolver`].
//!
//! # Feed file
//!
//! ```toml
//! [limits]                        # optional; defaults from taxii1_core::size
//! max_blob_size = "20 MiB"        # MAX_BLOB_SIZE, at most 100 MiB
//! max_uploaded_blob_size = "10 MiB"
//!
//! [mount_points]                  # optional; empty lists allow nothing
//! poll_allowlist = ["/srv/feeds/in"]
//! push_allowlist = ["/srv/feeds/out"]
//!
//! [[outgoing]]                    # or [[incoming]]
//! name = "eiq-to-barbara"         # unique across incoming and outgoing feeds
//! transport = "taxii-poll"        # taxii-inbox | taxii-poll | misp-upload | mount-point
//! content_type = "eclecticiq-json" # eclecticiq-json | misp-json | stix
//! datasets = ["shared-with-barbara"]
//! schedule = "every 1h"           # manual | every <n>m|h|d
//!
//! [outgoing.taxii]                # [outgoing.misp] / [outgoing.mount_point] for the others
//! version = "1.1"
//! collection_name = "eiq-outgoing"
//! basic_auth = { username = "barbara" }
//! ```
//!
//! Secrets (`basic_auth.password`, `misp.key`, `client_certificate.*`) are written
//! `{ env = "VARIABLE" }` or `{ value = "..." }` and never appear in `Debug` output or errors.

mod definition;
mod error;
mod limits;
mod load;
mod locate;
mod mount_policy;
mod pair_check;
mod secret;

pub use definition::{
    BasicAuth, ClientCertificate, ContentType, FeedConfig, FeedDefinition, MispSettings,
    MountPointSettings, Schedule, TaxiiSettings, Transport, TransportKind, UnknownName,
    UpdateStrategy,
};
pub use error::{Error, Location, Result};
pub use limits::{ConfigLimits, PackageSizeLimits};
pub use load::ConfigFormat;
pub use mount_policy::{MountAccess, MountPointPolicy, PathRefusal, RefusalReason};
pub use pair_check::{Finding, Side, check_pair};
pub use secret::{NoSecrets, REDACTED, Secret, SecretResolver};
