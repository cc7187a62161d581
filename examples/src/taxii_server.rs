//! A small TAXII 1.1/1.0 server on top of `taxii1_core::binding::server::Server`.
//!
//! Two layers:
//! - [`TaxiiService`]: the services themselves (discovery, collection management with
//!   subscriptions, inbox, poll with result parts). [`TaxiiService::handle`] takes an
//!   `http::Request<Bytes>` and returns an `http::Response<Bytes>`; it opens no sockets, so
//!   tests can drive it directly.
//! - [`TaxiiServer`]: HTTP/1.1 over `std::net::TcpListener` (requests parsed with `httparse`,
//!   one request per connection, a capped number of connection threads) serving a
//!   [`TaxiiService`] on a background thread until [`TaxiiServer::stop`].
//!
//! Services live at fixed paths under the base URL: [`DISCOVERY_PATH`],
//! [`COLLECTION_MANAGEMENT_PATH`], [`INBOX_PATH`] and [`POLL_PATH`]. Every request is answered
//! in the TAXII version it was written in.
//!
//! # Behaviour worth knowing
//! - Blocks are labelled with the server's clock when they arrive
//!   (`YYYY-MM-DDThh:mm:ss.ffffff+00:00`); poll windows compare instants, so a client's `Z`
//!   bounds work against `+00:00` labels.
//! - Inbox content whose binding a destination collection does not accept is refused as a whole
//!   (UNSUPPORTED_CONTENT with SUPPORTED_CONTENT details), never dropped silently.
//! - A multi-part result answers its parts 1..=N and, for cabby (which always asks for one
//!   more part and stops on an empty one), part N+1 as an empty final part; other part
//!   numbers get INVALID_RESPONSE_PART with MAX_PART_NUMBER.
//! - Nothing is pushed: subscriptions are for polling by subscription id; push or delivery
//!   parameters and queries are refused with a status saying so.
//! - TAXII 1.0 answers carry what 1.0 can express: status types 1.0 lacks become FAILURE
//!   (the message names the intended type), structured details become text, content block
//!   messages and binding subtypes are left out, and a feed accepting any binding lists every
//!   binding id `taxii1_core` knows.
//!
//! ```
//! use examples::taxii_server::{CollectionConfig, ServerConfig, TaxiiServer};
//!
//! let config = ServerConfig::default().with_collection(CollectionConfig::new("feed"));
//! let server = TaxiiServer::new(config)?;
//! assert!(server.base_url().as_str().starts_with("http://127.0.0.1:"));
//! server.stop();
//! # Ok::<(), examples::taxii_server::Error>(())
//! ```

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener, TcpStream};
use std::num::{NonZeroU64, NonZeroUsize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderName, HeaderValue, Method, Request, Response, StatusCode};
use taxii1_core::binding::server::{IncomingRequest, Server};
use taxii1_core::binding::{Credentials, Protocol};
use taxii1_core::message::status::detail_name;
use taxii1_core::message::{
    CollectionInformationResponse, CollectionRecord, CollectionType, DiscoveryResponse,
    InboxMessage, InboxService, MessageId, PollFulfillmentRequest, PollRequest, PollResponse,
    RecordCount, ResponseType, ServiceContact, ServiceInstance, ServiceType, StatusDetail,
    StatusMessage, StatusType, SubscriptionAction, SubscriptionManagementRequest,
    SubscriptionManagementResponse, SubscriptionParameters, SubscriptionRecord, SubscriptionStatus,
};
use taxii1_core::size::SizeLimit;
use taxii1_core::{
    Content, ContentBinding, ContentBindingId, ContentBlock, Limits, Message, Timestamp, Version,
};
use url::Url;

/// Path of the discovery service.
pub const DISCOVERY_PATH: &str = "/services/discovery";
/// Path of the collection management service (collection information and subscriptions).
pub const COLLECTION_MANAGEMENT_PATH: &str = "/services/collection-management";
/// Path of the inbox service.
pub const INBOX_PATH: &str = "/services/inbox";
/// Path of the poll service.
pub const POLL_PATH: &str = "/services/poll";

/// What can go wrong setting up or starting the server (requests never produce errors: they
/// get TAXII status messages or HTTP error statuses).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The listening socket could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why.
        source: io::Error,
    },
    /// The accept thread could not be started.
    #[error("cannot start the server thread: {0}")]
    Thread(io::Error),
    /// A collection directory could not be listed.
    #[error("cannot read collection directory {path}: {source}")]
    ReadDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A content file could not be read.
    #[error("cannot read content file {path}: {source}")]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A directory entry is not a `.json` or `.xml` file.
    #[error(
        "{path}: not a .json or .xml content file (every entry of a collection directory must be one)"
    )]
    NotContentFile {
        /// The entry.
        path: PathBuf,
    },
    /// A content file is larger than the message size limit.
    #[error("content file {path} is {size} bytes, above the limit of {limit} bytes")]
    FileTooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        limit: usize,
    },
    /// A content file is not what its extension says.
    #[error("content file {path}: {reason}")]
    BadContent {
        /// The file.
        path: PathBuf,
        /// What is wrong, with line and column where known.
        reason: String,
    },
    /// Two collections have the same name.
    #[error("collection `{name}` is configured twice")]
    DuplicateCollection {
        /// The name.
        name: String,
    },
    /// A collection name is empty or has characters that do not belong in one.
    #[error(
        "collection name `{name}` is not usable: names are non-empty and have no whitespace or control characters"
    )]
    BadCollectionName {
        /// The name.
        name: String,
    },
    /// The clock gives a time that cannot be written as a timestamp label.
    #[error("the clock's time cannot be a timestamp label: {0}")]
    Clock(#[from] taxii1_core::timestamp::InvalidTimestamp),
    /// The default inbox collection is not one of the configured collections.
    #[error("the default inbox collection `{name}` is not configured")]
    UnknownDefaultCollection {
        /// The name.
        name: String,
    },
}

/// A collection the server offers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CollectionConfig {
    /// The collection (feed) name.
    pub name: String,
    /// A human-readable description.
    pub description: String,
    /// Data feed (ordered) or data set.
    pub collection_type: CollectionType,
    /// The content bindings accepted and served; empty means any.
    pub content_bindings: Vec<ContentBinding>,
    /// Content it starts with; blocks without a timestamp label are labelled when the service
    /// starts.
    pub blocks: Vec<ContentBlock>,
}

impl CollectionConfig {
    /// An empty data feed accepting any content binding.
    pub fn new(name: impl Into<String>) -> Self {
        let name = name.into();
        Self {
            description: format!("collection {name}"),
            name,
            collection_type: CollectionType::DataFeed,
            content_bindings: Vec::new(),
            blocks: Vec::new(),
        }
    }

    /// Restricts the content bindings the collection accepts (adds to the list).
    #[must_use]
    pub fn accepting(mut self, bindings: impl IntoIterator<Item = ContentBinding>) -> Self {
        self.content_bindings.extend(bindings);
        self
    }

    /// Sets the description.
    #[must_use]
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// Sets feed or set.
    #[must_use]
    pub fn with_type(mut self, collection_type: CollectionType) -> Self {
        self.collection_type = collection_type;
        self
    }

