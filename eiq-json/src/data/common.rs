//! Value shapes shared by the STIX 1.2-style entity bodies: statements, information sources,
//! identities, handling markings, time windows and kill chain phases.
//!
//! They follow python-stix's `to_dict` form, which is what the platform accepts and writes.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Extra;
use crate::field::Field;
use crate::vocab::Tlp;

/// A vocabulary value: either a bare string (`"medium"`, sent by some integrations) or an
/// object such as `{"type": "statement", "value": "High", "value_vocab": "…"}`.
///
/// Used for statements (`likely_impact`, `intended_effects[]`), confidences
/// (`{"type": "confidence", "value": "High"}`) and vocabulary lists (`types[]`, `intents[]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged, expecting = "a string or a statement object")]
pub enum Statement {
    /// A bare string.
    Text(String),
    /// The structured form (boxed: it is seven times the size of the bare string).
    Structured(Box<StatementObject>),
}

impl Statement {
    /// A structured statement `{"type": "statement", "value": value}`.
    pub fn new(value: impl Into<String>) -> Self {
        Self::Structured(Box::new(StatementObject {
            kind: Field::Present("statement".into()),
            value: Field::Present(value.into()),
            ..StatementObject::default()
        }))
    }

    /// A structured confidence `{"type": "confidence", "value": value}`.
    pub fn confidence(value: impl Into<String>) -> Self {
        Self::Structured(Box::new(StatementObject {
            kind: Field::Present("confidence".into()),
            value: Field::Present(value.into()),
            ..StatementObject::default()
        }))
    }

    /// The value text, whichever form it has.
    pub fn value(&self) -> Option<&str> {
        match self {
            Self::Text(text) => Some(text),
            Self::Structured(object) => object.value.get().map(String::as_str),
        }
    }
}

/// The structured form of a [`Statement`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StatementObject {
    /// The object type: `statement` or `confidence`; absent in bare vocabulary entries.
    #[serde(rename = "type", default, skip_serializing_if = "Field::is_absent")]
    pub kind: Field<String>,
    /// The value, for example `High` or `Malicious Code`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub value: Field<String>,
    /// The vocabulary the value comes from, for example
    /// `{http://stix.mitre.org/default_vocabularies-1}HighMediumLowVocab-1.0`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub value_vocab: Field<String>,
    /// A description of the statement.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub description: Field<String>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Who produced or reported something (`producer`, `information_source`, `reporter`,
/// `security_control`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct InformationSource {
    /// The object type, `information-source`.
    #[serde(rename = "type", default, skip_serializing_if = "Field::is_absent")]
    pub kind: Field<String>,
    /// The source's identity.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub identity: Field<Identity>,
    /// When the information was produced or observed.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub time: Field<TimeInfo>,
    /// Reference URLs.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub references: Field<Vec<String>>,
    /// Roles of the source (vocabulary entries).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub roles: Field<Vec<Statement>>,
    /// A description of the source.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub description: Field<String>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

impl InformationSource {
    /// An `information-source` naming an identity.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            kind: Field::Present("information-source".into()),
            identity: Field::Present(Identity::named(name)),
            ..Self::default()
        }
    }
}

/// An identity: a bare name (EclecticIQ's extension kit) or `{"type": "identity", "name": …}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged, expecting = "a string or an identity object")]
pub enum Identity {
    /// A bare name.
    Name(String),
    /// The structured form (boxed: it is five times the size of the bare name).
    Structured(Box<IdentityObject>),
}

impl Identity {
    /// A structured identity with a name.
    pub fn named(name: impl Into<String>) -> Self {
        Self::Structured(Box::new(IdentityObject {
            kind: Field::Present("identity".into()),
            name: Field::Present(name.into()),
            extra: Extra::new(),
        }))
    }

    /// The name, whichever form it has.
    pub fn name(&self) -> Option<&str> {
        match self {
            Self::Name(name) => Some(name),
            Self::Structured(object) => object.name.get().map(String::as_str),
        }
    }
}

