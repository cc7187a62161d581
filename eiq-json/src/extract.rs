//! Extracts: the observables (IP addresses, hashes, domains, …) linked to an entity.
//!
//! Package form: `{"kind": "ipv4", "value": "198.51.100.23", "meta": {"classification": "bad",
//! "confidence": "high"}, "instance_meta": {"link_types": ["observed"], "paths": []}}`. The
//! ingest-side forms (`meta.manual_extracts[]`, legacy `meta.bundled_extracts[]`) are
//! [`ManualExtract`] and [`BundledExtract`].

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Number, Value};

use crate::Extra;
use crate::field::Field;
use crate::vocab::{Classification, ExtractConfidence, ExtractKind, LinkType};

/// An extract value: text, or a number as some exports write `asn`, `port` and `file-size`.
///
/// Kept as written so a round trip is exact; [`ExtractValue::as_text`] gives the text form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum ExtractValue {
    /// Text (the normal form).
    Text(String),
    /// A JSON number.
    Number(Number),
}

impl ExtractValue {
    /// The value as text (numbers in their JSON spelling).
    pub fn as_text(&self) -> Cow<'_, str> {
        match self {
            Self::Text(text) => Cow::Borrowed(text),
            Self::Number(number) => Cow::Owned(number.to_string()),
        }
    }
}

/// Reads the value as its JSON type says, without the buffered copy an untagged enum makes of
/// every value before trying its variants (two allocations per extract instead of one).
impl<'de> Deserialize<'de> for ExtractValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextOrNumber;

        impl serde::de::Visitor<'_> for TextOrNumber {
            type Value = ExtractValue;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a number")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<ExtractValue, E> {
                Ok(ExtractValue::Text(text.to_owned()))
            }

            fn visit_string<E: serde::de::Error>(self, text: String) -> Result<ExtractValue, E> {
                Ok(ExtractValue::Text(text))
            }

            fn visit_u64<E: serde::de::Error>(self, number: u64) -> Result<ExtractValue, E> {
                Ok(ExtractValue::Number(number.into()))
            }

            fn visit_i64<E: serde::de::Error>(self, number: i64) -> Result<ExtractValue, E> {
                Ok(ExtractValue::Number(number.into()))
            }

            fn visit_f64<E: serde::de::Error>(self, number: f64) -> Result<ExtractValue, E> {
                Number::from_f64(number)
                    .map(ExtractValue::Number)
                    .ok_or_else(|| E::invalid_value(serde::de::Unexpected::Float(number), &self))
            }
        }

        deserializer.deserialize_any(TextOrNumber)
    }
}

impl fmt::Display for ExtractValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_text())
    }
}

impl From<&str> for ExtractValue {
    fn from(text: &str) -> Self {
        Self::Text(text.into())
    }
}

impl From<String> for ExtractValue {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<u64> for ExtractValue {
    fn from(number: u64) -> Self {
        Self::Number(number.into())
    }
}

/// One extract (observable) of an entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extract {
    /// What kind of observable this is.
    pub kind: ExtractKind,
    /// The observable value.
    pub value: ExtractValue,
    /// Classification and confidence.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub meta: Field<ExtractMeta>,
    /// How this entity relates to the observable (boxed: 120 bytes, often absent).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub instance_meta: Field<Box<InstanceMeta>>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Extract {
    /// An extract of `kind` with `value`, without classification or link types.
    ///
    /// ```
    /// use eiq_json::{Classification, Extract, ExtractConfidence, ExtractKind, LinkType};
    ///
    /// let extract = Extract::new(ExtractKind::IPV4, "198.51.100.23")
    ///     .with_classification(Classification::Bad)
    ///     .with_confidence(ExtractConfidence::High)
    ///     .with_link_type(LinkType::TEST_MECHANISM);
    /// assert_eq!(extract.classification(), Classification::Bad);
    /// assert_eq!(extract.link_types(), [LinkType::TEST_MECHANISM]);
    /// ```
    pub fn new(kind: ExtractKind, value: impl Into<ExtractValue>) -> Self {
        Self {
            kind,
            value: value.into(),
            meta: Field::Absent,
            instance_meta: Field::Absent,
            extra: Extra::new(),
        }
    }

