//! The `eiq` CLI end to end: `check` on the project's vectors, on standard input, and on
//! broken input.

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn eiq(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_eiq"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    // The CLI may exit before reading everything (usage errors, size limit): ignore a broken pipe.
    let _ = input.write_all(stdin);
    drop(input);
    child.wait_with_output().unwrap()
}

fn vector(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../eiq-json/tests/data")
        .join(name)
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn check_prints_the_normalised_package_and_a_summary() {
    let path = vector("synthetic-package-v1-incident-graph.json");
    let file = path.to_str().unwrap();
    let output = eiq(&["check", file], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let original: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(printed, original);
    assert_eq!(output.stdout.iter().filter(|b| **b == b'\n').count(), 1);

    assert_eq!(
        stderr(&output),
        format!(
            "{file}: package urn:eclecticiq.com:json:1.0: 15 entities (incident 1, \
             incident_ref 1, indicator 4, relation 7, threat-actor 1, ttp 1), 7 relations, \
             18 extracts, 1 dangling reference\n"
        )
    );
}

#[test]
fn check_reads_standard_input_and_pretty_prints() {
    let bytes = std::fs::read(vector("synthetic-legacy-kpn-eiqlib-indicator.json")).unwrap();
    let output = eiq(&["check", "--pretty", "-"], &bytes);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let printed = String::from_utf8(output.stdout.clone()).unwrap();
    assert!(printed.starts_with("{\n  \"data\": {"), "{printed}");
    let printed: serde_json::Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(
        printed,
        serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
    );
    assert_eq!(
        stderr(&output),
        "-: wrapped entity indicator without id: 0 extracts, 4 extracts to ingest\n"
    );
}

#[test]
fn check_a_bare_entity() {
    let entity = br#"{"id": "2241e780-5ab2-5c27-86be-1774b6079ab7", "data": {"type": "indicator"},
        "extracts": [{"kind": "ipv4", "value": "192.0.2.1"}]}"#;
    let output = eiq(&["check", "-"], entity);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        "-: entity indicator: 1 entity (indicator 1), 0 relations, 1 extract, 0 dangling references\n"
    );
}

#[test]
fn invalid_input_is_one_line_and_exit_1() {
    let bad = br#"{"content-type": "urn:eclecticiq.com:json:1.0", "entities": [
        {"id": "2241e780-5ab2-5c27-86be-1774b6079ab7", "data": {"type": "incident"},
         "meta": {"tlp_color": "PURPLE"}}]}"#;
    let output = eiq(&["check", "-"], bad);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.starts_with(
            "eiq: -: invalid EclecticIQ JSON at `entities[0].meta.tlp_color` (line 3, column"
        ),
        "{message}"
    );

    let output = eiq(&["check", "-"], b"not json");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr(&output).lines().count(), 1);

    let output = eiq(&["check", "-"], b"{}");
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).starts_with("eiq: -: not an EclecticIQ JSON document"));
}

#[test]
fn oversized_input_is_refused() {
    let bytes = std::fs::read(vector("synthetic-package-v1-empty-run.json")).unwrap();
    let output = eiq(&["check", "--max-size", "100", "-"], &bytes);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "eiq: -: package of 101 bytes exceeds the limit of 100 bytes\n"
    );
    let output = eiq(&["check", "--max-size", "200000000", "-"], &bytes);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn missing_file_is_an_io_error() {
    let output = eiq(&["check", "/nonexistent/eiq.json"], b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).starts_with("eiq: cannot read /nonexistent/eiq.json: "));
}
