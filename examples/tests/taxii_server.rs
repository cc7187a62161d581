//! The example TAXII server: every service through `TaxiiService::handle` (no sockets), driven
//! by `taxii1_core`'s client, and the HTTP layer through real loopback connections.

// Tests may unwrap, panic and index.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/scratch.rs"]
mod scratch;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::num::{NonZeroU64, NonZeroUsize};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use examples::taxii_server::{
    COLLECTION_MANAGEMENT_PATH, CollectionConfig, DISCOVERY_PATH, Error, INBOX_PATH, POLL_PATH,
    ServerConfig, TaxiiServer, TaxiiService, timestamp_label,
};
use taxii1_core::binding::Credentials;
use taxii1_core::binding::client::{Client, Reply};
use taxii1_core::binding::poll::{PollEvent, PollSession};
use taxii1_core::message::*;
use taxii1_core::size::SizeLimit;
use taxii1_core::{Content, ContentBinding, ContentBindingId, ContentBlock, Message, Version};
use url::Url;

use scratch::Scratch;

const BASE: &str = "http://127.0.0.1:9999/";
const STIX: &str = r#"<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" id="example:Package-1" version="1.2"><stix:STIX_Header><stix:Title>t</stix:Title></stix:STIX_Header></stix:STIX_Package>"#;

/// A clock that starts at 2026-11-22T13:00:00Z and moves one second per call.
fn stepping_clock() -> (examples::taxii_server::Clock, Arc<AtomicU64>) {
    let calls = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&calls);
    let clock = Arc::new(move || {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        UNIX_EPOCH + Duration::from_secs(1_795_352_400 + n)
    });
    (clock, calls)
}

fn two_collections() -> ServerConfig {
    ServerConfig::default()
        .with_collection(CollectionConfig::new("stix-feed").accepting([
            ContentBinding::new(ContentBindingId::STIX_XML_1_2),
            ContentBinding::new(ContentBindingId::EIQ_JSON_1_0),
        ]))
        .with_collection(CollectionConfig::new("json-set").with_type(CollectionType::DataSet))
}

struct Harness {
    service: TaxiiService,
    client: Client,
    next: std::cell::Cell<u64>,
}

impl Harness {
    fn new(config: ServerConfig) -> Self {
        Self::with_version(config, Version::V1_1)
    }

    fn with_version(config: ServerConfig, version: Version) -> Self {
        let (clock, _) = stepping_clock();
        let service = TaxiiService::with_clock(&config, Url::parse(BASE).unwrap(), clock).unwrap();
        Self {
            service,
            client: Client::new(version),
            next: std::cell::Cell::new(1),
        }
    }

    fn id(&self) -> MessageId {
        self.next.set(self.next.get() + 1);
        MessageId::from_u64(self.next.get())
    }

    fn url(path: &str) -> Url {
        Url::parse(BASE)
            .unwrap()
            .join(path.trim_start_matches('/'))
            .unwrap()
    }

    fn send(&self, path: &str, message: &Message) -> Message {
        let request = self.client.request(&Self::url(path), message).unwrap();
        let response = self.service.handle(request);
        assert_eq!(response.status(), 200);
        let parsed = self.client.parse_response(response).unwrap();
        assert_eq!(
            parsed.version,
            self.client.version(),
            "answered in the request's version"
        );
        parsed.message
    }

    fn expect<T: Reply>(&self, path: &str, message: &Message) -> T {
        let request = self.client.request(&Self::url(path), message).unwrap();
        let response = self.service.handle(request);
        self.client.expect(response, message.message_id()).unwrap()
    }

    fn status(&self, path: &str, message: &Message) -> StatusMessage {
        match self.send(path, message) {
            Message::StatusMessage(s) => s,
            other => panic!("expected a status message, got {other:?}"),
        }
    }

    fn push(&self, collection: &str, blocks: Vec<ContentBlock>) -> StatusMessage {
        let message = InboxMessage::new(self.id(), blocks).with_destination(collection);
        self.status(INBOX_PATH, &message.into())
    }

    fn poll(&self, request: PollRequest) -> PollResponse {
        self.expect(POLL_PATH, &request.into())
    }
}

fn json_block(n: u32) -> ContentBlock {
    ContentBlock::new(
        ContentBinding::new(ContentBindingId::EIQ_JSON_1_0),
        Content::text(format!("{{\"n\": {n}}}")),
    )
}

