//! The TAXII half of the exchange: discovery, multi-part poll and inbox push over
//! [`crate::transport::Transport`], driven by `taxii1-core`'s [`Client`] and [`PollSession`].

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use taxii1_core::binding::Credentials;
use taxii1_core::binding::client::{Client, Reply};
use taxii1_core::binding::poll::{PollEvent, PollSession};
use taxii1_core::message::{
    DiscoveryRequest, DiscoveryResponse, InboxMessage, MessageId, PollRequest, ServiceType,
    StatusMessage, StatusType,
};
use taxii1_core::{ContentBinding, ContentBindingId, ContentBlock, Limits, Message, Version};
use url::Url;

use super::{Error, Progress};
use crate::transport::{Transport, TransportOptions};

/// A TAXII service the discovery service announced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// `DISCOVERY`, `COLLECTION_MANAGEMENT` (1.0: `FEED_MANAGEMENT`), `INBOX` or `POLL`.
    pub service_type: &'static str,
    /// Its address.
    pub address: String,
}

/// What a poll brought back.
#[derive(Debug, Clone, Default)]
pub struct Polled {
    /// Result parts received.
    pub parts: usize,
    /// Every content block, with the part it came in (1-based) and its index in that part.
    pub blocks: Vec<(u64, usize, ContentBlock)>,
}

/// One side's TAXII client: settings, transport and message ids.
pub struct Peer {
    client: Client,
    transport: Transport,
    next_id: u64,
}

/// Whether `url` names this machine (`localhost`, 127.0.0.0/8, `::1`), the only place
/// credentials may travel over plain `http://`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// A fresh random number from the operating system when it offers one, else from the
/// standard library's randomly keyed hasher.
pub(super) fn random_u64() -> u64 {
    let mut bytes = [0u8; 8];
    if let Ok(mut file) = std::fs::File::open("/dev/urandom")
        && std::io::Read::read_exact(&mut file, &mut bytes).is_ok()
    {
        return u64::from_le_bytes(bytes);
    }
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    hasher.finish()
}

impl Peer {
    /// A client speaking `version` to the server at `url` (used for the plain-http check),
    /// sending `credentials` when given.
    ///
    /// # Errors
    /// [`Error::PlainHttpCredentials`] for credentials over `http://` to anything but loopback,
    /// [`Error::Transport`] when the transport cannot be set up.
    pub fn new(
        version: Version,
        url: &Url,
        credentials: Option<Credentials>,
        max_blob: taxii1_core::size::SizeLimit,
        timeout: Duration,
    ) -> Result<Self, Error> {
        let limits = Limits::default()
            .with_accept_peer_deviations(true)
            .with_max_message_bytes(max_blob.bytes())
            .map_err(|e| Error::Usage(format!("message size limit: {e}")))?;
        let mut client = Client::new(version)
            .with_limits(limits)
            .with_user_agent(concat!("exchange/", env!("CARGO_PKG_VERSION")));
        if let Some(credentials) = credentials {
            if url.scheme() == "http" {
                if !is_loopback(url) {
                    return Err(Error::PlainHttpCredentials { url: url.clone() });
                }
                // Loopback only: the password never leaves this machine.
                client = client.dangerous_allow_credentials_over_plain_http();
            }
            client = client.with_basic_auth(credentials);
        }
        let options = TransportOptions::default()
            .with_timeouts(timeout.min(Duration::from_secs(10)), timeout);
        let transport = Transport::new(&options).map_err(|e| Error::Transport(e.to_string()))?;
        Ok(Self {
            client,
            transport,
            // Decimal ids, a random start per run, never starting with zeros.
            next_id: (random_u64() >> 1).max(1_000_000_000),
        })
    }

    fn id(&mut self) -> MessageId {
        let id = MessageId::from_u64(self.next_id);
        self.next_id = self.next_id.saturating_add(1);
        id
    }

