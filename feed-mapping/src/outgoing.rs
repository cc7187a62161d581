//! Outgoing: a dataset of EclecticIQ JSON entities → one MISP event per incident.
//!
//! The platform's rules, kept exactly:
//!
//! * every **incident** of the dataset becomes one event ([`identity::event_uuid`] of its id);
//! * every other full entity of the dataset linked to it (relation in either direction,
//!   `*_ref` field or bundled `idref`; see [`eiq_json::graph`]) contributes its extracts, as
//!   does the incident itself; an entity linked to two incidents is in both events;
//! * an entity linked to no incident, or only to an incident outside the dataset (a stub or a
//!   dangling id), is not pushed, and is reported;
//! * default mode writes simple attributes only; [`MappingOptions::objects`] groups composite
//!   entities into MISP objects (see [`crate::objects`]).
//!
//! Tables: kind → type/category in [`crate::kinds`]; TLP, `to_ids`, threat level and analysis
//! in [`crate::markings`]. Extracts are read from `extracts`, `enrichment_extracts`,
//! `meta.manual_extracts` and `meta.bundled_extracts`, in that order.
//!
//! **Tags.** The TLP tag (`tlp:amber`, …) is a handling marking, not a free tag: it is always
//! written on the event, and on an attribute whose entity has a TLP different from the
//! incident's, whatever [`MappingOptions::include_tags`] says; TLP also always sets the
//! distribution (an attribute inherits the event's unless its entity's TLP is stricter).
//! With `include_tags`, the event also gets the incident's `meta.tags`, its taxonomy paths
//! (joined with ` - `, the platform's own spelling) and `admiralty-scale:source-reliability`;
//! attributes get their entity's tags and reliability and the extract's confidence as
//! `estimative-language:confidence-in-analytic-judgment`.
//!
//! **Duplicates.** MISP refuses two top-level attributes of one event with the same type and
//! value; the later one is reported as [`SkipReason::Duplicate`]. In objects mode, an extract
//! whose slot already holds the same value in its entity's object is reported the same way.
//!
//! **One event at a time.** [`map_dataset`] holds every event; [`map_dataset_events`] builds
//! the same events one per step, so a caller that writes or pushes each and drops it holds one
//! event's attributes at a time ([`MappingReport`] gathers `report.json` the same way).
//!
//! **Determinism.** Events follow the incidents' dataset order; attributes follow the incident,
//! then its linked entities in dataset order, then each entity's extracts in order. No clock
//! is read: events carry no timestamps (MISP stamps them), the date comes from the incident
//! or [`MappingOptions::date`].
//!
//! ```
//! use eiq_json::{Dataset, Package};
//! use feed_mapping::outgoing::{MappingOptions, SkipReason, map_dataset};
//!
//! let package = Package::from_json(br#"{"content-type": "urn:eclecticiq.com:json:1.0",
//!   "entities": [
//!   {"id": "99d4e669-e746-5c95-bfac-b98afdab7118", "data": {"type": "incident", "title": "Kit"},
//!    "meta": {"tlp_color": "GREEN"}},
//!   {"id": "7f943d09-da30-56e4-9e87-47f4e5d9572a", "data": {"type": "indicator"},
//!    "extracts": [{"kind": "domain", "value": "kit.example.com",
//!                  "meta": {"classification": "bad", "confidence": "high"}},
//!                 {"kind": "geo", "value": "52.1,4.3"}]},
//!   {"id": "a4597034-58bb-521b-8653-547dd6ab8298", "data": {"type": "relation",
//!    "source": "99d4e669-e746-5c95-bfac-b98afdab7118",
//!    "target": "7f943d09-da30-56e4-9e87-47f4e5d9572a"}}]}"#)?;
//! let outcome = map_dataset(&Dataset::from_packages([&package]), &MappingOptions::default());
//! let event = &outcome.events[0];
//! assert_eq!(event.attributes[0].attribute_type, "domain");
//! assert_eq!(event.attributes[0].to_ids, Some(true));
//! assert_eq!(event.tags[0].name, "tlp:green");
//! assert_eq!(outcome.skipped[0].reason, SkipReason::UnsupportedExtractKind);
//! # Ok::<(), eiq_json::Error>(())
//! ```

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher, RandomState};

use eiq_json::graph::{DanglingReason, Dataset, Endpoint};
use eiq_json::{
    Classification, Entity, EntityType, ExtractConfidence, ExtractKind, LinkType, Tlp,
    reference_uuid,
};
use misp_model::describe_types::builtin_name;
use misp_model::{Attribute, Distribution, Event, Org, Tag, Text};
use serde_json::{Value, json};

use crate::identity::{self, NamePrefix};
use crate::kinds::{self, Unmappable};
use crate::markings;

/// Settings of the outgoing mapping, mirroring the platform's MISP feed options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MappingOptions {
    /// Copy entity tags (`meta.tags`, taxonomy paths) to MISP tags (the platform's "include
    /// tags" setting). The TLP tag is written either way.
    pub include_tags: bool,
    /// Group composite entities into MISP objects instead of simple attributes.
    pub objects: bool,
    /// Mark the events published.
    pub publish: bool,
    /// Name of the creator organisation (`Orgc`) written on every event.
    pub org_name: Option<String>,
    /// Event date `YYYY-MM-DD` used when an incident has no date of its own.
    pub date: Option<String>,
}

impl MappingOptions {
    /// The same options with tags included or not.
    #[must_use]
    pub fn with_include_tags(mut self, include_tags: bool) -> Self {
        self.include_tags = include_tags;
        self
    }

    /// The same options in objects mode or simple-attribute mode.
    #[must_use]
    pub fn with_objects(mut self, objects: bool) -> Self {
        self.objects = objects;
        self
    }

    /// The same options with events published or not.
    #[must_use]
    pub fn with_publish(mut self, publish: bool) -> Self {
        self.publish = publish;
        self
    }

    /// The same options with a creator organisation name.
    #[must_use]
    pub fn with_org_name(mut self, org_name: impl Into<String>) -> Self {
        self.org_name = Some(org_name.into());
        self
    }

    /// The same options with a fallback event date (`YYYY-MM-DD`).
    #[must_use]
    pub fn with_date(mut self, date: impl Into<String>) -> Self {
        self.date = Some(date.into());
        self
    }
}

/// What [`map_dataset`] produced: the events and everything it did not map.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct MappingOutcome {
    /// One event per incident of the dataset, in dataset order, with deterministic UUIDs.
    pub events: Vec<Event>,
    /// Every entity and extract not mapped, with the reason.
    pub skipped: Vec<Skipped>,
}

impl MappingOutcome {
    /// The content of `report.json`: the event UUIDs and every skipped item with its reason.
    pub fn report_json(&self) -> Value {
        let mut report = MappingReport::default();
        for event in &self.events {
            report.add_event(event);
        }
        report.to_json(&self.skipped)
    }
}