fn stix_block() -> ContentBlock {
    ContentBlock::new(
        ContentBinding::new(ContentBindingId::STIX_XML_1_2),
        Content::xml(Bytes::from_static(STIX.as_bytes())).unwrap(),
    )
}

#[test]
fn discovery_advertises_absolute_addresses_in_the_request_version() {
    for version in Version::ALL {
        let h = Harness::with_version(two_collections(), version);
        let request = DiscoveryRequest::new(h.id());
        let response: DiscoveryResponse = h.expect(DISCOVERY_PATH, &request.into());
        let addresses: Vec<(ServiceType, &str)> = response
            .service_instances
            .iter()
            .map(|s| (s.service_type, s.address.as_str()))
            .collect();
        assert_eq!(
            addresses,
            [
                (
                    ServiceType::Discovery,
                    "http://127.0.0.1:9999/services/discovery"
                ),
                (
                    ServiceType::CollectionManagement,
                    "http://127.0.0.1:9999/services/collection-management"
                ),
                (ServiceType::Inbox, "http://127.0.0.1:9999/services/inbox"),
                (ServiceType::Poll, "http://127.0.0.1:9999/services/poll"),
            ]
        );
        for s in &response.service_instances {
            assert_eq!(s.service_version, version.services());
            assert_eq!(s.protocol_binding, "urn:taxii.mitre.org:protocol:http:1.0");
            // json-set accepts anything, so the inbox lists no restriction.
            assert!(s.content_bindings.is_empty());
        }
    }
}

#[test]
fn collection_information_describes_each_collection() {
    let h = Harness::new(two_collections());
    h.push("stix-feed", vec![stix_block(), json_block(1)]);
    let request = CollectionInformationRequest::new(h.id());
    let response: CollectionInformationResponse =
        h.expect(COLLECTION_MANAGEMENT_PATH, &request.into());
    let [feed, set] = response.collections.as_slice() else {
        panic!("{response:?}")
    };
    assert_eq!(feed.collection_name, "stix-feed");
    assert_eq!(feed.collection_type, Some(CollectionType::DataFeed));
    assert_eq!(feed.collection_volume, Some(2));
    assert_eq!(
        feed.content_bindings
            .iter()
            .map(|b| b.binding_id.as_str())
            .collect::<Vec<_>>(),
        ["urn:stix.mitre.org:xml:1.2", "urn:eclecticiq.com:json:1.0"]
    );
    assert_eq!(
        feed.polling_services[0].address,
        "http://127.0.0.1:9999/services/poll"
    );
    assert_eq!(
        feed.receiving_inbox_services[0].contact.address,
        "http://127.0.0.1:9999/services/inbox"
    );
    assert_eq!(set.collection_type, Some(CollectionType::DataSet));
    assert_eq!(set.collection_volume, Some(0));
    assert!(set.content_bindings.is_empty());

    // TAXII 1.0 feeds must list bindings: "any" becomes every known binding id.
    let h10 = Harness::with_version(two_collections(), Version::V1_0);
    let request = CollectionInformationRequest::new(h10.id());
    let response: CollectionInformationResponse =
        h10.expect(COLLECTION_MANAGEMENT_PATH, &request.into());
    let set = &response.collections[1];
    assert_eq!(set.collection_type, None);
    assert_eq!(set.content_bindings.len(), ContentBindingId::KNOWN.len());
}

#[test]
fn pushed_blocks_come_back_byte_identical_with_server_labels() {
    let h = Harness::new(two_collections());
    let labelled_by_client =
        json_block(7).with_timestamp_label("2000-01-01T00:00:00Z".parse().unwrap());
    let status = h.push("stix-feed", vec![stix_block(), labelled_by_client]);
    assert_eq!(status.status_type, StatusType::SUCCESS);
    assert_eq!(h.service.block_count("stix-feed"), Some(2));
    let response = h.poll(PollRequest::new(h.id(), "stix-feed"));
    assert!(!response.more);
    assert_eq!(response.record_count, Some(RecordCount::exact(2)));
    let [xml, json] = response.content_blocks.as_slice() else {
        panic!()
    };
    assert_eq!(xml.content.as_str(), STIX);
    assert_eq!(json.content.as_str(), "{\"n\": 7}");
    // The stepping clock: call 0 at start-up, call 1 labels the push.
    assert_eq!(
        json.timestamp_label.as_ref().unwrap().as_str(),
        "2026-11-22T13:00:01.000000+00:00"
    );
    assert_eq!(xml.timestamp_label, json.timestamp_label);
}

