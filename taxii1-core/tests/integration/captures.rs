//! Replay of the captured cabby 0.1.23 <-> OpenTAXII 0.9.3 exchanges (read from
//! `../shared/peers/taxii/captures`, skipped with a reason when absent):
//! (a) our `Server::parse_request` accepts every request cabby sent and rejects the hand-built
//!     bad ones (47-59) as recorded here, each difference from OpenTAXII's answer explained;
//! (b) our `Client::parse_response` reads every response with a TAXII body (leniently only where
//!     OpenTAXII is known to deviate from the schema) and reports the others as HTTP problems;
//! (c) for every request cabby sent, our `Client` builds one with the same method, path,
//!     TAXII/Content-Type/Accept/Authorization headers and a body that parses to the same
//!     message (message id aside).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use http::{Request, Response};
use taxii1_core::binding::Credentials;
use taxii1_core::binding::client::Client;
use taxii1_core::binding::server::Server;
use taxii1_core::message::*;
use taxii1_core::{Error, Limits, Message, Version};

const EXCHANGES: usize = 51;

fn captures_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/peers/taxii/captures");
    if dir.join("INDEX.md").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "skipping: {} is absent (the captures live in the shared reference material)",
            dir.display()
        );
        None
    }
}

/// One HTTP message from a capture: first line, headers in order, body cut to Content-Length.
struct Raw {
    first_line: String,
    headers: Vec<(String, String)>,
    body: Bytes,
}

impl Raw {
    fn read(path: &Path) -> Self {
        let bytes = std::fs::read(path).unwrap();
        let split = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("{}: no end of head", path.display()));
        let head = std::str::from_utf8(&bytes[..split]).unwrap();
        let mut lines = head.split("\r\n");
        let first_line = lines.next().unwrap().to_owned();
        let headers: Vec<(String, String)> = lines
            .map(|line| {
                let (name, value) = line.split_once(':').unwrap();
                (name.trim().to_owned(), value.trim().to_owned())
            })
            .collect();
        let mut body = bytes[split + 4..].to_vec();
        let declared = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .map(|(_, v)| v.parse::<usize>().unwrap());
        if let Some(length) = declared {
            assert!(
                body.len() >= length,
                "{}: body shorter than Content-Length",
                path.display()
            );
            body.truncate(length);
        }
        Self {
            first_line,
            headers,
            body: Bytes::from(body),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn request(&self) -> Request<Bytes> {
        let mut parts = self.first_line.split(' ');
        let method = parts.next().unwrap();
        let path = parts.next().unwrap();
        let mut builder = Request::builder().method(method).uri(path);
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder.body(self.body.clone()).unwrap()
    }

    fn response(&self) -> Response<Bytes> {
        let code: u16 = self.first_line.split(' ').nth(1).unwrap().parse().unwrap();
        let mut builder = Response::builder().status(code);
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder.body(self.body.clone()).unwrap()
    }

    fn status_code(&self) -> u16 {
        self.first_line.split(' ').nth(1).unwrap().parse().unwrap()
    }
}

struct Exchange {
    name: String,
    request: Raw,
    response: Raw,
}

impl Exchange {
    fn number(&self) -> u32 {
        self.name[..2].parse().unwrap()
    }

    /// Whether cabby (CLI or Python API) sent it; 47-59 were hand-built with a raw sender.
    fn sent_by_cabby(&self) -> bool {
        self.request.header("User-Agent") == Some("Cabby 0.1.23")
    }
}

fn exchanges(dir: &Path) -> Vec<Exchange> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".request.http").map(str::to_owned))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| Exchange {
            request: Raw::read(&dir.join(format!("{name}.request.http"))),
            response: Raw::read(&dir.join(format!("{name}.response.http"))),
            name,
        })
        .collect()
}

/// How a request fares: accepted, refused with an HTTP status, or refused with a TAXII status.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Accepted,
    Http(u16),
    Status(String),
}

