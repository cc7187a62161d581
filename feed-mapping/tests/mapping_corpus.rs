//! Every synthetic EclecticIQ package of `../shared/corpus/eiq` maps to the outcome its
//! PROVENANCE.md lists. The corpus is third-party-shaped data kept outside the project: when it
//! is absent the tests print why and pass.

use std::path::PathBuf;

use eiq_json::{Dataset, Package};
use feed_mapping::outgoing::{MappingOptions, MappingOutcome, SkipReason, map_dataset};
use misp_model::describe_types::DescribeTypes;
use misp_model::validate::{Mode, validate_event};
use misp_model::{Analysis, Distribution, ThreatLevel};

fn corpus(name: &str) -> Option<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/eiq")
        .join(name);
    match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(err) => {
            eprintln!("skipped: {} unreadable ({err})", path.display());
            None
        }
    }
}

fn map(name: &str, options: &MappingOptions) -> Option<MappingOutcome> {
    let bytes = corpus(name)?;
    let package = Package::from_json(&bytes).unwrap();
    Some(map_dataset(&Dataset::from_packages([&package]), options))
}

fn attributes(outcome: &MappingOutcome) -> Vec<(String, String, String)> {
    outcome.events[0]
        .attributes
        .iter()
        .map(|a| {
            (
                a.attribute_type.clone(),
                a.value.clone(),
                a.category.clone().unwrap(),
            )
        })
        .collect()
}

fn strictly_valid(outcome: &MappingOutcome) {
    for event in &outcome.events {
        let problems = validate_event(event, DescribeTypes::builtin(), Mode::Strict);
        assert!(problems.is_empty(), "{problems:?}");
    }
}

#[test]
fn incident_graph_maps_to_one_event_with_the_linked_entities_extracts() {
    let Some(outcome) = map(
        "synthetic-package-v1-incident-graph.json",
        &MappingOptions::default(),
    ) else {
        return;
    };
    assert_eq!(outcome.events.len(), 1);
    let event = &outcome.events[0];
    println!("{}", String::from_utf8(event.to_json_pretty()).unwrap());
    println!("{:#}", outcome.report_json());
    strictly_valid(&outcome);
}
