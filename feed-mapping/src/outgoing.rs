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
//! value; the later one is reported as [`SkipReason::Duplicate`].
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

use std::collections::{HashMap, HashSet};
use std::fmt;

use eiq_json::graph::{DanglingReason, Dataset, Endpoint};
use eiq_json::{
    Classification, Entity, EntityType, ExtractConfidence, ExtractKind, LinkType, Tlp,
    reference_uuid,
};
use misp_model::{Attribute, Distribution, Event, Org, Tag};
use serde_json::{Value, json};

use crate::identity;
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
        let events: Vec<Value> = self
            .events
            .iter()
            .map(|event| {
                json!({
                    "uuid": event.uuid,
                    "info": event.info,
                    "attributes": event.attributes.len(),
                    "objects": event.objects.len(),
                })
            })
            .collect();
        let skipped: Vec<Value> = self.skipped.iter().map(Skipped::to_json).collect();
        json!({ "events": events, "skipped": skipped })
    }
}

/// An entity, or one extract of an entity, that was not mapped.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Skipped {
    /// The entity's id.
    pub entity_id: String,
    /// The entity's type (`data.type`).
    pub entity_type: String,
    /// The extract, when only that extract was skipped.
    pub extract: Option<SkippedExtract>,
    /// Why.
    pub reason: SkipReason,
}

