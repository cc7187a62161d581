//! Entities: the envelope around a typed body (`id`, `data`, `meta`, `extracts`, …).
//!
//! Docs convention: paths are relative to one element of `entities[]` (`data.id` is
//! `entities[n].data.id`).

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::Extra;
use crate::data::EntityData;
use crate::extract::{BundledExtract, Extract, ManualExtract};
use crate::field::Field;
use crate::id::EntityId;
use crate::vocab::{EntityType, SourceReliability, Tlp};

/// Declares the members an entity envelope has besides `id`, shared by [`Entity`] (in
/// packages, with an `id`) and [`EntityDraft`] (API create bodies and legacy documents,
/// without one).
macro_rules! entity_envelope {
    ($(#[$meta:meta])* $name:ident { $( $(#[$fmeta:meta])* $vis:vis $field:ident : $ty:ty, )* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            $( $(#[$fmeta])* $vis $field: $ty, )*
            /// The typed body.
            pub data: EntityData,
            /// Platform metadata (TLP, tags, times, reliability). Boxed: `Meta` is 384 bytes,
            /// and held inline it made every entity 608 bytes (240 boxed), which every pass
            /// over a large dataset read through.
            #[serde(default, skip_serializing_if = "Field::is_absent")]
            pub meta: Field<Box<Meta>>,
            /// Observables linked to the entity.
            #[serde(default, skip_serializing_if = "Field::is_absent")]
            pub extracts: Field<Vec<Extract>>,
            /// Observables produced by enrichers (also listed in the package's `enrichments`).
            #[serde(default, skip_serializing_if = "Field::is_absent")]
            pub enrichment_extracts: Field<Vec<Extract>>,
            /// Provenance: `{"source_id": …, "name": …}`.
            #[serde(default, skip_serializing_if = "Field::is_absent")]
            pub sources: Field<Vec<Source>>,
            /// Attached files (shape undocumented, kept as JSON).
            #[serde(default, skip_serializing_if = "Field::is_absent")]
            pub attachments: Field<Vec<Value>>,
            /// Members this crate does not model, kept for the round trip.
            #[serde(flatten)]
            pub extra: $crate::Extra,
        }

        impl $name {
            /// The entity type (`data.type`).
            pub fn entity_type(&self) -> &EntityType {
                self.data.entity_type()
            }

            /// The title to show: the alias `meta.title` when set, else `data.title`.
            pub fn display_title(&self) -> Option<&str> {
                self.meta
                    .get()
                    .and_then(|meta| meta.title.get())
                    .map(String::as_str)
                    .or_else(|| self.data.title())
            }

            /// The TLP colour: `meta.tlp_color`, else the TLP marking in `data.handling`.
            pub fn tlp(&self) -> Option<Tlp> {
                self.meta
                    .get()
                    .and_then(|meta| meta.tlp_color.get().copied())
                    .or_else(|| self.data.handling_tlp())
            }

            /// The extracts (empty when absent).
            pub fn extracts(&self) -> &[Extract] {
                self.extracts.get().map_or(&[], Vec::as_slice)
            }

            /// The enrichment extracts (empty when absent).
            pub fn enrichment_extracts(&self) -> &[Extract] {
                self.enrichment_extracts.get().map_or(&[], Vec::as_slice)
            }

            /// The tags in `meta.tags` (empty when absent).
            pub fn tags(&self) -> &[String] {
                self.meta.get().and_then(|meta| meta.tags.get()).map_or(&[], Vec::as_slice)
            }
        }
    };
}

entity_envelope! {
    /// One entity of a package: an incident, an indicator, a relation, a stub, ….
    ///
    /// ```
    /// use eiq_json::{Entity, EntityType, Tlp};
    ///
    /// let json = br#"{"id": "2241e780-5ab2-5c27-86be-1774b6079ab7",
    ///   "data": {"type": "incident", "title": "Phishing wave"},
    ///   "meta": {"tlp_color": "AMBER"}}"#;
    /// let entity = Entity::from_json(json)?;
    /// assert_eq!(entity.entity_type(), &EntityType::INCIDENT);
    /// assert_eq!(entity.display_title(), Some("Phishing wave"));
    /// assert_eq!(entity.tlp(), Some(Tlp::Amber));
    /// # Ok::<(), eiq_json::Error>(())
    /// ```
    Entity {
        /// The entity's UUID.
        pub id: EntityId,
    }
}

