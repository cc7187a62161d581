//! Any bytes as an HTTP exchange with the TAXII 1.x HTTP binding: the client reading a
//! response (status, headers, body limits), a poll session consuming what it read, and the
//! server reading the same parts as a request.
//!
//! Input layout:
//! - bytes 0..2: big-endian `u16`; the low 15 bits are the response status (values `http`
//!   refuses skip the response half), the top bit picks the request method (`GET` when set,
//!   else `POST`);
//! - then up to 16 header lines `name: value` (`\n` or `\r\n`), ended by an empty line (no
//!   empty line: everything is headers and the body is empty); a name or value `http`
//!   refuses skips the input;
//! - the rest: the body.
//!
//! Properties checked:
//! - `Client::parse_response`, `Client::expect::<PollResponse>`, `PollSession::handle_response`
//!   and `Server::parse_request` never panic (small limits, so the size checks are reached);
//! - `expect::<PollResponse>` agrees with `parse_response`: a `Poll_Response` answering
//!   message 1 is returned as it was parsed, anything else is refused;
//! - an accepted response or request is written with `to_xml(version)` (only
//!   `NotRepresentable`/`InvalidField` may refuse) and reads back equal;
//! - a poll session that accepted a part is finished exactly when no more parts follow; after
//!   a `PENDING` status it asks for part 1 of the result it was given;
//! - a request is never accepted as a response message; a `Rejection` is either HTTP 200 with
//!   a status message that says what went wrong, or 405/406 without one.

#![no_main]

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method, Request, Response, StatusCode};
use libfuzzer_sys::fuzz_target;
use taxii1_core::binding::client::Client;
use taxii1_core::binding::poll::{PollEvent, PollSession};
use taxii1_core::binding::server::{Rejection, Server};
use taxii1_core::message::{MessageId, PollRequest, PollResponse};
use taxii1_core::size::SizeLimit;
use taxii1_core::{Error, Limits, Message, Version};

/// Header lines read before the body; more lines are treated as the body.
const MAX_HEADER_LINES: usize = 16;

/// Result parts a fuzzed poll session may follow.
const MAX_PARTS: usize = 3;

/// Small limits, so inputs of fuzzing size reach every limit check.
fn small_limits() -> Limits {
    let max_message = match SizeLimit::new(16 * 1024) {
        Ok(limit) => limit,
        Err(err) => panic!("16 KiB is under the hard cap: {err:?}"),
    };
    Limits::default()
        .with_max_message(max_message)
        .with_max_depth(16)
        .with_max_attributes(16)
        .with_max_text_bytes(4096)
        .with_max_content_blocks(8)
        .with_max_list_items(32)
        .with_max_result_parts(MAX_PARTS)
}

/// The input split into its parts; `None` when `http` refuses a header.
struct Exchange {
    status: u16,
    method: Method,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
}

fn split(data: &[u8]) -> Option<Exchange> {
    let (head, mut rest) = data.split_at_checked(2)?;
    let raw = u16::from_be_bytes([*head.first()?, *head.get(1)?]);
    let method = if raw & 0x8000 != 0 {
        Method::GET
    } else {
        Method::POST
    };
    let mut headers = Vec::new();
    let mut body = &[][..];
    let mut ended = false;
    for _ in 0..MAX_HEADER_LINES {
        let (line, after) = match rest.iter().position(|&b| b == b'\n') {
            Some(at) => (rest.get(..at)?, rest.get(at + 1..)?),
            None => (rest, &[][..]),
        };
        rest = after;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            ended = true;
            break;
        }
        let colon = line.iter().position(|&b| b == b':')?;
        let name = HeaderName::from_bytes(line.get(..colon)?).ok()?;
        let value = HeaderValue::from_bytes(line.get(colon + 1..)?.trim_ascii()).ok()?;
        headers.push((name, value));
        if rest.is_empty() {
            break;
        }
    }
    if ended || !rest.is_empty() {
        body = rest;
    }
    Some(Exchange {
        status: raw & 0x7fff,
        method,
        headers,
        body: Bytes::copy_from_slice(body),
    })
}

/// Writes `message` as `version` and checks it reads back equal.
fn round_trip(message: &Message, version: Version) {
    let xml = match message.to_xml(version) {
        Ok(xml) => xml,
        Err(Error::NotRepresentable { version, field }) => {
            eprintln!("to_xml refused: NotRepresentable {field} in TAXII {version}");
            return;
        }
        Err(Error::InvalidField { field, reason }) => {
            eprintln!("to_xml refused: InvalidField {field}: {reason}");
            return;
        }
        Err(other) => panic!("to_xml failed with an unexpected error: {other:?}"),
    };
    let again = match Message::from_bytes(Bytes::from(xml.clone()), &Limits::default()) {
        Ok(again) => again,
        Err(err) => panic!(
            "re-reading our own XML failed: {err:?}\n--- written XML ---\n{}",
            String::from_utf8_lossy(&xml)
        ),
    };
    assert_eq!(
        again.version, version,
        "written as {version}, read back as another version"
    );
    assert_eq!(
        &again.message,
        message,
        "write-then-read changed the message\n--- written XML ---\n{}",
        String::from_utf8_lossy(&xml)
    );
}