#[test]
fn unsupported_content_is_refused_with_the_supported_list_and_nothing_stored() {
    let h = Harness::new(two_collections());
    let text = ContentBlock::new(
        ContentBinding::new(ContentBindingId::new("urn:example.com:text:1.0")),
        Content::text("hello"),
    );
    let status = h.push("stix-feed", vec![json_block(1), text]);
    assert_eq!(status.status_type, StatusType::UNSUPPORTED_CONTENT);
    assert_eq!(
        status.supported(),
        ["urn:stix.mitre.org:xml:1.2", "urn:eclecticiq.com:json:1.0"]
    );
    assert!(status.message.unwrap().contains("content block 1"));
    assert_eq!(h.service.block_count("stix-feed"), Some(0));
    // The data set takes any binding.
    let text = ContentBlock::new(
        ContentBinding::new(ContentBindingId::new("urn:example.com:text:1.0")),
        Content::text("hello"),
    );
    assert_eq!(
        h.push("json-set", vec![text]).status_type,
        StatusType::SUCCESS
    );
}

#[test]
fn destinations_are_required_and_checked() {
    let h = Harness::new(two_collections());
    let message = InboxMessage::new(h.id(), vec![json_block(1)]);
    let status = h.status(INBOX_PATH, &message.into());
    assert_eq!(status.status_type, StatusType::DESTINATION_COLLECTION_ERROR);
    assert_eq!(status.supported(), ["stix-feed", "json-set"]);
    let status = h.push("nope", vec![json_block(1)]);
    assert_eq!(status.status_type, StatusType::DESTINATION_COLLECTION_ERROR);
    assert!(status.message.unwrap().contains("`nope`"));

    // Several destinations get the same blocks; a default collection takes undirected pushes.
    let h = Harness::new(two_collections().with_default_inbox_collection("json-set"));
    let message = InboxMessage::new(h.id(), vec![json_block(1)])
        .with_destination("stix-feed")
        .with_destination("json-set");
    assert_eq!(
        h.status(INBOX_PATH, &message.into()).status_type,
        StatusType::SUCCESS
    );
    let message = InboxMessage::new(h.id(), vec![json_block(2)]);
    assert_eq!(
        h.status(INBOX_PATH, &message.into()).status_type,
        StatusType::SUCCESS
    );
    assert_eq!(h.service.block_count("stix-feed"), Some(1));
    assert_eq!(h.service.block_count("json-set"), Some(2));
}

#[test]
fn multi_part_results_follow_with_poll_session_and_bad_parts_are_refused() {
    let config = two_collections().with_max_part_size(NonZeroUsize::new(2).unwrap());
    let h = Harness::new(config);
    h.push("json-set", (0..5).map(json_block).collect());
    let request = PollRequest::new(h.id(), "json-set");
    let mut session = PollSession::new(request, Version::V1_1, 10);
    let mut received = Vec::new();
    let mut parts = Vec::new();
    let mut result_id = None;
    while let Some(message) = session.poll_transmit(h.id()) {
        let answer = h.send(POLL_PATH, &message);
        if let Message::PollResponse(r) = &answer {
            result_id = r.result_id.clone();
        }
        let PollEvent::Part {
            content_blocks,
            part_number,
            record_count,
            more,
        } = session.handle_response(answer).unwrap()
        else {
            panic!()
        };
        assert_eq!(record_count, Some(RecordCount::exact(5)));
        parts.push((part_number, content_blocks.len(), more));
        received.extend(content_blocks);
    }
    assert_eq!(parts, [(1, 2, true), (2, 2, true), (3, 1, false)]);
    let texts: Vec<&str> = received.iter().map(|b| b.content.as_str()).collect();
    assert_eq!(
        texts,
        [
            "{\"n\": 0}",
            "{\"n\": 1}",
            "{\"n\": 2}",
            "{\"n\": 3}",
            "{\"n\": 4}"
        ]
    );
    let result_id = result_id.unwrap();
    // cabby asks for one part past the last and stops on the empty part.
    let extra =
        PollFulfillmentRequest::new(h.id(), "json-set", &result_id, NonZeroU64::new(4).unwrap());
    let Message::PollResponse(empty) = h.send(POLL_PATH, &extra.into()) else {
        panic!()
    };
    assert!(empty.content_blocks.is_empty());
    assert!(!empty.more);
    // Beyond that: INVALID_RESPONSE_PART naming the last part.
    let beyond =
        PollFulfillmentRequest::new(h.id(), "json-set", &result_id, NonZeroU64::new(9).unwrap());
    let status = h.status(POLL_PATH, &beyond.into());
    assert_eq!(status.status_type, StatusType::INVALID_RESPONSE_PART);
    assert_eq!(status.max_part_number(), Some(Ok(3)));
    let unknown =
        PollFulfillmentRequest::new(h.id(), "json-set", "no-such-result", NonZeroU64::MIN);
    let status = h.status(POLL_PATH, &unknown.into());
    assert_eq!(status.status_type, StatusType::NOT_FOUND);
    assert_eq!(status.item(), Some("no-such-result"));
}

