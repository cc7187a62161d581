//! Outgoing: a dataset of EclecticIQ JSON entities → one MISP event per incident.
//!
//! Skeleton of the contract; the mapping rules are filled in by the following commits.

use std::fmt;

use eiq_json::graph::Dataset;
use misp_model::Event;
use serde_json::{Value, json};

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
#[derive(Debug, Clone, PartialEq, Eq)]
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
            map.insert("detail".into(), Value::String(self.reason.to_string()));
        }
        entry
    }
}

/// The extract a [`Skipped`] item names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedExtract {
    /// Its kind, e.g. `geo`.
    pub kind: String,
    /// Its value as text.
    pub value: String,
}

/// Why an entity or extract was not mapped.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// The same attribute is already in the event.
    Duplicate,
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
            Self::Duplicate => f.write_str("same attribute already in the event"),
        }
    }
}

/// Maps a dataset to one MISP event per incident. Never fails: what cannot be mapped is listed
/// in [`MappingOutcome::skipped`].
pub fn map_dataset(dataset: &Dataset<'_>, options: &MappingOptions) -> MappingOutcome {
    let _ = (dataset, options);
    MappingOutcome::default()
}
