//! The server side: requests in, responses out, and the right status message for a request
//! that cannot be served.

use bytes::Bytes;
use http::header::{ACCEPT, ALLOW, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderMap, Method, Request, Response, StatusCode};

use super::{
    APPLICATION_XML, Credentials, Protocol, X_TAXII_ACCEPT, X_TAXII_CONTENT_TYPE, X_TAXII_PROTOCOL,
    X_TAXII_SERVICES, excerpt, version_from_binding,
};
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::message::status::detail_name;
use crate::message::*;
use crate::version::Version;

/// A request that passed the binding checks.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct IncomingRequest {
    /// The TAXII version of the request (and of the answer, unless `accept` says otherwise).
    pub version: Version,
    /// The version the requester wants back (`X-TAXII-Accept`, else `version`).
    pub accept: Version,
    /// HTTP or HTTPS, as the requester declared it (or as the transport knows it).
    pub protocol: Protocol,
    /// Basic credentials, if sent; checking them is the application's job.
    pub credentials: Option<Credentials>,
    /// The request message.
    pub message: Message,
}

/// A request the binding refuses, with the answer to send.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Rejection {
    /// The HTTP status: 200 when the answer is a TAXII status message, 405/406 otherwise.
    pub http_status: StatusCode,
    /// The version to answer in.
    pub version: Version,
    /// The status message to send, when the answer is one.
    pub status: Option<StatusMessage>,
}

/// A TAXII server's binding settings.
///
/// ```
/// use taxii1_core::binding::server::Server;
/// use taxii1_core::message::MessageId;
///
/// let server = Server::new();
/// let request = http::Request::post("/services/discovery")
///     .header("content-type", "application/xml")
///     .header("x-taxii-content-type", "urn:taxii.mitre.org:message:xml:1.1")
///     .header("x-taxii-services", "urn:taxii.mitre.org:services:1.1")
///     .body(bytes::Bytes::from_static(b"<Discovery_Request xmlns=\"http://taxii.mitre.org/messages/taxii_xml_binding-1.1\" message_id=\"1\"/>"))?;
/// let incoming = server.parse_request(request, MessageId::new("100")?).map_err(|r| format!("{r:?}"))?;
/// assert_eq!(incoming.message.message_id().as_str(), "1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Server {
    limits: Limits,
}