    /// Adds initial content.
    #[must_use]
    pub fn with_blocks(mut self, blocks: impl IntoIterator<Item = ContentBlock>) -> Self {
        self.blocks.extend(blocks);
        self
    }

    /// Adds every file of `dir` as one content block, in file name order: `.json` files as
    /// `urn:eclecticiq.com:json:1.0` text, `.xml` files as `xml_binding` XML (an XML
    /// declaration and byte order mark are left out of the block).
    ///
    /// # Errors
    /// [`Error::ReadDir`], [`Error::ReadFile`], [`Error::NotContentFile`] for any other entry
    /// (nothing is skipped silently), [`Error::FileTooLarge`] above `limit`, and
    /// [`Error::BadContent`] for JSON that does not parse or XML that is not a well-formed
    /// standalone fragment.
    pub fn load_dir(
        mut self,
        dir: &Path,
        xml_binding: &ContentBindingId,
        limit: SizeLimit,
    ) -> Result<Self, Error> {
        let read_dir = |source| Error::ReadDir {
            path: dir.to_owned(),
            source,
        };
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(read_dir)? {
            paths.push(entry.map_err(read_dir)?.path());
        }
        paths.sort();
        for path in paths {
            let block = load_content_file(&path, xml_binding, limit)?;
            self.blocks.push(block);
        }
        Ok(self)
    }

    fn accepts(&self, binding: &ContentBinding) -> bool {
        self.content_bindings.is_empty()
            || self
                .content_bindings
                .iter()
                .any(|accepted| binding_matches(accepted, binding))
    }
}

/// Whether a block's `binding` falls under `accepted`: same id, and when `accepted` names
/// subtypes, the block's subtypes are among them.
fn binding_matches(accepted: &ContentBinding, binding: &ContentBinding) -> bool {
    accepted.binding_id == binding.binding_id
        && (accepted.subtypes.is_empty()
            || binding
                .subtypes
                .iter()
                .all(|s| accepted.subtypes.contains(s)))
}

fn load_content_file(
    path: &Path,
    xml_binding: &ContentBindingId,
    limit: SizeLimit,
) -> Result<ContentBlock, Error> {
    let read_file = |source| Error::ReadFile {
        path: path.to_owned(),
        source,
    };
    let metadata = std::fs::metadata(path).map_err(read_file)?;
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if !metadata.is_file() || !matches!(extension.as_deref(), Some("json" | "xml")) {
        return Err(Error::NotContentFile {
            path: path.to_owned(),
        });
    }
    if limit.check_u64(metadata.len()).is_err() {
        return Err(Error::FileTooLarge {
            path: path.to_owned(),
            size: metadata.len(),
            limit: limit.bytes(),
        });
    }
    let bytes = std::fs::read(path).map_err(read_file)?;
    let bad = |reason: String| Error::BadContent {
        path: path.to_owned(),
        reason,
    };
    if extension.as_deref() == Some("json") {
        serde_json::from_slice::<serde_json::Value>(&bytes)
            .map_err(|e| bad(format!("not JSON: {e}")))?;
        let content =
            Content::text_from_bytes(Bytes::from(bytes)).map_err(|e| bad(e.to_string()))?;
        Ok(ContentBlock::new(
            ContentBinding::new(ContentBindingId::EIQ_JSON_1_0),
            content,
        ))
    } else {
        let fragment = strip_xml_declaration(&bytes);
        let content =
            Content::xml(Bytes::copy_from_slice(fragment)).map_err(|e| bad(e.to_string()))?;
        Ok(ContentBlock::new(
            ContentBinding::new(xml_binding.clone()),
            content,
        ))
    }
}

/// The document without a UTF-8 byte order mark and `<?xml ...?>` declaration, which a
/// content block (an XML fragment inside the TAXII message) cannot carry.
fn strip_xml_declaration(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"<?xml")
        && let Some(end) = bytes.windows(2).position(|w| w == b"?>")
    {
        return bytes.get(end + 2..).unwrap_or_default();
    }
    bytes
}

/// Limits against hostile clients. The defaults suit a loopback test server.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerLimits {
    /// Limits for reading TAXII messages; its message size limit (default 20 MiB, the feed
    /// `MAX_BLOB_SIZE`) also caps the HTTP body.
    pub taxii: Limits,
    /// Largest request head (request line and headers) in bytes. Default 16 KiB.
    pub max_header_bytes: usize,
    /// Most request headers. Default 64.
    pub max_headers: usize,
    /// Most connections served at once; more get HTTP 503. Default 32.
    pub max_connections: usize,
    /// How long a client may take to send its whole request. Default 30 s.
    pub read_timeout: Duration,
    /// Most multi-part poll results kept for fulfilment; the oldest is forgotten first.
    /// Default 1,000.
    pub max_stored_results: usize,
    /// Most subscriptions. Default 10,000.
    pub max_subscriptions: usize,
    /// Most content blocks one collection holds; an inbox message that would exceed it is
    /// refused with FAILURE. Default 100,000.
    pub max_blocks_per_collection: usize,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            taxii: Limits::default(),
            max_header_bytes: 16 * 1024,
            max_headers: 64,
            max_connections: 32,
            read_timeout: Duration::from_secs(30),
            max_stored_results: 1_000,
            max_subscriptions: 10_000,
            max_blocks_per_collection: 100_000,
        }
    }
}

/// The server's settings.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServerConfig {
    /// Where to listen. Default `127.0.0.1:0` (loopback, a free port).
    pub bind: SocketAddr,
    /// The collections.
    pub collections: Vec<CollectionConfig>,
    /// When set, every request must carry these HTTP basic credentials (else UNAUTHORIZED).
    pub credentials: Option<Credentials>,
    /// Content blocks per poll result part. Default 100.
    pub max_part_size: NonZeroUsize,
    /// Where inbox messages without a destination collection go. Without it they go to the
    /// only collection, or get DESTINATION_COLLECTION_ERROR when there are several.
    pub default_inbox_collection: Option<String>,
    /// Limits against hostile clients.
    pub limits: ServerLimits,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0)),
            collections: Vec::new(),
            credentials: None,
            max_part_size: NonZeroUsize::new(100).unwrap_or(NonZeroUsize::MIN),
            default_inbox_collection: None,
            limits: ServerLimits::default(),
        }
    }
}

impl ServerConfig {
    /// Adds a collection.
    #[must_use]
    pub fn with_collection(mut self, collection: CollectionConfig) -> Self {
        self.collections.push(collection);
        self
    }

    /// Requires HTTP basic credentials.
    #[must_use]
    pub fn with_credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Sets the content blocks per poll result part.
    #[must_use]
    pub fn with_max_part_size(mut self, blocks: NonZeroUsize) -> Self {
        self.max_part_size = blocks;
        self
    }

    /// Sets the listening address.
    #[must_use]
    pub fn with_bind(mut self, bind: SocketAddr) -> Self {
        self.bind = bind;
        self
    }

    /// Sets where inbox messages without a destination go.
    #[must_use]
    pub fn with_default_inbox_collection(mut self, name: impl Into<String>) -> Self {
        self.default_inbox_collection = Some(name.into());
        self
    }
}

