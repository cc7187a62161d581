//! Any bytes into the TAXII 1.x message reader; every message it accepts must survive
//! write-then-read unchanged in the version it was read in.
//!
//! Properties checked:
//! - `Message::from_bytes` never panics (it returns a typed error instead);
//! - for an accepted message, `to_xml(parsed.version)` either succeeds or refuses with
//!   `NotRepresentable` / `InvalidField` (anything else is a bug);
//! - the written XML parses again, as the same version, to an equal message.

#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use taxii1_core::{Error, Limits, Message};

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let Ok(first) = Message::from_bytes(Bytes::copy_from_slice(data), &limits) else {
        return;
    };
    let xml = match first.message.to_xml(first.version) {
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
    let second = match Message::from_bytes(Bytes::from(xml.clone()), &limits) {
        Ok(second) => second,
        Err(err) => panic!(
            "re-reading our own XML failed: {err:?}\n--- written XML ---\n{}",
            String::from_utf8_lossy(&xml)
        ),
    };
    assert_eq!(
        first,
        second,
        "write-then-read changed the message\n--- written XML ---\n{}",
        String::from_utf8_lossy(&xml)
    );
});
