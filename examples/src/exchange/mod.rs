//! The end-to-end Alice → Barbara exchange behind `cargo run -p examples --bin exchange`.
//!
//! 1. **Alice** publishes the shipped EclecticIQ JSON dataset ([`dataset`]). By default she runs
//!    an embedded TAXII server ([`crate::taxii_server`]) on a free loopback port, with the
//!    dataset in her outgoing collection.
//! 2. **Barbara** checks the Alice/Barbara feed definitions pair ([`feeds`]), discovers the
//!    services, polls the collection (basic auth, every result part) and ingests the packages
//!    into one [`eiq_json::Dataset`]. In [`Mode::Inbox`] the roles of the server flip: Barbara
//!    runs the server, Alice pushes each package into Barbara's inbox, and Barbara then reads
//!    her inbox collection.
//! 3. The dataset is mapped to MISP events, one per incident
//!    ([`feed_mapping::outgoing::map_dataset_events`]), and each event, as soon as it is
//!    mapped, is written to a MISP feed directory ([`misp::FeedDir`]) or pushed to a MISP
//!    instance ([`misp::MispPush`], which updates instead of duplicating on a re-run).
//! 4. A [`Report`] says what was polled, which events were written with how many attributes,
//!    what was skipped and why, and where the output is.
//!
//! Credentials travel over plain `http://` only to loopback addresses (the embedded server):
//! the client is told so explicitly (`dangerous_allow_credentials_over_plain_http`), and any
//! other `http://` server with credentials is refused ([`Error::PlainHttpCredentials`]).
//!
//! With an external server ([`ExternalServer`], e.g. the project's OpenTAXII peer from
//! `scripts/opentaxii-start.sh` with feed files naming its `stix-feed` collection), poll mode
//! polls whatever the collection holds and inbox mode pushes the shipped dataset first; blocks
//! pushed by earlier runs come back too, and their entities are reported as duplicates.
//!
//! Output is deterministic: event and attribute UUIDs come from the mapping, and the time
//! stamped on the feed is the newest package timestamp, never the clock; a re-run writes the
//! same bytes.
//!
//! ```no_run
//! use examples::exchange::{ExchangeOptions, NoProgress, run};
//!
//! let report = run(&ExchangeOptions::default(), &NoProgress)?;
//! println!("{report}");
//! # Ok::<(), examples::exchange::Error>(())
//! ```

pub mod dataset;
pub mod feeds;
pub mod misp;
pub mod report;
pub mod taxii;

use std::collections::BTreeMap;
use std::fmt;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use eiq_json::{Dataset, Package};
use feed_mapping::feed::TransportKind;
use feed_mapping::outgoing::{MappingOptions, map_dataset_events};
use taxii1_core::binding::Credentials;
use taxii1_core::{ContentBinding, ContentBindingId, Timestamp, Version};
use url::Url;

use self::feeds::{FeedPair, FeedSource};
use self::misp::{FeedDir, MispPush};
pub use self::report::Report;
use self::report::{EventSummary, OutputSummary, ServerSummary, SkippedBlock};
use self::taxii::{Peer, is_loopback, service_url};
use crate::taxii_server::{CollectionConfig, DISCOVERY_PATH, ServerConfig, TaxiiServer};

/// Where the README's command writes the MISP feed.
pub const DEFAULT_OUTPUT_DIR: &str = "exchange-out";

/// Blocks per poll result part on the embedded server: small, so that the five shipped
/// packages arrive in three parts and the multi-part path is always exercised.
pub const DEFAULT_PART_SIZE: NonZeroUsize = NonZeroUsize::MIN.saturating_add(1);

/// How Alice's packages reach Barbara.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// Barbara polls Alice's collection.
    #[default]
    Poll,
    /// Alice pushes into Barbara's inbox.
    Inbox,
}

