use serde_json::json;

use super::*;

fn parse(value: Value) -> EntityData {
    serde_json::from_value(value).unwrap()
}

#[test]
fn type_selects_the_variant() {
    let cases = [
        ("campaign", "Campaign"),
        ("course-of-action", "CourseOfAction"),
        ("eclecticiq-sighting", "Sighting"),
        ("exploit-target", "ExploitTarget"),
        ("incident", "Incident"),
        ("indicator", "Indicator"),
        ("report", "Report"),
        ("threat-actor", "ThreatActor"),
        ("ttp", "Ttp"),
        ("malware", "Stix21"),
        ("incident_ref", "Stub"),
        ("Perimeter Blocking", "Other"),
    ];
    for (entity_type, variant) in cases {
        let data = parse(json!({"type": entity_type}));
        let debug = format!("{data:?}");
        assert!(
            debug.starts_with(&format!("{variant}(")),
            "{entity_type}: {debug}"
        );
        assert_eq!(data.entity_type().as_str(), entity_type);
        assert_eq!(
            EntityData::new(EntityType::new(entity_type)),
            data,
            "{entity_type}"
        );
    }
    let relation = parse(json!({"type": "relation", "source": "a", "target": "b"}));
    assert_eq!(relation.as_relation().map(|r| r.source.as_str()), Some("a"));
}

#[test]
fn typed_members_are_read() {
    let data = parse(json!({
        "type": "incident",
        "title": "t",
        "status": {"type": "statement", "value": "Open"},
        "confidence": "medium",
        "time": {"first_malicious_action": {"value": "2023-09-01T07:42:00+00:00", "precision": "minute"}},
        "handling": [{"type": "marking-specification", "marking_structures": [
            {"type": "marking-structure", "marking_structure_type": "tlp", "color": "RED"}]}]
    }));
    let incident = data.as_incident().unwrap();
    assert_eq!(
        incident.status.get().and_then(Statement::value),
        Some("Open")
    );
    assert_eq!(
        incident.confidence.get(),
        Some(&Statement::Text("medium".into()))
    );
    let first = incident
        .time
        .get()
        .unwrap()
        .first_malicious_action
        .get()
        .unwrap();
    assert_eq!(first.precision.get().map(String::as_str), Some("minute"));
    assert_eq!(data.handling_tlp(), Some(Tlp::Red));
    assert_eq!(data.title(), Some("t"));
}

#[test]
fn wrong_shapes_name_the_member_inside_data() {
    // After `type`, members are read straight from the input: the reader's own path tracking
    // names them (`entities[1].data.source`, see the integration tests), as in any struct.
    let err = serde_json::from_value::<EntityData>(
        json!({"type": "relation", "source": 7, "target": "b"}),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("invalid type: integer `7`, expected a string"),
        "{err}"
    );
    let err = serde_json::from_value::<EntityData>(json!({"type": "relation", "target": "b"}))
        .unwrap_err()
        .to_string();
    assert_eq!(err, "missing field `source`");
    // A member before `type` was held while looking for it; its error names it and the path
    // inside it.
    let err = serde_json::from_value::<EntityData>(
        json!({"handling": [{"marking_structures": 5}], "type": "indicator"}),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("in `handling[0].marking_structures`: invalid type: integer `5`"),
        "{err}"
    );
    let err = serde_json::from_value::<EntityData>(
        json!({"source": 7, "type": "relation", "target": "b"}),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("in `source`: invalid type: integer `7`, expected a string"),
        "{err}"
    );
    let err = serde_json::from_value::<EntityData>(json!({"title": "no type"})).unwrap_err();
    assert_eq!(err.to_string(), "missing field `type`");
    let err = serde_json::from_value::<EntityData>(json!({"type": 3})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "in `type`: invalid type: expected the entity type as a string"
    );
}

#[test]
fn unknown_members_are_kept() {
    let value =
        json!({"type": "ttp", "title": "x", "x_vendor": {"a": [1, 2]}, "behavior": {"odd": true}});
    let data = parse(value.clone());
    assert_eq!(data.extra().get("x_vendor"), Some(&json!({"a": [1, 2]})));
    assert_eq!(serde_json::to_value(&data).unwrap(), value);
}

#[test]
fn setters_reach_every_family() {
    let mut stix = EntityData::new(EntityType::MALWARE);
    stix.set_title("ExampleLoader");
    stix.set_qualified_id("malware--1");
    assert_eq!(stix.title(), Some("ExampleLoader"));
    assert_eq!(stix.qualified_id(), Some("malware--1"));
    let mut relation = EntityData::new(EntityType::RELATION);
    relation.set_title("ignored");
    assert_eq!(relation.title(), None);
}

/// Large, usually absent members stay boxed: an unboxed `Value` or `serde_json::Map` (72 bytes
/// each, where an `Extra` is 8) or information source (432) in a body would show here long before
/// it shows in a benchmark.
#[cfg(target_pointer_width = "64")]
#[test]
fn bodies_stay_small() {
    use std::mem::size_of;
    // The sizes on x86_64 with Rust 1.95, plus 40 bytes of slack for layout changes: less than
    // one unboxed `Value` (56 bytes more than a boxed one).
    let bodies = [
        ("campaign", size_of::<CampaignData>(), 408),
        ("course-of-action", size_of::<CourseOfActionData>(), 440),
        ("sighting", size_of::<SightingData>(), 320),
        ("exploit-target", size_of::<ExploitTargetData>(), 384),
        ("incident", size_of::<IncidentData>(), 568),
        ("indicator", size_of::<IndicatorData>(), 472),
        ("report", size_of::<ReportData>(), 416),
        ("threat-actor", size_of::<ThreatActorData>(), 472),
        ("ttp", size_of::<TtpData>(), 392),
        ("relation", size_of::<RelationData>(), 224),
        ("stix21", size_of::<Stix21Data>(), 344),
        ("generic", size_of::<GenericData>(), 280),
        ("extract", size_of::<crate::Extract>(), 88),
        ("entity", size_of::<crate::Entity>(), 192),
        ("meta", size_of::<crate::Meta>(), 320),
    ];
    for (name, size, measured) in bodies {
        assert!(
            size <= measured + 40,
            "{name} is {size} bytes, was {measured}"
        );
    }
    assert_eq!(size_of::<Statement>(), 24);
    assert_eq!(size_of::<Identity>(), 24);
}
