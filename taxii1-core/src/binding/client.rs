//! The client side: requests out, responses in.

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, USER_AGENT};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use url::Url;

use super::{
    APPLICATION_XML, Credentials, Protocol, X_TAXII_ACCEPT, X_TAXII_CONTENT_TYPE, X_TAXII_PROTOCOL,
    X_TAXII_SERVICES, excerpt, version_from_binding,
};
use crate::error::{Error, HttpProblem, Result};
use crate::limits::Limits;
use crate::message::*;
use crate::version::Version;

/// The default `User-Agent`.
pub const DEFAULT_USER_AGENT: &str = concat!("taxii1-core/", env!("CARGO_PKG_VERSION"));

/// A TAXII client's settings: which version it speaks, its credentials and limits. It builds
/// requests and reads responses; sending them is the caller's business.
///
/// ```
/// use taxii1_core::binding::client::Client;
/// use taxii1_core::binding::Credentials;
/// use taxii1_core::message::{DiscoveryRequest, MessageId};
/// use taxii1_core::Version;
///
/// let client = Client::new(Version::V1_1).with_basic_auth(Credentials::new("taxii", "secret"));
/// let url = "https://taxii.example.org/services/discovery".parse()?;
/// let request = client.request(&url, &DiscoveryRequest::new(MessageId::new("1")?).into())?;
/// assert_eq!(request.headers()["x-taxii-protocol"], "urn:taxii.mitre.org:protocol:https:1.0");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    version: Version,
    credentials: Option<Credentials>,
    allow_plain_http_credentials: bool,
    user_agent: String,
    limits: Limits,
}

impl Client {
    /// A client speaking `version`, without credentials, with default limits.
    pub fn new(version: Version) -> Self {
        Self {
            version,
            credentials: None,
            allow_plain_http_credentials: false,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            limits: Limits::default(),
        }
    }