    fn send(&self, url: &Url, message: &Message) -> Result<http::Response<bytes::Bytes>, Error> {
        let request = self.client.request(url, message).map_err(Error::Taxii)?;
        self.transport
            .send(&self.client, request)
            .map_err(|e| Error::Transport(e.to_string()))
    }

    fn call<T: Reply>(&self, url: &Url, message: Message) -> Result<T, Error> {
        let id = message.message_id().clone();
        let response = self.send(url, &message)?;
        self.client.expect(response, &id).map_err(Error::Taxii)
    }

    /// Asks the discovery service at `url` which services the server offers.
    ///
    /// # Errors
    /// [`Error::Transport`], [`Error::Taxii`] (a status such as UNAUTHORIZED included).
    pub fn discover(&mut self, url: &Url) -> Result<Vec<Service>, Error> {
        let id = self.id();
        let response: DiscoveryResponse = self.call(url, DiscoveryRequest::new(id).into())?;
        let version = self.client.version();
        Ok(response
            .service_instances
            .iter()
            .map(|s| Service {
                service_type: match (s.service_type, version) {
                    (ServiceType::Discovery, _) => "DISCOVERY",
                    (ServiceType::CollectionManagement, Version::V1_0) => "FEED_MANAGEMENT",
                    (ServiceType::CollectionManagement, _) => "COLLECTION_MANAGEMENT",
                    (ServiceType::Inbox, _) => "INBOX",
                    (ServiceType::Poll, _) => "POLL",
                },
                address: s.address.clone(),
            })
            .collect())
    }

    /// Polls `collection` at the poll service `url` for EclecticIQ JSON, following every
    /// result part; `progress` hears of each part.
    ///
    /// # Errors
    /// [`Error::Transport`], [`Error::Taxii`].
    pub fn poll(
        &mut self,
        url: &Url,
        collection: &str,
        progress: &dyn Progress,
    ) -> Result<Polled, Error> {
        let version = self.client.version();
        let bindings = vec![ContentBinding::new(ContentBindingId::EIQ_JSON_1_0)];
        let mut request = PollRequest::new(self.id(), collection);
        match version {
            Version::V1_0 => {
                request.poll_parameters = None;
                request.content_bindings = bindings;
            }
            _ => {
                if let Some(parameters) = &mut request.poll_parameters {
                    parameters.content_bindings = bindings;
                }
            }
        }
        let mut session =
            PollSession::new(request, version, self.client.limits().max_result_parts());
        let mut polled = Polled::default();
        loop {
            let id = self.id();
            let Some(message) = session.poll_transmit(id) else {
                break;
            };
            let response = self.send(url, &message)?;
            let parsed = self.client.parse_response(response).map_err(Error::Taxii)?;
            match session
                .handle_response(parsed.message)
                .map_err(Error::Taxii)?
            {
                PollEvent::Part {
                    content_blocks,
                    part_number,
                    record_count,
                    more,
                } => {
                    if let Some(count) = record_count {
                        progress.set_total(count.count);
                    }
                    progress.advance(
                        content_blocks.len() as u64,
                        &format!(
                            "{collection} part {part_number}{}",
                            if more { " (more follow)" } else { "" }
                        ),
                    );
                    polled.blocks.extend(
                        content_blocks
                            .into_iter()
                            .enumerate()
                            .map(|(i, block)| (part_number, i + 1, block)),
                    );
                }
                PollEvent::Pending { estimated_wait } => {
                    let wait = estimated_wait.unwrap_or(5).min(60);
                    progress.advance(0, &format!("server is preparing the result; {wait} s"));
                    std::thread::sleep(Duration::from_secs(wait));
                }
                _ => {}
            }
        }
        polled.parts = session.parts_received();
        Ok(polled)
    }

