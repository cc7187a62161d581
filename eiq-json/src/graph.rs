//! A graph view over one or more packages: lookup by id, relations, and what is linked to an
//! incident — the questions the outgoing MISP feed asks.
//!
//! # How entities are linked
//!
//! Three mechanisms link two entities, each reported as a [`LinkVia`]:
//!
//! 1. **Relation entities** (EIQ JSON v1): a `relation` entity with `data.source` and
//!    `data.target`. An endpoint may name a `<type>_ref` stub; when the entity the stub stands
//!    for is in the dataset (for example in another package), the link goes to that entity and
//!    records the stub in `via_stub`.
//! 2. **`*_ref` fields** (STIX 2.1 style): a member of `data` whose name ends in `_ref` (one
//!    reference) or `_refs` (a list), at any depth, e.g. `sighting_of_ref`, `object_refs`.
//!    Marking references (`object_marking_refs`, `marking_ref`) point at marking definitions,
//!    not entities, and are not followed.
//! 3. **Bundled references** (STIX 1.2 style): an `idref` member anywhere inside `data`, as in
//!    embedded `related_indicators` lists.
//!
//! Links are directed (relation source → target, holder of a field → referenced entity);
//! queries report both directions and say which one with [`Direction`]. Only links between
//! *full* entities count: a reference that resolves to nothing, or only to a stub whose entity
//! is not in the dataset, is a [`DanglingReference`] — reported, never fatal.
//!
//! # Determinism
//!
//! Entities keep input order (packages in the order given, entities in package order). When
//! two full entities share an id, the first one is used and the later ones are listed by
//! [`Dataset::duplicates`]. Query results follow the dataset order of the linked entity.
//!
//! ```
//! use eiq_json::{Dataset, Package};
//!
//! let json = br#"{"content-type": "urn:eclecticiq.com:json:1.0", "entities": [
//!   {"id": "99d4e669-e746-5c95-bfac-b98afdab7118", "data": {"type": "incident"}},
//!   {"id": "7f943d09-da30-56e4-9e87-47f4e5d9572a", "data": {"type": "indicator"}},
//!   {"id": "a4597034-58bb-521b-8653-547dd6ab8298", "data": {"type": "relation",
//!     "source": "99d4e669-e746-5c95-bfac-b98afdab7118", "source_type": "incident",
//!     "target": "7f943d09-da30-56e4-9e87-47f4e5d9572a", "target_type": "indicator",
//!     "key": "related_indicators"}}]}"#;
//! let package = Package::from_json(json)?;
//! let dataset = Dataset::from_packages([&package]);
//! let incident = dataset.incidents().next().expect("one incident");
//! let members = dataset.incident_members(&incident.id);
//! assert_eq!(members.len(), 1);
//! assert_eq!(members[0].entity.id.as_str(), "7f943d09-da30-56e4-9e87-47f4e5d9572a");
//! assert!(dataset.dangling().is_empty());
//! # Ok::<(), eiq_json::Error>(())
//! ```

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{BuildHasher, Hasher, RandomState};

use serde_json::Value;

use crate::data::RelationData;
use crate::entity::Entity;
use crate::id::{EntityId, reference_value};
use crate::package::Package;
use crate::vocab::{EntityType, RelationKey};

/// Members ending in `_ref`/`_refs` that name marking definitions rather than entities.
const MARKING_REFERENCES: [&str; 2] = ["object_marking_refs", "marking_ref"];

/// Which way a link points, seen from the entity a query asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// The asked entity is the relation source or holds the reference.
    Outgoing,
    /// The asked entity is the relation target or is referenced.
    Incoming,
}

/// How two entities are linked.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum LinkVia<'a> {
    /// A `relation` entity.
    Relation {
        /// The relation entity.
        relation: &'a Entity,
        /// Its `key`, e.g. `related_indicators`.
        key: Option<&'a RelationKey>,
        /// The stub an endpoint named, when the link was resolved through one.
        via_stub: Option<&'a Entity>,
    },
    /// A `*_ref` / `*_refs` member of the holder's `data`.
    RefField {
        /// Path of the member inside the holder, e.g. `data.object_refs[2]`.
        field: String,
    },
    /// A STIX 1.2 `idref` inside the holder's `data`.
    Idref {
        /// Path of the member inside the holder, e.g. `data.related_indicators[0].idref`.
        field: String,
    },
}

