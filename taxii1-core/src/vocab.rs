//! Open vocabularies of TAXII 1.x: identifiers whose set of values the specs let grow.
//!
//! Each vocabulary is a newtype over a string with named constants for the values the specs (and
//! the exchange platform) define. Unknown values are kept as they are and round-trip unchanged;
//! [`ContentBindingId::is_known`] and friends tell whether a value is one of ours.

macro_rules! open_vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$cmeta:meta])* $konst:ident = $value:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(std::borrow::Cow<'static, str>);

        impl $name {
            $( $(#[$cmeta])* pub const $konst: Self = Self(std::borrow::Cow::Borrowed($value)); )*

            /// Every value this crate names, in spec order.
            pub const KNOWN: &'static [Self] = &[ $( Self::$konst, )* ];

            /// A value from its wire form; unknown values are kept as given.
            pub fn new(value: impl Into<String>) -> Self {
                let value = value.into();
                Self::KNOWN
                    .iter()
                    .find(|known| known.as_str() == value)
                    .cloned()
                    .unwrap_or(Self(std::borrow::Cow::Owned(value)))
            }

            /// The wire form.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Whether this is one of the values named by a constant.
            pub fn is_known(&self) -> bool {
                Self::KNOWN.iter().any(|known| known.0 == self.0)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::new(value)
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self::new(value)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use open_vocabulary;

open_vocabulary! {
    /// A content binding id (`Content_Binding/@binding_id` in 1.1, the element text in 1.0):
    /// what format a content block carries.
    ContentBindingId {
        /// STIX 1.0 XML.
        STIX_XML_1_0 = "urn:stix.mitre.org:xml:1.0",
        /// STIX 1.0.1 XML.
        STIX_XML_1_0_1 = "urn:stix.mitre.org:xml:1.0.1",
        /// STIX 1.1 XML.
        STIX_XML_1_1 = "urn:stix.mitre.org:xml:1.1",
        /// STIX 1.1.1 XML.
        STIX_XML_1_1_1 = "urn:stix.mitre.org:xml:1.1.1",
        /// STIX 1.2 XML.
        STIX_XML_1_2 = "urn:stix.mitre.org:xml:1.2",
        /// CybOX 1.0 XML.
        CYBOX_XML_1_0 = "urn:cybox.mitre.org:xml:1.0",
        /// CybOX 2.0 XML.
        CYBOX_XML_2_0 = "urn:cybox.mitre.org:xml:2.0",
        /// CybOX 2.0.1 XML.
        CYBOX_XML_2_0_1 = "urn:cybox.mitre.org:xml:2.0.1",
        /// CybOX 2.1 XML.
        CYBOX_XML_2_1 = "urn:cybox.mitre.org:xml:2.1",
        /// XML Encryption (XENC) content, TAXII 1.1.
        XENC_122002 = "http://www.w3.org/2001/04/xmlenc#",
        /// S/MIME encrypted content, TAXII 1.1.
        SMIME = "application/x-pks7-mime",
        /// EclecticIQ JSON, version 1.0: what the platform's TAXII services put in `Content_Binding`.
        EIQ_JSON_1_0 = "urn:eclecticiq.com:json:1.0",
        /// EclecticIQ JSON, version 2.0.
        EIQ_JSON_2_0 = "urn:eclecticiq.com:json:2.0",
    }
}
