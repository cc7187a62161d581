//! MISP event load and write throughput on the generated 10k- and 100k-attribute events (the
//! shape of the PyMISP comparison in `compare.sh`), against a bare serde_json pass over the same
//! bytes that builds nothing (`IgnoredAny`: the floor for any serde_json-based reader).

// Benchmark harness: a generator bug should stop the run loudly.
#![allow(clippy::panic)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use misp_model::{Document, Limits};
use serde::de::IgnoredAny;
use taxii1_core::size::SizeLimit;

fn bench(c: &mut Criterion) {
    // The 100k event is ~47 MB: above the 20 MiB feed default, within the hard cap.
    let limits = Limits::default().with_max_document_bytes(SizeLimit::HARD_CAP);
    for n in [10_000, 100_000] {
        let bytes = benches::misp_event_json(n);
        let document =
            Document::from_json_with(&bytes, &limits).unwrap_or_else(|e| panic!("{n}: {e}"));
        let event = document
            .events()
            .first()
            .unwrap_or_else(|| panic!("{n}: no event"));
        let mut group = c.benchmark_group(format!("misp/event_{n}"));
        // Throughput in input bytes for every case, so the rows compare directly.
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        if n >= 100_000 {
            group.sampling_mode(SamplingMode::Flat);
            group.sample_size(10);
            group.measurement_time(Duration::from_secs(15));
        }
        group.bench_function("serde_json_ignored_any", |b| {
            b.iter(|| serde_json::from_slice::<IgnoredAny>(black_box(&bytes)))
        });
        // The loaded model is freed outside the timed part (`iter_with_large_drop`).
        group.bench_function("load", |b| {
            b.iter_with_large_drop(|| Document::from_json_with(black_box(&bytes), &limits))
        });
        group.bench_function("write", |b| {
            let mut out = Vec::with_capacity(bytes.len());
            b.iter(|| {
                out.clear();
                event.write_json(&mut out)
            })
        });
        group.bench_function("load_write", |b| {
            let mut out = Vec::with_capacity(bytes.len());
            b.iter_with_large_drop(|| {
                out.clear();
                let loaded = Document::from_json_with(black_box(&bytes), &limits)
                    .unwrap_or_else(|e| panic!("{n}: {e}"));
                let written = loaded.write_json(&mut out);
                (loaded, written)
            })
        });
        group.finish();
    }
}

criterion_group!(misp, bench);
criterion_main!(misp);
