//! proptest strategies for generated entities and packages (feature `proptest`).
//!
//! Everything generated is valid: UUID ids, known entity types in their canonical spelling,
//! relations whose endpoints are entities of the same package, extracts of documented kinds.
//! Other crates reuse these in their own property tests:
//!
//! ```toml
//! [dev-dependencies]
//! eiq-json = { workspace = true, features = ["proptest"] }
//! ```

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;

use crate::builder::{EntityBuilder, relation};
use crate::entity::{Entity, Meta, Source};
use crate::extract::{Extract, ExtractValue};
use crate::field::Field;
use crate::id::EntityId;
use crate::package::{ContentType, Package};
use crate::vocab::{
    Classification, EntityType, ExtractConfidence, ExtractKind, LinkType, RelationKey,
    SourceReliability, Tlp,
};

/// A random (version 4) entity id.
pub fn entity_id() -> impl Strategy<Value = EntityId> {
    any::<[u8; 16]>().prop_map(EntityId::from_random_bytes)
}

/// One of the entity types that are not relations or stubs: the nine IC 2.x types and the IC
/// 3.x STIX 2.1-style ones.
pub fn entity_type() -> impl Strategy<Value = EntityType> {
    let types: Vec<EntityType> = EntityType::STIX1
        .iter()
        .chain(EntityType::STIX21.iter())
        .cloned()
        .collect();
    select(types)
}