impl Mode {
    /// `poll` or `inbox`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Poll => "poll",
            Self::Inbox => "inbox",
        }
    }

    /// The feed transport of this mode.
    pub fn transport_kind(self) -> TransportKind {
        match self {
            Self::Poll => TransportKind::TaxiiPoll,
            Self::Inbox => TransportKind::TaxiiInbox,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A TAXII server not started by the run (`--taxii-url`), e.g. OpenTAXII.
#[derive(Clone, PartialEq, Eq)]
pub struct ExternalServer {
    /// Its discovery service.
    pub discovery_url: Url,
    /// Credentials replacing the connecting feed's own (user name, password).
    pub credentials: Option<(String, String)>,
}

impl fmt::Debug for ExternalServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExternalServer")
            .field("discovery_url", &self.discovery_url.as_str())
            .field(
                "credentials",
                &self
                    .credentials
                    .as_ref()
                    .map(|(user, _)| (user, "<redacted>")),
            )
            .finish()
    }
}

/// Where the MISP events go.
#[derive(Clone, PartialEq, Eq)]
pub enum Output {
    /// A MISP feed directory.
    FeedDir(PathBuf),
    /// A MISP instance's REST API (base URL, API key).
    Misp {
        /// Base URL, e.g. `https://misp.example`.
        url: String,
        /// The API key (never printed).
        key: String,
    },
}

impl fmt::Debug for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FeedDir(dir) => f.debug_tuple("FeedDir").field(dir).finish(),
            Self::Misp { url, .. } => f
                .debug_struct("Misp")
                .field("url", url)
                .field("key", &"<redacted>")
                .finish(),
        }
    }
}

/// Settings of one exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExchangeOptions {
    /// Poll (default) or inbox.
    pub mode: Mode,
    /// Speak this TAXII version on both sides instead of the feeds' own (1.1 in the shipped
    /// files).
    pub taxii_version: Option<Version>,
    /// Use this server instead of starting one.
    pub external: Option<ExternalServer>,
    /// Load `alice.toml`/`barbara.toml` (inbox: `alice-inbox.toml`/`barbara-inbox.toml`) from
    /// this directory instead of the built-in pair.
    pub feeds_dir: Option<PathBuf>,
    /// Where the events go (default `exchange-out/`).
    pub output: Output,
    /// Blocks per poll result part on the embedded server.
    pub part_size: NonZeroUsize,
    /// The creator organisation written on the MISP events.
    pub org_name: String,
    /// Per-request timeout for TAXII and MISP exchanges.
    pub timeout: Duration,
}

impl Default for ExchangeOptions {
    fn default() -> Self {
        Self {
            mode: Mode::Poll,
            taxii_version: None,
            external: None,
            feeds_dir: None,
            output: Output::FeedDir(PathBuf::from(DEFAULT_OUTPUT_DIR)),
            part_size: DEFAULT_PART_SIZE,
            org_name: "Alice CERT".to_owned(),
            timeout: Duration::from_secs(60),
        }
    }
}

impl ExchangeOptions {
    /// The same options in `mode`.
    #[must_use]
    pub fn with_mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// The same options with `output`.
    #[must_use]
    pub fn with_output(mut self, output: Output) -> Self {
        self.output = output;
        self
    }

    /// The same options speaking `version`.
    #[must_use]
    pub fn with_taxii_version(mut self, version: Version) -> Self {
        self.taxii_version = Some(version);
        self
    }

    /// The same options against an external server.
    #[must_use]
    pub fn with_external(mut self, external: ExternalServer) -> Self {
        self.external = Some(external);
        self
    }

    /// The same options with feed definitions from `dir`.
    #[must_use]
    pub fn with_feeds_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.feeds_dir = Some(dir.into());
        self
    }
}

/// Hears about the long steps (polling, pushing, writing), e.g. to drive a progress bar.
pub trait Progress {
    /// A step starts.
    fn begin(&self, step: &str);
    /// The step has `total` units (blocks, files, events).
    fn set_total(&self, total: u64);
    /// `units` more are done; `message` says where the step is.
    fn advance(&self, units: u64, message: &str);
    /// The step is over.
    fn end(&self);
}

/// A [`Progress`] that shows nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn begin(&self, _step: &str) {}
    fn set_total(&self, _total: u64) {}
    fn advance(&self, _units: u64, _message: &str) {}
    fn end(&self) {}
}

