//! proptest strategies for the model (feature `proptest`), for round-trip properties here and in
//! crates that build MISP events (e.g. `feed-mapping`).

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use crate::attribute::Attribute;
use crate::event::Event;
use crate::object::{Object, ObjectReference};
use crate::org::Org;
use crate::tag::Tag;
use crate::vocabulary::{Analysis, Distribution, ThreatLevel};

/// A lower-case v4-shaped UUID.
pub fn uuid() -> impl Strategy<Value = String> {
    "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
}

/// Any distribution level.
pub fn distribution() -> impl Strategy<Value = Distribution> {
    proptest::sample::select(Distribution::ALL)
}

/// A tag with a taxonomy-like name and maybe a colour.
pub fn tag() -> impl Strategy<Value = Tag> {
    ("[a-z]{1,8}:[a-z0-9=\"-]{1,12}", option::of("#[0-9a-f]{6}")).prop_map(|(name, colour)| {
        let mut tag = Tag::new(name);
        tag.colour = colour;
        tag
    })
}

/// A simple attribute of a common type, the kind `feed-mapping` produces, sometimes with first
/// and last seen times.
pub fn attribute() -> impl Strategy<Value = Attribute> {
    (
        proptest::sample::select(&["ip-dst", "domain", "url", "sha256", "ip-dst|port", "text"][..]),
        "\\PC{1,40}",
        uuid(),
        option::of(any::<bool>()),
        option::of("\\PC{0,20}"),
        option::of(distribution()),
        option::of(0u64..4_000_000_000),
        vec(tag(), 0..3),
        option::of("2024-0[1-9]-[0-2][1-9]T0[0-9]:00:00Z"),
        option::of("2025-0[1-9]-[0-2][1-9]T0[0-9]:00:00Z"),
    )
        .prop_map(
            |(ty, value, uuid, to_ids, comment, distribution, timestamp, tags, first, last)| {
                let mut a = Attribute::new(ty, value).with_uuid(uuid);
                a.to_ids = to_ids;
                a.comment = comment.map(crate::Text::from);
                a.distribution = distribution;
                a.timestamp = timestamp;
                a.tags = tags;
                a.first_seen = first.into();
                a.last_seen = last.into();
                a
            },
        )
}

/// An object with template metadata, a few attributes and maybe a reference.
pub fn object() -> impl Strategy<Value = Object> {
    (
        "[a-z-]{1,12}",
        uuid(),
        uuid(),
        1u64..40,
        vec(attribute(), 0..4),
        option::of((uuid(), uuid())),
    )
        .prop_map(|(name, uuid, template, version, attributes, reference)| {
            let mut object = Object::new(name)
                .with_uuid(uuid.clone())
                .with_template("misc", template, version);
            for (i, attribute) in attributes.into_iter().enumerate() {
                object = object.with_attribute(format!("slot-{i}"), attribute);
            }
            if let Some((ref_uuid, target)) = reference {
                object = object.with_reference(
                    ObjectReference::new(uuid, target, "related-to").with_uuid(ref_uuid),
                );
            }
            object
        })
}

/// An event with attributes, objects and tags.
pub fn event() -> impl Strategy<Value = Event> {
    (
        "\\PC{1,60}",
        uuid(),
        option::of(proptest::sample::select(ThreatLevel::ALL)),
        option::of(proptest::sample::select(Analysis::ALL)),
        option::of(0u64..4_000_000_000),
        option::of(any::<bool>()),
        vec(attribute(), 0..5),
        vec(object(), 0..3),
        vec(tag(), 0..3),
        option::of(uuid()),
    )
        .prop_map(
            |(
                info,
                uuid,
                threat,
                analysis,
                timestamp,
                published,
                attributes,
                objects,
                tags,
                org,
            )| {
                let mut e = Event::new(info).with_uuid(uuid);
                e.threat_level = threat;
                e.analysis = analysis;
                e.timestamp = timestamp;
                e.published = published;
                e.attributes = attributes;
                e.objects = objects;
                e.tags = tags;
                e.orgc = org.map(|u| Org::new("ACME", u));
                e
            },
        )
}
