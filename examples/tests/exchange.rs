//! The whole Alice → Barbara exchange in-process on loopback: the embedded TAXII server, the
//! poll and inbox variants in TAXII 1.1 and 1.0, the mapping to MISP events checked against the
//! expected outcome of the shipped dataset, the feed directory (byte-identical re-runs), the
//! `exchange` binary as the README runs it, and the push to a loopback MISP stand-in that
//! updates instead of duplicating.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/scratch.rs"]
mod scratch;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use examples::exchange::misp::PushAction;
use examples::exchange::report::OutputSummary;
use examples::exchange::{
    Error, ExchangeOptions, ExternalServer, Mode, NoProgress, Output, Report, dataset, run,
};
use misp_model::describe_types::DescribeTypes;
use misp_model::feed::{Manifest, md5_hex, parse_hashes};
use misp_model::validate::validate_event;
use serde_json::{Value, json};
use taxii1_core::Version;

use scratch::Scratch;

// ---------------------------------------------------------------------------------------------
// The expected outcome of the shipped dataset (examples/data/).
// ---------------------------------------------------------------------------------------------

/// Event UUIDs: UUIDv5 of the incident ids under the mapping's project namespace.
const PHISHING: &str = "bc7072c8-4d86-5646-be55-ab2ec820c7a3";
const RANSOMWARE: &str = "79ca52a1-fd80-59a5-8926-059e781bed64";

/// The ransomware incident's id in the dataset (the phishing incident is
/// `d7f8be3d-058e-598a-9492-98503388503a`).
const RANSOMWARE_INCIDENT: &str = "d5099acf-53b2-5890-a0e8-88152c061c6e";

struct ExpectedEvent {
    uuid: &'static str,
    info: &'static str,
    date: &'static str,
    tags: &'static [&'static str],
    /// (MISP type, value, to_ids), in event order.
    attributes: &'static [(&'static str, &'static str, bool)],
}

/// SHA-256 and MD5 of `Invoice_2026-0311.docm`, SHA-256 of `examplelocker.exe` (the values the
/// dataset carries).
const DOC_SHA256: &str = "21f2a9d7ceb8db8171170c88ec89889c2eda6215b934209b68ff2bd9ca284529";
const DOC_MD5: &str = "f4ce806276728ab115b2442b8d081c1a";
const LOCKER_SHA256: &str = "a9327e802f21504a6c02445b8fb93100ba1abc569fb6c6f979523a3dae6c8b8a";

/// One event per incident. The phishing event holds the incident's own extracts, both
/// indicators, the threat actor and the staging-server indicator; the ransomware event holds its
/// own extract (the `industry` one is skipped), the payload indicator, and again the threat
/// actor and the staging server, which are linked to both incidents. Observables classified
/// `unknown` (the port) are not for IDS.
const EXPECTED_EVENTS: [ExpectedEvent; 2] = [
    ExpectedEvent {
        uuid: PHISHING,
        info: "Credential phishing against the finance department",
        date: "2026-03-01",
        tags: &["tlp:amber"],
        attributes: &[
            (
                "email-subject",
                "Invoice 2026-0311 overdue - action required",
                true,
            ),
            ("email-src", "billing@invoices.example.net", true),
            ("domain", "update-cdn.example.net", true),
            ("ip-dst", "198.51.100.23", true),
            ("url", "https://update-cdn.example.net/gate.php?id=42", true),
            ("sha256", DOC_SHA256, true),
            ("md5", DOC_MD5, true),
            ("filename", "Invoice_2026-0311.docm", true),
            ("threat-actor", "EXAMPLE SPIDER", true),
            ("ip-dst", "203.0.113.10", true),
            ("domain", "files.staging.example.com", true),
            ("port", "8443", false),
        ],
    },
    ExpectedEvent {
        uuid: RANSOMWARE,
        info: "Ransomware intrusion through an exposed RDP gateway",
        date: "2026-03-04",
        tags: &["tlp:red"],
        attributes: &[
            ("ip-dst", "192.0.2.45", true),
            ("sha256", LOCKER_SHA256, true),
            ("email-src", "recover-files@mail.example.org", true),
            ("mutex", "Global\\ExLock_9c1e", true),
            ("threat-actor", "EXAMPLE SPIDER", true),
            ("ip-dst", "203.0.113.10", true),
            ("domain", "files.staging.example.com", true),
            ("port", "8443", false),
        ],
    },
];

