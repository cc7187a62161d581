//! Packages (the envelope an outgoing feed writes) and the [`Document`] entry point that tells
//! a package from a bare or wrapped entity.

use std::collections::BTreeMap;

use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use taxii1_core::ContentBindingId;

use crate::Extra;
use crate::entity::{Entity, WrappedEntity};
use crate::error::{Error, LimitKind, Result};
use crate::extract::Extract;
use crate::field::Field;
use crate::json;
use crate::limits::Limits;

/// The EclecticIQ JSON version a package declares in `content-type`; the same URN is the TAXII
/// content binding id ([`ContentType::binding_id`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentType {
    /// `urn:eclecticiq.com:json:1.0` (IC 2.x).
    V1,
    /// `urn:eclecticiq.com:json:2.0` (IC 3.x, adds `entities_v2`).
    V2,
}

impl ContentType {
    /// The TAXII content binding id with the same URN.
    pub fn binding_id(self) -> ContentBindingId {
        match self {
            Self::V1 => ContentBindingId::EIQ_JSON_1_0,
            Self::V2 => ContentBindingId::EIQ_JSON_2_0,
        }
    }

    /// The content type for a binding id, if it is an EclecticIQ JSON one.
    pub fn from_binding_id(binding_id: &ContentBindingId) -> Option<Self> {
        if *binding_id == ContentBindingId::EIQ_JSON_1_0 {
            Some(Self::V1)
        } else if *binding_id == ContentBindingId::EIQ_JSON_2_0 {
            Some(Self::V2)
        } else {
            None
        }
    }

    /// The content type named by a URN.
    pub fn parse(urn: &str) -> Option<Self> {
        Self::from_binding_id(&ContentBindingId::new(urn.trim()))
    }
}

impl Serialize for ContentType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.binding_id().as_str())
    }
}

impl<'de> Deserialize<'de> for ContentType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format_args!("unsupported content type `{text}`"))
        })
    }
}

/// A package: what one outgoing-feed run writes and a TAXII content block carries.
///
/// ```
/// use eiq_json::{ContentType, Package};
///
/// let json = br#"{"content-type": "urn:eclecticiq.com:json:1.0", "entities": [],
///   "entity_counts": {}, "platform_version": "2.14.0"}"#;
/// let package = Package::from_json(json)?;
/// assert_eq!(package.content_type, ContentType::V1);
/// assert!(package.entities().is_empty());
/// let again: serde_json::Value = serde_json::from_slice(&package.to_json()?).unwrap();
/// assert_eq!(again, serde_json::from_slice::<serde_json::Value>(json).unwrap());
/// # Ok::<(), eiq_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Package {
    /// The format version.
    #[serde(rename = "content-type")]
    pub content_type: ContentType,
    /// Enrichment records (only when an embedded extract was enriched).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub enrichments: Field<Vec<Enrichment>>,
    /// The entities, relations and stubs.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub entities: Field<Vec<Entity>>,
    /// v2 entities (IC 3.x; shape not public, kept as JSON).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub entities_v2: Field<Vec<Value>>,
    /// Entities per type as the producer counted them (advisory: see
    /// [`Package::count_mismatches`]).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub entity_counts: Field<BTreeMap<String, u64>>,
    /// v2 counts (kept as JSON).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub entity_counts_v2: Field<Map<String, Value>>,
    /// Name of the outgoing feed (`Exported entities` for a manual export).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub outgoing_feed_name: Field<String>,
    /// Version of the producing platform.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub platform_version: Field<String>,
    /// When the package was generated (ISO 8601 text as given).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub timestamp: Field<String>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One enrichment record (`enrichments[]`): extracts an enricher derived from an input extract.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Enrichment {
    /// The enricher's name.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub enricher: Field<String>,
    /// The extract that was enriched.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub input_extract: Field<Extract>,
    /// What the enricher produced (also in the owning entity's `enrichment_extracts`).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub output_extracts: Field<Vec<Extract>>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A declared entity count that differs from the entities in the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountMismatch {
    /// The entity type (`data.type`).
    pub entity_type: String,
    /// What `entity_counts` says (0 when the type is missing there).
    pub declared: u64,
    /// How many entities of the type the package holds.
    pub actual: u64,
}

impl Package {
    /// An empty package of the given version with an empty entity list.
    pub fn new(content_type: ContentType) -> Self {
        Self {
            content_type,
            enrichments: Field::Absent,
            entities: Field::Present(Vec::new()),
            entities_v2: Field::Absent,
            entity_counts: Field::Absent,
            entity_counts_v2: Field::Absent,
            outgoing_feed_name: Field::Absent,
            platform_version: Field::Absent,
            timestamp: Field::Absent,
            extra: Extra::new(),
        }
    }

