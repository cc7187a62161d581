//! Sightings: an organisation reports having seen (or ruled out) an attribute's value.

use crate::org::Org;
use crate::vocabulary::SightingType;
use crate::wire::wire_struct;

wire_struct! {
    /// A sighting of an attribute (lives in `Attribute.Sighting`).
    pub struct Sighting {
        /// Instance-local numeric id.
        pub id: Option<u64> = "id",
        /// Instance-local id of the sighted attribute.
        pub attribute_id: Option<u64> = "attribute_id",
        /// Instance-local id of the event.
        pub event_id: Option<u64> = "event_id",
        /// Instance-local id of the reporting organisation (absent when anonymised).
        pub org_id: Option<u64> = "org_id",
        /// When it was seen, seconds since the Unix epoch.
        pub date_sighting: Option<u64> = "date_sighting",
        /// The sighting's own UUID.
        pub uuid: Option<String> = "uuid",
        /// Free-text source.
        pub source: Option<String> = "source",
        /// Seen, false positive, expiration or true positive.
        pub sighting_type: Option<SightingType> = "type",
        /// The reporting organisation.
        pub organisation: Option<Org> = "Organisation",
        /// UUID of the sighted attribute.
        pub attribute_uuid: Option<String> = "attribute_uuid",
    }
}
