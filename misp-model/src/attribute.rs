//! Attributes: one typed indicator or piece of context (`ip-dst` `203.0.113.7`).

use std::borrow::Cow;

use crate::galaxy::Galaxy;
use crate::rare::Rare;
use crate::shadow_attribute::ShadowAttribute;
use crate::sighting::Sighting;
use crate::tag::Tag;
use crate::text::Text;
use crate::vocabulary::Distribution;
use crate::wire::wire_struct;

wire_struct! {
    /// A MISP attribute, top-level in an event or inside an object (then with `object_relation`).
    ///
    /// Fields are in the order MISP writes them. `type`, `category` and the composite-value rules
    /// come from describeTypes (see [`crate::describe_types`]). `RelatedAttribute`, an embedded
    /// `Event` stub (attribute searches) and other keys stay in `extra`.
    pub struct Attribute {
        /// Instance-local numeric id.
        pub id: Option<u64> = "id",
        /// The attribute type, e.g. `ip-dst` or `filename|md5`.
        ///
        /// A `Cow` because almost every attribute has one of describeTypes' few names: the
        /// readers hold a built-in name borrowed (`'static`, see
        /// [`crate::describe_types::builtin_name`]) instead of one heap copy per attribute, and so
        /// can code that builds attributes from fixed names; any other name is owned as read.
        /// Compare and read it as text (`attribute_type == "ip-dst"`, `&*attribute_type`).
        pub attribute_type: Cow<'static, str> = "type",
        /// The category, e.g. `Network activity` (must allow the type). A built-in name is held
        /// borrowed, any other owned, as for [`Attribute::attribute_type`].
        pub category: Option<Cow<'static, str>> = "category",
        /// Whether IDS exports should use the value.
        pub to_ids: Option<bool> = "to_ids",
        /// Stable identity across instances (MISP lower-cases it). A [`Text`]: held inline, as
        /// are most values, so a large event does not allocate per attribute for it.
        pub uuid: Option<Text> = "uuid",
        /// Instance-local id of the event.
        pub event_id: Option<u64> = "event_id",
        /// Who may see the attribute (0–5, `5` inherits from the event).
        pub distribution: Option<Distribution> = "distribution",
        /// Last change, seconds since the Unix epoch (absent: the server stamps it).
        pub timestamp: Option<u64> = "timestamp",
        /// Free-text comment (a [`Text`]: inline if short, otherwise shared by its clones).
        pub comment: Option<Text> = "comment",
        /// Instance-local sharing group id (`0` unless distribution is 4).
        pub sharing_group_id: Option<u64> = "sharing_group_id",
        /// Soft-deletion marker.
        pub deleted: Option<bool> = "deleted",
        /// Whether MISP should skip correlating the value.
        pub disable_correlation: Option<bool> = "disable_correlation",
        /// Instance-local id of the containing object (`0` for top-level attributes).
        pub object_id: Option<u64> = "object_id",
        /// The slot name inside an object (e.g. `sha256` in a `file` object).
        pub object_relation: Rare<Option<String>> = "object_relation",
        /// First time the value was seen (ISO 8601, kept as written).
        pub first_seen: Rare<Option<String>> = "first_seen",
        /// Last time the value was seen (ISO 8601, kept as written).
        pub last_seen: Rare<Option<String>> = "last_seen",
        /// The value; composite types join their parts with `|`. A [`Text`]: an IP address,
        /// domain, MD5 hash or anything up to [`Text::INLINE_CAPACITY`] bytes is held inline.
        pub value: Text = "value",
        /// Base64 payload for `attachment` and `malware-sample` types.
        pub data: Rare<Option<String>> = "data",
        /// Attached galaxies.
        pub galaxies: Rare<Vec<Galaxy>> = "Galaxy",
        /// Proposals to change or delete this attribute.
        pub shadow_attributes: Rare<Vec<ShadowAttribute>> = "ShadowAttribute",
        /// Sightings of the value.
        pub sightings: Rare<Vec<Sighting>> = "Sighting",
        /// Attached tags.
        pub tags: Vec<Tag> = "Tag",
    }
}

impl Attribute {
    /// An attribute of `attribute_type` with `value`; everything else unset (MISP's defaults
    /// apply, or use [`crate::describe_types::DescribeTypes::apply_defaults`]).
    ///
    /// A `&'static str` type is held borrowed, a `String` owned (as given: no table lookup).
    pub fn new(attribute_type: impl Into<Cow<'static, str>>, value: impl Into<Text>) -> Self {
        Self {
            attribute_type: attribute_type.into(),
            value: value.into(),
            ..Self::default()
        }
    }

    /// The same attribute with a UUID.
    #[must_use]
    pub fn with_uuid(mut self, uuid: impl Into<Text>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }

    /// The same attribute with a category (a `&'static str` held borrowed, a `String` owned).
    #[must_use]
    pub fn with_category(mut self, category: impl Into<Cow<'static, str>>) -> Self {
        self.category = Some(category.into());
        self
    }

    /// The same attribute with its IDS flag set.
    #[must_use]
    pub fn with_to_ids(mut self, to_ids: bool) -> Self {
        self.to_ids = Some(to_ids);
        self
    }

    /// The same attribute with a comment.
    #[must_use]
    pub fn with_comment(mut self, comment: impl Into<Text>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    /// The same attribute with a distribution level.
    #[must_use]
    pub fn with_distribution(mut self, distribution: Distribution) -> Self {
        self.distribution = Some(distribution);
        self
    }

    /// The same attribute with a timestamp (seconds since the Unix epoch).
    #[must_use]
    pub fn with_timestamp(mut self, timestamp: u64) -> Self {
        self.timestamp = Some(timestamp);
        self
    }

    /// The same attribute with its slot name inside an object.
    #[must_use]
    pub fn with_object_relation(mut self, relation: impl Into<String>) -> Self {
        *self.object_relation = Some(relation.into());
        self
    }

    /// The same attribute with one more tag.
    #[must_use]
    pub fn with_tag(mut self, tag: Tag) -> Self {
        self.tags.push(tag);
        self
    }

    /// Whether the attribute is soft-deleted.
    pub fn is_deleted(&self) -> bool {
        self.deleted.unwrap_or(false)
    }
}