impl Server {
    /// A server with default limits, accepting TAXII 1.1 and 1.0.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the limits for reading requests.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Checks a request's method and headers, reads its body and returns the typed request.
    /// `status_id` is the message id to use for a rejection's status message.
    ///
    /// # Errors
    /// A [`Rejection`] carrying the answer the TAXII HTTP binding prescribes: 405 for a method
    /// other than POST, 406 when `Accept` excludes XML, otherwise HTTP 200 with a status
    /// message: UNSUPPORTED_MESSAGE (unknown message binding), UNSUPPORTED_PROTOCOL, BAD_MESSAGE
    /// (missing header, wrong media type, unreadable or oversized body, version mismatch, a
    /// response sent as a request), UNAUTHORIZED (malformed `Authorization`).
    pub fn parse_request(
        &self,
        request: Request<Bytes>,
        status_id: MessageId,
    ) -> Result<IncomingRequest, Box<Rejection>> {
        let (parts, body) = request.into_parts();
        let headers = &parts.headers;
        let reject =
            |version: Version, status_type: StatusType, message: String, in_response_to: &str| {
                let in_response_to =
                    MessageId::new(in_response_to).unwrap_or_else(|_| MessageId::from_u64(0));
                Box::new(Rejection {
                    http_status: StatusCode::OK,
                    version,
                    status: Some(
                        StatusMessage::new(status_id.clone(), in_response_to, status_type)
                            .with_message(message),
                    ),
                })
            };
        if parts.method != Method::POST {
            return Err(Box::new(Rejection {
                http_status: StatusCode::METHOD_NOT_ALLOWED,
                version: Version::V1_1,
                status: None,
            }));
        }
        if let Some(accept) = headers.get(ACCEPT) {
            let acceptable = accept.to_str().is_ok_and(|v| {
                v.split(',').any(|m| {
                    let media = m.split(';').next().unwrap_or_default().trim();
                    matches!(
                        media,
                        "application/xml" | "text/xml" | "*/*" | "application/*"
                    )
                })
            });
            if !acceptable {
                return Err(Box::new(Rejection {
                    http_status: StatusCode::NOT_ACCEPTABLE,
                    version: Version::V1_1,
                    status: None,
                }));
            }
        }
        let Some(binding) = headers.get(X_TAXII_CONTENT_TYPE) else {
            return Err(unsupported_message(
                status_id,
                Version::V1_1,
                "header X-TAXII-Content-Type is missing",
            ));
        };
        let Some(version) = version_from_binding(binding) else {
            return Err(unsupported_message(
                status_id,
                Version::V1_1,
                &format!(
                    "message binding `{}` is not supported",
                    excerpt(binding.as_bytes(), 128)
                ),
            ));
        };
        let accept = match headers.get(X_TAXII_ACCEPT) {
            None => version,
            Some(value) => match version_from_binding(value) {
                Some(accept) => accept,
                None => {
                    return Err(unsupported_message(
                        status_id,
                        version,
                        &format!(
                            "X-TAXII-Accept `{}` is not supported",
                            excerpt(value.as_bytes(), 128)
                        ),
                    ));
                }
            },
        };
        match headers.get(X_TAXII_SERVICES).map(|v| {
            v.to_str()
                .ok()
                .and_then(|s| Version::from_services(s.trim()))
        }) {
            None => {
                return Err(reject(
                    version,
                    StatusType::BAD_MESSAGE,
                    "header X-TAXII-Services is missing".into(),
                    "0",
                ));
            }
            Some(None) => {
                return Err(reject(
                    version,
                    StatusType::BAD_MESSAGE,
                    "X-TAXII-Services names no supported services version".into(),
                    "0",
                ));
            }
            Some(Some(_)) => {}
        }
        let protocol = match headers.get(X_TAXII_PROTOCOL) {
            None => Protocol::Http,
            Some(value) => match value
                .to_str()
                .ok()
                .and_then(|v| Protocol::from_urn(v.trim()))
            {
                Some(protocol) => protocol,
                None => {
                    let mut status = StatusMessage::new(
                        status_id.clone(),
                        MessageId::from_u64(0),
                        StatusType::UNSUPPORTED_PROTOCOL,
                    )
                    .with_message(format!(
                        "protocol binding `{}` is not supported",
                        excerpt(value.as_bytes(), 128)
                    ));
                    if version == Version::V1_1 {
                        status = status
                            .with_detail(Detail::text(
                                detail_name::SUPPORTED_PROTOCOL,
                                crate::urn::PROTOCOL_HTTP_1_0,
                            ))
                            .with_detail(Detail::text(
                                detail_name::SUPPORTED_PROTOCOL,
                                crate::urn::PROTOCOL_HTTPS_1_0,
                            ));
                    }
                    return Err(Box::new(Rejection {
                        http_status: StatusCode::OK,
                        version,
                        status: Some(status),
                    }));
                }
            },
        };
        let xml_body = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .eq_ignore_ascii_case(APPLICATION_XML)
            });
        if !xml_body {
            return Err(reject(
                version,
                StatusType::BAD_MESSAGE,
                "Content-Type must be application/xml".into(),
                "0",
            ));
        }
        if let Err(e) = content_length_fits(headers, &self.limits).and_then(|()| {
            self.limits.max_message().check(body.len()).map_err(|t| {
                format!(
                    "message of {} bytes exceeds the limit of {} bytes",
                    t.size, t.limit
                )
            })
        }) {
            return Err(reject(version, StatusType::BAD_MESSAGE, e, "0"));
        }
        let credentials = match headers.get(AUTHORIZATION) {
            None => None,
            Some(value) => match value.to_str().ok().and_then(Credentials::from_header_value) {
                Some(credentials) => Some(credentials),
                None => {
                    return Err(reject(
                        version,
                        StatusType::UNAUTHORIZED,
                        "malformed Authorization header".into(),
                        "0",
                    ));
                }
            },
        };
        let parsed = match Message::from_bytes(body, &self.limits) {
            Ok(parsed) => parsed,
            Err(e) => return Err(reject(version, StatusType::BAD_MESSAGE, e.to_string(), "0")),
        };
        let request_id = parsed.message.message_id().as_str().to_owned();
        if parsed.version != version {
            return Err(reject(
                version,
                StatusType::BAD_MESSAGE,
                format!(
                    "the body is TAXII {} but X-TAXII-Content-Type says {version}",
                    parsed.version
                ),
                &request_id,
            ));
        }
        if parsed.message.kind().is_response() {
            return Err(reject(
                version,
                StatusType::BAD_MESSAGE,
                "a response message sent as a request".into(),
                &request_id,
            ));
        }
        Ok(IncomingRequest {
            version,
            accept,
            protocol,
            credentials,
            message: parsed.message,
        })
    }

    /// Builds the HTTP response carrying `message` as `version` over `protocol`.
    ///
    /// # Errors
    /// Writer errors as [`Message::to_xml`].
    pub fn response(
        &self,
        version: Version,
        protocol: Protocol,
        message: &Message,
    ) -> Result<Response<Bytes>> {
        let body = Bytes::from(message.to_xml(version)?);
        Response::builder()
            .status(StatusCode::OK)
            .header(CONTENT_TYPE, APPLICATION_XML)
            .header(X_TAXII_CONTENT_TYPE, version.message_binding())
            .header(X_TAXII_PROTOCOL, protocol.urn())
            .header(X_TAXII_SERVICES, version.services())
            .header(CONTENT_LENGTH, body.len())
            .body(body)
            .map_err(|e| Error::InvalidField {
                field: "response",
                reason: e.to_string(),
            })
    }

    /// The HTTP response for a rejection.
    ///
    /// # Errors
    /// Writer errors as [`Message::to_xml`].
    pub fn rejection_response(&self, rejection: &Rejection) -> Result<Response<Bytes>> {
        match &rejection.status {
            Some(status) => self.response(
                rejection.version,
                Protocol::Http,
                &Message::StatusMessage(status.clone()),
            ),
            None => Response::builder()
                .status(rejection.http_status)
                .header(ALLOW, "POST")
                .header(CONTENT_LENGTH, 0)
                .body(Bytes::new())
                .map_err(|e| Error::InvalidField {
                    field: "response",
                    reason: e.to_string(),
                }),
        }
    }
}

