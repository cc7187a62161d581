//! What one exchange did, for the person who ran it: a text summary ([`std::fmt::Display`]) and
//! the same facts as JSON ([`Report::to_json`], the `--json` output).

use std::collections::BTreeMap;
use std::fmt;

use feed_mapping::outgoing::Skipped;
use serde_json::{Value, json};
use taxii1_core::Version;
use url::Url;

use super::Mode;
use super::misp::{FeedWritten, PushAction, Pushed};
use super::taxii::Service;

/// A content block Barbara could not ingest, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedBlock {
    /// The result part it came in.
    pub part: u64,
    /// Its 1-based index in that part.
    pub index: usize,
    /// Why it was not ingested.
    pub reason: String,
}

/// One MISP event produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSummary {
    /// Its UUID.
    pub uuid: String,
    /// Its `info` (the incident title).
    pub info: String,
    /// Its date.
    pub date: Option<String>,
    /// Attributes directly on the event.
    pub attributes: usize,
    /// MISP objects.
    pub objects: usize,
}

/// Where the events went.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OutputSummary {
    /// A MISP feed directory.
    Feed(FeedWritten),
    /// A MISP instance.
    Misp {
        /// Its base URL.
        url: String,
        /// What happened to each event.
        pushed: Vec<Pushed>,
    },
}

/// Who hosted the TAXII services.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServerSummary {
    /// Started by this run on a free loopback port, stopped at its end.
    Embedded {
        /// `Alice` (poll: her collection) or `Barbara` (inbox: her inbox).
        host: &'static str,
        /// The server's base URL.
        base_url: Url,
        /// The account it required.
        username: String,
    },
    /// A server given with `--taxii-url`.
    External {
        /// Its discovery URL.
        discovery_url: Url,
    },
}

/// Everything one exchange did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Report {
    /// Poll or inbox.
    pub mode: Mode,
    /// TAXII version spoken.
    pub taxii_version: Version,
    /// Who hosted the services.
    pub server: ServerSummary,
    /// Feed definitions: where they came from.
    pub feed_source: String,
    /// Alice's feed: `file: name`.
    pub alice_feed: String,
    /// Barbara's feed: `file: name`.
    pub barbara_feed: String,
    /// Things the user should know (URLs re-pointed, credentials over loopback http, …).
    pub notes: Vec<String>,
    /// Services discovery announced.
    pub services: Vec<Service>,
    /// The collection exchanged.
    pub collection: String,
    /// Blocks Alice pushed (inbox mode), in this many inbox messages.
    pub pushed_blocks: usize,
    /// Poll result parts received.
    pub parts: usize,
    /// Content blocks received.
    pub blocks: usize,
    /// Bytes of content received.
    pub bytes: usize,
    /// Packages ingested.
    pub packages: usize,
    /// Entities in the ingested dataset, by type.
    pub entities: BTreeMap<String, usize>,
    /// Blocks not ingested.
    pub skipped_blocks: Vec<SkippedBlock>,
    /// Events produced.
    pub events: Vec<EventSummary>,
    /// What the mapping did not map, and why.
    pub skipped: Vec<Skipped>,
    /// Entity titles by id, to name skipped entities.
    pub titles: BTreeMap<String, String>,
    /// Where the events went.
    pub output: OutputSummary,
}

