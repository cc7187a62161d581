//! The typed `data` body of an entity, one module per entity type family.
//!
//! `data.type` selects the shape: the nine IC 2.x types get their own structs with the
//! documented STIX 1.2 fields typed, `relation` gets [`RelationData`], the IC 3.x STIX
//! 2.1-style types share [`Stix21Data`], `<type>_ref` stubs and unknown types get
//! [`GenericData`]. Every struct keeps members it does not model in `extra`, so nothing is lost
//! on a round trip; sub-trees whose shape is only inferred (embedded STIX 1.2 relationship lists,
//! observables, victim targeting) are kept as [`serde_json::Value`].
//!
//! Members that are large in memory and usually absent sit behind a `Box`: the STIX 1.2-style
//! bodies' JSON sub-trees (`Field<Box<Value>>`) and nested objects (information sources,
//! incident times, objectives, behaviours, campaign names), and the structured forms of
//! [`Statement`] and [`Identity`]. An indicator body is 536 bytes instead of 2,072 and an
//! incident's 632 instead of 4,128, so a large package takes less memory and every pass over it
//! reads fewer cache lines; a member that is present costs one allocation more.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::{MapAccessDeserializer, StrDeserializer};
use serde::de::{DeserializeSeed, Error as _, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::Extra;
use crate::field::Field;
use crate::vocab::{EntityType, Tlp};

pub mod common;
mod generic;
mod incident;
mod indicator;
mod relation;
mod report;
mod response;
mod sighting;
mod stix21;
mod threat;

pub use common::{
    Identity, IdentityObject, InformationSource, KillChainPhase, MarkingSpecification,
    MarkingStructure, PreciseTime, Statement, StatementObject, TimeInfo, TimeWindow,
};
pub use generic::GenericData;
pub use incident::{IncidentData, IncidentTime};
pub use indicator::IndicatorData;
pub use relation::RelationData;
pub use report::ReportData;
pub use response::{
    CourseOfActionData, CvssScore, ExploitTargetData, Objective, Vulnerability, Weakness,
};
pub use sighting::SightingData;
pub use stix21::Stix21Data;
pub use threat::{
    AttackPattern, Behavior, CampaignData, CampaignNames, MalwareInstance, ThreatActorData, TtpData,
};

/// Declares a STIX 1.2-style entity body: the members every type shares, then the type's own.
macro_rules! entity_body {
    (
        $(#[$meta:meta])*
        $name:ident = $default_type:expr, {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            /// The qualified id `{<domain>}<type>-<uuid>` (see [`crate::qualified_id`]).
            #[serde(default, skip_serializing_if = "Field::is_absent")]
            pub id: Field<String>,
            /// The entity type (`type`).
            #[serde(rename = "type")]
            pub entity_type: EntityType,
            /// Title.
            #[serde(default, skip_serializing_if = "Field::is_absent")]
            pub title: Field<String>,
            /// Description; HTML when `description_structuring_format` is `html`.
            #[serde(default, skip_serializing_if = "Field::is_absent")]
            pub description: Field<String>,
            /// Format of the description, `html`.
            #[serde(default, skip_serializing_if = "Field::is_absent")]
            pub description_structuring_format: Field<String>,
            /// Short description.
            #[serde(default, skip_serializing_if = "Field::is_absent")]
            pub short_description: Field<String>,
            /// When this version of the entity was made (ISO 8601 text as given).
            #[serde(default, skip_serializing_if = "Field::is_absent")]
            pub timestamp: Field<String>,
            /// Handling markings (TLP, terms of use).
            #[serde(default, skip_serializing_if = "Field::is_absent")]
            pub handling: Field<Vec<MarkingSpecification>>,
            /// Confidence, `{"type": "confidence", "value": "High"}` or a bare string.
            #[serde(default, skip_serializing_if = "Field::is_absent")]
            pub confidence: Field<Statement>,
            /// Who produced the entity.
            #[serde(default, skip_serializing_if = "Field::is_absent")]
            pub producer: Field<Box<InformationSource>>,
            /// Where the information comes from.
            #[serde(default, skip_serializing_if = "Field::is_absent")]
            pub information_source: Field<Box<InformationSource>>,
            /// Raw STIX 2.1 objects kept after STIX 2.1 ingestion.
            #[serde(default, skip_serializing_if = "Field::is_absent")]
            pub original_stix21_objects: Field<Vec<Value>>,
            $(
                $(#[$fmeta])*
                #[serde(default, skip_serializing_if = "Field::is_absent")]
                pub $field: Field<$ty>,
            )*
            /// Members this crate does not model, kept for the round trip.
            #[serde(flatten)]
            pub extra: $crate::Extra,
        }

        impl Default for $name {
            fn default() -> Self {
                Self {
                    id: Field::Absent,
                    entity_type: $default_type,
                    title: Field::Absent,
                    description: Field::Absent,
                    description_structuring_format: Field::Absent,
                    short_description: Field::Absent,
                    timestamp: Field::Absent,
                    handling: Field::Absent,
                    confidence: Field::Absent,
                    producer: Field::Absent,
                    information_source: Field::Absent,
                    original_stix21_objects: Field::Absent,
                    $( $field: Field::Absent, )*
                    extra: $crate::Extra::new(),
                }
            }
        }
    };
}
pub(crate) use entity_body;

/// The `data` body of an entity, selected by `data.type`.
///
/// Deserialising finds `type`, holding the members written before it, then reads the matching
/// struct from those and the rest of the object as it comes; a member of the wrong shape is an
/// error whose path names it (`entities[2].data.source`), and a member written twice is refused
/// as a duplicate. Serialising writes the struct as it is, so the variant and the struct's
/// `entity_type` should agree; the constructors here and in [`crate::builder`] keep them in
/// step.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum EntityData {
    /// `campaign`.
    Campaign(Box<CampaignData>),
    /// `course-of-action`.
    CourseOfAction(Box<CourseOfActionData>),
    /// `eclecticiq-sighting`.
    Sighting(Box<SightingData>),
    /// `exploit-target`.
    ExploitTarget(Box<ExploitTargetData>),
    /// `incident`.
    Incident(Box<IncidentData>),
    /// `indicator`.
    Indicator(Box<IndicatorData>),
    /// `report`.
    Report(Box<ReportData>),
    /// `threat-actor`.
    ThreatActor(Box<ThreatActorData>),
    /// `ttp`.
    Ttp(Box<TtpData>),
    /// `relation`: a link between two entities.
    Relation(Box<RelationData>),
    /// An IC 3.x STIX 2.1-style type (see [`EntityType::STIX21`]).
    Stix21(Box<Stix21Data>),
    /// A `<type>_ref` stub standing for an entity outside the package.
    Stub(Box<GenericData>),
    /// A type this crate does not know, kept as it is.
    Other(Box<GenericData>),
}

/// Runs one expression per body family: STIX 1.2-style bodies, relations, STIX 2.1-style bodies.
macro_rules! on_body {
    ($data:expr, $body:ident => $e:expr, $rel:ident => $re:expr, $stix:ident => $se:expr) => {
        match $data {
            EntityData::Campaign($body) => $e,
            EntityData::CourseOfAction($body) => $e,
            EntityData::Sighting($body) => $e,
            EntityData::ExploitTarget($body) => $e,
            EntityData::Incident($body) => $e,
            EntityData::Indicator($body) => $e,
            EntityData::Report($body) => $e,
            EntityData::ThreatActor($body) => $e,
            EntityData::Ttp($body) => $e,
            EntityData::Stub($body) => $e,
            EntityData::Other($body) => $e,
            EntityData::Relation($rel) => $re,
            EntityData::Stix21($stix) => $se,
        }
    };
}

impl EntityData {
    /// An empty body of the given type, in the variant that type selects.
    pub fn new(entity_type: EntityType) -> Self {
        match entity_type.as_str() {
            "campaign" => Self::Campaign(Box::default()),
            "course-of-action" => Self::CourseOfAction(Box::default()),
            "eclecticiq-sighting" => Self::Sighting(Box::default()),
            "exploit-target" => Self::ExploitTarget(Box::default()),
            "incident" => Self::Incident(Box::default()),
            "indicator" => Self::Indicator(Box::default()),
            "report" => Self::Report(Box::default()),
            "threat-actor" => Self::ThreatActor(Box::default()),
            "ttp" => Self::Ttp(Box::default()),
            "relation" => Self::Relation(Box::new(RelationData::new("", ""))),
            _ if EntityType::STIX21.contains(&entity_type) => {
                Self::Stix21(Box::new(Stix21Data::new(entity_type)))
            }
            _ if entity_type.is_stub() => Self::Stub(Box::new(GenericData::new(entity_type))),
            _ => Self::Other(Box::new(GenericData::new(entity_type))),
        }
    }

    /// The entity type (`data.type`).
    pub fn entity_type(&self) -> &EntityType {
        on_body!(self, body => &body.entity_type, relation => &relation.entity_type,
            stix => &stix.entity_type)
    }

    /// The title (`data.title`; STIX 2.1-style bodies: `data.name`).
    pub fn title(&self) -> Option<&str> {
        on_body!(self, body => body.title.get().map(String::as_str), _relation => None,
            stix => stix.name.get().map(String::as_str))
    }

    /// Sets the title (`data.title`; STIX 2.1-style bodies: `data.name`). Relations have none
    /// and are left unchanged.
    pub fn set_title(&mut self, title: impl Into<String>) {
        let title = title.into();
        on_body!(self, body => body.title = Field::Present(title), _relation => {},
            stix => stix.name = Field::Present(title));
    }

    /// The qualified id (`data.id`), if the body has one.
    pub fn qualified_id(&self) -> Option<&str> {
        on_body!(self, body => body.id.get().map(String::as_str),
            relation => relation.id.get().map(String::as_str),
            stix => stix.id.get().map(String::as_str))
    }

    /// Sets the qualified id (`data.id`).
    pub fn set_qualified_id(&mut self, id: impl Into<String>) {
        let id = id.into();
        on_body!(self, body => body.id = Field::Present(id),
            relation => relation.id = Field::Present(id), stix => stix.id = Field::Present(id));
    }

    /// The handling markings (`data.handling`) of a STIX 1.2-style body.
    pub fn handling(&self) -> Option<&[MarkingSpecification]> {
        on_body!(self, body => body.handling.get().map(Vec::as_slice), _relation => None,
            _stix => None)
    }

    /// The TLP colour the handling markings name, used when `meta.tlp_color` is absent.
    pub fn handling_tlp(&self) -> Option<Tlp> {
        self.handling().and_then(common::handling_tlp)
    }

    /// The relation body, if this is a `relation`.
    pub fn as_relation(&self) -> Option<&RelationData> {
        match self {
            Self::Relation(relation) => Some(relation),
            _ => None,
        }
    }

    /// The incident body, if this is an `incident`.
    pub fn as_incident(&self) -> Option<&IncidentData> {
        match self {
            Self::Incident(incident) => Some(incident),
            _ => None,
        }
    }

    /// The indicator body, if this is an `indicator`.
    pub fn as_indicator(&self) -> Option<&IndicatorData> {
        match self {
            Self::Indicator(indicator) => Some(indicator),
            _ => None,
        }
    }

    /// Members this crate does not model.
    pub fn extra(&self) -> &Extra {
        on_body!(self, body => &body.extra, relation => &relation.extra, stix => &stix.extra)
    }
}

impl<'de> Deserialize<'de> for EntityData {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EntityDataVisitor)
    }
}

