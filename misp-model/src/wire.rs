//! MISP's JSON wire conventions: lenient readers and MISP-style writers.
//!
//! MISP writes every integer as a JSON string and every flag as a JSON boolean, but real data also
//! carries integers, `"1"`/`"0"` flags and `null` where a value is optional. The readers here accept
//! all of those spellings (with typed errors naming the JSON path for anything else); the writers
//! always emit MISP's own spelling. Keys the model does not know stay in each item's `extra` map;
//! `null`/empty-list values of known keys are remembered as compact markers ([`Markers`]) and
//! written back where they were read, so a round trip loses nothing.
//!
//! Performance notes (a 100k-attribute event is ~47 MB): `{"Event":…}` and bare events are read
//! by a fast first pass ([`fast`]: its own scanner, the key expected next in MISP's order
//! compared first) that gives up on anything unusual or wrong, and the serde-based reader
//! ([`crate::stream`]) then reads the input with its typed errors; there, keys are matched
//! borrowed from the input and scalars are read without building a `serde_json::Value` (one is
//! built only for an error message). Markers cost no allocation in MISP's usual key layout, and
//! the compact writer ([`compact`]) bypasses serde for the model's own fields.

use std::borrow::Cow;
use std::fmt;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::error::{Error, Result};

pub(crate) mod compact;
pub(crate) mod fast;

/// A JSON path under construction: a stack-allocated linked list of segments, rendered only when an
/// error needs it.
#[derive(Clone, Copy)]
pub(crate) enum JsonPath<'a> {
    /// The document root.
    Root,
    /// A named field below `parent`.
    Key(&'a Self, &'a str),
    /// An array element below `parent`.
    Index(&'a Self, usize),
}

impl JsonPath<'_> {
    /// The path of field `key` below this one.
    pub(crate) fn key<'b>(&'b self, key: &'b str) -> JsonPath<'b> {
        JsonPath::Key(self, key)
    }

    /// The path of element `index` below this one.
    pub(crate) fn index(&self, index: usize) -> JsonPath<'_> {
        JsonPath::Index(self, index)
    }

    /// The rendered path, e.g. `Event.Attribute[3].distribution` (empty for the root).
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        self.render_into(&mut out);
        out
    }

    fn render_into(&self, out: &mut String) {
        match self {
            Self::Root => {}
            Self::Key(parent, key) => {
                parent.render_into(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Self::Index(parent, index) => {
                parent.render_into(out);
                out.push('[');
                out.push_str(&index.to_string());
                out.push(']');
            }
        }
    }
}

impl fmt::Display for JsonPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// A short description of a JSON value's kind for error messages.
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A short, bounded rendering of an offending value for error messages.
pub(crate) fn excerpt(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut out: String = text.chars().take(64).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

/// One JSON scalar as the parser hands it over, borrowed where possible (no `Value` built).
#[derive(Clone, Copy)]
pub(crate) enum Scalar<'a> {
    /// `true` or `false`.
    Bool(bool),
    /// A non-negative integer.
    U64(u64),
    /// A negative integer.
    I64(i64),
    /// A number with a fraction or exponent (or beyond `u64`).
    F64(f64),
    /// A string.
    Str(&'a str),
}

impl Scalar<'_> {
    /// The scalar as a `Value`, built only on the error path (messages render the `Value`).
    pub(crate) fn to_value(self) -> Value {
        match self {
            Self::Bool(b) => Value::Bool(b),
            Self::U64(n) => Value::from(n),
            Self::I64(n) => Value::from(n),
            Self::F64(f) => Value::from(f),
            Self::Str(s) => Value::String(s.to_owned()),
        }
    }
}

/// A value that has one MISP wire representation (a string, number-as-string, flag, enum or a
/// nested MISP item).
pub(crate) trait WireValue: Sized {
    /// Reads the value at `path`.
    fn from_wire(value: Value, path: &JsonPath<'_>) -> Result<Self>;
    /// Reads the value from a scalar the parser saw; the default goes through [`Self::from_wire`].
    fn from_scalar(scalar: Scalar<'_>, path: &JsonPath<'_>) -> Result<Self> {
        Self::from_wire(scalar.to_value(), path)
    }
    /// Writes the value the way MISP writes it.
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>;
    /// Writes the value like [`Self::serialize_wire`] into the compact writer (same bytes as
    /// serde_json's compact output); the default goes through serde.
    fn write_compact(&self, out: &mut compact::Out<'_>) {
        out.serde(&Wire(self));
    }
    /// Reads the value at `path` straight from a deserializer (scalars without building a
    /// `Value`; wire structs read their entries directly).
    fn deserialize_wire<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
        path: &JsonPath<'_>,
        ctx: &crate::stream::Ctx,
    ) -> std::result::Result<Self, D::Error> {
        crate::stream::scalar(deserializer, path, ctx)
    }
    /// Reads the value in the fast pass ([`fast`]); the default reads a scalar through
    /// [`Self::from_scalar`].
    fn fast_read(reader: &mut fast::Reader<'_>) -> fast::Fast<Self> {
        fast::scalar(reader)
    }
    /// Reads the value of a typed field at `path`: `null` is the absent marker, anything else
    /// as [`Self::deserialize_wire`] reads it.
    fn deserialize_field_wire<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
        path: &JsonPath<'_>,
        ctx: &crate::stream::Ctx,
    ) -> std::result::Result<crate::stream::FieldOut<Self>, D::Error> {
        crate::stream::scalar_field(deserializer, path, ctx)
    }
}

