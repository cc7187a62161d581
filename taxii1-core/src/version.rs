//! TAXII versions and the URNs that identify them on the wire.

use std::fmt;

/// A TAXII 1.x version. The codec reads both and writes either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// TAXII 1.0 (XML Message Binding 1.0, Services 1.0).
    V1_0,
    /// TAXII 1.1 (XML Message Binding 1.1, Services 1.1).
    V1_1,
}

/// XML namespace of TAXII 1.0 messages.
pub const NS_TAXII_1_0: &str = "http://taxii.mitre.org/messages/taxii_xml_binding-1";
/// XML namespace of TAXII 1.1 messages.
pub const NS_TAXII_1_1: &str = "http://taxii.mitre.org/messages/taxii_xml_binding-1.1";
/// XML namespace of the TAXII Default Query 1.0.
pub const NS_DEFAULT_QUERY_1_0: &str = "http://taxii.mitre.org/query/taxii_default_query-1";

impl Version {
    /// Both versions, oldest first.
    pub const ALL: [Self; 2] = [Self::V1_0, Self::V1_1];

    /// The XML namespace of this version's messages.
    pub const fn namespace(self) -> &'static str {
        match self {
            Self::V1_0 => NS_TAXII_1_0,
            Self::V1_1 => NS_TAXII_1_1,
        }
    }

    /// The XML message binding URN (`X-TAXII-Content-Type`, `X-TAXII-Accept`).
    pub const fn message_binding(self) -> &'static str {
        match self {
            Self::V1_0 => crate::urn::MESSAGE_BINDING_XML_1_0,
            Self::V1_1 => crate::urn::MESSAGE_BINDING_XML_1_1,
        }
    }

    /// The services URN (`X-TAXII-Services`, `Service_Instance/@service_version`).
    pub const fn services(self) -> &'static str {
        match self {
            Self::V1_0 => crate::urn::SERVICES_1_0,
            Self::V1_1 => crate::urn::SERVICES_1_1,
        }
    }

    /// The version whose message namespace is `namespace`.
    pub fn from_namespace(namespace: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.namespace() == namespace)
    }

    /// The version whose XML message binding URN is `urn`.
    pub fn from_message_binding(urn: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.message_binding() == urn)
    }

    /// The version whose services URN is `urn`.
    pub fn from_services(urn: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.services() == urn)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::V1_0 => "1.0",
            Self::V1_1 => "1.1",
        })
    }
}
