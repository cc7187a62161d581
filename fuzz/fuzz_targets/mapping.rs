//! Any bytes through the EclecticIQ JSON → MISP mapping: whatever `eiq_json` accepts as a
//! package (or a bare entity) is made a dataset and mapped with `feed_mapping::map_dataset`.
//!
//! Properties checked (from `feed_mapping::outgoing`'s documented rules):
//! - `map_dataset` never panics (it reports what it cannot map instead of failing);
//! - one event per incident of the dataset, each with a UUID;
//! - every entity that is neither an incident nor a relation, and that is a reference stub,
//!   of a type the mapping does not support, or linked to no incident of the dataset, is
//!   listed in `skipped` under its id with an entity-level reason;
//! - every extract of an entity that contributes to an event (the incident, or an entity of a
//!   supported type linked to it) is an attribute of that event (simple or in an object, its
//!   UUID naming the entity, its value the extract's after the value check) or is listed in
//!   `skipped` under its entity, kind and value as written, and the extracts no skipped item
//!   names are no more than the attributes the entity has in that event (a second extract
//!   with the same value is a reported duplicate, not dropped): nothing is dropped silently;
//! - mapping the same dataset twice gives identical outcomes (events and skipped list), also
//!   with tags and objects mode on;
//! - taking the events one at a time (`map_dataset_events`) gives the same events, and its
//!   skipped list is always the start of the whole one.

#![no_main]

use std::collections::HashMap;

use eiq_json::graph::Dataset;
use eiq_json::{Document, Entity, EntityType, ExtractKind};
use feed_mapping::identity::{attribute_uuid, event_uuid};
use feed_mapping::kinds::check_value;
use feed_mapping::outgoing::{
    MappingOptions, MappingOutcome, map_dataset, map_dataset_events, supports_entity_type,
};
use misp_model::{Attribute, Event};
use libfuzzer_sys::fuzz_target;

fn check(dataset: &Dataset<'_>, options: &MappingOptions) {
    let outcome = map_dataset(dataset, options);
    let again = map_dataset(dataset, options);
    assert_eq!(outcome, again, "mapping the same dataset twice differed");

    let mut one_by_one = map_dataset_events(dataset, options);
    let mut taken = 0;
    while let Some(event) = one_by_one.next() {
        assert_eq!(
            Some(&event),
            outcome.events.get(taken),
            "event {taken} differed"
        );
        taken += 1;
        let so_far = one_by_one.skipped();
        assert_eq!(
            Some(so_far),
            outcome.skipped.get(..so_far.len()),
            "the skips so far are not the start of the whole list"
        );
    }
    assert_eq!(taken, outcome.events.len());
    assert_eq!(one_by_one.into_skipped(), outcome.skipped);

    let incidents = dataset.incidents().count();
    assert_eq!(
        outcome.events.len(),
        incidents,
        "{} events for {incidents} incidents",
        outcome.events.len()
    );
    for event in &outcome.events {
        assert!(event.uuid.is_some(), "an event without a UUID: {event:?}");
    }
    check_extracts(dataset, &outcome);

    for entity in dataset.entities() {
        if entity.is_relation() || entity.entity_type() == &EntityType::INCIDENT {
            continue;
        }
        let must_report = entity.is_stub()
            || !supports_entity_type(entity.entity_type())
            || dataset.linked_incidents(&entity.id).is_empty();
        if must_report {
            assert!(
                reported(&outcome, entity.id.as_str()),
                "entity {} ({}) is mapped nowhere and not reported\n{:?}",
                entity.id.as_str(),
                entity.entity_type().as_str(),
                outcome.skipped
            );
        }
    }
}

/// Every extract of every contributor is an attribute of the contributor's event or skipped.
fn check_extracts(dataset: &Dataset<'_>, outcome: &MappingOutcome) {
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
            let Some(event) = events.get(&event_uuid(incident.id.as_str())) else {
                panic!("no event for incident {}", incident.id);
            };
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
                assert!(
                    skipped || mapped,
                    "extract {kind} {value:?} of {} is in neither event {:?} nor skipped\n{:?}",
                    entity.id,
                    event.uuid,
                    outcome.skipped
                );
            }
            // Each extract that no skipped item names is an attribute of its own (two
            // extracts with one value are one attribute and a reported duplicate).
            assert!(
                found.len() - reported <= own.len(),
                "{} of the {} extracts of {} are not reported, but only {} attributes are \
                 theirs in event {:?}\n{:?}",
                found.len() - reported,
                found.len(),
                entity.id,
                own.len(),
                event.uuid,
                outcome.skipped
            );
        }
    }
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

/// Whether `skipped` names the entity itself (not just one of its extracts).
fn reported(outcome: &MappingOutcome, id: &str) -> bool {
    outcome
        .skipped
        .iter()
        .any(|item| item.entity_id == id && item.extract.is_none())
}

fuzz_target!(|data: &[u8]| {
    let Ok(document) = Document::from_json(data) else {
        return;
    };
    let dataset = match &document {
        Document::Package(package) => Dataset::from_packages([package.as_ref()]),
        Document::Entity(entity) => Dataset::from_entities([entity.as_ref()]),
        _ => return,
    };
    check(&dataset, &MappingOptions::default());
    check(
        &dataset,
        &MappingOptions::default()
            .with_include_tags(true)
            .with_objects(true),
    );
});
