//! Incoming: MISP events → one EclecticIQ JSON package.
//!
//! Each event becomes an `incident` (title = `info`); its top-level attributes become the
//! extracts of one `indicator`, and each object's attributes the extracts of one more
//! `indicator` (title = the object name), each linked to the incident by a
//! `related_indicators` relation. Extract kinds come from the reverse table
//! ([`crate::kinds::kind_for_type`]); each extract remembers its MISP type and category in
//! `extra` (`misp_type`, `misp_category`) so that mapping it back gives the same attribute type.
//!
//! * **TLP**: from the event's `tlp:` tag when [`IncomingOptions::prioritize_tlp_tag`] (the
//!   default) and one is present, else from the distribution by the table in
//!   [`crate::markings`].
//! * **Tags** (when [`IncomingOptions::include_tags`], the default): event tags other than
//!   `tlp:` go to the incident; attribute tags to their indicator.
//! * **`to_ids`**: `true` → classification `bad` with link type `test-mechanism`; `false` →
//!   `unknown` with link type `observed`; the confidence comes from an
//!   `estimative-language:confidence-in-analytic-judgment` tag when present. Mapping back gives
//!   the same `to_ids`.
//! * **Threat level and analysis** are kept in the incident as `security_compromise` and
//!   `status` (table in [`crate::markings`]); the date as `time.first_malicious_action`.
//!
//! Attributes of a type with no extract kind, and soft-deleted attributes, are listed in
//! [`IncomingOutcome::skipped`].
//!
//! ```
//! use feed_mapping::incoming::{IncomingOptions, map_events};
//! use misp_model::{Attribute, Event, ThreatLevel};
//!
//! let event = Event::new("Phishing wave")
//!     .with_uuid("8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e")
//!     .with_threat_level(ThreatLevel::High)
//!     .with_attribute(Attribute::new("ip-src", "203.0.113.7").with_to_ids(true))
//!     .with_attribute(Attribute::new("comment", "seen twice"));
//! let outcome = map_events(&[event], &IncomingOptions::default());
//! let entities = outcome.package.entities();
//! assert_eq!(entities[0].id.as_str(), "8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e");
//! assert_eq!(entities[1].extracts()[0].kind.as_str(), "ipv4");
//! assert_eq!(outcome.skipped[0].attribute_type, "comment");
//! ```

use std::collections::HashSet;

use eiq_json::builder::{EntityBuilder, relation};
use eiq_json::data::{IncidentData, IncidentTime, PreciseTime, Statement};
use eiq_json::{
    Classification, ContentType, Entity, EntityData, EntityId, EntityType, Extract,
    ExtractConfidence, Field, LinkType, Package, RelationKey, Tlp,
};
use misp_model::{Attribute, Event, Tag};
use serde_json::Value;

use crate::identity;
use crate::kinds;
use crate::markings;
use crate::outgoing::{MISP_CATEGORY_MEMBER, MISP_TYPE_MEMBER};

/// Settings of the incoming mapping, mirroring the platform's incoming MISP feed options.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct IncomingOptions {
    /// Keep event and attribute tags as entity tags (default true).
    pub include_tags: bool,
    /// Take the TLP from a `tlp:` tag before the distribution (default true).
    pub prioritize_tlp_tag: bool,
}

impl Default for IncomingOptions {
    fn default() -> Self {
        Self {
            include_tags: true,
            prioritize_tlp_tag: true,
        }
    }
}

impl IncomingOptions {
    /// The same options with tags kept or not.
    #[must_use]
    pub fn with_include_tags(mut self, include_tags: bool) -> Self {
        self.include_tags = include_tags;
        self
    }

    /// The same options with the TLP tag prioritised over the distribution or not.
    #[must_use]
    pub fn with_prioritize_tlp_tag(mut self, prioritize: bool) -> Self {
        self.prioritize_tlp_tag = prioritize;
        self
    }
}

/// A MISP attribute the incoming mapping did not turn into an extract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingSkipped {
    /// The event's UUID (or the incident id derived for an event without one).
    pub event: String,
    /// The attribute's UUID, if it has one.
    pub attribute_uuid: Option<String>,
    /// The attribute type.
    pub attribute_type: String,
    /// The value.
    pub value: String,
    /// Why, as one short clause.
    pub reason: String,
}

/// The package and what was left out.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct IncomingOutcome {
    /// One package with an incident (and its indicators and relations) per event.
    pub package: Package,
    /// Attributes not mapped, with the reason.
    pub skipped: Vec<IncomingSkipped>,
}

/// Maps MISP events to one package: each event becomes an incident with its attributes as
/// indicators' extracts (what is left out: [`map_events`]).
pub fn events_to_package(events: &[Event], options: &IncomingOptions) -> Package {
    map_events(events, options).package
}

/// Maps MISP events to one package and lists the attributes that have no extract kind.
pub fn map_events(events: &[Event], options: &IncomingOptions) -> IncomingOutcome {
    let mut package = Package::new(ContentType::V1);
    let mut skipped = Vec::new();
    for event in events {
        for entity in map_event(event, options, &mut skipped) {
            package.push_entity(entity);
        }
    }
    package.update_entity_counts();
    IncomingOutcome { package, skipped }
}

fn event_tlp(event: &Event, options: &IncomingOptions) -> Option<Tlp> {
    let from_tag = || {
        event
            .tags
            .iter()
            .find_map(|tag| markings::tlp_from_tag(&tag.name))
    };
    let from_distribution = || event.distribution.and_then(markings::tlp_for_distribution);
    if options.prioritize_tlp_tag {
        from_tag().or_else(from_distribution)
    } else {
        from_distribution().or_else(from_tag)
    }
}