/// Reads `data`: the members before `type` are held as JSON values (usually only `id`), then
/// the body `type` selects reads them back and the rest of the object straight from the input,
/// so the members after `type` are never buffered.
struct EntityDataVisitor;

impl<'de> Visitor<'de> for EntityDataVisitor {
    type Value = EntityData;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an entity body (a JSON object with `type`)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<EntityData, A::Error> {
        let mut before_type = Vec::new();
        let entity_type_text = loop {
            let Some(key) = map.next_key::<Cow<'de, str>>()? else {
                return Err(A::Error::missing_field("type"));
            };
            if key == "type" {
                match map.next_value::<TypeMember>()? {
                    TypeMember(Some(text)) => break text,
                    TypeMember(None) => {
                        return Err(A::Error::custom(crate::json::nested_message(
                            "type",
                            "invalid type: expected the entity type as a string",
                        )));
                    }
                }
            }
            let value: Value = map.next_value()?;
            before_type.push((key.into_owned(), value));
        };
        let entity_type = EntityType::from(entity_type_text.as_str());
        // The body's own `type` member, as written and where the input had it (a second one is
        // a duplicate).
        before_type.push(("type".to_owned(), Value::String(entity_type_text)));
        let rest = Replay {
            held: before_type.into_iter(),
            value: None,
            rest: map,
        };
        Ok(match entity_type.as_str() {
            "campaign" => EntityData::Campaign(Box::new(body(rest)?)),
            "course-of-action" => EntityData::CourseOfAction(Box::new(body(rest)?)),
            "eclecticiq-sighting" => EntityData::Sighting(Box::new(body(rest)?)),
            "exploit-target" => EntityData::ExploitTarget(Box::new(body(rest)?)),
            "incident" => EntityData::Incident(Box::new(body(rest)?)),
            "indicator" => EntityData::Indicator(Box::new(body(rest)?)),
            "report" => EntityData::Report(Box::new(body(rest)?)),
            "threat-actor" => EntityData::ThreatActor(Box::new(body(rest)?)),
            "ttp" => EntityData::Ttp(Box::new(body(rest)?)),
            "relation" => EntityData::Relation(Box::new(body(rest)?)),
            _ if EntityType::STIX21.contains(&entity_type) => {
                EntityData::Stix21(Box::new(body(rest)?))
            }
            _ if entity_type.is_stub() => EntityData::Stub(Box::new(body(rest)?)),
            _ => EntityData::Other(Box::new(body(rest)?)),
        })
    }
}