/// `report.json` gathered one event at a time, for callers of [`map_dataset_events`] that
/// drop each event once used: it keeps each event's summary line, not the event.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MappingReport {
    events: Vec<Value>,
}

impl MappingReport {
    /// Lists the event: its UUID, title and how many attributes and objects it has.
    pub fn add_event(&mut self, event: &Event) {
        self.events.push(json!({
            "uuid": event.uuid,
            "info": event.info,
            "attributes": event.attributes.len(),
            "objects": event.objects.len(),
        }));
    }

    /// The report: the events listed, in order, and `skipped` with the reasons
    /// ([`MappingOutcome::report_json`] for the same mapping).
    pub fn to_json(&self, skipped: &[Skipped]) -> Value {
        let skipped: Vec<Value> = skipped.iter().map(Skipped::to_json).collect();
        json!({ "events": self.events, "skipped": skipped })
    }
}

/// An entity, or one extract of an entity, that was not mapped.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Skipped {
    /// The entity's id.
    pub entity_id: String,
    /// The entity's type (`data.type`); a known type is held without a copy of its name.
    pub entity_type: EntityType,
    /// The extract, when only that extract was skipped.
    pub extract: Option<SkippedExtract>,
    /// Why.
    pub reason: SkipReason,
}

impl Skipped {
    /// The item for `entity`, or for one of its extracts (kind and value as text).
    fn new(entity: &Entity, extract: Option<(&ExtractKind, &str)>, reason: SkipReason) -> Self {
        Self {
            entity_id: entity.id.as_str().to_owned(),
            entity_type: entity.entity_type().clone(),
            extract: extract.map(|(kind, value)| SkippedExtract {
                kind: kind.clone(),
                value: value.to_owned(),
            }),
            reason,
        }
    }

    /// This item as one entry of `report.json`.
    pub fn to_json(&self) -> Value {
        let mut entry = json!({
            "entity_id": self.entity_id,
            "entity_type": self.entity_type.as_str(),
        });
        if let (Some(extract), Value::Object(map)) = (&self.extract, &mut entry) {
            map.insert(
                "extract".into(),
                json!({ "kind": extract.kind.as_str(), "value": extract.value }),
            );
        }
        if let Value::Object(map) = &mut entry {
            map.insert("reason".into(), Value::String(self.reason.code().into()));
            let mut detail = self.reason.to_string();
            if self.reason == SkipReason::UnsupportedExtractKind
                && let Some(extract) = &self.extract
                && let Some(kinds::KindTarget::Unsupported(why)) =
                    kinds::rule(&extract.kind).map(|rule| rule.default)
            {
                detail = format!("{detail}: {why}");
            }
            map.insert("detail".into(), Value::String(detail));
        }
        entry
    }
}

/// The extract a [`Skipped`] item names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SkippedExtract {
    /// Its kind, e.g. `geo` (a known kind is held without a copy of its name).
    pub kind: ExtractKind,
    /// Its value as text.
    pub value: String,
}

/// Why an entity or extract was not mapped.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SkipReason {
    /// The entity is linked to no incident.
    NoIncident,
    /// The entity is linked only to an incident that is not in the dataset.
    IncidentOutsideDataset {
        /// The id of that incident (as the reference names it).
        incident: String,
    },
    /// The mapping does not support entities of this type.
    UnsupportedEntityType,
    /// No MISP attribute type is a sound match for the extract kind.
    UnsupportedExtractKind,
    /// The value does not fit the MISP type.
    InvalidValue {
        /// What is wrong with it.
        why: String,
    },
    /// The same attribute (type and value) is already in the event, or in the same slot of
    /// the entity's object, or the entity's id is already taken by an earlier entity of the
    /// dataset.
    Duplicate,
    /// The kind maps only with a link type the extract lacks (e.g. `organization` needs
    /// `targeted-victim`).
    NeedsLinkType {
        /// The link type needed.
        link_type: String,
    },
    /// A linked entity with no extracts: nothing to contribute.
    NoObservables,
    /// A `<type>_ref` stub: it stands for an entity outside the dataset and has no content.
    ReferenceStub,
    /// A relation or reference that leads to no entity of the dataset.
    DanglingReference {
        /// Where the reference is, e.g. `data.target`.
        field: String,
        /// The reference as written.
        reference: String,
    },
}

impl SkipReason {
    /// A stable machine-readable code, e.g. `no_incident`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoIncident => "no_incident",
            Self::IncidentOutsideDataset { .. } => "incident_outside_dataset",
            Self::UnsupportedEntityType => "unsupported_entity_type",
            Self::UnsupportedExtractKind => "unsupported_extract_kind",
            Self::InvalidValue { .. } => "invalid_value",
            Self::Duplicate => "duplicate",
            Self::NeedsLinkType { .. } => "needs_link_type",
            Self::NoObservables => "no_observables",
            Self::ReferenceStub => "reference_stub",
            Self::DanglingReference { .. } => "dangling_reference",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoIncident => f.write_str("linked to no incident"),
            Self::IncidentOutsideDataset { incident } => {
                write!(
                    f,
                    "linked only to incident {incident}, which is not in the dataset"
                )
            }
            Self::UnsupportedEntityType => f.write_str("entity type not supported by the mapping"),
            Self::UnsupportedExtractKind => f.write_str("no MISP attribute type for this kind"),
            Self::InvalidValue { why } => write!(f, "invalid value: {why}"),
            Self::Duplicate => f.write_str("duplicate of an earlier item"),
            Self::NeedsLinkType { link_type } => {
                write!(f, "kind maps only with link type {link_type}")
            }
            Self::NoObservables => f.write_str("linked entity has no extracts"),
            Self::ReferenceStub => f.write_str("reference stub for an entity outside the dataset"),
            Self::DanglingReference { field, reference } => {
                write!(f, "{field} `{reference}` leads to no entity of the dataset")
            }
        }
    }
}

/// Maps a dataset to one MISP event per incident. Never fails: what cannot be mapped is listed
/// in [`MappingOutcome::skipped`].
///
/// Holds every event at once; [`map_dataset_events`] hands them over one at a time.
pub fn map_dataset(dataset: &Dataset<'_>, options: &MappingOptions) -> MappingOutcome {
    let mut mapped = map_dataset_events(dataset, options);
    let events = mapped.by_ref().collect();
    MappingOutcome {
        events,
        skipped: mapped.into_skipped(),
    }
}

