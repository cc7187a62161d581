//! A serde [`Serializer`] that writes nothing and looks only at member names: whether a body
//! has a member, at any depth, whose name marks a reference (`*_ref`, `*_refs`, `idref`).
//!
//! [`super::collect_references`] only ever reports members with such a name, so a body without
//! one needs no `serde_json::Value` built for it. The scan stops at the first such name.

use std::fmt;

use serde::Serialize;
use serde::ser::{self, Serializer};

/// Whether `body`, as JSON, may have a member named `*_ref`, `*_refs` or `idref`. Also `true`
/// when the body reports an error or has a map key that is not a string or a number (the
/// caller then takes the full walk, which decides).
pub(super) fn may_name_references<T: Serialize + ?Sized>(body: &T) -> bool {
    body.serialize(Members).is_err()
}

/// Why the scan stopped: a reference-like name was found, or the body could not be scanned.
#[derive(Debug)]
pub(super) struct Stop;

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name may mark a reference")
    }
}

impl std::error::Error for Stop {}

impl ser::Error for Stop {
    fn custom<T: fmt::Display>(_message: T) -> Self {
        Self
    }
}

/// Stops when `name` is a reference-like member name.
fn check(name: &str) -> Result<(), Stop> {
    if name.ends_with("_ref") || name.ends_with("_refs") || name.ends_with("idref") {
        Err(Stop)
    } else {
        Ok(())
    }
}

/// `fn <method>(self, _: <type>) -> Result<(), Stop> { <result> }` for each `method: type`.
macro_rules! ignore_values {
    ($result:expr; $($method:ident: $ty:ty),+ $(,)?) => {
        $(
            fn $method(self, _: $ty) -> Result<(), Stop> {
                $result
            }
        )+
    };
}

/// [`ignore_values!`] answering `Ok(())` for every number, `bool` and `char`, and for the
/// methods listed.
macro_rules! ignore_scalars {
    ($($method:ident: $ty:ty),* $(,)?) => {
        ignore_values!(Ok(());
            serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
            serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
            serialize_u32: u32, serialize_u64: u64, serialize_u128: u128, serialize_f32: f32,
            serialize_f64: f64, serialize_char: char, $($method: $ty),*);
    };
}

/// Element-only compound serializers of [`Members`]: each `Trait::method` scans its element.
macro_rules! walk_elements {
    ($($serializer:ident::$method:ident),+ $(,)?) => {
        $(
            impl ser::$serializer for Members {
                type Ok = ();
                type Error = Stop;
                fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
                    value.serialize(Self)
                }
                fn end(self) -> Result<(), Stop> {
                    Ok(())
                }
            }
        )+
    };
}

/// Named-field compound serializers of [`Members`]: each field name is checked, then the value
/// scanned.
macro_rules! check_fields {
    ($($serializer:ident),+ $(,)?) => {
        $(
            impl ser::$serializer for Members {
                type Ok = ();
                type Error = Stop;
                fn serialize_field<T: Serialize + ?Sized>(
                    &mut self,
                    name: &'static str,
                    value: &T,
                ) -> Result<(), Stop> {
                    check(name)?;
                    value.serialize(Self)
                }
                fn end(self) -> Result<(), Stop> {
                    Ok(())
                }
            }
        )+
    };
}

/// Scans a value: member names are checked, everything else is walked or ignored.
#[derive(Clone, Copy)]
struct Members;

/// Scans a map key (JSON writes it as a string).
#[derive(Clone, Copy)]
struct Key;

impl Serializer for Members {
    type Ok = ();
    type Error = Stop;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    ignore_scalars!(serialize_str: &str, serialize_bytes: &[u8]);
    fn collect_str<T: fmt::Display + ?Sized>(self, _: &T) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Stop> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        value.serialize(self)
    }
    // JSON writes a variant with content as `{"variant": content}`: the variant is a name.
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        check(variant)?;
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Stop> {
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Stop> {
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Stop> {
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, Stop> {
        check(variant)?;
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Stop> {
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Stop> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, Stop> {
        check(variant)?;
        Ok(self)
    }
}

// Sequences and tuples: every element is scanned as a value.
walk_elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field,
);

impl ser::SerializeMap for Members {
    type Ok = ();
    type Error = Stop;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Stop> {
        key.serialize(Key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        value.serialize(Self)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

// Structs: every field name is checked, every field scanned as a value.
check_fields!(SerializeStruct, SerializeStructVariant);

/// Map keys: strings (and unit variants) are checked; numbers, booleans and characters cannot
/// end in `_ref`; any other key stops the scan.
impl Serializer for Key {
    type Ok = ();
    type Error = Stop;
    type SerializeSeq = ser::Impossible<(), Stop>;
    type SerializeTuple = ser::Impossible<(), Stop>;
    type SerializeTupleStruct = ser::Impossible<(), Stop>;
    type SerializeTupleVariant = ser::Impossible<(), Stop>;
    type SerializeMap = ser::Impossible<(), Stop>;
    type SerializeStruct = ser::Impossible<(), Stop>;
    type SerializeStructVariant = ser::Impossible<(), Stop>;

    fn serialize_str(self, key: &str) -> Result<(), Stop> {
        check(key)
    }
    fn collect_str<T: fmt::Display + ?Sized>(self, key: &T) -> Result<(), Stop> {
        check(&key.to_string())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Stop> {
        check(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        key: &T,
    ) -> Result<(), Stop> {
        key.serialize(self)
    }
    ignore_scalars!();
    ignore_values!(Err(Stop); serialize_bytes: &[u8]);
    fn serialize_none(self) -> Result<(), Stop> {
        Err(Stop)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Stop> {
        Err(Stop)
    }
    fn serialize_unit(self) -> Result<(), Stop> {
        Err(Stop)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Stop> {
        Err(Stop)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Stop> {
        Err(Stop)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Stop> {
        Err(Stop)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Stop> {
        Err(Stop)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Stop> {
        Err(Stop)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Stop> {
        Err(Stop)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Stop> {
        Err(Stop)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Stop> {
        Err(Stop)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Stop> {
        Err(Stop)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::may_name_references;

    #[test]
    fn finds_reference_names_at_any_depth_and_only_names() {
        for body in [
            json!({"sighting_of_ref": "x"}),
            json!({"a": [{"b": {"object_refs": []}}]}),
            json!({"related_indicators": [{"idref": "x"}]}),
            json!({"object_marking_refs": ["m"]}),
        ] {
            assert!(may_name_references(&body), "{body}");
        }
        for body in [
            json!({"type": "indicator", "title": "ends in _ref"}),
            json!({"reference": "x", "refs": ["y"], "a_refx": 1}),
            json!(["idref", {"nested": null}]),
            json!("object_refs"),
        ] {
            assert!(!may_name_references(&body), "{body}");
        }
    }

    #[test]
    fn typed_bodies_are_scanned_by_field_and_variant_names() {
        #[derive(serde::Serialize)]
        struct Body {
            title: String,
            observed_data_refs: Vec<String>,
        }
        #[derive(serde::Serialize)]
        enum Wrapper {
            #[serde(rename = "target_ref")]
            Target(u8),
            Plain(u8),
        }
        let body = Body {
            title: "t".into(),
            observed_data_refs: Vec::new(),
        };
        assert!(may_name_references(&body));
        assert!(may_name_references(&Wrapper::Target(1)));
        assert!(!may_name_references(&Wrapper::Plain(1)));
    }
}
