//! TAXII 1.1 Poll_Response parse and write throughput against a bare quick-xml scan of the
//! same bytes (the practical floor for any quick-xml-based codec). The libtaxii anchor's own
//! inputs (`poll_response_{a,b,c}.xml`, written to `target/bench-inputs/` by `compare.sh`) are
//! parsed too when they are there, so their in-process figures come from the same harness.

// Benchmark harness: a generator bug should stop the run loudly.
#![allow(clippy::panic)]

use std::hint::black_box;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use quick_xml::events::Event;
use quick_xml::reader::Reader;
use taxii1_core::{ContentBlocks, Limits, Message};

fn bare_scan(xml: &[u8]) -> usize {
    let text = std::str::from_utf8(xml).unwrap_or_default();
    let mut reader = Reader::from_str(text);
    let mut events = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => events += 1,
        }
    }
    events
}

/// The group `taxii/{name}` measured in bytes of `input`, with its `parse` benchmark.
fn parse_group<'c>(
    c: &'c mut Criterion,
    name: &str,
    input: &bytes::Bytes,
    limits: &Limits,
) -> BenchmarkGroup<'c, WallTime> {
    let mut group = c.benchmark_group(format!("taxii/{name}"));
    group.throughput(Throughput::Bytes(input.len() as u64));
    if input.len() > 10_000_000 {
        group.sample_size(10);
    }
    group.bench_function("parse", |b| {
        b.iter(|| Message::from_bytes(black_box(input.clone()), limits))
    });
    group
}

fn bench(c: &mut Criterion) {
    // The ~20 MiB scenario is a little above the 20 MiB feed default, like libtaxii's.
    let limits = Limits::default().with_max_message(taxii1_core::size::SizeLimit::HARD_CAP);
    for (name, xml) in [
        ("stix_1000x2KB", benches::scenario_stix_1000()),
        ("json_1000x2KB", benches::scenario_json_1000()),
        ("stix_20MiB", benches::scenario_20_mib()),
    ] {
        let bytes = bytes::Bytes::from(xml);
        let parsed =
            Message::from_bytes(bytes.clone(), &limits).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut group = parse_group(c, name, &bytes, &limits);
        // One block at a time, none kept (what `taxii parse --summary` does).
        group.bench_function("stream_blocks", |b| {
            b.iter(|| {
                let mut stream = ContentBlocks::new(black_box(&bytes), &limits)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                let mut content = 0;
                while let Ok(Some(block)) = stream.next_block() {
                    content += block.content.as_bytes().len();
                }
                content
            })
        });
        group.bench_function("quick_xml_scan", |b| {
            b.iter(|| bare_scan(black_box(&bytes)))
        });
        group.bench_function("write", |b| {
            let mut out = Vec::with_capacity(bytes.len());
            b.iter(|| {
                out.clear();
                parsed.message.write_xml(parsed.version, &mut out)
            })
        });
        group.finish();
    }
}

/// Parse only, on the anchor's inputs when `compare.sh` has written them.
fn anchor_inputs(c: &mut Criterion) {
    let limits = Limits::default().with_max_message(taxii1_core::size::SizeLimit::HARD_CAP);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-inputs");
    for name in ["poll_response_a", "poll_response_b", "poll_response_c"] {
        let path = dir.join(format!("{name}.xml"));
        let Ok(xml) = std::fs::read(&path) else {
            println!(
                "skipping {name}: {} not found (run benches/compare.sh)",
                path.display()
            );
            continue;
        };
        let bytes = bytes::Bytes::from(xml);
        parse_group(c, &format!("anchor_{name}"), &bytes, &limits).finish();
    }
}

criterion_group!(taxii, bench, anchor_inputs);
criterion_main!(taxii);
