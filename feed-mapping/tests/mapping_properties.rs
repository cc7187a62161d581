//! Property tests of the mapping over generated graphs (eiq-json's strategies) and generated
//! MISP attributes: attributes only from in-dataset incidents, valid type/category pairs,
//! determinism, events taken one at a time equal to the whole mapping, idempotent re-runs,
//! sync plans that reproduce the new event, and MISP → EIQ → MISP keeping every attribute's
//! type, value and IDS flag.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::collections::HashSet;

use eiq_json::strategy::package;
use eiq_json::{Dataset, EntityType, Package};
use feed_mapping::identity::{attribute_uuid, event_uuid};
use feed_mapping::incoming::{IncomingOptions, map_events};
use feed_mapping::outgoing::{MappingOptions, map_dataset, map_dataset_events};
use feed_mapping::sync::sync_plan;
use misp_model::describe_types::DescribeTypes;
use misp_model::validate::{Mode, validate_event};
use misp_model::{Attribute, Event};
use proptest::prelude::*;

#[path = "support/extract_accounting.rs"]
mod extract_accounting;

fn options() -> impl Strategy<Value = MappingOptions> {
    (any::<bool>(), any::<bool>()).prop_map(|(tags, objects)| {
        MappingOptions::default()
            .with_include_tags(tags)
            .with_objects(objects)
            .with_date("2024-01-02")
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn events_taken_one_at_a_time_are_the_whole_mapping(
        package in package(),
        options in options(),
    ) {
        let dataset = Dataset::from_packages([&package]);
        let whole = map_dataset(&dataset, &options);
        let mut events = map_dataset_events(&dataset, &options);
        prop_assert_eq!(events.len(), whole.events.len());
        let mut taken = 0;
        while let Some(event) = events.next() {
            prop_assert_eq!(Some(&event), whole.events.get(taken));
            taken += 1;
            prop_assert_eq!(events.len(), whole.events.len() - taken);
            // What is reported so far is the start of the whole report, never more.
            let so_far = events.skipped();
            prop_assert_eq!(so_far, &whole.skipped[..so_far.len()]);
        }
        prop_assert_eq!(taken, whole.events.len());
        prop_assert!(events.next().is_none());
        prop_assert_eq!(events.into_skipped(), whole.skipped);
    }

    /// The skip report lists each item once, also when the package comes up to three times
    /// (every later copy of an entity is an ignored duplicate: the same item twice).
    #[test]
    fn the_skip_report_lists_each_item_once(
        package in package(),
        copies in 1..=3usize,
        options in options(),
    ) {
        let dataset = Dataset::from_packages(std::iter::repeat_n(&package, copies));
        let skipped = map_dataset(&dataset, &options).skipped;
        let distinct: HashSet<_> = skipped.iter().collect();
        prop_assert_eq!(distinct.len(), skipped.len());
    }

    #[test]
    fn every_attribute_comes_from_an_incident_of_the_dataset(
        package in package(),
        options in options(),
    ) {
        let dataset = Dataset::from_packages([&package]);
        let outcome = map_dataset(&dataset, &options);
        let incidents: Vec<_> = dataset.incidents().collect();
        prop_assert_eq!(outcome.events.len(), incidents.len());
        for (event, incident) in outcome.events.iter().zip(&incidents) {
            prop_assert_eq!(event.uuid.clone(), Some(event_uuid(incident.id.as_str())));
            let mut contributors = vec![incident.id.as_str().to_owned()];
            contributors.extend(
                dataset
                    .incident_members(&incident.id)
                    .iter()
                    .map(|l| l.entity.id.as_str().to_owned()),
            );
            for attribute in event.all_attributes() {
                let found = contributors.iter().any(|entity| {
                    attribute.uuid.as_deref()
                        == Some(
                            attribute_uuid(
                                incident.id.as_str(),
                                entity,
                                &attribute.attribute_type,
                                &attribute.value,
                            )
                            .as_str(),
                        )
                });
                prop_assert!(found, "attribute {:?} from no member", attribute.value);
            }
            let problems = validate_event(event, DescribeTypes::builtin(), Mode::Strict);
            prop_assert!(problems.is_empty(), "{:?}", problems);
        }
        // Entities linked to no incident contribute nothing and are reported.
        for entity in dataset.entities() {
            if entity.entity_type() != &EntityType::INCIDENT
                && !entity.is_relation()
                && dataset.linked_incidents(&entity.id).is_empty()
            {
                prop_assert!(
                    outcome.skipped.iter().any(|s| s.entity_id == entity.id.as_str()),
                    "{} not reported", entity.id
                );
            }
        }
    }

    /// Nothing is dropped silently: every extract of an entity that contributes to an event
    /// (the incident itself, or an entity of a supported type linked to it) is an attribute of
    /// that event, simple or in an object, or is listed in `skipped` under its entity, kind and
    /// value as written; and the extracts no skipped item names are no more than the
    /// entity's attributes in that event (a second extract with one value is a reported
    /// duplicate, not dropped).
    #[test]
    fn every_extract_of_a_contributor_is_an_attribute_or_skipped(
        package in package(),
        options in options(),
    ) {
        let dataset = Dataset::from_packages([&package]);
        let outcome = map_dataset(&dataset, &options);
        prop_assert_eq!(
            extract_accounting::every_extract_accounted_for(&dataset, &outcome),
            Ok(())
        );
    }

    #[test]
    fn mapping_is_deterministic_and_a_rerun_needs_no_sync(
        package in package(),
        options in options(),
    ) {
        let dataset = Dataset::from_packages([&package]);
        let first = map_dataset(&dataset, &options);
        let second = map_dataset(&Dataset::from_packages([&package]), &options);
        let bytes = |events: &[Event]| events.iter().map(Event::to_json).collect::<Vec<_>>();
        prop_assert_eq!(bytes(&first.events), bytes(&second.events));
        prop_assert_eq!(first.report_json(), second.report_json());
        for (old, new) in first.events.iter().zip(&second.events) {
            prop_assert!(sync_plan(old, new).is_empty());
        }
    }

    #[test]
    fn a_sync_plan_applied_to_the_old_event_gives_the_new_one(
        package in package(),
        keep in proptest::collection::vec(any::<bool>(), 16),
        options in options(),
    ) {
        // The next run sees a smaller dataset: some non-incident entities are gone.
        let mut smaller = Package::new(package.content_type);
        for (i, entity) in package.entities().iter().enumerate() {
            if entity.entity_type() == &EntityType::INCIDENT || keep.get(i).copied().unwrap_or(true) {
                smaller.push_entity(entity.clone());
            }
        }
        let old = map_dataset(&Dataset::from_packages([&package]), &options);
        let new = map_dataset(&Dataset::from_packages([&smaller]), &options);
        for (before, after) in old.events.iter().zip(&new.events) {
            prop_assert_eq!(&before.uuid, &after.uuid);
            // Forward (things removed) and backward (things added back).
            for (from, to) in [(before, after), (after, before)] {
                let plan = sync_plan(from, to);
                prop_assert_eq!(plan.apply(from, to), to.clone());
                let removed: HashSet<_> = plan.delete.iter().map(String::as_str).collect();
                for attribute in &to.attributes {
                    prop_assert!(!removed.contains(attribute.uuid.as_deref().unwrap()));
                }
            }
        }
    }

    #[test]
    fn misp_to_eiq_to_misp_keeps_every_attribute_type_value_and_ids_flag(
        attributes in proptest::collection::vec(attribute(), 1..12),
    ) {
        let mut event = Event::new("Round trip").with_uuid("8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e");
        let mut seen = HashSet::new();
        for attribute in attributes {
            if seen.insert((attribute.attribute_type.clone(), attribute.value.clone())) {
                event = event.with_attribute(attribute);
            }
        }
        let incoming = map_events(std::slice::from_ref(&event), &IncomingOptions::default());
        prop_assert!(incoming.skipped.is_empty(), "{:?}", incoming.skipped);
        let outcome = map_dataset(
            &Dataset::from_packages([&incoming.package]),
            &MappingOptions::default(),
        );
        prop_assert!(outcome.skipped.is_empty(), "{:?}", outcome.skipped);
        let back = &outcome.events[0];
        let summary = |attributes: &[Attribute]| {
            let mut list: Vec<_> = attributes
                .iter()
                .map(|a| (a.attribute_type.clone(), a.value.clone(), a.to_ids.unwrap_or(false)))
                .collect();
            list.sort();
            list
        };
        prop_assert_eq!(summary(&back.attributes), summary(&event.attributes));
    }
}

/// MISP attributes of types the reverse table knows, with values those types accept as they
/// are (no surrounding spaces, lower-case hashes: the mapping trims and lower-cases).
fn attribute() -> impl Strategy<Value = Attribute> {
    let typed = prop_oneof![
        "(10|192|198)\\.[1-9]?[0-9]\\.[1-9]?[0-9]\\.[1-9]?[0-9]".prop_map(|v| ("ip-dst", v)),
        "(10|203)\\.0\\.113\\.[1-9]?[0-9]".prop_map(|v| ("ip-src", v)),
        "2001:db8::[0-9a-f]{1,4}".prop_map(|v| ("ip-dst", v)),
        "[a-z]{1,10}\\.example\\.(com|net)".prop_map(|v| ("domain", v)),
        "host[0-9]{1,3}\\.example\\.org".prop_map(|v| ("hostname", v)),
        "https://[a-z]{1,8}\\.example/[a-z0-9]{0,8}".prop_map(|v| ("url", v)),
        "[0-9a-f]{32}".prop_map(|v| ("md5", v)),
        "[0-9a-f]{40}".prop_map(|v| ("sha1", v)),
        "[0-9a-f]{64}".prop_map(|v| ("sha256", v)),
        "[0-9]{1,4}".prop_map(|v| ("port", v)),
        "[a-z]{1,8}@[a-z]{1,8}\\.example".prop_map(|v| ("email-src", v)),
        "[a-z]{1,8}@[a-z]{1,8}\\.example".prop_map(|v| ("email-dst", v)),
        "[A-Za-z]([A-Za-z0-9 ]{0,19}[A-Za-z0-9])?".prop_map(|v| ("email-subject", v)),
        "[A-Za-z0-9_]{1,12}\\.(exe|docm|dll)".prop_map(|v| ("filename", v)),
        "Global\\\\[A-Za-z0-9_]{1,12}".prop_map(|v| ("mutex", v)),
        "HKLM\\\\Software\\\\[A-Za-z]{1,12}".prop_map(|v| ("regkey", v)),
        "CVE-20[0-9]{2}-[0-9]{4,5}".prop_map(|v| ("vulnerability", v)),
        "[0-9]{1,6}".prop_map(|v| ("AS", v)),
        "[A-Z]([A-Za-z ]{0,14}[A-Za-z])?".prop_map(|v| ("threat-actor", v)),
    ];
    (typed, any::<bool>()).prop_map(|((misp_type, value), to_ids)| {
        let mut attribute = Attribute::new(misp_type, value).with_to_ids(to_ids);
        DescribeTypes::builtin().apply_defaults(&mut attribute);
        attribute
    })
}
