//! The `misp` CLI end to end: `check` on real and broken input, `feed` into a temporary
//! directory, and `push` against a loopback MISP stand-in that answers with the recorded
//! response shapes (add → 200; repeated UUID → 404 + Location, then edit → 200; stale edit → 403).

#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/scratch.rs"]
mod scratch;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use scratch::Scratch;

const KEY: &str = "PyMISPcaptureKEY0123456789abcdefghijklmn";

fn misp(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_misp"))
        .args(args)
        .env_remove("MISP_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    // The CLI may exit before reading its input (usage errors): a broken pipe is fine then.
    let _ = input.write_all(stdin.unwrap_or_default());
    drop(input);
    child.wait_with_output().unwrap()
}

fn shared() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: {} is absent", dir.display());
        None
    }
}

const EVENT_A: &str = r#"{"Event":{"uuid":"8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e","info":"Incident 2024-0042","date":"2024-05-17","distribution":"1","threat_level_id":"2","analysis":"1","timestamp":"1715940000","Orgc":{"name":"ACME","uuid":"5c9a1c17-9550-483e-809a-28eab44af9f7"},"Attribute":[{"uuid":"0b6f9a61-0c1d-4e2f-8a3b-4c5d6e7f8091","type":"ip-dst|port","category":"Network activity","to_ids":true,"value":"203.0.113.7|443"}],"Tag":[{"name":"tlp:green"}]}}"#;
const EVENT_B: &str = r#"{"uuid":"9d3f8b9f-63a2-4d6f-8b6f-7a2e3c4d5e6f","info":"Second incident","Attribute":[{"uuid":"1c7a0b72-1d2e-4f30-9b4c-5d6e7f809102","type":"domain","category":"Network activity","to_ids":true,"value":"login-finance.example"}]}"#;

#[test]
fn check_prints_normalised_events_and_exits_zero_when_valid() {
    let out = misp(&["check", "-"], Some(EVENT_B.as_bytes()));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1);
    assert!(
        stdout.starts_with(r#"{"Event":{"info":"Second incident","uuid":"9d3f8b9f"#),
        "{stdout}"
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn check_reports_problems_with_paths_and_exits_one() {
    let bad = r#"{"response":[{"Event":{"info":"ok","uuid":"8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e"}},{"Event":{"info":"x","uuid":"9d3f8b9f-63a2-4d6f-8b6f-7a2e3c4d5e6f","distribution":"5","Attribute":[{"uuid":"0b6f9a61-0c1d-4e2f-8a3b-4c5d6e7f8091","type":"sha256","category":"Network activity","value":"ab"}]}}]}"#;
    let out = misp(&["check", "-"], Some(bad.as_bytes()));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr.lines().collect::<Vec<_>>(),
        [
            "-: event 1: Event.distribution: distribution 5 (inherit) is not allowed on an event",
            "-: event 1: Event.Attribute[0].category: category `Network activity` does not allow type `sha256`",
        ]
    );
    // Both events are still printed, one per line.
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 2);
    // Lax mode does not report the category PyMISP would silently replace.
    let out = misp(&["check", "--lax", "-"], Some(bad.as_bytes()));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8(out.stderr).unwrap().lines().count(), 1);
    // Unparseable input: exit 1 with the typed error.
    let out = misp(
        &["check", "-"],
        Some(br#"{"Event":{"info":"x","threat_level_id":"9"}}"#),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap().trim(),
        "-: invalid value `9` at `Event.threat_level_id`: expected a threat level 1-4"
    );
    // Attribute collections are checked item by item and printed in their own form.
    let attributes = br#"{"response":{"Attribute":[{"type":"domain","value":"a.example","uuid":"0b6f9a61-0c1d-4e2f-8a3b-4c5d6e7f8091"},{"type":"nope","value":"x","uuid":"1c7a0b72-1d2e-4f30-9b4c-5d6e7f809102"}]}}"#;
    let out = misp(&["check", "--lax", "-"], Some(attributes));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap().trim(),
        "-: response.Attribute[1].type: unknown attribute type `nope`"
    );
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .starts_with(r#"{"response":{"Attribute":[{"type":"domain""#)
    );
    // A size limit above the 100 MiB hard cap is a usage error; one below the input size refuses it.
    assert_eq!(
        misp(&["check", "--max-mib", "101", "-"], Some(b"{}"))
            .status
            .code(),
        Some(2)
    );
    let big = format!(r#"{{"info":"{}"}}"#, "x".repeat(1024 * 1024));
    let out = misp(&["check", "--max-mib", "1", "-"], Some(big.as_bytes()));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("exceeds the limit of 1048576 bytes")
    );
    // A missing file is a usage/I/O error.
    assert_eq!(
        misp(&["check", "/nonexistent/x.json"], None).status.code(),
        Some(2)
    );
}

