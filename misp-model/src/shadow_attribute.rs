//! Shadow attributes: proposals by another organisation to add, change or delete an attribute.

use std::borrow::Cow;

use crate::org::Org;
use crate::wire::wire_struct;

wire_struct! {
    /// A proposal (`ShadowAttribute`), in `Event.ShadowAttribute` (new attributes) or
    /// `Attribute.ShadowAttribute` (edits of that attribute).
    pub struct ShadowAttribute {
        /// Instance-local numeric id.
        pub id: Option<u64> = "id",
        /// Id of the attribute the proposal targets (`0`: propose a new attribute).
        pub old_id: Option<u64> = "old_id",
        /// Instance-local id of the event.
        pub event_id: Option<u64> = "event_id",
        /// Proposed attribute type. A built-in describeTypes name is held borrowed, any other
        /// owned, as for [`crate::Attribute::attribute_type`].
        pub attribute_type: Option<Cow<'static, str>> = "type",
        /// Proposed category, held like the type.
        pub category: Option<Cow<'static, str>> = "category",
        /// Proposal UUID.
        pub uuid: Option<String> = "uuid",
        /// Proposed IDS flag.
        pub to_ids: Option<bool> = "to_ids",
        /// Proposed comment.
        pub comment: Option<String> = "comment",
        /// Instance-local id of the proposing organisation.
        pub org_id: Option<u64> = "org_id",
        /// Proposed value.
        pub value: Option<String> = "value",
        /// When proposed, seconds since the Unix epoch.
        pub timestamp: Option<u64> = "timestamp",
        /// Proposed first-seen time.
        pub first_seen: Option<String> = "first_seen",
        /// Proposed last-seen time.
        pub last_seen: Option<String> = "last_seen",
        /// Soft-deletion marker.
        pub deleted: Option<bool> = "deleted",
        /// Whether the proposal is to delete the attribute.
        pub proposal_to_delete: Option<bool> = "proposal_to_delete",
        /// Proposed correlation flag.
        pub disable_correlation: Option<bool> = "disable_correlation",
        /// UUID of the event.
        pub event_uuid: Option<String> = "event_uuid",
        /// Proposed base64 payload.
        pub data: Option<String> = "data",
        /// The proposing organisation.
        pub org: Option<Org> = "Org",
    }
}
