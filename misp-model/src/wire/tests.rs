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

/// An event with every writer path: markers in and out of MISP's layout, unknown keys with
/// nested values and floats, escapes, non-ASCII, objects, references, sightings and galaxies.
const AWKWARD: &str = r#"{"Event":{"RelatedEvent":[],"info":"tab\tquote\"back\\slash\u0001 é 漢","Galaxy":[],"zzz":1.5,"ShadowAttribute":null,"uuid":"8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e","id":"7","distribution":"4","sharing_group_id":3,"published":"1","Orgc":{"name":"ACME","x":null},"Attribute":[{"first_seen":null,"type":"ip-dst","x":[1,{"a":null}],"object_relation":null,"value":"1.2.3.4","Tag":[],"comment":"a\"b\\c\n"},{"id":"18446744073709551615","type":"md5","value":"v","to_ids":"0","distribution":5,"Sighting":[{"type":"1","Organisation":{"name":"o"}}],"Galaxy":[{"name":"g","GalaxyCluster":[{"value":"c","meta":{"k":["v",-2,1e300]}}]}]}],"Object":[{"name":"file","meta-category":"file","ObjectReference":[{"source_uuid":"u","referenced_uuid":"v","Object":{"x":1}}],"Attribute":[{"type":"sha256","value":"ab","object_relation":"sha256","last_seen":null}]}],"EventReport":[{"name":"r","content":"c","distribution":"1"}],"Tag":[{"name":"tlp:green","local":0,"numerical_value":null}]}}"#;

#[test]
fn absent_markers_are_kept_apart_from_extra_and_written_back_where_they_were() {
    let e = Event::from_json(AWKWARD.as_bytes()).unwrap();
    let a = &e.attributes[0];
    assert_eq!(a.absent_marker("first_seen"), Some(serde_json::Value::Null));
    assert_eq!(a.absent_marker("Tag"), Some(json!([])));
    assert_eq!(a.absent_marker("last_seen"), None);
    assert_eq!(a.absent_marker("no-such-key"), None);
    assert_eq!(a.extra.keys().collect::<Vec<_>>(), ["x"]);
    assert_eq!(
        e.absent_marker("ShadowAttribute"),
        Some(serde_json::Value::Null)
    );
    assert_eq!(e.absent_marker("Object"), None, "Object is read as a list");
    assert_eq!(e.objects.len(), 1);
    assert_eq!(e.absent_marker("Galaxy"), Some(json!([])));
    assert_eq!(
        e.extra.keys().collect::<Vec<_>>(),
        ["RelatedEvent", "zzz"],
        "typed keys never land in extra"
    );
    let written = String::from_utf8(a.to_owned().to_json_attribute()).unwrap();
    assert_eq!(
        written,
        r#"{"type":"ip-dst","comment":"a\"b\\c\n","value":"1.2.3.4","first_seen":null,"x":[1,{"a":null}],"object_relation":null,"Tag":[]}"#
    );
    // MISP's own layout (markers in key order, no unknown keys) needs no explicit places.
    let misp = br#"{"info":"x","Attribute":[{"type":"md5","object_relation":null,"first_seen":null,"value":"v","Galaxy":[],"ShadowAttribute":[],"later":1}]}"#;
    let e = Event::from_json(misp).unwrap();
    assert!(e.attributes[0].absent.placed.is_none());
    assert_eq!(
        String::from_utf8(e.attributes[0].to_json_attribute()).unwrap(),
        r#"{"type":"md5","value":"v","object_relation":null,"first_seen":null,"Galaxy":[],"ShadowAttribute":[],"later":1}"#
    );
}

impl Attribute {
    /// The attribute alone in the compact wire form (test helper).
    fn to_json_attribute(&self) -> Vec<u8> {
        let mut out = crate::wire::compact::Out::in_memory();
        crate::wire::WireValue::write_compact(self, &mut out);
        out.into_bytes()
    }
}

