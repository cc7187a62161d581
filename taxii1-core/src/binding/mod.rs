//! The TAXII HTTP Protocol Binding 1.0, Sans-IO: [`client::Client`] builds `http::Request`s and
//! reads `http::Response`s, [`server::Server`] reads requests and builds responses, and
//! [`poll::PollSession`] follows multi-part poll results. None of them does I/O.

pub mod client;
pub mod poll;
pub mod server;

use std::fmt;

use base64::Engine as _;
use http::HeaderName;

use crate::version::Version;

/// `X-TAXII-Content-Type`: the message binding of the body.
pub const X_TAXII_CONTENT_TYPE: HeaderName = HeaderName::from_static("x-taxii-content-type");
/// `X-TAXII-Accept`: the message binding the requester wants back.
pub const X_TAXII_ACCEPT: HeaderName = HeaderName::from_static("x-taxii-accept");
/// `X-TAXII-Services`: the TAXII services version.
pub const X_TAXII_SERVICES: HeaderName = HeaderName::from_static("x-taxii-services");
/// `X-TAXII-Protocol`: HTTP or HTTPS protocol binding.
pub const X_TAXII_PROTOCOL: HeaderName = HeaderName::from_static("x-taxii-protocol");
/// The media type of TAXII XML bodies.
pub const APPLICATION_XML: &str = "application/xml";

/// The protocol binding: plain HTTP or HTTPS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// `urn:taxii.mitre.org:protocol:http:1.0`.
    Http,
    /// `urn:taxii.mitre.org:protocol:https:1.0`.
    Https,
}

impl Protocol {
    /// The protocol binding URN.
    pub const fn urn(self) -> &'static str {
        match self {
            Self::Http => crate::urn::PROTOCOL_HTTP_1_0,
            Self::Https => crate::urn::PROTOCOL_HTTPS_1_0,
        }
    }

    /// The protocol whose URN is `urn`.
    pub fn from_urn(urn: &str) -> Option<Self> {
        [Self::Http, Self::Https]
            .into_iter()
            .find(|p| p.urn() == urn)
    }
}

/// HTTP basic credentials. `Debug` never shows the password.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    username: String,
    password: String,
}

impl Credentials {
    /// Credentials for `username`.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            username: username.into(),
            password: password.into(),
        }
    }

    /// The user name.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The password (deliberately a method, so it is never printed by accident).
    pub fn password(&self) -> &str {
        &self.password
    }

    /// The `Authorization` header value.
    pub fn header_value(&self) -> String {
        let token = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", self.username, self.password));
        format!("Basic {token}")
    }

    /// Reads an `Authorization: Basic ...` header value; `None` when it is not well-formed.
    pub fn from_header_value(value: &str) -> Option<Self> {
        let (scheme, token) = value.trim().split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return None;
        }
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(token.trim())
            .ok()?;
        let decoded = String::from_utf8(decoded).ok()?;
        let (username, password) = decoded.split_once(':')?;
        Some(Self::new(username, password))
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// The version a message binding header names, if any.
fn version_from_binding(value: &http::HeaderValue) -> Option<Version> {
    value
        .to_str()
        .ok()
        .and_then(|v| Version::from_message_binding(v.trim()))
}

/// A header value shortened for error messages, keeping only characters a status message can
/// carry in XML (no control characters, no U+FFFE/U+FFFF; invalid UTF-8 becomes U+FFFD).
fn excerpt(value: &[u8], max: usize) -> String {
    String::from_utf8_lossy(value)
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        .take(max)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_round_trip_and_stay_secret() {
        let c = Credentials::new("taxii", "taxii-pass");
        assert_eq!(c.header_value(), "Basic dGF4aWk6dGF4aWktcGFzcw==");
        assert_eq!(
            Credentials::from_header_value(&c.header_value()),
            Some(c.clone())
        );
        assert!(!format!("{c:?}").contains("taxii-pass"));
        assert_eq!(Credentials::from_header_value("Basic !!!"), None);
        assert_eq!(Credentials::from_header_value("Bearer abc"), None);
    }
}
