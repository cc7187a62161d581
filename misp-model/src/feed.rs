//! The MISP feed format: a directory of `manifest.json`, `hashes.csv` and one `<uuid>.json` per
//! event, which a stock MISP subscribes to (`Model/Feed.php`) and PyMISP's feed generator writes.
//!
//! Everything here is pure: [`write_feed`] turns events into `(file name, bytes)` pairs and the
//! readers take bytes; the caller does the directory I/O (write to temporary names and rename,
//! the manifest last, so a reader never sees a manifest pointing at a missing file).
//!
//! What is written matches PyMISP's `MISPEvent.to_feed(with_meta=True)`: no instance-local ids,
//! `Orgc` as `{name, uuid}`, exportable tags only, attributes and objects with the feed fields,
//! integers as strings (also in the manifest), and `hashes.csv` with the md5 of every value
//! (each part of a composite value separately).
//!
//! ```
//! use misp_model::feed::{FeedOptions, write_feed};
//! use misp_model::{Attribute, Event, Org};
//!
//! let event = Event::new("Phishing wave")
//!     .with_uuid("8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e")
//!     .with_date("2024-05-17")
//!     .with_timestamp(1715940000)
//!     .with_orgc(Org::new("ACME", "5c9a1c17-9550-483e-809a-28eab44af9f7"))
//!     .with_attribute(Attribute::new("ip-dst|port", "203.0.113.7|443").with_uuid("0b6f9a61-0c1d-4e2f-8a3b-4c5d6e7f8091"));
//! let files = write_feed(&[event], &FeedOptions::new(1715950000))?;
//! let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
//! assert_eq!(names, ["8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e.json", "hashes.csv", "manifest.json"]);
//! assert_eq!(files[1].bytes.iter().filter(|b| **b == b'\n').count(), 2); // one line per part
//! # Ok::<(), misp_model::Error>(())
//! ```

use md5::{Digest, Md5};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::attribute::Attribute;
use crate::describe_types::DescribeTypes;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::event_report::EventReport;
use crate::limits::Limits;
use crate::object::{Object, ObjectReference};
use crate::org::Org;
use crate::tag::Tag;
use crate::text::Text;
use crate::validate::is_uuid;
use crate::vocabulary::{Analysis, Distribution, ThreatLevel};
use crate::wire::{JsonPath, Wire, WireValue, wire_struct};

/// How to write a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedOptions {
    now: u64,
    valid_distributions: Vec<Distribution>,
    with_local_tags: bool,
}

impl FeedOptions {
    /// Options with `now` (seconds since the Unix epoch) as the time stamped on items that have
    /// none; all distributions and local tags are included, as PyMISP does by default.
    pub fn new(now: u64) -> Self {
        Self {
            now,
            valid_distributions: Distribution::ALL.to_vec(),
            with_local_tags: true,
        }
    }

    /// Only events, attributes, objects and reports whose distribution (when set) is in
    /// `distributions` are written.
    #[must_use]
    pub fn with_valid_distributions(mut self, distributions: &[Distribution]) -> Self {
        self.valid_distributions = distributions.to_vec();
        self
    }

    /// Whether tags marked local are written (default true, as PyMISP).
    #[must_use]
    pub fn with_local_tags(mut self, include: bool) -> Self {
        self.with_local_tags = include;
        self
    }

    fn allows(&self, distribution: Option<Distribution>) -> bool {
        distribution.is_none_or(|d| self.valid_distributions.contains(&d))
    }
}

/// One file of a feed directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedFile {
    /// File name inside the feed directory (`manifest.json`, `hashes.csv`, `<uuid>.json`).
    pub name: String,
    /// File content.
    pub bytes: Vec<u8>,
}

wire_struct! {
    /// One `manifest.json` entry: the summary MISP uses to decide which events to fetch.
    ///
    /// PyMISP writes `analysis`, `threat_level_id` and `timestamp` as JSON integers, MISP and
    /// other producers as strings: both are read, strings are written.
    pub struct ManifestEntry {
        /// Creator organisation (`{name, uuid}`).
        pub orgc: Option<Org> = "Orgc",
        /// Event tags (feed form).
        pub tags: Vec<Tag> = "Tag",
        /// Event summary.
        pub info: String = "info",
        /// Event date, `YYYY-MM-DD`.
        pub date: Option<String> = "date",
        /// Analysis state.
        pub analysis: Option<Analysis> = "analysis",
        /// Threat level.
        pub threat_level: Option<ThreatLevel> = "threat_level_id",
        /// Last change; MISP re-fetches an event whose manifest timestamp is newer than its copy.
        pub timestamp: Option<u64> = "timestamp",
    }
}

