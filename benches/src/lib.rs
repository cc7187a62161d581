//! Deterministic benchmark inputs, generated in code (nothing large is stored in the repository).
//!
//! The same generators feed the criterion benches and `gen-bench-inputs`, which writes the inputs
//! to files so `benches/compare.sh` can run the Python reference implementations on the very same
//! bytes.

use eiq_json::builder::{EntityBuilder, relation};
use eiq_json::{
    Classification, ContentType, EntityId, EntityType, Extract, ExtractConfidence, ExtractKind,
    Package, RelationKey, Tlp,
};
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

const MISP_KINDS: [(&str, &str, bool); 10] = [
    ("ip-dst", "Network activity", true),
    ("domain", "Network activity", true),
    ("url", "Network activity", true),
    ("sha256", "Payload delivery", true),
    ("md5", "Payload delivery", true),
    ("email-src", "Payload delivery", true),
    ("hostname", "Network activity", true),
    ("filename", "Payload delivery", true),
    ("comment", "Other", false),
    ("ip-src", "Network activity", true),
];

fn uuid4(rng: &mut Rng) -> String {
    let h = hex(rng, 32);
    let part = |a: usize, b: usize| h.get(a..b).unwrap_or_default().to_owned();
    format!(
        "{}-{}-4{}-a{}-{}",
        part(0, 8),
        part(8, 12),
        part(13, 16),
        part(17, 20),
        part(20, 32)
    )
}

fn misp_value(kind: &str, i: usize, rng: &mut Rng) -> String {
    match kind {
        "ip-dst" | "ip-src" => {
            format!(
                "{}.{}.{}.{}",
                10 + (i >> 16) % 200,
                (i >> 8) & 255,
                i & 255,
                1 + rng.below(254)
            )
        }
        "domain" => format!("host{i}-{}.example", hex(rng, 6)),
        "hostname" => format!("srv{i}.cdn{}.example.net", rng.below(100)),
        "url" => format!("https://d{i}.example/path/{}?q={i}", hex(rng, 8)),
        "sha256" => hex(rng, 64),
        "md5" => hex(rng, 32),
        "email-src" => format!("user{i}@mail{}.example", rng.below(50)),
        "filename" => format!("dropper_{i}_{}.exe", hex(rng, 4)),
        _ => format!("free text comment number {i} - {}", hex(rng, 10)),
    }
}

