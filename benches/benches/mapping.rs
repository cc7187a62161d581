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
use eiq_json::{Dataset, Package};
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

fn mapping(c: &mut Criterion) {
    let datasets: Vec<Package> = [10_000u64, 100_000, 1_000_000]
        .into_iter()
        .map(benches::mapping_package)
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