/// What our binding does with each hand-built request, and why it differs from OpenTAXII's
/// answer where it does (`None`: same answer).
fn expected_rejection(number: u32) -> (Outcome, Option<&'static str>) {
    let status = |s: &str| Outcome::Status(s.to_owned());
    match number {
        47 | 48 | 58 => (status("BAD_MESSAGE"), None),
        49 => (
            status("BAD_MESSAGE"),
            Some("a missing required header makes a bad message (OpenTAXII: FAILURE)"),
        ),
        50 => (
            status("UNSUPPORTED_MESSAGE"),
            Some(
                "no message binding named: UNSUPPORTED_MESSAGE with SUPPORTED_BINDING details (OpenTAXII: FAILURE)",
            ),
        ),
        51 => (Outcome::Http(406), None),
        52 => (Outcome::Http(405), None),
        53 => (
            Outcome::Http(405),
            Some(
                "the binding takes POST only; answering OPTIONS is the application's choice (taxii-server does)",
            ),
        ),
        54 => (
            Outcome::Accepted,
            Some(
                "paths are the application's routing, not the binding's (taxii-server answers 404)",
            ),
        ),
        55 => (status("UNAUTHORIZED"), None),
        56 => (
            Outcome::Accepted,
            Some("no Accept header means any media type (RFC 9110); OpenTAXII answers 406"),
        ),
        57 => (Outcome::Accepted, None),
        59 => (
            status("BAD_MESSAGE"),
            Some("Content-Type must be application/xml: a bad message (OpenTAXII: FAILURE)"),
        ),
        other => panic!("no expectation for hand-built exchange {other}"),
    }
}

/// OpenTAXII's recorded answer as an [`Outcome`].
fn opentaxii_outcome(exchange: &Exchange) -> Outcome {
    let code = exchange.response.status_code();
    if code != 200 {
        return Outcome::Http(code);
    }
    if exchange.response.body.is_empty() {
        return Outcome::Accepted;
    }
    let parsed = Message::from_bytes(
        exchange.response.body.clone(),
        &Limits::default().with_accept_peer_deviations(true),
    )
    .unwrap();
    match parsed.message {
        Message::StatusMessage(s) if !s.status_type.is_success() => {
            Outcome::Status(s.status_type.to_string())
        }
        _ => Outcome::Accepted,
    }
}

#[test]
fn server_accepts_cabby_requests_and_rejects_bad_ones_as_recorded() {
    let Some(dir) = captures_dir() else { return };
    let all = exchanges(&dir);
    assert_eq!(all.len(), EXCHANGES);
    let server = Server::new();
    let (mut accepted, mut same_as_opentaxii, mut explained) = (0, 0, Vec::new());
    for exchange in &all {
        let ours = match server.parse_request(exchange.request.request(), MessageId::from_u64(1)) {
            Ok(incoming) => {
                let body =
                    Message::from_bytes(exchange.request.body.clone(), &Limits::default()).unwrap();
                assert_eq!(incoming.message, body.message, "{}", exchange.name);
                assert_eq!(incoming.version, body.version, "{}", exchange.name);
                Outcome::Accepted
            }
            Err(rejection) => match &rejection.status {
                Some(status) => Outcome::Status(status.status_type.to_string()),
                None => Outcome::Http(rejection.http_status.as_u16()),
            },
        };
        if exchange.sent_by_cabby() {
            assert_eq!(
                ours,
                Outcome::Accepted,
                "{}: cabby's request",
                exchange.name
            );
            accepted += 1;
            continue;
        }
        let (expected, deviation) = expected_rejection(exchange.number());
        assert_eq!(ours, expected, "{}", exchange.name);
        let theirs = opentaxii_outcome(exchange);
        match deviation {
            None => {
                assert_eq!(ours, theirs, "{}: same answer as OpenTAXII", exchange.name);
                same_as_opentaxii += 1;
            }
            Some(why) => {
                assert_ne!(ours, theirs, "{}: listed as a deviation", exchange.name);
                explained.push(format!(
                    "{}: ours {ours:?}, OpenTAXII {theirs:?}: {why}",
                    exchange.name
                ));
            }
        }
    }
    println!(
        "captures (a): {accepted} cabby requests accepted; hand-built: {same_as_opentaxii} answered as OpenTAXII does, {} differently by design:",
        explained.len()
    );
    for line in &explained {
        println!("  {line}");
    }
    assert_eq!(accepted, 38);
    assert_eq!(accepted + same_as_opentaxii + explained.len(), EXCHANGES);
}

/// Responses OpenTAXII writes against the schema, with the deviation that lets us read them.
const DEVIATING_RESPONSES: &[&str] = &[
    // TAXII 1.0 Feed without Content_Binding for an accept-all collection.
    "31-taxii10-feed-information",
];

