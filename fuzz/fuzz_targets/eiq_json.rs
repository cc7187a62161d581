//! Any bytes into the EclecticIQ JSON document reader (package, bare entity or wrapped
//! entity); every document it accepts must survive write-then-read.
//!
//! Properties checked:
//! - `Document::from_json` never panics (it returns a typed error instead);
//! - an accepted document can be written (`to_json`), and the written JSON is read back as an
//!   equal document;
//! - writing that second document gives the same JSON value as the first write (the crate's
//!   canonical rewrites, such as TLP spelling, are applied once and then stable);
//! - `Package::from_json`, which reads without path tracking and reads a failing document a
//!   second time with it, accepts a package exactly when a path-tracking reading of the same
//!   bytes does (`serde_path_to_error`, as the second reading), with an equal result, and
//!   `Document::from_json` reads such a package as that package.

#![no_main]

use eiq_json::{Document, Error, Package};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// The package a path-tracking reading of `data` gives, if any.
fn tracked_package(data: &[u8]) -> Option<Package> {
    let mut deserializer = serde_json::Deserializer::from_slice(data);
    let package: Package = serde_path_to_error::deserialize(&mut deserializer).ok()?;
    deserializer.end().ok()?;
    Some(package)
}

fuzz_target!(|data: &[u8]| {
    let package = Package::from_json(data);
    match (&package, tracked_package(data)) {
        (Ok(untracked), Some(tracked)) => assert_eq!(untracked, &tracked),
        (Ok(_), None) => panic!("accepted a package that a tracked reading refuses"),
        (Err(err @ (Error::Json { .. } | Error::UnsupportedContentType { .. })), Some(_)) => {
            panic!("refused a package that a tracked reading accepts: {err:?}")
        }
        // Limits checked after the parse, or refused by both.
        (Err(_), _) => {}
    }
    let document = Document::from_json(data);
    // Whatever way `Document` chooses its reading (it tries a package first only when the bytes
    // spell `"content-type"`), a package `Package` accepts is that package.
    if let Ok(package) = &package {
        match &document {
            Ok(Document::Package(read)) => assert_eq!(**read, *package),
            other => panic!("a package read as {other:?}"),
        }
    }
    let Ok(first) = document else {
        return;
    };
    let written = match first.to_json() {
        Ok(written) => written,
        Err(err) => panic!("writing an accepted document failed: {err:?}\n{first:?}"),
    };
    let second = match Document::from_json(&written) {
        Ok(second) => second,
        Err(err) => panic!(
            "re-reading our own JSON failed: {err:?}\n--- written ---\n{}",
            String::from_utf8_lossy(&written)
        ),
    };
    let rewritten = match second.to_json() {
        Ok(rewritten) => rewritten,
        Err(err) => panic!("writing the re-read document failed: {err:?}"),
    };
    let first_value: Value = match serde_json::from_slice(&written) {
        Ok(value) => value,
        Err(err) => panic!("the writer produced invalid JSON: {err}"),
    };
    let second_value: Value = match serde_json::from_slice(&rewritten) {
        Ok(value) => value,
        Err(err) => panic!("the writer produced invalid JSON: {err}"),
    };
    assert_eq!(
        first_value,
        second_value,
        "write-read-write changed the JSON\n--- first ---\n{}\n--- second ---\n{}",
        String::from_utf8_lossy(&written),
        String::from_utf8_lossy(&rewritten)
    );
    assert_eq!(
        first,
        second,
        "write-then-read changed the document\n--- written ---\n{}",
        String::from_utf8_lossy(&written)
    );
});
