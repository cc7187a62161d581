//! `taxii`: a thin command-line client over `taxii1-core`.
//!
//! - `taxii parse [--summary] [--lenient] [--max-mib MIB] FILE|-` reads one TAXII 1.x message
//!   and prints it re-written as XML (or a short summary).
//! - `taxii discover|collections|poll|push|subscribe URL ...` talk to a TAXII 1.1 or 1.0 server
//!   over HTTP(S) (`examples::transport`).
//!
//! Exit codes: 0 success; 1 the server answered with a TAXII status other than SUCCESS (or, for
//! `parse`, the message is invalid); 2 usage, file, HTTP or transport error. Never 0 on failure.

use std::collections::hash_map::RandomState;
use std::fmt::Write as _;
use std::fs::{self, OpenOptions};
use std::hash::{BuildHasher, Hasher};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use clap::{Args, Parser, Subcommand, ValueEnum};
use examples::transport::{Transport, TransportOptions};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use taxii1_core::binding::Credentials;
use taxii1_core::binding::client::{Client, Reply};
use taxii1_core::binding::poll::{PollEvent, PollSession};
use taxii1_core::message::*;
use taxii1_core::{
    Content, ContentBindingId, ContentBlocks, ContentKind, Limits, Message, Parsed, Timestamp,
    Version,
};
use url::Url;

