//! Integration tests of misp-model: the shared corpus, describeTypes, feeds and the REST client.
//!
//! Third-party data is read from `../shared` beside the workspace; when it is absent the tests
//! that need it print why and return.

mod corpus;

use std::path::PathBuf;

/// The shared reference directory, or `None` (with a note on stderr) when it is absent.
pub fn shared_dir(what: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping {what}: {} is absent", dir.display());
        None
    }
}

/// Every `*.json` file below `dir`, sorted.
pub fn json_files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