#[test]
fn time_windows_binding_filters_and_counts() {
    let h = Harness::new(two_collections());
    h.push("stix-feed", vec![stix_block()]); // labelled 13:00:01
    h.push("stix-feed", vec![json_block(1)]); // 13:00:02
    h.push("stix-feed", vec![stix_block()]); // 13:00:03
    // The client's bounds use `Z`, the server's labels `+00:00`: compared as instants.
    let begin = "2026-11-22T13:00:01Z".parse().unwrap();
    let end = "2026-11-22T13:00:02.000000Z".parse().unwrap();
    let response = h.poll(PollRequest::new(h.id(), "stix-feed").with_window(Some(begin), None));
    assert_eq!(response.content_blocks.len(), 2);
    let begin = "2026-11-22T13:00:01Z".parse().unwrap();
    let response =
        h.poll(PollRequest::new(h.id(), "stix-feed").with_window(Some(begin), Some(end)));
    assert_eq!(response.content_blocks.len(), 1);
    assert_eq!(response.content_blocks[0].content.as_str(), "{\"n\": 1}");
    assert_eq!(
        response.exclusive_begin_timestamp_label.unwrap().as_str(),
        "2026-11-22T13:00:01Z"
    );

    let mut request = PollRequest::new(h.id(), "stix-feed");
    let mut parameters = PollParameters::default();
    parameters.content_bindings = vec![ContentBinding::new(ContentBindingId::EIQ_JSON_1_0)];
    request.poll_parameters = Some(parameters);
    assert_eq!(h.poll(request).content_blocks.len(), 1);

    let mut request = PollRequest::new(h.id(), "stix-feed");
    let mut parameters = PollParameters::default();
    parameters.response_type = ResponseType::CountOnly;
    request.poll_parameters = Some(parameters);
    let response = h.poll(request);
    assert!(response.content_blocks.is_empty());
    assert_eq!(response.record_count, Some(RecordCount::exact(3)));

    let mut request = PollRequest::new(h.id(), "stix-feed");
    let mut parameters = PollParameters::default();
    parameters.content_bindings = vec![ContentBinding::new(ContentBindingId::new(
        "urn:example.com:text:1.0",
    ))];
    request.poll_parameters = Some(parameters);
    let status = h.status(POLL_PATH, &request.into());
    assert_eq!(status.status_type, StatusType::UNSUPPORTED_CONTENT);
    assert_eq!(status.supported().len(), 2);

    let status = h.status(
        POLL_PATH,
        &PollRequest::new(h.id(), "no-such-collection").into(),
    );
    assert_eq!(status.status_type, StatusType::NOT_FOUND);
    assert_eq!(status.item(), Some("no-such-collection"));
}

