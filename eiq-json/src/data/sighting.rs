//! `eclecticiq-sighting`: the platform's own sighting entity (close to a STIX 2.1 Sighting).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{InformationSource, MarkingSpecification, Statement};
use super::entity_body;
use crate::field::Field;
use crate::vocab::EntityType;

entity_body! {
    /// The body of an `eclecticiq-sighting`.
    SightingData = EntityType::ECLECTICIQ_SIGHTING, {
        /// Impact (statement, HighMediumLowVocab).
        impact: Statement,
        /// The security control that saw it, with the time it did.
        security_control: Box<InformationSource>,
    }
}