    /// Sets the classification.
    #[must_use]
    pub fn with_classification(mut self, classification: Classification) -> Self {
        self.meta
            .update_or_default(|meta| meta.classification = Field::Present(classification));
        self
    }

    /// Sets the confidence (meaningful for `bad` extracts).
    #[must_use]
    pub fn with_confidence(mut self, confidence: ExtractConfidence) -> Self {
        self.meta
            .update_or_default(|meta| meta.confidence = Field::Present(confidence));
        self
    }

    /// Adds a link type (with an empty `paths` list when there was no `instance_meta`, as the
    /// platform writes).
    #[must_use]
    pub fn with_link_type(mut self, link_type: LinkType) -> Self {
        if self.instance_meta.get().is_none() {
            self.instance_meta = Field::Present(Box::new(InstanceMeta {
                paths: Field::Present(Vec::new()),
                ..InstanceMeta::default()
            }));
        }
        self.instance_meta.update_or_default(|instance| {
            instance
                .link_types
                .update_or_default(|list| list.push(link_type));
        });
        self
    }

    /// The classification; absent means [`Classification::Unknown`].
    pub fn classification(&self) -> Classification {
        self.meta
            .get()
            .and_then(|meta| meta.classification.get().copied())
            .unwrap_or(Classification::Unknown)
    }

    /// The confidence, if given.
    pub fn confidence(&self) -> Option<ExtractConfidence> {
        self.meta
            .get()
            .and_then(|meta| meta.confidence.get().copied())
    }

    /// The link types (empty when absent).
    pub fn link_types(&self) -> &[LinkType] {
        self.instance_meta
            .get()
            .and_then(|instance| instance.link_types.get())
            .map_or(&[], Vec::as_slice)
    }
}

/// Classification of an extract (`meta`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ExtractMeta {
    /// `bad`, `good` or `unknown`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub classification: Field<Classification>,
    /// `low`, `medium` or `high`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub confidence: Field<ExtractConfidence>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

/// How the entity relates to the extract (`instance_meta`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct InstanceMeta {
    /// Link types, e.g. `observed`, `test-mechanism`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub link_types: Field<Vec<LinkType>>,
    /// Where in the entity the value was found (shape undocumented, kept as JSON).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub paths: Field<Vec<Value>>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An ingest-side extract (`meta.manual_extracts[]`), as sent to the create-entity API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManualExtract {
    /// Kind.
    pub kind: ExtractKind,
    /// Value.
    pub value: ExtractValue,
    /// One link type (singular on the ingest side).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub link_type: Field<LinkType>,
    /// Classification.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub classification: Field<Classification>,
    /// Confidence.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub confidence: Field<ExtractConfidence>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A legacy ingest-side extract (`meta.bundled_extracts[]`, platform 2.0 era).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BundledExtract {
    /// Kind.
    pub kind: ExtractKind,
    /// Value.
    pub value: ExtractValue,
    /// Level; `2` in every known producer.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub level: Field<Value>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_text_or_number_and_write_back_as_given() {
        for (json, expected) in [
            (
                r#""198.51.100.7""#,
                ExtractValue::Text("198.51.100.7".into()),
            ),
            (r#""a\"b""#, ExtractValue::Text("a\"b".into())),
            ("443", ExtractValue::Number(443u64.into())),
            ("-1", ExtractValue::Number((-1i64).into())),
            ("1.5", ExtractValue::Number(Number::from_f64(1.5).unwrap())),
        ] {
            let value: ExtractValue = serde_json::from_str(json).unwrap();
            assert_eq!(value, expected, "{json}");
            assert_eq!(serde_json::to_string(&value).unwrap(), json);
        }
        for json in ["true", "null", "[1]", r#"{"a": 1}"#] {
            let err = serde_json::from_str::<ExtractValue>(json).unwrap_err();
            assert!(
                err.to_string().contains("expected a string or a number"),
                "{json}: {err}"
            );
        }
    }
}
