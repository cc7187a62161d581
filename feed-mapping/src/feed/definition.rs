//! Typed feed definitions: what an incoming or outgoing feed is and how it talks to its peer.
//!
//! The model follows the platform's feed settings: a unique name, a transport (TAXII inbox,
//! TAXII poll, MISP upload, mount point) with its settings, a content type, the datasets the
//! feed reads from or writes to, and an execution schedule. [`FeedConfig`] is one instance's
//! whole set: package size limits, mount-point allowlists and the incoming and outgoing feeds.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use taxii1_core::{ContentBindingId, Version};
use url::Url;

use super::limits::PackageSizeLimits;
use super::mount_policy::MountPointPolicy;
use super::secret::Secret;

/// One platform instance's feed configuration, as loaded from a feed file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FeedConfig {
    /// `MAX_BLOB_SIZE` / `MAX_UPLOADED_BLOB_SIZE` for this instance (`[limits]` in the file).
    pub package_size_limits: PackageSizeLimits,
    /// Poll and push allowlists for mount-point feeds (`[mount_points]` in the file).
    pub mount_points: MountPointPolicy,
    /// Feeds that bring data into this instance (`[[incoming]]`).
    pub incoming: Vec<FeedDefinition>,
    /// Feeds that send data out of this instance (`[[outgoing]]`).
    pub outgoing: Vec<FeedDefinition>,
}

impl FeedConfig {
    /// The incoming feed called `name`.
    pub fn incoming_feed(&self, name: &str) -> Option<&FeedDefinition> {
        self.incoming.iter().find(|feed| feed.name == name)
    }

    /// The outgoing feed called `name`.
    pub fn outgoing_feed(&self, name: &str) -> Option<&FeedDefinition> {
        self.outgoing.iter().find(|feed| feed.name == name)
    }
}

/// One incoming or outgoing feed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FeedDefinition {
    /// The feed's name, unique across the instance's incoming and outgoing feeds.
    pub name: String,
    /// How packages travel, with the transport's settings.
    pub transport: Transport,
    /// The package format.
    pub content_type: ContentType,
    /// Datasets the feed publishes (outgoing) or fills (incoming).
    pub datasets: Vec<String>,
    /// When the feed runs.
    pub schedule: Schedule,
}

impl FeedDefinition {
    /// A feed with no datasets that runs only when started by hand.
    pub fn new(name: impl Into<String>, transport: Transport, content_type: ContentType) -> Self {
        Self {
            name: name.into(),
            transport,
            content_type,
            datasets: Vec::new(),
            schedule: Schedule::Manual,
        }
    }
}

/// Generates a closed string vocabulary: the enum, its wire names and a `FromStr` whose error
/// lists the accepted values.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
        }

        impl $name {
            /// Every value, in the order the feed file documentation lists them.
            pub const ALL: &'static [Self] = &[ $( Self::$variant, )* ];

            /// The name used in feed files.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $wire, )*
                }
            }

            /// The accepted names, as the text of an error message.
            pub fn expected() -> String {
                let names: Vec<String> =
                    Self::ALL.iter().map(|value| format!("`{}`", value.as_str())).collect();
                format!("{} ({})", $what, names.join(", "))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == text)
                    .ok_or_else(|| UnknownName { found: text.to_owned(), expected: Self::expected() })
            }
        }
    };
}

/// A name that is not one of a vocabulary's accepted values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown value {found:?}; expected {expected}")]
pub struct UnknownName {
    /// The name found.
    pub found: String,
    /// The accepted names.
    pub expected: String,
}

string_enum! {
    /// Which transport a feed uses, without its settings (see [`Transport`]).
    TransportKind, "one of the transports" {
        /// TAXII 1.x inbox: the publisher pushes packages into the recipient's inbox.
        TaxiiInbox = "taxii-inbox",
        /// TAXII 1.x poll: the recipient polls the publisher's collection.
        TaxiiPoll = "taxii-poll",
        /// Upload to a MISP instance through its REST API.
        MispUpload = "misp-upload",
        /// Package files in a local directory.
        MountPoint = "mount-point",
    }
}