/// One skipped item: (entity id, entity type, extract kind and value, reason code).
type SkippedRow<'a> = (&'a str, &'a str, Option<(&'a str, &'a str)>, &'a str);

/// Everything not mapped.
const EXPECTED_SKIPPED: [SkippedRow<'static>; 6] = [
    // The orphan indicator.
    (
        "c8e9cc67-7736-57bd-879c-d71fb8944971",
        "indicator",
        None,
        "no_incident",
    ),
    // The indicator whose incident is only referenced.
    (
        "04c90738-be8a-5f60-9dc6-0b61e3171f6f",
        "indicator",
        None,
        "incident_outside_dataset",
    ),
    // The reference stub of that incident.
    (
        "dffcea0a-acf7-5fd1-8d53-34aa72ae518d",
        "incident_ref",
        None,
        "reference_stub",
    ),
    // Extract kinds without a sound MISP type.
    (
        "91959799-c09d-5a62-8a83-e2e22375800f",
        "ttp",
        Some(("malware", "ExampleLoader")),
        "unsupported_extract_kind",
    ),
    (
        "8ed33195-d432-566a-8485-f924585862b1",
        "threat-actor",
        Some(("handle", "exspider")),
        "unsupported_extract_kind",
    ),
    (
        RANSOMWARE_INCIDENT,
        "incident",
        Some(("industry", "Manufacturing")),
        "unsupported_extract_kind",
    ),
];

// ---------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------

fn run_into(dir: &Path, options: ExchangeOptions) -> Report {
    run(
        &options.with_output(Output::FeedDir(dir.to_owned())),
        &NoProgress,
    )
    .unwrap()
}

/// Every file of a directory: name → bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().into_string().unwrap(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn assert_expected_report(report: &Report) {
    assert_eq!(report.collection, "eiq-outgoing");
    assert_eq!(report.blocks, 5);
    assert_eq!(report.packages, 5);
    assert!(
        report.skipped_blocks.is_empty(),
        "{:?}",
        report.skipped_blocks
    );
    let entities: Vec<(&str, usize)> = report
        .entities
        .iter()
        .map(|(t, n)| (t.as_str(), *n))
        .collect();
    assert_eq!(
        entities,
        [
            ("incident", 2),
            ("incident_ref", 1),
            ("indicator", 6),
            ("relation", 10),
            ("threat-actor", 1),
            ("ttp", 1)
        ]
    );
    let events: Vec<(&str, &str, usize)> = report
        .events
        .iter()
        .map(|e| (e.uuid.as_str(), e.info.as_str(), e.attributes))
        .collect();
    assert_eq!(
        events,
        EXPECTED_EVENTS
            .iter()
            .map(|e| (e.uuid, e.info, e.attributes.len()))
            .collect::<Vec<_>>()
    );
    let skipped: Vec<SkippedRow<'_>> = report
        .skipped
        .iter()
        .map(|s| {
            (
                s.entity_id.as_str(),
                s.entity_type.as_str(),
                s.extract
                    .as_ref()
                    .map(|x| (x.kind.as_str(), x.value.as_str())),
                s.reason.code(),
            )
        })
        .collect();
    assert_eq!(skipped, EXPECTED_SKIPPED);
}

