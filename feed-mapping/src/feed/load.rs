//! Loading feed files (TOML or JSON) into a [`FeedConfig`].
//!
//! Loading is two steps. First the text is parsed into plain records that only know the file's
//! shape (unknown keys and wrong types are rejected here, with the parser's line and column).
//! Then every value is checked and typed: vocabularies, URLs, size limits, secrets, unique names,
//! mount-point paths. Errors from the second step find their line through [`super::locate`].
//! Secret values pass through neither step's error messages.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;
use taxii1_core::size::{MIB, SizeLimit};
use toml::Spanned;
use toml::de::DeTable;
use url::Url;

use super::definition::{
    BasicAuth, ClientCertificate, ContentType, FeedConfig, FeedDefinition, MispSettings,
    MountPointSettings, Schedule, TaxiiSettings, Transport, TransportKind, UnknownName,
    UpdateStrategy, parse_taxii_version,
};
use super::error::{Error, Location, Result};
use super::limits::{ConfigLimits, PackageSizeLimits, size_limit_from_u64};
use super::locate::{self, FieldPath};
use super::mount_policy::{MountAccess, MountPointPolicy};
use super::secret::{Secret, SecretResolver};

/// The syntax of a feed file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConfigFormat {
    /// TOML (`.toml`), the documented format.
    Toml,
    /// JSON (`.json`) with the same structure.
    Json,
}

impl ConfigFormat {
    /// The format a file name's extension announces (`.toml` or `.json`, any case).
    pub fn from_source_name(source_name: &str) -> Option<Self> {
        let extension = Path::new(source_name)
            .extension()?
            .to_str()?
            .to_ascii_lowercase();
        match extension.as_str() {
            "toml" => Some(Self::Toml),
            "json" => Some(Self::Json),
            _ => None,
        }
    }
}

impl FeedConfig {
    /// Loads a TOML feed file's `text`; `source_name` (usually the file name) is used in errors.
    ///
    /// # Errors
    /// Any [`Error`] variant except `UnknownFormat`, each naming the file, line and field.
    pub fn from_toml_str(
        text: &str,
        source_name: &str,
        secrets: &dyn SecretResolver,
    ) -> Result<Self> {
        Self::parse(
            text,
            source_name,
            ConfigFormat::Toml,
            secrets,
            &ConfigLimits::default(),
        )
    }

    /// Loads a JSON feed file's `text` (same structure as TOML).
    ///
    /// # Errors
    /// As [`FeedConfig::from_toml_str`].
    pub fn from_json_str(
        text: &str,
        source_name: &str,
        secrets: &dyn SecretResolver,
    ) -> Result<Self> {
        Self::parse(
            text,
            source_name,
            ConfigFormat::Json,
            secrets,
            &ConfigLimits::default(),
        )
    }

    /// Loads `text` in the format its `source_name` extension announces (`.toml`, `.json`).
    ///
    /// # Errors
    /// [`Error::UnknownFormat`] for other names, else as [`FeedConfig::from_toml_str`].
    pub fn from_source(
        text: &str,
        source_name: &str,
        secrets: &dyn SecretResolver,
    ) -> Result<Self> {
        let format =
            ConfigFormat::from_source_name(source_name).ok_or_else(|| Error::UnknownFormat {
                source_name: source_name.to_owned(),
            })?;
        Self::parse(text, source_name, format, secrets, &ConfigLimits::default())
    }

    /// Loads `text` in `format` under explicit [`ConfigLimits`].
    ///
    /// # Errors
    /// [`Error::TooLarge`] / [`Error::TooManyFeeds`] past the limits, else as
    /// [`FeedConfig::from_toml_str`].
    pub fn parse(
        text: &str,
        source_name: &str,
        format: ConfigFormat,
        secrets: &dyn SecretResolver,
        limits: &ConfigLimits,
    ) -> Result<Self> {
        if text.len() > limits.max_text_bytes() {
            return Err(Error::TooLarge {
                source_name: source_name.to_owned(),
                size: text.len(),
                limit: limits.max_text_bytes(),
            });
        }
        let (raw, index) = match format {
            ConfigFormat::Toml => parse_toml(text, source_name)?,
            ConfigFormat::Json => (parse_json(text, source_name)?, SourceIndex::Json),
        };
        let converter = Converter {
            source_name,
            text,
            index,
            secrets,
            limits,
        };
        converter.config(raw)
    }
}