fn version_text(version: Version) -> &'static str {
    match version {
        Version::V1_0 => "1.0",
        _ => "1.1",
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Report {
    /// The summary as JSON (`--json`): the same facts as the text, machine-readable.
    pub fn to_json(&self) -> Value {
        let server = match &self.server {
            ServerSummary::Embedded {
                host,
                base_url,
                username,
            } => {
                json!({"kind": "embedded", "host": host, "base_url": base_url.as_str(), "username": username})
            }
            ServerSummary::External { discovery_url } => {
                json!({"kind": "external", "discovery_url": discovery_url.as_str()})
            }
        };
        let output = match &self.output {
            OutputSummary::Feed(feed) => json!({
                "kind": "misp-feed",
                "dir": feed.dir.display().to_string(),
                "files": feed.files,
                "hashes": feed.hashes,
                "removed": feed.removed,
            }),
            OutputSummary::Misp { url, pushed } => json!({
                "kind": "misp-instance",
                "url": url,
                "events": pushed.iter().map(|p| {
                    let mut entry = json!({"uuid": p.uuid});
                    if let Value::Object(map) = &mut entry {
                        match &p.action {
                            PushAction::Added => { map.insert("action".into(), "added".into()); }
                            PushAction::Updated { added, updated, deleted } => {
                                map.insert("action".into(), "updated".into());
                                map.insert("attributes_added".into(), (*added).into());
                                map.insert("attributes_updated".into(), (*updated).into());
                                map.insert("attributes_deleted".into(), (*deleted).into());
                            }
                            PushAction::Unchanged => { map.insert("action".into(), "unchanged".into()); }
                        }
                    }
                    entry
                }).collect::<Vec<_>>(),
            }),
        };
        json!({
            "mode": self.mode.as_str(),
            "taxii_version": version_text(self.taxii_version),
            "server": server,
            "feeds": {"source": self.feed_source, "alice": self.alice_feed, "barbara": self.barbara_feed, "pair_check": "passed"},
            "notes": self.notes,
            "services": self.services.iter().map(|s| json!({"type": s.service_type, "address": s.address})).collect::<Vec<_>>(),
            "transfer": {
                "collection": self.collection,
                "pushed_blocks": self.pushed_blocks,
                "parts": self.parts,
                "blocks": self.blocks,
                "bytes": self.bytes,
            },
            "ingested": {
                "packages": self.packages,
                "entities": self.entities,
                "skipped_blocks": self.skipped_blocks.iter().map(|b| json!({"part": b.part, "index": b.index, "reason": b.reason})).collect::<Vec<_>>(),
            },
            "events": self.events.iter().map(|e| json!({
                "uuid": e.uuid, "info": e.info, "date": e.date, "attributes": e.attributes, "objects": e.objects,
            })).collect::<Vec<_>>(),
            "skipped": self.skipped.iter().map(|s| {
                let mut entry = s.to_json();
                if let (Value::Object(map), Some(title)) = (&mut entry, self.titles.get(&s.entity_id)) {
                    map.insert("title".into(), title.clone().into());
                }
                entry
            }).collect::<Vec<_>>(),
            "output": output,
        })
    }

    fn skipped_line(&self, skipped: &Skipped) -> String {
        let short: String = skipped.entity_id.chars().take(8).collect();
        let title = self
            .titles
            .get(&skipped.entity_id)
            .map(|t| format!(" \"{t}\""))
            .unwrap_or_default();
        match &skipped.extract {
            Some(extract) => format!(
                "{} {short}…{title}, extract {} `{}`: {}",
                skipped.entity_type, extract.kind, extract.value, skipped.reason
            ),
            None => format!(
                "{} {short}…{title}: {}",
                skipped.entity_type, skipped.reason
            ),
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let version = version_text(self.taxii_version);
        writeln!(
            f,
            "Alice -> Barbara over TAXII {version} {} (EclecticIQ JSON)",
            self.mode.as_str()
        )?;
        match &self.server {
            ServerSummary::Embedded {
                host,
                base_url,
                username,
            } => writeln!(
                f,
                "  server:    {host}'s embedded TAXII server at {base_url} (account `{username}`, password generated for this run)"
            )?,
            ServerSummary::External { discovery_url } => {
                writeln!(
                    f,
                    "  server:    external TAXII server, discovery at {discovery_url}"
                )?;
            }
        }
        writeln!(
            f,
            "  feeds:     {} -> {} ({}); pair check passed",
            self.alice_feed, self.barbara_feed, self.feed_source
        )?;
        for note in &self.notes {
            writeln!(f, "  note:      {note}")?;
        }
        let types: Vec<&str> = self.services.iter().map(|s| s.service_type).collect();
        writeln!(
            f,
            "  discovery: {}: {}",
            plural(self.services.len(), "service", "services"),
            types.join(", ")
        )?;
        if self.mode == Mode::Inbox {
            writeln!(
                f,
                "  pushed:    {} into Barbara's inbox, collection {}",
                plural(self.pushed_blocks, "package", "packages"),
                self.collection
            )?;
        }
        writeln!(
            f,
            "  polled:    {} in {} from {} ({} bytes)",
            plural(self.blocks, "content block", "content blocks"),
            plural(self.parts, "part", "parts"),
            self.collection,
            self.bytes
        )?;
        let total: usize = self.entities.values().sum();
        let by_type: Vec<String> = self
            .entities
            .iter()
            .map(|(t, n)| format!("{t} {n}"))
            .collect();
        writeln!(
            f,
            "  ingested:  {}, {} ({})",
            plural(self.packages, "package", "packages"),
            plural(total, "entity", "entities"),
            by_type.join(", ")
        )?;
        for block in &self.skipped_blocks {
            writeln!(
                f,
                "    not ingested: part {} block {}: {}",
                block.part, block.index, block.reason
            )?;
        }
        writeln!(
            f,
            "  mapped:    {} (one per incident)",
            plural(self.events.len(), "MISP event", "MISP events")
        )?;
        for event in &self.events {
            writeln!(
                f,
                "    {} {}{}: \"{}\"",
                event.uuid,
                plural(event.attributes, "attribute", "attributes"),
                if event.objects > 0 {
                    format!(", {}", plural(event.objects, "object", "objects"))
                } else {
                    String::new()
                },
                event.info
            )?;
        }
        writeln!(
            f,
            "  skipped:   {}",
            plural(self.skipped.len(), "item", "items")
        )?;
        for skipped in &self.skipped {
            writeln!(f, "    {}", self.skipped_line(skipped))?;
        }
        match &self.output {
            OutputSummary::Feed(feed) => {
                write!(
                    f,
                    "  output:    MISP feed in {}/ ({}, hashes.csv with {}, manifest.json)",
                    feed.dir.display(),
                    plural(
                        feed.files.len().saturating_sub(2),
                        "event file",
                        "event files"
                    ),
                    plural(feed.hashes, "line", "lines")
                )?;
                if !feed.removed.is_empty() {
                    write!(
                        f,
                        "; removed {} of an earlier run",
                        plural(feed.removed.len(), "event file", "event files")
                    )?;
                }
                writeln!(f)?;
            }
            OutputSummary::Misp { url, pushed } => {
                writeln!(f, "  output:    MISP instance {url}")?;
                for p in pushed {
                    let action = match &p.action {
                        PushAction::Added => "added".to_owned(),
                        PushAction::Updated {
                            added,
                            updated,
                            deleted,
                        } => format!(
                            "updated ({added} attributes added, {updated} updated, {deleted} deleted)"
                        ),
                        PushAction::Unchanged => "unchanged (already up to date)".to_owned(),
                    };
                    writeln!(f, "    {} {action}", p.uuid)?;
                }
            }
        }
        Ok(())
    }
}