/// Kinds whose extracts become MISP attributes and objects (addresses, ports, hosts, hashes,
/// files, mail), each with a few well-formed values, some equal to another once trimmed or
/// lower-cased. These kinds are drawn more often than the rest, so an entity often has two of
/// one kind and repeats values the way real ones do.
const COMMON_KINDS: &[(ExtractKind, &[&str])] = &[
    (
        ExtractKind::IPV4,
        &["198.51.100.7", "203.0.113.9", "198.51.100.7 "],
    ),
    (ExtractKind::PORT, &["443", "8080"]),
    (
        ExtractKind::DOMAIN,
        &["a.example.com", "A.example.com", "mail.example.org"],
    ),
    (
        ExtractKind::HOST,
        &["a.example.com", "A.example.com", "mail.example.org"],
    ),
    (
        ExtractKind::HASH_MD5,
        &[
            "d41d8cd98f00b204e9800998ecf8427e",
            "D41D8CD98F00B204E9800998ECF8427E",
        ],
    ),
    (
        ExtractKind::HASH_SHA256,
        &["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ),
    (ExtractKind::FILE, &["invoice.pdf", "setup.exe"]),
    (ExtractKind::FILE_SIZE, &["1024"]),
    (
        ExtractKind::EMAIL,
        &["alice@example.org", "bob@example.net"],
    ),
    (ExtractKind::EMAIL_SUBJECT, &["Invoice 42"]),
    (ExtractKind::URI, &["https://a.example.com/login"]),
    (ExtractKind::CVE, &["CVE-2024-0001", "cve-2024-0001"]),
];

/// The well-formed values of `kind` in [`COMMON_KINDS`] (none for the other kinds).
fn plausible_values(kind: &ExtractKind) -> &'static [&'static str] {
    COMMON_KINDS
        .iter()
        .find(|(common, _)| common == kind)
        .map_or(&[], |(_, values)| values)
}

/// An extract of a documented kind with optional classification, confidence and link types.
/// Its value is random text or a number, or (for the kinds that map to MISP attributes and
/// objects) often one of a few well-formed values, so entities carry mappable and repeated
/// values.
pub fn extract() -> impl Strategy<Value = Extract> {
    let kind = prop_oneof![
        3 => select(ExtractKind::KNOWN.to_vec()),
        2 => select(COMMON_KINDS.iter().map(|(kind, _)| kind.clone()).collect::<Vec<_>>()),
    ];
    let kind_and_value = kind.prop_flat_map(|kind| {
        let pool = plausible_values(&kind);
        let random = prop_oneof![
            4 => "[a-z0-9][a-z0-9.:/-]{0,30}".prop_map(ExtractValue::Text),
            1 => any::<u32>().prop_map(|n| ExtractValue::from(u64::from(n))),
        ];
        let value = if pool.is_empty() {
            random.boxed()
        } else {
            prop_oneof![
                1 => random,
                3 => select(pool).prop_map(ExtractValue::from),
            ]
            .boxed()
        };
        (Just(kind), value)
    });
    (
        kind_and_value,
        option::of(select(Classification::ALL.to_vec())),
        option::of(select(ExtractConfidence::ALL.to_vec())),
        vec(select(LinkType::KNOWN.to_vec()), 0..3),
    )
        .prop_map(|((kind, value), classification, confidence, link_types)| {
            let mut extract = Extract::new(kind, value);
            if let Some(classification) = classification {
                extract = extract.with_classification(classification);
            }
            if let Some(confidence) = confidence {
                extract = extract.with_confidence(confidence);
            }
            for link_type in link_types {
                extract = extract.with_link_type(link_type);
            }
            extract
        })
}

fn time() -> impl Strategy<Value = String> {
    (2015u32..2030, 1u32..13, 1u32..29, 0u32..24)
        .prop_map(|(y, m, d, h)| format!("{y:04}-{m:02}-{d:02}T{h:02}:00:00+00:00"))
}

/// Entity metadata with a mix of present, absent and `null` members.
pub fn meta() -> impl Strategy<Value = Meta> {
    (
        option::of(select(Tlp::ALL.to_vec())),
        vec("[A-Za-z][A-Za-z0-9 _-]{0,15}", 0..4),
        option::of(select(SourceReliability::ALL.to_vec())),
        option::of(1u64..2000),
        option::of(time()),
        any::<bool>(),
    )
        .prop_map(
            |(tlp, tags, reliability, half_life, observed, end_is_null)| Meta {
                tlp_color: tlp.into(),
                tags: Field::Present(tags),
                source_reliability: reliability.into(),
                half_life: half_life.into(),
                estimated_observed_time: observed.into(),
                estimated_threat_end_time: if end_is_null {
                    Field::Null
                } else {
                    Field::Absent
                },
                ..Meta::default()
            },
        )
}

/// A full entity (not a relation or stub) with title, metadata, extracts and a source. Half
/// the time its first extract comes again at the end, as the same value often comes twice in
/// real entities (say, found in the description and in an attachment).
pub fn entity() -> impl Strategy<Value = Entity> {
    (
        entity_id(),
        entity_type(),
        "[A-Za-z0-9][A-Za-z0-9 ,.()-]{0,40}",
        meta(),
        vec(extract(), 0..5),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(id, entity_type, title, meta, mut extracts, qualified, repeat)| {
                if repeat && let Some(first) = extracts.first().cloned() {
                    extracts.push(first);
                }
                let mut builder = EntityBuilder::new(id, entity_type).title(title);
                if qualified {
                    builder = builder.qualified_id("https://alice.example.org");
                }
                for extract in extracts {
                    builder = builder.extract(extract);
                }
                let mut entity = builder
                    .source(Source {
                        name: Field::Present("Alice CERT".into()),
                        ..Source::default()
                    })
                    .build();
                entity.meta = Field::Present(Box::new(meta));
                entity
            },
        )
}

/// A package of 1–8 entities plus 0–8 relations between them (keys from the documented
/// vocabulary), with `entity_counts` matching. Incidents are frequent so graph queries have
/// something to find.
pub fn package() -> impl Strategy<Value = Package> {
    let incident_biased = prop_oneof![
        1 => entity().prop_map(|mut entity| {
            entity.data = crate::EntityData::new(EntityType::INCIDENT);
            entity.data.set_title("Generated incident");
            entity
        }),
        3 => entity(),
    ];
    (
        vec(incident_biased, 1..8),
        select(vec![ContentType::V1, ContentType::V2]),
    )
        .prop_flat_map(|(entities, content_type)| {
            let count = entities.len();
            let relations = vec(
                (
                    0..count,
                    0..count,
                    select(RelationKey::KNOWN.to_vec()),
                    entity_id(),
                ),
                0..8,
            );
            (Just(entities), Just(content_type), relations)
        })
        .prop_map(|(entities, content_type, relations)| {
            let mut package = Package::new(content_type);
            let mut links = Vec::new();
            for (source, target, key, id) in relations {
                if let (Some(source), Some(target)) = (entities.get(source), entities.get(target)) {
                    links.push(relation(id, source, key, target));
                }
            }
            for entity in entities.into_iter().chain(links) {
                package.push_entity(entity);
            }
            package.update_entity_counts();
            package.platform_version = Field::Present("2.14.0".into());
            package
        })
}
