//! HTTP(S) transport for the TAXII clients: sends the `http::Request`s that
//! [`taxii1_core::binding::client::Client`] builds and hands back `http::Response`s for it to
//! read. `taxii1-core` does no I/O; this module is the I/O half, over ureq 3 with rustls.
//!
//! Safety rules:
//! - TLS server verification is always on: against the built-in Mozilla roots, or against only
//!   the certificates of [`TransportOptions::ca_cert`]. There is no switch to turn it off.
//! - Redirects are never followed (every TAXII request is a POST, and following one would
//!   re-send the credentials elsewhere); a 3xx comes back as a response the client rejects.
//! - The body size limit is the client's [`Limits::max_message`](taxii1_core::Limits::max_message):
//!   a declared `Content-Length` above it is refused before reading
//!   ([`Client::check_content_length`]), and reading stops one byte past it for bodies that
//!   declare nothing or lie.
//! - Every exchange has a connect timeout and an overall timeout.
//! - Proxies come from the usual `HTTP_PROXY`/`HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY` variables.
//!
//! ```no_run
//! use examples::transport::{Transport, TransportOptions};
//! use taxii1_core::binding::client::Client;
//! use taxii1_core::message::{DiscoveryRequest, DiscoveryResponse, MessageId};
//! use taxii1_core::Version;
//!
//! let transport = Transport::new(&TransportOptions::default())?;
//! let client = Client::new(Version::V1_1);
//! let url = "https://taxii.example.org/services/discovery".parse()?;
//! let id = MessageId::from_u64(1);
//! let request = client.request(&url, &DiscoveryRequest::new(id.clone()).into())?;
//! let response = transport.send(&client, request)?;
//! let discovery: DiscoveryResponse = client.expect(response, &id)?;
//! println!("{} services", discovery.service_instances.len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use taxii1_core::binding::client::Client;
use ureq::tls::{Certificate, ClientCert, PemItem, PrivateKey, RootCerts, TlsConfig};

/// Default time allowed to establish a connection (TCP and TLS handshake).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole exchange, from connecting to the last body byte.
pub const DEFAULT_EXCHANGE_TIMEOUT: Duration = Duration::from_secs(120);

/// How to reach a TAXII server: TLS trust and identity, timeouts.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TransportOptions {
    /// PEM file whose certificates are the only trusted roots (instead of the built-in Mozilla
    /// roots), for servers with a private CA.
    pub ca_cert: Option<PathBuf>,
    /// PEM file with the client certificate chain, for servers that require TLS client
    /// authentication. May also hold the private key.
    pub client_cert: Option<PathBuf>,
    /// PEM file with the client private key; defaults to `client_cert` when that holds it.
    pub client_key: Option<PathBuf>,
    /// Time allowed to establish a connection.
    pub connect_timeout: Duration,
    /// Time allowed for one whole exchange.
    pub exchange_timeout: Duration,
}

impl Default for TransportOptions {
    fn default() -> Self {
        Self {
            ca_cert: None,
            client_cert: None,
            client_key: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            exchange_timeout: DEFAULT_EXCHANGE_TIMEOUT,
        }
    }
}

impl TransportOptions {
    /// Trusts only the certificates in the PEM file at `path`.
    #[must_use]
    pub fn with_ca_cert(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_cert = Some(path.into());
        self
    }

    /// Presents the client certificate (and key, unless `key` names another file).
    #[must_use]
    pub fn with_client_identity(mut self, cert: impl Into<PathBuf>, key: Option<PathBuf>) -> Self {
        self.client_cert = Some(cert.into());
        self.client_key = key;
        self
    }

    /// Sets the connect and whole-exchange timeouts.
    #[must_use]
    pub fn with_timeouts(mut self, connect: Duration, exchange: Duration) -> Self {
        self.connect_timeout = connect;
        self.exchange_timeout = exchange;
        self
    }
}

