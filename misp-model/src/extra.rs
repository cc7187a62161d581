//! [`Extra`]: the keys of an item that its model does not type, kept verbatim and in the order
//! read so that a round trip loses nothing.
//!
//! Every attribute, tag, event and object has such a map, and almost all of them are empty.
//! An empty `serde_json::Map` is 72 bytes (it keeps key order), so an empty [`Extra`] holds no
//! map at all: it is one null pointer, 8 bytes. A 100k-attribute event has more than 100k of
//! them, and the mapping writes a million.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::OnceLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// The untyped keys of one item: a `serde_json::Map` in their original order, allocated only
/// once the first key is added.
///
/// It reads and writes as the map (`Deref`/`DerefMut`), so `extra.get("local")`,
/// `extra.insert(..)` and `for (key, value) in &extra` work as on a map; a mutable borrow
/// allocates the map if there is none yet. Two `Extra`s are equal when their maps are (an
/// `Extra` that allocated a map and was emptied again equals a new one).
///
/// ```
/// use misp_model::Tag;
/// use serde_json::json;
///
/// let tag: Tag = serde_json::from_value(json!({"name": "tlp:amber", "local": 0}))?;
/// assert_eq!(tag.extra.get("local"), Some(&json!(0)));
/// assert_eq!(tag.extra.len(), 1);
/// assert!(Tag::new("tlp:green").extra.is_empty());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Extra(Option<Box<Map<String, Value>>>);

/// The map an `Extra` without one reads as.
fn empty_map() -> &'static Map<String, Value> {
    static EMPTY: OnceLock<Map<String, Value>> = OnceLock::new();
    EMPTY.get_or_init(Map::new)
}

impl Extra {
    /// No keys, and no map allocated.
    pub const fn new() -> Self {
        Self(None)
    }

    /// Whether there are no keys (answered without touching a map when none was allocated).
    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|map| map.is_empty())
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |map| map.len())
    }

    /// The keys as a map.
    pub fn as_map(&self) -> &Map<String, Value> {
        self
    }

    /// The keys as an owned map.
    pub fn into_map(self) -> Map<String, Value> {
        self.0.map(|map| *map).unwrap_or_default()
    }
}

impl Deref for Extra {
    type Target = Map<String, Value>;

    fn deref(&self) -> &Map<String, Value> {
        match &self.0 {
            Some(map) => map,
            None => empty_map(),
        }
    }
}

impl DerefMut for Extra {
    fn deref_mut(&mut self) -> &mut Map<String, Value> {
        self.0.get_or_insert_with(Box::default)
    }
}

impl PartialEq for Extra {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Extra {}

impl PartialEq<Map<String, Value>> for Extra {
    fn eq(&self, other: &Map<String, Value>) -> bool {
        **self == *other
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl From<Map<String, Value>> for Extra {
    /// Holds `map`; an empty map is dropped, not kept.
    #[inline]
    fn from(map: Map<String, Value>) -> Self {
        if map.is_empty() {
            Self(None)
        } else {
            Self(Some(Box::new(map)))
        }
    }
}

impl From<Extra> for Map<String, Value> {
    fn from(extra: Extra) -> Self {
        extra.into_map()
    }
}

impl FromIterator<(String, Value)> for Extra {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(entries: I) -> Self {
        Map::from_iter(entries).into()
    }
}

impl Extend<(String, Value)> for Extra {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, entries: I) {
        let mut entries = entries.into_iter().peekable();
        if entries.peek().is_some() {
            (**self).extend(entries);
        }
    }
}

impl<'a> IntoIterator for &'a Extra {
    type Item = (&'a String, &'a Value);
    type IntoIter = serde_json::map::Iter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        (**self).iter()
    }
}

impl IntoIterator for Extra {
    type Item = (String, Value);
    type IntoIter = serde_json::map::IntoIter;

    fn into_iter(self) -> Self::IntoIter {
        self.into_map().into_iter()
    }
}

impl Serialize for Extra {
    /// As the JSON object of its keys.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Extra {
    /// From a JSON object.
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
        assert!(Extra::from_iter(std::iter::empty()).0.is_none());
        let mut extra = Extra::new();
        extra.extend(std::iter::empty());
        assert!(extra.0.is_none(), "extending by nothing allocates nothing");
    }

    #[test]
    fn reads_and_writes_as_its_map() {
        let mut extra = Extra::new();
        assert_eq!(extra.get("x"), None);
        extra.insert("b".into(), json!(1));
        extra.insert("a".into(), json!([true]));
        assert_eq!(extra.len(), 2);
        assert_eq!(
            extra.keys().map(String::as_str).collect::<Vec<_>>(),
            ["b", "a"],
            "the order keys were added in"
        );
        assert_eq!(
            serde_json::to_value(&extra).ok(),
            Some(json!({"b": 1, "a": [true]}))
        );
        let back: Extra = serde_json::from_value(json!({"b": 1, "a": [true]})).unwrap_or_default();
        assert_eq!(back, extra);
        assert_eq!(extra.clone().into_map(), *extra.as_map());
    }

    #[test]
    fn equality_is_the_maps() {
        let mut emptied = Extra::new();
        emptied.insert("k".into(), json!(null));
        emptied.remove("k");
        assert!(emptied.0.is_some() && emptied.is_empty());
        assert_eq!(emptied, Extra::new());
        assert_ne!(Extra::from_iter([("k".to_owned(), json!(1))]), Extra::new());
        assert_eq!(Extra::new(), Map::new());
        assert_eq!(format!("{:?}", Extra::new()), format!("{:?}", Map::new()));
    }
}