#[test]
fn check_round_trips_every_real_event_losslessly() {
    let Some(shared) = shared() else { return };
    let file = shared
        .join("corpus/misp/events/misp/app__files__scripts__stixtest__misp_indicators_test.json");
    let out = misp(&["check", file.to_str().unwrap()], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ours = misp_model::Event::from_json(&out.stdout).unwrap();
    let original = misp_model::Event::from_json(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(ours, original);
}

#[test]
fn feed_writes_a_subscribable_directory() {
    let dir = Scratch::new("misp-cli-feed");
    let input = dir.join("in.json");
    std::fs::write(&input, EVENT_A).unwrap();
    let out_dir = dir.join("feed");
    let out = misp(
        &[
            "feed",
            "--out",
            out_dir.to_str().unwrap(),
            "--now",
            "1715950000",
            input.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        format!("wrote 1 events and 2 hashes to {}", out_dir.display())
    );
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e.json",
            "hashes.csv",
            "manifest.json"
        ]
    );
    let hashes = std::fs::read_to_string(out_dir.join("hashes.csv")).unwrap();
    let uuid = "8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e";
    let md5 = |s: &str| misp_model::feed::md5_hex(s);
    assert_eq!(
        hashes,
        format!("{},{uuid}\n{},{uuid}\n", md5("203.0.113.7"), md5("443"))
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest[uuid]["timestamp"], "1715940000");
    assert_eq!(manifest[uuid]["Orgc"]["name"], "ACME");
    let event: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join(format!("{uuid}.json"))).unwrap())
            .unwrap();
    // No instance-local ids, tags in feed form.
    assert!(event["Event"].get("id").is_none());
    assert_eq!(event["Event"]["Tag"][0]["colour"], "#ffffff");
    // An event without Orgc cannot be fed: exit 1 with the reason.
    let bad = dir.join("bad.json");
    std::fs::write(&bad, EVENT_B).unwrap();
    let out = misp(
        &[
            "feed",
            "--out",
            out_dir.to_str().unwrap(),
            bad.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("missing Orgc name or uuid")
    );
}

/// A canned answer: status, extra headers, body.
type Answer = (u16, Vec<(&'static str, &'static str)>, String);

/// One recorded request as the stand-in saw it.
#[derive(Debug)]
struct Seen {
    method: String,
    path: String,
    authorization: Option<String>,
    body: serde_json::Value,
}

/// A loopback MISP stand-in: answers each request with the next canned response and reports
/// what it saw. Serves at most `answers.len()` connections and gives up after 30 seconds.
fn stand_in(answers: Vec<Answer>) -> (String, mpsc::Receiver<Seen>, thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    let handle = thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut answers = answers.into_iter();
        let mut current = answers.next();
        while let Some((status, headers, body)) = current.take() {
            if Instant::now() > deadline {
                return;
            }
            let stream = match listener.accept() {
                Ok((stream, _)) => stream,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    thread::sleep(Duration::from_millis(10));
                    current = Some((status, headers, body));
                    continue;
                }
                Err(_) => return,
            };
            if serve_one(stream, status, &headers, &body, &tx).is_err() {
                return;
            }
            current = answers.next();
        }
    });
    (url, rx, handle)
}

fn serve_one(
    stream: TcpStream,
    status: u16,
    headers: &[(&str, &str)],
    body: &str,
    tx: &mpsc::Sender<Seen>,
) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut length = 0usize;
    let mut authorization = None;
    for _ in 0..100 {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap_or(0),
                "authorization" => authorization = Some(value.trim().to_owned()),
                _ => {}
            }
        }
    }
    let mut raw = vec![0; length.min(1 << 20)];
    reader.read_exact(&mut raw)?;
    let mut parts = request_line.split_whitespace();
    let seen = Seen {
        method: parts.next().unwrap_or_default().to_owned(),
        path: parts.next().unwrap_or_default().to_owned(),
        authorization,
        body: serde_json::from_slice(&raw).unwrap_or(serde_json::Value::Null),
    };
    let _ = tx.send(seen);
    let mut stream = stream;
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    stream.flush()
}

fn saved_event(id: u32, uuid: &str, info: &str) -> String {
    format!(
        r#"{{"Event":{{"id":"{id}","orgc_id":"1","org_id":"1","date":"2024-05-17","threat_level_id":"2","info":"{info}","published":false,"uuid":"{uuid}","attribute_count":"1","analysis":"1","timestamp":"1795354523","distribution":"1","sharing_group_id":"0","Org":{{"id":"1","name":"ORGNAME","uuid":"5c9a1c17-9550-483e-809a-28eab44af9f7"}},"Orgc":{{"id":"1","name":"ORGNAME","uuid":"5c9a1c17-9550-483e-809a-28eab44af9f7"}},"Attribute":[]}}}}"#
    )
}