/// [`map_dataset`] one event at a time: each incident's event is built when the iterator is
/// advanced, so a caller that writes or pushes each event and then drops it holds one event's
/// attributes at a time, not the whole dataset's (a million entities map to over a million
/// attributes, half a gigabyte held at once).
///
/// The events, their order and the skipped items are those of [`map_dataset`]. Entity-level
/// skips are listed when the iterator is made; an event's extract-level skips when the event
/// is built, so [`MappedEvents::into_skipped`] is complete once the iterator is exhausted.
///
/// ```
/// use eiq_json::{Dataset, Package};
/// use feed_mapping::outgoing::{MappingOptions, map_dataset, map_dataset_events};
///
/// let package = Package::from_json(br#"{"content-type": "urn:eclecticiq.com:json:1.0",
///   "entities": [
///   {"id": "99d4e669-e746-5c95-bfac-b98afdab7118", "data": {"type": "incident", "title": "Kit"}},
///   {"id": "7f943d09-da30-56e4-9e87-47f4e5d9572a", "data": {"type": "indicator"},
///    "extracts": [{"kind": "domain", "value": "kit.example.com"}]},
///   {"id": "a4597034-58bb-521b-8653-547dd6ab8298", "data": {"type": "relation",
///    "source": "99d4e669-e746-5c95-bfac-b98afdab7118",
///    "target": "7f943d09-da30-56e4-9e87-47f4e5d9572a"}}]}"#)?;
/// let dataset = Dataset::from_packages([&package]);
/// let options = MappingOptions::default();
/// let mut events = map_dataset_events(&dataset, &options);
/// assert_eq!(events.len(), 1);
/// for event in &mut events {
///     assert_eq!(event.attributes[0].value, "kit.example.com");
/// }
/// assert_eq!(events.into_skipped(), map_dataset(&dataset, &options).skipped);
/// # Ok::<(), eiq_json::Error>(())
/// ```
pub fn map_dataset_events<'d, 'p>(
    dataset: &'d Dataset<'p>,
    options: &'d MappingOptions,
) -> MappedEvents<'d, 'p> {
    let mut skipped = Skips::default();
    report_entities(dataset, &mut skipped);
    MappedEvents {
        dataset,
        options,
        incidents: dataset.incidents().collect::<Vec<_>>().into_iter(),
        skipped,
    }
}

/// The events of a dataset, built one per [`Iterator::next`] (see [`map_dataset_events`]),
/// and the items not mapped so far.
pub struct MappedEvents<'d, 'p> {
    dataset: &'d Dataset<'p>,
    options: &'d MappingOptions,
    /// The incidents whose events are still to be built, in dataset order.
    incidents: std::vec::IntoIter<&'p Entity>,
    skipped: Skips,
}

impl MappedEvents<'_, '_> {
    /// The items not mapped so far: every entity-level one, and the extract-level ones of the
    /// events built so far.
    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped.list
    }

    /// The items not mapped, once every event has been taken (the same list as
    /// [`MappingOutcome::skipped`]); taken earlier, the events not yet built are missing.
    pub fn into_skipped(self) -> Vec<Skipped> {
        self.skipped.list
    }
}

impl fmt::Debug for MappedEvents<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MappedEvents")
            .field("events_left", &self.incidents.len())
            .field("skipped", &self.skipped.list.len())
            .finish_non_exhaustive()
    }
}

impl Iterator for MappedEvents<'_, '_> {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        let incident = self.incidents.next()?;
        Some(map_incident(
            self.dataset,
            incident,
            self.options,
            &mut self.skipped,
        ))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.incidents.size_hint()
    }
}

impl ExactSizeIterator for MappedEvents<'_, '_> {}

impl std::iter::FusedIterator for MappedEvents<'_, '_> {}

/// The positions of a growing list by the hash of their item, so "is an equal item already
/// listed?" is answered without keeping a second copy of every item.
#[derive(Default)]
pub(crate) struct ListIndex {
    hasher: FoldHashing,
    /// Hash → the latest position with that hash (the key is already a keyed hash, so it is
    /// not hashed again).
    latest: HashMap<u64, usize, BuildHasherDefault<AlreadyHashed>>,
    /// Position → the previous position with the same hash.
    previous: Vec<Option<usize>>,
}

impl ListIndex {
    /// An empty index with room for `capacity` positions.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            hasher: FoldHashing::default(),
            latest: HashMap::with_capacity_and_hasher(capacity, BuildHasherDefault::default()),
            previous: Vec::with_capacity(capacity),
        }
    }

    /// The hash the index files `item` under.
    pub(crate) fn hash<T: Hash + ?Sized>(&self, item: &T) -> u64 {
        self.hasher.hash_one(item)
    }

    /// Whether a listed position with this hash holds an equal item (`same` compares).
    pub(crate) fn contains(&self, hash: u64, same: impl Fn(usize) -> bool) -> bool {
        let mut position = self.latest.get(&hash).copied();
        while let Some(at) = position {
            if same(at) {
                return true;
            }
            position = self.previous.get(at).copied().flatten();
        }
        false
    }

    /// Files the next position of the list (the one after every position filed so far).
    pub(crate) fn file(&mut self, hash: u64) {
        let position = self.previous.len();
        let previous = self.latest.insert(hash, position);
        self.previous.push(previous);
    }

    /// Files the next position of the list for an item that no other item can equal: it is
    /// never hashed, and no lookup finds it.
    pub(crate) fn file_distinct(&mut self) {
        self.previous.push(None);
    }
}

/// The keyed hash of [`ListIndex`]'s items (attribute types and values, skipped items): one
/// folded multiply per eight bytes with a secret per-index key, a fraction of SipHash's cost
/// (SipHash was a tenth of the mapping). The key keeps chosen values from colliding on
/// purpose; a collision would cost time, never a wrong answer (the index compares items).
#[derive(Clone, Copy)]
pub(crate) struct FoldHashing {
    key: u64,
    start: u64,
}

impl Default for FoldHashing {
    fn default() -> Self {
        let random = RandomState::new();
        Self {
            // Odd, so the multiply loses no bits of the input.
            key: random.hash_one(0x6b1f_u64) | 1,
            start: random.hash_one(0x3c0e_u64),
        }
    }
}

impl BuildHasher for FoldHashing {
    type Hasher = FoldHasher;

    fn build_hasher(&self) -> FoldHasher {
        FoldHasher {
            key: self.key,
            hash: self.start,
        }
    }
}

/// See [`FoldHashing`].
pub(crate) struct FoldHasher {
    key: u64,
    hash: u64,
}

impl FoldHasher {
    fn mix(&mut self, word: u64) {
        let product = u128::from(self.hash ^ word) * u128::from(self.key);
        self.hash = (product as u64) ^ ((product >> 64) as u64);
    }
}

impl Hasher for FoldHasher {
    fn finish(&self) -> u64 {
        self.hash
    }

