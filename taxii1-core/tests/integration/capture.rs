//! The raw capture of `Content` (the reader's hand-written hot path): what it refuses and why,
//! what it keeps, and a differential property against a quick-xml based reference checker.

use proptest::prelude::*;
use quick_xml::events::Event;
use quick_xml::reader::Reader;
use taxii1_core::error::LimitKind;
use taxii1_core::{Content, ContentKind, Error, Limits, Message};

const ROOT_OPEN: &str = "<taxii_11:Inbox_Message xmlns:taxii_11=\"http://taxii.mitre.org/messages/taxii_xml_binding-1.1\" xmlns:o=\"urn:outer\" message_id=\"1\"><taxii_11:Content_Block><taxii_11:Content_Binding binding_id=\"urn:x\"/><taxii_11:Content>";
const ROOT_CLOSE: &str = "</taxii_11:Content></taxii_11:Content_Block></taxii_11:Inbox_Message>";

fn parse_with(fragment: &str, limits: &Limits) -> Result<Content, Error> {
    let xml = format!("{ROOT_OPEN}{fragment}{ROOT_CLOSE}");
    let parsed = Message::from_bytes(bytes::Bytes::from(xml), limits)?;
    let Message::InboxMessage(inbox) = parsed.message else {
        panic!("not an inbox message")
    };
    Ok(inbox.content_blocks[0].content.clone())
}

fn parse(fragment: &str) -> Result<Content, Error> {
    parse_with(fragment, &Limits::default())
}

#[test]
fn malformed_content_is_refused_with_the_reason_and_offset() {
    let base = ROOT_OPEN.len() as u64;
    let cases: &[(&str, &str, u64)] = &[
        ("<a></b>", "does not match", 3),
        // The expected name followed by more name bytes, and a prefix of the expected name.
        (
            "<a></ab>",
            "end tag `</ab>` does not match the start tag `<a>`",
            3,
        ),
        (
            "<ab></a>",
            "end tag `</a>` does not match the start tag `<ab>`",
            4,
        ),
        ("<a>", "does not match the start tag `<a>`", 3),
        ("<a x=\"1\" x=\"2\"/>", "duplicate attribute `x`", 9),
        // A duplicate after another name of the same length.
        (
            "<a xy=\"1\" ab=\"2\" xy=\"3\"/>",
            "duplicate attribute `xy`",
            17,
        ),
        ("<a x=\"<\"/>", "`<` in an attribute value", 6),
        ("<a x=1/>", "without quotes", 5),
        ("<a x=\"1\"y=\"2\"/>", "malformed start tag", 8),
        ("<a x/>", "attribute without a value", 3),
        ("<a x=\"1/>", "unclosed attribute value", 5),
        ("t &bogus; t", "`&bogus;` is not allowed", 2),
        ("&#0;", "`&#0;` to a character XML forbids", 0),
        ("&#x+41;", "`&#x+41;` to a character XML forbids", 0),
        ("a & b", "`&` not followed by a reference", 2),
        ("<a x=\"&\"/>", "`&` not followed by a reference", 6),
        ("<!-- a -- b -->", "`--` inside a comment", 0),
        ("<!-- a", "unclosed comment", 0),
        ("<![CDATA[ a", "unclosed CDATA", 0),
        ("<!DOCTYPE a>", "DOCTYPE is not allowed", 0),
        ("<!ELEMENT a ANY>", "markup declarations are not allowed", 0),
        (
            "<?xml version=\"1.0\"?><a/>",
            "XML declaration inside content",
            0,
        ),
        ("<?pi", "unclosed processing instruction", 0),
        ("<?pi?x?>", "malformed processing instruction", 0),
        ("<u:a/>", "undeclared namespace prefix `u`", 0),
        ("<a u:x=\"1\"/>", "undeclared namespace prefix `u`", 0),
        ("<a xmlns:p=\"\"/>", "empty namespace for prefix `p`", 3),
        ("<1a/>", "expected a name", 1),
        (
            "<a></a >x</a>",
            "end tag `</a>` does not match the start tag `<taxii_11:Content>`",
            9,
        ),
    ];
    for (fragment, reason, offset) in cases {
        match parse(fragment) {
            Err(Error::Xml {
                offset: at,
                reason: got,
            }) => {
                assert!(
                    got.contains(reason),
                    "{fragment}: reason {got:?}, want {reason:?}"
                );
                assert_eq!(at, base + offset, "{fragment}: offset for {got:?}");
            }
            other => panic!("{fragment}: {other:?}"),
        }
    }
}

