//! Entity identifiers and the references that point at them.
//!
//! An entity's `id` is a UUID. Elsewhere the same entity is referred to in several spellings:
//! the bare UUID (relation endpoints in packages), the qualified `data.id`
//! `{https://host}incident-<uuid>`, an API URL ending in the UUID, or a STIX 2.1 id
//! `incident--<uuid>`. [`reference_uuid`] reduces all of them to the lower-case UUID so the
//! graph can resolve them.

use std::fmt;

use arrayvec::ArrayString;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Length of a UUID in its hyphenated text form.
const UUID_LEN: usize = 36;

/// Whether `text` is a hyphenated UUID (any version, either case).
fn is_uuid(text: &[u8]) -> bool {
    uuid_value(text).is_some()
}

/// `byte` in each of the eight byte lanes of a word.
const fn lanes(byte: u8) -> u64 {
    byte as u64 * 0x0101_0101_0101_0101
}

/// The high bit of each byte lane of `word` whose byte lies in `low..=high`, clear in the others;
/// every byte of `word` must be below 0x80 (then no lane carries into the next).
fn in_range(word: u64, low: u8, high: u8) -> u64 {
    let at_least_low = word.wrapping_add(lanes(0x80 - low));
    let above_high = word.wrapping_add(lanes(0x7f - high));
    at_least_low & !above_high & lanes(0x80)
}

/// The number eight hexadecimal digits spell (either case; the first digit in the lowest byte
/// of `word`), or `None` when a byte is not a digit. All eight bytes are checked and converted
/// at once, in the word's byte lanes: a quarter of the instructions of a byte loop.
fn hex8(word: u64) -> Option<u32> {
    if word & lanes(0x80) != 0 {
        return None;
    }
    let digits = in_range(word, b'0', b'9');
    // Setting bit 5 lowers `A`-`F` and leaves `a`-`f`; no other byte lands in `a`-`f`.
    let letters = in_range(word | lanes(0x20), b'a', b'f');
    if digits | letters != lanes(0x80) {
        return None;
    }
    // A digit's low four bits are its value; a letter's are 1-6, nine short of its value.
    let nibbles = (word & lanes(0x0f)) + (letters >> 7) * 9;
    // The first digit into the highest lane, then neighbouring lanes merged: 8 x 4 bits ->
    // 4 x 8 -> 2 x 16 -> 32.
    let merged = nibbles.swap_bytes();
    let merged = (merged | (merged >> 4)) & 0x00ff_00ff_00ff_00ff;
    let merged = (merged | (merged >> 8)) & 0x0000_ffff_0000_ffff;
    u32::try_from((merged | (merged >> 16)) & 0xffff_ffff).ok()
}

/// The 128-bit number a hyphenated UUID spells (either case), or `None` when `text` is not a
/// UUID (36 bytes, hyphens at 8, 13, 18 and 23, hexadecimal digits elsewhere). Two spellings
/// give the same number exactly when their lower-case texts are equal, so the graph keys
/// entities by it without allocating.
pub(crate) fn uuid_value(text: &[u8]) -> Option<u128> {
    let t: &[u8; UUID_LEN] = text.try_into().ok()?;
    if t[8] != b'-' || t[13] != b'-' || t[18] != b'-' || t[23] != b'-' {
        return None;
    }
    // The 32 digits as four words of eight, the hyphens left out.
    let words = [
        [t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7]],
        [t[9], t[10], t[11], t[12], t[14], t[15], t[16], t[17]],
        [t[19], t[20], t[21], t[22], t[24], t[25], t[26], t[27]],
        [t[28], t[29], t[30], t[31], t[32], t[33], t[34], t[35]],
    ];
    words.into_iter().try_fold(0u128, |value, word| {
        hex8(u64::from_le_bytes(word)).map(|digits| (value << 32) | u128::from(digits))
    })
}

