//! Event reports: Markdown write-ups attached to an event.

use crate::vocabulary::Distribution;
use crate::wire::wire_struct;

wire_struct! {
    /// An event report (`EventReport`): Markdown whose `@[attribute](uuid)` links point into the event.
    pub struct EventReport {
        /// Instance-local numeric id.
        pub id: Option<u64> = "id",
        /// Report UUID.
        pub uuid: Option<String> = "uuid",
        /// Instance-local id of the event.
        pub event_id: Option<u64> = "event_id",
        /// Title.
        pub name: Option<String> = "name",
        /// Markdown body.
        pub content: Option<String> = "content",
        /// Who may see the report (0–5).
        pub distribution: Option<Distribution> = "distribution",
        /// Instance-local sharing group id.
        pub sharing_group_id: Option<u64> = "sharing_group_id",
        /// Last change, seconds since the Unix epoch.
        pub timestamp: Option<u64> = "timestamp",
        /// Soft-deletion marker.
        pub deleted: Option<bool> = "deleted",
    }
}