#[test]
fn taxii_1_0_poll_gets_everything_in_one_response() {
    let h = Harness::with_version(two_collections(), Version::V1_0);
    let message = InboxMessage::new(h.id(), vec![json_block(3)]);
    let status = h.status(INBOX_PATH, &message.into());
    // TAXII 1.0 cannot name a destination: with two collections that is a FAILURE naming
    // the 1.1 status it stands for.
    assert_eq!(status.status_type, StatusType::FAILURE);
    assert!(
        status
            .message
            .unwrap()
            .starts_with("DESTINATION_COLLECTION_ERROR")
    );
    let mut h = Harness::new(two_collections().with_default_inbox_collection("json-set"));
    // Pushed in 1.1 with a block message, which TAXII 1.0 cannot carry.
    let message = InboxMessage::new(h.id(), vec![json_block(3).with_message("1.1 only")]);
    assert_eq!(
        h.status(INBOX_PATH, &message.into()).status_type,
        StatusType::SUCCESS
    );
    h.client = Client::new(Version::V1_0);
    let message = InboxMessage::new(h.id(), vec![json_block(4)]);
    assert_eq!(
        h.status(INBOX_PATH, &message.into()).status_type,
        StatusType::SUCCESS
    );
    let mut request = PollRequest::new(h.id(), "json-set");
    request.poll_parameters = None;
    let response = h.poll(request);
    let texts: Vec<&str> = response
        .content_blocks
        .iter()
        .map(|b| b.content.as_str())
        .collect();
    assert_eq!(texts, ["{\"n\": 3}", "{\"n\": 4}"]);
    assert_eq!(response.content_blocks[0].message, None);
    assert!(response.inclusive_end_timestamp_label.is_some());
    assert_eq!(response.record_count, None);
}

#[test]
fn subscriptions_subscribe_status_pause_resume_unsubscribe() {
    let h = Harness::new(two_collections());
    let subscribe =
        SubscriptionManagementRequest::new(h.id(), SubscriptionAction::Subscribe, "stix-feed");
    let response: SubscriptionManagementResponse =
        h.expect(COLLECTION_MANAGEMENT_PATH, &subscribe.into());
    let [record] = response.subscriptions.as_slice() else {
        panic!()
    };
    assert_eq!(record.status, Some(SubscriptionStatus::Active));
    assert_eq!(
        record.poll_instances[0].address,
        "http://127.0.0.1:9999/services/poll"
    );
    let sub_id = record.subscription_id.clone();
    let step = |action, expected: Option<SubscriptionStatus>| {
        let request = SubscriptionManagementRequest::new(h.id(), action, "stix-feed")
            .with_subscription_id(&sub_id);
        let response: SubscriptionManagementResponse =
            h.expect(COLLECTION_MANAGEMENT_PATH, &request.into());
        assert_eq!(response.subscriptions.len(), 1);
        assert_eq!(response.subscriptions[0].subscription_id, sub_id);
        assert_eq!(response.subscriptions[0].status, expected, "{action:?}");
    };
    step(SubscriptionAction::Status, Some(SubscriptionStatus::Active));
    step(SubscriptionAction::Pause, Some(SubscriptionStatus::Paused));
    step(SubscriptionAction::Resume, Some(SubscriptionStatus::Active));

    h.push("stix-feed", vec![json_block(1)]);
    let response = h.poll(PollRequest::for_subscription(h.id(), "stix-feed", &sub_id));
    assert_eq!(response.subscription_id.as_deref(), Some(sub_id.as_str()));
    assert_eq!(response.content_blocks.len(), 1);

    let request =
        SubscriptionManagementRequest::new(h.id(), SubscriptionAction::Unsubscribe, "stix-feed")
            .with_subscription_id(&sub_id);
    let response: SubscriptionManagementResponse =
        h.expect(COLLECTION_MANAGEMENT_PATH, &request.into());
    assert_eq!(
        response.subscriptions[0].status,
        Some(SubscriptionStatus::Unsubscribed)
    );
    let request =
        SubscriptionManagementRequest::new(h.id(), SubscriptionAction::Pause, "stix-feed")
            .with_subscription_id(&sub_id);
    let status = h.status(COLLECTION_MANAGEMENT_PATH, &request.into());
    assert_eq!(status.status_type, StatusType::NOT_FOUND);
    assert_eq!(status.item(), Some(sub_id.as_str()));
    let status = h.status(
        POLL_PATH,
        &PollRequest::for_subscription(h.id(), "stix-feed", &sub_id).into(),
    );
    assert_eq!(status.status_type, StatusType::NOT_FOUND);
}

#[test]
fn credentials_are_checked() {
    let config = two_collections().with_credentials(Credentials::new("taxii", "taxii-pass"));
    let mut h = Harness::new(config);
    let request = DiscoveryRequest::new(h.id());
    let status = h.status(DISCOVERY_PATH, &request.into());
    assert_eq!(status.status_type, StatusType::UNAUTHORIZED);
    for (password, expected) in [
        ("wrong", StatusType::UNAUTHORIZED),
        ("taxii-pass", StatusType::SUCCESS),
    ] {
        h.client = Client::new(Version::V1_1)
            .with_basic_auth(Credentials::new("taxii", password))
            .dangerous_allow_credentials_over_plain_http();
        let request = DiscoveryRequest::new(h.id());
        let got = match h.send(DISCOVERY_PATH, &request.into()) {
            Message::StatusMessage(s) => s.status_type,
            Message::DiscoveryResponse(_) => StatusType::SUCCESS,
            other => panic!("{other:?}"),
        };
        assert_eq!(got, expected, "password {password}");
    }
}