string_enum! {
    /// The package format a feed carries.
    ContentType, "one of the content types" {
        /// EclecticIQ JSON, the only format supported for platform-to-platform exchange.
        EclecticIqJson = "eclecticiq-json",
        /// MISP JSON events.
        MispJson = "misp-json",
        /// STIX 1.x XML.
        Stix = "stix",
    }
}

impl ContentType {
    /// The TAXII content binding announced for this format, when it travels over TAXII.
    pub fn taxii_content_binding(self) -> Option<ContentBindingId> {
        match self {
            Self::EclecticIqJson => Some(ContentBindingId::EIQ_JSON_1_0),
            Self::Stix => Some(ContentBindingId::STIX_XML_1_2),
            Self::MispJson => None,
        }
    }
}

string_enum! {
    /// How an outgoing MISP feed treats what it sent before.
    UpdateStrategy, "one of the update strategies" {
        /// Send only what is new or changed since the last run.
        Append = "append",
        /// Send everything in the datasets on every run.
        Replace = "replace",
    }
}

impl Default for UpdateStrategy {
    /// Append: a run sends only what changed, the cheaper and more common choice.
    fn default() -> Self {
        Self::Append
    }
}

/// A feed's transport together with its settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// TAXII inbox (`[feed.taxii]` in the file).
    TaxiiInbox(TaxiiSettings),
    /// TAXII poll (`[feed.taxii]` in the file).
    TaxiiPoll(TaxiiSettings),
    /// MISP upload (`[feed.misp]` in the file).
    MispUpload(MispSettings),
    /// Mount point (`[feed.mount_point]` in the file).
    MountPoint(MountPointSettings),
}

impl Transport {
    /// Which transport this is.
    pub const fn kind(&self) -> TransportKind {
        match self {
            Self::TaxiiInbox(_) => TransportKind::TaxiiInbox,
            Self::TaxiiPoll(_) => TransportKind::TaxiiPoll,
            Self::MispUpload(_) => TransportKind::MispUpload,
            Self::MountPoint(_) => TransportKind::MountPoint,
        }
    }

    /// The TAXII settings, for the two TAXII transports.
    pub const fn taxii(&self) -> Option<&TaxiiSettings> {
        match self {
            Self::TaxiiInbox(settings) | Self::TaxiiPoll(settings) => Some(settings),
            Self::MispUpload(_) | Self::MountPoint(_) => None,
        }
    }

    /// The TAXII settings, mutably.
    pub const fn taxii_mut(&mut self) -> Option<&mut TaxiiSettings> {
        match self {
            Self::TaxiiInbox(settings) | Self::TaxiiPoll(settings) => Some(settings),
            Self::MispUpload(_) | Self::MountPoint(_) => None,
        }
    }
}

/// Settings of a TAXII 1.x feed.
///
/// Which fields matter depends on the side: the side that connects (the recipient of a poll
/// feed, the publisher of an inbox feed) needs a URL and, with basic auth, credentials; both
/// sides name the collection (`collection_name` for poll, `destination_collection_name` for
/// inbox). [`check_pair`](super::check_pair) says what is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TaxiiSettings {
    /// TAXII version spoken (default 1.1).
    pub version: Version,
    /// The peer's discovery service.
    pub discovery_url: Option<Url>,
    /// The peer's poll service (poll feeds).
    pub poll_url: Option<Url>,
    /// The peer's inbox service (inbox feeds).
    pub inbox_url: Option<Url>,
    /// The collection polled or published to (poll feeds).
    pub collection_name: Option<String>,
    /// The collection the inbox stores packages in (inbox feeds).
    pub destination_collection_name: Option<String>,
    /// Basic authentication; `None` means it is off.
    pub basic_auth: Option<BasicAuth>,
    /// Whether the peer's TLS certificate is verified (default true).
    pub verify_ssl: bool,
    /// A TLS client certificate presented to the peer.
    pub client_certificate: Option<ClientCertificate>,
}