    fn write(&mut self, bytes: &[u8]) {
        let (words, rest) = bytes.as_chunks::<8>();
        for word in words {
            self.mix(u64::from_le_bytes(*word));
        }
        if !rest.is_empty() {
            // At most seven bytes: the eighth holds their count.
            let mut word = [0u8; 8];
            for (to, from) in word.iter_mut().zip(rest) {
                *to = *from;
            }
            self.mix(u64::from_le_bytes(word) | ((rest.len() as u64) << 56));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.mix(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.mix(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.mix(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.mix(n as u64);
    }
}

/// The [`Hasher`] of [`ListIndex`]'s keys, which are already hashes: it hands a `u64` on as it
/// is (and folds other input bytes in, should any come).
#[derive(Default)]
pub(crate) struct AlreadyHashed(u64);

impl Hasher for AlreadyHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, hash: u64) {
        self.0 = hash;
    }
}

/// The skipped items, each once, in the order found.
#[derive(Default)]
pub(crate) struct Skips {
    list: Vec<Skipped>,
    index: ListIndex,
}

impl Skips {
    /// Lists the item unless an equal one is listed (the texts are copied only then).
    fn push(&mut self, entity: &Entity, extract: Option<(&ExtractKind, &str)>, reason: SkipReason) {
        let entity_id = entity.id.as_str();
        let entity_type = entity.entity_type();
        let hash = self.index.hash(&(
            entity_id,
            entity_type.as_str(),
            extract.map(|(kind, value)| (kind.as_str(), value)),
            &reason,
        ));
        let list = &self.list;
        let listed = self.index.contains(hash, |at| {
            list.get(at).is_some_and(|listed| {
                listed.entity_id == entity_id
                    && listed.entity_type == *entity_type
                    && listed.extract.as_ref().map(|e| (&e.kind, e.value.as_str())) == extract
                    && listed.reason == reason
            })
        });
        if !listed {
            self.index.file(hash);
            self.list.push(Skipped::new(entity, extract, reason));
        }
    }

    pub(crate) fn entity(&mut self, entity: &Entity, reason: SkipReason) {
        self.push(entity, None, reason);
    }

    /// Lists an entity-level item that the caller knows no other item equals, without the
    /// hashing and lookup that [`Skips::push`] does (a million-entity dataset has hundreds of
    /// thousands of them).
    fn distinct_entity(&mut self, entity: &Entity, reason: SkipReason) {
        self.index.file_distinct();
        self.list.push(Skipped::new(entity, None, reason));
    }

    pub(crate) fn extract(
        &mut self,
        entity: &Entity,
        observable: &Observable<'_>,
        reason: SkipReason,
    ) {
        let extract = (observable.kind, observable.value.as_ref());
        self.push(entity, Some(extract), reason);
    }
}

/// Whether the mapping takes extracts from entities of this type: the IC 2.x types and the
/// IC 3.x STIX 2.1-style ones (not relations, stubs or unknown types).
pub fn supports_entity_type(entity_type: &EntityType) -> bool {
    // The names of `EntityType::STIX1` and `EntityType::STIX21` (a test keeps them equal), as
    // one `match` instead of eighteen comparisons per entity.
    matches!(
        entity_type.as_str(),
        "campaign"
            | "course-of-action"
            | "eclecticiq-sighting"
            | "exploit-target"
            | "incident"
            | "indicator"
            | "report"
            | "threat-actor"
            | "ttp"
            | "attack-pattern"
            | "identity"
            | "infrastructure"
            | "intrusion-set"
            | "location"
            | "malware"
            | "malware-analysis"
            | "tool"
            | "vulnerability"
    )
}

/// Entity-level reasons: stubs, unsupported types, unlinked entities, linked entities without
/// extracts, dangling references and duplicate ids.
///
/// Only the duplicates can repeat an item (an id ignored twice). The dataset lists every other
/// entity once, and gives it at most one reason here. A dangling reference names its holder and
/// the holder's field, and no field is named twice. Extract-level items name an extract. So
/// all but the duplicates are listed without the equality check.
fn report_entities(dataset: &Dataset<'_>, skipped: &mut Skips) {
    let outside = incidents_outside(dataset);
    for (entity, linked_to_incident) in dataset.entities_with_incident_link() {
        let entity_type = entity.entity_type();
        if entity.is_relation() || entity_type == &EntityType::INCIDENT {
            continue;
        }
        if entity.is_stub() {
            skipped.distinct_entity(entity, SkipReason::ReferenceStub);
            continue;
        }
        if !supports_entity_type(entity_type) {
            skipped.distinct_entity(entity, SkipReason::UnsupportedEntityType);
            continue;
        }
        if !linked_to_incident {
            let incident = if outside.is_empty() {
                None
            } else {
                outside.get(&entity.id.uuid())
            };
            let reason = match incident {
                Some(incident) => SkipReason::IncidentOutsideDataset {
                    incident: incident.clone(),
                },
                None => SkipReason::NoIncident,
            };
            skipped.distinct_entity(entity, reason);
        } else if !has_observables(entity) {
            skipped.distinct_entity(entity, SkipReason::NoObservables);
        }
    }
    for dangling in dataset.dangling() {
        if matches!(
            dangling.reason,
            DanglingReason::NotInDataset | DanglingReason::NotAReference
        ) {
            skipped.distinct_entity(
                dangling.holder,
                SkipReason::DanglingReference {
                    field: dangling.field.clone(),
                    reference: dangling.reference.clone(),
                },
            );
        }
    }
    for duplicate in dataset.duplicates() {
        skipped.entity(duplicate.ignored, SkipReason::Duplicate);
    }
}

/// Entities linked to an incident that is not in the dataset: entity uuid → incident id.
fn incidents_outside(dataset: &Dataset<'_>) -> HashMap<String, String> {
    let mut outside = HashMap::new();
    let stub_incident = |stub: &Entity| {
        (stub.entity_type().stub_target().as_ref() == Some(&EntityType::INCIDENT)).then(|| {
            stub.data
                .qualified_id()
                .and_then(reference_uuid)
                .unwrap_or_else(|| stub.id.uuid())
        })
    };
    for view in dataset.relations() {
        let ends = [
            (
                view.source,
                view.target,
                &view.data.target,
                view.data.target_type.get(),
            ),
            (
                view.target,
                view.source,
                &view.data.source,
                view.data.source_type.get(),
            ),
        ];
        for (near, far, far_reference, far_type) in ends {
            let Some(entity) = near.entity() else {
                continue;
            };
            let incident = match far {
                Endpoint::Stub(stub) => stub_incident(stub),
                Endpoint::Missing if far_type == Some(&EntityType::INCIDENT) => {
                    Some(reference_uuid(far_reference).unwrap_or_else(|| far_reference.clone()))
                }
                _ => None,
            };
            if let Some(incident) = incident {
                outside.entry(entity.id.uuid()).or_insert(incident);
            }
        }
    }
    for dangling in dataset.dangling() {
        if dangling.holder.is_relation() {
            continue;
        }
        if let DanglingReason::OutsideDataset { stub } = dangling.reason
            && let Some(incident) = stub_incident(stub)
        {
            outside.entry(dangling.holder.id.uuid()).or_insert(incident);
        }
    }
    outside
}

/// One extract of an entity, whichever list it came from, borrowed from the entity.
#[derive(Debug, Clone)]
pub(crate) struct Observable<'e> {
    pub(crate) kind: &'e ExtractKind,
    pub(crate) value: Cow<'e, str>,
    pub(crate) classification: Classification,
    pub(crate) confidence: Option<ExtractConfidence>,
    pub(crate) link_types: &'e [LinkType],
    /// The MISP type an extract read from MISP remembers (`extra.misp_type`).
    pub(crate) misp_type: Option<&'e str>,
    /// The MISP category an extract read from MISP remembers (`extra.misp_category`).
    pub(crate) misp_category: Option<&'e str>,
}

/// The member of an extract's `extra` where the incoming mapping keeps the MISP type.
pub const MISP_TYPE_MEMBER: &str = "misp_type";
/// The member of an extract's `extra` where the incoming mapping keeps the MISP category.
pub const MISP_CATEGORY_MEMBER: &str = "misp_category";

/// Whether [`push_observables`] finds anything in the entity (without collecting it).
fn has_observables(entity: &Entity) -> bool {
    !entity.extracts().is_empty()
        || !entity.enrichment_extracts().is_empty()
        || entity.meta.get().is_some_and(|meta| {
            meta.manual_extracts
                .get()
                .is_some_and(|list| !list.is_empty())
                || meta
                    .bundled_extracts
                    .get()
                    .is_some_and(|list| !list.is_empty())
        })
}

/// How many observables [`push_observables`] finds in the entity (without collecting them).
fn observable_count(entity: &Entity) -> usize {
    let meta = entity.meta.get();
    entity.extracts().len()
        + entity.enrichment_extracts().len()
        + meta
            .and_then(|meta| meta.manual_extracts.get())
            .map_or(0, Vec::len)
        + meta
            .and_then(|meta| meta.bundled_extracts.get())
            .map_or(0, Vec::len)
}

/// Appends the entity's observables to `list`: its extracts, enrichment extracts, manual
/// extracts and bundled extracts, in that order.
fn push_observables<'e>(entity: &'e Entity, list: &mut Vec<Observable<'e>>) {
    fn text<'m>(extra: &'m eiq_json::Extra, key: &str) -> Option<&'m str> {
        extra.get(key).and_then(Value::as_str)
    }
    for extract in entity.extracts().iter().chain(entity.enrichment_extracts()) {
        list.push(Observable {
            kind: &extract.kind,
            value: extract.value.as_text(),
            classification: extract.classification(),
            confidence: extract.confidence(),
            link_types: extract.link_types(),
            misp_type: text(&extract.extra, MISP_TYPE_MEMBER),
            misp_category: text(&extract.extra, MISP_CATEGORY_MEMBER),
        });
    }
    if let Some(meta) = entity.meta.get() {
        for manual in meta.manual_extracts.get().into_iter().flatten() {
            list.push(Observable {
                kind: &manual.kind,
                value: manual.value.as_text(),
                classification: manual
                    .classification
                    .get()
                    .copied()
                    .unwrap_or(Classification::Unknown),
                confidence: manual.confidence.get().copied(),
                link_types: manual.link_type.get().map_or(&[], std::slice::from_ref),
                misp_type: None,
                misp_category: None,
            });
        }
        for bundled in meta.bundled_extracts.get().into_iter().flatten() {
            list.push(Observable {
                kind: &bundled.kind,
                value: bundled.value.as_text(),
                classification: Classification::Unknown,
                confidence: None,
                link_types: &[],
                misp_type: None,
                misp_category: None,
            });
        }
    }
}

