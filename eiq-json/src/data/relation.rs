//! `relation`: in EIQ JSON v1 a link between two entities is itself an entity.

use serde::{Deserialize, Serialize};

use crate::Extra;
use crate::field::Field;
use crate::vocab::{EntityType, RelationKey};

/// The body of a `relation` entity: `source` —`key`→ `target`.
///
/// `source` and `target` are entity references as written, usually bare UUIDs; see
/// [`crate::reference_uuid`] for the spellings the graph resolves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelationData {
    /// The qualified id, when the platform wrote one.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub id: Field<String>,
    /// Always `relation`.
    #[serde(rename = "type")]
    pub entity_type: EntityType,
    /// The source entity reference.
    pub source: String,
    /// The source entity's type.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub source_type: Field<EntityType>,
    /// The target entity reference.
    pub target: String,
    /// The target entity's type.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub target_type: Field<EntityType>,
    /// The STIX 1.2 property on the source that holds the link, e.g. `related_indicators`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub key: Field<RelationKey>,
    /// Subtype, e.g. `stix_update_of`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub subtype: Field<String>,
    /// A free-text relationship label.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub relationship: Field<String>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

impl RelationData {
    /// A relation from `source` to `target` without types or key.
    pub fn new(source: impl Into<String>, target: impl Into<String>) -> Self {
        Self {
            id: Field::Absent,
            entity_type: EntityType::RELATION,
            source: source.into(),
            source_type: Field::Absent,
            target: target.into(),
            target_type: Field::Absent,
            key: Field::Absent,
            subtype: Field::Absent,
            relationship: Field::Absent,
            extra: Extra::new(),
        }
    }
}