#[test]
fn push_adds_new_events_and_edits_repeated_uuids() {
    let dir = Scratch::new("misp-cli-push");
    let a = dir.join("a.json");
    let b = dir.join("b.json");
    std::fs::write(&a, EVENT_A).unwrap();
    std::fs::write(&b, EVENT_B).unwrap();
    let exists = r#"{"name":"Event already exists, if you would like to edit it, use the url in the location header.","message":"Event already exists, if you would like to edit it, use the url in the location header.","url":"/events/add"}"#;
    let (url, seen, server) = stand_in(vec![
        (200, vec![], saved_event(1, "8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e", "Incident 2024-0042")),
        (404, vec![("Location", "/events/7")], exists.to_owned()),
        (200, vec![], saved_event(7, "9d3f8b9f-63a2-4d6f-8b6f-7a2e3c4d5e6f", "Second incident")),
        (200, vec![], r#"{"saved":true,"success":true,"name":"Job queued","message":"Job queued","url":"/events/publish/7","id":"7"}"#.to_owned()),
    ]);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_misp"));
    let out = cmd
        .args([
            "push",
            "--url",
            &url,
            "--timeout",
            "20",
            a.to_str().unwrap(),
        ])
        .env("MISP_KEY", KEY)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        "added 8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e as event 1"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_misp"))
        .args([
            "push",
            "--url",
            &url,
            "--key",
            KEY,
            "--publish",
            b.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        "updated 9d3f8b9f-63a2-4d6f-8b6f-7a2e3c4d5e6f; published (Job queued)"
    );
    server.join().unwrap();
    let seen: Vec<Seen> = seen.try_iter().collect();
    let lines: Vec<(String, String)> = seen
        .iter()
        .map(|s| (s.method.clone(), s.path.clone()))
        .collect();
    assert_eq!(
        lines,
        [
            ("POST".to_owned(), "/events/add".to_owned()),
            ("POST".to_owned(), "/events/add".to_owned()),
            (
                "POST".to_owned(),
                "/events/edit/9d3f8b9f-63a2-4d6f-8b6f-7a2e3c4d5e6f".to_owned()
            ),
            (
                "POST".to_owned(),
                "/events/publish/9d3f8b9f-63a2-4d6f-8b6f-7a2e3c4d5e6f".to_owned()
            ),
        ]
    );
    assert!(seen.iter().all(|s| s.authorization.as_deref() == Some(KEY)));
    // The bodies are the bare events, as PyMISP sends them.
    assert_eq!(seen[0].body["info"], "Incident 2024-0042");
    assert_eq!(seen[0].body["distribution"], "1");
    assert_eq!(seen[2].body, seen[1].body);
}

#[test]
fn push_reports_stale_edits_and_errors_without_leaking_the_key() {
    let dir = Scratch::new("misp-cli-push-errors");
    let b = dir.join("b.json");
    std::fs::write(&b, EVENT_B).unwrap();
    let exists = r#"{"name":"Event already exists, if you would like to edit it, use the url in the location header.","message":"…","url":"/events/add"}"#;
    let stale = r#"{"saved":false,"name":"Could not edit Event","message":"Could not edit Event","url":"/events/edit/1","errors":"Event could not be saved: Event in the request not newer than the local copy.","id":"1"}"#;
    let denied = r#"{"name":"Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.","message":"Authentication failed.","url":"/events/add"}"#;
    let (url, _seen, server) = stand_in(vec![
        (404, vec![("Location", "/events/1")], exists.to_owned()),
        (403, vec![], stale.to_owned()),
        (403, vec![], denied.to_owned()),
    ]);
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_misp"))
            .args(["push", "--url", &url, "--key", KEY, b.to_str().unwrap()])
            .output()
            .unwrap()
    };
    let out = run();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with(
            "stale 9d3f8b9f-63a2-4d6f-8b6f-7a2e3c4d5e6f: the server's copy is as new or newer"
        ),
        "{stdout}"
    );
    let out = run();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("AuthenticationFailed (HTTP 403)"),
        "{stderr}"
    );
    assert!(!stderr.contains(KEY));
    server.join().unwrap();
    // A malformed key is refused before anything is sent, without echoing it.
    let out = Command::new(env!("CARGO_BIN_EXE_misp"))
        .args([
            "push",
            "--url",
            &url,
            "--key",
            "secret-but-short",
            b.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        !String::from_utf8(out.stderr)
            .unwrap()
            .contains("secret-but-short")
    );
}

#[test]
fn check_loads_describe_types_at_run_time_and_names_the_root() {
    let out = misp(&["check", "-"], Some(br#"{"Object":[]}"#));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap().trim(),
        "-: missing required field `info` at the document root"
    );
    let Some(shared) = shared() else { return };
    let table = shared.join("schemas/misp/describeTypes.json");
    let out = misp(
        &["check", "--describe-types", table.to_str().unwrap(), "-"],
        Some(EVENT_B.as_bytes()),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = Scratch::new("misp-cli-describe-types");
    let broken = dir.join("describe-types.json");
    std::fs::write(&broken, br#"{"result":{"types":"md5"}}"#).unwrap();
    let out = misp(
        &["check", "--describe-types", broken.to_str().unwrap(), "-"],
        Some(EVENT_B.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("result.types")
    );
}
