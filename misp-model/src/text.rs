//! [`Text`]: immutable text that is cheap to build and to clone, for the fields every attribute
//! carries (`uuid`, `value`, `comment`).
//!
//! A large event has one of each per attribute, so a `String` for each costs three heap
//! allocations per attribute when it is read, built or dropped. Most of these texts are short: a
//! UUID is 36 bytes, an IP address, a domain or an MD5 or SHA-1 hash fits in 40. [`Text`] holds
//! up to [`Text::INLINE_CAPACITY`] bytes inline and longer text in a shared `Arc<str>`, so
//! cloning never copies long text either (the mapping gives one comment to each attribute of an
//! entity). Reading it as a `&str` costs no check: the inline bytes are an
//! [`arrayvec::ArrayString`], which keeps the UTF-8 proof its constructor made.

use std::borrow::{Borrow, Cow};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use arrayvec::ArrayString;

/// Immutable UTF-8 text: up to [`Text::INLINE_CAPACITY`] bytes held inline (no allocation),
/// longer text in a shared `Arc<str>` (a clone shares it).
///
/// It reads as a `&str` (`Deref`, `AsRef<str>`, `Borrow<str>`), compares, orders and hashes as
/// its text, and is built from any string type with `From`/`Into`. Serde reads and writes it
/// as a JSON string.
///
/// ```
/// use misp_model::Text;
///
/// let uuid = Text::from("5f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
/// assert!(uuid.is_inline());
/// assert_eq!(uuid, "5f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
/// assert_eq!(uuid.len(), 36); // str's methods through Deref
///
/// let long = Text::from("https://www.example.com/a/path/that/is/longer/than/inline".to_owned());
/// let copy = long.clone(); // shares the bytes
/// assert!(!copy.is_inline());
/// assert_eq!(String::from(copy), long.as_str());
/// ```
#[derive(Clone)]
pub struct Text(Repr);

/// How a [`Text`] holds its bytes.
#[derive(Clone)]
enum Repr {
    /// Text of at most [`Text::INLINE_CAPACITY`] bytes.
    Inline(ArrayString<{ Text::INLINE_CAPACITY }>),
    /// Text longer than the inline capacity (or given as an `Arc<str>`).
    Shared(Arc<str>),
}

impl Text {
    /// The longest text held inline: 40 bytes (a SHA-1 in hex), so a `Text` is 48 bytes (and
    /// an `Option<Text>` too), against 24 for a `String` plus its heap block.
    pub const INLINE_CAPACITY: usize = 40;

    /// The empty text.
    pub const fn new() -> Self {
        Self(Repr::Inline(ArrayString::new_const()))
    }

    /// The text, inline if it fits, otherwise copied into a new shared block.
    pub fn from_str_copied(text: &str) -> Self {
        Self::inline(text).unwrap_or_else(|| Self(Repr::Shared(Arc::from(text))))
    }

    /// `text` held inline, or `None` when it is longer than [`Text::INLINE_CAPACITY`].
    fn inline(text: &str) -> Option<Self> {
        ArrayString::from(text)
            .ok()
            .map(|text| Self(Repr::Inline(text)))
    }

    /// The text as a string slice.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline(text) => text,
            Repr::Shared(text) => text,
        }
    }

    /// Whether the text is held inline (no heap block).
    pub fn is_inline(&self) -> bool {
        matches!(self.0, Repr::Inline(_))
    }
}

impl Default for Text {
    fn default() -> Self {
        Self::new()
    }
}

impl Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Self::from_str_copied(text)
    }
}

impl From<&String> for Text {
    fn from(text: &String) -> Self {
        Self::from_str_copied(text)
    }
}

impl From<String> for Text {
    /// Inline if it fits, otherwise copied into a shared block (an `Arc<str>` is always a new
    /// allocation: its counts sit in front of the bytes). The `String`'s block is freed.
    fn from(text: String) -> Self {
        Self::from_str_copied(&text)
    }
}

impl From<Box<str>> for Text {
    /// As `From<String>`.
    fn from(text: Box<str>) -> Self {
        Self::from_str_copied(&text)
    }
}

impl From<Cow<'_, str>> for Text {
    fn from(text: Cow<'_, str>) -> Self {
        Self::from_str_copied(&text)
    }
}

impl From<Arc<str>> for Text {
    /// Shares the block as given (no copy, whatever its length).
    fn from(text: Arc<str>) -> Self {
        Self(Repr::Shared(text))
    }
}