/// Adapter that serialises a [`WireValue`] with its wire representation.
pub(crate) struct Wire<'a, T>(pub(crate) &'a T);

impl<T: WireValue> Serialize for Wire<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.0.serialize_wire(serializer)
    }
}

/// Adapter that serialises a slice of [`WireValue`]s as a JSON array.
pub(crate) struct WireList<'a, T>(pub(crate) &'a [T]);

impl<T: WireValue> Serialize for WireList<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for item in self.0 {
            seq.serialize_element(&Wire(item))?;
        }
        seq.end()
    }
}

/// Implements [`WireValue`] for a text type: read from a JSON string (`owned` converts a
/// `String` the parser had to build, `borrowed` text borrowed from the input), written as one.
macro_rules! text_wire_value {
    ($(#[$doc:meta])* $ty:ty, owned: $owned:expr, borrowed: $borrowed:expr $(, fast_read: $fast:expr)?) => {
        $(#[$doc])*
        impl WireValue for $ty {
            fn from_wire(value: Value, path: &JsonPath<'_>) -> Result<Self> {
                match value {
                    Value::String(s) => Ok($owned(s)),
                    other => Err(Error::wrong_type(path, "a string", &other)),
                }
            }

            fn from_scalar(scalar: Scalar<'_>, path: &JsonPath<'_>) -> Result<Self> {
                match scalar {
                    Scalar::Str(s) => Ok($borrowed(s)),
                    other => Self::from_wire(other.to_value(), path),
                }
            }

            fn serialize_wire<S: Serializer>(
                &self,
                serializer: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self)
            }

            fn write_compact(&self, out: &mut compact::Out<'_>) {
                out.string(self);
            }

            $(
                fn fast_read(reader: &mut fast::Reader<'_>) -> fast::Fast<Self> {
                    $fast(reader)
                }
            )?
        }
    };
}

text_wire_value!(
    String,
    owned: std::convert::identity,
    borrowed: str::to_owned,
    fast_read: fast::Reader::owned_string
);

text_wire_value!(
    /// A describeTypes name (an attribute's `type` or `category`): held as the built-in
    /// table's `'static` name when it is one, so a large event does not copy the same few names
    /// once per attribute (see [`crate::describe_types::builtin_name`]); other names are kept as
    /// read. A known name borrowed from the input is never copied.
    Cow<'static, str>,
    owned: crate::describe_types::intern_owned,
    borrowed: crate::describe_types::intern
);

text_wire_value!(
    /// An attribute's uuid, value or comment: text borrowed from the input is copied once
    /// (inline if short, see [`crate::Text`]), never through an intermediate `String`.
    crate::text::Text,
    owned: Self::from,
    borrowed: Self::from_str_copied
);

/// A text value that can be a required field (absent: an error): `String`, [`crate::Text`] and
/// the interned describeTypes names (`Cow<'static, str>`).
pub(crate) trait RequiredText: WireValue + AsRef<str> {}

impl RequiredText for String {}

impl RequiredText for crate::text::Text {}

impl RequiredText for Cow<'static, str> {}

/// The error for a value that is not a non-negative integer.
fn not_a_uint(value: &Value, path: &JsonPath<'_>) -> Error {
    Error::InvalidValue {
        path: path.render(),
        value: excerpt(value),
        expected: "a non-negative integer (a string of digits or a number)",
    }
}

/// Parses a string of ASCII digits (at least one) into a `u64`; `None` on anything else or
/// overflow.
fn parse_digits(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    s.bytes().try_fold(0u64, |acc, b| {
        if b.is_ascii_digit() {
            acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        } else {
            None
        }
    })
}

/// Reads a non-negative integer written as a JSON string (MISP) or a JSON number (deviations).
pub(crate) fn read_uint(value: &Value, path: &JsonPath<'_>) -> Result<u64> {
    let parsed = match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => parse_digits(s),
        _ => None,
    };
    parsed.ok_or_else(|| not_a_uint(value, path))
}

