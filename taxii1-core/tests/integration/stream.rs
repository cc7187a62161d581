//! `ContentBlocks` (one block at a time) agrees with `Message::from_bytes` (all at once) on
//! every input: the same blocks, the same rest of the message, and the same verdict.

use std::path::Path;

use bytes::Bytes;
use proptest::prelude::*;
use taxii1_core::error::LimitKind;
use taxii1_core::message::Parsed;
use taxii1_core::{ContentBlock, ContentBlocks, Error, Limits, Message, Version, strategy};

/// Everything the stream gives: its blocks and the message without them.
fn streamed(input: &Bytes, limits: &Limits) -> Result<(Vec<ContentBlock>, Parsed), Error> {
    let mut stream = ContentBlocks::new(input, limits)?;
    let blocks = stream.by_ref().collect::<Result<Vec<_>, _>>()?;
    assert_eq!(stream.blocks_read(), blocks.len());
    Ok((blocks, stream.finish()?))
}

/// The message split the same way: its blocks taken out.
fn split(mut parsed: Parsed) -> (Vec<ContentBlock>, Parsed) {
    let blocks = match &mut parsed.message {
        Message::PollResponse(response) => std::mem::take(&mut response.content_blocks),
        Message::InboxMessage(inbox) => std::mem::take(&mut inbox.content_blocks),
        _ => Vec::new(),
    };
    (blocks, parsed)
}

fn assert_agree(name: &str, input: &Bytes, limits: &Limits) -> bool {
    let whole = Message::from_bytes(input.clone(), limits);
    let stream = streamed(input, limits);
    match (whole, stream) {
        (Ok(parsed), Ok(streamed)) => {
            assert_eq!(split(parsed), streamed, "{name}");
            true
        }
        (Err(_), Err(_)) => false,
        (whole, stream) => panic!("{name}: all at once {whole:?}, streamed {stream:?}"),
    }
}

#[test]
fn the_stream_agrees_with_the_whole_parse_on_the_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus");
    let strict = Limits::default();
    let lenient = Limits::default().with_accept_peer_deviations(true);
    let (mut accepted, mut refused, mut with_blocks) = (0, 0, 0);
    for side in ["valid", "invalid"] {
        for entry in std::fs::read_dir(dir.join(side)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.display().to_string();
            let input = Bytes::from(std::fs::read(&path).unwrap());
            for limits in [&strict, &lenient] {
                if assert_agree(&name, &input, limits) {
                    accepted += 1;
                    if streamed(&input, limits).unwrap().0.len() > 1 {
                        with_blocks += 1;
                    }
                } else {
                    refused += 1;
                }
            }
        }
    }
    assert!(accepted >= 196, "accepted {accepted}");
    assert!(refused >= 146, "refused {refused}");
    assert!(
        with_blocks >= 4,
        "messages with several blocks: {with_blocks}"
    );
}

const POLL_OPEN: &str = "<taxii_11:Poll_Response xmlns:taxii_11=\"http://taxii.mitre.org/messages/taxii_xml_binding-1.1\" message_id=\"2\" in_response_to=\"1\" collection_name=\"c\">";
const POLL_CLOSE: &str = "</taxii_11:Poll_Response>";
const BLOCK: &str = "<taxii_11:Content_Block><taxii_11:Content_Binding binding_id=\"urn:x\"/><taxii_11:Content>x</taxii_11:Content></taxii_11:Content_Block>";
const SIGNATURE: &str = "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"/>";
const MESSAGE: &str = "<taxii_11:Message>m</taxii_11:Message>";

fn poll(parts: &[&str]) -> Bytes {
    Bytes::from(format!("{POLL_OPEN}{}{POLL_CLOSE}", parts.concat()))
}