fn content_length_fits(headers: &HeaderMap, limits: &Limits) -> std::result::Result<(), String> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(size) => limits.max_message().check_u64(size).map_err(|t| {
            format!(
                "message of {size} bytes exceeds the limit of {} bytes",
                t.limit
            )
        }),
        None => Ok(()),
    }
}

fn unsupported_message(status_id: MessageId, version: Version, message: &str) -> Box<Rejection> {
    let mut status = StatusMessage::new(
        status_id,
        MessageId::from_u64(0),
        StatusType::UNSUPPORTED_MESSAGE,
    )
    .with_message(message);
    if version == Version::V1_1 {
        for v in Version::ALL {
            status = status.with_detail(Detail::text(
                detail_name::SUPPORTED_BINDING,
                v.message_binding(),
            ));
        }
    }
    Box::new(Rejection {
        http_status: StatusCode::OK,
        version,
        status: Some(status),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binding::client::Client;

    fn id(s: &str) -> MessageId {
        MessageId::new(s).unwrap()
    }

    #[test]
    fn a_client_request_passes_and_the_answer_reads_back() {
        let client = Client::new(Version::V1_1)
            .with_basic_auth(Credentials::new("taxii", "taxii-pass"))
            .dangerous_allow_credentials_over_plain_http();
        let url = "http://127.0.0.1:9000/services/poll".parse().unwrap();
        let request = client
            .request(&url, &PollRequest::new(id("7"), "stix-feed").into())
            .unwrap();
        let server = Server::new();
        let incoming = server.parse_request(request, id("100")).unwrap();
        assert_eq!(incoming.version, Version::V1_1);
        assert_eq!(
            incoming.credentials.as_ref().map(Credentials::username),
            Some("taxii")
        );
        let Message::PollRequest(poll) = &incoming.message else {
            panic!()
        };
        let answer = PollResponse::new(id("101"), poll.message_id.clone(), "stix-feed", Vec::new());
        let response = server
            .response(incoming.accept, incoming.protocol, &answer.into())
            .unwrap();
        let got: PollResponse = client.expect(response, &id("7")).unwrap();
        assert_eq!(got.collection_name, "stix-feed");
    }

    fn base() -> http::request::Builder {
        Request::post("/x")
            .header("content-type", "application/xml")
            .header(
                "x-taxii-content-type",
                "urn:taxii.mitre.org:message:xml:1.1",
            )
            .header("x-taxii-services", "urn:taxii.mitre.org:services:1.1")
    }

    const DISCOVERY: &[u8] = b"<Discovery_Request xmlns=\"http://taxii.mitre.org/messages/taxii_xml_binding-1.1\" message_id=\"5\"/>";

    fn rejected(request: Request<Bytes>) -> Rejection {
        *Server::new().parse_request(request, id("9")).unwrap_err()
    }

    /// Fuzz regression (`fuzz/regressions/taxii_http_response/
    /// rejection-echoes-noncharacter-in-binding-header`): a rejection echoed a U+FFFF from the
    /// request header into its status message, which then could not be written as XML.
    #[test]
    fn rejections_never_echo_characters_xml_cannot_carry() {
        let request = Request::post("/x")
            .header("content-type", "application/xml")
            .header(
                "x-taxii-content-type",
                http::HeaderValue::from_bytes(b"\xef\xbf\xbf").unwrap(),
            )
            .body(Bytes::from_static(DISCOVERY))
            .unwrap();
        let rejection = rejected(request);
        assert_eq!(
            rejection.status.as_ref().unwrap().status_type,
            StatusType::UNSUPPORTED_MESSAGE
        );
        let response = Server::new().rejection_response(&rejection).unwrap();
        assert!(Message::from_xml(response.body()).is_ok());
    }

    #[test]
    fn bad_requests_get_the_prescribed_answers() {
        let r = rejected(Request::get("/x").body(Bytes::new()).unwrap());
        assert_eq!(r.http_status, StatusCode::METHOD_NOT_ALLOWED);
        let r = rejected(
            base()
                .header("accept", "application/json")
                .body(Bytes::from_static(DISCOVERY))
                .unwrap(),
        );
        assert_eq!(r.http_status, StatusCode::NOT_ACCEPTABLE);
        let r = rejected(
            Request::post("/x")
                .header("content-type", "application/xml")
                .body(Bytes::from_static(DISCOVERY))
                .unwrap(),
        );
        let status = r.status.unwrap();
        assert_eq!(status.status_type, StatusType::UNSUPPORTED_MESSAGE);
        assert_eq!(status.supported().len(), 2);
        let r = rejected(base().body(Bytes::from_static(b"<not-xml")).unwrap());
        assert_eq!(r.status.unwrap().status_type, StatusType::BAD_MESSAGE);
        let r = rejected(
            base()
                .header("authorization", "Basic ???")
                .body(Bytes::from_static(DISCOVERY))
                .unwrap(),
        );
        assert_eq!(r.status.unwrap().status_type, StatusType::UNAUTHORIZED);
        let r = rejected(
            base()
                .header("x-taxii-protocol", "urn:example:carrier-pigeon")
                .body(Bytes::from_static(DISCOVERY))
                .unwrap(),
        );
        assert_eq!(
            r.status.unwrap().status_type,
            StatusType::UNSUPPORTED_PROTOCOL
        );
        let ten: Request<Bytes> = Request::post("/x")
            .header("content-type", "application/xml")
            .header(
                "x-taxii-content-type",
                "urn:taxii.mitre.org:message:xml:1.0",
            )
            .header("x-taxii-services", "urn:taxii.mitre.org:services:1.0")
            .body(Bytes::from_static(DISCOVERY))
            .unwrap();
        let r = rejected(ten);
        assert_eq!(r.version, Version::V1_0);
        let status = r.status.unwrap();
        assert_eq!(status.status_type, StatusType::BAD_MESSAGE);
        assert_eq!(status.in_response_to.as_str(), "5");
        let response = Server::new()
            .rejection_response(&rejected(Request::get("/x").body(Bytes::new()).unwrap()))
            .unwrap();
        assert_eq!(response.headers()[ALLOW], "POST");
    }
}