impl Skipped {
    /// This item as one entry of `report.json`.
    pub fn to_json(&self) -> Value {
        let mut entry = json!({
            "entity_id": self.entity_id,
            "entity_type": self.entity_type,
        });
        if let (Some(extract), Value::Object(map)) = (&self.extract, &mut entry) {
            map.insert(
                "extract".into(),
                json!({ "kind": extract.kind, "value": extract.value }),
            );
        }
        if let Value::Object(map) = &mut entry {
            map.insert("reason".into(), Value::String(self.reason.code().into()));
            let mut detail = self.reason.to_string();
            if self.reason == SkipReason::UnsupportedExtractKind
                && let Some(extract) = &self.extract
                && let Some(kinds::KindTarget::Unsupported(why)) =
                    kinds::rule(&ExtractKind::new(extract.kind.as_str())).map(|rule| rule.default)
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
    /// Its kind, e.g. `geo`.
    pub kind: String,
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
    /// The same attribute (type and value) is already in the event, or the entity's id is
    /// already taken by an earlier entity of the dataset.
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
pub fn map_dataset(dataset: &Dataset<'_>, options: &MappingOptions) -> MappingOutcome {
    let mut skipped = Skips::default();
    report_entities(dataset, &mut skipped);
    let mut events = Vec::new();
    for incident in dataset.incidents() {
        events.push(map_incident(dataset, incident, options, &mut skipped));
    }
    MappingOutcome {
        events,
        skipped: skipped.list,
    }
}

/// The skipped items, each once, in the order found.
#[derive(Default)]
pub(crate) struct Skips {
    list: Vec<Skipped>,
    seen: HashSet<Skipped>,
}

impl Skips {
    pub(crate) fn push(&mut self, item: Skipped) {
        if self.seen.insert(item.clone()) {
            self.list.push(item);
        }
    }

    pub(crate) fn entity(&mut self, entity: &Entity, reason: SkipReason) {
        self.push(Skipped {
            entity_id: entity.id.as_str().to_owned(),
            entity_type: entity.entity_type().as_str().to_owned(),
            extract: None,
            reason,
        });
    }

    pub(crate) fn extract(&mut self, entity: &Entity, observable: &Observable, reason: SkipReason) {
        self.push(Skipped {
            entity_id: entity.id.as_str().to_owned(),
            entity_type: entity.entity_type().as_str().to_owned(),
            extract: Some(SkippedExtract {
                kind: observable.kind.as_str().to_owned(),
                value: observable.value.clone(),
            }),
            reason,
        });
    }
}

/// Whether the mapping takes extracts from entities of this type: the IC 2.x types and the
/// IC 3.x STIX 2.1-style ones (not relations, stubs or unknown types).
pub fn supports_entity_type(entity_type: &EntityType) -> bool {
    EntityType::STIX1.contains(entity_type) || EntityType::STIX21.contains(entity_type)
}

/// Entity-level reasons: stubs, unsupported types, unlinked entities, linked entities without
/// extracts, dangling references and duplicate ids.
fn report_entities(dataset: &Dataset<'_>, skipped: &mut Skips) {
    let outside = incidents_outside(dataset);
    for entity in dataset.entities() {
        let entity_type = entity.entity_type();
        if entity.is_relation() || entity_type == &EntityType::INCIDENT {
            continue;
        }
        if entity.is_stub() {
            skipped.entity(entity, SkipReason::ReferenceStub);
            continue;
        }
        if !supports_entity_type(entity_type) {
            skipped.entity(entity, SkipReason::UnsupportedEntityType);
            continue;
        }
        if dataset.linked_incidents(&entity.id).is_empty() {
            let reason = match outside.get(&entity.id.uuid()) {
                Some(incident) => SkipReason::IncidentOutsideDataset {
                    incident: incident.clone(),
                },
                None => SkipReason::NoIncident,
            };
            skipped.entity(entity, reason);
        } else if observables(entity).is_empty() {
            skipped.entity(entity, SkipReason::NoObservables);
        }
    }
    for dangling in dataset.dangling() {
        if matches!(
            dangling.reason,
            DanglingReason::NotInDataset | DanglingReason::NotAReference
        ) {
            skipped.entity(
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

/// One extract of an entity, whichever list it came from.
#[derive(Debug, Clone)]
pub(crate) struct Observable {
    pub(crate) kind: ExtractKind,
    pub(crate) value: String,
    pub(crate) classification: Classification,
    pub(crate) confidence: Option<ExtractConfidence>,
    pub(crate) link_types: Vec<LinkType>,
    /// The MISP type an extract read from MISP remembers (`extra.misp_type`).
    pub(crate) misp_type: Option<String>,
    /// The MISP category an extract read from MISP remembers (`extra.misp_category`).
    pub(crate) misp_category: Option<String>,
}

/// The member of an extract's `extra` where the incoming mapping keeps the MISP type.
pub const MISP_TYPE_MEMBER: &str = "misp_type";
/// The member of an extract's `extra` where the incoming mapping keeps the MISP category.
pub const MISP_CATEGORY_MEMBER: &str = "misp_category";

pub(crate) fn observables(entity: &Entity) -> Vec<Observable> {
    let text = |extra: &serde_json::Map<String, Value>, key: &str| {
        extra.get(key).and_then(Value::as_str).map(str::to_owned)
    };
    let mut list = Vec::new();
    for extract in entity.extracts().iter().chain(entity.enrichment_extracts()) {
        list.push(Observable {
            kind: extract.kind.clone(),
            value: extract.value.as_text().into_owned(),
            classification: extract.classification(),
            confidence: extract.confidence(),
            link_types: extract.link_types().to_vec(),
            misp_type: text(&extract.extra, MISP_TYPE_MEMBER),
            misp_category: text(&extract.extra, MISP_CATEGORY_MEMBER),
        });
    }
    if let Some(meta) = entity.meta.get() {
        for manual in meta.manual_extracts.get().into_iter().flatten() {
            list.push(Observable {
                kind: manual.kind.clone(),
                value: manual.value.as_text().into_owned(),
                classification: manual
                    .classification
                    .get()
                    .copied()
                    .unwrap_or(Classification::Unknown),
                confidence: manual.confidence.get().copied(),
                link_types: manual.link_type.get().cloned().into_iter().collect(),
                misp_type: None,
                misp_category: None,
            });
        }
        for bundled in meta.bundled_extracts.get().into_iter().flatten() {
            list.push(Observable {
                kind: bundled.kind.clone(),
                value: bundled.value.as_text().into_owned(),
                classification: Classification::Unknown,
                confidence: None,
                link_types: Vec::new(),
                misp_type: None,
                misp_category: None,
            });
        }
    }
    list
}

/// An observable with its MISP type, category and checked value.
#[derive(Debug, Clone)]
pub(crate) struct Mapped {
    pub(crate) observable: Observable,
    pub(crate) misp_type: String,
    pub(crate) category: String,
    pub(crate) value: String,
}

/// The MISP form of one observable, or why it has none.
pub(crate) fn map_observable(observable: &Observable) -> Result<Mapped, SkipReason> {
    let target = match kinds::target(&observable.kind, &observable.link_types) {
        Ok(target) => target,
        Err(Unmappable::Kind(_)) => {
            let needs_victim =
                kinds::rule(&observable.kind).is_some_and(|rule| rule.targeted_victim.is_some());
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
    // An extract that came from MISP keeps its original type when that type maps back to the
    // same kind (ip-src stays ip-src), and its category when the type allows it.
    let table = misp_model::describe_types::DescribeTypes::builtin();
    let misp_type = observable
        .misp_type
        .as_deref()
        .filter(|hint| {
            table.is_known_type(hint)
                && kinds::kind_for_type(hint, &observable.value).as_ref() == Some(&observable.kind)
        })
        .unwrap_or(target.misp_type)
        .to_owned();
    let category = observable
        .misp_category
        .as_deref()
        .filter(|hint| table.category_allows(hint, &misp_type))
        .or_else(|| {
            table
                .category_allows(target.category, &misp_type)
                .then_some(target.category)
        })
        .or_else(|| {
            table
                .defaults(&misp_type)
                .map(|d| d.default_category.as_str())
        })
        .unwrap_or(target.category)
        .to_owned();
    let value = kinds::check_value(&misp_type, &observable.value)
        .map_err(|why| SkipReason::InvalidValue { why })?;
    Ok(Mapped {
        observable: observable.clone(),
        misp_type,
        category,
        value,
    })
}

/// What every item of one incident's event shares.
pub(crate) struct EventContext<'a> {
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

    /// The attribute for a mapped observable of `entity`.
    pub(crate) fn attribute(&self, entity: &Entity, mapped: &Mapped) -> Attribute {
        let uuid = identity::attribute_uuid(
            &self.incident_id,
            entity.id.as_str(),
            &mapped.misp_type,
            &mapped.value,
        );
        let observable = &mapped.observable;
        let mut attribute = Attribute::new(&mapped.misp_type, &mapped.value)
            .with_uuid(uuid)
            .with_category(&mapped.category)
            .with_to_ids(markings::to_ids(
                observable.classification,
                observable.confidence,
            ))
            .with_distribution(self.distribution(entity))
            .with_comment(comment(entity));
        let entity_tlp = entity.tlp();
        if entity_tlp.is_some()
            && entity_tlp != self.event_tlp
            && let Some(tag) = entity_tlp.and_then(markings::tlp_tag)
        {
            attribute = attribute.with_tag(Tag::new(tag));
        }
        if self.options.include_tags {
            let mut names = entity_tags(entity);
            if let Some(confidence) = observable.confidence {
                names.push(confidence_tag(confidence));
            }
            for name in dedupe(names) {
                attribute = attribute.with_tag(Tag::new(name));
            }
        }
        attribute
    }
}

fn comment(entity: &Entity) -> String {
    match entity.display_title() {
        Some(title) => format!("{}: {}", entity.entity_type(), one_line(title)),
        None => entity.entity_type().as_str().to_owned(),
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
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
    let members = dataset.incident_members(&incident.id);
    let contributors = std::iter::once(incident).chain(
        members
            .iter()
            .map(|linked| linked.entity)
            .filter(|entity| supports_entity_type(entity.entity_type())),
    );
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for entity in contributors {
        let mut mapped_list = Vec::new();
        for observable in observables(entity) {
            match map_observable(&observable) {
                Ok(mapped) => mapped_list.push(mapped),
                Err(reason) => skipped.extract(entity, &observable, reason),
            }
        }
        let (mut objects, simple) = if options.objects {
            let grouped = crate::objects::group(entity, mapped_list, &context);
            (grouped.objects, grouped.rest)
        } else {
            (Vec::new(), mapped_list)
        };
        let mut attribute_uuids = Vec::new();
        for mapped in simple {
            if seen.insert((mapped.misp_type.clone(), mapped.value.clone())) {
                let attribute = context.attribute(entity, &mapped);
                attribute_uuids.extend(attribute.uuid.clone());
                event.attributes.push(attribute);
            } else {
                skipped.extract(entity, &mapped.observable, SkipReason::Duplicate);
            }
        }
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