#[test]
fn repeated_keys_keep_their_first_place_and_last_marker() {
    let e = event(json!({"info": "x"})).unwrap();
    assert!(e.absent.is_empty());
    let raw = br#"{"info":"x","Attribute":[{"type":"a","Tag":null,"y":1,"Tag":[],"value":"v","comment":null,"comment":"c"}]}"#;
    let e = Event::from_json(raw).unwrap();
    let a = &e.attributes[0];
    assert_eq!(a.absent_marker("Tag"), Some(json!([])));
    assert_eq!(a.comment.as_deref(), Some("c"));
    // The typed comment wins over its earlier null; Tag stays before y as first read.
    assert_eq!(
        String::from_utf8(a.to_json_attribute()).unwrap(),
        r#"{"type":"a","comment":"c","value":"v","Tag":[],"y":1}"#
    );
}

#[test]
fn markers_give_way_to_fields_set_later_and_can_be_cleared() {
    let raw = br#"{"info":"x","Attribute":[{"type":"a","value":"v","first_seen":null,"Tag":[]}]}"#;
    let mut e = Event::from_json(raw).unwrap();
    let a = &mut e.attributes[0];
    *a.first_seen = Some("2024-01-01T00:00:00Z".to_owned());
    assert_eq!(
        String::from_utf8(a.to_json_attribute()).unwrap(),
        r#"{"type":"a","first_seen":"2024-01-01T00:00:00Z","value":"v","Tag":[]}"#
    );
    a.clear_absent_markers();
    assert_eq!(a.absent_marker("Tag"), None);
    assert_eq!(
        String::from_utf8(a.to_json_attribute()).unwrap(),
        r#"{"type":"a","first_seen":"2024-01-01T00:00:00Z","value":"v"}"#
    );
}

#[test]
fn the_value_reader_keeps_markers_like_the_byte_reader() {
    let value: serde_json::Value = serde_json::from_str(AWKWARD).unwrap();
    let from_value = Document::from_value(value).unwrap();
    let from_bytes = Document::from_json(AWKWARD.as_bytes()).unwrap();
    assert_eq!(from_value, from_bytes);
    assert_eq!(from_value.to_json(), from_bytes.to_json());
}