/// An observable with its MISP type, category and checked value.
#[derive(Debug, Clone)]
pub(crate) struct Mapped<'e> {
    /// The observable, borrowed from the contributor's list (a copy made every move of a mapped
    /// item cost more).
    pub(crate) observable: &'e Observable<'e>,
    /// The type: a name of the kind table or of the built-in describeTypes (`'static`, so the
    /// attribute holds it without a copy).
    pub(crate) misp_type: &'static str,
    /// The category, `'static` like the type.
    pub(crate) category: &'static str,
    /// The checked value (see [`kinds::check_value`]), borrowed from the observable unless a
    /// normalisation changed it.
    pub(crate) value: Cow<'e, str>,
}

/// The MISP form of one observable, or why it has none.
pub(crate) fn map_observable<'e>(observable: &'e Observable<'e>) -> Result<Mapped<'e>, SkipReason> {
    let target = match kinds::target(observable.kind, observable.link_types) {
        Ok(target) => target,
        Err(Unmappable::Kind(_)) => {
            let needs_victim =
                kinds::rule(observable.kind).is_some_and(|rule| rule.targeted_victim.is_some());
            return Err(if needs_victim {
                SkipReason::NeedsLinkType {
                    link_type: LinkType::TARGETED_VICTIM.as_str().to_owned(),
                }
            } else {
                SkipReason::UnsupportedExtractKind
            });
        }
        Err(Unmappable::Value(why)) => return Err(SkipReason::InvalidValue { why }),
    };
    let (misp_type, category) = type_and_category(observable, target);
    let value = kinds::check_value(misp_type, &observable.value)
        .map_err(|why| SkipReason::InvalidValue { why })?;
    Ok(Mapped {
        observable,
        misp_type,
        category,
        value,
    })
}

/// The MISP type and category of an observable whose kind maps to `target`.
fn type_and_category(
    observable: &Observable<'_>,
    target: kinds::MispTarget,
) -> (&'static str, &'static str) {
    if observable.misp_type.is_none() && observable.misp_category.is_none() {
        // describeTypes allows every type/category pair of the kind table (its tests check
        // that), so an extract with no MISP hints takes the pair as it is.
        (target.misp_type, target.category)
    } else {
        hinted_type_and_category(observable, target)
    }
}

/// [`type_and_category`] by describeTypes, for extracts with MISP hints.
fn hinted_type_and_category(
    observable: &Observable<'_>,
    target: kinds::MispTarget,
) -> (&'static str, &'static str) {
    // An extract that came from MISP keeps its original type when that type maps back to the
    // same kind (ip-src stays ip-src), and its category when the type allows it. Every name
    // the built-in table knows or allows is one of its own (`builtin_name` finds them all).
    let table = misp_model::describe_types::DescribeTypes::builtin();
    let misp_type = observable
        .misp_type
        .filter(|hint| {
            table.is_known_type(hint)
                && kinds::kind_for_type(hint, &observable.value).as_ref() == Some(observable.kind)
        })
        .and_then(builtin_name)
        .unwrap_or(target.misp_type);
    let category = observable
        .misp_category
        .filter(|hint| table.category_allows(hint, misp_type))
        .and_then(builtin_name)
        .or_else(|| {
            table
                .category_allows(target.category, misp_type)
                .then_some(target.category)
        })
        .or_else(|| {
            table
                .defaults(misp_type)
                .and_then(|d| builtin_name(&d.default_category))
        })
        .unwrap_or(target.category);
    (misp_type, category)
}

