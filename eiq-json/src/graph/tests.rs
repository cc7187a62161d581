use serde_json::json;

use super::*;
use crate::builder::{EntityBuilder, relation, stub};
use crate::{EntityData, Field};

const INCIDENT: &str = "2241e780-5ab2-5c27-86be-1774b6079ab7";
const INDICATOR: &str = "70c62266-2d61-5800-9123-cf55992b6f5a";
const OTHER: &str = "770fef1f-59b3-5ec4-931d-b11f97481c0a";
const REMOTE_INCIDENT: &str = "7e878942-c388-594e-ad55-91b2e29369f7";

fn id(text: &str) -> EntityId {
    EntityId::new(text).unwrap()
}

fn entity(uuid: &str, entity_type: EntityType) -> Entity {
    EntityBuilder::new(id(uuid), entity_type)
        .title(uuid)
        .build()
}

/// A stub for an incident held by another platform.
fn remote_incident() -> Entity {
    stub(
        id(REMOTE_INCIDENT),
        &EntityType::INCIDENT,
        "https://carol.example.net",
        "r",
    )
}

fn rel(n: u8, source: &Entity, key: RelationKey, target: &Entity) -> Entity {
    relation(EntityId::from_bytes([n; 16]), source, key, target)
}

#[test]
fn relation_links_both_directions() {
    let incident = entity(INCIDENT, EntityType::INCIDENT);
    let indicator = entity(INDICATOR, EntityType::INDICATOR);
    let link = rel(
        1,
        &indicator,
        RelationKey::new("related_incidents"),
        &incident,
    );
    let entities = [incident, indicator, link];
    let dataset = Dataset::from_entities(&entities);

    let members = dataset.incident_members(&id(INCIDENT));
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].entity.id, id(INDICATOR));
    assert_eq!(members[0].links[0].direction, Direction::Incoming);
    assert!(members[0].via_relation());

    let incidents = dataset.linked_incidents(&id(INDICATOR));
    assert_eq!(incidents.len(), 1);
    assert_eq!(incidents[0].entity.id, id(INCIDENT));
    assert_eq!(incidents[0].links[0].direction, Direction::Outgoing);

    assert_eq!(dataset.relations_from(&id(INDICATOR)).len(), 1);
    assert_eq!(dataset.relations_to(&id(INCIDENT)).len(), 1);
    assert_eq!(dataset.relations_to(&id(INDICATOR)).len(), 0);
    assert!(dataset.dangling().is_empty());
}

#[test]
fn stub_only_targets_are_dangling_outside_the_dataset() {
    let indicator = entity(INDICATOR, EntityType::INDICATOR);
    let remote = remote_incident();
    let link = rel(2, &remote, RelationKey::RELATED_INDICATORS, &indicator);
    let entities = [indicator, remote, link];
    let dataset = Dataset::from_entities(&entities);

    assert!(dataset.linked_incidents(&id(INDICATOR)).is_empty());
    assert_eq!(dataset.dangling().len(), 1);
    let dangling = &dataset.dangling()[0];
    assert_eq!(dangling.field, "data.source");
    assert_eq!(dangling.reference, REMOTE_INCIDENT);
    assert!(
        matches!(dangling.reason, DanglingReason::OutsideDataset { stub } if stub.id == id(REMOTE_INCIDENT))
    );
    assert_eq!(dataset.entity(&id(REMOTE_INCIDENT)), None);
    assert!(matches!(
        dataset.resolve(REMOTE_INCIDENT),
        Endpoint::Stub(_)
    ));
}

#[test]
fn a_second_package_resolves_a_stub() {
    let indicator = entity(INDICATOR, EntityType::INDICATOR);
    let remote = remote_incident();
    let link = rel(3, &remote, RelationKey::RELATED_INDICATORS, &indicator);
    let full_incident = entity(REMOTE_INCIDENT, EntityType::INCIDENT);
    let entities = [indicator, remote, link, full_incident];
    let dataset = Dataset::from_entities(&entities);

    // Stub and entity share the id: the reference reaches the entity directly.
    let members = dataset.incident_members(&id(REMOTE_INCIDENT));
    assert_eq!(members.len(), 1);
    assert!(matches!(
        members[0].links[0].via,
        LinkVia::Relation { via_stub: None, .. }
    ));
    assert!(dataset.dangling().is_empty());
}

