//! What the corpus packages mean: types, metadata, and the incident graph.

use eiq_json::graph::{DanglingReason, Direction, LinkVia};
use eiq_json::{
    Classification, ContentType, Dataset, Document, EntityData, EntityId, EntityType, ExtractKind,
    Field, LinkType, Package, SourceReliability, Tlp,
};

use crate::vector;

fn package(name: &str) -> Package {
    Package::from_json(&vector(name)).unwrap()
}

fn id(text: &str) -> EntityId {
    EntityId::new(text).unwrap()
}

const INCIDENT: &str = "2241e780-5ab2-5c27-86be-1774b6079ab7";
const INDICATOR_A: &str = "70c62266-2d61-5800-9123-cf55992b6f5a";
const INDICATOR_B: &str = "770fef1f-59b3-5ec4-931d-b11f97481c0a";
const TTP: &str = "398c793f-57bd-5268-b32e-9d5eac3acd30";
const ACTOR: &str = "66d89873-6167-5aa3-a6f0-b4b860c9a517";
const INDICATOR_D: &str = "4eb0f08f-edc8-50e3-aad3-60c45815571f";
const REMOTE_INCIDENT: &str = "7e878942-c388-594e-ad55-91b2e29369f7";

#[test]
fn incident_graph_members_are_exactly_the_linked_entities() {
    let package = package("synthetic-package-v1-incident-graph.json");
    assert_eq!(package.entities().len(), 15);
    assert!(package.count_mismatches().is_empty());
    let dataset = Dataset::from_packages([&package]);

    let incidents: Vec<&str> = dataset.incidents().map(|e| e.id.as_str()).collect();
    assert_eq!(incidents, [INCIDENT]);

    let members = dataset.incident_members(&id(INCIDENT));
    let member_ids: Vec<&str> = members.iter().map(|m| m.entity.id.as_str()).collect();
    assert_eq!(member_ids, [INDICATOR_A, INDICATOR_B, TTP, ACTOR]);
    for member in &members {
        assert_eq!(member.links.len(), 1);
        assert_eq!(member.links[0].direction, Direction::Outgoing);
    }
    let keys: Vec<&str> = members
        .iter()
        .map(|m| match &m.links[0].via {
            LinkVia::Relation {
                key: Some(key),
                via_stub: None,
                ..
            } => key.as_str(),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(
        keys,
        [
            "related_indicators",
            "related_indicators",
            "leveraged_ttps",
            "attributed_threat_actors"
        ]
    );

    // Indicator D is related to an incident outside the package: not a member, reported.
    assert!(dataset.linked_incidents(&id(INDICATOR_D)).is_empty());
    assert_eq!(dataset.dangling().len(), 1);
    let dangling = &dataset.dangling()[0];
    assert_eq!(dangling.reference, REMOTE_INCIDENT);
    assert_eq!(dangling.field, "data.source");
    match dangling.reason {
        DanglingReason::OutsideDataset { stub } => {
            assert_eq!(stub.entity_type().as_str(), "incident_ref");
            assert_eq!(
                stub.display_title(),
                Some("Strategic web compromise of news portal")
            );
        }
        other => panic!("unexpected {other:?}"),
    }

    // Indicator A also links to the TTP (indicated_ttps), which does not make the TTP linked
    // twice to the incident.
    let a_links = dataset.links_of(&id(INDICATOR_A));
    assert_eq!(a_links.len(), 2);
    assert_eq!(dataset.relations().len(), 7);
    assert_eq!(dataset.relations_from(&id(INCIDENT)).len(), 4);
}

#[test]
fn incident_graph_entity_details() {
    let package = package("synthetic-package-v1-incident-graph.json");
    let dataset = Dataset::from_packages([&package]);
    let incident = dataset.entity(&id(INCIDENT)).unwrap();
    assert_eq!(incident.tlp(), Some(Tlp::Amber));
    assert_eq!(
        incident.tags(),
        ["phishing", "finance", "Kill chain phase - Delivery"]
    );
    let meta = incident.meta.get().unwrap();
    assert_eq!(
        meta.source_reliability,
        Field::Present(SourceReliability::B)
    );
    assert_eq!(meta.half_life, Field::Present(182));
    assert!(meta.estimated_threat_end_time.is_null());
    assert_eq!(
        meta.taxonomy_paths.get().unwrap(),
        &[vec!["Kill chain phase".to_string(), "Delivery".to_string()]]
    );
    let EntityData::Incident(body) = &incident.data else {
        panic!("not an incident")
    };
    assert_eq!(body.status.get().and_then(|s| s.value()), Some("Open"));
    assert_eq!(
        body.reporter
            .get()
            .and_then(|r| r.identity.get())
            .and_then(|i| i.name()),
        Some("Alice SOC")
    );

    let a = dataset.entity(&id(INDICATOR_A)).unwrap();
    let kinds: Vec<&str> = a.extracts().iter().map(|x| x.kind.as_str()).collect();
    assert_eq!(kinds, ["domain", "ipv4", "port", "uri"]);
    assert_eq!(a.extracts()[0].classification(), Classification::Bad);
    assert_eq!(
        a.extracts()[0].link_types(),
        [LinkType::OBSERVED, LinkType::TEST_MECHANISM]
    );
    assert_eq!(a.extracts()[2].classification(), Classification::Unknown);
    let indicator = a.data.as_indicator().unwrap();
    let types: Vec<&str> = indicator
        .types
        .get()
        .unwrap()
        .iter()
        .filter_map(|t| t.value())
        .collect();
    assert_eq!(types, ["C2", "Domain Watchlist"]);
}

#[test]
fn all_77_extract_kinds_are_recognised() {
    let package = package("synthetic-package-v1-all-extract-kinds.json");
    let report = &package.entities()[0];
    assert_eq!(report.entity_type(), &EntityType::REPORT);
    assert_eq!(report.extracts().len(), 77);
    assert!(report.extracts().iter().all(|x| x.kind.is_known()));
    let mut kinds: Vec<&ExtractKind> = report.extracts().iter().map(|x| &x.kind).collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(kinds.len(), 77);
    assert_eq!(Dataset::from_packages([&package]).incidents().count(), 0);
}

#[test]
fn unknown_entity_type_is_kept_and_counted() {
    let package = package("synthetic-package-v1-campaign-coa-et-sighting-report.json");
    let types: Vec<&str> = package
        .entities()
        .iter()
        .map(|e| e.entity_type().as_str())
        .collect();
    assert!(types.contains(&"Perimeter Blocking"));
    let coa = package
        .entities()
        .iter()
        .find(|e| e.entity_type().as_str() == "Perimeter Blocking");
    assert!(matches!(coa.unwrap().data, EntityData::Other(_)));
    assert!(package.count_mismatches().is_empty());
    let report = package
        .entities()
        .iter()
        .find(|e| e.entity_type() == &EntityType::REPORT)
        .unwrap();
    // The alias wins over the title.
    assert_ne!(report.display_title(), report.data.title());
    let sighting = package
        .entities()
        .iter()
        .find(|e| e.entity_type() == &EntityType::ECLECTICIQ_SIGHTING)
        .unwrap();
    assert_eq!(sighting.tlp(), Some(Tlp::Red));
    let dataset = Dataset::from_packages([&package]);
    assert_eq!(dataset.incidents().count(), 0);
    assert!(dataset.dangling().is_empty());
}

#[test]
fn v2_package_with_enrichments() {
    let package = package("synthetic-package-v2-enrichments.json");
    assert_eq!(package.content_type, ContentType::V2);
    let enrichment = &package.enrichments.get().unwrap()[0];
    let outputs = enrichment.output_extracts.get().unwrap();
    let indicator = &package.entities()[1];
    let mirrored: Vec<String> = indicator
        .enrichment_extracts()
        .iter()
        .map(|x| x.value.to_string())
        .collect();
    let produced: Vec<String> = outputs.iter().map(|x| x.value.to_string()).collect();
    assert_eq!(mirrored, produced);
    let dataset = Dataset::from_packages([&package]);
    let incident = dataset.incidents().next().unwrap();
    let members = dataset.incident_members(&incident.id);
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].entity.id, indicator.id);
}