/// What went wrong sending a request or receiving its response.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// A certificate or key file cannot be read.
    #[error("cannot read {what} {}: {source}", path.display())]
    ReadFile {
        /// Which option the file came from (`CA certificate`, `client certificate`, ...).
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A certificate or key file is not valid PEM.
    #[error("{}: invalid PEM: {reason}", path.display())]
    Pem {
        /// The file.
        path: PathBuf,
        /// What the PEM parser said.
        reason: String,
    },
    /// A file that should hold certificates holds none.
    #[error("{}: no PEM certificate (BEGIN CERTIFICATE) found", path.display())]
    NoCertificate {
        /// The file.
        path: PathBuf,
    },
    /// The client key file holds no private key.
    #[error("{}: no PEM private key found (give the key with the client key option)", path.display())]
    NoPrivateKey {
        /// The file.
        path: PathBuf,
    },
    /// A client key without a client certificate.
    #[error("a client key needs a client certificate")]
    KeyWithoutCertificate,
    /// The connection, TLS handshake or exchange did not finish in time.
    #[error("{url}: timed out: {source}")]
    Timeout {
        /// The request URL (without user info).
        url: String,
        /// The underlying error.
        source: ureq::Error,
    },
    /// The TLS handshake failed (untrusted or invalid server certificate, client
    /// certificate refused, no common protocol).
    #[error("{url}: TLS: {source}")]
    Tls {
        /// The request URL (without user info).
        url: String,
        /// The underlying error.
        source: ureq::Error,
    },
    /// The server could not be reached (name not resolved, connection refused or reset).
    #[error("{url}: cannot connect: {source}")]
    Connect {
        /// The request URL (without user info).
        url: String,
        /// The underlying error.
        source: ureq::Error,
    },
    /// Any other failure of the HTTP exchange (malformed response, connection closed early).
    #[error("{url}: {source}")]
    Exchange {
        /// The request URL (without user info).
        url: String,
        /// The underlying error.
        source: ureq::Error,
    },
    /// The response body is larger than the client's message limit; it was not read (declared
    /// `Content-Length`) or reading stopped at the limit.
    #[error("{url}: response body exceeds the limit of {limit} bytes{}",
        declared.map(|d| format!(" (Content-Length: {d})")).unwrap_or_default())]
    BodyTooLarge {
        /// The request URL (without user info).
        url: String,
        /// The limit in bytes.
        limit: u64,
        /// The declared `Content-Length`, when it was the reason.
        declared: Option<u64>,
    },
}

/// Sends TAXII requests over HTTP(S). Cheap to share: one per program, reused for every request
/// (connections are kept alive when the server allows it).
#[derive(Debug, Clone)]
pub struct Transport {
    agent: ureq::Agent,
}

impl Transport {
    /// A transport with `options`: reads the CA and client certificate files now, so a bad file
    /// fails before any request.
    ///
    /// # Errors
    /// [`TransportError::ReadFile`], [`TransportError::Pem`], [`TransportError::NoCertificate`],
    /// [`TransportError::NoPrivateKey`], [`TransportError::KeyWithoutCertificate`].
    pub fn new(options: &TransportOptions) -> Result<Self, TransportError> {
        let mut tls = TlsConfig::builder();
        if let Some(path) = &options.ca_cert {
            let certs = certificates(path, &read_file("CA certificate", path)?)?;
            tls = tls.root_certs(RootCerts::new_with_certs(&certs));
        }
        match (&options.client_cert, &options.client_key) {
            (Some(cert_path), key_path) => {
                let cert_pem = read_file("client certificate", cert_path)?;
                let chain = certificates(cert_path, &cert_pem)?;
                let key = match key_path {
                    Some(key_path) => private_key(key_path, &read_file("client key", key_path)?)?,
                    None => private_key(cert_path, &cert_pem)?,
                };
                tls = tls.client_cert(Some(ClientCert::new_with_certs(&chain, key)));
            }
            (None, Some(_)) => return Err(TransportError::KeyWithoutCertificate),
            (None, None) => {}
        }
        let agent = ureq::Agent::config_builder()
            .tls_config(tls.build())
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(options.connect_timeout))
            .timeout_global(Some(options.exchange_timeout))
            .build()
            .new_agent();
        Ok(Self { agent })
    }

    /// Sends `request` and reads the whole response, within `client`'s message size limit. Any
    /// HTTP status comes back as a response (the client decides what it means).
    ///
    /// # Errors
    /// [`TransportError::Timeout`], [`TransportError::Tls`], [`TransportError::Connect`],
    /// [`TransportError::Exchange`], [`TransportError::BodyTooLarge`].
    pub fn send(
        &self,
        client: &Client,
        request: Request<Bytes>,
    ) -> Result<Response<Bytes>, TransportError> {
        let url = display_uri(request.uri());
        let (parts, body) = request.into_parts();
        let request = Request::from_parts(parts, body.as_ref());
        let response = self
            .agent
            .run(request)
            .map_err(|e| classify(url.clone(), e))?;
        let limit = client.limits().max_message().bytes() as u64;
        if client.check_content_length(response.headers()).is_err() {
            let declared = response
                .headers()
                .get(http::header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse().ok());
            return Err(TransportError::BodyTooLarge {
                url,
                limit,
                declared,
            });
        }
        let (parts, body) = response.into_parts();
        let mut buf = Vec::new();
        body.into_reader()
            .take(limit.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(|e| classify(url.clone(), ureq::Error::from(e)))?;
        if buf.len() as u64 > limit {
            return Err(TransportError::BodyTooLarge {
                url,
                limit,
                declared: None,
            });
        }
        Ok(Response::from_parts(parts, Bytes::from(buf)))
    }
}

