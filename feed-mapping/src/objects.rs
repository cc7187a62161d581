//! Objects mode: composite entities become MISP objects named after the MISP object templates.
//!
//! Per contributing entity, over its mappable extracts:
//!
//! | extracts of the entity | object (template, version) | slots |
//! |---|---|---|
//! | two or more of file name, size, hashes | `file` (v25) | `filename`, `size-in-bytes`, `md5`, `sha1`, `sha224`, `sha256`, `sha384`, `sha512`, `ssdeep`, `imphash`, `authentihash`, `vhash` |
//! | IP address(es) and port(s) | `ip-port` (v10) | `ip`, `dst-port`, `domain`, `hostname` |
//! | IP address(es) and domain/host, no port | `domain-ip` (v11) | `ip`, `domain`, `hostname` |
//! | sender address and subject | `email` (v19) | `from`, `subject` |
//!
//! An extract whose slot already holds the same value in the object is left out and reported
//! as a duplicate. Everything else stays a simple attribute. The entity's first object
//! references its other objects and its simple attributes (`related-to`), so the grouping
//! stays visible in MISP. Object and reference UUIDs are UUIDv5 ([`crate::identity`]).

use misp_model::{Object, ObjectReference, ReferencedType, Text};

use crate::identity;
use crate::outgoing::{EventContext, Mapped, MemberContext};

/// A MISP object template this mapping fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template {
    /// Template name.
    pub name: &'static str,
    /// Template UUID (from MISP/misp-objects).
    pub uuid: &'static str,
    /// Template meta-category.
    pub meta_category: &'static str,
    /// Template version.
    pub version: u64,
}

/// The `file` template.
pub const FILE: Template = Template {
    name: "file",
    uuid: "688c46fb-5edb-40a3-8273-1af7923e2215",
    meta_category: "file",
    version: 25,
};
/// The `ip-port` template.
pub const IP_PORT: Template = Template {
    name: "ip-port",
    uuid: "9f8cea74-16fe-4968-a2b4-026676949ac6",
    meta_category: "network",
    version: 10,
};
/// The `domain-ip` template.
pub const DOMAIN_IP: Template = Template {
    name: "domain-ip",
    uuid: "43b3b146-77eb-4931-b4cc-b66c60f28734",
    meta_category: "network",
    version: 11,
};
/// The `email` template.
pub const EMAIL: Template = Template {
    name: "email",
    uuid: "a0c666e0-fc65-4be8-b48f-3423d788b552",
    meta_category: "network",
    version: 19,
};

/// The relationship written on references between an entity's items.
pub const RELATED_TO: &str = "related-to";

const FILE_TYPES: [&str; 12] = [
    "filename",
    "size-in-bytes",
    "md5",
    "sha1",
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "ssdeep",
    "imphash",
    "authentihash",
    "vhash",
];

/// The template slot for a MISP type (`None`: not part of this template).
fn slot(template: &Template, misp_type: &str) -> Option<&'static str> {
    match template.name {
        "file" => FILE_TYPES.iter().find(|t| **t == misp_type).copied(),
        "ip-port" => match misp_type {
            "ip-dst" | "ip-src" => Some("ip"),
            "port" => Some("dst-port"),
            "domain" => Some("domain"),
            "hostname" => Some("hostname"),
            _ => None,
        },
        "domain-ip" => match misp_type {
            "ip-dst" | "ip-src" => Some("ip"),
            "domain" => Some("domain"),
            "hostname" => Some("hostname"),
            _ => None,
        },
        "email" => match misp_type {
            "email-src" => Some("from"),
            "email-subject" => Some("subject"),
            _ => None,
        },
        _ => None,
    }
}

/// Slots the templates mark `disable_correlation`.
fn disables_correlation(template: &Template, slot: &str) -> bool {
    matches!(
        (template.name, slot),
        ("file", "filename" | "size-in-bytes") | ("ip-port", "dst-port")
    )
}

