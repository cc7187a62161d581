//! Entry points shared by every document type: size check, parse with JSON paths, write.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::limits::Limits;

/// Prefix of messages that carry a path inside a buffered sub-document (an entity's `data`).
const NESTED_PREFIX: &str = "in `";
const NESTED_SEPARATOR: &str = "`: ";

/// A message for an error found inside a buffered sub-document at `inner_path`.
pub(crate) fn nested_message(inner_path: &str, message: &str) -> String {
    format!("{NESTED_PREFIX}{inner_path}{NESTED_SEPARATOR}{message}")
}

/// `inner` (a path as serde_path_to_error writes it, `.` for the root) below `outer`.
pub(crate) fn join_path(outer: &str, inner: &str) -> String {
    match (outer, inner) {
        (_, ".") => outer.to_string(),
        (".", _) => inner.to_string(),
        (_, inner) if inner.starts_with('[') => format!("{outer}{inner}"),
        _ => format!("{outer}.{inner}"),
    }
}

/// Joins an outer path with the inner path a nested message carries.
fn split_nested(outer: &str, message: &str) -> (String, String) {
    let nested = message
        .strip_prefix(NESTED_PREFIX)
        .and_then(|rest| rest.split_once(NESTED_SEPARATOR));
    match nested {
        Some((inner, rest)) => (join_path(outer, inner), rest.to_string()),
        None => (outer.to_string(), message.to_string()),
    }
}

/// serde_json's message without its " at line L column C" suffix.
fn bare_message(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    text.strip_suffix(&suffix)
        .map_or_else(|| text.clone(), str::to_string)
}

fn json_error(path: &str, err: &serde_json::Error) -> Error {
    let (path, message) = split_nested(path, &bare_message(err));
    Error::Json {
        path,
        line: err.line(),
        column: err.column(),
        message,
    }
}

/// Checks the size limit and parses `bytes` as `T`, naming the JSON path on error.
///
/// The parse runs without path tracking, which costs on every member read; only a document
/// that fails is read a second time, with tracking, to name where. Both readings run the same
/// deserialisers on the same bytes, so they fail at the same place (a property test checks
/// that they accept the same documents).
pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8], limits: &Limits) -> Result<T> {
    limits.size().check(bytes.len())?;
    match read_untracked(bytes) {
        Some(value) => Ok(value),
        None => parse_tracked(bytes),
    }
}

/// `bytes` as a `T`, read without path tracking; `None` when they are not one (the caller
/// reads them again to say why).
pub(crate) fn read_untracked<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = T::deserialize(&mut deserializer).ok()?;
    deserializer.end().ok()?;
    Some(value)
}

/// [`parse`] with the path of every member tracked, for the error.
#[cold]
pub(crate) fn parse_tracked<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|err| json_error(&err.path().to_string(), err.inner()))?;
    deserializer.end().map_err(|err| json_error(".", &err))?;
    Ok(value)
}

/// Writes `value` as compact JSON.
pub(crate) fn write<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(|err| Error::Write(err.to_string()))
}