/// Reads a body from the members of `data`.
fn body<'de, T: Deserialize<'de>, A: MapAccess<'de>>(members: Replay<A>) -> Result<T, A::Error> {
    T::deserialize(MapAccessDeserializer::new(members))
}

/// The value of `type`: its text when it is a string, `None` for any other JSON value.
struct TypeMember(Option<String>);

impl<'de> Deserialize<'de> for TypeMember {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(text) => Ok(Self(Some(text))),
            _ => Ok(Self(None)),
        }
    }
}

/// The members of `data` held while looking for `type`, handed back before the rest of the
/// object, so the body reads every member once and in input order.
struct Replay<A> {
    /// Held members not yet handed back.
    held: std::vec::IntoIter<(String, Value)>,
    /// The held member whose key was handed back last and whose value is next.
    value: Option<(String, Value)>,
    /// The rest of the object, read straight from the input.
    rest: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.held.next() {
            Some((key, value)) => {
                let read = seed.deserialize(StrDeserializer::<A::Error>::new(&key))?;
                self.value = Some((key, value));
                Ok(Some(read))
            }
            None => self.rest.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.value.take() {
            // A held value is read with its own path tracking, so an error inside it names the
            // member and the path within (`handling[0].marking_structures`).
            Some((key, value)) => {
                let mut track = serde_path_to_error::Track::new();
                seed.deserialize(serde_path_to_error::Deserializer::new(value, &mut track))
                    .map_err(|err| {
                        let inner = track.path().to_string();
                        A::Error::custom(crate::json::nested_message(
                            &crate::json::join_path(&key, &inner),
                            &err.to_string(),
                        ))
                    })
            }
            None => self.rest.next_value_seed(seed),
        }
    }
}

#[cfg(test)]
mod tests;