/// The feed directory holds exactly the expected events, valid against describeTypes, with a
/// manifest in incident order and one hashes.csv line per attribute value.
fn assert_expected_feed(dir: &Path) {
    let names: Vec<String> = files(dir).into_keys().collect();
    assert_eq!(
        names,
        [
            format!("{RANSOMWARE}.json"),
            format!("{PHISHING}.json"),
            "hashes.csv".to_owned(),
            "manifest.json".to_owned()
        ]
    );
    let limits = misp_model::Limits::default();
    let manifest =
        Manifest::from_json(&std::fs::read(dir.join("manifest.json")).unwrap(), &limits).unwrap();
    let keys: Vec<&str> = manifest.entries.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, [PHISHING, RANSOMWARE]);
    let mut expected_hashes = Vec::new();
    for expected in &EXPECTED_EVENTS {
        let bytes = std::fs::read(dir.join(format!("{}.json", expected.uuid))).unwrap();
        let event = misp_model::Event::from_json(&bytes).unwrap();
        assert_eq!(event.uuid.as_deref(), Some(expected.uuid));
        assert_eq!(event.info, expected.info);
        assert_eq!(event.date.as_deref(), Some(expected.date));
        let tags: Vec<&str> = event.tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(tags, expected.tags, "{}", expected.info);
        let orgc = event.orgc.as_ref().unwrap();
        assert_eq!(orgc.name.as_deref(), Some("Alice CERT"));
        let attributes: Vec<(&str, &str, bool)> = event
            .attributes
            .iter()
            .map(|a| {
                (
                    &*a.attribute_type,
                    a.value.as_str(),
                    a.to_ids.unwrap_or(false),
                )
            })
            .collect();
        assert_eq!(attributes, expected.attributes, "{}", expected.info);
        let problems = validate_event(
            &event,
            DescribeTypes::builtin(),
            misp_model::validate::Mode::Strict,
        );
        assert!(problems.is_empty(), "{}: {problems:?}", expected.info);
        for (_, value, _) in expected.attributes {
            expected_hashes.push((md5_hex(value), expected.uuid.to_owned()));
        }
    }
    let hashes = parse_hashes(&std::fs::read(dir.join("hashes.csv")).unwrap(), &limits).unwrap();
    let got: Vec<(String, String)> = hashes
        .iter()
        .map(|h| (h.md5.clone(), h.event_uuid.clone()))
        .collect();
    assert_eq!(got, expected_hashes);
}

// ---------------------------------------------------------------------------------------------
// The exchange over loopback.
// ---------------------------------------------------------------------------------------------

#[test]
fn the_shipped_dataset_is_five_valid_packages() {
    let blocks = dataset::content_blocks().unwrap();
    assert_eq!(blocks.len(), 5);
    for (block, shipped) in blocks.iter().zip(dataset::SHIPPED) {
        assert_eq!(block.content.as_str(), shipped.json);
        assert_eq!(
            block.content_binding.binding_id,
            taxii1_core::ContentBindingId::EIQ_JSON_1_0
        );
    }
}

#[test]
fn poll_exchange_delivers_the_expected_misp_events() {
    let dir = Scratch::new("exchange-poll");
    let out = dir.join("exchange-out");
    let report = run_into(&out, ExchangeOptions::default());
    assert_eq!(report.mode, Mode::Poll);
    assert_eq!(report.taxii_version, Version::V1_1);
    // Five blocks at two per part: three parts.
    assert_eq!(report.parts, 3);
    assert_eq!(report.pushed_blocks, 0);
    let types: Vec<&str> = report.services.iter().map(|s| s.service_type).collect();
    assert_eq!(
        types,
        ["DISCOVERY", "COLLECTION_MANAGEMENT", "INBOX", "POLL"]
    );
    assert_expected_report(&report);
    assert_expected_feed(&out);
    // The summary says where the output is and why things were skipped.
    let text = report.to_string();
    assert!(
        text.contains("polled:    5 content blocks in 3 parts from eiq-outgoing"),
        "{text}"
    );
    assert!(
        text.contains("indicator c8e9cc67… \"Perimeter scanner (linked to no incident)\": linked to no incident"),
        "{text}"
    );
    assert!(
        text.contains(
            "basic-auth credentials go over plain http:// because the server is on this machine"
        ),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "output:    MISP feed in {}/ (2 event files, hashes.csv with 20 lines, manifest.json)",
            out.display()
        )),
        "{text}"
    );
}

#[test]
fn inbox_exchange_and_taxii_1_0_give_the_same_feed_byte_for_byte() {
    let dir = Scratch::new("exchange-variants");
    let poll = dir.join("poll");
    run_into(&poll, ExchangeOptions::default());
    let reference = files(&poll);

    let inbox = dir.join("inbox");
    let report = run_into(&inbox, ExchangeOptions::default().with_mode(Mode::Inbox));
    assert_eq!(report.mode, Mode::Inbox);
    assert_eq!(report.pushed_blocks, 5);
    assert_eq!(report.parts, 3);
    assert_expected_report(&report);
    assert_eq!(files(&inbox), reference);

    for mode in [Mode::Poll, Mode::Inbox] {
        let out = dir.join(format!("v10-{mode}"));
        let report = run_into(
            &out,
            ExchangeOptions::default()
                .with_mode(mode)
                .with_taxii_version(Version::V1_0),
        );
        assert_eq!(report.taxii_version, Version::V1_0);
        // TAXII 1.0 has no result parts: everything in one response.
        assert_eq!(report.parts, 1);
        let types: Vec<&str> = report.services.iter().map(|s| s.service_type).collect();
        assert_eq!(types, ["DISCOVERY", "FEED_MANAGEMENT", "INBOX", "POLL"]);
        assert_expected_report(&report);
        assert_eq!(files(&out), reference, "TAXII 1.0 {mode}");
    }
}