impl Default for TaxiiSettings {
    /// TAXII 1.1, no URLs, no collection, no authentication, certificates verified.
    fn default() -> Self {
        Self {
            version: Version::V1_1,
            discovery_url: None,
            poll_url: None,
            inbox_url: None,
            collection_name: None,
            destination_collection_name: None,
            basic_auth: None,
            verify_ssl: true,
            client_certificate: None,
        }
    }
}

/// Basic authentication settings. On the serving side the username (if given) is the account
/// the peer must use; on the connecting side username and password are the credentials sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasicAuth {
    /// The account name.
    pub username: Option<String>,
    /// The password (redacted in `Debug`).
    pub password: Option<Secret>,
}

impl BasicAuth {
    /// Credentials with both username and password.
    pub fn new(username: impl Into<String>, password: Secret) -> Self {
        Self {
            username: Some(username.into()),
            password: Some(password),
        }
    }

    /// Basic auth turned on without credentials (the serving side accepting any account).
    pub const fn enabled() -> Self {
        Self {
            username: None,
            password: None,
        }
    }
}

/// A TLS client certificate and its private key, both PEM text. Both may come from environment
/// variables, so both are [`Secret`]s, although only the key is confidential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCertificate {
    /// The certificate (chain), PEM.
    pub certificate: Secret,
    /// The private key, PEM.
    pub private_key: Secret,
}

/// Settings of a MISP upload feed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MispSettings {
    /// The MISP instance's base URL.
    pub url: Url,
    /// The MISP automation key (redacted in `Debug`).
    pub key: Secret,
    /// Whether entity tags become MISP tags (default true).
    pub include_tags: bool,
    /// Whether MISP's TLS certificate is verified (default true).
    pub verify_ssl: bool,
    /// A TLS client certificate presented to MISP.
    pub client_certificate: Option<ClientCertificate>,
    /// Replace or append on each run (default append).
    pub update_strategy: UpdateStrategy,
}

impl MispSettings {
    /// Settings for `url` with `key`, tags included, TLS verified, appending.
    pub fn new(url: Url, key: Secret) -> Self {
        Self {
            url,
            key,
            include_tags: true,
            verify_ssl: true,
            client_certificate: None,
            update_strategy: UpdateStrategy::default(),
        }
    }
}

/// Settings of a mount-point feed: the directory read from (incoming) or written to (outgoing).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MountPointSettings {
    /// The directory; it must lie on the poll (incoming) or push (outgoing) allowlist.
    pub path: PathBuf,
}

impl MountPointSettings {
    /// Settings for the directory `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }
}

/// When a feed runs.
///
/// In feed files: `"manual"` or `"every <n><unit>"` with unit `m` (minutes), `h` or `d`, e.g.
/// `"every 15m"`. The shortest interval is one minute.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Schedule {
    /// Only when started by hand.
    #[default]
    Manual,
    /// Repeatedly, this long after the previous run started.
    Every(Duration),
}

impl Schedule {
    /// What the feed-file syntax accepts, as the text of an error message.
    pub const EXPECTED: &'static str =
        "`manual` or `every <n><unit>` with n >= 1 and unit `m`, `h` or `d` (e.g. `every 15m`)";
}

