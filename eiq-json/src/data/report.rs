//! `report`: a collection of intelligence with its intent.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{InformationSource, MarkingSpecification, Statement};
use super::entity_body;
use crate::field::Field;
use crate::vocab::EntityType;

entity_body! {
    /// The body of a `report`.
    ReportData = EntityType::REPORT, {
        /// Intents (ReportIntentVocab): `[{"value": "Threat Report"}]`.
        intents: Vec<Statement>,
        /// Embedded STIX 1.2 member lists (packages use relation entities instead).
        indicators: Box<Value>,
        /// Embedded incidents (STIX 1.2).
        incidents: Box<Value>,
        /// Embedded TTPs (STIX 1.2).
        ttps: Box<Value>,
        /// Embedded campaigns (STIX 1.2).
        campaigns: Box<Value>,
        /// Embedded threat actors (STIX 1.2).
        threat_actors: Box<Value>,
        /// Embedded exploit targets (STIX 1.2).
        exploit_targets: Box<Value>,
        /// Embedded courses of action (STIX 1.2).
        courses_of_action: Box<Value>,
    }
}
