//! The `taxii` binary as a user runs it: usage errors exit 2, the `parse` contract, transport
//! failures exit 2, and the network subcommands against a scripted TAXII server on a loopback
//! port (a status other than SUCCESS exits 1; multi-part polls write one file per block).
//! Nothing here leaves the machine.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/scratch.rs"]
mod scratch;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::num::NonZeroU64;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;

use bytes::Bytes;
use taxii1_core::message::*;
use taxii1_core::{Content, ContentBindingId, ContentKind, Message, Version};

use scratch::Scratch;

fn taxii(args: &[&str]) -> Output {
    taxii_with_stdin(args, b"")
}

fn taxii_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_taxii"))
        .args(args)
        .env_remove("TAXII_USERNAME")
        .env_remove("TAXII_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A loopback port nobody listens on.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A scripted TAXII 1.1 server on a loopback port: every request's message goes to `answer`,
/// whose reply is sent back; each request (with its `Authorization` header) is also sent to the
/// returned channel. Serves until the test process ends.
fn scripted_server(
    answer: impl Fn(&Message) -> Message + Send + 'static,
) -> (String, mpsc::Receiver<(Message, Option<String>)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0usize;
            let mut authorization = None;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some((name, value)) = line.split_once(':') {
                    match name.to_ascii_lowercase().as_str() {
                        "content-length" => length = value.trim().parse().unwrap(),
                        "authorization" => authorization = Some(value.trim().to_owned()),
                        _ => {}
                    }
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let request = Message::from_xml(&body).unwrap().message;
            let reply = answer(&request).to_xml(Version::V1_1).unwrap();
            tx.send((request, authorization)).unwrap();
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n\
                 X-TAXII-Content-Type: urn:taxii.mitre.org:message:xml:1.1\r\n\
                 X-TAXII-Services: urn:taxii.mitre.org:services:1.1\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n",
                reply.len()
            );
            stream.write_all(head.as_bytes()).unwrap();
            stream.write_all(&reply).unwrap();
        }
    });
    (base, rx)
}

fn id(n: u64) -> MessageId {
    MessageId::from_u64(n)
}

// ---------------------------------------------------------------- usage errors: exit 2

