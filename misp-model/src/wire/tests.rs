//! Tests of the lenient wire readers and MISP-style writers.

use serde_json::json;

use crate::error::Error;
use crate::{
    Attribute, Distribution, Document, Event, ReferencedType, SightingType, Tag, ThreatLevel,
};

fn event(value: serde_json::Value) -> Result<Event, Error> {
    Event::from_json(&serde_json::to_vec(&value).unwrap())
}

#[test]
fn numbers_are_read_from_strings_and_integers_and_written_as_strings() {
    let e = event(json!({"info": "x", "id": 12, "timestamp": "1700000000", "threat_level_id": 3}))
        .unwrap();
    assert_eq!(
        (e.id, e.timestamp, e.threat_level),
        (Some(12), Some(1_700_000_000), Some(ThreatLevel::Low))
    );
    assert_eq!(
        String::from_utf8(e.to_json()).unwrap(),
        r#"{"Event":{"id":"12","threat_level_id":"3","info":"x","timestamp":"1700000000"}}"#
    );
}

#[test]
fn flags_accept_the_real_world_spellings_with_their_plain_meaning() {
    for (raw, want) in [
        (json!(true), true),
        (json!(false), false),
        (json!(1), true),
        (json!(0), false),
        (json!("1"), true),
        (json!("0"), false),
        (json!("true"), true),
        (json!("false"), false),
    ] {
        let e = event(json!({"info": "x", "published": raw})).unwrap();
        assert_eq!(e.published, Some(want), "{raw}");
    }
    match event(json!({"info": "x", "Attribute": [{"type": "md5", "value": "v", "to_ids": "yes"}]}))
    {
        Err(Error::InvalidValue { path, value, .. }) => {
            assert_eq!(path, "Attribute[0].to_ids");
            assert_eq!(value, "yes");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn out_of_range_enumerations_are_typed_errors_with_paths() {
    let cases = [
        (
            json!({"Event": {"info": "x", "distribution": "6"}}),
            "Event.distribution",
            "6",
        ),
        (
            json!({"Event": {"info": "x", "threat_level_id": 0}}),
            "Event.threat_level_id",
            "0",
        ),
        (
            json!({"Event": {"info": "x", "analysis": "3"}}),
            "Event.analysis",
            "3",
        ),
        (
            json!({"Event": {"info": "x", "Attribute": [{}, {"type": "a", "value": "b", "distribution": "-1"}]}}),
            "Event.Attribute[1].distribution",
            "-1",
        ),
    ];
    // The first attribute is missing its type: the error names it before reaching the second.
    for (doc, want_path, want_value) in cases.iter().take(3) {
        match Document::from_json(&serde_json::to_vec(doc).unwrap()) {
            Err(Error::InvalidValue { path, value, .. }) => {
                assert_eq!((path.as_str(), value.as_str()), (*want_path, *want_value))
            }
            other => panic!("{doc}: {other:?}"),
        }
    }
    match Document::from_json(&serde_json::to_vec(&cases[3].0).unwrap()) {
        Err(Error::MissingField { path, field }) => {
            assert_eq!((path.as_str(), field), ("Event.Attribute[0]", "type"))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(Distribution::from_code(4), Some(Distribution::SharingGroup));
    assert_eq!(SightingType::from_code(3), Some(SightingType::TruePositive));
    assert_eq!(ReferencedType::from_code(2), None);
}

#[test]
fn wrong_json_types_and_malformed_json_are_typed() {
    match event(json!({"info": 5})) {
        Err(Error::WrongType {
            path,
            expected,
            found,
        }) => assert_eq!(
            (path.as_str(), expected, found),
            ("info", "a string", "number")
        ),
        other => panic!("{other:?}"),
    }
    match event(json!({"info": "x", "Tag": {"name": "t"}})) {
        Err(Error::WrongType { path, expected, .. }) => {
            assert_eq!((path.as_str(), expected), ("Tag", "an array"))
        }
        other => panic!("{other:?}"),
    }
    match Event::from_json(b"{\"info\": \"x\",\n \"id\": }") {
        Err(Error::Json { line, column, .. }) => assert_eq!((line, column), (2, 8)),
        other => panic!("{other:?}"),
    }
    match Document::from_json(b"\"just a string\"") {
        Err(Error::WrongType { path, .. }) => assert_eq!(path, ""),
        other => panic!("{other:?}"),
    }
    match Document::from_json(br#"{"response": {"Event": []}}"#) {
        Err(Error::UnrecognisedDocument { path, .. }) => assert_eq!(path, "response"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_keys_nulls_and_empty_lists_survive_a_round_trip() {
    let input = json!({"Event": {
        "info": "x",
        "first_seen_custom": {"a": [1, 2]},
        "protected": null,
        "Attribute": [],
        "orgc": "Iglocska",
        "Tag": [{"name": "tlp:green", "local": 0, "numerical_value": null}],
        "Object": [{"name": "file", "ObjectReference": [{"source_uuid": "u", "referenced_uuid": "v", "Object": {"x": 1}}]}]
    }});
    let e = event(input.clone()).unwrap();
    assert_eq!(e.protected, None);
    assert!(!e.tags[0].is_local());
    assert_eq!(e.objects[0].references[0].source_object_uuid(), Some("u"));
    let written: serde_json::Value = serde_json::from_slice(&e.to_json()).unwrap();
    assert_eq!(written, input);
}

#[test]
fn every_response_element_is_kept() {
    let doc = Document::from_json(
        br#"{"response":[{"Event":{"info":"a"}},{"info":"b"},{"Event":{"info":"c"}}]}"#,
    )
    .unwrap();
    let infos: Vec<&str> = doc.events().iter().map(|e| e.info.as_str()).collect();
    assert_eq!(infos, ["a", "b", "c"]);
    let doc = Document::from_json(br#"[{"info":"a","id":"1"},{"info":"b","id":"2"}]"#).unwrap();
    assert!(matches!(&doc, Document::Index(rows) if rows.len() == 2));
    let doc = Document::from_json(
        br#"{"response":{"Attribute":[{"type":"md5","value":"x","Event":{"uuid":"u"}}]}}"#,
    )
    .unwrap();
    match &doc {
        Document::Attributes(list) => assert_eq!(list[0].extra["Event"]["uuid"], "u"),
        other => panic!("{other:?}"),
    }
    let doc = Document::from_json(
        br#"{"response":[{"Object":{"name":"file"}},{"Object":{"name":"url"}}]}"#,
    )
    .unwrap();
    assert!(matches!(&doc, Document::Objects(list) if list.len() == 2 && list[1].name == "url"));
}

#[test]
fn limits_are_enforced() {
    let limits = crate::Limits::default()
        .with_max_events(1)
        .with_max_attributes(1);
    match Document::from_json_with(br#"[{"info":"a"},{"info":"b"}]"#, &limits) {
        Err(Error::LimitExceeded { what, limit }) => assert_eq!((what, limit), ("events", 1)),
        other => panic!("{other:?}"),
    }
    let two = br#"{"info":"a","Attribute":[{"type":"a","value":"1"},{"type":"a","value":"2"}]}"#;
    match Document::from_json_with(two, &limits) {
        Err(Error::LimitExceeded { what, .. }) => assert_eq!(what, "attributes"),
        other => panic!("{other:?}"),
    }
    let tiny = crate::Limits::default()
        .with_max_document_bytes(taxii1_core::size::SizeLimit::new(4).unwrap());
    assert!(matches!(
        Document::from_json_with(br#"{"info":"a"}"#, &tiny),
        Err(Error::TooLarge(_))
    ));
}

#[test]
fn construction_in_code_is_deterministic() {
    let event = Event::new("Incident")
        .with_uuid("8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e")
        .with_distribution(Distribution::Community)
        .with_tag(Tag::new("tlp:green"))
        .with_attribute(
            Attribute::new("domain", "login.example")
                .with_uuid("1c7a0b72-1d2e-4f30-9b4c-5d6e7f809102")
                .with_category("Network activity")
                .with_to_ids(true)
                .with_comment("c")
                .with_tag(Tag::new("kill-chain:delivery").with_local(true)),
        );
    let json = String::from_utf8(event.to_json_bare()).unwrap();
    assert_eq!(
        json,
        concat!(
            r#"{"info":"Incident","uuid":"8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e","distribution":"1","#,
            r#""Attribute":[{"type":"domain","category":"Network activity","to_ids":true,"uuid":"1c7a0b72-1d2e-4f30-9b4c-5d6e7f809102","comment":"c","value":"login.example","Tag":[{"name":"kill-chain:delivery","local":true}]}],"#,
            r#""Tag":[{"name":"tlp:green"}]}"#
        )
    );
    assert_eq!(Event::from_json(json.as_bytes()).unwrap(), event);
}
