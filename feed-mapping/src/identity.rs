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

use misp_model::Text;
use sha1::{Digest, Sha1};
use uuid::Uuid;

/// The project's UUIDv5 namespace (fixed forever: changing it changes every identity).
pub const NAMESPACE: Uuid = Uuid::from_u128(0x6b1f_3c0e_8d2a_4e57_9a41_5c7e_2f90_d3b8);

/// UUIDv5 of `name` in [`NAMESPACE`], hyphenated lower case.
pub fn uuid_for(name: &str) -> String {
    NamePrefix::new(&[]).uuid_for(&[name.as_bytes()]).into()
}

/// `Uuid::new_v5(&NAMESPACE, name)`.
fn v5(name: &[u8]) -> Uuid {
    NamePrefix::new(&[]).v5(&[name])
}

/// The SHA-1 state of the v5 names that start with the same bytes, so each name hashes only
/// what follows (the attributes of one entity share `<incident id>/<entity id>/`, 90 bytes
/// with the namespace: more than one SHA-1 block, hashed once per entity instead of once per
/// attribute). The `sha1` crate uses the CPU's SHA instructions when it has them.
#[derive(Clone)]
pub(crate) struct NamePrefix(Sha1);

impl NamePrefix {
    /// The state after the namespace and `parts`, in order.
    pub(crate) fn new(parts: &[&[u8]]) -> Self {
        let mut hasher = Sha1::new();
        hasher.update(NAMESPACE.as_bytes());
        for part in parts {
            hasher.update(part);
        }
        Self(hasher)
    }

    /// `Uuid::new_v5(&NAMESPACE, name)` for the name that is the prefix followed by `parts`.
    pub(crate) fn v5(&self, parts: &[&[u8]]) -> Uuid {
        let mut hasher = self.0.clone();
        for part in parts {
            hasher.update(part);
        }
        let digest = hasher.finalize();
        let mut bytes = [0u8; 16];
        for (byte, digested) in bytes.iter_mut().zip(digest.iter()) {
            *byte = *digested;
        }
        uuid::Builder::from_sha1_bytes(bytes).into_uuid()
    }

    /// [`NamePrefix::v5`], hyphenated lower case (36 bytes: held inline, no allocation).
    pub(crate) fn uuid_for(&self, parts: &[&[u8]]) -> Text {
        let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
        Text::from(&*self.v5(parts).hyphenated().encode_lower(&mut text))
    }
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

    proptest::proptest! {
        #[test]
        fn any_split_of_any_name_is_the_uuid_crates_v5(
            name in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
            cut in 0usize..300,
            second_cut in 0usize..300,
        ) {
            let (prefix, rest) = name.split_at(cut.min(name.len()));
            let (middle, last) = rest.split_at(second_cut.min(rest.len()));
            let expected = Uuid::new_v5(&NAMESPACE, &name);
            let state = NamePrefix::new(&[prefix]);
            proptest::prop_assert_eq!(state.v5(&[middle, last]), expected);
            proptest::prop_assert_eq!(state.uuid_for(&[middle, last]), expected.to_string());
        }
    }

    #[test]
    fn a_name_hashed_after_its_prefix_is_the_whole_name_hashed() {
        let long = "y".repeat(200);
        for (prefix, rest) in [
            ("", "a"),
            ("incident/", ""),
            (
                "2241e780-5ab2-5c27-86be-1774b6079ab7/70c62266-2d61-5800-9123-cf55992b6f5a/",
                "md5/0123",
            ),
            (long.as_str(), "ip-dst/10.0.0.1"),
            ("é/", long.as_str()),
        ] {
            let state = NamePrefix::new(&[prefix.as_bytes()]);
            let (kind, value) = rest.split_once('/').unwrap_or((rest, ""));
            let whole = format!("{prefix}{rest}");
            let expected = Uuid::new_v5(&NAMESPACE, whole.as_bytes());
            let parts: &[&[u8]] = if rest.contains('/') {
                &[kind.as_bytes(), b"/", value.as_bytes()]
            } else {
                &[rest.as_bytes()]
            };
            assert_eq!(state.v5(parts), expected, "{whole}");
            // The state is reusable: a second name after the same prefix.
            assert_eq!(state.uuid_for(parts), expected.to_string());
            assert_eq!(uuid_for(&whole), expected.to_string());
        }
    }
}
