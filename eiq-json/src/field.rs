//! [`Field`]: an optional JSON member that remembers whether it was absent or `null`.
//!
//! EclecticIQ writes `"estimated_threat_end_time": null` and omits other members entirely; a
//! lossless round trip has to tell the two apart, which `Option` cannot.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An optional member of a JSON object: absent, explicitly `null`, or present with a value.
///
/// Struct fields of this type use `#[serde(default, skip_serializing_if = "Field::is_absent")]`,
/// so an absent member stays absent and a `null` member is written back as `null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Field<T> {
    /// The member is not in the object.
    #[default]
    Absent,
    /// The member is present with the value `null`.
    Null,
    /// The member is present with a value.
    Present(T),
}

impl<T> Field<T> {
    /// Whether the member is absent (used by serde to skip it when writing).
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// Whether the member is explicitly `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The value, if present (absent and `null` both give `None`).
    pub fn get(&self) -> Option<&T> {
        match self {
            Self::Present(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// The value mutably, if present.
    pub fn get_mut(&mut self) -> Option<&mut T> {
        match self {
            Self::Present(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// Runs `change` on the value, starting from `T::default()` when the member is absent or
    /// `null`; the member is present afterwards.
    pub fn update_or_default(&mut self, change: impl FnOnce(&mut T))
    where
        T: Default,
    {
        let mut value = std::mem::replace(self, Self::Absent)
            .into_option()
            .unwrap_or_default();
        change(&mut value);
        *self = Self::Present(value);
    }

    /// The value, if present, by value.
    pub fn into_option(self) -> Option<T> {
        match self {
            Self::Present(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }
}

impl<T> From<T> for Field<T> {
    fn from(value: T) -> Self {
        Self::Present(value)
    }
}

impl<T> From<Option<T>> for Field<T> {
    /// `None` becomes [`Field::Absent`].
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Absent, Self::Present)
    }
}

impl<T: Serialize> Serialize for Field<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Present(value) => value.serialize(serializer),
            Self::Absent | Self::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(|value| value.map_or(Self::Null, Self::Present))
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::Field;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Holder {
        #[serde(default, skip_serializing_if = "Field::is_absent")]
        member: Field<u32>,
    }

    #[test]
    fn absent_null_and_present_survive_a_round_trip() {
        for (text, expected) in [
            ("{}", Field::Absent),
            (r#"{"member":null}"#, Field::Null),
            (r#"{"member":7}"#, Field::Present(7)),
        ] {
            let holder: Holder = serde_json::from_str(text).unwrap();
            assert_eq!(holder.member, expected);
            assert_eq!(serde_json::to_string(&holder).unwrap(), text);
        }
    }

    #[test]
    fn accessors() {
        let mut field = Field::Null;
        assert_eq!(field.get(), None);
        assert!(field.is_null());
        field.update_or_default(|value: &mut u32| *value += 2);
        assert_eq!(field, Field::Present(2));
        field.update_or_default(|value| *value *= 10);
        assert_eq!(field.into_option(), Some(20));
        assert_eq!(Field::<u32>::from(None), Field::Absent);
    }
}