#[test]
fn no_subcommand_is_a_usage_error() {
    let output = taxii(&[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("Usage: taxii"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn missing_required_options_are_usage_errors() {
    let output = taxii(&["poll", "http://127.0.0.1:1/services/poll"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--collection"),
        "{}",
        stderr(&output)
    );
    let output = taxii(&["push", "http://127.0.0.1:1/services/inbox"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("<FILE>"), "{}", stderr(&output));
    let output = taxii(&[
        "subscribe",
        "http://127.0.0.1:1/x",
        "-c",
        "feed",
        "-a",
        "sleep",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("invalid value 'sleep'"));
}

#[test]
fn timestamps_need_a_time_zone() {
    let output = taxii(&[
        "poll",
        "http://127.0.0.1:1/services/poll",
        "-c",
        "feed",
        "--begin",
        "2026-01-31T12:00:00",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("is not an xs:dateTime with a time zone"));
}

#[test]
fn unsupported_urls_are_usage_errors() {
    let output = taxii(&["discover", "ftp://example.org/services/discovery"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "taxii: URL `ftp://example.org/services/discovery`: scheme must be http or https\n"
    );
    let output = taxii(&["discover", "not a url"]);
    assert_eq!(output.status.code(), Some(2));
    let output = taxii(&["discover", "https://user:secret@example.org/d"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("not in the URL"), "{err}");
    assert!(!err.contains("secret"), "{err}");
}

#[test]
fn credentials_are_checked_before_anything_is_sent() {
    let port = closed_port();
    let url = format!("http://127.0.0.1:{port}/services/discovery");
    // Over plain http without the opt-in: refused, and the password never appears.
    let output = taxii(&["discover", &url, "--username", "u", "--password", "hunter2"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("refusing to send credentials over plain http://"),
        "{err}"
    );
    assert!(!err.contains("hunter2"));
    // Half a credential.
    let output = taxii(&["discover", &url, "--username", "u"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "taxii: --username needs --password (or TAXII_PASSWORD)\n"
    );
    // A client key without a certificate.
    let output = taxii(&["discover", &url, "--client-key", "/nonexistent.pem"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--client-cert"),
        "{}",
        stderr(&output)
    );
    // An unreadable CA file fails before connecting.
    let output = taxii(&["discover", &url, "--ca-cert", "/nonexistent/ca.pem"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("taxii: cannot read CA certificate /nonexistent/ca.pem:"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn message_limit_cannot_exceed_the_hard_cap() {
    let output = taxii(&[
        "discover",
        "http://127.0.0.1:1/d",
        "--max-message-bytes",
        &(taxii1_core::size::HARD_MAX_BLOB_SIZE + 1).to_string(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--max-message-bytes"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn push_refuses_what_it_cannot_send() {
    let dir = Scratch::new("taxii-cli-push-usage");
    let xml = dir.join("package.xml");
    std::fs::write(
        &xml,
        "<?xml version=\"1.0\"?>\n<p:Package xmlns:p=\"urn:p\"/>",
    )
    .unwrap();
    let url = format!("http://127.0.0.1:{}/services/inbox", closed_port());
    // XML without --binding: the binding cannot be guessed.
    let output = taxii(&["push", &url, xml.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("pass --binding"),
        "{}",
        stderr(&output)
    );
    // A missing file.
    let output = taxii(&["push", &url, "--binding", "urn:x", "/nonexistent/file.xml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).starts_with("taxii: cannot read /nonexistent/file.xml"));
    // TAXII 1.0 has no destination collections.
    let output = taxii(&[
        "push",
        &url,
        "--taxii-version",
        "1.0",
        "-c",
        "feed",
        "--binding",
        "urn:x",
        xml.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("TAXII 1.0 inbox messages cannot name"));
}

#[test]
fn subscription_actions_need_an_id() {
    let url = format!("http://127.0.0.1:{}/cm", closed_port());
    let output = taxii(&["subscribe", &url, "-c", "feed", "-a", "pause"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stderr(&output), "taxii: --action pause needs --id\n");
}

// ---------------------------------------------------------------- transport: exit 2

#[test]
fn unreachable_port_exits_2() {
    let url = format!("http://127.0.0.1:{}/services/discovery", closed_port());
    let output = taxii(&["discover", &url]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.starts_with(&format!("taxii: {url}: cannot connect:")),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
    // --json also describes the failure on standard output.
    let output = taxii(&["discover", &url, "--json"]);
    assert_eq!(output.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(doc["error"], "transport");
}

// ---------------------------------------------------------------- parse contract

const DISCOVERY_REQUEST: &str = r#"<taxii_11:Discovery_Request xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="42"/>"#;

#[test]
fn parse_prints_the_rewritten_message() {
    let output = taxii_with_stdin(&["parse", "-"], DISCOVERY_REQUEST.as_bytes());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let reparsed = Message::from_xml(&output.stdout).unwrap();
    assert_eq!(reparsed.version, Version::V1_1);
    assert_eq!(reparsed.message.message_id().as_str(), "42");
    let output = taxii_with_stdin(&["parse", "--summary", "-"], DISCOVERY_REQUEST.as_bytes());
    assert_eq!(
        stdout(&output),
        "TAXII 1.1 Discovery_Request message_id=42\n"
    );
}

#[test]
fn parse_exits_1_on_invalid_input_and_2_on_a_missing_file() {
    let output = taxii_with_stdin(&["parse", "-"], b"<not-taxii/>");
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).starts_with("taxii: -: not a TAXII 1.x message"));
    let output = taxii(&["parse", "/nonexistent/message.xml"]);
    assert_eq!(output.status.code(), Some(2));
}

// ---------------------------------------------------------------- against a scripted server

#[test]
fn discover_lists_services_as_json() {
    let (base, requests) = scripted_server(|request| {
        let mut inbox = ServiceInstance::new(
            ServiceType::Inbox,
            "urn:taxii.mitre.org:services:1.1",
            "urn:taxii.mitre.org:protocol:http:1.0",
            "http://127.0.0.1/inbox",
            vec!["urn:taxii.mitre.org:message:xml:1.1".into()],
        );
        inbox.available = Some(true);
        DiscoveryResponse::new(id(900), request.message_id().clone(), vec![inbox]).into()
    });
    let output = taxii(&["discover", &format!("{base}/d"), "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(doc["services"][0]["service_type"], "INBOX");
    assert_eq!(doc["services"][0]["address"], "http://127.0.0.1/inbox");
    assert_eq!(doc["services"][0]["available"], true);
    let (request, authorization) = requests.recv().unwrap();
    assert!(matches!(request, Message::DiscoveryRequest(_)));
    assert!(request.message_id().is_numeric());
    assert_eq!(authorization, None);
}

#[test]
fn a_status_other_than_success_exits_1_with_one_line() {
    let (base, _requests) = scripted_server(|request| {
        StatusMessage::new(id(901), request.message_id().clone(), StatusType::NOT_FOUND)
            .with_message("Requested collection was not found")
            .with_detail(Detail::text("ITEM", "nope"))
            .into()
    });
    let output = taxii(&["poll", &format!("{base}/poll"), "-c", "nope"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "taxii: TAXII status NOT_FOUND: Requested collection was not found [ITEM=nope]\n"
    );
    let output = taxii(&["poll", &format!("{base}/poll"), "-c", "nope", "--json"]);
    assert_eq!(output.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(doc["error"], "status");
    assert_eq!(doc["status"]["status_type"], "NOT_FOUND");
    assert_eq!(doc["status"]["details"][0]["value"], "nope");
}

const STIX: &[u8] =
    br#"<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" version="1.2"/>"#;
const EIQ: &str = r#"{"data": {"type": "indicator", "title": "t"}, "meta": {}}"#;

/// Part 1: STIX + EclecticIQ JSON, more follow; part 2: one text block.
fn two_part_poll(request: &Message) -> Message {
    let (part, in_response_to) = match request {
        Message::PollRequest(r) => (1, r.message_id.clone()),
        Message::PollFulfillmentRequest(f) => {
            assert_eq!(f.result_id, "result-7");
            (
                f.result_part_number.map_or(1, NonZeroU64::get),
                f.message_id.clone(),
            )
        }
        other => panic!("unexpected {other:?}"),
    };
    let blocks = if part == 1 {
        vec![
            ContentBlock::new(
                ContentBindingId::STIX_XML_1_2,
                Content::xml(Bytes::from_static(STIX)).unwrap(),
            ),
            ContentBlock::new(ContentBindingId::EIQ_JSON_1_0, Content::text(EIQ)),
        ]
    } else {
        vec![ContentBlock::new(
            ContentBindingId::new("urn:example.com:text:1.0"),
            Content::text("plain"),
        )]
    };
    let mut response = PollResponse::new(id(950 + part), in_response_to, "feed/one", blocks);
    response.more = part == 1;
    response.result_id = Some("result-7".into());
    response.result_part_number = NonZeroU64::new(part);
    response.record_count = Some(RecordCount::exact(3));
    response.into()
}

#[test]
fn poll_follows_parts_and_writes_one_file_per_block() {
    let (base, requests) = scripted_server(two_part_poll);
    let dir = Scratch::new("taxii-cli-poll-out");
    let out = dir.join("polled");
    let output = taxii(&[
        "poll",
        &format!("{base}/poll"),
        "-c",
        "feed/one",
        "--binding",
        "urn:eclecticiq.com:json:1.0",
        "--begin",
        "2026-01-01T00:00:00Z",
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(doc["parts"], 2);
    assert_eq!(doc["content_blocks"], 3);
    assert_eq!(doc["record_count"]["count"], 3);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "feed_one_part0001_0001.xml",
            "feed_one_part0001_0002.json",
            "feed_one_part0002_0001.txt"
        ]
    );
    assert_eq!(
        std::fs::read(out.join("feed_one_part0001_0001.xml")).unwrap(),
        STIX
    );
    assert_eq!(
        std::fs::read_to_string(out.join("feed_one_part0001_0002.json")).unwrap(),
        EIQ
    );
    assert_eq!(
        std::fs::read_to_string(out.join("feed_one_part0002_0001.txt")).unwrap(),
        "plain"
    );
    // What went over the wire: the poll with its window and binding, then one fulfilment.
    let (first, _) = requests.recv().unwrap();
    let Message::PollRequest(poll) = first else {
        panic!("{first:?}")
    };
    assert_eq!(poll.collection_name, "feed/one");
    assert_eq!(
        poll.exclusive_begin_timestamp_label
            .as_ref()
            .map(|t| t.as_str()),
        Some("2026-01-01T00:00:00Z")
    );
    let parameters = poll.poll_parameters.unwrap();
    assert_eq!(
        parameters.content_bindings[0].binding_id,
        ContentBindingId::EIQ_JSON_1_0
    );
    let (second, _) = requests.recv().unwrap();
    let Message::PollFulfillmentRequest(fulfilment) = second else {
        panic!("{second:?}")
    };
    assert_eq!(fulfilment.result_part_number.map(NonZeroU64::get), Some(2));
    assert_ne!(fulfilment.message_id, poll.message_id);
    assert!(
        requests.try_recv().is_err(),
        "no request after the last part"
    );
}

#[test]
fn poll_without_out_prints_the_content() {
    let (base, _requests) = scripted_server(two_part_poll);
    let output = taxii(&["poll", &format!("{base}/poll"), "-c", "feed/one"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("=== feed/one part 1 block 2: urn:eclecticiq.com:json:1.0"));
    assert!(text.contains(EIQ));
    assert!(text.contains("=== feed/one part 2 block 1: urn:example.com:text:1.0, 5 bytes\nplain"));
    assert_eq!(
        stderr(&output),
        "taxii: 3 content blocks in 2 parts from feed/one\n"
    );
}

#[test]
fn push_sends_each_file_as_a_block_with_credentials_when_allowed() {
    let (base, requests) = scripted_server(|request| {
        StatusMessage::new(id(960), request.message_id().clone(), StatusType::SUCCESS).into()
    });
    let dir = Scratch::new("taxii-cli-push");
    let json = dir.join("entity.json");
    std::fs::write(&json, EIQ).unwrap();
    let xml = dir.join("package.xml");
    let mut with_prolog = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".to_vec();
    with_prolog.extend_from_slice(STIX);
    std::fs::write(&xml, &with_prolog).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_taxii"))
        .args([
            "push",
            &format!("{base}/inbox"),
            "-c",
            "feed",
            "--allow-plain-http-auth",
            json.to_str().unwrap(),
        ])
        .env("TAXII_USERNAME", "taxii")
        .env("TAXII_PASSWORD", "taxii-pass")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "SUCCESS: pushed 1 content block to feed\n");
    let err = stderr(&output);
    assert!(err.contains("warning: sending the password of `taxii` over plain http://"));
    assert!(!err.contains("taxii-pass"));
    let (request, authorization) = requests.recv().unwrap();
    assert_eq!(
        authorization.as_deref(),
        Some("Basic dGF4aWk6dGF4aWktcGFzcw==")
    );
    let Message::InboxMessage(inbox) = request else {
        panic!("{request:?}")
    };
    assert_eq!(inbox.destination_collection_names, ["feed"]);
    assert_eq!(inbox.content_blocks.len(), 1);
    assert_eq!(
        inbox.content_blocks[0].content_binding.binding_id,
        ContentBindingId::EIQ_JSON_1_0
    );
    assert_eq!(inbox.content_blocks[0].content.as_str(), EIQ);

    // Two files in one message; the XML declaration is dropped, the package kept as XML.
    let output = taxii(&[
        "push",
        &format!("{base}/inbox"),
        "--binding",
        "urn:stix.mitre.org:xml:1.2",
        xml.to_str().unwrap(),
        xml.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let (request, authorization) = requests.recv().unwrap();
    assert_eq!(authorization, None);
    let Message::InboxMessage(inbox) = request else {
        panic!("{request:?}")
    };
    assert!(inbox.destination_collection_names.is_empty());
    assert_eq!(inbox.content_blocks.len(), 2);
    assert_eq!(inbox.content_blocks[1].content.as_bytes(), STIX);
    assert_eq!(inbox.content_blocks[1].content.kind(), ContentKind::Xml);
}

#[test]
fn subscribe_reports_the_subscription() {
    let (base, requests) = scripted_server(|request| {
        let Message::SubscriptionManagementRequest(r) = request else {
            panic!("{request:?}")
        };
        let mut record = SubscriptionRecord::new("sub-1");
        record.status = Some(match r.action {
            SubscriptionAction::Pause => SubscriptionStatus::Paused,
            _ => SubscriptionStatus::Active,
        });
        SubscriptionManagementResponse::new(
            id(970),
            r.message_id.clone(),
            r.collection_name.clone(),
            vec![record],
        )
        .into()
    });
    let output = taxii(&[
        "subscribe",
        &format!("{base}/cm"),
        "-c",
        "feed",
        "-a",
        "pause",
        "--id",
        "sub-1",
        "--json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(doc["action"], "PAUSE");
    assert_eq!(doc["subscriptions"][0]["subscription_id"], "sub-1");
    assert_eq!(doc["subscriptions"][0]["status"], "PAUSED");
    let (request, _) = requests.recv().unwrap();
    let Message::SubscriptionManagementRequest(sent) = request else {
        panic!("{request:?}")
    };
    assert_eq!(sent.action, SubscriptionAction::Pause);
    assert_eq!(sent.subscription_id.as_deref(), Some("sub-1"));
}

#[test]
fn parse_max_mib_raises_or_lowers_the_message_limit() {
    // One text block of 1.5 MiB: over a 1 MiB limit, under the 20 MiB default.
    let text = "x".repeat(3 << 19);
    let xml = format!(
        "<taxii_11:Poll_Response xmlns:taxii_11=\"http://taxii.mitre.org/messages/taxii_xml_binding-1.1\" message_id=\"2\" in_response_to=\"1\" collection_name=\"c\"><taxii_11:Content_Block><taxii_11:Content_Binding binding_id=\"urn:x\"/><taxii_11:Content>{text}</taxii_11:Content></taxii_11:Content_Block></taxii_11:Poll_Response>"
    );
    let dir = Scratch::new("taxii-cli-max-mib");
    let path = dir.join("poll-response.xml");
    std::fs::write(&path, &xml).unwrap();
    let file = path.to_str().unwrap();
    let default = taxii(&["parse", "--summary", file]);
    assert_eq!(default.status.code(), Some(0), "{}", stderr(&default));
    assert!(
        String::from_utf8_lossy(&default.stdout).contains("content_blocks=1 content_bytes=1572864")
    );
    // Over the lowered limit the message is refused (exit 1); above the cap, the option (exit 2).
    for (mib, code, reason) in [("1", 1, "MessageBytes"), ("101", 2, "--max-mib 101")] {
        let refused = taxii(&["parse", "--summary", "--max-mib", mib, file]);
        assert_eq!(refused.status.code(), Some(code), "--max-mib {mib}");
        assert!(stderr(&refused).contains(reason), "{}", stderr(&refused));
    }
}