/// The source of the current time, for timestamp labels. Replaceable in tests.
pub type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// The latest instant a four-digit year can label: 9999-12-31T23:59:59.999999Z.
const MAX_LABEL_MICROS: u128 = 253_402_300_799_999_999;

/// Formats `time` as a TAXII timestamp label, `YYYY-MM-DDThh:mm:ss.ffffff+00:00` (UTC,
/// microseconds), the form OpenTAXII writes. Times before 1970 are written as 1970, times after
/// 9999 as the end of 9999.
///
/// # Errors
/// [`taxii1_core::timestamp::InvalidTimestamp`] never in practice (the clamped fields are
/// always in range); the type keeps the formatter panic-free.
pub fn timestamp_label(
    time: SystemTime,
) -> Result<Timestamp, taxii1_core::timestamp::InvalidTimestamp> {
    let micros = time
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros())
        .min(MAX_LABEL_MICROS);
    let secs = micros / 1_000_000;
    let days = i64::try_from(secs / 86_400).unwrap_or_default();
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    Timestamp::new(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}+00:00",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        micros % 1_000_000
    ))
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

/// (year, month, day) to days since 1970-01-01 (inverse of [`civil_from_days`]).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Microseconds since the epoch (UTC) of a timestamp, so that labels written with `Z` and with
/// `+00:00` (or any offset) compare correctly. Digits beyond microseconds are ignored.
pub fn timestamp_micros(ts: &Timestamp) -> Option<i128> {
    let s = ts.as_str();
    let num = |range: std::ops::Range<usize>| -> Option<i64> { s.get(range)?.parse().ok() };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let rest = s.get(19..)?;
    let (fraction, zone) = match rest.strip_prefix('.') {
        Some(f) => {
            let end = f.find(|c: char| !c.is_ascii_digit()).unwrap_or(f.len());
            (f.get(..end)?, f.get(end..)?)
        }
        None => ("", rest),
    };
    let mut micros: i64 = 0;
    for digit in fraction.bytes().chain(std::iter::repeat(b'0')).take(6) {
        micros = micros * 10 + i64::from(digit.checked_sub(b'0')?);
    }
    let offset_secs = match zone {
        "Z" => 0,
        z => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let hours: i64 = z.get(1..3)?.parse().ok()?;
            let minutes: i64 = z.get(4..6)?.parse().ok()?;
            sign * (hours * 3600 + minutes * 60)
        }
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_secs;
    Some(i128::from(secs) * 1_000_000 + i128::from(micros))
}

#[derive(Debug, Clone)]
struct Collection {
    config: CollectionConfig,
    /// Blocks with the microsecond instant of their timestamp label, in arrival order.
    blocks: Vec<(i128, ContentBlock)>,
}

#[derive(Debug, Clone)]
struct Subscription {
    collection: String,
    status: SubscriptionStatus,
    parameters: SubscriptionParameters,
}

#[derive(Debug, Clone)]
struct StoredResult {
    collection: String,
    blocks: Vec<ContentBlock>,
    parts: u64,
    subscription_id: Option<String>,
    begin: Option<Timestamp>,
    end: Option<Timestamp>,
}

#[derive(Debug, Default)]
struct State {
    collections: Vec<Collection>,
    subscriptions: BTreeMap<String, Subscription>,
    results: HashMap<String, StoredResult>,
    result_order: VecDeque<String>,
}

/// Which service a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Service {
    Discovery,
    CollectionManagement,
    Inbox,
    Poll,
}

impl Service {
    const ALL: [(Self, &'static str); 4] = [
        (Self::Discovery, DISCOVERY_PATH),
        (Self::CollectionManagement, COLLECTION_MANAGEMENT_PATH),
        (Self::Inbox, INBOX_PATH),
        (Self::Poll, POLL_PATH),
    ];

    fn from_path(path: &str) -> Option<Self> {
        let path = path.trim_end_matches('/');
        Self::ALL.iter().find(|(_, p)| *p == path).map(|(s, _)| *s)
    }

    fn name(self) -> &'static str {
        match self {
            Self::Discovery => "discovery",
            Self::CollectionManagement => "collection management",
            Self::Inbox => "inbox",
            Self::Poll => "poll",
        }
    }
}

/// The TAXII services, without any transport: requests in, responses out. Cheap to share
/// between threads (state behind a mutex).
pub struct TaxiiService {
    server: Server,
    base: Url,
    credentials: Option<Credentials>,
    max_part_size: NonZeroUsize,
    default_inbox: Option<String>,
    limits: ServerLimits,
    clock: Clock,
    next_id: AtomicU64,
    state: Mutex<State>,
}

impl fmt::Debug for TaxiiService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaxiiService")
            .field("base", &self.base.as_str())
            .field("credentials", &self.credentials)
            .field("max_part_size", &self.max_part_size)
            .finish_non_exhaustive()
    }
}

type Answer = Result<Message, Box<StatusMessage>>;

impl TaxiiService {
    /// The services for `config`, advertising addresses under `base` (e.g.
    /// `http://127.0.0.1:9000/`), with the system clock.
    ///
    /// # Errors
    /// [`Error::DuplicateCollection`], [`Error::BadCollectionName`],
    /// [`Error::UnknownDefaultCollection`].
    pub fn new(config: &ServerConfig, base: Url) -> Result<Self, Error> {
        Self::with_clock(config, base, Arc::new(SystemTime::now))
    }

    /// As [`TaxiiService::new`] with another clock (for deterministic tests).
    ///
    /// # Errors
    /// As [`TaxiiService::new`].
    pub fn with_clock(config: &ServerConfig, base: Url, clock: Clock) -> Result<Self, Error> {
        let now = clock();
        let label = timestamp_label(now)?;
        let mut collections: Vec<Collection> = Vec::new();
        for c in &config.collections {
            if c.name.is_empty()
                || c.name
                    .chars()
                    .any(|ch| ch.is_whitespace() || ch.is_control())
            {
                return Err(Error::BadCollectionName {
                    name: c.name.clone(),
                });
            }
            if collections.iter().any(|known| known.config.name == c.name) {
                return Err(Error::DuplicateCollection {
                    name: c.name.clone(),
                });
            }
            let blocks = c
                .blocks
                .iter()
                .map(|b| {
                    let mut block = b.clone();
                    let ts = block.timestamp_label.get_or_insert_with(|| label.clone());
                    (timestamp_micros(ts).unwrap_or_default(), block)
                })
                .collect();
            let mut collection_config = c.clone();
            collection_config.blocks.clear();
            collections.push(Collection {
                config: collection_config,
                blocks,
            });
        }
        if let Some(name) = &config.default_inbox_collection
            && !collections.iter().any(|c| &c.config.name == name)
        {
            return Err(Error::UnknownDefaultCollection { name: name.clone() });
        }
        let seed = now
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        Ok(Self {
            server: Server::new().with_limits(config.limits.taxii.clone()),
            base,
            credentials: config.credentials.clone(),
            max_part_size: config.max_part_size,
            default_inbox: config.default_inbox_collection.clone(),
            limits: config.limits.clone(),
            clock,
            next_id: AtomicU64::new(seed.saturating_mul(1000)),
            state: Mutex::new(State {
                collections,
                ..State::default()
            }),
        })
    }

