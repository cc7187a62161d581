//! Packages in and out of TAXII content blocks.

use eiq_json::{ContentBindingId, ContentType, Error, Limits, Package};
use taxii1_core::size::{SizeLimit, TooLarge};
use taxii1_core::{Content, ContentBinding, ContentBlock, ContentKind};

use crate::vector;

#[test]
fn package_round_trips_through_a_content_block() {
    let package = Package::from_json(&vector("synthetic-package-v2-enrichments.json")).unwrap();
    let block = package.to_content_block().unwrap();
    assert_eq!(
        block.content_binding.binding_id,
        ContentBindingId::EIQ_JSON_2_0
    );
    assert_eq!(block.content.kind(), ContentKind::Text);
    assert_eq!(
        Package::from_content_block(&block, &Limits::default()).unwrap(),
        package
    );
    assert_eq!(
        ContentType::V1.binding_id().as_str(),
        "urn:eclecticiq.com:json:1.0"
    );
}

#[test]
fn a_block_as_received() {
    let text = String::from_utf8(vector("synthetic-package-v1-empty-run.json")).unwrap();
    let block = ContentBlock::new(
        ContentBinding::new(ContentBindingId::EIQ_JSON_1_0),
        Content::text(text),
    );
    let package = Package::from_content_block(&block, &Limits::default()).unwrap();
    assert_eq!(
        package.outgoing_feed_name.get().map(String::as_str),
        Some("alice-to-barbara (TAXII poll)")
    );
}

#[test]
fn wrong_binding_is_named() {
    let block = ContentBlock::new(
        ContentBinding::new(ContentBindingId::STIX_XML_1_1_1),
        Content::text("{}"),
    );
    assert_eq!(
        Package::from_content_block(&block, &Limits::default()).unwrap_err(),
        Error::UnexpectedBinding {
            found: "urn:stix.mitre.org:xml:1.1.1".into()
        }
    );
}

#[test]
fn xml_payload_is_refused() {
    let block = ContentBlock::new(
        ContentBinding::new(ContentBindingId::EIQ_JSON_1_0),
        Content::xml("<a/>").unwrap(),
    );
    assert_eq!(
        Package::from_content_block(&block, &Limits::default()).unwrap_err(),
        Error::XmlContent {
            binding: "urn:eclecticiq.com:json:1.0".into()
        }
    );
}

#[test]
fn oversized_payload_is_refused() {
    let text = String::from_utf8(vector("synthetic-package-v1-empty-run.json")).unwrap();
    let len = text.len();
    let block = ContentBlock::new(
        ContentBinding::new(ContentBindingId::EIQ_JSON_1_0),
        Content::text(text),
    );
    let limits = Limits::default().with_size(SizeLimit::new(100).unwrap());
    assert_eq!(
        Package::from_content_block(&block, &limits).unwrap_err(),
        Error::TooLarge(TooLarge {
            size: len,
            limit: 100
        })
    );
}