fn response(exchange: &Exchange) -> Option<Response<Bytes>> {
    let status = StatusCode::from_u16(exchange.status).ok()?;
    let mut builder = Response::builder().status(status);
    for (name, value) in &exchange.headers {
        builder = builder.header(name, value);
    }
    builder.body(exchange.body.clone()).ok()
}

fn request(exchange: &Exchange) -> Option<Request<Bytes>> {
    let mut builder = Request::builder()
        .method(exchange.method.clone())
        .uri("/services/poll");
    for (name, value) in &exchange.headers {
        builder = builder.header(name, value);
    }
    builder.body(exchange.body.clone()).ok()
}

fn check_client(exchange: &Exchange, limits: &Limits) {
    let Some(first) = response(exchange) else {
        return;
    };
    let client = Client::new(Version::V1_1).with_limits(limits.clone());
    let request_id = MessageId::from_u64(1);
    let parsed = client.parse_response(first);
    let expected = response(exchange).map(|r| client.expect::<PollResponse>(r, &request_id));
    let Ok(parsed) = parsed else {
        if let Some(Ok(poll)) = expected {
            panic!("expect accepted what parse_response refused: {poll:?}");
        }
        return;
    };
    round_trip(&parsed.message, parsed.version);
    match (&parsed.message, expected) {
        (Message::PollResponse(parsed_poll), Some(Ok(poll))) => {
            assert_eq!(parsed_poll, &poll, "expect returned another Poll_Response");
        }
        (Message::PollResponse(parsed_poll), Some(Err(err))) => {
            assert_ne!(
                parsed_poll.in_response_to, request_id,
                "expect refused a Poll_Response answering message 1: {err:?}"
            );
        }
        (other, Some(Ok(poll))) => {
            panic!("expect returned {poll:?} from a {:?}", other.kind());
        }
        (_, _) => {}
    }
    check_poll_session(parsed.message, parsed.version);
}

fn check_poll_session(message: Message, version: Version) {
    let collection = match &message {
        Message::PollResponse(poll) => poll.collection_name.clone(),
        _ => "feed".to_owned(),
    };
    let mut session = PollSession::new(
        PollRequest::new(MessageId::from_u64(1), collection),
        version,
        MAX_PARTS,
    );
    match session.poll_transmit(MessageId::from_u64(2)) {
        Some(Message::PollRequest(request)) => {
            assert_eq!(request.message_id, MessageId::from_u64(1));
        }
        other => panic!("a new session sent {other:?} instead of its poll request"),
    }
    match session.handle_response(message) {
        Ok(PollEvent::Part { more, .. }) => {
            assert_eq!(
                session.is_finished(),
                !more,
                "finished must mean no more parts (more = {more})"
            );
            assert_eq!(session.parts_received(), 1);
            if more {
                match session.poll_transmit(MessageId::from_u64(3)) {
                    Some(Message::PollFulfillmentRequest(fulfil)) => {
                        assert_eq!(fulfil.message_id, MessageId::from_u64(3));
                    }
                    other => panic!("more parts follow, but the session sent {other:?}"),
                }
            }
        }
        Ok(PollEvent::Pending { .. }) => {
            assert!(!session.is_finished(), "PENDING finished the session");
            match session.poll_transmit(MessageId::from_u64(3)) {
                Some(Message::PollFulfillmentRequest(fulfil)) => {
                    assert_eq!(
                        fulfil.result_part_number.map(std::num::NonZeroU64::get),
                        Some(1),
                        "after PENDING the session must ask for part 1"
                    );
                }
                other => panic!("after PENDING the session sent {other:?}"),
            }
        }
        Ok(other) => eprintln!("new poll event: {other:?}"),
        Err(_) => {}
    }
}

fn check_rejection(rejection: &Rejection, server: &Server) {
    match (rejection.http_status.as_u16(), &rejection.status) {
        (200, Some(status)) => {
            assert!(
                status
                    .message
                    .as_deref()
                    .is_some_and(|m| !m.trim().is_empty()),
                "a status rejection without a message: {status:?}"
            );
        }
        (405 | 406, None) => {}
        (code, status) => panic!("rejection with HTTP {code} and status {status:?}"),
    }
    match server.rejection_response(rejection) {
        Ok(answer) => assert_eq!(answer.status(), rejection.http_status),
        Err(Error::NotRepresentable { version, field }) => {
            eprintln!("rejection_response refused: NotRepresentable {field} in TAXII {version}");
        }
        Err(other) => panic!("rejection_response failed: {other:?}"),
    }
}

fn check_server(exchange: &Exchange, limits: &Limits) {
    let Some(request) = request(exchange) else {
        return;
    };
    let server = Server::new().with_limits(limits.clone());
    match server.parse_request(request, MessageId::from_u64(100)) {
        Ok(incoming) => {
            assert_eq!(
                exchange.method,
                Method::POST,
                "accepted a {} request",
                exchange.method
            );
            assert!(
                !incoming.message.kind().is_response(),
                "accepted a {:?} as a request",
                incoming.message.kind()
            );
            round_trip(&incoming.message, incoming.version);
        }
        Err(rejection) => check_rejection(&rejection, &server),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(exchange) = split(data) else {
        return;
    };
    let limits = small_limits();
    check_client(&exchange, &limits);
    check_server(&exchange, &limits);
});
