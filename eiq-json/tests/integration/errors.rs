//! Malformed input gets a typed error naming the JSON path and position.

use eiq_json::{Document, Entity, Error, LimitKind, Limits, Package};
use taxii1_core::size::{SizeLimit, TooLarge};

const UUID: &str = "2241e780-5ab2-5c27-86be-1774b6079ab7";

fn package_with(entities: &str) -> Vec<u8> {
    format!(r#"{{"content-type": "urn:eclecticiq.com:json:1.0", "entities": [{entities}]}}"#)
        .into_bytes()
}

fn json_error(err: Error) -> (String, usize, usize, String) {
    match err {
        Error::Json {
            path,
            line,
            column,
            message,
        } => (path, line, column, message),
        other => panic!("expected a JSON error, got {other:?}"),
    }
}

#[test]
fn bad_tlp_colour_names_path_line_and_column() {
    let input = format!(
        "{{\"content-type\": \"urn:eclecticiq.com:json:1.0\",\n\"entities\": [\n{{\"id\": \"{UUID}\", \"data\": {{\"type\": \"incident\"}},\n \"meta\": {{\"tlp_color\": \"PURPLE\"}}}}]}}"
    );
    let (path, line, column, message) =
        json_error(Package::from_json(input.as_bytes()).unwrap_err());
    assert_eq!(path, "entities[0].meta.tlp_color");
    assert_eq!((line, column), (4, 32));
    assert!(
        message.starts_with("unknown TLP colour `PURPLE`"),
        "{message}"
    );
}

#[test]
fn the_string_null_is_a_null_colour_and_case_is_normalised() {
    let input = package_with(&format!(
        r#"{{"id": "{UUID}", "data": {{"type": "incident"}}, "meta": {{"tlp_color": "null", "source_reliability": "b"}}}},
           {{"id": "70c62266-2d61-5800-9123-cf55992b6f5a", "data": {{"type": "indicator"}}, "meta": {{"tlp_color": "amber"}}}}"#
    ));
    let package = Package::from_json(&input).unwrap();
    let meta = package.entities()[0].meta.get().unwrap();
    assert!(meta.tlp_color.is_null());
    let written = String::from_utf8(package.to_json().unwrap()).unwrap();
    assert!(written.contains(r#""tlp_color":null"#), "{written}");
    assert!(written.contains(r#""source_reliability":"B""#), "{written}");
    assert!(written.contains(r#""tlp_color":"AMBER""#), "{written}");
}

#[test]
fn invalid_entity_id() {
    let input = package_with(r#"{"id": "not-a-uuid", "data": {"type": "incident"}}"#);
    let (path, _, _, message) = json_error(Package::from_json(&input).unwrap_err());
    assert_eq!(path, "entities[0].id");
    assert!(
        message.starts_with("invalid entity id `not-a-uuid`"),
        "{message}"
    );
}

#[test]
fn missing_type_and_missing_data() {
    let input = package_with(&format!(r#"{{"id": "{UUID}", "data": {{"title": "x"}}}}"#));
    let (path, _, _, message) = json_error(Package::from_json(&input).unwrap_err());
    assert_eq!(
        (path.as_str(), message.as_str()),
        ("entities[0].data", "missing field `type`")
    );

    let input = package_with(&format!(r#"{{"id": "{UUID}"}}"#));
    let (path, _, _, message) = json_error(Package::from_json(&input).unwrap_err());
    assert_eq!(
        (path.as_str(), message.as_str()),
        ("entities[0]", "missing field `data`")
    );
}

#[test]
fn wrong_shape_inside_a_typed_body() {
    let input = package_with(&format!(
        r#"{{"id": "{UUID}", "data": {{"type": "incident"}}}},
           {{"id": "70c62266-2d61-5800-9123-cf55992b6f5a", "data": {{"type": "relation", "source": ["x"], "target": "y"}}}}"#
    ));
    let (path, line, _, message) = json_error(Package::from_json(&input).unwrap_err());
    assert_eq!(path, "entities[1].data.source");
    assert_eq!(line, 2);
    assert!(
        message.starts_with("invalid type: sequence, expected a string"),
        "{message}"
    );

    let input = package_with(&format!(
        r#"{{"id": "{UUID}", "data": {{"type": "exploit-target", "vulnerabilities": [{{"is_known": "yes"}}]}}}}"#
    ));
    let (path, _, _, _) = json_error(Package::from_json(&input).unwrap_err());
    assert_eq!(path, "entities[0].data.vulnerabilities[0].is_known");
}

#[test]
fn errors_in_data_name_the_member_before_or_after_type() {
    // After `type`, the error points at the member itself, not at the end of `data`.
    let input = format!(
        "{{\"content-type\": \"urn:eclecticiq.com:json:1.0\",\n\"entities\": [\n{{\"id\": \"{UUID}\",\n \"data\": {{\"type\": \"relation\", \"source\": 7,\n \"target\": \"b\"}}}}]}}"
    );
    let (path, line, column, message) =
        json_error(Package::from_json(input.as_bytes()).unwrap_err());
    assert_eq!(path, "entities[0].data.source");
    assert_eq!((line, column), (4, 41), "the column of `7`");
    assert!(
        message.starts_with("invalid type: integer `7`, expected a string"),
        "{message}"
    );
    // Before `type`, the member was held while looking for `type`; the path still names it.
    let input = package_with(&format!(
        r#"{{"id": "{UUID}", "data": {{"handling": [{{"marking_structures": 5}}], "type": "indicator"}}}}"#
    ));
    let (path, _, _, message) = json_error(Package::from_json(&input).unwrap_err());
    assert_eq!(path, "entities[0].data.handling[0].marking_structures");
    assert!(
        message.starts_with("invalid type: integer `5`"),
        "{message}"
    );
}

#[test]
fn a_member_written_twice_in_data_is_refused() {
    for data in [
        r#"{"type": "indicator", "title": "a", "title": "b"}"#,
        r#"{"title": "a", "type": "indicator", "title": "b"}"#,
        r#"{"type": "indicator", "type": "incident"}"#,
    ] {
        let input = package_with(&format!(r#"{{"id": "{UUID}", "data": {data}}}"#));
        let (path, _, _, message) = json_error(Package::from_json(&input).unwrap_err());
        assert_eq!(path, "entities[0].data", "{data}");
        assert!(message.starts_with("duplicate field"), "{data}: {message}");
    }
}

#[test]
fn bad_extracts() {
    let input = package_with(&format!(
        r#"{{"id": "{UUID}", "data": {{"type": "indicator"}}, "extracts": [
            {{"kind": "ipv4", "value": "192.0.2.1"}}, {{"value": "x"}}]}}"#
    ));
    let (path, _, _, message) = json_error(Package::from_json(&input).unwrap_err());
    assert_eq!(
        (path.as_str(), message.as_str()),
        ("entities[0].extracts[1]", "missing field `kind`")
    );

    let input = package_with(&format!(
        r#"{{"id": "{UUID}", "data": {{"type": "indicator"}}, "extracts": [{{"kind": "ipv4", "value": {{"a": 1}}}}]}}"#
    ));
    let (path, _, _, message) = json_error(Package::from_json(&input).unwrap_err());
    assert_eq!(path, "entities[0].extracts[0].value");
    assert!(message.contains("a string or a number"), "{message}");

    let input = package_with(&format!(
        r#"{{"id": "{UUID}", "data": {{"type": "indicator"}}, "extracts": [{{"kind": "ipv4", "value": "1", "meta": {{"classification": "evil"}}}}]}}"#
    ));
    let (path, _, _, message) = json_error(Package::from_json(&input).unwrap_err());
    assert_eq!(path, "entities[0].extracts[0].meta.classification");
    assert_eq!(
        message,
        "unknown Classification `evil`, expected bad, good or unknown"
    );
}

#[test]
fn unsupported_content_type() {
    let input = br#"{"content-type": "urn:eclecticiq.com:csv-extracts:1.0", "entities": []}"#;
    assert_eq!(
        Package::from_json(input).unwrap_err(),
        Error::UnsupportedContentType {
            found: "urn:eclecticiq.com:csv-extracts:1.0".into()
        }
    );
    assert_eq!(
        Document::from_json(br#"{"content-type": 1}"#).unwrap_err(),
        Error::UnsupportedContentType { found: "1".into() }
    );
    let (path, _, _, message) = json_error(Package::from_json(br#"{"entities": []}"#).unwrap_err());
    assert_eq!(
        (path.as_str(), message.as_str()),
        (".", "missing field `content-type`")
    );
}

#[test]
fn not_json_or_not_an_object() {
    let (path, line, column, message) = json_error(
        Document::from_json(
            b"{\"content-type\": \"urn:eclecticiq.com:json:1.0\",\n \"entities\": [",
        )
        .unwrap_err(),
    );
    assert_eq!((path.as_str(), line, column), ("entities", 2, 14));
    assert_eq!(message, "EOF while parsing a list");

    let (path, _, _, message) = json_error(Document::from_json(b"[1, 2]").unwrap_err());
    assert_eq!(path, ".");
    assert_eq!(
        message,
        "invalid type: sequence, expected a JSON object (an EclecticIQ package or entity)"
    );

    let (_, line, column, message) = json_error(
        Document::from_json(br#"{"data": {"data": {"type": "ttp"}}} trailing"#).unwrap_err(),
    );
    assert_eq!((line, column), (1, 37));
    assert_eq!(message, "trailing characters");

    assert_eq!(
        Document::from_json(b"{}").unwrap_err(),
        Error::UnrecognizedDocument
    );
    assert_eq!(
        Document::from_json(br#"{"title": "x"}"#).unwrap_err(),
        Error::UnrecognizedDocument
    );
}

#[test]
fn size_limit_is_checked_before_parsing() {
    let limits = Limits::default().with_size(SizeLimit::new(16).unwrap());
    // Not even valid JSON: the size check comes first.
    let input = b"{ this is not json but it is long }";
    assert_eq!(
        Document::from_json_with(input, &limits).unwrap_err(),
        Error::TooLarge(TooLarge {
            size: input.len(),
            limit: 16
        })
    );
    assert_eq!(Limits::default().size(), SizeLimit::FEED_DEFAULT);
    assert_eq!(Limits::default().size().bytes(), 20 * 1024 * 1024);
}

#[test]
fn count_limits() {
    let entity = |i: u8| {
        format!(
            r#"{{"id": "2241e780-5ab2-5c27-86be-1774b6079a{i:02x}", "data": {{"type": "indicator"}}}}"#
        )
    };
    let input = package_with(&[entity(1), entity(2), entity(3)].join(","));
    let limits = Limits::default().with_max_entities(2);
    assert_eq!(
        Package::from_json_with(&input, &limits).unwrap_err(),
        Error::LimitExceeded {
            limit: LimitKind::Entities,
            path: "entities".into(),
            found: 3,
            max: 2
        }
    );
    assert!(Package::from_json_with(&input, &Limits::default().with_max_entities(3)).is_ok());

    let extracts =
        r#"[{"kind": "ipv4", "value": "192.0.2.1"}, {"kind": "ipv4", "value": "192.0.2.2"}]"#;
    let single =
        format!(r#"{{"id": "{UUID}", "data": {{"type": "indicator"}}, "extracts": {extracts}}}"#);
    let limits = Limits::default().with_max_extracts_per_entity(1);
    assert_eq!(
        Package::from_json_with(&package_with(&single), &limits).unwrap_err(),
        Error::LimitExceeded {
            limit: LimitKind::ExtractsPerEntity,
            path: "entities[0].extracts".into(),
            found: 2,
            max: 1
        }
    );
    assert_eq!(
        Entity::from_json_with(single.as_bytes(), &limits).unwrap_err(),
        Error::LimitExceeded {
            limit: LimitKind::ExtractsPerEntity,
            path: "extracts".into(),
            found: 2,
            max: 1
        }
    );
}

#[test]
fn error_messages_read_well() {
    let input = package_with(r#"{"id": "x", "data": {"type": "incident"}}"#);
    let text = Package::from_json(&input).unwrap_err().to_string();
    assert!(
        text.starts_with("invalid EclecticIQ JSON at `entities[0].id` (line 1, column "),
        "{text}"
    );
}
