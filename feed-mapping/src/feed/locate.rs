//! Finding the line and column of a field in the feed file's text, so that errors found after
//! parsing (duplicate names, bad URLs, missing secrets) still point at the right line.
//!
//! TOML keeps spans in its parse tree; for JSON a small scanner walks the (already validated)
//! text. When the field itself is absent, the position of its closest enclosing value is used.

use std::fmt;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    /// A key in a table / object.
    Key(String),
    /// An index in an array.
    Index(usize),
}

/// A field path such as `outgoing[0].taxii.version`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FieldPath(Vec<Segment>);

impl FieldPath {
    /// This path extended by `key`.
    pub(crate) fn key(&self, key: &str) -> Self {
        let mut segments = self.0.clone();
        segments.push(Segment::Key(key.to_owned()));
        Self(segments)
    }

    /// This path extended by `index`.
    pub(crate) fn index(&self, index: usize) -> Self {
        let mut segments = self.0.clone();
        segments.push(Segment::Index(index));
        Self(segments)
    }

    /// The steps.
    pub(crate) fn segments(&self) -> &[Segment] {
        &self.0
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(key) if position == 0 => f.write_str(key)?,
                Segment::Key(key) => write!(f, ".{key}")?,
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end = end.saturating_sub(1);
    }
    let before = text.get(..end).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let column = before.get(line_start..).unwrap_or_default().chars().count() + 1;
    (line, column)
}

/// Byte offset in `text` of a serde_json error position: its `line` is 1-based and its
/// `column` counts bytes (1-based, 0 right after a line break), so it is not yet the
/// characters [`line_column`] counts.
pub(crate) fn json_error_offset(text: &str, line: usize, byte_column: usize) -> usize {
    let line_start = match line.checked_sub(2) {
        None => 0,
        Some(breaks_before) => text
            .match_indices('\n')
            .nth(breaks_before)
            .map_or(text.len(), |(newline, _)| newline + 1),
    };
    line_start.saturating_add(byte_column.saturating_sub(1))
}

/// Byte offset of the deepest part of `path` found in a parsed TOML document.
pub(crate) fn toml_offset(root: &Spanned<DeTable<'_>>, path: &FieldPath) -> usize {
    let mut best = root.span().start;
    let mut table: Option<&DeTable<'_>> = Some(root.get_ref());
    let mut array: Option<&[Spanned<DeValue<'_>>]> = None;
    for segment in path.segments() {
        let found = match segment {
            Segment::Key(key) => table.and_then(|table| {
                table
                    .iter()
                    .find(|(name, _)| name.get_ref() == key)
                    .map(|(name, value)| (name.span().start, value))
            }),
            Segment::Index(index) => array
                .and_then(|items| items.get(*index))
                .map(|value| (value.span().start, value)),
        };
        let Some((offset, value)) = found else { break };
        best = offset;
        table = value.get_ref().as_table();
        array = value.get_ref().as_array().map(AsRef::as_ref);
    }
    best
}

/// Byte offset of the deepest part of `path` found in a JSON document that already parsed.
pub(crate) fn json_offset(text: &str, path: &FieldPath) -> usize {
    let bytes = text.as_bytes();
    let mut position = skip_whitespace(bytes, 0);
    let mut best = position;
    for segment in path.segments() {
        let found = match segment {
            Segment::Key(key) => find_key(text, position, key),
            Segment::Index(index) => find_index(bytes, position, *index),
        };
        let Some((report_at, value_at)) = found else {
            break;
        };
        best = report_at;
        position = value_at;
    }
    best
}

fn skip_whitespace(bytes: &[u8], mut position: usize) -> usize {
    while bytes
        .get(position)
        .is_some_and(|byte| byte.is_ascii_whitespace())
    {
        position += 1;
    }
    position
}

/// The position just after the string starting at `position` (which holds `"`).
fn skip_string(bytes: &[u8], position: usize) -> usize {
    let mut cursor = position + 1;
    while let Some(byte) = bytes.get(cursor) {
        match byte {
            b'\\' => cursor += 2,
            b'"' => return cursor + 1,
            _ => cursor += 1,
        }
    }
    bytes.len()
}

/// The position just after the value starting at `position`.
fn skip_value(bytes: &[u8], position: usize) -> usize {
    match bytes.get(position) {
        Some(b'"') => skip_string(bytes, position),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut cursor = position;
            while let Some(byte) = bytes.get(cursor) {
                match byte {
                    b'"' => {
                        cursor = skip_string(bytes, cursor);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return cursor + 1;
                        }
                    }
                    _ => {}
                }
                cursor += 1;
            }
            bytes.len()
        }
        Some(_) => {
            let mut cursor = position;
            while bytes.get(cursor).is_some_and(|byte| {
                !matches!(byte, b',' | b'}' | b']') && !byte.is_ascii_whitespace()
            }) {
                cursor += 1;
            }
            cursor
        }
        None => position,
    }
}

