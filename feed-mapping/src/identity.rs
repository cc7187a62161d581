//! Deterministic identities: UUIDv5 names for everything the outgoing mapping creates, so the
//! same dataset always yields the same events and a re-run updates instead of duplicating.
//!
//! The namespace is [`NAMESPACE`], a fixed UUID chosen for this project. Names:
//!
//! | item | UUIDv5 name |
//! |---|---|
//! | event | the incident id (lower case) |
//! | attribute | `<incident id>/<entity id>/<MISP type>/<value>` |
//! | object | `<incident id>/<entity id>/object/<template name>` |
//! | object reference | `<source uuid>/<relationship>/<target uuid>` |
//! | creator organisation | `org/<name>` |
//! | incoming entities | `misp/<event uuid>/<part>` |

use sha1::{Digest, Sha1};
use uuid::Uuid;

/// The project's UUIDv5 namespace (fixed forever: changing it changes every identity).
pub const NAMESPACE: Uuid = Uuid::from_u128(0x6b1f_3c0e_8d2a_4e57_9a41_5c7e_2f90_d3b8);

/// UUIDv5 of `name` in [`NAMESPACE`], hyphenated lower case.
pub fn uuid_for(name: &str) -> String {
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    v5(name.as_bytes())
        .hyphenated()
        .encode_lower(&mut text)
        .to_owned()
}

/// `Uuid::new_v5(&NAMESPACE, name)`, hashed by the `sha1` crate, which uses the CPU's SHA
/// instructions when it has them (one hash per mapped attribute makes this the mapping's
/// largest single cost).
fn v5(name: &[u8]) -> Uuid {
    let mut hasher = Sha1::new();
    hasher.update(NAMESPACE.as_bytes());
    hasher.update(name);
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    for (byte, digested) in bytes.iter_mut().zip(digest.iter()) {
        *byte = *digested;
    }
    uuid::Builder::from_sha1_bytes(bytes).into_uuid()
}

/// The UUID of the event mapped from an incident.
pub fn event_uuid(incident_id: &str) -> String {
    uuid_for(&incident_id.to_ascii_lowercase())
}

/// The UUID of an attribute of an incident's event.
pub fn attribute_uuid(incident_id: &str, entity_id: &str, misp_type: &str, value: &str) -> String {
    uuid_for(&format!(
        "{}/{}/{misp_type}/{value}",
        incident_id.to_ascii_lowercase(),
        entity_id.to_ascii_lowercase()
    ))
}

/// The UUID of an object of an incident's event.
pub fn object_uuid(incident_id: &str, entity_id: &str, template: &str) -> String {
    uuid_for(&format!(
        "{}/{}/object/{template}",
        incident_id.to_ascii_lowercase(),
        entity_id.to_ascii_lowercase()
    ))
}

/// The UUID of an object reference.
pub fn reference_uuid(source: &str, relationship: &str, target: &str) -> String {
    uuid_for(&format!("{source}/{relationship}/{target}"))
}

/// The UUID of a creator organisation known only by name.
pub fn org_uuid(name: &str) -> String {
    uuid_for(&format!("org/{name}"))
}

/// An EclecticIQ entity id that is the UUIDv5 of `name` (incoming mapping).
pub fn entity_id(name: &str) -> eiq_json::EntityId {
    eiq_json::EntityId::from_bytes(v5(name.as_bytes()).into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v5_is_the_uuid_crates_v5() {
        let long = "x".repeat(300);
        for name in ["", "a", "org/Example CERT", long.as_str(), "é/ü/ß"] {
            let expected = Uuid::new_v5(&NAMESPACE, name.as_bytes());
            assert_eq!(v5(name.as_bytes()), expected, "{name}");
            assert_eq!(uuid_for(name), expected.to_string());
        }
    }
}
