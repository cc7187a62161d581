//! Sync plans: what to add, update and delete on a MISP instance to turn the previously pushed
//! event into the newly mapped one.

use misp_model::{Attribute, Event};

/// The changes that turn a previously pushed event into the new one.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct SyncPlan {
    /// Attributes of the new event whose UUID the old one lacks.
    pub add: Vec<Attribute>,
    /// Attributes whose UUID both have but whose content differs (new content).
    pub update: Vec<Attribute>,
    /// UUIDs of attributes the old event has and the new one does not.
    pub delete: Vec<String>,
    /// Whether event-level fields (info, date, tags, levels, …) differ.
    pub event_changed: bool,
}

/// Compares two versions of an event by attribute UUID.
pub fn sync_plan(previous: &Event, next: &Event) -> SyncPlan {
    let _ = (previous, next);
    SyncPlan::default()
}
