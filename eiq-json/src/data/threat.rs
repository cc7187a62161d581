//! `threat-actor`, `campaign` and `ttp`: who attacks, in which operation, and how.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{Identity, InformationSource, KillChainPhase, MarkingSpecification, Statement};
use super::entity_body;
use crate::Extra;
use crate::field::Field;
use crate::vocab::EntityType;

entity_body! {
    /// The body of a `threat-actor`.
    ThreatActorData = EntityType::THREAT_ACTOR, {
        /// The actor's identity.
        identity: Identity,
        /// Actor types (ThreatActorTypeVocab), e.g. `eCrime Actor - Organized Crime Actor`.
        types: Vec<Statement>,
        /// Motivations (statements).
        motivations: Vec<Statement>,
        /// Sophistication (statements).
        sophistication: Vec<Statement>,
        /// Intended effects (statements).
        intended_effects: Vec<Statement>,
        /// Planning and operational support (statements).
        planning_and_operational_support: Vec<Statement>,
        /// Embedded observed TTPs (STIX 1.2; packages use relation entities instead).
        observed_ttps: Box<Value>,
        /// Embedded associated campaigns (STIX 1.2).
        associated_campaigns: Box<Value>,
        /// Embedded associated actors (STIX 1.2).
        associated_actors: Box<Value>,
    }
}

entity_body! {
    /// The body of a `campaign`.
    CampaignData = EntityType::CAMPAIGN, {
        /// Other names of the campaign.
        names: Box<CampaignNames>,
        /// Status (`Ongoing`, `Historic`, `Future`): a bare string or a statement.
        status: Statement,
        /// Intended effects (statements).
        intended_effects: Vec<Statement>,
        /// Embedded related TTPs (STIX 1.2).
        related_ttps: Box<Value>,
        /// Embedded related incidents (STIX 1.2).
        related_incidents: Box<Value>,
        /// Attribution (STIX 1.2; kept as JSON).
        attribution: Box<Value>,
        /// Embedded associated campaigns (STIX 1.2).
        associated_campaigns: Box<Value>,
    }
}

/// The names of a campaign (`data.names`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CampaignNames {
    /// The names.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub names: Field<Vec<String>>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

entity_body! {
    /// The body of a `ttp` (tactics, techniques and procedures).
    TtpData = EntityType::TTP, {
        /// Intended effects (statements).
        intended_effects: Vec<Statement>,
        /// Behaviour: attack patterns, malware, exploits.
        behavior: Box<Behavior>,
        /// Kill chain phases.
        kill_chain_phases: Vec<KillChainPhase>,
        /// Embedded exploit targets (STIX 1.2).
        exploit_targets: Box<Value>,
        /// Victim targeting (STIX 1.2; kept as JSON).
        victim_targeting: Box<Value>,
        /// Resources (STIX 1.2; kept as JSON).
        resources: Box<Value>,
    }
}

/// What a TTP does (`data.behavior`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Behavior {
    /// Attack patterns.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub attack_patterns: Field<Vec<AttackPattern>>,
    /// Malware instances.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub malware_instances: Field<Vec<MalwareInstance>>,
    /// Exploits (kept as JSON).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub exploits: Field<Vec<Value>>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An attack pattern of a TTP.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AttackPattern {
    /// CAPEC id, e.g. `CAPEC-163`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub capec_id: Field<String>,
    /// Title.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub title: Field<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub description: Field<String>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A malware instance of a TTP.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MalwareInstance {
    /// Names of the malware.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub names: Field<Vec<String>>,
    /// Malware types (statements, MalwareTypeVocab).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub types: Field<Vec<Statement>>,
    /// Title.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub title: Field<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub description: Field<String>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}