/// What every item of one incident's event shares.
pub(crate) struct EventContext<'a> {
    /// The incident's id in lower case.
    pub(crate) incident_id: String,
    pub(crate) event_tlp: Option<Tlp>,
    pub(crate) options: &'a MappingOptions,
}

impl EventContext<'_> {
    /// The distribution of an item of `entity`: inherit, unless the entity's TLP is stricter.
    pub(crate) fn distribution(&self, entity: &Entity) -> Distribution {
        match entity.tlp() {
            Some(tlp) if markings::openness(Some(tlp)) < markings::openness(self.event_tlp) => {
                markings::distribution_for(Some(tlp))
            }
            _ => Distribution::Inherit,
        }
    }

    /// What every attribute of `entity` in this event shares, worked out once for the entity.
    /// `scratch` is a buffer for the comment, reused from one entity to the next.
    pub(crate) fn member<'e>(&self, entity: &'e Entity, scratch: &mut String) -> MemberContext<'e> {
        // The name of an attribute's UUID starts `<incident id>/<entity id>/` (see
        // [`identity::attribute_uuid`]; both ids in lower case); the type and value follow
        // per attribute.
        let entity_id = kinds::lower_case(entity.id.as_str());
        let incident_id = self.incident_id.as_bytes();
        let uuid_prefix = NamePrefix::new(&[incident_id, b"/", entity_id.as_bytes(), b"/"]);
        let entity_tlp = entity.tlp();
        let tlp_tag = if entity_tlp.is_some() && entity_tlp != self.event_tlp {
            entity_tlp.and_then(markings::tlp_tag)
        } else {
            None
        };
        MemberContext {
            entity,
            uuid_prefix,
            comment: comment(entity, scratch),
            distribution: self.distribution(entity),
            tlp_tag,
            tags: self.options.include_tags.then(|| entity_tags(entity)),
        }
    }
}

/// What every attribute of one entity in one event shares.
pub(crate) struct MemberContext<'e> {
    /// The entity.
    pub(crate) entity: &'e Entity,
    /// The UUID name state after `<incident id>/<entity id>/`.
    uuid_prefix: NamePrefix,
    /// The attribute comment: entity type and title (inline if short, otherwise shared by the
    /// entity's attributes).
    comment: Text,
    /// The distribution of the entity's items.
    pub(crate) distribution: Distribution,
    /// The TLP tag, when the entity's TLP differs from the incident's.
    tlp_tag: Option<&'static str>,
    /// The entity's tag names, when tags are included.
    tags: Option<Vec<String>>,
}

impl MemberContext<'_> {
    /// Appends the attribute for a mapped observable of the entity to `list` and returns it.
    ///
    /// The attribute is filled where it stays: it is a large struct (496 bytes), and building
    /// it apart and moving it into the list copied it twice per attribute.
    pub(crate) fn push_attribute<'l>(
        &mut self,
        list: &'l mut Vec<Attribute>,
        mapped: Mapped<'_>,
    ) -> Option<&'l mut Attribute> {
        list.resize_with(list.len() + 1, Attribute::default);
        let attribute = list.last_mut()?;
        attribute.uuid = Some(self.uuid_prefix.uuid_for(&[
            mapped.misp_type.as_bytes(),
            b"/",
            mapped.value.as_bytes(),
        ]));
        let observable = mapped.observable;
        attribute.attribute_type = Cow::Borrowed(mapped.misp_type);
        attribute.category = Some(Cow::Borrowed(mapped.category));
        attribute.to_ids = Some(markings::to_ids(
            observable.classification,
            observable.confidence,
        ));
        attribute.distribution = Some(self.distribution);
        attribute.comment = Some(self.comment.clone());
        if let Some(tag) = self.tlp_tag {
            attribute.tags.push(Tag::new(tag));
        }
        if let Some(tags) = &self.tags {
            let mut names = tags.clone();
            if let Some(confidence) = observable.confidence {
                names.push(confidence_tag(confidence));
            }
            for name in dedupe(names) {
                attribute.tags.push(Tag::new(name));
            }
        }
        attribute.value = Text::from(mapped.value);
        Some(attribute)
    }
}

/// The attribute comment of `entity`: its type, then `: ` and its title on one line if it has
/// one. Written in `scratch` first (kept from one entity to the next), so a comment that fits
/// inline in a [`Text`] costs no allocation.
fn comment(entity: &Entity, scratch: &mut String) -> Text {
    scratch.clear();
    scratch.push_str(entity.entity_type().as_str());
    if let Some(title) = entity.display_title() {
        scratch.push_str(": ");
        push_one_line(scratch, title);
    }
    Text::from(scratch.as_str())
}

fn one_line(text: &str) -> String {
    let mut line = String::with_capacity(text.len());
    push_one_line(&mut line, text);
    line
}

/// Appends the words of `text` separated by single spaces (all whitespace runs, line breaks
/// included, become one space; leading and trailing whitespace goes).
fn push_one_line(line: &mut String, text: &str) {
    // Most titles are one line already: printable ASCII, single inner spaces.
    let bytes = text.as_bytes();
    let already_one_line = bytes.first() != Some(&b' ')
        && bytes.last() != Some(&b' ')
        && bytes.iter().all(|&b| b.is_ascii_graphic() || b == b' ')
        && !text.contains("  ");
    if already_one_line {
        line.push_str(text);
        return;
    }
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            line.push(' ');
        }
        line.push_str(word);
    }
}

/// `meta.tags`, taxonomy paths and source reliability of an entity as MISP tag names.
fn entity_tags(entity: &Entity) -> Vec<String> {
    let mut names: Vec<String> = entity.tags().to_vec();
    if let Some(meta) = entity.meta.get() {
        for path in meta.taxonomy_paths.get().into_iter().flatten() {
            if !path.is_empty() {
                names.push(path.join(" - "));
            }
        }
        if let Some(reliability) = meta.source_reliability.get() {
            names.push(format!(
                "admiralty-scale:source-reliability=\"{}\"",
                reliability.as_str().to_ascii_lowercase()
            ));
        }
    }
    names
}

fn confidence_tag(confidence: ExtractConfidence) -> String {
    let word = match confidence {
        ExtractConfidence::Low => "low",
        ExtractConfidence::Medium => "moderate",
        ExtractConfidence::High => "high",
    };
    format!("estimative-language:confidence-in-analytic-judgment=\"{word}\"")
}

fn dedupe(names: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    names
        .into_iter()
        .filter(|name| !name.trim().is_empty() && seen.insert(name.clone()))
        .collect()
}