    /// Pushes `blocks` in one inbox message to the inbox service `url`, into `collection`
    /// (TAXII 1.1; TAXII 1.0 cannot name one and the inbox picks its default).
    ///
    /// # Errors
    /// [`Error::Transport`], [`Error::Taxii`] for any status other than SUCCESS.
    pub fn push(
        &mut self,
        url: &Url,
        collection: Option<&str>,
        blocks: Vec<ContentBlock>,
    ) -> Result<(), Error> {
        let mut message = InboxMessage::new(self.id(), blocks);
        if let Some(name) = collection
            && self.client.version() != Version::V1_0
        {
            message = message.with_destination(name);
        }
        let status: StatusMessage = self.call(url, message.into())?;
        if status.status_type == StatusType::SUCCESS {
            Ok(())
        } else {
            Err(Error::Taxii(taxii1_core::Error::Status(Box::new(status))))
        }
    }
}

/// The address of the first announced service of `service_type`, as a URL.
///
/// # Errors
/// [`Error::NoService`] when discovery announced none, [`Error::Usage`] for an address that
/// is no URL.
pub fn service_url(services: &[Service], service_type: &'static str) -> Result<Url, Error> {
    let service = services
        .iter()
        .find(|s| s.service_type == service_type)
        .ok_or(Error::NoService { service_type })?;
    Url::parse(&service.address).map_err(|e| {
        Error::Usage(format!(
            "discovery announced the {service_type} service at `{}`, which is no URL: {e}",
            service.address
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_machine_counts_as_loopback() {
        for (url, loopback) in [
            ("http://127.0.0.1:9000/services/poll", true),
            ("http://127.8.9.10/", true),
            ("http://localhost:1/", true),
            ("http://LOCALHOST/", true),
            ("http://[::1]:8080/", true),
            ("http://localhost.example.org/", false),
            ("http://10.0.0.1/", false),
            ("http://[::ffff:127.0.0.1]/", false),
            ("https://taxii.example.org/", false),
        ] {
            assert_eq!(is_loopback(&url.parse().unwrap()), loopback, "{url}");
        }
    }

    #[test]
    fn credentials_over_plain_http_elsewhere_are_refused_up_front() {
        let limit = taxii1_core::size::SizeLimit::FEED_DEFAULT;
        let credentials = || Some(Credentials::new("taxii", "pass"));
        let remote: Url = "http://taxii.example.org/services/discovery"
            .parse()
            .unwrap();
        let err = Peer::new(
            Version::V1_1,
            &remote,
            credentials(),
            limit,
            Duration::from_secs(5),
        )
        .err()
        .unwrap();
        assert!(matches!(err, Error::PlainHttpCredentials { .. }), "{err:?}");
        // Without credentials, or over https, or to loopback: fine.
        assert!(Peer::new(Version::V1_1, &remote, None, limit, Duration::from_secs(5)).is_ok());
        let tls: Url = "https://taxii.example.org/services/discovery"
            .parse()
            .unwrap();
        assert!(
            Peer::new(
                Version::V1_1,
                &tls,
                credentials(),
                limit,
                Duration::from_secs(5)
            )
            .is_ok()
        );
        let local: Url = "http://127.0.0.1:9000/services/discovery".parse().unwrap();
        assert!(
            Peer::new(
                Version::V1_0,
                &local,
                credentials(),
                limit,
                Duration::from_secs(5)
            )
            .is_ok()
        );
    }

    #[test]
    fn service_urls_come_from_discovery() {
        let services = [
            Service {
                service_type: "DISCOVERY",
                address: "http://127.0.0.1:1/services/discovery".into(),
            },
            Service {
                service_type: "POLL",
                address: "http://127.0.0.1:1/services/poll".into(),
            },
            Service {
                service_type: "INBOX",
                address: "not a url".into(),
            },
        ];
        assert_eq!(
            service_url(&services, "POLL").unwrap().as_str(),
            "http://127.0.0.1:1/services/poll"
        );
        assert!(matches!(
            service_url(&services, "INBOX"),
            Err(Error::Usage(_))
        ));
        assert!(matches!(
            service_url(&services, "COLLECTION_MANAGEMENT"),
            Err(Error::NoService {
                service_type: "COLLECTION_MANAGEMENT"
            })
        ));
    }
}
