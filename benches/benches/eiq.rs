//! EclecticIQ JSON package parse and write throughput on the mapping benchmark's datasets
//! (9,900 and 99,000 entities: incidents, indicators with three extracts, relations), against
//! a bare serde_json pass over the same bytes that builds nothing (`IgnoredAny`: the floor for
//! any serde_json-based reader).

// Benchmark harness: a generator bug should stop the run loudly.
#![allow(clippy::panic)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use eiq_json::{Limits, Package};
use serde::de::IgnoredAny;
use taxii1_core::size::SizeLimit;

fn bench(c: &mut Criterion) {
    // The 99,000-entity package is ~28 MB: above the 20 MiB feed default, within the hard cap.
    let limits = Limits::default()
        .with_size(SizeLimit::HARD_CAP)
        .with_max_entities(usize::MAX);
    for total in [10_000, 100_000] {
        let package = benches::mapping_package(total);
        let entities = package.entities().len();
        let bytes = package.to_json().unwrap_or_else(|e| panic!("{total}: {e}"));
        let mut group = c.benchmark_group(format!("eiq/package_{entities}"));
        // Throughput in input bytes for every case, so the rows compare directly.
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        if total >= 100_000 {
            group.sample_size(10);
            group.measurement_time(Duration::from_secs(10));
        }
        group.bench_function("serde_json_ignored_any", |b| {
            b.iter(|| serde_json::from_slice::<IgnoredAny>(black_box(&bytes)))
        });
        // The parsed package is freed outside the timed part (`iter_with_large_drop`).
        group.bench_function("parse", |b| {
            b.iter_with_large_drop(|| Package::from_json_with(black_box(&bytes), &limits))
        });
        group.bench_function("write", |b| b.iter(|| package.to_json()));
        group.finish();
    }
}

criterion_group!(eiq, bench);
criterion_main!(eiq);