impl From<Text> for String {
    fn from(text: Text) -> Self {
        text.as_str().to_owned()
    }
}

impl From<&Text> for String {
    fn from(text: &Text) -> Self {
        text.as_str().to_owned()
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Cow<'_, str>> for Text {
    fn eq(&self, other: &Cow<'_, str>) -> bool {
        self.as_str() == &**other
    }
}

impl PartialEq<Text> for Cow<'_, str> {
    fn eq(&self, other: &Text) -> bool {
        &**self == other.as_str()
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Text {
    /// Hashes as its `str` does, so a `Text` key can be looked up by `&str` (`Borrow<str>`).
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl serde::Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// Takes a borrowed or transient string without an intermediate `String` (an owned
        /// one goes through `visit_str` too: it is copied either way).
        struct TextVisitor;

        impl serde::de::Visitor<'_> for TextVisitor {
            type Value = Text;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Text, E> {
                Ok(Text::from_str_copied(text))
            }
        }

        deserializer.deserialize_str(TextVisitor)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use proptest::prelude::*;

    use super::*;

    #[test]
    fn sizes_are_as_documented() {
        assert_eq!(size_of::<Text>(), 48);
        assert_eq!(size_of::<Option<Text>>(), 48);
    }

    #[test]
    fn short_text_is_inline_and_long_text_is_shared() {
        let fits = "a".repeat(Text::INLINE_CAPACITY);
        let over = "a".repeat(Text::INLINE_CAPACITY + 1);
        assert!(Text::from(fits.as_str()).is_inline());
        assert!(Text::from(fits).is_inline());
        assert!(!Text::from(over.as_str()).is_inline());
        assert!(!Text::from(over).is_inline());
        assert!(Text::new().is_inline());
        assert_eq!(Text::default(), "");
    }

    #[test]
    fn a_clone_shares_the_block() {
        let shared: Arc<str> = Arc::from("x".repeat(100));
        let text = Text::from(Arc::clone(&shared));
        let copy = text.clone();
        // The given block, the text and its clone.
        assert_eq!(Arc::strong_count(&shared), 3);
        assert!(std::ptr::eq(copy.as_str(), &*shared));
        assert!(std::ptr::eq(text.as_str(), copy.as_str()));
    }

    #[test]
    fn multibyte_text_at_the_inline_boundary() {
        // 20 two-byte characters are 40 bytes: inline; one more is shared.
        let fits = "é".repeat(20);
        let over = "é".repeat(21);
        assert!(Text::from(fits.as_str()).is_inline());
        assert_eq!(Text::from(fits.as_str()), fits);
        assert!(!Text::from(over.as_str()).is_inline());
        assert_eq!(Text::from(over.as_str()), over);
    }

    #[test]
    fn serde_reads_escaped_and_plain_strings() -> Result<(), serde_json::Error> {
        let plain: Text = serde_json::from_str(r#""203.0.113.7""#)?;
        let escaped: Text = serde_json::from_str(r#""a\"b""#)?;
        assert_eq!(plain, "203.0.113.7");
        assert_eq!(escaped, "a\"b");
        assert_eq!(serde_json::to_string(&escaped)?, r#""a\"b""#);
        assert!(serde_json::from_str::<Text>("1").is_err());
        Ok(())
    }

    #[test]
    fn looked_up_by_str() {
        let set: HashSet<Text> = ["one", "two"].into_iter().map(Text::from).collect();
        assert!(set.contains("one"));
        assert!(!set.contains("three"));
    }

    proptest! {
        /// Every way of building a `Text` gives back the same string, and it compares, orders
        /// and formats as that string.
        #[test]
        fn behaves_as_its_string(a in ".{0,60}", b in ".{0,60}") {
            let text = Text::from(a.as_str());
            prop_assert_eq!(text.as_str(), a.as_str());
            prop_assert_eq!(&Text::from(a.clone()), &text);
            prop_assert_eq!(&Text::from(Cow::Borrowed(a.as_str())), &text);
            prop_assert_eq!(&Text::from(Arc::<str>::from(a.as_str())), &text);
            prop_assert_eq!(text.is_inline(), a.len() <= Text::INLINE_CAPACITY);
            prop_assert_eq!(format!("{text}"), a.as_str());
            prop_assert_eq!(format!("{text:?}"), format!("{a:?}"));
            let other = Text::from(b.as_str());
            prop_assert_eq!(text.cmp(&other), a.cmp(&b));
            prop_assert_eq!(text == other, a == b);
            prop_assert_eq!(String::from(text), a);
        }
    }
}