    /// Sends HTTP basic credentials with every request (HTTPS only, unless
    /// [`Client::dangerous_allow_credentials_over_plain_http`]).
    #[must_use]
    pub fn with_basic_auth(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Allows basic credentials over plain `http://`, where anyone on the path can read them.
    /// Meant for loopback tests and lab peers.
    #[must_use]
    pub fn dangerous_allow_credentials_over_plain_http(mut self) -> Self {
        self.allow_plain_http_credentials = true;
        self
    }

    /// Sets the `User-Agent`.
    #[must_use]
    pub fn with_user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sets the limits for reading responses.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The version this client speaks.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The limits responses are read with.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Builds the POST request carrying `message` to the service at `url`.
    ///
    /// # Errors
    /// [`Error::Http`] for a URL that is not http(s) or credentials over plain HTTP without the
    /// opt-in; writer errors as [`Message::to_xml`].
    pub fn request(&self, url: &Url, message: &Message) -> Result<Request<Bytes>> {
        let protocol = match url.scheme() {
            "http" => Protocol::Http,
            "https" => Protocol::Https,
            other => {
                return Err(Error::Http(HttpProblem::BadUrl {
                    reason: format!("scheme `{other}` is not http or https"),
                }));
            }
        };
        if url.host().is_none() {
            return Err(Error::Http(HttpProblem::BadUrl {
                reason: "no host".into(),
            }));
        }
        if self.credentials.is_some()
            && protocol == Protocol::Http
            && !self.allow_plain_http_credentials
        {
            return Err(Error::Http(HttpProblem::CredentialsOverPlainHttp));
        }
        let body = Bytes::from(message.to_xml(self.version)?);
        let binding = self.version.message_binding();
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri(url.as_str())
            .header(CONTENT_TYPE, APPLICATION_XML)
            .header(ACCEPT, APPLICATION_XML)
            .header(X_TAXII_CONTENT_TYPE, binding)
            .header(X_TAXII_ACCEPT, binding)
            .header(X_TAXII_SERVICES, self.version.services())
            .header(X_TAXII_PROTOCOL, protocol.urn())
            .header(CONTENT_LENGTH, body.len())
            .header(USER_AGENT, self.user_agent.as_str());
        if let Some(credentials) = &self.credentials {
            let value = HeaderValue::from_str(&credentials.header_value()).map_err(|_| {
                Error::InvalidField {
                    field: "credentials",
                    reason: "user name or password cannot go into a header".into(),
                }
            })?;
            builder = builder.header(AUTHORIZATION, value);
        }
        builder.body(body).map_err(|e| {
            Error::Http(HttpProblem::BadUrl {
                reason: e.to_string(),
            })
        })
    }

    /// Checks a response's declared `Content-Length` against the message size limit, so a
    /// transport can refuse an oversized body before reading it.
    ///
    /// # Errors
    /// [`HttpProblem::BodyTooLarge`].
    pub fn check_content_length(&self, headers: &HeaderMap) -> Result<()> {
        let declared = headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if let Some(size) = declared {
            self.check_size(size)?;
        }
        Ok(())
    }

    fn check_size(&self, size: u64) -> Result<()> {
        self.limits
            .max_message()
            .check_u64(size)
            .map_err(|too_large| {
                Error::Http(HttpProblem::BodyTooLarge {
                    size,
                    limit: too_large.limit as u64,
                })
            })
    }

    /// Reads a response: HTTP status 200, an XML body whose `X-TAXII-Content-Type` names the
    /// version the body is in, within the size limit.
    ///
    /// # Errors
    /// [`Error::Http`] for the HTTP-level problems; reader errors for the body.
    pub fn parse_response(&self, response: Response<Bytes>) -> Result<Parsed> {
        let (parts, body) = response.into_parts();
        self.check_content_length(&parts.headers)?;
        self.check_size(body.len() as u64)?;
        if parts.status != StatusCode::OK {
            return Err(Error::Http(HttpProblem::Status {
                code: parts.status.as_u16(),
                body_excerpt: excerpt(&body, 200),
            }));
        }
        let declared = parts.headers.get(X_TAXII_CONTENT_TYPE).ok_or(Error::Http(
            HttpProblem::MissingHeader {
                name: "X-TAXII-Content-Type",
            },
        ))?;
        let version = version_from_binding(declared).ok_or_else(|| {
            Error::Http(HttpProblem::BadHeader {
                name: "X-TAXII-Content-Type",
                value: excerpt(declared.as_bytes(), 128),
            })
        })?;
        if let Some(content_type) = parts.headers.get(CONTENT_TYPE) {
            let ok = content_type
                .to_str()
                .map(|v| {
                    let media = v.split(';').next().unwrap_or_default().trim();
                    media.eq_ignore_ascii_case("application/xml")
                        || media.eq_ignore_ascii_case("text/xml")
                })
                .unwrap_or(false);
            if !ok {
                return Err(Error::Http(HttpProblem::BadHeader {
                    name: "Content-Type",
                    value: excerpt(content_type.as_bytes(), 128),
                }));
            }
        }
        let parsed = Message::from_bytes(body, &self.limits)?;
        if parsed.version != version {
            return Err(Error::Http(HttpProblem::BadHeader {
                name: "X-TAXII-Content-Type",
                value: format!(
                    "{} (the body is TAXII {})",
                    excerpt(declared.as_bytes(), 64),
                    parsed.version
                ),
            }));
        }
        Ok(parsed)
    }

    /// Reads the response to the request `request_id` and returns the expected message `T`.
    ///
    /// A `Status_Message` where `T` is another message becomes [`Error::Status`]; so does a
    /// non-SUCCESS status where `T` is [`StatusMessage`] (use [`Client::parse_response`] to see
    /// every status as data). `in_response_to` must name the request, except `"0"` on status
    /// messages, which servers use when they could not read the request at all.
    ///
    /// # Errors
    /// As [`Client::parse_response`], plus [`Error::Status`], [`Error::UnexpectedMessage`] and
    /// [`Error::WrongInResponseTo`].
    pub fn expect<T: Reply>(&self, response: Response<Bytes>, request_id: &MessageId) -> Result<T> {
        let parsed = self.parse_response(response)?;
        let message = parsed.message;
        if let Some(in_response_to) = message.in_response_to() {
            let early_status =
                matches!(message, Message::StatusMessage(_)) && in_response_to.as_str() == "0";
            if in_response_to != request_id && !early_status {
                return Err(Error::WrongInResponseTo {
                    expected: request_id.to_string(),
                    found: in_response_to.to_string(),
                });
            }
        }
        match message {
            Message::StatusMessage(status)
                if T::KIND != MessageKind::StatusMessage || !status.status_type.is_success() =>
            {
                Err(Error::Status(Box::new(status)))
            }
            other => {
                let found = other.kind();
                T::from_message(other).ok_or(Error::UnexpectedMessage {
                    expected: T::KIND,
                    found,
                })
            }
        }
    }
}

/// A message that answers a request: what [`Client::expect`] can return.
pub trait Reply: Sized {
    /// Which message it is.
    const KIND: MessageKind;
    /// Takes it out of a [`Message`].
    fn from_message(message: Message) -> Option<Self>;
}

macro_rules! reply {
    ($($t:ident),*) => {$(
        impl Reply for $t {
            const KIND: MessageKind = MessageKind::$t;
            fn from_message(message: Message) -> Option<Self> {
                match message {
                    Message::$t(m) => Some(m),
                    _ => None,
                }
            }
        }
    )*};
}
reply!(
    StatusMessage,
    DiscoveryResponse,
    CollectionInformationResponse,
    SubscriptionManagementResponse,
    PollResponse
);

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        s.parse().unwrap()
    }

    fn discovery() -> Message {
        DiscoveryRequest::new(MessageId::new("1").unwrap()).into()
    }

    #[test]
    fn request_carries_the_binding_headers() {
        let client = Client::new(Version::V1_0).with_user_agent("test/1");
        let request = client
            .request(
                &url("http://127.0.0.1:9000/services/discovery"),
                &discovery(),
            )
            .unwrap();
        let h = request.headers();
        assert_eq!(request.method(), Method::POST);
        assert_eq!(h[CONTENT_TYPE], "application/xml");
        assert_eq!(h[ACCEPT], "application/xml");
        assert_eq!(
            h[X_TAXII_CONTENT_TYPE],
            "urn:taxii.mitre.org:message:xml:1.0"
        );
        assert_eq!(h[X_TAXII_ACCEPT], "urn:taxii.mitre.org:message:xml:1.0");
        assert_eq!(h[X_TAXII_SERVICES], "urn:taxii.mitre.org:services:1.0");
        assert_eq!(h[X_TAXII_PROTOCOL], "urn:taxii.mitre.org:protocol:http:1.0");
        assert_eq!(h[USER_AGENT], "test/1");
        assert_eq!(h[CONTENT_LENGTH], request.body().len().to_string().as_str());
        assert!(h.get(AUTHORIZATION).is_none());
    }

    #[test]
    fn credentials_need_https_or_an_explicit_opt_in() {
        let client = Client::new(Version::V1_1).with_basic_auth(Credentials::new("u", "p"));
        let err = client
            .request(&url("http://127.0.0.1/x"), &discovery())
            .unwrap_err();
        assert!(matches!(
            err,
            Error::Http(HttpProblem::CredentialsOverPlainHttp)
        ));
        assert!(!format!("{client:?}").contains("\"p\""));
        let ok = client
            .request(&url("https://example.org/x"), &discovery())
            .unwrap();
        assert_eq!(ok.headers()[AUTHORIZATION], "Basic dTpw");
        let opted = client.dangerous_allow_credentials_over_plain_http();
        assert!(
            opted
                .request(&url("http://127.0.0.1/x"), &discovery())
                .is_ok()
        );
    }

    #[test]
    fn rejects_other_schemes() {
        let err = Client::new(Version::V1_1)
            .request(&url("ftp://example.org/x"), &discovery())
            .unwrap_err();
        assert!(matches!(err, Error::Http(HttpProblem::BadUrl { .. })));
    }

    fn response(status: u16, headers: &[(&str, &str)], body: &'static [u8]) -> Response<Bytes> {
        let mut builder = Response::builder().status(status);
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        builder.body(Bytes::from_static(body)).unwrap()
    }

    const STATUS: &[u8] = br#"<t:Status_Message xmlns:t="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="9" in_response_to="0" status_type="UNAUTHORIZED"><t:Message>bad credentials</t:Message></t:Status_Message>"#;

    #[test]
    fn status_messages_become_typed_errors() {
        let client = Client::new(Version::V1_1);
        let r = response(
            200,
            &[
                ("content-type", "application/xml"),
                (
                    "x-taxii-content-type",
                    "urn:taxii.mitre.org:message:xml:1.1",
                ),
            ],
            STATUS,
        );
        let err = client
            .expect::<DiscoveryResponse>(r, &MessageId::new("1").unwrap())
            .unwrap_err();
        let Error::Status(status) = err else {
            panic!("{err:?}")
        };
        assert_eq!(status.status_type, StatusType::UNAUTHORIZED);
        assert_eq!(status.message.as_deref(), Some("bad credentials"));
    }

    #[test]
    fn http_problems_are_reported() {
        let client = Client::new(Version::V1_1);
        let err = client
            .parse_response(response(406, &[], b"<html>Unacceptable</html>"))
            .unwrap_err();
        assert!(
            matches!(err, Error::Http(HttpProblem::Status { code: 406, .. })),
            "{err}"
        );
        let err = client
            .parse_response(response(200, &[], STATUS))
            .unwrap_err();
        assert!(matches!(
            err,
            Error::Http(HttpProblem::MissingHeader {
                name: "X-TAXII-Content-Type"
            })
        ));
        let mismatch = response(
            200,
            &[(
                "x-taxii-content-type",
                "urn:taxii.mitre.org:message:xml:1.0",
            )],
            STATUS,
        );
        assert!(matches!(
            client.parse_response(mismatch).unwrap_err(),
            Error::Http(HttpProblem::BadHeader { .. })
        ));
        let small = Client::new(Version::V1_1)
            .with_limits(Limits::default().with_max_message_bytes(10).unwrap());
        let big = response(200, &[("content-length", "100000000000")], b"");
        assert!(matches!(
            small.parse_response(big).unwrap_err(),
            Error::Http(HttpProblem::BodyTooLarge { .. })
        ));
    }
}