/// What the locator needs to find a field's position.
enum SourceIndex<'a> {
    Toml(Box<Spanned<DeTable<'a>>>),
    Json,
}

fn parse_toml<'a>(text: &'a str, source_name: &str) -> Result<(RawConfig, SourceIndex<'a>)> {
    let syntax =
        |error: &toml::de::Error, path: &FieldPath, root: Option<&Spanned<DeTable<'_>>>| {
            let offset = match (error.span(), root) {
                (Some(span), _) => span.start,
                (None, Some(root)) => locate::toml_offset(root, path),
                (None, None) => 0,
            };
            let (line, column) = locate::line_column(text, offset);
            Error::Syntax {
                at: Box::new(Location {
                    source_name: source_name.to_owned(),
                    path: path.to_string(),
                    line,
                    column,
                }),
                message: error.message().to_owned(),
            }
        };
    let root = DeTable::parse(text).map_err(|error| syntax(&error, &FieldPath::default(), None))?;
    let deserializer = toml::Deserializer::from(root.clone());
    let raw: RawConfig = serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = field_path(error.path());
        syntax(error.inner(), &path, Some(&root))
    })?;
    Ok((raw, SourceIndex::Toml(Box::new(root))))
}

fn parse_json(text: &str, source_name: &str) -> Result<RawConfig> {
    let syntax = |error: &serde_json::Error, path: &FieldPath| {
        let full = error.to_string();
        let suffix = format!(" at line {} column {}", error.line(), error.column());
        let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
        // serde_json counts the column in bytes; a location counts characters.
        let (line, column) = locate::line_column(
            text,
            locate::json_error_offset(text, error.line(), error.column()),
        );
        Error::Syntax {
            at: Box::new(Location {
                source_name: source_name.to_owned(),
                path: path.to_string(),
                line,
                column,
            }),
            message,
        }
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let raw: RawConfig = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| syntax(error.inner(), &field_path(error.path())))?;
    deserializer
        .end()
        .map_err(|error| syntax(&error, &FieldPath::default()))?;
    Ok(raw)
}

/// Converts serde_path_to_error's path into ours.
fn field_path(path: &serde_path_to_error::Path) -> FieldPath {
    path.iter()
        .fold(FieldPath::default(), |path, segment| match segment {
            serde_path_to_error::Segment::Seq { index } => path.index(*index),
            serde_path_to_error::Segment::Map { key } => path.key(key),
            serde_path_to_error::Segment::Enum { variant } => path.key(variant),
            _ => path,
        })
}