/// A parsed `manifest.json`: event UUID → summary, in file order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Manifest {
    /// The entries, keyed by event UUID.
    pub entries: Vec<(String, ManifestEntry)>,
}

impl Manifest {
    /// Reads `manifest.json`.
    ///
    /// # Errors
    /// [`Error::Json`] for malformed JSON, [`Error::Feed`] for a key that is not a UUID, value
    /// errors with paths such as `<uuid>.timestamp`, and the size/count [`Limits`].
    pub fn from_json(bytes: &[u8], limits: &Limits) -> Result<Self> {
        limits.max_document_bytes().check(bytes.len())?;
        let value: Value = serde_json::from_slice(bytes).map_err(|e| Error::from_json(&e))?;
        let Value::Object(map) = value else {
            return Err(Error::wrong_type(&JsonPath::Root, "an object", &value));
        };
        if map.len() > limits.max_events() {
            return Err(Error::LimitExceeded {
                what: "events",
                limit: limits.max_events(),
            });
        }
        let root = JsonPath::Root;
        let mut entries = Vec::with_capacity(map.len());
        for (uuid, entry) in map {
            if !is_uuid(&uuid) {
                return Err(Error::Feed {
                    file: "manifest.json".to_owned(),
                    problem: format!("key `{uuid}` is not an event UUID"),
                });
            }
            let parsed = ManifestEntry::from_wire(entry, &root.key(&uuid))?;
            entries.push((uuid, parsed));
        }
        Ok(Self { entries })
    }

    /// The manifest as MISP writes it (integers as strings).
    pub fn to_json(&self) -> Vec<u8> {
        crate::document::to_vec(self, false)
    }
}

impl Serialize for Manifest {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (uuid, entry) in &self.entries {
            map.serialize_entry(uuid, &Wire(entry))?;
        }
        map.end()
    }
}

/// One `hashes.csv` line: the md5 of an attribute value (part) and the event holding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashLine {
    /// Lower-case hex md5 of the value.
    pub md5: String,
    /// UUID of the event.
    pub event_uuid: String,
}

/// Reads `hashes.csv` (`<md5>,<event uuid>` per line, no header).
///
/// # Errors
/// [`Error::Feed`] naming the 1-based line of the first malformed line; the size limit.
pub fn parse_hashes(bytes: &[u8], limits: &Limits) -> Result<Vec<HashLine>> {
    limits.max_document_bytes().check(bytes.len())?;
    let text = std::str::from_utf8(bytes).map_err(|e| Error::Feed {
        file: "hashes.csv".to_owned(),
        problem: format!("not UTF-8 at byte {}", e.valid_up_to()),
    })?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        let bad = |problem: &str| Error::Feed {
            file: "hashes.csv".to_owned(),
            problem: format!("line {}: {problem}", i + 1),
        };
        let Some((md5, uuid)) = line.split_once(',') else {
            return Err(bad("expected `<md5>,<event uuid>`"));
        };
        if md5.len() != 32 || !md5.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad("first column is not a 32-digit hex md5"));
        }
        if !is_uuid(uuid) {
            return Err(bad("second column is not an event UUID"));
        }
        out.push(HashLine {
            md5: md5.to_ascii_lowercase(),
            event_uuid: uuid.to_owned(),
        });
    }
    Ok(out)
}

/// Lower-case hex md5 of `text`.
pub fn md5_hex(text: &str) -> String {
    let digest = Md5::digest(text.as_bytes());
    let mut out = String::with_capacity(32);
    for byte in digest.iter() {
        out.push(hex_digit(byte >> 4));
        out.push(hex_digit(byte & 0x0f));
    }
    out
}

fn hex_digit(n: u8) -> char {
    char::from_digit(u32::from(n), 16).unwrap_or('0')
}

