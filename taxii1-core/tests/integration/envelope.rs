//! The envelope reader (the tree builder around the captured content): the XML declaration,
//! text, references, CDATA and line ends in TAXII's own elements, what may stand outside the
//! root, and what is refused with which reason.

use taxii1_core::error::LimitKind;
use taxii1_core::{Error, Limits, Message};

const NS: &str = "http://taxii.mitre.org/messages/taxii_xml_binding-1.1";

/// A 1.1 Status_Message whose `Message` element holds `message` (raw XML text).
fn status(message: &str) -> String {
    format!(
        "<t:Status_Message xmlns:t=\"{NS}\" message_id=\"1\" in_response_to=\"0\" \
         status_type=\"SUCCESS\"><t:Message>{message}</t:Message></t:Status_Message>"
    )
}

fn read(xml: &str) -> Result<Message, Error> {
    Message::from_xml(xml.as_bytes()).map(|parsed| parsed.message)
}

fn message_text(xml: &str) -> String {
    match read(xml) {
        Ok(Message::StatusMessage(status)) => status.message.unwrap_or_default(),
        other => panic!("{xml}: {other:?}"),
    }
}

#[test]
fn envelope_text_is_decoded() {
    let cases = [
        ("plain", "plain"),
        ("a &amp; b &lt;&gt; &quot;&apos;", "a & b <> \"'"),
        ("&#65;&#x42;&#x1F600;", "AB\u{1F600}"),
        ("one\r\ntwo\rthree\nfour", "one\ntwo\nthree\nfour"),
        ("<![CDATA[x < y & z]]>", "x < y & z"),
        ("a<![CDATA[\r\n]]>b", "a\nb"),
        ("a<!-- note -->b<?pi data?>c", "abc"),
        ("", ""),
    ];
    for (raw, want) in cases {
        assert_eq!(message_text(&status(raw)), want, "{raw:?}");
    }
}

#[test]
fn attribute_values_are_decoded_and_normalised() {
    // Literal tabs and line ends become spaces; a character reference keeps its character.
    let xml = format!(
        "<t:Status_Message xmlns:t='{NS}' message_id='1' in_response_to='a&amp;b\tc\r\nd&#x9;e' \
         status_type='SUCCESS'/>"
    );
    let Ok(Message::StatusMessage(status)) = read(&xml) else {
        panic!("not read")
    };
    assert_eq!(status.in_response_to.as_str(), "a&b c  d\te");
}

#[test]
fn what_may_stand_around_the_root() {
    let body = status("x");
    let accepted = [
        format!("<?xml version=\"1.0\"?>{body}"),
        format!("<?xml version='1.0' encoding='utf-8' standalone='yes'?>\n{body}"),
        format!("<?xml version=\"1.0\" encoding=\"UTF8\" ?>{body}"),
        format!("\u{FEFF}<?xml version=\"1.0\"?>{body}"),
        format!("<!-- before -->\n<?pi before?>\r\n{body}\n<!-- after --><?pi after?>\n"),
        format!(" \t\r\n{body} \t\r\n"),
    ];
    for xml in &accepted {
        assert_eq!(message_text(xml), "x", "{xml:?}");
    }
    let default_namespace = format!(
        "<Status_Message xmlns=\"{NS}\" message_id=\"1\" in_response_to=\"0\" \
         status_type=\"SUCCESS\"><Message>x</Message></Status_Message>"
    );
    assert_eq!(message_text(&default_namespace), "x");
}

#[test]
fn malformed_envelopes_are_refused_with_the_reason() {
    let body = status("x");
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "no root element"),
        ("<!-- only -->".into(), "no root element"),
        (
            format!("<?xml version=\"1.1\"?>{body}"),
            "XML version `1.1`",
        ),
        (
            format!("<?xml encoding=\"UTF-8\"?>{body}"),
            "does not start with its version",
        ),
        (format!("<?xml?>{body}"), "has no version"),
        (
            format!("<?xml version=\"1.0\" standalone=\"maybe\"?>{body}"),
            "standalone `maybe`",
        ),
        (
            format!("<?xml version=\"1.0\" color=\"red\"?>{body}"),
            "unexpected `color`",
        ),
        (
            format!("<?xml version=\"1.0\"encoding=\"UTF-8\"?>{body}"),
            "malformed XML declaration",
        ),
        (
            format!("<?xml version=1.0?>{body}"),
            "malformed XML declaration",
        ),
        (
            format!(" <?xml version=\"1.0\"?>{body}"),
            "XML declaration not at the start",
        ),
        (
            format!("{body}<?xml version=\"1.0\"?>"),
            "XML declaration not at the start",
        ),
        (format!("x{body}"), "text outside the root element"),
        (format!("{body}&amp;"), "text outside the root element"),
        (format!("{body}{body}"), "a second root element"),
        (
            format!("{body}<![CDATA[x]]>"),
            "CDATA outside the root element",
        ),
        (format!("</a>{body}"), "end tag without a start tag"),
        (format!("<!DOCTYPE x>{body}"), "DOCTYPE"),
        (
            body.replace("</t:Status_Message>", ""),
            "unclosed element at end of input",
        ),
        (
            body.replace("</t:Message>", "</t:Other>"),
            "does not match the start tag `<t:Message>`",
        ),
        (
            body.replace("message_id=\"1\"", "message_id=1"),
            "attribute value without quotes",
        ),
        (
            body.replace("message_id=\"1\"", "message_id=\"1\" message_id=\"2\""),
            "duplicate attribute `message_id`",
        ),
        (
            body.replace("message_id=\"1\"", "message_id=\"<1\""),
            "`<` in an attribute value",
        ),
        (
            body.replace("<t:Message>", "<u:Message>")
                .replace("</t:Message>", "</u:Message>"),
            "undeclared namespace prefix `u`",
        ),
        (status("&nbsp;"), "entity reference `&nbsp;` is not allowed"),
        (status("&#0;"), "character reference `&#0;`"),
        (status("a & b"), "`&` not followed by a reference"),
        (status("<!-- a -- b -->"), "`--` inside a comment"),
        (status("<![CDATA[x"), "unclosed CDATA section"),
        (
            body.replace("xmlns:t=", "xmlns:e=\"\" xmlns:t="),
            "empty namespace for prefix `e`",
        ),
    ];
    for (xml, reason) in &cases {
        match read(xml) {
            Err(Error::Xml { reason: got, .. }) => {
                assert!(
                    got.contains(reason),
                    "{xml:?}: reason {got:?}, want {reason:?}"
                );
            }
            other => panic!("{xml:?}: {other:?}, want an XML error with {reason:?}"),
        }
    }
}

#[test]
fn a_declared_encoding_other_than_utf_8_is_an_encoding_error() {
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>{}",
        status("x")
    );
    assert!(matches!(read(&xml), Err(Error::Encoding { .. })));
}

#[test]
fn envelope_text_counts_against_the_text_limit() {
    // The namespace URI (53 bytes) is the longest value besides the text.
    let limits = Limits::default().with_max_text_bytes(60);
    let read = |text: &str| Message::from_xml_with(status(text).as_bytes(), &limits);
    let sixty = "x".repeat(60);
    assert!(read(&sixty).is_ok());
    let over = [
        format!("{sixty}y"),
        format!("{sixty}<!---->y"),
        format!("{sixty}<![CDATA[y]]>"),
        format!("{sixty}&amp;"),
    ];
    for over in &over {
        assert!(
            matches!(
                read(over),
                Err(Error::LimitExceeded {
                    limit: LimitKind::TextBytes,
                    ..
                })
            ),
            "{over}"
        );
    }
}
