//! The `eiq2misp` and `misp2eiq` binaries: event files named by UUID plus report.json, the
//! feed layout, the round trip through `misp2eiq`, exit 1 with a message on invalid input and
//! exit 2 on an unreadable file.

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::indexing_slicing
)]

#[path = "support/scratch.rs"]
mod scratch;

use std::path::Path;
use std::process::{Command, Output};

use scratch::Scratch;

const PACKAGE: &str = r#"{"content-type": "urn:eclecticiq.com:json:1.0", "entities": [
  {"id": "2241e780-5ab2-5c27-86be-1774b6079ab7", "data": {"type": "incident", "title": "Phish"},
   "meta": {"tlp_color": "AMBER", "tags": ["phishing"]},
   "extracts": [{"kind": "ipv4", "value": "198.51.100.23",
                 "meta": {"classification": "bad", "confidence": "high"}},
                {"kind": "geo", "value": "52.1,4.3"}]},
  {"id": "ef0f5e4c-970b-5d60-82d7-ec9920a58300", "data": {"type": "indicator"},
   "extracts": [{"kind": "domain", "value": "scan.example.net"}]}]}"#;

fn run(bin: &str, args: &[&str]) -> Output {
    Command::new(bin).args(args).output().unwrap()
}

fn names(dir: &Path) -> Vec<String> {
    let mut list: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    list.sort();
    list
}

#[test]
fn eiq2misp_writes_one_event_per_incident_and_the_report_and_misp2eiq_reads_it_back() {
    let dir = Scratch::new("mapping-cli-plain");
    let package = dir.join("package.json");
    std::fs::write(&package, PACKAGE).unwrap();
    let out = dir.join("out");
    let output = run(
        env!("CARGO_BIN_EXE_eiq2misp"),
        &["--out", out.to_str().unwrap(), package.to_str().unwrap()],
    );
    assert!(output.status.success(), "{output:?}");
    let uuid = feed_mapping::identity::event_uuid("2241e780-5ab2-5c27-86be-1774b6079ab7");
    assert_eq!(names(&out), [format!("{uuid}.json"), "report.json".into()]);
    let event =
        misp_model::Event::from_json(&std::fs::read(out.join(format!("{uuid}.json"))).unwrap())
            .unwrap();
    assert_eq!(event.attributes.len(), 1);
    assert_eq!(event.attributes[0].value, "198.51.100.23");
    let tags: Vec<&str> = event.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tags, ["tlp:amber", "phishing"]);
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let reasons: Vec<&str> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["no_incident", "unsupported_extract_kind"]);

    let back = dir.join("back.json");
    let output = run(
        env!("CARGO_BIN_EXE_misp2eiq"),
        &[
            out.join(format!("{uuid}.json")).to_str().unwrap(),
            "--out",
            back.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{output:?}");
    let package = eiq_json::Package::from_json(&std::fs::read(&back).unwrap()).unwrap();
    let types: Vec<&str> = package
        .entities()
        .iter()
        .map(|e| e.entity_type().as_str())
        .collect();
    assert_eq!(types, ["incident", "indicator", "relation"]);
    assert_eq!(
        package.entities()[1].extracts()[0].value.as_text(),
        "198.51.100.23"
    );
}

#[test]
fn eiq2misp_feed_mode_writes_manifest_and_hashes() {
    let dir = Scratch::new("mapping-cli-feed");
    let package = dir.join("package.json");
    std::fs::write(&package, PACKAGE).unwrap();
    let out = dir.join("feed");
    // An event file of an earlier run that the new manifest does not list goes; other files
    // stay.
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("00000000-0000-4000-8000-000000000000.json"), "{}").unwrap();
    std::fs::write(out.join("notes.txt"), "kept").unwrap();
    let output = run(
        env!("CARGO_BIN_EXE_eiq2misp"),
        &[
            "--feed",
            "--out",
            out.to_str().unwrap(),
            package.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{output:?}");
    let uuid = feed_mapping::identity::event_uuid("2241e780-5ab2-5c27-86be-1774b6079ab7");
    assert_eq!(
        names(&out),
        [
            format!("{uuid}.json"),
            "hashes.csv".into(),
            "manifest.json".into(),
            "notes.txt".into(),
            "report.json".into()
        ]
    );
}

#[test]
fn invalid_input_exits_1_naming_the_file_and_path() {
    let dir = Scratch::new("mapping-cli-invalid");
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"content-type": "urn:eclecticiq.com:json:1.0", "entities": [
          {"id": "2241e780-5ab2-5c27-86be-1774b6079ab7", "data": {"type": "incident"},
           "meta": {"tlp_color": "PURPLE"}}]}"#,
    )
    .unwrap();
    let output = run(
        env!("CARGO_BIN_EXE_eiq2misp"),
        &[
            "--out",
            dir.join("o").to_str().unwrap(),
            bad.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.json") && stderr.contains("entities[0].meta.tlp_color"),
        "{stderr}"
    );

    let not_misp = dir.join("not-misp.json");
    std::fs::write(
        &not_misp,
        r#"{"Event": {"info": "x", "distribution": "9"}}"#,
    )
    .unwrap();
    let output = run(
        env!("CARGO_BIN_EXE_misp2eiq"),
        &[
            not_misp.to_str().unwrap(),
            "--out",
            dir.join("p.json").to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not-misp.json"));
}

#[test]
fn unreadable_input_exits_2_with_the_program_name() {
    let dir = Scratch::new("mapping-cli-missing");
    let missing = dir.join("missing.json");
    for (bin, program, out_arg) in [
        (env!("CARGO_BIN_EXE_eiq2misp"), "eiq2misp", dir.join("out")),
        (
            env!("CARGO_BIN_EXE_misp2eiq"),
            "misp2eiq",
            dir.join("p.json"),
        ),
    ] {
        let output = run(
            bin,
            &[
                missing.to_str().unwrap(),
                "--out",
                out_arg.to_str().unwrap(),
            ],
        );
        assert_eq!(output.status.code(), Some(2), "{program}: {output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with(&format!("{program}: cannot read "))
                && stderr.contains("missing.json"),
            "{stderr}"
        );
    }
}