/// The md5 lines of one attribute: one per `|`-separated part for composite types (as PyMISP
/// does), else one for the value.
fn attribute_hashes(attribute: &Attribute) -> Vec<String> {
    if crate::composite::is_composite_type(&attribute.attribute_type) {
        attribute.value.split('|').map(md5_hex).collect()
    } else {
        vec![md5_hex(&attribute.value)]
    }
}

/// The feed form of one event (as PyMISP's `to_feed`), or `None` when its distribution is
/// filtered out.
///
/// Missing values get PyMISP's feed defaults: `published` true, `analysis` 2 (completed),
/// `threat_level_id` 4 (undefined), `extends_uuid` `""`, `protected` false, timestamps and the
/// date from `options`' clock, attribute `category`/`to_ids` from describeTypes, `comment` `""`,
/// `disable_correlation` false, tag `colour` `#ffffff`, `local` false, `relationship_type` `""`.
///
/// # Errors
/// [`Error::NotFeedable`] when the event has no valid UUID or no `Orgc` with name and UUID, or an
/// attribute has no UUID or an unknown type without a category.
pub fn feed_event(event: &Event, index: usize, options: &FeedOptions) -> Result<Option<Event>> {
    if !options.allows(event.distribution) {
        return Ok(None);
    }
    let not_feedable = |reason| Error::NotFeedable { index, reason };
    let uuid = event
        .uuid
        .as_deref()
        .filter(|u| is_uuid(u))
        .ok_or_else(|| not_feedable("missing or malformed event uuid"))?;
    let orgc = event
        .orgc
        .as_ref()
        .and_then(|o| Some(Org::new(o.name.clone()?, o.uuid.clone()?)))
        .ok_or_else(|| not_feedable("missing Orgc name or uuid"))?;
    let mut out = Event::new(event.info.clone());
    out.uuid = Some(uuid.to_ascii_lowercase());
    out.threat_level = Some(event.threat_level.unwrap_or(ThreatLevel::Undefined));
    out.analysis = Some(event.analysis.unwrap_or(Analysis::Completed));
    out.timestamp = Some(event.timestamp.unwrap_or(options.now));
    out.publish_timestamp = Some(event.publish_timestamp.unwrap_or(options.now));
    out.published = Some(event.published.unwrap_or(true));
    out.date = Some(event.date.clone().unwrap_or_else(|| date_of(options.now)));
    out.extends_uuid = Some(event.extends_uuid.clone().unwrap_or_default());
    out.protected = Some(event.protected.unwrap_or(false));
    out.orgc = Some(orgc);
    out.tags = feed_tags(&event.tags, options.with_local_tags);
    for attribute in &event.attributes {
        if options.allows(attribute.distribution) {
            out.attributes
                .push(feed_attribute(attribute, index, options, false)?);
        }
    }
    for object in &event.objects {
        if options.allows(object.distribution) {
            out.objects.push(feed_object(object, index, options)?);
        }
    }
    for report in &event.reports {
        if options.allows(report.distribution) {
            out.reports.push(feed_report(report, options));
        }
    }
    if let Some(keys) = event.extra.get("CryptographicKey") {
        out.extra
            .insert("CryptographicKey".to_owned(), keys.clone());
    }
    Ok(Some(out))
}

fn feed_tags(tags: &[Tag], with_local: bool) -> Vec<Tag> {
    tags.iter()
        .filter(|tag| tag.is_exportable() && (with_local || !tag.is_local()))
        .map(|tag| {
            let mut out = Tag::new(tag.name.clone()).with_local(tag.is_local());
            out.colour = Some(tag.colour.clone().unwrap_or_else(|| "#ffffff".to_owned()));
            out.relationship_type = Some(tag.relationship_type.clone().unwrap_or_default());
            out
        })
        .collect()
}

