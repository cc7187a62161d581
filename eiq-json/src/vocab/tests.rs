use super::*;

#[test]
fn all_77_extract_kinds_are_named() {
    assert_eq!(ExtractKind::KNOWN.len(), 77);
    let mut names: Vec<&str> = ExtractKind::KNOWN.iter().map(ExtractKind::as_str).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 77);
}

#[test]
fn unknown_values_of_open_vocabularies_are_kept() {
    let kind = ExtractKind::new("hash-tlsh");
    assert_eq!(kind.as_str(), "hash-tlsh");
    assert!(!kind.is_known());
    assert_eq!(ExtractKind::new("ipv4"), ExtractKind::IPV4);
    assert_eq!(LinkType::new("exfiltrated").as_str(), "exfiltrated");
    assert_eq!(RelationKey::new("x_custom").as_str(), "x_custom");
}

#[test]
fn entity_types_are_normalised_only_when_known() {
    assert_eq!(
        EntityType::new(" EclecticIQ-sighting"),
        EntityType::ECLECTICIQ_SIGHTING
    );
    assert_eq!(
        EntityType::new("Perimeter Blocking").as_str(),
        "Perimeter Blocking"
    );
}

#[test]
fn stub_types() {
    let stub = EntityType::new("threat-actor_ref");
    assert!(stub.is_stub());
    assert_eq!(stub.stub_target(), Some(EntityType::THREAT_ACTOR));
    assert_eq!(EntityType::INCIDENT.stub().as_str(), "incident_ref");
    assert!(!EntityType::INCIDENT.is_stub());
    assert!(!EntityType::new("_ref").is_stub());
}

#[test]
fn half_life_defaults_match_the_documented_table() {
    let days: Vec<Option<u64>> = EntityType::STIX1
        .iter()
        .map(EntityType::default_half_life)
        .collect();
    assert_eq!(
        days,
        [
            Some(1000),
            Some(182),
            Some(182),
            Some(182),
            Some(182),
            Some(30),
            Some(182),
            Some(1000),
            Some(720)
        ]
    );
    assert_eq!(EntityType::RELATION.default_half_life(), None);
}

#[test]
fn closed_vocabularies_parse_case_insensitively() {
    assert_eq!(Tlp::parse("amber"), Some(Tlp::Amber));
    assert_eq!(Tlp::parse(" Amber+Strict "), Some(Tlp::AmberStrict));
    assert_eq!(Tlp::parse("PURPLE"), None);
    assert_eq!(SourceReliability::parse("b"), Some(SourceReliability::B));
    assert_eq!(SourceReliability::parse("G"), None);
    assert_eq!(Classification::parse("BAD"), Some(Classification::Bad));
    assert_eq!(
        ExtractConfidence::parse("Medium"),
        Some(ExtractConfidence::Medium)
    );
}

#[test]
fn closed_vocabulary_error_names_the_value() {
    let err = serde_json::from_str::<Tlp>("\"PURPLE\"").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("unknown Tlp `PURPLE`, expected WHITE"),
        "{err}"
    );
}
