//! Organisations: `Org` (owner on this instance), `Orgc` (creator) and a sighting's `Organisation`.

use crate::wire::wire_struct;

wire_struct! {
    /// An organisation reference (`{"id": "2", "name": "CIRCL", "uuid": "55f6ea5e-…"}`).
    ///
    /// `Orgc` (the creator) must survive a transfer; `Org` is per instance. Feed files carry only
    /// `name` and `uuid`. Other keys MISP 2.5 adds (`local`, `type`, `sector`, …) stay in `extra`.
    pub struct Org {
        /// Instance-local numeric id.
        pub id: Option<u64> = "id",
        /// Display name.
        pub name: Option<String> = "name",
        /// Stable identity across instances.
        pub uuid: Option<String> = "uuid",
    }
}

impl Org {
    /// An organisation known by name and UUID (the form feeds and pushes use).
    pub fn new(name: impl Into<String>, uuid: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            uuid: Some(uuid.into()),
            ..Self::default()
        }
    }
}
