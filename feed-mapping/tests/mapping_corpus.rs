//! Every synthetic EclecticIQ package of `../shared/corpus/eiq` maps to the outcome its
//! PROVENANCE.md lists. The corpus stays outside the project: when it is absent the tests print
//! why and pass.

// Reading the shared corpus is the test's job, not the library's (Sans-IO clippy.toml).
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

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
    let package = Package::from_json(&corpus(name)?).unwrap();
    Some(map_dataset(&Dataset::from_packages([&package]), options))
}

fn type_values(outcome: &MappingOutcome) -> Vec<(String, String)> {
    outcome.events[0]
        .attributes
        .iter()
        .map(|a| {
            (
                a.attribute_type.clone().into_owned(),
                String::from(&a.value),
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

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(t, v)| ((*t).to_owned(), (*v).to_owned()))
        .collect()
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
    assert_eq!(event.info, "Credential phishing against finance department");
    assert_eq!(event.date.as_deref(), Some("2023-09-01"));
    assert_eq!(event.threat_level, Some(ThreatLevel::High));
    assert_eq!(event.analysis, Some(Analysis::Ongoing));
    assert_eq!(event.distribution, Some(Distribution::Community));
    assert_eq!(event.published, Some(false));
    let tags: Vec<&str> = event.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tags, ["tlp:amber"]);
    // The incident's own extracts, then A, B, the ttp and the actor; C and D are absent.
    assert_eq!(
        type_values(&outcome),
        pairs(&[
            ("email-subject", "Invoice overdue - action required"),
            ("email-src", "billing@invoices.example.net"),
            ("domain", "update-cdn.example.net"),
            ("ip-dst", "198.51.100.23"),
            ("port", "443"),
            ("url", "https://update-cdn.example.net/gate.php?id=42"),
            (
                "sha256",
                "da1eb12ac7c6cc91974814e2b628e1d2b5e97fcda84bc0b4ad63e793d1755088"
            ),
            ("md5", "cebcfca3f9b057b5409b02fae5d18047"),
            ("filename", "Invoice_0923.docm"),
            (
                "regkey",
                "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\updater"
            ),
            ("mutex", "Global\\ExLdr_5f2a"),
            ("threat-actor", "EXAMPLE SPIDER"),
        ])
    );
    // to_ids: bad+high/medium yes, bad+low and unknown no.
    let to_ids: Vec<bool> = event.attributes.iter().map(|a| a.to_ids.unwrap()).collect();
    assert_eq!(
        to_ids,
        [
            true, true, true, true, false, true, true, true, false, true, true, true
        ]
    );
    // B is GREEN inside an AMBER incident: tagged, distribution inherited (AMBER is stricter).
    let sha256 = &event.attributes[6];
    assert_eq!(sha256.tags[0].name, "tlp:green");
    assert_eq!(sha256.distribution, Some(Distribution::Inherit));
    assert_eq!(
        event.uuid.as_deref(),
        Some(feed_mapping::identity::event_uuid("2241e780-5ab2-5c27-86be-1774b6079ab7").as_str())
    );

    let reasons: Vec<(&str, &SkipReason)> = outcome
        .skipped
        .iter()
        .map(|s| (s.entity_id.as_str(), &s.reason))
        .collect();
    assert_eq!(
        reasons,
        [
            (
                "ef0f5e4c-970b-5d60-82d7-ec9920a58300",
                &SkipReason::NoIncident
            ),
            (
                "4eb0f08f-edc8-50e3-aad3-60c45815571f",
                &SkipReason::IncidentOutsideDataset {
                    incident: "7e878942-c388-594e-ad55-91b2e29369f7".into()
                }
            ),
            (
                "7e878942-c388-594e-ad55-91b2e29369f7",
                &SkipReason::ReferenceStub
            ),
            (
                "398c793f-57bd-5268-b32e-9d5eac3acd30",
                &SkipReason::UnsupportedExtractKind
            ),
            (
                "66d89873-6167-5aa3-a6f0-b4b860c9a517",
                &SkipReason::UnsupportedExtractKind
            ),
        ]
    );
    assert_eq!(
        outcome.skipped[3].extract.as_ref().unwrap().kind.as_str(),
        "malware"
    );
    assert_eq!(
        outcome.skipped[4].extract.as_ref().unwrap().value,
        "exspider"
    );
    strictly_valid(&outcome);
}

#[test]
fn incident_graph_with_tags_and_objects() {
    let options = MappingOptions::default()
        .with_include_tags(true)
        .with_objects(true)
        .with_org_name("Alice CERT")
        .with_publish(true);
    let Some(outcome) = map("synthetic-package-v1-incident-graph.json", &options) else {
        return;
    };
    let event = &outcome.events[0];
    let tags: Vec<&str> = event.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        tags,
        [
            "tlp:amber",
            "phishing",
            "finance",
            "Kill chain phase - Delivery",
            "admiralty-scale:source-reliability=\"b\""
        ]
    );
    assert_eq!(event.published, Some(true));
    assert_eq!(
        event.orgc.as_ref().unwrap().name.as_deref(),
        Some("Alice CERT")
    );
    let objects: Vec<(&str, Vec<&str>)> = event
        .objects
        .iter()
        .map(|o| {
            (
                o.name.as_str(),
                o.attributes
                    .iter()
                    .map(|a| a.object_relation.as_deref().unwrap())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        objects,
        [
            ("email", vec!["subject", "from"]),
            ("ip-port", vec!["domain", "ip", "dst-port"]),
            ("file", vec!["sha256", "md5", "filename"]),
        ]
    );
    // The C2 indicator's URL stays simple and is referenced by its ip-port object.
    let ip_port = &event.objects[1];
    let url = event
        .attributes
        .iter()
        .find(|a| a.attribute_type == "url")
        .unwrap();
    assert_eq!(ip_port.references.len(), 1);
    assert_eq!(
        ip_port.references[0].referenced_uuid,
        url.uuid.as_deref().map(String::from)
    );
    assert_eq!(
        ip_port.references[0].relationship_type.as_deref(),
        Some("related-to")
    );
    strictly_valid(&outcome);
}

#[test]
fn enrichments_package_maps_the_indicator_and_its_enrichment_extracts() {
    let Some(outcome) = map(
        "synthetic-package-v2-enrichments.json",
        &MappingOptions::default(),
    ) else {
        return;
    };
    assert_eq!(outcome.events.len(), 1);
    assert_eq!(
        type_values(&outcome),
        pairs(&[
            ("url", "https://login-example.example.com/owa/"),
            ("domain", "login-example.example.com"),
            ("ip-dst", "192.0.2.55"),
            ("whois-registrar", "Example Registrar, Inc."),
        ])
    );
    assert!(outcome.skipped.is_empty(), "{:?}", outcome.skipped);
    strictly_valid(&outcome);
}

#[test]
fn packages_without_incidents_give_no_events_and_report_every_entity() {
    for name in [
        "synthetic-package-v1-all-extract-kinds.json",
        "synthetic-package-v1-campaign-coa-et-sighting-report.json",
        "synthetic-package-v1-empty-run.json",
    ] {
        let Some(outcome) = map(name, &MappingOptions::default()) else {
            return;
        };
        assert!(outcome.events.is_empty(), "{name}");
        let package = Package::from_json(&corpus(name).unwrap()).unwrap();
        let reported: Vec<&str> = outcome
            .skipped
            .iter()
            .map(|s| s.entity_id.as_str())
            .collect();
        for entity in package.entities().iter().filter(|e| !e.is_relation()) {
            assert!(
                reported.contains(&entity.id.as_str()),
                "{name}: {} not reported",
                entity.id
            );
        }
        // The course of action in the campaign package carries its STIX COA type
        // ("Perimeter Blocking") in `data.type`: an unknown entity type, reported as such.
        let unsupported: Vec<&str> = outcome
            .skipped
            .iter()
            .filter(|s| s.reason == SkipReason::UnsupportedEntityType)
            .map(|s| s.entity_id.as_str())
            .collect();
        let expected: &[&str] = if name.contains("campaign") {
            &["85aa428a-4243-5512-b6b7-39aeb9235750"]
        } else {
            &[]
        };
        assert_eq!(unsupported, expected, "{name}");
        assert_eq!(
            outcome
                .skipped
                .iter()
                .filter(|s| s.reason == SkipReason::NoIncident)
                .count(),
            reported.len() - expected.len(),
            "{name}"
        );
    }
}

#[test]
fn two_packages_as_one_dataset_map_the_same_as_their_union_and_repeat_byte_identically() {
    let (Some(a), Some(b)) = (
        corpus("synthetic-package-v1-incident-graph.json"),
        corpus("synthetic-package-v2-enrichments.json"),
    ) else {
        return;
    };
    let a = Package::from_json(&a).unwrap();
    let b = Package::from_json(&b).unwrap();
    let options = MappingOptions::default().with_include_tags(true);
    let first = map_dataset(&Dataset::from_packages([&a, &b]), &options);
    let second = map_dataset(&Dataset::from_packages([&a, &b]), &options);
    assert_eq!(first.events.len(), 2);
    let bytes =
        |o: &MappingOutcome| -> Vec<Vec<u8>> { o.events.iter().map(|e| e.to_json()).collect() };
    assert_eq!(bytes(&first), bytes(&second));
    assert_eq!(first.report_json(), second.report_json());
}
