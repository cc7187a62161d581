//! Any bytes into the TAXII 1.x message reader; every message it accepts must survive
//! write-then-read unchanged in the version it was read in.
//!
//! Properties checked:
//! - `Message::from_bytes` never panics (it returns a typed error instead);
//! - for an accepted message, `to_xml(parsed.version)` either succeeds or refuses with
//!   `NotRepresentable` / `InvalidField` (anything else is a bug);
//! - the written XML parses again, as the same version, to an equal message;
//! - with `accept_peer_deviations` on (lenient), the reader accepts everything the strict one
//!   does, as the same message, and a lenient-only message is written as above or refused;
//! - under small limits (depth, attributes, text, lists, 16 KiB), a message is either refused
//!   or read exactly as under the defaults: a limit refuses, it never changes what is read.

#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use taxii1_core::{Error, Limits, Message, Parsed};

/// Writes `read` in its version and reads it back under `limits`, unless the writer
/// refuses it in a way the model allows (printed, not a failure).
fn round_trip(read: &Parsed, limits: &Limits) {
    let xml = match read.message.to_xml(read.version) {
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
    let second = match Message::from_bytes(Bytes::from(xml.clone()), limits) {
        Ok(second) => second,
        Err(err) => panic!(
            "re-reading our own XML failed: {err:?}\n--- written XML ---\n{}",
            String::from_utf8_lossy(&xml)
        ),
    };
    assert_eq!(
        *read,
        second,
        "write-then-read changed the message\n--- written XML ---\n{}",
        String::from_utf8_lossy(&xml)
    );
}

fuzz_target!(|data: &[u8]| {
    let input = Bytes::copy_from_slice(data);
    let strict = Limits::default();
    let lenient = Limits::default().with_accept_peer_deviations(true);
    let first = Message::from_bytes(input.clone(), &strict);
    let relaxed = Message::from_bytes(input.clone(), &lenient);
    match (&first, &relaxed) {
        (Ok(first), Ok(relaxed)) => {
            assert_eq!(first, relaxed, "lenient reading changed a strict message");
            round_trip(first, &strict);
        }
        (Ok(_), Err(err)) => panic!("lenient reading refused a strict message: {err:?}"),
        (Err(_), Ok(relaxed)) => round_trip(relaxed, &lenient),
        (Err(_), Err(_)) => {}
    }
    let small = match Limits::default().with_max_message_bytes(16 * 1024) {
        Ok(limits) => limits,
        Err(err) => panic!("16 KiB is under the hard cap: {err:?}"),
    }
    .with_max_depth(8)
    .with_max_attributes(8)
    .with_max_text_bytes(256)
    .with_max_content_blocks(4)
    .with_max_list_items(4);
    if let Ok(small) = Message::from_bytes(input, &small) {
        match &first {
            Ok(first) => assert_eq!(*first, small, "small limits changed what was read"),
            Err(err) => panic!("small limits accepted what the defaults refuse: {err:?}"),
        }
    }
});
