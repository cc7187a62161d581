//! Graph queries over generated packages agree with each other: the link lists behind them
//! are built once, by a counting sort of the link ends.

use eiq_json::Dataset;
use eiq_json::strategy::package;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn member_entities_and_link_flags_agree_with_the_full_queries(
        first in package(),
        second in package(),
    ) {
        let dataset = Dataset::from_packages([&first, &second]);
        let flags: Vec<bool> = dataset.entities_with_incident_link().map(|(_, linked)| linked).collect();
        for (entity, linked) in dataset.entities().zip(flags) {
            let members: Vec<&str> = dataset
                .incident_members(&entity.id)
                .iter()
                .map(|l| l.entity.id.as_str())
                .collect();
            let member_entities: Vec<&str> = dataset
                .incident_member_entities(&entity.id)
                .iter()
                .map(|e| e.id.as_str())
                .collect();
            prop_assert_eq!(members, member_entities);
            let is_full = dataset.entity(&entity.id).is_some_and(|full| std::ptr::eq(full, entity));
            let incidents = dataset.linked_incidents(&entity.id);
            prop_assert_eq!(dataset.has_linked_incident(&entity.id), !incidents.is_empty());
            if is_full {
                prop_assert_eq!(linked, !incidents.is_empty());
            }
            // Links are seen from both ends, each end in dataset order.
            let links = dataset.links_of(&entity.id);
            for linked in &links {
                prop_assert!(dataset
                    .links_of(&linked.entity.id)
                    .iter()
                    .any(|back| back.entity.id.as_str() == entity.id.as_str()));
            }
            let positions: Vec<usize> = links
                .iter()
                .filter_map(|l| dataset.entities().position(|e| std::ptr::eq(e, l.entity)))
                .collect();
            prop_assert!(positions.windows(2).all(|pair| pair[0] < pair[1]));
        }
    }
}
