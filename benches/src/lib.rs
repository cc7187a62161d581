//! Deterministic benchmark inputs, generated in code (nothing large is stored in the repository).
//!
//! The same generators feed the criterion benches and `gen-bench-inputs`, which writes the inputs
//! to files so `benches/compare.sh` can run the Python reference implementations on the very same
//! bytes.

use taxii1_core::message::{MessageId, PollResponse};
use taxii1_core::{
    Content, ContentBinding, ContentBindingId, ContentBlock, Message, Timestamp, Version,
};

/// A tiny deterministic generator (xorshift), so inputs are identical on every run.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    /// The next pseudo-random number.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }
}

fn hex(rng: &mut Rng, len: usize) -> String {
    (0..len)
        .filter_map(|_| char::from_digit((rng.below(16)) as u32, 16))
        .collect()
}

/// A STIX 1.1.1-style indicator package of about `size` bytes, with its namespaces declared on
/// its root (as real feeds do).
pub fn stix_indicator_package(i: usize, rng: &mut Rng, size: usize) -> String {
    let mut s = format!(
        "<stix:STIX_Package xmlns:stix=\"http://stix.mitre.org/stix-1\" xmlns:indicator=\"http://stix.mitre.org/Indicator-2\" \
xmlns:cybox=\"http://cybox.mitre.org/cybox-2\" xmlns:AddressObj=\"http://cybox.mitre.org/objects#AddressObject-2\" \
xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:example=\"http://example.com\" id=\"example:Package-{i:08}\" version=\"1.1.1\">\
<stix:STIX_Header><stix:Title>Indicator feed {i}</stix:Title></stix:STIX_Header><stix:Indicators>"
    );
    let mut n = 0;
    while s.len() + 400 < size {
        s.push_str(&format!(
            "<stix:Indicator id=\"example:indicator-{}\" timestamp=\"2014-05-08T09:00:00.000000Z\" xsi:type=\"indicator:IndicatorType\">\
<indicator:Title>Bad address {n} &amp; friends</indicator:Title><indicator:Observable id=\"example:Observable-{}\">\
<cybox:Object><cybox:Properties xsi:type=\"AddressObj:AddressObjectType\" category=\"ipv4-addr\">\
<AddressObj:Address_Value condition=\"Equals\">10.{}.{}.{}</AddressObj:Address_Value></cybox:Properties></cybox:Object>\
</indicator:Observable></stix:Indicator>",
            hex(rng, 12),
            hex(rng, 12),
            rng.below(256),
            rng.below(256),
            rng.below(256)
        ));
        n += 1;
    }
    s.push_str("</stix:Indicators></stix:STIX_Package>");
    s
}

/// An EclecticIQ JSON package of about `size` bytes.
pub fn eiq_json_document(i: usize, rng: &mut Rng, size: usize) -> String {
    let mut entities = Vec::new();
    let mut len = 200;
    let mut n = 0;
    while len < size {
        let e = format!(
            "{{\"id\": \"{{https://example.org}}indicator-{i}-{n}-{}\", \"data\": {{\"type\": \"indicator\", \"title\": \"Bad <host> {n} & co\", \
\"description\": \"seen \\\"twice\\\"\"}}, \"meta\": {{\"tlp_color\": \"AMBER\"}}, \"extracts\": [{{\"kind\": \"ipv4\", \"value\": \"10.{}.{}.{}\"}}]}}",
            hex(rng, 8),
            rng.below(256),
            rng.below(256),
            rng.below(256)
        );
        len += e.len() + 2;
        entities.push(e);
        n += 1;
    }
    format!(
        "{{\"content-type\": \"urn:eclecticiq.com:json:1.0\", \"entities\": [{}], \"timestamp\": \"2014-05-08T09:00:00+00:00\"}}",
        entities.join(", ")
    )
}

fn timestamp(i: usize) -> Timestamp {
    let t = format!(
        "2014-05-08T09:{:02}:{:02}.000000+00:00",
        (i / 60) % 60,
        i % 60
    );
    Timestamp::new(t).unwrap_or_else(|_| {
        Timestamp::new("2014-05-08T09:00:00+00:00").unwrap_or_else(|_| unreachable!())
    })
}

/// What each generated poll response carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload {
    /// STIX XML packages embedded as XML.
    StixXml,
    /// EclecticIQ JSON packages as text.
    EiqJson,
}

/// A TAXII 1.1 Poll_Response with `blocks` content blocks of about `block_size` bytes each
/// (`None` blocks: as many as fit in `total` bytes).
pub fn poll_response(
    payload: Payload,
    blocks: Option<usize>,
    block_size: usize,
    total: usize,
    seed: u64,
) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let mut content_blocks = Vec::new();
    let mut size = 0;
    let mut i = 0;
    loop {
        match blocks {
            Some(n) if i >= n => break,
            None if size >= total => break,
            _ => {}
        }
        let this_size =
            block_size + rng.below(block_size as u64) as usize * usize::from(blocks.is_none());
        let (binding, content) = match payload {
            Payload::StixXml => (
                ContentBindingId::STIX_XML_1_1_1,
                Content::xml(stix_indicator_package(i, &mut rng, this_size))
                    .unwrap_or_else(|_| Content::text("")),
            ),
            Payload::EiqJson => (
                ContentBindingId::EIQ_JSON_1_0,
                Content::text(eiq_json_document(i, &mut rng, this_size)),
            ),
        };
        size += content.as_bytes().len() + 200;
        content_blocks.push(
            ContentBlock::new(ContentBinding::new(binding), content)
                .with_timestamp_label(timestamp(i)),
        );
        i += 1;
    }
    let id = |n: u64| MessageId::from_u64(n);
    let response = PollResponse::new(id(2), id(1), "bench-feed", content_blocks);
    Message::from(response)
        .to_xml(Version::V1_1)
        .unwrap_or_default()
}

/// Scenario a: 1,000 blocks of ~2 KB STIX XML.
pub fn scenario_stix_1000() -> Vec<u8> {
    poll_response(Payload::StixXml, Some(1000), 2048, 0, 11)
}

/// Scenario c: 1,000 blocks of ~2 KB EclecticIQ JSON.
pub fn scenario_json_1000() -> Vec<u8> {
    poll_response(Payload::EiqJson, Some(1000), 2048, 0, 33)
}

/// Scenario b: a ~20 MiB response of 2–4 KB STIX XML blocks.
pub fn scenario_20_mib() -> Vec<u8> {
    // Just under the 20 MiB feed limit, so the default limits accept it.
    poll_response(Payload::StixXml, None, 2048, 19 * 1024 * 1024, 22)
}