/// Writes `value` as indented JSON.
pub(crate) fn write_pretty<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(value).map_err(|err| Error::Write(err.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reading without path tracking must accept exactly what the tracked one accepts, with
    /// the same value: `parse` trusts it, and reads a document twice only when it fails.
    #[cfg(feature = "proptest")]
    mod untracked_agrees_with_tracked {
        use proptest::prelude::*;
        use serde_json::{Value, json};

        use super::super::{parse_tracked, read_untracked};
        use crate::Package;

        /// Values of every JSON type, a known entity type among them.
        fn replacement() -> impl Strategy<Value = Value> {
            prop::sample::select(vec![
                json!(null),
                json!(true),
                json!(7),
                json!(-1.5),
                json!("x"),
                json!("incident"),
                json!([]),
                json!([{"marking_structures": [{"color": "RED"}]}]),
                json!({}),
                json!({"type": "confidence", "value": "High"}),
            ])
        }

        /// The leaves of `value`: scalars and empty containers.
        fn leaves<'v>(value: &'v mut Value, found: &mut Vec<&'v mut Value>) {
            let is_leaf = match &*value {
                Value::Array(items) => items.is_empty(),
                Value::Object(members) => members.is_empty(),
                _ => true,
            };
            if is_leaf {
                found.push(value);
                return;
            }
            match value {
                Value::Array(items) => items.iter_mut().for_each(|item| leaves(item, found)),
                Value::Object(members) => members
                    .values_mut()
                    .for_each(|member| leaves(member, found)),
                _ => {}
            }
        }

        /// A generated package with one edit: a leaf replaced, or a known member set in an
        /// entity's `data` (added at the end, or replacing one). The members of every `data` are
        /// rotated first, so `type` is not always among the first.
        fn edited_package() -> impl Strategy<Value = Vec<u8>> {
            (
                crate::strategy::package(),
                any::<prop::sample::Index>(),
                replacement(),
                prop::sample::select(vec![
                    "type",
                    "title",
                    "id",
                    "handling",
                    "confidence",
                    "producer",
                    "source",
                    "target",
                    "key",
                    "time",
                    "x_vendor",
                ]),
                0usize..4,
                any::<bool>(),
            )
                .prop_map(|(package, at, value, member, rotate, replace_leaf)| {
                    let mut json = serde_json::to_value(&package).unwrap_or(Value::Null);
                    if let Some(entities) = json.get_mut("entities").and_then(Value::as_array_mut) {
                        for entity in entities.iter_mut() {
                            if let Some(Value::Object(data)) = entity.get_mut("data") {
                                let mut members: Vec<(String, Value)> =
                                    std::mem::take(data).into_iter().collect();
                                let turn = rotate % members.len().max(1);
                                members.rotate_left(turn);
                                data.extend(members);
                            }
                        }
                        if !replace_leaf && !entities.is_empty() {
                            let index = at.index(entities.len());
                            if let Some(Value::Object(data)) =
                                entities.get_mut(index).and_then(|e| e.get_mut("data"))
                            {
                                data.insert(member.to_owned(), value.clone());
                            }
                        }
                    }
                    if replace_leaf {
                        let mut found = Vec::new();
                        leaves(&mut json, &mut found);
                        if !found.is_empty() {
                            let index = at.index(found.len());
                            if let Some(leaf) = found.get_mut(index) {
                                **leaf = value;
                            }
                        }
                    }
                    serde_json::to_vec(&json).unwrap_or_default()
                })
        }

        proptest! {
            #[test]
            fn on_edited_packages(bytes in edited_package()) {
                let untracked = read_untracked::<Package>(&bytes);
                let tracked = parse_tracked::<Package>(&bytes);
                match (untracked, tracked) {
                    (Some(untracked), Ok(tracked)) => prop_assert_eq!(untracked, tracked),
                    (None, Err(_)) => {}
                    (untracked, tracked) => prop_assert!(
                        false,
                        "untracked {:?}, tracked {:?}",
                        untracked.is_some(),
                        tracked.map(|_| ())
                    ),
                }
            }
        }
    }

    #[test]
    fn nested_paths_are_joined() {
        assert_eq!(
            split_nested("entities[2].data", "in `source`: invalid type"),
            (
                "entities[2].data.source".to_string(),
                "invalid type".to_string()
            )
        );
        assert_eq!(
            split_nested("data", "in `.`: missing field `source`"),
            ("data".to_string(), "missing field `source`".to_string())
        );
        assert_eq!(
            split_nested(".", "in `handling[0]`: bad"),
            ("handling[0]".to_string(), "bad".to_string())
        );
        assert_eq!(
            split_nested("entities[0]", "plain message"),
            ("entities[0]".to_string(), "plain message".to_string())
        );
    }
}
