//! Round-trip properties over generated events (strategies from the `proptest` feature).

use misp_model::feed::{FeedOptions, Manifest, parse_hashes, write_feed};
use misp_model::{Document, Event, Limits};
use proptest::prelude::*;

/// `is_uuid` as first written: split at the hyphens, compare the part lengths, then check
/// every byte. The one-pass check must agree with it.
fn is_uuid_by_parts(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() == 36
        && bytes
            .split(|b| *b == b'-')
            .map(<[u8]>::len)
            .eq([8, 4, 4, 4, 12])
        && bytes.iter().all(|b| *b == b'-' || b.is_ascii_hexdigit())
}

/// Texts near a UUID: real ones, with one byte replaced, inserted or removed, and strings of
/// the UUID alphabet (plus a few others) of lengths around 36.
fn near_uuid() -> impl Strategy<Value = String> {
    let uuid = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
    let byte = prop::sample::select(vec!['-', '0', '9', 'a', 'f', 'A', 'F', 'g', 'G', ' ', 'é']);
    prop_oneof![
        uuid.prop_map(String::from),
        (uuid, 0..36usize, byte.clone(), 0..3u8).prop_map(|(text, at, with, how)| {
            let mut chars: Vec<char> = text.chars().collect();
            match how {
                0 => chars[at] = with,
                1 => chars.insert(at, with),
                _ => {
                    chars.remove(at);
                }
            }
            chars.into_iter().collect()
        }),
        prop::collection::vec(byte, 34..=38).prop_map(|chars| chars.into_iter().collect()),
    ]
}

proptest! {
    // Cheap cases: many of them.
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn the_uuid_check_agrees_with_the_check_by_parts(text in near_uuid()) {
        prop_assert_eq!(misp_model::validate::is_uuid(&text), is_uuid_by_parts(&text), "{:?}", text);
    }
}

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
