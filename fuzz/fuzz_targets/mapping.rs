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

use eiq_json::graph::Dataset;
use eiq_json::{Document, EntityType};
use feed_mapping::outgoing::{
    MappingOptions, MappingOutcome, map_dataset, map_dataset_events, supports_entity_type,
};
use libfuzzer_sys::fuzz_target;

#[path = "../../feed-mapping/tests/support/extract_accounting.rs"]
mod extract_accounting;

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
    if let Err(why) = extract_accounting::every_extract_accounted_for(dataset, &outcome) {
        panic!("{why}");
    }

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
