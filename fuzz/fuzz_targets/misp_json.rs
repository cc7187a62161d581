//! Any bytes into the MISP reader for every top-level form (`Document::from_json`); every
//! document it accepts must survive write-then-read.
//!
//! Properties checked:
//! - `Document::from_json` never panics (it returns a typed error instead);
//! - the normalised JSON it writes (`to_json`) is read back as an equal document, in the same
//!   form;
//! - writing is idempotent: the second write is byte-for-byte the first.

#![no_main]

use libfuzzer_sys::fuzz_target;
use misp_model::Document;

fuzz_target!(|data: &[u8]| {
    let Ok(first) = Document::from_json(data) else {
        return;
    };
    let written = first.to_json();
    let second = match Document::from_json(&written) {
        Ok(second) => second,
        Err(err) => panic!(
            "re-reading our own JSON failed: {err:?}\n--- written ---\n{}",
            String::from_utf8_lossy(&written)
        ),
    };
    assert_eq!(
        first,
        second,
        "write-then-read changed the document\n--- written ---\n{}",
        String::from_utf8_lossy(&written)
    );
    let rewritten = second.to_json();
    assert_eq!(
        String::from_utf8_lossy(&written),
        String::from_utf8_lossy(&rewritten),
        "writing is not idempotent"
    );
});