#[derive(Parser)]
#[command(name = "taxii", version, about = "TAXII 1.x client and message tool")]
#[command(
    after_help = "Exit codes: 0 success; 1 a TAXII status other than SUCCESS (parse: \
    invalid message); 2 usage, file, HTTP or transport error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse a TAXII 1.0/1.1 message and print it re-written as XML.
    Parse {
        /// Print a short human summary instead of the XML.
        #[arg(long)]
        summary: bool,
        /// Accept the schema deviations real peers produce (OpenTAXII, libtaxii).
        #[arg(long)]
        lenient: bool,
        /// Largest accepted message in MiB (default 20, the feed limit; at most 100).
        #[arg(long, value_name = "MIB")]
        max_mib: Option<usize>,
        /// The message file, or `-` for standard input.
        file: String,
    },
    /// Ask a discovery service which services the server offers.
    Discover {
        #[command(flatten)]
        conn: Connection,
    },
    /// List the collections (TAXII 1.0: feeds) of a collection management service.
    Collections {
        #[command(flatten)]
        conn: Connection,
    },
    /// Poll a collection, following every result part.
    ///
    /// Without --out the content is printed (with --json: inside the JSON document).
    Poll {
        #[command(flatten)]
        conn: Connection,
        /// The collection (feed) to poll.
        #[arg(long, short = 'c')]
        collection: String,
        /// Only content labelled after this time (xs:dateTime with a time zone, e.g.
        /// 2026-01-31T12:00:00Z).
        #[arg(long)]
        begin: Option<Timestamp>,
        /// Only content labelled at or before this time.
        #[arg(long)]
        end: Option<Timestamp>,
        /// Only content with this content binding; repeat for several (default: any).
        #[arg(long = "binding", value_name = "ID")]
        bindings: Vec<String>,
        /// Poll on behalf of this subscription (instead of poll parameters).
        #[arg(long, value_name = "ID")]
        subscription_id: Option<String>,
        /// Write each content block to its own file in DIR (created if missing), named
        /// COLLECTION_partPPPP_IIII.EXT with .xml for XML, .json for EclecticIQ JSON, .txt
        /// otherwise. Files are written atomically; an existing file of the same name is
        /// replaced.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Push files to an inbox service, one content block per file, in one Inbox_Message.
    Push {
        #[command(flatten)]
        conn: Connection,
        /// Destination collection (TAXII 1.1 only; required by some inboxes, refused by others).
        #[arg(long, short = 'c')]
        collection: Option<String>,
        /// Content binding of every file. Default: urn:eclecticiq.com:json:1.0 for JSON files;
        /// required for other files (e.g. urn:stix.mitre.org:xml:1.2).
        #[arg(long, value_name = "ID")]
        binding: Option<String>,
        /// The files to push (XML files may start with an XML declaration; it is dropped).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Manage a subscription to a collection (collection management service URL).
    Subscribe {
        #[command(flatten)]
        conn: Connection,
        /// The collection (feed).
        #[arg(long, short = 'c')]
        collection: String,
        /// What to do (pause and resume are TAXII 1.1 only).
        #[arg(long, short = 'a', value_enum)]
        action: Action,
        /// The subscription (required except for subscribe and an all-subscriptions status).
        #[arg(long, value_name = "ID")]
        id: Option<String>,
    },
}

/// Options every network subcommand shares.
#[derive(Args)]
struct Connection {
    // Not a doc comment: rustdoc would flag the bare URL that the help text should show.
    #[arg(help = "The service URL, e.g. https://taxii.example.org/services/discovery")]
    url: String,
    /// HTTP basic user name.
    #[arg(long, env = "TAXII_USERNAME")]
    username: Option<String>,
    /// HTTP basic password (prefer the environment variable: the command line is visible to
    /// other local users). Never printed.
    #[arg(long, env = "TAXII_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    /// Send the credentials over plain http:// too, where anyone on the path can read them.
    /// Meant for loopback test servers; prints a warning. Without it, credentials are sent
    /// over https:// only.
    #[arg(long)]
    allow_plain_http_auth: bool,
    /// The TAXII version to speak.
    #[arg(long, value_enum, default_value = "1.1")]
    taxii_version: VersionArg,
    /// Print machine-readable JSON on standard output (no progress bar).
    #[arg(long)]
    json: bool,
    /// Trust only the CA certificates in this PEM file (default: the built-in Mozilla roots).
    /// Server certificate verification cannot be turned off.
    #[arg(long, value_name = "PEM")]
    ca_cert: Option<PathBuf>,
    /// Client certificate chain (PEM) for TLS client authentication; may also hold the key.
    #[arg(long, value_name = "PEM")]
    client_cert: Option<PathBuf>,
    /// Client private key (PEM), when not in the --client-cert file.
    #[arg(long, value_name = "PEM", requires = "client_cert")]
    client_key: Option<PathBuf>,
    /// Seconds allowed for each HTTP exchange (connecting: at most 10 s of it).
    #[arg(long, value_name = "SECONDS", default_value_t = 120,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    timeout: u64,
    /// Largest response accepted, in bytes (default 20 MiB, at most 100 MiB).
    #[arg(long, value_name = "BYTES")]
    max_message_bytes: Option<usize>,
    /// Reject the schema deviations real peers produce (by default they are accepted: a
    /// TAXII 1.0 feed without content binding from OpenTAXII, several subtypes from libtaxii).
    #[arg(long)]
    strict: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum VersionArg {
    #[value(name = "1.1")]
    V11,
    #[value(name = "1.0")]
    V10,
}

#[derive(Clone, Copy, ValueEnum)]
enum Action {
    Subscribe,
    Unsubscribe,
    Pause,
    Resume,
    Status,
}

impl Action {
    fn taxii(self) -> SubscriptionAction {
        match self {
            Self::Subscribe => SubscriptionAction::Subscribe,
            Self::Unsubscribe => SubscriptionAction::Unsubscribe,
            Self::Pause => SubscriptionAction::Pause,
            Self::Resume => SubscriptionAction::Resume,
            Self::Status => SubscriptionAction::Status,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Subscribe => "SUBSCRIBE",
            Self::Unsubscribe => "UNSUBSCRIBE",
            Self::Pause => "PAUSE",
            Self::Resume => "RESUME",
            Self::Status => "STATUS",
        }
    }
}

/// Why a command failed; decides the exit code.
enum Failure {
    /// The server answered with a TAXII status other than SUCCESS (exit 1).
    Status(Box<StatusMessage>),
    /// Usage, file, HTTP, transport or protocol problem (exit 2).
    Other { kind: &'static str, message: String },
}

impl Failure {
    fn usage(message: impl Into<String>) -> Self {
        Self::Other {
            kind: "usage",
            message: message.into(),
        }
    }

    fn io(message: impl Into<String>) -> Self {
        Self::Other {
            kind: "io",
            message: message.into(),
        }
    }

    fn taxii(error: taxii1_core::Error) -> Self {
        match error {
            taxii1_core::Error::Status(status) => Self::Status(status),
            taxii1_core::Error::Http(problem) => Self::Other {
                kind: "http",
                message: problem.to_string(),
            },
            taxii1_core::Error::NotRepresentable { .. }
            | taxii1_core::Error::InvalidField { .. } => Self::usage(error.to_string()),
            other => Self::Other {
                kind: "protocol",
                message: format!("unusable response: {other}"),
            },
        }
    }

    fn report(self, json: bool) -> ExitCode {
        let (code, kind, line, status) = match self {
            Self::Status(status) => {
                let mut line = format!("TAXII status {}", status_line(&status));
                if status.status_type == StatusType::UNAUTHORIZED {
                    line.push_str(
                        " (check --username/--password or TAXII_USERNAME/TAXII_PASSWORD)",
                    );
                }
                (1, "status", line, Some(status_json(&status)))
            }
            Self::Other { kind, message } => (2, kind, message, None),
        };
        eprintln!("taxii: {line}");
        if json {
            let mut doc = json!({"error": kind, "message": line});
            if let (Some(status), Value::Object(map)) = (status, &mut doc) {
                map.insert("status".into(), status);
            }
            // Standard output may be a closed pipe already; the exit code still tells.
            let _ = writeln!(std::io::stdout(), "{doc}");
        }
        ExitCode::from(code)
    }
}

/// One line: status type, message, details; control characters flattened to spaces.
fn status_line(status: &StatusMessage) -> String {
    let mut line = format!(
        "{}: {}",
        status.status_type,
        status.message.as_deref().unwrap_or("(no message)")
    );
    match &status.status_detail {
        Some(StatusDetail::Details(details)) => {
            for detail in details {
                let _ = write!(line, " [{}={}]", detail.name, detail.value.as_str().trim());
            }
        }
        Some(StatusDetail::Text(text)) => {
            let _ = write!(line, " [{}]", text.trim());
        }
        None => {}
    }
    line.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn status_json(status: &StatusMessage) -> Value {
    let details: Vec<Value> = match &status.status_detail {
        Some(StatusDetail::Details(details)) => details
            .iter()
            .map(|d| json!({"name": d.name, "value": d.value.as_str()}))
            .collect(),
        Some(StatusDetail::Text(text)) => vec![json!({"name": null, "value": text})],
        None => Vec::new(),
    };
    json!({
        "status_type": status.status_type.as_str(),
        "message": status.message,
        "details": details,
    })
}

/// Message ids: decimal digits (valid in TAXII 1.0 and 1.1), a random start per run, then
/// consecutive, so every request of a run has its own id.
struct MessageIds {
    next: u64,
}

impl MessageIds {
    fn new() -> Self {
        let mut hasher = RandomState::new().build_hasher();
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        hasher.write_u128(nanos);
        hasher.write_u32(std::process::id());
        // Half the range: the run never wraps, and ids never start with zeros.
        Self {
            next: (hasher.finish() >> 1).max(1_000_000_000),
        }
    }

    fn next_id(&mut self) -> MessageId {
        let id = MessageId::from_u64(self.next);
        self.next = self.next.saturating_add(1);
        id
    }
}

/// A connected client: settings, transport, the service URL and the id source.
struct Session {
    client: Client,
    transport: Transport,
    url: Url,
    ids: MessageIds,
    json: bool,
}

impl Session {
    fn open(conn: &Connection) -> Result<Self, Failure> {
        let url = Url::parse(&conn.url)
            .map_err(|e| Failure::usage(format!("URL `{}`: {e}", conn.url)))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Failure::usage(format!(
                "URL `{}`: scheme must be http or https",
                conn.url
            )));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Failure::usage(
                "put credentials in --username/--password (or TAXII_USERNAME/TAXII_PASSWORD), \
                 not in the URL",
            ));
        }
        let version = match conn.taxii_version {
            VersionArg::V11 => Version::V1_1,
            VersionArg::V10 => Version::V1_0,
        };
        let mut limits = Limits::default().with_accept_peer_deviations(!conn.strict);
        if let Some(bytes) = conn.max_message_bytes {
            limits = limits
                .with_max_message_bytes(bytes)
                .map_err(|e| Failure::usage(format!("--max-message-bytes: {e}")))?;
        }
        let mut client = Client::new(version)
            .with_limits(limits)
            .with_user_agent(concat!("taxii-cli/", env!("CARGO_PKG_VERSION")));
        match (&conn.username, &conn.password) {
            (Some(user), Some(password)) => {
                client = client.with_basic_auth(Credentials::new(user, password));
                if conn.allow_plain_http_auth {
                    client = client.dangerous_allow_credentials_over_plain_http();
                    if url.scheme() == "http" {
                        eprintln!(
                            "taxii: warning: sending the password of `{user}` over plain http:// \
                             (--allow-plain-http-auth); anyone on the path can read it"
                        );
                    }
                } else if url.scheme() == "http" {
                    return Err(Failure::usage(
                        "refusing to send credentials over plain http:// (use https://, or \
                         --allow-plain-http-auth for a loopback test server)",
                    ));
                }
            }
            (Some(_), None) => {
                return Err(Failure::usage(
                    "--username needs --password (or TAXII_PASSWORD)",
                ));
            }
            (None, Some(_)) => {
                return Err(Failure::usage(
                    "--password needs --username (or TAXII_USERNAME)",
                ));
            }
            (None, None) => {}
        }
        let mut options = TransportOptions::default().with_timeouts(
            Duration::from_secs(conn.timeout.min(10)),
            Duration::from_secs(conn.timeout),
        );
        if let Some(ca) = &conn.ca_cert {
            options = options.with_ca_cert(ca);
        }
        if let Some(cert) = &conn.client_cert {
            options = options.with_client_identity(cert, conn.client_key.clone());
        }
        let transport = Transport::new(&options).map_err(|e| Failure::usage(e.to_string()))?;
        Ok(Self {
            client,
            transport,
            url,
            ids: MessageIds::new(),
            json: conn.json,
        })
    }

    fn version(&self) -> Version {
        self.client.version()
    }

    /// Sends `message` and returns the raw response.
    fn send(&self, message: &Message) -> Result<http::Response<Bytes>, Failure> {
        let request = self
            .client
            .request(&self.url, message)
            .map_err(Failure::taxii)?;
        self.transport
            .send(&self.client, request)
            .map_err(|e| Failure::Other {
                kind: "transport",
                message: e.to_string(),
            })
    }

    /// Sends `message` and reads the reply it calls for.
    fn call<T: Reply>(&self, message: Message) -> Result<T, Failure> {
        let id = message.message_id().clone();
        let response = self.send(&message)?;
        self.client.expect(response, &id).map_err(Failure::taxii)
    }
}

/// Standard output, with write errors (a closed pipe) turned into a failure.
fn out(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.write_all(b"\n"))
        .and_then(|()| stdout.flush())
        .map_err(|e| Failure::io(format!("writing output: {e}")))
}