/// The URI as shown in messages: scheme, host, port and path, never user info.
fn display_uri(uri: &http::Uri) -> String {
    let authority = uri.authority().map_or("", |a| {
        let s = a.as_str();
        s.rsplit_once('@').map_or(s, |(_, host)| host)
    });
    format!(
        "{}://{}{}",
        uri.scheme_str().unwrap_or("?"),
        authority,
        uri.path()
    )
}

fn classify(url: String, error: ureq::Error) -> TransportError {
    match &error {
        ureq::Error::Timeout(_) => TransportError::Timeout { url, source: error },
        ureq::Error::Tls(_)
        | ureq::Error::Pem(_)
        | ureq::Error::Rustls(_)
        | ureq::Error::TlsRequired => TransportError::Tls { url, source: error },
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => {
            TransportError::Connect { url, source: error }
        }
        ureq::Error::Io(e)
            if matches!(
                e.kind(),
                io::ErrorKind::ConnectionRefused
                    | io::ErrorKind::ConnectionReset
                    | io::ErrorKind::HostUnreachable
                    | io::ErrorKind::NetworkUnreachable
                    | io::ErrorKind::AddrNotAvailable
            ) =>
        {
            TransportError::Connect { url, source: error }
        }
        ureq::Error::Io(e) if e.kind() == io::ErrorKind::TimedOut => {
            TransportError::Timeout { url, source: error }
        }
        _ => TransportError::Exchange { url, source: error },
    }
}

fn read_file(what: &'static str, path: &Path) -> Result<Vec<u8>, TransportError> {
    std::fs::read(path).map_err(|source| TransportError::ReadFile {
        what,
        path: path.to_owned(),
        source,
    })
}

fn pem_items(path: &Path, pem: &[u8]) -> Result<Vec<PemItem<'static>>, TransportError> {
    ureq::tls::parse_pem(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TransportError::Pem {
            path: path.to_owned(),
            reason: e.to_string(),
        })
}

fn certificates(path: &Path, pem: &[u8]) -> Result<Vec<Certificate<'static>>, TransportError> {
    let certs: Vec<Certificate<'static>> = pem_items(path, pem)?
        .into_iter()
        .filter_map(|item| match item {
            PemItem::Certificate(cert) => Some(cert),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return Err(TransportError::NoCertificate {
            path: path.to_owned(),
        });
    }
    Ok(certs)
}