#[test]
fn http_level_answers() {
    let h = Harness::new(two_collections());
    let request = h
        .client
        .request(
            &Harness::url("/services/nothing"),
            &DiscoveryRequest::new(MessageId::from_u64(1)).into(),
        )
        .unwrap();
    assert_eq!(h.service.handle(request).status(), 404);
    let get = http::Request::get("/services/poll")
        .body(Bytes::new())
        .unwrap();
    let response = h.service.handle(get);
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    let options = http::Request::options("/services/poll")
        .body(Bytes::new())
        .unwrap();
    let response = h.service.handle(options);
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["x-taxii-content-types"],
        "urn:taxii.mitre.org:message:xml:1.0,urn:taxii.mitre.org:message:xml:1.1"
    );
    // A message the service does not take.
    let status = h.status(
        INBOX_PATH,
        &DiscoveryRequest::new(MessageId::from_u64(5)).into(),
    );
    assert_eq!(status.status_type, StatusType::UNSUPPORTED_MESSAGE);
    assert_eq!(status.in_response_to.as_str(), "5");
}

#[test]
fn configuration_errors_are_typed() {
    let base = Url::parse(BASE).unwrap();
    let twice = ServerConfig::default()
        .with_collection(CollectionConfig::new("a"))
        .with_collection(CollectionConfig::new("a"));
    assert!(matches!(
        TaxiiService::new(&twice, base.clone()),
        Err(Error::DuplicateCollection { name }) if name == "a"
    ));
    let blank = ServerConfig::default().with_collection(CollectionConfig::new("a b"));
    assert!(matches!(
        TaxiiService::new(&blank, base.clone()),
        Err(Error::BadCollectionName { .. })
    ));
    let default = ServerConfig::default()
        .with_collection(CollectionConfig::new("a"))
        .with_default_inbox_collection("b");
    assert!(matches!(
        TaxiiService::new(&default, base),
        Err(Error::UnknownDefaultCollection { name }) if name == "b"
    ));
}

#[test]
fn directories_load_one_block_per_file() {
    let dir = Scratch::new("taxii-server-load");
    std::fs::write(dir.join("b.json"), "{\"entities\": []}\n").unwrap();
    std::fs::write(
        dir.join("a.xml"),
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{STIX}\n"),
    )
    .unwrap();
    let collection = CollectionConfig::new("dir")
        .load_dir(
            &dir,
            &ContentBindingId::STIX_XML_1_1_1,
            SizeLimit::FEED_DEFAULT,
        )
        .unwrap();
    let [xml, json] = collection.blocks.as_slice() else {
        panic!()
    };
    assert_eq!(
        xml.content_binding.binding_id,
        ContentBindingId::STIX_XML_1_1_1
    );
    assert_eq!(xml.content.as_str(), format!("\n{STIX}\n"));
    assert_eq!(
        json.content_binding.binding_id,
        ContentBindingId::EIQ_JSON_1_0
    );
    assert_eq!(json.content.as_str(), "{\"entities\": []}\n");

    let small = SizeLimit::new(8).unwrap();
    let err = CollectionConfig::new("dir")
        .load_dir(&dir, &ContentBindingId::STIX_XML_1_2, small)
        .unwrap_err();
    assert!(matches!(err, Error::FileTooLarge { limit: 8, .. }), "{err}");

    std::fs::write(dir.join("c.json"), "{not json").unwrap();
    let err = CollectionConfig::new("dir")
        .load_dir(
            &dir,
            &ContentBindingId::STIX_XML_1_2,
            SizeLimit::FEED_DEFAULT,
        )
        .unwrap_err();
    assert!(
        matches!(&err, Error::BadContent { path, reason } if path.ends_with("c.json") && reason.contains("line 1 column 2")),
        "{err}"
    );
    std::fs::remove_file(dir.join("c.json")).unwrap();
    std::fs::write(dir.join("notes.txt"), "x").unwrap();
    let err = CollectionConfig::new("dir")
        .load_dir(
            &dir,
            &ContentBindingId::STIX_XML_1_2,
            SizeLimit::FEED_DEFAULT,
        )
        .unwrap_err();
    assert!(
        matches!(&err, Error::NotContentFile { path } if path.ends_with("notes.txt")),
        "{err}"
    );
}

