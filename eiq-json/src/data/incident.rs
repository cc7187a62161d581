//! `incident`: an event that affected an organisation; the outgoing MISP feed turns each one
//! into a MISP event.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{InformationSource, MarkingSpecification, PreciseTime, Statement};
use super::entity_body;
use crate::Extra;
use crate::field::Field;
use crate::vocab::EntityType;

entity_body! {
    /// The body of an `incident` (STIX 1.2 Incident as the platform writes it).
    IncidentData = EntityType::INCIDENT, {
        /// Status: `New`, `Open`, `Stalled`, `Containment Achieved`, … (statement).
        status: Statement,
        /// Categories (IncidentCategoryVocab): `Malicious Code`, `Unauthorized Access`, ….
        categories: Vec<Statement>,
        /// Intended effects (statements).
        intended_effects: Vec<Statement>,
        /// Whether security was compromised: `Yes`, `Suspected`, `No`, `Unknown`.
        security_compromise: Statement,
        /// How the incident was discovered (DiscoveryMethodVocab).
        discovery_methods: Vec<Statement>,
        /// Who reported the incident.
        reporter: Box<InformationSource>,
        /// Time coordinates (first malicious action, discovery, …).
        time: Box<IncidentTime>,
        /// Victims (STIX 1.2 identities; shape inferred, kept as JSON).
        victims: Vec<Value>,
        /// Impact assessment (shape inferred, kept as JSON).
        impact_assessment: Box<Value>,
        /// Embedded related indicators (STIX 1.2; packages use relation entities instead).
        related_indicators: Box<Value>,
        /// Embedded leveraged TTPs (STIX 1.2).
        leveraged_ttps: Box<Value>,
        /// Embedded attributed threat actors (STIX 1.2).
        attributed_threat_actors: Box<Value>,
        /// Embedded related incidents (STIX 1.2).
        related_incidents: Box<Value>,
        /// Courses of action requested (STIX 1.2).
        coa_requested: Box<Value>,
        /// Courses of action taken (STIX 1.2).
        coa_taken: Box<Value>,
    }
}

/// The time coordinates of an incident (`data.time`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IncidentTime {
    /// First malicious action.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub first_malicious_action: Field<PreciseTime>,
    /// Initial compromise.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub initial_compromise: Field<PreciseTime>,
    /// First data exfiltration.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub first_data_exfiltration: Field<PreciseTime>,
    /// Discovery.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub incident_discovery: Field<PreciseTime>,
    /// Opened.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub incident_opened: Field<PreciseTime>,
    /// Containment achieved.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub containment_achieved: Field<PreciseTime>,
    /// Restoration achieved.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub restoration_achieved: Field<PreciseTime>,
    /// Reported.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub incident_reported: Field<PreciseTime>,
    /// Closed.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub incident_closed: Field<PreciseTime>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}
