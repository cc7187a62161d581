//! Property: arbitrary messages round-trip through write and parse unchanged.
//!
//! For both versions, every message the strategies generate for that version writes, parses
//! back as the same version and message, and writes again to the same bytes. Messages written
//! in the other version either round-trip too or are refused with a typed error; they never
//! panic and never produce XML the reader rejects.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};

use taxii1_core::message::*;
use taxii1_core::strategy::{self, versioned_message};
use taxii1_core::{
    Content, ContentBinding, ContentBlock, ContentKind, Error, Message, Timestamp, Version,
};

fn config() -> Config {
    Config {
        // No regression files in the source tree; a failure prints its minimal input.
        failure_persistence: None,
        ..Config::default()
    }
}

/// Writes `message` as `version`, reads it back, checks that it reads as `version` and
/// `expected`, and that writing it again gives the same bytes.
fn round_trip(
    message: &Message,
    version: Version,
    expected: &Message,
) -> Result<(), TestCaseError> {
    let xml = message
        .to_xml(version)
        .map_err(|e| TestCaseError::fail(format!("write as {version}: {e}")))?;
    let text = String::from_utf8_lossy(&xml);
    let parsed = Message::from_xml(&xml)
        .map_err(|e| TestCaseError::fail(format!("re-parse as {version}: {e}\n{text}")))?;
    prop_assert_eq!(parsed.version, version);
    prop_assert_eq!(
        &parsed.message,
        expected,
        "read back differently from\n{}",
        text
    );
    let again = parsed
        .message
        .to_xml(version)
        .map_err(|e| TestCaseError::fail(format!("second write: {e}")))?;
    prop_assert_eq!(
        String::from_utf8_lossy(&again),
        text,
        "second write differs"
    );
    Ok(())
}

/// What the 1.0 writer legitimately leaves out when a 1.1 message is written as 1.0: an explicit
/// `collection_type="DATA_FEED"` and `status="ACTIVE"`, the defaults and the only values TAXII
/// 1.0 has, read back as absent.
fn as_read_from_1_0(mut message: Message) -> Message {
    match &mut message {
        Message::CollectionInformationResponse(m) => {
            for c in &mut m.collections {
                if c.collection_type == Some(CollectionType::DataFeed) {
                    c.collection_type = None;
                }
            }
        }
        Message::SubscriptionManagementResponse(m) => {
            for s in &mut m.subscriptions {
                if s.status == Some(SubscriptionStatus::Active) {
                    s.status = None;
                }
            }
        }
        _ => {}
    }
    message
}

