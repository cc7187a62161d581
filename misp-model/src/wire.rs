//! MISP's JSON wire conventions: lenient readers and MISP-style writers.
//!
//! MISP writes every integer as a JSON string and every flag as a JSON boolean, but real data also
//! carries integers, `"1"`/`"0"` flags and `null` where a value is optional. The readers here accept
//! all of those spellings (with typed errors naming the JSON path for anything else); the writers
//! always emit MISP's own spelling. Keys the model does not know, and `null`/empty-list values of
//! known keys, stay in each item's `extra` map so a round trip loses nothing.

use std::fmt;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::error::{Error, Result};

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

/// A value that has one MISP wire representation (a string, number-as-string, flag, enum or a
/// nested MISP item).
pub(crate) trait WireValue: Sized {
    /// Reads the value at `path`.
    fn from_wire(value: Value, path: &JsonPath<'_>) -> Result<Self>;
    /// Writes the value the way MISP writes it.
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>;
    /// Reads the value at `path` straight from a deserializer (scalars go through a small
    /// `Value`; wire structs read their entries directly).
    fn deserialize_wire<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
        path: &JsonPath<'_>,
        ctx: &crate::stream::Ctx,
    ) -> std::result::Result<Self, D::Error> {
        crate::stream::scalar(deserializer, path, ctx)
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

impl WireValue for String {
    fn from_wire(value: Value, path: &JsonPath<'_>) -> Result<Self> {
        match value {
            Value::String(s) => Ok(s),
            other => Err(Error::wrong_type(path, "a string", &other)),
        }
    }

    fn serialize_wire<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self)
    }
}

/// Reads a non-negative integer written as a JSON string (MISP) or a JSON number (deviations).
pub(crate) fn read_uint(value: &Value, path: &JsonPath<'_>) -> Result<u64> {
    let parsed = match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse::<u64>().ok()
        }
        _ => None,
    };
    parsed.ok_or_else(|| Error::InvalidValue {
        path: path.render(),
        value: excerpt(value),
        expected: "a non-negative integer (a string of digits or a number)",
    })
}

impl WireValue for u64 {
    fn from_wire(value: Value, path: &JsonPath<'_>) -> Result<Self> {
        read_uint(&value, path)
    }

    fn serialize_wire<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
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
        Value::String(s) => match s.as_str() {
            "0" | "false" | "False" => Some(false),
            "1" | "true" | "True" => Some(true),
            _ => None,
        },
        _ => None,
    };
    parsed.ok_or_else(|| Error::InvalidValue {
        path: path.render(),
        value: excerpt(value),
        expected: "a flag (true/false, 0/1, \"0\"/\"1\", \"true\"/\"false\")",
    })
}

impl WireValue for bool {
    fn from_wire(value: Value, path: &JsonPath<'_>) -> Result<Self> {
        read_flag(&value, path)
    }

    fn serialize_wire<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_bool(*self)
    }
}

/// Whether a value of a typed key stays in `extra` instead: `null` and `[]` are written back as
/// they were read, and read as "absent".
pub(crate) fn is_absent_marker(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
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
}

impl WireField for String {
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
        map.serialize_entry(key, self.as_str())
    }
}

/// Writes the `extra` keys that a typed field did not already write.
pub(crate) fn serialize_extra<M: SerializeMap>(
    map: &mut M,
    extra: &Map<String, Value>,
    written: &[&str],
) -> std::result::Result<(), M::Error> {
    for (key, value) in extra {
        if !written.contains(&key.as_str()) {
            map.serialize_entry(key, value)?;
        }
    }
    Ok(())
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
            /// Keys this model does not type (and `null`/`[]` values of typed keys), kept verbatim
            /// in their original order so a round trip loses nothing.
            pub extra: serde_json::Map<String, serde_json::Value>,
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
                // One pass over the entries; the key order of `extra` stays the original one.
                for (key, value) in map {
                    match key.as_str() {
                        $(
                            $key if !$crate::wire::is_absent_marker(&value) => {
                                $field = Some(<$ty as $crate::wire::WireField>::from_present(
                                    value,
                                    &path.key($key),
                                )?);
                            }
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
                    extra,
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

            fn serialize_wire<S: serde::Serializer>(
                &self,
                serializer: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(None)?;
                let mut written: Vec<&str> = Vec::new();
                $(
                    if $crate::wire::WireField::is_present(&self.$field) {
                        $crate::wire::WireField::serialize_field(&self.$field, &mut map, $key)?;
                        written.push($key);
                    }
                )*
                $crate::wire::serialize_extra(&mut map, &self.extra, &written)?;
                map.end()
            }
        }

        impl $crate::stream::StreamStruct for $name {
            fn stream_entries<'de, A: serde::de::MapAccess<'de>>(
                first: Option<String>,
                mut map: A,
                path: &$crate::wire::JsonPath<'_>,
                ctx: &$crate::stream::Ctx,
            ) -> std::result::Result<Self, A::Error> {
                $( let mut $field: Option<$ty> = None; )*
                let mut extra = serde_json::Map::new();
                let mut pending = first;
                loop {
                    let key = match pending.take() {
                        Some(key) => key,
                        None => match map.next_key::<String>()? {
                            Some(key) => key,
                            None => break,
                        },
                    };
                    match key.as_str() {
                        $(
                            $key => {
                                let field_path = path.key($key);
                                let seed = $crate::stream::FieldSeed::<$ty> {
                                    path: &field_path,
                                    ctx,
                                    kind: std::marker::PhantomData,
                                };
                                match map.next_value_seed(seed)? {
                                    $crate::stream::FieldOut::Present(read) => $field = Some(read),
                                    $crate::stream::FieldOut::Marker(marker) => {
                                        extra.insert(key, marker);
                                    }
                                }
                            }
                        )*
                        _ => {
                            let value: serde_json::Value = map.next_value()?;
                            extra.insert(key, value);
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
                    extra,
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
}

pub(crate) use wire_struct;

#[cfg(test)]
mod tests;
