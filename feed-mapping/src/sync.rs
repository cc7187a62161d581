//! Sync plans: what to add, update and delete on a MISP instance to turn the previously pushed
//! event into the newly mapped one — the platform can only append; with stable UUIDs
//! ([`crate::identity`]) we can also update and delete.
//!
//! Top-level attributes are matched by UUID. An attribute counts as changed when a field the
//! new attribute sets (category, `to_ids`, comment, distribution, correlation flag, first/last
//! seen, value, type) differs or its tag names differ; server-side bookkeeping (`id`,
//! `event_id`, `timestamp`, sightings, …) is ignored. A soft-deleted previous attribute that
//! the new event has again is an update (un-deleting it); previous attributes without a UUID
//! cannot be addressed and are left alone. Objects are compared as a whole
//! ([`SyncPlan::objects_changed`]).
//!
//! ```
//! use feed_mapping::sync::sync_plan;
//! use misp_model::{Attribute, Event};
//!
//! let old = Event::new("x")
//!     .with_attribute(Attribute::new("domain", "a.example").with_uuid("11111111-1111-4111-8111-111111111111"))
//!     .with_attribute(Attribute::new("domain", "b.example").with_uuid("22222222-2222-4222-8222-222222222222"));
//! let new = Event::new("x")
//!     .with_attribute(Attribute::new("domain", "a.example").with_uuid("11111111-1111-4111-8111-111111111111").with_to_ids(true))
//!     .with_attribute(Attribute::new("domain", "c.example").with_uuid("33333333-3333-4333-8333-333333333333"));
//! let plan = sync_plan(&old, &new);
//! assert_eq!(plan.add[0].value, "c.example");
//! assert_eq!(plan.update[0].value, "a.example");
//! assert_eq!(plan.delete, ["22222222-2222-4222-8222-222222222222"]);
//! assert!(!plan.event_changed);
//! assert_eq!(plan.apply(&old, &new), new);
//! ```

use std::collections::{BTreeSet, HashMap, HashSet};

use misp_model::{Attribute, Event, Tag};

/// The changes that turn a previously pushed event into the new one.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct SyncPlan {
    /// Attributes of the new event whose UUID the old one lacks (in the new event's order).
    pub add: Vec<Attribute>,
    /// Attributes whose UUID both have but whose content differs (new content, new order).
    pub update: Vec<Attribute>,
    /// UUIDs of attributes the old event has and the new one does not (old order).
    pub delete: Vec<String>,
    /// Whether event-level fields (info, date, threat level, analysis, distribution, tags,
    /// creator organisation) differ.
    pub event_changed: bool,
    /// Whether the objects differ (compared whole, by UUID and content).
    pub objects_changed: bool,
}

impl SyncPlan {
    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.add.is_empty()
            && self.update.is_empty()
            && self.delete.is_empty()
            && !self.event_changed
            && !self.objects_changed
    }

    /// The event a MISP instance holds after the plan: `previous` with the deletions removed,
    /// updates replaced and additions appended, then ordered as in `next`; event-level fields
    /// and objects are taken from `next` when the plan says they changed. Used to check plans.
    pub fn apply(&self, previous: &Event, next: &Event) -> Event {
        let deleted: HashSet<&str> = self.delete.iter().map(String::as_str).collect();
        let updates: HashMap<&str, &Attribute> = self
            .update
            .iter()
            .filter_map(|a| a.uuid.as_deref().map(|u| (u, a)))
            .collect();
        let mut attributes: Vec<Attribute> = previous
            .attributes
            .iter()
            .filter(|a| !a.uuid.as_deref().is_some_and(|u| deleted.contains(u)))
            .map(|a| match a.uuid.as_deref().and_then(|u| updates.get(u)) {
                Some(updated) => (*updated).clone(),
                None => a.clone(),
            })
            .collect();
        attributes.extend(self.add.iter().cloned());
        let position: HashMap<&str, usize> = next
            .attributes
            .iter()
            .enumerate()
            .filter_map(|(i, a)| a.uuid.as_deref().map(|u| (u, i)))
            .collect();
        attributes.sort_by_key(|a| {
            a.uuid
                .as_deref()
                .and_then(|u| position.get(u).copied())
                .unwrap_or(usize::MAX)
        });
        let mut result = if self.event_changed {
            next.clone()
        } else {
            previous.clone()
        };
        result.attributes = attributes;
        result.objects = if self.objects_changed {
            next.objects.clone()
        } else {
            previous.objects.clone()
        };
        result
    }
}

/// Compares two versions of an event by attribute UUID.
pub fn sync_plan(previous: &Event, next: &Event) -> SyncPlan {
    let old: HashMap<&str, &Attribute> = previous
        .attributes
        .iter()
        .filter_map(|a| a.uuid.as_deref().map(|u| (u, a)))
        .collect();
    let mut plan = SyncPlan::default();
    let mut kept: HashSet<&str> = HashSet::new();
    for attribute in &next.attributes {
        let Some(uuid) = attribute.uuid.as_deref() else {
            plan.add.push(attribute.clone());
            continue;
        };
        kept.insert(uuid);
        match old.get(uuid) {
            None => plan.add.push(attribute.clone()),
            Some(before) if before.is_deleted() || changed(before, attribute) => {
                plan.update.push(attribute.clone());
            }
            Some(_) => {}
        }
    }
    for attribute in &previous.attributes {
        if let Some(uuid) = attribute.uuid.as_deref()
            && !kept.contains(uuid)
            && !attribute.is_deleted()
        {
            plan.delete.push(uuid.to_owned());
        }
    }
    plan.event_changed = event_changed(previous, next);
    plan.objects_changed = previous.objects != next.objects;
    plan
}

fn differs<T: PartialEq>(before: &Option<T>, after: &Option<T>) -> bool {
    after.is_some() && before != after
}

fn tag_names(tags: &[Tag]) -> BTreeSet<&str> {
    tags.iter().map(|t| t.name.as_str()).collect()
}

fn changed(before: &Attribute, after: &Attribute) -> bool {
    before.attribute_type != after.attribute_type
        || before.value != after.value
        || differs(&before.category, &after.category)
        || differs(&before.to_ids, &after.to_ids)
        || differs(&before.comment, &after.comment)
        || differs(&before.distribution, &after.distribution)
        || differs(&before.disable_correlation, &after.disable_correlation)
        || differs(&before.first_seen, &after.first_seen)
        || differs(&before.last_seen, &after.last_seen)
        || tag_names(&before.tags) != tag_names(&after.tags)
}

fn event_changed(before: &Event, after: &Event) -> bool {
    before.info != after.info
        || differs(&before.date, &after.date)
        || differs(&before.threat_level, &after.threat_level)
        || differs(&before.analysis, &after.analysis)
        || differs(&before.distribution, &after.distribution)
        || tag_names(&before.tags) != tag_names(&after.tags)
        || differs(
            &before.orgc.as_ref().and_then(|o| o.name.clone()),
            &after.orgc.as_ref().and_then(|o| o.name.clone()),
        )
}