// ----- The file's shape -----------------------------------------------------------------------
//
// Secrets and size limits are kept as `serde_json::Value` so that serde never prints them in a
// type error; they are interpreted (and reported without their value) by the converter.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    limits: RawLimits,
    #[serde(default)]
    mount_points: RawMountPoints,
    #[serde(default)]
    incoming: Vec<RawFeed>,
    #[serde(default)]
    outgoing: Vec<RawFeed>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    max_blob_size: Option<Value>,
    max_uploaded_blob_size: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawMountPoints {
    #[serde(default)]
    poll_allowlist: Vec<String>,
    #[serde(default)]
    push_allowlist: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeed {
    name: String,
    transport: String,
    content_type: String,
    #[serde(default)]
    datasets: Vec<String>,
    schedule: Option<String>,
    taxii: Option<RawTaxii>,
    misp: Option<RawMisp>,
    mount_point: Option<RawMountPoint>,
}

/// The transport settings tables of one feed; exactly the one its transport uses must be present.
struct Sections {
    taxii: Option<RawTaxii>,
    misp: Option<RawMisp>,
    mount_point: Option<RawMountPoint>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTaxii {
    version: Option<String>,
    discovery_url: Option<String>,
    poll_url: Option<String>,
    inbox_url: Option<String>,
    collection_name: Option<String>,
    destination_collection_name: Option<String>,
    basic_auth: Option<RawBasicAuth>,
    verify_ssl: Option<bool>,
    client_certificate: Option<RawClientCertificate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBasicAuth {
    username: Option<String>,
    password: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClientCertificate {
    certificate: Value,
    private_key: Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMisp {
    url: String,
    key: Value,
    include_tags: Option<bool>,
    verify_ssl: Option<bool>,
    client_certificate: Option<RawClientCertificate>,
    update_strategy: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMountPoint {
    path: String,
}

// ----- Checking and typing --------------------------------------------------------------------

struct Converter<'a> {
    source_name: &'a str,
    text: &'a str,
    index: SourceIndex<'a>,
    secrets: &'a dyn SecretResolver,
    limits: &'a ConfigLimits,
}

impl Converter<'_> {
    fn at(&self, path: &FieldPath) -> Box<Location> {
        let offset = match &self.index {
            SourceIndex::Toml(root) => locate::toml_offset(root, path),
            SourceIndex::Json => locate::json_offset(self.text, path),
        };
        let (line, column) = locate::line_column(self.text, offset);
        Box::new(Location {
            source_name: self.source_name.to_owned(),
            path: path.to_string(),
            line,
            column,
        })
    }

    fn invalid(&self, path: &FieldPath, found: &str, expected: impl Into<String>) -> Error {
        Error::InvalidValue {
            at: self.at(path),
            found: found.to_owned(),
            expected: expected.into(),
        }
    }

    fn unknown(&self, path: &FieldPath, unknown: UnknownName) -> Error {
        Error::InvalidValue {
            at: self.at(path),
            found: unknown.found,
            expected: unknown.expected,
        }
    }

    fn config(&self, raw: RawConfig) -> Result<FeedConfig> {
        let root = FieldPath::default();
        let count = raw.incoming.len().saturating_add(raw.outgoing.len());
        if count > self.limits.max_feeds() {
            return Err(Error::TooManyFeeds {
                at: self.at(&root),
                count,
                limit: self.limits.max_feeds(),
            });
        }
        let package_size_limits = self.size_limits(&raw.limits, &root.key("limits"))?;
        let mount_points = self.mount_points(raw.mount_points, &root.key("mount_points"))?;
        let mut seen_names: HashMap<String, (String, usize)> = HashMap::new();
        let mut lists = [Vec::new(), Vec::new()];
        let sources = [
            ("incoming", MountAccess::Poll, raw.incoming),
            ("outgoing", MountAccess::Push, raw.outgoing),
        ];
        for ((list_name, access, raw_feeds), feeds) in sources.into_iter().zip(lists.iter_mut()) {
            for (position, raw_feed) in raw_feeds.into_iter().enumerate() {
                let path = root.key(list_name).index(position);
                let feed = self.feed(raw_feed, &path, access, &mount_points)?;
                let name_path = path.key("name");
                if let Some((first_path, first_line)) = seen_names.get(&feed.name) {
                    return Err(Error::DuplicateFeedName {
                        at: self.at(&name_path),
                        name: feed.name,
                        first_path: first_path.clone(),
                        first_line: *first_line,
                    });
                }
                let line = self.at(&name_path).line;
                seen_names.insert(feed.name.clone(), (name_path.to_string(), line));
                feeds.push(feed);
            }
        }
        let [incoming, outgoing] = lists;
        Ok(FeedConfig {
            package_size_limits,
            mount_points,
            incoming,
            outgoing,
        })
    }

    fn size_limits(&self, raw: &RawLimits, path: &FieldPath) -> Result<PackageSizeLimits> {
        let blob_path = path.key("max_blob_size");
        let upload_path = path.key("max_uploaded_blob_size");
        let max_blob = raw
            .max_blob_size
            .as_ref()
            .map(|value| self.size(value, &blob_path))
            .transpose()?;
        let max_upload = raw
            .max_uploaded_blob_size
            .as_ref()
            .map(|value| self.size(value, &upload_path))
            .transpose()?;
        Ok(match (max_blob, max_upload) {
            (None, None) => PackageSizeLimits::default(),
            (Some(blob), None) => PackageSizeLimits::with_max_blob_size(blob),
            (blob, Some(upload)) => PackageSizeLimits::new(blob.unwrap_or_default(), upload),
        })
    }

    /// A byte count: an integer, or a string `"<n>"`, `"<n> B"`, `"<n> KiB"` or `"<n> MiB"`.
    fn size(&self, value: &Value, path: &FieldPath) -> Result<SizeLimit> {
        const EXPECTED: &str = "a size in bytes, or a string like \"20 MiB\" (units B, KiB, MiB)";
        let bytes = match value {
            Value::Number(number) => number
                .as_u64()
                .ok_or_else(|| self.invalid(path, &number.to_string(), EXPECTED))?,
            Value::String(text) => {
                parse_size_text(text).ok_or_else(|| self.invalid(path, text, EXPECTED))?
            }
            other => return Err(self.invalid(path, &other.to_string(), EXPECTED)),
        };
        size_limit_from_u64(bytes).map_err(|_| Error::SizeAboveCap {
            at: self.at(path),
            requested: bytes,
        })
    }

    fn mount_points(&self, raw: RawMountPoints, path: &FieldPath) -> Result<MountPointPolicy> {
        let to_paths = |list: Vec<String>| list.into_iter().map(PathBuf::from).collect::<Vec<_>>();
        let poll = to_paths(raw.poll_allowlist);
        let push = to_paths(raw.push_allowlist);
        MountPointPolicy::new(poll, push).map_err(|refusal| {
            let position = refusal
                .allowlist
                .iter()
                .position(|entry| *entry == refusal.path)
                .unwrap_or(0);
            let entry_path = path.key(refusal.access.allowlist_name()).index(position);
            Error::MountPathRefused {
                at: self.at(&entry_path),
                refusal: Box::new(refusal),
            }
        })
    }

    fn feed(
        &self,
        raw: RawFeed,
        path: &FieldPath,
        access: MountAccess,
        policy: &MountPointPolicy,
    ) -> Result<FeedDefinition> {
        if raw.name.trim().is_empty() {
            return Err(self.invalid(&path.key("name"), &raw.name, "a non-empty feed name"));
        }
        let kind: TransportKind = raw
            .transport
            .parse()
            .map_err(|unknown| self.unknown(&path.key("transport"), unknown))?;
        let content_type: ContentType = raw
            .content_type
            .parse()
            .map_err(|unknown| self.unknown(&path.key("content_type"), unknown))?;
        for (position, dataset) in raw.datasets.iter().enumerate() {
            if dataset.trim().is_empty() {
                return Err(self.invalid(
                    &path.key("datasets").index(position),
                    dataset,
                    "a non-empty dataset name",
                ));
            }
        }
        let schedule = match &raw.schedule {
            None => Schedule::Manual,
            Some(text) => text
                .parse()
                .map_err(|unknown| self.unknown(&path.key("schedule"), unknown))?,
        };
        let sections = Sections {
            taxii: raw.taxii,
            misp: raw.misp,
            mount_point: raw.mount_point,
        };
        let transport = self.transport(kind, sections, path, access, policy)?;
        Ok(FeedDefinition {
            name: raw.name,
            transport,
            content_type,
            datasets: raw.datasets,
            schedule,
        })
    }

    fn transport(
        &self,
        kind: TransportKind,
        Sections {
            taxii,
            misp,
            mount_point,
        }: Sections,
        path: &FieldPath,
        access: MountAccess,
        policy: &MountPointPolicy,
    ) -> Result<Transport> {
        let sections = [
            ("taxii", taxii.is_some()),
            ("misp", misp.is_some()),
            ("mount_point", mount_point.is_some()),
        ];
        let wanted = match kind {
            TransportKind::TaxiiInbox | TransportKind::TaxiiPoll => "taxii",
            TransportKind::MispUpload => "misp",
            TransportKind::MountPoint => "mount_point",
        };
        for (section, present) in sections {
            if present && section != wanted {
                return Err(Error::UnusedSection {
                    at: self.at(&path.key(section)),
                    section,
                    transport: kind.as_str(),
                });
            }
        }
        let missing = |reason| Error::MissingField {
            at: self.at(path),
            field: wanted,
            reason,
        };
        Ok(match kind {
            TransportKind::TaxiiInbox | TransportKind::TaxiiPoll => {
                let raw = taxii.ok_or_else(|| missing("TAXII transports need a `taxii` table"))?;
                let settings = self.taxii(raw, &path.key("taxii"))?;
                if kind == TransportKind::TaxiiInbox {
                    Transport::TaxiiInbox(settings)
                } else {
                    Transport::TaxiiPoll(settings)
                }
            }
            TransportKind::MispUpload => {
                let raw =
                    misp.ok_or_else(|| missing("the MISP upload transport needs a `misp` table"))?;
                Transport::MispUpload(self.misp(raw, &path.key("misp"))?)
            }
            TransportKind::MountPoint => {
                let raw = mount_point.ok_or_else(|| {
                    missing("the mount-point transport needs a `mount_point` table")
                })?;
                let dir = PathBuf::from(&raw.path);
                policy
                    .check(access, &dir)
                    .map_err(|refusal| Error::MountPathRefused {
                        at: self.at(&path.key("mount_point").key("path")),
                        refusal: Box::new(refusal),
                    })?;
                Transport::MountPoint(MountPointSettings::new(dir))
            }
        })
    }

    fn taxii(&self, raw: RawTaxii, path: &FieldPath) -> Result<TaxiiSettings> {
        let version = match &raw.version {
            None => TaxiiSettings::default().version,
            Some(text) => parse_taxii_version(text)
                .map_err(|unknown| self.unknown(&path.key("version"), unknown))?,
        };
        let url = |value: Option<String>, field: &str| -> Result<Option<Url>> {
            value
                .map(|text| self.http_url(&text, &path.key(field)))
                .transpose()
        };
        let name = |value: Option<String>, field: &str| -> Result<Option<String>> {
            match value {
                Some(text) if text.trim().is_empty() => {
                    Err(self.invalid(&path.key(field), &text, "a non-empty collection name"))
                }
                other => Ok(other),
            }
        };
        let basic_auth = raw
            .basic_auth
            .map(|auth| self.basic_auth(auth, &path.key("basic_auth")))
            .transpose()?;
        let client_certificate = raw
            .client_certificate
            .map(|certificate| {
                self.client_certificate(certificate, &path.key("client_certificate"))
            })
            .transpose()?;
        Ok(TaxiiSettings {
            version,
            discovery_url: url(raw.discovery_url, "discovery_url")?,
            poll_url: url(raw.poll_url, "poll_url")?,
            inbox_url: url(raw.inbox_url, "inbox_url")?,
            collection_name: name(raw.collection_name, "collection_name")?,
            destination_collection_name: name(
                raw.destination_collection_name,
                "destination_collection_name",
            )?,
            basic_auth,
            verify_ssl: raw.verify_ssl.unwrap_or(true),
            client_certificate,
        })
    }

    fn basic_auth(&self, raw: RawBasicAuth, path: &FieldPath) -> Result<BasicAuth> {
        if let Some(username) = raw
            .username
            .as_deref()
            .filter(|name| name.trim().is_empty())
        {
            return Err(self.invalid(&path.key("username"), username, "a non-empty username"));
        }
        let password = raw
            .password
            .map(|value| self.secret(&value, &path.key("password")))
            .transpose()?;
        Ok(BasicAuth {
            username: raw.username,
            password,
        })
    }

    fn client_certificate(
        &self,
        raw: RawClientCertificate,
        path: &FieldPath,
    ) -> Result<ClientCertificate> {
        Ok(ClientCertificate {
            certificate: self.secret(&raw.certificate, &path.key("certificate"))?,
            private_key: self.secret(&raw.private_key, &path.key("private_key"))?,
        })
    }

    fn misp(&self, raw: RawMisp, path: &FieldPath) -> Result<MispSettings> {
        let update_strategy = match &raw.update_strategy {
            None => UpdateStrategy::default(),
            Some(text) => text
                .parse()
                .map_err(|unknown| self.unknown(&path.key("update_strategy"), unknown))?,
        };
        let client_certificate = raw
            .client_certificate
            .map(|certificate| {
                self.client_certificate(certificate, &path.key("client_certificate"))
            })
            .transpose()?;
        Ok(MispSettings {
            url: self.http_url(&raw.url, &path.key("url"))?,
            key: self.secret(&raw.key, &path.key("key"))?,
            include_tags: raw.include_tags.unwrap_or(true),
            verify_ssl: raw.verify_ssl.unwrap_or(true),
            client_certificate,
            update_strategy,
        })
    }

    fn http_url(&self, text: &str, path: &FieldPath) -> Result<Url> {
        match Url::parse(text) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Ok(url),
            Ok(_) => Err(self.invalid(path, text, "an http:// or https:// URL with a host")),
            Err(error) => {
                Err(self.invalid(path, text, format!("an absolute http(s) URL ({error})")))
            }
        }
    }

    /// `{ env = "VARIABLE" }` resolved through the caller's resolver, or `{ value = "..." }`.
    fn secret(&self, value: &Value, path: &FieldPath) -> Result<Secret> {
        const SHAPE: &str =
            "a secret must be a table `{ env = \"VARIABLE\" }` or `{ value = \"...\" }`";
        let shape_error = |problem| Error::InvalidSecret {
            at: self.at(path),
            problem,
        };
        let Value::Object(table) = value else {
            return Err(shape_error(SHAPE));
        };
        let mut entries = table.iter();
        let (Some((key, inner)), None) = (entries.next(), entries.next()) else {
            return Err(shape_error(SHAPE));
        };
        match (key.as_str(), inner) {
            ("env", Value::String(variable)) if !variable.is_empty() => self
                .secrets
                .resolve(variable)
                .map(Secret::new)
                .ok_or_else(|| Error::MissingSecret {
                    at: self.at(&path.key("env")),
                    variable: variable.clone(),
                }),
            ("env", _) => Err(shape_error("`env` must name an environment variable")),
            ("value", Value::String(secret)) => Ok(Secret::new(secret.clone())),
            ("value", _) => Err(shape_error("`value` must be a string")),
            _ => Err(shape_error(SHAPE)),
        }
    }
}

/// Parses `"<n>"`, `"<n> B"`, `"<n> KiB"` or `"<n> MiB"` (space optional) into bytes.
fn parse_size_text(text: &str) -> Option<u64> {
    let text = text.trim();
    let digits_end = text
        .find(|character: char| !character.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(digits_end);
    if digits.is_empty() {
        return None;
    }
    let count: u64 = digits.parse().ok()?;
    let multiplier: u64 = match unit.trim_start() {
        "" | "B" => 1,
        "KiB" => 1024,
        "MiB" => u64::try_from(MIB).ok()?,
        _ => return None,
    };
    // A count too large for u64 is certainly above the cap; report it as the largest value.
    Some(count.saturating_mul(multiplier))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_texts() {
        assert_eq!(parse_size_text("20 MiB"), Some(20 * 1024 * 1024));
        assert_eq!(parse_size_text("20MiB"), Some(20 * 1024 * 1024));
        assert_eq!(parse_size_text("512 KiB"), Some(512 * 1024));
        assert_eq!(parse_size_text("7 B"), Some(7));
        assert_eq!(parse_size_text("7"), Some(7));
        assert_eq!(parse_size_text("99999999999999 MiB"), Some(u64::MAX));
        for bad in [
            "",
            "MiB",
            "20 MB",
            "20 mib",
            "-1",
            "1.5 MiB",
            "20 MiB extra",
        ] {
            assert_eq!(parse_size_text(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_from_names() {
        assert_eq!(
            ConfigFormat::from_source_name("feeds/alice.toml"),
            Some(ConfigFormat::Toml)
        );
        assert_eq!(
            ConfigFormat::from_source_name("ALICE.JSON"),
            Some(ConfigFormat::Json)
        );
        assert_eq!(ConfigFormat::from_source_name("alice.yaml"), None);
        assert_eq!(ConfigFormat::from_source_name("toml"), None);
    }
}