    /// Parses a package with the default [`Limits`].
    ///
    /// # Errors
    /// See [`Package::from_json_with`].
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        Self::from_json_with(bytes, &Limits::default())
    }

    /// Parses a package, checking `limits`.
    ///
    /// # Errors
    /// [`Error::TooLarge`] before parsing; [`Error::UnsupportedContentType`];
    /// [`Error::Json`] with the path of a malformed member; [`Error::LimitExceeded`].
    pub fn from_json_with(bytes: &[u8], limits: &Limits) -> Result<Self> {
        limits.size().check(bytes.len())?;
        // A well-formed package is read once. Only one that fails is read again, the top
        // level first, so that an unsupported content type is named as such rather than as a
        // JSON error (a package reads exactly when both readings below succeed).
        let package = match json::read_untracked::<Self>(bytes) {
            Some(package) => package,
            None => {
                let probe: Probe = json::parse(bytes, limits)?;
                probe.check_content_type()?;
                // The untracked reading above already failed: only the tracked one says where.
                json::parse_tracked(bytes)?
            }
        };
        package.check_limits(limits)?;
        Ok(package)
    }

    /// Writes the package as compact JSON.
    ///
    /// # Errors
    /// [`Error::Write`] (not expected for values this crate built or parsed).
    pub fn to_json(&self) -> Result<Vec<u8>> {
        json::write(self)
    }

    /// Writes the package as indented JSON.
    ///
    /// # Errors
    /// [`Error::Write`] (not expected for values this crate built or parsed).
    pub fn to_json_pretty(&self) -> Result<Vec<u8>> {
        json::write_pretty(self)
    }

    /// The entities (empty when absent).
    pub fn entities(&self) -> &[Entity] {
        self.entities.get().map_or(&[], Vec::as_slice)
    }

    /// Appends an entity.
    pub fn push_entity(&mut self, entity: Entity) {
        self.entities
            .update_or_default(|entities| entities.push(entity));
    }

    /// Entities per `data.type` as the package actually holds them.
    pub fn computed_entity_counts(&self) -> BTreeMap<String, u64> {
        let mut counts = BTreeMap::new();
        for entity in self.entities() {
            *counts
                .entry(entity.entity_type().as_str().to_string())
                .or_insert(0) += 1;
        }
        counts
    }

    /// Sets `entity_counts` from the entities held.
    pub fn update_entity_counts(&mut self) {
        self.entity_counts = Field::Present(self.computed_entity_counts());
    }

    /// Types whose declared count differs from the actual one (empty when `entity_counts` is
    /// absent: nothing was declared).
    pub fn count_mismatches(&self) -> Vec<CountMismatch> {
        let Some(declared) = self.entity_counts.get() else {
            return Vec::new();
        };
        let actual = self.computed_entity_counts();
        let mut types: Vec<&String> = declared.keys().chain(actual.keys()).collect();
        types.sort();
        types.dedup();
        types
            .into_iter()
            .filter_map(|entity_type| {
                let declared = declared.get(entity_type).copied().unwrap_or(0);
                let actual = actual.get(entity_type).copied().unwrap_or(0);
                (declared != actual).then(|| CountMismatch {
                    entity_type: entity_type.clone(),
                    declared,
                    actual,
                })
            })
            .collect()
    }

    fn check_limits(&self, limits: &Limits) -> Result<()> {
        let count = self.entities().len() + self.entities_v2.get().map_or(0, Vec::len);
        if count > limits.max_entities() {
            return Err(Error::LimitExceeded {
                limit: LimitKind::Entities,
                path: "entities".into(),
                found: count,
                max: limits.max_entities(),
            });
        }
        for (index, entity) in self.entities().iter().enumerate() {
            check_extracts(entity, &format!("entities[{index}]"), limits)?;
        }
        Ok(())
    }
}

fn check_extracts(entity: &Entity, path: &str, limits: &Limits) -> Result<()> {
    let count = entity.extracts().len() + entity.enrichment_extracts().len();
    if count > limits.max_extracts_per_entity() {
        return Err(Error::LimitExceeded {
            limit: LimitKind::ExtractsPerEntity,
            path: if path == "." {
                "extracts".into()
            } else {
                format!("{path}.extracts")
            },
            found: count,
            max: limits.max_extracts_per_entity(),
        });
    }
    Ok(())
}

/// The top-level members that tell the document shapes apart, read without building values.
#[derive(Default)]
struct Probe {
    content_type: Option<Value>,
    entities: bool,
    id: bool,
    data: bool,
}

impl<'de> Deserialize<'de> for Probe {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ProbeVisitor;