#[test]
fn timestamp_labels_have_the_opentaxii_form() {
    let t = UNIX_EPOCH + Duration::from_micros(1_795_352_711_314_393);
    assert_eq!(
        timestamp_label(t).unwrap().as_str(),
        "2026-11-22T13:05:11.314393+00:00"
    );
}

/// Sends raw bytes and returns the raw answer.
fn exchange(server: &TaxiiServer, request: &[u8]) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(server.local_addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let code = head[9..12].parse().unwrap();
    (code, head, raw[split + 4..].to_vec())
}

fn to_wire(request: &http::Request<Bytes>) -> Vec<u8> {
    let mut out = format!(
        "POST {} HTTP/1.1\r\nHost: localhost\r\n",
        request.uri().path()
    )
    .into_bytes();
    for (name, value) in request.headers() {
        out.extend_from_slice(format!("{}: {}\r\n", name, value.to_str().unwrap()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(request.body());
    out
}

#[test]
fn serves_over_loopback_and_enforces_http_limits() {
    let mut config = two_collections();
    config.limits.taxii = taxii1_core::Limits::default()
        .with_max_message_bytes(4096)
        .unwrap();
    config.limits.max_header_bytes = 1024;
    let server = TaxiiServer::new(config).unwrap();
    let base = server.base_url().clone();
    assert_eq!(base.host_str(), Some("127.0.0.1"));
    let client = Client::new(Version::V1_1);
    let request = client
        .request(
            &base.join("services/discovery").unwrap(),
            &DiscoveryRequest::new(MessageId::from_u64(1)).into(),
        )
        .unwrap();
    let (code, head, body) = exchange(&server, &to_wire(&request));
    assert_eq!(code, 200);
    assert!(head.contains("Connection: close"), "{head}");
    let mut response = http::Response::builder().status(200);
    for line in head.lines().skip(1) {
        let (name, value) = line.split_once(": ").unwrap();
        response = response.header(name, value);
    }
    let discovery: DiscoveryResponse = client
        .expect(
            response.body(Bytes::from(body)).unwrap(),
            &MessageId::from_u64(1),
        )
        .unwrap();
    assert_eq!(
        discovery.service_instances[3].address,
        base.join("services/poll").unwrap().as_str()
    );

    let (code, _, _) = exchange(&server, b"POST /services/poll HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(code, 411);
    let (code, _, _) = exchange(
        &server,
        b"POST /services/poll HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    );
    assert_eq!(code, 411);
    let (code, _, _) = exchange(
        &server,
        b"POST /services/poll HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n",
    );
    assert_eq!(code, 413);
    let long = format!(
        "POST /services/poll HTTP/1.1\r\nX-Filler: {}\r\n\r\n",
        "a".repeat(2000)
    );
    let (code, _, _) = exchange(&server, long.as_bytes());
    assert_eq!(code, 431);
    let (code, _, _) = exchange(&server, b"NOT HTTP\r\n\r\n");
    assert_eq!(code, 400);
    let (code, _, _) = exchange(&server, b"GET /services/poll HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(code, 405);
    server.stop();
}

#[test]
fn a_trickling_client_gets_408_once_the_request_time_is_up() {
    let mut config = two_collections();
    config.limits.read_timeout = Duration::from_millis(200);
    let server = TaxiiServer::new(config).unwrap();
    let mut stream = TcpStream::connect(server.local_addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    // One byte every 50 ms never completes the head; the server gives up after 200 ms.
    let mut raw = Vec::new();
    let mut buf = [0u8; 1024];
    for byte in b"POST /services/poll HTTP/1.1\r\nX-Slow: "
        .iter()
        .cycle()
        .take(200)
    {
        if stream.write_all(&[*byte]).is_err() {
            break;
        }
        // Waits up to 50 ms for the answer.
        if let Ok(n) = stream.read(&mut buf)
            && n > 0
        {
            raw.extend_from_slice(&buf[..n]);
            break;
        }
    }
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw);
    assert!(text.starts_with("HTTP/1.1 408 "), "{text}");
    server.stop();
}
