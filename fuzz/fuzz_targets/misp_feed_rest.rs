//! Any bytes as one of the MISP inputs that are not an event document: a feed's
//! `manifest.json` or `hashes.csv`, or a MISP server's answer to a REST request.
//!
//! Input layout: byte 0 picks the input (`% 3`):
//! - 0: the rest is `manifest.json`;
//! - 1: the rest is `hashes.csv`;
//! - 2: bytes 1..3 are a big-endian HTTP status (values `http` refuses skip the input), the
//!   rest the response body.
//!
//! Properties checked (with small limits, so the size and count checks are reached):
//! - no reader panics;
//! - a manifest that reads is written with `to_json` and reads back equal, and writing it again
//!   gives the same bytes;
//! - every `hashes.csv` line read is a lower-case 32-digit md5 and an event UUID;
//! - every `MispClient::parse_*` answers the same response with a value or a typed error, and
//!   refuses any status outside 2xx unless it is one MISP answers with content (`parse_add_event`
//!   reads a repeated UUID from a 403/404);
//! - a `Push` given the response twice ends: the second answer is never another request.

#![no_main]

use http::{Response, StatusCode};
use libfuzzer_sys::fuzz_target;
use misp_model::feed::{Manifest, parse_hashes};
use misp_model::rest::{AddOutcome, MispClient, Push, PushStep};
use misp_model::{Event, Limits};
use taxii1_core::size::SizeLimit;

/// Small limits, so inputs of fuzzing size reach every limit check.
fn small_limits() -> Limits {
    let size = match SizeLimit::new(16 * 1024) {
        Ok(limit) => limit,
        Err(err) => panic!("16 KiB is under the hard cap: {err:?}"),
    };
    Limits::default()
        .with_max_document_bytes(size)
        .with_max_events(64)
        .with_max_attributes(256)
}

fn manifest(bytes: &[u8], limits: &Limits) {
    let Ok(first) = Manifest::from_json(bytes, limits) else {
        return;
    };
    let written = first.to_json();
    let second = match Manifest::from_json(&written, &Limits::default()) {
        Ok(second) => second,
        Err(err) => panic!(
            "re-reading our own manifest failed: {err:?}\n--- written ---\n{}",
            String::from_utf8_lossy(&written)
        ),
    };
    assert_eq!(first, second, "write-then-read changed the manifest");
    assert_eq!(written, second.to_json(), "writing is not idempotent");
}

fn hashes(bytes: &[u8], limits: &Limits) {
    let Ok(lines) = parse_hashes(bytes, limits) else {
        return;
    };
    for line in &lines {
        assert!(
            line.md5.len() == 32
                && line
                    .md5
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "accepted md5 {:?}",
            line.md5
        );
        assert!(
            misp_model::validate::is_uuid(&line.event_uuid),
            "accepted event uuid {:?}",
            line.event_uuid
        );
    }
}

fn rest(status: u16, body: &[u8], limits: &Limits) {
    let Ok(status) = StatusCode::from_u16(status) else {
        return;
    };
    let Ok(response) = Response::builder().status(status).body(body) else {
        return;
    };
    let client = match MispClient::new(
        "https://misp.example/",
        "0123456789abcdefghijklmnopqrstuvwxyzABCD",
    ) {
        Ok(client) => client.with_limits(limits.clone()),
        Err(err) => panic!("a fixed 40-character key is accepted: {err:?}"),
    };
    let success = status.is_success();
    let accepted_only_on_success = |name: &str, accepted: bool| {
        assert!(
            success || !accepted,
            "{name} accepted a {status} answer: {}",
            String::from_utf8_lossy(body)
        );
    };
    accepted_only_on_success("parse_version", client.parse_version(&response).is_ok());
    accepted_only_on_success("parse_event", client.parse_event(&response).is_ok());
    accepted_only_on_success(
        "parse_event_search",
        client.parse_event_search(&response).is_ok(),
    );
    accepted_only_on_success(
        "parse_attribute_search",
        client.parse_attribute_search(&response).is_ok(),
    );
    accepted_only_on_success(
        "parse_add_attribute",
        client.parse_add_attribute(&response).is_ok(),
    );
    accepted_only_on_success("parse_ack", client.parse_ack(&response).is_ok());
    if let Ok(AddOutcome::Added { .. }) = client.parse_add_event(&response) {
        accepted_only_on_success("parse_add_event", true);
    }

    let event = Event::new("fuzz").with_uuid("8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e");
    let (mut push, _add) = match Push::start(&client, &event) {
        Ok(started) => started,
        Err(err) => panic!("an event with a UUID starts a push: {err:?}"),
    };
    if let Ok(PushStep::Send(_edit)) = push.handle_response(&response)
        && let Ok(PushStep::Send(request)) = push.handle_response(&response)
    {
        panic!("a push asked for a third request: {request:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest_of_input)) = data.split_first() else {
        return;
    };
    let limits = small_limits();
    match selector % 3 {
        0 => manifest(rest_of_input, &limits),
        1 => hashes(rest_of_input, &limits),
        _ => {
            let [high, low, body @ ..] = rest_of_input else {
                return;
            };
            rest(u16::from_be_bytes([*high, *low]), body, &limits);
        }
    }
});