/// In the object at `position`: (offset of `key`, offset of its value).
fn find_key(text: &str, position: usize, key: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    if bytes.get(position) != Some(&b'{') {
        return None;
    }
    let mut cursor = position + 1;
    loop {
        cursor = skip_whitespace(bytes, cursor);
        if bytes.get(cursor) != Some(&b'"') {
            return None;
        }
        let key_start = cursor;
        cursor = skip_string(bytes, cursor);
        let name: Option<String> = text
            .get(key_start..cursor)
            .and_then(|raw| serde_json::from_str(raw).ok());
        cursor = skip_whitespace(bytes, cursor);
        if bytes.get(cursor) != Some(&b':') {
            return None;
        }
        let value_start = skip_whitespace(bytes, cursor + 1);
        if name.as_deref() == Some(key) {
            return Some((key_start, value_start));
        }
        cursor = skip_whitespace(bytes, skip_value(bytes, value_start));
        if bytes.get(cursor) != Some(&b',') {
            return None;
        }
        cursor += 1;
    }
}

/// In the array at `position`: (offset of item `index`, the same offset).
fn find_index(bytes: &[u8], position: usize, index: usize) -> Option<(usize, usize)> {
    if bytes.get(position) != Some(&b'[') {
        return None;
    }
    let mut cursor = skip_whitespace(bytes, position + 1);
    for _ in 0..index {
        if matches!(bytes.get(cursor), None | Some(b']')) {
            return None;
        }
        cursor = skip_whitespace(bytes, skip_value(bytes, cursor));
        if bytes.get(cursor) != Some(&b',') {
            return None;
        }
        cursor = skip_whitespace(bytes, cursor + 1);
    }
    match bytes.get(cursor) {
        None | Some(b']') => None,
        Some(_) => Some((cursor, cursor)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str) -> FieldPath {
        let mut path = FieldPath::default();
        for part in text.split('.') {
            if let Some((key, index)) = part.split_once('[') {
                path = path
                    .key(key)
                    .index(index.trim_end_matches(']').parse().unwrap());
            } else {
                path = path.key(part);
            }
        }
        path
    }

    fn json_line_column(text: &str, field: &str) -> (usize, usize) {
        line_column(text, json_offset(text, &path(field)))
    }

    fn toml_line_column(text: &str, field: &str) -> (usize, usize) {
        let root = DeTable::parse(text).unwrap();
        line_column(text, toml_offset(&root, &path(field)))
    }

    #[test]
    fn paths_display_like_serde_path_to_error() {
        assert_eq!(
            path("outgoing[1].taxii.version").to_string(),
            "outgoing[1].taxii.version"
        );
        assert_eq!(FieldPath::default().to_string(), "");
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("ab\ncd", 0), (1, 1));
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("\u{e9}x", 2), (1, 2));
        assert_eq!(line_column("\u{e9}x", 1), (1, 1));
        assert_eq!(line_column("ab", 99), (1, 3));
    }

    #[test]
    fn json_fields_are_found() {
        let text = "{\n  \"a\": {\"x\": [1, {\"y\": \"}\"}]},\n  \"b\\u0062\": [\n    {\"n\": 1},\n    {\"n\": \"[\"}\n  ]\n}";
        assert_eq!(json_line_column(text, "a"), (2, 3));
        assert_eq!(json_line_column(text, "bb[1].n"), (5, 6));
        assert_eq!(json_line_column(text, "bb[1]"), (5, 5));
        assert_eq!(json_line_column(text, "bb[7].n"), (3, 3));
        assert_eq!(json_line_column(text, "a.x[1].y"), (2, 19));
        assert_eq!(json_line_column(text, "missing"), (1, 1));
    }

    #[test]
    fn toml_fields_are_found() {
        let text = "[limits]\nmax_blob_size = 5\n\n[[incoming]]\nname = \"a\"\n\n[[incoming]]\nname = \"b\"\n[incoming.taxii]\nversion = \"9\"\n";
        assert_eq!(toml_line_column(text, "limits.max_blob_size"), (2, 1));
        assert_eq!(toml_line_column(text, "incoming[1].name"), (8, 1));
        assert_eq!(toml_line_column(text, "incoming[1].taxii.version"), (10, 1));
        assert_eq!(toml_line_column(text, "incoming[0].taxii"), (4, 1));
    }
}