fn plain_tags(tags: &[Tag]) -> impl Iterator<Item = &str> {
    tags.iter()
        .map(|tag| tag.name.as_str())
        .filter(|name| markings::tlp_from_tag(name).is_none() && !name.trim().is_empty())
}

fn map_event(
    event: &Event,
    options: &IncomingOptions,
    skipped: &mut Vec<IncomingSkipped>,
) -> Vec<Entity> {
    let incident_id = event
        .uuid
        .as_deref()
        .and_then(|uuid| EntityId::new(uuid.to_ascii_lowercase()).ok())
        .unwrap_or_else(|| {
            identity::entity_id(&format!(
                "misp/event/{}",
                String::from_utf8_lossy(&event.to_json())
            ))
        });
    let key = incident_id.as_str().to_owned();
    let tlp = event_tlp(event, options);

    let mut body = IncidentData {
        title: Field::Present(event.info.clone()),
        ..IncidentData::default()
    };
    if let Some(level) = event.threat_level {
        body.security_compromise =
            Field::Present(Statement::new(markings::security_compromise(level)));
    }
    if let Some(analysis) = event.analysis {
        body.status = Field::Present(Statement::new(markings::status(analysis)));
    }
    if let Some(date) = &event.date {
        body.time = Field::Present(Box::new(IncidentTime {
            first_malicious_action: Field::Present(PreciseTime {
                value: Field::Present(date.clone()),
                precision: Field::Present("day".into()),
                ..PreciseTime::default()
            }),
            ..IncidentTime::default()
        }));
    }
    let mut incident = EntityBuilder::with_data(incident_id, EntityData::Incident(Box::new(body)));
    if let Some(tlp) = tlp {
        incident = incident.tlp(tlp);
    }
    if options.include_tags {
        for name in plain_tags(&event.tags) {
            incident = incident.tag(name);
        }
    }
    let incident = incident.build();

    let mut groups: Vec<(String, Vec<&Attribute>)> = Vec::new();
    if !event.attributes.is_empty() {
        groups.push((
            format!("{} (attributes)", event.info),
            event.attributes.iter().collect(),
        ));
    }
    for object in &event.objects {
        groups.push((
            format!("{} ({} object)", event.info, object.name),
            object.attributes.iter().collect(),
        ));
    }

    let mut entities = vec![];
    let mut relations = vec![];
    for (index, (title, attributes)) in groups.into_iter().enumerate() {
        let mut builder = EntityBuilder::new(
            identity::entity_id(&format!("misp/{key}/indicator/{index}")),
            EntityType::INDICATOR,
        )
        .title(title);
        if let Some(tlp) = tlp {
            builder = builder.tlp(tlp);
        }
        let mut tags = HashSet::new();
        let mut any = false;
        for attribute in attributes {
            match extract_for(attribute) {
                Ok(extract) => {
                    any = true;
                    builder = builder.extract(extract);
                    if options.include_tags {
                        for name in plain_tags(&attribute.tags) {
                            if tags.insert(name.to_owned()) {
                                builder = builder.tag(name);
                            }
                        }
                    }
                }
                Err(reason) => skipped.push(IncomingSkipped {
                    event: key.clone(),
                    attribute_uuid: attribute.uuid.as_ref().map(String::from),
                    attribute_type: attribute.attribute_type.clone().into_owned(),
                    value: String::from(&attribute.value),
                    reason,
                }),
            }
        }
        if !any {
            continue;
        }
        let indicator = builder.build();
        relations.push(relation(
            identity::entity_id(&format!("misp/{key}/relation/{index}")),
            &incident,
            RelationKey::RELATED_INDICATORS,
            &indicator,
        ));
        entities.push(indicator);
    }
    let mut all = vec![incident];
    all.extend(entities);
    all.extend(relations);
    all
}

fn extract_for(attribute: &Attribute) -> Result<Extract, String> {
    if attribute.is_deleted() {
        return Err("soft-deleted attribute".into());
    }
    let Some(kind) = kinds::kind_for_type(&attribute.attribute_type, &attribute.value) else {
        return Err(format!(
            "MISP type `{}` has no EclecticIQ extract kind",
            attribute.attribute_type
        ));
    };
    let to_ids = attribute.to_ids.unwrap_or(false);
    let mut extract = Extract::new(kind, attribute.value.as_str());
    if to_ids {
        extract = extract
            .with_classification(Classification::Bad)
            .with_link_type(LinkType::TEST_MECHANISM);
    } else {
        extract = extract
            .with_classification(Classification::Unknown)
            .with_link_type(LinkType::OBSERVED);
    }
    if let Some(confidence) = attribute.tags.iter().find_map(|t| confidence_of(&t.name)) {
        extract = extract.with_confidence(confidence);
    }
    extract.extra.insert(
        MISP_TYPE_MEMBER.into(),
        Value::String(attribute.attribute_type.clone().into_owned()),
    );
    if let Some(category) = &attribute.category {
        extract.extra.insert(
            MISP_CATEGORY_MEMBER.into(),
            Value::String(category.clone().into_owned()),
        );
    }
    Ok(extract)
}

fn confidence_of(tag: &str) -> Option<ExtractConfidence> {
    let value = tag.strip_prefix("estimative-language:confidence-in-analytic-judgment=")?;
    match value.trim_matches('"') {
        "low" => Some(ExtractConfidence::Low),
        "moderate" => Some(ExtractConfidence::Medium),
        "high" => Some(ExtractConfidence::High),
        _ => None,
    }
}
