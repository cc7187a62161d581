//! Every real event in the shared corpus parses and round-trips without loss.

use misp_model::{Document, Error};
use serde_json::Value;

use crate::{json_files, shared_dir};

/// Files that are not event documents (PyMISP fragments, a sharing-group list): the typed error
/// each must give.
fn expected_failure(name: &str) -> Option<(&'static str, &'static str)> {
    match name {
        // (path, missing field)
        "mispevent_testfiles__galaxy.json"
        | "mispevent_testfiles__sighting.json"
        | "mispevent_testfiles__simple.json"
        | "mispevent_testfiles__event_obj_attr_tag.json"
        | "mispevent_testfiles__event_obj_def_param.json" => Some(("", "info")),
        "sharing_groups.json" => Some(("[0]", "info")),
        _ => None,
    }
}

const FLAG_KEYS: &[&str] = &[
    "to_ids",
    "published",
    "deleted",
    "disable_correlation",
    "locked",
    "proposal_email_lock",
    "exportable",
    "hide_tag",
    "proposal_to_delete",
    "default",
];

/// The documented normalisation of a write: integers become strings (MISP's spelling) and flags
/// given as `"0"`/`"1"` become booleans.
fn normalise(value: &Value, key: Option<&str>) -> Value {
    match value {
        Value::Number(n) if key.is_none_or(|k| k != "local") => Value::String(n.to_string()),
        Value::String(s)
            if key.is_some_and(|k| FLAG_KEYS.contains(&k)) && (s == "0" || s == "1") =>
        {
            Value::Bool(s == "1")
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| normalise(v, key)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), normalise(v, Some(k))))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The event objects of a document's JSON, unwrapped from `{"Event":…}`.
fn event_values(value: &Value) -> Vec<Value> {
    fn unwrap(v: &Value) -> Value {
        match v {
            Value::Object(m) if m.len() == 1 && m.contains_key("Event") => m["Event"].clone(),
            other => other.clone(),
        }
    }
    match value {
        Value::Array(items) => items.iter().map(unwrap).collect(),
        Value::Object(m) if m.contains_key("response") => match &m["response"] {
            Value::Array(items) => items.iter().map(unwrap).collect(),
            other => vec![other.clone()],
        },
        other => vec![unwrap(other)],
    }
}

#[test]
fn every_corpus_document_parses_and_round_trips() {
    let Some(shared) = shared_dir("corpus round trip") else {
        return;
    };
    let mut files = json_files(&shared.join("corpus/misp/events"));
    files.extend(
        json_files(&shared.join("corpus/misp/feeds"))
            .into_iter()
            .filter(|p| !p.ends_with("manifest.json")),
    );
    files.extend(
        json_files(&shared.join("peers/misp/pymisp-feed-output"))
            .into_iter()
            .filter(|p| !p.ends_with("manifest.json")),
    );
    assert!(files.len() >= 40, "only {} corpus files", files.len());
    let mut round_tripped = 0;
    for path in &files {
        let name = path.file_name().unwrap().to_str().unwrap();
        let bytes = std::fs::read(path).unwrap();
        let parsed = Document::from_json(&bytes);
        if let Some((want_path, want_field)) = expected_failure(name) {
            match parsed {
                Err(Error::MissingField { path, field }) => {
                    assert_eq!((path.as_str(), field), (want_path, want_field), "{name}");
                }
                other => panic!("{name}: expected a missing-field error, got {other:?}"),
            }
            continue;
        }
        let doc = parsed.unwrap_or_else(|e| panic!("{name}: {e}"));
        let written = doc.to_json();
        let reparsed =
            Document::from_json(&written).unwrap_or_else(|e| panic!("{name} rewritten: {e}"));
        assert_eq!(reparsed, doc, "{name}: model changed on a round trip");
        let original: Value = serde_json::from_slice(&bytes).unwrap();
        let ours: Value = serde_json::from_slice(&written).unwrap();
        let want = event_values(&normalise(&original, None));
        let got = event_values(&normalise(&ours, None));
        assert_eq!(got.len(), want.len(), "{name}");
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            if let Some(diff) = crate::first_diff(g, w, "") {
                panic!("{name}: element {i} differs after a round trip: {diff}");
            }
        }
        round_tripped += 1;
    }
    eprintln!("{round_tripped} corpus documents round-tripped");
    assert!(round_tripped >= 35);
}