    /// The base URL service addresses are advertised under.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// The absolute address of the service at `path`.
    pub fn address(&self, path: &str) -> String {
        self.base
            .join(path.trim_start_matches('/'))
            .map_or_else(|_| format!("{}{path}", self.base), String::from)
    }

    /// How many content blocks `collection` holds, or `None` when there is no such collection.
    pub fn block_count(&self, collection: &str) -> Option<usize> {
        self.lock()
            .collections
            .iter()
            .find(|c| c.config.name == collection)
            .map(|c| c.blocks.len())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The current time as a label, or a FAILURE status when the clock is out of range.
    fn now_label(&self, request_id: &MessageId) -> Result<Timestamp, Box<StatusMessage>> {
        timestamp_label((self.clock)()).map_err(|e| {
            self.status(
                request_id,
                StatusType::FAILURE,
                format!("server clock: {e}"),
            )
        })
    }

    fn fresh_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    fn message_id(&self) -> MessageId {
        MessageId::from_u64(self.fresh_id())
    }

    /// Answers one HTTP request: 404 for a path that is no service, `Allow` for OPTIONS, the
    /// binding's prescribed answer for a request it rejects (405, 406, or a status message),
    /// otherwise the service's TAXII response in the request's version. Never panics.
    pub fn handle(&self, request: Request<Bytes>) -> Response<Bytes> {
        let Some(service) = Service::from_path(request.uri().path()) else {
            return plain(StatusCode::NOT_FOUND, "no TAXII service at this path\n");
        };
        if request.method() == Method::OPTIONS {
            let mut response = plain(StatusCode::OK, "");
            let headers = response.headers_mut();
            headers.insert(
                http::header::ALLOW,
                HeaderValue::from_static("POST, OPTIONS"),
            );
            headers.insert(
                HeaderName::from_static("x-taxii-content-types"),
                HeaderValue::from_static(
                    "urn:taxii.mitre.org:message:xml:1.0,urn:taxii.mitre.org:message:xml:1.1",
                ),
            );
            return response;
        }
        let incoming = match self.server.parse_request(request, self.message_id()) {
            Ok(incoming) => incoming,
            Err(rejection) => {
                let mut rejection = *rejection;
                if let Some(status) = rejection.status.take() {
                    rejection.status = Some(self.fit_status(rejection.version, status));
                }
                return self
                    .server
                    .rejection_response(&rejection)
                    .unwrap_or_else(|e| internal_error(&e));
            }
        };
        let version = incoming.version;
        let request_id = incoming.message.message_id().clone();
        let answer = self
            .authorize(&incoming)
            .and_then(|()| self.serve(service, &incoming));
        let message = match answer {
            Ok(message) => message,
            Err(status) => Message::StatusMessage(self.fit_status(version, *status)),
        };
        match self.server.response(version, Protocol::Http, &message) {
            Ok(response) => response,
            // The answer cannot be written in this version (should not happen: answers are
            // built per version); say so instead of failing silently.
            Err(e) => {
                let status = self.status(
                    &request_id,
                    StatusType::FAILURE,
                    format!("the answer cannot be written as TAXII {version}: {e}"),
                );
                self.server
                    .response(
                        version,
                        Protocol::Http,
                        &Message::StatusMessage(self.fit_status(version, *status)),
                    )
                    .unwrap_or_else(|e| internal_error(&e))
            }
        }
    }

    fn authorize(&self, incoming: &IncomingRequest) -> Result<(), Box<StatusMessage>> {
        let Some(expected) = &self.credentials else {
            return Ok(());
        };
        let reason = match &incoming.credentials {
            None => "this server requires HTTP basic credentials",
            Some(given) if given == expected => return Ok(()),
            Some(_) => "bad user name or password",
        };
        Err(self.status(
            incoming.message.message_id(),
            StatusType::UNAUTHORIZED,
            reason.to_owned(),
        ))
    }

    fn serve(&self, service: Service, incoming: &IncomingRequest) -> Answer {
        let version = incoming.version;
        match (service, &incoming.message) {
            (Service::Discovery, Message::DiscoveryRequest(r)) => {
                Ok(self.discovery(version, &r.message_id))
            }
            (Service::CollectionManagement, Message::CollectionInformationRequest(r)) => {
                Ok(self.collection_information(version, &r.message_id))
            }
            (Service::CollectionManagement, Message::SubscriptionManagementRequest(r)) => {
                self.manage_subscription(version, r)
            }
            (Service::Inbox, Message::InboxMessage(m)) => self.inbox(m),
            (Service::Poll, Message::PollRequest(r)) => self.poll(version, r),
            (Service::Poll, Message::PollFulfillmentRequest(r)) => self.fulfil(r),
            (service, message) => Err(self.status(
                message.message_id(),
                StatusType::UNSUPPORTED_MESSAGE,
                format!(
                    "the {} service does not take {}",
                    service.name(),
                    message
                        .kind()
                        .element_name(version)
                        .unwrap_or("this message")
                ),
            )),
        }
    }

    fn status(
        &self,
        in_response_to: &MessageId,
        status_type: StatusType,
        message: String,
    ) -> Box<StatusMessage> {
        Box::new(
            StatusMessage::new(self.message_id(), in_response_to.clone(), status_type)
                .with_message(message),
        )
    }

    /// Makes a status message writable in `version`: TAXII 1.0 has fewer status types (others
    /// become FAILURE, the message naming the intended one) and only a text detail.
    fn fit_status(&self, version: Version, mut status: StatusMessage) -> StatusMessage {
        if version == Version::V1_1 {
            return status;
        }
        if !StatusType::TAXII_1_0.contains(&status.status_type) {
            status.message = Some(format!(
                "{}: {}",
                status.status_type,
                status.message.as_deref().unwrap_or_default()
            ));
            status.status_type = StatusType::FAILURE;
        }
        if let Some(StatusDetail::Details(details)) = &status.status_detail {
            let text = details
                .iter()
                .map(|d| format!("{}={}", d.name, d.value.as_str()))
                .collect::<Vec<_>>()
                .join("; ");
            status.status_detail = Some(StatusDetail::Text(text));
        }
        status
    }

    fn contact(&self, path: &str) -> ServiceContact {
        ServiceContact::new(
            Protocol::Http.urn(),
            self.address(path),
            Version::ALL
                .iter()
                .map(|v| v.message_binding().to_owned())
                .collect(),
        )
    }

    fn discovery(&self, version: Version, request_id: &MessageId) -> Message {
        let state = self.lock();
        let accept_any = state
            .collections
            .iter()
            .any(|c| c.config.content_bindings.is_empty());
        let mut inbox_bindings: Vec<ContentBinding> = Vec::new();
        if !accept_any {
            for c in &state.collections {
                for b in &c.config.content_bindings {
                    let b = for_version(b, version);
                    if !inbox_bindings.contains(&b) {
                        inbox_bindings.push(b);
                    }
                }
            }
        }
        drop(state);
        let instances = Service::ALL
            .iter()
            .map(|(service, path)| {
                let service_type = match service {
                    Service::Discovery => ServiceType::Discovery,
                    Service::CollectionManagement => ServiceType::CollectionManagement,
                    Service::Inbox => ServiceType::Inbox,
                    Service::Poll => ServiceType::Poll,
                };
                let contact = self.contact(path);
                let mut instance = ServiceInstance::new(
                    service_type,
                    version.services(),
                    contact.protocol_binding,
                    contact.address,
                    contact.message_bindings,
                );
                instance.available = Some(true);
                if *service == Service::Inbox {
                    instance.content_bindings = inbox_bindings.clone();
                }
                instance
            })
            .collect();
        DiscoveryResponse::new(self.message_id(), request_id.clone(), instances).into()
    }

    fn collection_information(&self, version: Version, request_id: &MessageId) -> Message {
        let state = self.lock();
        let records = state
            .collections
            .iter()
            .map(|c| {
                let mut record =
                    CollectionRecord::new(c.config.name.clone(), c.config.description.clone());
                record.available = Some(true);
                record.content_bindings = c
                    .config
                    .content_bindings
                    .iter()
                    .map(|b| for_version(b, version))
                    .collect();
                record.polling_services = vec![self.contact(POLL_PATH)];
                record.subscription_services = vec![self.contact(COLLECTION_MANAGEMENT_PATH)];
                if version == Version::V1_1 {
                    record.collection_type = Some(c.config.collection_type);
                    record.collection_volume = Some(c.blocks.len() as u64);
                    let mut inbox = InboxService::new(self.contact(INBOX_PATH));
                    inbox.content_bindings = record.content_bindings.clone();
                    record.receiving_inbox_services = vec![inbox];
                } else if record.content_bindings.is_empty() {
                    // A TAXII 1.0 feed must name its bindings; "any" is approximated by every
                    // binding this workspace knows.
                    record.content_bindings = ContentBindingId::KNOWN
                        .iter()
                        .cloned()
                        .map(ContentBinding::new)
                        .collect();
                }
                record
            })
            .collect();
        drop(state);
        CollectionInformationResponse::new(self.message_id(), request_id.clone(), records).into()
    }

    fn not_found(&self, request_id: &MessageId, what: &str, item: &str) -> Box<StatusMessage> {
        let status = self.status(
            request_id,
            StatusType::NOT_FOUND,
            format!("no {what} `{item}`"),
        );
        Box::new(status.with_detail(taxii1_core::message::Detail::text(detail_name::ITEM, item)))
    }

    fn subscription_record(
        &self,
        version: Version,
        id: &str,
        subscription: &Subscription,
    ) -> SubscriptionRecord {
        let mut record = SubscriptionRecord::new(id);
        if version == Version::V1_1 {
            record.status = Some(subscription.status);
            record.subscription_parameters = Some(subscription.parameters.clone());
        }
        record.poll_instances = vec![self.contact(POLL_PATH)];
        record
    }

    fn manage_subscription(
        &self,
        version: Version,
        request: &SubscriptionManagementRequest,
    ) -> Answer {
        let id = &request.message_id;
        let name = &request.collection_name;
        let mut state = self.lock();
        if !state.collections.iter().any(|c| &c.config.name == name) {
            return Err(self.not_found(id, "collection", name));
        }
        let owned = |state: &State, sub_id: &str| {
            state
                .subscriptions
                .get(sub_id)
                .filter(|s| &s.collection == name)
                .cloned()
        };
        let records = match (request.action, request.subscription_id.as_deref()) {
            (SubscriptionAction::Subscribe, _) => {
                if request.push_parameters.is_some() {
                    return Err(self.status(
                        id,
                        StatusType::FAILURE,
                        "this server does not push content; subscribe without push parameters \
                         and poll with the subscription id"
                            .into(),
                    ));
                }
                if state.subscriptions.len() >= self.limits.max_subscriptions {
                    return Err(self.status(
                        id,
                        StatusType::FAILURE,
                        format!(
                            "the server holds its maximum of {} subscriptions",
                            self.limits.max_subscriptions
                        ),
                    ));
                }
                let sub_id = self.fresh_id().to_string();
                let subscription = Subscription {
                    collection: name.clone(),
                    status: SubscriptionStatus::Active,
                    parameters: request.subscription_parameters.clone().unwrap_or_default(),
                };
                let record = self.subscription_record(version, &sub_id, &subscription);
                state.subscriptions.insert(sub_id, subscription);
                vec![record]
            }
            (SubscriptionAction::Status, None) => state
                .subscriptions
                .iter()
                .filter(|(_, s)| &s.collection == name)
                .map(|(sub_id, s)| self.subscription_record(version, sub_id, s))
                .collect(),
            (SubscriptionAction::Status, Some(sub_id)) => match owned(&state, sub_id) {
                Some(s) => vec![self.subscription_record(version, sub_id, &s)],
                None => return Err(self.not_found(id, "subscription", sub_id)),
            },
            (SubscriptionAction::Unsubscribe, Some(sub_id)) => {
                // Services 1.1 §3.5.1: unsubscribing an unknown id counts as success.
                let mut subscription = match owned(&state, sub_id) {
                    Some(s) => {
                        state.subscriptions.remove(sub_id);
                        s
                    }
                    None => Subscription {
                        collection: name.clone(),
                        status: SubscriptionStatus::Unsubscribed,
                        parameters: SubscriptionParameters::default(),
                    },
                };
                subscription.status = SubscriptionStatus::Unsubscribed;
                let mut record = self.subscription_record(version, sub_id, &subscription);
                record.poll_instances.clear();
                vec![record]
            }
            (action @ (SubscriptionAction::Pause | SubscriptionAction::Resume), Some(sub_id)) => {
                let Some(subscription) = state
                    .subscriptions
                    .get_mut(sub_id)
                    .filter(|s| &s.collection == name)
                else {
                    return Err(self.not_found(id, "subscription", sub_id));
                };
                subscription.status = if action == SubscriptionAction::Pause {
                    SubscriptionStatus::Paused
                } else {
                    SubscriptionStatus::Active
                };
                let subscription = subscription.clone();
                vec![self.subscription_record(version, sub_id, &subscription)]
            }
            (action, None) => {
                return Err(self.status(
                    id,
                    StatusType::BAD_MESSAGE,
                    format!("{action:?} needs a subscription id"),
                ));
            }
        };
        drop(state);
        Ok(SubscriptionManagementResponse::new(
            self.message_id(),
            id.clone(),
            name.clone(),
            records,
        )
        .into())
    }

    fn inbox(&self, message: &InboxMessage) -> Answer {
        let id = &message.message_id;
        let mut state = self.lock();
        let names: Vec<String> = if message.destination_collection_names.is_empty() {
            match (&self.default_inbox, state.collections.as_slice()) {
                (Some(name), _) => vec![name.clone()],
                (None, [only]) => vec![only.config.name.clone()],
                (None, all) => {
                    let mut status = *self.status(
                        id,
                        StatusType::DESTINATION_COLLECTION_ERROR,
                        "name a destination collection (Destination_Collection_Name)".into(),
                    );
                    for c in all {
                        status = status.with_detail(taxii1_core::message::Detail::text(
                            detail_name::ACCEPTABLE_DESTINATION,
                            c.config.name.clone(),
                        ));
                    }
                    return Err(Box::new(status));
                }
            }
        } else {
            message.destination_collection_names.clone()
        };
        let mut targets = Vec::new();
        for name in &names {
            match state
                .collections
                .iter()
                .position(|c| &c.config.name == name)
            {
                Some(index) if !targets.contains(&index) => targets.push(index),
                Some(_) => {}
                None => {
                    let mut status = *self.status(
                        id,
                        StatusType::DESTINATION_COLLECTION_ERROR,
                        format!("there is no collection `{name}`"),
                    );
                    for c in &state.collections {
                        status = status.with_detail(taxii1_core::message::Detail::text(
                            detail_name::ACCEPTABLE_DESTINATION,
                            c.config.name.clone(),
                        ));
                    }
                    return Err(Box::new(status));
                }
            }
        }
        for &index in &targets {
            let Some(collection) = state.collections.get(index) else {
                continue;
            };
            for (n, block) in message.content_blocks.iter().enumerate() {
                if !collection.config.accepts(&block.content_binding) {
                    let mut status = *self.status(
                        id,
                        StatusType::UNSUPPORTED_CONTENT,
                        format!(
                            "content block {n} has binding {} which collection `{}` does not \
                             accept; nothing was stored",
                            binding_text(&block.content_binding),
                            collection.config.name
                        ),
                    );
                    for b in &collection.config.content_bindings {
                        status = status.with_detail(taxii1_core::message::Detail::text(
                            detail_name::SUPPORTED_CONTENT,
                            b.binding_id.as_str(),
                        ));
                    }
                    return Err(Box::new(status));
                }
            }
            let total = collection.blocks.len() + message.content_blocks.len();
            if total > self.limits.max_blocks_per_collection {
                return Err(self.status(
                    id,
                    StatusType::FAILURE,
                    format!(
                        "collection `{}` would hold {total} blocks, above its limit of {}; \
                         nothing was stored",
                        collection.config.name, self.limits.max_blocks_per_collection
                    ),
                ));
            }
        }
        let label = self.now_label(id)?;
        let instant = timestamp_micros(&label).unwrap_or_default();
        let count = message.content_blocks.len();
        let mut stored_in = Vec::new();
        for &index in &targets {
            if let Some(collection) = state.collections.get_mut(index) {
                for block in &message.content_blocks {
                    let block = block.clone().with_timestamp_label(label.clone());
                    collection.blocks.push((instant, block));
                }
                stored_in.push(collection.config.name.clone());
            }
        }
        drop(state);
        Ok(Message::StatusMessage(
            StatusMessage::new(self.message_id(), id.clone(), StatusType::SUCCESS).with_message(
                format!(
                    "stored {count} content block(s) in {} labelled {label}",
                    stored_in.join(", ")
                ),
            ),
        ))
    }

    fn poll(&self, version: Version, request: &PollRequest) -> Answer {
        let id = &request.message_id;
        let name = &request.collection_name;
        let mut state = self.lock();
        let Some(collection) = state.collections.iter().find(|c| &c.config.name == name) else {
            return Err(self.not_found(id, "collection", name));
        };
        let (response_type, wanted) = match (&request.subscription_id, &request.poll_parameters) {
            (Some(sub_id), _) => match state.subscriptions.get(sub_id) {
                Some(s) if &s.collection == name => (
                    s.parameters.response_type,
                    s.parameters.content_bindings.clone(),
                ),
                _ => return Err(self.not_found(id, "subscription", sub_id)),
            },
            (None, Some(parameters)) => {
                if let Some(query) = &parameters.query {
                    return Err(self.status(
                        id,
                        StatusType::UNSUPPORTED_QUERY,
                        format!("queries ({}) are not supported", query.format_id),
                    ));
                }
                if parameters.delivery_parameters.is_some() {
                    return Err(self.status(
                        id,
                        StatusType::FAILURE,
                        "this server does not push results; poll without Delivery_Parameters"
                            .into(),
                    ));
                }
                (
                    parameters.response_type,
                    parameters.content_bindings.clone(),
                )
            }
            (None, None) => (ResponseType::Full, request.content_bindings.clone()),
        };
        if !wanted.is_empty() && !wanted.iter().any(|b| collection.config.accepts(b)) {
            let mut status = *self.status(
                id,
                StatusType::UNSUPPORTED_CONTENT,
                format!("collection `{name}` holds none of the requested content bindings"),
            );
            for b in &collection.config.content_bindings {
                status = status.with_detail(taxii1_core::message::Detail::text(
                    detail_name::SUPPORTED_CONTENT,
                    b.binding_id.as_str(),
                ));
            }
            return Err(Box::new(status));
        }
        let bound = |ts: &Option<Timestamp>| -> Result<Option<i128>, Box<StatusMessage>> {
            match ts {
                None => Ok(None),
                Some(ts) => timestamp_micros(ts).map(Some).ok_or_else(|| {
                    self.status(
                        id,
                        StatusType::BAD_MESSAGE,
                        format!("timestamp {ts} is out of range"),
                    )
                }),
            }
        };
        let begin = bound(&request.exclusive_begin_timestamp_label)?;
        let end = bound(&request.inclusive_end_timestamp_label)?;
        let blocks: Vec<ContentBlock> = collection
            .blocks
            .iter()
            .filter(|(at, _)| begin.is_none_or(|b| *at > b) && end.is_none_or(|e| *at <= e))
            .filter(|(_, block)| {
                wanted.is_empty()
                    || wanted
                        .iter()
                        .any(|w| binding_matches(w, &block.content_binding))
            })
            .map(|(_, block)| block.clone())
            .collect();
        if version == Version::V1_0 {
            drop(state);
            let mut response = PollResponse::new(
                self.message_id(),
                id.clone(),
                name.clone(),
                blocks.iter().map(block_for_1_0).collect(),
            );
            response.subscription_id = request.subscription_id.clone();
            response.inclusive_end_timestamp_label = match &request.inclusive_end_timestamp_label {
                Some(end) => Some(end.clone()),
                None => Some(self.now_label(id)?),
            };
            return Ok(response.into());
        }
        let count = blocks.len() as u64;
        let part_size = self.max_part_size.get();
        let parts = blocks.len().div_ceil(part_size).max(1) as u64;
        let mut response =
            PollResponse::new(self.message_id(), id.clone(), name.clone(), Vec::new());
        response.subscription_id = request.subscription_id.clone();
        response.exclusive_begin_timestamp_label = request.exclusive_begin_timestamp_label.clone();
        response.inclusive_end_timestamp_label = request.inclusive_end_timestamp_label.clone();
        response.record_count = Some(RecordCount::exact(count));
        response.result_part_number = NonZeroU64::new(1);
        if response_type == ResponseType::CountOnly {
            return Ok(response.into());
        }
        if parts > 1 {
            let result_id = self.fresh_id().to_string();
            response.more = true;
            response.result_id = Some(result_id.clone());
            response.content_blocks = blocks.iter().take(part_size).cloned().collect();
            if state.result_order.len() >= self.limits.max_stored_results
                && let Some(oldest) = state.result_order.pop_front()
            {
                state.results.remove(&oldest);
            }
            state.result_order.push_back(result_id.clone());
            state.results.insert(
                result_id,
                StoredResult {
                    collection: name.clone(),
                    blocks,
                    parts,
                    subscription_id: request.subscription_id.clone(),
                    begin: request.exclusive_begin_timestamp_label.clone(),
                    end: request.inclusive_end_timestamp_label.clone(),
                },
            );
        } else {
            response.content_blocks = blocks;
        }
        Ok(response.into())
    }

    fn fulfil(&self, request: &PollFulfillmentRequest) -> Answer {
        let id = &request.message_id;
        let state = self.lock();
        let Some(result) = state
            .results
            .get(&request.result_id)
            .filter(|r| r.collection == request.collection_name)
        else {
            return Err(self.not_found(id, "result", &request.result_id));
        };
        let part = request.result_part_number.map_or(1, NonZeroU64::get);
        // cabby asks for one part past the last (it ignores more="false") and stops on an
        // empty part, as OpenTAXII answers; so part max+1 is an empty final part. Anything
        // else outside 1..=max is INVALID_RESPONSE_PART.
        if part > result.parts.saturating_add(1) {
            let status = self
                .status(
                    id,
                    StatusType::INVALID_RESPONSE_PART,
                    format!(
                        "result {} has parts 1 to {}",
                        request.result_id, result.parts
                    ),
                )
                .with_detail(taxii1_core::message::Detail::text(
                    detail_name::MAX_PART_NUMBER,
                    result.parts.to_string(),
                ));
            return Err(Box::new(status));
        }
        let part_size = self.max_part_size.get();
        let skip = usize::try_from(part - 1)
            .unwrap_or(usize::MAX)
            .saturating_mul(part_size);
        let mut response = PollResponse::new(
            self.message_id(),
            id.clone(),
            request.collection_name.clone(),
            result
                .blocks
                .iter()
                .skip(skip)
                .take(part_size)
                .cloned()
                .collect(),
        );
        response.more = part < result.parts;
        response.result_id = Some(request.result_id.clone());
        response.result_part_number = NonZeroU64::new(part);
        response.record_count = Some(RecordCount::exact(result.blocks.len() as u64));
        response.subscription_id = result.subscription_id.clone();
        response.exclusive_begin_timestamp_label = result.begin.clone();
        response.inclusive_end_timestamp_label = result.end.clone();
        drop(state);
        Ok(response.into())
    }
}

/// A content binding as `version` can express it (TAXII 1.0 has no subtypes).
fn for_version(binding: &ContentBinding, version: Version) -> ContentBinding {
    match version {
        Version::V1_1 => binding.clone(),
        Version::V1_0 => ContentBinding::new(binding.binding_id.clone()),
    }
}

/// A stored block as TAXII 1.0 can carry it: without the 1.1-only block message and binding
/// subtypes (the payload, binding id and label are unchanged).
fn block_for_1_0(block: &ContentBlock) -> ContentBlock {
    let mut block = block.clone();
    block.content_binding = for_version(&block.content_binding, Version::V1_0);
    block.message = None;
    block
}

fn binding_text(binding: &ContentBinding) -> String {
    if binding.subtypes.is_empty() {
        binding.binding_id.to_string()
    } else {
        format!(
            "{} (subtype {})",
            binding.binding_id,
            binding.subtypes.join(", ")
        )
    }
}

fn plain(status: StatusCode, body: &'static str) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from_static(body.as_bytes()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

fn internal_error(error: &taxii1_core::Error) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from(format!("internal error: {error}\n")));
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// A running server: a [`TaxiiService`] behind a loopback (by default) HTTP listener served by
/// a background thread. Stopped by [`TaxiiServer::stop`] or when dropped.
#[derive(Debug)]
pub struct TaxiiServer {
    service: Arc<TaxiiService>,
    local_addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    accept_thread: Option<JoinHandle<()>>,
}

impl TaxiiServer {
    /// Binds `config.bind` (port 0 picks a free port), builds the services with addresses
    /// under the bound URL, and serves them on a background thread.
    ///
    /// # Errors
    /// [`Error::Bind`], [`Error::Thread`], and the configuration errors of
    /// [`TaxiiService::new`].
    pub fn new(config: ServerConfig) -> Result<Self, Error> {
        let listener = TcpListener::bind(config.bind).map_err(|source| Error::Bind {
            addr: config.bind,
            source,
        })?;
        let local_addr = listener.local_addr().map_err(|source| Error::Bind {
            addr: config.bind,
            source,
        })?;
        let base = Url::parse(&format!("http://{local_addr}/")).map_err(|e| Error::Bind {
            addr: local_addr,
            source: io::Error::other(e.to_string()),
        })?;
        let service = Arc::new(TaxiiService::new(&config, base)?);
        let stopping = Arc::new(AtomicBool::new(false));
        let accept_thread = {
            let service = Arc::clone(&service);
            let stopping = Arc::clone(&stopping);
            let limits = config.limits;
            std::thread::Builder::new()
                .name("taxii-server-accept".into())
                .spawn(move || accept_loop(&listener, &service, &limits, &stopping))
                .map_err(Error::Thread)?
        };
        Ok(Self {
            service,
            local_addr,
            stopping,
            accept_thread: Some(accept_thread),
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:41234/`.
    pub fn base_url(&self) -> &Url {
        self.service.base_url()
    }

    /// The bound socket address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The services (to inspect state or call [`TaxiiService::handle`] directly).
    pub fn service(&self) -> &TaxiiService {
        &self.service
    }

    /// Blocks until the server stops (it only stops through [`TaxiiServer::stop`] from
    /// another owner, so for a binary this means serving forever).
    pub fn wait(mut self) {
        if let Some(thread) = self.accept_thread.take() {
            let _ = thread.join();
        }
    }

    /// Stops accepting connections and waits for the accept thread; requests already being
    /// served finish on their own threads.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        let Some(thread) = self.accept_thread.take() else {
            return;
        };
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the blocking accept() with one connection of our own.
        let mut wake = self.local_addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(Ipv4Addr::LOCALHOST.into());
        }
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(2));
        let _ = thread.join();
    }
}

impl Drop for TaxiiServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Decrements the connection count when a connection thread ends.
struct ConnectionSlot(Arc<AtomicUsize>);

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn accept_loop(
    listener: &TcpListener,
    service: &Arc<TaxiiService>,
    limits: &ServerLimits,
    stopping: &AtomicBool,
) {
    let active = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(mut stream) = stream else {
            continue;
        };
        if active.fetch_add(1, Ordering::SeqCst) >= limits.max_connections {
            active.fetch_sub(1, Ordering::SeqCst);
            let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
            let _ = write_response(
                &mut stream,
                &plain(StatusCode::SERVICE_UNAVAILABLE, "too many connections\n"),
            );
            continue;
        }
        let slot = ConnectionSlot(Arc::clone(&active));
        let service = Arc::clone(service);
        let limits = limits.clone();
        let spawned = std::thread::Builder::new()
            .name("taxii-server-conn".into())
            .spawn(move || {
                let _slot = slot;
                serve_connection(stream, &service, &limits);
            });
        // If no thread can be started the closure (and the connection) is dropped: the
        // client sees the connection close.
        drop(spawned);
    }
}

/// Reads one request from `stream`, answers it and closes the connection.
fn serve_connection(mut stream: TcpStream, service: &TaxiiService, limits: &ServerLimits) {
    let _ = stream.set_read_timeout(Some(limits.read_timeout));
    let _ = stream.set_write_timeout(Some(limits.read_timeout));
    let response = match read_request(&mut stream, limits) {
        Ok(Some(request)) => service.handle(request),
        Ok(None) => return,
        Err(response) => *response,
    };
    let _ = write_response(&mut stream, &response);
    let _ = stream.flush();
    // Close gracefully: stop writing, then drain (briefly, boundedly) what the client may still
    // be sending, so the close does not reset the connection before the answer is read.
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let mut sink = [0u8; 4096];
    let mut drained = 0usize;
    while drained < 64 * 1024 {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
}

/// Reads the request head and body. `Ok(None)` when the client closed or went silent before
/// sending a request; `Err` carries the HTTP error answer.
fn read_request(
    stream: &mut TcpStream,
    limits: &ServerLimits,
) -> Result<Option<Request<Bytes>>, Box<Response<Bytes>>> {
    // The whole request must arrive within the timeout, so a client trickling bytes cannot
    // hold a connection thread for longer.
    let deadline = Instant::now() + limits.read_timeout;
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let head_len = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        if buffer.len() > limits.max_header_bytes {
            return Err(Box::new(plain(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "request head too large\n",
            )));
        }
        if Instant::now() > deadline {
            return Err(Box::new(plain(
                StatusCode::REQUEST_TIMEOUT,
                "request head not received in time\n",
            )));
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Ok(None),
            Ok(n) => buffer.extend_from_slice(chunk.get(..n).unwrap_or_default()),
        }
    };
    if head_len > limits.max_header_bytes {
        return Err(Box::new(plain(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "request head too large\n",
        )));
    }
    let mut headers = vec![httparse::EMPTY_HEADER; limits.max_headers];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(&buffer) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => {
            return Err(Box::new(plain(
                StatusCode::BAD_REQUEST,
                "incomplete request head\n",
            )));
        }
        Err(httparse::Error::TooManyHeaders) => {
            return Err(Box::new(plain(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "too many request headers\n",
            )));
        }
        Err(_) => {
            return Err(Box::new(plain(
                StatusCode::BAD_REQUEST,
                "malformed request head\n",
            )));
        }
    }
    let bad = |body: &'static str| Box::new(plain(StatusCode::BAD_REQUEST, body));
    let method = Method::from_bytes(parsed.method.unwrap_or_default().as_bytes())
        .map_err(|_| bad("bad method\n"))?;
    let mut builder = Request::builder()
        .method(method.clone())
        .uri(parsed.path.unwrap_or("/"));
    let mut content_length: Option<u64> = None;
    let mut chunked = false;
    let mut expect_continue = false;
    for header in parsed.headers.iter() {
        let name =
            HeaderName::from_bytes(header.name.as_bytes()).map_err(|_| bad("bad header name\n"))?;
        let value = HeaderValue::from_bytes(header.value).map_err(|_| bad("bad header value\n"))?;
        if name == CONTENT_LENGTH {
            let length = value
                .to_str()
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
                .ok_or_else(|| bad("bad Content-Length\n"))?;
            if content_length.is_some_and(|known| known != length) {
                return Err(bad("conflicting Content-Length headers\n"));
            }
            content_length = Some(length);
        } else if name == http::header::TRANSFER_ENCODING {
            chunked = true;
        } else if name == http::header::EXPECT {
            expect_continue = value.as_bytes().eq_ignore_ascii_case(b"100-continue");
        }
        builder = builder.header(name, value);
    }
    if chunked || (method == Method::POST && content_length.is_none()) {
        return Err(Box::new(plain(
            StatusCode::LENGTH_REQUIRED,
            "send the body with a Content-Length (no chunked transfer encoding)\n",
        )));
    }
    let length = content_length.unwrap_or(0);
    if limits.taxii.max_message().check_u64(length).is_err() {
        return Err(Box::new(plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request body above the message size limit\n",
        )));
    }
    let length = usize::try_from(length).map_err(|_| bad("bad Content-Length\n"))?;
    let mut body = buffer.get(head_len..).unwrap_or_default().to_vec();
    body.truncate(length);
    if body.len() < length {
        if expect_continue {
            let _ = stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
        }
        let mut filled = body.len();
        body.resize(length, 0);
        while filled < length {
            if Instant::now() > deadline {
                return Err(Box::new(plain(
                    StatusCode::REQUEST_TIMEOUT,
                    "request body not received in time\n",
                )));
            }
            match stream.read(body.get_mut(filled..).unwrap_or_default()) {
                Ok(0) | Err(_) => return Ok(None),
                Ok(n) => filled += n,
            }
        }
    }
    builder
        .body(Bytes::from(body))
        .map(Some)
        .map_err(|_| bad("bad request target\n"))
}

/// Writes `response` as HTTP/1.1 with `Content-Length` and `Connection: close`.
fn write_response(stream: &mut TcpStream, response: &Response<Bytes>) -> io::Result<()> {
    let status = response.status();
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        status.as_str(),
        status.canonical_reason().unwrap_or("Unknown")
    )
    .into_bytes();
    for (name, value) in response.headers() {
        if name == CONTENT_LENGTH || name == http::header::CONNECTION {
            continue;
        }
        head.extend_from_slice(name.as_str().as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(
        format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            response.body().len()
        )
        .as_bytes(),
    );
    stream.write_all(&head)?;
    stream.write_all(response.body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_utc_microseconds() {
        let t = UNIX_EPOCH + Duration::from_micros(1_795_352_767_900_621);
        assert_eq!(
            timestamp_label(t).unwrap().as_str(),
            "2026-11-22T13:06:07.900621+00:00"
        );
        assert_eq!(
            timestamp_label(UNIX_EPOCH).unwrap().as_str(),
            "1970-01-01T00:00:00.000000+00:00"
        );
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29
        assert_eq!(
            timestamp_label(leap).unwrap().as_str(),
            "2000-02-29T00:00:00.000000+00:00"
        );
    }

    #[test]
    fn instants_compare_across_zone_forms() {
        let ts = |s: &str| Timestamp::new(s).unwrap();
        let label = timestamp_micros(&ts("2026-11-22T13:05:11.960278+00:00")).unwrap();
        assert_eq!(
            timestamp_micros(&ts("2026-11-22T13:05:11.960278Z")),
            Some(label)
        );
        assert_eq!(
            timestamp_micros(&ts("2026-11-22T15:05:11.960278+02:00")),
            Some(label)
        );
        // TAXII timestamps carry at most six fractional digits.
        assert!(Timestamp::new("2026-11-22T13:05:11.9602781Z").is_err());
        assert_eq!(
            timestamp_micros(&ts("2026-11-22T13:05:12Z")),
            Some(label + 39_722)
        );
        assert_eq!(
            timestamp_micros(
                &timestamp_label(UNIX_EPOCH + Duration::from_micros(1_795_352_767_900_621))
                    .unwrap()
            ),
            Some(1_795_352_767_900_621)
        );
    }

    #[test]
    fn xml_declarations_are_left_out() {
        assert_eq!(
            strip_xml_declaration(b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<a/>"),
            b"\n<a/>"
        );
        assert_eq!(strip_xml_declaration(b"<a/>"), b"<a/>");
    }
}