/// What stopped an exchange.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A shipped package does not parse (a build problem, caught by the tests).
    #[error("shipped dataset examples/data/{name}: {source}")]
    ShippedDataset {
        /// The file.
        name: &'static str,
        /// Why.
        source: eiq_json::Error,
    },
    /// A feed definitions file cannot be read.
    #[error("cannot read feed definitions {}: {source}", path.display())]
    ReadFeeds {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A feed definitions file does not load (the message names file, line and field).
    #[error("feed definitions: {0}")]
    Feeds(#[from] feed_mapping::feed::Error),
    /// A feed file holds no feed of the transport the mode needs.
    #[error("{file}: no {side} feed with transport `{transport}`")]
    NoTaxiiFeed {
        /// The file.
        file: String,
        /// `outgoing` (Alice) or `incoming` (Barbara).
        side: &'static str,
        /// The transport looked for.
        transport: String,
    },
    /// The Alice/Barbara pair cannot exchange data.
    #[error("the Alice/Barbara feed pair does not fit:\n  {}", findings.join("\n  "))]
    PairCheck {
        /// Each finding, saying what to change where.
        findings: Vec<String>,
    },
    /// A feed needs a setting the exchange cannot do without.
    #[error("{0}")]
    Usage(String),
    /// Credentials would travel over plain `http://` to a host that is not this machine.
    #[error(
        "refusing to send credentials over plain http:// to {url} (only loopback servers may \
         be reached without TLS; use https://)"
    )]
    PlainHttpCredentials {
        /// The URL.
        url: Url,
    },
    /// The embedded TAXII server could not start.
    #[error("cannot start the embedded TAXII server: {0}")]
    Server(#[from] crate::taxii_server::Error),
    /// The discovery service announced no service of a needed type.
    #[error("the discovery service announced no {service_type} service")]
    NoService {
        /// `POLL` or `INBOX`.
        service_type: &'static str,
    },
    /// An HTTP exchange failed (connection, TLS, timeout, oversized body).
    #[error("{0}")]
    Transport(String),
    /// The TAXII peer answered with an error status or an unusable message.
    #[error("TAXII: {0}")]
    Taxii(taxii1_core::Error),
    /// MISP refused the events or answered unexpectedly.
    #[error("MISP: {0}")]
    Misp(misp_model::Error),
    /// Writing the output failed.
    #[error("{what}: {source}")]
    Output {
        /// What was being done.
        what: String,
        /// Why it failed.
        source: std::io::Error,
    },
}

/// A password for the embedded server, new for every run: 128 random bits as hex.
fn run_password() -> String {
    format!("{:016x}{:016x}", taxii::random_u64(), taxii::random_u64())
}

/// Seconds since the Unix epoch of an `xs:dateTime` package timestamp.
fn unix_seconds(text: &str) -> Option<u64> {
    let micros = crate::taxii_server::timestamp_micros(&Timestamp::new(text).ok()?)?;
    u64::try_from(micros / 1_000_000).ok()
}