/// [`read_uint`] on a scalar the parser saw (no `Value` unless it fails).
pub(crate) fn read_uint_scalar(scalar: Scalar<'_>, path: &JsonPath<'_>) -> Result<u64> {
    let parsed = match scalar {
        Scalar::U64(n) => Some(n),
        Scalar::Str(s) => parse_digits(s),
        Scalar::Bool(_) | Scalar::I64(_) | Scalar::F64(_) => None,
    };
    parsed.ok_or_else(|| not_a_uint(&scalar.to_value(), path))
}

/// Writes a `u64` as a JSON string of decimal digits without going through `fmt`.
pub(crate) fn serialize_uint_str<S: Serializer>(
    value: u64,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    let mut buf = [0u8; 20];
    let mut start = buf.len();
    let mut rest = value;
    loop {
        start -= 1;
        if let Some(slot) = buf.get_mut(start) {
            // `rest % 10` is below 10, so the narrowing is exact.
            *slot = b'0' + (rest % 10) as u8;
        }
        rest /= 10;
        if rest == 0 || start == 0 {
            break;
        }
    }
    let digits = buf
        .get(start..)
        .and_then(|d| std::str::from_utf8(d).ok())
        .unwrap_or("0");
    serializer.serialize_str(digits)
}

impl WireValue for u64 {
    fn from_wire(value: Value, path: &JsonPath<'_>) -> Result<Self> {
        read_uint(&value, path)
    }

    fn from_scalar(scalar: Scalar<'_>, path: &JsonPath<'_>) -> Result<Self> {
        read_uint_scalar(scalar, path)
    }

    fn serialize_wire<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serialize_uint_str(*self, serializer)
    }

    fn write_compact(&self, out: &mut compact::Out<'_>) {
        out.uint_string(*self);
    }
}

/// The error for a value that is not a flag.
fn not_a_flag(value: &Value, path: &JsonPath<'_>) -> Error {
    Error::InvalidValue {
        path: path.render(),
        value: excerpt(value),
        expected: "a flag (true/false, 0/1, \"0\"/\"1\", \"true\"/\"false\")",
    }
}

/// The meaning of a flag written as a string.
fn flag_text(s: &str) -> Option<bool> {
    match s {
        "0" | "false" | "False" => Some(false),
        "1" | "true" | "True" => Some(true),
        _ => None,
    }
}

/// Reads a flag: JSON booleans, `0`/`1`, `"0"`/`"1"` and `"true"`/`"false"` with their plain meaning.
pub(crate) fn read_flag(value: &Value, path: &JsonPath<'_>) -> Result<bool> {
    let parsed = match value {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_u64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        Value::String(s) => flag_text(s),
        _ => None,
    };
    parsed.ok_or_else(|| not_a_flag(value, path))
}

impl WireValue for bool {
    fn from_wire(value: Value, path: &JsonPath<'_>) -> Result<Self> {
        read_flag(&value, path)
    }

    fn from_scalar(scalar: Scalar<'_>, path: &JsonPath<'_>) -> Result<Self> {
        let parsed = match scalar {
            Scalar::Bool(b) => Some(b),
            Scalar::U64(0) => Some(false),
            Scalar::U64(1) => Some(true),
            Scalar::Str(s) => flag_text(s),
            Scalar::U64(_) | Scalar::I64(_) | Scalar::F64(_) => None,
        };
        parsed.ok_or_else(|| not_a_flag(&scalar.to_value(), path))
    }

    fn serialize_wire<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_bool(*self)
    }

    fn write_compact(&self, out: &mut compact::Out<'_>) {
        out.raw(if *self { b"true" } else { b"false" });
    }
}

/// How a typed key was written when it carried no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Absent {
    /// `null`.
    Null,
    /// `[]`.
    EmptyList,
}

impl Absent {
    /// The marker as a JSON value.
    pub(crate) fn to_value(self) -> Value {
        match self {
            Self::Null => Value::Null,
            Self::EmptyList => Value::Array(Vec::new()),
        }
    }
}

/// Whether a value of a typed key is an absent marker instead: `null` and `[]` are written back as
/// they were read, and read as "absent".
pub(crate) fn absent_marker(value: &Value) -> Option<Absent> {
    match value {
        Value::Null => Some(Absent::Null),
        Value::Array(items) if items.is_empty() => Some(Absent::EmptyList),
        _ => None,
    }
}

/// The typed keys of one item that were read as `null` or `[]`, remembered compactly (two bit
/// sets, no allocation in MISP's usual layout) so that they are written back where they were read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Markers {
    /// Bit `i`: typed key `i` was read as `null`.
    null: u32,
    /// Bit `i`: typed key `i` was read as `[]`.
    empty: u32,
    /// `None` while every marker came before the first unknown key and in key order (MISP's own
    /// layout); otherwise every marker as (key index, number of `extra` entries before it), in
    /// the order read. Boxed: almost every item has none, and an empty `Vec` is 24 bytes.
    #[expect(
        clippy::box_collection,
        reason = "the box keeps the usual, absent case to one pointer (a `Vec` is 24 bytes)"
    )]
    placed: Option<Box<Vec<(u8, u32)>>>,
}

