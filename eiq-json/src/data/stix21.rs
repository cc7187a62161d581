//! The IC 3.x STIX 2.1-style entity types (`attack-pattern`, `malware`, `vulnerability`, …).
//!
//! Their EIQ JSON form is not publicly documented; the common STIX 2.1 properties are typed and
//! the rest is kept in `extra`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Extra;
use crate::field::Field;
use crate::vocab::EntityType;

/// The body of a STIX 2.1-style entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stix21Data {
    /// Identifier (qualified id or STIX id).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub id: Field<String>,
    /// The entity type.
    #[serde(rename = "type")]
    pub entity_type: EntityType,
    /// STIX spec version, `2.1`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub spec_version: Field<String>,
    /// Name.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub name: Field<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub description: Field<String>,
    /// Creation time.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub created: Field<String>,
    /// Modification time.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub modified: Field<String>,
    /// Labels.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub labels: Field<Vec<String>>,
    /// Confidence (0–100 in STIX 2.1; kept as written).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub confidence: Field<Value>,
    /// External references (kept as JSON).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub external_references: Field<Vec<Value>>,
    /// The identity that created the object.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub created_by_ref: Field<String>,
    /// Marking definitions that apply.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub object_marking_refs: Field<Vec<String>>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Stix21Data {
    /// An empty body of the given type.
    pub fn new(entity_type: EntityType) -> Self {
        Self {
            id: Field::Absent,
            entity_type,
            spec_version: Field::Absent,
            name: Field::Absent,
            description: Field::Absent,
            created: Field::Absent,
            modified: Field::Absent,
            labels: Field::Absent,
            confidence: Field::Absent,
            external_references: Field::Absent,
            created_by_ref: Field::Absent,
            object_marking_refs: Field::Absent,
            extra: Extra::new(),
        }
    }
}