#[test]
fn content_limits_apply_inside_the_capture() {
    let deep = format!("{}{}", "<a>".repeat(70), "</a>".repeat(70));
    assert!(matches!(
        parse(&deep),
        Err(Error::LimitExceeded {
            limit: LimitKind::Depth,
            ..
        })
    ));
    // The envelope's root has three attributes.
    let limits = Limits::default().with_max_attributes(3);
    assert!(parse_with("<a x=\"1\" y=\"2\" z=\"3\"/>", &limits).is_ok());
    assert!(matches!(
        parse_with("<a x=\"1\" y=\"2\" z=\"3\" w=\"4\"/>", &limits),
        Err(Error::LimitExceeded {
            limit: LimitKind::Attributes,
            ..
        })
    ));
    let limits = Limits::default().with_max_text_bytes(100);
    assert!(parse_with(&format!("<a x=\"{}\"/>", "1".repeat(100)), &limits).is_ok());
    assert!(matches!(
        parse_with(&format!("<a x=\"{}\"/>", "1".repeat(101)), &limits),
        Err(Error::LimitExceeded {
            limit: LimitKind::TextBytes,
            ..
        })
    ));
}

#[test]
fn captured_content_is_kept_exactly_and_made_standalone() {
    let cases: &[(&str, ContentKind, &str)] = &[
        // Declarations from outside that the fragment uses are added to its top elements.
        (
            "<o:a><o:b/></o:a><c x=\"o:y\"/>",
            ContentKind::Xml,
            "<o:a xmlns:o=\"urn:outer\"><o:b/></o:a><c xmlns:o=\"urn:outer\" x=\"o:y\"/>",
        ),
        // Its own declarations are enough; bytes kept as they are.
        (
            "<p:a xmlns:p='urn:p' b = \"&amp;&#x41;\" ><!-- c --><?pi d?><![CDATA[<&]]></p:a >",
            ContentKind::Xml,
            "<p:a xmlns:p='urn:p' b = \"&amp;&#x41;\" ><!-- c --><?pi d?><![CDATA[<&]]></p:a >",
        ),
        // Text only: decoded, line ends normalised.
        (
            "a &lt;b&gt; &#x263A;\r\n<![CDATA[<c>&amp;]]>\rd",
            ContentKind::Text,
            "a <b> \u{263A}\n<c>&amp;\nd",
        ),
        (
            "{\"json\": \"&quot;\"}",
            ContentKind::Text,
            "{\"json\": \"\"\"}",
        ),
        ("", ContentKind::Text, ""),
    ];
    for (fragment, kind, want) in cases {
        let content = parse(fragment).unwrap_or_else(|e| panic!("{fragment}: {e}"));
        assert_eq!(content.kind(), *kind, "{fragment}");
        assert_eq!(content.as_str(), *want, "{fragment}");
    }
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// A start tag for the reference: pushes its declarations, checks its prefixes.
fn reference_start(e: &quick_xml::events::BytesStart<'_>, scopes: &mut Vec<Vec<String>>) -> bool {
    let mut declared = Vec::new();
    let mut names = vec![e.name().0.to_owned()];
    let mut attrs = e.attributes();
    attrs.with_checks(true);
    for attr in attrs {
        let Ok(attr) = attr else { return false };
        if attr.value.contains('<') {
            return false;
        }
        let Ok(value) = attr.normalized_value(quick_xml::XmlVersion::Implicit1_0) else {
            return false;
        };
        let key = attr.key.0.to_owned();
        if let Some(prefix) = key.strip_prefix("xmlns:") {
            if value.is_empty() {
                return false;
            }
            declared.push(prefix.to_owned());
        } else if key != "xmlns" {
            names.push(key);
        }
    }
    scopes.push(declared);
    names.iter().all(|name| match name.split_once(':') {
        Some((prefix, _)) => {
            prefix == "xml" || scopes.iter().flatten().any(|declared| declared == prefix)
        }
        None => true,
    })
}

/// The reference: the capture's rules checked through quick-xml's event reader.
fn reference_accepts(fragment: &str) -> bool {
    let wrapped = format!("<w xmlns:o=\"urn:outer\">{fragment}</w>");
    let mut reader = Reader::from_str(&wrapped);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.check_comments = true;
    config.allow_dangling_amp = false;
    let mut scopes: Vec<Vec<String>> = Vec::new();
    loop {
        let Ok(event) = reader.read_event() else {
            return false;
        };
        match event {
            Event::Start(e) => {
                if !reference_start(&e, &mut scopes) {
                    return false;
                }
            }
            Event::Empty(e) => {
                if !reference_start(&e, &mut scopes) {
                    return false;
                }
                scopes.pop();
            }
            Event::End(_) => {
                scopes.pop();
            }
            Event::GeneralRef(r) => {
                let ok = if r.is_char_ref() {
                    matches!(r.resolve_char_ref(), Ok(Some(c)) if is_xml_char(c))
                } else {
                    matches!(&*r.into_inner(), "lt" | "gt" | "amp" | "apos" | "quot")
                };
                if !ok {
                    return false;
                }
            }
            Event::PI(pi) => {
                if pi.target().eq_ignore_ascii_case("xml") {
                    return false;
                }
            }
            Event::Decl(_) | Event::DocType(_) => return false,
            Event::Text(_) | Event::CData(_) | Event::Comment(_) => {}
            Event::Eof => return scopes.is_empty(),
        }
    }
}

/// Pieces of content, well-formed and not: element pairs are balanced by the tree strategy,
/// and the loose tokens below break it in the ways the scan must notice.
fn loose_token() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "text",
        " ",
        "&amp;",
        "&lt;",
        "&#x41;",
        "&#65;",
        "&#0;",
        "&#xFFFE;",
        "&bogus;",
        "&",
        "&amp",
        "<!-- c -->",
        "<!---->",
        "<!-- a--b -->",
        "<![CDATA[<&]]>",
        "<![CDATA[",
        "<?pi data?>",
        "<?xml-stylesheet x?>",
        "<?xml v?>",
        "<!DOCTYPE d>",
        "</stray>",
        "<open>",
        ">",
        "]]>",
        "<e/>",
        "<o:e/>",
        "<u:e/>",
        "<e o:x=\"1\"/>",
        "<e u:x=\"1\"/>",
        "<e x=\"1\" x=\"2\"/>",
        "<e x=\"<\"/>",
        "<e x='&amp;'/>",
        "<e x=\"&bad;\"/>",
        "<e xmlns:q=\"\"/>",
        "<e xmlns=\"urn:d\"/>",
        "<e x=\"o:y\"/>",
    ])
    .prop_map(str::to_owned)
}