fn map_incident(
    dataset: &Dataset<'_>,
    incident: &Entity,
    options: &MappingOptions,
    skipped: &mut Skips,
) -> Event {
    let incident_id = incident.id.uuid();
    let context = EventContext {
        incident_id,
        event_tlp: incident.tlp(),
        options,
    };
    let mut event = event_shell(incident, &context);
    let members = dataset.incident_member_entities(&incident.id);
    let contributors = std::iter::once(incident).chain(
        members
            .iter()
            .copied()
            .filter(|entity| supports_entity_type(entity.entity_type())),
    );
    // At most one attribute per observable: room for all of them (the attributes are large,
    // and growing the list would copy them several times).
    let most = contributors.clone().map(observable_count).sum();
    event.attributes.reserve(most);
    // The attributes already in the event, by type and value (positions in `event.attributes`
    // from `first`).
    let first = event.attributes.len();
    let mut seen = ListIndex::with_capacity(most);
    // Every contributor's observables in one list, and where each contributor's run ends.
    let mut found = Vec::with_capacity(most);
    let mut runs = Vec::new();
    for entity in contributors {
        push_observables(entity, &mut found);
        runs.push((entity, found.len()));
    }
    // The mapped observables of one contributor (the list is reused for the next, sparing
    // an allocation per entity).
    let mut mapped_list = Vec::new();
    let mut comment_scratch = String::new();
    let mut start = 0;
    for (entity, end) in runs {
        let mut member = context.member(entity, &mut comment_scratch);
        for observable in found.get(start..end).unwrap_or_default() {
            match map_observable(observable) {
                Ok(mapped) => mapped_list.push(mapped),
                Err(reason) => skipped.extract(entity, observable, reason),
            }
        }
        start = end;
        let (mut objects, mut simple) = if options.objects {
            let grouped =
                crate::objects::group(&mut member, std::mem::take(&mut mapped_list), &context);
            for duplicate in &grouped.duplicates {
                skipped.extract(entity, duplicate.observable, SkipReason::Duplicate);
            }
            (grouped.objects, grouped.rest)
        } else {
            (Vec::new(), std::mem::take(&mut mapped_list))
        };
        let mut attribute_uuids = Vec::new();
        for mapped in simple.drain(..) {
            let hash = seen.hash(&(mapped.misp_type, &*mapped.value));
            let attributes = &event.attributes;
            let duplicate = seen.contains(hash, |at| {
                attributes.get(first + at).is_some_and(|attribute| {
                    attribute.attribute_type == mapped.misp_type && attribute.value == mapped.value
                })
            });
            if duplicate {
                skipped.extract(entity, mapped.observable, SkipReason::Duplicate);
            } else {
                seen.file(hash);
                let attribute = member.push_attribute(&mut event.attributes, mapped);
                // Only objects refer to the simple attributes (see `objects::link`).
                if options.objects {
                    attribute_uuids.extend(attribute.and_then(|a| a.uuid.clone()));
                }
            }
        }
        mapped_list = simple;
        crate::objects::link(&mut objects, &attribute_uuids);
        event.objects.extend(objects);
    }
    event
}

/// The event for an incident, without attributes.
fn event_shell(incident: &Entity, context: &EventContext<'_>) -> Event {
    let options = context.options;
    let info = incident
        .display_title()
        .map(one_line)
        .filter(|title| !title.is_empty())
        .unwrap_or_else(|| format!("EclecticIQ incident {}", incident.id));
    let body = incident.data.as_incident();
    let statement = |get: fn(&eiq_json::data::IncidentData) -> Option<&str>| body.and_then(get);
    let mut event = Event::new(info)
        .with_uuid(identity::event_uuid(&context.incident_id))
        .with_threat_level(markings::threat_level(statement(|b| {
            b.security_compromise.get().and_then(|s| s.value())
        })))
        .with_analysis(markings::analysis(statement(|b| {
            b.status.get().and_then(|s| s.value())
        })))
        .with_distribution(markings::distribution_for(context.event_tlp))
        .with_published(options.publish);
    if let Some(date) = incident_date(incident).or_else(|| options.date.clone()) {
        event = event.with_date(date);
    }
    if let Some(name) = &options.org_name {
        event = event.with_orgc(Org::new(name, identity::org_uuid(name)));
    }
    let mut names = Vec::new();
    if let Some(tag) = context.event_tlp.and_then(markings::tlp_tag) {
        names.push(tag.to_owned());
    }
    if options.include_tags {
        names.extend(entity_tags(incident));
    }
    for name in dedupe(names) {
        event = event.with_tag(Tag::new(name));
    }
    event
}

