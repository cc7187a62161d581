//! [`Rare`]: a field that is almost always empty, held behind one pointer that stays null while
//! the field is empty.
//!
//! An attribute's `object_relation`, `first_seen`, `last_seen` and `data` and its galaxy,
//! proposal and sighting lists are empty in nearly every attribute, yet as plain `Option<String>`
//! and `Vec` fields they took 168 of its bytes. Held as [`Rare`] they take 56, which is what a
//! 100k-attribute event and the mapping's million attributes pay for them.

use std::fmt;
use std::ops::{Deref, DerefMut};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value a [`Rare`] can hold: a type with an empty value that a `Rare` with nothing stored
/// reads as (`None` for an `Option`, no items for a `Vec`).
pub trait RareValue: Default + sealed::Sealed + 'static {
    /// The empty value, shared by every empty `Rare`.
    const EMPTY: &'static Self;

    /// Whether `self` is the empty value (a `Rare` does not keep an empty value it is given).
    fn is_empty_value(&self) -> bool;
}

mod sealed {
    /// Only the types of this module hold as rare values (their empty value is a constant).
    pub trait Sealed {}
    impl<T> Sealed for Option<T> {}
    impl<T> Sealed for Vec<T> {}
}

impl<T: 'static> RareValue for Option<T> {
    const EMPTY: &'static Self = &None;

    fn is_empty_value(&self) -> bool {
        self.is_none()
    }
}

impl<T: 'static> RareValue for Vec<T> {
    const EMPTY: &'static Self = &Self::new();

    fn is_empty_value(&self) -> bool {
        self.is_empty()
    }
}

/// A field that is empty in almost every item: 8 bytes while empty (no allocation), one box
/// once it holds something.
///
/// It reads and writes as the value it holds (`Deref`/`DerefMut`): `attribute.galaxies.len()`,
/// `attribute.first_seen.as_deref()` and `attribute.galaxies.push(..)` work as on the plain
/// field; a mutable borrow allocates the box if there is none yet. To replace the value, assign
/// through the borrow (`*attribute.first_seen = Some(..)`) or assign a converted one
/// (`attribute.first_seen = Some(..).into()`). Two `Rare`s are equal when their values are, and
/// serde reads and writes a `Rare` as its value.
///
/// ```
/// use misp_model::Attribute;
///
/// let mut attribute = Attribute::new("ip-dst", "203.0.113.7");
/// assert_eq!(attribute.first_seen.as_deref(), None);
/// assert!(attribute.galaxies.is_empty());
///
/// *attribute.first_seen = Some("2024-05-01T00:00:00Z".to_owned());
/// attribute.last_seen = Some("2024-05-02T00:00:00Z".to_owned()).into();
/// assert_eq!(attribute.first_seen.as_deref(), Some("2024-05-01T00:00:00Z"));
/// assert_eq!(attribute.last_seen.as_deref(), Some("2024-05-02T00:00:00Z"));
/// ```
#[derive(Clone, Default)]
pub struct Rare<T>(Option<Box<T>>);

impl<T: RareValue> Rare<T> {
    /// Nothing stored: reads as the empty value.
    pub const fn empty() -> Self {
        Self(None)
    }

    /// The value, taken out (the empty value when nothing is stored).
    pub fn into_inner(self) -> T {
        self.0.map(|value| *value).unwrap_or_default()
    }

    /// Whether the value is empty (answered without touching a box when none was allocated).
    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|value| value.is_empty_value())
    }
}

impl<T: RareValue> Deref for Rare<T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        match &self.0 {
            Some(value) => value,
            None => T::EMPTY,
        }
    }
}

impl<T: RareValue> DerefMut for Rare<T> {
    fn deref_mut(&mut self) -> &mut T {
        self.0.get_or_insert_with(Box::default)
    }
}

impl<T: RareValue> From<T> for Rare<T> {
    /// Holds `value`; an empty value is dropped, not boxed.
    #[inline]
    fn from(value: T) -> Self {
        if value.is_empty_value() {
            Self(None)
        } else {
            Self(Some(Box::new(value)))
        }
    }
}

impl<T: RareValue + PartialEq> PartialEq for Rare<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: RareValue + Eq> Eq for Rare<T> {}

impl<T: RareValue + PartialEq> PartialEq<T> for Rare<T> {
    fn eq(&self, other: &T) -> bool {
        **self == *other
    }
}

impl<T: RareValue + fmt::Debug> fmt::Debug for Rare<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl<T: RareValue + Serialize> Serialize for Rare<T> {
    /// Serializes as the value (an empty `Rare` as the empty value).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(serializer)
    }
}

impl<'de, T: RareValue + Deserialize<'de>> Deserialize<'de> for Rare<T> {
    /// Deserializes the value; an empty one is not boxed.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::Rare;

    #[test]
    fn an_empty_rare_is_one_null_pointer() {
        assert_eq!(size_of::<Rare<Option<String>>>(), 8);
        assert_eq!(size_of::<Rare<Vec<u64>>>(), 8);
        assert!(Rare::<Vec<u64>>::default().0.is_none());
        assert!(
            Rare::from(Vec::<u64>::new()).0.is_none(),
            "an empty value is not boxed"
        );
        assert!(Rare::from(None::<String>).0.is_none());
    }

    #[test]
    fn reads_and_writes_as_its_value() {
        let mut list: Rare<Vec<u64>> = Rare::empty();
        assert!(list.is_empty());
        assert_eq!(list.len(), 0);
        list.push(7);
        list.push(8);
        assert_eq!(*list, [7, 8]);
        assert!(!list.is_empty());
        assert_eq!(list.clone().into_inner(), vec![7, 8]);

        let mut text: Rare<Option<String>> = Some("x".to_owned()).into();
        assert_eq!(text.as_deref(), Some("x"));
        *text = None;
        assert!(text.is_empty());
        assert_eq!(text.into_inner(), None);
        assert_eq!(Rare::<Option<String>>::empty().into_inner(), None);
    }

    #[test]
    fn equality_is_by_value_whether_boxed_or_not() {
        let mut emptied: Rare<Vec<u64>> = vec![1].into();
        emptied.clear();
        assert_eq!(
            emptied,
            Rare::empty(),
            "a box holding nothing equals no box"
        );
        assert_eq!(emptied, Vec::new());
        assert_ne!(Rare::from(vec![1u64]), Rare::from(vec![2u64]));
        assert_eq!(format!("{:?}", Rare::from(Some(3u8))), "Some(3)");
    }

    #[test]
    fn serde_sees_the_value() {
        let list: Rare<Vec<u8>> = vec![1, 2].into();
        assert_eq!(serde_json::to_string(&list).unwrap(), "[1,2]");
        assert_eq!(
            serde_json::to_string(&Rare::<Option<u8>>::empty()).unwrap(),
            "null"
        );
        let read: Rare<Vec<u8>> = serde_json::from_str("[]").unwrap();
        assert!(read.0.is_none(), "an empty value read is not boxed");
        let read: Rare<Option<String>> = serde_json::from_str("\"x\"").unwrap();
        assert_eq!(read.as_deref(), Some("x"));
    }
}