/// One link of a [`Linked`] entity to the entity a query asked about.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkEnd<'a> {
    /// Which way the link points.
    pub direction: Direction,
    /// The mechanism.
    pub via: LinkVia<'a>,
}

/// An entity linked to the one a query asked about, with every way it is linked.
#[derive(Debug, Clone, PartialEq)]
pub struct Linked<'a> {
    /// The linked entity (always a full entity of the dataset).
    pub entity: &'a Entity,
    /// The links, in the order they were found (relations first, then fields).
    pub links: Vec<LinkEnd<'a>>,
}

impl Linked<'_> {
    /// Whether any link is a relation entity.
    pub fn via_relation(&self) -> bool {
        self.links
            .iter()
            .any(|end| matches!(end.via, LinkVia::Relation { .. }))
    }
}

/// Where a reference leads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Endpoint<'a> {
    /// A full entity of the dataset, possibly found through a stub.
    Entity {
        /// The entity.
        entity: &'a Entity,
        /// The stub the reference named, if it was resolved through one.
        via_stub: Option<&'a Entity>,
    },
    /// Only a stub: the entity it stands for is outside the dataset.
    Stub(&'a Entity),
    /// Nothing in the dataset has that id, or the text holds no id.
    Missing,
}

impl<'a> Endpoint<'a> {
    /// The full entity, if the reference resolved to one.
    pub fn entity(&self) -> Option<&'a Entity> {
        match self {
            Self::Entity { entity, .. } => Some(entity),
            Self::Stub(_) | Self::Missing => None,
        }
    }
}

/// A relation entity with its endpoints resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationView<'a> {
    /// The relation entity.
    pub relation: &'a Entity,
    /// Its body.
    pub data: &'a RelationData,
    /// Where `data.source` leads.
    pub source: Endpoint<'a>,
    /// Where `data.target` leads.
    pub target: Endpoint<'a>,
}

/// Why a reference is dangling.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum DanglingReason<'a> {
    /// No entity or stub in the dataset has the referenced id.
    NotInDataset,
    /// Only a stub is in the dataset: the entity it stands for is not.
    OutsideDataset {
        /// The stub.
        stub: &'a Entity,
    },
    /// The text holds no entity id.
    NotAReference,
}

/// A reference that does not lead to a full entity of the dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct DanglingReference<'a> {
    /// The entity holding the reference (the relation entity for relation endpoints).
    pub holder: &'a Entity,
    /// Path of the reference inside the holder, e.g. `data.source`.
    pub field: String,
    /// The reference as written.
    pub reference: String,
    /// Why it does not resolve.
    pub reason: DanglingReason<'a>,
}

/// A later entity whose id an earlier full entity already has.
#[derive(Debug, Clone, PartialEq)]
pub struct Duplicate<'a> {
    /// The entity kept for lookups.
    pub kept: &'a Entity,
    /// The entity ignored.
    pub ignored: &'a Entity,
}

#[derive(Debug, Clone)]
struct LinkRecord<'a> {
    from: usize,
    to: usize,
    via: LinkVia<'a>,
}

/// The key of [`Dataset`]'s id maps: the number an id spells, as two `u64` halves. A `u128`
/// is aligned to 16 bytes, which made each map slot (key and position) 32 bytes instead of 24:
/// at a million entities the id map is 16 MB smaller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct IdKey([u64; 2]);

impl From<u128> for IdKey {
    fn from(value: u128) -> Self {
        Self([(value >> 64) as u64, value as u64])
    }
}

impl std::hash::Hash for IdKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let [high, low] = self.0;
        state.write_u128((u128::from(high) << 64) | u128::from(low));
    }
}

