//! Round-trip properties over generated events (strategies from the `proptest` feature).

use misp_model::feed::{FeedOptions, Manifest, parse_hashes, write_feed};
use misp_model::{Document, Event, Limits};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn events_round_trip_through_json(event in misp_model::strategy::event()) {
        let bytes = event.to_json();
        prop_assert_eq!(&Event::from_json(&bytes).unwrap(), &event);
        let bare = event.to_json_bare();
        prop_assert_eq!(&Event::from_json(&bare).unwrap(), &event);
        // The writer is deterministic.
        prop_assert_eq!(Event::from_json(&bytes).unwrap().to_json(), bytes);
    }

    #[test]
    fn lists_keep_every_event(events in proptest::collection::vec(misp_model::strategy::event(), 0..4)) {
        let doc = Document::Events(events.clone());
        prop_assert_eq!(Document::from_json(&doc.to_json()).unwrap().into_events(), events);
    }

    #[test]
    fn feeds_read_back(event in misp_model::strategy::event()) {
        prop_assume!(event.orgc.is_some());
        let files = write_feed(std::slice::from_ref(&event), &FeedOptions::new(1_700_000_000)).unwrap();
        let limits = Limits::default();
        let manifest = Manifest::from_json(&files[2].bytes, &limits).unwrap();
        prop_assert_eq!(manifest.entries.len(), 1);
        prop_assert_eq!(&manifest.entries[0].1.info, &event.info);
        let hashes = parse_hashes(&files[1].bytes, &limits).unwrap();
        let parts: usize = event
            .all_attributes()
            .map(|a| if a.attribute_type.contains('|') { a.value.split('|').count() } else { 1 })
            .sum();
        prop_assert_eq!(hashes.len(), parts);
        let fed = Event::from_json(&files[0].bytes).unwrap();
        prop_assert_eq!(&fed.uuid, &event.uuid);
        prop_assert_eq!(fed.all_attributes().count(), event.all_attributes().count());
    }
}