/// One entity's items after grouping.
pub(crate) struct Grouped<'e> {
    pub(crate) objects: Vec<Object>,
    pub(crate) rest: Vec<Mapped<'e>>,
    /// Items whose slot already holds the same value in their object (the caller reports
    /// them as duplicates, as it does for simple attributes).
    pub(crate) duplicates: Vec<Mapped<'e>>,
}

/// The templates an entity's mapped extracts fill, in table order.
fn templates_for(mapped: &[Mapped<'_>]) -> Vec<Template> {
    let has = |types: &[&str]| mapped.iter().any(|m| types.contains(&m.misp_type));
    let file_count = mapped
        .iter()
        .filter(|m| FILE_TYPES.contains(&m.misp_type))
        .count();
    let mut templates = Vec::new();
    if file_count >= 2 {
        templates.push(FILE);
    }
    let ip = has(&["ip-dst", "ip-src"]);
    if ip && has(&["port"]) {
        templates.push(IP_PORT);
    } else if ip && has(&["domain", "hostname"]) {
        templates.push(DOMAIN_IP);
    }
    if has(&["email-src"]) && has(&["email-subject"]) {
        templates.push(EMAIL);
    }
    templates
}

/// Groups an entity's mapped extracts into objects; what fits no object stays simple.
pub(crate) fn group<'e>(
    member: &mut MemberContext<'_>,
    mapped: Vec<Mapped<'e>>,
    context: &EventContext<'_>,
) -> Grouped<'e> {
    let entity = member.entity;
    let templates = templates_for(&mapped);
    let mut objects: Vec<Object> = templates
        .iter()
        .map(|template| {
            Object::new(template.name)
                .with_uuid(identity::object_uuid(
                    &context.incident_id,
                    entity.id.as_str(),
                    template.name,
                ))
                .with_template(template.meta_category, template.uuid, template.version)
        })
        .collect();
    for object in &mut objects {
        object.distribution = Some(member.distribution);
        object.comment = Some(format!("{} {}", entity.entity_type(), entity.id));
    }
    let mut rest = Vec::new();
    let mut duplicates = Vec::new();
    for item in mapped {
        let home = templates
            .iter()
            .zip(objects.iter_mut())
            .find_map(|(t, o)| slot(t, item.misp_type).map(|slot| (t, o, slot)));
        match home {
            Some((template, object, slot)) => {
                let duplicate = object
                    .attributes
                    .iter()
                    .any(|a| a.object_relation.as_deref() == Some(slot) && a.value == item.value);
                if duplicate {
                    duplicates.push(item);
                    continue;
                }
                if let Some(attribute) = member.push_attribute(&mut object.attributes, item) {
                    if disables_correlation(template, slot) {
                        attribute.disable_correlation = Some(true);
                    }
                    *attribute.object_relation = Some(slot.to_owned());
                }
            }
            None => rest.push(item),
        }
    }
    Grouped {
        objects,
        rest,
        duplicates,
    }
}

/// Adds the `related-to` references of one entity: its first object points at its other
/// objects and at its simple attributes (by UUID).
pub(crate) fn link(objects: &mut [Object], attribute_uuids: &[Text]) {
    let Some((first, others)) = objects.split_first_mut() else {
        return;
    };
    let Some(source) = first.uuid.clone() else {
        return;
    };
    let targets = others
        .iter()
        .filter_map(|o| o.uuid.clone().map(|uuid| (uuid, ReferencedType::Object)))
        .chain(
            attribute_uuids
                .iter()
                .map(|uuid| (String::from(uuid), ReferencedType::Attribute)),
        );
    for (target, referenced_type) in targets {
        let mut reference = ObjectReference::new(&source, &target, RELATED_TO)
            .with_uuid(identity::reference_uuid(&source, RELATED_TO, &target));
        reference.referenced_type = Some(referenced_type);
        first.references.push(reference);
    }
}