#[test]
fn a_rerun_writes_the_same_bytes_and_removes_only_stale_event_files() {
    let dir = Scratch::new("exchange-rerun");
    let out = dir.join("exchange-out");
    run_into(&out, ExchangeOptions::default());
    let first = files(&out);
    // An event file of an earlier run that the feed no longer lists, and a file of the user's.
    let stale = "0b6f9a61-0c1d-4e2f-8a3b-4c5d6e7f8091.json";
    std::fs::write(out.join(stale), b"{}").unwrap();
    std::fs::write(out.join("notes.txt"), b"mine").unwrap();
    let report = run_into(&out, ExchangeOptions::default());
    let OutputSummary::Feed(written) = &report.output else {
        panic!("{:?}", report.output)
    };
    assert_eq!(written.removed, [stale]);
    let mut second = files(&out);
    assert_eq!(second.remove("notes.txt").as_deref(), Some(&b"mine"[..]));
    assert_eq!(second, first);
    // No temporary file is left behind.
    assert!(second.keys().all(|name| !name.ends_with(".tmp")));
}

#[test]
fn a_feed_pair_that_does_not_fit_stops_before_any_exchange() {
    let dir = Scratch::new("exchange-pair");
    let feeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("feeds");
    std::fs::copy(feeds.join("alice.toml"), dir.join("alice.toml")).unwrap();
    let barbara = std::fs::read_to_string(feeds.join("barbara.toml"))
        .unwrap()
        .replace(
            "collection_name = \"eiq-outgoing\"",
            "collection_name = \"other\"",
        );
    std::fs::write(dir.join("barbara.toml"), barbara).unwrap();
    let out = dir.join("out");
    let err = run(
        &ExchangeOptions::default()
            .with_feeds_dir(dir.to_path_buf())
            .with_output(Output::FeedDir(out.clone())),
        &NoProgress,
    )
    .unwrap_err();
    let Error::PairCheck { findings } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(
        findings[0].contains("taxii.collection_name"),
        "{findings:?}"
    );
    assert!(!out.exists(), "nothing is written");
    // The unchanged files from a directory work, with the same outcome as the built-in pair.
    std::fs::copy(feeds.join("barbara.toml"), dir.join("barbara.toml")).unwrap();
    let report = run_into(
        &out,
        ExchangeOptions::default().with_feeds_dir(dir.to_path_buf()),
    );
    assert!(
        report
            .barbara_feed
            .ends_with("barbara.toml `eiq-from-alice`")
    );
    assert_expected_report(&report);
    assert_expected_feed(&out);
}

#[test]
fn credentials_never_go_over_plain_http_to_another_host() {
    // Refused before any connection is attempted (`.invalid` never resolves either).
    let dir = Scratch::new("exchange-plain");
    let err = run(
        &ExchangeOptions::default()
            .with_external(ExternalServer {
                discovery_url: "http://taxii.example.invalid/services/discovery"
                    .parse()
                    .unwrap(),
                credentials: Some(("taxii".into(), "secret-pass".into())),
            })
            .with_output(Output::FeedDir(dir.join("out"))),
        &NoProgress,
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::PlainHttpCredentials { url } if url.host_str() == Some("taxii.example.invalid")),
        "{err:?}"
    );
    assert!(!err.to_string().contains("secret-pass"));
    assert!(
        !dir.join("out").exists(),
        "nothing written before the refusal"
    );
}

