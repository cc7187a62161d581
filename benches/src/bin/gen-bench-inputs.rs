//! Writes the benchmark inputs to a directory, so the Python reference implementations and our
//! command-line tools can be measured on the very same bytes (`benches/compare.sh`).
//!
//! Usage: `gen-bench-inputs DIR`

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: gen-bench-inputs DIR");
        return ExitCode::from(2);
    };
    let dir = std::path::PathBuf::from(dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("gen-bench-inputs: cannot create {}: {e}", dir.display());
        return ExitCode::from(2);
    }
    type Generator = fn() -> Vec<u8>;
    let inputs: [(&str, Generator); 5] = [
        ("taxii-stix-1000x2KB.xml", benches::scenario_stix_1000),
        ("taxii-json-1000x2KB.xml", benches::scenario_json_1000),
        ("taxii-stix-20MiB.xml", benches::scenario_20_mib),
        ("misp-event-10k.json", || benches::misp_event_json(10_000)),
        ("misp-event-100k.json", || benches::misp_event_json(100_000)),
    ];
    for (name, generate) in inputs {
        let bytes = generate();
        let path = dir.join(name);
        if let Err(e) = std::fs::write(&path, &bytes) {
            eprintln!("gen-bench-inputs: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
        println!("{} {}", path.display(), bytes.len());
    }
    ExitCode::SUCCESS
}