#[test]
fn a_stub_with_its_own_id_leads_to_the_entity_its_data_id_names() {
    let indicator = entity(INDICATOR, EntityType::INDICATOR);
    let stub_id = EntityId::from_bytes([7; 16]);
    let mut remote = stub(
        stub_id.clone(),
        &EntityType::INCIDENT,
        "https://carol.example.net",
        "r",
    );
    remote.data.set_qualified_id(format!(
        "{{https://carol.example.net}}incident-{REMOTE_INCIDENT}"
    ));
    let link = rel(3, &remote, RelationKey::RELATED_INDICATORS, &indicator);
    let full_incident = entity(REMOTE_INCIDENT, EntityType::INCIDENT);
    let entities = [indicator, remote, link, full_incident];
    let dataset = Dataset::from_entities(&entities);

    let members = dataset.incident_members(&id(REMOTE_INCIDENT));
    assert_eq!(members.len(), 1);
    match &members[0].links[0].via {
        LinkVia::Relation {
            via_stub: Some(stub),
            key,
            ..
        } => {
            assert_eq!(stub.id, stub_id);
            assert_eq!(*key, Some(&RelationKey::RELATED_INDICATORS));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(dataset.dangling().is_empty());
}

#[test]
fn ref_fields_and_idrefs_link_and_dangle() {
    let incident = entity(INCIDENT, EntityType::INCIDENT);
    let mut report = entity(OTHER, EntityType::MALWARE);
    if let EntityData::Stix21(body) = &mut report.data {
        body.extra.insert(
            "sample_refs".into(),
            json!([format!("incident--{INCIDENT}"), "bogus"]),
        );
        body.extra.insert(
            "object_marking_refs".into(),
            json!(["marking-definition--x"]),
        );
    }
    let mut indicator = entity(INDICATOR, EntityType::INDICATOR);
    if let EntityData::Indicator(body) = &mut indicator.data {
        body.indicated_ttps = Field::Present(Box::new(
            json!([{"ttp": {"idref": format!("{{x}}incident-{INCIDENT}")}}]),
        ));
        body.extra.insert(
            "missing_ref".into(),
            json!("ttp--00000000-0000-4000-8000-000000000000"),
        );
    }
    let entities = [incident, report, indicator];
    let dataset = Dataset::from_entities(&entities);

    let members = dataset.incident_members(&id(INCIDENT));
    assert_eq!(members.len(), 2);
    assert_eq!(members[0].entity.id, id(OTHER));
    assert_eq!(
        members[0].links,
        [LinkEnd {
            direction: Direction::Incoming,
            via: LinkVia::RefField {
                field: "data.sample_refs[0]".into()
            }
        }]
    );
    assert_eq!(
        members[1].links,
        [LinkEnd {
            direction: Direction::Incoming,
            via: LinkVia::Idref {
                field: "data.indicated_ttps[0].ttp.idref".into()
            }
        }]
    );
    let dangling: Vec<(&str, &DanglingReason<'_>)> = dataset
        .dangling()
        .iter()
        .map(|d| (d.field.as_str(), &d.reason))
        .collect();
    assert_eq!(
        dangling,
        [
            ("data.sample_refs[1]", &DanglingReason::NotAReference),
            ("data.missing_ref", &DanglingReason::NotInDataset),
        ]
    );
}

#[test]
fn duplicates_keep_the_first_and_order_is_input_order() {
    let first = entity(INDICATOR, EntityType::INDICATOR);
    let mut second = entity(INDICATOR, EntityType::INDICATOR);
    second.data.set_title("second");
    let incident = entity(INCIDENT, EntityType::INCIDENT);
    let entities = [first, second, incident];
    let dataset = Dataset::from_entities(&entities);
    assert_eq!(dataset.len(), 2);
    assert_eq!(dataset.duplicates().len(), 1);
    assert_eq!(dataset.duplicates()[0].ignored.data.title(), Some("second"));
    assert_eq!(
        dataset.entity(&id(INDICATOR)).and_then(|e| e.data.title()),
        Some(INDICATOR)
    );
    let order: Vec<&str> = dataset.entities().map(|e| e.id.as_str()).collect();
    assert_eq!(order, [INDICATOR, INCIDENT]);
    assert_eq!(dataset.incidents().count(), 1);
}

#[test]
fn relation_with_unusable_endpoints_is_reported() {
    let incident = entity(INCIDENT, EntityType::INCIDENT);
    let mut data = RelationData::new(INCIDENT, "not an id");
    data.key = Field::Present(RelationKey::RELATED_INDICATORS);
    let broken = Entity::new(
        EntityId::from_bytes([9; 16]),
        EntityData::Relation(Box::new(data)),
    );
    let entities = [incident, broken];
    let dataset = Dataset::from_entities(&entities);
    assert!(dataset.incident_members(&id(INCIDENT)).is_empty());
    assert_eq!(dataset.relations().len(), 1);
    assert_eq!(dataset.relations()[0].target, Endpoint::Missing);
    assert_eq!(dataset.dangling()[0].field, "data.target");
    assert_eq!(dataset.dangling()[0].reason, DanglingReason::NotAReference);
}

#[test]
fn ids_in_any_case_are_one_entity() {
    let upper = entity(&INDICATOR.to_ascii_uppercase(), EntityType::INDICATOR);
    let lower = entity(INDICATOR, EntityType::INDICATOR);
    let entities = [upper, lower];
    let dataset = Dataset::from_entities(&entities);
    assert_eq!(dataset.len(), 1);
    assert_eq!(dataset.duplicates().len(), 1);
    assert_eq!(
        dataset.entity(&id(INDICATOR)).map(|e| e.id.as_str()),
        Some(INDICATOR.to_ascii_uppercase().as_str())
    );
}

#[test]
fn has_linked_incident_agrees_with_linked_incidents() {
    let incident = entity(INCIDENT, EntityType::INCIDENT);
    let indicator = entity(INDICATOR, EntityType::INDICATOR);
    let other = entity(OTHER, EntityType::INDICATOR);
    let link = rel(1, &incident, RelationKey::RELATED_INDICATORS, &indicator);
    let between = rel(
        2,
        &indicator,
        RelationKey::new("related_indicators"),
        &other,
    );
    let entities = [incident, indicator, other, link, between];
    let dataset = Dataset::from_entities(&entities);
    for uuid in [INCIDENT, INDICATOR, OTHER, REMOTE_INCIDENT] {
        assert_eq!(
            dataset.has_linked_incident(&id(uuid)),
            !dataset.linked_incidents(&id(uuid)).is_empty(),
            "{uuid}"
        );
    }
    assert!(dataset.has_linked_incident(&id(INDICATOR)));
    assert!(!dataset.has_linked_incident(&id(OTHER)));
    assert!(!dataset.has_linked_incident(&id(INCIDENT)));
}

#[test]
fn entities_with_incident_link_agrees_with_has_linked_incident() {
    let incident = entity(INCIDENT, EntityType::INCIDENT);
    let indicator = entity(INDICATOR, EntityType::INDICATOR);
    let other = entity(OTHER, EntityType::INDICATOR);
    let remote = remote_incident();
    let link = rel(1, &incident, RelationKey::RELATED_INDICATORS, &indicator);
    let dangling = rel(2, &remote, RelationKey::RELATED_INDICATORS, &other);
    let entities = [incident, indicator, other, remote, link, dangling];
    let dataset = Dataset::from_entities(&entities);
    let flags: Vec<(String, bool)> = dataset
        .entities_with_incident_link()
        .map(|(entity, linked)| (entity.id.to_string(), linked))
        .collect();
    assert_eq!(flags.len(), dataset.len());
    for (entity, (listed, linked)) in dataset.entities().zip(&flags) {
        assert_eq!(&entity.id.to_string(), listed);
        let expected = !entity.is_stub() && dataset.has_linked_incident(&entity.id);
        assert_eq!(*linked, expected, "{listed}");
    }
    assert_eq!(
        flags.iter().filter(|(_, linked)| *linked).count(),
        1,
        "only the indicator is linked to an incident of the dataset"
    );
}
