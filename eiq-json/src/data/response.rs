//! `course-of-action` and `exploit-target`: what can be done, and what is being exploited.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{InformationSource, MarkingSpecification, Statement};
use super::entity_body;
use crate::Extra;
use crate::field::Field;
use crate::vocab::EntityType;

entity_body! {
    /// The body of a `course-of-action`.
    CourseOfActionData = EntityType::COURSE_OF_ACTION, {
        /// Stage (COAStageVocab): `Remedy` or `Response`.
        stage: Statement,
        /// Objective.
        objective: Box<Objective>,
        /// Impact (statement).
        impact: Statement,
        /// Cost (statement).
        cost: Statement,
        /// Efficacy (statement).
        efficacy: Statement,
        /// Parameter observables (STIX 1.2; kept as JSON).
        parameter_observables: Box<Value>,
        /// Structured course of action (kept as JSON).
        structured_coa: Box<Value>,
        /// Embedded related courses of action (STIX 1.2).
        related_coas: Box<Value>,
    }
}

/// The objective of a course of action.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Objective {
    /// Description.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub description: Field<String>,
    /// Short description.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub short_description: Field<String>,
    /// Confidence that the objective applies.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub applicability_confidence: Field<Statement>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

entity_body! {
    /// The body of an `exploit-target`.
    ExploitTargetData = EntityType::EXPLOIT_TARGET, {
        /// Vulnerabilities.
        vulnerabilities: Vec<Vulnerability>,
        /// Weaknesses.
        weaknesses: Vec<Weakness>,
        /// Configurations (kept as JSON).
        configuration: Vec<Value>,
        /// Embedded potential courses of action (STIX 1.2).
        potential_coas: Box<Value>,
        /// Embedded related exploit targets (STIX 1.2).
        related_exploit_targets: Box<Value>,
    }
}

/// A vulnerability of an exploit target.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Vulnerability {
    /// CVE id, e.g. `CVE-2021-44228`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub cve_id: Field<String>,
    /// OSVDB id.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub osvdb_id: Field<Value>,
    /// Title.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub title: Field<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub description: Field<String>,
    /// CVSS score.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub cvss_score: Field<CvssScore>,
    /// Whether the vulnerability is known.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub is_known: Field<bool>,
    /// Whether it is publicly acknowledged.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub is_publicly_acknowledged: Field<bool>,
    /// Reference URLs.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub references: Field<Vec<String>>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A CVSS score; scores are kept as written (text such as `"10.0"` or a number).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CvssScore {
    /// Base score.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub base_score: Field<Value>,
    /// Base vector.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub base_vector: Field<String>,
    /// Temporal score.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub temporal_score: Field<Value>,
    /// Environmental score.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub environmental_score: Field<Value>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A weakness of an exploit target.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Weakness {
    /// CWE id, e.g. `CWE-502`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub cwe_id: Field<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub description: Field<String>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}
