//! Objects (templated groups of attributes, e.g. a `file`) and their references.

use crate::attribute::Attribute;
use crate::vocabulary::{Distribution, ReferencedType};
use crate::wire::wire_struct;

wire_struct! {
    /// A MISP object: attributes grouped by a template (`file`, `domain-ip`, …).
    pub struct Object {
        /// Instance-local numeric id.
        pub id: Option<u64> = "id",
        /// Template name, e.g. `file`.
        pub name: String = "name",
        /// Template meta-category, e.g. `file` or `network` (note the hyphen on the wire).
        pub meta_category: Option<String> = "meta-category",
        /// Template description.
        pub description: Option<String> = "description",
        /// Template UUID.
        pub template_uuid: Option<String> = "template_uuid",
        /// Template version.
        pub template_version: Option<u64> = "template_version",
        /// Instance-local id of the event.
        pub event_id: Option<u64> = "event_id",
        /// Stable identity across instances.
        pub uuid: Option<String> = "uuid",
        /// Last change, seconds since the Unix epoch.
        pub timestamp: Option<u64> = "timestamp",
        /// Who may see the object (0–5).
        pub distribution: Option<Distribution> = "distribution",
        /// Instance-local sharing group id.
        pub sharing_group_id: Option<u64> = "sharing_group_id",
        /// Free-text comment.
        pub comment: Option<String> = "comment",
        /// Soft-deletion marker.
        pub deleted: Option<bool> = "deleted",
        /// First time seen (ISO 8601, kept as written).
        pub first_seen: Option<String> = "first_seen",
        /// Last time seen (ISO 8601, kept as written).
        pub last_seen: Option<String> = "last_seen",
        /// Relations from this object to other objects or attributes.
        pub references: Vec<ObjectReference> = "ObjectReference",
        /// The object's attributes, each with `object_relation`.
        pub attributes: Vec<Attribute> = "Attribute",
    }
}

impl Object {
    /// An object of template `name` with no attributes yet.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// The same object with a UUID.
    #[must_use]
    pub fn with_uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }

    /// The same object with template metadata (meta-category, template UUID and version).
    #[must_use]
    pub fn with_template(
        mut self,
        meta_category: impl Into<String>,
        template_uuid: impl Into<String>,
        template_version: u64,
    ) -> Self {
        self.meta_category = Some(meta_category.into());
        self.template_uuid = Some(template_uuid.into());
        self.template_version = Some(template_version);
        self
    }

    /// The same object with one more attribute in slot `relation`.
    #[must_use]
    pub fn with_attribute(mut self, relation: impl Into<String>, attribute: Attribute) -> Self {
        self.attributes
            .push(attribute.with_object_relation(relation));
        self
    }

    /// The same object with one more reference.
    #[must_use]
    pub fn with_reference(mut self, reference: ObjectReference) -> Self {
        self.references.push(reference);
        self
    }
}

wire_struct! {
    /// A typed relation from an object to another object or attribute.
    ///
    /// Some exports name the source object `source_uuid` instead of `object_uuid`; both are read
    /// and written back as found ([`ObjectReference::source_object_uuid`] gives either). Embedded
    /// `Attribute`/`Object` stubs of the target stay in `extra`.
    pub struct ObjectReference {
        /// Instance-local numeric id.
        pub id: Option<u64> = "id",
        /// Reference UUID.
        pub uuid: Option<String> = "uuid",
        /// Last change, seconds since the Unix epoch.
        pub timestamp: Option<u64> = "timestamp",
        /// Instance-local id of the source object.
        pub object_id: Option<u64> = "object_id",
        /// Instance-local id of the target.
        pub referenced_id: Option<u64> = "referenced_id",
        /// UUID of the target object or attribute.
        pub referenced_uuid: Option<String> = "referenced_uuid",
        /// Whether the target is an attribute or an object.
        pub referenced_type: Option<ReferencedType> = "referenced_type",
        /// The relationship, e.g. `communicates-with`.
        pub relationship_type: Option<String> = "relationship_type",
        /// Free-text comment.
        pub comment: Option<String> = "comment",
        /// Soft-deletion marker.
        pub deleted: Option<bool> = "deleted",
        /// Instance-local id of the event.
        pub event_id: Option<u64> = "event_id",
        /// UUID of the source object.
        pub object_uuid: Option<String> = "object_uuid",
        /// UUID of the source object, as some exports spell it.
        pub source_uuid: Option<String> = "source_uuid",
    }
}

impl ObjectReference {
    /// A reference from object `object_uuid` to `referenced_uuid` with `relationship_type`.
    pub fn new(
        object_uuid: impl Into<String>,
        referenced_uuid: impl Into<String>,
        relationship_type: impl Into<String>,
    ) -> Self {
        Self {
            object_uuid: Some(object_uuid.into()),
            referenced_uuid: Some(referenced_uuid.into()),
            relationship_type: Some(relationship_type.into()),
            ..Self::default()
        }
    }

    /// The same reference with a UUID.
    #[must_use]
    pub fn with_uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }

    /// The source object's UUID, whichever key carried it.
    pub fn source_object_uuid(&self) -> Option<&str> {
        self.object_uuid.as_deref().or(self.source_uuid.as_deref())
    }
}