        impl<'de> serde::de::Visitor<'de> for ProbeVisitor {
            type Value = Probe;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object (an EclecticIQ package or entity)")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Probe, A::Error> {
                let mut probe = Probe::default();
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match key.as_ref() {
                        "content-type" => probe.content_type = Some(map.next_value()?),
                        other => {
                            map.next_value::<IgnoredAny>()?;
                            match other {
                                "entities" => probe.entities = true,
                                "id" => probe.id = true,
                                "data" => probe.data = true,
                                _ => {}
                            }
                        }
                    }
                }
                Ok(probe)
            }
        }

        deserializer.deserialize_map(ProbeVisitor)
    }
}

impl Probe {
    fn check_content_type(&self) -> Result<()> {
        match &self.content_type {
            None => Ok(()),
            Some(Value::String(text)) if ContentType::parse(text).is_some() => Ok(()),
            Some(Value::String(text)) => Err(Error::UnsupportedContentType {
                found: text.clone(),
            }),
            Some(other) => Err(Error::UnsupportedContentType {
                found: other.to_string(),
            }),
        }
    }
}

/// Any EclecticIQ JSON document: a package, one entity, or a wrapped entity.
///
/// ```
/// use eiq_json::Document;
///
/// let document = Document::from_json(br#"{"data": {"data": {"type": "indicator"}}}"#)?;
/// assert!(matches!(document, Document::Wrapped(_)));
/// # Ok::<(), eiq_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Document {
    /// A package (has `content-type` or `entities`).
    Package(Box<Package>),
    /// A bare entity (has `id` and `data`).
    Entity(Box<Entity>),
    /// An entity inside a `data` wrapper without an id (API create body, legacy document).
    Wrapped(Box<WrappedEntity>),
}

impl Document {
    /// Parses any document with the default [`Limits`].
    ///
    /// # Errors
    /// See [`Document::from_json_with`].
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        Self::from_json_with(bytes, &Limits::default())
    }

    /// Parses any document: a package when the top level has `content-type` or `entities`, an
    /// entity when it has `id`, a wrapped entity when it has only `data`.
    ///
    /// # Errors
    /// [`Error::UnrecognizedDocument`] for any other object; otherwise as
    /// [`Package::from_json_with`].
    pub fn from_json_with(bytes: &[u8], limits: &Limits) -> Result<Self> {
        limits.size().check(bytes.len())?;
        // A well-formed package is read once: it has a supported `content-type`, so the probe
        // below would choose it too. A document whose bytes never spell that member cannot be
        // a package, so an entity is not first read in full as a failed package (one with the
        // member name escaped takes the probe below, which reads it correctly).
        if memchr::memmem::find(bytes, br#""content-type""#).is_some()
            && let Some(package) = json::read_untracked::<Package>(bytes)
        {
            package.check_limits(limits)?;
            return Ok(Self::Package(Box::new(package)));
        }
        let probe: Probe = json::parse(bytes, limits)?;
        if probe.content_type.is_some() || probe.entities {
            probe.check_content_type()?;
            // The untracked reading above already failed: only the tracked one says where.
            let package: Package = json::parse_tracked(bytes)?;
            package.check_limits(limits)?;
            Ok(Self::Package(Box::new(package)))
        } else if probe.id {
            let entity: Entity = json::parse(bytes, limits)?;
            check_extracts(&entity, ".", limits)?;
            Ok(Self::Entity(Box::new(entity)))
        } else if probe.data {
            let wrapped: WrappedEntity = json::parse(bytes, limits)?;
            Ok(Self::Wrapped(Box::new(wrapped)))
        } else {
            Err(Error::UnrecognizedDocument)
        }
    }

    /// Writes the document as compact JSON.
    ///
    /// # Errors
    /// [`Error::Write`] (not expected for values this crate built or parsed).
    pub fn to_json(&self) -> Result<Vec<u8>> {
        json::write(self)
    }

    /// Writes the document as indented JSON.
    ///
    /// # Errors
    /// [`Error::Write`] (not expected for values this crate built or parsed).
    pub fn to_json_pretty(&self) -> Result<Vec<u8>> {
        json::write_pretty(self)
    }
}

impl Entity {
    /// Parses one entity with the default [`Limits`].
    ///
    /// # Errors
    /// See [`Entity::from_json_with`].
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        Self::from_json_with(bytes, &Limits::default())
    }

    /// Parses one entity, checking `limits`.
    ///
    /// # Errors
    /// [`Error::TooLarge`], [`Error::Json`] with the path of a malformed member,
    /// [`Error::LimitExceeded`].
    pub fn from_json_with(bytes: &[u8], limits: &Limits) -> Result<Self> {
        let entity: Self = json::parse(bytes, limits)?;
        check_extracts(&entity, ".", limits)?;
        Ok(entity)
    }

    /// Writes the entity as compact JSON.
    ///
    /// # Errors
    /// [`Error::Write`] (not expected for values this crate built or parsed).
    pub fn to_json(&self) -> Result<Vec<u8>> {
        json::write(self)
    }
}