#[test]
fn an_external_server_is_polled_like_alice() {
    // Alice's server started by the test stands in for an external one (e.g. OpenTAXII).
    use examples::taxii_server::{CollectionConfig, ServerConfig, TaxiiServer};
    use taxii1_core::binding::Credentials;
    let server = TaxiiServer::new(
        ServerConfig::default()
            .with_collection(
                CollectionConfig::new("eiq-outgoing")
                    .with_blocks(dataset::content_blocks().unwrap()),
            )
            .with_credentials(Credentials::new("barbara", "external-pass")),
    )
    .unwrap();
    let discovery_url = server.base_url().join("services/discovery").unwrap();
    let external = |password: &str| ExternalServer {
        discovery_url: discovery_url.clone(),
        credentials: Some(("barbara".into(), password.into())),
    };
    let dir = Scratch::new("exchange-external");
    let report = run_into(
        &dir,
        ExchangeOptions::default().with_external(external("external-pass")),
    );
    // The server's default part size (100): one part.
    assert_eq!(report.parts, 1);
    assert_expected_report(&report);
    assert_expected_feed(&dir);
    // Wrong password: the TAXII status, nothing written.
    let out = dir.join("second");
    let err = run(
        &ExchangeOptions::default()
            .with_external(external("wrong"))
            .with_output(Output::FeedDir(out.clone())),
        &NoProgress,
    )
    .unwrap_err();
    let Error::Taxii(taxii1_core::Error::Status(status)) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        status.status_type,
        taxii1_core::message::StatusType::UNAUTHORIZED
    );
    assert!(!out.exists());
    server.stop();
}

// ---------------------------------------------------------------------------------------------
// The binary, exactly as the README runs it.
// ---------------------------------------------------------------------------------------------