/// A MISP event (`{"Event": …}`) with `n` attributes, shaped like what a MISP server returns
/// (string-encoded numbers, tags on every tenth attribute), for the PyMISP comparison.
pub fn misp_event_json(n: usize) -> Vec<u8> {
    const BASE_TS: usize = 1_715_900_000;
    let mut rng = Rng::new(0x5eed + n as u64);
    let org = r#"{"id": "1", "name": "ORGNAME", "uuid": "5c9a1c17-9550-483e-809a-28eab44af9f7"}"#;
    let tag = |id: u32, name: &str, colour: &str| {
        format!(
            r#"{{"id": "{id}", "name": "{name}", "colour": "{colour}", "exportable": true, "user_id": "0", "hide_tag": false, "numerical_value": null, "is_galaxy": false, "is_custom_galaxy": false, "local_only": false, "local": 0}}"#
        )
    };
    let mut out = String::with_capacity(n * 480 + 2048);
    out.push_str(r#"{"Event": {"id": "1", "orgc_id": "1", "org_id": "1", "date": "2024-05-17", "threat_level_id": "2", "#);
    out.push_str(&format!(
        r#""info": "Synthetic benchmark event with {n} attributes", "published": true, "uuid": "{}", "attribute_count": "{n}", "analysis": "2", "timestamp": "{}", "distribution": "1", "#,
        uuid4(&mut rng),
        BASE_TS + n
    ));
    out.push_str(&format!(
        r#""proposal_email_lock": false, "locked": false, "publish_timestamp": "{}", "sharing_group_id": "0", "disable_correlation": false, "extends_uuid": "", "Org": {org}, "Orgc": {org}, "Attribute": ["#,
        BASE_TS + n + 60
    ));
    for i in 0..n {
        let (kind, category, to_ids) = MISP_KINDS
            .get(i % MISP_KINDS.len())
            .copied()
            .unwrap_or(("comment", "Other", false));
        if i > 0 {
            out.push_str(", ");
        }
        let comment = if i % 7 == 0 {
            format!("note {i}")
        } else {
            String::new()
        };
        out.push_str(&format!(
            r#"{{"id": "{}", "type": "{kind}", "category": "{category}", "to_ids": {to_ids}, "uuid": "{}", "event_id": "1", "distribution": "5", "timestamp": "{}", "comment": "{comment}", "sharing_group_id": "0", "deleted": false, "disable_correlation": false, "object_id": "0", "object_relation": null, "first_seen": null, "last_seen": null, "value": "{}", "Galaxy": [], "ShadowAttribute": []"#,
            i + 1,
            uuid4(&mut rng),
            BASE_TS + i,
            misp_value(kind, i, &mut rng)
        ));
        if i % 10 == 0 {
            out.push_str(&format!(
                r#", "Tag": [{}]"#,
                tag(3, "kill-chain:delivery", "#ff00ff")
            ));
        }
        out.push('}');
    }
    out.push_str(&format!(
        r#"], "ShadowAttribute": [], "RelatedEvent": [], "Galaxy": [], "Object": [], "Tag": [{}, {}]}}}}"#,
        tag(1, "tlp:green", "#33FF00"),
        tag(2, "incident-type:phishing", "#ff0000")
    ));
    out.into_bytes()
}

/// A distinct id per `(n, salt)`: the salt in byte 0, `n` in bytes 8..16 (the version nibble
/// of byte 6 and the variant bits of byte 8 overwrite nothing for `n` below 2^56).
fn id(n: u64, salt: u8) -> EntityId {
    let mut bytes = [0u8; 16];
    bytes[0] = salt;
    bytes[8..].copy_from_slice(&n.to_be_bytes());
    EntityId::from_random_bytes(bytes)
}

/// An EclecticIQ package of about `total` entities, the mapping benchmark's dataset: per 99
/// entities one incident, 60 indicators with 3 extracts each (38 related to the incident, 22
/// not), and the 38 relations.
pub fn mapping_package(total: u64) -> Package {
    let mut package = Package::new(ContentType::V1);
    let groups = total / 100;
    let mut n = 0;
    for g in 0..groups {
        let incident = EntityBuilder::new(id(g, 1), EntityType::INCIDENT)
            .title(format!("Incident {g}"))
            .tlp(Tlp::Amber)
            .build();
        let mut members = Vec::new();
        for i in 0..60u64 {
            n += 1;
            let indicator = EntityBuilder::new(id(n, 2), EntityType::INDICATOR)
                .title(format!("Indicator {n}"))
                .extract(
                    Extract::new(
                        ExtractKind::IPV4,
                        format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255),
                    )
                    .with_classification(Classification::Bad)
                    .with_confidence(ExtractConfidence::High),
                )
                .extract(Extract::new(
                    ExtractKind::DOMAIN,
                    format!("h{n}.example.net"),
                ))
                .extract(Extract::new(ExtractKind::HASH_MD5, format!("{n:032x}")))
                .build();
            if i < 38 {
                members.push(indicator);
            } else {
                package.push_entity(indicator);
            }
        }
        let relations: Vec<_> = members
            .iter()
            .enumerate()
            .map(|(i, m)| {
                relation(
                    id(g * 100 + i as u64, 3),
                    &incident,
                    RelationKey::RELATED_INDICATORS,
                    m,
                )
            })
            .collect();
        package.push_entity(incident);
        for entity in members.into_iter().chain(relations) {
            package.push_entity(entity);
        }
    }
    package
}
