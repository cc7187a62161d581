//! Any bytes through the MISP → EclecticIQ JSON mapping: whatever `misp_model` accepts as a
//! document is mapped with `feed_mapping::incoming::map_events`.
//!
//! Properties checked (from `feed_mapping::incoming`'s documented rules), with the default
//! options and with tags off and the distribution before the TLP tag:
//! - `map_events` never panics, and mapping the same events twice gives the same outcome;
//! - nothing is dropped silently: every attribute (top level or in an object) is either an
//!   extract of an indicator or listed in `skipped`;
//! - one incident per event;
//! - the package is written as EclecticIQ JSON and reads back equal: what Barbara receives,
//!   our own reader accepts.

#![no_main]

use eiq_json::{EntityType, Package};
use feed_mapping::incoming::{IncomingOptions, map_events};
use libfuzzer_sys::fuzz_target;
use misp_model::{Document, Event};
use taxii1_core::size::SizeLimit;

fn attribute_count(events: &[Event]) -> usize {
    events
        .iter()
        .map(|event| {
            event.attributes.len()
                + event
                    .objects
                    .iter()
                    .map(|object| object.attributes.len())
                    .sum::<usize>()
        })
        .sum()
}

fn check(events: &[Event], options: &IncomingOptions) {
    let outcome = map_events(events, options);
    assert_eq!(
        outcome,
        map_events(events, options),
        "mapping the same events twice differed"
    );

    let count = |wanted: &EntityType, per_entity: fn(&eiq_json::Entity) -> usize| -> usize {
        outcome
            .package
            .entities()
            .iter()
            .filter(|entity| entity.entity_type() == wanted)
            .map(per_entity)
            .sum()
    };
    let extracts = count(&EntityType::INDICATOR, |indicator| {
        indicator.extracts().len()
    });
    assert_eq!(
        attribute_count(events),
        extracts + outcome.skipped.len(),
        "attributes neither mapped nor skipped (extracts {extracts}, skipped {:?})",
        outcome.skipped
    );
    assert_eq!(
        count(&EntityType::INCIDENT, |_| 1),
        events.len(),
        "not one incident per event"
    );

    let written = match outcome.package.to_json() {
        Ok(written) => written,
        Err(err) => panic!("the mapped package cannot be written: {err:?}"),
    };
    let limits = eiq_json::Limits::default()
        .with_size(SizeLimit::HARD_CAP)
        .with_max_entities(usize::MAX);
    match Package::from_json_with(&written, &limits) {
        Ok(read) => assert_eq!(read, outcome.package, "the package read back differs"),
        Err(err) => panic!(
            "our own reader refuses the mapped package: {err:?}\n--- written ---\n{}",
            String::from_utf8_lossy(&written)
        ),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(document) = Document::from_json(data) else {
        return;
    };
    let events = document.events();
    check(events, &IncomingOptions::default());
    check(
        events,
        &IncomingOptions::default()
            .with_include_tags(false)
            .with_prioritize_tlp_tag(false),
    );
});