entity_envelope! {
    /// An entity without an `id`: the body of the create-entity API
    /// (`{"data": {"data": …, "meta": …, "sources": […]}}`) and of legacy single-entity
    /// documents, where the platform assigns the id.
    EntityDraft {
    }
}

impl Entity {
    /// An entity with `id` and `data` and nothing else.
    pub fn new(id: EntityId, data: EntityData) -> Self {
        Self {
            id,
            data,
            meta: Field::Absent,
            extracts: Field::Absent,
            enrichment_extracts: Field::Absent,
            sources: Field::Absent,
            attachments: Field::Absent,
            extra: Extra::new(),
        }
    }

    /// Gives a draft its id.
    pub fn from_draft(id: EntityId, draft: EntityDraft) -> Self {
        Self {
            id,
            data: draft.data,
            meta: draft.meta,
            extracts: draft.extracts,
            enrichment_extracts: draft.enrichment_extracts,
            sources: draft.sources,
            attachments: draft.attachments,
            extra: draft.extra,
        }
    }

    /// Whether this is a `relation` entity.
    pub fn is_relation(&self) -> bool {
        self.data.as_relation().is_some()
    }

    /// Whether this is a `<type>_ref` stub for an entity outside the package.
    pub fn is_stub(&self) -> bool {
        self.entity_type().is_stub()
    }
}

/// Platform metadata of an entity (`meta`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Meta {
    /// TLP colour. The string `"null"` some API answers carry is read as `null`.
    #[serde(
        default,
        deserialize_with = "tlp_color",
        skip_serializing_if = "Field::is_absent"
    )]
    pub tlp_color: Field<Tlp>,
    /// Free-form tags.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub tags: Field<Vec<String>>,
    /// Taxonomy nodes as sent on ingest (shape varies, kept as JSON).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub taxonomy: Field<Vec<Value>>,
    /// Taxonomy node URLs as the API returns them (kept as JSON).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub taxonomies: Field<Vec<Value>>,
    /// Taxonomy paths; the leaf is the last element of each path.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub taxonomy_paths: Field<Vec<Vec<String>>>,
    /// Alias, shown instead of `data.title`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub title: Field<String>,
    /// Admiralty source reliability `A`–`F`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub source_reliability: Field<SourceReliability>,
    /// When the entity was observed (ISO 8601 text as given).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub estimated_observed_time: Field<String>,
    /// Start of the threat window.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub estimated_threat_start_time: Field<String>,
    /// End of the threat window (often `null`).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub estimated_threat_end_time: Field<String>,
    /// Days until relevance halves (defaults: [`EntityType::default_half_life`]).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub half_life: Field<u64>,
    /// When the platform ingested the entity.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub ingest_time: Field<String>,
    /// Ingest-side extracts (create-entity API).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub manual_extracts: Field<Vec<ManualExtract>>,
    /// Legacy ingest-side extracts.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub bundled_extracts: Field<Vec<BundledExtract>>,
    /// Whether only the bundled extracts count (no extraction from text).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub bundled_extracts_only: Field<bool>,
    /// Paths excluded from automatic extraction (kept as JSON).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub extraction_ignore_paths: Field<Vec<Value>>,
    /// Members this crate does not model (`relevancy`, `attacks`, …), kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

fn tlp_color<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Field<Tlp>, D::Error> {
    match Option::<String>::deserialize(deserializer)? {
        None => Ok(Field::Null),
        Some(text) if text.trim().eq_ignore_ascii_case("null") => Ok(Field::Null),
        Some(text) => Tlp::parse(&text).map(Field::Present).ok_or_else(|| {
            serde::de::Error::custom(format_args!(
                "unknown TLP colour `{text}`, expected WHITE, CLEAR, GREEN, AMBER, AMBER+STRICT, \
                 RED or NONE"
            ))
        }),
    }
}

/// Where an entity came from (`sources[]`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Source {
    /// Source UUID.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub source_id: Field<String>,
    /// Source name.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub name: Field<String>,
    /// Source type, e.g. `group`, `incoming_feed`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub source_type: Field<String>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A document whose only member is `data` holding an [`EntityDraft`]: the create-entity API
/// body and the legacy (platform 2.0) single-entity document, which carries `content-type` and
/// `platform-version` inside `data` (kept in the draft's `extra`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WrappedEntity {
    /// The entity.
    pub data: EntityDraft,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}