#[test]
fn elements_between_or_after_blocks_are_refused_in_place() {
    let limits = Limits::default();
    assert!(assert_agree(
        "blocks, signature",
        &poll(&[BLOCK, BLOCK, SIGNATURE]),
        &limits
    ));
    assert!(assert_agree(
        "message, block",
        &poll(&[MESSAGE, BLOCK]),
        &limits
    ));
    for (name, parts) in [
        ("message between blocks", &[BLOCK, MESSAGE, BLOCK][..]),
        ("message after blocks", &[BLOCK, MESSAGE]),
        ("signature before blocks", &[SIGNATURE, BLOCK]),
        ("signature between blocks", &[BLOCK, SIGNATURE, BLOCK]),
        ("two signatures", &[BLOCK, SIGNATURE, SIGNATURE]),
    ] {
        let input = poll(parts);
        assert!(!assert_agree(name, &input, &limits), "{name}");
        let mut stream = ContentBlocks::new(&input, &limits).unwrap();
        let error = loop {
            match stream.next_block() {
                Ok(Some(_)) => {}
                Ok(None) => panic!("{name}: no error"),
                Err(e) => break e,
            }
        };
        assert!(
            matches!(error, Error::UnexpectedElement { .. }),
            "{name}: {error:?}"
        );
        // The stream stays failed, and says so again.
        assert!(stream.next_block().unwrap().is_none());
        assert_eq!(stream.finish().unwrap_err(), error, "{name}");
    }
}

#[test]
fn the_block_limit_applies_to_the_stream() {
    let limits = Limits::default().with_max_content_blocks(2);
    let input = poll(&[BLOCK, BLOCK, BLOCK]);
    let mut stream = ContentBlocks::new(&input, &limits).unwrap();
    assert!(stream.next_block().unwrap().is_some());
    assert!(stream.next_block().unwrap().is_some());
    assert!(matches!(
        stream.next_block(),
        Err(Error::LimitExceeded {
            limit: LimitKind::ContentBlocks,
            ..
        })
    ));
    assert!(!assert_agree("limit", &input, &limits));
}

#[test]
fn blocks_are_handed_out_before_the_rest_is_read() {
    // The stream has not looked past the first block when it hands it out: an error further
    // on comes after it.
    let input = Bytes::from(format!("{POLL_OPEN}{BLOCK}<broken"));
    let limits = Limits::default();
    let mut stream = ContentBlocks::new(&input, &limits).unwrap();
    assert_eq!(
        stream.envelope(),
        &split(Message::from_bytes(poll(&[]), &limits).unwrap())
            .1
            .message
    );
    assert_eq!(stream.next_block().unwrap().unwrap().content.as_str(), "x");
    assert!(matches!(stream.next_block(), Err(Error::Xml { .. })));
    // Messages without blocks stream as nothing.
    let discovery = Bytes::from_static(b"<taxii_11:Discovery_Request xmlns:taxii_11=\"http://taxii.mitre.org/messages/taxii_xml_binding-1.1\" message_id=\"1\"/>");
    let mut stream = ContentBlocks::new(&discovery, &limits).unwrap();
    assert!(stream.next_block().unwrap().is_none());
    assert_eq!(stream.version(), Version::V1_1);
    assert!(matches!(
        stream.finish().unwrap().message,
        Message::DiscoveryRequest(_)
    ));
}

/// Cuts `len` bytes at `at` and pastes `insert` there: mostly broken messages, some still valid.
fn mutate(input: &[u8], at: usize, len: usize, insert: &str) -> Bytes {
    let at = at % (input.len() + 1);
    let end = (at + len).min(input.len());
    let mut out = input[..at].to_vec();
    out.extend_from_slice(insert.as_bytes());
    out.extend_from_slice(&input[end..]);
    Bytes::from(out)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_messages_stream_like_they_parse(
        message in strategy::message(Version::V1_1),
        cut in (any::<usize>(), 0usize..40),
        insert in prop::sample::select(vec![
            "", "<taxii_11:Message>m</taxii_11:Message>", BLOCK, SIGNATURE, "</taxii_11:Content_Block>", "<",
        ]),
    ) {
        let Ok(xml) = message.to_xml(Version::V1_1) else { return Ok(()) };
        let input = Bytes::from(xml.clone());
        prop_assert!(assert_agree("generated", &input, &Limits::default()));
        let mutated = mutate(&xml, cut.0, cut.1, insert);
        assert_agree("mutated", &mutated, &Limits::default());
    }

    #[test]
    fn generated_1_0_messages_stream_like_they_parse(message in strategy::message(Version::V1_0)) {
        let Ok(xml) = message.to_xml(Version::V1_0) else { return Ok(()) };
        prop_assert!(assert_agree("generated 1.0", &Bytes::from(xml), &Limits::default()));
    }
}