/// The UUID inside an entity reference, lower case.
///
/// Accepts a bare UUID, a qualified id (`{https://host}indicator-<uuid>`), an API URL whose
/// path contains the UUID, or a STIX 2.1 id (`indicator--<uuid>`): the last UUID in the text
/// wins. Returns `None` when the text holds no UUID.
///
/// ```
/// use eiq_json::reference_uuid;
///
/// let uuid = "2241e780-5ab2-5c27-86be-1774b6079ab7";
/// assert_eq!(reference_uuid(uuid).as_deref(), Some(uuid));
/// assert_eq!(
///     reference_uuid("{https://alice.example.org}incident-2241E780-5AB2-5C27-86BE-1774B6079AB7")
///         .as_deref(),
///     Some(uuid)
/// );
/// assert_eq!(reference_uuid("not-a-reference"), None);
/// ```
pub fn reference_uuid(reference: &str) -> Option<String> {
    let bytes = reference.as_bytes();
    let last_start = bytes.len().checked_sub(UUID_LEN)?;
    (0..=last_start)
        .rev()
        .filter_map(|start| bytes.get(start..start + UUID_LEN))
        .find(|candidate| is_uuid(candidate))
        .and_then(|candidate| std::str::from_utf8(candidate).ok())
        .map(str::to_ascii_lowercase)
}

/// [`reference_uuid`] as a number: the last UUID in the text, without allocating.
pub(crate) fn reference_value(reference: &str) -> Option<u128> {
    let bytes = reference.as_bytes();
    let last_start = bytes.len().checked_sub(UUID_LEN)?;
    (0..=last_start)
        .rev()
        .filter_map(|start| bytes.get(start..start + UUID_LEN))
        .find_map(uuid_value)
}

/// The `id` of an entity: a UUID, kept in the spelling it was given.
///
/// Construction validates the form, so every `EntityId` in a parsed package or a built entity
/// is a UUID. Comparison is by the text as given; use [`EntityId::uuid`] for a case-insensitive
/// key.
#[derive(Debug, Clone)]
pub struct EntityId {
    /// The id as given. A hyphenated UUID is always 36 ASCII bytes, so it is held inline: an
    /// id never allocates, and reading it never leaves the entity (at a million entities, a
    /// heap copy of each id was a cache miss wherever the text was read).
    text: ArrayString<UUID_LEN>,
    /// The number the text spells, read once by the validation that construction does anyway:
    /// the graph keys entities by it, and reading it again per lookup was a fifth of building
    /// a dataset. Two `u64` halves (high, low) rather than a `u128`, whose 16-byte alignment
    /// would pad every id (and entity) by another eight bytes.
    value: [u64; 2],
}

impl EntityId {
    /// The id for `text` that spells `value` (callers have read `value` from `text`).
    fn from_parts(text: ArrayString<UUID_LEN>, value: u128) -> Self {
        Self {
            text,
            value: [(value >> 64) as u64, value as u64],
        }
    }
}

impl PartialEq for EntityId {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for EntityId {}

impl PartialOrd for EntityId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for EntityId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.text.cmp(&other.text)
    }
}

impl std::hash::Hash for EntityId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

/// Text that is not a UUID where an entity id was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid entity id `{0}`: expected a UUID like 2241e780-5ab2-5c27-86be-1774b6079ab7")]
pub struct InvalidEntityId(pub String);

impl EntityId {
    /// An id from its text (copied; only an invalid text is copied to the heap, for the error).
    ///
    /// # Errors
    /// [`InvalidEntityId`] when the text is not a hyphenated UUID.
    pub fn new(text: impl AsRef<str>) -> Result<Self, InvalidEntityId> {
        let text = text.as_ref();
        // A UUID is exactly `UUID_LEN` bytes, so it always fits.
        match (uuid_value(text.as_bytes()), ArrayString::from(text)) {
            (Some(value), Ok(inline)) => Ok(Self::from_parts(inline, value)),
            _ => Err(InvalidEntityId(text.to_owned())),
        }
    }

    /// A random (version 4) UUID id from 16 bytes of randomness the caller supplies.
    ///
    /// The crate does no I/O, so it has no randomness source of its own; the version and
    /// variant bits are set here.
    pub fn from_random_bytes(mut bytes: [u8; 16]) -> Self {
        if let Some(b) = bytes.get_mut(6) {
            *b = (*b & 0x0f) | 0x40;
        }
        if let Some(b) = bytes.get_mut(8) {
            *b = (*b & 0x3f) | 0x80;
        }
        Self::from_bytes(bytes)
    }

    /// The id spelled from 16 bytes as they are (no version bits changed).
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut text = ArrayString::new();
        for (i, b) in bytes.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                text.push('-');
            }
            for nibble in [b >> 4, b & 0x0f] {
                if let Some(&digit) = DIGITS.get(usize::from(nibble)) {
                    text.push(char::from(digit));
                }
            }
        }
        Self::from_parts(text, u128::from_be_bytes(bytes))
    }

    /// The id as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The id in lower case (the case-insensitive identity of the entity).
    pub fn uuid(&self) -> String {
        self.text.to_ascii_lowercase()
    }

    /// The id as a number, the key the graph uses: equal exactly when [`EntityId::uuid`] is.
    pub(crate) fn value(&self) -> u128 {
        let [high, low] = self.value;
        (u128::from(high) << 64) | u128::from(low)
    }
}

