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

/// Joins an outer path with the inner path a nested message carries.
fn split_nested(outer: &str, message: &str) -> (String, String) {
    let nested = message
        .strip_prefix(NESTED_PREFIX)
        .and_then(|rest| rest.split_once(NESTED_SEPARATOR));
    match nested {
        Some((inner, rest)) => {
            let path = match (outer, inner) {
                (_, ".") => outer.to_string(),
                (".", _) => inner.to_string(),
                (_, inner) if inner.starts_with('[') => format!("{outer}{inner}"),
                _ => format!("{outer}.{inner}"),
            };
            (path, rest.to_string())
        }
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
pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8], limits: &Limits) -> Result<T> {
    limits.size().check(bytes.len())?;
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
