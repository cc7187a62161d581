//! Property tests: generated packages survive a round trip, and the graph finds every relation.

use eiq_json::strategy;
use eiq_json::{Dataset, Document, Package};
use proptest::prelude::*;
use serde_json::Value;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn generated_packages_round_trip(package in strategy::package()) {
        let bytes = package.to_json().unwrap();
        let parsed = Package::from_json(&bytes).unwrap();
        prop_assert_eq!(&parsed, &package);
        let as_value: Value = serde_json::from_slice(&parsed.to_json().unwrap()).unwrap();
        prop_assert_eq!(as_value, serde_json::from_slice::<Value>(&bytes).unwrap());
        prop_assert!(parsed.count_mismatches().is_empty());
        let document = Document::from_json(&package.to_json_pretty().unwrap()).unwrap();
        prop_assert_eq!(document, Document::Package(Box::new(package)));
    }

    #[test]
    fn every_generated_relation_is_a_link(package in strategy::package()) {
        let dataset = Dataset::from_packages([&package]);
        prop_assert!(dataset.dangling().is_empty());
        for view in dataset.relations() {
            let source = view.source.entity().unwrap();
            let target = view.target.entity().unwrap();
            let links = dataset.links_of(&source.id);
            prop_assert!(links.iter().any(|linked| linked.entity.id == target.id));
            if target.entity_type().as_str() == "incident" && source.id != target.id {
                let members = dataset.incident_members(&target.id);
                prop_assert!(members.iter().any(|m| m.entity.id == source.id));
                let incidents = dataset.linked_incidents(&source.id);
                prop_assert!(incidents.iter().any(|m| m.entity.id == target.id));
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = Document::from_json(&bytes);
    }
}