/// The structured form of an [`Identity`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IdentityObject {
    /// The object type, `identity`.
    #[serde(rename = "type", default, skip_serializing_if = "Field::is_absent")]
    pub kind: Field<String>,
    /// The name.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub name: Field<String>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Times attached to an information source (`time`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TimeInfo {
    /// The object type, `time`.
    #[serde(rename = "type", default, skip_serializing_if = "Field::is_absent")]
    pub kind: Field<String>,
    /// Start (ISO 8601 text as given).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub start_time: Field<String>,
    /// Precision of the start: `year` … `second`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub start_time_precision: Field<String>,
    /// End (ISO 8601 text as given).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub end_time: Field<String>,
    /// Precision of the end.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub end_time_precision: Field<String>,
    /// When the information was produced.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub produced_time: Field<String>,
    /// When the information was received.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub received_time: Field<String>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A validity window (`valid_time_positions[]` of an indicator).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TimeWindow {
    /// Start (ISO 8601 text as given).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub start_time: Field<String>,
    /// Precision of the start.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub start_time_precision: Field<String>,
    /// End (ISO 8601 text as given).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub end_time: Field<String>,
    /// Precision of the end.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub end_time_precision: Field<String>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A point in time with its precision (`{"value": "…", "precision": "minute"}`), as in the
/// incident time coordinates.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PreciseTime {
    /// The time (ISO 8601 text as given).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub value: Field<String>,
    /// Precision: `year` … `second`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub precision: Field<String>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One handling entry (`handling[]`): markings and what they apply to.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MarkingSpecification {
    /// The object type, `marking-specification`.
    #[serde(rename = "type", default, skip_serializing_if = "Field::is_absent")]
    pub kind: Field<String>,
    /// The markings.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub marking_structures: Field<Vec<MarkingStructure>>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

impl MarkingSpecification {
    /// A handling entry with one TLP marking.
    pub fn tlp(color: Tlp) -> Self {
        Self {
            kind: Field::Present("marking-specification".into()),
            marking_structures: Field::Present(vec![MarkingStructure {
                kind: Field::Present("marking-structure".into()),
                marking_structure_type: Field::Present("tlp".into()),
                color: Field::Present(color.as_str().into()),
                ..MarkingStructure::default()
            }]),
            extra: Extra::new(),
        }
    }
}

/// One marking: TLP (`marking_structure_type: "tlp"`, `color`), terms of use or a simple
/// statement.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MarkingStructure {
    /// The object type, `marking-structure`.
    #[serde(rename = "type", default, skip_serializing_if = "Field::is_absent")]
    pub kind: Field<String>,
    /// `tlp`, `terms-of-use` or `simple`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub marking_structure_type: Field<String>,
    /// The TLP colour of a `tlp` marking, as written.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub color: Field<String>,
    /// The text of a `terms-of-use` marking.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub terms_of_use: Field<String>,
    /// The text of a `simple` marking.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub statement: Field<String>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The TLP colour named by the first `tlp` marking in a handling list, if any parses.
pub(crate) fn handling_tlp(handling: &[MarkingSpecification]) -> Option<Tlp> {
    handling
        .iter()
        .filter_map(|spec| spec.marking_structures.get())
        .flatten()
        .filter(|m| {
            m.marking_structure_type
                .get()
                .is_some_and(|t| t.eq_ignore_ascii_case("tlp"))
        })
        .find_map(|m| m.color.get().and_then(|c| Tlp::parse(c)))
}

/// A kill chain phase (`kill_chain_phases[]`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct KillChainPhase {
    /// Phase name, for example `Delivery`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub name: Field<String>,
    /// Position in the kill chain, as written (text or number).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub ordinality: Field<Value>,
    /// Phase id.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub phase_id: Field<String>,
    /// Kill chain id.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub kill_chain_id: Field<String>,
    /// Kill chain name.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub kill_chain_name: Field<String>,
    /// Members this crate does not model, kept for the round trip.
    #[serde(flatten)]
    pub extra: Extra,
}