/// Runs one exchange with `options`, telling `progress` about the long steps.
///
/// # Errors
/// Every [`Error`] variant; nothing partial is reported as success (a feed directory is
/// written only after everything was polled and mapped).
pub fn run(options: &ExchangeOptions, progress: &dyn Progress) -> Result<Report, Error> {
    let mode = options.mode;
    let password = match &options.external {
        Some(ExternalServer {
            credentials: Some((_, password)),
            ..
        }) => password.clone(),
        _ => run_password(),
    };
    let mut feeds = match &options.feeds_dir {
        Some(dir) => FeedPair::load_dir(mode, dir, &password)?,
        None => FeedPair::built_in(mode, &password)?,
    };
    if let Some(version) = options.taxii_version {
        feeds.set_version(version);
    }
    // Everything but the URLs is checked before a server starts.
    feeds.check()?;
    let (serving, connecting) = match mode {
        Mode::Poll => (feeds.alice_taxii(), feeds.barbara_taxii()),
        Mode::Inbox => (feeds.barbara_taxii(), feeds.alice_taxii()),
    };
    let (Some(serving), Some(connecting)) = (serving, connecting) else {
        return Err(Error::Usage("both feeds must use TAXII".into()));
    };
    let version = connecting.version;
    let verify_ssl = connecting.verify_ssl;
    let collection = match mode {
        Mode::Poll => serving.collection_name.clone(),
        Mode::Inbox => serving.destination_collection_name.clone(),
    }
    .ok_or_else(|| Error::Usage("the feeds name no collection".into()))?;
    let blocks = dataset::content_blocks()?;
    let mut notes = Vec::new();

    // The server: embedded (Alice's collection for poll, Barbara's inbox for inbox) or external.
    let mut credentials = feeds
        .connecting_credentials(mode)
        .map(|(user, secret)| Credentials::new(user, secret.expose()));
    let (server, server_summary, discovery_url) = match &options.external {
        None => {
            let username = feeds
                .serving_username(mode)
                .unwrap_or_else(|| "taxii".to_owned());
            let mut collection_config = CollectionConfig::new(collection.clone())
                .accepting([ContentBinding::new(ContentBindingId::EIQ_JSON_1_0)])
                .with_description(match mode {
                    Mode::Poll => "Alice's outgoing EclecticIQ JSON feed",
                    Mode::Inbox => "Barbara's inbox for Alice's EclecticIQ JSON packages",
                });
            if mode == Mode::Poll {
                collection_config = collection_config.with_blocks(blocks.iter().cloned());
            }
            let config = ServerConfig::default()
                .with_collection(collection_config)
                .with_credentials(Credentials::new(username.clone(), password))
                .with_max_part_size(options.part_size)
                .with_default_inbox_collection(collection.clone());
            let server = TaxiiServer::new(config)?;
            let base = server.base_url().clone();
            let discovery = base
                .join(DISCOVERY_PATH.trim_start_matches('/'))
                .map_err(|e| Error::Usage(format!("discovery URL: {e}")))?;
            let summary = ServerSummary::Embedded {
                host: match mode {
                    Mode::Poll => "Alice",
                    Mode::Inbox => "Barbara",
                },
                base_url: base,
                username,
            };
            (Some(server), summary, discovery)
        }
        Some(external) => {
            if let Some((user, password)) = &external.credentials {
                credentials = Some(Credentials::new(user, password));
            }
            let summary = ServerSummary::External {
                discovery_url: external.discovery_url.clone(),
            };
            (None, summary, external.discovery_url.clone())
        }
    };
    notes.extend(feeds.point_at(mode, &discovery_url));
    feeds.check()?;
    if credentials.is_some() && discovery_url.scheme() == "http" && is_loopback(&discovery_url) {
        notes.push(format!(
            "basic-auth credentials go over plain http:// because the server is on this \
             machine ({}); the client allows that for loopback only, a real peer needs https://",
            discovery_url.host_str().unwrap_or("loopback")
        ));
    }
    if !verify_ssl {
        notes.push(
            "verify_ssl = false in the feed is not honoured: TLS certificates are always verified"
                .to_owned(),
        );
    }
    let max_blob = feeds.barbara_limits.max_blob_size();
    let connect = |url: &Url| -> Result<Peer, Error> {
        if credentials.is_some() && url.scheme() == "http" && !is_loopback(url) {
            return Err(Error::PlainHttpCredentials { url: url.clone() });
        }
        Peer::new(version, url, credentials.clone(), max_blob, options.timeout)
    };

    // Discovery, then the transfer.
    progress.begin("discovering TAXII services");
    let mut peer = connect(&discovery_url)?;
    let services = peer.discover(&discovery_url)?;
    progress.end();
    let mut pushed_blocks = 0;
    if mode == Mode::Inbox {
        let inbox_url = service_url(&services, "INBOX")?;
        let mut alice = connect(&inbox_url)?;
        progress.begin("Alice pushes into Barbara's inbox");
        progress.set_total(blocks.len() as u64);
        for (shipped, block) in dataset::SHIPPED.iter().zip(blocks) {
            alice.push(&inbox_url, Some(&collection), vec![block])?;
            pushed_blocks += 1;
            progress.advance(1, shipped.name);
        }
        progress.end();
    }
    let poll_url = service_url(&services, "POLL")?;
    let mut barbara = connect(&poll_url)?;
    progress.begin(match mode {
        Mode::Poll => "Barbara polls Alice's collection",
        Mode::Inbox => "Barbara reads her inbox collection",
    });
    let polled = barbara.poll(&poll_url, &collection, progress)?;
    progress.end();
    if let Some(server) = server {
        server.stop();
    }

    // Ingest.
    let limits = eiq_json::Limits::default().with_size(max_blob);
    let mut packages: Vec<Package> = Vec::new();
    let mut skipped_blocks = Vec::new();
    let mut bytes = 0;
    for (part, index, block) in &polled.blocks {
        bytes += block.content.as_bytes().len();
        match Package::from_content_block(block, &limits) {
            Ok(package) => packages.push(package),
            Err(e) => skipped_blocks.push(SkippedBlock {
                part: *part,
                index: *index,
                reason: e.to_string(),
            }),
        }
    }
    let dataset = Dataset::from_packages(&packages);
    let mut entities: BTreeMap<String, usize> = BTreeMap::new();
    let mut titles = BTreeMap::new();
    for entity in dataset.entities() {
        *entities
            .entry(entity.entity_type().as_str().to_owned())
            .or_default() += 1;
        if let Some(title) = entity.display_title() {
            titles.insert(entity.id.as_str().to_owned(), title.to_owned());
        }
    }

    // Map. The newest package timestamp stands in for "now", so the output is reproducible.
    let newest = packages
        .iter()
        .filter_map(|p| p.timestamp.get())
        .filter_map(|t| unix_seconds(t))
        .max();
    let mut mapping = MappingOptions::default().with_org_name(options.org_name.clone());
    if let Some(seconds) = newest {
        mapping = mapping.with_date(misp_model::feed::date_of(seconds));
    }
    // Map and output together: each event is written or pushed as soon as it is mapped, then
    // dropped (only its summary line is kept), so the events are never all in memory.
    let mut mapped = map_dataset_events(&dataset, &mapping);
    let mut events = Vec::with_capacity(mapped.len());
    let summary = |e: &misp_model::Event| EventSummary {
        uuid: e.uuid.clone().unwrap_or_default(),
        info: e.info.clone(),
        date: e.date.clone(),
        attributes: e.attributes.len(),
        objects: e.objects.len(),
    };
    let output = match &options.output {
        Output::FeedDir(dir) => {
            progress.begin("writing the MISP feed");
            progress.set_total(mapped.len() as u64);
            let mut feed = FeedDir::create(dir, newest.unwrap_or(0))?;
            for event in &mut mapped {
                events.push(summary(&event));
                feed.add(&event)?;
                progress.advance(1, &event.info);
            }
            let written = feed.finish()?;
            progress.end();
            OutputSummary::Feed(written)
        }
        Output::Misp { url, key } => {
            let pusher = MispPush::new(url, key, options.timeout)?;
            progress.begin("pushing events to MISP");
            progress.set_total(mapped.len() as u64);
            let mut pushed = Vec::new();
            for event in &mut mapped {
                events.push(summary(&event));
                pushed.push(pusher.push(&event)?);
                progress.advance(1, &event.info);
            }
            progress.end();
            OutputSummary::Misp {
                url: url.clone(),
                pushed,
            }
        }
    };
    let feed_file = |file: &str, name: &str| format!("{file} `{name}`");
    Ok(Report {
        mode,
        taxii_version: version,
        server: server_summary,
        feed_source: match &feeds.source {
            FeedSource::BuiltIn => "built-in, same as examples/feeds/".to_owned(),
            FeedSource::Dir(dir) => format!("from {}", dir.display()),
        },
        alice_feed: feed_file(&feeds.alice_file, &feeds.alice.name),
        barbara_feed: feed_file(&feeds.barbara_file, &feeds.barbara.name),
        notes,
        services,
        collection,
        pushed_blocks,
        parts: polled.parts,
        blocks: polled.blocks.len(),
        bytes,
        packages: packages.len(),
        entities,
        skipped_blocks,
        events,
        skipped: mapped.into_skipped(),
        titles,
        output,
    })
}