/// The hasher of [`Dataset`]'s id maps: ids are 128-bit numbers, mostly random already, so one
/// folded multiply with secret per-map keys mixes them (SipHash cost more than the rest of the
/// lookup); the keys keep chosen ids from colliding on purpose.
#[derive(Debug, Clone, Copy)]
struct IdHashing {
    keys: [u64; 2],
}

impl IdHashing {
    fn new() -> Self {
        let random = RandomState::new();
        Self {
            keys: [random.hash_one(0x5eed_u64), random.hash_one(0xfeed_u64)],
        }
    }
}

impl BuildHasher for IdHashing {
    type Hasher = IdHasher;

    fn build_hasher(&self) -> IdHasher {
        IdHasher {
            keys: self.keys,
            hash: self.keys[0],
        }
    }
}

/// See [`IdHashing`].
struct IdHasher {
    keys: [u64; 2],
    hash: u64,
}

/// The high and low halves of the 128-bit product, XORed.
fn folded_multiply(a: u64, b: u64) -> u64 {
    let product = u128::from(a) * u128::from(b);
    (product as u64) ^ ((product >> 64) as u64)
}

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.hash
    }

    fn write_u128(&mut self, id: u128) {
        let [first, second] = self.keys;
        self.hash = folded_multiply((id as u64) ^ first, ((id >> 64) as u64) ^ second);
    }

    // Only `u128` keys are hashed; any other input is folded in eight bytes at a time.
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            for (to, from) in word.iter_mut().zip(chunk) {
                *to = *from;
            }
            self.hash = folded_multiply(self.hash ^ u64::from_le_bytes(word), self.keys[1] | 1);
        }
    }
}

/// A read-only graph over the entities of one or more packages. See the [module
/// docs](self) for how links are found.
#[derive(Debug, Clone)]
pub struct Dataset<'a> {
    entities: Vec<&'a Entity>,
    /// Full entities by the number their id spells ([`EntityId::value`]).
    full: HashMap<IdKey, usize, IdHashing>,
    /// Stubs by their own id and by the id of the entity they stand for.
    stubs: HashMap<IdKey, usize, IdHashing>,
    links: Vec<LinkRecord<'a>>,
    /// The links of entity `i` are `adjacency[adjacency_start[i]..adjacency_start[i + 1]]`
    /// (positions in `links`, in the order found; a self-link once).
    adjacency_start: Vec<usize>,
    adjacency: Vec<usize>,
    relations: Vec<RelationView<'a>>,
    dangling: Vec<DanglingReference<'a>>,
    duplicates: Vec<Duplicate<'a>>,
}

