//! Bodies of `<type>_ref` stubs and of entity types this crate does not know.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{InformationSource, MarkingSpecification, Statement};
use super::entity_body;
use crate::field::Field;
use crate::vocab::EntityType;

entity_body! {
    /// A body with only the members all types share; everything else stays in `extra`.
    ///
    /// Used for reference stubs (`incident_ref`: `id` and `title` of an entity that was not
    /// packed) and for unknown types, which are kept rather than rejected.
    GenericData = EntityType::new(String::new()), {
    }
}

impl GenericData {
    /// An empty body of the given type.
    pub fn new(entity_type: EntityType) -> Self {
        Self {
            entity_type,
            ..Self::default()
        }
    }
}