impl Markers {
    /// Records that typed key `index` (below 32) was read as `marker` after `extra_len` unknown
    /// keys. A repeated key keeps its first place and its last marker, like a JSON object map.
    pub(crate) fn add(&mut self, index: u32, marker: Absent, extra_len: usize) {
        let Some(bit) = 1u32.checked_shl(index) else {
            return;
        };
        let before = self.null | self.empty;
        match marker {
            Absent::Null => {
                self.null |= bit;
                self.empty &= !bit;
            }
            Absent::EmptyList => {
                self.empty |= bit;
                self.null &= !bit;
            }
        }
        if before & bit != 0 {
            return;
        }
        let place = u32::try_from(extra_len).unwrap_or(u32::MAX);
        let in_layout = self.placed.is_none() && extra_len == 0 && before < bit;
        if in_layout {
            return;
        }
        // Switch to explicit places: the markers so far were all before any unknown key.
        let placed = self.placed.get_or_insert_with(|| {
            Box::new(
                (0u8..32)
                    .filter(|i| before & (1u32 << i) != 0)
                    .map(|i| (i, 0))
                    .collect(),
            )
        });
        if let Ok(index) = u8::try_from(index) {
            placed.push((index, place));
        }
    }

    /// Forgets the marker of typed key `index` (its key was read again, with a value): the value
    /// wins, as it does when written. Keeps the compact form when what is left allows it.
    ///
    /// Called for every typed value read, and almost always with nothing to forget: that test is
    /// inlined, the rest is not.
    #[inline]
    pub(crate) fn remove(&mut self, index: u32) {
        let Some(bit) = 1u32.checked_shl(index) else {
            return;
        };
        if (self.null | self.empty) & bit != 0 {
            self.forget(index, bit);
        }
    }

    /// [`Markers::remove`] of a key that has a marker (`bit` is `1 << index`).
    #[cold]
    fn forget(&mut self, index: u32, bit: u32) {
        self.null &= !bit;
        self.empty &= !bit;
        if let Some(placed) = &mut self.placed {
            placed.retain(|(i, _)| u32::from(*i) != index);
            let in_layout = placed.iter().all(|(_, place)| *place == 0)
                && placed.iter().map(|(i, _)| *i).is_sorted();
            if in_layout {
                self.placed = None;
            }
        }
    }

    /// The marker of typed key `index`, if it was read as one.
    pub(crate) fn get(&self, index: usize) -> Option<Absent> {
        let bit = u32::try_from(index)
            .ok()
            .and_then(|i| 1u32.checked_shl(i))?;
        if self.null & bit != 0 {
            Some(Absent::Null)
        } else if self.empty & bit != 0 {
            Some(Absent::EmptyList)
        } else {
            None
        }
    }

    /// Whether no marker is recorded.
    pub(crate) fn is_empty(&self) -> bool {
        self.null | self.empty == 0
    }
}

/// One entry written after the typed fields.
pub(crate) enum Rest<'a> {
    /// An absent marker of a typed key.
    Marker(Absent),
    /// An `extra` entry.
    Extra(&'a Value),
}

/// Visits what follows the typed fields: the absent markers of keys whose field was not written
/// and the `extra` entries (except keys a typed field already wrote), in the order they were read.
pub(crate) fn for_each_rest<'a, E, F>(
    extra: &'a Map<String, Value>,
    markers: &Markers,
    keys: &[&'static str],
    written: u32,
    mut entry: F,
) -> std::result::Result<(), E>
where
    F: FnMut(&'a str, Rest<'a>) -> std::result::Result<(), E>,
{
    let bit_of = |index: usize| {
        u32::try_from(index)
            .ok()
            .and_then(|i| 1u32.checked_shl(i))
            .unwrap_or(0)
    };
    let marker = |entry: &mut F, index: usize| match (markers.get(index), keys.get(index)) {
        (Some(marker), Some(key)) if written & bit_of(index) == 0 => {
            entry(key, Rest::Marker(marker))
        }
        _ => Ok(()),
    };
    let shadowed = |key: &str| {
        keys.iter()
            .position(|k| *k == key)
            .is_some_and(|i| written & bit_of(i) != 0)
    };
    let mut entries = extra.iter();
    if let Some(placed) = &markers.placed {
        let mut done = 0usize;
        for &(index, place) in placed.iter() {
            let place = usize::try_from(place).unwrap_or(usize::MAX);
            while done < place {
                let Some((key, value)) = entries.next() else {
                    break;
                };
                if !shadowed(key) {
                    entry(key, Rest::Extra(value))?;
                }
                done += 1;
            }
            marker(&mut entry, usize::from(index))?;
        }
    } else {
        // Only the set bits, lowest (first in key order) first.
        let mut pending = (markers.null | markers.empty) & !written;
        while pending != 0 {
            let index = pending.trailing_zeros();
            pending &= pending - 1;
            marker(&mut entry, usize::try_from(index).unwrap_or(usize::MAX))?;
        }
    }
    for (key, value) in entries {
        if !shadowed(key) {
            entry(key, Rest::Extra(value))?;
        }
    }
    Ok(())
}