fn feed_attribute(
    attribute: &Attribute,
    index: usize,
    options: &FeedOptions,
    in_object: bool,
) -> Result<Attribute> {
    let mut out = Attribute::new(attribute.attribute_type.clone(), attribute.value.clone());
    let uuid = attribute.uuid.as_ref().ok_or(Error::NotFeedable {
        index,
        reason: "an attribute has no uuid",
    })?;
    out.uuid = Some(if uuid.bytes().any(|b| b.is_ascii_uppercase()) {
        Text::from(uuid.to_ascii_lowercase())
    } else {
        uuid.clone()
    });
    let defaults = DescribeTypes::builtin().defaults(&attribute.attribute_type);
    out.category = attribute
        .category
        .clone()
        .or_else(|| defaults.map(|d| crate::describe_types::intern(&d.default_category)));
    if out.category.is_none() {
        return Err(Error::NotFeedable {
            index,
            reason: "an attribute of unknown type has no category",
        });
    }
    out.to_ids = Some(
        attribute
            .to_ids
            .or_else(|| defaults.map(|d| d.to_ids))
            .unwrap_or(false),
    );
    out.comment = Some(attribute.comment.clone().unwrap_or_default());
    out.timestamp = Some(attribute.timestamp.unwrap_or(options.now));
    out.deleted = attribute.deleted;
    out.disable_correlation = Some(attribute.disable_correlation.unwrap_or(false));
    out.first_seen.clone_from(&attribute.first_seen);
    out.last_seen.clone_from(&attribute.last_seen);
    out.data.clone_from(&attribute.data);
    if in_object {
        *out.object_relation = Some(
            attribute
                .object_relation
                .as_deref()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    out.tags = feed_tags(&attribute.tags, true);
    Ok(out)
}

fn feed_object(object: &Object, index: usize, options: &FeedOptions) -> Result<Object> {
    let mut out = Object::new(object.name.clone());
    out.uuid = Some(
        object
            .uuid
            .clone()
            .ok_or(Error::NotFeedable {
                index,
                reason: "an object has no uuid",
            })?
            .to_ascii_lowercase(),
    );
    out.meta_category = Some(
        object
            .meta_category
            .clone()
            .unwrap_or_else(|| "misc".to_owned()),
    );
    out.description = Some(
        object
            .description
            .clone()
            .unwrap_or_else(|| "<unknown>".to_owned()),
    );
    out.template_uuid = Some(object.template_uuid.clone().ok_or(Error::NotFeedable {
        index,
        reason: "an object has no template_uuid",
    })?);
    out.template_version = Some(object.template_version.ok_or(Error::NotFeedable {
        index,
        reason: "an object has no template_version",
    })?);
    out.timestamp = Some(object.timestamp.unwrap_or(options.now));
    out.comment = Some(object.comment.clone().unwrap_or_default());
    out.deleted = object.deleted;
    out.first_seen.clone_from(&object.first_seen);
    out.last_seen.clone_from(&object.last_seen);
    out.references = object
        .references
        .iter()
        .map(|reference| feed_reference(reference, object, options))
        .collect();
    for attribute in &object.attributes {
        if options.allows(attribute.distribution) {
            out.attributes
                .push(feed_attribute(attribute, index, options, true)?);
        }
    }
    Ok(out)
}

fn feed_reference(
    reference: &ObjectReference,
    object: &Object,
    options: &FeedOptions,
) -> ObjectReference {
    let mut out = ObjectReference::default();
    out.uuid.clone_from(&reference.uuid);
    out.timestamp = Some(reference.timestamp.unwrap_or(options.now));
    out.relationship_type
        .clone_from(&reference.relationship_type);
    out.comment = Some(reference.comment.clone().unwrap_or_default());
    out.object_uuid = reference
        .source_object_uuid()
        .map(str::to_owned)
        .or_else(|| object.uuid.clone());
    out.referenced_uuid.clone_from(&reference.referenced_uuid);
    out
}

fn feed_report(report: &EventReport, options: &FeedOptions) -> EventReport {
    let mut out = EventReport::default();
    out.uuid.clone_from(&report.uuid);
    out.name.clone_from(&report.name);
    out.content.clone_from(&report.content);
    out.timestamp = Some(report.timestamp.unwrap_or(options.now));
    out.deleted = report.deleted;
    out
}

/// The manifest entry of a feed-form event.
fn manifest_entry(event: &Event) -> ManifestEntry {
    ManifestEntry {
        orgc: event.orgc.clone(),
        tags: event.tags.clone(),
        info: event.info.clone(),
        date: event.date.clone(),
        analysis: event.analysis,
        threat_level: event.threat_level,
        timestamp: event.timestamp,
        ..ManifestEntry::default()
    }
}

/// Writes a complete feed for `events`: each `<uuid>.json` (two-space indented `{"Event":…}`),
/// then `hashes.csv`, then `manifest.json` (write them in this order so the manifest lands last).
///
/// Holds every file at once; [`FeedWriter`] makes them one event at a time.
///
/// # Errors
/// [`Error::NotFeedable`] as in [`feed_event`].
pub fn write_feed(events: &[Event], options: &FeedOptions) -> Result<Vec<FeedFile>> {
    let mut writer = FeedWriter::new(options.clone());
    let mut files = Vec::with_capacity(events.len() + 2);
    for event in events {
        files.extend(writer.add(event)?);
    }
    files.extend(writer.finish());
    Ok(files)
}

/// A feed written one event at a time: [`FeedWriter::add`] gives each event's file as soon as
/// the event is known, so a large feed can be written without holding every event (or every
/// file) at once; [`FeedWriter::finish`] gives `hashes.csv` and `manifest.json`, which list
/// them all. The files are those of [`write_feed`], in its order.
///
/// ```
/// use misp_model::feed::{FeedOptions, FeedWriter};
/// use misp_model::{Attribute, Event, Org};
///
/// let mut writer = FeedWriter::new(FeedOptions::new(1_700_000_000));
/// let event = Event::new("Phishing wave")
///     .with_uuid("8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e")
///     .with_orgc(Org::new("ACME", "5c9a1c17-9550-483e-809a-28eab44af9f7"))
///     .with_attribute(
///         Attribute::new("domain", "login.example")
///             .with_uuid("0b6f9a61-0c1d-4e2f-8a3b-4c5d6e7f8091"),
///     );
/// let file = writer.add(&event)?.expect("a feedable event has a file");
/// assert_eq!(file.name, "8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e.json");
/// // The event can go now: the writer keeps only its hash lines and manifest entry.
/// drop(event);
/// let [hashes, manifest] = writer.finish();
/// assert_eq!((hashes.name.as_str(), manifest.name.as_str()), ("hashes.csv", "manifest.json"));
/// assert_eq!(hashes.bytes.iter().filter(|b| **b == b'\n').count(), 1);
/// # Ok::<(), misp_model::Error>(())
/// ```
#[derive(Debug)]
pub struct FeedWriter {
    options: FeedOptions,
    /// How many events were given so far (feed-form conversion numbers them).
    given: usize,
    manifest: Manifest,
    hashes: String,
}

impl FeedWriter {
    /// A feed with no events yet.
    pub fn new(options: FeedOptions) -> Self {
        Self {
            options,
            given: 0,
            manifest: Manifest::default(),
            hashes: String::new(),
        }
    }

    /// The file of `event` in feed form (`<uuid>.json`), recorded for `hashes.csv` and the
    /// manifest; `None` when [`feed_event`] leaves the event out.
    ///
    /// # Errors
    /// [`Error::NotFeedable`] as in [`feed_event`].
    pub fn add(&mut self, event: &Event) -> Result<Option<FeedFile>> {
        let index = self.given;
        self.given += 1;
        let Some(feed) = feed_event(event, index, &self.options)? else {
            return Ok(None);
        };
        let uuid = feed.uuid.clone().unwrap_or_default();
        for attribute in feed.all_attributes() {
            for hash in attribute_hashes(attribute) {
                self.hashes.push_str(&hash);
                self.hashes.push(',');
                self.hashes.push_str(&uuid);
                self.hashes.push('\n');
            }
        }
        self.manifest
            .entries
            .push((uuid.clone(), manifest_entry(&feed)));
        Ok(Some(FeedFile {
            name: format!("{uuid}.json"),
            bytes: feed.to_json_pretty(),
        }))
    }

    /// `hashes.csv` and `manifest.json` for every event added (write the manifest last).
    pub fn finish(self) -> [FeedFile; 2] {
        [
            FeedFile {
                name: "hashes.csv".to_owned(),
                bytes: self.hashes.into_bytes(),
            },
            FeedFile {
                name: "manifest.json".to_owned(),
                bytes: self.manifest.to_json(),
            },
        ]
    }
}

/// The UTC calendar date (`YYYY-MM-DD`) of a Unix time (days-to-civil, proleptic Gregorian).
pub fn date_of(unix_seconds: u64) -> String {
    let days = i64::try_from(unix_seconds / 86_400).unwrap_or(0);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}