#[test]
fn dataset_across_packages_keeps_order() {
    let first = package("synthetic-package-v2-enrichments.json");
    let second = package("synthetic-package-v1-incident-graph.json");
    let dataset = Dataset::from_packages([&first, &second]);
    assert_eq!(dataset.len(), 3 + 15);
    let incidents: Vec<&str> = dataset.incidents().map(|e| e.id.as_str()).collect();
    assert_eq!(
        incidents,
        ["99d4e669-e746-5c95-bfac-b98afdab7118", INCIDENT]
    );
}

#[test]
fn wrapped_documents() {
    let Document::Wrapped(api) =
        Document::from_json(&vector("synthetic-api-create-entity-sighting.json")).unwrap()
    else {
        panic!("not wrapped")
    };
    assert_eq!(api.data.entity_type(), &EntityType::ECLECTICIQ_SIGHTING);
    let manual = api.data.meta.get().unwrap().manual_extracts.get().unwrap();
    assert_eq!(manual.len(), 3);
    assert_eq!(manual[1].kind, ExtractKind::PROCESS_NAME);
    assert_eq!(
        manual[2].classification,
        Field::Present(Classification::Good)
    );

    let Document::Wrapped(legacy) =
        Document::from_json(&vector("synthetic-legacy-kpn-eiqlib-indicator.json")).unwrap()
    else {
        panic!("not wrapped")
    };
    assert_eq!(
        legacy
            .data
            .extra
            .get("content-type")
            .and_then(|v| v.as_str()),
        Some("urn:eclecticiq.com:json:1.0")
    );
    let meta = legacy.data.meta.get().unwrap();
    assert_eq!(meta.bundled_extracts.get().unwrap().len(), 4);
    assert_eq!(meta.bundled_extracts_only, Field::Present(true));
    assert_eq!(legacy.data.tlp(), Some(Tlp::Red));
    let entity = eiq_json::Entity::from_draft(id(INCIDENT), legacy.data.clone());
    assert_eq!(entity.entity_type(), &EntityType::INDICATOR);
}

#[test]
fn a_package_is_told_apart_however_its_content_type_member_is_spelled() {
    // `Document` tries a package reading first only when the bytes spell `"content-type"`; a
    // member name written with an escape takes the probe, and is still a package.
    for json in [
        r#"{"content-type": "urn:eclecticiq.com:json:1.0", "entities": []}"#,
        r#"{"content\u002dtype": "urn:eclecticiq.com:json:1.0", "entities": []}"#,
    ] {
        let document = Document::from_json(json.as_bytes()).unwrap();
        assert!(
            matches!(&document, Document::Package(package) if package.content_type == ContentType::V1),
            "{json}: {document:?}"
        );
    }
    let entity = r#"{"id": "2241e780-5ab2-5c27-86be-1774b6079ab7", "data": {"type": "ttp"}}"#;
    assert!(matches!(
        Document::from_json(entity.as_bytes()).unwrap(),
        Document::Entity(_)
    ));
}