fn element_tag() -> impl Strategy<Value = (String, String)> {
    prop::sample::select(vec![
        ("<a>", "</a>"),
        ("<a x=\"1\" y='2'>", "</a>"),
        ("<o:b>", "</o:b>"),
        ("<p:c xmlns:p=\"urn:p\">", "</p:c>"),
        ("<p:c>", "</p:c>"),
        ("<d xmlns:p=\"urn:p\"><p:d>", "</p:d></d>"),
        ("<a>", "</b>"),
        ("<a >", "</a >"),
    ])
    .prop_map(|(open, close)| (open.to_owned(), close.to_owned()))
}

fn fragment() -> impl Strategy<Value = String> {
    let leaf = prop::collection::vec(loose_token(), 0..3).prop_map(|t| t.concat());
    leaf.prop_recursive(4, 32, 4, |inner| {
        (element_tag(), prop::collection::vec(inner, 0..4))
            .prop_map(|((open, close), children)| format!("{open}{}{close}", children.concat()))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    /// The hand-written scan accepts exactly what quick-xml with the same rules accepts.
    #[test]
    fn the_scan_agrees_with_a_quick_xml_reference(
        parts in prop::collection::vec(fragment(), 1..4),
    ) {
        let fragment = parts.concat();
        let ours = parse(&fragment);
        prop_assert_eq!(
            ours.is_ok(),
            reference_accepts(&fragment),
            "{}: ours {:?}", fragment, ours
        );
    }
}
