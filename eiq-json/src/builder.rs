//! Building entities, relations and packages in code.
//!
//! ```
//! use eiq_json::builder::{EntityBuilder, relation};
//! use eiq_json::{
//!     Classification, ContentType, Dataset, EntityId, EntityType, Extract, ExtractKind,
//!     Package, RelationKey, Tlp,
//! };
//!
//! let incident = EntityBuilder::new(
//!     EntityId::new("2241e780-5ab2-5c27-86be-1774b6079ab7")?,
//!     EntityType::INCIDENT,
//! )
//! .title("Credential phishing")
//! .qualified_id("https://alice.example.org")
//! .tlp(Tlp::Amber)
//! .tag("phishing")
//! .build();
//! let indicator = EntityBuilder::new(
//!     EntityId::new("70c62266-2d61-5800-9123-cf55992b6f5a")?,
//!     EntityType::INDICATOR,
//! )
//! .extract(Extract::new(ExtractKind::DOMAIN, "update-cdn.example.net")
//!     .with_classification(Classification::Bad))
//! .build();
//! let link = relation(
//!     EntityId::new("cd2ff4b7-b3b4-58f6-8990-d2a1892855b5")?,
//!     &incident,
//!     RelationKey::RELATED_INDICATORS,
//!     &indicator,
//! );
//!
//! let mut package = Package::new(ContentType::V1);
//! for entity in [incident, indicator, link] {
//!     package.push_entity(entity);
//! }
//! package.update_entity_counts();
//! let dataset = Dataset::from_packages([&package]);
//! let incident_id = EntityId::new("2241e780-5ab2-5c27-86be-1774b6079ab7")?;
//! assert_eq!(dataset.incident_members(&incident_id).len(), 1);
//! # Ok::<(), eiq_json::InvalidEntityId>(())
//! ```

use crate::data::{EntityData, MarkingSpecification, RelationData};
use crate::entity::{Entity, Meta, Source};
use crate::extract::Extract;
use crate::field::Field;
use crate::id::{EntityId, qualified_id};
use crate::vocab::{EntityType, RelationKey, SourceReliability, Tlp};

/// Builds an [`Entity`] step by step; every entity built has a valid id.
#[derive(Debug, Clone)]
pub struct EntityBuilder {
    entity: Entity,
}

impl EntityBuilder {
    /// An entity of `entity_type` with an empty body of the matching variant.
    pub fn new(id: EntityId, entity_type: EntityType) -> Self {
        Self {
            entity: Entity::new(id, EntityData::new(entity_type)),
        }
    }

    /// An entity with a body built elsewhere.
    pub fn with_data(id: EntityId, data: EntityData) -> Self {
        Self {
            entity: Entity::new(id, data),
        }
    }

    /// Sets `data.title` (`data.name` for STIX 2.1-style bodies).
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.entity.data.set_title(title);
        self
    }

    /// Sets `data.id` to the qualified id `{domain}<type>-<id>`.
    #[must_use]
    pub fn qualified_id(mut self, domain: &str) -> Self {
        let id = qualified_id(domain, self.entity.entity_type(), &self.entity.id);
        self.entity.data.set_qualified_id(id);
        self
    }

    /// Sets `meta.tlp_color`, and the TLP handling marking for STIX 1.2-style bodies, as the
    /// platform writes both.
    #[must_use]
    pub fn tlp(mut self, tlp: Tlp) -> Self {
        self.meta(|meta| meta.tlp_color = Field::Present(tlp));
        set_handling(&mut self.entity.data, tlp);
        self
    }

    /// Adds a tag to `meta.tags`.
    #[must_use]
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        let tag = tag.into();
        self.meta(|meta| meta.tags.update_or_default(|tags| tags.push(tag)));
        self
    }

    /// Sets `meta.source_reliability`.
    #[must_use]
    pub fn source_reliability(mut self, reliability: SourceReliability) -> Self {
        self.meta(|meta| meta.source_reliability = Field::Present(reliability));
        self
    }

    /// Sets `meta.half_life` to the platform default for the type, if it has one.
    #[must_use]
    pub fn default_half_life(mut self) -> Self {
        if let Some(days) = self.entity.entity_type().default_half_life() {
            self.meta(|meta| meta.half_life = Field::Present(days));
        }
        self
    }

    /// Changes `meta` in place (created empty when absent).
    #[must_use]
    pub fn with_meta(mut self, change: impl FnOnce(&mut Meta)) -> Self {
        self.meta(change);
        self
    }

    /// Adds an extract.
    #[must_use]
    pub fn extract(mut self, extract: Extract) -> Self {
        self.entity
            .extracts
            .update_or_default(|list| list.push(extract));
        self
    }

    /// Adds a source.
    #[must_use]
    pub fn source(mut self, source: Source) -> Self {
        self.entity
            .sources
            .update_or_default(|list| list.push(source));
        self
    }

    /// The entity.
    pub fn build(self) -> Entity {
        self.entity
    }

    fn meta(&mut self, change: impl FnOnce(&mut Meta)) {
        self.entity.meta.update_or_default(|meta| change(meta));
    }
}

fn set_handling(data: &mut EntityData, tlp: Tlp) {
    let handling = Field::Present(vec![MarkingSpecification::tlp(tlp)]);
    match data {
        EntityData::Campaign(body) => body.handling = handling,
        EntityData::CourseOfAction(body) => body.handling = handling,
        EntityData::Sighting(body) => body.handling = handling,
        EntityData::ExploitTarget(body) => body.handling = handling,
        EntityData::Incident(body) => body.handling = handling,
        EntityData::Indicator(body) => body.handling = handling,
        EntityData::Report(body) => body.handling = handling,
        EntityData::ThreatActor(body) => body.handling = handling,
        EntityData::Ttp(body) => body.handling = handling,
        EntityData::Stub(_)
        | EntityData::Other(_)
        | EntityData::Relation(_)
        | EntityData::Stix21(_) => {}
    }
}

/// A `relation` entity `source` —`key`→ `target`, with both endpoint types filled in.
pub fn relation(id: EntityId, source: &Entity, key: RelationKey, target: &Entity) -> Entity {
    let mut data = RelationData::new(source.id.as_str(), target.id.as_str());
    data.source_type = Field::Present(source.entity_type().clone());
    data.target_type = Field::Present(target.entity_type().clone());
    data.key = Field::Present(key);
    Entity::new(id, EntityData::Relation(Box::new(data)))
}

/// A `<type>_ref` stub standing for an entity that is not packed: same id, `data.id` set to
/// the qualified id on `domain`, and the title.
pub fn stub(id: EntityId, entity_type: &EntityType, domain: &str, title: &str) -> Entity {
    let mut data = EntityData::new(entity_type.stub());
    data.set_qualified_id(qualified_id(domain, entity_type, &id));
    data.set_title(title);
    let mut entity = Entity::new(id, data);
    entity.meta = Field::Present(Box::default());
    entity
}