#[test]
fn client_reads_every_recorded_response() {
    let Some(dir) = captures_dir() else { return };
    let strict = Client::new(Version::V1_1);
    let lenient =
        Client::new(Version::V1_1).with_limits(Limits::default().with_accept_peer_deviations(true));
    let (mut read, mut lenient_reads, mut http_problems, mut no_taxii_body) = (0, 0, 0, 0);
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for exchange in exchanges(&dir) {
        let name = &exchange.name;
        let response = exchange.response.response();
        let code = exchange.response.status_code();
        if code != 200 {
            let err = strict.parse_response(response).unwrap_err();
            assert!(
                matches!(&err, Error::Http(taxii1_core::error::HttpProblem::Status { code: c, .. }) if *c == code),
                "{name}: {err}"
            );
            http_problems += 1;
            continue;
        }
        if exchange.response.header("X-TAXII-Content-Type").is_none() {
            // The OPTIONS answer: no TAXII body.
            assert!(exchange.response.body.is_empty(), "{name}");
            no_taxii_body += 1;
            continue;
        }
        let parsed = match strict.parse_response(response.clone()) {
            Ok(parsed) => {
                assert!(
                    !DEVIATING_RESPONSES.contains(&name.as_str()),
                    "{name} reads strictly now"
                );
                parsed
            }
            Err(e) => {
                assert!(
                    DEVIATING_RESPONSES.contains(&name.as_str()),
                    "{name}: strict read failed: {e}"
                );
                lenient_reads += 1;
                lenient.parse_response(response).unwrap()
            }
        };
        // Every answer names the request it answers, or "0" when the server could not read it.
        let request_id = Message::from_bytes(exchange.request.body.clone(), &Limits::default())
            .ok()
            .map(|p| p.message.message_id().clone());
        let in_response_to = parsed.message.in_response_to().unwrap();
        assert!(
            in_response_to.as_str() == "0" || Some(in_response_to) == request_id.as_ref(),
            "{name}: in_response_to {in_response_to}"
        );
        *kinds
            .entry(format!("{:?}", parsed.message.kind()))
            .or_default() += 1;
        read += 1;
    }
    println!(
        "captures (b): {read} TAXII responses read ({lenient_reads} leniently), {http_problems} non-200 answers reported as HTTP problems, {no_taxii_body} without a TAXII body; {kinds:?}"
    );
    assert_eq!(lenient_reads, DEVIATING_RESPONSES.len());
    assert_eq!(read + http_problems + no_taxii_body, EXCHANGES);
}

/// The message with another id.
fn with_id(message: &Message, id: MessageId) -> Message {
    let mut message = message.clone();
    match &mut message {
        Message::DiscoveryRequest(m) => m.message_id = id,
        Message::CollectionInformationRequest(m) => m.message_id = id,
        Message::SubscriptionManagementRequest(m) => m.message_id = id,
        Message::PollRequest(m) => m.message_id = id,
        Message::PollFulfillmentRequest(m) => m.message_id = id,
        Message::InboxMessage(m) => m.message_id = id,
        other => panic!("not a request: {other:?}"),
    }
    message
}

#[test]
fn client_builds_the_requests_cabby_sent() {
    let Some(dir) = captures_dir() else { return };
    const COMPARED: [&str; 7] = [
        "Content-Type",
        "Accept",
        "X-TAXII-Content-Type",
        "X-TAXII-Accept",
        "X-TAXII-Services",
        "X-TAXII-Protocol",
        "Authorization",
    ];
    let mut rebuilt = 0;
    for exchange in exchanges(&dir).into_iter().filter(Exchange::sent_by_cabby) {
        let name = &exchange.name;
        let captured = Message::from_bytes(exchange.request.body.clone(), &Limits::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut client = Client::new(captured.version);
        if let Some(value) = exchange.request.header("Authorization") {
            let credentials = Credentials::from_header_value(value).unwrap();
            client = client
                .with_basic_auth(credentials)
                .dangerous_allow_credentials_over_plain_http();
        }
        let path = exchange.request.first_line.split(' ').nth(1).unwrap();
        let host = exchange.request.header("Host").unwrap();
        let url = format!("http://{host}{path}").parse().unwrap();
        let ours = client
            .request(
                &url,
                &with_id(&captured.message, MessageId::from_u64(424_242)),
            )
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(ours.method(), "POST", "{name}");
        assert_eq!(ours.uri().path(), path, "{name}");
        for header in COMPARED {
            assert_eq!(
                ours.headers().get(header).map(|v| v.to_str().unwrap()),
                exchange.request.header(header),
                "{name}: {header}"
            );
        }
        assert_eq!(
            ours.headers()["content-length"],
            ours.body().len().to_string().as_str(),
            "{name}"
        );
        let reparsed = Message::from_bytes(ours.body().clone(), &Limits::default())
            .unwrap_or_else(|e| panic!("{name}: our body: {e}"));
        assert_eq!(reparsed.version, captured.version, "{name}");
        assert_eq!(
            with_id(&reparsed.message, captured.message.message_id().clone()),
            captured.message,
            "{name}: same message apart from the id"
        );
        rebuilt += 1;
    }
    println!(
        "captures (c): {rebuilt} cabby requests rebuilt with the same method, path, headers and message"
    );
    assert_eq!(rebuilt, 38);
}