impl<'a> Dataset<'a> {
    /// A dataset spanning the entities of `packages`, in order.
    pub fn from_packages<I: IntoIterator<Item = &'a Package>>(packages: I) -> Self {
        let packages: Vec<&'a Package> = packages.into_iter().collect();
        let count = packages
            .iter()
            .map(|package| package.entities().len())
            .sum();
        Self::with_entities(packages.into_iter().flat_map(Package::entities), count)
    }

    /// A dataset over loose entities, in order.
    pub fn from_entities<I: IntoIterator<Item = &'a Entity>>(entities: I) -> Self {
        let entities = entities.into_iter();
        let count = entities.size_hint().0;
        Self::with_entities(entities, count)
    }

    /// A dataset over `entities`, with room for `count` of them.
    fn with_entities<I: Iterator<Item = &'a Entity>>(entities: I, count: usize) -> Self {
        let hashing = IdHashing::new();
        let mut dataset = Self {
            entities: Vec::with_capacity(count),
            full: HashMap::with_capacity_and_hasher(count, hashing),
            stubs: HashMap::with_hasher(hashing),
            links: Vec::new(),
            adjacency_start: Vec::new(),
            adjacency: Vec::new(),
            relations: Vec::new(),
            dangling: Vec::new(),
            duplicates: Vec::new(),
        };
        let relations = dataset.index(entities);
        dataset.link(relations);
        dataset.index_links();
        dataset
    }

    /// Lists and keys the entities; returns how many of those listed are relations (counted
    /// here, where each entity's body is read anyway, instead of in one more pass).
    fn index<I: Iterator<Item = &'a Entity>>(&mut self, entities: I) -> usize {
        let mut relations = 0;
        for entity in entities {
            let uuid = entity.id.value();
            if entity.is_stub() {
                if self.stubs.contains_key(&IdKey::from(uuid)) {
                    continue;
                }
                let index = self.push(entity);
                self.stubs.insert(IdKey::from(uuid), index);
                if let Some(target) = entity.data.qualified_id().and_then(reference_value) {
                    self.stubs.entry(IdKey::from(target)).or_insert(index);
                }
            } else {
                // One probe of the id map: it is the first time most ids are seen.
                let next = self.entities.len();
                match self.full.entry(IdKey::from(uuid)) {
                    Entry::Occupied(kept) => {
                        if let Some(&kept) = self.entities.get(*kept.get()) {
                            self.duplicates.push(Duplicate {
                                kept,
                                ignored: entity,
                            });
                        }
                    }
                    Entry::Vacant(slot) => {
                        slot.insert(next);
                        self.entities.push(entity);
                        relations += usize::from(entity.data.as_relation().is_some());
                    }
                }
            }
        }
        relations
    }

    fn push(&mut self, entity: &'a Entity) -> usize {
        self.entities.push(entity);
        self.entities.len() - 1
    }

    /// Resolves a reference in any spelling [`crate::reference_uuid`] accepts.
    pub fn resolve(&self, reference: &str) -> Endpoint<'a> {
        self.resolve_at(reference).0
    }

    /// [`Dataset::resolve`], with the position of the full entity the reference leads to.
    fn resolve_at(&self, reference: &str) -> (Endpoint<'a>, Option<usize>) {
        let Some(uuid) = reference_value(reference) else {
            return (Endpoint::Missing, None);
        };
        if let Some((index, entity)) = self.full_entity(uuid) {
            let endpoint = Endpoint::Entity {
                entity,
                via_stub: None,
            };
            return (endpoint, Some(index));
        }
        let Some(stub) = self
            .stubs
            .get(&IdKey::from(uuid))
            .and_then(|&i| self.entities.get(i))
            .copied()
        else {
            return (Endpoint::Missing, None);
        };
        let stands_for = stub
            .data
            .qualified_id()
            .and_then(reference_value)
            .unwrap_or(uuid);
        match self.full_entity(stands_for) {
            Some((index, entity)) => {
                let endpoint = Endpoint::Entity {
                    entity,
                    via_stub: Some(stub),
                };
                (endpoint, Some(index))
            }
            None => (Endpoint::Stub(stub), None),
        }
    }

    /// The position of the full entity whose id spells `uuid`.
    fn full_position(&self, uuid: u128) -> Option<usize> {
        self.full.get(&IdKey::from(uuid)).copied()
    }

    /// The position and the full entity whose id spells `uuid`.
    fn full_entity(&self, uuid: u128) -> Option<(usize, &'a Entity)> {
        let index = self.full_position(uuid)?;
        self.entities.get(index).map(|&entity| (index, entity))
    }

    /// Resolves the relations (`relations` of the listed entities are relations) and the
    /// reference fields into links.
    fn link(&mut self, relations: usize) {
        // Each relation gives one view and at most one link: room for them up front (growing
        // the lists copied them over and over).
        self.relations.reserve(relations);
        self.links.reserve(relations);
        for from in 0..self.entities.len() {
            let Some(&entity) = self.entities.get(from) else {
                continue;
            };
            if let Some(relation) = entity.data.as_relation() {
                self.link_relation(entity, relation);
            }
            // Most bodies have no member named like a reference: a scan of the names, which
            // writes nothing, shows it, and the costly `Value` walk below is skipped.
            if !names::may_name_references(&entity.data) {
                continue;
            }
            // Serialising a parsed or built body cannot fail (every map key is a string); if it
            // ever did, the entity simply has no field references to follow.
            let Ok(data) = serde_json::to_value(&entity.data) else {
                continue;
            };
            let mut found = Vec::new();
            collect_references(&data, "data", &mut found);
            for (field, reference, is_idref) in found {
                let via = if is_idref {
                    LinkVia::Idref {
                        field: field.clone(),
                    }
                } else {
                    LinkVia::RefField {
                        field: field.clone(),
                    }
                };
                self.link_reference(from, entity, field, reference, via);
            }
        }
    }

    fn link_relation(&mut self, relation: &'a Entity, data: &'a RelationData) {
        let (source, source_index) = self.resolve_at(&data.source);
        let (target, target_index) = self.resolve_at(&data.target);
        self.relations.push(RelationView {
            relation,
            data,
            source,
            target,
        });
        for (field, reference, endpoint) in [
            ("data.source", &data.source, source),
            ("data.target", &data.target, target),
        ] {
            if let Some(reason) = dangling_reason(reference, endpoint) {
                self.dangling.push(DanglingReference {
                    holder: relation,
                    field: field.to_string(),
                    reference: reference.clone(),
                    reason,
                });
            }
        }
        if let (
            Endpoint::Entity {
                via_stub: from_stub,
                ..
            },
            Endpoint::Entity {
                via_stub: to_stub, ..
            },
            Some(from),
            Some(to),
        ) = (source, target, source_index, target_index)
        {
            let via = LinkVia::Relation {
                relation,
                key: data.key.get(),
                via_stub: from_stub.or(to_stub),
            };
            self.add_link(from, to, via);
        }
    }

    fn link_reference(
        &mut self,
        from: usize,
        holder: &'a Entity,
        field: String,
        reference: String,
        via: LinkVia<'a>,
    ) {
        let (endpoint, index) = self.resolve_at(&reference);
        if let Some(reason) = dangling_reason(&reference, endpoint) {
            self.dangling.push(DanglingReference {
                holder,
                field,
                reference,
                reason,
            });
            return;
        }
        if let Some(to) = index {
            self.add_link(from, to, via);
        }
    }

    fn add_link(&mut self, from: usize, to: usize, via: LinkVia<'a>) {
        self.links.push(LinkRecord { from, to, via });
    }

    /// Lists every entity's links (a counting sort of the link ends by entity, which keeps
    /// the order the links were found in).
    fn index_links(&mut self) {
        let mut start = vec![0usize; self.entities.len() + 1];
        let ends = |link: &LinkRecord<'a>| {
            let second = (link.to != link.from).then_some(link.to);
            std::iter::once(link.from).chain(second)
        };
        for link in &self.links {
            for end in ends(link) {
                if let Some(count) = start.get_mut(end + 1) {
                    *count += 1;
                }
            }
        }
        let mut total = 0;
        for count in &mut start {
            total += *count;
            *count = total;
        }
        let mut next = start.clone();
        let mut adjacency = vec![0; start.last().copied().unwrap_or(0)];
        for (index, link) in self.links.iter().enumerate() {
            for end in ends(link) {
                if let Some(at) = next.get_mut(end)
                    && let Some(slot) = adjacency.get_mut(*at)
                {
                    *slot = index;
                    *at += 1;
                }
            }
        }
        self.adjacency_start = start;
        self.adjacency = adjacency;
    }

    /// The positions in `links` of the links of the entity at `index`.
    fn links_at(&self, index: usize) -> &[usize] {
        match (
            self.adjacency_start.get(index),
            self.adjacency_start.get(index + 1),
        ) {
            (Some(&from), Some(&to)) => self.adjacency.get(from..to).unwrap_or_default(),
            _ => &[],
        }
    }

    /// Number of entities (relations and stubs included, duplicates not).
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// Whether the dataset has no entities.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// Every entity in input order (relations and stubs included, duplicates not).
    pub fn entities(&self) -> impl Iterator<Item = &'a Entity> + '_ {
        self.entities.iter().copied()
    }

    /// Entities of one type (as written in `data.type`), in input order.
    pub fn entities_of_type<'s>(
        &'s self,
        entity_type: &'s EntityType,
    ) -> impl Iterator<Item = &'a Entity> + 's {
        self.entities()
            .filter(move |entity| entity.entity_type() == entity_type)
    }

    /// The incidents, in input order.
    pub fn incidents(&self) -> impl Iterator<Item = &'a Entity> + '_ {
        self.entities()
            .filter(|entity| entity.entity_type() == &EntityType::INCIDENT)
    }

    /// The full entity with this id (stubs are not returned; see [`Dataset::resolve`]).
    pub fn entity(&self, id: &EntityId) -> Option<&'a Entity> {
        self.full_entity(id.value()).map(|(_, entity)| entity)
    }

    /// Every relation entity with its endpoints resolved, in input order.
    pub fn relations(&self) -> &[RelationView<'a>] {
        &self.relations
    }

    /// Relations whose source resolves to the entity with this id.
    pub fn relations_from(&self, id: &EntityId) -> Vec<&RelationView<'a>> {
        self.relations
            .iter()
            .filter(|view| endpoint_is(view.source, id))
            .collect()
    }

    /// Relations whose target resolves to the entity with this id.
    pub fn relations_to(&self, id: &EntityId) -> Vec<&RelationView<'a>> {
        self.relations
            .iter()
            .filter(|view| endpoint_is(view.target, id))
            .collect()
    }

    /// Every full entity linked to the one with this id, by any mechanism, in either
    /// direction, grouped per linked entity (a self-link lists the entity itself).
    pub fn links_of(&self, id: &EntityId) -> Vec<Linked<'a>> {
        match self.full_position(id.value()) {
            Some(index) => self.linked_to(index, |_| true),
            None => Vec::new(),
        }
    }

    /// Whether the entity with this id is linked to an incident (itself excluded): the same as
    /// `!linked_incidents(id).is_empty()`, without collecting the links.
    pub fn has_linked_incident(&self, id: &EntityId) -> bool {
        self.full_position(id.value())
            .is_some_and(|index| self.links_an_incident(index))
    }

    /// Every entity in input order (as [`Dataset::entities`]) with whether it is a full entity
    /// linked to an incident (itself excluded; as [`Dataset::has_linked_incident`]), without
    /// looking its id up again.
    pub fn entities_with_incident_link(&self) -> impl Iterator<Item = (&'a Entity, bool)> + '_ {
        // Every entity that is not a stub is the full entity of its id, at its own position.
        self.entities
            .iter()
            .enumerate()
            .map(|(index, &entity)| (entity, !entity.is_stub() && self.links_an_incident(index)))
    }

    /// The links of the entity at `index`, in the order found: the position of the entity at
    /// the other end (its own for a self-link), which way the link points, and the link.
    fn ends_at(
        &self,
        index: usize,
    ) -> impl Iterator<Item = (usize, Direction, &LinkRecord<'a>)> + '_ {
        self.links_at(index)
            .iter()
            .filter_map(|record| self.links.get(*record))
            .map(move |link| {
                if link.from == index {
                    (link.to, Direction::Outgoing, link)
                } else {
                    (link.from, Direction::Incoming, link)
                }
            })
    }

    /// Whether the entity at `other`, linked to the one at `index`, is an incident other than
    /// it.
    fn is_other_incident(&self, index: usize, other: usize) -> bool {
        other != index
            && self
                .entities
                .get(other)
                .is_some_and(|entity| entity.entity_type() == &EntityType::INCIDENT)
    }

    /// Whether the entity at `index` has a link to an incident other than itself.
    fn links_an_incident(&self, index: usize) -> bool {
        self.ends_at(index)
            .any(|(other, _, _)| self.is_other_incident(index, other))
    }

    /// The entities linked to an incident (the incident itself excluded): what contributes
    /// extracts to the incident's MISP event.
    pub fn incident_members(&self, incident: &EntityId) -> Vec<Linked<'a>> {
        match self.full_position(incident.value()) {
            Some(index) => self.linked_to(index, |other| other != index),
            None => Vec::new(),
        }
    }

    /// The entities of [`Dataset::incident_members`] without their links, in the same order:
    /// what the MISP mapping asks for each incident, with one allocation instead of one per
    /// member.
    pub fn incident_member_entities(&self, incident: &EntityId) -> Vec<&'a Entity> {
        let Some(index) = self.full_position(incident.value()) else {
            return Vec::new();
        };
        let mut others: Vec<usize> = self
            .ends_at(index)
            .map(|(other, _, _)| other)
            .filter(|&other| other != index)
            .collect();
        others.sort_unstable();
        others.dedup();
        others
            .into_iter()
            .filter_map(|other| self.entities.get(other).copied())
            .collect()
    }

    /// The incidents the entity with this id is linked to (itself excluded).
    pub fn linked_incidents(&self, id: &EntityId) -> Vec<Linked<'a>> {
        match self.full_position(id.value()) {
            Some(index) => self.linked_to(index, |other| self.is_other_incident(index, other)),
            None => Vec::new(),
        }
    }

    /// The entities linked to the one at `index` that `keep` accepts (by index), grouped per
    /// entity in dataset order, each with its links in the order found.
    fn linked_to(&self, index: usize, keep: impl Fn(usize) -> bool) -> Vec<Linked<'a>> {
        let mut ends: Vec<(usize, LinkEnd<'a>)> = Vec::new();
        for (other, direction, link) in self.ends_at(index) {
            if keep(other) {
                let via = link.via.clone();
                ends.push((other, LinkEnd { direction, via }));
            }
        }
        // A stable sort keeps each entity's links in the order found.
        ends.sort_by_key(|(other, _)| *other);
        let mut grouped: Vec<Linked<'a>> = Vec::new();
        let mut current = None;
        for (other, end) in ends {
            if current == Some(other)
                && let Some(last) = grouped.last_mut()
            {
                last.links.push(end);
            } else if let Some(&entity) = self.entities.get(other) {
                current = Some(other);
                grouped.push(Linked {
                    entity,
                    links: vec![end],
                });
            }
        }
        grouped
    }

    /// References that do not lead to a full entity, in the order found.
    pub fn dangling(&self) -> &[DanglingReference<'a>] {
        &self.dangling
    }

    /// Entities ignored because an earlier one has the same id.
    pub fn duplicates(&self) -> &[Duplicate<'a>] {
        &self.duplicates
    }
}