fn service_type_name(service_type: ServiceType, version: Version) -> &'static str {
    match (service_type, version) {
        (ServiceType::Discovery, _) => "DISCOVERY",
        (ServiceType::CollectionManagement, Version::V1_0) => "FEED_MANAGEMENT",
        (ServiceType::CollectionManagement, _) => "COLLECTION_MANAGEMENT",
        (ServiceType::Inbox, _) => "INBOX",
        (ServiceType::Poll, _) => "POLL",
    }
}

fn bindings_json(bindings: &[ContentBinding]) -> Value {
    bindings
        .iter()
        .map(|b| json!({"binding_id": b.binding_id.as_str(), "subtypes": b.subtypes}))
        .collect()
}

fn bindings_text(bindings: &[ContentBinding]) -> String {
    if bindings.is_empty() {
        return "any".into();
    }
    bindings
        .iter()
        .map(|b| {
            if b.subtypes.is_empty() {
                b.binding_id.as_str().to_owned()
            } else {
                format!("{} ({})", b.binding_id.as_str(), b.subtypes.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn contact_json(contact: &ServiceContact) -> Value {
    json!({
        "address": contact.address,
        "protocol_binding": contact.protocol_binding,
        "message_bindings": contact.message_bindings,
    })
}

fn availability(available: Option<bool>) -> &'static str {
    match available {
        Some(true) => "available",
        Some(false) => "not available",
        None => "availability not stated",
    }
}

fn run_discover(conn: &Connection) -> Result<(), Failure> {
    let mut session = Session::open(conn)?;
    let id = session.ids.next_id();
    let response: DiscoveryResponse = session.call(DiscoveryRequest::new(id).into())?;
    let version = session.version();
    if session.json {
        let services: Vec<Value> = response
            .service_instances
            .iter()
            .map(|s| {
                json!({
                    "service_type": service_type_name(s.service_type, version),
                    "service_version": s.service_version,
                    "address": s.address,
                    "protocol_binding": s.protocol_binding,
                    "message_bindings": s.message_bindings,
                    "content_bindings": bindings_json(&s.content_bindings),
                    "available": s.available,
                    "message": s.message,
                })
            })
            .collect();
        return out(
            &json!({"taxii_version": version.to_string(), "services": services}).to_string(),
        );
    }
    let mut text = format!("{} services", response.service_instances.len());
    for s in &response.service_instances {
        let _ = write!(
            text,
            "\n{} {} ({}, {})\n  protocol: {}\n  message bindings: {}",
            service_type_name(s.service_type, version),
            s.address,
            s.service_version,
            availability(s.available),
            s.protocol_binding,
            s.message_bindings.join(", "),
        );
        if s.service_type == ServiceType::Inbox {
            let _ = write!(
                text,
                "\n  content bindings: {}",
                bindings_text(&s.content_bindings)
            );
        }
        if let Some(message) = &s.message {
            let _ = write!(text, "\n  message: {message}");
        }
    }
    out(&text)
}

fn run_collections(conn: &Connection) -> Result<(), Failure> {
    let mut session = Session::open(conn)?;
    let id = session.ids.next_id();
    let response: CollectionInformationResponse =
        session.call(CollectionInformationRequest::new(id).into())?;
    let collection_type = |c: &CollectionRecord| match c.collection_type {
        Some(CollectionType::DataFeed) => Some("DATA_FEED"),
        Some(CollectionType::DataSet) => Some("DATA_SET"),
        None => None,
    };
    if session.json {
        let collections: Vec<Value> = response
            .collections
            .iter()
            .map(|c| {
                json!({
                    "name": c.collection_name,
                    "collection_type": collection_type(c),
                    "available": c.available,
                    "description": c.description,
                    "volume": c.collection_volume,
                    "content_bindings": bindings_json(&c.content_bindings),
                    "polling_services": c.polling_services.iter().map(contact_json).collect::<Vec<_>>(),
                    "subscription_services": c.subscription_services.iter().map(contact_json).collect::<Vec<_>>(),
                    "receiving_inbox_services": c.receiving_inbox_services.iter().map(|i| {
                        let mut v = contact_json(&i.contact);
                        if let Value::Object(map) = &mut v {
                            map.insert("content_bindings".into(), bindings_json(&i.content_bindings));
                        }
                        v
                    }).collect::<Vec<_>>(),
                    "push_methods": c.push_methods.iter().map(|p| json!({
                        "protocol_binding": p.protocol_binding,
                        "message_bindings": p.message_bindings,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        return out(&json!({"collections": collections}).to_string());
    }
    let mut text = format!("{} collections", response.collections.len());
    for c in &response.collections {
        let _ = write!(
            text,
            "\n{} ({}, {}{})\n  {}\n  content bindings: {}",
            c.collection_name,
            collection_type(c).unwrap_or("DATA_FEED"),
            availability(c.available),
            c.collection_volume
                .map(|v| format!(", {v} blocks"))
                .unwrap_or_default(),
            c.description.trim(),
            bindings_text(&c.content_bindings),
        );
        for p in &c.polling_services {
            let _ = write!(text, "\n  poll: {}", p.address);
        }
        for s in &c.subscription_services {
            let _ = write!(text, "\n  subscribe: {}", s.address);
        }
        for i in &c.receiving_inbox_services {
            let _ = write!(
                text,
                "\n  inbox: {} (accepts {})",
                i.contact.address,
                bindings_text(&i.content_bindings)
            );
        }
    }
    out(&text)
}

/// A filesystem-safe form of a collection name.
fn file_stem(collection: &str) -> String {
    let mut stem: String = collection
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if stem.starts_with('.') {
        stem.replace_range(..1, "_");
    }
    if stem.is_empty() {
        stem.push_str("collection");
    }
    stem
}

/// The file extension for a block: its payload kind first, then its binding.
fn extension(block: &ContentBlock) -> &'static str {
    let binding = block.content_binding.binding_id.as_str();
    if block.content.kind() == ContentKind::Xml || binding.contains(":xml:") {
        "xml"
    } else if binding.starts_with("urn:eclecticiq.com:json:") {
        "json"
    } else {
        "txt"
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, flushed to disk,
/// then renamed over `path`.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn progress_bar(json: bool) -> ProgressBar {
    if json || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}: {pos} blocks [{elapsed}]") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

struct PollArgs<'a> {
    collection: &'a str,
    begin: Option<Timestamp>,
    end: Option<Timestamp>,
    bindings: &'a [String],
    subscription_id: Option<&'a str>,
    out_dir: Option<&'a Path>,
}

fn run_poll(conn: &Connection, args: PollArgs<'_>) -> Result<(), Failure> {
    let mut session = Session::open(conn)?;
    let version = session.version();
    let bindings: Vec<ContentBinding> = args
        .bindings
        .iter()
        .map(|b| ContentBinding::new(ContentBindingId::new(b.clone())))
        .collect();
    let first_id = session.ids.next_id();
    let mut request = match args.subscription_id {
        Some(sub) => PollRequest::for_subscription(first_id, args.collection, sub),
        None => PollRequest::new(first_id, args.collection),
    }
    .with_window(args.begin, args.end);
    match version {
        Version::V1_0 => {
            request.poll_parameters = None;
            request.content_bindings = bindings;
        }
        _ => {
            if let Some(parameters) = &mut request.poll_parameters {
                parameters.content_bindings = bindings;
            } else if !bindings.is_empty() {
                return Err(Failure::usage(
                    "--binding cannot be combined with --subscription-id in TAXII 1.1 (the \
                     subscription decides the bindings)",
                ));
            }
        }
    }
    if let Some(dir) = args.out_dir {
        fs::create_dir_all(dir)
            .map_err(|e| Failure::io(format!("cannot create {}: {e}", dir.display())))?;
    }
    let stem = file_stem(args.collection);
    let mut poll = PollSession::new(request, version, session.client.limits().max_result_parts());
    let bar = progress_bar(session.json);
    bar.set_message(format!("polling {}", args.collection));
    let mut blocks_json = Vec::new();
    let mut total = 0usize;
    let mut record_count = None;
    loop {
        let next = session.ids.next_id();
        let Some(message) = poll.poll_transmit(next) else {
            break;
        };
        let response = session.send(&message)?;
        let parsed = session
            .client
            .parse_response(response)
            .map_err(Failure::taxii)?;
        match poll
            .handle_response(parsed.message)
            .map_err(Failure::taxii)?
        {
            PollEvent::Part {
                content_blocks,
                part_number,
                record_count: count,
                more,
            } => {
                if let Some(count) = count {
                    record_count = Some(count);
                    bar.set_length(count.count);
                    if let Ok(style) = ProgressStyle::with_template(
                        "{msg} {wide_bar} {pos}/{len} blocks [{elapsed}]",
                    ) {
                        bar.set_style(style);
                    }
                }
                bar.set_message(format!(
                    "{} part {part_number}{}",
                    args.collection,
                    if more { " (more follow)" } else { "" }
                ));
                for (i, block) in content_blocks.iter().enumerate() {
                    let index = i + 1;
                    total += 1;
                    bar.inc(1);
                    let file = match args.out_dir {
                        Some(dir) => {
                            let path = dir.join(format!(
                                "{stem}_part{part_number:04}_{index:04}.{}",
                                extension(block)
                            ));
                            write_atomic(&path, block.content.as_bytes()).map_err(|e| {
                                Failure::io(format!("cannot write {}: {e}", path.display()))
                            })?;
                            Some(path)
                        }
                        None => None,
                    };
                    let binding = block.content_binding.binding_id.as_str();
                    let label = block.timestamp_label.as_ref().map(Timestamp::as_str);
                    if session.json {
                        blocks_json.push(json!({
                            "part": part_number,
                            "index": index,
                            "binding_id": binding,
                            "subtypes": block.content_binding.subtypes,
                            "kind": if block.content.kind() == ContentKind::Xml { "xml" } else { "text" },
                            "timestamp_label": label,
                            "bytes": block.content.as_bytes().len(),
                            "file": file.as_ref().map(|p| p.display().to_string()),
                            "content": if file.is_none() { Some(block.content.as_str()) } else { None },
                        }));
                    } else {
                        let head = format!(
                            "{} part {part_number} block {index}: {binding}, {} bytes{}",
                            args.collection,
                            block.content.as_bytes().len(),
                            label.map(|l| format!(", labelled {l}")).unwrap_or_default(),
                        );
                        bar.suspend(|| match &file {
                            Some(path) => out(&format!("{} -> {head}", path.display())),
                            None => out(&format!("=== {head}\n{}", block.content.as_str())),
                        })?;
                    }
                }
            }
            PollEvent::Pending { estimated_wait } => {
                let wait = estimated_wait.unwrap_or(10).min(300);
                bar.set_message(format!("server is preparing the result; waiting {wait} s"));
                std::thread::sleep(Duration::from_secs(wait));
            }
            _ => {}
        }
    }
    bar.finish_and_clear();
    let parts = poll.parts_received();
    if session.json {
        return out(&json!({
            "collection": args.collection,
            "parts": parts,
            "record_count": record_count.map(|c| json!({"count": c.count, "partial": c.partial_count})),
            "content_blocks": total,
            "blocks": blocks_json,
        })
        .to_string());
    }
    eprintln!(
        "taxii: {total} content blocks in {parts} part{} from {}",
        if parts == 1 { "" } else { "s" },
        args.collection
    );
    Ok(())
}

/// Reads a file for pushing, within the message size limit.
fn read_push_file(path: &Path, limit: usize) -> Result<Vec<u8>, Failure> {
    let file = fs::File::open(path)
        .map_err(|e| Failure::io(format!("cannot read {}: {e}", path.display())))?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::io(format!("cannot read {}: {e}", path.display())))?;
    if bytes.len() > limit {
        return Err(Failure::usage(format!(
            "{} is larger than the message limit of {limit} bytes",
            path.display()
        )));
    }
    Ok(bytes)
}

/// Drops a UTF-8 byte order mark, and an XML declaration with the whitespace after it (the
/// declaration cannot appear inside a TAXII message).
fn strip_prolog(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let trimmed = bytes.trim_ascii_start();
    if trimmed.starts_with(b"<?xml")
        && let Some(end) = trimmed.windows(2).position(|w| w == b"?>")
    {
        return trimmed
            .get(end + 2..)
            .unwrap_or_default()
            .trim_ascii_start();
    }
    bytes
}

fn content_block(
    path: &Path,
    bytes: Vec<u8>,
    binding: Option<&str>,
) -> Result<ContentBlock, Failure> {
    let body = strip_prolog(&bytes);
    let is_xml = body.trim_ascii_start().starts_with(b"<");
    let is_json = matches!(body.trim_ascii_start().first(), Some(b'{' | b'['));
    let binding = match binding {
        Some(b) => ContentBindingId::new(b.to_owned()),
        None if is_json => ContentBindingId::EIQ_JSON_1_0,
        None => {
            return Err(Failure::usage(format!(
                "{}: cannot tell the content binding; pass --binding (e.g. \
                 urn:stix.mitre.org:xml:1.2)",
                path.display()
            )));
        }
    };
    let content = if is_xml {
        Content::xml(Bytes::copy_from_slice(body))
    } else {
        Content::text_from_bytes(Bytes::from(bytes))
    }
    .map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?;
    Ok(ContentBlock::new(binding, content))
}

fn run_push(
    conn: &Connection,
    collection: Option<&str>,
    binding: Option<&str>,
    files: &[PathBuf],
) -> Result<(), Failure> {
    let mut session = Session::open(conn)?;
    let limit = session.client.limits().max_message_bytes();
    let mut blocks = Vec::with_capacity(files.len());
    let mut summary = Vec::with_capacity(files.len());
    for path in files {
        let bytes = read_push_file(path, limit)?;
        let block = content_block(path, bytes, binding)?;
        summary.push(json!({
            "file": path.display().to_string(),
            "binding_id": block.content_binding.binding_id.as_str(),
            "bytes": block.content.as_bytes().len(),
        }));
        blocks.push(block);
    }
    let mut message = InboxMessage::new(session.ids.next_id(), blocks);
    if let Some(name) = collection {
        if session.version() == Version::V1_0 {
            return Err(Failure::usage(
                "TAXII 1.0 inbox messages cannot name a destination collection; drop --collection",
            ));
        }
        message = message.with_destination(name);
    }
    let status: StatusMessage = session.call(message.into())?;
    if session.json {
        return out(&json!({
            "status_type": status.status_type.as_str(),
            "message": status.message,
            "collection": collection,
            "pushed": summary,
        })
        .to_string());
    }
    out(&format!(
        "{}: pushed {} content block{}{}{}",
        status.status_type,
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        collection.map(|c| format!(" to {c}")).unwrap_or_default(),
        status
            .message
            .map(|m| format!(" ({})", m.trim()))
            .unwrap_or_default(),
    ))
}

fn subscription_status_name(status: Option<SubscriptionStatus>) -> Option<&'static str> {
    status.map(|s| match s {
        SubscriptionStatus::Active => "ACTIVE",
        SubscriptionStatus::Paused => "PAUSED",
        SubscriptionStatus::Unsubscribed => "UNSUBSCRIBED",
    })
}

fn run_subscribe(
    conn: &Connection,
    collection: &str,
    action: Action,
    id: Option<&str>,
) -> Result<(), Failure> {
    let mut session = Session::open(conn)?;
    match (action, id) {
        (Action::Subscribe, Some(_)) => {
            return Err(Failure::usage("--id is not used with --action subscribe"));
        }
        (Action::Unsubscribe | Action::Pause | Action::Resume, None) => {
            return Err(Failure::usage(format!(
                "--action {} needs --id",
                action.name().to_lowercase()
            )));
        }
        _ => {}
    }
    let mut request =
        SubscriptionManagementRequest::new(session.ids.next_id(), action.taxii(), collection);
    if let Some(id) = id {
        request = request.with_subscription_id(id);
    }
    if matches!(action, Action::Subscribe) && session.version() == Version::V1_1 {
        request.subscription_parameters = Some(SubscriptionParameters::default());
    }
    let response: SubscriptionManagementResponse = session.call(request.into())?;
    if session.json {
        let subscriptions: Vec<Value> = response
            .subscriptions
            .iter()
            .map(|s| {
                json!({
                    "subscription_id": s.subscription_id,
                    "status": subscription_status_name(s.status),
                    "poll_instances": s.poll_instances.iter().map(contact_json).collect::<Vec<_>>(),
                })
            })
            .collect();
        return out(&json!({
            "collection": response.collection_name,
            "action": action.name(),
            "message": response.message,
            "subscriptions": subscriptions,
        })
        .to_string());
    }
    let mut text = format!(
        "{} {}: {} subscription{}",
        action.name(),
        response.collection_name,
        response.subscriptions.len(),
        if response.subscriptions.len() == 1 {
            ""
        } else {
            "s"
        }
    );
    if let Some(message) = &response.message {
        let _ = write!(text, " ({})", message.trim());
    }
    for s in &response.subscriptions {
        let _ = write!(
            text,
            "\n{} {}",
            s.subscription_id,
            subscription_status_name(s.status).unwrap_or("(status not stated)")
        );
        for p in &s.poll_instances {
            let _ = write!(text, "\n  poll: {}", p.address);
        }
    }
    out(&text)
}

fn read_input(file: &str) -> std::io::Result<Vec<u8>> {
    if file == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf)?;
        Ok(buf)
    } else {
        fs::read(file)
    }
}

/// A one-line summary; `blocks` is the number of content blocks and their content bytes.
fn summary(parsed: &Parsed, (blocks, bytes): (usize, usize)) -> String {
    let m = &parsed.message;
    let mut line = format!(
        "TAXII {} {} message_id={}",
        parsed.version,
        m.kind().element_name(parsed.version).unwrap_or("?"),
        m.message_id()
    );
    if let Some(id) = m.in_response_to() {
        line.push_str(&format!(" in_response_to={id}"));
    }
    match m {
        Message::StatusMessage(s) => {
            line.push_str(&format!(" status_type={}", s.status_type));
            if let Some(text) = &s.message {
                line.push_str(&format!(" message={text:?}"));
            }
        }
        Message::DiscoveryResponse(d) => {
            line.push_str(&format!(" service_instances={}", d.service_instances.len()));
        }
        Message::CollectionInformationResponse(c) => {
            line.push_str(&format!(" collections={}", c.collections.len()));
        }
        Message::PollRequest(p) => line.push_str(&format!(" collection={}", p.collection_name)),
        Message::PollResponse(p) => {
            line.push_str(&format!(
                " collection={} more={}",
                p.collection_name, p.more
            ));
            if let Some(id) = &p.result_id {
                line.push_str(&format!(" result_id={id}"));
            }
            if let Some(n) = p.result_part_number {
                line.push_str(&format!(" part={n}"));
            }
            if let Some(rc) = p.record_count {
                line.push_str(&format!(
                    " record_count={}{}",
                    rc.count,
                    if rc.partial_count { "+" } else { "" }
                ));
            }
        }
        Message::SubscriptionManagementRequest(s) => {
            line.push_str(&format!(
                " collection={} action={:?}",
                s.collection_name, s.action
            ));
        }
        Message::SubscriptionManagementResponse(s) => {
            line.push_str(&format!(
                " collection={} subscriptions={}",
                s.collection_name,
                s.subscriptions.len()
            ));
        }
        Message::InboxMessage(i) if !i.destination_collection_names.is_empty() => {
            line.push_str(&format!(
                " destinations={}",
                i.destination_collection_names.join(",")
            ));
        }
        Message::PollFulfillmentRequest(f) => {
            line.push_str(&format!(
                " collection={} result_id={}",
                f.collection_name, f.result_id
            ));
        }
        _ => {}
    }
    if matches!(m, Message::PollResponse(_) | Message::InboxMessage(_)) {
        line.push_str(&format!(" content_blocks={blocks} content_bytes={bytes}"));
    }
    line
}

/// Reads a message one content block at a time, keeping none of them: the message without
/// its blocks, how many there were and their content bytes.
fn read_streaming(
    input: &Bytes,
    limits: &Limits,
) -> Result<(Parsed, (usize, usize)), taxii1_core::Error> {
    let mut stream = ContentBlocks::new(input, limits)?;
    let mut bytes = 0;
    while let Some(block) = stream.next_block()? {
        bytes += block.content.as_bytes().len();
    }
    let count = stream.blocks_read();
    Ok((stream.finish()?, (count, bytes)))
}

fn run_parse(want_summary: bool, lenient: bool, max_mib: Option<usize>, file: &str) -> ExitCode {
    let mut limits = Limits::default().with_accept_peer_deviations(lenient);
    if let Some(mib) = max_mib {
        match taxii1_core::size::SizeLimit::from_mib(mib) {
            Ok(limit) => limits = limits.with_max_message(limit),
            Err(e) => {
                eprintln!("taxii: --max-mib {mib}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let input = match read_input(file) {
        Ok(input) => input,
        Err(e) => {
            eprintln!("taxii: cannot read {file}: {e}");
            return ExitCode::from(2);
        }
    };
    let input = Bytes::from(input);
    let mut stdout = std::io::stdout().lock();
    let result = if want_summary {
        // The summary needs no block kept: stream them, so memory stays near the input size.
        match read_streaming(&input, &limits) {
            Ok((parsed, blocks)) => writeln!(stdout, "{}", summary(&parsed, blocks)),
            Err(e) => {
                eprintln!("taxii: {file}: {e}");
                return ExitCode::from(1);
            }
        }
    } else {
        // Hand the buffer over: content blocks then share it instead of being copied.
        let parsed = match Message::from_bytes(input, &limits) {
            Ok(parsed) => parsed,
            Err(e) => {
                eprintln!("taxii: {file}: {e}");
                return ExitCode::from(1);
            }
        };
        match parsed.message.to_xml(parsed.version) {
            Ok(xml) => stdout.write_all(&xml).and_then(|()| writeln!(stdout)),
            Err(e) => {
                eprintln!("taxii: {file}: cannot write back: {e}");
                return ExitCode::from(1);
            }
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("taxii: writing output: {e}");
            ExitCode::from(2)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (conn, result) = match &cli.command {
        Command::Parse {
            summary: want_summary,
            lenient,
            max_mib,
            file,
        } => return run_parse(*want_summary, *lenient, *max_mib, file),
        Command::Discover { conn } => (conn, run_discover(conn)),
        Command::Collections { conn } => (conn, run_collections(conn)),
        Command::Poll {
            conn,
            collection,
            begin,
            end,
            bindings,
            subscription_id,
            out,
        } => (
            conn,
            run_poll(
                conn,
                PollArgs {
                    collection,
                    begin: begin.clone(),
                    end: end.clone(),
                    bindings,
                    subscription_id: subscription_id.as_deref(),
                    out_dir: out.as_deref(),
                },
            ),
        ),
        Command::Push {
            conn,
            collection,
            binding,
            files,
        } => (
            conn,
            run_push(conn, collection.as_deref(), binding.as_deref(), files),
        ),
        Command::Subscribe {
            conn,
            collection,
            action,
            id,
        } => (
            conn,
            run_subscribe(conn, collection, *action, id.as_deref()),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(conn.json),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_digits_and_distinct() {
        let mut ids = MessageIds::new();
        let a = ids.next_id();
        let b = ids.next_id();
        assert!(a.is_numeric() && b.is_numeric());
        assert_ne!(a, b);
        assert!(a.as_str().len() >= 10);
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_stem("stix-feed"), "stix-feed");
        assert_eq!(file_stem("../etc/passwd"), "_._etc_passwd");
        assert_eq!(file_stem("a b/c"), "a_b_c");
        assert_eq!(file_stem(""), "collection");
    }

    #[test]
    fn extensions_follow_kind_then_binding() {
        let xml = ContentBlock::new(
            ContentBindingId::STIX_XML_1_2,
            Content::xml(Bytes::from_static(b"<a/>")).unwrap(),
        );
        let eiq = ContentBlock::new(ContentBindingId::EIQ_JSON_1_0, Content::text("{}"));
        let other = ContentBlock::new(
            ContentBindingId::new("urn:example.com:text:1.0"),
            Content::text("x"),
        );
        let escaped_xml =
            ContentBlock::new(ContentBindingId::STIX_XML_1_1_1, Content::text("<a/>"));
        assert_eq!(extension(&xml), "xml");
        assert_eq!(extension(&eiq), "json");
        assert_eq!(extension(&other), "txt");
        assert_eq!(extension(&escaped_xml), "xml");
    }

    #[test]
    fn prolog_is_dropped() {
        assert_eq!(
            strip_prolog(b"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a/>"),
            b"<a/>"
        );
        assert_eq!(strip_prolog(b"{\"a\": 1}"), b"{\"a\": 1}");
    }

    #[test]
    fn status_line_is_one_line_with_details() {
        let status = StatusMessage::new(
            MessageId::from_u64(2),
            MessageId::from_u64(1),
            StatusType::UNSUPPORTED_CONTENT,
        )
        .with_message("no\nsuch binding")
        .with_detail(Detail::text("SUPPORTED_CONTENT", "urn:a"));
        assert_eq!(
            status_line(&status),
            "UNSUPPORTED_CONTENT: no such binding [SUPPORTED_CONTENT=urn:a]"
        );
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary_file() {
        let dir = std::env::temp_dir().join(format!("taxii-cli-atomic-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("x.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("x.json")]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