fn private_key(path: &Path, pem: &[u8]) -> Result<PrivateKey<'static>, TransportError> {
    pem_items(path, pem)?
        .into_iter()
        .find_map(|item| match item {
            PemItem::PrivateKey(key) => Some(key),
            _ => None,
        })
        .ok_or_else(|| TransportError::NoPrivateKey {
            path: path.to_owned(),
        })
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::net::TcpListener;

    use taxii1_core::Version;
    use taxii1_core::message::{DiscoveryRequest, MessageId};

    use super::*;

    /// A one-shot loopback HTTP server answering the first request with `answer`.
    fn serve_once(answer: &'static [u8]) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut buf = [0u8; 4096];
            let mut seen = Vec::new();
            // Read the head and the (small) body before answering.
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = stream.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                seen.extend_from_slice(&buf[..n]);
            }
            let _ = stream.write_all(answer);
        });
        format!("http://{addr}/services/discovery")
    }

    fn discovery(client: &Client, url: &str) -> Request<Bytes> {
        client
            .request(
                &url.parse().unwrap(),
                &DiscoveryRequest::new(MessageId::from_u64(1)).into(),
            )
            .unwrap()
    }

    fn small_client() -> Client {
        Client::new(Version::V1_1).with_limits(
            taxii1_core::Limits::default()
                .with_max_message_bytes(16)
                .unwrap(),
        )
    }

    #[test]
    fn declared_oversized_body_is_refused_before_reading() {
        let url = serve_once(
            b"HTTP/1.1 200 OK\r\nContent-Length: 17\r\nConnection: close\r\n\r\n12345678901234567",
        );
        let client = small_client();
        let err = Transport::new(&TransportOptions::default())
            .unwrap()
            .send(&client, discovery(&client, &url))
            .unwrap_err();
        assert!(
            matches!(
                err,
                TransportError::BodyTooLarge {
                    limit: 16,
                    declared: Some(17),
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn undeclared_oversized_body_stops_at_the_limit() {
        let url = serve_once(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n12345678901234567");
        let client = small_client();
        let err = Transport::new(&TransportOptions::default())
            .unwrap()
            .send(&client, discovery(&client, &url))
            .unwrap_err();
        assert!(
            matches!(
                err,
                TransportError::BodyTooLarge {
                    limit: 16,
                    declared: None,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn a_body_at_the_limit_is_read_whole() {
        let url = serve_once(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n1234567890123456");
        let client = small_client();
        let response = Transport::new(&TransportOptions::default())
            .unwrap()
            .send(&client, discovery(&client, &url))
            .unwrap();
        assert_eq!(response.body().as_ref(), b"1234567890123456");
    }

    #[test]
    fn redirects_are_not_followed() {
        let url = serve_once(
            b"HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:1/elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
        let client = Client::new(Version::V1_1);
        let response = Transport::new(&TransportOptions::default())
            .unwrap()
            .send(&client, discovery(&client, &url))
            .unwrap();
        assert_eq!(response.status(), http::StatusCode::TEMPORARY_REDIRECT);
    }

    #[test]
    fn refused_connection_is_a_connect_error() {
        // Bind and drop to get a port nobody listens on.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let client = Client::new(Version::V1_1);
        let url = format!("http://127.0.0.1:{port}/services/discovery");
        let err = Transport::new(&TransportOptions::default())
            .unwrap()
            .send(&client, discovery(&client, &url))
            .unwrap_err();
        assert!(matches!(err, TransportError::Connect { .. }), "{err:?}");
        assert!(err.to_string().starts_with(&url), "{err}");
    }

    #[test]
    fn user_info_is_never_shown() {
        let uri: http::Uri = "https://user:secret@example.org:8443/services/poll?x=1"
            .parse()
            .unwrap();
        assert_eq!(display_uri(&uri), "https://example.org:8443/services/poll");
    }

    #[test]
    fn certificate_files_are_checked_up_front() {
        let dir = std::env::temp_dir().join(format!("taxii-transport-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let missing = dir.join("missing.pem");
        let err = Transport::new(&TransportOptions::default().with_ca_cert(&missing)).unwrap_err();
        assert!(
            matches!(&err, TransportError::ReadFile { what: "CA certificate", path, .. } if *path == missing),
            "{err:?}"
        );
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "no pem here\n").unwrap();
        let err = Transport::new(&TransportOptions::default().with_ca_cert(&empty)).unwrap_err();
        assert!(
            matches!(err, TransportError::NoCertificate { .. }),
            "{err:?}"
        );
        let options = TransportOptions {
            client_key: Some(empty),
            ..TransportOptions::default()
        };
        assert!(matches!(
            Transport::new(&options).unwrap_err(),
            TransportError::KeyWithoutCertificate
        ));
        // A certificate (the parser only checks the PEM framing) but no key.
        let cert_only = dir.join("cert.pem");
        std::fs::write(
            &cert_only,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let err =
            Transport::new(&TransportOptions::default().with_client_identity(&cert_only, None))
                .unwrap_err();
        assert!(
            matches!(&err, TransportError::NoPrivateKey { path } if *path == cert_only),
            "{err:?}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