/// [`for_each_rest`] into a serde map.
pub(crate) fn serialize_rest<M: SerializeMap>(
    map: &mut M,
    extra: &Map<String, Value>,
    markers: &Markers,
    keys: &[&'static str],
    written: u32,
) -> std::result::Result<(), M::Error> {
    for_each_rest(extra, markers, keys, written, |key, rest| match rest {
        Rest::Marker(Absent::Null) => map.serialize_entry(key, &()),
        Rest::Marker(Absent::EmptyList) => map.serialize_entry(key, &[(); 0]),
        Rest::Extra(value) => map.serialize_entry(key, value),
    })
}

/// Whether no key needs escaping in JSON (no `"`, `\\` or control character): the writers put
/// typed keys out as they are. Checked at compile time for every item's keys.
pub(crate) const fn plain_keys(mut keys: &[&str]) -> bool {
    while let [key, rest @ ..] = keys {
        let mut bytes = key.as_bytes();
        while let [byte, tail @ ..] = bytes {
            if *byte == b'"' || *byte == b'\\' || *byte < 0x20 {
                return false;
            }
            bytes = tail;
        }
        keys = rest;
    }
    true
}

/// [`for_each_rest`] into the compact writer; `first` tells whether an entry was written yet.
pub(crate) fn write_rest(
    out: &mut compact::Out<'_>,
    first: &mut bool,
    extra: &Map<String, Value>,
    markers: &Markers,
    keys: &[&'static str],
    written: u32,
) {
    let result: std::result::Result<(), std::convert::Infallible> =
        for_each_rest(extra, markers, keys, written, |key, rest| {
            out.separator(first);
            match rest {
                // A marker's key is a typed key, which needs no escaping (`plain_keys`).
                Rest::Marker(marker) => {
                    out.byte(b'"');
                    out.raw(key.as_bytes());
                    out.raw(match marker {
                        Absent::Null => b"\":null",
                        Absent::EmptyList => b"\":[]",
                    });
                }
                Rest::Extra(value) => {
                    out.string(key);
                    out.byte(b':');
                    out.value(value);
                }
            }
            Ok(())
        });
    let Ok(()) = result;
}

/// Reads one field of a wire struct; implemented for required, optional and list fields.
pub(crate) trait WireField: Sized {
    /// Reads the field from a present, non-`null`, non-`[]` value at `path`.
    fn from_present(value: Value, path: &JsonPath<'_>) -> Result<Self>;
    /// The field's value when the key is absent (or `null`/`[]`); an error for required fields.
    fn when_absent(parent: &JsonPath<'_>, key: &'static str) -> Result<Self>;
    /// Whether the field is written (absent optionals and empty lists are not).
    fn is_present(&self) -> bool;
    /// Writes the field's value.
    fn serialize_field<M: SerializeMap>(
        &self,
        map: &mut M,
        key: &'static str,
    ) -> std::result::Result<(), M::Error>;
    /// Writes the field's value into the compact writer (the caller wrote the key, and only for
    /// a present field).
    fn write_compact_value(&self, out: &mut compact::Out<'_>);
}

impl<T: WireValue> WireField for Option<T> {
    fn from_present(value: Value, path: &JsonPath<'_>) -> Result<Self> {
        T::from_wire(value, path).map(Some)
    }

    fn when_absent(_: &JsonPath<'_>, _: &'static str) -> Result<Self> {
        Ok(None)
    }

    fn is_present(&self) -> bool {
        self.is_some()
    }

    fn serialize_field<M: SerializeMap>(
        &self,
        map: &mut M,
        key: &'static str,
    ) -> std::result::Result<(), M::Error> {
        match self {
            Some(value) => map.serialize_entry(key, &Wire(value)),
            None => Ok(()),
        }
    }

    fn write_compact_value(&self, out: &mut compact::Out<'_>) {
        if let Some(value) = self {
            value.write_compact(out);
        }
    }
}

impl<T: WireValue> WireField for Vec<T> {
    fn from_present(value: Value, path: &JsonPath<'_>) -> Result<Self> {
        match value {
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| T::from_wire(item, &path.index(i)))
                .collect(),
            other => Err(Error::wrong_type(path, "an array", &other)),
        }
    }

    fn when_absent(_: &JsonPath<'_>, _: &'static str) -> Result<Self> {
        Ok(Self::new())
    }

    fn is_present(&self) -> bool {
        !self.is_empty()
    }

    fn serialize_field<M: SerializeMap>(
        &self,
        map: &mut M,
        key: &'static str,
    ) -> std::result::Result<(), M::Error> {
        if self.is_empty() {
            Ok(())
        } else {
            map.serialize_entry(key, &WireList(self))
        }
    }

    fn write_compact_value(&self, out: &mut compact::Out<'_>) {
        write_compact_list(out, self);
    }
}

/// Writes a list of wire values as a JSON array, handing full chunks to the sink between items.
pub(crate) fn write_compact_list<T: WireValue>(out: &mut compact::Out<'_>, items: &[T]) {
    out.byte(b'[');
    let mut first = true;
    for item in items {
        out.separator(&mut first);
        item.write_compact(out);
        out.boundary();
    }
    out.byte(b']');
}

/// Every method is the held value's (as the streaming and fast readers of a `Rare` are), so a
/// `Rare` field reads, writes and reports absence exactly as the plain field would.
impl<T: WireField + crate::rare::RareValue> WireField for crate::rare::Rare<T> {
    fn from_present(value: Value, path: &JsonPath<'_>) -> Result<Self> {
        T::from_present(value, path).map(Self::from)
    }

    fn when_absent(parent: &JsonPath<'_>, key: &'static str) -> Result<Self> {
        T::when_absent(parent, key).map(Self::from)
    }

    fn is_present(&self) -> bool {
        (**self).is_present()
    }

    fn serialize_field<M: SerializeMap>(
        &self,
        map: &mut M,
        key: &'static str,
    ) -> std::result::Result<(), M::Error> {
        (**self).serialize_field(map, key)
    }

    fn write_compact_value(&self, out: &mut compact::Out<'_>) {
        (**self).write_compact_value(out);
    }
}

impl<T: RequiredText> WireField for T {
    fn from_present(value: Value, path: &JsonPath<'_>) -> Result<Self> {
        Self::from_wire(value, path)
    }

    fn when_absent(parent: &JsonPath<'_>, key: &'static str) -> Result<Self> {
        Err(Error::MissingField {
            path: parent.render(),
            field: key,
        })
    }

    fn is_present(&self) -> bool {
        true
    }

    fn serialize_field<M: SerializeMap>(
        &self,
        map: &mut M,
        key: &'static str,
    ) -> std::result::Result<(), M::Error> {
        map.serialize_entry(key, self.as_ref())
    }

    fn write_compact_value(&self, out: &mut compact::Out<'_>) {
        out.string(self.as_ref());
    }
}

/// Defines a MISP item: a struct with typed fields in MISP's key order plus an `extra` map, its
/// wire reader and writer, and serde impls going through them.
macro_rules! wire_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                pub $field:ident : $ty:ty = $key:literal,
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default)]
        #[non_exhaustive]
        pub struct $name {
            $(
                $(#[$fmeta])*
                pub $field: $ty,
            )*
            /// Keys this model does not type, kept verbatim in their original order so a round
            /// trip loses nothing (no map is allocated while there are none). (`null`/`[]`
            /// values of typed keys are kept apart, see `absent_marker`.)
            pub extra: $crate::extra::Extra,
            /// Typed keys read as `null`/`[]`, written back where they were read.
            pub(crate) absent: $crate::wire::Markers,
        }

        const _: () = {
            /// The position of each typed key in the key list (bit index in the markers).
            #[allow(non_camel_case_types, clippy::enum_variant_names)]
            #[derive(Clone, Copy)]
            enum Ix {
                $( $field, )*
            }

            /// Every typed key's `Ix`, in key order (`IXS[i] as usize == i`).
            const IXS: &[Ix] = &[$( Ix::$field, )*];

            const KEYS: &[&str] = &[$( $key, )*];
            assert!(KEYS.len() <= 32, "the absent markers hold at most 32 typed keys");
            assert!(
                $crate::wire::plain_keys(KEYS),
                "typed keys are written as they are, without escaping"
            );

            impl $name {
                /// The `null` or `[]` that typed key `key` was read as (the field stays absent and
                /// the marker is written back where it was read), or `None`.
                pub fn absent_marker(&self, key: &str) -> Option<serde_json::Value> {
                    let index = KEYS.iter().position(|k| *k == key)?;
                    self.absent.get(index).map($crate::wire::Absent::to_value)
                }

                /// Forgets every `null`/`[]` marker, so absent typed keys are left out when written.
                pub fn clear_absent_markers(&mut self) {
                    self.absent = $crate::wire::Markers::default();
                }
            }

            impl $crate::wire::WireValue for $name {
                fn from_wire(
                    value: serde_json::Value,
                    path: &$crate::wire::JsonPath<'_>,
                ) -> $crate::error::Result<Self> {
                    let map = match value {
                        serde_json::Value::Object(map) => map,
                        other => {
                            return Err($crate::error::Error::wrong_type(path, "an object", &other));
                        }
                    };
                    $( let mut $field: Option<$ty> = None; )*
                    let mut extra = serde_json::Map::new();
                    let mut absent = $crate::wire::Markers::default();
                    // One pass over the entries; the key order of `extra` stays the original one.
                    for (key, value) in map {
                        match key.as_str() {
                            $(
                                $key => match $crate::wire::absent_marker(&value) {
                                    Some(marker) => {
                                        if $field.is_none() {
                                            absent.add(Ix::$field as u32, marker, extra.len());
                                        }
                                    }
                                    None => {
                                        $field = Some(<$ty as $crate::wire::WireField>::from_present(
                                            value,
                                            &path.key($key),
                                        )?);
                                        absent.remove(Ix::$field as u32);
                                    }
                                },
                            )*
                            _ => {
                                extra.insert(key, value);
                            }
                        }
                    }
                    Ok(Self {
                        $(
                            $field: match $field {
                                Some(read) => read,
                                None => <$ty as $crate::wire::WireField>::when_absent(path, $key)?,
                            },
                        )*
                        extra: extra.into(),
                        absent,
                    })
                }

                fn deserialize_wire<'de, D: serde::Deserializer<'de>>(
                    deserializer: D,
                    path: &$crate::wire::JsonPath<'_>,
                    ctx: &$crate::stream::Ctx,
                ) -> std::result::Result<Self, D::Error> {
                    deserializer.deserialize_any($crate::stream::StructVisitor::<Self> {
                        path,
                        ctx,
                        kind: std::marker::PhantomData,
                    })
                }

                fn fast_read(
                    reader: &mut $crate::wire::fast::Reader<'_>,
                ) -> $crate::wire::fast::Fast<Self> {
                    let keys = reader.begin_object()?;
                    <Self as $crate::wire::fast::FastStruct>::fast_entries(reader, keys, None)
                }

                fn deserialize_field_wire<'de, D: serde::Deserializer<'de>>(
                    deserializer: D,
                    path: &$crate::wire::JsonPath<'_>,
                    ctx: &$crate::stream::Ctx,
                ) -> std::result::Result<$crate::stream::FieldOut<Self>, D::Error> {
                    $crate::stream::null_or(deserializer, path, ctx)
                }

                fn serialize_wire<S: serde::Serializer>(
                    &self,
                    serializer: S,
                ) -> std::result::Result<S::Ok, S::Error> {
                    use serde::ser::SerializeMap as _;
                    let mut map = serializer.serialize_map(None)?;
                    let mut written = 0u32;
                    $(
                        if $crate::wire::WireField::is_present(&self.$field) {
                            $crate::wire::WireField::serialize_field(&self.$field, &mut map, $key)?;
                            written |= 1 << (Ix::$field as u32);
                        }
                    )*
                    if !self.extra.is_empty() || !self.absent.is_empty() {
                        $crate::wire::serialize_rest(&mut map, &self.extra, &self.absent, KEYS, written)?;
                    }
                    map.end()
                }

                fn write_compact(&self, out: &mut $crate::wire::compact::Out<'_>) {
                    out.byte(b'{');
                    let mut first = true;
                    let mut written = 0u32;
                    $(
                        if $crate::wire::WireField::is_present(&self.$field) {
                            out.separator(&mut first);
                            out.raw(concat!("\"", $key, "\":").as_bytes());
                            $crate::wire::WireField::write_compact_value(&self.$field, out);
                            written |= 1 << (Ix::$field as u32);
                        }
                    )*
                    if !self.extra.is_empty() || !self.absent.is_empty() {
                        $crate::wire::write_rest(out, &mut first, &self.extra, &self.absent, KEYS, written);
                    }
                    out.byte(b'}');
                }
            }

            impl $crate::stream::StreamStruct for $name {
                fn stream_entries<'de, A: serde::de::MapAccess<'de>>(
                    first: Option<std::borrow::Cow<'de, str>>,
                    mut map: A,
                    path: &$crate::wire::JsonPath<'_>,
                    ctx: &$crate::stream::Ctx,
                ) -> std::result::Result<Self, A::Error> {
                    $( let mut $field: Option<$ty> = None; )*
                    let mut extra = serde_json::Map::new();
                    let mut absent = $crate::wire::Markers::default();
                    let mut pending = first;
                    loop {
                        let key = match pending.take() {
                            Some(key) => key,
                            None => match map.next_key_seed($crate::stream::KeySeed)? {
                                Some(key) => key,
                                None => break,
                            },
                        };
                        match key.as_ref() {
                            $(
                                $key => {
                                    let field_path = path.key($key);
                                    let seed = $crate::stream::FieldSeed::<$ty> {
                                        path: &field_path,
                                        ctx,
                                        kind: std::marker::PhantomData,
                                    };
                                    // A repeated key: a value wins over a marker (as when
                                    // written), so a round trip gives the same model.
                                    match map.next_value_seed(seed)? {
                                        $crate::stream::FieldOut::Present(read) => {
                                            $field = Some(read);
                                            absent.remove(Ix::$field as u32);
                                        }
                                        $crate::stream::FieldOut::Marker(marker) => {
                                            if $field.is_none() {
                                                absent.add(Ix::$field as u32, marker, extra.len());
                                            }
                                        }
                                    }
                                }
                            )*
                            _ => {
                                let value: serde_json::Value = map.next_value()?;
                                extra.insert(key.into_owned(), value);
                            }
                        }
                    }
                    Ok(Self {
                        $(
                            $field: match $field {
                                Some(read) => read,
                                None => <$ty as $crate::wire::WireField>::when_absent(path, $key)
                                    .map_err(|e| ctx.fail(e))?,
                            },
                        )*
                        extra: extra.into(),
                        absent,
                    })
                }
            }

            impl $crate::wire::fast::FastStruct for $name {
                fn fast_entries<'a>(
                    reader: &mut $crate::wire::fast::Reader<'a>,
                    mut keys: $crate::wire::fast::Keys,
                    first: Option<std::borrow::Cow<'a, str>>,
                ) -> $crate::wire::fast::Fast<Self> {
                    $( let mut $field: Option<$ty> = None; )*
                    let mut extra = serde_json::Map::new();
                    let mut absent = $crate::wire::Markers::default();
                    let mut pending = first;
                    // The typed key expected next: MISP writes them in `KEYS` order.
                    let mut hint = 0usize;
                    loop {
                        let key = match pending.take() {
                            Some(key) => $crate::wire::fast::KeyRead::Key(key),
                            None => reader.next_key_hinted(&mut keys, |reader| {
                                match IXS.get(hint) {
                                    $( Some(Ix::$field) => reader.take_key($key), )*
                                    None => false,
                                }
                            })?,
                        };
                        let (ix, key) = match key {
                            $crate::wire::fast::KeyRead::End => break,
                            $crate::wire::fast::KeyRead::Hinted => (IXS.get(hint).copied(), None),
                            $crate::wire::fast::KeyRead::Key(key) => match key.as_ref() {
                                $( $key => (Some(Ix::$field), None), )*
                                _ => (None, Some(key)),
                            },
                        };
                        match (ix, key) {
                            $(
                                (Some(Ix::$field), _) => {
                                    hint = Ix::$field as usize + 1;
                                    // As in `stream_entries`: a value wins over a marker.
                                    match <$ty as $crate::wire::fast::FastField>::fast_field(reader)? {
                                        $crate::stream::FieldOut::Present(read) => {
                                            $field = Some(read);
                                            absent.remove(Ix::$field as u32);
                                        }
                                        $crate::stream::FieldOut::Marker(marker) => {
                                            if $field.is_none() {
                                                absent.add(Ix::$field as u32, marker, extra.len());
                                            }
                                        }
                                    }
                                }
                            )*
                            (None, Some(key)) => {
                                let value = reader.value()?;
                                extra.insert(key.into_owned(), value);
                            }
                            // `Hinted` always names a typed key.
                            (None, None) => return Err($crate::wire::fast::Bail),
                        }
                    }
                    Ok(Self {
                        $(
                            $field: match $field {
                                Some(read) => read,
                                None => <$ty as $crate::wire::WireField>::when_absent(
                                    &$crate::wire::JsonPath::Root,
                                    $key,
                                )
                                .map_err(|_| $crate::wire::fast::Bail)?,
                            },
                        )*
                        extra: extra.into(),
                        absent,
                    })
                }
            }

            impl serde::Serialize for $name {
                fn serialize<S: serde::Serializer>(
                    &self,
                    serializer: S,
                ) -> std::result::Result<S::Ok, S::Error> {
                    $crate::wire::WireValue::serialize_wire(self, serializer)
                }
            }

            impl<'de> serde::Deserialize<'de> for $name {
                fn deserialize<D: serde::Deserializer<'de>>(
                    deserializer: D,
                ) -> std::result::Result<Self, D::Error> {
                    let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                    <Self as $crate::wire::WireValue>::from_wire(value, &$crate::wire::JsonPath::Root)
                        .map_err(serde::de::Error::custom)
                }
            }
        };
    };
}

pub(crate) use wire_struct;

#[cfg(test)]
mod tests;
