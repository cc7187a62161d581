//! The libtaxii-generated corpus (copied into `tests/data/corpus`), driven by its manifest:
//! every valid file parses, writes, re-parses equal and writes byte-identical again; our output
//! validates against the official XSDs (read from `../shared`, skipped with a reason when absent);
//! every invalid file is rejected; decoded values match the manifest's `expected_values`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use taxii1_core::message::*;
use taxii1_core::{Error, Limits, Message, Version};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus")
}

fn manifest() -> BTreeMap<String, serde_json::Value> {
    let text = std::fs::read_to_string(corpus_dir().join("manifest.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn entries(side: &str) -> Vec<(String, serde_json::Value, Vec<u8>)> {
    manifest()
        .into_iter()
        .filter(|(k, _)| k.starts_with(side))
        .map(|(k, v)| {
            let bytes = std::fs::read(corpus_dir().join(&k)).unwrap();
            (k, v, bytes)
        })
        .collect()
}

fn version_of(entry: &serde_json::Value) -> Option<Version> {
    match entry["version"].as_str() {
        Some("1.0") => Some(Version::V1_0),
        Some("1.1") => Some(Version::V1_1),
        _ => None,
    }
}

/// Parses, writes, re-parses and re-writes; returns our written bytes.
fn round_trip(name: &str, bytes: &[u8], limits: &Limits) -> Vec<u8> {
    let parsed = Message::from_xml_with(bytes, limits).unwrap_or_else(|e| panic!("{name}: {e}"));
    let written = parsed
        .message
        .to_xml(parsed.version)
        .unwrap_or_else(|e| panic!("{name}: write: {e}"));
    let again = Message::from_xml_with(&written, limits).unwrap_or_else(|e| {
        panic!(
            "{name}: re-parse of our output: {e}\n{}",
            String::from_utf8_lossy(&written)
        )
    });
    assert_eq!(again, parsed, "{name}: parse(write(m)) != m");
    let rewritten = again.message.to_xml(again.version).unwrap();
    assert_eq!(rewritten, written, "{name}: write is not stable");
    written
}

#[test]
fn every_valid_file_round_trips() {
    let mut strict = 0;
    let mut lenient_only = 0;
    for (name, entry, bytes) in entries("valid/") {
        let parsed = Message::from_xml(&bytes);
        match entry["expect"].as_str() {
            Some("accept") | Some("accept_inert") => {
                let parsed = parsed.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(Some(parsed.version), version_of(&entry), "{name}");
                let root = entry["message_type"].as_str().unwrap();
                assert_eq!(
                    parsed.message.kind().element_name(parsed.version),
                    Some(root),
                    "{name}"
                );
                round_trip(&name, &bytes, &Limits::default());
                strict += 1;
            }
            Some("lenient") => {
                // Strict by default: the file breaks the XSD.
                assert!(
                    matches!(
                        parsed,
                        Err(Error::MissingElement { .. } | Error::InvalidValue { .. })
                    ),
                    "{name}: strict reading must reject it, got {parsed:?}"
                );
                // Interop mode reads it; the writer refuses to produce schema-invalid XML.
                let limits = Limits::default().with_accept_peer_deviations(true);
                let parsed = Message::from_xml_with(&bytes, &limits)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                let written = parsed.message.to_xml(parsed.version);
                assert!(
                    matches!(
                        written,
                        Err(Error::NotRepresentable { .. } | Error::InvalidField { .. })
                    ),
                    "{name}: writer must refuse, got {:?}",
                    written.map(String::from_utf8)
                );
                lenient_only += 1;
            }
            other => panic!("{name}: unexpected expectation {other:?}"),
        }
    }
    println!("valid corpus: {strict} round-tripped, {lenient_only} accepted only in interop mode");
    assert_eq!(strict + lenient_only, 100);
}

#[test]
fn every_invalid_file_is_rejected() {
    let mut rejected = 0;
    for (name, entry, bytes) in entries("invalid/") {
        let result = Message::from_xml(&bytes);
        match entry["expect"].as_str() {
            Some("reject") => {
                assert!(
                    result.is_err(),
                    "{name}: accepted {:?}",
                    result.map(|p| p.message.kind())
                );
                rejected += 1;
            }
            Some("bounded") => {
                // Either outcome, as long as it returns.
                rejected += usize::from(result.is_err());
            }
            other => panic!("{name}: unexpected expectation {other:?}"),
        }
    }
    println!("invalid corpus: {rejected} rejected");
    assert!(rejected >= 73);
}

#[test]
fn hostile_inputs_fail_with_the_right_kind() {
    use taxii1_core::error::LimitKind;
    let read = |name: &str| std::fs::read(corpus_dir().join("invalid").join(name)).unwrap();
    type Check = fn(&Error) -> bool;
    let cases: &[(&str, Check)] = &[
        (
            "v11_billion_laughs_text.xml",
            |e| matches!(e, Error::Xml { reason, .. } if reason.contains("DOCTYPE")),
        ),
        (
            "v11_xxe_file_text.xml",
            |e| matches!(e, Error::Xml { reason, .. } if reason.contains("DOCTYPE")),
        ),
        ("v11_deep_nesting_content_10000.xml", |e| {
            matches!(
                e,
                Error::LimitExceeded {
                    limit: LimitKind::Depth,
                    ..
                }
            )
        }),
        ("v11_deep_nesting_criteria_10000.xml", |e| {
            matches!(
                e,
                Error::LimitExceeded {
                    limit: LimitKind::Depth,
                    ..
                }
            )
        }),
        ("v11_many_attributes_20k.xml", |e| {
            matches!(
                e,
                Error::LimitExceeded {
                    limit: LimitKind::Attributes,
                    ..
                }
            )
        }),
        ("v11_huge_attribute_message_id_1mib.xml", |e| {
            matches!(
                e,
                Error::LimitExceeded {
                    limit: LimitKind::TextBytes,
                    ..
                }
            )
        }),
        ("v11_invalid_utf8_bytes.xml", |e| {
            matches!(e, Error::Encoding { .. })
        }),
        ("v11_overlong_utf8_lt.xml", |e| {
            matches!(e, Error::Encoding { .. })
        }),
        ("v11_declared_latin1.xml", |e| {
            matches!(e, Error::Encoding { .. })
        }),
        ("v11_utf16le_bom.xml", |e| {
            matches!(e, Error::Encoding { .. })
        }),
        ("v11_no_namespace.xml", |e| {
            matches!(e, Error::UnknownMessage { .. })
        }),
        ("v11_feed_information_request_in_11.xml", |e| {
            matches!(e, Error::UnknownMessage { .. })
        }),
        ("v10_poll_fulfillment_in_10.xml", |e| {
            matches!(e, Error::UnknownMessage { .. })
        }),
        ("v11_unknown_child_element.xml", |e| {
            matches!(e, Error::UnexpectedElement { .. })
        }),
        ("v11_mixed_version_child.xml", |e| {
            matches!(e, Error::UnexpectedElement { .. })
        }),
        ("v11_poll_request_feed_name_attr.xml", |e| {
            matches!(e, Error::UnexpectedAttribute { .. })
        }),
        ("v11_missing_message_id.xml", |e| {
            matches!(
                e,
                Error::MissingAttribute {
                    attribute: "message_id",
                    ..
                }
            )
        }),
        ("v11_content_block_missing_content.xml", |e| {
            matches!(
                e,
                Error::MissingElement {
                    element: "Content",
                    ..
                }
            )
        }),
        ("v11_record_count_overflow.xml", |e| {
            matches!(e, Error::InvalidValue { .. })
        }),
        ("v11_timestamp_seven_fraction_digits.xml", |e| {
            matches!(e, Error::InvalidValue { .. })
        }),
    ];
    for (name, expected) in cases {
        let err = Message::from_xml(&read(name)).unwrap_err();
        assert!(expected(&err), "{name}: wrong error {err:?}");
    }
}

#[test]
fn errors_name_the_element_path() {
    let bytes =
        std::fs::read(corpus_dir().join("invalid/v11_content_block_timestamp_label_garbage.xml"))
            .unwrap();
    let err = Message::from_xml(&bytes).unwrap_err();
    match err {
        Error::InvalidValue { path, .. } => {
            assert_eq!(path, "Poll_Response/Content_Block[0]/Timestamp_Label");
        }
        other => panic!("{other:?}"),
    }
}

fn parse(name: &str) -> Parsed {
    Message::from_xml(&std::fs::read(corpus_dir().join("valid").join(name)).unwrap()).unwrap()
}

#[test]
fn expected_values_from_the_manifest() {
    let Message::PollResponse(r) = parse("v10_poll_response_default_namespace_z.xml").message
    else {
        panic!()
    };
    assert_eq!(r.collection_name, "default");
    assert_eq!(
        r.inclusive_end_timestamp_label.unwrap().as_str(),
        "2013-03-02T00:00:00Z"
    );
    assert_eq!(r.content_blocks[0].content.as_str(), "plain text");

    let Message::PollResponse(r) = parse("v11_poll_response_boolean_lexical_forms.xml").message
    else {
        panic!()
    };
    assert!(r.more);
    assert_eq!(r.record_count, Some(RecordCount::exact(10)));

    let Message::PollResponse(r) = parse("v11_poll_response_u64_max_record_count.xml").message
    else {
        panic!()
    };
    assert_eq!(r.record_count.unwrap().count, u64::MAX);
    assert!(r.record_count.unwrap().partial_count);
    assert_eq!(r.result_part_number.unwrap().get(), 4_294_967_295);

    let Message::PollResponse(r) = parse("v11_poll_response_cdata_split_terminator.xml").message
    else {
        panic!()
    };
    assert_eq!(r.content_blocks[0].content.as_str(), "a]]>b <&> c");
    assert_eq!(r.content_blocks[0].content.kind(), ContentKind::Text);

    let Message::PollResponse(r) = parse("v11_poll_response_cdata_json.xml").message else {
        panic!()
    };
    assert_eq!(r.content_blocks[0].content.kind(), ContentKind::Text);
    let sha = sha256_hex(r.content_blocks[0].content.as_bytes());
    assert_eq!(
        sha,
        "3ecbaf42d6cfb2e2df791af36508e69beaf38bd63cee9ff2ee54272a867acf9c"
    );

    let Message::StatusMessage(s) = parse("v11_status_char_references.xml").message else {
        panic!()
    };
    assert_eq!(s.message_id.as_str(), "AB-1");
    assert_eq!(s.in_response_to.as_str(), "h&0");
    assert_eq!(s.message.as_deref(), Some("A\u{e9}\u{1F680}\r&\"<"));

    let Message::StatusMessage(s) = parse("v11_status_other_prefix_xml_decl.xml").message else {
        panic!()
    };
    assert_eq!(s.status_type, StatusType::RETRY);
    assert_eq!(s.estimated_wait(), Some(Ok(30)));
    assert_eq!(s.message.as_deref(), Some("retry in 30s"));

    let Message::StatusMessage(s) = parse("v11_status_utf8_bom_crlf.xml").message else {
        panic!()
    };
    assert_eq!(s.message.as_deref(), Some("line one\nline two"));

    let Message::PollRequest(r) = parse("v11_poll_request_query_value_true_string.xml").message
    else {
        panic!()
    };
    let query = r.poll_parameters.unwrap().query.unwrap();
    let QueryBody::Default(dq) = query.body else {
        panic!()
    };
    let CriteriaItem::Criterion(c) = &dq.criteria.items[0] else {
        panic!()
    };
    assert!(!c.negate);
    assert_eq!(c.test.parameter("value"), Some("true"));

    let Message::InboxMessage(m) = parse("v11_inbox_xinclude_inert.xml").message else {
        panic!()
    };
    let content = m.content_blocks[0].content.as_str();
    assert!(content.contains("http://www.w3.org/2001/XInclude") && content.contains(":include"));

    let Message::PollResponse(r) = parse("v11_poll_response_content_prefix_collision.xml").message
    else {
        panic!()
    };
    let content = r.content_blocks[0].content.as_str();
    assert!(
        content.starts_with("<taxii_11:Report xmlns:taxii_11=\"urn:example.org:not-taxii\""),
        "{content}"
    );

    let Message::DiscoveryRequest(d) = parse("v11_discovery_request_default_namespace.xml").message
    else {
        panic!()
    };
    assert_eq!(d.message_id.as_str(), "h-4");
}

#[test]
fn content_is_standalone_when_prefixes_come_from_ancestors() {
    let xml = br#"<t:Inbox_Message xmlns:t="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" xmlns:stix="urn:stix" xmlns:v="urn:vocab" message_id="1"><t:Content_Block><t:Content_Binding binding_id="urn:stix.mitre.org:xml:1.2"/><t:Content> <stix:Package a="1"><stix:Type xsi:type="v:Kind" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/></stix:Package></t:Content></t:Content_Block></t:Inbox_Message>"#;
    let parsed = Message::from_xml(xml).unwrap();
    let content = &parsed.message.content_blocks()[0].content;
    assert_eq!(
        content.as_str(),
        r#" <stix:Package xmlns:stix="urn:stix" xmlns:v="urn:vocab" a="1"><stix:Type xsi:type="v:Kind" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/></stix:Package>"#
    );
    // And it is well-formed on its own.
    assert!(Content::xml(content.bytes()).is_ok());
}

#[test]
fn content_shares_the_input_buffer() {
    let xml = bytes::Bytes::from_static(br#"<t:Poll_Response xmlns:t="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="2" in_response_to="1" collection_name="c"><t:Content_Block><t:Content_Binding binding_id="urn:eclecticiq.com:json:1.0"/><t:Content>{"a": 1}</t:Content></t:Content_Block></t:Poll_Response>"#);
    let parsed = Message::from_bytes(xml.clone(), &Limits::default()).unwrap();
    let content = parsed.message.content_blocks()[0].content.bytes();
    let start = xml.as_ptr() as usize;
    let at = content.as_ptr() as usize;
    assert!(at >= start && at < start + xml.len(), "content was copied");
    assert_eq!(&content[..], br#"{"a": 1}"#);
}

fn sha256_hex(data: &[u8]) -> String {
    // Small SHA-256 for one test value; avoids a dependency.
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64) * 8;
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for chunk in msg.chunks(64) {
        let mut w = [0u32; 64];
        for i in 0..16 {
            w[i] = u32::from_be_bytes([
                chunk[4 * i],
                chunk[4 * i + 1],
                chunk[4 * i + 2],
                chunk[4 * i + 3],
            ]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let mut v = h;
        for i in 0..64 {
            let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
            let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
            let t1 = v[7]
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
            let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
            let t2 = s0.wrapping_add(maj);
            v = [
                t1.wrapping_add(t2),
                v[0],
                v[1],
                v[2],
                v[3].wrapping_add(t1),
                v[4],
                v[5],
                v[6],
            ];
        }
        for i in 0..8 {
            h[i] = h[i].wrapping_add(v[i]);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
}

/// Our written XML for every valid file validates against the official XSD. The XSDs are
/// third-party and stay in `../shared`; without them (or without xmllint) this reports why and
/// checks nothing.
#[test]
fn written_xml_is_schema_valid() {
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/schemas/taxii");
    if !schemas.is_dir() {
        println!(
            "SKIP written_xml_is_schema_valid: {} not found",
            schemas.display()
        );
        return;
    }
    if Command::new("xmllint").arg("--version").output().is_err() {
        println!("SKIP written_xml_is_schema_valid: xmllint not installed (Debian: libxml2-utils)");
        return;
    }
    let out_dir = std::env::temp_dir().join(format!("taxii1-core-xsd-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).unwrap();
    let mut files: BTreeMap<Version, Vec<PathBuf>> = BTreeMap::new();
    for (name, entry, bytes) in entries("valid/") {
        if entry["expect"] == "lenient" {
            continue;
        }
        let written = round_trip(&name, &bytes, &Limits::default());
        let path = out_dir.join(name.trim_start_matches("valid/"));
        std::fs::write(&path, written).unwrap();
        files
            .entry(version_of(&entry).unwrap())
            .or_default()
            .push(path);
    }
    let mut checked = 0;
    for (version, paths) in &files {
        let xsd = match version {
            Version::V1_0 => "TAXII_XMLMessageBinding_Schema.xsd",
            Version::V1_1 => "TAXII_XMLMessageBinding_Schema_11.xsd",
        };
        let output = Command::new("xmllint")
            .args(["--noout", "--nonet", "--schema"])
            .arg(schemas.join(xsd))
            .args(paths)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "xmllint: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        checked += paths.len();
    }
    std::fs::remove_dir_all(&out_dir).ok();
    println!("xsd-valid: {checked} passed, 0 failed");
    assert_eq!(checked, 98);
}

#[test]
fn simple_content_elements_refuse_child_elements() {
    let xml = br#"<t:Status_Message xmlns:t="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="2" in_response_to="1" status_type="SUCCESS"><t:Message>ok<t:Extra/></t:Message></t:Status_Message>"#;
    match Message::from_xml(xml).unwrap_err() {
        Error::UnexpectedElement { path, found, .. } => {
            assert_eq!(path, "Status_Message/Message");
            assert_eq!(found, "Extra");
        }
        other => panic!("{other:?}"),
    }
}
