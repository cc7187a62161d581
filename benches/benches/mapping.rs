//! Mapping cost over generated datasets of 10k, 100k and 1M entities: per 99 entities one
//! incident, 60 indicators (3 extracts each; 38 related to the incident, 22 unlinked) and the
//! 38 relations. Reported as entities/s (criterion throughput). Sample sizes
//! are small so the 1M case finishes in a few minutes.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use eiq_json::builder::{EntityBuilder, relation};
use eiq_json::{
    Classification, ContentType, Dataset, EntityId, EntityType, Extract, ExtractConfidence,
    ExtractKind, Package, RelationKey, Tlp,
};
use feed_mapping::outgoing::{MappingOptions, map_dataset};

/// A distinct id per `(n, salt)`: the salt in byte 0, `n` in bytes 8..16 (the version nibble
/// of byte 6 and the variant bits of byte 8 overwrite nothing for `n` below 2^56).
fn id(n: u64, salt: u8) -> EntityId {
    let mut bytes = [0u8; 16];
    bytes[0] = salt;
    bytes[8..].copy_from_slice(&n.to_be_bytes());
    EntityId::from_random_bytes(bytes)
}

/// A package of about `total` entities (incidents, indicators, relations).
fn dataset(total: u64) -> Package {
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

fn mapping(c: &mut Criterion) {
    let mut group = c.benchmark_group("map_dataset");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    for total in [10_000u64, 100_000, 1_000_000] {
        let package = dataset(total);
        let entities = package.entities().len() as u64;
        group.throughput(Throughput::Elements(entities));
        group.bench_with_input(
            BenchmarkId::from_parameter(total),
            &package,
            |b, package| {
                b.iter(|| {
                    let dataset = Dataset::from_packages([package]);
                    black_box(map_dataset(&dataset, &MappingOptions::default()))
                });
            },
        );
    }
    group.finish();
}

criterion_group!(benches, mapping);
criterion_main!(benches);
