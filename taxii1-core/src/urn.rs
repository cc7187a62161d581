//! Every fixed TAXII URN: message bindings, protocol bindings, services, query formats and
//! capability modules. Content binding ids are in [`crate::vocab::ContentBindingId`].

/// XML message binding 1.0.
pub const MESSAGE_BINDING_XML_1_0: &str = "urn:taxii.mitre.org:message:xml:1.0";
/// XML message binding 1.1.
pub const MESSAGE_BINDING_XML_1_1: &str = "urn:taxii.mitre.org:message:xml:1.1";
/// HTTP protocol binding 1.0.
pub const PROTOCOL_HTTP_1_0: &str = "urn:taxii.mitre.org:protocol:http:1.0";
/// HTTPS protocol binding 1.0.
pub const PROTOCOL_HTTPS_1_0: &str = "urn:taxii.mitre.org:protocol:https:1.0";
/// TAXII Services 1.0.
pub const SERVICES_1_0: &str = "urn:taxii.mitre.org:services:1.0";
/// TAXII Services 1.1.
pub const SERVICES_1_1: &str = "urn:taxii.mitre.org:services:1.1";
/// TAXII Default Query format 1.0.
pub const QUERY_FORMAT_DEFAULT_1_0: &str = "urn:taxii.mitre.org:query:default:1.0";
/// Default Query capability module: core.
pub const CAPABILITY_CORE_1_0: &str = "urn:taxii.mitre.org:query:capability:core-1";
/// Default Query capability module: regular expressions.
pub const CAPABILITY_REGEX_1_0: &str = "urn:taxii.mitre.org:query:capability:regex-1";
/// Default Query capability module: timestamps.
pub const CAPABILITY_TIMESTAMP_1_0: &str = "urn:taxii.mitre.org:query:capability:timestamp-1";
/// CERT-EU JSON message binding (named by cabby and libtaxii; not implemented by this codec).
pub const MESSAGE_BINDING_CERT_EU_JSON_1_0: &str = "urn:cert.europa.eu:message:json:1.0";