impl fmt::Display for EntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for EntityId {
    type Err = InvalidEntityId;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::new(text)
    }
}

impl AsRef<str> for EntityId {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl Serialize for EntityId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for EntityId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(EntityIdVisitor)
    }
}

/// Reads an id from a string without an owned copy of it.
struct EntityIdVisitor;

impl Visitor<'_> for EntityIdVisitor {
    type Value = EntityId;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a UUID")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<EntityId, E> {
        EntityId::new(text).map_err(E::custom)
    }
}

/// The qualified id of an entity's body (`data.id`): `{<source domain>}<type>-<uuid>`.
///
/// ```
/// use eiq_json::{EntityId, EntityType, qualified_id};
///
/// let id = EntityId::new("2241e780-5ab2-5c27-86be-1774b6079ab7")?;
/// assert_eq!(
///     qualified_id("https://alice.example.org", &EntityType::INCIDENT, &id),
///     "{https://alice.example.org}incident-2241e780-5ab2-5c27-86be-1774b6079ab7"
/// );
/// # Ok::<(), eiq_json::InvalidEntityId>(())
/// ```
pub fn qualified_id(domain: &str, entity_type: &crate::EntityType, id: &EntityId) -> String {
    format!("{{{domain}}}{entity_type}-{id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_validation() {
        assert!(EntityId::new("2241e780-5ab2-5c27-86be-1774b6079ab7").is_ok());
        assert_eq!(
            EntityId::new("2241e780-5ab2-5c27-86be-1774b6079ab"),
            Err(InvalidEntityId(
                "2241e780-5ab2-5c27-86be-1774b6079ab".into()
            ))
        );
        assert!(EntityId::new("2241e780x5ab2-5c27-86be-1774b6079ab7").is_err());
        assert!(EntityId::new("g241e780-5ab2-5c27-86be-1774b6079ab7").is_err());
    }

    #[test]
    fn ids_read_from_json_keep_their_spelling_and_refuse_anything_else() {
        let upper = "2241E780-5AB2-5C27-86BE-1774B6079AB7";
        let id: EntityId = serde_json::from_str(&format!("\"{upper}\"")).unwrap();
        assert_eq!(id.as_str(), upper);
        assert_eq!(id.uuid(), upper.to_ascii_lowercase());
        assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{upper}\""));
        // An escaped character is decoded before the check, as any JSON string.
        let escaped: EntityId =
            serde_json::from_str("\"2241e780-5ab2-5c27-86be-1774b6079ab\\u0037\"").unwrap();
        assert_eq!(escaped.as_str(), "2241e780-5ab2-5c27-86be-1774b6079ab7");
        let too_long = serde_json::from_str::<EntityId>(&format!("\"{upper}0\""));
        assert!(
            too_long.is_err_and(|err| err.to_string().contains(&format!("`{upper}0`"))),
            "a 37-character id is refused with its text"
        );
        let number = serde_json::from_str::<EntityId>("42");
        assert!(number.is_err_and(|err| err.to_string().contains("expected a UUID")));
    }

    #[test]
    fn random_ids_are_version_4() {
        let id = EntityId::from_random_bytes([0xff; 16]);
        assert_eq!(id.as_str(), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let id = EntityId::from_random_bytes([0; 16]);
        assert_eq!(id.as_str(), "00000000-0000-4000-8000-000000000000");
    }

    #[test]
    fn references_in_every_spelling() {
        let uuid = "770fef1f-59b3-5ec4-931d-b11f97481c0a";
        for reference in [
            uuid.to_string(),
            format!("{{https://alice.example.org}}indicator-{uuid}"),
            format!("https://ic.example.org/api/v2/entities/{uuid}"),
            format!("indicator--{uuid}"),
            uuid.to_ascii_uppercase(),
        ] {
            assert_eq!(
                reference_uuid(&reference).as_deref(),
                Some(uuid),
                "{reference}"
            );
        }
        assert_eq!(reference_uuid(""), None);
        assert_eq!(reference_uuid("42"), None);
        for reference in [
            format!("{{https://alice.example.org}}indicator-{uuid}"),
            uuid.to_ascii_uppercase(),
        ] {
            assert_eq!(
                reference_value(&reference),
                Some(0x770f_ef1f_59b3_5ec4_931d_b11f_9748_1c0a),
                "{reference}"
            );
        }
        assert_eq!(reference_value("770fef1f-59b3-5ec4-931d-b11f97481c0"), None);
        assert_eq!(
            EntityId::new(uuid.to_ascii_uppercase()).unwrap().value(),
            EntityId::new(uuid).unwrap().value()
        );
        assert_eq!(
            Some(EntityId::new(uuid).unwrap().value()),
            uuid_value(uuid.as_bytes())
        );
        // Multi-byte text around a UUID does not trip the scanner.
        assert_eq!(reference_uuid(&format!("é{uuid}é")).as_deref(), Some(uuid));
    }

    /// The plain reading the word-wide [`uuid_value`] replaced: check the form, then fold the
    /// digits.
    fn plain_uuid_value(text: &[u8]) -> Option<u128> {
        let form = text.len() == UUID_LEN
            && text.iter().enumerate().all(|(i, b)| match i {
                8 | 13 | 18 | 23 => *b == b'-',
                _ => b.is_ascii_hexdigit(),
            });
        form.then(|| {
            text.iter()
                .filter(|&&b| b != b'-')
                .fold(0u128, |value, &b| {
                    (value << 4) | u128::from(char::from(b).to_digit(16).unwrap_or(0) as u8)
                })
        })
    }

    #[test]
    fn every_byte_in_every_place_reads_as_the_plain_reading() {
        for base in [
            "2241e780-5ab2-5c27-86be-1774b6079ab7",
            "FFFFFFFF-ABCD-EF01-9876-0123456789AF",
        ] {
            for place in 0..UUID_LEN {
                for byte in 0..=255u8 {
                    let mut text = base.as_bytes().to_vec();
                    text[place] = byte;
                    assert_eq!(
                        uuid_value(&text),
                        plain_uuid_value(&text),
                        "{byte:#x} at {place}"
                    );
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn eight_digits_read_word_wide_as_one_by_one(
            bytes in proptest::prelude::any::<[u8; 8]>(),
            digits in "[0-9a-fA-F]{8}",
            place in 0..8usize,
            byte in proptest::prelude::any::<u8>(),
        ) {
            let plain = |word: [u8; 8]| {
                word.iter().try_fold(0u32, |value, &b| {
                    char::from(b).to_digit(16).filter(|_| b.is_ascii()).map(|d| (value << 4) | d)
                })
            };
            proptest::prop_assert_eq!(hex8(u64::from_le_bytes(bytes)), plain(bytes));
            let mut word: [u8; 8] = digits.as_bytes().try_into().unwrap();
            proptest::prop_assert!(hex8(u64::from_le_bytes(word)).is_some());
            proptest::prop_assert_eq!(hex8(u64::from_le_bytes(word)), plain(word));
            // Any byte in any lane among digits.
            word[place] = byte;
            proptest::prop_assert_eq!(hex8(u64::from_le_bytes(word)), plain(word));
        }

        #[test]
        fn uuid_value_is_the_plain_reading(
            text in "[0-9a-fA-F-]{8}[-x][0-9a-fA-FgG]{4}-[0-9a-f]{4}-[0-9A-F]{4}[-]{0,2}[0-9a-f/é]{12}",
            odd in "[0-9a-fA-F@`:/gG\u{10}\u{7f}]{8}-[0-9a-fA-F@`:/gG\u{10}]{4}-[0-9a-f]{4}-[0-9a-fA-F@`:/gG\u{19}]{4}-[0-9a-fA-F@`:/gG\u{10}\u{3f}]{12}",
            bytes in proptest::prelude::any::<[u8; 16]>(),
        ) {
            proptest::prop_assert_eq!(uuid_value(text.as_bytes()), plain_uuid_value(text.as_bytes()));
            proptest::prop_assert_eq!(uuid_value(odd.as_bytes()), plain_uuid_value(odd.as_bytes()));
            proptest::prop_assert_eq!(is_uuid(text.as_bytes()), plain_uuid_value(text.as_bytes()).is_some());
            let id = EntityId::from_bytes(bytes);
            proptest::prop_assert_eq!(Some(id.value()), plain_uuid_value(id.as_str().as_bytes()));
            proptest::prop_assert_eq!(id.value(), u128::from_be_bytes(bytes));
            let upper = id.as_str().to_ascii_uppercase();
            proptest::prop_assert_eq!(reference_value(&format!("x--{upper}")), Some(id.value()));
        }
    }
}
