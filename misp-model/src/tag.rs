//! Tags: taxonomy machine tags (`tlp:green`), free-text tags and galaxy tags.

use serde_json::Value;

use crate::wire::wire_struct;

wire_struct! {
    /// A tag attached to an event or attribute, identified by `name`.
    ///
    /// `local` is kept verbatim in `extra` because MISP writes it as `0`/`1` while PyMISP writes a
    /// boolean; read it with [`Tag::is_local`]. `numerical_value`, `is_galaxy`, `inherited`, … also
    /// stay in `extra`.
    pub struct Tag {
        /// Instance-local numeric id.
        pub id: Option<u64> = "id",
        /// The tag text, e.g. `tlp:green` or `misp-galaxy:threat-actor="APT 28"`.
        pub name: String = "name",
        /// Display colour `#rrggbb`.
        pub colour: Option<String> = "colour",
        /// Whether the tag leaves the instance (non-exportable tags are left out of feeds).
        pub exportable: Option<bool> = "exportable",
        /// Instance-local user id of the creator.
        pub user_id: Option<u64> = "user_id",
        /// Whether the UI hides the tag.
        pub hide_tag: Option<bool> = "hide_tag",
        /// Relationship of the tagged item to the tag (PyMISP writes `""`).
        pub relationship_type: Option<String> = "relationship_type",
    }
}

impl Tag {
    /// A tag with just a name, the form pushes use.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// The same tag with a display colour.
    #[must_use]
    pub fn with_colour(mut self, colour: impl Into<String>) -> Self {
        self.colour = Some(colour.into());
        self
    }

    /// The same tag marked local (never synchronised) or global.
    #[must_use]
    pub fn with_local(mut self, local: bool) -> Self {
        self.extra.insert("local".to_owned(), Value::Bool(local));
        self
    }

    /// Whether the tag is local to the instance: `local` read leniently (`true`, `1`, `"1"`);
    /// absent or unreadable means global.
    pub fn is_local(&self) -> bool {
        match self.extra.get("local") {
            Some(Value::Bool(b)) => *b,
            Some(Value::Number(n)) => n.as_u64() == Some(1),
            Some(Value::String(s)) => matches!(s.as_str(), "1" | "true" | "True"),
            _ => false,
        }
    }

    /// Whether the tag may leave the instance (`exportable` absent counts as exportable).
    pub fn is_exportable(&self) -> bool {
        self.exportable.unwrap_or(true)
    }
}