#[test]
fn the_compact_writer_writes_what_the_serde_impls_write() {
    let e = Event::from_json(AWKWARD.as_bytes()).unwrap();
    let serde_form = serde_json::to_vec(&crate::document::Wrapped { event: &e }).unwrap();
    assert_eq!(
        String::from_utf8(e.to_json()).unwrap(),
        String::from_utf8(serde_form).unwrap()
    );
    assert_eq!(e.to_json_bare(), serde_json::to_vec(&e).unwrap());
    let mut streamed = Vec::new();
    e.write_json(&mut streamed).unwrap();
    assert_eq!(streamed, e.to_json());
    let mut pretty = Vec::new();
    e.write_json_pretty(&mut pretty).unwrap();
    assert_eq!(pretty, e.to_json_pretty());
    // Every document form.
    for raw in [
        AWKWARD.to_owned(),
        format!(r#"{{"response":[{AWKWARD},{{"info":"b"}}]}}"#),
        format!("[{}]", &AWKWARD[9..AWKWARD.len() - 1]),
        r#"{"response":{"Attribute":[{"type":"md5","value":"x","Event":{"uuid":"u"}}]}}"#
            .to_owned(),
        r#"{"response":{"Attribute":[]}}"#.to_owned(),
        r#"{"response":[{"Object":{"name":"file","x":null}},{"Object":{"name":"url"}}]}"#
            .to_owned(),
        r#"{"response":[]}"#.to_owned(),
    ] {
        let doc = Document::from_json(raw.as_bytes()).unwrap();
        let compact = doc.to_json();
        assert_eq!(compact, serde_json::to_vec(&doc).unwrap(), "{raw}");
        let mut streamed = Vec::new();
        doc.write_json(&mut streamed).unwrap();
        assert_eq!(streamed, compact, "{raw}");
    }
}

#[test]
fn input_that_is_not_utf8_is_a_json_error_with_its_position() {
    let raw = b"{\"info\": \"x\",\n \"comment\": \"\xff\"}";
    let expected = serde_json::from_slice::<serde_json::Value>(raw).unwrap_err();
    match Event::from_json(raw) {
        Err(Error::Json { line, column, .. }) => {
            assert_eq!((line, column), (expected.line(), expected.column()));
            assert_eq!(line, 2);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn scalars_read_without_a_value_keep_the_value_error_messages() {
    let cases: [(&str, &str, &str); 6] = [
        (r#""id": 1.5"#, "1.5", "a non-negative integer"),
        (r#""id": -1"#, "-1", "a non-negative integer"),
        (
            r#""id": "18446744073709551616""#,
            "18446744073709551616",
            "a non-negative integer",
        ),
        (r#""to_ids": [1, 2]"#, "[1,2]", "a flag"),
        (
            r#""distribution": {"a": 1}"#,
            r#"{"a":1}"#,
            "a distribution level",
        ),
        (r#""distribution": "9""#, "9", "a distribution level"),
    ];
    for (entry, want_value, want_expected) in cases {
        let raw = format!(r#"{{"info":"x","Attribute":[{{"type":"a","value":"v",{entry}}}]}}"#);
        match Event::from_json(raw.as_bytes()) {
            Err(Error::InvalidValue {
                path,
                value,
                expected,
            }) => {
                assert!(path.starts_with("Attribute[0]."), "{path}");
                assert_eq!(value, want_value);
                assert!(expected.starts_with(want_expected), "{expected}");
            }
            other => panic!("{entry}: {other:?}"),
        }
    }
    match Event::from_json(br#"{"info":"x","Attribute":[{"type":"a","value":"v","uuid":[]}]}"#) {
        Err(Error::WrongType { path, found, .. }) => {
            assert_eq!((path.as_str(), found), ("Attribute[0].uuid", "array"));
        }
        other => panic!("{other:?}"),
    }
}

#[cfg(feature = "proptest")]
mod properties {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn compact_writer_matches_serde(event in crate::strategy::event()) {
            let serde_form = serde_json::to_vec(&crate::document::Wrapped { event: &event }).unwrap();
            prop_assert_eq!(event.to_json(), serde_form);
            let mut streamed = Vec::new();
            event.write_json(&mut streamed).unwrap();
            prop_assert_eq!(streamed, event.to_json());
        }
    }
}

#[test]
fn a_repeated_typed_key_reads_back_as_the_same_model() {
    // Found by the misp_json fuzz target: `[]` then a value for the same key.
    for (raw, galaxies) in [
        (
            br#"{"info":"x","Shant":[],"Galaxy":[],"Galaxy":[{"name":"file"}]}"#.as_slice(),
            1,
        ),
        (br#"{"info":"x","Galaxy":[{"name":"file"}],"Galaxy":[]}"#, 1),
        (
            br#"{"info":"x","a":1,"date":null,"b":2,"date":"2024-05-17","Tag":null}"#,
            0,
        ),
    ] {
        let first = Event::from_json(raw).unwrap();
        assert_eq!(first.galaxies.len(), galaxies);
        assert_eq!(first.absent_marker("Galaxy"), None);
        let written = first.to_json();
        let second = Event::from_json(&written).unwrap();
        assert_eq!(second, first, "{}", String::from_utf8_lossy(&written));
        assert_eq!(second.to_json(), written);
    }
    // Tag's marker then date's out of key order: explicit places, until date gets its value.
    let e = Event::from_json(br#"{"info":"x","Tag":null,"date":null,"a":1,"date":"2024-05-17"}"#)
        .unwrap();
    assert_eq!(e.date.as_deref(), Some("2024-05-17"));
    assert_eq!(e.absent_marker("date"), None);
    assert!(
        e.absent.placed.is_none(),
        "back in MISP's layout once date has a value"
    );
    assert_eq!(
        String::from_utf8(e.to_json_bare()).unwrap(),
        r#"{"date":"2024-05-17","info":"x","Tag":null,"a":1}"#
    );
}

/// `check` on what each of the three event readers (fast pass, serde stream, `Value`) makes of
/// `raw`.
fn each_reader(raw: &str, check: impl Fn(&str, Document)) {
    let fast = crate::wire::fast::read_document(raw).expect("the fast pass reads it");
    check("fast", fast);
    check("serde", crate::stream::read_document_full(raw).unwrap());
    check(
        "value",
        Document::from_value(serde_json::from_str(raw).unwrap()).unwrap(),
    );
}

#[test]
fn builtin_type_and_category_names_are_read_borrowed_and_others_as_read() {
    use std::borrow::Cow;

    // Known names (one written with an escape), a custom type and category, and a known name
    // in the wrong case (not a built-in name: kept as read).
    let raw = r#"{"Event":{"info":"x","Attribute":[
        {"type":"ip-dst","category":"Network activity","value":"203.0.113.7"},
        {"type":"ip\u002dsrc","category":"Payload\u0020delivery","value":"203.0.113.8"},
        {"type":"x-custom","category":"Not a category","value":"a"},
        {"type":"IP-DST","value":"b"}]}}"#;
    let owned = |name: &Cow<'static, str>| matches!(name, Cow::Owned(_));
    let check = |reader: &str, doc: Document| {
        let Document::Event(event) = &doc else {
            panic!("{reader}: {doc:?}");
        };
        let names: Vec<(&str, bool, Option<&str>, Option<bool>)> = event
            .attributes
            .iter()
            .map(|a| {
                (
                    &*a.attribute_type,
                    owned(&a.attribute_type),
                    a.category.as_deref(),
                    a.category.as_ref().map(owned),
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                ("ip-dst", false, Some("Network activity"), Some(false)),
                ("ip-src", false, Some("Payload delivery"), Some(false)),
                ("x-custom", true, Some("Not a category"), Some(true)),
                ("IP-DST", true, None, None),
            ],
            "{reader}"
        );
        // Written as any string is (the escapes are not kept, as before).
        assert_eq!(
            String::from_utf8(doc.to_json()).unwrap(),
            concat!(
                r#"{"Event":{"info":"x","Attribute":["#,
                r#"{"type":"ip-dst","category":"Network activity","value":"203.0.113.7"},"#,
                r#"{"type":"ip-src","category":"Payload delivery","value":"203.0.113.8"},"#,
                r#"{"type":"x-custom","category":"Not a category","value":"a"},"#,
                r#"{"type":"IP-DST","value":"b"}]}}"#
            ),
            "{reader}"
        );
    };
    each_reader(raw, check);
    // The serde impl of a lone attribute goes through a `Value` as well.
    let lone: Attribute =
        serde_json::from_str(r#"{"type":"md5","category":"Other","value":"v"}"#).unwrap();
    assert!(matches!(lone.attribute_type, Cow::Borrowed("md5")));
    assert!(matches!(lone.category, Some(Cow::Borrowed("Other"))));
}

#[test]
fn proposals_hold_builtin_type_and_category_names_borrowed_too() {
    use std::borrow::Cow;

    let raw = r#"{"Event":{"info":"x","ShadowAttribute":[
        {"type":"ip-dst","category":"Network activity","value":"203.0.113.7"},
        {"type":"x-custom","category":"Not a category","value":"a"},
        {"value":"b"}]}}"#;
    let held = |name: &Option<Cow<'static, str>>| {
        name.as_ref()
            .map(|n| (n.to_string(), matches!(n, Cow::Borrowed(_))))
    };
    let check = |reader: &str, doc: Document| {
        let Document::Event(event) = &doc else {
            panic!("{reader}: {doc:?}");
        };
        let names: Vec<_> = event
            .shadow_attributes
            .iter()
            .map(|p| (held(&p.attribute_type), held(&p.category)))
            .collect();
        let known = |n: &str| Some((n.to_owned(), true));
        let custom = |n: &str| Some((n.to_owned(), false));
        assert_eq!(
            names,
            [
                (known("ip-dst"), known("Network activity")),
                (custom("x-custom"), custom("Not a category")),
                (None, None),
            ],
            "{reader}"
        );
        // Written back as read.
        let again: serde_json::Value = serde_json::from_slice(&doc.to_json()).unwrap();
        assert_eq!(
            again,
            serde_json::from_str::<serde_json::Value>(raw).unwrap(),
            "{reader}"
        );
    };
    each_reader(raw, check);
}

#[test]
fn defaults_and_constructors_keep_static_names_borrowed() {
    use std::borrow::Cow;

    let mut attribute = Attribute::new("domain", "example.com");
    assert!(matches!(attribute.attribute_type, Cow::Borrowed("domain")));
    assert!(crate::describe_types::DescribeTypes::builtin().apply_defaults(&mut attribute));
    assert!(matches!(
        attribute.category,
        Some(Cow::Borrowed("Network activity"))
    ));
    // A `String` is held as given.
    let custom = Attribute::new(String::from("domain"), "example.com").with_category("Other");
    assert!(matches!(custom.attribute_type, Cow::Owned(ref t) if t == "domain"));
    assert_eq!(custom.attribute_type, attribute.attribute_type);
}

#[test]
fn an_array_where_an_item_or_list_element_belongs_is_a_typed_wrong_type() {
    use crate::document::Document;
    for (json, want_path) in [
        // A wire struct (the streaming struct visitor).
        (r#"{"info":"x","Attribute":[[]]}"#, "Attribute[0]"),
        (r#"{"Event":{"info":"x","Orgc":[1]}}"#, "Event.Orgc"),
        // An element of a `response` list (the element visitor).
        (r#"{"response":[{"Event":{"info":"a"}},[]]}"#, "response[1]"),
    ] {
        match Document::from_json(json.as_bytes()) {
            Err(Error::WrongType {
                path,
                expected,
                found,
            }) => {
                assert_eq!(
                    (path.as_str(), expected, found),
                    (want_path, "an object", "array"),
                    "{json}"
                );
            }
            other => panic!("{json}: {other:?}"),
        }
    }
}

/// Items without unknown keys or out-of-place markers (almost all of them) hold two words for
/// both, not an empty map and an empty list (104 bytes): a 100k-attribute event has over 100k
/// such items, and the mapping builds a million. Sizes on 64-bit targets.
#[cfg(target_pointer_width = "64")]
#[test]
fn items_stay_small() {
    use std::mem::size_of;

    assert_eq!(size_of::<crate::Extra>(), 8);
    assert_eq!(size_of::<super::Markers>(), 16);
    for (name, size, most) in [
        ("Attribute", size_of::<Attribute>(), 384),
        ("Tag", size_of::<Tag>(), 136),
        ("Event", size_of::<Event>(), 600),
    ] {
        assert!(size <= most, "{name} is {size} bytes, more than {most}");
    }
}

#[test]
fn unknown_keys_and_late_markers_round_trip_with_the_boxed_forms() {
    let text = r#"{"Event":{"info":"x","Attribute":[{"type":"ip-dst","x-a":1,"comment":null,"value":"203.0.113.7","x-b":[2],"object_relation":null}]}}"#;
    let e = Event::from_json(text.as_bytes()).unwrap();
    let a = &e.attributes[0];
    assert_eq!(a.extra.keys().collect::<Vec<_>>(), ["x-a", "x-b"]);
    assert!(
        a.absent.placed.is_some(),
        "markers after an unknown key keep their places"
    );
    // Typed values first, in MISP's order; then the unknown keys and the markers as read.
    assert_eq!(
        String::from_utf8(e.to_json()).unwrap(),
        r#"{"Event":{"info":"x","Attribute":[{"type":"ip-dst","value":"203.0.113.7","x-a":1,"comment":null,"x-b":[2],"object_relation":null}]}}"#
    );
    let plain = Event::from_json(br#"{"Event":{"info":"x","Attribute":[{"type":"ip-dst","comment":null,"value":"203.0.113.7"}]}}"#).unwrap();
    assert!(plain.extra.is_empty() && plain.attributes[0].extra.is_empty());
    assert!(plain.attributes[0].absent.placed.is_none());
}

#[test]
fn keys_with_a_quote_a_backslash_or_a_control_character_are_not_plain() {
    use super::plain_keys;

    assert!(plain_keys(&[
        "id",
        "object_relation",
        "ShadowAttribute",
        ""
    ]));
    assert!(plain_keys(&[]));
    for key in ["a\"b", "a\\b", "a\nb", "\u{1f}"] {
        assert!(!plain_keys(&["id", key]), "{key:?}");
    }
}