/// Writes a message generated for `from` as the other version: either it round-trips (up to
/// what [`as_read_from_1_0`] allows) or the writer refuses it with a typed error. Returns
/// whether it was written.
fn cross_version(message: &Message, from: Version) -> Result<bool, TestCaseError> {
    let to = match from {
        Version::V1_0 => Version::V1_1,
        Version::V1_1 => Version::V1_0,
    };
    match message.to_xml(to) {
        Ok(_) => {
            let expected = match to {
                Version::V1_0 => as_read_from_1_0(message.clone()),
                Version::V1_1 => message.clone(),
            };
            round_trip(message, to, &expected)?;
            Ok(true)
        }
        Err(Error::NotRepresentable { version, .. }) => {
            prop_assert_eq!(version, to);
            Ok(false)
        }
        Err(Error::InvalidField { .. }) => Ok(false),
        Err(other) => Err(TestCaseError::fail(format!(
            "writing a {from} message as {to}: unexpected error {other:?}"
        ))),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn taxii_1_1_messages_round_trip(message in strategy::message(Version::V1_1)) {
        round_trip(&message, Version::V1_1, &message)?;
    }

    #[test]
    fn taxii_1_0_messages_round_trip(message in strategy::message(Version::V1_0)) {
        round_trip(&message, Version::V1_0, &message)?;
    }

    #[test]
    fn taxii_1_1_messages_write_as_1_0_or_are_refused(
        message in strategy::message(Version::V1_1),
    ) {
        cross_version(&message, Version::V1_1)?;
    }

    #[test]
    fn taxii_1_0_messages_write_as_1_1_or_are_refused(
        message in strategy::message(Version::V1_0),
    ) {
        cross_version(&message, Version::V1_0)?;
    }

    #[test]
    fn xml_fragments_are_standalone_xml_content(fragment in strategy::xml_fragment()) {
        let content = Content::xml(fragment.clone())
            .map_err(|e| TestCaseError::fail(format!("{e}: {fragment}")))?;
        prop_assert_eq!(content.kind(), ContentKind::Xml);
        prop_assert_eq!(content.as_str(), fragment.as_str());
    }

    #[test]
    fn content_blocks_keep_text_and_xml_exactly(
        (version, blocks) in prop_oneof![
            proptest::collection::vec(strategy::content_block(Version::V1_0), 1..4)
                .prop_map(|blocks| (Version::V1_0, blocks)),
            proptest::collection::vec(strategy::content_block(Version::V1_1), 1..4)
                .prop_map(|blocks| (Version::V1_1, blocks)),
        ],
    ) {
        let mut inbox = InboxMessage::new(MessageId::from_u64(1), blocks.clone());
        inbox.message = Some("content only".to_owned());
        let xml = Message::from(inbox).to_xml(version)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let parsed = Message::from_xml(&xml).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let read = parsed.message.content_blocks();
        prop_assert_eq!(read.len(), blocks.len());
        for (read, written) in read.iter().zip(&blocks) {
            prop_assert_eq!(read.content.kind(), written.content.kind());
            prop_assert_eq!(read.content.as_bytes(), written.content.as_bytes());
        }
    }

    #[test]
    fn generated_timestamps_have_a_zone_and_at_most_six_fraction_digits(
        ts in strategy::timestamp(),
    ) {
        let text = ts.as_str();
        let zone = text.get(text.len() - 6..).unwrap_or_default();
        let offset = zone.starts_with(['+', '-']) && zone.as_bytes().get(3) == Some(&b':');
        prop_assert!(text.ends_with('Z') || offset, "{}", text);
        let fraction = text.split_once('.').map_or(0, |(_, f)| {
            f.bytes().take_while(u8::is_ascii_digit).count()
        });
        prop_assert!(fraction <= 6, "{}", text);
    }
}

/// Generates `n` values of `strategy` with a fixed seed.
fn sample<T: std::fmt::Debug>(strategy: impl Strategy<Value = T>, n: usize) -> Vec<T> {
    let mut runner = TestRunner::deterministic();
    (0..n)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect()
}

/// The generators reach every message kind in both versions, and the cross-version property
/// exercises both of its branches (written and refused) in both directions.
#[test]
fn generators_cover_every_message_kind_and_both_outcomes() {
    for (version, kinds) in [(Version::V1_0, 10), (Version::V1_1, 11)] {
        let messages = sample(strategy::message(version), 200);
        let mut seen: Vec<MessageKind> = messages.iter().map(Message::kind).collect();
        seen.sort_by_key(|k| format!("{k:?}"));
        seen.dedup();
        assert_eq!(seen.len(), kinds, "{version}: kinds generated: {seen:?}");
        let written = messages
            .iter()
            .filter(|m| cross_version(m, version).unwrap())
            .count();
        assert!(
            written > 0 && written < messages.len(),
            "{version}: {written} of {} written in the other version",
            messages.len()
        );
    }
    let both = sample(versioned_message(), 100);
    assert!(both.iter().any(|(v, _)| *v == Version::V1_0));
    assert!(both.iter().any(|(v, _)| *v == Version::V1_1));
}

/// The strategies respect the rules the writer checks; a few spot checks on what they produce.
#[test]
fn generators_respect_version_rules() {
    for message in sample(strategy::message(Version::V1_0), 150) {
        assert!(message.message_id().is_numeric(), "{message:?}");
        if let Message::PollResponse(m) = &message {
            assert!(m.inclusive_end_timestamp_label.is_some());
        }
        if let Message::CollectionInformationResponse(m) = &message {
            for c in &m.collections {
                assert!(!c.content_bindings.is_empty());
                assert!(!c.push_methods.is_empty() || !c.polling_services.is_empty());
            }
        }
    }
    for message in sample(strategy::message(Version::V1_1), 150) {
        if let Message::PollRequest(m) = &message {
            assert_ne!(m.subscription_id.is_some(), m.poll_parameters.is_some());
        }
        for block in message.content_blocks() {
            assert!(block.content_binding.subtypes.len() <= 1);
        }
    }
}

#[test]
fn generated_text_covers_the_characters_that_need_escaping() {
    let texts = sample(strategy::xml_text(), 500).concat();
    for needle in ["<", "&", "]]>", "\r", "\t", "\u{2028}"] {
        assert!(
            texts.contains(needle),
            "no {needle:?} in 500 generated texts"
        );
    }
    assert!(
        texts.chars().any(|c| c > '\u{FFFF}'),
        "no non-BMP character"
    );
    let uris = sample(strategy::uri(), 500);
    assert!(
        uris.iter().all(|u| !u.is_empty() && u.trim() == u),
        "{uris:?}"
    );
    for needle in ["\t", "\r", "\n", "\u{A0}", "<", "&", "\"", "🦀"] {
        assert!(
            uris.iter().any(|u| u.contains(needle)),
            "no {needle:?} in 500 URIs"
        );
    }
    let fragments = sample(strategy::xml_fragment(), 200).concat();
    for needle in [
        "<![CDATA[",
        "<!--",
        "<?taxii-test",
        " xmlns:",
        " xmlns=\"",
        "xml:lang",
    ] {
        assert!(fragments.contains(needle), "no {needle:?} in 200 fragments");
    }
}

// ---------------------------------------------------------------------------------------------
// Writing hostile values. The invariant is the same as above: what `to_xml` writes, `from_xml`
// reads back unchanged; a value that cannot be written that way is refused with a typed error.
// The tests after the two properties below are codec bugs the properties found with looser
// inputs than the strategies generate: the writer accepts a value and produces XML that its own
// reader rejects or reads as something else. Each lists every failing input it checks.
// ---------------------------------------------------------------------------------------------

/// The write/read invariant for `message` in `version`: `Err` describes how it is broken.
fn written_reads_back(message: &Message, version: Version) -> Result<(), String> {
    let xml = match message.to_xml(version) {
        Ok(xml) => xml,
        Err(Error::InvalidField { .. } | Error::NotRepresentable { .. }) => return Ok(()),
        Err(other) => return Err(format!("unexpected write error {other:?}")),
    };
    let text = String::from_utf8_lossy(&xml);
    match Message::from_xml(&xml) {
        Ok(parsed) if parsed.message == *message => Ok(()),
        Ok(parsed) => Err(format!(
            "written as {text}\nbut read back as {:?}",
            parsed.message
        )),
        Err(e) => Err(format!("written as {text}\nbut the reader rejects it: {e}")),
    }
}

/// Fails with every case whose message breaks the invariant.
fn assert_all_read_back(cases: Vec<(String, Message)>) {
    let broken: Vec<String> = cases
        .iter()
        .filter_map(|(case, message)| {
            written_reads_back(message, Version::V1_1)
                .err()
                .map(|e| format!("- {case}: {e}"))
        })
        .collect();
    assert!(
        broken.is_empty(),
        "{} of {} cases broken:\n{}",
        broken.len(),
        cases.len(),
        broken.join("\n")
    );
}

fn inbox_with(content: Content) -> Message {
    let block = ContentBlock::new(ContentBinding::new("urn:x"), content);
    InboxMessage::new(MessageId::from_u64(1), vec![block]).into()
}

/// Characters XML 1.0 cannot carry, not even as character references (a sample: NUL, other C0
/// controls but tab, LF and CR, U+FFFE, U+FFFF).
const FORBIDDEN_CHARS: &[char] = &[
    '\u{0}', '\u{1}', '\u{8}', '\u{B}', '\u{C}', '\u{E}', '\u{1F}', '\u{FFFE}', '\u{FFFF}',
];

/// Markup-heavy pieces from which [`content_xml_accepts_only_what_reads_back`] builds fragment
/// candidates: most are well-formed or nearly so, some use what the reader refuses.
const FRAGMENT_PIECES: &[&str] = &[
    "<a>",
    "</a>",
    "<a/>",
    "<p:a xmlns:p=\"urn:p\">",
    "</p:a>",
    "<p:b/>",
    "<b x=\"1\">",
    "</b>",
    "<c p:x=\"1\"/>",
    "<c x=\"1\" x=\"2\"/>",
    "<c x=\"a<b\"/>",
    "<c x=\"&foo;\"/>",
    "<c x=\"&#0;\"/>",
    "text",
    " ",
    "\r\n",
    "&amp;",
    "&#x1F980;",
    "&#0;",
    "&#xFFFE;",
    "\u{1}",
    "\u{FFFF}",
    "<!-- c -->",
    "<!-- a -- b -->",
    "<![CDATA[x]]>",
    "<?pi data?>",
    "<?xml version=\"1.0\"?>",
    "]]>",
];

proptest! {
    #![proptest_config(config())]

    /// Any string as an `xs:string` field, as text content, and as attribute values the reader
    /// does not trim (a 1.1 message id, an extended header's name): written and read back, or
    /// refused with `InvalidField` exactly when it holds a character XML cannot carry.
    #[test]
    fn any_text_is_written_exactly_or_refused(
        text in proptest::collection::vec(
            prop_oneof![
                8 => strategy::xml_char(),
                1 => proptest::sample::select(FORBIDDEN_CHARS),
            ],
            0..12,
        )
        .prop_map(String::from_iter),
    ) {
        let forbidden = text.chars().any(|c| FORBIDDEN_CHARS.contains(&c));
        let status = StatusMessage::new(MessageId::from_u64(1), MessageId::from_u64(2), StatusType::FAILURE)
            .with_message(text.clone());
        let mut request = DiscoveryRequest::new(
            MessageId::new(text.clone()).unwrap_or_else(|_| MessageId::from_u64(1)),
        );
        request.extended_headers.push(ExtendedHeader::new(text.clone(), Content::text("v")));
        let messages = [
            Message::from(status),
            inbox_with(Content::text(text.clone())),
            Message::from(request),
        ];
        for message in messages {
            match message.to_xml(Version::V1_1) {
                Ok(_) => {
                    prop_assert!(!forbidden, "wrote a forbidden character: {:?}", text);
                    round_trip(&message, Version::V1_1, &message)?;
                }
                Err(Error::InvalidField { .. }) => prop_assert!(forbidden, "refused {:?}", text),
                Err(other) => return Err(TestCaseError::fail(format!("{other:?}"))),
            }
        }
    }

    /// Whatever `Content::xml` accepts is written and read back as the same XML content.
    #[test]
    fn content_xml_accepts_only_what_reads_back(
        pieces in proptest::collection::vec(proptest::sample::select(FRAGMENT_PIECES), 1..6),
    ) {
        let fragment = pieces.concat();
        if let Ok(content) = Content::xml(fragment.clone()) {
            written_reads_back(&inbox_with(content), Version::V1_1)
                .map_err(|e| TestCaseError::fail(format!("Content::xml({fragment:?}): {e}")))?;
        }
    }
}

/// TAXII timestamps carry at most 6 fractional second digits (`TimestampLabelType`): such a
/// value cannot even be constructed, so it can never be written.
#[test]
fn timestamps_with_more_than_six_fraction_digits_are_refused() {
    assert!(Timestamp::new("2026-01-01T00:00:00.1234567Z").is_err());
    let ts = Timestamp::new("2026-01-01T00:00:00.123456Z").unwrap();
    let block = ContentBlock::new(ContentBinding::new("urn:x"), Content::text("x"))
        .with_timestamp_label(ts.clone());
    let inbox = InboxMessage::new(MessageId::from_u64(1), vec![block]);
    let poll = PollRequest::new(MessageId::from_u64(1), "c").with_window(Some(ts), None);
    assert_all_read_back(vec![
        ("Timestamp_Label".to_owned(), inbox.into()),
        ("Exclusive_Begin_Timestamp".to_owned(), poll.into()),
    ]);
}

/// The reader checks the typed status details (`ESTIMATED_WAIT`, `MAX_PART_NUMBER`,
/// `WILL_PUSH`); the writer refuses values the reader would refuse.
#[test]
fn typed_status_details_are_refused_or_read_back() {
    use taxii1_core::message::status::detail_name;
    let cases = [
        (detail_name::ESTIMATED_WAIT, "soon"),
        (detail_name::MAX_PART_NUMBER, "-1"),
        (detail_name::WILL_PUSH, "yes"),
    ]
    .into_iter()
    .map(|(name, value)| {
        let status = StatusMessage::new(
            MessageId::from_u64(1),
            MessageId::from_u64(2),
            StatusType::PENDING,
        )
        .with_detail(Detail::text(name, value));
        (format!("{name}={value}"), status.into())
    })
    .collect();
    assert_all_read_back(cases);
}

/// The reader decides between a Default Query and another format by `format_id`, so the writer
/// refuses a body that disagrees with it.
#[test]
fn query_bodies_that_disagree_with_their_format_id_are_refused_or_read_back() {
    let criteria = Criteria::new(
        Operator::And,
        vec![CriteriaItem::Criterion(Criterion::new(
            "Title",
            Test::new(taxii1_core::urn::CAPABILITY_CORE_1_0, "exists"),
        ))],
    );
    let mut default_body_other_format = Query::default_query(DefaultQuery::new("t", criteria));
    default_body_other_format.format_id = "urn:example:query".to_owned();
    let mut other_body_default_format = default_body_other_format.clone();
    other_body_default_format.format_id = taxii1_core::urn::QUERY_FORMAT_DEFAULT_1_0.to_owned();
    other_body_default_format.body = QueryBody::Other(Content::text("x"));
    let cases = [
        (
            "Default_Query with another format_id",
            default_body_other_format,
        ),
        (
            "other query with the Default Query format_id",
            other_body_default_format,
        ),
    ]
    .into_iter()
    .map(|(case, query)| {
        let mut parameters = PollParameters::default();
        parameters.query = Some(query);
        let mut poll = PollRequest::new(MessageId::from_u64(1), "c");
        poll.poll_parameters = Some(parameters);
        (case.to_owned(), poll.into())
    })
    .collect();
    assert_all_read_back(cases);
}

/// Fragments `Content::xml` accepts although they break its contract: a fragment is "one or
/// more elements" and "well-formed on its own", and the reader must take it back unchanged.
fn assert_content_xml_cases(fragments: &[&str]) {
    let cases = fragments
        .iter()
        .filter_map(|f| {
            Content::xml(f.to_string())
                .ok()
                .map(|c| (format!("Content::xml({f:?})"), inbox_with(c)))
        })
        .collect();
    assert_all_read_back(cases);
}

/// Without an element, comment or processing instruction a fragment would read back as text
/// content, so `Content::xml` refuses it.
#[test]
fn xml_content_without_an_element_is_refused_or_read_back_as_xml() {
    assert_content_xml_cases(&["", "plain text", "a &amp; b", "<![CDATA[x]]>"]);
}

/// `Content::xml` checks with the reader's own rules: fragments the reader would refuse inside
/// `Content` are refused at construction.
#[test]
fn xml_content_the_reader_rejects_is_refused() {
    assert_content_xml_cases(&[
        r#"<a p:x="1"/>"#,
        r#"<a x="1" x="2"/>"#,
        r#"<a x="a<b"/>"#,
        r#"<a x="&foo;"/>"#,
        r#"<a x="&#0;"/>"#,
        "<a>&#0;</a>",
        "<a>&#xFFFE;</a>",
        "<a>\u{1}</a>",
        "<a>\u{FFFF}</a>",
        "<a><!-- x -- y --></a>",
        r#"<?xml version="1.0"?><a/>"#,
    ]);
}
