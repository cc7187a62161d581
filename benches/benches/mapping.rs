//! Mapping cost over generated datasets of 10k, 100k and 1M entities: per 99 entities one
//! incident, 60 indicators (3 extracts each; 38 related to the incident, 22 unlinked) and the
//! 38 relations. Reported as entities/s (criterion throughput), for the dataset index, the
//! mapping and the drop of its output together, two ways:
//! - `map_dataset`: every event held at once (`MappingOutcome`);
//! - `map_dataset_events`: each event dropped once built, as a feed writer or a MISP push
//!   uses them.
//!
//! Built with `--features mimalloc`, the process allocates with mimalloc instead of the system
//! allocator, and the groups are named `…-mimalloc`. Sample sizes are small so the 1M case
//! finishes in a few minutes.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use eiq_json::builder::{EntityBuilder, relation};
use eiq_json::{
    Classification, ContentType, Dataset, EntityId, EntityType, Extract, ExtractConfidence,
    ExtractKind, Package, RelationKey, Tlp,
};
use feed_mapping::outgoing::{MappingOptions, map_dataset, map_dataset_events};

#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The suffix of the group names: which allocator the process uses.
const ALLOCATOR_SUFFIX: &str = if cfg!(feature = "mimalloc") {
    "-mimalloc"
} else {
    ""
};

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
    let datasets: Vec<Package> = [10_000u64, 100_000, 1_000_000]
        .into_iter()
        .map(dataset)
        .collect();
    let options = MappingOptions::default();
    for streamed in [false, true] {
        let name = if streamed {
            "map_dataset_events"
        } else {
            "map_dataset"
        };
        let mut group = c.benchmark_group(format!("{name}{ALLOCATOR_SUFFIX}"));
        group.sample_size(10);
        group.warm_up_time(Duration::from_secs(1));
        group.measurement_time(Duration::from_secs(5));
        for (total, package) in [10_000u64, 100_000, 1_000_000].into_iter().zip(&datasets) {
            let entities = package.entities().len() as u64;
            group.throughput(Throughput::Elements(entities));
            group.bench_with_input(BenchmarkId::from_parameter(total), package, |b, package| {
                b.iter(|| {
                    let dataset = Dataset::from_packages([package]);
                    if streamed {
                        let mut events = map_dataset_events(&dataset, &options);
                        for event in &mut events {
                            black_box(event);
                        }
                        black_box(events.into_skipped());
                    } else {
                        black_box(map_dataset(&dataset, &options));
                    }
                });
            });
        }
        group.finish();
    }
}

criterion_group!(benches, mapping);
criterion_main!(benches);
