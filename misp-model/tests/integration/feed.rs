//! The feed writer against the feed PyMISP wrote, and the feed readers against a real feed.

use std::collections::BTreeMap;

use misp_model::feed::{FeedOptions, Manifest, md5_hex, parse_hashes, write_feed};
use misp_model::{Document, Error, Event, Limits};
use serde_json::Value;

use crate::shared_dir;

/// PyMISP writes integers in the manifest; we write strings. Compare with integers as strings.
fn ints_as_strings(value: Value) -> Value {
    match value {
        Value::Number(n) => Value::String(n.to_string()),
        Value::Array(items) => Value::Array(items.into_iter().map(ints_as_strings).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, ints_as_strings(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Drops `disable_correlation` from the attributes whose UUID is in `uuids`.
fn forget_template_flags(value: Value, uuids: &[String]) -> Value {
    match value {
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| forget_template_flags(v, uuids))
                .collect(),
        ),
        Value::Object(mut map) => {
            let listed = map
                .get("uuid")
                .and_then(Value::as_str)
                .is_some_and(|u| uuids.iter().any(|x| x == u));
            if listed && map.contains_key("object_relation") {
                map.shift_remove("disable_correlation");
            }
            if listed && map.contains_key("referenced_uuid") {
                map.shift_remove("object_uuid");
            }
            Value::Object(
                map.into_iter()
                    .map(|(k, v)| (k, forget_template_flags(v, uuids)))
                    .collect(),
            )
        }
        other => other,
    }
}

#[test]
fn our_feed_equals_the_feed_pymisp_wrote() {
    let Some(shared) = shared_dir("PyMISP feed comparison") else {
        return;
    };
    let sources = [
        "corpus/misp/events/misp/tests__event.json",
        "corpus/misp/events/pymisp/57c4445b-c548-4654-af0b-4be3950d210f.json",
        "corpus/misp/events/pymisp/reportlab_testfiles__mainly_objects_1.json",
        "corpus/misp/events/pymisp/reportlab_testfiles__sighting_1.json",
    ];
    let events: Vec<Event> = sources
        .iter()
        .map(|s| Event::from_json(&std::fs::read(shared.join(s)).unwrap()).unwrap())
        .collect();
    // PyMISP fills an object attribute's missing `disable_correlation` from the object template
    // (which we do not ship); take its answer for those few slots.
    let untemplated: Vec<String> = events
        .iter()
        .flat_map(|e| e.objects.iter())
        .flat_map(|o| o.attributes.iter())
        .filter(|a| a.disable_correlation.is_none())
        .filter_map(|a| a.uuid.as_ref().map(String::from))
        .collect();
    // A reference without `object_uuid` in the source: we write its containing object's UUID,
    // PyMISP writes an unrelated object's UUID (state leaking between its objects); skip those.
    let unsourced: Vec<String> = events
        .iter()
        .flat_map(|e| e.objects.iter())
        .flat_map(|o| o.references.iter())
        .filter(|r| r.source_object_uuid().is_none())
        .filter_map(|r| r.uuid.clone())
        .collect();
    let skip: Vec<String> = untemplated.iter().chain(&unsourced).cloned().collect();
    let files = write_feed(&events, &FeedOptions::new(1_800_000_000)).unwrap();
    assert_eq!(files.len(), 6);
    let reference = shared.join("peers/misp/pymisp-feed-output");
    let mut compared = 0;
    for file in &files {
        let theirs = std::fs::read(reference.join(&file.name)).unwrap();
        match file.name.as_str() {
            "hashes.csv" => {
                let ours = String::from_utf8(file.bytes.clone()).unwrap();
                let theirs = String::from_utf8(theirs).unwrap();
                assert_eq!(ours.lines().count(), 127);
                assert_eq!(ours, theirs, "hashes.csv differs");
            }
            _ => {
                let ours: Value =
                    forget_template_flags(serde_json::from_slice(&file.bytes).unwrap(), &skip);
                let theirs: Value = forget_template_flags(
                    ints_as_strings(serde_json::from_slice(&theirs).unwrap()),
                    &skip,
                );
                if let Some(diff) = crate::first_diff(&ours, &theirs, "") {
                    panic!("{} differs: {diff}", file.name);
                }
            }
        }
        compared += 1;
    }
    assert_eq!(compared, 6);
    // Event files are indented with two spaces, like PyMISP's generator.
    assert!(files[0].bytes.starts_with(b"{\n  \"Event\": {\n    \""));
}

#[test]
fn real_feed_reads_and_is_self_consistent() {
    let Some(shared) = shared_dir("real feed reading") else {
        return;
    };
    let dir = shared.join("corpus/misp/feeds/tweetfeed-subset");
    let limits = Limits::default();
    let manifest =
        Manifest::from_json(&std::fs::read(dir.join("manifest.json")).unwrap(), &limits).unwrap();
    assert_eq!(manifest.entries.len(), 3);
    let hashes = parse_hashes(&std::fs::read(dir.join("hashes.csv")).unwrap(), &limits).unwrap();
    assert_eq!(hashes.len(), 244);
    let mut expected: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (uuid, entry) in &manifest.entries {
        let event =
            Event::from_json(&std::fs::read(dir.join(format!("{uuid}.json"))).unwrap()).unwrap();
        assert_eq!(event.uuid.as_deref(), Some(uuid.as_str()));
        assert_eq!(event.info, entry.info);
        assert_eq!(event.timestamp, entry.timestamp);
        for attribute in event.all_attributes() {
            *expected
                .entry((md5_hex(&attribute.value), uuid.clone()))
                .or_default() += 1;
        }
    }
    for line in &hashes {
        assert!(
            expected.contains_key(&(line.md5.clone(), line.event_uuid.clone())),
            "hash line {line:?} matches no attribute"
        );
    }
    // Our writer reproduces the same hash lines (as a set) for these events.
    let events: Vec<Event> = manifest
        .entries
        .iter()
        .map(|(uuid, _)| {
            Event::from_json(&std::fs::read(dir.join(format!("{uuid}.json"))).unwrap()).unwrap()
        })
        .collect();
    let files = write_feed(&events, &FeedOptions::new(1_800_000_000)).unwrap();
    let ours = parse_hashes(&files[files.len() - 2].bytes, &limits).unwrap();
    let set = |v: &[misp_model::feed::HashLine]| {
        v.iter()
            .map(|l| (l.md5.clone(), l.event_uuid.clone()))
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(set(&ours), set(&hashes));
    // The rewritten manifest reads back equal to the original one.
    let rewritten = Manifest::from_json(&files[files.len() - 1].bytes, &limits).unwrap();
    assert_eq!(rewritten.entries.len(), 3);
    for ((u1, e1), (u2, e2)) in rewritten.entries.iter().zip(&manifest.entries) {
        assert_eq!(
            (u1, &e1.info, e1.timestamp, e1.date.as_deref()),
            (u2, &e2.info, e2.timestamp, e2.date.as_deref())
        );
    }
}

#[test]
fn feed_readers_give_typed_errors() {
    let limits = Limits::default();
    match parse_hashes(
        b"d41d8cd98f00b204e9800998ecf8427e,8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e\nnot-a-hash,x\n",
        &limits,
    ) {
        Err(Error::Feed { file, problem }) => {
            assert_eq!(file, "hashes.csv");
            assert_eq!(problem, "line 2: first column is not a 32-digit hex md5");
        }
        other => panic!("{other:?}"),
    }
    match Manifest::from_json(br#"{"not-a-uuid":{"info":"x"}}"#, &limits) {
        Err(Error::Feed { file, .. }) => assert_eq!(file, "manifest.json"),
        other => panic!("{other:?}"),
    }
    match Manifest::from_json(
        br#"{"8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e":{"info":"x","threat_level_id":9}}"#,
        &limits,
    ) {
        Err(Error::InvalidValue { path, .. }) => {
            assert_eq!(path, "8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e.threat_level_id");
        }
        other => panic!("{other:?}"),
    }
    // An event without Orgc cannot go into a feed.
    let event = Event::new("x").with_uuid("8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e");
    match write_feed(&[event], &FeedOptions::new(0)) {
        Err(Error::NotFeedable { index, reason }) => {
            assert_eq!((index, reason), (0, "missing Orgc name or uuid"))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
    assert_eq!(misp_model::feed::date_of(1_715_904_000), "2024-05-17");
    assert_eq!(misp_model::feed::date_of(951_782_400), "2000-02-29");
    let _ = Document::from_json(b"{}");
}
