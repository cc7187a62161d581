//! [`Extra`]: the members of an object that this crate does not model, kept in the order read so
//! that a package written back loses nothing.
//!
//! Every entity, body, extract, meta and source has one, and in real packages almost all are
//! empty. An empty `serde_json::Map` still takes 72 bytes (it keeps key order), five or more
//! times per indicator; an empty `Extra` holds no map and takes 8.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::OnceLock;

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// Unmodelled members: a `serde_json::Map` in their original order, allocated when the first
/// member arrives.
///
/// It reads and writes as the map through `Deref`/`DerefMut` (`extra.get("x_vendor")`,
/// `extra.insert(..)`); a mutable borrow allocates the map if there is none yet. Two `Extra`s
/// are equal when their maps are, so an emptied one equals a new one.
///
/// ```
/// use eiq_json::{Extra, Source};
/// use serde_json::json;
///
/// let source: Source = serde_json::from_value(json!({"name": "feed", "x_rank": 3}))?;
/// assert_eq!(source.extra.get("x_rank"), Some(&json!(3)));
/// assert!(Extra::new().is_empty());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Extra(Option<Box<Map<String, Value>>>);

impl Extra {
    /// No members, and no map allocated.
    pub const fn new() -> Self {
        Self(None)
    }

    /// The value of member `key`. Answered without touching a map when none was allocated, which
    /// is the usual case (the `Deref` path would fetch the shared empty map first).
    #[inline]
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.as_ref()?.get(key)
    }

    /// Whether there are no members.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|map| map.is_empty())
    }

    /// The members as an owned map.
    pub fn into_map(self) -> Map<String, Value> {
        self.0.map(|map| *map).unwrap_or_default()
    }
}

impl Deref for Extra {
    type Target = Map<String, Value>;

    #[inline]
    fn deref(&self) -> &Map<String, Value> {
        static NONE: OnceLock<Map<String, Value>> = OnceLock::new();
        self.0
            .as_deref()
            .unwrap_or_else(|| NONE.get_or_init(Map::new))
    }
}

impl DerefMut for Extra {
    #[inline]
    fn deref_mut(&mut self) -> &mut Map<String, Value> {
        self.0.get_or_insert_with(Box::default)
    }
}

impl PartialEq for Extra {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl From<Map<String, Value>> for Extra {
    /// Holds `map`, or nothing when it is empty.
    fn from(map: Map<String, Value>) -> Self {
        Self((!map.is_empty()).then(|| Box::new(map)))
    }
}

impl<'a> IntoIterator for &'a Extra {
    type Item = (&'a String, &'a Value);
    type IntoIter = serde_json::map::Iter<'a>;

    /// The members in order, so `for (name, value) in &entity.extra` reads as it did on a map.
    fn into_iter(self) -> Self::IntoIter {
        (**self).iter()
    }
}

impl Serialize for Extra {
    /// As the members of its map (a struct writes them `flatten`ed after its own).
    #[inline]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Some(map) => map.serialize(serializer),
            None => serializer.serialize_map(Some(0))?.end(),
        }
    }
}

impl<'de> Deserialize<'de> for Extra {
    /// From a JSON object (for a struct, the members its own fields did not take).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::deserialize(deserializer).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn an_empty_extra_holds_no_map() {
        assert_eq!(size_of::<Extra>(), 8);
        assert!(Extra::new().0.is_none());
        assert!(Extra::from(Map::new()).0.is_none());
        let read: Extra = serde_json::from_value(json!({})).unwrap();
        assert!(read.0.is_none(), "an empty object allocates nothing");
    }

    #[test]
    fn a_struct_read_without_unknown_members_allocates_no_map() {
        let plain = crate::Entity::from_json(
            br#"{"id": "2241e780-5ab2-5c27-86be-1774b6079ab7",
                 "data": {"type": "indicator", "title": "t"},
                 "extracts": [{"kind": "ipv4", "value": "192.0.2.1"}]}"#,
        )
        .unwrap();
        assert!(plain.extra.0.is_none());
        assert!(plain.data.extra().0.is_none());
        let extracts = plain.extracts();
        assert_eq!(extracts.len(), 1);
        assert!(extracts.iter().all(|extract| extract.extra.0.is_none()));
        let vendor: crate::Source =
            serde_json::from_str(r#"{"name": "feed", "x_rank": 3, "x_tag": "a"}"#).unwrap();
        let vendor = vendor.extra.into_map();
        assert_eq!(
            vendor.keys().map(String::as_str).collect::<Vec<_>>(),
            ["x_rank", "x_tag"],
            "the unknown members, in the order read"
        );
    }

    #[test]
    fn reads_and_writes_as_its_map_in_order() {
        let mut extra = Extra::new();
        assert_eq!(extra.get("x"), None);
        extra.insert("b".into(), json!(1));
        extra.insert("a".into(), json!([true]));
        assert_eq!(
            serde_json::to_string(&extra).unwrap(),
            r#"{"b":1,"a":[true]}"#
        );
        let back: Extra = serde_json::from_str(r#"{"b":1,"a":[true]}"#).unwrap();
        assert_eq!(back, extra);
        assert_eq!(extra.clone().into_map(), *extra);
        let names: Vec<&str> = (&extra)
            .into_iter()
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(names, ["b", "a"]);
        extra.remove("a");
        extra.remove("b");
        assert_eq!(extra, Extra::new(), "an emptied map equals no map");
        assert_eq!(format!("{:?}", Extra::new()), "{}");
    }
}