impl FromStr for Schedule {
    type Err = UnknownName;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let unknown = || UnknownName {
            found: text.to_owned(),
            expected: Self::EXPECTED.to_owned(),
        };
        if text == "manual" {
            return Ok(Self::Manual);
        }
        let interval = text.strip_prefix("every ").ok_or_else(unknown)?;
        let (count, seconds_per_unit) = if let Some(count) = interval.strip_suffix('m') {
            (count, 60)
        } else if let Some(count) = interval.strip_suffix('h') {
            (count, 60 * 60)
        } else if let Some(count) = interval.strip_suffix('d') {
            (count, 24 * 60 * 60)
        } else {
            return Err(unknown());
        };
        if count.is_empty() || !count.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(unknown());
        }
        let count: u64 = count.parse().map_err(|_| unknown())?;
        let seconds = count.checked_mul(seconds_per_unit).ok_or_else(unknown)?;
        if count == 0 {
            return Err(unknown());
        }
        Ok(Self::Every(Duration::from_secs(seconds)))
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Manual => f.write_str("manual"),
            Self::Every(interval) => {
                let seconds = interval.as_secs();
                if seconds % 86_400 == 0 {
                    write!(f, "every {}d", seconds / 86_400)
                } else if seconds % 3_600 == 0 {
                    write!(f, "every {}h", seconds / 3_600)
                } else {
                    write!(f, "every {}m", seconds / 60)
                }
            }
        }
    }
}

/// Parses a TAXII version as written in feed files (`"1.0"` or `"1.1"`).
pub(crate) fn parse_taxii_version(text: &str) -> Result<Version, UnknownName> {
    Version::ALL
        .into_iter()
        .find(|version| version.to_string() == text)
        .ok_or_else(|| UnknownName {
            found: text.to_owned(),
            expected: "a TAXII version (`1.0`, `1.1`)".to_owned(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_round_trip_and_list_accepted_values() {
        for kind in TransportKind::ALL {
            assert_eq!(kind.as_str().parse::<TransportKind>(), Ok(*kind));
        }
        for content in ContentType::ALL {
            assert_eq!(content.as_str().parse::<ContentType>(), Ok(*content));
        }
        assert_eq!(
            "taxii".parse::<TransportKind>(),
            Err(UnknownName {
                found: "taxii".into(),
                expected: "one of the transports (`taxii-inbox`, `taxii-poll`, `misp-upload`, `mount-point`)".into(),
            })
        );
        assert_eq!(
            "EclecticIQ JSON"
                .parse::<ContentType>()
                .unwrap_err()
                .expected,
            "one of the content types (`eclecticiq-json`, `misp-json`, `stix`)"
        );
        assert_eq!("replace".parse(), Ok(UpdateStrategy::Replace));
    }

    #[test]
    fn content_bindings() {
        assert_eq!(
            ContentType::EclecticIqJson.taxii_content_binding(),
            Some(ContentBindingId::EIQ_JSON_1_0)
        );
        assert_eq!(ContentType::MispJson.taxii_content_binding(), None);
    }

    #[test]
    fn schedules() {
        assert_eq!("manual".parse(), Ok(Schedule::Manual));
        assert_eq!(
            "every 1m".parse(),
            Ok(Schedule::Every(Duration::from_secs(60)))
        );
        assert_eq!(
            "every 15m".parse(),
            Ok(Schedule::Every(Duration::from_secs(900)))
        );
        assert_eq!(
            "every 2h".parse(),
            Ok(Schedule::Every(Duration::from_secs(7200)))
        );
        assert_eq!(
            "every 1d".parse(),
            Ok(Schedule::Every(Duration::from_secs(86_400)))
        );
        for bad in [
            "",
            "every",
            "every 0m",
            "every m",
            "every -1m",
            "every 1s",
            "every +1h",
            "hourly",
            "every 99999999999999999999d",
        ] {
            assert_eq!(bad.parse::<Schedule>().unwrap_err().found, bad, "{bad}");
        }
        for text in ["manual", "every 15m", "every 2h", "every 3d", "every 90m"] {
            assert_eq!(text.parse::<Schedule>().unwrap().to_string(), text);
        }
    }

    #[test]
    fn taxii_versions() {
        assert_eq!(parse_taxii_version("1.1"), Ok(Version::V1_1));
        assert_eq!(parse_taxii_version("1.0"), Ok(Version::V1_0));
        assert_eq!(
            parse_taxii_version("2.1").unwrap_err().expected,
            "a TAXII version (`1.0`, `1.1`)"
        );
    }
}
