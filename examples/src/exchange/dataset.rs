//! The dataset Alice shares with Barbara: five EclecticIQ JSON packages shipped in
//! `examples/data/` and compiled into the binary, so the exchange needs no set-up.
//!
//! What it holds (all addresses and names are documentation ranges and example domains):
//! - incident *Credential phishing against the finance department* with extracts of its own,
//!   linked to two indicators, a TTP, a threat actor and a shared staging-server indicator;
//! - incident *Ransomware intrusion through an exposed RDP gateway* with extracts of its own
//!   (one of a kind MISP has no simple type for), linked to a payload indicator, the same threat
//!   actor and the same staging-server indicator (both linked to both incidents);
//! - an orphan indicator (a scanner linked to no incident);
//! - an indicator whose incident is only referenced by an `incident_ref` stub (kept in another
//!   organisation's dataset);
//! - relations that cross packages (package 4 links entities of packages 1 and 3).

use eiq_json::{Limits, Package};
use taxii1_core::ContentBlock;

/// One shipped package file: its name in `examples/data/` and its JSON text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShippedPackage {
    /// The file name, e.g. `alice-01-phishing-incident.json`.
    pub name: &'static str,
    /// The package JSON.
    pub json: &'static str,
}

/// The shipped packages, in the order Alice publishes them.
pub const SHIPPED: [ShippedPackage; 5] = [
    ShippedPackage {
        name: "alice-01-phishing-incident.json",
        json: include_str!("../../data/alice-01-phishing-incident.json"),
    },
    ShippedPackage {
        name: "alice-02-phishing-attachment.json",
        json: include_str!("../../data/alice-02-phishing-attachment.json"),
    },
    ShippedPackage {
        name: "alice-03-ransomware-incident.json",
        json: include_str!("../../data/alice-03-ransomware-incident.json"),
    },
    ShippedPackage {
        name: "alice-04-actor-and-ttps.json",
        json: include_str!("../../data/alice-04-actor-and-ttps.json"),
    },
    ShippedPackage {
        name: "alice-05-unlinked-indicators.json",
        json: include_str!("../../data/alice-05-unlinked-indicators.json"),
    },
];

/// The shipped packages as TAXII content blocks (binding `urn:eclecticiq.com:json:1.0`), each
/// checked to be a valid package first so Alice never publishes something Barbara must refuse.
///
/// # Errors
/// [`super::Error::ShippedDataset`] naming the file, should a shipped package be invalid.
pub fn content_blocks() -> Result<Vec<ContentBlock>, super::Error> {
    SHIPPED
        .iter()
        .map(|shipped| {
            let bad = |source| super::Error::ShippedDataset {
                name: shipped.name,
                source,
            };
            let package = Package::from_json_with(shipped.json.as_bytes(), &Limits::default())
                .map_err(bad)?;
            // The block carries the file's own bytes (not a re-serialisation), as a platform
            // serving stored packages would.
            let mut block = package.to_content_block().map_err(bad)?;
            block.content = taxii1_core::Content::text(shipped.json.to_owned());
            Ok(block)
        })
        .collect()
}
