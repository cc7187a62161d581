//! Every corpus document parses and writes back to the same JSON value.

use std::path::Path;

use eiq_json::observables_csv::ObservableRecord;
use eiq_json::{Document, Limits};
use serde_json::Value;

use crate::{data_dir, shared_eiq_corpus};

fn round_trip(path: &Path) -> Document {
    let bytes = std::fs::read(path).unwrap();
    let document =
        Document::from_json(&bytes).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    let written: Value = serde_json::from_slice(&document.to_json().unwrap()).unwrap();
    let original: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        written,
        original,
        "{} changed on the round trip",
        path.display()
    );
    // Writing is stable: a second round trip gives identical bytes.
    let again = Document::from_json(&document.to_json().unwrap()).unwrap();
    assert_eq!(again, document, "{}", path.display());
    document
}

fn json_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn project_vectors_round_trip() {
    let files = json_files(&data_dir());
    assert_eq!(files.len(), 7);
    for path in files {
        round_trip(&path);
    }
}

#[test]
fn shared_corpus_round_trips() {
    let Some(dir) = shared_eiq_corpus() else {
        eprintln!("skipped: ../shared/corpus/eiq is not present");
        return;
    };
    let mut synthetic = 0;
    let mut rows = 0;
    for path in json_files(&dir) {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("synthetic-") {
            round_trip(&path);
            synthetic += 1;
        } else if name.starts_with("real-elastic-") {
            rows += observables_csv_rows(&path);
        } else {
            panic!("unexpected corpus file {name}: add an expectation for it");
        }
    }
    assert_eq!(synthetic, 7);
    assert_eq!(rows, 32);
}

/// Elastic's fixture wraps each Observables CSV row as a JSON string in `events[].message`.
fn observables_csv_rows(path: &Path) -> usize {
    let fixture: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let events = fixture["events"].as_array().unwrap();
    for event in events {
        let message = event["message"].as_str().unwrap();
        let record = ObservableRecord::from_json_with(message.as_bytes(), &Limits::default())
            .unwrap_or_else(|err| panic!("{message}: {err}"));
        assert!(
            record.extra.is_empty(),
            "unmodelled columns {:?}",
            record.extra.keys()
        );
        let written: Value = serde_json::from_slice(&record.to_json().unwrap()).unwrap();
        assert_eq!(written, serde_json::from_str::<Value>(message).unwrap());
    }
    let first: Value = serde_json::from_str(events[0]["message"].as_str().unwrap()).unwrap();
    let record =
        ObservableRecord::from_json_with(first.to_string().as_bytes(), &Limits::default()).unwrap();
    assert_eq!(record.kind.get().map(|k| k.as_str()), Some("cve"));
    assert_eq!(
        record
            .value
            .get()
            .map(|v| v.as_text().into_owned())
            .as_deref(),
        Some("2021-45105")
    );
    events.len()
}