/// The incident's date: the first of its time coordinates (first malicious action, initial
/// compromise, discovery, opened, reported), else `meta.estimated_observed_time`, else
/// `meta.estimated_threat_start_time`, else `data.timestamp`.
fn incident_date(incident: &Entity) -> Option<String> {
    let mut candidates: Vec<&str> = Vec::new();
    if let Some(time) = incident.data.as_incident().and_then(|body| body.time.get()) {
        for point in [
            &time.first_malicious_action,
            &time.initial_compromise,
            &time.incident_discovery,
            &time.incident_opened,
            &time.incident_reported,
        ] {
            if let Some(value) = point.get().and_then(|p| p.value.get()) {
                candidates.push(value);
            }
        }
    }
    if let Some(meta) = incident.meta.get() {
        candidates.extend(meta.estimated_observed_time.get().map(String::as_str));
        candidates.extend(meta.estimated_threat_start_time.get().map(String::as_str));
    }
    if let Some(body) = incident.data.as_incident() {
        candidates.extend(body.timestamp.get().map(String::as_str));
    }
    candidates
        .into_iter()
        .find_map(markings::date_part)
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_attribute_comment_is_its_entitys_type_and_one_line_title() {
        use eiq_json::builder::{EntityBuilder, relation};
        use eiq_json::{ContentType, EntityId, Extract, Package, RelationKey};

        let id = |n: u8| EntityId::from_random_bytes([n; 16]);
        let incident = EntityBuilder::new(id(1), EntityType::INCIDENT).build();
        let long_title = format!("Long {}", "word ".repeat(12));
        let indicators = [
            // Titled (whitespace runs become one space), untitled after a titled one (the
            // comment buffer is reused and must not keep the last title), long (shared text).
            EntityBuilder::new(id(2), EntityType::INDICATOR)
                .title("  Two\n lines\tand  gaps ")
                .extract(Extract::new(ExtractKind::DOMAIN, "a.example.net")),
            EntityBuilder::new(id(3), EntityType::INDICATOR)
                .extract(Extract::new(ExtractKind::DOMAIN, "b.example.net")),
            EntityBuilder::new(id(4), EntityType::INDICATOR)
                .title(long_title.as_str())
                .extract(Extract::new(ExtractKind::DOMAIN, "c.example.net"))
                .extract(Extract::new(ExtractKind::IPV4, "192.0.2.1")),
        ]
        .map(EntityBuilder::build);
        let mut package = Package::new(ContentType::V1);
        for (n, indicator) in (10u8..).zip(&indicators) {
            package.push_entity(relation(
                id(n),
                &incident,
                RelationKey::RELATED_INDICATORS,
                indicator,
            ));
        }
        package.push_entity(incident);
        for indicator in indicators {
            package.push_entity(indicator);
        }
        let dataset = Dataset::from_packages([&package]);
        let outcome = map_dataset(&dataset, &MappingOptions::default());
        let [event] = outcome.events.as_slice() else {
            panic!("one event expected: {:?}", outcome.events.len());
        };
        let comments: Vec<(&str, Option<&str>)> = event
            .attributes
            .iter()
            .map(|a| (&*a.value, a.comment.as_deref()))
            .collect();
        let long_comment = format!("indicator: {}", long_title.trim_end());
        assert_eq!(
            comments,
            [
                ("a.example.net", Some("indicator: Two lines and gaps")),
                ("b.example.net", Some("indicator")),
                ("c.example.net", Some(long_comment.as_str())),
                ("192.0.2.1", Some(long_comment.as_str())),
            ]
        );
        let long = event.attributes.get(2).and_then(|a| a.comment.as_ref());
        assert!(long.is_some_and(|text| !text.is_inline()), "{long:?}");
    }

    #[test]
    fn supported_entity_types_are_the_stix_families() {
        let known = EntityType::KNOWN.iter();
        for entity_type in known.chain(&[EntityType::new("relation"), EntityType::new("x")]) {
            let in_families =
                EntityType::STIX1.contains(entity_type) || EntityType::STIX21.contains(entity_type);
            assert_eq!(
                supports_entity_type(entity_type),
                in_families,
                "{entity_type}"
            );
            assert!(!supports_entity_type(&entity_type.stub()));
        }
    }

    #[test]
    fn an_extract_without_hints_takes_the_table_pair_as_describe_types_would() {
        let targets = kinds::KIND_TABLE.iter().flat_map(|rule| {
            let default = match rule.default {
                kinds::KindTarget::Attribute(target) => Some(target),
                kinds::KindTarget::Unsupported(_) => None,
            };
            default.into_iter().chain(rule.targeted_victim)
        });
        for target in targets {
            let kind = ExtractKind::new("any");
            let observable = Observable {
                kind: &kind,
                value: Cow::Borrowed("v"),
                classification: Classification::Unknown,
                confidence: None,
                link_types: &[],
                misp_type: None,
                misp_category: None,
            };
            assert_eq!(
                type_and_category(&observable, target),
                hinted_type_and_category(&observable, target),
                "{target:?}"
            );
        }
    }

    #[test]
    fn each_skipped_item_is_reported_once() {
        use eiq_json::builder::{EntityBuilder, relation};
        use eiq_json::{EntityId, Extract, RelationKey};

        let id = |n: u8| EntityId::from_random_bytes([n; 16]);
        let first = EntityBuilder::new(id(1), EntityType::INCIDENT).build();
        let second = EntityBuilder::new(id(2), EntityType::INCIDENT).build();
        let indicator = EntityBuilder::new(id(3), EntityType::INDICATOR)
            .extract(Extract::new(ExtractKind::new("geo"), "52.1,4.3"))
            .extract(Extract::new(ExtractKind::DOMAIN, "a.example.com"))
            .extract(Extract::new(ExtractKind::DOMAIN, "a.example.com"))
            .build();
        // The same id three times: the later two are ignored, and reported once.
        let copy = EntityBuilder::new(id(3), EntityType::INDICATOR).build();
        let entities = [
            relation(id(4), &first, RelationKey::RELATED_INDICATORS, &indicator),
            relation(id(5), &second, RelationKey::RELATED_INDICATORS, &indicator),
            first,
            second,
            indicator,
            copy.clone(),
            copy,
        ];
        let outcome = map_dataset(
            &Dataset::from_entities(&entities),
            &MappingOptions::default(),
        );
        assert_eq!(outcome.events.len(), 2);
        for event in &outcome.events {
            assert_eq!(event.attributes.len(), 1);
        }
        let reasons: Vec<(Option<&str>, &SkipReason)> = outcome
            .skipped
            .iter()
            .map(|item| (item.extract.as_ref().map(|e| e.kind.as_str()), &item.reason))
            .collect();
        assert_eq!(
            reasons,
            [
                (None, &SkipReason::Duplicate),
                (Some("geo"), &SkipReason::UnsupportedExtractKind),
                (Some("domain"), &SkipReason::Duplicate),
            ]
        );
    }

    #[test]
    fn an_extract_left_out_of_an_object_as_a_duplicate_is_reported() {
        use eiq_json::builder::{EntityBuilder, relation};
        use eiq_json::{EntityId, Extract, RelationKey};

        let id = |n: u8| EntityId::from_random_bytes([n; 16]);
        let incident = EntityBuilder::new(id(1), EntityType::INCIDENT).build();
        // The address twice (the second with a space that the value check trims): one `ip`
        // slot of the ip-port object, and the other copy is a duplicate.
        let indicator = EntityBuilder::new(id(2), EntityType::INDICATOR)
            .extract(Extract::new(ExtractKind::IPV4, "198.51.100.7"))
            .extract(Extract::new(ExtractKind::PORT, "443"))
            .extract(Extract::new(ExtractKind::IPV4, "198.51.100.7 "))
            .build();
        let entities = [
            relation(
                id(3),
                &incident,
                RelationKey::RELATED_INDICATORS,
                &indicator,
            ),
            incident,
            indicator,
        ];
        let dataset = Dataset::from_entities(&entities);
        for objects in [false, true] {
            let outcome = map_dataset(&dataset, &MappingOptions::default().with_objects(objects));
            let event = &outcome.events[0];
            assert_eq!(event.all_attributes().count(), 2, "objects: {objects}");
            assert_eq!(event.objects.len(), usize::from(objects));
            let skipped: Vec<(&str, &SkipReason)> = outcome
                .skipped
                .iter()
                .filter_map(|item| Some((item.extract.as_ref()?.value.as_str(), &item.reason)))
                .collect();
            assert_eq!(
                skipped,
                [("198.51.100.7 ", &SkipReason::Duplicate)],
                "objects: {objects}"
            );
        }
    }

    #[test]
    fn one_line_is_the_words_joined_by_single_spaces_for_any_text() {
        proptest::proptest!(|(text in "[ a-z\t\n\u{a0}é~]{0,12}")| {
            proptest::prop_assert_eq!(
                one_line(&text),
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            );
        });
    }

    #[test]
    fn one_line_joins_words_with_single_spaces() {
        for (text, line) in [
            ("Phishing wave", "Phishing wave"),
            ("", ""),
            (
                "  padded\ttitle \r\n two  spaces ",
                "padded title two spaces",
            ),
            ("non\u{a0}breaking é", "non breaking é"),
            ("a  b", "a b"),
            (" lead", "lead"),
            ("trail ", "trail"),
        ] {
            assert_eq!(one_line(text), line, "{text:?}");
            assert_eq!(
                one_line(text),
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            );
        }
    }
}