#[test]
fn the_binary_with_no_options_writes_exchange_out_and_prints_the_summary() {
    let dir = Scratch::new("exchange-binary");
    let out = Command::new(env!("CARGO_BIN_EXE_exchange"))
        .current_dir(&dir)
        .env_remove("MISP_KEY")
        .env_remove("TAXII_PASSWORD")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "Alice -> Barbara over TAXII 1.1 poll (EclecticIQ JSON)"
    );
    for expected in [
        "  discovery: 4 services: DISCOVERY, COLLECTION_MANAGEMENT, INBOX, POLL",
        "  polled:    5 content blocks in 3 parts from eiq-outgoing (33002 bytes)",
        "  ingested:  5 packages, 21 entities (incident 2, incident_ref 1, indicator 6, relation 10, threat-actor 1, ttp 1)",
        "  mapped:    2 MISP events (one per incident)",
        "    bc7072c8-4d86-5646-be55-ab2ec820c7a3 12 attributes: \"Credential phishing against the finance department\"",
        "    79ca52a1-fd80-59a5-8926-059e781bed64 8 attributes: \"Ransomware intrusion through an exposed RDP gateway\"",
        "  skipped:   6 items",
        "  output:    MISP feed in exchange-out/ (2 event files, hashes.csv with 20 lines, manifest.json)",
    ] {
        assert!(
            lines.contains(&expected),
            "missing `{expected}` in:\n{stdout}"
        );
    }
    assert!(lines.last().unwrap().starts_with("  done in "), "{stdout}");
    // The password is generated per run and never printed.
    assert!(stdout.contains("password generated for this run"));
    assert_expected_feed(&dir.join("exchange-out"));

    // --json: the same facts, machine-readable, and the same feed again.
    let out = Command::new(env!("CARGO_BIN_EXE_exchange"))
        .current_dir(&dir)
        .args(["--json", "--transport", "inbox"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["mode"], "inbox");
    assert_eq!(doc["transfer"]["pushed_blocks"], 5);
    assert_eq!(doc["transfer"]["parts"], 3);
    assert_eq!(doc["events"][0]["uuid"], PHISHING);
    assert_eq!(doc["events"][0]["attributes"], 12);
    assert_eq!(doc["events"][1]["attributes"], 8);
    assert_eq!(doc["skipped"].as_array().unwrap().len(), 6);
    assert_eq!(doc["skipped"][0]["reason"], "no_incident");
    assert_eq!(doc["output"]["dir"], "exchange-out");
    assert_expected_feed(&dir.join("exchange-out"));

    // Usage errors exit 2.
    let out = Command::new(env!("CARGO_BIN_EXE_exchange"))
        .current_dir(&dir)
        .args(["--taxii-url", "ftp://x.example/"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

// ---------------------------------------------------------------------------------------------
// Pushing to MISP: a loopback stand-in that keeps events like MISP does.
// ---------------------------------------------------------------------------------------------

const KEY: &str = "ExchangeTestKEY0123456789abcdefghijklmno";

/// A loopback MISP stand-in: `events/view`, `events/add`, `events/edit` (attributes merged by
/// UUID), `attributes/delete` (soft), each answered with MISP's shapes; everything it was asked
/// is logged. Stops when `stop` is set or after 60 seconds.
struct FakeMisp {
    url: String,
    events: Arc<Mutex<BTreeMap<String, Value>>>,
    log: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl FakeMisp {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let events = Arc::new(Mutex::new(BTreeMap::new()));
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (events, log, stop) = (events.clone(), log.clone(), stop.clone());
            thread::spawn(move || {
                let deadline = Instant::now() + Duration::from_secs(60);
                while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let _ = serve(stream, &events, &log);
                        }
                        Err(_) => thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
        };
        Self {
            url,
            events,
            log,
            stop,
            thread: Some(thread),
        }
    }

    fn take_log(&self) -> Vec<String> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }
}

impl Drop for FakeMisp {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(
    stream: TcpStream,
    events: &Mutex<BTreeMap<String, Value>>,
    log: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut length = 0usize;
    let mut authorized = false;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap_or(0),
                "authorization" => authorized = value.trim() == KEY,
                _ => {}
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    log.lock().unwrap().push(format!("{method} {path}"));
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let mut events = events.lock().unwrap();
    let not_found = |path: &str| {
        (
            404,
            json!({"name": "Invalid event", "message": "Invalid event", "url": path}),
        )
    };
    let (status, answer) = if !authorized {
        (
            403,
            json!({"name": "Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.", "message": "Authentication failed.", "url": path}),
        )
    } else if let Some(uuid) = path.strip_prefix("/events/view/") {
        match events.get(uuid) {
            Some(event) => (200, json!({ "Event": event })),
            None => not_found(&path),
        }
    } else if path == "/events/add" {
        let uuid = body["uuid"].as_str().unwrap().to_owned();
        let mut event = body;
        event["id"] = json!((events.len() + 1).to_string());
        events.insert(uuid, event.clone());
        (200, json!({ "Event": event }))
    } else if let Some(uuid) = path.strip_prefix("/events/edit/") {
        match events.get_mut(uuid) {
            Some(stored) => {
                let mut attributes = stored["Attribute"].as_array().cloned().unwrap_or_default();
                for new in body["Attribute"].as_array().cloned().unwrap_or_default() {
                    match attributes.iter_mut().find(|a| a["uuid"] == new["uuid"]) {
                        Some(old) => *old = new,
                        None => attributes.push(new),
                    }
                }
                let id = stored["id"].clone();
                *stored = body;
                stored["id"] = id;
                stored["Attribute"] = Value::Array(attributes);
                (200, json!({ "Event": stored }))
            }
            None => not_found(&path),
        }
    } else if let Some(uuid) = path.strip_prefix("/attributes/delete/") {
        let found = events.values_mut().find_map(|event| {
            event["Attribute"]
                .as_array_mut()
                .and_then(|list| list.iter_mut().find(|a| a["uuid"] == uuid))
        });
        match found {
            Some(attribute) => {
                attribute["deleted"] = json!(true);
                (200, json!({"message": "Attribute deleted.", "url": path}))
            }
            None => (
                404,
                json!({"name": "Invalid attribute", "message": "Invalid attribute", "url": path}),
            ),
        }
    } else {
        (405, json!({"name": "Method not allowed", "url": path}))
    };
    drop(events);
    let body = answer.to_string();
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()
}

fn push_options(misp: &FakeMisp) -> ExchangeOptions {
    ExchangeOptions::default().with_output(Output::Misp {
        url: misp.url.clone(),
        key: KEY.to_owned(),
    })
}

fn actions(report: &Report) -> Vec<(String, PushAction)> {
    let OutputSummary::Misp { pushed, .. } = &report.output else {
        panic!("{:?}", report.output)
    };
    pushed
        .iter()
        .map(|p| (p.uuid.clone(), p.action.clone()))
        .collect()
}

/// The live (not soft-deleted) attribute values of a stored event.
fn live_values(misp: &FakeMisp, uuid: &str) -> Vec<String> {
    let events = misp.events.lock().unwrap();
    events[uuid]["Attribute"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["deleted"] != json!(true))
        .map(|a| a["value"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn pushing_to_misp_adds_once_then_updates_instead_of_duplicating() {
    let misp = FakeMisp::start();
    // First run: MISP knows neither event, both are added.
    let report = run(&push_options(&misp), &NoProgress).unwrap();
    assert_expected_report(&report);
    assert_eq!(
        actions(&report),
        [
            (PHISHING.to_owned(), PushAction::Added),
            (RANSOMWARE.to_owned(), PushAction::Added)
        ]
    );
    assert_eq!(
        misp.take_log(),
        [
            format!("GET /events/view/{PHISHING}"),
            "POST /events/add".to_owned(),
            format!("GET /events/view/{RANSOMWARE}"),
            "POST /events/add".to_owned(),
        ]
    );
    let expected_values = |event: &ExpectedEvent| -> Vec<String> {
        event
            .attributes
            .iter()
            .map(|(_, v, _)| (*v).to_owned())
            .collect()
    };
    assert_eq!(
        live_values(&misp, PHISHING),
        expected_values(&EXPECTED_EVENTS[0])
    );
    assert_eq!(
        live_values(&misp, RANSOMWARE),
        expected_values(&EXPECTED_EVENTS[1])
    );

    // Second run: nothing changed, nothing is sent beyond the look-ups.
    let report = run(&push_options(&misp), &NoProgress).unwrap();
    assert_eq!(
        actions(&report),
        [
            (PHISHING.to_owned(), PushAction::Unchanged),
            (RANSOMWARE.to_owned(), PushAction::Unchanged)
        ]
    );
    assert_eq!(
        misp.take_log(),
        [
            format!("GET /events/view/{PHISHING}"),
            format!("GET /events/view/{RANSOMWARE}"),
        ]
    );

    // Someone removed an attribute on MISP and an attribute we no longer map is there: the
    // next run puts the first back and deletes the second, in the same event.
    let stale = "0b6f9a61-0c1d-4e2f-8a3b-4c5d6e7f8091";
    {
        let mut events = misp.events.lock().unwrap();
        let attributes = events.get_mut(PHISHING).unwrap()["Attribute"]
            .as_array_mut()
            .unwrap();
        attributes.retain(|a| a["value"] != DOC_MD5);
        attributes.push(json!({"uuid": stale, "type": "domain", "category": "Network activity", "value": "no-longer-mapped.example", "to_ids": true}));
    }
    let report = run(&push_options(&misp), &NoProgress).unwrap();
    assert_eq!(
        actions(&report),
        [
            (
                PHISHING.to_owned(),
                PushAction::Updated {
                    added: 1,
                    updated: 0,
                    deleted: 1
                }
            ),
            (RANSOMWARE.to_owned(), PushAction::Unchanged)
        ]
    );
    assert_eq!(
        misp.take_log(),
        [
            format!("GET /events/view/{PHISHING}"),
            format!("POST /events/edit/{PHISHING}"),
            format!("POST /attributes/delete/{stale}"),
            format!("GET /events/view/{RANSOMWARE}"),
        ]
    );
    let mut values = live_values(&misp, PHISHING);
    values.sort();
    let mut expected = expected_values(&EXPECTED_EVENTS[0]);
    expected.sort();
    assert_eq!(values, expected);
    assert_eq!(misp.events.lock().unwrap().len(), 2, "no duplicates");
    let text = report.to_string();
    assert!(
        text.contains(&format!(
            "    {PHISHING} updated (1 attributes added, 0 updated, 1 deleted)"
        )),
        "{text}"
    );
}

#[test]
fn a_refused_misp_key_is_an_error_that_does_not_show_the_key() {
    let misp = FakeMisp::start();
    let options = ExchangeOptions::default().with_output(Output::Misp {
        url: misp.url.clone(),
        key: "WrongKEY0123456789abcdefghijklmnopqrstuv".to_owned(),
    });
    let err = run(&options, &NoProgress).unwrap_err();
    let Error::Misp(misp_model::Error::Api(api)) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        api.kind,
        misp_model::rest::ApiErrorKind::AuthenticationFailed
    );
    assert!(!err.to_string().contains("WrongKEY"));
    assert!(!format!("{options:?}").contains("WrongKEY"));
}
