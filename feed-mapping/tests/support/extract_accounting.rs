//! The extract-level "nothing dropped silently" check of the outgoing mapping, in one place for
//! the property tests (`mapping_properties.rs`) and the `mapping` fuzz target, which includes
//! this file with `#[path]` (the fuzz crate cannot depend on feed-mapping's tests).
//!
//! It finds the entities that contribute to each event through `Dataset::linked_incidents`,
//! not through the mapping's own member query, and recomputes each attribute's UUID and value
//! with the public `identity` and `kinds` functions.

use std::collections::HashMap;

use eiq_json::{Dataset, Entity, EntityType, ExtractKind};
use feed_mapping::identity::{attribute_uuid, event_uuid};
use feed_mapping::kinds::check_value;
use feed_mapping::outgoing::{MappingOutcome, supports_entity_type};
use misp_model::{Attribute, Event};

/// Checks that every extract of an entity contributing to an event (the incident itself, or an
/// entity of a supported type linked to it) is an attribute of that event, simple or in an
/// object (its UUID names the entity, its value is the extract's after the value check), or
/// is listed in `skipped` under its entity, kind and value as written; and that the extracts
/// no skipped item names are no more than the entity's attributes in that event (a second
/// extract with one value is a reported duplicate, not dropped). The error says which.
pub(crate) fn every_extract_accounted_for(
    dataset: &Dataset<'_>,
    outcome: &MappingOutcome,
) -> Result<(), String> {
    let events: HashMap<String, &Event> = outcome
        .events
        .iter()
        .filter_map(|event| Some((event.uuid.clone()?, event)))
        .collect();
    for entity in dataset.entities() {
        let mut incidents: Vec<&Entity> = Vec::new();
        if supports_entity_type(entity.entity_type()) {
            incidents.extend(
                dataset
                    .linked_incidents(&entity.id)
                    .into_iter()
                    .map(|linked| linked.entity),
            );
        }
        if entity.entity_type() == &EntityType::INCIDENT {
            incidents.push(entity);
        }
        for incident in incidents {
            let event = events
                .get(&event_uuid(incident.id.as_str()))
                .ok_or_else(|| format!("no event for incident {}", incident.id))?;
            check_entity(entity, incident, event, outcome)?;
        }
    }
    Ok(())
}

/// The check for one contributing entity in its incident's event.
fn check_entity(
    entity: &Entity,
    incident: &Entity,
    event: &Event,
    outcome: &MappingOutcome,
) -> Result<(), String> {
    // The entity's attributes in this event: their UUID names the entity.
    let own: Vec<&Attribute> = event
        .all_attributes()
        .filter(|a| {
            a.uuid.as_deref()
                == Some(
                    attribute_uuid(
                        incident.id.as_str(),
                        entity.id.as_str(),
                        &a.attribute_type,
                        &a.value,
                    )
                    .as_str(),
                )
        })
        .collect();
    let found = extracts(entity);
    let mut reported = 0;
    for (kind, value) in &found {
        let skipped = outcome.skipped.iter().any(|item| {
            item.entity_id == entity.id.as_str()
                && item
                    .extract
                    .as_ref()
                    .is_some_and(|e| e.kind == **kind && e.value == *value)
        });
        reported += usize::from(skipped);
        let mapped = own
            .iter()
            .any(|a| check_value(&a.attribute_type, value).as_deref() == Ok(&*a.value));
        if !skipped && !mapped {
            return Err(format!(
                "extract {kind} {value:?} of {} is in neither event {:?} nor skipped\n{:?}",
                entity.id, event.uuid, outcome.skipped
            ));
        }
    }
    // Each extract that no skipped item names is an attribute of its own (two extracts with
    // one value are one attribute and a reported duplicate).
    let unreported = found.len() - reported;
    if unreported > own.len() {
        return Err(format!(
            "{unreported} of the {} extracts of {} are not reported, but only {} attributes are \
             theirs in event {:?}\n{:?}",
            found.len(),
            entity.id,
            own.len(),
            event.uuid,
            outcome.skipped
        ));
    }
    Ok(())
}

/// Every extract of `entity` (extracts, enrichment extracts, then `meta`'s manual and bundled
/// extracts): its kind and its value as text.
fn extracts(entity: &Entity) -> Vec<(&ExtractKind, String)> {
    let mut found: Vec<(&ExtractKind, String)> = entity
        .extracts()
        .iter()
        .chain(entity.enrichment_extracts())
        .map(|e| (&e.kind, e.value.as_text().into_owned()))
        .collect();
    if let Some(meta) = entity.meta.get() {
        for manual in meta.manual_extracts.get().into_iter().flatten() {
            found.push((&manual.kind, manual.value.as_text().into_owned()));
        }
        for bundled in meta.bundled_extracts.get().into_iter().flatten() {
            found.push((&bundled.kind, bundled.value.as_text().into_owned()));
        }
    }
    found
}