fn endpoint_is(endpoint: Endpoint<'_>, id: &EntityId) -> bool {
    endpoint
        .entity()
        .is_some_and(|entity| entity.id.value() == id.value())
}

fn dangling_reason<'a>(reference: &str, endpoint: Endpoint<'a>) -> Option<DanglingReason<'a>> {
    match endpoint {
        Endpoint::Entity { .. } => None,
        Endpoint::Stub(stub) => Some(DanglingReason::OutsideDataset { stub }),
        Endpoint::Missing if reference_value(reference).is_none() => {
            Some(DanglingReason::NotAReference)
        }
        Endpoint::Missing => Some(DanglingReason::NotInDataset),
    }
}

/// Collects `(path, reference, is_idref)` for every `*_ref`, `*_refs` and `idref` member.
fn collect_references(value: &Value, path: &str, found: &mut Vec<(String, String, bool)>) {
    match value {
        Value::Object(object) => {
            for (key, member) in object {
                let member_path = format!("{path}.{key}");
                let is_marking = MARKING_REFERENCES.contains(&key.as_str());
                match member {
                    Value::String(text) if key == "idref" => {
                        found.push((member_path, text.clone(), true));
                    }
                    Value::String(text) if key.ends_with("_ref") && !is_marking => {
                        found.push((member_path, text.clone(), false));
                    }
                    Value::Array(items) if key.ends_with("_refs") && !is_marking => {
                        for (i, item) in items.iter().enumerate() {
                            if let Value::String(text) = item {
                                found.push((format!("{member_path}[{i}]"), text.clone(), false));
                            }
                        }
                    }
                    _ if is_marking => {}
                    _ => collect_references(member, &member_path, found),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_references(item, &format!("{path}[{i}]"), found);
            }
        }
        _ => {}
    }
}

mod names;

#[cfg(test)]
mod tests;
